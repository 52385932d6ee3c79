"""Each nb03 exercise check passes a right answer and fails wrong ones with a useful message."""

import numpy as np

from rnnlib import rnn_backward, rnn_forward
from rnnlib.exercises import nb03


def bce_grad(z, y):
    return (1 / (1 + np.exp(-z)) - y) / len(z)


def centred_difference(f, x, i, h):
    old = x[i]
    x[i] = old + h
    plus = f()
    x[i] = old - h
    minus = f()
    x[i] = old
    return (plus - minus) / (2 * h)


def bptt(dh, x, h, h0, W_xh, W_hh, carry=True):
    N, T, _ = x.shape
    dx, dW_xh, dW_hh = np.zeros_like(x), np.zeros_like(W_xh), np.zeros_like(W_hh)
    db_h, dh_next = np.zeros(W_hh.shape[0]), np.zeros_like(h0)
    for t in reversed(range(T)):
        h_prev = h[:, t - 1] if t > 0 else h0
        da = (dh[:, t] + (dh_next if carry else 0)) * (1 - h[:, t] ** 2)
        dx[:, t] = da @ W_xh
        dW_xh += da.T @ x[:, t]
        dW_hh += da.T @ h_prev
        db_h += da.sum(axis=0)
        dh_next = da @ W_hh
    return dx, dh_next, dW_xh, dW_hh, db_h


def test_right_answers_pass():
    assert nb03.check_bce_grad(bce_grad)
    assert nb03.check_centred_difference(centred_difference)
    assert nb03.check_bptt(bptt)
    assert repr(nb03.check_bptt(bptt)).startswith("PASS")


def test_rnnlib_itself_passes_the_bptt_check():
    def via_rnnlib(dh, x, h, h0, W_xh, W_hh):
        b_h = np.arctanh(h[:, 0]) - x[:, 0] @ W_xh.T - h0 @ W_hh.T  # recover b_h from h_1
        _, cache = rnn_forward(x, h0, W_xh, W_hh, b_h[0])
        return rnn_backward(dh, cache)

    assert nb03.check_bptt(via_rnnlib)


def test_stubs_fail_with_a_message():
    stub = lambda *args: None  # noqa: E731
    for check in (nb03.check_bce_grad, nb03.check_centred_difference, nb03.check_bptt):
        result = check(stub)
        assert not result and "hint:" in repr(result)


def test_wrong_answers_are_explained():
    def extra_sigmoid(z, y):
        p = 1 / (1 + np.exp(-z))
        return (p - y) * p * (1 - p) / len(z)

    assert "on top" in nb03.check_bce_grad(extra_sigmoid).message
    assert "divide by N" in nb03.check_bce_grad(lambda z, y: 1 / (1 + np.exp(-z)) - y).message

    def one_sided(f, x, i, h):
        f0 = f()
        x[i] += h
        f1 = f()
        x[i] -= h
        return (f1 - f0) / h

    assert not nb03.check_centred_difference(one_sided)

    def no_restore(f, x, i, h):
        x[i] += h
        return f()

    assert "left changed" in nb03.check_centred_difference(no_restore).message
    r = nb03.check_bptt(lambda *a: bptt(*a, carry=False))
    assert not r and "dh_next" in r.message
