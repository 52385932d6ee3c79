"""The figures' colours stay apart for readers with a colour-vision deficiency.

notebooks/matplotlibrc sets the colour cycle of every figure. Here its first six colours are
passed through the simulations of protanopia, deuteranopia and tritanopia (full severity) of
Machado, Oliveira and Fernandes (2009), linear-RGB matrices, and every pair must stay at
least MIN_DELTA_E apart in CIELAB (CIE 1976 distance; about 2.3 is a just noticeable
difference). Colours 7 and 8 (black, grey) are for reference lines; curves that mean
different things also differ in line style or marker, which no colour vision needs.
"""

import itertools
import re
from pathlib import Path

import numpy as np
import pytest

RC = Path(__file__).resolve().parents[1] / "notebooks" / "matplotlibrc"
MIN_DELTA_E = 15.0
SIMULATIONS = {  # Machado et al. 2009, severity 1.0, applied to linear RGB
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}
SRGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                        [0.0193, 0.1192, 0.9505]])
D65 = np.array([0.95047, 1.0, 1.08883])


def cycle():
    (line,) = [x for x in RC.read_text(encoding="utf-8").splitlines()
               if x.startswith("axes.prop_cycle")]
    return re.findall(r"'([0-9A-Fa-f]{6})'", line)


def linear_rgb(hex_colour):
    c = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(rgb):
    t = SRGB_TO_XYZ @ rgb / D65
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def closest_pair(colours, matrix):
    seen = [lab(np.clip(np.asarray(matrix) @ linear_rgb(c), 0, 1)) for c in colours]
    return min((float(np.linalg.norm(seen[i] - seen[j])), colours[i], colours[j])
               for i, j in itertools.combinations(range(len(colours)), 2))


def test_lab_of_known_colours():
    # white is L = 100, a = b = 0; sRGB's pure red is about (53.2, 80.1, 67.2)
    np.testing.assert_allclose(lab(linear_rgb("FFFFFF")), [100, 0, 0], atol=0.05)
    np.testing.assert_allclose(lab(linear_rgb("FF0000")), [53.24, 80.09, 67.20], atol=0.1)
    # every simulation leaves grey grey: each row of its matrix sums to 1
    for matrix in SIMULATIONS.values():
        np.testing.assert_allclose(np.sum(matrix, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("vision", ["typical", *SIMULATIONS])
def test_the_first_six_colours_stay_apart(vision):
    colours = cycle()
    assert len(colours) == 8
    matrix = np.eye(3) if vision == "typical" else SIMULATIONS[vision]
    distance, a, b = closest_pair(colours[:6], matrix)
    assert distance >= MIN_DELTA_E, f"{vision}: #{a} and #{b} only {distance:.1f} apart"


def test_matplotlibs_default_colours_would_fail():
    # tab10's orange and green look alike to a protanope, green and red to a deuteranope
    tab10 = ["1f77b4", "ff7f0e", "2ca02c", "d62728", "9467bd", "8c564b"]
    assert closest_pair(tab10, SIMULATIONS["protanopia"])[0] < 6
    assert closest_pair(tab10, SIMULATIONS["deuteranopia"])[0] < 8
