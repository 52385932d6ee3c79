"""Optimizers and gradient clipping. All act in place on dicts of arrays that share keys:
``params[name]`` and ``grads[name]`` have the same shape."""

import numpy as np

from ._checks import check_positive


def _check_pair(params, grads):
    if not isinstance(params, dict) or not isinstance(grads, dict):
        raise TypeError("params, grads: expected two dicts of name -> array")
    if set(params) != set(grads):
        raise ValueError(
            f"grads: keys {sorted(grads)} do not match params keys {sorted(params)}"
        )
    for name in params:
        if params[name].shape != grads[name].shape:
            raise ValueError(
                f"grads[{name!r}]: expected shape {params[name].shape}, "
                f"got {grads[name].shape}"
            )


class SGD:
    """Plain gradient descent: p <- p - lr * g."""

    def __init__(self, lr=0.01):
        self.lr = check_positive("lr", lr)

    def step(self, params, grads):
        """Update every array in ``params`` in place."""
        _check_pair(params, grads)
        for name, p in params.items():
            p -= self.lr * grads[name]


class AdaGrad:
    """AdaGrad: each weight's step shrinks with the sum of its squared gradients so far.

        mem <- mem + g^2
        p   <- p - lr * g / sqrt(mem + eps)
    """

    def __init__(self, lr=0.1, eps=1e-8):
        self.lr = check_positive("lr", lr)
        self.eps = check_positive("eps", eps)
        self.memory = {}  # name -> running sum of squared gradients

    def step(self, params, grads):
        """Update every array in ``params`` in place."""
        _check_pair(params, grads)
        for name, p in params.items():
            g = grads[name]
            if name not in self.memory:  # first step: no squared gradients yet
                self.memory[name] = np.zeros_like(p)
            mem = self.memory[name]
            mem += g * g
            p -= self.lr * g / np.sqrt(mem + self.eps)


def global_norm(grads):
    """sqrt of the sum of squares of every entry of every gradient."""
    return float(np.sqrt(sum(float(np.sum(g * g)) for g in grads.values())))


def clip_by_value(grads, limit):
    """Clip every gradient entry to [-limit, limit] in place; returns ``grads``.

    Entry by entry, so it can change the direction of the whole gradient.
    """
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
