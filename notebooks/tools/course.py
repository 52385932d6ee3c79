"""Add navigation links and slide metadata to every notebook of the course.

    python notebooks/tools/course.py           # rewrite the notebooks in place
    python notebooks/tools/course.py --check   # exit 1 if any notebook is out of date
    python notebooks/tools/course.py --dir D   # work on a copy of notebooks/ in folder D

It also writes the README's launch links (between LAUNCH_START and LAUNCH_END) from the
course's public address, the one setting `Repository` under `[project.urls]` in
pyproject.toml, which the book (book/conf.py) reads too. While it is unset, the README shows
no launch link at all, never one that points at a placeholder.

Safe to re-run: it replaces only what it made (markdown cells whose source starts with
NAV_MARKER, the "slideshow" entry of each cell's metadata, the notebook's "rise" settings and
the style files listed below), splits markdown cells where the rules below say so (the text
is kept word for word), and drops the run timestamps that nbconvert stores (they only make
diffs noisy); outputs are left untouched, so notebooks stay valid for nbval.

Slides: a talk made from the notebook
-------------------------------------
Each notebook is also a slideshow (jupyterlab-rise) laid out for a 1280x720 screen. For
every cell this tool decides what the room sees; the notebook itself stays complete.

- The title cell opens the talk; every "## " heading starts a slide ("## Exercises" too),
  and a "## " heading in the middle of a markdown cell first becomes a cell of its own.
- Every other prose cell is a *statement*: it starts a sub-slide, and the code cells after
  it stay on that sub-slide, so code and its figure appear together.
- A statement shows what fits in STATEMENT_MAX (less when the code after it needs the room,
  more when that keeps a display formula on the slide); the rest of the cell becomes a
  markdown cell of its own right after it, cut at a paragraph, list item, formula or table,
  and goes to the speaker notes (RISE's "notes": hidden from the room, shown by the speaker
  view). Its metadata says whose notes it is ("notes_of"), so a second run keeps it there.
- In the title section, "## Summary", "## Exercises" and the solutions notebooks nothing
  goes to the notes: a cell too long for one screen is cut the same way into sub-slides.
- A code cell stays on the current sub-slide while the sub-slide fits the screen (FIT);
  otherwise it starts the next one, so a figure is never below the bottom of the screen.
- A code cell that shows a figure, a player or a widget shows only its output in the
  slideshow ("input": "hidden"; the code stays in the notebook). The code cells of the
  title section (imports) go to the notes.
- Navigation cells are skipped.

Heights are estimated from the cells' text and stored outputs with the sizes RISE_CSS sets;
tests/test_browser.py measures the real slides. What was decided is recorded in each cell's
"slideshow" metadata: RISE's "slide_type", plus "input": "hidden" and "notes_of" where they
apply. To override a decision, give the cell a "talk" entry in its metadata (in the lesson's
source notebook in course/source/ for a converted lesson, in the notebook itself otherwise):

    "talk": {"slide_type": "subslide"}   # or "slide", "-", "notes", "skip"
    "talk": {"split": false}             # a markdown cell: never cut it
    "talk": {"input": "shown"}           # a code cell: show its code in the slides ("hidden")

Style files written next to the notebooks (RISE loads both; the README tells instructors):
`rise.css` (RISE_CSS: sizes for a projector, scroll bars) and `<notebook>.css` (the rules of
that notebook: the code cells whose input the slides hide). `solutions/matplotlibrc` is a
copy of `matplotlibrc` (matplotlib reads it from the folder a notebook runs in).
"""

import base64
import math
import re
import struct
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
SOLUTIONS = "solutions"
MATPLOTLIBRC = "matplotlibrc"

# ---------------------------------------------------------------- the slideshow's settings

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
    # RISE's default, "code", selects (and focuses) the first code cell of each new slide;
    # JupyterLab then takes the arrow keys for its own commands (left: select or collapse the
    # heading above) and reveal.js never sees them. With "none" the slides never move the
    # focus, so the arrow keys change slides on every slide (RISE_CSS covers clicks too).
    "auto_select": "none",
}

