"""Checks for the exercises of notebook 07 (char-RNN, batched and measured).

Each check calls the learner's function on fixed inputs and compares it with an answer
worked out here independently: by hand, by a closed formula, or by plain counting loops.
"""

import math

import numpy as np

from ._common import returned_nothing, run_check


def check_perplexity(fn, hint=False):
    """Exercise 1: perplexity(loss) -> exp(loss), for a loss in nats per character."""
    cases = [(0.0, 1.0), (math.log(17), 17.0), (1.5, math.e ** 1.5)]

    def check():
        for loss, expected in cases:
            got = fn(loss)
            stub = returned_nothing(got, "a number")
            if stub:
                return False, stub
            got = float(got)
            if loss > 0 and math.isclose(got, 2.0 ** loss, rel_tol=1e-9):
                return False, (f"perplexity({loss:.4g}) = {got:.4g} is 2 ** loss, right for a "
                               "loss in bits; these losses are in nats (natural logarithm)")
            if loss > 0 and math.isclose(got, math.exp(-loss), rel_tol=1e-9):
                return False, (f"perplexity({loss:.4g}) = {got:.4g} is below 1: that is the "
                               "mean probability given to the right character, not the number "
                               "of equally likely choices (the inverse)")
            if math.isclose(got, loss, rel_tol=1e-9, abs_tol=1e-12):
                return False, ("you returned the loss itself; perplexity turns a loss back "
                               "into a number of equally likely choices")
            if not math.isclose(got, expected, rel_tol=1e-9):
                return False, (f"perplexity({loss:.4g}) should be {expected:.4g}, got "
                               f"{got:.4g}; a loss of 0 nats must give 1 and a loss of "
                               "ln 17 nats must give 17")
        return True, "a loss of ln 17 nats is as unsure as a fair choice among 17 characters"
    return run_check(hint, "perplexity", check,
                     hint="the loss is the mean of -ln p over the characters; which function "
                          "undoes a natural logarithm?")


def _bigram_by_counting(train, val, V, chars, extra=None, backwards=False):
    """Add-one bigram loss by explicit counting loops (independent of rnnlib.baselines).

    ``extra`` replaces the V added to each row's total (a common slip adds 1); ``backwards``
    conditions on the next character instead of the previous one (another slip).
    """
    counts = {(a, b): 0 for a in chars for b in chars}
    totals = dict.fromkeys(chars, 0)
    for a, b in zip(train[:-1], train[1:], strict=True):
        a, b = (b, a) if backwards else (a, b)
        counts[a, b] += 1
        totals[a] += 1
    pairs = zip(val[:-1], val[1:], strict=True)
    V = V if extra is None else extra
    nll = [-math.log((counts[(b, a) if backwards else (a, b)] + 1)
                     / (totals[b if backwards else a] + V)) for a, b in pairs]
    return sum(nll) / len(nll)


def check_bigram_loss(fn, hint=False):
    """Exercise 2: bigram_loss(train, val, chars) with add-one smoothing, in nats per character."""
    chars = "ab "
    train, val = "ab ab abba b a", "ba aab "  # "aa" never occurs in train
    expected = _bigram_by_counting(train, val, len(chars), chars)

    def check():
        got = fn(train, val, chars)
        stub = returned_nothing(got, "a number (nats per character)")
        if stub:
            return False, stub
        got = float(got)
        if not math.isfinite(got):  # a common slip: no smoothing gives -log 0 for a new pair
            return False, "the loss is not finite: add 1 to every pair count (add-one smoothing)"
        if math.isclose(got, expected * len(val[1:]), rel_tol=1e-9):
            return False, "that is the total over the validation pairs; return their mean"
        if math.isclose(got, _bigram_by_counting(train, val, 1, chars, extra=1), rel_tol=1e-9):
            return False, ("each row's total gets + 1; it needs + V (one for each of the V "
                           "characters), or the row's probabilities do not sum to 1")
        if math.isclose(got, _bigram_by_counting(val, val, len(chars), chars), rel_tol=1e-9):
            return False, "you counted the pairs of val; count them in train, score them on val"
        if math.isclose(got, _bigram_by_counting(train, val, len(chars), chars, backwards=True),
                        rel_tol=1e-9):
            return False, ("your probabilities are p(previous | next); the model predicts the "
                           "next character from the previous one")
        if not math.isclose(got, expected, rel_tol=1e-9):
            return False, (f"on train={train!r}, val={val!r} the add-one bigram loss is "
                           f"{expected:.6f} nats per character, got {got:.6f}; check the "
                           "counts of each pair against the formula above the exercise")
        return True, "counted, smoothed and averaged over the validation pairs"
    return run_check(hint, "bigram_loss", check,
                     hint="count the pairs in the training text, add one to every count, "
                          "turn each row into probabilities, then average -ln p over the "
                          "validation pairs")


