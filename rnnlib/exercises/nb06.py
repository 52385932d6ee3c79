"""Checks for the exercises of notebook 06 (char-RNN with AdaGrad).

Each check compares the learner's answer with what is observed here another way: gradients
actually computed (``char_rnn_loss_reference``, one-hot products, on random weights), a
forward pass with explicit one-hot vectors, optimizer updates written entry by entry on
plain floats, step sizes measured by running the optimizers, and top-p sets found by trying
every subset of characters. A NOT YET message says what was observed (which case, which
entries, by how much), never the formula or the code to write.

The learner's functions are called on copies of their inputs (an optimizer's update on its own
param and mem, which it is meant to change), and a function that changed an input in place is
told so. Exercise 2 takes losses that agree to float32 precision (a loss kept in float32 is a
reasonable choice) and says so in its PASS line; it also notices rnnlib's char-RNN functions
used where the exercise asks for the steps written out.

The keyword ``cases`` of some checks replaces the examples they try; a graded notebook's
hidden tests use it to try examples the learner has not seen.
"""

import contextlib
import itertools
import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from .. import char_rnn as _char_rnn_module
from ..char_rnn import char_rnn_loss_reference
from ..optim import AdaGrad
from ._common import (
    FLOAT32_RTOL,
    call_on_copies,
    changed_in_place,
    float32_note,
    run_check,
    show_pair,
    times,
)
from ._common import as_number as _number


def _pair(value, what):
    """(first, second, None) for a returned pair, else (None, None, what is wrong)."""
    if value is None or value is Ellipsis:
        return None, None, f"your function returned {value!r}; it should return {what}"
    if not isinstance(value, (tuple, list)):
        return None, None, (f"your function returned a {type(value).__name__}; it should "
                            f"return {what}")
    if len(value) != 2:
        return None, None, f"your function returned {len(value)} values; it should return {what}"
    return value[0], value[1], None


def _fmt(indices):
    return "{" + ", ".join(str(i) for i in sorted(indices)) + "}" if indices else "none"


# ---------------------------------------------------------------- exercise 1

ZERO_CASES = [  # (inputs, targets, V): a chunk of one stream
    ([0, 2, 2, 5], [2, 2, 5, 1], 6),
    ([4, 4, 4], [4, 4, 3], 6),
    ([1, 3, 0, 5, 2, 4], [3, 0, 5, 2, 4, 1], 6),
]


def _observed_zeros(inputs, targets, V, seed):
    """Indices whose column of dW_xh / row of dW_hy is exactly 0, and the largest entries."""
    rng = np.random.default_rng(seed)
    H = 4
    params = {"W_xh": rng.normal(0, 0.5, (H, V)), "W_hh": rng.normal(0, 0.5, (H, H)),
              "b_h": rng.normal(0, 0.1, H), "W_hy": rng.normal(0, 0.5, (V, H)),
              "b_y": rng.normal(0, 0.1, V)}
    state = rng.normal(0, 0.5, (1, H))
    _, grads, _ = char_rnn_loss_reference(params, np.array([inputs]), np.array([targets]),
                                          state)
    col = np.abs(grads["W_xh"]).max(axis=0)  # (V,) largest entry of each column
    row = np.abs(grads["W_hy"]).max(axis=1)  # (V,) largest entry of each row
    return ({c for c in range(V) if col[c] == 0}, {c for c in range(V) if row[c] == 0},
            col, row)


def _index_set(value, V, what):
    """(set of ints, None) for a collection of indices or a boolean mask of length V."""
    if value is None or value is Ellipsis:
        return None, f"{what} is {value!r}; it should be a set of indices"
    arr = np.asarray(list(value) if isinstance(value, (set, frozenset)) else value)
    if arr.dtype == bool:
        if arr.shape != (V,):
            return None, f"{what} is a boolean array of shape {arr.shape}; a mask needs ({V},)"
        return set(np.flatnonzero(arr).tolist()), None
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        if not (np.issubdtype(arr.dtype, np.floating) and np.all(arr == np.round(arr))):
            return None, f"{what} should hold character indices (integers 0 to V - 1)"
    found = {int(i) for i in arr.ravel()}
    if any(i < 0 or i >= V for i in found):
        return None, f"{what} holds an index outside 0 to {V - 1}"
    return found, None


