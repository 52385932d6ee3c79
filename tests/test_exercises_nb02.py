"""Each nb02 exercise check passes right answers, however written, and fails wrong ones with a
message that says what it observed, never the answer."""

import math
import re

import numpy as np
import pytest
from exercise_helpers import (
    assert_gives_no_answer,
    assert_second_hint_goes_further,
    hint_only_on_request,
    stub,
)

from rnnlib import rnn_forward
from rnnlib.exercises import nb02

# ---------------------------------------------------------------- references, written here

N, T = 4, 6


def reach_answers():
    """The three masks of exercise 1, written out by hand."""
    x = np.zeros((N, T), dtype=bool)
    x[2, 3:] = True  # sequence 2, steps 3, 4, 5
    w = np.ones((N, T), dtype=bool)
    w[:, 0] = False  # W_hh h_0 = 0 at step 0
    return x, w, np.ones((N, T), dtype=bool)


def split_kernel(kernel, D):
    return kernel[:D].T, kernel[D:].T


def split_kernel_by_loops(kernel, D):  # another right way: entry by entry, returned as a list
    H = kernel.shape[1]
    W_xh = [[kernel[j, i] for j in range(D)] for i in range(H)]
    W_hh = [[kernel[D + k, i] for k in range(H)] for i in range(H)]
    return [W_xh, W_hh]


def split_kernel_np(kernel, D):  # and a third: np.split of the transposed kernel
    W_xh, W_hh = np.split(kernel.T, [D], axis=1)
    return W_xh, W_hh


def jordan(params, x, targets=None, mistake=None):
    """Batched forward of the cell that feeds back its output; ``mistake`` plants a usual one."""
    n, steps, _ = x.shape
    W_xh, W_yh, W_hy = params["W_xh"], params["W_yh"], params["W_hy"]
    b_h, b_y = params["b_h"], params["b_y"]
    y = np.zeros((n, steps, len(b_y)))
    fed = np.zeros((n, len(b_y)))
    for t in range(steps):
        if mistake == "wrap" and targets is not None:
            fed = targets[:, t - 1]  # at t = 0 this is the last target
        if mistake == "own target" and targets is not None and t > 0:
            fed = targets[:, t]
        recurrent = fed @ (W_yh if mistake == "W_yh as (in, out)" else W_yh.T)
        h = np.tanh(x[:, t] @ W_xh.T + recurrent + (0 if mistake == "no b_h" else b_h))
        y[:, t] = h @ W_hy.T + (0 if mistake == "no b_y" else b_y)
        if mistake == "states":
            fed, y[:, t] = y[:, t].copy(), h
        else:
            fed = y[:, t] if targets is None or mistake == "ignore targets" else targets[:, t]
    return y


def jordan_per_example(params, x, targets=None):  # another right way: one row at a time
    out = []
    for n in range(x.shape[0]):
        prev, row = np.zeros(params["b_y"].shape), []
        for t in range(x.shape[1]):
            h = np.tanh(params["W_xh"] @ x[n, t] + params["W_yh"] @ prev + params["b_h"])
            row.append(params["W_hy"] @ h + params["b_y"])
            prev = row[-1] if targets is None else targets[n, t]
        out.append(row)
    return np.array(out)


def jordan_einsum(params, x, targets=None):  # and a third: (in, out) copies and einsum
    w_x, w_y, w_o = params["W_xh"].T, params["W_yh"].T, params["W_hy"].T
    outputs = []
    for t in range(x.shape[1]):
        if t == 0:
            previous = np.zeros((x.shape[0], w_o.shape[1]))
        elif targets is None:
            previous = outputs[-1]
        else:
            previous = targets[:, t - 1]
        state = np.tanh(np.einsum("nd,dh->nh", x[:, t], w_x) + previous @ w_y + params["b_h"])
        outputs.append(state @ w_o + params["b_y"])
    return np.stack(outputs, axis=1)


def jordan_feeds_state(params, x, targets=None):
    h = np.zeros((x.shape[0], params["W_hh" if "W_hh" in params else "W_yh"].shape[0]))
    ys = []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ params["W_xh"].T + h @ params["W_yh"].T + params["b_h"])
        ys.append(h @ params["W_hy"].T + params["b_y"])
    return np.stack(ys, axis=1)


