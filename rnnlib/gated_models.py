"""Models built on the gated layers: a char-level LSTM and GRU.

Char-level models follow the char-RNN's model style: a loss function
``loss_fn(params, inputs, targets, state) -> (loss, grads, last_state)`` with ``inputs`` and
``targets`` (B, T) integer character indices and the same loss scaling as
rnnlib.char_rnn.char_rnn_loss: summed over the T steps, averaged over the B streams. The
carried state is (h, c) for the LSTM and h for the GRU; ``*_initial_state(params, B)`` makes
zeros of the right shape. Parameters (V characters, H hidden units):

    LSTM: W_x (4H, V), W_h (4H, H), b (4H,),              W_hy (V, H), b_y (V,)
    GRU:  W_x (3H, V), W_h (3H, H), b_x (3H,), b_h (3H,), W_hy (V, H), b_y (V,)
"""

import numpy as np

from ._checks import check_array, check_labels, check_positive, make_rng, validated
from .gated import gru_backward, gru_forward, lstm_backward, lstm_forward
from .layers import temporal_affine_backward, temporal_affine_forward
from .losses import temporal_softmax_cross_entropy_loss

LSTM_PARAMS = ("W_x", "W_h", "b", "W_hy", "b_y")
GRU_PARAMS = ("W_x", "W_h", "b_x", "b_h", "W_hy", "b_y")


# ------------------------------------------------------------------------ initialisation


def recurrent_uniform(shape, H, rng):
    """PyTorch's default for the weights of recurrent layers: U(-1/sqrt(H), 1/sqrt(H)) entries.

    Inputs:
    - shape: the array's shape; H: hidden units; rng: numpy Generator.
    """
    k = 1.0 / np.sqrt(H)
    return rng.uniform(-k, k, size=shape)


def init_char_lstm(V, H, rng, forget_bias=1.0):
    """Parameters of a char-level LSTM: uniform weights, zero biases but the forget gate's.

    Inputs:
    - V: vocabulary size; H: hidden units.
    - rng: integer seed or numpy Generator.
    - forget_bias: value of the forget gate's bias b[H:2H]. 1 starts with f = sigmoid(1)
      = 0.73, so the cell keeps most of its content from step to step; 0 gives f = 0.5.

    Returns:
    - params: dict W_x (4H, V), W_h (4H, H), b (4H,), W_hy (V, H), b_y (V,), float64.
    """
    check_positive("V", V, integer=True)
    check_positive("H", H, integer=True)
    rng = make_rng(rng)
    b = np.zeros(4 * H)
    b[H:2 * H] = forget_bias
    return {"W_x": recurrent_uniform((4 * H, V), H, rng),
            "W_h": recurrent_uniform((4 * H, H), H, rng), "b": b,
            "W_hy": recurrent_uniform((V, H), H, rng), "b_y": np.zeros(V)}


def init_char_gru(V, H, rng, update_bias=0.0):
    """Parameters of a char-level GRU: uniform weights, zero biases but the update gate's.

    Inputs:
    - V: vocabulary size; H: hidden units; rng: integer seed or numpy Generator.
    - update_bias: value of b_x[H:2H], the update gate's bias (only b_xz + b_hz matters).
      z is the share of the old state kept: 0 starts with z = 0.5, 1 with z = 0.73.

    Returns:
    - params: dict W_x (3H, V), W_h (3H, H), b_x (3H,), b_h (3H,), W_hy (V, H), b_y (V,).
    """
    check_positive("V", V, integer=True)
    check_positive("H", H, integer=True)
    rng = make_rng(rng)
    b_x = np.zeros(3 * H)
    b_x[H:2 * H] = update_bias
    return {"W_x": recurrent_uniform((3 * H, V), H, rng),
            "W_h": recurrent_uniform((3 * H, H), H, rng), "b_x": b_x, "b_h": np.zeros(3 * H),
            "W_hy": recurrent_uniform((V, H), H, rng), "b_y": np.zeros(V)}


def lstm_initial_state(params, B):
    """Zero (h, c), each (B, H), to start B fresh streams of a char-level LSTM."""
    H = params["W_h"].shape[1]
    return np.zeros((B, H)), np.zeros((B, H))


def gru_initial_state(params, B):
    """Zero h, (B, H), to start B fresh streams of a char-level GRU."""
    return np.zeros((B, params["W_h"].shape[1]))


# --------------------------------------------------------------------- char-level losses


