r"""Optimal storage: Gardner's capacity of a perceptron, and reference capacities of rules.

Gardner's volume (E. Gardner, J. Phys. A 21, 257 (1988); Gardner and Derrida, J. Phys.
A 21, 271 (1988)). A neuron ``i`` with couplings :math:`J_{ij}`, normalized by
:math:`\sum_j J_{ij}^2 = N`, stores ``K = alpha N`` patterns with stability ``kappa``
when every pattern has

.. math::

    \gamma^\mu = \frac{\xi^\mu_i}{\sqrt N} \sum_{j} J_{ij}\xi^\mu_j \;\ge\; \kappa .

The fraction of coupling space that does so vanishes for large ``N`` above the critical
load. For unbiased patterns

.. math::

    \alpha_c(\kappa)^{-1} = \int_{-\kappa}^{\infty} Dt\, (t + \kappa)^2
                       = (1 + \kappa^2)\,\Phi(\kappa) + \kappa\,\varphi(\kappa),

``Dt`` the standard Gaussian measure, :math:`\Phi` its distribution function and
:math:`\varphi` its density: :math:`\alpha_c(0) = 2` (Cover's count of dichotomies).

Biased patterns, :math:`P(\xi = \pm 1) = (1 \pm m)/2`, magnetization ``m``: the field
:math:`h = \sum_j J_{ij}\xi_j/\sqrt N` is the mean part :math:`mM`, with the coupling
sum :math:`M = \sum_j J_{ij}/\sqrt N` free to choose, plus a Gaussian part of variance
:math:`1 - m^2`. In units of its width the stability condition asks for
:math:`k = \kappa/\sqrt{1-m^2}`, shifted by :math:`\mp v`, :math:`v = mM/\sqrt{1-m^2}`,
on the sites with :math:`\xi_i = \pm 1`, and Gardner's saddle point over ``M`` gives

.. math::

    \alpha_c(\kappa, m)^{-1} = \min_v \Big[\tfrac{1+m}{2}\,G(k + v)
                              + \tfrac{1-m}{2}\,G(k - v)\Big],
    \qquad k = \frac{\kappa}{\sqrt{1 - m^2}},
    \qquad G(a) = \int_{-a}^{\infty} Dt\,(t + a)^2 ,

whose minimum lies where :math:`\frac{1+m}{2} G'(k+v) = \frac{1-m}{2} G'(k-v)`
(``G`` is convex, so the minimum is unique). At ``m = 0`` it is ``v = 0`` and the
unbiased formula. MinOver on biased patterns (no threshold: the coupling sum plays its
part) reaches this stability (``tests/test_learning.py``).

As :math:`m \to 1` (``kappa = 0``) the capacity grows like
:math:`\alpha_c \simeq -1/[(1-m)\ln(1-m)]` (Gardner 1988), approached with logarithmic
corrections: with :math:`\epsilon = 1 - m` and :math:`u = -v`,
:math:`\alpha_c = 2/[\epsilon (u^2 + 3)] (1 + o(1))` where
:math:`u^2 = 2\ln(1/\epsilon) - 3\ln u^2 - \ln(\pi/2) + o(1)`
(``docs/theory/gardner.md`` derives both).

Reference capacities of the rules (the measure each one uses is named):

* Hebb, every pattern a fixed point with high probability: :math:`K \approx N/(2\ln N)`;
  all patterns at once: :math:`N/(4\ln N)` (McEliece, Posner, Rodemich, Venkatesh, IEEE
  Trans. Inf. Theory 33, 461 (1987));
* Storkey's rule, absolute capacity :math:`K \approx N/\sqrt{2\ln N}` (Storkey, ICANN
  1997);
* pseudo-inverse: every set of linearly independent patterns is stored for
  :math:`\alpha < 1`; its spin-glass state is degenerate with the patterns at
  :math:`\alpha_g = 1 - 2/\pi` (Kanter and Sompolinsky, Phys. Rev. A 35, 380 (1987));
* binary couplings :math:`J_{ij} = \pm 1`: :math:`\alpha_c = 0.833` (Krauth and Mezard,
  J. Phys. France 50, 3057 (1989)).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq
from scipy.special import betainc, ndtr

from hebbian.theory._core import as_real_array, broadcast_flat, scalar_or_array

__all__ = [
    "BINARY_COUPLINGS_CAPACITY",
    "MAX_STABILITY",
    "PSEUDO_INVERSE_CAPACITY",
    "PSEUDO_INVERSE_SPIN_GLASS_LOAD",
    "gardner_capacity",
    "hebb_fixed_point_probability",
    "mceliece_capacity",
    "optimal_stability",
    "projection_one_flip_overlap",
    "storkey_capacity",
]

#: Largest stability ``|kappa|`` accepted (``alpha_c(10) = 0.0098``, ``alpha_c(-10)`` is
#: of order ``10^22``).
MAX_STABILITY = 10.0
#: Largest load accepted by :func:`optimal_stability`, the capacity at ``kappa = -3``.
_MAX_LOAD_STABILITY = -3.0

#: Pseudo-inverse rule: every linearly independent set of ``K < N`` patterns is stored
#: (Kanter and Sompolinsky, Phys. Rev. A 35, 380 (1987)).
PSEUDO_INVERSE_CAPACITY = 1.0
#: Pseudo-inverse rule: the load where its spin-glass state becomes degenerate with the
#: patterns, :math:`1 - 2/\pi` (Kanter and Sompolinsky 1987).
PSEUDO_INVERSE_SPIN_GLASS_LOAD = 1.0 - 2.0 / math.pi
#: Capacity of a perceptron with couplings :math:`\pm 1`, unbiased patterns,
#: ``kappa = 0`` (Krauth and Mezard, J. Phys. France 50, 3057 (1989)).
BINARY_COUPLINGS_CAPACITY = 0.833

_SQRT_2PI = math.sqrt(2.0 * math.pi)


def _density(a: float) -> float:
    return math.exp(-0.5 * a * a) / _SQRT_2PI


def _second_moment(a: float) -> float:
    """:math:`G(a) = \\int_{-a}^\\infty Dt (t + a)^2 = (1 + a^2)\\Phi(a) + a\\varphi(a)`."""
    return (1.0 + a * a) * float(ndtr(a)) + a * _density(a)


def _first_moment(a: float) -> float:
    """:math:`G'(a)/2 = \\int_{-a}^\\infty Dt (t + a) = \\varphi(a) + a\\Phi(a)`."""
    return _density(a) + a * float(ndtr(a))


def _shift(k: float, m: float) -> float:
    """Return the saddle point ``v`` of the biased capacity at ``k`` (module docstring)."""
    if m == 0.0:
        return 0.0
    up, down = 0.5 * (1.0 + m), 0.5 * (1.0 - m)
    bound = 60.0 + 2.0 * abs(k)  # |v| < |k| + 60 for every |m| < 1
    return brentq(
        lambda v: up * _first_moment(k + v) - down * _first_moment(k - v),
        -bound,
        bound,
        xtol=1e-14,
        rtol=1e-15,
    )


def _capacity(kappa: float, m: float) -> float:
    k = kappa / math.sqrt((1.0 - m) * (1.0 + m))  # in units of the field's width
    v = _shift(k, m)
    up, down = 0.5 * (1.0 + m), 0.5 * (1.0 - m)
    volume = up * _second_moment(k + v) + down * _second_moment(k - v)
    # zero only for kappa < 0 at |m| -> 1, where every load is reachable
    return 1.0 / volume if volume > 0.0 else math.inf


def gardner_capacity(
    kappa: np.ndarray | float = 0.0, magnetization: np.ndarray | float = 0.0
) -> np.ndarray | float:
    """Gardner's critical load :math:`\\alpha_c(\\kappa, m)` (module docstring).

    Parameters
    ----------
    kappa : array_like
        Stability, :math:`|\\kappa| \\le` :data:`MAX_STABILITY` (negative values are
        allowed: the capacity of couplings that only need :math:`\\gamma \\ge \\kappa`).
    magnetization : array_like
        Pattern magnetization ``m`` with :math:`|m| < 1`; the capacity is even in ``m``.

    Returns
    -------
    float or ndarray
        ``alpha_c = K/N``, broadcast over the two arguments.

    Examples
    --------
    >>> float(gardner_capacity(0.0))
    2.0
    >>> round(float(gardner_capacity(1.0)), 6)
    0.519572
    """
    k = as_real_array("kappa", kappa, minimum=-MAX_STABILITY, maximum=MAX_STABILITY,
                      include_maximum=True)  # fmt: skip
    m = _check_magnetization(magnetization)
    shape, (k_flat, m_flat) = broadcast_flat(k, np.abs(m))
    out = np.array([_capacity(float(a), float(b)) for a, b in zip(k_flat, m_flat)])
    return scalar_or_array(out.reshape(shape))


def optimal_stability(
    alpha: np.ndarray | float, magnetization: np.ndarray | float = 0.0
) -> np.ndarray | float:
    """Return the largest stability ``kappa`` that ``K = alpha N`` patterns can all have.

    The inverse of :func:`gardner_capacity` in ``kappa``: :math:`\\alpha_c(\\kappa, m) =
    \\alpha`, the stability that the Krauth-Mezard (MinOver) algorithm approaches. It is
    positive for :math:`\\alpha < \\alpha_c(0, m)` (2 for unbiased patterns) and negative
    above.

    Parameters
    ----------
    alpha : array_like
        Load in ``(0, alpha_c(-3, m)]`` (``alpha_c(-3) = 4.9e3`` for ``m = 0``).
    magnetization : array_like
        As for :func:`gardner_capacity`.

    Examples
    --------
    >>> round(float(optimal_stability(2.0)), 12)
    0.0
    """
    a = as_real_array("alpha", alpha, minimum=0.0, include_minimum=False)
    m = _check_magnetization(magnetization)
    shape, (a_flat, m_flat) = broadcast_flat(a, np.abs(m))
    out = []
    for load, mag in zip(a_flat, m_flat):
        load, mag = float(load), float(mag)
        largest = _capacity(_MAX_LOAD_STABILITY, mag)
        smallest = _capacity(MAX_STABILITY, mag)
        if not smallest <= load <= largest:
            raise ValueError(
                f"alpha must be in [{smallest:.4g}, {largest:.4g}] for magnetization "
                f"{mag:g} (kappa between {_MAX_LOAD_STABILITY:g} and {MAX_STABILITY:g}), "
                f"got {load:g}"
            )
        out.append(
            brentq(
                lambda kappa, load=load, mag=mag: _capacity(kappa, mag) - load,
                _MAX_LOAD_STABILITY,
                MAX_STABILITY,
                xtol=1e-13,
            )
        )
    return scalar_or_array(np.array(out).reshape(shape))


def _check_magnetization(magnetization) -> np.ndarray:
    # |m| < 1 (at |m| = 1 every pattern is the same); the shift v stays within
    # |v| < 10 down to 1 - |m| = 1e-16, inside the bracket of _shift
    return as_real_array("magnetization", magnetization, minimum=-1.0, maximum=1.0,
                         include_minimum=False)  # fmt: skip


def _check_size(n_neurons) -> np.ndarray:
    return as_real_array("n_neurons", n_neurons, minimum=2.0)


def mceliece_capacity(n_neurons, *, simultaneous: bool = False) -> np.ndarray | float:
    """Patterns that Hebb's rule keeps as fixed points: ``N/(2 ln N)`` or ``N/(4 ln N)``.

    Each pattern is a fixed point with high probability up to ``N/(2 ln N)``; all of
    them at once (``simultaneous=True``) up to ``N/(4 ln N)`` (McEliece, Posner,
    Rodemich, Venkatesh, IEEE Trans. Inf. Theory 33, 461 (1987)). Leading order in
    ``N``; the measure is the fixed point, not the basin.

    Examples
    --------
    >>> round(float(mceliece_capacity(1000)), 2)
    72.38
    """
    N = _check_size(n_neurons)
    return scalar_or_array(N / ((4.0 if simultaneous else 2.0) * np.log(N)))


def hebb_fixed_point_probability(
    n_neurons, n_memories, *, self_coupling: bool = False
) -> np.ndarray | float:
    """Probability that a pattern is a fixed point of Hebb's couplings, at finite ``N``.

    The signal-to-noise estimate behind McEliece, Posner, Rodemich, Venkatesh (IEEE
    Trans. Inf. Theory 33, 461 (1987)): with :math:`J = \\frac1N\\sum_\\nu \\xi^\\nu
    \\xi^{\\nu T}` and zero diagonal, the stability of site ``i`` of pattern ``mu`` is

    .. math::

        \\xi_i^\\mu h_i^\\mu = \\frac{N-1}{N} + \\frac1N \\sum_{j \\ne i}
        \\sum_{\\nu \\ne \\mu} \\xi_i^\\mu\\xi_i^\\nu\\xi_j^\\nu\\xi_j^\\mu ,

    the signal plus a crosstalk of :math:`(K-1)(N-1)` independent signs over ``N``:
    mean 0, variance :math:`(K-1)(N-1)/N^2`, taken Gaussian. A kept diagonal (``K/N``)
    adds to the signal. The sites are treated as independent, so

    .. math::

        P(\\text{fixed}) \\approx \\Phi\\Big(\\frac{N - 1 + sK}{\\sqrt{(K-1)(N-1)}}
        \\Big)^N, \\qquad s = 1 \\text{ with the diagonal, } 0 \\text{ without.}

    Setting it to :math:`1 - o(1)` gives :math:`K \\approx N/(2\\ln N)`
    (:func:`mceliece_capacity`). ``K = 1`` has no crosstalk: probability 1.

    Parameters
    ----------
    n_neurons : array_like
        ``N >= 2``.
    n_memories : array_like
        ``K >= 1``.
    self_coupling : bool
        Whether the diagonal ``J_ii = K/N`` is kept.

    Examples
    --------
    >>> round(float(hebb_fixed_point_probability(200, 28)), 3)
    0.515
    """
    N = _check_size(n_neurons)
    K = as_real_array("n_memories", n_memories, minimum=1.0)
    shape, (N_flat, K_flat) = broadcast_flat(N, K)
    signal = N_flat - 1.0 + (K_flat if self_coupling else 0.0)
    with np.errstate(divide="ignore"):
        x = signal / np.sqrt((K_flat - 1.0) * (N_flat - 1.0))
    probability = np.exp(N_flat * np.log(ndtr(x)))
    return scalar_or_array(probability.reshape(shape))


def storkey_capacity(n_neurons) -> np.ndarray | float:
    """Absolute capacity of Storkey's rule, :math:`N/\\sqrt{2\\ln N}` (Storkey, ICANN 1997).

    Leading order in ``N``, against ``N/(2 ln N)`` for Hebb's rule.

    Examples
    --------
    >>> round(float(storkey_capacity(1000)), 1)
    269.0
    """
    N = _check_size(n_neurons)
    return scalar_or_array(N / np.sqrt(2.0 * np.log(N)))


def projection_one_flip_overlap(n_neurons, n_memories) -> np.ndarray | float:
    r"""Return the final overlap of the pseudo-inverse network with its diagonal, one bit off.

    With the projector :math:`J = Z(Z^TZ)^{-1}Z^T` (diagonal kept, Kanter and
    Sompolinsky, Phys. Rev. A 35, 380 (1987)) every pattern has :math:`J\xi = \xi`.
    Flip bit ``i`` of a pattern, :math:`\sigma = \xi - 2\xi_i e_i`: the fields are
    :math:`h = J\sigma = \xi - 2\xi_i J e_i`, so site ``i`` gets
    :math:`h_i = \xi_i (1 - 2J_{ii})` and every other site
    :math:`h_j = \xi_j - 2\xi_i J_{ji}`. The flipped bit is corrected when
    :math:`J_{ii} < 1/2`; otherwise the cue is itself a fixed point (the off-diagonal
    :math:`|J_{ji}| \sim \sqrt{\alpha(1-\alpha)/N}` stays below 1/2 for the sizes of
    interest). Either way the dynamics, sequential or synchronous, stops after one step,
    with overlap 1 or :math:`1 - 2/N`:

    .. math::

        m_{\rm final} = 1 - \frac{2}{N}\,P\big(J_{ii} > \tfrac12\big),
        \qquad J_{ii} \sim \mathrm{Beta}\big(\tfrac K2, \tfrac{N-K}2\big),

    the law of the diagonal of the projector onto a uniformly random ``K``-dimensional
    subspace (the squared length of a random unit vector's projection), taken for the
    span of random :math:`\pm 1` patterns. At ``K = N/2`` the law is symmetric about
    1/2: the one-flip basin vanishes at :math:`\alpha = 1/2` for every ``N``. Without
    the diagonal, :math:`h_i = \xi_i(1 - J_{ii})` and the bit is always corrected,
    while site ``j`` holds as long as :math:`2|J_{ji}| < 1 - J_{jj}`, which fails more and
    more often as :math:`\alpha \to 1` (``docs/theory/gardner.md``, section 6).

    Parameters
    ----------
    n_neurons : array_like
        ``N >= 2``.
    n_memories : array_like
        ``1 <= K <= N``.

    Examples
    --------
    >>> round(float(projection_one_flip_overlap(75, 37.5)), 6)
    0.986667
    >>> float(projection_one_flip_overlap(75, 75)) == 1 - 2 / 75
    True
    """
    N = _check_size(n_neurons)
    K = as_real_array("n_memories", n_memories, minimum=1.0)
    shape, (N_flat, K_flat) = broadcast_flat(N, K)
    if np.any(K_flat > N_flat):
        bad = int(np.flatnonzero(K_flat > N_flat)[0])
        raise ValueError(
            f"n_memories must be at most n_neurons (linearly independent patterns), got "
            f"K = {K_flat[bad]:g} > N = {N_flat[bad]:g}"
        )
    full = K_flat >= N_flat
    with np.errstate(invalid="ignore", divide="ignore"):
        stuck = np.where(
            full, 1.0, 1.0 - betainc(K_flat / 2.0, np.maximum(N_flat - K_flat, 1e-300) / 2.0, 0.5)
        )
    return scalar_or_array((1.0 - 2.0 * stuck / N_flat).reshape(shape))
