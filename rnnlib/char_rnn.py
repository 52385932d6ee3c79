"""A character-level RNN language model, trained with truncated BPTT and AdaGrad.

API summary (stable; notebooks 06 and 07 and rnnlib.corpus build on it)
-----------------------------------------------------------------------
Sizes: B streams (batch), T steps per chunk, V characters, H hidden units.
Text becomes indices with ``rnnlib.text.Vocabulary``.

    model = CharRNN(vocab_size, hidden_size=64, rng=0, dtype=np.float64)
    model.params                # dict W_xh (H, V), W_hh (H, H), b_h (H,), W_hy (V, H), b_y (V,)
    loss, grads = model.loss(inputs, targets, h0=None)        # inputs, targets: (B, T) ints
    loss, grads, h_last = model.loss_and_state(inputs, targets, h0, method="fast")
    scores, hs = model.forward(inputs, h0=None)   # (B, T, V) scores, (B, T, H) hidden states
    model.evaluate(data, seq_length=100)          # mean nats per character over a text

    char_rnn_loss(params, inputs, targets, h0)            -> (loss, grads, h_last)   fast
    char_rnn_loss_reference(params, inputs, targets, h0)  -> (loss, grads, h_last)   one-hot loop
    char_rnn_forward(inputs, h0, params) -> (scores, cache);  char_rnn_backward(dscores, cache)

    trainer = CharRNNTrainer(model, data, seq_length=25, batch_size=1, lr=0.1, clip=5.0,
                             reset="end" | "chunk", optimizer=None, method="fast")
    losses = trainer.run(steps, print_every=None)  # (steps,) loss of each chunk; call again
    train_char_rnn(model, data, steps, **same_options) -> losses      # one-shot wrapper

    sample(model, vocab, seed_text, length, temperature=1.0, top_k=None, rng=0) -> str
    sample_indices(model, seed_indices, length, ...) -> (length,) int64 array
    save_checkpoint(path, model, vocab);  model, vocab = load_checkpoint(path)

The loss of a chunk is summed over its T steps and averaged over the B streams:
L = (1/B) sum_b sum_t -log p(target_bt). With B = 1 this is exactly the seed's loss; divide
by T for nats per character.

Command line (for instructors):

    python -m rnnlib.char_rnn train --text FILE --steps N [--hidden 64 --seq-length 25
        --batch 1 --lr 0.1 --seed 0 --checkpoint out.npz --dtype float32|float64]
    python -m rnnlib.char_rnn sample --checkpoint FILE --temperature T --length L
        --seed-text S [--top-k K --seed N]

The model
---------
    h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h),   x_t = one-hot of the input character
    y_t = W_hy h_t + b_y,                         p_t = softmax(y_t)

Two implementations compute the same loss and gradients:

- ``char_rnn_loss_reference``: one step at a time with explicit one-hot vectors, built
  from rnnlib's step functions. Easy to follow, slow.
- ``char_rnn_loss`` (the fast path): W_xh x_t is column x_t of W_xh, so the input
  projection of every step is one lookup; the output layer and the softmax run on all steps
  in one matmul; only the recurrence itself stays a loop over time; float32 works too.
  Inside, the scores are class-major (V, T*B) so the softmax reduces over long contiguous
  rows, CharRNNTrainer reuses the large scratch arrays from chunk to chunk (``out=``), and
  clipping plus AdaGrad run in place. ``benchmarks/char_rnn_speed.py`` measures the gain.
"""

import argparse
import functools
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from ._checks import check_array, check_finite_loss, check_labels, check_positive
from .data import make_rng
from .init import small_random
from .layers import _step_backward, _step_forward, softmax
from .optim import AdaGrad, clip_by_value
from .text import Vocabulary, load_text

PARAM_NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")
DTYPES = {"float32": np.float32, "float64": np.float64}


# ----------------------------------------------------------------------------- checks


def _check_params(params):
    """Check the parameter dict and return (H, V, dtype)."""
    if not isinstance(params, dict):
        raise TypeError(f"params: expected a dict of arrays, got {type(params).__name__}")
    missing = [n for n in PARAM_NAMES if n not in params]
    if missing:
        raise ValueError(f"params: missing {missing}; expected keys {list(PARAM_NAMES)}")
    dims = {}
    check_array("W_xh", params["W_xh"], "H V", dims, finite=False)
    check_array("W_hh", params["W_hh"], "H H", dims, finite=False)
    check_array("b_h", params["b_h"], "H", dims, finite=False)
    check_array("W_hy", params["W_hy"], "V H", dims, finite=False)
    check_array("b_y", params["b_y"], "V", dims, finite=False)
    dtype = params["W_hh"].dtype
    for n in PARAM_NAMES:
        if params[n].dtype != dtype:
            raise TypeError(f"params[{n!r}]: dtype {params[n].dtype}, but W_hh is {dtype}")
    return dims["H"], dims["V"], dtype


