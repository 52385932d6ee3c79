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
