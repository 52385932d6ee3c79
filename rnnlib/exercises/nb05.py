"""Checks for the exercises of notebook 05 (vanishing and exploding gradients).

Each check compares the learner's answer with what is observed here another way: centred
finite differences of one step of the shortcut cell; ratios of gradient norms measured over
many random states and weights, and at the states where the cell is most and least
stretching; the powers of each matrix multiplied out (how far one step can stretch a gradient,
how long it is after 200 steps); and gradients clipped by value and by norm, entry by entry.
A NOT YET message says what was observed (which case, which entries, by how much), never the
formula or the code to write. Numbers asked for "to three significant digits" pass when,
rounded to three significant digits, they equal the value rounded alike (``same_to_digits``);
a threshold that must guarantee a bound passes only at or below the safe value. Within 1% but
not equal, the message says they are close.

The keyword ``cases`` of some checks replaces the examples they try; a graded notebook's
hidden tests use it to try examples the learner has not seen.
"""

import math

import numpy as np

from ._common import about as _about
from ._common import (
    as_number,
    call_on_copies,
    float32_note,
    read_numbers,
    run_check,
    same_to_digits,
    show_pair,
)


def _close_but(name, x, true):
    shown = show_pair(x, true)[0]  # digits enough to tell it from the value asked for
    return (f"{name} = {shown} is within 1% of the value asked for, but not equal to it to "
            "three significant digits, rounded: check its digits")


# ---------------------------------------------------------------- exercise 1

# The shortcut cell: h_t = h_{t-1} + tanh(a_t), a_t = x_t W_xh^T + h_{t-1} W_hh^T + b_h.
SHORTCUT_CASES = [  # (N, H, what is special about the case, seed)
    (3, 4, "general", 0),
    (2, 4, "h_prev = 0", 1),
    (3, 3, "symmetric", 2),
    (2, 3, "no recurrence", 3),
]
_CASE_NAMES = {"general": "a general case", "h_prev = 0": "the case with h_{t-1} = 0",
               "symmetric": "the case with a symmetric W_hh",
               "no recurrence": "the case with W_hh = 0"}
_WHERE = {"general": "in a general case", "h_prev = 0": "where h_{t-1} = 0",
          "symmetric": "where W_hh is symmetric", "no recurrence": "where W_hh = 0"}


def _shortcut_case(N, H, kind, seed):
    """One step of the shortcut cell: what the learner is given, and the rest of the step."""
    rng = np.random.default_rng(500 + seed)
    x, W_xh, b_h = rng.normal(size=(N, 2)), rng.normal(0, 0.7, (H, 2)), rng.normal(0, 0.3, H)
    W_hh = rng.normal(0, 0.9 / np.sqrt(H), (H, H))
    if kind == "symmetric":
        W_hh = (W_hh + W_hh.T) / 2
    if kind == "no recurrence":
        W_hh = np.zeros((H, H))
    h_prev = np.zeros((N, H)) if kind == "h_prev = 0" else rng.normal(0, 0.6, (N, H))
    dh = rng.normal(size=(N, H))

    def step(hp):  # (N, H) -> (N, H)
        return hp + np.tanh(x @ W_xh.T + hp @ W_hh.T + b_h)

    return {"dh": dh, "h": step(h_prev), "h_prev": h_prev, "W_hh": W_hh, "step": step}


def _centred_differences(case, step=None, eps=1e-6):
    """dL/dh_{t-1} of L = sum(dh * step(h_{t-1})), entry by entry (no formula)."""
    step = step or case["step"]
    h_prev, dh = case["h_prev"], case["dh"]
    grad = np.zeros_like(h_prev)
    for idx in np.ndindex(h_prev.shape):
        e = np.zeros_like(h_prev)
        e[idx] = eps
        grad[idx] = (np.sum(dh * step(h_prev + e)) - np.sum(dh * step(h_prev - e))) / (2 * eps)
    return grad


def _tanh_alone(case):
    """The same step without the added h_{t-1}: h_t = tanh(a_t) (section 1's cell)."""
    return lambda hp: case["step"](hp) - hp


def _agrees(got, expected):
    return np.allclose(got, expected, rtol=1e-5, atol=1e-6)


