"""Every model of the series as a loss function of (params, batch): one style.

    params = init_rnn_params(D, H, O, rng)          # W_xh (H, D), W_hh (H, H), b_h (H,),
                                                    # W_hy (O, H), b_y (O,)
    loss, grads = model_loss(params, x, targets)    # grads has the keys of params

Sequence-to-one models (notebooks 02, 03) read x (N, T, D) from h_0 = 0 and put the output
layer on the LAST hidden state; the many-to-many model (notebooks 04, 05) scores every step:

    h_t = tanh(x_t @ W_xh.T + h_{t-1} @ W_hh.T + b_h)      # (N, H), t = 1..T
    s   = h_T @ W_hy.T + b_y                              # (N, O)      sequence to one
    y_t = h_t @ W_hy.T + b_y                              # (N, T, O)   many to many

Every loss is the mean over the predictions it scores (see rnnlib/__init__.py).

The char models (notebooks 06-08) are listed at the end, in CHAR_MODELS: each cell's
functions of the char-model protocol, which CharRNNTrainer, the checkpoints and the command
line look up by the cell's name.
"""

import functools
from typing import NamedTuple

import numpy as np

from . import _checks as checks
from . import char_rnn as rnn_cell
from . import gated_models as gated_cells
from ._checks import make_rng, validated
from .initializers import lecun_normal, scale_to_spectral_radius
from .layers import (
    affine_backward,
    affine_forward,
    rnn_backward,
    rnn_forward,
    temporal_affine_backward,
    temporal_affine_forward,
)
from .losses import (
    bce_with_logits_loss,
    mse_loss,
    softmax_cross_entropy,
    temporal_softmax_cross_entropy_loss,
)


def _init_args(D, H, O, rng, radius=None, init=None):
    checks.check_sizes(D=D, H=H, O=O)
    if radius is not None:
        checks.check_positive("radius", radius)


@validated(_init_args)
def init_rnn_params(D, H, O, rng, radius=None, init=lecun_normal):
    """Parameters of a vanilla RNN with an output layer: random weights, zero biases.

    Inputs:
    - D, H, O: input, hidden and output sizes.
    - rng: integer seed or numpy Generator.
    - radius: if given, W_hh is rescaled to this spectral radius.
    - init: function (fan_out, fan_in, rng) -> weights (default lecun_normal, N(0, 1/fan_in)).

    Returns:
    - params: dict with W_xh (H, D), W_hh (H, H), b_h (H,), W_hy (O, H), b_y (O,).
    """
    rng = make_rng(rng)
    W_hh = init(H, H, rng)  # drawn first, then W_xh and W_hy
    if radius is not None:
        W_hh = scale_to_spectral_radius(W_hh, radius)
    return {"W_xh": init(H, D, rng), "W_hh": W_hh, "b_h": np.zeros(H),
            "W_hy": init(O, H, rng), "b_y": np.zeros(O)}


def _params_x(params, x, state=None):
    """Check params and x (N, T, D) (and the state if given); return the sizes found."""
    dims = checks.rnn_params(params, {})
    checks.check_array("x", x, "N T D", dims)
    if state is not None:
        checks.check_state("state", state, x, dims)
    return dims


def _last_step_args(params, x, y=None, *, binary=False):
    dims = _params_x(params, x)
    if y is not None:
        checks.check_array("y", y, "N O", dims)
    if binary and dims["O"] != 1:
        raise ValueError(f"params['W_hy']: a binary classifier has O = 1 output, got {dims['O']}")
    if binary and y is not None:
        checks.check_binary("y", y)


def _many_to_many_args(params, x, labels=None, mask=None, state=None):
    dims = _params_x(params, x, state)
    if labels is not None:
        checks.check_labels("labels", labels, "N T", dims, dims["O"])
        checks.check_mask(mask, dims)


def _rnn(params, x, state=None):
    """Hidden states (N, T, H) from the state (default zeros: a fresh start), and cache."""
    state = np.zeros((x.shape[0], params["W_hh"].shape[0])) if state is None else state
    return rnn_forward(x, state, params["W_xh"], params["W_hh"], params["b_h"])


def _bptt(dh, rnn_cache, dW_hy, db_y):
    """Back through time from dh (N, T, H); the grads dict, parallel to params."""
    _, _, dW_xh, dW_hh, db_h = rnn_backward(dh, rnn_cache)
    return {"W_xh": dW_xh, "W_hh": dW_hh, "b_h": db_h, "W_hy": dW_hy, "b_y": db_y}


def _last_step_loss(loss_fn, params, x, y):
    h, rnn_cache = _rnn(params, x)  # (N, T, H)
    s, out_cache = affine_forward(h[:, -1], params["W_hy"], params["b_y"])  # (N, O)
    loss, ds = loss_fn(s, y)
    dh_last, dW_hy, db_y = affine_backward(ds, out_cache)
    dh = np.zeros_like(h)  # (N, T, H): only h_T feeds the output ...
    dh[:, -1] = dh_last  # ... and rnn_backward carries it back through time
    return loss, _bptt(dh, rnn_cache, dW_hy, db_y)


@validated(_last_step_args)
def last_step_scores(params, x):
    """Output-layer scores on the last hidden state (a regressor's prediction, a logit).

    Inputs:
    - params: dict W_xh (H, D), W_hh (H, H), b_h (H,), W_hy (O, H), b_y (O,) (init_rnn_params).
    - x: (N, T, D) input sequences.

    Returns:
    - scores: (N, O).
    """
    h, _ = _rnn(params, x)  # (N, T, H)
    return affine_forward(h[:, -1], params["W_hy"], params["b_y"])[0]  # (N, O)


