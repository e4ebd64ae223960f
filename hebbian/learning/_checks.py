"""Argument checks shared by the learning rules."""

from __future__ import annotations

import numpy as np

__all__ = ["check_flag", "check_patterns"]


def check_patterns(patterns: object, *, name: str = "patterns") -> np.ndarray:
    """Return ``patterns`` as a C-contiguous (K, N) ``int8`` array of -1 and +1.

    Raises
    ------
    ValueError
        One line naming the shape or the first entry that is not -1 or +1.
    """
    arr = np.asarray(patterns)
    if arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] < 2:
        raise ValueError(
            f"{name} must be a (K, N) array with K >= 1 patterns and N >= 2 neurons, "
            f"got shape {arr.shape}"
        )
    if arr.dtype.kind not in "iuf":
        raise ValueError(f"{name} entries must be -1 or +1, got an array of {arr.dtype}")
    good = (arr == 1) | (arr == -1)
    if not np.all(good):
        bad = arr[~good].flat[0]
        shown = int(bad) if float(bad).is_integer() else float(bad)
        raise ValueError(f"{name} entries must be -1 or +1, got {shown!r}")
    return np.ascontiguousarray(arr, dtype=np.int8)


def check_flag(name: str, value: object) -> bool:
    """Return ``value`` if it is a bool (or NumPy bool)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)
