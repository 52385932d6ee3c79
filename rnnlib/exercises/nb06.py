"""Checks for the exercises of notebook 06 (char-RNN with AdaGrad).

Each check calls the learner's function on fixed inputs and compares with an answer
computed here independently (plain loops over scalars and explicit one-hot vectors).
"""

import math

import numpy as np

from ._common import differs, returned_nothing, run_check


def check_one_hot(one_hot, hint=False):
    """Exercise 1: one_hot(indices, V) -> (L, V) float array with a single 1 per row."""
    indices, V = np.array([2, 0, 3, 2]), 5
    expected = np.zeros((4, V))
    for row, i in enumerate(indices):
        expected[row, i] = 1.0

    def check():
        got = one_hot(indices, V)
        stub = returned_nothing(got, "an (L, V) array")
        if stub:
            return False, stub
        got = np.asarray(got)
        if got.shape != (4, V):
            return False, f"shape {got.shape}, expected (len(indices), V) = (4, {V})"
        if not np.array_equal(got, expected):
            return False, "row k should be all zeros except a 1 in column indices[k]"
        return True, "each row has its 1 in the right column"
    return run_check(hint, "one_hot", check,
                     hint="one row per index, all zeros except one column")


def check_softmax_with_temperature(fn, hint=False):
    """Exercise 2: softmax(scores / temperature) for a 1-D vector of scores."""
    scores = np.array([2.0, 1.0, 0.0, -1.0])
    cases = []
    for temp in (0.5, 1.0, 2.0):
        e = [math.exp(s / temp) for s in scores]
        cases.append((temp, np.array(e) / sum(e)))

    def check():
        for temp, expected in cases:
            got = fn(scores, temp)
            stub = returned_nothing(got, "a probability vector")
            if stub:
                return False, stub
            got = np.asarray(got, dtype=np.float64)
            if got.shape != expected.shape:
                return False, f"shape {got.shape}, expected {expected.shape}"
            if not np.allclose(got, expected, rtol=1e-9, atol=1e-12):
                return False, (f"at temperature {temp} you gave {np.round(got, 4)}, "
                               f"expected {np.round(expected, 4)}")
        with np.errstate(all="ignore"):  # a naive exp overflows; report it, don't warn
            big = fn(np.array([1000.0, 999.0]), 1.0)
        if not np.all(np.isfinite(big)):
            return False, "scores of 1000 overflow exp: subtract the maximum score first"
        return True, "right at temperatures 0.5, 1 and 2, and safe for large scores"
    return run_check(hint, "softmax_with_temperature", check,
                     hint="the temperature acts on the scores, before the softmax; and adding "
                          "the same number to every score leaves a softmax unchanged")


def check_adagrad_update(fn, hint=False):
    """Exercise 3: adagrad_update(param, grad, mem, lr) updates param and mem in place."""
    rng = np.random.default_rng(6)
    p0, g, m0 = rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), rng.random((3, 2))
    # Two entries where eps matters: a fresh memory and a tiny gradient. Inside the square
    # root, sqrt(1e-10 + 1e-8) ~ 1.0e-4; outside, sqrt(1e-10) + 1e-8 ~ 1.0e-5.
    m0[0, 0], g[0, 0] = 0.0, 1e-5
    m0[2, 1], g[2, 1] = 0.0, -1e-5
    lr, eps = 0.1, 1e-8
    exp_m, exp_p, outside_p = np.empty_like(m0), np.empty_like(p0), np.empty_like(p0)
    for i in range(3):
        for j in range(2):
            exp_m[i, j] = m0[i, j] + g[i, j] ** 2
            exp_p[i, j] = p0[i, j] - lr * g[i, j] / math.sqrt(exp_m[i, j] + eps)
            outside_p[i, j] = p0[i, j] - lr * g[i, j] / (math.sqrt(exp_m[i, j]) + eps)

    def check():
        p, m = p0.copy(), m0.copy()
        fn(p, g.copy(), m, lr)
        if np.array_equal(m, m0):
            return False, ("mem did not change: the memory must be updated in the array "
                           "that was passed in")
        if not np.allclose(m, exp_m, rtol=1e-12):
            return False, "mem has the wrong values: it should collect this step's squared gradient"
        if np.array_equal(p, p0):
            return False, ("param did not change: the step must change the array that was "
                           "passed in (a new array is lost when the function returns)")
        if np.allclose(p, outside_p, rtol=1e-9):
            return False, ("eps is outside the square root (PyTorch's variant); this "
                           "notebook's AdaGrad puts it inside, as in section 4")
        if not np.allclose(p, exp_p, rtol=1e-9):
            return False, ("param moved by the wrong amount: the step divides by the square "
                           "root of the memory after this step's update")
        return True, "param and memory updated in place"
    return run_check(hint, "adagrad_update", check,
                     hint="the memory collects squared gradients; each weight's step is "
                          "divided by the square root of its own memory")


