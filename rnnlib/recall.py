"""The recall task (notebooks 05 and 08): many seeds trained side by side, with a control.

One function trains S models at once, one per seed, on rnnlib.recall_first_data: every array
gets a leading S axis, so a rate over seeds costs about one run. The kinds are the vanilla
RNN ("rnn"), the LSTM and the GRU. The LSTM and the GRU run through rnnlib.gated's own
functions, which accept the leading S axis. The vanilla RNN has a stacked copy of
rnnlib.rnn_forward / rnn_backward here (``_rnn_forward``, ``_rnn_backward``): the layers of
notebooks 02-04 are written for one model (``W_xh.T``, sums over ``axis=0``), which is
how they are taught, and looping them seed by seed costs about three times as long. The
tests check the copy against rnnlib.many_to_many_loss and rnnlib.train, seed by seed.

``train_recall(..., readout_only=True)`` is the control every result on this task needs: a
model that trains only its output layer on the untrained recurrence. Where it succeeds, the
task can be solved without carrying anything through learnt recurrent weights, and the full
model's success there says nothing about how far a gradient can travel.
"""

import numpy as np

from ._checks import check_array, check_labels, check_positive, make_rng, validated
from .datasets import recall_first_data
from .gated import gru_backward, gru_forward, lstm_backward, lstm_forward
from .gated_models import recurrent_uniform
from .models import init_rnn_params
from .optim import AdaGrad

RECALL_KINDS = ("rnn", "lstm", "gru")
_BIASES = {"rnn": ("b",), "lstm": ("b",), "gru": ("b_x", "b_h")}


def _rnn_forward(x, h0, W_x, W_h, b):
    """rnnlib.rnn_forward's equations on a stack of models (any leading axes)."""
    h = np.empty(x.shape[:-1] + h0.shape[-1:])  # (S, N, T, H)
    h_prev = h0
    for t in range(x.shape[-2]):
        h_prev = np.tanh(x[..., t, :] @ W_x.mT + h_prev @ W_h.mT + b)  # (S, N, H)
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
        dW_x += da.mT @ x[..., t, :]  # (S, H, N)@(S, N, D) -> (S, H, D)
        dW_h += da.mT @ h_prev  # (S, H, N)@(S, N, H) -> (S, H, H)
        db += da.sum(axis=-2, keepdims=True)
        dh_next = da @ W_h  # (S, N, H)@(S, H, H) -> (S, N, H)
    return dW_x, dW_h, db


def _kind(kind):
    if kind not in RECALL_KINDS:
        raise ValueError(f"kind: expected one of {RECALL_KINDS}, got {kind!r}")


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
    _kind(kind)
    check_positive("H", H, integer=True)
    rng = make_rng(rng)
    if kind == "rnn":
        p = init_rnn_params(2, H, 2, rng)
        return {"W_x": p["W_xh"], "W_h": p["W_hh"], "b": p["b_h"], "W_hy": p["W_hy"],
                "b_y": p["b_y"]}
    k = 4 if kind == "lstm" else 3
    params = {"W_x": recurrent_uniform((k * H, 2), H, rng),
              "W_h": recurrent_uniform((k * H, H), H, rng)}
    if kind == "lstm":
        params["b"] = np.zeros(4 * H)
        params["b"][H:2 * H] = forget_bias
    else:
        params["b_x"], params["b_h"] = np.zeros(3 * H), np.zeros(3 * H)
        params["b_x"][H:2 * H] = update_bias
    params["W_hy"] = rng.normal(0.0, 1.0 / np.sqrt(H), size=(2, H))
    params["b_y"] = np.zeros(2)
    return params


