"""Checks for the exercises of notebook 07 (char-RNN, batched and measured).

Each check compares the learner's answer with a value found here another way: the bits of a
small chain from its long-run shares worked out on paper, and the count models rerun on the
learner's own samples of it; the characters that ``rnnlib.CharRNNTrainer`` really predicts (by
running its chunk reader over a text of distinct indices); a mixture's probabilities character
by character, scaled so that surprisals of hundreds of nats stay finite, and the weight the
tuning text chooses; the top-p set by walking through the characters in order of probability,
on made-up scores and on every context of the course's source. A NOT YET message says what was
observed (which output, which case, by how much), never the formula or the code to write.
Numbers asked for "to three significant digits" pass when they equal the value to three
significant digits, rounded; within 1% but not equal, the message says they are close.

The keyword ``cases`` of some checks replaces the examples they try; a graded notebook's
hidden tests use it to try examples the learner has not seen.
"""

import math

import numpy as np

from ._common import about as _about
from ._common import as_number, read_numbers, run_check
from ._common import kind_of as _kind
from ._common import within_three_digits as _three_digits

LN2 = math.log(2)




def _returned(value, what, finite=True):
    if value is None:
        return None, f"your function returned None; it should return {what}"
    return as_number(value, "what your function returned", finite)


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


def _near_miss(name, x, what, before=""):
    return (f"{before}{name} = {x:.4g} is within 1% of {what}, but not equal to it to three "
            "significant digits: check its digits")


def check_predicted_bits(unigram_bits, best_bits, best_perplexity, hint=False):
    """Exercise 1: the bits per character of the unigram and of the best model of AB_CHAIN,
    and the best model's perplexity, each to three significant digits (rounded) or more."""
    unigram, rate, perplexity = _ab_numbers()
    rows_equal = 0.5 * 0.0 + 0.5 * 1.0  # each row weighted 1/2

    def check():
        got, problem = read_numbers({"unigram_bits": unigram_bits, "best_bits": best_bits,
                                     "best_perplexity": best_perplexity}, as_number)
        if problem:
            return False, problem
        u, b, pp = got
        if not _three_digits(u, unigram):
            if _about(u, unigram):
                return False, _near_miss("unigram_bits", u, "what a unigram model reaches on a "
                                         "long sample of this chain")
            if _about(u, unigram * LN2):
                return False, (f"unigram_bits = {u:.4g} is the unigram's loss in nats; the "
                               "question asks for bits")
            if _about(u, 1.0):
                return False, (f"unigram_bits = {u:.4g} is the loss of giving both characters "
                               "the same probability; in a long sample of this chain the two "
                               "do not occur equally often")
            if u < unigram:
                return False, ("unigram_bits is lower than any model that knows only how often "
                               "each character occurs can reach on a long sample of this chain")
            return False, (f"unigram_bits = {u:.4g} is not what a unigram model reaches on a "
                           "long sample of this chain (best_bits is checked once it is right)")
        if not _three_digits(b, rate):
            if _about(b, rate):
                return False, _near_miss("best_bits", b, "the entropy rate of this chain",
                                         "unigram_bits is right; ")
            if _about(b, rate * LN2):
                return False, (f"unigram_bits is right; best_bits = {b:.4g} is the entropy rate "
                               "in nats; the question asks for bits")
            if _about(b, rows_equal):
                return False, (f"unigram_bits is right; best_bits = {b:.4g} is what the two "
                               "rows give when each is weighted by one half")
            if _about(b, 1.0):
                return False, (f"unigram_bits is right; best_bits = {b:.4g} is the entropy of "
                               "the row after 'b' alone; after 'a' the next character is "
                               "certain")
            if _about(b, unigram):
                return False, ("unigram_bits is right, and best_bits equals it; the best model "
                               "also knows the previous character")
            if b > unigram:
                return False, (f"unigram_bits is right; best_bits = {b:.4g} is above it, but a "
                               "model that knows more than the unigram cannot lose more on "
                               "average")
            return False, (f"unigram_bits is right; best_bits = {b:.4g} is not the entropy "
                           "rate of this chain")
        if not _three_digits(pp, perplexity):
            if _about(pp, perplexity):
                return False, _near_miss("best_perplexity", pp, "the best model's perplexity",
                                         "both losses are right; ")
            if _about(pp, math.exp(rate)):
                return False, (f"both losses are right; best_perplexity = {pp:.4g} is e raised "
                               "to the loss in bits")
            if _about(pp, 2.0 ** (rate * LN2)):
                return False, (f"both losses are right; best_perplexity = {pp:.4g} is 2 raised "
                               "to the loss in nats")
            if pp < 1:
                return False, (f"both losses are right; best_perplexity = {pp:.4g} is below 1, "
                               "but a perplexity counts equally likely choices: at least 1")
            if _about(pp, 2.0 ** unigram):
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


