"""Tests of the char-RNN: gradients, vectorised == reference, training, sampling, checkpoints.
(The command line is tested in test_cli.py.)"""

import math

import numpy as np
import pytest

from rnnlib import (
    CHAR_MODELS,
    SGD,
    AdaGrad,
    CharRNNTrainer,
    Vocabulary,
    char_cell,
    char_rnn_backward,
    char_rnn_forward,
    char_rnn_initial_state,
    char_rnn_loss,
    char_rnn_loss_reference,
    char_rnn_scores,
    check_gradients,
    clip_by_global_norm,
    clip_by_value,
    evaluate_char_rnn,
    init_char_rnn_params,
    load_checkpoint,
    load_resume_state,
    numerical_gradient,
    rel_error,
    sample,
    sample_indices,
    save_checkpoint,
    softmax_cross_entropy,
)

PARAM_NAMES = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def random_model(V=6, H=5, scale=0.5, seed=1, dtype=np.float64):
    """A model with weights large enough that every gradient is far from zero."""
    rng = np.random.default_rng(seed)
    params = init_char_rnn_params(V, H, rng=0, dtype=dtype)
    for p in params.values():
        p[...] = rng.normal(0.0, scale, p.shape)
    return params


def random_batch(B, T, V, H, seed=2):
    rng = np.random.default_rng(seed)
    return (rng.integers(0, V, (B, T)), rng.integers(0, V, (B, T)),
            rng.normal(0.0, 0.5, (B, H)))


# ------------------------------------------------------------------ known values


def test_zero_weights_give_uniform_loss():
    # All weights zero: p = 1/V at every step, so L = T log V per stream.
    model = init_char_rnn_params(7, 4)
    for p in model.values():
        p[...] = 0.0
    x, y, h0 = random_batch(3, 5, 7, 4)
    for fn in (char_rnn_loss, char_rnn_loss_reference):
        loss, _, _ = fn(model, x, y, h0)
        assert loss == pytest.approx(5 * math.log(7), rel=1e-12)


def test_hand_computed_two_steps():
    # V = 2, H = 1: every quantity is a scalar we can follow with math.tanh and math.exp.
    params = {"W_xh": np.array([[0.5, -1.0]]), "W_hh": np.array([[0.8]]),
              "b_h": np.array([0.1]), "W_hy": np.array([[1.0], [-2.0]]),
              "b_y": np.array([0.0, 0.3])}
    x, y = np.array([[0, 1]]), np.array([[1, 0]])
    h1 = math.tanh(0.5 + 0.8 * 0.2 + 0.1)  # h0 = 0.2
    h2 = math.tanh(-1.0 + 0.8 * h1 + 0.1)

    def nll(h, target):
        s = [1.0 * h, -2.0 * h + 0.3]
        return -(s[target] - math.log(math.exp(s[0]) + math.exp(s[1])))

    expected = nll(h1, 1) + nll(h2, 0)
    for fn in (char_rnn_loss, char_rnn_loss_reference):
        loss, _, h_last = fn(params, x, y, np.array([[0.2]]))
        assert loss == pytest.approx(expected, rel=1e-12)
        assert h_last[0, 0] == pytest.approx(h2, rel=1e-12)


def test_lookup_equals_one_hot_product():
    W_xh = np.random.default_rng(0).normal(size=(4, 6))
    for i in range(6):
        np.testing.assert_allclose(W_xh @ np.eye(6)[i], W_xh[:, i], rtol=0, atol=0)


# ------------------------------------------------------------------ gradients


@pytest.mark.parametrize("fn", [char_rnn_loss, char_rnn_loss_reference])
def test_gradients_match_finite_differences(fn):
    model = random_model()
    x, y, h0 = random_batch(2, 4, 6, 5)
    errors = check_gradients(lambda: fn(model, x, y, h0)[:2], model)
    assert max(errors.values()) < 1e-7, errors