# Text sizes for a projector, as JupyterLab's own CSS variables, set on the slideshow only
# (".reveal"), so the notebook view keeps its usual sizes. Nothing below 18 px at 1280x720:
# reveal.js's theme shrinks <pre> to 0.55em and JupyterLab sets tables, prompts and widgets
# in its small UI size, hence the rules for them. Line heights are fixed so that the
# estimates below (and the browser test) agree with what the page draws.
RISE_CSS = """\
/* The course's slides at 1280x720: sizes for a projector. jupyterlab-rise loads this file
   (rise.css, next to the notebook). Made by notebooks/tools/course.py: edit it there. */
.reveal {
  --jp-content-font-size1: 22px; --jp-content-font-size2: 26px;
  --jp-content-font-size3: 32px; --jp-content-font-size4: 38px;
  --jp-content-font-size5: 44px; --jp-code-font-size: 18px;
  --jp-ui-font-size0: 18px; --jp-ui-font-size1: 18px; --jp-ui-font-size2: 20px;
  --jp-widgets-font-size: 18px; --jp-widgets-inline-width: 640px;
  --jp-widgets-inline-label-width: 200px; --jp-widgets-inline-readout-width: 90px;
  --jp-widgets-inline-height: 36px;
  --jp-cell-prompt-width: 76px;
}
.reveal .jp-RenderedMarkdown p, .reveal .jp-RenderedMarkdown li { line-height: 1.3; }
.reveal .jp-RenderedMarkdown :is(h1, h2, h3, h4) { text-transform: none; }
.reveal .jp-RenderedMarkdown pre { width: auto; margin: 20px 0; box-shadow: none; }
.reveal .jp-RenderedMarkdown table { font-size: 20px; }
.reveal .jp-RenderedMarkdown th, .reveal .jp-RenderedMarkdown td { padding: 4px 10px; }
.reveal .jp-RenderedMarkdown pre, .reveal .jp-RenderedMarkdown pre code,
.reveal .jp-OutputArea-output pre { font-size: 18px; line-height: 1.3; }
.reveal .jp-InputPrompt { font-size: 18px; }
.reveal .jp-Collapser { visibility: hidden; }  /* no blue bar beside the selected cell */
/* A figure at its own size (reveal.js's theme would shrink every image to 95%). */
.reveal .jp-OutputArea-output img { max-width: 100%; max-height: none; }
/* Outputs use the whole width: a figure keeps its size, and so its text. */
.reveal .jp-OutputPrompt { display: none; }
/* A formula too long for the page gets a scroll bar instead of being cut off. */
.reveal mjx-container[display="true"] { overflow-x: auto; overflow-y: hidden; max-width: 100%; }
/* The page's scale follows the window, so the title fills the screen as soon as it is in
   full screen (reveal.js computes its scale on a resize event, which can come before the
   frame of the slides has its full size; its next chance is the next slide). */
.reveal:not(.overview) .slides {
  left: 50% !important; top: 50% !important; right: auto !important; bottom: auto !important;
  zoom: normal !important;
  transform: translate(-50%, -50%)
    scale(min(tan(atan2(100vw, 1280px)), tan(atan2(100vh, 720px)))) !important;
}
.jp-MainAreaWidget.reveal { background-color: #fff; }  /* full screen: white, not black, edges */
/* A prose cell never takes the keyboard focus in the slides (browsers that know this
   property: Chrome, Edge): JupyterLab would take the arrow keys for its own commands, and
   the left arrow on a heading would fold its section away. Code cells stay live. */
.reveal .jp-MarkdownCell { interactivity: inert; }
/* A (sub)slide never grows past the page: taller content scrolls inside it (also when it
   grows after RISE has measured it), with a scroll bar the back of the room can see. */
.reveal .slides section section { max-height: 720px; overflow-y: auto !important;
  height: auto !important; margin-top: 0 !important;  /* not RISE's 95% and 20 px margin */
  scrollbar-width: auto; scrollbar-color: #555 #ddd; }
.reveal .slides section section::-webkit-scrollbar { width: 16px; }
.reveal .slides section section::-webkit-scrollbar-thumb { background: #555; }
.reveal .slides section section::-webkit-scrollbar-track { background: #ddd; }
"""

# ---------------------------------------------------------------- slides: sizes and budgets

