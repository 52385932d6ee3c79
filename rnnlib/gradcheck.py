"""Gradient checking: compare a backward pass with centred finite differences.

Always run it in float64: with float32 the rounding error of the differences alone is
larger than the bugs it should catch.
"""

import numpy as np

from ._checks import check_positive


def numerical_gradient(f, x, h=1e-5):
    """Centred-difference gradient of a scalar function with respect to an array.

    df/dx[i] ~ (f(x + h e_i) - f(x - h e_i)) / (2h), one entry at a time. ``x`` is
    changed in place during the call and restored exactly afterwards.

    Inputs:
    - f: function of no arguments that reads x and returns a float.
    - x: float64 array to differentiate with respect to.
    - h: step size.

    Returns:
    - grad: array of x's shape.
    """
    _require_float64("x", x)
    check_positive("h", h)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        f_plus = f()
        x[i] = old - h
        f_minus = f()
        x[i] = old  # restore exactly
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def rel_error(a, b):
    """Relative error between two gradients, ||a - b|| / (||a|| + ||b||).

    Norms over all entries, so a few entries that are exactly zero in both (a weight
    the loss does not depend on) do not blow up the ratio. Two all-zero arrays give 0.

    Returns a float in [0, 1]: about 1e-9 or less for a correct float64 backward pass,
    1e-2 or more for a wrong one.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error: shapes differ, {a.shape} and {b.shape}")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def check_gradients(loss_and_grads, params, h=1e-5):
    """Check every parameter's analytic gradient against finite differences.

    Inputs:
    - loss_and_grads: function of no arguments returning ``(loss, grads)``, computed from
      the current contents of ``params`` (e.g. ``lambda: model.loss(x, y)``).
    - params: dict name -> float64 array, the arrays loss_and_grads reads.
    - h: finite-difference step.

    Returns:
    - errors: dict name -> relative error (see rel_error), one per parameter.
    """
    if not isinstance(params, dict) or not params:
        raise TypeError("params: expected a non-empty dict of name -> array")
    for name, p in params.items():
        _require_float64(f"params[{name!r}]", p)
    _, grads = loss_and_grads()
    missing = set(params) - set(grads)
    if missing:
        raise ValueError(f"grads: no gradient for {sorted(missing)}")
    errors = {}
    for name, p in params.items():
        num = numerical_gradient(lambda: loss_and_grads()[0], p, h)
        errors[name] = rel_error(grads[name], num)
    return errors


def _require_float64(name, x):
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(
            f"{name}: gradient checks need a float64 array, got "
            f"{getattr(x, 'dtype', type(x).__name__)}; float32 rounding swamps the check"
        )
