"""Training loops: ``train`` for the notebooks' models, ``CharRNNTrainer`` for char models.

``train(loss_fn, params, optimizer, batches, steps)`` calls ``loss_fn(params, *batch)`` (any
model of rnnlib.models) and steps the optimizer. ``freeze(loss_fn, names)`` is the same loss
with some weights held at their values (a control that trains only the output layer).

``CharRNNTrainer`` runs truncated BPTT over a text with any char model of the protocol in
rnnlib/__init__.py: the vanilla char-RNN, the LSTM or the GRU (``config.cell``), or a model
of your own given as ``loss_fn`` and ``init_state``. Its options live in ``TrainConfig``
(also the options of ``python -m rnnlib train``).

BLAS threads: ``blas_threads(n)`` limits NumPy's BLAS to n threads inside a ``with`` block;
``CharRNNTrainer.run`` trains inside ``blas_threads(config.threads)``, 1 by default. The
per-step matrix products are small (64 x 100 by 100 x 100 at B = 64), so a second thread's
hand-off costs more than it saves, and on a busy machine it waits for a core at every
product. Measured on a shared 2-core machine (benchmarks/results/char_rnn_speed.json, tabled
in the README's Speed section), B = 64 trained many times slower with 2 threads than with 1,
and B = 1 gained nothing from the second.
"""

import contextlib
import dataclasses
import json

import numpy as np
from threadpoolctl import ThreadpoolController

from ._checks import (
    already_checked,
    check_finite_loss,
    check_indices,
    check_positive,
    validated,
)
from .models import CHAR_MODELS, char_cell
from .optim import AdaGrad, clip_by_global_norm, clip_by_value
from .plots import smooth


def _train_args(loss_fn, params, optimizer, batches, steps, *, clip_value=None,
                clip_norm=None, print_every=None, log=print):
    for name, fn in (("loss_fn", loss_fn), ("log", log)):
        if not callable(fn):
            raise TypeError(f"{name}: expected a function, got {type(fn).__name__}")
    if not isinstance(params, dict):
        raise TypeError(f"params: expected a dict of name -> array, got {type(params).__name__}")
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"optimizer: expected an object with a step(params, grads) method "
                        f"(rnnlib.SGD, rnnlib.AdaGrad), got {type(optimizer).__name__}")
    if not callable(batches) and not isinstance(batches, tuple):
        raise TypeError(f"batches: expected a function step -> batch or one batch tuple, got "
                        f"{type(batches).__name__}")
    check_positive("steps", steps, integer=True)
    for name, value in (("clip_value", clip_value), ("clip_norm", clip_norm)):
        if value is not None:
            check_positive(name, value)
    if print_every is not None:
        check_positive("print_every", print_every, integer=True)


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
    # Checked with a plain call, not @validated: the optimizer and the clipping inside the
    # loop then still check every step's gradients.
    _train_args(loss_fn, params, optimizer, batches, steps, clip_value=clip_value,
                clip_norm=clip_norm, print_every=print_every, log=log)
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


def _freeze_args(loss_fn, names):
    if not callable(loss_fn):
        raise TypeError(f"loss_fn: expected a function (params, *batch) -> (loss, grads), got "
                        f"{type(loss_fn).__name__}")
    if (not isinstance(names, (list, tuple)) or not names
            or not all(isinstance(n, str) for n in names)):
        raise TypeError(f"names: expected a non-empty list or tuple of parameter names, e.g. "
                        f"('W_xh', 'W_hh', 'b_h'), got {names!r}")


