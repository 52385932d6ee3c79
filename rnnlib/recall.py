"""The recall task (notebooks 05 and 08): many seeds trained side by side, and its controls.

``train_recall`` trains S models at once, one per seed, on rnnlib.recall_first_data: every
array gets a leading S axis, so a rate over seeds costs about one run. The kinds, the
vanilla RNN ("rnn"), the LSTM and the GRU, run through their layers' own functions
(rnnlib.rnn_forward, lstm_forward, gru_forward, ...), which accept the S axis. A model is
one of the course's loss functions, ``recall_loss(params, x, labels)``; its keys say the kind.

A success on this task says that a network recalls the bit, not that it had to learn to
carry it over the distance. Three controls, each answering its own question (notebook 05):

- ``recall_readout``: can the untrained network already deliver the bit to the last step?
  Only the output layer is fitted, to convergence (``fit_readout``), on the last states of
  the initial network for the same sequences the full model trains on.
- ``train_recall(..., trained="readout+distractor")``: can the network succeed, with the same
  budget, without changing how it carries the bit? Only the output layer and the input
  weights of the distractor channel learn. Turning the distractor input down needs no
  gradient across the distance, and with it at zero the two classes are mirror images of
  each other at every step (notebook 05): a shortcut this control can take.
- ``train_recall(..., bptt_steps=k)``: can the network succeed with a gradient that reaches
  back only k steps from the answer? All weights learn, but nothing learns across the distance.
"""

import numpy as np

from . import gated, layers
from ._checks import check_array, check_labels, check_positive, make_rng, validated
from .activations import sigmoid
from .datasets import recall_first_data
from .gated_models import recurrent_uniform
from .losses import softmax_cross_entropy
from .models import init_rnn_params
from .optim import AdaGrad
from .train import blas_threads

_LAYER = {"rnn": (layers.rnn_forward, layers.rnn_step_forward, layers.rnn_backward),
          "lstm": (gated.lstm_forward, gated.lstm_step_forward, gated.lstm_backward),
          "gru": (gated.gru_forward, gated.gru_step_forward, gated.gru_backward)}
RECALL_KINDS = ("rnn", "lstm", "gru")
# each kind's recurrent layer: the input weights first, then the recurrent weights and biases
_RECURRENT = {"rnn": ("W_xh", "W_hh", "b_h"), "lstm": ("W_x", "W_h", "b"),
              "gru": ("W_x", "W_h", "b_x", "b_h")}
_GATES = {"rnn": 1, "lstm": 4, "gru": 3}  # rows of the input weights: gates x H
TRAINED = ("all", "readout+distractor")


def _kind(kind):
    if kind not in RECALL_KINDS:
        raise ValueError(f"kind: expected one of {RECALL_KINDS}, got {kind!r}")


def recall_kind(params):
    """The kind of a recall model, read from the keys of its params: "rnn", "lstm" or "gru"."""
    for kind, names in _RECURRENT.items():
        if isinstance(params, dict) and set(params) == {*names, "W_hy", "b_y"}:
            return kind
    got = sorted(params) if isinstance(params, dict) else type(params).__name__
    raise ValueError("params: expected the keys of one recall model (from init_recall_params): "
                     + "; ".join(f"{k} {[*n, 'W_hy', 'b_y']}" for k, n in _RECURRENT.items())
                     + f"; got {got}")


def _init_args(kind, H, rng, forget_bias=1.0, update_bias=0.0, init=None, input_scale=1.0):
    _init_choice(kind, init, input_scale)
    check_positive("H", H, integer=True)
    make_rng(rng)


def _init_choice(kind, init, input_scale):
    """Check kind, init and input_scale; return the init (None: the kind's default)."""
    _kind(kind)
    allowed = ("lecun", "uniform") if kind == "rnn" else ("uniform",)
    if init is not None and init not in allowed:
        raise ValueError(f"init: expected one of {allowed} for kind {kind!r}, got {init!r}")
    check_positive("input_scale", input_scale)
    return init or ("lecun" if kind == "rnn" else "uniform")


