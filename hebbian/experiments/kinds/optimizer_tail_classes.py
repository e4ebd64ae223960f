"""GD, Adam, SignGD and Muon on Zipf classes: per-class loss against frequency rank.

Protocol (the one-layer associative memory of Wang et al., "Muon Outperforms Adam in
Tail-End Associative Memory Learning", arXiv:2509.26030, on the Zipf data of
Cabannes, Dohmatob, Bietti, ICLR 2024): ``n_classes`` classes with frequencies
:math:`p_k \\propto (k+1)^{-\\alpha}`, unit input and output embeddings in dimension
``dim`` sharing a common component of weight ``embedding_correlation`` (0: nearly
orthogonal), logits :math:`u_y^\\top W e_x`, the population cross-entropy minimised from
:math:`W = 0` with its exact gradient (:func:`hebbian.attention.optimizers.train_memory`).
One point per (optimizer, correlation), ``trials`` embedding draws trained together.

Comparison at matched population loss: each optimizer has its own step size (the
``lr_*`` parameters), so a comparison at a fixed step would mostly compare step sizes.
For small steps each update rule follows its own gradient flow (GD the Euclidean, SignGD
and Adam the :math:`\\ell_\\infty`, Muon the spectral-norm steepest descent), whose path
does not depend on the step size; the kind therefore reads the per-class loss and
error, and the spectrum of :math:`W`, at the first step where a trial's population loss
falls below ``loss_target``, and compares the optimizers there. The *tail* is the half
of the classes with the lowest frequencies, the *head* the first eighth.

Measured (``obtained``): the unweighted mean loss and error of the tail classes at the
matched loss, per optimizer and correlation; Muon's tail loss over Adam's and over GD's;
the normalised SVD entropy of :math:`W` there (Muon minus Adam). No figure values are
published for this setting (Wang et al. state the effect qualitatively: Muon balanced
across classes, Adam leaving the tail behind depending on the embeddings), so the
``[expected]`` entries are one-sided claims written as intervals.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from hebbian.experiments.base import ExperimentKind, Param, register
from hebbian.experiments.errors import ConfigError
from hebbian.experiments.plotting import drawn, panel_row

__all__ = ["OptimizerTailClasses"]

_OPTIMIZERS = ("gd", "signgd", "adam", "muon")
_STYLE = {"gd": "C0", "signgd": "C2", "adam": "C1", "muon": "C3"}
_CORRELATIONS = (0.0, 0.5, 0.8)


def _key(rho: float) -> str:
    return f"{rho:g}".replace(".", "")


@register
class OptimizerTailClasses(ExperimentKind):
    """Per-class loss of GD, Adam, SignGD and Muon on Zipf classes (module docstring)."""

    name = "optimizer_tail_classes"
    description = "one-layer associative memory: GD, Adam, SignGD, Muon on Zipf classes"
    parameters = {
        "optimizers": Param("names", "update rules", choices=_OPTIMIZERS),
        "n_classes": Param("int", "classes K", minimum=2, maximum=2000, default=64),
        "dim": Param("int", "embedding dimension d", minimum=2, maximum=2000, default=64),
        "zipf_exponent": Param(
            "float", "alpha of the class frequencies", minimum=0.0, maximum=5.0, default=1.0
        ),  # fmt: skip
        "embedding_correlations": Param(
            "floats", "shared component rho of the embeddings", minimum=0.0, maximum=0.95
        ),  # fmt: skip
        "lr_gd": Param("float", "GD step size", minimum=1e-6, maximum=1e4, default=10.0),
        "lr_signgd": Param("float", "SignGD step size", minimum=1e-6, maximum=10, default=0.005),
        "lr_adam": Param("float", "Adam step size", minimum=1e-6, maximum=10, default=0.005),
        "lr_muon": Param("float", "Muon step size", minimum=1e-6, maximum=10, default=0.05),
        "n_steps": Param("int", "full-batch steps", minimum=1, maximum=100_000),
        "snapshot_steps": Param(
            "ints", "steps whose per-class curves are kept", minimum=0, maximum=100_000
        ),  # fmt: skip
        "loss_target": Param(
            "float",
            "population loss of the matched comparison",
            minimum=1e-4,
            maximum=20,
            default=0.5,
        ),  # fmt: skip
        "trials": Param("int", "embedding draws", minimum=1, maximum=10_000, default=8),
    }
    obtained_quantities = tuple(
        f"{what}_{opt}_rho{_key(r)}"
        for r in _CORRELATIONS
        for what in ("tail_loss", "tail_error", "spectrum_entropy", "matched_step")
        for opt in _OPTIMIZERS
    ) + tuple(
        f"{q}_rho{_key(r)}"
        for r in _CORRELATIONS
        for q in ("muon_over_adam_tail_loss", "muon_over_gd_tail_loss",
                  "muon_minus_adam_spectrum_entropy")
    )  # fmt: skip

    def check(self, params, *, where):
        if any(s > params["n_steps"] for s in params["snapshot_steps"]):
            raise ConfigError(f"{where} snapshot_steps must be <= n_steps ({params['n_steps']})")
        if list(params["snapshot_steps"]) != sorted(params["snapshot_steps"]):
            raise ConfigError(f"{where} snapshot_steps must be increasing")

    def points(self, params):
        rhos = params["embedding_correlations"]
        return [{"optimizer": o, "embedding_correlation": r}
                for o in params["optimizers"] for r in rhos]  # fmt: skip

    def run_point(self, params, point, rng, *, device="cpu", draws="host"):
        # small matrices (d x d, d ~ 64): one BLAS thread per process (hebbian._blas)
        from hebbian._blas import blas_threads

        with blas_threads(1):
            return self._run_point(params, point, rng)

    def _run_point(self, params, point, rng):
        from hebbian.attention.optimizers import spectrum_entropy, train_memory

        opt = point["optimizer"]
        n_steps = params["n_steps"]
        snaps = list(params["snapshot_steps"])
        curve = np.unique(np.round(np.geomspace(1, n_steps, 40)).astype(int))
        record = sorted(set(snaps) | set(curve.tolist()) | {0})
        rec = train_memory(
            opt, n_classes=params["n_classes"], dim=params["dim"],
            zipf_exponent=params["zipf_exponent"],
            embedding_correlation=point["embedding_correlation"], lr=params[f"lr_{opt}"],
            n_steps=n_steps, record_steps=record, loss_target=params["loss_target"],
            trials=params["trials"], seed=rng,
        )  # fmt: skip
        at = [record.index(s) for s in snaps]
        return {
            "matched_step": rec.matched_step.tolist(),
            "class_loss_matched": rec.matched_class_loss.tolist(),
            "class_error_matched": rec.matched_class_error.tolist(),
            "entropy_matched": spectrum_entropy(rec.matched_singular_values)[0].tolist(),
            "singular_values_matched": rec.matched_singular_values.tolist(),
            "class_loss_snap": rec.class_loss[:, at].mean(0).tolist(),
            "class_error_snap": rec.class_error[:, at].mean(0).tolist(),
            "loss": rec.loss.mean(0).tolist(),
            "error": rec.error.mean(0).tolist(),
            "entropy": rec.spectrum_entropy.mean(0).tolist(),
            "effective_rank": rec.effective_rank.mean(0).tolist(),
            "steps": record,
        }

    def assemble(self, params, points, results):
        opts, rhos = params["optimizers"], params["embedding_correlations"]
        K, steps = params["n_classes"], results[0]["steps"]
        shape = (len(opts), len(rhos))

        def grid(key):
            return np.array([r[key] for r in results], dtype=float).reshape(
                shape + np.shape(results[0][key])
            )

        def nanmean(a, axis):  # over the trials that reached the target (NaN if none)
            n = np.sum(~np.isnan(a), axis=axis)
            return np.where(n > 0, np.nansum(a, axis=axis) / np.maximum(n, 1), np.nan)

        oc = ocr = ("optimizer", "embedding_correlation")
        p = (np.arange(K) + 1.0) ** (-params["zipf_exponent"])
        return xr.Dataset(
            {
                "class_loss_matched": (
                    ocr + ("rank",),
                    nanmean(grid("class_loss_matched"), -2),
                    {"long_name": "per-class loss at the matched population loss"},
                ),
                "class_error_matched": (
                    ocr + ("rank",),
                    nanmean(grid("class_error_matched"), -2),
                    {"long_name": "per-class error at the matched population loss"},
                ),
                "class_loss": (
                    ocr + ("snapshot", "rank"),
                    grid("class_loss_snap"),
                    {"long_name": "per-class loss -log softmax_k at the snapshot steps"},
                ),
                "class_error": (
                    ocr + ("snapshot", "rank"),
                    grid("class_error_snap"),
                    {"long_name": "per-class error at the snapshot steps"},
                ),
                "loss": (oc + ("step",), grid("loss"), {"long_name": "population cross-entropy"}),
                "error": (
                    oc + ("step",),
                    grid("error"),
                    {"long_name": "population (frequency-weighted) error"},
                ),
                "spectrum_entropy": (
                    oc + ("step",),
                    grid("entropy"),
                    {"long_name": "normalised SVD entropy of W"},
                ),
                "effective_rank": (
                    oc + ("step",),
                    grid("effective_rank"),
                    {"long_name": "effective rank exp(SVD entropy) of W"},
                ),
                "singular_values_matched": (
                    oc + ("index",),
                    nanmean(grid("singular_values_matched"), -2),
                    {"long_name": "singular values of W at the matched loss"},
                ),
                "matched_step": (
                    oc,
                    nanmean(grid("matched_step"), -1),
                    {"long_name": "mean first step with loss <= loss_target"},
                ),
                "matched_fraction": (
                    oc,
                    (~np.isnan(grid("matched_step"))).mean(-1),
                    {"long_name": "fraction of trials reaching loss_target"},
                ),
                "spectrum_entropy_matched": (
                    oc,
                    nanmean(grid("entropy_matched"), -1),
                    {"long_name": "SVD entropy of W at the matched loss"},
                ),
                "frequency": (("rank",), p / p.sum(), {"long_name": "class frequency p_k"}),
            },
            coords={
                "optimizer": ("optimizer", list(opts)),
                "embedding_correlation": (
                    "embedding_correlation",
                    np.array(rhos, dtype=float),
                    {"long_name": "shared embedding component rho"},
                ),
                "rank": ("rank", np.arange(K), {"long_name": "class frequency rank k"}),
                "snapshot": (
                    "snapshot",
                    np.array(params["snapshot_steps"]),
                    {"long_name": "training step"},
                ),
                "step": ("step", np.array(steps), {"long_name": "training step"}),
                "index": (
                    "index",
                    np.arange(params["dim"]),
                    {"long_name": "singular value index"},
                ),
            },
        )

    def obtained(self, ds):
        nan = float("nan")
        out = {q: nan for q in self.obtained_quantities}
        K = ds.sizes["rank"]
        tail = ds["rank"].values >= K // 2
        opts = [str(o) for o in ds.optimizer.values]
        for rho in ds.embedding_correlation.values:
            key = _key(float(rho))
            if float(rho) not in _CORRELATIONS:
                continue
            tail_loss = {}
            for opt in opts:
                sub = ds.sel(optimizer=opt, embedding_correlation=rho)
                tail_loss[opt] = float(sub.class_loss_matched.values[tail].mean())
                out[f"tail_loss_{opt}_rho{key}"] = tail_loss[opt]
                out[f"tail_error_{opt}_rho{key}"] = float(
                    sub.class_error_matched.values[tail].mean()
                )
                out[f"spectrum_entropy_{opt}_rho{key}"] = float(sub.spectrum_entropy_matched)
                out[f"matched_step_{opt}_rho{key}"] = float(sub.matched_step)
            if {"muon", "adam"} <= set(opts):
                out[f"muon_over_adam_tail_loss_rho{key}"] = tail_loss["muon"] / tail_loss["adam"]
                out[f"muon_minus_adam_spectrum_entropy_rho{key}"] = (
                    out[f"spectrum_entropy_muon_rho{key}"] - out[f"spectrum_entropy_adam_rho{key}"]
                )
            if {"muon", "gd"} <= set(opts):
                out[f"muon_over_gd_tail_loss_rho{key}"] = tail_loss["muon"] / tail_loss["gd"]
        return out

    def plot(self, ds, ax=None):
        params = json.loads(ds.attrs["parameters"])
        rhos = ds.embedding_correlation.values
        axes = panel_row(ax, len(rhos) + 1, width=3.8, height=3.4)
        ranks = ds["rank"].values + 1
        for panel, rho in zip(axes, rhos):
            for opt in ds.optimizer.values:
                sub = ds.sel(optimizer=opt, embedding_correlation=rho)
                panel.plot(ranks, sub.class_loss_matched, color=_STYLE[str(opt)], lw=1.2,
                           label=f"{opt} (step {float(sub.matched_step):.0f})")  # fmt: skip
                last = sub.class_loss.isel(snapshot=0)
                panel.plot(ranks, last, color=_STYLE[str(opt)], lw=0.6, ls=":")
            panel.set_xscale("log")
            panel.set_xlabel("class frequency rank k + 1")
            panel.set_title(rf"$\rho$ = {rho:g}: at population loss "
                            f"{params['loss_target']:g}", fontsize=9)  # fmt: skip
            panel.legend(fontsize=7)
        axes[0].set_ylabel(f"per-class loss (dotted: step {int(ds.snapshot.values[0])})")
        if len(axes) > len(rhos):
            panel = axes[-1]
            for opt in ds.optimizer.values:
                for rho, ls in zip(rhos, ("-", "--", ":", "-.")):
                    curve = ds.spectrum_entropy.sel(optimizer=opt, embedding_correlation=rho)
                    panel.plot(ds.step.values[1:], drawn(curve.values[1:]), color=_STYLE[str(opt)],
                               ls=ls, lw=1, label=rf"{opt}, $\rho$ = {rho:g}")  # fmt: skip
            panel.set_xscale("log")
            panel.set_xlabel("training step")
            panel.set_ylabel("normalised SVD entropy of W")
            panel.set_title(f"K = {params['n_classes']}, d = {params['dim']}, "
                            rf"$\alpha$ = {params['zipf_exponent']:g}", fontsize=9)  # fmt: skip
            panel.legend(fontsize=6)
        return axes[0]
