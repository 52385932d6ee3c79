"""A character-level RNN language model: the fused loss beside its per-step reference.

Sizes: B streams (batch), T steps per chunk, V characters, H hidden units.

    h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h),   x_t = one-hot of the input character
    y_t = W_hy h_t + b_y,                         p_t = softmax(y_t)

Loss of a chunk: L = (1/B) sum_b sum_t -log p(target_bt) (see rnnlib/__init__.py).
The carried state is h, (B, H).

- ``char_rnn_loss_reference``: one step at a time with explicit one-hot vectors, built from
  rnnlib's step functions and rnnlib.softmax_cross_entropy. Easy to follow, slow.
- ``char_rnn_loss`` (vectorised, tested equal): W_xh x_t is column x_t of W_xh, so the input
  projection of every step is one lookup, and its gradient dW_xh a sum of rows grouped by
  input character (no one-hot product either way); the output layer and the softmax run on
  all steps in one matmul; only the recurrence loops over time. Scores are class-major
  (V, T*B) so the softmax reduces over long contiguous rows; its scratch arrays are kept
  from call to call (one set per thread). benchmarks/char_rnn_speed.py measures it against
  PyTorch and against the time of its matrix products alone.
"""

import threading
from collections import namedtuple

import numpy as np

from . import _checks as checks
from ._checks import check_array, check_cache, check_labels, check_positive, make_rng, validated
from .initializers import small_random
from .layers import rnn_step_backward, rnn_step_forward
from .losses import softmax_cross_entropy

PARAM_NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


CharRNNCache = namedtuple("CharRNNCache", "inputs hs params")  # hs: (T+1, B, H), hs[0] carried in


def check_init_args(vocab_size, hidden_size, rng, dtype, **numbers):
    """The door check that every ``init_char_*_params`` shares (``numbers``: finite ones)."""
    check_positive("vocab_size", vocab_size, integer=True)
    check_positive("hidden_size", hidden_size, integer=True)
    make_rng(rng)  # an integer seed or a Generator
    for name, value in numbers.items():
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
                or not np.isfinite(value):
            raise TypeError(f"{name}: expected a finite number, got {value!r}")
    if dtype not in (np.float32, np.float64, "float32", "float64"):
        raise TypeError(f"dtype: expected float32 or float64, got {dtype!r}")


def _init_args(vocab_size, hidden_size=64, rng=0, dtype=np.float64, init_scale=0.01):
    check_init_args(vocab_size, hidden_size, rng, dtype)
    check_positive("init_scale", init_scale)


@validated(_init_args)
def init_char_rnn_params(vocab_size, hidden_size=64, rng=0, dtype=np.float64, init_scale=0.01):
    """Parameters of a char-RNN: weights N(0, init_scale^2) as in min-char-rnn, zero biases.

    Inputs:
    - vocab_size: V. hidden_size: H. rng: integer seed or numpy Generator.
    - dtype: np.float64 (gradient checks) or np.float32 (faster training).

    Returns:
    - params: dict W_xh (H, V), W_hh (H, H), b_h (H,), W_hy (V, H), b_y (V,).
    """
    V, H, dtype, rng = vocab_size, hidden_size, np.dtype(dtype), make_rng(rng)
    return {
        "W_xh": small_random(H, V, rng, init_scale).astype(dtype),
        "W_hh": small_random(H, H, rng, init_scale).astype(dtype),
        "b_h": np.zeros(H, dtype=dtype),
        "W_hy": small_random(V, H, rng, init_scale).astype(dtype),
        "b_y": np.zeros(V, dtype=dtype),
    }


def char_rnn_sizes(params):
    """Check a char-RNN's parameter dict (one dtype for all); return (H, V)."""
    dims = checks.rnn_params(params, {}, finite=False, D="V", O="V")
    dtype = params["W_hh"].dtype
    for n in PARAM_NAMES:
        if params[n].dtype != dtype:
            raise TypeError(f"params[{n!r}]: dtype {params[n].dtype}, but W_hh is {dtype}")
    return dims["H"], dims["V"]


def _loss_args(params, inputs, targets, state=None):
    H, V = char_rnn_sizes(params)
    dims = {"V": V, "H": H}
    check_labels("inputs", inputs, "B T", dims, V)
    if targets is not None:
        check_labels("targets", targets, "B T", dims, V)
    if state is not None:
        check_array("state", state, "B H", dims)


