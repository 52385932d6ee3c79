"""Each nb01 exercise check passes right answers, however written, and fails wrong ones with a
message that says what it observed, never the answer."""

import math

import numpy as np
import pytest
from exercise_helpers import (
    assert_gives_no_answer,
    assert_second_hint_goes_further,
    hint_only_on_request,
    stub,
)

from rnnlib import numerical_gradient
from rnnlib.exercises import nb01

# ---------------------------------------------------------------- references, written here


def softsign_factor(w_hh, h_t):
    return w_hh * (1 - abs(h_t)) ** 2


def softsign_factor_via_a(w_hh, h_t):  # another right way: recover a_t first
    a = h_t / (1 - abs(h_t))
    return w_hh / (1 + abs(a)) ** 2


def softsign_factor_by_cases(w_hh, h_t):  # and a third: one branch per sign
    return w_hh * ((1 - h_t) ** 2 if h_t >= 0 else (1 + h_t) ** 2)


def every_step_grad(xs, ys, p, own_error=True, carry=True, before_slope=True, last_only=False):
    """Reverse-mode BPTT for the loss at every step; the flags switch on the usual mistakes."""
    hs = [0.0]
    for x in xs:
        hs.append(math.tanh(p["w_xh"] * x + p["w_hh"] * hs[-1] + p["b_h"]))
    T, grad, dh = len(xs), 0.0, 0.0
    for t in range(T, 0, -1):
        err = 2 * (p["w_hy"] * hs[t] + p["b_y"] - ys[t - 1]) * p["w_hy"]
        if last_only and t < T:
            err = 0.0
        if before_slope:
            dh = (dh + err) if own_error else (err if t == T else dh)
            da = dh * (1 - hs[t] ** 2)
        else:  # the own error skips tanh's slope
            da = dh * (1 - hs[t] ** 2) + err
        grad += da * hs[t - 1]
        dh = da * p["w_hh"] if carry else 0.0
    return grad


def every_step_loss(xs, ys, p):
    h, loss = 0.0, 0.0
    for x, y in zip(xs, ys, strict=True):
        h = math.tanh(p["w_xh"] * x + p["w_hh"] * h + p["b_h"])
        loss += (p["w_hy"] * h + p["b_y"] - y) ** 2
    return loss


def window_grads(xs, y, p):
    """(dL/dw_hh, dL/db_h) of the sequence-to-one loss, by finite differences."""
    out = []
    for name in ("w_hh", "b_h"):
        w = np.array(p[name])

        def loss(w=w, name=name):
            h = 0.0
            q = {**p, name: float(w)}
            for x in xs:
                h = math.tanh(q["w_xh"] * x + q["w_hh"] * h + q["b_h"])
            return (q["w_hy"] * h + q["b_y"] - y) ** 2
        out.append(float(numerical_gradient(loss, w)))
    return out


P = {"w_xh": 0.9, "w_hh": -0.7, "b_h": 0.2, "w_hy": 1.3, "b_y": -0.1}


def test_references_match_finite_differences():
    """The right answers used below are checked against rnnlib.numerical_gradient."""
    xs, ys = [0.5, -1.2, 0.3, 2.0, -0.7], [0.4, -0.3, 0.8, 0.1, -0.5]
    w = np.array(P["w_hh"])
    num = numerical_gradient(lambda: every_step_loss(xs, ys, {**P, "w_hh": float(w)}), w)
    assert abs(every_step_grad(xs, ys, P) - float(num)) < 1e-8
    for w_hh, h_t in [(0.8, 0.3), (-1.5, -0.6), (2.0, 0.9)]:
        a, eps = h_t / (1 - abs(h_t)), 1e-6
        step = [(a + w_hh * s) / (1 + abs(a + w_hh * s)) for s in (eps, -eps)]
        assert abs(softsign_factor(w_hh, h_t) - (step[0] - step[1]) / (2 * eps)) < 1e-8
    p = {"w_xh": 0.5, "b_h": 0.1, "w_hh": 0.8, "w_hy": 1.2, "b_y": -0.1}
    dw, db = window_grads([-0.2, -0.2, -0.2, -0.2, 1.5], 1.0, p)
    assert abs(dw) < 1e-9 and abs(db) > 1e-3


# ---------------------------------------------------------------- right answers pass


