"""Checks for the exercises of notebook 01 (a scalar RNN cell).

Each check compares the learner's answer with a value computed here another way: one step
of the cell with ``math.tanh`` on plain floats, the slope of the softsign cell from its
pre-activation, and gradients by forward-mode differentiation (carrying dh_t/dw_hh forwards
through the steps) instead of backpropagation through time. A NOT YET message says what was
observed (which output, which case, by how much), never the formula or the code to write.

The keyword ``cases`` of some checks replaces the examples they try; a graded notebook's
hidden tests use it to try examples the learner has not seen.
"""

import math

from ._common import as_number, read_numbers, run_check

# Exercise 1: the numbers the notebook gives for one step of the cell.
STEP_INPUTS = {"x_t": 2.0, "h_prev": 0.4, "w_xh": 0.5, "w_hh": -0.6, "b_h": 0.1}




def _returned(value, name):
    """Like as_number, for what a learner's function returned."""
    if value is None:
        return None, "your function returned None; it should return a number"
    return as_number(value, name)


def _near(a, b, rtol=1e-6, atol=1e-9):
    return math.isclose(a, b, rel_tol=rtol, abs_tol=atol)


def check_step_by_hand(a_t, h_t, hint=False):
    """Exercise 1: a_t and h_t of one step for STEP_INPUTS (4 significant digits are enough)."""
    v = STEP_INPUTS
    a = v["w_xh"] * v["x_t"] + v["w_hh"] * v["h_prev"] + v["b_h"]
    h = math.tanh(a)
    missing = "it is what the equation gives with one of its three terms missing"
    known = [  # (a value a learner may get, what it shows: an observation, not the fix)
        (v["w_xh"] * v["x_t"] + v["w_hh"] * v["h_prev"], missing),
        (v["w_xh"] * v["x_t"] + v["b_h"], missing),
        (v["w_xh"] * v["x_t"] - v["w_hh"] * v["h_prev"] + v["b_h"],
         "it is what the equation gives with the sign of one of its three terms flipped"),
        (v["w_xh"] * v["h_prev"] + v["w_hh"] * v["x_t"] + v["b_h"],
         "it is what the equation gives with each weight multiplying the other term's input"),
    ]

    def close(x, y):
        return math.isclose(x, y, rel_tol=1e-3, abs_tol=1e-4)

    def check():
        got, problem = read_numbers({"a_t": a_t, "h_t": h_t}, as_number)
        if problem:
            return False, problem
        got_a, got_h = got
        if not close(got_a, a):
            for value, why in known:
                if close(got_a, value):
                    return False, f"a_t = {got_a:.4g} is not right: {why}"
            return False, (f"a_t = {got_a:.4g} is not what these five numbers give (h_t is "
                           "checked once a_t is right)")
        if not close(got_h, h):
            if close(got_h, a):
                return False, "a_t is right; h_t equals a_t: nothing squashed the pre-activation"
            if close(got_h, 1 / (1 + math.exp(-a))):
                return False, ("a_t is right; h_t is the logistic sigmoid of a_t, which lies in "
                               "(0, 1); the cell's squashing function is another one")
            if abs(got_h - h) < 1e-2:
                return False, (f"a_t is right, and h_t = {got_h:.4g} is close to the state it "
                               "gives (within 0.01) but not equal to it to 4 significant "
                               "digits: check how you rounded")
            return False, f"a_t is right, but h_t = {got_h:.4g} is not the state it gives"
        return True, f"a_t = {a:.4g}, h_t = {h:.4g}"
    return run_check(hint, "step_by_hand", check, hint=(
        "first the pre-activation, from the three terms of the cell's equation in section 3 "
        "(mind the signs), then squash it",
        "a_t is a weighted input plus a weighted previous state plus the bias; "
        "h_t is the cell's squashing function applied to a_t"))


# Exercise 2: the softsign cell h_t = a_t / (1 + |a_t|).
SOFTSIGN_CASES = [(0.8, 0.3), (-1.5, 0.3), (-1.5, -0.6), (0.5, 0.0), (2.0, 0.9), (1.0, -0.5),
                  (1.0, 0.5)]


def _softsign_slope(w_hh, h_t):
    """dh_t/dh_{t-1} of the softsign cell, from its pre-activation a_t (not from h_t)."""
    a = h_t / (1 - abs(h_t))  # the a_t for which a / (1 + |a|) = h_t
    return w_hh / (1 + abs(a)) ** 2


