"""Models built on the gated layers: a char-level LSTM and GRU.

They follow the protocol of every char model (rnnlib/__init__.py), as rnnlib.char_rnn does:
``init_char_*_params``, ``char_*_initial_state(params, batch_size)``,
``char_*_loss(params, inputs, targets, state=None) -> (loss, grads, state)`` and
``char_*_scores(params, inputs, state=None) -> (scores, state)``. The carried state is
(h, c) for the LSTM and h for the GRU. Parameters (V characters, H hidden units):

    LSTM: W_x (4H, V), W_h (4H, H), b (4H,),              W_hy (V, H), b_y (V,)
    GRU:  W_x (3H, V), W_h (3H, H), b_x (3H,), b_h (3H,), W_hy (V, H), b_y (V,)
"""

import numpy as np

from ._checks import (
    check_array,
    check_labels,
    check_param_dict,
    check_positive,
    make_rng,
    validated,
)
from .char_rnn import check_init_args
from .gated import gru_backward, gru_forward, lstm_backward, lstm_forward
from .layers import temporal_affine_backward, temporal_affine_forward
from .losses import softmax_cross_entropy

LSTM_PARAMS = ("W_x", "W_h", "b", "W_hy", "b_y")
GRU_PARAMS = ("W_x", "W_h", "b_x", "b_h", "W_hy", "b_y")


# ------------------------------------------------------------------------ initialisation


def _uniform_args(shape, H, rng):
    if not isinstance(shape, tuple) or not all(isinstance(n, (int, np.integer)) and n > 0
                                               for n in shape):
        raise TypeError(f"shape: expected a tuple of positive integers, got {shape!r}")
    check_positive("H", H, integer=True)
    make_rng(rng)


@validated(_uniform_args)
def recurrent_uniform(shape, H, rng):
    """PyTorch's default for the weights of recurrent layers: U(-1/sqrt(H), 1/sqrt(H)) entries.

    Inputs:
    - shape: the array's shape; H: hidden units; rng: numpy Generator.
    """
    k = 1.0 / np.sqrt(H)
    return make_rng(rng).uniform(-k, k, size=shape)


def _lstm_init_args(vocab_size, hidden_size=64, rng=0, dtype=np.float64, forget_bias=1.0):
    check_init_args(vocab_size, hidden_size, rng, dtype, forget_bias=forget_bias)


def _gru_init_args(vocab_size, hidden_size=64, rng=0, dtype=np.float64, update_bias=0.0):
    check_init_args(vocab_size, hidden_size, rng, dtype, update_bias=update_bias)


@validated(_lstm_init_args)
def init_char_lstm_params(vocab_size, hidden_size=64, rng=0, dtype=np.float64, forget_bias=1.0):
    """Parameters of a char-level LSTM: uniform weights, zero biases but the forget gate's.

    Inputs:
    - vocab_size: V; hidden_size: H; rng: integer seed or numpy Generator.
    - dtype: np.float64 (gradient checks) or np.float32 (faster training).
    - forget_bias: value of the forget gate's bias b[H:2H]. 1 starts with f = sigmoid(1)
      = 0.73, so the cell keeps most of its content from step to step; 0 gives f = 0.5.

    Returns:
    - params: dict W_x (4H, V), W_h (4H, H), b (4H,), W_hy (V, H), b_y (V,).
    """
    V, H, rng = vocab_size, hidden_size, make_rng(rng)
    b = np.zeros(4 * H)
    b[H:2 * H] = forget_bias
    params = {"W_x": recurrent_uniform((4 * H, V), H, rng),
              "W_h": recurrent_uniform((4 * H, H), H, rng), "b": b,
              "W_hy": recurrent_uniform((V, H), H, rng), "b_y": np.zeros(V)}
    return {n: p.astype(dtype) for n, p in params.items()}


