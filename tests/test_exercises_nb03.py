"""Each nb03 exercise check passes right answers, however written, and fails wrong ones with a
message that says what it observed, never the answer."""

import math

import numpy as np
import pytest
from exercise_helpers import assert_second_hint_goes_further, hint_only_on_request, stub

import rnnlib
from rnnlib import check_gradients, numerical_gradient, rnn_backward, rnn_forward
from rnnlib.exercises import nb03

# ---------------------------------------------------------------- references, written here


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def squared_error_grad(z, y):
    p = sigmoid(z)
    return 2 * (p - y) * p * (1 - p) / len(z)


def squared_error_grad_loop(z, y):  # another right way: one example at a time, plain floats
    out = np.zeros_like(z)
    for n in range(len(z)):
        p = 1 / (1 + math.exp(-float(z[n, 0])))
        out[n, 0] = 2 * (p - float(y[n, 0])) * p * (1 - p) / len(z)
    return out


def squared_error_grad_lib(z, y):  # and with the library's sigmoid and p - p^2
    p = rnnlib.sigmoid(z)
    return (p - y) * 2 * (p - p**2) / z.shape[0]


RATIO = 1 + math.cosh(6.0)  # (1 + e^6)(1 + e^-6) / 2, worked out by hand


def leaky_backward(dh, cache, carry=True, leak=True, alpha_in_da=True, slope_of_g=True):
    """Reverse-mode BPTT of the leaky RNN; the flags switch on the usual mistakes."""
    x, h0, h, g, W_xh, W_hh, alpha = cache
    dx, dW_xh, dW_hh = np.zeros_like(x), np.zeros_like(W_xh), np.zeros_like(W_hh)
    db_h, dh_next = np.zeros(W_hh.shape[0]), np.zeros_like(h0)
    for t in reversed(range(x.shape[1])):
        h_prev = h[:, t - 1] if t > 0 else h0
        delta = dh[:, t] + (dh_next if carry else 0)
        s = g[:, t] if slope_of_g else h[:, t]
        da = (alpha if alpha_in_da else 1.0) * delta * (1 - s**2)
        dx[:, t] = da @ W_xh
        dW_xh += da.T @ x[:, t]
        dW_hh += da.T @ h_prev
        db_h += da.sum(axis=0)
        dh_next = da @ W_hh + ((1 - alpha) * delta if leak else 0)
    return dx, dh_next, dW_xh, dW_hh, db_h


def leaky_backward_einsum(dh, cache):  # another right way: a list out, einsum, other names
    inputs, state0, states, squashed, Wx, Wh, a = cache
    grads = [np.zeros_like(inputs), None, np.zeros_like(Wx), np.zeros_like(Wh),
             np.zeros(Wh.shape[0])]
    back = np.zeros_like(state0)
    for t in range(inputs.shape[1] - 1, -1, -1):
        total = dh[:, t] + back
        pre = a * total * (1 - squashed[:, t] * squashed[:, t])
        previous = states[:, t - 1] if t else state0
        grads[0][:, t] = np.einsum("nh,hd->nd", pre, Wx)
        grads[2] += np.einsum("nh,nd->hd", pre, inputs[:, t])
        grads[3] += np.einsum("nh,nk->hk", pre, previous)
        grads[4] += pre.sum(0)
        back = (1 - a) * total
        back += pre @ Wh
    grads[1] = back
    return grads


def leaky_backward_recomputed(dh, cache):  # and one that recomputes tanh(a_t) from the weights
    x, h0, h, _, W_xh, W_hh, alpha = cache
    T, b_h = x.shape[1], np.zeros(W_hh.shape[0])  # the bias is not in the cache: read it off
    h_prev = [h0] + [h[:, t] for t in range(T - 1)]
    g = [(h[:, t] - (1 - alpha) * h_prev[t]) / alpha for t in range(T)]
    out = [np.zeros_like(x), None, np.zeros_like(W_xh), np.zeros_like(W_hh), b_h]
    carry = np.zeros_like(h0)
    for t in reversed(range(T)):
        delta = dh[:, t] + carry
        da = alpha * delta * (1 - g[t] ** 2)
        out[0][:, t] = da @ W_xh
        out[2], out[3] = out[2] + da.T @ x[:, t], out[3] + da.T @ h_prev[t]
        out[4] = out[4] + da.sum(axis=0)
        carry = da @ W_hh + (1 - alpha) * delta
    out[1] = carry
    return tuple(out)


def predicted_errors(w, eps):
    t = math.tanh(w)
    return eps**2 * abs(2 * (1 - t * t) * (1 - 3 * t * t)) / 6, eps * abs(2 * t * (1 - t * t)) / 2


