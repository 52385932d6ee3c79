"""Checks for the exercises of notebook 01 (a scalar RNN cell).

Each check compares the learner's answer with a value computed here independently: one
step of the cell with ``math.tanh`` on plain floats, exact derivatives of a known function,
and the gradient of ``w_hh`` by forward-mode differentiation (carrying dh_t/dw_hh forwards
through the steps) instead of BPTT. Common mistakes are recognised and named.
"""

import math

import numpy as np

from ._common import run_check

# Exercise 1: the numbers the notebook gives for one step of the cell.
STEP_INPUTS = {"x_t": 2.0, "h_prev": 0.4, "w_xh": 0.5, "w_hh": -0.6, "b_h": 0.1}


def _as_number(value, name):
    """(float, None) for a real number or size-1 array, else (None, what is wrong)."""
    if value is Ellipsis:
        return None, f"{name} is still `...`; replace it with a number"
    if value is None:
        return None, f"{name} is None; it should be a number"
    if isinstance(value, bool):
        return None, f"{name} should be a number, got a bool"
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None, f"{name} should be a number, got {type(value).__name__}"
    if arr.size != 1:
        return None, f"{name} should be one number, got an array of shape {arr.shape}"
    number = float(arr.reshape(()))
    if not math.isfinite(number):
        return None, f"{name} is {number}; expected a finite number"
    return number, None


def _returned(value, name):
    """Like _as_number, for what a learner's function returned."""
    if value is None:
        return None, "your function returned None; it should return a number"
    return _as_number(value, name)


def _near(a, b, rtol=1e-6, atol=1e-9):
    return math.isclose(a, b, rel_tol=rtol, abs_tol=atol)


def check_step_by_hand(a_t, h_t, hint=False):
    """Exercise 1: a_t and h_t of one step for STEP_INPUTS (4 significant digits are enough)."""
    v = STEP_INPUTS
    a = v["w_xh"] * v["x_t"] + v["w_hh"] * v["h_prev"] + v["b_h"]
    h = math.tanh(a)
    wrong_a = {
        v["w_xh"] * v["x_t"] + v["w_hh"] * v["h_prev"]: "the bias b_h is missing",
        v["w_xh"] * v["x_t"] + v["b_h"]: "the recurrent term w_hh * h_{t-1} is missing",
        v["w_xh"] * v["x_t"] - v["w_hh"] * v["h_prev"] + v["b_h"]:
            "w_hh is negative here (-0.6): w_hh * h_{t-1} = -0.24",
        v["w_xh"] * v["h_prev"] + v["w_hh"] * v["x_t"] + v["b_h"]:
            "the weights are swapped: w_xh multiplies x_t and w_hh multiplies h_{t-1}",
    }

    def close(x, y):
        return math.isclose(x, y, rel_tol=1e-3, abs_tol=1e-4)

    def check():
        got_a, problem = _as_number(a_t, "a_t")
        if problem:
            return False, problem
        got_h, problem = _as_number(h_t, "h_t")
        if problem:
            return False, problem
        if not close(got_a, a):
            for value, why in wrong_a.items():
                if close(got_a, value):
                    return False, f"a_t = {got_a:.4g} is not right: {why}"
            return False, (f"a_t = {got_a:.4g} is not right: add the three terms "
                           "w_xh * x_t, w_hh * h_{t-1} and b_h with the numbers given")
        if not close(got_h, h):
            if close(got_h, a):
                return False, "h_t equals a_t: the state is tanh of the pre-activation"
            if close(got_h, 1 / (1 + math.exp(-a))):
                return False, "that is the logistic sigmoid of a_t; the cell uses tanh"
            return False, f"a_t is right, but h_t = {got_h:.4g} is not tanh(a_t)"
        return True, f"a_t = {a:.4g}, h_t = tanh(a_t) = {h:.4g}"
    return run_check(hint, "step_by_hand", check,
                     hint="first the pre-activation a_t from the three terms of the "
                          "equation, then squash it")


def check_backward_factor(backward_factor, hint=False):
    """Exercise 2: backward_factor(w_hh, h_t) = dh_t/dh_{t-1} = w_hh * (1 - h_t**2)."""
    cases = [(0.8, 0.3), (-1.5, -0.7), (0.5, 0.0), (2.0, 0.95)]
    wrong = [
        (lambda w, h: w * (1 - h), "square h_t: tanh'(a_t) = 1 - tanh(a_t)**2 = 1 - h_t**2"),
        (lambda w, h: w * (1 - math.tanh(h) ** 2),
         "h_t is already tanh(a_t): use 1 - h_t**2, not 1 - tanh(h_t)**2"),
        (lambda w, h: 1 - h * h, "w_hh is missing: h_{t-1} enters a_t multiplied by w_hh"),
        (lambda w, h: w, "tanh's slope 1 - h_t**2 is missing"),
        (lambda w, h: w * h * (1 - h), "h (1 - h) is the slope of the sigmoid; tanh's is 1 - h**2"),
    ]

    def check():
        for w, h in cases:
            got, problem = _returned(backward_factor(w, h), f"backward_factor({w}, {h})")
            if problem:
                return False, problem
            if not _near(got, w * (1 - h * h)):
                for fn, why in wrong:
                    if _near(got, fn(w, h)):
                        return False, why
                return False, (f"backward_factor({w}, {h}) = {got:.6g}, "
                               f"expected {w * (1 - h * h):.6g}")
        return True, f"right for {len(cases)} pairs (w_hh, h_t)"
    return run_check(hint, "backward_factor", check,
                     hint="h_{t-1} enters h_t through a_t; the chain rule multiplies two "
                          "derivatives, and tanh's can be written with h_t itself")