def best_mse(phi1, phi2, sigma, K):
    """sigma^2 sum_{j<k} psi_j^2 from the psi recursion (section 11), for the tests."""
    psi = [1.0, phi1][:K]
    while len(psi) < K:
        psi.append(phi1 * psi[-1] + phi2 * psi[-2])
    return sigma**2 * np.cumsum(np.square(psi))


# ---------------------------------------------------------------- the references themselves


def test_the_reach_found_by_running_is_the_one_worked_out_by_hand():
    truth = nb02._reach_truth()
    for name, mask in zip(("reach_x", "reach_W_hh", "reach_W_hh_warm"), reach_answers(),
                          strict=True):
        assert np.array_equal(truth[name], mask), name


def test_the_stacked_network_is_rnnlib_with_the_blocks_turned():
    rng = np.random.default_rng(0)
    kernel, bias, x = rng.normal(size=(7, 4)), rng.normal(size=4), rng.normal(size=(2, 5, 3))
    h, _ = rnn_forward(x, np.zeros((2, 4)), kernel[:3].T, kernel[3:].T, bias)
    assert np.allclose(nb02._stacked_states(kernel, bias, x), h[:, -1])


def test_the_feedback_loop_matches_a_batched_forward_and_teacher_forcing_its_own_outputs():
    p, x, targets = nb02._jordan_case(3, 5, 2, 4, 3)
    free = nb02._jordan_loop(p, x)
    assert np.allclose(free, jordan(p, x))
    assert np.allclose(nb02._jordan_loop(p, x, targets), jordan(p, x, targets))
    assert np.allclose(nb02._jordan_loop(p, x, free), free)  # fed its own outputs: the same
    assert not np.allclose(nb02._jordan_loop(p, x, targets), free)


def test_the_k_day_errors_by_matrix_powers_match_the_recursion():
    # phi = (0.7, 0.2), sigma = 0.5: psi = 1, 0.7, 0.69, so 0.25, 0.25 * 1.49, 0.25 * 1.9661
    assert np.allclose(nb02._best_k_mse(0.7, 0.2, 3), [0.25, 0.3725, 0.491525])
    for phi1, phi2 in [(0.0, 0.8), (0.5, -0.3), (1.2, -0.5), (0.0, -0.6)]:
        assert np.allclose(nb02._best_k_mse(phi1, phi2, 6), best_mse(phi1, phi2, 0.5, 6))
    # the variance of section 11 against the long-run sum sigma^2 sum_j psi_j^2
    assert math.isclose(nb02._series_variance(0.7, 0.2), best_mse(0.7, 0.2, 0.5, 400)[-1])
    assert math.isclose(nb02._series_variance(0.0, 0.8), 0.25 / (1 - 0.64))


# ---------------------------------------------------------------- right answers pass


def test_right_answers_pass_however_written():
    x, w, warm = reach_answers()
    results = [
        nb02.check_reach(x, w, warm),
        nb02.check_reach(x.astype(int), w.astype(float), warm.tolist()),
        nb02.check_reach(np.arange(T)[None, :] >= np.array([9, 9, 3, 9])[:, None],
                         np.tile(np.arange(T) > 0, (N, 1)), np.full((N, T), True)),
        nb02.check_split_kernel(split_kernel),
        nb02.check_split_kernel(split_kernel_by_loops),
        nb02.check_split_kernel(split_kernel_np),
        nb02.check_jordan_forward(jordan),
        nb02.check_jordan_forward(jordan_per_example),
        nb02.check_jordan_forward(jordan_einsum),
        nb02.check_two_days(0, 0.8, 0.41, 0.41, 0),
        nb02.check_two_days(0.0, -0.6, 0.25 * 1.36, 0.34, 0.0),
        nb02.check_two_days(np.float64(-0.0), np.array(0.9), 0.4525, 0.4525,  # 0.453 or
                            np.float64(0)),  # 0.452 both
        nb02.check_two_days(0, 0.9, 0.452, 0.453, 0),
        nb02.check_two_days(0, 0.9, 0.453, 0.452, -0.0),
        nb02.check_two_days(0, 0.5, 0.3125, 0.3125, 0),  # on the boundary: MSE(1) is exactly
        nb02.check_two_days(0, -0.5, 0.313, 0.313, 0),  # 3/4 of the variance, exact in float64
    ]
    for result in results:
        assert result, repr(result)
        assert repr(result).startswith("PASS")
        assert result.assert_pass() is None


