"""Optimizers and gradient clipping. All act in place on dicts of arrays that share keys:
``params[name]`` and ``grads[name]`` have the same shape."""

import numpy as np

from ._checks import all_finite, check_positive, validated


def _check_grads(grads, params=None):
    """grads: a dict of float arrays; given params, floats with the same keys and shapes."""
    for arg, d in (("params", params), ("grads", grads)):
        if d is not None and not isinstance(d, dict):
            raise TypeError(f"{arg}: expected a dict of name -> array, got {type(d).__name__}")
    for arg, d in (("params", params or {}), ("grads", grads)):
        for name, a in d.items():
            if not isinstance(a, np.ndarray):
                raise TypeError(f"{arg}[{name!r}]: expected a NumPy array, "
                                f"got {type(a).__name__}")
            if not np.issubdtype(a.dtype, np.floating):  # an update cannot be written into ints
                raise TypeError(f"{arg}[{name!r}]: expected a floating-point array, got dtype "
                                f"{a.dtype}; convert it with .astype(np.float64)")
    if params is None:
        return
    if set(params) != set(grads):
        raise ValueError(f"grads: keys {sorted(grads)} do not match params keys {sorted(params)}")
    for name, p in params.items():
        if p.shape != grads[name].shape:
            raise ValueError(f"grads[{name!r}]: expected shape {p.shape}, "
                             f"got {grads[name].shape}")


def _step_args(self, params, grads):
    _check_grads(grads, params)


def refuse_nonfinite(grads):
    """Every step, not only at the door: a NaN or infinite gradient stops the update."""
    for name, g in grads.items():
        if not all_finite(g):
            raise ValueError(f"grads[{name!r}]: contains NaN or infinite values; the step is "
                             "refused and params are unchanged (try a smaller learning rate or "
                             "clip the gradients)")


class SGD:
    """Plain gradient descent: p <- p - lr * g."""

    def __init__(self, lr=0.01):
        self.lr = check_positive("lr", lr)

    @validated(_step_args)
    def step(self, params, grads):
        """Update every array in ``params`` in place."""
        refuse_nonfinite(grads)
        for name, p in params.items():
            p -= self.lr * grads[name]


class AdaGrad:
    """AdaGrad: each weight's step shrinks with the sum of its squared gradients so far.

        mem <- mem + g^2
        p   <- p - lr * g / sqrt(mem + eps)

    eps sits inside the square root, as in min-char-rnn; PyTorch's Adagrad adds it outside,
    lr * g / (sqrt(mem) + eps). ``memory`` (name -> running sum) is the state a checkpoint
    keeps so that training can resume.
    """

    def __init__(self, lr=0.1, eps=1e-8):
        self.lr = check_positive("lr", lr)
        self.eps = check_positive("eps", eps)
        self.memory = {}  # name -> running sum of squared gradients
        self._scratch = {}  # name -> two arrays reused at every step, so no temporaries

    @validated(_step_args)
    def step(self, params, grads):
        """Update every array in ``params`` in place (``grads`` is not changed)."""
        refuse_nonfinite(grads)
        for name, p in params.items():
            g, mem = grads[name], self.memory.setdefault(name, np.zeros_like(p))
            if name not in self._scratch or self._scratch[name][0].shape != p.shape:
                self._scratch[name] = (np.empty_like(p), np.empty_like(p))
            root, upd = self._scratch[name]
            # mem += g * g; p -= lr * g / sqrt(mem + eps), written into the two buffers
            np.multiply(g, g, out=root)
            mem += root
            np.add(mem, self.eps, out=root)
            np.sqrt(root, out=root)
            np.multiply(g, self.lr, out=upd)
            upd /= root
            p -= upd


@validated(_check_grads)
def global_norm(grads):
    """sqrt of the sum of squares of every entry of every gradient."""
    return float(np.sqrt(sum(float(np.sum(g * g)) for g in grads.values())))


def _clip_args(grads, limit, name="limit"):
    _check_grads(grads)
    check_positive(name, limit)


@validated(_clip_args)
def clip_by_value(grads, limit):
    """Clip every gradient entry to [-limit, limit] in place; returns ``grads``.

    Entry by entry, so it can change the direction of the whole gradient.
    """
    for g in grads.values():
        np.clip(g, -limit, limit, out=g)
    return grads


@validated(lambda grads, max_norm: _clip_args(grads, max_norm, "max_norm"))
def clip_by_global_norm(grads, max_norm):
    """Rescale all gradients together so their global norm is at most ``max_norm``.

    Keeps the direction; only the length changes. In place; returns ``grads``.
    """
    norm = global_norm(grads)
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return grads