def predicted_errors_sech(w, eps):  # another right way: with sech and numpy
    sech2 = 1 / np.cosh(w) ** 2
    t = np.tanh(w)
    return abs(eps**2 / 6 * (-2 * sech2 * (1 - 3 * t**2))), np.abs(eps / 2 * (-2 * t * sech2))


def predicted_errors_signed(w, eps):  # the signed terms: not sizes
    sech2 = 1 / np.cosh(w) ** 2
    t = np.tanh(w)
    return eps**2 / 6 * (-2 * sech2 * (1 - 3 * t**2)), eps / 2 * (-2 * t * sech2)


def two_term_one_sided(w, eps):  # the one-sided error with the next term of the expansion too
    t = math.tanh(w)
    f2, f3 = -2 * t * (1 - t * t), -2 * (1 - t * t) * (1 - 3 * t * t)
    return predicted_errors(w, eps)[0], abs(eps * f2 / 2 + eps**2 * f3 / 6)


def measured_errors(w, eps):
    exact = 1 - np.tanh(w) ** 2
    centred = (np.tanh(w + eps) - np.tanh(w - eps)) / (2 * eps)
    return abs(centred - exact), abs((np.tanh(w + eps) - np.tanh(w)) / eps - exact)


MEASURED = measured_errors(0.5, 1e-3)  # what exercise 3 asks the learner to measure


def suspect_errors(T, seed, params=None, n=6):
    """check_gradients of nb03.suspect_loss on n sum-sign sequences of T steps."""
    params = rnnlib.init_rnn_params(1, 8, 1, rng=1) if params is None else params
    x = np.random.default_rng(seed).normal(size=(n, T, 1))
    y = (x.sum(axis=1) > 0).astype(float)
    return check_gradients(lambda: nb03.suspect_loss(params, x, y), params)


TABLES = {T: suspect_errors(T, seed=T) for T in (1, 2, 3, 4)}  # the learner's way, as solved


def table(name, upto):
    """The learner's evidence for ``name``: its relative error on 1 to ``upto`` steps."""
    return {T: TABLES[T][name] for T in range(1, upto + 1)}


def test_references_match_finite_differences():
    """The right answers used below agree with rnnlib.numerical_gradient, written here anew."""
    rng = np.random.default_rng(5)
    z, y = rng.normal(size=(4, 1)) * 3, rng.integers(0, 2, size=(4, 1)).astype(float)
    num = numerical_gradient(lambda: float(np.mean((sigmoid(z) - y) ** 2)), z)
    assert np.allclose(squared_error_grad(z, y), num, rtol=1e-6, atol=1e-10)
    z6, y6 = np.array([[6.0]]), np.array([[0.0]])
    bce = numerical_gradient(lambda: rnnlib.bce_with_logits_loss(z6, y6)[0], z6)
    assert math.isclose(float(bce[0, 0] / squared_error_grad(z6, y6)[0, 0]), RATIO, rel_tol=1e-6)
    # the leaky backward pass, on its own forward pass and the loss sum(dh * h)
    x, h0 = rng.normal(size=(2, 3, 2)), rng.normal(size=(2, 3))
    W_xh, W_hh, b_h = rng.normal(size=(3, 2)), rng.normal(size=(3, 3)), rng.normal(size=3)
    dh = rng.normal(size=(2, 3, 3))
    _, cache = nb03.leaky_rnn_forward(x, h0, W_xh, W_hh, b_h, 0.4)
    grads = leaky_backward(dh, cache)
    for got, arr in zip(grads, [x, h0, W_xh, W_hh, b_h], strict=True):
        loss = lambda: float(np.sum(dh * nb03.leaky_rnn_forward(x, h0, W_xh, W_hh, b_h,  # noqa: E731
                                                                 0.4)[0]))
        assert np.allclose(got, numerical_gradient(loss, arr), rtol=1e-6, atol=1e-8)
    # the predicted errors: leading terms that the measured errors approach as eps shrinks
    for w in (0.5, -1.2, 2.0):
        for k in range(2):
            gaps = [abs(measured_errors(w, e)[k] / predicted_errors(w, e)[k] - 1)
                    for e in (1e-2, 1e-3)]
            assert gaps[1] < gaps[0] < 0.02


def test_leaky_forward_with_alpha_one_is_the_vanilla_rnn(rng):
    x, h0 = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 4))
    W_xh, W_hh, b_h = rng.normal(size=(4, 3)), rng.normal(size=(4, 4)), rng.normal(size=4)
    h, cache = nb03.leaky_rnn_forward(x, h0, W_xh, W_hh, b_h, 1.0)
    h_ref, cache_ref = rnn_forward(x, h0, W_xh, W_hh, b_h)
    assert np.allclose(h, h_ref)
    dh = rng.normal(size=h.shape)
    for mine, ref in zip(leaky_backward(dh, cache), rnn_backward(dh, cache_ref), strict=True):
        assert np.allclose(mine, ref)


