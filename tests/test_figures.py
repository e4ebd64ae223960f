"""Figures: byte-identical PNGs, and numbers behind them that no CPU changes.

The datasets are small and synthetic: each kind's ``assemble`` turns made-up point
results into a Dataset, so no Monte Carlo runs here. What is checked: the same Dataset
drawn twice gives the same bytes; the PNG carries no date, time or version; the fits
(:func:`extrapolate_capacity`, :func:`stiffness_zero`) equal the LAPACK fits they
replace to rounding and call no BLAS or LAPACK; a one-ulp change of the drawn theory
values or of the fit leaves the PNG unchanged (the 37-pixel difference a user saw came
from the last bits of ``np.linalg.lstsq`` moving a 50-point dashed line); and, emulating
another CPU in a subprocess (another OpenBLAS kernel, NumPy's AVX-512 code paths off),
the PNGs are the same.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import struct
import subprocess
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from hebbian.experiments.kinds.capacity import (  # noqa: E402
    HopfieldCapacity,
    extrapolate_capacity,
)
from hebbian.experiments.kinds.mixtures import HopfieldMixtures, stiffness_zero  # noqa: E402
from hebbian.experiments.kinds.phase_diagram import HopfieldPhaseDiagram  # noqa: E402
from hebbian.io import FIGURE_METADATA, save_figure  # noqa: E402

KINDS = ("capacity", "mixtures", "phase_diagram")


# --- synthetic datasets -----------------------------------------------------------------


def _finish(kind, params, results):
    ds = kind.assemble(params, kind.points(params), results)
    ds.attrs.update(kind=kind.name, parameters=json.dumps(params))
    return ds


def capacity_dataset():
    kind = HopfieldCapacity()
    params = kind.validate(
        {
            "n_neurons": [250, 1000, 4000],
            "alpha": [0.1, 0.12, 0.14, 0.16, 0.18],
            "n_samples": 3,
            "n_bootstrap": 20,
        },
        where="test",
    )
    rng, C = np.random.default_rng(7), params["n_chains"]
    results = []
    for p in kind.points(params):
        ac = 0.138 + 0.5 / np.sqrt(p["n_neurons"])
        good = rng.random(C) < 1.0 / (1.0 + np.exp((p["alpha"] - ac) / 0.01))
        m = np.where(good, 1.0 - 0.02 * rng.random(C), 0.3 + 0.2 * rng.random(C))
        results.append({"m": m, "sweeps": rng.integers(1, 10, C)})
    return _finish(kind, params, results)


def mixtures_dataset():
    kind = HopfieldMixtures()
    params = kind.validate(
        {
            "n_neurons": 1000,
            "n_patterns": 5,
            "mixtures": [1, 3, 5],
            "n_samples": 3,
            "temperature": [0.30, 0.33, 0.36, 0.39, 0.42],
            "n_bootstrap": 20,
        },
        where="test",
    )
    rng = np.random.default_rng(8)
    energy = {1: -0.5, 3: -0.375, 5: -0.3516}
    results = []
    for p in kind.points(params):
        if p["part"] == "energy":
            e = energy[p["n"]] + 1e-3 * rng.normal()
            results.append({"energy": e, "m_condensed": 0.5 + 0.1 * rng.random()})
        elif p["temperature"] < 0.4:
            lam = (0.5 - 1.2 * (p["temperature"] - 0.3)) * (1 + 0.05 * rng.normal())
            v = p["temperature"] * (1 - lam) / lam
            results.append({"transverse_variance": v, "escaped": 0.0})
        else:
            results.append({"transverse_variance": float("nan"), "escaped": 1.0})
    return _finish(kind, params, results)


def phase_diagram_dataset():
    kind = HopfieldPhaseDiagram()
    params = kind.validate(
        {
            "n_neurons": 500,
            "alpha": [0.02, 0.08, 0.14],
            "temperature": [0.1, 0.5, 0.9, 1.3],
            "n_samples": 2,
            "line_alpha": [0.001, 0.03, 0.06, 0.09, 0.12, 0.15],
        },
        where="test",
    )
    rng = np.random.default_rng(9)
    results = []
    for p in kind.points(params):
        m = 0.95 if p["temperature"] < 0.6 - 3 * p["alpha"] else 0.05 * rng.random()
        results.append({"m": m, "abs_m": abs(m)})
    return _finish(kind, params, results)


BUILDERS = {
    "capacity": (HopfieldCapacity, capacity_dataset),
    "mixtures": (HopfieldMixtures, mixtures_dataset),
    "phase_diagram": (HopfieldPhaseDiagram, phase_diagram_dataset),
}


def png_bytes(name, ds, path) -> bytes:
    """Draw ``ds`` with the kind's ``plot`` and save it with :func:`save_figure`."""
    ax = BUILDERS[name][0]().plot(ds)
    try:
        save_figure(ax.figure, path)
    finally:
        plt.close(ax.figure)
    return Path(path).read_bytes()


