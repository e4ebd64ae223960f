"""Integer memories (entries beyond {-1, 0, +1}) at p = 2 to 6: exact on every backend.

The memories of a supervised Hebbian network are the per-class sums of ``M`` noisy
+-1 examples, integers in [-M, M]. The tests check, with exact equality (no tolerance),
that the reference, Numba and blocked (NumPy) backends give the same spins, overlap
sums and flips for the same draws; that the self-interactions removed are the sums of
squared entries (energy, field, flip identity); that the overlap sums never overflow;
how the memories are stored; and what is refused. A Monte Carlo run is compared with
exact enumeration with the statistical test of ``tests/test_exact.py``.

At p = 3 the same checks run on models of integer memories (the field's distinct pairs
of the other sites need the sums of squares only), and the energy, the sum over ordered
distinct triples, is checked with its sums of cubes against a brute-force sum; ternary
p >= 3 results are checked against fingerprints recorded before integer memories
reached p = 3.

At p = 4, 5 and 6 the field comes from Newton's identities on the power sums, with the
odd ones (P_3, and P_5 at p = 6) tracked by the CPU chains: the field and the energy are
checked against brute-force sums over ordered distinct tuples, the reference and Numba
kernels against each other (spins, overlap sums and tracked power sums, every sweep),
the Monte Carlo against exact enumeration, and the blocked and GPU engines refuse them.
"""

import itertools
import math
import zlib

import numpy as np
import pytest
from _cases import hebbian_case, z_scores

from hebbian.models import MAX_ENTRY, MAX_INTEGER_P, HebbianModel, padded_memory_count
from hebbian.montecarlo import blocked, numba_kernels, reference
from hebbian.montecarlo.arrays import (
    P2_NARROW,
    P2_WIDE,
    POWER_UNIFORM,
    POWER_WEIGHTED,
    UNIFORM,
    WEIGHTED,
    block_cube_sums,
    block_power_sums,
    field_mode,
    initial_sums,
    odd_power_orders,
    prepare,
    sums_dtype,
)
from hebbian.montecarlo.backends import choose_backend
from hebbian.montecarlo.chains import MarkovChains
from hebbian.montecarlo.draws import draw_sweep, random_spins
from hebbian.montecarlo.dynamics import HEAT_BATH, METROPOLIS, SYNCHRONOUS, ZERO_TEMPERATURE
from hebbian.montecarlo.engine import simulate, simulate_batch
from hebbian.montecarlo.exact import exact_averages
from hebbian.montecarlo.memory import estimate_run_bytes
from hebbian.observables import (
    cube_sums,
    hebbian_energy,
    newton_products,
    newton_products_without,
    ordered_products,
    overlap_sums,
    power_sums,
)
from hebbian.patterns import diluted_patterns, noisy_examples, random_patterns

#: The blocked scheme on NumPy everywhere; on CuPy where a GPU is present.
BLOCKED = ["blocked", pytest.param("cupy", marks=pytest.mark.gpu)]

#: Threshold of the Monte Carlo against exact comparison (as in tests/test_exact.py):
#: |MC - exact| < 4 Sokal standard errors, a false alarm rate of 6e-5 per comparison.
Z_MAX = 4.0


def supervised(n_memories, n_neurons, n_examples, quality, *, seed):
    """Memories of a supervised network: the sum of each class's noisy examples."""
    rng = np.random.default_rng(seed)
    archetypes = random_patterns(n_memories, n_neurons, seed=rng)
    examples = noisy_examples(archetypes, quality=quality, n_examples=n_examples, seed=rng)
    return examples.sum(axis=1)  # (K, N) integers in [-M, M]


def mean_square(model):
    return float(model.square_sums.sum()) / (model.n_memories * model.n_neurons)


# entries in [-5, 5] (int8) and up to +-200 (int16; M = 200 examples of quality 0.9)
CASES = {
    "small": HebbianModel(supervised(5, 37, 5, 0.5, seed=1)),
    "large": HebbianModel(supervised(6, 41, 200, 0.9, seed=2)),
    "small-three-blocks": HebbianModel(supervised(9, 150, 5, 0.4, seed=3)),
}


def test_cases_are_integer_memories():
    assert CASES["small"].site_major.dtype == np.int8
    assert 1 < CASES["small"].max_abs_entry <= 5
    assert CASES["large"].site_major.dtype == np.int16
    assert 127 < CASES["large"].max_abs_entry <= 200
    for model in CASES.values():
        assert not model.is_ternary and prepare(model).mode == P2_NARROW


def _temperature_beta(model, dynamics):
    # fields scale as the squared entries: a finite temperature of that order flips
    # spins both ways; T = 0 is beta = inf
    return np.inf if dynamics == ZERO_TEMPERATURE else 1.3 / mean_square(model)


def _run_backends(model, backends, *, dynamics, site_order, n_sweeps, n_chains, seed, beta=None):
    """Run ``backends`` on identical draws; compare spins, sums and flips every sweep."""
    rng = np.random.default_rng(seed)
    N = model.n_neurons
    beta = _temperature_beta(model, dynamics) if beta is None else beta
    start = random_spins(rng, n_chains, N)
    chains = [MarkovChains(model, start, backend=b) for b in backends]
    total = 0
    for _ in range(n_sweeps):
        if dynamics == SYNCHRONOUS:
            u = rng.random((n_chains, N)) if np.isfinite(beta) else np.empty((n_chains, 0))
            d = draw_sweep(rng, n_chains=n_chains, n_neurons=N, site_order="fixed")
            order = d.order
        else:
            d = draw_sweep(
                rng,
                n_chains=n_chains,
                n_neurons=N,
                site_order=site_order,
                needs_uniforms=dynamics != ZERO_TEMPERATURE,
            )
            u, order = d.uniforms, d.order
        flips = [
            c.host_array(c.sweep(beta=beta, dynamics=dynamics, uniforms=u, order=order))
            for c in chains
        ]
        first = chains[0]
        for other, f in zip(chains[1:], flips[1:]):
            assert np.array_equal(first.host_spins(), other.host_spins()), other.backend
            assert np.array_equal(first.host_sums(), other.host_sums()), other.backend
            odd, other_odd = first.host_odd_sums(), other.host_odd_sums()
            assert (odd is None) == (other_odd is None), other.backend
            if odd is not None:  # the tracked P_3 (and P_5) of integer memories at p >= 4
                assert np.array_equal(odd, other_odd), other.backend
            assert np.array_equal(flips[0], f), other.backend
            np.testing.assert_array_equal(first.overlaps(), other.overlaps())
            np.testing.assert_array_equal(first.energy(), other.energy())
        total += int(flips[0].sum())
    # the kept sums are the exact overlap sums of the final spins
    spins = first.host_spins()
    np.testing.assert_array_equal(first.host_sums(), overlap_sums(spins, model.memories))
    if first.odd_sums is not None:  # and the tracked odd power sums are exact too
        for a, m in enumerate(odd_power_orders(model.p, model.max_abs_entry)):
            want = power_sums(spins, model.memories, m)
            np.testing.assert_array_equal(first.host_odd_sums()[:, a], want)
    return total


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("dynamics", [HEAT_BATH, ZERO_TEMPERATURE, METROPOLIS])
@pytest.mark.parametrize("site_order", ["shared", "fixed"])
def test_reference_numba_blocked_parity(case, dynamics, site_order):
    seed = zlib.crc32(f"int-{case}-{dynamics}-{site_order}".encode())
    flips = _run_backends(
        CASES[case],
        ["reference", "numba", "blocked"],
        dynamics=dynamics,
        site_order=site_order,
        n_sweeps=5,
        n_chains=4,
        seed=seed,
    )
    assert flips > 0  # the comparison exercised flips, not only rejections


@pytest.mark.parametrize("case", ["small", "large"])
@pytest.mark.parametrize("dynamics", [HEAT_BATH, ZERO_TEMPERATURE])
def test_reference_numba_parity_random_order(case, dynamics):
    # a random order per chain: the CPU kernels only (the blocked scheme shares one)
    flips = _run_backends(
        CASES[case],
        ["reference", "numba"],
        dynamics=dynamics,
        site_order="random",
        n_sweeps=6,
        n_chains=3,
        seed=zlib.crc32(f"random-{case}-{dynamics}".encode()),
    )
    assert flips > 0


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("zero_temperature", [False, True])
def test_synchronous_parity(case, zero_temperature):
    # heat bath from the old fields, or the sign rule at T = 0
    flips = _run_backends(
        CASES[case],
        ["reference", "numba", "blocked"],
        dynamics=SYNCHRONOUS,
        site_order="fixed",
        n_sweeps=4,
        n_chains=3,
        seed=5 + zero_temperature,
        beta=np.inf if zero_temperature else None,
    )
    assert flips > 0


@pytest.mark.parametrize("backend", BLOCKED)
@pytest.mark.parametrize("case", ["large", "small-three-blocks"])
def test_blocked_backends_match_numba(backend, case):
    # the GPU engine where one is present (the same scheme as "blocked")
    flips = _run_backends(
        CASES[case],
        ["numba", backend],
        dynamics=HEAT_BATH,
        site_order="shared",
        n_sweeps=4,
        n_chains=5,
        seed=8,
    )
    assert flips > 0


