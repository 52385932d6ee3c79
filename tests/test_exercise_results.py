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


def test_same_to_digits_compares_what_rounding_shows():
    """Both numbers rounded half up to the digits asked for, on the digits Python prints."""
    from rnnlib.exercises._common import same_to_digits

    true = 202.71563612246553  # rounds to 203
    assert all(same_to_digits(x, true) for x in (202.5, 203.4, 203.4999, 203, 202.716))
    assert not any(same_to_digits(x, true) for x in (202.4999, 203.5, -203, 2030))
    assert same_to_digits(3.534, 3.5301) and not same_to_digits(3.535, 3.5301)  # 3.54
    assert same_to_digits(9.995, 10) and same_to_digits(10.04, 10)  # 10.0
    assert not same_to_digits(10.05, 10) and not same_to_digits(9.99, 10)
    assert same_to_digits(9.35e-8, 9.42e-8, 2) and not same_to_digits(9.45e-8, 9.42e-8, 2)
    assert same_to_digits(0.0, 0) and not same_to_digits(1e-300, 0)
    assert same_to_digits(0.4863, 0.48626, 4) and not same_to_digits(0.4856, 0.48626, 4)


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
