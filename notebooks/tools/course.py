"""Add navigation links and slide metadata to every notebook of the course.

    python notebooks/tools/course.py           # rewrite the notebooks in place
    python notebooks/tools/course.py --check   # exit 1 if any notebook is out of date
    python notebooks/tools/course.py --dir D   # work on a copy of notebooks/ in folder D

It also writes the README's launch links (between LAUNCH_START and LAUNCH_END) from the
course's public address, the one setting `Repository` under `[project.urls]` in
pyproject.toml, which the book (book/conf.py) reads too. While it is unset, the README shows
no launch link at all, never one that points at a placeholder.

Safe to re-run: it replaces only the cells it made (markdown cells whose source starts with
NAV_MARKER), the "slideshow" entry of each cell's metadata and the notebook's "rise" settings,
splits a markdown cell in two where a "## " heading starts in its middle (the text is kept
word for word), and drops the run timestamps that nbconvert stores (they only make diffs
noisy); outputs are left untouched, so notebooks stay valid for nbval without re-execution.

Slides (for jupyterlab-rise): the title cell opens the talk; every "## " heading starts a new
slide ("## Exercises" too, so the exercises never share the summary's slide); every other
prose cell starts a sub-slide, and the code cells after it stay on that sub-slide, so code
and its figure appear together. Navigation cells are skipped. RISE_SETTINGS (below) makes a
slide that is taller than the screen scroll instead of being cut off, and enlarges the text
for a projector.
"""

import re
import sys
import tomllib
from pathlib import Path
from urllib.parse import quote, urlparse

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[1]
PYPROJECT = NOTEBOOKS.parent / "pyproject.toml"
README = NOTEBOOKS.parent / "README.md"
NAV_MARKER = "<!-- course navigation: made by notebooks/tools/course.py -->"
CONTENTS = "README.md#the-notebooks"

# Text sizes for a projector, as JupyterLab's own CSS variables, set on the slideshow only
# (".reveal"), so the notebook view keeps its usual sizes (reveal.js's theme shrinks <pre>
# to 0.55em, hence the rule for outputs). RISE has no font setting; its "overlay" option
# inserts this HTML into every slideshow page.
PROJECTOR_CSS = (
    "<style>.reveal {"
    " --jp-content-font-size1: 22px; --jp-content-font-size2: 26px;"
    " --jp-content-font-size3: 32px; --jp-content-font-size4: 38px;"
    " --jp-content-font-size5: 44px; --jp-code-font-size: 18px; }"
    " .reveal .jp-OutputArea-output pre { font-size: 18px; }"
    # A (sub)slide never grows past the 720 px page: taller content scrolls inside it, also
    # when it grows after RISE has measured it (figures and math arrive late).
    " .reveal .slides section section { max-height: 720px; overflow-y: auto; }</style>"
)

# Notebook-level settings that jupyterlab-rise reads from the notebook's "rise" metadata.
RISE_SETTINGS = {
    "scroll": True,  # a (sub)slide taller than the screen gets a scroll bar, not cut off
    "theme": "white",  # its fonts ship with RISE; "simple" (the default) fetches web fonts
    "transition": "none",  # slides change at once: no motion blur on a projector
    "slideNumber": "c/t",  # "slide 7 of 31" in the corner
    # A 1280x720 page (720p, what projectors show), scaled to fit the window; sizes in pixels
    # are also what reveal.js needs for its overview (W), which percentages break.
    "width": 1280,
    "height": 720,
    "margin": 0,
    "minScale": 0.2,  # RISE's default, 1, would cut a smaller window off instead
    "start_slideshow_at": "selected",  # Alt+R opens the slide of the selected cell
    "overlay": PROJECTOR_CSS,
}


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


def split_at_sections(cells):
    """Split every markdown cell at each "## " heading that is not its first line.

    A section that starts in the middle of a cell would otherwise start in the middle of a
    slide. Lines inside ``` fences are never split. The first part keeps the cell's id;
    the others get the id plus "-2", "-3", ... (deterministic, so re-running changes nothing).
    """
    out = []
    for cell in cells:
        if cell["cell_type"] != "markdown":
            out.append(cell)
            continue
        lines = "".join(cell["source"]).split("\n")
        parts, fenced = [[]], False
        for line in lines:
            if line.lstrip().startswith("```"):
                fenced = not fenced
            if not fenced and line.startswith("## ") and any(x.strip() for x in parts[-1]):
                parts.append([])
            parts[-1].append(line)
        if len(parts) == 1:
            out.append(cell)
            continue
        for i, part in enumerate(parts):
            while part and not part[-1].strip():
                part.pop()  # the blank line that separated the two parts
            new = nbformat.v4.new_markdown_cell("\n".join(part))
            new["metadata"] = dict(cell.get("metadata", {}))
            base = cell.get("id") or "cell"
            new["id"] = base if i == 0 else f"{base[:60]}-{i + 1}"
            out.append(new)
    return out


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
    cells = split_at_sections(cells)
    nb["cells"] = cells[:1] + [top] + cells[1:] + [bottom]
    nb["metadata"]["rise"] = dict(RISE_SETTINGS)
    previous = None
    for i, cell in enumerate(nb["cells"]):
        cell.get("metadata", {}).pop("execution", None)  # run timestamps: noise in diffs
        kind = slide_type(cell, i, previous)
        cell.setdefault("metadata", {})["slideshow"] = {"slide_type": kind}
        if kind != "skip":
            previous = "slide-title" if i == 0 else kind


