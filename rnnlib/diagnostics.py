"""Diagnostics: how the size of a gradient changes with distance, and how sure a success
rate over a few seeds is (notebooks 05 and 08)."""

import numpy as np

from ._checks import check_array, check_positive, validated
from .layers import rnn_backward, rnn_forward


def _args(W_hh, W_xh, x, b_h=None, u=None):
    dims = {}
    check_array("x", x, "N T D", dims)
    check_array("W_xh", W_xh, "H D", dims)
    check_array("W_hh", W_hh, "H H", dims)
    for name, v in (("b_h", b_h), ("u", u)):
        if v is not None:
            check_array(name, v, "H", dims)


@validated(_args)
def grad_norms_by_distance(W_hh, W_xh, x, b_h=None, u=None):
    """How the gradient's size changes as it travels back k steps, with rnnlib.rnn_backward.

    Run the RNN from h_0 = 0 over x once. For each k = 1..T, put the loss L_k = u . h_k on
    step k alone and backpropagate: rnn_backward's dh0 is dL_k/dh_0, a gradient that has
    crossed k steps, i.e. been multiplied by diag(1 - h_t^2) W_hh k times.

    Inputs:
    - W_hh: (H, H), W_xh: (H, D), x: (N, T, D), b_h: (H,) (default zeros).
    - u: (H,) direction of the loss on h_k (default: all ones / sqrt(H), unit length).

    Returns:
    - norms: (T,) float64, norms[k-1] = mean over the N sequences of ||dL_k/dh_0||.
    """
    (N, T, _), H = x.shape, W_hh.shape[0]
    b_h = np.zeros(H) if b_h is None else b_h
    u = np.ones(H) / np.sqrt(H) if u is None else u
    _, cache = rnn_forward(x, np.zeros((N, H)), W_xh, W_hh, b_h)
    norms = np.empty(T)
    for k in range(1, T + 1):
        dh = np.zeros((N, T, H))
        dh[:, k - 1] = u  # the loss sits on h_k only
        dh0 = rnn_backward(dh, cache)[1]  # (N, H) = dL_k / dh_0
        norms[k - 1] = np.linalg.norm(dh0, axis=1).mean()
    return norms


def _interval_args(k, n, z=1.96):
    check_positive("n", n, integer=True)
    if check_positive("k", k, integer=True, allow_zero=True) > n:
        raise ValueError(f"k: expected a count of successes between 0 and n = {n}, got {k}")
    check_positive("z", z)


@validated(_interval_args)
def wilson_interval(k, n, z=1.96):
    """The Wilson score interval for a success rate p, from k successes in n independent runs.

    It holds the p for which k/n is within z standard errors of p, |k/n - p| <= z sqrt(p(1-p)/n):
    the roots of a quadratic in p. z = 1.96 gives a 95% interval. Unlike k/n +- z sqrt(...) of
    k/n itself, it does not shrink to a point at 0 or n successes (0 of 10 gives [0, 0.28]).

    Inputs:
    - k: successes, 0 <= k <= n; n: runs, > 0; z: standard errors, > 0.

    Returns:
    - (low, high): floats with 0 <= low <= k/n <= high <= 1.
    """
    p, d = k / n, 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / d
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))
