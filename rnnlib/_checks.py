"""Argument checks for every rnnlib function: run once, at the door.

A learner's mistake (a transposed weight, a missing batch axis, an integer array, a NaN) is
reported by the argument's name and the shape the equations expect, not as a broadcasting
error deep inside NumPy. Shapes are strings of dimension names, e.g. ``"N T D"``; a ``dims``
dict shared between checks remembers each name's size, so ``W_xh`` checked as ``"H D"``
after ``x`` checked as ``"N T D"`` must agree with ``x`` on D.
"""

import functools
import threading

import numpy as np

_depth = threading.local()  # how many validated calls are running in this thread


def validated(check):
    """Decorator: run ``check(*args, **kwargs)`` before the function, at the outermost call only.

    A public function called inside another (``rnn_forward`` calling ``rnn_step_forward``,
    a model calling ``rnn_forward``) was covered by the outer check, so it skips its own.
    """
    def wrap(fn):
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            if getattr(_depth, "n", 0) == 0:
                check(*args, **kwargs)
            with already_checked():
                return fn(*args, **kwargs)
        return inner
    return wrap


class already_checked:
    """Context manager: inside it validated functions skip their checks (for a loop whose
    later iterations are built exactly like the first, which was checked)."""

    def __enter__(self):
        _depth.n = getattr(_depth, "n", 0) + 1

    def __exit__(self, *exc):
        _depth.n -= 1


def make_rng(seed_or_rng):
    """Return a numpy Generator: pass one through, or make one from an integer seed."""
    if isinstance(seed_or_rng, np.random.Generator):
        return seed_or_rng
    if isinstance(seed_or_rng, (int, np.integer)) and not isinstance(seed_or_rng, bool):
        return np.random.default_rng(seed_or_rng)
    raise TypeError(f"rng: expected an integer seed or a numpy.random.Generator, "
                    f"got {type(seed_or_rng).__name__}")


def _describe(spec, dims):
    """Render an expected shape such as "(H, D) = (4, 2)" or "(N, T, D)"."""
    names = spec.split()
    comma = "," if len(names) == 1 else ""
    sym = f"({', '.join(names)}{comma})"
    if names and all(n in dims for n in names):
        return f"{sym} = ({', '.join(str(dims[n]) for n in names)}{comma})"
    return sym


def all_finite(a):
    """True if no entry of the float array ``a`` is NaN or infinite."""
    with np.errstate(over="ignore", invalid="ignore"):  # fast path: one sum is finite unless
        total = a.sum()  # some entry is not, or the sum overflows (then test every entry)
    return bool(np.isfinite(total)) or bool(np.all(np.isfinite(a)))


# kind -> (dtype family, "a NumPy ...array", what the dtype must be, the conversion to suggest)
_KINDS = {
    "float": (np.floating, "", "a floating-point array", "np.float64"),
    "int": (np.integer, "integer ", "integer class indices", "np.int64"),
    "bool": (np.bool_, "boolean ", "a boolean array", "bool"),
}


def check_array(name, value, spec, dims=None, *, kind="float", finite=True):
    """Check that ``value`` is an ndarray of shape ``spec`` and dtype ``kind``; return it.

    Inputs:
    - name: the argument's name, for the message. value: the argument.
    - spec: dimension names, e.g. "N T D" ("" for a scalar); a number (e.g. "1") is that size.
    - dims: sizes fixed by earlier arguments; updated in place.
    - kind: "float", "int" or "bool"; any other dtype is refused.
    - finite: for floats, refuse NaN and infinity.

    Returns the array unchanged (never copied).
    """
    dims = {} if dims is None else dims
    names = spec.split()
    family, adjective, what, dtype = _KINDS[kind]
    if not isinstance(value, np.ndarray):
        hint = "; wrap it with np.asarray(..., dtype=float)" if kind == "float" else ""
        raise TypeError(f"{name}: expected a NumPy {adjective}array of shape "
                        f"{_describe(spec, dims)}, got {type(value).__name__}{hint}")
    if not np.issubdtype(value.dtype, family):
        raise TypeError(f"{name}: expected {what}, got dtype {value.dtype}; "
                        f"convert it with {name}.astype({dtype})")
    if value.ndim != len(names):
        raise ValueError(f"{name}: expected {len(names)}-D array of shape {_describe(spec, dims)}"
                         f", got {value.ndim}-D array of shape {value.shape}")
    before = dict(dims)  # the sizes known before this array, for the message
    for axis, (dim, size) in enumerate(zip(names, value.shape, strict=True)):
        want = int(dim) if dim.isdigit() else dims.get(dim)
        if want is not None and size != want:
            raise ValueError(f"{name}: expected shape {_describe(spec, before)}, got "
                             f"{value.shape} (axis {axis} is {dim}, which must be {want})")
        if size == 0:
            raise ValueError(f"{name}: axis {axis} ({dim}) is empty; shape {value.shape}")
        if not dim.isdigit():
            dims.setdefault(dim, size)
    if finite and kind == "float" and not all_finite(value):
        bad = int(np.size(value) - np.count_nonzero(np.isfinite(value)))
        raise ValueError(f"{name}: contains {bad} NaN or infinite value(s)")
    return value


def _in_range(name, a, low, high, what):
    if a.min() < low or (high is not None and a.max() > high):
        bound = f"be >= {low}" if high is None else f"lie in [{low}, {high}]"
        raise ValueError(f"{name}: {what} must {bound}, got values from {a.min()} to {a.max()}")
    return a


def check_labels(name, value, spec, dims, num_classes):
    """Check an integer array of shape ``spec`` whose values lie in [0, num_classes)."""
    check_array(name, value, spec, dims, kind="int")
    return _in_range(name, value, 0, num_classes - 1, "class indices")