def test_the_suspect_has_one_planted_mistake_where_the_check_says():
    """suspect_loss equals classification_loss in its loss and in every gradient but W_hh, and
    W_hh's gradient differs by step 2's share alone, found here by another computation."""
    rng = np.random.default_rng(9)
    params = rnnlib.init_rnn_params(1, 5, 1, rng=2)
    for T in (1, 2, 3, 6):
        x = rng.normal(size=(4, T, 1))
        y = (x.sum(axis=1) > 0).astype(float)
        loss, grads = nb03.suspect_loss(params, x, y)
        ref_loss, ref = rnnlib.classification_loss(params, x, y)
        assert loss == ref_loss
        for k in ("W_xh", "b_h", "W_hy", "b_y"):
            assert np.allclose(grads[k], ref[k], rtol=1e-12, atol=1e-15)
        if T == 1:
            assert np.allclose(grads["W_hh"], ref["W_hh"], rtol=1e-12, atol=1e-15)
            continue
        # step 2's share of dW_hh is da_2^T h_1: the right one minus the suspect's is exactly it
        h, cache = rnn_forward(x, np.zeros((4, 5)), params["W_xh"], params["W_hh"], params["b_h"])
        dh = np.zeros_like(h)
        dh[:, -1] = rnnlib.bce_with_logits_loss(
            h[:, -1] @ params["W_hy"].T + params["b_y"], y)[1] @ params["W_hy"]
        da = [None] * T
        dh_next = np.zeros((4, 5))
        for t in reversed(range(T)):
            da[t] = (dh[:, t] + dh_next) * (1 - h[:, t] ** 2)
            dh_next = da[t] @ params["W_hh"]
        assert np.allclose(ref["W_hh"] - grads["W_hh"], da[1].T @ h[:, 0], rtol=1e-10,
                           atol=1e-14)
    assert nb03.PLANTED == ("W_hh", 2)


# ---------------------------------------------------------------- right answers pass


def test_right_answers_pass_however_written():
    results = [nb03.check_squared_error_grad(squared_error_grad, False, RATIO),
               nb03.check_squared_error_grad(squared_error_grad_loop, np.bool_(False), 203),
               nb03.check_squared_error_grad(squared_error_grad_lib, False, 202.7),
               nb03.check_squared_error_grad(squared_error_grad, False, np.float64(203.0)),
               nb03.check_squared_error_grad(squared_error_grad, False, np.array([[202.72]])),
               nb03.check_leaky_bptt(leaky_backward),
               nb03.check_leaky_bptt(leaky_backward_einsum),
               nb03.check_leaky_bptt(leaky_backward_recomputed),
               nb03.check_predicted_errors(predicted_errors, MEASURED),
               nb03.check_predicted_errors(predicted_errors_sech, MEASURED),
               nb03.check_predicted_errors(lambda w, e: np.array(predicted_errors(w, e)),
                                           np.array(MEASURED)),
               nb03.check_predicted_errors(lambda w, e: list(predicted_errors(w, e)),
                                           [9.4e-8, 3.6e-4]),
               nb03.check_planted_bug(("W_hh", 2), table("W_hh", 2)),
               nb03.check_planted_bug(["dW_hh", 2.0], table("W_hh", 4)),  # longer: fine
               nb03.check_planted_bug(("w_hh", np.int64(2)), {1: 0, 2: 1.0}),  # as printed
               nb03.check_planted_bug(("W_hh", 2), {np.int64(2): np.float64(1.0), 1.0: 0.0})]
    for result in results:
        assert result, repr(result)
        assert repr(result).startswith("PASS")
        assert result.assert_pass() is None


def test_hidden_cases_are_checked_too():
    cases = [([0.3, -2.5, 4.0], [0.0, 0.0, 1.0]), ([-0.7], [1.0])]
    assert nb03.check_squared_error_grad(squared_error_grad, False, RATIO, cases=cases)
    leaky_cases = [(3, 5, 2, 4, 0.3, 41), (1, 2, 1, 2, 0.9, 42)]
    assert nb03.check_leaky_bptt(leaky_backward, cases=leaky_cases)
    error_cases = [(1.0, 1e-3), (1.0, 1e-2), (-0.3, 2e-3), (3.0, 1e-4)]
    assert nb03.check_predicted_errors(predicted_errors, MEASURED, cases=error_cases)

    def fitted(z, y):  # right only for the visible logits
        return squared_error_grad(z, y) if len(z) in (1, 5, 7) else np.zeros_like(z)

    assert nb03.check_squared_error_grad(fitted, False, RATIO)
    assert not nb03.check_squared_error_grad(fitted, False, RATIO, cases=cases)

    def only_at_visible_points(w, eps):  # right only where the visible check looks
        return predicted_errors(w, eps) if w in (0.5, -1.2, 2.0) else (0.0, 0.0)

    assert nb03.check_predicted_errors(only_at_visible_points, MEASURED)
    assert not nb03.check_predicted_errors(only_at_visible_points, MEASURED, cases=error_cases)