def _which(labels):
    labels = list(labels)
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def check_shortcut_step_back(shortcut_step_back, hint=False, cases=None):
    """Exercise 1: shortcut_step_back(dh, h, h_prev, W_hh) -> dL/dh_{t-1} (N, H) for the cell
    h_t = h_{t-1} + tanh(a_t), compared with centred finite differences of the step."""
    cases = SHORTCUT_CASES if cases is None else cases

    def check():
        seen = []  # (label, your result, the centred differences, the case)
        for N, H, kind, seed in cases:
            case = _shortcut_case(N, H, kind, seed)
            label = f"{_CASE_NAMES[kind]} (N = {N}, H = {H})"
            try:
                got, changed = call_on_copies(shortcut_step_back, ("dh", "h", "h_prev", "W_hh"),
                                              case["dh"], case["h"], case["h_prev"],
                                              case["W_hh"])
            except Exception as err:  # name the case: W_hh = 0 or N = 1 are the usual traps
                return False, f"in {label} your code raised {type(err).__name__}: {err}"
            if changed:  # a backward step that overwrites what it is given spoils BPTT's loop
                return False, f"in {label} {changed}"
            if got is None or got is Ellipsis:
                return False, (f"your function returned {got!r}; it should return "
                               "dL/dh_{t-1}, an (N, H) array")
            try:
                got = np.asarray(got, dtype=np.float64)
            except (TypeError, ValueError):
                return False, (f"your function returned a {type(got).__name__}; it should "
                               "return an (N, H) array of numbers")
            if got.shape != (N, H):
                return False, (f"in {label} your result has shape {got.shape}; dL/dh_{{t-1}} "
                               f"has the shape of h_{{t-1}}, ({N}, {H})")
            seen.append((kind, label, got, _centred_differences(case), case))
        right = [s for s in seen if _agrees(s[2], s[3])]
        if len(right) == len(seen):
            return True, (f"matches centred differences of the step in all {len(seen)} cases "
                          "(h_{t-1} = 0, a symmetric W_hh and W_hh = 0 among them)")
        wrong = [s for s in seen if s not in right]
        if all(_agrees(got, _centred_differences(case, _tanh_alone(case)))
               for _, _, got, _, case in seen):
            return False, ("in every case your values match what one step sends back when "
                           "h_t = tanh(a_t) alone (section 1's cell, with the same a_t), "
                           "not what this cell's step sends back")
        kind, label, got, expected, _ = wrong[0]
        worst = tuple(int(i) for i in np.unravel_index(np.argmax(np.abs(got - expected)),
                                                        got.shape))
        seen_here = (f"in {label} your dL/dh_{{t-1}} differs from the centred differences by "
                     f"up to {np.abs(got - expected).max():.3g} (entry {list(worst)})")
        zeros = [s for s in wrong if s[0] == "no recurrence" and not np.any(s[2])]
        if zeros:
            return False, (f"where W_hh = 0 your result is all zeros, although the loss still "
                           f"changes with h_{{t-1}} there; {seen_here}")
        if right:
            return False, (f"right {_which(_WHERE[s[0]] for s in right)}; off elsewhere: "
                           f"{seen_here}")
        return False, f"off in all {len(seen)} cases: {seen_here}"
    return run_check(hint, "shortcut_step_back", check, hint=(
        "h_{t-1} reaches h_t along two paths in this cell; one step back adds up what comes "
        "back along each of them",
        "one path goes through tanh, whose slope at a_t is 1 - tanh(a_t)^2; in this cell h_t "
        "is not tanh(a_t), but the two states you are given tell you what tanh(a_t) was"))


# ---------------------------------------------------------------- exercise 2


BOUND_CASES = [0.3, 0.0, 0.6]  # s, the largest singular value of W_hh


def _unit_rows(rng, n, H):
    v = rng.normal(size=(n, H))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _ratio(W_hh, a, dh):
    """||dL/dh_{t-1}|| / ||dL/dh_t|| per row, for the shortcut cell at pre-activations a."""
    back = dh + (dh * (1 - np.tanh(a) ** 2)) @ W_hh  # the step's Jacobian, I + diag(d) W_hh
    return np.linalg.norm(back, axis=1) / np.linalg.norm(dh, axis=1)


