"""Reference kernels: slow, spin-by-spin NumPy, obviously correct.

These are the oracle every fast backend must match *exactly* (identical spins and
overlap sums) when fed the same :class:`~hebbian.montecarlo.draws.SweepDraws`. They
follow the definitions of :mod:`hebbian.observables` literally:

* the local field of a Hebbian network,
  :math:`h_i = N^{1-p}\\sum_k w_k \\xi_{ki}\\, g_{p-1}(M_k - \\xi_{ki}\\sigma_i,
  n_k - \\xi_{ki}^2)`, is computed from the integer overlap sums; with equal weights the
  sum over ``k`` is done in exact integer arithmetic and multiplied by the weight
  afterwards, otherwise the float terms are added in the order k = 0, 1, ..., K-1
  (``numpy.add.accumulate`` is sequential), as every backend does. With integer
  memories (p = 2 and 3, :class:`~hebbian.models.HebbianModel`) the same formula holds
  with :math:`n_k = \\sum_i \\xi_{ki}^2`: at p = 2, :math:`g_1(S, \\cdot) = S`, so the
  numerator is :math:`\\sum_k \\xi_{ki} M_k - \\sigma_i \\sum_k \\xi_{ki}^2`; at p = 3,
  :math:`g_2(S, n) = S^2 - n` is the sum over ordered distinct pairs of the other
  sites for any integer entries, since :math:`n_k - \\xi_{ki}^2` is the sum of their
  squares; every coincidence removed, in int64 within the bounds of
  :func:`~hebbian.montecarlo.arrays.field_mode`;
* integer memories at 4 <= p <= 6 (modes ``POWER_UNIFORM``, ``POWER_WEIGHTED``):
  :math:`g_{p-1}` of the other sites comes from Newton's identities,
  :func:`hebbian.observables.newton_products_without` (the function the Numba kernels
  compile), on the power sums :math:`P_1 = M_k`, :math:`P_2 = n_k`, the tracked
  :math:`P_3 = \\sum_l \\xi_{kl}^3\\sigma_l` (and :math:`P_5` at p = 6) and the
  constant :math:`P_4 = \\sum_l \\xi_{kl}^4`, each less the power of
  :math:`x = \\xi_{ki}\\sigma_i`; the tracked sums follow the overlap sums in ``sums``
  (:class:`~hebbian.montecarlo.arrays.HebbianArrays`) and a flip of site ``i`` to
  :math:`s` adds :math:`2 s \\xi_{ki}^m` to :math:`P_{m,k}`;
* the field of a coupling network, :math:`h_i = \\sum_j J_{ij}\\sigma_j`, is added in
  the order j = 0, ..., N-1;
* the update of the visited site is :func:`hebbian.montecarlo.dynamics.new_spin`
  (heat bath, Metropolis, zero temperature); the synchronous (Little) schedule updates
  every site from the fields of the previous configuration.
Arrays ``spins`` (C, N) and ``sums`` (C, K_pad), or (C, (1 + n_odd) K_pad) with the
tracked odd power sums, are updated in place; each sweep returns the number of flipped
spins per chain.
"""

from __future__ import annotations

import numpy as np

from hebbian.montecarlo.arrays import POWER_UNIFORM, POWER_WEIGHTED, WEIGHTED
from hebbian.montecarlo.dynamics import HEAT_BATH, ZERO_TEMPERATURE, new_spin
from hebbian.observables import newton_products_without, ordered_products

__all__ = [
    "coupling_field",
    "coupling_sweep",
    "coupling_synchronous",
    "hebbian_field",
    "hebbian_sweep",
    "hebbian_synchronous",
]


def hebbian_field(i, s_i, sums, arrays):
    """Local field of site ``i`` of one chain (module docstring), a Python float."""
    x = arrays.xi_t[i].astype(np.int64)
    if arrays.mode in (POWER_UNIFORM, POWER_WEIGHTED):
        return _power_field(x, s_i, sums, arrays)
    g = ordered_products(arrays.p - 1, sums.astype(np.int64) - x * s_i, arrays.nnz - x * x)
    norm = float(arrays.xi_t.shape[0]) ** (arrays.p - 1)
    if arrays.mode != WEIGHTED:
        return arrays.w * float(np.sum(x * g)) / norm
    terms = arrays.weights * (x * g).astype(np.float64)
    return float(np.add.accumulate(terms)[-1]) / norm


