"""Every converted lesson's notebooks come from its one source (course/generate.py).

Regenerating changes nothing that the generator decides (cells, sources, ids, tags,
metadata; stored outputs are nbval's business), the learner's notebook holds no answer, the
solutions hold every answer, and the releases carry nbgrader's markup and nothing of the
solutions. If the first test fails: ``python course/generate.py`` and commit what it writes.
"""

import importlib.util
import json
import shutil

import nbformat
import pytest
from course_helpers import COURSE, ROOT, load_generator

GEN = load_generator()
LESSONS = GEN.lessons()
NB = ROOT / "notebooks"


def read(path):
    return nbformat.read(path, as_version=4)


def source(name):
    return GEN.read_source(name)


def answer_lines(src):
    """The lines of every answer in a source, and the lines it has outside answers."""
    inside, outside = set(), set()
    for cell in src.cells:
        if cell.cell_type != "code":
            continue
        region = None
        for line in cell.source.split("\n"):
            if GEN.BEGIN_SOLUTION in line:
                region = []
            elif GEN.END_SOLUTION in line:
                inside.update(s.strip() for s in region
                              if s.strip() and not s.strip().startswith(GEN.STUB.strip()))
                region = None
            elif region is not None:
                region.append(line)
            else:
                outside.add(line.strip())
    return inside - outside


def code_text(nb):
    return [line.strip() for c in nb.cells if c.cell_type == "code"
            for line in c.source.split("\n")]


def test_there_is_a_converted_lesson():
    assert "01_scalar_rnn_cell" in LESSONS


def test_regenerating_changes_nothing():
    stale = GEN.stale_files(releases=False)
    assert not stale, "out of date (run python course/generate.py): " + ", ".join(
        str(p.relative_to(ROOT)) for p in stale)


@pytest.mark.parametrize("name", LESSONS)
def test_sources_store_no_outputs_and_have_exercises_with_tests(name):
    src = source(name)
    assert all(not c.get("outputs") for c in src.cells if c.cell_type == "code")
    GEN.exercises_start(src)  # raises without a "## Exercises" cell
    kinds = [("answer" if GEN.grading(c).get("solution") else "test")
             for c in src.cells if GEN.grading(c)]
    assert kinds and kinds[0] == "answer"
    for i, kind in enumerate(kinds):  # every answer is followed by at least one test
        if kind == "answer":
            assert i + 1 < len(kinds) and kinds[i + 1] == "test"
    for cell in src.cells:
        if GEN.is_test(cell):
            assert GEN.grading(cell)["points"] > 0 and GEN.grading(cell)["locked"]


@pytest.mark.parametrize("name", LESSONS)
def test_the_learner_sees_no_answer_and_the_solutions_every_answer(name):
    answers = answer_lines(source(name))
    assert answers
    learner = set(code_text(read(NB / f"{name}.ipynb")))
    solutions = set(code_text(read(NB / "solutions" / f"{name}_solutions.ipynb")))
    release = set(code_text(read(COURSE / "release" / name / f"{name}.ipynb")))
    assert not answers & learner, sorted(answers & learner)
    assert not answers & release, sorted(answers & release)
    assert answers <= solutions, sorted(answers - solutions)


@pytest.mark.parametrize("name", LESSONS)
def test_stubs_say_not_yet_and_the_solutions_pass(name):
    answered = {c.id for c in source(name).cells if GEN.grading(c).get("solution")}
    for path, word in [(NB / f"{name}.ipynb", "NOT YET"),
                       (NB / "solutions" / f"{name}_solutions.ipynb", "PASS")]:
        shown = {c.id: "".join(o.get("data", {}).get("text/plain", "") for o in c.outputs)
                 for c in read(path).cells if c.id in answered}
        assert set(shown) == answered
        for cid, text in shown.items():
            assert text.startswith(word), f"{path.name}, cell {cid}: {text!r}"


@pytest.mark.parametrize("name", LESSONS)
def test_generated_notebooks_carry_no_grading_markup(name):
    for path in (NB / f"{name}.ipynb", NB / "solutions" / f"{name}_solutions.ipynb"):
        text = path.read_text(encoding="utf-8")
        nb = json.loads(text)
        for marker in ("### BEGIN", "### END", "### STUB", '"nbgrader"'):
            assert marker not in text, f"{path.name}: {marker}"
        for cell in nb["cells"]:
            assert not set(cell["metadata"].get("tags", [])) & GEN.COURSE_TAGS
            assert "course" not in cell["metadata"]


@pytest.mark.parametrize("name", LESSONS)
def test_releases_show_stubs_locked_tests_and_no_solutions(name):
    src = source(name)
    only = {c.id for c in src.cells if {GEN.SOLUTIONS_ONLY, GEN.IMPLEMENT_ONLY} & set(GEN.tags(c))}
    hidden = {c.id for c in src.cells if "BEGIN HIDDEN TESTS" in c.source}
    for assignment in (name, name + GEN.IMPLEMENT):
        path = COURSE / "release" / assignment / f"{assignment}.ipynb"
        text = path.read_text(encoding="utf-8")
        nb = read(path)
        assert nb.cells[0].id == "graded-header"  # how a graded notebook works
        for marker in ("### BEGIN", "### END", "### STUB", "solutions-only", "lesson-only"):
            assert marker not in text, f"{path.name}: {marker}"
        ids = {c.id for c in nb.cells}
        assert not (only - {"implement-intro"}) & ids
        for cell in nb.cells:
            if cell.id in hidden:  # the hidden tests are gone, their cell stays locked
                assert "assert_pass" not in cell.source
            if GEN.is_test(cell):
                assert cell.metadata["editable"] is False and GEN.grading(cell)["locked"]


