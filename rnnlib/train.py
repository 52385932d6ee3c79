"""Training loops: ``train`` for the notebooks' models, ``CharRNNTrainer`` for char models.

``train(loss_fn, params, optimizer, batches, steps)`` calls ``loss_fn(params, *batch)`` (any
model of rnnlib.models) and steps the optimizer.

``CharRNNTrainer`` runs truncated BPTT over a text and works with any char model that
follows this protocol (the vanilla char-RNN by default; a gated model drops in unchanged):

    loss_fn(params, inputs, targets, state) -> (loss, grads, last_state)
        inputs, targets: (B, T) character indices; grads parallel to params;
        state: whatever the model carries between chunks ((B, H) for a vanilla RNN,
        a tuple (h, c) for an LSTM); last_state is carried into the next chunk.
    init_state(batch_size) -> state      the state at the start of the text

Its options live in ``TrainConfig`` (also the options of ``python -m rnnlib train``).

BLAS threads: ``CharRNNTrainer.run`` limits NumPy's BLAS to ``config.threads`` threads
(threadpoolctl) while it trains, 1 by default. The per-step matrix products are small
(64 x 100 by 100 x 100 at B = 64), so a second thread's hand-off costs more than it saves,
and on a busy machine it waits for a core at every product. Measured on a shared 2-core
machine (benchmarks/results/char_rnn_speed.json, tabled in the README's Speed section), B = 64
trained many times slower with 2 threads than with 1, and B = 1 gained nothing from the second.
"""

import contextlib
import dataclasses
import functools

import numpy as np
from threadpoolctl import ThreadpoolController

from ._checks import already_checked, check_finite_loss, check_indices, check_positive
from .char_rnn import char_params, char_rnn_loss, char_rnn_zero_state
from .optim import AdaGrad, clip_by_global_norm, clip_by_value
from .plots import smooth


def train(loss_fn, params, optimizer, batches, steps, *, clip_value=None,
          clip_norm=None, print_every=None, log=print):
    """Run ``steps`` optimisation steps and return the loss of each.

    Inputs:
    - loss_fn: function (params, *batch) -> (loss, grads), e.g. rnnlib.regression_loss.
    - params: the dict of arrays the optimizer updates in place.
    - optimizer: an object with ``step(params, grads)`` (rnnlib.SGD, rnnlib.AdaGrad).
    - batches: function step -> batch tuple (e.g. (x, y)), or one fixed tuple for every step.
    - steps: number of updates.
    - clip_value: clip each gradient entry to [-clip_value, clip_value] (optional).
    - clip_norm: rescale gradients to a global norm of at most clip_norm (optional).
    - print_every: print "step k/steps  loss ..." every this many steps (None: silent).
    - log: where progress lines go (print by default).

    Returns:
    - losses: (steps,) float64 array, the loss before each update.

    Stops with FloatingPointError, naming the step, if the loss becomes NaN or infinite.
    """
    check_positive("steps", steps, integer=True)
    if print_every is not None:
        check_positive("print_every", print_every, integer=True)
    if not callable(batches):
        fixed = batches
        batches = lambda step: fixed  # noqa: E731 - the same batch at every step
    losses = np.empty(steps)
    for step in range(steps):
        batch = batches(step)
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported below
            loss, grads = loss_fn(params, *batch)
        losses[step] = check_finite_loss(loss, step)
        if clip_value is not None:
            clip_by_value(grads, clip_value)
        if clip_norm is not None:
            clip_by_global_norm(grads, clip_norm)
        optimizer.step(params, grads)
        if print_every and ((step + 1) % print_every == 0 or step == 0):
            log(f"step {step + 1:>{len(str(steps))}}/{steps}  loss {loss:.4g}")
    return losses


