"""Spin updates per second of the GPU engine, next to the CPU engine and the GEMM floor.

Usage (on a machine with CuPy and a CUDA device)::

    python benchmarks/gpu.py [--neurons 16384] [--chains 1024,4096] [--json out.json]

and, to check the script itself anywhere, the same scheme on NumPy at small sizes::

    python benchmarks/gpu.py --backend blocked --neurons 1024 --chains 16,64

Hopfield network at alpha = 0.1 (K = N/10), heat bath at T = 0.5, one site order per
sweep shared by the chains, chains started from a stored pattern with 10% of its bits
flipped. Reported, all from one run:

* ``sweep`` -- updates per second of ``MarkovChains.sweep`` with the uniforms and the
  order already on the device (one draw reused: the kernels' cost alone);
* ``draws`` -- the device's time to draw one sweep's uniforms and order, as a rate;
* ``with draws`` -- the two together, what a run with device draws would pay;
* ``with host draws`` -- a sweep fed by NumPy draws on the host, copied to the device
  each sweep: what ``simulate(device="gpu")`` pays today;
* the kernels alone at the default block size and at each of ``--block-sizes``;
* the GEMM floor: the time of the two matrix products of one sweep, (a) issued per
  block as the engine issues them (``rows @ M`` and ``rows^T d`` for each of the
  N / B blocks, float64, at each block size) and (b) as two whole products ``xi @ M``
  and ``xi^T D`` (float64 and float32), with the engine's time divided by each;
* the CPU engine (Numba, every core, one chain per core) on the same machine;
* a parity check at this size: GPU and CPU chains from identical host draws, compared
  spin for spin;
* the experiments' workload (``--batch``): ``D`` small models (``--batch-neurons``,
  alpha = 0.1, ``--batch-chains`` chains each, different temperatures) advanced as one
  :class:`~hebbian.montecarlo.chains.ChainBatch` with host draws, against the same
  members on the CPU engine one after the other (one core), in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import numba
import numpy as np

from hebbian import HebbianModel, cue, random_patterns
from hebbian.montecarlo.draws import draw_sweep
from hebbian.montecarlo.dynamics import HEAT_BATH
from hebbian.montecarlo.engine import MarkovChains

ALPHA = 0.1
TEMPERATURE = 0.5


def array_module(backend):
    if backend == "cupy":
        import cupy

        return cupy
    return np


def synchronize(xp):
    if xp is not np:
        xp.cuda.Device().synchronize()


def timed(xp, fn, *, min_time=0.5, max_repeats=200):
    """Median-free mean time of ``fn()``: warm up once, then repeat for >= min_time."""
    fn()
    synchronize(xp)
    n, start = 0, time.perf_counter()
    while True:
        fn()
        n += 1
        synchronize(xp)
        elapsed = time.perf_counter() - start
        if elapsed >= min_time or n >= max_repeats:
            return elapsed / n


def device_draws(xp, seed, C, N):
    rng = xp.random.default_rng(seed)

    def draw():
        order = xp.argsort(rng.random(N)).astype(xp.int32)
        return xp.broadcast_to(order, (C, N)), rng.random((C, N))

    return draw


def kernel_rate(model, backend, xp, C, start, order, uniforms, block_size):
    """Updates/s of the backend's sweep kernel alone at one block size."""
    from hebbian.montecarlo.arrays import initial_sums, prepare
    from hebbian.montecarlo.backends import get_backend

    k = get_backend(backend)
    arrays = k.prepare_hebbian(model, block_size=block_size)
    spins = k.place(start.copy())
    sums = k.place(initial_sums(prepare(model), start))
    t = timed(
        xp,
        lambda: k.hebbian_sweep(spins, sums, arrays, 1 / TEMPERATURE, HEAT_BATH, order, uniforms),
    )
    return C * model.n_neurons / t


