"""Checks for the exercises of notebook 02 (a vectorized RNN).

Each check compares the learner's answer with a value found here another way: which states
move, by running ``rnnlib.rnn_forward`` twice, before and after the change; the stacked network
run as it is written, one concatenated row times the kernel per step; the cell that feeds back
its output, one example and one unit at a time with ``math.tanh``; the best k-day errors of an
AR(2) series from the powers of its companion matrix. A NOT YET message says what was observed
(which output, which case, which entries, by how much), never the formula or the code to write.
A number asked for "to three significant digits" passes when it equals the value to three
significant digits, rounded; within 1% but not equal, the message says it is close.

The learner's functions are called on copies of their inputs, and a function that changed an
input in place is told so (the copy is compared with the original after the call). Outputs are
compared at float64 precision, the precision of the inputs; float32 outputs, which agree to
about 7 digits only, get a message that says so.

The keyword ``cases`` of some checks replaces the examples they try; a graded notebook's
hidden tests use it to try examples the learner has not seen.
"""

import math

import numpy as np

from ..layers import rnn_forward
from ._common import about as _about
from ._common import call_on_copies, float32_note, read_numbers, run_check, show_pair, times
from ._common import kind_of as _kind
from ._common import within_three_digits as _three_digits


def _array(value, name, shape):
    """(float64 array of ``shape``, None), else (None, what is wrong with ``value``)."""
    if value is None or value is Ellipsis:
        return None, f"{name} is {value!r}; it should be an array of shape {shape}"
    if _kind(value) not in "biuf":
        return None, f"{name} should be an array of numbers, got {type(value).__name__}"
    arr = np.asarray(value, dtype=np.float64)
    if arr.shape != shape:
        return None, f"{name} has shape {arr.shape}, expected {shape}"
    if not np.all(np.isfinite(arr)):
        return None, f"{name} contains a value that is not finite"
    return arr, None


def _steps(ts):
    """'step 3' or 'steps 1, 2 and 4' (Python's numbering, from 0)."""
    ts = [int(t) for t in ts]
    if len(ts) == 1:
        return f"step {ts[0]}"
    return "steps " + ", ".join(map(str, ts[:-1])) + f" and {ts[-1]}"


# ---------------------------------------------------------------- exercise 1

# The batch of exercise 1: N sequences of T steps, D inputs, H hidden units.
REACH_SIZES = {"N": 4, "T": 6, "D": 3, "H": 5}
REACH_CHANGES = {  # the name of each answer: what changes, in the words of the statement
    "reach_x": "x[2, 3] changes (h0 = 0)",
    "reach_W_hh": "W_hh[0, 1] changes (h0 = 0)",
    "reach_W_hh_warm": "W_hh[0, 1] changes (h0 not 0)",
}


def _reach_truth():
    """{answer name: (N, T) bool, True where some unit of h[n, t] moved}, found by running
    rnnlib.rnn_forward before and after each change of exercise 1 (weights of no special
    value, all nonzero)."""
    N, T, D, H = (REACH_SIZES[k] for k in "NTDH")
    rng = np.random.default_rng(2)
    x = rng.normal(size=(N, T, D))
    W_xh, W_hh = rng.normal(0, 0.6, (H, D)), rng.normal(0, 0.6, (H, H))
    b_h, warm = rng.normal(0, 0.3, H), rng.normal(0, 0.5, (N, H))
    zero = np.zeros((N, H))

    def moved(before, after):
        return np.abs(before - after).max(axis=2) > 1e-12  # (N, T)

    x_moved, W_moved = x.copy(), W_hh.copy()
    x_moved[2, 3] += 0.5
    W_moved[0, 1] += 0.5
    base, warm_base = (rnn_forward(x, h0, W_xh, W_hh, b_h)[0] for h0 in (zero, warm))
    return {"reach_x": moved(base, rnn_forward(x_moved, zero, W_xh, W_hh, b_h)[0]),
            "reach_W_hh": moved(base, rnn_forward(x, zero, W_xh, W_moved, b_h)[0]),
            "reach_W_hh_warm": moved(warm_base, rnn_forward(x, warm, W_xh, W_moved, b_h)[0])}


