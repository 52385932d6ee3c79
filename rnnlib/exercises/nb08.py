"""Checks for the exercises of notebook 08 (LSTM and GRU).

Each check compares the learner's answer with a value found here another way: the peephole
LSTM's gradients by the complex step (the forward pass run on complex numbers, which gives
every derivative exactly, without backpropagation); the half-lives from the sigmoid and the
logarithm, and the forget gates of the untrained LSTMs read off a fresh run; a GRU written as
Keras computes it, from Keras's own arrays, run beside ``rnnlib.gru_forward``. A NOT YET
message says what was observed (which output, which block, which case, by how much), never the
formula or the code to write. Numbers asked for "to three significant digits" pass when,
rounded to three significant digits, they equal the value rounded alike (``same_to_digits``);
within 1% but not equal, the message says they are close.

The keyword ``cases`` of some checks replaces the examples they try; a graded notebook's
hidden tests use it to try examples the learner has not seen.
"""

import math

import numpy as np

from ._common import about as _about
from ._common import as_number, call_on_copies, read_numbers, run_check, same_to_digits, show_pair
from ._common import kind_of as _kind


def _sigmoid(z):
    """1 / (1 + e^-z), written so that it also takes complex z (for the complex step)."""
    return 1.0 / (1.0 + np.exp(-z))




def _arrays(value, count, what):
    """(list of float64 arrays, None) if ``value`` is a tuple or list of ``count`` arrays."""
    if value is None or value is Ellipsis:
        return None, f"your function returned {value!r}; it should return {what}"
    if not isinstance(value, tuple | list):
        return None, f"your function returned a {type(value).__name__}; it should return {what}"
    if len(value) != count:
        return None, f"your function returned {len(value)} arrays; it should return {what}"
    out = []
    for k, v in enumerate(value):
        if v is None or v is Ellipsis:
            return None, f"array {k + 1} of the {count} you returned is {v!r}"
        try:
            out.append(np.asarray(v, dtype=np.float64))
        except (TypeError, ValueError):
            return None, (f"array {k + 1} of the {count} you returned is not an array of "
                          f"numbers ({type(v).__name__})")
    return out, None


def _rel(a, b):
    """Relative error ||a - b|| / (||a|| + ||b||), 0 when both are 0 (the course's measure)."""
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


def _names(items):
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# ---------------------------------------------------------------- exercise 1

def peephole_step_forward(x, h_prev, c_prev, W_x, W_h, b, p):
    """One step of an LSTM with peephole connections (the notebook's exercise 1).

    Inputs: x (N, D); h_prev, c_prev (N, H); W_x (4H, D), W_h (4H, H), b (4H,) with the gates
    i, f, g, o stacked as in rnnlib; p (3, H), the peephole weights of i, f and o.

    Returns h, c (N, H) and the cache (x, h_prev, c_prev, i, f, g, o, c, tc, W_x, W_h, p).
    """
    H = h_prev.shape[1]
    a = x @ W_x.T + h_prev @ W_h.T + b  # (N, 4H): blocks i, f, g, o
    i = _sigmoid(a[:, :H] + p[0] * c_prev)  # the input and forget gates see the old cell
    f = _sigmoid(a[:, H:2 * H] + p[1] * c_prev)
    g = np.tanh(a[:, 2 * H:3 * H])
    c = f * c_prev + i * g
    o = _sigmoid(a[:, 3 * H:] + p[2] * c)  # the output gate sees the new cell
    tc = np.tanh(c)
    h = o * tc
    return h, c, (x, h_prev, c_prev, i, f, g, o, c, tc, W_x, W_h, p)


PEEPHOLE_INPUTS = ("x", "h_prev", "c_prev", "W_x", "W_h", "b", "p")
PEEPHOLE_GRADS = ("dx", "dh_prev", "dc_prev", "dW_x", "dW_h", "db", "dp")
GATE_BLOCKS = ("i", "f", "g", "o")  # the (4H, ...) arrays' blocks, in rnnlib's order
PEEPHOLE_ROWS = ("i", "f", "o")  # the rows of p
# (N, D, H, seed): a batch of three, then one sequence with one unit (sums over the batch and
# a 1-unit layout cannot hide a mistake that the first case shows)
PEEPHOLE_CASES = [(3, 2, 4, 0), (1, 3, 1, 1)]


