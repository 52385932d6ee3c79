"""A catalogue of the mistakes learners make, each with the message it must produce.

Every case must raise ValueError or TypeError whose message names the argument (and, for
shapes, what was expected), never a NumPy broadcasting error from deep inside a function.
"""

import os
import tempfile

import numpy as np
import pytest

import rnnlib
from rnnlib import CharRNNTrainer, init_char_rnn_params, load_checkpoint, sample, save_checkpoint

N, T, D, H = 2, 3, 4, 5
rng = np.random.default_rng(0)
x = rng.normal(size=(N, T, D))
h0 = np.zeros((N, H))
W_xh, W_hh, b_h = rng.normal(size=(H, D)), rng.normal(size=(H, H)), np.zeros(H)
_, CACHE = rnnlib.rnn_forward(x, h0, W_xh, W_hh, b_h)
with_nan = x.copy()
with_nan[0, 1, 2] = np.nan

CASES = {
    # name: (function, arguments, exception, pattern the message must match)
    "weights stored (in, out)": (rnnlib.rnn_forward, (x, h0, W_xh.T, W_hh, b_h), ValueError,
                                 r"W_xh: expected shape \(H, D\)"),
    "2-D x for a sequence": (rnnlib.rnn_forward, (x[:, 0], h0, W_xh, W_hh, b_h), ValueError,
                             r"x: expected 3-D array of shape \(N, T, D\)"),
    "h0 missing batch axis": (rnnlib.rnn_forward, (x, np.zeros(H), W_xh, W_hh, b_h), ValueError,
                              r"h0: expected 2-D"),
    "h0 wrong batch size": (rnnlib.rnn_forward, (x, np.zeros((4, H)), W_xh, W_hh, b_h),
                            ValueError, r"h0: expected shape \(N, H\) = \(2, 5\), got \(4, 5\)"),
    "x given time-first (T, N, D)": (rnnlib.rnn_forward, (x.transpose(1, 0, 2), h0, W_xh, W_hh,
                                                          b_h), ValueError,
                                     r"x: expected batch-first shape \(N, T, D\) with N = 2 as "
                                     r"in h0, got \(3, 2, 4\), which looks time-first"),
    "x time-first in a model": (rnnlib.many_to_many_loss,
                                (rnnlib.init_rnn_params(D, H, 3, 0), x.transpose(1, 0, 2),
                                 np.zeros((N, T), int), None, h0), ValueError,
                                r"x: expected batch-first shape"),
    "bias as a column": (rnnlib.rnn_forward, (x, h0, W_xh, W_hh, b_h[:, None]), ValueError,
                         r"b_h: expected 1-D"),
    "W_hh not square": (rnnlib.rnn_forward, (x, h0, W_xh, W_hh[:, :4], b_h), ValueError,
                        r"W_hh: expected shape \(H, H\)"),
    "integer inputs": (rnnlib.rnn_forward, (x.astype(int), h0, W_xh, W_hh, b_h), TypeError,
                       r"x: expected a floating-point array, got dtype int64"),
    "object array": (rnnlib.rnn_forward, (x.astype(object), h0, W_xh, W_hh, b_h), TypeError,
                     r"x: expected a floating-point array"),
    "list instead of array": (rnnlib.rnn_forward, (x.tolist(), h0, W_xh, W_hh, b_h), TypeError,
                              r"x: expected a NumPy array"),
    "NaN in the input": (rnnlib.rnn_forward, (with_nan, h0, W_xh, W_hh, b_h), ValueError,
                         r"x: contains 1 NaN"),
    "inf in a weight": (rnnlib.rnn_forward, (x, h0, W_xh, W_hh * np.inf, b_h), ValueError,
                        r"W_hh: contains"),
    "empty sequence": (rnnlib.rnn_forward, (x[:, :0], h0, W_xh, W_hh, b_h), ValueError,
                       r"x: axis 1 \(T\) is empty"),
    "swapped x and h_prev": (rnnlib.rnn_step_forward, (h0, x[:, 0], W_xh, W_hh, b_h),
                             ValueError, r"W_xh: expected shape \(H, D\)"),
    "upstream gradient wrong T": (rnnlib.rnn_backward, (np.zeros((N, T + 1, H)), CACHE),
                                  ValueError, r"dh: expected shape \(N, T, H\) = \(2, 3, 5\)"),
    "cache from another layer": (rnnlib.rnn_backward, (np.zeros((N, T, H)), (1, 2, 3)),
                                 TypeError, r"cache: expected the RNNCache returned by"),
    "affine weight transposed": (rnnlib.affine_forward, (h0, np.zeros((H, 1)), np.zeros(1)),
                                 ValueError, r"W: expected shape \(O, H\)"),
    "labels out of range": (rnnlib.temporal_softmax_cross_entropy_loss,
                            (np.zeros((1, 2, 3)), np.array([[0, 3]])),
                            ValueError, r"labels: class indices must lie in \[0, 2\]"),
    "float labels for softmax": (rnnlib.temporal_softmax_cross_entropy_loss,
                                 (np.zeros((1, 2, 3)), np.array([[0.0, 1.0]])),
                                 TypeError, r"labels: expected integer class indices"),
    "clip a list of gradients": (rnnlib.clip_by_global_norm, ([np.ones(3)], 1.0), TypeError,
                                 r"grads: expected a dict of name -> array"),
    "clip_by_value on a list": (rnnlib.clip_by_value, ([np.ones(3)], 1.0), TypeError,
                                r"grads: expected a dict"),
    "NaN gradient to AdaGrad": (rnnlib.AdaGrad(0.1).step,
                                ({"w": np.ones(2)}, {"w": np.array([1.0, np.nan])}), ValueError,
                                r"grads\['w'\]: contains NaN or infinite values; the step is "
                                r"refused"),
    "inf gradient to SGD": (rnnlib.SGD(0.1).step,
                            ({"w": np.ones(2)}, {"w": np.array([np.inf, 0.0])}), ValueError,
                            r"grads\['w'\]: contains NaN or infinite"),
    "mse shapes differ": (rnnlib.mse_loss, (np.zeros((4, 1)), np.zeros(4)), ValueError,
                          r"target: expected 2-D"),
    "negative learning rate": (rnnlib.SGD, (-0.1,), ValueError, r"lr: expected a finite value > 0"),
    "zero clipping threshold": (rnnlib.clip_by_global_norm, ({"w": np.ones(2)}, 0.0), ValueError,
                                r"max_norm"),
    "negative series length": (rnnlib.ar2_series, (-5, 0), ValueError, r"n: expected"),
    "float seed": (rnnlib.ar2_series, (10, 0.5), TypeError, r"rng: expected an integer seed"),
    "global np.random as rng": (rnnlib.ar2_series, (10, np.random), TypeError, r"rng:"),
}


