r"""Deterministic Gaussian averages ``<fn(z)>_z`` that stay accurate at low temperature.

Contract
--------
Every replica-symmetric (RS) theory in :mod:`hebbian.theory` averages over a standard
normal variable with the measure

.. math::

    Dz = \frac{e^{-z^2/2}}{\sqrt{2\pi}}\,dz ,

and does so only through this module, so that all models share one ``Dz``.
The functions here are pure, deterministic and vectorised: parameters broadcast like
NumPy arrays, and the quadrature nodes live on a trailing axis of length ``K``.

Why not Gauss-Hermite
---------------------
Typical integrands are ``tanh(beta h)``, ``tanh^2``, ``sech^2`` and ``ln 2cosh(beta h)``
with ``h = mean + std * z``. At low temperature they change over a width ``T / std`` in
``z`` around the *kink* ``z0 = -mean / std`` (their complex poles sit a distance
``pi T / (2 std)`` from the real axis). A fixed Gauss-Hermite rule with about 160
nodes cannot resolve that and produced a spurious T_c crossing near T = 0.13 for
alpha >= 0.06 (THEORY.md, Part A, numerics notes).

The rule used here
------------------
A trapezoid rule in a mapped variable ``t`` (unit steps, ``t`` integer):

.. math::

    z(t) = z_0 + a\Bigl[t - c\,\kappa\,F(t/c)\Bigr],\qquad
    z'(t) = \frac{a}{1 + \kappa\,\mathrm{sech}(t/c)},\qquad
    F(u) = \frac{2}{\sqrt{\kappa^2-1}}\,
           \operatorname{artanh}\Bigl(\sqrt{\tfrac{\kappa-1}{\kappa+1}}\tanh\tfrac{u}{2}\Bigr),

with ``kappa = a / w - 1``. The node spacing in ``z`` is ``w`` at the kink, grows like
``w cosh(t/c)`` (a sinh map, as in double-exponential quadrature) and saturates at
``a`` in the Gaussian bulk. The map is analytic in a strip around the real ``t`` axis,
so the trapezoid rule converges exponentially (error ~ ``exp(-2 pi d)`` for a strip
of half-width ``d``). Constants: ``a = 0.5`` (Gaussian bulk: error ~ ``exp(-2 pi^2 /
a^2)``, negligible), ``c = 8``, and ``w = pi * scale / 12`` so that the nearest pole of
``tanh((z - z0) / scale)`` maps to ``|Im t| ~ 6`` (error ~ ``exp(-2 pi 6) ~ 4e-17``).
The domain is truncated to ``|z| <= 9`` (Gaussian mass outside: 2e-19) and the weights
are renormalised to sum to one, so constants are averaged exactly.

Accuracy achieved (checked against ``scipy.integrate.quad`` with a breakpoint at the
kink, see ``tests/test_theory_hopfield.py``): absolute error below ``1e-13`` for
``tanh``, ``tanh^2``, ``sech^2`` and ``T ln 2cosh(h / T)`` for ``1e-6 <= T / std``, any
kink position, with about ``2 * 9 / a + 2 c ln(2 a / w)`` nodes (80 nodes at high
temperature, 170 at ``T / std = 1e-3``, 280 at ``1e-6``). A uniform trapezoid rule
on ``[-10, 10]`` (:func:`uniform_rule`) is provided as an independent reference; it
needs spacing ``~ T / std / 4`` for the same accuracy (thousands of nodes at low T).

References
----------
Amit, Gutfreund and Sompolinsky, Ann. Phys. 173, 30 (1987) (the averages).
Trefethen and Weideman, SIAM Review 56, 385 (2014) (trapezoid rule convergence).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["GaussianRule", "gaussian_average", "kink_rule", "uniform_rule"]

#: Half-width of the truncated z domain (Gaussian mass outside: 2.3e-19).
HALF_WIDTH = 9.0
#: Node spacing in z in the Gaussian bulk.
BULK_SPACING = 0.5
#: Growth scale (in unit steps of t) of the spacing around the kink.
GROWTH_SCALE = 8.0
#: Target distance (in unit steps of t) of the nearest pole of the integrand.
POLE_DISTANCE = 6.0
#: Smallest kink scale accepted (in z units); smaller values are clipped to it.
MIN_SCALE = 1e-12



@dataclass(frozen=True)
class GaussianRule:
    """A quadrature rule for the standard normal measure, possibly one per point.

    Parameters
    ----------
    nodes : (..., K) ndarray
        Values of ``z``; the leading axes index independent averages.
    weights : (..., K) ndarray
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
        values : (..., K) array_like
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


