"""rnnlib.markov and rnnlib.baselines: entropy rates and baselines against hand computations."""

import math

import numpy as np
import pytest

from rnnlib import (
    MarkovSource,
    baseline_losses,
    bigram_loss,
    bits_per_char,
    ngram_loss,
    ngram_surprisal,
    perplexity,
    train_val_split,
    uniform_loss,
    unigram_loss,
    word_like_source,
)


def h(p):
    """Binary entropy in nats."""
    return -(p * math.log(p) + (1 - p) * math.log(1 - p))


def test_two_state_chain_entropy_rate_by_hand():
    # P(a->b) = p, P(b->a) = q: pi = (q, p) / (p + q), H = pi_a h(p) + pi_b h(q).
    p, q = 0.1, 0.4
    src = MarkovSource("ab", np.array([[1 - p, p], [q, 1 - q]]))
    assert src.order == 1
    assert np.allclose(src.stationary(), [q / (p + q), p / (p + q)], atol=1e-12)
    expected = q / (p + q) * h(p) + p / (p + q) * h(q)
    assert src.entropy_rate() == pytest.approx(expected, rel=1e-10)


def test_periodic_and_deterministic_chains():
    # a -> b -> a ... is periodic: the lazy iteration still finds pi = (1/2, 1/2), H = 0.
    flip = MarkovSource("ab", np.array([[0.0, 1.0], [1.0, 0.0]]))
    assert np.allclose(flip.stationary(), [0.5, 0.5])
    assert flip.entropy_rate() == pytest.approx(0.0, abs=1e-12)
    text = flip.generate(9, rng=3)
    assert text in ("ababababa", "babababab")
    # Order 2 over "ab" that always writes "aab aab ...": contexts aa->b, ab->a, ba->a.
    rows = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 0.0], [0.5, 0.5]])  # "bb" is unreachable
    cycle = MarkovSource("ab", rows)
    assert cycle.order == 2
    assert np.allclose(cycle.stationary(), [1 / 3, 1 / 3, 1 / 3, 0.0], atol=1e-12)
    assert cycle.entropy_rate() == pytest.approx(0.0, abs=1e-12)
    assert "aabaab" in cycle.generate(12, rng=0)


def test_order_two_with_identical_rows_is_iid():
    row = np.array([0.5, 0.3, 0.2])
    src = MarkovSource("xyz", np.tile(row, (9, 1)))
    assert src.entropy_rate() == pytest.approx(-(row * np.log(row)).sum(), rel=1e-12)


def test_empirical_loss_of_a_long_sample_converges_to_the_entropy_rate():
    src = MarkovSource.random("abcd", 2, rng=5, concentration=0.7)
    text = src.generate(100_000, rng=6)
    s = src.surprisal(text)
    # Mean of ~1e5 dependent terms: allow 5 naive standard errors (Markov chains mix fast).
    assert abs(s.mean() - src.entropy_rate()) < 5 * s.std() / math.sqrt(len(s)) + 5e-3
    # The empirical character frequencies match the stationary distribution too.
    pi = src.stationary().reshape(4, 4).sum(axis=1)  # P(first character of the context)
    freq = np.bincount(src.encode(text), minlength=4) / len(text)
    assert np.allclose(freq, pi, atol=0.01)


def test_surprisal_by_hand_and_impossible_characters():
    src = MarkovSource("ab", np.array([[0.75, 0.25], [1.0, 0.0]]))
    s = src.surprisal("aab")  # predictions: a->a (0.75), a->b (0.25)
    assert np.allclose(s, [-math.log(0.75), -math.log(0.25)])
    assert src.cross_entropy("aab") == pytest.approx(-(math.log(0.75) + math.log(0.25)) / 2)
    assert src.cross_entropy("abb") == math.inf  # b -> b never happens


def test_generate_is_reproducible_and_uses_the_alphabet():
    src = word_like_source(rng=0)
    a, b = src.generate(500, rng=1), src.generate(500, rng=1)
    assert a == b and len(a) == 500
    assert set(a) <= set(src.alphabet)
    assert src.generate(500, rng=2) != a
    assert np.isfinite(src.cross_entropy(a))  # every generated transition is possible


def test_word_like_source_looks_like_words():
    src = word_like_source(rng=0)
    assert src.order == 2 and len(src.alphabet) == 17
    text = src.generate(20_000, rng=1)
    words = text.replace(".", " ").replace(",", " ").split()
    assert 2.5 < np.mean([len(w) for w in words]) < 6
    assert "  " not in text  # a space is always followed by a letter
    for p in ".,":
        after = [text[i + 1] for i in range(len(text) - 1) if text[i] == p]
        assert after and set(after) == {" "}
    # Order 2 matters: the bigram baseline stays well above the entropy rate.
    train, val = train_val_split(text, 0.9)
    assert bigram_loss(train, val) > src.entropy_rate() + 0.2


