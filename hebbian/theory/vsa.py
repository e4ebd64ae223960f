r"""Capacity of vector symbolic architectures (VSAs): bundles, cleanup, Bloom filters.

A key-value **bundle** stores ``K`` pairs in one vector of dimension ``D``,

.. math::

    s = \sum_{k=1}^{K} \mathrm{key}_k \circledast v_k ,

and reads the value bound to ``key_j`` by unbinding, :math:`u = \mathrm{key}_j^{-1}
\circledast s`, and a winner-take-all (WTA) **cleanup** over a codebook of ``M`` items:
:math:`\hat v = \arg\max_c \langle u, c\rangle`. The similarity of the right item (the
*hit*) and of each of the ``M - 1`` others (the *rejects*) are sums of many independent
terms; taken as independent Gaussians, hit :math:`N(\mu, \sigma_{hit}^2)` and rejects
:math:`N(0, \sigma_{rej}^2)`, the probability of a correct readout is

.. math::

    p_{corr} = \int dh\, N(h; \mu, \sigma_{hit}^2)\,
               \Phi\!\left(\frac{h}{\sigma_{rej}}\right)^{M-1}
    \;\xrightarrow{\ \sigma_{hit} = \sigma_{rej}\ }\;
    \int dh\, \varphi(h)\, \Phi(h + d')^{M-1},
    \qquad d' = \mu / \sigma_{rej}

(Frady, Kleyko and Sommer, Neural Computation 30, 1449 (2018), arXiv:1803.00412).
The models differ only through the three moments (:func:`bundle_moments`):

=========  ========  =====================  =====================  =========================
model      hit mean  hit variance           reject variance        :math:`d'`
=========  ========  =====================  =====================  =========================
``map-i``  ``D``     ``(K-1) D``            ``K D``                ``sqrt(D/K)``
``fhrr``   ``D``     ``(K-1) D/2``          ``K D/2``              ``sqrt(2D/K)``
``hrr``    1         ``(K + 5 + 2r/D)/D``   ``(K + 1 + r/D)/D``    ``~ sqrt(D/(K+1))``
``map-b``  ``D c``   ``D Delta (1-Delta)``  ``D/4``                ``2 sqrt(D) c``
``bsc``    ``D c``   ``D Delta (1-Delta)``  ``D/4``                ``2 sqrt(D) c``
=========  ========  =====================  =====================  =========================

with :math:`c = c_K = \tfrac12 - \Delta(K)`; :math:`2\sqrt D\, c_K \approx
\sqrt{2D/(\pi K)}` for large ``K``.

* MAP-I (Gayler): bipolar atoms, elementwise product, integer sum, dot product.
* FHRR: unit phasors, elementwise complex product, sum, :math:`\mathrm{Re}\langle\cdot,
  \cdot\rangle`; the real part halves the crosstalk (twice MAP-I's capacity per complex
  component).
* HRR (Plate, IEEE Trans. Neural Networks 6, 623 (1995)): elements :math:`N(0, 1/D)`,
  circular convolution, unbinding by the involution; ``r`` is the number of real
  Fourier components (2 for even ``D``, 1 for odd); Plate's extra noise is the ``+1``.
* MAP-B / BSC (Kanerva, Cognitive Computation 1, 139 (2009)): the bundle is
  binarised by a majority (sign of the sum), ties broken at random; the similarity
  is :math:`D/2 -` Hamming distance, the hit agrees with the unbound vector in a
  fraction :math:`1 - \Delta(K)` of the components, with Kanerva's
  :math:`\tfrac12 - \Delta(K) = c_K = \binom{K-1}{\lfloor (K-1)/2\rfloor} 2^{-K}`
  (an even ``K`` with random tie-break is the same as ``K + 1`` items).

Three forms of the accuracy are offered (``form=`` of :func:`bundle_accuracy`):
``"snr"`` (the default) is the equal-variance formula of Frady et al. with the exact
:math:`d' = \mu/\sigma_{rej}` (Kanerva's :math:`\Delta` for the binary models);
``"moments"`` integrates with the exact hit and reject variances above (a refinement:
the hit variance is smaller than the reject's); ``"approximate"`` is the equal-variance
formula with the closed-form large-``K`` :math:`d'` (for the binary models
:math:`\sqrt{2D/(\pi K)}`). All three treat the sums as Gaussian and the hit and
rejects as independent.

The module also holds the Bloom filter (Bloom, Commun. ACM 13, 422 (1970)) and
dimensions sufficient for set membership with a threshold test (Clarkson, Ubaru and
Yang, arXiv:2301.10352). ``docs/theory/vsa.md`` derives every formula.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq
from scipy.special import log_ndtr, ndtr, ndtri, poch

from hebbian._validation import check_choice, check_int, check_real
from hebbian.theory._core import as_real_array, broadcast_flat, scalar_or_array

__all__ = [
    "SEQUENCE_MODELS",
    "MAX_COUNT",
    "MEMBERSHIP_BOUNDS",
    "MEMBERSHIP_MODELS",
    "VSA_MODELS",
    "bloom_dimension",
    "bloom_false_positive_rate",
    "bloom_optimal_false_positive_rate",
    "bloom_optimal_hashes",
    "bundle_accuracy",
    "bundle_capacity",
    "bundle_capacity_estimate",
    "bundle_moments",
    "bundle_snr",
    "membership_dimension",
    "membership_dimension_gaussian",
    "sequence_accuracy",
    "wta_accuracy",
    "wta_accuracy_general",
]

#: The VSA models (module docstring).
VSA_MODELS = ("map-i", "map-b", "bsc", "hrr", "fhrr")

#: The models whose bundle is a (weighted) sum, so that a sequence trace may decay.
SEQUENCE_MODELS = ("map-i", "hrr", "fhrr")
#: Models of :func:`membership_dimension` (a bundle of atoms, no binding).
MEMBERSHIP_MODELS = ("map-i", "map-b", "bsc")
#: Bounds of :func:`membership_dimension`.
MEMBERSHIP_BOUNDS = ("hoeffding", "clarkson")
#: Forms of :func:`bundle_accuracy` (module docstring).
ACCURACY_FORMS = ("snr", "moments", "approximate")
#: Largest dimension, number of items, codebook or universe size accepted (``10^15``:
#: integers stay exact in double precision).
MAX_COUNT = 1e15

_BINARY = ("map-b", "bsc")
# the WTA integral: composite Gauss-Legendre, _PANELS panels of _ORDER nodes
_PANELS = 32
_ORDER = 16
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(_ORDER)
_LOG_TINY = -700.0  # Phi^(M-1) below exp(-700) is dropped
_ONE_MINUS = 1e-18  # Phi^(M-1) above 1 - 1e-18 is taken as 1
_WIDTHS = 9.0  # the hit's Gaussian is cut at 9 standard deviations (mass 2e-19)
_CHUNK = 4096  # points per batch of the quadrature


# ---------------------------------------------------------------------------------------
# argument checks


def _counts(name: str, value: object, *, minimum: float = 1.0) -> np.ndarray:
    """Return an integer-valued float array in ``[minimum, MAX_COUNT]`` (one-line errors)."""
    arr = as_real_array(name, value, minimum=minimum, maximum=MAX_COUNT, include_maximum=True)
    bad = arr != np.floor(arr)
    if np.any(bad):
        raise ValueError(
            f"{name} must be an integer in [{minimum:g}, {MAX_COUNT:g}], got {arr[bad].flat[0]:g}"
        )
    return arr


def _probability(name: str, value: object) -> np.ndarray:
    return as_real_array(name, value, minimum=0.0, maximum=1.0, include_minimum=False)


# ---------------------------------------------------------------------------------------
# winner-take-all accuracy


def _wta(mu: np.ndarray, sd_hit: np.ndarray, m: np.ndarray) -> np.ndarray:
    """``int N(x; mu, sd_hit^2) Phi(x)^(m-1) dx`` for flat arrays (reject sd = 1)."""
    out = np.empty(mu.shape)
    for start in range(0, mu.size, _CHUNK):
        sl = slice(start, start + _CHUNK)
        out[sl] = _wta_batch(mu[sl], sd_hit[sl], m[sl])
    return out


def _wta_batch(mu: np.ndarray, sd: np.ndarray, m: np.ndarray) -> np.ndarray:
    rivals = m - 1.0
    single = rivals == 0.0
    r = np.where(single, 1.0, rivals)
    # Phi(x)^(M-1) rises from exp(-700) at x_lo to 1 - 1e-18 at x_hi
    x_lo = ndtri(np.exp(_LOG_TINY / r))
    x_hi = -ndtri(_ONE_MINUS / r)
    point = sd == 0.0
    s = np.where(point, 1.0, sd)
    lo = np.maximum(x_lo, mu - _WIDTHS * s)
    hi = np.minimum(x_hi, mu + _WIDTHS * s)
    width = np.maximum(hi - lo, 0.0)
    # nodes: (n, panels * order)
    edges = lo[:, None] + width[:, None] * np.arange(_PANELS)[None, :] / _PANELS
    half = 0.5 * width / _PANELS
    x = (edges[:, :, None] + half[:, None, None] * (1.0 + _GL_NODES)).reshape(mu.size, -1)
    weights = np.broadcast_to(_GL_WEIGHTS, (mu.size, _PANELS, _ORDER)).reshape(mu.size, -1)
    z = (x - mu[:, None]) / s[:, None]
    log_f = -0.5 * z * z - 0.5 * math.log(2.0 * math.pi) + r[:, None] * log_ndtr(x)
    body = half / s * np.sum(weights * np.exp(log_f), axis=1)
    # mass of the hit above x_hi, where Phi^(M-1) = 1
    above = ndtr((mu - x_hi) / s)
    p = body + above
    p = np.where(point, np.exp(r * log_ndtr(mu)), p)
    p = np.where(single, 1.0, p)
    return np.clip(p, 0.0, 1.0)


def wta_accuracy_general(mu_hit, sd_hit, sd_reject, codebook_size) -> np.ndarray | float:
    r"""Probability that the hit beats ``M - 1`` independent Gaussian rejects.

    .. math::

        p_{corr} = \int dh\, N(h; \mu_{hit}, \sigma_{hit}^2)\,
                   \Phi(h / \sigma_{rej})^{M-1}

    (Frady, Kleyko and Sommer, Neural Computation 30, 1449 (2018), arXiv:1803.00412,
    with a hit variance of its own). Composite Gauss-Legendre quadrature (32 panels of
    16 nodes) over the part of the line where both factors matter: the hit's Gaussian
    within 9 standard deviations and the rise of :math:`\Phi^{M-1}` from
    :math:`e^{-700}` to :math:`1 - 10^{-18}`; the hit's mass above that rise is added
    in closed form. Absolute error below ``1e-10`` (``tests/test_theory_vsa.py``).

    Parameters
    ----------
    mu_hit : array_like
        Mean of the hit's similarity (finite, any sign).
    sd_hit : array_like
        Its standard deviation, ``>= 0`` (0: a fixed hit, :math:`\Phi(\mu/\sigma_{rej})^{M-1}`).
    sd_reject : array_like
        Standard deviation of each reject's similarity (mean 0), ``> 0``.
    codebook_size : array_like
        ``M``, integer in ``[1, 1e15]``; ``M = 1`` gives 1.

    Returns
    -------
    float or ndarray
        ``p_corr``, broadcast over the arguments.

    Examples
    --------
    >>> round(float(wta_accuracy_general(1000.0, (49 * 1000) ** 0.5, (50 * 1000) ** 0.5, 27)), 4)
    0.9863
    """
    mu = as_real_array("mu_hit", mu_hit, minimum=-np.inf)
    sh = as_real_array("sd_hit", sd_hit)
    sr = as_real_array("sd_reject", sd_reject, include_minimum=False)
    m = _counts("codebook_size", codebook_size)
    shape, (mu_f, sh_f, sr_f, m_f) = broadcast_flat(mu, sh, sr, m)
    return scalar_or_array(_wta(mu_f / sr_f, sh_f / sr_f, m_f).reshape(shape))


def wta_accuracy(snr, codebook_size) -> np.ndarray | float:
    r"""Frady-Kleyko-Sommer accuracy of a winner-take-all readout.

    .. math::

        p_{corr}(d', M) = \int dh\, \varphi(h)\, \Phi(h + d')^{M-1}

    the probability that a hit :math:`N(d', 1)` exceeds ``M - 1`` independent rejects
    :math:`N(0, 1)` (Frady, Kleyko and Sommer, Neural Computation 30, 1449 (2018),
    arXiv:1803.00412). :math:`d' = 0` gives :math:`1/M`, :math:`d' \to \infty` and
    ``M = 1`` give 1. Quadrature as in :func:`wta_accuracy_general`.

    Parameters
    ----------
    snr : array_like
        :math:`d' \ge 0`.
    codebook_size : array_like
        ``M``, integer in ``[1, 1e15]``.

    Examples
    --------
    >>> round(float(wta_accuracy((1000 / 50) ** 0.5, 27)), 4)
    0.9857
    >>> round(float(wta_accuracy(0.0, 4)), 12)
    0.25
    """
    d = as_real_array("snr", snr)
    m = _counts("codebook_size", codebook_size)
    shape, (d_f, m_f) = broadcast_flat(d, m)
    return scalar_or_array(_wta(d_f, np.ones_like(d_f), m_f).reshape(shape))


# ---------------------------------------------------------------------------------------
# bundles


def _kanerva_overlap(k: np.ndarray) -> np.ndarray:
    r"""Return :math:`c_K = \tfrac12 - \Delta(K) = \binom{2m}{m} 4^{-m} / 2`, ``m = floor(K/2)``.

    ``binom(2m, m) 4^(-m) = Gamma(m + 1/2) / (sqrt(pi) Gamma(m + 1))``, by ``poch``
    (no cancellation of large log-gammas).
    """
    m = np.floor(k / 2.0)
    return 0.5 * poch(m + 1.0, -0.5) / math.sqrt(math.pi)


def _moments(model: str, d: np.ndarray, k: np.ndarray):
    """Return (hit mean, hit sd, reject sd) for flat arrays."""
    if model == "map-i":
        return d, np.sqrt((k - 1.0) * d), np.sqrt(k * d)
    if model == "fhrr":
        return d, np.sqrt((k - 1.0) * d / 2.0), np.sqrt(k * d / 2.0)
    if model == "hrr":
        real = np.where(d % 2 == 0, 2.0, 1.0)  # real Fourier components
        return (
            np.ones_like(d),
            np.sqrt((k + 5.0 + 2.0 * real / d) / d),
            np.sqrt((k + 1.0 + real / d) / d),
        )
    c = _kanerva_overlap(k)
    delta = 0.5 - c
    return d * c, np.sqrt(d * delta * (1.0 - delta)), np.sqrt(d / 4.0)


def _check_bundle(model, dimension, n_items):
    model = check_choice("model", model, VSA_MODELS)
    d = _counts("dimension", dimension)
    k = _counts("n_items", n_items)
    return model, d, k


def bundle_moments(model: str, dimension, n_items) -> tuple:
    r"""Exact mean and variances of the hit and reject similarities of a bundle.

    For ``K`` key-value pairs bundled in dimension ``D`` and read out by unbinding (the
    table of the module docstring; derivations in ``docs/theory/vsa.md``). The binary
    models use Kanerva's :math:`\Delta(K)` (Kanerva, Cognitive Computation 1, 139
    (2009)); HRR the second moments of Plate (IEEE Trans. Neural Networks 6, 623
    (1995)), exact for Gaussian elements and a reject outside the bundle.

    Parameters
    ----------
    model : {"map-i", "map-b", "bsc", "hrr", "fhrr"}
    dimension : array_like
        ``D``, integer in ``[1, 1e15]`` (complex components for FHRR).
    n_items : array_like
        ``K``, integer in ``[1, 1e15]``.

    Returns
    -------
    mu_hit, sd_hit, sd_reject : float or ndarray
        Broadcast over ``dimension`` and ``n_items``.

    Examples
    --------
    >>> [float(x) for x in bundle_moments("map-i", 1000, 10)]
    [1000.0, 94.86832980505137, 100.0]
    >>> [float(x) for x in bundle_moments("map-b", 100, 3)]
    [25.0, 4.330127018922194, 5.0]
    """
    model, d, k = _check_bundle(model, dimension, n_items)
    shape, (d_f, k_f) = broadcast_flat(d, k)
    return tuple(scalar_or_array(x.reshape(shape)) for x in _moments(model, d_f, k_f))


def _snr(model: str, d: np.ndarray, k: np.ndarray, exact: bool) -> np.ndarray:
    if model in _BINARY and not exact:
        return np.sqrt(2.0 * d / (math.pi * k))
    if model == "hrr" and not exact:
        return np.sqrt(d / (k + 1.0))
    mu, _, sd_reject = _moments(model, d, k)
    return mu / sd_reject


def bundle_snr(model: str, dimension, n_items, *, exact: bool = True) -> np.ndarray | float:
    r"""Signal-to-noise ratio :math:`d' = \mu_{hit}/\sigma_{rej}` of a key-value bundle.

    ``map-i``: :math:`\sqrt{D/K}`; ``fhrr``: :math:`\sqrt{2D/K}`; ``hrr``:
    :math:`\sqrt{D/(K + 1 + r/D)}` (``exact=False``: Plate's :math:`\sqrt{D/(K+1)}`);
    ``map-b`` and ``bsc``: :math:`2\sqrt D\,(\tfrac12 - \Delta(K))` with Kanerva's
    :math:`\Delta` (``exact=False``: its large-``K`` form :math:`\sqrt{2D/(\pi K)}`).
    Frady, Kleyko and Sommer, Neural Computation 30, 1449 (2018); Kanerva, Cognitive
    Computation 1, 139 (2009); Plate, IEEE Trans. Neural Networks 6, 623 (1995).

    Parameters
    ----------
    model : {"map-i", "map-b", "bsc", "hrr", "fhrr"}
    dimension, n_items : array_like
        ``D`` and ``K``, integers in ``[1, 1e15]``.
    exact : bool
        Kanerva's :math:`\Delta` (binary) and Plate's exact second moments (HRR), or
        the closed forms; MAP-I and FHRR are the same either way.

    Examples
    --------
    >>> float(bundle_snr("map-i", 1000, 10))
    10.0
    >>> round(float(bundle_snr("map-b", 1000, 25)), 4), round(
    ...     float(bundle_snr("map-b", 1000, 25, exact=False)), 4)
    (5.097, 5.0463)
    """
    model, d, k = _check_bundle(model, dimension, n_items)
    shape, (d_f, k_f) = broadcast_flat(d, k)
    return scalar_or_array(_snr(model, d_f, k_f, bool(exact)).reshape(shape))


def _accuracy(model, d, k, m, form) -> np.ndarray:
    if form == "moments":
        mu, sd_hit, sd_reject = _moments(model, d, k)
        return _wta(mu / sd_reject, sd_hit / sd_reject, m)
    return _wta(_snr(model, d, k, form == "snr"), np.ones_like(d), m)


def bundle_accuracy(
    model: str, dimension, n_items, codebook_size, *, form: str = "snr"
) -> np.ndarray | float:
    r"""Probability of reading one value of a ``K``-item bundle correctly (WTA cleanup).

    ``form="snr"`` (default): :func:`wta_accuracy` of ``bundle_snr(exact=True)``
    (Frady, Kleyko and Sommer, Neural Computation 30, 1449 (2018): hit and rejects of
    equal variance, the exact :math:`d'`); ``"moments"``: :func:`wta_accuracy_general`
    with the exact means and variances of :func:`bundle_moments`; ``"approximate"``:
    :func:`wta_accuracy` of ``bundle_snr(exact=False)``.

    Parameters
    ----------
    model : {"map-i", "map-b", "bsc", "hrr", "fhrr"}
    dimension, n_items, codebook_size : array_like
        ``D``, ``K`` and ``M``, integers in ``[1, 1e15]``, broadcast together.
    form : {"snr", "moments", "approximate"}

    Examples
    --------
    >>> round(float(bundle_accuracy("map-i", 1000, 100, 27)), 4)
    0.854
    >>> round(float(bundle_accuracy("map-b", 1000, 51, 1000)), 4)
    0.6166
    >>> round(float(bundle_accuracy("map-i", 1000, 50, 1000, form="moments")), 4)
    0.8792
    """
    model, d, k = _check_bundle(model, dimension, n_items)
    m = _counts("codebook_size", codebook_size)
    form = check_choice("form", form, ACCURACY_FORMS)
    shape, (d_f, k_f, m_f) = broadcast_flat(d, k, m)
    return scalar_or_array(_accuracy(model, d_f, k_f, m_f, form).reshape(shape))


def _check_capacity(model, dimension, codebook_size, accuracy):
    model = check_choice("model", model, VSA_MODELS)
    d = _counts("dimension", dimension)
    m = _counts("codebook_size", codebook_size, minimum=2.0)
    p = as_real_array("accuracy", accuracy, maximum=1.0, include_minimum=False)
    shape, (d_f, m_f, p_f) = broadcast_flat(d, m, p)
    chance = p_f <= 1.0 / m_f
    if np.any(chance):
        i = int(np.flatnonzero(chance)[0])
        raise ValueError(
            f"accuracy must exceed chance 1/codebook_size = {1.0 / m_f[i]:g} (every K "
            f"reaches it), got {p_f[i]:g}"
        )
    return model, shape, d_f, m_f, p_f


def bundle_capacity(
    model: str, dimension, codebook_size, accuracy=0.99, *, form: str = "snr"
) -> np.ndarray | int:
    r"""Largest number of items ``K`` whose bundle is read out with at least ``accuracy``.

    :math:`K_{max} = \max\{K : p_{corr}(K) \ge p\}` with :func:`bundle_accuracy`,
    by bisection on the integers (the accuracy does not grow with ``K``); 0 when even
    one item is read out worse. Roughly :math:`D_{eff}/(\sqrt{2\ln M} +
    \Phi^{-1}(p))^2` (:func:`bundle_capacity_estimate`).

    Parameters
    ----------
    model : {"map-i", "map-b", "bsc", "hrr", "fhrr"}
    dimension : array_like
        ``D``, integer in ``[1, 1e15]``.
    codebook_size : array_like
        ``M``, integer in ``[2, 1e15]``.
    accuracy : array_like
        Target ``p`` in ``(1/M, 1)``.
    form : {"snr", "moments", "approximate"}
        As in :func:`bundle_accuracy` (``"moments"`` gives 47 instead of 46 at
        ``D = 1000``, ``M = 27``).

    Returns
    -------
    int or ndarray of int64

    Raises
    ------
    ValueError
        One line, for a bad model, form or number (e.g. ``accuracy must exceed chance
        1/codebook_size = 0.5 (every K reaches it), got 0.3``).

    Examples
    --------
    >>> [int(bundle_capacity("map-i", 1000, m)) for m in (27, 1000, 100000)]
    [46, 30, 21]
    """
    model, shape, d, m, p = _check_capacity(model, dimension, codebook_size, accuracy)
    form = check_choice("form", form, ACCURACY_FORMS)

    def ok(k: np.ndarray, index: np.ndarray) -> np.ndarray:
        return _accuracy(model, d[index], k, m[index], form) >= p[index]

    everyone = np.arange(d.size)
    lo = np.zeros(d.size)  # largest K known to pass (0: none)
    hi = np.ones(d.size)  # smallest K known to fail, once found
    found = np.zeros(d.size, dtype=bool)
    while not np.all(found):  # doubling: lo passes, hi is the next try
        idx = everyone[~found]
        passed = ok(hi[idx], idx)
        lo[idx[passed]] = hi[idx[passed]]
        hi[idx[passed]] *= 2.0
        found[idx[~passed]] = True
        if np.any(hi > MAX_COUNT):
            raise ValueError(
                f"bundle_capacity exceeds {MAX_COUNT:g} items (dimension too large for the "
                "codebook and accuracy)"
            )
    while True:  # bisection: lo passes (or is 0), hi fails
        open_ = everyone[hi - lo > 1.0]
        if open_.size == 0:
            break
        mid = np.floor(0.5 * (lo[open_] + hi[open_]))
        passed = ok(mid, open_)
        lo[open_[passed]] = mid[passed]
        hi[open_[~passed]] = mid[~passed]
    out = lo.astype(np.int64).reshape(shape)
    return int(out) if out.ndim == 0 else out


def bundle_capacity_estimate(
    model: str, dimension, codebook_size, accuracy=0.99
) -> np.ndarray | float:
    r"""Rule of thumb :math:`K_{max} \approx D_{eff}/(\sqrt{2\ln M} + \Phi^{-1}(p))^2`.

    The largest of ``M - 1`` standard rejects sits near :math:`\sqrt{2\ln M}`; the hit
    :math:`N(d', 1)` beats it with probability about :math:`\Phi(d' - \sqrt{2\ln M})`.
    With :math:`d'^2 = D_{eff}/K`: :math:`D_{eff} = D` (MAP-I), ``2D`` (FHRR),
    :math:`2D/\pi` (MAP-B, BSC), ``D`` with ``K + 1`` items (HRR). Leading order only
    (Frady, Kleyko and Sommer, Neural Computation 30, 1449 (2018)): at ``D = 1000``,
    ``p = 0.99`` it gives 41.8 and 27.4 where :func:`bundle_capacity` gives 46 and 30.

    Examples
    --------
    >>> round(float(bundle_capacity_estimate("map-i", 1000, 27)), 1)
    41.8
    """
    model, shape, d, m, p = _check_capacity(model, dimension, codebook_size, accuracy)
    scale = {"map-i": 1.0, "hrr": 1.0, "fhrr": 2.0, "map-b": 2.0 / math.pi, "bsc": 2.0 / math.pi}
    k = scale[model] * d / (np.sqrt(2.0 * np.log(m)) + ndtri(p)) ** 2
    if model == "hrr":
        k = k - 1.0
    return scalar_or_array(k.reshape(shape))


# ---------------------------------------------------------------------------------------
# Bloom filter


def bloom_false_positive_rate(dimension, n_items, n_hashes) -> np.ndarray | float:
    r"""False-positive rate :math:`(1 - e^{-kn/D})^k` of a Bloom filter.

    ``D`` bits, ``n`` stored items, ``k`` hash functions (Bloom, Commun. ACM 13, 422
    (1970)): the classical estimate, treating the bits as independent.

    Parameters
    ----------
    dimension : array_like
        ``D``, integer in ``[1, 1e15]``.
    n_items : array_like
        ``n``, integer in ``[0, 1e15]``.
    n_hashes : array_like
        ``k > 0`` (an integer in practice; real values for the optimum).

    Examples
    --------
    >>> round(float(bloom_false_positive_rate(1000, 100, 7)), 6)
    0.008194
    """
    d = _counts("dimension", dimension)
    n = _counts("n_items", n_items, minimum=0.0)
    k = as_real_array("n_hashes", n_hashes, maximum=MAX_COUNT, include_minimum=False)
    return scalar_or_array((-np.expm1(-k * n / d)) ** k)


def _check_bloom(dimension, n_items):
    return _counts("dimension", dimension), _counts("n_items", n_items)


def bloom_optimal_hashes(dimension, n_items) -> np.ndarray | float:
    r"""Return the number of hashes :math:`k^* = (D/n)\ln 2` minimising the false positives.

    There half of the bits are set and the rate is :math:`2^{-k^*}`
    (:func:`bloom_optimal_false_positive_rate`); round to a neighbouring integer in use.

    Examples
    --------
    >>> round(float(bloom_optimal_hashes(1000, 100)), 4)
    6.9315
    """
    d, n = _check_bloom(dimension, n_items)
    return scalar_or_array(d / n * math.log(2.0))


def bloom_optimal_false_positive_rate(dimension, n_items) -> np.ndarray | float:
    r"""Smallest false-positive rate :math:`2^{-k^*} = 2^{-(D/n)\ln 2}` of a Bloom filter.

    Examples
    --------
    >>> round(float(bloom_optimal_false_positive_rate(1000, 100)), 6)
    0.008193
    """
    d, n = _check_bloom(dimension, n_items)
    return scalar_or_array(np.exp2(-d / n * math.log(2.0)))


def _check_universe(n_items, universe, delta):
    n = _counts("n_items", n_items)
    u = _counts("universe", universe)
    dl = _probability("delta", delta)
    shape, (n_f, u_f, d_f) = broadcast_flat(n, u, dl)
    if np.any(n_f > u_f):
        i = int(np.flatnonzero(n_f > u_f)[0])
        raise ValueError(f"n_items must be at most universe, got {n_f[i]:g} > {u_f[i]:g}")
    return shape, n_f, u_f, d_f


def bloom_dimension(n_items, universe, delta) -> np.ndarray | float:
    r"""Bits :math:`D = n\log_2(U/\delta)/\ln 2`: no false positive with probability ``1 - delta``.

    With the optimal :math:`k^*` the rate is :math:`2^{-(D/n)\ln 2}`; the union bound
    over the ``U`` atoms of the universe asks :math:`U\, 2^{-(D/n)\ln 2} \le \delta`
    (Bloom, Commun. ACM 13, 422 (1970); ``docs/theory/vsa.md``). About
    :math:`1.44\, n \log_2(U/\delta)`.

    Examples
    --------
    >>> round(float(bloom_dimension(100, 10**4, 0.01)), 1)
    2875.5
    """
    shape, n, u, dl = _check_universe(n_items, universe, delta)
    return scalar_or_array((n * np.log(u / dl) / math.log(2.0) ** 2).reshape(shape))


# ---------------------------------------------------------------------------------------
# set membership


def membership_dimension(
    model: str, n_items, universe, delta, *, bound: str | None = None
) -> np.ndarray | float:
    r"""Dimension sufficient for a threshold test of membership in a bundle of ``n`` atoms.

    A set ``S`` of ``n`` atoms out of a universe of ``U`` is stored as their bundle
    ``s``; atom ``a`` is declared a member when :math:`\langle s, a\rangle` exceeds
    half the member mean. The bound is a ``D`` at which all ``U`` answers are right
    with probability at least ``1 - delta`` (``docs/theory/vsa.md``):

    * ``bound="hoeffding"`` (default for ``map-i``), derived here from Hoeffding's
      inequality and the union bound: MAP-I :math:`D \ge 8 n \ln(U/\delta)`; MAP-B and
      BSC (majority bundle) :math:`D \ge 2\ln(U/\delta)/c_n^2`,
      :math:`c_n = \tfrac12 - \Delta(n)` (about :math:`4\pi n\ln(U/\delta)`).
    * ``bound="clarkson"`` (default for ``map-b`` and ``bsc``):
      :math:`D = 56\, n \ln(2U/\delta)`, the sufficient condition obtained in the proof
      of the MAP-B membership theorem of Clarkson, Ubaru and Yang (arXiv:2301.10352), as
      quoted; a sufficient condition, not a tight value.

    Parameters
    ----------
    model : {"map-i", "map-b", "bsc"}
    n_items : array_like
        ``n``, integer in ``[1, U]``.
    universe : array_like
        ``U``, integer in ``[1, 1e15]``.
    delta : array_like
        Failure probability in ``(0, 1)``.
    bound : {"hoeffding", "clarkson"}, optional

    Returns
    -------
    float or ndarray
        ``D`` (real; any integer above it suffices).

    Examples
    --------
    >>> round(float(membership_dimension("map-i", 10, 1000, 0.1)), 1)
    736.8
    >>> round(float(membership_dimension("map-b", 10, 1000, 0.1)), 1)
    5546.0
    """
    model = check_choice("model", model, MEMBERSHIP_MODELS)
    if bound is None:
        bound = "hoeffding" if model == "map-i" else "clarkson"
    bound = check_choice("bound", bound, MEMBERSHIP_BOUNDS)
    if bound == "clarkson" and model == "map-i":
        raise ValueError("bound 'clarkson' is quoted for models 'map-b' and 'bsc', got 'map-i'")
    shape, n, u, dl = _check_universe(n_items, universe, delta)
    if bound == "clarkson":
        out = 56.0 * n * np.log(2.0 * u / dl)
    elif model == "map-i":
        out = 8.0 * n * np.log(u / dl)
    else:
        out = 2.0 * np.log(u / dl) / _kanerva_overlap(n) ** 2
    return scalar_or_array(out.reshape(shape))


def _membership_failure(model: str, d: float, n: float, u: float) -> float:
    """Gaussian estimate of P(some atom answered wrongly), the atoms taken independent."""
    if model == "map-i":
        # member: D + N(0, (n-1)D); non-member: N(0, nD); threshold D/2
        miss = ndtr(-0.5 * d / math.sqrt((n - 1.0) * d)) if n > 1 else 0.0
        false = ndtr(-0.5 * d / math.sqrt(n * d))
    else:
        # +-1 dot products: member mean 2Dc, variance 4D Delta(1 - Delta); non-member
        # N(0, D); threshold Dc
        c = float(_kanerva_overlap(np.array(n)))
        delta = 0.5 - c
        spread = math.sqrt(4.0 * d * delta * (1.0 - delta))
        miss = ndtr(-d * c / spread) if spread > 0 else 0.0
        false = ndtr(-d * c / math.sqrt(d))
    log_ok = n * math.log1p(-miss) + (u - n) * math.log1p(-false)
    return -math.expm1(log_ok)


def membership_dimension_gaussian(model: str, n_items, universe, delta) -> np.ndarray | float:
    r"""Gaussian estimate of the smallest ``D`` for error-free membership tests.

    The test of :func:`membership_dimension` (threshold at half the member mean), with
    the member and non-member scores taken Gaussian with their exact moments and the
    ``U`` answers independent: ``D`` solves
    :math:`1 - (1 - P_{miss})^n (1 - P_{false})^{U-n} = \delta` (real ``D``). MAP-I:
    :math:`P_{miss} = \Phi(-\tfrac12\sqrt{D/(n-1)})`,
    :math:`P_{false} = \Phi(-\tfrac12\sqrt{D/n})`; MAP-B and BSC:
    :math:`P_{miss} = \Phi(-c_n\sqrt{D}/(2\sqrt{\Delta(1-\Delta)}))`,
    :math:`P_{false} = \Phi(-c_n\sqrt D)`. An estimate, neither a bound nor the exact
    minimum (the sums of a finite ``D`` are not Gaussian in their tails).

    Parameters
    ----------
    model : {"map-i", "map-b", "bsc"}
    n_items, universe, delta : array_like
        As in :func:`membership_dimension`.

    Examples
    --------
    >>> round(float(membership_dimension_gaussian("map-i", 10, 1000, 0.1)), 1)
    548.9
    """
    model = check_choice("model", model, MEMBERSHIP_MODELS)
    shape, n, u, dl = _check_universe(n_items, universe, delta)
    out = np.empty(n.size)
    for i, (ni, ui, di) in enumerate(zip(n, u, dl)):
        hi = float(membership_dimension(model, ni, ui, di, bound="hoeffding"))

        def excess(d, ni=ni, ui=ui, di=di):
            return _membership_failure(model, d, ni, ui) - di

        lo = 1e-6
        while excess(hi) > 0:  # never needed for the bounds above; kept as a guard
            hi *= 2.0
        out[i] = lo if excess(lo) <= 0 else brentq(excess, lo, hi, xtol=1e-9, rtol=1e-12)
    return scalar_or_array(out.reshape(shape))


def sequence_accuracy(model: str, dimension, length, codebook_size, decay=1.0) -> np.ndarray:
    r"""Readout accuracy at every lag of a decaying sequence trace (leaky working memory).

    The trace of the sequence :math:`a_1, \dots, a_K` with decay :math:`\lambda`,

    .. math:: x = \sum_{m=1}^{K} \lambda^{K-m} \rho^{K-m}(\Phi a_m),

    is the working memory of Frady, Kleyko and Sommer (Neural Computation 30, 1449
    (2018)): each new symbol enters permuted by :math:`\rho` and the old ones fade by
    :math:`\lambda` per step (:math:`\lambda = 1`: the plain sequence trace). Reading
    lag ``j`` unpermutes by :math:`\rho^{-j}` and cleans up against the ``M`` atoms. For
    MAP-I the permuted items are independent random vectors, so the hit's similarity
    has mean :math:`\lambda^j D` and variance :math:`D \sum_{i \ne j} \lambda^{2i}`, and
    a reject's mean 0 and variance :math:`D \sum_{i} \lambda^{2i}` (sums over
    :math:`i = 0, \dots, K-1`); :func:`wta_accuracy_general` takes them. FHRR (real part
    of the phasor products) is MAP-I at :math:`2D`; HRR is taken like MAP-I, the same
    approximation as :func:`bundle_accuracy` makes at ``decay = 1`` without Plate's
    extra noise. For :math:`K \to \infty`, :math:`d'_j \approx \lambda^j
    \sqrt{D (1 - \lambda^2)}`: the memory fades geometrically with the lag
    (``docs/theory/vsa.md``, section 8).

    Parameters
    ----------
    model : {"map-i", "hrr", "fhrr"}
        A model of :data:`SEQUENCE_MODELS` (the binarised bundles have no decay).
    dimension : int
        ``D >= 1``.
    length : int
        ``K >= 1``, the symbols in the trace.
    codebook_size : int
        ``M >= 1``.
    decay : float, optional
        :math:`\lambda \in (0, 1]`.

    Returns
    -------
    ndarray
        Shape ``(K,)``: the accuracy at lag ``j = 0, ..., K - 1`` (``j = 0`` the most
        recent symbol).

    Examples
    --------
    >>> p = sequence_accuracy("map-i", 1000, 50, 27)
    >>> round(float(p[0]), 4), bool(np.allclose(p, p[0]))
    (0.9863, True)
    """
    model = check_choice("model", model, SEQUENCE_MODELS)
    D = check_int("dimension", dimension, minimum=1, maximum=int(MAX_COUNT))
    K = check_int("length", length, minimum=1, maximum=1_000_000)
    M = check_int("codebook_size", codebook_size, minimum=1, maximum=int(MAX_COUNT))
    lam = check_real("decay", decay, minimum=0.0, maximum=1.0, include_minimum=False)
    effective = 2.0 * D if model == "fhrr" else float(D)
    weights2 = lam ** (2.0 * np.arange(K))
    total = float(np.sum(weights2))
    mu = effective * lam ** np.arange(K, dtype=float)
    sd_hit = np.sqrt(effective * np.maximum(total - weights2, 0.0))
    sd_reject = np.sqrt(effective * total)
    return np.asarray(wta_accuracy_general(mu, sd_hit, sd_reject, M), dtype=float)
