"""Sequences of different lengths, many-to-many RNNs, toy tasks and gradient-flow probes.

Used by notebook 04 (padding, masks, an output at every step) and notebook 05 (vanishing and
exploding gradients). Sizes as everywhere in rnnlib: N sequences, T steps, D input features,
H hidden units, O output classes; arrays batch first.

A many-to-one task is a many-to-many task whose mask is True at one step only, so the same
loss serves both.
"""

import numpy as np

from ._checks import check_array, check_labels, check_positive
from .data import make_rng
from .init import scale_to_spectral_radius, xavier
from .layers import rnn_backward, rnn_forward, temporal_affine_backward, temporal_affine_forward
from .losses import temporal_softmax_cross_entropy_loss


def lengths_to_mask(lengths, T=None):
    """Boolean mask that is True on the first lengths[i] steps of row i.

    Inputs:
    - lengths: (N,) positive integers.
    - T: number of columns (default: the largest length); must be >= every length.

    Returns:
    - mask: (N, T) booleans, mask[i, t] = t < lengths[i].
    """
    lengths = np.asarray(lengths)
    if lengths.ndim != 1 or lengths.size == 0 or not np.issubdtype(lengths.dtype, np.integer):
        raise ValueError(f"lengths: expected a non-empty 1-D list of integers, got {lengths!r}")
    if lengths.min() < 1:
        raise ValueError(f"lengths: every length must be >= 1, got {lengths.min()}")
    T = int(lengths.max()) if T is None else check_positive("T", T, integer=True)
    if lengths.max() > T:
        raise ValueError(f"T: must be >= the longest length {lengths.max()}, got {T}")
    return np.arange(T)[None, :] < lengths[:, None]  # (1, T) < (N, 1) -> (N, T)


def pad_sequences(sequences, T=None, value=0):
    """Stack sequences of different lengths into one batch, padding at the end.

    Inputs:
    - sequences: list of N arrays, sequence i of shape (T_i,) or (T_i, D) (same D for all).
    - T: padded length (default: the longest T_i).
    - value: what to put in the padded steps.

    Returns a tuple of:
    - padded: (N, T) or (N, T, D) array whose dtype holds every sequence (np.result_type).
    - mask: (N, T) booleans, True at real steps, False at padding.
    """
    if not isinstance(sequences, (list, tuple)) or not sequences:
        raise TypeError("sequences: expected a non-empty list of arrays")
    seqs = [np.asarray(s) for s in sequences]
    tail = seqs[0].shape[1:]
    for i, s in enumerate(seqs):
        if s.ndim not in (1, 2) or s.shape[1:] != tail or s.shape[0] == 0:
            raise ValueError(
                f"sequences[{i}]: expected shape (T_i,{' D' if tail else ''}) with "
                f"{'D = ' + str(tail[0]) if tail else 'one value per step'}, got {s.shape}"
            )
    mask = lengths_to_mask(np.array([len(s) for s in seqs]), T)
    # result_type: one float sequence among integer ones must not be truncated to integers
    padded = np.full(mask.shape + tail, value, dtype=np.result_type(*seqs))
    for i, s in enumerate(seqs):
        padded[i, : len(s)] = s
    return padded, mask


def init_rnn_params(D, H, O, rng, radius=None):
    """Parameters of a many-to-many RNN: Xavier-style weights, zero biases.

    Inputs:
    - D, H, O: input, hidden and output sizes.
    - rng: integer seed or numpy Generator.
    - radius: if given, W_hh is rescaled to this spectral radius.

    Returns:
    - params: dict with W_xh (H, D), W_hh (H, H), b_h (H,), W_hy (O, H), b_y (O,).
    """
    rng = make_rng(rng)
    W_hh = xavier(H, H, rng)
    if radius is not None:
        W_hh = scale_to_spectral_radius(W_hh, radius)
    return {"W_xh": xavier(H, D, rng), "W_hh": W_hh, "b_h": np.zeros(H),
            "W_hy": xavier(O, H, rng), "b_y": np.zeros(O)}


