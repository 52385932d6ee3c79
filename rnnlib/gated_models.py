"""Models built on the gated layers: a char-level LSTM/GRU and the long-range recall task.

Char-level models follow the char-RNN's model style: a loss function
``loss_fn(params, inputs, targets, state) -> (loss, grads, last_state)`` with ``inputs`` and
``targets`` (B, T) integer character indices and the same loss scaling as
rnnlib.char_rnn.char_rnn_loss: summed over the T steps, averaged over the B streams. The
carried state is (h, c) for the LSTM and h for the GRU; ``*_initial_state(params, B)`` makes
zeros of the right shape. Parameters (V characters, H hidden units):

    LSTM: W_x (4H, V), W_h (4H, H), b (4H,),              W_hy (V, H), b_y (V,)
    GRU:  W_x (3H, V), W_h (3H, H), b_x (3H,), b_h (3H,), W_hy (V, H), b_y (V,)

``train_recall`` trains several seeds of one model on rnnlib.recall_first_data at once: the
weights of the S seeds are stacked on a leading axis and every matmul runs on the stack.
"""

import numpy as np

from ._checks import check_array, check_labels, check_positive
from .gated import _gru_backward, _gru_forward, _lstm_backward, _lstm_forward, _t
from .optim import AdaGrad

LSTM_PARAMS = ("W_x", "W_h", "b", "W_hy", "b_y")
GRU_PARAMS = ("W_x", "W_h", "b_x", "b_h", "W_hy", "b_y")


# ------------------------------------------------------------------------ initialisation


def _uniform(rng, shape, H):
    """PyTorch's default for recurrent layers: U(-1/sqrt(H), 1/sqrt(H))."""
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
    rng = np.random.default_rng(rng)
    b = np.zeros(4 * H)
    b[H:2 * H] = forget_bias
    return {"W_x": _uniform(rng, (4 * H, V), H), "W_h": _uniform(rng, (4 * H, H), H), "b": b,
            "W_hy": _uniform(rng, (V, H), H), "b_y": np.zeros(V)}


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
    rng = np.random.default_rng(rng)
    b_x = np.zeros(3 * H)
    b_x[H:2 * H] = update_bias
    return {"W_x": _uniform(rng, (3 * H, V), H), "W_h": _uniform(rng, (3 * H, H), H),
            "b_x": b_x, "b_h": np.zeros(3 * H),
            "W_hy": _uniform(rng, (V, H), H), "b_y": np.zeros(V)}


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
        check_array(name, s, "B H", dims)


def _batch_size(inputs):
    """B of a (B, T) index array, or 1 for anything else (then the check reports inputs)."""
    return inputs.shape[0] if isinstance(inputs, np.ndarray) and inputs.ndim == 2 else 1


def _output_layer(hs, targets, W_hy, b_y):
    """Softmax cross-entropy on every step; returns loss, dW_hy, db_y and dhs."""
    B = hs.shape[0]
    scores = hs @ W_hy.T + b_y  # (B, T, H)@(H, V) -> (B, T, V)
    scores -= scores.max(axis=-1, keepdims=True)  # stable softmax
    logp = scores - np.log(np.exp(scores).sum(axis=-1, keepdims=True))  # (B, T, V)
    picked = np.take_along_axis(logp, targets[..., None], axis=-1)  # (B, T, 1)
    loss = -float(picked.sum()) / B  # summed over steps, averaged over streams
    dscores = np.exp(logp)  # p - onehot(target), divided by B
    np.put_along_axis(dscores, targets[..., None], np.exp(picked) - 1.0, axis=-1)
    dscores /= B
    V, H = W_hy.shape
    dW_hy = dscores.reshape(-1, V).T @ hs.reshape(-1, H)  # (V, B*T)@(B*T, H) -> (V, H)
    return loss, dW_hy, dscores.sum(axis=(0, 1)), dscores @ W_hy  # dhs: (B, T, H)


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
    if state is None:
        state = lstm_initial_state(params, _batch_size(inputs))
    if not isinstance(state, tuple) or len(state) != 2:
        raise TypeError("state: expected a tuple (h, c) of two (B, H) arrays, or None")
    _check_char(params, LSTM_PARAMS, 4, inputs, targets, [("h0", state[0]), ("c0", state[1])])
    x = np.eye(params["W_x"].shape[1])[inputs]  # (B, T, V) one-hot rows
    hs, c_last, cache = _lstm_forward(x, state[0], state[1], params["W_x"], params["W_h"],
                                      params["b"])
    loss, dW_hy, db_y, dhs = _output_layer(hs, targets, params["W_hy"], params["b_y"])
    _, _, _, dW_x, dW_h, db = _lstm_backward(dhs, cache)
    grads = {"W_x": dW_x, "W_h": dW_h, "b": db, "W_hy": dW_hy, "b_y": db_y}
    return loss, grads, (hs[:, -1].copy(), c_last)


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
        h0 = gru_initial_state(params, _batch_size(inputs))
    _check_char(params, GRU_PARAMS, 3, inputs, targets, [("h0", h0)])
    x = np.eye(params["W_x"].shape[1])[inputs]  # (B, T, V) one-hot rows
    hs, cache = _gru_forward(x, h0, params["W_x"], params["W_h"], params["b_x"],
                             params["b_h"])
    loss, dW_hy, db_y, dhs = _output_layer(hs, targets, params["W_hy"], params["b_y"])
    _, _, dW_x, dW_h, db_x, db_h = _gru_backward(dhs, cache)
    grads = {"W_x": dW_x, "W_h": dW_h, "b_x": db_x, "b_h": db_h, "W_hy": dW_hy, "b_y": db_y}
    return loss, grads, hs[:, -1].copy()