def check_zero_gradients(zero_gradients, hint=False, cases=None):
    """Exercise 1: zero_gradients(inputs, targets, V) -> (columns of dW_xh, rows of dW_hy)
    that are exactly zero after the loss of one chunk, whatever the weights."""
    cases = ZERO_CASES if cases is None else cases

    def where(inputs, targets):
        return f"for inputs {list(inputs)} and targets {list(targets)}"

    def one_of(kind, indices):
        """'column 3' or 'column 3 and 2 more': one index named, the others counted, so that
        the message does not list the answer."""
        indices = sorted(indices)
        more = f" and {len(indices) - 1} more" if len(indices) > 1 else ""
        return f"{kind} {indices[0]}{more}"

    def mismatch(got, zero, sizes, kind, inputs, targets):
        said_zero, missed = sorted(got - zero), sorted(zero - got)
        if got and got == set(range(len(sizes))) - zero:
            return (f"{where(inputs, targets)}, the {kind}s in your answer are exactly the ones "
                    "whose gradient is not zero")
        parts = []
        if said_zero:
            c = said_zero[0]
            parts.append(f"your answer has {one_of(kind, said_zero)} as zero, but the gradient "
                         f"has entries up to {sizes[c]:.2g} in {kind} {c}")
        if missed:
            parts.append(f"{one_of(kind, missed)} {'is' if len(missed) == 1 else 'are'} "
                         "exactly zero and not in your answer")
        return f"{where(inputs, targets)}, " + "; ".join(parts)

    def check():
        answers = []
        for inputs, targets, V in cases:
            out, changed = call_on_copies(zero_gradients, ("inputs", "targets", "V"),
                                          list(inputs), list(targets), V)
            if changed:
                return False, f"{where(inputs, targets)}, {changed}"
            xh, hy, problem = _pair(out, "a pair (columns of dW_xh, rows of dW_hy)")
            if problem:
                return False, problem
            xh, problem = _index_set(xh, V, "the first set (columns of dW_xh)")
            if problem:
                return False, problem
            hy, problem = _index_set(hy, V, "the second set (rows of dW_hy)")
            if problem:
                return False, problem
            answers.append((xh, hy))
        for seed, ((inputs, targets, V), (xh, _)) in enumerate(zip(cases, answers, strict=True)):
            zero_xh, _, col, _ = _observed_zeros(inputs, targets, V, seed)
            if xh != zero_xh:
                return False, "dW_xh: " + mismatch(xh, zero_xh, col, "column", inputs, targets)
        for seed, ((inputs, targets, V), (_, hy)) in enumerate(zip(cases, answers, strict=True)):
            _, zero_hy, _, row = _observed_zeros(inputs, targets, V, seed)
            if hy != zero_hy:
                return False, ("the columns of dW_xh are right in every case; dW_hy: "
                               + mismatch(hy, zero_hy, row, "row", inputs, targets))
        return True, (f"both sets match the gradients computed on random weights, in all "
                      f"{len(cases)} chunks")
    return run_check(hint, "zero_gradients", check, hint=(
        "a weight that the forward pass never reads cannot change the loss: go through the "
        "equations of section 2 and ask which entries of W_xh and of W_hy each step reads",
        "each step reads the column of W_xh that belongs to its input; and the softmax of "
        "each step reads all V scores, the target's and every other one"))


# ---------------------------------------------------------------- exercise 2

STEP_CASES = [(5, 4, 6, 7), (5, 4, 1, 8)]  # (V, H, T, seed): the second is a single step


def _step_case(V, H, T, seed):
    rng = np.random.default_rng(seed)
    params = {"W_xh": rng.normal(0, 0.5, (H, V)), "W_hh": rng.normal(0, 0.5, (H, H)),
              "b_h": rng.normal(0, 0.1, H), "W_hy": rng.normal(0, 0.5, (V, H)),
              "b_y": rng.normal(0, 0.1, V)}
    inputs, targets = rng.integers(0, V, T), rng.integers(0, V, T)
    targets[0] = (inputs[0] + 1) % V  # the first target is not the first input
    return params, inputs, targets, rng.normal(0, 0.5, H)