def _measured_ratios(s):
    """Ratios measured at s: (typical ones, extreme ones), each a list of (ratio, where).

    The extreme ones come from W_hh = s R with R a reflection (symmetric, orthogonal), with
    every unit at the same pre-activation, from tanh's slope 0.7 up to nearly 1, least
    extreme first; dh along the reflected direction, or across it."""
    rng = np.random.default_rng(520)
    H, typical, extreme = 5, [], []
    for _ in range(20):  # random W_hh of largest singular value s, random states
        W = rng.normal(size=(H, H))
        W = s * W / np.linalg.norm(W, 2)
        a, dh = rng.normal(0, 1.0, (50, H)), rng.normal(size=(50, H))
        typical += [(r, "a random W_hh of that largest singular value, random states")
                    for r in _ratio(W, a, dh)]
    v = _unit_rows(rng, 1, H)[0]
    W = s * (np.eye(H) - 2 * np.outer(v, v))  # v W = -s v; across v, w W = s w
    w = _unit_rows(rng, 1, H)[0]
    w = w - (w @ v) * v
    for alpha in (0.6, 0.4, 0.3, 0.2, 0.1, 0.05, 0.02, 0.01, 1e-3, 1e-5):
        slope = 1 - np.tanh(alpha) ** 2
        where = (f"W_hh = {s} R, R a reflection (symmetric and orthogonal: it reverses one "
                 f"direction and keeps the others), at a state where tanh's slope is "
                 f"{slope:.4g} in every unit")
        extreme += [(r, where) for r in _ratio(W, np.full((2, H), alpha), np.vstack([v, w]))]
    return typical, extreme


def _pair(value, what):
    if value is None or value is Ellipsis:
        return None, f"your function returned {value!r}; it should return {what}"
    if isinstance(value, dict):
        return None, (f"your function returned a dict (with the keys {', '.join(map(repr, value))}"
                      f"); it should return {what}")
    if isinstance(value, str) or not hasattr(value, "__len__"):
        return None, f"your function returned a {type(value).__name__}; it should return {what}"
    if len(value) != 2:
        return None, f"your function returned {len(value)} values; it should return {what}"
    return tuple(value), None


