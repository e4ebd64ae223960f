r"""Deterministic Gaussian averages ``<fn(z)>_z`` that stay accurate at low temperature.

Contract
--------
Every replica-symmetric (RS) theory in :mod:`hebbian.theory` averages over a standard
normal variable with the measure

.. math::

    Dz = \frac{e^{-z^2/2}}{\sqrt{2\pi}}\,dz ,

and does so only through this module, so that all models share one ``Dz``: either
:func:`gaussian_average` (any integrand) or, inside a solver's hot loop,
:func:`field_rule_groups` (the nodes and weights of the kink-adapted rule for fields
``beta (mean + std z)``, one rule per point, grouped by size). The functions here are
pure, deterministic and vectorised: parameters broadcast like NumPy arrays, and the
quadrature nodes live on a trailing axis of length ``n_nodes``.

Why not Gauss-Hermite
---------------------
Typical integrands are ``tanh(beta h)``, ``tanh^2``, ``sech^2`` and ``ln 2cosh(beta h)``
with ``h = mean + std * z``. At low temperature they change over a width ``T / std`` in
``z`` around the *kink* ``z0 = -mean / std`` (their complex poles sit a distance
``pi T / (2 std)`` from the real axis). A fixed Gauss-Hermite rule with about 160
nodes cannot resolve that: in the Hopfield model it produces a spurious crossing of
the retrieval and spin-glass free energies near T = 0.13 for alpha >= 0.06, where
Amit, Gutfreund and Sompolinsky (Ann. Phys. 173, 30 (1987)) find none. The project's
note ``docs/theory/hopfield_numerics.md`` records the failure and the choice of rule.

The rule used here
------------------
A trapezoid rule with unit steps in a mapped variable ``t`` (``t`` integer):

.. math::

    z(t) = z_0 + a c\,\operatorname{asinh}\Bigl(\frac{w}{a}\sinh\frac{t}{c}\Bigr),\qquad
    z'(t) = \frac{w\cosh(t/c)}{\sqrt{1 + (w/a)^2\sinh^2(t/c)}} .

The node spacing in ``z`` is ``w`` at the kink ``z0``, grows like ``w cosh(t/c)`` (a
sinh map, as in double-exponential quadrature) and saturates at ``a`` in the Gaussian
bulk; ``z(t) - z0`` is computed without cancellation, so the rule works for kink widths
down to ``1e-12``. The map is analytic in the strip ``|Im t| < pi c / 2``, so the
trapezoid rule converges exponentially (error ~ ``exp(-2 pi d)`` for an integrand
analytic in a strip of half-width ``d``). Constants: bulk spacing ``a = 0.5`` (error
for the Gaussian alone ~ ``exp(-2 pi^2 / a^2)``), ``c = 8``, and
``w = min(pi * scale / 12, a / 3)``, which maps the nearest pole of
``tanh((z - z0) / scale)`` (at ``z0 + i pi scale / 2``) to ``|Im t| ~ 6.8``
(error ~ ``exp(-2 pi 6.8) ~ 3e-19``). The domain is truncated to ``|z| <= 9``
(Gaussian mass outside: 2e-19) and the weights are renormalised to sum to one, so
constants are averaged exactly.

Accuracy achieved (against ``scipy.integrate.quad`` split at the kink and at
``kink +- (1, 3, 10, 30, 100, 300) * scale``; ``tests/test_theory_hopfield.py``):
absolute error <= 2e-15 for ``tanh``, ``tanh^2``, ``sech^2`` and ``T ln 2cosh(h / T)``
of ``h = m + s z`` over ``T`` in [1e-6, 1.5], ``s`` in [0.05, 3], ``m`` in [0, 2], and
agreement with the ``T -> 0`` step-function limit to 1e-15 for ``T / s`` down to 1e-9.
Node counts (kink at the edge / at the centre of the domain): 46-55 at high
temperature, 80-121 at ``T / s = 1e-2``, 99-161 at ``1e-3``, 154-271 at ``1e-6``,
208-379 at ``1e-9``. The kink spacing is quantised to ``(a/3) 2^(-j/4)`` (rounded
down) so that the node offsets are tabulated once; building a rule costs one ``exp``
per node. A uniform trapezoid rule (:func:`uniform_rule`) is
provided as an independent reference; it needs a spacing of about ``T / (4 s)`` for
the same accuracy, i.e. thousands of nodes at low temperature.

References
----------
Amit, Gutfreund and Sompolinsky, Ann. Phys. 173, 30 (1987) (the averages).
Trefethen and Weideman, SIAM Review 56, 385 (2014) (trapezoid rule convergence).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from hebbian.theory._core import as_real_array, log2cosh

__all__ = [
    "FieldAverages",
    "GaussianRule",
    "field_averages",
    "field_rule_groups",
    "gaussian_average",
    "kink_rule",
    "mean_log2cosh_over_beta",
    "uniform_rule",
]

#: Half-width of the truncated z domain (Gaussian mass outside: 2.3e-19).
HALF_WIDTH = 9.0
#: Node spacing in z in the Gaussian bulk.
BULK_SPACING = 0.5
#: Growth scale (in unit steps of t) of the spacing around the kink.
GROWTH_SCALE = 8.0
#: Kink spacing w = pi * scale / (2 * POLE_DISTANCE): nearest pole at ``Im t ~ 6.8``.
POLE_DISTANCE = 6.0
#: Smallest kink scale accepted (in z units); smaller values are clipped to it.
MIN_SCALE = 1e-12


@dataclass(frozen=True)
class GaussianRule:
    """A quadrature rule for the standard normal measure, possibly one per point.

    Parameters
    ----------
    nodes : (..., n_nodes) ndarray
        Values of ``z``; the leading axes index independent averages.
    weights : (..., n_nodes) ndarray
        Non-negative weights, summing to one along the last axis.

    Notes
    -----
    ``rule.average(values)`` returns ``sum(values * weights, axis=-1)``, where
    ``values`` broadcasts against ``nodes``.
    """

    nodes: np.ndarray
    weights: np.ndarray

    def average(self, values: np.ndarray) -> np.ndarray:
        """Return ``<values>_z`` along the node axis.

        Parameters
        ----------
        values : (..., n_nodes) array_like
            Integrand evaluated at :attr:`nodes`.

        Returns
        -------
        ndarray
            Shape ``broadcast(values, weights).shape[:-1]``.
        """
        return np.sum(np.asarray(values) * self.weights, axis=-1)


def uniform_rule(*, n_nodes: int = 8001, half_width: float = 10.0) -> GaussianRule:
    """Uniform trapezoid rule on ``[-half_width, half_width]`` for ``Dz``.

    A reference rule, independent of the kink-adapted one. For an integrand analytic
    within distance ``d`` of the real axis the error is about ``exp(-2 pi d / dz)``
    with ``dz = 2 half_width / (n_nodes - 1)``: ``n_nodes = 8001`` resolves
    ``tanh(beta(m + s z))`` to ~1e-13 down to ``T / s ~ 0.01``.

    Parameters
    ----------
    n_nodes : int, optional
        Number of nodes, at least 3.
    half_width : float, optional
        Truncation of the domain, positive.

    Returns
    -------
    GaussianRule
        Nodes of shape ``(n_nodes,)``.

    Raises
    ------
    ValueError
        If ``n_nodes < 3`` or ``half_width <= 0``.
    """
    if int(n_nodes) != n_nodes or n_nodes < 3:
        raise ValueError(f"n_nodes must be an integer >= 3, got {n_nodes!r}")
    if not half_width > 0:
        raise ValueError(f"half_width must be > 0, got {half_width!r}")
    z = np.linspace(-half_width, half_width, int(n_nodes))
    w = np.exp(-0.5 * z * z)
    w[0] *= 0.5
    w[-1] *= 0.5
    return GaussianRule(nodes=z, weights=w / w.sum())


#: The kink spacing is quantised to ``(a / 3) * 2 ** (-j / 4)``, rounding down (denser
#: than required, never coarser), so that node offsets can be tabulated once.
_LEVELS_PER_OCTAVE = 4


def _kink_level(scale: np.ndarray) -> np.ndarray:
    """Quantisation level ``j >= 0`` of the kink spacing ``w = pi scale / 12 <= a / 3``."""
    w = np.pi * np.maximum(scale, MIN_SCALE) / (2.0 * POLE_DISTANCE)
    level = np.ceil(-_LEVELS_PER_OCTAVE * np.log2(w / (BULK_SPACING / 3.0)) - 1e-9)
    return np.maximum(level, 0.0).astype(np.intp)


def _level_ratio(level: np.ndarray | int) -> np.ndarray:
    """``w / a`` of a quantisation level."""
    return (1.0 / 3.0) * 2.0 ** (-np.asarray(level, dtype=float) / _LEVELS_PER_OCTAVE)


@functools.lru_cache(maxsize=1)
def _offset_tables() -> tuple[np.ndarray, np.ndarray, int]:
    """Tabulated ``z(t) - z0`` and ``z'(t)`` for every level and integer ``t``.

    Rows cover ``t`` in ``[-t_max, 3 t_max]`` with ``t_max`` the largest half-range any
    point can need, so that every node window of :func:`_kink_nodes_weights` fits.
    """
    a, c, L = BULK_SPACING, GROWTH_SCALE, HALF_WIDTH
    n_levels = int(_kink_level(np.asarray(MIN_SCALE))) + 1
    ratio = _level_ratio(np.arange(n_levels))[:, None]
    t_max = int(np.ceil(c * np.arcsinh(np.sinh(2.0 * L / (a * c)) / ratio.min()))) + 1
    u = np.arange(-t_max, 3 * t_max + 1, dtype=float) / c
    arg = ratio * np.sinh(u)
    offsets = (a * c) * np.arcsinh(arg)
    slopes = a * ratio * np.cosh(u) / np.sqrt(1.0 + arg * arg)
    return offsets, slopes, t_max


def _kink_t_range(center: np.ndarray, scale: np.ndarray) -> tuple[np.ndarray, ...]:
    """Clipped centre, level and the integer range ``[t_lo, t_hi]`` covering ``|z| <= 9``."""
    a, c, L = BULK_SPACING, GROWTH_SCALE, HALF_WIDTH
    z0 = np.clip(center, -L, L)
    level = _kink_level(scale)
    ratio = _level_ratio(level)  # w / a in (0, 1/3]
    # inverse map t(z) = c asinh(sinh((z - z0) / (a c)) / ratio) at the ends of the domain
    t_lo = -np.ceil(c * np.arcsinh(np.sinh((L + z0) / (a * c)) / ratio))
    t_hi = np.ceil(c * np.arcsinh(np.sinh((L - z0) / (a * c)) / ratio))
    return z0, level, t_lo.astype(np.intp), t_hi.astype(np.intp)


def _kink_node_counts(center: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Return the number of nodes each point of :func:`kink_rule` needs."""
    _, _, t_lo, t_hi = _kink_t_range(center, scale)
    return t_hi - t_lo + 1


