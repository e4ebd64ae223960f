"""Means, standard errors and integrated autocorrelation times of Monte Carlo series.

Convention (Sokal, "Monte Carlo methods in statistical mechanics", Cargese lectures
1996; Madras & Sokal, J. Stat. Phys. 50, 109 (1988)): for a stationary series with
normalised autocorrelation :math:`\\rho(t)`,

.. math::

    \\tau_{\\rm int} = \\frac12 + \\sum_{t=1}^{W} \\rho(t), \\qquad
    \\operatorname{Var}(\\bar x) \\simeq \\frac{2\\tau_{\\rm int}}{n}\\sigma^2,

with the window ``W`` chosen self-consistently as the smallest ``W >= c tau_int(W)``
(``c = 5``). Uncorrelated samples have :math:`\\tau_{\\rm int} = 1/2`; the effective
number of independent samples is :math:`n_{\\rm eff} = n / (2\\tau_{\\rm int})`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Estimate", "estimate", "integrated_autocorrelation_time", "pooled_estimate"]


@dataclass(frozen=True)
class Estimate:
    """Mean of a correlated series with its error.

    Attributes
    ----------
    mean, stderr, tau_int, n_eff : ndarray
        Same shape: the input shape without the time axis (and, for
        :func:`pooled_estimate`, without the chain axis).
    """

    mean: np.ndarray
    stderr: np.ndarray
    tau_int: np.ndarray
    n_eff: np.ndarray


def _autocorrelation(x: np.ndarray) -> np.ndarray:
    """Normalised autocorrelation along axis 0 (FFT, zero-padded; rho(0) = 1)."""
    n = x.shape[0]
    y = x - x.mean(axis=0)
    size = 1 << (2 * n - 1).bit_length()
    f = np.fft.rfft(y, n=size, axis=0)
    acov = np.fft.irfft(f * np.conj(f), n=size, axis=0)[:n]
    var = acov[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = np.where(var > 0, acov / np.where(var > 0, var, 1.0), 0.0)
    return rho


def integrated_autocorrelation_time(x: np.ndarray, *, axis: int = 0, c: float = 5.0) -> np.ndarray:
    """Integrated autocorrelation time with Sokal's automatic window (module docstring).

    Parameters
    ----------
    x : ndarray
        Series, time along ``axis``; at least 2 samples.
    axis : int, optional
    c : float, optional
        Window constant, ``W >= c tau_int``.

    Returns
    -------
    ndarray
        :math:`\\tau_{\\rm int} \\ge 1/2` (constant series give 1/2), one per series.
    """
    x = np.moveaxis(np.asarray(x, dtype=np.float64), axis, 0)
    n = x.shape[0]
    if n < 2:
        raise ValueError(f"need at least 2 samples to estimate an autocorrelation time, got {n}")
    rho = _autocorrelation(x)
    taus = 0.5 + np.cumsum(rho[1:], axis=0)  # tau_int(W) for W = 1 .. n-1
    W = np.arange(1, n)[(slice(None),) + (None,) * (x.ndim - 1)]
    ok = W >= c * taus
    first = np.where(ok.any(axis=0), ok.argmax(axis=0), n - 2)
    tau = np.take_along_axis(taus, first[None, ...], axis=0)[0]
    return np.maximum(tau, 0.5)


def estimate(x: np.ndarray, *, axis: int = 0) -> Estimate:
    """Mean and standard error of a correlated series, :math:`\\sqrt{2\\tau\\sigma^2/n}`."""
    x = np.moveaxis(np.asarray(x, dtype=np.float64), axis, 0)
    n = x.shape[0]
    tau = integrated_autocorrelation_time(x)
    var = x.var(axis=0, ddof=1)
    stderr = np.sqrt(2.0 * tau * var / n)
    return Estimate(mean=x.mean(axis=0), stderr=stderr, tau_int=tau, n_eff=n / (2.0 * tau))


def pooled_estimate(x: np.ndarray, *, time_axis: int = 0, chain_axis: int = 1) -> Estimate:
    """Combine independent chains: mean of the chain means, errors added in quadrature.

    .. math:: \\bar x = \\frac1C\\sum_c \\bar x_c, \\qquad
              \\sigma_{\\bar x} = \\frac1C\\Big(\\sum_c \\sigma_{\\bar x_c}^2\\Big)^{1/2}.

    ``tau_int`` is the mean over chains and ``n_eff`` the sum.
    """
    x = np.moveaxis(np.asarray(x, dtype=np.float64), (time_axis, chain_axis), (0, 1))
    per_chain = estimate(x, axis=0)
    C = x.shape[1]
    return Estimate(
        mean=per_chain.mean.mean(axis=0),
        stderr=np.sqrt(np.sum(per_chain.stderr**2, axis=0)) / C,
        tau_int=per_chain.tau_int.mean(axis=0),
        n_eff=per_chain.n_eff.sum(axis=0),
    )
