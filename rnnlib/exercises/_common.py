"""What every exercise check shares: the PASS / NOT YET result and the small comparisons.

A check prints ``PASS <name>`` or ``NOT YET <name>: <what was observed>``. A hint, which points
a direction without giving the answer away, is shown only when the learner asks:
``check_x(answer, hint=True)``. A check may have a second, stronger hint: ``hint=2`` shows both.
In a graded notebook (nbgrader), a test cell calls ``check_x(answer).assert_pass()``, which
raises an AssertionError carrying the same message when the answer does not pass.

Four things every check needs, solved once here:

- ``as_number`` and ``read_numbers`` read the numbers a learner gives and say what is wrong
  with one that is not a number (``...``, None, text, a bool, several numbers);
- ``call_on_copies`` calls the learner's function on copies of its inputs and says, by
  observation, which input the function changed in place (a function that overwrites its
  caller's arrays silently corrupts the data of a training loop that uses them again);
- ``show_pair``, ``gap``, ``times`` and ``float32_note`` print numbers so that two different
  values never look equal in a message, and say when a learner's values agree only to float32's
  seven digits;
- ``same_to_digits`` compares a number asked for "to three significant digits, rounded" as the
  statements say: both numbers rounded, then compared.
"""

import copy
import math

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
    failed. ``fn`` may return (ok, message, hints) instead: hints that replace ``hint`` for
    this answer (a check of several parts gives the hints of the part the answer reached).
    """
    levels = (hint,) if isinstance(hint, str) else tuple(hint)
    levels = tuple(text for text in levels if text)
    try:
        outcome = fn()
    except Exception as err:  # the learner's code raised: report it, don't crash
        outcome = False, f"your code raised {type(err).__name__}: {err}"
    ok, message = outcome[:2]
    if len(outcome) > 2 and outcome[2] is not None:  # hints for the stage the answer reached
        levels = (outcome[2],) if isinstance(outcome[2], str) else tuple(outcome[2])
        levels = tuple(text for text in levels if text)
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


def kind_of(value):
    """NumPy's kind letter of ``value`` as an array ("U" for text), "O" when it is none."""
    try:
        return np.asarray(value).dtype.kind
    except (TypeError, ValueError):
        return "O"


def as_number(value, name, finite=True):
    """(float, None) for a real number or size-1 array, else (None, what is wrong): text,
    a bool (Python's or NumPy's), a complex number, several numbers, ``...`` and None are each
    named as such, never converted.

    ``finite=False`` lets inf and nan through, for a result that may rightly be inf.
    """
    if value is Ellipsis:
        return None, f"{name} is still `...`; replace it with a number"
    if value is None:
        return None, f"{name} is None; it should be a number"
    kind = kind_of(value)
    if isinstance(value, bool | np.bool_) or kind == "b":
        return None, f"{name} should be a number, got a bool"
    if isinstance(value, str | bytes) or kind in "US":
        return None, (f"{name} is text ({type(value).__name__}); it should be a number, "
                      "written without quotes")
    if kind == "c":
        return None, f"{name} is a complex number; it should be a real number"
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None, f"{name} should be a number, got {type(value).__name__}"
    if arr.size != 1:
        return None, f"{name} should be one number, got an array of shape {arr.shape}"
    number = float(arr.reshape(()))
    if finite and not math.isfinite(number):
        return None, f"{name} is {number}; expected a finite number"
    return number, None


def read_numbers(named, read=as_number):
    """Read every value of the dict ``named`` ({name: value}, in its order) with ``read``:
    (list of floats, None), or (None, what is wrong with the first that is not a number)."""
    numbers = []
    for name, value in named.items():
        number, problem = read(value, name)
        if problem:
            return None, problem
        numbers.append(number)
    return numbers, None


def about(x, y, rel=0.01):
    """x is y up to ``rel`` (1%): a value rounded to two or three digits, or the same value."""
    return abs(x - y) <= rel * abs(y)


def within_three_digits(x, true):
    """x equals ``true`` to three significant digits: within half a unit of the third (unlike
    ``same_to_digits``, which rounds both numbers first)."""
    return abs(x - true) <= 0.5 * 10.0 ** (math.floor(math.log10(abs(true))) - 2) * (1 + 1e-9)


def differs(got, expected, label, rtol=1e-7, atol=1e-10):
    """A message saying how ``got`` differs from ``expected`` (shape or values), else None.

    When ``got`` holds float32 numbers that agree to float32's precision, the message says so.
    """
    raw = got
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        return f"{label} has shape {got.shape}, expected {expected.shape}"
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        worst = float(np.max(np.abs(got - expected)))
        note = float32_note(raw, expected, label)
        return (f"{label} differs from the expected values by up to {worst:.3g}"
                + (f"; {note}" if note else ""))
    return None


# ---------------------------------------------------------------- inputs changed in place

