"""The built book in a real browser: Debian's Chromium driven by Playwright, as in
tests/test_browser.py (same launch options), the book served from 127.0.0.1.

- every page (front page, lessons, solutions) loads with no console error and no request
  leaving the machine, its figures load and its math is typeset by the bundled MathJax;
- the search page finds "AdaGrad" in notebook 06;
- notebook 05's animation player (no kernel) advances a frame;
- screenshots at 1280x720 of the front page, 05 and 07 stay in pytest's temporary folder.

The book is the one in $BOOK_HTML if that is set (.ci/run builds it first with
`python -m book`), else it is built here into a temporary folder.
Skipped, with the reason, where Chromium or the book's packages are missing.
"""

import functools
import importlib.util
import os
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

BOOK = Path(__file__).resolve().parents[1]
ROOT = BOOK.parent


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


LAB_TEST = load("lab_browser_test", ROOT / "tests" / "test_browser.py")  # launch options
CHROMIUM, FLAGS, SCREEN = LAB_TEST.CHROMIUM, LAB_TEST.FLAGS, LAB_TEST.SCREEN

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium not found (apt-get install chromium to run this test)"
)

LESSONS = sorted(p.relative_to(ROOT).with_suffix(".html").as_posix()
                 for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SOLUTIONS = sorted(p.relative_to(ROOT).with_suffix(".html").as_posix()
                   for p in (ROOT / "notebooks" / "solutions").glob("*.ipynb"))
PAGES = ["README.html", *LESSONS, "book/solutions.html", *SOLUTIONS]
PLAYER = "notebooks/05_vanishing_and_exploding_gradients.html"
SEARCHED = ("AdaGrad", "notebooks/06_char_rnn_adagrad.html")


@pytest.fixture(scope="module")
def book_html(tmp_path_factory):
    if os.environ.get("BOOK_HTML"):
        return Path(os.environ["BOOK_HTML"]).resolve()
    pytest.importorskip("myst_nb", reason="the book's packages are not installed "
                                          "(pip install -r requirements-book.txt)")
    out = tmp_path_factory.mktemp("book")
    assert load("book_main", BOOK / "__main__.py").main(["--out", str(out)]) == 0
    return out / "html"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(book_html):
    """The book served on 127.0.0.1 (a free port); yields its base address."""
    handler = functools.partial(QuietHandler, directory=str(book_html))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


class Watch:
    """Console errors, uncaught exceptions, failed requests and requests off the machine."""

    def __init__(self, page):
        self.problems = []
        page.on("console", lambda m: m.type == "error" and self.problems.append(
            f"console: {m.text[:300]} (at {(m.location or {}).get('url', '')})"))
        page.on("pageerror", lambda e: self.problems.append(f"uncaught: {e}"))
        page.on("request", self._request)
        page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(
            f"HTTP {r.status}: {r.url}"))

    def _request(self, request):
        url = urlparse(request.url)
        if url.scheme not in ("data", "blob", "about") and url.hostname != "127.0.0.1":
            self.problems.append(f"request leaves the machine: {request.url}")


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=SCREEN)
    page = context.new_page()
    page.watch = Watch(page)
    yield page
    context.close()


MATH_STATE = """() => ({
  typeset: document.querySelectorAll('mjx-container').length,
  errors: document.querySelectorAll('mjx-merror').length,
  raw: [...document.querySelectorAll('.math')].filter(e => !e.querySelector('mjx-container'))
        .map(e => e.textContent.slice(0, 60)),
})"""

BROKEN_IMAGES = """() => [...document.querySelectorAll('article img')]
  .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src'))"""


def open_page(page, site, path):
    page.goto(f"{site}/{path}", wait_until="networkidle")
    if page.locator(".math").count():
        page.wait_for_function("() => document.querySelectorAll('mjx-container').length > 0",
                               timeout=30_000)
        page.wait_for_function("() => !document.querySelector('.math:not(:has(mjx-container))')",
                               timeout=30_000)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_loads_offline_with_its_math_and_figures(page, site, path):
    open_page(page, site, path)
    assert page.title(), path
    math = page.evaluate(MATH_STATE)
    assert math["errors"] == 0 and not math["raw"], f"math not typeset: {math}"
    if path in LESSONS:
        assert math["typeset"] > 0, "a lesson without typeset math"
    assert page.evaluate(BROKEN_IMAGES) == []
    assert page.watch.problems == [], "\n".join(page.watch.problems)


def test_the_front_page_is_the_readme_introduction_with_every_lesson(page, site, tmp_path):
    page.goto(f"{site}/", wait_until="networkidle")  # index.html leads to the front page
    assert page.url.endswith("/README.html")
    heading = page.locator("article h1").first.inner_text()
    assert "Recurrent neural networks from scratch" in heading
    sidebar = page.locator(".bd-sidebar-primary")
    for lesson in LESSONS:
        assert sidebar.locator(f"a[href$='{lesson}']").count() == 1, lesson
    assert sidebar.get_by_text("Solutions").count() >= 1
    page.screenshot(path=str(tmp_path / "front_page.png"))
    assert page.watch.problems == [], "\n".join(page.watch.problems)


def test_search_finds_adagrad_in_notebook_06(page, site):
    word, where = SEARCHED
    page.goto(f"{site}/search.html?q={word}", wait_until="networkidle")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=30_000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any(h.split("?")[0].split("#")[0].endswith(where) for h in hrefs), hrefs
    assert page.watch.problems == [], "\n".join(page.watch.problems)


def test_the_player_of_05_advances_a_frame(page, site, tmp_path):
    open_page(page, site, PLAYER)
    page.screenshot(path=str(tmp_path / "05_top.png"))
    player = page.locator("div.animation").first
    player.scroll_into_view_if_needed()
    image, slider = player.locator("img").first, player.locator("input.anim-slider").first
    first = image.get_attribute("src")
    assert first.startswith("data:image/png") and slider.input_value() == "0"
    player.get_by_role("button", name="Next frame").click()
    page.wait_for_function("([img, old]) => img.src !== old",
                           arg=[image.element_handle(), first], timeout=10_000)
    assert slider.input_value() == "1"
    page.screenshot(path=str(tmp_path / "05_player.png"))
    assert page.watch.problems == [], "\n".join(page.watch.problems)


def test_screenshot_of_07(page, site, tmp_path):
    open_page(page, site, LESSONS[6])
    assert re.search(r"07_", LESSONS[6])
    page.screenshot(path=str(tmp_path / "07_top.png"))
    page.locator("article img").first.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "07_figure.png"))
    assert page.watch.problems == [], "\n".join(page.watch.problems)
