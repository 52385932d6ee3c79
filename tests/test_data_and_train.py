"""Generated data, initialisers and the training loop."""

import numpy as np
import pytest

import rnnlib


def test_ar2_without_noise_follows_the_recurrence():
    s = rnnlib.ar2_series(5, rng=0, noise_std=0.0)
    assert np.allclose(s, [20, 21, 0.7 * 21 + 0.2 * 20, 0.7 * 18.7 + 0.2 * 21,
                           0.7 * 17.29 + 0.2 * 18.7])


def test_ar2_is_reproducible_and_uses_its_generator():
    a = rnnlib.ar2_series(50, rng=np.random.default_rng(7))
    b = rnnlib.ar2_series(50, rng=7)
    c = rnnlib.ar2_series(50, rng=8)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_ar2_residuals_have_the_noise_std():
    s = rnnlib.ar2_series(20000, rng=3)
    resid = s[2:] - 0.7 * s[1:-1] - 0.2 * s[:-2]
    assert np.std(resid) == pytest.approx(0.5, rel=0.03)


def test_sliding_windows_by_hand():
    x, y = rnnlib.sliding_windows(np.arange(6.0), 4)
    assert x.shape == (2, 4, 1) and y.shape == (2, 1)
    assert np.array_equal(x[:, :, 0], [[0, 1, 2, 3], [1, 2, 3, 4]])
    assert np.array_equal(y[:, 0], [4, 5])
    with pytest.raises(ValueError, match="window"):
        rnnlib.sliding_windows(np.arange(6.0), 6)


def test_initialisers(rng):
    q = rnnlib.orthogonal(6, rng)
    assert np.allclose(q @ q.T, np.eye(6))
    w = rnnlib.scale_to_spectral_radius(rng.normal(size=(5, 5)), 1.1)
    assert np.max(np.abs(np.linalg.eigvals(w))) == pytest.approx(1.1)
    assert np.std(rnnlib.lecun_normal(400, 100, rng)) == pytest.approx(0.1, rel=0.05)
    assert rnnlib.small_random(3, 2, rng).shape == (3, 2)


def test_train_fits_a_line_and_stops_on_divergence():
    # loss = mean((w*x - 2x)^2): SGD should drive w to 2
    x = np.linspace(-1, 1, 11)[:, None]
    params = {"w": np.zeros((1, 1))}

    def loss_and_grads(params, x, y):
        loss, d = rnnlib.mse_loss(x @ params["w"].T, y)
        return loss, {"w": d.T @ x}

    losses = rnnlib.train(loss_and_grads, params, rnnlib.SGD(0.5), (x, 2 * x), steps=200)
    assert losses.shape == (200,) and losses[-1] < 1e-6 < losses[0]
    assert params["w"][0, 0] == pytest.approx(2.0, abs=1e-3)
    params["w"][:] = 0.0
    with pytest.raises(FloatingPointError, match="step .* learning rate"):
        rnnlib.train(loss_and_grads, params, rnnlib.SGD(1e3), (x, 2 * x), steps=500)


@pytest.mark.parametrize("optimizer", [rnnlib.SGD(0.3), rnnlib.AdaGrad(0.3)])
def test_freeze_keeps_the_named_weights_bit_for_bit(optimizer):
    rng = np.random.default_rng(2)
    params = rnnlib.init_rnn_params(1, 4, 1, rng)
    start = {k: v.copy() for k, v in params.items()}
    x, y = rng.normal(size=(8, 5, 1)), rng.normal(size=(8, 1))
    recurrence = ("W_xh", "W_hh", "b_h")
    readout_only = rnnlib.freeze(rnnlib.regression_loss, recurrence)
    losses = rnnlib.train(readout_only, params, optimizer, (x, y), steps=20, clip_norm=0.5)
    for k in recurrence:
        assert np.array_equal(params[k], start[k])  # not one bit changed
    for k in ("W_hy", "b_y"):
        assert not np.allclose(params[k], start[k])  # the others learnt
    assert losses[-1] < losses[0]
    # the loss is the model's; the frozen gradients are zeros of the right shape
    loss, grads = readout_only(params, x, y)
    assert loss == rnnlib.regression_loss(params, x, y)[0]
    assert all(grads[k].shape == params[k].shape and not grads[k].any() for k in recurrence)


def test_freeze_clips_the_trained_weights_alone():
    # a global norm over the trained weights only: one SGD step of length lr * clip_norm
    rng = np.random.default_rng(3)
    params = rnnlib.init_rnn_params(1, 4, 1, rng)
    start = {k: v.copy() for k, v in params.items()}
    x, y = rng.normal(size=(8, 5, 1)), 10 + rng.normal(size=(8, 1))  # a large gradient
    frozen = rnnlib.freeze(rnnlib.regression_loss, ["W_hh"])
    _, grads = rnnlib.regression_loss(params, x, y)
    assert rnnlib.global_norm({k: g for k, g in grads.items() if k != "W_hh"}) > 1.0
    rnnlib.train(frozen, params, rnnlib.SGD(0.1), (x, y), steps=1, clip_norm=1.0)
    moved = np.sqrt(sum(np.sum((params[k] - start[k]) ** 2) for k in params))
    assert moved == pytest.approx(0.1, rel=1e-12)


def test_freeze_bad_input_is_named():
    with pytest.raises(TypeError, match=r"names: expected a non-empty list or tuple"):
        rnnlib.freeze(rnnlib.regression_loss, "W_hh")  # a string, not a list of names
    with pytest.raises(TypeError, match=r"loss_fn: expected a function"):
        rnnlib.freeze({"W_hh": 0}, ["W_hh"])
    params = rnnlib.init_rnn_params(1, 3, 1, 0)
    x, y = np.zeros((2, 3, 1)), np.zeros((2, 1))
    with pytest.raises(ValueError, match=r"names: \['W_xx'\] are not weights of this model"):
        rnnlib.freeze(rnnlib.regression_loss, ["W_hh", "W_xx"])(params, x, y)
