"""Sweeps: executors give identical results; checkpoints survive SIGKILL and corruption."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from hebbian.checkpoint import CheckpointStore, RunDirectoryMismatch
from hebbian.experiments.config import load_config
from hebbian.experiments.runner import run_experiment
from hebbian.sweep import SweepOptions

SMALL = [
    ("n_neurons", [100, 150]),
    ("alpha", [0.05, 0.1, 0.2]),
    ("n_samples", 3),
    ("n_chains", 2),
    ("n_sweeps", 6),
    ("n_bootstrap", 20),
]


def assert_same_data(a, b):
    assert set(a.data_vars) == set(b.data_vars)
    for key in a.data_vars:
        np.testing.assert_array_equal(a[key].values, b[key].values, err_msg=key)


@pytest.fixture(scope="module")
def config():
    return load_config("amit1987_hopfield_capacity")


@pytest.fixture(scope="module")
def serial_result(config):
    return run_experiment(config, quick=True, overrides=SMALL)


def test_processes_and_chunking_do_not_change_results(config, serial_result):
    for chunk in (1, 5):
        ds = run_experiment(
            config,
            quick=True,
            overrides=SMALL,
            options=SweepOptions(
                executor="processes", workers=2, chunk_size=chunk, progress=False
            ),
        )
        assert ds.attrs["executor"] == "processes" and ds.attrs["workers"] == 2
        assert_same_data(ds, serial_result)


@pytest.mark.slow
def test_dask_cluster_on_loopback_gives_the_same_bytes(config, serial_result, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        protocol="tcp",
        dashboard_address=None,
        silence_logs=50,
    ) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        ds = run_experiment(
            config,
            quick=True,
            overrides=SMALL,
            options=SweepOptions(
                executor="dask", scheduler=cluster.scheduler_address, chunk_size=2, progress=False
            ),
        )
    assert ds.attrs["executor"] == "dask" and ds.attrs["workers"] == 2
    assert_same_data(ds, serial_result)
    # the written files hold the same bytes for every data variable
    a, b = tmp_path / "a.nc", tmp_path / "b.nc"
    for result, path in ((ds, a), (serial_result, b)):
        bare = result.copy()
        bare.attrs = {}
        bare.to_netcdf(path, engine="h5netcdf")
    with xr.open_dataset(a, engine="h5netcdf") as x, xr.open_dataset(b, engine="h5netcdf") as y:
        for key in x.data_vars:
            assert x[key].values.tobytes() == y[key].values.tobytes()


class StallOnVictim:
    """The experiment kind, except on one worker: there a chunk marks a file and stalls.

    The victim is killed while it holds an unfinished chunk, which it can never finish:
    the sweep completes only if the chunk is run again elsewhere.
    """

    def __init__(self, kind, victim: int, marker: str):
        self.kind, self.victim, self.marker = kind, victim, marker

    def run_batch(self, params, points, rngs, **engine):
        if os.getpid() == self.victim:
            Path(self.marker).write_text("started")
            while True:
                time.sleep(0.05)
        return self.kind.run_batch(params, points, rngs, **engine)


@pytest.mark.slow
def test_dask_worker_death_is_retried(config, tmp_path):
    distributed = pytest.importorskip("distributed")
    import threading

    import cloudpickle
    import dask

    from hebbian.experiments.registry import get_kind
    from hebbian.experiments.runner import prepare_run
    from hebbian.sweep import run_points

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import us
    kind = get_kind(config.kind)
    params, points = prepare_run(config, quick=True, overrides=SMALL)
    marker = tmp_path / "victim-started"
    # the scheduler gives up on a task at the first worker death: only the sweep's own
    # resubmission can finish the run (the test fails if that is broken)
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=50,
        ) as cluster,
    ):
        client = distributed.Client(cluster)
        victim = sorted(client.run(os.getpid).values())[0]
        killed = []

        def kill_when_started():  # no timer: the victim provably holds a chunk
            deadline = time.monotonic() + 3600  # a guard against a hang, not a speed
            while not marker.exists() and time.monotonic() < deadline:
                time.sleep(0.02)
            if marker.exists():
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)

        killer = threading.Thread(target=kill_when_started)
        killer.start()
        results, report = run_points(
            StallOnVictim(kind, victim, str(marker)),
            params,
            points,
            seed=config.seed,
            options=SweepOptions(
                executor="dask", scheduler=cluster.scheduler_address, chunk_size=1, progress=False
            ),
        )
        killer.join()
        client.close()
    assert killed == [victim], "the victim never received a chunk"
    with pytest.raises(ProcessLookupError):
        os.kill(victim, 0)
    assert report.n_computed == len(points)
    serial, _ = run_points(kind, params, points, seed=config.seed)
    for got, want in zip(results, serial):
        assert got.keys() == want.keys()
        for key in want:
            np.testing.assert_array_equal(got[key], want[key], err_msg=key)


def test_checkpoints_resume_and_detect_corruption(config, serial_result, tmp_path):
    run_dir = tmp_path / "run"
    opts = SweepOptions(run_dir=run_dir, chunk_size=4, progress=False)
    first = run_experiment(config, quick=True, overrides=SMALL, options=opts)
    assert first.attrs["n_points_computed"] == 18 and first.attrs["n_points_resumed"] == 0
    chunks = sorted(run_dir.glob("chunk-*.nc"))
    assert len(chunks) == 5 and len(list(run_dir.glob("chunk-*.nc.sha256"))) == 5
    again = run_experiment(config, quick=True, overrides=SMALL, options=opts)
    assert again.attrs["n_points_computed"] == 0 and again.attrs["n_points_resumed"] == 18
    assert_same_data(again, serial_result)
    # corrupt one chunk: detected by its checksum, deleted and recomputed
    raw = bytearray(chunks[1].read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    chunks[1].write_bytes(bytes(raw))
    fixed = run_experiment(config, quick=True, overrides=SMALL, options=opts)
    assert fixed.attrs["n_discarded_chunks"] == 1
    assert fixed.attrs["n_points_computed"] == 4 and fixed.attrs["n_points_resumed"] == 14
    assert_same_data(fixed, serial_result)
    # a truncated file is no better
    chunks = sorted(run_dir.glob("chunk-*.nc"))
    chunks[0].write_bytes(chunks[0].read_bytes()[:100])
    fixed = run_experiment(config, quick=True, overrides=SMALL, options=opts)
    assert fixed.attrs["n_discarded_chunks"] == 1 and fixed.attrs["n_points_computed"] == 4
    assert_same_data(fixed, serial_result)


def test_changed_config_is_refused_or_gets_a_new_run_dir(config, tmp_path):
    run_dir = tmp_path / "run"
    run_experiment(config, quick=True, overrides=SMALL, options=SweepOptions(run_dir=run_dir))
    changed = SMALL + [("n_sweeps", 7)]
    with pytest.raises(RunDirectoryMismatch, match="different configuration"):
        run_experiment(
            config, quick=True, overrides=changed, options=SweepOptions(run_dir=run_dir)
        )
    ds = run_experiment(
        config,
        quick=True,
        overrides=changed,
        options=SweepOptions(run_dir=run_dir, new_run_dir=True),
    )
    assert ds.attrs["run_dir"].startswith(str(run_dir) + ".")
    assert ds.attrs["n_points_computed"] == 18


def test_checkpoint_store_round_trip(tmp_path):
    store = CheckpointStore(tmp_path / "r", fingerprint={"a": 1})
    store.save([(3, {"x": 1.5, "v": np.arange(4)}), (7, {"x": -2.0, "v": np.zeros(4)})])
    store.save([(9, {"x": np.nan, "v": np.arange(4) * 3, "flag": True})])
    loaded, bad = store.load()
    assert bad == 0 and sorted(loaded) == [3, 7, 9]
    assert loaded[3]["x"] == 1.5 and np.array_equal(loaded[3]["v"], np.arange(4))
    assert loaded[3]["v"].dtype == np.arange(4).dtype and np.isnan(loaded[9]["x"])
    assert loaded[9]["flag"] is True or loaded[9]["flag"] == np.True_
    with pytest.raises(ValueError, match="numeric"):
        store.save([(11, {"s": "text"})])
    with pytest.raises(RunDirectoryMismatch):
        CheckpointStore(tmp_path / "r", fingerprint={"a": 2})


CLI = [sys.executable, "-m", "hebbian.cli"]
TINY_RUN = [
    *CLI,
    "run",
    "amit1987_hopfield_capacity",
    "--quick",
    "--executor",
    "serial",
    "--set",
    "n_neurons=[100, 120]",
    "--set",
    "n_samples=1",
]
KILL_RUN = [
    "run",
    "amit1987_hopfield_capacity",
    "--quick",
    "--executor",
    "serial",
    "--chunk-size",
    "2",
    "--quiet",
    "--set",
    "n_neurons=[400, 800]",
    "--set",
    "n_samples=4",
    "--set",
    "n_sweeps=30",
]

#: The run of KILL_RUN, except that the sixth chunk marks a file and stalls: when the
#: process is killed, exactly five chunks (10 points) are checkpointed, on any machine.
STALLING_RUN = """
import sys, time
from pathlib import Path
from hebbian.experiments.config import load_config
from hebbian.experiments.registry import get_kind
from hebbian.experiments.runner import prepare_run, run_fingerprint
from hebbian.sweep import SweepOptions, run_points