def _ab_sample_problem(name, text):
    """What is wrong with ``text`` as a long sample of AB_CHAIN, or None."""
    if not isinstance(text, str):
        return f"{name} should be a text (str), got {type(text).__name__}"
    if len(text) < 10_000:
        return f"{name} has {len(text):,} characters; a long sample has at least 10,000"
    if set(text) - {"a", "b"}:
        return f"{name} has characters other than 'a' and 'b': it is not a sample of this chain"
    if "aa" in text:
        return f"{name} has 'a' followed by 'a', which this chain never writes"
    return None


def _on_paper(x, true):
    """x is the exact value, or it rounded to three or four decimals."""
    return math.isclose(x, true, rel_tol=1e-9) or x in (round(true, 3), round(true, 4))


def check_sample_bits(ab_train, ab_val, sample_unigram_bits, sample_best_bits, hint=False):
    """Exercise 1, the sample: the bits per character on ab_val of the unigram count model and
    of the count model that knows what the best model knows, both fitted on ab_train."""
    from ..baselines import ngram_loss

    unigram, rate, _ = _ab_numbers()

    def check():
        for name, text in (("ab_train", ab_train), ("ab_val", ab_val)):
            problem = _ab_sample_problem(name, text)
            if problem:
                return False, problem
        if ab_val == ab_train:
            return False, "ab_val is ab_train itself; the models are scored on another sample"
        # every order's loss in nats, with every first scored position a learner may choose
        nats = {order: [ngram_loss(ab_train, ab_val, order, start=s)
                        for s in sorted({max(order, 1), order, 2})] for order in (0, 1, 2)}
        bits = {order: [x / LN2 for x in values] for order, values in nats.items()}

        def among(x, values):
            return any(math.isclose(x, v, rel_tol=1e-9) for v in values)

        names = {0: "unigram (order 0)", 1: "bigram (order 1)", 2: "trigram (order 2)"}
        got, problem = read_numbers({"sample_unigram_bits": sample_unigram_bits,
                                     "sample_best_bits": sample_best_bits}, as_number)
        if problem:
            return False, problem
        u, b = got
        if not among(u, bits[0]):
            if among(u, nats[0]):
                return False, (f"sample_unigram_bits = {u:.4g} is the unigram's loss on ab_val "
                               "in nats; the question asks for bits")
            if among(u, bits[1]) or among(u, bits[2]):
                return False, ("sample_unigram_bits is what a count model that knows the "
                               "characters before scores on ab_val, not the unigram")
            if _on_paper(u, unigram):
                return False, ("sample_unigram_bits is the value on paper; this asks what the "
                               "unigram count model scores on your sample ab_val")
            return False, (f"sample_unigram_bits = {u:.4g} is not what the unigram count model "
                           "fitted on ab_train scores on ab_val")
        if among(b, bits[1]) or among(b, bits[2]):
            order = 1 if among(b, bits[1]) else 2
            return True, (f"on your sample: unigram {u:.4f} bits per character (on paper "
                          f"{unigram:.4f}), {names[order]} {b:.4f} (the entropy rate "
                          f"{rate:.4f})")
        if among(b, nats[1]) or among(b, nats[2]):
            return False, (f"sample_unigram_bits is right; sample_best_bits = {b:.4g} is a loss "
                           "in nats; the question asks for bits")
        if among(b, bits[0]):
            return False, ("sample_unigram_bits is right; sample_best_bits is the unigram's "
                           "score too, but the best model knows more than the unigram")
        if _on_paper(b, rate):
            return False, ("sample_unigram_bits is right; sample_best_bits is the value on "
                           "paper; this asks what a count model scores on your sample ab_val")
        return False, (f"sample_unigram_bits is right; sample_best_bits = {b:.4g} is not what "
                       "any count model of section 2 fitted on ab_train scores on ab_val")
    return run_check(hint, "sample_bits", check, hint=(
        "rnnlib.ngram_loss(train, val, order) is the count model of section 2, in nats; which "
        "order knows as much as the best model of this chain does?",
        "how many characters before the next one does the best model of this chain look at? "
        "The count model of order k counts what follows k characters"))


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

