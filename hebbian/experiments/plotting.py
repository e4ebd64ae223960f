"""Helpers shared by the figures of the experiment kinds."""

from __future__ import annotations

import numpy as np

__all__ = ["drawn", "drawn_log", "largest", "panel_row"]


def drawn(values, decimals: int = 6) -> np.ndarray:
    """Round theory values to ``10**-decimals`` before they are drawn.

    The theory curves use NumPy's transcendental functions, whose last bits depend on
    the CPU (SIMD code paths), and Agg renders a polyline of nearly collinear segments
    differently after a one-ulp change of one vertex. Rounding to 1e-6 (an error of a
    few thousandths of a pixel on these axes) gives the same PNG bytes on every machine,
    unless a value lies within its last bits of a rounding boundary.
    """
    return np.round(np.asarray(values, dtype=float), decimals)


def drawn_log(values, digits: int = 6) -> np.ndarray:
    """Round theory values to ``digits`` significant digits, for a logarithmic axis.

    :func:`drawn` rounds to a fixed number of decimals, which flattens values below
    ``10**-decimals`` into steps; on a log axis the same byte-stability needs a relative
    rounding. Zeros, infinities and NaNs are kept.
    """
    v = np.asarray(values, dtype=float)
    out = v.copy()
    ok = np.isfinite(v) & (v != 0)
    exponent = np.floor(np.log10(np.abs(v[ok])))
    scale = 10.0 ** (digits - 1 - exponent)
    out[ok] = np.round(v[ok] * scale) / scale
    return out


def largest(values) -> float:
    """Return the largest non-missing value of a DataArray, or NaN when every value is."""
    return float(values.max()) if int(values.notnull().sum()) else float("nan")


def panel_row(ax, n: int, *, width: float, height: float, sharey: bool = False) -> list:
    """Axes for a figure of ``n`` panels in a row: new ones, or ``[ax]`` when one is given.

    The kinds whose figure has one panel per value of a coordinate draw only the first
    panel on a caller's ``ax``.
    """
    if ax is not None:
        return [ax]
    import matplotlib.pyplot as plt

    options = {"sharey": True} if sharey else {}
    _, axes = plt.subplots(
        1, n, figsize=(width * n, height), layout="constrained", squeeze=False, **options
    )
    return list(axes[0])
