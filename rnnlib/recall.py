"""The recall-the-first-input task (notebooks 05 and 08): many seeds trained side by side.

One function trains S models at once, one per seed, on rnnlib.recall_first_data: every array
gets a leading S axis, so a rate over seeds costs about one run. The kinds are the vanilla
RNN ("rnn"), the LSTM and the GRU, with the equations of rnnlib.rnn_forward and rnnlib.gated.
"""

import numpy as np

from ._checks import check_positive
from .gated import _gru_backward, _gru_forward, _lstm_backward, _lstm_forward, _t
from .gated_models import _uniform
from .optim import AdaGrad


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
