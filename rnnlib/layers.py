"""The vanilla RNN and its output layers, as forward/backward pairs.

Sizes: N sequences in a batch, T time steps, D input features, H hidden units, O outputs.

    a_t = x_t @ W_xh.T + h_{t-1} @ W_hh.T + b_h      # (N, H)
    h_t = tanh(a_t)                                   # (N, H)
    y_t = h_t @ W_hy.T + b_y                          # (N, O)

Every ``*_forward`` returns ``(out, cache)``, the cache a named tuple; the matching
``*_backward(dout, cache)`` returns the gradient of the loss with respect to each input of
the forward function. Each function's door check sits just above it (see rnnlib/__init__.py).

The RNN step and sequence functions write ``W.mT`` (NumPy's transpose of the last two axes)
where the equations write W.T, and sum over ``axis=-2``, so that, like rnnlib.gated, they
also run a stack of S independent models at once: data (S, N, T, D), states (S, N, H),
weights (S, H, D) and (S, H, H), bias (S, 1, H). A 3-D W_hh announces the stack.
rnnlib.recall trains several seeds side by side that way.
"""

from collections import namedtuple

import numpy as np

from . import _checks as checks
from ._checks import validated

RNNStepCache = namedtuple("RNNStepCache", "x h_prev h W_xh W_hh")
RNNCache = namedtuple("RNNCache", "steps x_shape")  # steps: one RNNStepCache per step
AffineCache = namedtuple("AffineCache", "h W")
LastStepCache = namedtuple("LastStepCache", "h_shape lengths")


def _rnn_args(x, h0, W_xh, W_hh, b_h, *, step=False):
    """x, the weights, then the state (h_prev of one step, or h0 of a sequence).

    A 3-D W_hh (S, H, H) is a stack of S models: then every array has the leading S axis.
    """
    dims = {}
    S = "S " if isinstance(W_hh, np.ndarray) and W_hh.ndim == 3 else ""
    checks.check_array("x", x, S + ("N D" if step else "N T D"), dims)
    checks.check_array("W_xh", W_xh, S + "H D", dims)
    checks.check_array("W_hh", W_hh, S + "H H", dims)
    checks.check_array("b_h", b_h, S + "1 H" if S else "H", dims)  # a stack: one row per model
    checks.check_state("h_prev" if step else "h0", h0, x, dims, S)


def _rnn_step_args(x, h_prev, W_xh, W_hh, b_h):
    _rnn_args(x, h_prev, W_xh, W_hh, b_h, step=True)


@validated(_rnn_step_args)
def rnn_step_forward(x, h_prev, W_xh, W_hh, b_h):
    """One time step of a vanilla RNN: h = tanh(x @ W_xh.T + h_prev @ W_hh.T + b_h).

    Inputs:
    - x: (N, D) inputs at this step.
    - h_prev: (N, H) hidden state from the previous step.
    - W_xh: (H, D) input-to-hidden weights.
    - W_hh: (H, H) hidden-to-hidden weights.
    - b_h: (H,) hidden bias.

    Returns a tuple of:
    - h: (N, H) the new hidden state.
    - cache: what rnn_step_backward needs.
    """
    a = x @ W_xh.mT + h_prev @ W_hh.mT + b_h  # (N, D)@(D, H) + (N, H)@(H, H) -> (N, H)
    h = np.tanh(a)  # (N, H)
    return h, RNNStepCache(x, h_prev, h, W_xh, W_hh)


def _rnn_step_backward_args(dh, cache):
    """dh of the cached h's shape, ([S,] N, H)."""
    h = checks.check_cache("cache", cache, RNNStepCache).h
    names = "SNH"[-h.ndim:]
    checks.check_array("dh", dh, " ".join(names), dict(zip(names, h.shape, strict=True)))