HUGE = "two models that both find some characters extremely unlikely"


def _mixture_cases():
    """(what, s_a, s_b, w): surprisals in nats of two models on the same characters, a weight."""
    rng = np.random.default_rng(7)
    random_a, random_b = rng.uniform(0.05, 4.0, 12), rng.uniform(0.05, 4.0, 12)
    sure, wrong = 0.05, 4.0  # each model sure where the other is far off
    crossed_a = np.array([sure, wrong, sure, wrong, sure, wrong])
    crossed_b = np.array([wrong, sure, wrong, sure, wrong, sure])
    impossible = random_a[:6].copy()
    impossible[2] = np.inf  # model a gives this character probability 0
    huge_a = np.array([2.0, 750.0, 0.3, 820.0, 1.1, 900.0])  # probabilities that float64
    huge_b = np.array([3.5, 760.0, 2.2, 745.0, 0.4, 4.0])  # rounds to 0, but not 0
    return [("two models on 12 characters", random_a, random_b, 0.3),
            ("two models each sure where the other is far off", crossed_a, crossed_b, 0.5),
            ("the same two models", random_a, random_b, 0.8),
            ("weight 1 on model a", random_a, random_b, 1.0),
            ("model a giving one character probability 0", impossible, random_b[:6], 0.5),
            (HUGE, huge_a, huge_b, 0.25)]


MIXTURE_CASES = _mixture_cases()


def _mixture_bits(s_a, s_b, w):
    """Bits per character of predicting w p_a + (1 - w) p_b, character by character.

    Each character's mixed probability is taken times e^m, m the smaller surprisal, so that
    surprisals of hundreds of nats do not round it to 0: -log p = m - log(p e^m).
    """
    total = 0.0
    for a, b in zip(s_a, s_b, strict=True):
        m = min(a, b)
        scaled = 0.0 if m == math.inf else w * math.exp(m - a) + (1 - w) * math.exp(m - b)
        if scaled == 0.0:
            return math.inf  # both models, with their weights, give this character nothing
        total += (m - math.log(scaled)) / LN2
    return total / len(s_a)


def _huge(s_a, s_b):
    """Some character gets a probability from both models that float64 rounds to 0."""
    return bool(np.any(np.minimum(s_a, s_b) > 700))


def check_mixture_bits(mixture_bits, hint=False, cases=None):
    """Exercise 3: mixture_bits(s_a, s_b, w), the bits per character of the model that gives
    each character w p_a + (1 - w) p_b, from the two models' surprisals in nats."""
    cases = MIXTURE_CASES if cases is None else cases

    def check():
        results, failed = [], []  # failed: (what, w, message) where the code raised
        for what, s_a, s_b, w in cases:
            try:
                answer = mixture_bits(s_a.copy(), s_b.copy(), w)
            except Exception as err:
                failed.append((what, s_a, s_b, w, f"{type(err).__name__}: {err}"))
                continue
            got, problem = _returned(answer, "a number (bits)", finite=False)
            if problem:
                return False, f"with {what} (w = {w}): {problem}"
            results.append((what, s_a, s_b, w, got, _mixture_bits(s_a, s_b, w)))
        ordinary = [r for r in failed if not _huge(r[1], r[2])]
        if ordinary:
            what, _, _, w, error = ordinary[0]
            return False, f"with {what} (w = {w}) your code raised {error}"
        wrong = [r for r in results if not math.isclose(r[4], r[5], rel_tol=1e-7)]
        if not wrong and not failed:
            return True, (f"right in {len(results)} cases, a character of probability 0 and "
                          "surprisals of hundreds of nats included")
        if all(_huge(r[1], r[2]) for r in wrong):  # right wherever the numbers are ordinary
            what, s_a, s_b, w = (failed or wrong)[0][:4]
            want, both = _mixture_bits(s_a, s_b, w), np.minimum(s_a, s_b)
            did = (f"your code raised {failed[0][4]}" if failed else
                   f"your result is {wrong[0][4]:.6g}")
            return False, (f"right wherever the probabilities are of ordinary size; with {what} "
                           f"(for {np.sum(both > 700)} characters both surprisals are "
                           f"{both[both > 700].min():.0f} nats or more: probabilities that "
                           f"float64 rounds to 0, though they are not 0) {did}, and the mixed "
                           f"model scores {want:.4f} bits (w = {w})")
        what, s_a, s_b, w, got, want = wrong[0]
        seen = f"with {what} (w = {w}) the mixed model scores {want:.4f} bits, you give {got:.4g}"
        finite = [r for r in results if math.isfinite(r[5]) and np.all(np.isfinite(r[1]))
                  and not _huge(r[1], r[2])]

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
        return False, f"right in {right} of {len(results) + len(failed)} cases; {seen}"
    return run_check(hint, "mixture_bits", check, hint=(
        "the mixed model mixes probabilities, character by character; a surprisal is how a "
        "probability is scored, so go back from each surprisal to the probability first",
        "for every character: each model's probability of it, the mixed probability, its "
        "surprisal; then the mean over the characters, in the unit the function promises. "
        "Where both probabilities are too small for float64, take a common factor out of the "
        "sum before the logarithm, as the log-softmax of notebook 04 does"))


