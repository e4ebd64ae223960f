"""The complex (phasor, FHRR) resonator network, and its trials on random problems.

A composite :math:`s = x^{(1)} \\odot \\cdots \\odot x^{(F)}` of :math:`N` unit-modulus
complex entries is the element-wise product of one column of each phasor codebook
:math:`X_f \\in \\{z \\in \\mathbb C : |z| = 1\\}^{N \\times D_f}`. The resonator
network of Frady, Kent, Olshausen and Sommer (Neural Computation 32, 2311 (2020),
their complex-valued resonator) searches the :math:`M = \\prod_f D_f` combinations by
iterating, for every factor in a fixed order and in place,

.. math:: \\hat x^{(f)} \\leftarrow g\\Big(X_f X_f^{\\mathsf H} \\big(s \\odot
          \\textstyle\\prod_{g \\ne f} \\overline{\\hat x^{(g)}}\\big)\\Big),
          \\qquad g(z)_i = z_i / |z_i|,

the phasor analogue of the bipolar network of :mod:`hebbian.vsa.resonator` (unbinding
by the complex conjugate, weights :math:`W_f = X_f X_f^{\\mathsf H}`, the sign replaced
by the projection of each entry onto the unit circle).

* :func:`complex_resonate` -- the network on a batch of composites sharing the
  codebooks, returning a :class:`ComplexResonatorResult` (a
  :class:`~hebbian.vsa.resonator.ResonatorResult` with the decoded phases).
* :func:`complex_resonator_trials` -- accuracy and speed on random phasor problems,
  the summary of :func:`hebbian.vsa.trials.resonator_trials`.

The network is not one of :data:`hebbian.vsa.trials.FACTORIZERS`: those take bipolar
codebooks, these are complex.

The code is written once for NumPy and CuPy (the array module of
:func:`hebbian.device.array_module`): a batch advances together by matrix products over
the trials still running (a finished trial leaves the batch).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from hebbian._validation import check_choice, check_real
from hebbian.device import array_module, to_host
from hebbian.vsa.resonator import (
    ResonatorResult,
    _generator,
    _int,
    _module_of,
    check_array,
    check_problem,
    in_trial_threads,
    retire,
)
from hebbian.vsa.trials import check_trial_sizes, run_trials

__all__ = [
    "CONVERGENCE_TOLERANCE",
    "PRECISIONS",
    "UNIT_MODULUS_TOLERANCE",
    "ComplexResonatorResult",
    "complex_resonate",
    "complex_resonator_trials",
]

#: A trial has converged when no factor changed by more than this in an iteration up
#: to its global phase: :math:`\\max_{f, i} |\\hat x^{(f)}_i(t) - e^{i\\theta_f}
#: \\hat x^{(f)}_i(t - 1)| \\le` tolerance, :math:`\\theta_f = \\arg\\langle
#: \\hat x^{(f)}(t), \\hat x^{(f)}(t - 1)\\rangle`. The states are continuous, so "no
#: change" needs a tolerance; 1e-4 is far above the rounding floor of a fixed point in
#: complex64 (we measured 4e-7 to 1e-6 at N = 1500) and far below the distance between
#: distinct states of interest (order 1).
CONVERGENCE_TOLERANCE = 1e-4

#: Accepted values of ``precision``: complex64 ("single") or complex128 ("double").
PRECISIONS = ("single", "double")

#: Inputs are phasors when :math:`||z| - 1| \\le` this (complex64 rounding is ~1e-7).
UNIT_MODULUS_TOLERANCE = 1e-5


@dataclass(frozen=True, eq=False)
class ComplexResonatorResult(ResonatorResult):
    """The outcome of :func:`complex_resonate` for ``T`` problems with ``F`` factors.

    The fields of :class:`~hebbian.vsa.resonator.ResonatorResult`, filled for phasors:

    indices : (T, F) int64 array
        :math:`c_f = \\arg\\max_c |\\langle \\hat x^{(f)}, X_f[:, c]\\rangle|` for the
        last state, :math:`\\langle a, b\\rangle = \\sum_i a_i \\bar b_i`.
    signs : (T, F) int8 array
        :math:`\\operatorname{sgn} \\operatorname{Re} \\langle \\hat x^{(f)},
        X_f[:, c_f]\\rangle` (:math:`+1` at zero): the nearest of :math:`\\pm 1` to the
        overlap's phase. For phasors the free quantity is a phase, not a sign (any
        rotations :math:`e^{i\\varphi_f}` with :math:`\\sum_f \\varphi_f = 0` leave the
        composite unchanged), so the signs carry less than ``phases``; they equal the
        bipolar signs when the codebooks are real :math:`\\pm 1`.
    sign_product : (T,) int8 array
        ``signs.prod(axis=1)``. Unlike the bipolar case, :math:`-1` does not mean the
        decoded factors are inconsistent with the composite: test
        :math:`\\sum_f` ``phases`` :math:`\\approx 0 \\pmod{2\\pi}` for that.
    iterations : (T,) int64 array
        Iterations run (one updates every factor once); a converged trial counts the
        iteration in which no factor changed by more than the tolerance up to its
        global phase (:data:`CONVERGENCE_TOLERANCE`).
    converged : (T,) bool array
        Whether the trial stopped at a fixed point up to the factors' global phases
        (which may keep turning, their sum fixed: see :func:`complex_resonate`).
    limit_cycle : (T,) bool array
        Always False: no limit-cycle test is run (continuous states do not repeat
        exactly); a trial that does not converge runs ``max_iterations``.
    states : (T, F, N) complex array
        The last state of every factor (unit-modulus entries), of the working dtype.
    phases : (T, F) float64 array
        :math:`\\arg \\langle \\hat x^{(f)}, X_f[:, c_f]\\rangle \\in (-\\pi, \\pi]`: the
        last state is close to :math:`e^{i\\varphi_f} X_f[:, c_f]` when decoded right,
        and the decoded factors are consistent with the composite when
        :math:`\\prod_f e^{i\\varphi_f} \\approx 1`.
    """

    phases: np.ndarray


def _phasor(xp, z):
    """:math:`g(z)_i = z_i / |z_i|` in place, with :math:`g(0) = 1` (phase 0)."""
    magnitude = xp.abs(z)
    zero = magnitude == 0
    magnitude[zero] = 1
    z /= magnitude
    z[zero] = 1
    return z


def _check_phasors(name: str, array, xp, ndim: tuple[int, ...]):
    """Return ``array`` as an ``xp`` array after checking its shape and unit moduli."""
    arr = check_array(name, array, xp, ndim, "biufc", "unit-modulus numbers")
    bad = ~(xp.abs(xp.abs(arr.astype(xp.complex128)) - 1.0) <= UNIT_MODULUS_TOLERANCE)
    if bool(bad.any()):
        value = to_host(arr[bad][:1])[0].item()
        raise ValueError(
            f"{name} entries must have modulus 1 (within {UNIT_MODULUS_TOLERANCE}), got {value!r}"
        )
    return arr


def _run(xp, s, Xs, conj_books, transposed, max_iterations, tolerance):
    """Resonate the (T, N) composites ``s`` (of the working dtype): host results.

    ``U @ conj_books[f]`` is :math:`(X_f^{\\mathsf H} u)^{\\mathsf T}` for a batch ``U``
    of rows, and ``@ transposed[f]`` (:math:`X_f^{\\mathsf T}`) then gives
    :math:`(X_f X_f^{\\mathsf H} u)^{\\mathsf T}`: two products, never forming the
    :math:`N \\times N` matrix :math:`W_f`.
    """
    T, N = s.shape
    F = len(Xs)
    indices = np.zeros((T, F), dtype=np.int64)
    signs = np.ones((T, F), dtype=np.int8)
    phases = np.zeros((T, F), dtype=np.float64)
    iterations = np.zeros(T, dtype=np.int64)
    converged = np.zeros(T, dtype=bool)
    final = np.zeros((T, F, N), dtype=np.dtype(s.dtype))
    if T == 0:
        return indices, signs, phases, iterations, converged, final

    s = s.copy()
    x = []
    for X in Xs:
        start = _phasor(xp, X.sum(axis=1))  # the normalized superposition of the codebook
        x.append(xp.repeat(start[None, :], T, axis=0))
    conj = [xp.conj(xf) for xf in x]  # conj(x_g), kept with x_g
    u = xp.empty_like(s)
    active = np.arange(T)
    t = T

    for it in range(1, max_iterations + 1):
        change = None
        for f in range(F):
            U = u[:t]
            U[...] = s[:t]
            for g in range(F):
                if g != f:
                    U *= conj[g][:t]  # s * conj(x_g) for g != f, factors g < f already new
            new = _phasor(xp, (U @ conj_books[f]) @ transposed[f])
            # The change up to the factor's global phase: new against e^{i theta} old,
            # theta = arg <new, old> (the phases drift at a solution; see the docstring).
            turn = _phasor(xp, (new * conj[f][:t]).sum(axis=1))
            moved = xp.abs(new - turn[:, None] * x[f][:t]).max(axis=1)
            change = moved if change is None else xp.maximum(change, moved)
            x[f][:t] = new
            conj[f][:t] = xp.conj(new)
        still = change <= tolerance
        done = still.copy()
        if it == max_iterations:
            done[:] = True
        if not bool(done.any()):
            continue
        done_host = to_host(done)
        rows = active[done_host]
        iterations[rows] = it
        converged[rows] = to_host(still)[done_host]
        for f in range(F):
            xf = x[f][:t][done]
            sims = xf @ conj_books[f]  # <x_f, X_f[:, c]> for every c
            best = xp.argmax(xp.abs(sims), axis=1)
            overlap = xp.take_along_axis(sims, best[:, None], axis=1)[:, 0]
            indices[rows, f] = to_host(best)
            signs[rows, f] = to_host(xp.where(overlap.real >= 0, 1, -1)).astype(np.int8)
            phases[rows, f] = to_host(xp.angle(overlap)).astype(np.float64)
            final[rows, f] = to_host(xf)
        running = retire(xp, done_host, active, (s, *x, *conj), t)
        if running is None:
            break
        _, active, _, t = running
    return indices, signs, phases, iterations, converged, final


def complex_resonate(
    composite: object,
    codebooks: Sequence[object],
    *,
    max_iterations: int,
    tolerance: float = CONVERGENCE_TOLERANCE,
    precision: str = "single",
) -> ComplexResonatorResult:
    """Factor a batch of phasor composites with the complex resonator network.

    Frady, Kent, Olshausen and Sommer (Neural Computation 32, 2311 (2020)): for each of
    the ``T`` composites :math:`s` (rows of ``composite``), start from the normalized
    superposition of each codebook, :math:`\\hat x^{(f)}(0) = g(\\sum_c X_f[:, c])`,
    and repeat, for :math:`f = 1, \\dots, F` in this order and in place (factor
    :math:`f` sees the factors :math:`g < f` already updated in this iteration),

    .. math:: \\hat x^{(f)} \\leftarrow g\\Big(X_f X_f^{\\mathsf H} \\big(s \\odot
              \\textstyle\\prod_{g \\ne f} \\overline{\\hat x^{(g)}}\\big)\\Big),
              \\qquad g(z)_i = \\frac{z_i}{|z_i|},\\ g(0)_i = 1,

    (outer-product weights, no normalization: :math:`g` does not see it). A trial stops
    when no factor changed by more than ``tolerance`` in an iteration, entry by entry,
    up to a global phase per factor (converged; see :data:`CONVERGENCE_TOLERANCE`), or
    after ``max_iterations``; there is no limit-cycle test. The decode is the last
    state's :math:`\\arg\\max_c |\\langle \\hat x^{(f)}, X_f[:, c]\\rangle|` whatever
    the reason of the stop, and the phase of that overlap.

    Why up to a phase: rotating the factors by phases :math:`e^{i\\varphi_f}` with
    :math:`\\sum_f \\varphi_f = 0` leaves the composite and the dynamics' fixed points
    unchanged, and at a solution the sequential update moves along that direction: we
    measured every state of a solved problem (:math:`N = 1500, F = 3, D_f = 20`)
    turning by a constant :math:`10^{-3}` rad per iteration forever, while its change
    up to the phase fell geometrically to the rounding floor. An entry-wise test
    without the phase never fires there.

    Parameters
    ----------
    composite : (T, N) or (N,) array of unit-modulus numbers
        The problems (a 1-D array is one problem); NumPy, or CuPy to run on the GPU.
    codebooks : sequence of F arrays (N, D_f) of unit-modulus numbers
        The codebooks, shared by the batch (columns are the codevectors). Real
        :math:`\\pm 1` arrays are phasors too.
    max_iterations : int
        At most this many iterations per trial (>= 1).
    tolerance : float, optional
        The convergence tolerance (>= 0), :data:`CONVERGENCE_TOLERANCE` by default.
    precision : {"single", "double"}, optional
        Work in complex64 (default: half the memory and about twice the speed of
        complex128) or complex128.

    Returns
    -------
    ComplexResonatorResult
        NumPy arrays, whatever the array module.

    Notes
    -----
    Cost per iteration :math:`16\\,t\\,N \\sum_f D_f` real flops for the ``t`` trials
    still running (two complex matrix products per factor), plus :math:`O(t F^2 N)`
    element-wise. Memory :math:`O(T F N)`. On the CPU a batch of 64 or more is split
    over threads, one per CPU, each with a one-thread BLAS; results do not depend on
    the split.
    """
    xp = _module_of(composite)
    max_iterations = _int("max_iterations", max_iterations, 1)
    try:
        tolerance = check_real("tolerance", tolerance, minimum=0.0)
    except TypeError as exc:
        raise ValueError(str(exc)) from None
    precision = check_choice("precision", precision, PRECISIONS)
    s, books = check_problem(composite, codebooks, xp, entries=_check_phasors)
    T, N = s.shape

    dtype = xp.complex64 if precision == "single" else xp.complex128
    Xs = [xp.ascontiguousarray(X, dtype=dtype) for X in books]
    conj_books = [xp.ascontiguousarray(xp.conj(X)) for X in Xs]  # (N, D_f)
    transposed = [xp.ascontiguousarray(X.T) for X in Xs]  # (D_f, N)
    s = xp.ascontiguousarray(s, dtype=dtype)
    parts = in_trial_threads(
        xp, T, lambda lo, hi: _run(xp, s[lo:hi], Xs, conj_books, transposed, max_iterations,
                                   tolerance)
    )  # fmt: skip
    indices, signs, phases, iterations, converged, final = (
        np.concatenate(arrays) for arrays in zip(*parts)
    )
    return ComplexResonatorResult(
        indices=indices,
        signs=signs,
        sign_product=np.prod(signs, axis=1, dtype=np.int8),
        iterations=iterations,
        converged=converged,
        limit_cycle=np.zeros_like(converged),
        states=final,
        phases=phases,
    )


def _draw_phasor_problems(rng: np.random.Generator, N: int, F: int, D: int, count: int):
    """Random phasor codebooks (N, D) and ``count`` composites of random true indices.

    Phases i.i.d. uniform on :math:`(-\\pi, \\pi]` (the atoms of
    :class:`hebbian.vsa.models.FHRR`), in complex128 on the host.
    """
    books = []
    for _ in range(F):
        theta = np.pi - rng.uniform(0.0, 2.0 * np.pi, size=(N, D))
        books.append(np.exp(1j * theta))
    truth = rng.integers(0, D, size=(count, F))
    composite = np.ones((count, N), dtype=np.complex128)
    for f in range(F):
        composite *= books[f][:, truth[:, f]].T
    return composite, books, truth


def complex_resonator_trials(
    dimension: int,
    factors: int,
    codebook_size: int,
    trials: int,
    *,
    max_iterations: int | None = None,
    batch_size: int = 1000,
    seed: int | np.random.Generator | None = None,
    device: str = "cpu",
) -> dict:
    """Accuracy and speed of the complex resonator over random phasor problems.

    Kent, Frady, Sommer and Olshausen's protocol (Neural Computation 32, 2332 (2020)),
    with phasor codebooks: ``F = factors`` codebooks of ``D = codebook_size``
    codevectors of dimension ``N = dimension`` with i.i.d. uniform phases, a true
    column drawn uniformly for each factor, the composite their product, then
    :func:`complex_resonate` (complex64, tolerance :data:`CONVERGENCE_TOLERANCE`) and a
    decode of the last state. Trials run in batches of ``batch_size`` that share one
    draw of the codebooks (a fresh draw per batch). The draws come from one NumPy
    generator whatever the device.

    Parameters
    ----------
    dimension, factors, codebook_size, trials : int
        :math:`N \\ge 1`, :math:`F \\ge 1`, :math:`D \\ge 1`, number of trials (>= 1).
    max_iterations : int or None, optional
        Iteration cap; None for Kent et al.'s :math:`\\max(1, \\lfloor 0.001\\,D^F
        \\rfloor)` (:func:`hebbian.vsa.trials.default_max_iterations`).
    batch_size : int, optional
        Trials per batch (per codebook draw), >= 1.
    seed : int, numpy Generator or None, optional
    device : {"cpu", "gpu", "auto"}, optional

    Returns
    -------
    dict
        The keys of :func:`hebbian.vsa.trials.resonator_trials`, with ``method``
        ``"complex-resonator"``, ``weights`` ``"op"``, ``order`` ``"sequential"`` and
        ``cycle_length`` 0 (no cycle test, so ``limit_cycle_fraction`` is 0).
    """
    N, F, D, trials, max_iterations, batch_size = check_trial_sizes(
        dimension, factors, codebook_size, trials, max_iterations, batch_size
    )
    xp = array_module(device)
    rng = _generator(seed)

    def solve(composite, books):
        return complex_resonate(xp.asarray(composite.astype(np.complex64)),
                                [xp.asarray(b.astype(np.complex64)) for b in books],
                                max_iterations=max_iterations)  # fmt: skip

    settings = {"method": "complex-resonator", "weights": "op", "order": "sequential",
                "max_iterations": max_iterations, "cycle_length": 0,
                "batch_size": batch_size, "device": "gpu" if xp is not np else "cpu"}  # fmt: skip
    return run_trials((N, F, D), trials, batch_size,
                      lambda count: _draw_phasor_problems(rng, N, F, D, count), solve,
                      settings)  # fmt: skip
