"""Checks for the exercises of notebook 03 (BPTT and gradient checking).

Each check compares the learner's function with an answer computed here independently:
the derivative of the loss written out by hand, derivatives of known functions, and
finite differences of a forward pass written here as plain loops.
"""

import math

import numpy as np

from ._common import differs, run_check


def check_bce_grad(bce_grad, hint=False):
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
        problem = differs(got, expected, "dz")
        if problem and np.shape(got) == expected.shape:
            if np.allclose(got, expected * p * (1 - p)):
                problem = ("you multiplied by sigmoid'(z) = p(1 - p) on top: BCE on a sigmoid "
                           "already cancels it")
            elif (np.allclose(got, (z - y) * p * (1 - p) / N)
                  or np.allclose(got, (z - y) / N)):
                problem = ("you used the logit z where the probability p = sigmoid(z) belongs "
                           "(an easy slip): the gradient is zero when p = y, not z = y")
            elif np.allclose(got, expected * N):
                problem = "the loss is a mean over the batch: divide by N"
            elif np.allclose(got, -expected):
                problem = ("the sign is flipped: a gradient points towards larger loss, so "
                           "it is positive where p > y")
            else:
                problem += ("; derive dL/dp for one example, multiply by dp/dz, and compare "
                            "each factor with your code")
        return problem is None, problem or "dL/dz = (sigmoid(z) - y) / N"
    return run_check(hint, "bce_grad", check,
                     hint="write the loss of one example in p = sigmoid(z), differentiate with "
                          "respect to p, multiply by dp/dz = p (1 - p) and simplify; the loss "
                          "is a mean over the N examples")


def check_centred_difference(centred_difference, hint=False):
    """Exercise 2: (f(x + eps e_i) - f(x - eps e_i)) / (2 eps) for one entry i, x unchanged."""
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
                               f"off by about eps/2 times the second derivative)")
        return True, "agrees with the exact derivatives to better than 1e-8"
    return run_check(hint, "centred_difference", check,
                     hint="change one entry, evaluate, change it the other way, evaluate, "
                          "and put the entry back exactly as it was")


def leaky_rnn_forward(x, h0, W_xh, W_hh, b_h, alpha):
    """Leaky RNN over whole sequences: h_t = (1 - alpha) h_{t-1} + alpha tanh(a_t).

    a_t = x_t @ W_xh.T + h_{t-1} @ W_hh.T + b_h, as in rnnlib.rnn_forward; alpha = 1 gives
    the vanilla RNN back.

    Inputs:
    - x: (N, T, D), h0: (N, H), W_xh: (H, D), W_hh: (H, H), b_h: (H,), alpha: in (0, 1].

    Returns a tuple of:
    - h: (N, T, H) hidden states.
    - cache: (x, h0, h, g, W_xh, W_hh, alpha) with g: (N, T, H) the values tanh(a_t).
    """
    N, T, _ = x.shape
    h = np.empty((N, T, W_hh.shape[0]))
    g = np.empty_like(h)
    h_prev = h0
    for t in range(T):
        g[:, t] = np.tanh(x[:, t] @ W_xh.T + h_prev @ W_hh.T + b_h)  # (N, H)
        h_prev = h[:, t] = (1 - alpha) * h_prev + alpha * g[:, t]
    return h, (x, h0, h, g, W_xh, W_hh, alpha)


def _leaky_loops(x, h0, W_xh, W_hh, b_h, alpha):
    """The same leaky RNN written entry by entry with plain loops (independent of the above)."""
    N, T, D = x.shape
    H = W_hh.shape[0]
    h = np.empty((N, T, H))
    for n in range(N):
        prev = list(h0[n])
        for t in range(T):
            new = []
            for i in range(H):
                a = b_h[i] + sum(W_xh[i, j] * x[n, t, j] for j in range(D))
                a += sum(W_hh[i, k] * prev[k] for k in range(H))
                new.append((1 - alpha) * prev[i] + alpha * math.tanh(a))
            h[n, t] = prev = new
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


