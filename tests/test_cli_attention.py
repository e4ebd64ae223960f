"""``hebbian attention capacity`` end to end: JSON keys, theory beside measurement, bad input."""

import json
import subprocess
import sys

import pytest


def run(*args):
    return subprocess.run([sys.executable, "-m", "hebbian.cli", "attention", "capacity", *args],
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def test_capacity_json_has_the_issue_keys_and_follows_the_hebbian_formula():
    out = run("--rule", "hebbian", "--dim", "64", "--pairs", "128", "--trials", "200",
              "--seed", "1", "--json")  # fmt: skip
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"rule", "dim", "pairs", "beta", "rel_err", "wta_accuracy",
            "rel_err_theory"} <= set(data)  # fmt: skip
    assert data["rel_err_theory"] == pytest.approx(127 / 64)
    # 200 memories: standard error about 0.3% of the mean
    assert data["rel_err"] == pytest.approx(data["rel_err_theory"], rel=0.02)


def test_capacity_prints_null_theory_where_no_formula_exists_and_a_table_line():
    out = run("--rule", "delta", "--dim", "16", "--pairs", "20", "--trials", "5", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["rel_err_theory"] is None
    table = run("--rule", "softmax", "--dim", "16", "--pairs", "20", "--trials", "5")
    assert table.returncode == 0 and "WTA accuracy" in table.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rule", "dense", "--dim", "0", "--pairs", "3"], "--dim must be in [2, 4096], got 0"),
        (["--rule", "softmax", "--dim", "8", "--pairs", "3", "--beta", "nan"], "--beta must be"),
        (["--rule", "softmax", "--dim", "8", "--pairs", "3", "--beta", "inf"], "--beta must be"),
        (["--rule", "delta", "--dim", "8", "--pairs", "99999999"], "--pairs must be"),
        (["--rule", "delta", "--dim", "8", "--pairs", "9", "--trials", "1"], "--trials must be"),
        (["--rule", "delta", "--dim", "8", "--pairs", "9", "--seed", "-1"], "--seed must be"),
        (["--rule", "dense", "--dim", "8", "--pairs", "9", "--order", "13"], "--order must be"),
    ],
)
def test_bad_values_exit_2_with_one_line(args, message):
    out = run(*args)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and message in out.stderr


def test_sdm_takes_locations_and_the_snr_optimal_radius_by_default():
    out = run("--rule", "sdm", "--dim", "64", "--pairs", "32", "--locations", "4096",
              "--trials", "2", "--seed", "3", "--json")  # fmt: skip
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    # (2 m r)^(-1/3) = 0.0156 at m = 32, r = 4096: the smallest radius whose ball holds
    # that fraction of 64-bit addresses is 23 (0.0084 within 22)
    assert data["locations"] == 4096 and data["radius"] == 23
    assert data["rel_err_theory"] is None and data["wta_accuracy"] == 1.0
    bad = run("--rule", "sdm", "--dim", "64", "--pairs", "8", "--radius", "65")
    assert bad.returncode == 2 and "--radius must be in [0, 64], got 65" in bad.stderr


def scaling(*args):
    return subprocess.run([sys.executable, "-m", "hebbian.cli", "attention", "scaling", *args],
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def test_scaling_json_prints_the_error_and_the_predicted_exponents():
    out = scaling("--dim", "200", "--scheme", "top", "--trials", "20", "--seed", "1", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["top"] == 25 and data["dim_exponent_theory"] == -1.0
    assert data["samples_exponent_theory"] == -0.5
    # top 25 of 1000 Zipf(2) tokens stored: the error is near the unstored mass
    # (1 - 1/5) * sum_{x >= 25} p(x) = 0.0186 (docs/theory/scaling_laws.md)
    assert 0.01 < data["error"] < 0.03


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dim", "0"], "--dim must be in [1, 100000], got 0"),
        (["--dim", "100", "--zipf-exponent", "1"], "--zipf-exponent must be"),
        (["--dim", "100", "--samples", "0"], "--samples must be"),
        (["--dim", "100", "--scheme", "top", "--top", "0"], "--top must be"),
    ],
)
def test_scaling_bad_values_exit_2_with_one_line(args, message):
    out = scaling(*args)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and message in out.stderr
