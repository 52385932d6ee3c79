"""Sequence-to-one RNN models built from rnnlib's layers (notebooks 02 and 03).

Both models read a whole sequence x (N, T, D), starting from h_0 = 0, and put one output
layer on the LAST hidden state only:

    h_t = tanh(x_t @ W_xh.T + h_{t-1} @ W_hh.T + b_h)      # (N, H), t = 1..T
    s   = h_T @ W_hy.T + b_y                              # (N, O)

``RNNRegressor`` scores s with the mean squared error, ``RNNClassifier`` reads s (O = 1) as
the logit of a sigmoid and scores it with binary cross-entropy.
"""

import numpy as np

from ._checks import check_array, check_positive
from .data import make_rng
from .init import xavier
from .layers import affine_backward, affine_forward, rnn_backward, rnn_forward, sigmoid
from .losses import bce_with_logits_loss, mse_loss


class _SequenceToOne:
    """Shared parts: the parameters, the forward pass and BPTT for a last-step output."""

    def __init__(self, input_size, hidden_size, output_size, rng, init):
        D = check_positive("input_size", input_size, integer=True)
        H = check_positive("hidden_size", hidden_size, integer=True)
        O = check_positive("output_size", output_size, integer=True)
        if not callable(init):
            raise TypeError(
                f"init: expected a function (fan_out, fan_in, rng) -> array such as "
                f"rnnlib.xavier, got {type(init).__name__}"
            )
        rng = make_rng(rng)
        self.params = {
            "W_xh": init(H, D, rng),  # (H, D)
            "W_hh": init(H, H, rng),  # (H, H)
            "b_h": np.zeros(H),
            "W_hy": init(O, H, rng),  # (O, H)
            "b_y": np.zeros(O),
        }

    def _check_x(self, x):
        dims = {"D": self.params["W_xh"].shape[1]}
        check_array("x", x, "N T D", dims)
        return dims

    def scores(self, x):
        """Output-layer scores on the last hidden state.

        Inputs:
        - x: (N, T, D) input sequences.

        Returns:
        - scores: (N, O).
        """
        return self._forward(x)[0]

    def _forward(self, x):
        self._check_x(x)
        p = self.params
        h0 = np.zeros((x.shape[0], p["W_hh"].shape[0]))  # every sequence starts fresh
        h, rnn_cache = rnn_forward(x, h0, p["W_xh"], p["W_hh"], p["b_h"])  # (N, T, H)
        s, out_cache = affine_forward(h[:, -1], p["W_hy"], p["b_y"])  # (N, O)
        return s, (h.shape, rnn_cache, out_cache)

    def _backward(self, dscores, cache):
        h_shape, rnn_cache, out_cache = cache
        dh_last, dW_hy, db_y = affine_backward(dscores, out_cache)
        dh = np.zeros(h_shape)  # (N, T, H): only h_T feeds the output ...
        dh[:, -1] = dh_last  # ... and rnn_backward carries it back through time
        _, _, dW_xh, dW_hh, db_h = rnn_backward(dh, rnn_cache)
        return {"W_xh": dW_xh, "W_hh": dW_hh, "b_h": db_h, "W_hy": dW_hy, "b_y": db_y}

    def _loss(self, x, y, loss_fn):
        dims = self._check_x(x)
        dims["O"] = self.params["W_hy"].shape[0]
        check_array("y", y, "N O", dims)
        s, cache = self._forward(x)
        loss, ds = loss_fn(s, y)
        return loss, self._backward(ds, cache)


class RNNRegressor(_SequenceToOne):
    """Vanilla RNN that reads a sequence and predicts O real numbers from its last state.

    Inputs:
    - input_size: D, features per step. hidden_size: H. output_size: O (default 1).
    - rng: integer seed or numpy Generator for the initial weights (biases start at 0).
    - init: function (fan_out, fan_in, rng) -> weights, e.g. rnnlib.xavier (default)
      or rnnlib.small_random.
    """

    def __init__(self, input_size, hidden_size, output_size=1, *, rng, init=xavier):
        super().__init__(input_size, hidden_size, output_size, rng, init)

    def predict(self, x):
        """Predictions (N, O) for input sequences x (N, T, D)."""
        return self.scores(x)

    def loss(self, x, y):
        """Mean squared error and its gradients.

        Inputs:
        - x: (N, T, D) sequences, y: (N, O) targets.

        Returns a tuple of:
        - loss: float, mean over all N * O entries of (prediction - y)^2.
        - grads: dict with the keys and shapes of ``params``.
        """
        return self._loss(x, y, mse_loss)


class RNNClassifier(_SequenceToOne):
    """Vanilla RNN that reads a sequence and gives P(label = 1) from its last state.

    Inputs:
    - input_size: D, features per step. hidden_size: H.
    - rng: integer seed or numpy Generator for the initial weights (biases start at 0).
    - init: function (fan_out, fan_in, rng) -> weights (default rnnlib.xavier).
    """

    def __init__(self, input_size, hidden_size, *, rng, init=xavier):
        super().__init__(input_size, hidden_size, 1, rng, init)

    def predict_proba(self, x):
        """P(label = 1) = sigmoid(score), shape (N, 1), for sequences x (N, T, D)."""
        return sigmoid(self.scores(x))

    def predict(self, x):
        """Predicted labels (N, 1) as floats 0.0 / 1.0 (1 where the score is > 0)."""
        return (self.scores(x) > 0).astype(np.float64)

    def loss(self, x, y):
        """Binary cross-entropy of sigmoid(score) and its gradients.

        Inputs:
        - x: (N, T, D) sequences, y: (N, 1) labels 0.0 or 1.0.

        Returns a tuple of:
        - loss: float, mean BCE over the batch.
        - grads: dict with the keys and shapes of ``params``.
        """
        return self._loss(x, y, bce_with_logits_loss)
