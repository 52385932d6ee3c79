"""Classroom demos that need no running kernel: notebook 05's largest-singular-value player.

The slider in notebook 05 (ipywidgets) redraws the figure through the kernel. The player
made here is a matplotlib animation saved as HTML (``Animation.to_jshtml``): every frame is
drawn in advance and embedded as an image, and a slider with play buttons steps through
them in the browser alone. It works in the slideshow, in a notebook opened without a kernel
and in an exported HTML page.

Each frame scales W_hh to a given largest singular value sigma_max and draws the measured
gradient norm against distance k, the bound sigma_max^k that it can never cross, and rho^k,
the long-run rate of the linear case (rho: spectral radius, which the scaling moves with it).

matplotlib is imported inside the functions that draw, so ``import rnnlib.demos`` stays light.
"""

import hashlib
import re
from html import escape

import numpy as np

from ._checks import check_array, check_positive, validated
from .diagnostics import grad_norms_by_distance

# Five frames (each an embedded PNG of about 40 kB), from "must vanish" to "can explode".
DEFAULT_SIGMAS = (0.5, 1.0, 1.4, 1.8, 2.6)


def _check_sigmas(sigmas):
    sigmas = np.asarray(sigmas, dtype=np.float64)
    if sigmas.ndim != 1 or sigmas.size == 0:
        raise ValueError(f"sigmas: expected a non-empty 1-D sequence, got shape {sigmas.shape}")
    for s in sigmas:
        check_positive("sigmas", float(s))
    return sigmas


def _scale_args(W, sigma):
    check_array("W", W, "H H")
    check_positive("sigma", sigma)


@validated(_scale_args)
def scale_to_sigma_max(W, sigma):
    """W times a positive factor so that its largest singular value is sigma.

    Returns a tuple of:
    - W_scaled: (H, H) array.
    - rho: its spectral radius (the scaling multiplies both numbers by the same factor).
    """
    factor = sigma / np.linalg.norm(W, 2)  # norm 2 of a matrix: its largest singular value
    return W * factor, float(np.max(np.abs(np.linalg.eigvals(W)))) * factor


def _curves_args(W_hh, W_xh, x, sigmas=DEFAULT_SIGMAS, interval=700, dpi=100):
    dims = {}
    check_array("W_hh", W_hh, "H H", dims)
    check_array("W_xh", W_xh, "H D", dims)
    check_array("x", x, "N T D", dims)
    _check_sigmas(sigmas)
    check_positive("interval", interval)
    check_positive("dpi", dpi)


@validated(_curves_args)
def sigma_curves(W_hh, W_xh, x, sigmas=DEFAULT_SIGMAS):
    """Gradient norm against distance for W_hh rescaled to each largest singular value in turn.

    Inputs:
    - W_hh: (H, H), W_xh: (H, D), x: (N, T, D), as for ``grad_norms_by_distance``.
    - sigmas: S positive values of the largest singular value.

    Returns a tuple of:
    - norms: (S, T) float64, norms[i, k-1] = mean ||dL_k/dh_0|| with sigma_max = sigmas[i].
    - rhos: (S,) the spectral radius of each scaled W_hh.
    """
    sigmas = _check_sigmas(sigmas)
    scaled = [scale_to_sigma_max(W_hh, s) for s in sigmas]
    norms = np.stack([grad_norms_by_distance(W, W_xh, x) for W, _ in scaled])  # (S, T)
    return norms, np.array([rho for _, rho in scaled])


def _verdict(sigma, rho):
    if sigma < 1:
        return "must vanish"
    if rho < 1:
        return "the bound allows growth, the radius is below 1"
    return "radius at least 1: can explode"