def _check_char(params, names, gates, inputs, targets, states):
    """Check a char-level parameter dict, the (B, T) index arrays and the carried states."""
    if not isinstance(params, dict):
        raise TypeError(f"params: expected a dict with keys {list(names)}")
    missing = [n for n in names if n not in params]
    if missing:
        raise ValueError(f"params: missing {missing}; expected keys {list(names)}")
    dims = {}
    check_array("params['W_hy']", params["W_hy"], "V H", dims)
    kH = f"{gates}H"
    dims[kH] = gates * dims["H"]
    check_array("params['W_h']", params["W_h"], f"{kH} H", dims)
    check_array("params['W_x']", params["W_x"], f"{kH} V", dims)
    for n in names:
        if n.startswith("b"):
            check_array(f"params[{n!r}]", params[n], "V" if n == "b_y" else kH, dims)
    check_labels("inputs", inputs, "B T", dims, dims["V"])
    check_labels("targets", targets, "B T", dims, dims["V"])
    for name, s in states:
        if s is not None:  # None: start from zeros
            check_array(name, s, "B H", dims)


def _char_lstm_args(params, inputs, targets, state=None):
    if state is not None and (not isinstance(state, tuple) or len(state) != 2):
        raise TypeError("state: expected a tuple (h, c) of two (B, H) arrays, or None")
    h0, c0 = (None, None) if state is None else state
    _check_char(params, LSTM_PARAMS, 4, inputs, targets, [("h0", h0), ("c0", c0)])


def _char_gru_args(params, inputs, targets, h0=None):
    _check_char(params, GRU_PARAMS, 3, inputs, targets, [("h0", h0)])


def _output_layer(hs, targets, W_hy, b_y):
    """Softmax cross-entropy at every step with the char-RNN's scaling (sum over T, mean
    over B); returns loss, dW_hy, db_y and dhs (B, T, H)."""
    T = hs.shape[1]
    scores, cache = temporal_affine_forward(hs, W_hy, b_y)  # (B, T, V)
    loss, dscores = temporal_softmax_cross_entropy_loss(scores, targets)  # mean over B*T
    dhs, dW_hy, db_y = temporal_affine_backward(dscores * T, cache)
    return loss * T, dW_hy, db_y, dhs


@validated(_char_lstm_args)
def char_lstm_loss(params, inputs, targets, state=None):
    """Loss and gradients of a char-level LSTM on one chunk, with the state carried over.

    Inputs:
    - params: dict W_x (4H, V), W_h (4H, H), b (4H,), W_hy (V, H), b_y (V,).
    - inputs: (B, T) character indices; targets: (B, T) the next character of each.
    - state: (h, c), each (B, H), carried in from the previous chunk (None: zeros).

    Returns a tuple of:
    - loss: float, sum over the T steps of -log p(target), averaged over the B streams.
    - grads: dict parallel to params.
    - last_state: (h, c) after the last step, each (B, H), to carry into the next chunk.
    """
    h0, c0 = lstm_initial_state(params, inputs.shape[0]) if state is None else state
    x = np.eye(params["W_x"].shape[1])[inputs]  # (B, T, V) one-hot rows
    hs, cache = lstm_forward(x, h0, c0, params["W_x"], params["W_h"], params["b"])
    loss, dW_hy, db_y, dhs = _output_layer(hs, targets, params["W_hy"], params["b_y"])
    _, _, _, dW_x, dW_h, db = lstm_backward(dhs, cache)
    grads = {"W_x": dW_x, "W_h": dW_h, "b": db, "W_hy": dW_hy, "b_y": db_y}
    return loss, grads, (hs[:, -1].copy(), cache[2])  # cache[2]: the last cell state


@validated(_char_gru_args)
def char_gru_loss(params, inputs, targets, h0=None):
    """Loss and gradients of a char-level GRU on one chunk, with the state carried over.

    Inputs:
    - params: dict W_x (3H, V), W_h (3H, H), b_x (3H,), b_h (3H,), W_hy (V, H), b_y (V,).
    - inputs: (B, T) character indices; targets: (B, T) the next character of each.
    - h0: (B, H) hidden state carried in from the previous chunk (None: zeros).

    Returns a tuple of:
    - loss: float, sum over the T steps of -log p(target), averaged over the B streams.
    - grads: dict parallel to params.
    - h_last: (B, H) the hidden state after the last step.
    """
    if h0 is None:
        h0 = gru_initial_state(params, inputs.shape[0])
    x = np.eye(params["W_x"].shape[1])[inputs]  # (B, T, V) one-hot rows
    hs, cache = gru_forward(x, h0, params["W_x"], params["W_h"], params["b_x"],
                            params["b_h"])
    loss, dW_hy, db_y, dhs = _output_layer(hs, targets, params["W_hy"], params["b_y"])
    _, _, dW_x, dW_h, db_x, db_h = gru_backward(dhs, cache)
    grads = {"W_x": dW_x, "W_h": dW_h, "b_x": db_x, "b_h": db_h, "W_hy": dW_hy, "b_y": db_y}
    return loss, grads, hs[:, -1].copy()