def test_hidden_cases_are_checked_too():
    assert nb02.check_split_kernel(split_kernel, cases=[(4, 3), (5, 5), (1, 1)])
    cases = [(4, 7, 1, 5, 1), (1, 3, 4, 2, 2), (2, 6, 3, 3, 3)]
    assert nb02.check_jordan_forward(jordan, cases=cases)
    assert nb02.check_jordan_forward(jordan_per_example, cases=cases)

    def fitted(params, x, targets=None):  # right whenever there is more than one output
        y = jordan(params, x, targets)
        return y if y.shape[2] > 1 else np.zeros_like(y)

    assert nb02.check_jordan_forward(fitted)
    assert not nb02.check_jordan_forward(fitted, cases=cases)


# ---------------------------------------------------------------- stubs and hints


def test_stubs_fail_with_a_message_and_hints_only_on_request():
    r = nb02.check_reach(..., ..., ...)
    assert not r and "replace it with an array" in r.message
    assert hint_only_on_request(nb02.check_reach, ..., ..., ...)
    r = nb02.check_two_days(..., ..., ..., ..., ...)
    assert not r and "replace it with a number" in r.message
    assert hint_only_on_request(nb02.check_two_days, ..., ..., ..., ..., ...)
    for check in (nb02.check_split_kernel, nb02.check_jordan_forward):
        r = check(stub)
        assert not r and repr(r).startswith("NOT YET")
        assert "returned None" in r.message and hint_only_on_request(check, stub)
    with pytest.raises(AssertionError, match="NOT YET split_kernel: your function returned"):
        nb02.check_split_kernel(stub).assert_pass()


def test_a_second_hint_goes_further_and_only_when_asked():
    for check, answer in [(nb02.check_reach, (np.ones((N, T)),) * 3),
                          (nb02.check_split_kernel, (stub,)),
                          (nb02.check_jordan_forward, (stub,)),
                          (nb02.check_two_days, (0.7, 0.2, 0.5, 0.5, 0)),
                          (nb02.check_two_days, (0, 0.8, 0.5, 0.41, 0)),
                          (nb02.check_two_days, (0, 0.8, 0.41, 0.41, 1))]:
        assert_second_hint_goes_further(check, *answer)


# ---------------------------------------------------------------- wrong answers, diagnosed


def failing(result, *words):
    text = result.message
    return (not result) and all(w in text for w in words)


def test_reach_says_which_states_it_saw_move():
    x, w, warm = reach_answers()
    every = np.ones((N, T), dtype=bool)
    r = nb02.check_reach(x, every, warm)  # step 0 marked for W_hh from a zero start
    assert failing(r, "reach_x right", "reach_W_hh:", "you marked h[0, 0] and 3 more, but",
                   "stay exactly as they were")
    all_rows = np.zeros((N, T), dtype=bool)
    all_rows[:, 3:] = True  # the other sequences marked too
    assert failing(nb02.check_reach(all_rows, w, warm), "reach_x:", "h[0, 3]",
                   "x[2, 3] changes")
    only_step = np.zeros((N, T), dtype=bool)
    only_step[2, 3] = True  # the change not carried on
    assert failing(nb02.check_reach(only_step, w, warm), "h[2, 4] and 1 more move",
                   "you did not mark them")
    assert failing(nb02.check_reach(x, w, w), "reach_x and reach_W_hh right",
                   "reach_W_hh_warm:", "h0 not 0", "you did not mark them")
    both = only_step | all_rows  # extra and missing at once: both said
    both[2, 4:] = False
    r = nb02.check_reach(both, w, warm)
    assert failing(r, "you marked", "you did not mark")
    assert failing(nb02.check_reach(x.T, w, warm), "shape (6, 4)", "(N, T) = (4, 6)")
    assert failing(nb02.check_reach(x * 2, w, warm), "only True and False")
    assert failing(nb02.check_reach("row 2", w, warm), "True/False", "str")
    assert failing(nb02.check_reach(x, None, warm), "reach_W_hh is None")


