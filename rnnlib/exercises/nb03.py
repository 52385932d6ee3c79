"""Checks for the exercises of notebook 03 (BPTT and gradient checking).

Each check compares the learner's answer with a value found here another way: centred
differences of a loss written with ``math`` on plain floats, finite differences of a leaky RNN
written entry by entry with plain loops, the derivatives of tanh and the errors of difference
quotients measured with ``math.tanh``, and, for the planted bug, the relative errors that
``rnnlib.check_gradients`` gives on any data (W_hh's is exactly 0 on one step and exactly 1 on
two; the tests measure it), against which the learner's own table of errors is read. A NOT YET
message says what was observed (which output, which entries, which case, by how much), never the
formula or the code to write; for the planted bug, it reads the learner's own table. A number
asked for "to three significant digits" passes when, rounded to three significant digits, it
equals the value rounded alike (``same_to_digits``); within 1% but not equal, the message says
it is close.

The keyword ``cases`` of some checks replaces the examples they try; a graded notebook's
hidden tests use it to try examples the learner has not seen.
"""

import math

import numpy as np

from ..gradcheck import GRAD_TOL
from ..layers import affine_backward, affine_forward, rnn_forward
from ..losses import bce_with_logits_loss
from ._common import as_number, run_check, same_to_digits, show_pair, times


def _array(value, shape, what):
    """(float64 array, None) if ``value`` is a finite array of ``shape``, else (None, why)."""
    if value is None or value is Ellipsis:
        return None, f"your function returned {value!r}; it should return {what}"
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None, f"your function returned a {type(value).__name__}; it should return {what}"
    if arr.shape != shape:
        return None, f"your function returned shape {arr.shape}; it should return {what}"
    if not np.all(np.isfinite(arr)):
        return None, "your function returned a value that is not finite (nan or inf)"
    return arr, None


def _sigmoid(v):
    return 1.0 / (1.0 + math.exp(-v)) if v >= 0 else math.exp(v) / (1.0 + math.exp(v))


def _constant_ratio(got, expected):
    """c if got equals c * expected in every entry (expected not all zero), else None."""
    got, expected = np.ravel(got), np.ravel(expected)
    scale = float(expected @ expected)
    if scale == 0:
        return None
    c = float(got @ expected) / scale
    return c if np.allclose(got, c * expected, rtol=1e-6, atol=1e-12) else None


# ---------------------------------------------------------------- exercise 1

# Logits and labels of exercise 1, with an entry where z = y (z = 1, y = 1): there p != y;
# batches of three sizes, so that a mean over a fixed N shows
SQUARED_CASES = [
    ([2.0, -1.0, 1.0, -3.0, 0.5], [1.0, 0.0, 1.0, 1.0, 0.0]),
    ([-1.5], [1.0]),
    ([0.4, -2.0, 3.0, 1.5, -0.5, 2.5, -4.0], [0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0]),
]
RATIO_Z = 6.0  # exercise 1's confidently wrong example: z = 6 with label y = 0


def _squared_loss(z, y):
    """The mean squared error of sigmoid(z) against y, on plain floats."""
    return sum((_sigmoid(a) - b) ** 2 for a, b in zip(z, y, strict=True)) / len(z)


def _squared_fd(z, y, eps=1e-6):
    """Centred differences of _squared_loss in each logit."""
    out = []
    for n in range(len(z)):
        up, down = list(z), list(z)
        up[n] += eps
        down[n] -= eps
        out.append((_squared_loss(up, y) - _squared_loss(down, y)) / (2 * eps))
    return out


def _ratio_at_six():
    """|dBCE/dz| / |d(squared error)/dz| for one example, z = 6 and y = 0 (N = 1)."""
    p = _sigmoid(RATIO_Z)
    bce = p  # (p - y) / N with y = 0, N = 1
    squared = 2 * p * p * (1 - p)  # 2 (p - y) p (1 - p) / N, y = 0, N = 1
    return bce / squared


