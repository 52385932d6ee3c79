"""A catalogue of the mistakes learners make, each with the message it must produce.

Every case must raise ValueError or TypeError whose message names the argument (and, for
shapes, what was expected), never a NumPy broadcasting error from deep inside a function.
"""

import numpy as np
import pytest

import rnnlib

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
    "h0 wrong batch size": (rnnlib.rnn_forward, (x, np.zeros((3, H)), W_xh, W_hh, b_h),
                            ValueError, r"h0: expected shape \(N, H\) = \(2, 5\), got \(3, 5\)"),
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
                                 TypeError, r"cache: expected the cache tuple"),
    "affine weight transposed": (rnnlib.affine_forward, (h0, np.zeros((H, 1)), np.zeros(1)),
                                 ValueError, r"W: expected shape \(O, H\)"),
    "labels out of range": (rnnlib.softmax_cross_entropy_loss, (np.zeros((2, 3)),
                                                                np.array([0, 3])),
                            ValueError, r"labels: class indices must lie in \[0, 2\]"),
    "float labels for softmax": (rnnlib.softmax_cross_entropy_loss, (np.zeros((2, 3)),
                                                                     np.array([0.0, 1.0])),
                                 TypeError, r"labels: expected integer class indices"),
    "mse shapes differ": (rnnlib.mse_loss, (np.zeros((4, 1)), np.zeros(4)), ValueError,
                          r"target: expected 2-D"),
    "negative learning rate": (rnnlib.SGD, (-0.1,), ValueError, r"lr: expected a finite value > 0"),
    "zero clipping threshold": (rnnlib.clip_by_global_norm, ({"w": np.ones(2)}, 0.0), ValueError,
                                r"max_norm"),
    "negative series length": (rnnlib.ar2_series, (-5, 0), ValueError, r"n: expected"),
    "float seed": (rnnlib.ar2_series, (10, 0.5), TypeError, r"rng: expected an integer seed"),
    "global np.random as rng": (rnnlib.ar2_series, (10, np.random), TypeError, r"rng:"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_gets_a_clear_error(case):
    fn, args, exc, pattern = CASES[case]
    with pytest.raises(exc, match=pattern):
        fn(*args)