def _check_params(params, dims):
    if not isinstance(params, dict):
        raise TypeError("params: expected a dict with W_xh, W_hh, b_h, W_hy, b_y")
    for name, spec in (("W_xh", "H D"), ("W_hh", "H H"), ("b_h", "H"), ("W_hy", "O H"),
                       ("b_y", "O")):
        if name not in params:
            raise ValueError(f"params: missing {name!r}")
        check_array(f"params[{name!r}]", params[name], spec, dims)


def rnn_scores(params, x, h0=None):
    """Scores at every step of a many-to-many RNN (no loss).

    Inputs:
    - params: dict W_xh (H, D), W_hh (H, H), b_h (H,), W_hy (O, H), b_y (O,).
    - x: (N, T, D) inputs.
    - h0: (N, H) initial state (default zeros).

    Returns:
    - scores: (N, T, O), the softmax inputs at every step.
    """
    dims = {}
    check_array("x", x, "N T D", dims)
    _check_params(params, dims)
    h0 = np.zeros((x.shape[0], dims["H"])) if h0 is None else h0
    h, _ = rnn_forward(x, h0, params["W_xh"], params["W_hh"], params["b_h"])
    scores, _ = temporal_affine_forward(h, params["W_hy"], params["b_y"])
    return scores


def many_to_many_loss(params, x, labels, mask=None, h0=None):
    """Softmax cross-entropy at every (unmasked) step of an RNN, and its gradients.

    rnn_forward -> temporal_affine_forward -> temporal_softmax_cross_entropy_loss, then the
    three backward passes in reverse order. The loss is the mean over counted steps.

    Inputs:
    - params: dict W_xh (H, D), W_hh (H, H), b_h (H,), W_hy (O, H), b_y (O,).
    - x: (N, T, D) inputs (padded steps may hold anything).
    - labels: (N, T) integer classes in [0, O).
    - mask: optional (N, T) booleans, True at steps that count.
    - h0: (N, H) initial state (default zeros).

    Returns a tuple of:
    - loss: float.
    - grads: dict with the same keys and shapes as params.
    """
    dims = {}
    check_array("x", x, "N T D", dims)
    _check_params(params, dims)
    check_labels("labels", labels, "N T", dims, dims["O"])
    h0 = np.zeros((x.shape[0], dims["H"])) if h0 is None else h0
    h, rnn_cache = rnn_forward(x, h0, params["W_xh"], params["W_hh"], params["b_h"])
    scores, aff_cache = temporal_affine_forward(h, params["W_hy"], params["b_y"])
    loss, dscores = temporal_softmax_cross_entropy_loss(scores, labels, mask)
    dh, dW_hy, db_y = temporal_affine_backward(dscores, aff_cache)
    _, _, dW_xh, dW_hh, db_h = rnn_backward(dh, rnn_cache)
    return loss, {"W_xh": dW_xh, "W_hh": dW_hh, "b_h": db_h, "W_hy": dW_hy, "b_y": db_y}


def masked_accuracy(scores, labels, mask=None):
    """Fraction of counted steps where the highest score is the label.

    Inputs:
    - scores: (N, T, O), labels: (N, T) integers, mask: optional (N, T) booleans.

    Returns:
    - accuracy: float in [0, 1].
    """
    dims = {}
    check_array("scores", scores, "N T O", dims)
    check_labels("labels", labels, "N T", dims, dims["O"])
    if mask is None:
        mask = np.ones(labels.shape, dtype=bool)
    elif not isinstance(mask, np.ndarray) or mask.dtype != bool:
        # an integer 0/1 mask would silently index rows 0 and 1 instead of selecting steps
        raise TypeError(f"mask: expected a boolean array of shape (N, T) = {labels.shape}, "
                        f"got {getattr(mask, 'dtype', type(mask).__name__)}")
    check_array("mask", mask, "N T", dims, floating=False, finite=False)
    if not mask.any():
        raise ValueError("mask: every step is masked out; there is nothing to score")
    correct = scores.argmax(axis=-1) == labels  # (N, T)
    return float(correct[mask].mean())


