"""RNNRegressor and RNNClassifier: values against a hand loop, gradients against finite
differences, bad input, and a short training run."""

import numpy as np
import pytest

from rnnlib import SGD, AdaGrad, check_gradients, small_random, train
from rnnlib.models import RNNClassifier, RNNRegressor

SHAPES = [(1, 1, 1, 1), (3, 4, 2, 5), (2, 6, 3, 4)]  # (N, T, D, H)


def loop_scores(params, x):
    """Independent forward pass: one sequence and one hidden unit at a time."""
    N, T, _ = x.shape
    H = params["W_hh"].shape[0]
    out = []
    for n in range(N):
        h = [0.0] * H
        for t in range(T):
            h = [np.tanh(sum(params["W_xh"][i] * x[n, t]) + sum(params["W_hh"][i] * np.array(h))
                         + params["b_h"][i]) for i in range(H)]
        out.append(params["W_hy"] @ np.array(h) + params["b_y"])
    return np.array(out)


def randomise(model, rng):
    for p in model.params.values():
        p[...] = rng.normal(0.0, 0.5, size=p.shape)


@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_regressor_matches_loop_and_gradients(N, T, D, H, rng):
    model = RNNRegressor(D, H, output_size=2, rng=rng)
    randomise(model, rng)
    x, y = rng.normal(size=(N, T, D)), rng.normal(size=(N, 2))
    assert np.allclose(model.predict(x), loop_scores(model.params, x))
    expected_loss = np.mean((loop_scores(model.params, x) - y) ** 2)
    assert np.isclose(model.loss(x, y)[0], expected_loss)
    errors = check_gradients(lambda: model.loss(x, y), model.params)
    assert set(errors) == {"W_xh", "W_hh", "b_h", "W_hy", "b_y"}
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_classifier_matches_loop_and_gradients(N, T, D, H, rng):
    model = RNNClassifier(D, H, rng=rng)
    randomise(model, rng)
    x = rng.normal(size=(N, T, D))
    y = (rng.random((N, 1)) < 0.5).astype(float)
    z = loop_scores(model.params, x)
    p = 1 / (1 + np.exp(-z))
    assert np.allclose(model.predict_proba(x), p)
    assert np.array_equal(model.predict(x), (p > 0.5).astype(float))
    bce = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert np.isclose(model.loss(x, y)[0], bce)
    errors = check_gradients(lambda: model.loss(x, y), model.params)
    assert max(errors.values()) < 1e-7, errors


def test_grads_parallel_to_params(rng):
    model = RNNRegressor(3, 4, rng=rng)
    _, grads = model.loss(rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 1)))
    assert {k: g.shape for k, g in grads.items()} == {k: p.shape for k, p in model.params.items()}
    assert model.params["W_xh"].shape == (4, 3) and model.params["W_hy"].shape == (1, 4)


def test_same_seed_same_weights_and_init_is_used():
    a, b = RNNClassifier(1, 8, rng=3), RNNClassifier(1, 8, rng=3)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)
    small = RNNRegressor(1, 8, rng=3, init=small_random)
    assert np.abs(small.params["W_hh"]).max() < 0.1  # 0.01-scale weights, not xavier's ~0.35


def test_bad_input(rng):
    model = RNNRegressor(2, 3, rng=rng)
    x = rng.normal(size=(4, 5, 2))
    with pytest.raises(ValueError, match=r"x: expected shape \(N, T, D\)"):
        model.predict(rng.normal(size=(4, 5, 3)))  # D = 3, model expects 2
    with pytest.raises(ValueError, match="x: expected 3-D"):
        model.predict(rng.normal(size=(4, 5)))
    with pytest.raises(TypeError, match="x: expected a floating-point"):
        model.predict(np.ones((4, 5, 2), dtype=int))
    with pytest.raises(ValueError, match="y: expected shape"):
        model.loss(x, rng.normal(size=(3, 1)))
    with pytest.raises(ValueError, match="y: expected 2-D"):
        model.loss(x, rng.normal(size=4))
    with pytest.raises(ValueError, match="labels"):
        RNNClassifier(2, 3, rng=rng).loss(x, np.full((4, 1), 0.5))
    with pytest.raises(ValueError, match="hidden_size"):
        RNNRegressor(2, 0, rng=0)
    with pytest.raises(TypeError, match="rng"):
        RNNRegressor(2, 3, rng="seed")
    with pytest.raises(TypeError, match="init"):
        RNNRegressor(2, 3, rng=0, init=0.01)


def test_training_lowers_the_loss(rng):
    # regressor: predict the mean of each window; classifier: sign of the sum
    x = rng.normal(size=(64, 5, 1))
    y = x.mean(axis=1)
    reg = RNNRegressor(1, 8, rng=0)
    losses = train(reg.loss, reg.params, SGD(lr=0.2), (x, y), steps=200)
    assert losses[-1] < 0.3 * losses[0]
    labels = (x.sum(axis=1) > 0).astype(float)
    clf = RNNClassifier(1, 8, rng=0)
    losses = train(clf.loss, clf.params, AdaGrad(lr=0.1), (x, labels), steps=100)
    assert losses[-1] < 0.5 * losses[0]
    assert np.mean(clf.predict(x) == labels) > 0.9