def _reference_sequence_loss(params, inputs, targets, h0):
    """Summed -log p(target) of one sequence, with explicit one-hot products."""
    W_xh, W_hh, b_h, W_hy, b_y = (params[n] for n in ("W_xh", "W_hh", "b_h", "W_hy", "b_y"))
    V = W_xh.shape[1]
    h, loss = h0, 0.0
    for x, y in zip(inputs, targets, strict=True):
        onehot = np.zeros(V)
        onehot[x] = 1.0
        h = np.tanh(W_xh @ onehot + W_hh @ h + b_h)
        s = W_hy @ h + b_y
        loss += math.log(np.exp(s - s.max()).sum()) - (s[y] - s.max())
    return loss, h


def check_sequence_loss(fn, hint=False):
    """Exercise 4: sequence_loss(params, inputs, targets, h0) -> (loss, h_last)."""
    rng = np.random.default_rng(7)
    V, H, T = 5, 4, 6
    params = {"W_xh": rng.normal(0, 0.5, (H, V)), "W_hh": rng.normal(0, 0.5, (H, H)),
              "b_h": rng.normal(0, 0.1, H), "W_hy": rng.normal(0, 0.5, (V, H)),
              "b_y": rng.normal(0, 0.1, V)}
    inputs, targets = rng.integers(0, V, T), rng.integers(0, V, T)
    h0 = rng.normal(0, 0.5, H)
    exp_loss, exp_h = _reference_sequence_loss(params, inputs, targets, h0)

    def check():
        got = fn(params, inputs, targets, h0)
        stub = returned_nothing(got, "a tuple (loss, h_last)")
        if stub:
            return False, stub
        if not isinstance(got, tuple) or len(got) != 2:
            return False, "return a tuple (loss, h_last)"
        loss, h_last = got
        zero_loss, _ = _reference_sequence_loss(params, inputs, targets, np.zeros(H))
        if np.isclose(loss, zero_loss, rtol=1e-9) and not np.isclose(loss, exp_loss):
            return False, "the loss matches a start from zeros: begin from h0, the carried state"
        if np.isclose(loss, exp_loss / T, rtol=1e-9):
            return False, "that is the mean over steps; this loss is the SUM over steps"
        if not np.isclose(loss, exp_loss, rtol=1e-9):
            return False, f"loss {float(loss):.6g}, expected {exp_loss:.6g}"
        h_problem = differs(h_last, exp_h, "h_last", rtol=1e-9)
        if h_problem:
            return False, f"the loss is right, but h_last is not: {h_problem}"
        return True, "loss and final hidden state both right"
    return run_check(hint, "sequence_loss", check,
                     hint="multiplying by a one-hot vector picks a column; add -log p of "
                          "the target at every step, starting from h0")


def check_cut_share(fn, hint=False):
    """Exercise 5: cut_share(T, k), the share of key-answer pairs a chunk boundary separates."""
    cases = [(12, 6), (3, 6), (6, 6), (7, 6), (25, 2), (1, 4), (40, 10), (5, 1)]

    def brute_force(T, k):  # keys at every offset 0..T-1; the answer's input is k - 1 later
        return sum(p // T != (p + k - 1) // T for p in range(T)) / T

    def check():
        for T, k in cases:
            got = fn(T, k)
            stub = returned_nothing(got, "a number between 0 and 1")
            if stub:
                return False, stub
            want = brute_force(T, k)
            if not np.isclose(float(got), want, rtol=1e-12, atol=1e-12):
                msg = f"for T = {T}, k = {k} you gave {float(got):.4g}, expected {want:.4g}"
                if np.isclose(float(got), min(1.0, k / T)):
                    msg += ("; the answer is predicted from the input k - 1 steps after "
                            "the key, not k")
                elif float(got) > 1:
                    msg += "; a share cannot exceed 1"
                return False, msg
        return True, "matches a count over every offset, including T <= k and k = 1"
    return run_check(hint, "cut_share", check,
                     hint="place the key at each offset p = 0, ..., T - 1 of a chunk and ask "
                          "for which p the answer's input lands in the next chunk")


__all__ = ["check_adagrad_update", "check_cut_share", "check_one_hot", "check_sequence_loss",
           "check_softmax_with_temperature"]
