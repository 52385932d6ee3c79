"""Check every link of the built book without the network.

Every internal link and resource (a href, link href, script src, img src) must name a file
inside the built folder, and a link with an anchor (#section) must find an element with that
id (or name) in the target page. External addresses are collected, never fetched.
"""

from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

LINK_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src"}
NOT_CHECKED = ("data:", "javascript:", "blob:")


class Page(HTMLParser):
    """The anchors a page defines and the links it makes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.anchors = set()
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name") if tag in ("a", "form", "input", "map") else ("id",):
            if attrs.get(key):
                self.anchors.add(attrs[key])
        target = attrs.get(LINK_ATTRIBUTES.get(tag, ""))
        if target is not None:
            self.links.append(target.strip())


def read_page(path):
    page = Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def check(outdir):
    """Check the links of every page under outdir.

    Returns a tuple of:
    - problems: list of "page: link: what is wrong" lines (empty when all resolve).
    - external: dict address -> sorted list of the pages that link to it.
    - checked: the number of internal links checked.
    """
    outdir = Path(outdir).resolve()
    pages = {p.relative_to(outdir).as_posix(): read_page(p) for p in sorted(outdir.rglob("*.html"))
             if "_static" not in p.relative_to(outdir).parts}  # the theme's templates there
    problems, external, checked = [], defaultdict(set), 0
    for name, page in pages.items():
        for link in page.links:
            if not link or link.startswith(NOT_CHECKED):
                continue
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                external[link].add(name)
                continue
            checked += 1
            problem = check_internal(outdir, pages, name, parts)
            if problem:
                problems.append(f"{name}: {link}: {problem}")
    return problems, {url: sorted(where) for url, where in sorted(external.items())}, checked


def check_internal(outdir, pages, name, parts):
    """What is wrong with one internal link of page `name`, or None."""
    if parts.path:
        target = PurePosixPath(name).parent / unquote(parts.path)
        resolved = (outdir / target).resolve()
        if outdir not in resolved.parents and resolved != outdir:
            return "points outside the book"
        if resolved.is_dir():
            resolved = resolved / "index.html"
        if not resolved.is_file():
            return "no such file"
        target_name = resolved.relative_to(outdir).as_posix()
    else:
        target_name = name
    anchor = unquote(parts.fragment)
    if anchor and target_name.endswith(".html") and anchor not in pages[target_name].anchors:
        return f"no anchor #{anchor} in {target_name}"
    return None