# ---------------------------------------------------------------- stubs and hints


def test_stubs_fail_with_a_message_and_hints_only_on_request():
    r = nb03.check_squared_error_grad(stub, ..., ...)
    assert not r and "returned None" in r.message
    assert hint_only_on_request(nb03.check_squared_error_grad, stub, ..., ...)
    r = nb03.check_squared_error_grad(squared_error_grad, ..., ...)
    assert not r and "squared_error_grad is right; cancels is Ellipsis" in r.message
    r = nb03.check_squared_error_grad(squared_error_grad, False, ...)
    assert not r and "squared_error_grad and cancels are right; ratio is still `...`" in r.message
    r = nb03.check_leaky_bptt(stub)
    assert not r and "five arrays" in r.message and "NoneType" in r.message
    assert hint_only_on_request(nb03.check_leaky_bptt, stub)
    r = nb03.check_predicted_errors(stub, MEASURED)
    assert not r and "returned None" in r.message and "two numbers" in r.message
    assert hint_only_on_request(nb03.check_predicted_errors, stub, MEASURED)
    r = nb03.check_planted_bug((..., ...), {})
    assert not r and "still contains `...`" in r.message
    assert hint_only_on_request(nb03.check_planted_bug, (..., ...), {})
    r = nb03.check_planted_bug(("W_hh", 2), {})
    assert not r and "errors has no entry for T = 1 and 2" in r.message
    with pytest.raises(AssertionError, match="NOT YET leaky_bptt: return a tuple"):
        nb03.check_leaky_bptt(stub).assert_pass()


def test_a_second_hint_goes_further_and_only_when_asked():
    for check, answer in [(nb03.check_squared_error_grad, (stub, ..., ...)),
                          (nb03.check_squared_error_grad, (squared_error_grad, False, 50.0)),
                          (nb03.check_leaky_bptt, (stub,)),
                          (nb03.check_predicted_errors, (stub, MEASURED)),
                          (nb03.check_planted_bug, (("W_xh", 1), table("W_xh", 1)))]:
        assert_second_hint_goes_further(check, *answer)


def test_exercise_1_hints_follow_the_part_that_is_not_yet_right():
    """While the function fails, both hints are about the function; once it is right, both
    are about the two answers that follow (cancels, ratio)."""
    def hints(*answer):
        return repr(nb03.check_squared_error_grad(*answer, hint=2)).split("\n  hint: ")[1]

    function = hints(lambda z, y: squared_error_grad(z, y) * len(z) / 5, False, RATIO)
    assert "differentiate the loss" in function and "by hand" in function
    assert "z = 6" not in function
    for answer in [(squared_error_grad, True, RATIO), (squared_error_grad, False, 50.0),
                   (squared_error_grad, "no", RATIO)]:
        text = hints(*answer)
        assert "z = 6" in text and "cancels" in text and "differentiate the loss" not in text


# ---------------------------------------------------------------- wrong answers, diagnosed


def msg(result):
    assert not result and repr(result).startswith("NOT YET"), repr(result)
    return result.message


def test_squared_error_grad_says_what_it_observed():
    def check(fn, ratio=RATIO):
        return msg(nb03.check_squared_error_grad(fn, False, ratio))

    assert "binary cross-entropy's gradient, entry for entry" in check(
        lambda z, y: (sigmoid(z) - y) / len(z))
    assert "with respect to p = sigmoid(z), entry for entry, not with respect to z" in check(
        lambda z, y: 2 * (sigmoid(z) - y) / len(z))
    assert "5 times the centred difference in every entry" in check(
        lambda z, y: squared_error_grad(z, y) * len(z))  # the mean forgotten
    assert "0.5 times the centred difference in every entry" in check(
        lambda z, y: squared_error_grad(z, y) / 2)
    assert "-1 times the centred difference in every entry" in check(
        lambda z, y: -squared_error_grad(z, y))
    assert "0 in every entry" in check(lambda z, y: np.zeros_like(z))
    at_z = check(lambda z, y: 2 * (z - y) * sigmoid(z) * (1 - sigmoid(z)) / len(z))
    assert "0 at entry 2, where z = y = 1; there sigmoid(z) = 0.7311 is not y" in at_z
    other = check(lambda z, y: squared_error_grad(z, y) + (z > 1.5) * 0.1)
    assert other.startswith("at entry 0 (z = 2, y = 1) you gave")
    assert "a centred difference of the loss gives" in other
    assert "shape (5,)" in check(lambda z, y: squared_error_grad(z, y).ravel())
    assert "not finite" in check(lambda z, y: squared_error_grad(z, y) * np.nan)
    assert "raised ValueError" in check(lambda z, y: int("x"))