def _scores_args(params, inputs, state=None):
    _loss_args(params, inputs, None, state)


def _state_args(params, batch_size=1):
    char_rnn_sizes(params)
    check_positive("batch_size", batch_size, integer=True)


@validated(_state_args)
def char_rnn_initial_state(params, batch_size=1):
    """The state at the start of a text: zeros h of shape (B, H), in the params' dtype."""
    return np.zeros((batch_size, params["W_hh"].shape[0]), dtype=params["W_hh"].dtype)


def _start(params, state, B):
    return char_rnn_initial_state(params, B) if state is None else state


# ------------------------------------------------------------------- reference version


@validated(_loss_args)
def char_rnn_loss_reference(params, inputs, targets, state=None):
    """Loss and gradients, one time step at a time with one-hot inputs.

    Inputs:
    - params: dict W_xh (H, V), W_hh (H, H), b_h (H,), W_hy (V, H), b_y (V,).
    - inputs: (B, T) character indices; targets: (B, T) the next character of each.
    - state: (B, H) hidden state carried in from the previous chunk (None: zeros).

    Returns a tuple of:
    - loss: float, sum over the T steps of -log p(target), averaged over the B streams.
    - grads: dict parallel to params.
    - state: (B, H) the hidden state after the last step, to carry into the next chunk.
    """
    W_xh, W_hh, b_h, W_hy, b_y = (params[n] for n in PARAM_NAMES)
    B, T = inputs.shape
    h = _start(params, state, B)
    eye = np.eye(W_hy.shape[0], dtype=W_hh.dtype)
    loss, caches, hs, dys = 0.0, [], [], []
    for t in range(T):
        x = eye[inputs[:, t]]  # (B, V) one-hot rows
        h, cache = rnn_step_forward(x, h, W_xh, W_hh, b_h)  # (B, H)
        nll, dy = softmax_cross_entropy(h @ W_hy.T + b_y, targets[:, t])  # (B,), (B, V)
        loss += nll.sum()
        caches.append(cache)
        hs.append(h)
        dys.append(dy / B)  # p - onehot(target), over B: the loss is a mean over streams
    grads = {n: np.zeros_like(params[n]) for n in PARAM_NAMES}
    dh_next = np.zeros_like(h)  # gradient arriving from step t+1
    for t in reversed(range(T)):
        dy = dys[t]  # (B, V)
        # BPTT: shared weights collect a contribution from every step.
        grads["W_hy"] += dy.T @ hs[t]  # (V, B)@(B, H) -> (V, H)
        grads["b_y"] += dy.sum(axis=0)
        dh = dy @ W_hy + dh_next  # from this step's output and from step t+1, (B, H)
        _, dh_next, dW_xh, dW_hh, db_h = rnn_step_backward(dh, caches[t])
        grads["W_xh"] += dW_xh
        grads["W_hh"] += dW_hh
        grads["b_h"] += db_h
    return float(loss / B), grads, h


# ------------------------------------------------------------------ vectorised version


@validated(_scores_args)
def char_rnn_forward(params, inputs, state=None):
    """Forward pass over a chunk, vectorised: index lookup, one output matmul.

    Inputs:
    - params: dict W_xh (H, V), W_hh (H, H), b_h (H,), W_hy (V, H), b_y (V,).
    - inputs: (B, T) character indices.
    - state: (B, H) hidden state carried in, or None for zeros.

    Returns a tuple of:
    - scores: (B, T, V) unnormalised scores y_t (a transposed view, no copy).
    - cache: what char_rnn_backward needs; cache.hs[t + 1] is h_t, time-major (T+1, B, H).
    """
    scores, cache = _forward(inputs, _start(params, state, inputs.shape[0]), params)
    V = params["W_hy"].shape[0]
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


def _forward(inputs, state, params, work=None):
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
    hs = _empty(work, "hs", (T + 1, B, H), dtype)  # hs[0] = the state carried in, hs[t + 1] = h_t
    hs[0] = state
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
    return scores, CharRNNCache(inputs, hs, params)


def _backward_args(dscores, cache):
    T1, B, _ = check_cache("cache", cache, CharRNNCache).hs.shape
    V = cache.params["W_hy"].shape[0]
    check_array("dscores", dscores, "B T V", {"B": B, "T": T1 - 1, "V": V}, finite=False)


