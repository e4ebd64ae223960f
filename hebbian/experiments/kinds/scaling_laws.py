"""Scaling laws of the Zipf associative memory: error against dimension and sample size.

Protocol (Cabannes, Dohmatob, Bietti, "Scaling Laws for Associative Memories", ICLR
2024, arXiv:2310.02984, and their validation notebook): ``n_tokens`` tokens with Zipf
law :math:`p(x) \\propto (x+1)^{-\\alpha}`, labels :math:`x \\bmod` ``n_labels``, random
embeddings of dimension ``dim``, memory :math:`W = \\sum_x q(x) e_x u_{f^*(x)}^\\top`
(:func:`hebbian.attention.scaling.memory_trial_errors`). Two sweeps:

* error against ``dim`` at each ``zipf_exponent``, population weights, for the three
  schemes: frequency :math:`q = p`, top-:math:`P` with :math:`P =
  \\lfloor d /` ``top_divisor`` :math:`\\rfloor` (8 in the notebook) and uniform;
* error against ``n_samples`` :math:`T` at ``samples_dim`` and
  ``samples_zipf_exponent``, weights from the counts of :math:`T` draws, top-:math:`P`
  on the observed counts with :math:`P = \\lfloor` ``samples_dim`` ``/
  samples_top_divisor`` :math:`\\rfloor` (12 in the notebook).

A point is one sweep: its trials draw the embeddings once at the largest dimension and
the samples once at the largest ``n_samples``, and every size and scheme uses them
(common random numbers, as in the authors' notebook; each size keeps the model's
distribution, see :func:`~hebbian.attention.scaling.memory_trial_errors`).

Theory (:mod:`hebbian.theory.scaling_laws`): slopes :math:`-(\\alpha-1)/(2\\alpha)`
(frequency), :math:`-(\\alpha-1)` (top) in ``dim`` and :math:`-(1-1/\\alpha)` in
``n_samples``; the exact no-interference limit of top-:math:`P` storage
(:func:`~hebbian.theory.scaling_laws.top_error_limit`) and the missing mass of the
unseen tokens (:func:`~hebbian.theory.scaling_laws.missing_mass`) are drawn.

Measured slopes (``obtained``): weighted least squares of log error against log size
(weights from the standard errors), over ``dim >= fit_min_dim`` (below it the top
scheme stores fewer than ``n_labels`` tokens and the frequency scheme is in its
pre-asymptotic regime) and over ``n_samples <= fit_max_samples`` (above it the error
reaches the floor set by ``samples_dim``); points with zero error are left out.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from hebbian.experiments.base import ExperimentKind, Param, register
from hebbian.experiments.errors import ConfigError
from hebbian.experiments.plotting import drawn, panel_row

__all__ = ["ScalingLaws", "log_slope"]

_SCHEMES = ("frequency", "top", "uniform")
_STYLE = {"frequency": ("C0", "o"), "top": ("C1", "s"), "uniform": ("C2", "^")}


def log_slope(sizes, errors, stderr=None) -> float:
    """Slope of log(error) against log(size), weighted by the relative standard errors.

    Points with a non-positive error are left out; NaN when fewer than two remain.
    """
    x, y = np.asarray(sizes, dtype=float), np.asarray(errors, dtype=float)
    keep = np.isfinite(y) & (y > 0)
    if keep.sum() < 2:
        return float("nan")
    w = np.ones(keep.sum())
    if stderr is not None:
        rel = np.asarray(stderr, dtype=float)[keep] / y[keep]
        w = 1.0 / np.maximum(rel, 1e-3)  # weights 1/sigma of log error
    slope, _ = np.polyfit(np.log(x[keep]), np.log(y[keep]), 1, w=w)
    return float(slope)


def _key(alpha: float) -> str:
    return f"{alpha:g}".replace(".", "")


@register
class ScalingLaws(ExperimentKind):
    """Error of the Zipf associative memory against dim and n_samples (module docstring)."""

    name = "scaling_laws"
    description = "associative-memory scaling laws: error vs dim and vs n_samples, with theory"
    parameters = {
        "n_tokens": Param("int", "number of tokens N", minimum=10, maximum=100_000, default=1000),
        "n_labels": Param("int", "number of labels M", minimum=2, maximum=1000, default=5),
        "zipf_exponents": Param("floats", "Zipf exponents alpha", minimum=1.01, maximum=10),
        "dims": Param("ints", "embedding dimensions d", minimum=2, maximum=20_000),
        "top_divisor": Param(
            "int", "top scheme stores P = d // top_divisor", minimum=1, maximum=1000, default=8
        ),  # fmt: skip
        "n_samples": Param("ints", "sample sizes T", minimum=1, maximum=10**8),
        "samples_dim": Param("int", "dimension of the T sweep", minimum=2, maximum=20_000),
        "samples_top_divisor": Param(
            "int",
            "top P = samples_dim // this in the T sweep",
            minimum=1,
            maximum=1000,
            default=12,
        ),  # fmt: skip
        "samples_zipf_exponent": Param(
            "float", "alpha of the T sweep", minimum=1.01, maximum=10, default=2.0
        ),  # fmt: skip
        "trials": Param("int", "trials per point", minimum=2, maximum=100_000, default=100),
        "fit_min_dim": Param(
            "int", "smallest dim of the slope fits", minimum=2, maximum=20_000, default=40
        ),  # fmt: skip
        "fit_max_samples": Param(
            "int", "largest T of the slope fit", minimum=2, maximum=10**8, default=1000
        ),  # fmt: skip
    }
    obtained_quantities = tuple(
        f"{s}_dim_slope_alpha{_key(a)}" for s in ("frequency", "top") for a in (1.5, 2, 3)
    ) + tuple(
        f"{s}_dim_slope_theory_alpha{_key(a)}" for s in ("frequency", "top") for a in (1.5, 2, 3)
    ) + (
        "top_no_interference_slope_alpha15",
        "top_no_interference_slope_alpha2",
        "top_no_interference_slope_alpha3",
        "top_samples_slope",
        "frequency_samples_slope",
        "samples_slope_theory",
        "missing_mass_samples_slope",
        "uniform_error_ratio_small_dims",
    )  # fmt: skip

    def check(self, params, *, where):
        for key in ("dims", "n_samples", "zipf_exponents"):
            if list(params[key]) != sorted(params[key]):
                raise ConfigError(f"{where} {key} must be increasing, got {params[key]}")
        if params["n_labels"] > params["n_tokens"]:
            raise ConfigError(f"{where} n_labels must be <= n_tokens")
        if params["samples_dim"] // params["samples_top_divisor"] < 1:
            raise ConfigError(f"{where} samples_dim // samples_top_divisor must be >= 1")

    def points(self, params):
        pts = [{"sweep": "dim", "zipf_exponent": a} for a in params["zipf_exponents"]]
        return pts + [{"sweep": "samples"}]

    def run_point(self, params, point, rng, *, device="cpu", draws="host"):
        # The products are narrow (M = 5 columns): one BLAS thread per process, as the
        # resonator runs do (hebbian._blas); OpenBLAS's own threads mostly wait for
        # each other on a small shared machine (we measured a quick run at 6 s with one
        # thread against 26 s with two)
        from hebbian._blas import blas_threads

        with blas_threads(1):
            return self._run_point(params, point, rng)

    def _run_point(self, params, point, rng):
        from hebbian.attention.scaling import memory_trial_errors

        common = {"n_tokens": params["n_tokens"], "n_labels": params["n_labels"],
                  "schemes": _SCHEMES, "trials": params["trials"], "seed": rng}  # fmt: skip
        if point["sweep"] == "dim":
            dims = np.array(params["dims"])
            errs = memory_trial_errors(dims, zipf_exponent=point["zipf_exponent"],
                                       top=np.maximum(1, dims // params["top_divisor"]),
                                       **common)  # fmt: skip
        else:
            d = params["samples_dim"]
            errs = memory_trial_errors(
                d, zipf_exponent=params["samples_zipf_exponent"],
                top=max(1, d // params["samples_top_divisor"]),
                n_samples=params["n_samples"], **common,
            )  # fmt: skip
            errs = {s: v[:, 0, :] for s, v in errs.items()}
        n = params["trials"]
        return {"mean": [np.mean(errs[s], axis=0).tolist() for s in _SCHEMES],
                "stderr": [(np.std(errs[s], axis=0, ddof=1) / np.sqrt(n)).tolist()
                           for s in _SCHEMES]}  # fmt: skip

    def assemble(self, params, points, results):
        from hebbian.theory.scaling_laws import missing_mass, top_error_limit, zipf_tail_mass

        alphas, dims, Ts = params["zipf_exponents"], params["dims"], params["n_samples"]
        N, M = params["n_tokens"], params["n_labels"]
        na = len(alphas)
        dim_mean = np.array([r["mean"] for r in results[:na]])  # (alpha, scheme, dim)
        dim_err = np.array([r["stderr"] for r in results[:na]])
        t_mean = np.array(results[na]["mean"])  # (scheme, T)
        t_err = np.array(results[na]["stderr"])
        limit = np.full((len(alphas), len(dims)), np.nan)
        tail = np.full((len(alphas), len(dims)), np.nan)
        for i, a in enumerate(alphas):
            for j, d in enumerate(dims):
                P = min(max(1, d // params["top_divisor"]), N)
                tail[i, j] = zipf_tail_mass(N, a, P)
                if P >= M:
                    limit[i, j] = top_error_limit(N, M, a, P)
        unseen = missing_mass(N, params["samples_zipf_exponent"], np.array(Ts))
        sa, ta = ("scheme", "zipf_exponent", "dim"), ("scheme", "n_samples")
        return xr.Dataset(
            {
                "error_dim": (sa, np.swapaxes(dim_mean, 0, 1),
                              {"long_name": "mean error E against dim (population weights)"}),
                "error_dim_stderr": (sa, np.swapaxes(dim_err, 0, 1),
                                     {"long_name": "standard error of error_dim"}),
                "error_samples": (ta, t_mean,
                                  {"long_name": "mean error E against n_samples T"}),
                "error_samples_stderr": (ta, t_err,
                                         {"long_name": "standard error of error_samples"}),
                "top_error_limit": (("zipf_exponent", "dim"), limit,
                                    {"long_name": "top-P error at d -> infinity (exact)"}),
                "tail_mass": (("zipf_exponent", "dim"), tail,
                              {"long_name": "Zipf mass of the tokens x >= P"}),
                "missing_mass": (("n_samples",), unseen,
                                 {"long_name": "expected mass of the unseen tokens"}),
            },
            coords={
                "scheme": ("scheme", list(_SCHEMES)),
                "zipf_exponent": ("zipf_exponent", np.array(alphas, dtype=float),
                                  {"long_name": "Zipf exponent alpha"}),
                "dim": ("dim", np.array(dims), {"long_name": "embedding dimension d"}),
                "n_samples": ("n_samples", np.array(Ts), {"long_name": "samples T"}),
            },
        )  # fmt: skip

    def obtained(self, ds):
        from hebbian.theory.scaling_laws import (
            frequency_dim_exponent,
            samples_exponent,
            top_dim_exponent,
        )

        params = json.loads(ds.attrs["parameters"])
        nan = float("nan")
        out = {q: nan for q in self.obtained_quantities}
        dims = ds.dim.values
        fit = dims >= params["fit_min_dim"]
        for a in ds.zipf_exponent.values:
            key = _key(float(a))
            for scheme in ("frequency", "top"):
                sub = ds.sel(scheme=scheme, zipf_exponent=a)
                out[f"{scheme}_dim_slope_alpha{key}"] = log_slope(
                    dims[fit], sub.error_dim.values[fit], sub.error_dim_stderr.values[fit]
                )
            out[f"frequency_dim_slope_theory_alpha{key}"] = frequency_dim_exponent(float(a))
            out[f"top_dim_slope_theory_alpha{key}"] = top_dim_exponent(float(a))
            limit = ds.top_error_limit.sel(zipf_exponent=a).values
            out[f"top_no_interference_slope_alpha{key}"] = log_slope(dims[fit], limit[fit])
        Ts = ds.n_samples.values
        tfit = Ts <= params["fit_max_samples"]
        for scheme in ("top", "frequency"):
            sub = ds.sel(scheme=scheme)
            out[f"{scheme}_samples_slope"] = log_slope(
                Ts[tfit], sub.error_samples.values[tfit], sub.error_samples_stderr.values[tfit]
            )
        out["samples_slope_theory"] = samples_exponent(params["samples_zipf_exponent"])
        out["missing_mass_samples_slope"] = log_slope(Ts[tfit], ds.missing_mass.values[tfit])
        # uniform storage: error at the largest dim <= N/10 over the error at the smallest dim
        small = dims[dims <= params["n_tokens"] / 10]
        if len(small) >= 2:
            u = ds.error_dim.sel(scheme="uniform").mean("zipf_exponent")
            out["uniform_error_ratio_small_dims"] = float(
                u.sel(dim=small[-1]) / u.sel(dim=small[0])
            )
        return {k: out[k] for k in self.obtained_quantities}

    def plot(self, ds, ax=None):
        from hebbian.theory.scaling_laws import (
            frequency_dim_exponent,
            samples_exponent,
            top_dim_exponent,
        )

        params = json.loads(ds.attrs["parameters"])
        alphas = ds.zipf_exponent.values
        axes = panel_row(ax, len(alphas) + 1, width=3.6, height=3.4)
        dims = ds.dim.values.astype(float)
        ref = dims >= params["fit_min_dim"]
        for panel, a in zip(axes, alphas):
            for scheme in _SCHEMES:
                color, marker = _STYLE[scheme]
                sub = ds.sel(scheme=scheme, zipf_exponent=a)
                label = scheme if scheme != "top" else f"top P = d/{params['top_divisor']}"
                panel.errorbar(dims, sub.error_dim, yerr=sub.error_dim_stderr, fmt=marker,
                               ms=3.5, mfc="none", capsize=1.5, color=color,
                               label=label)  # fmt: skip
            for scheme, slope in (("frequency", frequency_dim_exponent(float(a))),
                                  ("top", top_dim_exponent(float(a)))):  # fmt: skip
                y = ds.error_dim.sel(scheme=scheme, zipf_exponent=a).values
                anchor = np.flatnonzero(ref & (y > 0))
                if anchor.size:
                    k = anchor[0]
                    line = y[k] * (dims[ref] / dims[k]) ** slope
                    panel.plot(dims[ref], drawn(line), color=_STYLE[scheme][0], lw=1, ls="--",
                               label=f"slope {slope:.3g}")  # fmt: skip
            limit = ds.top_error_limit.sel(zipf_exponent=a)
            panel.plot(dims, drawn(limit), color="k", lw=0.8, ls=":",
                       label="top, d -> inf (exact)")  # fmt: skip
            panel.set_xscale("log")
            panel.set_yscale("log")
            panel.set_xlabel("embedding dimension d")
            panel.set_title(rf"$\alpha$ = {a:g}, N = {params['n_tokens']}, "
                            f"M = {params['n_labels']}", fontsize=9)  # fmt: skip
            panel.legend(fontsize=6.5)
        axes[0].set_ylabel("error E (points); theory slopes (dashed)")
        if len(axes) > len(alphas):
            panel = axes[-1]
            Ts = ds.n_samples.values.astype(float)
            for scheme in _SCHEMES:
                color, marker = _STYLE[scheme]
                sub = ds.sel(scheme=scheme)
                panel.errorbar(Ts, sub.error_samples, yerr=sub.error_samples_stderr,
                               fmt=marker, ms=3.5, mfc="none", capsize=1.5, color=color,
                               label=scheme)  # fmt: skip
            slope = samples_exponent(params["samples_zipf_exponent"])
            y0 = float(ds.error_samples.sel(scheme="top").values[0])
            panel.plot(Ts, drawn(y0 * (Ts / Ts[0]) ** slope), "C1--", lw=1,
                       label=f"slope {slope:.3g}")  # fmt: skip
            panel.plot(Ts, drawn(ds.missing_mass), "k:", lw=0.8, label="unseen mass (exact)")
            panel.set_xscale("log")
            panel.set_yscale("log")
            panel.set_xlabel("samples T")
            panel.set_title(rf"d = {params['samples_dim']}, $\alpha$ = "
                            f"{params['samples_zipf_exponent']:g}, top P = d/"
                            f"{params['samples_top_divisor']}", fontsize=9)  # fmt: skip
            panel.legend(fontsize=6.5)
        return axes[0]
