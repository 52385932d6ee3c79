"""The command line, python -m rnnlib train|sample: progress, checkpoints, Ctrl-C, resume,
and one-line errors with the documented exit statuses (2 usage, 1 data, 130 interrupted).
The tests named after a data-safety case (1-9) run the command line as a new user would."""

import json
import math
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

import rnnlib
import rnnlib.__main__ as cli
from rnnlib import Vocabulary, init_char_rnn_params, load_checkpoint, load_resume_state
from rnnlib import save_checkpoint as real_save

TEXT = "abcab cabba " * 10


ROOT = str(Path(__file__).resolve().parents[1])  # the checkout whose rnnlib is tested
# Runs rnnlib's command line from this checkout, whatever the environment says.
LAUNCH = ("import runpy, sys; sys.path.insert(0, sys.argv.pop(1)); "
          "runpy.run_module('rnnlib', run_name='__main__')")


def run(*args, cwd, prefix=(), umask=None):
    return subprocess.run([*prefix, sys.executable, "-c", LAUNCH, ROOT, *map(str, args)],
                          cwd=cwd, capture_output=True, text=True, timeout=120,
                          preexec_fn=None if umask is None else lambda: os.umask(umask))


def permission_bound():
    """A command prefix under which file permissions apply, or skip the test saying why.

    Root ignores permissions. As root, the command runs without the capabilities that let
    it (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so a folder without write permission
    refuses it as it refuses any other user; a normal user needs nothing.
    """
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root, which ignores file permissions, and setpriv (to drop "
                    "that power) is not installed")
    prefix = (setpriv, "--bounding-set=-dac_override,-dac_read_search")
    probe = subprocess.run([*prefix, sys.executable, "-c", "import numpy"],
                           capture_output=True, text=True, timeout=60)
    if probe.returncode != 0:
        pytest.skip(f"cannot drop root's power over permissions here: {probe.stderr.strip()}")
    return prefix


def progress_lines(stdout):
    return [line for line in stdout.splitlines() if line.startswith("step ") and "loss" in line]


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
    (("train", "--text", "short.txt"), "too few for --batch-size 1 streams of --seq-length 25"),
    (("train", "--text", "nope.txt"), "no such file"),
    (("train", "--text", "t.txt", "--resume", "junk.npz"), "not a valid"),
    (("train", "--text", "latin.txt", "--resume", "m.npz"), "not UTF-8"),
    (("train", "--text", "t.txt", "--checkpoint", "no/such/folder/m.npz"), "does not exist"),
    (("train", "--text", "t.txt", "--checkpoint", "t.txt"), "--checkpoint: t.txt: exists and is "
                                                            "not a checkpoint"),
    (("train", "--text", "t.txt", "--checkpoint", "."), "--checkpoint: .: is a folder"),
    (("train", "--text", "t.txt", "--batch-size", "50"), "--batch-size 50 streams of "
                                                         "--seq-length 25"),
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
    (("train", "--text", "t.txt", "--steps", "abc"), "--steps: expected an integer, got 'abc'"),
    (("train", "--text", "t.txt", "--clip", "abc"), "--clip: expected a number or none"),
    (("train", "--text", "t.txt", "--cell", "lstn"), "--cell"),
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


# ------------------------------------------------- data safety, as a new user tries it (1-9)


def test_case1_checkpoint_equal_to_text_is_refused_before_training(folder):
    before = (folder / "t.txt").read_bytes()
    r = run("train", "--text", "t.txt", "--checkpoint", "t.txt", *SMALL, cwd=folder)
    assert r.returncode == 1 and not progress_lines(r.stdout), r.stdout
    assert "--checkpoint: t.txt: exists and is not a checkpoint" in r.stderr
    assert (folder / "t.txt").read_bytes() == before  # the text is untouched


@pytest.fixture
def shared_folder():
    """A folder outside pytest's private tmp tree, so that a permission-bound run reaches it."""
    path = Path(tempfile.mkdtemp(prefix="rnnlib-cli-"))
    path.chmod(0o755)
    (path / "t.txt").write_text(TEXT, encoding="utf-8")
    (path / "t.txt").chmod(0o644)
    yield path
    for sub in path.iterdir():
        if sub.is_dir():
            sub.chmod(0o755)
    shutil.rmtree(path)


def test_case2_unwritable_folder_is_refused_before_the_first_step(shared_folder):
    prefix = permission_bound()
    locked = shared_folder / "locked"
    locked.mkdir()
    locked.chmod(0o555)  # nobody (root included, without its override) may write here
    r = run("train", "--text", "t.txt", "--checkpoint", "locked/x.npz", "--steps", 3, *SMALL,
            cwd=shared_folder, prefix=prefix)
    assert r.returncode == 1 and not progress_lines(r.stdout), (r.stdout, r.stderr)
    assert r.stderr.strip() == ("error: --checkpoint: locked/x.npz: cannot save there, "
                                "permission denied")  # the user's path, no temporary file
    assert list(locked.iterdir()) == []