def _mask(value, name):
    """(an (N, T) bool array, None) or (None, what is wrong with the learner's answer)."""
    N, T = REACH_SIZES["N"], REACH_SIZES["T"]
    if value is Ellipsis:
        return None, (f"{name} is still `...`; replace it with an array of True/False of "
                      f"shape (N, T) = ({N}, {T})")
    if value is None:
        return None, f"{name} is None; it should be an array of True/False of shape ({N}, {T})"
    kind = _kind(value)
    if kind not in "biuf":
        return None, f"{name} should be an array of True/False, got {type(value).__name__}"
    arr = np.asarray(value)
    if arr.shape != (N, T):
        return None, (f"{name} has shape {arr.shape}; it should be (N, T) = ({N}, {T}): row n "
                      "for sequence n, column t for step t")
    if not np.all((arr == 0) | (arr == 1)):
        return None, f"{name} should hold only True and False (or 1 and 0)"
    return arr.astype(bool), None


def _states(mask):
    """'h[2, 1]' or 'h[0, 0] and 3 more': one state named, the others only counted, so that
    tries one after the other do not spell out the answer."""
    cells = [f"h[{n}, {t}]" for n, t in zip(*np.nonzero(mask), strict=True)]
    return cells[0] + (f" and {len(cells) - 1} more" if len(cells) > 1 else "")


def check_reach(reach_x, reach_W_hh, reach_W_hh_warm, hint=False):
    """Exercise 1: which states h[n, t] of a batched forward pass move when one input, or one
    recurrent weight (from a zero start and from a nonzero start), changes."""
    truth = _reach_truth()
    given = {"reach_x": reach_x, "reach_W_hh": reach_W_hh, "reach_W_hh_warm": reach_W_hh_warm}

    def check():
        right = []
        for name, value in given.items():
            got, problem = _mask(value, name)
            if problem:
                return False, problem
            extra, missing = got & ~truth[name], truth[name] & ~got
            if not extra.any() and not missing.any():
                right.append(name)
                continue
            seen = []
            if extra.any():
                seen.append(f"you marked {_states(extra)}, but when {REACH_CHANGES[name]} "
                            f"{'it stays' if extra.sum() == 1 else 'they stay'} exactly as "
                            f"{'it was' if extra.sum() == 1 else 'they were'}")
            if missing.any():
                seen.append(f"{_states(missing)} {'moves' if missing.sum() == 1 else 'move'} "
                            f"when {REACH_CHANGES[name]}, and you did not mark "
                            f"{'it' if missing.sum() == 1 else 'them'}")
            before = f"{' and '.join(right)} right; " if right else ""
            return False, f"{before}{name}: " + "; ".join(seen)
        return True, ("the rows of a batch never meet, a state reads only its own sequence's "
                      "past, and W_hh reaches a state only through its product with the state "
                      "before")
    return run_check(hint, "reach", check, hint=(
        "h[n, t] is computed from x[n, t], h[n, t - 1] and the weights, and from nothing else: "
        "follow each change forward from the step where it enters, one sequence at a time",
        "no product of the forward pass mixes two rows of the batch; and W_hh enters step t "
        "only through its product with h[n, t - 1]: what is that product at the first step "
        "when the start is h0 = 0, and when it is not?"))


# ---------------------------------------------------------------- exercise 2

SPLIT_CASES = [(3, 5), (2, 2), (1, 4)]  # (D, H); with D = H a missing transpose raises nothing


def _stacked_states(kernel, bias, x):
    """Final states of the network written with one kernel: tanh([x_t, h_{t-1}] @ kernel + b)."""
    N, T, _ = x.shape
    h = np.zeros((N, kernel.shape[1]))
    for t in range(T):
        h = np.tanh(np.concatenate([x[:, t], h], axis=1) @ kernel + bias)  # (N, D + H) @ ...
    return h


def _what_rows_meet(r, k, D):
    """What the stacked network multiplies kernel rows r .. r + k - 1 with."""
    if r + k <= D:
        return "x_t"
    if r >= D:
        return "h_{t-1}"
    return "partly x_t, partly h_{t-1}"