@validated(_freeze_args)
def freeze(loss_fn, names):
    """The same loss, with the weights in ``names`` frozen: their gradients are zero.

    ``rnnlib.train(rnnlib.freeze(rnnlib.regression_loss, ("W_xh", "W_hh", "b_h")), ...)``
    trains only the output layer. A zero gradient leaves a weight exactly as it is under SGD
    and AdaGrad (bit for bit) and adds nothing to a global norm, so clipping by norm acts on
    the trained weights alone.

    Inputs:
    - loss_fn: function (params, *batch) -> (loss, grads, ...), e.g. rnnlib.many_to_many_loss.
    - names: list or tuple of the keys of params to freeze.

    Returns:
    - frozen_loss: function with loss_fn's arguments and results, whose grads hold zeros for
      ``names``. A name that is not a key of the gradients raises ValueError at the first call.
    """
    names = tuple(names)

    def frozen_loss(params, *batch, **kwargs):
        loss, grads, *more = loss_fn(params, *batch, **kwargs)  # more: a char model's state
        unknown = [n for n in names if n not in grads]
        if unknown:
            raise ValueError(f"names: {unknown} are not weights of this model; its weights are "
                             f"{list(grads)}")
        return (loss, {k: np.zeros_like(g) if k in names else g for k, g in grads.items()},
                *more)

    return frozen_loss


CLIP_OPTIONS = ("clip", "clip_norm")  # None switches them off


@dataclasses.dataclass
class TrainConfig:
    """Options of a char-model training run (defaults: min-char-rnn's settings)."""

    cell: str = "rnn"  # the recurrent cell: "rnn" (vanilla), "lstm" or "gru"
    hidden: int = 64  # H, hidden units
    seq_length: int = 25  # T, steps per chunk: how far back gradients flow
    batch_size: int = 1  # B, parallel streams through the text
    lr: float = 0.1  # AdaGrad learning rate
    clip: float | None = 5.0  # clip every gradient entry to [-clip, clip]; none: no clipping
    clip_norm: float | None = None  # rescale the gradients to a global norm <= this; none: off
    reset: str = "end"  # "end": carry the state, reset when the text wraps; "chunk": every chunk
    steps: int = 1000  # chunks (updates) to train on
    seed: int = 0  # seed of the initial weights
    dtype: str = "float32"  # "float32" (faster) or "float64"
    print_every: int = 100  # a progress line every this many steps
    save_every: int = 0  # write a checkpoint every this many steps; 0: only at the end
    threads: int = 1  # BLAS threads while training (1 is fastest on a busy 2-core machine)

    def __post_init__(self):  # the door check of every training option
        choices = {"cell": tuple(CHAR_MODELS), "reset": ("end", "chunk"),
                   "dtype": ("float32", "float64")}
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name}: expected one of {allowed}, got {getattr(self, name)!r}")
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name in choices or (value is None and f.name in CLIP_OPTIONS):
                continue
            check_positive(f.name, value, integer=f.type is int,
                           allow_zero=f.name in ("save_every", "seed"))

    def to_json(self):
        """The options as a JSON string (a checkpoint stores them)."""
        return json.dumps(dataclasses.asdict(self))


_CONTROLLER = []  # one threadpoolctl controller, made on first use (it scans loaded libraries)


@validated(lambda threads: check_positive("threads", threads, integer=True))
def blas_threads(threads):
    """Context manager: NumPy's BLAS uses ``threads`` threads inside the ``with`` block.

    One helper for every place that limits the threads (the trainers, the notebooks):
    ``with rnnlib.blas_threads(1): ...``. Returns threadpoolctl's limiter; ``blas_info()``
    tells what it applies to.
    """
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


def _trainer_args(params, data, config=None, *, optimizer=None, loss_fn=None, init_state=None,
                  **overrides):
    if config is not None and not isinstance(config, TrainConfig):
        raise TypeError(f"config: expected a TrainConfig, got {type(config).__name__}")
    unknown = sorted(set(overrides) - {f.name for f in dataclasses.fields(TrainConfig)})
    if unknown:
        raise TypeError(f"{unknown[0]}: not an option of TrainConfig")
    for name, fn in (("loss_fn", loss_fn), ("init_state", init_state)):
        if fn is not None and not callable(fn):
            raise TypeError(f"{name}: expected a function, got {type(fn).__name__}")
    if optimizer is not None and not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"optimizer: expected an object with a step(params, grads) method, "
                        f"got {type(optimizer).__name__}")


