"""Each nb05 exercise check passes right answers, however written, and fails wrong ones with a
message that says what it observed, never the answer."""

import math
import re

import numpy as np
import pytest
from exercise_helpers import assert_second_hint_goes_further, hint_only_on_request, stub

import rnnlib
from rnnlib.exercises import nb05

# ---------------------------------------------------------------- references, written here


def shortcut_step_back(dh, h, h_prev, W_hh):
    return dh + (dh * (1 - (h - h_prev) ** 2)) @ W_hh


def shortcut_loops(dh, h, h_prev, W_hh):  # another right way: entry by entry
    N, H = dh.shape
    out = np.zeros((N, H))
    for n in range(N):
        for j in range(H):
            out[n, j] = dh[n, j] + sum(dh[n, i] * (1 - (h[n, i] - h_prev[n, i]) ** 2) * W_hh[i, j]
                                       for i in range(H))
    return out


def shortcut_jacobians(dh, h, h_prev, W_hh):  # and a third: each sequence's Jacobian matrix
    rows = []
    for g, s in zip(dh, h - h_prev, strict=True):
        J = np.eye(len(W_hh)) + np.diag(1 - s**2) @ W_hh  # dh_t / dh_{t-1}
        rows.append(g @ J)
    return rows  # a list of rows, not an array


def shortcut_einsum(dh, h, h_prev, W_hh):  # with the states' tanh written out
    t = np.tanh(np.arctanh(np.clip(h - h_prev, -1 + 1e-15, 1 - 1e-15)))
    return dh + np.einsum("ni,ij->nj", dh * (1 - t * t), W_hh)


SHORTCUT_MISTAKES = {
    "no shortcut": lambda dh, h, hp, W: (dh * (1 - (h - hp) ** 2)) @ W,
    "slope of h": lambda dh, h, hp, W: dh + (dh * (1 - h**2)) @ W,
    "transposed": lambda dh, h, hp, W: dh + (dh * (1 - (h - hp) ** 2)) @ W.T,
    "no slope": lambda dh, h, hp, W: dh + dh @ W,
    "tanh cell": lambda dh, h, hp, W: (dh * (1 - h**2)) @ W,
    "minus": lambda dh, h, hp, W: dh - (dh * (1 - (h - hp) ** 2)) @ W,
    "slope of h_prev": lambda dh, h, hp, W: dh + (dh * (1 - hp**2)) @ W,
}


def shortcut_bounds(s):
    return 1 - s, 1 + s


def test_references_match_an_independent_computation():
    """The right answers used below agree with rnnlib's gradient check and with values worked
    out by hand."""
    rng = np.random.default_rng(0)
    N, H = 3, 4
    arrays = {"h_prev": rng.normal(0, 0.5, (N, H))}
    x, W_xh, W_hh = rng.normal(size=(N, 2)), rng.normal(size=(H, 2)), rng.normal(0, 0.4, (H, H))
    dh = rng.normal(size=(N, H))

    def step(hp):
        return hp + np.tanh(x @ W_xh.T + hp @ W_hh.T)

    def loss_and_grads():
        h = step(arrays["h_prev"])
        return float(np.sum(dh * h)), {"h_prev": shortcut_step_back(dh, h, arrays["h_prev"],
                                                                    W_hh)}

    assert rnnlib.check_gradients(loss_and_grads, arrays)["h_prev"] < rnnlib.GRAD_TOL
    h = step(arrays["h_prev"])
    for other in (shortcut_loops, shortcut_jacobians, shortcut_einsum):
        assert np.allclose(other(dh, h, arrays["h_prev"], W_hh), loss_and_grads()[1]["h_prev"])
    # the bounds, at the two ends: W_hh = -s I and s I at a state where tanh's slope is 1
    g = np.array([[0.6, 0.8]])
    for sign, want in ((-1, 1 - 0.3), (1, 1 + 0.3)):
        back = shortcut_step_back(g, np.zeros((1, 2)), np.zeros((1, 2)), sign * 0.3 * np.eye(2))
        assert math.isclose(np.linalg.norm(back), want)
    # the four matrices, from their eigenvalues and singular values
    for key, fate in FATES.items():
        W = nb05.FATE_MATRICES[key]
        sigma, rho = np.linalg.norm(W, 2), np.abs(np.linalg.eigvals(W)).max()
        assert fate == ("explodes" if rho > 1 else "grows first" if sigma > 1 else "vanishes")
        assert NUMBERS[key] == (round(float(sigma), 3), round(float(rho), 3))
    # by hand: B is symmetric (0.7 +- 0.4), D is 0.95 times a rotation, C's eigenvalues are
    # 0.6 +- i sqrt(0.06), of modulus sqrt(det C) = sqrt(0.42)
    assert NUMBERS["B"] == (1.1, 1.1) and NUMBERS["D"] == (0.95, 0.95)
    assert NUMBERS["C"][1] == round(math.sqrt(0.42), 3)
    # exercise 4 with rnnlib's clipping: the longest and shortest steps at the two thresholds
    task = nb05.THRESHOLD_TASK
    norm_limit, value_limit, shortest = THRESHOLDS
    big = {"g": np.full(task["P"], 1.0)}  # every entry far above the value limit
    assert task["lr"] * rnnlib.global_norm(rnnlib.clip_by_value(big, value_limit)) == \
        pytest.approx(task["longest"])
    assert task["lr"] * rnnlib.global_norm(rnnlib.clip_by_global_norm(
        {"g": np.full(task["P"], 1.0)}, norm_limit)) == pytest.approx(task["longest"])
    spike = {"g": np.zeros(task["P"])}
    spike["g"][7] = -task["norm"]  # a gradient of norm 100 in one entry
    assert task["lr"] * rnnlib.global_norm(rnnlib.clip_by_value(spike, value_limit)) == \
        pytest.approx(shortest)


