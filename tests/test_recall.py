"""The recall task of notebooks 05 and 08: the stacked models and the three controls."""

import math

import numpy as np
import pytest

import rnnlib
from rnnlib import check_gradients, rel_error
from rnnlib.gated import gru_forward, gru_step_forward, lstm_forward, lstm_step_forward
from rnnlib.recall import (
    fit_readout,
    init_recall_params,
    recall_kind,
    recall_loss,
    recall_readout,
    train_recall,
)

TOL = 1e-7
INPUTS = {"rnn": "W_xh", "lstm": "W_x", "gru": "W_x"}  # each kind's input weights
RECURRENT = {"rnn": "W_hh", "lstm": "W_h", "gru": "W_h"}  # and its recurrent weights


def _stack(singles):
    stack = {n: np.stack([q[n] for q in singles]) for n in singles[0]}
    return {n: v[:, None] if v.ndim == 2 else v for n, v in stack.items()}  # biases (S, 1, .)


# ------------------------------------------------------------------------ the models


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_recall_loss_gradients_and_stack(kind):
    rng = np.random.default_rng(4)
    x, y, _ = rnnlib.recall_first_data(3, 4, rng, noise=1.0)
    singles = [init_recall_params(kind, 3, s) for s in (0, 1)]
    p = singles[0]
    assert recall_kind(p) == kind
    errors = check_gradients(lambda: recall_loss(p, x, y[:, -1])[:2], p)
    assert max(errors.values()) < TOL
    # a stack of two models on two data sets = the two models one at a time
    x2, y2 = np.stack([x, x[::-1]]), np.stack([y[:, -1], y[::-1, -1]])
    loss, grads, _ = recall_loss(_stack(singles), x2, y2)
    for s, (q, xs, ys) in enumerate(zip(singles, x2, y2, strict=True)):
        loss_s, grads_s, _ = recall_loss(q, xs, ys)
        assert math.isclose(loss[s], loss_s, rel_tol=1e-12)
        for n in q:
            np.testing.assert_allclose(grads[n][s].reshape(q[n].shape), grads_s[n],
                                       rtol=1e-10, atol=1e-14)


