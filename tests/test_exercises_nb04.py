"""Each nb04 exercise check passes right answers, however written, and fails wrong ones with a
message that says what it observed, never the answer."""

import math
import re

import numpy as np
import pytest
from exercise_helpers import assert_gives_no_answer, hint_only_on_request, stub

import rnnlib
from rnnlib.exercises import nb04

# ---------------------------------------------------------------- references, written here

S1, Y1, MASK1 = nb04.pad_batch()
L_M = rnnlib.temporal_softmax_cross_entropy_loss(S1, Y1, MASK1)[0]
LOSS_ALL = (4 * L_M + 2 * math.log(3)) / 6  # 4 real steps, 2 pads of loss ln 3
DS_PAD = [(1 / 3 - 1) / 6, (1 / 3) / 6, (1 / 3) / 6]
FACTOR = 4 / 6


def weighted_ce(scores, labels, weights):
    """Vectorised: log-softmax, index grids, the total weight."""
    w = np.asarray(weights, dtype=float)
    logp = rnnlib.log_softmax(scores)
    n, t = np.indices(labels.shape)
    loss = -(w * logp[n, t, labels]).sum() / w.sum()
    d = np.exp(logp)
    d[n, t, labels] -= 1.0
    return loss, d * (w / w.sum())[:, :, None]


def weighted_ce_loops(scores, labels, weights):
    """Another right way: plain loops over the steps, a max-shifted log-sum-exp."""
    N, T, C = scores.shape
    total = float(np.sum(weights))
    loss, d = 0.0, np.zeros((N, T, C))
    for n in range(N):
        for t in range(T):
            s = scores[n, t] - scores[n, t].max()
            p = np.exp(s) / np.exp(s).sum()
            loss += weights[n, t] * (np.log(np.exp(s).sum()) - s[labels[n, t]]) / total
            d[n, t] = weights[n, t] * (p - np.eye(C)[labels[n, t]]) / total
    return loss, d


def weighted_ce_nonzero(scores, labels, weights):
    """And a third: only the steps of nonzero weight, found with np.nonzero."""
    n, t = np.nonzero(weights)
    w = np.asarray(weights, dtype=float)[n, t]
    logp = scores - scores.max(axis=-1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(axis=-1, keepdims=True))
    loss = -(w * logp[n, t, labels[n, t]]).sum() / w.sum()
    d = np.zeros_like(scores)
    d[n, t] = np.exp(logp[n, t]) * w[:, None] / w.sum()
    d[n, t, labels[n, t]] -= w / w.sum()
    return loss, d


def seq_weights(mask):
    return mask / mask.sum(axis=1, keepdims=True)


def seq_weights_scaled(mask):  # right too: a common factor cancels in the weighted mean
    return np.where(mask, 1.0 / (len(mask) * mask.sum(axis=1, keepdims=True)), 0.0)


def backward_gather(params, x, lengths):
    N, T, _ = x.shape
    t, L = np.arange(T)[None, :], np.asarray(lengths)[:, None]
    order = np.where(t < L, L - 1 - t, t)
    rows = np.arange(N)[:, None]
    h0 = np.zeros((N, len(params["b_h"])))
    h, _ = rnnlib.rnn_forward(x[rows, order], h0, params["W_xh"], params["W_hh"], params["b_h"])
    return h[rows, order]


def backward_per_sequence(params, x, lengths):
    """Another right way: each sequence cut to its length, reversed, run alone; NaN at pads."""
    N, T, _ = x.shape
    H = len(params["b_h"])
    out = np.full((N, T, H), np.nan)
    for n, L in enumerate(lengths):
        h, _ = rnnlib.rnn_forward(x[n:n + 1, :L][:, ::-1], np.zeros((1, H)), params["W_xh"],
                                  params["W_hh"], params["b_h"])
        out[n, :L] = h[0, ::-1]
    return out


def backward_loops(params, x, lengths):
    """And a third: the equation, one step at a time, in plain loops."""
    N, T, _ = x.shape
    H = len(params["b_h"])
    out = np.zeros((N, T, H))
    for n in range(N):
        h = np.zeros(H)
        for t in range(lengths[n] - 1, -1, -1):
            h = np.tanh(params["W_xh"] @ x[n, t] + params["W_hh"] @ h + params["b_h"])
            out[n, t] = h
    return out


def flip_whole(params, x, lengths):  # the usual slip: the padded batch reversed, pads first
    h0 = np.zeros((len(x), len(params["b_h"])))
    h, _ = rnnlib.rnn_forward(x[:, ::-1], h0, params["W_xh"], params["W_hh"], params["b_h"])
    return h[:, ::-1]


def mean_forward(h, lengths):
    real = np.arange(h.shape[1])[None, :] < np.asarray(lengths)[:, None]
    count = real.sum(axis=1)[:, None]
    return (h * real[:, :, None]).sum(axis=1) / count, (real, count)