def _two_state_rate(p, q):
    """Entropy rate of the chain that leaves state 0 with prob. p and state 1 with prob. q."""
    def h(x):  # binary entropy in nats
        return 0.0 if x in (0.0, 1.0) else -(x * math.log(x) + (1 - x) * math.log(1 - x))
    pi0 = q / (p + q)  # stationary probability of state 0, from pi0 * p = (1 - pi0) * q
    return pi0 * h(p) + (1 - pi0) * h(q)


def check_entropy_rate(fn, hint=False):
    """Exercise 3: entropy_rate(P) of an order-1 chain with (V, V) transition matrix P."""
    # (1.0, 0.5): state 0 never stays, so P has a zero entry, and 0 ln 0 must count as 0.
    chains = [(np.array([[1 - p, p], [q, 1 - q]]), _two_state_rate(p, q))
              for p, q in [(0.1, 0.3), (0.5, 0.5), (0.02, 0.6), (1.0, 0.5)]]
    # Three states, every row (1/2, 1/4, 1/4): the past tells nothing, so the rate is that
    # row's entropy, 1/2 ln 2 + 2 * 1/4 ln 4 = 1.5 ln 2 nats, by hand.
    chains.append((np.tile([0.5, 0.25, 0.25], (3, 1)), 1.5 * math.log(2)))

    def check():
        for P, expected in chains:
            with np.errstate(all="ignore"):  # a learner's 0 * log 0 warns; we report it below
                got = fn(P.copy())
            stub = returned_nothing(got, "a number (nats per character)")
            if stub:
                return False, stub
            got = float(got)
            if not math.isfinite(got):
                return False, (f"for P = {P.tolist()} your function returned {got}: P has a zero "
                               "entry, and 0 ln 0 must count as 0 (in NumPy, 0 * log(0) is nan)")
            if math.isclose(got, -expected, rel_tol=1e-9) and expected > 0:
                return False, "the result is negative: an entropy is -sum p ln p, at least 0"
            if math.isclose(got, expected / math.log(2), rel_tol=1e-9) and expected > 0:
                return False, "that is in bits (log base 2); use the natural logarithm (nats)"
            uniform = sum(-(r * math.log(r)) for row in P for r in row if r > 0) / len(P)
            if math.isclose(got, uniform, rel_tol=1e-9) and not math.isclose(
                    uniform, expected, rel_tol=1e-9):
                return False, ("you weighted all rows equally; weight each row's entropy by "
                               "the stationary probability of its state")
            if not math.isclose(got, expected, rel_tol=1e-7):
                return False, (f"for P = {P.tolist()} the entropy rate is {expected:.6f} nats, "
                               f"got {got:.6f}; check your stationary distribution "
                               "(pi P = pi, summing to 1) and each row's entropy")
        return True, "stationary distribution and row entropies combined correctly"
    return run_check(hint, "entropy_rate", check,
                     hint="weight each context's entropy by how often the chain visits that"
                          " context in the long run")


def check_top_k_probabilities(fn, hint=False):
    """Exercise 4: top_k_probabilities(scores, k, temperature) -> the sampling distribution."""
    scores = np.array([1.0, 3.0, 0.5, 2.0, -1.0])

    def expected(k, temperature, largest=True):
        keep = sorted(range(len(scores)), key=lambda i: -scores[i] if largest else scores[i])[:k]
        e = {i: math.exp(scores[i] / temperature) for i in keep}
        total = sum(e.values())
        return np.array([e.get(i, 0.0) / total for i in range(len(scores))])

    def check():
        for k, temperature in ((2, 1.0), (3, 0.5), (5, 2.0), (1, 1.0)):
            got = fn(scores, k, temperature)
            stub = returned_nothing(got, "a probability vector")
            if stub:
                return False, stub
            got, want = np.asarray(got, dtype=np.float64), expected(k, temperature)
            if got.shape != want.shape:
                return False, f"shape {got.shape}, expected {want.shape} (one per character)"
            if np.count_nonzero(got) > k:
                return False, (f"with k = {k} only the {k} highest scores may keep a "
                               f"probability; {np.count_nonzero(got)} entries are non-zero")
            if not np.isclose(got.sum(), 1.0):
                return False, f"the probabilities sum to {got.sum():.4g}, not 1: renormalise"
            if not np.allclose(got, want, rtol=1e-9, atol=1e-12):
                wrong = {"you kept the k smallest scores; keep the k largest":
                         expected(k, temperature, largest=False),
                         "the temperature has no effect on your result; divide the scores "
                         "by it": expected(k, 1.0),
                         "you multiplied the scores by the temperature; divide them by it":
                         expected(k, 1.0 / temperature)}
                for message, w in wrong.items():
                    if np.allclose(got, w, rtol=1e-9, atol=1e-12):
                        return False, message
                return False, (f"k = {k}, temperature {temperature}: expected "
                               f"{np.round(want, 4)}, got {np.round(got, 4)}; check which "
                               "entries you keep and the softmax over them")
        return True, "right for several k and temperatures"
    return run_check(hint, "top_k_probabilities", check,
                     hint="which characters survive depends only on the order of the "
                          "scores (np.sort); a removed character must end with probability "
                          "exactly 0, and exp(-inf) is 0")