def test_a_mean_over_a_fixed_batch_size_fails_at_the_other_sizes():
    def fixed(N):  # the mean written with the visible batch's size
        return lambda z, y: squared_error_grad(z, y) * len(z) / N

    five = msg(nb03.check_squared_error_grad(fixed(5), False, RATIO))
    assert five.startswith("right for the batch of N = 5; with N = 1: your gradient is 0.2 "
                           "times the centred difference in every entry")
    seven = msg(nb03.check_squared_error_grad(fixed(7), False, RATIO))
    assert seven.startswith("your gradient is 0.7143 times the centred difference")
    assert [len(z) for z, _ in nb03.SQUARED_CASES] == [5, 1, 7]


def test_cancels_is_a_yes_or_no_checked_before_the_ratio():
    def check(cancels, ratio=RATIO):
        return msg(nb03.check_squared_error_grad(squared_error_grad, cancels, ratio))

    said = check(True)
    assert said.startswith("squared_error_grad is right; cancels = True, but for one example "
                           "with label 0 your gradient shrinks as z grows (z = 2, 4, 8: 0.185, "
                           "0.0347, 0.00067), as the sigmoid's slope there does (0.105, "
                           "0.0177, 0.000335)")
    assert check(True, 50.0) == said  # cancels first
    assert check("False") == ("squared_error_grad is right; cancels should be True or False "
                              "(without quotes), got 'False'")
    assert "should be True or False, got 0" in check(0)
    assert "cancels is None" in check(None)


def test_the_ratio_follows_one_digits_rule():
    """What rounds to 203 passes (RATIO = 202.716), the boundaries half a unit either way."""
    def check(ratio):
        return nb03.check_squared_error_grad(squared_error_grad, False, ratio)

    for right in (202.5, 202.9, 203.4, 203.49, 202.716, 203):
        assert check(right), right
    assert "ratio = 202.49 is within 1%" in msg(check(202.49))  # not printed as 202.5
    for near in (202.49, 203.5, 201, 204.5):  # within 1%, not 203 to three digits
        m = msg(check(near))
        assert "within 1%" in m and "to three significant digits, rounded: check its digits" \
            in m, near
    assert "below 1: it says the squared error's gradient is the larger" in msg(check(1 / RATIO))
    for other in (2 * RATIO, RATIO / 2, 50.0):  # no factor named: that would be the fix
        m = msg(check(other))
        assert m.endswith("is not the ratio of the two gradients' sizes at z = 6, y = 0 (N = 1)")
        assert "twice" not in m and "half" not in m
    assert msg(check(-RATIO)).endswith("ratio = -202.7 is not above 0, which a ratio of two "
                                       "sizes always is")
    assert "text" in msg(check("203")) and "without quotes" in msg(check("203"))
    assert "should be one number" in msg(check([203, 203]))
    assert "a bool" in msg(check(True))


def test_leaky_bptt_says_where_the_gradients_disagree():
    def check(**mistake):
        return msg(nb03.check_leaky_bptt(lambda dh, c: leaky_backward(dh, c, **mistake)))

    no_leak = check(leak=False)  # the learners' usual slip: one path from h_{t-1} missing
    assert no_leak.startswith("compared with finite differences: With alpha = 1 (the vanilla "
                              "RNN), all five agree for T = 1 and T = 4. With alpha = 0.6, "
                              "for T = 1: only dh0 is off")
    assert "for T = 4: dx, dh0, dW_xh, dW_hh and db_h are off" in no_leak
    assert "dx is right at step 4 and off at steps 1 to 3" in no_leak
    no_carry = check(carry=False)
    assert "With alpha = 1 (the vanilla RNN), for T = 1: all five agree; for T = 4:" in no_carry
    assert "dx is right at step 4 and off at steps 1 to 3" in no_carry
    no_alpha = check(alpha_in_da=False)
    assert "all five agree for T = 1 and T = 4. With alpha = 0.6, for T = 1:" in no_alpha
    assert "dx, dW_xh, dW_hh and db_h are each 1.667 times the finite difference" in no_alpha
    slope_of_h = check(slope_of_g=False)
    assert "With alpha = 0.6, for T = 1: dx, dh0, dW_xh, dW_hh and db_h are off" in slope_of_h
    assert "dx is off at every step" in slope_of_h

    def only_dW_hh_wrong(dh, cache):  # right for a single step, wrong for more
        dx, dh0, dW_xh, dW_hh, db_h = leaky_backward(dh, cache)
        return dx, dh0, dW_xh, dW_hh - (cache[0].shape[1] > 1) * 0.5, db_h

    one = msg(nb03.check_leaky_bptt(only_dW_hh_wrong))
    assert "for T = 1: all five agree; for T = 4: only dW_hh is off (by up to 0.5, an " \
        "absolute difference)" in one

    def transposed(dh, cache):  # dW_hh in the (in, out) layout
        grads = list(leaky_backward(dh, cache))
        grads[3] = grads[3].T
        return grads

    assert "only dW_hh is off" in msg(nb03.check_leaky_bptt(transposed))
    x_shape = msg(nb03.check_leaky_bptt(
        lambda dh, c: (leaky_backward(dh, c)[0][:, 0],) + leaky_backward(dh, c)[1:]))
    assert x_shape == "dx has shape (2, 3), expected (2, 1, 3)"
    assert "of length 4" in msg(nb03.check_leaky_bptt(lambda dh, c: leaky_backward(dh, c)[:4]))