def check_shortcut_bounds(shortcut_bounds, hint=False, cases=None):
    """Exercise 2: shortcut_bounds(s) -> (low, high), the tightest bounds on the ratio
    ||dL/dh_{t-1}|| / ||dL/dh_t|| of one step of the shortcut cell that hold for every W_hh
    whose largest singular value is s (0 <= s < 1) and every state."""
    cases = BOUND_CASES if cases is None else cases

    def check():
        for s in cases:
            pair, problem = _pair(shortcut_bounds(s), "a pair (low, high)")
            if problem:
                return False, problem
            got, problem = read_numbers({f"low for s = {s}": pair[0],
                                         f"high for s = {s}": pair[1]}, as_number)
            if problem:
                return False, problem
            low, high = got
            if low > high:
                shown_low, shown_high = show_pair(low, high)
                return False, (f"for s = {s} your low = {shown_low} is above your high = "
                               f"{shown_high}")
            true_low, true_high = 1 - s, 1 + s
            ok_low = math.isclose(low, true_low, rel_tol=1e-9, abs_tol=1e-12)
            ok_high = math.isclose(high, true_high, rel_tol=1e-9, abs_tol=1e-12)
            if ok_low and ok_high:
                continue
            for ok, name, value, true, given in ((ok_high, "high", high, true_high, pair[1]),
                                                 (ok_low, "low", low, true_low, pair[0])):
                if ok or not true or not _about(value, true):
                    continue
                shown = show_pair(value, true)[0]
                note = float32_note(given, true, f"your {name}")
                if note:
                    return False, (f"for s = {s} your {name} = {shown} is within 1% of the "
                                   f"tightest bound; {note}")
                return False, (f"for s = {s} your {name} = {shown} is within 1% of the "
                               "tightest bound, but not equal to it: a bound that holds for "
                               "every state is an exact number, not a measured one")
            typical, extreme = _measured_ratios(s)
            if (math.isclose(low, 0, abs_tol=1e-12) and s > 0
                    and math.isclose(high, s, rel_tol=1e-9)):
                r, where = max(typical)
                return False, (f"for s = {s} your bounds (0, {s}) are those of section 1's tanh "
                               f"cell, whose gradient only passes through W_hh; with this cell "
                               f"a ratio of {r:.3f} was measured ({where})")
            for name, bound, side in (("high", high, "above"), ("low", low, "below")):
                def beyond(r, name=name, bound=bound):
                    return r > bound + 1e-12 if name == "high" else r < bound - 1e-12
                out = [m for m in typical if beyond(m[0])]
                if out:  # the typical ratio furthest beyond the bound
                    r, where = (max if name == "high" else min)(out)
                else:  # the least extreme ratio beyond it
                    r, where = next(((r, where) for r, where in extreme if beyond(r)),
                                    (None, None))
                if r is not None:
                    return False, (f"for s = {s} a ratio of {r:.4g} was measured ({where}): "
                                   f"{side} your {name} = {bound:.4g}")
            loose = "high" if not ok_high else "low"
            value = high if loose == "high" else low
            return False, (f"for s = {s} your {loose} = {value:.4g} holds in every case "
                           "measured, but it is not the tightest bound: a "
                           f"{'lower high' if loose == 'high' else 'higher low'} holds for "
                           "every W_hh of that largest singular value and every state")
        return True, (f"right for s = {', '.join(str(s) for s in cases)}: with s = 0.3 the "
                      "tanh cell's gradient must shrink to at most 0.3 per step, 0.3^k over k "
                      "steps; the shortcut keeps between 0.7 and 1.3 of it per step, and "
                      "exactly all of it when W_hh = 0")
    return run_check(hint, "shortcut_bounds", check, hint=(
        "write dL/dh_{t-1} as dh plus a second term; section 1 bounds how long that second "
        "term can be compared with dh",
        "the norm of a sum of two vectors lies between the difference and the sum of their "
        "norms; both ends are reached when tanh's slope is 1 and dh points along a singular "
        "vector of a symmetric W_hh"))


# ---------------------------------------------------------------- exercise 3

FATE_MATRICES = {
    "A": np.array([[0.5, 1.2], [0.0, 0.6]]),
    "B": np.array([[0.7, 0.4], [0.4, 0.7]]),
    "C": np.array([[0.6, -0.6], [0.1, 0.6]]),
    "D": np.array([[0.76, 0.57], [-0.57, 0.76]]),
}
FATES = ("vanishes", "grows first", "explodes")
_LONG = 200  # "the long run": the product of this many steps


def _observed_fate(W):
    """(fate, the one-step stretch and its direction, the longest after _LONG steps and its
    direction), found by multiplying out, not from the eigenvalues."""
    U, S, _ = np.linalg.svd(W)
    power = np.eye(len(W))
    for _ in range(_LONG):
        power = power @ W  # W^k, one step at a time
    U_k, S_k, _ = np.linalg.svd(power)
    one, far = (S[0], U[:, 0]), (S_k[0], U_k[:, 0])  # row vectors u: ||u W|| <= S[0] ||u||
    if far[0] > 1e3:
        return "explodes", one, far
    if far[0] < 1e-3:
        return ("grows first" if one[0] > 1 else "vanishes"), one, far
    raise ValueError("neither vanishing nor exploding within 200 steps")  # not for our matrices


def _word(value, key):
    """(one of FATES, None) or (None, what is wrong)."""
    words = "'vanishes', 'grows first' or 'explodes'"
    if value is Ellipsis:
        return None, f"fates[{key!r}] is still `...`; replace it with {words}"
    if not isinstance(value, str):
        return None, (f"fates[{key!r}] should be one of the words {words}, in quotes; got a "
                      f"value of type {type(value).__name__}")
    word = " ".join(value.strip().lower().replace("_", " ").split())
    if word not in FATES:
        return None, f"fates[{key!r}] = {value!r} is not one of {words}"
    return word, None


def _vector(u):
    u = u * np.sign(u[np.argmax(np.abs(u))])  # the sign an SVD returns is arbitrary
    return "[" + ", ".join(f"{x:.2f}" for x in u) + "]"


