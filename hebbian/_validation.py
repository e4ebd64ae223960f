"""Argument checks shared by the public API.

Every check raises :class:`ValueError` (or :class:`TypeError` for a wrong kind of
object) with a message that names the argument, the value received and the allowed
range, so that the CLI can print it as one line.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = [
    "MAX_STORED_SEED",
    "as_generator",
    "check_choice",
    "check_stored_seed",
    "check_int",
    "check_real",
    "is_ternary",
    "max_abs_integer",
]


#: Largest seed a run stores in its result: NetCDF attributes hold 64-bit integers, so a
#: command that writes its seed accepts ``0 <= seed <= 2**63 - 1``.
MAX_STORED_SEED = 2**63 - 1


def check_stored_seed(seed: object) -> int:
    """Return a seed that a result can store: an integer in ``[0, MAX_STORED_SEED]``."""
    seed = check_int("seed", seed, minimum=0)
    if seed > MAX_STORED_SEED:
        raise ValueError(
            f"seed must be <= {MAX_STORED_SEED} (results store it as a 64-bit integer), got {seed}"
        )
    return seed


def check_int(
    name: str, value: object, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Return ``value`` as an ``int`` after checking ``minimum <= value <= maximum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(
            f"{name} must be {_range_text(minimum, maximum, True, True)}, got {value}"
        )
    return value


def check_real(
    name: str,
    value: object,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    include_minimum: bool = True,
    include_maximum: bool = True,
) -> float:
    """Return ``value`` as a finite ``float`` inside the stated interval."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    low_bad = minimum is not None and (
        value < minimum or (value == minimum and not include_minimum)
    )
    high_bad = maximum is not None and (
        value > maximum or (value == maximum and not include_maximum)
    )
    if not math.isfinite(value) or low_bad or high_bad:
        allowed = _range_text(minimum, maximum, include_minimum, include_maximum)
        if not math.isfinite(value):
            allowed = "a finite number" + ("" if allowed == "a number" else f" {allowed}")
        raise ValueError(f"{name} must be {allowed}, got {value:g}")
    return value


def check_choice(name: str, value: object, choices: tuple[str, ...] | list[str]) -> str:
    """Return ``value`` if it is one of ``choices``."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return str(value)


def as_generator(seed: int | np.random.Generator | None) -> np.random.Generator:
    """Normalise ``seed`` (int, Generator or None) to a NumPy ``Generator``, once."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise TypeError(f"seed must be an int, a numpy Generator or None, got {seed!r}")
    if seed is not None and seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    return np.random.default_rng(seed)


def _range_text(minimum, maximum, include_minimum, include_maximum) -> str:
    if minimum is not None and maximum is not None:
        left = "[" if include_minimum else "("
        right = "]" if include_maximum else ")"
        return f"in {left}{minimum:g}, {maximum:g}{right}"
    if minimum is not None:
        return f"{'>=' if include_minimum else '>'} {minimum:g}"
    if maximum is not None:
        return f"{'<=' if include_maximum else '<'} {maximum:g}"
    return "a number"


#: Entries per slice of the checks of non-integer arrays (bounds their temporaries).
_CHECK_SLICE = 1 << 20


def is_ternary(values: np.ndarray) -> bool:
    """Return whether every entry of ``values`` is -1, 0 or +1 (what ``numpy.isin`` tested).

    An integer (or boolean) array needs its minimum and maximum only, no temporary;
    floating and complex arrays are compared in buffered slices of
    :data:`_CHECK_SLICE` entries; other kinds go through ``numpy.isin``.
    """
    arr = np.asarray(values)
    if arr.size == 0 or arr.dtype.kind == "b":
        return True
    if arr.dtype.kind in "iu":
        return bool(arr.min() >= -1 and arr.max() <= 1)
    if arr.dtype.kind not in "fc":
        return bool(np.all(np.isin(arr, (-1, 0, 1))))
    flags = ["external_loop", "buffered", "zerosize_ok"]
    for x in np.nditer(arr, flags=flags, order="K", buffersize=_CHECK_SLICE):
        if not np.all((x == 0) | (x == 1) | (x == -1)):
            return False
    return True


def max_abs_integer(values: np.ndarray, *, name: str, limit: int, allowed: str) -> int:
    """Return :math:`\\max |x|` of an array whose entries are integers in ``[-limit, limit]``.

    Integer (and boolean) arrays need their minimum and maximum only; floating and complex
    arrays (whose entries must be exactly integral, with a zero imaginary part) are checked
    in buffered slices of :data:`_CHECK_SLICE` entries, so no temporary is larger than a
    slice; other kinds are converted to float64 first.

    Parameters
    ----------
    values : array_like
    name : str
        What the entries are, for the message (``"memories"``).
    limit : int
        Largest allowed magnitude.
    allowed : str
        The allowed values in words, for the message (``"integers in [-9, 9]"``).

    Returns
    -------
    int
        The largest magnitude of an entry (0 for an empty array).

    Raises
    ------
    ValueError
        One line naming the first offending entry: ``memories entries must be ...,
        got 0.5``.
    """
    arr = np.asarray(values)
    if arr.size == 0:
        return 0
    if arr.dtype.kind == "b":
        return int(arr.any())
    if arr.dtype.kind in "iu":
        lo, hi = int(arr.min()), int(arr.max())
        for bad in (lo, hi):
            if abs(bad) > limit:
                raise ValueError(f"{name} entries must be {allowed}, got {bad}")
        return max(-lo, hi)
    if arr.dtype.kind not in "fc":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                f"{name} entries must be {allowed}, got an array of {arr.dtype}"
            ) from None
    largest = 0.0
    flags = ["external_loop", "buffered", "zerosize_ok"]
    for x in np.nditer(arr, flags=flags, order="K", buffersize=_CHECK_SLICE):
        if x.dtype.kind == "c":
            if np.any(x.imag != 0):
                raise ValueError(f"{name} entries must be {allowed}, got {x[x.imag != 0][0]}")
            x = x.real
        magnitude = np.abs(x)
        ok = (x == np.trunc(x)) & (magnitude <= limit)  # False for nan and inf
        if not np.all(ok):
            bad = float(x[~ok][0])
            shown = int(bad) if bad.is_integer() else bad  # is_integer: False for nan, inf
            raise ValueError(f"{name} entries must be {allowed}, got {shown!r}")
        largest = max(largest, float(magnitude.max()))
    return int(largest)
