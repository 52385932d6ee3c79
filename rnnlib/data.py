"""Small data sets generated on the spot, so nothing is ever downloaded."""

import numpy as np

from ._checks import check_array, check_positive


def make_rng(seed_or_rng):
    """Return a numpy Generator: pass one through, or make one from an integer seed."""
    if isinstance(seed_or_rng, np.random.Generator):
        return seed_or_rng
    if isinstance(seed_or_rng, (int, np.integer)) and not isinstance(seed_or_rng, bool):
        return np.random.default_rng(seed_or_rng)
    raise TypeError(
        f"rng: expected an integer seed or a numpy.random.Generator, "
        f"got {type(seed_or_rng).__name__}"
    )


def ar2_series(n, rng, start=(20.0, 21.0), phi=(0.7, 0.2), noise_std=0.5, mean=0.0):
    """A synthetic daily "temperature" series from an AR(2) process.

        T_t - mean = phi1 (T_{t-1} - mean) + phi2 (T_{t-2} - mean) + e_t,  e_t ~ N(0, noise_std^2)

    With the defaults (mean 0) this is T_t = 0.7 T_{t-1} + 0.2 T_{t-2} + N(0, 0.5^2) started
    from 20 and 21. Since 0.7 + 0.2 < 1 the process is stationary: it forgets its start and
    settles around ``mean``.

    Inputs:
    - n: number of days (including the two starting values), at least 2.
    - rng: integer seed or numpy Generator.
    - start: the first two values; phi: (phi1, phi2); noise_std: std of e_t; mean: level.

    Returns:
    - series: (n,) float64 array.
    """
    check_positive("n", n, integer=True)
    if n < 2:
        raise ValueError(f"n: expected at least 2 days (the two starting values), got {n}")
    check_positive("noise_std", noise_std, allow_zero=True)
    rng = make_rng(rng)
    series = np.empty(n)
    series[:2] = start
    noise = rng.normal(0.0, noise_std, size=n)
    for t in range(2, n):
        series[t] = (mean + phi[0] * (series[t - 1] - mean) + phi[1] * (series[t - 2] - mean)
                     + noise[t])
    return series


def sliding_windows(series, window):
    """Cut a series into overlapping windows and the value that follows each.

    Inputs:
    - series: (L,) values.
    - window: length T of each input window, 1 <= T < L.

    Returns a tuple of:
    - x: (N, T, 1) windows with N = L - T, batch first, one feature per step.
    - y: (N, 1) the value right after each window.
    """
    check_array("series", series, "L")
    check_positive("window", window, integer=True)
    if window >= len(series):
        raise ValueError(
            f"window: must be shorter than the series (length {len(series)}), got {window}"
        )
    n = len(series) - window
    idx = np.arange(n)[:, None] + np.arange(window)[None, :]  # (N, T) positions
    return series[idx][:, :, None], series[window:, None]
