"""Checks for the exercises of notebook 02 (vectorized RNN).

Each check calls the learner's function on fixed inputs and compares with an answer
computed here independently: explicit loops over examples and hidden units, and the
normal equations for least squares.
"""

import math

import numpy as np

from ._common import differs, returned_nothing, run_check


def _loop_step(x, h_prev, W_xh, W_hh, b_h):
    """One RNN step with rnnlib's (out, in) weights, one example and one unit at a time."""
    N, D = x.shape
    H = W_hh.shape[0]
    out = np.empty((N, H))
    for n in range(N):
        for i in range(H):
            a = b_h[i]
            a += sum(W_xh[i, j] * x[n, j] for j in range(D))
            a += sum(W_hh[i, k] * h_prev[n, k] for k in range(H))
            out[n, i] = math.tanh(a)
    return out


def check_rnn_step(rnn_step, hint=False):
    """Exercise 1: rnn_step(x, h_prev, W_xh, W_hh, b_h) -> (N, H), rnnlib's convention."""
    rng = np.random.default_rng(21)
    N, D, H = 3, 2, 4  # D != H, so a missing transpose shows up
    x, h_prev = rng.normal(size=(N, D)), rng.normal(size=(N, H))
    W_xh, W_hh, b_h = rng.normal(size=(H, D)), rng.normal(size=(H, H)), rng.normal(size=H)
    expected = _loop_step(x, h_prev, W_xh, W_hh, b_h)

    def check():
        got = rnn_step(x, h_prev, W_xh, W_hh, b_h)
        problem = (returned_nothing(got, f"an (N, H) = ({N}, {H}) array")
                   or differs(got, expected, "h"))
        if problem and got is not None and np.shape(got) == expected.shape:
            a = x @ W_xh.T + h_prev @ W_hh.T  # without the bias
            if np.allclose(got, np.tanh(x @ W_xh.T + h_prev @ W_hh + b_h)):
                problem = "W_hh is used without .T: row i of W_hh holds the weights INTO unit i"
            elif np.allclose(got, a + b_h):
                problem = "the pre-activation is returned; the state is its tanh"
            elif np.allclose(got, np.tanh(a)):
                problem = "the bias b_h is missing"
        return problem is None, problem or f"right for N={N}, D={D}, H={H}"
    return run_check(hint, "rnn_step", check,
                     hint="with one example per row, a matrix-vector product W v of the "
                          "equation becomes a product with W's transpose on the right")


def check_standardise(standardise, hint=False):
    """Exercise 2: standardise(train, other) scales both with the TRAINING mean and std."""
    train = np.array([18.0, 20.0, 22.0, 19.0, 21.0])
    other = np.array([25.0, 24.0, 26.0])
    mean = sum(train) / len(train)
    std = math.sqrt(sum((v - mean) ** 2 for v in train) / len(train))
    exp_train, exp_other = (train - mean) / std, (other - mean) / std

    def check():
        got = standardise(train.copy(), other.copy())
        if got is None or not isinstance(got, tuple) or len(got) != 2:
            return False, "return a tuple (train_scaled, other_scaled)"
        problem = differs(got[0], exp_train, "train_scaled")
        if problem:
            return False, problem
        own = (other - other.mean()) / other.std()
        if np.allclose(got[1], own):
            return False, ("other was scaled with its own mean and std; use the training "
                           "ones, which is all a model will know when it meets new data")
        problem = differs(got[1], exp_other, "other_scaled")
        return problem is None, problem or "both scaled with the training mean and std"
    return run_check(hint, "standardise", check,
                     hint="compute the mean and std of train once and use those two numbers "
                          "for both arrays")