def test_predicted_errors_say_what_they_observed():
    def check(fn):
        return msg(nb03.check_predicted_errors(fn, MEASURED))

    six = check(lambda w, e: (predicted_errors(w, e)[0] * 6, predicted_errors(w, e)[1]))
    assert six.startswith("your centred prediction is 6 times the measured error")
    assert "at w = 0.5, eps = 0.001 your centred prediction is 5.652e-07, the measured error is " \
           "9.42e-08" in six
    twice = check(lambda w, e: (predicted_errors(w, e)[0], 2 * predicted_errors(w, e)[1]))
    assert twice.startswith("your one-sided prediction is 2 times the measured error")
    linear = check(lambda w, e: (predicted_errors(w, e)[0] / e, predicted_errors(w, e)[1]))
    assert linear.startswith("when eps grows from 0.001 to 0.01 (w = 0.5), your centred "
                             "prediction grows 10 times, the measured error 100 times")
    square = check(lambda w, e: (predicted_errors(w, e)[0], predicted_errors(w, e)[1] * e))
    assert "your one-sided prediction grows 100 times, the measured error 10 times" in square
    measured = check(measured_errors)  # a measurement, not a prediction
    assert measured.startswith("your centred values include terms beyond the leading one: they "
                               "follow the measured errors to 1% in every case")
    two_terms = check(two_term_one_sided)  # an expansion, one term too far: no accusation
    assert two_terms.startswith("your one-sided values include terms beyond the leading one")
    assert "at w = 0.5, eps = 0.05 they differ from the error's leading term by" in two_terms
    for text in (measured, two_terms):
        assert "measurement" not in text
    signed = check(predicted_errors_signed)  # the signed terms: negative for the centred one
    assert signed == ("the centred prediction at w = 0.5, eps = 0.001 is -9.42e-08, below 0; the "
                      "size of an error is 0 or more")
    assert "one-sided prediction at w = 0.5, eps = 0.001 is -0.000363, below 0" in check(
        lambda w, e: (predicted_errors(w, e)[0], -predicted_errors(w, e)[1]))

    def second_for_third(w, e):  # tanh'' where tanh''' belongs
        t = math.tanh(w)
        return e * e * abs(2 * t * (1 - t * t)) / 6, predicted_errors(w, e)[1]

    spread = check(second_for_third)
    assert spread.startswith("your centred prediction divided by the measured error changes "
                             "with w (1.29 at w = 0.5")
    assert "0 in every case" in check(lambda w, e: (0.0, predicted_errors(w, e)[1]))
    assert "two numbers" in check(lambda w, e: predicted_errors(w, e)[0])
    assert "is still `...`" in check(lambda w, e: (..., 1.0))
    assert "text" in check(lambda w, e: ("1e-7", "3e-4"))


