"""The course's own training text: a character source with known statistics.

    source = word_like_source(rng=0)          # an order-2 Markov chain over 17 characters
    text = source.generate(20_000, rng=1)     # "kisa romet lu bano. ..."
    source.entropy_rate()                     # nats per character: the best loss possible

An order-k source draws each character from P(c | s), s the k characters before it (its
context). With pi(s) the long-run (stationary) probability of context s, the entropy rate

    H = - sum_s pi(s) sum_c P(c | s) log P(c | s)      (nats per character)

is a floor no model that predicts from the past can beat: the line under every loss curve.
Its transition probabilities come from a seeded numpy Generator; nothing is downloaded.
"""

import bisect
import math

import numpy as np

from ._checks import check_alphabet, check_array, check_positive, check_text, make_rng, validated
from .text import Vocabulary


def _order(V, S):
    """k >= 1 with V**k == S, or None."""
    k = round(math.log(S, V)) if V > 1 else 1
    return k if k >= 1 and V ** k == S else None


def _source_args(self, alphabet, transitions):
    V = len(check_alphabet(alphabet))
    S = len(check_array("transitions", transitions, "S V", {"V": V}))
    if _order(V, S) is None:
        raise ValueError(f"transitions: expected V**k rows for an order k >= 1 with V = {V}, "
                         f"got {S} rows")
    if np.any(transitions < 0) or not np.allclose(transitions.sum(axis=1), 1.0):
        raise ValueError("transitions: every row must be probabilities (>= 0, summing to 1)")


def _random_args(cls, alphabet, order, rng, concentration=0.5):
    check_alphabet(alphabet)
    check_positive("order", order, integer=True)
    check_positive("concentration", concentration)


def _generate_args(self, n, rng):
    if check_positive("n", n, integer=True) < self.order:
        raise ValueError(f"n: must be at least the order {self.order}, got {n}")