@validated(_curves_args)
def sigma_animation(W_hh, W_xh, x, sigmas=DEFAULT_SIGMAS, interval=700, dpi=100):
    """A matplotlib animation with one frame per largest singular value.

    Each frame draws the measured gradient norm against distance k (log scale), the bound
    sigma_max^k and the long-run rate rho^k. The y range is the same in every frame, so the
    eye sees the curves move, not the axis.

    Inputs:
    - W_hh, W_xh, x, sigmas: as for ``sigma_curves``.
    - interval: milliseconds per frame when the player runs; dpi: resolution of the frames
      (at 100 and the course's style file, notebooks/matplotlibrc, the text of a frame shown
      at its own size is 18 px high, readable on a projector).

    The text takes its sizes from matplotlib's settings (the course's style file).

    Returns a tuple of:
    - anim: matplotlib.animation.FuncAnimation (call ``anim.to_jshtml()`` for the player).
    - norms: (S, T), the measured curves (drawn rounded to a relative 1e-6).
    """
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    sigmas = _check_sigmas(sigmas)
    norms, rhos = sigma_curves(W_hh, W_xh, x, sigmas)
    k = np.arange(1, norms.shape[1] + 1)  # distances 1..T
    # What is drawn is rounded (6 decimals of log10, a relative step of about 1e-6, far below a
    # pixel): another BLAS kernel changes the last bits of the norms, and the anti-aliased
    # pixels of the frames would change with them; rounded, the frames are the same bytes.
    drawn = 10.0 ** np.round(np.log10(np.maximum(norms, 1e-300)), 6)
    rhos = np.round(rhos, 9)

    fig, ax = plt.subplots(figsize=(8, 3.8), dpi=dpi)
    (measured,) = ax.semilogy(k, drawn[0], lw=2, label=r"measured $\|\partial L_k/\partial h_0\|$")
    (bound,) = ax.semilogy(k, sigmas[0] ** k, "--", label=r"$\sigma_{\max}^k$: bound at every k")
    (linear,) = ax.semilogy(k, rhos[0] ** k, ":", label=r"$\rho^k$: long-run rate, linear case")
    # Up to 1e30, so that the upper left corner is free in every frame: the legend goes there.
    ax.set(xlabel="distance k (steps)", ylabel="gradient norm", ylim=(1e-20, 1e30))
    ax.legend(loc="upper left")

    def draw(i):
        measured.set_ydata(drawn[i])
        bound.set_ydata(sigmas[i] ** k)
        linear.set_ydata(rhos[i] ** k)
        ax.set_title(rf"$\sigma_{{\max}}$ {sigmas[i]:.2f}, radius {rhos[i]:.2f}: "
                     f"{_verdict(sigmas[i], rhos[i])}")
        return measured, bound, linear

    draw(0)
    fig.tight_layout()  # after a title is set, so that it fits in every frame
    anim = FuncAnimation(fig, draw, frames=len(sigmas), interval=interval, blit=False)
    plt.close(fig)  # the player shows the frames; do not show the figure a second time
    return anim, norms


def _player_alt(sigmas, rhos):
    """The alternative text of the player's frames: what they show, then one verdict each."""
    frames = "; ".join(f"σ_max {s:.2f}, radius {r:.2f}: {_verdict(s, r)}"
                       for s, r in zip(sigmas, rhos, strict=True))
    return ("Player of a line plot, one frame per largest singular value σ_max of W_hh: the "
            "measured gradient norm ‖∂L_k/∂h_0‖ (log scale) against distance k in steps stays "
            "below its bound σ_max^k (dashed) at every distance, beside the long-run rate ρ^k "
            f"of the linear case (dotted). Frames: {frames}.")