def test_recall_rnn_is_the_vanilla_library():
    # kind "rnn" has rnnlib's vanilla keys, and its loss is many_to_many_loss with the mask on
    # the last step only
    x, y, m = rnnlib.recall_first_data(4, 5, 0, noise=1.0)
    p = init_recall_params("rnn", 3, 1)
    assert sorted(p) == sorted(rnnlib.init_rnn_params(2, 3, 2, 1))
    loss, grads, _ = recall_loss(p, x, y[:, -1])
    loss_v, grads_v = rnnlib.many_to_many_loss(p, x, y, m)
    assert math.isclose(loss, loss_v, rel_tol=1e-12)
    for name in p:
        assert rel_error(grads[name], grads_v[name]) < 1e-12


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_uniform_start_is_pytorchs_rule_drawn_in_order(kind):
    # every weight matrix of the layer U(-1/sqrt(H), 1/sqrt(H)), the input weights first;
    # then the output layer N(0, 1/H); zero biases but the gate that keeps the old state
    H, gates = 5, {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    p = init_recall_params(kind, H, np.random.default_rng(3), forget_bias=0.7,
                           update_bias=0.4, init="uniform")
    rng, k = np.random.default_rng(3), 1 / math.sqrt(H)
    W_x = rng.uniform(-k, k, size=(gates * H, 2))
    W_h = rng.uniform(-k, k, size=(gates * H, H))
    W_hy = rng.normal(0.0, 1 / math.sqrt(H), size=(2, H))
    np.testing.assert_array_equal(p[INPUTS[kind]], W_x)
    np.testing.assert_array_equal(p[RECURRENT[kind]], W_h)
    np.testing.assert_array_equal(p["W_hy"], W_hy)
    assert not p["b_y"].any()
    if kind == "rnn":
        assert set(p) == {"W_xh", "W_hh", "b_h", "W_hy", "b_y"} and not p["b_h"].any()
    elif kind == "lstm":
        np.testing.assert_array_equal(p["b"], np.r_[np.zeros(H), np.full(H, 0.7), np.zeros(2 * H)])
    else:
        np.testing.assert_array_equal(p["b_x"], np.r_[np.zeros(H), np.full(H, 0.4), np.zeros(H)])
        assert not p["b_h"].any()
    if kind != "rnn":  # the gated cells' default start is this one
        q = init_recall_params(kind, H, np.random.default_rng(3), forget_bias=0.7,
                               update_bias=0.4)
        assert all(np.array_equal(p[n], q[n]) for n in p)


@pytest.mark.parametrize(("kind", "init"), [("rnn", "lecun"), ("rnn", "uniform"),
                                            ("lstm", None), ("gru", None)])
def test_input_scale_multiplies_the_input_weights_only(kind, init):
    one = init_recall_params(kind, 4, 8, init=init)
    five = init_recall_params(kind, 4, 8, init=init, input_scale=5.0)
    np.testing.assert_allclose(five[INPUTS[kind]], 5.0 * one[INPUTS[kind]], rtol=1e-15)
    assert np.abs(one[INPUTS[kind]]).min() > 0  # so the comparison above could fail
    for name in one:
        if name != INPUTS[kind]:
            np.testing.assert_array_equal(five[name], one[name])


def test_rnn_default_start_is_notebook_05s():
    p = init_recall_params("rnn", 3, 1)
    q = rnnlib.init_rnn_params(2, 3, 2, 1)
    assert all(np.array_equal(p[n], q[n]) for n in q)
    assert not np.array_equal(p["W_hh"], init_recall_params("rnn", 3, 1, init="uniform")["W_hh"])


@pytest.mark.parametrize(("kind", "start"), [("rnn", {"init": "uniform", "input_scale": 3.0}),
                                             ("gru", {"update_bias": 1.0, "input_scale": 0.5})])
def test_train_recall_and_readout_use_the_start_they_are_given(kind, start):
    # seed by seed with rnnlib.train and fit_readout, from init_recall_params(**start)
    T, steps, seeds = 3, 3, [4, 9]
    acc, losses = train_recall(kind, T, seeds, hidden=3, steps=steps, batch=5, n_val=20,
                               **start)
    ro_acc, _ = recall_readout(kind, T, seeds, hidden=3, steps=steps, batch=5, n_val=20,
                               **start)
    for j, s in enumerate(seeds):
        rng = np.random.default_rng(s)
        p = init_recall_params(kind, 3, rng, **start)
        start_p = {n: v.copy() for n, v in p.items()}
        x_val, y_val, _ = rnnlib.recall_first_data(20, T, rng, 2.0)
        data = [rnnlib.recall_first_data(5, T, rng, 2.0) for _ in range(steps)]
        alone = rnnlib.train(lambda q, x, y, m: recall_loss(q, x, y[:, -1])[:2], p,
                             rnnlib.AdaGrad(lr=0.05), lambda step, data=data: data[step], steps,
                             clip_norm=5.0)
        np.testing.assert_allclose(losses[:, j], alone, rtol=1e-10)
        scores = _last_states(kind, p, x_val) @ p["W_hy"].T + p["b_y"]
        assert acc[j] == np.mean(scores.argmax(axis=1) == y_val[:, -1])
        x = np.concatenate([d[0] for d in data])
        W_hy, b_y = fit_readout(_last_states(kind, start_p, x),
                                np.concatenate([d[1][:, -1] for d in data]))
        scores = _last_states(kind, start_p, x_val) @ W_hy.T + b_y
        assert ro_acc[j] == np.mean(scores.argmax(axis=1) == y_val[:, -1])


def test_train_recall_equals_one_run_per_seed():
    # seeds side by side = each seed trained alone with rnnlib.train (AdaGrad, clipping)
    T, steps, seeds = 3, 4, [0, 7]
    acc, losses = train_recall("rnn", T, seeds, hidden=4, steps=steps, batch=5, n_val=20)
    for j, s in enumerate(seeds):
        rng = np.random.default_rng(s)
        params = rnnlib.init_rnn_params(2, 4, 2, rng)
        x_val, y_val, m_val = rnnlib.recall_first_data(20, T, rng, 2.0)

        def batch(step, rng=rng):
            return rnnlib.recall_first_data(5, T, rng, 2.0)  # (x, labels, mask)

        alone = rnnlib.train(rnnlib.many_to_many_loss, params, rnnlib.AdaGrad(lr=0.05), batch,
                             steps, clip_norm=5.0)
        np.testing.assert_allclose(losses[:, j], alone, rtol=1e-10)
        scores = rnnlib.rnn_scores(params, x_val)
        assert acc[j] == rnnlib.masked_accuracy(scores, y_val, m_val)


@pytest.mark.parametrize("length", [None, 6])
def test_train_recall_with_a_longer_sequence_equals_one_run_per_seed(length):
    # the distance T = 3 inside sequences of `length` steps, seed by seed with rnnlib.train
    acc, losses = train_recall("rnn", 3, [2, 5], hidden=4, steps=3, batch=5, n_val=20,
                               noise=1.0, length=length)
    for j, s in enumerate([2, 5]):
        rng = np.random.default_rng(s)
        params = rnnlib.init_rnn_params(2, 4, 2, rng)
        x_val, y_val, m_val = rnnlib.recall_first_data(20, 3, rng, 1.0, length=length)
        assert x_val.shape[1] == (length or 3)
        alone = rnnlib.train(rnnlib.many_to_many_loss, params, rnnlib.AdaGrad(lr=0.05),
                             lambda step, rng=rng: rnnlib.recall_first_data(5, 3, rng, 1.0,
                                                                            length=length),
                             3, clip_norm=5.0)
        np.testing.assert_allclose(losses[:, j], alone, rtol=1e-10)
        assert acc[j] == rnnlib.masked_accuracy(rnnlib.rnn_scores(params, x_val), y_val, m_val)


def _last_states(kind, p, x):
    # last hidden state of a recurrent layer, through rnnlib's public layers, one model
    h0 = np.zeros((len(x), p["W_hy"].shape[1]))
    if kind == "rnn":
        h, _ = rnnlib.rnn_forward(x, h0, p["W_xh"], p["W_hh"], p["b_h"])
    elif kind == "lstm":
        h, _ = lstm_forward(x, h0, h0, p["W_x"], p["W_h"], p["b"])
    else:
        h, _ = gru_forward(x, h0, p["W_x"], p["W_h"], p["b_x"], p["b_h"])
    return h[:, -1]


# ------------------------------------------------------- control 2: readout + distractor


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_readout_plus_distractor_trains_only_those_weights(kind):
    # Recomputed seed by seed with rnnlib.train, where every weight but W_hy, b_y and the
    # distractor's input column gets a zero gradient (so stays exactly at its start). Every
    # loss before every update depends on all the weights, so any change to the others shows.
    T, steps, seeds = 4, 6, [1, 3]
    acc, losses = train_recall(kind, T, seeds, hidden=3, steps=steps, batch=6, n_val=30,
                               lr=0.5, clip_norm=0.05, trained="readout+distractor")
    for j, s in enumerate(seeds):
        rng = np.random.default_rng(s)
        p = init_recall_params(kind, 3, rng)
        start = {n: v.copy() for n, v in p.items()}
        x_val, y_val, _ = rnnlib.recall_first_data(30, T, rng, 2.0)

        def loss_fn(q, x, labels, mask):
            loss, grads, _ = recall_loss(q, x, labels[:, -1])
            kept = {n: g if n in ("W_hy", "b_y", INPUTS[kind]) else 0 * g
                    for n, g in grads.items()}
            kept[INPUTS[kind]][:, 0] = 0.0  # the bit's column
            return loss, kept

        alone = rnnlib.train(loss_fn, p, rnnlib.AdaGrad(lr=0.5),
                             lambda step, rng=rng: rnnlib.recall_first_data(6, T, rng, 2.0),
                             steps, clip_norm=0.05)
        np.testing.assert_allclose(losses[:, j], alone, rtol=1e-10)
        scores = _last_states(kind, p, x_val) @ p["W_hy"].T + p["b_y"]
        assert acc[j] == np.mean(scores.argmax(axis=1) == y_val[:, -1])
        moved = {n for n in p if not np.array_equal(p[n], start[n])}
        assert moved == {"W_hy", "b_y", INPUTS[kind]}  # the reference itself froze the rest
        np.testing.assert_array_equal(p[INPUTS[kind]][:, 0], start[INPUTS[kind]][:, 0])
    # and the test can fail: training everything moves the losses away after the first step
    _, full = train_recall(kind, T, seeds, hidden=3, steps=steps, batch=6, n_val=30, lr=0.5,
                           clip_norm=0.05)
    np.testing.assert_allclose(full[0], losses[0], rtol=1e-12)
    assert np.all(np.abs(full[1:] - losses[1:]) > 1e-9)


# ------------------------------------------------------ control 3: the cut gradient


def _state_after(kind, p, x, state=None):
    # the state (h,) or (h, c) after the steps of x, one public step function at a time
    h0 = np.zeros((len(x), p["W_hy"].shape[1]))
    state = state or ((h0, h0) if kind == "lstm" else (h0,))
    step, names = {"rnn": (rnnlib.rnn_step_forward, ("W_xh", "W_hh", "b_h")),
                   "lstm": (lstm_step_forward, ("W_x", "W_h", "b")),
                   "gru": (gru_step_forward, ("W_x", "W_h", "b_x", "b_h"))}[kind]
    for t in range(x.shape[1]):
        state = step(x[:, t], *state, *(p[n] for n in names))[:-1]
    return state


def _mean_nll(p, h, labels):  # the last step's softmax cross-entropy, written out
    s = h @ p["W_hy"].T + p["b_y"]
    top = s.max(axis=1, keepdims=True)
    log_z = top[:, 0] + np.log(np.exp(s - top).sum(axis=1))
    return np.mean(log_z - s[np.arange(len(s)), labels])


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_cut_gradient_is_the_gradient_of_the_last_k_steps_from_a_fixed_state(kind):
    T, k = 7, 3
    x, y, _ = rnnlib.recall_first_data(4, T, np.random.default_rng(5), noise=1.0)
    p, labels = init_recall_params(kind, 3, 2), y[:, -1]
    loss, grads, _ = recall_loss(p, x, labels, bptt_steps=k)
    fixed = _state_after(kind, p, x[:, :T - k])  # computed once, from the weights as they are

    def last_k():  # the loss of the last k steps, from the fixed state
        return _mean_nll(p, _state_after(kind, p, x[:, T - k:], fixed)[0], labels)

    assert math.isclose(loss, last_k(), rel_tol=1e-12)  # the loss is the full model's loss
    assert math.isclose(loss, recall_loss(p, x, labels)[0], rel_tol=1e-12)
    full = recall_loss(p, x, labels)[1]
    for name in p:
        assert rel_error(grads[name], rnnlib.numerical_gradient(last_k, p[name])) < TOL, name
    # and the check can fail: the full gradient of the recurrent weights is another one
    assert rel_error(grads[RECURRENT[kind]], full[RECURRENT[kind]]) > 1e-3
    np.testing.assert_array_equal(grads["W_hy"], full["W_hy"])  # the readout sees no cut


def test_cut_after_one_step_is_the_hand_formula_of_the_last_step():
    # k = 1: dW_hh = ((dscores @ W_hy) * (1 - h_T^2)).T @ h_{T-1}, summed over the sequences
    x, y, _ = rnnlib.recall_first_data(5, 6, np.random.default_rng(8), noise=2.0)
    p, labels = init_recall_params("rnn", 4, 3), y[:, -1]
    _, grads, _ = recall_loss(p, x, labels, bptt_steps=1)
    (h_prev,) = _state_after("rnn", p, x[:, :-1])
    h_T = np.tanh(x[:, -1] @ p["W_xh"].T + h_prev @ p["W_hh"].T + p["b_h"])
    s = h_T @ p["W_hy"].T + p["b_y"]
    dscores = (np.exp(s) / np.exp(s).sum(axis=1, keepdims=True) - np.eye(2)[labels]) / len(x)
    da = (dscores @ p["W_hy"]) * (1 - h_T**2)  # (N, H) at the last step's pre-activation
    for name, want in (("W_hh", da.T @ h_prev), ("W_xh", da.T @ x[:, -1]), ("b_h", da.sum(0)),
                       ("W_hy", dscores.T @ h_T)):
        np.testing.assert_allclose(grads[name], want, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_cut_at_or_beyond_the_sequence_is_full_bptt(kind):
    x, y, _ = rnnlib.recall_first_data(4, 5, np.random.default_rng(1), noise=1.0)
    p = init_recall_params(kind, 3, 4)
    loss, grads, scores = recall_loss(p, x, y[:, -1])
    for k in (5, 9):
        loss_k, grads_k, scores_k = recall_loss(p, x, y[:, -1], bptt_steps=k)
        assert loss_k == loss and np.array_equal(scores_k, scores)
        for name in p:
            np.testing.assert_array_equal(grads_k[name], grads[name])
    for k in (1, 2, 4):  # the loss does not depend on the cut
        assert math.isclose(recall_loss(p, x, y[:, -1], bptt_steps=k)[0], loss, rel_tol=1e-12)
    acc, losses = train_recall(kind, 4, [0, 2], hidden=3, steps=3, batch=5, n_val=20)
    acc_k, losses_k = train_recall(kind, 4, [0, 2], hidden=3, steps=3, batch=5, n_val=20,
                                   bptt_steps=4)
    assert np.array_equal(acc_k, acc) and np.array_equal(losses_k, losses)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_train_recall_with_a_cut_gradient_equals_one_run_per_seed(kind):
    # seed by seed with rnnlib.train on the cut loss: same start, data, AdaGrad and clipping
    T, k, steps, seeds = 5, 2, 4, [1, 3]
    acc, losses = train_recall(kind, T, seeds, hidden=3, steps=steps, batch=6, n_val=30,
                               lr=0.5, clip_norm=0.5, bptt_steps=k)
    for j, s in enumerate(seeds):
        rng = np.random.default_rng(s)
        p = init_recall_params(kind, 3, rng)
        x_val, y_val, _ = rnnlib.recall_first_data(30, T, rng, 2.0)
        alone = rnnlib.train(lambda q, x, lab, m: recall_loss(q, x, lab[:, -1], k)[:2], p,
                             rnnlib.AdaGrad(lr=0.5),
                             lambda step, rng=rng: rnnlib.recall_first_data(6, T, rng, 2.0),
                             steps, clip_norm=0.5)
        np.testing.assert_allclose(losses[:, j], alone, rtol=1e-10)
        scores = _last_states(kind, p, x_val) @ p["W_hy"].T + p["b_y"]
        assert acc[j] == np.mean(scores.argmax(axis=1) == y_val[:, -1])
    _, full = train_recall(kind, T, seeds, hidden=3, steps=steps, batch=6, n_val=30, lr=0.5,
                           clip_norm=0.5)
    assert np.all(np.abs(full[1:] - losses[1:]) > 1e-9)  # the cut changed the training


@pytest.mark.parametrize("bad", [0, -2, 1.5, True, "2", np.float64(3.0)])
def test_bptt_steps_rejected_by_name(bad):
    p = init_recall_params("lstm", 3, 0)
    x, y, _ = rnnlib.recall_first_data(4, 5, 0)
    message = r"bptt_steps: expected an integer >= 1 or None, got "
    with pytest.raises(ValueError, match=message):
        recall_loss(p, x, y[:, -1], bptt_steps=bad)
    with pytest.raises(ValueError, match=message):
        train_recall("gru", 4, [0], bptt_steps=bad)


# ------------------------------------------------------------ control 1: the readout


def _logistic_objective_gradient(h, labels, W_hy, b_y, l2):
    # the gradient of fit_readout's objective, written out independently: z standardised
    mu, sd = h.mean(axis=0), h.std(axis=0)
    w = (W_hy[1] - W_hy[0]) * sd  # the weights of z
    s = h @ (W_hy[1] - W_hy[0]) + (b_y[1] - b_y[0])
    p = 1 / (1 + np.exp(-s))
    return np.r_[((p - labels)[:, None] * (h - mu) / sd).mean(axis=0) + l2 * w,
                 np.mean(p - labels)]


def test_fit_readout_known_values_by_hand():
    # One binary unit: every value of h has its own probability, so without a penalty the
    # best fit is the log-odds of the counts, log(b/a) at h = 0 and log(d/c) at h = 1.
    a, b, c, d = 30, 10, 5, 45  # counts of (h=0, y=0), (h=0, y=1), (h=1, y=0), (h=1, y=1)
    h = np.repeat([0.0, 0.0, 1.0, 1.0], [a, b, c, d])[:, None]
    y = np.repeat([0, 1, 0, 1], [a, b, c, d])
    W_hy, b_y = fit_readout(h, y, l2=1e-12)
    assert W_hy.shape == (2, 1) and b_y.shape == (2,)
    assert b_y[1] - b_y[0] == pytest.approx(np.log(b / a), abs=1e-6)
    assert (W_hy[1] - W_hy[0] + b_y[1] - b_y[0])[0] == pytest.approx(np.log(d / c), abs=1e-6)
    np.testing.assert_allclose(W_hy[0], -W_hy[1])  # the difference split evenly
    np.testing.assert_allclose(b_y[0], -b_y[1])


def test_fit_readout_separable_data_against_bisection():
    # Two points h = +1 (class 1) and h = -1 (class 0): separable, so only the penalty keeps
    # w finite. By symmetry c = 0 and z = h; the minimum of log(1 + exp(-w)) + l2 w^2 / 2
    # solves sigmoid(-w) = l2 w, found here by bisection.
    h, y, l2 = np.array([[1.0], [-1.0]]), np.array([1, 0]), 1e-4
    lo, hi = 0.0, 100.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if 1 / (1 + np.exp(mid)) > l2 * mid else (lo, mid)
    W_hy, b_y = fit_readout(h, y, l2)
    assert W_hy[1, 0] - W_hy[0, 0] == pytest.approx(lo, rel=1e-8)
    assert abs(b_y[1] - b_y[0]) < 1e-8


def test_fit_readout_is_the_optimum_whatever_the_scale_of_the_states():
    rng = np.random.default_rng(0)
    h = rng.normal(size=(400, 5)) * [1.0, 0.01, 3.0, 1.0, 0.2]  # units of very different sizes
    h[:, 3] = 0.7  # a unit that never varies
    y = (h[:, 0] + 30 * h[:, 1] + rng.normal(size=400) > 0).astype(int)
    W_hy, b_y = fit_readout(h, y, l2=1e-3)
    assert np.abs(_logistic_objective_gradient(h, y, W_hy, b_y, 1e-3)).max() < 1e-6
    assert W_hy[1, 3] == W_hy[0, 3] == 0  # the constant unit gets no weight
    W_10, b_10 = fit_readout(10 * h, y, l2=1e-3)  # standardised: the same readout
    np.testing.assert_allclose(10 * W_10, W_hy, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(b_10, b_y, rtol=1e-8)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_recall_readout_fits_the_start_on_the_full_models_data(kind):
    # Recomputed seed by seed: the start, the held-out set, then the batches of train_recall,
    # through rnnlib's public layers at the initial weights, and fit_readout on the states.
    T, steps, batch, seeds = 5, 4, 8, [2, 6]
    acc, loss = recall_readout(kind, T, seeds, hidden=3, steps=steps, batch=batch, n_val=40,
                               noise=0.5, l2=1e-3)
    for j, s in enumerate(seeds):
        rng = np.random.default_rng(s)
        p = init_recall_params(kind, 3, rng)
        x_val, y_val, _ = rnnlib.recall_first_data(40, T, rng, 0.5)
        data = [rnnlib.recall_first_data(batch, T, rng, 0.5) for _ in range(steps)]
        x, y = np.concatenate([d[0] for d in data]), np.concatenate([d[1][:, -1] for d in data])
        W_hy, b_y = fit_readout(_last_states(kind, p, x), y, 1e-3)
        scores = _last_states(kind, p, x_val) @ W_hy.T + b_y
        assert acc[j] == np.mean(scores.argmax(axis=1) == y_val[:, -1])
        nll, _ = rnnlib.softmax_cross_entropy(_last_states(kind, p, x) @ W_hy.T + b_y, y)
        assert loss[j] == pytest.approx(nll.mean(), rel=1e-10)
        # and the test can fail: a recurrent layer changed by 1% gives another fit
        p[RECURRENT[kind]] *= 1.01
        W_2, b_2 = fit_readout(_last_states(kind, p, x), y, 1e-3)
        nll_2, _ = rnnlib.softmax_cross_entropy(_last_states(kind, p, x) @ W_2.T + b_2, y)
        assert abs(nll_2.mean() - loss[j]) > 1e-6


def test_recall_readout_succeeds_without_noise_and_fails_with_strong_noise():
    # Without distractors the two classes are mirror images at the start (notebook 05): a
    # linear readout separates them. Behind 12 noisy steps the untrained RNN loses the bit.
    clean, _ = recall_readout("rnn", 12, [0, 1], noise=0.0, steps=20)
    noisy, _ = recall_readout("rnn", 12, [0, 1], noise=2.0, steps=20)
    assert clean.min() == 1.0 and noisy.max() < 0.65


def test_recall_bad_input_is_named():
    with pytest.raises(ValueError, match=r"kind: expected one of"):
        train_recall("lstn", 4, [0])
    with pytest.raises(TypeError, match=r"seeds: expected a non-empty list of integers"):
        train_recall("rnn", 4, 3)
    with pytest.raises(ValueError, match=r"T: expected a finite value > 0, got 0"):
        recall_readout("rnn", 0, [0])
    with pytest.raises(ValueError, match=r"length: expected at least T = 8 steps"):
        train_recall("rnn", 8, [0], length=4)
    with pytest.raises(ValueError, match=r"trained: expected one of \('all', 'readout\+"):
        train_recall("rnn", 4, [0], trained="readout")
    with pytest.raises(ValueError, match=r"l2: expected a finite value > 0, got 0"):
        recall_readout("rnn", 4, [0], l2=0)
    with pytest.raises(ValueError, match=r"init: expected one of \('uniform',\) for kind 'lstm'"):
        init_recall_params("lstm", 3, 0, init="lecun")
    with pytest.raises(ValueError, match=r"init: expected one of \('lecun', 'uniform'\) for "
                                         r"kind 'rnn', got 'xavier'"):
        train_recall("rnn", 4, [0], init="xavier")
    with pytest.raises(ValueError, match=r"input_scale: expected a finite value > 0, got -1"):
        recall_readout("gru", 4, [0], input_scale=-1.0)
    p = init_recall_params("gru", 3, 0)
    x, y, _ = rnnlib.recall_first_data(4, 5, 0)
    with pytest.raises(ValueError, match=r"labels: expected 1-D array of shape \(N,\)"):
        recall_loss(p, x, y)  # every step's labels instead of the last step's
    with pytest.raises(ValueError, match=r"params: expected the keys of one recall model.*"
                                         r"got \['W_h', 'W_hy', 'W_x', 'b', 'b_x', 'b_y'\]"):
        recall_loss({**{k: v for k, v in p.items() if k != "b_h"}, "b": p["b_h"]}, x, y[:, -1])
    with pytest.raises(ValueError, match=r"params\['W_h'\]: expected shape \(9, H\)"):
        recall_loss({**p, "W_h": np.zeros((8, 3))}, x, y[:, -1])
    with pytest.raises(ValueError, match=r"labels: class indices must lie in \[0, 1\]"):
        fit_readout(np.zeros((3, 2)), np.array([0, 2, 1]))
    with pytest.raises(ValueError, match=r"h: expected 2-D array of shape \(N, H\)"):
        fit_readout(np.zeros(3), np.array([0, 1, 1]))
