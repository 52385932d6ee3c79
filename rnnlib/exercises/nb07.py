"""Checks for the exercises of notebook 07 (char-RNN, batched and measured).

Each check compares the learner's answer with a value found here another way: the bits of a
small chain from its long-run shares worked out on paper, the characters that
``rnnlib.CharRNNTrainer`` really predicts (by running its chunk reader over a text of distinct
indices), a mixture's probabilities character by character, and the top-p set by walking
through the characters in order of probability. A NOT YET message says what was observed
(which output, which case, by how much), never the formula or the code to write.

The keyword ``cases`` of some checks replaces the examples they try; a graded notebook's
hidden tests use it to try examples the learner has not seen.
"""

import math

import numpy as np

from ._common import run_check

LN2 = math.log(2)


def _number(value, name):
    """(float, None) for a real number or size-1 array, else (None, what is wrong)."""
    if value is Ellipsis:
        return None, f"{name} is still `...`; replace it with a number"
    if value is None:
        return None, f"{name} is None; it should be a number"
    if isinstance(value, bool):
        return None, f"{name} should be a number, got a bool"
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None, f"{name} should be a number, got {type(value).__name__}"
    if arr.size != 1:
        return None, f"{name} should be one number, got an array of shape {arr.shape}"
    number = float(arr.reshape(()))
    if not math.isfinite(number):
        return None, f"{name} is {number}; expected a finite number"
    return number, None


def _returned(value, what):
    if value is None:
        return None, f"your function returned None; it should return {what}"
    return _number(value, "what your function returned")


# ---------------------------------------------------------------- exercise 1

# The chain of exercise 1: after "a" always "b"; after "b", "a" or "b" with probability 1/2.
AB_CHAIN = np.array([[0.0, 1.0], [0.5, 0.5]])


def _ab_numbers():
    """(unigram bits, entropy rate in bits, perplexity) of AB_CHAIN, from its long-run shares.

    In the long run every "a" is followed by "b" and half the "b"s by "a", so the share of
    "a" is half the share of "b": 1/3 and 2/3. Row "a" is certain (0 bits), row "b" a fair
    coin (1 bit).
    """
    share_a, share_b = 1 / 3, 2 / 3
    unigram = -(share_a * math.log2(share_a) + share_b * math.log2(share_b))
    rate = share_a * 0.0 + share_b * 1.0
    return unigram, rate, 2.0 ** rate