def test_split_kernel_says_which_rows_each_matrix_holds():
    r = nb02.check_split_kernel(lambda k, D: (k[:D], k[D:]))  # no conversion at all
    assert failing(r, "for D = 3, H = 5, W_xh has shape (3, 5)", "(H, D) = (5, 3)")
    r = nb02.check_split_kernel(lambda k, D: (k[:D].T, k[D:]))  # the square block as it is
    assert failing(r, "for D = 3, H = 5", "differ from the stacked network's by up to",
                   "W_xh is right", "W_hh[i, j] equals kernel[3 + i, j]")
    assert r.message.endswith("W_hh[i, j] equals kernel[3 + i, j]")  # no rule, no layout
    r = nb02.check_split_kernel(lambda k, D: (k[k.shape[1]:].T, k[:k.shape[1]].T))
    assert failing(r, "W_xh[i, j] equals kernel[5 + j, i]: kernel rows 5 to 7, which the "
                   "stacked network multiplies with h_{t-1}", "W_hh[i, j] equals kernel[j, i]: "
                   "kernel rows 0 to 4", "partly x_t, partly h_{t-1}")

    def square_only_right_for_w_hh(k, D):  # W_xh as it is: only D = H lets that through
        return (k[:D] if D == k.shape[1] else k[:D].T), k[D:].T

    r = nb02.check_split_kernel(square_only_right_for_w_hh)
    assert failing(r, "for D = 2, H = 2", "W_hh is right", "W_xh[i, j] equals kernel[i, j]")
    r = nb02.check_split_kernel(lambda k, D: (k[:D].T, 2 * k[D:].T))
    assert failing(r, "W_xh is right", "W_hh[i, j] equals neither kernel[r + i, j] nor "
                   "kernel[r + j, i], whatever the first row r")
    r = nb02.check_split_kernel(lambda k, D: k.T)  # one array, not a pair
    assert failing(r, "should return a pair")
    r = nb02.check_split_kernel(lambda k, D: np.split(k, D))
    assert not r
    r = nb02.check_split_kernel(lambda k, D: (k[:D].T, k[D + 1:].T))
    assert failing(r, "for D = 3, H = 5, W_hh has shape (5, 4)", "(H, H) = (5, 5)")
    r = nb02.check_split_kernel(lambda k, D: (k[:D].T, k[D:D + 2].T))
    assert failing(r, "W_hh has shape")
    r = nb02.check_split_kernel(lambda k, D: (k[:D].T, "W_hh"))
    assert failing(r, "W_hh should be an array of numbers")


def test_jordan_forward_says_what_it_observed():
    def planted(mistake):
        return lambda params, x, targets=None: jordan(params, x, targets, mistake)

    r = nb02.check_jordan_forward(planted("wrap"))
    assert failing(r, "with targets", "changing the target of step 3 changes your outputs at "
                   "step 0")
    r = nb02.check_jordan_forward(planted("own target"))
    assert failing(r, "changing the target of step 1 changes your outputs at step 1")
    r = nb02.check_jordan_forward(planted("ignore targets"))
    assert failing(r, "your outputs are the free-running ones", "changes none of them")
    r = nb02.check_jordan_forward(planted("W_yh as (in, out)"))
    assert failing(r, "D = 3, H = 3, O = 3", "right up to step 0 and differ at step 1",
                   "W_yh[j, i]", "no shape error")
    r = nb02.check_jordan_forward(planted("no b_y"))
    assert failing(r, "differ already at step 0", "b_y left out")
    r = nb02.check_jordan_forward(planted("no b_h"))
    assert failing(r, "b_h left out")
    r = nb02.check_jordan_forward(planted("states"))
    assert failing(r, "the states h_t of the cell")
    r = nb02.check_jordan_forward(jordan_feeds_state)
    assert failing(r, "feeds back its state h_{t-1}")

    def nothing_fed_back(params, x, targets=None):
        return jordan(dict(params, W_yh=0 * params["W_yh"]), x)

    assert failing(nb02.check_jordan_forward(nothing_fed_back),
                   "do not change when W_yh changes")

    def states_shape(params, x, targets=None):
        return np.zeros(x.shape[:2] + (params["W_hy"].shape[1],))

    r = nb02.check_jordan_forward(states_shape, cases=[(3, 5, 2, 4, 3)])
    assert failing(r, "shape (3, 5, 4) (the shape of the states h)", "(N, T, O) = (3, 5, 3)")
    r = nb02.check_jordan_forward(lambda p, x, targets=None: jordan(p, x, targets).swapaxes(0, 1),
                                  cases=[(3, 5, 2, 4, 3)])
    assert failing(r, "(time first)")

    def raises_with_targets(params, x, targets=None):
        if targets is not None:
            raise KeyError("targets")
        return jordan(params, x)

    assert failing(nb02.check_jordan_forward(raises_with_targets), "with targets, your code "
                   "raised KeyError")
    assert failing(nb02.check_jordan_forward(lambda p, x, targets=None: "y"), "expected an array")
    assert failing(nb02.check_jordan_forward(lambda p, x, targets=None: jordan(p, x) * np.nan),
                   "not finite")