def test_gradient_with_respect_to_h0():
    # dh0 from char_rnn_backward, fed the softmax cross-entropy gradient, against
    # finite differences of the fast loss with respect to the carried-in state.
    model = random_model()
    x, y, h0 = random_batch(2, 4, 6, 5)
    scores, cache = char_rnn_forward(model, x, h0)
    p = np.exp(scores - scores.max(axis=2, keepdims=True))  # (B, T, V)
    p /= p.sum(axis=2, keepdims=True)
    B, T = x.shape
    p[np.arange(B)[:, None], np.arange(T)[None, :], y] -= 1.0  # p - onehot(target)
    _, dh0 = char_rnn_backward(p / B, cache)
    num = numerical_gradient(lambda: char_rnn_loss(model, x, y, h0)[0], h0)
    assert rel_error(dh0, num) < 1e-7


def test_carried_state_changes_the_gradient():
    # The gradient depends on h0: forgetting to pass the carried state would show here.
    model = random_model()
    x, y, h0 = random_batch(1, 3, 6, 5)
    _, g1, _ = char_rnn_loss(model, x, y, h0)
    _, g0, _ = char_rnn_loss(model, x, y, None)
    assert rel_error(g1["W_hh"], g0["W_hh"]) > 1e-3


# ------------------------------------------------------------------ fast == reference


@pytest.mark.parametrize("batch", [1, 3])
def test_fast_and_reference_agree_in_lock_step(batch):
    # Train with the fast path; at every step both versions start from the same
    # parameters and state, and must agree to rounding error.
    V, H, T = 9, 8, 7
    data = np.random.default_rng(3).integers(0, V, 200)
    model = init_char_rnn_params(V, H, rng=0)
    trainer = CharRNNTrainer(model, data, seq_length=T, batch_size=batch)
    opt = AdaGrad(0.1)
    for _ in range(30):  # wraps around the text, so the reset is exercised too
        x, y = trainer.next_chunk()
        lf, gf, hf = char_rnn_loss(model, x, y, trainer.state)
        lr_, gr, hr = char_rnn_loss_reference(model, x, y, trainer.state)
        assert abs(lf - lr_) <= 1e-12 * abs(lr_)
        for n in PARAM_NAMES:
            assert rel_error(gf[n], gr[n]) <= 1e-12, n
        assert rel_error(hf, hr) <= 1e-12
        opt.step(model, clip_by_value(gf, 5.0))
        trainer.state = hf


@pytest.mark.parametrize("present", [(2, 4), (0, 6), (3,)])
def test_characters_absent_from_the_chunk_get_zero_input_gradient(present):
    # dW_xh is a sum grouped by input character: the first, the last and inner characters of
    # the vocabulary may be missing from a chunk, and their columns must be exactly zero.
    V, H, B, T = 7, 5, 3, 6
    params = random_model(V, H)
    rng = np.random.default_rng(8)
    x = rng.choice(present, size=(B, T))
    y = rng.integers(0, V, (B, T))
    h0 = rng.normal(0.0, 0.5, (B, H))
    _, fast, _ = char_rnn_loss(params, x, y, h0)
    _, ref, _ = char_rnn_loss_reference(params, x, y, h0)
    for n in PARAM_NAMES:
        assert rel_error(fast[n], ref[n]) <= 1e-12, n
    absent = [v for v in range(V) if v not in present]
    assert np.all(fast["W_xh"][:, absent] == 0.0)
    assert np.all(np.abs(fast["W_xh"][:, list(present)]).sum(axis=0) > 0)


def test_trainer_limits_blas_threads_while_it_runs():
    threadpoolctl = pytest.importorskip("threadpoolctl")

    def blas_threads():
        return [d["num_threads"] for d in threadpoolctl.threadpool_info()
                if d["user_api"] == "blas"]

    seen = []

    def loss_fn(params, inputs, targets, state):
        seen.append(blas_threads())
        return char_rnn_loss(params, inputs, targets, state)

    data = np.random.default_rng(4).integers(0, 5, 300)
    params = init_char_rnn_params(5, 6, rng=1)
    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        before = blas_threads()
        if not before or max(before) < 2:
            pytest.skip("this BLAS cannot run 2 threads here")
        CharRNNTrainer(params, data, seq_length=6, loss_fn=loss_fn,
                       init_state=char_rnn_initial_state).run(2)
        assert seen == [[1] * len(before)] * 2  # default: 1 thread while training
        assert blas_threads() == before  # restored afterwards
        seen.clear()
        CharRNNTrainer(params, data, seq_length=6, loss_fn=loss_fn, threads=2).run(1)
        assert seen == [before]
    with pytest.raises(ValueError, match="threads"):
        CharRNNTrainer(params, data, seq_length=6, threads=0)


