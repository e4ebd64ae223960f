"""Sequence memory in one hypervector: readout accuracy against the lag, with fading.

Protocol (the sequence trace and working memory of Frady, Kleyko, Sommer, Neural
Computation 30, 1449 (2018)): for each model and decay :math:`\\lambda`, ``n_trials``
sequences of ``K`` symbols drawn from a codebook of ``M`` random atoms are stored as
:math:`x = \\sum_m \\lambda^{K-m}\\rho^{K-m}(\\Phi a_m)` (each new symbol enters
permuted, the old ones fade); every lag ``j`` is read back by unpermuting and a
winner-take-all cleanup (:func:`hebbian.vsa.sequence_retrieval_accuracy`). Measured:
the fraction of correct readouts at each lag.

Theory (:func:`hebbian.theory.vsa.sequence_accuracy`, derived in ``docs/theory/vsa.md``
section 8): the hit at lag ``j`` has mean :math:`\\lambda^j D` and variance
:math:`D\\sum_{i\\ne j}\\lambda^{2i}`, a reject variance :math:`D\\sum_i \\lambda^{2i}`
(FHRR: :math:`2D`), in the Gaussian winner-take-all formula. Without fading every lag is
read alike; with it the accuracy falls with the lag, and the *span*, the lag at which it
falls through one half, measures the working memory.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from hebbian.experiments.base import ExperimentKind, Param, register
from hebbian.experiments.errors import ConfigError
from hebbian.experiments.kinds.capacity import crossing_load
from hebbian.experiments.plotting import drawn, panel_row
from hebbian.theory.vsa import SEQUENCE_MODELS

__all__ = ["VSASequenceMemory"]


@register
class VSASequenceMemory(ExperimentKind):
    """Readout accuracy against the lag of a fading sequence trace (module docstring)."""

    name = "vsa_sequence_memory"
    description = "hypervector sequence memory: accuracy vs lag for several decays, theory"
    parameters = {
        "models": Param(
            "names", "hypervector models with a summed bundle", choices=SEQUENCE_MODELS
        ),  # fmt: skip
        "dimension": Param("int", "dimension D", minimum=16, maximum=100_000),
        "codebook_size": Param(
            "int", "atoms of the cleanup memory M", minimum=2, maximum=100_000
        ),  # fmt: skip
        "length": Param("int", "symbols K in a trace", minimum=2, maximum=2000),
        "decays": Param("floats", "decays lambda per step", minimum=0.01, maximum=1.0),
        "n_trials": Param(
            "int", "traces per (model, decay)", minimum=1, maximum=1_000_000, default=200
        ),  # fmt: skip
        "span_decay": Param(
            "float", "decay whose span is reported", minimum=0.01, maximum=1.0, default=0.95
        ),  # fmt: skip
    }
    obtained_quantities = (
        "mean_abs_deviation",
        "hrr_mean_abs_deviation",
        "map_i_span",
        "map_i_span_theory",
    )

    def check(self, params, *, where):
        if not any(abs(d - params["span_decay"]) < 1e-12 for d in params["decays"]):
            raise ConfigError(
                f"{where} span_decay = {params['span_decay']:g} must be one of the decays "
                f"{params['decays']}"
            )

    def points(self, params):
        return [{"model": m, "decay": d} for m in params["models"] for d in params["decays"]]

    def run_point(self, params, point, rng, *, device="cpu", draws="host"):
        from hebbian.vsa import hypervector_model, sequence_retrieval_accuracy

        model = hypervector_model(point["model"], params["dimension"])
        rate = sequence_retrieval_accuracy(model, params["length"], params["codebook_size"],
                                           trials=params["n_trials"], seed=rng,
                                           decay=point["decay"])  # fmt: skip
        return {"correct": np.asarray(rate.successes).tolist()}

    def assemble(self, params, points, results):
        from hebbian.theory.vsa import sequence_accuracy

        models, decays = params["models"], params["decays"]
        D, K, M, T = (params["dimension"], params["length"], params["codebook_size"],
                      params["n_trials"])  # fmt: skip
        shape = (len(models), len(decays), K)
        rate = np.array([r["correct"] for r in results], dtype=float).reshape(shape) / T
        theory = np.array(
            [sequence_accuracy(m, D, K, M, d) for m in models for d in decays]
        ).reshape(shape)
        dims = ("model", "decay", "lag")
        coords = {
            "model": ("model", list(models)),
            "decay": ("decay", decays, {"long_name": r"decay $\lambda$ per step"}),
            "lag": ("lag", np.arange(K), {"long_name": "lag j (0: the latest symbol)"}),
        }
        return xr.Dataset(
            {
                "accuracy": (dims, rate, {"long_name": "fraction of correct readouts"}),
                "accuracy_stderr": (dims, np.sqrt(rate * (1 - rate) / T),
                                    {"long_name": "binomial standard error"}),
                "accuracy_theory": (dims, theory, {"long_name": "Gaussian WTA formula"}),
            },
            coords=coords,
        )  # fmt: skip

    def obtained(self, ds):
        params = json.loads(ds.attrs["parameters"])
        nan = float("nan")
        deviation = np.abs(ds.accuracy - ds.accuracy_theory).mean(dim=("decay", "lag"))
        exact = [m for m in ds.model.values if m != "hrr"]
        out = {
            "mean_abs_deviation": float(deviation.sel(model=exact).max()) if exact else nan,
            "hrr_mean_abs_deviation": (
                float(deviation.sel(model="hrr")) if "hrr" in ds.model.values else nan
            ),
            "map_i_span": nan,
            "map_i_span_theory": nan,
        }
        if "map-i" in ds.model.values:
            sub = ds.sel(model="map-i").sel(decay=params["span_decay"], method="nearest")
            lags = ds.lag.values.astype(float)
            out["map_i_span"] = crossing_load(lags, sub.accuracy.values, 0.5)
            out["map_i_span_theory"] = crossing_load(lags, sub.accuracy_theory.values, 0.5)
        return out

    def plot(self, ds, ax=None):
        import matplotlib.pyplot as plt

        params = json.loads(ds.attrs["parameters"])
        models = [str(m) for m in ds.model.values]
        axes = panel_row(ax, len(models), width=4.4, height=3.8, sharey=True)
        cmap = plt.get_cmap("viridis")
        lags = ds.lag.values
        for panel, model in zip(axes, models):
            for k, decay in enumerate(ds.decay.values):
                sub = ds.sel(model=model, decay=decay)
                color = cmap(0.85 * k / max(len(ds.decay) - 1, 1))
                panel.plot(lags, drawn(sub.accuracy_theory), color=color, lw=1)
                panel.errorbar(lags, sub.accuracy, yerr=sub.accuracy_stderr, fmt="o", ms=3,
                               mfc="none", capsize=1.5, color=color,
                               label=rf"$\lambda$ = {decay:g}")  # fmt: skip
            panel.set_title(f"{model}, D = {params['dimension']}, M = "
                            f"{params['codebook_size']}, K = {params['length']}",
                            fontsize=9)  # fmt: skip
            panel.set_xlabel("lag j (0: the latest symbol)")
            panel.axhline(0.5, color="k", ls=":", lw=0.8)
        axes[0].set_ylabel("fraction read back (points), theory (lines)")
        axes[0].set_ylim(-0.02, 1.02)
        axes[0].legend(fontsize=8)
        return axes[0]
