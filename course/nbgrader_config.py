"""nbgrader's settings for the course's graded assignments.

Run every nbgrader command from this folder (README, "For instructors"). The course's two
additions to nbgrader's pipeline live in generate.py: cells that belong only to the solutions
notebook are left out of a release, and an answer shows the learner its ``### STUB`` lines.
"""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("course_generate",
                                               Path(__file__).with_name("generate.py"))
_generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_generate)

c = get_config()  # noqa: F821 (nbgrader provides it when it reads this file)

c.CourseDirectory.course_id = "rnn-from-scratch"
c.GenerateAssignment.preprocessors = _generate.generate_assignment_preprocessors()
# A first cell in every release that says how a graded notebook works.
c.IncludeHeaderFooter.header = "source/header.ipynb"