def test_trainer_reference_method_gives_same_losses():
    data = np.random.default_rng(4).integers(0, 5, 300)
    runs = []
    for loss_fn in (None, char_rnn_loss_reference):  # None: the trainer's vectorised default
        params = init_char_rnn_params(5, 6, rng=1)
        trainer = CharRNNTrainer(params, data, seq_length=6, batch_size=2, loss_fn=loss_fn)
        runs.append(trainer.run(20))
    np.testing.assert_allclose(runs[0], runs[1], rtol=1e-10)


def test_float32_close_to_float64():
    m64 = random_model(scale=0.3)
    m32 = {n: p.astype(np.float32) for n, p in m64.items()}
    x, y, h0 = random_batch(2, 5, 6, 5)
    l64, g64, _ = char_rnn_loss(m64, x, y, h0)
    l32, g32, h32 = char_rnn_loss(m32, x, y, h0.astype(np.float32))
    assert h32.dtype == np.float32 and g32["W_hh"].dtype == np.float32
    assert l32 == pytest.approx(l64, rel=1e-5)
    for n in PARAM_NAMES:
        assert rel_error(g32[n], g64[n]) < 1e-4


# ------------------------------------------------------------------ training


def test_streams_are_contiguous_and_state_resets_at_the_end():
    data = np.arange(20) % 10
    model = init_char_rnn_params(10, 3)
    tr = CharRNNTrainer(model, data, seq_length=4, batch_size=2)
    x, y = tr.next_chunk()
    np.testing.assert_array_equal(x, [[0, 1, 2, 3], [0, 1, 2, 3]])  # streams start at 0, 10
    np.testing.assert_array_equal(y, [[1, 2, 3, 4], [1, 2, 3, 4]])
    x, _ = tr.next_chunk()
    np.testing.assert_array_equal(x[:, 0], [4, 4])
    tr.state = np.ones((2, 3))
    x, _ = tr.next_chunk()  # 8 + 4 + 1 > 10 characters per stream: back to the start
    np.testing.assert_array_equal(x[:, 0], [0, 0])
    np.testing.assert_array_equal(tr.state, 0.0)


def test_reset_every_chunk_starts_from_zero_state():
    data = np.random.default_rng(5).integers(0, 4, 100)
    model = init_char_rnn_params(4, 5, rng=2)
    tr = CharRNNTrainer(model, data, seq_length=5, reset="chunk", optimizer=SGD(0.0 + 1e-12))
    tr.run(1)
    x, y = tr.next_chunk()
    expected, _, _ = char_rnn_loss(model, x, y, None)
    tr.position -= 5
    assert tr.run(1)[0] == pytest.approx(expected, rel=1e-12)


def test_memorises_a_short_sentence():
    text = "the cat sat on the mat. "
    vocab = Vocabulary.from_text(text)
    data = vocab.encode(text * 20)
    model = init_char_rnn_params(len(vocab), 32, rng=0)
    losses = CharRNNTrainer(model, data, seq_length=12).run(400)
    assert losses[-20:].mean() < 0.1 * losses[0]
    assert evaluate_char_rnn(model, data) < 0.1
    out = sample(model, vocab, "t", 30, temperature=0.2, rng=0)
    assert "cat sat on the mat" in "t" + out