# Font Awesome classes used by matplotlib's player, and the drawing (SVG, 16 x 16) that replaces
# each: shapes need no font, so the buttons show on any machine, offline and in the slideshow.
_TRIANGLE_RIGHT, _TRIANGLE_LEFT = "M4 2 13 8 4 14Z", "M12 2 3 8 12 14Z"
_ICONS = {
    "fa-minus": '<rect x="2" y="7" width="12" height="2"/>',
    "fa-fast-backward": '<rect x="1" y="2" width="2" height="12"/><path d="M9 2 3 8 9 14Z"/>'
                        '<path d="M15 2 9 8 15 14Z"/>',
    "fa-step-backward": '<rect x="2" y="2" width="2" height="12"/><path d="M13 2 5 8 13 14Z"/>',
    "fa-play fa-flip-horizontal": f'<path d="{_TRIANGLE_LEFT}"/>',
    "fa-pause": '<rect x="3" y="2" width="3.5" height="12"/><rect x="9.5" y="2" width="3.5"'
                ' height="12"/>',
    "fa-play": f'<path d="{_TRIANGLE_RIGHT}"/>',
    "fa-step-forward": '<path d="M3 2 11 8 3 14Z"/><rect x="12" y="2" width="2" height="12"/>',
    "fa-fast-forward": '<path d="M1 2 7 8 1 14Z"/><path d="M7 2 13 8 7 14Z"/>'
                       '<rect x="13" y="2" width="2" height="12"/>',
    "fa-plus": '<rect x="2" y="7" width="12" height="2"/><rect x="7" y="2" width="2" height="12"/>',
}

# The player's own layout, for its element only: the slider as wide as the frames, buttons and
# labels in the size of the text around them (22 px in the slideshow, whose style sets it).
_PLAYER_STYLE = """<style>
#{box} .animation {{ font-size: inherit; }}
#{box} .animation img {{ max-width: 100%; }}
#{box} input[type=range].anim-slider {{ width: 100%; height: 1.2em; }}
#{box} .anim-buttons button {{ width: 2.4em; height: 1.9em; padding: 0.25em; font: inherit;
  color: #222; vertical-align: middle; }}
#{box} .anim-buttons svg {{ width: 1.1em; height: 1.1em; fill: currentColor; }}
#{box} .anim-state, #{box} .anim-state label {{ font-size: inherit; }}
#{box} .anim-state input {{ width: 1em; height: 1em; }}
</style>"""


@validated(_curves_args)
def sigma_player(W_hh, W_xh, x, sigmas=DEFAULT_SIGMAS, interval=700, dpi=100):
    """The animation of ``sigma_animation`` as an HTML player (frames, slider, buttons).

    matplotlib names the player's elements with a random id; it is replaced here by one made
    from the page's content, so the same frames give the same HTML on every run. Nothing is
    fetched from the web: the buttons are drawings (SVG) instead of web-font icons, and the
    player's slider, buttons and labels take the size of the text around them.

    Returns a tuple of:
    - html: str, for ``IPython.display.HTML(html)``; it needs no kernel to play.
    - norms: (S, T), the measured curve of each frame.
    """
    anim, norms = sigma_animation(W_hh, W_xh, x, sigmas, interval, dpi)
    html = anim.to_jshtml(default_mode="once")
    # The frames' image gets alternative text: what every frame shows, and each frame's verdict.
    rhos = [round(scale_to_sigma_max(W_hh, s)[1], 9) for s in _check_sigmas(sigmas)]
    html = html.replace('<img id="_anim_img', f'<img alt="{escape(_player_alt(sigmas, rhos))}" '
                        'id="_anim_img', 1)
    # matplotlib's player loads its button icons (Font Awesome) from a web server; the course
    # works offline, so the link goes and each icon becomes a small drawing.
    html = re.sub(r'<link rel="stylesheet"\s+href="https?://[^"]*font-awesome[^"]*">', "", html)
    for icon, shapes in _ICONS.items():
        svg = (f'<svg viewBox="0 0 16 16" aria-hidden="true" focusable="false">{shapes}</svg>')
        html = html.replace(f'<i class="fa {icon}"></i>', svg)
    ids = set(re.findall(r"_anim_img([0-9a-f]{32})", html))
    if len(ids) == 1:
        (old,) = ids
        new = hashlib.sha256(html.replace(old, "").encode()).hexdigest()[:32]  # without the old id
        html = html.replace(old, new)
    box = f"player{hashlib.sha256(html.encode()).hexdigest()[:16]}"
    html = f'{_PLAYER_STYLE.format(box=box)}\n<div id="{box}">\n{html}\n</div>'
    return html, norms
