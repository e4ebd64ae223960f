"""The CLI end to end, in a subprocess, as a user runs it."""

import json
import subprocess
import sys

import pytest
import xarray as xr


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "hebbian.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def test_version():
    out = run("--version")
    assert out.returncode == 0 and "0." in out.stdout


def test_cli_import_is_light():
    code = (
        "import sys, hebbian.cli; "
        "print(sorted(m for m in ('numba', 'xarray', 'cupy', 'scipy', 'matplotlib') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "[]"


def test_simulate_table_and_json(tmp_path):
    args = [
        "simulate",
        "--neurons",
        "2000",
        "--alpha",
        "0.1",
        "--p",
        "2",
        "--temperature",
        "0",
        "--cue-noise",
        "0.1",
        "--sweeps",
        "20",
        "--seed",
        "1",
    ]
    table = run(*args)
    assert table.returncode == 0, table.stderr
    assert "overlap with cued memory" in table.stdout and "sweeps to convergence" in table.stdout
    out = tmp_path / "result.nc"
    js = run(*args, "--json", "--out", str(out))
    assert js.returncode == 0, js.stderr
    summary = json.loads(js.stdout)
    assert summary["n_memories"] == 200 and summary["dynamics"] == "zero_temperature"
    assert summary["overlap"] > 0.95 and 0 < summary["sweeps_to_convergence"] < 20
    assert summary["energy_per_spin"] == pytest.approx(-0.5, abs=0.02)
    with xr.open_dataset(out, engine="h5netcdf") as ds:
        assert ds.attrs["cue_noise"] == 0.1 and ds.sizes["neuron"] == 2000
        assert float(ds.m.isel(time=-1, chain=0, memory=0)) == pytest.approx(summary["overlap"])
    assert [p.name for p in tmp_path.iterdir()] == ["result.nc"]


def test_simulate_dense_diluted_heat_bath():
    js = run(
        "simulate",
        "--neurons",
        "60",
        "--alpha",
        "0.02",
        "--p",
        "3",
        "--temperature",
        "0.1",
        "--dilution",
        "0.2",
        "--chains",
        "3",
        "--sweeps",
        "5",
        "--seed",
        "2",
        "--json",
        "--dynamics",
        "metropolis",
        "--order",
        "fixed",
    )
    assert js.returncode == 0, js.stderr
    summary = json.loads(js.stdout)
    assert summary["n_memories"] == 72 and summary["sweeps_to_convergence"] is None
    assert len(summary["overlap_per_chain"]) == 3


BAD = [
    (["--neurons", "0"], "--neurons must be >= 2, got 0"),
    (["--neurons", "ten"], "'ten' is not a valid integer"),
    (["--alpha", "0"], "--alpha must be > 0, got 0"),
    (["--alpha", "1e-6"], "stores no memory"),
    (["--temperature", "-0.5"], "--temperature must be >= 0, got -0.5"),
    (["--cue-noise", "1.5"], "--cue-noise must be in [0, 1], got 1.5"),
    (["--cue-noise", "-0.1"], "--cue-noise must be in [0, 1], got -0.1"),
    (["--dilution", "1"], "--dilution must be in [0, 1), got 1"),
    (["--p", "1"], "--p must be >= 2, got 1"),
    (["--sweeps", "0"], "--sweeps must be >= 1, got 0"),
    (["--chains", "0"], "--chains must be >= 1, got 0"),
    (["--dynamics", "glauber"], "dynamics must be one of"),
    (["--temperature", "0", "--dynamics", "heat_bath"], "needs temperature > 0"),
    (["--order", "spiral"], "--order must be one of random, fixed"),
    (["--seed", "-3"], "--seed must be >= 0, got -3"),
    (["--out", "missing-folder/x.nc"], "does not exist"),
    (["--frobnicate"], "No such option"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_input_exits_2_with_one_line(tmp_path, args, message):
    out = (
        run("simulate", "--neurons", "50", *args, "--out", str(tmp_path / "r.nc"), cwd=tmp_path)
        if "--out" not in args
        else run("simulate", *args, cwd=tmp_path)
    )
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("hebbian: error:") and message in lines[0]
    assert "Traceback" not in out.stderr and out.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_unwritable_out(tmp_path):
    # a path under a regular file can never be created, even by root
    blocker = tmp_path / "file"
    blocker.write_text("x")
    out = run("simulate", "--neurons", "50", "--out", str(blocker / "r.nc"))
    assert out.returncode == 2 and "does not exist" in out.stderr
    assert blocker.read_text() == "x"


def test_write_check_probe_fails_on_read_only_folder(tmp_path, monkeypatch):
    import tempfile

    from hebbian.io import check_writable

    def refuse(*args, **kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(ValueError, match="is not writable"):
        check_writable(tmp_path / "x.nc")


def test_out_is_a_directory(tmp_path):
    out = run("simulate", "--neurons", "50", "--out", str(tmp_path))
    assert out.returncode == 2 and "is a directory" in out.stderr
