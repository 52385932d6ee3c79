"""rnnlib: the small NumPy library behind the notebook series on recurrent networks.

Conventions (the same in every module and every notebook):

- Arrays are batch first. N sequences, T time steps, D input features, H hidden units,
  O outputs: inputs x (N, T, D), hidden states h (N, T, H), scores y (N, T, O).
- Weights keep the shapes of the equations, (out, in), as PyTorch does:
  W_xh (H, D), W_hh (H, H), b_h (H,), W_hy (O, H), b_y (O,). Batched code therefore reads
  ``x_t @ W_xh.T + h_prev @ W_hh.T + b_h``. Code that stores the transpose (in, out) must be
  converted with ``.T`` before it meets rnnlib.
- Every differentiable operation is a pair: ``*_forward(...) -> (out, cache)`` and
  ``*_backward(dout, cache) -> gradients``. A gradient is named ``d`` + the forward name.
- Models keep a dict ``params`` and return ``loss, grads`` with the same keys; optimizers and
  clipping act on those dicts in place.
- float64 unless asked otherwise; randomness only from a numpy Generator passed in or made
  from a seed (never the global np.random state).
- Bad input raises ValueError or TypeError naming the argument, the expected shape and the
  shape received.
"""

from .corpus import (
    MarkovSource,
    baseline_losses,
    bigram_loss,
    perplexity,
    train_val_split,
    uniform_loss,
    unigram_loss,
    word_like_source,
)
from .data import ar2_series, make_rng, sliding_windows
from .gradcheck import check_gradients, numerical_gradient, rel_error
from .init import orthogonal, scale_to_spectral_radius, small_random, xavier
from .layers import (
    affine_backward,
    affine_forward,
    rnn_backward,
    rnn_forward,
    rnn_step_backward,
    rnn_step_forward,
    sigmoid,
    softmax,
    temporal_affine_backward,
    temporal_affine_forward,
)
from .losses import (
    bce_with_logits_loss,
    mse_loss,
    softmax_cross_entropy_loss,
    temporal_softmax_cross_entropy_loss,
)
from .models import RNNClassifier, RNNRegressor
from .optim import SGD, AdaGrad, clip_by_global_norm, clip_by_value, global_norm
from .plots import plot_losses, smooth
from .sequences import (
    grad_norms_by_distance,
    init_rnn_params,
    lengths_to_mask,
    many_to_many_loss,
    masked_accuracy,
    pad_sequences,
    recall_first_data,
    rnn_scores,
    running_sign_data,
)
from .text import Vocabulary, load_text
from .train import train

# The char-RNN lives in ``rnnlib.char_rnn`` (``from rnnlib.char_rnn import CharRNN``). It is not
# imported here so that ``python -m rnnlib.char_rnn`` runs the module fresh, without a warning.

__all__ = [
    "AdaGrad",
    "affine_backward",
    "affine_forward",
    "ar2_series",
    "baseline_losses",
    "bce_with_logits_loss",
    "bigram_loss",
    "check_gradients",
    "clip_by_global_norm",
    "clip_by_value",
    "global_norm",
    "grad_norms_by_distance",
    "init_rnn_params",
    "lengths_to_mask",
    "load_text",
    "make_rng",
    "many_to_many_loss",
    "MarkovSource",
    "masked_accuracy",
    "mse_loss",
    "numerical_gradient",
    "orthogonal",
    "pad_sequences",
    "perplexity",
    "plot_losses",
    "recall_first_data",
    "rel_error",
    "rnn_backward",
    "rnn_forward",
    "rnn_scores",
    "rnn_step_backward",
    "rnn_step_forward",
    "RNNClassifier",
    "RNNRegressor",
    "running_sign_data",
    "scale_to_spectral_radius",
    "SGD",
    "sigmoid",
    "sliding_windows",
    "small_random",
    "smooth",
    "softmax",
    "softmax_cross_entropy_loss",
    "temporal_affine_backward",
    "temporal_affine_forward",
    "temporal_softmax_cross_entropy_loss",
    "train",
    "train_val_split",
    "uniform_loss",
    "unigram_loss",
    "Vocabulary",
    "word_like_source",
    "xavier",
]