def png_digests(folder) -> dict[str, str]:
    """SHA-256 of each kind's PNG (also run in a subprocess that emulates another CPU)."""
    return {
        name: hashlib.sha256(png_bytes(name, build(), Path(folder) / f"{name}.png")).hexdigest()
        for name, (_, build) in BUILDERS.items()
    }


@pytest.fixture(scope="module")
def datasets():
    return {name: build() for name, (_, build) in BUILDERS.items()}


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    out, i = [], 8
    while i < len(data):
        (n,) = struct.unpack(">I", data[i : i + 4])
        out.append((data[i + 4 : i + 8], data[i + 8 : i + 8 + n]))
        i += 12 + n
    return out


# --- the PNG bytes ----------------------------------------------------------------------


@pytest.mark.parametrize("name", KINDS)
def test_same_dataset_drawn_twice_gives_identical_bytes(name, datasets, tmp_path):
    first = png_bytes(name, datasets[name], tmp_path / "a.png")
    second = png_bytes(name, datasets[name], tmp_path / "b.png")
    assert first == second


@pytest.mark.parametrize("name", KINDS)
def test_png_has_no_time_or_version_metadata(name, datasets, tmp_path):
    chunks = _chunks(png_bytes(name, datasets[name], tmp_path / "f.png"))
    kinds = [kind for kind, _ in chunks]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND"
    # no text chunk at all (tEXt, iTXt, zTXt: Software, Creation Time, ...) and no tIME
    assert not {b"tEXt", b"iTXt", b"zTXt", b"tIME", b"eXIf"} & set(kinds), kinds
    assert set(kinds) <= {b"IHDR", b"pHYs", b"IDAT", b"IEND"}, kinds
    assert FIGURE_METADATA == {"Software": None}


@pytest.mark.parametrize(
    ("name", "variables"),
    [
        ("capacity", ("alpha_c_inf", "alpha_c_slope")),
        ("phase_diagram", ("T_g", "T_M", "T_c", "T_c_low", "T_AT")),
        ("mixtures", ("stiffness", "T_3_mc", "T_3_theory", "energy_theory")),
    ],
)
def test_one_ulp_change_of_drawn_values_leaves_the_png_unchanged(
    name, variables, datasets, tmp_path
):
    # Other CPUs change the last bits of these (BLAS kernels, NumPy's SIMD exp/tanh).
    ds = datasets[name]
    nudged = ds.copy(deep=True)
    for var in variables:
        values = nudged[var].values
        nudged[var] = nudged[var].dims, np.nextafter(values, np.inf), nudged[var].attrs
    before = png_bytes(name, ds, tmp_path / "a.png")
    assert png_bytes(name, nudged, tmp_path / "b.png") == before