def check_centred_difference(centred_difference, hint=False):
    """Exercise 3: centred_difference(f, w, eps) ~ f'(w) for a function f of one float."""
    def f(w):
        return math.exp(w) * math.sin(3 * w)

    w, eps = 0.7, 1e-5
    exact = math.exp(w) * (math.sin(3 * w) + 3 * math.cos(3 * w))
    one_sided = (f(w + eps) - f(w)) / eps, (f(w) - f(w - eps)) / eps

    def check():
        got, problem = _returned(centred_difference(f, w, eps), "your estimate")
        if problem:
            return False, problem
        if _near(got, exact, rtol=1e-8, atol=1e-8):
            return True, f"f'(0.7) ~ {got:.6g}, exact {exact:.6g}"
        if any(_near(got, v, rtol=1e-9) for v in one_sided):
            return False, ("that is a one-sided difference (error ~ eps); the centred one, "
                           "(f(w + eps) - f(w - eps)) / (2 eps), has error ~ eps**2")
        if _near(got, 2 * exact, rtol=1e-6):
            return False, "twice the derivative: w + eps and w - eps are 2 eps apart"
        return False, f"estimate {got:.8g}, but f'(0.7) = {exact:.8g}"
    return run_check(hint, "centred_difference", check,
                     hint="evaluate f on both sides of w, at w + eps and at w - eps, and divide "
                          "the difference by the distance between those two points")


def _forward_mode_grad_w_hh(xs, y, p):
    """dL/dw_hh for L = (y_hat - y)^2, by carrying dh_t/dw_hh forwards (no BPTT)."""
    h, dh_dw = 0.0, 0.0
    for x in xs:
        h_prev = h
        h = math.tanh(p["w_xh"] * x + p["w_hh"] * h_prev + p["b_h"])
        # a_t depends on w_hh directly (w_hh h_{t-1}) and through h_{t-1}
        dh_dw = (1 - h * h) * (h_prev + p["w_hh"] * dh_dw)
    y_hat = p["w_hy"] * h + p["b_y"]
    return 2 * (y_hat - y) * p["w_hy"] * dh_dw


def _buggy_bptt(xs, y, p, carry_da=True, use_prev=True, only_last=False):
    """Reverse-mode dL/dw_hh with one of the usual mistakes switched on (for diagnosis)."""
    hs = [0.0]
    for x in xs:
        hs.append(math.tanh(p["w_xh"] * x + p["w_hh"] * hs[-1] + p["b_h"]))
    dh = 2 * (p["w_hy"] * hs[-1] + p["b_y"] - y) * p["w_hy"]
    grad = 0.0
    for t in range(len(xs), 0, -1):
        da = dh * (1 - hs[t] ** 2)
        grad += da * (hs[t - 1] if use_prev else hs[t])
        if only_last:
            break
        dh = (da if carry_da else dh) * p["w_hh"]
    return grad


def check_grad_w_hh(grad_w_hh, hint=False):
    """Exercise 4: grad_w_hh(xs, y, p) = dL/dw_hh for one window, L = (y_hat - y)**2."""
    p = {"w_xh": 0.9, "w_hh": -0.7, "b_h": 0.2, "w_hy": 1.3, "b_y": -0.1}
    # T = 5, 3 and the edge T = 1 (there h_0 = 0, so the exact gradient is 0)
    windows = [([0.5, -1.2, 0.3, 2.0, -0.7], 0.4), ([1.0, 0.2, -0.5], -1.0), ([0.8], 0.3)]
    mistakes = [
        ({"only_last": True}, "only the last step is counted: w_hh is used at every step, "
                              "so add dL/da_t * h_{t-1} over all steps, carrying dL/dh back"),
        ({"carry_da": False}, "the gradient carried to h_{t-1} must pass through tanh: "
                              "dL/dh_{t-1} = dL/dh_t * (1 - h_t**2) * w_hh"),
        ({"use_prev": False}, "w_hh multiplies h_{t-1} in a_t, so step t adds "
                              "dL/da_t * h_{t-1}, not dL/da_t * h_t"),
    ]

    def check():
        for xs, y in windows:
            exact = _forward_mode_grad_w_hh(xs, y, p)
            steps = f"{len(xs)} step" + ("s" if len(xs) > 1 else "")
            try:
                answer = grad_w_hh(list(xs), y, dict(p))
            except Exception as err:  # name the window: T = 1 is the usual trap
                return False, (f"for a window of {steps} your code raised "
                               f"{type(err).__name__}: {err}")
            got, problem = _returned(answer, "your gradient")
            if problem:
                return False, problem
            if _near(got, exact):
                continue
            for flags, why in mistakes:
                if _near(got, _buggy_bptt(xs, y, p, **flags)):
                    return False, why
            if _near(got, -exact):
                return False, "the sign is flipped: dL/dy_hat = 2 (y_hat - y)"
            if _near(got, exact / 2):
                return False, ("half the gradient: L = (y_hat - y)**2 gives "
                               "dL/dy_hat = 2 (y_hat - y)")
            return False, (f"for a window of {steps} you gave {got:.6g}, "
                           f"expected {exact:.6g}")
        return True, "right for windows of 5, 3 and 1 steps"
    return run_check(hint, "grad_w_hh", check,
                     hint="keep every h_t on the way forward; on the way back, each step "
                          "passes the gradient through tanh's slope, adds its own "
                          "contribution to dw_hh, and hands the rest to the step before")
