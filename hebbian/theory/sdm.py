r"""Kanerva's sparse distributed memory (SDM): activation, circle intersection, softmax fit.

An SDM (Kanerva, *Sparse Distributed Memory*, MIT Press 1988) has ``r`` hard locations
with random addresses in :math:`\{0,1\}^n`. Writing a pattern at a key adds it to the
counters of every location within Hamming distance ``d`` (the radius) of the key;
reading at a query sums the counters of the locations within ``d`` of the query. The
quantities here are exact functions of ``n``, ``d``, ``m`` (stored patterns) and ``r``;
the memory itself is :mod:`hebbian.attention.sdm`.

* **Activation probability.** A uniformly random address lies within ``d`` of a given
  point with probability

  .. math:: p(n, d) = P\bigl(\mathrm{Bin}(n, \tfrac12) \le d\bigr)
            = 2^{-n} \sum_{k=0}^{d} \binom{n}{k}

  (:func:`hamming_ball_probability`; Kanerva 1988, ch. 3). The canonical memory,
  ``n = 1000``, ``d = 451``, has :math:`p = 1.07\times10^{-3}` (about 1000 of
  :math:`r = 10^6` locations active).
* **SNR-optimal activation probability** (Kanerva 1988; as coded by Bricken and
  Pehlevan, "Attention approximates sparse distributed memory", NeurIPS 2021,
  arXiv:2111.05498): :math:`p^* = (2 m r)^{-1/3}`
  (:func:`optimal_activation_probability`), and the radius achieving it
  (:func:`snr_optimal_radius`).
* **Circle intersection.** The expected fraction of the address space inside both
  Hamming balls of radius ``d`` around two points ``h`` apart (Kanerva 1988, app. B;
  Bricken and Pehlevan 2021, eq. 3 and app. B):

  .. math::

      f_{n,d}(h) = 2^{-n} \sum_{i=0}^{h} \binom{h}{i}
                   \sum_{j=0}^{d - \max(i, h-i)} \binom{n-h}{j}

  (:func:`circle_intersection`): a point ``z`` that differs from the first centre in
  ``i`` of the ``h`` positions where the centres differ (so from the second in
  ``h - i`` of them) and in ``j`` of the ``n - h`` positions where they agree is at
  distance ``i + j`` from the first and ``h - i + j`` from the second. The expected
  number of the ``r`` random locations in the intersection is :math:`r f_{n,d}(h)`;
  it vanishes for ``h > 2d``.
* **Softmax fit.** Bricken and Pehlevan observe that :math:`f_{n,d}(h)` decays
  nearly exponentially in ``h``, i.e. in the cosine similarity :math:`x = 1 - 2h/n` of
  the bipolar vectors, :math:`f \approx e^{b + \beta x}`, so that the normalised SDM
  read :math:`\sum_\mu f(h_\mu) p_\mu / \sum_\mu f(h_\mu)` is approximately softmax
  attention with inverse temperature :math:`\beta`. :func:`fit_beta_regression` fits
  :math:`\beta` by the log-linear least-squares regression of their code
  (``fit_beta_regression``), over the distances where the intersection is non-zero.

Derivations: ``docs/theory/sdm.md``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.stats import binom

from hebbian._validation import check_int, check_real
from hebbian.theory._core import scalar_or_array

__all__ = [
    "MAX_BITS",
    "BetaFit",
    "circle_intersection",
    "fit_beta_regression",
    "hamming_ball_probability",
    "optimal_activation_probability",
    "radius_for_probability",
    "snr_optimal_radius",
]

#: Largest address length ``n`` the functions accept (the intersection sums are
#: evaluated on an ``(h, i)`` grid in blocks; beyond this they would be slow).
MAX_BITS = 100_000

#: Entries of one block of the ``(h, i)`` grid of :func:`circle_intersection`.
_BLOCK = 1 << 22


def _n_bits(n_bits: object) -> int:
    return check_int("n_bits", n_bits, minimum=1, maximum=MAX_BITS)


def _int_array(name: str, value: object, minimum: int, maximum: int) -> np.ndarray:
    """Return ``value`` as an int64 array of integers in ``[minimum, maximum]``."""
    arr = np.asarray(value)
    if arr.dtype.kind == "b" or arr.dtype.kind not in "iuf":
        raise ValueError(f"{name} must be integers in [{minimum}, {maximum}], got {value!r}")
    if arr.dtype.kind == "f":
        bad = ~np.isfinite(arr) | (arr != np.round(arr))
        if np.any(bad):
            raise ValueError(
                f"{name} must be integers in [{minimum}, {maximum}], got {arr[bad].flat[0]:g}"
            )
    out = arr.astype(np.int64)
    bad = (out < minimum) | (out > maximum)
    if np.any(bad):
        raise ValueError(
            f"{name} must be integers in [{minimum}, {maximum}], got {out[bad].flat[0]}"
        )
    return out


def hamming_ball_probability(n_bits: int, radius) -> np.ndarray | float:
    r"""Fraction of :math:`\{0,1\}^n` within Hamming distance ``radius`` of a point.

    .. math:: p(n, d) = P\bigl(\mathrm{Bin}(n, \tfrac12) \le d\bigr)

    the probability that a hard location with a uniformly random address is activated
    by a write or a read (Kanerva, *Sparse Distributed Memory*, 1988, ch. 3).

    Parameters
    ----------
    n_bits : int
        Address length ``n``, in ``[1, MAX_BITS]``.
    radius : int or array_like of int
        Hamming radius ``d``, each in ``[0, n_bits]``.

    Returns
    -------
    float or ndarray
        ``p``, of the shape of ``radius`` (exact binomial tail, ``scipy.stats.binom``).

    Examples
    --------
    >>> round(float(hamming_ball_probability(1000, 451)), 5)
    0.00107
    """
    n = _n_bits(n_bits)
    d = _int_array("radius", radius, 0, n)
    return scalar_or_array(np.asarray(binom.cdf(d, n, 0.5), dtype=float))


def optimal_activation_probability(n_patterns, n_locations) -> float:
    r"""Return the activation probability that maximises the read's signal-to-noise ratio.

    .. math:: p^* = (2 m r)^{-1/3}

    for ``m`` stored random patterns and ``r`` hard locations (Kanerva, 1988; the
    ``optimal_p_and_ham`` of Bricken and Pehlevan, NeurIPS 2021, arXiv:2111.05498).

    Parameters
    ----------
    n_patterns : float
        ``m``, >= 1 (a count; a float such as ``1e4`` is accepted).
    n_locations : float
        ``r``, >= 1.

    Returns
    -------
    float

    Examples
    --------
    >>> round(optimal_activation_probability(1e4, 1e6), 7)
    0.0003684
    """
    m = check_real("n_patterns", n_patterns, minimum=1.0)
    r = check_real("n_locations", n_locations, minimum=1.0)
    return float((2.0 * m * r) ** (-1.0 / 3.0))


def radius_for_probability(n_bits: int, probability) -> int:
    r"""Return the smallest radius whose Hamming ball holds a fraction ``probability``.

    :math:`d = \min\{d : P(\mathrm{Bin}(n, \tfrac12) \le d) \ge p\}` (the binomial
    quantile, as ``space_frac_to_hamm_radius`` of Bricken and Pehlevan 2021).

    Parameters
    ----------
    n_bits : int
        ``n``, in ``[1, MAX_BITS]``.
    probability : float
        ``p``, in ``(0, 1]``.

    Returns
    -------
    int
    """
    n = _n_bits(n_bits)
    p = check_real("probability", probability, minimum=0.0, maximum=1.0, include_minimum=False)
    if p == 1.0:  # the whole space; the CDF reaches 1.0 in floating point before d = n
        return n
    d = int(binom.ppf(p, n, 0.5))
    # guard the quantile against a one-ulp miss of the CDF on either side
    while d > 0 and binom.cdf(d - 1, n, 0.5) >= p:
        d -= 1
    while d < n and binom.cdf(d, n, 0.5) < p:
        d += 1
    return d


def snr_optimal_radius(n_bits: int, n_patterns, n_locations) -> int:
    r"""Return the Hamming radius of the SNR-optimal activation probability.

    ``radius_for_probability(n_bits, optimal_activation_probability(m, r))``: the
    smallest ``d`` with :math:`p(n, d) \ge (2 m r)^{-1/3}` (Bricken and Pehlevan 2021,
    ``optimal_p_and_ham``). At ``n = 64``, ``r = 2**64``, ``m = 60000`` it is 10.

    Parameters
    ----------
    n_bits : int
        ``n``.
    n_patterns : float
        ``m``, >= 1.
    n_locations : float
        ``r``, >= 1.

    Returns
    -------
    int
    """
    return radius_for_probability(n_bits, optimal_activation_probability(n_patterns, n_locations))


def circle_intersection(n_bits: int, radius: int, distance) -> np.ndarray | float:
    r"""Fraction of :math:`\{0,1\}^n` within ``radius`` of two points ``distance`` apart.

    .. math::

        f_{n,d}(h) = \sum_{i=0}^{h} \mathrm{Bin}(i; h, \tfrac12)\;
                     P\bigl(\mathrm{Bin}(n-h, \tfrac12) \le d - \max(i, h - i)\bigr)

    which is :math:`2^{-n}\sum_i \binom{h}{i}\sum_{j \le d - \max(i,h-i)}\binom{n-h}{j}`
    written with binomial probabilities so that nothing overflows (derivation in the
    module docstring and ``docs/theory/sdm.md``; Kanerva 1988, app. B; Bricken and
    Pehlevan 2021, app. B). Times ``r`` it is the expected number of random hard
    locations activated by both a query and a key ``h`` apart. It equals
    :func:`hamming_ball_probability` at ``h = 0`` and vanishes for ``h > 2d``.

    Parameters
    ----------
    n_bits : int
        ``n``, in ``[1, MAX_BITS]``.
    radius : int
        ``d``, in ``[0, n_bits]``.
    distance : int or array_like of int
        Hamming distances ``h`` between the centres, each in ``[0, n_bits]``.

    Returns
    -------
    float or ndarray
        ``f``, of the shape of ``distance``.
    """
    n = _n_bits(n_bits)
    d = check_int("radius", radius, minimum=0, maximum=n)
    h = _int_array("distance", distance, 0, n)
    flat = h.ravel()
    out = np.zeros(flat.shape, dtype=float)
    i = np.arange(n + 1)
    rows = max(1, _BLOCK // (n + 1))
    for start in range(0, flat.size, rows):
        hb = flat[start : start + rows, None]
        inside = i[None, :] <= hb
        weight = np.where(inside, binom.pmf(i[None, :], hb, 0.5), 0.0)
        room = d - np.maximum(i[None, :], hb - i[None, :])
        tail = np.where(inside & (room >= 0), binom.cdf(room, n - hb, 0.5), 0.0)
        out[start : start + rows] = np.sum(weight * tail, axis=1)
    return scalar_or_array(out.reshape(h.shape))


class BetaFit(NamedTuple):
    """The log-linear fit :math:`\\ln f(h) \\approx b + \\beta x`, :math:`x = 1 - 2h/n`."""

    #: Inverse temperature :math:`\beta` of the softmax that approximates the SDM read.
    beta: float
    #: Intercept :math:`b` (log of the fitted intersection at ``x = 0``).
    bias: float
    #: Distances ``h`` used in the fit (those with a non-zero intersection).
    distances: np.ndarray


def fit_beta_regression(n_bits: int, radius: int, distances=None) -> BetaFit:
    r"""Fit :math:`f_{n,d}(h) \approx \exp(b + \beta x)` with :math:`x = 1 - 2h/n`.

    Ordinary (unweighted) least squares of :math:`\ln f_{n,d}(h)` on the cosine
    :math:`x` over the given distances where the exact intersection
    (:func:`circle_intersection`) is non-zero, i.e. ``h <= 2d``, each distance counted
    once: the closed-form slope :math:`\beta = \mathrm{cov}(x, y) / \mathrm{var}(x)`
    and :math:`b = \bar y - \beta \bar x`. This is the log-linear regression of
    Bricken and Pehlevan (NeurIPS 2021, arXiv:2111.05498; ``fit_beta_regression`` of
    their code), with one difference: their code divides a sample covariance
    (``ddof = 1``) by a population variance (``ddof = 0``), which makes their
    :math:`\beta` larger than the least-squares slope by ``k / (k - 1)`` for ``k``
    fitted distances; here both use ``ddof = 0``.

    Parameters
    ----------
    n_bits : int
        ``n``, in ``[2, MAX_BITS]``.
    radius : int
        ``d``, in ``[0, n_bits]``.
    distances : array_like of int, optional
        The distances ``h`` to fit over (default: all, ``0 .. n``); at least two of
        them must have a non-zero intersection.

    Returns
    -------
    BetaFit
        ``(beta, bias, distances)``.
    """
    n = check_int("n_bits", n_bits, minimum=2, maximum=MAX_BITS)
    d = check_int("radius", radius, minimum=0, maximum=n)
    h = np.arange(n + 1) if distances is None else _int_array("distances", distances, 0, n)
    h = np.unique(h.ravel())
    f = np.asarray(circle_intersection(n, d, h), dtype=float)
    keep = f > 0
    if int(keep.sum()) < 2:
        raise ValueError(
            f"distances must include at least two values <= 2 * radius = {2 * d} "
            f"(where the intersection is non-zero), got {int(keep.sum())}"
        )
    h, f = h[keep], f[keep]
    x = 1.0 - 2.0 * h / n
    y = np.log(f)
    dx = x - x.mean()
    beta = float(np.sum(dx * (y - y.mean())) / np.sum(dx * dx))
    return BetaFit(beta=beta, bias=float(y.mean() - beta * x.mean()), distances=h)