@validated(_init_args)
def init_recall_params(kind, H, rng, forget_bias=1.0, update_bias=0.0, init=None,
                       input_scale=1.0):
    """Parameters of a two-class recall model (D = 2 inputs, O = 2 outputs).

    init="uniform" (the gated cells' default) draws every weight matrix of the layer, the input
    weights first, from U(-1/sqrt(H), 1/sqrt(H)), as PyTorch starts torch.nn.RNN, LSTM and GRU;
    the biases are zero except the keep gate's: forget_bias (the LSTM's b[H:2H]), update_bias
    (the GRU's b_x[H:2H]). init="lecun" ("rnn" only, and its default) is notebook 05's start,
    rnnlib.init_rnn_params. Every kind gets W_hy N(0, 1/H) and b_y = 0. input_scale > 0
    multiplies the input weights after the draw: it sets how hard the inputs, distractors
    included, reach the pre-activations (notebook 08 compares cells at one scale).

    Returns:
    - params: for "rnn" W_xh (H, 2), W_hh (H, H), b_h (H,); for "lstm" W_x (4H, 2),
      W_h (4H, H), b (4H,); for "gru" W_x (3H, 2), W_h (3H, H), b_x, b_h (3H,); and for
      every kind the output layer W_hy (2, H), b_y (2,).
    """
    rng = make_rng(rng)
    if _init_choice(kind, init, input_scale) == "lecun":
        params = init_rnn_params(2, H, 2, rng)
        params["W_xh"] *= input_scale
        return params
    k, (inputs, recurrent, *biases) = _GATES[kind], _RECURRENT[kind]
    params = {inputs: input_scale * recurrent_uniform((k * H, 2), H, rng),  # drawn first
              recurrent: recurrent_uniform((k * H, H), H, rng),
              **{b: np.zeros(k * H) for b in biases}}
    if kind != "rnn":  # the keep gate: the LSTM's forget gate, the GRU's update gate (in b_x)
        params[biases[0]][H:2 * H] = forget_bias if kind == "lstm" else update_bias
    params["W_hy"] = rng.normal(0.0, 1.0 / np.sqrt(H), size=(2, H))
    params["b_y"] = np.zeros(2)
    return params


def _check_bptt(bptt_steps):
    if bptt_steps is not None and (isinstance(bptt_steps, bool) or not isinstance(
            bptt_steps, (int, np.integer)) or bptt_steps < 1):
        raise ValueError(f"bptt_steps: expected an integer >= 1 or None, got {bptt_steps!r}")


def _recall_loss_args(params, x, labels, bptt_steps=None):
    _check_bptt(bptt_steps)
    kind = recall_kind(params)
    stack = "S " if isinstance(x, np.ndarray) and x.ndim == 4 else ""
    dims = {}
    check_array("x", x, stack + "N T 2", dims)
    check_labels("labels", labels, stack + "N", dims, 2)
    check_array("params['W_hy']", params["W_hy"], stack + "2 H", dims)
    kH = str(_GATES[kind] * dims["H"])
    inputs, recurrent, *biases = _RECURRENT[kind]
    check_array(f"params[{inputs!r}]", params[inputs], f"{stack}{kH} 2", dims)
    check_array(f"params[{recurrent!r}]", params[recurrent], f"{stack}{kH} H", dims)
    for name, size in [(b, kH) for b in biases] + [("b_y", "2")]:  # a stack: (S, 1, size)
        check_array(f"params[{name!r}]", params[name], f"S 1 {size}" if stack else size, dims)


def _final_state(kind, params, x):
    """The state after x from a zero state, step by step, keeping no cache: (h,) or (h, c)."""
    h = np.zeros(x.shape[:-2] + params["W_hy"].shape[-1:])  # (N, H)
    state, weights = (h, h) if kind == "lstm" else (h,), [params[n] for n in _RECURRENT[kind]]
    for t in range(x.shape[-2]):
        state = _LAYER[kind][1](x[..., t, :], *state, *weights)[:-1]  # drop the step's cache
    return state


def _scores(params, h):
    return h @ params["W_hy"].mT + params["b_y"]  # (N, H)@(H, 2) -> (N, 2)


def _mean_cross_entropy(scores, labels):
    """Softmax cross-entropy, mean over the N sequences, of scores (..., N, 2); its gradient."""
    nll, dscores = softmax_cross_entropy(scores.reshape(-1, 2), labels.reshape(-1))
    N = scores.shape[-2]
    return nll.reshape(labels.shape).mean(axis=-1), dscores.reshape(scores.shape) / N