def _kernel_block(M, kernel):
    """(first row r, transposed) if M is kernel[r:r + k] or its transpose, else None."""
    H = kernel.shape[1]
    k = M.shape[1] if M.shape[0] == H else None
    if k is not None:
        for r in range(kernel.shape[0] - k + 1):
            if np.allclose(M.T, kernel[r:r + k]):
                return r, True
    if M.shape[1] == H:
        k = M.shape[0]
        for r in range(kernel.shape[0] - k + 1):
            if np.allclose(M, kernel[r:r + k]):
                return r, False
    return None


def _which_block(name, M, kernel, D):
    """What M holds of the kernel, entry by entry: 'W_hh[i, j] equals kernel[3 + i, j]', and
    what the stacked network multiplies those rows with when they are not the block that
    matrix multiplies; or, when M is no block of the kernel, that too."""
    found = _kernel_block(M, kernel)
    if found is None:
        return (f"{name}[i, j] equals neither kernel[r + i, j] nor kernel[r + j, i], whatever "
                "the first row r")
    r, transposed = found
    k = M.shape[1] if transposed else M.shape[0]
    first = f"{r} + " if r else ""
    seen = (f"{name}[i, j] equals kernel[{first}j, i]" if transposed
            else f"{name}[i, j] equals kernel[{first}i, j]")
    H = kernel.shape[1]
    own = (r, k) == ((0, D) if name == "W_xh" else (D, H))  # the rows this matrix multiplies
    if own:
        return seen
    rows = f"row {r}" if k == 1 else f"rows {r} to {r + k - 1}"
    return (f"{seen}: kernel {rows}, which the stacked network multiplies with "
            f"{_what_rows_meet(r, k, D)}")


def check_split_kernel(split_kernel, hint=False, cases=None):
    """Exercise 2: split_kernel(kernel, D) -> (W_xh, W_hh) in rnnlib's layout, for a kernel
    (D + H, H) that multiplies the row [x_t, h_{t-1}]."""
    cases = SPLIT_CASES if cases is None else cases

    def one(D, H):
        rng = np.random.default_rng(100 + 10 * D + H)
        kernel, bias = rng.normal(0, 0.5, (D + H, H)), rng.normal(0, 0.5, H)
        x = rng.normal(size=(2, 4, D))
        where = f"for D = {D}, H = {H}"
        try:
            out, changed = call_on_copies(split_kernel, ("kernel", "D"), kernel, D)
        except Exception as err:
            return f"{where} your code raised {type(err).__name__}: {err}"
        if changed:
            return f"{where}, {changed}"
        if out is None:
            return "your function returned None; it should return a pair (W_xh, W_hh)"
        if not isinstance(out, tuple | list) or len(out) != 2:
            return "your function should return a pair (W_xh, W_hh)"
        W_xh, problem = _array(out[0], "W_xh", np.shape(out[0]))
        if problem:
            return problem
        W_hh, problem = _array(out[1], "W_hh", np.shape(out[1]))
        if problem:
            return problem
        if W_xh.shape != (H, D):
            return (f"{where}, W_xh has shape {W_xh.shape}; rnnlib's W_xh is (H, D) = "
                    f"({H}, {D})")
        if W_hh.shape != (H, H):
            return f"{where}, W_hh has shape {W_hh.shape}; rnnlib's W_hh is (H, H) = ({H}, {H})"
        ok_x, ok_h = np.allclose(W_xh, kernel[:D].T), np.allclose(W_hh, kernel[D:].T)
        if ok_x and ok_h:
            return None
        h0 = np.zeros((2, H))
        worst = np.abs(rnn_forward(x, h0, W_xh, W_hh, bias)[0][:, -1]
                       - _stacked_states(kernel, bias, x)).max()
        seen = [f"{where}, rnnlib.rnn_forward with your W_xh and W_hh gives final states that "
                f"differ from the stacked network's by up to {worst:.3g}"]
        seen.append("W_xh is right" if ok_x else "W_hh is right" if ok_h else "")
        for name, M, ok in (("W_xh", W_xh, ok_x), ("W_hh", W_hh, ok_h)):
            if not ok:
                seen.append(_which_block(name, M, kernel, D))
        return "; ".join(s for s in seen if s)

    def check():
        for D, H in cases:
            problem = one(D, H)
            if problem:
                return False, problem
        sizes = ", ".join(f"D = {D}, H = {H}" for D, H in cases)
        return True, (f"the same network as the kernel for {sizes}: a block of rows per part "
                      "of the concatenated row, each stored (in, out)")
    return run_check(hint, "split_kernel", check, hint=(
        "write the product [x_t, h_{t-1}] @ kernel as a sum over the kernel's rows: row r is "
        "multiplied by entry r of the concatenated row. Which rows meet x_t, which h_{t-1}?",
        "each of those blocks of rows is a weight matrix stored (in, out), as w_x and w_h of "
        "section 2 are"))