VOCAB = rnnlib.Vocabulary.from_text("hello world")
MODEL = init_char_rnn_params(len(VOCAB), hidden_size=8, rng=0)
scores3 = np.zeros((N, T, 4))
_, STEP_CACHE = rnnlib.rnn_step_forward(x[:, 0], h0, W_xh, W_hh, b_h)
NEVER_WRITTEN = os.path.join(tempfile.gettempdir(), "rnnlib-test-never-written.npz")
labels3 = np.zeros((N, T), dtype=int)

CASES.update({
    "temporal mask wrong shape": (rnnlib.temporal_softmax_cross_entropy_loss,
                                  (scores3, labels3, np.ones((N, T + 1), bool)), ValueError,
                                  r"mask: expected shape \(N, T\) = \(2, 3\), got \(2, 4\)"),
    "temporal labels one step short": (rnnlib.temporal_softmax_cross_entropy_loss,
                                       (scores3, labels3[:, :-1]), ValueError,
                                       r"labels: expected shape \(N, T\)"),
    "temporal label outside the classes": (rnnlib.temporal_softmax_cross_entropy_loss,
                                           (scores3, labels3 + 4), ValueError,
                                           r"labels: class indices must lie in \[0, 3\]"),
    "every step masked out": (rnnlib.temporal_softmax_cross_entropy_loss,
                              (scores3, labels3, np.zeros((N, T), bool)), ValueError,
                              r"mask: every step is masked out"),
    "AdaGrad learning rate 0": (rnnlib.AdaGrad, (0.0,), ValueError,
                                r"lr: expected a finite value > 0, got 0.0"),
    "gradient of the wrong shape": (rnnlib.AdaGrad(0.1).step,
                                    ({"w": np.ones(2)}, {"w": np.ones(3)}), ValueError,
                                    r"grads\['w'\]: expected shape \(2,\), got \(3,\)"),
    "gradient dict with other keys": (rnnlib.SGD(0.1).step, ({"w": np.ones(2)}, {"v": np.ones(2)}),
                                      ValueError, r"grads: keys \['v'\] do not match"),
    "step upstream gradient wrong H": (rnnlib.rnn_step_backward,
                                       (np.zeros((N, H - 1)), STEP_CACHE),
                                       ValueError, r"dh: expected shape \(N, H\) = \(2, 5\)"),
    "BCE logits without the class axis": (rnnlib.bce_with_logits_loss, (np.zeros(3), np.zeros(3)),
                                          ValueError, r"logits: expected 2-D array of shape"),
    "BCE label that is not 0 or 1": (rnnlib.bce_with_logits_loss,
                                     (np.zeros((3, 1)), np.full((3, 1), 0.5)), ValueError,
                                     r"labels: expected only 0.0 and 1.0"),
    "regressor given a 2-D batch": (rnnlib.regression_loss,
                                    (rnnlib.init_rnn_params(1, 4, 1, 0), np.zeros((3, 5)),
                                     np.zeros((3, 1))), ValueError,
                                    r"x: expected 3-D array of shape \(N, T, D\)"),
    "window longer than the series": (rnnlib.sliding_windows, (np.arange(5.0), 10), ValueError,
                                      r"window: must be shorter than the series"),
    "negative sequence length": (rnnlib.lengths_to_mask, (np.array([3, -1]),), ValueError,
                                 r"lengths: every length must be >= 1"),
    "float32 parameters in a gradient check": (
        rnnlib.check_gradients,
        (lambda: (0.0, {"w": np.zeros(2, np.float32)}), {"w": np.zeros(2, np.float32)}),
        TypeError, r"params\['w'\]: gradient checks need a float64 array"),
    "spectral radius below zero": (rnnlib.scale_to_spectral_radius, (np.eye(3), -1.0), ValueError,
                                   r"radius: expected a finite value > 0"),
    "rows of a Markov chain not summing to 1": (rnnlib.MarkovSource,
                                                ("ab", np.array([[0.5, 0.6], [0.5, 0.5]])),
                                                ValueError, r"transitions: every row must be"),
    "unknown character": (VOCAB.encode, ("hello there",), ValueError,
                          r"text: character 't' at position 6 is not in the vocabulary"),
    "seed text outside the vocabulary": (sample, (MODEL, VOCAB, "xyz", 10), ValueError,
                                         r"seed_text: character 'x'"),
    "sampling temperature 0": (sample, (MODEL, VOCAB, "h", 10, 0.0), ValueError,
                               r"temperature: expected a finite value > 0"),
    "text too short for a chunk": (CharRNNTrainer, (MODEL, VOCAB.encode("hel")), ValueError,
                                   r"data: 3 characters are too few"),
    "character index outside the model's vocabulary": (
        lambda: CharRNNTrainer(MODEL, np.arange(40), seq_length=5), (), ValueError,
                                                       r"data: class indices must lie in \[0, 7\]"),
    "vocabulary of another size than the model": (
        save_checkpoint, (NEVER_WRITTEN, MODEL, rnnlib.Vocabulary.from_text("hello world!")),
        ValueError, r"vocab: has 9 characters but the model expects 8"),
})