@validated(_gru_init_args)
def init_char_gru_params(vocab_size, hidden_size=64, rng=0, dtype=np.float64, update_bias=0.0):
    """Parameters of a char-level GRU: uniform weights, zero biases but the update gate's.

    Inputs:
    - vocab_size: V; hidden_size: H; rng: integer seed or numpy Generator; dtype: as LSTM's.
    - update_bias: value of b_x[H:2H], the update gate's bias (only b_xz + b_hz matters).
      z is the share of the old state kept: 0 starts with z = 0.5, 1 with z = 0.73.

    Returns:
    - params: dict W_x (3H, V), W_h (3H, H), b_x (3H,), b_h (3H,), W_hy (V, H), b_y (V,).
    """
    V, H, rng = vocab_size, hidden_size, make_rng(rng)
    b_x = np.zeros(3 * H)
    b_x[H:2 * H] = update_bias
    params = {"W_x": recurrent_uniform((3 * H, V), H, rng),
              "W_h": recurrent_uniform((3 * H, H), H, rng), "b_x": b_x,
              "b_h": np.zeros(3 * H), "W_hy": recurrent_uniform((V, H), H, rng),
              "b_y": np.zeros(V)}
    return {n: p.astype(dtype) for n, p in params.items()}


# ----------------------------------------------------------------------- checks at the door


def gated_sizes(params, names, gates):
    """Check a char-level LSTM's (gates=4) or GRU's (3) parameter dict; return (H, V)."""
    check_param_dict(params, names)
    dims = {}
    check_array("params['W_hy']", params["W_hy"], "V H", dims, finite=False)
    kH = f"{gates}H"
    dims[kH] = gates * dims["H"]
    check_array("params['W_h']", params["W_h"], f"{kH} H", dims, finite=False)
    check_array("params['W_x']", params["W_x"], f"{kH} V", dims, finite=False)
    for n in names:  # (a diverged model's NaN shows in its loss: check_finite_loss)
        if n.startswith("b"):
            check_array(f"params[{n!r}]", params[n], "V" if n == "b_y" else kH, dims,
                        finite=False)
    dtype = params["W_h"].dtype
    for n in names:
        if params[n].dtype != dtype:
            raise TypeError(f"params[{n!r}]: dtype {params[n].dtype}, but W_h is {dtype}")
    return dims["H"], dims["V"]


def char_lstm_sizes(params):
    """Check a char-level LSTM's parameters; return (H, V)."""
    return gated_sizes(params, LSTM_PARAMS, 4)


def char_gru_sizes(params):
    """Check a char-level GRU's parameters; return (H, V)."""
    return gated_sizes(params, GRU_PARAMS, 3)


def _lstm_state(state, dims):
    if not isinstance(state, tuple) or len(state) != 2:
        raise TypeError("state: expected a tuple (h, c) of two (B, H) arrays, or None")
    check_array("state[0]", state[0], "B H", dims)
    check_array("state[1]", state[1], "B H", dims)


def _gru_state(state, dims):
    check_array("state", state, "B H", dims)


def _char_args(sizes, check_state):
    """The door checks of a char model's loss and of its scores."""
    def scores_args(params, inputs, state=None, targets=None):
        H, V = sizes(params)
        dims = {"H": H, "V": V}
        check_labels("inputs", inputs, "B T", dims, V)
        if targets is not None:
            check_labels("targets", targets, "B T", dims, V)
        if state is not None:  # None: start from zeros
            check_state(state, dims)

    def loss_args(params, inputs, targets, state=None):
        scores_args(params, inputs, state, targets)
    return loss_args, scores_args


LSTM_ARGS = _char_args(char_lstm_sizes, _lstm_state)
GRU_ARGS = _char_args(char_gru_sizes, _gru_state)


def _state_args(sizes):
    def check(params, batch_size=1):
        sizes(params)
        check_positive("batch_size", batch_size, integer=True)
    return check


# ------------------------------------------------------------------- the two char models


@validated(_state_args(char_lstm_sizes))
def char_lstm_initial_state(params, batch_size=1):
    """The state at the start of a text: zeros (h, c), each (B, H), in the params' dtype."""
    zeros = np.zeros((batch_size, params["W_h"].shape[1]), dtype=params["W_h"].dtype)
    return zeros, zeros.copy()


@validated(_state_args(char_gru_sizes))
def char_gru_initial_state(params, batch_size=1):
    """The state at the start of a text: zeros h, (B, H), in the params' dtype."""
    return np.zeros((batch_size, params["W_h"].shape[1]), dtype=params["W_h"].dtype)


def _one_hot(params, inputs):
    return np.eye(params["W_x"].shape[1], dtype=params["W_x"].dtype)[inputs]  # (B, T, V)