# ---------------------------------------------------------------- exercise 3

# (N, T, D, H, O); the first has D = H = O, where a matrix used the wrong way round raises
# nothing, and the last T = 1
JORDAN_CASES = [(2, 4, 3, 3, 3), (3, 5, 2, 4, 3), (2, 1, 2, 3, 2)]


def _jordan_params(D, H, O, rng):
    return {"W_xh": rng.normal(0, 0.7, (H, D)), "W_yh": rng.normal(0, 0.7, (H, O)),
            "b_h": rng.normal(0, 0.3, H), "W_hy": rng.normal(0, 0.7, (O, H)),
            "b_y": rng.normal(0, 0.3, O)}


def _jordan_loop(p, x, targets=None, feed_state=False, states=False, fed_bias=True):
    """The cell one example and one unit at a time: h_t = tanh(W_xh x_t + W_yh y_{t-1} + b_h),
    y_t = W_hy h_t + b_y, y_0 = 0; with targets, step t reads the target of step t - 1.
    feed_state=True feeds back h_{t-1} through W_yh instead (possible only when O = H);
    states=True returns the states h (N, T, H) instead of the outputs; fed_bias=False feeds
    back the outputs without b_y (free running), while returning them with it."""
    N, T, D = x.shape
    H, O = p["W_yh"].shape
    y, hs = np.zeros((N, T, O)), np.zeros((N, T, H))
    for n in range(N):
        fed = [0.0] * O
        for t in range(T):
            h = [math.tanh(p["b_h"][i] + sum(p["W_xh"][i, j] * x[n, t, j] for j in range(D))
                           + sum(p["W_yh"][i, k] * fed[k] for k in range(O)))
                 for i in range(H)]
            hs[n, t] = h
            for o in range(O):
                y[n, t, o] = p["b_y"][o] + sum(p["W_hy"][o, i] * h[i] for i in range(H))
            fed = h if feed_state else list(y[n, t] if targets is None else targets[n, t])
            if not fed_bias and targets is None:
                fed = [v - b for v, b in zip(fed, p["b_y"], strict=True)]
    return hs if states else y


def _close(got, expected):
    """Float64 agreement: the loop and a vectorised answer differ in the last bits only."""
    return np.isclose(got, expected, rtol=1e-9, atol=1e-12)


def _jordan_case(N, T, D, H, O):
    rng = np.random.default_rng(1000 + 100 * N + 10 * T + D + H + O)
    p = _jordan_params(D, H, O, rng)
    return p, rng.normal(size=(N, T, D)), rng.normal(0, 1.5, (N, T, O))