CASES.update({
    "softmax of text": (rnnlib.softmax, (["1.0", "2.0"],), TypeError,
                        r"scores: expected real numbers \(a float, a list of floats or a NumPy "
                        r"array of them\), got list"),
    "softmax of a ragged list": (rnnlib.softmax, ([[1.0, 2.0], [3.0]],), TypeError,
                                 r"scores: expected real numbers .*, got list"),
    "sigmoid of None": (rnnlib.sigmoid, (None,), TypeError,
                        r"z: expected real numbers .*, got NoneType"),
    "sigmoid of an empty list": (rnnlib.sigmoid, ([],), ValueError,
                                 r"z: is empty \(shape \(0,\)\)"),
    "sigmoid of an infinite number": (rnnlib.sigmoid, (float("inf"),), ValueError,
                                      r"z: contains 1 NaN or infinite value"),
    "softmax of an empty array": (rnnlib.softmax, (np.array([]),), ValueError,
                                  r"scores: is empty \(shape \(0,\)\)"),
    "log_softmax of an empty array": (rnnlib.log_softmax, (np.zeros((2, 0)),), ValueError,
                                      r"scores: is empty \(shape \(2, 0\)\)"),
    "softmax of a NaN": (rnnlib.softmax, (np.array([np.nan, 1.0]),), ValueError,
                         r"scores: contains 1 NaN or infinite value"),
    "sigmoid of a complex array": (rnnlib.sigmoid, (np.array([1j, 2.0]),), TypeError,
                                   r"z: expected real numbers .*, got dtype complex128"),
    "sigmoid of booleans": (rnnlib.sigmoid, (np.array([True, False]),), TypeError,
                            r"z: expected real numbers .*, got dtype bool"),
    "SGD on integer params": (rnnlib.SGD(0.1).step,
                              ({"w": np.arange(3)}, {"w": np.ones(3)}), TypeError,
                              r"params\['w'\]: expected a floating-point array, got dtype int64"),
    "bits of a negative loss": (rnnlib.bits_per_char, (-1.0,), ValueError,
                                r"nats: a loss is a finite value >= 0, got -1.0"),
    "gradient check of a one-argument function": (
        rnnlib.check_gradients, (lambda params: (0.0, params), {"w": np.zeros(2)}), TypeError,
        r"loss_and_grads: expected a function of no arguments .*needs \['params'\]"),
    "gradient check with a step of 0": (
        rnnlib.check_gradients, (lambda: (0.0, {"w": np.zeros(2)}), {"w": np.zeros(2)}, 0.0),
        ValueError, r"eps: expected a finite value > 0, got 0.0"),
    "cross-entropy label out of range": (rnnlib.softmax_cross_entropy,
                                         (np.zeros((2, 3)), np.array([0, 3])), ValueError,
                                         r"labels: class indices must lie in \[0, 2\]"),
    "LSTM params given to a vanilla trainer": (
        CharRNNTrainer, (rnnlib.init_char_lstm_params(8, 4), np.arange(40) % 8), ValueError,
        r"cell: is 'rnn', but params are the parameters of a 'lstm' char model; "
        r"pass cell='lstm'"),
    "unknown cell": (rnnlib.TrainConfig, ("lsmt",), ValueError,
                     r"cell: expected one of \('rnn', 'lstm', 'gru'\), got 'lsmt'"),
    "checkpoint over a file that is not one": (
        save_checkpoint, (__file__, MODEL, VOCAB), FileExistsError,
        r"exists and is not a checkpoint; it is never overwritten"),
})