def test_case2_a_failing_save_keeps_the_run_and_says_where(folder, monkeypatch, capsys):
    def failing_save(path, params, vocab, resume=None):
        if Path(path).name == "m.npz" and Path(path).parent.name == "sub":
            raise PermissionError(13, "Permission denied")  # e.g. the folder turned read-only
        real_save(path, params, vocab, resume)

    (folder / "sub").mkdir()
    monkeypatch.setattr(cli, "save_checkpoint", failing_save)
    assert main("train", "--text", "t.txt", "--steps", 4, "--checkpoint", "sub/m.npz",
                *SMALL) == 1
    captured = capsys.readouterr()
    assert "cannot write --checkpoint sub/m.npz (Permission denied); the run is saved to" in \
        captured.err
    rescued = folder / "m.npz"  # next to the text
    assert str(rescued) in captured.err
    assert load_resume_state(rescued)["steps_done"] == 4


def saves(stdout):
    """Steps of the 'step k: checkpoint saved to ...' lines."""
    return [int(line.split()[1].rstrip(":")) for line in stdout.splitlines()
            if line.startswith("step ") and "checkpoint saved to" in line]


@pytest.mark.parametrize(("print_every", "save_every", "steps", "expected"), [
    (3, 10, 25, [10, 20]), (4, 6, 13, [6, 12]), (10, 3, 7, [3, 6])])
def test_case3_save_every_saves_at_every_multiple_and_says_so(folder, print_every, save_every,
                                                               steps, expected):
    r = run("train", "--text", "t.txt", "--steps", steps, "--print-every", print_every,
            "--save-every", save_every, *SMALL, "--checkpoint", "m.npz", cwd=folder)
    assert r.returncode == 0, r.stderr
    assert saves(r.stdout) == expected
    assert [int(line.split()[1]) for line in progress_lines(r.stdout)] == \
        [k for k in range(1, steps + 1) if k % print_every == 0 or k == steps]
    assert load_resume_state(folder / "m.npz")["steps_done"] == steps  # and at the end


def trained(folder, *args):
    """Run ``train`` on t.txt in a subprocess; it must succeed. Returns the finished process."""
    r = run("train", "--text", "t.txt", *args, cwd=folder)
    assert r.returncode == 0, r.stderr
    return r


def test_case3_save_every_after_resuming_at_an_odd_step(folder):
    trained(folder, "--steps", 7, *SMALL, "--checkpoint", "m.npz")
    r = trained(folder, "--steps", 9, "--save-every", 5, "--resume", "m.npz", "--checkpoint",
                "m.npz")
    assert "resuming from m.npz at step 7" in r.stdout
    assert saves(r.stdout) == [10, 15]
    assert load_resume_state(folder / "m.npz")["steps_done"] == 16


def first_line(stdout):
    return stdout.splitlines()[0]


def test_case4_resume_restores_the_options_of_the_run(folder):
    trained(folder, "--steps", 4, "--hidden", 6, "--batch-size", 3, "--seq-length", 5,
            "--dtype", "float64", "--cell", "gru", "--lr", 0.2, "--checkpoint", "m.npz")
    r = trained(folder, "--steps", 2, "--resume", "m.npz", "--checkpoint", "m.npz")  # no options
    assert "model gru H=6, B=3, T=5, float64" in first_line(r.stdout)
    saved = json.loads(str(load_resume_state(folder / "m.npz")["config"]))
    assert (saved["hidden"], saved["batch_size"], saved["cell"], saved["lr"]) == (6, 3, "gru", 0.2)


@pytest.mark.parametrize(("option", "value"), [("--hidden", 7), ("--batch-size", 3),
                                               ("--dtype", "float32"), ("--cell", "lstm"),
                                               ("--seed", 3)])
def test_case4_resume_refuses_an_option_that_contradicts_the_checkpoint(folder, capsys, option,
                                                                       value):
    assert main("train", "--text", "t.txt", "--steps", 2, *SMALL, "--dtype", "float64",
                "--checkpoint", "m.npz") == 0
    capsys.readouterr()
    assert main("train", "--text", "t.txt", "--resume", "m.npz", "--steps", 1, option, value) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"{option}: the checkpoint m.npz was trained with {option} ")
    assert err.endswith(f"leave {option} out")


def test_case4_resume_applies_a_new_learning_rate(folder):
    trained(folder, "--steps", 3, *SMALL, "--checkpoint", "m.npz")
    trained(folder, "--steps", 1, "--lr", 0.01, "--resume", "m.npz", "--checkpoint", "m2.npz")
    assert json.loads(str(load_resume_state(folder / "m2.npz")["config"]))["lr"] == 0.01


