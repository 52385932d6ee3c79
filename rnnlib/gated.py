"""Gated recurrent layers, LSTM and GRU, as forward/backward pairs in PyTorch's layout.

Sizes: N sequences in a batch, T time steps, D input features, H hidden units.
The weights are stored exactly as ``torch.nn.LSTM`` / ``torch.nn.GRU`` store one layer, so
they can be copied across unchanged (see notebook 08 and benchmarks/compare_gated_with_torch.py).

LSTM, gates stacked in the order i, f, g, o: W_x (4H, D), W_h (4H, H), b (4H,)

    a_t = x_t @ W_x.T + h_{t-1} @ W_h.T + b          # (N, 4H), split into four (N, H) blocks
    i_t = sigmoid(a_i)    f_t = sigmoid(a_f)    g_t = tanh(a_g)    o_t = sigmoid(a_o)
    c_t = f_t * c_{t-1} + i_t * g_t                   # the cell state: an additive path
    h_t = o_t * tanh(c_t)

    PyTorch keeps two biases, bias_ih and bias_hh; only their sum enters, so b = their sum.

GRU, gates stacked in the order r, z, n: W_x (3H, D), W_h (3H, H), b_x (3H,), b_h (3H,)

    s_t = x_t @ W_x.T + b_x,   u_t = h_{t-1} @ W_h.T + b_h    # (N, 3H) each
    r_t = sigmoid(s_r + u_r)   z_t = sigmoid(s_z + u_z)
    n_t = tanh(s_n + r_t * u_n)          # the reset gate acts on W_hn h + b_hn: two biases
    h_t = (1 - z_t) * n_t + z_t * h_{t-1}

Arguments are checked once, by the decorator on top of each public function; the bodies are
the math. The code writes ``W.mT`` (NumPy's transpose of the last two axes) where the
equations write W.T, so that the same functions also run a stack of S independent models at
once: data (S, N, T, D), states (S, N, H), weights (S, 4H, D), biases (S, 1, 4H). A 3-D
W_h announces the stack, and every other array must then carry it.
rnnlib.recall trains several seeds side by side that way.
"""

from collections import namedtuple

import numpy as np

from ._checks import check_array, check_cache, check_state, validated
from .activations import sigmoid

# The caches: tc = tanh(c); c_last is the final cell state; u_n = W_hn h_prev + b_hn.
LSTMStepCache = namedtuple("LSTMStepCache", "x h_prev c_prev i f g o c tc W_x W_h b_shape")
LSTMCache = namedtuple("LSTMCache", "steps x_shape c_last")
GRUStepCache = namedtuple("GRUStepCache", "x h_prev r z n u_n W_x W_h bx_shape bh_shape")
GRUCache = namedtuple("GRUCache", "steps x_shape")


# ------------------------------------------------------------------------- checks at the door


def _gate_args(x, x_spec, gates, W_x, W_h, biases, states):
    """Check x, W_h (kH, H) (it fixes H), W_x (kH, D), the biases and the states, in order.

    A 3-D W_h (S, kH, H) is a stack of S models: then every array has the leading S axis.
    """
    dims = {}
    S = "S " if isinstance(W_h, np.ndarray) and W_h.ndim == 3 else ""
    check_array("x", x, S + x_spec, dims)
    kH = f"{gates}H"
    check_array("W_h", W_h, f"{S}{kH} H", dims)
    if W_h.shape[-2] != gates * W_h.shape[-1]:
        raise ValueError(
            f"W_h: expected shape ({kH}, H) with {gates} gates stacked along axis 0, "
            f"got {W_h.shape}: axis 0 must be {gates} x axis 1 = {gates * W_h.shape[-1]}"
        )
    check_array("W_x", W_x, f"{S}{kH} D", dims)
    for name, b in biases:  # a stack keeps one row per model: (S, 1, kH)
        check_array(name, b, f"{S}1 {kH}" if S else kH, dims)
    (h_name, h), *others = states
    check_state(h_name, h, x, dims, S)  # a time-first x is blamed on x
    for name, s in others:
        check_array(name, s, S + "N H", dims)


def _lstm_args(x, h0, c0, W_x, W_h, b):
    _gate_args(x, "N T D", 4, W_x, W_h, [("b", b)], [("h0", h0), ("c0", c0)])


def _lstm_step_args(x, h_prev, c_prev, W_x, W_h, b):
    _gate_args(x, "N D", 4, W_x, W_h, [("b", b)], [("h_prev", h_prev), ("c_prev", c_prev)])


def _gru_args(x, h0, W_x, W_h, b_x, b_h):
    _gate_args(x, "N T D", 3, W_x, W_h, [("b_x", b_x), ("b_h", b_h)], [("h0", h0)])