@pytest.mark.parametrize("block_size", [1, 7, 64, 200])
def test_any_block_size_gives_the_same_chains(block_size):
    model = CASES["small-three-blocks"]
    arrays = prepare(model)
    barrays = blocked.prepare_hebbian(model, block_size=block_size)
    rng = np.random.default_rng(block_size)
    beta = _temperature_beta(model, HEAT_BATH)
    s1 = random_spins(rng, 4, model.n_neurons)
    s2 = s1.copy()
    m1 = initial_sums(arrays, s1)
    m2 = m1.copy()
    for _ in range(4):
        d = draw_sweep(rng, n_chains=4, n_neurons=model.n_neurons, site_order="shared")
        f1 = numba_kernels.hebbian_sweep(s1, m1, arrays, beta, HEAT_BATH, d.order, d.uniforms)
        f2 = blocked.hebbian_sweep(s2, m2, barrays, beta, HEAT_BATH, d.order, d.uniforms)
        assert np.array_equal(s1, s2) and np.array_equal(m1, m2) and np.array_equal(f1, f2)


def test_weighted_integer_model_parity():
    # general weights (the WEIGHTED mode, CPU only): reference and Numba still agree
    xi = supervised(4, 33, 7, 0.6, seed=9)
    model = HebbianModel(xi, weights=np.random.default_rng(9).uniform(0.5, 1.5, 4))
    assert prepare(model).mode == WEIGHTED
    flips = _run_backends(
        model,
        ["reference", "numba"],
        dynamics=HEAT_BATH,
        site_order="random",
        n_sweeps=5,
        n_chains=3,
        seed=10,
    )
    assert flips > 0


def test_wide_mode_where_32_bit_lanes_could_overflow():
    # 64 copies of one memory of entries +-200 at N = 1000: at the aligned state the
    # field numerator is 64 * 200 * 200 * 1000 = 2.56e9 > 2**31, so 32-bit lanes would
    # overflow; field_mode sees K N max^2 >= 2**31 and takes the 64-bit mode
    N, K = 1000, 64
    pattern = random_patterns(1, N, seed=11)[0].astype(np.int64)
    model = HebbianModel(np.tile(200 * pattern, (K, 1)))
    arrays = prepare(model)
    assert arrays.mode == P2_WIDE
    spins = np.stack([pattern, -pattern]).astype(np.int8)
    sums = initial_sums(arrays, spins)
    assert sums.dtype == np.int32 and np.all(np.abs(sums[:, :K]) == 200 * N)
    for c in range(2):
        for i in (0, 17, N - 1):
            s_i = int(spins[c, i])
            h = reference.hebbian_field(i, s_i, sums[c], arrays)
            num = float(K * 200 * (200 * N * s_i - 200 * s_i))
            assert h == num / N  # the exact field, with the self-interaction removed
    # a sweep at T = 0 keeps the aligned states (the field agrees with every spin)
    rng = np.random.default_rng(12)
    d = draw_sweep(rng, n_chains=2, n_neurons=N, site_order="random")
    s_nb, m_nb = spins.copy(), sums.copy()
    flips = numba_kernels.hebbian_sweep(
        s_nb, m_nb, arrays, np.inf, ZERO_TEMPERATURE, d.order, np.empty((2, 0))
    )
    assert not flips.any() and np.array_equal(s_nb, spins)
    # and from random spins the wide Numba mode is the reference
    s_ref = random_spins(rng, 2, N)
    s_nb = s_ref.copy()
    m_ref = initial_sums(arrays, s_ref)
    m_nb = m_ref.copy()
    for _ in range(2):
        d = draw_sweep(rng, n_chains=2, n_neurons=N, site_order="random")
        reference.hebbian_sweep(
            s_ref, m_ref, arrays, np.inf, ZERO_TEMPERATURE, d.order, np.empty((2, 0))
        )
        numba_kernels.hebbian_sweep(
            s_nb, m_nb, arrays, np.inf, ZERO_TEMPERATURE, d.order, np.empty((2, 0))
        )
        assert np.array_equal(s_ref, s_nb) and np.array_equal(m_ref, m_nb)


def test_field_mode_bounds():
    # the 32-bit lanes are exact for K N max^2 < 2**31, the 64-bit ones below 2**62
    assert field_mode(p=2, uniform=True, n_memories=2**15, n_neurons=2**15) == P2_NARROW
    assert field_mode(p=2, uniform=True, n_memories=2**16, n_neurons=2**15) == P2_WIDE
    # K N = 2**20: 45**2 = 2025 < 2**11 <= 46**2
    for X, mode in ((1, P2_NARROW), (45, P2_NARROW), (46, P2_WIDE), (200, P2_WIDE)):
        got = field_mode(p=2, uniform=True, n_memories=2**10, n_neurons=2**10, max_entry=X)
        assert got == mode, X
    with pytest.raises(ValueError, match=r"K N max\|xi\|\^2 < 2\*\*62"):
        field_mode(p=2, uniform=True, n_memories=2**20, n_neurons=2**13, max_entry=2**15 - 1)
    assert prepare(CASES["large"]).max_entry == CASES["large"].max_abs_entry


def test_sums_do_not_overflow():
    # N max|xi| = 300 * 200 = 60000 > 32767: int32 sums, equal to a float64 recomputation
    N, K = 300, 3
    xi = supervised(K, N, 200, 0.95, seed=13)
    xi[0, :] = 200 * np.sign(xi[0] + 0.5).astype(np.int64)  # a memory of entries +-200
    model = HebbianModel(xi)
    X = model.max_abs_entry
    assert X == 200 and N * X > np.iinfo(np.int16).max
    assert sums_dtype(N, X) == np.int32 and sums_dtype(N) == np.int16
    cued = np.sign(xi[0]).astype(np.int8)
    start = np.stack([cued, -cued, random_spins(np.random.default_rng(0), 1, N)[0]])
    xi64 = xi.astype(np.float64)
    for backend in ("reference", "numba", "blocked"):
        chains = MarkovChains(model, start, backend=backend)
        assert chains.sums.dtype == np.int32
        np.testing.assert_array_equal(chains.host_sums(), start.astype(np.float64) @ xi64.T)
        assert chains.host_sums()[0, 0] == 200 * N
        beta = 1.0 / mean_square(model)
        rng = np.random.default_rng(14)
        for _ in range(3):
            d = draw_sweep(rng, n_chains=3, n_neurons=N, site_order="shared")
            chains.sweep(beta=beta, dynamics=HEAT_BATH, uniforms=d.uniforms, order=d.order)
            s = chains.host_spins().astype(np.float64)
            np.testing.assert_array_equal(chains.host_sums(), s @ xi64.T)
            np.testing.assert_array_equal(chains.overlaps(), (s @ xi64.T) / N)
            want = -0.5 * ((s @ xi64.T) ** 2 - (xi64**2).sum(axis=1)).sum(axis=1) / N**2
            np.testing.assert_allclose(chains.energy(), want, rtol=1e-13)
        assert np.abs(chains.host_sums()).max() > np.iinfo(np.int16).max


def brute_force_energy(xi, weights, s):
    """-(1/(2N)) sum_k w_k sum_{i != j} xi_ki xi_kj s_i s_j, per spin."""
    K, N = xi.shape
    total = 0.0
    for k in range(K):
        x = xi[k].astype(np.int64) * s
        acc = sum(int(x[i] * x[j]) for i, j in itertools.permutations(range(N), 2))
        total += weights[k] * acc
    return -total / (2 * N) / N


@pytest.mark.parametrize("weighted", [False, True])
def test_energy_is_distinct_pair_sum(weighted):
    rng = np.random.default_rng(15)
    xi = supervised(3, 9, 11, 0.3, seed=15)
    weights = rng.uniform(0.5, 1.5, 3) if weighted else None
    model = HebbianModel(xi, weights=weights)
    for _ in range(4):
        s = np.where(rng.random(9) < 0.5, 1, -1)
        e = hebbian_energy(
            overlap_sums(s, xi),
            nnz=model.square_sums,
            weights=model.weights,
            p=2,
            n_neurons=9,
        )
        assert e == pytest.approx(brute_force_energy(xi, model.weights, s), rel=1e-12)


@pytest.mark.parametrize("case", ["small", "large"])
def test_flip_changes_energy_by_two_sigma_h(case):
    # E = N e(sums); flipping spin i changes E by exactly 2 s_i h_i. With N = 64 (a power
    # of two) and unit weights every quantity is a dyadic rational computed without
    # rounding, so the identity holds bit for bit.
    M, r = (5, 0.5) if case == "small" else (200, 0.9)
    xi = supervised(7, 64, M, r, seed=16)
    model = HebbianModel(xi)
    arrays = prepare(model)
    rng = np.random.default_rng(17)
    N, K = 64, 7

    def energy(sums):
        return hebbian_energy(
            sums[:K], nnz=model.square_sums, weights=model.weights, p=2, n_neurons=N
        )

    for s in random_spins(rng, 3, N):
        sums = initial_sums(arrays, s[None])[0].astype(np.int64)
        for i in range(N):
            s_i = int(s[i])
            h = reference.hebbian_field(i, s_i, sums, arrays)
            flipped = sums - 2 * s_i * arrays.xi_t[i].astype(np.int64)
            assert N * (energy(flipped) - energy(sums)) == 2 * s_i * h
    # with general weights, up to rounding
    weighted = HebbianModel(xi, weights=rng.uniform(0.5, 1.5, K))
    warrays = prepare(weighted)
    s = random_spins(rng, 1, N)[0]
    sums = initial_sums(warrays, s[None])[0].astype(np.int64)
    for i in range(N):
        h = reference.hebbian_field(i, int(s[i]), sums, warrays)
        flipped = sums - 2 * int(s[i]) * warrays.xi_t[i].astype(np.int64)
        e0, e1 = (
            hebbian_energy(
                x[:K], nnz=weighted.square_sums, weights=weighted.weights, p=2, n_neurons=N
            )
            for x in (sums, flipped)
        )
        assert N * (e1 - e0) == pytest.approx(2 * s[i] * h, rel=1e-10, abs=1e-9)