@validated(_last_step_args)
def regression_loss(params, x, y):
    """Sequence-to-one regression: mean squared error of the last-step scores, and gradients.

    Inputs:
    - params: as last_step_scores. x: (N, T, D) sequences, y: (N, O) targets.

    Returns a tuple of:
    - loss: float, mean over all N * O entries of (prediction - y)^2.
    - grads: dict with the keys and shapes of params.
    """
    return _last_step_loss(mse_loss, params, x, y)


@validated(functools.partial(_last_step_args, binary=True))
def classification_loss(params, x, y):
    """Sequence-to-one binary classification: BCE of sigmoid(last-step score), and gradients.

    Inputs:
    - params: as last_step_scores, with O = 1. x: (N, T, D) sequences, y: (N, 1) labels 0/1.

    Returns a tuple of:
    - loss: float, mean binary cross-entropy over the N sequences.
    - grads: dict with the keys and shapes of params.
    """
    return _last_step_loss(bce_with_logits_loss, params, x, y)


@validated(_params_x)
def rnn_scores(params, x, state=None):
    """Scores at every step of a many-to-many RNN (no loss).

    Inputs:
    - params: as last_step_scores. x: (N, T, D) inputs. state: (N, H) start (default zeros).

    Returns:
    - scores: (N, T, O), the softmax inputs at every step.
    """
    h, _ = _rnn(params, x, state)  # (N, T, H)
    return temporal_affine_forward(h, params["W_hy"], params["b_y"])[0]  # (N, T, O)


@validated(_many_to_many_args)
def many_to_many_loss(params, x, labels, mask=None, state=None):
    """Softmax cross-entropy at every (unmasked) step of an RNN, and its gradients.

    Inputs:
    - params, x, state: as rnn_scores (padded steps of x may hold anything).
    - labels: (N, T) integer classes in [0, O).
    - mask: optional (N, T) booleans, True at steps that count.

    Returns a tuple of:
    - loss: float, the mean over counted steps.
    - grads: dict with the same keys and shapes as params.
    """
    h, rnn_cache = _rnn(params, x, state)  # (N, T, H)
    scores, aff_cache = temporal_affine_forward(h, params["W_hy"], params["b_y"])  # (N, T, O)
    loss, dscores = temporal_softmax_cross_entropy_loss(scores, labels, mask)
    dh, dW_hy, db_y = temporal_affine_backward(dscores, aff_cache)  # back in reverse order
    return loss, _bptt(dh, rnn_cache, dW_hy, db_y)


# ------------------------------------------------------------------------------ char models


class CharModel(NamedTuple):
    """One cell's functions of the char-model protocol (see rnnlib/__init__.py)."""

    init_params: object  # (vocab_size, hidden_size, rng, dtype) -> params
    initial_state: object  # (params, batch_size) -> state
    loss: object  # (params, inputs, targets, state=None) -> (loss, grads, state)
    scores: object  # (params, inputs, state=None) -> (scores, state)
    param_names: tuple
    sizes: object  # params -> (H, V), checking them


CHAR_MODELS = {
    "rnn": CharModel(rnn_cell.init_char_rnn_params, rnn_cell.char_rnn_initial_state,
                     rnn_cell.char_rnn_loss, rnn_cell.char_rnn_scores, rnn_cell.PARAM_NAMES,
                     rnn_cell.char_rnn_sizes),
    "lstm": CharModel(gated_cells.init_char_lstm_params, gated_cells.char_lstm_initial_state,
                      gated_cells.char_lstm_loss, gated_cells.char_lstm_scores,
                      gated_cells.LSTM_PARAMS, gated_cells.char_lstm_sizes),
    "gru": CharModel(gated_cells.init_char_gru_params, gated_cells.char_gru_initial_state,
                     gated_cells.char_gru_loss, gated_cells.char_gru_scores,
                     gated_cells.GRU_PARAMS, gated_cells.char_gru_sizes),
}


def char_cell(params):
    """The cell ("rnn", "lstm" or "gru") whose char model has exactly these parameter names."""
    if not isinstance(params, dict):
        raise TypeError(f"params: expected a dict of arrays, got {type(params).__name__}")
    for cell, model in CHAR_MODELS.items():
        if set(params) == set(model.param_names):
            return cell
    cell, names = max(((c, m.param_names) for c, m in CHAR_MODELS.items()),
                      key=lambda item: len(set(item[1]) & set(params)))  # the nearest cell
    raise ValueError(f"params: not a char model's parameters; nearest is the {cell!r} cell, "
                     f"but missing arrays {[n for n in names if n not in params]}, "
                     f"unexpected arrays {sorted(set(params) - set(names))}")


def _evaluate_args(params, data, seq_length=100):
    _, V = CHAR_MODELS[char_cell(params)].sizes(params)
    checks.check_indices("data", data, V, 2)
    checks.check_positive("seq_length", seq_length, integer=True)


@validated(_evaluate_args)
def evaluate_char_rnn(params, data, seq_length=100):
    """Mean loss in nats per character of predicting ``data`` one character ahead.

    Runs through the whole text as one stream, carrying the state across chunks of
    ``seq_length`` (chunks only bound memory; the result does not depend on them).

    Inputs:
    - params: any char model's (the cell is read from the keys). data: (L,) indices, L >= 2.

    Returns:
    - nats: float, mean of -log p(next character) over the L - 1 predictions.
    """
    scores_fn = CHAR_MODELS[char_cell(params)].scores
    state, total = None, 0.0
    for start in range(0, len(data) - 1, seq_length):
        x = data[start:start + seq_length + 1]  # (T' + 1,): inputs and their targets
        scores, state = scores_fn(params, x[None, :-1], state)  # (1, T', V)
        total += softmax_cross_entropy(scores[0].astype(np.float64), x[1:])[0].sum()
    return float(total / (len(data) - 1))