def test_trainer_input_errors():
    model = init_char_rnn_params(4, 3)
    with pytest.raises(ValueError, match="at least 26"):
        CharRNNTrainer(model, np.zeros(20, dtype=np.int64))
    with pytest.raises(ValueError, match=r"\[0, 3\]"):
        CharRNNTrainer(model, np.full(50, 7))
    with pytest.raises(ValueError, match="reset"):
        CharRNNTrainer(model, np.zeros(50, dtype=np.int64), reset="never")


def test_non_finite_loss_stops_with_advice():
    model = init_char_rnn_params(4, 3)
    model["W_hy"][0, 0] = np.nan
    tr = CharRNNTrainer(model, np.zeros(60, dtype=np.int64), seq_length=5)
    with pytest.raises(FloatingPointError, match="step 0.*smaller learning rate"):
        tr.run(3)


def test_evaluate_does_not_depend_on_chunk_length():
    model = random_model(V=5, H=4, scale=0.4)
    data = np.random.default_rng(6).integers(0, 5, 57)
    a, b = evaluate_char_rnn(model, data, 7), evaluate_char_rnn(model, data, 100)
    assert a == pytest.approx(b, rel=1e-12)
    loss, _, _ = char_rnn_loss(model, data[None, :-1], data[None, 1:])
    assert a == pytest.approx(loss / 56, rel=1e-12)


# ------------------------------------------------------------------ sampling


def test_sampling_follows_softmax_with_temperature():
    # Zero weights except b_y: every step draws from softmax(b_y / temperature).
    V = 4
    model = init_char_rnn_params(V, 3)
    for p in model.values():
        p[...] = 0.0
    model["b_y"][...] = np.log([0.1, 0.2, 0.3, 0.4])
    for temp in (0.5, 1.0, 2.0):
        q = np.array([0.1, 0.2, 0.3, 0.4]) ** (1 / temp)
        q /= q.sum()
        ix = sample_indices(model, np.array([0]), 4000, temperature=temp, rng=0)
        freq = np.bincount(ix, minlength=V) / ix.size
        np.testing.assert_allclose(freq, q, atol=0.03)  # about 4 standard errors
    ix = sample_indices(model, np.array([0]), 2000, top_k=2, rng=1)
    assert set(np.unique(ix)) == {2, 3}
    freq = np.bincount(ix, minlength=V)[2:] / ix.size
    np.testing.assert_allclose(freq, [3 / 7, 4 / 7], atol=0.04)


def test_top_1_is_greedy_and_sampling_is_reproducible():
    model = random_model(V=6, H=5, scale=0.8)
    greedy = sample_indices(model, np.array([1, 2]), 15, top_k=1, rng=0)
    # Independent greedy decoding: run the forward on the growing sequence each time.
    seq = [1, 2]
    for _ in range(15):
        scores, _ = char_rnn_scores(model, np.array([seq]))
        seq.append(int(np.argmax(scores[0, -1])))
    np.testing.assert_array_equal(greedy, seq[2:])
    a = sample_indices(model, np.array([1]), 30, rng=np.random.default_rng(7))
    b = sample_indices(model, np.array([1]), 30, rng=7)
    np.testing.assert_array_equal(a, b)


def test_sample_errors():
    vocab = Vocabulary.from_text("abc")
    model = init_char_rnn_params(3, 4)
    with pytest.raises(ValueError, match="seed_text: character 'z'"):
        sample(model, vocab, "az", 5)
    with pytest.raises(ValueError, match="temperature"):
        sample(model, vocab, "a", 5, temperature=0.0)
    with pytest.raises(ValueError, match="top_k"):
        sample(model, vocab, "a", 5, top_k=4)
    with pytest.raises(ValueError, match="size"):
        sample(init_char_rnn_params(5, 4), vocab, "a", 5)


# ------------------------------------------------------------------ checkpoints


def test_checkpoint_round_trip(tmp_path):
    vocab = Vocabulary.from_text("héllo 🙂")
    model = random_model(V=len(vocab), H=3, dtype=np.float32)
    path = tmp_path / "m.npz"
    save_checkpoint(path, model, vocab)
    save_checkpoint(path, model, vocab)  # overwriting works too
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]  # no temporary left
    loaded, vocab2 = load_checkpoint(path)
    assert vocab2 == vocab
    for n in PARAM_NAMES:
        assert loaded[n].dtype == np.float32
        np.testing.assert_array_equal(loaded[n], model[n])


