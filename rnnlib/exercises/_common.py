"""What every exercise check shares: a result that prints as a pass line or a hint."""

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
        return text + (f"\n  hint: {self.hint}" if self.hint else "")


def run_check(name, fn, hint=""):
    """Run ``fn()`` which returns (ok, message); any exception becomes a failed Result."""
    try:
        ok, message = fn()
    except Exception as err:  # the learner's code raised: report it, don't crash
        return Result(name, False, f"your code raised {type(err).__name__}: {err}", hint)
    return Result(name, bool(ok), message, "" if ok else hint)


def compare(name, got, expected, hint="", rtol=1e-6, atol=1e-9):
    """Compare an array answer with the expected one, reporting shape or value mismatches."""
    def check():
        g = np.asarray(got, dtype=np.float64)
        e = np.asarray(expected, dtype=np.float64)
        if g.shape != e.shape:
            return False, f"shape {g.shape}, expected {e.shape}"
        if not np.allclose(g, e, rtol=rtol, atol=atol):
            worst = float(np.max(np.abs(g - e)))
            return False, f"values differ from the expected ones by up to {worst:.3g}"
        return True, "matches"
    return run_check(name, check, hint)