WEIGHTS = np.round(np.linspace(0, 1, 11), 1)  # the trigram's weights the experiment tries


def _mixture_array(s_a, s_b, w):
    """_mixture_bits for arrays, in log space (the experiment's thousands of characters)."""
    with np.errstate(divide="ignore"):
        logp = np.logaddexp(np.log(w) - s_a, np.log1p(-w) - s_b)
    return float(-logp.mean() / LN2)


def _mixture_experiment():
    """The trigram's and the bigram's bits, counted on the first 2,000 training characters of
    the course's text, mixed with every weight: on the tuning, validation and counted text."""
    from ..baselines import ngram_surprisal
    from ..markov import word_like_source
    from ..text import train_val_split

    text = word_like_source(rng=0).generate(200_000, rng=1)
    train, val = train_val_split(text, 0.97)
    small, texts = train[:2000], {"tune": train[-6000:], "val": val, "counted": train[:2000]}
    bits = {}
    for name, t in texts.items():
        tri, bi = ngram_surprisal(small, t, 2), ngram_surprisal(small, t, 1)[1:]  # t[2:]
        bits[name] = np.array([_mixture_array(tri, bi, w) for w in WEIGHTS])
    return bits


def check_mixture_weight(best_w, val_bits, hint=False):
    """Exercise 3, the experiment: the trigram's weight best on tune_text[2:], and the
    mixture's bits per character on val_text[2:] with it (models counted on train_text[:2000]
    of the course's text)."""

    def check():
        got, problem = read_numbers({"best_w": best_w, "val_bits": val_bits}, as_number)
        if problem:
            return False, problem
        w, v = got
        bits = _mixture_experiment()
        at = {round(float(x), 1): i for i, x in enumerate(WEIGHTS)}
        if not any(math.isclose(w, x, abs_tol=1e-9) for x in WEIGHTS):
            return False, f"best_w = {w:.4g} is not one of the weights 0, 0.1, ..., 1"
        i, right = at[round(w, 1)], int(np.argmin(bits["tune"]))

        def lower(i):  # how many weights score lower on the tuning text
            k = int(np.sum(bits["tune"] < bits["tune"][i]))
            return f"{k} of the weights score{'s' * (k == 1)}"

        if i != right:
            if i == int(np.argmin(bits["counted"])):
                return False, (f"best_w = {w:g} is the weight that the 2,000 characters the "
                               "models were counted on favour; on tune_text it scores "
                               f"{bits['tune'][i]:.4f} bits, and {lower(i)} lower")
            if i == len(WEIGHTS) - 1 - right:
                return False, (f"best_w = {w:g} is the weight on the bigram at which tune_text "
                               "scores best; the exercise's w is the trigram's weight")
            return False, (f"on tune_text[2:] the mixture with best_w = {w:g} scores "
                           f"{bits['tune'][i]:.4f} bits, and {lower(i)} lower")
        want = bits["val"][i]
        if abs(v - want) <= 5e-4:
            return True, (f"w = {w:g}, chosen on tune_text; on val_text[2:] the mixture scores "
                          f"{want:.3f} bits per character, the trigram {bits['val'][-1]:.3f}, "
                          f"the bigram {bits['val'][0]:.3f}")
        if abs(v - want * LN2) <= 5e-4:
            return False, f"best_w is right; val_bits = {v:.4g} is in nats, not bits"
        if abs(v - bits["tune"][i]) <= 5e-4:
            return False, (f"best_w is right; val_bits = {v:.4g} is the mixture's score on "
                           "tune_text, not on val_text")
        return False, (f"best_w is right; val_bits = {v:.4g} is not the mixture's bits per "
                       "character on val_text[2:] with that weight (models counted on "
                       "train_text[:2000])")
    return run_check(hint, "mixture_weight", check, hint=(
        "score the mixture of the two small models on tune_text at every weight of the grid "
        "with your mixture_bits, keep the weight that scores lowest, and only then score that "
        "one weight on the validation text",
        "the trigram's surprisals of a text t are those of t[2:], the bigram's of t[1:]: cut "
        "the bigram's by one so that both score the same characters, as section 5 does"))