@pytest.mark.slow
@pytest.mark.skipif(platform.machine().lower() not in ("x86_64", "amd64"), reason="x86 CPUs")
def test_png_identical_under_another_cpus_code_paths(tmp_path):
    """Emulate another CPU: OpenBLAS's oldest kernel, NumPy's AVX-512/AVX2 loops off."""
    env = dict(os.environ, OPENBLAS_CORETYPE="Prescott")
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

        off = [f for f in __cpu_dispatch__ if __cpu_features__.get(f)]
        if off:
            env["NPY_DISABLE_CPU_FEATURES"] = ",".join(off)
    except ImportError:  # private NumPy API: the OpenBLAS kernel alone still differs
        pass
    here = png_digests(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import test_figures as t; "
        "print(json.dumps(t.png_digests(sys.argv[2])))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(Path(__file__).parent), str(other)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == here


# --- figure layout ----------------------------------------------------------------------


def _segments_in_display(artist):
    """Display-space polylines of a line or a line collection."""
    if isinstance(artist, matplotlib.lines.Line2D):
        return [artist.get_transform().transform(artist.get_xydata())]
    return [artist.get_transform().transform(s) for s in artist.get_segments()]


def _crosses(box, polyline, samples=64) -> bool:
    pts = np.asarray(polyline, dtype=float)
    if len(pts) < 2:
        return False
    t = np.linspace(0.0, 1.0, samples)[:, None]
    for p, q in zip(pts[:-1], pts[1:]):
        if not (np.isfinite(p).all() and np.isfinite(q).all()):
            continue
        x, y = (p + t * (q - p)).T
        if np.any((x > box.x0) & (x < box.x1) & (y > box.y0) & (y < box.y1)):
            return True
    return False


@pytest.mark.parametrize("name", KINDS)
def test_no_text_cut_off_and_no_line_through_a_legend(name, datasets):
    ax = BUILDERS[name][0]().plot(datasets[name])
    fig = ax.figure
    try:
        renderer = fig.canvas.get_renderer()
        fig.canvas.draw()
        page = fig.bbox
        for axes in fig.axes:
            texts = [axes.xaxis.label, axes.yaxis.label, axes.title, *axes.texts]
            for text in texts:
                if not text.get_text() or not text.get_visible():
                    continue
                box = text.get_window_extent(renderer)
                inside = (
                    box.x0 >= page.x0 + 1
                    and box.x1 <= page.x1 - 1
                    and box.y0 >= page.y0 + 1
                    and box.y1 <= page.y1 - 1
                )
                assert inside, f"{text.get_text()!r} touches the figure edge"
            frame = axes.bbox
            for text in axes.texts:  # annotations stay inside their axes
                box = text.get_window_extent(renderer)
                inside = (
                    box.x0 >= frame.x0
                    and box.x1 <= frame.x1
                    and box.y0 >= frame.y0
                    and box.y1 <= frame.y1
                )
                assert inside, f"{text.get_text()!r} crosses the edge of its axes"
            legend = axes.get_legend()
            if legend is None:
                continue
            box = legend.get_window_extent(renderer)
            for artist in [*axes.lines, *axes.collections]:
                if not hasattr(artist, "get_segments") and not isinstance(
                    artist, matplotlib.lines.Line2D
                ):
                    continue
                for poly in _segments_in_display(artist):
                    assert not _crosses(box, poly), f"{artist} runs through the legend"
    finally:
        plt.close(fig)


def test_mixtures_figure_has_one_quantity_per_axis(datasets):
    ax = HopfieldMixtures().plot(datasets["mixtures"])
    try:
        labels = [a.get_ylabel() for a in ax.figure.axes]
        assert len(labels) == 3 and len(set(labels)) == 3
        assert not any("/" in label for label in labels), labels
    finally:
        plt.close(ax.figure)


# --- the fits ---------------------------------------------------------------------------


def _lstsq_capacity(n_neurons, alpha_c, alpha_c_err):
    """The LAPACK fit that :func:`extrapolate_capacity` replaced (reference)."""
    x = np.asarray(n_neurons, dtype=float) ** -0.5
    y = np.asarray(alpha_c, dtype=float)
    sigma = np.maximum(np.nan_to_num(np.asarray(alpha_c_err, dtype=float), nan=1.0), 1e-4)
    ok = np.isfinite(y)
    A = np.stack([np.ones(ok.sum()), x[ok]], axis=1) / sigma[ok, None]
    coef, *_ = np.linalg.lstsq(A, y[ok] / sigma[ok], rcond=None)
    cov = np.linalg.inv(A.T @ A)
    return float(coef[0]), float(np.sqrt(cov[0, 0])), float(coef[1])


def _polyfit_zero(temperature, stiffness):
    """The LAPACK version of :func:`stiffness_zero` (reference)."""
    T, lam = np.asarray(temperature, float), np.asarray(stiffness, float)
    ok = np.isfinite(lam)
    roots = np.roots(np.polyfit(T[ok], lam[ok], 2))
    real = np.sort(roots[np.isreal(roots)].real)
    real = real[(real > T[ok].min()) & (real < 1.0)]
    return float(real[0]) if real.size else float("nan")


_SIZES = np.array([300, 700, 1500, 3100, 6300, 12700])
CAPACITY_CASES = [
    # the quick run's values
    ([250, 500, 1000, 2000], [0.184, 0.18, 0.158, 0.1581818], [3.4e-3, 4e-3, 6.6e-3, 1.9e-3]),
    # a missing estimate, a zero error (floored) and a NaN error (weight 1)
    (
        [1e3, 2e3, 4e3, 8e3, 16e3],
        [0.16, 0.155, np.nan, 0.147, 0.14],
        [0, np.nan, 1e-3, 2e-3, 5e-4],
    ),
    ([100, 400], [0.2, 0.17], [0.01, 0.02]),
    (_SIZES, 0.138 + 0.6 / np.sqrt(_SIZES) + 1e-3 * np.sin(np.arange(6)), np.full(6, 2e-3)),
]


@pytest.mark.parametrize(("N", "ac", "err"), CAPACITY_CASES)
def test_extrapolate_capacity_equals_the_lstsq_fit(N, ac, err):
    got, ref = extrapolate_capacity(N, ac, err), _lstsq_capacity(N, ac, err)
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=0)


