"""Sequence tools (datasets, models, losses, diagnostics): padding, masks, toy tasks, gradients.

Expected values come from independent computations (explicit loops over sequences and steps,
finite differences, closed formulas), never from the functions under test.
"""

import math

import numpy as np
import pytest

from rnnlib import (
    check_gradients,
    grad_norms_by_distance,
    init_rnn_params,
    lengths_to_mask,
    many_to_many_loss,
    masked_accuracy,
    numerical_gradient,
    orthogonal,
    pad_sequences,
    recall_first_data,
    rnn_scores,
    running_sign_data,
)

D, H, O = 3, 5, 4


def loop_states(params, x, h0=None):
    """Hidden states by an explicit loop over sequences and steps (column-vector math)."""
    N, T, _ = x.shape
    hs = np.zeros((N, T, H))
    for n in range(N):
        h = np.zeros(H) if h0 is None else h0[n]
        for t in range(T):
            h = np.tanh(params["W_xh"] @ x[n, t] + params["W_hh"] @ h + params["b_h"])
            hs[n, t] = h
    return hs


def loop_loss(params, x, labels, mask):
    """Mean cross-entropy over the steps where mask is True, one step at a time."""
    hs = loop_states(params, x)
    total, count = 0.0, 0
    for n in range(x.shape[0]):
        for t in range(x.shape[1]):
            if mask[n, t]:
                s = params["W_hy"] @ hs[n, t] + params["b_y"]
                log_z = math.log(sum(math.exp(v) for v in s))
                total += log_z - s[labels[n, t]]
                count += 1
    return total / count


@pytest.fixture
def batch(rng):
    params = init_rnn_params(D, H, O, rng)
    params["b_h"] = rng.normal(size=H) * 0.1  # non-zero biases so their gradients are tested
    params["b_y"] = rng.normal(size=O) * 0.1
    x = rng.normal(size=(3, 6, D))
    labels = rng.integers(0, O, size=(3, 6))
    mask = lengths_to_mask(np.array([6, 2, 4]))
    return params, x, labels, mask


# --- lengths_to_mask and pad_sequences -------------------------------------------------------

def test_lengths_to_mask_known_values():
    got = lengths_to_mask(np.array([2, 4, 1]), T=5)
    expected = np.array([[1, 1, 0, 0, 0], [1, 1, 1, 1, 0], [1, 0, 0, 0, 0]], dtype=bool)
    assert got.dtype == bool
    np.testing.assert_array_equal(got, expected)
    assert lengths_to_mask([3, 1]).shape == (2, 3)  # T defaults to the longest length


@pytest.mark.parametrize("lengths, T, match", [
    ([], None, "non-empty"),
    ([2, 0], None, ">= 1"),
    ([2.0, 3.0], None, "integers"),
    ([2, 5], 4, "T: must be >= the longest length 5"),
])
def test_lengths_to_mask_bad_input(lengths, T, match):
    with pytest.raises(ValueError, match=match):
        lengths_to_mask(np.array(lengths), T)


def test_pad_sequences_1d_and_2d():
    padded, mask = pad_sequences([np.array([1, 2, 3]), np.array([4])], value=-1)
    np.testing.assert_array_equal(padded, [[1, 2, 3], [4, -1, -1]])
    np.testing.assert_array_equal(mask, [[True, True, True], [True, False, False]])
    a, b = np.ones((2, 3)), 2 * np.ones((4, 3))
    padded, mask = pad_sequences([a, b], T=5)
    assert padded.shape == (2, 5, 3) and mask.shape == (2, 5)
    np.testing.assert_array_equal(padded[0, :2], a)
    np.testing.assert_array_equal(padded[0, 2:], 0)
    np.testing.assert_array_equal(padded[1, :4], b)
    assert mask.sum() == 6


def test_pad_sequences_keeps_floats_after_an_integer_sequence():
    padded, _ = pad_sequences([np.array([1, 2]), np.array([0.5])])
    assert padded.dtype == np.float64 and padded[1, 0] == 0.5


@pytest.mark.parametrize("seqs, err, match", [
    ([], TypeError, "non-empty list"),
    (np.ones((2, 3)), TypeError, "non-empty list"),
    ([np.ones((2, 3)), np.ones((2, 4))], ValueError, r"sequences\[1\].*D = 3.*\(2, 4\)"),
    ([np.ones(3), np.ones((0,))], ValueError, r"sequences\[1\]"),
    ([np.ones((2, 3, 1))], ValueError, r"sequences\[0\]"),
])
def test_pad_sequences_bad_input(seqs, err, match):
    with pytest.raises(err, match=match):
        pad_sequences(seqs)


