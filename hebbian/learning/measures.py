"""What a learned coupling matrix does with its patterns: stabilities and fixed points."""

from __future__ import annotations

import numpy as np

from hebbian.learning._checks import check_patterns
from hebbian.models import CouplingModel

__all__ = ["fixed_point_fraction", "local_fields", "stabilities"]


def local_fields(model: CouplingModel, patterns: object = None) -> np.ndarray:
    """Local fields :math:`h_i^\\mu = \\sum_j J_{ij}\\xi_j^\\mu` of every pattern, (K, N).

    Parameters
    ----------
    model : CouplingModel
        Its couplings as stored: the diagonal enters as a self-coupling
        :math:`J_{ii}\\xi_i^\\mu` when the model keeps it, and is zero otherwise.
    patterns : (K, N) array of -1 and +1, optional
        Default: ``model.memories``.

    Returns
    -------
    (K, N) float64 array
        Row ``mu`` is :math:`J \\xi^\\mu`.
    """
    xi = _patterns_of(model, patterns)
    return xi.astype(np.float64) @ model.couplings.T


def stabilities(model: CouplingModel, patterns: object = None) -> np.ndarray:
    """Stabilities :math:`\\gamma_i^\\mu = \\xi_i^\\mu h_i^\\mu / \\lVert J_i \\rVert`, (K, N).

    .. math:: \\gamma_i^\\mu = \\frac{\\xi_i^\\mu \\sum_j J_{ij}\\xi_j^\\mu}
                                  {\\big(\\sum_j J_{ij}^2\\big)^{1/2}},

    the normalization of Gardner, J. Phys. A 21, 257 (1988) (there
    :math:`\\sum_j J_{ij}^2 = N` and the condition reads
    :math:`\\xi_i^\\mu \\sum_j J_{ij}\\xi_j^\\mu / \\sqrt{N} \\ge \\kappa`), in which the
    optimal stability of random patterns at load :math:`\\alpha` solves
    :math:`\\alpha^{-1} = \\int_{-\\kappa}^\\infty Dt\\,(t+\\kappa)^2`. Pattern ``mu`` is
    stable at site ``i`` exactly when :math:`\\gamma_i^\\mu > 0`. The norm is that of
    row ``i`` as stored (with its diagonal entry when the model keeps the diagonal).

    Parameters
    ----------
    model : CouplingModel
    patterns : (K, N) array of -1 and +1, optional
        Default: ``model.memories``.

    Returns
    -------
    (K, N) float64 array
        ``[mu, i]`` is :math:`\\gamma_i^\\mu`; a column whose row of couplings is zero
        (:math:`\\lVert J_i \\rVert = 0`) is NaN: its stability is undefined.

    Examples
    --------
    >>> from hebbian.learning import hebb
    >>> from hebbian.patterns import random_patterns
    >>> xi = random_patterns(3, 200, seed=1)
    >>> bool((stabilities(hebb(xi)) > 0).all())
    True
    """
    xi = _patterns_of(model, patterns)
    numerator = xi * local_fields(model, xi)
    norms = np.sqrt(np.einsum("ij,ij->i", model.couplings, model.couplings))
    with np.errstate(divide="ignore", invalid="ignore"):
        gamma = numerator / norms
    gamma[:, norms == 0] = np.nan
    return gamma


def fixed_point_fraction(model: CouplingModel, patterns: object = None) -> float:
    """Fraction of the patterns that are fixed points of the zero-temperature dynamics.

    Pattern :math:`\\xi^\\mu` counts as a fixed point when
    :math:`\\operatorname{sign}(h_i^\\mu) = \\xi_i^\\mu` at every site ``i``, with
    :math:`h^\\mu = J\\xi^\\mu` (:func:`local_fields`). Convention: a zero field,
    :math:`h_i^\\mu = 0`, counts as *not* fixed (:math:`\\operatorname{sign}(0) = 0`),
    so the test is :math:`\\xi_i^\\mu h_i^\\mu > 0` for all ``i``, strict.

    Parameters
    ----------
    model : CouplingModel
    patterns : (K, N) array of -1 and +1, optional
        Default: ``model.memories``.

    Returns
    -------
    float
        In [0, 1].
    """
    xi = _patterns_of(model, patterns)
    fixed = np.all(xi * local_fields(model, xi) > 0, axis=1)
    return float(np.mean(fixed))


def _patterns_of(model: CouplingModel, patterns: object) -> np.ndarray:
    if not isinstance(model, CouplingModel):
        raise TypeError(f"model must be a CouplingModel, got {type(model).__name__}")
    if patterns is None:
        if model.memories is None:
            raise ValueError("patterns are needed: the model has no memories")
        patterns = model.memories
    xi = check_patterns(patterns)
    if xi.shape[1] != model.n_neurons:
        raise ValueError(
            f"patterns must have N = {model.n_neurons} columns (the model's neurons), "
            f"got shape {xi.shape}"
        )
    return xi