def _leaky_backward_variant(dh, cache, carry=True, leak_path=True, alpha_in_da=True,
                            tanh_of_g=True):
    """A backward pass with the two classic mistakes switchable, to name the learner's one.

    The right answer is judged by finite differences, never by this function.
    """
    x, h0, h, g, W_xh, W_hh, alpha = cache
    T = x.shape[1]
    dW_xh, dW_hh, db_h = np.zeros_like(W_xh), np.zeros_like(W_hh), np.zeros(W_hh.shape[0])
    dx, dh_next = np.zeros_like(x), np.zeros_like(h0)
    for t in reversed(range(T)):
        delta = dh[:, t] + (dh_next if carry else 0)
        act = g[:, t] if tanh_of_g else h[:, t]
        da = (alpha if alpha_in_da else 1.0) * delta * (1 - act**2)
        h_prev = h[:, t - 1] if t > 0 else h0
        dx[:, t], dW_xh, dW_hh = da @ W_xh, dW_xh + da.T @ x[:, t], dW_hh + da.T @ h_prev
        db_h = db_h + da.sum(axis=0)
        dh_next = da @ W_hh + ((1 - alpha) * delta if leak_path else 0)
    return dx, dh_next, dW_xh, dW_hh, db_h


_LEAKY_MISTAKES = [  # (switches of _leaky_backward_variant, what to change)
    ({"leak_path": False}, ": h_{t-1} also reaches h_t directly, through (1 - alpha) h_{t-1}, "
                           "so dh_next needs a (1 - alpha) * delta term besides da @ W_hh"),
    ({"carry": False}, ": the gradient arriving from step t+1 (dh_next) is never added to "
                       "dh[:, t], so only each step's own loss reaches it"),
    ({"alpha_in_da": False}, ": h_t = (1 - alpha) h_{t-1} + alpha g_t, so the gradient reaching "
                             "g_t (and a_t) carries a factor alpha"),
    ({"tanh_of_g": False}, ": tanh' is 1 - g_t^2, with g_t = tanh(a_t); for a leaky RNN h_t is "
                           "no longer tanh(a_t)"),
]


def check_leaky_bptt(leaky_rnn_backward, hint=False):
    """Exercise 3: leaky_rnn_backward(dh, cache) -> (dx, dh0, dW_xh, dW_hh, db_h)."""
    rng = np.random.default_rng(33)
    N, T, D, H, alpha = 2, 4, 3, 3, 0.6
    x, h0 = rng.normal(size=(N, T, D)), rng.normal(0, 0.5, (N, H))
    W_xh, W_hh, b_h = rng.normal(0, 0.6, (H, D)), rng.normal(0, 0.6, (H, H)), rng.normal(0, 0.3, H)
    dh = rng.normal(size=(N, T, H))  # upstream gradient at every step: L = sum(dh * h)
    _, cache = leaky_rnn_forward(x, h0, W_xh, W_hh, b_h, alpha)
    loss = lambda: float(np.sum(dh * _leaky_loops(x, h0, W_xh, W_hh, b_h, alpha)))  # noqa: E731
    expected = _numeric(loss, [x, h0, W_xh, W_hh, b_h])
    names = ["dx", "dh0", "dW_xh", "dW_hh", "db_h"]

    def matches(got, ref):
        return all(differs(a, b, "g", rtol=1e-5, atol=1e-7) is None
                   for a, b in zip(got, ref, strict=True))

    def check():
        fresh = tuple(np.copy(c) if isinstance(c, np.ndarray) else c for c in cache)
        got = leaky_rnn_backward(dh.copy(), fresh)
        if not isinstance(got, tuple) or len(got) != 5:
            return False, "return a tuple of five arrays (dx, dh0, dW_xh, dW_hh, db_h)"
        bad = [name for name, a, b in zip(names, got, expected, strict=True)
               if differs(a, b, name, rtol=1e-5, atol=1e-7)]
        if not bad:
            return True, "all five gradients agree with finite differences"
        msg = f"{', '.join(bad)} disagree with finite differences"
        for mistake, why in _LEAKY_MISTAKES:  # name the learner's mistake if it is a known one
            if matches(got, _leaky_backward_variant(dh, cache, **mistake)):
                return False, msg + why
        if differs(got[0][:, -1], expected[0][:, -1], "dx", rtol=1e-5, atol=1e-7) is None:
            msg += " (the last step is right but earlier ones are not: look at dh_next)"
        else:
            msg += ("; test your function with alpha = 1 against rnnlib.rnn_backward first, "
                    "then add the leak")
        return False, msg
    return run_check(hint, "leaky_bptt", check,
                     hint="h_{t-1} reaches h_t by two paths (through the tanh and through "
                          "the leak); the gradient handed back must add both")