def _flag(value, name):
    """(bool, None) for True or False (NumPy's too), else (None, what is wrong)."""
    if value is Ellipsis or value is None:
        return None, f"{name} is {value!r}; it should be True or False"
    if isinstance(value, bool | np.bool_):
        return bool(value), None
    quoted = " (without quotes)" if isinstance(value, str) else ""
    return None, f"{name} should be True or False{quoted}, got {value!r}"


def _squared_function_problem(squared_error_grad, cases):
    """What is wrong with squared_error_grad on the cases, or None (first wrong case only)."""
    right = []  # the sizes N of the cases that passed
    for zs, ys in cases:
        N = len(zs)
        z, y = np.array(zs, dtype=float).reshape(N, 1), np.array(ys, dtype=float).reshape(N, 1)
        got, problem = _array(squared_error_grad(z.copy(), y.copy()), (N, 1),
                              "an (N, 1) array, here N = " + str(N))
        if problem:
            return problem
        got = got[:, 0]
        expected = np.array(_squared_fd(zs, ys))
        if np.allclose(got, expected, rtol=1e-5, atol=1e-9):
            right.append(N)
            continue
        where = (f"right for the batch of N = {right[0]}; with N = {N}: " if right else "")
        p = np.array([_sigmoid(v) for v in zs])
        yv = np.array(ys, dtype=float)
        if np.allclose(got, (p - yv) / N, rtol=1e-6, atol=1e-12):
            return (f"{where}your values are those of the binary cross-entropy's gradient, "
                    "entry for entry; this loss is another one")
        if np.allclose(got, 2 * (p - yv) / N, rtol=1e-6, atol=1e-12):
            return (f"{where}your values equal the gradient of the loss with respect to "
                    "p = sigmoid(z), entry for entry, not with respect to z")
        n = int(np.argmax(np.abs(got - expected)))
        seen = (f"at entry {n} (z = {zs[n]:g}, y = {ys[n]:g}) you gave {got[n]:.4g}, a "
                f"centred difference of the loss gives {expected[n]:.4g}")
        c = _constant_ratio(got, expected)
        if c is not None:
            if c == 0:
                return f"{where}your gradient is 0 in every entry: {seen}"
            return (f"{where}your gradient is {times(c)} the centred difference in every "
                    f"entry: {seen}")
        same = [k for k in range(N) if zs[k] == ys[k]]
        if same and all(abs(got[k]) < 1e-12 for k in same):
            k = same[0]
            return (f"{where}your gradient is 0 at entry {k}, where z = y = {zs[k]:g}; there "
                    f"sigmoid(z) = {p[k]:.4g} is not y, and the loss changes with z: {seen}")
        return where + seen
    return None


def _fading(squared_error_grad):
    """'a, b, c' and 'd, e, f': the learner's gradient and sigmoid's slope at z = 2, 4, 8."""
    zs = (2.0, 4.0, 8.0)
    mine = [float(np.ravel(squared_error_grad(np.array([[v]]), np.zeros((1, 1))))[0])
            for v in zs]
    slopes = [_sigmoid(v) * (1 - _sigmoid(v)) for v in zs]
    return ", ".join(f"{v:.3g}" for v in mine), ", ".join(f"{v:.3g}" for v in slopes)


SQUARED_HINTS = {
    "function": (
        "differentiate the loss with respect to p = sigmoid(z) first, then multiply by how p "
        "moves with z (section 1 writes that slope with p alone); the loss is a mean over N",
        "work one example through by hand (N = 1, z = 0, y = 0, so p = 0.5): how much does the "
        "loss change when z moves by a little? Compare with your function, then with a batch "
        "of two examples, where the mean halves each one's share"),
    "answers": (
        "evaluate both gradients for the one example z = 6, y = 0 (N = 1): section 1 gives "
        "the cross-entropy's, your function gives this loss's",
        "how large is p at z = 6, and how large is the slope of the sigmoid there? Which of "
        "the two gradients keeps that slope as a factor? That also says whether it cancels"),
}


