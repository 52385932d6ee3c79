"""Add navigation links and slide metadata to every notebook of the course.

    python notebooks/tools/course.py           # rewrite the notebooks in place
    python notebooks/tools/course.py --check   # exit 1 if any notebook is out of date

Safe to re-run: it replaces only the cells it made (markdown cells whose source starts with
NAV_MARKER) and the "slideshow" entry of each cell's metadata, and drops the run timestamps
that nbconvert stores (they only make diffs noisy); outputs are left untouched, so
notebooks stay valid for nbval without being re-executed.

Slides (for jupyterlab-rise): the title cell opens the talk; every "## " heading starts a new
slide; every other prose cell starts a sub-slide, and the code cells after it stay on that
sub-slide, so code and its figure appear together. Navigation cells are skipped.
"""

import re
import sys
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[1]
NAV_MARKER = "<!-- course navigation: made by notebooks/tools/course.py -->"
CONTENTS = "README.md#the-notebooks"


def title_of(nb):
    first = "".join(nb["cells"][0]["source"]).strip().splitlines()[0]
    return first.lstrip("#").strip()


def nav_cell(prev, up, next_):
    """The source of a markdown cell of links: each of prev/up/next_ is (label, href) or None."""
    parts = []
    if prev:
        parts.append(f"[&larr; {prev[0]}]({prev[1]})")
    if up:
        parts.append(f"[{up[0]}]({up[1]})")
    if next_:
        parts.append(f"[{next_[0]} &rarr;]({next_[1]})")
    return NAV_MARKER + "\n" + " | ".join(parts)


def slide_type(cell, index, previous_type):
    if cell["cell_type"] == "markdown":
        src = "".join(cell["source"]).lstrip()
        if src.startswith(NAV_MARKER):
            return "skip"
        if index == 0 or src.startswith("## "):
            return "slide"
        if previous_type == "slide-title":
            return "-"
        return "subslide"
    return "-"


def place_nav(nb, top, bottom, stem):
    cells = [c for c in nb["cells"]
             if not "".join(c["source"]).lstrip().startswith(NAV_MARKER)]
    top = nbformat.v4.new_markdown_cell(top, id=f"{stem}-nav-top")
    bottom = nbformat.v4.new_markdown_cell(bottom, id=f"{stem}-nav-bottom")
    nb["cells"] = cells[:1] + [top] + cells[1:] + [bottom]
    previous = None
    for i, cell in enumerate(nb["cells"]):
        cell.get("metadata", {}).pop("execution", None)  # run timestamps: noise in diffs
        kind = slide_type(cell, i, previous)
        cell.setdefault("metadata", {})["slideshow"] = {"slide_type": kind}
        if kind != "skip":
            previous = "slide-title" if i == 0 else kind


def navigation():
    """Yield (path, top_cell, bottom_cell) for every lesson and solutions notebook."""
    lessons = sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    for i, path in enumerate(lessons):
        nb = read(path)
        prev = lessons[i - 1] if i > 0 else None
        nxt = lessons[i + 1] if i + 1 < len(lessons) else None
        link = lambda p: (f"{p.name[:2]}. {title_of(read(p))}", p.name)  # noqa: E731
        up = ("Contents", f"../{CONTENTS}")
        cell = nav_cell(link(prev) if prev else None, up, link(nxt) if nxt else None)
        sol = NOTEBOOKS / "solutions" / f"{path.stem}_solutions.ipynb"
        bottom = cell
        if sol.exists():
            bottom = cell + f" | [Solutions to the exercises](solutions/{sol.name})"
        yield path, nb, cell, bottom
        if sol.exists():
            snb = read(sol)
            lesson = (f"Back to {path.name[:2]}. {title_of(nb)}", f"../{path.name}")
            back = nav_cell(lesson, ("Contents", f"../../{CONTENTS}"), None)
            yield sol, snb, back, back


def read(path):
    return nbformat.read(path, as_version=4)


def render(nb):
    return nbformat.writes(nb) + "\n"


def main(argv):
    check = "--check" in argv
    stale = []
    for path, nb, top, bottom in navigation():
        before = path.read_text(encoding="utf-8")
        place_nav(nb, top, bottom, re.sub(r"\W", "-", path.stem)[:40])
        after = render(nb)
        if after != before:
            stale.append(path.relative_to(NOTEBOOKS.parent))
            if not check:
                path.write_text(after, encoding="utf-8")
    verb = "out of date" if check else "updated"
    for p in stale:
        print(f"{verb}: {p}")
    if check and stale:
        print("run: python notebooks/tools/course.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