class MarkovSource:
    """A character source of order k: the next character depends on the last k only.

    Contexts (strings of k characters) are numbered in base V, the first character the most
    significant digit: with alphabet "ab" and k = 2, "aa" -> 0, "ab" -> 1, "ba" -> 2, "bb" -> 3.

    Inputs:
    - alphabet: str of V distinct characters.
    - transitions: (V**k, V) array; row s is P(next character | context s), rows sum to 1.
      k is read from the number of rows.
    """

    @validated(_source_args)
    def __init__(self, alphabet, transitions):
        self.alphabet = alphabet
        self.order = _order(len(alphabet), len(transitions))
        self.transitions = transitions.astype(np.float64)
        self._vocab = Vocabulary(alphabet)  # indices in the alphabet's order

    @classmethod
    @validated(_random_args)
    def random(cls, alphabet, order, rng, concentration=0.5):
        """A source whose rows are drawn from a Dirichlet(concentration) distribution.

        Small concentrations (< 1) give peaked rows: strong preferences, low entropy.
        """
        V = len(alphabet)
        rows = make_rng(rng).dirichlet(np.full(V, float(concentration)), size=V ** order)
        return cls(alphabet, rows)

    @validated(lambda self, text: check_text("text", text))
    def encode(self, text):
        """(L,) int64 indices of the characters of ``text`` in the alphabet."""
        return self._vocab.encode(text)

    @validated(lambda self, tol=1e-13, max_iter=100_000: (
        check_positive("tol", tol), check_positive("max_iter", max_iter, integer=True)))
    def stationary(self, tol=1e-13, max_iter=100_000):
        """The stationary distribution pi over contexts, (V**k,), by power iteration.

        Moving one step turns context (c_1 .. c_k) into (c_2 .. c_k, c) with probability
        P(c | c_1 .. c_k). The iteration is "lazy" (pi <- (pi + pi P) / 2), which has the
        same fixed point and converges even for a periodic chain.
        """
        V, k = len(self.alphabet), self.order
        P = self.transitions.reshape(V, V ** (k - 1), V)  # (first char, rest, next char)
        pi = np.full(V ** k, 1.0 / V ** k)
        for _ in range(max_iter):
            # pi'(rest, c) = sum over the dropped first character a of pi(a, rest) P(c | a, rest)
            step = np.einsum("ar,arc->rc", pi.reshape(V, -1), P).reshape(-1)  # (V**k,)
            new = 0.5 * (pi + step)
            if np.abs(new - pi).sum() < tol:
                return new / new.sum()
            pi = new
        raise RuntimeError("stationary: power iteration did not converge; the chain may have "
                           "several closed classes of contexts, so its long run depends on the "
                           "start")

    def entropy_rate(self):
        """H = - sum_s pi(s) sum_c P(c | s) log P(c | s), in nats per character."""
        P = self.transitions
        with np.errstate(divide="ignore", invalid="ignore"):
            plogp = np.where(P > 0, P * np.log(P), 0.0)  # 0 log 0 = 0
        return float(-(self.stationary() @ plogp.sum(axis=1)))

    @validated(_generate_args)
    def generate(self, n, rng):
        """A text of ``n`` characters; the first context is drawn from the stationary pi.

        Inputs:
        - n: number of characters, at least the order k.
        - rng: integer seed or numpy Generator.

        Returns:
        - text: str of length n.
        """
        V, k = len(self.alphabet), self.order
        rng = make_rng(rng)
        cdf = np.cumsum(self.transitions, axis=1)  # (V**k, V)
        cdf[:, -1] = 1.0  # guard against rounding: the last entry is exactly 1
        cdf = cdf.tolist()  # plain lists: bisect on them is much faster than NumPy per call
        s = int(rng.choice(V ** k, p=self.stationary()))
        out = [s // V ** (k - 1 - j) % V for j in range(k)]  # the start context's digits
        for u in rng.random(n - k).tolist():
            c = bisect.bisect_right(cdf[s], u)  # invert the cumulative distribution
            out.append(c)
            s = (s * V + c) % V ** k  # drop the oldest character, append c
        return "".join(self.alphabet[c] for c in out)

    @validated(lambda self, text: check_text("text", text, self.order + 1))
    def surprisal(self, text):
        """-log P(c_t | context) of every character of ``text`` after its first k, (L - k,).

        Infinite where the source could never have written that character there.
        """
        V, k = len(self.alphabet), self.order
        ix = self.encode(text)  # (L,)
        ctx = np.zeros(len(ix) - k, dtype=np.int64)  # context of each position t >= k ...
        for j in range(k):  # ... the k indices before t in base V, most significant first
            ctx = ctx * V + ix[j:len(ix) - k + j]
        with np.errstate(divide="ignore"):
            return -np.log(self.transitions[ctx, ix[k:]])  # (L - k,)

    def cross_entropy(self, text):
        """Mean surprisal: the true source's loss on ``text``, in nats per character.

        On a long sample of the source it tends to entropy_rate().
        """
        return float(self.surprisal(text).mean())


@validated(lambda rng=0, concentration=0.4: check_positive("concentration", concentration))
def word_like_source(rng=0, concentration=0.4):
    """An order-2 source over 17 characters whose text looks like words of a made-up language.

    Letters alternate between consonants "bdklmnrst" and vowels "aeiou" (never three
    consonants in a row), vowels often end a word with a space, a word now and then ends in
    "." or ",", which is always followed by a space. Within these rules every context draws
    its own preferences from a Dirichlet(concentration), so the character two back matters
    and a model that sees only one character (a bigram) cannot reach the entropy rate.

    Inputs:
    - rng: integer seed or numpy Generator.
    - concentration: Dirichlet parameter; smaller gives more peaked, lower-entropy rows.

    Returns:
    - source: MarkovSource of order 2, alphabet " ,.abdeiklmnorstu".
    """
    rng = make_rng(rng)
    vowels, consonants = "aeiou", "bdklmnrst"
    alphabet = " ,." + "".join(sorted(vowels + consonants))
    V = len(alphabet)
    idx = {c: i for i, c in enumerate(alphabet)}

    def group(chars, mass):  # spread ``mass`` over ``chars`` with random preferences
        row = np.zeros(V)
        row[[idx[c] for c in chars]] = mass * rng.dirichlet(np.full(len(chars), concentration))
        return row

    rows = np.zeros((V, V, V))  # (previous-but-one, previous, next)
    for a in alphabet:
        for b in alphabet:
            if b in " ,.":  # after punctuation a space; after a space a new word starts
                row = group(" ", 1.0) if b in ",." else (
                    group(consonants, 0.8) + group(vowels, 0.2))
            elif b in consonants:
                if a in consonants:  # two consonants: a vowel must follow
                    row = group(vowels, 1.0)
                elif a == " ":  # a word never is a lone consonant
                    row = group(vowels, 0.85) + group(consonants.replace(b, ""), 0.15)
                else:  # after a vowel: the word goes on, or ends on this consonant
                    row = (group(vowels, 0.7) + group(consonants.replace(b, ""), 0.1)
                           + group(" ", 0.15) + group(".,", 0.05))
            else:  # b is a vowel: the word often ends here
                row = group(consonants, 0.45) + group(" ", 0.4) + group(".,", 0.1)
                row += group(vowels.replace(b, ""), 0.05) if a not in vowels else group(
                    consonants, 0.05)
            rows[idx[a], idx[b]] = row
    return MarkovSource(alphabet, rows.reshape(V * V, V))
