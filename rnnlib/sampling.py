"""Text from a trained char-RNN: temperature and top-k sampling.

    sample(params, vocab, "Th", 200, temperature=0.8, top_k=None, rng=0) -> str
    sample_indices(params, seed_indices, length, ...) -> (length,) int64 array
"""

import numpy as np

from ._checks import check_array, check_integers, check_positive, make_rng, validated
from .char_rnn import PARAM_NAMES, char_params, char_rnn_scores
from .layers import softmax
from .text import Vocabulary


def _sample_args(params, seed_indices, length, temperature=1.0, top_k=None, rng=0, h0=None):
    H, V = char_params(params)
    check_integers("seed_indices", seed_indices, 0, V - 1, "every index")
    check_positive("length", length, integer=True, allow_zero=True)
    check_positive("temperature", temperature)
    if top_k is not None:
        check_positive("top_k", top_k, integer=True)
        if top_k > V:
            raise ValueError(f"top_k: must be at most the vocabulary size {V}, got {top_k}")
    if h0 is not None:
        check_array("h0", h0, "H" if np.ndim(h0) == 1 else "1 H", {"H": H})


@validated(_sample_args)
def sample_indices(params, seed_indices, length, temperature=1.0, top_k=None, rng=0, h0=None):
    """Generate ``length`` character indices after feeding in ``seed_indices``.

    The priming characters run through the network first (from h0, default zeros); each new
    character is drawn from softmax(y / temperature), restricted to the top_k highest scores
    if given, and fed back in as the next input.

    Inputs:
    - params: a char-RNN's parameters (init_char_rnn_params). seed_indices: (S,), S >= 1.
    - length: number of characters to generate (>= 0).
    - temperature: > 0; below 1 sharpens the distribution, above 1 flattens it.
    - top_k: keep only the k most likely characters at each step (None: all).
    - rng: integer seed or numpy Generator. h0: (H,) or (1, H) starting state, or None.

    Returns:
    - indices: (length,) int64 array (the priming characters are not included).
    """
    (H, V), dtype = params["W_hy"].shape[::-1], params["W_hh"].dtype
    seed = np.asarray(seed_indices)
    rng = make_rng(rng)
    h = None if h0 is None else np.asarray(h0, dtype=dtype).reshape(1, H)
    W_xh, W_hh, b_h, W_hy, b_y = (params[n] for n in PARAM_NAMES)
    _, hs = char_rnn_scores(params, seed[None, :].astype(np.int64), h)
    h = hs[0, -1]  # (H,)
    out = np.empty(length, dtype=np.int64)
    for i in range(length):
        y = (W_hy @ h + b_y).astype(np.float64) / temperature  # (V,)
        if top_k is not None and top_k < V:
            cutoff = np.partition(y, V - top_k)[V - top_k]  # k-th largest score
            y = np.where(y >= cutoff, y, -np.inf)
        cdf = np.cumsum(softmax(y))  # (V,); draw by inverting the cumulative distribution
        ix = min(int(np.searchsorted(cdf, rng.random() * cdf[-1], side="right")), V - 1)
        out[i] = ix
        h = np.tanh(W_xh[:, ix] + W_hh @ h + b_h)  # lookup of column ix, (H,)
    return out


def _text_args(params, vocab, seed_text, length, temperature=1.0, top_k=None, rng=0):
    V = char_params(params)[1]
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