def check_predicted_bits(unigram_bits, best_bits, best_perplexity, hint=False):
    """Exercise 1: the bits per character of the unigram and of the best model of AB_CHAIN,
    and the best model's perplexity (3 significant digits are enough)."""
    unigram, rate, perplexity = _ab_numbers()
    rows_equal = 0.5 * 0.0 + 0.5 * 1.0  # each row weighted 1/2

    def close(x, y):
        return math.isclose(x, y, rel_tol=2e-3, abs_tol=1e-4)

    def check():
        got = {}
        for name, value in (("unigram_bits", unigram_bits), ("best_bits", best_bits),
                            ("best_perplexity", best_perplexity)):
            got[name], problem = _number(value, name)
            if problem:
                return False, problem
        u, b, pp = got["unigram_bits"], got["best_bits"], got["best_perplexity"]
        if not close(u, unigram):
            if close(u, unigram * LN2):
                return False, (f"unigram_bits = {u:.4g} is the unigram's loss in nats; the "
                               "question asks for bits")
            if close(u, 1.0):
                return False, (f"unigram_bits = {u:.4g} is the loss of giving both characters "
                               "the same probability; in a long sample of this chain the two "
                               "do not occur equally often")
            if u < unigram:
                return False, ("unigram_bits is lower than any model that knows only how often "
                               "each character occurs can reach on a long sample of this chain")
            return False, (f"unigram_bits = {u:.4g} is not what a unigram model reaches on a "
                           "long sample of this chain (best_bits is checked once it is right)")
        if not close(b, rate):
            if close(b, rate * LN2):
                return False, (f"unigram_bits is right; best_bits = {b:.4g} is the entropy rate "
                               "in nats; the question asks for bits")
            if close(b, rows_equal):
                return False, (f"unigram_bits is right; best_bits = {b:.4g} is what the two "
                               "rows give when each is weighted by one half")
            if close(b, 1.0):
                return False, (f"unigram_bits is right; best_bits = {b:.4g} is the entropy of "
                               "the row after 'b' alone; after 'a' the next character is "
                               "certain")
            if close(b, unigram):
                return False, ("unigram_bits is right, and best_bits equals it; the best model "
                               "also knows the previous character")
            if b > unigram:
                return False, (f"unigram_bits is right; best_bits = {b:.4g} is above it, but a "
                               "model that knows more than the unigram cannot lose more on "
                               "average")
            return False, (f"unigram_bits is right; best_bits = {b:.4g} is not the entropy "
                           "rate of this chain")
        if not close(pp, perplexity):
            if close(pp, math.exp(rate)):
                return False, (f"both losses are right; best_perplexity = {pp:.4g} is e raised "
                               "to the loss in bits")
            if close(pp, 2.0 ** (rate * LN2)):
                return False, (f"both losses are right; best_perplexity = {pp:.4g} is 2 raised "
                               "to the loss in nats")
            if pp < 1:
                return False, (f"both losses are right; best_perplexity = {pp:.4g} is below 1, "
                               "but a perplexity counts equally likely choices: at least 1")
            if close(pp, 2.0 ** unigram):
                return False, (f"both losses are right; best_perplexity = {pp:.4g} is the "
                               "unigram model's perplexity, not the best model's")
            return False, (f"both losses are right; best_perplexity = {pp:.4g} is not the "
                           "number of equally likely choices the best loss stands for")
        return True, (f"unigram {unigram:.4g} bits, best {rate:.4g} bits per character, "
                      f"perplexity {perplexity:.4g}")
    return run_check(hint, "predicted_bits", check, hint=(
        "the unigram model knows only how often each character occurs in a long sample, the "
        "best model the row of the previous character too; both need how often the chain is "
        "at 'a' and at 'b' in the long run",
        "every 'a' is followed by 'b', and half of the 'b's by 'a': that fixes how many 'a's "
        "there are per 'b'. A fair choice between two characters is worth one bit, a certain "
        "one nothing; weight each row by how often its character comes"))


# ---------------------------------------------------------------- exercise 2

NEVER_CASES = [  # (L, B, T): one stream, then streams that do and do not divide L
    (101, 1, 10), (105, 1, 10), (1000, 4, 10), (1003, 4, 10), (997, 8, 5), (194_000, 64, 25)]


def _never_predicted_measured(L, B, T):
    """How many of L characters the trainer never predicts in one pass: its chunk reader run
    over the text 0, 1, ..., L - 1 until it wraps, every target marked."""
    from ..char_rnn import init_char_rnn_params
    from ..train import CharRNNTrainer

    trainer = CharRNNTrainer(init_char_rnn_params(L, 1, rng=0), np.arange(L), seq_length=T,
                             batch_size=B)
    hit = np.zeros(L, dtype=bool)
    while True:
        _, targets = trainer.next_chunk()
        if trainer.position == T and hit.any():  # back at the start: one pass is done
            return int(L - hit.sum())
        hit[targets.ravel()] = True


