"""Set-up cost of a retrieval run next to the cost of its sweeps, measured in one run.

Usage::

    python benchmarks/setup.py [--neurons 100000] [--alpha 0.05] [--dilution 0]
                               [--sweeps 5] [--chains 1] [--seed 1] [--json out.json]

The steps are those of ``hebbian simulate``: draw ``K = alpha N`` patterns
(:func:`~hebbian.patterns.random_patterns`, or :func:`~hebbian.patterns.diluted_patterns`
with ``--dilution``), build the :class:`~hebbian.models.HebbianModel`, draw the cues of
memory 0 (10% of the sites flipped), derive the kernel arrays (``prepare``) and the exact
overlap sums (``initial_sums``) -- both inside the engine's set-up, ``MarkovChains``,
and timed again on their own --; then ``--sweeps`` zero-temperature sweeps in random
site order on the Numba backend, each with its draws (``MarkovChains.sweep``). The
kernels are compiled (or loaded from Numba's cache) on a tiny model first and that time
is reported apart. Every number comes from this one process, so the ratio "set-up /
sweeps" is meaningful on a shared machine. The user and system CPU seconds of each step
(all threads) are printed next to its wall time: system time is mostly the first touch
of newly allocated memory. The last line gives the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import time

import numba
import numpy as np

from hebbian.models import HebbianModel
from hebbian.montecarlo.arrays import initial_sums, prepare
from hebbian.montecarlo.chains import MarkovChains
from hebbian.montecarlo.draws import draw_sweep
from hebbian.montecarlo.dynamics import ZERO_TEMPERATURE
from hebbian.patterns import cue, diluted_patterns, random_patterns


def run_sweeps(chains, rng, n_sweeps):
    C, N = chains.spins.shape
    for _ in range(n_sweeps):
        d = draw_sweep(rng, n_chains=C, n_neurons=N, site_order="random", needs_uniforms=False)
        chains.sweep(beta=np.inf, dynamics=ZERO_TEMPERATURE, uniforms=d.uniforms, order=d.order)


def warm_up() -> float:
    t0 = time.perf_counter()
    rng = np.random.default_rng(0)
    model = HebbianModel(random_patterns(3, 64, seed=rng))
    run_sweeps(MarkovChains(model, cue(model.memories[0], noise=0.1, seed=rng)), rng, 1)
    return time.perf_counter() - t0


def measure(n_neurons, alpha, dilution, n_sweeps, n_chains, seed) -> dict:
    K = max(1, int(round(alpha * n_neurons)))
    times, parts, cpu = {}, {}, {}

    def step(name, fn, into=times):
        r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        value = fn()
        into[name] = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        cpu[name] = (r1.ru_utime - r0.ru_utime, r1.ru_stime - r0.ru_stime)
        return value

    rng = np.random.default_rng(seed)
    if dilution > 0:
        xi = step(
            "diluted_patterns",
            lambda: diluted_patterns(K, n_neurons, dilution=dilution, seed=rng),
        )
    else:
        xi = step("random_patterns", lambda: random_patterns(K, n_neurons, seed=rng))
    model = step("HebbianModel", lambda: HebbianModel(xi))
    spins = step("cue", lambda: cue(model.memories[0], noise=0.1, n_cues=n_chains, seed=rng))
    chains = step("MarkovChains", lambda: MarkovChains(model, spins))
    # the engine's set-up (MarkovChains) again, in its parts; not added to the total
    arrays = step("prepare", lambda: prepare(model), into=parts)
    step("initial_sums", lambda: initial_sums(arrays, spins), into=parts)
    setup = sum(times.values())
    step("sweeps", lambda: run_sweeps(chains, rng, n_sweeps))
    return {"n_memories": K, "times": times, "parts": parts, "cpu": cpu, "setup": setup}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neurons", type=int, default=100_000)
    parser.add_argument("--alpha", type=float, default=0.05)
    parser.add_argument("--dilution", type=float, default=0.0)
    parser.add_argument("--sweeps", type=int, default=5)
    parser.add_argument("--chains", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", default=None, help="also write the numbers to this file")
    args = parser.parse_args()

    compile_s = warm_up()
    res = measure(args.neurons, args.alpha, args.dilution, args.sweeps, args.chains, args.seed)
    times, setup = res["times"], res["setup"]
    sweeps = times["sweeps"]
    print(
        f"N = {args.neurons}, K = {res['n_memories']} (alpha = {args.alpha:g}), "
        f"dilution = {args.dilution:g}, {args.chains} chain(s), numba threads = "
        f"{numba.get_num_threads()}, NumPy {np.__version__}, {platform.machine()}"
    )
    print(f"kernel compile / cache load (tiny model, not counted): {compile_s:.3f} s")
    width, cpu = 24, res["cpu"]
    print(f"{'step':<{width}}{'seconds':>9}{'user':>8}{'system':>8}   (CPU seconds, all threads)")
    print("-" * (width + 25))

    def row(label, name, t):
        print(f"{label:<{width}}{t:9.3f}{cpu[name][0]:8.2f}{cpu[name][1]:8.2f}")

    for name, t in times.items():
        if name == "sweeps":
            print("-" * (width + 25))
            print(f"{'set-up total':<{width}}{setup:9.3f}")
        row(f"{args.sweeps} sweeps" if name == "sweeps" else name, name, t)
        if name == "MarkovChains":
            for part, t_part in res["parts"].items():
                row("  of which " + part, part, t_part)
    print(f"set-up / {args.sweeps} sweeps = {setup / sweeps:.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    print(f"peak resident memory: {peak / 1e9:.2f} GB")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({**vars(args), **res, "compile_s": compile_s, "peak_rss": peak}, f)


if __name__ == "__main__":
    main()