def check_final_state(final_state, hint=False):
    """Exercise 3: final hidden state from weights stored (in, out), as CS231n's code does."""
    rng = np.random.default_rng(23)
    N, T, D, H = 2, 4, 3, 5
    x = rng.normal(size=(N, T, D))
    w_x, w_h, b = rng.normal(0, 0.5, (D, H)), rng.normal(0, 0.5, (H, H)), rng.normal(size=H)
    h = np.zeros((N, H))
    for t in range(T):
        h = _loop_step(x[:, t], h, w_x.T, w_h.T, b)  # (in, out) -> (out, in), step by step
    h_no_carry = _loop_step(x[:, -1], np.zeros((N, H)), w_x.T, w_h.T, b)
    h_wrong_wh = np.zeros((N, H))
    for t in range(T):
        h_wrong_wh = _loop_step(x[:, t], h_wrong_wh, w_x.T, w_h, b)

    def check():
        got = final_state(x, w_x, w_h, b)
        problem = returned_nothing(got, f"an (N, H) = ({N}, {H}) array") or differs(got, h, "h_T")
        if problem and np.ndim(got) == 3:
            problem += "; return only the last step's state, h[:, -1]"
        if problem and got is not None and np.shape(got) == h.shape:
            if np.allclose(got, h_wrong_wh):
                problem = ("w_h was not transposed: it is square, so no shape error warns "
                           "you, but the numbers are wrong")
            elif np.allclose(got, h_no_carry):
                problem = "the hidden state is not carried from one step to the next"
        return problem is None, problem or f"right final state for N={N}, T={T}"
    return run_check(hint, "final_state", check,
                     hint="the weights are stored the other way round: convert them once to"
                          " rnnlib's (out, in) layout first")


def check_fit_linear(fit_linear, hint=False):
    """Exercise 4: least-squares weights and intercept of y ~ x @ w + c on windows x (N, T)."""
    rng = np.random.default_rng(24)
    N, T = 40, 3
    x = rng.normal(size=(N, T))
    y = x @ np.array([0.5, -1.0, 2.0]) + 3.0 + rng.normal(0, 0.1, N)
    A = np.hstack([x, np.ones((N, 1))])
    solution = np.linalg.solve(A.T @ A, A.T @ y)  # normal equations (A^T A) p = A^T y

    def check():
        got = fit_linear(x, y)
        if got is None or not isinstance(got, tuple) or len(got) != 2:
            return False, "return a tuple (w, c): w of shape (T,), c a number"
        problem = differs(got[0], solution[:T], "w") or differs(got[1], solution[T], "c")
        if problem and np.allclose(got[1], 0.0):
            problem += " (did you leave out the intercept column of ones?)"
        return problem is None, problem or "same weights and intercept as the normal equations"
    return run_check(hint, "fit_linear", check,
                     hint="the intercept is one more coefficient: give x a feature that is "
                          "always 1, then solve a least-squares problem")


def _psi_by_matrix_powers(phi1, phi2, K):
    """psi_0..psi_{K-1} as the top-left entry of powers of the AR(2) companion matrix."""
    A = np.array([[phi1, phi2], [1.0, 0.0]])
    return np.array([np.linalg.matrix_power(A, j)[0, 0] for j in range(K)])


def check_k_step_mse(k_step_mse, hint=False):
    """Exercise 5: k_step_mse(phi1, phi2, sigma, K) -> (K,) errors of the best k-day forecasts."""
    cases = [(0.7, 0.2, 0.5, 10), (0.5, -0.3, 1.5, 6), (1.2, -0.5, 2.0, 8), (0.3, 0.1, 0.5, 1)]

    def check():
        for phi1, phi2, sigma, K in cases:
            psi = _psi_by_matrix_powers(phi1, phi2, K)
            expected = sigma**2 * np.cumsum(psi**2)  # independent route, same definition
            label = f"k_step_mse({phi1}, {phi2}, {sigma}, {K})"
            try:
                got = k_step_mse(phi1, phi2, sigma, K)
            except Exception as err:  # name the case: K = 1 is the usual trap
                return False, f"{label} raised {type(err).__name__}: {err}"
            problem = returned_nothing(got, f"an array of shape ({K},)")
            if problem:
                return False, problem
            problem = differs(got, expected, label)
            if problem is None:
                continue
            got = np.asarray(got, dtype=np.float64)
            if got.shape == expected.shape:
                if np.allclose(got, expected / sigma**2):
                    problem += ": the noise variance sigma**2 is missing"
                elif np.allclose(got, expected / sigma):
                    problem += ": multiply by the variance sigma**2, not by sigma"
                elif K > 1 and np.allclose(got[:-1], expected[1:]):
                    problem += ": off by one, entry k - 1 sums psi_0 .. psi_{k-1} (k terms)"
                elif np.allclose(got, sigma**2 * psi**2):
                    problem += ": each entry is a running sum of sigma**2 psi_j**2, not one term"
            return False, problem
        return True, "right for four AR(2) processes, K = 10, 6, 8 and 1"
    return run_check(hint, "k_step_mse", check,
                     hint="build the psi weights with their recursion (two starting values, "
                          "then a loop), then a running sum; K = 1 needs only psi_0")