@pytest.mark.slow
@pytest.mark.parametrize("scale", [0.6, 1.5])
@pytest.mark.parametrize("dynamics", ["heat_bath", "metropolis"])
def test_monte_carlo_matches_exact_enumeration(scale, dynamics):
    # N = 12, two memories with entries in [-5, 5]; temperatures in units of the mean
    # squared entry (the scale of the fields): below and above the ordering. Fixed seeds,
    # 8 chains; a point passes when |MC - exact| < Z_MAX = 4 Sokal standard errors of
    # <m_k^2> and <E/N> (a false alarm rate of 6e-5 per comparison)
    model = HebbianModel(supervised(2, 12, 5, 0.6, seed=18))
    assert model.max_abs_entry > 1
    temperature = scale * mean_square(model)
    exact = exact_averages(model, temperature=temperature)
    ds = simulate(
        model,
        temperature=temperature,
        dynamics=dynamics,
        n_sweeps=5000,
        n_burn=200,
        n_chains=8,
        seed=int(100 * scale) + (dynamics == "metropolis"),
    )
    z_m2, z_e = z_scores(ds, exact)
    assert np.all(z_m2 < Z_MAX), (z_m2, ds.m2_mean.values, exact.m2)
    assert z_e < Z_MAX, (z_e, float(ds.energy_mean), exact.energy)
    # the test has power: errors are small compared with the quantities
    assert float(ds.energy_stderr) < 0.02 * abs(exact.energy) + 1e-3
    assert np.all(ds.m2_stderr.values < 0.05 * exact.m2)
    _, z_wrong = z_scores(ds, exact_averages(model, temperature=1.3 * temperature))
    assert z_wrong > 3 * Z_MAX  # and it detects a wrong temperature


def test_exact_enumeration_removes_the_squares():
    # the ground state energy of one integer memory: sigma = sign(xi) gives
    # E/N = -(S^2 - sum xi^2) / (2 N^2) with S = sum |xi|
    xi = np.array([[3, -1, 2, 0, -4, 1, 1, -2, 5, 1]])
    model = HebbianModel(xi)
    exact = exact_averages(model, temperature=0)
    S, Q, N = np.abs(xi).sum(), (xi**2).sum(), xi.shape[1]
    assert exact.energy == pytest.approx(-(S**2 - Q) / (2 * N**2), rel=1e-14)
    assert exact.m2[0] == pytest.approx((S / N) ** 2, rel=1e-14)


def test_storage_and_properties():
    xi = np.array([[3, -1, 0, 2, 0], [1, 1, -2, 0, 0]])
    model = HebbianModel(xi)
    assert model.site_major.dtype == np.int8 and model.memories.dtype == np.int8
    assert model.site_major.shape == (5, padded_memory_count(2))
    assert not model.site_major.flags.writeable and not model.site_major[:, 2:].any()
    assert np.shares_memory(model.memories, model.site_major)
    np.testing.assert_array_equal(model.memories, xi)
    np.testing.assert_array_equal(model.square_sums, [14, 6])
    np.testing.assert_array_equal(model.site_square_sums, [10, 2, 4, 4, 0])
    np.testing.assert_array_equal(model.nonzero_counts, [3, 3])
    np.testing.assert_array_equal(model.site_counts, [2, 2, 1, 1, 0])
    for array in (model.square_sums, model.site_square_sums):
        assert array.dtype == np.int64
    assert model.max_abs_entry == 3 and not model.is_ternary
    assert model.describe()["max_abs_entry"] == 3 and model.describe()["diluted"] == 1
    arrays = prepare(model)
    np.testing.assert_array_equal(arrays.nnz[:2], [14, 6])
    assert arrays.diag is model.site_square_sums and arrays.max_entry == 3
    # the int8 / int16 boundary, and every input kind stored alike
    assert HebbianModel(np.full((2, 3), 127)).site_major.dtype == np.int8
    assert HebbianModel(np.full((2, 3), -128)).site_major.dtype == np.int16
    big = np.array([[MAX_ENTRY, -MAX_ENTRY, 0], [1, 2, 3]])
    for kind in (np.int64, np.int32, np.int16, np.float64, np.float32, np.uint16):
        if kind == np.uint16:
            m = HebbianModel(np.abs(big).astype(kind))
            np.testing.assert_array_equal(m.memories, np.abs(big))
            continue
        m = HebbianModel(big.astype(kind))
        assert m.site_major.dtype == np.int16 and m.max_abs_entry == MAX_ENTRY
        np.testing.assert_array_equal(m.memories, big)
        np.testing.assert_array_equal(m.square_sums, (big.astype(np.int64) ** 2).sum(axis=1))
    assert HebbianModel(big, weights=[1.0, 2.0]).uniform_weight is None


@pytest.mark.parametrize("threads", [1, 3])
@pytest.mark.parametrize(("K", "N", "M"), [(600, 1100, 5), (70, 1030, 200), (3, 40, 9)])
def test_block_and_sums_of_squares_against_definitions(K, N, M, threads, monkeypatch):
    # tiles of 512, split over threads: the block and every sum against its definition
    from hebbian import models as models_module

    if threads > 1:
        monkeypatch.setattr(models_module, "PARALLEL_ENTRIES", 0)
        monkeypatch.setattr(models_module, "workers", lambda: threads)
    xi = supervised(K, N, M, 0.5, seed=K + N)
    xi[:, ::7] = 0  # blank sites, so that the counts differ from N and K
    model = HebbianModel(xi)
    assert model.site_major.dtype == (np.int8 if np.abs(xi).max() <= 127 else np.int16)
    np.testing.assert_array_equal(model.site_major[:, :K], xi.T)
    assert not model.site_major[:, K:].any()
    x64 = xi.astype(np.int64)
    np.testing.assert_array_equal(model.square_sums, (x64**2).sum(axis=1))
    np.testing.assert_array_equal(model.site_square_sums, (x64**2).sum(axis=0))
    np.testing.assert_array_equal(model.nonzero_counts, np.count_nonzero(xi, axis=1))
    np.testing.assert_array_equal(model.site_counts, np.count_nonzero(xi, axis=0))
    assert model.max_abs_entry == np.abs(xi).max()


def test_ternary_models_are_unchanged():
    for xi in (
        random_patterns(20, 300, seed=19),
        diluted_patterns(70, 600, dilution=0.3, seed=20),
        np.zeros((2, 5), dtype=np.int8),
    ):
        model = HebbianModel(xi)
        assert model.is_ternary and model.max_abs_entry == int(np.abs(xi).max())
        assert model.site_major.dtype == np.int8
        # the sums of squares are the counts (the same arrays), as the engines used
        assert model.square_sums is model.nonzero_counts
        assert model.site_square_sums is model.site_counts
        np.testing.assert_array_equal(model.nonzero_counts, np.count_nonzero(xi, axis=1))
        np.testing.assert_array_equal(model.site_counts, np.count_nonzero(xi, axis=0))
        arrays = prepare(model)
        assert arrays.max_entry == 1 and arrays.mode == P2_NARROW
        assert arrays.diag is model.site_counts
        np.testing.assert_array_equal(arrays.nnz[: xi.shape[0]], model.nonzero_counts)
        spins = random_spins(np.random.default_rng(0), 2, xi.shape[1])
        assert initial_sums(arrays, spins).dtype == sums_dtype(xi.shape[1]) == np.int16
        assert model.describe()["max_abs_entry"] == int(np.abs(xi).max())
    assert sums_dtype(40000) == np.int32 and sums_dtype(40000, 1) == np.int32
    p3 = HebbianModel(random_patterns(30, 10, seed=21), p=3)
    assert p3.square_sums is p3.nonzero_counts and prepare(p3).max_entry == 1


@pytest.mark.parametrize("p", [7, 8])
def test_integer_memories_need_p_2_to_6(p):
    xi = supervised(2, 10, 3, 0.5, seed=22)
    assert MAX_INTEGER_P == 6
    with pytest.raises(ValueError, match=r"for p = \d.*supported for p = 2 to 6") as info:
        HebbianModel(xi, p=p)
    assert "\n" not in str(info.value) and f"max |entry| = {np.abs(xi).max()}" in str(info.value)
    HebbianModel(np.clip(xi, -1, 1), p=p)  # ternary memories are fine
    for q in range(2, MAX_INTEGER_P + 1):
        assert not HebbianModel(xi, p=q).is_ternary


@pytest.mark.parametrize(
    ("bad", "shown"),
    [
        (0.5, "0.5"),
        (np.nan, "nan"),
        (np.inf, "inf"),
        (-np.inf, "-inf"),
        (1e6, "1000000"),
        (MAX_ENTRY + 1, str(MAX_ENTRY + 1)),
        (-MAX_ENTRY - 1, str(-MAX_ENTRY - 1)),
        (2.5, "2.5"),
    ],
)
def test_non_integral_or_out_of_range_entries_are_rejected(bad, shown):
    dtype = np.int32 if isinstance(bad, int) else np.float64
    xi = np.ones((3, 40), dtype=dtype)
    xi[1, 7] = bad
    with pytest.raises(ValueError) as info:
        HebbianModel(xi)
    message = str(info.value)
    assert message.endswith(f"got {shown}") and "\n" not in message
    assert f"integers in [-{MAX_ENTRY}, {MAX_ENTRY}] for p = 2" in message
    with pytest.raises(ValueError, match="got 1j"):
        HebbianModel(np.array([[1, 1j], [1, 1]]))
    assert HebbianModel(np.array([[1 + 0j, 3], [1, 1]])).max_abs_entry == 3