def test_the_measured_errors_follow_one_digits_rule():
    def check(measured):
        return nb03.check_predicted_errors(predicted_errors, measured)

    # two digits, rounded (the values are 9.420e-8 and 3.635e-4)
    assert check((9.4e-8, 3.6e-4)) and check(np.array([9.38e-8, 3.64e-4]))
    assert check((9.35e-8, 3.6e-4)) and check((9.4e-8, 3.55e-4))
    assert not check((9.45e-8, 3.6e-4)) and not check((9.4e-8, 3.65e-4))
    assert not check((9.349e-8, 3.6e-4)) and not check((9.4e-8, 3.549e-4))
    assert "the measured centred error is -9.42e-08, below 0" in msg(check((-9.42e-8, 3.6e-4)))
    m = msg(check((9.5e-8, 3.6e-4)))  # 0.85% off, and not 9.4 to two digits
    assert m.startswith("predicted_errors is right; the measured centred error you give, 9.5e-08,")
    assert "within 1%" in m and "two significant digits, rounded: check its digits" in m
    assert "is the size of the one-sided quotient's error at w = 0.5, eps = 0.001" in msg(
        check(MEASURED[::-1]))
    assert "the one-sided quotient's error at eps = 0.01, not 0.001" in msg(
        check((MEASURED[0], measured_errors(0.5, 1e-2)[1])))
    assert "about the quotient itself" in msg(check((0.7864, 3.6e-4)))
    assert "is not the size of |centred quotient - tanh'(0.5)|" in msg(check((1e-7, 3.6e-4)))
    assert "measured is Ellipsis" in msg(check(...))
    assert "the measured centred error is still `...`" in msg(check((..., ...)))
    assert "two numbers" in msg(check(9.4e-8))
    assert "text" in msg(check(("9.4e-8", "3.6e-4")))
    # the function is judged first
    assert "returned None" in msg(nb03.check_predicted_errors(stub, (..., ...)))


def test_planted_bug_reads_the_learners_own_table_against_the_answer():
    def check(answer, errors):
        return msg(nb03.check_planted_bug(answer, errors))

    # honest tables, wrong answers: what the learner's own numbers say
    assert check(("W_hh", 3), table("W_hh", 3)) == (
        "in your table W_hh already differs from finite differences on sequences of 2 steps "
        "(relative error 1.0e+00), and those have no step 3")
    assert check(("W_hh", 1), table("W_hh", 1)) == (
        "in your table W_hh agrees with finite differences (relative error below 1e-07) on "
        "sequences of 1 step, which have a step 1")
    for name in ("W_xh", "b_h", "W_hy", "b_y"):
        assert check((name, 3), table(name, 3)) == (
            f"in your table {name} agrees with finite differences (relative error below 1e-07) "
            "on sequences of 3 steps, which have a step 3")


def test_planted_bug_refuses_a_table_that_check_gradients_cannot_give():
    """A table made up to fit a guess is refused with one message that names no length, so
    guessing reveals no more than the guess's verdict."""
    made_up = {}
    for name in nb03.PARAM_NAMES:
        for step in (1, 2, 3, 4):
            errors = {T: (0.5 if T == step else 0.0) for T in range(1, step + 1)}
            if (name, step) == nb03.PLANTED:
                errors[step] = 0.5  # the right answer with a made-up number
            made_up[name, step] = check = msg(nb03.check_planted_bug((name, step), errors))
            assert check == ("your errors are not the relative errors rnnlib.check_gradients "
                             f"gives for the suspect's {name} on sequences of those lengths")
    # an honest table of another length or parameter, given for the right answer
    assert "are not the relative errors" in msg(nb03.check_planted_bug(
        ("W_hh", 2), {1: TABLES[1]["W_hh"], 2: TABLES[3]["W_hh"]}))


def test_planted_bug_names_what_is_wrong_with_the_form_of_the_answer():
    def check(answer, errors=None):
        return msg(nb03.check_planted_bug(answer, table("W_hh", 2) if errors is None else errors))

    assert "not one of the parameters" in check(("W", 2))
    assert "whole number, 1 for the first" in check(("W_hh", 0))
    assert "whole number" in check(("W_hh", 2.5))
    assert "a pair (name, step)" in check("W_hh")
    assert "a pair (name, step)" in check(("W_hh", 2, 3))
    assert "should be text" in check((3, 2))
    assert "text" in check(("W_hh", "2"))
    assert "errors is Ellipsis; it should be a dict" in check(("W_hh", 2), ...)
    assert "errors should be a dict {T: relative error}" in check(("W_hh", 2), [0.0, 1.0])
    assert "errors has no entry for T = 1: give the relative error of W_hh for every length " \
        "from 1 to your step, 2" in check(("W_hh", 2), {2: 1.0})
    assert "errors has the length 0" in check(("W_hh", 2), {0: 0.0, 1: 0.0, 2: 1.0})
    assert "errors[2] = 1.5, but a relative error of rnnlib.check_gradients lies between 0 " \
        "and 1" in check(("W_hh", 2), {1: 0.0, 2: 1.5})
    assert "errors[2] should be a number, got dict" in check(("W_hh", 2), {1: 0.0, 2: TABLES[2]})