def _reference_steps(params, inputs, targets, state, lag=False, score_inputs=False):
    """Per-step -log p(target) with explicit one-hot products, and every state on the way.

    lag=True scores each step from the state before its input was read; score_inputs=True
    scores each step's input instead of its target (two usual mistakes)."""
    V = params["W_xh"].shape[1]
    h, losses, states = np.array(state, dtype=np.float64), [], []
    for x, y in zip(inputs, targets, strict=True):
        before = h
        one_hot = np.zeros(V)
        one_hot[x] = 1.0
        h = np.tanh(params["W_xh"] @ one_hot + params["W_hh"] @ h + params["b_h"])
        s = params["W_hy"] @ (before if lag else h) + params["b_y"]
        c = x if score_inputs else y
        losses.append(math.log(np.sum(np.exp(s - s.max()))) - (s[c] - s.max()))
        states.append(h)
    return np.array(losses), states


# rnnlib's char-RNN functions, which exercise 2 asks not to use: the check watches them
CHAR_FUNCTIONS = ("char_rnn_forward", "char_rnn_loss", "char_rnn_loss_reference",
                  "char_rnn_scores", "evaluate_char_rnn")


@contextlib.contextmanager
def _watch_char_functions():
    """Replace rnnlib's char-RNN functions, for the time of one call of the learner's code,
    by versions that record that they were called (and then do their work); yields the list
    of the names called. Everything is put back afterwards, whatever happens."""
    import rnnlib  # the package, whose attributes the learner's code looks up

    called, saved = [], []
    for owner in (rnnlib, _char_rnn_module):
        for name in CHAR_FUNCTIONS:
            original = owner.__dict__.get(name)
            if original is None:
                continue

            def spy(*args, _name=name, _original=original, **kwargs):
                called.append(_name)
                return _original(*args, **kwargs)

            saved.append((owner, name, original))
            setattr(owner, name, spy)
    try:
        yield called
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)


def _agree(got, expected):
    """'float64' if got agrees with expected to float64's last bits, 'float32' if only to
    float32-level (a relative 1e-5: a loss kept in float32 is a reasonable choice), else ''."""
    if np.allclose(got, expected, rtol=1e-9, atol=1e-12):
        return "float64"
    if np.allclose(got, expected, rtol=FLOAT32_RTOL, atol=0):
        return "float32"
    return ""


def check_step_losses(step_losses, hint=False, cases=None):
    """Exercise 2: step_losses(params, inputs, targets, state) -> (losses (T,), state (H,))."""
    cases = STEP_CASES if cases is None else cases

    def check():
        loose = []  # what agreed only to float32 level: said in the PASS line
        for V, H, T, seed in cases:
            params, inputs, targets, state = _step_case(V, H, T, seed)
            steps = f"{T} step" + ("s" if T > 1 else "")
            try:
                with _watch_char_functions() as called:
                    got, changed = call_on_copies(
                        step_losses, ("params", "inputs", "targets", "state"), params, inputs,
                        targets, state)
            except Exception as err:  # name the chunk: T = 1 is a usual trap
                return False, (f"for a chunk of {steps} your code raised "
                               f"{type(err).__name__}: {err}")
            if called:
                return False, (f"your function called rnnlib.{called[0]}; the exercise asks "
                               "for the steps written out from the equations of section 2")
            if changed:
                return False, f"for a chunk of {steps}, {changed}"
            losses, last, problem = _pair(got, "a pair (losses, state)")
            if problem:
                return False, problem
            expected, states = _reference_steps(params, inputs, targets, state)
            if losses is None or losses is Ellipsis:
                return False, f"the losses you return are {losses!r}"
            raw = losses
            losses = np.asarray(losses, dtype=np.float64)
            if losses.size == 1 and T > 1:
                total = float(losses.reshape(()))
                if math.isclose(total, expected.sum(), rel_tol=1e-9):
                    return False, (f"for a chunk of {steps} you return one number, equal to the "
                                   f"chunk's total loss; the exercise asks for one loss per step")
                return False, f"for a chunk of {steps} you return one number, not {T} losses"
            if losses.size != T:
                return False, (f"for a chunk of {steps} your losses have shape {losses.shape}; "
                               f"expected one per step, ({T},)")
            losses = losses.ravel()
            level = _agree(losses, expected)
            if not level:
                ok = np.isclose(losses, expected, rtol=FLOAT32_RTOL, atol=0)
                return False, _losses_diagnosis(losses, expected, ok, params, inputs, targets,
                                                state, steps)
            if level == "float32":
                loose.append(float32_note(np.asarray(raw).ravel(), expected, "your losses",
                                          accepted=True)
                             or "your losses agree to about 5 significant digits or more")
            problem = _state_diagnosis(last, states, state, H, steps)
            if problem:
                return False, problem
        said = "; " + loose[0] if loose else ""
        return True, ("losses and final state right for chunks of "
                      + " and ".join(str(c[2]) for c in cases) + " steps, from a non-zero state"
                      + said)
    return run_check(hint, "step_losses", check, hint=(
        "follow the equations of section 2 one step at a time, starting from the state you "
        "are given; each step's loss is the negative log-probability of that step's target",
        "at each step: look up the input's column, update the state, and only then score the "
        "target from the new state; shift the scores by their largest value before "
        "exponentiating, as tempered_probs in section 6 does"))


