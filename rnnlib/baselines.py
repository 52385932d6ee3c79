"""Baselines for a char-RNN's loss: uniform, unigram and bigram models, and perplexity.

    train, val = train_val_split(text, 0.9)
    baseline_losses(train, val)               # {"uniform": ..., "unigram": ..., "bigram": ...}

All losses are in nats per character and are averaged over the same predictions: every
character of the validation text after its first one, as a char-RNN that reads val[:-1] and
predicts val[1:] is scored (rnnlib.evaluate_char_rnn).
"""

import math

import numpy as np

from ._checks import check_alphabet, check_positive, check_text


def _vocab_of(train, val, alphabet):
    if alphabet is None:
        return "".join(sorted(set(train) | set(val)))
    check_alphabet(alphabet)
    unknown = sorted((set(train) | set(val)) - set(alphabet))
    if unknown:
        raise ValueError(f"alphabet: does not contain {''.join(unknown)!r} found in the texts")
    return alphabet


def _prepare(train, val, alpha, alphabet):
    check_text("train", train, 2)
    check_text("val", val, 2)
    check_positive("alpha", alpha)
    chars = _vocab_of(train, val, alphabet)
    index = {c: i for i, c in enumerate(chars)}
    encode = lambda s: np.array([index[c] for c in s], dtype=np.int64)  # noqa: E731
    return len(chars), encode(train), encode(val)


def uniform_loss(vocab_size):
    """ln V: the loss of guessing every one of V characters with probability 1/V."""
    check_positive("vocab_size", vocab_size, integer=True)
    return math.log(vocab_size)


def unigram_loss(train, val, alpha=1.0, alphabet=None):
    """Loss on ``val`` of character frequencies counted on ``train``, add-alpha smoothed.

        p(c) = (n(c) + alpha) / (N + alpha V)

    Inputs:
    - train, val: str, at least 2 characters each.
    - alpha: > 0, pseudo-count added to every character (1 = add-one, Laplace).
    - alphabet: the V characters to spread probability over; default: those in either text.

    Returns:
    - loss: mean -log p(c) over val[1:] (the same predictions a char-RNN is scored on).
    """
    V, tr, va = _prepare(train, val, alpha, alphabet)
    counts = np.bincount(tr, minlength=V)  # (V,)
    p = (counts + alpha) / (len(tr) + alpha * V)
    return float(-np.log(p[va[1:]]).mean())


def bigram_loss(train, val, alpha=1.0, alphabet=None):
    """Loss on ``val`` of next-character frequencies given the previous one, from ``train``.

        p(c | b) = (n(b c) + alpha) / (n(b .) + alpha V)

    where n(b c) counts the pairs "bc" in train and n(b .) the pairs that start with b.

    Inputs and Returns: as unigram_loss; the mean is over the pairs (val[t-1], val[t]).
    """
    V, tr, va = _prepare(train, val, alpha, alphabet)
    counts = np.zeros((V, V))  # (previous, next)
    np.add.at(counts, (tr[:-1], tr[1:]), 1.0)
    p = (counts + alpha) / (counts.sum(axis=1, keepdims=True) + alpha * V)  # (V, V)
    return float(-np.log(p[va[:-1], va[1:]]).mean())


def baseline_losses(train, val, alpha=1.0, alphabet=None):
    """The three baselines as a dict: "uniform" (ln V), "unigram" and "bigram" losses."""
    V, _, _ = _prepare(train, val, alpha, alphabet)
    return {
        "uniform": uniform_loss(V),
        "unigram": unigram_loss(train, val, alpha, alphabet),
        "bigram": bigram_loss(train, val, alpha, alphabet),
    }


def perplexity(loss):
    """exp(loss): a loss in nats per character as "as unsure as a fair choice among N"."""
    check_positive("loss", loss, allow_zero=True)
    return math.exp(loss)