def check_never_predicted(never_predicted, hint=False, cases=None):
    """Exercise 2: never_predicted(L, B, T), characters of a text of L that are never a target
    in one pass of B streams with chunks of T (rnnlib.CharRNNTrainer's layout)."""
    cases = NEVER_CASES if cases is None else cases

    def check():
        results = []
        for L, B, T in cases:
            try:
                answer = never_predicted(L, B, T)
            except Exception as err:  # name the case
                return False, (f"for L = {L}, B = {B}, T = {T} your code raised "
                               f"{type(err).__name__}: {err}")
            got, problem = _returned(answer, "a number of characters")
            if problem:
                return False, f"for L = {L}, B = {B}, T = {T}: {problem}"
            results.append(((L, B, T), got, _never_predicted_measured(L, B, T)))
        wrong = [r for r in results if r[1] != r[2]]
        if not wrong:
            return True, (f"right for {len(results)} texts, from 1 to "
                          f"{max(c[1] for c in cases)} streams")
        (L, B, T), got, true = wrong[0]
        seen = (f"for L = {L}, B = {B}, T = {T} the trainer never predicts {true} "
                f"character{'s' * (true != 1)}, your function says {got:g}")
        if all(r[2] - r[1] == r[0][1] for r in results):
            return False, f"your count is B too low in every case (1 too low for B = 1): {seen}"
        if all(r[1] - r[2] == r[0][1] for r in results):
            return False, f"your count is B too high in every case: {seen}"
        if all((r[0][0] % r[0][1] == 0) == (r[1] == r[2]) for r in results):
            return False, f"right exactly where B divides L: {seen}"
        one = [r for r in results if r[0][1] == 1]
        if one and all(r[1] == r[2] for r in one):
            return False, f"right for one stream (B = 1), off for several: {seen}"
        right = len(results) - len(wrong)
        return False, f"right for {right} of {len(results)} texts; {seen}"
    return run_check(hint, "never_predicted", check, hint=(
        "draw a short text cut into 2 streams, mark the chunks of T inputs and their targets "
        "until a stream has too few characters left, and look where the unmarked ones are",
        "three places lose characters: what the cut into B equal streams leaves over, the "
        "start of every stream, and the end of every stream after its last whole chunk"))


# ---------------------------------------------------------------- exercise 3

def _mixture_cases():
    """(s_a, s_b, w): surprisals in nats of two models on the same characters, and a weight."""
    rng = np.random.default_rng(7)
    random_a, random_b = rng.uniform(0.05, 4.0, 12), rng.uniform(0.05, 4.0, 12)
    sure, wrong = 0.05, 4.0  # each model sure where the other is far off
    crossed_a = np.array([sure, wrong, sure, wrong, sure, wrong])
    crossed_b = np.array([wrong, sure, wrong, sure, wrong, sure])
    impossible = random_a[:6].copy()
    impossible[2] = np.inf  # model a gives this character probability 0
    return [("two models on 12 characters", random_a, random_b, 0.3),
            ("two models each sure where the other is far off", crossed_a, crossed_b, 0.5),
            ("the same two models", random_a, random_b, 0.8),
            ("weight 1 on model a", random_a, random_b, 1.0),
            ("model a giving one character probability 0", impossible, random_b[:6], 0.5)]


MIXTURE_CASES = _mixture_cases()


def _mixture_bits(s_a, s_b, w):
    """Bits per character of predicting w p_a + (1 - w) p_b, character by character."""
    total = 0.0
    for a, b in zip(s_a, s_b, strict=True):
        total += -math.log2(w * math.exp(-a) + (1 - w) * math.exp(-b))
    return total / len(s_a)


