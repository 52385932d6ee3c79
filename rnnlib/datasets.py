"""Small data sets generated on the spot, so nothing is ever downloaded; padding and masks.

AR(2) series and windows (notebooks 01-02), padding and masks, a per-step task (04) and a
long-range one (05); the character sources of 06-07 are in markov.py. A many-to-one task is a
many-to-many task whose mask is True at one step only, so the same loss serves both.
"""

import numpy as np

from ._checks import check_array, check_integers, check_positive, check_sizes, make_rng, validated


def _ar2_args(n, rng, start=None, phi=None, noise_std=0.5, mean=None):
    if check_positive("n", n, integer=True) < 2:
        raise ValueError(f"n: expected at least 2 days (the two starting values), got {n}")
    check_positive("noise_std", noise_std, allow_zero=True)


@validated(_ar2_args)
def ar2_series(n, rng, start=(20.0, 21.0), phi=(0.7, 0.2), noise_std=0.5, mean=0.0):
    """A synthetic daily "temperature" series from an AR(2) process.

        T_t - mean = phi1 (T_{t-1} - mean) + phi2 (T_{t-2} - mean) + e_t,  e_t ~ N(0, noise_std^2)

    The defaults give T_t = 0.7 T_{t-1} + 0.2 T_{t-2} + N(0, 0.5^2) from 20 and 21. They meet
    all three conditions for a stationary AR(2), |phi2| < 1, phi1 + phi2 < 1 and
    phi2 - phi1 < 1, so the series forgets its start and settles around ``mean``.

    Inputs:
    - n: number of days (including the two starting values), at least 2.
    - rng: integer seed or numpy Generator.
    - start: the first two values; phi: (phi1, phi2); noise_std: std of e_t; mean: level.

    Returns:
    - series: (n,) float64 array.
    """
    rng = make_rng(rng)
    series = np.empty(n)
    series[:2] = start
    noise = rng.normal(0.0, noise_std, size=n)
    for t in range(2, n):
        series[t] = (mean + phi[0] * (series[t - 1] - mean) + phi[1] * (series[t - 2] - mean)
                     + noise[t])
    return series


def _windows_args(series, window):
    L = len(check_array("series", series, "L"))
    if check_positive("window", window, integer=True) >= L:
        raise ValueError(f"window: must be shorter than the series (length {L}), got {window}")


@validated(_windows_args)
def sliding_windows(series, window):
    """Cut a series into overlapping windows and the value that follows each.

    Inputs:
    - series: (L,) values.
    - window: length T of each input window, 1 <= T < L.

    Returns a tuple of:
    - x: (N, T, 1) windows with N = L - T, batch first, one feature per step.
    - y: (N, 1) the value right after each window.
    """
    n = len(series) - window
    idx = np.arange(n)[:, None] + np.arange(window)[None, :]  # (N, T) positions
    return series[idx][:, :, None], series[window:, None]


def _mask_args(lengths, T=None):
    lengths = check_integers("lengths", lengths, 1, what="every length")
    if T is not None and check_positive("T", T, integer=True) < lengths.max():
        raise ValueError(f"T: must be >= the longest length {lengths.max()}, got {T}")


@validated(_mask_args)
def lengths_to_mask(lengths, T=None):
    """Boolean mask that is True on the first lengths[i] steps of row i.

    Inputs:
    - lengths: (N,) positive integers.
    - T: number of columns (default: the largest length); must be >= every length.

    Returns:
    - mask: (N, T) booleans, mask[i, t] = t < lengths[i].
    """
    lengths = np.asarray(lengths)
    T = int(lengths.max()) if T is None else T
    return np.arange(T)[None, :] < lengths[:, None]  # (1, T) < (N, 1) -> (N, T)


def _pad_args(sequences, T=None, value=0):
    if not isinstance(sequences, (list, tuple)) or not sequences:
        raise TypeError("sequences: expected a non-empty list of arrays")
    tail = np.shape(sequences[0])[1:]
    for i, shape in enumerate(map(np.shape, sequences)):
        if len(shape) not in (1, 2) or shape[1:] != tail or shape[0] == 0:
            raise ValueError(
                f"sequences[{i}]: expected shape (T_i,{' D' if tail else ''}) with "
                f"{'D = ' + str(tail[0]) if tail else 'one value per step'}, got {shape}"
            )
    _mask_args([len(s) for s in sequences], T)