def check_squared_error_grad(squared_error_grad, cancels, ratio, hint=False, cases=None):
    """Exercise 1: dL/dz of L = mean (sigmoid(z) - y)^2, whether sigmoid' cancels from it
    (True or False), and the ratio of BCE's gradient to it at z = 6, y = 0 (three significant
    digits)."""
    cases = SQUARED_CASES if cases is None else cases

    def answers():  # cancels and ratio, once the function is right
        flag, problem = _flag(cancels, "cancels")
        if problem:
            return False, "squared_error_grad is right; " + problem
        if flag:
            mine, slopes = _fading(squared_error_grad)
            return False, ("squared_error_grad is right; cancels = True, but for one example "
                           f"with label 0 your gradient shrinks as z grows (z = 2, 4, 8: "
                           f"{mine}), as the sigmoid's slope there does ({slopes}), while the "
                           "cross-entropy's approaches 1/N")
        got, problem = as_number(ratio, "ratio")
        if problem:
            return False, "squared_error_grad and cancels are right; " + problem
        true = _ratio_at_six()
        if same_to_digits(got, true):
            return True, ("dL/dz agrees with centred differences, and at z = 6 the "
                          f"cross-entropy's gradient is {true:.3g} times the squared error's: "
                          "sigmoid'(z) is tiny where the output is confidently wrong, and only "
                          "the cross-entropy cancels it")
        first = f"squared_error_grad and cancels are right; ratio = {got:.4g}"
        if abs(got - true) <= 0.01 * true:
            first = ("squared_error_grad and cancels are right; ratio = "
                     + show_pair(got, true)[0])  # digits enough to tell it from the ratio
            return False, (f"{first} is within 1% of the ratio of the two gradients at z = 6, "
                           "but not equal to it to three significant digits, rounded: check "
                           "its digits")
        if got <= 0:
            return False, f"{first} is not above 0, which a ratio of two sizes always is"
        if got < 1:
            return False, (f"{first} is below 1: it says the squared error's gradient is the "
                           "larger of the two at z = 6, y = 0")
        return False, (f"{first} is not the ratio of the two gradients' sizes at z = 6, y = 0 "
                       "(N = 1)")

    def check():
        problem = _squared_function_problem(squared_error_grad, cases)
        if problem:
            return False, problem
        return (*answers(), SQUARED_HINTS["answers"])  # the hints of the part reached

    return run_check(hint, "squared_error_grad", check, hint=SQUARED_HINTS["function"])


# ---------------------------------------------------------------- exercise 2


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


LEAKY_NAMES = ("dx", "dh0", "dW_xh", "dW_hh", "db_h")
# (N, T, D, H, alpha, seed): alpha = 1 is the vanilla RNN; T = 1 has no step to carry back to
LEAKY_CASES = [(2, 1, 3, 3, 1.0, 31), (2, 4, 3, 3, 1.0, 32), (2, 1, 3, 3, 0.6, 33),
               (2, 4, 3, 3, 0.6, 34)]


def _leaky_case(N, T, D, H, alpha, seed):
    """Random inputs with a random h0 and an upstream gradient at every step, the cache, and
    the five gradients of L = sum(dh * h) by finite differences."""
    rng = np.random.default_rng(seed)
    x, h0 = rng.normal(size=(N, T, D)), rng.normal(0, 0.5, (N, H))
    W_xh, W_hh, b_h = rng.normal(0, 0.6, (H, D)), rng.normal(0, 0.6, (H, H)), rng.normal(0, 0.3, H)
    dh = rng.normal(size=(N, T, H))
    _, cache = leaky_rnn_forward(x, h0, W_xh, W_hh, b_h, alpha)
    loss = lambda: float(np.sum(dh * _leaky_loops(x, h0, W_xh, W_hh, b_h, alpha)))  # noqa: E731
    return dh, cache, dict(zip(LEAKY_NAMES, _numeric(loss, [x, h0, W_xh, W_hh, b_h]), strict=True))


def _output(value, shape, name):
    """(float64 array, None) if ``value`` is a finite array of ``shape``, else (None, why)."""
    if value is None or value is Ellipsis:
        return None, f"{name} is {value!r}; it should be an array of shape {shape}"
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None, f"{name} is a {type(value).__name__}; it should be an array of shape {shape}"
    if arr.shape != shape:
        return None, f"{name} has shape {arr.shape}, expected {shape}"
    if not np.all(np.isfinite(arr)):
        return None, f"{name} has entries that are not finite (nan or inf)"
    return arr, None