def mean_backward(dh_mean, cache):
    real, count = cache
    return real[:, :, None] * (dh_mean / count)[:, None, :]


def mean_forward_loops(h, lengths):
    """Another right way: a loop over the rows, a dict for a cache."""
    out = np.stack([h[n, :L].mean(axis=0) for n, L in enumerate(lengths)])
    return out, {"shape": h.shape, "lengths": list(lengths)}


def mean_backward_loops(dh_mean, cache):
    dh = np.zeros(cache["shape"])
    for n, L in enumerate(cache["lengths"]):
        for t in range(L):
            dh[n, t] = dh_mean[n] / L
    return dh


def test_references_agree_with_rnnlib_and_finite_differences():
    """The right answers used below are themselves checked: against rnnlib and against
    rnnlib.check_gradients (float64, centred differences)."""
    L_all, ds_all = rnnlib.temporal_softmax_cross_entropy_loss(S1, Y1)
    _, ds_m = rnnlib.temporal_softmax_cross_entropy_loss(S1, Y1, MASK1)
    assert math.isclose(L_all, LOSS_ALL, rel_tol=1e-12)
    assert np.allclose(ds_all[1, 1], DS_PAD) and np.allclose(ds_all[0, 0] / ds_m[0, 0], FACTOR)
    rng = np.random.default_rng(0)
    s, y = rng.normal(size=(3, 4, 5)), rng.integers(0, 5, size=(3, 4))
    mask = np.arange(4)[None, :] < np.array([[4], [1], [3]])
    lib = rnnlib.temporal_softmax_cross_entropy_loss(s, y, mask)
    w = rng.uniform(0, 2, size=(3, 4)) * mask
    for fn in (weighted_ce, weighted_ce_loops, weighted_ce_nonzero):
        loss, d = fn(s, y, mask)
        assert math.isclose(loss, lib[0], rel_tol=1e-12) and np.allclose(d, lib[1])
        s_chk = s.copy()

        def loss_and_ds(f=fn, s_chk=s_chk):
            loss, d = f(s_chk, y, w)
            return loss, {"s": d}

        assert rnnlib.check_gradients(loss_and_ds, {"s": s_chk})["s"] < rnnlib.GRAD_TOL
    # the sequence weights give the mean over sequences of each one's mean step loss
    per_seq = np.mean([rnnlib.temporal_softmax_cross_entropy_loss(s[n:n + 1, :L], y[n:n + 1, :L])[0]
                       for n, L in enumerate([4, 1, 3])])
    assert math.isclose(weighted_ce(s, y, seq_weights(mask))[0], per_seq, rel_tol=1e-12)
    # the three backward readers agree at the real steps, and differ from the flip
    p = rnnlib.init_rnn_params(2, 3, 2, rng=1)
    p["b_h"] = np.full(3, 0.4)
    lengths = np.array([5, 2, 1])
    x = rng.normal(size=(3, 5, 2)) * (np.arange(5)[None, :, None] < lengths[:, None, None])
    real = np.arange(5)[None, :] < lengths[:, None]
    a, b, c = (f(p, x, lengths)[real] for f in (backward_gather, backward_per_sequence,
                                                 backward_loops))
    assert np.allclose(a, b) and np.allclose(a, c)
    assert not np.allclose(a, flip_whole(p, x, lengths)[real])
    # the mean read's backward pass against finite differences
    h, v = np.tanh(rng.normal(size=(3, 5, 2))), rng.normal(size=(3, 2))
    box = {"h": h}
    for fw, bw in ((mean_forward, mean_backward), (mean_forward_loops, mean_backward_loops)):
        def loss_and_dh(fw=fw, bw=bw):
            m, cache = fw(box["h"], lengths)
            return float(np.sum(v * m)), {"h": bw(v, cache)}
        assert rnnlib.check_gradients(loss_and_dh, box)["h"] < rnnlib.GRAD_TOL


# ---------------------------------------------------------------- right answers pass


def test_right_answers_pass_however_written():
    for answer in [(LOSS_ALL, DS_PAD, FACTOR), (0.617, [-0.111, 0.0556, 0.0556], 0.667),
                   (0.6172, np.array(DS_PAD), 2 / 3), (np.float64(0.617), tuple(DS_PAD), 0.6667),
                   (np.array([0.617]), np.array([DS_PAD]), np.array(0.667))]:
        r = nb04.check_forgotten_mask(*answer)
        assert r and repr(r).startswith("PASS"), repr(r)
    for wce in (weighted_ce, weighted_ce_loops, weighted_ce_nonzero):
        for sw in (seq_weights, seq_weights_scaled):
            r = nb04.check_weighted_loss(wce, sw)
            assert r and repr(r).startswith("PASS"), repr(r)
    for fn in (backward_gather, backward_per_sequence, backward_loops):
        r = nb04.check_backward_states(fn)
        assert r and repr(r).startswith("PASS"), repr(r)
    for fw, bw in ((mean_forward, mean_backward), (mean_forward_loops, mean_backward_loops)):
        r = nb04.check_mean_read(fw, bw)
        assert r and repr(r).startswith("PASS"), repr(r)


