"""The rules by their command-line names, behind one call signature."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from hebbian._validation import as_generator, check_choice
from hebbian.learning.adatron import adatron
from hebbian.learning.perceptron import (
    diederich_opper_1,
    diederich_opper_2,
    gardner,
    krauth_mezard,
)
from hebbian.learning.symmetric import hebb, pseudo_inverse, storkey
from hebbian.models import CouplingModel

__all__ = ["ITERATIVE_RULES", "KAPPA_RULES", "RULES", "START_RULES", "learn"]

#: Command-line name -> rule function (each returns a CouplingModel).
RULES: dict[str, Callable[..., CouplingModel]] = {
    "hebb": hebb,
    "storkey": storkey,
    "pseudo-inverse": pseudo_inverse,
    "krauth-mezard": krauth_mezard,
    "adatron": adatron,
    "gardner": gardner,
    "diederich-opper-1": diederich_opper_1,
    "diederich-opper-2": diederich_opper_2,
}

#: The rules that take a margin ``kappa`` (normalized stability, ``>= 0``).
KAPPA_RULES = frozenset({"gardner"})

#: The iterative (perceptron-type) rules: they take ``max_sweeps`` and
#: ``full_output=True`` (a :class:`~hebbian.learning.perceptron.LearningResult` that says
#: which neurons converged); the others are computed in one pass.
ITERATIVE_RULES = frozenset(
    {"krauth-mezard", "adatron", "gardner", "diederich-opper-1", "diederich-opper-2"}
)

#: The rules that learn from given couplings (``start``): Hebb adds to them, Storkey and
#: the perceptron-type rules with a fixed stopping condition start their iteration there.
#: The pseudo-inverse is a closed form, and the optimal couplings of MinOver and the
#: AdaTron (with the certificate of their stopping gap) are those reached from zero.
START_RULES = frozenset({"hebb", "storkey", "gardner", "diederich-opper-1", "diederich-opper-2"})


def learn(
    rule: str,
    patterns: object,
    *,
    self_coupling: bool = False,
    kappa: float | None = None,
    start: object = None,
    seed: int | np.random.Generator | None = None,
    **options,
) -> CouplingModel:
    """Learn ``patterns`` with the rule named ``rule`` (a key of :data:`RULES`).

    Parameters
    ----------
    rule : str
        ``hebb``, ``storkey``, ``pseudo-inverse``, ``krauth-mezard``, ``adatron``,
        ``gardner``, ``diederich-opper-1`` or ``diederich-opper-2``.
    patterns : (K, N) array of -1 and +1
    self_coupling : bool, optional
        Keep the rule's diagonal as a self-coupling, or exclude it (zero diagonal; the
        perceptron-type rules then also learn without it).
    kappa : float, optional
        The margin of the rules in :data:`KAPPA_RULES` (``gardner``: stability
        :math:`\\ge` ``kappa``, default 0); ``None`` for the others, which refuse it.
    start : (N, N) array, optional
        Couplings learning starts from, for the rules in :data:`START_RULES`; ``None``
        (zero) for the others, which refuse it.
    seed : int, Generator or None, optional
        Checked and otherwise unused: every rule is deterministic (the perceptron-type
        rules present the patterns in their order). Accepted so that callers can pass
        one signature to all rules.
    **options
        Further keyword arguments of the rule (``max_sweeps``, ``tol``, ``margin``).

    Returns
    -------
    CouplingModel
        With ``memories=patterns``.

    Raises
    ------
    ValueError
        For an unknown rule, or ``kappa`` or ``start`` given to a rule that takes none.
    """
    name = check_choice("rule", rule, tuple(RULES))
    as_generator(seed)
    if kappa is not None:
        if name not in KAPPA_RULES:
            raise ValueError(
                f"kappa is a parameter of {', '.join(sorted(KAPPA_RULES))} only, not of "
                f"{name!r}; got kappa = {kappa!r}"
            )
        options["kappa"] = kappa
    if start is not None:
        if name not in START_RULES:
            raise ValueError(
                f"start is a parameter of {', '.join(sorted(START_RULES))} only, not of {name!r}"
            )
        options["start"] = start
    model = RULES[name](patterns, self_coupling=self_coupling, **options)
    if not isinstance(model, CouplingModel):  # full_output=True passed in options
        raise ValueError("learn returns a model: do not pass full_output")
    return model
