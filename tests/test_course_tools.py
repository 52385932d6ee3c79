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


def markdown_text(cells):
    return [("".join(c["source"])).strip() for c in cells if c["cell_type"] == "markdown"]


def test_a_heading_in_the_middle_of_a_cell_starts_a_cell_of_its_own():
    import nbformat

    tool = load_tool()
    text = "Some prose.\n\n## 4. Clipping\n\nMore prose.\n\n## Exercises\n\n**1.** Do it."
    fenced = "Code:\n\n```\n## not a heading\n```\nend"
    cells = [nbformat.v4.new_markdown_cell(text, id="abc"),
             nbformat.v4.new_code_cell("x = 1", id="code"),
             nbformat.v4.new_markdown_cell(fenced, id="fen"),
             nbformat.v4.new_markdown_cell("## Already first\ntext", id="first")]
    split = tool.split_at_sections(cells)
    assert [c["id"] for c in split] == ["abc", "abc-2", "abc-3", "code", "fen", "first"]
    assert markdown_text(split)[:3] == ["Some prose.", "## 4. Clipping\n\nMore prose.",
                                        "## Exercises\n\n**1.** Do it."]
    assert tool.split_at_sections(split) == split  # running it again changes nothing


def test_on_a_copy_every_section_and_the_exercises_start_a_slide(tmp_path):
    import shutil

    tool = load_tool()
    shutil.copytree(NOTEBOOKS, tmp_path / "notebooks")
    assert tool.main(["--dir", str(tmp_path / "notebooks")]) == 0
    assert tool.main(["--check", "--dir", str(tmp_path / "notebooks")]) == 0  # idempotent
    for path in sorted((tmp_path / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        before = json.loads((NOTEBOOKS / path.name).read_text(encoding="utf-8"))
        own = [t for t in markdown_text(nb["cells"]) if tool.NAV_MARKER not in t]
        old = [t for t in markdown_text(before["cells"]) if tool.NAV_MARKER not in t]
        assert " ".join(own).split() == " ".join(old).split(), f"{path.name}: text changed"
        for cell in nb["cells"]:
            src = "".join(cell["source"])
            if cell["cell_type"] != "markdown" or tool.NAV_MARKER in src:
                continue
            heads = [line for line in src.split("\n")[1:] if line.startswith("## ")]
            assert not heads, f"{path.name}: {heads[0]!r} is in the middle of a cell"
            if src.startswith("## "):
                assert cell["metadata"]["slideshow"]["slide_type"] == "slide", src[:40]
        assert any("".join(c["source"]).startswith("## Exercises") for c in nb["cells"])
        rise = nb["metadata"]["rise"]
        assert rise["scroll"] is True and (rise["width"], rise["height"]) == (1280, 720)
        assert "font-size" in rise["overlay"] and rise["theme"] == "white"
