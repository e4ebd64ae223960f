"""Reference and Numba kernels give identical spins, overlap sums and flip counts
for identical draws: exact equality, no tolerance."""

import zlib

import numpy as np
import pytest
from _cases import hebbian_case

from hebbian.models import CouplingModel
from hebbian.montecarlo import numba_kernels, reference
from hebbian.montecarlo.arrays import (
    P2_NARROW,
    P2_WIDE,
    UNIFORM,
    WEIGHTED,
    initial_sums,
    prepare,
)
from hebbian.montecarlo.draws import draw_sweep, random_spins
from hebbian.montecarlo.dynamics import HEAT_BATH, METROPOLIS, ZERO_TEMPERATURE
from hebbian.observables import overlap_sums

DYNAMICS = [(HEAT_BATH, 1.7), (METROPOLIS, 0.9), (ZERO_TEMPERATURE, np.inf)]
N_SWEEPS = 6


CASES = {
    "p2": (hebbian_case(2, 37, 5), P2_NARROW),
    "p2-diluted": (hebbian_case(2, 41, 7, dilution=0.4), P2_NARROW),
    "p2-weighted": (hebbian_case(2, 29, 6, weighted=True), WEIGHTED),
    "p3": (hebbian_case(3, 23, 53), UNIFORM),
    "p3-diluted": (hebbian_case(3, 19, 31, dilution=0.3), UNIFORM),
    "p3-weighted": (hebbian_case(3, 21, 17, weighted=True), WEIGHTED),
    "p4": (hebbian_case(4, 13, 11), UNIFORM),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize(("dynamics", "beta"), DYNAMICS)
@pytest.mark.parametrize("site_order", ["random", "fixed"])
def test_hebbian_sequential_parity(case, dynamics, beta, site_order):
    model, mode = CASES[case]
    arrays = prepare(model)
    assert arrays.mode == mode
    rng = np.random.default_rng(zlib.crc32(f"{case}-{dynamics}-{site_order}".encode()))
    C, N = 3, model.n_neurons
    s_ref = random_spins(rng, C, N)
    s_nb = s_ref.copy()
    sums_ref = initial_sums(arrays, s_ref)
    sums_nb = sums_ref.copy()
    total_flips = 0
    for _ in range(N_SWEEPS):
        d = draw_sweep(
            rng,
            n_chains=C,
            n_neurons=N,
            site_order=site_order,
            needs_uniforms=dynamics != ZERO_TEMPERATURE,
        )
        f_ref = reference.hebbian_sweep(
            s_ref, sums_ref, arrays, beta, dynamics, d.order, d.uniforms
        )
        f_nb = numba_kernels.hebbian_sweep(
            s_nb, sums_nb, arrays, beta, dynamics, d.order, d.uniforms
        )
        assert np.array_equal(s_ref, s_nb)
        assert np.array_equal(sums_ref, sums_nb)
        assert np.array_equal(f_ref, f_nb)
        total_flips += int(f_ref.sum())
    assert total_flips > 0  # the comparison exercised flips, not only rejections
    K = model.n_memories
    assert np.array_equal(sums_nb[:, :K], overlap_sums(s_nb, model.memories))
    assert not sums_nb[:, K:].any()  # padding stays zero


@pytest.mark.parametrize("case", ["p2", "p2-diluted", "p3", "p3-weighted"])
@pytest.mark.parametrize("beta", [1.3, np.inf])
def test_hebbian_synchronous_parity(case, beta):
    model, _ = CASES[case]
    arrays = prepare(model)
    rng = np.random.default_rng(7)
    C, N = 2, model.n_neurons
    s_ref = random_spins(rng, C, N)
    s_nb = s_ref.copy()
    sums_ref = initial_sums(arrays, s_ref)
    sums_nb = sums_ref.copy()
    for _ in range(N_SWEEPS):
        u = rng.random((C, N)) if np.isfinite(beta) else np.empty((C, 0))
        f_ref = reference.hebbian_synchronous(s_ref, sums_ref, arrays, beta, u)
        f_nb = numba_kernels.hebbian_synchronous(s_nb, sums_nb, arrays, beta, u)
        assert np.array_equal(s_ref, s_nb) and np.array_equal(sums_ref, sums_nb)
        assert np.array_equal(f_ref, f_nb)


def test_p2_wide_mode_matches_narrow():
    # Same model, the 64-bit path forced: identical chains.
    model, _ = CASES["p2"]
    narrow = prepare(model)
    wide = narrow._replace(mode=P2_WIDE)
    rng = np.random.default_rng(3)
    s1 = random_spins(rng, 2, model.n_neurons)
    s2 = s1.copy()
    m1 = initial_sums(narrow, s1).astype(np.int32)
    m2 = m1.copy()
    for _ in range(N_SWEEPS):
        d = draw_sweep(rng, n_chains=2, n_neurons=model.n_neurons)
        numba_kernels.hebbian_sweep(s1, m1, narrow, 1.1, HEAT_BATH, d.order, d.uniforms)
        numba_kernels.hebbian_sweep(s2, m2, wide, 1.1, HEAT_BATH, d.order, d.uniforms)
        assert np.array_equal(s1, s2)


@pytest.mark.parametrize(("dynamics", "beta"), DYNAMICS)
@pytest.mark.parametrize("keep_diagonal", [False, True])
@pytest.mark.parametrize("symmetric", [True, False])
def test_coupling_parity(dynamics, beta, keep_diagonal, symmetric):
    # the kernels read row i as the couplings into neuron i, also without symmetry (the
    # engine runs asymmetric couplings only at T = 0 and synchronously; the kernels
    # themselves agree for every rule)
    rng = np.random.default_rng(11)
    N, C = 31, 3
    A = rng.normal(size=(N, N)) / np.sqrt(N)
    J = A + A.T if symmetric else A
    model = CouplingModel(J, keep_diagonal=keep_diagonal, symmetric=symmetric)
    s_ref = random_spins(rng, C, N)
    s_nb = s_ref.copy()
    for _ in range(N_SWEEPS):
        d = draw_sweep(rng, n_chains=C, n_neurons=N, needs_uniforms=dynamics != ZERO_TEMPERATURE)
        f_ref = reference.coupling_sweep(
            s_ref, model.couplings, beta, dynamics, d.order, d.uniforms
        )
        f_nb = numba_kernels.coupling_sweep(
            s_nb, model.couplings, beta, dynamics, d.order, d.uniforms
        )
        assert np.array_equal(s_ref, s_nb) and np.array_equal(f_ref, f_nb)
    for _ in range(3):
        u = rng.random((C, N)) if np.isfinite(beta) else np.empty((C, 0))
        reference.coupling_synchronous(s_ref, model.couplings, beta, u)
        numba_kernels.coupling_synchronous(s_nb, model.couplings, beta, u)
        assert np.array_equal(s_ref, s_nb)