def peephole_inputs(N, D, H, seed, peephole=0.8):
    """Inputs of one peephole step, of ordinary size (the course's gradient-check policy)."""
    rng = np.random.default_rng(seed)
    return {"x": rng.normal(size=(N, D)), "h_prev": rng.uniform(-0.8, 0.8, (N, H)),
            "c_prev": rng.normal(0.0, 1.0, (N, H)), "W_x": rng.normal(0.0, 0.6, (4 * H, D)),
            "W_h": rng.normal(0.0, 0.5, (4 * H, H)), "b": rng.normal(0.0, 0.5, 4 * H),
            "p": rng.normal(0.0, peephole, (3, H))}


def _complex_step(inputs):
    """{input name: (J_h, J_c)}: dh/d(entry) and dc/d(entry) for every entry of every input,
    each of shape input.shape + (N, H), by the complex step (exact to rounding)."""
    step = 1e-30
    base = {name: v.astype(np.complex128) for name, v in inputs.items()}
    jac = {}
    for name, value in inputs.items():
        J_h = np.empty(value.shape + inputs["c_prev"].shape)
        J_c = np.empty_like(J_h)
        for idx in np.ndindex(value.shape):
            moved = dict(base, **{name: base[name].copy()})
            moved[name][idx] += step * 1j
            h, c, _ = peephole_step_forward(**moved)
            J_h[idx], J_c[idx] = h.imag / step, c.imag / step
        jac[name] = (J_h, J_c)
    return jac


def _expected_grads(jac, dh, dc):
    """The gradients of L = sum(dh * h) + sum(dc * c) with respect to every input."""
    return [np.tensordot(J_h, dh, axes=2) + np.tensordot(J_c, dc, axes=2)
            for J_h, J_c in jac.values()]


CACHE_NAMES = ("x", "h_prev", "c_prev", "i", "f", "g", "o", "c", "tc", "W_x", "W_h", "p")


def _run_backward(fn, inputs, dh, dc):
    """(list of 7 arrays, None) or (None, what is wrong), from a fresh cache, on copies: an
    input or cache entry the function changes in place is named."""
    _, _, cache = peephole_step_forward(**{k: v.copy() for k, v in inputs.items()})

    def with_cache(dh, dc, *entries):  # the cache's entries one by one, to name a changed one
        return fn(dh, dc, tuple(entries))

    names = ("dh", "dc", *(f"cache[{k}]" for k in range(len(cache))))
    result, changed = call_on_copies(with_cache, names, dh, dc, *cache)
    if changed:
        for k, name in enumerate(CACHE_NAMES):  # say which of the step's arrays that is
            if f"`cache[{k}]`" in changed:
                changed += f" (cache[{k}] is {name})"
        return None, changed
    answer, problem = _arrays(result, 7, "the seven gradients " + ", ".join(PEEPHOLE_GRADS))
    if problem:
        return None, problem
    for name, got, x_name in zip(PEEPHOLE_GRADS, answer, PEEPHOLE_INPUTS, strict=True):
        want = inputs[x_name].shape
        if got.shape != want:
            return None, (f"{name} has shape {got.shape}; expected {want}, the shape of "
                          f"{x_name}")
    return answer, None


def _right(got, want):
    return _rel(got, want) < 1e-7 or float(np.max(np.abs(got - want))) < 1e-12


def _statuses(got, want):
    """[name of every gradient that is off]."""
    return [n for n, g, w in zip(PEEPHOLE_GRADS, got, want, strict=True) if not _right(g, w)]


def _blocks(name, got, want, H):
    """Which blocks (gates) of a (4H, ...) gradient or rows of dp are off, as a phrase."""
    labels = PEEPHOLE_ROWS if name == "dp" else GATE_BLOCKS
    parts = [got[k] for k in range(3)] if name == "dp" else np.split(got, 4, axis=0)
    wants = [want[k] for k in range(3)] if name == "dp" else np.split(want, 4, axis=0)
    off = [lab for lab, g, w in zip(labels, parts, wants, strict=True) if not _right(g, w)]
    if not off or len(off) == len(labels):
        return None
    kind = "row" if name == "dp" else "block"
    ok = [lab for lab in labels if lab not in off]
    if len(off) == 1:
        return f"in {name} the {kind} of {off[0]} is off, the {kind}s of {_names(ok)} right"
    if len(ok) == 1:
        return f"in {name} the {kind}s of {_names(off)} are off, the {kind} of {ok[0]} right"
    return f"in {name} the {kind}s of {_names(off)} are off, those of {_names(ok)} right"