def _losses_diagnosis(losses, expected, ok, params, inputs, targets, state, steps):
    first = int(np.flatnonzero(~ok)[0])
    yours, right = show_pair(losses[first], expected[first])
    seen = (f"for a chunk of {steps}, at step {first + 1} your loss is {yours}, the step's "
            f"-log p(target) is {right}")
    zeros, _ = _reference_steps(params, inputs, targets, np.zeros_like(state))
    lagged, _ = _reference_steps(params, inputs, targets, state, lag=True)
    inputs_scored, _ = _reference_steps(params, inputs, targets, state, score_inputs=True)

    def same(a):
        return np.allclose(losses, a, rtol=1e-9, atol=1e-12)

    if same(zeros):
        return (f"your losses are those of a chunk that starts from a zero state: the state "
                f"you were given made no difference ({seen})")
    if same(lagged):
        return ("each of your losses matches a prediction made from the state before that "
                f"step's input was read ({seen})")
    if same(inputs_scored):
        return f"your losses score each step's input character, not its target ({seen})"
    if same(np.cumsum(expected)):
        return f"your losses add up step by step: each is the running total so far ({seen})"
    if same(-expected):
        return f"every loss you return has the opposite sign ({seen})"
    ratio = losses / expected
    if np.allclose(ratio, ratio[0], rtol=1e-9, atol=0) and abs(ratio[0] - 1) > 1e-6:
        return f"every loss you return is {times(ratio[0])} the expected one ({seen})"
    if first == 1:
        return f"right at step 1, then off: {seen}"
    if first:
        return f"right for steps 1 to {first}, then off: {seen}"
    return seen


def _state_diagnosis(last, states, given, H, steps):
    if last is None or last is Ellipsis:
        return f"the losses are right; the state you return is {last!r}"
    if not isinstance(last, np.ndarray):
        return (f"the losses are right; the state you return is a {type(last).__name__}, and "
                f"the state you were given is a NumPy array of shape ({H},), the shape the next "
                "chunk reads")
    if last.shape != (H,):
        return (f"the losses are right; the state you return has shape {last.shape}, and the "
                f"state you were given has shape ({H},), the shape the next chunk reads")
    last = np.asarray(last, dtype=np.float64)
    if _agree(last, states[-1]):
        return None
    if np.allclose(last, given, rtol=1e-9, atol=1e-12):
        return (f"the losses are right for a chunk of {steps}, but the state you return is "
                "the one you were given")
    if len(states) > 1 and np.allclose(last, states[-2], rtol=1e-9, atol=1e-12):
        return (f"the losses are right for a chunk of {steps}, but the state you return is the "
                "one after the step before the last")
    worst = float(np.max(np.abs(last - states[-1])))
    return (f"the losses are right for a chunk of {steps}, but the state you return differs "
            f"from the state after the last step by up to {worst:.3g}")


# ---------------------------------------------------------------- exercise 3

RMS_CASES = [(0.8, 0.05), (0.5, 0.1)]  # (beta, lr)


