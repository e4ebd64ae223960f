"""The distribution lists every package of the source tree."""

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_is_installed():
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "hebbian").rglob("__init__.py")
    }
    assert found <= listed, f"packages missing from pyproject.toml: {sorted(found - listed)}"


def test_worker_processes_import_the_installed_package_from_any_folder(tmp_path):
    # A clone named like the package, seen from the folder that holds it: the worker
    # processes must import the installed package, not the folder (as an empty
    # namespace package), and the run must leave no run directory behind.
    import subprocess

    script = Path(sys.executable).parent / "hebbian"
    (tmp_path / "hebbian").symlink_to(ROOT, target_is_directory=True)  # the clone
    res = subprocess.run(
        [
            str(script),
            "run",
            "amit1987_hopfield_capacity",
            "--quick",
            "--quiet",
            "--executor",
            "processes",
            "--workers",
            "2",
            "--set",
            "n_neurons=[100, 150]",
            "--set",
            "n_samples=2",
            "--set",
            "n_sweeps=5",
            "--set",
            "n_bootstrap=10",
            "--out",
            "x.nc",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode in (0, 1), res.stderr  # 1: a published value missed at this size
    assert "alpha_c" in res.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hebbian", "x.nc"]


def test_the_project_cites_papers_not_a_file_outside_it():
    # the physics reference sheet lies outside the repository: the code, configurations and
    # documents cite the papers, and the project's own derivations are in docs/
    tracked = ["README.md", "figures/summary.md"]
    tracked += [str(p.relative_to(ROOT)) for p in (ROOT / "hebbian").rglob("*.py")]
    tracked += [str(p.relative_to(ROOT)) for p in (ROOT / "experiments").glob("*.toml")]
    tracked += [str(p.relative_to(ROOT)) for p in (ROOT / "docs").rglob("*.md")]
    tracked += [str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("*.py")]
    citing = [
        path for path in tracked if "THEORY" + ".md" in (ROOT / path).read_text(encoding="utf-8")
    ]
    assert citing == []
