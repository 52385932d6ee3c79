"""The command line, python -m rnnlib train|sample: progress, checkpoints, Ctrl-C, resume,
and one-line errors with the documented exit statuses (2 usage, 1 data, 130 interrupted)."""

import os
import signal
import subprocess
import sys

import numpy as np
import pytest

import rnnlib.__main__ as cli
from rnnlib import Vocabulary, init_char_rnn_params, load_checkpoint, load_resume_state
from rnnlib import save_checkpoint as real_save

TEXT = "abcab cabba " * 10


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "rnnlib", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    (tmp_path / "t.txt").write_text(TEXT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def main(*args):
    return cli.main([str(a) for a in args])


SMALL = ("--hidden", 8, "--seq-length", 5, "--batch-size", 2)


def test_train_then_sample_in_subprocesses(folder):
    r = run("train", "--text", "t.txt", "--steps", "30", "--print-every", "10", *map(str, SMALL),
            "--checkpoint", "m.npz", cwd=folder)
    assert r.returncode == 0, r.stderr
    progress = [line for line in r.stdout.splitlines() if line.startswith("step")]
    assert len(progress) == 3  # steps 10, 20, 30
    for line in progress:
        assert "loss" in line and "chars/s" in line and "s left" in line
    assert "checkpoint written to m.npz" in r.stdout
    r = run("sample", "--checkpoint", "m.npz", "--seed-text", "ab", "--length", "20",
            "--top-k", "3", cwd=folder)
    assert r.returncode == 0, r.stderr
    out = r.stdout.strip("\n")
    assert out.startswith("ab") and len(out) == 22 and set(out) <= set("abc ")


@pytest.mark.parametrize("threads", [None, 2])
def test_first_line_reports_the_blas_threads(folder, capsys, threads):
    option = () if threads is None else ("--threads", threads)
    assert main("train", "--text", "t.txt", "--steps", 2, *SMALL, *option) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("text: ") and "; BLAS: " in first
    if threads is None:  # the default is one thread, whatever the machine has
        assert first.endswith(", 1 thread")
    else:  # as many as asked, unless this BLAS cannot run that many
        n = int(first.rsplit(", ", 1)[1].split()[0])
        assert 1 <= n <= 2 and first.endswith("thread" + "s" * (n != 1))


def test_every_option_has_help():
    parser = cli.build_parser()
    subparsers = next(a for a in parser._actions if a.choices and "train" in a.choices).choices
    for name in ("train", "sample"):
        for action in subparsers[name]._actions:
            assert action.help, f"{name} {action.option_strings} has no help text"
    train_options = {a.dest for a in subparsers["train"]._actions}
    assert {f.name for f in __import__("dataclasses").fields(cli.TrainConfig)} <= train_options


def test_ctrl_c_saves_a_checkpoint_that_sample_loads(folder):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "rnnlib", "train", "--text", "t.txt", "--steps", "1000000",
         "--print-every", "1", *map(str, SMALL), "--checkpoint", "m.npz"],
        cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        for line in proc.stdout:  # wait for the first progress line: training is running
            if line.startswith("step"):
                break
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and err == ""
    last = out.strip().splitlines()[-1]
    assert last.startswith("interrupted at step ") and last.endswith("; saved to m.npz")
    step = int(last.split()[3].rstrip(";"))
    assert load_resume_state(folder / "m.npz")["steps_done"] == step >= 1
    r = run("sample", "--checkpoint", "m.npz", "--seed-text", "a", "--length", "5", cwd=folder)
    assert r.returncode == 0 and r.stdout.startswith("a"), r.stderr


