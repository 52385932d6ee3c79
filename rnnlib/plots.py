"""Plots that several notebooks draw the same way (matplotlib is imported on first use).

Also the course's one way to show a figure with alternative text (``show``): the text is
stored in the output's metadata as ``{"image/png": {"alt": ...}}``, the key that the
course's book (book/course_book.py) and nbconvert's classic HTML template put on the
``<img>`` (JupyterLab 4.6 does not use it yet). nbval compares neither output metadata nor
PNG bytes, so the text never makes a test depend on the CPU; it is made only from text the
figure already shows (titles, axis labels, legend entries)."""

import re

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


# The line style of each curve of plot_losses, in order: the second one is not dashed, so that
# it does not look like the dashed reference line.
CURVE_STYLES = ("-", "-.", "--", ":")


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
    - hline, hline_label: a horizontal reference line (e.g. the best possible loss), black
      and dashed.

    Each curve has its own colour and its own line style (solid, dash-dot, dashed, dotted, in
    that order), so that the curves can be told apart without seeing colours; the faint raw
    curves are solid.
    """
    if ax is None:
        import matplotlib.pyplot as plt  # here, so that `import rnnlib` does not load matplotlib

        _, ax = plt.subplots(figsize=(6, 3.5))
    for i, (label, values) in enumerate(curves.items()):
        values, style = np.asarray(values), CURVE_STYLES[i % len(CURVE_STYLES)]
        if smooth_beta is None:
            ax.plot(values, linestyle=style, label=label)
        else:
            (line,) = ax.plot(values, alpha=0.25, label=f"{label} (every step)")
            ax.plot(smooth(values, smooth_beta), color=line.get_color(), linestyle=style,
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


# Mathtext that the course's labels use, as the characters a screen reader can speak.
_MATH = {r"\partial": "∂", r"\|": "‖", r"\sigma": "σ", r"\rho": "ρ", r"\psi": "ψ",
         r"\sum": "Σ", r"\max": "max", r"\,": " ", r"\/": "/", r"\ ": " "}


def plain(text):
    """A matplotlib label without its mathtext markup: $\\sigma_{\\max}^k$ -> σ_max^k."""
    def strip(match):
        body = match.group(1)
        for command, char in _MATH.items():
            body = body.replace(command, char)
        body = re.sub(r"\\(mathrm|mathbf|operatorname|text)\b", "", body)
        return re.sub(r"[{}]", "", body)

    return re.sub(r"\s+", " ", re.sub(r"\$([^$]*)\$", strip, text)).strip()


def _kind(ax):
    from matplotlib.collections import PathCollection
    from matplotlib.container import BarContainer, ErrorbarContainer

    if ax.images:
        return "heatmap"
    if any(isinstance(c, ErrorbarContainer) for c in ax.containers):
        return "plot with error bars"
    if any(isinstance(c, BarContainer) for c in ax.containers):
        return "bar chart"
    if ax.lines:
        return "line plot"
    if any(isinstance(c, PathCollection) for c in ax.collections):
        return "scatter plot"
    return "plot"


def _axis(ax, which):
    """The axis label (taken from a panel sharing the axis if this one has none), with scale."""
    shared = ax.get_shared_x_axes() if which == "x" else ax.get_shared_y_axes()
    labels = [(a.get_xlabel if which == "x" else a.get_ylabel)()
              for a in [ax, *shared.get_siblings(ax)]]
    label = plain(next((t for t in labels if t.strip()), ""))
    scale = (ax.get_xscale if which == "x" else ax.get_yscale)()
    if label and scale == "log" and "log" not in label:
        label += " (log scale)"
    return label


def _entries(legend):
    if legend is None:
        return ""
    texts = [plain(t.get_text()) for t in legend.get_texts() if t.get_text().strip()]
    title = plain(legend.get_title().get_text())
    # Entries are separated by semicolons: an entry may hold a comma ("rnn, noise on").
    return f"Legend{' (' + title + ')' if title else ''}: " + "; ".join(texts) if texts else ""


def _sentence(text):
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def _panel(ax):
    """Sentences for one axes: kind and title; what against what; second axis; legend."""
    head = _kind(ax) + (": " + plain(ax.get_title()) if ax.get_title() else "")
    y, x = _axis(ax, "y"), _axis(ax, "x")
    parts = [head, f"{y} against {x}" if y and x else y or x]
    rows = [plain(t.get_text()) for t in ax.get_yticklabels() if t.get_text().strip()]
    if ax.images and any(c.isalpha() for c in "".join(rows)):  # named rows, not 0, 1, 2
        parts.append("rows: " + "; ".join(rows))
    for child in ax.child_axes:  # a secondary axis (secondary_yaxis) shows a second unit
        other = plain(child.get_ylabel() or child.get_xlabel())
        parts.append(f"second axis: {other}" if other else "")
    parts.append(_entries(ax.get_legend()))
    return [p for p in parts if p]


def describe(fig):
    """Alternative text for a figure, made from what it says about itself.

    The figure's title (or its panels' titles) says what to see, as every figure of the
    course does; the text adds the kind of plot, what is plotted against what, the legend
    and the colour scale of a heatmap, one short sentence each.

    Inputs:
    - fig: a matplotlib Figure.

    Returns:
    - alt: str, e.g. "Line plot: below radius 1 the gradient fades. ‖∂L_k/∂h_0‖ (log scale)
      against distance k (steps). Legend: spectral radius 0.5; spectral radius 1.5."
    """
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"fig: expected a matplotlib Figure, got {type(fig).__name__}")
    shown = [ax for ax in fig.axes if ax.get_visible()]
    bars = [ax for ax in shown if ax.get_label() == "<colorbar>"]
    panels = [ax for ax in shown if ax not in bars]
    title = plain(fig.get_suptitle())
    if not title and not any(ax.get_title() for ax in panels):
        raise ValueError("fig: it has no title to describe it; give it a title that says what "
                         "to see (ax.set_title or fig.suptitle), or pass alt= to show()")
    sentences = [title]
    for i, ax in enumerate(panels, 1):
        parts = _panel(ax)
        if len(panels) > 1:
            parts[0] = f"panel {i} of {len(panels)}, {parts[0]}"
        sentences += parts
    sentences += [_entries(legend) for legend in fig.legends]
    sentences += [f"colour scale: {plain(bar.get_ylabel() or bar.get_xlabel())}"
                  for bar in bars if bar.get_ylabel() or bar.get_xlabel()]
    return " ".join(_sentence(s) for s in sentences if s)


def show(fig=None, alt=None):
    """Show a figure in the notebook with its alternative text, and close it.

    Use it in place of ``plt.show()`` at the end of a cell that draws a figure. The figure is
    displayed once, as the PNG ``plt.show()`` would give, with ``alt`` in the output's
    metadata (``{"image/png": {"alt": alt}}``). Outside a Jupyter kernel it calls
    ``plt.show()``.

    Inputs:
    - fig: the Figure (default: the current one, ``plt.gcf()``).
    - alt: the alternative text: what the figure shows, its point first. Default:
      ``describe(fig)``, made from its titles, axis labels and legend.

    Returns None, so that a cell ending with show(...) prints nothing else.
    """
    import matplotlib.pyplot as plt

    fig = plt.gcf() if fig is None else fig
    text = describe(fig) if alt is None else alt
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"alt: expected a sentence saying what the figure shows, got {alt!r}")
    try:
        from IPython import get_ipython
    except ImportError:  # not even IPython: a plain script
        get_ipython = None
    shell = get_ipython() if get_ipython is not None else None
    if shell is None or getattr(shell, "kernel", None) is None:
        plt.show()
        return None
    from IPython.display import display

    display(fig, metadata={"image/png": {"alt": text}})
    plt.close(fig)  # so that the inline backend does not show it a second time
    return None