def check_mixture_bits(mixture_bits, hint=False, cases=None):
    """Exercise 3: mixture_bits(s_a, s_b, w), the bits per character of the model that gives
    each character w p_a + (1 - w) p_b, from the two models' surprisals in nats."""
    cases = MIXTURE_CASES if cases is None else cases

    def check():
        results = []
        for what, s_a, s_b, w in cases:
            try:
                answer = mixture_bits(s_a.copy(), s_b.copy(), w)
            except Exception as err:
                return False, f"with {what} (w = {w}) your code raised {type(err).__name__}: {err}"
            if answer is None:
                return False, "your function returned None; it should return a number (bits)"
            try:
                got = float(np.asarray(answer, dtype=np.float64).reshape(()))
            except (TypeError, ValueError):
                return False, (f"with {what} (w = {w}) your function returned "
                               f"{type(answer).__name__}; it should return one number")
            results.append((what, s_a, s_b, w, got, _mixture_bits(s_a, s_b, w)))
        wrong = [r for r in results if not math.isclose(r[4], r[5], rel_tol=1e-7)]
        if not wrong:
            return True, f"right in {len(results)} cases, a character of probability 0 included"
        what, s_a, s_b, w, got, want = wrong[0]
        seen = f"with {what} (w = {w}) the mixed model scores {want:.4f} bits, you give {got:.4g}"
        finite = [r for r in results if math.isfinite(r[5]) and np.all(np.isfinite(r[1]))]

        def each(fn):
            return all(math.isclose(r[4], fn(*r[1:4]), rel_tol=1e-7) for r in finite)

        if not math.isfinite(got) and math.isfinite(want):
            return False, (f"with {what} (w = {w}) your result is {got}, but model b gives "
                           "every character a probability above 0, and so does the mixed "
                           "model")
        if each(lambda a, b, w: (w * a.mean() + (1 - w) * b.mean()) / LN2):
            crossed = next((r for r in results if "each sure" in r[0]), None)
            text = "your result is the weighted mean of the two models' losses in every case"
            if crossed:
                text += (f"; with two models each sure where the other is far off, model a "
                         f"scores {crossed[1].mean() / LN2:.4f} bits, model b "
                         f"{crossed[2].mean() / LN2:.4f}, and the mixed model "
                         f"{crossed[5]:.4f}")
            return False, text
        if each(lambda a, b, w: _mixture_bits(a, b, w) * LN2):
            return False, f"every result is the mixed model's loss in nats, not bits: {seen}"
        if each(lambda a, b, w: _mixture_bits(a, b, 1 - w)):
            return False, ("your results give model a the weight meant for model b: right "
                           f"only where w = 0.5; {seen}")
        if each(lambda a, b, w: -math.log2(np.mean(w * np.exp(-a) + (1 - w) * np.exp(-b)))):
            return False, ("your result is the surprisal of the mean probability over the "
                           f"characters, not the mean surprisal: {seen}")
        if each(lambda a, b, w: 2.0 ** _mixture_bits(a, b, w)):
            return False, f"every result is the mixed model's perplexity, not its bits: {seen}"
        same = [r for r in results if r[1] is results[0][1] and r[2] is results[0][2]]
        if len({r[3] for r in same}) > 1 and len({round(r[4], 12) for r in same}) == 1:
            return False, (f"your result does not change with w: {same[0][4]:.4g} bits for "
                           f"{what} at every w tried; {seen}")
        right = len(results) - len(wrong)
        return False, f"right in {right} of {len(results)} cases; {seen}"
    return run_check(hint, "mixture_bits", check, hint=(
        "the mixed model mixes probabilities, character by character; a surprisal is how a "
        "probability is scored, so go back from each surprisal to the probability first",
        "for every character: each model's probability of it, the mixed probability, its "
        "surprisal; then the mean over the characters, in the unit the function promises"))


# ---------------------------------------------------------------- exercise 4

TOP_P_SCORES = np.array([1.0, 3.0, 0.5, 2.0, -1.0, 2.6])
TOP_P_CASES = [  # (scores, p, temperature); no running total within 0.005 of p
    (TOP_P_SCORES, 0.8, 1.0), (TOP_P_SCORES, 0.4, 1.0), (TOP_P_SCORES, 0.97, 1.0),
    (TOP_P_SCORES, 0.8, 0.5), (TOP_P_SCORES, 0.8, 2.0)]


def _softmax(z):
    e = [math.exp(v - max(z)) for v in z]
    return [v / sum(e) for v in e]


def _top_p(scores, p, temperature, tempered=True):
    """The top-p distribution, walking through the characters from the most likely."""
    q = _softmax([s / (temperature if tempered else 1.0) for s in scores])
    order = sorted(range(len(q)), key=lambda i: -q[i])
    kept, total = [], 0.0
    for i in order:
        kept.append(i)
        total += q[i]
        if total >= p:
            break
    if not tempered:  # the set chosen at temperature 1, the values tempered
        q = _softmax([s / temperature for s in scores])
    out = np.zeros(len(q))
    for i in kept:
        out[i] = q[i]
    return out / out.sum(), q