def _map_constants(scale: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``kappa``, ``rho`` and the asymptotic shift ``S`` of the sinh-saturating map."""
    w = np.pi * np.maximum(scale, MIN_SCALE) / (2.0 * POLE_DISTANCE)
    w = np.minimum(w, BULK_SPACING / 3.0)
    kappa = BULK_SPACING / w - 1.0  # >= 2
    root = np.sqrt(kappa * kappa - 1.0)
    rho = np.sqrt((kappa - 1.0) / (kappa + 1.0))
    shift = GROWTH_SCALE * kappa * 2.0 / root * np.arctanh(rho)
    return kappa, rho, shift


def _kink_nodes_weights(center: np.ndarray, scale: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and normalised weights of :func:`kink_rule` (no validation; hot path)."""
    z0 = np.clip(center, -HALF_WIDTH, HALF_WIDTH)
    kappa, rho, shift = _map_constants(scale)
    a, c, L = BULK_SPACING, GROWTH_SCALE, HALF_WIDTH
    t_lo = np.floor(-((L + z0) / a + shift))
    t_hi = np.ceil((L - z0) / a + shift)
    n_nodes = int(np.max(t_hi - t_lo, initial=0.0)) + 1
    # t is integer valued: tabulate tanh(t / 2c) and sech(t / c) once per call
    t_min = float(np.min(t_lo, initial=0.0))
    grid = t_min + np.arange(int(np.max(t_lo, initial=0.0) - t_min) + n_nodes, dtype=float)
    idx = (t_lo - t_min).astype(np.intp)[..., None] + np.arange(n_nodes)
    t = grid[idx]
    tanh_half = np.tanh(0.5 * grid / c)[idx]
    one_minus_tanh = (2.0 / (1.0 + np.exp(grid / c)))[idx]
    sech = (1.0 / np.cosh(grid / c))[idx]
    kap = kappa[..., None]
    rh = rho[..., None]
    x = rh * tanh_half
    # 1 - x without cancellation: (1 - rho) + rho (1 - tanh)
    one_minus_x = 2.0 / ((kap + 1.0) * (1.0 + rh)) + rh * one_minus_tanh
    big_f = np.log((1.0 + x) / one_minus_x) / np.sqrt(kap * kap - 1.0)
    z = z0[..., None] + a * (t - c * kap * big_f)
    w = (a / (1.0 + kap * sech)) * np.exp(-0.5 * z * z)
    w /= np.sum(w, axis=-1, keepdims=True)
    return z, w


def kink_rule(center: np.ndarray | float, *, scale: np.ndarray | float) -> GaussianRule:
    """Kink-adapted trapezoid rule for ``Dz``, one rule per broadcast point.

    Nodes are dense (spacing ``~ pi scale / 12``) around ``z = center`` and coarsen
    smoothly to spacing 0.5 in the Gaussian bulk; see the module docstring for the
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
        ``nodes`` and ``weights`` of shape ``broadcast(center, scale).shape + (K,)``;
        ``K`` is the largest node count needed by any point.

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
        ``broadcast(mean, std, temperature).shape + (K,)``.
    mean, std : array_like, optional
        Mean and standard deviation (``std >= 0``) of ``h``; broadcast together.
    temperature : array_like or None, optional
        If given (``> 0``), ``fn`` is assumed to vary on the scale ``temperature``
        around ``h = 0`` (e.g. ``tanh(h / T)``, ``T ln 2cosh(h / T)``) and the nodes
        are refined there (:func:`kink_rule` with ``center = -mean / std`` and
        ``scale = temperature / std``). If None, ``fn`` must be smooth on the
        scale of ``std`` and the bulk rule (about 40 nodes) is used.

    Returns
    -------
    ndarray
        The averages, shape ``broadcast(mean, std, temperature).shape``.

    Raises
    ------
    ValueError
        If ``std < 0`` or ``temperature <= 0``.

    Examples
    --------
    >>> import numpy as np
    >>> float(np.round(gaussian_average(lambda h: h**2, mean=1.0, std=2.0), 12))
    5.0
    """
    mean = np.asarray(mean, dtype=float)
    std = np.asarray(std, dtype=float)
    if np.any(~(std >= 0)):
        raise ValueError(f"std must be >= 0, got min {np.min(std)!r}")
    if temperature is None:
        mean, std = np.broadcast_arrays(mean, std)
        rule = kink_rule(np.zeros(mean.shape), scale=np.full(mean.shape, np.inf))
    else:
        temperature = np.asarray(temperature, dtype=float)
        if np.any(~(temperature > 0)):
            raise ValueError(f"temperature must be > 0, got min {np.min(temperature)!r}")
        mean, std, temperature = np.broadcast_arrays(mean, std, temperature)
        with np.errstate(divide="ignore", invalid="ignore"):
            center = np.where(std > 0, -mean / np.where(std > 0, std, 1.0), -np.inf)
            scale = np.where(std > 0, temperature / np.where(std > 0, std, 1.0), np.inf)
        rule = kink_rule(center, scale=scale)
    h = mean[..., None] + std[..., None] * rule.nodes
    return rule.average(fn(h))
