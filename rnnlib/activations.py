"""Activation functions: sigmoid, softmax and log_softmax, each stable for any finite input.

    sigmoid(z) = 1 / (1 + exp(-z))
    softmax(s)_c = exp(s_c - m) / sum_k exp(s_k - m),   m = max_k s_k (so exp never overflows)
    log_softmax(s)_c = (s_c - m) - log sum_k exp(s_k - m)

Each takes real numbers in any form: a Python number (``sigmoid(6.0)``), a list, or an array
of floats or integers (integers are computed in float64; floating-point arrays keep their
dtype). A number in gives a NumPy number out, an array in gives an array of the same shape.
"""

import numpy as np

from ._checks import check_values, validated


def _as_float(value):
    """``value`` as a floating-point array: floats as they are, integers in float64."""
    arr = np.asarray(value)
    return arr if arr.dtype.kind == "f" else arr.astype(np.float64)


def _real(name, value):
    """Check that ``value`` holds real numbers, finite and at least one; return it as floats."""
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):  # a ragged list
        arr = None
    if arr is None or arr.dtype.kind not in "fiu":
        got = f"dtype {arr.dtype}" if arr is not None and arr.dtype.kind in "bc" else (
            type(value).__name__)
        raise TypeError(f"{name}: expected real numbers (a float, a list of floats or a NumPy "
                        f"array of them), got {got}")
    return check_values(name, _as_float(arr))


def _scores_args(scores, axis=-1):
    scores = _real("scores", scores)
    if not -scores.ndim <= axis < scores.ndim:
        raise ValueError(f"axis: {axis} is not an axis of scores, shape {scores.shape}")


@validated(lambda z: _real("z", z))
def sigmoid(z):
    """Logistic function 1 / (1 + exp(-z)), computed without overflow for any z."""
    z = _as_float(z)
    ez = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + ez), ez / (1.0 + ez))[()]  # [()]: a number stays one


@validated(_scores_args)
def log_softmax(scores, axis=-1):
    """log softmax along ``axis``: finite even where the probability rounds to 0."""
    scores = _as_float(scores)
    shifted = scores - scores.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


@validated(_scores_args)
def softmax(scores, axis=-1):
    """Softmax along ``axis``; subtracting the maximum first keeps exp from overflowing."""
    scores = _as_float(scores)
    e = np.exp(scores - scores.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
