"""Helpers shared by the tests of the exercise checks (rnnlib.exercises)."""


def stub(*args):
    """What a learner's unfilled function returns."""
    return None


def failing(result, *words):
    """The check failed and its message mentions every word given."""
    text = repr(result)
    return (not result) and text.startswith("NOT YET") and all(w in text for w in words)