def _power_field(x, s_i, sums, arrays):
    """Return the field of integer memories at p >= 4 (Newton's identities)."""
    sums = sums.astype(np.int64)
    Kp = x.shape[0]
    P3 = sums[Kp : 2 * Kp]
    P5 = sums[2 * Kp : 3 * Kp] if arrays.n_odd > 1 else 0
    g = newton_products_without(
        arrays.p - 1, x * s_i, sums[:Kp], arrays.nnz, P3, arrays.fourth, P5
    )
    norm = float(arrays.xi_t.shape[0]) ** (arrays.p - 1)
    if arrays.mode == POWER_UNIFORM:
        return arrays.w * float(np.sum(x * g)) / norm
    terms = arrays.weights * (x * g).astype(np.float64)
    return float(np.add.accumulate(terms)[-1]) / norm


def _add_flip(sums, xi_row, new, n_odd):
    """Add a flip of the site with memory row ``xi_row`` to ``new`` to one chain's sums."""
    Kp = xi_row.shape[0]
    x = xi_row.astype(np.int64)
    sums[:Kp] += 2 * new * x.astype(sums.dtype)
    for a in range(n_odd):  # P_3, P_5: + 2 new xi^m
        sums[(a + 1) * Kp : (a + 2) * Kp] += 2 * new * x ** (2 * a + 3)


def _recomputed(spins, xi_t, n_odd, dtype):
    """Return the sums (overlap sums, then tracked odd power sums) of one chain's spins."""
    s, x = spins.astype(np.int64), xi_t.astype(np.int64)
    parts = [s @ x ** (2 * a + 1) for a in range(n_odd + 1)]
    return np.concatenate(parts).astype(dtype)


def coupling_field(i, spins, J):
    """Local field :math:`\\sum_j J_{ij}\\sigma_j` of site ``i``, added in index order."""
    return float(np.add.accumulate(J[i] * spins.astype(np.float64))[-1])


def hebbian_sweep(spins, sums, arrays, beta, dynamics, order, uniforms):
    """One sequential sweep of a Hebbian network, every chain (module docstring)."""
    flips = np.zeros(spins.shape[0], dtype=np.int64)
    for c in range(spins.shape[0]):
        for t in range(spins.shape[1]):
            i = int(order[c, t])
            s_i = int(spins[c, i])
            h = hebbian_field(i, s_i, sums[c], arrays)
            u = uniforms[c, t] if uniforms.shape[1] else 0.0
            new = new_spin(s_i, h, beta, u, dynamics)
            if new != s_i:
                spins[c, i] = new
                _add_flip(sums[c], arrays.xi_t[i], new, arrays.n_odd)
                flips[c] += 1
    return flips


def hebbian_synchronous(spins, sums, arrays, beta, uniforms):
    """One synchronous (Little) update of every site of every chain from the old fields."""
    rule = ZERO_TEMPERATURE if uniforms.shape[1] == 0 else HEAT_BATH
    flips = np.zeros(spins.shape[0], dtype=np.int64)
    for c in range(spins.shape[0]):
        old = spins[c].copy()
        for i in range(spins.shape[1]):
            h = hebbian_field(i, int(old[i]), sums[c], arrays)
            u = uniforms[c, i] if uniforms.shape[1] else 0.0
            spins[c, i] = new_spin(int(old[i]), h, beta, u, rule)
        changed = spins[c] != old
        flips[c] = int(changed.sum())
        sums[c] = _recomputed(spins[c], arrays.xi_t, arrays.n_odd, sums.dtype)
    return flips


def coupling_sweep(spins, J, beta, dynamics, order, uniforms):
    """One sequential sweep of a coupling network, every chain."""
    flips = np.zeros(spins.shape[0], dtype=np.int64)
    for c in range(spins.shape[0]):
        for t in range(spins.shape[1]):
            i = int(order[c, t])
            s_i = int(spins[c, i])
            h = coupling_field(i, spins[c], J)
            u = uniforms[c, t] if uniforms.shape[1] else 0.0
            new = new_spin(s_i, h, beta, u, dynamics)
            if new != s_i:
                spins[c, i] = new
                flips[c] += 1
    return flips


def coupling_synchronous(spins, J, beta, uniforms):
    """One synchronous (Little) update of a coupling network, every chain."""
    rule = ZERO_TEMPERATURE if uniforms.shape[1] == 0 else HEAT_BATH
    flips = np.zeros(spins.shape[0], dtype=np.int64)
    for c in range(spins.shape[0]):
        old = spins[c].copy()
        for i in range(spins.shape[1]):
            h = coupling_field(i, old, J)
            u = uniforms[c, i] if uniforms.shape[1] else 0.0
            spins[c, i] = new_spin(int(old[i]), h, beta, u, rule)
        flips[c] = int((spins[c] != old).sum())
    return flips
