"""rnnlib.demos: notebook 05's largest-singular-value player (values, frames, lazy matplotlib)."""

import gc
import re
import subprocess
import sys
import warnings
from html import unescape

import numpy as np
import pytest

from rnnlib import demos


def weights(H=6, D=2, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(H, H)) / np.sqrt(H), rng.normal(size=(H, D)) / np.sqrt(D)


def player_case(seed=1):
    """Weights and a small batch (2 sequences of 10 steps) for the player's tests."""
    W_hh, W_xh = weights()
    return W_hh, W_xh, 0.1 * np.random.default_rng(seed).normal(size=(2, 10, 2))


def test_scaling_sets_the_largest_singular_value_and_moves_the_radius_with_it():
    W, _ = weights()
    W2, rho = demos.scale_to_sigma_max(W, 1.7)
    # independent: singular values from the eigenvalues of W2^T W2, radius from W's eigenvalues
    assert np.sqrt(np.max(np.linalg.eigvalsh(W2.T @ W2))) == pytest.approx(1.7, rel=1e-12)
    factor = 1.7 / np.sqrt(np.max(np.linalg.eigvalsh(W.T @ W)))
    assert rho == pytest.approx(np.max(np.abs(np.linalg.eigvals(W))) * factor, rel=1e-12)
    assert rho <= 1.7 + 1e-12  # never above sigma_max


def test_curves_in_the_linear_regime_are_norms_of_matrix_powers():
    # With x = 0 and no bias every h_t is 0, so 1 - h^2 = 1 and the gradient that has crossed
    # k steps is u W^k exactly: an independent formula, computed here with matrix_power.
    W_hh, W_xh = weights()
    T, H = 7, W_hh.shape[0]
    x = np.zeros((3, T, 2))
    sigmas = [0.5, 1.0, 1.3]
    norms, rhos = demos.sigma_curves(W_hh, W_xh, x, sigmas)
    assert norms.shape == (3, T) and rhos.shape == (3,)
    u = np.ones(H) / np.sqrt(H)
    sigma = np.linalg.svd(W_hh, compute_uv=False)[0]
    for i, s in enumerate(sigmas):
        W = W_hh * (s / sigma)
        expected = [np.linalg.norm(u @ np.linalg.matrix_power(W, k)) for k in range(1, T + 1)]
        np.testing.assert_allclose(norms[i], expected, rtol=1e-12)
        assert np.all(norms[i] <= s ** np.arange(1, T + 1) * (1 + 1e-12))  # the bound holds


def test_a_single_sigma_and_a_single_step():
    W_hh, W_xh = weights(H=3, D=1)
    norms, _ = demos.sigma_curves(W_hh, W_xh, np.zeros((1, 1, 1)), [0.8])
    u = np.ones(3) / np.sqrt(3)
    sigma = np.linalg.svd(W_hh, compute_uv=False)[0]
    assert norms.shape == (1, 1)
    assert norms[0, 0] == pytest.approx(np.linalg.norm(u @ (W_hh * 0.8 / sigma)), rel=1e-12)


def test_below_one_the_curve_must_fall_and_far_above_it_can_rise():
    W_hh, W_xh = weights(H=8, seed=3)
    norms, rhos = demos.sigma_curves(W_hh, W_xh, np.zeros((2, 40, 2)), [0.99, 4.0])
    assert np.all(np.diff(norms[0]) < 0) and norms[0, -1] < 0.99 ** 40
    assert rhos[1] > 1 and norms[1, -1] > 1


@pytest.mark.parametrize("sigmas", [[], [[0.5, 1.0]], [0.5, 0.0], [1.0, -0.2], [np.nan]])
def test_bad_sigmas_are_refused_with_the_argument_named(sigmas):
    W_hh, W_xh = weights()
    with pytest.raises(ValueError, match="sigmas"):
        demos.sigma_curves(W_hh, W_xh, np.zeros((1, 4, 2)), sigmas)


