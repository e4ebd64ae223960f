r"""Scaling laws of the Zipf associative memory (Cabannes, Dohmatob, Bietti, ICLR 2024).

The model (arXiv:2310.02984; simulated in :mod:`hebbian.attention.scaling`): tokens
:math:`x = 0, \dots, N-1` with Zipf law :math:`p(x) = (x+1)^{-\alpha} / H_{N,\alpha}`,
:math:`H_{N,\alpha} = \sum_{k=1}^{N} k^{-\alpha}`, labels :math:`x \bmod M`, embeddings
of dimension :math:`d`, memory :math:`W = \sum_x q(x) e_x u_{f^*(x)}^\top` and error
:math:`E = \sum_x p(x)\,\mathbf{1}[\hat f(x) \ne f^*(x)]`.

Exponents (their main results, log factors omitted):

* :func:`frequency_dim_exponent`: :math:`q = p`,
  :math:`E \asymp d^{-(\alpha-1)/(2\alpha)}`;
* :func:`top_dim_exponent`: :math:`q = \mathbf{1}[x < P]` with :math:`P \propto d`,
  :math:`E \asymp d^{-(\alpha-1)}`;
* :func:`samples_exponent`: finite data :math:`T`, :math:`E \asymp T^{-(1-1/\alpha)}`.

Exact limits derived in ``docs/theory/scaling_laws.md``:

* :func:`zipf_tail_mass`, :func:`zipf_tail_mass_asymptotic`: the mass
  :math:`\sum_{x \ge P} p(x)` of the tokens that top-:math:`P` storage leaves out,
  :math:`\sim P^{1-\alpha} / ((\alpha-1)\zeta(\alpha))` for :math:`1 \ll P \ll N`;
* :func:`top_error_limit`: the error of top-:math:`P` storage as :math:`d \to \infty`
  at fixed :math:`N, P` (no interference): each left-out token is guessed right with
  the probability :math:`\pi_y` that its label's crosstalk is the largest;
* :func:`missing_mass`, :func:`missing_mass_asymptotic`: the expected mass of the
  tokens never seen in :math:`T` samples, :math:`\sum_x p(x)(1-p(x))^T \sim
  \Gamma(1-1/\alpha)\,\alpha^{-1} H_{N,\alpha}^{-1/\alpha}\, T^{-(1-1/\alpha)}`, the
  finite-data law.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gamma, ndtr, zeta

from hebbian._validation import check_int, check_real

__all__ = [
    "frequency_dim_exponent",
    "missing_mass",
    "missing_mass_asymptotic",
    "samples_exponent",
    "top_dim_exponent",
    "top_error_limit",
    "unstored_guess_probabilities",
    "zipf_tail_mass",
    "zipf_tail_mass_asymptotic",
]


def _alpha(zipf_exponent, *, above_one=True):
    return check_real(
        "zipf_exponent", zipf_exponent, minimum=1.0 if above_one else 0.0,
        maximum=100.0, include_minimum=not above_one,
    )  # fmt: skip


def frequency_dim_exponent(zipf_exponent: float) -> float:
    r"""Exponent of :math:`E` in :math:`d` for frequency storage :math:`q = p`.

    :math:`E \asymp d^{-(\alpha-1)/(2\alpha)}` (Cabannes, Dohmatob, Bietti 2024,
    with :math:`q = p`): a token is recalled when :math:`p(x)` exceeds the
    crosstalk :math:`\sim d^{-1/2}`, i.e. for :math:`x \lesssim d^{1/(2\alpha)}`, and
    the Zipf tail beyond has mass :math:`x^{1-\alpha}`.

    Parameters
    ----------
    zipf_exponent : float
        :math:`\alpha > 1`.

    Returns
    -------
    float
        :math:`-(\alpha-1)/(2\alpha)` (``-0.25`` at :math:`\alpha = 2`).
    """
    a = _alpha(zipf_exponent)
    return -(a - 1.0) / (2.0 * a)


def top_dim_exponent(zipf_exponent: float) -> float:
    r"""Exponent of :math:`E` in :math:`d` for top-:math:`P` storage with :math:`P \propto d`.

    :math:`E \asymp d^{-(\alpha-1)}` (Cabannes, Dohmatob, Bietti 2024): the
    :math:`P \propto d` stored tokens are recalled and the error is the tail mass
    :math:`P^{1-\alpha}` (:func:`zipf_tail_mass_asymptotic`).

    Returns
    -------
    float
        :math:`-(\alpha-1)` (``-1`` at :math:`\alpha = 2`).
    """
    return -(_alpha(zipf_exponent) - 1.0)


def samples_exponent(zipf_exponent: float) -> float:
    r"""Exponent of :math:`E` in the number of samples :math:`T` (large :math:`d`).

    :math:`E \asymp T^{-1+1/\alpha}` (Cabannes, Dohmatob, Bietti 2024, finite
    data): the unseen tokens carry the mass :func:`missing_mass`.

    Returns
    -------
    float
        :math:`-(1-1/\alpha)` (``-0.5`` at :math:`\alpha = 2`).
    """
    return -(1.0 - 1.0 / _alpha(zipf_exponent))


def _zipf(n_tokens, zipf_exponent):
    n_tokens = check_int("n_tokens", n_tokens, minimum=1, maximum=10**8)
    a = _alpha(zipf_exponent, above_one=False)
    p = np.arange(1, n_tokens + 1, dtype=float) ** (-a)
    return p / p.sum()


def zipf_tail_mass(n_tokens: int, zipf_exponent: float, top) -> np.ndarray | float:
    r"""Mass :math:`\sum_{x \ge P} p(x)` of the tokens left out by top-:math:`P` storage.

    Parameters
    ----------
    n_tokens : int
        :math:`N`.
    zipf_exponent : float
        :math:`\alpha \ge 0`.
    top : int or array_like of int
        :math:`P` in ``[0, n_tokens]``.

    Returns
    -------
    float or ndarray
        The tail mass (1 at :math:`P = 0`, 0 at :math:`P = N`).
    """
    p = _zipf(n_tokens, zipf_exponent)
    tail = np.concatenate([np.cumsum(p[::-1])[::-1], [0.0]])
    P = np.asarray(top)
    if P.dtype.kind not in "iu" or np.any(P < 0) or np.any(P > len(p)):
        raise ValueError(f"top must be integers in [0, {len(p)}], got {top!r}")
    out = tail[P]
    return float(out) if out.ndim == 0 else out


def zipf_tail_mass_asymptotic(zipf_exponent: float, top) -> np.ndarray | float:
    r"""Tail mass of the infinite Zipf law and its large-:math:`P` form.

    For :math:`N = \infty`, :math:`\sum_{x \ge P} p(x) = \zeta(\alpha, P+1) /
    \zeta(\alpha) \sim P^{1-\alpha} / ((\alpha-1)\zeta(\alpha))` (Euler-Maclaurin); the
    function returns the exact Hurwitz-zeta ratio.

    Parameters
    ----------
    zipf_exponent : float
        :math:`\alpha > 1`.
    top : float or array_like
        :math:`P \ge 0`.

    Returns
    -------
    float or ndarray
    """
    a = _alpha(zipf_exponent)
    P = np.asarray(top, dtype=float)
    if np.any(~np.isfinite(P)) or np.any(P < 0):
        raise ValueError(f"top must be finite and >= 0, got {top!r}")
    out = zeta(a, P + 1.0) / zeta(a, 1.0)
    return float(out) if out.ndim == 0 else out


def unstored_guess_probabilities(stored_per_label, *, grid: int = 4001) -> np.ndarray:
    r"""Probability that each label wins the crosstalk of a token that is not stored.

    As :math:`d \to \infty` the output embeddings become orthonormal and the score of
    label :math:`y` for a left-out token :math:`x` is :math:`s_y = \sum_{x' :
    f^*(x') = y} e_x \cdot e_{x'}`, independent centred Gaussians with variances
    proportional to the numbers :math:`n_y` of stored tokens of label :math:`y`, so

    .. math::

        \pi_y = \int dz\, \varphi(z) \prod_{y' \ne y} \Phi\!\left(z
        \sqrt{n_y / n_{y'}}\right).

    Parameters
    ----------
    stored_per_label : array_like of int
        :math:`n_y \ge 1` for each label.
    grid : int
        Points of the trapezoid rule on :math:`z \in [-12, 12]`.

    Returns
    -------
    ndarray
        :math:`\pi_y` (they sum to one; all :math:`1/M` when the :math:`n_y` are equal).
    """
    n = np.asarray(stored_per_label, dtype=float)
    if n.ndim != 1 or n.size < 2 or np.any(n < 1):
        raise ValueError(
            f"stored_per_label must be >= 1 for every label, got {stored_per_label!r}"
        )
    z = np.linspace(-12.0, 12.0, check_int("grid", grid, minimum=101))
    phi = np.exp(-0.5 * z**2) / np.sqrt(2.0 * np.pi)
    out = np.empty(n.size)
    for y in range(n.size):
        others = np.delete(n, y)
        integrand = phi * np.prod(ndtr(z[:, None] * np.sqrt(n[y] / others)[None, :]), axis=1)
        out[y] = np.trapezoid(integrand, z)
    return out


def top_error_limit(n_tokens: int, n_labels: int, zipf_exponent: float, top: int) -> float:
    r"""Error of top-:math:`P` storage as :math:`d \to \infty` (no interference).

    Stored tokens are all recalled; a left-out token is recalled when its own label wins
    the crosstalk (:func:`unstored_guess_probabilities`, with :math:`n_y` the stored
    tokens of label :math:`y`, labels :math:`x \bmod M`):

    .. math::

        E_\infty(P) = \sum_{x \ge P} p(x)\,\bigl(1 - \pi_{x \bmod M}\bigr)
        \;=\; \Bigl(1 - \frac1M\Bigr) \sum_{x \ge P} p(x)
        \quad \text{when } M \mid P.

    Parameters
    ----------
    n_tokens, n_labels : int
        :math:`N` and :math:`M \le P`.
    zipf_exponent : float
        :math:`\alpha`.
    top : int
        :math:`P` in ``[n_labels, n_tokens]`` (every label stored at least once).

    Returns
    -------
    float
    """
    p = _zipf(n_tokens, zipf_exponent)
    n_labels = check_int("n_labels", n_labels, minimum=2, maximum=len(p))
    top = check_int("top", top, minimum=n_labels, maximum=len(p))
    stored = np.bincount(np.arange(top) % n_labels, minlength=n_labels)
    pi = unstored_guess_probabilities(stored)
    x = np.arange(top, len(p))
    return float(np.sum(p[x] * (1.0 - pi[x % n_labels])))


def missing_mass(n_tokens: int, zipf_exponent: float, n_samples) -> np.ndarray | float:
    r"""Return the expected Zipf mass of the tokens unseen in :math:`T` i.i.d. samples.

    :math:`\mathbb{E}\sum_x p(x)\mathbf{1}[n_x = 0] = \sum_x p(x) (1 - p(x))^T`,
    exact. It is the error of any scheme storing every observed token at
    :math:`d \to \infty`, up to the chance :math:`\approx 1/M` of guessing an unseen
    token right (``docs/theory/scaling_laws.md``).

    Parameters
    ----------
    n_tokens : int
        :math:`N`.
    zipf_exponent : float
        :math:`\alpha`.
    n_samples : int or array_like
        :math:`T \ge 0`.

    Returns
    -------
    float or ndarray
    """
    p = _zipf(n_tokens, zipf_exponent)
    T = np.asarray(n_samples, dtype=float)
    if np.any(~np.isfinite(T)) or np.any(T < 0):
        raise ValueError(f"n_samples must be finite and >= 0, got {n_samples!r}")
    out = np.sum(p * np.exp(T[..., None] * np.log1p(-np.minimum(p, 1 - 1e-300))), axis=-1)
    return float(out) if out.ndim == 0 else out


def missing_mass_asymptotic(zipf_exponent: float, n_samples, n_tokens: int | None = None):
    r"""Large-:math:`T` form of :func:`missing_mass` (continuum limit, :math:`T \ll N^\alpha`).

    .. math::

        \sum_x p(x) e^{-T p(x)} \simeq \frac{\Gamma(1 - 1/\alpha)}{\alpha}\,
        c^{1/\alpha}\, T^{-(1-1/\alpha)}, \qquad c = 1/H_{N,\alpha}
        \;(1/\zeta(\alpha) \text{ for } N = \infty).

    Parameters
    ----------
    zipf_exponent : float
        :math:`\alpha > 1`.
    n_samples : float or array_like
        :math:`T > 0`.
    n_tokens : int, optional
        :math:`N` for the normalisation (None: :math:`N = \infty`).

    Returns
    -------
    float or ndarray
    """
    a = _alpha(zipf_exponent)
    T = np.asarray(n_samples, dtype=float)
    if np.any(~np.isfinite(T)) or np.any(T <= 0):
        raise ValueError(f"n_samples must be finite and > 0, got {n_samples!r}")
    if n_tokens is None:
        norm = zeta(a, 1.0)
    else:
        n_tokens = check_int("n_tokens", n_tokens, minimum=1, maximum=10**8)
        norm = float(np.sum(np.arange(1, n_tokens + 1, dtype=float) ** (-a)))
    out = gamma(1.0 - 1.0 / a) / a * norm ** (-1.0 / a) * T ** (-(1.0 - 1.0 / a))
    return float(out) if out.ndim == 0 else out
