"""Checks for the exercises of notebook 04 (many-to-many RNNs, padding and masks).

Each check calls the learner's function on fixed inputs and compares with an answer computed
here independently, with plain Python loops over sequences and steps.
"""

import math

import numpy as np

from ._common import returned_nothing, run_check


def check_lengths_to_mask(fn, hint=False):
    """Exercise 1: fn(lengths, T) -> (N, T) booleans, True where t < lengths[n]."""
    lengths, T = np.array([3, 1, 5, 2]), 6
    expected = np.array([[t < L for t in range(T)] for L in lengths])

    def check():
        got = fn(lengths, T)
        if (msg := returned_nothing(got, "an (N, T) boolean array")):
            return False, msg
        got = np.asarray(got)
        if got.shape != expected.shape:
            return False, f"shape {got.shape}, expected (len(lengths), T) = {expected.shape}"
        if got.dtype != bool:
            return False, f"dtype {got.dtype}, expected bool (use a comparison such as <)"
        if not np.array_equal(got, expected):
            rows = [i for i in range(len(lengths)) if not np.array_equal(got[i], expected[i])]
            msg = (f"row {rows[0]} (length {lengths[rows[0]]}) is "
                   f"{got[rows[0]].astype(int)}, expected {expected[rows[0]].astype(int)}")
            if got.sum(axis=1).tolist() == [min(L + 1, T) for L in lengths]:
                msg += "; one step too many per row: steps are numbered from 0"
            elif got.sum(axis=1).tolist() == [L - 1 for L in lengths]:
                msg += "; one step too few per row: step lengths[n] - 1 is still real"
            return False, msg
        return True, "True exactly on the first lengths[n] steps of each row"
    return run_check(hint, "lengths_to_mask", check,
                     hint="compare a row of time indices with a column of lengths and let "
                          "broadcasting build the grid")


def _accuracy_case():
    rng = np.random.default_rng(40)
    scores = rng.normal(size=(3, 4, 3))
    labels = rng.integers(0, 3, size=(3, 4))
    mask = np.array([[1, 1, 1, 0], [1, 0, 0, 0], [1, 1, 1, 1]], dtype=bool)
    labels[~mask] = np.argmax(scores[~mask], axis=-1)  # pads predicted "right": must not count
    right = total = 0
    for n in range(3):
        for t in range(4):
            if mask[n, t]:
                total += 1
                right += int(max(range(3), key=lambda k, n=n, t=t: scores[n, t, k]) == labels[n, t])
    return scores, labels, mask, right / total


def check_masked_accuracy(fn, hint=False):
    """Exercise 2: fn(scores, labels, mask) -> fraction of masked-in steps predicted right."""
    scores, labels, mask, expected = _accuracy_case()

    def check():
        got = fn(scores, labels, mask)
        if (msg := returned_nothing(got, "a number between 0 and 1")):
            return False, msg
        got = float(got)
        if math.isclose(got, ((scores.argmax(-1) == labels).mean()), rel_tol=1e-12):
            return False, f"you gave {got:.4f}, which counts the padded steps too"
        if not math.isclose(got, expected, rel_tol=1e-12):
            return False, (f"you gave {got:.4f}, expected {expected:.4f}: take the argmax over "
                           "the last axis (the classes), compare with the labels, and divide "
                           "by the number of masked-in steps")
        return True, f"{expected:.4f} of the real steps are right"
    return run_check(hint, "masked_accuracy", check,
                     hint="find the predicted class at every step, compare with the labels,"
                          " and average only where the mask is True")


def _loss_reference(scores, labels, mask):
    N, T, C = scores.shape
    count = int(mask.sum())
    loss, d = 0.0, np.zeros_like(scores)
    for n in range(N):
        for t in range(T):
            if not mask[n, t]:
                continue
            s = scores[n, t]
            m = max(s)
            lse = m + math.log(sum(math.exp(v - m) for v in s))
            loss += (lse - s[labels[n, t]]) / count
            for k in range(C):
                d[n, t, k] = (math.exp(s[k] - lse) - (k == labels[n, t])) / count
    return loss, d