# ------------------------------------------------------- the recall task, seeds side by side


def _rnn_forward(x, h0, W_x, W_h, b):
    """Vanilla RNN on a stack of models: the equations of rnnlib.rnn_forward, any lead axes."""
    T = x.shape[-2]
    h = np.empty(x.shape[:-1] + (h0.shape[-1],))
    h_prev = h0
    for t in range(T):
        h_prev = np.tanh(x[..., t, :] @ _t(W_x) + h_prev @ _t(W_h) + b)  # (S, N, H)
        h[..., t, :] = h_prev
    return h, (x, h0, h, W_x, W_h)


def _rnn_backward(dh, cache):
    """BPTT for _rnn_forward; returns dW_x, dW_h, db (db keeps the bias's (S, 1, H) shape)."""
    x, h0, h, W_x, W_h = cache
    dW_x, dW_h = np.zeros_like(W_x), np.zeros_like(W_h)
    db = np.zeros(W_h.shape[:-2] + (1, W_h.shape[-1]))
    dh_next = np.zeros_like(h0)
    for t in reversed(range(x.shape[-2])):
        da = (dh[..., t, :] + dh_next) * (1.0 - h[..., t, :] ** 2)  # (S, N, H)
        h_prev = h[..., t - 1, :] if t > 0 else h0
        # BPTT: the weights are shared by every step, so their gradients add up over time.
        dW_x += _t(da) @ x[..., t, :]  # (S, H, N)@(S, N, D) -> (S, H, D)
        dW_h += _t(da) @ h_prev  # (S, H, N)@(S, N, H) -> (S, H, H)
        db += da.sum(axis=-2, keepdims=True)
        dh_next = da @ W_h  # (S, N, H)@(S, H, H) -> (S, N, H)
    return dW_x, dW_h, db


RECALL_KINDS = ("rnn", "lstm", "gru")


def init_recall_params(kind, H, rng, forget_bias=1.0, update_bias=0.0):
    """Parameters of a two-class recall model (D = 2 inputs, O = 2 outputs).

    kind "rnn" uses rnnlib.init_rnn_params (as notebook 05 does); "lstm" and "gru" use
    PyTorch's uniform default for the recurrent weights, the same Xavier-style output layer,
    zero biases except the gate that keeps the old state: the LSTM's forget gate
    (forget_bias) and the GRU's update gate (update_bias, put in b_x[H:2H]).

    Returns:
    - params: dict W_x (kH, 2), W_h (kH, H), the biases, W_hy (2, H), b_y (2,), with k = 1,
      4 or 3; the biases are b (kH,) for "rnn" and "lstm", b_x and b_h (3H,) for "gru".
    """
    if kind not in RECALL_KINDS:
        raise ValueError(f"kind: expected one of {RECALL_KINDS}, got {kind!r}")
    rng = np.random.default_rng(rng)
    if kind == "rnn":
        from . import init_rnn_params  # top-level name: stable while modules move

        p = init_rnn_params(2, H, 2, rng)
        return {"W_x": p["W_xh"], "W_h": p["W_hh"], "b": p["b_h"], "W_hy": p["W_hy"],
                "b_y": p["b_y"]}
    k = 4 if kind == "lstm" else 3
    params = {"W_x": _uniform(rng, (k * H, 2), H), "W_h": _uniform(rng, (k * H, H), H)}
    if kind == "lstm":
        params["b"] = np.zeros(4 * H)
        params["b"][H:2 * H] = forget_bias
    else:
        params["b_x"], params["b_h"] = np.zeros(3 * H), np.zeros(3 * H)
        params["b_x"][H:2 * H] = update_bias
    params["W_hy"] = rng.normal(0.0, 1.0 / np.sqrt(H), size=(2, H))
    params["b_y"] = np.zeros(2)
    return params