def _one_step_difference(w_hh, h_t, eps=1e-6):
    """The same slope measured: a centred difference of one softsign step in h_{t-1}."""
    a = h_t / (1 - abs(h_t))
    def step(shift):
        b = a + w_hh * shift
        return b / (1 + abs(b))
    return (step(eps) - step(-eps)) / (2 * eps)


def check_softsign_factor(softsign_factor, hint=False, cases=None):
    """Exercise 2: softsign_factor(w_hh, h_t) = dh_t/dh_{t-1} of the softsign cell."""
    cases = SOFTSIGN_CASES if cases is None else cases

    def check():
        got, wrong = {}, []
        for w, h in cases:
            value, problem = _returned(softsign_factor(w, h), f"softsign_factor({w}, {h})")
            if problem:
                return False, problem
            got[w, h] = value
            if not _near(value, _softsign_slope(w, h)):
                wrong.append((w, h))
        if not wrong:
            return True, f"right for {len(cases)} pairs (w_hh, h_t), negative h_t included"
        w, h = wrong[0]
        seen = (f"at w_hh = {w}, h_t = {h} your factor is {got[w, h]:.4g}; a centred "
                f"difference of one softsign step gives {_one_step_difference(w, h):.4g}")
        if all(_near(got[c], c[0] * (1 - c[1] ** 2)) for c in cases):
            return False, f"these are the tanh cell's factors, in every case: {seen}"
        if all(c[1] < 0 for c in wrong):
            return False, f"right for every h_t >= 0, off for h_t < 0: {seen}"
        ratios = [got[c] / _softsign_slope(*c) for c in cases if _softsign_slope(*c) != 0]
        if all(_near(r, ratios[0]) for r in ratios):
            if ratios[0] == 0:
                return False, f"your factor is 0 in every case: {seen}"
            return False, (f"your factor is {ratios[0]:.4g} times the slope of the cell "
                           f"in every case: {seen}")
        by_h = {}
        for (_w, h), value in got.items():
            by_h.setdefault(h, set()).add(round(value, 9))
        if any(len(ws) == 1 and len([c for c in cases if c[1] == h]) > 1
               for h, ws in by_h.items()):
            return False, f"your factor does not change when w_hh does: {seen}"
        right = [c for c in cases if c not in wrong]
        if right and all(c[1] == 0 for c in right):
            return False, f"right where h_t = 0 and nowhere else: {seen}"
        return False, f"right for {len(right)} of {len(cases)} pairs; {seen}"
    return run_check(hint, "softsign_factor", check, hint=(
        "as for tanh, the chain rule multiplies how h_t moves with a_t by how a_t moves "
        "with h_{t-1}; differentiate a / (1 + |a|) separately for a > 0 and for a < 0",
        "for a >= 0, h = a / (1 + a), so 1 - h = 1 / (1 + a); find the matching expression "
        "for a < 0 and compare both with the slope you found"))


# Exercise 3: a window whose gradient for w_hh vanishes whatever w_hh, w_hy, b_y and y are.
WINDOW_CELL = {"w_xh": 0.5, "b_h": 0.1}
WINDOW_CASES = [  # (w_hh, w_hy, b_y, y)
    (0.8, 1.2, -0.1, 1.0), (-1.3, 0.7, 0.4, -2.0), (0.25, -2.0, 0.0, 0.5)]


def _forward_mode(xs, p, ys=None):
    """Loss gradients (dL/dw_hh, dL/db_h) by carrying dh_t/dtheta forwards (no BPTT).

    With ``ys`` a float: L = (w_hy h_T + b_y - ys)^2. With ``ys`` a list: the loss at every
    step, L = sum_t (w_hy h_t + b_y - ys[t])^2.
    """
    h, dh_dw, dh_db = 0.0, 0.0, 0.0
    dw = db = 0.0
    for t, x in enumerate(xs):
        h_prev = h
        h = math.tanh(p["w_xh"] * x + p["w_hh"] * h_prev + p["b_h"])
        # a_t depends on w_hh directly (w_hh h_{t-1}) and through h_{t-1}; on b_h likewise
        dh_dw = (1 - h * h) * (h_prev + p["w_hh"] * dh_dw)
        dh_db = (1 - h * h) * (1 + p["w_hh"] * dh_db)
        if isinstance(ys, list):
            err = 2 * (p["w_hy"] * h + p["b_y"] - ys[t]) * p["w_hy"]
            dw, db = dw + err * dh_dw, db + err * dh_db
    if not isinstance(ys, list):
        err = 2 * (p["w_hy"] * h + p["b_y"] - ys) * p["w_hy"]
        dw, db = err * dh_dw, err * dh_db
    return dw, db