def check_integers(name, values, low, high=None, what="every value"):
    """Check a non-empty 1-D list or array of integers in [low, high] (high None: no bound)."""
    a = np.asarray(values)
    if a.ndim != 1 or a.size == 0 or not np.issubdtype(a.dtype, np.integer):
        raise ValueError(f"{name}: expected a non-empty 1-D list of integers, "
                         f"got dtype {a.dtype} and shape {a.shape}")
    return _in_range(name, a, low, high, what)


def check_indices(name, data, V, min_len):
    """Check a 1-D integer array of character indices in [0, V) with at least min_len entries."""
    if not isinstance(data, np.ndarray):
        raise TypeError(f"{name}: expected a 1-D NumPy integer array (vocab.encode(text)), "
                        f"got {type(data).__name__}")
    check_labels(name, data, "L", {}, V)
    if len(data) < min_len:
        raise ValueError(f"{name}: has {len(data)} characters, at least {min_len} needed")
    return data


def check_mask(mask, dims):
    """Check an optional (N, T) boolean mask that keeps at least one step (None passes)."""
    if mask is not None:  # a 0/1 integer mask would pick rows 0 and 1, not steps: refused
        check_array("mask", mask, "N T", dims, kind="bool")
        if not mask.any():
            raise ValueError("mask: every step is masked out; there is nothing to score")


def check_binary(name, y):
    """Check that a float array holds only the labels 0.0 and 1.0."""
    if np.any((y != 0) & (y != 1)):
        raise ValueError(f"{name}: expected only 0.0 and 1.0")


def check_text(name, text, min_length=1):
    """Check that ``text`` is a str of at least ``min_length`` characters."""
    if not isinstance(text, str):
        raise TypeError(f"{name}: expected a str, got {type(text).__name__}")
    if len(text) < min_length:
        have = f"has {len(text)} characters" if text else "is empty"
        raise ValueError(f"{name}: {have}, at least {min_length} needed")
    return text


def check_alphabet(alphabet, name="alphabet"):
    """Check a str of at least one character, each appearing once."""
    check_text(name, alphabet, 1)
    if len(set(alphabet)) != len(alphabet):
        dup = next(c for i, c in enumerate(alphabet) if c in alphabet[:i])  # the first repeat
        raise ValueError(f"{name}: every character must appear once; {dup!r} repeats")
    return alphabet


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


def check_sizes(**sizes):
    """Check positive integers given by name: ``check_sizes(N=N, T=T)``."""
    for name, value in sizes.items():
        check_positive(name, value, integer=True)


def check_cache(name, cache, kind):
    """Check that ``cache`` is what the matching forward function returned: a ``kind``."""
    if not isinstance(cache, kind):
        raise TypeError(f"{name}: expected the {kind.__name__} returned by the matching "
                        f"*_forward function, got {type(cache).__name__}")
    return cache


def check_values(name, value):
    """Check a non-empty floating-point array of any shape without NaN or infinity."""
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{name}: expected a NumPy floating-point array, got "
                        f"{type(value).__name__}; wrap it with np.asarray(..., dtype=float)")
    if value.size == 0:
        raise ValueError(f"{name}: is empty (shape {value.shape}); there is nothing to compute")
    return check_array(name, value, " ".join(f"d{i}" for i in range(value.ndim)))


def check_finite_loss(loss, step):
    """Stop training with advice as soon as the loss stops being a finite number."""
    if not np.isfinite(loss):
        raise FloatingPointError(f"loss became {loss} at step {step}: training diverged. Try "
                                 "a smaller learning rate, clip the gradients "
                                 "(rnnlib.clip_by_global_norm), or a smaller initial W_hh.")
    return loss


# ------------------------------------------------- checks shared by several modules


def check_state(name, h, x, dims, stack=""):
    """Check a state h (N, H) after x (N, T, D) was checked; a time-first x is blamed on x.

    ``stack``: "S " when every array carries a leading axis of S stacked models.
    """
    if (x.ndim == 3 + bool(stack) and isinstance(h, np.ndarray) and h.ndim == x.ndim - 1
            and h.shape[-2] != x.shape[-3] and h.shape[-2] == x.shape[-2]):
        raise ValueError(f"x: expected batch-first shape ({stack.replace(' ', ', ')}N, T, D) "
                         f"with N = {h.shape[-2]} as in {name}, got {x.shape}, which looks "
                         "time-first (T, N, D); use x.transpose(1, 0, 2)" if not stack else
                         "time-first; use x.swapaxes(-3, -2)")
    check_array(name, h, stack + "N H", dims)


def check_param_dict(params, names):
    """Check that ``params`` is a dict holding every name of ``names``; return the names."""
    if not isinstance(params, dict):
        raise TypeError(f"params: expected a dict with keys {list(names)}, "
                        f"got {type(params).__name__}")
    missing = [n for n in names if n not in params]
    if missing:
        raise ValueError(f"params: missing {missing}; expected keys {list(names)}")
    return names


def rnn_params(params, dims, finite=True, D="D", O="O"):
    """Check a model's parameter dict: W_xh (H, D), W_hh (H, H), b_h (H,), W_hy (O, H), b_y (O,).

    ``dims``: sizes already known, updated in place. A char-RNN reads and predicts one
    vocabulary, so it passes D="V", O="V".
    """
    names = check_param_dict(params, ("W_xh", "W_hh", "b_h", "W_hy", "b_y"))
    specs = {"W_xh": f"H {D}", "W_hh": "H H", "b_h": "H", "W_hy": f"{O} H", "b_y": O}
    for name in names:
        check_array(f"params[{name!r}]", params[name], specs[name], dims, finite=finite)
    return dims
