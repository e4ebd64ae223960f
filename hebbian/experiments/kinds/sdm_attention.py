r"""Attention approximates sparse distributed memory: circle intersections and reads.

Protocol (Bricken and Pehlevan, "Attention approximates sparse distributed memory",
NeurIPS 2021, arXiv:2111.05498; Kanerva, *Sparse Distributed Memory*, MIT Press 1988),
for each Hamming radius ``d``, on one memory of ``r`` hard locations with random
addresses in :math:`\{0,1\}^n` (:class:`hebbian.attention.sdm.SparseDistributedMemory`):

(a) **Circle intersection.** ``n_centers`` random centres ``x``, each with one point
    ``y`` at every Hamming distance ``h`` of the grid (``h`` random bits of ``x``
    flipped); measured: the number of hard locations within ``d`` of both
    (:func:`hebbian.attention.sdm.intersection_counts`), divided by ``r``. Given the
    pair, each random location falls in both balls independently with probability
    :math:`f_{n,d}(h)` (:func:`hebbian.theory.sdm.circle_intersection`, exact), so a
    count is :math:`\mathrm{Bin}(r, f)`; its deviation is reported in binomial standard
    errors :math:`z = (c - r f)/\sqrt{r f (1 - f)}`, over the pairs with an expected
    count :math:`r f \ge` ``min_expected_count`` (where the Gaussian scale is apt).
(b) **Softmax fit.** :math:`\beta` and the intercept of the log-linear least-squares
    fit :math:`f \approx e^{b + \beta x}`, :math:`x = 1 - 2h/n`, over all ``h <= 2d``
    (:func:`hebbian.theory.sdm.fit_beta_regression`), drawn against the exact
    :math:`f`.
(c) **Reads.** ``n_patterns`` random keys with random bipolar values of length
    ``value_dimension`` are written; ``n_queries`` queries, each a stored key with a
    fraction ``query_noise`` of its bits flipped, are read. Measured: the cosine
    similarity between the SDM read :math:`\sum_{l \in O(q)} C_l` and the softmax read
    :math:`\sum_\mu \mathrm{softmax}(\beta x)_\mu p_\mu` with the fitted
    :math:`\beta` (:func:`hebbian.attention.sdm.softmax_read`), and the fraction of
    components whose signs agree. Two diagnostics split the difference: the cosine of
    the softmax read with the expected SDM read :math:`\sum_\mu r f(h_\mu) p_\mu` (the
    exponential fit alone) and of the SDM read with that expectation (the sampling of
    the locations alone).

Checked quantities (``[expected]``): the canonical activation probability
:math:`P(\mathrm{Bin}(1000, \tfrac12) \le 451) = 1.07\times10^{-3}` and the SNR-optimal
probability :math:`(2 m r)^{-1/3} = 3.684\times10^{-4}` at ``r = 10**6``, ``m = 10**4``
(computed by :mod:`hebbian.theory.sdm`), the largest :math:`|z|` of (a), and the
smallest (over radii) mean cosine of (c).
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from hebbian.device import to_host
from hebbian.experiments.base import ExperimentKind, Param, register
from hebbian.experiments.errors import ConfigError
from hebbian.experiments.plotting import drawn_log

__all__ = ["SDMAttention"]


def _flipped(rng: np.random.Generator, points: np.ndarray, n_flips: np.ndarray) -> np.ndarray:
    """Copy ``points`` (rows) with ``n_flips[i]`` distinct random bits flipped."""
    out = points.copy()
    n = points.shape[1]
    for i, k in enumerate(n_flips):
        out[i, rng.permutation(n)[: int(k)]] ^= 1
    return out


def _cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise cosine similarity (NaN for a zero row)."""
    norm = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(norm > 0, np.sum(a * b, axis=1) / norm, np.nan)