@dataclasses.dataclass
class TrainConfig:
    """Options of a char-RNN training run (defaults: min-char-rnn's settings)."""

    hidden: int = 64  # H, hidden units
    seq_length: int = 25  # T, steps per chunk: how far back gradients flow
    batch_size: int = 1  # B, parallel streams through the text
    lr: float = 0.1  # AdaGrad learning rate
    clip: float | None = 5.0  # clip every gradient entry to [-clip, clip]; None: no clipping
    reset: str = "end"  # "end": carry the state, reset when the text wraps; "chunk": every chunk
    steps: int = 1000  # chunks (updates) to train on
    seed: int = 0  # seed of the initial weights
    dtype: str = "float32"  # "float32" (faster) or "float64"
    print_every: int = 100  # a progress line every this many steps
    save_every: int = 0  # write a checkpoint every this many steps; 0: only at the end
    threads: int = 1  # BLAS threads while training (1 is fastest on a busy 2-core machine)


_CONTROLLER = []  # one threadpoolctl controller, made on first use (it scans loaded libraries)


def blas_threads(threads):
    """Context manager: NumPy's BLAS uses ``threads`` threads inside the block.

    Returns threadpoolctl's limiter; ``blas_info()`` tells what it applies to.
    """
    check_positive("threads", threads, integer=True)
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=threads, user_api="blas")


def blas_info():
    """What NumPy's BLAS is, as a short string: 'openblas 0.3.31 SkylakeX, 2 threads'."""
    libs = ThreadpoolController().select(user_api="blas").info()
    return "; ".join(f"{d['internal_api']} {d.get('version') or '?'} "
                     f"{d.get('architecture') or ''}".rstrip()
                     + f", {d['num_threads']} thread{'s' * (d['num_threads'] != 1)}"
                     for d in libs) or "no BLAS library found"