FATES = {"A": "grows first", "B": "explodes", "C": "vanishes", "D": "vanishes"}
NUMBERS = {"A": (1.416, 0.6), "B": (1.1, 1.1), "C": (0.945, 0.648), "D": (0.95, 0.95)}
THRESHOLDS = (10, 0.05, 0.0025)

# ---------------------------------------------------------------- right answers pass


def test_right_answers_pass_however_written():
    results = [nb05.check_shortcut_step_back(shortcut_step_back),
               nb05.check_shortcut_step_back(shortcut_loops),
               nb05.check_shortcut_step_back(shortcut_jacobians),
               nb05.check_shortcut_step_back(shortcut_einsum),
               nb05.check_shortcut_bounds(shortcut_bounds),
               nb05.check_shortcut_bounds(lambda s: [1.0 - s, 1.0 + s]),
               nb05.check_shortcut_bounds(lambda s: np.array([1 - s, 1 + s])),
               nb05.check_shortcut_bounds(lambda s: (np.float64(1) - s, 1 + np.float64(s))),
               nb05.check_fates(NUMBERS, FATES),
               nb05.check_fates({k: (np.linalg.norm(W, 2), max(abs(np.linalg.eigvals(W))))
                                 for k, W in nb05.FATE_MATRICES.items()}, FATES),
               nb05.check_fates({**NUMBERS, "A": [1.42, 0.60], "C": np.array([0.9446, 0.648])},
                                {"D": "Vanishes", "C": " vanishes ", "B": "EXPLODES",
                                 "A": "grows  first"}),
               nb05.check_fates(NUMBERS, {**FATES, "A": "grows_first"}),
               nb05.check_thresholds(*THRESHOLDS),
               nb05.check_thresholds(0.5 / 0.05, 10 / np.sqrt(40_000), 0.05 * 0.05),
               nb05.check_thresholds(10.0, 0.0500, 0.00250),  # three significant digits
               nb05.check_thresholds(9.995, 0.04995, 0.002495),  # the lowest that round right
               nb05.check_thresholds(np.float64(10), np.array(0.05), np.array([0.0025]))]
    for result in results:
        assert result, repr(result)
        assert repr(result).startswith("PASS")
        assert result.assert_pass() is None


HIDDEN = {  # the cases of the source's hidden tests
    "step": [(1, 5, "general", 7), (4, 2, "symmetric", 8), (1, 1, "h_prev = 0", 9)],
    "bounds": [0.1, 0.85],
}