def check_top_p(top_p_probabilities, hint=False, cases=None):
    """Exercise 4: top_p_probabilities(scores, p, temperature), the distribution of top-p
    (nucleus) sampling: the most likely characters up to a total of p, renormalised."""
    cases = TOP_P_CASES if cases is None else cases

    def check():
        results = []
        for scores, p, temperature in cases:
            where = f"p = {p}, temperature {temperature}"
            try:
                answer = top_p_probabilities(np.array(scores, dtype=np.float64), p, temperature)
            except Exception as err:
                return False, f"for {where} your code raised {type(err).__name__}: {err}"
            if answer is None:
                return False, "your function returned None; it should return a probability vector"
            try:
                got = np.asarray(answer, dtype=np.float64)
            except (TypeError, ValueError):
                return False, f"for {where} your function returned {type(answer).__name__}"
            if got.shape != (len(scores),):
                return False, (f"for {where} your result has shape {got.shape}, expected "
                               f"({len(scores)},): one probability per character")
            want, q = _top_p(scores, p, temperature)
            results.append((scores, p, temperature, where, got, want, q))
        wrong = [r for r in results if not np.allclose(r[4], r[5], rtol=1e-9, atol=1e-12)]
        if not wrong:
            return True, f"right in {len(results)} cases, at three temperatures"
        scores, p, temperature, where, got, want, q = wrong[0]
        kept, needed = np.flatnonzero(got > 0), np.flatnonzero(want > 0)
        q = np.array(q)
        if not np.all(np.isfinite(got)) or np.any(got < 0):
            return False, f"for {where} your result has entries that are negative or not finite"
        if all(np.allclose(r[4], _top_p(r[0], r[1], 1.0)[0], rtol=1e-9, atol=1e-12)
               for r in results):
            return False, ("your result does not change with the temperature: "
                           f"for {where} you keep {len(kept)} characters, it takes "
                           f"{len(needed)}")
        untempered = [np.allclose(r[4], _top_p(r[0], r[1], r[2], tempered=False)[0],
                                  rtol=1e-9, atol=1e-12) for r in results]
        if all(untempered):
            return False, ("right at temperature 1 only: at other temperatures you keep a "
                           "different set of characters than the tempered probabilities "
                           f"give; for {where} you keep {len(kept)}, it takes {len(needed)}")
        if set(kept) == set(needed):
            if not math.isclose(got.sum(), 1.0, rel_tol=1e-9):
                return False, (f"for {where} you keep the right characters, but your "
                               f"probabilities sum to {got.sum():.4g}")
            return False, (f"for {where} you keep the right characters, but their "
                           f"probabilities differ from the tempered ones by up to "
                           f"{np.max(np.abs(got - want)):.3g} after renormalising")
        for r in wrong:  # the least likely kept, in any case
            mine, ranks = np.flatnonzero(r[4] > 0), np.argsort(-np.array(r[6]))
            if 0 < len(mine) < len(ranks) and set(mine) == set(ranks[-len(mine):]):
                return False, (f"for {r[3]} you keep the {len(mine)} least likely characters, "
                               "not the most likely")
        ranked = np.argsort(-q)
        if set(kept) == set(ranked[:len(kept)]):  # the most likely, but too few or too many
            total = q[kept].sum()
            if len(kept) < len(needed):
                return False, (f"for {where} you keep the {len(kept)} most likely characters; "
                               f"their total probability, {total:.4f}, is below p")
            before = q[ranked[:len(kept) - 1]].sum()
            return False, (f"for {where} you keep the {len(kept)} most likely characters; the "
                           f"first {len(kept) - 1} of them already reach {before:.4f}, at "
                           "least p")
        return False, (f"for {where} you keep the characters {sorted(kept.tolist())}; the most "
                       f"likely characters there, in order, are {ranked.tolist()}")
    return run_check(hint, "top_p", check, hint=(
        "go through the characters from the most likely down, keeping a running total of "
        "their probabilities, and stop at the right moment",
        "the set depends on the probabilities after the temperature; the character whose "
        "probability brings the total to p or beyond is the last one kept"))