# ---------------------------------------------------------------- exercise 4

TOP_P_SCORES = np.array([1.0, 3.0, 0.5, 2.0, -1.0, 2.6])
TOP_P_EXACT = np.log([0.25, 0.5, 0.25])  # softmax: exactly 0.25, 0.5, 0.25 in float64
TOP_P_CASES = [  # (scores, p, temperature); no running total within 0.005 of p but the last's,
    (TOP_P_SCORES, 0.8, 1.0), (TOP_P_SCORES, 0.4, 1.0), (TOP_P_SCORES, 0.97, 1.0),
    (TOP_P_SCORES, 0.8, 0.5), (TOP_P_SCORES, 0.8, 2.0),
    (TOP_P_EXACT, 0.5, 1.0)]  # which lands exactly on p


def _softmax(z):
    e = [math.exp(v - max(z)) for v in z]
    return [v / sum(e) for v in e]


def _top_p(scores, p, temperature, tempered=True):
    """The top-p distribution, walking through the characters from the most likely.

    A running total within 1e-12 of p counts as reaching it: the rounding of a softmax must
    not decide which characters an exact calculation keeps.
    """
    q = _softmax([s / (temperature if tempered else 1.0) for s in scores])
    order = sorted(range(len(q)), key=lambda i: -q[i])
    kept, total = [], 0.0
    for i in order:
        kept.append(i)
        total += q[i]
        if total >= p - 1e-12:
            break
    if not tempered:  # the set chosen at temperature 1, the values tempered
        q = _softmax([s / temperature for s in scores])
    out = np.zeros(len(q))
    for i in kept:
        out[i] = q[i]
    return out / out.sum(), q


def _lands_on_p(q, p):
    """How many of the most likely characters bring the running total exactly to p, or 0."""
    totals = np.cumsum(np.sort(q)[::-1])
    hits = np.flatnonzero(np.abs(totals - p) <= 1e-12)
    return int(hits[0]) + 1 if len(hits) else 0


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
            if isinstance(answer, str | bytes) or _kind(answer) in "USc":
                return False, (f"for {where} your function returned text or complex numbers; "
                               "it should return real probabilities")
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
            return True, (f"right in {len(results)} cases, at three temperatures, one of them "
                          "with a running total exactly p")
        scores, p, temperature, where, got, want, q = wrong[0]
        kept, needed = np.flatnonzero(got > 0), np.flatnonzero(want > 0)
        q = np.array(q)
        if not np.all(np.isfinite(got)) or np.any(got < 0):
            return False, f"for {where} your result has entries that are negative or not finite"
        exact = [r for r in wrong if _lands_on_p(np.array(r[6]), r[1])]
        if len(exact) == len(wrong) and all(
                set(np.flatnonzero(r[5] > 0)) < set(np.flatnonzero(r[4] > 0)) for r in wrong):
            s, p_, t, w_, g, _, q_ = exact[0]
            shown = ", ".join(f"{x:g}" for x in q_)
            n = _lands_on_p(np.array(q_), p_)
            return False, (f"right wherever the running total passes p without landing on it; "
                           f"for {w_} the probabilities are {shown}, the running total of the "
                           f"{n} most likely is exactly p, and you keep "
                           f"{np.count_nonzero(g > 0)} characters")
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


