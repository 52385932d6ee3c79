"""Losses. Each returns ``(loss, dscores)``: a float and the gradient of that float with
respect to the model's output, ready to feed into the output layer's backward."""

import numpy as np

from ._checks import check_array, check_labels
from .layers import sigmoid


def mse_loss(pred, target):
    """Mean squared error over every element: L = mean((pred - target)^2).

    Inputs:
    - pred: (N, O) predictions, target: (N, O) true values.

    Returns a tuple of:
    - loss: float.
    - dpred: (N, O) gradient, 2 (pred - target) / (N * O).
    """
    dims = {}
    check_array("pred", pred, "N O", dims)
    check_array("target", target, "N O", dims)
    diff = pred - target
    return float(np.mean(diff * diff)), 2.0 * diff / diff.size


def bce_with_logits_loss(logits, labels):
    """Binary cross-entropy of sigmoid(logits) against 0/1 labels, averaged over the batch.

    Written as max(z, 0) - z*y + log(1 + exp(-|z|)), which equals
    -[y log sigmoid(z) + (1 - y) log(1 - sigmoid(z))] but stays finite for any z.

    Inputs:
    - logits: (N, 1) scores z, labels: (N, 1) values in {0, 1} (floats).

    Returns a tuple of:
    - loss: float.
    - dlogits: (N, 1) gradient, (sigmoid(z) - y) / N.
    """
    dims = {}
    check_array("logits", logits, "N 1", dims)
    check_array("labels", labels, "N 1", dims)
    if np.any((labels != 0) & (labels != 1)):
        raise ValueError("labels: expected only 0.0 and 1.0")
    z, y = logits, labels
    loss = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    N = z.shape[0]
    return float(loss.sum() / N), (sigmoid(z) - y) / N


def _log_softmax(scores):
    shifted = scores - scores.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax_cross_entropy_loss(scores, labels):
    """Softmax cross-entropy for one label per example, averaged over the batch.

    Inputs:
    - scores: (N, C) unnormalised scores (logits), labels: (N,) integers in [0, C).

    Returns a tuple of:
    - loss: float, mean of -log softmax(scores)[label].
    - dscores: (N, C) gradient, (softmax(scores) - onehot(labels)) / N.
    """
    dims = {}
    check_array("scores", scores, "N C", dims)
    check_labels("labels", labels, "N", dims, scores.shape[1])
    N = scores.shape[0]
    logp = _log_softmax(scores)  # (N, C)
    loss = -logp[np.arange(N), labels].sum() / N
    dscores = np.exp(logp)  # softmax probabilities, (N, C)
    dscores[np.arange(N), labels] -= 1.0
    return float(loss), dscores / N


def temporal_softmax_cross_entropy_loss(scores, labels, mask=None):
    """Softmax cross-entropy at every time step, averaged over the steps that count.

    Padded steps (mask False) add nothing to the loss or the gradient. The loss is the mean
    over counted steps, so it is in nats per step whatever the batch size and padding.

    Inputs:
    - scores: (N, T, C) scores at every step.
    - labels: (N, T) integer targets in [0, C) (any valid class at padded steps).
    - mask: optional (N, T) booleans, True where the step counts. Default: all True.

    Returns a tuple of:
    - loss: float.
    - dscores: (N, T, C) gradient, zero at masked-out steps.
    """
    dims = {}
    check_array("scores", scores, "N T C", dims)
    check_labels("labels", labels, "N T", dims, scores.shape[2])
    if mask is None:
        mask = np.ones(labels.shape, dtype=bool)
    else:
        if not isinstance(mask, np.ndarray) or mask.dtype != bool:
            raise TypeError(
                f"mask: expected a boolean array of shape (N, T) = {labels.shape}, "
                f"got {getattr(mask, 'dtype', type(mask).__name__)}"
            )
        check_array("mask", mask, "N T", dims, floating=False, finite=False)
    count = int(mask.sum())
    if count == 0:
        raise ValueError("mask: every step is masked out; nothing to compute a loss on")
    N, T, C = scores.shape
    logp = _log_softmax(scores)  # (N, T, C)
    n_idx, t_idx = np.nonzero(mask)  # only the steps that count
    loss = -logp[n_idx, t_idx, labels[n_idx, t_idx]].sum() / count
    dscores = np.exp(logp)  # (N, T, C) probabilities
    dscores[n_idx, t_idx, labels[n_idx, t_idx]] -= 1.0
    dscores *= mask[:, :, None] / count  # padded steps get zero gradient
    return float(loss), dscores
