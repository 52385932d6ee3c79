"""last_step_forward / last_step_backward: the state at each sequence's last real step."""

import numpy as np
import pytest

import rnnlib
from rnnlib import last_step_backward, last_step_forward


def test_forward_picks_step_length_minus_one_by_hand():
    h = np.arange(2 * 4 * 3, dtype=float).reshape(2, 4, 3)  # h[n, t, i] = 12 n + 3 t + i
    out, _ = last_step_forward(h, np.array([1, 4]))  # the two edges: first and last step
    np.testing.assert_array_equal(out, [[0.0, 1.0, 2.0], [21.0, 22.0, 23.0]])


def test_forward_returns_a_copy():
    h = np.zeros((1, 2, 1))
    out, _ = last_step_forward(h, np.array([2]))
    out[...] = 7.0
    assert h.max() == 0.0


def test_backward_by_hand_and_exact_zeros_at_padded_steps():
    lengths = np.array([5, 1, 3])
    _, cache = last_step_forward(np.ones((3, 5, 2)), lengths)
    d = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    dh = last_step_backward(d, cache)
    expected = np.zeros((3, 5, 2))
    expected[0, 4], expected[1, 0], expected[2, 2] = d  # written out by hand
    np.testing.assert_array_equal(dh, expected)
    padded = np.arange(5)[None, :] >= lengths[:, None]  # (3, 5)
    assert np.count_nonzero(dh[padded]) == 0  # exactly zero, not merely small


def test_T_equal_one_and_all_lengths_T_are_the_last_column():
    for T in (1, 4):
        h = np.random.default_rng(T).normal(size=(3, T, 2))
        out, cache = last_step_forward(h, np.full(3, T))
        np.testing.assert_array_equal(out, h[:, -1])  # no padding: h[:, -1] is right
        d = np.ones((3, 2))
        dh = last_step_backward(d, cache)
        assert np.array_equal(dh[:, -1], d) and np.count_nonzero(dh[:, :-1]) == 0


def _loss(p, x, lengths, y):
    """Many-to-one softmax cross-entropy on the last real step: (loss, grads, dx)."""
    h0 = np.zeros((x.shape[0], p["W_hh"].shape[0]))
    h, rnn_cache = rnnlib.rnn_forward(x, h0, p["W_xh"], p["W_hh"], p["b_h"])
    h_last, gather_cache = last_step_forward(h, lengths)
    s, aff_cache = rnnlib.affine_forward(h_last, p["W_hy"], p["b_y"])
    loss, ds = rnnlib.temporal_softmax_cross_entropy_loss(s[:, None], y[:, None])  # one step
    dh_last, dW_hy, db_y = rnnlib.affine_backward(ds[:, 0], aff_cache)
    dh = last_step_backward(dh_last, gather_cache)
    dx, _, dW_xh, dW_hh, db_h = rnnlib.rnn_backward(dh, rnn_cache)
    return loss, {"W_xh": dW_xh, "W_hh": dW_hh, "b_h": db_h, "W_hy": dW_hy, "b_y": db_y}, dx


def test_many_to_one_with_lengths_passes_the_finite_difference_check():
    r = np.random.default_rng(1)
    p = rnnlib.init_rnn_params(2, 5, 3, r)
    x, lengths, y = r.normal(size=(4, 6, 2)), np.array([6, 1, 3, 5]), np.array([0, 2, 1, 2])
    errors = rnnlib.check_gradients(lambda: _loss(p, x, lengths, y)[:2], p)
    assert max(errors.values()) < rnnlib.GRAD_TOL, errors
    num = rnnlib.numerical_gradient(lambda: _loss(p, x, lengths, y)[0], x)
    assert rnnlib.rel_error(_loss(p, x, lengths, y)[2], num) < rnnlib.GRAD_TOL


def test_padded_steps_get_no_gradient_and_padding_changes_nothing():
    r = np.random.default_rng(2)
    p = rnnlib.init_rnn_params(1, 4, 2, r)
    lengths, y = np.array([3, 1, 5]), np.array([1, 0, 1])
    x = r.normal(size=(3, 5, 1)) * (np.arange(5)[None, :, None] < lengths[:, None, None])
    loss, g, dx = _loss(p, x, lengths, y)
    assert np.count_nonzero(dx[0, 3:]) == 0 and np.count_nonzero(dx[1, 1:]) == 0
    assert np.count_nonzero(dx[0, :3]) == 3  # the real steps do get a gradient
    # control: each sequence alone, cut to its own length, averaged over the batch
    alone = [_loss(p, x[n:n + 1, :lengths[n]], lengths[n:n + 1], y[n:n + 1]) for n in range(3)]
    assert np.isclose(loss, np.mean([a[0] for a in alone]))
    for k in g:
        np.testing.assert_allclose(g[k], np.mean([a[1][k] for a in alone], axis=0),
                                   rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("lengths, error", [
    (np.array([0, 2]), ValueError),  # below 1
    (np.array([2, 6]), ValueError),  # above T = 5
    (np.array([2.0, 3.0]), TypeError),  # floats
    (np.array([2]), ValueError),  # one length for two sequences
    ([2, 3], TypeError),  # a list, not an array
])
def test_bad_lengths_are_blamed_on_lengths(lengths, error):
    with pytest.raises(error, match="lengths"):
        last_step_forward(np.zeros((2, 5, 3)), lengths)


def test_bad_h_and_bad_gradient_are_named():
    with pytest.raises(ValueError, match="h: expected 3-D"):
        last_step_forward(np.zeros((2, 5)), np.array([1, 2]))
    _, cache = last_step_forward(np.zeros((2, 5, 3)), np.array([1, 2]))
    with pytest.raises(ValueError, match="dh_last"):
        last_step_backward(np.zeros((2, 4)), cache)
