"""Checks for the exercises of notebook 05 (vanishing and exploding gradients).

Each check calls the learner's function on fixed inputs and compares with an answer computed
here independently (explicit loops, or a closed formula).
"""

import math

import numpy as np

from ._common import returned_nothing, run_check


def check_step_back(fn, hint=False):
    """Exercise 1: fn(dh, h, W_hh) -> (dh * (1 - h^2)) @ W_hh, computed here with loops."""
    rng = np.random.default_rng(50)
    N, H = 2, 3
    dh, h = rng.normal(size=(N, H)), np.tanh(rng.normal(size=(N, H)))
    W = rng.normal(size=(H, H))
    expected = np.zeros((N, H))
    for n in range(N):
        for j in range(H):  # dL/dh_prev[j] = sum_i dL/dh[i] * (1 - h[i]^2) * W[i, j]
            expected[n, j] = sum(dh[n, i] * (1 - h[n, i] ** 2) * W[i, j] for i in range(H))

    def check():
        got = fn(dh.copy(), h.copy(), W.copy())
        if (msg := returned_nothing(got, "an (N, H) array")):
            return False, msg
        got = np.asarray(got, dtype=np.float64)
        if got.shape != expected.shape:
            return False, f"shape {got.shape}, expected (N, H) = {expected.shape}"
        if np.allclose(got, dh @ W):
            return False, "you skipped tanh's derivative: go back through tanh before W_hh"
        if np.allclose(got, (dh * (1 - h**2)) @ W.T):
            return False, "transposed: with row vectors the product is (...) @ W_hh, not W_hh.T"
        if np.allclose(got, (dh * (1 - np.tanh(h) ** 2)) @ W):
            return False, "h is already tanh(a): use 1 - h**2, not 1 - tanh(h)**2"
        if not np.allclose(got, expected, rtol=1e-10, atol=1e-12):
            return False, ("values differ from dL/dh_prev computed entry by entry; check the "
                           "slope of tanh and which side W_hh multiplies from")
        return True, "matches dL/dh_prev computed entry by entry (rnn_step_backward's dh_prev)"
    return run_check(hint, "step_back", check,
                     hint="go back through the tanh first (its slope in terms of h), then "
                          "through W_hh")


def check_clip_by_global_norm(fn, hint=False):
    """Exercise 2: fn(grads, max_norm) -> new dict scaled to global norm <= max_norm."""
    # global norm sqrt(4 * 16 + 36) = 10; with max_norm 5 every entry must be halved. "a" has
    # norm 8 but entries below 5, so value clipping and per-array scaling give other answers.
    big = {"a": np.full((2, 2), 4.0), "b": np.array([6.0])}
    small = {"a": np.array([0.3, 0.4])}  # norm 0.5
    max_norm = 5.0
    value_clipped = {k: np.clip(v, -max_norm, max_norm) for k, v in big.items()}
    per_array = {k: v * min(1.0, max_norm / np.linalg.norm(v)) for k, v in big.items()}

    def check():
        before = {k: v.copy() for k, v in big.items()}
        got = fn(big, max_norm)
        if (msg := returned_nothing(got, "a dict of arrays")):
            return False, msg
        if not isinstance(got, dict) or set(got) != set(big):
            return False, f"return a dict with the same keys {sorted(big)}"
        if any(not np.array_equal(big[k], before[k]) for k in big):
            for k in big:
                big[k][...] = before[k]
            return False, "you changed the input dict's arrays; return new arrays instead"
        for k in big:
            if np.shape(got[k]) != big[k].shape:
                return False, f"grads[{k!r}] changed shape to {np.shape(got[k])}"

        def same(answer):
            return all(np.allclose(got[k], answer[k]) for k in big)

        if same(value_clipped):
            return False, "that is value clipping; scale every array by max_norm / norm"
        if same(per_array):
            return False, "each array was scaled by its own norm; use ONE global norm"
        wrong = [k for k in big if not np.allclose(got[k], big[k] / 2)]
        if wrong:  # global norm 10, max_norm 5: every entry must be halved
            return False, (f"for a global norm of 10 and max_norm 5 every entry should be "
                           f"halved; got {np.asarray(got[wrong[0]]).ravel()} for {wrong[0]!r}")
        got_small = fn(small, max_norm)
        if not np.allclose(got_small["a"], small["a"]):
            return False, "a gradient already shorter than max_norm must be returned unscaled"
        return True, "same direction, global norm at most max_norm, inputs untouched"
    return run_check(hint, "clip_by_global_norm", check,
                     hint="one norm for all arrays together; rescale only when it is above "
                          "the limit, and every array by the same factor")