@pytest.mark.parametrize("name", LESSONS)
def test_the_variant_blanks_the_core_and_grades_the_comparisons(name):
    src = source(name)
    core = [c.id for c in src.cells if GEN.BEGIN_CORE in c.source]
    compared = {c.id: c.metadata["course"]["implement_points"] for c in src.cells
                if c.metadata.get("course", {}).get("implement_points")}
    assert core and compared
    variant = name + GEN.IMPLEMENT
    release = {c.id: c for c in read(COURSE / "release" / variant / f"{variant}.ipynb").cells}
    standard = {c.id: c for c in read(COURSE / "release" / name / f"{name}.ipynb").cells}
    for cid in core:
        assert "..." in release[cid].source  # a stub where the core was
        assert GEN.grading(release[cid])["solution"] and not GEN.grading(standard[cid])
        assert release[cid].source != standard[cid].source
    for cid, points in compared.items():
        assert GEN.grading(release[cid])["points"] == points and GEN.is_test(release[cid])
        assert not GEN.grading(standard[cid])
    assert "implement-intro" in release and "implement-intro" not in standard


def test_regions_become_stubs_answers_or_solution_markers():
    src = "\n".join(["def f(x):", "    ### BEGIN SOLUTION", "    ### STUB y = ...  # yours",
                     "    y = 2 * x", "    ### END SOLUTION", "    return y"])
    assert GEN.replace_regions(src, GEN.BEGIN_SOLUTION, GEN.END_SOLUTION, "stub") == (
        "def f(x):\n    y = ...  # yours\n    return y", True)
    assert GEN.replace_regions(src, GEN.BEGIN_SOLUTION, GEN.END_SOLUTION, "answer") == (
        "def f(x):\n    y = 2 * x\n    return y", True)
    plain = "def g():\n    ### BEGIN CORE\n    return 1\n    ### END CORE"
    assert GEN.replace_regions(plain, GEN.BEGIN_CORE, GEN.END_CORE, "stub")[0] == (
        "def g():\n    " + GEN.DEFAULT_STUB)
    assert GEN.replace_regions(plain, GEN.BEGIN_CORE, GEN.END_CORE, "markers")[0] == (
        "def g():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION")
    assert GEN.replace_regions("x = 1", GEN.BEGIN_CORE, GEN.END_CORE, "stub") == ("x = 1", False)
    with pytest.raises(ValueError, match="without"):
        GEN.replace_regions("### BEGIN CORE\nx = 1", GEN.BEGIN_CORE, GEN.END_CORE, "stub")
    with pytest.raises(ValueError, match="nested"):
        GEN.replace_regions("### BEGIN CORE\n### BEGIN CORE", GEN.BEGIN_CORE, GEN.END_CORE,
                            "stub")


def test_the_command_line_check_finds_nothing_stale(monkeypatch, capsys):
    committed = {n: (COURSE / "release" / n / f"{n}.ipynb").read_text(encoding="utf-8")
                 for name in LESSONS for n in (name, name + GEN.IMPLEMENT)}
    # nbgrader's part is compared in tests/test_nbgrader_course.py; here the rest of the CLI
    monkeypatch.setattr(GEN, "make_releases", lambda names, **_: {n: committed[n] for n in names})
    assert GEN.main(["--check"]) == 0, capsys.readouterr().out
    monkeypatch.setattr(GEN, "make_releases", lambda names, **_: {n: "{}" for n in names})
    assert GEN.main(["--check", "01"]) == 1
    assert "out of date: course/release/01_scalar_rnn_cell/" in capsys.readouterr().out


def test_start_writes_a_first_source_from_a_lesson_and_its_solutions(tmp_path):
    # Lesson 02 has a source already: the copy leaves it out, so that it can be started afresh.
    shutil.copytree(COURSE, tmp_path / "course",
                    ignore=shutil.ignore_patterns("release", "02_vectorized_rnn*"))
    shutil.copytree(NB, tmp_path / "notebooks")
    spec = importlib.util.spec_from_file_location("copy_generate",
                                                  tmp_path / "course" / "generate.py")
    copy = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(copy)
    path = copy.start_source("02")
    assert path == tmp_path / "course" / "source" / "02_vectorized_rnn" / "02_vectorized_rnn.ipynb"
    made, lesson = read(path), read(NB / "02_vectorized_rnn.ipynb")
    solved = read(NB / "solutions" / "02_vectorized_rnn_solutions.ipynb")
    marker = "<!-- course navigation"
    own = [c for c in lesson.cells if not c.source.startswith(marker)]
    sol = [c for c in solved.cells if not c.source.startswith(marker)]
    # what course.py cut from a long cell for the speaker notes is one cell again
    notes = [c for c in own + sol if c.metadata.get("slideshow", {}).get("notes_of")]
    assert len(made.cells) == len(own) + len(sol) - len(notes)
    assert " ".join(c.source for c in made.cells).split() == " ".join(
        c.source for c in own + sol).split()
    kept = [c.id for c in own if c not in notes]
    assert [c.id for c in made.cells[:len(kept)]] == kept
    assert all(GEN.SOLUTIONS_ONLY in GEN.tags(c) for c in made.cells[len(kept):])
    assert len({c.id for c in made.cells}) == len(made.cells)
    assert not any(c.get("outputs") or "slideshow" in c.metadata for c in made.cells)
    assert "rise" not in made.metadata
    with pytest.raises(SystemExit, match="exists already"):
        copy.start_source("02")
    assert "02_vectorized_rnn" in copy.lessons()  # and it is now a lesson of the generator
