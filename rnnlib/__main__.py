"""Command line: ``python -m rnnlib train ...`` and ``python -m rnnlib sample ...``.

    python -m rnnlib train --text FILE [--steps 1000 --checkpoint char_rnn.npz --save-every N]
    python -m rnnlib train --text FILE --resume char_rnn.npz --steps 500   # 500 more steps
    python -m rnnlib sample --checkpoint char_rnn.npz --seed-text "Th" [--length 200]

The first line describes the run, including the BLAS threads used (--threads, default 1).
Ctrl-C during training saves a checkpoint (with the optimizer's state, so --resume continues)
and exits with status 130. Bad options exit with status 2, unusable files or data with 1;
either way one line on stderr, never a traceback.
"""

import argparse
import dataclasses
import inspect
import re
import signal
import sys
import time
from pathlib import Path

from ._checks import check_positive
from .char_rnn import init_char_rnn_params
from .checkpoints import load_checkpoint, load_resume_state, save_checkpoint
from .sampling import sample
from .text import Vocabulary, load_text
from .train import CharRNNTrainer, TrainConfig, blas_info, blas_threads

CHOICES = {"reset": ("end", "chunk"), "dtype": ("float32", "float64")}


def option_help():
    """TrainConfig's comments, one per field, are also the options' help: one source for both."""
    return dict(re.findall(r"^ +(\w+): .+?  # (.+)$", inspect.getsource(TrainConfig), re.M))


class UsageError(Exception):
    """A bad option value: exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, status 2 (argparse prints usage too)
        raise UsageError(f"{self.prog}: {message}")


def _positive(kind, allow_zero=False):
    """An argparse type: a number of ``kind`` checked by rnnlib's own check_positive."""
    def parse(text):
        try:
            return check_positive("value", kind(text), integer=kind is int, allow_zero=allow_zero)
        except (ValueError, TypeError) as err:
            raise argparse.ArgumentTypeError(str(err).removeprefix("value: ")) from None
    return parse


def build_parser():
    """The argparse parser: ``train`` options come from TrainConfig's fields."""
    parser = _Parser(prog="python -m rnnlib",
                     description="Train a char-RNN on a UTF-8 text file, or sample from one.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    tr = sub.add_parser("train", help="train on a text file and write a checkpoint")
    tr.add_argument("--text", required=True, help="UTF-8 text file to train on")
    tr.add_argument("--checkpoint", default="char_rnn.npz",
                    help="where to write the checkpoint (default: %(default)s)")
    tr.add_argument("--resume", metavar="FILE",
                    help="continue from this checkpoint (its weights, vocabulary, optimizer "
                         "state and step count; --hidden, --seed and --dtype are then ignored)")
    helps = option_help()
    for f in dataclasses.fields(TrainConfig):
        option = "--" + f.name.replace("_", "-")
        extra = {"choices": CHOICES[f.name]} if f.name in CHOICES else {
            "type": _positive(int if f.type is int else float,
                              allow_zero=f.name in ("save_every", "seed"))}
        tr.add_argument(option, default=f.default, help=f"{helps[f.name]} (default: %(default)s)",
                        **extra)
    sa = sub.add_parser("sample", help="generate text from a checkpoint")
    sa.add_argument("--checkpoint", required=True, help="checkpoint written by train")
    sa.add_argument("--seed-text", required=True, help="characters to start from")
    sa.add_argument("--length", type=_positive(int, True), default=200,
                    help="characters to generate (default: %(default)s)")
    sa.add_argument("--temperature", type=_positive(float), default=1.0,
                    help="below 1 sharper, above 1 more random (default: %(default)s)")
    sa.add_argument("--top-k", type=_positive(int), default=None,
                    help="draw only from the k most likely characters (default: all)")
    sa.add_argument("--seed", type=_positive(int, True), default=0,
                    help="seed of the random draws (default: %(default)s)")
    return parser


def _train(args, out):
    cfg = TrainConfig(**{f.name: getattr(args, f.name) for f in dataclasses.fields(TrainConfig)})
    if not Path(args.checkpoint).parent.is_dir():  # fail now, not after the training
        raise FileNotFoundError(f"--checkpoint: folder {Path(args.checkpoint).parent} "
                                "does not exist")
    text = load_text(args.text, min_length=cfg.batch_size * (cfg.seq_length + 1))
    if args.resume:
        params, vocab = load_checkpoint(args.resume)
        unknown = sorted(set(text) - set(vocab.chars))
        if unknown:
            raise ValueError(f"--text: has characters the checkpoint's vocabulary lacks: "
                             f"{''.join(unknown)!r}")
    else:
        vocab = Vocabulary.from_text(text)
        params = init_char_rnn_params(len(vocab), cfg.hidden, rng=cfg.seed, dtype=cfg.dtype)
    trainer = CharRNNTrainer(params, vocab.encode(text), cfg)
    if args.resume and (state := load_resume_state(args.resume)) is not None:
        trainer.load_state_dict(state)
    H = params["W_hh"].shape[0]
    with blas_threads(cfg.threads):  # what the trainer will use (it sets the same limit)
        blas = blas_info()
    print(f"text: {len(text)} characters, vocabulary {len(vocab)}; model H={H}, "
          f"B={cfg.batch_size}, T={cfg.seq_length}, {params['W_hh'].dtype}; BLAS: {blas}",
          file=out)

    def save():
        save_checkpoint(args.checkpoint, params, vocab, resume=trainer.state_dict())

    interrupted = []
    previous = signal.signal(signal.SIGINT, lambda *_: interrupted.append(True))
    try:
        first, goal, start = trainer.steps_done, trainer.steps_done + cfg.steps, time.perf_counter()
        while trainer.steps_done < goal and not interrupted:
            block = min(goal - trainer.steps_done, cfg.print_every,
                        cfg.save_every or cfg.print_every)
            trainer.run(block, stop=lambda: bool(interrupted))
            done, seconds = trainer.steps_done - first, time.perf_counter() - start
            rate = done * cfg.batch_size * cfg.seq_length / max(seconds, 1e-9)
            left = seconds / done * (goal - trainer.steps_done)
            print(f"{trainer.progress_line()}  {rate:,.0f} chars/s  {left:.0f} s left",
                  file=out, flush=True)
            if cfg.save_every and trainer.steps_done % cfg.save_every == 0:
                save()
    finally:
        signal.signal(signal.SIGINT, previous)
    save()
    if interrupted:
        print(f"interrupted at step {trainer.steps_done}; saved to {args.checkpoint}", file=out)
        return 130
    print(f"checkpoint written to {args.checkpoint}", file=out)
    return 0


def _sample(args, out):
    params, vocab = load_checkpoint(args.checkpoint)
    text = sample(params, vocab, args.seed_text, args.length, args.temperature, args.top_k,
                  args.seed)
    print(args.seed_text + text, file=out)
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