def _check_batch(inputs, targets, h0, H, V, dtype):
    """Check (B, T) index arrays and the initial state; return h0 (zeros if None)."""
    dims = {"V": V, "H": H}
    check_labels("inputs", inputs, "B T", dims, V)
    if targets is not None:
        check_labels("targets", targets, "B T", dims, V)
    if h0 is None:
        return np.zeros((inputs.shape[0], H), dtype=dtype)
    check_array("h0", h0, "B H", dims)
    return h0


# ------------------------------------------------------------------- reference version


def char_rnn_loss_reference(params, inputs, targets, h0=None):
    """Loss and gradients, one time step at a time with one-hot inputs (the seed's way).

    Inputs:
    - params: dict W_xh (H, V), W_hh (H, H), b_h (H,), W_hy (V, H), b_y (V,).
    - inputs: (B, T) character indices; targets: (B, T) the next character of each.
    - h0: (B, H) hidden state carried in from the previous chunk (None: zeros).

    Returns a tuple of:
    - loss: float, sum over the T steps of -log p(target), averaged over the B streams.
    - grads: dict parallel to params.
    - h_last: (B, H) the hidden state after the last step, to carry into the next chunk.
    """
    H, V, dtype = _check_params(params)
    h0 = _check_batch(inputs, targets, h0, H, V, dtype)
    return _loss_reference(params, inputs, targets, h0)


def _loss_reference(params, inputs, targets, h0):
    """char_rnn_loss_reference on checked arguments (h0 not None)."""
    W_xh, W_hh, b_h, W_hy, b_y = (params[n] for n in PARAM_NAMES)
    B, T = inputs.shape
    V, dtype = W_hy.shape[0], W_hh.dtype
    rows = np.arange(B)
    eye = np.eye(V, dtype=dtype)
    loss, h, caches, hs, ps = 0.0, h0, [], [], []
    for t in range(T):
        x = eye[inputs[:, t]]  # (B, V) one-hot rows
        h, cache = _step_forward(x, h, W_xh, W_hh, b_h)  # (B, H)
        p = softmax(h @ W_hy.T + b_y)  # (B, H)@(H, V) -> (B, V) probabilities
        loss -= np.log(p[rows, targets[:, t]]).sum()
        caches.append(cache)
        hs.append(h)
        ps.append(p)
    grads = {n: np.zeros_like(params[n]) for n in PARAM_NAMES}
    dh_next = np.zeros_like(h0)  # gradient arriving from step t+1
    for t in reversed(range(T)):
        dy = ps[t].copy()  # d(-log p_target)/dy = p - onehot(target), (B, V)
        dy[rows, targets[:, t]] -= 1.0
        dy /= B  # the loss is a mean over streams
        # BPTT: shared weights collect a contribution from every step.
        grads["W_hy"] += dy.T @ hs[t]  # (V, B)@(B, H) -> (V, H)
        grads["b_y"] += dy.sum(axis=0)
        dh = dy @ W_hy + dh_next  # from this step's output and from step t+1, (B, H)
        _, dh_next, dW_xh, dW_hh, db_h = _step_backward(dh, caches[t])
        grads["W_xh"] += dW_xh
        grads["W_hh"] += dW_hh
        grads["b_h"] += db_h
    return float(loss / B), grads, h


# ------------------------------------------------------------------------ fast version


def char_rnn_forward(inputs, h0, params):
    """Forward pass over a chunk, fast: index lookup, one output matmul, float32 welcome.

    Inputs:
    - inputs: (B, T) character indices.
    - h0: (B, H) initial hidden state, or None for zeros.
    - params: dict W_xh (H, V), W_hh (H, H), b_h (H,), W_hy (V, H), b_y (V,).

    Returns a tuple of:
    - scores: (B, T, V) unnormalised scores y_t (a transposed view, no copy).
    - cache: what char_rnn_backward needs; cache["hs"][t + 1] is h_t, time-major (T+1, B, H).
    """
    H, V, dtype = _check_params(params)
    h0 = _check_batch(inputs, None, h0, H, V, dtype)
    scores, cache = _forward(inputs, h0, params)
    return scores.reshape(V, *inputs.T.shape).transpose(2, 1, 0), cache  # (B, T, V) view


def _empty(work, name, shape, dtype):
    """np.empty(shape, dtype), or the buffer ``work[name]`` kept from the previous chunk.

    A fresh multi-megabyte temporary costs page faults on every chunk; CharRNNTrainer keeps
    one ``work`` dict, so the same memory serves every chunk. None: always a new array.
    """
    if work is None:
        return np.empty(shape, dtype=dtype)
    buf = work.get(name)
    if buf is None or buf.shape != shape or buf.dtype != dtype:
        buf = work[name] = np.empty(shape, dtype=dtype)
    return buf


