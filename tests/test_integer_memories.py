"""Integer memories (entries beyond {-1, 0, +1}) at p = 2 and 3: exact on every backend.

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
"""

import itertools
import zlib

import numpy as np
import pytest
from _cases import hebbian_case, z_scores

from hebbian.models import MAX_ENTRY, HebbianModel, padded_memory_count
from hebbian.montecarlo import blocked, numba_kernels, reference
from hebbian.montecarlo.arrays import (
    P2_NARROW,
    P2_WIDE,
    UNIFORM,
    WEIGHTED,
    block_cube_sums,
    field_mode,
    initial_sums,
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
from hebbian.observables import cube_sums, hebbian_energy, overlap_sums
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
            assert np.array_equal(flips[0], f), other.backend
            np.testing.assert_array_equal(first.overlaps(), other.overlaps())
            np.testing.assert_array_equal(first.energy(), other.energy())
        total += int(flips[0].sum())
    # the kept sums are the exact overlap sums of the final spins
    spins = first.host_spins()
    np.testing.assert_array_equal(first.host_sums(), overlap_sums(spins, model.memories))
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


@pytest.mark.parametrize("p", [4, 5])
def test_integer_memories_need_p_2_or_3(p):
    xi = supervised(2, 10, 3, 0.5, seed=22)
    with pytest.raises(ValueError, match=r"for p = \d.*supported for p = 2 and 3") as info:
        HebbianModel(xi, p=p)
    assert "\n" not in str(info.value)
    HebbianModel(np.clip(xi, -1, 1), p=p)  # ternary memories are fine


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


@pytest.mark.slow
@pytest.mark.parametrize("scale", [0.3, 0.6])
@pytest.mark.parametrize("dynamics", ["heat_bath", "metropolis"])
def test_p3_monte_carlo_matches_exact_enumeration(scale, dynamics):
    # N = 12, two memories with entries in [-5, 5] at p = 3; temperatures in units of
    # <xi^2>^(3/2), the field of a retrieval state: ordered (0.3) and crossover (0.6).
    # Fixed seeds, 8 chains; |MC - exact| < Z_MAX = 4 Sokal standard errors of <m_k^2>
    # and <E/N>
    model = HebbianModel(supervised(2, 12, 5, 0.6, seed=18), p=3)
    assert model.max_abs_entry > 1
    temperature = scale * mean_square(model) ** 1.5
    exact = exact_averages(model, temperature=temperature)
    ds = simulate(
        model,
        temperature=temperature,
        dynamics=dynamics,
        n_sweeps=5000,
        n_burn=200,
        n_chains=8,
        seed=int(100 * scale) + 7 * (dynamics == "metropolis"),
    )
    z_m2, z_e = z_scores(ds, exact)
    assert np.all(z_m2 < Z_MAX), (z_m2, ds.m2_mean.values, exact.m2)
    assert z_e < Z_MAX, (z_e, float(ds.energy_mean), exact.energy)
    # the test has power: errors are small compared with the quantities
    assert float(ds.energy_stderr) < 0.03 * abs(exact.energy)
    assert np.all(ds.m2_stderr.values < 0.05 * exact.m2)
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
