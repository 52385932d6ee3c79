"""Alternative text for figures: rnnlib.plots.describe and show, and every stored figure.

describe() makes the text from what a figure shows (titles, axis labels, legends, colour
scale); show() displays the figure once with that text in the output's metadata, where the course's
book and nbconvert's classic HTML template put it on the <img>. The last test reads the stored
outputs of every notebook: a figure without alternative text fails it.
"""

import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlib import plots  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_describe_a_line_plot_from_its_title_axes_and_legend():
    fig, ax = plt.subplots()
    ax.semilogy([1, 2, 3], [1, 0.1, 0.01], label="rnn, noise on")
    ax.semilogy([1, 2, 3], [1, 1, 1], label="gru")
    ax.set(title="The gradient fades with distance", xlabel="distance k (steps)",
           ylabel=r"$\|\partial L_k / \partial h_0\|$")
    ax.legend()
    assert plots.describe(fig) == (
        "Line plot: The gradient fades with distance. ‖∂ L_k / ∂ h_0‖ (log scale) against "
        "distance k (steps). Legend: rnn, noise on; gru.")


def test_describe_panels_shared_axis_heatmap_and_colour_scale():
    fig = plt.figure()
    ax1 = fig.add_subplot(1, 3, 1)
    ax2 = fig.add_subplot(1, 3, 2, sharey=ax1)  # no label of its own: it shares ax1's
    ax3 = fig.add_subplot(1, 3, 3)
    ax1.plot([0, 1], [0, 1])
    ax1.set(title="SGD falls", xlabel="step", ylabel="loss (nats)")
    ax2.plot([0, 1], [1, 0])
    ax2.set(title="AdaGrad falls", xlabel="step")
    image = ax3.imshow(np.zeros((2, 3)))
    ax3.set_yticks([0, 1], ["space", "vowel"])
    ax3.set(title="Units", xlabel="character")
    fig.colorbar(image, ax=ax3, label="activation")
    fig.suptitle("Training and what the units track")
    assert plots.describe(fig) == (
        "Training and what the units track. Panel 1 of 3, line plot: SGD falls. Loss (nats) "
        "against step. Panel 2 of 3, line plot: AdaGrad falls. Loss (nats) against step. "
        "Panel 3 of 3, heatmap: Units. Character. Rows: space; vowel. "
        "Colour scale: activation.")


def test_plain_speaks_the_mathtext_of_the_course():
    assert plots.plain(r"$\sigma_{\max}^k$: bound") == "σ_max^k: bound"
    assert plots.plain(r"$\|\partial L_k/\partial x_1\| \,/\, \|\partial L_1/\partial x_1\|$") \
        == "‖∂ L_k/∂ x_1‖ / ‖∂ L_1/∂ x_1‖"
    assert plots.plain("no math, 5 $ and 3") == "no math, 5 $ and 3"  # a lone $ is text


def test_a_figure_needs_a_title_or_an_explicit_text():
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    with pytest.raises(ValueError, match="fig: it has no title"):
        plots.describe(fig)
    with pytest.raises(TypeError, match="fig: expected a matplotlib Figure, got Axes"):
        plots.describe(ax)
    with pytest.raises(ValueError, match="alt: expected a sentence"):
        plots.show(fig, alt="  ")


def test_outside_a_kernel_show_is_plt_show(monkeypatch):
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(True))
    fig, ax = plt.subplots()
    ax.set_title("A title")
    assert plots.show(fig) is None
    assert shown == [True]


FIGURE_CELLS = [
    # describe()'s text, a figure passed by name
    "import matplotlib.pyplot as plt\nfrom rnnlib.plots import show\n"
    "fig, ax = plt.subplots()\nax.plot([3, 2, 1], label='loss')\n"
    "ax.set(title='The loss falls', xlabel='step', ylabel='loss')\nax.legend()\nshow(fig)",
    # an explicit text for the current figure, drawn by plot_losses
    "import rnnlib\nrnnlib.plot_losses({'a': [2, 1]}, title='Falls')\n"
    "show(alt='Line plot: one loss curve falls from 2 to 1.')",
]


def test_in_a_kernel_show_stores_the_text_once_and_nbconvert_can_put_it_on_the_img():
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in FIGURE_CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    expected = ["Line plot: The loss falls. Loss against step. Legend: loss.",
                "Line plot: one loss curve falls from 2 to 1."]
    for cell, alt in zip(nb.cells, expected, strict=True):
        assert [o["output_type"] for o in cell.outputs] == ["display_data"], cell.outputs
        assert cell.outputs[0]["data"]["image/png"]  # shown once, as a PNG
        assert cell.outputs[0]["metadata"] == {"image/png": {"alt": alt}}
    # nbconvert 7's classic template reads the key; its default "lab" template does not.
    html, _ = HTMLExporter(template_name="classic").from_notebook_node(nb)
    for alt in expected:
        assert f'alt="{alt}"' in html


def notebooks():
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) + sorted(
        (ROOT / "notebooks" / "solutions").glob("*.ipynb"))


NOT_A_DESCRIPTION = {"plot", "figure", "image", "chart", "graph"}


def figures_without_text(path):
    """Each stored figure (PNG output, or <img> in an HTML output) that lacks alt text."""
    missing = []
    for i, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
        for output in cell.get("outputs", []):
            data, metadata = output.get("data", {}), output.get("metadata", {})
            if "image/png" in data:
                alt = (metadata.get("image/png") or {}).get("alt", metadata.get("alt"))
                if not isinstance(alt, str) or alt.strip().lower() in NOT_A_DESCRIPTION | {""} \
                        or alt.startswith("<Figure"):
                    missing.append(f"cell {i} ({cell.get('id')}): PNG with alt {alt!r}")
            html = "".join(data.get("text/html", ""))
            for tag in re.findall(r"<img\b[^>]*>", html):
                if not re.search(r'\balt="[^"]*\w', tag):
                    missing.append(f"cell {i} ({cell.get('id')}): HTML {tag[:60]}")
    return missing


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.name)
def test_every_stored_figure_has_alternative_text(path):
    missing = figures_without_text(path)
    assert not missing, f"{path.name}: figures without alternative text:\n" + "\n".join(missing)


def test_the_check_finds_a_figure_without_text_and_accepts_one_with_it(tmp_path):
    nb = nbformat.v4.new_notebook()
    png = nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=",
                                                       "text/plain": "<Figure>"})
    described = nbformat.v4.new_output(
        "display_data", data={"image/png": "iVBORw0KGgo="},
        metadata={"image/png": {"alt": "Line plot: the loss falls."}})
    player = nbformat.v4.new_output("display_data", data={"text/html": '<img id="frame">'})
    nb.cells = [nbformat.v4.new_code_cell("", outputs=[png, described, player])]
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, path)
    missing = figures_without_text(path)
    assert len(missing) == 2 and "PNG with alt None" in missing[0] and "HTML" in missing[1]