def check_gain(gain, hint=False):
    """Exercise 3: gain g with g**30 = 1/1000, i.e. g = 1000 ** (-1/30)."""
    expected = 1000.0 ** (-1.0 / 30.0)

    def check():
        if gain is None or gain is Ellipsis:
            return False, "replace ... with an expression for the gain"
        g = float(gain)
        if math.isclose(g, expected, rel_tol=1e-9):
            return True, f"g = {expected:.4f}, and g**30 = {expected ** 30:.4g} = 1/1000"
        if math.isclose(g, expected, rel_tol=1e-3):
            return False, (f"{g!r} is a rounded value (g**30 = {g ** 30:.6g}); replace it by "
                           "an expression that computes g exactly")
        if math.isclose(g, 1000.0 ** (1.0 / 30.0), rel_tol=1e-6):
            return False, (f"g = {g:.6g} > 1 makes the gradient 1000 times LARGER after 30 "
                           "steps; you want it 1000 times smaller")
        return False, (f"g = {g:.6g} gives g**30 = {g ** 30:.6g}, but after 30 steps the "
                       "factor should be 0.001; change the expression")
    return run_check(hint, "gain", check,
                     hint="after 30 steps the factor has been applied 30 times")


def check_linear_norms(fn, hint=False):
    """Exercise 4: fn(W_hh, u, K) -> [||u W||, ||u W^2||, ..., ||u W^K||]."""
    rng = np.random.default_rng(51)
    H, K = 6, 40
    W = rng.normal(size=(H, H)) / np.sqrt(H)
    u = rng.normal(size=H)
    expected, v = np.empty(K), u.copy()
    for k in range(K):  # independent: explicit loop over entries of v @ W
        v = np.array([sum(v[i] * W[i, j] for i in range(H)) for j in range(H)])
        expected[k] = math.sqrt(sum(e * e for e in v))
    rho = float(np.max(np.abs(np.linalg.eigvals(W))))

    def check():
        got = fn(W.copy(), u.copy(), K)
        if (msg := returned_nothing(got, "a (K,) array of norms")):
            return False, msg
        got = np.asarray(got, dtype=np.float64)
        if got.shape != (K,):
            return False, f"shape {got.shape}, expected (K,) = ({K},)"
        if np.isclose(got[0], np.linalg.norm(u)):
            return False, "the first entry should be ||u W||, after one step, not ||u||"
        wrong_t, v2 = np.empty(K), u.copy()
        for k in range(K):
            v2 = W @ v2
            wrong_t[k] = np.linalg.norm(v2)
        if np.allclose(got, wrong_t) and not np.allclose(got, expected):
            return False, "you multiplied W @ u (a column vector); the gradient is the row u @ W"
        if not np.allclose(got, expected, rtol=1e-8):
            return False, "values differ from ||u W^k|| for k = 1..K"
        rate = expected[-1] ** (1 / K)
        return True, f"||u W^K||^(1/K) = {rate:.3f}, approaching the spectral radius {rho:.3f}"
    return run_check(hint, "linear_norms", check,
                     hint="without the tanh, each step back is one more product with W_hh")