HIDDEN = {  # the cases of the source's hidden test cells
    "weights": dict(cases=[([[0.0, 4.0], [1.0, 1.0], [0.5, 0.0]], 5, 7),
                           ([[2.0, 2.0, 2.0, 0.5, 0.0]], 2, 8)],
                    length_cases=[([1, 6, 3], 6), ([2, 2, 2], 3)]),
    "backward": dict(cases=[([3, 5], 7, 9), ([2, 6, 6, 1, 4], 6, 11), ([1], 1, 12)]),
    "mean": dict(cases=[([1, 7, 4], 7, 2, 12), ([3, 3], 6, 5, 13)]),
}


def test_hidden_cases_pass_right_answers_and_catch_what_the_visible_ones_miss():
    assert nb04.check_weighted_loss(weighted_ce, seq_weights, **HIDDEN["weights"])
    assert nb04.check_backward_states(backward_gather, **HIDDEN["backward"])
    assert nb04.check_backward_states(backward_per_sequence, **HIDDEN["backward"])
    assert nb04.check_mean_read(mean_forward_loops, mean_backward_loops, **HIDDEN["mean"])

    def backward_longest(params, x, lengths):  # pads to the longest length, not to T
        T = max(lengths)
        return backward_gather(params, x[:, :T], lengths)

    assert nb04.check_backward_states(backward_longest)  # the visible batch has a full row
    r = nb04.check_backward_states(backward_longest, **HIDDEN["backward"])
    assert not r and "shape" in r.message and "T = 7" in r.message


def test_boundaries_of_lengths_are_tried():
    """Length 1 and length T are in every visible case; T beyond the longest in a hidden one."""
    for lengths, T, _ in nb04.BACKWARD_CASES:
        assert 1 in lengths and T in lengths
    for lengths, T, _, _ in nb04.MEAN_CASES:
        assert 1 in lengths and T in lengths
    assert any(max(c[0]) < c[1] for c in HIDDEN["backward"]["cases"])
    assert any(0.0 in sum(c[0], []) for c in nb04.WEIGHT_CASES)  # a weight of exactly 0


# ---------------------------------------------------------------- stubs and hints

STUB_CALLS = [(nb04.check_forgotten_mask, (..., [..., ..., ...], ...)),
              (nb04.check_weighted_loss, (stub, stub)),
              (nb04.check_backward_states, (stub,)),
              (nb04.check_mean_read, (stub, stub))]


@pytest.mark.parametrize("check, answer", STUB_CALLS, ids=lambda v: getattr(v, "__name__", None))
def test_stubs_fail_with_a_message_and_hints_only_on_request(check, answer):
    r = check(*answer)
    assert not r and repr(r).startswith("NOT YET")
    assert "returned None" in r.message or "is still `...`" in r.message
    assert hint_only_on_request(check, *answer)
    quiet, one, two = (repr(check(*answer, hint=h)) for h in (False, True, 2))
    assert "hint=2 for a stronger one" in quiet
    assert "\n  hint: " in one and "hint 2:" not in one and "(hint=2" in one
    first, second = two.split("\n  hint: ")[1].split("\n  hint 2: ")
    assert first and second and first != second
    with pytest.raises(AssertionError, match="NOT YET"):
        check(*answer).assert_pass()


def test_a_right_answer_gets_no_hint_even_when_asked():
    r = repr(nb04.check_mean_read(mean_forward, mean_backward, hint=2))
    assert r.startswith("PASS") and "hint" not in r


# ---------------------------------------------------------------- exercise 1, diagnosed


def forgotten(*answer):
    r = nb04.check_forgotten_mask(*answer)
    assert not r
    return r.message