def _forward(inputs, h0, params, work=None):
    """char_rnn_forward on checked arguments; returns class-major (V, T*B) scores.

    Column t*B + b of the scores belongs to step t of stream b. With the V classes along
    the first axis, the softmax's max, exp and sum run over long contiguous rows, which
    NumPy does several times faster than over a short last axis of V numbers.
    ``work``: buffers to reuse (see _empty); the scores and cache then live in them.
    """
    W_xh, W_hh, b_h, W_hy, b_y = (params[n] for n in PARAM_NAMES)
    B, T = inputs.shape
    H, V, dtype = W_hh.shape[0], W_hy.shape[0], W_hh.dtype
    # Internally time-major (T, B, ...): hs[t] is then one contiguous (B, H) block.
    # W_xh @ onehot(v) is column v of W_xh: look up every step's input projection at once.
    # Folding b_h into the (V, H) table first costs V*H additions instead of T*B*H.
    table = W_xh.T + b_h  # (V, H), a new C-ordered array: row v is W_xh[:, v] + b_h
    xw = np.take(table, inputs.T, axis=0, mode="clip",  # indices already checked; "clip"
                 out=_empty(work, "xw", (T, B, H), dtype))  # avoids a copy; -> (T, B, H)
    hs = _empty(work, "hs", (T + 1, B, H), dtype)  # hs[0] = h0, hs[t + 1] = h_t
    hs[0] = h0
    # A C-ordered copy of W_hh.T (H*H numbers, once per chunk): BLAS multiplies by it
    # about twice as fast as by the transposed view, and the loop does it T times.
    W_hh_T = np.ascontiguousarray(W_hh.T)  # (H, H)
    # np.dot(..., out=) has less per-call overhead than matmul: it matters when B is small.
    for h_prev, a, x_proj in zip(hs[:-1], hs[1:], xw, strict=True):
        np.dot(h_prev, W_hh_T, out=a)  # (B, H)@(H, H) -> (B, H)
        a += x_proj
        np.tanh(a, out=a)  # h_t overwrites a_t in place
    # Every step's output in one matmul (2-D: a 3-D matmul would loop over T inside).
    scores = np.matmul(W_hy, hs[1:].reshape(T * B, H).T,  # (V, H)@(H, T*B) -> (V, T*B)
                       out=_empty(work, "scores", (V, T * B), dtype))
    scores += b_y[:, None]
    return scores, {"inputs": inputs, "hs": hs, "params": params}


def char_rnn_backward(dscores, cache):
    """Backward pass of char_rnn_forward (BPTT through the chunk).

    Inputs:
    - dscores: (B, T, V) gradient of the loss with respect to the scores (not modified).
    - cache: from char_rnn_forward.

    Returns a tuple of:
    - grads: dict W_xh (H, V), W_hh (H, H), b_h (H,), W_hy (V, H), b_y (V,).
    - dh0: (B, H) gradient with respect to the initial hidden state.
    """
    if not isinstance(cache, dict) or set(cache) != {"inputs", "hs", "params"}:
        raise TypeError("cache: expected the cache dict returned by char_rnn_forward")
    T1, B, _ = cache["hs"].shape
    V = cache["params"]["W_hy"].shape[0]
    check_array("dscores", dscores, "B T V", {"B": B, "T": T1 - 1, "V": V}, finite=False)
    return _backward(dscores.transpose(2, 1, 0).reshape(V, -1), cache)  # (V, T*B) copy


def _backward(dy, cache, work=None):
    """char_rnn_backward on a checked, class-major (V, T*B) gradient ``dy``."""
    inputs, hs, params = cache["inputs"], cache["hs"], cache["params"]
    W_hh, W_hy = params["W_hh"], params["W_hy"]
    T1, B, H = hs.shape
    T, V = T1 - 1, W_hy.shape[0]
    h_all = hs[1:].reshape(T * B, H)  # (T*B, H), a view
    grads = {}
    # Output layer, all steps together; the sum over T*B columns is the BPTT sum for W_hy, b_y.
    grads["W_hy"] = dy @ h_all  # (V, T*B)@(T*B, H) -> (V, H)
    grads["b_y"] = dy.sum(axis=1)  # (V,)
    da = np.matmul(dy.T, W_hy, out=_empty(work, "da", (T * B, H), hs.dtype))  # (T*B, V)@(V, H)
    da = da.reshape(T, B, H)  # dL/dh_t from the outputs only, so far
    # tanh'(a_t) = 1 - h_t^2 for all steps at once, (T, B, H)
    dtanh = np.multiply(hs[1:], hs[1:], out=_empty(work, "dtanh", (T, B, H), hs.dtype))
    np.subtract(1.0, dtanh, out=dtanh)
    dh_next = np.zeros((B, H), dtype=hs.dtype)
    for da_t, dtanh_t in zip(da[::-1], dtanh[::-1], strict=True):  # t = T-1, ..., 0
        # Fused step: da_t turns in place from dL/dh_t (output + next step) into dL/da_t.
        da_t += dh_next
        da_t *= dtanh_t
        np.dot(da_t, W_hh, out=dh_next)  # (B, H)@(H, H) -> dL/dh_{t-1}
    da2 = da.reshape(T * B, H)  # (T*B, H)
    # BPTT sums over every step, done as one matmul each instead of T small ones.
    grads["W_hh"] = da2.T @ hs[:-1].reshape(T * B, H)  # (H, T*B)@(T*B, H) -> (H, H)
    grads["b_h"] = da2.sum(axis=0)
    # dW_xh: column v sums da over the steps whose input was v. That is da^T times the
    # one-hot inputs; the matmul is faster than a scatter-add (np.add.at) in NumPy.
    onehot = _empty(work, "onehot", (T * B, V), hs.dtype)  # time-major rows like da2
    onehot.fill(0.0)
    onehot[np.arange(T * B), inputs.T.reshape(-1)] = 1.0
    grads["W_xh"] = da2.T @ onehot  # (H, T*B)@(T*B, V) -> (H, V)
    return {n: grads[n] for n in PARAM_NAMES}, dh_next


