"""Numba kernel of the AdaTron (:func:`hebbian.learning.adatron`), one neuron per thread.

The state is that of :mod:`hebbian.learning._kernels`: for neuron ``i``, the row
:math:`a = N J_i = \\sum_\\mu x_\\mu \\eta^\\mu` with :math:`\\eta^\\mu = \\xi_i^\\mu\\xi^\\mu`
(component ``i`` removed when ``m = 1``), the coefficients ``coef[i, mu]`` =
:math:`x_\\mu \\ge 0`, the fields ``acts[i, nu]`` = :math:`A_\\nu = \\eta^\\nu\\cdot a` and
``norms2[i]`` = :math:`|a|^2`. Since :math:`\\eta^\\mu\\cdot\\eta^\\nu = \\xi_i^\\mu\\xi_i^\\nu
Q_{\\mu\\nu} - m` (:math:`Q = \\xi\\xi^T`), the kernel keeps, while it runs,
:math:`H_\\nu = \\sum_\\mu x_\\mu \\xi_i^\\mu Q_{\\mu\\nu}` and :math:`T = \\sum_\\mu x_\\mu`,
so that :math:`A_\\nu = \\xi_i^\\nu H_\\nu - m T`: changing :math:`x_\\mu` by ``c`` adds
:math:`c\\,\\xi_i^\\mu` times row ``mu`` of ``Q`` to ``H`` (one multiply-add per
pattern, ``O(K)`` an update, ``O(K^2)`` at most a sweep).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = ["adatron_rows"]


@njit(cache=True)
def _fill(i, q, s, coef, h):
    # H from the coefficients (exact up to the rounding of the sums); returns T
    K = s.shape[1]
    h[:] = 0.0
    total = 0.0
    for mu in range(K):
        c = coef[i, mu]
        if c != 0.0:
            total += c
            cs = c * s[i, mu]
            for nu in range(K):
                h[nu] += cs * q[mu, nu]
    return total


@njit(cache=True)
def _check(i, s, m, coef, h, total, tol):
    # the certificate sum(x) A_min >= (1 - tol) |a|^2, A_min > 0, |a|^2 = sum x_mu A_mu
    K = s.shape[1]
    norm2 = 0.0
    amin = np.inf
    for mu in range(K):
        a = s[i, mu] * h[mu] - m * total
        norm2 += coef[i, mu] * a
        if a < amin:
            amin = a
    return amin > 0.0 and total * amin >= (1.0 - tol) * norm2


@njit(cache=True, parallel=True)
def adatron_rows(q, s, m, gamma, max_sweeps, tol, coef, acts, norms2, updates, sweeps, converged):
    """AdaTron on every row: cyclic updates of the coefficients, in place.

    The update :math:`x_\\mu \\leftarrow \\max(0, x_\\mu + \\gamma(1 - A_\\mu/N))` is
    sequential (Gauss-Seidel): each update sees the fields left by the previous one,
    patterns in their order. After each sweep, row ``i`` stops when
    :math:`\\sum_\\mu x_\\mu\\,A_{\\min} \\ge (1 - tol)\\,|a|^2` and :math:`A_{\\min} > 0`,
    confirmed on fields recomputed from the coefficients; or after ``max_sweeps``
    sweeps. Starts from the coefficients passed in; leaves ``acts`` and ``norms2``
    recomputed from the final ones. ``updates`` counts the coefficients changed.
    """
    N, K = s.shape
    for i in prange(N):
        h = np.empty(K)
        total = _fill(i, q, s, coef, h)
        t = 0
        sweep = 0
        while sweep < max_sweeps:
            sweep += 1
            for mu in range(K):
                x = coef[i, mu]
                new = x + gamma * (1.0 - (s[i, mu] * h[mu] - m * total) / N)
                if new < 0.0:
                    new = 0.0
                c = new - x
                if c != 0.0:
                    coef[i, mu] = new
                    total += c
                    cs = c * s[i, mu]
                    for nu in range(K):
                        h[nu] += cs * q[mu, nu]
                    t += 1
            if _check(i, s, m, coef, h, total, tol):
                total = _fill(i, q, s, coef, h)
                if _check(i, s, m, coef, h, total, tol):
                    converged[i] = True
                    break
        if not converged[i]:
            total = _fill(i, q, s, coef, h)
        norm2 = 0.0
        for nu in range(K):
            acts[i, nu] = s[i, nu] * h[nu] - m * total
            norm2 += coef[i, nu] * acts[i, nu]
        norms2[i] = norm2
        updates[i] = t
        sweeps[i] = sweep