def test_resume_continues_exactly_where_training_stopped(folder, capsys):
    common = ("--text", "t.txt", "--print-every", 100, *SMALL)
    assert main("train", *common, "--steps", 13, "--checkpoint", "straight.npz") == 0
    assert main("train", *common, "--steps", 8, "--checkpoint", "half.npz") == 0
    assert main("train", *common, "--steps", 5, "--resume", "half.npz",
                "--checkpoint", "resumed.npz") == 0
    straight, _ = load_checkpoint(folder / "straight.npz")
    resumed, _ = load_checkpoint(folder / "resumed.npz")
    for name in straight:  # same weights, bit for bit: optimizer memory and position restored
        np.testing.assert_array_equal(straight[name], resumed[name])
    assert load_resume_state(folder / "resumed.npz")["steps_done"] == 13


def test_save_every_writes_periodic_checkpoints(folder, monkeypatch, capsys):
    saved = []

    def recording_save(path, params, vocab, resume=None):
        saved.append(int(resume["steps_done"]))
        real_save(path, params, vocab, resume)

    monkeypatch.setattr(cli, "save_checkpoint", recording_save)
    assert main("train", "--text", "t.txt", "--steps", 7, "--save-every", 3, *SMALL) == 0
    assert saved == [3, 6, 7]  # every 3 steps, then at the end
    assert load_resume_state(folder / "char_rnn.npz")["steps_done"] == 7


def make_bad_inputs(folder):
    (folder / "empty.txt").write_bytes(b"")
    (folder / "latin.txt").write_bytes("caf\xe9 ".encode("latin-1") * 20)
    (folder / "short.txt").write_text("abc", encoding="utf-8")
    (folder / "junk.npz").write_bytes(b"junk")
    vocab = Vocabulary.from_text("abc ")
    real_save(folder / "m.npz", init_char_rnn_params(len(vocab), 4), vocab)


DATA_ERRORS = [  # exit status 1
    (("train", "--text", "empty.txt"), "empty"),
    (("train", "--text", "latin.txt"), "not UTF-8"),
    (("train", "--text", "short.txt"), "too short"),
    (("train", "--text", "nope.txt"), "no such file"),
    (("train", "--text", "t.txt", "--resume", "junk.npz"), "not a valid"),
    (("train", "--text", "latin.txt", "--resume", "m.npz"), "not UTF-8"),
    (("train", "--text", "t.txt", "--checkpoint", "no/such/folder/m.npz"), "does not exist"),
    (("sample", "--checkpoint", "m.npz", "--seed-text", "aZ"), "'Z'"),
    (("sample", "--checkpoint", "junk.npz", "--seed-text", "a"), "not a valid"),
    (("sample", "--checkpoint", "nope.npz", "--seed-text", "a"), "no such"),
]
USAGE_ERRORS = [  # exit status 2
    (("train", "--text", "t.txt", "--steps", "-5"), "--steps"),
    (("train", "--text", "t.txt", "--lr", "abc"), "--lr"),
    (("train", "--text", "t.txt", "--dtype", "float16"), "--dtype"),
    (("train", "--text", "t.txt", "--threads", "0"), "--threads"),
    (("train", "--text", "t.txt", "--threads", "1.5"), "--threads"),
    (("train",), "--text"),
    (("sample", "--checkpoint", "m.npz", "--seed-text", "a", "--temperature", "0"),
     "--temperature"),
    (("fly",), "invalid choice"),
    ((), "command"),
]


@pytest.mark.parametrize(("args", "words"), DATA_ERRORS + USAGE_ERRORS)
def test_bad_input_gives_one_line_and_the_right_status(folder, capsys, args, words):
    make_bad_inputs(folder)
    status = main(*args)
    err = capsys.readouterr().err.strip().splitlines()
    assert status == (1 if (args, words) in DATA_ERRORS else 2)
    assert len(err) == 1 and words in err[0], err


def test_bad_input_in_a_real_subprocess_has_no_traceback(folder):
    make_bad_inputs(folder)
    for args, status in ((("sample", "--checkpoint", "junk.npz", "--seed-text", "a"), 1),
                         (("train", "--text", "t.txt", "--steps", "0"), 2)):
        r = run(*args, cwd=folder)
        assert r.returncode == status, r.stderr
        assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