def _rms_arrays(seed=6):
    rng = np.random.default_rng(seed)
    p0, g, m0 = rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), rng.uniform(0.1, 1, (3, 2))
    # Two entries where eps matters: a fresh memory and a tiny gradient. Inside the square
    # root, sqrt(~1e-11 + 1e-8) ~ 1.0e-4; outside, sqrt(~1e-11) + 1e-8 ~ 4e-6.
    m0[0, 0], g[0, 0] = 0.0, 1e-5
    m0[2, 1], g[2, 1] = 0.0, -1e-5
    g[1, 0] = -abs(g[1, 0]) - 0.5  # a clearly negative gradient
    return p0, g, m0


def _rms_entrywise(p0, g, m0, lr, beta, eps=1e-8, variant=None):
    """RMSProp on plain floats, entry by entry; variant names a usual mistake."""
    mem, par = np.empty_like(m0), np.empty_like(p0)
    for i, j in np.ndindex(p0.shape):
        gij, mij = float(g[i, j]), float(m0[i, j])
        new_m = {"sum": mij + gij * gij, "swapped": (1 - beta) * mij + beta * gij * gij}.get(
            variant, beta * mij + (1 - beta) * gij * gij)
        m_used = mij if variant == "old memory" else new_m
        if variant == "eps outside":
            step = lr * gij / (math.sqrt(m_used) + eps)
        else:
            step = lr * gij / math.sqrt(m_used + eps)
        mem[i, j], par[i, j] = new_m, float(p0[i, j]) - step
    return par, mem


def check_rmsprop_update(rmsprop_update, hint=False, cases=None):
    """Exercise 3: rmsprop_update(param, grad, mem, lr, beta) updates param and mem in place."""
    cases = RMS_CASES if cases is None else cases
    p0, g, m0 = _rms_arrays()

    def close(a, b):
        return np.allclose(a, b, rtol=1e-9, atol=1e-15)

    def check():
        for beta, lr in cases:
            p, m, grad = p0.copy(), m0.copy(), g.copy()
            rmsprop_update(p, grad, m, lr, beta)
            at = f"with beta = {beta} and lr = {lr}"
            changed = changed_in_place("grad", g, grad)  # param and mem are meant to change
            if changed:
                return False, f"{at}, {changed}"
            exp_p, exp_m = _rms_entrywise(p0, g, m0, lr, beta)
            if np.array_equal(m, m0):
                if np.array_equal(p, p0):
                    return False, (f"{at}, your function changed neither of the arrays it was "
                                   "given, mem and param: an update in place writes into them")
                return False, (f"{at}, the mem array you were given did not change: the memory "
                               "must be updated in that array, in place")
            if not close(m, exp_m):
                if close(m, _rms_entrywise(p0, g, m0, lr, beta, variant="sum")[1]):
                    return False, (f"{at}, your mem is the old memory plus the whole squared "
                                   "gradient, as in AdaGrad: nothing is ever forgotten")
                if close(m, _rms_entrywise(p0, g, m0, lr, beta, variant="swapped")[1]):
                    return False, (f"{at}, your mem gives the old memory the weight 1 - beta "
                                   "and the squared gradient the weight beta")
                if np.any(m < 0):
                    return False, (f"{at}, your mem became negative at an entry whose gradient "
                                   "is negative; a memory of squared gradients cannot")
                for other in (0.9, 0.99):
                    if other != beta and close(m, _rms_entrywise(p0, g, m0, lr, other)[1]):
                        return False, (f"your mem is what beta = {other} gives, but the call "
                                       f"passed beta = {beta}")
                worst = float(np.max(np.abs(m - exp_m)))
                return False, f"{at}, mem differs from the expected values by up to {worst:.3g}"
            if np.array_equal(p, p0):
                return False, (f"{at}, mem is right but param did not change: the step must "
                               "change the array that was passed in (a new array is lost when "
                               "the function returns)")
            if close(p, _rms_entrywise(p0, g, m0, lr, beta, variant="eps outside")[0]):
                return False, (f"{at}, mem is right; your step matches eps added outside the "
                               "square root; this exercise adds it inside, as section 4 does")
            if close(p, _rms_entrywise(p0, g, m0, lr, beta, variant="old memory")[0]):
                return False, (f"{at}, mem is right; your step divides by the memory as it was "
                               "before this update")
            bad = np.flatnonzero(~np.isclose(p, exp_p, rtol=1e-9, atol=1e-15))
            if bad.size:
                i, j = np.unravel_index(bad[0], p.shape)
                yours, right = show_pair(p0[i, j] - p[i, j], p0[i, j] - exp_p[i, j], sig=4)
                return False, (f"{at}, mem is right, but param[{i}, {j}] moved by {yours} where "
                               f"the update moves it by {right}")
        return True, ("param and memory updated in place, for beta = "
                      + " and ".join(str(c[0]) for c in cases))
    return run_check(hint, "rmsprop_update", check, hint=(
        "like adagrad_update in section 4: two in-place changes, the memory first, then the "
        "weights; only the memory's rule differs",
        "the new memory is a weighted average of the old memory and this step's squared "
        "gradient, with weights beta and 1 - beta; the step divides by the square root of the "
        "new memory plus eps"))