def _how_off(name, got, want):
    if not np.any(got) and np.any(want):
        return f"{name} is 0 although the loss changes with it"
    if _right(-got, want):
        return f"{name} has the opposite sign of the gradient in every entry"
    scale = float(np.max(np.abs(want)))
    return (f"{name} is off by up to {float(np.max(np.abs(got - want))):.3g} (its entries "
            f"reach {scale:.3g})")


def check_peephole_backward(peephole_step_backward, hint=False, cases=None):
    """Exercise 1: peephole_step_backward(dh, dc, cache) -> (dx, dh_prev, dc_prev, dW_x, dW_h,
    db, dp) for the cache of peephole_step_forward, with dh and dc the gradients on h_t and
    c_t."""
    cases = PEEPHOLE_CASES if cases is None else cases

    def check():
        for N, D, H, seed in cases:
            where = f"N = {N}, D = {D}, H = {H}"
            inputs = peephole_inputs(N, D, H, seed)
            rng = np.random.default_rng(seed + 100)
            dh, dc = rng.normal(size=(N, H)), rng.normal(size=(N, H))
            jac = _complex_step(inputs)
            try:
                got, problem = _run_backward(peephole_step_backward, inputs, dh, dc)
            except Exception as err:
                return False, f"with {where} your code raised {type(err).__name__}: {err}"
            if problem:
                return False, f"with {where}: {problem}"
            want = _expected_grads(jac, dh, dc)
            off = _statuses(got, want)
            if off:
                return False, _peephole_report(peephole_step_backward, inputs, jac, dh, dc,
                                               got, want, off, where)
        return True, (f"all seven gradients match derivatives taken without backpropagation, "
                      f"in {len(cases)} cases; the peepholes open new paths into both cells, "
                      "and the gradient flows back along each of them")
    return run_check(hint, "peephole_backward", check, hint=(
        "draw the step as a graph: the peepholes add three edges, from c_{t-1} into i and f "
        "and from c_t into o. Every edge that reads a cell sends a gradient back to that cell, "
        "besides giving its own weight a gradient",
        "c_t is now read by h_t directly and by o, and everything that comes after c_t in the "
        "backward pass (the i, f, g blocks and dc_prev) needs its full gradient; c_{t-1} is "
        "read by c_t, i and f"))


def _peephole_report(fn, inputs, jac, dh, dc, got, want, off, where):
    """What a wrong answer does: which gradients and blocks are off, and in which probes."""
    H = inputs["c_prev"].shape[1]
    by_name = dict(zip(PEEPHOLE_GRADS, got, strict=True))
    expect = dict(zip(PEEPHOLE_GRADS, want, strict=True))
    if {"dh_prev", "dc_prev"} <= set(off) and _right(by_name["dh_prev"], expect["dc_prev"]) \
            and _right(by_name["dc_prev"], expect["dh_prev"]):
        return (f"with {where} your dh_prev equals the gradient on c_prev and your dc_prev "
                "the gradient on h_prev")
    right = [n for n in PEEPHOLE_GRADS if n not in off]
    text = f"with {where}: " + _how_off(off[0], by_name[off[0]], expect[off[0]])
    if len(off) > 1:
        text += f"; also off: {_names(off[1:])}"
    text += f"; right: {_names(right)}" if right else "; none of the seven is right"
    blocks = [b for b in (_blocks(n, by_name[n], expect[n], H) for n in off
                          if n in ("dW_x", "dW_h", "db", "dp")) if b]
    if blocks:
        text += "; " + "; ".join(blocks[:2])
    probes = []
    zeros = np.zeros_like(dh)
    for label, p_dh, p_dc, probe_inputs in [
            ("with the loss on c_t only (dh = 0)", zeros, dc, inputs),
            ("with the loss on h_t only (dc = 0)", dh, zeros, inputs),
            ("with the peephole weights p set to 0", dh, dc, dict(inputs, p=0 * inputs["p"]))]:
        probe_jac = jac if probe_inputs is inputs else _complex_step(probe_inputs)
        try:
            probe_got, problem = _run_backward(fn, probe_inputs, p_dh, p_dc)
        except Exception:  # the first case has said what matters
            continue
        if problem:
            continue
        probe_off = _statuses(probe_got, _expected_grads(probe_jac, p_dh, p_dc))
        verb = "is" if len(probe_off) == 1 else "are"
        probes.append(f"{label} " + (f"{_names(probe_off)} {verb} off" if probe_off
                                     else "all seven are right"))
    if probes:
        said = "; ".join(probes)
        text += ". " + said[0].upper() + said[1:]
    return text