def _gru_step_args(x, h_prev, W_x, W_h, b_x, b_h):
    _gate_args(x, "N D", 3, W_x, W_h, [("b_x", b_x), ("b_h", b_h)], [("h_prev", h_prev)])


def _step_backward_args(kind, *grads_then_cache):
    """dh (and dc) of the cached h_prev's shape, ([S,] N, H), after a step cache ``kind``."""
    *grads, cache = grads_then_cache
    shape = check_cache("cache", cache, kind).h_prev.shape
    names = "SNH"[-len(shape):]
    for name, g in zip(("dh", "dc"), grads, strict=False):
        check_array(name, g, " ".join(names), dict(zip(names, shape, strict=True)))


def _backward_args(dh, cache, kind):
    """dh ([S,] N, T, H) for a sequence cache ``kind``."""
    steps = check_cache("cache", cache, kind).steps
    shape = (*cache.x_shape[:-1], steps[0].h_prev.shape[-1])  # ([S,] N, T, H)
    names = "SNTH"[-len(shape):]
    check_array("dh", dh, " ".join(names), dict(zip(names, shape, strict=True)))


# ------------------------------------------------------------------------------------- LSTM


@validated(_lstm_step_args)
def lstm_step_forward(x, h_prev, c_prev, W_x, W_h, b):
    """One time step of an LSTM (gates i, f, g, o stacked as in torch.nn.LSTM).

    Inputs:
    - x: (N, D) inputs at this step.
    - h_prev: (N, H) hidden state from the previous step.
    - c_prev: (N, H) cell state from the previous step.
    - W_x: (4H, D) input-to-gate weights, rows [i; f; g; o].
    - W_h: (4H, H) hidden-to-gate weights, rows [i; f; g; o].
    - b: (4H,) gate biases (PyTorch's bias_ih + bias_hh).

    Returns a tuple of:
    - h: (N, H) the new hidden state.
    - c: (N, H) the new cell state.
    - cache: what lstm_step_backward needs.
    """
    H = h_prev.shape[-1]
    a = x @ W_x.mT + h_prev @ W_h.mT + b  # (N, D)@(D, 4H) + (N, H)@(H, 4H) -> (N, 4H)
    s = sigmoid(a)  # one call for the three sigmoid gates (the g block is unused)
    i = s[..., :H]  # input gate: how much of the candidate to write
    f = s[..., H:2 * H]  # forget gate: how much of the old cell to keep
    g = np.tanh(a[..., 2 * H:3 * H])  # candidate values, in (-1, 1)
    o = s[..., 3 * H:]  # output gate: how much of the cell to show
    c = f * c_prev + i * g  # (N, H)
    tc = np.tanh(c)  # (N, H)
    h = o * tc  # (N, H)
    return h, c, LSTMStepCache(x, h_prev, c_prev, i, f, g, o, c, tc, W_x, W_h, b.shape)


@validated(lambda dh, dc, cache: _step_backward_args(LSTMStepCache, dh, dc, cache))
def lstm_step_backward(dh, dc, cache):
    """Backward pass of lstm_step_forward.

    Inputs:
    - dh: (N, H) gradient of the loss with respect to this step's h (from the output layer
      and from the next time step, already added together).
    - dc: (N, H) gradient of the loss with respect to this step's c (from the next step).
    - cache: from lstm_step_forward.

    Returns a tuple of:
    - dx: (N, D), dh_prev: (N, H), dc_prev: (N, H), dW_x: (4H, D), dW_h: (4H, H), db: (4H,).
    """
    x, h_prev, c_prev, i, f, g, o, _, tc, W_x, W_h, b_shape = cache
    do = dh * tc  # h = o * tanh(c)
    dc = dc + dh * o * (1.0 - tc * tc)  # c reaches the loss directly and through h
    di, df, dg = dc * g, dc * c_prev, dc * i  # c = f * c_prev + i * g
    dc_prev = dc * f  # the additive path: dc_t/dc_{t-1} = diag(f_t)
    da = np.concatenate(  # back through the nonlinearities: sigmoid' = s(1-s), tanh' = 1-t^2
        [di * i * (1.0 - i), df * f * (1.0 - f), dg * (1.0 - g * g), do * o * (1.0 - o)],
        axis=-1)  # (N, 4H)
    dx = da @ W_x  # (N, 4H)@(4H, D) -> (N, D)
    dh_prev = da @ W_h  # (N, 4H)@(4H, H) -> (N, H)
    dW_x = da.mT @ x  # (4H, N)@(N, D) -> (4H, D)
    dW_h = da.mT @ h_prev  # (4H, N)@(N, H) -> (4H, H)
    db = da.sum(axis=-2).reshape(b_shape)  # (4H,)
    return dx, dh_prev, dc_prev, dW_x, dW_h, db