def test_gpu_choice_for_integer_memories(monkeypatch):
    from hebbian.montecarlo import backends

    # what the run needs is checked after CuPy is found: pretend it is
    monkeypatch.setattr(backends, "require_cupy", lambda: None)
    pick = dict(dynamics="heat_bath", site_order="shared")
    # within the float64 bound the blocked scheme (and so the GPU) runs integer memories
    assert blocked.model_limitation(CASES["large"]) is None
    assert choose_backend(CASES["large"], device="cpu", backend="blocked", **pick) == "blocked"
    # beyond it: K (N+1) max^2 >= 2**52; 'auto' stays on the CPU, 'gpu' says why
    xi = np.zeros((128, 40000), dtype=np.int16)
    xi[:, 0] = 1
    xi[0, 1] = MAX_ENTRY
    model = HebbianModel(xi)
    reason = blocked.model_limitation(model)
    assert reason is not None and f"max|xi|^2 = {MAX_ENTRY}^2" in reason
    assert choose_backend(model, device="auto", **pick) == "numba"
    with pytest.raises(ValueError, match=r"2\*\*52 \(times max\|xi\|\^2"):
        choose_backend(model, device="gpu", **pick)
    with pytest.raises(ValueError, match="use the CPU engine"):
        blocked.prepare_hebbian(model)


def test_simulate_and_batches_with_integer_memories():
    # simulate(device="auto") runs; a blocked batch of a ternary member (int16 sums) and
    # an integer member (N max = 60000: int32 sums) gives each the chains it has alone
    ternary = HebbianModel(random_patterns(4, 300, seed=23))
    integer = HebbianModel(supervised(4, 300, 200, 0.95, seed=24))
    assert integer.max_abs_entry * 300 > np.iinfo(np.int16).max
    models = [ternary, integer]
    temps = [0.5, 0.5 * mean_square(integer)]
    kw = dict(n_sweeps=4, n_chains=3, site_order="shared")
    batch = simulate_batch(models, temperature=temps, seed=[1, 2], backend="blocked", **kw)
    for model, T, seed, got in zip(models, temps, [1, 2], batch):
        alone = simulate(model, temperature=T, seed=seed, device="auto", **kw)
        assert alone.attrs["device"] == "cpu" or alone.attrs["backend"] == "cupy"
        assert got.attrs["batch_members"] == 2
        assert alone.attrs["max_abs_entry"] == model.max_abs_entry
        for name in alone.data_vars:
            np.testing.assert_array_equal(alone[name].values, got[name].values, err_msg=name)
        assert int(alone.flips.sum()) > 0
    # a cue of the first archetype is retrieved at T = 0: m_1 = sum |xi_1i| / N
    cue_ = np.sign(integer.memories[0] + 0.5).astype(np.int8)
    ds = simulate(integer, temperature=0, initial=cue_, n_sweeps=3, seed=3)
    want = np.abs(integer.memories[0].astype(np.int64)).sum() / 300
    assert float(ds.m.isel(time=-1, chain=0, memory=0)) == want


def test_memory_estimate_covers_wider_storage():
    base = dict(n_neurons=200_000, n_memories=400, n_chains=2)
    ternary = estimate_run_bytes(**base)
    assert estimate_run_bytes(**base, max_entry=1) == ternary
    small = estimate_run_bytes(**base, max_entry=5)
    wide = estimate_run_bytes(**base, max_entry=200)
    assert ternary < small < wide
    # the int16 block and patterns add K N + N Kp bytes at least
    Kp = padded_memory_count(400)
    assert wide - small >= 400 * 200_000 + 200_000 * Kp
    with pytest.raises(ValueError, match="max_entry must be in"):
        estimate_run_bytes(**base, max_entry=MAX_ENTRY + 1)


# --- p = 3 ---------------------------------------------------------------------------
#
# At p = 3 the field of site i needs the ordered distinct pairs of the other sites,
# (M_k - x_i)^2 - (P2_k - xi_ki^2), so the engines are exact with the sums of squares;
# the energy needs the ordered distinct triples, M^3 - 3 M P2 + 2 P3, with the sums of
# cubes P3 = sum_i xi_ki^3 sigma_i of the measured spins.

# entries in [-5, 5] (int8) and up to +-200 (int16), as at p = 2
P3_CASES = {
    "small": HebbianModel(supervised(5, 37, 5, 0.5, seed=41), p=3),
    "large": HebbianModel(supervised(6, 41, 200, 0.9, seed=42), p=3),
    "small-three-blocks": HebbianModel(supervised(9, 150, 5, 0.4, seed=43), p=3),
}


def _p3_beta(model):
    # the p = 3 fields of random states are about sqrt(2 K) <xi^2>^(3/2) / N
    q = mean_square(model)
    return model.n_neurons / (np.sqrt(model.n_memories) * q**1.5)


def test_p3_cases_are_integer_memories():
    assert P3_CASES["small"].site_major.dtype == np.int8
    assert 1 < P3_CASES["small"].max_abs_entry <= 5
    assert P3_CASES["large"].site_major.dtype == np.int16
    assert 127 < P3_CASES["large"].max_abs_entry <= 200
    for model in P3_CASES.values():
        assert not model.is_ternary and model.p == 3 and prepare(model).mode == UNIFORM
        assert blocked.model_limitation(model) is None


@pytest.mark.parametrize("case", list(P3_CASES))
@pytest.mark.parametrize("dynamics", [HEAT_BATH, ZERO_TEMPERATURE, METROPOLIS])
@pytest.mark.parametrize("site_order", ["shared", "fixed"])
def test_p3_reference_numba_blocked_parity(case, dynamics, site_order):
    model = P3_CASES[case]
    seed = zlib.crc32(f"p3-{case}-{dynamics}-{site_order}".encode())
    flips = _run_backends(
        model,
        ["reference", "numba", "blocked"],
        dynamics=dynamics,
        site_order=site_order,
        n_sweeps=5,
        n_chains=4,
        seed=seed,
        beta=np.inf if dynamics == ZERO_TEMPERATURE else _p3_beta(model),
    )
    assert flips > 0


@pytest.mark.parametrize("case", ["small", "large"])
@pytest.mark.parametrize("dynamics", [HEAT_BATH, ZERO_TEMPERATURE])
def test_p3_reference_numba_parity_random_order(case, dynamics):
    model = P3_CASES[case]
    flips = _run_backends(
        model,
        ["reference", "numba"],
        dynamics=dynamics,
        site_order="random",
        n_sweeps=6,
        n_chains=3,
        seed=zlib.crc32(f"p3-random-{case}-{dynamics}".encode()),
        beta=np.inf if dynamics == ZERO_TEMPERATURE else _p3_beta(model),
    )
    assert flips > 0


@pytest.mark.parametrize("case", list(P3_CASES))
@pytest.mark.parametrize("zero_temperature", [False, True])
def test_p3_synchronous_parity(case, zero_temperature):
    model = P3_CASES[case]
    flips = _run_backends(
        model,
        ["reference", "numba", "blocked"],
        dynamics=SYNCHRONOUS,
        site_order="fixed",
        n_sweeps=4,
        n_chains=3,
        seed=45 + zero_temperature,
        beta=np.inf if zero_temperature else _p3_beta(model),
    )
    assert flips > 0


@pytest.mark.parametrize("dynamics", [HEAT_BATH, METROPOLIS])
def test_p3_weighted_integer_model_parity(dynamics):
    # general weights (the WEIGHTED mode, CPU only)
    xi = supervised(4, 33, 7, 0.6, seed=46)
    model = HebbianModel(xi, p=3, weights=np.random.default_rng(46).uniform(0.5, 1.5, 4))
    assert prepare(model).mode == WEIGHTED and blocked.model_limitation(model) is not None
    flips = _run_backends(
        model,
        ["reference", "numba"],
        dynamics=dynamics,
        site_order="random",
        n_sweeps=5,
        n_chains=3,
        seed=47,
        beta=_p3_beta(model),
    )
    assert flips > 0


@pytest.mark.parametrize("backend", BLOCKED)
@pytest.mark.parametrize("case", ["large", "small-three-blocks"])
def test_p3_blocked_backends_match_numba(backend, case):
    # the GPU engine where one is present (generic blocked steps at p = 3)
    model = P3_CASES[case]
    flips = _run_backends(
        model,
        ["numba", backend],
        dynamics=HEAT_BATH,
        site_order="shared",
        n_sweeps=4,
        n_chains=5,
        seed=48,
        beta=_p3_beta(model),
    )
    assert flips > 0