def test_forgotten_mask_names_what_the_answer_matches():
    assert "the loss with the mask" in forgotten(L_M, DS_PAD, FACTOR)
    assert "divided by the number of real steps" in forgotten((4 * L_M + 2 * math.log(3)) / 4,
                                                              DS_PAD, FACTOR)
    assert "added up, not averaged" in forgotten(4 * L_M + 2 * math.log(3), DS_PAD, FACTOR)
    assert "each group counting one half" in forgotten((L_M + math.log(3)) / 2, DS_PAD, FACTOR)
    assert "cost nothing" in forgotten(4 * L_M / 6, DS_PAD, FACTOR)
    assert "cost 0.7, their score" in forgotten((4 * L_M + 1.4) / 6, DS_PAD, FACTOR)
    assert "is not the loss rnnlib computes" in forgotten(0.5, DS_PAD, FACTOR)
    assert "6 times the gradient" in forgotten(LOSS_ALL, np.array(DS_PAD) * 6, FACTOR)
    assert "1.5 times the gradient" in forgotten(LOSS_ALL, np.array(DS_PAD) * 1.5, FACTOR)
    assert "opposite sign" in forgotten(LOSS_ALL, -np.array(DS_PAD), FACTOR)
    assert "with the mask" in forgotten(LOSS_ALL, [0, 0, 0], FACTOR)
    assert "class 1's" in forgotten(LOSS_ALL, [DS_PAD[1], DS_PAD[0], DS_PAD[1]], FACTOR)
    assert "as if this step had no label" in forgotten(LOSS_ALL, [1 / 18] * 3, FACTOR)
    assert "is not the gradient rnnlib gives" in forgotten(LOSS_ALL, [-0.2, 0.1, 0.05], FACTOR)
    assert "divided by the one without" in forgotten(LOSS_ALL, DS_PAD, 1 / FACTOR)
    assert "does not change" in forgotten(LOSS_ALL, DS_PAD, 1)
    assert "is not the ratio" in forgotten(LOSS_ALL, DS_PAD, 0.25)
    assert "it should have 3" in forgotten(LOSS_ALL, DS_PAD[:2], FACTOR)
    assert "still contains `...`" in forgotten(LOSS_ALL, [..., 0.1, 0.1], FACTOR)
    assert "one number" in forgotten([LOSS_ALL, LOSS_ALL], DS_PAD, FACTOR)
    assert "got a bool" in forgotten(LOSS_ALL, DS_PAD, True)
    assert "finite" in forgotten(float("nan"), DS_PAD, FACTOR)


CLOSE = [((0.62, DS_PAD, FACTOR), "loss_unmasked = 0.62 is within 1%"),  # two digits
         ((0.618, DS_PAD, FACTOR), "loss_unmasked = 0.618 is within 1%"),  # the third one off
         ((LOSS_ALL, [-0.111, 0.0555, 0.0555], FACTOR), "every entry of ds_pad is within 1%"),
         ((LOSS_ALL, [-0.111, 0.056, 0.056], FACTOR), "every entry of ds_pad is within 1%"),
         ((LOSS_ALL, DS_PAD, 0.666), "real_factor = 0.666 is within 1%"),  # cut, not rounded
         ((LOSS_ALL, DS_PAD, 0.67), "real_factor = 0.67 is within 1%")]


@pytest.mark.parametrize("answer, words", CLOSE, ids=lambda a: str(a)[:30])
def test_an_answer_within_one_percent_is_called_close_not_wrong(answer, words):
    """One rule for all three: three significant digits, rounded, pass; within 1% but not equal
    to three digits is close, and the learner checks its digits."""
    message = forgotten(*answer)
    assert words in message and "check" in message and "digits" in message
    assert "not the" not in message


def test_the_digits_rule_at_its_edges():
    """0.6172... rounds to 0.617; 0.6175 would round up. 1/18 = 0.05555... rounds to 0.0556."""
    assert nb04.check_forgotten_mask(0.6174, DS_PAD, FACTOR)
    assert not nb04.check_forgotten_mask(0.6178, DS_PAD, FACTOR)
    assert nb04.check_forgotten_mask(LOSS_ALL, [-0.1111, 0.05556, 0.05556], FACTOR)
    assert not nb04.check_forgotten_mask(LOSS_ALL, [-0.111, 0.0555, 0.0556], FACTOR)


def test_text_is_not_a_number():
    for answer in [("0.617", DS_PAD, FACTOR), (LOSS_ALL, "-0.111, 0.0556, 0.0556", FACTOR),
                   (LOSS_ALL, DS_PAD, np.str_("0.667")), (np.array(["0.617"]), DS_PAD, FACTOR)]:
        message = forgotten(*answer)
        assert "is text" in message and "without quotes" in message


def test_close_entries_of_ds_pad_are_named():
    """Which entries are off to three digits, so that a learner does not hunt for them."""
    both = forgotten(LOSS_ALL, [-0.111, 0.056, 0.056], FACTOR)
    assert "but ds_pad[1] = 0.056 and ds_pad[2] = 0.056 are not equal" in both
    assert "check their digits" in both
    one = forgotten(LOSS_ALL, [-0.111, 0.0556, 0.056], FACTOR)
    assert "but ds_pad[2] = 0.056 is not equal" in one and "check its digits" in one
    assert "ds_pad[0]" not in one
    assert "has 1 number;" in forgotten(LOSS_ALL, [0.1], FACTOR)
    assert "has 2 numbers;" in forgotten(LOSS_ALL, DS_PAD[:2], FACTOR)


# ---------------------------------------------------------------- exercise 2, diagnosed