def test_hidden_cases_are_checked_too():
    for answer in (shortcut_step_back, shortcut_loops, shortcut_jacobians, shortcut_einsum):
        assert nb05.check_shortcut_step_back(answer, cases=HIDDEN["step"])
    assert nb05.check_shortcut_bounds(shortcut_bounds, cases=HIDDEN["bounds"])

    def loops_from_one(dh, h, h_prev, W_hh):  # breaks on a single sequence (N = 1)
        if len(dh) == 1:
            raise IndexError("index 1 is out of bounds for axis 0 with size 1")
        return shortcut_step_back(dh, h, h_prev, W_hh)

    assert nb05.check_shortcut_step_back(loops_from_one)
    r = nb05.check_shortcut_step_back(loops_from_one, cases=HIDDEN["step"])
    assert not r and "in a general case (N = 1, H = 5) your code raised IndexError" in r.message

    def seen_values(s):  # right only for the values of s the visible check tries
        return (1 - s, 1 + s) if s in nb05.BOUND_CASES else (0.0, 2.0)

    assert nb05.check_shortcut_bounds(seen_values)
    assert not nb05.check_shortcut_bounds(seen_values, cases=HIDDEN["bounds"])


# ---------------------------------------------------------------- stubs and hints


def test_stubs_fail_with_a_message_and_hints_only_on_request():
    for check in (nb05.check_shortcut_step_back, nb05.check_shortcut_bounds):
        r = check(stub)
        assert not r and repr(r).startswith("NOT YET") and "returned None" in r.message
        assert hint_only_on_request(check, stub)
    unfilled = {"A": ..., "B": ..., "C": ..., "D": ...}
    pairs = {"A": (..., ...), "B": (..., ...), "C": (..., ...), "D": (..., ...)}
    r = nb05.check_fates(pairs, unfilled)
    assert not r and "numbers['A'] still contains `...`" in r.message
    assert hint_only_on_request(nb05.check_fates, pairs, unfilled)
    r = nb05.check_fates(NUMBERS, unfilled)
    assert not r and "numbers are right; fates['A'] is still `...`" in r.message
    r = nb05.check_thresholds(..., ..., ...)
    assert not r and "norm_limit is still `...`" in r.message
    assert hint_only_on_request(nb05.check_thresholds, ..., ..., ...)
    with pytest.raises(AssertionError, match="NOT YET shortcut_step_back: your function "):
        nb05.check_shortcut_step_back(stub).assert_pass()


def test_a_second_hint_goes_further_and_only_when_asked():
    for check, answer in [(nb05.check_shortcut_step_back, (stub,)),
                          (nb05.check_shortcut_bounds, (stub,)),
                          (nb05.check_fates, ({**NUMBERS, "A": (1.2, 0.6)}, FATES)),
                          (nb05.check_fates, (NUMBERS, {**FATES, "A": "vanishes"})),
                          (nb05.check_thresholds, (1, 1, 1))]:
        assert_second_hint_goes_further(check, *answer)


def test_no_hint_on_a_pass():
    r = nb05.check_fates(NUMBERS, FATES, hint=2)
    assert r and "hint" not in repr(r)


def test_the_fates_hints_follow_the_part_that_is_not_yet_right():
    def hints(numbers, fates):
        return repr(nb05.check_fates(numbers, fates, hint=2)).split("\n  hint: ")[1]

    on_numbers = hints({**NUMBERS, "C": (0.945, 0.6)}, {**FATES, "A": "vanishes"})
    assert "np.linalg.norm(W, 2)" in on_numbers and "compare each number with 1" not in on_numbers
    on_fates = hints(NUMBERS, {**FATES, "A": "vanishes"})
    assert "compare each number with 1" in on_fates and "np.linalg" not in on_fates


# ---------------------------------------------------------------- wrong answers, diagnosed


def step_msg(fn, cases=None):
    r = nb05.check_shortcut_step_back(fn, cases=cases)
    assert not r
    return r.message


