"""rnnlib.wilson_interval, the interval of a success rate over seeds (notebooks 05 and 08)."""

import math

import numpy as np
import pytest

from rnnlib import wilson_interval


@pytest.mark.parametrize(("k", "n"), [(0, 10), (1, 10), (5, 10), (10, 10), (3, 20), (14, 17)])
def test_the_ends_solve_the_quadratic_of_the_score_test(k, n):
    # |k/n - p| = z sqrt(p(1 - p)/n), squared: (n + z^2) p^2 - (2k + z^2) p + k^2/n = 0
    z = 1.96
    roots = np.sort(np.roots([n + z * z, -(2 * k + z * z), k * k / n]).real)
    low, high = wilson_interval(k, n)
    assert low == pytest.approx(max(roots[0], 0.0), abs=1e-12)
    assert high == pytest.approx(min(roots[1], 1.0), abs=1e-12)
    assert 0.0 <= low <= k / n <= high <= 1.0


def test_known_values_and_symmetry():
    # 0 of n: [0, z^2 / (n + z^2)]; n of n: its mirror image
    assert wilson_interval(0, 10) == (0.0, pytest.approx(1.96**2 / (10 + 1.96**2)))
    low, high = wilson_interval(10, 10)
    assert (low, high) == (pytest.approx(10 / (10 + 1.96**2)), 1.0)
    a, b = wilson_interval(3, 20)
    c, d = wilson_interval(17, 20)
    assert math.isclose(a, 1 - d) and math.isclose(b, 1 - c)
    # a larger z gives a wider interval
    assert wilson_interval(3, 20, z=3.0)[0] < a and wilson_interval(3, 20, z=3.0)[1] > b


def test_bad_counts_are_named():
    with pytest.raises(ValueError, match=r"k: expected a count of successes between 0 and "
                                         r"n = 5, got 6"):
        wilson_interval(6, 5)
    with pytest.raises(ValueError, match=r"n: expected a finite value > 0, got 0"):
        wilson_interval(0, 0)
    with pytest.raises(TypeError, match=r"k: expected an integer, got float"):
        wilson_interval(2.0, 5)
