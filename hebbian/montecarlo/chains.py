"""Markov chains on a backend: one model (:class:`MarkovChains`) or a batch of models.

* :class:`MarkovChains` owns the state of ``C`` chains of one model: ``spins`` (C, N)
  int8 and, for a :class:`~hebbian.models.HebbianModel`, the exact integer overlap sums
  ``sums`` (C, K), both updated in place by :meth:`MarkovChains.sweep`; for integer
  memories at p >= 4 also the odd power sums ``odd_sums`` (C, n_odd, K) int64,
  :math:`P_{3,k} = \\sum_i \\xi_{ki}^3\\sigma_i` (and :math:`P_{5,k}` at p = 6), which
  their field needs (:class:`~hebbian.montecarlo.arrays.HebbianArrays`).
* :class:`ChainBatch` advances the chains of ``D`` models together (the *members* of a
  batch: disorder samples, loads, temperatures). On the blocked backends
  (:mod:`hebbian.montecarlo.blocked`) one array holds every member and one set of
  matrix products per block serves them all; elsewhere the members are advanced one
  after the other. Either way member ``i`` gives the chains it would give alone.
* Kernels come from a :class:`~hebbian.montecarlo.backends.Backend` of the registry
  (:mod:`hebbian.montecarlo.backends`); ``"numba"`` is the fast CPU backend and
  ``"cupy"`` the GPU engine.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hebbian.models import CouplingModel, HebbianModel
from hebbian.montecarlo.arrays import block_power_sums, initial_sums, prepare
from hebbian.montecarlo.backends import blocked_backend_names, get_backend
from hebbian.montecarlo.blocked import shared_order
from hebbian.montecarlo.dynamics import SYNCHRONOUS
from hebbian.observables import coupling_energy, hebbian_energy, overlap_sums

__all__ = ["ChainBatch", "MarkovChains"]


def _checked_spins(model, spins) -> np.ndarray:
    """Return the initial spins as a new (C, N) int8 array, after checking them."""
    if not isinstance(model, (HebbianModel, CouplingModel)):
        raise TypeError(
            f"model must be a HebbianModel or CouplingModel, got {type(model).__name__}"
        )
    s = np.array(spins, dtype=np.int8, ndmin=2, copy=True, order="C")
    N = model.n_neurons
    if s.ndim != 2 or s.shape[1] != N:
        raise ValueError(
            f"initial spins must have shape (C, {N}) or ({N},), got {np.shape(spins)}"
        )
    if not np.all(np.abs(s) == 1):
        raise ValueError("initial spins must be in {-1, +1}")
    return s


def _hebbian_only(backend: str) -> str:
    return f"backend {backend!r} runs Hebbian models only; use 'numba' for a CouplingModel"


class MarkovChains:
    """``C`` Markov chains of one model that share its disorder.

    Parameters
    ----------
    model : HebbianModel or CouplingModel
    spins : (C, N) or (N,) array of {-1, +1}
        Initial configurations (copied).
    backend : {"numba", "reference", "blocked", "cupy"}
        Kernels (:func:`~hebbian.montecarlo.backends.backend_names`); ``"cupy"`` keeps
        ``spins`` and ``sums`` on the GPU.

    Attributes
    ----------
    spins : (C, N) array of int8
        On the backend's device (:meth:`host_spins` copies them to NumPy).
    sums : (C, K) array of int, or None
        Exact overlap sums :math:`M_k = \\sum_i \\xi_{ki}\\sigma_i` (Hebbian models): a
        view of the kernels' padded (C, K_pad) array.
    odd_sums : (C, n_odd, K) array of int64, or None
        The tracked odd power sums :math:`P_{m,k} = \\sum_i \\xi_{ki}^m\\sigma_i`,
        m = 3 (and 5 at p = 6), of integer memories at p >= 4 (a view of the kernels'
        state, :func:`~hebbian.montecarlo.arrays.initial_sums`); None for every other
        model.
    """

    def __init__(
        self, model: HebbianModel | CouplingModel, spins: np.ndarray, *, backend: str = "numba"
    ):
        if not isinstance(model, (HebbianModel, CouplingModel)):
            raise TypeError(
                f"model must be a HebbianModel or CouplingModel, got {type(model).__name__}"
            )
        self.model = model
        self.backend = backend
        self._kernels = k = get_backend(backend)
        s = _checked_spins(model, spins)
        if k.coupling_sweep is None and not isinstance(model, HebbianModel):
            raise ValueError(_hebbian_only(backend))
        self.spins = k.place(s)
        if isinstance(model, HebbianModel):
            self._arrays = k.prepare_hebbian(model)
            host_sums = initial_sums(prepare(model), s)
            self._padded_sums = k.place(host_sums)
            self.sums = self._padded_sums[:, : model.n_memories]
            self.odd_sums = _odd_view(model, self._padded_sums)
        else:
            self._arrays = None
            self._padded_sums = self.sums = self.odd_sums = None

    @classmethod
    def _member(cls, model, spins, padded_sums, backend):
        """Member of a :class:`ChainBatch`: state views, swept by the batch only."""
        self = cls.__new__(cls)
        self.model, self.backend, self._kernels = model, backend, get_backend(backend)
        self._arrays = None
        self.spins, self._padded_sums = spins, padded_sums
        self.sums = padded_sums[:, : model.n_memories]
        self.odd_sums = None  # blocked batches run no model that tracks them
        return self

    @property
    def n_chains(self) -> int:
        """Number of chains ``C``."""
        return int(self.spins.shape[0])

    def sweep(
        self, *, beta: float, dynamics: int, uniforms: np.ndarray, order: np.ndarray
    ) -> np.ndarray:
        """Advance every chain by one sweep; return the flips per chain, (C,) int64."""
        k = self._kernels
        if self.sums is not None and self._arrays is None:
            raise ValueError("the member of a ChainBatch is advanced by ChainBatch.sweep")
        if self._arrays is not None:
            if dynamics == SYNCHRONOUS:
                return k.hebbian_synchronous(
                    self.spins, self._padded_sums, self._arrays, beta, uniforms
                )
            return k.hebbian_sweep(
                self.spins, self._padded_sums, self._arrays, beta, dynamics, order, uniforms
            )
        J = self.model.couplings
        if dynamics == SYNCHRONOUS:
            return k.coupling_synchronous(self.spins, J, beta, uniforms)
        return k.coupling_sweep(self.spins, J, beta, dynamics, order, uniforms)

    def host_array(self, array) -> np.ndarray:
        """``array`` of this backend as a NumPy array (a copy for device backends)."""
        return self._kernels.to_host(array)

    def host_spins(self) -> np.ndarray:
        """Return the spins as a NumPy array, (C, N) int8 (a copy for device backends)."""
        return self.host_array(self.spins)

    def host_sums(self) -> np.ndarray | None:
        """Return the overlap sums as a NumPy array, (C, K) (a copy for device backends)."""
        if self.sums is None:
            return None
        return self.host_array(self.sums)

    def host_odd_sums(self) -> np.ndarray | None:
        """Return the tracked odd power sums as a NumPy array, (C, n_odd, K), or None."""
        if self.odd_sums is None:
            return None
        return self.host_array(self.odd_sums)

    def overlaps(self) -> np.ndarray:
        """Mattis overlaps :math:`m_k = M_k / N`, (C, K) float64 (K = 0 without memories)."""
        return _overlaps(self.model, self.spins, self.host_sums())

    def energy(self) -> np.ndarray:
        """Energy per spin of every chain, (C,) float64 (:mod:`hebbian.observables`).

        For integer memories at p >= 3 it also needs the odd power sums
        :math:`\\sum_i \\xi_{ki}^m\\sigma_i`, m = 3..p: the tracked ones
        (:attr:`odd_sums`), the others computed from the spins (on the host).
        """
        spins = self.host_spins() if _spin_power_orders(self.model) else self.spins
        return _energy(self.model, spins, self.host_sums(), self.host_odd_sums())


def _overlaps(model, spins, sums) -> np.ndarray:
    """Overlaps from host ``sums`` (C, K), or from host ``spins`` without sums."""
    N = model.n_neurons
    if sums is not None:
        return sums / N
    if model.memories is None:
        return np.zeros((spins.shape[0], 0))
    return overlap_sums(spins, model.memories) / N


def _spin_power_orders(model) -> tuple[int, ...]:
    """Odd orders ``3 <= m <= p`` of the power sums the energy of ``model`` needs.

    Integer memories at p >= 3 only (ternary memories: :math:`P_m = M_k`).
    """
    if not isinstance(model, HebbianModel) or model.p < 3 or model.is_ternary:
        return ()
    return tuple(range(3, model.p + 1, 2))


def _energy(model, spins, sums, odd_sums=None) -> np.ndarray:
    """Energies per spin from host ``sums`` (Hebbian models) or host ``spins``.

    Integer memories at p >= 3 also need the exact odd power sums
    :math:`P_{m,k} = \\sum_i \\xi_{ki}^m\\sigma_i`, m = 3..p: those tracked by the
    chains (``odd_sums``, (C, n_odd, K): :math:`P_3`, and :math:`P_5` at p = 6), the
    others (:math:`P_3` at p = 3, :math:`P_5` at p = 5) from the host ``spins``
    (:func:`~hebbian.montecarlo.arrays.block_power_sums`, :math:`O(C N K)` per
    measurement), and the constant even ones beyond :math:`P_2`
    (:meth:`~hebbian.models.HebbianModel.power_sums`).
    """
    if sums is None:
        if not model.symmetric:  # no energy function (CouplingModel)
            return np.full(spins.shape[0], np.nan)
        return coupling_energy(spins, model.couplings)
    powers = None
    orders = _spin_power_orders(model)
    if orders:
        K = model.n_memories
        tracked = (
            {}
            if odd_sums is None
            else {2 * a + 3: odd_sums[:, a] for a in range(odd_sums.shape[1])}
        )
        powers = {
            m: tracked[m] if m in tracked else block_power_sums(model.site_major, spins, m)[:, :K]
            for m in orders
        }
        powers.update({m: model.power_sums(m) for m in range(4, model.p + 1, 2)})
    return hebbian_energy(
        sums,
        nnz=model.square_sums,
        weights=model.weights,
        p=model.p,
        n_neurons=model.n_neurons,
        power_sums=powers,
    )


def _odd_view(model, padded_sums):
    """Return the tracked odd power sums in the kernels' state, (C, n_odd, K), or None."""
    K_pad = model.site_major.shape[1]
    n_odd = padded_sums.shape[1] // K_pad - 1
    if n_odd == 0:
        return None
    C = padded_sums.shape[0]
    return padded_sums[:, K_pad:].reshape(C, n_odd, K_pad)[:, :, : model.n_memories]