def recall_loss(kind, params, x, labels):
    """Cross-entropy at the last step of a recall model, for one model or a stack of S.

    Inputs:
    - kind: "rnn", "lstm" or "gru".
    - params: from init_recall_params; for a stack every array has a leading S axis and
      every bias has shape (S, 1, size).
    - x: (N, T, 2) inputs, or (S, N, T, 2); labels: (N,) or (S, N) classes 0/1.

    Returns a tuple of:
    - loss: the mean over the N sequences; (S,) array for a stack.
    - grads: dict parallel to params.
    - scores: (N, 2) or (S, N, 2), the last step's scores.
    """
    N, H = x.shape[-3], params["W_h"].shape[-1]
    h0 = np.zeros(x.shape[:-3] + (N, H))
    W_x, W_h = params["W_x"], params["W_h"]
    if kind == "rnn":
        hs, cache = _rnn_forward(x, h0, W_x, W_h, params["b"])
    elif kind == "lstm":
        hs, _, cache = _lstm_forward(x, h0, h0, W_x, W_h, params["b"])
    else:
        hs, cache = _gru_forward(x, h0, W_x, W_h, params["b_x"], params["b_h"])
    h_last = hs[..., -1, :]  # (S, N, H)
    scores = h_last @ _t(params["W_hy"]) + params["b_y"]  # (S, N, H)@(S, H, 2) -> (S, N, 2)
    shifted = scores - scores.max(axis=-1, keepdims=True)
    p = np.exp(shifted)
    p /= p.sum(axis=-1, keepdims=True)  # (S, N, 2)
    picked = np.take_along_axis(p, labels[..., None], axis=-1)[..., 0]  # (S, N)
    loss = -np.log(picked).mean(axis=-1)
    dscores = p.copy()
    np.put_along_axis(dscores, labels[..., None], picked[..., None] - 1.0, axis=-1)
    dscores /= N
    grads = {"W_hy": _t(dscores) @ h_last,  # (S, 2, N)@(S, N, H) -> (S, 2, H)
             "b_y": dscores.sum(axis=-2).reshape(params["b_y"].shape)}
    dhs = np.zeros_like(hs)
    dhs[..., -1, :] = dscores @ params["W_hy"]  # only the last step meets the loss
    if kind == "rnn":
        grads["W_x"], grads["W_h"], db = _rnn_backward(dhs, cache)
        grads["b"] = db.reshape(params["b"].shape)
    elif kind == "lstm":
        _, _, _, grads["W_x"], grads["W_h"], grads["b"] = _lstm_backward(dhs, cache)
    else:
        _, _, grads["W_x"], grads["W_h"], grads["b_x"], grads["b_h"] = _gru_backward(dhs, cache)
    return loss, grads, scores


def train_recall(kind, T, seeds, *, hidden=16, steps=100, batch=32, lr=0.05, noise=2.0,
                 clip_norm=5.0, n_val=300, forget_bias=1.0, update_bias=0.0):
    """Train one model per seed on rnnlib.recall_first_data, all seeds at once.

    Seed s does exactly what a single run would: its own Generator makes the initial
    parameters, then a held-out set of n_val sequences, then one batch per step; AdaGrad
    with learning rate lr; the gradient of each seed clipped to a global norm of clip_norm.

    Inputs:
    - kind: "rnn", "lstm" or "gru"; T: sequence length (the distance to recall over).
    - seeds: list of S integer seeds.
    - hidden, steps, batch, lr, noise, clip_norm, n_val: the budget and the task.
    - forget_bias, update_bias: see init_recall_params.

    Returns a tuple of:
    - accuracy: (S,) held-out accuracy of each seed after training.
    - losses: (steps, S) training loss of each seed before each update.
    """
    from . import recall_first_data  # top-level name: stable while modules move

    check_positive("T", T, integer=True)
    check_positive("steps", steps, integer=True)
    rngs = [np.random.default_rng(s) for s in seeds]
    singles = [init_recall_params(kind, hidden, r, forget_bias, update_bias) for r in rngs]
    params = {n: np.stack([p[n] for p in singles]) for n in singles[0]}  # (S, ...)
    for n in params:
        if params[n].ndim == 2:  # a bias (S, size) becomes (S, 1, size): one row per model
            params[n] = params[n][:, None, :]
    val = [recall_first_data(n_val, T, r, noise) for r in rngs]
    x_val = np.stack([v[0] for v in val])  # (S, n_val, T, 2)
    y_val = np.stack([v[1][:, -1] for v in val])  # (S, n_val)
    opt = AdaGrad(lr=lr)
    losses = np.empty((steps, len(seeds)))
    for step in range(steps):
        data = [recall_first_data(batch, T, r, noise) for r in rngs]
        x = np.stack([d[0] for d in data])  # (S, batch, T, 2)
        y = np.stack([d[1][:, -1] for d in data])  # (S, batch)
        losses[step], grads, _ = recall_loss(kind, params, x, y)
        norms = np.sqrt(sum((g * g).reshape(len(seeds), -1).sum(axis=1)
                            for g in grads.values()))  # (S,) global norm of each seed
        scale = np.minimum(1.0, clip_norm / np.maximum(norms, 1e-300))
        for g in grads.values():
            g *= scale.reshape((-1,) + (1,) * (g.ndim - 1))
        opt.step(params, grads)
    _, _, scores = recall_loss(kind, params, x_val, y_val)
    return (scores.argmax(axis=-1) == y_val).mean(axis=1), losses
