"""Numerical robustness and determinism of the core."""

import contextlib
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import rnnlib


def test_long_sequences_and_saturated_states_stay_finite(rng):
    N, T, D, H = 2, 1000, 3, 8
    x = rng.normal(0, 50, (N, T, D))  # drives every unit to +-1
    W_xh, W_hh, b_h = rng.normal(0, 5, (H, D)), rng.normal(0, 5, (H, H)), rng.normal(0, 5, H)
    h, cache = rnnlib.rnn_forward(x, np.ones((N, H)), W_xh, W_hh, b_h)
    assert np.all(np.isfinite(h)) and np.mean(np.abs(h) > 0.999) > 0.9
    grads = rnnlib.rnn_backward(rng.normal(size=h.shape), cache)
    assert all(np.all(np.isfinite(g)) for g in grads)


def test_exploding_gradients_over_1000_steps_are_finite(rng):
    # spectral radius 1.5, small inputs: the linear regime where gradients grow fastest
    H = 4
    W_hh = rnnlib.scale_to_spectral_radius(rng.normal(size=(H, H)), 1.5)
    x = rng.normal(0, 1e-3, (1, 1000, 1))
    h, cache = rnnlib.rnn_forward(x, np.zeros((1, H)), rng.normal(size=(H, 1)), W_hh, np.zeros(H))
    dh = np.zeros_like(h)
    dh[:, -1] = 1.0
    with np.errstate(over="raise", invalid="raise"):
        grads = rnnlib.rnn_backward(dh, cache)
    assert all(np.all(np.isfinite(g)) for g in grads)


@pytest.mark.parametrize("z", [1e4, -1e4, 700.0, -745.0])
def test_losses_at_extreme_logits(z):
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        loss, d = rnnlib.bce_with_logits_loss(np.full((3, 1), z), np.array([[0.0], [1.0], [1.0]]))
        assert np.isfinite(loss) and np.all(np.isfinite(d))
        scores = np.array([[z, 0.0, -z]])
        loss, d = rnnlib.temporal_softmax_cross_entropy_loss(scores[None], np.array([[2]]))
        assert np.isfinite(loss) and np.all(np.isfinite(d))


def test_training_that_diverges_stops_with_advice():
    x = np.ones((4, 1))
    params = {"w": np.ones((1, 1))}

    def loss_and_grads(params, x, y):
        loss, d = rnnlib.mse_loss(x @ params["w"].T, y)
        return loss, {"w": d.T @ x}

    with pytest.raises(FloatingPointError) as err:
        rnnlib.train(loss_and_grads, params, rnnlib.SGD(10.0), (x, 3 * x), steps=1000)
    msg = str(err.value)
    assert "at step" in msg and "smaller learning rate" in msg and "clip" in msg


TRAIN_SCRIPT = """
import numpy as np, rnnlib
rng = np.random.default_rng(5)
x, y = rnnlib.sliding_windows(rnnlib.ar2_series(60, rng=rng) / 20, 5)
p = {"W_xh": rnnlib.lecun_normal(6, 1, rng), "W_hh": rnnlib.orthogonal(6, rng),
     "b_h": np.zeros(6), "W_hy": rnnlib.lecun_normal(1, 6, rng), "b_y": np.zeros(1)}
def loss_and_grads(p, x, y):
    h, c = rnnlib.rnn_forward(x, np.zeros((len(x), 6)), p["W_xh"], p["W_hh"], p["b_h"])
    out, c2 = rnnlib.affine_forward(h[:, -1], p["W_hy"], p["b_y"])
    loss, dout = rnnlib.mse_loss(out, y)
    dlast, g_hy, g_by = rnnlib.affine_backward(dout, c2)
    dh = np.zeros_like(h); dh[:, -1] = dlast
    _, _, g_xh, g_hh, g_bh = rnnlib.rnn_backward(dh, c)
    return loss, {"W_xh": g_xh, "W_hh": g_hh, "b_h": g_bh, "W_hy": g_hy, "b_y": g_by}
rnnlib.train(loss_and_grads, p, rnnlib.AdaGrad(0.05), (x, y), steps=50)
print(b"".join(p[k].tobytes() for k in sorted(p)).hex())
"""


CHAR_RNN_SCRIPT = """
import numpy as np, rnnlib
from rnnlib import CharRNNTrainer, init_char_rnn_params, sample
text = rnnlib.word_like_source(3).generate(3000, 4)
vocab = rnnlib.Vocabulary.from_text(text)
model = init_char_rnn_params(len(vocab), hidden_size=16, rng=7)
CharRNNTrainer(model, vocab.encode(text), seq_length=10, batch_size=4).run(60)
print(b"".join(model[k].tobytes() for k in sorted(model)).hex())
print(sample(model, vocab, "a", 40, rng=9))
"""


@pytest.mark.parametrize("script", [TRAIN_SCRIPT, CHAR_RNN_SCRIPT], ids=["rnn", "char-rnn"])
def test_training_is_bit_identical_across_processes(script):
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=True).stdout for _ in range(2)]
    assert runs[0] == runs[1] and len(runs[0]) > 100
    exec_globals = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(script, exec_globals)  # the same once more, in this process
    assert out.getvalue() == runs[0]


def test_rnnlib_never_touches_global_random_state():
    np.random.seed(0)  # noqa: NPY002 - the legacy global state is what is being watched
    before = np.random.get_state()[1].copy()  # noqa: NPY002
    rnnlib.ar2_series(100, rng=1)
    rnnlib.lecun_normal(4, 3, 2)
    rnnlib.orthogonal(4, 3)
    assert np.array_equal(np.random.get_state()[1], before)  # noqa: NPY002


def test_rnnlib_source_uses_only_generators():
    allowed = ("np.random.default_rng", "np.random.Generator")
    for path in Path(rnnlib.__file__).parent.rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            rest = line
            for ok in allowed:
                rest = rest.replace(ok, "")
            assert "np.random." not in rest, f"{path.name}:{number} uses global random state"
