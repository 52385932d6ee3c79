"""Each nb07 exercise check passes right answers, however written, and fails wrong ones with a
message that says what it observed, never the answer."""

import math

import numpy as np
import pytest
from exercise_helpers import hint_only_on_request, stub

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


def mixture_bits(s_a, s_b, w):
    return float(np.mean(-np.log2(w * np.exp(-s_a) + (1 - w) * np.exp(-s_b))))


def mixture_bits_loop(s_a, s_b, w):  # plain floats, natural logs, then divided by ln 2
    total = 0.0
    for a, b in zip(s_a, s_b, strict=True):
        total += -math.log(w * math.exp(-a) + (1 - w) * math.exp(-b))
    return total / len(s_a) / math.log(2)


def mixture_bits_logaddexp(s_a, s_b, w):  # in log space, with w = 0 or 1 at the edges
    with np.errstate(divide="ignore"):
        logp = np.logaddexp(np.log(w) - s_a, np.log(1 - w) - s_b)
    return -logp.mean() / np.log(2)


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


def test_references_agree_with_each_other_and_the_trainer():
    for L, B, T in [(101, 1, 10), (1003, 4, 10), (997, 8, 5), (5000, 16, 25), (31, 1, 30)]:
        counts = {f(L, B, T) for f in (never_predicted, never_predicted_by_walking,
                                       never_predicted_by_trainer)}
        assert len(counts) == 1, (L, B, T, counts)
    assert never_predicted(194_000, 64, 25) == 400 and never_predicted(194_000, 1, 25) == 25
    s_a, s_b = np.array([0.2, 1.5, 3.0]), np.array([2.0, 0.1, 0.7])
    by_hand = -np.mean([math.log2(0.3 * math.exp(-a) + 0.7 * math.exp(-b))
                        for a, b in zip(s_a, s_b, strict=True)])
    for f in (mixture_bits, mixture_bits_loop, mixture_bits_logaddexp):
        assert f(s_a, s_b, 0.3) == pytest.approx(by_hand, rel=1e-12)
    q = np.exp(nb07.TOP_P_SCORES) / np.exp(nb07.TOP_P_SCORES).sum()  # 0.4398, 0.2948, 0.1618
    expected = np.where(np.isin(np.arange(6), [1, 5, 3]), q, 0.0) / q[[1, 5, 3]].sum()
    for f in (top_p, top_p_loop, top_p_mask):
        assert np.allclose(f(nb07.TOP_P_SCORES, 0.8, 1.0), expected)


# ---------------------------------------------------------------- right answers pass


def test_right_answers_pass_however_written():
    unigram = math.log2(3) - 2 / 3  # the entropy of the shares 1/3, 2/3, by hand
    results = [nb07.check_predicted_bits(0.918, 0.667, 1.59),  # 3 significant digits
               nb07.check_predicted_bits(np.float64(unigram), 2 / 3, 2 ** (2 / 3)),
               nb07.check_predicted_bits(np.array(unigram), np.array([2 / 3]),
                                         math.exp(2 / 3 * math.log(2))),
               *(nb07.check_never_predicted(f) for f in (
                   never_predicted, never_predicted_by_walking, never_predicted_by_trainer,
                   lambda L, B, T: np.int64(never_predicted(L, B, T)),
                   lambda L, B, T: float(never_predicted(L, B, T)))),
               *(nb07.check_mixture_bits(f) for f in (
                   mixture_bits, mixture_bits_loop, mixture_bits_logaddexp,
                   lambda a, b, w: np.float64(mixture_bits(a, b, w)))),
               *(nb07.check_top_p(f) for f in (top_p, top_p_loop, top_p_mask))]
    for result in results:
        assert result, repr(result)
        assert repr(result).startswith("PASS")
        assert result.assert_pass() is None


HIDDEN_NEVER = [(5000, 16, 25), (777, 3, 12), (31, 1, 30), (4096, 32, 7)]
TOP_P_OTHER = np.array([-0.3, 1.7, 0.9, -2.0, 2.4, 0.1, 1.2, -1.1])
HIDDEN_TOP_P = [(TOP_P_OTHER, 0.5, 1.0), (TOP_P_OTHER, 0.85, 0.7), (TOP_P_OTHER, 0.85, 3.0),
                (TOP_P_OTHER, 0.1, 1.0)]


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
        if np.array_equal(scores, nb07.TOP_P_SCORES):
            return top_p(scores, p, temperature)
        return np.full(len(scores), 1 / len(scores))

    assert nb07.check_top_p(fitted_top_p)
    assert not nb07.check_top_p(fitted_top_p, cases=HIDDEN_TOP_P)

    def fitted_mixture(s_a, s_b, w):  # breaks where model b calls a character impossible
        return mixture_bits(s_a, s_b, w) if np.all(np.isfinite(s_b)) else 1.0

    assert nb07.check_mixture_bits(fitted_mixture)
    assert not nb07.check_mixture_bits(fitted_mixture, cases=hidden_mixture_cases())


