"""The navigation cells and slide metadata of every notebook are up to date.

They are made by ``notebooks/tools/course.py``; if this test fails, run
``python notebooks/tools/course.py`` and commit the notebooks it rewrites.
"""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def load_tool():
    spec = importlib.util.spec_from_file_location("course", NOTEBOOKS / "tools" / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def lessons():
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def test_navigation_and_slides_are_up_to_date(capsys):
    assert load_tool().main(["--check"]) == 0, capsys.readouterr().out


@pytest.mark.parametrize("path", lessons(), ids=lambda p: p.name)
def test_every_lesson_links_to_its_neighbours(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    nav = ["".join(c["source"]) for c in cells if "course navigation" in "".join(c["source"])]
    assert len(nav) == 2, "a navigation cell at the top and one at the bottom"
    names = [p.name for p in lessons()]
    i = names.index(path.name)
    for cell in nav:
        assert "README.md#the-notebooks" in cell
        if i > 0:
            assert f"({names[i - 1]})" in cell
        if i + 1 < len(names):
            assert f"({names[i + 1]})" in cell
    assert "## The notebooks" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", lessons(), ids=lambda p: p.name)
def test_every_lesson_is_a_slideshow(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    kinds = [c["metadata"].get("slideshow", {}).get("slide_type") for c in cells]
    assert kinds[0] == "slide", "the title cell opens the talk"
    assert None not in kinds, "every cell has a slide type"
    assert kinds.count("slide") >= 3


def test_the_tool_replaces_its_own_cells_and_keeps_the_rest():
    import nbformat

    tool = load_tool()
    node = nbformat.read(lessons()[0], as_version=4)
    own = [c for c in node["cells"] if not "".join(c["source"]).startswith(tool.NAV_MARKER)]
    top = tool.nav_cell(None, ("Contents", "c"), ("Next", "n"))
    tool.place_nav(node, top, top, "x")
    once = nbformat.writes(node)
    tool.place_nav(node, top, top, "x")
    assert nbformat.writes(node) == once
    marked = [c for c in node["cells"] if "".join(c["source"]).startswith(tool.NAV_MARKER)]
    assert len(marked) == 2
    rest = [c for c in node["cells"] if c not in marked]
    assert [c["source"] for c in rest] == [c["source"] for c in own]