@pytest.mark.parametrize("block_size", [1, 7, 64, 200])
def test_p3_any_block_size_gives_the_same_chains(block_size):
    model = P3_CASES["small-three-blocks"]
    arrays = prepare(model)
    barrays = blocked.prepare_hebbian(model, block_size=block_size)
    # the per-site constant of the integer p = 3 numerators, 2 sum_k (xi^3 - xi)
    x = model.memories.astype(np.int64)
    np.testing.assert_array_equal(barrays.cube_excess[0], 2 * (x**3 - x).sum(axis=0))
    rng = np.random.default_rng(block_size)
    beta = _p3_beta(model)
    s1 = random_spins(rng, 4, model.n_neurons)
    s2 = s1.copy()
    m1 = initial_sums(arrays, s1)
    m2 = m1.copy()
    total = 0
    for _ in range(4):
        d = draw_sweep(rng, n_chains=4, n_neurons=model.n_neurons, site_order="shared")
        f1 = numba_kernels.hebbian_sweep(s1, m1, arrays, beta, HEAT_BATH, d.order, d.uniforms)
        f2 = blocked.hebbian_sweep(s2, m2, barrays, beta, HEAT_BATH, d.order, d.uniforms)
        assert np.array_equal(s1, s2) and np.array_equal(m1, m2) and np.array_equal(f1, f2)
        total += int(f1.sum())
    assert total > 0


def test_p3_blocked_batch_of_ternary_and_integer_members():
    # one blocked batch holds a ternary member (no cube term) and an integer member;
    # each gets the chains (and energies) it gets alone on the CPU
    ternary = HebbianModel(random_patterns(30, 40, seed=49), p=3)
    integer = HebbianModel(supervised(5, 40, 5, 0.5, seed=50), p=3)
    models = [ternary, integer]
    temps = [0.3, 1.0 / _p3_beta(integer)]
    kw = dict(n_sweeps=4, n_chains=3, site_order="shared")
    batch = simulate_batch(models, temperature=temps, seed=[1, 2], backend="blocked", **kw)
    for model, T, seed, got in zip(models, temps, [1, 2], batch):
        alone = simulate(model, temperature=T, seed=seed, device="auto", **kw)
        assert alone.attrs["backend"] == "numba"  # p > 2 stays on the CPU by default
        for name in alone.data_vars:
            np.testing.assert_array_equal(alone[name].values, got[name].values, err_msg=name)
        assert int(alone.flips.sum()) > 0


def brute_force_energy_p3(xi, weights, s):
    """-(1/(3 N^2)) sum_k w_k sum over ordered distinct triples, per spin; and the sums."""
    K, N = xi.shape
    total, sums = 0.0, []
    for k in range(K):
        x = xi[k].astype(np.int64) * s
        acc = sum(int(x[i] * x[j] * x[m]) for i, j, m in itertools.permutations(range(N), 3))
        sums.append(acc)
        total += weights[k] * acc
    return -total / (3 * N**2) / N, np.array(sums)


@pytest.mark.parametrize("weighted", [False, True])
def test_p3_energy_is_distinct_triple_sum(weighted):
    rng = np.random.default_rng(51)
    N, K = 10, 3
    xi = supervised(K, N, 11, 0.3, seed=51)
    weights = rng.uniform(0.5, 1.5, K) if weighted else None
    model = HebbianModel(xi, p=3, weights=weights)
    assert model.max_abs_entry > 1
    x64 = xi.astype(np.int64)
    for s in random_spins(rng, 5, N):
        want, triples = brute_force_energy_p3(xi, model.weights, s)
        M = overlap_sums(s, xi)
        P3 = cube_sums(s, xi)
        np.testing.assert_array_equal(P3, (x64**3 * s).sum(axis=1))
        # Newton's identity, in integers: g_3 = M^3 - 3 M P2 + 2 P3
        np.testing.assert_array_equal(M**3 - 3 * M * model.square_sums + 2 * P3, triples)
        kw = dict(nnz=model.square_sums, weights=model.weights, p=3, n_neurons=N)
        e = hebbian_energy(M, cube_sums=P3, **kw)
        assert e == pytest.approx(want, rel=1e-12)
        # the ternary recursion (P3 = M) is not the energy of integer memories
        assert hebbian_energy(M, **kw) != pytest.approx(want, rel=1e-6)
        # the compiled sums of cubes of the engines are the same integers
        np.testing.assert_array_equal(block_cube_sums(model.site_major, s[None])[0, :K], P3)
        chains = MarkovChains(model, s, backend="numba")
        np.testing.assert_array_equal(chains.energy(), [e])
    with pytest.raises(ValueError, match="up to p = 3"):
        hebbian_energy(
            M, cube_sums=P3, nnz=model.square_sums, weights=model.weights, p=4, n_neurons=N
        )


def test_p3_cube_sums_of_ternary_memories_are_the_overlap_sums():
    xi = diluted_patterns(7, 50, dilution=0.3, seed=52)
    s = random_spins(np.random.default_rng(52), 3, 50)
    np.testing.assert_array_equal(cube_sums(s, xi), overlap_sums(s, xi))
    model = HebbianModel(xi, p=3)
    M = overlap_sums(s, xi)
    kw = dict(nnz=model.square_sums, weights=model.weights, p=3, n_neurons=50)
    np.testing.assert_array_equal(hebbian_energy(M, cube_sums=M, **kw), hebbian_energy(M, **kw))


@pytest.mark.parametrize("case", ["small", "large"])
def test_p3_flip_changes_energy_by_two_sigma_h(case):
    # E = N e; flipping spin i changes E by exactly 2 s_i h_i. With N = 64 and the weight
    # 3 (= p), e = -sum_k g_3 / N^3 and h = 3 nu / N^2 are dyadic rationals computed
    # without rounding, so the identity holds bit for bit
    M, r = (5, 0.5) if case == "small" else (200, 0.9)
    N, K = 64, 7
    xi = supervised(K, N, M, r, seed=53)
    model = HebbianModel(xi, p=3, weights=np.full(K, 3.0))
    arrays = prepare(model)
    assert arrays.mode == UNIFORM and arrays.w == 3.0
    cubes = xi.astype(np.int64) ** 3
    rng = np.random.default_rng(54)

    def energy(sums, P3):
        return hebbian_energy(
            sums[:K], nnz=model.square_sums, weights=model.weights, p=3, n_neurons=N, cube_sums=P3
        )

    for s in random_spins(rng, 3, N):
        sums = initial_sums(arrays, s[None])[0].astype(np.int64)
        P3 = cube_sums(s, xi)
        for i in range(N):
            s_i = int(s[i])
            h = reference.hebbian_field(i, s_i, sums, arrays)
            flipped = sums - 2 * s_i * arrays.xi_t[i].astype(np.int64)
            P3_flipped = P3 - 2 * s_i * cubes[:, i]
            assert N * (energy(flipped, P3_flipped) - energy(sums, P3)) == 2 * s_i * h
    # with general weights, up to rounding
    weighted = HebbianModel(xi, p=3, weights=rng.uniform(0.5, 1.5, K))
    warrays = prepare(weighted)
    s = random_spins(rng, 1, N)[0]
    sums = initial_sums(warrays, s[None])[0].astype(np.int64)
    P3 = cube_sums(s, xi)
    for i in range(N):
        h = reference.hebbian_field(i, int(s[i]), sums, warrays)
        flipped = sums - 2 * int(s[i]) * warrays.xi_t[i].astype(np.int64)
        e0, e1 = (
            hebbian_energy(
                x[:K],
                nnz=weighted.square_sums,
                weights=weighted.weights,
                p=3,
                n_neurons=N,
                cube_sums=c,
            )
            for x, c in ((sums, P3), (flipped, P3 - 2 * int(s[i]) * cubes[:, i]))
        )
        assert N * (e1 - e0) == pytest.approx(2 * s[i] * h, rel=1e-10, abs=1e-9)


# (p, N, sample seed, the two temperature scales, the stderr bound on <m^2>, seed offset)
_EXACT_CASES = [(3, 12, 18, 0.3, 0.6, 0.05, 0), (4, 10, 110, 0.05, 0.12, 0.03, 11)]


@pytest.mark.slow
@pytest.mark.parametrize("hot", [False, True])
@pytest.mark.parametrize("dynamics", ["heat_bath", "metropolis"])
@pytest.mark.parametrize(
    ("p", "N", "sample", "cold_scale", "hot_scale", "m2_bound", "offset"), _EXACT_CASES
)
def test_monte_carlo_of_integer_memories_matches_exact_enumeration(
    p, N, sample, cold_scale, hot_scale, m2_bound, offset, hot, dynamics
):
    # two memories with entries in [-5, 5]; temperatures in units of <xi^2>^(p/2), the
    # field of a retrieval state: ordered (the cold scale; at p = 4, <m^2> = 3.6 of at
    # most 4.8) and crossover (the hot one). Fixed seeds, 8 chains; |MC - exact| <
    # Z_MAX = 4 Sokal standard errors of <m_k^2> and <E/N> (a false alarm rate of 6e-5
    # per comparison)
    model = HebbianModel(supervised(2, N, 5, 0.6, seed=sample), p=p)
    assert model.max_abs_entry > 1
    scale = hot_scale if hot else cold_scale
    temperature = scale * mean_square(model) ** (p / 2)
    exact = exact_averages(model, temperature=temperature)
    ds = simulate(
        model,
        temperature=temperature,
        dynamics=dynamics,
        n_sweeps=5000,
        n_burn=200,
        n_chains=8,
        seed=int(100 * scale) + offset + 7 * (dynamics == "metropolis"),
    )
    assert ds.attrs["backend"] == "numba"
    z_m2, z_e = z_scores(ds, exact)
    assert np.all(z_m2 < Z_MAX), (z_m2, ds.m2_mean.values, exact.m2)
    assert z_e < Z_MAX, (z_e, float(ds.energy_mean), exact.energy)
    # the test has power: errors are small compared with the quantities
    assert float(ds.energy_stderr) < 0.03 * abs(exact.energy)
    assert np.all(ds.m2_stderr.values < m2_bound * exact.m2)
    _, z_wrong = z_scores(ds, exact_averages(model, temperature=1.3 * temperature))
    assert z_wrong > 3 * Z_MAX  # and it detects a wrong temperature


