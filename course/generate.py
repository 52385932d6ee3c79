"""Make every notebook of a lesson from its one source notebook.

    python course/generate.py              # regenerate every converted lesson (executes them)
    python course/generate.py 01           # only lesson 01
    python course/generate.py --check      # exit 1 if a generated file is out of date
    python course/generate.py --start 02   # a first source for lesson 02, to mark up by hand

The source of lesson NN is ``course/source/NN_name/NN_name.ipynb``, an nbgrader source
notebook: the whole lesson, the exercises' answers between ``### BEGIN SOLUTION`` and
``### END SOLUTION``, and their checks as graded test cells. From it this script writes

- ``notebooks/NN_name.ipynb``, the learner's notebook: answers replaced by stubs, no test
  cells, executed, with the navigation and slide metadata of ``notebooks/tools/course.py``;
- ``notebooks/solutions/NN_name_solutions.ipynb``, the worked solutions: the exercises with
  their answers and derivations, executed, with navigation;
- ``course/source/NN_name_implement/NN_name_implement.ipynb``, the nbgrader source of the
  "implement it yourself" variant, in which the lesson's core code is an answer too;
- ``course/release/NN_name*/``, the student versions nbgrader makes of both
  (``nbgrader generate_assignment``), ready to hand out.

The markup of a source (CONTRIBUTING.md explains it with an example):

- cell tags ``solutions-only`` (only in the solutions notebook), ``lesson-only`` (in the
  learner's notebook and the releases, not in the solutions), ``implement-only`` (only in the
  "implement it yourself" variant);
- inside an answer, lines ``### STUB <code>`` are what the learner sees instead of the
  answer; without them the answer becomes ``...  # your code here``;
- ``### BEGIN CORE`` / ``### END CORE`` around the lesson's core code, which the variant
  turns into an answer to write; a cell whose metadata has ``"course": {"implement_points": n}``
  is one of the lesson's comparison cells, graded with n points in the variant.

``--check`` executes nothing: it compares what this script decides (cell types, sources, ids,
tags and metadata) with the committed files, and the releases byte for byte; stored outputs
are nbval's business. The nbgrader configuration in this folder imports this module for its
preprocessors, so ``nbgrader generate_assignment`` run by hand makes the same releases.
"""

import contextlib
import copy
import importlib.util
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NOTEBOOKS = ROOT / "notebooks"

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_CORE, END_CORE = "### BEGIN CORE", "### END CORE"
STUB = "### STUB "
DEFAULT_STUB = "...  # your code here"
SOLUTIONS_ONLY, LESSON_ONLY, IMPLEMENT_ONLY = "solutions-only", "lesson-only", "implement-only"
COURSE_TAGS = {SOLUTIONS_ONLY, LESSON_ONLY, IMPLEMENT_ONLY}
IMPLEMENT = "_implement"  # the variant's assignment is the lesson's name plus this


# ---------------------------------------------------------------- the markup, line by line