def check_jordan_forward(jordan_forward, hint=False, cases=None):
    """Exercise 3: jordan_forward(params, x, targets=None) -> y (N, T, O), free running
    without targets, teacher forced with them."""
    cases = JORDAN_CASES if cases is None else cases

    def run(p, x, targets, where):
        """(outputs as float64, None, what was returned) or (None, what is wrong, None)."""
        mode = "free running" if targets is None else "with targets"
        args = (p, x) if targets is None else (p, x, targets)
        try:
            out, changed = call_on_copies(jordan_forward, ("params", "x", "targets"), *args)
        except Exception as err:
            return None, f"{where}, {mode}, your code raised {type(err).__name__}: {err}", None
        if changed:
            return None, f"{where}, {mode}, {changed}", None
        if out is None:
            return None, "your function returned None; it should return the outputs y", None
        N, T, _ = x.shape
        O = p["W_hy"].shape[0]
        if _kind(out) not in "biuf":
            return None, f"your function returned {type(out).__name__}; expected an array", None
        shape = np.shape(out)
        if shape != (N, T, O):
            what = ""
            if shape == (N, T, p["W_hy"].shape[1]):
                what = " (the shape of the states h)"
            elif shape == (T, N, O):
                what = " (time first)"
            return None, (f"{where} your outputs have shape {shape}{what}; the outputs y "
                          f"have shape (N, T, O) = {(N, T, O)}"), None
        raw, out = out, np.asarray(out, dtype=np.float64)
        if not np.all(np.isfinite(out)):
            return None, f"{where} your outputs contain a value that is not finite", None
        return out, None, raw

    def first_wrong(got, expected):
        """(first step whose outputs are off, by how much there); (None, 0.0) if none is."""
        bad = np.nonzero(~_close(got, expected).all(axis=(0, 2)))[0]
        if not len(bad):
            return None, 0.0
        return int(bad[0]), float(np.abs(got - expected)[:, bad[0]].max())

    def free_problem(p, x, got, where):
        N, T, D = x.shape
        H, O = p["W_yh"].shape
        t, by = first_wrong(got, _jordan_loop(p, x))
        text = (f"{where}, free running, your outputs are right up to step {t - 1} and "
                f"differ at step {t} by up to {by:.3g}" if t else
                f"{where}, free running, your outputs differ already at step 0, where no "
                f"earlier output is read, by up to {by:.3g}")
        if T > 1:
            other = {k: v.copy() for k, v in p.items()}
            other["W_yh"] = other["W_yh"] + 0.5
            again, _, _ = run(other, x, None, where)
            if again is not None and np.allclose(again, got):
                return text + "; they do not change when W_yh changes"
        alternatives = []
        if O == H:
            alternatives.append((_jordan_loop(p, x, states=True),
                                 "the states h_t of the cell, not its outputs y_t"))
            alternatives.append((_jordan_loop(p, x, feed_state=True),
                                 "a cell that feeds back its state h_{t-1}, not its output"))
            alternatives.append((_jordan_loop(dict(p, W_yh=p["W_yh"].T), x),
                                 f"the cell whose weight from fed-back output j into unit i is "
                                 f"W_yh[j, i] (O = H = {H}, so no shape error warns)"))
        if D == H:
            alternatives.append((_jordan_loop(dict(p, W_xh=p["W_xh"].T), x),
                                 f"the cell whose weight from input j into unit i is W_xh[j, i] "
                                 f"(D = H = {H}, so no shape error warns)"))
        if O == H:
            alternatives.append((_jordan_loop(dict(p, W_hy=p["W_hy"].T), x),
                                 f"the cell whose weight from unit j into output i is W_hy[j, i] "
                                 f"(O = H = {H}, so no shape error warns)"))
        for bias in ("b_h", "b_y"):
            alternatives.append((_jordan_loop(dict(p, **{bias: 0 * p[bias]}), x),
                                 f"the cell with its bias {bias} left out"))
        alternatives.append((_jordan_loop(p, x, fed_bias=False),
                             "a cell whose fed-back output leaves out b_y, while the outputs "
                             "it returns include it"))
        for value, what in alternatives:
            if np.allclose(got, value):
                return f"{text}: they match {what}"
        return text

    def teacher_problem(p, x, targets, got, where):
        N, T, _ = x.shape
        t, by = first_wrong(got, _jordan_loop(p, x, targets))
        if np.allclose(got, _jordan_loop(p, x)):
            return (f"{where}, with targets, your outputs are the free-running ones: "
                    "changing the targets changes none of them")
        odd = []  # (s, the steps whose outputs move when the target of step s moves)
        for s in range(T):
            moved_targets = targets.copy()
            moved_targets[:, s] += 1.0
            again, problem, _ = run(p, x, moved_targets, where)
            if problem:
                return problem
            moved = np.nonzero(np.abs(again - got).max(axis=(0, 2)) > 1e-9)[0]
            if list(moved) != ([s + 1] if s + 1 < T else []):
                odd.append((s, moved))
        if odd:  # an output that sees its own or a later target tells most: report it first
            s, moved = next(((s, m) for s, m in odd if len(m) and m[0] <= s), odd[0])
            said = ("your outputs at " + _steps(moved)) if len(moved) else "none of your outputs"
            return (f"{where}, with targets: changing the target of step {s} changes {said}")
        return f"{where}, with targets, your outputs differ at step {t} by up to {by:.3g}"

    def check():
        for N, T, D, H, O in cases:
            p, x, targets = _jordan_case(N, T, D, H, O)
            where = f"for N = {N}, T = {T}, D = {D}, H = {H}, O = {O}"
            got, problem, raw = run(p, x, None, where)
            if problem:
                return False, problem
            expected = _jordan_loop(p, x)
            if not _close(got, expected).all():
                note = float32_note(raw, expected, "your outputs")
                if note:
                    return False, f"{where}, free running, {note}"
                return False, free_problem(p, x, got, where)
            forced, problem, raw = run(p, x, targets, where)
            if problem:
                return False, problem
            expected = _jordan_loop(p, x, targets)
            if not _close(forced, expected).all():
                note = float32_note(raw, expected, "your outputs")
                if note:
                    return False, f"{where}, with targets, {note}"
                return False, teacher_problem(p, x, targets, forced, where)
        return True, (f"right in both modes for {len(cases)} shapes (O = H and T = 1 among "
                      "them): teacher forced, a step reads the true previous output; free "
                      "running, its own guess, errors included")
    return run_check(hint, "jordan_forward", check, hint=(
        "one step is section 1's step with the fed-back output and W_yh where h_{t-1} and "
        "W_hh were, followed by the output layer; loop over the T steps and keep what the "
        "next step must read",
        "step t reads zeros at the first step; after that, the output your loop computed one "
        "step before (free running) or the target one step before (teacher forcing). W_yh is "
        "stored (out, in): (H, O)"))


