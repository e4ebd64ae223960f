"""Exact thermal averages by enumerating all :math:`2^N` states (N <= 20).

The oracle for the Monte Carlo engines: for a model of a handful of spins,

.. math::

    Z = \\sum_{\\sigma \\in \\{\\pm1\\}^N} e^{-\\beta E(\\sigma)}, \\qquad
    \\langle A \\rangle = \\frac{1}{Z}\\sum_\\sigma A(\\sigma)\\, e^{-\\beta E(\\sigma)},

with the energies of :mod:`hebbian.observables` (the self-interactions of a Hebbian
model removed with :attr:`~hebbian.models.HebbianModel.square_sums`, and at p >= 3 with
the power sums :func:`~hebbian.observables.power_sums` of every state, so that integer
memories at p = 2 to 6 are exact too). States are enumerated in vectorised
chunks; weights are shifted by the ground-state energy, so no overflow occurs at low
temperature. At ``T = 0`` the averages are over the degenerate ground states.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hebbian._validation import check_int, check_real
from hebbian.models import CouplingModel, HebbianModel
from hebbian.observables import coupling_energy, hebbian_energy, overlap_sums, power_sums

__all__ = ["MAX_EXACT_NEURONS", "ExactAverages", "enumerate_states", "exact_averages"]

#: Largest network enumerated exactly.
MAX_EXACT_NEURONS = 20


@dataclass(frozen=True)
class ExactAverages:
    """Exact Boltzmann averages.

    Attributes
    ----------
    temperature : float
    log_z : float
        :math:`\\ln Z` (``nan`` at T = 0).
    energy : float
        :math:`\\langle E \\rangle / N`.
    energy2 : float
        :math:`\\langle (E/N)^2 \\rangle`.
    m, m2, abs_m : (K,) ndarray
        :math:`\\langle m_k\\rangle`, :math:`\\langle m_k^2\\rangle`,
        :math:`\\langle |m_k|\\rangle`.
    """

    temperature: float
    log_z: float
    energy: float
    energy2: float
    m: np.ndarray
    m2: np.ndarray
    abs_m: np.ndarray


def enumerate_states(n_neurons: int, start: int = 0, stop: int | None = None) -> np.ndarray:
    """States ``start .. stop-1`` of all :math:`2^N`, bit ``i`` of the index -> spin ``i``.

    Returns
    -------
    (stop - start, N) ndarray of int8 in {-1, +1}
    """
    N = check_int("n_neurons", n_neurons, minimum=1, maximum=MAX_EXACT_NEURONS)
    stop = 2**N if stop is None else stop
    idx = np.arange(start, stop, dtype=np.int64)
    bits = (idx[:, None] >> np.arange(N, dtype=np.int64)) & 1
    return (2 * bits - 1).astype(np.int8)


def _energies_and_overlaps(model, states):
    if isinstance(model, HebbianModel):
        sums = overlap_sums(states, model.memories)
        powers = None
        if model.p >= 3 and not model.is_ternary:
            powers = {m: power_sums(states, model.memories, m) for m in range(3, model.p + 1)}
        e = hebbian_energy(
            sums,
            nnz=model.square_sums,
            weights=model.weights,
            p=model.p,
            n_neurons=model.n_neurons,
            power_sums=powers,
        )
        return e, sums / model.n_neurons
    e = coupling_energy(states, model.couplings)
    if model.memories is None:
        return e, np.zeros((states.shape[0], 0))
    return e, overlap_sums(states, model.memories) / model.n_neurons


def exact_averages(
    model: HebbianModel | CouplingModel, *, temperature: float, chunk: int = 1 << 16
) -> ExactAverages:
    """Exact averages of energy and overlaps by full enumeration.

    Parameters
    ----------
    model : HebbianModel or CouplingModel
        With ``N <= 20`` neurons.
    temperature : float
        ``T >= 0``.
    chunk : int, optional
        States per vectorised block.

    Returns
    -------
    ExactAverages
    """
    if isinstance(model, CouplingModel) and not model.symmetric:
        raise ValueError(
            "exact averages need an energy; a CouplingModel with symmetric=False has none"
        )
    N = check_int("n_neurons", model.n_neurons, minimum=1, maximum=MAX_EXACT_NEURONS)
    T = check_real("temperature", temperature, minimum=0.0)
    n_states = 2**N
    blocks = [(a, min(a + chunk, n_states)) for a in range(0, n_states, chunk)]
    e_min = min(
        float(_energies_and_overlaps(model, enumerate_states(N, a, b))[0].min()) for a, b in blocks
    )
    K = model.n_memories
    acc = {"z": 0.0, "e": 0.0, "e2": 0.0, "m": np.zeros(K), "m2": np.zeros(K), "abs": np.zeros(K)}
    for a, b in blocks:
        e, m = _energies_and_overlaps(model, enumerate_states(N, a, b))
        if T == 0:
            w = np.isclose(e, e_min, rtol=0.0, atol=1e-12).astype(np.float64)
        else:
            w = np.exp(-(e - e_min) * N / T)
        acc["z"] += w.sum()
        acc["e"] += w @ e
        acc["e2"] += w @ e**2
        acc["m"] += w @ m
        acc["m2"] += w @ m**2
        acc["abs"] += w @ np.abs(m)
    z = acc["z"]
    log_z = float(np.log(z) - e_min * N / T) if T > 0 else float("nan")
    return ExactAverages(
        temperature=T,
        log_z=log_z,
        energy=acc["e"] / z,
        energy2=acc["e2"] / z,
        m=acc["m"] / z,
        m2=acc["m2"] / z,
        abs_m=acc["abs"] / z,
    )