# What RISE_CSS draws at 1280x720, in pixels: the numbers the estimates are made of.
PROSE_LINE, PROSE_CHARS, BLOCK_GAP = 28.6, 108, 20
LIST_GAP, HEADING = 6, {1: 119, 2: 83, 3: 70, 4: 60}
MATH_ROW, MATH_BASE, MATH_TALL = 30, 50, 16  # a display formula: rows, margins, fractions
FENCE_LINE, FENCE_BASE, TABLE_ROW, TABLE_BASE = 23.4, 44, 36, 30
CODE_LINE, CODE_BASE = 25.2, 22
OUT_LINE, OUT_CHARS, OUT_BASE, OUT_WIDTH = 23.4, 108, 8, 1262
FIGURE_BASE = 50  # the margins of an image output
CELL = 10  # padding of every cell

FIT = 680  # a (sub)slide is planned to fill at most this much of the 720 px page
STATEMENT_MAX = 330  # prose a statement shows at most (a heading and about eight lines)
STATEMENT_MIN = 150  # ... and at least, whatever its code needs (a heading and two lines)
PAGINATED = ("## Summary", "## Exercises")  # sections shown in full, never as notes


# ---------------------------------------------------------------- slides: estimated heights

ITEM = re.compile(r"^([-*+]|\d{1,3}[.)])\s")  # a list item at the left margin
TALL_MATH = re.compile(r"\\(frac|dfrac|sum|prod|int|underbrace|overbrace|begin\{[pbvB]?matrix)")


def starts_block(line):
    s = line.strip()
    return (s.startswith(("```", "~~~", "$$", "|")) or bool(ITEM.match(line))
            or bool(re.match(r"#{1,6} ", line)))


def md_blocks(text):
    """The top-level blocks of a markdown text, as (kind, first line, end line) over
    text.split("\\n"): headings h1-h6, "para", "item" (one list item with what it holds),
    "math" ($$ ... $$), "fence" (``` ... ```) and "table". Blank lines belong to none."""
    lines = text.split("\n")
    blocks, i, n = [], 0, len(lines)
    while i < n:
        s = lines[i].strip()
        if not s:
            i += 1
            continue
        start = i
        if s.startswith(("```", "~~~")):
            i += 1
            while i < n and not lines[i].strip().startswith(s[:3]):
                i += 1
            i, kind = i + 1, "fence"
        elif s.startswith("$$"):
            if not (len(s) > 2 and s.endswith("$$") and s != "$$"):
                i += 1
                while i < n and "$$" not in lines[i]:
                    i += 1
            i, kind = i + 1, "math"
        elif re.match(r"#{1,6} ", lines[i]):
            i, kind = i + 1, f"h{len(s) - len(s.lstrip('#'))}"
        elif s.startswith("|"):
            while i < n and lines[i].strip().startswith("|"):
                i += 1
            kind = "table"
        elif ITEM.match(lines[i]):
            i += 1
            while i < n and not ITEM.match(lines[i]):
                if not lines[i].strip():  # a blank line: does the item go on below it?
                    j = i
                    while j < n and not lines[j].strip():
                        j += 1
                    if j < n and lines[j].startswith((" ", "\t")):
                        i = j
                        continue
                    break
                if starts_block(lines[i]) and not lines[i].startswith((" ", "\t")):
                    break
                i += 1
            kind = "item"
        else:
            i += 1
            while i < n and lines[i].strip() and not starts_block(lines[i]):
                i += 1
            kind = "para"
        blocks.append((kind, start, min(i, n)))
    return blocks