def test_shortcut_step_back_says_which_cases_are_off():
    alone = step_msg(SHORTCUT_MISTAKES["no shortcut"])
    assert alone.startswith("in every case your values match what one step sends back when "
                            "h_t = tanh(a_t) alone")
    from_h = step_msg(SHORTCUT_MISTAKES["slope of h"])
    assert from_h.startswith("right where h_{t-1} = 0 and where W_hh = 0; off elsewhere: in a "
                             "general case (N = 3, H = 4) your dL/dh_{t-1} differs")
    transposed = step_msg(SHORTCUT_MISTAKES["transposed"])
    assert transposed.startswith("right where W_hh is symmetric and where W_hh = 0; off "
                                 "elsewhere")
    for kind in ("no slope", "minus", "slope of h_prev"):
        assert step_msg(SHORTCUT_MISTAKES[kind]).startswith("right where W_hh = 0; off "
                                                            "elsewhere"), kind
    zeros = step_msg(SHORTCUT_MISTAKES["tanh cell"])
    assert zeros.startswith("where W_hh = 0 your result is all zeros, although the loss still "
                            "changes with h_{t-1} there")
    off = step_msg(lambda dh, h, hp, W: 1.5 * shortcut_step_back(dh, h, hp, W))
    assert off.startswith("off in all 4 cases: in a general case (N = 3, H = 4)")
    assert "differs from the centred differences by up to" in off and "(entry [" in off


def test_shortcut_step_back_reports_inputs_changed_in_place():
    """A backward step that writes into what it is given spoils the arrays BPTT reads again:
    the right values do not pass if dh, h, h_prev or W_hh were changed in place."""
    def into_dh(dh, h, h_prev, W_hh):
        dh += (dh * (1 - (h - h_prev) ** 2)) @ W_hh
        return dh

    def into_h(dh, h, h_prev, W_hh):
        h -= h_prev  # now tanh(a_t)
        return dh + (dh * (1 - h**2)) @ W_hh

    def into_W(dh, h, h_prev, W_hh):
        W_hh *= 1.0  # touching without changing is fine
        return shortcut_step_back(dh, h, h_prev, W_hh)

    assert step_msg(into_dh) == ("in a general case (N = 3, H = 4) your function changed `dh` "
                                 "in place: after the call, 12 of its 12 entries differ from "
                                 "what the check passed in")
    assert "your function changed `h` in place" in step_msg(into_h)
    assert nb05.check_shortcut_step_back(into_W)
    assert np.allclose(into_dh(*(a.copy() for a in (np.ones((1, 2)), np.zeros((1, 2)),
                                                     np.zeros((1, 2)), np.eye(2)))), 2.0)


def test_shortcut_step_back_names_shapes_types_and_errors():
    short = step_msg(lambda dh, h, hp, W: shortcut_step_back(dh, h, hp, W)[:, :2])
    assert short == ("in a general case (N = 3, H = 4) your result has shape (3, 2); "
                     "dL/dh_{t-1} has the shape of h_{t-1}, (3, 4)")
    transposed = step_msg(lambda dh, h, hp, W: shortcut_step_back(dh, h, hp, W).T)
    assert "has shape (4, 3)" in transposed
    assert "returned a str" in step_msg(lambda *a: "dh")
    assert "returned Ellipsis" in step_msg(lambda *a: ...)

    def by_largest_entry(dh, h, hp, W):  # fails where W_hh has no nonzero entry
        scale = 1 / float(np.abs(W).max())
        return shortcut_step_back(dh, h, hp, W * scale) / scale

    assert step_msg(by_largest_entry) == ("in the case with W_hh = 0 (N = 2, H = 3) your code "
                                          "raised ZeroDivisionError: float division by zero")


def bounds_msg(fn, cases=None):
    r = nb05.check_shortcut_bounds(fn, cases=cases)
    assert not r
    return r.message


def test_shortcut_bounds_say_what_was_measured():
    tanh = bounds_msg(lambda s: (0.0, s))
    assert tanh.startswith("for s = 0.3 your bounds (0, 0.3) are those of section 1's tanh cell")
    assert "a ratio of 1.159 was measured (a random W_hh of that largest singular value" in tanh
    no_growth = bounds_msg(lambda s: (1 - s, 1.0))
    assert no_growth.startswith("for s = 0.3 a ratio of 1.159 was measured")
    assert no_growth.endswith("above your high = 1")
    # a bound that only the states where the cell stretches most break: the least extreme of them
    near = bounds_msg(lambda s: (1 / (1 + s), 1 + s))
    assert near.startswith("for s = 0.3 a ratio of 0.7433 was measured (W_hh = 0.3 R, R a "
                           "reflection (symmetric and orthogonal: it reverses one direction and "
                           "keeps the others), at a state where tanh's slope is 0.8556 in every "
                           "unit)")
    assert near.endswith("below your low = 0.7692")
    wide = bounds_msg(lambda s: (0.0, 1 + s))
    assert wide.startswith("for s = 0.3 your low = 0 holds in every case measured, but it is "
                           "not the tightest bound: a higher low holds")
    assert "a lower high holds" in bounds_msg(lambda s: (1 - s, 2.0))
    assert "your low is above your high" not in wide
    assert bounds_msg(lambda s: (0.9, 1.1)).endswith("above your high = 1.1")  # high first
    low_only = bounds_msg(lambda s: (0.9, 1 + s))
    assert low_only.startswith("for s = 0.3 a ratio of ") and low_only.endswith(
        "below your low = 0.9")
    swapped = bounds_msg(lambda s: (1 + s, 1 - s))
    assert swapped == "for s = 0.3 your low = 1.3 is above your high = 0.7"


