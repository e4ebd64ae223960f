"""The complex (FHRR) resonator (hebbian.vsa.complex_resonator) against a slow reference.

The reference, ``complex_reference``, lives here: one trial at a time, plain loops over
the factors, the N x N matrix W_f = X_f X_f^H formed explicitly, complex128, the
algorithm of Frady, Kent, Olshausen and Sommer, Neural Computation 32, 2311 (2020)
with the stop and decode choices of the module (convergence up to a global phase per
factor, g(0) = 1). The comparison with the bipolar OP resonator uses Kent et al.'s
protocol (Neural Computation 32, 2332 (2020)): N = 1500, F = 3, cap 0.001 D^F.
"""

from __future__ import annotations

import numpy as np
import pytest

from hebbian.vsa.complex_resonator import (
    CONVERGENCE_TOLERANCE,
    ComplexResonatorResult,
    _draw_phasor_problems,
    complex_resonate,
    complex_resonator_trials,
)
from hebbian.vsa.resonator import ResonatorResult
from hebbian.vsa.trials import resonator_trials


def complex_reference(s, books, *, max_iterations, tolerance=CONVERGENCE_TOLERANCE):
    """One problem, the algorithm as printed, in complex128."""
    s = np.asarray(s, dtype=np.complex128)
    X = [np.asarray(b, dtype=np.complex128) for b in books]
    F = len(X)
    W = [Xf @ Xf.conj().T for Xf in X]

    def g(z):
        out = np.ones_like(z)  # g(0) = 1
        nonzero = z != 0
        out[nonzero] = z[nonzero] / np.abs(z[nonzero])
        return out

    x = [g(Xf.sum(axis=1)) for Xf in X]  # normalized superposition
    converged = False
    iterations = 0
    while iterations < max_iterations:
        iterations += 1
        change = 0.0
        for f in range(F):
            u = s.copy()
            for h in range(F):
                if h != f:
                    u = u * np.conj(x[h])  # factors h < f already updated
            new = g(W[f] @ u)
            turn = g(np.array([np.vdot(x[f], new)]))[0]  # arg <new, old>
            change = max(change, float(np.abs(new - turn * x[f]).max()))
            x[f] = new
        if change <= tolerance:
            converged = True
            break
    sims = [X[f].conj().T @ x[f] for f in range(F)]
    indices = [int(np.argmax(np.abs(v))) for v in sims]
    overlaps = [sims[f][indices[f]] for f in range(F)]
    return {
        "indices": indices,
        "phases": [float(np.angle(v)) for v in overlaps],
        "signs": [1 if v.real >= 0 else -1 for v in overlaps],
        "iterations": iterations,
        "converged": converged,
        "states": np.array(x),
    }


def test_parity_with_the_reference():
    # Small, overloaded problems (both stops occur); T = 80 is above the threading
    # threshold, so the split over threads is exercised too.
    rng = np.random.default_rng(3)
    stops = np.zeros(2, dtype=int)
    for N, F, D, T in [(64, 3, 8, 80), (40, 2, 12, 30), (50, 3, 5, 20)]:
        s, books, _ = _draw_phasor_problems(rng, N, F, D, T)
        fast = complex_resonate(s, books, max_iterations=25, precision="double")
        assert isinstance(fast, ComplexResonatorResult) and isinstance(fast, ResonatorResult)
        assert fast.states.dtype == np.complex128 and fast.states.shape == (T, F, N)
        for i in range(T):
            ref = complex_reference(s[i], books, max_iterations=25)
            assert list(fast.indices[i]) == ref["indices"], i
            assert fast.iterations[i] == ref["iterations"], i
            assert fast.converged[i] == ref["converged"], i
            assert list(fast.signs[i]) == ref["signs"], i
            np.testing.assert_allclose(fast.phases[i], ref["phases"], atol=1e-8)
            np.testing.assert_allclose(fast.states[i], ref["states"], atol=1e-8)
        assert not fast.limit_cycle.any()
        np.testing.assert_array_equal(fast.sign_product, fast.signs.prod(axis=1))
        stops += [fast.converged.sum(), (~fast.converged).sum()]
    assert stops[0] > 0 and stops[1] > 0