def _states(xs, p):
    h, hs = 0.0, []
    for x in xs:
        h = math.tanh(p["w_xh"] * x + p["w_hh"] * h + p["b_h"])
        hs.append(h)
    return hs


def check_zero_gradient_window(xs, hint=False, cases=None):
    """Exercise 3: five inputs for which dL/dw_hh = 0 for any w_hh, w_hy, b_y and y, while
    dL/db_h is not 0 in general (it is checked to be nonzero in every setting tried)."""
    cases = WINDOW_CASES if cases is None else cases

    def check():
        if xs is Ellipsis or xs is None:
            return False, f"the window is {xs!r}; it should be a list of 5 numbers"
        if isinstance(xs, (list, tuple)) and any(x is Ellipsis for x in xs):
            return False, "the window still contains `...`; replace each with a number"
        try:
            window = [float(x) for x in xs]
        except (TypeError, ValueError):
            return False, "the window should be a list of 5 numbers"
        if len(window) != 5:
            return False, f"the window has {len(window)} inputs; the exercise asks for T = 5"
        if not all(math.isfinite(x) for x in window):
            return False, "the window contains a number that is not finite"
        found = []
        for w_hh, w_hy, b_y, y in cases:
            p = dict(WINDOW_CELL, w_hh=w_hh, w_hy=w_hy, b_y=b_y)
            found.append((f"w_hh = {w_hh}, w_hy = {w_hy}, b_y = {b_y}, y = {y}",
                          *_forward_mode(window, p, y), _states(window, p)))
        bad = [f for f in found if abs(f[1]) > 1e-12]
        if bad:
            where, dw = bad[0][0], bad[0][1]
            if len(bad) < len(found):
                good = next(f for f in found if f not in bad)[0]
                return False, (f"dL/dw_hh is 0 with {good}, but {dw:.4g} with {where}: the "
                               "window has to make it 0 whatever w_hh, w_hy, b_y and y are")
            return False, f"dL/dw_hh = {dw:.4g} with {where} (and not 0 in the other cases)"
        flat = [f for f in found if abs(f[2]) < 1e-6]
        if flat:
            where, hs = flat[0][0], flat[0][3]
            if any(abs(h) == 1.0 for h in hs):
                return False, (f"with {where} dL/db_h is {flat[0][2]:.3g} too: a state rounds "
                               "to exactly +-1, where tanh is flat to double precision, so "
                               "every gradient vanishes there; find a window where only "
                               "dL/dw_hh does")
            return False, f"with {where} dL/db_h is {flat[0][2]:.3g} too; it should not be 0"
        return True, (f"dL/dw_hh = 0 and dL/db_h != 0 in all {len(cases)} settings of "
                      "(w_hh, w_hy, b_y, y) tried; x_5 is free because h_5 never multiplies "
                      "w_hh")
    return run_check(hint, "zero_gradient_window", check, hint=(
        "dL/dw_hh is a sum over the steps (section 6): look at the factor that multiplies "
        "each step's term",
        "each step's term carries a state as a factor; which inputs make a state exactly 0 "
        "with w_xh = 0.5 and b_h = 0.1, and which of the states appear in the sum?"))


# Exercise 4: the gradient of w_hh when the cell predicts at every step.
EVERY_STEP_P = {"w_xh": 0.9, "w_hh": -0.7, "b_h": 0.2, "w_hy": 1.3, "b_y": -0.1}
EVERY_STEP_CASES = [  # (xs, ys): T = 5, 3 and the edge T = 1 (h_0 = 0: the gradient is 0)
    ([0.5, -1.2, 0.3, 2.0, -0.7], [0.4, -0.3, 0.8, 0.1, -0.5]),
    ([1.0, 0.2, -0.5], [-1.0, 0.6, 0.2]),
    ([0.8], [0.3]),
]


