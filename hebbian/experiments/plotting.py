"""Helpers shared by the figures of the experiment kinds."""

from __future__ import annotations

import numpy as np

__all__ = ["drawn"]


def drawn(values, decimals: int = 6) -> np.ndarray:
    """Round theory values to ``10**-decimals`` before they are drawn.

    The theory curves use NumPy's transcendental functions, whose last bits depend on
    the CPU (SIMD code paths), and Agg renders a polyline of nearly collinear segments
    differently after a one-ulp change of one vertex. Rounding to 1e-6 (an error of a
    few thousandths of a pixel on these axes) gives the same PNG bytes on every machine,
    unless a value lies within its last bits of a rounding boundary.
    """
    return np.round(np.asarray(values, dtype=float), decimals)