def _two_numbers(W):
    """(largest singular value, spectral radius) of W."""
    return float(np.linalg.norm(W, 2)), float(np.max(np.abs(np.linalg.eigvals(W))))


def _numbers_problem(numbers):
    """What is wrong with numbers = {key: (sigma_max, rho)}, or None; first matrix first."""
    if not isinstance(numbers, dict) or set(numbers) != set(FATE_MATRICES):
        return ("numbers should be a dict with the keys 'A', 'B', 'C' and 'D', a pair "
                "(largest singular value, spectral radius) for each matrix")
    for key, W in FATE_MATRICES.items():
        pair = numbers[key]
        if pair is Ellipsis or (isinstance(pair, tuple | list) and Ellipsis in pair):
            return f"numbers[{key!r}] still contains `...`; replace it with two numbers"
        if isinstance(pair, str) or not hasattr(pair, "__len__") or len(pair) != 2:
            return (f"numbers[{key!r}] should be a pair of numbers (largest singular value, "
                    "spectral radius)")
        got = []
        for k, what in enumerate(("largest singular value", "spectral radius")):
            number, problem = as_number(pair[k], f"the {what} of {key}")
            if problem:
                return problem
            got.append(number)
        (sigma, rho), (true_sigma, true_rho) = got, _two_numbers(W)
        right = [same_to_digits(x, t) for x, t in zip(got, (true_sigma, true_rho), strict=True)]
        if all(right):
            continue
        if same_to_digits(sigma, true_rho) and same_to_digits(rho, true_sigma):
            return (f"numbers[{key!r}] = ({sigma:.4g}, {rho:.4g}) holds {key}'s spectral radius "
                    "first and its largest singular value second; the pair is (largest "
                    "singular value, spectral radius)")
        if not right[0]:
            return _sigma_seen(key, W, sigma, true_sigma)
        return _rho_seen(key, W, rho, true_rho)
    return None


_CLOSE = ("is within 1% of it, but not equal to it to three significant digits, rounded: "
          "check its digits")


def _sigma_seen(key, W, sigma, true):
    """What the learner's largest singular value of W is, observed."""
    first = f"the largest singular value you give for {key}, {sigma:.4g},"
    if same_to_digits(sigma, np.abs(W).max()):
        return f"{first} is its largest entry in size"
    if same_to_digits(sigma, np.linalg.norm(W)):
        return f"{first} is its Frobenius norm, the root of the sum of all its squared entries"
    if same_to_digits(sigma, true**2):
        return f"{first} is the largest eigenvalue of W^T W"
    if _about(sigma, true):
        shown = show_pair(sigma, true)[0]
        return f"the largest singular value you give for {key}, {shown}, {_CLOSE}"
    if sigma < true:
        return (f"{first} is smaller than what one step does: the check found a gradient that "
                "one step stretches more")
    return (f"{first} is larger than what one step does: no gradient is stretched that much in "
            "one step, in any direction the check tried")


def _rho_seen(key, W, rho, true):
    """What the learner's spectral radius of W is, observed."""
    first = f"the spectral radius you give for {key}, {rho:.4g},"
    eig = np.linalg.eigvals(W)
    if np.iscomplexobj(eig) and np.any(eig.imag) and same_to_digits(rho, eig.real.max()):
        return f"{first} is the real part of its eigenvalues, which are complex"
    if _about(rho, true):
        return f"the spectral radius you give for {key}, {show_pair(rho, true)[0]}, {_CLOSE}"
    return (f"{first} is not the largest size (absolute value) of any of its eigenvalues, to "
            "three significant digits")


NUMBERS_HINTS = (
    "section 1 computes a largest singular value with np.linalg.norm(W, 2); the spectral "
    "radius of section 3 is the largest absolute value of the eigenvalues "
    "(np.linalg.eigvals)",
    "a triangular matrix has its eigenvalues on its diagonal; a complex eigenvalue's size is "
    "its modulus, np.abs, not its real part; a symmetric matrix's largest singular value is "
    "its spectral radius")
FATE_HINTS = (
    "of the two numbers, one bounds every single step, whatever the direction (section 1), "
    "and the other sets the rate in the long run (section 3)",
    "compare each number with 1: if no single step can stretch any gradient, what can many "
    "steps do? If one step can, but the long-run rate is below 1, what is left after many "
    "steps?")