def test_right_answers_pass_however_written():
    a = 0.5 * 2.0 - 0.6 * 0.4 + 0.1  # = 0.86, worked out from STEP_INPUTS by hand
    results = [nb01.check_step_by_hand(0.86, 0.6963),  # rounded to 4 digits is enough
               nb01.check_step_by_hand(np.float64(a), np.tanh(a)),
               nb01.check_softsign_factor(softsign_factor),
               nb01.check_softsign_factor(softsign_factor_via_a),
               nb01.check_softsign_factor(softsign_factor_by_cases),
               nb01.check_softsign_factor(lambda w, h: np.float64(softsign_factor(w, h))),
               nb01.check_zero_gradient_window([-0.2, -0.2, -0.2, -0.2, 1.5]),
               nb01.check_zero_gradient_window((-0.1 / 0.5,) * 4 + (-3.0,)),  # x_5 is free
               nb01.check_zero_gradient_window(np.full(5, -0.2)),
               nb01.check_every_step_grad(every_step_grad),
               nb01.check_every_step_grad(lambda xs, ys, p: np.float64(every_step_grad(
                   xs, ys, p)))]
    for result in results:
        assert result, repr(result)
        assert repr(result).startswith("PASS")
        assert result.assert_pass() is None


def test_hidden_cases_are_checked_too():
    assert nb01.check_softsign_factor(softsign_factor, cases=[(0.3, -0.85), (1.7, 0.6)])
    assert nb01.check_zero_gradient_window([-0.2] * 5, cases=[(2.5, -0.6, 1.5, 0.0)])
    other = {"w_xh": -0.6, "w_hh": 1.1, "b_h": -0.3, "w_hy": 0.8, "b_y": 0.25}
    xs, ys = [0.2, 1.4, -0.6, 0.9, -1.1, 0.3, 0.7], [0.1, 0.9, -0.4, 0.5, -0.8, 0.2, 0.6]
    assert nb01.check_every_step_grad(every_step_grad, cases=[(xs, ys)], p=other)

    def fitted(w_hh, h_t):  # right on the visible cases only
        return softsign_factor(w_hh, h_t) if (w_hh, h_t) in nb01.SOFTSIGN_CASES else 0.3

    assert nb01.check_softsign_factor(fitted)
    assert not nb01.check_softsign_factor(fitted, cases=[(0.3, -0.85), (1.7, 0.6)])


# ---------------------------------------------------------------- stubs and hints


def test_stubs_fail_with_a_message_and_hints_only_on_request():
    r = nb01.check_step_by_hand(..., ...)
    assert not r and "replace it with a number" in r.message
    assert hint_only_on_request(nb01.check_step_by_hand, ..., ...)
    for check in (nb01.check_softsign_factor, nb01.check_every_step_grad):
        r = check(stub)
        assert not r and repr(r).startswith("NOT YET")
        assert "returned None" in r.message and hint_only_on_request(check, stub)
    r = nb01.check_zero_gradient_window([..., ..., ..., ..., ...])
    assert not r and "still contains `...`" in r.message
    assert hint_only_on_request(nb01.check_zero_gradient_window, [...] * 5)
    with pytest.raises(AssertionError, match="NOT YET softsign_factor: your function returned"):
        nb01.check_softsign_factor(stub).assert_pass()


def test_a_second_hint_goes_further_and_only_when_asked():
    for check, answer in [(nb01.check_step_by_hand, (1.0, 0.5)),
                          (nb01.check_softsign_factor, (stub,)),
                          (nb01.check_zero_gradient_window, ([0.0] * 5,)),
                          (nb01.check_every_step_grad, (stub,))]:
        assert_second_hint_goes_further(check, *answer)


# ---------------------------------------------------------------- wrong answers, diagnosed


def test_step_by_hand_names_the_mistake():
    def msg(a, h):
        return nb01.check_step_by_hand(a, h).message

    # What the wrong a_t matches, observed; which term or sign to change is left to the learner.
    assert "one of its three terms missing" in msg(0.76, math.tanh(0.76))  # no bias
    assert "one of its three terms missing" in msg(1.1, math.tanh(1.1))  # no w_hh h_{t-1}
    assert "sign of one of its three terms flipped" in msg(1.34, math.tanh(1.34))
    assert "each weight multiplying the other term's input" in msg(-0.9, math.tanh(-0.9))
    assert "nothing squashed" in msg(0.86, 0.86)
    assert "sigmoid" in msg(0.86, 1 / (1 + math.exp(-0.86)))
    assert "is not the state it gives" in msg(0.86, 0.5)
    for near in (0.69, 0.70, 0.6890, math.tanh(0.86) + 0.009):  # rounded too early or too far
        assert "close to the state it gives" in msg(0.86, near), near
        assert "check how you rounded" in msg(0.86, near)
    assert "close" not in msg(0.86, 0.68)  # 0.016 off: no longer a rounding matter
    assert "should be one number" in msg([0.86, 0.86], 0.5)
    assert "not what these five numbers give" in msg(2.0, math.tanh(2.0))