def check_masked_loss(fn, hint=False):
    """Exercise 3: fn(scores, labels, mask) -> (mean CE over masked-in steps, dscores)."""
    rng = np.random.default_rng(41)
    scores = rng.normal(size=(2, 4, 3))
    labels = rng.integers(0, 3, size=(2, 4))
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 1]], dtype=bool)
    exp_loss, exp_d = _loss_reference(scores, labels, mask)
    big = scores * 1000.0
    big_loss, big_d = _loss_reference(big, labels, mask)

    def check():
        got = fn(scores.copy(), labels, mask)
        if (msg := returned_nothing(got, "a tuple (loss, dscores)")):
            return False, msg
        if not isinstance(got, tuple) or len(got) != 2:
            return False, "return a tuple (loss, dscores)"
        loss, d = float(got[0]), np.asarray(got[1], dtype=np.float64)
        unmasked, _ = _loss_reference(scores, labels, np.ones_like(mask))
        if math.isclose(loss, unmasked, rel_tol=1e-9):
            return False, f"loss {loss:.4f} counts the padded steps; expected {exp_loss:.4f}"
        if not math.isclose(loss, exp_loss, rel_tol=1e-9):
            return False, f"loss {loss:.4f}, expected {exp_loss:.4f} (mean over the 6 real steps)"
        if d.shape != scores.shape:
            return False, f"dscores has shape {d.shape}, expected {scores.shape}"
        if np.any(d[~mask] != 0):
            return False, "dscores must be exactly zero at padded steps"
        if not np.allclose(d, exp_d, rtol=1e-7, atol=1e-12):
            return False, "loss is right but dscores is not (p - onehot) / (number of real steps)"
        with np.errstate(all="ignore"):
            got_big = fn(big.copy(), labels, mask)
        if not (np.isfinite(float(got_big[0])) and np.all(np.isfinite(got_big[1]))):
            return False, "scores of size 1000 give inf or NaN: subtract the maximum score first"
        if not (math.isclose(float(got_big[0]), big_loss, rel_tol=1e-9)
                and np.allclose(got_big[1], big_d, atol=1e-12)):
            return False, "wrong for large scores: use the log-sum-exp form, not log(softmax)"
        return True, f"loss {exp_loss:.4f}, gradient right and zero at the pads, stable"
    return run_check(hint, "masked_loss", check,
                     hint="average over the steps that count, not over all N * T; padded "
                          "steps get no gradient at all")


def check_sum_vs_mean(factor_for_length_5, divide_sum_by, hint=False):
    """Exercise 4: the gradient of a sum of 5 step losses is 5 x that of their mean; 14 steps."""
    def check():
        for name, value in (("factor_for_length_5", factor_for_length_5),
                            ("divide_sum_by", divide_sum_by)):
            if value is None or value is Ellipsis:
                return False, f"{name}: replace ... with a number"
        if not math.isclose(float(factor_for_length_5), 5.0):
            return False, (f"factor_for_length_5 = {factor_for_length_5}: write the printed "
                           "mean as a constant times the sum of the 5 step losses, then compare "
                           "the two gradients")
        if not math.isclose(float(divide_sum_by), 14.0):
            return False, (f"divide_sum_by = {divide_sum_by}: rnnlib averages over the steps "
                           "where the mask is True, not over N or N*T")
        return True, "the sum's gradient is T times the mean's; rnnlib divides by mask.sum()"
    return run_check(hint, "sum_vs_mean", check,
                     hint="the mean of T numbers is their sum times a constant; gradients "
                          "scale by the same constant")


def _shape_problem(fn_name, got, shape, spec):
    """What is wrong with a returned array's presence or shape, or None."""
    if (msg := returned_nothing(got, f"an {spec} array")):
        return f"{fn_name}: {msg}"
    if np.shape(got) != shape:
        return f"{fn_name}: shape {np.shape(got)}, expected {spec} = {shape}"
    return None


def check_last_step(forward, backward, hint=False):
    """Exercise 5: forward(h, lengths) -> (N, H) gather; backward(dh_last, h_shape, lengths)."""
    rng = np.random.default_rng(45)
    h = rng.normal(size=(4, 5, 3))
    cases = (np.array([5, 1, 3, 5]), np.array([1, 1, 1, 1]), np.array([5, 5, 5, 5]))

    def check():
        for lengths in cases:
            want = np.stack([h[n, lengths[n] - 1] for n in range(4)])  # a plain loop
            dh_last = rng.normal(size=(4, 3))
            want_dh = np.zeros_like(h)
            for n in range(4):
                want_dh[n, lengths[n] - 1] = dh_last[n]
            got = forward(h.copy(), lengths)
            if (msg := _shape_problem("my_last_step", got, want.shape, "(N, H)")):
                return False, msg
            if not np.array_equal(got, want):
                msg = f"my_last_step is wrong for lengths {lengths.tolist()}"
                if np.array_equal(got, h[:, -1]):
                    msg += ": that is h[:, -1], the state after the padding"
                elif np.array_equal(got, h[np.arange(4), np.minimum(lengths, 4)]):
                    msg += ": one step too late (steps are numbered from 0)"
                return False, msg
            got_dh = backward(dh_last.copy(), h.shape, lengths)
            if (msg := _shape_problem("my_last_step_back", got_dh, h.shape, "(N, T, H)")):
                return False, msg
            if not np.array_equal(got_dh, want_dh):
                where = ("steps other than lengths[n] - 1 get gradient"
                         if np.any(got_dh[want_dh == 0])
                         else "the gradient is not at step lengths[n] - 1 of each row")
                return False, f"my_last_step_back is wrong for lengths {lengths.tolist()}: {where}"
        return True, "gather and scatter agree with a loop, including lengths 1 and T"
    return run_check(hint, "last_step", check,
                     hint="index the rows and the steps together, with one array for each "
                          "axis; the backward pass writes into zeros in the same way")