def _fates_seen(fates):
    """(ok, message) for the four words, once the numbers are right."""
    if not isinstance(fates, dict) or set(fates) != set(FATE_MATRICES):
        return False, ("numbers are right; fates should be a dict with the keys 'A', 'B', "
                       "'C' and 'D', one word for each matrix")
    wrong = []
    for key, W in FATE_MATRICES.items():
        word, problem = _word(fates[key], key)
        if problem:
            return False, "numbers are right; " + problem
        fate, one, far = _observed_fate(W)
        if word != fate:
            wrong.append((key, word, fate, one, far))
    if not wrong:
        return True, ("A has eigenvalues 0.5 and 0.6, yet one step stretches some gradient "
                      "1.42-fold (its largest singular value); B's entries are all below 1, "
                      "yet its eigenvalue 1.1 makes the gradient explode; C's largest "
                      "singular value is 0.945; D is 0.95 times a rotation, so every "
                      "gradient shrinks by exactly 0.95 per step")
    key, word, fate, (stretch, u), (long_run, u_far) = wrong[0]
    count = f"numbers are right; {len(FATE_MATRICES) - len(wrong)} of 4 fates right; "
    said = f"with {key} you said {word!r}, but "
    if fate == "explodes":
        return False, (f"{count}{said}the gradient u = {_vector(u_far)} is "
                       f"{long_run:.3g} times longer after {_LONG} steps")
    if word == "explodes":
        return False, (f"{count}{said}every gradient has shrunk after {_LONG} steps: none "
                       f"keeps more than {long_run:.2g} of its length")
    if fate == "grows first":
        return False, (f"{count}{said}the gradient u = {_vector(u)} grows to "
                       f"{stretch:.3g} times its length in the first step")
    return False, (f"{count}{said}no gradient grows in any step: the most one step "
                   f"stretches any gradient is {stretch:.3g} times")


def check_fates(numbers, fates, hint=False):
    """Exercise 3: numbers = {"A": (largest singular value, spectral radius), ...} (three
    significant digits) and fates = {"A": ..., "B": ..., "C": ..., "D": ...}, each "vanishes",
    "grows first" or "explodes", for the gradient u W^k of FATE_MATRICES (linear regime)."""

    def check():
        problem = _numbers_problem(numbers)
        if problem:
            return False, problem
        ok, message = _fates_seen(fates)
        return ok, message, FATE_HINTS  # the hints of the part reached

    return run_check(hint, "fates", check, hint=NUMBERS_HINTS)


# ---------------------------------------------------------------- exercise 4

THRESHOLD_TASK = {"P": 40_000, "lr": 0.05, "longest": 0.5, "norm": 100.0}


def _clipped_step(g_norm, entries, c, lr, P):
    """The step lr * ||clip(g, c)|| of a gradient of norm g_norm spread evenly over ``entries``
    of its P entries, clipped by value at c, computed on the entries themselves."""
    g = np.zeros(P)
    g[:entries] = g_norm / math.sqrt(entries)
    return lr * float(np.linalg.norm(np.clip(g, -c, c)))


def _too_long(step, longest):
    """The step is longer than allowed by more than float64's rounding of the limits."""
    return step > longest * (1 + 1e-12)