def test_extrapolate_capacity_needs_two_sizes():
    assert np.isnan(extrapolate_capacity([1000, 2000], [0.15, np.nan], [1e-3, 1e-3])).all()
    assert np.isnan(extrapolate_capacity([1000, 1000], [0.15, 0.16], [1e-3, 1e-3])).all()


def _stiffness_cases(n_cases=200):
    rng = np.random.default_rng(3)
    grid = np.linspace(0.30, 0.45, 16)
    for _ in range(n_cases):
        T = np.sort(rng.choice(grid, rng.integers(3, 9), replace=False))
        lam = 0.5 - 1.1 * (T - 0.3) + 3.0 * rng.normal() * (T - 0.3) ** 2
        lam = lam + rng.normal(0.0, 0.02, T.size)
        yield T, lam


def test_stiffness_zero_equals_the_polyfit_roots():
    compared = 0
    for T, lam in _stiffness_cases():
        got, ref = stiffness_zero(T, lam), _polyfit_zero(T, lam)
        assert np.isnan(got) == np.isnan(ref), (T, lam)
        if not np.isnan(ref):
            assert got == pytest.approx(ref, rel=1e-10, abs=0)
            compared += 1
    assert compared > 100
    T = np.array([0.3, 0.35, 0.4, 0.45])
    assert np.isnan(stiffness_zero(T, np.array([0.5, 0.4, np.nan, np.nan])))  # < 3 points
    assert np.isnan(stiffness_zero(T, 1.0 + (T - 0.3) ** 2))  # no real root


def test_fits_call_no_blas_or_lapack(monkeypatch):
    cases = [(N, ac, err) for N, ac, err in CAPACITY_CASES]
    stiff = list(_stiffness_cases(20))
    expected = [extrapolate_capacity(*c) for c in cases], [stiffness_zero(*c) for c in stiff]

    def forbidden(*args, **kwargs):
        raise AssertionError("a BLAS/LAPACK routine was called")

    for name in np.linalg.__all__:
        if callable(getattr(np.linalg, name)) and not isinstance(getattr(np.linalg, name), type):
            monkeypatch.setattr(np.linalg, name, forbidden)
    for name in ("polyfit", "roots", "dot", "vdot", "inner", "tensordot", "einsum"):
        monkeypatch.setattr(np, name, forbidden)
    got = [extrapolate_capacity(*c) for c in cases], [stiffness_zero(*c) for c in stiff]
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])