def prose_lines(text, chars=PROSE_CHARS):
    """How many lines a paragraph's text takes on a slide."""
    text = re.sub(r"\$([^$]+)\$", lambda m: "x" * math.ceil(len(m.group(1)) * 0.45), text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link shows its text
    text = re.sub(r"<[^>]+>|[*_`]", "", text)
    return max(1, math.ceil(len(" ".join(text.split())) / chars))


def block_height(kind, lines, after_item=False):
    body = "\n".join(lines)
    if kind.startswith("h"):
        return HEADING.get(int(kind[1:]), HEADING[4])
    if kind == "math":
        tall = MATH_TALL if TALL_MATH.search(body) else 0
        return MATH_BASE + (1 + body.count("\\\\")) * MATH_ROW + tall
    if kind == "fence":
        return FENCE_BASE + max(0, len(lines) - 2) * FENCE_LINE
    if kind == "table":
        return TABLE_BASE + max(1, len(lines) - 1) * TABLE_ROW
    if kind == "item":  # each nested item starts a line of its own
        parts = re.split(r"\n\s*(?:[-*+]|\d{1,3}[.)])\s", body)
        rows = sum(prose_lines(p, PROSE_CHARS - 4) for p in parts)
        return rows * PROSE_LINE + LIST_GAP + (0 if after_item else BLOCK_GAP)
    return prose_lines(body) * PROSE_LINE + BLOCK_GAP


def block_heights(text):
    """[(kind, first, end, height)] for the blocks of a markdown text."""
    lines, out, previous = text.split("\n"), [], None
    for kind, first, end in md_blocks(text):
        out.append((kind, first, end, block_height(kind, lines[first:end], previous == "item")))
        previous = kind
    return out


def markdown_height(text):
    return CELL + sum(h for *_, h in block_heights(text))


def text_height(text):
    rows = sum(max(1, math.ceil(len(line) / OUT_CHARS)) for line in text.rstrip("\n").split("\n"))
    return OUT_BASE + rows * OUT_LINE


def png_size(data):
    """(width, height) of a base64 PNG, from its header."""
    raw = base64.b64decode("".join(data.split())[:64])
    return struct.unpack(">II", raw[16:24])


WIDGET = "application/vnd.jupyter.widget-view+json"
PLAYER = "_anim_img"  # the frames of an animation player (rnnlib.demos, to_jshtml)
WIDGET_HEIGHT = 470  # notebook 05's slider with its figure
PLAYER_CONTROLS = 180  # the player's slider, buttons and options below its frame


def shows_figure(output):
    data = output.get("data", {})
    return ("image/png" in data or WIDGET in data
            or PLAYER in "".join(data.get("text/html", "")))


def output_height(output):
    kind, data = output.get("output_type"), output.get("data", {})
    if kind == "stream":
        return text_height("".join(output.get("text", "")))
    if kind == "error":
        return text_height(re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(output.get("traceback", []))))
    if "image/png" in data:
        width, height = png_size(data["image/png"])
        return FIGURE_BASE + height * min(1.0, OUT_WIDTH / width)
    if WIDGET in data:
        return WIDGET_HEIGHT
    html = "".join(data.get("text/html", ""))
    if PLAYER in html:
        frame = re.search(r"data:image/png;base64,([A-Za-z0-9+/=\s]{64})", html)
        return PLAYER_CONTROLS + (png_size(frame.group(1))[1] if frame else 400)
    if "text/markdown" in data:
        return markdown_height("".join(data["text/markdown"]))
    if "text/plain" in data:
        return text_height("".join(data["text/plain"]))
    return 0


def code_height(cell, input_shown=True):
    lines = len("".join(cell["source"]).split("\n")) if input_shown else 0
    shown = CODE_BASE + lines * CODE_LINE if input_shown else 0
    return CELL + shown + sum(output_height(o) for o in cell.get("outputs", []))


# ---------------------------------------------------------------- slides: the rules

def talk(cell):
    """The maintainer's overrides of this cell (see the module's docstring)."""
    return cell.get("metadata", {}).get("talk", {})


def is_nav(cell):
    return cell["cell_type"] == "markdown" and "".join(cell["source"]).lstrip().startswith(
        NAV_MARKER)


def heading_level(cell):
    if cell["cell_type"] != "markdown":
        return 0
    first = "".join(cell["source"]).lstrip().split("\n", 1)[0]
    match = re.match(r"(#{1,6}) ", first)
    return len(match.group(1)) if match else 0


def input_hidden(cell):
    wanted = talk(cell).get("input")
    if wanted in ("shown", "hidden"):
        return wanted == "hidden"
    return any(shows_figure(o) for o in cell.get("outputs", []))