# ---------------------------------------------------------------- exercise 4

PREDICT = {"g": 0.2, "lr": 0.1, "beta": 0.9}


# Whether RMSProp, at AdaGrad's lr = 0.1, trains the char-RNN of section 4: it does not. Its
# steps start at 3.16 lr for every weight whose gradient is not tiny, and do not shrink; the
# solutions notebook runs it (500 updates end above ln V nats per character, worse than a
# uniform guess, while lr = 0.01 ends below 0.1), and tests/test_exercises_nb06.py too.
RMS_TRAINS_AT_0_1 = False


def _measured_steps(k_values=(3, 4, 5, 99, 100, 101)):
    """|step| of one weight with a constant gradient, measured by running both optimizers."""
    g, lr, beta = PREDICT["g"], PREDICT["lr"], PREDICT["beta"]
    ada, w = AdaGrad(lr=lr), {"w": np.zeros(1)}
    mem = 0.0
    ada_steps, rms_steps = {}, {}
    for k in range(1, max(k_values) + 1):
        before = float(w["w"][0])
        ada.step(w, {"w": np.array([g])})
        mem = beta * mem + (1 - beta) * g * g  # RMSProp, on plain floats
        if k in k_values:
            ada_steps[k] = abs(float(w["w"][0]) - before)
            rms_steps[k] = lr * g / math.sqrt(mem + 1e-8)
    return ada_steps, rms_steps


def _three_digits(x):
    """x rounded to three significant digits, half away from zero, as a Decimal: a typed 0.1705
    rounds as the decimal number it reads, not as the float just below it."""
    d = Decimal(repr(float(x)))
    if d == 0:
        return d
    return d.quantize(Decimal(1).scaleb(d.adjusted() - 2), rounding=ROUND_HALF_UP)


def _same_three_digits(x, true):
    """x equals ``true`` to three significant digits, both rounded."""
    return _three_digits(x) == _three_digits(true)


