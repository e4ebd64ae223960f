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


SHARED_RUN = ["simulate", "--neurons", "300", "--alpha", "0.05", "--temperature", "0.3"]
SHARED_RUN += ["--chains", "4", "--sweeps", "4", "--seed", "5", "--order", "shared", "--json"]


def test_simulate_reports_its_device():
    out = run(*SHARED_RUN, "--device", "cpu")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["device"] == "cpu"


@pytest.mark.gpu
def test_simulate_on_the_gpu_gives_the_cpu_numbers():
    cpu, gpu = run(*SHARED_RUN, "--device", "cpu"), run(*SHARED_RUN, "--device", "gpu")
    assert cpu.returncode == 0 and gpu.returncode == 0, cpu.stderr + gpu.stderr
    a, b = json.loads(cpu.stdout), json.loads(gpu.stdout)
    assert b["device"] == "gpu"
    assert a["overlap_per_chain"] == b["overlap_per_chain"]
    assert a["energy_per_spin"] == b["energy_per_spin"]


@pytest.mark.skipif(
    __import__("hebbian.device", fromlist=["x"]).gpu_unavailable_reason() is None,
    reason="a GPU is present",
)
@pytest.mark.parametrize("order", ["shared", "random"])
def test_simulate_on_missing_gpu_is_one_line(tmp_path, order):
    # the missing CuPy is named first, before what the run would need (a shared order)
    out = run("simulate", "--neurons", "50", "--order", order, "--device", "gpu", cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr.startswith("hebbian: error: device 'gpu' is not available: CuPy")
    assert len(out.stderr.strip().splitlines()) == 1 and not list(tmp_path.iterdir())


BAD = [
    (["--neurons", "0"], "--neurons must be >= 2, got 0"),
    (["--neurons", "ten"], "'ten' is not a valid integer"),
    (["--alpha", "0"], "--alpha must be > 0, got 0"),
    (["--alpha", "inf"], "--alpha must be a finite number > 0, got inf"),
    (["--alpha", "nan"], "--alpha must be a finite number > 0, got nan"),
    (["--alpha", "1e-6"], "stores no memory"),
    (["--temperature", "-0.5"], "--temperature must be >= 0, got -0.5"),
    (["--temperature", "inf"], "--temperature must be a finite number >= 0, got inf"),
    (["--cue-noise", "1.5"], "--cue-noise must be in [0, 1], got 1.5"),
    (["--cue-noise", "-0.1"], "--cue-noise must be in [0, 1], got -0.1"),
    (["--dilution", "1"], "--dilution must be in [0, 1), got 1"),
    (["--p", "1"], "--p must be >= 2, got 1"),
    (["--sweeps", "0"], "--sweeps must be >= 1, got 0"),
    (["--chains", "0"], "--chains must be >= 1, got 0"),
    (["--dynamics", "glauber"], "'glauber' is not one of 'auto', 'heat_bath'"),
    (["--temperature", "0", "--dynamics", "heat_bath"], "needs temperature > 0"),
    (["--order", "spiral"], "'spiral' is not one of 'random', 'shared', 'fixed'"),
    (["--device", "tpu"], "'tpu' is not one of 'auto', 'cpu', 'gpu'"),
    (["--draws", "gpu"], "'gpu' is not one of 'host', 'device'"),
    (["--draws", "device", "--device", "cpu"], "draws='device' needs a blocked backend"),
    (["--seed", "-3"], "--seed must be >= 0, got -3"),
    (["--out", "missing-folder/x.nc"], "does not exist"),
    (["--out", "r.xyz"], "must end in .nc, got '.xyz'"),
    # about 2 TB (2000 chains of 1e9 spins): more than any machine that runs the tests
    (["--neurons", "1000000000", "--alpha", "1e-9", "--chains", "2000"], "of memory, the machine"),
    (["--alpha", "1e308"], "beyond the limit 2^31 pattern entries"),
    (["--p", "1000"], "beyond the limit 2^31 pattern entries"),
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


def test_out_rules_folder_extension_overwrite(tmp_path):
    base = ["simulate", "--neurons", "50", "--sweeps", "2", "--seed", "3", "--json"]
    into = run(*base, "--out", str(tmp_path))  # a folder: inside it, the default name
    assert into.returncode == 0, into.stderr
    assert json.loads(into.stdout)["out"] == str(tmp_path / "retrieval.nc")
    sub = tmp_path / "sub"
    missing = run(*base, "--out", f"{sub}/")  # a folder that does not exist
    assert missing.returncode == 2 and "does not exist" in missing.stderr and not sub.exists()
    again = run(*base, "--out", str(tmp_path))  # never replaced silently
    assert again.returncode == 2 and "exists; use --force" in again.stderr
    forced = run(*base, "--out", str(tmp_path), "--force")
    assert forced.returncode == 0, forced.stderr
    fig = run("plot", str(tmp_path / "retrieval.nc"), "--out", str(tmp_path / "f.xyz"))
    assert fig.returncode == 2 and "must end in .png" in fig.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["retrieval.nc"]


def test_simulate_without_seed_draws_prints_and_stores_one(tmp_path):
    base = ["simulate", "--neurons", "200", "--alpha", "0.05", "--temperature", "0.5"]
    base += ["--sweeps", "3"]
    first = run(*base, "--json", "--out", str(tmp_path / "a.nc"))
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    seed = summary["seed"]
    assert isinstance(seed, int) and seed >= 0
    with xr.open_dataset(tmp_path / "a.nc", engine="h5netcdf") as ds:
        assert int(ds.attrs["seed"]) == seed
    table = run(*base, "--seed", str(seed))
    assert f"seed                        {seed}" in table.stdout
    repeat = json.loads(run(*base, "--seed", str(seed), "--json").stdout)
    assert repeat["overlap_per_chain"] == summary["overlap_per_chain"]
    assert repeat["energy_per_spin"] == summary["energy_per_spin"]


def test_simulate_reports_setup_and_run_time_separately():
    out = run("simulate", "--neurons", "300", "--sweeps", "2", "--seed", "1", "--json")
    summary = json.loads(out.stdout)
    assert summary["setup_time_s"] > 0 and summary["run_time_s"] > 0
    assert "wall_time_s" not in summary


def test_bare_hebbian_prints_its_help():
    out = run()
    assert out.returncode == 0 and out.stderr == ""
    assert "Usage: hebbian" in out.stdout and "reproduce" in out.stdout


def test_help_lists_commands_without_cutting_them():
    out = run("--help")
    commands = out.stdout.split("Commands:")[1]
    assert "..." not in commands
    words = " ".join(commands.split())  # a long help may wrap onto the next line
    assert "Retrieve a memory from a noisy cue (one Monte Carlo run)." in words
    assert "resonator-capacity" in words and "vsa" in words


def test_ctrl_c_says_the_same_command_resumes(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from hebbian import cli
    from hebbian.experiments import reproduce

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(reproduce, "run_to_file", interrupted)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli.main, ["run", "amit1987_hopfield_capacity", "--quick", "--quiet"]
    )
    assert result.exit_code == 130
    assert "run the same command again to resume" in result.output
    assert "amit1987_hopfield_capacity.run" in result.output


def test_list_and_solve_json():
    listed = run("list", "--json")
    assert listed.returncode == 0
    names = {e["name"] for e in json.loads(listed.stdout)}
    assert "amit1987_hopfield_capacity" in names and len(names) >= 3
    out = run("solve", "hopfield", "--alpha", "0.05", "--temperature", "0.3", "--json")
    data = json.loads(out.stdout)
    assert data["alpha"] == 0.05 and data["temperature"] == 0.3
    branches = {b["branch"]: b for b in data["branches"]}
    assert set(branches) >= {"retrieval", "spin_glass"}
    assert branches["retrieval"]["m"] == pytest.approx(0.99, abs=0.01)
    assert all(b["converged"] for b in data["branches"])
    lines = json.loads(
        run("solve", "hopfield-lines", "--alphas", "0.02,0.05,0.2", "--json").stdout
    )
    assert lines["alpha"] == [0.02, 0.05, 0.2]
    assert lines["T_M"][1] == pytest.approx(0.542, abs=0.002)
    assert lines["T_c"][0] == pytest.approx(0.591, abs=0.003)
    assert lines["T_M"][2] is None and lines["T_c"][2] is None


def test_run_check_plot_end_to_end(tmp_path):
    out = tmp_path / "cap.nc"
    res = run(
        "run",
        "amit1987_hopfield_capacity",
        "--quick",
        "--quiet",
        "--out",
        str(out),
        "--set",
        "n_neurons=[100, 200]",
        "--set",
        "n_samples=2",
        "--set",
        "n_sweeps=5",
        "--set",
        "n_bootstrap=20",
    )
    assert res.returncode in (0, 1), res.stderr  # tiny sizes may miss; the code says which
    assert "alpha_c" in res.stdout and out.exists()
    chk = run("check", str(out), "--json")
    assert chk.returncode == res.returncode  # run and check agree on a miss
    rows = json.loads(chk.stdout)
    assert {r["quantity"] for r in rows} == {"alpha_c", "m_at_reference_alpha"}
    assert (chk.returncode == 0) == all(r["passed"] for r in rows)
    fig = tmp_path / "cap.png"
    assert run("plot", str(out), "--out", str(fig)).returncode == 0
    assert fig.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


BAD_COMMANDS = [
    (["run", "no_such_experiment"], "unknown experiment 'no_such_experiment'"),
    (["run", "amit1987_hopfield_capacity", "--set", "n_sampels=2"], "did you mean 'n_samples'"),
    (["run", "amit1987_hopfield_capacity", "--set", "n_samples=0"], "n_samples must be in"),
    (["run", "amit1987_hopfield_capacity", "--set", "oops"], "--set expects key=value"),
    (["run", "amit1987_hopfield_capacity", "--out", "nowhere/x.nc"], "does not exist"),
    (["run", "amit1987_hopfield_capacity", "--draws", "gpu"], "'gpu' is not one of"),
    (["run", "amit1987_hopfield_capacity", "--draws", "device"], "--draws device needs"),
    (["run", "amit1987_hopfield_capacity", "--device", "tpu"], "'tpu' is not one of"),
    (["run", "amit1987_hopfield_capacity", "--out", "x.txt"], "must end in .nc"),
    (
        ["run", "amit1987_hopfield_capacity", "--quick", "--set", "n_neurons=[1000]"],
        "n_neurons needs at least two different sizes",
    ),
    (
        ["run", "amit1987_hopfield_capacity", "--quick", "--scheduler", "tcp://127.0.0.1:1"],
        "cannot reach the Dask scheduler at tcp://127.0.0.1:1",
    ),
    (["run", "missing.toml"], "does not exist"),
    (
        ["simulate", "--neurons", "50", "--seed", "99999999999999999999999", "--out", "s.nc"],
        "--seed must be <= 9223372036854775807",
    ),
    (["solve", "hopfield", "--alpha", "-0.1", "--temperature", "0"], "--alpha must be >= 0"),
    (["solve", "hopfield", "--alpha", "inf", "--temperature", "0.3"], "finite number >= 0"),
    (["solve", "hopfield", "--alpha", "0.1", "--temperature", "-1"], "--temperature must be >= 0"),
    (["solve", "hopfield", "--alpha", "0.1", "--temperature", "inf"], "finite number >= 0"),
    (["solve", "hopfield-lines", "--alphas", "0.1,x"], "comma-separated list of numbers"),
    (["solve", "hopfield-lines", "--alphas", "nan"], "--alphas must be a finite number"),
    (["solve", "hopfield-lines", "--alphas", "0.1,inf"], "--alphas must be a finite number"),
    (["check", "missing.nc"], "does not exist"),
]


@pytest.mark.parametrize(("args", "message"), BAD_COMMANDS)
def test_bad_commands_exit_2_with_one_line(tmp_path, args, message):
    out = run(*args, cwd=tmp_path)
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], out.stderr
    assert list(tmp_path.iterdir()) == []


def test_check_rejects_a_non_experiment_file(tmp_path):
    res = run("simulate", "--neurons", "50", "--sweeps", "2", "--out", str(tmp_path / "s.nc"))
    assert res.returncode == 0
    out = run("check", str(tmp_path / "s.nc"))
    assert out.returncode == 2 and "not an experiment result" in out.stderr


def test_solve_multitasking_json():
    out = run(
        "solve", "multitasking", "--patterns", "3", "--dilution", "0.3", "--temperature", "0.05"
    )
    assert out.returncode == 0 and "hierarchical" in out.stdout
    data = json.loads(
        run(
            "solve",
            "multitasking",
            "--patterns",
            "3",
            "--dilution",
            "0.3",
            "--temperature",
            "0.05",
            "--json",
        ).stdout
    )
    assert (data["K"], data["dilution"], data["temperature"]) == (3, 0.3, 0.05)
    states = {s["state"]: s for s in data["states"]}
    cascade = states["hierarchical"]
    assert cascade["stable"] and cascade["converged"]
    # the T = 0 cascade (1 - d) d^(k-1), thermally eroded in its last, O(T) small, term
    assert cascade["m"][:2] == pytest.approx([0.7, 0.21], abs=0.01)
    assert min(s["f"] for s in data["states"]) == cascade["f"]


def test_solve_multitasking_thresholds_and_window_json():
    three = json.loads(run("solve", "multitasking-thresholds", "--patterns", "3", "--json").stdout)
    assert three["K"] == 3 and three["d_c"] == pytest.approx((5**0.5 - 1) / 2, abs=1e-9)
    assert three["d_star"] == pytest.approx(2 / 3, abs=1e-6)
    window = json.loads(
        run(
            "solve", "multitasking-window", "--patterns", "2", "--dilution", "0.8", "--json"
        ).stdout
    )
    assert window["T_c"] == pytest.approx(0.2) and 0 < window["T_p"] < window["T_c"]
    assert window["stable_intervals"][-1] == pytest.approx([window["T_p"], window["T_c"]])
    closed = json.loads(
        run(
            "solve", "multitasking-window", "--patterns", "2", "--dilution", "0.5", "--json"
        ).stdout
    )
    assert closed["T_p"] is None and closed["stable_intervals"] == []
    bad = run("solve", "multitasking", "--patterns", "3", "--dilution", "1", "--temperature", "0")
    assert bad.returncode == 2 and "dilution must be finite and in [0, 1)" in bad.stderr
    huge = run("solve", "multitasking-thresholds", "--patterns", "1000000000")
    assert huge.returncode == 2 and "K must be an integer in [1, 10]" in huge.stderr


def test_option_names_replace_only_the_name_of_a_range_error():
    out = run("simulate", "--p", "1000")
    assert out.returncode == 2 and "error: alpha = 0.1 at N = 1000, p = 1000" in out.stderr


def test_solve_dense_storage_and_learning_json():
    data = json.loads(
        run("solve", "dense", "--p", "3", "--alpha", "0.05", "--temperature", "0", "--json").stdout
    )
    assert (data["p"], data["rho"], data["learning"]) == (3, None, None)
    branches = {b["branch"]: b for b in data["branches"]}
    assert set(branches) == {"retrieval", "spin_glass"}  # no paramagnet at T = 0
    assert branches["retrieval"]["m"] == pytest.approx(0.99838, abs=1e-5)
    assert branches["retrieval"]["n"] is None
    learned = json.loads(
        run(
            "solve", "dense", "--p", "4", "--alpha", "0", "--temperature", "0",
            "--rho", "0.5", "--learning", "unsupervised", "--json",
        ).stdout
    )  # fmt: skip
    (state,) = learned["branches"]
    assert state["branch"] == "retrieval" and state["m"] == pytest.approx(0.842701, abs=1e-6)
    cap = json.loads(run("solve", "dense-capacity", "--p", "3", "--json").stdout)
    assert cap["alpha_c"] == pytest.approx(0.12610, abs=5e-6)
    assert cap["m"] == pytest.approx(0.8385, abs=5e-5)
    line = json.loads(
        run(
            "solve", "dense-capacity", "--p", "2", "--rho", "0.05", "--learning", "supervised",
            "--json",
        ).stdout
    )  # fmt: skip
    assert line["alpha_c"] == pytest.approx(0.0991, abs=1e-4) and line["learning"] == "supervised"
    for args, message in (
        (("dense", "--p", "3", "--alpha", "0.1", "--temperature", "0", "--rho", "0.5"),
         "--rho needs --learning"),
        (("dense", "--p", "3", "--alpha", "nan", "--temperature", "0"), "--alpha must be finite"),
        (("dense-capacity", "--p", "21"), "--p must be an integer in [2, 20]"),
        (("dense-capacity", "--p", "3", "--rho", "0.1", "--learning", "unsupervised"),
         "not derived"),
    ):  # fmt: skip
        out = run("solve", *args)
        assert out.returncode == 2 and message in out.stderr, out.stderr


def test_solve_gardner_json_and_bad_values():
    data = json.loads(run("solve", "gardner", "--json").stdout)
    assert data == {"kappa": 0.0, "magnetization": 0.0, "alpha_c": 2.0}
    biased = json.loads(
        run("solve", "gardner", "--kappa", "0.5", "--magnetization", "-0.4", "--json").stdout
    )
    # even in m, above the unbiased alpha_c(0.5) = 0.9612
    assert biased["alpha_c"] == pytest.approx(1.019377, abs=1e-6)
    for args, message in (
        (("--kappa", "11"), "--kappa must be finite and in [-10, 10], got 11"),
        (("--kappa", "inf"), "--kappa must be finite"),
        (("--magnetization", "1"), "--magnetization must be finite and in (-1, 1), got 1"),
        (("--magnetization", "nan"), "--magnetization must be finite"),
    ):
        out = run("solve", "gardner", *args, "--json")
        lines = out.stderr.strip().splitlines()
        assert out.returncode == 2 and len(lines) == 1 and message in lines[0], out.stderr
        assert out.stdout == ""


def test_learn_json_and_out(tmp_path):
    import xarray as xr

    data = json.loads(
        run("learn", "--rule", "pseudo-inverse", "--neurons", "60", "--memories", "20",
            "--seed", "3", "--json").stdout
    )  # fmt: skip
    # the projection rule stores every independent pattern (Kanter, Sompolinsky 1987)
    assert data["fixed_point_fraction"] == 1.0 and data["min_stability"] > 0
    assert data["symmetric"] is True and data["kappa"] is None and data["seed"] == 3
    assert data["converged"] is None  # computed in one pass
    out = tmp_path / "j.nc"
    res = run("learn", "--rule", "gardner", "--kappa", "0.5", "--neurons", "60",
              "--memories", "20", "--seed", "3", "--out", str(out), "--json")  # fmt: skip
    data = json.loads(res.stdout)
    assert data["symmetric"] is False and data["kappa"] == 0.5 and data["min_stability"] >= 0.5
    assert data["converged"] == 1.0
    with xr.open_dataset(out) as ds:
        assert ds.couplings.shape == (60, 60) and ds.patterns.shape == (20, 60)
        assert ds.attrs["rule"] == "gardner" and ds.attrs["seed"] == 3
        assert float(ds.stability.min()) == pytest.approx(data["min_stability"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--rule", "oja"), "rule must be one of"),
        (("--rule", "hebb", "--neurons", "1"), "--neurons must be"),
        (("--rule", "hebb", "--neurons", "20001"), "--neurons must be"),
        (("--rule", "hebb", "--memories", "0"), "--memories must be"),
        (("--rule", "hebb", "--memories", "10000000"), "--memories must be"),
        (("--rule", "hebb", "--kappa", "0.5"), "kappa is a parameter of gardner only"),
        (("--rule", "gardner", "--kappa", "nan"), "--kappa must be a finite number"),
        (("--rule", "gardner", "--kappa", "-1"), "--kappa must be"),
        (("--rule", "pseudo-inverse", "--memories", "80"), "pseudo"),
        (("--rule", "hebb", "--seed", "-1"), "--seed must be"),
        # a seed is stored in the NetCDF attributes, which hold 64-bit integers
        (("--rule", "hebb", "--seed", "1" + "0" * 22), "--seed must be <= 9223372036854775807"),
        (("--rule", "hebb", "--max-sweeps", "5"), "max_sweeps is a parameter of the iterative"),
        (("--rule", "gardner", "--max-sweeps", "0"), "--max-sweeps must be in [1, 1e+06]"),
    ],
)
def test_learn_bad_values_exit_2_with_one_line(tmp_path, args, message):
    base = {"--neurons": "50", "--memories": "10"}
    extra = [x for k, v in base.items() if k not in args for x in (k, v)]
    out = run("learn", *args, *extra, "--out", str(tmp_path / "j.nc"), cwd=tmp_path)
    lines = out.stderr.strip().splitlines()
    assert out.returncode == 2 and len(lines) == 1 and message in lines[0], out.stderr
    assert list(tmp_path.iterdir()) == []