def test_uniform_unigram_bigram_by_hand():
    train, val = "aab", "ba"
    assert uniform_loss(2) == pytest.approx(math.log(2))
    # Unigram, add-one: counts a=2, b=1, N=3, V=2 -> p(a) = 3/5. val[1:] = "a".
    assert unigram_loss(train, val) == pytest.approx(-math.log(3 / 5))
    # Bigram, add-one: pairs aa, ab -> p(a|b) = (0 + 1) / (0 + 2) for the pair "ba".
    assert bigram_loss(train, val) == pytest.approx(-math.log(1 / 2))
    # Add-alpha with alpha = 0.5, val "aab": pairs aa, ab.
    # p(a|a) = (1 + .5) / (2 + 1) = .5, p(b|a) = (1 + .5) / 3 = .5.
    assert bigram_loss(train, "aab", alpha=0.5) == pytest.approx(-math.log(0.5))
    # An alphabet with an unseen character takes probability mass: V = 3.
    assert unigram_loss(train, val, alphabet="abc") == pytest.approx(-math.log(3 / 6))
    got = baseline_losses(train, val)
    assert got == pytest.approx({"uniform": math.log(2), "unigram": -math.log(3 / 5),
                                 "bigram": -math.log(1 / 2)})


def test_baselines_are_ordered_on_a_markov_text():
    src = word_like_source(rng=0)
    train, val = train_val_split(src.generate(30_000, rng=2), 0.8)
    b = baseline_losses(train, val)
    assert b["uniform"] > b["unigram"] > b["bigram"] > src.entropy_rate()


def test_perplexity_and_split():
    assert perplexity(0.0) == 1.0
    assert perplexity(math.log(17)) == pytest.approx(17)
    assert train_val_split("abcdefghij", 0.8) == ("abcdefgh", "ij")
    tr, va = train_val_split(np.arange(10), 0.5)
    assert np.array_equal(tr, np.arange(5)) and np.array_equal(va, np.arange(5, 10))