@validated(_pad_args)
def pad_sequences(sequences, T=None, value=0):
    """Stack sequences of different lengths into one batch, padding at the end.

    Inputs:
    - sequences: list of N arrays, sequence i of shape (T_i,) or (T_i, D) (same D for all).
    - T: padded length (default: the longest T_i).
    - value: what to put in the padded steps.

    Returns a tuple of:
    - padded: (N, T) or (N, T, D) array whose dtype holds every sequence (np.result_type).
    - mask: (N, T) booleans, True at real steps, False at padding.
    """
    seqs = [np.asarray(s) for s in sequences]
    mask = lengths_to_mask([len(s) for s in seqs], T)
    # result_type: one float sequence among integer ones must not be truncated to integers
    padded = np.full(mask.shape + seqs[0].shape[1:], value, dtype=np.result_type(*seqs))
    for i, s in enumerate(seqs):
        padded[i, : len(s)] = s
    return padded, mask


def _running_sign_args(n, rng, min_len=5, max_len=20):
    check_sizes(n=n, min_len=min_len, max_len=max_len)
    if min_len > max_len:
        raise ValueError(f"min_len: must be <= max_len = {max_len}, got {min_len}")


@validated(_running_sign_args)
def running_sign_data(n, rng, min_len=5, max_len=20):
    """Per-step task: is the running sum of the inputs so far positive?

    x_t ~ N(0, 1) and label_t = 1 if x_1 + ... + x_t > 0 else 0. The current input alone
    does not decide the label: the network must remember the sum. Lengths are uniform in
    [min_len, max_len]; sequences are padded at the end with zeros (label 0, mask False).

    Inputs:
    - n: number of sequences; rng: seed or Generator; min_len <= max_len: length range.

    Returns a tuple of:
    - x: (n, max_len, 1) float64, labels: (n, max_len) int64, mask: (n, max_len) bool.
    """
    rng = make_rng(rng)
    lengths = rng.integers(min_len, max_len + 1, size=n)
    mask = lengths_to_mask(lengths, max_len)
    x = rng.normal(size=(n, max_len)) * mask  # zeros at padded steps
    labels = (np.cumsum(x, axis=1) > 0).astype(np.int64) * mask
    return x[:, :, None], labels, mask


def _recall_args(n, T, rng, noise=1.0, length=None):
    check_sizes(n=n, T=T)
    check_positive("noise", noise, allow_zero=True)
    if length is not None and check_positive("length", length, integer=True) < T:
        raise ValueError(f"length: expected at least T = {T} steps (the bit comes T steps "
                         f"before the end), got {length}")


@validated(_recall_args)
def recall_first_data(n, T, rng, noise=1.0, length=None):
    """Long-range task: at the last step, report the sign of a bit seen T steps earlier.

    Two input channels. Channel 0 holds one bit, +1 or -1, at step length - T (0-based) and
    zeros elsewhere; channel 1 holds N(0, noise^2) distractors at every step. The label (1 for
    +1, 0 for -1) is asked for at the last step only, so the mask is True only there: a
    many-to-one task. T is the distance: the bit is read T steps before the end, counting the
    step that reads it and the step that answers, so the state must carry it through T - 1
    updates. By default length = T and the bit is the first input; a longer sequence keeps
    the distance T and adds distractors before the bit.

    Inputs:
    - n: number of sequences; T: distance (>= 1); rng: seed or Generator; noise: std;
      length: number of steps (>= T; default T).

    Returns a tuple of:
    - x: (n, length, 2) float64, labels: (n, length) int64 (the class, repeated),
      mask: (n, length) bool.
    """
    rng = make_rng(rng)
    length = T if length is None else length
    cls = rng.integers(0, 2, size=n)
    x = np.zeros((n, length, 2))
    x[:, length - T, 0] = 2.0 * cls - 1.0
    x[:, :, 1] = rng.normal(0.0, noise, size=(n, length))
    labels = np.repeat(cls[:, None], length, axis=1).astype(np.int64)
    mask = np.zeros((n, length), dtype=bool)
    mask[:, -1] = True
    return x, labels, mask
