"""Command line: ``python -m rnnlib train ...`` and ``python -m rnnlib sample ...``.

    python -m rnnlib train --text FILE [--cell lstm --steps 1000 --checkpoint char_rnn.npz]
    python -m rnnlib train --text FILE --resume char_rnn.npz --steps 500   # 500 more steps
    python -m rnnlib sample --checkpoint char_rnn.npz [--seed-text "Th" --length 200]

The first line describes the run, including the BLAS threads used (--threads, default 1).
The checkpoint path is checked before the first step: it must be writable and may replace
only a checkpoint. A checkpoint keeps the options of the run; --resume restores them, and
refuses an option that contradicts the weights or the carried state (--cell, --hidden,
--dtype, --seed, --batch-size). Ctrl-C during training saves a checkpoint (with the
optimizer's state, so --resume continues) and exits with status 130. Bad options exit with
status 2, unusable files or data with 1; either way one line on stderr, never a traceback.
"""

import argparse
import dataclasses
import inspect
import json
import re
import signal
import sys
import tempfile
import time
from pathlib import Path

from ._checks import check_positive
from .checkpoints import check_checkpoint_path, load_checkpoint, load_resume_state, save_checkpoint
from .models import CHAR_MODELS, char_cell
from .sampling import sample
from .text import Vocabulary, load_text
from .train import CLIP_OPTIONS, CharRNNTrainer, TrainConfig, blas_info, blas_threads

CHOICES = {"cell": tuple(CHAR_MODELS), "reset": ("end", "chunk"), "dtype": ("float32", "float64")}
# Fixed by a checkpoint's weights and carried state: --resume refuses another value.
KEPT = ("cell", "hidden", "dtype", "seed", "batch_size")


def option_help():
    """TrainConfig's comments, one per field, are also the options' help: one source for both."""
    return dict(re.findall(r"^ +(\w+): .+?  # (.+)$", inspect.getsource(TrainConfig), re.M))


def option(name):
    """The command-line option of a TrainConfig field: seq_length -> --seq-length."""
    return "--" + name.replace("_", "-")


class UsageError(Exception):
    """A bad option value: exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, status 2 (argparse prints usage too)
        raise UsageError(f"{self.prog}: {message}")


def _number(kind, allow_zero=False, allow_none=False):
    """An argparse type: a number of ``kind`` checked by rnnlib's own check_positive."""
    def parse(text):
        if allow_none and text.lower() == "none":
            return None
        try:
            value = kind(text)
        except ValueError:
            what = "an integer" if kind is int else "a number"
            raise argparse.ArgumentTypeError(f"expected {what}"
                                             + (" or none" if allow_none else "")
                                             + f", got {text!r}") from None
        try:
            return check_positive("value", value, integer=kind is int, allow_zero=allow_zero)
        except (ValueError, TypeError) as err:
            raise argparse.ArgumentTypeError(str(err).removeprefix("value: ")) from None
    return parse