def test_shortcut_bounds_at_the_edge_s_0():
    # W_hh = 0: every step keeps the gradient exactly, so the bounds meet at 1
    hardcoded = bounds_msg(lambda s: (1 - s, 1.3))
    assert hardcoded.startswith("for s = 0.0 your high = 1.3 holds in every case measured, "
                                "but it is not the tightest bound")
    assert nb05.check_shortcut_bounds(shortcut_bounds, cases=[0.0])


def test_shortcut_bounds_close_is_not_wrong_and_types_are_named():
    close = bounds_msg(lambda s: (1 - s, 1 + s + 0.004))
    assert close == ("for s = 0.3 your high = 1.304 is within 1% of the tightest bound, but not "
                     "equal to it: a bound that holds for every state is an exact number, not a "
                     "measured one")
    # digits enough to see that the value is not the bound
    assert "your high = 1.300001 is within 1%" in bounds_msg(lambda s: (1 - s, 1 + s + 1e-6))
    assert bounds_msg(lambda s: (1 - s + 1e-12, 1 + s), cases=[0.0]) == (
        "for s = 0.0 your low = 1.000000000001 is above your high = 1")
    assert bounds_msg(lambda s: np.float32([1 - s, 1 + s])) == (
        "for s = 0.3 your high = 1.29999995 is within 1% of the tightest bound; your high is a "
        "float32 number: it agrees to about 7 significant digits (relative difference 3.7e-08); "
        "this check compares at float64 precision, the precision of what it passes in")
    assert "your low = 0.69999999 is within 1% of the tightest bound; your low is a float32 " \
        "number" in bounds_msg(lambda s: (float(np.float32(1 - s)), 1 + s))
    assert "your function returned a dict (with the keys 'low', 'high'); it should return a " \
        "pair (low, high)" in bounds_msg(lambda s: {"low": 1 - s, "high": 1 + s})
    assert "returned 3 values" in bounds_msg(lambda s: (0, 1, 2))
    assert "returned a float" in bounds_msg(lambda s: 1.3)
    assert "returned a str" in bounds_msg(lambda s: "1 - s, 1 + s")
    assert "low for s = 0.3 is text (str)" in bounds_msg(lambda s: ("0.7", "1.3"))
    assert "high for s = 0.3 is nan" in bounds_msg(lambda s: (0.7, float("nan")))


def fates_msg(fates, numbers=None):
    r = nb05.check_fates(NUMBERS if numbers is None else numbers, fates)
    assert not r
    return r.message


def test_fates_say_what_the_powers_show():
    assert fates_msg({**FATES, "A": "vanishes"}) == (
        "numbers are right; 3 of 4 fates right; with A you said 'vanishes', but the gradient "
        "u = [0.92, 0.40] grows to 1.42 times its length in the first step")
    assert fates_msg({**FATES, "A": "explodes"}).startswith(
        "numbers are right; 3 of 4 fates right; with A you said 'explodes', but every gradient "
        "has shrunk after 200 steps")
    assert fates_msg({**FATES, "B": "grows first"}) == (
        "numbers are right; 3 of 4 fates right; with B you said 'grows first', but the gradient "
        "u = [0.71, 0.71] is 1.9e+08 times longer after 200 steps")
    assert fates_msg({**FATES, "C": "grows first"}) == (
        "numbers are right; 3 of 4 fates right; with C you said 'grows first', but no gradient "
        "grows in any step: the most one step stretches any gradient is 0.945 times")
    assert "with D you said 'explodes', but every gradient has shrunk" in fates_msg(
        {**FATES, "D": "explodes"})
    everything_by_rho = {"A": "vanishes", "B": "explodes", "C": "vanishes", "D": "vanishes"}
    assert fates_msg(everything_by_rho).startswith("numbers are right; 3 of 4 fates right; "
                                                   "with A")
    all_vanish = {k: "vanishes" for k in FATES}
    assert fates_msg(all_vanish).startswith("numbers are right; 2 of 4 fates right; with A you "
                                            "said 'vanishes'")