def test_p3_exact_enumeration_ground_state():
    # one integer memory: sigma = sign(xi) is the ground state (|e_3(x)| <= e_3(|x|)),
    # E/N = -(S^3 - 3 S Q + 2 C) / (3 N^3), S = sum |xi|, Q = sum xi^2, C = sum |xi|^3
    xi = np.array([[3, -1, 2, 1, -4, 1, 1, -2, 5, 1]])
    model = HebbianModel(xi, p=3)
    exact = exact_averages(model, temperature=0)
    a = np.abs(xi)
    S, Q, C, N = a.sum(), (a**2).sum(), (a**3).sum(), xi.shape[1]
    assert exact.energy == pytest.approx(-(S**3 - 3 * S * Q + 2 * C) / (3 * N**3), rel=1e-14)
    assert exact.m[0] == pytest.approx(S / N, rel=1e-14)
    assert exact.m2[0] == pytest.approx((S / N) ** 2, rel=1e-14)


def test_p3_field_and_blocked_bounds(monkeypatch):
    from hebbian.montecarlo import backends

    # UNIFORM: K N^2 X^3 < 2**62 (the ternary K N^2 for X = 1)
    assert field_mode(p=3, uniform=True, n_memories=2**10, n_neurons=2**20) == UNIFORM
    with pytest.raises(ValueError, match=r"K N\^\(p-1\) < 2\*\*62"):
        field_mode(p=3, uniform=True, n_memories=2**22, n_neurons=2**20)
    # 2**10 * (2**12)**2 * X^3 < 2**62 for X^3 < 2**28
    kw = dict(p=3, uniform=True, n_memories=2**10, n_neurons=2**12)
    assert field_mode(**kw, max_entry=645) == UNIFORM  # 645^3 < 2**28 <= 646^3
    with pytest.raises(ValueError, match=r"max\|xi\|\^p \(max\|xi\| = 646\) < 2\*\*62"):
        field_mode(**kw, max_entry=646)
    # WEIGHTED: each term, N^2 X^3 < 2**62; ternary memories are not checked (unchanged)
    assert (
        field_mode(p=3, uniform=False, n_memories=1, n_neurons=2**20, max_entry=2**7) == WEIGHTED
    )
    with pytest.raises(ValueError, match=r"N\^\(p-1\) max\|xi\|\^p < 2\*\*62"):
        field_mode(p=3, uniform=False, n_memories=1, n_neurons=2**20, max_entry=2**8)
    assert field_mode(p=3, uniform=False, n_memories=1, n_neurons=2**40) == WEIGHTED
    # a model beyond the exact range is refused when the engines prepare it
    xi = np.ones((1, 400), dtype=np.int16)
    xi[0, 0] = MAX_ENTRY
    with pytest.raises(ValueError, match="exact integer fields"):
        MarkovChains(HebbianModel(xi, p=3), np.ones(400), backend="numba")
    # blocked: K (N + 2)^2 X^3 < 2**52; beyond, 'auto' stays on the CPU, 'gpu' says why
    monkeypatch.setattr(backends, "require_cupy", lambda: None)
    pick = dict(dynamics="heat_bath", site_order="shared")
    assert choose_backend(P3_CASES["large"], device="cpu", backend="blocked", **pick) == "blocked"
    xi = np.ones((1, 10), dtype=np.int16)
    xi[0, 0] = MAX_ENTRY
    model = HebbianModel(xi, p=3)
    assert prepare(model).mode == UNIFORM  # the CPU engines run it
    reason = blocked.model_limitation(model)
    assert reason is not None and f"max|xi|^3 = {MAX_ENTRY}^3" in reason
    assert choose_backend(model, device="auto", **pick) == "numba"
    with pytest.raises(ValueError, match=r"2\*\*52 \(times max\|xi\|\^3"):
        choose_backend(model, device="gpu", **pick)
    with pytest.raises(ValueError, match="use the CPU engine"):
        blocked.prepare_hebbian(model)


#: Fingerprints (crc32 of spins, sums and flips of three T = 0 sweeps) of ternary p >= 3
#: models, recorded with the engines before integer memories reached p = 3.
TERNARY_FINGERPRINTS = {
    "plain": (dict(p=3, n_neurons=40, n_memories=30, seed=31), 0xF8231076),
    "diluted": (dict(p=3, n_neurons=50, n_memories=40, dilution=0.3, seed=32), 0xF29FCA2D),
    "weighted": (dict(p=3, n_neurons=40, n_memories=30, weighted=True, seed=33), 0x233D0A24),
    "p4": (dict(p=4, n_neurons=30, n_memories=50, seed=34), 0xACA5AF62),
}


@pytest.mark.parametrize("case", list(TERNARY_FINGERPRINTS))
def test_ternary_p3_results_are_unchanged(case):
    kw, want = TERNARY_FINGERPRINTS[case]
    model = hebbian_case(**kw)
    backends = ["reference", "numba"] + (["blocked"] if model.uniform_weight is not None else [])
    for backend in backends:
        rng = np.random.default_rng(35)
        N, C = model.n_neurons, 4
        chains = MarkovChains(model, random_spins(rng, C, N), backend=backend)
        crc, total = 0, 0
        for _ in range(3):
            d = draw_sweep(rng, n_chains=C, n_neurons=N, site_order="shared", needs_uniforms=False)
            f = chains.sweep(
                beta=np.inf, dynamics=ZERO_TEMPERATURE, uniforms=d.uniforms, order=d.order
            )
            f = np.asarray(f, dtype=np.int64)
            for a in (chains.host_spins(), chains.host_sums().astype(np.int64), f):
                crc = zlib.crc32(np.ascontiguousarray(a).tobytes(), crc)
            total += int(f.sum())
        assert crc == want, (backend, hex(crc))
        assert total > 0
        # the energy of ternary memories takes the recursion, without sums of cubes
        sums = chains.host_sums()
        e = hebbian_energy(
            sums, nnz=model.nonzero_counts, weights=model.weights, p=model.p, n_neurons=N
        )
        assert chains.energy().tobytes() == e.tobytes()
    if model.p == 3 and model.uniform_weight is not None:
        assert blocked.prepare_hebbian(model).cube_excess is None


def test_memory_estimate_counts_the_sums_of_cubes():
    base = dict(n_neurons=200_000, n_memories=400, n_chains=4, n_sweeps=2)
    for X in (1, 200):
        assert estimate_run_bytes(**base, max_entry=X, p=3) >= estimate_run_bytes(
            **base, max_entry=X
        )
    # ternary memories need no sums of cubes: p does not change their estimate
    assert estimate_run_bytes(**base, p=3) == estimate_run_bytes(**base)
    small = dict(n_neurons=1000, n_memories=4000, n_chains=64, threads=4, max_entry=5)
    Kp = padded_memory_count(4000)
    extra = estimate_run_bytes(**small, p=3) - estimate_run_bytes(**small)
    assert 0 < extra <= 5 * 8 * 64 * Kp + 32 * 64 * 4000
    with pytest.raises(ValueError, match="p must be"):
        estimate_run_bytes(**base, p=1)


# --- p = 4, 5 and 6 ------------------------------------------------------------------
#
# The field of site i needs g_{p-1} of the other sites, the sum over their ordered
# distinct (p-1)-tuples, which Newton's identities give from the power sums
# P_m - x_i^m: the even P_2, P_4 are constants of the model, the odd P_3 (and P_5 at
# p = 6) are tracked by the CPU chains; the energy needs P_1 .. P_p of all sites.


def brute_force_products(x, order):
    """Sum over ordered tuples of distinct indices of the product of ``x``, in integers."""
    return sum(
        int(np.prod([int(x[a]) for a in t], dtype=object))
        for t in itertools.permutations(range(len(x)), order)
    )


def _high_p_beta(model):
    # the fields of random states are about sqrt(K (p-1)!) <xi^2>^(p/2) / N^((p-1)/2)
    p, q = model.p, mean_square(model)
    scale = np.sqrt(model.n_memories * math.factorial(p - 1)) * q ** (p / 2)
    return model.n_neurons ** ((p - 1) / 2) / scale


def _int16_memories(n_memories, n_neurons, seed, largest=140):
    # small entries with a few of magnitude beyond 127 (int16 storage): the exact range
    # max(K, p) max(N, p)^(p-1) X^p < 2**62 keeps N small at p = 6
    xi = supervised(n_memories, n_neurons, 5, 0.5, seed=seed)
    xi[:, 0] = largest
    xi[0, 1] = -largest + 3
    return xi


#: Integer memories at p >= 4: int8 (entries in [-5, 5]) and int16 (entries up to 200 at
#: p = 4, 5 and 140 at p = 6), equal and general weights.
HIGH_P_CASES = {
    "p4-int8": HebbianModel(supervised(5, 37, 5, 0.5, seed=61), p=4),
    "p4-int16": HebbianModel(supervised(6, 41, 200, 0.9, seed=62), p=4),
    "p4-weighted": HebbianModel(
        supervised(4, 30, 7, 0.6, seed=63), p=4, weights=np.linspace(0.5, 1.5, 4)
    ),
    "p5-int8": HebbianModel(supervised(4, 25, 5, 0.5, seed=64), p=5),
    "p5-int16": HebbianModel(supervised(4, 30, 200, 0.9, seed=65), p=5),
    "p5-weighted": HebbianModel(
        supervised(4, 22, 5, 0.5, seed=66), p=5, weights=np.linspace(1.5, 0.5, 4)
    ),
    "p6-int8": HebbianModel(supervised(3, 16, 3, 0.5, seed=67), p=6),
    "p6-int16": HebbianModel(_int16_memories(3, 9, seed=68), p=6),
    "p6-weighted": HebbianModel(
        supervised(3, 14, 3, 0.5, seed=69), p=6, weights=np.array([0.7, 1.3, 1.1])
    ),
}


