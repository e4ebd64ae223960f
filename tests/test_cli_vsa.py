"""The VSA commands end to end: ``hebbian vsa capacity``, ``resonator``, ``resonator-capacity``."""

import json
import subprocess
import sys

import pytest


def run(*args):
    return subprocess.run([sys.executable, "-m", "hebbian.cli", *args], capture_output=True,
                          text=True, timeout=300)  # fmt: skip


def test_vsa_capacity_json_is_the_published_k_max():
    # Frady, Kleyko, Sommer (2018), D = 1000, M = 27: K_max(0.99) = 46 for MAP-I
    out = run("vsa", "capacity", "--model", "map-i", "--dimension", "1000", "--codebook", "27",
              "--json")  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"model": "map-i", "dimension": 1000, "codebook": 27,
                                      "accuracy": 0.99, "K_max": 46}  # fmt: skip
    table = run("vsa", "capacity", "--model", "fhrr", "--dimension", "1000", "--codebook", "27")
    assert table.returncode == 0 and "K_max" in table.stdout


def test_resonator_json_keys_and_an_easy_problem():
    out = run("resonator", "--dimension", "400", "--factors", "3", "--codebook", "8",
              "--trials", "50", "--max-iterations", "50", "--seed", "1", "--json")  # fmt: skip
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    keys = {"dimension", "factors", "codebook", "trials", "accuracy", "accuracy_all",
            "iterations_median", "converged_fraction", "trials_per_second"}  # fmt: skip
    assert keys <= set(data)
    # a search space of 512 in 400 dimensions: every factor found (Kent et al. 2020)
    assert data["accuracy"] == 1.0 and data["accuracy_all"] == 1.0
    table = run("resonator", "--dimension", "400", "--factors", "3", "--codebook", "8",
                "--trials", "20", "--seed", "1")  # fmt: skip
    assert table.returncode == 0 and "accuracy per factor" in table.stdout


def test_resonator_capacity_takes_a_fixed_cap_for_the_baselines():
    # ALS run to convergence (the authors' baselines): at N = 400, F = 2 a codebook of 8
    # is solved, with a cap far above the default 0.001 D^2 (= 1 iteration at D = 8)
    out = run("resonator-capacity", "--dimension", "400", "--factors", "2", "--trials", "30",
              "--method", "als", "--codebooks", "8,600", "--max-iterations", "500",
              "--seed", "1", "--json")  # fmt: skip
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["method"] == "als" and data["points"][0] == [8, 1.0]


def test_resonator_capacity_with_given_sizes():
    out = run("resonator-capacity", "--dimension", "300", "--factors", "2", "--trials", "40",
              "--codebooks", "100,400", "--seed", "2", "--json")  # fmt: skip
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert [p[0] for p in data["points"]] == [100, 400]
    assert {"dimension", "factors", "weights", "method", "D_f99", "points"} <= set(data)
    # D_f = 400 in N = 300 is far beyond capacity (about 340 needs N = 1000)
    assert data["points"][1][1] < 0.99
    if data["D_f99"] is not None:
        assert 100 <= data["D_f99"] <= 400


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["vsa", "capacity", "--model", "map-i", "--dimension", "0", "--codebook", "27"],
         "--dimension must be"),
        (["vsa", "capacity", "--model", "map-i", "--dimension", "100", "--codebook", "27",
          "--accuracy", "nan"], "--accuracy must be"),
        (["vsa", "capacity", "--model", "bloom", "--dimension", "100", "--codebook", "27"],
         "Invalid value for '--model'"),
        (["resonator", "--dimension", "0", "--factors", "3", "--codebook", "5"],
         "--dimension must be"),
        (["resonator", "--dimension", "100", "--factors", "3", "--codebook", "5",
          "--seed", "-1"], "--seed must be"),
        (["resonator", "--dimension", "100", "--factors", "3", "--codebook", "5",
          "--max-iterations", "0"], "--max-iterations must be"),
        (["resonator", "--dimension", "10000000000", "--factors", "3", "--codebook", "5"],
         "must be at most"),
        (["resonator", "--dimension", "100", "--factors", "99999999999", "--codebook", "5"],
         "--factors must be in [1, 64]"),
        (["resonator", "--dimension", "100", "--factors", "3", "--codebook", "5", "--trials",
          "99999999999999999999"], "--trials must be in [1, 100000000]"),
        (["resonator", "--dimension", "100", "--factors", "3", "--codebook", "5",
          "--max-iterations", "99999999999"], "--max-iterations must be in [1, 10000000]"),
        (["resonator-capacity", "--dimension", "100", "--factors", "40"],
         "factors = 40 is too many for the capacity search"),
        (["resonator-capacity", "--dimension", "100", "--factors", "2", "--codebooks", "1,x"],
         "--codebooks must be a comma-separated list"),
        (["resonator-capacity", "--dimension", "100", "--factors", "2", "--accuracy", "1.5"],
         "--accuracy must be"),
        (["resonator-capacity", "--dimension", "100", "--factors", "2", "--max-iterations",
          "0"], "--max-iterations must be"),
    ],
)  # fmt: skip
def test_bad_values_exit_2_with_one_line(args, message):
    out = run(*args)
    lines = out.stderr.strip().splitlines()
    assert out.returncode == 2 and len(lines) == 1 and message in lines[0], out.stderr
