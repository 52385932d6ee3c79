"""Losses: values from formulas worked out independently, extremes, finite differences."""

import math

import numpy as np
import pytest

import rnnlib
from rnnlib import check_gradients


def test_mse_by_hand():
    loss, d = rnnlib.mse_loss(np.array([[1.0], [3.0]]), np.array([[0.0], [1.0]]))
    assert loss == pytest.approx((1 + 4) / 2)
    assert np.allclose(d, [[2 * 1 / 2], [2 * 2 / 2]])


def test_bce_known_values():
    loss, d = rnnlib.bce_with_logits_loss(np.array([[0.0]]), np.array([[1.0]]))
    assert loss == pytest.approx(math.log(2))
    assert d[0, 0] == pytest.approx(-0.5)
    z, y = 1.3, 0.0  # -log(1 - sigmoid(z)) = log(1 + e^z)
    loss, _ = rnnlib.bce_with_logits_loss(np.array([[z]]), np.array([[y]]))
    assert loss == pytest.approx(math.log1p(math.exp(z)))


@pytest.mark.parametrize("z,y,expected", [(1e4, 1.0, 0.0), (-1e4, 1.0, 1e4),
                                          (1e4, 0.0, 1e4), (-1e4, 0.0, 0.0)])
def test_bce_extreme_logits_are_finite(z, y, expected):
    loss, d = rnnlib.bce_with_logits_loss(np.array([[z]]), np.array([[y]]))
    assert loss == pytest.approx(expected, abs=1e-9)
    assert np.all(np.isfinite(d)) and abs(d[0, 0]) <= 1.0


def test_bce_rejects_non_binary_labels():
    with pytest.raises(ValueError, match="labels"):
        rnnlib.bce_with_logits_loss(np.zeros((2, 1)), np.array([[0.5], [1.0]]))


def test_softmax_ce_known_values():
    # T = 1: one label per example; the loss is the mean over the 2 counted steps
    loss, d = rnnlib.temporal_softmax_cross_entropy_loss(np.zeros((2, 1, 4)), np.array([[0], [3]]))
    assert loss == pytest.approx(math.log(4))
    assert np.allclose(d[:, 0], (np.full((2, 4), 0.25) - np.eye(4)[[0, 3]]) / 2)


def test_softmax_ce_extreme_scores_are_finite():
    scores = np.array([[[1e4, -1e4, 0.0]]])
    loss, d = rnnlib.temporal_softmax_cross_entropy_loss(scores, np.array([[1]]))
    assert loss == pytest.approx(2e4)
    assert np.all(np.isfinite(d))


def test_losses_gradients(rng):
    cases = {
        "mse": (lambda s: rnnlib.mse_loss(s, np.arange(6.0).reshape(3, 2)), (3, 2)),
        "bce": (lambda s: rnnlib.bce_with_logits_loss(s, np.array([[1.0], [0.0], [1.0]])),
                (3, 1)),
        "softmax": (lambda s: rnnlib.temporal_softmax_cross_entropy_loss(s, np.array([[2, 0, 1]])),
                    (1, 3, 4)),
    }
    for name, (fn, shape) in cases.items():
        p = {"s": rng.normal(size=shape) * 3}
        err = check_gradients(lambda fn=fn, p=p: (fn(p["s"])[0], {"s": fn(p["s"])[1]}), p)
        assert err["s"] < 1e-8, name


def test_temporal_loss_is_mean_over_counted_steps(rng):
    scores = rng.normal(size=(2, 3, 5))
    labels = np.array([[0, 4, 2], [1, 1, 3]])
    mask = np.array([[True, True, False], [True, False, False]])
    loss, d = rnnlib.temporal_softmax_cross_entropy_loss(scores, labels, mask)
    # independent: log-softmax written out per counted step
    terms = []
    for n, t in [(0, 0), (0, 1), (1, 0)]:
        s = scores[n, t]
        terms.append(math.log(np.sum(np.exp(s))) - s[labels[n, t]])
    assert loss == pytest.approx(np.mean(terms))
    assert np.all(d[~mask] == 0)


def test_temporal_loss_gradient_with_mask(rng):
    labels = np.array([[0, 4, 2, 1], [1, 1, 3, 0]])
    mask = np.array([[True, True, True, False], [True, True, False, False]])
    p = {"s": rng.normal(size=(2, 4, 5))}

    def f():
        return rnnlib.temporal_softmax_cross_entropy_loss(p["s"], labels, mask)

    assert check_gradients(lambda: (f()[0], {"s": f()[1]}), p)["s"] < 1e-8


def test_temporal_loss_rejects_bad_mask_and_labels():
    s = np.zeros((2, 3, 4))
    with pytest.raises(ValueError, match="mask"):
        rnnlib.temporal_softmax_cross_entropy_loss(s, np.zeros((2, 3), int), np.ones((3, 2), bool))
    with pytest.raises(TypeError, match="mask"):
        rnnlib.temporal_softmax_cross_entropy_loss(s, np.zeros((2, 3), int), np.ones((2, 3)))
    with pytest.raises(ValueError, match="mask"):
        rnnlib.temporal_softmax_cross_entropy_loss(s, np.zeros((2, 3), int), np.zeros((2, 3), bool))
    with pytest.raises(ValueError, match=r"labels.*\[0, 3\]"):
        rnnlib.temporal_softmax_cross_entropy_loss(s, np.full((2, 3), 4))


def test_softmax_cross_entropy_known_values():
    # scores (0, ln 3): p = (1/4, 3/4). Label 1: -ln(3/4), gradient p - onehot = (1/4, -1/4);
    # label 0: -ln(1/4), gradient (-3/4, 3/4). Huge scores stay finite (a log-softmax).
    nll, d = rnnlib.softmax_cross_entropy(np.array([[0.0, np.log(3)], [0.0, np.log(3)],
                                                    [0.0, 1e4]]), np.array([1, 0, 0]))
    np.testing.assert_allclose(nll, [np.log(4 / 3), np.log(4), 1e4], rtol=1e-12)
    np.testing.assert_allclose(d, [[0.25, -0.25], [-0.75, 0.75], [-1.0, 1.0]], atol=1e-12)