@validated(_recall_loss_args)
def recall_loss(params, x, labels, bptt_steps=None):
    """Cross-entropy at the last step of a recall model, for one model or a stack of S.

    bptt_steps=k, an integer 1 <= k < T (train_recall's third control), cuts the gradient k
    steps before the end: the first T - k steps run without a cache and their final state (h,
    and the LSTM's c) is held fixed, so the gradient comes back through the last k steps only
    (k = 1: notebook 03's BPTT without dh_next). Same loss. None, or k >= T: full BPTT.

    Inputs:
    - params: from init_recall_params (the keys say the kind); for a stack every array has a
      leading S axis and every bias has shape (S, 1, size).
    - x: (N, T, 2) inputs, or (S, N, T, 2); labels: (N,) or (S, N) classes 0/1.

    Returns a tuple of:
    - loss: the mean over the N sequences; (S,) array for a stack.
    - grads: dict parallel to params.
    - scores: (N, 2) or (S, N, 2), the last step's scores.
    """
    kind, T = recall_kind(params), x.shape[-2]
    cut = T - bptt_steps if bptt_steps is not None and bptt_steps < T else 0
    state = _final_state(kind, params, x[..., :cut, :])  # the first T - k steps: fixed
    forward, _, backward = _LAYER[kind]
    hs, cache = forward(x[..., cut:, :], *state, *[params[n] for n in _RECURRENT[kind]])
    h_last = hs[..., -1, :]  # (N, H)
    scores = _scores(params, h_last)
    loss, dscores = _mean_cross_entropy(scores, labels)
    grads = {"W_hy": dscores.mT @ h_last,  # (2, N)@(N, H) -> (2, H)
             "b_y": dscores.sum(axis=-2).reshape(params["b_y"].shape)}
    dhs = np.zeros_like(hs)
    dhs[..., -1, :] = dscores @ params["W_hy"]  # only the last step meets the loss
    layer_grads = backward(dhs, cache)[1 + len(state):]  # after dx, dh0 (and dc0)
    grads.update(zip(_RECURRENT[kind], layer_grads, strict=True))
    return loss, grads, scores


def _fit_readout_args(h, labels, l2=1e-8):
    dims = {}
    check_array("h", h, "N H", dims)
    check_labels("labels", labels, "N", dims, 2)
    check_positive("l2", l2)


@validated(_fit_readout_args)
def fit_readout(h, labels, l2=1e-8):
    """The best linear readout of two classes from fixed states: logistic regression, converged.

    The two scores of an output layer, s = h @ W_hy.T + b_y, enter a 2-class softmax only
    through their difference s_1 - s_0 = w . z + c, a logistic regression. It is fitted by
    Newton's method (halving a step until the objective falls enough) to the minimum of

        mean over the N rows of the cross-entropy  +  (l2 / 2) |w|^2

    where z are the states standardised unit by unit (mean 0, standard deviation 1 over the N
    rows; a unit that never varies gets weight 0), so that l2 means the same for any scale
    of states. The objective is convex; the fit stops when the next Newton step would change
    no weight in its first 10 digits or the objective by 1e-20.

    l2 is there only to keep the weights finite when the two classes are separable (as
    without distractors, notebook 05). The default, 1e-8, is small enough to leave the best
    fit of the data in place: on the recall cells of notebooks 05 and 08, 1e-10 moves no
    held-out accuracy by more than one sequence in 300, while 1e-4 moves some by 0.1.

    Inputs:
    - h: (N, H) states, e.g. the last hidden state of each sequence.
    - labels: (N,) classes 0 or 1.
    - l2: the penalty on the standardised weights, > 0.

    Returns a tuple of:
    - W_hy: (2, H), b_y: (2,): an output layer in the units of h, the difference split evenly
      between the two scores (W_hy = [-w, w] / 2 after undoing the standardisation).
    """
    varies = h.max(axis=0) > h.min(axis=0)  # (H,) a constant unit's z is 0, its weight too
    mu, sd = h.mean(axis=0), np.where(varies, h.std(axis=0), 1.0)
    z = np.where(varies, (h - mu) / sd, 0.0)  # (N, H) the standardised states
    X = np.hstack([z, np.ones((len(h), 1))])  # (N, H + 1): z and a 1 for c
    y = labels.astype(np.float64)
    penalty = np.r_[np.full(h.shape[1], l2), 0.0]  # on w, not on c

    def objective(w):
        s = X @ w  # (N,) the score difference
        return np.mean(np.logaddexp(0.0, s) - y * s) + 0.5 * np.sum(penalty * w * w)

    w, f = np.zeros(X.shape[1]), objective(np.zeros(X.shape[1]))
    for _ in range(100):
        p = sigmoid(X @ w)  # (N,) probability of class 1
        grad = X.T @ (p - y) / len(y) + penalty * w
        hess = (X.T * (p * (1.0 - p))) @ X / len(y) + np.diag(penalty)  # (H + 1, H + 1)
        step = np.linalg.solve(hess, grad)
        decrement = grad @ step  # about twice the height above the minimum
        if decrement < 1e-20 or np.max(np.abs(step)) < 1e-10 * (1.0 + np.max(np.abs(w))):
            break  # converged: no step left that rounding does not swamp
        t = 1.0
        while (decrement > 1e-8 and t > 1e-10
               and objective(w - t * step) > f - 0.25 * t * decrement):
            t /= 2.0  # far from the minimum a full step can overshoot: halve it
        w = w - t * step
        f = objective(w)
    else:
        raise FloatingPointError("fit_readout: Newton's method did not converge in 100 steps; "
                                 "try a larger l2")
    w_h = w[:-1] / sd  # back to the units of h
    c = w[-1] - w_h @ mu
    return np.stack([-w_h, w_h]) / 2.0, np.array([-c, c]) / 2.0


