"""The book's parts that are quick to test, and the links of the repository.

The book itself (python -m book: a Sphinx build with warnings as errors, its link check and
a browser test in book/tests) runs in .ci/run after pytest; here: the link checker on a
small made-up site, the course's public address and the links made from it, the front page
made from README.md, the alt text handed to the book's images, and no placeholder address
anywhere in the repository.
"""

import importlib.util
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


links = load("book_links", ROOT / "book" / "links.py")
course_book = load("course_book", ROOT / "book" / "course_book.py")
course = load("course", ROOT / "notebooks" / "tools" / "course.py")


def write(root, name, text):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_link_check_finds_broken_files_and_anchors_and_lists_external_links(tmp_path):
    write(tmp_path, "index.html", '<a href="a/page.html#two">ok</a> <a href="#top" id="top">'
          '</a> <a href="a/page.html#three">no anchor</a> <a href="gone.html">no file</a>'
          ' <img src="a/fig.png"> <a href="https://example.org/x">out</a>'
          ' <a href="../outside.html">out of the book</a> <a href="data:,x">data</a>')
    write(tmp_path, "a/page.html", '<h2 id="two">Two</h2><a href="../index.html">up</a>'
          '<a href="https://example.org/x">again</a><script src="missing.js"></script>')
    write(tmp_path, "a/fig.png", "png")
    write(tmp_path, "_static/template.html", '<a href="{{ pathto() }}">not a page</a>')
    problems, external, checked = links.check(tmp_path)
    assert sorted(problems) == [
        "a/page.html: missing.js: no such file",
        "index.html: ../outside.html: points outside the book",
        "index.html: a/page.html#three: no anchor #three in a/page.html",
        "index.html: gone.html: no such file",
    ]
    assert external == {"https://example.org/x": ["a/page.html", "index.html"]}
    assert checked == 8


def test_no_placeholder_address_anywhere_in_the_repository():
    placeholder = "OWN" + "ER"  # spelled in two halves, so this file does not match itself
    try:
        tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                                 check=True).stdout.decode().split("\0")
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the tracked files are unknown")
    found = []
    for name in filter(None, tracked):
        path = ROOT / name
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        found += [f"{name}:{n}" for n, line in enumerate(text.splitlines(), 1)
                  if placeholder in line]
    assert not found, f"placeholder {placeholder!r} found at " + ", ".join(found)


def pyproject_with(tmp_path, urls):
    text = '[project]\nname = "x"\n'
    if urls is not None:
        text += "[project.urls]\n" + "".join(f'{k} = "{v}"\n' for k, v in urls.items())
    write(tmp_path, "pyproject.toml", text)
    return tmp_path / "pyproject.toml"


def test_the_address_is_unset_until_a_maintainer_sets_it(tmp_path):
    assert course.repository(pyproject_with(tmp_path, None)) is None
    assert course.repository(pyproject_with(tmp_path, {"Documentation": "https://d.org"})) is None
    repo = "https://github.com/someone/rnn-course"
    assert course.repository(pyproject_with(tmp_path, {"Repository": repo + "/"})) == repo
    for bad in ("http://github.com/a/b", "https://github.com/a", "https://github.com/a/b.git",
                "github.com/a/b"):
        with pytest.raises(ValueError, match="Repository in pyproject.toml: expected https://"):
            course.repository(pyproject_with(tmp_path, {"Repository": bad}))


def test_binder_links_for_github_gitlab_and_any_git_host():
    path = "notebooks/01_scalar_rnn_cell.ipynb"
    tail = f"/main?urlpath=lab/tree/{path}"
    assert course.binder_url("https://github.com/a/b", path) == \
        "https://mybinder.org/v2/gh/a/b" + tail
    assert course.binder_url("https://gitlab.com/a/b", path) == \
        "https://mybinder.org/v2/gl/a%2Fb" + tail
    assert course.binder_url("https://git.example.org/a/b", path) == \
        "https://mybinder.org/v2/git/https%3A%2F%2Fgit.example.org%2Fa%2Fb" + tail


def test_the_readme_block_of_launch_links_is_empty_while_unset_and_filled_when_set():
    lessons = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert course.repository() is None or "mybinder.org" in readme
    unset = course.with_launch_links(readme, course.launch_links(None, lessons))
    assert unset == readme if course.repository() is None else "mybinder.org" not in unset
    filled = course.with_launch_links(unset, course.launch_links("https://github.com/a/b",
                                                                 lessons))
    block = filled.split(course.LAUNCH_START)[1].split(course.LAUNCH_END)[0]
    assert block.count("https://mybinder.org/v2/gh/a/b/main?urlpath=lab/tree/notebooks/") == 9
    assert course.with_launch_links(filled, course.launch_links(None, lessons)) == unset
    with pytest.raises(ValueError, match="expected one"):
        course.with_launch_links("no block here", "")


def test_the_front_page_is_the_readme_introduction_then_the_contents():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lessons = course_book.lesson_docnames()
    page = course_book.front_page(readme, lessons)
    assert page.startswith("# Recurrent neural networks from scratch")
    assert "## The notebooks" in page and "## Set up" not in page
    assert course.LAUNCH_START not in page and "mybinder.org" not in page
    assert "](book/solutions.md)" in page and "](notebooks/solutions/)" not in page
    assert len(lessons) == 8 and all(f"\n{name}\n" in page for name in lessons)
    assert ":caption: Lessons" in page and ":caption: Solutions" in page
    assert "[README.md](" not in page  # no link to a repository whose address is unset
    published = course_book.front_page(readme, lessons, "https://github.com/a/b")
    assert "[README.md](https://github.com/a/b#set-up)" in published
    assert "launch button" in published and "launch button" not in page


def test_theme_buttons_only_with_an_address():
    assert "repository_url" not in course_book.theme_options(None)
    assert "launch_buttons" not in course_book.theme_options(None)
    options = course_book.theme_options("https://github.com/a/b")
    assert options["repository_url"] == "https://github.com/a/b"
    assert options["use_edit_page_button"] and options["repository_branch"] == course.BRANCH
    assert options["launch_buttons"]["binderhub_url"] == course.BINDERHUB


def test_the_book_takes_alt_text_from_the_output_metadata():
    assert course_book.image_alt({"image/png": {"alt": "A"}, "alt": "B"}, "image/png") == "A"
    assert course_book.image_alt({"alt": "B"}, "image/png") == "B"
    assert course_book.image_alt({"image/png": {"width": 3}}, "image/png") is None
    assert course_book.image_alt({"image/png": {"alt": " "}}, "image/png") is None
    nodes = pytest.importorskip("docutils.nodes", reason="the book's packages are not installed")

    class Data:
        mime_type, output_metadata = "image/png", {"image/png": {"alt": "Line plot: falls."}}

    render = course_book.with_alt(lambda self, data: [nodes.container("", nodes.image(uri="x"))])
    (out,) = render(None, Data())
    assert [image["alt"] for image in out.findall(nodes.image)] == ["Line plot: falls."]
    Data.output_metadata = {}
    (out,) = render(None, Data())
    assert "alt" not in next(iter(out.findall(nodes.image)))
