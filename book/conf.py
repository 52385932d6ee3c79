"""Sphinx configuration of the course's book: the notebooks as committed, read as a website.

Build it with `python -m book` (see book/__main__.py). The sources are the repository itself
(README.md and the notebooks, untouched); this folder only configures how they are read.
Nothing is executed and nothing is fetched: the notebooks' stored outputs are shown as they
are, and MathJax is served from the built folder.
"""

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))  # for the extension course_book.py beside this file

import course_book  # noqa: E402

project = "Recurrent neural networks from scratch, in NumPy"
html_show_copyright = False  # the repository's files say who wrote the course

extensions = ["myst_nb", "sphinx.ext.mathjax", "course_book"]

# The repository root is the source folder; only these files are pages of the book.
root_doc = "README"
include_patterns = ["README.md", "book/solutions.md",
                    "notebooks/[0-9][0-9]_*.ipynb", "notebooks/solutions/*.ipynb"]
exclude_patterns = ["build", "**/.ipynb_checkpoints"]

# Notebooks are read with their stored outputs; nbval already proves that they run.
nb_execution_mode = "off"
nb_merge_streams = True
# No widget JavaScript from a CDN: a stored widget is replaced by a note (course_book.py).
nb_ipywidgets_js = {}
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3  # README.md#the-notebooks and every section of a notebook

# MathJax 3 from the Python package sphinx-mathjax-offline, copied into _static/mathjax/.
_mathjax = importlib.util.find_spec("sphinx-mathjax-offline")
if _mathjax is None:
    raise RuntimeError("the book needs the package sphinx-mathjax-offline "
                       "(pip install -r requirements-book.txt)")
_mathjax_static = Path(next(iter(_mathjax.submodule_search_locations))) / "static"
html_static_path = ["_static", str(_mathjax_static)]
mathjax_path = "mathjax/tex-chtml.js"  # relative: served from the built _static folder

html_theme = "sphinx_book_theme"
html_title = "RNNs from scratch in NumPy"
html_favicon = "_static/favicon.svg"  # else the browser asks for /favicon.ico, which is not there
html_last_updated_fmt = None
html_sourcelink_suffix = ""  # the download button offers the .ipynb and .md files as they are
# Light or dark as the reader's system prefers (without it the theme logs an error).
html_context = {"default_mode": "auto"}
REPOSITORY = course_book.course_tool().repository()  # None until a maintainer sets it
html_theme_options = course_book.theme_options(REPOSITORY)