class CharRNNTrainer:
    """Truncated BPTT over a text, in B parallel streams, with the state carried.

    The text is cut into B contiguous streams of equal length (stream b starts at
    character b * L // B). Each step takes the next chunk of T characters from every
    stream, predicts each one's successor, clips the gradients (every entry to [-clip, clip],
    then the global norm to clip_norm; each None: off) and updates the parameters. The state
    of each stream is carried from chunk to chunk and reset when the streams run out of text
    and start again from the beginning (as in min-char-rnn), or at every chunk with
    reset="chunk".

    Inputs:
    - params: the model's parameter dict (updated in place), of the cell config.cell.
    - data: (L,) character indices of the training text.
    - config: a TrainConfig; keyword ``overrides`` replace its fields (seq_length=50, ...).
    - optimizer: any object with step(params, grads); default rnnlib.AdaGrad(config.lr).
    - loss_fn, init_state: the model's ``loss`` and ``initial_state`` (the protocol in
      rnnlib/__init__.py); default: those of config.cell's model in rnnlib.CHAR_MODELS.
    """

    def __init__(self, params, data, config=None, *, optimizer=None, loss_fn=None,
                 init_state=None, **overrides):
        _trainer_args(params, data, config, optimizer=optimizer, loss_fn=loss_fn,
                      init_state=init_state, **overrides)
        cfg = dataclasses.replace(config or TrainConfig(), **overrides)
        model = CHAR_MODELS[cfg.cell]
        if loss_fn is None or init_state is None:  # one of rnnlib's char models
            cell = char_cell(params)
            if cell != cfg.cell:
                raise ValueError(f"cell: is {cfg.cell!r}, but params are the parameters of "
                                 f"a {cell!r} char model; pass cell={cell!r}")
            V = model.sizes(params)[1]
        else:  # the model's own loss checks the indices against its vocabulary
            V = int(np.max(data)) + 1 if isinstance(data, np.ndarray) and data.size else 1
        data = check_indices("data", data, V, 2)
        B, T = cfg.batch_size, cfg.seq_length
        stream_len = len(data) // B
        if stream_len < T + 1:
            raise ValueError(
                f"data: {len(data)} characters are too few for {B} stream(s) of "
                f"seq_length {T}: each stream needs at least {T + 1} (T inputs and their "
                f"T targets, each input's next character), so at least {B * (T + 1)} "
                "characters; use a longer text, a smaller batch_size or a shorter seq_length"
            )
        self.params, self.config = params, cfg
        self.loss_fn = loss_fn or model.loss
        self.init_state = init_state or model.initial_state
        self.optimizer = AdaGrad(cfg.lr) if optimizer is None else optimizer
        self.streams = data[: stream_len * B].reshape(B, stream_len)  # (B, L/B)
        self.position = 0  # start of the next chunk inside every stream
        self.state = self.init_state(params, B)  # carried between chunks
        self.steps_done = 0
        self.losses = []  # every chunk's loss so far, across calls to run

    def next_chunk(self):
        """The next (inputs, targets), each (B, T); resets state and position at the end."""
        T = self.config.seq_length
        if self.position + T + 1 > self.streams.shape[1]:  # not enough text left: wrap
            self.position = 0
            self.state = self.init_state(self.params, self.config.batch_size)
        p = self.position
        self.position += T
        return self.streams[:, p:p + T], self.streams[:, p + 1:p + T + 1]

    def run(self, steps, print_every=None, log=print, stop=None):
        """Train for ``steps`` chunks and return their losses, (steps,) float64.

        Progress lines (every ``print_every`` steps) show the smoothed loss in nats and bits
        per character. ``stop``: optional function () -> bool checked after every step
        (the command line's Ctrl-C); the returned array then holds the steps done.
        Stops with FloatingPointError, naming the step, if the loss stops being finite.
        NumPy's BLAS runs with ``config.threads`` threads meanwhile (see the module's docstring).
        """
        check_positive("steps", steps, integer=True)
        if print_every is not None:
            check_positive("print_every", print_every, integer=True)
        for name, fn in (("log", log), ("stop", stop)):
            if fn is not None and not callable(fn):
                raise TypeError(f"{name}: expected a function, got {type(fn).__name__}")
        with blas_threads(self.config.threads):
            return self._run(steps, print_every, log, stop)

    def _run(self, steps, print_every, log, stop):
        cfg, out = self.config, np.empty(steps)
        for k in range(steps):
            inputs, targets = self.next_chunk()
            state = self.init_state(self.params, cfg.batch_size) if cfg.reset == "chunk" \
                else self.state
            # Every chunk is cut from the checked text like the first, the state and the
            # gradients are the model's own: only the first step of a run is checked at the
            # door (the optimizer still refuses a NaN gradient at every step).
            with already_checked() if k else contextlib.nullcontext():
                loss, grads, self.state = self.loss_fn(self.params, inputs, targets, state)
                out[k] = check_finite_loss(loss, self.steps_done)
                if cfg.clip is not None:
                    clip_by_value(grads, cfg.clip)
                if cfg.clip_norm is not None:
                    clip_by_global_norm(grads, cfg.clip_norm)
                self.optimizer.step(self.params, grads)
            self.steps_done += 1
            self.losses.append(loss)
            if print_every and (self.steps_done % print_every == 0 or k == 0):
                log(self.progress_line())
            if stop is not None and stop():
                return out[:k + 1]
        return out

    def progress_line(self):
        """One line: step, smoothed loss in nats per character and in bits per character."""
        s = smooth(self.losses[-1000:], beta=0.99)[-1] if self.losses else float("nan")
        nats = s / self.config.seq_length  # the loss is a chunk's sum over its T characters
        return (f"step {self.steps_done:>6}  loss {nats:.4f} nats/char "
                f"= {nats / np.log(2):.4f} bits/char")

    def state_dict(self):
        """What resuming needs, as arrays: step, position, carried state, optimizer memory,
        and the options (config, as JSON)."""
        state = self.state if isinstance(self.state, tuple) else (self.state,)
        out = {"steps_done": np.array(self.steps_done), "position": np.array(self.position),
               "config": np.array(self.config.to_json())}
        out.update({f"state.{i}": s for i, s in enumerate(state)})
        out.update({f"memory.{k}": m for k, m in getattr(self.optimizer, "memory", {}).items()})
        return out

    def load_state_dict(self, d):
        """Continue from a state_dict (e.g. rnnlib.load_resume_state's result)."""
        if not isinstance(d, dict) or "steps_done" not in d:
            raise TypeError("d: expected the dict of a state_dict() (load_resume_state)")
        saved = json.loads(str(d["config"])) if "config" in d else {}
        for name in ("cell", "batch_size"):  # the carried state's kind and rows
            if name in saved and saved[name] != getattr(self.config, name):
                raise ValueError(f"{name}: the saved run has {saved[name]!r}, this trainer "
                                 f"{getattr(self.config, name)!r}; the carried state cannot "
                                 "continue")
        self.steps_done, self.position = int(d["steps_done"]), int(d["position"])
        parts = [d[f"state.{i}"] for i in range(sum(k.startswith("state.") for k in d))]
        self.state = parts[0] if len(parts) == 1 else tuple(parts)
        memory = {k.removeprefix("memory."): v.copy() for k, v in d.items()
                  if k.startswith("memory.")}
        if memory and hasattr(self.optimizer, "memory"):
            self.optimizer.memory = memory
