"""The RNN layers: values worked out by hand, a published example, finite differences."""

import math

import numpy as np
import pytest

import rnnlib
from rnnlib import check_gradients

SHAPES = [  # (N, T, D, H, O): includes the all-ones case
    (1, 1, 1, 1, 1),
    (2, 3, 4, 5, 3),
    (3, 5, 2, 4, 2),
    (1, 7, 3, 2, 1),
]


def rnn_params(rng, D, H, scale=0.5):
    return {
        "W_xh": rng.normal(0, scale, (H, D)),
        "W_hh": rng.normal(0, scale, (H, H)),
        "b_h": rng.normal(0, scale, H),
    }


def test_one_unit_step_by_hand():
    # a = 0.3*0.5 + (-0.4)*0.2 + 0.1 = 0.17, h = tanh(0.17)
    x, h_prev = np.array([[0.5]]), np.array([[0.2]])
    W_xh, W_hh, b_h = np.array([[0.3]]), np.array([[-0.4]]), np.array([0.1])
    h, cache = rnnlib.rnn_step_forward(x, h_prev, W_xh, W_hh, b_h)
    assert h[0, 0] == pytest.approx(math.tanh(0.17), abs=1e-15)
    dx, dh_prev, dW_xh, dW_hh, db_h = rnnlib.rnn_step_backward(np.array([[1.0]]), cache)
    da = 1 - math.tanh(0.17) ** 2  # d tanh(a)/da
    assert dx[0, 0] == pytest.approx(da * 0.3)
    assert dh_prev[0, 0] == pytest.approx(da * -0.4)
    assert dW_xh[0, 0] == pytest.approx(da * 0.5)
    assert dW_hh[0, 0] == pytest.approx(da * 0.2)
    assert db_h[0] == pytest.approx(da)


def test_one_unit_two_steps_by_hand():
    # h1 = tanh(0.5*1 + 0.25*0 + 0), h2 = tanh(0.5*(-1) + 0.25*h1 + 0)
    x = np.array([[[1.0], [-1.0]]])
    W_xh, W_hh, b_h = np.array([[0.5]]), np.array([[0.25]]), np.array([0.0])
    h, cache = rnnlib.rnn_forward(x, np.zeros((1, 1)), W_xh, W_hh, b_h)
    h1 = math.tanh(0.5)
    h2 = math.tanh(-0.5 + 0.25 * h1)
    assert np.allclose(h[0, :, 0], [h1, h2], rtol=0, atol=1e-15)
    # loss = h2: dL/dh1 = (1 - h2^2) * w_hh, the factor BPTT multiplies in per step
    dh = np.zeros((1, 2, 1))
    dh[0, 1, 0] = 1.0
    dx, dh0, dW_xh, dW_hh, db_h = rnnlib.rnn_backward(dh, cache)
    da2 = 1 - h2**2
    da1 = da2 * 0.25 * (1 - h1**2)
    assert dx[0, 1, 0] == pytest.approx(da2 * 0.5)
    assert dx[0, 0, 0] == pytest.approx(da1 * 0.5)
    assert dW_hh[0, 0] == pytest.approx(da2 * h1 + da1 * 0.0)
    assert dW_xh[0, 0] == pytest.approx(da2 * -1.0 + da1 * 1.0)
    assert db_h[0] == pytest.approx(da2 + da1)
    assert dh0[0, 0] == pytest.approx(da1 * 0.25)


def test_seed_003_final_hidden_state():
    x = np.array([[[1, 2], [2, 3], [3, 4]]]) / 100  # (N=1, T=3, D=2)
    w_x = np.array([[1, 3, 5, 7], [3, 5, 7, 8]]) / 100  # stored (in, out) = (D, H)
    w_h = np.array([[1, 3, 5, 7], [2, 4, 6, 8], [3, 5, 7, 8], [4, 6, 8, 10]]) / 100
    b = np.ones(4)
    h, _ = rnnlib.rnn_forward(x, np.zeros((1, 4)), w_x.T, w_h.T, b)
    expected = np.array([[0.79494228, 0.81839002, 0.83939649, 0.85584174]])
    assert np.allclose(h[:, -1], expected, rtol=0, atol=5e-9)