def weighted(wce, sw=seq_weights, **kw):
    r = nb04.check_weighted_loss(wce, sw, **kw)
    assert not r
    return r.message


def test_weighted_loss_names_what_the_answer_matches():
    def unscaled(s, y, w):
        loss, d = weighted_ce(s, y, w)
        return loss * np.sum(w), d

    def per_step(s, y, w):
        loss, d = weighted_ce(s, y, w)
        return loss * np.sum(w) / np.size(w), d

    def per_counted(s, y, w):
        loss, d = weighted_ce(s, y, w)
        return loss * np.sum(w) / np.count_nonzero(w), d

    def as_mask(s, y, w):
        return weighted_ce(s, y, np.asarray(w) != 0)

    def sign(s, y, w):
        loss, d = weighted_ce(s, y, w)
        return -loss, d

    assert "not divided by anything" in weighted(unscaled)
    assert "number of steps, N T" in weighted(per_step)
    assert "steps whose weight is not 0" in weighted(per_counted)
    assert "makes no difference" in weighted(as_mask)
    assert "plain mean over all steps" in weighted(
        lambda s, y, w: weighted_ce(s, y, np.ones(w.shape)))
    assert "opposite sign" in weighted(sign)
    assert "a loop over the steps gives" in weighted(
        lambda s, y, w: (1.0, weighted_ce(s, y, w)[1]))


def test_weighted_gradient_mistakes_are_named():
    def keep_loss(grad):
        return lambda s, y, w: (weighted_ce(s, y, w)[0], grad(s, y, w))

    def every_step(s, y, w):  # the gradient of every step, weight 0 or not
        d = weighted_ce(s, y, np.ones(w.shape))[1]
        return d * np.size(w) / np.sum(w)

    assert "not 0 at row 0, step 3, whose weight is 0" in weighted(keep_loss(every_step))
    assert "8.75 times the gradient in every entry" in weighted(
        keep_loss(lambda s, y, w: weighted_ce(s, y, w)[1] * np.sum(w)))
    assert "opposite sign in every entry" in weighted(
        keep_loss(lambda s, y, w: -weighted_ce(s, y, w)[1]))
    assert "plain mean over the steps whose weight is not 0" in weighted(
        keep_loss(lambda s, y, w: weighted_ce(s, y, np.asarray(w) != 0)[1]))

    def unweighted(s, y, w):  # normalised by the total weight, but the weights left out
        d = weighted_ce(s, y, np.asarray(w) != 0)[1]
        return d * np.count_nonzero(w) / np.sum(w)

    assert "whatever the step's weight" in weighted(keep_loss(unweighted))
    assert "differs from its gradient by up to" in weighted(
        keep_loss(lambda s, y, w: weighted_ce(s, y, w)[1] + 0.01 * (np.asarray(w) != 0)[..., None]))
    assert "shape" in weighted(keep_loss(lambda s, y, w: weighted_ce(s, y, w)[1][:, :, 0]))


def test_weighted_loss_catches_masks_and_large_scores():
    def float_only(s, y, w):  # breaks on boolean weights
        if np.asarray(w).dtype == bool:
            raise TypeError("numpy boolean subtract, the `-` operator, is not supported")
        return weighted_ce(s, y, w)

    assert "boolean weights (a mask)" in weighted(float_only)

    def naive(s, y, w):  # log of a softmax computed without subtracting the maximum
        w = np.asarray(w, dtype=float)
        p = np.exp(s) / np.exp(s).sum(axis=-1, keepdims=True)
        n, t = np.indices(y.shape)
        loss = -(w * np.log(p[n, t, y])).sum() / w.sum()
        d = p.copy()
        d[n, t, y] -= 1.0
        return loss, d * (w / w.sum())[:, :, None]

    message = weighted(naive)
    assert "scores of size about 1000" in message and "not a finite" in message or \
        "finite" in message
    assert "a tuple (loss, dscores)" in weighted(lambda s, y, w: weighted_ce(s, y, w)[0])
    assert "raised ZeroDivisionError" in weighted(lambda s, y, w: 1 / 0)


