"""What every exercise check shares: the PASS / NOT YET result, hints by level and by stage,
graded use, calls on copies that see inputs changed in place, and numbers in messages."""

import numpy as np
import pytest

from rnnlib.exercises._common import (
    Result,
    as_number,
    call_on_copies,
    changed_in_place,
    differs,
    float32_note,
    gap,
    is_float32,
    run_check,
    show_pair,
    times,
)


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


# ---------------------------------------------------------------- hints by stage

def test_a_check_may_give_the_hints_of_the_part_its_answer_reached():
    levels = ("the first part", "the first part, further")
    staged = ("the second part", "the second part, further")
    two = repr(run_check(2, "x", lambda: (False, "part 2 is off", staged), hint=levels))
    assert two.endswith("\n  hint: the second part\n  hint 2: the second part, further")
    one = repr(run_check(True, "x", lambda: (False, "m", "only one"), hint=levels))
    assert one.endswith("\n  hint: only one") and "hint=2" not in one
    same = repr(run_check(True, "x", lambda: (False, "m", None), hint=levels))
    assert same.endswith("\n  hint: the first part  (hint=2 for a stronger hint)")
    assert repr(run_check(2, "x", lambda: (True, "fine", staged), hint=levels)) == "PASS x: fine"


# ---------------------------------------------------------------- inputs changed in place

def test_call_on_copies_reports_the_argument_changed_in_place():
    x, w = np.arange(6.0).reshape(2, 3), np.ones(4)

    def shifts(a, b):
        a -= a.max()
        return a.sum()

    result, changed = call_on_copies(shifts, ("x", "w"), x, w)
    assert result == -15.0  # computed on the copy ...
    assert np.array_equal(x, np.arange(6.0).reshape(2, 3))  # ... the original untouched
    assert changed == ("your function changed `x` in place: after the call, 6 of its 6 "
                       "entries differ from what the check passed in")
    assert call_on_copies(lambda a, b: a @ b[:3], ("x", "w"), x, w)[1] is None
    assert "`w` in place: after the call, 1 of its 4" in call_on_copies(
        lambda a, b: b.__setitem__(0, 5.0), ("x", "w"), x, w)[1]


def test_call_on_copies_looks_inside_dicts_and_lists_and_keywords():
    params = {"W": np.zeros((2, 2)), "b": np.zeros(2)}
    changed = call_on_copies(lambda p: p["b"].fill(1.0), ("params",), params)[1]
    assert changed.startswith("your function changed `params['b']` in place: after the call, "
                             "2 of its 2 entries")
    changed = call_on_copies(lambda seq: seq.append(3), ("inputs",), [1, 2])[1]
    assert changed == ("your function changed `inputs` in place: after the call, it is not "
                       "what the check passed in")
    changed = call_on_copies(lambda a, targets=None: targets.fill(0), ("a",), 1,
                             targets=np.ones(3))[1]
    assert changed.startswith("your function changed `targets` in place")
    nan = np.array([np.nan, 1.0])  # NaN stays NaN: not a change
    assert call_on_copies(lambda a: a + 1, ("a",), nan)[1] is None
    assert call_on_copies(lambda a: None, ("a",), np.array([True, False]))[1] is None
    with pytest.raises(ZeroDivisionError):  # the check reports it with its own context
        call_on_copies(lambda a: 1 / 0, ("a",), nan)


def test_changed_in_place_compares_an_untouched_copy_with_what_was_given():
    before = np.array([[1.0, 2.0], [3.0, 4.0]])
    after = before.copy()
    assert changed_in_place("grad", before, after) is None
    after[1, 1] = -4.0
    assert "`grad` in place: after the call, 1 of its 4 entries" in changed_in_place(
        "grad", before, after)


# ---------------------------------------------------------------- numbers in messages