def test_softsign_factor_says_what_it_observed():
    def msg(fn):
        r = nb01.check_softsign_factor(fn)
        assert not r
        return r.message

    assert "tanh cell's factors" in msg(lambda w, h: w * (1 - h * h))
    assert "right for every h_t >= 0, off for h_t < 0" in msg(lambda w, h: w * (1 - h) ** 2)
    assert "does not change when w_hh does" in msg(lambda w, h: (1 - abs(h)) ** 2)
    assert "2 times the slope" in msg(lambda w, h: 2 * softsign_factor(w, h))
    assert "0 in every case" in msg(lambda w, h: 0.0)
    at_h = msg(lambda w, h: w / (1 + abs(h)) ** 2)  # the slope taken at h instead of a
    assert "right where h_t = 0 and nowhere else" in at_h
    assert "a centred difference of one softsign step gives 0.392" in at_h
    other = msg(lambda w, h: softsign_factor(w, h) if h > 0 else 0.0)
    assert "right for 4 of 7 pairs" in other
    assert "raised TypeError" in msg(lambda w: w)


def test_zero_gradient_window_says_what_it_observed():
    def msg(xs):
        r = nb01.check_zero_gradient_window(xs)
        assert not r
        return r.message

    assert "has 4 inputs" in msg([-0.2] * 4)
    assert "not 0 in the other cases" in msg([0.0] * 5)
    assert "should be a list of 5 numbers" in msg("abcde")
    assert "not finite" in msg([-0.2] * 4 + [float("nan")])
    saturated = msg([-0.2] * 4 + [100.0])  # h_5 rounds to 1: every gradient is 0
    assert "dL/db_h is 0" in saturated and "rounds to exactly +-1" in saturated

    # A window fitted to one setting of (w_hh, w_hy, b_y, y) only: a root of dL/dw_hh in x_5.
    p = {"w_xh": 0.5, "b_h": 0.1, "w_hh": 0.8, "w_hy": 1.2, "b_y": -0.1}
    lo, hi = -3.0, 3.0
    f = lambda x5: window_grads([0.3, 0.3, 0.3, 0.3, x5], 1.0, p)[0]  # noqa: E731
    assert f(lo) * f(hi) < 0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if f(lo) * f(mid) > 0 else (lo, mid)
    fitted = msg([0.3, 0.3, 0.3, 0.3, lo])
    assert "whatever w_hh, w_hy, b_y and y are" in fitted or "not 0" in fitted


def test_every_step_grad_says_what_it_observed():
    def msg(**mistake):
        r = nb01.check_every_step_grad(lambda xs, ys, p: every_step_grad(xs, ys, p, **mistake))
        assert not r
        return r.message

    last = msg(last_only=True)  # the lesson's sequence-to-one gradient
    assert "only step k's prediction is off" in last and "it is 0 there" in last
    assert "right for k = 4" in last
    assert "wrong for k =" in msg(carry=False)
    assert "wrong for k =" in msg(before_slope=False)
    assert "wrong for k =" in msg(own_error=False)
    r = nb01.check_every_step_grad(lambda xs, ys, p: 2 * every_step_grad(xs, ys, p))
    assert "2 times the right one in every window tried" in r.message

    # The mean over the steps instead of the sum: the factor is 1/T, so the message gives it
    # for the same window as the numbers it prints, and says that it changes with T.
    r = nb01.check_every_step_grad(lambda xs, ys, p: every_step_grad(xs, ys, p) / len(xs))
    assert not r
    T, xs, ys = 5, *nb01.EVERY_STEP_CASES[0]
    right = every_step_grad(xs, ys, nb01.EVERY_STEP_P)
    assert r.message.startswith(f"for a window of {T} steps you gave {right / T:.6g}, "
                                f"the gradient is {right:.6g}: 0.2 times it;"), r.message
    assert "changes with the window length (0.3333 for 3 steps, 0.25 for 4 steps)" in r.message
    assert "0.25 times" not in r.message
    r = nb01.check_every_step_grad(lambda xs, ys, p: -every_step_grad(xs, ys, p))
    assert "-1 times the right one" in r.message

    def needs_two_steps(xs, ys, p):  # reads the step before the last, as if T >= 2
        assert len(xs) >= 2, "list index out of range"
        return every_step_grad(xs, ys, p)

    r = nb01.check_every_step_grad(needs_two_steps)
    assert not r and "window of 1 step your code raised" in r.message


