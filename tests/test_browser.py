"""The notebooks and their slides in a real browser: JupyterLab in headless Chromium at 1280x720.

Starts `jupyter lab` on localhost with a token, serving a temporary copy of the notebooks
(nothing in the repository is touched), and does with Playwright what an instructor does:

- opens a notebook in JupyterLab and runs all its cells: no output is an error, whether
  JupyterLab shows it as an error or as text on stderr (both MIME types, and the rendered
  text is searched for a traceback);
- selects the title, opens the slides in the pane beside the notebook (Alt+R) and presses the
  pane's full-screen button: the title slide fills the screen at once;
- walks every slide with Space, and on every section tries the arrow keys (right: next
  section; left: back), measuring what the room sees on each slide: its height, the smallest
  text (figures included: their font size comes from the course's style file,
  notebooks/matplotlibrc, or from the plotting cell's own `fontsize=`, times the PNG's
  resolution and the size the slide shows it at), figures cut by the bottom of the screen,
  anything wider than the page;
- in notebook 05, moves the slider in JupyterLab and in the slides (the figure is redrawn)
  and steps the kernel-free player;
- fails on any console error but those KNOWN_NOISE names, each from upstream code with its
  upstream issue, and on any request that leaves 127.0.0.1 (the course works offline).

Targets for every slideshow: no slide cut off (too tall without a scroll bar, or too wide),
no text under 18 px, no slide taller than 1.5 screens, at most one slide in ten scrolls, and
every figure entirely on the screen of the slide that shows it.

`pytest` walks notebooks 05 and 01; `COURSE_BROWSER=all pytest tests/test_browser.py` walks
all eight (a step of .ci/run). Screenshots of every slide, and slides.json with every
measurement, stay in pytest's temporary folder. Needs Debian's `chromium` (no browser is
downloaded); skipped, with the reason, where it is missing (CI installs it: .ci/browser-deps).
"""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
DEMO = "05_vanishing_and_exploding_gradients.ipynb"
EVERYTHING = os.environ.get("COURSE_BROWSER") == "all"  # .ci/run: all eight, every screenshot
# (notebook, how it is opened): "run" = in JupyterLab, Run All, then the slides beside it in
# full screen, as an instructor does; "stored" = the slides page alone with the stored outputs
# (faster: the second notebook of a plain `pytest`).
WALKED = ([(name, "run") for name in LESSONS] if EVERYTHING
          else [(DEMO, "run"), (LESSONS[0], "stored")])
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREEN = {"width": 1280, "height": 720}  # a 720p projector, the slideshow in full screen
SMALLEST_TEXT = 18  # px at 1280x720
TALLEST = 1.5  # screens
SCROLLING = 0.1  # the share of slides that may scroll

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium not found (apt-get install chromium to run this test)"
)