def _task_args(kind, T, seeds, hidden, steps, batch, noise, n_val, length, init, input_scale):
    _init_choice(kind, init, input_scale)
    for name, value in (("T", T), ("hidden", hidden), ("steps", steps), ("batch", batch),
                        ("n_val", n_val)):
        check_positive(name, value, integer=True)
    check_positive("noise", noise, allow_zero=True)
    if length is not None and check_positive("length", length, integer=True) < T:
        raise ValueError(f"length: expected at least T = {T} steps (the bit comes T steps "
                         f"before the end), got {length}")
    if (not isinstance(seeds, (list, tuple)) or not seeds
            or not all(isinstance(s, (int, np.integer)) for s in seeds)):
        raise TypeError(f"seeds: expected a non-empty list of integers, got {seeds!r}")


def _start(kind, T, seeds, hidden, noise, n_val, length, bias_and_init):
    """Each seed's Generator makes its initial parameters, then its held-out set; stacked."""
    rngs = [np.random.default_rng(s) for s in seeds]
    singles = [init_recall_params(kind, hidden, r, **bias_and_init) for r in rngs]
    params = {n: np.stack([p[n] for p in singles]) for n in singles[0]}  # (S, ...)
    # a bias (S, size) becomes (S, 1, size): one row per model
    params = {n: v[:, None, :] if v.ndim == 2 else v for n, v in params.items()}
    return rngs, params, _batch(rngs, n_val, T, noise, length)


def _batch(rngs, n, T, noise, length):
    """n sequences from each seed's Generator: x (S, n, length, 2), last-step labels (S, n)."""
    data = [recall_first_data(n, T, r, noise, length) for r in rngs]
    return np.stack([d[0] for d in data]), np.stack([d[1][:, -1] for d in data])


def _train_recall_args(kind, T, seeds, *, hidden=16, steps=100, batch=32, lr=0.05,
                       noise=2.0, clip_norm=5.0, n_val=300, forget_bias=1.0, update_bias=0.0,
                       init=None, input_scale=1.0, length=None, trained="all",
                       bptt_steps=None):
    _task_args(kind, T, seeds, hidden, steps, batch, noise, n_val, length, init, input_scale)
    _check_bptt(bptt_steps)
    for name, value in (("lr", lr), ("clip_norm", clip_norm)):
        check_positive(name, value)
    if trained not in TRAINED:
        raise ValueError(f"trained: expected one of {TRAINED}, got {trained!r}")