def test_single_and_double_precision_agree_on_an_easy_problem():
    rng = np.random.default_rng(8)
    s, books, truth = _draw_phasor_problems(rng, 400, 3, 8, 10)
    single = complex_resonate(s.astype(np.complex64), books, max_iterations=50)
    double = complex_resonate(s, books, max_iterations=50, precision="double")
    assert single.states.dtype == np.complex64
    np.testing.assert_array_equal(single.indices, truth)
    np.testing.assert_array_equal(double.indices, truth)
    np.testing.assert_allclose(single.phases, double.phases, atol=1e-3)


def test_every_factor_is_recovered_at_a_small_search_space():
    rng = np.random.default_rng(1)
    N, F, D = 500, 3, 10
    s, books, truth = _draw_phasor_problems(rng, N, F, D, 50)
    out = complex_resonate(s, books, max_iterations=100)
    np.testing.assert_array_equal(out.indices, truth)
    assert out.converged.all() and out.iterations.max() < 20
    # The decoded phases are consistent with the composite: their sum is 0 mod 2 pi (to
    # the crosstalk, which moves the fixed point off the codevectors: we measured up to
    # 1.5e-3 here), and the last states are the codevectors turned by those phases.
    total = np.exp(1j * out.phases.sum(axis=1))
    np.testing.assert_allclose(total, 1.0, atol=1e-2)
    for f in range(F):
        turned = np.exp(1j * out.phases[:, f])[:, None] * books[f][:, truth[:, f]].T
        overlap = (out.states[:, f] * turned.conj()).mean(axis=1)  # 1 if equal
        assert overlap.real.min() > 0.95, overlap.real.min()  # OP crosstalk: not 1
    summary = complex_resonator_trials(N, F, D, 40, max_iterations=100, seed=2)
    assert summary["accuracy"] == 1.0 and summary["accuracy_all"] == 1.0
    assert summary["converged_fraction"] == 1.0 and summary["capped_fraction"] == 0.0


def test_real_bipolar_inputs_are_phasors():
    # +-1 codebooks are unit-modulus: the network runs on them (decoding them right).
    rng = np.random.default_rng(2)
    books = [rng.choice([-1.0, 1.0], size=(300, 6)) for _ in range(2)]
    s = books[0][:, 4] * books[1][:, 1]
    out = complex_resonate(s, books, max_iterations=50)
    assert list(out.indices[0]) == [4, 1] and out.indices.shape == (1, 2)


def test_trials_summary_has_the_keys_of_resonator_trials():
    import json

    out = complex_resonator_trials(200, 2, 6, 10, seed=0)
    json.dumps(out)
    assert set(out) == set(resonator_trials(200, 2, 6, 10, seed=0))
    assert out["method"] == "complex-resonator" and out["max_iterations"] == 1
    again = complex_resonator_trials(200, 2, 6, 10, seed=0)
    assert again["accuracy"] == out["accuracy"]
    assert again["iterations_mean"] == out["iterations_mean"]