def _other_models_checkpoint(folder):
    path = folder / "other.npz"
    save_checkpoint(path, init_char_rnn_params(len(VOCAB), hidden_size=4, rng=0), VOCAB)
    arrays = dict(np.load(path, allow_pickle=False))
    arrays["W_hh"] = np.zeros((9, 9))  # a W_hh from a model with 9 hidden units
    np.savez(path, **arrays)
    return path


def _not_a_checkpoint(folder):
    path = folder / "garbage.npz"
    path.write_bytes(b"this is not an npz archive")
    return path


@pytest.mark.parametrize("make, pattern", [
    (_other_models_checkpoint,
     r"not a valid char-RNN checkpoint \(params\['W_hh'\]: expected shape \(H, H\)"),
    (_not_a_checkpoint, r"not a valid char-RNN checkpoint \(corrupt or truncated"),
], ids=["checkpoint of another model", "corrupt checkpoint"])
def test_bad_checkpoint_gets_a_clear_error(tmp_path, make, pattern):
    with pytest.raises(ValueError, match=pattern):
        load_checkpoint(make(tmp_path))


def test_the_catalogue_is_long_enough():
    assert len(CASES) + 2 >= 30


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_gets_a_clear_error(case):
    fn, args, exc, pattern = CASES[case]
    with pytest.raises(exc, match=pattern):
        fn(*args)