def _close(a, b):
    return np.allclose(a, b, rtol=1e-5, atol=1e-7)


def _steps(ks):
    """'step 3' or 'steps 1 to 3' or 'steps 1, 3' for a sorted list of 1-based steps."""
    if len(ks) == 1:
        return f"step {ks[0]}"
    if ks == list(range(ks[0], ks[-1] + 1)):
        return f"steps {ks[0]} to {ks[-1]}"
    return "steps " + ", ".join(map(str, ks))


def _join(names):
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _leaky_observed(T, got, expected):
    """What one case shows: which of the five are off, by how much, and where dx is off."""
    off = [n for n in LEAKY_NAMES if not _close(got[n], expected[n])]
    if not off:
        return None
    worst = max(float(np.max(np.abs(got[n] - expected[n]))) for n in off)
    verb = "is" if len(off) == 1 else "are"
    text = (f"for T = {T}: " + ("only " if len(off) < len(LEAKY_NAMES) else "")
            + f"{_join(off)} {verb} off (by up to {worst:.2g}, an absolute difference)")
    ratios = {n: _constant_ratio(got[n], expected[n]) for n in off}
    scaled = [n for n in off if ratios[n] is not None]
    if scaled and all(math.isclose(ratios[n], ratios[scaled[0]]) for n in scaled):
        if scaled == off:
            text += ", each" if len(off) > 1 else ","
        else:
            text += ", and " + _join(scaled) + (" is" if len(scaled) == 1 else " are each")
        text += f" {times(ratios[scaled[0]])} the finite difference"
    if "dx" in off and T > 1:
        wrong = [t + 1 for t in range(T) if not _close(got["dx"][:, t], expected["dx"][:, t])]
        right = [t + 1 for t in range(T) if t + 1 not in wrong]
        text += (f", and dx is right at {_steps(right)} and off at {_steps(wrong)}" if right
                 else ", and dx is off at every step")
    return text


def check_leaky_bptt(leaky_rnn_backward, hint=False, cases=None):
    """Exercise 2: leaky_rnn_backward(dh, cache) -> (dx, dh0, dW_xh, dW_hh, db_h), compared
    with finite differences for short and longer sequences, alpha = 1 and alpha < 1."""
    cases = LEAKY_CASES if cases is None else cases

    def check():
        by_alpha = {}  # alpha -> [(T, what was observed or None)]
        for case in cases:
            dh, cache, expected = _leaky_case(*case)
            fresh = tuple(np.copy(c) if isinstance(c, np.ndarray) else c for c in cache)
            result = leaky_rnn_backward(dh.copy(), fresh)
            if not isinstance(result, tuple | list) or len(result) != 5:
                return False, ("return a tuple of five arrays (dx, dh0, dW_xh, dW_hh, db_h); "
                               f"your function returned {type(result).__name__}"
                               + (f" of length {len(result)}"
                                  if isinstance(result, tuple | list) else ""))
            got = {}
            for name, value in zip(LEAKY_NAMES, result, strict=True):
                got[name], problem = _output(value, expected[name].shape, name)
                if problem:
                    return False, problem
            by_alpha.setdefault(case[4], []).append((case[1], _leaky_observed(case[1], got,
                                                                               expected)))
        if all(seen is None for found in by_alpha.values() for _, seen in found):
            Ts = sorted({T for found in by_alpha.values() for T, _ in found})
            return True, ("all five gradients agree with finite differences for "
                          + _join([f"T = {T}" for T in Ts]) + ", with "
                          + _join([f"alpha = {a:g}" for a in sorted(by_alpha, reverse=True)])
                          + ": with a small alpha most of the gradient goes back through the "
                          "leak, which no tanh slope shrinks")
        parts = []
        for alpha in sorted(by_alpha, reverse=True):
            found = by_alpha[alpha]
            name = f"alpha = {alpha:g}" + (" (the vanilla RNN)" if alpha == 1 else "")
            if all(seen is None for _, seen in found):
                parts.append(f"with {name}, all five agree for "
                             + _join([f"T = {T}" for T, _ in found]))
                continue
            texts = [seen or f"for T = {T}: all five agree" for T, seen in found]
            parts.append(f"with {name}, " + "; ".join(texts))
        return False, "compared with finite differences: " + ". ".join(
            part[0].upper() + part[1:] for part in parts)
    return run_check(hint, "leaky_bptt", check, hint=(
        "write h_t with h_{t-1} in it: in how many places does h_{t-1} appear? Section 2's "
        "backward step follows one of them; the gradient handed back to h_{t-1} needs every "
        "one",
        "one way from h_{t-1} to h_t goes through a_t and g_t, as in the vanilla RNN but "
        "scaled by alpha; the other does not go through the tanh at all. Add up what each way "
        "sends back, and compare with alpha = 1, where the second one vanishes"))


