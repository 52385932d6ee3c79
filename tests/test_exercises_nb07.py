"""Each nb07 exercise check passes right answers, however written, and fails wrong ones with a
message that says what it observed, never the answer."""

import math

import numpy as np
import pytest
from exercise_helpers import (
    assert_gives_no_answer,
    assert_second_hint_goes_further,
    hint_only_on_request,
    stub,
)

import rnnlib
from rnnlib.exercises import nb07

# ---------------------------------------------------------------- references, written here


def never_predicted(L, B, T):  # by the formula of the solutions
    n = L // B
    return L % B + B * (1 + (n - 1) % T)


def never_predicted_by_walking(L, B, T):  # another right way: walk one stream's chunks
    n, k, hit = L // B, 0, set()
    while k * T + T + 1 <= n:
        hit.update(range(k * T + 1, k * T + T + 1))
        k += 1
    return L - B * len(hit)


def never_predicted_by_trainer(L, B, T):  # and a third: mark what the trainer reads
    trainer = rnnlib.CharRNNTrainer(rnnlib.init_char_rnn_params(L, 1, rng=0), np.arange(L),
                                    seq_length=T, batch_size=B)
    seen = set()
    for _ in range((L // B - 1) // T):
        seen.update(trainer.next_chunk()[1].ravel().tolist())
    return L - len(seen)


def mixture_bits(s_a, s_b, w):  # in log space: ln(e^x + e^y) without forming e^x
    with np.errstate(divide="ignore"):
        logp = np.logaddexp(np.log(w) - s_a, np.log(1 - w) - s_b)
    return float(-logp.mean() / np.log(2))


def mixture_bits_loop(s_a, s_b, w):  # plain floats: the smaller surprisal taken out first
    total = 0.0
    for a, b in zip(s_a, s_b, strict=True):
        m = min(a, b)
        scaled = w * math.exp(m - a) + (1 - w) * math.exp(m - b) if m < math.inf else 0.0
        total += m - math.log(scaled) if scaled > 0 else math.inf
    return total / len(s_a) / math.log(2)


def mixture_bits_naive(s_a, s_b, w):  # right in exact arithmetic; float64 rounds e^-750 to 0
    with np.errstate(divide="ignore"):
        return float(np.mean(-np.log2(w * np.exp(-s_a) + (1 - w) * np.exp(-s_b))))


def mixture_bits_naive_loop(s_a, s_b, w):  # the same with math: log(0) raises
    total = 0.0
    for a, b in zip(s_a, s_b, strict=True):
        total += -math.log(w * math.exp(-a) + (1 - w) * math.exp(-b))
    return total / len(s_a) / math.log(2)


def top_p(scores, p, temperature):
    z = np.asarray(scores, dtype=np.float64) / temperature
    q = np.exp(z - z.max())
    q /= q.sum()
    order = np.argsort(-q)
    keep = order[: np.searchsorted(np.cumsum(q[order]), p) + 1]
    out = np.zeros_like(q)
    out[keep] = q[keep]
    return out / out.sum()


def top_p_loop(scores, p, temperature):  # a loop over a sorted list, returns a list
    z = [s / temperature for s in scores]
    e = [math.exp(v - max(z)) for v in z]
    q = [v / sum(e) for v in e]
    kept, total = [], 0.0
    for i in sorted(range(len(q)), key=lambda i: q[i], reverse=True):
        if total >= p:
            break
        kept.append(i)
        total += q[i]
    return [q[i] / total if i in kept else 0.0 for i in range(len(q))]


def top_p_mask(scores, p, temperature):  # the total before each character, -inf for the rest
    z = np.asarray(scores, dtype=np.float64) / temperature
    q = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    order = np.argsort(q)[::-1]
    before = np.cumsum(q[order]) - q[order]
    z[order[before >= p]] = -np.inf
    e = np.exp(z - z.max())
    return e / e.sum()


# the source of exercise 1 and two samples of it, as the exercise draws them
AB = rnnlib.MarkovSource("ab", np.array([[0.0, 1.0], [0.5, 0.5]]))
AB_TRAIN, AB_VAL = AB.generate(100_000, rng=0), AB.generate(20_000, rng=1)


def ab_bits(order, train=AB_TRAIN, val=AB_VAL, **kw):
    return rnnlib.bits_per_char(rnnlib.ngram_loss(train, val, order, **kw))


COURSE_TRAIN, COURSE_VAL = rnnlib.train_val_split(  # the course's text, as section 2 cuts it
    rnnlib.word_like_source(rng=0).generate(200_000, rng=1), 0.97)


def mixture_experiment(w, texts=(COURSE_TRAIN[-6000:], COURSE_VAL)):
    """The mixture's bits on each text at weight w, its models counted on 2,000 characters."""
    small, out = COURSE_TRAIN[:2000], []
    for t in texts:
        tri, bi = rnnlib.ngram_surprisal(small, t, 2), rnnlib.ngram_surprisal(small, t, 1)[1:]
        out.append(mixture_bits(tri, bi, w))  # both on t[2:]
    return out


WEIGHTS = np.round(np.linspace(0, 1, 11), 1)
TUNE, VAL = np.array([mixture_experiment(w) for w in WEIGHTS]).T
BEST_W = WEIGHTS[TUNE.argmin()]


def source_top_p(p=0.9, rows=None):
    """(names, shares, kept) of exercise 4, kept counted with the test's top_p."""
    source = rnnlib.word_like_source(rng=0)
    with np.errstate(divide="ignore"):
        scores = np.log(source.transitions if rows is None else rows)
    kept = np.array([np.count_nonzero(top_p(s, p, 1.0)) for s in scores])
    names = [x + y for x in source.alphabet for y in source.alphabet]
    return names, source.stationary(), kept


NAMES, SHARE, KEPT = source_top_p()
SINGLE = [n for n, s, k in zip(NAMES, SHARE, KEPT, strict=True) if k == 1 and s > 1e-12]
MEAN_KEPT = float(SHARE @ KEPT)


def test_references_agree_with_each_other_and_the_trainer():
    for L, B, T in [(101, 1, 10), (1003, 4, 10), (997, 8, 5), (5000, 16, 25), (31, 1, 30)]:
        counts = {f(L, B, T) for f in (never_predicted, never_predicted_by_walking,
                                       never_predicted_by_trainer)}
        assert len(counts) == 1, (L, B, T, counts)
    assert never_predicted(194_000, 64, 25) == 400 and never_predicted(194_000, 1, 25) == 25
    s_a, s_b = np.array([0.2, 1.5, 3.0]), np.array([2.0, 0.1, 0.7])
    by_hand = -np.mean([math.log2(0.3 * math.exp(-a) + 0.7 * math.exp(-b))
                        for a, b in zip(s_a, s_b, strict=True)])
    for f in (mixture_bits, mixture_bits_loop, mixture_bits_naive, mixture_bits_naive_loop):
        assert f(s_a, s_b, 0.3) == pytest.approx(by_hand, rel=1e-12)
    # surprisals of hundreds of nats: the same numbers shifted by 750 nats lose 750 / ln 2 bits
    for f in (mixture_bits, mixture_bits_loop):
        assert f(s_a + 750, s_b + 750, 0.3) == pytest.approx(by_hand + 750 / math.log(2))
    q = np.exp(nb07.TOP_P_SCORES) / np.exp(nb07.TOP_P_SCORES).sum()  # 0.4398, 0.2948, 0.1618
    expected = np.where(np.isin(np.arange(6), [1, 5, 3]), q, 0.0) / q[[1, 5, 3]].sum()
    for f in (top_p, top_p_loop, top_p_mask):
        assert np.allclose(f(nb07.TOP_P_SCORES, 0.8, 1.0), expected)
        assert np.array_equal(f(nb07.TOP_P_EXACT, 0.5, 1.0), [0.0, 1.0, 0.0])  # lands on p
        assert np.array_equal(np.asarray(f(*HIDDEN_EXACT)) > 0, [False, True, False, True])


def test_the_references_of_the_experiments_agree_with_the_solutions():
    """Exercise 1's sample, exercise 3's experiment and exercise 4's source, measured here
    with the test's own references: the numbers the solutions notebook prints."""
    assert round(ab_bits(0), 3) == 0.918 and round(ab_bits(1), 3) == 0.667
    assert ab_bits(0) != pytest.approx(math.log2(3) - 2 / 3, abs=1e-5)  # a sample, not paper
    assert BEST_W == 0.7 and round(VAL[WEIGHTS == BEST_W][0], 3) == 2.897
    assert VAL[WEIGHTS == BEST_W][0] < min(VAL[0], VAL[-1])  # below both models
    assert np.sort(TUNE)[1] - TUNE.min() > 1e-4  # a margin: rounding cannot move the choice
    assert {"bl", "st", "ts", "a,", "u."} <= set(SINGLE) and len(SINGLE) == 31
    assert round(MEAN_KEPT, 2) == 5.78


# ---------------------------------------------------------------- right answers pass


def test_right_answers_pass_however_written():
    unigram = math.log2(3) - 2 / 3  # the entropy of the shares 1/3, 2/3, by hand
    other_train, other_val = AB.generate(50_000, rng=5), AB.generate(30_000, rng=6)
    results = [nb07.check_predicted_bits(0.918, 0.667, 1.59),  # 3 significant digits
               nb07.check_predicted_bits(0.9183, 0.6667, 1.587),  # 4
               nb07.check_predicted_bits(np.float64(unigram), 2 / 3, 2 ** (2 / 3)),
               nb07.check_predicted_bits(np.array(unigram), np.array([2 / 3]),
                                         math.exp(2 / 3 * math.log(2))),
               nb07.check_sample_bits(AB_TRAIN, AB_VAL, ab_bits(0), ab_bits(1)),
               nb07.check_sample_bits(AB_TRAIN, AB_VAL, ab_bits(0, start=2), ab_bits(2)),
               nb07.check_sample_bits(AB_TRAIN, AB_VAL, np.float64(ab_bits(0, start=0)),
                                      ab_bits(1, start=2)),
               nb07.check_sample_bits(other_train, other_val, ab_bits(0, other_train, other_val),
                                      ab_bits(1, other_train, other_val)),
               *(nb07.check_never_predicted(f) for f in (
                   never_predicted, never_predicted_by_walking, never_predicted_by_trainer,
                   lambda L, B, T: np.int64(never_predicted(L, B, T)),
                   lambda L, B, T: float(never_predicted(L, B, T)))),
               *(nb07.check_mixture_bits(f) for f in (
                   mixture_bits, mixture_bits_loop,
                   lambda a, b, w: np.float64(mixture_bits(a, b, w)))),
               nb07.check_mixture_weight(BEST_W, VAL[WEIGHTS == BEST_W][0]),
               nb07.check_mixture_weight(0.7, round(VAL[WEIGHTS == BEST_W][0], 3)),
               nb07.check_mixture_weight(np.float64(0.7000000000000001), 2.8967),
               *(nb07.check_top_p(f) for f in (top_p, top_p_loop, top_p_mask)),
               nb07.check_top_p_on_source(SINGLE, MEAN_KEPT),
               nb07.check_top_p_on_source(set(SINGLE), round(MEAN_KEPT, 2)),
               nb07.check_top_p_on_source(np.array(SINGLE[::-1]), np.float64(MEAN_KEPT)),
               # share > 0 instead of above 1e-12: contexts the chain never visits, as well
               nb07.check_top_p_on_source([n for n, s, k in zip(NAMES, SHARE, KEPT, strict=True)
                                           if k == 1 and s > 0], MEAN_KEPT)]
    for result in results:
        assert result, repr(result)
        assert repr(result).startswith("PASS")
        assert result.assert_pass() is None


HIDDEN_NEVER = [(5000, 16, 25), (777, 3, 12), (31, 1, 30), (4096, 32, 7)]
TOP_P_OTHER = np.array([-0.3, 1.7, 0.9, -2.0, 2.4, 0.1, 1.2, -1.1])
HIDDEN_EXACT = (np.log([1 / 16, 1, 1 / 16, 1 / 4]), 0.75, 2.0)  # 0.125, 0.5, 0.125, 0.25
HIDDEN_TOP_P = [(TOP_P_OTHER, 0.5, 1.0), (TOP_P_OTHER, 0.85, 0.7), (TOP_P_OTHER, 0.85, 3.0),
                (TOP_P_OTHER, 0.1, 1.0), HIDDEN_EXACT]


def hidden_mixture_cases():
    rng = np.random.default_rng(11)
    s_a, s_b = rng.uniform(0.01, 6.0, 20), rng.uniform(0.01, 6.0, 20)
    s_b[[3, 7]] = np.inf
    return [("other models", s_a, s_b, 0.65), ("other models", s_a, s_b, 0.999),
            ("two models", s_a[:5], s_a[5:10], 0.0)]


def test_hidden_cases_are_checked_too():
    """The cases of the source's hidden tests pass right answers, and catch answers fitted to
    the visible cases only."""
    assert nb07.check_never_predicted(never_predicted, cases=HIDDEN_NEVER)
    assert nb07.check_mixture_bits(mixture_bits, cases=hidden_mixture_cases())
    assert nb07.check_top_p(top_p, cases=HIDDEN_TOP_P)
    for L, B, T in HIDDEN_NEVER:  # a margin: every hidden text keeps a whole chunk per stream
        assert L // B >= T + 1

    visible = {c: never_predicted(*c) for c in nb07.NEVER_CASES}
    fitted = lambda L, B, T: visible.get((L, B, T), 0)  # noqa: E731
    assert nb07.check_never_predicted(fitted)
    assert not nb07.check_never_predicted(fitted, cases=HIDDEN_NEVER)

    def fitted_top_p(scores, p, temperature):  # right on the visible scores only
        if any(np.array_equal(scores, s) for s, _, _ in nb07.TOP_P_CASES):
            return top_p(scores, p, temperature)
        return np.full(len(scores), 1 / len(scores))

    assert nb07.check_top_p(fitted_top_p)
    assert not nb07.check_top_p(fitted_top_p, cases=HIDDEN_TOP_P)

    def fitted_exact(scores, p, temperature):  # stops above p, patched for the visible case
        if np.array_equal(scores, nb07.TOP_P_EXACT):
            return top_p(scores, p, temperature)
        return top_p_with(scores, p, temperature, "strictly above p")

    assert nb07.check_top_p(fitted_exact)
    assert not nb07.check_top_p(fitted_exact, cases=[HIDDEN_EXACT])

    def fitted_mixture(s_a, s_b, w):  # breaks where model b calls a character impossible
        return mixture_bits(s_a, s_b, w) if np.all(np.isfinite(s_b)) else 1.0

    assert nb07.check_mixture_bits(fitted_mixture)
    assert not nb07.check_mixture_bits(fitted_mixture, cases=hidden_mixture_cases())


def test_the_top_p_cases_have_a_margin_or_land_exactly_on_p():
    """No running total lies within 0.005 of p, so rounding cannot move the cut, except in the
    cases built to land exactly on p: their probabilities are powers of 2, exact in float64."""
    exact = [(nb07.TOP_P_EXACT, 0.5, 1.0), HIDDEN_EXACT]
    for scores, p, temperature in nb07.TOP_P_CASES + HIDDEN_TOP_P:
        totals = np.cumsum(np.sort(tempered(scores, temperature))[::-1])
        if any(scores is s for s, _, _ in exact):
            assert p in totals.tolist(), (p, totals)  # exactly, not nearly
        else:
            assert np.min(np.abs(totals - p)) > 0.005, (p, temperature)
    with np.errstate(divide="ignore"):  # on every numerical path: exp(-ln 2) is 0.5 exactly
        assert np.exp(np.full(40, -np.log(2))).tolist() == [0.5] * 40
        assert np.exp(np.full(40, -2 * np.log(2))).tolist() == [0.25] * 40


# ---------------------------------------------------------------- stubs and hints

STUBS = [(nb07.check_predicted_bits, (..., ..., ...)),
         (nb07.check_sample_bits, (AB_TRAIN, AB_VAL, ..., ...)),
         (nb07.check_mixture_weight, (..., ...)),
         (nb07.check_top_p_on_source, (..., ...))]


def test_stubs_fail_with_a_message_and_hints_only_on_request():
    for check, answer in STUBS:
        r = check(*answer)
        assert not r and "is still `...`; replace it with" in r.message
        assert hint_only_on_request(check, *answer)
    for check in (nb07.check_never_predicted, nb07.check_mixture_bits, nb07.check_top_p):
        r = check(stub)
        assert not r and repr(r).startswith("NOT YET")
        assert "returned None" in r.message and hint_only_on_request(check, stub)
    with pytest.raises(AssertionError, match="NOT YET top_p: your function returned None"):
        nb07.check_top_p(stub).assert_pass()


def test_a_second_hint_goes_further_and_only_when_asked():
    for check, answer in [(nb07.check_predicted_bits, (1.0, 0.5, 1.4)),
                          (nb07.check_never_predicted, (stub,)),
                          (nb07.check_mixture_bits, (stub,)),
                          (nb07.check_top_p, (stub,)), *STUBS[1:]]:
        assert_second_hint_goes_further(check, *answer)


# ---------------------------------------------------------------- wrong answers, diagnosed

U, H = math.log2(3) - 2 / 3, 2 / 3  # the right unigram and best losses in bits


def test_predicted_bits_names_the_mistake():
    def msg(*answer):
        r = nb07.check_predicted_bits(*answer)
        assert not r
        return r.message

    pp = 2 ** H
    assert "in nats" in msg(U * math.log(2), H, pp)
    assert "same probability" in msg(1.0, H, pp)  # the uniform model
    assert "lower than any model that knows only how often" in msg(H, H, pp)
    assert "lower than any model that knows only how often" in msg(0.8, H, pp)
    assert "not what a unigram model reaches" in msg(0.95, H, pp)
    assert "entropy rate in nats" in msg(U, H * math.log(2), pp)
    assert "weighted by one half" in msg(U, 0.5, pp)  # the rows weighted equally
    assert "row after 'b' alone" in msg(U, 1.0, pp)
    assert "best_bits equals it" in msg(U, U, pp)
    assert "cannot lose more" in msg(U, 0.95, pp)
    assert "is not the entropy rate" in msg(U, 0.6, pp)
    assert "e raised to the loss in bits" in msg(U, H, math.exp(H))
    assert "2 raised to the loss in nats" in msg(U, H, 2 ** (H * math.log(2)))
    assert "at least 1" in msg(U, H, 1 / pp)
    assert "unigram model's perplexity" in msg(U, H, 2 ** U)
    assert "equally likely choices" in msg(U, H, 3.0)
    assert "one number" in msg([U, U], H, pp)
    assert "expected a finite number" in msg(U, float("nan"), pp)
    assert "got a bool" in msg(U, H, True)


NEAR_MISSES = [(0.92, H, 2 ** H, "unigram_bits = 0.92 is within 1%"),  # two digits
               (0.917, H, 2 ** H, "unigram_bits = 0.917 is within 1%"),  # the third one off
               (U, 0.67, 2 ** H, "best_bits = 0.67 is within 1%"),
               (U, 0.666, 2 ** H, "best_bits = 0.666 is within 1%"),  # cut off, not rounded
               (U, H, 1.6, "best_perplexity = 1.6 is within 1%"),
               (U, H, 1.58, "best_perplexity = 1.58 is within 1%")]


@pytest.mark.parametrize("answer", NEAR_MISSES, ids=lambda a: a[3].split(" is")[0])
def test_an_answer_within_one_percent_is_called_close_not_wrong(answer):
    """The same rule for all three numbers: three significant digits, rounded, pass; a number
    within 1% that is not equal to three digits is close, and the learner checks its digits."""
    r = nb07.check_predicted_bits(*answer[:3])
    assert not r and answer[3] in r.message
    assert "check its digits" in r.message and "not the" not in r.message


def test_text_is_not_a_number():
    for answer in [("0.918", H, 2 ** H), (U, "0.667", 2 ** H), (U, H, b"1.59"),
                   (np.array(["0.918"]), H, 2 ** H), (U, np.str_("0.667"), 2 ** H)]:
        r = nb07.check_predicted_bits(*answer)
        assert not r and "is text" in r.message and "without quotes" in r.message
    r = nb07.check_predicted_bits(U, H, 1.587 + 0j)
    assert not r and "complex" in r.message
    for check, fn in [(nb07.check_never_predicted, lambda L, B, T: str(never_predicted(L, B, T))),
                      (nb07.check_mixture_bits, lambda a, b, w: str(mixture_bits(a, b, w))),
                      (nb07.check_top_p, lambda s, p, t: top_p(s, p, t).astype(str))]:
        r = check(fn)
        assert not r and "text" in r.message, r.message
    r = nb07.check_sample_bits(AB_TRAIN, AB_VAL, str(ab_bits(0)), ab_bits(1))
    assert not r and "sample_unigram_bits is text" in r.message
    r = nb07.check_mixture_weight("0.7", 2.8967)
    assert not r and "best_w is text" in r.message
    r = nb07.check_top_p_on_source(SINGLE, str(MEAN_KEPT))
    assert not r and "mean_kept is text" in r.message


def test_sample_bits_says_what_it_observed():
    def msg(*answer):
        r = nb07.check_sample_bits(*answer)
        assert not r
        return r.message

    u, b = ab_bits(0), ab_bits(1)
    assert "at least 10,000" in msg(AB_TRAIN[:500], AB_VAL, u, b)
    assert "should be a text" in msg(list(AB_TRAIN), AB_VAL, u, b)
    assert "other than 'a' and 'b'" in msg(AB_TRAIN, AB_VAL.replace("b", "c"), u, b)
    assert "never writes" in msg("ab" * 5000 + "aa", AB_VAL, u, b)
    assert "ab_train itself" in msg(AB_TRAIN, AB_TRAIN, u, b)
    assert "in nats" in msg(AB_TRAIN, AB_VAL, u * math.log(2), b)
    assert "knows the characters before" in msg(AB_TRAIN, AB_VAL, b, b)
    assert "value on paper" in msg(AB_TRAIN, AB_VAL, U, b)
    assert "not what the unigram count model" in msg(AB_TRAIN, AB_VAL, 0.95, b)
    assert "loss in nats" in msg(AB_TRAIN, AB_VAL, u, b * math.log(2))
    assert "unigram's score too" in msg(AB_TRAIN, AB_VAL, u, u)
    assert "sample_best_bits is the value on paper" in msg(AB_TRAIN, AB_VAL, u, H)
    assert "sample_best_bits is the value on paper" in msg(AB_TRAIN, AB_VAL, u, 0.667)
    assert "sample_unigram_bits is the value on paper" in msg(AB_TRAIN, AB_VAL, 0.9183, b)
    assert "not what any count model" in msg(AB_TRAIN, AB_VAL, u, 0.5)
    # fitted on the other sample: the scores of another model
    assert "not what the unigram count model" in msg(
        AB_TRAIN, AB_VAL, ab_bits(0, AB_VAL, AB_TRAIN), b)


def test_mixture_weight_says_what_it_observed():
    def msg(*answer):
        r = nb07.check_mixture_weight(*answer)
        assert not r
        return r.message

    v = VAL[WEIGHTS == BEST_W][0]
    assert "not one of the weights" in msg(0.65, v)
    on_counted = [mixture_experiment(w, (COURSE_TRAIN[:2000],))[0] for w in WEIGHTS]
    counted_best = WEIGHTS[np.argmin(on_counted)]  # the models scored on their own counts
    assert counted_best != BEST_W
    assert "the 2,000 characters the models were counted on favour" in msg(counted_best, v)
    assert "weight on the bigram" in msg(round(1 - BEST_W, 1), v)
    assert "scores 2.9145 bits, and 1 of the weights scores lower" in msg(0.6, v)
    assert "in nats" in msg(BEST_W, v * math.log(2))
    assert "score on tune_text" in msg(BEST_W, TUNE[WEIGHTS == BEST_W][0])
    assert "not the mixture's bits per character on val_text" in msg(BEST_W, VAL[0])
    assert "best_w is right" in msg(BEST_W, v + 0.01)


def test_top_p_on_source_says_what_it_observed():
    def msg(*answer):
        r = nb07.check_top_p_on_source(*answer)
        assert not r
        return r.message

    assert "one string" in msg("bl st ts", MEAN_KEPT)
    assert "contexts of two characters" in msg(["b", "l"], MEAN_KEPT)
    assert "contexts of two characters" in msg([12, 13], MEAN_KEPT)
    assert "'xy' is not a context" in msg(["xy"], MEAN_KEPT)
    assert "should be a list" in msg(3.5, MEAN_KEPT)
    reversed_names = [n[::-1] for n, s, k in zip(NAMES, SHARE, KEPT, strict=True) if k == 1]
    assert "keeps more than one character" in msg(reversed_names, MEAN_KEPT)
    assert "a context the chain never visits" in msg([",a"], MEAN_KEPT)
    assert "3 more contexts the chain visits" in msg(SINGLE[3:], MEAN_KEPT)
    assert "single is empty" in msg([], MEAN_KEPT)
    _, _, kept_085 = source_top_p(0.85)  # the contexts of another p
    other = [n for n, s, k in zip(NAMES, SHARE, kept_085, strict=True) if k == 1 and s > 1e-12]
    assert set(other) != set(SINGLE) and not nb07.check_top_p_on_source(other, MEAN_KEPT)
    visited = SHARE > 1e-12
    assert "plain mean over the contexts the chain visits" in msg(SINGLE, KEPT[visited].mean())
    assert "plain mean over all 289 contexts" in msg(SINGLE, KEPT.mean())
    assert "single is right; mean_kept = 3 is not" in msg(SINGLE, 3)
    assert "still `...`" in msg(SINGLE, ...)


def test_never_predicted_says_what_it_observed():
    def msg(fn):
        r = nb07.check_never_predicted(fn)
        assert not r
        return r.message

    no_starts = msg(lambda L, B, T: L % B + B * ((L // B - 1) % T))
    assert "B too low in every case" in no_starts
    assert "never predicts 1 character, your function says 0" in no_starts
    no_leftover = msg(lambda L, B, T: B * (1 + (L // B - 1) % T))
    assert "right exactly where B divides L" in no_leftover
    assert "L = 1003, B = 4, T = 10 the trainer never predicts 43" in no_leftover
    one_stream = msg(lambda L, B, T: 1 + (L - 1) % T)  # the text as one stream
    assert "right for one stream (B = 1), off for several" in one_stream
    assert "B too high" in msg(lambda L, B, T: never_predicted(L, B, T) + B)
    tail = msg(lambda L, B, T: L % B + B * (1 + (L // B) % T))  # the end off by one
    assert "right for 0 of 6 texts" in tail
    assert "your code raised ZeroDivisionError" in msg(lambda L, B, T: L // (B - 1))
    assert "L = 101, B = 1, T = 10 your code raised" in msg(lambda L, B, T: L // (B - 1))
    assert "should be a number" in msg(lambda L, B, T: "many")


def test_mixture_bits_says_what_it_observed():
    def msg(fn):
        r = nb07.check_mixture_bits(fn)
        assert not r
        return r.message

    losses_mixed = msg(lambda a, b, w: (w * a.mean() + (1 - w) * b.mean()) / np.log(2))
    assert "weighted mean of the two models' losses in every case" in losses_mixed
    assert "each sure where the other is far off, model a scores 2.9215" in losses_mixed
    per_char = msg(lambda a, b, w: float(np.mean(w * a + (1 - w) * b)) / np.log(2))
    assert "weighted mean of the two models' losses" in per_char
    assert "in nats, not bits" in msg(lambda a, b, w: mixture_bits(a, b, w) * np.log(2))
    assert "the weight meant for model b" in msg(lambda a, b, w: mixture_bits(a, b, 1 - w))
    assert "mean probability" in msg(
        lambda a, b, w: -np.log2(np.mean(w * np.exp(-a) + (1 - w) * np.exp(-b))))
    assert "perplexity" in msg(lambda a, b, w: 2 ** mixture_bits(a, b, w))
    assert "does not change with w" in msg(lambda a, b, w: mixture_bits(a, b, 0.5))
    assert "right in 5 of 6 cases" in msg(
        lambda a, b, w: mixture_bits(a, b, w) if w < 1 else mixture_bits(a, b, 0.99))
    only_finite = msg(lambda a, b, w: mixture_bits(a, b, w) if np.all(np.isfinite(a)) else np.inf)
    assert "probability 0 (w = 0.5) your result is inf" in only_finite
    assert "raised ValueError: math domain error" in msg(lambda a, b, w: math.log(-w))
    assert "one number" in msg(lambda a, b, w: w * np.exp(-a) + (1 - w) * np.exp(-b))


def test_mixture_bits_catches_probabilities_that_round_to_zero():
    """The product of e^-s is right in exact arithmetic and fails only where float64 rounds
    it to 0: the check says so, and what the right loss there is, not how to get it."""
    for fn, did in [(mixture_bits_naive, "your result is inf"),
                    (mixture_bits_naive_loop, "your code raised ValueError: math domain error")]:
        r = nb07.check_mixture_bits(fn)
        assert not r and r.message.startswith("right wherever the probabilities are of ordinary")
        assert did in r.message and "float64 rounds to 0, though they are not 0" in r.message
        assert "for 2 characters both surprisals are 745 nats or more" in r.message
        assert f"{nb07._mixture_bits(*nb07.MIXTURE_CASES[-1][1:]):.4f} bits" in r.message
        assert nb07.check_mixture_bits(fn, cases=nb07.MIXTURE_CASES[:-1])  # right elsewhere

    def capped(a, b, w):  # a floor under the probability: finite, and wrong
        return float(np.mean(-np.log2(np.maximum(w * np.exp(-a) + (1 - w) * np.exp(-b),
                                                 1e-300))))

    r = nb07.check_mixture_bits(capped)
    assert not r and "your result is " in r.message and "ordinary size" in r.message


def tempered(scores, temperature):
    z = np.asarray(scores, dtype=np.float64) / temperature
    q = np.exp(z - z.max())
    return q / q.sum()


def keep(q, n, order=None):
    """q with only the n characters first in ``order`` (default: the most likely) kept."""
    order = np.argsort(-q) if order is None else order
    out = np.zeros_like(q)
    out[order[:n]] = q[order[:n]]
    return out


def top_p_with(scores, p, temperature, mistake):
    with np.errstate(invalid="ignore"):  # "short" keeps nothing at p = 0.4: 0 / 0
        return _top_p_with(scores, p, temperature, mistake)


def _lands_on_p(q, p):
    return p in np.cumsum(np.sort(q)[::-1]).tolist()


def _top_p_with(scores, p, temperature, mistake):
    q = tempered(scores, temperature)
    n = int(np.searchsorted(np.cumsum(np.sort(q)[::-1]), p)) + 1
    if mistake == "short":  # stops before the total reaches p
        return keep(q, n - 1) / keep(q, n - 1).sum()
    if mistake == "extra":  # one character too many
        return keep(q, n + 1) / keep(q, n + 1).sum()
    if mistake == "ascending":  # the least likely first
        m = int(np.searchsorted(np.cumsum(np.sort(q)), p)) + 1
        return keep(q, m, np.argsort(q)) / keep(q, m, np.argsort(q)).sum()
    if mistake == "no renormalising":
        return keep(q, n)
    if mistake == "set at temperature 1":
        q1 = tempered(scores, 1.0)
        m = int(np.searchsorted(np.cumsum(np.sort(q1)[::-1]), p)) + 1
        return keep(q, m, np.argsort(-q1)) / keep(q, m, np.argsort(-q1)).sum()
    if mistake == "no temperature":
        return top_p(scores, p, 1.0)
    if mistake == "times temperature":
        return top_p(scores, p, 1.0 / temperature)
    if mistake == "strictly above p":  # goes on where the total lands exactly on p
        return keep(q, n + (_lands_on_p(q, p) > 0)) / keep(q, n + (_lands_on_p(q, p) > 0)).sum()
    if mistake == "untempered values":  # the right set, the values of temperature 1
        q1 = tempered(scores, 1.0)
        out = np.where(top_p(scores, p, temperature) > 0, q1, 0.0)
        return out / out.sum()
    raise ValueError(mistake)


TOP_P_MISTAKES = {  # with the message of the first case each gets wrong
    "short": "their total probability, 0.7346, is below p",
    "extra": "the first 3 of them already reach 0.8963, at least p",
    "ascending": "least likely characters, not the most likely",
    "no renormalising": "your probabilities sum to 0.8963",
    "set at temperature 1": "right at temperature 1 only",
    "no temperature": "does not change with the temperature",
    "times temperature": "temperature 0.5 you keep the 4 most likely characters",
    "untempered values": "differ from the tempered ones",
    "strictly above p": ("right wherever the running total passes p without landing on it; for "
                         "p = 0.5, temperature 1.0 the probabilities are 0.25, 0.5, 0.25, the "
                         "running total of the 1 most likely is exactly p, and you keep 2"),
}


@pytest.mark.parametrize("mistake", TOP_P_MISTAKES)
def test_top_p_says_what_it_observed(mistake):
    r = nb07.check_top_p(lambda s, p, t: top_p_with(s, p, t, mistake))
    assert not r and TOP_P_MISTAKES[mistake] in r.message, r.message


def test_top_p_names_shape_and_odd_values():
    def msg(fn):
        r = nb07.check_top_p(fn)
        assert not r
        return r.message

    assert "expected (6,)" in msg(lambda s, p, t: top_p(s, p, t)[:3])
    assert "negative or not finite" in msg(lambda s, p, t: top_p(s, p, t) - 0.1)
    assert "raised IndexError" in msg(lambda s, p, t: s[10])
    assert "you keep the 3 least likely" in msg(  # shaped for the cases of 6 characters
        lambda s, p, t: np.array([1.0, 0, 1.0, 0, 1.0, 0][:len(s)]) / 3)
    assert "you keep the characters [0, 1, 2]" in msg(
        lambda s, p, t: np.array([1.0, 1.0, 1.0, 0, 0, 0][:len(s)]) / 3)


# ---------------------------------------------------------------- no answer in any message


def wrong_answers():
    """(check, answer) pairs covering every kind of wrong answer the checks recognise."""
    pp = 2 ** H
    for answer in [(..., ..., ...), (1.0, H, pp), (U * math.log(2), H, pp), (H, H, pp),
                   (0.8, H, pp), (0.95, H, pp), (U, 0.5, pp), (U, H * math.log(2), pp),
                   (U, 1.0, pp), (U, U, pp), (U, 0.95, pp), (U, 0.6, pp), (U, H, math.exp(H)),
                   (U, H, 2 ** (H * math.log(2))), (U, H, 1 / pp), (U, H, 2 ** U),
                   (U, H, 3.0), ("0.918", H, pp), *(a[:3] for a in NEAR_MISSES)]:
        yield nb07.check_predicted_bits, answer
    u, b = ab_bits(0), ab_bits(1)
    for answer in [(..., ...), (u * math.log(2), b), (b, b), (U, b), (0.95, b),
                   (u, b * math.log(2)), (u, u), (u, H), (u, 0.5), (u, "0.667")]:
        yield nb07.check_sample_bits, (AB_TRAIN, AB_VAL, *answer)
    v = VAL[WEIGHTS == BEST_W][0]
    for answer in [(..., ...), (0.65, v), (1.0, v), (0.3, v), (0.6, v), (0.5, v), (0.0, v),
                   (BEST_W, v * math.log(2)), (BEST_W, TUNE[WEIGHTS == BEST_W][0]),
                   (BEST_W, VAL[0]), (BEST_W, VAL[-1])]:
        yield nb07.check_mixture_weight, answer
    reversed_names = [n[::-1] for n, s, k in zip(NAMES, SHARE, KEPT, strict=True) if k == 1]
    visited = SHARE > 1e-12
    for answer in [(..., ...), ("bl st ts", MEAN_KEPT), (["xy"], MEAN_KEPT),
                   (reversed_names, MEAN_KEPT), (SINGLE[3:], MEAN_KEPT), ([], MEAN_KEPT),
                   (SINGLE, KEPT[visited].mean()), (SINGLE, KEPT.mean()), (SINGLE, 3),
                   (SINGLE, ...)]:
        yield nb07.check_top_p_on_source, answer
    for fn in [stub, lambda L, B, T: L % B + B * ((L // B - 1) % T),
               lambda L, B, T: B * (1 + (L // B - 1) % T), lambda L, B, T: 1 + (L - 1) % T,
               lambda L, B, T: never_predicted(L, B, T) + B,
               lambda L, B, T: L % B + B * (1 + (L // B) % T)]:
        yield nb07.check_never_predicted, (fn,)
    for fn in [stub, lambda a, b, w: (w * a.mean() + (1 - w) * b.mean()) / np.log(2),
               lambda a, b, w: mixture_bits(a, b, w) * np.log(2),
               lambda a, b, w: mixture_bits(a, b, 1 - w),
               lambda a, b, w: -np.log2(np.mean(w * np.exp(-a) + (1 - w) * np.exp(-b))),
               lambda a, b, w: 2 ** mixture_bits(a, b, w),
               lambda a, b, w: mixture_bits(a, b, 0.5), mixture_bits_naive,
               mixture_bits_naive_loop]:
        yield nb07.check_mixture_bits, (fn,)
    yield nb07.check_top_p, (stub,)
    for mistake in TOP_P_MISTAKES:
        yield nb07.check_top_p, (lambda s, p, t, m=mistake: top_p_with(s, p, t, m),)


# What would give an answer away: its numbers, its formula, its code.
ANSWERS = {
    "check_predicted_bits": ["0.918", "0.9183", "0.667", "0.6667", "1.587", "1.59", "2/3",
                             "1/3", "2 / 3", "1 / 3", "log2(3)", "log2 3", "two thirds",
                             "one third"],
    "check_never_predicted": ["400", "% T", "mod T", "% B", "mod B", "(n - 1)", "n-1",
                              "L // B", "1 +", "first character", "last character"],
    "check_mixture_bits": ["exp(-", "e^{-", "log2(", "w * p", "w p_a", "np.mean(", "ln 2",
                           "/ np.log", "logaddexp", "m - log", "max(", "min("],
    "check_top_p": ["cumsum", "argsort", "searchsorted", "sort(", "[::-1]", "-np.inf",
                    "before < p", ">= p", "keep 1 character", "keeps 1 character"],
    "check_sample_bits": ["0.9182", "0.6668", "0.918", "0.667", "order 1", "bigram",
                          "ngram_loss(ab_train", ", 1)"],
    "check_mixture_weight": ["0.7", "2.897", "2.8967", "2.896", "argmin", "ngram_surprisal("],
    "check_top_p_on_source": ["'bl'", "'st'", "'ts'", "5.78", "5.780", "31 contexts",
                              "in 31 c", "share @", "// 17", "% 17"],
}
CODE = ["np.", "def ", "return L", "return f", "return o", "return e", "return p", "lambda",
        "math.", "for i in", "range("]


@pytest.mark.parametrize("check, answer", list(wrong_answers()),
                         ids=lambda v: getattr(v, "__name__", None))
def test_messages_and_hints_give_no_answer(check, answer):
    assert_gives_no_answer(check, answer, ANSWERS[check.__name__] + CODE)
