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
- One model style: a model is a dict ``params`` and a loss function
  ``loss_fn(params, *batch) -> (loss, grads)``, grads with the keys and shapes of params
  (``init_*_params`` makes the dict; ``*_scores`` gives outputs without a loss). Optimizers
  and clipping act on those dicts in place. One loss scaling: the MEAN over the predictions
  scored (entries for MSE, sequences for BCE, counted steps for many-to-many).
- One protocol for every char model (the vanilla char-RNN, the LSTM and the GRU; the cell
  is "rnn", "lstm" or "gru", and rnnlib.CHAR_MODELS lists each cell's four functions):
  ``init_char_<cell>_params(vocab_size, hidden_size, rng, dtype)`` makes the params;
  ``char_<cell>_initial_state(params, batch_size)`` the state at the start of a text;
  ``char_<cell>_loss(params, inputs, targets, state=None) -> (loss, grads, state)`` and
  ``char_<cell>_scores(params, inputs, state=None) -> (scores, state)`` take params first,
  inputs and targets as (B, T) character indices, and return the state to carry into the
  next chunk. ``state`` is the one name of the carried state everywhere (h, (B, H); the
  LSTM's is the tuple (h, c)); state=None starts from the initial state. The char loss
  is the one exception to the scaling above: the SUM over the chunk's T steps averaged over
  the B streams, as in min-char-rnn (divide by T for nats per character). CharRNNTrainer,
  the checkpoints, sampling and the command line work with every cell through this protocol.
- Check once, at the door: each public function checks its arguments in one call at its
  top, with ``@validated(check)`` and the check written just above the function (the
  checks several modules share live in _checks.py). The check runs when the function is
  called from outside; the public functions it calls in turn skip theirs, as their
  arguments come from checked ones. A check accepts exactly what its function computes
  correctly, so a function behaves the same whoever calls it (the gated layers accept a
  leading axis of stacked models whether called directly or from inside). The training
  loops (train, CharRNNTrainer.run) check with a plain call instead, so the gradients of a
  loss function they are given are still checked at the optimizer's door; and every
  optimizer step refuses a NaN or infinite gradient, whoever calls it. Bad input raises
  ValueError or TypeError naming the argument at fault, the expected shape and the shape
  received.
- float64 unless asked otherwise; randomness only from a numpy Generator passed in or made
  from a seed (never the global np.random state).

Modules: activations (sigmoid, softmax, log_softmax), layers (RNN step/sequence, affine,
last real step of a padded sequence), gated (LSTM, GRU), losses (with softmax_cross_entropy,
the one home of the cross-entropy), models (every model as a loss; CHAR_MODELS), char_rnn,
gated_models (the char LSTM and GRU), sampling, optim, train (loops, freeze, TrainConfig,
CharRNNTrainer, blas_threads), checkpoints, datasets, markov, text, baselines, gradcheck (and
its policy, GRAD_TOL), diagnostics, initializers, recall (the long-range task of notebooks 05
and 08, with its controls), plots (matplotlib loads on first plot), exercises (the notebooks'
checks). ``python -m rnnlib train|sample`` is the command line.
"""

from ._checks import make_rng
from .activations import log_softmax, sigmoid, softmax
from .baselines import (
    baseline_losses,
    bigram_loss,
    bits_per_char,
    ngram_loss,
    ngram_surprisal,
    perplexity,
    uniform_loss,
    unigram_loss,
)
from .char_rnn import (
    char_rnn_backward,
    char_rnn_forward,
    char_rnn_initial_state,
    char_rnn_loss,
    char_rnn_loss_reference,
    char_rnn_scores,
    init_char_rnn_params,
)
from .checkpoints import (
    check_checkpoint_path,
    load_checkpoint,
    load_resume_state,
    save_checkpoint,
)
from .datasets import (
    ar2_series,
    lengths_to_mask,
    pad_sequences,
    recall_first_data,
    running_sign_data,
    sliding_windows,
)
from .diagnostics import grad_norms_by_distance, wilson_interval
from .gated import (
    gru_backward,
    gru_forward,
    gru_step_backward,
    gru_step_forward,
    lstm_backward,
    lstm_forward,
    lstm_step_backward,
    lstm_step_forward,
)
from .gated_models import (
    char_gru_initial_state,
    char_gru_loss,
    char_gru_scores,
    char_lstm_initial_state,
    char_lstm_loss,
    char_lstm_scores,
    init_char_gru_params,
    init_char_lstm_params,
    recurrent_uniform,
)
from .gradcheck import GRAD_STEP, GRAD_TOL, check_gradients, numerical_gradient, rel_error
from .initializers import lecun_normal, orthogonal, scale_to_spectral_radius, small_random
from .layers import (
    affine_backward,
    affine_forward,
    last_step_backward,
    last_step_forward,
    rnn_backward,
    rnn_forward,
    rnn_step_backward,
    rnn_step_forward,
    temporal_affine_backward,
    temporal_affine_forward,
)
from .losses import (
    bce_with_logits_loss,
    masked_accuracy,
    mse_loss,
    softmax_cross_entropy,
    temporal_softmax_cross_entropy_loss,
)
from .markov import MarkovSource, word_like_source
from .models import (
    CHAR_MODELS,
    CharModel,
    char_cell,
    classification_loss,
    evaluate_char_rnn,
    init_rnn_params,
    last_step_scores,
    many_to_many_loss,
    regression_loss,
    rnn_scores,
)
from .optim import SGD, AdaGrad, clip_by_global_norm, clip_by_value, global_norm
from .plots import plot_losses, smooth
from .recall import fit_readout, init_recall_params, recall_loss, recall_readout, train_recall
from .sampling import sample, sample_indices
from .text import Vocabulary, load_text, train_val_split
from .train import CharRNNTrainer, TrainConfig, blas_threads, freeze, train