def check_thresholds(norm_limit, value_limit, shortest_step, hint=False):
    """Exercise 4: for THRESHOLD_TASK, the largest global-norm and value-clipping thresholds
    that keep every SGD step within ``longest``, and the shortest step that value clipping at
    that limit can leave of a gradient of norm ``norm`` (three significant digits or more)."""
    P, lr, longest, norm = (THRESHOLD_TASK[k] for k in ("P", "lr", "longest", "norm"))
    true_norm = longest / lr
    true_value = true_norm / math.sqrt(P)
    true_short = lr * true_value

    def check():
        got, problem = read_numbers({"norm_limit": norm_limit, "value_limit": value_limit,
                                     "shortest_step": shortest_step}, as_number)
        if problem:
            return False, problem
        m, c, short = got
        if m <= 0:
            return False, f"norm_limit = {m:.4g}: a threshold on a norm must be positive"
        if _too_long(lr * m, longest):  # beyond the safe limit, however little
            shown_m, shown_step = show_pair(m, true_norm)[0], show_pair(lr * m, longest)[0]
            return False, (f"with norm_limit = {shown_m} a gradient of norm {shown_m} passes "
                           f"unclipped and makes a step {shown_step} long, longer than "
                           f"{longest}")
        if not same_to_digits(m, true_norm):
            if _about(m, true_norm):
                return False, _close_but("norm_limit", m, true_norm)
            return False, (f"with norm_limit = {m:.4g} no step is longer than {lr * m:.4g}: "
                           f"that keeps every step within {longest}, but so does a larger "
                           "threshold")
        before = "norm_limit is right; "
        if c <= 0:
            return False, f"{before}value_limit = {c:.4g}: a limit must be positive"
        widest = c * math.sqrt(P)  # every entry at the limit
        if _too_long(lr * widest, longest):
            shown_c = show_pair(c, true_value)[0]
            return False, (f"{before}at value_limit = {shown_c} a gradient with all {P:,} "
                           f"entries at the limit passes unchanged; its norm is "
                           f"{show_pair(widest, true_norm)[0]} and its step "
                           f"{show_pair(lr * widest, longest)[0]} long, longer than {longest}")
        if not same_to_digits(c, true_value):
            if _about(c, true_value):
                return False, before + _close_but("value_limit", c, true_value)
            return False, (f"{before}at value_limit = {c:.4g} no step is longer than "
                           f"{lr * widest:.4g}: that keeps every step within {longest}, but so "
                           "does a larger limit")
        before = "both limits are right; "
        if not same_to_digits(short, true_short):
            if _about(short, true_short):
                return False, before + _close_but("shortest_step", short, true_short)
            if short <= 0:
                return False, (f"{before}a step of {short:.4g} would need a clipped gradient "
                               "of length 0 or less, but clipping never sets a nonzero entry "
                               "to 0")
            if _about(short, longest):
                return False, (f"{before}shortest_step = {short:.4g} is the longest step value "
                               "clipping at your limit allows (and the step norm clipping "
                               f"makes of every gradient longer than {true_norm:.4g}); the "
                               "question asks how short the step can get")
            if _about(short, lr * norm):
                return False, (f"{before}shortest_step = {short:.4g} is the step of a gradient "
                               f"of norm {norm:.4g} without any clipping")
            if short > true_short:
                for entries in (1000, 100, 16, 4, 2):
                    step = _clipped_step(norm, entries, true_value, lr, P)
                    if step < short:
                        return False, (f"{before}a gradient of norm {norm:.4g} spread evenly "
                                       f"over {entries} entries makes a step of {step:.3g} "
                                       f"after clipping: shorter than your {short:.4g}")
                if _clipped_step(norm, 1, true_value, lr, P) < short:
                    return False, (f"{before}the check found a gradient of norm {norm:.4g} "
                                   f"whose step after clipping is shorter than your "
                                   f"{short:.4g}")
            return False, (f"{before}no gradient of norm {norm:.4g} gives a step as short as "
                           f"{short:.4g}: the check tried gradients whose norm sits in one "
                           f"entry, in a few, and spread over all {P:,}")
        return True, (f"norm clipping at {true_norm:.4g} turns every gradient longer than that "
                      f"into a step of exactly {longest}; value clipping at {true_value:.4g} "
                      f"is safe for every gradient, but a gradient of norm {norm:.4g} that sits "
                      f"in one entry then makes a step of {true_short:.2g}, "
                      f"{longest / true_short:.0f} times shorter: a value limit is loose for "
                      "some gradients (as 5 was in section 7) or crippling for others")
    return run_check(hint, "thresholds", check, hint=(
        "a step is the learning rate times the clipped gradient (section 7); for value "
        "clipping, think of the gradient that is longest after clipping, and for "
        "shortest_step of the gradient of norm 100 that is shortest after clipping",
        "after value clipping at c no entry is larger than c in size: the longest clipped "
        "gradient has every entry at c, and a gradient of norm 100 keeps at least one entry "
        "at c"))
