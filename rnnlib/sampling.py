"""Text from a trained char model (any cell): temperature and top-k sampling.

    sample(params, vocab, "Th", 200, temperature=0.8, top_k=None, rng=0) -> str
    sample_indices(params, seed_indices, length, ...) -> (length,) int64 array
"""

import numpy as np

from ._checks import check_integers, check_positive, make_rng, validated
from .activations import softmax
from .models import CHAR_MODELS, char_cell
from .text import Vocabulary


def _sample_args(params, seed_indices, length, temperature=1.0, top_k=None, rng=0, state=None):
    model = CHAR_MODELS[char_cell(params)]
    _, V = model.sizes(params)
    seed = check_integers("seed_indices", seed_indices, 0, V - 1, "every index")
    check_positive("length", length, integer=True, allow_zero=True)
    check_positive("temperature", temperature)
    if top_k is not None:
        check_positive("top_k", top_k, integer=True)
        if top_k > V:
            raise ValueError(f"top_k: must be at most the vocabulary size {V}, got {top_k}")
    make_rng(rng)
    if state is not None:  # the model's own check of a state for one stream
        model.scores(params, seed[None, :1].astype(np.int64), state)


@validated(_sample_args)
def sample_indices(params, seed_indices, length, temperature=1.0, top_k=None, rng=0, state=None):
    """Generate ``length`` character indices after feeding in ``seed_indices``.

    The priming characters run through the network first (from ``state``, default zeros);
    each new character is drawn from softmax(y / temperature), restricted to the top_k
    highest scores if given, and fed back in as the next input.

    Inputs:
    - params: any char model's parameters (the cell is read from the keys).
    - seed_indices: (S,) integers, S >= 1. length: characters to generate (>= 0).
    - temperature: > 0; below 1 sharpens the distribution, above 1 flattens it.
    - top_k: keep only the k most likely characters at each step (None: all).
    - rng: integer seed or numpy Generator. state: the model's state for one stream, or None.

    Returns:
    - indices: (length,) int64 array (the priming characters are not included).
    """
    scores_fn = CHAR_MODELS[char_cell(params)].scores
    rng = make_rng(rng)
    scores, state = scores_fn(params, np.asarray(seed_indices, dtype=np.int64)[None, :], state)
    out = np.empty(length, dtype=np.int64)
    for i in range(length):
        y = scores[0, -1].astype(np.float64) / temperature  # (V,)
        p = softmax(y)
        if top_k is not None:
            p[y < np.partition(y, -top_k)[-top_k]] = 0.0  # below the k-th largest score
        cdf = np.cumsum(p)  # draw by inverting the cumulative distribution
        out[i] = min(int(np.searchsorted(cdf, rng.random() * cdf[-1], side="right")), len(y) - 1)
        scores, state = scores_fn(params, out[None, i:i + 1], state)  # feed it back in
    return out


def _text_args(params, vocab, seed_text, length, temperature=1.0, top_k=None, rng=0):
    _, V = CHAR_MODELS[char_cell(params)].sizes(params)
    if not isinstance(vocab, Vocabulary):
        raise TypeError(f"vocab: expected a rnnlib.Vocabulary, got {type(vocab).__name__}")
    if len(vocab) != V:
        raise ValueError(f"vocab: its size {len(vocab)} does not match the model's vocabulary "
                         f"size {V}")
    if not isinstance(seed_text, str) or not seed_text:
        raise ValueError("seed_text: expected a non-empty string to start from")
    try:
        seed = vocab.encode(seed_text)
    except ValueError as err:
        raise ValueError(f"seed_text: {str(err).removeprefix('text: ')}") from None
    _sample_args(params, seed, length, temperature, top_k, rng)


@validated(_text_args)
def sample(params, vocab, seed_text, length, temperature=1.0, top_k=None, rng=0):
    """Generate text: the ``length`` characters that follow ``seed_text`` (seed excluded).

    Inputs: as sample_indices, with vocab (a rnnlib.Vocabulary) and seed_text (a str whose
    characters are all in vocab) in place of seed_indices.

    Returns:
    - text: str of ``length`` characters.
    """
    ix = sample_indices(params, vocab.encode(seed_text), length, temperature, top_k, rng)
    return vocab.decode(ix)
