"""The built-in experiment kinds, one module each.

Every module here defines one :class:`~hebbian.experiments.base.ExperimentKind` and
registers it with :func:`~hebbian.experiments.base.register`;
:mod:`hebbian.experiments.registry` imports every module of this package, so a new kind
is a new file here and nothing else.
"""
