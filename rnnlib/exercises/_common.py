"""What every exercise check shares: the PASS / NOT YET result and the small comparisons.

A check prints ``PASS <name>`` or ``NOT YET <name>: <what was observed>``. A hint, which points
a direction without giving the answer away, is shown only when the learner asks:
``check_x(answer, hint=True)``. A check may have a second, stronger hint: ``hint=2`` shows both.
In a graded notebook (nbgrader), a test cell calls ``check_x(answer).assert_pass()``, which
raises an AssertionError carrying the same message when the answer does not pass.
"""

import numpy as np


class Result:
    """Outcome of one exercise check; shows as one or a few lines in a notebook.

    ``hint`` is the text of the hints the learner asked for (one per line, empty if none);
    ``more`` is the number of hint levels the check has beyond those shown.
    """

    def __init__(self, name, ok, message="", hint="", more=0):
        self.name, self.ok, self.message, self.hint, self.more = name, ok, message, hint, more

    def __bool__(self):
        return self.ok

    def __repr__(self):
        if self.ok:
            return f"PASS {self.name}" + (f": {self.message}" if self.message else "")
        text = f"NOT YET {self.name}: {self.message}"
        if self.hint:
            lines = self.hint.split("\n")
            text += "\n  hint: " + lines[0]
            text += "".join(f"\n  hint {i}: {line}" for i, line in enumerate(lines[1:], 2))
            if self.more:
                text += f"  (hint={len(lines) + 1} for a stronger hint)"
            return text
        if self.more > 1:
            return text + "  (hint=True for a hint, hint=2 for a stronger one)"
        return text + "  (hint=True for a hint)"

    def assert_pass(self):
        """Raise AssertionError with the result's message unless the check passed.

        For graded test cells: nbgrader counts a cell that raises as failed. It returns None,
        because nbgrader reads a test cell's displayed value as a partial score.
        """
        if not self.ok:
            raise AssertionError(repr(self))


def run_check(show_hint, name, fn, hint=""):
    """Run ``fn()`` which returns (ok, message); any exception becomes a failed Result.

    ``hint`` is one hint (a string) or several levels of hints (a tuple of strings, each
    going further than the one before). ``show_hint`` is False for none, True (or 1) for
    the first level, 2 for the first two, and so on; hints are shown only when the check
    failed.
    """
    levels = (hint,) if isinstance(hint, str) else tuple(hint)
    levels = tuple(text for text in levels if text)
    try:
        ok, message = fn()
    except Exception as err:  # the learner's code raised: report it, don't crash
        ok, message = False, f"your code raised {type(err).__name__}: {err}"
    shown = 0 if ok or not show_hint else min(int(show_hint), len(levels))
    return Result(name, bool(ok), message, "\n".join(levels[:shown]),
                  more=0 if ok or len(levels) < 2 else len(levels) - shown)


def same_to_digits(x, true, digits=3):
    """x and ``true`` are equal once both are rounded to ``digits`` significant digits.

    Rounding is half up, on the decimal digits Python shows for each float, so what the
    learner sees is what is compared: with true = 3.5301, 3.534 passes and 3.535 (3.54) fails;
    with true = 202.716, 203.4 (203) passes and 202.4 (202) fails.
    """
    from decimal import ROUND_HALF_UP, Decimal  # here, not at the top: used by this alone

    def rounded(v):
        d = Decimal(repr(float(v)))
        if d == 0:
            return d
        return d.quantize(Decimal(1).scaleb(d.adjusted() - digits + 1), rounding=ROUND_HALF_UP)

    return rounded(x) == rounded(true)


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
