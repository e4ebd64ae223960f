"""Bundled data sets: the 8x8 handwritten digits of Alpaydin and Kaynak.

:func:`load_digits` returns the 1797 images of the test set of the UCI "Optical
Recognition of Handwritten Digits" data set (E. Alpaydin, C. Kaynak, 1998,
https://doi.org/10.24432/C50P49), licensed under Creative Commons Attribution 4.0
(``LICENSE-digits.txt`` beside this module). Each image is a 32x32 bitmap written by
one of 13 people, reduced to 8x8 blocks that count the "on" pixels of 4x4 cells, so
its values run from 0 to 16. The file ``digits.npz`` holds them unchanged, in the order
of the UCI file (the order scikit-learn's ``load_digits`` gives as well);
``scripts/make_digits.py`` wrote it. :func:`binary_digits` gives them as spins.
"""

from __future__ import annotations

import hashlib
from importlib import resources

import numpy as np

__all__ = ["DIGITS_SHA256", "binary_digits", "load_digits"]

#: SHA-256 of the images' bytes followed by the labels' bytes (uint8, C order), which
#: :func:`load_digits` checks, so that a damaged file fails loudly.
DIGITS_SHA256 = "87ff0c9e40dc7e2c0e34e7257799c2e3f3aec1a016363bb11cad869ec428a826"


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """Return the handwritten digits: images ``(1797, 8, 8)`` in 0..16 and labels 0..9.

    Returns
    -------
    images : (1797, 8, 8) uint8 array
    labels : (1797,) uint8 array
        Between 174 and 183 images per digit.

    Raises
    ------
    OSError
        When the bundled file is missing or its contents differ from
        :data:`DIGITS_SHA256`.
    """
    with resources.files(__name__).joinpath("digits.npz").open("rb") as handle:
        with np.load(handle) as data:
            images, labels = data["images"], data["labels"]
    digest = hashlib.sha256(images.tobytes() + labels.tobytes()).hexdigest()
    if digest != DIGITS_SHA256:
        raise OSError(
            f"the bundled digits file is damaged (SHA-256 {digest}, expected {DIGITS_SHA256})"
        )
    return images, labels


def binary_digits() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the digits as spins: +1 where a pixel is above its median, else -1.

    Pixels that are then equal in every image (3 of the 64, on the left and right
    edges) carry no information and are dropped.

    Returns
    -------
    spins : (1797, 61) int8 array of {-1, +1}
    labels : (1797,) int64 array
    pixels : (64,) bool array
        Which pixels of the 8x8 image (row-major) the 61 spins are, to draw them.
    """
    images, labels = load_digits()
    counts = images.reshape(len(images), -1).astype(np.int16)
    spins = np.where(counts > np.median(counts, axis=0), 1, -1).astype(np.int8)
    pixels = (spins != spins[0]).any(axis=0)
    return np.ascontiguousarray(spins[:, pixels]), labels.astype(np.int64), pixels