@pytest.mark.parametrize("N,T,D,H,O", SHAPES)
def test_rnn_step_gradients(rng, N, T, D, H, O):
    p = rnn_params(rng, D, H)
    p["x"], p["h_prev"] = rng.normal(size=(N, D)), rng.normal(size=(N, H))
    upstream = rng.normal(size=(N, H))

    def loss_and_grads():
        h, cache = rnnlib.rnn_step_forward(p["x"], p["h_prev"], p["W_xh"], p["W_hh"], p["b_h"])
        names = ("x", "h_prev", "W_xh", "W_hh", "b_h")
        return np.sum(h * upstream), dict(zip(names, rnnlib.rnn_step_backward(upstream, cache),
                                              strict=True))

    errors = check_gradients(loss_and_grads, p)
    assert max(errors.values()) < 1e-8, errors


@pytest.mark.parametrize("N,T,D,H,O", SHAPES)
def test_rnn_sequence_gradients(rng, N, T, D, H, O):
    p = rnn_params(rng, D, H)
    p["x"], p["h0"] = rng.normal(size=(N, T, D)), rng.normal(size=(N, H))
    upstream = rng.normal(size=(N, T, H))  # a gradient on every hidden state

    def loss_and_grads():
        h, cache = rnnlib.rnn_forward(p["x"], p["h0"], p["W_xh"], p["W_hh"], p["b_h"])
        names = ("x", "h0", "W_xh", "W_hh", "b_h")
        return np.sum(h * upstream), dict(zip(names, rnnlib.rnn_backward(upstream, cache),
                                              strict=True))

    errors = check_gradients(loss_and_grads, p)
    assert max(errors.values()) < 1e-8, errors


def test_rnn_backward_carries_gradient_to_first_step(rng):
    # Many-to-one: only the last state feeds the loss. The first input still gets a gradient,
    # which it can only receive through dh_next carried back across every step.
    p = rnn_params(rng, 2, 3)
    x = rng.normal(size=(2, 6, 2))
    h, cache = rnnlib.rnn_forward(x, np.zeros((2, 3)), p["W_xh"], p["W_hh"], p["b_h"])
    dh = np.zeros_like(h)
    dh[:, -1] = 1.0
    dx = rnnlib.rnn_backward(dh, cache)[0]
    assert np.all(np.abs(dx[:, 0]) > 0)
    eps = 1e-6
    x2 = x.copy()
    x2[0, 0, 0] += eps
    h2, _ = rnnlib.rnn_forward(x2, np.zeros((2, 3)), p["W_xh"], p["W_hh"], p["b_h"])
    assert dx[0, 0, 0] == pytest.approx((h2[:, -1].sum() - h[:, -1].sum()) / eps, rel=1e-4)


def test_a_stack_of_rnns_equals_each_rnn(rng):
    # With a leading S axis on every array (weights (S, H, D), bias (S, 1, H)), the sequence
    # and step functions run S independent models, forward and backward, called directly.
    S, N, T, D, H = 3, 2, 4, 3, 5
    x, h0 = rng.normal(size=(S, N, T, D)), rng.normal(size=(S, N, H)) * 0.5
    W_xh, W_hh = rng.normal(size=(S, H, D)), rng.normal(size=(S, H, H)) * 0.5
    b_h = rng.normal(size=(S, 1, H))
    h, cache = rnnlib.rnn_forward(x, h0, W_xh, W_hh, b_h)
    dh = rng.normal(size=h.shape)
    grads = rnnlib.rnn_backward(dh, cache)
    assert grads[-1].shape == (S, 1, H)  # the bias's gradient keeps the bias's shape
    for s in range(S):
        h_s, cache_s = rnnlib.rnn_forward(x[s], h0[s], W_xh[s], W_hh[s], b_h[s, 0])
        np.testing.assert_allclose(h[s], h_s, rtol=1e-12)
        for g, g_s in zip(grads, rnnlib.rnn_backward(dh[s], cache_s), strict=True):
            np.testing.assert_allclose(g[s].reshape(g_s.shape), g_s, rtol=1e-10, atol=1e-12)
    step, step_cache = rnnlib.rnn_step_forward(x[:, :, 0], h0, W_xh, W_hh, b_h)
    np.testing.assert_allclose(step, h[:, :, 0], rtol=1e-12)
    assert rnnlib.rnn_step_backward(dh[:, :, 0], step_cache)[-1].shape == (S, 1, H)
    with pytest.raises(ValueError, match=r"b_h: expected 3-D array of shape \(S, 1, H\)"):
        rnnlib.rnn_forward(x, h0, W_xh, W_hh, b_h[:, 0])
    with pytest.raises(ValueError, match=r"h0: expected 3-D array of shape \(S, N, H\)"):
        rnnlib.rnn_forward(x, h0[0], W_xh, W_hh, b_h)


