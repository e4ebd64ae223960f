"""Sweep throughput: serial vs local processes vs a Dask LocalCluster, and checkpoints.

Usage::

    python benchmarks/sweep.py [--points 200]

A grid of ``--points`` points of the phase-diagram experiment, sized so that one point
takes about 50 ms on one core (N = 2000, 2 chains, 20 + 40 sweeps), run

1. serially in this process on one core (Numba limited to one thread; no checkpoints,
   then with checkpoints: the overhead),
2. with 2 local worker processes (forkserver pool): once with a new pool (worker
   start-up and kernel loading included), once with the pool kept from that run,
3. on a ``dask.distributed`` LocalCluster of 2 single-threaded worker processes on
   loopback TCP: the first sweep and a second one on the warm workers,

and checked to give identical data. Then a worked estimate of the full-size AGS
phase-diagram grid on a 100-worker cluster from the measured per-point time.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile

import numpy as np

from hebbian.experiments.config import load_config
from hebbian.experiments.runner import prepare_run, run_experiment
from hebbian.sweep import SweepOptions


def overrides_for(n_points: int):
    n_t = 10
    n_a = max(1, n_points // n_t)
    return [
        ("n_neurons", 2000),
        ("alpha", [round(0.01 + 0.15 * i / max(n_a - 1, 1), 6) for i in range(n_a)]),
        ("temperature", [round(0.05 + 1.2 * j / (n_t - 1), 6) for j in range(n_t)]),
        ("n_samples", 1),
        ("n_chains", 2),
        ("n_burn", 20),
        ("n_sweeps", 40),
        ("line_alpha", [0.01, 0.1]),
    ]


def timed(cfg, overrides, options):
    """Run once; return the sweep's wall time (grid points only, not the theory overlay
    that ``assemble`` adds, which is the same for every executor) and the Dataset."""
    ds = run_experiment(cfg, quick=True, overrides=overrides, options=options)
    return ds.attrs["wall_time_s"], ds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=200)
    args = parser.parse_args()
    cfg = load_config("amit1987_hopfield_phase_diagram")
    import numba

    numba.set_num_threads(1)  # the serial baseline runs on one core
    ov = overrides_for(args.points)
    _, points = prepare_run(cfg, quick=True, overrides=ov)
    timed(
        cfg,
        [*ov[:1], ("alpha", [0.05]), ("temperature", [0.5]), *ov[3:]],
        SweepOptions(run_dir=os.path.join(tempfile.mkdtemp(), "warm"), progress=False),
    )  # warm the kernels and the checkpoint writer (imported once)
    rows = []
    t_serial, ref = timed(cfg, ov, SweepOptions(progress=False))
    rows.append(("serial, no checkpoints", t_serial, 1.0))
    with tempfile.TemporaryDirectory() as tmp:
        t_ckpt, ds = timed(cfg, ov, SweepOptions(run_dir=os.path.join(tmp, "run"), progress=False))
    rows.append(("serial, checkpoints", t_ckpt, t_serial / t_ckpt))
    procs = SweepOptions(executor="processes", workers=2, progress=False)
    t_cold, _ = timed(cfg, ov, procs)
    rows.append(("2 local processes, new pool (start-up included)", t_cold, t_serial / t_cold))
    t_proc, ds_proc = timed(cfg, ov, procs)
    rows.append(("2 local processes, pool kept from the run above", t_proc, t_serial / t_proc))
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=50,
    ) as cluster:
        dask = SweepOptions(executor="dask", scheduler=cluster.scheduler_address, progress=False)
        t_cold, _ = timed(cfg, ov, dask)
        rows.append(("Dask LocalCluster, 2 workers, first sweep", t_cold, t_serial / t_cold))
        t_dask, ds_dask = timed(cfg, ov, dask)
        rows.append(("Dask LocalCluster, 2 workers, warm workers", t_dask, t_serial / t_dask))
    for other in (ds_proc, ds_dask):
        for key in ref.data_vars:
            np.testing.assert_array_equal(ref[key].values, other[key].values)
    per_point = t_serial / len(points)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, python "
        f"{platform.python_version()}"
    )
    print(
        f"grid: {len(points)} points of the phase-diagram kind, {per_point * 1e3:.1f} ms per "
        f"point (serial); identical data from every executor: yes"
    )
    print()
    print("| executor | wall time (s) | speed-up vs serial |")
    print("|---|---|---|")
    for name, t, s in rows:
        print(f"| {name} | {t:.2f} | {s:.2f}x |")
    print()
    print(f"checkpoint overhead: {100 * (t_ckpt / t_serial - 1):.1f}% of the serial run")
    full = load_config("amit1987_hopfield_phase_diagram")
    params, full_points = prepare_run(full, quick=False)
    scale = (params["n_neurons"] / 2000) * (params["n_burn"] + params["n_sweeps"]) / 60
    scale *= params["n_chains"] / 2 * (np.mean(params["alpha"]) / np.mean(ov[1][1]))
    est_point = per_point * scale
    print(
        f"full-size AGS grid: {len(full_points)} points, N = {params['n_neurons']}, "
        f"{params['n_burn'] + params['n_sweeps']} sweeps x {params['n_chains']} chains; "
        f"estimated {est_point:.2f} s per point (scaling the measured time by N, sweeps, "
        f"chains and mean K), {est_point * len(full_points) / 3600:.2f} h on one core, "
        f"{est_point * len(full_points) / 100 / 60:.1f} min on 100 workers "
        f"(+ about 1 s of task overhead per worker)"
    )


if __name__ == "__main__":
    main()