# ---------------------------------------------------------------- exercise 3

# (w, eps): the points and steps at which exercise 3's predictions are compared
ERROR_CASES = [(0.5, 1e-3), (0.5, 1e-2), (-1.2, 1e-3), (2.0, 1e-4), (0.5, 0.05)]


def _tanh_derivatives(w):
    """tanh', tanh'' and tanh''' at w, from t = tanh(w) and dt/dw = 1 - t^2."""
    t = math.tanh(w)
    s = 1 - t * t  # tanh'
    return s, -2 * t * s, -2 * s * (1 - 3 * t * t)


def _leading_terms(w, eps):
    """The leading terms of the two quotients' errors: (centred, one-sided), as sizes."""
    _, f2, f3 = _tanh_derivatives(w)
    return eps * eps * abs(f3) / 6, eps * abs(f2) / 2


def _measured(w, eps):
    """The errors |quotient - tanh'(w)| of the centred and the one-sided quotient."""
    exact = _tanh_derivatives(w)[0]
    centred = (math.tanh(w + eps) - math.tanh(w - eps)) / (2 * eps)
    one_sided = (math.tanh(w + eps) - math.tanh(w)) / eps
    return abs(centred - exact), abs(one_sided - exact)


MEASURE_AT = (0.5, 1e-3)  # (w, eps) at which exercise 3 asks for the two errors measured
KINDS = ("centred", "one-sided")


def _is_pair(value):
    """A tuple, list or 1-d array of two entries."""
    if isinstance(value, np.ndarray):
        return value.shape == (2,)
    return isinstance(value, tuple | list) and len(value) == 2


def _measurement_problem(measured):
    """What is wrong with the pair of errors measured at MEASURE_AT, or None."""
    w, eps = MEASURE_AT
    where = f"at w = {w:g}, eps = {eps:g}"
    if measured is None or measured is Ellipsis:
        return f"measured is {measured!r}; it should be two numbers, (centred, one_sided)"
    if not _is_pair(measured):
        return "measured should be two numbers, (centred, one_sided)"
    values = []
    for kind, value in zip(KINDS, measured, strict=True):
        number, problem = _size(value, f"the measured {kind} error")
        if problem:
            return problem
        values.append(number)
    true, wider = _measured(w, eps), _measured(w, 10 * eps)
    exact = _tanh_derivatives(w)[0]
    for k, kind in enumerate(KINDS):
        if same_to_digits(values[k], true[k], 2):
            continue
        first = f"the measured {kind} error you give, {values[k]:.3g},"
        if abs(values[k] - true[k]) <= 0.01 * true[k]:
            first = f"the measured {kind} error you give, {show_pair(values[k], true[k])[0]},"
            return (f"{first} is within 1% of |{kind} quotient - tanh'({w:g})| {where}, but not "
                    "equal to it to two significant digits, rounded: check its digits")
        if abs(values[k] - true[1 - k]) <= 0.01 * true[1 - k]:
            return f"{first} is the size of the {KINDS[1 - k]} quotient's error {where}"
        if abs(values[k] - wider[k]) <= 0.01 * wider[k]:
            return f"{first} is the {kind} quotient's error at eps = {10 * eps:g}, not {eps:g}"
        if abs(values[k] - exact) <= 0.01 * exact:
            return (f"{first} is about the quotient itself (or tanh'({w:g}) = {exact:.4g}), not "
                    "the distance between them")
        return f"{first} is not the size of |{kind} quotient - tanh'({w:g})| {where}"
    return None