# Console errors that come from upstream code and do no harm, each with its upstream issue.
# (name, message pattern, where it is accepted). Anything else fails the test.
KNOWN_NOISE = [
    # jupyterlab-rise 0.43.1 bundles its own @jupyter/web-components (~0.13; JupyterLab 4.6
    # shares 0.16), whose <jp-toolbar> derives its fill colour from its parent's in a loop: a
    # burst of these on every slideshow page, and the slides render. Upstream removed that code
    # in jupyterlab-contrib/jupyter-ui-toolkit#126; jupyterlab-rise still bundles the old one.
    ("jupyterlab-rise's toolbar colours (jupyter-ui-toolkit#126)",
     re.compile(r"^RangeError: Maximum call stack size"), "rise"),
    # The slideshow page loads every installed JupyterLab extension but shares only part of
    # JupyterLab's modules with them (jupyterlab-contrib/rise#119): nbgrader's extension and
    # Jupyter Notebook's, which comes with nbgrader, need the notebook shell it lacks, so both
    # fail to load there (which of Notebook's modules the error names depends on the order
    # they load in); the slides use neither.
    ("extensions the slideshow page cannot load (jupyterlab-contrib/rise#119)",
     re.compile(r"^Error: The getter for the shared module is not a function"
                r"|^ReferenceError: Cannot access '\w+' before initialization\s+at Module\.\w+ "
                r"\(\S*/lab/extensions/@jupyter-notebook/lab-extension/"), "rise"),
    # Two clients on one kernel: the slides beside the notebook. The kernel sends a comm's
    # closing to every client, and the one that did not open it logs that it does not know it
    # (the comm protocol assumes one client: jupyter/jupyter_client#263). Here the comm is
    # ipywidgets' control channel, which the second client opens in a kernel without widgets.
    ("a comm closed for the other client (jupyter_client#263)",
     re.compile(r"^Comm not found for comm id [\w-]+$"), "two clients"),
    # The stored output of 05's slider names a widget of the kernel that saved the notebook;
    # until the cell runs again JupyterLab says the model does not exist (a notebook stores no
    # widget state: jupyter-widgets/ipywidgets#1664).
    ("stored widget output before it runs (ipywidgets#1664)",
     re.compile(r"^Error: widget model not found"), "anywhere"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on localhost serving a copy of notebooks/; yields (url, token)."""
    tmp = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", tmp / "notebooks")
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp / "config"),
               JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"))
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp / 'notebooks'}",
         "--allow-root", "--LabApp.news_url=", "--LabApp.extension_manager=readonly",
         "--LabApp.expose_app_in_browser=True",  # so the test can call JupyterLab commands
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("jupyter lab did not start within 60 s")
                time.sleep(0.5)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


class Console:
    """Collects console errors, uncaught exceptions and requests that leave 127.0.0.1."""

    def __init__(self):
        self.problems, self.two_clients, self.accepted = [], False, {}

    def watch(self, page):
        page.on("console", self._message)
        page.on("pageerror", lambda e: self.problems.append(f"uncaught {e}"))
        page.on("request", self._request)

    def _message(self, msg):
        if msg.type != "error":
            return
        where = (msg.location or {}).get("url", "")
        for name, pattern, scope in KNOWN_NOISE:
            accepted = (scope == "anywhere" or (scope == "rise" and "/static/rise/" in where)
                        or (scope == "two clients" and self.two_clients))
            if accepted and pattern.search(msg.text):
                self.accepted[name] = self.accepted.get(name, 0) + 1
                return
        self.problems.append(f"{msg.text[:300]} (at {where})")

    def _request(self, request):
        url = urlparse(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.hostname != "127.0.0.1":
            self.problems.append(f"request outside localhost: {request.url}")


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    """The folder of the screenshots and of slides.json (every slide's measurements)."""
    folder = tmp_path_factory.mktemp("slides")
    yield folder
    print(f"\nslide screenshots and measurements: {folder}")


ALL_CELLS_RAN = """() => {
  const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
  return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""

# Every output that shows an error: JupyterLab renders a raised exception as the error MIME
# type, but a traceback printed by a library (or by IPython for some failures) as stderr text.
ERROR_OUTPUTS = """(root) => [...document.querySelectorAll(root + ' .jp-OutputArea-output')]
  .filter(o => ['application/vnd.jupyter.error', 'application/vnd.jupyter.stderr']
                 .includes(o.dataset.mimeType)
               || /Traceback \\(most recent call last\\)/.test(o.innerText))
  .map(o => (o.dataset.mimeType || '') + ': ' + o.innerText.slice(0, 400))"""


def open_and_run(lab, browser, name, console):
    """Open notebook `name` in JupyterLab and run all its cells; return (context, page)."""
    base, token = lab
    context = browser.new_context(viewport=SCREEN)
    page = context.new_page()
    console.watch(page)
    page.goto(f"{base}/lab/tree/{name}?token={token}&reset")
    page.locator(".jp-NotebookPanel").first.wait_for(timeout=60_000)
    page.get_by_text("| Idle").first.wait_for(timeout=90_000)  # the kernel is connected
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.commands")
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(ALL_CELLS_RAN, timeout=180_000)
    return context, page


def move_slider_and_wait_for_new_figure(page, scope, root, shot, keyboard):
    """Move the first widget slider under `root`; return the figure's PNG before and after.

    In JupyterLab the handle takes arrow keys. In the slideshow reveal.js would take them
    (and change slides), so there the handle is dragged with the mouse, as a presenter does.
    `scope` is the page or the frame of the slides.
    """
    figure = f"{root} .widget-output img"
    scope.locator(figure).last.wait_for(state="visible", timeout=30_000)
    before = scope.locator(figure).last.get_attribute("src")
    readout = scope.locator(f"{root} .widget-readout").first.inner_text()
    handle = scope.locator(f"{root} .widget-slider .noUi-handle").first
    if keyboard:
        handle.focus()
        for _ in range(3):
            handle.press("ArrowRight")
    else:
        handle.evaluate("e => e.scrollIntoView({block: 'center'})")
        box = handle.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 60, y, steps=5)
        page.mouse.up()
    scope.wait_for_function(
        "([sel, old]) => { const imgs = document.querySelectorAll(sel);"
        " return imgs.length && imgs[imgs.length - 1].src !== old; }",
        arg=[figure, before], timeout=30_000)
    after = scope.locator(figure).last.get_attribute("src")
    page.screenshot(path=str(shot))
    moved = scope.locator(f"{root} .widget-readout").first.inner_text()
    assert moved != readout, f"the slider's readout stayed at {readout}"
    return before, after


def figure_font_points():
    """The smallest font size (points) the course's style file gives any figure text."""
    relative = {"xx-small": 0.579, "x-small": 0.694, "small": 0.833, "medium": 1.0,
                "large": 1.2, "x-large": 1.44, "xx-large": 1.728, "larger": 1.2,
                "smaller": 0.833}
    keys = ("font.size", "axes.titlesize", "axes.labelsize", "xtick.labelsize",
            "ytick.labelsize", "legend.fontsize", "legend.title_fontsize", "figure.titlesize")
    rc = {"font.size": "10"}  # matplotlib's defaults: everything else "medium" or larger
    path = ROOT / "notebooks" / "matplotlibrc"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            key, _, value = line.split("#", 1)[0].partition(":")
            if key.strip() in keys:
                rc[key.strip()] = value.strip()
    base = float(rc["font.size"])
    return min(base * relative[v] if v in relative else float(v) for v in rc.values())


# The slide reveal.js shows, measured in the page: its box, its content, the smallest text,
# its figures and anything wider than the page.
MEASURE = """() => {
  const shown = [...document.querySelectorAll('.reveal .slides section.present')];
  const s = shown[shown.length - 1];
  const r = s.getBoundingClientRect(), style = getComputedStyle(s);
  const slides = document.querySelector('.reveal .slides');
  const scale = slides.getBoundingClientRect().width / slides.offsetWidth;
  const hidden = el => !el.checkVisibility({visibilityProperty: true})
    || !!el.closest('aside.notes, .reveal-skip');
  let smallest = null;
  const walker = document.createTreeWalker(s, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim()) continue;
    // A formula counts at its own size: sub- and superscripts are smaller, as in print.
    const el = n.parentElement.closest('mjx-container') || n.parentElement;
    if (hidden(el) || !el.getClientRects().length) continue;
    const px = parseFloat(getComputedStyle(el).fontSize) * scale;
    if (!smallest || px < smallest.px)
      smallest = {px, text: n.textContent.trim().slice(0, 40), tag: el.tagName.toLowerCase()};
  }
  const figures = [...s.querySelectorAll('img')].filter(i => !hidden(i)).map(img => {
    const b = img.getBoundingClientRect();
    let dpi = null;
    const m = /^data:image\\/png;base64,(.*)$/.exec(img.src);
    if (m) {
      const head = atob(m[1].slice(0, 4000).replace(/[^A-Za-z0-9+\\/]/g, '').slice(0, 4000));
      const i = head.indexOf('pHYs');
      if (i > 0) {
        const p = [...head.slice(i + 4, i + 8)].map(c => c.charCodeAt(0));
        dpi = Math.round(((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) * 0.0254);
      }
    }
    const cell = img.closest('.jp-CodeCell');
    const code = cell ? ((cell.querySelector('.cm-content') || {}).innerText || '') : '';
    return {natural: img.naturalWidth, shown: b.width / scale, dpi, code,
            top: (b.top - r.top) / scale, bottom: (b.bottom - r.top) / scale};
  });
  const wide = [];
  for (const el of s.querySelectorAll('pre, table, mjx-container, img, .jp-OutputArea-output')) {
    if (hidden(el)) continue;
    const b = el.getBoundingClientRect();
    const clipped = getComputedStyle(el).overflowX !== 'visible'
      && el.scrollWidth > el.clientWidth + 1;
    if (b.width && (b.right > r.right + 1 || b.left < r.left - 1 || clipped))
      wide.push(el.tagName.toLowerCase() + ': ' + (el.innerText || el.src || '').slice(0, 60));
  }
  const bad = ['application/vnd.jupyter.error', 'application/vnd.jupyter.stderr'];
  const errors = [...s.querySelectorAll('.jp-OutputArea-output')].filter(o => !hidden(o)
      && (bad.includes(o.dataset.mimeType)
          || /Traceback \\(most recent call last\\)/.test(o.innerText)))
    .map(o => o.innerText.slice(0, 200));
  return {id: s.id, hash: location.hash, height: s.scrollHeight, visible: s.clientHeight,
          inside: r.top >= -1 && r.left >= -1 && r.right <= innerWidth + 1
                  && r.bottom <= innerHeight + 1,
          overflowY: style.overflowY, smallest, figures, wide, errors, scale,
          headingFirst: (() => { const f = s.querySelector('.jp-RenderedMarkdown');
            return f ? /^H[1-3]$/.test((f.firstElementChild || {}).tagName) : null; })()};
}"""

PRESENT = """() => { const s = [...document.querySelectorAll('.reveal .slides section.present')];
  return s.length ? s[s.length - 1].id : null; }"""


def position(slide_id):
    h, v = slide_id.split("-")[1:]
    return int(h), int(v)


def press(frame, page, key, start):
    """Press `key`; return the id of the slide shown after it (the same if nothing moved)."""
    page.keyboard.press(key)
    try:
        frame.wait_for_function(f"(old) => ({PRESENT})() !== old", arg=start, timeout=1_500)
    except Exception:  # noqa: BLE001 - playwright's TimeoutError: the key did nothing
        pass
    return frame.evaluate("() => new Promise(r => requestAnimationFrame(() => r((" + PRESENT
                          + ")())))")


def open_slides_in_full_screen(page, console):
    """Select the title, open the slides beside the notebook (Alt+R, RISE's preview), press
    the pane's full-screen button; return (frame of the slides, [scale 1 s later, whether the
    slides are in full screen])."""
    page.evaluate("() => { window.jupyterapp.shell.currentWidget.content.activeCellIndex = 0; }")
    console.two_clients = True
    page.evaluate("() => window.jupyterapp.commands.execute('RISE:preview')")
    deadline = time.monotonic() + 60
    while not (frames := [f for f in page.frames if "/rise/" in f.url]):
        assert time.monotonic() < deadline, "the slides did not open beside the notebook"
        page.wait_for_timeout(200)
    frame = frames[0]
    frame.wait_for_selector(".reveal .slides section.present", timeout=60_000)
    frame.wait_for_function("() => document.querySelector('.reveal.ready')", timeout=30_000)
    page.locator('[title="Open the slideshow in full screen"]').first.click()
    page.wait_for_timeout(1_000)
    scale = frame.evaluate("() => { const s = document.querySelector('.reveal .slides');"
                           " return [s.getBoundingClientRect().width / s.offsetWidth,"
                           " !!document.fullscreenElement]; }")
    # In a real browser RISE gives the focus to the slides when their frame gets it; headless
    # Chromium sends no focus event to a frame, so the test does what RISE's handler does.
    frame.evaluate("() => document.querySelector('.jp-Notebook').focus()")
    return frame, scale


SECTIONS = """() => [...document.querySelectorAll('.reveal .slides > section')]
  .map(s => s.querySelectorAll(':scope > section').length)"""


def walk(page, frame, name, shots):
    """Walk every slide as a presenter does; return (one measurement per slide, problems).

    Space goes from slide to slide inside a section; at the last slide of a section the right
    arrow goes to the next one; on the first slide of each section the left arrow must go
    back a section and the right arrow return. Saves a screenshot of the first slide of
    every section and of every slide that scrolls (of every slide with COURSE_BROWSER=all).
    """
    sections, slides, problems = frame.evaluate(SECTIONS), [], []
    current = frame.evaluate(PRESENT)
    if current != "slide-0-0":
        current = press(frame, page, "Home", current)
    for h, count in enumerate(sections):
        for v in range(count):
            if current != f"slide-{h}-{v}":
                problems.append(f"slide-{h}-{v} expected, slide {current} shown")
                return slides, problems
            slide = frame.evaluate(MEASURE)
            slides.append(slide)
            if EVERYTHING or v == 0 or slide["height"] > slide["visible"] + 1:
                page.screenshot(path=str(shots / f"{name[:2]}_{len(slides) - 1:02d}_"
                                                  f"{current}.jpg"), quality=80)
            if h > 0 and v == 0:  # the first slide of a section: left, then right again
                back = press(frame, page, "ArrowLeft", current)
                if position(back)[0] != h - 1:
                    problems.append(f"{current}: the left arrow went to {back}")
                if press(frame, page, "ArrowRight", back) != current:
                    problems.append(f"{back}: the right arrow did not return to {current}")
                    return slides, problems
            if v + 1 < count:
                current = press(frame, page, "Space", current)
            elif h + 1 < len(sections):
                current = press(frame, page, "ArrowRight", current)
    return slides, problems


def check_slides(name, slides):
    """The targets; return (problems, summary line)."""
    points = figure_font_points()
    bad, heights = [], [s["height"] for s in slides]
    for s in slides:
        where = f"{name[:2]} {s['id']}"
        tall = s["height"] > s["visible"] + 1
        if not s["inside"] or (tall and s["overflowY"] not in ("auto", "scroll")):
            bad.append(f"{where}: cut off ({s['height']} px, overflow {s['overflowY']})")
        if s["wide"]:
            bad.append(f"{where}: wider than the page: {s['wide'][:3]}")
        if s["smallest"] and s["smallest"]["px"] < SMALLEST_TEXT - 0.05:
            bad.append(f"{where}: text {s['smallest']['px']:.1f} px: {s['smallest']}")
        if s["errors"]:
            bad.append(f"{where}: an output shows an error: {s['errors'][0]}")
        for f in s["figures"]:
            found = re.findall(r"(?:fontsize|labelsize|titlesize)\s*=\s*([\d.]+)"
                               r"|['\"]size['\"]\s*:\s*([\d.]+)", f["code"])
            sizes = [points] + [float(x) for pair in found for x in pair if x]
            px = min(sizes) * (f["dpi"] or 100) / 72 * f["shown"] / max(f["natural"], 1)
            f["text_px"] = round(px, 1)
            if px < SMALLEST_TEXT - 0.05:
                bad.append(f"{where}: figure text {px:.1f} px ({min(sizes)} pt at "
                           f"{f['dpi']} dpi, shown at {f['shown']:.0f} of {f['natural']} px)")
            if f["top"] < -1 or f["bottom"] > min(s["visible"], SCREEN["height"]) + 1:
                bad.append(f"{where}: a figure is not entirely on the screen "
                           f"({f['top']:.0f} to {f['bottom']:.0f} px)")
    scrolling = sum(h > s["visible"] + 1 for h, s in zip(heights, slides, strict=True))
    if max(heights) > TALLEST * SCREEN["height"]:
        bad.append(f"{name[:2]}: the tallest slide is {max(heights)} px")
    if scrolling > SCROLLING * len(slides):
        bad.append(f"{name[:2]}: {scrolling} of {len(slides)} slides scroll")
    texts = [s["smallest"]["px"] for s in slides if s["smallest"]]
    texts += [f["text_px"] for s in slides for f in s["figures"]]
    summary = (f"{name[:2]}: {len(slides)} slides, tallest {max(heights)} px, "
               f"{scrolling} scroll ({scrolling / len(slides):.0%}), "
               f"smallest text {min(texts):.1f} px")
    return bad, summary


def open_stored_slides(lab, browser, name, console):
    """The slides page of `name` alone, at 1280x720, with the stored outputs."""
    base, token = lab
    context = browser.new_context(viewport=SCREEN)
    page = context.new_page()
    console.watch(page)
    page.goto(f"{base}/rise/{name}?token={token}")
    page.wait_for_function("() => document.querySelector('.reveal.ready')", timeout=60_000)
    page.evaluate("() => document.querySelector('.jp-Notebook').focus()")
    return context, page


@pytest.mark.parametrize(("name", "opened"), WALKED)
def test_the_notebook_runs_and_its_slides_can_be_projected(name, opened, lab, browser, shots):
    console = Console()
    if opened == "stored":
        context, page = open_stored_slides(lab, browser, name, console)
        frame = page.main_frame
    else:
        context, page = open_and_run(lab, browser, name, console)
    try:
        if opened == "run":
            errors = page.evaluate(ERROR_OUTPUTS, ".jp-Notebook")
            assert errors == [], f"{name}: outputs show errors:\n" + "\n".join(errors)
        if name == DEMO:
            before, after = move_slider_and_wait_for_new_figure(
                page, page, ".jp-Notebook", shots / "05_lab_slider.png", True)
            assert after != before
        if opened == "run":
            frame, (scale, full) = open_slides_in_full_screen(page, console)
            assert full, "the full-screen button did not put the slides in full screen"
            assert abs(scale - 1) < 0.01, (
                f"1 s after full screen the title slide is drawn at {scale:.0%} of the screen")
            assert frame.evaluate(PRESENT) == "slide-0-0", "the slides did not open at the title"
        slides, problems = walk(page, frame, name, shots)
        data = json.loads((shots / "slides.json").read_text()) if (
            shots / "slides.json").exists() else {}
        bad, summary = check_slides(name, slides)
        data[name] = {"summary": summary, "slides": slides}
        (shots / "slides.json").write_text(json.dumps(data, indent=1))
        print(f"\n{summary}; console errors from upstream: {console.accepted}")
        starts = [s for s in slides if s["id"].endswith("-0") and s["id"] != "slide-0-0"]
        assert all(s["headingFirst"] for s in starts), "a section does not start at its heading"
        cells = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))["cells"]
        headings = [c for c in cells if c["cell_type"] == "markdown"
                    and "".join(c["source"]).startswith("## ")]
        assert len(starts) == len(headings), "not one slide per '## ' section"
        assert frame.locator(".reveal mjx-container").count() > 0, "math is not typeset"
        assert not problems + bad, "\n".join(problems + bad)

        if name == DEMO:
            check_the_demos_in_the_slides(page, frame, slides, shots)
        assert console.problems == [], "\n".join(console.problems)
    finally:
        context.close()


def check_the_demos_in_the_slides(page, frame, slides, shots):
    """05: the slider redraws its figure inside the slides, and the player steps."""
    root = ".reveal .slides section.present"

    def show(slide_id):
        frame.evaluate("(id) => { location.hash = '#/' + id; }", slide_id)
        frame.wait_for_function(f"(id) => ({PRESENT})() === id", arg=slide_id, timeout=10_000)

    slider = [s["id"] for s in slides
              if frame.locator(f"#{s['id']} .widget-slider").count()]
    assert slider, "no slide shows the widget slider (the widget manager did not load)"
    show(slider[0])
    before, after = move_slider_and_wait_for_new_figure(page, frame, root,
                                                        shots / "05_slides_slider.png", False)
    assert after != before
    player = [s["id"] for s in slides if frame.locator(f"#{s['id']} .anim-slider").count()]
    assert player, "no slide shows the animation player"
    show(player[0])
    image = frame.locator(f"{root} .animation img").first
    first = image.get_attribute("src")
    frame.locator(f"{root} .animation").get_by_role("button", name="Next frame").click()
    frame.wait_for_function("([sel, old]) => document.querySelector(sel).src !== old",
                            arg=[f"{root} .animation img", first], timeout=10_000)
    page.screenshot(path=str(shots / "05_slides_player.png"))
