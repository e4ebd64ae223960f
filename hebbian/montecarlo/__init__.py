"""The spin engine: draws, kernels and their backends, chains, the driver, exact sums.

:mod:`~hebbian.montecarlo.engine` (``simulate``, ``simulate_batch``) is the entry point;
:mod:`~hebbian.montecarlo.options` holds its settings (``EngineOptions``),
:mod:`~hebbian.montecarlo.backends` the kernel sets (reference, Numba, the blocked
scheme; the GPU's is registered by :mod:`hebbian.gpu`), and
:mod:`~hebbian.montecarlo.retrieval` a retrieval run from physical parameters.
``docs/architecture.md`` follows one run through these modules.

Importing this package does not import Numba; the kernels load when a backend is used.
"""
