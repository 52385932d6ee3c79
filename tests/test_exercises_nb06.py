"""Each nb06 exercise check passes a right answer and fails wrong ones with a useful message."""

import numpy as np
from exercise_helpers import hint_only_on_request

from rnnlib.exercises import nb06


def one_hot(indices, V):
    out = np.zeros((len(indices), V))
    out[np.arange(len(indices)), indices] = 1.0
    return out


def softmax_t(scores, temperature):
    z = scores / temperature
    e = np.exp(z - z.max())
    return e / e.sum()


def adagrad(param, grad, mem, lr):
    mem += grad * grad
    param -= lr * grad / np.sqrt(mem + 1e-8)


def seq_loss(params, inputs, targets, h0):
    h, loss = h0, 0.0
    for x, y in zip(inputs, targets, strict=True):
        h = np.tanh(params["W_xh"][:, x] + params["W_hh"] @ h + params["b_h"])
        s = params["W_hy"] @ h + params["b_y"]
        loss += np.log(np.exp(s - s.max()).sum()) - (s[y] - s.max())
    return loss, h


def cut_share(T, k):
    return min(1.0, (k - 1) / T)


def test_right_answers_pass():
    assert nb06.check_one_hot(one_hot)
    assert nb06.check_softmax_with_temperature(softmax_t)
    assert nb06.check_adagrad_update(adagrad)
    assert nb06.check_sequence_loss(seq_loss)
    assert nb06.check_cut_share(cut_share)
    assert repr(nb06.check_one_hot(one_hot)).startswith("PASS")


def test_stubs_fail_with_a_message():
    r = nb06.check_one_hot(lambda indices, V: None)
    assert not r and "returned None" in repr(r)
    assert hint_only_on_request(nb06.check_one_hot, lambda indices, V: None)
    assert not nb06.check_softmax_with_temperature(lambda s, t: None)
    assert not nb06.check_adagrad_update(lambda p, g, m, lr: None)
    assert not nb06.check_sequence_loss(lambda *a: None)
    assert not nb06.check_cut_share(lambda T, k: None)
    assert hint_only_on_request(nb06.check_cut_share, lambda T, k: None)
    assert hint_only_on_request(nb06.check_adagrad_update, lambda p, g, m, lr: None)


def test_no_message_spells_out_code():
    """A NOT YET message says what is wrong, never the line to write (item: hints on request)."""
    stub_results = [nb06.check_one_hot(lambda i, V: None),
                    nb06.check_softmax_with_temperature(lambda s, t: None),
                    nb06.check_adagrad_update(lambda p, g, m, lr: None),
                    nb06.check_sequence_loss(lambda *a: None),
                    nb06.check_cut_share(lambda T, k: None)]
    for r in stub_results:
        text = repr(r)
        assert not r and "hint:" not in text
        for code in ("+=", "-=", "np.", "sqrt(", "min("):
            assert code not in text, (code, text)


def test_cut_share_known_values_and_typical_mistakes():
    # by hand: T = 12, k = 6 -> offsets 7..11 of 12 are cut; T = 3 < k - 1 -> all are cut
    assert nb06.check_cut_share(lambda T, k: {(12, 6): 5 / 12}.get((T, k), cut_share(T, k)))
    r = nb06.check_cut_share(lambda T, k: min(1.0, k / T))      # off by one
    assert not r and "k - 1 steps after" in repr(r)
    r = nb06.check_cut_share(lambda T, k: (k - 1) / T)          # no cap at 1
    assert not r and "cannot exceed 1" in repr(r)
    r = nb06.check_cut_share(lambda T, k: 1 - (k - 1) / T)      # the share kept, not cut
    assert not r and "expected 0.4167" in repr(r)
    r = nb06.check_cut_share(lambda T, k: min(1.0, (k - 1) / T) if T > 1 else 0.5)   # T = 1
    assert not r and "T = 1" in repr(r)


def test_wrong_answers_fail_with_specific_messages():
    r = nb06.check_one_hot(lambda ix, V: one_hot(ix, V).T)
    assert not r and "shape" in repr(r)
    r = nb06.check_softmax_with_temperature(lambda s, t: softmax_t(s * t, 1.0))
    assert not r and "temperature 0.5" in repr(r)
    r = nb06.check_softmax_with_temperature(
        lambda s, t: np.exp(s / t) / np.exp(s / t).sum())
    assert not r and "overflow" in repr(r)

    def old_mem(param, grad, mem, lr):  # uses the memory before adding grad^2
        param -= lr * grad / np.sqrt(mem + 1e-8)
        mem += grad * grad
    r = nb06.check_adagrad_update(old_mem)
    assert not r and "after this step's update" in repr(r)

    def eps_outside(param, grad, mem, lr):  # PyTorch's variant
        mem += grad * grad
        param -= lr * grad / (np.sqrt(mem) + 1e-8)
    r = nb06.check_adagrad_update(eps_outside)
    assert not r and "outside the square root" in repr(r)

    def returns_new(param, grad, mem, lr):  # right numbers, but new arrays
        mem = mem + grad * grad
        return param - lr * grad / np.sqrt(mem + 1e-8)
    r = nb06.check_adagrad_update(returns_new)
    assert not r and "passed in" in repr(r)

    def no_memory(param, grad, mem, lr):  # memory updated, step ignores it (plain SGD)
        mem += grad * grad
        param -= lr * grad
    r = nb06.check_adagrad_update(no_memory)
    assert not r and "wrong amount" in repr(r)

    def mean_loss(params, inputs, targets, h0):
        loss, h = seq_loss(params, inputs, targets, h0)
        return loss / len(inputs), h
    r = nb06.check_sequence_loss(mean_loss)
    assert not r and "SUM" in repr(r)
    r = nb06.check_sequence_loss(lambda p, x, y, h0: seq_loss(p, x, y, np.zeros_like(h0)))
    assert not r and "carried state" in repr(r)

    r = nb06.check_sequence_loss(lambda p, x, y, h0: (seq_loss(p, x, y, h0)[0], h0))
    assert not r and "h_last is not" in repr(r)

    def raises(*args):
        raise IndexError("boom")
    r = nb06.check_sequence_loss(raises)
    assert not r and "IndexError" in repr(r)
