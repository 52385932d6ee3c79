"""Helpers shared by the tests of the exercise checks (rnnlib.exercises)."""


def stub(*args):
    """What a learner's unfilled function returns."""
    return None


def hint_only_on_request(check, *answer):
    """A failed check shows no hint by default and one hint line when asked (hint=True)."""
    quiet, helped = repr(check(*answer)), repr(check(*answer, hint=True))
    return ("hint:" not in quiet and "hint=True" in quiet
            and helped.count("\n  hint: ") == 1 and helped.startswith(quiet.split("  (")[0]))


def failing(result, *words):
    """The check failed and its message mentions every word given."""
    text = repr(result)
    return (not result) and text.startswith("NOT YET") and all(w in text for w in words)


def assert_second_hint_goes_further(check, *answer):
    """A failed check offers a second hint; hint=True shows only the first, hint=2 both, and
    the second says something the first does not."""
    quiet, one, two = (repr(check(*answer, hint=h)) for h in (False, True, 2))
    assert "hint=2 for a stronger one" in quiet, quiet
    assert "\n  hint: " in one and "hint 2:" not in one and "(hint=2" in one, one
    assert "\n  hint: " in two and "\n  hint 2: " in two, two
    first, second = two.split("\n  hint: ")[1].split("\n  hint 2: ")
    assert first and second and first != second, two


def assert_gives_no_answer(check, answer, leaks, fixes=(), echoed=()):
    """A failed check's message and both hints contain none of ``leaks`` (the answer, or code),
    and its message none of ``fixes`` (the change to make). A leak that is part of a string in
    ``echoed`` (the learner's own value, repeated back) is allowed."""
    text = repr(check(*answer, hint=2))
    assert text.startswith("NOT YET") and "hint 2:" in text
    for leak in leaks:
        if not any(leak in e for e in echoed):
            assert leak not in text, f"{check.__name__} gives away {leak!r}:\n{text}"
    message = check(*answer).message
    for fix in fixes:
        assert fix not in message, f"{check.__name__} names the fix {fix!r}: {message}"
