r"""Low-load theory of the Hopfield model: symmetric mixture states and their stability.

Contract
--------
Finite number ``K`` of patterns, ``N -> infinity`` (``alpha = 0``), zero-diagonal
Hebbian couplings (the ``+alpha/2`` constant vanishes). Pure, deterministic functions;
every average over the condensed patterns is an **exact finite sum** (binomial
distribution of ``z_n = sum_{mu <= n} xi^mu`` or enumeration of the ``2^n`` sign
patterns), never a sample. Temperatures are vectorised (NumPy broadcasting); the
mixture size ``n <= K`` is a Python integer. ``nan`` marks quantities that do not exist
(e.g. a mixture overlap at ``T >= 1``). Temperatures must be finite and ``>= 0`` (one-line
:class:`ValueError` otherwise); the checks and ``ln 2cosh`` / ``sech^2`` come from the
shared core :mod:`hebbian.theory._core`.

Equations (AGS, Phys. Rev. A 32, 1007 (1985); Amit, *Modeling Brain Function* (1989),
ch. 4; Coolen, Kuhn and Sollich (2005), ch. 21). Mean-field free energy per spin with
overlaps ``m = (m_1, ..., m_K)``:

.. math::

    f(\mathbf m) = \frac12\sum_\mu m_\mu^2
        - T\,\bigl\langle\ln 2\cosh\beta\,\mathbf m\cdot\boldsymbol\xi\bigr\rangle_{\xi},
    \qquad m_\mu = \bigl\langle\xi^\mu\tanh\beta\,\mathbf m\cdot\boldsymbol\xi\bigr\rangle_{\xi}.

Symmetric ``n``-mixture: ``m_mu = m_n`` for ``mu <= n``, 0 otherwise, with

.. math::

    m_n = \frac1n\bigl\langle z_n\tanh(\beta m_n z_n)\bigr\rangle,\qquad
    f_n = \frac n2 m_n^2 - T\langle\ln 2\cosh\beta m_n z_n\rangle,\qquad
    E_n = -\frac{\langle|z_n|\rangle^2}{2n}\ (T=0).

Stability: the Hessian of ``f`` in the overlaps is ``A`` with

.. math::

    A_{\mu\nu} = \delta_{\mu\nu}
        - \beta\bigl\langle\xi^\mu\xi^\nu\,\mathrm{sech}^2(\beta\,\mathbf m\cdot\boldsymbol\xi)
        \bigr\rangle_\xi ,

which must be positive definite. For the symmetric mixture it has three distinct
eigenvalues: along ``(1, ..., 1)`` (longitudinal), ``n - 1`` transverse ones inside the
condensed subspace, and ``K - n`` non-condensed ones
``1 - beta <sech^2(beta m_n z_n)>``.

References
----------
D. J. Amit, H. Gutfreund, H. Sompolinsky, Phys. Rev. A 32, 1007 (1985).
D. J. Amit, *Modeling Brain Function* (Cambridge, 1989).
A. C. C. Coolen, R. Kuhn, P. Sollich, *Theory of Neural Information Processing
Systems* (Oxford, 2005).
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy.optimize import brentq
from scipy.special import gammaln

from hebbian.theory._core import as_real_array, check_count, log2cosh, scalar_or_array, sech2

__all__ = [
    "curie_weiss_magnetization",
    "mixture_energy_zero_temperature",
    "mixture_free_energy",
    "mixture_hessian_eigenvalues",
    "mixture_is_stable",
    "mixture_overlap",
    "mixture_stability_temperature",
    "overlap_hessian",
]

#: Largest number of condensed patterns for which 2^n patterns are enumerated.
MAX_ENUMERATED = 20


def _binomial(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Support ``z = n - 2k`` and probabilities ``C(n, k) / 2^n`` of ``z_n``."""
    k = np.arange(n + 1)
    log_w = gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1) - n * np.log(2.0)
    return (n - 2 * k).astype(float), np.exp(log_w)


def mixture_energy_zero_temperature(n: int) -> float:
    r"""Energy per spin of the symmetric ``n``-mixture at ``T = 0`` (``alpha = 0``).

    .. math::

        m_n = \frac{\langle|z_n|\rangle}{n},\qquad
        E_n = \frac n2 m_n^2 - m_n\langle|z_n|\rangle = -\frac{\langle|z_n|\rangle^2}{2n}

    with the exact binomial average (AGS, Phys. Rev. A 32, 1007 (1985)). Gives
    ``E_1 = -0.5``, ``E_3 = -0.375``, ``E_5 = -0.3516``, ``E_7 = -0.3418``.

    Parameters
    ----------
    n : int
        Number of mixed patterns, ``>= 1``.

    Returns
    -------
    float
        ``E_n``.

    Raises
    ------
    ValueError
        If ``n`` is not an integer ``>= 1``.
    """
    n = check_count("n", n)
    z, w = _binomial(n)
    mean_abs = float(np.sum(w * np.abs(z)))
    return -(mean_abs**2) / (2.0 * n)