# ---------------------------------------------------------------- exercise 2

def _half_life(bias):
    """Steps after which a forget gate fixed at sigmoid(bias) keeps half of the cell path."""
    return math.log(2) / math.log1p(math.exp(-bias))


def _kept(bias, steps):
    """The share of the cell path a forget gate fixed at sigmoid(bias) keeps after steps."""
    return math.exp(-steps * math.log1p(math.exp(-bias)))


HALF_LIFE_BIAS = 1.0  # the bias of the first question
HALF_LIFE_STEPS = 24  # the half-life the second question asks a bias for


def _bias_for(steps):
    """The bias whose fixed forget gate keeps half of the cell path after ``steps``."""
    return -math.log(2.0 ** (1.0 / steps) - 1.0)


def _near_miss(name, x, true, what, before=""):
    shown = show_pair(x, true)[0]  # digits enough to tell it from the value asked for
    return (f"{before}{name} = {shown} is within 1% of {what}, but not equal to it to three "
            "significant digits, rounded: check its digits")


def check_half_lives(half_life_bias_1, bias_24, hint=False):
    """Exercise 2, on paper: the half-life of the cell path with forget bias 1, and the forget
    bias whose half-life is 24 steps, each to three significant digits (rounded) or more."""
    life = _half_life(HALF_LIFE_BIAS)
    bias = _bias_for(HALF_LIFE_STEPS)

    def check():
        got, problem = read_numbers({"half_life_bias_1": half_life_bias_1, "bias_24": bias_24},
                                    as_number)
        if problem:
            return False, problem
        k, b = got
        if not same_to_digits(k, life):
            if _about(k, life):
                return False, _near_miss("half_life_bias_1", k, life, "the half-life of a forget "
                                         "gate that starts with bias 1")
            if k <= 0:
                return False, (f"half_life_bias_1 = {k:.4g}: a half-life is a number of steps "
                               "forward in time, greater than 0")
            return False, (f"half_life_bias_1 = {k:.4g}: after that many steps, a forget gate "
                           f"that stays at its start with bias 1 keeps "
                           f"{_kept(HALF_LIFE_BIAS, k):.3g} of the cell path, not one half "
                           "(bias_24 is checked once this is right)")
        if not same_to_digits(b, bias):
            if _about(b, bias):
                return False, _near_miss("bias_24", b, bias, "the bias whose half-life is 24 "
                                         f"steps (your bias gives {_half_life(b):.3g} steps)",
                                         "half_life_bias_1 is right; ")
            if 0 < b < 1:
                return False, (f"half_life_bias_1 is right; bias_24 = {b:.4g} lies in (0, 1), "
                               f"where a gate's values lie; as a bias it starts the forget "
                               f"gate at {_sigmoid(b):.3g}, whose half-life is "
                               f"{_half_life(b):.3g} steps")
            return False, (f"half_life_bias_1 is right; bias_24 = {b:.4g} starts the forget "
                           f"gate at {_sigmoid(b):.4g}, which keeps half of the cell path for "
                           f"{_half_life(b):.3g} steps, not 24")
        return True, (f"a forget bias of 1 keeps half of the cell path for only {life:.3g} "
                      f"steps; a half-life of 24 steps needs a bias of {bias:.3g}, a gate "
                      f"that starts at {_sigmoid(bias):.4f}")
    return run_check(hint, "half_lives", check, hint=(
        "with small weights, a gate starts at the sigmoid of its bias; section 1 says what a "
        "forget gate that stays at f does to the cell path over k steps. Set that to one half "
        "and solve, first for k, then for the bias",
        "solving for k needs a logarithm; solving for the bias needs the sigmoid undone: "
        "which z gives sigmoid(z) = q?"))


def cell_path_sequences():
    """The 16 sequences of 24 steps of exercise 2 (recall task, distractors of std 2)."""
    from ..datasets import recall_first_data

    return recall_first_data(16, HALF_LIFE_STEPS, 1, noise=2.0)[0]


def _forget_gates(bias, seeds=range(5), x=None):
    """The forget gates of the untrained recall LSTMs, (seeds, T, N, H)."""
    from ..gated import lstm_forward
    from ..recall import init_recall_params

    x = cell_path_sequences() if x is None else x
    out = []
    for seed in seeds:
        p = init_recall_params("lstm", 16, seed, forget_bias=bias)
        zero = np.zeros((x.shape[0], 16))
        _, cache = lstm_forward(x, zero, zero, p["W_x"], p["W_h"], p["b"])
        out.append([step.f for step in cache.steps])
    return np.array(out)