def _one_error_windows(p, T=4):
    """Windows of T steps where only step k's prediction is off (k = 1..T), targets exact else."""
    xs = [0.6, -0.9, 1.1, 0.4, -0.3, 0.7][:T]
    hs = _states(xs, p)
    exact_ys = [p["w_hy"] * h + p["b_y"] for h in hs]
    return [(xs, [y - (0.5 if t == k else 0.0) for t, y in enumerate(exact_ys)])
            for k in range(T)]


def _ratio_by_length(windows):
    """{T: your value / the gradient} if that ratio is one number per window length T (over
    every window whose gradient is not 0), else None."""
    by_length = {}
    for T, got, exact in windows:
        if abs(exact) > 1e-12:
            by_length.setdefault(T, []).append(got / exact)
    if not by_length:
        return None
    ratios = {}
    for T, values in by_length.items():
        if not all(_near(r, values[0]) for r in values):
            return None
        ratios[T] = round(values[0], 9)
    return ratios


def check_every_step_grad(grad_w_hh_every_step, hint=False, cases=None, p=None):
    """Exercise 4: dL/dw_hh for L = sum_t (w_hy h_t + b_y - y_t)^2 over one window."""
    p = dict(EVERY_STEP_P if p is None else p)
    cases = EVERY_STEP_CASES if cases is None else cases

    def run(xs, ys):
        steps = f"{len(xs)} step" + ("s" if len(xs) > 1 else "")
        try:
            answer = grad_w_hh_every_step(list(xs), list(ys), dict(p))
        except Exception as err:  # name the window: T = 1 is the usual trap
            return None, (f"for a window of {steps} your code raised "
                          f"{type(err).__name__}: {err}")
        return _returned(answer, "your gradient")

    def check():
        seen, wrong = [], []  # (T, your value, the gradient) for every window tried
        for xs, ys in cases:
            got, problem = run(xs, ys)
            if problem:
                return False, problem
            seen.append((len(xs), got, _forward_mode(xs, p, list(ys))[0]))
            if not _near(got, seen[-1][2]):
                wrong.append(seen[-1])
        if not wrong:
            return True, ("right for windows of " + ", ".join(str(c[0]) for c in seen)
                          + " steps; notebook 04 backpropagates its loss at every step "
                          "the same way")
        T, got, exact = wrong[0]
        first = f"for a window of {T} steps you gave {got:.6g}, the gradient is {exact:.6g}"
        probes = []
        for k, (xs, ys) in enumerate(_one_error_windows(p), 1):
            value, problem = run(xs, ys)
            if problem:
                return False, problem
            probes.append((k, value, _forward_mode(xs, p, ys)[0]))
        off = [k for k, value, exact in probes if not _near(value, exact)]
        zero = [k for k, value, exact in probes if k in off and abs(value) < 1e-12]
        last = len(probes)
        ratios = _ratio_by_length(seen + [(last, v, e) for _, v, e in probes])
        if ratios and off and T in ratios:
            if all(_near(r, ratios[T]) for r in ratios.values()):
                ratio = ratios[T]
                if ratio == 0:
                    return False, f"your gradient is 0 in every case: {first}"
                return False, (f"your gradient is {ratio:.4g} times the right one in every "
                               f"window tried: {first}")
            others = ", ".join(f"{r:.4g} for {n} steps" for n, r in sorted(ratios.items())
                               if n != T)
            return False, (f"{first}: {ratios[T]:.4g} times it; the factor changes with the "
                           f"window length ({others})")
        if off:
            ks = ", ".join(map(str, off))
            text = (f"in a window of {last} steps where only step k's prediction is off "
                    f"(all other targets exact), your gradient is wrong for k = {ks}")
            if zero == off and last not in off:
                text += (" (it is 0 there, although the loss changes with w_hh); "
                         f"right for k = {last}")
            return False, f"{text}; {first}"
        return False, first
    return run_check(hint, "every_step_grad", check, hint=(
        "each state now reaches the loss in more than one way; for every h_t, list the parts "
        "of the loss it changes, then follow the lesson's backward loop with that in mind",
        "going back, dL/dh_t has two parts: what step t's own prediction sends to it, and "
        "what comes back from step t + 1; both must be in dL/dh_t before it goes through "
        "the slope of step t"))