def mixture_overlap(
    n: int, temperature: np.ndarray | float, *, tol: float = 1e-14, max_iter: int = 500
) -> np.ndarray:
    r"""Overlap ``m_n(T)`` of the symmetric ``n``-mixture state at ``alpha = 0``.

    Solves ``m = (1/n) <z_n tanh(beta m z_n)>`` (exact binomial sum; AGS, Phys. Rev. A
    32, 1007 (1985)) by Newton's method started from the ``T = 0`` value
    ``<|z_n|>/n``; the right-hand side is concave in ``m > 0``, so the iteration
    decreases monotonically onto the non-zero root. ``n = 1`` is the Curie-Weiss
    equation ``m = tanh(beta m)``.

    Parameters
    ----------
    n : int
        Number of mixed patterns, ``>= 1``.
    temperature : array_like
        ``T``, finite and ``>= 0``.
    tol : float, optional
        Convergence threshold on ``|m - (1/n) <z tanh(beta m z)>|``.
    max_iter : int, optional
        Newton iterations (the convergence is only linear as ``T -> 1``).

    Returns
    -------
    ndarray
        ``m_n`` with the shape of ``temperature``; ``nan`` for ``T >= 1`` (only
        ``m = 0`` solves the equation there) and where Newton did not converge.

    Raises
    ------
    ValueError
        If ``n`` is not an integer ``>= 1``, or ``temperature`` is negative or not finite.
    """
    n = check_count("n", n)
    t = as_real_array("temperature", temperature)
    z, w = _binomial(n)
    tt = t.ravel()
    m0 = float(np.sum(w * np.abs(z))) / n
    out = np.full(tt.size, np.nan)
    out[tt == 0] = m0
    idx = np.flatnonzero((tt > 0) & (tt < 1))
    if idx.size:
        beta = 1.0 / tt[idx][:, None]
        m = np.full(idx.size, m0)
        done = np.zeros(idx.size, dtype=bool)
        for _ in range(max_iter):
            x = beta * m[:, None] * z
            g = np.sum(w * z * np.tanh(x), axis=1) / n
            dg = np.sum(w * z * z * sech2(x), axis=1) * beta[:, 0] / n
            res = m - g
            done = np.abs(res) < tol
            if np.all(done):
                break
            m = np.where(done, m, m - res / (1.0 - dg))
        ok = done & (m > 1e-7)
        out[idx] = np.where(ok, m, np.nan)
    return scalar_or_array(out.reshape(t.shape))


def curie_weiss_magnetization(temperature: np.ndarray | float) -> np.ndarray:
    r"""Spontaneous magnetisation of the Curie-Weiss model, ``m = tanh(m / T)``.

    The ``alpha = 0``, ``n = 1`` limit of the AGS equations (Amit 1989, ch. 4):
    ``m(T) = 0.99741, 0.9575, 0.82863, 0.52543`` at ``T = 0.3, 0.5, 0.7, 0.9``.

    Parameters
    ----------
    temperature : array_like
        ``T``, finite and ``>= 0``.

    Returns
    -------
    ndarray
        The positive root for ``T < 1``; ``0.0`` for ``T >= 1`` (unlike
        :func:`mixture_overlap`, which returns ``nan`` there).

    Raises
    ------
    ValueError
        If ``temperature`` is negative or not finite.
    """
    t = as_real_array("temperature", temperature)
    m = np.asarray(mixture_overlap(1, t))
    return scalar_or_array(np.where(t >= 1, 0.0, m))