@validated(_train_recall_args)
def train_recall(kind, T, seeds, *, hidden=16, steps=100, batch=32, lr=0.05, noise=2.0,
                 clip_norm=5.0, n_val=300, forget_bias=1.0, update_bias=0.0, init=None,
                 input_scale=1.0, length=None, trained="all", bptt_steps=None):
    """Train one model per seed on rnnlib.recall_first_data, all seeds at once.

    Seed s does exactly what a single run would: its own Generator makes the initial
    parameters, then a held-out set of n_val sequences, then one batch per step; AdaGrad
    with learning rate lr; the gradient of each seed clipped to a global norm of clip_norm.
    The matrices are small, so it runs with one BLAS thread (faster, and unaffected by
    other programs competing for the cores); the results do not depend on the thread count.

    trained="readout+distractor" is a control: the same start, data and budget, but only the
    output layer (W_hy, b_y) and the column of the input weights that reads the distractor
    channel (input 1) learn; the recurrent weights, the biases and the bit's input column
    stay exactly as initialised. The clipping then acts on the learning weights alone.

    bptt_steps=k is the third control: every weight learns, but the gradient comes back only
    through the last k steps of each sequence (recall_loss): nothing learns across T > k.

    Inputs:
    - kind: "rnn", "lstm" or "gru"; T: the distance to recall over (see recall_first_data).
    - seeds: list of S integer seeds.
    - hidden, steps, batch, lr, noise, clip_norm, n_val: the budget and the task.
    - forget_bias, update_bias, init, input_scale: the start, see init_recall_params.
    - length: sequence length (default T: the bit comes first).
    - trained ("all": the model, or "readout+distractor"), bptt_steps: the controls above.

    Returns a tuple of:
    - accuracy: (S,) held-out accuracy of each seed after training.
    - losses: (steps, S) training loss of each seed before each update.
    """
    rngs, params, (x_val, y_val) = _start(kind, T, seeds, hidden, noise, n_val, length, dict(
        forget_bias=forget_bias, update_bias=update_bias, init=init, input_scale=input_scale))
    inputs = _RECURRENT[kind][0]
    learning = {n: params[n] for n in (params if trained == "all" else ("W_hy", "b_y", inputs))}
    opt = AdaGrad(lr=lr)
    losses = np.empty((steps, len(seeds)))
    with blas_threads(1):
        for step in range(steps):
            x, y = _batch(rngs, batch, T, noise, length)
            losses[step], grads, _ = recall_loss(params, x, y, bptt_steps)
            grads = {n: grads[n] for n in learning}
            if trained != "all":
                grads[inputs][..., 0] = 0.0  # the bit's input column keeps its start
            norms = np.sqrt(sum((g * g).reshape(len(seeds), -1).sum(axis=1)
                                for g in grads.values()))  # (S,) global norm of each seed
            scale = np.minimum(1.0, clip_norm / np.maximum(norms, 1e-300))
            for g in grads.values():
                g *= scale.reshape((-1,) + (1,) * (g.ndim - 1))
            opt.step(learning, grads)
        scores = _scores(params, _final_state(kind, params, x_val)[0])
    return (scores.argmax(axis=-1) == y_val).mean(axis=1), losses


def _recall_readout_args(kind, T, seeds, *, hidden=16, steps=100, batch=32, noise=2.0,
                         n_val=300, forget_bias=1.0, update_bias=0.0, init=None,
                         input_scale=1.0, length=None, l2=1e-8):
    _task_args(kind, T, seeds, hidden, steps, batch, noise, n_val, length, init, input_scale)
    check_positive("l2", l2)


@validated(_recall_readout_args)
def recall_readout(kind, T, seeds, *, hidden=16, steps=100, batch=32, noise=2.0, n_val=300,
                   forget_bias=1.0, update_bias=0.0, init=None, input_scale=1.0, length=None,
                   l2=1e-8):
    """The readout-only control, converged: the best linear readout of the untrained network.

    For each seed, the same start, held-out set and training sequences as train_recall (the
    steps batches of batch sequences, here all at once): the recurrent layer stays exactly
    as initialised, and only the output layer is fitted, to convergence, on its last states
    (fit_readout with penalty l2). Where it succeeds, the start already delivers the bit to
    the last step, and a trained model's success there needs no learning at all.

    Inputs: as train_recall (no optimizer: nothing is trained step by step); l2: see
    fit_readout.

    Returns a tuple of:
    - accuracy: (S,) held-out accuracy of each seed's readout.
    - loss: (S,) its mean cross-entropy on the steps * batch training sequences.
    """
    rngs, params, (x_val, y_val) = _start(kind, T, seeds, hidden, noise, n_val, length, dict(
        forget_bias=forget_bias, update_bias=update_bias, init=init, input_scale=input_scale))
    h, y = [], []
    with blas_threads(1):
        for _ in range(steps):  # the full model's batches, one by one (small arrays are faster)
            x_b, y_b = _batch(rngs, batch, T, noise, length)
            h.append(_final_state(kind, params, x_b)[0])
            y.append(y_b)
        h_val = _final_state(kind, params, x_val)[0]
    h, y = np.concatenate(h, axis=1), np.concatenate(y, axis=1)  # (S, steps * batch, H), (S, .)
    accuracy, loss = np.empty(len(seeds)), np.empty(len(seeds))
    for s in range(len(seeds)):
        readout = dict(zip(("W_hy", "b_y"), fit_readout(h[s], y[s], l2), strict=True))
        accuracy[s] = np.mean(_scores(readout, h_val[s]).argmax(axis=1) == y_val[s])
        loss[s] = _mean_cross_entropy(_scores(readout, h[s]), y[s])[0]
    return accuracy, loss