run_dir, marker = sys.argv[1], Path(sys.argv[2])
config = load_config("amit1987_hopfield_capacity")
overrides = [("n_neurons", [400, 800]), ("n_samples", 4), ("n_sweeps", 30)]
params, points = prepare_run(config, quick=True, overrides=overrides)
kind = get_kind(config.kind)


class StallOnTheSixthChunk:
    chunks = 0

    def run_batch(self, params, points, rngs, **engine):
        self.chunks += 1
        if self.chunks == 6:
            marker.write_text("stalled")
            while True:
                time.sleep(0.05)
        return kind.run_batch(params, points, rngs, **engine)


run_points(
    StallOnTheSixthChunk(),
    params,
    points,
    seed=config.seed,
    options=SweepOptions(run_dir=run_dir, chunk_size=2, progress=False),
    fingerprint=run_fingerprint(config, quick=True, params=params),
)
"""


@pytest.mark.slow
def test_sigkill_then_resume_recomputes_no_finished_point(tmp_path):
    out, run_dir = tmp_path / "killed.nc", tmp_path / "killed.run"
    marker = tmp_path / "stalled"
    proc = subprocess.Popen(
        [sys.executable, "-c", STALLING_RUN, str(run_dir), str(marker)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    while not marker.exists():  # the sixth chunk has started: five are checkpointed
        assert proc.poll() is None, proc.stderr.read().decode()
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    finished_before = 0
    for sidecar in run_dir.glob("chunk-*.sha256"):
        with xr.open_dataset(sidecar.with_suffix(""), engine="scipy") as ds:
            finished_before += len(json.loads(ds.attrs["points"]))
    assert finished_before == 10
    args = [*CLI, *KILL_RUN, "--out", str(out), "--run-dir", str(run_dir), "--resume"]
    resumed = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert resumed.returncode in (0, 1), resumed.stderr  # 1: a published value missed
    reference = subprocess.run(
        [*CLI, *KILL_RUN, "--out", str(tmp_path / "ref.nc")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert reference.returncode == resumed.returncode, reference.stderr
    with (
        xr.open_dataset(out, engine="h5netcdf") as a,
        xr.open_dataset(tmp_path / "ref.nc", engine="h5netcdf") as b,
    ):
        assert a.attrs["n_points_resumed"] == finished_before
        assert a.attrs["n_points_computed"] == 104 - finished_before  # nothing recomputed
        assert_same_data(a, b)


BAD = [
    (
        ["run", "amit1987_hopfield_capacity", "--executor", "threads"],
        "'threads' is not one of 'serial', 'processes', 'dask'",
    ),
    (["run", "amit1987_hopfield_capacity", "--workers", "0"], "workers must be >= 1, got 0"),
    (["run", "amit1987_hopfield_capacity", "--chunk-size", "0"], "chunk size must be >= 1"),
    (["run", "amit1987_hopfield_capacity", "--scheduler", "localhost"], "tcp://host:port"),
    (
        ["run", "amit1987_hopfield_capacity", "--scheduler-file", "nofile.json"],
        "scheduler file 'nofile.json' does not exist",
    ),
    (["run", "amit1987_hopfield_capacity", "--executor", "dask"], "exactly one of"),
    (["run", "amit1987_hopfield_capacity", "--resume"], "nothing to resume"),
    (["run", "amit1987_hopfield_capacity", "--set", "alpha=[]"], "must be a non-empty list"),
    (
        [
            "run",
            "amit1987_hopfield_capacity",
            "--set",
            "n_neurons=[100, 200]",
            "--set",
            "alpha={start=0.1, stop=0.2, num=100000}",
        ],
        "use --force",
    ),
    (["run", "amit1987_hopfield_capacity", "--set", "n_neuron=[100]"], "did you mean 'n_neurons'"),
    (["run", "amit1987_hopfield_capacity", "--set", "threshold=2"], "threshold must be in [0, 1]"),
    (["run", "bad.toml"], "malformed TOML"),
    (["run", "amit1987_hopfield_capacity", "--run-dir", "no/such/dir"], "does not exist"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_sweep_input_exits_2_and_writes_nothing(tmp_path, args, message):
    (tmp_path / "bad.toml").write_text("[experiment\nname = 1\n")
    before = {p.name for p in tmp_path.iterdir()}
    out = subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], out.stderr
    assert {p.name for p in tmp_path.iterdir()} == before


def test_progress_summary_line(tmp_path):
    out = subprocess.run(
        [
            *TINY_RUN,
            "--set",
            "n_bootstrap=10",
            "--out",
            str(tmp_path / "r.nc"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode in (0, 1), out.stderr  # 1: a published value missed at this size
    line = [x for x in out.stderr.splitlines() if "points/s" in x]
    assert len(line) == 1 and "executor serial, 1 worker" in line[0]
    assert not (tmp_path / "r.run").exists()  # checkpoints removed after success
    assert Path(tmp_path / "r.nc").exists()


def test_foreign_run_dir_is_refused_and_kept(tmp_path):
    mine = tmp_path / "mydir"
    mine.mkdir()
    (mine / "important.txt").write_text("keep me")
    out = subprocess.run(
        [
            *TINY_RUN,
            "--out",
            str(tmp_path / "r.nc"),
            "--run-dir",
            str(mine),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2 and "not a hebbian run directory" in out.stderr
    assert (mine / "important.txt").read_text() == "keep me"
    assert not (tmp_path / "r.nc").exists()


def test_cleanup_removes_only_checkpoint_files(tmp_path):
    from hebbian.checkpoint import remove_run_dir

    store = CheckpointStore(tmp_path / "r", fingerprint={"a": 1})
    store.save([(0, {"x": 1.0})])
    (tmp_path / "r" / "notes.txt").write_text("mine")
    remove_run_dir(tmp_path / "r")
    assert [p.name for p in (tmp_path / "r").iterdir()] == ["notes.txt"]


def test_engine_limits_are_one_line_errors(tmp_path):
    out = subprocess.run(
        [
            *CLI,
            "run",
            "amit1987_hopfield_phase_diagram",
            "--quick",
            "--executor",
            "serial",
            "--set",
            "n_sweeps=100000000",
            "--out",
            str(tmp_path / "pd.nc"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2, out.stderr
    # refused before any point runs: by the memory estimate of the recorded overlaps
    # (or, on a machine with terabytes to spare, by the engine's limit on them)
    assert len(out.stderr.strip().splitlines()) == 1
    assert "of memory, the machine has" in out.stderr or "exceeds the limit" in out.stderr
    assert not (tmp_path / "pd.nc").exists()


def test_result_files_get_the_usual_mode(tmp_path):
    import stat

    out = subprocess.run(
        [*CLI, "simulate", "--neurons", "50", "--sweeps", "2", "--out", str(tmp_path / "s.nc")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((tmp_path / "s.nc").stat().st_mode) == 0o666 & ~umask


def test_run_directory_lock(tmp_path):
    import socket

    first = CheckpointStore(tmp_path / "r", fingerprint={"a": 1})
    first.acquire()
    second = CheckpointStore(tmp_path / "r", fingerprint={"a": 1})
    with pytest.raises(RunDirectoryMismatch, match="is in use by process"):
        second.acquire()
    first.release()
    second.acquire()  # free again
    second.release()
    # a lock left by a process that no longer exists on this host is taken over
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / "r" / "run.lock").write_text(f"{socket.gethostname()} {dead.pid}\n")
    second.acquire()
    assert (tmp_path / "r" / "run.lock").read_text().split()[1] == str(os.getpid())
    second.release()