@validated(_backward_args)
def char_rnn_backward(dscores, cache):
    """Backward pass of char_rnn_forward (BPTT through the chunk).

    Inputs:
    - dscores: (B, T, V) gradient of the loss with respect to the scores (not modified).
    - cache: from char_rnn_forward.

    Returns a tuple of (the gradients of char_rnn_forward's inputs, in their order):
    - grads: dict W_xh (H, V), W_hh (H, H), b_h (H,), W_hy (V, H), b_y (V,).
    - dstate: (B, H) gradient with respect to the state carried in.
    """
    V = dscores.shape[2]
    return _backward(dscores.transpose(2, 1, 0).reshape(V, -1), cache)  # (V, T*B) copy


def _backward(dy, cache, work=None):
    """char_rnn_backward on a checked, class-major (V, T*B) gradient ``dy``."""
    inputs, hs, params = cache
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
    # dW_xh: column v sums da over the steps whose input was v (da^T times the one-hot
    # inputs, without the V-times-larger product): sort the rows by input character, then
    # add up each run of equal characters. Characters absent from the chunk get zeros.
    chars = inputs.T.reshape(-1)  # (T*B,) input of every row of da2, time-major
    order = np.argsort(chars, kind="stable")
    counts = np.bincount(chars, minlength=V)  # (V,) rows per character
    present = np.flatnonzero(counts)  # characters that occur in the chunk
    starts = (np.cumsum(counts) - counts)[present]  # where each one's run begins
    sorted_da = np.take(da2, order, axis=0, out=_empty(work, "sorted_da", (T * B, H), hs.dtype))
    dW_xh_T = np.zeros((V, H), dtype=hs.dtype)  # (V, H): row v is column v of dW_xh
    dW_xh_T[present] = np.add.reduceat(sorted_da, starts, axis=0)  # (len(present), H)
    grads["W_xh"] = np.ascontiguousarray(dW_xh_T.T)  # (H, V)
    return {n: grads[n] for n in PARAM_NAMES}, dh_next


_SCRATCH = threading.local()  # char_rnn_loss's work arrays, kept from call to call


@validated(_loss_args)
def char_rnn_loss(params, inputs, targets, state=None):
    """Loss and gradients of a chunk, vectorised (same results as char_rnn_loss_reference).

    Fuses log-softmax and cross-entropy on all T*B steps at once (the fast path of
    softmax_cross_entropy), then runs the backward pass of char_rnn_forward.

    Inputs:
    - params: dict W_xh (H, V), W_hh (H, H), b_h (H,), W_hy (V, H), b_y (V,).
    - inputs, targets: (B, T) character indices.
    - state: (B, H) carried hidden state (None: zeros).

    Returns a tuple of:
    - loss: float, sum over steps of -log p(target), averaged over the B streams.
    - grads: dict parallel to params.
    - state: (B, H) final hidden state (a copy, safe to keep).
    """
    work = _SCRATCH.__dict__  # reused buffers: nothing returned points into them
    y, cache = _forward(inputs, _start(params, state, inputs.shape[0]), params, work)
    B = inputs.shape[0]
    target = targets.T.reshape(-1)  # (T*B,) target class of every column of y
    cols = np.arange(target.size)
    y -= y.max(axis=0)  # in place: the scores are not needed afterwards
    y_target = y[target, cols]  # (T*B,) shifted score of each target
    np.exp(y, out=y)
    total = y.sum(axis=0)  # (T*B,)
    # -log p = log(sum exp) - shifted score (log-softmax): finite even where p rounds to 0.
    loss = (np.log(total, dtype=np.float64) - y_target).sum() / B
    y *= 1.0 / (B * total)  # y now holds p / B, (V, T*B): one pass instead of two
    y[target, cols] -= 1.0 / B  # dL/dy = (p - onehot(target)) / B
    grads, _ = _backward(y, cache, work)
    return float(loss), grads, cache.hs[-1].copy()


# ------------------------------------------------------------------- using a model


@validated(_scores_args)
def char_rnn_scores(params, inputs, state=None):
    """Scores for a chunk without gradients, and the state to carry on.

    Inputs:
    - params: as char_rnn_loss. inputs: (B, T) character indices. state: (B, H) or None.

    Returns a tuple of:
    - scores: (B, T, V) (a view); state: (B, H) the hidden state after the last step.
    """
    scores, cache = char_rnn_forward(params, inputs, state)
    return scores, cache.hs[-1].copy()