@register
class SDMAttention(ExperimentKind):
    """SDM circle intersections and reads against softmax attention (module docstring)."""

    name = "sdm_attention"
    description = "sparse distributed memory: circle intersection, softmax beta fit, reads"
    parameters = {
        "n_bits": Param("int", "address length n", minimum=4, maximum=100_000),
        "n_locations": Param("int", "hard locations r", minimum=1, maximum=10_000_000),
        "radii": Param("ints", "Hamming radii d", minimum=1, maximum=100_000),
        "n_centers": Param(
            "int",
            "centres per radius, each paired at every distance",
            minimum=1,
            maximum=10_000,
            default=4,
        ),
        "distance_step": Param(
            "int", "step of the grid of distances h", minimum=1, maximum=100_000, default=1
        ),
        "min_expected_count": Param(
            "float",
            "smallest r f(h) entering the z-scores",
            minimum=1.0,
            maximum=1e9,
            default=10.0,
        ),
        "n_patterns": Param("int", "stored patterns m", minimum=1, maximum=100_000),
        "value_dimension": Param(
            "int", "length of the stored values", minimum=1, maximum=100_000, default=64
        ),
        "n_queries": Param("int", "noisy queries read per radius", minimum=1, maximum=100_000),
        "query_noise": Param(
            "float",
            "fraction of a key's bits flipped in its query",
            minimum=0.0,
            maximum=0.5,
            default=0.1,
        ),
    }
    obtained_quantities = (
        "canonical_activation_probability",
        "canonical_optimal_probability",
        "max_abs_intersection_z",
        "min_read_cosine",
        "min_sign_agreement",
    )

    def check(self, params, *, where):
        n = params["n_bits"]
        if max(params["radii"]) > n:
            raise ConfigError(f"{where} radii must be <= n_bits = {n}, got {params['radii']}")
        if list(params["radii"]) != sorted(params["radii"]):
            raise ConfigError(f"{where} radii must be increasing, got {params['radii']}")
        if params["distance_step"] > n:
            raise ConfigError(f"{where} distance_step must be <= n_bits = {n}")

    def points(self, params):
        return [{"radius": d} for d in params["radii"]]

    def run_point(self, params, point, rng, *, device="cpu", draws="host"):
        from hebbian.attention.sdm import (
            SparseDistributedMemory,
            intersection_counts,
            softmax_read,
        )
        from hebbian.theory.sdm import circle_intersection, fit_beta_regression

        n, r, d = params["n_bits"], params["n_locations"], point["radius"]
        memory = SparseDistributedMemory(n, r, d, value_dimension=params["value_dimension"],
                                         seed=rng, device=device)  # fmt: skip
        xp = memory.xp
        # (a) centres and their partners at every distance of the grid
        h = np.arange(0, n + 1, params["distance_step"])
        C, H = params["n_centers"], len(h)
        centres = rng.integers(0, 2, size=(C, n), dtype=np.uint8)
        partners = _flipped(rng, np.repeat(centres, H, axis=0), np.tile(h, C))
        counts = to_host(intersection_counts(xp.asarray(centres), xp.asarray(partners),
                                           memory.addresses, d))  # fmt: skip
        counts = np.stack([counts[c, c * H : (c + 1) * H] for c in range(C)])
        # (c) write m random patterns, read noisy keys
        m, v, Q = params["n_patterns"], params["value_dimension"], params["n_queries"]
        keys = rng.integers(0, 2, size=(m, n), dtype=np.uint8)
        values = (2 * rng.integers(0, 2, size=(m, v)) - 1).astype(np.int8)
        target = np.arange(Q) % m
        flips = np.full(Q, int(round(params["query_noise"] * n)))
        queries = _flipped(rng, keys[target], flips)
        memory.write(xp.asarray(keys), xp.asarray(values))
        sums = to_host(memory.read(xp.asarray(queries))[0]).astype(float)
        fit = fit_beta_regression(n, d)
        soft = to_host(softmax_read(xp.asarray(queries), xp.asarray(keys),
                                  xp.asarray(values), fit.beta))  # fmt: skip
        dist = (queries[:, None, :] != keys[None, :, :]).sum(axis=2)
        expected = (r * circle_intersection(n, d, dist)) @ values.astype(float)
        sign = np.where(sums >= 0, 1, -1) == np.where(soft >= 0, 1, -1)
        return {
            "counts": counts,
            "read_cosine": _cosine(sums, soft),
            "read_cosine_fit": _cosine(expected, soft),
            "read_cosine_sampling": _cosine(sums, expected),
            "sign_agreement": float(sign.mean()),
            "recall_overlap": float(np.mean(np.where(sums >= 0, 1, -1) * values[target])),
        }

    def assemble(self, params, points, results):
        from hebbian.theory.sdm import (
            circle_intersection,
            fit_beta_regression,
            hamming_ball_probability,
        )

        n, r = params["n_bits"], params["n_locations"]
        radii = np.array(params["radii"])
        h = np.arange(0, n + 1, params["distance_step"])
        x = 1.0 - 2.0 * h / n
        counts = np.stack([res["counts"] for res in results])  # (radius, centre, distance)
        exact = np.stack([circle_intersection(n, int(d), h) for d in radii])
        fits = [fit_beta_regression(n, int(d)) for d in radii]
        beta = np.array([f.beta for f in fits])
        bias = np.array([f.bias for f in fits])
        curve = np.exp(bias[:, None] + beta[:, None] * x[None, :])
        mean = exact[:, None, :] * r
        sd = np.sqrt(mean * (1.0 - exact[:, None, :]))
        with np.errstate(invalid="ignore", divide="ignore"):
            z = np.where(mean >= params["min_expected_count"], (counts - mean) / sd, np.nan)
        per_query = {
            key: np.stack([res[key] for res in results])
            for key in ("read_cosine", "read_cosine_fit", "read_cosine_sampling")
        }
        dims3, dims2 = ("radius", "centre", "distance"), ("radius", "distance")
        dq = ("radius", "query")
        return xr.Dataset(
            {
                "intersection_count": (dims3, counts,
                                       {"long_name": "hard locations within d of both points"}),
                "intersection_fraction": (dims2, counts.mean(axis=1) / r,
                                          {"long_name": "measured intersection / r "
                                                        "(mean over centres)"}),
                "intersection_exact": (dims2, exact,
                                       {"long_name": "exact circle intersection f(h)"}),
                "intersection_z": (dims3, z, {"long_name": "(count - r f) / binomial sd, "
                                                           "where r f >= min_expected_count"}),
                "intersection_fit": (dims2, curve,
                                     {"long_name": "fitted exp(b + beta (1 - 2h/n))"}),
                "beta": ("radius", beta, {"long_name": "fitted softmax inverse temperature"}),
                "fit_bias": ("radius", bias, {"long_name": "intercept b of the log-linear fit"}),
                "activation_probability": ("radius", hamming_ball_probability(n, radii),
                                           {"long_name": "P(Bin(n, 1/2) <= d)"}),
                "read_cosine": (dq, per_query["read_cosine"],
                                {"long_name": "cosine(SDM read, softmax read)"}),
                "read_cosine_fit": (dq, per_query["read_cosine_fit"],
                                    {"long_name": "cosine(expected SDM read, softmax read)"}),
                "read_cosine_sampling": (dq, per_query["read_cosine_sampling"],
                                         {"long_name": "cosine(SDM read, expected SDM read)"}),
                "sign_agreement": ("radius", np.array([res["sign_agreement"] for res in results]),
                                   {"long_name": "fraction of SDM and softmax read signs "
                                                 "that agree"}),
                "recall_overlap": ("radius", np.array([res["recall_overlap"] for res in results]),
                                   {"long_name": "overlap of the sign read with the target"}),
            },
            coords={
                "radius": ("radius", radii, {"long_name": "Hamming radius d"}),
                "distance": ("distance", h, {"long_name": "Hamming distance h"}),
                "cosine": ("distance", x, {"long_name": "cosine 1 - 2h/n"}),
            },
        )  # fmt: skip

    def obtained(self, ds):
        from hebbian.theory.sdm import hamming_ball_probability, optimal_activation_probability

        z = np.abs(ds.intersection_z.values)
        return {
            "canonical_activation_probability": float(hamming_ball_probability(1000, 451)),
            "canonical_optimal_probability": optimal_activation_probability(1e4, 1e6),
            "max_abs_intersection_z": float(np.nanmax(z)) if np.isfinite(z).any() else np.nan,
            "min_read_cosine": float(ds.read_cosine.mean(dim="query").min()),
            "min_sign_agreement": float(ds.sign_agreement.min()),
        }

    def plot(self, ds, ax=None):
        import matplotlib.pyplot as plt

        params = json.loads(ds.attrs["parameters"])
        if ax is None:
            _, ax = plt.subplots(figsize=(7.2, 4.6), layout="constrained")
        h = ds.distance.values
        for i, d in enumerate(ds.radius.values):
            sub = ds.sel(radius=d)
            color = f"C{i % 10}"
            exact = sub.intersection_exact.values
            shown = exact > 0
            ax.plot(h[shown], drawn_log(exact[shown]), color=color, lw=1)
            ax.plot(h[shown], drawn_log(sub.intersection_fit.values[shown]), color=color, lw=1,
                    ls="--")  # fmt: skip
            measured = sub.intersection_fraction.values
            ok = measured > 0
            cos = float(sub.read_cosine.mean())
            label = f"d = {d}: beta = {float(sub.beta):.2f}, read cosine = {cos:.3f}"
            ax.plot(h[ok], measured[ok], "o", ms=3, mfc="none", color=color, label=label)
        ax.plot([], [], "k-", lw=1, label="exact circle intersection")
        ax.plot([], [], "k--", lw=1, label="exp(b + beta x), log-linear fit")
        ax.set_yscale("log")
        ax.set_xlabel("Hamming distance h between query and key")
        ax.set_ylabel("fraction of the space in both balls")
        ax.set_title(f"SDM vs attention: n = {params['n_bits']}, r = {params['n_locations']} "
                     f"random locations (markers), {params['n_centers']} centres",
                     fontsize=10)  # fmt: skip
        ax.legend(fontsize=8)
        return ax