def check_diverged_share(fn, hint=False):
    """Exercise 5: fn(curves, chance) -> share of runs whose last loss is not finite or whose
    last 20 losses average above chance. Six hand-made sets of curves with known answers."""
    fine = np.r_[np.full(30, 1.0), np.full(20, 0.1)]  # learnt: ends well below chance
    bad = np.r_[np.full(30, 0.1), np.full(20, 1.0)]  # ends above chance
    spike = np.r_[np.full(49, 0.1), 50.0]  # one huge last step: the mean of the last 20 is 2.6
    recovered = np.r_[np.full(30, 9.0), np.full(20, 0.2)]  # blew up, then recovered
    nan_end = np.r_[np.full(10, 0.3), np.full(40, np.nan)]
    last20 = "judge a run by the mean of its last 20 losses, not by its worst or first losses"
    cases = [("two runs that learnt (their losses start above chance)", [fine, fine], 0.0, last20),
             ("one of two ending above chance", [fine, bad], 0.5,
              "count the diverged runs and divide by the number of runs"),
             ("one of four with a single huge last loss", [spike, fine, fine, fine], 0.25,
              "use the mean of the last 20 losses (one huge loss raises it, not the median)"),
             ("a run that blew up early and then recovered", [recovered, fine], 0.0, last20),
             ("one of five ending in NaN", [nan_end, fine, fine, fine, fine], 0.2,
              "a run whose last loss is NaN or inf has diverged too"),
             ("one run ending above chance", [bad], 1.0,
              "count the diverged runs and divide by the number of runs")]

    def check():
        for label, runs, want, tip in cases:
            got = fn([r.copy() for r in runs], float(np.log(2)))
            if (msg := returned_nothing(got, "a number between 0 and 1")):
                return False, msg
            got = float(got)
            if not np.isclose(got, want):
                return False, f"for {label} expected {want}, got {got:.3g}: {tip}"
        return True, "the shares match on six sets of runs"
    return run_check(hint, "diverged_share", check,
                     hint="a run has diverged if its last loss is not finite, or if its "
                          "recent losses are, on average, worse than a coin flip")


def check_relu_step_back(fn, hint=False):
    """Exercise 6: fn(dh, h, W_hh) -> dL/dh_prev for h = relu(x W_xh^T + h_prev W_hh^T + b),
    compared with centred finite differences (independent of any formula)."""
    rng = np.random.default_rng(52)
    x, h_prev = rng.normal(size=(5, 2)), rng.normal(size=(5, 4))
    W_xh, W_hh, b = rng.normal(size=(4, 2)), rng.normal(size=(4, 4)), rng.normal(size=4)
    dh = rng.normal(size=(5, 4))
    a = x @ W_xh.T + h_prev @ W_hh.T + b  # (5, 4)
    assert np.abs(a).min() > 1e-3  # no unit sits on the kink, so differences are valid

    def loss(hp):  # L = sum(dh * h), so dL/dh = dh
        return float(np.sum(dh * np.maximum(x @ W_xh.T + hp @ W_hh.T + b, 0.0)))

    expected, eps = np.zeros_like(h_prev), 1e-6
    for idx in np.ndindex(h_prev.shape):
        e = np.zeros_like(h_prev)
        e[idx] = eps
        expected[idx] = (loss(h_prev + e) - loss(h_prev - e)) / (2 * eps)
    h = np.maximum(a, 0.0)

    def check():
        got = fn(dh.copy(), h.copy(), W_hh.copy())
        if (msg := returned_nothing(got, "an (N, H) array")):
            return False, msg
        got = np.asarray(got, dtype=np.float64)
        if got.shape != h_prev.shape:
            return False, f"shape {got.shape}, expected (N, H) = {h_prev.shape}"
        if np.allclose(got, dh @ W_hh, atol=1e-6):
            return False, ("units that are off (h = 0) pass no gradient: multiply dh by "
                           "relu's slope first")
        if np.allclose(got, (dh * (1 - h**2)) @ W_hh, atol=1e-6):
            return False, "that is tanh's slope 1 - h**2; use relu's slope instead"
        if np.allclose(got, (dh * (h > 0)) @ W_hh.T, atol=1e-6):
            return False, "transposed: with row vectors the product is (...) @ W_hh, not W_hh.T"
        if not np.allclose(got, expected, atol=1e-6):
            return False, "values differ from centred finite differences of the ReLU step"
        return True, "matches centred finite differences"
    return run_check(hint, "relu_step_back", check,
                     hint="relu's slope is 1 where a unit is on and 0 where it is off; you "
                          "can read which units are on from h")