PREDICTIONS = ("above", "below", "equal")  # the mean against one half, to three digits
SEEDS = range(5)  # the seeds of exercise 2's runs


def _paths(value):
    """(float64 array, None) or (None, what is wrong) for the learner's cell_paths."""
    shape = (len(SEEDS), 16, 16)
    if value is None or value is Ellipsis:
        return None, (f"cell_paths is {value!r}; it should be an array of shape {shape}: "
                      "seed, sequence, unit")
    if _kind(value) not in "fiu":
        return None, (f"cell_paths should be an array of numbers of shape {shape}; got "
                      f"{type(value).__name__}")
    arr = np.asarray(value, dtype=np.float64)
    if arr.shape != shape:
        return None, (f"cell_paths has shape {arr.shape}; it should hold one product for each "
                      f"of the 5 seeds 0 to 4, each of the 16 sequences and each of the 16 "
                      f"units: {shape}")
    if not np.all(np.isfinite(arr)):
        return None, "cell_paths has entries that are not finite (nan or inf)"
    return arr, None


def _same(a, b):
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-9, atol=1e-15)


def _paths_seen(paths, bias):
    """What the learner's (5, 16, 16) array holds, when it is not the runs' products: named
    only where it equals another array exactly, else how far it is from the products."""
    gates = _forget_gates(bias, seeds=range(10))  # (10, T, N, H): seeds 0 to 9
    true = gates[:5].prod(axis=1)
    known = [
        (gates[:5, :-1].prod(axis=1), "the products of each unit's first 23 gates (steps 1 "
         "to 23); each unit has 24 forget gates, one per step"),
        (gates[:5, 1:].prod(axis=1), "the products of each unit's last 23 gates (steps 2 to "
         "24); each unit has 24 forget gates, one per step"),
        (true.transpose(0, 2, 1), "the products with the units along axis 1 and the "
         "sequences along axis 2; the axes are seed, sequence, unit"),
        (_forget_gates(1.0).prod(axis=1), "what the runs give with forget bias 1, the default "
         "of rnnlib.init_recall_params"),
    ]
    for array, why in known:
        if _same(paths, array):
            return f"your cell_paths are {why}"
    products = gates.prod(axis=1)  # (10, N, H)
    found = [next((s for s in range(10) if _same(paths[k], products[s])), None)
             for k in range(len(SEEDS))]
    if None not in found and found != list(SEEDS):
        return (f"your cell_paths[0] to cell_paths[4] are the runs of the seeds "
                f"{', '.join(map(str, found))}; the exercise asks for the seeds 0 to 4, in "
                "that order")
    worst = float(np.max(np.abs(paths - true)))
    right = [k for k in range(len(SEEDS)) if _same(paths[k], true[k])]
    where = (f"; cell_paths[k] is right for k = {', '.join(map(str, right))}" if right else "")
    return (f"your cell_paths differ from the products of these runs by up to {worst:.3g} "
            f"(largest absolute difference){where}: the check runs x24 (16 sequences of "
            "distance 24, distractors of std 2, data seed 1) through the untrained LSTMs of "
            "seeds 0 to 4 started with your bias_24, from zero states")


def _prediction(value):
    """(one of PREDICTIONS, None) or (None, what is wrong)."""
    words = "'above', 'below' or 'equal'"
    if value is Ellipsis or value is None:
        return None, f"prediction_24 is {value!r}; replace it with {words}"
    if not isinstance(value, str):
        return None, (f"prediction_24 should be one of the words {words}, in quotes; got a "
                      f"value of type {type(value).__name__}")
    word = value.strip().lower()
    if word not in PREDICTIONS:
        return None, f"prediction_24 = {value!r} is not one of {words}"
    return word, None


CELL_PATH_HINTS = {
    "measure": (
        "rnnlib.lstm_forward's cache keeps every step's cache in cache.steps, and each of "
        "those its forget gate f, (N, H); multiply them over the steps, unit by unit",
        "for every seed: run the 16 sequences from zero states, stack the 24 gates into an "
        "array (24, 16, 16), take the product along the steps; then stack the 5 seeds' "
        "products into one array (5, 16, 16)"),
    "predict": (
        "the gates of a run move up and down around where they start, sigmoid(bias_24); is "
        "the mean of the sigmoid over values spread around the bias above or below the "
        "sigmoid of the bias?",
        "sketch the sigmoid from bias_24 - 1 to bias_24 + 1: does the chord between two points "
        "of the curve lie above or below it there? A product of 24 gates multiplies up a small "
        "difference in each"),
}


