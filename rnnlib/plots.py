"""Plots that several notebooks draw the same way (matplotlib is imported on first use)."""

import numpy as np

from ._checks import check_positive, validated


def _smooth_args(values, beta=0.9):
    a = np.asarray(values)
    if a.ndim != 1 or not np.issubdtype(a.dtype, np.number):
        raise ValueError(f"values: expected a 1-D sequence of numbers, got dtype {a.dtype} "
                         f"and shape {a.shape}")
    if check_positive("beta", beta, allow_zero=True) >= 1:
        raise ValueError(f"beta: expected a number in [0, 1), got {beta}")


@validated(_smooth_args)
def smooth(values, beta=0.9):
    """Exponential moving average with bias correction: s_k = beta s_{k-1} + (1-beta) v_k."""
    values = np.asarray(values, dtype=np.float64)
    out = np.empty_like(values)
    s = 0.0
    for k, v in enumerate(values):
        s = beta * s + (1 - beta) * v
        out[k] = s / (1 - beta ** (k + 1))  # divide out the pull towards the initial 0
    return out


def _plot_args(curves, ax=None, logy=False, smooth_beta=None, **labels):
    if not isinstance(curves, dict) or not curves:
        raise TypeError("curves: expected a non-empty dict label -> 1-D sequence of losses")
    for values in curves.values():
        _smooth_args(values, 0.0 if smooth_beta is None else smooth_beta)


@validated(_plot_args)
def plot_losses(curves, ax=None, logy=False, smooth_beta=None, xlabel="step",
                ylabel="loss", title=None, hline=None, hline_label=None):
    """Draw one or more loss curves on one axis and return the axis.

    Inputs:
    - curves: dict label -> 1-D sequence of losses (one curve each).
    - ax: axis to draw on (a new figure if None).
    - logy: log scale on the y axis.
    - smooth_beta: if given, draw the raw curve faintly and its moving average on top (both
      in the legend: "label (every step)" and "label (moving average)").
    - hline, hline_label: a horizontal reference line (e.g. the best possible loss).
    """
    if ax is None:
        import matplotlib.pyplot as plt  # here, so that `import rnnlib` does not load matplotlib

        _, ax = plt.subplots(figsize=(6, 3.5))
    for label, values in curves.items():
        values = np.asarray(values)
        if smooth_beta is None:
            ax.plot(values, label=label)
        else:
            (line,) = ax.plot(values, alpha=0.25, label=f"{label} (every step)")
            ax.plot(smooth(values, smooth_beta), color=line.get_color(),
                    label=f"{label} (moving average)")
    if hline is not None:
        ax.axhline(hline, color="k", linestyle="--", linewidth=1, label=hline_label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    return ax
