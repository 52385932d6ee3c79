"""Losses and a metric. Each loss returns ``(loss, dscores)``: a float, the MEAN over the
predictions it scores, and its gradient with respect to the model's output, ready to feed
into the output layer's backward.

``softmax_cross_entropy`` is the one home of the cross-entropy: every softmax loss of rnnlib
(the many-to-many loss here, the char models' losses, their evaluation) sums or averages its
terms, each as its own scaling says. Only the fused char-RNN loss writes it out again, as the
fast path, tested equal to the reference that calls it.
"""

import numpy as np

from ._checks import check_array, check_binary, check_labels, check_mask, validated
from .activations import log_softmax, sigmoid


def _mse_args(pred, target):
    dims = {}
    check_array("pred", pred, "N O", dims)
    check_array("target", target, "N O", dims)


def _bce_args(logits, labels):
    dims = {}
    check_array("logits", logits, "N 1", dims)
    check_array("labels", labels, "N 1", dims)
    check_binary("labels", labels)


def _cross_entropy_args(scores, labels):
    dims = {}
    check_array("scores", scores, "N C", dims)
    check_labels("labels", labels, "N", dims, dims["C"])


@validated(_cross_entropy_args)
def softmax_cross_entropy(scores, labels):
    """The terms of a softmax cross-entropy: -log softmax(scores)[label], row by row.

    Inputs:
    - scores: (N, C) scores of N predictions over C classes; labels: (N,) integers in [0, C).

    Returns a tuple of:
    - nll: (N,) float, -log p(label) of each row (never inf: computed as a log-softmax).
    - dscores: (N, C) the gradient of each row's term, p - onehot(label). A loss that is a
      sum or a mean of the terms scales it the same way.
    """
    logp = log_softmax(scores)  # (N, C)
    rows = np.arange(len(labels))
    nll = -logp[rows, labels]
    dscores = np.exp(logp)  # (N, C) probabilities
    dscores[rows, labels] -= 1.0
    return nll, dscores


def _temporal_args(scores, labels, mask=None):
    dims = {}
    check_array("scores", scores, "N T C", dims)
    check_labels("labels", labels, "N T", dims, dims["C"])
    check_mask(mask, dims)


@validated(_mse_args)
def mse_loss(pred, target):
    """Mean squared error over every element: L = mean((pred - target)^2).

    Inputs:
    - pred: (N, O) predictions, target: (N, O) true values.

    Returns a tuple of:
    - loss: float.
    - dpred: (N, O) gradient, 2 (pred - target) / (N * O).
    """
    diff = pred - target
    return float(np.mean(diff * diff)), 2.0 * diff / diff.size


@validated(_bce_args)
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
    z, y = logits, labels
    loss = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    N = z.shape[0]
    return float(loss.sum() / N), (sigmoid(z) - y) / N


@validated(_temporal_args)
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
    N, T, C = scores.shape
    mask = np.ones((N, T), dtype=bool) if mask is None else mask
    count = int(mask.sum())
    nll, dscores = softmax_cross_entropy(scores.reshape(N * T, C), labels.reshape(N * T))
    loss = nll[mask.reshape(-1)].sum() / count  # only the steps that count
    dscores = dscores.reshape(N, T, C) * (mask[:, :, None] / count)  # zero at padded steps
    return float(loss), dscores


@validated(_temporal_args)
def masked_accuracy(scores, labels, mask=None):
    """Fraction of counted steps where the highest score is the label.

    Inputs:
    - scores: (N, T, O), labels: (N, T) integers, mask: optional (N, T) booleans.

    Returns:
    - accuracy: float in [0, 1].
    """
    mask = np.ones(labels.shape, dtype=bool) if mask is None else mask
    correct = scores.argmax(axis=-1) == labels  # (N, T)
    return float(correct[mask].mean())