@validated(_lstm_args)
def lstm_forward(x, h0, c0, W_x, W_h, b):
    """Run an LSTM over whole sequences, one lstm step at a time.

    Inputs:
    - x: (N, T, D) input sequences, batch first.
    - h0: (N, H) initial hidden state; c0: (N, H) initial cell state.
    - W_x: (4H, D), W_h: (4H, H), b: (4H,) parameters shared by every step, gates i, f, g, o.

    Returns a tuple of:
    - h: (N, T, H) hidden state after every step; h[:, -1] is the final one.
    - cache: what lstm_backward needs; cache.c_last is the final cell state c_T, (N, H), the
      state to carry into the next chunk together with h[:, -1].
    """
    T = x.shape[-2]
    h = np.empty(x.shape[:-1] + h0.shape[-1:], dtype=np.result_type(x, h0, c0, W_x, W_h, b))
    step_caches = []
    h_prev, c_prev = h0, c0
    for t in range(T):
        h_prev, c_prev, step_cache = lstm_step_forward(x[..., t, :], h_prev, c_prev,
                                                       W_x, W_h, b)
        h[..., t, :] = h_prev  # (N, H) into (N, T, H)
        step_caches.append(step_cache)
    return h, LSTMCache(step_caches, x.shape, c_prev)


@validated(lambda dh, cache: _backward_args(dh, cache, LSTMCache))
def lstm_backward(dh, cache):
    """Backpropagation through time for lstm_forward.

    Inputs:
    - dh: (N, T, H) upstream gradient on every hidden state (zero except dh[:, -1] for a
      many-to-one model).
    - cache: from lstm_forward.

    Returns a tuple of:
    - dx: (N, T, D), dh0: (N, H), dc0: (N, H), dW_x: (4H, D), dW_h: (4H, H), db: (4H,).
    """
    step_caches = cache.steps
    W_x, W_h, b_shape = step_caches[0].W_x, step_caches[0].W_h, step_caches[0].b_shape
    dx = np.empty(dh.shape[:-1] + W_x.shape[-1:], dtype=dh.dtype)  # (N, T, D)
    dW_x, dW_h = np.zeros_like(W_x), np.zeros_like(W_h)
    db = np.zeros(b_shape, dtype=W_h.dtype)
    dh_next = np.zeros_like(dh[..., 0, :])  # (N, H) arriving from step t+1
    dc_next = np.zeros_like(dh_next)  # the cell state's gradient from step t+1
    for t in reversed(range(dh.shape[-2])):
        # h_t feeds the loss (dh[:, t]) and step t+1 (dh_next): add both; c_t feeds only t+1.
        dx[..., t, :], dh_next, dc_next, dW_x_t, dW_h_t, db_t = lstm_step_backward(
            dh[..., t, :] + dh_next, dc_next, step_caches[t])
        # BPTT: the weights are shared by every step, so their gradients add up over time.
        dW_x += dW_x_t
        dW_h += dW_h_t
        db += db_t
    return dx, dh_next, dc_next, dW_x, dW_h, db


# -------------------------------------------------------------------------------------- GRU


@validated(_gru_step_args)
def gru_step_forward(x, h_prev, W_x, W_h, b_x, b_h):
    """One time step of a GRU (gates r, z, n stacked as in torch.nn.GRU).

    Inputs:
    - x: (N, D) inputs at this step.
    - h_prev: (N, H) hidden state from the previous step.
    - W_x: (3H, D) input-to-gate weights, rows [r; z; n].
    - W_h: (3H, H) hidden-to-gate weights, rows [r; z; n].
    - b_x: (3H,) input-side biases (PyTorch's bias_ih).
    - b_h: (3H,) hidden-side biases (PyTorch's bias_hh); b_hn sits inside r * (...).

    Returns a tuple of:
    - h: (N, H) the new hidden state.
    - cache: what gru_step_backward needs.
    """
    H = h_prev.shape[-1]
    s = x @ W_x.mT + b_x  # (N, D)@(D, 3H) -> (N, 3H), the input's share
    u = h_prev @ W_h.mT + b_h  # (N, H)@(H, 3H) -> (N, 3H), the state's share
    rz = sigmoid(s[..., :2 * H] + u[..., :2 * H])  # both sigmoid gates in one call
    r = rz[..., :H]  # reset gate: how much old state the candidate sees
    z = rz[..., H:]  # update gate: how much old state to keep
    u_n = u[..., 2 * H:]  # W_hn h + b_hn, (N, H)
    n = np.tanh(s[..., 2 * H:] + r * u_n)  # candidate state
    h = (1.0 - z) * n + z * h_prev  # (N, H)
    return h, GRUStepCache(x, h_prev, r, z, n, u_n, W_x, W_h, b_x.shape, b_h.shape)