def test_show_pair_prints_two_different_numbers_differently():
    assert show_pair(1.5528657811, 1.5528658379) == ("1.55286578", "1.55286584")
    assert show_pair(0.25, 0.25) == ("0.25", "0.25")
    assert show_pair(0.2500002, 0.25, sig=4) == ("0.2500002", "0.25")
    a, b = show_pair(1.0, np.nextafter(1.0, 2.0))
    assert a != b and len(b) <= 18
    assert gap(1.0000001, 1.0) == "differs by 1e-07 (relative 1e-07)"
    assert gap(0.5, 0.0) == "differs by 0.5"


def test_times_never_prints_1_times_for_a_ratio_other_than_1():
    assert times(2.5) == "2.5 times" and times(10) == "10 times"
    assert times(1.0000003) == "1.0000003 times"
    assert times(0.99999) == "0.99999 times"
    assert times(1.0) == "exactly 1 times"


def test_float32_is_told_apart_and_named():
    exact = np.array([0.1, 0.7, 1.3])
    as32 = exact.astype(np.float32)
    assert is_float32(as32) and is_float32(as32.astype(np.float64))
    assert not is_float32(exact) and not is_float32(np.array([0.5, 2.0, 0.25]))
    assert not is_float32(np.array([1, 2]))
    note = float32_note(as32, exact, "your losses")
    assert note.startswith("your losses are float32 numbers: they agree to about 7 "
                           "significant digits (largest relative difference")
    assert note.endswith("this check compares at float64 precision, the precision of what it "
                         "passes in")
    assert float32_note(as32, exact, accepted=True).endswith(", which is plenty here")
    assert float32_note(np.float32(0.1), 0.1, "your loss").startswith(
        "your loss is a float32 number: it agrees")
    assert float32_note(exact, exact) == ""  # float64: nothing to say
    assert float32_note(as32, exact * 1.01) == ""  # a real difference, not float32's rounding
    assert "dh are float32 numbers" in differs(as32, exact, "dh", rtol=1e-12, atol=0)
    assert differs(exact, exact, "dh") is None


def test_as_number_names_what_is_not_a_number():
    assert as_number(np.array([0.5]), "x") == (0.5, None)
    for value, said in [(..., "still `...`"), (None, "is None"), (True, "got a bool"),
                        (np.bool_(False), "got a bool"), ("0.5", "is text (str)"),
                        (1j, "complex"), ([1.0, 2.0], "one number"), (np.inf, "finite"),
                        ({}, "got dict")]:
        assert said in as_number(value, "x")[1], value


@pytest.mark.parametrize(("value", "said"), [
    (True, "should be a number, got a bool"),
    (np.True_, "should be a number, got a bool"),
    (np.array(False), "should be a number, got a bool"),
    ("0.5", "is text (str); it should be a number, written without quotes"),
    (np.str_("0.5"), "is text (str_); it should be a number, written without quotes"),
    (np.array("0.5"), "is text (ndarray); it should be a number, written without quotes"),
    (np.complex128(2 + 1j), "is a complex number; it should be a real number"),
    (2 + 0j, "is a complex number; it should be a real number"),
    (np.array([1.0, 2.0]), "should be one number, got an array of shape (2,)"),
    (float("nan"), "is nan; expected a finite number"),
    (..., "is still `...`; replace it with a number"),
    (None, "is None; it should be a number"),
])
def test_a_number_is_read_strictly_and_every_other_answer_is_named(value, said):
    # what a learner might type where a number is asked for: each is refused, never converted
    assert as_number(value, "x") == (None, f"x {said}")


@pytest.mark.parametrize(("value", "number"), [
    (0.5, 0.5), (1, 1.0), (np.float32(0.5), 0.5), (np.array(0.5), 0.5), (np.array([[2]]), 2.0)])
def test_a_real_number_or_one_element_array_is_read_as_a_float(value, number):
    got, problem = as_number(value, "x")
    assert problem is None and type(got) is float and got == number
    assert as_number(float("inf"), "x", finite=False) == (float("inf"), None)
