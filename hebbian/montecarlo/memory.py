"""Memory of a run, estimated before anything is allocated, against what the machine has.

A run that needs more memory than the machine has is killed by the operating system
without a message, after minutes of work. :func:`check_memory` turns that into one line
before the first pattern is drawn::

    check_memory(estimate_run_bytes(n_neurons=N, n_memories=K, n_chains=C))

* :func:`estimate_run_bytes` -- the peak of a retrieval run (patterns, model, cues,
  Monte Carlo run on the CPU), from its sizes alone;
* :func:`available_memory_bytes` -- what the machine (or the control group the process
  runs in) can still give;
* :func:`check_memory` -- raise :class:`ValueError` when the first exceeds the second.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from hebbian._parallel import workers
from hebbian._validation import check_int, check_real
from hebbian.models import MAX_ENTRY, padded_memory_count
from hebbian.montecarlo.arrays import odd_power_orders, sums_dtype
from hebbian.montecarlo.backends import blocked_backend_names
from hebbian.patterns import DRAW_SLICE

__all__ = ["available_memory_bytes", "check_memory", "estimate_run_bytes"]

#: Bytes the first run of a process adds for libraries loaded on first use (Numba and
#: LLVM, the compiled kernels, xarray): about 190 MB measured (Python 3.11, Numba 0.61).
LIBRARY_BYTES = 250_000_000


def estimate_run_bytes(
    *,
    n_neurons: int,
    n_memories: int,
    n_chains: int = 1,
    n_sweeps: int = 1,
    measure_every: int = 1,
    temperature: float = 0.0,
    dynamics: str = "auto",
    site_order: str = "random",
    cue_noise: float = 0.1,
    dilution: float = 0.0,
    backend: str = "numba",
    threads: int | None = None,
    max_entry: int = 1,
    p: int = 2,
) -> int:
    """Estimate the peak memory, in bytes, of a retrieval run on the host.

    The run is the one of ``hebbian simulate``: draw ``K`` patterns of ``N`` sites
    (:mod:`hebbian.patterns`), build the :class:`~hebbian.models.HebbianModel`, draw ``C``
    cues, then :func:`~hebbian.montecarlo.engine.simulate` (set-up, sweeps, Dataset).
    The estimate is the largest, over these phases, of the arrays alive together, plus
    :data:`LIBRARY_BYTES`; with ``Kp`` the padded memory count
    (:func:`~hebbian.models.padded_memory_count`) and ``u = 1`` when the dynamics
    draws an update uniform per visit (``T > 0``), else 0:

    * kept throughout: the patterns ``K N`` (int8, held by the caller), the model's
      site-major block ``N Kp`` (int8) and its per-site counts ``8 N`` (int64), the
      cues ``C N`` (int8); with integer memories (``max_entry > 127``) the patterns
      and the block take ``2 K N`` and ``2 N Kp`` (int16), and beyond {-1, 0, +1}
      the model also keeps its sums of squares ``8 N + 8 K`` (int64);
    * patterns: the float64 slices of draws and their masks (1.2 MB a thread);
    * cues: one cue's temporaries, ``(10 + 8 b + 8 d) N`` (NumPy's ``choice`` without
      replacement shuffles an int64 ``arange(N)``; ``b`` the cue noise, ``d`` the
      dilution);
    * engine set-up: the chains' spins ``C N`` and their check ``2 C N``, the overlap
      sums ``C Kp`` (:func:`~hebbian.montecarlo.arrays.sums_dtype`: int16, int32 or
      int64, from ``N max_entry``) and the threads' int32 (or int64) partial sums; for
      integer memories at p >= 4 the tracked odd power sums too (the state becomes
      ``8 (1 + n_odd) C Kp``, int64, ``n_odd`` = 1 at p = 4, 5 and 2 at p = 6), each
      computed with ``8 C Kp`` in each thread and once more for their sum;
    * sweeps: the draws of two sweeps alive together (the previous sweep's are freed
      once the next are drawn): ``(16 + 8 u) C N`` for a random order per chain
      (float64 uniforms, int32 order), ``16 N + 8 u C N`` for a shared order and
      ``4 N + 16 u C N`` for the fixed order and the synchronous schedule, whose kernel
      also holds an int64 row of ``N`` per thread; the float32 copy of the spins ``4 C N``
      of the q measurement (``C >= 2``); for integer memories at p = 3 (and 5) the
      energy's sums of cubes (fifth powers), ``8 C Kp`` in each thread and once more for
      their sum, and four float64 ``C K`` temporaries (twenty at p >= 4: Newton's
      recursion); the recorded overlaps, ``8 C K`` per measurement;
    * Dataset: the recorded overlaps three times (list, trace, ``m**2`` or ``|m|``) and
      the FFTs of their autocorrelations (4 float64 arrays of the series zero-padded
      to ``2**ceil(log2(2 n - 1))`` measurements), the ``neuron`` coordinate ``8 N``
      and the copied final spins ``C N``.

    Blocked backends (``"blocked"``, ``"cupy"``) also convert the patterns to float64 on
    the host, ``8 K N`` (kept by ``"blocked"``), plus ``8 K N`` for their squares while
    they are set up; the GPU's own memory is not estimated.

    Accuracy, against the peak resident memory of a fresh process running
    :func:`~hebbian.montecarlo.retrieval.retrieval_run` (``resource.getrusage``, minus
    the resident memory after ``import hebbian``; 2 CPUs):

    ====================================================  =========  ========
    run                                                   estimate   measured
    ====================================================  =========  ========
    N = 1e5, K = 5000, 1 chain, 5 sweeps, T = 0           1.26 GB    1.20 GB
    N = 1e7, K = 10, 1 chain, 5 sweeps, T = 0             0.77 GB    0.72 GB
    N = 2e6, K = 400, 4 chains, 3 sweeps, T = 0.5         2.17 GB    2.05 GB
    N = 1e6, K = 1000, 3 chains, shared order, d = 0.5    2.34 GB    2.28 GB
    N = 2e4, K = 2000, 4 chains, 300 sweeps, T = 0.5      0.65 GB    0.52 GB
    N = 5e4, K = 1000, 2 chains, 2000 sweeps, T = 0       0.71 GB    0.59 GB
    ====================================================  =========  ========

    so 3 to 6 % above the measured peak when the arrays of the sizes dominate, and 20 to
    25 % above when the recorded overlaps do. Without :data:`LIBRARY_BYTES` the estimate
    matched ``tracemalloc``'s peak to 1 % for the first two runs (1.012 GB against
    1.010 GB, 0.520 against 0.530 GB) and the third (1.920 GB against 1.920 GB).

    Parameters
    ----------
    n_neurons, n_memories : int
        ``N >= 1`` and ``K >= 1``.
    n_chains : int, optional
        ``C >= 1`` chains (cues).
    n_sweeps, measure_every : int, optional
        Measured sweeps and the measurement cadence: ``n_sweeps // measure_every``
        measurements are recorded.
    temperature : float, optional
        ``T >= 0``; at ``T > 0`` every sweep draws update uniforms.
    dynamics : str, optional
        As for :class:`~hebbian.montecarlo.options.EngineOptions` (only
        ``"synchronous"`` changes the estimate).
    site_order : {"random", "shared", "fixed"}, optional
    cue_noise, dilution : float, optional
        Of the cues and of the patterns (``[0, 1]``).
    backend : str, optional
        ``"numba"``/``"reference"`` or a blocked backend (``"blocked"``, ``"cupy"``).
    threads : int, optional
        Threads of the set-up (default: the CPUs this process may use).
    max_entry : int, optional
        :math:`\\max|\\xi|` of the memories (1: ternary patterns, the CLI's; larger for
        the integer memories of :class:`~hebbian.models.HebbianModel`, p = 2 to 6),
        which sets the storage (int8 up to 127, else int16) and the overlap sums' type.
        Patterns held by the caller in a wider type than the model's cost more.
    p : int, optional
        Interaction order (``p >= 2``): with integer memories at p = 3 (and 5) every
        energy measurement also computes the sums of cubes (fifth powers)
        (:func:`~hebbian.montecarlo.arrays.block_power_sums`); at p >= 4 the chains
        track the odd power sums of the field
        (:func:`~hebbian.montecarlo.arrays.odd_power_orders`).

    Returns
    -------
    int
        Bytes.
    """
    N = check_int("n_neurons", n_neurons, minimum=1)
    K = check_int("n_memories", n_memories, minimum=1)
    C = check_int("n_chains", n_chains, minimum=1)
    n_meas = check_int("n_sweeps", n_sweeps, minimum=1) // check_int(
        "measure_every", measure_every, minimum=1
    )
    T = check_real("temperature", temperature, minimum=0.0)
    b = check_real("cue_noise", cue_noise, minimum=0.0, maximum=1.0)
    d = check_real("dilution", dilution, minimum=0.0, maximum=1.0)
    n_threads = workers() if threads is None else check_int("threads", threads, minimum=1)
    X = check_int("max_entry", max_entry, minimum=1, maximum=MAX_ENTRY)
    p = check_int("p", p, minimum=2)
    Kp = padded_memory_count(K)
    u = 1 if T > 0 else 0  # the engine draws update uniforms exactly when T > 0
    width = 1 if X <= np.iinfo(np.int8).max else 2  # bytes of a stored entry
    squares = 0 if X == 1 else 8 * N + 8 * K  # the model's sums of squares (int64)

    kept = width * (K * N + N * Kp) + 8 * N + 16 * Kp + C * N + squares
    drawing = min(n_threads, K * N // (16 * DRAW_SLICE))  # threads of random_patterns
    patterns = width * K * N + max(drawing, 1) * 9 * min(DRAW_SLICE, K * N)
    cues = kept + int((10 + 8 * b + 8 * d) * N)
    sums_type = sums_dtype(N, X)
    sums = C * Kp * np.dtype(sums_type).itemsize
    setup = kept + 3 * C * N + sums + n_threads * C * Kp * (8 if sums_type == np.int64 else 4)
    n_odd = len(odd_power_orders(p, X))
    if n_odd:  # the kernels' int64 state: overlap sums, then the odd power sums
        sums = 8 * (1 + n_odd) * C * Kp
        setup += sums + n_odd * (n_threads + 2) * 8 * C * Kp
    blocked = backend in blocked_backend_names()
    if blocked:
        setup += 16 * K * N
        kept += 8 * K * N if backend == "blocked" else 0
    if dynamics == "synchronous" or site_order == "fixed":
        draws = 4 * N + 16 * u * C * N
        if dynamics == "synchronous" and not blocked:
            draws += 8 * N * min(C, n_threads)
    elif site_order == "shared":
        draws = max(16 * N + 8 * u * C * N, 8 * N + 16 * u * C * N)
    else:
        draws = (16 + 8 * u) * C * N
    measure = (4 + 8 * u) * C * N + (4 * C * N if C >= 2 else 0)
    if X > 1 and p in (3, 5):  # the sums of cubes (fifth powers) of the energy (chains.py)
        measure += (n_threads + 1) * 8 * C * Kp + 32 * C * K
    if X > 1 and p >= 4:  # Newton's recursion of the energy on (C, K) float64 arrays
        measure += 160 * C * K
    trace = 8 * n_meas * C * K
    sweeps = kept + C * N + sums + max(draws, measure) + trace
    fft = 8 * (1 << max(2 * n_meas - 1, 1).bit_length()) * C * K if n_meas >= 2 else 0
    dataset = kept + C * N + sums + 3 * trace + 4 * fft + 8 * N + C * N
    return int(max(patterns, cues, setup, sweeps, dataset) + LIBRARY_BYTES)


def available_memory_bytes() -> int | None:
    """Return the bytes this process can still allocate, or None when unknown.

    ``MemAvailable`` of ``/proc/meminfo`` (Linux), else the free physical pages
    (``os.sysconf``); capped by the limit of the process's control group (cgroup v2
    ``memory.max`` minus ``memory.current``, as under Slurm or in a container), when
    there is one.
    """
    available = _meminfo_available(Path("/proc/meminfo"))
    if available is None:
        try:
            available = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (AttributeError, OSError, ValueError):
            available = None
    limit = _cgroup_room(Path("/proc/self/cgroup"), Path("/sys/fs/cgroup"))
    if limit is not None:
        available = limit if available is None else min(available, limit)
    return available


def check_memory(estimate: int, *, available: int | None = None, hint: str | None = None) -> None:
    """Raise :class:`ValueError` when a run needs more memory than the machine has.

    Parameters
    ----------
    estimate : int
        Bytes the run needs (:func:`estimate_run_bytes`).
    available : int, optional
        Bytes the machine has; default :func:`available_memory_bytes`. When that is
        unknown, nothing is checked.
    hint : str, optional
        What to do about it, ending the message; default
        ``"lower --neurons, --alpha or --chains"``.

    Raises
    ------
    ValueError
        One line: ``this run needs about 185.0 GB of memory, the machine has 23.1 GB
        available; lower --neurons, --alpha or --chains``.
    """
    if available is None:
        available = available_memory_bytes()
    if available is None or estimate <= available:
        return
    hint = "lower --neurons, --alpha or --chains" if hint is None else hint
    raise ValueError(
        f"this run needs about {_gb(estimate)} of memory, the machine has "
        f"{_gb(available)} available; {hint}"
    )


def _gb(n: int) -> str:
    return f"{n / 1e9:.1f} GB"


def _meminfo_available(path: Path) -> int | None:
    try:
        with open(path) as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    value, unit = line.split()[1:3]
                    return int(value) * (1024 if unit.lower() == "kb" else 1)
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cgroup_room(self_cgroup: Path, root: Path) -> int | None:
    """Bytes left under the cgroup v2 memory limit of this process (None: no limit)."""
    try:
        lines = self_cgroup.read_text().splitlines()
        rel = next(line.split(":", 2)[2] for line in lines if line.startswith("0::"))
        group = root / rel.lstrip("/")
        limit = (group / "memory.max").read_text().strip()
        if limit == "max":
            return None
        return max(0, int(limit) - int((group / "memory.current").read_text().strip()))
    except (OSError, ValueError, IndexError, StopIteration):
        return None