def _size(value, name):
    """(float, None) for a number >= 0 (the size of an error), else (None, what is wrong)."""
    number, problem = as_number(value, name)
    if problem:
        return None, problem
    if number < 0:
        return None, f"{name} is {number:.3g}, below 0; the size of an error is 0 or more"
    return number, None


def check_predicted_errors(predicted_errors, measured, hint=False, cases=None):
    """Exercise 3: predicted_errors(w, eps) -> the leading terms of the errors of the centred
    and the one-sided difference quotient of tanh at w, as sizes (>= 0), and ``measured``, the
    two errors measured at MEASURE_AT (two significant digits, >= 0)."""
    cases = ERROR_CASES if cases is None else cases
    kinds = KINDS

    def check():
        got = {}
        for w, eps in cases:
            result = predicted_errors(w, eps)
            if not _is_pair(result):
                return False, (f"predicted_errors({w}, {eps}) returned {result!r:.60}; it should "
                               "return two numbers, (centred, one_sided)")
            pair = []
            for kind, value in zip(kinds, result, strict=True):
                number, problem = _size(value, f"the {kind} prediction at w = {w}, eps = {eps}")
                if problem:
                    return False, problem
                pair.append(number)
            got[w, eps] = pair
        wrong = []
        for k, kind in enumerate(kinds):
            bad = [c for c in cases
                   if not math.isclose(got[c][k], _leading_terms(*c)[k], rel_tol=1e-6)]
            if bad:
                wrong.append((k, kind, bad))
        if wrong:
            return False, _error_diagnosis(*wrong[0], got, cases)
        problem = _measurement_problem(measured)
        if problem:
            return False, "predicted_errors is right; " + problem
        w, eps = MEASURE_AT
        c, o = _measured(w, eps)
        return True, (f"at w = {w:g}, eps = {eps:g} the errors measured are {c:.2g} (centred) "
                      f"and {o:.2g} (one-sided), as predicted: one more power of eps in its "
                      "error makes the centred quotient the more accurate one for small steps")
    return run_check(hint, "predicted_errors", check, hint=(
        "expand tanh(w + eps) and tanh(w - eps) in powers of eps (Taylor) up to eps^3; put the "
        "expansions into each quotient and keep the first term that does not cancel",
        "the derivatives of tanh follow from tanh' = 1 - t^2 with t = tanh(w): differentiate "
        "again with the chain rule (dt/dw = 1 - t^2), twice; check each one at a point with a "
        "centred difference of the one before"))


def _error_diagnosis(k, kind, bad, got, cases):
    """What the wrong predictions of one kind (0 centred, 1 one-sided) show, observed."""
    w, eps = bad[0]
    mine, measured = got[w, eps][k], _measured(w, eps)[k]
    seen = (f"at w = {w:g}, eps = {eps:g} your {kind} prediction is {mine:.4g}, the measured "
            f"error is {measured:.4g}")
    general = [c for c in cases if _leading_terms(*c)[k] > 0]  # the term does not vanish there
    if not general:
        return seen
    tracks = all(math.isclose(got[c][k], _measured(*c)[k], rel_tol=1e-2) for c in cases)
    if tracks:
        w2, e2 = max(general, key=lambda c: c[1])
        gap = abs(got[w2, e2][k] / _leading_terms(w2, e2)[k] - 1)
        return (f"your {kind} values include terms beyond the leading one: they follow the "
                f"measured errors to 1% in every case, and at w = {w2:g}, eps = {e2:g} they "
                f"differ from the error's leading term by {gap:.1%}")
    for (w1, e1) in general:  # how the prediction scales with eps at a fixed w
        for (w2, e2) in general:
            if w1 == w2 and math.isclose(e2, 10 * e1) and got[w1, e1][k] > 0:
                yours = got[w2, e2][k] / got[w1, e1][k]
                true = _leading_terms(w2, e2)[k] / _leading_terms(w1, e1)[k]
                if not math.isclose(yours, true, rel_tol=1e-3):
                    return (f"when eps grows from {e1:g} to {e2:g} (w = {w1:g}), your {kind} "
                            f"prediction grows {yours:.3g} times, the measured error "
                            f"{_measured(w2, e2)[k] / _measured(w1, e1)[k]:.3g} times; {seen}")
    ratios = {c: got[c][k] / _leading_terms(*c)[k] for c in general}
    first = ratios[general[0]]
    if all(math.isclose(r, first, rel_tol=1e-6) for r in ratios.values()):
        if first == 0:
            return f"your {kind} prediction is 0 in every case; {seen}"
        return (f"your {kind} prediction is {first:.3g} times the measured error (at small "
                f"eps) in every case; {seen}")
    at_small = {w: ratios[w, e] for w, e in general if e <= 1e-3}
    spread = ", ".join(f"{r:.3g} at w = {w:g}" for w, r in at_small.items())
    return (f"your {kind} prediction divided by the measured error changes with w ({spread}, "
            f"at eps <= 0.001); {seen}")