def build_parser():
    """The argparse parser: ``train`` options come from TrainConfig's fields."""
    parser = _Parser(prog="python -m rnnlib",
                     description="Train a char model (vanilla RNN, LSTM or GRU) on a UTF-8 "
                                 "text file, or sample from one.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    tr = sub.add_parser("train", help="train on a text file and write a checkpoint")
    tr.add_argument("--text", required=True, help="UTF-8 text file to train on")
    tr.add_argument("--checkpoint", default="char_rnn.npz",
                    help="where to write the checkpoint; an existing file is replaced only if "
                         "it is a checkpoint (default: %(default)s)")
    tr.add_argument("--resume", metavar="FILE",
                    help="continue from this checkpoint: its weights, vocabulary, optimizer "
                         "state, step count and options (give an option to change it where "
                         "the run allows, e.g. --lr; --steps counts the steps to add)")
    helps = option_help()
    for f in dataclasses.fields(TrainConfig):
        extra = {"choices": CHOICES[f.name]} if f.name in CHOICES else {
            "type": _number(int if f.type is int else float,
                            allow_zero=f.name in ("save_every", "seed"),
                            allow_none=f.name in CLIP_OPTIONS)}
        shown = "none" if f.default is None else f.default
        tr.add_argument(option(f.name), default=argparse.SUPPRESS,
                        help=f"{helps[f.name]} (default: {shown})", **extra)
    sa = sub.add_parser("sample", help="generate text from a checkpoint")
    sa.add_argument("--checkpoint", required=True, help="checkpoint written by train")
    sa.add_argument("--seed-text", default=None,
                    help="characters to start from (default: a new line, else a space, else "
                         "the first character of the vocabulary)")
    sa.add_argument("--length", type=_number(int, True), default=200,
                    help="characters to generate (default: %(default)s)")
    sa.add_argument("--temperature", type=_number(float), default=1.0,
                    help="below 1 sharper, above 1 more random (default: %(default)s)")
    sa.add_argument("--top-k", type=_number(int), default=None,
                    help="draw only from the k most likely characters (default: all)")
    sa.add_argument("--seed", type=_number(int, True), default=0,
                    help="seed of the random draws (default: %(default)s)")
    return parser


def _resumed_config(path, params, given):
    """The checkpoint's options, with the options given on the command line applied."""
    state = load_resume_state(path) or {}
    if "config" in state:
        saved = json.loads(str(state["config"]))
    else:  # a checkpoint without options: what its arrays tell
        saved = {"cell": char_cell(params), "dtype": str(next(iter(params.values())).dtype)}
        if "state.0" in state:
            saved["batch_size"] = int(state["state.0"].shape[0])
    saved["hidden"] = CHAR_MODELS[char_cell(params)].sizes(params)[0]
    for name in KEPT:
        if name in given and name in saved and given[name] != saved[name]:
            raise UsageError(f"{option(name)}: the checkpoint {path} was trained with "
                             f"{option(name)} {saved[name]}, which a resumed run keeps; "
                             f"leave {option(name)} out")
    saved.pop("steps", None)  # --steps counts the steps to add
    fields = {f.name for f in dataclasses.fields(TrainConfig)}
    return TrainConfig(**{**{k: v for k, v in saved.items() if k in fields}, **given}), state


def _named(option_name, fn, *args):
    """fn(*args), its error message led by the option the user wrote the argument with."""
    try:
        return fn(*args)
    except (OSError, ValueError) as err:
        raise type(err)(f"{option_name}: {err}") from None


def _train(args, out):
    given = {f.name: getattr(args, f.name) for f in dataclasses.fields(TrainConfig)
             if hasattr(args, f.name)}
    path = _named("--checkpoint", check_checkpoint_path, args.checkpoint)  # before any work
    state = None
    if args.resume:
        params, vocab = _named("--resume", load_checkpoint, args.resume)
        cfg, state = _resumed_config(args.resume, params, given)
    else:
        cfg = TrainConfig(**given)
    text = load_text(args.text)
    B, T = cfg.batch_size, cfg.seq_length
    if len(text) < B * (T + 1):
        raise ValueError(f"--text: {args.text} has {len(text)} characters, too few for "
                         f"--batch-size {B} streams of --seq-length {T}: each stream needs "
                         f"{T + 1} (T inputs and the character after each), so at least "
                         f"{B * (T + 1)}; use a longer text or a smaller --batch-size or "
                         "--seq-length")
    if args.resume:
        unknown = sorted(set(text) - set(vocab.chars))
        if unknown:
            raise ValueError(f"--text: has characters the checkpoint's vocabulary lacks: "
                             f"{''.join(unknown)!r}")
    else:
        vocab = Vocabulary.from_text(text)
        params = CHAR_MODELS[cfg.cell].init_params(len(vocab), cfg.hidden, cfg.seed, cfg.dtype)
    trainer = CharRNNTrainer(params, vocab.encode(text), cfg)
    if state and "steps_done" in state:
        trainer.load_state_dict(state)
    with blas_threads(cfg.threads):  # what the trainer will use (it sets the same limit)
        blas = blas_info()
    dtype = next(iter(params.values())).dtype
    print(f"text: {len(text)} characters, vocabulary {len(vocab)}; model {cfg.cell} "
          f"H={cfg.hidden}, B={B}, T={T}, {dtype}; BLAS: {blas}", file=out)
    if args.resume:
        print(f"resuming from {args.resume} at step {trainer.steps_done}", file=out)

    def save():
        """Write the checkpoint; if that fails, keep the run elsewhere and say where."""
        try:
            save_checkpoint(path, params, vocab, resume=trainer.state_dict())
            return path
        except OSError as err:
            reason = err.strerror or str(err)
        for folder in (Path(args.text).resolve().parent, Path.cwd(), Path(tempfile.gettempdir())):
            rescue = folder / path.name
            try:
                save_checkpoint(rescue, params, vocab, resume=trainer.state_dict())
            except OSError:
                continue
            print(f"error: cannot write --checkpoint {path} ({reason}); the run is saved "
                  f"to {rescue} instead", file=sys.stderr, flush=True)
            return rescue
        raise OSError(f"--checkpoint: cannot write {path} ({reason}), nor anywhere else")

    interrupted, saved_to = [], path
    previous = signal.signal(signal.SIGINT, lambda *_: interrupted.append(True))
    try:
        first, goal, start = trainer.steps_done, trainer.steps_done + cfg.steps, time.perf_counter()
        while trainer.steps_done < goal and not interrupted:
            n = trainer.steps_done
            ahead = [goal, n - n % cfg.print_every + cfg.print_every]  # next line, next save
            if cfg.save_every:
                ahead.append(n - n % cfg.save_every + cfg.save_every)
            trainer.run(min(ahead) - n, stop=lambda: bool(interrupted))
            n = trainer.steps_done
            done, seconds = n - first, time.perf_counter() - start
            if n % cfg.print_every == 0 or n == goal or interrupted:
                rate = done * B * T / max(seconds, 1e-9)
                left = seconds / done * (goal - n)
                print(f"{trainer.progress_line()}  {rate:,.0f} chars/s  {left:.0f} s left",
                      file=out, flush=True)
            if cfg.save_every and n % cfg.save_every == 0 and n < goal and not interrupted:
                saved_to = save()
                print(f"step {n}: checkpoint saved to {saved_to}", file=out, flush=True)
    finally:
        signal.signal(signal.SIGINT, previous)
    saved_to = save()
    if interrupted:
        print(f"interrupted at step {trainer.steps_done}; saved to {saved_to}", file=out)
        return 130
    print(f"checkpoint written to {saved_to}", file=out)
    return 0 if saved_to == path else 1


def _sample(args, out):
    params, vocab = _named("--checkpoint", load_checkpoint, args.checkpoint)
    seed_text = args.seed_text
    if seed_text is None:  # a start that begins a line or a word, if the text has one
        seed_text = next((c for c in "\n " if c in vocab.chars), vocab.chars[0])
    text = sample(params, vocab, seed_text, args.length, args.temperature, args.top_k,
                  args.seed)
    print(text if args.seed_text is None else args.seed_text + text, file=out)
    return 0


def main(argv=None, out=None):
    """Run the command line; returns the exit status (0, 1 data, 2 usage, 130 interrupted)."""
    out = sys.stdout if out is None else out
    try:
        args = build_parser().parse_args(argv)
        return _train(args, out) if args.command == "train" else _sample(args, out)
    except UsageError as err:
        print(err, file=sys.stderr)
        return 2
    except (ValueError, TypeError, OSError, FloatingPointError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # a second Ctrl-C while saving
        print("error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
