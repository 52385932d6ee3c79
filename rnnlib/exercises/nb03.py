"""Checks for the exercises of notebook 03 (BPTT and gradient checking).

Each check compares the learner's function with an answer computed here independently:
the derivative of the loss written out by hand, derivatives of known functions, and
finite differences of a forward pass written here as plain loops.
"""

import math

import numpy as np

from ._common import run_check


def _same(got, expected, label, rtol=1e-7, atol=1e-10):
    got = np.asarray(got, dtype=np.float64)
    if got.shape != expected.shape:
        return f"{label} has shape {got.shape}, expected {expected.shape}"
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        worst = float(np.max(np.abs(got - expected)))
        return f"{label} differs from the expected values by up to {worst:.3g}"
    return None


def check_bce_grad(bce_grad):
    """Exercise 1: gradient of the MEAN binary cross-entropy with respect to the logits."""
    z = np.array([[2.0], [-1.0], [0.5], [-3.0]])
    y = np.array([[1.0], [0.0], [0.0], [1.0]])
    N = len(z)
    p = np.array([[1.0 / (1.0 + math.exp(-v))] for v in z[:, 0]])
    expected = (p - y) / N  # dL/dz_n = (sigmoid(z_n) - y_n) / N

    def check():
        got = bce_grad(z, y)
        if got is None:
            return False, "your function returned None; it should return an (N, 1) array"
        problem = _same(got, expected, "dz")
        if problem and np.shape(got) == expected.shape:
            if np.allclose(got, expected * p * (1 - p)):
                problem = ("you multiplied by sigmoid'(z) = p(1 - p) on top: BCE on a sigmoid "
                           "already cancels it, leaving p - y")
            elif np.allclose(got, expected * N):
                problem = "the loss is a mean over the batch: divide by N"
        return problem is None, problem or "dL/dz = (sigmoid(z) - y) / N"
    return run_check("bce_grad", check, hint="p = 1 / (1 + np.exp(-z)); return (p - y) / len(z)")


def check_centred_difference(centred_difference):
    """Exercise 2: (f(x + h e_i) - f(x - h e_i)) / 2h for one entry i, x left unchanged."""
    x = np.array([[0.3, -1.2], [2.0, 0.7]])
    f = lambda: float(np.sum(np.sin(x)) + x[0, 1] ** 3)  # noqa: E731 - reads x
    cases = {(0, 0): math.cos(0.3), (0, 1): math.cos(-1.2) + 3 * 1.2**2, (1, 0): math.cos(2.0)}

    def check():
        before = x.copy()
        for idx, exact in cases.items():
            got = centred_difference(f, x, idx, 1e-5)
            if got is None:
                return False, "your function returned None; it should return a number"
            if not np.array_equal(x, before):
                return False, "x was left changed: put the original entry back afterwards"
            if abs(float(got) - exact) > 1e-8:
                return False, (f"at index {idx} you gave {float(got):.8f}, the exact "
                               f"derivative is {exact:.8f} (a one-sided difference is "
                               f"off by about h/2 times the second derivative)")
        return True, "agrees with the exact derivatives to better than 1e-8"
    return run_check("centred_difference", check,
                     hint="save old = x[i]; set x[i] = old + h, call f; x[i] = old - h, "
                          "call f; restore x[i] = old; return the difference / (2 h)")


def _forward(x, h0, W_xh, W_hh, b_h):
    """Plain-loop RNN forward: hidden states (N, T, H)."""
    N, T, D = x.shape
    H = W_hh.shape[0]
    h = np.empty((N, T, H))
    for n in range(N):
        prev = h0[n]
        for t in range(T):
            prev = np.array([math.tanh(b_h[i] + sum(W_xh[i, j] * x[n, t, j] for j in range(D))
                                       + sum(W_hh[i, k] * prev[k] for k in range(H)))
                             for i in range(H)])
            h[n, t] = prev
    return h


def _numeric(f, arrays, eps=1e-6):
    """Centred differences of the scalar f() with respect to every entry of each array."""
    grads = []
    for a in arrays:
        g = np.zeros_like(a)
        for i in np.ndindex(a.shape):
            old = a[i]
            a[i] = old + eps
            plus = f()
            a[i] = old - eps
            minus = f()
            a[i] = old
            g[i] = (plus - minus) / (2 * eps)
        grads.append(g)
    return grads


def check_bptt(bptt):
    """Exercise 3: bptt(dh, x, h, h0, W_xh, W_hh) -> (dx, dh0, dW_xh, dW_hh, db_h)."""
    rng = np.random.default_rng(33)
    N, T, D, H = 2, 4, 3, 3
    x, h0 = rng.normal(size=(N, T, D)), rng.normal(0, 0.5, (N, H))
    W_xh, W_hh, b_h = rng.normal(0, 0.6, (H, D)), rng.normal(0, 0.6, (H, H)), rng.normal(0, 0.3, H)
    dh = rng.normal(size=(N, T, H))  # upstream gradient at every step: L = sum(dh * h)
    h = _forward(x, h0, W_xh, W_hh, b_h)
    expected = _numeric(lambda: float(np.sum(dh * _forward(x, h0, W_xh, W_hh, b_h))),
                        [x, h0, W_xh, W_hh, b_h])
    names = ["dx", "dh0", "dW_xh", "dW_hh", "db_h"]

    def check():
        got = bptt(dh.copy(), x.copy(), h.copy(), h0.copy(), W_xh.copy(), W_hh.copy())
        if got is None or not isinstance(got, tuple) or len(got) != 5:
            return False, "return a tuple (dx, dh0, dW_xh, dW_hh, db_h)"
        bad = [name for name, g, e in zip(names, got, expected, strict=True)
               if _same(g, e, name, rtol=1e-5, atol=1e-7)]
        if bad:
            last_ok = _same(got[0][:, -1], expected[0][:, -1], "dx", rtol=1e-5, atol=1e-7)
            msg = f"{', '.join(bad)} disagree with finite differences"
            if last_ok is None:
                msg += (" (the last step is right but earlier steps are not: is dh_next "
                        "carried back and added to dh[:, t]?)")
            return False, msg
        return True, "all five gradients agree with finite differences"
    return run_check("bptt", check,
                     hint="loop t from T-1 down to 0: da = (dh[:, t] + dh_next) * (1 - h_t**2), "
                          "h_{t-1} is h0 at t = 0, and dh_next = da @ W_hh")
