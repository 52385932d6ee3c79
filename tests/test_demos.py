"""rnnlib.demos: the spectral-radius player of notebook 05 (values, frames, lazy matplotlib)."""

import gc
import subprocess
import sys
import warnings

import numpy as np
import pytest

from rnnlib import demos


def weights(H=6, D=2, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(H, H)) / np.sqrt(H), rng.normal(size=(H, D)) / np.sqrt(D)


def test_curves_in_the_linear_regime_are_norms_of_matrix_powers():
    # With x = 0 and no bias every h_t is 0, so 1 - h^2 = 1 and the gradient that has crossed
    # k steps is u W^k exactly: an independent formula, computed here with matrix_power.
    W_hh, W_xh = weights()
    T, H = 7, W_hh.shape[0]
    x = np.zeros((3, T, 2))
    radii = [0.5, 1.0, 1.3]
    norms = demos.radius_curves(W_hh, W_xh, x, radii)
    assert norms.shape == (3, T)
    u = np.ones(H) / np.sqrt(H)
    rho = np.max(np.abs(np.linalg.eigvals(W_hh)))
    for i, r in enumerate(radii):
        W = W_hh * (r / rho)
        expected = [np.linalg.norm(u @ np.linalg.matrix_power(W, k)) for k in range(1, T + 1)]
        np.testing.assert_allclose(norms[i], expected, rtol=1e-12)


def test_a_single_radius_and_a_single_step():
    W_hh, W_xh = weights(H=3, D=1)
    norms = demos.radius_curves(W_hh, W_xh, np.zeros((1, 1, 1)), [0.8])
    u = np.ones(3) / np.sqrt(3)
    rho = np.max(np.abs(np.linalg.eigvals(W_hh)))
    assert norms.shape == (1, 1)
    assert norms[0, 0] == pytest.approx(np.linalg.norm(u @ (W_hh * 0.8 / rho)), rel=1e-12)


def test_the_curve_falls_below_one_and_rises_above_one_in_the_linear_regime():
    W_hh, W_xh = weights(H=8, seed=3)
    norms = demos.radius_curves(W_hh, W_xh, np.zeros((2, 40, 2)), [0.7, 1.4])
    assert norms[0, -1] < 1e-3 < norms[1, -1]


@pytest.mark.parametrize("radii", [[], [[0.5, 1.0]], [0.5, 0.0], [1.0, -0.2], [np.nan]])
def test_bad_radii_are_refused_with_the_argument_named(radii):
    W_hh, W_xh = weights()
    with pytest.raises(ValueError, match="radii"):
        demos.radius_curves(W_hh, W_xh, np.zeros((1, 4, 2)), radii)


def test_weights_of_the_wrong_shape_are_blamed_on_their_name():
    W_hh, W_xh = weights()
    with pytest.raises(ValueError, match="W_xh"):
        demos.radius_curves(W_hh, W_xh.T, np.zeros((1, 4, 2)), [1.0])


def test_the_player_has_one_embedded_frame_per_radius_and_a_slider():
    pytest.importorskip("matplotlib")
    W_hh, W_xh = weights()
    x = 0.1 * np.random.default_rng(1).normal(size=(2, 10, 2))
    radii = [0.6, 1.0, 1.4]
    html = demos.radius_player(W_hh, W_xh, x, radii, dpi=40)
    assert html.count("data:image/png;base64") == len(radii)
    assert 'type="range"' in html


def test_the_animation_draws_the_curves_it_returns():
    pytest.importorskip("matplotlib")
    W_hh, W_xh = weights()
    x = 0.1 * np.random.default_rng(2).normal(size=(2, 10, 2))
    anim, norms = demos.radius_animation(W_hh, W_xh, x, [0.6, 1.2], dpi=40)
    np.testing.assert_array_equal(norms, demos.radius_curves(W_hh, W_xh, x, [0.6, 1.2]))
    artists = anim._func(1)  # the frame for the second radius
    np.testing.assert_array_equal(artists[0].get_ydata(), norms[1])
    np.testing.assert_allclose(artists[1].get_ydata(), 1.2 ** np.arange(1, 11))
    with warnings.catch_warnings():  # frames were drawn by hand, not by rendering it all
        warnings.simplefilter("ignore", UserWarning)
        del anim, artists
        gc.collect()


def test_importing_demos_does_not_import_matplotlib():
    code = ("import sys, rnnlib; before = 'matplotlib' in sys.modules; import rnnlib.demos; "
            "print(before, 'matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[1] == out[0], "rnnlib.demos imported matplotlib at import time"