def char_rnn_loss(params, inputs, targets, h0=None):
    """Loss and gradients of a chunk, fast version (same results as the reference).

    Fuses softmax and cross-entropy on all T*B steps at once (rnnlib's
    temporal_softmax_cross_entropy_loss averages over steps and validates masks, which the
    summed char-RNN loss does not want), then calls char_rnn_backward.

    Inputs:
    - params: dict W_xh (H, V), W_hh (H, H), b_h (H,), W_hy (V, H), b_y (V,).
    - inputs, targets: (B, T) character indices.
    - h0: (B, H) carried hidden state (None: zeros).

    Returns a tuple of:
    - loss: float, sum over steps of -log p(target), averaged over the B streams.
    - grads: dict parallel to params.
    - h_last: (B, H) final hidden state (a copy, safe to keep).
    """
    H, V, dtype = _check_params(params)
    h0 = _check_batch(inputs, targets, h0, H, V, dtype)
    return _loss_fast(params, inputs, targets, h0)


def _loss_fast(params, inputs, targets, h0, work=None):
    """char_rnn_loss on checked arguments (h0 not None); ``work``: buffers to reuse."""
    y, cache = _forward(inputs, h0, params, work)  # scores, class-major (V, T*B)
    B = inputs.shape[0]
    target = targets.T.reshape(-1)  # (T*B,) target class of every column of y
    cols = np.arange(target.size)
    y -= y.max(axis=0)  # in place: the scores are not needed afterwards
    y_target = y[target, cols]  # (T*B,) shifted score of each target
    np.exp(y, out=y)
    total = y.sum(axis=0)  # (T*B,)
    # -log p = log(sum exp) - shifted score: finite even where p rounds to 0.
    loss = (np.log(total, dtype=np.float64) - y_target).sum() / B
    y *= 1.0 / (B * total)  # y now holds p / B, (V, T*B): one pass instead of two
    y[target, cols] -= 1.0 / B  # dL/dy = (p - onehot(target)) / B
    grads, _ = _backward(y, cache, work)
    return float(loss), grads, cache["hs"][-1].copy()


# ----------------------------------------------------------------------------- model


