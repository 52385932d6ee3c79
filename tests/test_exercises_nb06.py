"""Each nb06 exercise check passes right answers, however written, and fails wrong ones with a
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

import rnnlib
from rnnlib.exercises import nb06

# ---------------------------------------------------------------- references, written here


def zero_gradients(inputs, targets, V):
    return set(range(V)) - set(inputs), set()


def zero_gradients_masks(inputs, targets, V):  # another right way: boolean masks
    return ~np.isin(np.arange(V), inputs), np.zeros(V, dtype=bool)


def zero_gradients_lists(inputs, targets, V):  # and a third: sorted lists
    return [c for c in range(V) if c not in inputs], []


def step_losses(params, inputs, targets, state, mistake=None):
    """Per-step -log p(target) by column lookups; ``mistake`` switches on a usual one."""
    h, out = (np.zeros_like(state) if mistake == "zeros" else state), []
    for x, y in zip(inputs, targets, strict=True):
        before = h
        h = np.tanh(params["W_xh"][:, x] + params["W_hh"] @ h + params["b_h"])
        s = params["W_hy"] @ (before if mistake == "lag" else h) + params["b_y"]
        s = s - s.max()
        out.append(np.log(np.exp(s).sum()) - s[x if mistake == "inputs" else y])
    losses = np.array(out)
    if mistake == "bits":
        losses = losses / np.log(2)
    if mistake == "cumsum":
        losses = np.cumsum(losses)
    if mistake == "sign":
        losses = -losses
    return losses, (state if mistake == "same state" else h)


def step_losses_one_hot(params, inputs, targets, state):  # one-hot products, all at once
    V = params["W_xh"].shape[1]
    X = np.eye(V)[inputs]  # (T, V)
    hs, h = [], state
    for x in X:
        h = np.tanh(params["W_xh"] @ x + params["W_hh"] @ h + params["b_h"])
        hs.append(h)
    S = np.array(hs) @ params["W_hy"].T + params["b_y"]  # (T, V)
    logp = S - S.max(axis=1, keepdims=True)
    logp -= np.log(np.exp(logp).sum(axis=1, keepdims=True))
    return list(-logp[np.arange(len(targets)), targets]), h  # the losses as a list


def step_losses_rnnlib(params, inputs, targets, state):  # the library, which is ruled out
    scores, last = rnnlib.char_rnn_scores(params, np.asarray(inputs)[None], state[None])
    logp = rnnlib.log_softmax(scores[0])
    return -logp[np.arange(len(targets)), targets], last[0]


def step_losses_float32(params, inputs, targets, state):  # a loss per step kept in float32
    losses = np.zeros(len(inputs), dtype=np.float32)
    losses[:], h = step_losses(params, inputs, targets, state)
    return losses, h


def rmsprop(param, grad, mem, lr, beta, eps=1e-8):
    mem *= beta
    mem += (1 - beta) * grad * grad
    param -= lr * grad / np.sqrt(mem + eps)


def rmsprop_slices(param, grad, mem, lr, beta, eps=1e-8):  # another right way
    mem[:] = beta * mem + (1 - beta) * grad**2
    param[:] = param - lr * grad / np.sqrt(mem + eps)


def rmsprop_loops(param, grad, mem, lr, beta, eps=1e-8):  # and entry by entry
    for i in np.ndindex(param.shape):
        mem[i] = beta * mem[i] + (1 - beta) * grad[i] ** 2
        param[i] -= lr * grad[i] / math.sqrt(mem[i] + eps)


def _sum(param, grad, mem, lr, beta, eps=1e-8):  # AdaGrad's memory
    mem += grad * grad
    param -= lr * grad / np.sqrt(mem + eps)


def _swapped(param, grad, mem, lr, beta, eps=1e-8):
    mem[:] = (1 - beta) * mem + beta * grad * grad
    param -= lr * grad / np.sqrt(mem + eps)


def _fixed_beta(param, grad, mem, lr, beta, eps=1e-8):
    mem[:] = 0.9 * mem + 0.1 * grad * grad
    param -= lr * grad / np.sqrt(mem + eps)


def _no_square(param, grad, mem, lr, beta, eps=1e-8):
    mem[:] = beta * mem + (1 - beta) * grad
    param -= lr * grad / np.sqrt(np.abs(mem) + eps)


def _eps_outside(param, grad, mem, lr, beta, eps=1e-8):  # PyTorch's variant
    rmsprop(param, grad, mem, lr, beta, eps=0.0)
    param += lr * grad / np.sqrt(mem) - lr * grad / (np.sqrt(mem) + eps)


def _old_memory(param, grad, mem, lr, beta, eps=1e-8):
    param -= lr * grad / np.sqrt(mem + eps)
    mem[:] = beta * mem + (1 - beta) * grad * grad


def _no_sqrt(param, grad, mem, lr, beta, eps=1e-8):
    mem[:] = beta * mem + (1 - beta) * grad * grad
    param -= lr * grad / (mem + eps)


def _new_arrays(param, grad, mem, lr, beta, eps=1e-8):  # right numbers, lost on return
    mem = beta * mem + (1 - beta) * grad * grad
    return param - lr * grad / np.sqrt(mem + eps), mem


def _param_only(param, grad, mem, lr, beta, eps=1e-8):  # a new local mem, the step in place
    mem = beta * mem + (1 - beta) * grad * grad
    param -= lr * grad / np.sqrt(mem + eps)


def _mem_only(param, grad, mem, lr, beta, eps=1e-8):  # the memory in place, a new param
    mem[:] = beta * mem + (1 - beta) * grad * grad
    return param - lr * grad / np.sqrt(mem + eps)


RMS_MISTAKES = {"sum": _sum, "swapped": _swapped, "fixed beta": _fixed_beta,
                "no square": _no_square, "eps outside": _eps_outside, "old memory": _old_memory,
                "no sqrt": _no_sqrt, "new arrays": _new_arrays, "param only": _param_only,
                "mem only": _mem_only}


def top_p(probs, top_p):
    order = np.argsort(probs)[::-1]
    count = np.searchsorted(np.cumsum(probs[order]), top_p) + 1
    out = np.zeros_like(probs)
    out[order[:count]] = probs[order[:count]]
    return out / out.sum()


def top_p_loop(probs, top_p):  # another right way: a loop over the sorted characters
    kept, total = [], 0.0
    for i in sorted(range(len(probs)), key=lambda i: -probs[i]):
        if total >= top_p:
            break
        kept.append(i)
        total += probs[i]
    out = [probs[i] / total if i in kept else 0.0 for i in range(len(probs))]
    return out


def top_p_mask(probs, top_p):  # and a third: a threshold on the probabilities
    ranked = np.sort(probs)[::-1]
    cutoff = ranked[np.argmax(np.cumsum(ranked) >= top_p)] if ranked.sum() >= top_p else 0.0
    out = np.where(probs >= cutoff, probs, 0.0)
    return out / out.sum()


def top_p_right_side(probs, top_p):  # keeps one too many when a total equals top_p exactly
    order = np.argsort(probs)[::-1]
    count = min(len(probs), np.searchsorted(np.cumsum(probs[order]), top_p, side="right") + 1)
    out = np.zeros_like(probs)
    out[order[:count]] = probs[order[:count]]
    return out / out.sum()


def top_p_exceeds(probs, top_p):  # stops only once the total exceeds top_p: the same slip
    kept, total = [], 0.0
    for i in sorted(range(len(probs)), key=lambda i: -probs[i]):
        kept.append(i)
        total += probs[i]
        if total > top_p:
            break
    out = np.zeros(len(probs))
    out[kept] = np.asarray(probs)[kept]
    return out / out.sum()


def test_references_match_an_independent_computation():
    """The right answers used below agree with rnnlib and with values worked out by hand."""
    rng = np.random.default_rng(0)
    V, H = 6, 5
    params = rnnlib.init_char_rnn_params(V, hidden_size=H, rng=1, init_scale=0.5)
    inputs, targets = np.array([0, 2, 2, 5, 1]), np.array([2, 2, 5, 1, 3])
    state = rng.normal(0, 0.5, H)
    loss, grads, last = rnnlib.char_rnn_loss(params, inputs[None], targets[None], state[None])
    zero_xh, zero_hy = zero_gradients(list(inputs), list(targets), V)
    assert zero_xh == {c for c in range(V) if not grads["W_xh"][:, c].any()} == {3, 4}
    assert zero_hy == {c for c in range(V) if not grads["W_hy"][c].any()} == set()
    losses, h = step_losses(params, inputs, targets, state)
    assert math.isclose(losses.sum(), loss, rel_tol=1e-12) and np.allclose(h, last[0])
    p, m = np.array([1.0]), np.array([0.5])  # by hand: m = 0.8 * 0.5 + 0.2 * 4 = 1.2
    rmsprop(p, np.array([2.0]), m, 0.1, 0.8)
    assert np.allclose(m, 1.2) and np.allclose(p, 1.0 - 0.2 / math.sqrt(1.2 + 1e-8))
    probs = np.array([0.05, 0.40, 0.10, 0.30, 0.15])  # by hand: 0.4 + 0.3 + 0.15 >= 0.8
    assert np.allclose(top_p(probs, 0.8), np.array([0, 0.4, 0, 0.3, 0.15]) / 0.85)


# Exercise 4's four step sizes, worked out by hand: lr / sqrt(k) and lr / sqrt(1 - 0.9^k).
STEPS = (0.1 / 2, 0.1 / 10, 0.1 / math.sqrt(1 - 0.9**4), 0.1 / math.sqrt(1 - 0.9**100))


# ---------------------------------------------------------------- right answers pass


def test_right_answers_pass_however_written():
    results = [nb06.check_zero_gradients(zero_gradients),
               nb06.check_zero_gradients(zero_gradients_masks),
               nb06.check_zero_gradients(zero_gradients_lists),
               nb06.check_step_losses(step_losses),
               nb06.check_step_losses(step_losses_one_hot),
               nb06.check_step_losses(step_losses_float32),
               nb06.check_rmsprop_update(rmsprop),
               nb06.check_rmsprop_update(rmsprop_slices),
               nb06.check_rmsprop_update(rmsprop_loops),
               nb06.check_step_sizes(*STEPS, False),
               nb06.check_step_sizes(0.05, 0.01, 0.171, 0.1, False),  # 3 significant digits
               nb06.check_step_sizes(0.05, 0.0100, 0.1705, 0.10000, np.bool_(False)),  # or more
               nb06.check_step_sizes(*(np.float64(s) for s in STEPS), False),
               nb06.check_top_p(top_p),
               nb06.check_top_p(top_p_loop),
               nb06.check_top_p(top_p_mask)]
    for result in results:
        assert result, repr(result)
        assert repr(result).startswith("PASS")
        assert result.assert_pass() is None


HIDDEN = {  # the cases of the source's hidden tests
    "zero": [([7, 1, 1, 6, 0], [1, 1, 6, 0, 3], 8), ([2], [5], 8), ([3, 0, 3], [0, 3, 0], 4)],
    "steps": [(7, 3, 9, 11), (4, 6, 2, 12)],
    "rms": [(0.9, 0.01), (0.99, 0.2)],
    "top_p": [([0.5, 0.3, 0.2], 1.0), ([0.01, 0.97, 0.01, 0.01], 0.9),
              ([0.12, 0.03, 0.25, 0.08, 0.3, 0.02, 0.2], 0.5),
              ([0.12, 0.03, 0.25, 0.08, 0.3, 0.02, 0.2], 0.9)],
}


def test_hidden_cases_are_checked_too():
    assert nb06.check_zero_gradients(zero_gradients, cases=HIDDEN["zero"])
    assert nb06.check_step_losses(step_losses, cases=HIDDEN["steps"])
    assert nb06.check_rmsprop_update(rmsprop, cases=HIDDEN["rms"])
    for answer in (top_p, top_p_loop, top_p_mask):
        assert nb06.check_top_p(answer, cases=HIDDEN["top_p"])

    def fitted(probs, p):  # right on the visible cases only
        seen = [(np.array(c), t) for c, t in nb06.TOP_P_CASES]
        if any(np.array_equal(probs, c) and p == t for c, t in seen):
            return top_p(probs, p)
        return probs

    assert nb06.check_top_p(fitted)
    assert not nb06.check_top_p(fitted, cases=HIDDEN["top_p"])

    def two_steps_at_least(params, inputs, targets, state):  # breaks at a chunk of 2 steps
        if len(inputs) == 2:
            raise IndexError("index 2 is out of bounds")
        return step_losses(params, inputs, targets, state)

    assert nb06.check_step_losses(two_steps_at_least)
    r = nb06.check_step_losses(two_steps_at_least, cases=HIDDEN["steps"])
    assert not r and "chunk of 2 steps your code raised IndexError" in r.message

    def only_these_chars(inputs, targets, V):  # assumes V = 6
        return set(range(6)) - set(inputs), set()

    assert nb06.check_zero_gradients(only_these_chars)
    assert not nb06.check_zero_gradients(only_these_chars, cases=HIDDEN["zero"])


# ---------------------------------------------------------------- stubs and hints


def test_stubs_fail_with_a_message_and_hints_only_on_request():
    for check in (nb06.check_zero_gradients, nb06.check_step_losses, nb06.check_top_p):
        r = check(stub)
        assert not r and repr(r).startswith("NOT YET") and "returned None" in r.message
        assert hint_only_on_request(check, stub)
    r = nb06.check_rmsprop_update(stub)
    assert not r and "changed neither of the arrays" in r.message
    assert hint_only_on_request(nb06.check_rmsprop_update, stub)
    r = nb06.check_step_sizes(..., ..., ..., ..., ...)
    assert not r and "ada_4 is still `...`" in r.message
    assert hint_only_on_request(nb06.check_step_sizes, ..., ..., ..., ..., ...)
    with pytest.raises(AssertionError, match="NOT YET top_p: your function returned None"):
        nb06.check_top_p(stub).assert_pass()


def test_a_second_hint_goes_further_and_only_when_asked():
    for check, answer in [(nb06.check_zero_gradients, (stub,)),
                          (nb06.check_step_losses, (stub,)),
                          (nb06.check_rmsprop_update, (stub,)),
                          (nb06.check_step_sizes, (0.1, 0.1, 0.1, 0.1, False)),
                          (nb06.check_step_sizes, (*STEPS, True)),
                          (nb06.check_top_p, (stub,))]:
        assert_second_hint_goes_further(check, *answer)


# ---------------------------------------------------------------- wrong answers, diagnosed


def test_zero_gradients_says_what_it_observed():
    def msg(fn):
        r = nb06.check_zero_gradients(fn)
        assert not r
        return r.message

    not_targets = msg(lambda i, t, V: (set(range(V)) - set(t), set()))
    assert not_targets.startswith("dW_xh: for inputs [0, 2, 2, 5] and targets [2, 2, 5, 1]")
    assert "your answer has column 0 as zero, but the gradient has entries up to" in not_targets
    assert "column 1 is exactly zero and not in your answer" in not_targets
    neither = msg(lambda i, t, V: (set(range(V)) - set(i) - set(t), set()))
    assert "column 1 is exactly zero" in neither and "your answer has" not in neither
    rows = msg(lambda i, t, V: (set(range(V)) - set(i), set(range(V)) - set(t)))
    assert rows.startswith("the columns of dW_xh are right in every case; dW_hy:")
    assert "your answer has row 0 and 2 more as zero" in rows
    unused_rows = msg(lambda i, t, V: (set(range(V)) - set(i), set(range(V)) - set(i) - set(t)))
    assert "your answer has row 3 and 1 more as zero" in unused_rows
    flipped = msg(lambda i, t, V: (set(i), set()))
    assert "the columns in your answer are exactly the ones whose gradient is not zero" in flipped
    for answer in [lambda i, t, V: (set(), set()), lambda i, t, V: (set(range(V)), set()),
                   lambda i, t, V: (set(range(V)) - set(i), set(range(V)))]:
        for part in msg(answer).split("; "):  # one index named, the others only counted
            assert len(set(re.findall(r"(?:column|row) \d", part))) <= 1, part
    assert "should hold character indices" in msg(lambda i, t, V: ({"a"}, set()))
    assert "outside 0 to 5" in msg(lambda i, t, V: ({6}, set()))
    assert "a mask needs (6,)" in msg(lambda i, t, V: (np.ones(3, bool), set()))
    assert "returned 3 values" in msg(lambda i, t, V: (set(), set(), set()))
    assert "returned a set" in msg(lambda i, t, V: set())


def test_step_losses_says_what_it_observed():
    def msg(mistake=None, fn=None):
        fn = fn or (lambda p, x, y, s: step_losses(p, x, y, s, mistake))
        r = nb06.check_step_losses(fn)
        assert not r
        return r.message

    assert "starts from a zero state" in msg("zeros")
    assert "before that step's input was read" in msg("lag")
    assert "score each step's input character, not its target" in msg("inputs")
    assert "running total" in msg("cumsum")
    assert "opposite sign" in msg("sign")
    assert "1.443 times the expected one" in msg("bits")
    assert "the state you return is the one you were given" in msg("same state")
    total = msg(fn=lambda p, x, y, s: (step_losses(p, x, y, s)[0].sum(), s))
    assert "one number, equal to the chunk's total loss" in total
    short = msg(fn=lambda p, x, y, s: (step_losses(p, x, y, s)[0][1:], step_losses(p, x, y, s)[1]))
    assert "your losses have shape (5,); expected one per step, (6,)" in short

    def one_step_short(p, x, y, s):
        losses, _ = step_losses(p, x, y, s)
        return losses, step_losses(p, x[:-1], y[:-1], s)[1] if len(x) > 1 else s

    assert "the one after the step before the last" in msg(fn=one_step_short)

    def off_from_step_3(p, x, y, s):
        losses, h = step_losses(p, x, y, s)
        return np.where(np.arange(len(losses)) >= 2, losses + 0.5, losses), h

    third = msg(fn=off_from_step_3)
    assert "right for steps 1 to 2, then off" in third and "at step 3 your loss is" in third
    assert "returned 3 values" in msg(fn=lambda p, x, y, s: (*step_losses(p, x, y, s), None))
    assert "raised KeyError" in msg(fn=lambda p, x, y, s: p["U"])


def test_rmsprop_update_says_what_it_observed():
    def msg(kind):
        r = nb06.check_rmsprop_update(RMS_MISTAKES[kind])
        assert not r, kind
        return r.message

    assert msg("sum").endswith("as in AdaGrad: nothing is ever forgotten")
    assert "weight 1 - beta and the squared gradient the weight beta" in msg("swapped")
    assert "what beta = 0.9 gives, but the call passed beta = 0.8" in msg("fixed beta")
    assert "mem became negative" in msg("no square")
    assert "eps added outside the square root" in msg("eps outside")
    assert "the memory as it was before this update" in msg("old memory")
    assert "param[0, 0] moved by" in msg("no sqrt")
    assert "changed neither of the arrays" in msg("new arrays")
    assert "the mem array you were given did not change" in msg("param only")
    assert "mem is right but param did not change" in msg("mem only")


def test_step_sizes_say_what_they_observed_without_the_numbers():
    def msg(*values):
        r = nb06.check_step_sizes(*values, False)
        assert not r
        return r.message

    ada, ada100, rms, rms100 = STEPS
    no_shrink = msg(ada, ada, rms, rms100)
    assert "ada_100 is as large as your ada_4" in no_shrink and "(right: ada_4, rms_4" in no_shrink
    assert "your rms_4 is AdaGrad's step at the same update" in msg(ada, ada100, ada, rms100)
    assert "your rms_100 is AdaGrad's step at the same update" in msg(ada, ada100, rms, ada100)
    assert "as large as RMSProp's 4th step" in msg(ada, ada100, rms, rms)
    assert "ada_4 is the plain SGD step" in msg(0.02, ada100, rms, rms100)
    assert "your ada_4 is as large as AdaGrad's first step" in msg(0.1, ada100, rms, rms100)
    assert "ada_100 = 0.001 is too small" in msg(ada, 0.001, rms, rms100)
    assert "rms_4 = 1 is too large" in msg(ada, ada100, 1.0, rms100)
    assert "asks for the size of a step" in msg(-ada, ada100, rms, rms100)
    in_units_of_lr = msg(*(s / 0.1 for s in STEPS))
    assert "all four are 10 times the step sizes measured" in in_units_of_lr
    assert "should be one number" in msg(ada, [ada100], rms, (rms100, 1))
    assert "should be a number, got dict" in msg({}, ada100, rms, rms100)


def test_top_p_says_what_it_observed():
    def msg(fn):
        r = nb06.check_top_p(fn)
        assert not r
        return r.message

    def keep_first(probs, p):  # the first characters in index order, not the likeliest
        k = int(np.searchsorted(np.cumsum(probs), p)) + 1
        out = np.where(np.arange(len(probs)) < k, probs, 0.0)
        return out / out.sum()

    def one_too_few(probs, p):
        order = np.argsort(probs)[::-1]
        k = max(1, int(np.sum(np.cumsum(probs[order]) < p)))
        out = np.zeros_like(probs)
        out[order[:k]] = probs[order[:k]]
        return out / out.sum()

    def one_too_many(probs, p):
        order = np.argsort(probs)[::-1]
        k = min(len(probs), int(np.searchsorted(np.cumsum(probs[order]), p)) + 2)
        out = np.zeros_like(probs)
        out[order[:k]] = probs[order[:k]]
        return out / out.sum()

    def in_place(probs, p):
        kept = top_p(probs, p)
        probs[kept == 0] = 0.0
        return kept

    at = "for probs [0.05, 0.4, 0.1, 0.3, 0.15] and top_p = 0.8"
    assert msg(keep_first).startswith(f"{at} you kept index 0 (probability 0.05)")
    assert f"{at} you kept {{1, 3}}, whose probabilities add up to 0.7" in msg(one_too_few)
    many = msg(one_too_many)
    assert "without the least likely of them (index 2), the others already add up" in many
    assert "right numbers at the wrong positions" in msg(lambda q, p: np.sort(top_p(q, p)))
    assert "your probabilities add up to 0.85" in msg(
        lambda q, p: np.where(top_p(q, p) > 0, q, 0.0))
    assert "not in the proportions they have" in msg(lambda q, p: (top_p(q, p) > 0) / 3.0)
    assert "your function changed `probs` in place: after the call, 2 of its 5" in msg(in_place)
    assert "has shape (4,), expected (5,)" in msg(lambda q, p: top_p(q, p)[:4])
    assert "negative or not finite" in msg(lambda q, p: top_p(q, p) - 0.01)


# ---------------------------------------------------------------- what the students found


def test_step_losses_accepts_float32_losses_and_says_so():
    r = nb06.check_step_losses(step_losses_float32)
    assert r and "your losses are float32 numbers" in repr(r) and "plenty here" in repr(r)
    assert "float32" not in repr(nb06.check_step_losses(step_losses))
    r = nb06.check_step_losses(lambda p, x, y, s: (step_losses(p, x, y, s)[0] * (1 + 1e-3),
                                                   step_losses(p, x, y, s)[1]))
    assert not r and "1.001 times the expected one" in r.message  # not a float32 rounding


def test_step_losses_prints_different_numbers_differently_and_never_1_times():
    def off_by(eps):
        return lambda p, x, y, s: (step_losses(p, x, y, s)[0] + eps, step_losses(p, x, y, s)[1])

    r = nb06.check_step_losses(off_by(1e-4))
    yours, right = re.search(r"your loss is ([\d.]+), the step's -log p\(target\) is ([\d.]+)",
                             r.message).groups()
    assert not r and yours != right and " 1 times" not in r.message

    def off_from_step_2(p, x, y, s):
        losses, h = step_losses(p, x, y, s)
        return np.where(np.arange(len(losses)) >= 1, losses + 0.5, losses), h

    r = nb06.check_step_losses(off_from_step_2)
    assert not r and "right at step 1, then off:" in r.message and "1 to 1" not in r.message


def test_step_losses_wants_the_state_as_it_was_given():
    def as_row(p, x, y, s):
        losses, h = step_losses(p, x, y, s)
        return losses, h[None, :]

    r = nb06.check_step_losses(as_row)
    assert not r and "the state you return has shape (1, 4)" in r.message
    assert "the state you were given has shape (4,)" in r.message
    r = nb06.check_step_losses(lambda p, x, y, s: (step_losses(p, x, y, s)[0],
                                                   list(step_losses(p, x, y, s)[1])))
    assert not r and "the state you return is a list" in r.message

    def warms_state(p, x, y, s):
        losses, h = step_losses(p, x, y, s)
        s[:] = h  # the caller's state overwritten
        return losses, h

    r = nb06.check_step_losses(warms_state)
    assert not r and "your function changed `state` in place" in r.message

    def shuffles_params(p, x, y, s):
        out = step_losses(p, x, y, s)
        p["W_hy"] *= 0.5
        return out

    r = nb06.check_step_losses(shuffles_params)
    assert not r and "changed `params['W_hy']` in place" in r.message


def test_step_losses_sees_rnnlib_used_and_puts_it_back():
    import rnnlib.char_rnn

    before = (rnnlib.char_rnn_scores, rnnlib.char_rnn.char_rnn_scores, rnnlib.char_rnn_loss)
    r = nb06.check_step_losses(step_losses_rnnlib)
    assert not r and r.message.startswith("your function called rnnlib.char_rnn_scores")

    def loss_then_raise(p, x, y, s):
        rnnlib.char_rnn_loss(p, np.asarray(x)[None], np.asarray(y)[None], s[None])
        raise RuntimeError("after the call")

    assert "raised RuntimeError" in nb06.check_step_losses(loss_then_raise).message
    assert (rnnlib.char_rnn_scores, rnnlib.char_rnn.char_rnn_scores,
            rnnlib.char_rnn_loss) == before  # the originals are back
    assert nb06.check_step_losses(step_losses)


def test_other_inputs_changed_in_place_are_seen():
    def eats_inputs(inputs, targets, V):
        answer = zero_gradients(inputs, targets, V)
        inputs.clear()
        return answer

    r = nb06.check_zero_gradients(eats_inputs)
    assert not r and "your function changed `inputs` in place" in r.message

    def squares_grad(param, grad, mem, lr, beta, eps=1e-8):
        grad *= grad  # the caller's gradient overwritten by its square
        mem *= beta
        mem += (1 - beta) * grad
        param -= lr * np.sqrt(grad) * np.sign(grad) / np.sqrt(mem + eps)

    r = nb06.check_rmsprop_update(squares_grad)
    assert not r and "your function changed `grad` in place" in r.message


def test_top_p_is_tried_where_the_total_reaches_top_p_exactly():
    """[0.5, 0.25, 0.125, 0.125] add up exactly in floating point: top_p = 0.75 keeps two."""
    cases = [c for c in nb06.TOP_P_CASES if sorted(c[0]) == [0.125, 0.125, 0.25, 0.5]]
    assert (sorted(cases[0][0]), cases[0][1]) == ([0.125, 0.125, 0.25, 0.5], 0.75)
    assert nb06._nucleus(cases[0][0], 0.75) == {1, 3}
    assert any(t < min(p) for p, t in nb06.TOP_P_CASES)  # the most likely one alone
    assert any(t == 1.0 for _, t in nb06.TOP_P_CASES)  # all of them
    for fn in (top_p_right_side, top_p_exceeds):
        r = nb06.check_top_p(fn)
        assert not r and "top_p = 0.75 you kept {" in r.message
        assert "the others already add up to 0.75, exactly top_p" in r.message

    def hf_style(probs, top_p):  # drop what lies beyond top_p, shifted by one: one too many
        order = np.argsort(probs)[::-1]
        beyond = np.cumsum(probs[order]) > top_p
        beyond[1:], beyond[0] = beyond[:-1].copy(), False
        out = np.zeros_like(probs)
        out[order[~beyond]] = probs[order[~beyond]]
        return out / out.sum()

    assert not nb06.check_top_p(hf_style)

    def none_below(probs, p):  # nothing kept (0 / 0) when top_p is below every probability
        if p < probs.min():
            with np.errstate(invalid="ignore"):
                return np.zeros_like(probs) / 0.0
        return top_p(probs, p)

    r = nb06.check_top_p(none_below)
    assert not r and "top_p = 0.01" in r.message and "not finite" in r.message


def test_step_sizes_take_three_digits_and_tell_a_neighbouring_step():
    def msg(*values):
        r = nb06.check_step_sizes(*values)
        assert not r
        return r.message

    ada, ada100, rms, rms100 = STEPS
    for wrong, k in ((0.1 / math.sqrt(99), 99), (0.1 / math.sqrt(101), 101), (0.00995, 101),
                     (0.0101, 99)):
        assert f"your ada_100 is the measured size of step {k}, not of step 100" in msg(
            ada, wrong, rms, rms100, False)
    assert "your rms_4 is the measured size of step 3" in msg(
        ada, ada100, 0.1 / math.sqrt(1 - 0.9**3), rms100, False)
    close = msg(ada, ada100, 0.17, rms100, False)
    assert "rms_4 = 0.17 is within 1% of the measured step" in close and "digits" in close
    assert "ada_4 is text (str)" in msg("0.05", ada100, rms, rms100, False)
    assert "rms_trains_at_0_1 should be True or False, got int" in msg(*STEPS, 1)
    assert "rms_trains_at_0_1 is Ellipsis" in msg(*STEPS, ...)
    trains = msg(*STEPS, True)
    assert trains.startswith("the four step sizes are right; rms_trains_at_0_1 = True")
    assert "ends worse than a uniform guess" in trains


def test_rmsprop_at_adagrads_rate_does_not_train_the_char_rnn():
    """What check_step_sizes takes as the answer, measured: RMSProp at lr = 0.1 ends worse than
    a uniform guess on three seeds, far from the threshold; at 0.01 it learns."""
    assert nb06.RMS_TRAINS_AT_0_1 is False
    sentence = ("Seven small boats sail past the harbour wall at dawn, and the gulls follow "
                "them out to sea until the fog rolls in again. ")
    vocab = rnnlib.Vocabulary.from_text(sentence)
    data = vocab.encode(sentence * 100)

    class RMSProp:
        def __init__(self, lr):
            self.lr, self.memory = lr, {}

        def step(self, params, grads):
            for name, p in params.items():
                rmsprop(p, grads[name], self.memory.setdefault(name, np.zeros_like(p)),
                        self.lr, 0.9)

    def end(lr, seed, updates):
        p = rnnlib.init_char_rnn_params(len(vocab), hidden_size=64, rng=seed)
        run = rnnlib.CharRNNTrainer(p, data, seq_length=25, optimizer=RMSProp(lr)).run(updates)
        return run[-250:].mean() / 25  # nats per character

    for seed in range(3):
        assert end(0.1, seed, 500) > 1.5 * math.log(len(vocab))
    assert end(0.01, 0, 1500) < 0.1


# ---------------------------------------------------------------- no answer in any message


def wrong_answers():
    """(check, answer) pairs covering every kind of wrong answer the checks recognise."""
    for fn in [stub, lambda i, t, V: (set(range(V)) - set(t), set()),
               lambda i, t, V: (set(range(V)) - set(i) - set(t), set()),
               lambda i, t, V: (set(range(V)) - set(i), set(range(V)) - set(t)),
               lambda i, t, V: (set(i), set()), lambda i, t, V: (set(), set())]:
        yield nb06.check_zero_gradients, (fn,)
    for mistake in ["zeros", "lag", "inputs", "cumsum", "sign", "bits", "same state"]:
        yield nb06.check_step_losses, (
            lambda p, x, y, s, m=mistake: step_losses(p, x, y, s, m),)
    yield nb06.check_step_losses, (lambda p, x, y, s: (step_losses(p, x, y, s)[0].sum(), s),)
    yield nb06.check_step_losses, (stub,)
    for kind in RMS_MISTAKES:
        yield nb06.check_rmsprop_update, (RMS_MISTAKES[kind],)
    ada, ada100, rms, rms100 = STEPS
    for values in [(ada, ada, rms, rms100), (ada, ada100, ada, rms100), (ada, ada100, rms, ada100),
                   (ada, ada100, rms, rms), (0.02, ada100, rms, rms100), (0.1, ada100, rms, rms100),
                   (ada, 0.001, rms, rms100), (ada, ada100, 1.0, rms100), (0.1, 0.1, 0.1, 0.1),
                   tuple(s / 0.1 for s in STEPS), (..., ..., ..., ...)]:
        yield nb06.check_step_sizes, values + (False,)
    for values in [(STEPS[0], 0.1 / math.sqrt(99), *STEPS[2:], False), (*STEPS, True),
                   (*STEPS, 1), ("0.05", *STEPS[1:], False)]:
        yield nb06.check_step_sizes, values
    for fn in [stub, lambda q, p: np.sort(top_p(q, p)),
               lambda q, p: np.where(top_p(q, p) > 0, q, 0.0), lambda q, p: q,
               lambda q, p: (np.arange(len(q)) < 2) / 2.0, top_p_right_side, top_p_exceeds]:
        yield nb06.check_top_p, (fn,)
    yield nb06.check_step_losses, (step_losses_rnnlib,)
    yield nb06.check_step_losses, (lambda p, x, y, s: (step_losses(p, x, y, s)[0],
                                                       step_losses(p, x, y, s)[1][None, :]),)


# What would give an answer away: its numbers, its formula, its code.
ANSWERS = {
    "check_zero_gradients": ["set(range", "not in inputs", "not an input", "not among the",
                             "that are not inputs", "no row", "no zero row", "none of the rows",
                             "empty set", "set()"],
    "check_step_losses": ["W_xh[:", "[:, x]", "np.tanh", "log(np", "- s.max", "s[y]",
                          "W_hy @"],
    "check_rmsprop_update": ["mem *=", "*= beta", "beta * mem", "(1 - beta) * g",
                             "np.sqrt(mem", "mem[:]", "-= lr"],
    "check_step_sizes": ["0.05", "0.01", "0.17", "0.316", "1/sqrt", "/ sqrt", "sqrt(k",
                         "sqrt(1", "1 - beta**", "1 - beta^", "beta**k", "beta^k", "3.16",
                         "lr / ", "half"],
    "check_top_p": ["argsort", "cumsum", "searchsorted", "[::-1]", "/ out.sum",
                    "np.sort"],
}
CODE = ["np.", "def ", "lambda", "math.", "for i in", "+=", "-=", "return out", "return set",
        "return np", "return e /"]


@pytest.mark.parametrize("check, answer", list(wrong_answers()),
                         ids=lambda v: getattr(v, "__name__", None))
def test_messages_and_hints_give_no_answer(check, answer):
    assert_gives_no_answer(check, answer, ANSWERS[check.__name__] + CODE)