def _kink_nodes_weights(center: np.ndarray, scale: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and normalised weights of :func:`kink_rule` (no validation; hot path).

    All points share the largest node count; nodes past ``|z| = 9`` of the points that
    need fewer get weights that underflow to zero. Costs one ``exp`` per node.
    """
    offsets, slopes, t_max = _offset_tables()
    z0, level, t_lo, t_hi = _kink_t_range(center, scale)
    n_nodes = int(np.max(t_hi - t_lo, initial=0)) + 1
    width = offsets.shape[1]
    idx = (level * width + (t_lo + t_max))[..., None] + np.arange(n_nodes)
    z = z0[..., None] + np.take(offsets, idx)
    w = np.take(slopes, idx) * np.exp(-0.5 * z * z)
    w /= np.sum(w, axis=-1, keepdims=True)
    return z, w


def field_rule_groups(
    mean: np.ndarray, std: np.ndarray, beta: np.ndarray
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Yield ``(index, z, w, x)`` with ``x = beta (mean + std z)`` on the kink rule of each point.

    The hot-loop form of :func:`gaussian_average` for a solver: ``<g(x)>_z`` of point
    ``index[i]`` is ``sum(w[i] * g(x[i]))``. The rule of each point is refined at the
    kink ``z = -mean / std`` with width ``1 / (beta std)`` (``std = 0`` gives the bulk
    rule). Points are grouped by the number of nodes they need (up to four groups of
    similar size), so that high-temperature points do not pay for the node count of
    the low-temperature ones. No validation (hot path).

    Parameters
    ----------
    mean, std, beta : (n,) ndarray
        Flat arrays: mean and standard deviation (``>= 0``) of the field, inverse
        temperature (``> 0``).

    Yields
    ------
    index : (n_g,) ndarray of int
        The points of the group.
    z, w : (n_g, n_nodes) ndarray
        Nodes and weights (each row sums to one).
    x : (n_g, n_nodes) ndarray
        ``beta (mean + std z)`` at the nodes.
    """
    pos = std > 0
    s_safe = np.where(pos, std, 1.0)
    center = np.where(pos, -mean / s_safe, -np.inf)
    scale = np.where(pos, 1.0 / (beta * s_safe), np.inf)
    n = mean.size
    n_groups = int(min(4, max(1, n // 256)))
    if n_groups == 1:
        groups = [np.arange(n)]
    else:
        order = np.argsort(_kink_node_counts(center, scale), kind="stable")
        groups = np.array_split(order, n_groups)
    for g in groups:
        z, w = _kink_nodes_weights(center[g], scale[g])
        x = beta[g, None] * (mean[g, None] + std[g, None] * z)
        yield g, z, w, x


@dataclass
class FieldAverages:
    """Averages over ``z`` of functions of ``x = beta (mean + std z)`` (one entry per point).

    The integrands of every RS equation with one Gaussian field and their derivatives
    (``d/d mean`` and, through Stein's lemma, ``d/d std``) of the Hopfield and dense
    models.
    """

    t: np.ndarray  # <tanh x>
    tt: np.ndarray  # <tanh^2 x>
    u: np.ndarray  # <sech^2 x>
    tu: np.ndarray  # <tanh x sech^2 x>
    zu: np.ndarray  # <z sech^2 x>
    ztu: np.ndarray  # <z tanh x sech^2 x>


def field_averages(mean: np.ndarray, std: np.ndarray, beta: np.ndarray) -> FieldAverages:
    """Return :class:`FieldAverages` on the kink rule of each point (hot path, no checks).

    ``sech^2`` is formed as ``4 e / (1 + e)^2`` with ``e = exp(-2|x|)``, without the
    cancellation of ``1 - tanh^2``.

    Parameters
    ----------
    mean, std, beta : (n,) ndarray
        As in :func:`field_rule_groups`.
    """
    out = np.empty((6, mean.size))
    for g, z, w, x in field_rule_groups(mean, std, beta):
        e = np.exp(-2.0 * np.abs(x))
        inv = 1.0 / (1.0 + e)
        t = np.copysign((1.0 - e) * inv, x)  # tanh x
        wu = (4.0 * w) * e * inv * inv  # w sech^2 x, without cancellation
        wt = w * t
        wtu = wu * t
        out[0, g] = np.sum(wt, axis=1)
        out[1, g] = np.sum(wt * t, axis=1)
        out[2, g] = np.sum(wu, axis=1)
        out[3, g] = np.sum(wtu, axis=1)
        out[4, g] = np.sum(wu * z, axis=1)
        out[5, g] = np.sum(wtu * z, axis=1)
    return FieldAverages(*out)


def mean_log2cosh_over_beta(mean: np.ndarray, std: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """``(1/beta) <ln 2cosh beta (mean + std z)>_z`` for each point (hot path, no checks)."""
    out = np.empty(mean.size)
    for g, _, w, x in field_rule_groups(mean, std, beta):
        out[g] = np.sum(w * log2cosh(x), axis=1) / beta[g]
    return out


def kink_rule(center: np.ndarray | float, *, scale: np.ndarray | float) -> GaussianRule:
    """Kink-adapted trapezoid rule for ``Dz``, one rule per broadcast point.

    Nodes are dense (spacing ``min(pi scale / 12, 1 / 6)``) around ``z = center`` and
    coarsen smoothly to spacing 0.5 in the Gaussian bulk; see the module docstring for the
    map and the accuracy. Use it for integrands such as ``tanh((z - center) / scale)``.

    Parameters
    ----------
    center : array_like
        Position of the kink in ``z`` units; clipped to ``[-9, 9]`` (a kink outside
        the domain needs no refinement). ``-inf``/``inf`` are allowed.
    scale : array_like
        Width of the kink in ``z`` units, ``> 0`` (``T / std`` for a function of
        ``(mean + std z) / T``); ``inf`` gives the plain bulk rule. Values below
        ``1e-12`` are clipped.

    Returns
    -------
    GaussianRule
        ``nodes`` and ``weights`` of shape ``broadcast(center, scale).shape + (n_nodes,)``;
        ``n_nodes`` is the largest node count needed by any point.

    Raises
    ------
    ValueError
        If ``scale`` is not positive or ``center`` is nan.
    """
    center = np.asarray(center, dtype=float)
    scale = np.asarray(scale, dtype=float)
    if np.any(~(scale > 0)):
        raise ValueError(f"scale must be > 0 (nan not allowed), got min {np.min(scale)!r}")
    if np.any(np.isnan(center)):
        raise ValueError("center must not be nan")
    center, scale = np.broadcast_arrays(center, scale)
    z, w = _kink_nodes_weights(center, scale)
    return GaussianRule(nodes=z, weights=w)


def gaussian_average(
    fn: Callable[[np.ndarray], np.ndarray],
    *,
    mean: np.ndarray | float = 0.0,
    std: np.ndarray | float = 1.0,
    temperature: np.ndarray | float | None = None,
) -> np.ndarray:
    r"""Average ``fn(h)`` over ``h = mean + std * z`` with ``z`` standard normal.

    .. math::

        \langle fn \rangle = \int Dz\; fn(\mathrm{mean} + \mathrm{std}\, z),
        \qquad Dz = e^{-z^2/2} dz / \sqrt{2\pi}.

    Parameters
    ----------
    fn : callable
        Vectorised function of ``h``; called once with an array of shape
        ``broadcast(mean, std, temperature).shape + (n_nodes,)``.
    mean, std : array_like, optional
        Mean and standard deviation (``std >= 0``) of ``h``; broadcast together.
    temperature : array_like or None, optional
        If given (``> 0``), ``fn`` is assumed to vary on the scale ``temperature``
        around ``h = 0`` (e.g. ``tanh(h / T)``, ``T ln 2cosh(h / T)``) and the nodes
        are refined there (:func:`kink_rule` with ``center = -mean / std`` and
        ``scale = temperature / std``). If None, ``fn`` must be smooth on the
        scale of ``std`` (analytic within ``|Im z| ~ 3``) and the bulk rule (55 nodes)
        is used.

    Returns
    -------
    ndarray
        The averages, shape ``broadcast(mean, std, temperature).shape``.

    Raises
    ------
    ValueError
        If ``mean`` is not finite, ``std < 0``, ``temperature <= 0``, or either is
        not finite.

    Examples
    --------
    >>> import numpy as np
    >>> float(np.round(gaussian_average(lambda h: h**2, mean=1.0, std=2.0), 12))
    5.0
    """
    mean = as_real_array("mean", mean, minimum=-np.inf)
    std = as_real_array("std", std)
    if temperature is None:
        mean, std = np.broadcast_arrays(mean, std)
        rule = kink_rule(np.zeros(mean.shape), scale=np.full(mean.shape, np.inf))
    else:
        temperature = as_real_array("temperature", temperature, include_minimum=False)
        mean, std, temperature = np.broadcast_arrays(mean, std, temperature)
        with np.errstate(divide="ignore", invalid="ignore"):
            center = np.where(std > 0, -mean / np.where(std > 0, std, 1.0), -np.inf)
            scale = np.where(std > 0, temperature / np.where(std > 0, std, 1.0), np.inf)
        rule = kink_rule(center, scale=scale)
    h = mean[..., None] + std[..., None] * rule.nodes
    return rule.average(fn(h))