def running_sign_data(n, rng, min_len=5, max_len=20):
    """Per-step task: is the running sum of the inputs so far positive?

    x_t ~ N(0, 1) and label_t = 1 if x_1 + ... + x_t > 0 else 0. The current input alone
    does not decide the label: the network must remember the sum. Lengths are uniform in
    [min_len, max_len]; sequences are padded at the end with zeros (label 0, mask False).

    Inputs:
    - n: number of sequences; rng: seed or Generator; min_len <= max_len: length range.

    Returns a tuple of:
    - x: (n, max_len, 1) float64, labels: (n, max_len) int64, mask: (n, max_len) bool.
    """
    check_positive("n", n, integer=True)
    check_positive("min_len", min_len, integer=True)
    check_positive("max_len", max_len, integer=True)
    if min_len > max_len:
        raise ValueError(f"min_len: must be <= max_len = {max_len}, got {min_len}")
    rng = make_rng(rng)
    lengths = rng.integers(min_len, max_len + 1, size=n)
    mask = lengths_to_mask(lengths, max_len)
    x = rng.normal(size=(n, max_len)) * mask  # zeros at padded steps
    labels = (np.cumsum(x, axis=1) > 0).astype(np.int64) * mask
    return x[:, :, None], labels, mask


def recall_first_data(n, T, rng, noise=1.0):
    """Long-range task: after T steps, report the sign of the very first input.

    Two input channels. Channel 0 holds +1 or -1 at step 0 and zeros afterwards; channel 1
    holds N(0, noise^2) distractors at every step. The label (1 for +1, 0 for -1) is asked
    for at the last step only, so the mask is True only there: a many-to-one task.

    Inputs:
    - n: number of sequences; T: length (>= 1); rng: seed or Generator; noise: std.

    Returns a tuple of:
    - x: (n, T, 2) float64, labels: (n, T) int64 (the class, repeated), mask: (n, T) bool.
    """
    check_positive("n", n, integer=True)
    check_positive("T", T, integer=True)
    check_positive("noise", noise, allow_zero=True)
    rng = make_rng(rng)
    cls = rng.integers(0, 2, size=n)
    x = np.zeros((n, T, 2))
    x[:, 0, 0] = 2.0 * cls - 1.0
    x[:, :, 1] = rng.normal(0.0, noise, size=(n, T))
    labels = np.repeat(cls[:, None], T, axis=1).astype(np.int64)
    mask = np.zeros((n, T), dtype=bool)
    mask[:, -1] = True
    return x, labels, mask


def grad_norms_by_distance(W_hh, W_xh, x, b_h=None, u=None):
    """How the gradient's size changes as it travels back k steps, with rnnlib.rnn_backward.

    Run the RNN from h_0 = 0 over x once. For each k = 1..T, put the loss L_k = u . h_k on
    step k alone and backpropagate: rnn_backward's dh0 is dL_k/dh_0, a gradient that has
    crossed k steps, i.e. been multiplied by diag(1 - h_t^2) W_hh k times.

    Inputs:
    - W_hh: (H, H), W_xh: (H, D), x: (N, T, D), b_h: (H,) (default zeros).
    - u: (H,) direction of the loss on h_k (default: all ones / sqrt(H), unit length).

    Returns:
    - norms: (T,) float64, norms[k-1] = mean over the N sequences of ||dL_k/dh_0||.
    """
    dims = {}
    check_array("x", x, "N T D", dims)
    check_array("W_xh", W_xh, "H D", dims)
    check_array("W_hh", W_hh, "H H", dims)
    N, T, _ = x.shape
    H = dims["H"]
    b_h = np.zeros(H) if b_h is None else check_array("b_h", b_h, "H", dims)
    u = np.ones(H) / np.sqrt(H) if u is None else check_array("u", u, "H", dims)
    _, cache = rnn_forward(x, np.zeros((N, H)), W_xh, W_hh, b_h)
    norms = np.empty(T)
    for k in range(1, T + 1):
        dh = np.zeros((N, T, H))
        dh[:, k - 1] = u  # the loss sits on h_k only
        dh0 = rnn_backward(dh, cache)[1]  # (N, H) = dL_k / dh_0
        norms[k - 1] = np.linalg.norm(dh0, axis=1).mean()
    return norms