def engine_rate(model, backend, xp, C, rng, block_sizes):
    N = model.n_neurons
    start = cue(model.memories[0], noise=0.1, n_cues=C, seed=rng)
    draw = device_draws(xp, 1, C, N)
    order, uniforms = draw()
    by_block = {
        b: kernel_rate(model, backend, xp, C, start, order, uniforms, b) for b in block_sizes
    }
    t_sweep = C * N / by_block[block_sizes[0]]
    t_draw = timed(xp, draw)
    chains = MarkovChains(model, start, backend=backend)
    beta = 1.0 / TEMPERATURE

    def host_drawn_sweep():  # simulate()'s default: NumPy draws, copied each sweep
        d = draw_sweep(rng, n_chains=C, n_neurons=N, site_order="shared")
        chains.sweep(beta=beta, dynamics=HEAT_BATH, uniforms=d.uniforms, order=d.order)

    t_host = timed(xp, host_drawn_sweep, min_time=0.0, max_repeats=2)
    return {
        "sweep_by_block_size": by_block,
        "sweep": C * N / t_sweep,
        "draws": C * N / t_draw,
        "with_draws": C * N / (t_sweep + t_draw),
        "with_host_draws": C * N / t_host,
    }


def gemm_floor(model, xp, C, block_sizes):
    N, K = model.n_neurons, model.n_memories
    gen = xp.random.default_rng(2)
    xi = xp.asarray(model.site_major[:, :K].astype(np.float64))
    M = gen.integers(-N, N, size=(K, C)).astype(xp.float64)
    D = gen.integers(-1, 2, size=(N, C)).astype(xp.float64) * 2

    def per_block(b):
        for t0 in range(0, N, b):
            rows = xi[t0 : t0 + b]
            rows @ M
            M_acc = rows.T @ D[t0 : t0 + b]
            del M_acc

    out = {f"per_block_{b}_fp64": timed(xp, lambda b=b: per_block(b)) for b in block_sizes}
    for name, dtype in (("whole_fp64", xp.float64), ("whole_fp32", xp.float32)):
        a, m, dd = xi.astype(dtype), M.astype(dtype), D.astype(dtype)
        out[name] = timed(xp, lambda a=a, m=m, dd=dd: (a @ m, a.T @ dd))
    return out


def cpu_rate(model, rng, threads, n_sweeps=2):
    numba.set_num_threads(threads)
    N, C = model.n_neurons, threads
    chains = MarkovChains(model, cue(model.memories[0], noise=0.1, n_cues=C, seed=rng))
    d = draw_sweep(rng, n_chains=C, n_neurons=N, site_order="shared")
    chains.sweep(beta=1 / TEMPERATURE, dynamics=HEAT_BATH, uniforms=d.uniforms, order=d.order)
    start = time.perf_counter()
    for _ in range(n_sweeps):
        chains.sweep(beta=1 / TEMPERATURE, dynamics=HEAT_BATH, uniforms=d.uniforms, order=d.order)
    return C * N * n_sweeps / (time.perf_counter() - start)


def parity(model, backend, rng, C=32, n_sweeps=2):
    start = cue(model.memories[0], noise=0.1, n_cues=C, seed=rng)
    cpu, other = MarkovChains(model, start), MarkovChains(model, start, backend=backend)
    flips = 0
    for _ in range(n_sweeps):
        d = draw_sweep(rng, n_chains=C, n_neurons=model.n_neurons, site_order="shared")
        f = cpu.sweep(beta=1 / TEMPERATURE, dynamics=HEAT_BATH, uniforms=d.uniforms, order=d.order)
        other.sweep(beta=1 / TEMPERATURE, dynamics=HEAT_BATH, uniforms=d.uniforms, order=d.order)
        flips += int(f.sum())
    same = bool(np.array_equal(cpu.spins, other.host_spins()))
    same = same and bool(np.array_equal(cpu.sums, other.host_sums()))
    return {"chains": C, "sweeps": n_sweeps, "flips": flips, "identical": same}


