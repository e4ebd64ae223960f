"""The only place where the Monte Carlo engines draw random numbers.

Kernels are deterministic functions of the arrays drawn here: with the same
:class:`SweepDraws` every backend (NumPy reference, Numba, CuPy) must produce identical
spins, which the parity tests check exactly.

One sweep of ``C`` chains of ``N`` spins consumes

* ``order`` -- (C, N) int32: the sites in the order they are visited: a random
  permutation per chain and sweep (``"random"``), one random permutation per sweep
  shared by every chain (``"shared"``, a read-only broadcast view: the order the
  blocked GPU engine needs, :mod:`hebbian.gpu`), or ``0 .. N-1`` (``"fixed"``); a
  random permutation is built from ``N`` uniforms by Fisher-Yates
  (:mod:`hebbian.montecarlo._permute`);
* ``uniforms`` -- (C, N) float64 in [0, 1): one uniform per visit (heat-bath and
  Metropolis read the one of the visit; the synchronous schedule reads the one of each
  site); shape (C, 0) for zero-temperature dynamics, which consumes none.

Draw order from the generator, per sweep: the (C, N) uniforms of the permutations
(``"random"``) or the (1, N) uniforms of the shared one (``"shared"``), then the
(C, N) uniforms of the updates.

Device draws (``draws="device"`` of the blocked engines): the update uniforms come
from a generator of the engine's array module (:func:`device_generator`), seeded by
one integer drawn from the host generator before the first sweep; the host generator
then draws only the site orders. Changing this order changes every
chain, so it is part of the contract.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hebbian._validation import check_choice

__all__ = ["SITE_ORDERS", "SweepDraws", "device_generator", "draw_sweep", "random_spins"]

#: Site orders of a sequential sweep.
SITE_ORDERS = ("random", "shared", "fixed")


@dataclass(frozen=True)
class SweepDraws:
    """Random input of one sweep (see the module docstring).

    Attributes
    ----------
    order : (C, N) ndarray of int32
    uniforms : (C, N) or (C, 0) ndarray of float64
    """

    order: np.ndarray
    uniforms: np.ndarray


def draw_sweep(
    rng: np.random.Generator,
    *,
    n_chains: int,
    n_neurons: int,
    site_order: str = "random",
    needs_uniforms: bool = True,
    fixed_order: np.ndarray | None = None,
) -> SweepDraws:
    """Draw the site order and uniforms of one sweep.

    Parameters
    ----------
    rng : numpy.random.Generator
    n_chains, n_neurons : int
    site_order : {"random", "shared", "fixed"}
        A fresh random permutation per chain, one fresh permutation for all chains, or
        sites ``0 .. N-1`` in order.
    needs_uniforms : bool
        False for zero-temperature dynamics.
    fixed_order : (C, N) ndarray of int32, optional
        A cached ``0 .. N-1`` table reused across sweeps for the fixed order.

    Returns
    -------
    SweepDraws
    """
    check_choice("site_order", site_order, SITE_ORDERS)
    shape = (n_chains, n_neurons)
    if site_order == "random":
        from hebbian.montecarlo._permute import permutations_from_uniforms

        order = permutations_from_uniforms(rng.random(shape))
    elif site_order == "shared":
        from hebbian.montecarlo._permute import permutations_from_uniforms

        order = np.broadcast_to(permutations_from_uniforms(rng.random((1, n_neurons))), shape)
    elif fixed_order is not None:
        order = fixed_order
    else:
        order = np.broadcast_to(np.arange(n_neurons, dtype=np.int32), shape).copy()
    uniforms = rng.random(shape) if needs_uniforms else np.empty((n_chains, 0))
    return SweepDraws(order=order, uniforms=uniforms)


def random_spins(rng: np.random.Generator, n_chains: int, n_neurons: int) -> np.ndarray:
    """Independent uniformly random spin configurations, (C, N) int8 in {-1, +1}."""
    return np.where(rng.random((n_chains, n_neurons)) < 0.5, 1, -1).astype(np.int8)


def device_generator(rng: np.random.Generator, xp):
    """Return a generator of the array module ``xp`` (NumPy or CuPy), seeded from ``rng``.

    Consumes one integer of ``rng``; its ``random((C, N))`` gives a sweep's update
    uniforms where the chains live, so that they never cross to the device.
    """
    return xp.random.default_rng(int(rng.integers(2**63)))