def _recall_loss_args(kind, params, x, labels):
    _kind(kind)
    names = ("W_x", "W_h", *_BIASES[kind], "W_hy", "b_y")
    if not isinstance(params, dict) or any(n not in params for n in names):
        raise ValueError(f"params: expected a dict with keys {list(names)} "
                         f"(from init_recall_params({kind!r}, ...))")
    stack = "S " if isinstance(x, np.ndarray) and x.ndim == 4 else ""
    dims = {}
    check_array("x", x, stack + "N T 2", dims)
    check_labels("labels", labels, stack + "N", dims, 2)
    check_array("params['W_h']", params["W_h"], stack + "kH H", dims)
    check_array("params['W_hy']", params["W_hy"], stack + "2 H", dims)


def _scores(kind, params, x):
    """Last-step scores (S, N, 2) and what the backward pass needs."""
    N, H = x.shape[-3], params["W_h"].shape[-1]
    h0 = np.zeros(x.shape[:-3] + (N, H))
    W_x, W_h = params["W_x"], params["W_h"]
    if kind == "rnn":
        hs, cache = _rnn_forward(x, h0, W_x, W_h, params["b"])
    elif kind == "lstm":
        hs, cache = lstm_forward(x, h0, h0, W_x, W_h, params["b"])
    else:
        hs, cache = gru_forward(x, h0, W_x, W_h, params["b_x"], params["b_h"])
    scores = hs[..., -1, :] @ params["W_hy"].mT + params["b_y"]  # (S, N, H)@(S, H, 2)
    return scores, (hs, cache)


def _last_step_loss(scores, labels):
    """Softmax cross-entropy, mean over N, and its gradient on the scores (S, N, 2)."""
    shifted = scores - scores.max(axis=-1, keepdims=True)
    p = np.exp(shifted)
    p /= p.sum(axis=-1, keepdims=True)  # (S, N, 2) softmax
    picked = np.take_along_axis(p, labels[..., None], axis=-1)[..., 0]  # (S, N)
    loss = -np.log(picked).mean(axis=-1)
    dscores = p.copy()
    np.put_along_axis(dscores, labels[..., None], picked[..., None] - 1.0, axis=-1)
    dscores /= scores.shape[-2]  # the mean over N
    return loss, dscores


def _readout_grads(params, hs, dscores):
    """Gradients of the output layer, which reads the last state only."""
    return {"W_hy": dscores.mT @ hs[..., -1, :],  # (S, 2, N)@(S, N, H) -> (S, 2, H)
            "b_y": dscores.sum(axis=-2).reshape(params["b_y"].shape)}


@validated(_recall_loss_args)
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
    scores, (hs, cache) = _scores(kind, params, x)
    loss, dscores = _last_step_loss(scores, labels)
    grads = _readout_grads(params, hs, dscores)
    dhs = np.zeros_like(hs)
    dhs[..., -1, :] = dscores @ params["W_hy"]  # only the last step meets the loss
    if kind == "rnn":
        grads["W_x"], grads["W_h"], db = _rnn_backward(dhs, cache)
        grads["b"] = db.reshape(params["b"].shape)
    elif kind == "lstm":
        _, _, _, grads["W_x"], grads["W_h"], grads["b"] = lstm_backward(dhs, cache)
    else:
        _, _, grads["W_x"], grads["W_h"], grads["b_x"], grads["b_h"] = gru_backward(dhs, cache)
    return loss, grads, scores


def _train_recall_args(kind, T, seeds, *, hidden=16, steps=100, batch=32, lr=0.05,
                       noise=2.0, clip_norm=5.0, n_val=300, forget_bias=1.0, update_bias=0.0,
                       length=None, readout_only=False):
    _kind(kind)
    for name, value in (("T", T), ("hidden", hidden), ("steps", steps), ("batch", batch),
                        ("n_val", n_val)):
        check_positive(name, value, integer=True)
    for name, value in (("lr", lr), ("clip_norm", clip_norm)):
        check_positive(name, value)
    check_positive("noise", noise, allow_zero=True)
    if length is not None and check_positive("length", length, integer=True) < T:
        raise ValueError(f"length: expected at least T = {T} steps (the bit comes T steps "
                         f"before the end), got {length}")
    if not isinstance(readout_only, bool):
        raise TypeError(f"readout_only: expected True or False, got {readout_only!r}")
    if (not isinstance(seeds, (list, tuple)) or not seeds
            or not all(isinstance(s, (int, np.integer)) for s in seeds)):
        raise TypeError(f"seeds: expected a non-empty list of integers, got {seeds!r}")