def test_what_the_planted_bug_check_knows_holds_on_any_data():
    """The facts the check relies on, measured with check_gradients on other data and weights:
    every gradient but W_hh's passes at every length; W_hh's error is 0 on one step (both
    exactly 0, h0 = 0), exactly 1 on two (the suspect's is exactly 0), and fails from then on."""
    for seed in (0, 5, 9):
        params = rnnlib.init_rnn_params(1, 5 + seed, 1, rng=seed)
        for T in (1, 2, 3, 6):
            errors = suspect_errors(T, seed=100 + seed, params=params, n=3 + seed)
            assert all(e < rnnlib.GRAD_TOL for k, e in errors.items() if k != "W_hh")
            assert {1: errors["W_hh"] == 0.0, 2: errors["W_hh"] == 1.0}.get(
                T, rnnlib.GRAD_TOL < errors["W_hh"] < 1)
    assert nb03.check_planted_bug(nb03.PLANTED, {T: TABLES[T]["W_hh"] for T in (1, 2, 3, 4)})


# ---------------------------------------------------------------- no answer given away

ANSWER_TEXTS = [
    # exercise 1: the formula and the number
    "p(1 - p)", "p (1 - p)", "2 * (p - y)", "2(p - y)", "(p - y) * p", "203", "202.7",
    "cosh",
    # exercise 2: the missing path and its code
    "(1 - alpha) * delta", "(1 - alpha)*delta", "1 - alpha", "da @ W_hh +",
    # exercise 3: the leading terms and tanh's derivatives
    "eps / 2", "eps/2", "eps**2", "/ 6", "/6", "-2t", "-2 * t", "1 - 3t", "1 - 3 * t",
    # exercise 4: the place of the mistake
    "step 2", "W_hh, 2", "'W_hh', 2", "t > 1",
]


def everything_said_on_failure():
    """Every NOT YET message and every hint the checks give for the wrong answers above."""
    wrong = [
        (nb03.check_squared_error_grad, (stub, ..., ...)),
        (nb03.check_squared_error_grad, (lambda z, y: (sigmoid(z) - y) / len(z), False, 1.0)),
        (nb03.check_squared_error_grad,
         (lambda z, y: 2 * (sigmoid(z) - y) / len(z), False, 1.0)),
        (nb03.check_squared_error_grad,
         (lambda z, y: squared_error_grad(z, y) * len(z) / 5, False, RATIO)),
        (nb03.check_squared_error_grad, (squared_error_grad, True, RATIO)),
        (nb03.check_squared_error_grad, (squared_error_grad, "False", RATIO)),
        (nb03.check_squared_error_grad, (squared_error_grad, False, 201.0)),
        (nb03.check_squared_error_grad, (squared_error_grad, False, 2 * RATIO)),
        (nb03.check_squared_error_grad, (squared_error_grad, False, RATIO / 2)),
        (nb03.check_squared_error_grad, (squared_error_grad, False, 50.0)),
        (nb03.check_predicted_errors, (predicted_errors_signed, MEASURED)),
        (nb03.check_predicted_errors, (two_term_one_sided, MEASURED)),
        (nb03.check_leaky_bptt, (stub,)),
        (nb03.check_predicted_errors, (stub, MEASURED)),
        (nb03.check_predicted_errors, (measured_errors, MEASURED)),
        (nb03.check_predicted_errors,
         (lambda w, e: (predicted_errors(w, e)[0] * 6, predicted_errors(w, e)[1]), MEASURED)),
        (nb03.check_predicted_errors, (predicted_errors, (1e-7, 4e-4))),
        (nb03.check_predicted_errors, (predicted_errors, (..., ...))),
        (nb03.check_planted_bug, ((..., ...), {})),
        (nb03.check_planted_bug, (("W_hh", 1), table("W_hh", 1))),
        (nb03.check_planted_bug, (("W_hh", 1), {1: 0.3})),
        (nb03.check_planted_bug, (("W_hh", 3), {1: 0.0, 2: 0.0, 3: 0.4})),
        (nb03.check_planted_bug, (("W_xh", 3), table("W_xh", 3))),
        (nb03.check_planted_bug, (("b_h", 1), {1: 0.2})),
    ] + [(nb03.check_leaky_bptt, (lambda dh, c, m=m: leaky_backward(dh, c, **m),))
         for m in ({"leak": False}, {"carry": False}, {"alpha_in_da": False},
                   {"slope_of_g": False})]
    texts = []
    for check, answer in wrong:
        for level in (False, True, 2):
            texts.append(repr(check(*answer, hint=level)))
    return texts


def test_no_message_or_hint_gives_the_answer_away():
    for text in everything_said_on_failure():
        assert text.startswith("NOT YET"), text
        for answer in ANSWER_TEXTS:
            assert answer not in text, (answer, text)