def check_cell_path(bias_24, prediction_24, cell_paths, hint=False):
    """Exercise 2, measured: a prediction written before measuring (is the mean product above,
    below or equal to one half, to three digits?) and cell_paths, (seeds 0 to 4, 16
    sequences, 16 units), the product of each unit's 24 forget gates in the untrained recall
    LSTMs started with forget bias bias_24."""

    def check():
        b, problem = as_number(bias_24, "bias_24")
        if problem:
            return False, problem
        if not same_to_digits(b, _bias_for(HALF_LIFE_STEPS)):
            return False, "bias_24 does not pass the check above yet; measure with one that does"
        word, problem = _prediction(prediction_24)
        if problem:
            return False, problem
        paths, problem = _paths(cell_paths)
        if problem:
            return False, problem
        products = _forget_gates(b).prod(axis=1)  # (5, N, H): the cell path of every unit
        if not _same(paths, products):
            return False, _paths_seen(paths, b)
        mean = float(products.mean())
        seen = ("equal" if same_to_digits(mean, 0.5) else "below" if mean < 0.5 else "above")
        if word != seen:  # the prediction's own hints from here on
            return False, (f"cell_paths are right, and their mean, {mean:.3g}, is {seen} one "
                           f"half to three digits; your prediction was {word!r}"), \
                CELL_PATH_HINTS["predict"]
        return True, (f"cell_paths match the runs, and your prediction too: on average the "
                      f"cell path keeps {mean:.3g}; single units keep from "
                      f"{products.min():.2f} to {products.max():.2f}")

    return run_check(hint, "cell_path", check, hint=CELL_PATH_HINTS["measure"])


# ---------------------------------------------------------------- exercise 3

KERAS_GATES = ("update gate z", "reset gate r", "candidate h")  # Keras's blocks, in its order
RNNLIB_GATES = ("r", "z", "n")  # rnnlib's blocks, in its order (PyTorch's)
RNNLIB_FROM_KERAS = (1, 0, 2)  # rnnlib's block j is Keras's block RNNLIB_FROM_KERAS[j]
# (N, T, D, H, seed): inputs and units of different sizes, then a square kernel (D = H)
KERAS_CASES = [(3, 5, 2, 3, 0), (2, 4, 4, 4, 1)]


def keras_gru_weights(D, H, seed):
    """A Keras GRU layer's arrays (reset_after=True): kernel (D, 3H), recurrent_kernel
    (H, 3H), bias (2, 3H), gates z, r, h along the last axis; both bias rows nonzero."""
    rng = np.random.default_rng(seed)
    return (rng.normal(0.0, 0.6, (D, 3 * H)), rng.normal(0.0, 0.5, (H, 3 * H)),
            rng.normal(0.0, 0.5, (2, 3 * H)))


def keras_gru_forward(x, h0, kernel, recurrent_kernel, bias):
    """The hidden states (N, T, H) of a GRU computed as Keras computes it, from its arrays."""
    H = h0.shape[1]
    h, out = h0, []
    for t in range(x.shape[1]):
        from_x = x[:, t] @ kernel + bias[0]  # (N, D)@(D, 3H): blocks z, r, candidate
        from_h = h @ recurrent_kernel + bias[1]  # (N, H)@(H, 3H)
        z = _sigmoid(from_x[:, :H] + from_h[:, :H])
        r = _sigmoid(from_x[:, H:2 * H] + from_h[:, H:2 * H])
        candidate = np.tanh(from_x[:, 2 * H:] + r * from_h[:, 2 * H:])
        h = z * h + (1 - z) * candidate
        out.append(h)
    return np.stack(out, axis=1)


