"""Numba kernels of the perceptron-type rules, one neuron per iteration of a ``prange``.

Each neuron ``i`` learns its row in the *dual* representation: with the vectors
:math:`\\eta^\\mu = \\xi_i^\\mu \\xi^\\mu` (component ``i`` removed when the diagonal is
excluded from learning, ``m = 1``; kept when ``m = 0``), the row is
:math:`a = N J_i = \\sum_\\mu c_\\mu \\eta^\\mu`, and the kernels keep

* ``coef[i, mu]`` -- the coefficients :math:`c_\\mu`;
* ``acts[i, nu]`` -- :math:`A_\\nu = \\eta^\\nu \\cdot a = N\\xi_i^\\nu h_i^\\nu`;
* ``norms2[i]`` -- :math:`S = |a|^2 = N^2 \\lVert J_i\\rVert^2`,

so that the stability is :math:`\\gamma_i^\\nu = A_\\nu / \\sqrt{S}` (a row that starts
from given couplings :math:`a^{(0)}` has them added to ``a``, and ``acts``, ``norms2``
start from their values at :math:`a^{(0)}`). Adding
:math:`c\\,\\eta^\\mu` to ``a`` changes :math:`A_\\nu` by :math:`c\\,\\eta^\\mu\\cdot\\eta^\\nu =
c\\,(\\xi_i^\\mu\\xi_i^\\nu Q_{\\mu\\nu} - m)` with the pattern overlaps
:math:`Q = \\xi\\xi^T` (K, K), and ``S`` by :math:`2cA_\\mu + c^2(N - m)`: ``O(K)`` per
update, and a check of a pattern costs ``O(1)``. With integer coefficients (MinOver,
Gardner, Diederich-Opper I) every quantity is an integer, exact in float64 below
:math:`2^{53}`.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

__all__ = ["diederich_opper_2_rows", "minover_rows", "perceptron_rows"]


@njit(cache=True, inline="always")
def _add(i, mu, c, q, s, m, n_eff, coef, acts, norms2):
    # Indexes the 2-d arrays directly (no slicing views in the inner loop).
    K = s.shape[1]
    norms2[i] += 2.0 * c * acts[i, mu] + c * c * n_eff
    s_mu = s[i, mu]
    for nu in range(K):
        acts[i, nu] += c * (s_mu * s[i, nu] * q[mu, nu] - m)
    coef[i, mu] += c


@njit(cache=True)
def _refresh(i, q, s, m, coef, acts0, norms0, acts, norms2):
    # acts and norms2 recomputed from coef and the start (rounding of real coefficients
    # undone): A = A0 + G c and |a|^2 = |a0|^2 + c . (A0 + A).
    K = s.shape[1]
    total = norms0[i]
    for nu in range(K):
        acc = acts0[i, nu]
        for mu in range(K):
            acc += coef[i, mu] * (s[i, mu] * s[i, nu] * q[mu, nu] - m)
        acts[i, nu] = acc
        total += coef[i, nu] * (acts0[i, nu] + acc)
    norms2[i] = total


@njit(cache=True, parallel=True)
def minover_rows(q, s, m, max_updates, tol, coef, acts, norms2, updates, converged):
    """MinOver on every row: update with the least stable pattern until the gap closes.

    Stops row ``i`` when :math:`t A_{\\min} \\ge (1 - tol) S` (``t`` updates), that is
    :math:`\\gamma_{\\min} \\ge (1 - tol)\\,|a|/t`, an upper bound of the optimal
    stability; or after ``max_updates`` updates.
    """
    N, K = s.shape
    n_eff = N - m
    for i in prange(N):
        t = 0
        mu = 0
        amin = acts[i, 0]
        for nu in range(1, K):
            if acts[i, nu] < amin:
                amin = acts[i, nu]
                mu = nu
        while True:
            if t > 0 and amin > 0.0 and t * amin >= (1.0 - tol) * norms2[i]:
                converged[i] = True
                break
            if t >= max_updates:
                break
            # the update of pattern mu fused with the search of the next minimum
            norms2[i] += 2.0 * acts[i, mu] + n_eff
            coef[i, mu] += 1.0
            s_mu = s[i, mu]
            amin = np.inf
            best = 0
            for nu in range(K):
                a = acts[i, nu] + (s_mu * s[i, nu] * q[mu, nu] - m)
                acts[i, nu] = a
                if a < amin:
                    amin = a
                    best = nu
            mu = best
            t += 1
        updates[i] = t


@njit(cache=True, parallel=True)
def perceptron_rows(
    q, s, m, normalized, threshold, max_sweeps, coef, acts, norms2, updates, sweeps, converged
):
    """Cyclic perceptron updates on every row until a sweep makes none.

    ``normalized``: update pattern ``mu`` when :math:`A_\\mu \\le` ``threshold``
    :math:`\\sqrt{S}` (Gardner, :math:`\\xi h \\le \\kappa\\lVert J_i\\rVert`); else when
    :math:`A_\\mu <` ``threshold`` (Diederich-Opper I, :math:`\\xi h < c`, with
    ``threshold`` = ``c N``).
    """
    N, K = s.shape
    n_eff = N - m
    for i in prange(N):
        bound = threshold * math.sqrt(norms2[i]) if normalized else threshold
        t = 0
        sweep = 0
        done = False
        while sweep < max_sweeps and not done:
            sweep += 1
            done = True
            for mu in range(K):
                a = acts[i, mu]
                if (normalized and a <= bound) or (not normalized and a < bound):
                    _add(i, mu, 1.0, q, s, m, n_eff, coef, acts, norms2)
                    t += 1
                    done = False
                    if normalized:
                        bound = threshold * math.sqrt(norms2[i])
        if not done:  # out of sweeps: the last one may still have left every pattern fine
            done = True
            for mu in range(K):
                a = acts[i, mu]
                if (normalized and a <= bound) or (not normalized and a < bound):
                    done = False
        updates[i] = t
        sweeps[i] = sweep
        converged[i] = done


@njit(cache=True, parallel=True)
def diederich_opper_2_rows(
    q, s, m, max_sweeps, tol, coef, acts0, norms0, acts, norms2, updates, sweeps, converged
):
    """Diederich-Opper rule II on every row: :math:`c = 1 - A_\\mu / N`, cyclic.

    Stops row ``i`` after a sweep in which every :math:`|1 - \\xi_i^\\mu h_i^\\mu|` met
    before its update was at most ``tol``, confirmed on ``acts`` recomputed from the
    coefficients; or after ``max_sweeps``.
    """
    N, K = s.shape
    n_eff = N - m
    for i in prange(N):
        t = 0
        sweep = 0
        while sweep < max_sweeps:
            sweep += 1
            worst = 0.0
            for mu in range(K):
                c = 1.0 - acts[i, mu] / N
                if abs(c) > worst:
                    worst = abs(c)
                if c != 0.0:
                    _add(i, mu, c, q, s, m, n_eff, coef, acts, norms2)
                    t += 1
            if worst <= tol:
                _refresh(i, q, s, m, coef, acts0, norms0, acts, norms2)
                worst = 0.0
                for mu in range(K):
                    worst = max(worst, abs(1.0 - acts[i, mu] / N))
                if worst <= tol:
                    converged[i] = True
                    break
        updates[i] = t
        sweeps[i] = sweep