class CharRNN:
    """A vanilla-RNN character model: parameters plus loss, forward and evaluation.

    Inputs:
    - vocab_size: V, number of distinct characters.
    - hidden_size: H.
    - rng: integer seed or numpy Generator for the initial weights.
    - dtype: np.float64 (default; gradient checks) or np.float32 (faster training).
    - init_scale: weights start as N(0, init_scale^2), biases at 0 (as in the seed).
    """

    def __init__(self, vocab_size, hidden_size=64, rng=0, dtype=np.float64, init_scale=0.01):
        check_positive("vocab_size", vocab_size, integer=True)
        check_positive("hidden_size", hidden_size, integer=True)
        check_positive("init_scale", init_scale)
        dtype = np.dtype(dtype)
        if dtype not in (np.float32, np.float64):
            raise TypeError(f"dtype: expected float32 or float64, got {dtype}")
        rng = make_rng(rng)
        V, H = int(vocab_size), int(hidden_size)
        self.params = {
            "W_xh": small_random(H, V, rng, init_scale).astype(dtype),
            "W_hh": small_random(H, H, rng, init_scale).astype(dtype),
            "b_h": np.zeros(H, dtype=dtype),
            "W_hy": small_random(V, H, rng, init_scale).astype(dtype),
            "b_y": np.zeros(V, dtype=dtype),
        }

    @classmethod
    def from_params(cls, params):
        """A model around existing parameter arrays (checked, not copied)."""
        H, V, _ = _check_params(params)
        model = cls.__new__(cls)
        model.params = {n: params[n] for n in PARAM_NAMES}
        return model

    vocab_size = property(lambda self: self.params["W_hy"].shape[0], doc="V")
    hidden_size = property(lambda self: self.params["W_hh"].shape[0], doc="H")
    dtype = property(lambda self: self.params["W_hh"].dtype, doc="float32 or float64")

    def initial_state(self, batch_size=1):
        """Zeros of shape (B, H): the state at the start of a text."""
        check_positive("batch_size", batch_size, integer=True)
        return np.zeros((batch_size, self.hidden_size), dtype=self.dtype)

    def loss_and_state(self, inputs, targets, h0=None, method="fast"):
        """(loss, grads, h_last) of a chunk; method "fast" or "reference"."""
        if method == "fast":
            return char_rnn_loss(self.params, inputs, targets, h0)
        if method == "reference":
            return char_rnn_loss_reference(self.params, inputs, targets, h0)
        raise ValueError(f"method: expected 'fast' or 'reference', got {method!r}")

    def loss(self, inputs, targets, h0=None):
        """(loss, grads) of a chunk, as rnnlib.train and check_gradients expect."""
        loss, grads, _ = char_rnn_loss(self.params, inputs, targets, h0)
        return loss, grads

    def forward(self, inputs, h0=None):
        """Scores and hidden states for a chunk, without gradients.

        Inputs:
        - inputs: (B, T) character indices; h0: (B, H) or None.

        Returns a tuple of:
        - scores: (B, T, V); hs: (B, T, H) hidden state after every step (views).
        """
        scores, cache = char_rnn_forward(inputs, h0, self.params)
        return scores, cache["hs"][1:].transpose(1, 0, 2)

    def evaluate(self, data, seq_length=100):
        """Mean loss in nats per character of predicting ``data`` one character ahead.

        Runs through the whole text as one stream, carrying the hidden state across chunks
        of ``seq_length`` (chunks only bound memory; the result does not depend on them).

        Inputs:
        - data: (L,) character indices, L >= 2.

        Returns:
        - nats: float, mean of -log p(next character) over the L - 1 predictions.
        """
        data = _check_data(data, self.vocab_size, 2)
        check_positive("seq_length", seq_length, integer=True)
        h, total = None, 0.0
        for start in range(0, len(data) - 1, seq_length):
            x = data[start:start + seq_length][None, :]  # (1, T')
            y = data[start + 1:start + 1 + x.shape[1]]
            x = x[:, :len(y)]
            scores, cache = char_rnn_forward(x, h, self.params)
            s = scores[0].astype(np.float64)  # (T', V)
            s -= s.max(axis=1, keepdims=True)
            logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
            total -= logp[np.arange(len(y)), y].sum()
            h = cache["hs"][-1]
        return float(total / (len(data) - 1))


def _check_data(data, V, min_len):
    if not isinstance(data, np.ndarray):
        raise TypeError(
            f"data: expected a 1-D NumPy integer array (vocab.encode(text)), "
            f"got {type(data).__name__}"
        )
    check_labels("data", data, "L", {}, V)
    if len(data) < min_len:
        raise ValueError(f"data: has {len(data)} characters, at least {min_len} needed")
    return data


# --------------------------------------------------------------------------- training