def test_high_p_cases_are_integer_memories():
    for name, model in HIGH_P_CASES.items():
        assert not model.is_ternary and model.p >= 4, name
        arrays = prepare(model)
        weighted = name.endswith("weighted")
        assert arrays.mode == (POWER_WEIGHTED if weighted else POWER_UNIFORM), name
        assert arrays.n_odd == (2 if model.p == 6 else 1), name
        np.testing.assert_array_equal(arrays.fourth[: model.n_memories], model.power_sums(4))
        assert blocked.model_limitation(model) is not None
        wide = name.endswith("int16")
        assert model.site_major.dtype == (np.int16 if wide else np.int8), name
        assert (model.max_abs_entry > 127) == wide, name


def test_newton_products_against_brute_force():
    # Newton's identities from the power sums, and the same with one entry removed,
    # are the sums over ordered distinct tuples, for any integers; for {-1, 0, +1} they
    # are the recursion of ordered_products
    rng = np.random.default_rng(70)
    for _ in range(40):
        n = int(rng.integers(1, 9))
        x = rng.integers(-6, 7, n)
        P = [int((x.astype(object) ** m).sum()) for m in range(1, 7)]
        for order in range(7):
            assert newton_products(order, *P) == brute_force_products(x, order), (x, order)
        i = int(rng.integers(n))
        others = np.delete(x, i)
        for order in range(6):
            got = newton_products_without(order, int(x[i]), *P[:5])
            assert got == brute_force_products(others, order), (x, i, order)
        t = np.sign(x)
        S, nnz = int(t.sum()), int(np.abs(t).sum())
        for order in range(7):
            assert newton_products(order, S, nnz, S, nnz, S, nnz) == ordered_products(
                order, S, nnz
            )
    # element-wise on arrays, as the reference kernels use it
    x = rng.integers(-5, 6, (3, 7)).astype(np.int64)
    P = [(x**m).sum(axis=1) for m in range(1, 7)]
    want = [brute_force_products(row, 5) for row in x]
    np.testing.assert_array_equal(newton_products(5, *P), want)


@pytest.mark.parametrize("p", [4, 5, 6])
@pytest.mark.parametrize("weighted", [False, True])
def test_high_p_reference_field_is_brute_force(p, weighted):
    # h_i = N^(1-p) sum_k w_k xi_ki sum over ordered distinct (p-1)-tuples of the other
    # sites of prod x_l, x_l = xi_kl s_l: exact integers with equal weights
    rng = np.random.default_rng(71 + p)
    N, K = 7 + (p % 3), 3
    xi = rng.integers(-5, 6, (K, N))
    xi[0, 0] = 5  # an integer memory
    weights = rng.uniform(0.5, 1.5, K) if weighted else np.full(K, 1.5)
    model = HebbianModel(xi, p=p, weights=weights)
    arrays = prepare(model)
    assert arrays.mode == (POWER_WEIGHTED if weighted else POWER_UNIFORM)
    for s in random_spins(rng, 3, N):
        sums = initial_sums(arrays, s[None])[0]
        for i in range(N):
            terms = []
            for k in range(K):
                x = np.delete(xi[k] * s, i)
                terms.append(int(xi[k, i]) * brute_force_products(x, p - 1))
            h = reference.hebbian_field(i, int(s[i]), sums, arrays)
            if weighted:
                want = sum(w * t for w, t in zip(model.weights, terms)) / N ** (p - 1)
                assert h == pytest.approx(want, rel=1e-12, abs=1e-15)
            else:
                assert h == 1.5 * float(sum(terms)) / float(N) ** (p - 1)


@pytest.mark.parametrize("p", [4, 5, 6])
@pytest.mark.parametrize("weighted", [False, True])
def test_high_p_energy_is_distinct_tuple_sum(p, weighted):
    # E/N = -(1/(p N^p)) sum_k w_k g_p, g_p the sum over ordered distinct p-tuples, from
    # the power sums P_1 .. P_p; the chains' energy (tracked P_3, P_5) and the exact
    # enumeration's energy are the same
    rng = np.random.default_rng(80 + p)
    N, K = 8, 2
    xi = rng.integers(-5, 6, (K, N))
    xi[1, 3] = -5
    model = HebbianModel(xi, p=p, weights=rng.uniform(0.5, 1.5, K) if weighted else None)
    from hebbian.montecarlo.exact import _energies_and_overlaps

    for s in random_spins(rng, 3, N):
        tuples = [brute_force_products(xi[k] * s, p) for k in range(K)]
        want = -sum(w * g for w, g in zip(model.weights, tuples)) / (p * N**p)
        M = overlap_sums(s, xi)
        powers = {m: power_sums(s, xi, m) for m in range(3, p + 1)}
        for m in range(2, p + 1, 2):  # the even power sums are constants of the model
            np.testing.assert_array_equal(powers.get(m, model.square_sums), model.power_sums(m))
        kw = dict(nnz=model.square_sums, weights=model.weights, p=p, n_neurons=N)
        e = hebbian_energy(M, power_sums=powers, **kw)
        assert e == pytest.approx(want, rel=1e-12)
        # in integers, Newton's identities are the brute-force sums exactly
        P = [M, model.square_sums] + [powers[m] for m in range(3, p + 1)]
        P += [0] * (6 - p)
        np.testing.assert_array_equal(newton_products(p, *P), tuples)
        for backend in ("reference", "numba"):
            chains = MarkovChains(model, s, backend=backend)
            assert chains.odd_sums is not None and np.shares_memory(
                chains.odd_sums, chains._padded_sums
            )
            np.testing.assert_array_equal(chains.energy(), [e])
        e_exact, _ = _energies_and_overlaps(model, s[None].astype(np.int8))
        np.testing.assert_array_equal(e_exact, [e])
    # the energy refuses incomplete power sums
    with pytest.raises(ValueError, match=r"orders 3\.\.\d.*missing"):
        hebbian_energy(M, power_sums={3: powers[3]}, **kw)
    with pytest.raises(ValueError, match="up to p = 3"):
        hebbian_energy(M, cube_sums=powers[3], **kw)


@pytest.mark.parametrize("case", list(HIGH_P_CASES))
@pytest.mark.parametrize("dynamics", [HEAT_BATH, METROPOLIS, ZERO_TEMPERATURE, SYNCHRONOUS])
def test_high_p_reference_numba_parity(case, dynamics):
    # identical spins, overlap sums, tracked P_3 (P_5), flips and energies every sweep
    model = HIGH_P_CASES[case]
    flips = _run_backends(
        model,
        ["reference", "numba"],
        dynamics=dynamics,
        site_order="fixed" if dynamics == SYNCHRONOUS else "random",
        n_sweeps=4,
        n_chains=3,
        seed=zlib.crc32(f"high-p-{case}-{dynamics}".encode()),
        beta=np.inf if dynamics == ZERO_TEMPERATURE else _high_p_beta(model),
    )
    assert flips > 0


@pytest.mark.parametrize("p", [4, 5, 6])
def test_high_p_synchronous_zero_temperature_parity(p):
    # the sign rule of the synchronous schedule (T = 0), with int16 entries
    model = HIGH_P_CASES[f"p{p}-int16"]
    flips = _run_backends(
        model,
        ["reference", "numba"],
        dynamics=SYNCHRONOUS,
        site_order="fixed",
        n_sweeps=3,
        n_chains=3,
        seed=90 + p,
        beta=np.inf,
    )
    assert flips > 0


@pytest.mark.parametrize("p", [4, 5, 6])
def test_high_p_flip_changes_energy_by_two_sigma_h(p):
    # E = N e; flipping spin i changes E by exactly 2 s_i h_i, and the tracked P_3, P_5
    # change by -2 s_i xi^3, xi^5. With N = 32 and the weight p, e = -sum_k g_p / N^p and
    # h = p nu / N^(p-1) are dyadic rationals below 2**53, computed without rounding
    N, K = 32, 4
    xi = supervised(K, N, 5, 0.5, seed=100 + p)
    model = HebbianModel(xi, p=p, weights=np.full(K, float(p)))
    arrays = prepare(model)
    assert arrays.mode == POWER_UNIFORM
    x64 = xi.astype(np.int64)
    rng = np.random.default_rng(101 + p)
    evens = {m: model.power_sums(m) for m in range(4, p + 1, 2)}

    def energy(s):
        powers = {m: power_sums(s, xi, m) for m in range(3, p + 1, 2)} | evens
        return hebbian_energy(
            overlap_sums(s, xi),
            nnz=model.square_sums,
            weights=model.weights,
            p=p,
            n_neurons=N,
            power_sums=powers,
        )

    Kp = arrays.xi_t.shape[1]
    for s in random_spins(rng, 2, N).astype(np.int64):
        state = initial_sums(arrays, s[None])[0]
        assert state.dtype == np.int64 and state.shape == ((1 + arrays.n_odd) * Kp,)
        for a, m in enumerate(odd_power_orders(p, model.max_abs_entry)):
            np.testing.assert_array_equal(state[(a + 1) * Kp :][:K], (x64**m) @ s)
        for i in range(N):
            h = reference.hebbian_field(i, int(s[i]), state, arrays)
            flipped = s.copy()
            flipped[i] = -s[i]
            assert N * (energy(flipped) - energy(s)) == 2 * s[i] * h