def test_weights_of_the_wrong_shape_are_blamed_on_their_name():
    W_hh, W_xh = weights()
    with pytest.raises(ValueError, match="W_xh"):
        demos.sigma_curves(W_hh, W_xh.T, np.zeros((1, 4, 2)), [1.0])


def test_the_player_has_one_frame_per_sigma_a_slider_and_the_same_html_every_time():
    pytest.importorskip("matplotlib")
    W_hh, W_xh, x = player_case(1)
    sigmas = [0.6, 1.0, 1.4]
    html, norms = demos.sigma_player(W_hh, W_xh, x, sigmas, dpi=40)
    np.testing.assert_array_equal(norms, demos.sigma_curves(W_hh, W_xh, x, sigmas)[0])
    assert html.count("data:image/png;base64") == len(sigmas)
    assert 'type="range"' in html
    assert "http" not in html and 'class="fa' not in html  # works offline: no web font
    assert html == demos.sigma_player(W_hh, W_xh, x, sigmas, dpi=40)[0]  # no random id left
    assert html != demos.sigma_player(W_hh, W_xh, x, [0.6, 1.0, 1.5], dpi=40)[0]


def test_the_players_frames_have_alternative_text_with_each_frames_verdict():
    pytest.importorskip("matplotlib")
    W_hh, W_xh, x = player_case(1)
    sigmas = [0.6, 1.0, 2.6]
    html, _ = demos.sigma_player(W_hh, W_xh, x, sigmas, dpi=40)
    (img,) = re.findall(r"<img\b[^>]*>", html)
    alt = unescape(re.search(r'\balt="([^"]*)"', img).group(1))
    rhos = [demos.scale_to_sigma_max(W_hh, s)[1] for s in sigmas]
    assert alt.startswith("Player of a line plot, one frame per largest singular value")
    for s, rho in zip(sigmas, rhos, strict=True):  # each frame's title, as its text says
        assert f"σ_max {s:.2f}, radius {rho:.2f}: " in alt
    assert "σ_max 0.60, radius" in alt and alt.count("must vanish") == 1
    assert alt.endswith("can explode.") and rhos[-1] >= 1 > rhos[0]


def test_the_players_buttons_are_drawings_that_need_no_font():
    pytest.importorskip("matplotlib")
    W_hh, W_xh, x = player_case(1)
    html, _ = demos.sigma_player(W_hh, W_xh, x, [0.6, 1.0], dpi=40)
    buttons = re.findall(r"<button[^>]*aria-label=\"([^\"]+)\"[^>]*>(.*?)</button>", html, re.S)
    assert [label for label, _ in buttons] == [
        "Decrease speed", "First frame", "Previous frame", "Play backwards", "Pause", "Play",
        "Next frame", "Last frame", "Increase speed"]
    for label, inside in buttons:  # a shape, and no character a font would have to draw
        assert "<svg" in inside and "<path" in inside or "<rect" in inside, label
        assert not re.sub(r"<[^>]*>", "", inside).strip(), label
    box = re.search(r'<div id="(player[0-9a-f]{16})">', html).group(1)
    assert f"#{box} input[type=range].anim-slider" in html  # its own layout, for it alone


def test_the_animation_draws_the_curves_it_returns():
    pytest.importorskip("matplotlib")
    W_hh, W_xh, x = player_case(2)
    anim, norms = demos.sigma_animation(W_hh, W_xh, x, [0.6, 1.2], dpi=40)
    expected, rhos = demos.sigma_curves(W_hh, W_xh, x, [0.6, 1.2])
    np.testing.assert_array_equal(norms, expected)
    artists = anim._func(1)  # the frame for the second sigma
    k = np.arange(1, 11)
    np.testing.assert_allclose(artists[0].get_ydata(), norms[1], rtol=1e-5)  # rounded
    np.testing.assert_allclose(artists[1].get_ydata(), 1.2 ** k)
    np.testing.assert_allclose(artists[2].get_ydata(), rhos[1] ** k, rtol=1e-7)
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
