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
    # long prose cells are cut in two (statement and notes), word for word
    assert " ".join("".join(c["source"]) for c in rest).split() == " ".join(
        "".join(c["source"]) for c in own).split()
    assert [c["id"] for c in rest if c["cell_type"] == "code"] == [
        c["id"] for c in own if c["cell_type"] == "code"]


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
        assert rise["theme"] == "white" and rise["auto_select"] == "none"
        assert path.with_suffix(".css").exists(), "the notebook's own style sheet"
    for folder in (tmp_path / "notebooks", tmp_path / "notebooks" / "solutions"):
        assert "font-size: 18px" in (folder / "rise.css").read_text(encoding="utf-8")
    rc = (tmp_path / "notebooks" / "matplotlibrc").read_text(encoding="utf-8")
    assert (tmp_path / "notebooks" / "solutions" / "matplotlibrc").read_text(
        encoding="utf-8") == rc, "the solutions run with the same figure style"


# ---------------------------------------------------------------- the talk: what the room sees

def md(text, id_, **metadata):
    import nbformat

    cell = nbformat.v4.new_markdown_cell(text, id=id_)
    cell["metadata"].update(metadata)
    return cell


def code(source, id_, outputs=(), **metadata):
    import nbformat

    cell = nbformat.v4.new_code_cell(source, id=id_)
    cell["outputs"] = [nbformat.from_dict(o) for o in outputs]
    cell["metadata"].update(metadata)
    return cell


def figure(width=640, height=400):
    """A display_data output holding a PNG header of the given size (all the tool reads)."""
    import base64
    import struct

    head = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", width,
                                                                                 height)
    return {"output_type": "display_data", "metadata": {},
            "data": {"image/png": base64.b64encode(head + bytes(40)).decode(),
                     "text/plain": "<Figure>"}}


def text_output(lines):
    return {"output_type": "stream", "name": "stdout", "text": "x\n" * lines}


LONG = "## 2. A section\n\n" + "\n\n".join(f"Paragraph {k}: " + "word " * 60 for k in range(8))


def recorded(tool, cells):
    out, decisions = tool.plan(cells)
    for cell, decision in zip(out, decisions, strict=True):
        cell["metadata"]["slideshow"] = decision
    return out, decisions


def test_a_long_statement_keeps_its_start_and_sends_the_rest_to_the_notes():
    tool = load_tool()
    out, decisions = recorded(tool, [md("# Title\n\nIntro.", "t"), md(LONG, "s"),
                                     code("x = 1", "c")])
    assert [c["id"] for c in out] == ["t", "s", "s-n2", "c"]
    head, rest = ("".join(out[i]["source"]) for i in (1, 2))
    assert head.startswith("## 2. A section\n\nParagraph 0")
    assert f"{head} {rest}".split() == LONG.split(), "cut word for word"
    assert tool.markdown_height(head) <= tool.STATEMENT_MAX
    assert [d["slide_type"] for d in decisions] == ["slide", "slide", "notes", "-"]
    assert decisions[2]["notes_of"] == "s"
    again, decided = tool.plan(out)  # a second run changes nothing
    assert [c["source"] for c in again] == [c["source"] for c in out] and decided == decisions


def test_the_summary_is_shown_in_full_on_as_many_slides_as_it_needs():
    tool = load_tool()
    items = "\n".join(f"- Point {k}: " + "word " * 40 for k in range(14))
    out, decisions = recorded(tool, [md("# T", "t"), md("## Summary\n\n" + items, "sum")])
    kinds = [d["slide_type"] for d in decisions]
    assert kinds[:2] == ["slide", "slide"] and set(kinds[2:]) == {"subslide"}, kinds
    assert all(tool.markdown_height("".join(c["source"])) <= tool.FIT for c in out[1:])
    assert "\n".join("".join(c["source"]) for c in out[1:]).split() == (
        "## Summary\n\n" + items).split()
    assert tool.plan(out)[1] == decisions


def test_a_formula_stays_on_the_slide_when_the_slide_has_room_for_it():
    tool = load_tool()
    text = ("## 3. Math\n\nIntro " + "word " * 50 + "\n\nMore " + "word " * 80
            + "\n\n$$\na_t = W x_t + b\n$$")
    assert tool.markdown_height(text) > tool.STATEMENT_MAX
    out, _ = tool.plan([md("# T", "t"), md(text, "m")])
    assert len(out) == 2 and "$$" in "".join(out[1]["source"])


def test_a_figure_shows_alone_and_the_notebooks_style_sheet_finds_its_input():
    tool = load_tool()
    out, decisions = recorded(tool, [
        md("# T", "t"), code("import numpy", "imp"), md("## 1. S\n\nText.", "s"),
        code("print(1)", "p", [text_output(1)]), code("plot()", "f", [figure(640, 300)])])
    assert decisions[1]["slide_type"] == "notes", "the imports are not for the room"
    assert decisions[3] == {"slide_type": "-"}
    assert decisions[4] == {"slide_type": "-", "input": "hidden"}
    # RISE puts t, imp (in an <aside>) in #slide-0-0, and s, p, f in #slide-1-0
    css = tool.notebook_css("x.ipynb", out)
    assert "#slide-1-0 > :nth-child(3) .jp-Cell-inputWrapper  /* cell f */" in css
    assert css.count("jp-Cell-inputWrapper") == 1


def test_code_that_does_not_fit_under_its_statement_starts_the_next_subslide():
    tool = load_tool()
    lines = "\n".join(f"x{k} = {k}" for k in range(12))
    out, decisions = recorded(tool, [md("# T", "t"), md("## 1. S\n\nText.", "s"),
                                     code(lines, "a", [text_output(2)]),
                                     code("plot()", "b", [figure(900, 420)])])
    assert [d["slide_type"] for d in decisions[2:]] == ["-", "subslide"]
    positions = tool.slide_positions(decisions)
    assert positions[3] == (1, 1, 1)


def test_a_maintainer_overrides_what_the_tool_decides_with_talk():
    tool = load_tool()
    out, decisions = recorded(tool, [
        md("# T", "t"), md(LONG, "s", talk={"split": False}),
        code("plot()", "f", [figure()], talk={"input": "shown"}),
        md("A short statement.", "x", talk={"slide_type": "notes"}),
        code("y = 2", "y", talk={"slide_type": "subslide"})])
    assert [c["id"] for c in out] == ["t", "s", "f", "x", "y"], "not split"
    assert "input" not in decisions[2] and decisions[3]["slide_type"] == "notes"
    assert decisions[4]["slide_type"] == "subslide"


def test_markdown_blocks_are_cut_between_paragraphs_items_formulas_and_tables():
    tool = load_tool()
    text = ("## Head\n\nA paragraph\non two lines.\n\n- item one\n  goes on\n- item two\n"
            "  - nested\n\n$$\nx\n\ny\n$$\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode\n\n"
            "more\n```\nLast.")
    kinds = [k for k, *_ in tool.md_blocks(text)]
    assert kinds == ["h2", "para", "item", "item", "math", "table", "fence", "para"]
