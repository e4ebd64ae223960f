r"""Retrieval errors of attention layers storing random pairs, and Ramsauer's bounds.

The setting of :mod:`hebbian.attention.capacity`: ``n_pairs`` = :math:`N` keys
uniform on the unit sphere of dimension ``dim`` = :math:`d`, ±1 values of ``dim``
components, every key read back. For two independent unit keys the overlap
:math:`s = k_\mu\cdot k_\nu` has the law of one coordinate of a uniform unit vector,
:math:`s^2 \sim \mathrm{Beta}(\tfrac12, \tfrac{d-1}{2})`, so

.. math::

    \langle s^{2m}\rangle = \prod_{j=0}^{m-1} \frac{2j+1}{d+2j},
    \qquad
    \langle e^{\beta s}\rangle = \Gamma(\tfrac d2)\,(\tfrac2\beta)^{d/2-1}
                                 I_{d/2-1}(\beta)

(:func:`sphere_overlap_moment`, :func:`sphere_overlap_mgf`). From these
(``docs/theory/attention.md`` derives each line):

* Hebbian sum rule, :math:`\hat v = \sum_\nu v_\nu (k_\nu\cdot q)`: relative error
  :math:`(N-1)/d` exactly (Zhong et al., arXiv:2505.19488: the inverse retrieval SNR
  of linear attention);
* least squares (the converged delta rule): :math:`\max(0, 1 - d/N)` at large sizes;
* dense memory of order ``p``: :math:`(N-1)\langle s^{2(p-1)}\rangle
  = (N-1)(2p-3)!!/\prod_{j<p-1}(d+2j)` exactly;
* softmax (and Softmax1): the shrinkage of the weight of the right pair plus the
  crosstalk, with the sums over the :math:`N-1` others replaced by their means,
  an approximation good while the right pair dominates;
* winner-take-all accuracy of the Hebbian read: the Gaussian formula of a hit of mean
  :math:`d`, variance :math:`N-1`, against :math:`N-1` rejects of variance
  :math:`N+2d-2`, whose knee is :math:`N \approx d^2 / (2\ln N)`.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln, ive

from hebbian._validation import check_choice, check_int, check_real
from hebbian.theory._core import as_real_array, largest_passing, scalar_or_array
from hebbian.theory.vsa import wta_accuracy_general

__all__ = [
    "dense_exponential_relative_error",
    "dense_relative_error",
    "fast_weight_least_squares_loss",
    "hebbian_relative_error",
    "hebbian_wta_accuracy",
    "hebbian_wta_capacity",
    "least_squares_relative_error",
    "relative_error",
    "retrieval_error_bound",
    "separation",
    "separation_threshold",
    "softmax_mean_field_capacity",
    "softmax_partition_spread",
    "softmax_split_beta",
    "softmax_relative_error",
    "sphere_overlap_mgf",
    "sphere_overlap_moment",
]


def _sizes(n_pairs, dim):
    n = as_real_array("n_pairs", n_pairs, minimum=1.0)
    d = as_real_array("dim", dim, minimum=1.0)
    return np.broadcast_arrays(n, d)


def hebbian_relative_error(n_pairs, dim) -> np.ndarray | float:
    r"""Relative error :math:`(N-1)/d` of the Hebbian (sum-rule) memory with unit keys.

    The read of pair :math:`\mu` is :math:`v_\mu + \sum_{\nu\ne\mu} v_\nu s_\nu`; the
    crosstalk has :math:`\langle s^2\rangle = 1/d` per other pair (Zhong et al.,
    arXiv:2505.19488; Schlag et al., ICML 2021, Section 4).
    """
    n, d = _sizes(n_pairs, dim)
    return scalar_or_array((n - 1.0) / d)


def least_squares_relative_error(n_pairs, dim) -> np.ndarray | float:
    r"""Relative error :math:`\max(0, 1 - d/N)` of the least-squares memory.

    With :math:`N > d` keys, :math:`W = V^T K^{+T}` reads
    :math:`\hat v_\mu = V^T P e_\mu`, :math:`P` the projector on the :math:`d`-dimensional
    row space of the :math:`N\times d` key matrix; for ±1 values the error is
    :math:`\|(1 - P)e_\mu\|^2`, whose mean over :math:`\mu` is :math:`(N-d)/N`. With
    :math:`N \le d` independent keys the memory is exact.
    """
    n, d = _sizes(n_pairs, dim)
    return scalar_or_array(np.maximum(0.0, 1.0 - d / n))


def sphere_overlap_moment(dim, power: int) -> np.ndarray | float:
    r"""Return the even moment :math:`\langle s^{2m}\rangle = \prod_{j<m} (2j+1)/(d+2j)`.

    ``s`` is the overlap of two independent unit vectors of dimension ``d``
    (:math:`s^2 \sim \mathrm{Beta}(1/2, (d-1)/2)`); ``power`` is :math:`m \ge 0`.
    Large ``d``: :math:`(2m-1)!!/d^m`, the Gaussian moment.
    """
    d = as_real_array("dim", dim, minimum=1.0)
    m = check_int("power", power, minimum=0, maximum=1000)
    out = np.ones_like(d)
    for j in range(m):
        out = out * (2 * j + 1) / (d + 2 * j)
    return scalar_or_array(out)


def sphere_overlap_mgf(beta, dim) -> np.ndarray | float:
    r"""Return the moment generating function :math:`\langle e^{\beta s}\rangle` on the sphere.

    :math:`\Gamma(d/2)\,(2/\beta)^{d/2-1} I_{d/2-1}(\beta)` (the law of one coordinate
    of a uniform unit vector); 1 at :math:`\beta = 0`, about :math:`e^{\beta^2/(2d)}`
    for :math:`\beta \ll d`. Computed in logarithms with the scaled Bessel function.
    """
    b = as_real_array("beta", beta)
    d = as_real_array("dim", dim, minimum=2.0)
    b, d = np.broadcast_arrays(b, d)
    nu = d / 2.0 - 1.0
    safe = np.where(b > 0, b, 1.0)
    with np.errstate(divide="ignore"):
        log = gammaln(d / 2.0) + nu * np.log(2.0 / safe) + np.log(ive(nu, safe)) + safe
    return scalar_or_array(np.where(b > 0, np.exp(log), 1.0))


def dense_relative_error(n_pairs, dim, order: int) -> np.ndarray | float:
    r"""Relative error of the dense memory of order ``p`` with unit keys, exactly.

    The read :math:`v_\mu + \sum_{\nu\ne\mu} v_\nu s_\nu^{p-1}` has the error
    :math:`(N-1)\langle s^{2(p-1)}\rangle = (N-1)(2p-3)!!/\prod_{j=0}^{p-2}(d+2j)`
    (:func:`sphere_overlap_moment`); ``p = 2`` is :func:`hebbian_relative_error`, and
    the capacity at a fixed error grows as :math:`d^{p-1}` (Krotov and Hopfield,
    NeurIPS 2016).
    """
    n, d = _sizes(n_pairs, dim)
    p = check_int("order", order, minimum=2, maximum=12)
    return scalar_or_array((n - 1.0) * np.asarray(sphere_overlap_moment(d, p - 1)))


def dense_exponential_relative_error(n_pairs, dim, beta) -> np.ndarray | float:
    r"""Relative error of the exponential dense memory with unit keys, exactly.

    The read :math:`\sum_\nu v_\nu e^{\beta(s_\nu - 1)}` gives the right value with
    weight 1 and crosstalk of variance :math:`(N-1)\langle e^{2\beta(s-1)}\rangle
    = (N-1)\,e^{-2\beta}\langle e^{2\beta s}\rangle` (:func:`sphere_overlap_mgf`;
    Demircigil et al., J. Stat. Phys. 168, 288 (2017), for the separation
    :math:`F(x) = e^x`). About :math:`N e^{2\beta^2/d - 2\beta}`, smallest at
    :math:`\beta = d/2`: the crosstalk term of :func:`softmax_relative_error` without
    its shrinkage.
    """
    n, d = _sizes(n_pairs, dim)
    b = as_real_array("beta", beta, maximum=700.0, include_maximum=True)
    n, d, b = np.broadcast_arrays(n, d, b)
    mgf = np.asarray(sphere_overlap_mgf(2.0 * b, d))
    return scalar_or_array((n - 1.0) * mgf * np.exp(-2.0 * b))


def softmax_relative_error(
    n_pairs, dim, beta, *, normalization: str = "softmax"
) -> np.ndarray | float:
    r"""Relative error of softmax attention at inverse temperature ``beta``, mean field.

    The read of pair :math:`\mu` is :math:`c\,v_\mu + \sum_{\nu\ne\mu} w_\nu v_\nu` with
    :math:`w_\nu = e^{\beta s_\nu}/Z`, :math:`c = e^\beta/Z`,
    :math:`Z = e^\beta + \sum_{\nu\ne\mu} e^{\beta s_\nu}` (plus 1 for Softmax1, the null
    slot). Its error is :math:`(1-c)^2 + \sum_\nu w_\nu^2`; replacing the sums by their
    means, :math:`R = (N-1)\langle e^{\beta s}\rangle` and
    :math:`Q = (N-1)\langle e^{2\beta s}\rangle` (:func:`sphere_overlap_mgf`),

    .. math::

        A \approx \Big(\frac{Z - e^\beta}{Z}\Big)^2 + \frac{Q}{Z^2},
        \qquad Z = e^\beta + R\ [+1].

    With :math:`\langle e^{\beta s}\rangle \approx e^{\beta^2/2d}` this is
    :math:`(N e^{\beta^2/2d-\beta})^2 + N e^{2\beta^2/d - 2\beta}` while the right pair
    dominates: the crosstalk is smallest at :math:`\beta = d/2`, where it is
    :math:`N e^{-d/2}`, and the shrinkage there is :math:`N^2 e^{-3d/4}`: the
    capacity at a fixed error is exponential in ``d`` (Ramsauer et al., ICLR 2021,
    Theorem 3), about :math:`e^{0.41 d}` at ``d = 8``-``22``. The mean field ignores the
    fluctuations of :math:`Z`; it is an approximation once a few other pairs carry
    weights comparable to the right one.
    """
    n, d = _sizes(n_pairs, dim)
    b = as_real_array("beta", beta, maximum=700.0, include_maximum=True)
    check_choice("normalization", normalization, ("softmax", "softmax1"))
    n, d, b = np.broadcast_arrays(n, d, b)
    # everything divided by e^beta, to stay finite at large beta
    rest = (n - 1.0) * np.asarray(sphere_overlap_mgf(b, d)) * np.exp(-b)
    square = (n - 1.0) * np.asarray(sphere_overlap_mgf(2.0 * b, d)) * np.exp(-2.0 * b)
    null = np.exp(-b) if normalization == "softmax1" else 0.0
    z = 1.0 + rest + null
    return scalar_or_array(((rest + null) / z) ** 2 + square / z**2)


def softmax_partition_spread(n_pairs, dim, beta) -> np.ndarray | float:
    r"""Return the relative spread of the other pairs' share of the softmax partition sum.

    :math:`\sqrt{\mathrm{Var}(R)}/\langle R\rangle` for
    :math:`R = \sum_{\nu\ne\mu} e^{\beta s_\nu}`, i.e.
    :math:`\sqrt{(\langle e^{2\beta s}\rangle/\langle e^{\beta s}\rangle^2 - 1)/(N-1)}`
    (independent overlaps). The mean field of :func:`softmax_relative_error` replaces
    :math:`R` by its mean; it holds where this spread is small (at ``d = 64``,
    ``beta = 8`` it is 0.19 at ``N = 44``). Infinite for ``N = 1``.
    """
    n, d = _sizes(n_pairs, dim)
    b = as_real_array("beta", beta, maximum=700.0, include_maximum=True)
    n, d, b = np.broadcast_arrays(n, d, b)
    first = np.asarray(sphere_overlap_mgf(b, d))
    second = np.asarray(sphere_overlap_mgf(2.0 * b, d))
    with np.errstate(divide="ignore"):
        spread = np.sqrt(np.maximum(second / first**2 - 1.0, 0.0) / (n - 1.0))
    return scalar_or_array(spread)


def relative_error(
    rule: str,
    dim,
    n_pairs,
    *,
    beta: float = 8.0,
    feature_map_name: str = "identity",
    order: int = 3,
    passes: int = 1,
):
    """Return the relative error predicted for a rule of :mod:`hebbian.attention.capacity`.

    ``None`` where no formula applies: the delta rule after a finite number of passes
    with more pairs than one (its error depends on the order of the writes), the sum and
    delta rules with a feature map other than the identity.

    Returns
    -------
    float or None
    """
    if feature_map_name != "identity" and rule in ("hebbian", "delta", "lsq"):
        return None
    if rule == "hebbian":
        return float(hebbian_relative_error(n_pairs, dim))
    if rule == "lsq":
        return float(least_squares_relative_error(n_pairs, dim))
    if rule == "delta":
        return 0.0 if n_pairs == 1 else None
    if rule == "dense":
        return float(dense_relative_error(n_pairs, dim, order))
    if rule == "dense-exp":
        return float(dense_exponential_relative_error(n_pairs, dim, beta))
    if rule in ("softmax", "softmax1"):
        return float(softmax_relative_error(n_pairs, dim, beta, normalization=rule))
    return None


def hebbian_wta_accuracy(n_pairs, dim) -> np.ndarray | float:
    r"""Winner-take-all accuracy of the Hebbian read over the stored values, Gaussian.

    The score of the right value, :math:`\hat v_\mu\cdot v_\mu = d + \sum_\nu s_\nu
    (v_\nu\cdot v_\mu)`, has mean :math:`d` and variance :math:`N-1`; each of the
    :math:`N-1` others, :math:`v_\mu\cdot v_\lambda + d\,s_\lambda + \sum_\nu s_\nu
    (v_\nu\cdot v_\lambda)`, mean 0 and variance :math:`N + 2d - 2`; all are
    uncorrelated. Taken as independent Gaussians (the formula of Frady, Kleyko and
    Sommer, Neural Computation 30, 1449 (2018), :func:`hebbian.theory.vsa.wta_accuracy_general`).
    The decision SNR :math:`d/\sqrt{N+2d}` makes the knee
    :math:`N \approx d^2/(2\ln N)`: quadratic in ``d``, where the relative error grows
    linearly.
    """
    n, d = _sizes(n_pairs, dim)
    return wta_accuracy_general(d, np.sqrt(n - 1.0), np.sqrt(n + 2.0 * d - 2.0), n)


def hebbian_wta_capacity(dim, accuracy: float = 0.99) -> int:
    """Return the largest number of pairs read out with ``accuracy`` or better.

    The accuracy is :func:`hebbian_wta_accuracy`.

    Bisection on the integers (the accuracy falls with ``N``), for ``dim`` in
    ``[2, 1e5]`` and ``0.5 <= accuracy < 1``; 1 when even two pairs fall short.
    """
    d = check_real("dim", dim, minimum=2.0, maximum=1e5)
    target = check_real("accuracy", accuracy, minimum=0.5, maximum=1.0, include_maximum=False)

    def reached(n: int) -> bool:
        return float(hebbian_wta_accuracy(n, d)) >= target

    if not reached(2):
        return 1
    return largest_passing(reached, 2, 2**62)


def separation(patterns) -> np.ndarray:
    r"""Return Ramsauer's separation :math:`\Delta_i = x_i^Tx_i - \max_{j\ne i} x_i^Tx_j`.

    Ramsauer et al., ICLR 2021, Definition 1. ``patterns``: (n_pairs, dim), at least two.
    """
    x = np.asarray(patterns, dtype=float)
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError(f"patterns must have shape (n_pairs >= 2, dim), got {x.shape}")
    gram = x @ x.T
    diagonal = np.diag(gram).copy()
    np.fill_diagonal(gram, -np.inf)
    return diagonal - gram.max(axis=1)


def separation_threshold(beta, n_pairs, radius) -> np.ndarray | float:
    r"""Return the separation above which a pattern is well separated (Ramsauer et al. 2021).

    .. math::

        \Delta_i \ge \frac{2}{\beta N} + \frac1\beta \ln\big(2(N-1)N\beta M^2\big),

    with :math:`M = \max_j \|x_j\|` (``radius``): then the update maps the sphere of
    radius :math:`1/(\beta N M)` around :math:`x_i` into itself and converges to a fixed
    point near :math:`x_i` (their Theorem 2 and Lemma A7).
    """
    b = as_real_array("beta", beta, include_minimum=False)
    n = as_real_array("n_pairs", n_pairs, minimum=2.0)
    m = as_real_array("radius", radius, include_minimum=False)
    return scalar_or_array(2.0 / (b * n) + np.log(2.0 * (n - 1.0) * n * b * m**2) / b)


def retrieval_error_bound(beta, n_pairs, delta, radius, distance) -> np.ndarray | float:
    r"""Ramsauer's bound on the error of one update from a state near pattern ``i``.

    .. math::

        \|f(\xi) - x_i\| \le 2(N-1)\,
        \exp\!\big(-\beta(\Delta_i - 2\,\epsilon M)\big)\,M,

    with :math:`\epsilon` = ``distance`` =
    :math:`\max(\|\xi - x_i\|, \|x_i^* - x_i\|)`, :math:`x_i^*` the fixed point near
    :math:`x_i` (Ramsauer et al., ICLR 2021, Theorems 4-5), ``delta`` the separation
    :math:`\Delta_i` (:func:`separation`) and ``radius`` :math:`M`.
    """
    b = as_real_array("beta", beta)
    n = as_real_array("n_pairs", n_pairs, minimum=1.0)
    gap = as_real_array("delta", delta, minimum=-np.inf)
    m = as_real_array("radius", radius)
    eps = as_real_array("distance", distance)
    return scalar_or_array(2.0 * (n - 1.0) * np.exp(-b * (gap - 2.0 * eps * m)) * m)


#: Largest number of pairs :func:`softmax_mean_field_capacity` searches.
MAX_THEORY_PAIRS = 1 << 18


def softmax_mean_field_capacity(dim: int, max_error: float) -> int:
    """Return the largest ``N`` whose mean-field relative error at ``beta = dim/2`` is small.

    :func:`softmax_relative_error` at the crosstalk's best temperature ``dim/2`` grows
    with ``N``: doubling, then bisection on the integers, up to :data:`MAX_THEORY_PAIRS`
    (returned when even that passes). ``docs/theory/hopfield_attention.md`` derives its
    growth, about :math:`e^{0.41 d}` at ``d = 8``-``22``.
    """
    d = check_int("dim", dim, minimum=2, maximum=10**5)
    target = check_real("max_error", max_error, minimum=0.0, include_minimum=False)

    def ok(n: int) -> bool:
        return float(softmax_relative_error(n, d, d / 2.0)) <= target

    return largest_passing(ok, 1, MAX_THEORY_PAIRS)


def softmax_split_beta(n_pairs, dim) -> float:
    r"""Return :math:`d/(1+\sqrt{d/N})^2`, the estimated split of the global fixed point.

    The inverse of the largest eigenvalue of the uniform covariance of ``n_pairs``
    random unit patterns in ``dim`` dimensions (Marchenko-Pastur edge
    :math:`(1+\sqrt{d/N})^2/d`): the global average loses its stability near there
    (``docs/theory/hopfield_attention.md``; an estimate, not a theorem).
    """
    n = check_real("n_pairs", n_pairs, minimum=1.0)
    d = check_real("dim", dim, minimum=1.0)
    return float(d / (1.0 + np.sqrt(d / n)) ** 2)


def fast_weight_least_squares_loss(n_keys, d_dot) -> np.ndarray | float:
    r"""Return :math:`\tfrac12\max(0, 1 - d_{dot}/S)`, the least-squares memory's loss.

    Schlag et al.'s retrieval task with ``S`` keys and one-hot values: the least-squares
    reads are :math:`P e_\mu`, ``P`` the projector on the span of the ``S`` feature rows
    (rank :math:`\min(S, d_{dot})` in general position), so the mean of
    :math:`\tfrac12\|Pe_\mu - e_\mu\|^2 = \tfrac12(1 - P_{\mu\mu})` is
    :math:`\tfrac12(1 - \mathrm{rank}/S)`. Both arguments may be ratios (a load
    :math:`S/d_{dot}` with ``d_dot = 1``).
    """
    s = as_real_array("n_keys", n_keys, include_minimum=False)
    d = as_real_array("d_dot", d_dot, include_minimum=False)
    return scalar_or_array(0.5 * np.maximum(0.0, 1.0 - d / s))
