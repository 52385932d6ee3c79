"""What the book adds to Sphinx and MyST-NB, as a small Sphinx extension (book/conf.py loads it).

- The front page is README.md's introduction (up to "## Set up"), read as the book's root
  page, followed by the book's table of contents: the lessons, then the solutions.
- A figure's alternative text is taken from its output's metadata, where rnnlib.plots.show
  stores it ({"image/png": {"alt": ...}}, as nbconvert reads it). MyST-NB 1.4 applies only
  width and height from there, so the image renderer is wrapped to apply "alt" as well.
- A stored ipywidgets view needs a kernel and widget JavaScript from a CDN: the book shows a
  note in its place instead.
- index.html at the top of the built folder leads to the front page.
- The theme's repository, edit and launch buttons are made from the course's one address
  setting (notebooks/tools/course.py reads it); while it is unset there are none.
"""

import functools
import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
FRONT_PAGE_ENDS_AT = "\n## Set up\n"
SOLUTIONS_PAGE = "book/solutions.md"
WIDGET_NOTE = ("An interactive widget is shown here when the notebook runs in JupyterLab: "
               "it needs a running Python kernel, which a static page does not have.")


def course_tool():
    """notebooks/tools/course.py as a module (the one reader of the address setting)."""
    spec = importlib.util.spec_from_file_location("course", NOTEBOOKS / "tools" / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def theme_options(repo):
    """sphinx-book-theme options; repository, edit and launch buttons only if repo is set."""
    options = {
        "home_page_in_toc": True,
        "show_toc_level": 2,
        "use_download_button": True,
        "use_fullscreen_button": False,
    }
    if repo is not None:
        tool = course_tool()
        options.update({
            "repository_url": repo,
            "repository_branch": tool.BRANCH,
            "path_to_docs": "",
            "use_repository_button": True,
            "use_edit_page_button": True,
            "launch_buttons": {"binderhub_url": tool.BINDERHUB,
                               "notebook_interface": "jupyterlab"},
        })
    return options


def lesson_docnames(notebooks=NOTEBOOKS):
    return [f"notebooks/{p.stem}" for p in sorted(notebooks.glob("[0-9][0-9]_*.ipynb"))]


def front_page(readme_text, lessons, repo=None):
    """The book's root page made from README.md's text: introduction, then contents."""
    tool = course_tool()
    intro = readme_text.split(FRONT_PAGE_ENDS_AT)[0]
    if intro == readme_text:
        raise ValueError(f"README.md: no {FRONT_PAGE_ENDS_AT.strip()!r} section to stop at")
    # The README's Binder badge is for the repository's page; the book has its own launch
    # buttons (and would otherwise load the badge's image from the web).
    intro = tool.with_launch_links(intro, "")
    intro = intro.replace(tool.LAUNCH_START + "\n", "").replace(tool.LAUNCH_END, "")
    intro = intro.replace("](notebooks/solutions/)", f"]({SOLUTIONS_PAGE})")
    readme = f"[README.md]({repo}#set-up)" if repo else "README.md"
    online = (" Or run them online: the launch button at the top of a notebook's page opens "
              "it on Binder." if repo else "")
    entries = "\n".join(lessons)
    return (
        intro.rstrip() + "\n\n"
        "These pages show each notebook with the outputs it stored when it last ran. To run "
        "the code and change it, open the notebooks in JupyterLab on your computer: the "
        f"*Set up* section of the course's {readme} lists the commands.{online}\n\n"
        f"```{{toctree}}\n:hidden:\n:caption: Lessons\n\n{entries}\n```\n\n"
        "```{toctree}\n:hidden:\n:caption: Solutions\n\nbook/solutions\n```\n"
    )


def on_source_read(app, docname, source):
    if docname == "README":
        repo = app.config.html_theme_options.get("repository_url")
        source[0] = front_page(source[0], lesson_docnames(), repo)


def image_alt(output_metadata, mime_type):
    """The alt text stored with an image output, looked up as nbconvert does, or None."""
    per_type = output_metadata.get(mime_type) or {}
    alt = per_type.get("alt", output_metadata.get("alt"))
    return alt if isinstance(alt, str) and alt.strip() else None


def with_alt(render_image):
    from docutils import nodes

    @functools.wraps(render_image)
    def render(self, data):
        result = render_image(self, data)
        alt = image_alt(data.output_metadata, data.mime_type)
        if alt is not None:
            for node in result:
                for image in node.findall(nodes.image):
                    image["alt"] = alt
        return result

    render.course_book_alt = True
    return render


def widget_note(self, data):
    from docutils import nodes

    return [nodes.note("", nodes.paragraph("", WIDGET_NOTE))]


def patch_myst_nb():
    from myst_nb.core.render import NbElementRenderer

    if not getattr(NbElementRenderer.render_image, "course_book_alt", False):
        NbElementRenderer.render_image = with_alt(NbElementRenderer.render_image)
    NbElementRenderer.render_widget_view = widget_note


REDIRECT = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta http-equiv="refresh" content="0; url={target}"></head>
<body><p><a href="{target}">{title}</a></p></body></html>
"""


def on_build_finished(app, exception):
    if exception is None and app.builder.format == "html":
        target = app.builder.get_target_uri(app.config.root_doc)
        page = REDIRECT.format(target=target, title=re.sub(r"[<>&\"]", "", app.config.project))
        (Path(app.outdir) / "index.html").write_text(page, encoding="utf-8")


def setup(app):
    patch_myst_nb()
    app.connect("source-read", on_source_read)
    app.connect("build-finished", on_build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
