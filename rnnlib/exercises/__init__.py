"""Checks for the exercises at the end of each notebook.

Each notebook's checks live in a module named after it (``rnnlib.exercises.nb01``, ...).
A check runs the learner's answer against an independent computation and prints either a
pass line or what is wrong together with a hint; it returns True or False and never raises
a bare AssertionError at the learner.
"""

from ._common import Result

__all__ = ["Result"]