def mixture_free_energy(n: int, temperature: np.ndarray | float) -> np.ndarray:
    r"""Free energy per spin of the symmetric ``n``-mixture (``alpha = 0``).

    .. math::

        f_n = \frac n2 m_n^2 - T\,\langle\ln 2\cosh(\beta m_n z_n)\rangle

    (AGS, Phys. Rev. A 32, 1007 (1985); zero-diagonal convention, so no constant at
    ``alpha = 0``), with ``m_n`` from :func:`mixture_overlap`; at ``T = 0`` it is the
    energy :func:`mixture_energy_zero_temperature`.

    Parameters
    ----------
    n : int
        Number of mixed patterns, ``>= 1``.
    temperature : array_like
        ``T``, finite and ``>= 0``.

    Returns
    -------
    ndarray
        ``f_n`` with the shape of ``temperature``; ``nan`` for ``T >= 1``.

    Raises
    ------
    ValueError
        If ``n`` is not an integer ``>= 1``, or ``temperature`` is negative or not finite.
    """
    n = check_count("n", n)
    t = as_real_array("temperature", temperature)
    m = np.asarray(mixture_overlap(n, t), dtype=float).ravel()
    tt = t.ravel()
    z, w = _binomial(n)
    f = np.full(tt.size, np.nan)
    zero = tt == 0
    f[zero] = mixture_energy_zero_temperature(n)
    pos = np.flatnonzero(~zero & np.isfinite(m))
    if pos.size:
        beta = 1.0 / tt[pos]
        lc = np.sum(w * log2cosh(beta[:, None] * m[pos, None] * z), axis=1)
        f[pos] = n * m[pos] ** 2 / 2.0 - tt[pos] * lc
    return scalar_or_array(f.reshape(t.shape))


def _sign_patterns(n: int) -> np.ndarray:
    """All ``2^n`` patterns of ``n`` signs, shape ``(2^n, n)``."""
    if n > MAX_ENUMERATED:
        raise ValueError(f"exact enumeration needs n <= {MAX_ENUMERATED}, got n = {n}")
    return np.array(list(itertools.product((1.0, -1.0), repeat=n)))


def overlap_hessian(overlaps: np.ndarray, temperature: np.ndarray | float) -> np.ndarray:
    r"""Stability matrix ``A`` of a low-load state with condensed overlaps ``m``.

    .. math::

        A_{\mu\nu} = \delta_{\mu\nu}
            - \beta\,\bigl\langle\xi^\mu\xi^\nu\,
              \mathrm{sech}^2(\beta\,\mathbf m\cdot\boldsymbol\xi)\bigr\rangle_\xi

    by exact enumeration of the ``2^n`` sign patterns (AGS, Phys. Rev. A 32, 1007
    (1985)); ``A`` is the Hessian of the free energy in the overlaps. Directions
    of non-condensed patterns decouple, with eigenvalue
    ``1 - beta <sech^2(beta m . xi)>`` (see :func:`mixture_hessian_eigenvalues`).

    Parameters
    ----------
    overlaps : (n,) array_like
        Condensed overlaps ``m_1 .. m_n``, ``1 <= n <= 20``.
    temperature : array_like
        ``T``, finite and ``> 0``.

    Returns
    -------
    ndarray
        Shape ``temperature.shape + (n, n)``.

    Raises
    ------
    ValueError
        If ``overlaps`` is not a non-empty 1-D array of at most 20 finite values, or
        ``temperature`` is not finite and ``> 0``.
    """
    m = np.asarray(overlaps, dtype=float)
    if m.ndim != 1 or m.size < 1 or not np.all(np.isfinite(m)):
        raise ValueError(f"overlaps must be a non-empty 1-D array of finite values, got {m!r}")
    t = as_real_array("temperature", temperature, include_minimum=False)
    xi = _sign_patterns(m.size)
    beta = 1.0 / t.ravel()
    g = sech2(beta[:, None] * (xi @ m)[None, :]) / xi.shape[0]  # (T, 2^n)
    a = np.eye(m.size) - beta[:, None, None] * np.einsum("tk,ki,kj->tij", g, xi, xi)
    return a.reshape(t.shape + (m.size, m.size))