@validated(lambda dh, cache: _step_backward_args(GRUStepCache, dh, cache))
def gru_step_backward(dh, cache):
    """Backward pass of gru_step_forward.

    Inputs:
    - dh: (N, H) gradient of the loss with respect to this step's h (from the output layer
      and from the next time step, already added together).
    - cache: from gru_step_forward.

    Returns a tuple of:
    - dx: (N, D), dh_prev: (N, H), dW_x: (3H, D), dW_h: (3H, H), db_x: (3H,), db_h: (3H,).
    """
    x, h_prev, r, z, n, u_n, W_x, W_h, bx_shape, bh_shape = cache
    dn = dh * (1.0 - z)  # h = (1 - z) n + z h_prev
    dz = dh * (h_prev - n)
    da_n = dn * (1.0 - n * n)  # tanh' = 1 - n^2; a_n = s_n + r * u_n
    da_z = dz * z * (1.0 - z)  # sigmoid' = z (1 - z)
    da_r = da_n * u_n * r * (1.0 - r)
    ds = np.concatenate([da_r, da_z, da_n], axis=-1)  # gradient on s, (N, 3H)
    du = np.concatenate([da_r, da_z, da_n * r], axis=-1)  # on u: r scales W_hn h + b_hn
    dx = ds @ W_x  # (N, 3H)@(3H, D) -> (N, D)
    dh_prev = dh * z + du @ W_h  # the direct path z * h_prev, and through the gates
    dW_x = ds.mT @ x  # (3H, N)@(N, D) -> (3H, D)
    dW_h = du.mT @ h_prev  # (3H, N)@(N, H) -> (3H, H)
    db_x = ds.sum(axis=-2).reshape(bx_shape)  # (3H,)
    db_h = du.sum(axis=-2).reshape(bh_shape)  # (3H,)
    return dx, dh_prev, dW_x, dW_h, db_x, db_h


@validated(_gru_args)
def gru_forward(x, h0, W_x, W_h, b_x, b_h):
    """Run a GRU over whole sequences, one gru step at a time.

    Inputs:
    - x: (N, T, D) input sequences, batch first.
    - h0: (N, H) initial hidden state.
    - W_x: (3H, D), W_h: (3H, H), b_x: (3H,), b_h: (3H,) parameters shared by every step,
      gates r, z, n.

    Returns a tuple of:
    - h: (N, T, H) hidden state after every step; h[:, -1] is the final one.
    - cache: what gru_backward needs.
    """
    T = x.shape[-2]
    h = np.empty(x.shape[:-1] + h0.shape[-1:], dtype=np.result_type(x, h0, W_x, W_h, b_x, b_h))
    step_caches = []
    h_prev = h0
    for t in range(T):
        h_prev, step_cache = gru_step_forward(x[..., t, :], h_prev, W_x, W_h, b_x, b_h)
        h[..., t, :] = h_prev  # (N, H) into (N, T, H)
        step_caches.append(step_cache)
    return h, GRUCache(step_caches, x.shape)


@validated(lambda dh, cache: _backward_args(dh, cache, GRUCache))
def gru_backward(dh, cache):
    """Backpropagation through time for gru_forward.

    Inputs:
    - dh: (N, T, H) upstream gradient on every hidden state.
    - cache: from gru_forward.

    Returns a tuple of:
    - dx: (N, T, D), dh0: (N, H), dW_x: (3H, D), dW_h: (3H, H), db_x: (3H,), db_h: (3H,).
    """
    step_caches = cache.steps
    first = step_caches[0]
    W_x, W_h, bx_shape, bh_shape = first.W_x, first.W_h, first.bx_shape, first.bh_shape
    dx = np.empty(dh.shape[:-1] + W_x.shape[-1:], dtype=dh.dtype)  # (N, T, D)
    dW_x, dW_h = np.zeros_like(W_x), np.zeros_like(W_h)
    db_x = np.zeros(bx_shape, dtype=W_h.dtype)
    db_h = np.zeros(bh_shape, dtype=W_h.dtype)
    dh_next = np.zeros_like(dh[..., 0, :])  # (N, H) arriving from step t+1
    for t in reversed(range(dh.shape[-2])):
        dx[..., t, :], dh_next, dW_x_t, dW_h_t, db_x_t, db_h_t = gru_step_backward(
            dh[..., t, :] + dh_next, step_caches[t])
        # BPTT: the weights are shared by every step, so their gradients add up over time.
        dW_x += dW_x_t
        dW_h += dW_h_t
        db_x += db_x_t
        db_h += db_h_t
    return dx, dh_next, dW_x, dW_h, db_x, db_h