def test_weighted_loss_shows_a_tiny_gap_as_a_gap():
    """A log(p + 1e-8) patch moves the loss by about 1e-8: the message prints enough digits to
    show two different numbers, and the size of the difference."""
    def patched(s, y, w):
        w = np.asarray(w, dtype=float)
        p = rnnlib.softmax(s)
        n, t = np.indices(y.shape)
        d = p.copy()
        d[n, t, y] -= 1.0
        return -(w * np.log(p[n, t, y] + 1e-8)).sum() / w.sum(), d * (w / w.sum())[:, :, None]

    message = weighted(patched)
    yours, loop = re.search(r"your loss is ([\d.]+), a loop over the steps gives ([\d.]+)",
                            message).groups()
    assert yours != loop and "yours differs by 6.3e-08 (relative 4.1e-08)" in message

    def in_float32(s, y, w):
        loss, d = weighted_ce(s, y, w)
        return np.float32(loss), d

    message = weighted(in_float32)
    assert "your loss is a float32 number: it agrees to about 7 significant digits" in message
    assert "this check compares at float64 precision" in message
    r = weighted(lambda s, y, w: (weighted_ce(s, y, w)[0],
                                  weighted_ce(s, y, w)[1].astype(np.float32)))
    assert "the loss is right; the entries of your dscores are float32 numbers" in r
    for factor, said in ((1 + 5e-7, "differs from its gradient by up to"),
                         (1 + 3e-6, "it is 1.000003 times the gradient in every entry")):
        near_one = weighted(lambda s, y, w, f=factor: (weighted_ce(s, y, w)[0],
                                                       weighted_ce(s, y, w)[1] * f))
        assert said in near_one and " 1 times" not in near_one


def test_every_function_of_04_is_caught_changing_its_inputs():
    def shifts_scores(s, y, w):
        s -= s.max(axis=-1, keepdims=True)
        return weighted_ce(s, y, w)

    assert "changed `scores` in place: after the call, 24 of its 24 entries" in weighted(
        shifts_scores)

    def normalises_weights(s, y, w):
        if w.dtype != bool:
            w /= w.sum()
        return weighted_ce(s, y, w)

    assert "changed `weights` in place: after the call, 7 of its 8 entries" in weighted(
        normalises_weights)

    def clears_mask(mask):  # right weights, and the caller's mask emptied
        w = seq_weights(mask)
        mask[:] = False
        return w

    assert ("sequence_weights: for lengths [4, 1, 2] (T = 4) your function changed `mask` in "
            "place: after the call, 7 of its 12 entries") in weighted(weighted_ce, clears_mask)

    def reverses_x(params, x, lengths):  # right states, but the caller's x reversed
        out = backward_gather(params, x, lengths)
        for n, L in enumerate(lengths):
            x[n, :L] = x[n, :L][::-1].copy()
        return out

    assert "changed `x` in place: after the call, 16 of its 40 entries" in backward(reverses_x)

    def masks_h(h, lengths):
        h *= (np.arange(h.shape[1])[None, :] < np.asarray(lengths)[:, None])[:, :, None]
        return mean_forward(h, lengths)

    assert "mean_read_forward: your function changed `h` in place" in mean(masks_h,
                                                                           mean_backward)

    def scales_dh_mean(d, cache):
        d /= cache[1]
        return cache[0][:, :, None] * d[:, None, :]

    message = mean(mean_forward, scales_dh_mean)
    assert message.startswith("h_mean is right; for lengths [5, 3, 1, 2], T = 5, "
                              "mean_read_backward: your function changed `dh_mean` in place")


def test_sequence_weights_say_what_they_observed():
    def msg(sw):
        return weighted(weighted_ce, sw)

    assert "weighted_cross_entropy is right; sequence_weights:" in msg(lambda m: m * 1.0)
    assert "add up to [4, 1, 2]" in msg(lambda m: m * 1.0)  # the mask: per step
    assert "weighs 4 times as much as the row of 1" in msg(lambda m: m * 1.0)
    assert "weighs 16 times" in msg(lambda m: m * m.sum(axis=1, keepdims=True))
    assert "not 0 at padded steps: row 1 (length 1), steps 1-3" in msg(
        lambda m: np.ones(m.shape) / m.sum(axis=1, keepdims=True))
    assert "row 0 get different weights" in msg(lambda m: m * np.arange(1, m.shape[1] + 1))
    assert "negative" in msg(lambda m: -seq_weights(m))
    assert "0 / 0" in msg(lambda m: np.zeros(m.shape))
    assert "inf or nan" in msg(lambda m: np.where(m, np.inf, 0.0))
    assert "shape" in msg(lambda m: seq_weights(m).T)
    assert "returned None" in msg(stub)


# ---------------------------------------------------------------- exercise 3, diagnosed


def backward(fn, **kw):
    r = nb04.check_backward_states(fn, **kw)
    assert not r
    return r.message