def _lstm_hidden(params, inputs, state):
    """Hidden states (B, T, H), the state to carry on and the cache for the backward pass."""
    h0, c0 = char_lstm_initial_state(params, inputs.shape[0]) if state is None else state
    hs, cache = lstm_forward(_one_hot(params, inputs), h0, c0, params["W_x"], params["W_h"],
                             params["b"])
    return hs, (hs[:, -1].copy(), cache.c_last), cache


def _gru_hidden(params, inputs, state):
    state = char_gru_initial_state(params, inputs.shape[0]) if state is None else state
    hs, cache = gru_forward(_one_hot(params, inputs), state, params["W_x"], params["W_h"],
                            params["b_x"], params["b_h"])
    return hs, hs[:, -1].copy(), cache


def _output_layer(hs, targets, W_hy, b_y):
    """Softmax cross-entropy at every step with the char-RNN's scaling (sum over T, mean
    over B); returns loss, dW_hy, db_y and dhs (B, T, H)."""
    B, T, _ = hs.shape
    scores, cache = temporal_affine_forward(hs, W_hy, b_y)  # (B, T, V)
    nll, dscores = softmax_cross_entropy(scores.reshape(B * T, -1), targets.reshape(B * T))
    dhs, dW_hy, db_y = temporal_affine_backward(dscores.reshape(scores.shape) / B, cache)
    return float(nll.sum() / B), dW_hy, db_y, dhs


@validated(LSTM_ARGS[0])
def char_lstm_loss(params, inputs, targets, state=None):
    """Loss and gradients of a char-level LSTM on one chunk, with the state carried over.

    Inputs:
    - params: dict W_x (4H, V), W_h (4H, H), b (4H,), W_hy (V, H), b_y (V,).
    - inputs: (B, T) character indices; targets: (B, T) the next character of each.
    - state: (h, c), each (B, H), carried in from the previous chunk (None: zeros).

    Returns a tuple of:
    - loss: float, sum over the T steps of -log p(target), averaged over the B streams.
    - grads: dict parallel to params.
    - state: (h, c) after the last step, each (B, H), to carry into the next chunk.
    """
    hs, last, cache = _lstm_hidden(params, inputs, state)
    loss, dW_hy, db_y, dhs = _output_layer(hs, targets, params["W_hy"], params["b_y"])
    _, _, _, dW_x, dW_h, db = lstm_backward(dhs, cache)
    return loss, {"W_x": dW_x, "W_h": dW_h, "b": db, "W_hy": dW_hy, "b_y": db_y}, last


@validated(GRU_ARGS[0])
def char_gru_loss(params, inputs, targets, state=None):
    """Loss and gradients of a char-level GRU on one chunk, with the state carried over.

    Inputs:
    - params: dict W_x (3H, V), W_h (3H, H), b_x (3H,), b_h (3H,), W_hy (V, H), b_y (V,).
    - inputs: (B, T) character indices; targets: (B, T) the next character of each.
    - state: h, (B, H), carried in from the previous chunk (None: zeros).

    Returns a tuple of:
    - loss: float, sum over the T steps of -log p(target), averaged over the B streams.
    - grads: dict parallel to params.
    - state: h after the last step, (B, H).
    """
    hs, last, cache = _gru_hidden(params, inputs, state)
    loss, dW_hy, db_y, dhs = _output_layer(hs, targets, params["W_hy"], params["b_y"])
    _, _, dW_x, dW_h, db_x, db_h = gru_backward(dhs, cache)
    grads = {"W_x": dW_x, "W_h": dW_h, "b_x": db_x, "b_h": db_h, "W_hy": dW_hy, "b_y": db_y}
    return loss, grads, last


@validated(LSTM_ARGS[1])
def char_lstm_scores(params, inputs, state=None):
    """Scores (B, T, V) of a char-level LSTM for a chunk, and the state (h, c) to carry on."""
    hs, last, _ = _lstm_hidden(params, inputs, state)
    return hs @ params["W_hy"].T + params["b_y"], last  # (B, T, H)@(H, V) -> (B, T, V)


@validated(GRU_ARGS[1])
def char_gru_scores(params, inputs, state=None):
    """Scores (B, T, V) of a char-level GRU for a chunk, and the state h to carry on."""
    hs, last, _ = _gru_hidden(params, inputs, state)
    return hs @ params["W_hy"].T + params["b_y"], last  # (B, T, H)@(H, V) -> (B, T, V)