@validated(_rnn_step_backward_args)
def rnn_step_backward(dh, cache):
    """Backward pass of rnn_step_forward.

    Inputs:
    - dh: (N, H) gradient of the loss with respect to this step's output h
      (from the output layer and from the next time step, already added together).
    - cache: from rnn_step_forward.

    Returns a tuple of:
    - dx: (N, D), dh_prev: (N, H), dW_xh: (H, D), dW_hh: (H, H), db_h: (H,).
    """
    x, h_prev, h, W_xh, W_hh = cache
    da = dh * (1.0 - h * h)  # tanh'(a) = 1 - tanh(a)^2 = 1 - h^2, (N, H)
    dx = da @ W_xh  # (N, H)@(H, D) -> (N, D)
    dh_prev = da @ W_hh  # (N, H)@(H, H) -> (N, H)
    dW_xh = da.mT @ x  # (H, N)@(N, D) -> (H, D)
    dW_hh = da.mT @ h_prev  # (H, N)@(N, H) -> (H, H)
    db_h = da.sum(axis=-2, keepdims=da.ndim == 3)  # (H,); a stack's (S, 1, H)
    return dx, dh_prev, dW_xh, dW_hh, db_h


@validated(_rnn_args)
def rnn_forward(x, h0, W_xh, W_hh, b_h):
    """Run a vanilla RNN over whole sequences, one rnn step at a time.

    Inputs:
    - x: (N, T, D) input sequences, batch first.
    - h0: (N, H) initial hidden state (zeros to start fresh, or the last state carried over).
    - W_xh: (H, D), W_hh: (H, H), b_h: (H,) parameters shared by every step.

    Returns a tuple of:
    - h: (N, T, H) hidden state after every step; h[:, -1] is the final state.
    - cache: what rnn_backward needs.
    """
    h = np.empty(x.shape[:-1] + W_hh.shape[-1:], dtype=np.result_type(x, h0, W_xh, W_hh, b_h))
    step_caches = []
    h_prev = h0
    for t in range(x.shape[-2]):
        h_prev, step_cache = rnn_step_forward(x[..., t, :], h_prev, W_xh, W_hh, b_h)
        h[..., t, :] = h_prev  # (N, H) into (N, T, H)
        step_caches.append(step_cache)
    return h, RNNCache(step_caches, x.shape)


def _rnn_backward_args(dh, cache):
    """dh ([S,] N, T, H) for the sequence cache."""
    step_caches, x_shape = checks.check_cache("cache", cache, RNNCache)
    shape = (*x_shape[:-1], step_caches[0].h.shape[-1])  # ([S,] N, T, H)
    names = "SNTH"[-len(shape):]
    checks.check_array("dh", dh, " ".join(names), dict(zip(names, shape, strict=True)))


@validated(_rnn_backward_args)
def rnn_backward(dh, cache):
    """Backpropagation through time for rnn_forward.

    Inputs:
    - dh: (N, T, H) upstream gradient on every hidden state. For a many-to-one model it is
      zero everywhere except dh[:, -1].
    - cache: from rnn_forward.

    Returns a tuple of:
    - dx: (N, T, D), dh0: (N, H), dW_xh: (H, D), dW_hh: (H, H), db_h: (H,).
    """
    step_caches, x_shape = cache
    W_xh, W_hh = step_caches[0].W_xh, step_caches[0].W_hh
    dx = np.empty(x_shape, dtype=dh.dtype)  # (N, T, D)
    dW_xh = np.zeros_like(W_xh)
    dW_hh = np.zeros_like(W_hh)
    db_h = np.zeros(W_hh.shape[:-2] + (1,) * (W_hh.ndim - 2) + W_hh.shape[-1:],
                    dtype=W_hh.dtype)  # (H,); a stack's (S, 1, H)
    dh_next = np.zeros_like(dh[..., 0, :])  # (N, H): the gradient arriving from step t+1
    for t in reversed(range(dh.shape[-2])):
        # h_t feeds the loss directly (dh[:, t]) and through h_{t+1} (dh_next): add both.
        dx[..., t, :], dh_next, dW_xh_t, dW_hh_t, db_h_t = rnn_step_backward(
            dh[..., t, :] + dh_next, step_caches[t]
        )
        # BPTT: the weights are shared by every step, so their gradients add up over time.
        dW_xh += dW_xh_t
        dW_hh += dW_hh_t
        db_h += db_h_t
    return dx, dh_next, dW_xh, dW_hh, db_h


def _affine_args(h, W, b, spec="N H"):
    dims = {}
    checks.check_array("h", h, spec, dims)
    checks.check_array("W", W, "O H", dims)
    checks.check_array("b", b, "O", dims)


@validated(_affine_args)
def affine_forward(h, W, b):
    """Output layer on one vector per example: y = h @ W.T + b.

    Inputs:
    - h: (N, H) features (e.g. the last hidden state).
    - W: (O, H) weights, b: (O,) bias.

    Returns a tuple of:
    - y: (N, O) scores.
    - cache: what affine_backward needs.
    """
    return h @ W.T + b, AffineCache(h, W)  # (N, H)@(H, O) -> (N, O)