@pytest.mark.parametrize("call, error, words", [
    (lambda: MarkovSource("aa", np.eye(2)), ValueError, "appear once"),
    (lambda: MarkovSource("ab", np.ones((3, 2)) / 2), ValueError, "V**k rows"),
    (lambda: MarkovSource("ab", np.array([[0.5, 0.6], [1, 0]])), ValueError, "probabilities"),
    (lambda: MarkovSource("ab", np.eye(3)), ValueError, "(S, V)"),
    (lambda: MarkovSource("ab", [[1, 0], [0, 1]]), TypeError, "NumPy array"),
    (lambda: word_like_source(0).generate(0, 1), ValueError, "n"),
    (lambda: word_like_source(0).generate(5, "x"), TypeError, "rng"),
    (lambda: word_like_source(0).cross_entropy("abeX"), ValueError, "'X' at position 3 is not in"),
    (lambda: word_like_source(0).cross_entropy("ab"), ValueError, "at least 3"),
    (lambda: train_val_split("abcdef", 1.0), ValueError, "strictly between"),
    (lambda: train_val_split("abc", 0.5), ValueError, "at least 2"),
    (lambda: train_val_split(["a", "b"], 0.5), TypeError, "str or 1-D array"),
    (lambda: unigram_loss("ab", b"ab"), TypeError, "val"),
    (lambda: bigram_loss("a", "ab"), ValueError, "train"),
    (lambda: bigram_loss("ab", "ab", alpha=0), ValueError, "alpha"),
    (lambda: unigram_loss("ab", "ac", alphabet="ab"), ValueError, "'c'"),
    (lambda: uniform_loss(0), ValueError, "vocab_size"),
    (lambda: perplexity(-1.0), ValueError, "loss"),
])
def test_bad_input_is_refused_clearly(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


def test_order_two_entropy_rate_against_an_explicit_context_chain():
    # Independent of MarkovSource's internals: build the (S, S) chain over contexts by hand,
    # take pi as the left eigenvector for eigenvalue 1, and sum pi(s) * entropy of row s.
    V, k = 3, 2
    rows = np.random.default_rng(11).dirichlet(np.ones(V), size=V ** k)  # (9, 3)
    src = MarkovSource("xyz", rows)
    M = np.zeros((V ** k, V ** k))
    for a in range(V):
        for b in range(V):
            for c in range(V):
                M[a * V + b, b * V + c] = rows[a * V + b, c]  # context ab -> bc
    w, vecs = np.linalg.eig(M.T)
    pi = np.real(vecs[:, np.argmin(np.abs(w - 1))])
    pi /= pi.sum()
    expected = -sum(pi[s] * sum(p * math.log(p) for p in rows[s]) for s in range(V ** k))
    assert np.allclose(src.stationary(), pi, atol=1e-10)
    assert src.entropy_rate() == pytest.approx(expected, rel=1e-9)
    # Plug-in estimate from counts in a long sample: H ~ -sum n(s,c)/N ln(n(s,c)/n(s)).
    text = src.generate(60_000, rng=12)
    pairs = {}
    for t in range(k, len(text)):
        key = (text[t - k:t], text[t])
        pairs[key] = pairs.get(key, 0) + 1
    n_ctx = {}
    for (s, _), n in pairs.items():
        n_ctx[s] = n_ctx.get(s, 0) + n
    N = len(text) - k
    plug_in = -sum(n / N * math.log(n / n_ctx[s]) for (s, _), n in pairs.items())
    assert plug_in == pytest.approx(expected, abs=0.02)


def test_trigram_by_hand():
    # train "aabab" holds the triples aa->b, ab->a, ba->b; V = 2, add-one.
    # val "abab": val[2] = a after "ab": (1 + 1) / (1 + 2); val[3] = b after "ba": the same.
    assert np.allclose(ngram_surprisal("aabab", "abab", 2), [-math.log(2 / 3)] * 2)
    # "bb" never occurs in train: an unseen context gives 1/V to every character.
    assert np.allclose(ngram_surprisal("aabab", "bba", 2), [math.log(2)])
    # context "aa" seen once (followed by b): p(a | aa) = (0 + .5) / (1 + .5 * 2) = 1/4.
    assert np.allclose(ngram_surprisal("aabab", "aaa", 2, alpha=0.5), [-math.log(0.25)])
    # An alphabet with an unseen character: V = 3, p(a | ab) = (1 + 1) / (1 + 3).
    assert np.allclose(ngram_surprisal("aabab", "aba", 2, alphabet="abc"), [-math.log(0.5)])


def test_ngram_orders_0_and_1_are_the_unigram_and_bigram():
    text = word_like_source(rng=0).generate(3000, rng=1)
    train, val = text[:2500], text[2500:]
    assert ngram_loss(train, val, 0) == pytest.approx(unigram_loss(train, val), rel=1e-12)
    assert ngram_loss(train, val, 1) == pytest.approx(bigram_loss(train, val), rel=1e-12)
    assert len(ngram_surprisal(train, val, 0)) == len(val)
    assert len(ngram_surprisal(train, val, 1)) == len(val) - 1


def test_trigram_against_an_explicit_counting_loop():
    text = word_like_source(rng=3).generate(2000, rng=4)
    train, val = text[:1500], text[1500:]
    chars = sorted(set(text))
    n = {}
    for a, b, c in zip(train, train[1:], train[2:], strict=False):
        n[a + b + c] = n.get(a + b + c, 0) + 1
    nll = []
    for t in range(2, len(val)):
        ctx = val[t - 2:t]
        n_ctx = sum(n.get(ctx + c, 0) for c in chars)
        nll.append(-math.log((n.get(ctx + val[t], 0) + 1) / (n_ctx + len(chars))))
    assert np.allclose(ngram_surprisal(train, val, 2), nll, rtol=1e-12)
    assert ngram_loss(train, val, 2) == pytest.approx(sum(nll) / len(nll), rel=1e-12)
    # start = 5 drops the first 3 of those predictions (they belong to val[2], val[3], val[4]).
    assert ngram_loss(train, val, 2, start=5) == pytest.approx(np.mean(nll[3:]), rel=1e-12)


def test_start_puts_every_order_on_the_same_characters():
    train, val = "abcabcab", "cabca"
    assert ngram_loss(train, val, 1, start=2) == pytest.approx(
        ngram_surprisal(train, val, 1)[1:].mean())
    assert ngram_loss(train, val, 0, start=2) == pytest.approx(
        ngram_surprisal(train, val, 0)[2:].mean())
    # the last character alone (start = len(val) - 1), the edge of the range
    assert ngram_loss(train, val, 2, start=4) == pytest.approx(ngram_surprisal(train, val, 2)[-1])


def test_trigram_on_an_order_2_source_approaches_the_source():
    src = word_like_source(rng=0)
    text = src.generate(120_000, rng=5)
    train, val = text[:100_000], text[100_000:]
    gap = ngram_loss(train, val, 2, alpha=0.1, start=2) - src.cross_entropy(val)
    assert 0 < gap < 0.02  # same positions (val[2:]); estimating the table costs a little


def test_bits_per_char():
    assert bits_per_char(math.log(2)) == pytest.approx(1.0)
    assert bits_per_char(math.log(17)) == pytest.approx(math.log2(17))
    assert bits_per_char(0.0) == 0.0


@pytest.mark.parametrize("call, words", [
    (lambda: ngram_surprisal("abcabc", "abc", -1), "order"),
    (lambda: ngram_surprisal("abcabc", "abc", 1.5), "order"),
    (lambda: ngram_surprisal("abcabc", "ab", 2), "val"),
    (lambda: ngram_surprisal("ab", "abc", 2), "train"),
    (lambda: ngram_surprisal("abc", "abc", 1, alpha=0), "alpha"),
    (lambda: ngram_loss("abcabc", "abcab", 2, start=1), "start"),
    (lambda: ngram_loss("abcabc", "abcab", 2, start=5), "start"),
])
def test_ngram_bad_input_is_refused_clearly(call, words):
    with pytest.raises(ValueError) as info:
        call()
    assert words in str(info.value)