# ---------------------------------------------------------------- exercise 4

PARAM_NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def suspect_loss(params, x, y):
    """A many-to-one classifier's loss and gradients, like rnnlib.classification_loss, but
    with one planted mistake in its backward pass (exercise 4: find it by gradient checks).

    Inputs:
    - params: dict W_xh (H, D), W_hh (H, H), b_h (H,), W_hy (1, H), b_y (1,).
    - x: (N, T, D) sequences, y: (N, 1) labels 0/1.

    Returns a tuple of:
    - loss: float, mean binary cross-entropy over the N sequences.
    - grads: dict with the keys and shapes of params (one of them wrong).
    """
    W_xh, W_hh = params["W_xh"], params["W_hh"]
    N, T, _ = x.shape
    h0 = np.zeros((N, W_hh.shape[0]))
    h, _ = rnn_forward(x, h0, W_xh, W_hh, params["b_h"])  # (N, T, H)
    z, out_cache = affine_forward(h[:, -1], params["W_hy"], params["b_y"])  # (N, 1)
    loss, dz = bce_with_logits_loss(z, y)
    dh_T, dW_hy, db_y = affine_backward(dz, out_cache)
    grads = {"W_xh": np.zeros_like(W_xh), "W_hh": np.zeros_like(W_hh),
             "b_h": np.zeros_like(params["b_h"]), "W_hy": dW_hy, "b_y": db_y}
    dh_next = np.zeros_like(h0)
    for t in reversed(range(T)):
        da = (dh_next + (dh_T if t == T - 1 else 0)) * (1 - h[:, t] ** 2)  # (N, H)
        h_prev = h[:, t - 1] if t > 1 else h0  # the planted mistake is in this line
        grads["W_xh"] += da.T @ x[:, t]
        grads["W_hh"] += da.T @ h_prev
        grads["b_h"] += da.sum(axis=0)
        dh_next = da @ W_hh
    return loss, grads


PLANTED = ("W_hh", 2)  # the parameter and the step (1 = the first) of suspect_loss's mistake


def _table(errors, key, step):
    """({T: relative error}, None) from the learner's ``errors``, or (None, what is wrong)."""
    if errors is Ellipsis or errors is None:
        return None, (f"errors is {errors!r}; it should be a dict {{T: relative error}}, one "
                      f"entry for each length T from 1 to your step, {step}")
    if not isinstance(errors, dict):
        return None, (f"errors should be a dict {{T: relative error}}, one entry for each "
                      f"length T from 1 to your step; got {type(errors).__name__}")
    table = {}
    for T, value in errors.items():
        length, problem = as_number(T, f"the length {T!r} in errors")
        if problem:
            return None, problem
        if length != int(length) or length < 1:
            return None, (f"errors has the length {length:g}; a length is a whole number of "
                          "steps, 1 or more")
        e, problem = as_number(value, f"errors[{int(length)}]")
        if problem:
            return None, problem
        if not 0 <= e <= 1:
            return None, (f"errors[{int(length)}] = {e:.3g}, but a relative error of "
                          "rnnlib.check_gradients lies between 0 and 1")
        table[int(length)] = e
    missing = [T for T in range(1, step + 1) if T not in table]
    if missing:
        return None, (f"errors has no entry for T = {_join([str(T) for T in missing])}: give "
                      f"the relative error of {key} for every length from 1 to your step, {step}")
    return table, None