def test_the_numbers_come_first_and_say_what_they_are():
    def check(key, pair):
        return fates_msg({**FATES, "A": "vanishes"}, {**NUMBERS, key: pair})

    assert check("A", (0.6, 1.416)) == (
        "numbers['A'] = (0.6, 1.416) holds A's spectral radius first and its largest singular "
        "value second; the pair is (largest singular value, spectral radius)")
    assert check("A", (1.2, 0.6)) == ("the largest singular value you give for A, 1.2, is its "
                                      "largest entry in size")
    frobenius = float(np.linalg.norm(nb05.FATE_MATRICES["A"]))
    assert "1.432, is its Frobenius norm" in check("A", (frobenius, 0.6))
    assert "1.21, is the largest eigenvalue of W^T W" in check("B", (1.21, 1.1))
    assert check("C", (0.945, 0.6)) == ("the spectral radius you give for C, 0.6, is the real "
                                        "part of its eigenvalues, which are complex")
    assert check("A", (1.41, 0.6)) == (
        "the largest singular value you give for A, 1.41, is within 1% of it, but not equal to "
        "it to three significant digits, rounded: check its digits")
    assert check("A", (1.3, 0.6)).endswith("is smaller than what one step does: the check "
                                           "found a gradient that one step stretches more")
    assert check("A", (1.5, 0.6)).endswith("no gradient is stretched that much in one step, in "
                                           "any direction the check tried")
    assert check("C", (0.945, 0.7)).endswith("is not the largest size (absolute value) of any "
                                             "of its eigenvalues, to three significant digits")
    assert check("D", (0.95, ...)) == "numbers['D'] still contains `...`; replace it with two " \
        "numbers"
    assert "numbers['B'] should be a pair of numbers" in check("B", 1.1)
    assert "the spectral radius of B is text" in check("B", (1.1, "1.1"))
    assert fates_msg(FATES, [1.42, 0.6]).startswith("numbers should be a dict with the keys")
    # three digits, rounded: A's largest singular value is 1.41602
    assert nb05.check_fates({**NUMBERS, "A": (1.4155, 0.6)}, FATES)
    assert not nb05.check_fates({**NUMBERS, "A": (1.4149, 0.6)}, FATES)


def test_fates_name_the_words_and_the_keys():
    assert fates_msg({**FATES, "A": "shrinks"}) == (
        "numbers are right; fates['A'] = 'shrinks' is not one of 'vanishes', 'grows first' or "
        "'explodes'")
    assert "fates['B'] should be one of the words" in fates_msg({**FATES, "B": 0.9})
    assert "got a value of type float" in fates_msg({**FATES, "B": 0.9})
    for wrong in (["grows first", "explodes", "vanishes", "vanishes"], {"A": "vanishes"},
                  {**FATES, "E": "vanishes"}, None):
        assert fates_msg(wrong).startswith("numbers are right; fates should be a dict with the "
                                           "keys 'A', 'B', 'C' and 'D'")


def thresholds_msg(*values):
    r = nb05.check_thresholds(*values)
    assert not r
    return r.message


