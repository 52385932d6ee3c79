"""Property-based gradient checks (hypothesis): every backward of the core, on generated
shapes (sizes of 1 included) and values, must match centred differences in float64.

Weights are drawn with a Xavier-style scale s / sqrt(fan_in), so pre-activations stay within
a few units. A deeply saturated tanh (|a| > 6) has a derivative below 1e-5, and then the
finite difference's own rounding error (about 1e-16 |L| / h) is no longer small next to the
gradient: such cases test the checker's precision, not the backward pass. Saturation is
tested separately below, with a tolerance that has an absolute part. For the same reason W_hh
is a scaled orthogonal matrix here: with a tiny W_hh the gradient reaching h0 vanishes below
what a centred difference can resolve to a relative 1e-7."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import rnnlib
from rnnlib import check_gradients

size = st.integers(1, 4)
scale = st.sampled_from([0.5, 0.8, 1.2])
seed = st.integers(0, 2**32 - 1)
TOL = 1e-7
CASES = settings(max_examples=40, deadline=None, derandomize=True)


def named(names, values):
    return dict(zip(names, values, strict=True))


@CASES
@given(N=size, D=size, H=size, s=scale, seed=seed)
def test_rnn_step(N, D, H, s, seed):
    rng = np.random.default_rng(seed)
    p = {"x": rng.normal(size=(N, D)), "h_prev": rng.uniform(-0.9, 0.9, (N, H)),
         "W_xh": rng.normal(0, s / np.sqrt(D), (H, D)),
         "W_hh": rng.normal(0, s / np.sqrt(H), (H, H)), "b_h": rng.normal(0, s, H)}
    up = rng.normal(size=(N, H))

    def f():
        h, cache = rnnlib.rnn_step_forward(*p.values())
        return np.sum(h * up), named(p, rnnlib.rnn_step_backward(up, cache))

    assert max(check_gradients(f, p).values()) < TOL


@CASES
@given(N=size, T=size, D=size, H=size, s=scale, seed=seed, last_only=st.booleans())
def test_rnn_sequence(N, T, D, H, s, seed, last_only):
    rng = np.random.default_rng(seed)
    p = {"x": rng.normal(size=(N, T, D)), "h0": rng.uniform(-0.9, 0.9, (N, H)),
         "W_xh": rng.normal(0, s / np.sqrt(D), (H, D)),
         "W_hh": rnnlib.orthogonal(H, rng, gain=s), "b_h": rng.normal(0, s, H)}
    up = rng.normal(size=(N, T, H))
    if last_only:  # many-to-one: the gradient enters at the last step only
        up[:, :-1] = 0.0

    def f():
        h, cache = rnnlib.rnn_forward(*p.values())
        return np.sum(h * up), named(p, rnnlib.rnn_backward(up, cache))

    assert max(check_gradients(f, p).values()) < TOL


@CASES
@given(N=size, T=size, H=size, O=size, seed=seed, temporal=st.booleans())
def test_affine_layers(N, T, H, O, seed, temporal):
    rng = np.random.default_rng(seed)
    shape = (N, T, H) if temporal else (N, H)
    p = {"h": rng.normal(size=shape), "W": rng.normal(size=(O, H)), "b": rng.normal(size=O)}
    fwd, bwd = ((rnnlib.temporal_affine_forward, rnnlib.temporal_affine_backward) if temporal
                else (rnnlib.affine_forward, rnnlib.affine_backward))
    up = rng.normal(size=shape[:-1] + (O,))

    def f():
        y, cache = fwd(*p.values())
        return np.sum(y * up), named(p, bwd(up, cache))

    assert max(check_gradients(f, p).values()) < TOL


@CASES
@given(N=size, O=size, seed=seed, s=st.sampled_from([0.1, 1.0, 5.0]))
def test_mse_and_bce(N, O, seed, s):
    rng = np.random.default_rng(seed)
    target = rng.normal(size=(N, O))
    labels = rng.integers(0, 2, (N, 1)).astype(float)
    p = {"a": rng.normal(0, s, (N, O)), "z": rng.normal(0, s, (N, 1))}

    def f():
        l1, d1 = rnnlib.mse_loss(p["a"], target)
        l2, d2 = rnnlib.bce_with_logits_loss(p["z"], labels)
        return l1 + l2, {"a": d1, "z": d2}

    assert max(check_gradients(f, p).values()) < TOL


@CASES
@given(N=size, T=size, C=st.integers(2, 5), seed=seed, s=st.sampled_from([0.1, 1.0, 5.0]))
def test_softmax_losses_with_masks(N, T, C, seed, s):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, C, (N, T))
    mask = rng.random((N, T)) < 0.7
    mask[0, 0] = True  # at least one step counts
    p = {"s2": rng.normal(0, s, (N, 1, C)), "s3": rng.normal(0, s, (N, T, C))}

    def f():  # one step per example (T = 1, no mask) plus a masked sequence
        l1, d1 = rnnlib.temporal_softmax_cross_entropy_loss(p["s2"], labels[:, :1])
        l2, d2 = rnnlib.temporal_softmax_cross_entropy_loss(p["s3"], labels, mask)
        return l1 + l2, {"s2": d1, "s3": d2}

    assert max(check_gradients(f, p).values()) < TOL


@settings(max_examples=40, deadline=None, derandomize=True)
@given(N=size, T=st.integers(1, 6), D=size, H=size, seed=seed,
       s=st.sampled_from([0.01, 0.1, 1.0, 3.0, 10.0]))
def test_rnn_sequence_any_scale(N, T, D, H, seed, s):
    """Tiny (vanishing) to huge (saturating) weights: still right to within roundoff."""
    rng = np.random.default_rng(seed)
    x, h0 = rng.normal(size=(N, T, D)), rng.uniform(-1, 1, (N, H))
    W = [rng.normal(0, s, (H, D)), rng.normal(0, s, (H, H)), rng.normal(0, s, H)]
    up = rng.normal(size=(N, T, H))
    h, cache = rnnlib.rnn_forward(x, h0, *W)
    assert np.all(np.isfinite(h)) and np.all(np.abs(h) <= 1)
    grads = rnnlib.rnn_backward(up, cache)
    for i, arr in enumerate([x, h0, *W]):
        num = rnnlib.numerical_gradient(
            lambda: float(np.sum(rnnlib.rnn_forward(x, h0, *W)[0] * up)), arr)
        assert np.allclose(grads[i], num, rtol=1e-5, atol=1e-8), i


# ----------------------------------------------------------------------------- models
MODEL_CASES = settings(max_examples=25, deadline=None, derandomize=True)


def scaled_params(rng, D, H, O, s):
    return {"W_xh": rng.normal(0, s / np.sqrt(D), (H, D)), "W_hh": rnnlib.orthogonal(H, rng, s),
            "b_h": rng.normal(0, 0.1, H), "W_hy": rng.normal(0, 1 / np.sqrt(H), (O, H)),
            "b_y": rng.normal(0, 0.1, O)}


@MODEL_CASES
@given(N=size, T=size, D=size, H=size, seed=seed, s=scale, classify=st.booleans())
def test_sequence_to_one_models(N, T, D, H, seed, s, classify):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(N, T, D))
    if classify:
        loss_fn, y = rnnlib.classification_loss, rng.integers(0, 2, (N, 1)) * 1.0
    else:
        loss_fn, y = rnnlib.regression_loss, rng.normal(size=(N, 2))
    p = scaled_params(rng, D, H, y.shape[1], s)
    assert max(check_gradients(lambda: loss_fn(p, x, y), p).values()) < TOL


@MODEL_CASES
@given(N=size, T=size, D=size, H=size, O=st.integers(2, 4), seed=seed, s=scale)
def test_many_to_many_loss_with_a_mask(N, T, D, H, O, seed, s):
    rng = np.random.default_rng(seed)
    p = scaled_params(rng, D, H, O, s)
    x, labels = rng.normal(size=(N, T, D)), rng.integers(0, O, (N, T))
    lengths = rng.integers(1, T + 1, N)
    mask = np.arange(T) < lengths[:, None]  # (N, T): True up to each sequence's length

    def f():
        return rnnlib.many_to_many_loss(p, x, labels, mask)

    assert max(check_gradients(f, p).values()) < TOL


@MODEL_CASES
@given(B=size, T=size, V=st.integers(2, 6), H=size, seed=seed, s=scale, carried=st.booleans())
def test_char_rnn_loss(B, T, V, H, seed, s, carried):
    from rnnlib.char_rnn import char_rnn_loss, char_rnn_loss_reference

    rng = np.random.default_rng(seed)
    p = scaled_params(rng, V, H, V, s)
    inputs, targets = rng.integers(0, V, (B, T)), rng.integers(0, V, (B, T))
    h0 = rng.uniform(-0.9, 0.9, (B, H)) if carried else None
    for loss_fn in (char_rnn_loss, char_rnn_loss_reference):
        errors = check_gradients(lambda fn=loss_fn: fn(p, inputs, targets, h0)[:2], p)
        assert max(errors.values()) < TOL, loss_fn.__name__
