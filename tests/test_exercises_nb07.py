"""Each nb07 exercise check passes a right answer and fails wrong ones with a useful message."""

import math

import numpy as np
import pytest
from exercise_helpers import failing, hint_only_on_request, stub

from rnnlib.exercises import nb07


def perplexity(loss):
    return math.exp(loss)


def bigram_loss(train, val, chars):
    V, ix = len(chars), {c: i for i, c in enumerate(chars)}
    counts = np.zeros((V, V))
    for a, b in zip(train[:-1], train[1:], strict=True):
        counts[ix[a], ix[b]] += 1
    p = (counts + 1) / (counts.sum(axis=1, keepdims=True) + V)
    pairs = zip(val[:-1], val[1:], strict=True)
    return float(np.mean([-np.log(p[ix[a], ix[b]]) for a, b in pairs]))


def entropy_rate(P):
    pi = np.full(len(P), 1 / len(P))
    for _ in range(10_000):
        pi = pi @ P
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(P > 0, P * np.log(P), 0.0)
    return float(-pi @ plogp.sum(axis=1))


def top_k(scores, k, temperature):
    z = scores / temperature
    z = np.where(z >= np.sort(z)[-k], z, -np.inf)
    e = np.exp(z - z.max())
    return e / e.sum()


def test_right_answers_pass():
    for result in (nb07.check_perplexity(perplexity), nb07.check_bigram_loss(bigram_loss),
                   nb07.check_entropy_rate(entropy_rate), nb07.check_top_k_probabilities(top_k)):
        assert result, repr(result)
        assert repr(result).startswith("PASS")


def test_stubs_fail_politely():
    for check in (nb07.check_perplexity, nb07.check_bigram_loss, nb07.check_entropy_rate,
                  nb07.check_top_k_probabilities):
        result = check(stub)
        assert not result and "returned None" in repr(result)
        assert hint_only_on_request(check, stub)


def test_perplexity_in_bits_is_named():
    result = nb07.check_perplexity(lambda loss: 2.0 ** loss)
    assert not result and "nats" in repr(result)


def test_bigram_mistakes_are_named():
    def unsmoothed(train, val, chars):
        with np.errstate(divide="ignore"):
            ix = {c: i for i, c in enumerate(chars)}
            counts = np.zeros((len(chars), len(chars)))
            for a, b in zip(train[:-1], train[1:], strict=True):
                counts[ix[a], ix[b]] += 1
            p = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
            pairs = zip(val[:-1], val[1:], strict=True)
            return float(np.mean([-np.log(p[ix[a], ix[b]]) for a, b in pairs]))

    assert "smoothing" in repr(nb07.check_bigram_loss(unsmoothed))
    total = nb07.check_bigram_loss(lambda t, v, c: bigram_loss(t, v, c) * (len(v) - 1))
    assert "mean" in repr(total)
    constant = nb07.check_bigram_loss(lambda t, v, c: 1.0)
    assert not constant and "the add-one bigram loss is" in repr(constant)


def test_entropy_rate_without_stationary_weights_is_named():
    def equal_weights(P):
        with np.errstate(divide="ignore", invalid="ignore"):
            plogp = np.where(P > 0, P * np.log(P), 0.0)
        return float(-plogp.sum(axis=1).mean())

    result = nb07.check_entropy_rate(equal_weights)
    assert not result and "stationary" in repr(result)


def test_top_k_mistakes_are_named():
    def no_cut(scores, k, temperature):
        e = np.exp(scores / temperature - np.max(scores / temperature))
        return e / e.sum()

    def no_renormalise(scores, k, temperature):
        p = no_cut(scores, k, temperature)
        return np.where(scores >= np.sort(scores)[-k], p, 0.0)

    def temperature_ignored(scores, k, temperature):
        return top_k(scores, k, 1.0)

    assert "only the 2 highest" in repr(nb07.check_top_k_probabilities(no_cut))
    assert "renormalise" in repr(nb07.check_top_k_probabilities(no_renormalise))
    assert "temperature" in repr(nb07.check_top_k_probabilities(temperature_ignored))


def test_entropy_rate_that_returns_nan_on_a_zero_entry_is_caught():
    def naive(P):  # 0 * log 0 = nan in NumPy
        w = np.full(len(P), 1 / len(P))
        for _ in range(10_000):
            w = w @ P
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(-w @ (P * np.log(P)).sum(axis=1))

    result = nb07.check_entropy_rate(naive)
    assert failing(result, "zero entry", "0 ln 0")
    assert hint_only_on_request(nb07.check_entropy_rate, naive)


def test_entropy_rate_sign_and_units_are_named():
    assert failing(nb07.check_entropy_rate(lambda P: -entropy_rate(P)), "negative")
    assert failing(nb07.check_entropy_rate(lambda P: entropy_rate(P) / np.log(2)), "bits")
    off = nb07.check_entropy_rate(lambda P: entropy_rate(P) + 0.01)
    assert failing(off, "stationary distribution")


def test_perplexity_mistakes_say_what_to_change():
    assert failing(nb07.check_perplexity(lambda loss: math.exp(-loss)), "inverse")
    assert failing(nb07.check_perplexity(lambda loss: loss), "loss itself")
    assert failing(nb07.check_perplexity(lambda loss: 10.0 ** loss), "ln 17 nats must give 17")


def test_bigram_slips_are_named():
    def plus_one(train, val, chars):  # + 1 instead of + V in each row's total
        V, ix = len(chars), {c: i for i, c in enumerate(chars)}
        counts = np.zeros((V, V))
        for a, b in zip(train[:-1], train[1:], strict=True):
            counts[ix[a], ix[b]] += 1
        p = (counts + 1) / (counts.sum(axis=1, keepdims=True) + 1)
        pairs = zip(val[:-1], val[1:], strict=True)
        return float(np.mean([-np.log(p[ix[a], ix[b]]) for a, b in pairs]))

    assert failing(nb07.check_bigram_loss(plus_one), "+ V")
    assert failing(nb07.check_bigram_loss(lambda t, v, c: bigram_loss(v, v, c)), "count them in")
    assert failing(nb07.check_bigram_loss(lambda t, v, c: bigram_loss(t[::-1], v[::-1], c)),
                   "p(previous | next)")


def test_top_k_smallest_and_multiplied_temperature_are_named():
    def smallest(scores, k, temperature):  # keeps the k smallest scores
        z = scores / temperature
        z = np.where(z <= np.sort(z)[k - 1], z, -np.inf)
        e = np.exp(z - z.max())
        return e / e.sum()

    def multiplied(scores, k, temperature):
        return top_k(scores, k, 1.0 / temperature)

    assert failing(nb07.check_top_k_probabilities(smallest), "k smallest")
    assert failing(nb07.check_top_k_probabilities(multiplied), "multiplied")


def test_entropy_rate_for_two_states_only_is_caught():
    def two_states(P):  # the closed form of a 2-state chain, wrong for V = 3
        p, q = P[0, 1], P[1, 0]
        def h(x):
            return 0.0 if x in (0.0, 1.0) else -(x * np.log(x) + (1 - x) * np.log(1 - x))
        return (q * h(p) + p * h(q)) / (p + q)

    assert entropy_rate(np.tile([0.5, 0.25, 0.25], (3, 1))) == pytest.approx(1.5 * np.log(2))
    assert failing(nb07.check_entropy_rate(two_states), "[[0.5, 0.25, 0.25]")