def _blocks_held(got, keras, rtol=0.0):
    """For each of rnnlib's three blocks of ``got`` (3H, ...): what it holds, as a phrase.

    ``keras`` is the Keras kernel whose gates lie along its last axis, (..., 3H); ``rtol``
    the relative tolerance of the comparison (0 for float64 answers).
    """
    H = got.shape[0] // 3
    found = []
    for j in range(3):
        mine, seen = got[j * H:(j + 1) * H], "no gate's weights of Keras"
        for k in range(3):
            theirs = keras[:, k * H:(k + 1) * H].T  # (H, ...) as rnnlib keeps a block
            if np.allclose(mine, theirs, rtol=rtol, atol=1e-12):
                seen = f"the weights of Keras's {KERAS_GATES[k]}"
            elif np.allclose(mine, -theirs, rtol=rtol, atol=1e-12):
                seen = f"-1 times the weights of Keras's {KERAS_GATES[k]}"
            elif mine.shape == theirs.T.shape and np.allclose(mine, theirs.T, rtol=rtol,
                                                              atol=1e-12):
                seen = (f"the weights of Keras's {KERAS_GATES[k]} with rows and columns "
                        "exchanged")
            else:
                continue
            if k == RNNLIB_FROM_KERAS[j] and seen.startswith("the"):
                if "exchanged" not in seen:
                    seen = None  # as it should be
            break
        found.append(seen)
    return found


def _keras_report(got, kernel, recurrent_kernel, bias, h_mine, h_keras, where, rtol=0.0):
    """What the converted arrays hold, block by block, where the outputs differ."""
    W_x, W_h, b_x, b_h = got
    worst = float(np.max(np.abs(h_mine - h_keras)))

    def near(a, b):
        return np.allclose(a, b, rtol=rtol, atol=1e-12)

    text = f"with {where} the hidden states differ from Keras's by up to {worst:.3g}"
    notes = []
    held = {"W_x": _blocks_held(W_x, kernel, rtol),
            "W_h": _blocks_held(W_h, recurrent_kernel, rtol)}
    def said(found):
        if all(seen == "no gate's weights of Keras" for seen in found):
            return ["none of the three blocks holds the weights of one of Keras's gates"]
        return [f"the {RNNLIB_GATES[j]} block holds {seen}" for j, seen in enumerate(found)
                if seen]

    if said(held["W_x"]) and held["W_x"] == held["W_h"]:
        notes.append("in W_x and in W_h " + ", ".join(said(held["W_x"])))
    else:
        notes += [f"in {name} " + ", ".join(said(found)) for name, found in held.items()
                  if said(found)]
    H = b_x.shape[0] // 3
    sums = []
    for j, gate in enumerate(RNNLIB_GATES):
        total = b_x[j * H:(j + 1) * H] + b_h[j * H:(j + 1) * H]
        keras_sums = [bias[0, k * H:(k + 1) * H] + bias[1, k * H:(k + 1) * H] for k in range(3)]
        match = [k for k in range(3) if near(total, keras_sums[k])]
        minus = [k for k in range(3) if near(total, -keras_sums[k])]
        if match != [RNNLIB_FROM_KERAS[j]]:
            sums.append(f"the {gate} block holds " + (
                f"the sum of the two biases of Keras's {KERAS_GATES[match[0]]}" if match
                else f"-1 times the sum of the two biases of Keras's {KERAS_GATES[minus[0]]}"
                if minus else "no sum of the two biases of one of Keras's gates"))
    if sums:
        notes.append("in b_x + b_h " + ", ".join(sums))
    else:  # every sum is right: the split of the candidate's biases is what differs
        part, k = slice(2 * H, 3 * H), RNNLIB_FROM_KERAS[2]
        keras_x, keras_h = bias[0, k * H:(k + 1) * H], bias[1, k * H:(k + 1) * H]
        if not near(b_h[part], keras_h):
            if near(b_h[part], keras_x):
                notes.append("b_x + b_h is right in every block; in the n block b_h holds "
                             "Keras's input-side candidate bias and b_x its recurrent-side one")
            elif not np.any(b_h[part]):
                notes.append("b_x + b_h is right in every block; in the n block b_h is 0 "
                             "and b_x holds the sum of Keras's two candidate biases")
            else:
                notes.append("b_x + b_h is right in every block; in the n block b_h is not "
                             "Keras's recurrent-side candidate bias")
    if notes:
        text += "; " + "; ".join(notes)
    return text


CONVERTED = ("W_x", "W_h", "b_x", "b_h")


def _converted(kernel, recurrent_kernel, bias):
    """Keras's arrays in rnnlib's layout, to compare a learner's arrays with, block by block."""
    H = recurrent_kernel.shape[0]
    order = np.concatenate([np.arange(k * H, (k + 1) * H) for k in RNNLIB_FROM_KERAS])
    return kernel[:, order].T, recurrent_kernel[:, order].T, bias[0, order], bias[1, order]