class CharRNNTrainer:
    """Truncated BPTT over a text, in B parallel streams, with the hidden state carried.

    The text is cut into B contiguous streams of equal length (stream b starts at
    character b * L // B). Each step takes the next chunk of T characters from every
    stream, predicts each one's successor, clips every gradient entry to [-clip, clip] and
    updates the parameters. The state of each stream is carried from chunk to chunk and
    reset when the streams run out of text and start again from the beginning (as in
    min-char-rnn), or at every chunk with reset="chunk".

    Inputs:
    - params: the model's parameter dict (updated in place).
    - data: (L,) character indices of the training text.
    - config: a TrainConfig; keyword ``overrides`` replace its fields (seq_length=50, ...).
    - optimizer: any object with step(params, grads); default rnnlib.AdaGrad(config.lr).
    - loss_fn, init_state: the model (see the protocol in this module's docstring);
      default the vanilla char-RNN (rnnlib.char_rnn_loss, zeros of shape (B, H)).
    """

    def __init__(self, params, data, config=None, *, optimizer=None, loss_fn=None,
                 init_state=None, **overrides):
        if config is not None and not isinstance(config, TrainConfig):
            raise TypeError(f"config: expected a TrainConfig, got {type(config).__name__}")
        cfg = dataclasses.replace(config or TrainConfig(), **overrides)
        check_positive("seq_length", cfg.seq_length, integer=True)
        check_positive("batch_size", cfg.batch_size, integer=True)
        if cfg.reset not in ("end", "chunk"):
            raise ValueError(f"reset: expected 'end' or 'chunk', got {cfg.reset!r}")
        if cfg.clip is not None:
            check_positive("clip", cfg.clip)
        check_positive("threads", cfg.threads, integer=True)
        if loss_fn is None:  # the vanilla char-RNN, its scratch arrays kept across chunks
            _, V = char_params(params)
            loss_fn = functools.partial(char_rnn_loss, work={})
            init_state = init_state or functools.partial(char_rnn_zero_state, params)
        elif init_state is None:
            raise TypeError("init_state: a custom loss_fn needs its init_state(batch_size)")
        else:  # the model's own loss checks the indices against its vocabulary
            V = int(np.max(data)) + 1 if isinstance(data, np.ndarray) and data.size else 1
        data = check_indices("data", data, V, 2)
        B, T = cfg.batch_size, cfg.seq_length
        stream_len = len(data) // B
        if stream_len < T + 1:
            raise ValueError(
                f"data: {len(data)} characters are too few for {B} stream(s) of "
                f"seq_length {T}: each stream needs at least {T + 1}, "
                f"so at least {B * (T + 1)} characters; use a longer "
                "text, a smaller batch_size or a shorter seq_length"
            )
        self.params, self.config, self.loss_fn, self.init_state = params, cfg, loss_fn, init_state
        self.optimizer = AdaGrad(cfg.lr) if optimizer is None else optimizer
        self.streams = data[: stream_len * B].reshape(B, stream_len)  # (B, L/B)
        self.position = 0  # start of the next chunk inside every stream
        self.state = init_state(B)  # carried between chunks
        self.steps_done = 0
        self.losses = []  # every chunk's loss so far, across calls to run

    def next_chunk(self):
        """The next (inputs, targets), each (B, T); resets state and position at the end."""
        T = self.config.seq_length
        if self.position + T + 1 > self.streams.shape[1]:  # not enough text left: wrap
            self.position = 0
            self.state = self.init_state(self.config.batch_size)
        p = self.position
        self.position += T
        return self.streams[:, p:p + T], self.streams[:, p + 1:p + T + 1]

    def run(self, steps, print_every=None, log=print, stop=None):
        """Train for ``steps`` chunks and return their losses, (steps,) float64.

        Progress lines (every ``print_every`` steps) show the smoothed loss per chunk and
        per character. ``stop``: optional function () -> bool checked after every step
        (the command line's Ctrl-C); the returned array then holds the steps done.
        Stops with FloatingPointError, naming the step, if the loss stops being finite.
        NumPy's BLAS runs with ``config.threads`` threads meanwhile (see the module's docstring).
        """
        check_positive("steps", steps, integer=True)
        if print_every is not None:
            check_positive("print_every", print_every, integer=True)
        with blas_threads(self.config.threads):
            return self._run(steps, print_every, log, stop)

    def _run(self, steps, print_every, log, stop):
        cfg, out = self.config, np.empty(steps)
        for k in range(steps):
            inputs, targets = self.next_chunk()
            state = self.init_state(cfg.batch_size) if cfg.reset == "chunk" else self.state
            # Every chunk is cut from the checked text like the first and the state is the
            # model's own, so only the first chunk of a run is checked at the door.
            with contextlib.nullcontext() if k == 0 else already_checked():
                loss, grads, self.state = self.loss_fn(self.params, inputs, targets, state)
            out[k] = check_finite_loss(loss, self.steps_done)
            if cfg.clip is not None:
                clip_by_value(grads, cfg.clip)
            self.optimizer.step(self.params, grads)
            self.steps_done += 1
            self.losses.append(loss)
            if print_every and (self.steps_done % print_every == 0 or k == 0):
                log(self.progress_line())
            if stop is not None and stop():
                return out[:k + 1]
        return out

    def progress_line(self):
        """One line: step, smoothed loss per chunk and per character."""
        s = smooth(self.losses[-1000:], beta=0.99)[-1] if self.losses else float("nan")
        return (f"step {self.steps_done:>6}  loss {s:8.4f}  "
                f"({s / self.config.seq_length:.4f} nats/char)")

    def state_dict(self):
        """What resuming needs, as arrays: step, position, carried state, optimizer memory."""
        state = self.state if isinstance(self.state, tuple) else (self.state,)
        out = {"steps_done": np.array(self.steps_done), "position": np.array(self.position)}
        out.update({f"state.{i}": s for i, s in enumerate(state)})
        out.update({f"memory.{k}": m for k, m in getattr(self.optimizer, "memory", {}).items()})
        return out

    def load_state_dict(self, d):
        """Continue from a state_dict (e.g. rnnlib.load_resume_state's result)."""
        self.steps_done, self.position = int(d["steps_done"]), int(d["position"])
        parts = [d[f"state.{i}"] for i in range(sum(k.startswith("state.") for k in d))]
        self.state = parts[0] if len(parts) == 1 else tuple(parts)
        memory = {k.removeprefix("memory."): v.copy() for k, v in d.items()
                  if k.startswith("memory.")}
        if memory and hasattr(self.optimizer, "memory"):
            self.optimizer.memory = memory

