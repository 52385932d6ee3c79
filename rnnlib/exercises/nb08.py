"""Checks for the exercises of notebook 08 (LSTM and GRU).

Each check calls the learner's function on fixed inputs and compares it with an answer
worked out here independently (a scalar formula, a finite difference, a closed count). A
failed check says what is wrong; its hint is shown only when asked for: ``hint=True``.
"""

import math

import numpy as np

from ._common import returned_nothing, run_check


def _sig(z):
    return 1.0 / (1.0 + math.exp(-z))


def check_forget_gate_backward(fn, hint=False):
    """Exercise 1: forget_gate_backward(dc, c_prev, f) -> gradient on the forget gate's
    pre-activation a_f, where c = f * c_prev + i * g and f = sigmoid(a_f)."""
    rng = np.random.default_rng(8)
    dc, c_prev = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    a_f = rng.normal(size=(3, 4))
    f = 1.0 / (1.0 + np.exp(-a_f))
    eps = 1e-6  # the expected answer by centred differences of c with respect to a_f, entry-wise
    expected = np.empty_like(a_f)
    for idx in np.ndindex(a_f.shape):
        up = _sig(a_f[idx] + eps) * c_prev[idx]
        down = _sig(a_f[idx] - eps) * c_prev[idx]
        expected[idx] = dc[idx] * (up - down) / (2 * eps)

    def check():
        got = fn(dc.copy(), c_prev.copy(), f.copy())
        stub = returned_nothing(got, "an array of shape (N, H)")
        if stub:
            return False, stub
        got = np.asarray(got, dtype=np.float64)
        if got.shape != expected.shape:
            return False, f"shape {got.shape}, expected {expected.shape}, the shape of dc"
        if np.allclose(got, dc * c_prev, rtol=1e-6):
            return False, ("that is the gradient on f itself; the question asks for the "
                           "pre-activation a_f, one step further back through the sigmoid")
        if np.allclose(got, dc * f, rtol=1e-6):
            return False, "dc * f is the gradient on c_prev (the cell path), not on a_f"
        if not np.allclose(got, expected, rtol=1e-6, atol=1e-9):
            worst = float(np.max(np.abs(got - expected)))
            return False, f"differs from a finite-difference estimate by up to {worst:.3g}"
        return True, "matches a finite-difference estimate entry by entry"
    return run_check(hint, "forget_gate_backward", check,
                   hint="two links in the chain: how c changes with f, then how f = sigmoid(a_f) "
                   "changes with a_f (write sigmoid' using the sigmoid's own value)")


def check_gru_update(fn, hint=False):
    """Exercise 2: gru_update(h_prev, n, z) -> the GRU's new hidden state (PyTorch's form)."""
    h_prev = np.array([[0.5, -0.2, 0.9]])
    n = np.array([[-0.4, 0.7, 0.1]])
    z = np.array([[0.9, 0.2, 0.5]])
    expected = [(1 - zi) * ni + zi * hi for hi, ni, zi in zip(h_prev[0], n[0], z[0],
                                                               strict=True)]

    def check():
        got = fn(h_prev.copy(), n.copy(), z.copy())
        stub = returned_nothing(got, "an array of shape (N, H)")
        if stub:
            return False, stub
        got = np.asarray(got, dtype=np.float64)
        if got.shape != h_prev.shape:
            return False, f"shape {got.shape}, expected {h_prev.shape}"
        swapped = z * n + (1 - z) * h_prev
        if np.allclose(got, swapped) and not np.allclose(swapped, expected):
            return False, ("you gave z to the candidate n; in PyTorch's GRU (and rnnlib's) z "
                           "is the share of the OLD state that is kept (some texts write the "
                           "update the other way round, so check the convention)")
        if not np.allclose(got, expected, rtol=1e-12):
            return False, f"expected {np.round(expected, 4)}, got {np.round(got[0], 4)}"
        return True, "z keeps the old state, 1 - z lets the candidate in"
    return run_check(hint, "gru_update", check,
                   hint="a weighted average of two vectors with weights z and 1 - z; with z = 1 "
                   "the state must not change at all")


def check_count_parameters(fn, hint=False):
    """Exercise 3: count_parameters(kind, D, H) -> number of numbers in one recurrent layer
    as rnnlib stores it (no output layer): kind "rnn", "lstm" or "gru"."""
    cases = [(2, 16), (17, 32), (1, 1)]
    formulas = {"rnn": lambda D, H: H * D + H * H + H,  # W_xh, W_hh, b_h
                "lstm": lambda D, H: 4 * (H * D + H * H + H),  # four gates, one bias each
                "gru": lambda D, H: 3 * (H * D + H * H) + 2 * 3 * H}  # b_x and b_h

    def check():
        for kind, count in formulas.items():
            for D, H in cases:
                got = fn(kind, D, H)
                stub = returned_nothing(got, "an integer")
                if stub:
                    return False, stub
                want = count(D, H)
                if got == want:
                    continue
                if kind == "lstm" and got == 4 * (H * D + H * H + 2 * H):
                    return False, ("that counts PyTorch's two LSTM bias vectors; rnnlib keeps "
                                   "one, their sum, since only the sum reaches the gates")
                if kind == "gru" and got == 3 * (H * D + H * H + H):
                    return False, ("the GRU needs two bias vectors, b_x and b_h: r multiplies "
                                   "only the hidden side of the candidate")
                if got == want - (H if kind == "rnn" else 4 * H if kind == "lstm" else 6 * H):
                    return False, f"{kind}: the biases are missing from your count"
                return False, f"{kind} with D = {D}, H = {H}: expected {want}, got {got}"
        return True, "an LSTM has 4 times, and a GRU about 3 times, the parameters of a vanilla RNN"
    return run_check(hint, "count_parameters", check,
                   hint="list the arrays of the layer with their shapes (rnnlib's layout: W_x, W_h "
                   "and the biases) and add up the products")
