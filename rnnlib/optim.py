"""Optimizers and gradient clipping. All act in place on dicts of arrays that share keys:
``params[name]`` and ``grads[name]`` have the same shape."""

import numpy as np

from ._checks import all_finite, check_positive


def _check_grads(grads, params=None):
    """grads: a dict of arrays; given params, with their keys and shapes, and all finite."""
    for arg, d in (("params", params), ("grads", grads)):
        if d is not None and not isinstance(d, dict):
            raise TypeError(f"{arg}: expected a dict of name -> array, got {type(d).__name__}")
    for name, g in grads.items():
        if not isinstance(g, np.ndarray):
            raise TypeError(f"grads[{name!r}]: expected a NumPy array, got {type(g).__name__}")
    if params is None:
        return
    if set(params) != set(grads):
        raise ValueError(f"grads: keys {sorted(grads)} do not match params keys {sorted(params)}")
    for name, p in params.items():
        if p.shape != grads[name].shape:
            raise ValueError(f"grads[{name!r}]: expected shape {p.shape}, "
                             f"got {grads[name].shape}")
        if not all_finite(grads[name]):
            raise ValueError(f"grads[{name!r}]: contains NaN or infinite values; the step is "
                             "refused and params are unchanged (try a smaller learning rate or "
                             "clip the gradients)")


class SGD:
    """Plain gradient descent: p <- p - lr * g."""

    def __init__(self, lr=0.01):
        self.lr = check_positive("lr", lr)

    def step(self, params, grads):
        """Update every array in ``params`` in place."""
        _check_grads(grads, params)
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
        self._scratch = {}  # name -> two arrays reused by every step (no temporaries)

    def step(self, params, grads):
        """Update every array in ``params`` in place (``grads`` is not changed)."""
        _check_grads(grads, params)
        for name, p in params.items():
            g = grads[name]
            if name not in self.memory:  # first step: no squared gradients yet
                self.memory[name] = np.zeros_like(p)
            if name not in self._scratch:
                self._scratch[name] = (np.empty_like(p), np.empty_like(p))
            mem, (root, upd) = self.memory[name], self._scratch[name]
            np.multiply(g, g, out=root)
            mem += root  # mem + g^2
            np.add(mem, self.eps, out=root)
            np.sqrt(root, out=root)  # sqrt(mem + eps)
            np.multiply(g, self.lr, out=upd)
            upd /= root  # lr * g / sqrt(mem + eps)
            p -= upd


def global_norm(grads):
    """sqrt of the sum of squares of every entry of every gradient."""
    _check_grads(grads)
    return float(np.sqrt(sum(float(np.sum(g * g)) for g in grads.values())))


def clip_by_value(grads, limit):
    """Clip every gradient entry to [-limit, limit] in place; returns ``grads``.

    Entry by entry, so it can change the direction of the whole gradient.
    """
    _check_grads(grads)
    check_positive("limit", limit)
    for g in grads.values():
        np.clip(g, -limit, limit, out=g)
    return grads


def clip_by_global_norm(grads, max_norm):
    """Rescale all gradients together so their global norm is at most ``max_norm``.

    Keeps the direction; only the length changes. In place; returns ``grads``.
    """
    check_positive("max_norm", max_norm)
    norm = global_norm(grads)
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return grads
