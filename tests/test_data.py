"""The bundled handwritten digits (hebbian.data)."""

import numpy as np
import pytest

from hebbian.data import binary_digits, load_digits


def test_the_digits_are_the_uci_test_set():
    images, labels = load_digits()
    assert images.shape == (1797, 8, 8) and images.dtype == np.uint8
    assert labels.shape == (1797,) and labels.dtype == np.uint8
    assert images.min() == 0 and images.max() == 16
    counts = np.bincount(labels)
    assert counts.tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_binary_digits_have_61_varying_pixels():
    spins, labels, pixels = binary_digits()
    assert spins.shape == (1797, 61) and set(np.unique(spins)) == {-1, 1}
    assert pixels.shape == (64,) and pixels.sum() == 61
    assert np.all(spins.min(axis=0) == -1) and np.all(spins.max(axis=0) == 1)
    assert np.array_equal(labels, load_digits()[1])


def test_a_damaged_file_is_refused(monkeypatch):
    import hebbian.data as data

    monkeypatch.setattr(data, "DIGITS_SHA256", "0" * 64)
    with pytest.raises(OSError, match="damaged"):
        load_digits()