class CharRNNTrainer:
    """Truncated BPTT over a text, in B parallel streams, with the hidden state carried.

    The text is cut into B contiguous streams of equal length (stream b starts at
    character b * L // B). Each step takes the next chunk of T characters from every
    stream, predicts each one's successor, clips every gradient entry to [-clip, clip] and
    updates the parameters. The hidden state of each stream is carried from chunk to chunk
    and reset to zero when the streams run out of text and start again from the beginning
    (the seed's behaviour), or at every chunk with ``reset="chunk"``.

    Inputs:
    - model: a CharRNN.
    - data: (L,) character indices of the training text.
    - seq_length: T, steps per chunk (how far back gradients flow).
    - batch_size: B, number of parallel streams.
    - lr: learning rate of the default optimizer, rnnlib.AdaGrad(lr).
    - clip: clip gradient entries to [-clip, clip]; None for no clipping.
    - reset: "end" (carry the state, reset at the end of the text) or "chunk".
    - optimizer: any object with step(params, grads), e.g. rnnlib.SGD(0.1).
    - method: "fast" or "reference" (the one-hot loop; for tests and benchmarks).
    """

    def __init__(self, model, data, seq_length=25, batch_size=1, lr=0.1, clip=5.0,
                 reset="end", optimizer=None, method="fast"):
        if not isinstance(model, CharRNN):
            raise TypeError(f"model: expected a CharRNN, got {type(model).__name__}")
        check_positive("seq_length", seq_length, integer=True)
        check_positive("batch_size", batch_size, integer=True)
        data = _check_data(data, model.vocab_size, 2)
        if reset not in ("end", "chunk"):
            raise ValueError(f"reset: expected 'end' or 'chunk', got {reset!r}")
        if method not in ("fast", "reference"):
            raise ValueError(f"method: expected 'fast' or 'reference', got {method!r}")
        if clip is not None:
            check_positive("clip", clip)
        stream_len = len(data) // batch_size
        if stream_len < seq_length + 1:
            raise ValueError(
                f"data: {len(data)} characters are too few for {batch_size} stream(s) of "
                f"seq_length {seq_length}: each stream needs at least {seq_length + 1}, "
                f"so at least {batch_size * (seq_length + 1)} characters; use a longer "
                "text, a smaller batch_size or a shorter seq_length"
            )
        self.model, self.seq_length, self.batch_size = model, seq_length, batch_size
        self.clip, self.reset, self.method = clip, reset, method
        self.optimizer = AdaGrad(lr) if optimizer is None else optimizer
        self.streams = data[: stream_len * batch_size].reshape(batch_size, stream_len)  # (B, L/B)
        self.position = 0  # start of the next chunk inside every stream
        self.h = model.initial_state(batch_size)  # (B, H), carried between chunks
        self.steps_done = 0
        self.losses = []  # every chunk's loss so far, across calls to run
        self._work = {}  # scratch arrays of the fast loss, reused by every chunk

    def next_chunk(self):
        """The next (inputs, targets), each (B, T); resets state and position at the end."""
        T = self.seq_length
        if self.position + T + 1 > self.streams.shape[1]:  # not enough text left: wrap
            self.position = 0
            self.h = self.model.initial_state(self.batch_size)
        p = self.position
        self.position += T
        return self.streams[:, p:p + T], self.streams[:, p + 1:p + T + 1]

    def run(self, steps, print_every=None, log=print):
        """Train for ``steps`` chunks and return their losses, (steps,) float64.

        Progress lines (every ``print_every`` steps) show the smoothed loss per chunk and
        per character. Stops with FloatingPointError, naming the step, if the loss stops
        being finite.
        """
        check_positive("steps", steps, integer=True)
        if print_every is not None:
            check_positive("print_every", print_every, integer=True)
        _check_params(self.model.params)  # once per run: the chunks are valid by construction
        if self.method == "fast":  # reuse the same buffers from chunk to chunk
            loss_fn = functools.partial(_loss_fast, work=self._work)
        else:
            loss_fn = _loss_reference
        out = np.empty(steps)
        for k in range(steps):
            inputs, targets = self.next_chunk()
            h0 = self.model.initial_state(self.batch_size) if self.reset == "chunk" else self.h
            loss, grads, self.h = loss_fn(self.model.params, inputs, targets, h0)
            out[k] = check_finite_loss(loss, self.steps_done)
            if type(self.optimizer) is AdaGrad:  # the usual case: fused, in place
                _clip_adagrad_step(self.optimizer, self.model.params, grads, self.clip)
            else:
                if self.clip is not None:
                    clip_by_value(grads, self.clip)
                self.optimizer.step(self.model.params, grads)
            self.steps_done += 1
            self.losses.append(loss)
            if print_every and (self.steps_done % print_every == 0 or k == 0):
                log(self.progress_line())
        return out

    def smoothed_loss(self, beta=0.99):
        """Exponential moving average of the chunk losses so far (bias-corrected)."""
        s, n = 0.0, len(self.losses)
        for v in self.losses[-1000:]:
            s = beta * s + (1 - beta) * v
        return s / (1 - beta ** min(n, 1000)) if n else float("nan")

    def progress_line(self):
        """One line: step, smoothed loss per chunk and per character."""
        s = self.smoothed_loss()
        return (f"step {self.steps_done:>6}  loss {s:8.4f}  "
                f"({s / self.seq_length:.4f} nats/char)")


def _clip_adagrad_step(optimizer, params, grads, clip):
    """clip_by_value(grads, clip) then optimizer.step(params, grads), in place.

    The same arithmetic in the same order as rnnlib's AdaGrad (so the same numbers, bit for
    bit), without its temporary arrays: ``grads`` is used as scratch space and destroyed.
    """
    for name, p in params.items():
        g = grads[name]
        if clip is not None:
            np.clip(g, -clip, clip, out=g)
        mem = optimizer.memory.get(name)
        if mem is None:
            mem = optimizer.memory[name] = np.zeros_like(p)
        scratch = np.multiply(g, g)  # g^2, reused below for sqrt(mem + eps)
        mem += scratch
        np.add(mem, optimizer.eps, out=scratch)
        np.sqrt(scratch, out=scratch)
        g *= optimizer.lr
        g /= scratch  # lr * g / sqrt(mem + eps)
        p -= g


