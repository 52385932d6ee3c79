"""Checks for the exercises of notebook 04 (many-to-many RNNs, padding and masks).

Each check compares the learner's answer with a value computed here another way: the
cross-entropy and its gradient with plain Python loops over sequences, steps and classes
(``math.exp`` and ``math.log``), the states of a backward-reading RNN one sequence at a time,
cut to its length, and the mean of the real steps row by row. A NOT YET message says what was
observed (which output, which row or step, which case, by how much), never the formula or the
code to write. Numbers asked for "to three significant digits" pass when they equal the value
to three significant digits, rounded; within 1% but not equal, the message says they are close.

The learner's functions are called on copies of their inputs, and a function that changed an
input in place is told so. Losses, gradients and states are compared at float64 precision, as
``rnnlib.check_gradients`` needs them; a message prints enough digits to show two different
numbers as different, and says when the values are float32 numbers.

The keyword ``cases`` of some checks replaces the examples they try; a graded notebook's
hidden tests use it to try examples the learner has not seen.
"""

import math

import numpy as np

from ._common import about as _about
from ._common import as_number as _number
from ._common import (
    call_on_copies,
    float32_note,
    gap,
    returned_nothing,
    run_check,
    show_pair,
    times,
)
from ._common import kind_of as _kind
from ._common import within_three_digits as _three_digits

# ---------------------------------------------------------------- shared helpers


def _array(value, name, shape, what):
    """(float64 array, None) if ``value`` is an array of ``shape``, else (None, problem)."""
    if (msg := returned_nothing(value, f"an {what} array")):
        return None, msg
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None, f"{name}: expected {what}, got {type(value).__name__}"
    if arr.shape != shape:
        return None, f"{name} has shape {arr.shape}, expected {what} = {shape}"
    return arr, None


def _steps(ts):
    """'step 3' or 'steps 3-4' for a sorted list of step numbers."""
    ts = list(ts)
    if len(ts) == 1:
        return f"step {ts[0]}"
    if ts == list(range(ts[0], ts[-1] + 1)):
        return f"steps {ts[0]}-{ts[-1]}"
    return "steps " + ", ".join(map(str, ts))


def _step_losses(scores, labels):
    """-log softmax(scores[n, t])[labels[n, t]] for every step, in plain Python: (N, T) list."""
    out = []
    for n in range(len(scores)):
        row = []
        for t in range(len(scores[n])):
            s = [float(v) for v in scores[n][t]]
            top = max(s)
            lse = top + math.log(sum(math.exp(v - top) for v in s))
            row.append(lse - s[int(labels[n][t])])
        out.append(row)
    return out


def _probabilities(scores):
    """softmax of every step's scores, in plain Python: an (N, T, C) array."""
    p = np.zeros(np.shape(scores))
    for n in range(p.shape[0]):
        for t in range(p.shape[1]):
            s = [float(v) for v in scores[n][t]]
            top = max(s)
            e = [math.exp(v - top) for v in s]
            for k in range(p.shape[2]):
                p[n, t, k] = e[k] / sum(e)
    return p


def _weighted_reference(scores, labels, weights):
    """(sum of w * step loss / sum of w, its gradient with respect to the scores), by loops."""
    losses, p = _step_losses(scores, labels), _probabilities(scores)
    N, T, C = p.shape
    total = sum(float(weights[n][t]) for n in range(N) for t in range(T))
    loss = sum(float(weights[n][t]) * losses[n][t] for n in range(N) for t in range(T)) / total
    d = np.zeros((N, T, C))
    for n in range(N):
        for t in range(T):
            for k in range(C):
                d[n, t, k] = float(weights[n][t]) * (p[n, t, k] - (k == labels[n][t])) / total
    return loss, d


# ---------------------------------------------------------------- exercise 1

# A padded batch of 2 sequences, 3 classes: row 0 has 3 real steps, row 1 one real step and
# two pads, whose scores are equal (so each pad predicts every class with probability 1/3)
# and whose labels are 0, as rnnlib.pad_sequences pads labels.
PAD_SCORES = np.array([[[2.0, 0.0, -1.0], [0.5, 1.5, 0.0], [0.0, -0.5, 1.0]],
                       [[-1.0, 1.0, 0.0], [0.7, 0.7, 0.7], [0.7, 0.7, 0.7]]])
PAD_LABELS = np.array([[0, 1, 2], [1, 0, 0]])
PAD_MASK = np.array([[True, True, True], [True, False, False]])