# --- parameters and scores --------------------------------------------------------------------

def test_init_rnn_params_shapes_seed_and_radius():
    p = init_rnn_params(D, H, O, 0)
    shapes = {"W_xh": (H, D), "W_hh": (H, H), "b_h": (H,), "W_hy": (O, H), "b_y": (O,)}
    assert {k: v.shape for k, v in p.items()} == shapes
    q = init_rnn_params(D, H, O, 0)
    assert all(np.array_equal(p[k], q[k]) for k in p)  # same seed, same weights
    r = init_rnn_params(D, H, O, 0, radius=0.7)
    assert np.isclose(np.max(np.abs(np.linalg.eigvals(r["W_hh"]))), 0.7)


def test_rnn_scores_match_a_loop(batch):
    params, x, _, _ = batch
    hs = loop_states(params, x)
    expected = np.einsum("oh,nth->nto", params["W_hy"], hs) + params["b_y"]
    np.testing.assert_allclose(rnn_scores(params, x), expected, rtol=1e-12, atol=1e-12)


def test_initial_state_is_used(batch, rng):
    params, x, labels, _ = batch
    h0 = rng.normal(size=(3, H)) * 0.5
    hs = loop_states(params, x, h0)
    expected = np.einsum("oh,nth->nto", params["W_hy"], hs) + params["b_y"]
    np.testing.assert_allclose(rnn_scores(params, x, h0), expected, rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="state: expected shape"):
        many_to_many_loss(params, x, labels, state=h0[:, :-1])


def test_rnn_scores_bad_params(batch):
    params, x, _, _ = batch
    with pytest.raises(ValueError, match=r"missing \['W_hy'\]"):
        rnn_scores({k: v for k, v in params.items() if k != "W_hy"}, x)
    with pytest.raises(ValueError, match=r"params\['W_hh'\]"):
        rnn_scores(dict(params, W_hh=params["W_hh"][:, :-1]), x)
    with pytest.raises(TypeError, match="params"):
        rnn_scores([params], x)


# --- many_to_many_loss ------------------------------------------------------------------------

def test_loss_value_matches_a_loop_with_and_without_mask(batch):
    params, x, labels, mask = batch
    loss, _ = many_to_many_loss(params, x, labels, mask)
    assert math.isclose(loss, loop_loss(params, x, labels, mask), rel_tol=1e-12)
    loss_all, _ = many_to_many_loss(params, x, labels)
    assert math.isclose(loss_all, loop_loss(params, x, labels, np.ones_like(mask)), rel_tol=1e-12)
    assert not math.isclose(loss, loss_all, rel_tol=1e-3)  # the mask really matters here


def test_masked_gradients_pass_finite_differences(batch):
    params, x, labels, mask = batch
    errors = check_gradients(lambda: many_to_many_loss(params, x, labels, mask), params)
    assert max(errors.values()) < 1e-7, errors


def test_masked_gradients_match_finite_differences_of_the_loop_loss(batch):
    # independent of rnnlib's forward pass: differentiate the explicit loop numerically
    params, x, labels, mask = batch
    _, grads = many_to_many_loss(params, x, labels, mask)
    for name in ("W_hh", "b_y"):
        num = numerical_gradient(lambda: loop_loss(params, x, labels, mask), params[name])
        np.testing.assert_allclose(grads[name], num, rtol=1e-6, atol=1e-9)


def test_padding_content_does_not_matter_when_masked(batch):
    params, x, labels, mask = batch
    loss, grads = many_to_many_loss(params, x, labels, mask)
    x2, labels2 = x.copy(), labels.copy()
    x2[~mask] = 100.0  # garbage in the padded steps
    labels2[~mask] = (labels2[~mask] + 1) % O
    loss2, grads2 = many_to_many_loss(params, x2, labels2, mask)
    assert math.isclose(loss, loss2, rel_tol=1e-12)
    for k in grads:
        np.testing.assert_allclose(grads[k], grads2[k], rtol=1e-10, atol=1e-14)