def test_the_visible_top_p_cases_have_a_margin():
    """No running total lies within 0.005 of p, so rounding cannot move the cut."""
    for scores, p, temperature in nb07.TOP_P_CASES + HIDDEN_TOP_P:
        z = scores / temperature
        q = np.sort(np.exp(z - z.max()) / np.exp(z - z.max()).sum())[::-1]
        assert np.min(np.abs(np.cumsum(q) - p)) > 0.005, (p, temperature)


# ---------------------------------------------------------------- stubs and hints


def test_stubs_fail_with_a_message_and_hints_only_on_request():
    r = nb07.check_predicted_bits(..., ..., ...)
    assert not r and "replace it with a number" in r.message
    assert hint_only_on_request(nb07.check_predicted_bits, ..., ..., ...)
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
                          (nb07.check_top_p, (stub,))]:
        quiet, one, two = (repr(check(*answer, hint=h)) for h in (False, True, 2))
        assert "hint=2 for a stronger one" in quiet
        assert "\n  hint: " in one and "hint 2:" not in one and "(hint=2" in one
        assert "\n  hint: " in two and "\n  hint 2: " in two
        first, second = two.split("\n  hint: ")[1].split("\n  hint 2: ")
        assert first and second and first != second


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
    assert "right in 4 of 5 cases" in msg(
        lambda a, b, w: mixture_bits(a, b, w) if w < 1 else mixture_bits(a, b, 0.99))
    only_finite = msg(lambda a, b, w: mixture_bits(a, b, w) if np.all(np.isfinite(a)) else np.inf)
    assert "probability 0 (w = 0.5) your result is inf" in only_finite
    assert "raised ValueError: math domain error" in msg(lambda a, b, w: math.log(-w))
    assert "one number" in msg(lambda a, b, w: w * np.exp(-a) + (1 - w) * np.exp(-b))


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
    if mistake == "untempered values":  # the right set, the values of temperature 1
        q1 = tempered(scores, 1.0)
        out = np.where(top_p(scores, p, temperature) > 0, q1, 0.0)
        return out / out.sum()
    raise ValueError(mistake)


TOP_P_MISTAKES = {
    "short": "their total probability, 0.7346, is below p",
    "extra": "the first 3 of them already reach 0.8963, at least p",
    "ascending": "least likely characters, not the most likely",
    "no renormalising": "your probabilities sum to 0.8963",
    "set at temperature 1": "right at temperature 1 only",
    "no temperature": "does not change with the temperature",
    "times temperature": "temperature 0.5 you keep the 4 most likely characters",
    "untempered values": "differ from the tempered ones",
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
    assert "you keep the 3 least likely" in msg(
        lambda s, p, t: np.array([1.0, 0, 1.0, 0, 1.0, 0]) / 3)
    assert "you keep the characters [0, 1, 2]" in msg(
        lambda s, p, t: np.array([1.0, 1.0, 1.0, 0, 0, 0]) / 3)


# ---------------------------------------------------------------- no answer in any message


def wrong_answers():
    """(check, answer) pairs covering every kind of wrong answer the checks recognise."""
    pp = 2 ** H
    for answer in [(..., ..., ...), (1.0, H, pp), (U * math.log(2), H, pp), (H, H, pp),
                   (0.8, H, pp), (0.95, H, pp), (U, 0.5, pp), (U, H * math.log(2), pp),
                   (U, 1.0, pp), (U, U, pp), (U, 0.95, pp), (U, 0.6, pp), (U, H, math.exp(H)),
                   (U, H, 2 ** (H * math.log(2))), (U, H, 1 / pp), (U, H, 2 ** U),
                   (U, H, 3.0)]:
        yield nb07.check_predicted_bits, answer
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
               lambda a, b, w: mixture_bits(a, b, 0.5)]:
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
                           "/ np.log"],
    "check_top_p": ["cumsum", "argsort", "searchsorted", "sort(", "[::-1]", "-np.inf",
                    "before < p", ">= p"],
}
CODE = ["np.", "def ", "return L", "return f", "return o", "return e", "return p", "lambda",
        "math.", "for i in", "range("]


@pytest.mark.parametrize("check, answer", list(wrong_answers()),
                         ids=lambda v: getattr(v, "__name__", None))
def test_messages_and_hints_give_no_answer(check, answer):
    text = repr(check(*answer, hint=2))
    assert text.startswith("NOT YET") and "hint 2:" in text
    for leak in ANSWERS[check.__name__] + CODE:
        assert leak not in text, f"{check.__name__} gives away {leak!r}:\n{text}"
