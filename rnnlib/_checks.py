"""Input validation shared by every rnnlib function.

Each public function checks its arguments once, at the top, so that a learner's mistake
(a transposed weight, a missing batch axis, an integer array, a NaN) is reported in terms of
the argument's name and the shape the equations expect, not as a broadcasting error deep
inside NumPy.

Shapes are written as strings of dimension names, e.g. ``"N T D"``. A ``dims`` dict shared
between calls remembers the size each name took first, so ``W_xh`` checked as ``"H D"``
after ``x`` checked as ``"N T D"`` must agree with ``x`` on D.
"""

import numpy as np


def _describe(spec, dims):
    """Render an expected shape such as "(H, D) = (4, 2)" or "(N, T, D)"."""
    names = spec.split()
    sym = "(" + ", ".join(names) + ("," if len(names) == 1 else "") + ")"
    if names and all(n in dims for n in names):
        sizes = ", ".join(str(dims[n]) for n in names) + ("," if len(names) == 1 else "")
        return f"{sym} = ({sizes})"
    return sym


def check_array(name, value, spec, dims=None, *, floating=True, finite=True):
    """Check that ``value`` is an ndarray of shape ``spec`` and return it.

    Inputs:
    - name: the argument's name, used in the error message.
    - value: the argument.
    - spec: dimension names separated by spaces, e.g. "N T D"; "" for a scalar array.
      A name that is a number (e.g. "1") requires exactly that size.
    - dims: dict of sizes already fixed by earlier arguments; updated in place.
    - floating: require a float16/32/64 dtype (integer, bool and object arrays are refused).
    - finite: refuse NaN and infinity.

    Returns the array unchanged (never copied).
    """
    if dims is None:
        dims = {}
    names = spec.split()
    if not isinstance(value, np.ndarray):
        raise TypeError(
            f"{name}: expected a NumPy array of shape {_describe(spec, dims)}, "
            f"got {type(value).__name__}; wrap it with np.asarray(..., dtype=float)"
        )
    if floating and not np.issubdtype(value.dtype, np.floating):
        raise TypeError(
            f"{name}: expected a floating-point array, got dtype {value.dtype}; "
            f"convert it with {name}.astype(np.float64)"
        )
    if value.ndim != len(names):
        raise ValueError(
            f"{name}: expected {len(names)}-D array of shape {_describe(spec, dims)}, "
            f"got {value.ndim}-D array of shape {value.shape}"
        )
    expected = _describe(spec, dims)
    for axis, (dim, size) in enumerate(zip(names, value.shape, strict=True)):
        want = int(dim) if dim.isdigit() else dims.get(dim)
        if want is not None and size != want:
            raise ValueError(
                f"{name}: expected shape {expected}, got {value.shape} "
                f"(axis {axis} is {dim}, which must be {want})"
            )
        if size == 0:
            raise ValueError(f"{name}: axis {axis} ({dim}) is empty; shape {value.shape}")
        if not dim.isdigit():
            dims.setdefault(dim, size)
    if finite and floating and not np.all(np.isfinite(value)):
        bad = int(np.size(value) - np.count_nonzero(np.isfinite(value)))
        raise ValueError(f"{name}: contains {bad} NaN or infinite value(s)")
    return value


def check_labels(name, value, spec, dims, num_classes):
    """Check an integer label array of shape ``spec`` with values in [0, num_classes)."""
    if not isinstance(value, np.ndarray):
        raise TypeError(
            f"{name}: expected a NumPy integer array of shape {_describe(spec, dims)}, "
            f"got {type(value).__name__}"
        )
    if not np.issubdtype(value.dtype, np.integer):
        raise TypeError(
            f"{name}: expected integer class indices, got dtype {value.dtype}; "
            f"convert with {name}.astype(np.int64)"
        )
    check_array(name, value, spec, dims, floating=False, finite=False)
    if value.size and (value.min() < 0 or value.max() >= num_classes):
        raise ValueError(
            f"{name}: class indices must lie in [0, {num_classes - 1}], "
            f"got values from {value.min()} to {value.max()}"
        )
    return value


def check_positive(name, value, *, integer=False, allow_zero=False):
    """Check a positive number (a learning rate, a size, a clipping threshold)."""
    kinds = (int, np.integer) if integer else (int, float, np.integer, np.floating)
    if isinstance(value, bool) or not isinstance(value, kinds):
        what = "an integer" if integer else "a number"
        raise TypeError(f"{name}: expected {what}, got {type(value).__name__}")
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name}: expected a finite value {bound}, got {value}")
    return value


def check_cache(name, cache, length):
    """Check that ``cache`` looks like what the matching forward function returned."""
    if not isinstance(cache, tuple) or len(cache) != length:
        raise TypeError(
            f"{name}: expected the cache tuple returned by the matching *_forward "
            f"function, got {type(cache).__name__}"
        )
    return cache


def check_finite_loss(loss, step):
    """Stop training with advice as soon as the loss stops being a finite number."""
    if not np.isfinite(loss):
        raise FloatingPointError(
            f"loss became {loss} at step {step}: training diverged. "
            "Try a smaller learning rate, clip the gradients "
            "(rnnlib.clip_by_global_norm), or a smaller initial W_hh."
        )
    return loss