def test_padded_batch_equals_sequence_by_sequence(batch):
    params, x, labels, mask = batch
    lengths = mask.sum(axis=1)
    loss, grads = many_to_many_loss(params, x, labels, mask)
    total, acc = 0.0, {k: np.zeros_like(v) for k, v in params.items()}
    for n, L in enumerate(lengths):  # each sequence alone, unpadded, weighted by its length
        l_n, g_n = many_to_many_loss(params, x[n:n + 1, :L], labels[n:n + 1, :L])
        total += l_n * L / lengths.sum()
        for k in acc:
            acc[k] += g_n[k] * L / lengths.sum()
    assert math.isclose(loss, total, rel_tol=1e-12)
    for k in grads:
        np.testing.assert_allclose(grads[k], acc[k], rtol=1e-10, atol=1e-14)


def test_many_to_many_loss_bad_input(batch):
    params, x, labels, mask = batch
    with pytest.raises(ValueError, match=r"labels: class indices must lie in \[0, 3\]"):
        many_to_many_loss(params, x, np.full(labels.shape, O))
    with pytest.raises(TypeError, match="labels"):
        many_to_many_loss(params, x, labels.astype(float))
    with pytest.raises(TypeError, match="mask: expected a boolean"):
        many_to_many_loss(params, x, labels, mask.astype(int))
    with pytest.raises(ValueError, match="mask"):
        many_to_many_loss(params, x, labels, mask[:, :-1])
    with pytest.raises(ValueError, match="mask: every step is masked out"):
        many_to_many_loss(params, x, labels, np.zeros_like(mask))
    with pytest.raises(ValueError, match="x"):
        many_to_many_loss(params, x[0], labels)


# --- masked_accuracy --------------------------------------------------------------------------

def test_masked_accuracy_known_value():
    scores = np.zeros((2, 3, 2))
    scores[..., 1] = [[1, -1, 1], [1, 1, -1]]  # predictions [[1, 0, 1], [1, 1, 0]]
    labels = np.array([[1, 1, 0], [1, 0, 0]])
    mask = np.array([[True, True, False], [True, True, True]])
    # counted steps: (0,0) right, (0,1) wrong, (1,0) right, (1,1) wrong, (1,2) right -> 3/5
    assert masked_accuracy(scores, labels, mask) == pytest.approx(3 / 5)
    assert masked_accuracy(scores, labels) == pytest.approx(3 / 6)


def test_masked_accuracy_bad_mask():
    scores, labels = np.zeros((2, 3, 2)), np.zeros((2, 3), dtype=int)
    with pytest.raises(TypeError, match="mask: expected a boolean"):
        masked_accuracy(scores, labels, np.ones((2, 3), dtype=int))
    with pytest.raises(ValueError, match="every step is masked out"):
        masked_accuracy(scores, labels, np.zeros((2, 3), dtype=bool))


# --- toy tasks --------------------------------------------------------------------------------

def test_running_sign_data():
    x, labels, mask = running_sign_data(50, 3, min_len=4, max_len=9)
    assert x.shape == (50, 9, 1) and labels.shape == mask.shape == (50, 9)
    assert x.dtype == np.float64 and labels.dtype == np.int64 and mask.dtype == bool
    lengths = mask.sum(axis=1)
    assert lengths.min() >= 4 and lengths.max() <= 9
    for n in range(50):
        s = 0.0
        for t in range(9):
            if mask[n, t]:
                s += x[n, t, 0]
                assert labels[n, t] == int(s > 0)
            else:
                assert x[n, t, 0] == 0 and labels[n, t] == 0
    x2, _, _ = running_sign_data(50, 3, min_len=4, max_len=9)
    np.testing.assert_array_equal(x, x2)  # same seed, same data
    with pytest.raises(ValueError, match="min_len"):
        running_sign_data(5, 0, min_len=6, max_len=5)


def test_recall_first_data():
    x, labels, mask = recall_first_data(40, 7, 0, noise=0.5)
    assert x.shape == (40, 7, 2) and labels.shape == mask.shape == (40, 7)
    np.testing.assert_array_equal(x[:, 0, 0], 2 * labels[:, -1] - 1)  # +1 -> class 1
    np.testing.assert_array_equal(x[:, 1:, 0], 0)
    assert np.all(labels == labels[:, :1])
    np.testing.assert_array_equal(mask.sum(axis=1), 1)
    assert mask[:, -1].all()
    assert 0 < labels[:, 0].mean() < 1
    with pytest.raises(ValueError, match="T"):
        recall_first_data(4, 0, 0)