def _low_precision(answer):
    """{name: dtype} of the learner's arrays that are float32 or float16; and the digits the
    lowest of them keeps (16 for float64)."""
    low = {name: np.asarray(a).dtype for name, a in zip(CONVERTED, answer, strict=True)
           if np.asarray(a).dtype in (np.float32, np.float16)}
    return low, 3 if np.float16 in low.values() else 7 if low else 16


def _precision_report(low, digits, got, kernel, recurrent_kernel, bias, h_mine, h_keras, where):
    """A message when the arrays are right but for rounding to a lower precision, else None."""
    worst = float(np.max(np.abs(h_mine - h_keras)))
    if not low and worst > 1e-6:
        return None
    tol = 10.0 ** (1 - min(digits, 7))
    want = _converted(kernel, recurrent_kernel, bias)
    if not all(np.allclose(g, w, rtol=tol, atol=0) for g, w in zip(got, want, strict=True)):
        return None
    if low:
        return (f"with {where} your {_names(low)} {'is' if len(low) == 1 else 'are'} "
                f"{' and '.join(sorted({str(d) for d in low.values()}))}, and the hidden states "
                f"differ from Keras's by up to {worst:.2g}: about what rounding the weights to "
                f"{digits} digits does; the check computes in float64, the dtype of the arrays "
                "it gives you")
    return (f"with {where} the hidden states differ from Keras's by up to {worst:.2g}, about "
            "what rounding the weights to single precision (float32, 7 digits) does; every "
            "block of your arrays holds Keras's weights to that precision")


def check_keras_gru(keras_gru_to_rnnlib, hint=False, cases=None):
    """Exercise 3: keras_gru_to_rnnlib(kernel, recurrent_kernel, bias) -> (W_x, W_h, b_x, b_h)
    that make rnnlib.gru_forward compute what Keras's GRU (reset_after=True) computes."""
    from ..gated import gru_forward

    cases = KERAS_CASES if cases is None else cases

    def check():
        for N, T, D, H, seed in cases:
            where = f"D = {D}, H = {H}"
            kernel, recurrent_kernel, bias = keras_gru_weights(D, H, seed)
            rng = np.random.default_rng(seed + 50)
            x, h0 = rng.normal(size=(N, T, D)), rng.uniform(-0.5, 0.5, (N, H))
            h_keras = keras_gru_forward(x, h0, kernel, recurrent_kernel, bias)
            try:
                answer, changed = call_on_copies(keras_gru_to_rnnlib,
                                                 ("kernel", "recurrent_kernel", "bias"),
                                                 kernel, recurrent_kernel, bias)
            except Exception as err:
                return False, f"with {where} your code raised {type(err).__name__}: {err}"
            if changed:  # Keras's arrays belong to the layer: a conversion reads them only
                return False, f"with {where} {changed}"
            got, problem = _arrays(answer, 4, "the four arrays W_x, W_h, b_x, b_h")
            if problem:
                return False, f"with {where}: {problem}"
            try:
                h_mine, _ = gru_forward(x, h0, *got)
            except (ValueError, TypeError) as err:
                return False, f"with {where} rnnlib.gru_forward refused your arrays: {err}"
            if not np.allclose(h_mine, h_keras, rtol=1e-10, atol=1e-12):
                low, digits = _low_precision(answer)
                precision = _precision_report(low, digits, got, kernel, recurrent_kernel, bias,
                                              h_mine, h_keras, where)
                if precision:
                    return False, precision
                report = _keras_report(got, kernel, recurrent_kernel, bias, h_mine, h_keras,
                                       where, rtol=10.0 ** (1 - digits) if low else 0.0)
                if low:  # the blocks were compared to the digits the learner's arrays keep
                    report += (f" (your {_names(low)} {'is' if len(low) == 1 else 'are'} "
                               f"{' and '.join(sorted({str(d) for d in low.values()}))}: "
                               f"compared to {digits} digits)")
                return False, report
        return True, ("rnnlib's GRU with your arrays computes Keras's hidden states at every "
                      f"step, in {len(cases)} cases: the same equations, stored as (in, out), "
                      "with the gates in another order")
    return run_check(hint, "keras_gru", check, hint=(
        "write Keras's equations and rnnlib's (section 3) side by side and match them term "
        "by term: which array multiplies x, which block belongs to which gate, which bias "
        "sits inside r * (...)",
        "Keras multiplies x by kernel from the right, so kernel is stored (in, out); rnnlib "
        "keeps (out, in) (section 2). Each gate's block moves as a whole, to the place that "
        "gate has in rnnlib; compare the two update rules before you change the sign of "
        "anything"))
