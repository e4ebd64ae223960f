"""Spin updates per second of the Numba engine next to a dense-J NumPy loop.

Usage::

    python benchmarks/engine.py [--sizes 1000,4000,16000] [--repeats 3] [--json out.json]

Hopfield network at load alpha = 0.1, chains started from a stored pattern with 10% of
its bits flipped; zero-temperature dynamics and heat bath at T = 0.5 (above the
retrieval spinodal at this load, so spins keep flipping: the expensive case). Each
configuration is timed ``--repeats`` times on whole sweeps lasting >= 0.3 s; the median
rate is reported. The NumPy baseline computes ``h = J[i] @ s`` for every visited site
with a dense float64 ``J = xi^T xi / N`` (zero diagonal); it is timed on 2000 site
visits (a rate, extrapolated to nothing else). All rates come from one run, so their
ratios are meaningful on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time

import numba
import numpy as np

from hebbian import HebbianModel, cue, random_patterns
from hebbian.montecarlo.draws import draw_sweep
from hebbian.montecarlo.dynamics import HEAT_BATH, ZERO_TEMPERATURE
from hebbian.montecarlo.engine import MarkovChains

ALPHA = 0.1
TEMPERATURE = 0.5


def numba_rate(model, *, n_chains, threads, dynamics, repeats, rng):
    numba.set_num_threads(threads)
    N = model.n_neurons
    start = cue(model.memories[0], noise=0.1, n_cues=n_chains, seed=rng)
    chains = MarkovChains(model, start)
    beta = np.inf if dynamics == ZERO_TEMPERATURE else 1.0 / TEMPERATURE

    def sweeps(n):
        t0 = time.perf_counter()
        for _ in range(n):
            d = draw_sweep(
                rng,
                n_chains=n_chains,
                n_neurons=N,
                site_order="random",
                needs_uniforms=dynamics != ZERO_TEMPERATURE,
            )
            chains.sweep(beta=beta, dynamics=dynamics, uniforms=d.uniforms, order=d.order)
        return time.perf_counter() - t0

    sweeps(2)  # compile / load cache, leave the cue
    n = 1
    while sweeps(n) < 0.3:
        n *= 2
    rates = [n * N * n_chains / sweeps(n) for _ in range(repeats)]
    return statistics.median(rates)


def numpy_dense_rate(model, *, dynamics, rng, visits=2000):
    xi = model.memories.astype(np.float64)
    N = model.n_neurons
    J = xi.T @ xi / N
    np.fill_diagonal(J, 0.0)
    s = cue(model.memories[0], noise=0.1, seed=rng)[0].astype(np.float64)
    beta = 1.0 / TEMPERATURE
    sites = rng.integers(0, N, visits)
    u = rng.random(visits)
    t0 = time.perf_counter()
    for t in range(visits):
        i = sites[t]
        h = J[i] @ s
        if dynamics == ZERO_TEMPERATURE:
            if s[i] * h < 0:
                s[i] = -s[i]
        else:
            s[i] = 1.0 if u[t] < 1.0 / (1.0 + np.exp(-2.0 * beta * h)) else -1.0
    return visits / (time.perf_counter() - t0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,4000,16000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    rows = []
    for N in [int(x) for x in args.sizes.split(",")]:
        model = HebbianModel(random_patterns(int(ALPHA * N), N, seed=N))
        for name, dyn in (("zero T", ZERO_TEMPERATURE), ("heat bath T=0.5", HEAT_BATH)):
            dense = numpy_dense_rate(model, dynamics=dyn, rng=rng)
            one = numba_rate(
                model, n_chains=1, threads=1, dynamics=dyn, repeats=args.repeats, rng=rng
            )
            eight_1 = numba_rate(
                model, n_chains=8, threads=1, dynamics=dyn, repeats=args.repeats, rng=rng
            )
            eight_2 = numba_rate(
                model, n_chains=8, threads=2, dynamics=dyn, repeats=args.repeats, rng=rng
            )
            rows.append(
                {
                    "N": N,
                    "K": model.n_memories,
                    "dynamics": name,
                    "numpy_dense": dense,
                    "numba_1chain_1core": one,
                    "numba_8chains_1core": eight_1,
                    "numba_8chains_2cores": eight_2,
                }
            )
            print(
                f"N={N} {name}: numpy {dense / 1e6:.3f}M/s, numba 1 chain {one / 1e6:.1f}M/s, "
                f"8 chains 1 core {eight_1 / 1e6:.1f}M/s, 2 cores {eight_2 / 1e6:.1f}M/s",
                flush=True,
            )
    print()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"numba {numba.__version__}, numpy {np.__version__}, python {platform.python_version()}"
    )
    print()
    print(
        "| N | K | dynamics | NumPy dense J (M/s) | Numba 1 chain, 1 core (M/s) | ratio | "
        "8 chains, 1 core (M/s) | 8 chains, 2 cores (M/s) | 2-core speed-up |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['N']} | {r['K']} | {r['dynamics']} | {r['numpy_dense'] / 1e6:.3f} | "
            f"{r['numba_1chain_1core'] / 1e6:.1f} | "
            f"{r['numba_1chain_1core'] / r['numpy_dense']:.0f}x | "
            f"{r['numba_8chains_1core'] / 1e6:.1f} | {r['numba_8chains_2cores'] / 1e6:.1f} | "
            f"{r['numba_8chains_2cores'] / r['numba_8chains_1core']:.2f}x |"
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
