"""rnnlib.plots: the moving average against a hand computation; a legend that hides no curve."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from rnnlib import plot_losses, smooth  # noqa: E402


def test_smooth_by_hand():
    # beta = 0.5: s1 = 0.5*2 = 1 -> 1/0.5 = 2; s2 = 0.5*1 + 0.5*4 = 2.5 -> 2.5/0.75
    np.testing.assert_allclose(smooth([2.0, 4.0], beta=0.5), [2.0, 2.5 / 0.75])


def test_every_drawn_curve_is_in_the_legend():
    for beta in (None, 0.9):
        ax = plot_losses({"a": [3, 2, 1], "b": [1, 1, 1]}, smooth_beta=beta, hline=0.5,
                         hline_label="floor")
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert len(labels) == len(ax.get_lines())  # one legend entry per line drawn
        if beta is not None:
            assert "a (every step)" in labels and "a (moving average)" in labels
        plt.close(ax.figure)


def test_curves_differ_in_line_style_not_only_in_colour():
    curves = {name: [3, 2, 1] for name in "abcd"}
    for beta in (None, 0.9):
        ax = plot_losses(curves, smooth_beta=beta, hline=0.5, hline_label="floor")
        drawn = ax.get_lines()[:-1] if beta is None else ax.get_lines()[1:-1:2]  # not the raw
        styles = [line.get_linestyle() for line in drawn]
        assert len(styles) == 4 and len(set(styles)) == 4, styles
        assert ax.get_lines()[-1].get_linestyle() not in styles[:2]  # the dashed reference
        colours = [line.get_color() for line in drawn]
        assert len(set(colours)) == 4
        plt.close(ax.figure)