def train_char_rnn(model, data, steps, print_every=None, log=print, **options):
    """Train ``model`` on ``data`` for ``steps`` chunks; returns the (steps,) losses.

    ``options`` are CharRNNTrainer's: seq_length, batch_size, lr, clip, reset, optimizer,
    method.
    """
    return CharRNNTrainer(model, data, **options).run(steps, print_every, log)


# --------------------------------------------------------------------------- sampling


def sample_indices(model, seed_indices, length, temperature=1.0, top_k=None, rng=0, h0=None):
    """Generate ``length`` character indices after feeding in ``seed_indices``.

    The seed is run through the network (from h0, default zeros); each new character is
    drawn from softmax(y / temperature), restricted to the top_k highest scores if given,
    and fed back in as the next input.

    Inputs:
    - model: a CharRNN (or a params dict).
    - seed_indices: (S,) integers, S >= 1.
    - length: number of characters to generate (>= 0).
    - temperature: > 0; below 1 sharpens the distribution, above 1 flattens it.
    - top_k: keep only the k most likely characters at each step (None: all).
    - rng: integer seed or numpy Generator.
    - h0: (H,) or (1, H) starting state, or None.

    Returns:
    - indices: (length,) int64 array (the seed is not included).
    """
    params = model.params if isinstance(model, CharRNN) else model
    H, V, dtype = _check_params(params)
    seed = np.asarray(seed_indices)
    if seed.ndim != 1 or seed.size == 0:
        raise ValueError(f"seed_indices: expected a non-empty 1-D array, got shape {seed.shape}")
    _check_data(seed, V, 1)
    check_positive("length", length, integer=True, allow_zero=True)
    check_positive("temperature", temperature)
    if top_k is not None:
        check_positive("top_k", top_k, integer=True)
        if top_k > V:
            raise ValueError(f"top_k: must be at most the vocabulary size {V}, got {top_k}")
    rng = make_rng(rng)
    h = None if h0 is None else np.asarray(h0, dtype=dtype).reshape(1, H)
    W_xh, W_hh, b_h, W_hy, b_y = (params[n] for n in PARAM_NAMES)
    _, cache = char_rnn_forward(seed[None, :].astype(np.int64), h, params)
    h = cache["hs"][-1][0]  # (H,)
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


def sample(model, vocab, seed_text, length, temperature=1.0, top_k=None, rng=0):
    """Generate text: the ``length`` characters that follow ``seed_text`` (seed excluded).

    Raises ValueError naming any seed character that is not in the vocabulary.
    """
    if not isinstance(vocab, Vocabulary):
        raise TypeError(f"vocab: expected a rnnlib.text.Vocabulary, got {type(vocab).__name__}")
    if not isinstance(seed_text, str) or not seed_text:
        raise ValueError("seed_text: expected a non-empty string to start from")
    if len(vocab) != (model.vocab_size if isinstance(model, CharRNN) else model["b_y"].size):
        raise ValueError("vocab: its size does not match the model's vocabulary size")
    try:
        seed = vocab.encode(seed_text)
    except ValueError as err:
        raise ValueError(f"seed_text: {str(err).removeprefix('text: ')}") from None
    ix = sample_indices(model, seed, length, temperature, top_k, rng)
    return vocab.decode(ix)


# ------------------------------------------------------------------------ checkpoints

CHECKPOINT_KEYS = (*PARAM_NAMES, "vocab")


