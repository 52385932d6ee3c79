"""Each nb01 exercise check passes a right answer and fails wrong ones with a useful message."""

import math

import numpy as np
from exercise_helpers import hint_only_on_request, stub

from rnnlib import numerical_gradient
from rnnlib.exercises import nb01


def backward_factor(w_hh, h_t):
    return w_hh * (1 - h_t**2)


def centred_difference(f, w, eps=1e-5):
    return (f(w + eps) - f(w - eps)) / (2 * eps)


def grad_w_hh(xs, y, p, carry_da=True, use_prev=True, only_last=False):
    """Reverse-mode BPTT for one window; the flags switch on the usual mistakes."""
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


def loss_of_window(xs, y, p):
    h = 0.0
    for x in xs:
        h = math.tanh(p["w_xh"] * x + p["w_hh"] * h + p["b_h"])
    return (p["w_hy"] * h + p["b_y"] - y) ** 2


def test_reference_gradient_matches_finite_differences():
    """The right answer used below is itself checked against rnnlib.numerical_gradient."""
    p = {"w_xh": 0.9, "w_hh": -0.7, "b_h": 0.2, "w_hy": 1.3, "b_y": -0.1}
    xs, y = [0.5, -1.2, 0.3, 2.0, -0.7], 0.4
    w = np.array(p["w_hh"])
    num = numerical_gradient(lambda: loss_of_window(xs, y, {**p, "w_hh": float(w)}), w)
    assert abs(grad_w_hh(xs, y, p) - float(num)) < 1e-8


def test_right_answers_pass():
    a = 0.5 * 2.0 - 0.6 * 0.4 + 0.1  # = 0.86, worked out from STEP_INPUTS by hand
    for result in (nb01.check_step_by_hand(0.86, 0.6963),  # rounded to 4 digits is enough
                   nb01.check_step_by_hand(np.float64(a), np.tanh(a)),
                   nb01.check_backward_factor(backward_factor),
                   nb01.check_centred_difference(centred_difference),
                   nb01.check_grad_w_hh(grad_w_hh)):
        assert result, repr(result)
        assert repr(result).startswith("PASS")


def test_stubs_fail_with_a_message():
    r = nb01.check_step_by_hand(..., ...)
    assert not r and "replace it with a number" in r.message
    assert hint_only_on_request(nb01.check_step_by_hand, ..., ...)
    for check in (nb01.check_backward_factor, nb01.check_centred_difference,
                  nb01.check_grad_w_hh):
        r = check(stub)
        assert not r and repr(r).startswith("NOT YET")
        assert "returned None" in r.message and hint_only_on_request(check, stub)


def test_wrong_answers_are_explained():
    a = 0.86
    assert "bias" in nb01.check_step_by_hand(0.76, math.tanh(0.76)).message
    assert "recurrent term" in nb01.check_step_by_hand(1.1, math.tanh(1.1)).message
    assert "swapped" in nb01.check_step_by_hand(-0.9, math.tanh(-0.9)).message
    assert "equals a_t" in nb01.check_step_by_hand(a, a).message
    assert "sigmoid" in nb01.check_step_by_hand(a, 1 / (1 + math.exp(-a))).message
    assert "should be one number" in nb01.check_step_by_hand([a, a], 0.5).message
    other = nb01.check_step_by_hand(2.0, math.tanh(2.0))  # matches no known mistake
    assert not other and "add the three terms" in other.message and "0.86" not in other.message

    assert "square h_t" in nb01.check_backward_factor(lambda w, h: w * (1 - h)).message
    assert "already tanh" in nb01.check_backward_factor(
        lambda w, h: w * (1 - math.tanh(h) ** 2)).message
    assert "w_hh is missing" in nb01.check_backward_factor(lambda w, h: 1 - h * h).message
    assert "raised" in nb01.check_backward_factor(lambda w: w).message

    forward = nb01.check_centred_difference(lambda f, w, eps: (f(w + eps) - f(w)) / eps)
    assert not forward and "one-sided" in forward.message
    twice = nb01.check_centred_difference(lambda f, w, eps: (f(w + eps) - f(w - eps)) / eps)
    assert not twice and "2 eps apart" in twice.message

    def only_last(xs, y, p):
        return grad_w_hh(xs, y, p, only_last=True)

    def carry_dh(xs, y, p):
        return grad_w_hh(xs, y, p, carry_da=False)

    def uses_h_t(xs, y, p):
        return grad_w_hh(xs, y, p, use_prev=False)

    assert "only the last step" in nb01.check_grad_w_hh(only_last).message
    assert "pass through tanh" in nb01.check_grad_w_hh(carry_dh).message
    assert "not dL/da_t * h_t" in nb01.check_grad_w_hh(uses_h_t).message
    assert "sign" in nb01.check_grad_w_hh(lambda xs, y, p: -grad_w_hh(xs, y, p)).message
    assert "half" in nb01.check_grad_w_hh(lambda xs, y, p: grad_w_hh(xs, y, p) / 2).message

    def fixed_length(xs, y, p):  # assumes five steps
        return grad_w_hh(xs[:5] + [0.0] * (5 - len(xs)), y, p)

    r = nb01.check_grad_w_hh(fixed_length)
    assert not r and "3 steps" in r.message


def test_grad_w_hh_check_covers_a_window_of_one_step():
    def needs_two_steps(xs, y, p):  # reads the day before the last, as if T >= 2
        assert len(xs) >= 2, "list index out of range"
        return grad_w_hh(xs, y, p)

    r = nb01.check_grad_w_hh(needs_two_steps)
    assert not r and "window of 1 step your code raised" in r.message

    def nonzero_at_one_step(xs, y, p):  # right for T >= 2, but adds a term when T = 1
        return grad_w_hh(xs, y, p) + (0.1 if len(xs) == 1 else 0.0)

    r = nb01.check_grad_w_hh(nonzero_at_one_step)
    assert not r and "window of 1 step you gave" in r.message
    assert "1 steps" in repr(nb01.check_grad_w_hh(grad_w_hh))