def replace_regions(source, begin, end, keep):
    """Return (new source, whether a region was found) for the regions begin ... end.

    keep="answer": the lines between the markers stay, without the markers and ``### STUB``
    lines. keep="stub": the region becomes its ``### STUB`` lines (at their indentation),
    or DEFAULT_STUB at the indentation of the begin marker. keep="markers": the markers are
    renamed to the solution markers (for the variant), everything else stays.
    """
    out, region, found = [], None, False
    for line in source.split("\n"):
        if begin in line:
            if region is not None:
                raise ValueError(f"nested {begin!r} in:\n{source}")
            region, found = [], True
            indent = line[: len(line) - len(line.lstrip())]
            if keep == "markers":
                out.append(indent + BEGIN_SOLUTION)
            continue
        if end in line and region is not None:
            if keep == "stub":
                stubs = [s for s in region if s.lstrip().startswith(STUB)]
                out.extend(s.replace(STUB, "", 1) for s in stubs)
                if not stubs:
                    out.append(indent + DEFAULT_STUB)
            elif keep == "markers":
                out.extend(region)
                out.append(line[: len(line) - len(line.lstrip())] + END_SOLUTION)
            else:
                out.extend(s for s in region if not s.lstrip().startswith(STUB))
            region = None
            continue
        (out if region is None else region).append(line)
    if region is not None:
        raise ValueError(f"{begin!r} without {end!r} in:\n{source}")
    return "\n".join(out), found


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def grading(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def is_test(cell):
    """An nbgrader test cell: graded, not an answer (it raises until the answer passes)."""
    g = grading(cell)
    return bool(g.get("grade")) and not g.get("solution")


def clean_metadata(cell):
    """Drop the grading markup: nbgrader's metadata, the course's own tags and settings."""
    meta = cell.setdefault("metadata", {})
    meta.pop("nbgrader", None)
    meta.pop("course", None)
    meta.pop("editable", None)
    meta.pop("deletable", None)
    kept = [t for t in meta.get("tags", []) if t not in COURSE_TAGS]
    if kept:
        meta["tags"] = kept
    else:
        meta.pop("tags", None)


def strip_core(cell):
    if cell.cell_type == "code":
        cell.source = replace_regions(cell.source, BEGIN_CORE, END_CORE, "answer")[0]


def blank(cell):
    """No outputs, no execution count: generated notebooks are executed afresh."""
    if cell.cell_type == "code":
        cell.outputs, cell.execution_count = [], None


def exercises_start(nb):
    """Index of the first markdown cell that opens the "## Exercises" section."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("## Exercises"):
            return i
    raise ValueError("the source has no markdown cell starting with '## Exercises'")


# ---------------------------------------------------------------- the generated notebooks

def learner(source):
    """The learner's notebook: the lesson with stubs for the answers and no test cells."""
    nb = copy.deepcopy(source)
    cells = []
    for cell in nb.cells:
        if {SOLUTIONS_ONLY, IMPLEMENT_ONLY} & set(tags(cell)) or is_test(cell):
            continue
        if cell.cell_type == "code":
            cell.source = replace_regions(cell.source, BEGIN_SOLUTION, END_SOLUTION, "stub")[0]
        strip_core(cell)
        clean_metadata(cell)
        blank(cell)
        cells.append(cell)
    nb.cells = cells
    nb.metadata.pop("course", None)
    return nb


def solutions(source):
    """The solutions notebook: solutions-only cells and the exercises, with their answers."""
    nb = copy.deepcopy(source)
    start = exercises_start(nb)
    cells = []
    for i, cell in enumerate(nb.cells):
        mine = set(tags(cell))
        wanted = SOLUTIONS_ONLY in mine or (i >= start and not mine & {LESSON_ONLY,
                                                                          IMPLEMENT_ONLY})
        if not wanted or is_test(cell):
            continue
        if cell.cell_type == "code":
            cell.source = replace_regions(cell.source, BEGIN_SOLUTION, END_SOLUTION,
                                          "answer")[0]
        strip_core(cell)
        clean_metadata(cell)
        blank(cell)
        cells.append(cell)
    nb.cells = cells
    nb.metadata.pop("course", None)
    return nb


def implement_source(source, name):
    """The nbgrader source of the "implement it yourself" variant of lesson ``name``."""
    nb = copy.deepcopy(source)
    cells = []
    for cell in nb.cells:
        meta = cell.setdefault("metadata", {})
        if IMPLEMENT_ONLY in tags(cell):
            meta["tags"] = [t for t in tags(cell) if t != IMPLEMENT_ONLY]
            if not meta["tags"]:
                del meta["tags"]
        if cell.cell_type == "code" and BEGIN_CORE in cell.source:
            if grading(cell):
                raise ValueError(f"cell {cell.id}: core code in a cell nbgrader grades already")
            cell.source = replace_regions(cell.source, BEGIN_CORE, END_CORE, "markers")[0]
            meta["nbgrader"] = {"grade": False, "grade_id": f"core-{cell.id}", "locked": False,
                                "schema_version": 3, "solution": True, "task": False}
        points = meta.get("course", {}).get("implement_points")
        if points:
            meta.pop("course")
            meta["nbgrader"] = {"grade": True, "grade_id": f"core-check-{cell.id}",
                                "locked": True, "points": points, "schema_version": 3,
                                "solution": False, "task": False}
        blank(cell)
        cells.append(cell)
    nb.cells = cells
    nb.metadata["course"] = {
        "generated": f"by course/generate.py from source/{name}/{name}.ipynb: edit that one"}
    return nb


# ---------------------------------------------------------------- nbgrader's side

class CourseMarkup(Preprocessor):
    """nbgrader preprocessor (first in generate_assignment): the release's view of a source.

    Drops the cells tagged solutions-only and implement-only, keeps the core code without
    its markers, and removes the course's own tags and settings. Answers and tests are then
    nbgrader's as usual (with CourseClearSolutions for the stubs).
    """

    enabled = True  # nbconvert's preprocessors are off unless enabled

    def preprocess(self, nb, resources):
        cells = []
        for cell in nb.cells:
            if {SOLUTIONS_ONLY, IMPLEMENT_ONLY} & set(tags(cell)):
                continue
            strip_core(cell)
            meta = cell.setdefault("metadata", {})
            meta.pop("course", None)
            kept = [t for t in meta.get("tags", []) if t not in COURSE_TAGS]
            if kept:
                meta["tags"] = kept
            else:
                meta.pop("tags", None)
            cells.append(cell)
        nb.cells = cells
        nb.metadata.pop("course", None)
        return nb, resources


def generate_assignment_preprocessors():
    """nbgrader's generate_assignment pipeline with the course's two changes."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.preprocessors import ClearSolutions

    class CourseClearSolutions(ClearSolutions):
        """ClearSolutions that honours ``### STUB`` lines (what the learner sees)."""

        def _replace_solution_region(self, cell, language):
            cell.source, found = replace_regions(cell.source, BEGIN_SOLUTION, END_SOLUTION,
                                                 "stub")
            return found

    default = GenerateAssignment.class_traits()["preprocessors"].default()
    return [CourseMarkup] + [CourseClearSolutions if p is ClearSolutions else p
                             for p in default]


def make_releases(names, course=HERE, sources=None):
    """Run ``nbgrader generate_assignment`` for each assignment in a temporary copy of the
    course folder; return {name: release notebook text}. ``sources`` ({path in course/:
    text}) replaces files of the copy, for example a freshly generated variant."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for f in ("nbgrader_config.py", "generate.py"):
            shutil.copy(course / f, tmp / f)
        shutil.copytree(course / "source", tmp / "source")
        for path, text in (sources or {}).items():
            (tmp / path.relative_to(course)).parent.mkdir(parents=True, exist_ok=True)
            (tmp / path.relative_to(course)).write_text(text, encoding="utf-8")
        for name in names:
            subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", name,
                            "--force", "--log-level=WARN"], cwd=tmp, check=True)
        return {name: (tmp / "release" / name / f"{name}.ipynb").read_text(encoding="utf-8")
                for name in names}


# ---------------------------------------------------------------- writing and checking

def load_course_tool():
    """notebooks/tools/course.py, which writes the navigation cells and slide metadata."""
    spec = importlib.util.spec_from_file_location("course_tool",
                                                  NOTEBOOKS / "tools" / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def lessons(only=()):
    """The names of the lessons that have a source (NN_name), or those whose NN is in only."""
    names = sorted(p.name for p in (HERE / "source").iterdir()
                   if p.is_dir() and re.fullmatch(r"\d\d_\w+", p.name)
                   and not p.name.endswith(IMPLEMENT))
    return [n for n in names if not only or n[:2] in only]


def read_source(name):
    return nbformat.read(HERE / "source" / name / f"{name}.ipynb", as_version=4)


def execute(nb, folder):
    from nbconvert.preprocessors import ExecutePreprocessor

    ExecutePreprocessor(timeout=600, kernel_name="python3").preprocess(
        nb, {"metadata": {"path": str(folder)}})
    return nb


def with_navigation(made):
    """Put {path in notebooks/: notebook} through course.py, in a copy of notebooks/;
    return {path: text as course.py writes it}, with the style sheet course.py writes for
    each notebook's slides (<notebook>.css) beside it."""
    tool = load_course_tool()
    with tempfile.TemporaryDirectory() as tmp:
        copy_root = Path(tmp) / "notebooks"
        shutil.copytree(NOTEBOOKS, copy_root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        for path, nb in made.items():
            nbformat.write(nb, copy_root / path.relative_to(NOTEBOOKS))
        with contextlib.redirect_stdout(io.StringIO()):  # its "updated: ..." lines
            tool.main(["--dir", str(copy_root)])
        files = {}
        for path in made:
            for made_path in (path, path.with_suffix(".css")):
                copy = copy_root / made_path.relative_to(NOTEBOOKS)
                if copy.exists():
                    files[made_path] = copy.read_text(encoding="utf-8")
        return files


def with_stored_outputs(made):
    """Give the unexecuted notebooks of `made` the outputs of the committed ones, cell by cell
    (course.py sizes the slides from the outputs, so that --check decides as the run did)."""
    for path, nb in made.items():
        if not path.exists():
            continue
        stored = {c.get("id"): c for c in nbformat.read(path, as_version=4).cells}
        for cell in nb.cells:
            old = stored.get(cell.get("id"))
            if cell.cell_type == "code" and old is not None and old.cell_type == "code":
                cell.outputs = old.outputs


def generated(name, run=True):
    """{path: text} of everything generated from lesson ``name``'s source."""
    source = read_source(name)
    made = {NOTEBOOKS / f"{name}.ipynb": learner(source),
            NOTEBOOKS / "solutions" / f"{name}_solutions.ipynb": solutions(source)}
    if run:
        for path, nb in made.items():
            execute(nb, path.parent)
    else:
        with_stored_outputs(made)
    files = with_navigation(made)
    variant = f"{name}{IMPLEMENT}"
    files[HERE / "source" / variant / f"{variant}.ipynb"] = nbformat.writes(
        implement_source(source, name)) + "\n"
    return files


def decided(text):
    """What the generator decides in a notebook: everything but outputs and run records (the
    language's version and the widgets' state are records of a run too)."""
    nb = json.loads(text)
    for cell in nb["cells"]:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)
        cell.get("metadata", {}).pop("execution", None)
    nb["metadata"].pop("language_info", None)
    nb["metadata"].pop("widgets", None)  # the widgets' state that running a notebook stores
    return nb


def stale_files(only=(), releases=True):
    """Paths whose committed content differs from what the sources give (nothing executed)."""
    stale, variants = [], {}
    names = lessons(only)
    for name in names:
        for path, text in generated(name, run=False).items():
            if not path.exists():
                stale.append(path)
            elif path.suffix != ".ipynb":
                if path.read_text(encoding="utf-8") != text:
                    stale.append(path)
            elif decided(path.read_text(encoding="utf-8")) != decided(text):
                stale.append(path)
            if path.is_relative_to(HERE):
                variants[path] = text
    if releases and names:
        wanted = [n for name in names for n in (name, name + IMPLEMENT)]
        for name, text in make_releases(wanted, sources=variants).items():
            path = HERE / "release" / name / f"{name}.ipynb"
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
    return stale


def start_source(nn):
    """Write a first source for lesson ``nn`` from its notebook and its solutions notebook:
    the lesson's cells, then the solutions' cells tagged solutions-only, no navigation cells,
    outputs or slide metadata. A starting point to edit by hand (CONTRIBUTING.md)."""
    [lesson] = NOTEBOOKS.glob(f"{nn}_*.ipynb")
    name = lesson.stem
    dest = HERE / "source" / name / f"{name}.ipynb"
    if dest.exists():
        raise SystemExit(f"{dest.relative_to(ROOT)} exists already")
    marker = load_course_tool().NAV_MARKER

    def own_cells(path):
        cells = []
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.source.lstrip().startswith(marker):
                continue
            notes_of = cell.metadata.get("slideshow", {}).get("notes_of")
            if notes_of and cells and cells[-1].get("id") == notes_of:
                # course.py cut this from the cell before it for the slides: one cell again
                cells[-1].source = cells[-1].source.rstrip() + "\n\n" + cell.source
                continue
            cell.metadata.pop("slideshow", None)
            cell.metadata.pop("execution", None)
            blank(cell)
            cells.append(cell)
        return cells

    nb = nbformat.read(lesson, as_version=4)
    cells = own_cells(lesson)
    ids = {c.id for c in cells}
    solved = NOTEBOOKS / "solutions" / f"{name}_solutions.ipynb"
    for cell in own_cells(solved) if solved.exists() else []:
        cell.metadata["tags"] = [*cell.metadata.get("tags", []), SOLUTIONS_ONLY]
        if cell.id in ids:
            cell.id = f"sol-{cell.id}"[:64]
        ids.add(cell.id)
        cells.append(cell)
    nb.cells = cells
    nb.metadata = {k: v for k, v in nb.metadata.items() if k in ("kernelspec", "language_info")}
    dest.parent.mkdir(parents=True)
    nbformat.write(nb, dest)
    return dest


def main(argv):
    only = [a for a in argv if re.fullmatch(r"\d\d", a)]
    if "--start" in argv:
        for nn in only:
            print(f"wrote {start_source(nn).relative_to(ROOT)}: now mark it up by hand")
        return 0
    if "--check" in argv:
        stale = stale_files(only)
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)}")
        if stale:
            print("run: python course/generate.py")
        return 1 if stale else 0
    names = lessons(only)
    for name in names:
        for path, text in generated(name).items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    wanted = [n for name in names for n in (name, name + IMPLEMENT)]
    for name, text in make_releases(wanted).items():
        path = HERE / "release" / name / f"{name}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