def two_days(phi1, phi2, mse3, mse4=0.41, weight=0.0):
    return nb02.check_two_days(phi1, phi2, mse3, mse4, weight)


def test_reach_names_one_state_and_counts_the_others():
    """Tries one after the other must not spell out the answer: one state is named."""
    x, w, warm = reach_answers()
    none = np.zeros((N, T), dtype=bool)
    for masks in [(none, w, warm), (~x, w, warm), (x, ~w, warm), (x, w, none)]:
        message = nb02.check_reach(*masks).message
        for part in message.split("; "):
            assert len(re.findall(r"(?<!\w)h\[", part)) <= 1, message


def test_split_kernel_and_jordan_forward_see_inputs_changed_in_place():
    def doubles_kernel(kernel, D):  # right matrices, but the caller's kernel is changed
        kernel *= 2
        return kernel[:D].T / 2, kernel[D:].T / 2

    r = nb02.check_split_kernel(doubles_kernel)
    assert failing(r, "for D = 3, H = 5, your function changed `kernel` in place",
                   "40 of its 40 entries")

    def zeroes_targets(params, x, targets=None):
        y = jordan(params, x, targets)
        if targets is not None:
            targets[:, 0] = 0.0
        return y

    r = nb02.check_jordan_forward(zeroes_targets)
    assert failing(r, "with targets, your function changed `targets` in place",
                   "6 of its 24 entries")

    def scales_weights(params, x, targets=None):
        params["W_hy"] *= 1.0  # touches nothing: not reported
        params["b_y"][0] += 0.0
        return jordan(params, x, targets)

    assert nb02.check_jordan_forward(scales_weights)

    def shifts_input(params, x, targets=None):
        y = jordan(params, x, targets)
        x -= x.mean()
        return y

    assert failing(nb02.check_jordan_forward(shifts_input), "free running, your function "
                   "changed `x` in place")


def test_jordan_forward_in_float32_is_told_apart():
    """float32 outputs agree to about 7 digits; the check says so instead of passing them or
    printing two equal-looking numbers."""
    r = nb02.check_jordan_forward(lambda p, x, targets=None: jordan(p, x, targets)
                                  .astype(np.float32))
    assert failing(r, "free running, your outputs are float32 numbers",
                   "about 7 significant digits", "float64 precision")

    def feeds_without_b_y(params, x, targets=None):  # returns y with b_y, feeds it back without
        n, steps, _ = x.shape
        y, fed = np.zeros((n, steps, len(params["b_y"]))), np.zeros((n, len(params["b_y"])))
        for t in range(steps):
            h = np.tanh(x[:, t] @ params["W_xh"].T + fed @ params["W_yh"].T + params["b_h"])
            y[:, t] = h @ params["W_hy"].T + params["b_y"]
            fed = y[:, t] - params["b_y"] if targets is None else targets[:, t]
        return y

    r = nb02.check_jordan_forward(feeds_without_b_y)
    assert failing(r, "right up to step 0 and differ at step 1", "they match a cell whose "
                   "fed-back output leaves out b_y, while the outputs it returns include it")


