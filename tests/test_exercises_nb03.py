"""Each nb03 exercise check passes a right answer and fails wrong ones with a useful message."""

import numpy as np
from exercise_helpers import hint_only_on_request, stub

from rnnlib import rnn_backward, rnn_forward
from rnnlib.exercises import nb03


def bce_grad(z, y):
    return (1 / (1 + np.exp(-z)) - y) / len(z)


def centred_difference(f, x, i, eps):
    old = x[i]
    x[i] = old + eps
    plus = f()
    x[i] = old - eps
    minus = f()
    x[i] = old
    return (plus - minus) / (2 * eps)


def leaky_backward(dh, cache, carry=True, leak_path=True):
    """Written out here as a learner would, with the two classic mistakes switchable."""
    x, h0, h, g, W_xh, W_hh, alpha = cache
    dx, dW_xh, dW_hh = np.zeros_like(x), np.zeros_like(W_xh), np.zeros_like(W_hh)
    db_h, dh_next = np.zeros(W_hh.shape[0]), np.zeros_like(h0)
    for t in reversed(range(x.shape[1])):
        h_prev = h[:, t - 1] if t > 0 else h0
        delta = dh[:, t] + (dh_next if carry else 0)
        da = alpha * delta * (1 - g[:, t] ** 2)
        dx[:, t] = da @ W_xh
        dW_xh += da.T @ x[:, t]
        dW_hh += da.T @ h_prev
        db_h += da.sum(axis=0)
        dh_next = da @ W_hh + (1 - alpha) * delta * leak_path
    return dx, dh_next, dW_xh, dW_hh, db_h


def test_right_answers_pass():
    assert nb03.check_bce_grad(bce_grad)
    assert nb03.check_centred_difference(centred_difference)
    assert nb03.check_leaky_bptt(leaky_backward)
    assert repr(nb03.check_leaky_bptt(leaky_backward)).startswith("PASS")


def test_leaky_forward_with_alpha_one_is_the_vanilla_rnn(rng):
    x, h0 = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 4))
    W_xh, W_hh, b_h = rng.normal(size=(4, 3)), rng.normal(size=(4, 4)), rng.normal(size=4)
    h, cache = nb03.leaky_rnn_forward(x, h0, W_xh, W_hh, b_h, 1.0)
    h_ref, cache_ref = rnn_forward(x, h0, W_xh, W_hh, b_h)
    assert np.allclose(h, h_ref)
    dh = rng.normal(size=h.shape)
    for mine, ref in zip(leaky_backward(dh, cache), rnn_backward(dh, cache_ref), strict=True):
        assert np.allclose(mine, ref)


def test_stubs_fail_with_a_message():
    for check in (nb03.check_bce_grad, nb03.check_centred_difference, nb03.check_leaky_bptt):
        result = check(stub)
        assert not result and hint_only_on_request(check, stub)


def test_wrong_answers_are_explained():
    def extra_sigmoid(z, y):
        p = 1 / (1 + np.exp(-z))
        return (p - y) * p * (1 - p) / len(z)

    assert "on top" in nb03.check_bce_grad(extra_sigmoid).message
    assert "p - y" not in nb03.check_bce_grad(extra_sigmoid).message  # the answer is not given
    def logit_shortcut(z, y):
        p = 1 / (1 + np.exp(-z))
        return (z - y) * p * (1 - p) / len(z)

    assert "logit z where the probability" in nb03.check_bce_grad(logit_shortcut).message
    assert "divide by N" in nb03.check_bce_grad(lambda z, y: 1 / (1 + np.exp(-z)) - y).message

    def one_sided(f, x, i, eps):
        f0 = f()
        x[i] += eps
        f1 = f()
        x[i] -= eps
        return (f1 - f0) / eps

    assert not nb03.check_centred_difference(one_sided)

    def no_restore(f, x, i, eps):
        x[i] += eps
        return f()

    assert "left changed" in nb03.check_centred_difference(no_restore).message
    r = nb03.check_leaky_bptt(lambda dh, c: leaky_backward(dh, c, carry=False))
    assert not r and "dh_next" in r.message and "never added" in r.message
    r = nb03.check_leaky_bptt(lambda dh, c: leaky_backward(dh, c, leak_path=False))
    assert not r and "(1 - alpha)" in r.message

    def vanilla(dh, cache):  # ignores the leak altogether: the vanilla RNN's backward
        x, h0, h, g, W_xh, W_hh, alpha = cache
        return leaky_backward(dh, (x, h0, h, g, W_xh, W_hh, 1.0))

    assert not nb03.check_leaky_bptt(vanilla)


def test_more_wrong_answers_say_what_to_change():
    assert "sign is flipped" in nb03.check_bce_grad(lambda z, y: -bce_grad(z, y)).message
    generic = nb03.check_bce_grad(lambda z, y: bce_grad(z, y) + 0.1).message
    assert "dL/dp" in generic and "hint" not in generic

    def no_alpha(dh, cache):  # forgets the factor alpha on the path through g_t
        x, h0, h, g, W_xh, W_hh, alpha = cache
        dx, dW_xh, dW_hh = np.zeros_like(x), np.zeros_like(W_xh), np.zeros_like(W_hh)
        db_h, dh_next = np.zeros(W_hh.shape[0]), np.zeros_like(h0)
        for t in reversed(range(x.shape[1])):
            delta = dh[:, t] + dh_next
            da = delta * (1 - g[:, t] ** 2)
            dx[:, t] = da @ W_xh
            dW_xh += da.T @ x[:, t]
            dW_hh += da.T @ (h[:, t - 1] if t > 0 else h0)
            db_h += da.sum(axis=0)
            dh_next = da @ W_hh + (1 - alpha) * delta
        return dx, dh_next, dW_xh, dW_hh, db_h

    r = nb03.check_leaky_bptt(no_alpha)
    assert not r and "factor alpha" in r.message

    def tanh_of_h(dh, cache):  # uses 1 - h_t^2 although h_t is no longer tanh(a_t)
        x, h0, h, g, W_xh, W_hh, alpha = cache
        return leaky_backward(dh, (x, h0, h, h, W_xh, W_hh, alpha))

    r = nb03.check_leaky_bptt(tanh_of_h)
    assert not r and "1 - g_t^2" in r.message
