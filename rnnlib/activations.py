"""Activation functions: sigmoid, softmax and log_softmax, each stable for any finite input.

    sigmoid(z) = 1 / (1 + exp(-z))
    softmax(s)_c = exp(s_c - m) / sum_k exp(s_k - m),   m = max_k s_k (so exp never overflows)
    log_softmax(s)_c = (s_c - m) - log sum_k exp(s_k - m)
"""

import numpy as np

from ._checks import check_values, validated


def _scores_args(scores, axis=-1):
    check_values("scores", scores)
    if not -scores.ndim <= axis < scores.ndim:
        raise ValueError(f"axis: {axis} is not an axis of scores, shape {scores.shape}")


@validated(lambda z: check_values("z", z))
def sigmoid(z):
    """Logistic function 1 / (1 + exp(-z)), computed without overflow for any z."""
    ez = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + ez), ez / (1.0 + ez))


@validated(_scores_args)
def log_softmax(scores, axis=-1):
    """log softmax along ``axis``: finite even where the probability rounds to 0."""
    shifted = scores - scores.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


@validated(_scores_args)
def softmax(scores, axis=-1):
    """Softmax along ``axis``; subtracting the maximum first keeps exp from overflowing."""
    e = np.exp(scores - scores.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
