"""Shared fixtures for the unit tests."""

import numpy as np
import pytest


@pytest.fixture
def rng():
    """A fresh, seeded generator for each test, so tests never share random state."""
    return np.random.default_rng(1234)
