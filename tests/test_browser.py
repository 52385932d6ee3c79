"""Notebook 05 in a real browser: JupyterLab + headless Chromium driven by Playwright.

Starts `jupyter lab` on localhost with a token, serving a temporary copy of the notebooks
(so nothing in the repository is touched), opens notebook 05, runs all cells, asserts that
no cell shows an error, moves the widget slider and asserts that the figure changes. A
screenshot is saved in pytest's temporary folder.

Needs Debian's `chromium` (no browser is downloaded). Skipped, with the reason, where it is
missing; CI installs it (.ci/browser-deps).
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "05_vanishing_and_exploding_gradients.ipynb"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium not found (apt-get install chromium to run this test)"
)


# True once every code cell shows an execution count: none busy ([*]) and none unrun ([ ]).
ALL_CELLS_RAN = """() => {
  const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
  return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""


SOME_CELL_STARTED = """() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
  .some(p => /\\[(\\d+|\\*)\\]/.test(p.textContent))"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server on localhost serving a copy of notebooks/; yields its base URL."""
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp_path / 'notebooks'}",
         "--allow-root", "--LabApp.news_url=", "--LabApp.extension_manager=readonly",
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


def figure_under_slider(page):
    """The PNG (as its data URL) that the widget's output area currently shows."""
    img = page.locator(".jp-OutputArea-output .widget-output img, .widget-output img").last
    img.wait_for(state="visible", timeout=30_000)
    return img.get_attribute("src")


def test_notebook_05_runs_and_the_slider_redraws_the_figure(lab, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    base, token = lab
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}")
        page.locator(".jp-NotebookPanel").first.wait_for(timeout=60_000)
        # The status bar says "Python 3 (ipykernel) | Idle" once the kernel is connected.
        page.get_by_text("| Idle").first.wait_for(timeout=90_000)
        for attempt in range(3):  # a click that lands while the page is still settling is lost
            page.locator(".jp-Notebook").first.click()
            page.keyboard.press("Escape")  # command mode, so the Run menu acts on the notebook
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.locator("li[data-command='runmenu:run-all']").click()
            try:
                page.wait_for_function(SOME_CELL_STARTED, timeout=15_000)
                break
            except sync_api.TimeoutError:
                if attempt == 2:
                    raise
        page.wait_for_function(ALL_CELLS_RAN, timeout=120_000)
        errors = page.locator("[data-mime-type='application/vnd.jupyter.error']")
        assert errors.count() == 0, errors.first.inner_text()
        slider = page.locator(".widget-slider").first
        slider.scroll_into_view_if_needed()
        before = figure_under_slider(page)
        handle = slider.locator(".noUi-handle").first
        handle.focus()
        for _ in range(3):
            handle.press("ArrowRight")
        page.wait_for_function(
            "(old) => { const imgs = document.querySelectorAll('.widget-output img');"
            " return imgs.length && imgs[imgs.length - 1].src !== old; }",
            arg=before, timeout=30_000)
        after = figure_under_slider(page)
        page.screenshot(path=str(tmp_path / "notebook05.png"), full_page=False)
        browser.close()
    assert after != before
    assert (tmp_path / "notebook05.png").stat().st_size > 10_000