def check_step_sizes(ada_4, ada_100, rms_4, rms_100, rms_trains_at_0_1, hint=False):
    """Exercise 4: predicted |step| 4 and 100 of AdaGrad and RMSProp for a constant gradient,
    each to three significant digits (rounded) or more; and whether RMSProp at lr = 0.1 would
    train the char-RNN of section 4."""
    def check():
        got = {}
        for name, value in (("ada_4", ada_4), ("ada_100", ada_100), ("rms_4", rms_4),
                            ("rms_100", rms_100)):
            got[name], problem = _number(value, name)
            if problem:
                return False, problem, STEP_HINTS
            if got[name] <= 0:
                return False, (f"{name} is {got[name]:.4g}; it asks for the size of a step, "
                               "|step|, which is positive here"), STEP_HINTS
        ada, rms = _measured_steps()
        want = {"ada_4": ada[4], "ada_100": ada[100], "rms_4": rms[4], "rms_100": rms[100]}
        lr, sgd = PREDICT["lr"], PREDICT["lr"] * PREDICT["g"]

        def near(a, b):
            return math.isclose(a, b, rel_tol=0.01)

        ratios = [got[name] / want[name] for name in want]
        if all(math.isclose(r, ratios[0], rel_tol=0.01) for r in ratios) and not near(
                ratios[0], 1.0):
            return False, (f"all four are {times(ratios[0])} the step sizes measured by "
                           "running the optimizers: the question asks for |step| itself"), \
                STEP_HINTS
        notes = []
        for name in want:
            x, k = got[name], int(name.split("_")[1])
            measured = ada if name.startswith("ada") else rms
            if _same_three_digits(x, want[name]):
                continue
            other = [j for j in (k - 1, k + 1)
                     if _same_three_digits(x, measured[j])
                     and not _same_three_digits(measured[j], want[name])]
            if other:
                notes.append(f"your {name} is the measured size of step {other[0]}, not of "
                             f"step {k}")
            elif near(x, want[name]):
                notes.append(f"{name} = {x:.4g} is within 1% of the measured step, but not "
                             "equal to it to three significant digits (rounded): check its "
                             "digits")
            elif near(x, sgd):
                notes.append(f"{name} is the plain SGD step, lr times the gradient")
            elif name.startswith("ada") and near(x, lr):
                notes.append(f"your {name} is as large as AdaGrad's first step; measured, "
                             "this one is smaller")
            elif name == "ada_100" and near(x, got["ada_4"]):
                notes.append("your ada_100 is as large as your ada_4; measured, the 100th step "
                             "is smaller than the 4th")
            elif name.startswith("rms") and near(x, want["ada" + name[3:]]):
                notes.append(f"your {name} is AdaGrad's step at the same update; measured, "
                             "RMSProp's is larger")
            elif name == "rms_100" and near(x, want["rms_4"]):
                notes.append("your rms_100 is as large as RMSProp's 4th step; measured, the "
                             "100th is smaller")
            else:
                side = "too large" if x > want[name] else "too small"
                notes.append(f"{name} = {x:.4g} is {side} (measured by running the "
                             "optimizer)")
        if notes:
            right = [n for n in want if _same_three_digits(got[n], want[n])]
            return False, "; ".join(notes) + (f" (right: {', '.join(right)})" if right else
                                              ""), STEP_HINTS
        trains = rms_trains_at_0_1
        if trains is Ellipsis or trains is None:
            return False, (f"the four step sizes are right; rms_trains_at_0_1 is {trains!r}: "
                           "replace it with True or False"), TRAIN_HINTS
        if not isinstance(trains, bool | np.bool_):
            return False, (f"the four step sizes are right; rms_trains_at_0_1 should be True or "
                           f"False, got {type(trains).__name__}"), TRAIN_HINTS
        if bool(trains) != RMS_TRAINS_AT_0_1:
            return False, (f"the four step sizes are right; rms_trains_at_0_1 = {bool(trains)}, "
                           "but trained with rmsprop_update at lr = 0.1 for 500 updates, the "
                           "char-RNN of section 4 ends worse than a uniform guess (above ln V "
                           "nats per character)"), TRAIN_HINTS
        return True, ("all four step sizes agree with a run of each optimizer, to three "
                      "significant digits; RMSProp's first steps are over three times lr, and "
                      "later ones stay near lr instead of shrinking as AdaGrad's do")
    return run_check(hint, "step_sizes", check, hint=STEP_HINTS)


STEP_HINTS = (
    "write each memory after k equal gradients: AdaGrad's is a sum, RMSProp's a weighted "
    "average that started at 0; then divide",
    "for RMSProp, add up the weights that the k squared gradients carry in the memory: "
    "a geometric series; how far is it from 1 after 4 steps, and after 100?")
TRAIN_HINTS = (
    "compare RMSProp's first steps, at lr = 0.1, with AdaGrad's and with the size of the "
    "initial weights of section 4",
    "AdaGrad trains the char-RNN at lr = 0.1 with steps that start at lr and shrink; how large "
    "are RMSProp's first steps for every weight whose gradient is not tiny, and do they shrink?")


# ---------------------------------------------------------------- exercise 5

TOP_P_CASES = [
    ([0.05, 0.40, 0.10, 0.30, 0.15], 0.8),
    ([0.05, 0.40, 0.10, 0.30, 0.15], 0.3),
    ([0.10, 0.20, 0.30, 0.40], 0.65),
    ([0.60, 0.25, 0.10, 0.05], 0.99),
    # "at least", tried at its edge: powers of 2 add up exactly in floating point, so the two
    # most likely reach 0.75 exactly, and a third is one too many
    ([0.125, 0.5, 0.125, 0.25], 0.75),
    ([0.05, 0.40, 0.10, 0.30, 0.15], 0.01),  # the most likely one alone is enough
    ([0.125, 0.5, 0.125, 0.25], 1.0),  # every character, exactly
]