def test_bad_checkpoints_give_clear_errors(tmp_path):
    vocab = Vocabulary.from_text("abc")
    model = random_model(V=3, H=2)
    good = tmp_path / "good.npz"
    save_checkpoint(good, model, vocab)
    raw = good.read_bytes()
    (tmp_path / "trunc.npz").write_bytes(raw[: len(raw) // 2])
    (tmp_path / "junk.npz").write_bytes(b"not a zip file at all")
    arrays = dict(np.load(good))
    np.savez(tmp_path / "shape.npz", **{**arrays, "W_hy": np.zeros((4, 2))})
    np.savez(tmp_path / "missing.npz", **{k: v for k, v in arrays.items() if k != "b_h"})
    np.savez(tmp_path / "vocab.npz", **{**arrays, "vocab": np.array([97, 98])})
    np.savez(tmp_path / "dtype.npz", **{**arrays, "b_y": np.zeros(3, dtype=np.int64)})
    np.savez(tmp_path / "pickle.npz", **{**arrays, "vocab": np.array(["a", 1], dtype=object)})
    expected = {"trunc": "corrupt or truncated", "junk": "corrupt or truncated",
                "shape": "W_hy", "missing": "missing arrays", "vocab": "vocab",
                "dtype": "dtype", "pickle": "checkpoint"}
    for name, words in expected.items():
        with pytest.raises(ValueError, match=words):
            load_checkpoint(tmp_path / f"{name}.npz")
    with pytest.raises(FileNotFoundError):
        load_checkpoint(tmp_path / "nothing.npz")


def test_interrupted_save_keeps_the_old_checkpoint(tmp_path, monkeypatch):
    # np.savez dies half-way through writing: the previous checkpoint must survive intact
    # and no temporary file may be left behind.
    vocab = Vocabulary.from_text("abc")
    old, new = random_model(V=3, H=2, seed=1), random_model(V=3, H=2, seed=2)
    path = tmp_path / "m.npz"
    save_checkpoint(path, old, vocab)

    def savez_that_fails(file, **arrays):
        file.write(b"PK\x03\x04 half of a zip archive")  # some bytes reach the disk
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", savez_that_fails)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(path, new, vocab)
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]
    loaded, _ = load_checkpoint(path)
    for n in PARAM_NAMES:
        np.testing.assert_array_equal(loaded[n], old[n])


def test_checkpoint_of_another_model_names_the_mismatch(tmp_path):
    vocab = Vocabulary.from_text("abc")
    arrays = {"vocab": vocab.code_points(), **random_model(V=3, H=2)}
    other_hidden = random_model(V=3, H=5)["W_hh"]  # a W_hh from a model with H = 5
    cases = {
        "hidden": ({**arrays, "W_hh": other_hidden},
                   r"W_hh'\]: expected shape \(H, H\) = \(2, 2\)"),
        "vocab": ({**arrays, "vocab": Vocabulary.from_text("abcd").code_points()},
                  "vocab has 4 characters but W_hy has V = 3"),
        "W_xh": ({**arrays, "W_xh": np.zeros((2, 4))}, "W_xh"),
        "mixed": ({**arrays, "b_h": np.zeros(2, dtype=np.float32)}, "b_h"),
        "nan": ({**arrays, "W_hh": np.full((2, 2), np.nan)}, "W_hh contains NaN"),
    }
    for name, (content, words) in cases.items():
        np.savez(tmp_path / f"{name}.npz", **content)
        with pytest.raises(ValueError, match=words):
            load_checkpoint(tmp_path / f"{name}.npz")


# ------------------------------------------------------------ every cell, one protocol


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_trainer_trains_every_cell_and_clips_by_global_norm(cell):
    # A text the models can learn; the trainer, given only params and cell, uses the
    # cell's own loss and initial state (the functions of rnnlib.CHAR_MODELS).
    data = np.tile(np.arange(5), 60)
    params = CHAR_MODELS[cell].init_params(5, 8, 0, np.float64)
    trainer = CharRNNTrainer(params, data, cell=cell, seq_length=5, batch_size=2, lr=0.1,
                             clip=None, clip_norm=1.0)
    assert trainer.loss_fn is CHAR_MODELS[cell].loss
    losses = trainer.run(60)
    assert losses[-5:].mean() < 0.5 * losses[:5].mean()  # it learns the cycle
    # clip_norm clips: one step by hand, with the global norm clipped to 1, equals the trainer's
    params = CHAR_MODELS[cell].init_params(5, 8, 0, np.float64)
    by_hand = {n: p.copy() for n, p in params.items()}
    CharRNNTrainer(params, data, cell=cell, seq_length=5, clip=None, clip_norm=1e-3).run(1)
    _, grads, _ = CHAR_MODELS[cell].loss(by_hand, data[None, :5], data[None, 1:6])
    AdaGrad(0.1).step(by_hand, clip_by_global_norm(grads, 1e-3))
    for n in params:
        np.testing.assert_allclose(params[n], by_hand[n], rtol=1e-12)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_checkpoints_and_sampling_work_for_every_cell(tmp_path, cell):
    vocab = Vocabulary.from_text("abcd ")
    params = CHAR_MODELS[cell].init_params(len(vocab), 6, 1, np.float32)
    trainer = CharRNNTrainer(params, vocab.encode("abcd " * 20), cell=cell, seq_length=4,
                             batch_size=2)
    trainer.run(3)
    save_checkpoint(tmp_path / "m.npz", params, vocab, resume=trainer.state_dict())
    loaded, loaded_vocab = load_checkpoint(tmp_path / "m.npz")
    assert char_cell(loaded) == cell and loaded_vocab == vocab
    for n in params:
        np.testing.assert_array_equal(loaded[n], params[n])
    again = CharRNNTrainer(loaded, vocab.encode("abcd " * 20), cell=cell, seq_length=4,
                           batch_size=2)
    again.load_state_dict(load_resume_state(tmp_path / "m.npz"))
    assert again.steps_done == 3
    for a, b in zip(np.atleast_3d(again.state), np.atleast_3d(trainer.state), strict=True):
        np.testing.assert_array_equal(a, b)
    text = sample(loaded, vocab, "ab", 20, top_k=2, rng=0)
    assert len(text) == 20 and set(text) <= set("abcd ")
    assert text == sample(params, vocab, "ab", 20, top_k=2, rng=0)
    with pytest.raises(ValueError, match="batch_size: the saved run has 2, this trainer 1"):
        CharRNNTrainer(loaded, vocab.encode("abcd " * 20), cell=cell, seq_length=4
                       ).load_state_dict(load_resume_state(tmp_path / "m.npz"))


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_scores_and_loss_agree_and_carry_the_same_state(cell):
    model = CHAR_MODELS[cell]
    params = model.init_params(6, 5, 2, np.float64)
    rng = np.random.default_rng(3)
    x, y = rng.integers(0, 6, (2, 7)), rng.integers(0, 6, (2, 7))
    loss, _, state = model.loss(params, x, y)
    scores, state2 = model.scores(params, x, model.initial_state(params, 2))
    nll, _ = softmax_cross_entropy(scores.reshape(14, 6), y.reshape(14))
    assert math.isclose(loss, nll.sum() / 2, rel_tol=1e-12)
    for a, b in zip(np.atleast_3d(state), np.atleast_3d(state2), strict=True):
        np.testing.assert_array_equal(a, b)
    assert math.isclose(evaluate_char_rnn(params, np.r_[x[0], y[0, -1]]),
                        softmax_cross_entropy(model.scores(params, x[:1])[0][0],
                                              np.r_[x[0, 1:], y[0, -1]])[0].mean(),
                        rel_tol=1e-12)
