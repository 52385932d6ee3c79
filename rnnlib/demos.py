"""Classroom demos that need no running kernel: notebook 05's spectral-radius animation.

The slider in notebook 05 (ipywidgets) redraws the figure through the kernel. The player
made here is a matplotlib animation saved as HTML (``Animation.to_jshtml``): every frame is
drawn in advance and embedded as an image, and a slider with play buttons steps through
them in the browser alone. It works in the slideshow, in a notebook opened without a kernel
and in an exported HTML page.

matplotlib is imported inside the functions that draw, so ``import rnnlib.demos`` stays light.
"""

import numpy as np

from ._checks import check_array, check_positive
from .diagnostics import grad_norms_by_distance
from .initializers import scale_to_spectral_radius

# Seven frames (each an embedded PNG of about 25 kB), closer together around 1.
DEFAULT_RADII = (0.5, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5)


def _check_radii(radii):
    radii = np.asarray(radii, dtype=np.float64)
    if radii.ndim != 1 or radii.size == 0:
        raise ValueError(f"radii: expected a non-empty 1-D sequence, got shape {radii.shape}")
    for r in radii:
        check_positive("radii", float(r))
    return radii


def radius_curves(W_hh, W_xh, x, radii=DEFAULT_RADII):
    """Gradient norm against distance for W_hh rescaled to each spectral radius in turn.

    Inputs:
    - W_hh: (H, H), W_xh: (H, D), x: (N, T, D), as for ``grad_norms_by_distance``.
    - radii: R positive spectral radii.

    Returns:
    - norms: (R, T) float64, norms[i, k-1] = mean ||dL_k/dh_0|| with spectral radius radii[i].
    """
    dims = {}
    check_array("W_hh", W_hh, "H H", dims)
    check_array("W_xh", W_xh, "H D", dims)
    radii = _check_radii(radii)
    return np.stack([grad_norms_by_distance(scale_to_spectral_radius(W_hh, r), W_xh, x)
                     for r in radii])  # (R, T)


def radius_animation(W_hh, W_xh, x, radii=DEFAULT_RADII, interval=700, dpi=64):
    """A matplotlib animation with one frame per spectral radius; returns (animation, norms).

    Each frame draws the measured gradient norm against distance k (log scale) and the rate
    rho^k that it would follow if every 1 - h^2 were 1. The y range is the same in every
    frame, so the eye sees the curve move, not the axis.

    Inputs:
    - W_hh, W_xh, x, radii: as for ``radius_curves``.
    - interval: milliseconds per frame when the player runs; dpi: resolution of the frames.

    Returns:
    - anim: matplotlib.animation.FuncAnimation (call ``anim.to_jshtml()`` for the player).
    - norms: (R, T), the curves drawn.
    """
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    radii = _check_radii(radii)
    check_positive("interval", interval)
    check_positive("dpi", dpi)
    norms = radius_curves(W_hh, W_xh, x, radii)
    k = np.arange(1, norms.shape[1] + 1)  # distances 1..T
    low = max(norms.min(), 1e-30) / 10
    high = max(norms.max(), radii.max() ** k[-1]) * 10

    fig, ax = plt.subplots(figsize=(6.4, 3.6), dpi=dpi)
    (measured,) = ax.semilogy(k, norms[0], lw=2, label=r"measured $\|\partial L_k/\partial h_0\|$")
    (linear,) = ax.semilogy(k, radii[0] ** k, ":", label=r"$\rho^k$ (linear regime)")
    ax.set(xlabel="distance k (steps)", ylabel="gradient norm", ylim=(low, high))
    ax.legend(loc="lower left")

    def draw(i):
        measured.set_ydata(norms[i])
        linear.set_ydata(radii[i] ** k)
        trend = "vanishing" if radii[i] < 1 else "exploding" if radii[i] > 1 else "neutral"
        ax.set_title(f"spectral radius {radii[i]:.2f}: {trend}")
        return measured, linear

    draw(0)
    fig.tight_layout()  # after a title is set, so that it fits in every frame
    anim = FuncAnimation(fig, draw, frames=len(radii), interval=interval, blit=False)
    plt.close(fig)  # the player shows the frames; do not show the figure a second time
    return anim, norms


def radius_player(W_hh, W_xh, x, radii=DEFAULT_RADII, interval=700, dpi=64):
    """The animation of ``radius_animation`` as an HTML player (frames, slider, buttons).

    Returns:
    - html: str, for ``IPython.display.HTML(html)``; it needs no kernel to play.
    """
    anim, _ = radius_animation(W_hh, W_xh, x, radii, interval, dpi)
    return anim.to_jshtml(default_mode="once")
