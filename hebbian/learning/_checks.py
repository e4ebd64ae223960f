"""Argument checks shared by the learning rules."""

from __future__ import annotations

import numpy as np

from hebbian._validation import check_int, check_real

__all__ = ["check_flag", "check_gap", "check_patterns", "check_row_rule", "check_start"]


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


def check_start(
    start: object, n_neurons: int, *, self_coupling: bool, symmetric: bool
) -> np.ndarray | None:
    """Return the couplings a rule starts from as an (N, N) float64 array (or ``None``).

    Parameters
    ----------
    start : array-like or None
        ``None``: the rule starts from :math:`J = 0`.
    n_neurons : int
        ``N``, read from the patterns.
    self_coupling : bool
        Without it the diagonal must be zero (it stays zero throughout learning).
    symmetric : bool
        Whether the rule keeps ``J`` symmetric, so that ``start`` must be (exactly).

    Raises
    ------
    ValueError
        One line naming the shape, the first entry that is not finite, a nonzero
        diagonal without self-coupling, or an asymmetric start of a symmetric rule.
    """
    if start is None:
        return None
    arr = np.asarray(start)
    if arr.shape != (n_neurons, n_neurons):
        raise ValueError(
            f"start must be an (N, N) = ({n_neurons}, {n_neurons}) array of couplings, "
            f"got shape {arr.shape}"
        )
    if arr.dtype.kind not in "iuf":
        raise ValueError(f"start must hold real numbers, got an array of {arr.dtype}")
    arr = np.array(arr, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(
            f"start entries must be finite, got {float(arr[~np.isfinite(arr)].flat[0])!r}"
        )
    if not self_coupling and np.any(np.diagonal(arr) != 0.0):
        raise ValueError(
            "start must have a zero diagonal when self_coupling=False, got "
            f"start[i, i] = {float(np.diagonal(arr)[np.diagonal(arr) != 0.0][0])!r}"
        )
    if symmetric and not np.array_equal(arr, arr.T):
        raise ValueError("start must be exactly symmetric for a symmetric rule")
    return arr


def check_row_rule(
    patterns: object, self_coupling: object, max_sweeps: object, full_output: object
) -> tuple[np.ndarray, bool, int]:
    """Check the arguments every per-neuron rule takes; return patterns, flag, budget."""
    xi = check_patterns(patterns)
    keep = check_flag("self_coupling", self_coupling)
    sweeps = check_int("max_sweeps", max_sweeps, minimum=1)
    check_flag("full_output", full_output)
    return xi, keep, sweeps


def check_gap(tol: object) -> float:
    """Check a relative gap to the certified optimum, in the open interval (0, 1)."""
    return check_real("tol", tol, minimum=0.0, maximum=1.0, include_minimum=False,
                      include_maximum=False)  # fmt: skip