def _affine_backward_args(dy, cache, spec="N O"):
    h, W = checks.check_cache("cache", cache, AffineCache)
    checks.check_array("dy", dy, spec, dict(zip("NT", h.shape[:-1], strict=False), O=W.shape[0]))


@validated(_affine_backward_args)
def affine_backward(dy, cache):
    """Backward pass of affine_forward.

    Inputs:
    - dy: (N, O) gradient of the loss with respect to the scores.
    - cache: from affine_forward.

    Returns a tuple of:
    - dh: (N, H), dW: (O, H), db: (O,).
    """
    h, W = cache
    return dy @ W, dy.T @ h, dy.sum(axis=0)  # (N, H), (O, N)@(N, H) -> (O, H), (O,)


@validated(lambda h, W, b: _affine_args(h, W, b, "N T H"))
def temporal_affine_forward(h, W, b):
    """Output layer applied at every time step: y[:, t] = h[:, t] @ W.T + b.

    Inputs:
    - h: (N, T, H) hidden states.
    - W: (O, H) weights, b: (O,) bias.

    Returns a tuple of:
    - y: (N, T, O) scores.
    - cache: what temporal_affine_backward needs.
    """
    return h @ W.T + b, AffineCache(h, W)  # (N, T, H)@(H, O) -> (N, T, O): one matmul


@validated(lambda dy, cache: _affine_backward_args(dy, cache, "N T O"))
def temporal_affine_backward(dy, cache):
    """Backward pass of temporal_affine_forward.

    Inputs:
    - dy: (N, T, O) gradient of the loss with respect to the scores.
    - cache: from temporal_affine_forward.

    Returns a tuple of:
    - dh: (N, T, H), dW: (O, H), db: (O,).
    """
    h, W = cache
    N, T, H = h.shape
    dh = dy @ W  # (N, T, O)@(O, H) -> (N, T, H)
    dy2 = dy.reshape(N * T, -1)  # (N*T, O)
    dW = dy2.T @ h.reshape(N * T, H)  # (O, N*T)@(N*T, H) -> (O, H); sums over all steps
    return dh, dW, dy2.sum(axis=0)


def _last_step_args(h, lengths):
    """Door check of last_step_forward: h (N, T, H) and N integer lengths in [1, T]."""
    dims = {}
    checks.check_array("h", h, "N T H", dims)
    checks.check_array("lengths", lengths, "N", dims, kind="int")
    checks._in_range("lengths", lengths, 1, dims["T"], f"every length (T = {dims['T']})")


def _last_step_backward_args(dh_last, cache):
    (N, _, H), _ = checks.check_cache("cache", cache, LastStepCache)
    checks.check_array("dh_last", dh_last, "N H", {"N": N, "H": H})


@validated(_last_step_args)
def last_step_forward(h, lengths):
    """Each sequence's hidden state at its last real step: h_last[n] = h[n, lengths[n] - 1].

    For a many-to-one model on a padded batch (padding at the end): h[:, -1] would be the
    state after the padding, not after the sequence.

    Inputs:
    - h: (N, T, H) hidden states of the padded batch.
    - lengths: (N,) integers in [1, T], the number of real steps of each sequence.

    Returns a tuple of:
    - h_last: (N, H), a copy.
    - cache: what last_step_backward needs.
    """
    rows = np.arange(h.shape[0])
    return h[rows, lengths - 1], LastStepCache(h.shape, lengths)  # (N, H): a gather, one per row


@validated(_last_step_backward_args)
def last_step_backward(dh_last, cache):
    """Backward pass of last_step_forward: each row's gradient goes back to its own step.

    Inputs:
    - dh_last: (N, H) gradient of the loss with respect to h_last.
    - cache: from last_step_forward.

    Returns:
    - dh: (N, T, H), zero everywhere except at step lengths[n] - 1 of sequence n; in
      particular exactly zero at every padded step.
    """
    shape, lengths = cache
    dh = np.zeros(shape, dtype=dh_last.dtype)  # (N, T, H)
    dh[np.arange(shape[0]), lengths - 1] = dh_last  # a scatter: the gather's adjoint
    return dh