def test_thresholds_say_what_each_value_allows():
    assert thresholds_msg(0.5, 0.05, 0.0025) == (
        "with norm_limit = 0.5 no step is longer than 0.025: that keeps every step within 0.5, "
        "but so does a larger threshold")
    assert thresholds_msg(20, 0.05, 0.0025) == (
        "with norm_limit = 20 a gradient of norm 20 passes unclipped and makes a step 1 long, "
        "longer than 0.5")
    assert "must be positive" in thresholds_msg(-10, 0.05, 0.0025)
    assert thresholds_msg(10, 10, 0.0025) == (
        "norm_limit is right; at value_limit = 10 a gradient with all 40,000 entries at the "
        "limit passes unchanged; its norm is 2000 and its step 100 long, longer than 0.5")
    by_p = thresholds_msg(10, 10 / 40_000, 0.0025)  # divided by P, not by its root
    assert by_p == ("norm_limit is right; at value_limit = 0.00025 no step is longer than "
                    "0.0025: that keeps every step within 0.5, but so does a larger limit")
    assert "is the longest step value clipping at your limit allows" in thresholds_msg(
        10, 0.05, 0.5)
    assert thresholds_msg(10, 0.05, 0.05) == (  # the clipped gradient's length: an observation
        "both limits are right; a gradient of norm 100 spread evenly over 100 entries makes a "
        "step of 0.025 after clipping: shorter than your 0.05")
    assert thresholds_msg(10, 0.05, 5).endswith(
        "is the step of a gradient of norm 100 without any clipping")
    assert "clipping never sets a nonzero entry to 0" in thresholds_msg(10, 0.05, 0)
    spread = thresholds_msg(10, 0.05, 0.01)
    assert spread == ("both limits are right; a gradient of norm 100 spread evenly over 4 "
                      "entries makes a step of 0.005 after clipping: shorter than your 0.01")
    assert thresholds_msg(10, 0.05, 0.0026) == (
        "both limits are right; the check found a gradient of norm 100 whose step after "
        "clipping is shorter than your 0.0026")
    assert thresholds_msg(10, 0.05, 0.001).startswith(
        "both limits are right; no gradient of norm 100 gives a step as short as 0.001")


@pytest.mark.parametrize("values, name", [((9.92, 0.05, 0.0025), "norm_limit"),
                                          ((10, 0.0498, 0.0025), "value_limit"),
                                          ((10, 0.05, 0.00252), "shortest_step"),
                                          ((10, 0.05, 0.002482), "shortest_step")])
def test_thresholds_within_one_percent_are_close_not_wrong(values, name):
    assert f"{name} = " in thresholds_msg(*values)
    assert "is within 1% of the value asked for, but not equal to it to three significant " \
           "digits, rounded: check its digits" in thresholds_msg(*values)


def test_the_limits_pass_at_or_below_the_safe_value_and_round_to_it():
    assert nb05.check_thresholds(9.996, 0.04996, 0.002504)  # 10.0, 0.0500, 0.00250, rounded
    assert nb05.check_thresholds(10, 0.05, 0.002495) and nb05.check_thresholds(10, 0.05, 0.0025049)
    assert not nb05.check_thresholds(10, 0.05, 0.002505)
    # above the safe value, however little: a step longer than 0.5 is possible
    assert thresholds_msg(10.04, 0.05, 0.0025) == (
        "with norm_limit = 10.04 a gradient of norm 10.04 passes unclipped and makes a step "
        "0.502 long, longer than 0.5")
    tiny = thresholds_msg(10.0001, 0.05, 0.0025)
    assert "norm_limit = 10.0001" in tiny and "step 0.500005 long, longer than 0.5" in tiny
    assert "at value_limit = 0.05004 a gradient with all 40,000 entries" in thresholds_msg(
        10, 0.05004, 0.0025)
    # a near miss prints with the digits that tell it from the limit (0.04995 would pass)
    assert "value_limit = 0.049949 is within 1%" in thresholds_msg(10, 0.049949, 0.0025)
    for low in (9.994, 0.04994):  # below, and not the limit to three digits
        values = (low, 0.05, 0.0025) if low > 1 else (10, low, 0.0025)
        assert "within 1%" in thresholds_msg(*values)


def test_thresholds_refuse_text():
    assert "norm_limit is text (str)" in thresholds_msg("10", 0.05, 0.0025)
    assert "value_limit should be one number" in thresholds_msg(10, [0.05, 0.05], 0.0025)
    assert "shortest_step should be a number, got a bool" in thresholds_msg(10, 0.05, True)


# ---------------------------------------------------------------- nothing gives an answer away


def numbers(text):
    return [float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?(?:e[+-]?\d+)?",
                                                         text)]


def all_text(check, answer):
    return "\n".join(repr(check(*answer, hint=h)) for h in (False, True, 2))


ANSWER_STEP = ["h - h_prev", "h_prev - h", "(h-h_prev)", "dh +", "+ dh", "(dh *", "@ W_hh"]
ANSWER_NUMBERS = ["0.7,", "(0.7", "1.3)", "1 - s", "1 + s", "1-s", "1+s", "1 ± s"]