def save_checkpoint(path, model, vocab):
    """Save parameters and vocabulary to an .npz file, atomically.

    Writes a temporary file in the same folder and renames it over ``path``, so an
    interrupted save never leaves a half-written checkpoint behind. The vocabulary is stored
    as an int32 array of Unicode code points (no pickle).
    """
    if not isinstance(model, CharRNN):
        raise TypeError(f"model: expected a CharRNN, got {type(model).__name__}")
    if not isinstance(vocab, Vocabulary):
        raise TypeError(f"vocab: expected a Vocabulary, got {type(vocab).__name__}")
    if len(vocab) != model.vocab_size:
        raise ValueError(
            f"vocab: has {len(vocab)} characters but the model expects {model.vocab_size}"
        )
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise FileNotFoundError(f"{path}: cannot save, folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:  # a file object: np.savez adds no ".npz" suffix
            np.savez(f, vocab=vocab.code_points(), **model.params)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def load_checkpoint(path):
    """Load and validate a checkpoint written by save_checkpoint.

    Returns a tuple of:
    - model: CharRNN with the stored parameters.
    - vocab: the Vocabulary it was trained with.

    Raises FileNotFoundError for a missing file and ValueError, naming the file, for one
    that is corrupt, truncated, or whose arrays are missing or inconsistent.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such checkpoint file")
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {k: f[k] for k in f.files}
    except Exception as err:  # zipfile.BadZipFile, EOFError, OSError, zlib.error, pickle, ...
        raise ValueError(
            f"{path}: not a valid char-RNN checkpoint (corrupt or truncated file, or not "
            f"an .npz archive: {type(err).__name__}: {err})"
        ) from None
    missing = [k for k in CHECKPOINT_KEYS if k not in arrays]
    extra = sorted(set(arrays) - set(CHECKPOINT_KEYS))
    if missing or extra:
        raise ValueError(
            f"{path}: not a valid char-RNN checkpoint (missing arrays {missing}, "
            f"unexpected arrays {extra}; expected {list(CHECKPOINT_KEYS)})"
        )
    try:
        params = {n: arrays[n] for n in PARAM_NAMES}
        for n, a in params.items():
            if a.dtype not in (np.float32, np.float64):
                raise ValueError(f"{n} has dtype {a.dtype}, expected float32 or float64")
        H, V, _ = _check_params(params)
        for n, a in params.items():
            if not np.all(np.isfinite(a)):
                raise ValueError(f"{n} contains NaN or infinite values")
        vocab = Vocabulary.from_code_points(arrays["vocab"])
        if len(vocab) != V:
            raise ValueError(f"vocab has {len(vocab)} characters but W_hy has V = {V} rows")
    except (ValueError, TypeError) as err:
        raise ValueError(f"{path}: not a valid char-RNN checkpoint ({err})") from None
    return CharRNN.from_params(params), vocab


# ---------------------------------------------------------------------- command line


def _train_command(args, out=None):
    out = sys.stdout if out is None else out  # looked up now, so redirection works
    dtype = DTYPES[args.dtype]
    for option in ("steps", "hidden", "seq_length", "batch"):
        check_positive("--" + option.replace("_", "-"), getattr(args, option), integer=True)
    check_positive("--lr", args.lr)
    folder = Path(args.checkpoint).parent
    if not folder.is_dir():  # fail now, not after the training
        raise FileNotFoundError(f"--checkpoint: folder {folder} does not exist")
    text = load_text(args.text, min_length=args.batch * (args.seq_length + 1))
    vocab = Vocabulary.from_text(text)
    data = vocab.encode(text)
    model = CharRNN(len(vocab), args.hidden, rng=args.seed, dtype=dtype)
    trainer = CharRNNTrainer(model, data, seq_length=args.seq_length, batch_size=args.batch,
                             lr=args.lr)
    print(f"text: {len(text)} characters, vocabulary {len(vocab)}; model H={args.hidden}, "
          f"B={args.batch}, T={args.seq_length}, {args.dtype}", file=out)
    every = max(1, args.steps // 5)
    start, done = time.perf_counter(), 0
    while done < args.steps:
        n = min(every, args.steps - done)
        trainer.run(n)
        done += n
        rate = done * args.batch * args.seq_length / (time.perf_counter() - start)
        print(f"{trainer.progress_line()}  {rate:,.0f} chars/s", file=out)
    save_checkpoint(args.checkpoint, model, vocab)
    print(f"checkpoint written to {args.checkpoint}", file=out)


def _sample_command(args, out=None):
    out = sys.stdout if out is None else out
    check_positive("--length", args.length, integer=True, allow_zero=True)
    check_positive("--temperature", args.temperature)
    if args.top_k is not None:
        check_positive("--top-k", args.top_k, integer=True)
    model, vocab = load_checkpoint(args.checkpoint)
    text = sample(model, vocab, args.seed_text, args.length, args.temperature, args.top_k,
                  args.seed)
    print(args.seed_text + text, file=out)


def main(argv=None):
    """Entry point of ``python -m rnnlib.char_rnn``; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m rnnlib.char_rnn",
                                     description="Train a char-RNN on a UTF-8 text, or sample.")
    sub = parser.add_subparsers(dest="command", required=True)
    tr = sub.add_parser("train", help="train on a text file and write a checkpoint")
    tr.add_argument("--text", required=True, help="UTF-8 text file")
    tr.add_argument("--steps", type=int, required=True, help="number of chunks to train on")
    tr.add_argument("--hidden", type=int, default=64)
    tr.add_argument("--seq-length", type=int, default=25)
    tr.add_argument("--batch", type=int, default=1, help="parallel streams")
    tr.add_argument("--lr", type=float, default=0.1, help="AdaGrad learning rate")
    tr.add_argument("--seed", type=int, default=0)
    tr.add_argument("--checkpoint", default="char_rnn.npz")
    tr.add_argument("--dtype", choices=sorted(DTYPES), default="float32")
    sa = sub.add_parser("sample", help="generate text from a checkpoint")
    sa.add_argument("--checkpoint", required=True)
    sa.add_argument("--temperature", type=float, default=1.0)
    sa.add_argument("--length", type=int, default=200)
    sa.add_argument("--seed-text", required=True)
    sa.add_argument("--top-k", type=int, default=None)
    sa.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        if args.command == "train":
            _train_command(args)
        else:
            _sample_command(args)
    except (ValueError, TypeError, OSError, FloatingPointError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