def test_backward_states_name_the_slip():
    message = backward(flip_whole)
    assert "right in the rows of length T, but in rows 1 (length 3), 2 (length 1), 3 " in message
    assert "read the row's T - L padded steps (zeros) before the sequence's last" in message
    assert "right in the rows" not in backward(flip_whole, cases=[([3, 5], 7, 9)])

    def unaligned(params, x, lengths):  # reversed reading, states left in reading order
        N, T, _ = x.shape
        t, L = np.arange(T)[None, :], np.asarray(lengths)[:, None]
        rows = np.arange(N)[:, None]
        h0 = np.zeros((N, len(params["b_h"])))
        return rnnlib.rnn_forward(x[rows, np.where(t < L, L - 1 - t, t)], h0, params["W_xh"],
                                  params["W_hh"], params["b_h"])[0]

    assert "in the order they were computed" in backward(unaligned)
    assert "from step T - 1 down to step T - 1 - t, pads included" in backward(
        lambda p, x, L: flip_whole(p, x, L)[:, ::-1])

    def forwards(params, x, lengths):
        h0 = np.zeros((len(x), len(params["b_h"])))
        return rnnlib.rnn_forward(x, h0, params["W_xh"], params["W_hh"], params["b_h"])[0]

    assert "reading each sequence from its first element" in backward(forwards)

    def no_bias(params, x, lengths):
        return backward_gather({**params, "b_h": 0 * params["b_h"]}, x, lengths)

    message = backward(no_bias)
    assert "in rows 0 (length 5), 1 (length 3), 2 (length 1), 3 (length 2)" in message
    assert "the most" in message

    def one_row_wrong(params, x, lengths):
        h = backward_gather(params, x, lengths)
        h[1, 0] += 0.5
        return h

    assert "rows 0, 2, 3 are right; in rows 1 (length 3)" in backward(one_row_wrong)
    assert "(row 1, step 0 the most)" in backward(one_row_wrong)
    assert "shape" in backward(lambda p, x, L: backward_gather(p, x, L)[:, :, :2])
    assert "raised" in backward(lambda p, x, L: p["W_xy"])


def test_the_flip_is_caught_because_the_bias_is_not_zero():
    """With b_h = 0 zero pads keep h = 0, and the flip would pass: the checks' weights have a
    bias, in the visible case and in every hidden one."""
    for _, _, seed in nb04.BACKWARD_CASES + HIDDEN["backward"]["cases"]:
        assert np.all(np.abs(nb04._backward_params(seed)["b_h"]) > 0.3)
    assert not nb04.check_backward_states(flip_whole, **HIDDEN["backward"])


# ---------------------------------------------------------------- exercise 4, diagnosed


def mean(fw, bw, **kw):
    r = nb04.check_mean_read(fw, bw, **kw)
    assert not r
    return r.message


def test_mean_read_forward_says_what_it_observed():
    message = mean(lambda h, L: (h.mean(axis=1), None), mean_backward)
    assert "row 1 (length 3) is not right: it equals the mean over all 5 steps" in message
    assert "rows of length T are right" in message
    assert "its last real step" in mean(lambda h, L: (h[np.arange(len(L)), L - 1], None),
                                        mean_backward)
    message = mean(lambda h, L: (mean_forward(h, L)[0] * L[:, None], None), mean_backward)
    assert "[5, 3, 1, 2] times the mean of the real states" in message
    assert "differs from the mean of its real states by up to" in mean(
        lambda h, L: (mean_forward(h, L)[0] + 0.1 * np.arange(len(L))[:, None], None),
        mean_backward)
    assert "a tuple (h_mean, cache)" in mean(lambda h, L: mean_forward(h, L)[0], mean_backward)
    assert "shape" in mean(lambda h, L: (mean_forward(h, L)[0].T, None), mean_backward)


def test_mean_read_backward_says_what_it_observed():
    def scaled(f):
        return lambda d, c: mean_backward(d, c) * f(c[1])[:, None]

    assert "[5, 3, 1, 2] times the gradient of the mean" in mean(
        mean_forward, scaled(lambda count: count))
    assert "[1, 0.6, 0.2, 0.4] times" in mean(mean_forward, scaled(lambda count: count / 5))

    def every_step(d, cache):  # the pads get a share too
        real, count = cache
        return np.broadcast_to((d / count)[:, None, :], real.shape + d.shape[1:]).copy()

    assert "not 0 at padded steps: row 1 (length 3), steps 3-4" in mean(mean_forward,
                                                                        every_step)

    def last_only(d, cache):  # the gather's backward pass
        real, count = cache
        dh = np.zeros(real.shape + d.shape[1:])
        dh[np.arange(len(d)), count[:, 0] - 1] = d
        return dh

    assert "only step L - 1 of each row gets gradient; in row 0 (length 5) steps 0-3" in mean(
        mean_forward, last_only)
    assert "differs from the gradient of the mean read by up to" in mean(
        mean_forward, lambda d, c: mean_backward(d, c) + 0.01 * c[0][:, :, None])
    assert "h_mean is right" in mean(mean_forward, stub)
    assert "mean_read_backward raised" in mean(mean_forward, lambda d, c: c["lengths"])


# ---------------------------------------------------------------- no answer in any message


def seq_weights_clearing_mask(mask):  # right weights; the caller's mask emptied
    w = seq_weights(mask)
    mask[:] = False
    return w