def _nucleus(probs, top_p):
    """The smallest set of characters whose probabilities add up to at least top_p, found by
    trying sets of growing size (the most probable set of each size wins)."""
    n = len(probs)
    for size in range(1, n + 1):
        best = max(itertools.combinations(range(n), size),
                   key=lambda s: sum(probs[i] for i in s))
        if sum(probs[i] for i in best) >= top_p:
            return set(best)
    return set(range(n))


def check_top_p(top_p_probs, hint=False, cases=None):
    """Exercise 5: top_p_probs(probs, top_p) -> the probabilities top-p sampling draws from."""
    cases = TOP_P_CASES if cases is None else cases

    def check():
        for probs, top_p in cases:
            probs = [float(p) for p in probs]
            given = np.array(probs)
            at = f"for probs {np.round(given, 3).tolist()} and top_p = {top_p}"
            got, changed = call_on_copies(top_p_probs, ("probs", "top_p"), given, top_p)
            if got is None or got is Ellipsis:
                return False, f"your function returned {got!r}; it should return an array"
            if changed:
                return False, f"{at} {changed}"
            got = np.asarray(got, dtype=np.float64)
            if got.shape != given.shape:
                return False, f"{at} your result has shape {got.shape}, expected {given.shape}"
            if not np.all(np.isfinite(got)) or np.any(got < 0):
                return False, f"{at} your result has entries that are negative or not finite"
            keep = _nucleus(probs, top_p)
            kept = set(np.flatnonzero(got > 0).tolist())
            expected = np.where(np.isin(np.arange(len(probs)), list(keep)), given, 0.0)
            expected /= expected.sum()
            if np.allclose(got, expected, rtol=1e-9, atol=1e-12):
                continue
            if (np.allclose(np.sort(got), np.sort(expected), rtol=1e-9, atol=1e-12)
                    and not np.allclose(got, expected)):
                return False, (f"{at} your result holds the right numbers at the wrong "
                               "positions: entry c must stay character c's probability")
            total = sum(probs[i] for i in kept)
            if kept == keep:
                if not math.isclose(float(got.sum()), 1.0, rel_tol=1e-9):
                    added, _ = show_pair(got.sum(), 1.0, sig=4)
                    return False, (f"{at} you kept the right characters, but your "
                                   f"probabilities add up to {added}")
                return False, (f"{at} you kept the right characters, but not in the "
                               "proportions they have in probs")
            if kept < keep:
                added, limit = show_pair(total, top_p, sig=4)
                return False, (f"{at} you kept {_fmt(kept)}, whose probabilities add up to "
                               f"{added}, less than top_p = {limit}")
            if kept > keep:
                least = min(kept, key=lambda i: probs[i])
                rest = total - probs[least]
                added, limit = show_pair(rest, top_p, sig=4)
                than = "exactly top_p" if rest == top_p else f"more than top_p = {limit}"
                return False, (f"{at} you kept {_fmt(kept)}; without the least likely of them "
                               f"(index {least}), the others already add up to {added}, {than}")
            dropped = max(keep - kept, key=lambda i: probs[i])
            extra = min(kept - keep, key=lambda i: probs[i]) if kept - keep else None
            if extra is not None and probs[extra] < probs[dropped]:
                return False, (f"{at} you kept index {extra} (probability "
                               f"{probs[extra]:.3g}) but dropped index {dropped}, which is more "
                               f"likely ({probs[dropped]:.3g})")
            return False, f"{at} you kept {_fmt(kept)}, not the characters top-p keeps"
        return True, f"right in all {len(cases)} cases, positions kept"
    return run_check(hint, "top_p", check, hint=(
        "go through the characters from the most likely down, adding up their probabilities, "
        "and stop as soon as the total reaches top_p; remember where each one came from",
        "a character is kept when the total of the characters more likely than it is still "
        "below top_p; then rescale what is kept so that it adds up to 1"))


__all__ = ["check_rmsprop_update", "check_step_losses", "check_step_sizes", "check_top_p",
           "check_zero_gradients"]
