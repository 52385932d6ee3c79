"""The gradient checker itself: it must accept right gradients and reject wrong ones."""

import json
from pathlib import Path

import numpy as np
import pytest

import rnnlib
from rnnlib import check_gradients


def test_numerical_gradient_of_a_known_function(rng):
    x = rng.normal(size=(3, 2))
    before = x.copy()
    g = rnnlib.numerical_gradient(lambda: float(np.sum(x**3)), x)
    assert np.allclose(g, 3 * before**2, rtol=1e-6, atol=1e-7)
    assert np.array_equal(x, before)  # restored exactly


def test_rel_error_properties():
    a = np.array([1.0, -2.0, 0.0])
    assert rnnlib.rel_error(a, a) == 0.0
    assert rnnlib.rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert rnnlib.rel_error(a, -a) == pytest.approx(1.0)
    assert rnnlib.rel_error(a, a * (1 + 1e-6)) == pytest.approx(1e-6 / (2 + 1e-6))


def test_check_gradients_catches_a_wrong_gradient(rng):
    p = {"w": rng.normal(size=4), "b": rng.normal(size=2)}

    def right():
        return float(np.sum(p["w"] ** 2) + np.sum(np.sin(p["b"]))), {
            "w": 2 * p["w"], "b": np.cos(p["b"])}

    def wrong():  # forgot the factor 2
        loss, g = right()
        return loss, {"w": p["w"], "b": g["b"]}

    ok = rnnlib.check_gradients(right, p)
    bad = rnnlib.check_gradients(wrong, p)
    assert max(ok.values()) < 1e-8
    assert bad["w"] > 0.3 and bad["b"] < 1e-8


def test_check_gradients_refuses_float32():
    p = {"w": np.ones(3, dtype=np.float32)}
    with pytest.raises(TypeError, match="float64"):
        rnnlib.check_gradients(lambda: (0.0, {"w": p["w"]}), p)


def _notebook_function(notebook, name):
    """Run the notebook cell that defines ``name`` and return that function: the test
    checks the very code the learner reads, not a copy that could drift from it."""
    nb = json.loads((Path(__file__).parents[1] / "notebooks" / notebook).read_text())
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and f"def {name}(" in source:
            namespace = {"np": np, "rnnlib": rnnlib}
            exec(source, namespace)
            return namespace[name]
    raise LookupError(f"{notebook} defines no {name}")


def test_check_catches_the_shortcut_bptt_shown_in_notebook_03():
    shortcut_loss = _notebook_function("03_bptt_and_gradient_checking.ipynb", "shortcut_loss")
    rng = np.random.default_rng(3)
    params = rnnlib.init_rnn_params(1, 6, 1, rng)
    x = rng.normal(size=(5, 7, 1))
    y = (x.sum(axis=1) > 0).astype(float)
    correct = check_gradients(lambda: rnnlib.classification_loss(params, x, y), params)
    shortcut = check_gradients(lambda: shortcut_loss(params, x, y), params)
    assert max(correct.values()) < rnnlib.GRAD_TOL
    assert min(shortcut.values()) > 1e-2  # every parameter's gradient is wrong
    # with no mistake switched on, the same function is correct: the check measures the bug
    fixed = check_gradients(lambda: shortcut_loss(params, x, y, mistakes=()), params)
    assert max(fixed.values()) < rnnlib.GRAD_TOL


def test_policy_tolerance_separates_round_off_from_a_small_bug():
    """GRAD_TOL at GRAD_STEP: a correct gradient of a smooth function sits far below it; the
    truncation error of a larger step (for sin, exactly 1 - sin(eps)/eps, about eps^2/6) sits
    above it; and a bug of relative size 1e-5 is caught."""
    assert rnnlib.GRAD_STEP == 1e-5 and rnnlib.GRAD_TOL == 1e-7
    p = {"w": np.array([0.3, -1.1, 2.0])}

    def right():
        return float(np.sum(np.sin(p["w"]))), {"w": np.cos(p["w"])}

    def bug():  # every entry 2e-5 too large: a relative error of about 1e-5
        return right()[0], {"w": np.cos(p["w"]) * (1 + 2e-5)}

    assert max(check_gradients(right, p).values()) < rnnlib.GRAD_TOL / 100
    eps = 2e-3  # the centred difference of sin(w) is cos(w) sin(eps) / eps
    assert check_gradients(right, p, eps=eps)["w"] == pytest.approx(eps**2 / 12, rel=1e-3)
    assert eps**2 / 12 > rnnlib.GRAD_TOL
    assert check_gradients(bug, p)["w"] > rnnlib.GRAD_TOL