def pad_batch():
    """Copies of exercise 1's batch: scores (2, 3, 3), labels (2, 3), mask (2, 3)."""
    return PAD_SCORES.copy(), PAD_LABELS.copy(), PAD_MASK.copy()


def _pad_numbers():
    """(loss counting every step, dscores at pad step (1, 1), real-step factor), by loops."""
    ones = np.ones(PAD_MASK.shape)
    loss_all, d_all = _weighted_reference(PAD_SCORES, PAD_LABELS, ones)
    _, d_masked = _weighted_reference(PAD_SCORES, PAD_LABELS, PAD_MASK.astype(float))
    return loss_all, d_all[1, 1], float(d_all[0, 0, 0] / d_masked[0, 0, 0])


def _vector(value, name, size):
    """(list of floats, None) for ``size`` real numbers, else (None, what is wrong)."""
    if value is Ellipsis or value is None:
        return None, f"{name} is {value!r}; replace it with {size} numbers"
    if isinstance(value, str | bytes) or _kind(value) in "US":
        return None, f"{name} is text; it should be {size} numbers, written without quotes"
    if isinstance(value, list | tuple) and any(v is Ellipsis for v in value):
        return None, f"{name} still contains `...`; replace each with a number"
    try:
        arr = np.asarray(value, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        return None, f"{name} should be {size} numbers, got {type(value).__name__}"
    if arr.size != size:
        count = "1 number" if arr.size == 1 else f"{arr.size} numbers"
        return None, f"{name} has {count}; it should have {size}, one per class"
    if not np.all(np.isfinite(arr)):
        return None, f"{name} contains a number that is not finite"
    return [float(v) for v in arr], None


def check_forgotten_mask(loss_unmasked, ds_pad, real_factor, hint=False):
    """Exercise 1: for the batch of pad_batch(), without the mask: the loss, dscores at the pad
    step (row 1, step 1), and dscores at a real step divided by its value with the mask; each
    to three significant digits (rounded) or more."""
    loss_all, d_pad, factor = _pad_numbers()
    masked = _weighted_reference(PAD_SCORES, PAD_LABELS, PAD_MASK.astype(float))[0]
    step = _step_losses(PAD_SCORES, PAD_LABELS)
    real_sum = sum(step[n][t] for n, t in zip(*np.nonzero(PAD_MASK), strict=True))
    pad_sum = sum(step[n][t] for n, t in zip(*np.nonzero(~PAD_MASK), strict=True))
    n_real, n_all = int(PAD_MASK.sum()), PAD_MASK.size
    p_pad = _probabilities(PAD_SCORES)[1, 1]

    def close_miss(name, x, what, before=""):
        return (f"{before}{name} = {x:.4g} is within 1% of {what}, but not equal to it to "
                "three significant digits: check its digits")

    def check():
        loss, problem = _number(loss_unmasked, "loss_unmasked")
        if problem:
            return False, problem
        ds, problem = _vector(ds_pad, "ds_pad", 3)
        if problem:
            return False, problem
        r, problem = _number(real_factor, "real_factor")
        if problem:
            return False, problem
        if not _three_digits(loss, loss_all):
            known = [  # (a value a learner may get, what it matches: an observation)
                (masked, "the loss with the mask; without it the pads count too"),
                ((real_sum + pad_sum) / n_real, "all six step losses added up and divided "
                 "by the number of real steps"),
                (real_sum + pad_sum, "all six step losses added up, not averaged"),
                ((masked + pad_sum / (n_all - n_real)) / 2, "the average of two averages, "
                 "the real steps' and the pads', each group counting one half whatever "
                 "its size"),
                (real_sum / n_all, "a batch whose pad steps cost nothing"),
                ((real_sum + (n_all - n_real) * 0.7) / n_all, "pads that each cost 0.7, "
                 "their score"),
            ]
            if _about(loss, loss_all):
                return False, close_miss("loss_unmasked", loss, "the loss rnnlib computes "
                                         "without the mask")
            for value, why in known:
                if _about(loss, value, 1e-3):
                    return False, f"loss_unmasked = {loss:.4g} matches {why}"
            return False, (f"loss_unmasked = {loss:.4g} is not the loss rnnlib computes for "
                           "this batch without the mask (ds_pad is checked once it is right)")
        if not all(_three_digits(g, w) for g, w in zip(ds, d_pad, strict=True)):
            before = "loss_unmasked is right; "
            if all(_about(g, w) for g, w in zip(ds, d_pad, strict=True)):
                off = [k for k in range(3) if not _three_digits(ds[k], d_pad[k])]
                named = " and ".join(f"ds_pad[{k}] = {ds[k]:.4g}" for k in off)
                verb = "is" if len(off) == 1 else "are"
                return False, (f"{before}every entry of ds_pad is within 1% of the gradient "
                               f"at that step, but {named} {verb} not equal to it to three "
                               "significant digits: check "
                               f"{'its' if len(off) == 1 else 'their'} digits")
            if all(g == 0 for g in ds):
                return False, (f"{before}ds_pad is 0 in every class: that is the pad's "
                               "gradient with the mask")
            ratios = [g / w for g, w in zip(ds, d_pad, strict=True)]
            if all(_about(q, ratios[0], 1e-3) for q in ratios):
                if _about(ratios[0], -1.0, 1e-3):
                    return False, f"{before}ds_pad has the opposite sign in every class"
                return False, (f"{before}ds_pad is {times(ratios[0])} the gradient at that "
                               "step in every class")
            negative = [k for k in range(3) if ds[k] < 0]
            if len(negative) == 1 and negative[0] != int(PAD_LABELS[1, 1]):
                return False, (f"{before}the one negative entry of your ds_pad is class "
                               f"{negative[0]}'s; look again at which class is this step's "
                               "label")
            uniform = [g for g, pk in zip(ds, p_pad, strict=True) if _about(g, pk / n_all)]
            if len(uniform) == 3:
                return False, (f"{before}your ds_pad is the same in all three classes, as if "
                               "this step had no label")
            return False, (f"{before}ds_pad = [{', '.join(f'{g:.4g}' for g in ds)}] is not the "
                           "gradient rnnlib gives at that pad step without the mask")
        if not _three_digits(r, factor):
            before = "loss_unmasked and ds_pad are right; "
            if _about(r, factor):
                return False, close_miss("real_factor", r, "the factor", before)
            if _about(r, 1 / factor, 1e-3):
                return False, (f"{before}real_factor = {r:.4g} is the gradient with the mask "
                               "divided by the one without; the question asks for the one "
                               "without divided by the one with")
            if _about(r, 1.0, 1e-3):
                return False, (f"{before}real_factor = 1 says a real step's gradient does "
                               "not change when the mask is forgotten; compare the two "
                               "gradients at step (0, 0)")
            return False, (f"{before}real_factor = {r:.4g} is not the ratio of the two "
                           "gradients at a real step")
        return True, (f"loss {loss_all:.4g} without the mask; a pad gets gradient in every "
                      f"class, and every real step's is {factor:.4g} of its masked value: all "
                      f"{PAD_SCORES.size} entries of dscores change, not only the pads'")
    return run_check(hint, "forgotten_mask", check, hint=(
        "without the mask every one of the N T steps counts, the pads with their label 0; "
        "start from what three equal scores give each class",
        "the unmasked loss is a mean over all six steps, so first get the real steps' total "
        "loss back from the masked loss; a pad's gradient follows section 4's formula with "
        "the new count of steps, and so does a real step's"))


# ---------------------------------------------------------------- exercise 2

# (weights (N, T), number of classes, seed of the scores and labels)
WEIGHT_CASES = [
    ([[1.0, 0.5, 2.0, 0.0], [0.25, 1.0, 1.0, 3.0]], 3, 41),
    ([[0.2, 0.2, 0.0], [1.5, 0.0, 0.0], [0.7, 0.1, 2.5]], 4, 42),
]
LENGTH_CASES = [([4, 1, 2], 4), ([3, 5, 5, 1], 6)]  # (lengths, T) for the sequence weights


def _scores_labels(shape, C, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(*shape, C)), rng.integers(0, C, size=shape)


def _weighted_loss_problem(fn, scores, labels, weights, label):
    """What is wrong with fn's (loss, dscores) for one case, or None."""
    w = np.asarray(weights, dtype=np.float64)
    try:
        got, changed = call_on_copies(fn, ("scores", "labels", "weights"), scores, labels,
                                      weights)
    except Exception as err:
        return f"for {label} your code raised {type(err).__name__}: {err}"
    if changed:
        return f"for {label} {changed}"
    if (msg := returned_nothing(got, "a tuple (loss, dscores)")):
        return f"weighted_cross_entropy: {msg}"
    if not isinstance(got, tuple) or len(got) != 2:
        return (f"for {label} weighted_cross_entropy returned {type(got).__name__}; expected "
                "a tuple (loss, dscores)")
    loss, problem = _number(got[0], "the loss")
    if problem:
        return f"for {label}: {problem}"
    d, problem = _array(got[1], "dscores", scores.shape, "(N, T, C)")
    if problem:
        return f"for {label}: {problem}"
    want, want_d = _weighted_reference(scores, labels, w)
    losses = np.array(_step_losses(scores, labels))
    if not math.isclose(loss, want, rel_tol=1e-9, abs_tol=1e-12):
        yours, loop = show_pair(loss, want)
        seen = f"for {label} your loss is {yours}, a loop over the steps gives {loop}"
        note = float32_note(got[0], want, "your loss")
        if note:
            return f"{seen}: {note}"
        seen = f"{seen}: yours {gap(loss, want)}"
        counted = w != 0
        known = [
            ((w * losses).sum(), "the weighted sum of the step losses, not divided by anything"),
            ((w * losses).sum() / w.size, "the weighted sum divided by the number of steps, N T"),
            ((w * losses).sum() / counted.sum(), "the weighted sum divided by the number of "
             "steps whose weight is not 0"),
            (losses[counted].mean(), "the plain mean over the steps whose weight is not 0: "
             "how large a weight is makes no difference to it"),
            (losses.mean(), "the plain mean over all steps"),
            (-want, "the loss with the opposite sign"),
        ]
        for value, why in known:
            if math.isclose(loss, value, rel_tol=1e-7):
                return f"{seen}; yours matches {why}"
        return seen
    if not np.allclose(d, want_d, rtol=1e-9, atol=1e-12):
        note = float32_note(got[1], want_d, "the entries of your dscores")
        if note:
            return f"for {label} the loss is right; {note}"
        zero = np.argwhere((w == 0) & np.any(d != 0, axis=-1))
        if len(zero):
            n, t = zero[0]
            return (f"for {label} the loss is right, but dscores is not 0 at row {n}, step {t}, "
                    "whose weight is 0")
        worst = np.unravel_index(np.argmax(np.abs(d - want_d)), d.shape)
        seen = (f"for {label} the loss is right, but dscores differs from its gradient by up "
                f"to {np.abs(d - want_d).max():.3g} (at row {worst[0]}, step {worst[1]}, "
                f"class {worst[2]})")
        nonzero = np.abs(want_d) > 1e-12
        ratio = d[nonzero] / want_d[nonzero]
        if (np.allclose(ratio, ratio[0], rtol=1e-6, atol=0) and np.all(d[~nonzero] == 0)
                and not math.isclose(ratio[0], 1.0, rel_tol=1e-6)):
            if math.isclose(ratio[0], -1.0, rel_tol=1e-6):
                return f"{seen}: it has the opposite sign in every entry"
            return f"{seen}: it is {times(ratio[0])} the gradient in every entry"
        plain = _weighted_reference(scores, labels, (w != 0).astype(float))[1]
        if np.allclose(d, plain, rtol=1e-7, atol=1e-12):
            return (f"{seen}: yours is the gradient of the plain mean over the steps whose "
                    "weight is not 0")
        own = _weighted_reference(scores, labels, np.ones_like(w))[1]  # each step's own slope
        counted = (w != 0)[:, :, None] & (np.abs(own) > 1e-12)
        if counted.any():
            ratio = d[counted] / own[counted]
            if (np.allclose(ratio, ratio[0], rtol=1e-6, atol=0)
                    and len(set(w[w != 0].tolist())) > 1):
                return (f"{seen}: at every step whose weight is not 0 your dscores is the same "
                        "multiple of the gradient of that step's own loss, whatever the step's "
                        "weight")
        return seen
    return None


def _sequence_weights_problem(fn, lengths, T):
    """What is wrong with fn(mask) as weights for a per-sequence mean, or None."""
    lengths = np.array(lengths)
    N = len(lengths)
    mask = np.arange(T)[None, :] < lengths[:, None]  # (N, T), from a plain comparison
    label = f"lengths {lengths.tolist()} (T = {T})"
    try:
        got, changed = call_on_copies(fn, ("mask",), mask)
    except Exception as err:
        return f"for {label} your code raised {type(err).__name__}: {err}"
    if changed:
        return f"for {label} {changed}"
    w, problem = _array(got, "your weights array", (N, T), "(N, T)")
    if problem:
        return f"for {label}: {problem}"
    if not np.all(np.isfinite(w)):
        return f"for {label} your weights contain inf or nan"
    if np.any(w < 0):
        return f"for {label} some of your weights are negative"
    pads = np.argwhere((~mask) & (w != 0))
    if len(pads):
        n = pads[0][0]
        return (f"for {label} your weights are not 0 at padded steps: row {n} "
                f"(length {lengths[n]}), {_steps(pads[pads[:, 0] == n][:, 1].tolist())}")
    for n in range(N):
        real = w[n, :lengths[n]]
        if not np.allclose(real, real[0], rtol=1e-9, atol=0):
            k = int(np.argmax(np.abs(real - real[0])))
            first, other = show_pair(real[0], real[k], sig=4)
            return (f"for {label} the real steps of row {n} get different weights: "
                    f"{first} at step 0, {other} at step {k}")
    totals = w.sum(axis=1)
    if totals.max() == 0:
        return f"for {label} all your weights are 0, and a weighted mean over them is 0 / 0"
    if not np.allclose(totals, totals.max(), rtol=1e-9, atol=0):
        share = totals / totals.max()
        shown = ", ".join(show_pair(t, totals.max(), sig=4)[0] for t in totals)
        heavy, light = (int(np.argmax(totals)), int(np.argmin(totals)))
        steps = f"{lengths[heavy]} step" + ("s" if lengths[heavy] != 1 else "")
        if totals[light] == 0:
            return (f"for {label} the rows' weights add up to [{shown}]: row {light} (length "
                    f"{lengths[light]}) has real steps and no weight at all")
        return (f"for {label} the rows' weights add up to [{shown}]: the row of {steps} "
                f"weighs {times(share[heavy] / share[light])} as much as the row of "
                f"{lengths[light]}")
    return None


def check_weighted_loss(weighted_cross_entropy, sequence_weights, hint=False, cases=None,
                        length_cases=None):
    """Exercise 2: weighted_cross_entropy(scores, labels, weights) -> (loss, dscores), the mean
    of the step losses weighted by ``weights``; sequence_weights(mask) -> (N, T) weights that
    make every sequence count the same, whatever its length."""
    cases = WEIGHT_CASES if cases is None else cases
    length_cases = LENGTH_CASES if length_cases is None else length_cases

    def check():
        for i, (weights, C, seed) in enumerate(cases):
            w = np.array(weights, dtype=np.float64)
            scores, labels = _scores_labels(w.shape, C, seed)
            problem = _weighted_loss_problem(weighted_cross_entropy, scores, labels, w,
                                             f"case {i + 1} (weights {w.tolist()})")
            if problem:
                return False, problem
        weights, C, seed = cases[0]
        w = np.array(weights, dtype=np.float64)
        scores, labels = _scores_labels(w.shape, C, seed)
        mask = w != 0
        problem = _weighted_loss_problem(weighted_cross_entropy, scores, labels, mask,
                                         "boolean weights (a mask)")
        if problem:
            return False, problem
        with np.errstate(all="ignore"):  # a naive exp overflows: the message says so
            big = _weighted_loss_problem(weighted_cross_entropy, 1000 * scores, labels, w,
                                         "scores of size about 1000")
        if big:
            return False, big
        for lengths, T in length_cases:
            problem = _sequence_weights_problem(sequence_weights, lengths, T)
            if problem:
                return False, "weighted_cross_entropy is right; sequence_weights: " + problem
        return True, ("right, also with a mask for weights and with scores of size 1000; "
                      "with your weights a 1-step sequence counts as much as a 4-step one "
                      "(a mask counts it a quarter as much)")
    return run_check(hint, "weighted_loss", check, hint=(
        "a mask is a weight of 1 or 0 per step: where section 4's masked_cross_entropy "
        "counts a step, count it with its weight instead; for the sequence weights, add up "
        "the weights of each row and compare the rows",
        "the loss is a weighted mean, so what it divides by is the total of the weights, and "
        "each step's gradient carries its own weight; a row of L real steps counts the same as "
        "any other when its weights add up to the same total"))


# ---------------------------------------------------------------- exercise 3

# (lengths, T, seed of the weights and inputs); no entry of b_h is near 0 (with
# b_h = 0, zero pads would leave h = 0 and a batch reversed whole would pass)
BACKWARD_CASES = [([5, 3, 1, 2], 5, 43)]


def _backward_params(seed, D=2, H=3, O=2):
    rng = np.random.default_rng(seed)
    W_xh, W_hh, b_h = rng.normal(0, 0.8, (H, D)), rng.normal(0, 0.6, (H, H)), rng.normal(0, 0.5, H)
    return {"W_xh": W_xh, "W_hh": W_hh, "b_h": b_h + 0.3 * np.sign(b_h),  # |b_h| > 0.3: not 0
            "W_hy": rng.normal(0, 0.5, (O, H)), "b_y": np.zeros(O)}


def _step(p, x, h):
    """One step of the cell on one sequence, plain matrix-vector products: (H,)."""
    return np.tanh(p["W_xh"] @ x + p["W_hh"] @ h + p["b_h"])


def _run(p, xs):
    """States after each element of xs (a list of (D,) inputs), from h = 0: a list."""
    h, out = np.zeros(len(p["b_h"])), []
    for x in xs:
        h = _step(p, x, h)
        out.append(h)
    return out


def _backward_candidates(p, x, lengths):
    """The right states and those of the usual slips, each (N, T, H), by sequence loops."""
    N, T, _ = x.shape
    H = len(p["b_h"])
    right, unaligned, forward, flipped, flipped_unaligned = (np.zeros((N, T, H))
                                                              for _ in range(5))
    for n in range(N):
        L = lengths[n]
        seq = [x[n, t] for t in range(L)]
        back = _run(p, seq[::-1])  # back[k]: after x[L - 1], ..., x[L - 1 - k]
        for t in range(L):
            right[n, t] = back[L - 1 - t]
            unaligned[n, t] = back[t]
        forward[n, :L] = _run(p, seq)
        whole = _run(p, [x[n, t] for t in range(T)][::-1])  # the padded row, flipped
        for t in range(T):
            flipped[n, t] = whole[T - 1 - t]
            flipped_unaligned[n, t] = whole[t]
    return right, unaligned, forward, flipped, flipped_unaligned


def _backward_problem(backward_states, lengths, T, seed):
    """What is wrong with backward_states on one batch, or None."""
    lengths = np.array(lengths)
    p = _backward_params(seed)
    rng = np.random.default_rng(seed + 1000)
    N, D, H = len(lengths), p["W_xh"].shape[1], len(p["b_h"])
    real = np.arange(T)[None, :] < lengths[:, None]  # (N, T)
    x = rng.normal(size=(N, T, D)) * real[:, :, None]  # zeros at the pads
    label = f"lengths {lengths.tolist()}, T = {T}"
    try:
        raw, changed = call_on_copies(backward_states, ("params", "x", "lengths"), p, x,
                                      lengths)
    except Exception as err:
        return f"for {label} your code raised {type(err).__name__}: {err}"
    if changed:
        return f"for {label}: {changed}"
    got, problem = _array(raw, "your states", (N, T, H), "(N, T, H)")
    if problem:
        return f"for {label}: {problem}"
    right, unaligned, forward, flipped, flipped_unaligned = _backward_candidates(p, x, lengths)

    def same(a, rows=range(N)):
        return all(np.allclose(got[n, :lengths[n]], a[n, :lengths[n]], rtol=1e-7, atol=1e-10)
                   for n in rows)

    if same(right):
        return None
    note = float32_note(np.asarray(raw)[real], right[real], "your states")
    if note:
        return f"for {label}: {note}"
    bad = [n for n in range(N) if not same(right, [n])]
    good = [n for n in range(N) if n not in bad]
    worst = max(np.abs(got[n, :lengths[n]] - right[n, :lengths[n]]).max() for n in bad)
    rows = ", ".join(f"{n} (length {lengths[n]})" for n in bad)
    if same(flipped):
        full = "right in the rows of length T, but " if good else ""
        return (f"for {label}: {full}in rows {rows} your states at the real steps differ by up "
                f"to {worst:.3g} from the sequence read alone: they are the states of an RNN "
                "that read the row's T - L padded steps (zeros) before the sequence's last "
                "element")
    if same(unaligned):
        return (f"for {label}: every row holds the right states, but in the order they were "
                "computed: your [n, 0] is the state after reading x[n, L - 1] alone, while at "
                "step 0 the backward state has read the whole sequence")
    if same(flipped_unaligned):
        return (f"for {label}: your [n, t] is the state after reading the padded row backwards "
                "from step T - 1 down to step T - 1 - t, pads included")
    if same(forward):
        return (f"for {label}: your states are those of an RNN reading each sequence from its "
                "first element")
    right_rows = "rows " + ", ".join(str(n) for n in good) + " are right; " if good else ""
    n = bad[0]
    t = int(np.argmax(np.abs(got[n, :lengths[n]] - right[n, :lengths[n]]).max(axis=1)))
    return (f"for {label}: {right_rows}in rows {rows} your states differ from those of the "
            f"sequence read alone from its end, by up to {worst:.3g} (row {n}, step {t} the "
            "most)")


def check_backward_states(backward_states, hint=False, cases=None):
    """Exercise 3: backward_states(params, x, lengths) -> (N, T, H), at every real step t of row
    n the state of an RNN that read x[n, lengths[n] - 1], ..., x[n, t] from h = 0."""
    cases = BACKWARD_CASES if cases is None else cases

    def check():
        for lengths, T, seed in cases:
            problem = _backward_problem(backward_states, lengths, T, seed)
            if problem:
                return False, problem
        return True, ("right at every real step, for lengths 1 to T: in the order the "
                      "backward RNN reads, the pads come after the sequence, so they cannot "
                      "reach a real state")
    return run_check(hint, "backward_states", check, hint=(
        "section 5: pads after a sequence cannot reach its real states because the RNN reads "
        "forwards; arrange the batch so that in the backward RNN's reading order the pads still "
        "come last",
        "build, for every row, the order in which its steps are read: its L real steps from "
        "the last to the first, then its pads; one index array per axis gathers the whole "
        "batch, and the same order puts each state back at the step it belongs to"))


# ---------------------------------------------------------------- exercise 4

# (lengths, T, H, seed)
MEAN_CASES = [([5, 3, 1, 2], 5, 3, 44)]


def _mean_reference(h, lengths):
    """Mean of the real states of each row, by loops: (N, H)."""
    N, _, H = h.shape
    out = np.zeros((N, H))
    for n in range(N):
        for t in range(lengths[n]):
            out[n] += h[n, t] / lengths[n]
    return out


def _mean_back_reference(dh_mean, shape, lengths):
    """The gradient of the mean read: 1/L of each row's gradient at each real step."""
    dh = np.zeros(shape)
    for n in range(shape[0]):
        for t in range(lengths[n]):
            dh[n, t] = dh_mean[n] / lengths[n]
    return dh


def _row_factors(got, want):
    """Per row, got / want if it is one number over the row (want != 0), else None."""
    factors = []
    for g, w in zip(got, want, strict=True):
        nonzero = np.abs(w) > 1e-12
        if not nonzero.any() or np.any(g[~nonzero] != 0):
            return None
        r = g[nonzero] / w[nonzero]
        if not np.allclose(r, r[0], rtol=1e-7, atol=0):
            return None
        factors.append(float(r[0]))
    return factors


def _factors_text(factors):
    """'[5, 3, 1, 2]': a factor of 1 (a right row, to float64 rounding) as 1, any other with
    enough digits that it never prints as 1."""
    return "[" + ", ".join("1" if math.isclose(f, 1.0, rel_tol=1e-9) else
                           show_pair(f, 1.0, sig=4)[0] for f in factors) + "]"


def check_mean_read(mean_read_forward, mean_read_backward, hint=False, cases=None):
    """Exercise 4: mean_read_forward(h, lengths) -> (h_mean (N, H), cache), the mean of each
    row's real states; mean_read_backward(dh_mean, cache) -> dh (N, T, H)."""
    cases = MEAN_CASES if cases is None else cases

    def check():
        for lengths, T, H, seed in cases:
            lengths = np.array(lengths)
            N = len(lengths)
            rng = np.random.default_rng(seed)
            h = np.tanh(rng.normal(size=(N, T, H)))
            dh_mean = rng.normal(size=(N, H))
            label = f"lengths {lengths.tolist()}, T = {T}"
            try:
                out, changed = call_on_copies(mean_read_forward, ("h", "lengths"), h, lengths)
            except Exception as err:
                return False, (f"for {label} mean_read_forward raised "
                               f"{type(err).__name__}: {err}")
            if changed:
                return False, f"for {label}, mean_read_forward: {changed}"
            if (msg := returned_nothing(out, "a tuple (h_mean, cache)")):
                return False, f"mean_read_forward: {msg}"
            if not isinstance(out, tuple) or len(out) != 2:
                return False, "mean_read_forward should return a tuple (h_mean, cache)"
            got, problem = _array(out[0], "h_mean", (N, H), "(N, H)")
            if problem:
                return False, f"for {label}: {problem}"
            want = _mean_reference(h, lengths)
            if not np.allclose(got, want, rtol=1e-9, atol=1e-12):
                bad = [n for n in range(N) if not np.allclose(got[n], want[n], rtol=1e-9,
                                                               atol=1e-12)]
                n = bad[0]
                seen = f"for {label}, h_mean of row {n} (length {lengths[n]}) is not right"
                note = float32_note(out[0], want, "the entries of your h_mean")
                if note:
                    return False, f"for {label}: {note}"
                if np.allclose(got, h.mean(axis=1)):
                    return False, (f"{seen}: it equals the mean over all {T} steps, padded "
                                   "ones included; rows of length T are right")
                if np.allclose(got, h[np.arange(N), lengths - 1]):
                    return False, f"{seen}: it equals the row's state at its last real step"
                factors = _row_factors(got, want)
                if factors:
                    return False, (f"{seen}: row by row, your h_mean is "
                                   f"{_factors_text(factors)} times the mean of the "
                                   f"real states (the rows' lengths are {lengths.tolist()})")
                return False, (f"{seen}: it differs from the mean of its real states by up to "
                               f"{np.abs(got[n] - want[n]).max():.3g}")
            try:
                back, changed = call_on_copies(mean_read_backward, ("dh_mean",), dh_mean, out[1])
            except Exception as err:
                return False, (f"for {label} mean_read_backward raised "
                               f"{type(err).__name__}: {err}")
            if changed:
                return False, f"h_mean is right; for {label}, mean_read_backward: {changed}"
            dh, problem = _array(back, "dh", (N, T, H), "(N, T, H)")
            if problem:
                return False, f"h_mean is right; for {label}: {problem}"
            want_dh = _mean_back_reference(dh_mean, h.shape, lengths)
            if np.allclose(dh, want_dh, rtol=1e-9, atol=1e-12):
                continue
            seen = f"h_mean is right; for {label}, dh is not right"
            note = float32_note(back, want_dh, "the entries of your dh")
            if note:
                return False, f"h_mean is right; for {label}: {note}"
            pads = np.argwhere((np.arange(T)[None, :] >= lengths[:, None])
                               & np.any(dh != 0, axis=-1))
            if len(pads):
                n = pads[0][0]
                return False, (f"{seen}: it is not 0 at padded steps: row {n} (length "
                               f"{lengths[n]}), {_steps(pads[pads[:, 0] == n][:, 1].tolist())}")
            last_only = np.zeros_like(dh)
            last_only[np.arange(N), lengths - 1] = dh[np.arange(N), lengths - 1]
            longer = [n for n in range(N) if lengths[n] > 1]
            if longer and np.array_equal(dh, last_only):
                n = longer[0]
                return False, (f"{seen}: only step L - 1 of each row gets gradient; in row "
                               f"{n} (length {lengths[n]}) steps 0-{lengths[n] - 2} get none, "
                               "although they are in the mean too")
            factors = _row_factors(dh, want_dh)
            if factors:
                return False, (f"{seen}: row by row, your dh is "
                               f"{_factors_text(factors)} times the gradient of the "
                               f"mean at every real step (the rows' lengths are "
                               f"{lengths.tolist()})")
            n, t = np.unravel_index(np.argmax(np.abs(dh - want_dh).max(axis=-1)), (N, T))
            return False, (f"{seen}: it differs from the gradient of the mean read by up to "
                           f"{np.abs(dh - want_dh).max():.3g} (at row {n}, step {t})")
        return True, ("each real step gets 1/L of the read's gradient directly, the pads "
                      "none; unlike the gather of section 7, the first steps get theirs "
                      "without crossing the later ones")
    return run_check(hint, "mean_read", check, hint=(
        "the mean of row n is a sum over its real steps only, divided by how many there are; "
        "its backward pass sends each state the share of the gradient it had in the mean",
        "d(mean)/d(h[n, t]) is the same for every real step of row n and 0 for its pads; keep "
        "in the cache what the backward pass needs to know which steps are real"))