def test_recall_first_data_with_a_longer_sequence():
    # known values: without noise, channel 0 of a 5-step sequence with distance T = 2 is
    # (0, 0, 0, s, 0) with s = +1 for class 1 and -1 for class 0, and channel 1 is all zeros
    x, labels, mask = recall_first_data(6, 2, 3, noise=0.0, length=5)
    assert x.shape == (6, 5, 2) and labels.shape == mask.shape == (6, 5)
    for n in range(6):
        s = 1.0 if labels[n, -1] == 1 else -1.0
        np.testing.assert_array_equal(x[n, :, 0], [0.0, 0.0, 0.0, s, 0.0])
    assert 0 < labels[:, -1].mean() < 1  # both classes occur
    np.testing.assert_array_equal(x[:, :, 1], 0.0)
    np.testing.assert_array_equal(mask[:, -1], True)
    assert mask.sum() == 6
    # length = T is the default: the same draws, the bit at the first step
    for a, b in zip(recall_first_data(8, 4, 1, 2.0, length=4), recall_first_data(8, 4, 1, 2.0),
                    strict=True):
        np.testing.assert_array_equal(a, b)
    # distractors fill every step, before the bit too, with the standard deviation asked for
    x, _, _ = recall_first_data(4000, 3, 0, noise=2.0, length=10)
    assert np.all(x[:, :, 1] != 0)
    assert abs(x[:, :, 1].std() - 2.0) < 0.05 and abs(x[:, :, 1].mean()) < 0.05
    with pytest.raises(ValueError, match=r"length: expected at least T = 6 steps"):
        recall_first_data(4, 6, 0, length=5)


# --- grad_norms_by_distance -------------------------------------------------------------------

def test_grad_norms_closed_form_in_the_linear_regime():
    # x = 0 and b = 0 keep h at 0, so 1 - h^2 = 1 and dL_k/dh_0 = u W^k: for W = g * orthogonal
    # every step multiplies the norm by exactly g.
    g, T = 0.8, 12
    W = orthogonal(H, 0, gain=g)
    u = np.zeros(H)
    u[0] = 1.0
    norms = grad_norms_by_distance(W, np.ones((H, 1)), np.zeros((2, T, 1)), u=u)
    np.testing.assert_allclose(norms, g ** np.arange(1, T + 1), rtol=1e-12)


def test_grad_norms_match_finite_differences_wrt_h0(rng):
    W_hh, W_xh = rng.normal(size=(H, H)) * 0.6, rng.normal(size=(H, 2))
    b_h, u = rng.normal(size=H) * 0.1, rng.normal(size=H)
    x = rng.normal(size=(2, 5, 2))
    params = {"W_xh": W_xh, "W_hh": W_hh, "b_h": b_h}
    expected = np.zeros(5)
    for k in range(1, 6):
        for n in range(2):  # d(u . h_k)/dh_0 by centred differences through the explicit loop
            h0 = np.zeros((1, H))

            def f(n=n, k=k, h0=h0):
                return float(u @ loop_states(params, x[n:n + 1, :k], h0)[0, -1])

            expected[k - 1] += np.linalg.norm(numerical_gradient(f, h0)) / 2  # mean over N
    got = grad_norms_by_distance(W_hh, W_xh, x, b_h=b_h, u=u)
    np.testing.assert_allclose(got, expected, rtol=1e-7)


def test_grad_norms_match_the_product_of_jacobians(rng):
    W_hh, W_xh = rng.normal(size=(H, H)) * 0.5, rng.normal(size=(H, 1))
    x = rng.normal(size=(1, 8, 1))
    hs = loop_states({"W_xh": W_xh, "W_hh": W_hh, "b_h": np.zeros(H)}, x)[0]
    u = np.ones(H) / np.sqrt(H)
    J, expected = np.eye(H), []
    for t in range(8):
        J = np.diag(1 - hs[t] ** 2) @ W_hh @ J  # dh_t/dh_0 = diag(1 - h_t^2) W_hh dh_{t-1}/dh_0
        expected.append(np.linalg.norm(u @ J))
    np.testing.assert_allclose(grad_norms_by_distance(W_hh, W_xh, x), expected, rtol=1e-12)


def test_grad_norms_bad_input():
    with pytest.raises(ValueError, match="W_hh"):
        grad_norms_by_distance(np.ones((3, 4)), np.ones((3, 1)), np.zeros((1, 2, 1)))
    with pytest.raises(ValueError, match="u"):
        grad_norms_by_distance(np.eye(3), np.ones((3, 1)), np.zeros((1, 2, 1)), u=np.ones(4))