VISITED = 1e-12  # a context's long-run share above this: the chain visits it


def _kept(row, p):
    """How many characters top-p keeps from the probabilities ``row``, as _top_p counts them."""
    total = 0.0
    for n, x in enumerate(sorted(row, reverse=True), 1):
        total += x
        if total >= p - 1e-12:
            return n
    return len(row)


def _source_top_p():
    """(context names, long-run shares, characters top-p 0.9 keeps) of the course's source.

    Row 17 i + j of ``transitions`` is the context of alphabet[i] then alphabet[j].
    """
    from ..markov import word_like_source

    source = word_like_source(rng=0)
    names = [x + y for x in source.alphabet for y in source.alphabet]
    kept = np.array([_kept(row, 0.9) for row in source.transitions])
    return names, source.stationary(), kept


def check_top_p_on_source(single, mean_kept, hint=False):
    """Exercise 4, the true source: the contexts the chain visits where top-p 0.9 keeps one
    character, and how many it keeps on average over the contexts (weighted by their shares)."""

    def check():
        if single is Ellipsis or single is None:
            return False, ("single is still `...`; replace it with a list of contexts" if
                           single is Ellipsis else "single is None; it should be a list")
        if isinstance(single, str):
            return False, ("single is one string; it should be a list of contexts, each a "
                           "string of two characters such as 'ab'")
        try:
            listed = [str(c) if isinstance(c, str | np.str_) else c for c in single]
        except TypeError:
            return False, f"single should be a list of contexts, got {type(single).__name__}"
        names, share, kept = _source_top_p()
        index = {name: i for i, name in enumerate(names)}
        for c in listed:
            if not isinstance(c, str) or len(c) != 2:
                return False, (f"single should hold contexts of two characters, such as 'ab'; "
                               f"it holds {c!r}")
            if c not in index:
                return False, (f"{c!r} is not a context of this source: its characters come "
                               "from source.alphabet")
        visited = share > VISITED
        mine = set(listed)
        extra = [c for c in sorted(mine) if kept[index[c]] != 1]
        if extra:
            c = extra[0]
            never = "" if visited[index[c]] else ", a context the chain never visits"
            return False, (f"single has {len(mine)} contexts; in {len(extra)} of them top-p 0.9 "
                           f"keeps more than one character: in {c!r} it keeps "
                           f"{kept[index[c]]}{never}")
        missing = [n for i, n in enumerate(names) if visited[i] and kept[i] == 1 and n not in mine]
        if missing and not mine:
            return False, ("single is empty, but in some contexts the chain visits top-p 0.9 "
                           "keeps one character")
        if missing:
            return False, (f"every context in single is one where top-p 0.9 keeps one character, "
                           f"but {len(missing)} more contexts the chain visits are like that")
        m, problem = as_number(mean_kept, "mean_kept")
        if problem:
            return False, f"single is right; {problem}"
        want = float(share @ kept)
        if abs(m - want) <= 5e-3:
            ones = int(np.sum(visited & (kept == 1)))
            return True, (f"top-p 0.9 keeps one character in {ones} contexts the chain visits, "
                          f"{share[kept == 1].sum():.1%} of the text, and {want:.2f} characters "
                          "on average over the contexts the chain visits: more than top-3")
        for what, plain in (("the contexts the chain visits", kept[visited].mean()),
                            ("all 289 contexts", kept.mean())):
            if abs(m - plain) <= 5e-3:
                return False, (f"single is right; mean_kept = {m:.4g} is the plain mean over "
                               f"{what}, each counted once, not weighted by how often the "
                               "chain is in it")
        return False, (f"single is right; mean_kept = {m:.4g} is not the number of characters "
                       "top-p 0.9 keeps on average over the contexts, each weighted by its "
                       "long-run share")
    return run_check(hint, "top_p_on_source", check, hint=(
        "run your top_p_probabilities on every row of scores, count the characters it keeps, "
        "and name each row by its two characters",
        "the statement says how a row's number follows from the positions of its two "
        "characters in source.alphabet; the average weights each context's count by how often "
        "the chain is in it, source.stationary()"))
