"""Optimizers and clipping against their formulas, computed by hand."""

import math

import numpy as np
import pytest

import rnnlib


def test_sgd_step():
    params, grads = {"w": np.array([1.0, 2.0])}, {"w": np.array([0.5, -1.0])}
    rnnlib.SGD(lr=0.1).step(params, grads)
    assert np.allclose(params["w"], [0.95, 2.1])


def test_adagrad_two_steps_by_hand():
    params = {"w": np.array([1.0])}
    opt = rnnlib.AdaGrad(lr=0.1, eps=1e-8)
    opt.step(params, {"w": np.array([2.0])})  # mem = 4, step = 0.1*2/2 = 0.1
    assert params["w"][0] == pytest.approx(1.0 - 0.1 * 2 / math.sqrt(4 + 1e-8))
    opt.step(params, {"w": np.array([1.0])})  # mem = 5
    assert params["w"][0] == pytest.approx(0.9 - 0.1 * 1 / math.sqrt(5 + 1e-8), rel=1e-7)
    assert opt.memory["w"][0] == pytest.approx(5.0)


def test_optimizer_rejects_bad_lr_and_mismatched_grads():
    with pytest.raises(ValueError, match="lr"):
        rnnlib.SGD(lr=0)
    with pytest.raises(ValueError, match="lr"):
        rnnlib.AdaGrad(lr=-0.1)
    with pytest.raises(ValueError, match="keys"):
        rnnlib.SGD().step({"w": np.ones(2)}, {"v": np.ones(2)})
    with pytest.raises(ValueError, match=r"grads\['w'\]"):
        rnnlib.SGD().step({"w": np.ones(2)}, {"w": np.ones(3)})


def test_clip_by_value():
    g = {"a": np.array([-7.0, 0.5, 9.0])}
    rnnlib.clip_by_value(g, 5.0)
    assert np.array_equal(g["a"], [-5.0, 0.5, 5.0])


def test_clip_by_global_norm_keeps_direction():
    g = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}  # global norm 5
    assert rnnlib.global_norm(g) == pytest.approx(5.0)
    rnnlib.clip_by_global_norm(g, 1.0)
    assert np.allclose(g["a"], [0.6, 0.0]) and np.allclose(g["b"], [[0.8]])
    small = {"a": np.array([0.1, 0.2])}
    rnnlib.clip_by_global_norm(small, 1.0)  # already short enough: untouched
    assert np.array_equal(small["a"], [0.1, 0.2])
