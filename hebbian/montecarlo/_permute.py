"""Random permutations from pre-drawn uniforms (Fisher-Yates), compiled with Numba.

NumPy's own shuffles cost about 25 ns per element, as much as a whole spin update of a
small network; this in-place Fisher-Yates over uniforms drawn by
:mod:`hebbian.montecarlo.draws` costs a few ns. The permutation is a deterministic
function of the uniforms: for t = N-1, ..., 1, swap ``order[t]`` with
``order[floor(u[t] (t + 1))]`` (Durstenfeld's algorithm; the bias of flooring a 53-bit
uniform is below 1e-11 for N < 1e5).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["permutations_from_uniforms"]


@njit(cache=True)
def permutations_from_uniforms(uniforms: np.ndarray) -> np.ndarray:
    """One permutation of ``0 .. N-1`` per row of ``uniforms`` (C, N) -> (C, N) int32."""
    C, N = uniforms.shape
    order = np.empty((C, N), dtype=np.int32)
    for c in range(C):
        for t in range(N):
            order[c, t] = t
        for t in range(N - 1, 0, -1):
            j = int(uniforms[c, t] * (t + 1))
            if j > t:  # u < 1 always; guard against rounding at the top
                j = t
            tmp = order[c, t]
            order[c, t] = order[c, j]
            order[c, j] = tmp
    return order