def split_markdown(text, budget, math_budget=None):
    """(head, rest) of a markdown text cut at a block boundary so that the head's estimated
    height is at most `budget` (at least its first block, and a heading's first block after
    it), or None when the whole text fits. If a display formula would go to the rest, the
    head may grow to `math_budget` to keep it. A head that ends with a lead-in (":") keeps
    the block it announces, or gives the lead-in to the rest. Word for word: head + rest is
    the text, less the blank lines at the cut."""
    blocks = block_heights(text)

    def fitting(limit):
        used, k = CELL, 0
        while k < len(blocks) and used + blocks[k][3] <= limit:
            used, k = used + blocks[k][3], k + 1
        return k

    k = fitting(budget)
    if math_budget and any(b[0] == "math" for b in blocks[k:]):
        k = max(k, fitting(math_budget))
    if k >= len(blocks) or len(blocks) < 2:
        return None
    least = 2 if blocks[0][0].startswith("h") else 1
    k = max(k, least)
    lines = text.split("\n")
    lead_in = "\n".join(lines[blocks[k - 1][1]:blocks[k - 1][2]]).rstrip().endswith(":")
    if k < len(blocks) and lead_in:  # a lead-in stays with the first block it announces
        k = k - 1 if k - 1 >= least else k + 1
    if k >= len(blocks):
        return None
    cut = blocks[k][1]
    head = "\n".join(lines[:cut]).rstrip()
    rest = "\n".join(lines[cut:]).strip("\n")
    return head, rest


def part_id(base, cells, suffix):
    taken = {c.get("id") for c in cells}
    for k in range(2, 100):
        candidate = f"{base[:56]}-{suffix}{k}"
        if candidate not in taken:
            return candidate
    raise ValueError(f"cell {base}: too many parts")


def group_height(cells, i):
    """Estimated height of the code cells after cell i, up to the next markdown cell and at
    most up to the first one that shows a figure (the statement's payoff)."""
    total = 0
    for cell in cells[i + 1:]:
        if cell["cell_type"] != "code":
            break
        total += code_height(cell, not input_hidden(cell))
        if input_hidden(cell):
            break
    return total


def plan(cells, paginate_all=False):
    """Decide what the room sees: return (cells, decisions) where cells has the long
    markdown cells cut in two (see split_markdown) and decisions[i] is the "slideshow"
    metadata of cells[i]."""
    cells = list(cells)
    section, i = "title", 0
    notes_of = {}  # index of a notes part -> id of the statement it belongs to
    while i < len(cells):
        cell = cells[i]
        level = heading_level(cell)
        if level and level <= 2 and i > 0:
            first = "".join(cell["source"]).lstrip()
            section = "paginated" if first.startswith(PAGINATED) else "talk"
        if cell["cell_type"] != "markdown" or is_nav(cell):
            i += 1
            continue
        previous = cells[i - 1] if i > 0 else None
        marked = cell.get("metadata", {}).get("slideshow", {}).get("notes_of")
        if (marked and previous is not None and previous.get("id") == marked
                and section == "talk" and not paginate_all and not level):
            notes_of[i] = marked
            i += 1
            continue
        paginated = paginate_all or section != "talk"
        budget = FIT if paginated else min(STATEMENT_MAX, max(STATEMENT_MIN,
                                                              FIT - group_height(cells, i)))
        text = "".join(cell["source"])
        room = FIT - group_height(cells, i)  # all a statement may take, for a formula
        cut = (None if talk(cell).get("split") is False
               else split_markdown(text, budget, None if paginated else room))
        if cut:
            head, rest = cut
            cell = nbformat.from_dict(dict(cell))
            cell["source"] = head
            part = nbformat.v4.new_markdown_cell(rest, id=part_id(cell.get("id") or "cell",
                                                                  cells, "p" if paginated
                                                                  else "n"))
            if not paginated:
                part["metadata"]["slideshow"] = {"slide_type": "notes",
                                                 "notes_of": cell.get("id")}
            cells[i:i + 1] = [cell, part]
        i += 1
    return cells, decide(cells, notes_of)


def decide(cells, notes_of):
    decisions, used, section = [], 0.0, "title"
    for i, cell in enumerate(cells):
        level = heading_level(cell)
        if level and level <= 2 and i > 0:
            section = "talk"
        record = {}
        if is_nav(cell):
            kind = "skip"
        elif i == 0 or (level and level <= 2):
            kind, used = "slide", markdown_height("".join(cell["source"]))
        elif i in notes_of:
            kind = "notes"
            record["notes_of"] = notes_of[i]
        elif cell["cell_type"] == "markdown":
            height = markdown_height("".join(cell["source"]))
            if section == "title" and used + height <= FIT:
                kind, used = "-", used + height  # the title slide holds what fits on it
            else:
                kind, used = "subslide", height
        elif section == "title":
            kind = "notes"  # the imports: the room needs the title, not the set-up
        else:
            hidden = input_hidden(cell)
            if hidden:
                record["input"] = "hidden"
            height = code_height(cell, not hidden)
            if used > 0 and used + height > FIT:
                kind, used = "subslide", height
            else:
                kind, used = "-", used + height
        forced = talk(cell).get("slide_type")
        if forced in ("slide", "subslide", "-", "fragment", "notes", "skip"):
            kind = forced
            if forced in ("slide", "subslide"):
                used = 0.0
        decisions.append({"slide_type": kind, **record})
    return decisions