# ---------------------------------------------------------------- exercise 4

SIGMA = 0.5  # the noise of exercise 4's series, as in section 4


def _best_k_mse(phi1, phi2, K, sigma=SIGMA):
    """sigma^2 sum_{j<k} psi_j^2 for k = 1..K, psi_j the top-left entry of A^j for the
    companion matrix A = [[phi1, phi2], [1, 0]], which maps (u_{t-1}, u_{t-2}) to (u_t, u_{t-1})."""
    A = np.array([[phi1, phi2], [1.0, 0.0]])
    psi = np.array([np.linalg.matrix_power(A, j)[0, 0] for j in range(K)])
    return sigma**2 * np.cumsum(psi**2)


def _series_variance(phi1, phi2, sigma=SIGMA):
    return sigma**2 * (1 - phi2) / ((1 + phi2) * ((1 - phi2) ** 2 - phi1**2))


SERIES_HINTS = (
    "write MSE(1) and MSE(2) with section 11's closed form: by how much do they differ, "
    "and what makes that difference zero?",
    "the difference fixes one of the two coefficients; then section 11's variance of the "
    "series, as a function of the other one, says how large that one must be")
MSE_HINTS = (
    "your series is right: now list its weights psi_0, psi_1, psi_2, psi_3 with section 11's "
    "recursion. Which of them enter MSE(3), which MSE(4), and in which units?",
    "MSE(k) adds one term per day ahead, the noise variance times psi_j squared, for j from 0 "
    "up to k - 1: count the terms, and keep the noise variance in °C²")
WEIGHT_HINTS = (
    "fed its own forecasts, the true rule forecasts day t + 2 from two numbers: its own "
    "forecast of day t + 1, and day t, which it knows",
    "write that forecast with the rule of your series: the weight asked for is the "
    "coefficient in front of the rule's own forecast")


def _digits_text(name, x, what, before=""):
    return (f"{before}{name} = {x:.4g} is within 1% of {what}, but not equal to it to three "
            "significant digits: check its digits")