def _same(a, b):
    """True if ``a`` and ``b`` hold the same values: arrays entry by entry (NaN equal to NaN,
    same shape and dtype), dicts key by key, lists and tuples item by item."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
            return False
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        nan_ok = a.dtype.kind in "fc"
        return bool(np.array_equal(a, b, equal_nan=nan_ok))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return (type(a) is type(b) and len(a) == len(b)
                and all(_same(x, y) for x, y in zip(a, b, strict=True)))
    try:
        return bool(a == b)
    except Exception:  # an object that cannot be compared: assume it was not touched
        return True


def changed_in_place(name, before, after):
    """Which part of argument ``name`` differs after the call, as words, or None: ``before``
    is an untouched copy, ``after`` the object the learner's function was given."""
    if _same(before, after):
        return None
    if isinstance(before, dict) and isinstance(after, dict) and before.keys() == after.keys():
        for key in before:
            found = changed_in_place(f"{name}[{key!r}]", before[key], after[key])
            if found:
                return found
    if (isinstance(before, np.ndarray) and isinstance(after, np.ndarray)
            and before.shape == after.shape and before.dtype == after.dtype):
        moved = ~((before == after) | (np.isnan(before) & np.isnan(after))
                  if before.dtype.kind in "fc" else before == after)
        count = int(np.count_nonzero(moved))
        return (f"your function changed `{name}` in place: after the call, {count} of its "
                f"{before.size} entries differ from what the check passed in")
    return (f"your function changed `{name}` in place: after the call, it is not what the "
            "check passed in")


def call_on_copies(fn, names, *args, **kwargs):
    """Call ``fn(*args, **kwargs)`` on deep copies of the arguments; return (result, changed).

    ``names`` are the arguments' names as the exercise's statement gives them (one per
    positional argument, then the keywords' own names are used). ``changed`` is None, or a
    message saying which argument the function changed in place, and how much of it: an
    observation, since the copies are compared with the untouched originals after the call.
    Exceptions raised by ``fn`` propagate, for the check to report with its own context.
    """
    copies = [copy.deepcopy(a) for a in args]
    kw_copies = {k: copy.deepcopy(v) for k, v in kwargs.items()}
    result = fn(*copies, **kw_copies)
    pairs = list(zip(names, args, copies, strict=False)) + [
        (k, kwargs[k], kw_copies[k]) for k in kwargs]
    for name, original, after in pairs:
        found = changed_in_place(name, original, after)
        if found:
            return result, found
    return result, None


# ---------------------------------------------------------------- numbers in messages

def show_pair(got, expected, sig=6):
    """``got`` and ``expected`` as text with ``sig`` significant digits, or as many more (up to
    17, all that a float64 holds) as it takes for two different numbers to print differently."""
    got, expected = float(got), float(expected)
    for digits in range(sig, 18):
        a, b = f"{got:.{digits}g}", f"{expected:.{digits}g}"
        if a != b or got == expected:
            return a, b
    return a, b


def gap(got, expected):
    """How far ``got`` is from ``expected``: 'differs by 3.2e-08 (relative 2.1e-08)'."""
    got, expected = float(got), float(expected)
    diff = abs(got - expected)
    text = f"differs by {diff:.2g}"
    if expected != 0:
        text += f" (relative {diff / abs(expected):.2g})"
    return text


def times(ratio):
    """'2.5 times', with enough digits that a ratio other than 1 never prints as '1 times'."""
    ratio = float(ratio)
    if ratio == 1:
        return "exactly 1 times"
    text, _ = show_pair(ratio, 1.0, sig=4)
    return f"{text} times"


# float32 keeps 24 bits: one rounding is off by at most 6e-8 of the value, a short computation
# in float32 by some 1e-6. Agreement within this relative tolerance is float32-level.
FLOAT32_RTOL = 1e-5


def is_float32(value):
    """True if ``value`` is float32, or float64 numbers that float32 holds exactly (a float32
    result converted back) and that are not all small integers or halves."""
    try:
        arr = np.asarray(value)
    except Exception:
        return False
    if arr.dtype == np.float32:
        return True
    if arr.dtype != np.float64 or arr.size == 0:
        return False
    exact = np.array_equal(arr.astype(np.float32).astype(np.float64), arr, equal_nan=True)
    return exact and not np.all(arr * 1024 == np.round(arr * 1024))


def float32_note(got, expected, label="your values", accepted=False):
    """A note when ``got`` holds float32 numbers that agree with ``expected`` only to float32's
    precision, else ''. ``accepted`` says the check takes that precision for this exercise."""
    if not is_float32(got):
        return ""
    g = np.asarray(got, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    if g.shape != e.shape or not np.allclose(g, e, rtol=FLOAT32_RTOL, atol=0):
        return ""
    scale = np.maximum(np.abs(e), np.finfo(np.float64).tiny)
    worst = float(np.max(np.abs(g - e) / scale))
    if g.size == 1:
        said = (f"{label} is a float32 number: it agrees to about 7 significant digits "
                f"(relative difference {worst:.2g})")
    else:
        said = (f"{label} are float32 numbers: they agree to about 7 significant digits "
                f"(largest relative difference {worst:.2g})")
    if accepted:
        return said + ", which is plenty here"
    return said + "; this check compares at float64 precision, the precision of what it passes in"