@pytest.mark.parametrize("answer", [stub, *SHORTCUT_MISTAKES.values()])
def test_step_back_messages_and_hints_give_no_answer(answer):
    text = all_text(nb05.check_shortcut_step_back, (answer,))
    assert not [a for a in ANSWER_STEP if a in text]


@pytest.mark.parametrize("answer", [stub, lambda s: (0.0, s), lambda s: (1 - s, 1.0),
                                    lambda s: (0.0, 1 + s), lambda s: (1 - s, 2.0),
                                    lambda s: (1 / (1 + s), 1 + s), lambda s: (1 - s, 1.3)])
def test_bounds_messages_and_hints_give_no_answer(answer):
    text = all_text(nb05.check_shortcut_bounds, (answer,))
    assert not [a for a in ANSWER_NUMBERS if a in text]
    named = re.search(r"for s = ([\d.]+)", text)
    if named:  # no number but the learner's own is one of the true bounds at that s
        s = float(named.group(1))
        own = [float(v) for v in answer(s)] + [s]
        shown = [n for n in numbers(text) if not any(math.isclose(n, v) for v in own)]
        assert not [n for n in shown if math.isclose(n, 1 - s) or math.isclose(n, 1 + s)]


@pytest.mark.parametrize("fates", [{k: ... for k in FATES}, {k: "vanishes" for k in FATES},
                                   {k: "explodes" for k in FATES},
                                   {k: "grows first" for k in FATES}])
def test_fates_messages_and_hints_give_no_answer(fates):
    text = all_text(nb05.check_fates, (NUMBERS, fates))
    for key, fate in FATES.items():  # the right word never appears beside its matrix
        assert f"with {key} you said {fate!r}" not in text
        assert f"{key}: {fate!r}" not in text and f"'{key}': '{fate}'" not in text
    if ... not in fates.values():  # only the first wrong matrix is described
        assert sum(f"with {k} you said" in text.split("\n")[0] for k in FATES) == 1


@pytest.mark.parametrize("given", [
    {k: (..., ...) for k in NUMBERS}, {k: (1.0, 1.0) for k in NUMBERS},
    {k: (v[1], v[0]) for k, v in NUMBERS.items()}, {**NUMBERS, "A": (1.2, 0.6)},
    {**NUMBERS, "A": (1.3, 0.6)}, {**NUMBERS, "A": (1.5, 0.6)}, {**NUMBERS, "C": (0.945, 0.6)},
    {**NUMBERS, "C": (0.945, 0.7)}, {**NUMBERS, "C": (0.94, 0.648)},
    {**NUMBERS, "B": (1.21, 1.1)}, {**NUMBERS, "D": (0.9, 0.9)}])
def test_numbers_messages_and_hints_give_no_number_away(given):
    """No number of a matrix appears unless the learner gave it (or the message says which
    matrix's number it is, as with an exchanged pair)."""
    text = all_text(nb05.check_fates, (given, FATES))
    own = [x for pair in given.values() for x in pair if x is not ...]
    for key, pair in NUMBERS.items():
        for true in pair:
            shown = [n for n in numbers(text) if math.isclose(n, true, rel_tol=5e-3)
                     and not any(math.isclose(n, x, rel_tol=1e-9) for x in own)]
            assert not shown, (key, true, text)


@pytest.mark.parametrize("values", [(..., ..., ...), (2, 2, 2), (0.5, 0.05, 0.0025),
                                    (20, 1, 1), (10, 10, 0.0025), (10, 0.5, 0.0025),
                                    (10, 0.01, 1), (10, 0.05, 0.5), (10, 0.05, 0.05),
                                    (10, 0.05, 5), (10, 0.05, 0.01), (10, 0.05, 1e-4)])
def test_thresholds_messages_and_hints_give_no_answer(values):
    text = all_text(nb05.check_thresholds, values)
    found = 0  # the values already right may be named; the others must not appear
    while found < 3 and values[found] is not ... and math.isclose(values[found],
                                                                    THRESHOLDS[found]):
        found += 1
    for true in THRESHOLDS[found:]:
        assert not [n for n in numbers(text) if math.isclose(n, true)], (true, text)