def weighted_ce_shifting_scores(s, y, w):  # right values; the caller's scores shifted
    s -= s.max(axis=-1, keepdims=True)
    return weighted_ce(s, y, w)


def backward_reversing_x(params, x, lengths):  # right states; the caller's x reversed
    out = backward_gather(params, x, lengths)
    x[:] = x[:, ::-1].copy()
    return out


def wrong_answers():
    """(check, answer) pairs covering every kind of wrong answer the checks recognise."""
    yield nb04.check_forgotten_mask, (..., DS_PAD, FACTOR)
    for loss in [L_M, (4 * L_M + 2 * math.log(3)) / 4, 4 * L_M + 2 * math.log(3),
                 (L_M + math.log(3)) / 2, 4 * L_M / 6, (4 * L_M + 1.4) / 6, 0.5, 0.62]:
        yield nb04.check_forgotten_mask, (loss, DS_PAD, FACTOR)
    for ds in [np.array(DS_PAD) * 6, -np.array(DS_PAD), [0, 0, 0], [1 / 18] * 3,
               [DS_PAD[1], DS_PAD[0], DS_PAD[1]], [-0.2, 0.1, 0.1], [-0.111, 0.056, 0.056]]:
        yield nb04.check_forgotten_mask, (LOSS_ALL, ds, FACTOR)
    for factor in [1.5, 1, 0.25, 0.66]:
        yield nb04.check_forgotten_mask, (LOSS_ALL, DS_PAD, factor)
    yield nb04.check_weighted_loss, (stub, stub)
    for wce in [lambda s, y, w: (weighted_ce(s, y, w)[0] * np.sum(w), weighted_ce(s, y, w)[1]),
                lambda s, y, w: weighted_ce(s, y, np.asarray(w) != 0),
                lambda s, y, w: (weighted_ce(s, y, w)[0], weighted_ce(s, y, w)[1] * 2),
                lambda s, y, w: (weighted_ce(s, y, w)[0], weighted_ce(s, y, np.ones(w.shape))[1])]:
        yield nb04.check_weighted_loss, (wce, seq_weights)
    for sw in [lambda m: m * 1.0, lambda m: m * m.sum(axis=1, keepdims=True),
               lambda m: np.ones(m.shape) / m.sum(axis=1, keepdims=True)]:
        yield nb04.check_weighted_loss, (weighted_ce, sw)
    for fn in [stub, flip_whole, lambda p, x, L: flip_whole(p, x, L)[:, ::-1],
               lambda p, x, L: backward_gather({**p, "b_h": 0 * p["b_h"]}, x, L)]:
        yield nb04.check_backward_states, (fn,)
    yield nb04.check_weighted_loss, (weighted_ce, seq_weights_clearing_mask)
    yield nb04.check_weighted_loss, (weighted_ce_shifting_scores, seq_weights)
    yield nb04.check_backward_states, (backward_reversing_x,)
    yield nb04.check_mean_read, (stub, stub)
    for fw in [lambda h, L: (h.mean(axis=1), None),
               lambda h, L: (mean_forward(h, L)[0] * L[:, None], None)]:
        yield nb04.check_mean_read, (fw, mean_backward)
    for bw in [lambda d, c: mean_backward(d, c) * c[1][:, None],
               lambda d, c: mean_backward(d, c) * c[1][:, None] / 5]:
        yield nb04.check_mean_read, (mean_forward, bw)


# What would give an answer away: its numbers, its formula, its code.
ANSWERS = {
    "check_forgotten_mask": ["0.617", "0.6172", "0.111", "0.1111", "0.0556", "0.0555", "0.667",
                             "0.6667", "2/3", "4/6", "2 / 3", "4 / 6", "1/3", "1 / 3", "1/9",
                             "1/18", "ln 3", "ln(3)", "log(3)", "1.0986", "1.099", "/ 6",
                             "(4 ", "4 L_M", "4 * L_M"],
    "check_weighted_loss": ["w.sum", "/ total", "1 / L", "1/L", "/ lengths", "sum(axis=1",
                            "w / W", "w_{n,t} / W", "p - onehot", "(p -", "mask /", "/ L_n"],
    "check_backward_states": ["L - 1 - t", "L_n - 1 - t", "::-1", "np.where", "[rows, order]",
                              "take_along_axis", "order =", "its own inverse"],
    "check_mean_read": ["/ L", "/ lengths", "/ count", "1/L", "1 / L", "mask.sum", ".mean(",
                        "sum(axis"],
}
CODE = ["np.", "def ", "return loss", "return d", "return h", "return m", "return w", "lambda",
        "math.", "for n in", "range("]


@pytest.mark.parametrize("check, answer", list(wrong_answers()),
                         ids=lambda v: getattr(v, "__name__", None))
def test_messages_and_hints_give_no_answer(check, answer):
    assert_gives_no_answer(check, answer, ANSWERS[check.__name__] + CODE)
