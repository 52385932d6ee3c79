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


def k_step_mse(phi1, phi2, sigma, K):
    psi = [1.0, phi1][:K]
    while len(psi) < K:
        psi.append(phi1 * psi[-1] + phi2 * psi[-2])
    return sigma**2 * np.cumsum(np.square(psi))


def test_k_step_mse_reference_by_hand():
    # phi = (0.7, 0.2), sigma = 0.5: psi = 1, 0.7, 0.69, so 0.25, 0.25 * 1.49, 0.25 * 1.9661
    assert np.allclose(nb02._psi_by_matrix_powers(0.7, 0.2, 3), [1.0, 0.7, 0.69])
    assert np.allclose(k_step_mse(0.7, 0.2, 0.5, 3), [0.25, 0.3725, 0.491525])


def test_right_answers_pass():
    for result in (nb02.check_rnn_step(rnn_step), nb02.check_standardise(standardise),
                   nb02.check_final_state(final_state), nb02.check_fit_linear(fit_linear),
                   nb02.check_k_step_mse(k_step_mse)):
        assert result, repr(result)
        assert repr(result).startswith("PASS")


def test_stubs_fail_with_a_message():
    for check in (nb02.check_rnn_step, nb02.check_standardise, nb02.check_final_state,
                  nb02.check_fit_linear, nb02.check_k_step_mse):
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

    def all_states(x, w_x, w_h, b):
        return rnn_forward(x, np.zeros((x.shape[0], w_h.shape[0])), w_x.T, w_h.T, b)[0]

    assert "only the last step" in nb02.check_final_state(all_states).message
    r = nb02.check_rnn_step(lambda x, h, Wx, Wh, b: x @ Wx.T + h @ Wh.T + b)
    assert not r and "tanh" in r.message
    r = nb02.check_rnn_step(lambda x, h, Wx, Wh, b: np.tanh(x @ Wx.T + h @ Wh.T))
    assert not r and "bias" in r.message


def test_k_step_mse_mistakes_are_named():
    def psi_one_past_the_end(phi1, phi2, sigma, K):  # psi[1] = phi1 fails for K = 1
        psi = np.zeros(K)
        psi[0], psi[1] = 1.0, phi1
        for j in range(2, K):
            psi[j] = phi1 * psi[j - 1] + phi2 * psi[j - 2]
        return sigma**2 * np.cumsum(psi**2)

    r = nb02.check_k_step_mse(psi_one_past_the_end)
    assert not r and ", 1) raised IndexError" in r.message
    r = nb02.check_k_step_mse(lambda a, b, s, K: k_step_mse(a, b, s, K) / s**2)
    assert not r and "sigma**2 is missing" in r.message
    r = nb02.check_k_step_mse(lambda a, b, s, K: k_step_mse(a, b, s, K) / s)
    assert not r and "not by sigma" in r.message
    r = nb02.check_k_step_mse(lambda a, b, s, K: k_step_mse(a, b, s, K + 1)[1:])
    assert not r and "off by one" in r.message
    r = nb02.check_k_step_mse(lambda a, b, s, K: np.diff(k_step_mse(a, b, s, K), prepend=0))
    assert not r and "running sum" in r.message
    r = nb02.check_k_step_mse(lambda a, b, s, K: k_step_mse(a, b, s, K)[:-1])
    assert not r and "shape" in r.message
