"""How a Monte Carlo run is carried out: one options object, validated once.

:class:`EngineOptions` travels unchanged from the command line (or an experiment
kind) to the driver :func:`~hebbian.montecarlo.engine.simulate_batch`, which hands its
fields to the draws and the kernels. Its fields are checked when it is made, so an
invalid value fails at once with one line naming it and the allowed range, before any
pattern is drawn or any sweep runs. What a run is *of* (the model, its temperature,
the seed, the initial spins) is not an option: those are the arguments of
:func:`~hebbian.montecarlo.engine.simulate`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from hebbian._validation import check_choice, check_int
from hebbian.device import DEVICES
from hebbian.montecarlo.backends import backend_names, blocked_backend_names
from hebbian.montecarlo.draws import SITE_ORDERS
from hebbian.montecarlo.dynamics import DYNAMICS

__all__ = ["DRAWS", "EngineOptions"]

#: Where the update uniforms are drawn: on the host (NumPy, the same numbers for every
#: backend) or on the device of a blocked engine (no transfer, another stream).
DRAWS = ("host", "device")


@dataclass(frozen=True)
class EngineOptions:
    """The settings of a Monte Carlo run (validated on creation).

    Attributes
    ----------
    n_sweeps : int
        Measured sweeps after the burn-in (``>= 1``).
    n_burn : int
        Sweeps discarded first (``>= 0``).
    n_chains : int
        Chains ``C`` sharing a model's disorder (``q`` needs ``C >= 2``).
    dynamics : {"auto", "heat_bath", "metropolis", "zero_temperature", "synchronous"}
        :mod:`hebbian.montecarlo.dynamics`; ``"auto"`` is zero temperature at ``T = 0``
        and heat bath above.
    site_order : {"random", "shared", "fixed"}
        A random permutation per chain and sweep, one random permutation per sweep
        shared by the chains, or ``0 .. N-1`` (:mod:`hebbian.montecarlo.draws`). The GPU
        runs ``"shared"`` and ``"fixed"`` (and the synchronous schedule).
    measure_every : int
        Measure after every ``measure_every``-th sweep of the measured part (``>= 1``).
    device : {"auto", "cpu", "gpu"}
        :mod:`hebbian.device`: ``"auto"`` runs on the GPU when CuPy sees a device and
        the GPU engine can run the model and order exactly, ``"gpu"`` raises instead
        of falling back.
    backend : str or None
        Kernels by name (:func:`~hebbian.montecarlo.backends.backend_names`); default
        ``"numba"`` on the CPU and the GPU backend on the GPU. ``"blocked"`` is the GPU
        scheme on NumPy, for checking.
    draws : {"host", "device"}
        Where the update uniforms are drawn (:data:`DRAWS`): ``"host"`` (NumPy, the
        same numbers on every backend) or ``"device"`` (blocked backends only: a
        generator of the engine's array module, seeded from the run's seed; another,
        equally valid, stream of chains).

    Examples
    --------
    >>> EngineOptions(n_sweeps=10, n_chains=4).replace(site_order="shared").n_chains
    4
    >>> EngineOptions(n_sweeps=0)
    Traceback (most recent call last):
    ...
    ValueError: n_sweeps must be >= 1, got 0
    """

    n_sweeps: int
    n_burn: int = 0
    n_chains: int = 1
    dynamics: str = "auto"
    site_order: str = "random"
    measure_every: int = 1
    device: str = "auto"
    backend: str | None = None
    draws: str = "host"

    def __post_init__(self) -> None:
        check_int("n_sweeps", self.n_sweeps, minimum=1)
        check_int("n_burn", self.n_burn, minimum=0)
        check_int("n_chains", self.n_chains, minimum=1)
        check_int("measure_every", self.measure_every, minimum=1)
        check_choice("dynamics", self.dynamics, ("auto", *DYNAMICS))
        check_choice("site_order", self.site_order, SITE_ORDERS)
        check_choice("device", self.device, DEVICES)
        if self.backend is not None:
            check_choice("backend", self.backend, backend_names())
        check_choice("draws", self.draws, DRAWS)
        if self.measure_every > self.n_sweeps:
            raise ValueError(
                f"measure_every must be <= n_sweeps = {self.n_sweeps} (no sweep would be "
                f"measured), got {self.measure_every}"
            )
        cpu_kernels = self.backend is not None and self.backend not in blocked_backend_names()
        if self.draws == "device" and (self.device == "cpu" or cpu_kernels):
            raise ValueError(
                f"draws='device' needs a blocked backend "
                f"({', '.join(map(repr, blocked_backend_names()))}), and this run uses the "
                f"CPU kernels; use draws='host'"
            )

    def replace(self, **changes) -> EngineOptions:
        """Return a copy with ``changes`` applied (and validated)."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_settings(cls, options: EngineOptions | None = None, **settings) -> EngineOptions:
        """Return ``options`` with the keyword ``settings`` applied, or new options.

        Raises
        ------
        TypeError
            For a keyword that is not a field of :class:`EngineOptions`.
        """
        fields = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(settings) - fields)
        if unknown:
            raise TypeError(
                f"unknown engine option {unknown[0]!r}; "
                f"the options are {', '.join(sorted(fields))}"
            )
        if options is None:
            if "n_sweeps" not in settings:
                raise TypeError("a run needs n_sweeps (or options=EngineOptions(...))")
            return cls(**settings)
        return options.replace(**settings) if settings else options