def batch_rates(backend, members, neurons, chains, rng, sweeps=3):
    from hebbian.montecarlo.chains import ChainBatch

    models = [
        HebbianModel(random_patterns(round(ALPHA * neurons), neurons, seed=rng))
        for _ in range(members)
    ]
    starts = [cue(m.memories[0], noise=0.1, n_cues=chains, seed=rng) for m in models]
    betas = list(1.0 / np.linspace(0.3, 1.2, members))
    out = {"members": members, "neurons": neurons, "chains": chains}
    numba.set_num_threads(1)
    for name in (backend, "numba"):
        batch = ChainBatch(models, starts, backend=name)

        def sweep(batch=batch):
            draws = [
                draw_sweep(rng, n_chains=chains, n_neurons=neurons, site_order="shared")
                for _ in models
            ]
            batch.sweep(
                betas=betas,
                dynamics=HEAT_BATH,
                uniforms=[d.uniforms for d in draws],
                orders=[d.order for d in draws],
            )

        sweep()
        start = time.perf_counter()
        for _ in range(sweeps):
            sweep()
        elapsed = (time.perf_counter() - start) / sweeps
        out[f"{name}_updates_per_s"] = members * chains * neurons / elapsed
    numba.set_num_threads(len(os.sched_getaffinity(0)))
    out["speedup_vs_one_core"] = out[f"{backend}_updates_per_s"] / out["numba_updates_per_s"]
    return out


def device_name(xp):
    if xp is np:
        return f"CPU only: {platform.processor() or platform.machine()}, {os.cpu_count()} cores"
    props = xp.cuda.runtime.getDeviceProperties(0)
    name = props["name"]
    return name.decode() if isinstance(name, bytes) else str(name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="cupy", choices=["cupy", "blocked"])
    parser.add_argument("--neurons", type=int, default=16384)
    parser.add_argument("--chains", default="1024,4096")
    parser.add_argument("--block-sizes", default="64,128,256", help="besides the default")
    parser.add_argument("--json", default=None)
    parser.add_argument("--batch", type=int, default=256, help="members of the batch run")
    parser.add_argument("--batch-neurons", type=int, default=2000)
    parser.add_argument("--batch-chains", type=int, default=4)
    args = parser.parse_args()
    xp = array_module(args.backend)
    rng = np.random.default_rng(0)
    N = args.neurons
    model = HebbianModel(random_patterns(round(ALPHA * N), N, seed=rng))
    if args.backend == "cupy":
        from hebbian.gpu.cupy_kernels import DEFAULT_BLOCK_SIZE
    else:
        from hebbian.montecarlo.blocked import DEFAULT_BLOCK_SIZE

    block_sizes = [DEFAULT_BLOCK_SIZE] + [
        int(b) for b in args.block_sizes.split(",") if int(b) != DEFAULT_BLOCK_SIZE
    ]
    result = {
        "device": device_name(xp),
        "backend": args.backend,
        "cupy": getattr(xp, "__version__", None) if xp is not np else None,
        "numpy": np.__version__,
        "cpu_cores": len(os.sched_getaffinity(0)),
        "n_neurons": N,
        "n_memories": model.n_memories,
        "block_size": DEFAULT_BLOCK_SIZE,
        "temperature": TEMPERATURE,
        "parity": parity(model, args.backend, rng),
        "cpu_numba_all_cores": cpu_rate(model, rng, len(os.sched_getaffinity(0))),
        "runs": [],
    }
    print(json.dumps({k: v for k, v in result.items() if k != "runs"}), flush=True)
    for C in [int(c) for c in args.chains.split(",")]:
        rates = engine_rate(model, args.backend, xp, C, rng, block_sizes)
        floor = gemm_floor(model, xp, C, block_sizes)
        per_sweep = C * N / rates["sweep"]
        run = {
            "chains": C,
            **rates,
            "gemm_seconds": floor,
            "sweep_seconds": per_sweep,
            "times_gemm_floor": {k: per_sweep / v for k, v in floor.items()},
            "speedup_vs_cpu": rates["with_draws"] / result["cpu_numba_all_cores"],
        }
        result["runs"].append(run)
        print(json.dumps(run), flush=True)
    result["batch"] = batch_rates(
        args.backend, args.batch, args.batch_neurons, args.batch_chains, rng
    )
    print(json.dumps(result["batch"]), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
