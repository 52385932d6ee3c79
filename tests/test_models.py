"""The sequence-to-one models (regression_loss, classification_loss, last_step_scores):
values against a hand loop, gradients against finite differences, bad input, and a short
training run. (many_to_many_loss is tested in test_sequences.py.)"""

import numpy as np
import pytest

from rnnlib import (
    SGD,
    AdaGrad,
    check_gradients,
    classification_loss,
    init_rnn_params,
    last_step_scores,
    regression_loss,
    small_random,
    train,
)

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


def random_params(D, H, O, rng):
    params = init_rnn_params(D, H, O, rng)
    for p in params.values():
        p[...] = rng.normal(0.0, 0.5, size=p.shape)
    return params


@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_regression_matches_loop_and_gradients(N, T, D, H, rng):
    params = random_params(D, H, 2, rng)
    x, y = rng.normal(size=(N, T, D)), rng.normal(size=(N, 2))
    assert np.allclose(last_step_scores(params, x), loop_scores(params, x))
    expected_loss = np.mean((loop_scores(params, x) - y) ** 2)  # mean over N * O entries
    assert np.isclose(regression_loss(params, x, y)[0], expected_loss)
    errors = check_gradients(lambda: regression_loss(params, x, y), params)
    assert set(errors) == {"W_xh", "W_hh", "b_h", "W_hy", "b_y"}
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("N,T,D,H", SHAPES)
def test_classification_matches_loop_and_gradients(N, T, D, H, rng):
    params = random_params(D, H, 1, rng)
    x = rng.normal(size=(N, T, D))
    y = (rng.random((N, 1)) < 0.5).astype(float)
    p = 1 / (1 + np.exp(-loop_scores(params, x)))
    bce = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))  # mean over the N sequences
    assert np.isclose(classification_loss(params, x, y)[0], bce)
    errors = check_gradients(lambda: classification_loss(params, x, y), params)
    assert max(errors.values()) < 1e-7, errors


def test_grads_parallel_to_params(rng):
    params = init_rnn_params(3, 4, 1, rng)
    _, grads = regression_loss(params, rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 1)))
    assert {k: g.shape for k, g in grads.items()} == {k: p.shape for k, p in params.items()}
    assert params["W_xh"].shape == (4, 3) and params["W_hy"].shape == (1, 4)


def test_same_seed_same_weights_and_init_is_used():
    a, b = init_rnn_params(1, 8, 1, 3), init_rnn_params(1, 8, 1, 3)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    small = init_rnn_params(1, 8, 1, 3, init=small_random)
    assert np.abs(small["W_hh"]).max() < 0.1  # 0.01-scale weights, not N(0, 1/8)'s ~0.35


def test_bad_input(rng):
    params = init_rnn_params(2, 3, 1, rng)
    x = rng.normal(size=(4, 5, 2))
    with pytest.raises(ValueError, match=r"x: expected shape \(N, T, D\)"):
        last_step_scores(params, rng.normal(size=(4, 5, 3)))  # D = 3, model expects 2
    with pytest.raises(ValueError, match="x: expected 3-D"):
        last_step_scores(params, rng.normal(size=(4, 5)))
    with pytest.raises(TypeError, match="x: expected a floating-point"):
        last_step_scores(params, np.ones((4, 5, 2), dtype=int))
    with pytest.raises(ValueError, match="y: expected shape"):
        regression_loss(params, x, rng.normal(size=(3, 1)))
    with pytest.raises(ValueError, match="y: expected 2-D"):
        regression_loss(params, x, rng.normal(size=4))
    with pytest.raises(ValueError, match="y: expected only 0.0 and 1.0"):
        classification_loss(params, x, np.full((4, 1), 0.5))
    with pytest.raises(ValueError, match="O = 1"):
        classification_loss(init_rnn_params(2, 3, 2, rng), x, np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"params: missing \['b_y'\]"):
        regression_loss({k: v for k, v in params.items() if k != "b_y"}, x, np.ones((4, 1)))
    with pytest.raises(TypeError, match="params: expected a dict"):
        regression_loss([params], x, np.ones((4, 1)))
    with pytest.raises(TypeError, match="rng"):
        init_rnn_params(2, 3, 1, rng="seed")


def test_training_lowers_the_loss(rng):
    # regressor: predict the mean of each window; classifier: sign of the sum
    x = rng.normal(size=(64, 5, 1))
    y = x.mean(axis=1)
    reg = init_rnn_params(1, 8, 1, 0)
    losses = train(regression_loss, reg, SGD(lr=0.2), (x, y), steps=200)
    assert losses[-1] < 0.3 * losses[0]
    labels = (x.sum(axis=1) > 0).astype(float)
    clf = init_rnn_params(1, 8, 1, 0)
    losses = train(classification_loss, clf, AdaGrad(lr=0.1), (x, labels), steps=100)
    assert losses[-1] < 0.5 * losses[0]
    assert np.mean((last_step_scores(clf, x) > 0) == labels) > 0.9
