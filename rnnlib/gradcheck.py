"""Gradient checking: compare a backward pass with centred finite differences.

The course's one policy (notebook 03 derives it and shows it at work):

- float64 always: in float32 the rounding of the differences alone swamps the bugs;
- centred differences (f(x + eps) - f(x - eps)) / 2 eps with the step eps = GRAD_STEP = 1e-5
  (called eps, epsilon, so that h stays the hidden state);
- a gradient passes if its relative error (rel_error) is below GRAD_TOL = 1e-7.

The tolerance is tied to the step. A centred difference is off by about eps^2 |f'''| / 6
(truncation, near 1e-11 for eps = 1e-5) plus the loss's rounding, about 1e-16 |L| / eps (again
near 1e-11). For gradient entries of ordinary size that is a relative error near 1e-10, so
1e-7 leaves a factor of about a thousand. Two limits: gradients whose entries are tiny
(below about 1e-4, e.g. at weights of 0.01) lift the rounding part towards the tolerance,
so check at weights of ordinary size; and a WRONG gradient can have any relative error,
down to the share of the gradient the mistake gets wrong (1e-5 for BPTT cut 20 steps
back), so a small error proves nothing unless the check can also fail (plant a bug).
"""

import inspect

import numpy as np

from ._checks import check_positive, validated

GRAD_STEP = 1e-5  # eps, the step of the centred differences
GRAD_TOL = 1e-7  # largest relative error accepted at eps = GRAD_STEP, in float64


def _no_argument_function(name, f, example):
    """``f`` must be callable with no arguments: it reads the arrays being varied itself."""
    if not callable(f):
        raise TypeError(f"{name}: expected a function of no arguments, got {type(f).__name__}")
    try:
        inspect.signature(f).bind()
    except TypeError:
        raise TypeError(f"{name}: expected a function of no arguments (it reads the arrays "
                        f"being varied itself, e.g. {example}), got one that needs "
                        f"{list(inspect.signature(f).parameters)}") from None
    except ValueError:  # no signature to read (a builtin): it is tried as it is
        pass


def _numerical_args(f, x, eps=GRAD_STEP):
    _no_argument_function("f", f, "lambda: loss_fn(params, x, y)[0]")
    _require_float64("x", x)
    check_positive("eps", eps)


@validated(_numerical_args)
def numerical_gradient(f, x, eps=GRAD_STEP):
    """Centred-difference gradient of a scalar function with respect to an array.

    df/dx[i] ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps), one entry at a time. ``x`` is
    changed in place during the call and restored exactly afterwards.

    Inputs:
    - f: function of no arguments that reads x and returns a float.
    - x: float64 array to differentiate with respect to.
    - eps: the step (epsilon).

    Returns:
    - grad: array of x's shape.
    """
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        f_plus = f()
        x[i] = old - eps
        f_minus = f()
        x[i] = old  # restore exactly
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def _rel_args(a, b):
    for name, v in (("a", a), ("b", b)):
        if not np.issubdtype(np.asarray(v).dtype, np.number):
            raise TypeError(f"{name}: expected numbers, got dtype {np.asarray(v).dtype}")
    if np.shape(a) != np.shape(b):
        raise ValueError(f"rel_error: shapes differ, {np.shape(a)} and {np.shape(b)}")


@validated(_rel_args)
def rel_error(a, b):
    """Relative error between two gradients, ||a - b|| / (||a|| + ||b||).

    Norms over all entries, so a few entries that are exactly zero in both (a weight
    the loss does not depend on) do not blow up the ratio. Two all-zero arrays give 0.

    Returns a float in [0, 1]: about 1e-10 for a correct float64 backward pass checked with
    eps = GRAD_STEP; the course accepts below GRAD_TOL. A wrong gradient can give any value,
    down to the share of the gradient it gets wrong, so a small error alone is no proof.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def _check_args(loss_and_grads, params, eps=GRAD_STEP):
    _no_argument_function("loss_and_grads", loss_and_grads, "lambda: loss_fn(params, x, y)")
    if not isinstance(params, dict) or not params:
        raise TypeError("params: expected a non-empty dict of name -> array")
    for name, p in params.items():
        _require_float64(f"params[{name!r}]", p)
    check_positive("eps", eps)


@validated(_check_args)
def check_gradients(loss_and_grads, params, eps=GRAD_STEP):
    """Check every parameter's analytic gradient against finite differences.

    Inputs:
    - loss_and_grads: function of no arguments returning ``(loss, grads)``, computed from
      the current contents of ``params`` (e.g. ``lambda: model.loss(x, y)``).
    - params: dict name -> float64 array, the arrays loss_and_grads reads.
    - eps: the finite-difference step (epsilon).

    Returns:
    - errors: dict name -> relative error (see rel_error), one per parameter.
    """
    _, grads = loss_and_grads()
    missing = set(params) - set(grads)
    if missing:
        raise ValueError(f"grads: no gradient for {sorted(missing)}")
    errors = {}
    for name, p in params.items():
        num = numerical_gradient(lambda: loss_and_grads()[0], p, eps)
        errors[name] = rel_error(grads[name], num)
    return errors


def _require_float64(name, x):
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(
            f"{name}: gradient checks need a float64 array, got "
            f"{getattr(x, 'dtype', type(x).__name__)}; float32 rounding swamps the check"
        )