def mixture_hessian_eigenvalues(n: int, temperature: np.ndarray | float) -> np.ndarray:
    r"""Eigenvalues of ``A`` at the symmetric ``n``-mixture (``alpha = 0``).

    With ``g = sech^2(beta m_n z_n)`` and exact binomial averages,

    .. math::

        \lambda_\parallel = 1 - \frac\beta n\langle z_n^2 g\rangle,\qquad
        \lambda_\perp = 1 - \beta\Bigl[\langle g\rangle
            - \frac{\langle z_n^2 g\rangle - n\langle g\rangle}{n(n-1)}\Bigr],\qquad
        \lambda_0 = 1 - \beta\langle g\rangle,

    the longitudinal eigenvalue (along ``(1, ..., 1)``), the ``(n-1)``-fold transverse
    one inside the condensed subspace, and the non-condensed one (AGS, Phys. Rev. A 32,
    1007 (1985); Amit 1989, sec. 4.3). They agree with :func:`overlap_hessian`.

    Parameters
    ----------
    n : int
        Number of mixed patterns, ``>= 1``.
    temperature : array_like
        ``T``, finite and ``>= 0``; ``nan`` results outside ``0 < T < 1`` (no mixture
        state).

    Returns
    -------
    ndarray
        Shape ``temperature.shape + (3,)``: ``[longitudinal, transverse,
        non_condensed]``; the transverse entry is ``nan`` for ``n = 1``.

    Raises
    ------
    ValueError
        If ``n`` is not an integer ``>= 1``, or ``temperature`` is negative or not finite.
    """
    n = check_count("n", n)
    t = as_real_array("temperature", temperature)
    m = np.asarray(mixture_overlap(n, t), dtype=float).ravel()
    tt = t.ravel()
    out = np.full((tt.size, 3), np.nan)
    pos = np.flatnonzero((tt > 0) & np.isfinite(m))
    if pos.size:
        z, w = _binomial(n)
        beta = 1.0 / tt[pos]
        g = sech2(beta[:, None] * m[pos, None] * z)
        mean_g = np.sum(w * g, axis=1)
        mean_z2g = np.sum(w * z * z * g, axis=1)
        out[pos, 0] = 1.0 - beta * mean_z2g / n
        if n > 1:
            off = (mean_z2g - n * mean_g) / (n * (n - 1))
            out[pos, 1] = 1.0 - beta * (mean_g - off)
        out[pos, 2] = 1.0 - beta * mean_g
    return out.reshape(t.shape + (3,))


def mixture_is_stable(n: int, temperature: np.ndarray | float) -> np.ndarray:
    """Whether the symmetric ``n``-mixture is a local minimum of ``f`` (all ``A`` > 0).

    Uses :func:`mixture_hessian_eigenvalues`; at ``T = 0`` the limit ``T -> 0+`` is
    taken (odd ``n``: ``A -> 1``, stable; even ``n``: patterns with ``z_n = 0`` make
    ``A`` diverge negatively, unstable).

    Parameters
    ----------
    n : int
        Number of mixed patterns, ``>= 1``.
    temperature : array_like
        ``T``, finite and ``>= 0``.

    Returns
    -------
    ndarray of bool
        False also where the mixture does not exist (``T >= 1``).

    Raises
    ------
    ValueError
        If ``n`` is not an integer ``>= 1``, or ``temperature`` is negative or not finite.
    """
    n = check_count("n", n)
    t = as_real_array("temperature", temperature)
    lam = np.asarray(mixture_hessian_eigenvalues(n, np.where(t == 0, 1e-3, t)))
    finite = np.isfinite(lam)
    stable = np.all(np.where(finite, lam > 0, True), axis=-1) & np.isfinite(lam[..., 0])
    if n % 2 == 0:
        stable = np.where(t == 0, False, stable)
    return scalar_or_array(np.asarray(stable))


def mixture_stability_temperature(n: int) -> float:
    """Temperature below which the symmetric ``n``-mixture is locally stable.

    The smallest eigenvalue of :func:`mixture_hessian_eigenvalues` crosses zero there
    (for ``n = 3`` the doubly degenerate transverse one). Located by a scan of ``T``
    in steps of 0.005 followed by Brent's method (``xtol = 1e-12``). AGS, Phys. Rev. A
    32, 1007 (1985) quote 0.461 for ``n = 3``; here ``T_3 = 0.4598``, ``T_5 ~ 0.385``,
    ``T_7 ~ 0.344``.

    Parameters
    ----------
    n : int
        Number of mixed patterns, ``>= 1``.

    Returns
    -------
    float
        ``1.0`` for ``n = 1`` (the retrieval state is stable for all ``T < 1``);
        ``nan`` for even ``n`` (never stable) and when no stable range is found.

    Raises
    ------
    ValueError
        If ``n`` is not an integer ``>= 1``.
    """
    n = check_count("n", n)
    if n == 1:
        return 1.0
    if n % 2 == 0:
        return float("nan")

    def min_eig(t: float) -> float:
        return float(np.nanmin(mixture_hessian_eigenvalues(n, t)))

    grid = np.arange(0.005, 1.0, 0.005)
    lam = np.nanmin(np.asarray(mixture_hessian_eigenvalues(n, grid)), axis=-1)
    if not lam[0] > 0:
        return float("nan")
    bad = np.flatnonzero(~(lam > 0))
    if bad.size == 0:
        return 1.0
    k = bad[0]
    return float(brentq(min_eig, grid[k - 1], grid[k], xtol=1e-12, rtol=1e-14))
