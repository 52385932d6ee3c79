"""What every exercise check shares: the PASS / NOT YET result and the small comparisons.

A check prints ``PASS <name>`` or ``NOT YET <name>: <what is wrong>``. A hint, which nudges
without giving the code away, is shown only when the learner asks: ``check_x(answer, hint=True)``.
"""

import numpy as np


class Result:
    """Outcome of one exercise check; shows as one or two lines in a notebook."""

    def __init__(self, name, ok, message="", hint=""):
        self.name, self.ok, self.message, self.hint = name, ok, message, hint

    def __bool__(self):
        return self.ok

    def __repr__(self):
        if self.ok:
            return f"PASS {self.name}" + (f": {self.message}" if self.message else "")
        text = f"NOT YET {self.name}: {self.message}"
        return text + (f"\n  hint: {self.hint}" if self.hint else "  (hint=True for a hint)")


def run_check(show_hint, name, fn, hint=""):
    """Run ``fn()`` which returns (ok, message); any exception becomes a failed Result.

    The ``hint`` text is attached only when ``show_hint`` is true and the check failed.
    """
    try:
        ok, message = fn()
    except Exception as err:  # the learner's code raised: report it, don't crash
        ok, message = False, f"your code raised {type(err).__name__}: {err}"
    return Result(name, bool(ok), message, hint if show_hint and not ok else "")


def returned_nothing(value, what):
    """A message if the learner's function returned None or left ``...``, else None."""
    if value is None or value is Ellipsis:
        return f"your function returned {value!r}; it should return {what}"
    return None


def differs(got, expected, label, rtol=1e-7, atol=1e-10):
    """A message saying how ``got`` differs from ``expected`` (shape or values), else None."""
    got = np.asarray(got, dtype=np.float64)
    if got.shape != expected.shape:
        return f"{label} has shape {got.shape}, expected {expected.shape}"
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        worst = float(np.max(np.abs(got - expected)))
        return f"{label} differs from the expected values by up to {worst:.3g}"
    return None