@pytest.mark.parametrize("clip", ["none", "None"])
def test_case5_no_clipping_is_reachable_and_global_norm_is_offered(folder, clip):
    r = run("train", "--text", "t.txt", "--steps", 3, *SMALL, "--clip", clip, "--clip-norm",
            "1.0", "--checkpoint", "m.npz", cwd=folder)
    assert r.returncode == 0, r.stderr
    saved = json.loads(str(load_resume_state(folder / "m.npz")["config"]))
    assert saved["clip"] is None and saved["clip_norm"] == 1.0


def test_case5_the_help_says_exactly_how_to_switch_clipping_off(folder):
    r = run("train", "--help", cwd=folder)
    text = " ".join(r.stdout.split())
    assert "--clip CLIP clip every gradient entry to [-clip, clip]; none: no clipping " \
           "(default: 5.0)" in text
    assert "--clip-norm CLIP_NORM rescale the gradients to a global norm <= this; none: off " \
           "(default: none)" in text


def test_case6_progress_line_in_nats_and_bits_per_character(folder):
    r = run("train", "--text", "t.txt", "--steps", 5, "--print-every", 5, *SMALL, cwd=folder)
    (line,) = progress_lines(r.stdout)
    words = line.split()
    nats, bits = float(words[3]), float(words[6])
    assert words[4] == "nats/char" and words[7] == "bits/char"
    assert math.isclose(bits, nats / math.log(2), abs_tol=1e-4)
    assert math.log(3) < nats < math.log(4) + 0.01  # 4 characters: near ln 4 at the start


@pytest.mark.parametrize("seed_text", [None, "ab"])
def test_case7_sample_needs_no_seed_text(folder, seed_text):
    trained(folder, "--steps", 3, *SMALL, "--checkpoint", "m.npz")
    extra = () if seed_text is None else ("--seed-text", seed_text)
    r = run("sample", "--checkpoint", "m.npz", "--length", 30, *extra, cwd=folder)
    assert r.returncode == 0, r.stderr
    out = r.stdout.removesuffix("\n")
    assert len(out) == 30 + len(seed_text or "") and set(out) <= set(TEXT)


def test_case8_messages_name_the_options(folder):
    (folder / "short.txt").write_text("abcd" * 5, encoding="utf-8")
    r = run("train", "--text", "short.txt", "--batch-size", 2, cwd=folder)
    assert r.returncode == 1
    assert r.stderr.strip() == (
        "error: --text: short.txt has 20 characters, too few for --batch-size 2 streams of "
        "--seq-length 25: each stream needs 26 (T inputs and the character after each), so at "
        "least 52; use a longer text or a smaller --batch-size or --seq-length")
    r = run("train", "--text", "t.txt", "--steps", "abc", cwd=folder)
    assert r.returncode == 2 and "argument --steps: expected an integer, got 'abc'" in r.stderr


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_case9_checkpoints_keep_the_umask_mode(folder, umask):
    (folder / "m.npz").write_bytes(b"")
    assert run("train", "--text", "t.txt", "--steps", 2, *SMALL, "--checkpoint", "new.npz",
               cwd=folder, umask=umask).returncode == 0
    assert stat.S_IMODE((folder / "new.npz").stat().st_mode) == 0o666 & ~umask
    (folder / "new.npz").chmod(0o644)  # replacing a checkpoint: the umask's mode again
    assert run("train", "--text", "t.txt", "--steps", 2, *SMALL, "--checkpoint", "new.npz",
               cwd=folder, umask=umask).returncode == 0
    assert stat.S_IMODE((folder / "new.npz").stat().st_mode) == 0o666 & ~umask


# ------------------------------------------------------------------ every cell, end to end


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_every_cell_trains_stops_on_ctrl_c_resumes_and_samples(folder, cell):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, ROOT, "train", "--text", "t.txt", "--cell", cell,
         "--steps", "1000000", "--print-every", "1", *map(str, SMALL), "--checkpoint", "m.npz"],
        cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        for line in proc.stdout:  # wait for the first progress line: training is running
            if line.startswith("step"):
                break
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130 and err == "", err  # no traceback, nothing on stderr
    last = out.strip().splitlines()[-1]
    assert last.startswith("interrupted at step ") and last.endswith("; saved to m.npz")
    step = int(last.split()[3].rstrip(";"))
    assert load_resume_state(folder / "m.npz")["steps_done"] == step >= 1
    params, _ = load_checkpoint(folder / "m.npz")
    assert rnnlib.char_cell(params) == cell
    r = trained(folder, "--steps", 3, "--resume", "m.npz", "--checkpoint", "m.npz")
    assert f"model {cell} H=8" in first_line(r.stdout)
    assert load_resume_state(folder / "m.npz")["steps_done"] == step + 3
    r = run("sample", "--checkpoint", "m.npz", "--seed-text", "a", "--length", 12, cwd=folder)
    assert r.returncode == 0 and len(r.stdout.strip("\n")) == 13, r.stderr