def _own_table_problem(key, step, table):
    """What the learner's own table says against their answer, or None."""
    def steps(T):
        return f"{T} step{'s' if T > 1 else ''}"

    earlier = [T for T in range(1, step) if table[T] >= GRAD_TOL]
    if earlier:
        T = earlier[0]
        return (f"in your table {key} already differs from finite differences on sequences of "
                f"{steps(T)} (relative error {table[T]:.1e}), and those have no step {step}")
    if table[step] < GRAD_TOL:
        return (f"in your table {key} agrees with finite differences (relative error below "
                f"{GRAD_TOL:.0e}) on sequences of {steps(step)}, which have a step {step}")
    return None


def _could_be_measured(key, table):
    """Whether rnnlib.check_gradients gives these relative errors for the suspect's ``key`` on
    sequences of these lengths, whatever the sequences and weights (the suspect starts from
    h0 = 0): every gradient but W_hh's is right at every length; W_hh's is exactly 0 in both on
    1 step (error 0), and on 2 steps the suspect's alone is exactly 0 (error 1)."""
    if key != PLANTED[0]:
        return all(e < GRAD_TOL for e in table.values())
    return table.get(1, 0.0) < GRAD_TOL and abs(table.get(2, 1.0) - 1) < 0.005


def check_planted_bug(suspect, errors, hint=False):
    """Exercise 4: (name of the parameter, step) of suspect_loss's planted mistake, and the
    evidence, ``errors`` = {T: the relative error rnnlib.check_gradients gives for that
    parameter of the suspect on sequences of T steps}, for T = 1 to the step at least."""

    def check():
        if suspect is Ellipsis or suspect is None:
            return False, f"suspect is {suspect!r}; it should be a pair (name, step)"
        if not isinstance(suspect, tuple | list) or len(suspect) != 2:
            return False, "suspect should be a pair (name, step), for example (\"b_y\", 7)"
        name, step = suspect
        if name is Ellipsis or step is Ellipsis:
            return False, "suspect still contains `...`; replace it with a name and a step"
        if not isinstance(name, str):
            return False, (f"the name should be text, one of {', '.join(PARAM_NAMES)}; got "
                           f"{type(name).__name__}")
        key = {n.lower(): n for n in PARAM_NAMES}.get(name.strip().lower().removeprefix("d"))
        if key is None:
            return False, f"{name!r} is not one of the parameters {', '.join(PARAM_NAMES)}"
        number, problem = as_number(step, "the step")
        if problem:
            return False, problem
        if number != int(number) or number < 1:
            return False, (f"the step is {number:g}; it should be a whole number, 1 for the "
                           "first step of a sequence")
        step = int(number)
        table, problem = _table(errors, key, step)
        if problem:
            return False, problem
        problem = _own_table_problem(key, step, table)
        if problem:
            return False, problem
        if not _could_be_measured(key, table):
            return False, (f"your errors are not the relative errors rnnlib.check_gradients "
                           f"gives for the suspect's {key} on sequences of those lengths")
        return True, ("the mistake is in W_hh's share of step 2: on sequences of 1 step "
                      "every gradient passes (W_hh's is exactly 0 there, with h0 = 0), on 2 "
                      "steps W_hh fails. A check on long sequences names the parameter; the "
                      "shortest sequence that fails names the step")
    return run_check(hint, "planted_bug", check, hint=(
        "rnnlib.check_gradients on the suspect tells you which parameter; that weight's "
        "gradient adds one share per step, so to find the step, change which steps exist",
        "a step's share can only be wrong in sequences that have that step: run the same check "
        "on sequences of 1, 2, 3, ... steps (sum_sign_data takes T) and keep that parameter's "
        "relative error for each length"))