def slide_positions(decisions):
    """Where RISE puts each cell: (h, v, k) for the k-th child (from 1) of the section
    #slide-h-v, as jupyterlab-rise 0.43's markupSlides builds them (notes cells are wrapped
    in an <aside>, skipped cells stay in place, hidden)."""
    h, v, k, started, out = 0, 0, 0, False, []
    for d in decisions:
        kind = d["slide_type"]
        if started and kind == "slide":
            h, v, k = h + 1, 0, 0
        elif started and kind == "subslide":
            v, k = v + 1, 0
        elif kind not in ("notes", "skip"):
            started = True
        k += 1
        out.append((h, v, k))
    return out


def notebook_css(name, cells):
    """The per-notebook style sheet that RISE loads with the slides: hide the input of the
    code cells whose slideshow metadata says "input": "hidden"."""
    decisions = [c.get("metadata", {}).get("slideshow", {}) for c in cells]
    rules = [f"#slide-{h}-{v} > :nth-child({k}) .jp-Cell-inputWrapper  /* cell {c.get('id')} */"
             for c, d, (h, v, k) in zip(cells, decisions, slide_positions(decisions), strict=True)
             if d.get("input") == "hidden"]
    head = (f"/* The slideshow of {name} (jupyterlab-rise loads this file with rise.css): the\n"
            f"   code cells that show only their figure in the slides. Made by\n"
            f"   notebooks/tools/course.py from each cell's \"slideshow\" metadata. */\n")
    if not rules:
        return head
    return head + ",\n".join(rules) + " {\n  display: none;\n}\n"


# ---------------------------------------------------------------- navigation

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


def place_nav(nb, top, bottom, stem, paginate_all=False):
    """Put the navigation cells at the top and the bottom of `nb` and decide its slides."""
    cells = [c for c in nb["cells"] if not is_nav(c)]
    top = nbformat.v4.new_markdown_cell(top, id=f"{stem}-nav-top")
    bottom = nbformat.v4.new_markdown_cell(bottom, id=f"{stem}-nav-bottom")
    cells = split_at_sections(cells)
    cells, decisions = plan(cells[:1] + [top] + cells[1:] + [bottom], paginate_all)
    nb["cells"] = cells
    nb["metadata"]["rise"] = dict(RISE_SETTINGS)
    for cell, decision in zip(cells, decisions, strict=True):
        cell.setdefault("metadata", {}).pop("execution", None)  # run timestamps: noise in diffs
        cell["metadata"]["slideshow"] = decision


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


def derived_files(root):
    """{path: text} of the style files made next to the notebooks of `root`."""
    files = {}
    for folder in (root, root / SOLUTIONS):
        if folder.is_dir():
            files[folder / "rise.css"] = RISE_CSS
    rc = root / MATPLOTLIBRC
    if rc.exists() and (root / SOLUTIONS).is_dir():
        files[root / SOLUTIONS / MATPLOTLIBRC] = rc.read_text(encoding="utf-8")
    return files


def main(argv):
    check = "--check" in argv
    root = Path(argv[argv.index("--dir") + 1]).resolve() if "--dir" in argv else NOTEBOOKS
    stale, wanted = [], derived_files(root)
    for path, nb, top, bottom in navigation(root):
        before = path.read_text(encoding="utf-8")
        place_nav(nb, top, bottom, re.sub(r"\W", "-", path.stem)[:40],
                  paginate_all=path.parent.name == SOLUTIONS)
        after = render(nb)
        wanted[path.with_suffix(".css")] = notebook_css(path.name, nb["cells"])
        if after != before:
            stale.append(path.relative_to(root.parent))
            if not check:
                path.write_text(after, encoding="utf-8")
    for path, text in wanted.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(path.relative_to(root.parent))
            if not check:
                path.write_text(text, encoding="utf-8")
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