def test_accuracy_against_the_bipolar_op_resonator():
    # N = 1500, F = 3, Kent et al.'s cap, the same number of trials for both networks.
    # Measured, complex against bipolar accuracy:
    #   100 trials, seed 0: D = 79: 0.990 / 0.980; D = 120: 0.763 / 0.887.
    #   40 trials, seeds 1-4: D = 79: 1.0 / 0.975, 0.975 / 1.0, 1.0 / 1.0, 0.975 / 0.975;
    #   D = 120: 0.833 / 0.933, 0.800 / 0.875, 0.925 / 0.850, 0.750 / 0.975.
    # Pooled over the 260 trials at D = 120: 0.80 against 0.90; at D = 79 they are equal
    # to the sampling error. Tested, loosely (every seed above passes): both >= 0.9 at
    # D = 79 and within 0.1 of each other; the complex network lower at D = 120 than at
    # D = 79, below 0.95 there, and not above the bipolar one by more than 0.15.
    acc = {}
    for D in (79, 120):
        c = complex_resonator_trials(1500, 3, D, 40, batch_size=40, seed=1)
        b = resonator_trials(1500, 3, D, 40, batch_size=40, seed=1)
        acc[D] = (c["accuracy"], b["accuracy"])
    (c79, b79), (c120, b120) = acc[79], acc[120]
    assert c79 >= 0.9 and b79 >= 0.9 and abs(c79 - b79) <= 0.1, acc
    assert c120 < c79 and c120 < 0.95 and c120 <= b120 + 0.15, acc


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: complex_resonate(np.full((2, 4), 0.5), [np.ones((4, 2))], max_iterations=3),
         "composite entries must have modulus 1"),
        (lambda: complex_resonate(np.ones((2, 4)), [np.full((4, 2), 2j)], max_iterations=3),
         "codebooks[0] entries must have modulus 1"),
        (lambda: complex_resonate(np.ones((2, 4)), [np.ones((5, 2))], max_iterations=3),
         "codebooks[0] must have shape (N, D_f) = (4, >= 1)"),
        (lambda: complex_resonate(np.ones((2, 4)), [], max_iterations=3),
         "at least one codebook"),
        (lambda: complex_resonate(np.ones((2, 4)), np.ones((4, 2)), max_iterations=3),
         "codebooks must be a sequence"),
        (lambda: complex_resonate(np.ones((2, 2, 4)), [np.ones((4, 2))], max_iterations=3),
         "composite must be 1-D or 2-D"),
        (lambda: complex_resonate(np.array(["a"]), [np.ones((1, 2))], max_iterations=3),
         "composite entries must be unit-modulus numbers"),
        (lambda: complex_resonate(np.array([np.nan]), [np.ones((1, 2))], max_iterations=3),
         "composite entries must have modulus 1"),
        (lambda: complex_resonate(np.ones(4), [np.ones((4, 2))], max_iterations=0),
         "max_iterations must be >= 1, got 0"),
        (lambda: complex_resonate(np.ones(4), [np.ones((4, 2))], max_iterations=3,
                                  tolerance=-1.0), "tolerance must be"),
        (lambda: complex_resonate(np.ones(4), [np.ones((4, 2))], max_iterations=3,
                                  tolerance="x"), "tolerance must be a real number"),
        (lambda: complex_resonate(np.ones(4), [np.ones((4, 2))], max_iterations=3,
                                  precision="half"), "precision must be one of"),
        (lambda: complex_resonator_trials(0, 3, 10, 5), "dimension must be >= 1, got 0"),
        (lambda: complex_resonator_trials(1.5, 3, 10, 5), "dimension must be an integer"),
        (lambda: complex_resonator_trials(100, 3, 10, 0), "trials must be >= 1, got 0"),
        (lambda: complex_resonator_trials(100, 3, 10, 5, seed="x"), "seed must be an int"),
        (lambda: complex_resonator_trials(100, 3, 10, 5, seed=-1), "seed must be"),
        (lambda: complex_resonator_trials(100, 3, 10, 5, batch_size=0), "batch_size must"),
        (lambda: complex_resonator_trials(100, 3, 10, 5, max_iterations=0), "max_iterations"),
        (lambda: complex_resonator_trials(100, 3, 10, 5, device="tpu"), "device must be one"),
        (lambda: complex_resonator_trials(10**6, 3, 10**3, 5), "must be at most"),
    ],
)  # fmt: skip
def test_bad_inputs_are_refused_in_one_line(call, message):
    with pytest.raises(ValueError) as info:
        call()
    text = str(info.value)
    assert message in text and "\n" not in text


def test_cupy_matches_numpy():
    cupy = pytest.importorskip("cupy")
    try:
        cupy.cuda.runtime.getDeviceCount()
    except Exception:  # pragma: no cover - depends on the machine
        pytest.skip("CuPy finds no CUDA device")
    rng = np.random.default_rng(4)
    s, books, _ = _draw_phasor_problems(rng, 300, 3, 12, 64)
    cpu = complex_resonate(s, books, max_iterations=40, precision="double")
    gpu = complex_resonate(cupy.asarray(s), [cupy.asarray(b) for b in books],
                           max_iterations=40, precision="double")  # fmt: skip
    np.testing.assert_array_equal(cpu.indices, gpu.indices)
    np.testing.assert_array_equal(cpu.iterations, gpu.iterations)
    np.testing.assert_array_equal(cpu.converged, gpu.converged)
    np.testing.assert_allclose(cpu.states, gpu.states, atol=1e-8)
