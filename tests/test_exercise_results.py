"""The result every exercise check returns: PASS / NOT YET, hints by level, graded use."""

import pytest

from rnnlib.exercises._common import Result, run_check


def failing():
    return False, "dW_hh is right for T = 1 and off for T > 1"


def test_one_hint_reads_as_before():
    quiet = run_check(False, "bptt", failing, hint="follow the state back")
    assert repr(quiet) == ("NOT YET bptt: dW_hh is right for T = 1 and off for T > 1"
                           "  (hint=True for a hint)")
    helped = run_check(True, "bptt", failing, hint="follow the state back")
    assert repr(helped) == ("NOT YET bptt: dW_hh is right for T = 1 and off for T > 1"
                            "\n  hint: follow the state back")
    assert repr(Result("x", False, "m", "h")) == "NOT YET x: m\n  hint: h"  # as 02-08 use it


def test_hint_levels_are_shown_one_at_a_time():
    levels = ("a direction", "a stronger hint")
    quiet, one, two, many = (repr(run_check(h, "x", failing, hint=levels))
                             for h in (False, True, 2, 5))
    assert quiet.endswith("(hint=True for a hint, hint=2 for a stronger one)")
    assert one.endswith("\n  hint: a direction  (hint=2 for a stronger hint)")
    assert two.endswith("\n  hint: a direction\n  hint 2: a stronger hint")
    assert many == two
    assert "hint" not in repr(run_check(True, "x", lambda: (True, "fine"), hint=levels))


def test_a_raising_answer_becomes_not_yet():
    def broken():
        raise ZeroDivisionError("division by zero")

    r = run_check(False, "x", broken)
    assert not r and r.message == "your code raised ZeroDivisionError: division by zero"


def test_assert_pass_raises_with_the_message_and_returns_nothing_on_pass():
    # nbgrader reads a test cell's displayed value as a partial score: return None on a pass
    assert run_check(False, "x", lambda: (True, "ok")).assert_pass() is None
    with pytest.raises(AssertionError) as err:
        run_check(2, "x", failing, hint=("a", "b")).assert_pass()
    assert str(err.value).startswith("NOT YET x: dW_hh is right for T = 1")
    assert "hint 2: b" in str(err.value)