@validated(_train_recall_args)
def train_recall(kind, T, seeds, *, hidden=16, steps=100, batch=32, lr=0.05, noise=2.0,
                 clip_norm=5.0, n_val=300, forget_bias=1.0, update_bias=0.0, length=None,
                 readout_only=False):
    """Train one model per seed on rnnlib.recall_first_data, all seeds at once.

    Seed s does exactly what a single run would: its own Generator makes the initial
    parameters, then a held-out set of n_val sequences, then one batch per step; AdaGrad
    with learning rate lr; the gradient of each seed clipped to a global norm of clip_norm.
    The matrices are small, so it runs with one BLAS thread (faster, and unaffected by
    other programs competing for the cores); the results do not depend on the thread count.

    readout_only=True is the control that learns nothing through the recurrence: the same
    start, data and budget, but only the output layer (W_hy, b_y) is trained, on the states
    of the untrained recurrent layer, which stays exactly as initialised (no BPTT is run).
    The clipping then acts on the output layer's gradient alone.

    Inputs:
    - kind: "rnn", "lstm" or "gru"; T: the distance to recall over (see recall_first_data).
    - seeds: list of S integer seeds.
    - hidden, steps, batch, lr, noise, clip_norm, n_val: the budget and the task.
    - forget_bias, update_bias: see init_recall_params.
    - length: sequence length (default T: the bit comes first); readout_only: see above.

    Returns a tuple of:
    - accuracy: (S,) held-out accuracy of each seed after training.
    - losses: (steps, S) training loss of each seed before each update.
    """
    from threadpoolctl import threadpool_limits

    rngs = [np.random.default_rng(s) for s in seeds]
    singles = [init_recall_params(kind, hidden, r, forget_bias, update_bias) for r in rngs]
    params = {n: np.stack([p[n] for p in singles]) for n in singles[0]}  # (S, ...)
    for n in params:
        if params[n].ndim == 2:  # a bias (S, size) becomes (S, 1, size): one row per model
            params[n] = params[n][:, None, :]
    trained = {n: params[n] for n in (("W_hy", "b_y") if readout_only else params)}
    val = [recall_first_data(n_val, T, r, noise, length) for r in rngs]
    x_val = np.stack([v[0] for v in val])  # (S, n_val, length, 2)
    y_val = np.stack([v[1][:, -1] for v in val])  # (S, n_val)
    opt = AdaGrad(lr=lr)
    losses = np.empty((steps, len(seeds)))
    with threadpool_limits(limits=1, user_api="blas"):
        for step in range(steps):
            data = [recall_first_data(batch, T, r, noise, length) for r in rngs]
            x = np.stack([d[0] for d in data])  # (S, batch, length, 2)
            y = np.stack([d[1][:, -1] for d in data])  # (S, batch)
            if readout_only:  # the output layer's gradient only: no backward through time
                scores, (hs, _) = _scores(kind, params, x)
                losses[step], dscores = _last_step_loss(scores, y)
                grads = _readout_grads(params, hs, dscores)
            else:
                losses[step], grads, _ = recall_loss(kind, params, x, y)
            norms = np.sqrt(sum((g * g).reshape(len(seeds), -1).sum(axis=1)
                                for g in grads.values()))  # (S,) global norm of each seed
            scale = np.minimum(1.0, clip_norm / np.maximum(norms, 1e-300))
            for g in grads.values():
                g *= scale.reshape((-1,) + (1,) * (g.ndim - 1))
            opt.step(trained, grads)
        scores, _ = _scores(kind, params, x_val)
    return (scores.argmax(axis=-1) == y_val).mean(axis=1), losses