class ChainBatch:
    """The chains of ``D`` models of one size, advanced together.

    Parameters
    ----------
    models : sequence of HebbianModel or CouplingModel
        The members; on the blocked backends, Hebbian models of the same ``N`` and
        ``p`` (:func:`hebbian.montecarlo.blocked.prepare_hebbian`).
    initials : sequence of (C, N) arrays
        Initial spins of each member (the same ``C`` for all).
    backend : str
        As for :class:`MarkovChains`.

    Attributes
    ----------
    members : list of MarkovChains
        Member ``i``; on the blocked backends its ``spins`` and ``sums`` are views into
        the batch's arrays (D, C, N) and (D, C, K).
    """

    def __init__(self, models: Sequence, initials: Sequence, *, backend: str = "numba"):
        if len(models) != len(initials) or not models:
            raise ValueError(
                f"a batch needs one initial state per model, got {len(models)} models and "
                f"{len(initials)} initial states"
            )
        self.backend = backend
        self._kernels = k = get_backend(backend)
        if backend not in blocked_backend_names():
            self.members = [MarkovChains(m, s, backend=backend) for m, s in zip(models, initials)]
            self._arrays = None
            return
        states = [_checked_spins(m, s) for m, s in zip(models, initials)]
        shapes = sorted({s.shape for s in states})
        if len(shapes) != 1:
            raise ValueError(
                f"the members of a batch need spins of one shape (chains, neurons), got "
                f"{', '.join(map(str, shapes))}"
            )
        for m in models:
            if not isinstance(m, HebbianModel):
                raise ValueError(_hebbian_only(backend))
        self._arrays = k.prepare_hebbian(models)
        sums = [initial_sums(prepare(m), s) for m, s in zip(models, states)]
        width = max(s.shape[1] for s in sums)
        # members with integer memories may need wider sums than the others
        dtype = np.result_type(*(s.dtype for s in sums))
        padded = np.zeros((len(models), *states[0].shape[:1], width), dtype=dtype)
        for i, s in enumerate(sums):
            padded[i, :, : s.shape[1]] = s
        self._spins = k.place(np.stack(states))
        self._sums = k.place(padded)
        self.members = [
            MarkovChains._member(m, self._spins[i], self._sums[i], backend)
            for i, m in enumerate(models)
        ]

    def measure(self) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Overlaps (C, K), energies (C,) and spins (C, N) of every member, on the host.

        On the blocked backends the whole state crosses to the host in two copies, not
        three per member.
        """
        if self._arrays is None:
            return [(m.overlaps(), m.energy(), m.host_spins()) for m in self.members]
        to_host = self.members[0].host_array
        spins, sums = to_host(self._spins), to_host(self._sums)
        out = []
        for i, member in enumerate(self.members):
            s = sums[i, :, : member.model.n_memories]
            out.append(
                (
                    _overlaps(member.model, spins[i], s),
                    _energy(member.model, spins[i], s),
                    spins[i],
                )
            )
        return out

    @property
    def array_module(self):
        """The array module of the batch's state (``numpy``, or ``cupy`` on the GPU)."""
        return np if self._arrays is None else self._arrays.xp

    def sweep(self, *, betas, dynamics: int, uniforms: Sequence, orders: Sequence) -> np.ndarray:
        """Advance every member by one sweep; return the flips, (D, C) int64 on the host.

        ``betas``, ``uniforms`` and ``orders`` hold one entry per member, as
        :meth:`MarkovChains.sweep` takes them.
        """
        if self._arrays is None:
            return np.stack(
                [
                    m.host_array(m.sweep(beta=b, dynamics=dynamics, uniforms=u, order=o))
                    for m, b, u, o in zip(self.members, betas, uniforms, orders)
                ]
            )
        k, D, (C, N) = self._kernels, len(self.members), self._spins.shape[1:]
        beta = np.asarray(betas, dtype=np.float64)
        on_host = isinstance(uniforms[0], np.ndarray)
        u = np.stack(uniforms) if on_host else self.array_module.stack(uniforms)
        if dynamics == SYNCHRONOUS:
            flips = k.hebbian_synchronous(self._spins, self._sums, self._arrays, beta, u)
        else:
            order = np.stack([shared_order(o) for o in orders])
            order = np.broadcast_to(order[:, None, :], (D, C, N))
            flips = k.hebbian_sweep(
                self._spins, self._sums, self._arrays, beta, dynamics, order, u
            )
        return self.members[0].host_array(flips)