def test_a_pass_says_why_it_works_in_one_line():
    r = repr(nb01.check_zero_gradient_window([-0.2, -0.2, -0.2, -0.2, 1.5]))
    assert r.startswith("PASS") and "x_5 is free because h_5 never multiplies w_hh" in r
    r = repr(nb01.check_every_step_grad(every_step_grad))
    assert r.startswith("PASS") and "notebook 04" in r
    for result in (nb01.check_zero_gradient_window([-0.2] * 5),
                   nb01.check_every_step_grad(every_step_grad)):
        assert "\n" not in repr(result) and len(repr(result)) < 160


# ---------------------------------------------------------------- no answer in any message


def wrong_answers():
    """(check, answer) pairs covering every kind of wrong answer the checks recognise."""
    yield nb01.check_step_by_hand, (..., ...)
    for a, h in [(0.76, 0.64), (1.1, 0.8), (1.34, 0.87), (-0.9, -0.7), (2.0, 0.96),
                 (0.86, 0.86), (0.86, 0.7027), (0.86, 0.5), (0.86, 0.69), (0.86, 0.70)]:
        yield nb01.check_step_by_hand, (a, h)
    for fn in [stub, lambda w, h: w * (1 - h * h), lambda w, h: w * (1 - h) ** 2,
               lambda w, h: (1 - abs(h)) ** 2, lambda w, h: 2 * softsign_factor(w, h),
               lambda w, h: w / (1 + abs(h)) ** 2, lambda w, h: 0.0]:
        yield nb01.check_softsign_factor, (fn,)
    for xs in [[...] * 5, [0.0] * 5, [-0.2] * 4, [-0.2] * 4 + [100.0], [0.3] * 5]:
        yield nb01.check_zero_gradient_window, (xs,)
    for mistake in [{"last_only": True}, {"carry": False}, {"before_slope": False},
                    {"own_error": False}]:
        yield nb01.check_every_step_grad, (
            lambda xs, ys, p, m=mistake: every_step_grad(xs, ys, p, **m),)
    for scale in (lambda T: 1 / T, lambda T: 2.0, lambda T: 0.0):  # mean instead of sum, ...
        yield nb01.check_every_step_grad, (
            lambda xs, ys, p, f=scale: f(len(xs)) * every_step_grad(xs, ys, p),)
    yield nb01.check_every_step_grad, (stub,)


# What would give an answer away: its numbers, its formula, its code.
ANSWERS = {
    "check_step_by_hand": ["0.86", "0.696", "0.697", "= 1.0 - 0.24", "tanh(0.86)"],
    "check_softsign_factor": ["(1 - |h", "(1-|h", "1 - abs(", "abs(h", "(1 - h_t)", "**",
                              "^2", "squared", "1 / (1 + |a|)", "(1 + |a|)**", "(1 + |a|)^"],
    "check_zero_gradient_window": ["-0.2", "−0.2", "-b_h / w_xh", "-b_h/w_xh", "-0.1 / 0.5",
                                   "x_5", "last input", "first four"],
    "check_every_step_grad": ["+=", "dh =", "da =", "2 * (", "2(y", "* p[", "w_hy *",
                              "(1 - h", "mean", "/ T", "1/T", "divide", "instead of"],
}
CODE = ["np.", "def ", "return w", "return g", "lambda", "math.", "for t in"]
# A NOT YET message says what it observed; naming the term or sign to change is left to the
# hints (which may point that far, and only when asked).
FIXES = {"check_step_by_hand": ["bias", "b_h", "+0.6", "-0.6", "swap", "h_{t-1}"]}


@pytest.mark.parametrize("check, answer", list(wrong_answers()),
                         ids=lambda v: getattr(v, "__name__", None))
def test_messages_and_hints_give_no_answer(check, answer):
    assert_gives_no_answer(check, answer, ANSWERS[check.__name__] + CODE,
                           FIXES.get(check.__name__, ()))