def navigation(root=NOTEBOOKS):
    """Yield (path, nb, top_cell, bottom_cell) for every lesson and solutions notebook."""
    lessons = sorted(p for p in root.glob("[0-9][0-9]_*.ipynb"))
    for i, path in enumerate(lessons):
        nb = read(path)
        prev = lessons[i - 1] if i > 0 else None
        nxt = lessons[i + 1] if i + 1 < len(lessons) else None
        link = lambda p: (f"{p.name[:2]}. {title_of(read(p))}", p.name)  # noqa: E731
        up = ("Contents", f"../{CONTENTS}")
        cell = nav_cell(link(prev) if prev else None, up, link(nxt) if nxt else None)
        sol = root / "solutions" / f"{path.stem}_solutions.ipynb"
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


# The course's public address: [project.urls] Repository in pyproject.toml. Launch links
# open this branch on this BinderHub.
BRANCH = "main"
BINDERHUB = "https://mybinder.org"
LAUNCH_START = "<!-- launch links: made by notebooks/tools/course.py from pyproject.toml -->"
LAUNCH_END = "<!-- end of launch links -->"


def repository(pyproject=PYPROJECT):
    """The course's public repository address, or None while it is unset.

    Read from `Repository` under `[project.urls]` in pyproject.toml: an https address of the
    form https://host/account/name (GitHub, GitLab or any other git host Binder can clone).
    """
    with open(pyproject, "rb") as f:
        url = tomllib.load(f).get("project", {}).get("urls", {}).get("Repository")
    if url is None:
        return None
    parts = urlparse(url)
    path = [p for p in parts.path.split("/") if p]
    if parts.scheme != "https" or not parts.netloc or len(path) != 2 or url.endswith(".git"):
        raise ValueError(f"[project.urls] Repository in {pyproject.name}: expected "
                         f"https://host/account/name, got {url!r}")
    return url.rstrip("/")


def binder_url(repo, path):
    """The Binder address that opens `path` (relative to the repository) in JupyterLab."""
    parts = urlparse(repo)
    account, name = [p for p in parts.path.split("/") if p]
    if parts.netloc == "github.com":
        base = f"{BINDERHUB}/v2/gh/{account}/{name}/{BRANCH}"
    elif parts.netloc == "gitlab.com":
        base = f"{BINDERHUB}/v2/gl/{account}%2F{name}/{BRANCH}"
    else:
        base = f"{BINDERHUB}/v2/git/{quote(repo, safe='')}/{BRANCH}"
    return f"{base}?urlpath=lab/tree/{path}"


def launch_links(repo, lessons):
    """The README's launch block: a Binder badge and one link per lesson; empty if unset."""
    if repo is None:
        return ""
    first = f"notebooks/{lessons[0].name}"
    links = " · ".join(f"[{p.name[:2]}]({binder_url(repo, f'notebooks/{p.name}')})"
                       for p in lessons)
    return (f"[![Binder](https://mybinder.org/badge_logo.svg)]({binder_url(repo, first)}) "
            f"Open a notebook online, with nothing to install (Binder; your changes are not "
            f"kept): {links}")


def with_launch_links(readme_text, block):
    """README text with the block between LAUNCH_START and LAUNCH_END replaced."""
    pattern = re.compile(re.escape(LAUNCH_START) + r".*?" + re.escape(LAUNCH_END), re.S)
    if len(pattern.findall(readme_text)) != 1:
        raise ValueError(f"README.md: expected one {LAUNCH_START!r} ... {LAUNCH_END!r} block")
    inner = f"\n{block}\n" if block else "\n"
    return pattern.sub(lambda _: LAUNCH_START + inner + LAUNCH_END, readme_text)


def main(argv):
    check = "--check" in argv
    root = Path(argv[argv.index("--dir") + 1]).resolve() if "--dir" in argv else NOTEBOOKS
    stale = []
    for path, nb, top, bottom in navigation(root):
        before = path.read_text(encoding="utf-8")
        place_nav(nb, top, bottom, re.sub(r"\W", "-", path.stem)[:40])
        after = render(nb)
        if after != before:
            stale.append(path.relative_to(root.parent))
            if not check:
                path.write_text(after, encoding="utf-8")
    readme, pyproject = root.parent / "README.md", root.parent / "pyproject.toml"
    if readme.exists() and pyproject.exists():
        lessons = sorted(root.glob("[0-9][0-9]_*.ipynb"))
        before = readme.read_text(encoding="utf-8")
        after = with_launch_links(before, launch_links(repository(pyproject), lessons))
        if after != before:
            stale.append(readme.relative_to(root.parent))
            if not check:
                readme.write_text(after, encoding="utf-8")
    verb = "out of date" if check else "updated"
    for p in stale:
        print(f"{verb}: {p}")
    if check and stale:
        print("run: python notebooks/tools/course.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
