"""Each nb04 exercise check passes a right answer and fails wrong ones with a useful message."""

import numpy as np
from exercise_helpers import failing, hint_only_on_request, stub

from rnnlib.exercises import nb04


def lengths_to_mask(lengths, T):
    return np.arange(T)[None, :] < np.asarray(lengths)[:, None]


def masked_accuracy(scores, labels, mask):
    return (scores.argmax(axis=-1) == labels)[mask].mean()


def masked_loss(scores, labels, mask):
    count = mask.sum()
    shifted = scores - scores.max(axis=-1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    n, t = np.nonzero(mask)
    loss = -logp[n, t, labels[n, t]].sum() / count
    d = np.exp(logp)
    d[n, t, labels[n, t]] -= 1.0
    return loss, d * mask[..., None] / count


def test_right_answers_pass():
    for result in (nb04.check_lengths_to_mask(lengths_to_mask),
                   nb04.check_masked_accuracy(masked_accuracy),
                   nb04.check_masked_loss(masked_loss),
                   nb04.check_sum_vs_mean(5, 14)):
        assert result, repr(result)
        assert repr(result).startswith("PASS")


def test_stubs_fail_with_a_hint():
    assert failing(nb04.check_lengths_to_mask(stub), "returned None")
    assert hint_only_on_request(nb04.check_lengths_to_mask, stub)
    assert failing(nb04.check_masked_accuracy(stub), "returned None")
    assert failing(nb04.check_masked_loss(stub), "returned None")
    assert failing(nb04.check_sum_vs_mean(..., ...), "replace ... with a number")


def test_lengths_to_mask_wrong_answers():
    assert failing(nb04.check_lengths_to_mask(lambda L, T: lengths_to_mask(L, T).astype(int)),
                   "dtype")
    assert failing(nb04.check_lengths_to_mask(lambda L, T: np.arange(T)[None, :] <= L[:, None]),
                   "row 0", "expected [1 1 1 0 0 0]")
    assert failing(nb04.check_lengths_to_mask(lambda L, T: lengths_to_mask(L, T).T), "shape")
    raising = nb04.check_lengths_to_mask(lambda L, T: L.nonexistent)
    assert failing(raising, "raised AttributeError")


def test_masked_accuracy_wrong_answers():
    unmasked = nb04.check_masked_accuracy(lambda s, y, m: (s.argmax(-1) == y).mean())
    assert failing(unmasked, "counts the padded steps")
    wrong_axis = nb04.check_masked_accuracy(lambda s, y, m: (s.argmax(1)[:, :3] == y[:, :3]).mean())
    assert failing(wrong_axis, "expected")


def test_masked_loss_wrong_answers():
    def unmasked(s, y, m):
        return masked_loss(s, y, np.ones_like(m))

    def sum_not_mean(s, y, m):
        loss, d = masked_loss(s, y, m)
        return loss * m.sum(), d * m.sum()

    def gradient_not_masked(s, y, m):
        loss, d = masked_loss(s, y, np.ones_like(m))
        return masked_loss(s, y, m)[0], d

    def naive_log(s, y, m):  # log(softmax) without subtracting the maximum
        p = np.exp(s) / np.exp(s).sum(axis=-1, keepdims=True)
        n, t = np.nonzero(m)
        loss = -np.log(p[n, t, y[n, t]]).sum() / m.sum()
        d = p.copy()
        d[n, t, y[n, t]] -= 1.0
        return loss, d * m[..., None] / m.sum()

    assert failing(nb04.check_masked_loss(unmasked), "counts the padded steps")
    assert failing(nb04.check_masked_loss(sum_not_mean), "mean over the 6 real steps")
    assert failing(nb04.check_masked_loss(gradient_not_masked), "zero at padded steps")
    assert failing(nb04.check_masked_loss(naive_log), "size 1000")
    assert failing(nb04.check_masked_loss(lambda s, y, m: masked_loss(s, y, m)[0]),
                   "tuple (loss, dscores)")


def test_sum_vs_mean_wrong_answers():
    assert failing(nb04.check_sum_vs_mean(1, 14), "factor_for_length_5 = 1")
    assert "T times" not in repr(nb04.check_sum_vs_mean(1, 14, hint=True))  # no answer given
    assert failing(nb04.check_sum_vs_mean(5, 20), "divide_sum_by = 20", "mask is True")
    assert failing(nb04.check_sum_vs_mean(5, 4), "not over N")


def last_step(h, lengths):
    return h[np.arange(h.shape[0]), lengths - 1]


def last_step_back(dh_last, h_shape, lengths):
    dh = np.zeros(h_shape)
    dh[np.arange(h_shape[0]), lengths - 1] = dh_last
    return dh


def test_last_step_right_answer_stub_and_hint():
    result = nb04.check_last_step(last_step, last_step_back)
    assert result and repr(result).startswith("PASS")
    assert failing(nb04.check_last_step(stub, stub), "my_last_step", "returned None")
    assert failing(nb04.check_last_step(last_step, stub), "my_last_step_back", "returned None")
    assert hint_only_on_request(nb04.check_last_step, stub, stub)


def test_last_step_typical_mistakes_are_named():
    assert failing(nb04.check_last_step(lambda h, L: h[:, -1], last_step_back), "h[:, -1]")
    too_late = nb04.check_last_step(lambda h, L: h[np.arange(len(L)), np.minimum(L, 4)],
                                    last_step_back)
    assert failing(too_late, "one step too late")

    def smeared(dh_last, shape, L):  # puts the gradient on every real step
        real = np.arange(shape[1])[None, :, None] < L[:, None, None]  # (N, T, 1)
        return real * dh_last[:, None, :]

    assert failing(nb04.check_last_step(last_step, smeared), "other than lengths[n] - 1")

    def off_by_one(dh_last, shape, L):
        dh = np.zeros(shape)
        dh[np.arange(shape[0]), np.minimum(L, shape[1] - 1)] = dh_last
        return dh

    assert failing(nb04.check_last_step(last_step, off_by_one), "my_last_step_back")
    assert failing(nb04.check_last_step(lambda h, L: h[:, 0], last_step_back), "wrong")


def test_lengths_to_mask_off_by_one_is_named():
    plus = nb04.check_lengths_to_mask(lambda L, T: np.arange(T)[None, :] <= L[:, None])
    assert failing(plus, "one step too many", "numbered from 0")
    minus = nb04.check_lengths_to_mask(lambda L, T: np.arange(T)[None, :] < L[:, None] - 1)
    assert failing(minus, "one step too few")
    assert failing(nb04.check_masked_accuracy(lambda s, y, m: 0.5), "last axis")
