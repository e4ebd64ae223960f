"""Learning rules of Hopfield networks: patterns in, a :class:`~hebbian.models.CouplingModel` out.

Every rule is ``rule(patterns, *, self_coupling=False, ...)``: it takes (K, N) patterns
of -1 and +1 and returns a :class:`~hebbian.models.CouplingModel` with
``memories=patterns``, normalized so that a pattern's own field is of order one
(:math:`\\frac1N\\xi_i\\xi_j` per Hebbian term). ``self_coupling=True`` keeps the rule's
diagonal as a self-coupling (``keep_diagonal=True``); ``False`` sets it to zero, and the
perceptron-type rules then learn without it (:math:`J_{ii} = 0` throughout).

Symmetric rules (:mod:`hebbian.learning.symmetric`)

* :func:`hebb` -- :math:`J = \\frac1N ZZ^T`; Hopfield, PNAS 79, 2554 (1982).
* :func:`storkey` -- incremental, local; Storkey, ICANN 1997; Storkey and Valabregue,
  Neural Networks 12, 869 (1999).
* :func:`pseudo_inverse` -- the projector :math:`\\frac1N ZC^{-1}Z^T`; Personnaz,
  Guyon, Dreyfus, J. Phys. Lett. 46, L359 (1985); Kanter and Sompolinsky, Phys. Rev. A
  35, 380 (1987).

Perceptron-type rules, one row per neuron, ``symmetric=False``
(:mod:`hebbian.learning.perceptron`)

* :func:`krauth_mezard` -- MinOver, optimal stability; Krauth and Mezard, J. Phys. A
  20, L745 (1987).
* :func:`adatron` -- the same optimal couplings, much faster (:mod:`hebbian.learning.adatron`);
  Anlauf and Biehl, Europhys. Lett. 10, 687 (1989).
* :func:`gardner` -- perceptron with margin :math:`\\kappa`; Gardner, J. Phys. A 21, 257
  (1988).
* :func:`diederich_opper_1`, :func:`diederich_opper_2` -- rules I and II of Diederich and
  Opper, Phys. Rev. Lett. 58, 949 (1987).

With ``full_output=True`` these return a :class:`LearningResult` (the model, which rows
converged, updates and sweeps, least stabilities) instead of the model alone.

Measures (:mod:`hebbian.learning.measures`): :func:`stabilities`
(:math:`\\xi_i^\\mu h_i^\\mu/\\lVert J_i\\rVert`), :func:`fixed_point_fraction`,
:func:`local_fields`. Registry (:mod:`hebbian.learning.registry`): :data:`RULES` by
command-line name and :func:`learn`; :data:`START_RULES`, the rules that learn from given
couplings (``start``).

Examples
--------
>>> from hebbian.learning import fixed_point_fraction, learn
>>> from hebbian.patterns import random_patterns
>>> xi = random_patterns(30, 100, seed=0)
>>> fixed_point_fraction(learn("pseudo-inverse", xi))
1.0
"""

from hebbian.learning.adatron import adatron
from hebbian.learning.measures import fixed_point_fraction, local_fields, stabilities
from hebbian.learning.perceptron import (
    LearningResult,
    diederich_opper_1,
    diederich_opper_2,
    gardner,
    krauth_mezard,
)
from hebbian.learning.registry import ITERATIVE_RULES, KAPPA_RULES, RULES, START_RULES, learn
from hebbian.learning.symmetric import hebb, pseudo_inverse, storkey

__all__ = [
    "ITERATIVE_RULES",
    "KAPPA_RULES",
    "RULES",
    "START_RULES",
    "LearningResult",
    "adatron",
    "diederich_opper_1",
    "diederich_opper_2",
    "fixed_point_fraction",
    "gardner",
    "hebb",
    "krauth_mezard",
    "learn",
    "local_fields",
    "pseudo_inverse",
    "stabilities",
    "storkey",
]