def _mse_problem(name, m, k, best):
    """What is wrong with m as the best k-day error (best[j] is MSE(j + 1)), or None."""
    true = best[k - 1]
    if _three_digits(m, true):
        return None
    before = "your series is right; "
    if _about(m, true):
        return _digits_text(name, m, f"its best {k}-day error", before)
    if _about(m, true / SIGMA**2):
        return (f"{before}{name} = {m:.4g} is its best {k}-day error divided by the noise "
                "variance; the question asks for °C²")
    if _about(m, true / SIGMA):
        return (f"{before}{name} = {m:.4g} is its best {k}-day error divided by the noise's "
                "standard deviation sigma; the question asks for °C²")
    for j in (k - 1, k + 1):  # the error of another horizon, where it differs from this one
        if 1 <= j <= len(best) and not _about(best[j - 1], true) and _about(m, best[j - 1]):
            return f"{before}{name} = {m:.4g} is its best {j}-day error, not its {k}-day error"
    return f"{before}{name} = {m:.4g} °C² is not its best {k}-day error"


def check_two_days(my_phi1, my_phi2, my_mse3, my_mse4, my_own_weight, hint=False):
    """Exercise 4: a stationary AR(2) with MSE(2) = MSE(1) and MSE(1) at most 3/4 of its
    variance; MSE(3) and MSE(4) of it in degrees squared (three significant digits, rounded);
    and the weight the true rule, fed its own forecasts, puts on its own 1-day forecast when
    it forecasts two days ahead."""

    def check():
        got, problem = read_numbers({"my_phi1": my_phi1, "my_phi2": my_phi2, "my_mse3": my_mse3,
                                     "my_mse4": my_mse4, "my_own_weight": my_own_weight})
        if problem:
            return False, problem
        a, b, mse3, mse4, w = got
        series = f"with phi1 = {a:.4g}, phi2 = {b:.4g}"
        for value, what in ((abs(b), "|phi2|"), (a + b, "phi1 + phi2"), (b - a, "phi2 - phi1")):
            if value >= 1:
                return False, (f"{series}, the series does not settle around its level: "
                               f"{what} = {value:.4g}, and notebook 01's conditions need it "
                               "below 1"), SERIES_HINTS
        best = _best_k_mse(a, b, 5)
        if abs(best[1] - best[0]) > 1e-12:
            two, one = show_pair(best[1], best[0], sig=4)
            return False, (f"{series}, the best 2-day forecast has MSE(2) = {two} °C², "
                           f"{best[1] - best[0]:.3g} °C² more than MSE(1) = {one} °C²"), \
                SERIES_HINTS
        variance = _series_variance(a, b)
        share = best[0] / variance
        if share > 0.75 + 1e-12:
            ratio = ("equal to" if share == 1 else f"{times(share)}")
            return False, (f"{series}, MSE(1) = MSE(2), but MSE(1) = {best[0]:.4g} °C² is "
                           f"{ratio} the series' variance ({variance:.4g} °C²): the best "
                           f"1-day forecast beats always guessing the level by only "
                           f"{1 - share:.1%}"), SERIES_HINTS
        for name, m, k in (("my_mse3", mse3, 3), ("my_mse4", mse4, 4)):
            problem = _mse_problem(name, m, k, best)
            if problem:
                return False, problem, MSE_HINTS
        if abs(w - a) > 1e-6:
            before = "your series and its errors are right; "
            if abs(w - b) <= 1e-6:
                return False, (f"{before}my_own_weight = {w:.4g} is the weight your rule puts "
                               "on day t, the day it knows"), WEIGHT_HINTS
            return False, (f"{before}my_own_weight = {w:.4g} is not the weight with which "
                           "your series' rule, fed its own forecasts, reads its own 1-day "
                           "forecast two days ahead"), WEIGHT_HINTS
        return True, (f"{series}: MSE(1) = MSE(2) = {best[0]:.4g} °C², MSE(3) = MSE(4) = "
                      f"{best[2]:.4g} °C², variance {variance:.4g} °C²; two days ahead, the true "
                      "rule fed itself multiplies its own 1-day forecast by 0")
    return run_check(hint, "two_days", check, hint=SERIES_HINTS)