def test_two_days_says_what_it_observed():
    assert failing(two_days(0.7, 0.2, 0.5), "MSE(2) = 0.3725", "0.122 °C² more")
    assert failing(two_days(0.1, 0.8, 0.5), "0.0025 °C² more than MSE(1)")
    assert failing(two_days(0, 0.3, 0.27), "MSE(1) = MSE(2)", "0.91 times the series'",
                   "by only 9.0%")
    assert failing(two_days(0, 0.49, 0.31), "by only 24.0%")  # just short of 1/4
    assert failing(two_days(0, 1.0, 0.5), "does not settle", "|phi2| = 1")
    assert failing(two_days(0.5, 0.6, 0.5), "phi1 + phi2 = 1.1")
    assert failing(two_days(-0.5, 0.6, 0.5), "phi2 - phi1 = 1.1")
    assert failing(two_days(0, 0.8, 0.412), "your series is right", "within 1%",
                   "check its digits")
    assert failing(two_days(0, 0.8, 1.64), "divided by the noise variance")
    assert failing(two_days(0, 0.8, 0.82), "divided by the noise's standard deviation")
    assert failing(two_days(0, 0.8, 0.25), "its best 2-day error")
    assert failing(two_days(0, 0.8, 0.45), "0.45 °C² is not its best 3-day error")
    assert failing(two_days(0, 0.8, 0.41, 0.45), "my_mse4 = 0.45 °C² is not its best 4-day")
    assert failing(two_days(0, 0.8, 0.41, 1.64), "my_mse4", "divided by the noise variance")
    assert failing(two_days(0, 0.8, "0.41"), "is text (str)", "without quotes")
    assert failing(two_days(True, 0.8, 0.41), "got a bool")
    assert failing(two_days(0, [0.8, 0.1], 0.41), "one number")
    assert failing(two_days(0, 0.8, float("inf")), "expected a finite number")
    assert failing(two_days(0, 0.8, 0.41, 0.41, np.bool_(False)), "got a bool")


def test_two_days_catches_a_horizon_off_by_one_either_way():
    """With phi1 = 0, psi_3 = 0 and MSE(3) = MSE(4): one horizon alone cannot tell an answer
    that counts one term too many (MSE(3) given as MSE(4)); the pair 3 and 4 can, both ways."""
    best = best_mse(0.0, 0.8, 0.5, 5)  # MSE(1) .. MSE(5)
    assert best[2] == best[3] and best[4] > best[3] and best[1] < best[2]
    up = two_days(0, 0.8, best[3], best[4])  # k + 1 terms for MSE(k)
    assert failing(up, "my_mse4 = 0.5124 is its best 5-day error, not its 4-day error")
    down = two_days(0, 0.8, best[1], best[2])  # k - 1 terms
    assert failing(down, "my_mse3 = 0.25 is its best 2-day error, not its 3-day error")


def test_two_days_checks_what_the_rule_reads_of_its_own_forecast():
    assert failing(two_days(0, 0.8, 0.41, 0.41, 0.8), "your series and its errors are right",
                   "my_own_weight = 0.8 is the weight your rule puts on day t")
    assert failing(two_days(0, 0.8, 0.41, 0.41, 1), "my_own_weight = 1 is not the weight")
    assert failing(two_days(0, 0.8, 0.41, 0.41, ...), "my_own_weight is still `...`")
    assert two_days(1e-9, 0.8, 0.41, 0.41, 0)  # phi1 as good as 0: its weight is as good as 0


def test_two_days_prints_numbers_that_differ_differently():
    r = two_days(0.001, 0.6, 0.34)  # MSE(2) - MSE(1) = 2.5e-7: not printed as 0.25 and 0.25
    assert failing(r, "MSE(2) = 0.2500002 °C², 2.5e-07 °C² more than MSE(1) = 0.25 °C²")
    r = two_days(0, 0.0, 0.25)  # white noise: MSE(1) is the variance itself
    assert failing(r, "is equal to the series' variance") and " 1 of" not in r.message
    r = two_days(0, 0.01, 0.25)
    assert failing(r, "0.9999 times the series' variance")


def test_two_days_hints_follow_the_part_the_answer_reached():
    def hints(*answer):
        text = repr(nb02.check_two_days(*answer, hint=2))
        return text.split("\n  hint: ")[1]

    series = hints(0.7, 0.2, 0.5, 0.5, 0)
    assert "MSE(1) and MSE(2)" in series
    mse = hints(0, 0.8, 0.82, 0.41, 0)
    assert "psi_0, psi_1, psi_2, psi_3" in mse and "in which units" in mse
    assert "MSE(1) and MSE(2)" not in mse
    weight = hints(0, 0.8, 0.41, 0.41, 1)
    assert "its own forecast of day t + 1" in weight and "psi" not in weight


def test_a_pass_says_why_it_works_in_one_line():
    x, w, warm = reach_answers()
    results = [nb02.check_reach(x, w, warm), nb02.check_split_kernel(split_kernel),
               nb02.check_jordan_forward(jordan), nb02.check_two_days(0, 0.8, 0.41, 0.41, 0)]
    words = ["rows of a batch never meet", "each stored (in, out)", "its own guess",
             "multiplies its own 1-day forecast by 0"]
    for result, word in zip(results, words, strict=True):
        text = repr(result)
        assert text.startswith("PASS") and word in text and "\n" not in text
        assert len(text) < 260


