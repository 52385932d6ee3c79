"""Weight initialisation. Each returns a fresh float64 array of shape (fan_out, fan_in)."""

import numpy as np

from ._checks import check_array, check_positive, check_sizes, make_rng, validated


def _sizes(fan_out, fan_in, rng=None, scale=None):
    check_sizes(fan_out=fan_out, fan_in=fan_in)


@validated(_sizes)
def small_random(fan_out, fan_in, rng, scale=0.01):
    """N(0, scale^2) entries: the classic "randn * 0.01" start (min-char-rnn uses it)."""
    return make_rng(rng).normal(0.0, scale, size=(fan_out, fan_in))


@validated(_sizes)
def lecun_normal(fan_out, fan_in, rng):
    """N(0, 1/fan_in) entries (LeCun's initialisation): x @ W.T keeps roughly the variance of x.

    Glorot (Xavier) normal would use variance 2 / (fan_in + fan_out); for a square W_hh the
    two are the same.
    """
    return make_rng(rng).normal(0.0, 1.0 / np.sqrt(fan_in), size=(fan_out, fan_in))


@validated(lambda n, rng, gain=1.0: check_positive("n", n, integer=True))
def orthogonal(n, rng, gain=1.0):
    """A random (n, n) orthogonal matrix times ``gain``: every singular value equals gain."""
    q, r = np.linalg.qr(make_rng(rng).normal(size=(n, n)))
    return gain * q * np.sign(np.diag(r))  # sign fix makes the distribution uniform


def _radius_args(W, radius):
    check_array("W", W, "H H")
    check_positive("radius", radius)


@validated(_radius_args)
def scale_to_spectral_radius(W, radius):
    """Return W rescaled so that its largest |eigenvalue| equals ``radius``."""
    current = np.max(np.abs(np.linalg.eigvals(W)))
    if current == 0:
        raise ValueError("W: spectral radius is 0; it cannot be rescaled")
    return W * (radius / current)
