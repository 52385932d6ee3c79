"""A small training loop shared by the notebooks: batches in, loss history out."""

import numpy as np

from ._checks import check_finite_loss, check_positive
from .optim import clip_by_global_norm, clip_by_value


def train(loss_and_grads, params, optimizer, batches, steps, *, clip_value=None,
          clip_norm=None, print_every=None, log=print):
    """Run ``steps`` optimisation steps and return the loss of each.

    Inputs:
    - loss_and_grads: function (x, y) -> (loss, grads), e.g. ``model.loss``.
    - params: the dict of arrays the optimizer updates in place (e.g. ``model.params``).
    - optimizer: an object with ``step(params, grads)`` (rnnlib.SGD, rnnlib.AdaGrad).
    - batches: function step -> (x, y), or one fixed (x, y) tuple used at every step.
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
        x, y = batches(step)
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported below
            loss, grads = loss_and_grads(x, y)
        losses[step] = check_finite_loss(loss, step)
        if clip_value is not None:
            clip_by_value(grads, clip_value)
        if clip_norm is not None:
            clip_by_global_norm(grads, clip_norm)
        optimizer.step(params, grads)
        if print_every and ((step + 1) % print_every == 0 or step == 0):
            log(f"step {step + 1:>{len(str(steps))}}/{steps}  loss {loss:.4g}")
    return losses
