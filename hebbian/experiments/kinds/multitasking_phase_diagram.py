"""The ``(d, T)`` phase diagram of a multitasking network: RS regions over Monte Carlo.

Theory (Agliari, Barra, Galluzzi, Isopi, arXiv:1304.4488 (2013); the dynamics:
Bartolucci and Annibale, J. Phys. A 47, 415001 (2014)): at low load the states of ``K``
diluted patterns are the paramagnet, the pure state ``(m, 0, ..., 0)``, the symmetric
mixtures, the parallel state (all ``m_k`` equal) and the hierarchical state
(``m_1 > m_2 > ...``, at ``T = 0`` the cascade ``(1 - d) d^{k-1}``), each with its
free energy and stability (:func:`hebbian.theory.multitasking.multitasking_phase_diagram`,
unnormalized convention: ``T_c = 1 - d``).

Protocol: at each ``(K, d, T)`` the network starts from pattern 1 with its blank sites
random (:func:`hebbian.patterns.cue`, no flips) and runs Glauber sweeps at ``T``; the
overlaps, averaged with their signs over the second half of the run (20 measurements in
all), are ranked by size for patterns ``2..K`` (which of them grows first is decided by
the fluctuations) and averaged over chains.

Which state the start reaches, in theory (:func:`predicted_states`): the pure state
where it is stable (the start is the pure state, up to fluctuations of order
:math:`N^{-1/2}`); elsewhere the only stable state, if exactly one is; undecided (``-1``)
if none or several of the listed states are stable. Which state the run reached
(:func:`nearest_states`): the existing theory state whose ranked overlaps lie nearest
(Euclidean) to the measured ones. The two are compared at the *interior* points, whose
prediction (the state and its number of non-zero overlaps) does not change when ``d`` or
``T`` moves by ``margin``: at the boundaries
finite ``N`` rounds the transitions and the escape from a marginal state is slow. Where
the run reached the predicted state, its overlaps are compared with the state's
(``max_deviation``), unless the state is soft: it answers the patterns' random
cross-overlaps, of order :math:`N^{-1/2}`, with a susceptibility ``1 / stiffness`` (the
smallest Hessian eigenvalue of ``f``), so its small overlaps deviate by about
``1 / (stiffness sqrt(N))``. Only states with ``stiffness >= min_stiffness`` are
compared (``docs/theory/multitasking.md``).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from hebbian.experiments.base import ExperimentKind, Param, register
from hebbian.experiments.errors import ConfigError
from hebbian.experiments.kinds.multitasking_cascade import ranked_overlaps
from hebbian.experiments.plotting import drawn, largest, panel_row
from hebbian.models import HebbianModel
from hebbian.patterns import cue, diluted_patterns

__all__ = [
    "STATE_LABELS",
    "MultitaskingPhaseDiagramKind",
    "nearest_states",
    "predicted_states",
    "state_labels",
]

#: The state classes of the map; the symmetric ``n``-mixtures ``1 < n < K`` share one.
STATE_LABELS = ("paramagnet", "pure", "mixture", "parallel", "hierarchical")
_COLORS = ("0.85", "#9ecae1", "#c7e9c0", "#fdae6b", "#bcbddc")
_MARKERS = ("0.45", "#2171b5", "#31a354", "#e6550d", "#6a51a3")
_THEORY_GRID = 121  # points per axis of the theory map in the figure


def state_labels(names) -> np.ndarray:
    """Map the state names of a phase diagram to indices into :data:`STATE_LABELS`."""
    return np.array(
        [STATE_LABELS.index("mixture" if n.startswith("mixture") else n) for n in names]
    )


def predicted_states(diagram) -> np.ndarray:
    """Index into :data:`STATE_LABELS` of the state a cue of pattern 1 reaches, per point.

    The pure state where it is stable; elsewhere the single stable state; ``-1`` where
    none or several of the listed states are stable.

    Parameters
    ----------
    diagram : MultitaskingPhaseDiagram
        From :func:`hebbian.theory.multitasking.multitasking_phase_diagram`.

    Returns
    -------
    (n_d, n_t) ndarray of int
    """
    labels = state_labels(diagram.states)
    stable = diagram.stable
    pure = stable[diagram.states.index("pure")]
    single = stable.sum(axis=0) == 1
    only = labels[np.argmax(stable, axis=0)]
    out = np.where(single, only, -1)
    return np.where(pure, STATE_LABELS.index("pure"), out)


def nearest_states(diagram, measured: np.ndarray) -> np.ndarray:
    """Index into :data:`STATE_LABELS` of the existing state nearest to measured overlaps.

    Parameters
    ----------
    diagram : MultitaskingPhaseDiagram
        Theory on the same ``(d, T)`` grid as ``measured``.
    measured : (n_d, n_t, K) ndarray
        Ranked overlaps (:func:`~hebbian.experiments.kinds.multitasking_cascade.
        ranked_overlaps`); ``nan`` gives ``-1``.

    Returns
    -------
    (n_d, n_t) ndarray of int
    """
    theory = ranked_overlaps(np.abs(np.nan_to_num(diagram.overlaps, nan=np.inf)))
    distance = np.sqrt(np.sum((theory - measured[None]) ** 2, axis=-1))
    distance = np.where(diagram.exists, distance, np.inf)
    nearest = state_labels(diagram.states)[np.argmin(distance, axis=0)]
    return np.where(np.isfinite(distance.min(axis=0)), nearest, -1)


def _predicted_overlaps(diagram, predicted: np.ndarray) -> np.ndarray:
    """Ranked theory overlaps of the predicted state, ``nan`` where undecided."""
    labels = state_labels(diagram.states)
    ranked = ranked_overlaps(np.abs(diagram.overlaps))
    out = np.full(ranked.shape[1:], np.nan)
    for s, label in enumerate(labels):
        here = predicted == label
        out[here] = ranked[s][here]
    return out


def _stiffness(diagram, predicted: np.ndarray) -> np.ndarray:
    """Smallest Hessian eigenvalue of ``f`` at the predicted state, ``nan`` where undecided.

    (:func:`hebbian.theory.multitasking.multitasking_hessian_eigenvalues`; it does not
    depend on the order or the signs of the overlaps.)
    """
    from hebbian.theory.multitasking import multitasking_hessian_eigenvalues

    overlaps = np.full(diagram.overlaps.shape[1:], np.nan)
    for s, label in enumerate(state_labels(diagram.states)):
        here = predicted == label
        overlaps[here] = diagram.overlaps[s][here]
    known = np.isfinite(overlaps).all(axis=-1)
    d, t = np.meshgrid(diagram.dilution, diagram.temperature, indexing="ij")
    out = np.full(predicted.shape, np.nan)
    out[known] = multitasking_hessian_eigenvalues(overlaps[known], d[known], t[known])[:, 0]
    return out


def _interior(K: int, d: np.ndarray, t: np.ndarray, margin: float) -> np.ndarray:
    """Points whose prediction is the same at ``d +- margin`` and ``T +- margin``.

    The same state with the same number of non-zero overlaps: a level of the
    hierarchical state that appears or is erased is a transition too.
    """
    from hebbian.theory.multitasking import multitasking_phase_diagram

    def predict(dd, tt):
        diagram = multitasking_phase_diagram(K, np.clip(dd, 0.0, 0.999), np.maximum(tt, 1e-3))
        state = predicted_states(diagram)
        levels = np.sum(_predicted_overlaps(diagram, state) > 1e-4, axis=-1)
        return np.where(state >= 0, state * (K + 1) + levels, -1)

    centre = predict(d, t)
    same = centre >= 0
    for dd, tt in ((d - margin, t), (d + margin, t), (d, t - margin), (d, t + margin)):
        same &= predict(dd, tt) == centre
    return same


@register
class MultitaskingPhaseDiagramKind(ExperimentKind):
    """Monte Carlo states on a ``(d, T)`` grid against the RS phase diagram (module docstring)."""

    name = "multitasking_phase_diagram"
    description = "multitasking network: state reached from pattern 1 on a (d, T) grid, RS map"
    parameters = {
        "n_neurons": Param("int", "network size N", minimum=10, maximum=1_000_000),
        "n_patterns": Param("ints", "numbers of patterns K (a panel each)", minimum=2, maximum=8),
        "dilution": Param("floats", "dilutions d", minimum=0.0, maximum=0.95),
        "temperature": Param("floats", "temperatures T", minimum=0.005, maximum=2.0),
        "n_samples": Param("int", "disorder samples per point", minimum=1, default=1),
        "n_chains": Param("int", "starts per sample", minimum=1, default=2),
        "n_sweeps": Param("int", "Glauber sweeps (the second half is averaged)", minimum=4),
        "margin": Param(
            "float", "shift in d and T that must keep the prediction", minimum=0.0, maximum=0.2
        ),
        "min_stiffness": Param(
            "float", "smallest Hessian eigenvalue of a compared state", minimum=0.0, default=0.1
        ),
    }
    obtained_quantities = (
        "agreement",
        "parallel_agreement",
        "hierarchical_agreement",
        "max_deviation",
    )

    def check(self, params, *, where):
        for axis in ("dilution", "temperature"):
            values = list(params[axis])
            if values != sorted(values):
                raise ConfigError(f"{where} {axis} must be increasing, got {values}")

    def points(self, params):
        return [
            {"n_patterns": K, "dilution": d, "temperature": T, "sample": s}
            for K in params["n_patterns"]
            for d in params["dilution"]
            for T in params["temperature"]
            for s in range(params["n_samples"])
        ]

    def run_size(self, params, point):
        return {
            "n_neurons": params["n_neurons"],
            "n_memories": point["n_patterns"],
            "n_chains": params["n_chains"],
            "n_sweeps": params["n_sweeps"],
            "dilution": point["dilution"],
        }

    def point_simulation(self, params, point, rng):
        N, K, C = params["n_neurons"], point["n_patterns"], params["n_chains"]
        model = HebbianModel(diluted_patterns(K, N, dilution=point["dilution"], seed=rng))
        return {
            "model": model,
            "temperature": point["temperature"],
            "initial": cue(model.memories[0], noise=0.0, n_cues=C, seed=rng),
            "n_sweeps": params["n_sweeps"],
            "n_chains": C,
            "measure_every": max(1, params["n_sweeps"] // 20),
        }

    def point_result(self, params, point, ds, run):
        m = ds.m.values  # (time, chain, memory)
        late = m[m.shape[0] // 2 :].mean(axis=0)  # signed: a fluctuating m averages out
        ranked = ranked_overlaps(np.abs(late)).mean(axis=0)
        padded = np.full(max(params["n_patterns"]), np.nan)
        padded[: ranked.size] = ranked
        return {"m": padded}

    def assemble(self, params, points, results):
        from hebbian.theory.multitasking import (
            multitasking_phase_diagram,
            parallel_onset_temperature,
        )

        Ks = np.asarray(params["n_patterns"])
        d = np.asarray(params["dilution"], dtype=float)
        t = np.asarray(params["temperature"], dtype=float)
        S, R = params["n_samples"], int(Ks.max())
        m = np.stack([r["m"] for r in results]).reshape(Ks.size, d.size, t.size, S, R)
        m_mean = m.mean(axis=3)
        shape = (Ks.size, d.size, t.size)
        predicted, reached = np.full(shape, -1), np.full(shape, -1)
        interior = np.zeros(shape, dtype=bool)
        m_theory = np.full(shape + (R,), np.nan)
        stiffness = np.full(shape, np.nan)
        fine_d = np.linspace(0.0, float(max(d.max(), 0.95)), _THEORY_GRID)
        fine_t = np.linspace(0.0, float(max(t.max(), 1.0)), _THEORY_GRID)[1:]
        fine = np.full((Ks.size, fine_d.size, fine_t.size), -1)
        onset = np.full((Ks.size, fine_d.size), np.nan)
        for i, K in enumerate(Ks):
            diagram = multitasking_phase_diagram(int(K), d, t)
            predicted[i] = predicted_states(diagram)
            reached[i] = nearest_states(diagram, m_mean[i, :, :, :K])
            interior[i] = _interior(int(K), d, t, params["margin"])
            m_theory[i, :, :, :K] = _predicted_overlaps(diagram, predicted[i])
            stiffness[i] = _stiffness(diagram, predicted[i])
            fine[i] = predicted_states(multitasking_phase_diagram(int(K), fine_d, fine_t))
            lower = parallel_onset_temperature(int(K), fine_d)
            onset[i] = np.where(np.isnan(lower.astype(float)), np.nan, lower)
        one = {"units": "1"}
        cube = ("n_patterns", "dilution", "temperature")
        state_doc = {"long_name": "state", "labels": ", ".join(STATE_LABELS), "undecided": -1}
        return xr.Dataset(
            {
                "m": (cube + ("rank",), m_mean, {"long_name": "overlap $m_k$ (by rank)", **one}),
                "m_samples": (
                    cube + ("sample", "rank"),
                    m,
                    {"long_name": "overlap $m_k$ (by rank), per sample", **one},
                ),
                "m_theory": (
                    cube + ("rank",),
                    m_theory,
                    {"long_name": "overlaps of the predicted state", **one},
                ),
                "state_predicted": (cube, predicted, state_doc),
                "state_reached": (cube, reached, state_doc),
                "interior": (cube, interior, {"long_name": "prediction kept within margin"}),
                "stiffness": (
                    cube,
                    stiffness,
                    {"long_name": "smallest Hessian eigenvalue of the predicted state"},
                ),
                "state_theory_map": (
                    ("n_patterns", "dilution_fine", "temperature_fine"),
                    fine,
                    state_doc,
                ),
                "T_p": (
                    ("n_patterns", "dilution_fine"),
                    onset,
                    {"long_name": "lower end of the parallel window $T_p(d)$"},
                ),
            },
            coords={
                "n_patterns": Ks,
                "dilution": d,
                "temperature": t,
                "sample": np.arange(S),
                "rank": np.arange(1, R + 1),
                "dilution_fine": fine_d,
                "temperature_fine": fine_t,
            },
            attrs={
                "n_neurons": params["n_neurons"],
                "margin": params["margin"],
                "min_stiffness": params["min_stiffness"],
                "state_labels": ", ".join(STATE_LABELS),
            },
        )

    def obtained(self, ds):
        compared = ds.interior & (ds.state_predicted >= 0)
        hit = (ds.state_reached == ds.state_predicted).where(compared)

        def agreement(label=None):
            chosen = hit if label is None else hit.where(ds.state_predicted == label)
            n = int(chosen.notnull().sum())
            return float(chosen.sum()) / n if n else float("nan")

        agreed = compared & (ds.state_reached == ds.state_predicted)
        agreed &= ds.stiffness >= float(ds.attrs["min_stiffness"])
        gap = np.abs(ds.m - ds.m_theory).max("rank").where(agreed)
        return {
            "agreement": agreement(),
            "parallel_agreement": agreement(STATE_LABELS.index("parallel")),
            "hierarchical_agreement": agreement(STATE_LABELS.index("hierarchical")),
            "max_deviation": largest(gap),
        }

    def plot(self, ds, ax=None):
        """One panel per ``K`` (only the first ``K`` when ``ax`` is given)."""
        from matplotlib.colors import ListedColormap
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        Ks = ds.n_patterns.values
        axes = panel_row(ax, Ks.size, width=5.2, height=5.6)
        fd, ft = ds.dilution_fine.values, ds.temperature_fine.values
        d, t = ds.dilution.values, ds.temperature.values
        cmap = ListedColormap(("white",) + _COLORS)
        for panel, K in zip(axes, Ks):
            sub = ds.sel(n_patterns=K)
            panel.pcolormesh(
                fd, ft, sub.state_theory_map.values.T + 1, cmap=cmap, vmin=-0.5, vmax=5.5,
                shading="nearest",
            )  # fmt: skip
            panel.plot(fd, drawn(1.0 - fd), "k-", lw=1.3)
            panel.plot(fd, drawn(sub.T_p.values), "k--", lw=1.1)
            dd, tt = np.meshgrid(d, t, indexing="ij")
            reached = sub.state_reached.values
            compared = sub.interior.values & (sub.state_predicted.values >= 0)
            for s, color in enumerate(_MARKERS):
                here = reached == s
                panel.scatter(dd[here], tt[here], s=22, c=color, edgecolors="k", linewidths=0.4)
            miss = compared & (reached != sub.state_predicted.values)
            panel.scatter(dd[miss], tt[miss], s=70, marker="x", c="C3", linewidths=1.2)
            panel.set(
                xlim=(fd[0], fd[-1]),
                ylim=(0.0, ft[-1]),
                xlabel="dilution $d$",
                ylabel="temperature $T$",
                title=f"K = {K}: RS regions, MC from pattern 1 (N = {ds.attrs['n_neurons']})",
            )
        handles = [
            Patch(facecolor=c, edgecolor="0.5", label=f"RS: {name}")
            for c, name in zip(("white",) + _COLORS, ("undecided",) + STATE_LABELS)
        ]
        handles += [
            Line2D([], [], ls="", marker="o", mfc=c, mec="k", label=f"MC: {name}")
            for c, name in zip(_MARKERS, STATE_LABELS)
        ]
        handles += [
            Line2D([], [], color="k", label="$T_c = 1 - d$"),
            Line2D([], [], color="k", ls="--", label="$T_p(d)$: parallel window"),
            Line2D([], [], ls="", marker="x", color="C3", label="MC differs from RS"),
        ]
        axes[0].figure.legend(handles=handles, fontsize=7.5, loc="outside lower center", ncol=5)
        return axes[0]