# ---------------------------------------------------------------- no answer in any message


def wrong_answers():
    """(check, answer) pairs covering every kind of wrong answer the checks recognise."""
    x, w, warm = reach_answers()
    every, none = np.ones((N, T), dtype=bool), np.zeros((N, T), dtype=bool)
    for masks in [(..., ..., ...), (every, every, every), (none, none, none), (x, every, warm),
                  (x, w, w), (x.T, w, warm), (every, w, warm)]:
        yield nb02.check_reach, masks
    for fn in [stub, lambda k, D: (k[:D], k[D:]), lambda k, D: (k[:D].T, k[D:]),
               lambda k, D: (k[k.shape[1]:].T, k[:k.shape[1]].T), lambda k, D: k.T,
               lambda k, D: (k[:D].T, 2 * k[D:].T)]:
        yield nb02.check_split_kernel, (fn,)
    for mistake in ["wrap", "own target", "ignore targets", "W_yh as (in, out)", "no b_y",
                    "no b_h", "states"]:
        yield nb02.check_jordan_forward, (
            lambda params, x, targets=None, m=mistake: jordan(params, x, targets, m),)
    yield nb02.check_jordan_forward, (jordan_feeds_state,)
    yield nb02.check_jordan_forward, (stub,)
    yield nb02.check_jordan_forward, (
        lambda params, x, targets=None: jordan(params, x, targets).astype(np.float32),)
    for answer in [(..., ..., ...), (0.7, 0.2, 0.5), (0.1, 0.8, 0.41), (0, 0.3, 0.27),
                   (0, 1.0, 0.5), (0.5, 0.6, 0.5), (0, 0.8, 0.412), (0, 0.8, 1.64),
                   (0, 0.8, 0.82), (0, 0.8, 0.25), (0, 0.8, 0.45), (0, 0.8, "0.41"),
                   (0, 0.8, 0.41, 0.5124), (0, 0.8, 0.41, 0.25), (0, 0.8, 0.41, 0.41, 0.8),
                   (0, 0.8, 0.41, 0.41, 1.0), (0.001, 0.6, 0.34), (0, 0.0, 0.25)]:
        yield nb02.check_two_days, answer + (..., ..., ..., 0.41, 0.0)[len(answer):]


# What would give an answer away: its states, its code, its formula, its numbers.
ANSWERS = {
    "check_reach": ["3:", "[:, 0]", "[:, 1:]", "h[2, 3:]", "step 0 of every", "every state",
                    "is zero", "is 0", "= 0 at", "only sequence 2", "from step 3 on"],
    "check_split_kernel": [".T", "[:D]", "[D:]", "kernel[:", "kernel[D", "transpose",
                           "first D rows", "last H rows", "np.", "weights into unit",
                           "weights out of"],
    "check_jordan_forward": ["targets[:, t - 1]", "targets[:, t-1]", "y_prev", "ys[-1]", ".T",
                             "@", "np.", "[-1]"],
    "check_two_days": ["0.41 °C²", "= 0.41,", "1/2", "0.5 ", "phi1 must", "phi1 = 0 ",
                       "psi_1 = phi1", "(1 - phi2", "(1 + phi2", "phi2 ** 2", "phi2^2",
                       "|phi2| >=", "psi_3 = 0", "psi_3 is 0", "MSE(3) = MSE(4)",
                       "by 0", "weight 0"],
}
CODE = ["def ", "return k", "return np", "lambda", "for t in", "np.zeros", "np.ones"]
# A NOT YET message says what it observed; naming the change to make is left to the hints.
FIXES = {
    "check_reach": ["should mark", "instead", "unmark"],
    "check_split_kernel": ["transpose", "swap", "should be", "instead", "use "],
    "check_jordan_forward": ["should read", "instead of", "use ", "read the target"],
    "check_two_days": ["set ", "choose", "should be 0", "should be zero", "make phi"],
}


@pytest.mark.parametrize("check, answer", list(wrong_answers()),
                         ids=lambda v: getattr(v, "__name__", None))
def test_messages_and_hints_give_no_answer(check, answer):
    assert_gives_no_answer(check, answer, ANSWERS[check.__name__] + CODE,
                           FIXES[check.__name__])