def test_p4_exact_enumeration_ground_state():
    # one integer memory: sigma = sign(xi) is a ground state (each ordered tuple of
    # distinct sites adds prod |xi| >= 0), E/N = -g_4(|xi|) / (4 N^4)
    xi = np.array([[3, -1, 2, 1, -4, 1, 1, -2, 5, 1]])
    model = HebbianModel(xi, p=4)
    exact = exact_averages(model, temperature=0)
    N = xi.shape[1]
    want = brute_force_products(np.abs(xi[0]), 4)
    assert exact.energy == pytest.approx(-want / (4 * N**4), rel=1e-14)
    assert exact.m2[0] == pytest.approx((np.abs(xi).sum() / N) ** 2, rel=1e-14)


def test_high_p_simulate_runs_on_the_cpu():
    # device='auto' picks the CPU; the Dataset's energies are those of the final spins
    model = HIGH_P_CASES["p6-int8"]
    ds = simulate(model, temperature=1.0 / _high_p_beta(model), n_sweeps=4, n_chains=2, seed=1)
    assert ds.attrs["backend"] == "numba" and ds.attrs["device"] == "cpu"
    s = ds.spins.values
    powers = {m: power_sums(s, model.memories, m) for m in (3, 5)}
    powers.update({m: model.power_sums(m) for m in (4, 6)})
    e = hebbian_energy(
        overlap_sums(s, model.memories),
        nnz=model.square_sums,
        weights=model.weights,
        p=6,
        n_neurons=model.n_neurons,
        power_sums=powers,
    )
    np.testing.assert_array_equal(ds.energy.isel(time=-1).values, e)
    # a batch of CPU members gives each the Dataset it has alone
    other = HIGH_P_CASES["p6-int16"]
    models = [model, HebbianModel(other.memories[:, :9], p=6)]
    kw = dict(n_sweeps=3, n_chains=2)
    batch = simulate_batch(models, temperature=[0.5, 0.5], seed=[3, 4], **kw)
    for m, seed, got in zip(models, [3, 4], batch):
        alone = simulate(m, temperature=0.5, seed=seed, **kw)
        for name in alone.data_vars:
            np.testing.assert_array_equal(alone[name].values, got[name].values, err_msg=name)


def test_high_p_blocked_and_gpu_refuse(monkeypatch):
    from hebbian.montecarlo import backends

    monkeypatch.setattr(backends, "require_cupy", lambda: None)
    model = HIGH_P_CASES["p4-int8"]
    reason = blocked.model_limitation(model)
    assert reason is not None and "integer memories up to p = 3" in reason
    assert "\n" not in reason and "max|xi| = 5" in reason
    pick = dict(dynamics="heat_bath", site_order="shared")
    assert choose_backend(model, device="auto", **pick) == "numba"
    assert choose_backend(model, device="cpu", **pick) == "numba"
    with pytest.raises(ValueError, match="device 'gpu' cannot run this: .*up to p = 3") as info:
        choose_backend(model, device="gpu", **pick)
    assert "\n" not in str(info.value)
    with pytest.raises(ValueError, match="backend 'blocked' cannot run this: .*up to p = 3"):
        choose_backend(model, backend="blocked", **pick)
    with pytest.raises(ValueError, match="use the CPU engine"):
        blocked.prepare_hebbian(model)
    with pytest.raises(ValueError, match="cannot run this"):
        simulate(model, temperature=1.0, n_sweeps=1, backend="blocked", site_order="shared")
    # ternary memories at p >= 4 still run on the blocked scheme
    assert blocked.model_limitation(HebbianModel(np.sign(model.memories + 0.5), p=4)) is None


def test_high_p_field_bound():
    # max(K, p) max(N, p)^(p-1) X^p < 2**62 (general weights: p in place of max(K, p))
    kw = dict(p=4, uniform=True, n_memories=2**10, n_neurons=2**12)
    # 2**10 2**36 X^4 < 2**62 for X^4 < 2**16: X <= 15
    assert field_mode(**kw, max_entry=15) == POWER_UNIFORM
    with pytest.raises(ValueError) as info:
        field_mode(**kw, max_entry=16)
    message = str(info.value)
    assert "\n" not in message
    assert "max(K, p) max(N, p)^(p-1) max|xi|^p < 2**62" in message
    assert "K = 1024, N = 4096, p = 4, max|xi| = 16" in message
    assert message.endswith("at these sizes max|xi| <= 15")
    # general weights: 4 * 2**36 * X^4 < 2**62 for X^4 < 2**24: X <= 63
    weighted = dict(kw, uniform=False)
    assert field_mode(**weighted, max_entry=63) == POWER_WEIGHTED
    with pytest.raises(ValueError, match=r"p max\(N, p\)\^\(p-1\).*max\|xi\| <= 63$"):
        field_mode(**weighted, max_entry=64)
    # small K and N count as p: the recursion's intermediate terms
    assert field_mode(p=6, uniform=True, n_memories=1, n_neurons=2, max_entry=2**7) == (
        POWER_UNIFORM
    )  # 6 * 6^5 * 2**42 < 2**62
    with pytest.raises(ValueError, match=r"max\|xi\| <= "):
        field_mode(p=6, uniform=True, n_memories=1, n_neurons=2, max_entry=2**9)
    # ternary memories and p = 3 keep their modes and bounds
    assert field_mode(p=4, uniform=True, n_memories=2**10, n_neurons=2**12) == UNIFORM
    assert field_mode(p=3, uniform=True, n_memories=2**10, n_neurons=2**12, max_entry=645) == (
        UNIFORM
    )
    with pytest.raises(ValueError, match="up to p = 6"):
        field_mode(p=7, uniform=True, n_memories=1, n_neurons=10, max_entry=2)
    # a model beyond the exact range is refused when the engines prepare it
    xi = np.ones((2, 300), dtype=np.int16)
    xi[0, 0] = 200
    model = HebbianModel(xi, p=5)
    for backend in ("numba", "reference"):
        with pytest.raises(ValueError, match=r"exact integer fields .* max\|xi\| = 200"):
            MarkovChains(model, np.ones(300), backend=backend)
    # the power sums of the model refuse int64 overflow
    big = np.ones((1, 20), dtype=np.int16)
    big[0, 0] = MAX_ENTRY
    with pytest.raises(ValueError, match=r"N max\|xi\|\^m < 2\*\*63"):
        HebbianModel(big, p=6).power_sums(6)


def test_high_p_tracked_sums_layout():
    # the kernels' state: overlap sums, then P_3 (and P_5), each K_pad wide, int64
    model = HIGH_P_CASES["p6-int8"]
    arrays = prepare(model)
    K, Kp = model.n_memories, arrays.xi_t.shape[1]
    s = random_spins(np.random.default_rng(120), 3, model.n_neurons)
    state = initial_sums(arrays, s)
    assert state.dtype == np.int64 and state.shape == (3, 3 * Kp)
    np.testing.assert_array_equal(state[:, :K], overlap_sums(s, model.memories))
    np.testing.assert_array_equal(state[:, Kp : Kp + K], power_sums(s, model.memories, 3))
    np.testing.assert_array_equal(state[:, 2 * Kp : 2 * Kp + K], power_sums(s, model.memories, 5))
    assert not state[:, K:Kp].any() and not state[:, Kp + K : 2 * Kp].any()
    np.testing.assert_array_equal(block_power_sums(model.site_major, s, 3), state[:, Kp : 2 * Kp])
    np.testing.assert_array_equal(block_cube_sums(model.site_major, s), state[:, Kp : 2 * Kp])
    chains = MarkovChains(model, s, backend="numba")
    assert chains.odd_sums.shape == (3, 2, K)
    assert odd_power_orders(6, 5) == (3, 5) and odd_power_orders(5, 5) == (3,)
    assert odd_power_orders(4, 5) == (3,) and odd_power_orders(3, 5) == ()
    assert odd_power_orders(6, 1) == ()
    # ternary models and p <= 3 keep their arrays: no tracked sums
    for other in (HebbianModel(random_patterns(3, 20, seed=121), p=6), P3_CASES["small"]):
        o_arrays = prepare(other)
        assert o_arrays.n_odd == 0 and o_arrays.fourth.size == 0
        o_spins = random_spins(np.random.default_rng(0), 2, other.n_neurons)
        o_state = initial_sums(o_arrays, o_spins)
        assert o_state.shape[1] == o_arrays.xi_t.shape[1]
        assert MarkovChains(other, np.ones(other.n_neurons)).odd_sums is None
    with pytest.raises(ValueError, match="odd"):
        block_power_sums(model.site_major, s, 4)


def test_memory_estimate_counts_the_tracked_sums():
    base = dict(n_neurons=2000, n_memories=400, n_chains=4, n_sweeps=2, max_entry=5)
    p3 = estimate_run_bytes(**base, p=3)
    for p in (4, 5, 6):
        assert estimate_run_bytes(**base, p=p) > estimate_run_bytes(**base)
    assert estimate_run_bytes(**base, p=6) >= estimate_run_bytes(**base, p=4)
    assert p3 > 0
    # ternary memories track nothing
    assert estimate_run_bytes(**dict(base, max_entry=1), p=6) == estimate_run_bytes(
        **dict(base, max_entry=1)
    )
