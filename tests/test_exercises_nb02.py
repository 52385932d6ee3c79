"""Each nb02 exercise check passes a right answer and fails wrong ones with a useful message."""

import numpy as np
from exercise_helpers import hint_only_on_request, stub

from rnnlib import rnn_forward
from rnnlib.exercises import nb02


def rnn_step(x, h_prev, W_xh, W_hh, b_h):
    return np.tanh(x @ W_xh.T + h_prev @ W_hh.T + b_h)


def standardise(train, other):
    mu, sd = train.mean(), train.std()
    return (train - mu) / sd, (other - mu) / sd


def final_state(x, w_x, w_h, b):
    h, _ = rnn_forward(x, np.zeros((x.shape[0], w_h.shape[0])), w_x.T, w_h.T, b)
    return h[:, -1]


def fit_linear(x, y):
    A = np.hstack([x, np.ones((len(x), 1))])
    p = np.linalg.lstsq(A, y, rcond=None)[0]
    return p[:-1], p[-1]


def test_right_answers_pass():
    for result in (nb02.check_rnn_step(rnn_step), nb02.check_standardise(standardise),
                   nb02.check_final_state(final_state), nb02.check_fit_linear(fit_linear)):
        assert result, repr(result)
        assert repr(result).startswith("PASS")


def test_stubs_fail_with_a_message():
    for check in (nb02.check_rnn_step, nb02.check_standardise, nb02.check_final_state,
                  nb02.check_fit_linear):
        result = check(stub)
        assert not result and repr(result).startswith("NOT YET")
        assert hint_only_on_request(check, stub)


def test_wrong_answers_are_explained():
    r = nb02.check_rnn_step(lambda x, h, Wx, Wh, b: np.tanh(x @ Wx.T + h @ Wh + b))
    assert not r and "without .T" in r.message
    r = nb02.check_rnn_step(lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + h @ Wh + b))
    assert not r and "raised" in r.message  # (N, D) @ (H, D) does not multiply
    r = nb02.check_standardise(lambda a, b: ((a - a.mean()) / a.std(), (b - b.mean()) / b.std()))
    assert not r and "its own mean" in r.message

    def no_transpose(x, w_x, w_h, b):
        h, _ = rnn_forward(x, np.zeros((x.shape[0], w_h.shape[0])), w_x.T, w_h, b)
        return h[:, -1]

    assert "not transposed" in nb02.check_final_state(no_transpose).message

    def no_carry(x, w_x, w_h, b):
        return np.tanh(x[:, -1] @ w_x + b)

    assert "not carried" in nb02.check_final_state(no_carry).message
    r = nb02.check_fit_linear(lambda x, y: (np.linalg.lstsq(x, y, rcond=None)[0], 0.0))
    assert not r and "intercept" in r.message