@pytest.mark.parametrize("N,T,D,H,O", SHAPES)
def test_affine_gradients(rng, N, T, D, H, O):
    p = {"h": rng.normal(size=(N, H)), "W": rng.normal(size=(O, H)), "b": rng.normal(size=O)}
    upstream = rng.normal(size=(N, O))

    def loss_and_grads():
        y, cache = rnnlib.affine_forward(p["h"], p["W"], p["b"])
        dh, dW, db = rnnlib.affine_backward(upstream, cache)
        return np.sum(y * upstream), {"h": dh, "W": dW, "b": db}

    assert max(check_gradients(loss_and_grads, p).values()) < 1e-8


@pytest.mark.parametrize("N,T,D,H,O", SHAPES)
def test_temporal_affine_gradients(rng, N, T, D, H, O):
    p = {"h": rng.normal(size=(N, T, H)), "W": rng.normal(size=(O, H)), "b": rng.normal(size=O)}
    upstream = rng.normal(size=(N, T, O))

    def loss_and_grads():
        y, cache = rnnlib.temporal_affine_forward(p["h"], p["W"], p["b"])
        dh, dW, db = rnnlib.temporal_affine_backward(upstream, cache)
        return np.sum(y * upstream), {"h": dh, "W": dW, "b": db}

    assert max(check_gradients(loss_and_grads, p).values()) < 1e-8


def test_temporal_affine_equals_per_step_affine(rng):
    h, W, b = rng.normal(size=(2, 4, 3)), rng.normal(size=(5, 3)), rng.normal(size=5)
    y, _ = rnnlib.temporal_affine_forward(h, W, b)
    for t in range(4):
        assert np.allclose(y[:, t], rnnlib.affine_forward(h[:, t], W, b)[0])


def test_float32_stays_float32(rng):
    x = rng.normal(size=(2, 3, 4)).astype(np.float32)
    p = {k: v.astype(np.float32) for k, v in rnn_params(rng, 4, 5).items()}
    h, _ = rnnlib.rnn_forward(x, np.zeros((2, 5), np.float32), p["W_xh"], p["W_hh"], p["b_h"])
    assert h.dtype == np.float32


def test_activations_take_python_numbers_lists_and_integer_arrays():
    """sigmoid(6.0) works: a number gives a number, a list or an integer array gives float64,
    a floating-point array keeps its dtype; the values are those of the float64 array."""
    s6 = rnnlib.sigmoid(6.0)
    assert isinstance(s6, np.float64) and s6 == pytest.approx(1 / (1 + math.exp(-6)))
    assert rnnlib.sigmoid(6) == s6 and rnnlib.sigmoid(np.int64(6)) == s6
    from_list = rnnlib.sigmoid([[-2, 0], [1.5, 3]])
    assert from_list.dtype == np.float64 and from_list.shape == (2, 2)
    assert np.array_equal(from_list, rnnlib.sigmoid(np.array([[-2.0, 0.0], [1.5, 3.0]])))
    assert np.array_equal(rnnlib.sigmoid(np.arange(3)), rnnlib.sigmoid(np.arange(3.0)))
    assert rnnlib.sigmoid(np.ones(2, np.float32)).dtype == np.float32
    assert np.allclose(rnnlib.softmax([1.0, 2.0]), [1 / (1 + math.e), math.e / (1 + math.e)])
    assert np.array_equal(rnnlib.log_softmax([[0, 0]]), np.log([[0.5, 0.5]]))


def test_sigmoid_and_softmax_extremes():
    z = np.array([-1e4, -50.0, 0.0, 50.0, 1e4])
    s = rnnlib.sigmoid(z)
    assert np.all(np.isfinite(s))
    assert s[2] == 0.5 and s[0] == 0.0 and s[-1] == 1.0
    assert s[1] == pytest.approx(1 / (1 + math.exp(50)))
    p = rnnlib.softmax(np.array([[1e4, 0.0, -1e4], [1.0, 1.0, 1.0]]))
    assert np.allclose(p, [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3]])
