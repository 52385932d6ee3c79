"""Baselines for a char-RNN's loss: uniform and count (n-gram) models, perplexity, bits.

    train, val = train_val_split(text, 0.9)
    baseline_losses(train, val)               # {"uniform": ..., "unigram": ..., "bigram": ...}
    ngram_loss(train, val, order=2, start=2)  # the trigram, scored on val[2:]
    bits_per_char(loss)                       # the same loss in bits

All losses are in nats per character. A comparison means something only when every model
is scored on the same characters: unigram_loss, bigram_loss and baseline_losses average over
val[1:], the predictions a char-RNN that reads val[:-1] makes (rnnlib.evaluate_char_rnn);
ngram_loss takes ``start`` so that a table with an order-2 model (which needs two characters
of context) scores every row on val[2:]. MarkovSource.surprisal of an order-k source starts
at val[k].
"""

import math

import numpy as np

from ._checks import check_alphabet, check_positive, check_text, validated


def _vocab_of(train, val, alphabet):
    if alphabet is None:
        return "".join(sorted(set(train) | set(val)))
    check_alphabet(alphabet)
    unknown = sorted((set(train) | set(val)) - set(alphabet))
    if unknown:
        raise ValueError(f"alphabet: does not contain {''.join(unknown)!r} found in the texts")
    return alphabet


def _texts_args(train, val, alpha=1.0, alphabet=None):
    check_text("train", train, 2)
    check_text("val", val, 2)
    check_positive("alpha", alpha)
    _vocab_of(train, val, alphabet)


def _prepare(train, val, alphabet):
    chars = _vocab_of(train, val, alphabet)
    index = {c: i for i, c in enumerate(chars)}
    encode = lambda s: np.array([index[c] for c in s], dtype=np.int64)  # noqa: E731
    return len(chars), encode(train), encode(val)


@validated(lambda vocab_size: check_positive("vocab_size", vocab_size, integer=True))
def uniform_loss(vocab_size):
    """ln V: the loss of guessing every one of V characters with probability 1/V."""
    return math.log(vocab_size)


@validated(_texts_args)
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
    V, tr, va = _prepare(train, val, alphabet)
    counts = np.bincount(tr, minlength=V)  # (V,)
    p = (counts + alpha) / (len(tr) + alpha * V)
    return float(-np.log(p[va[1:]]).mean())


@validated(_texts_args)
def bigram_loss(train, val, alpha=1.0, alphabet=None):
    """Loss on ``val`` of next-character frequencies given the previous one, from ``train``.

        p(c | b) = (n(b c) + alpha) / (n(b .) + alpha V)

    where n(b c) counts the pairs "bc" in train and n(b .) the pairs that start with b.

    Inputs and Returns: as unigram_loss; the mean is over the pairs (val[t-1], val[t]).
    """
    V, tr, va = _prepare(train, val, alphabet)
    counts = np.zeros((V, V))  # (previous, next)
    np.add.at(counts, (tr[:-1], tr[1:]), 1.0)
    p = (counts + alpha) / (counts.sum(axis=1, keepdims=True) + alpha * V)  # (V, V)
    return float(-np.log(p[va[:-1], va[1:]]).mean())


@validated(_texts_args)
def baseline_losses(train, val, alpha=1.0, alphabet=None):
    """The three baselines as a dict: "uniform" (ln V), "unigram" and "bigram" losses."""
    V, _, _ = _prepare(train, val, alphabet)
    return {
        "uniform": uniform_loss(V),
        "unigram": unigram_loss(train, val, alpha, alphabet),
        "bigram": bigram_loss(train, val, alpha, alphabet),
    }


def _contexts(ix, order, V):
    """Context number of every position t >= order: ix[t-order:t] read in base V, (L - order,)."""
    ctx = np.zeros(len(ix) - order, dtype=np.int64)
    for j in range(order):  # the oldest character is the most significant digit
        ctx = ctx * V + ix[j:len(ix) - order + j]
    return ctx


def _ngram_args(train, val, order, alpha=1.0, alphabet=None, start=None):
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 0:
        raise ValueError(f"order: expected an integer >= 0, got {order!r}")
    check_text("train", train, order + 1)
    check_text("val", val, order + 1)
    check_positive("alpha", alpha)
    _vocab_of(train, val, alphabet)
    if start is None:
        return
    if isinstance(start, bool) or not isinstance(start, (int, np.integer)) or start < order:
        raise ValueError(f"start: expected an integer >= order = {order} (a full context "
                         f"before every scored character), got {start!r}")
    if start >= len(val):
        raise ValueError(f"start: {start} leaves no character of val ({len(val)}) to score")


@validated(_ngram_args)
def ngram_surprisal(train, val, order, alpha=1.0, alphabet=None):
    """-ln p(c_t | the ``order`` characters before it) for every t >= order of ``val``.

        p(c | s) = (n(s c) + alpha) / (n(s .) + alpha V)

    n(s c) counts how often the context s (``order`` characters) is followed by c in
    ``train``, n(s .) how often s is followed by anything. A context never seen in training
    gives 1/V to every character. Order 0 is the unigram, 1 the bigram, 2 the trigram.

    Inputs:
    - train, val: str, each longer than ``order``.
    - order: int >= 0 (the table has V**order rows: keep it small).
    - alpha: > 0, pseudo-count added to every (context, character) pair.
    - alphabet: the V characters to spread probability over; default: those in either text.

    Returns:
    - surprisal: (len(val) - order,) float64 in nats; entry i belongs to val[order + i].
    """
    chars = _vocab_of(train, val, alphabet)
    V, index = len(chars), {c: i for i, c in enumerate(chars)}
    tr, va = (np.array([index[c] for c in s], dtype=np.int64) for s in (train, val))
    counts = np.zeros((V ** order, V))  # (context, next character)
    np.add.at(counts, (_contexts(tr, order, V), tr[order:]), 1.0)
    p = (counts + alpha) / (counts.sum(axis=1, keepdims=True) + alpha * V)  # rows sum to 1
    return -np.log(p[_contexts(va, order, V), va[order:]])


@validated(lambda train, val, order, alpha=1.0, alphabet=None, start=None: _ngram_args(
    train, val, order, alpha, alphabet, max(order, 1) if start is None else start))
def ngram_loss(train, val, order, alpha=1.0, alphabet=None, start=None):
    """Loss of the order-k count model on val[start:], in nats per character.

    Inputs: as ngram_surprisal, and
    - start: first scored position of ``val``, at least ``order`` (default max(order, 1):
      orders 0 and 1 then equal unigram_loss and bigram_loss). Use one ``start`` for every
      model of a comparison.

    Returns:
    - loss: mean of ngram_surprisal over val[start:].
    """
    start = max(order, 1) if start is None else start
    return float(ngram_surprisal(train, val, order, alpha, alphabet)[start - order:].mean())


def _nats_args(nats):
    a = np.asarray(nats)
    if isinstance(nats, bool) or not np.issubdtype(a.dtype, np.number):
        raise TypeError(f"nats: expected a number or an array of numbers, got "
                        f"{type(nats).__name__}")
    if a.size and not (np.all(np.isfinite(a)) and a.min() >= 0):
        raise ValueError(f"nats: a loss is a finite value >= 0, got {nats}")


@validated(_nats_args)
def bits_per_char(nats):
    """A loss in nats per character (a number or an array) as bits per character: nats / ln 2."""
    return nats / math.log(2)


@validated(lambda loss: check_positive("loss", loss, allow_zero=True))
def perplexity(loss):
    """exp(loss): a loss in nats per character as "as unsure as a fair choice among N"."""
    return math.exp(loss)
