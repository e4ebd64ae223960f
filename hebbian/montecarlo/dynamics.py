"""Names and integer codes of the Monte Carlo dynamics.

=====================  ==========================================================
name                   update of the visited site ``i`` (field :math:`h_i`)
=====================  ==========================================================
``heat_bath``          sequential Glauber: :math:`P(\\sigma_i=+1)=1/(1+e^{-2\\beta h_i})`
``metropolis``         sequential Metropolis: flip with :math:`\\min(1, e^{-2\\beta\\sigma_i h_i})`
``zero_temperature``   sequential :math:`\\sigma_i = \\operatorname{sign} h_i` (kept if 0)
``synchronous``        Little dynamics: all sites at once from the previous state,
                       heat bath at T > 0, sign rule at T = 0
=====================  ==========================================================

``auto`` resolves to ``zero_temperature`` at T = 0 and ``heat_bath`` otherwise.
Heat bath and Metropolis leave :math:`e^{-\\beta E}` invariant (single-site detailed
balance); the synchronous schedule samples a different stationary law (Peretto,
Biol. Cybern. 50, 51 (1984)) and may end in 2-cycles at T = 0. Asymmetric couplings
have no energy; they run only the dynamics in :data:`ENERGY_FREE`.
"""

from __future__ import annotations

import math

from hebbian._validation import check_choice

__all__ = [
    "DYNAMICS",
    "ENERGY_FREE",
    "HEAT_BATH",
    "METROPOLIS",
    "SYNCHRONOUS",
    "ZERO_TEMPERATURE",
    "new_spin",
    "new_spins",
    "resolve_dynamics",
]

HEAT_BATH = 0
METROPOLIS = 1
ZERO_TEMPERATURE = 2
SYNCHRONOUS = 3

#: Public names and their codes.
DYNAMICS = {
    "heat_bath": HEAT_BATH,
    "metropolis": METROPOLIS,
    "zero_temperature": ZERO_TEMPERATURE,
    "synchronous": SYNCHRONOUS,
}


#: Dynamics defined by the fields alone, without an energy whose Boltzmann law they
#: sample: the only ones for couplings without one (asymmetric ``CouplingModel``).
ENERGY_FREE = ("zero_temperature", "synchronous")


def resolve_dynamics(name: str, temperature: float) -> str:
    """Return the dynamics name for ``name`` (or ``"auto"``) at ``temperature``.

    Raises
    ------
    ValueError
        For an unknown name, or heat bath / Metropolis at T = 0 (use
        ``zero_temperature``) and zero-temperature dynamics at T > 0.
    """
    check_choice("dynamics", name, ("auto", *DYNAMICS))
    if name == "auto":
        return "zero_temperature" if temperature == 0 else "heat_bath"
    if name in ("heat_bath", "metropolis") and temperature == 0:
        raise ValueError(
            f"dynamics {name!r} needs temperature > 0; use 'zero_temperature' at T = 0"
        )
    if name == "zero_temperature" and temperature != 0:
        raise ValueError(f"dynamics 'zero_temperature' needs temperature = 0, got {temperature:g}")
    return name


def new_spin(s_i, h, beta, u, dynamics):
    """Value of the visited spin after one update (pure scalar function).

    Shared by the reference kernels (called as Python) and the Numba kernels (compiled
    unchanged), so that the update rule is written once; :mod:`math` gives the C
    library's ``exp`` in both.

    * heat bath: :math:`\\sigma_i = +1` iff :math:`u < 1/(1 + e^{-2\\beta h})`
      (:math:`= \\frac12(1 + \\tanh\\beta h)`);
    * Metropolis: flip iff :math:`\\Delta E = 2\\sigma_i h \\le 0` or
      :math:`u < e^{-\\beta\\Delta E}`;
    * zero temperature: :math:`\\sigma_i = \\operatorname{sign} h`, unchanged at ``h = 0``.

    Parameters
    ----------
    s_i : int
        Current spin, +-1.
    h : float
        Local field.
    beta : float
        Inverse temperature (unused at zero temperature).
    u : float
        Uniform in [0, 1) of this visit (unused at zero temperature).
    dynamics : int
        ``HEAT_BATH``, ``METROPOLIS`` or ``ZERO_TEMPERATURE`` (validated by the caller).

    Returns
    -------
    int
        The new spin, +-1.
    """
    if dynamics == ZERO_TEMPERATURE:
        # sign(h), kept when h = 0; written as "flip iff s_i h < 0", a branch that is
        # well predicted near a fixed point
        if s_i * h < 0.0:
            return -s_i
        return s_i
    if dynamics == HEAT_BATH:
        # P(+1) = (1 + tanh(beta h)) / 2 = 1 / (1 + exp(-2 beta h)); exp is 3x cheaper
        # than tanh, and the cut at 700 keeps Python's math.exp from overflowing
        x = -2.0 * beta * h
        if x > 700.0:
            return -1
        if u < 1.0 / (1.0 + math.exp(x)):
            return 1
        return -1
    if dynamics == METROPOLIS:
        dE = 2.0 * s_i * h
        if dE <= 0.0 or u < math.exp(-beta * dE):
            return -s_i
        return s_i
    return s_i  # unreachable for validated codes; no raise, so that prange stays parallel


def new_spins(xp, s, h, beta, u, dynamics):
    """:func:`new_spin` for arrays of visits: the same rule, element by element.

    Used by the blocked engines (:mod:`hebbian.gpu`), which visit one site in every
    chain at once. Every float operation is the scalar rule's, in the same order, so a
    visit gives the same spin as :func:`new_spin` unless the uniform lies within one ulp
    of the acceptance probability and the array module's ``exp`` differs from the C
    library's in the last bit (a chance of order 1e-16 per visit).

    Parameters
    ----------
    xp : module
        ``numpy`` or ``cupy``.
    s : ndarray of float64
        Current spins, +-1.
    h : ndarray of float64
        Local fields, same shape.
    beta : float
    u : ndarray of float64 or None
        Uniforms of the visits (None at zero temperature).
    dynamics : int
        ``HEAT_BATH``, ``METROPOLIS`` or ``ZERO_TEMPERATURE``.

    Returns
    -------
    ndarray of float64
        The new spins.
    """
    if dynamics == ZERO_TEMPERATURE:
        return xp.where(s * h < 0.0, -s, s)
    if dynamics == HEAT_BATH:
        x = -2.0 * beta * h
        up = u < 1.0 / (1.0 + xp.exp(xp.minimum(x, 700.0)))
        return xp.where((x <= 700.0) & up, 1.0, -1.0)
    if dynamics == METROPOLIS:
        dE = 2.0 * s * h
        return xp.where((dE <= 0.0) | (u < xp.exp(-beta * xp.maximum(dE, 0.0))), -s, s)
    raise ValueError(f"dynamics code must be 0, 1 or 2 for a single-site rule, got {dynamics}")
