"""Build the course's book and check it: python -m book [--out DIR]

Builds HTML pages from README.md and the notebooks as committed (Sphinx with MyST-NB and
sphinx-book-theme; no notebook is executed, nothing is fetched) with every warning an error,
then checks every internal link and anchor of the result and lists the external links,
without fetching them, in DIR/external-links.txt. The book is DIR/html (default:
build/book/html): open its index.html in a browser, or serve it with
`python -m http.server -d build/book/html` and open http://127.0.0.1:8000.

Needs the packages of requirements-book.txt. Exit status 0 when the build and every link are
good, 1 otherwise.
"""

import argparse
import hashlib
import json
import re
import sys
import time
from base64 import b64decode
from html import unescape
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import links  # noqa: E402

DEFAULT_OUT = ROOT / "build" / "book"


def build(out):
    """Sphinx, from scratch, warnings as errors; returns Sphinx's exit status."""
    from sphinx.cmd.build import build_main

    return build_main(["-b", "html", "-E", "-W", "--keep-going", "-q", "-c", str(HERE),
                       "-d", str(out / "doctrees"), str(ROOT), str(out / "html")])


def stored_figures(notebook):
    """(file name the book gives the image, its stored alt text or None) per PNG output."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png is None:
                continue
            name = hashlib.sha256(b64decode("".join(png))).hexdigest() + ".png"  # as MyST-NB
            metadata = output.get("metadata", {})
            alt = (metadata.get("image/png") or {}).get("alt", metadata.get("alt"))
            yield name, alt


IMG = re.compile(r"<img\b[^>]*>")


def attribute(tag, name):
    found = re.search(rf'\b{name}="([^"]*)"', tag)
    return unescape(found.group(1)) if found else None


def check_figures(html):
    """Every figure's stored alt text is on its <img> in the book.

    Returns a tuple of:
    - problems: list of lines, one per figure whose alt text did not arrive.
    - missing: list of "notebook: image" for figures that have no alt text stored yet.
    """
    problems, missing = [], []
    for notebook in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in notebook.parts:
            continue
        page = html / notebook.relative_to(ROOT).with_suffix(".html")
        tags = {Path(attribute(t, "src") or "").name: t
                for t in IMG.findall(page.read_text(encoding="utf-8"))}
        for name, alt in stored_figures(notebook):
            tag = tags.get(name)
            where = f"{notebook.relative_to(ROOT)}: {name}"
            if tag is None:
                problems.append(f"{where}: the figure is not in the book")
            elif alt is None:
                missing.append(where)
            elif attribute(tag, "alt") != alt:
                problems.append(f"{where}: alt {attribute(tag, 'alt')!r} instead of {alt!r}")
    return problems, missing


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m book", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"output folder (default: {DEFAULT_OUT.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    start = time.monotonic()
    if build(out) != 0:
        print("book: the build failed (warnings are errors; see above)", file=sys.stderr)
        return 1
    html = out / "html"
    problems, external, checked = links.check(html)
    figure_problems, missing = check_figures(html)
    listing = out / "external-links.txt"
    listing.write_text("".join(f"{url}  <-  {', '.join(pages)}\n"
                               for url, pages in external.items()), encoding="utf-8")
    for line in problems + figure_problems:
        print(f"book: {line}", file=sys.stderr)
    pages = [p for p in html.rglob("*.html") if "_static" not in p.relative_to(html).parts]
    print(f"book: {len(pages)} pages in {html} "
          f"({time.monotonic() - start:.0f} s); {checked} internal links checked, "
          f"{len(problems)} broken; {len(external)} external links listed in {listing} "
          f"(not fetched); {len(missing)} figures without alternative text yet")
    return 1 if problems or figure_problems else 0


if __name__ == "__main__":
    sys.exit(main())
