"""The blocked GPU scheme gives the CPU engine's chains, spin for spin.

Backend ``"blocked"`` is the scheme of :mod:`hebbian.montecarlo.blocked` on NumPy: it runs
everywhere, and checks the algorithm (block numerators, in-block couplings, p > 2
coefficients, partial last blocks). Backend ``"cupy"`` is the same scheme on the GPU
with the fused CUDA pass: the same tests, marked ``gpu`` and skipped (with the reason)
where CuPy or a device is missing. Equality is exact: no tolerance.
"""

import zlib

import numpy as np
import pytest
from _cases import hebbian_case

from hebbian.device import GPUUnavailableError, gpu_unavailable_reason, resolve_device
from hebbian.models import CouplingModel
from hebbian.montecarlo import blocked
from hebbian.montecarlo.arrays import initial_sums, prepare
from hebbian.montecarlo.backends import choose_backend
from hebbian.montecarlo.draws import draw_sweep, random_spins
from hebbian.montecarlo.dynamics import (
    HEAT_BATH,
    METROPOLIS,
    SYNCHRONOUS,
    ZERO_TEMPERATURE,
    new_spin,
    new_spins,
)
from hebbian.montecarlo.engine import MarkovChains, simulate

BACKENDS = ["blocked", pytest.param("cupy", marks=pytest.mark.gpu)]
DYNAMICS = [(HEAT_BATH, 1.7), (METROPOLIS, 0.9), (ZERO_TEMPERATURE, np.inf)]

# sizes below, at and above the default block of 64 sites, none a multiple of it
CASES = {
    "p2": hebbian_case(2, 37, 5),
    "p2-diluted": hebbian_case(2, 41, 7, dilution=0.4),
    "p2-three-blocks": hebbian_case(2, 150, 12),
    "p3": hebbian_case(3, 23, 53),
    "p3-diluted": hebbian_case(3, 19, 31, dilution=0.3),
    "p3-two-blocks": hebbian_case(3, 70, 90),
    "p4": hebbian_case(4, 13, 11),
}


def _run_pair(model, backend, *, dynamics, beta, site_order, n_sweeps, n_chains, seed):
    """Run the Numba engine and ``backend`` on identical draws; compare every sweep."""
    rng = np.random.default_rng(seed)
    N = model.n_neurons
    start = random_spins(rng, n_chains, N)
    cpu = MarkovChains(model, start, backend="numba")
    other = MarkovChains(model, start, backend=backend)
    total = 0
    for _ in range(n_sweeps):
        if dynamics == SYNCHRONOUS:
            u = rng.random((n_chains, N)) if np.isfinite(beta) else np.empty((n_chains, 0))
            d = draw_sweep(rng, n_chains=n_chains, n_neurons=N, site_order="fixed")
            d = type(d)(order=d.order, uniforms=u)
        else:
            d = draw_sweep(
                rng,
                n_chains=n_chains,
                n_neurons=N,
                site_order=site_order,
                needs_uniforms=dynamics != ZERO_TEMPERATURE,
            )
        f_cpu = cpu.sweep(beta=beta, dynamics=dynamics, uniforms=d.uniforms, order=d.order)
        f_other = other.sweep(beta=beta, dynamics=dynamics, uniforms=d.uniforms, order=d.order)
        assert np.array_equal(cpu.spins, other.host_spins())
        assert np.array_equal(cpu.sums, other.host_sums())
        assert np.array_equal(f_cpu, other.host_array(f_other))
        total += int(f_cpu.sum())
    return total


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize(("dynamics", "beta"), DYNAMICS)
@pytest.mark.parametrize("site_order", ["shared", "fixed"])
def test_sequential_parity(backend, case, dynamics, beta, site_order):
    seed = zlib.crc32(f"{case}-{dynamics}-{site_order}".encode())
    flips = _run_pair(
        CASES[case],
        backend,
        dynamics=dynamics,
        beta=beta,
        site_order=site_order,
        n_sweeps=5,
        n_chains=5,
        seed=seed,
    )
    assert flips > 0  # the comparison exercised flips, not only rejections


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("dynamics", "beta"), [(HEAT_BATH, 2.0), (ZERO_TEMPERATURE, np.inf)])
def test_many_chains_parity(backend, dynamics, beta):
    # 300 chains: more than one CUDA block of threads, and not a multiple of it; N = 1000
    # is 15 full blocks of 64 sites and a partial one
    flips = _run_pair(
        hebbian_case(2, 1000, 50, seed=4),
        backend,
        dynamics=dynamics,
        beta=beta,
        site_order="shared",
        n_sweeps=3,
        n_chains=300,
        seed=6,
    )
    assert flips > 0


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", ["p2", "p2-diluted", "p2-three-blocks", "p3", "p4"])
@pytest.mark.parametrize("beta", [1.3, np.inf])
def test_synchronous_parity(backend, case, beta):
    flips = _run_pair(
        CASES[case],
        backend,
        dynamics=SYNCHRONOUS,
        beta=beta,
        site_order="fixed",
        n_sweeps=4,
        n_chains=3,
        seed=5,
    )
    assert flips > 0


@pytest.mark.parametrize("block_size", [1, 7, 64, 200])
@pytest.mark.parametrize("case", ["p2-three-blocks", "p3-two-blocks"])
def test_any_block_size_gives_the_same_chains(block_size, case):
    # the kernel level, so that the block size can be chosen: 1 (no in-block
    # couplings), 7 (many partial blocks), 64, and one block larger than N
    model = CASES[case]
    arrays, barrays = prepare(model), blocked.prepare_hebbian(model, block_size=block_size)
    rng = np.random.default_rng(block_size)
    s1 = random_spins(rng, 4, model.n_neurons)
    s2 = s1.copy()
    m1 = initial_sums(arrays, s1)
    m2 = m1.copy()
    from hebbian.montecarlo import numba_kernels

    for _ in range(4):
        d = draw_sweep(rng, n_chains=4, n_neurons=model.n_neurons, site_order="shared")
        f1 = numba_kernels.hebbian_sweep(s1, m1, arrays, 1.2, HEAT_BATH, d.order, d.uniforms)
        f2 = blocked.hebbian_sweep(s2, m2, barrays, 1.2, HEAT_BATH, d.order, d.uniforms)
        assert np.array_equal(s1, s2) and np.array_equal(m1, m2) and np.array_equal(f1, f2)


@pytest.mark.parametrize("backend", BACKENDS)
def test_simulate_same_seed_same_dataset(backend):
    model = CASES["p2-three-blocks"]
    kw = dict(temperature=0.6, n_sweeps=6, n_chains=4, site_order="shared", seed=9)
    cpu = simulate(model, backend="numba", **kw)
    other = simulate(model, backend=backend, **kw)
    assert other.attrs["backend"] == backend
    assert other.attrs["device"] == ("gpu" if backend == "cupy" else "cpu")
    for name in ("m", "energy", "q", "flips", "spins"):
        np.testing.assert_array_equal(cpu[name].values, other[name].values)


def test_vectorised_rule_is_the_scalar_rule():
    rng = np.random.default_rng(0)
    n = 20000
    s = rng.choice([-1.0, 1.0], n)
    h = np.concatenate([rng.normal(0, 2, n - 6), [0.0, -0.0, 350.0, -350.0, 1e-300, -5.0]])
    u = rng.random(n)
    u[:50] = 0.0
    for dynamics, beta in [(HEAT_BATH, 1.0), (HEAT_BATH, 2.0), (METROPOLIS, 0.7)]:
        got = new_spins(np, s, h, beta, u, dynamics)
        want = [new_spin(int(a), float(b), beta, float(c), dynamics) for a, b, c in zip(s, h, u)]
        assert np.array_equal(got, want)
    got = new_spins(np, s, h, np.inf, None, ZERO_TEMPERATURE)
    want = [new_spin(int(a), float(b), np.inf, 0.0, ZERO_TEMPERATURE) for a, b in zip(s, h)]
    assert np.array_equal(got, want)
    with pytest.raises(ValueError, match="single-site rule"):
        new_spins(np, s, h, 1.0, u, SYNCHRONOUS)


def test_blocked_engine_refuses_what_it_cannot_do_exactly():
    with pytest.raises(ValueError, match="equal memory weights"):
        blocked.prepare_hebbian(hebbian_case(2, 20, 3, weighted=True))
    with pytest.raises(ValueError, match=r"K \(N\+p-1\)\^\(p-1\) < 2\*\*52"):
        blocked.prepare_hebbian(hebbian_case(4, 2**18, 1))
    with pytest.raises(ValueError, match="Hebbian models only"):
        MarkovChains(CouplingModel(np.zeros((4, 4))), np.ones(4), backend="blocked")
    model = CASES["p2"]
    chains = MarkovChains(model, random_spins(np.random.default_rng(1), 3, 37), backend="blocked")
    d = draw_sweep(np.random.default_rng(2), n_chains=3, n_neurons=37, site_order="random")
    with pytest.raises(ValueError, match="one site order shared by every chain"):
        chains.sweep(beta=1.0, dynamics=HEAT_BATH, uniforms=d.uniforms, order=d.order)


def test_shared_order_is_one_permutation_broadcast():
    d = draw_sweep(np.random.default_rng(3), n_chains=4, n_neurons=50, site_order="shared")
    assert d.order.shape == (4, 50) and d.order.strides[0] == 0
    assert np.array_equal(np.sort(d.order[0]), np.arange(50))
    assert d.uniforms.shape == (4, 50)


def test_device_choice(monkeypatch):
    from hebbian.montecarlo import backends

    # what the run needs is checked after CuPy is found: pretend it is, here
    monkeypatch.setattr(backends, "require_cupy", lambda: None)
    model = CASES["p2"]
    pick = dict(dynamics="heat_bath", site_order="shared")
    assert choose_backend(model, device="cpu", **pick) == "numba"
    assert choose_backend(model, device="cpu", backend="blocked", **pick) == "blocked"
    assert resolve_device("cpu") == "cpu"
    with pytest.raises(ValueError, match="device must be one of"):
        resolve_device("tpu")
    with pytest.raises(ValueError, match="runs on the CPU"):
        choose_backend(model, device="gpu", backend="reference", **pick)
    # runs the GPU engine cannot do exactly: 'auto' stays on the CPU, 'gpu' says why
    weighted = hebbian_case(2, 20, 3, weighted=True)
    assert choose_backend(weighted, device="auto", **pick) == "numba"
    with pytest.raises(ValueError, match="equal memory weights"):
        choose_backend(weighted, device="gpu", **pick)
    with pytest.raises(ValueError, match="site order 'shared' or 'fixed'"):
        choose_backend(model, device="gpu", dynamics="heat_bath", site_order="random")
    assert choose_backend(model, device="auto", dynamics="heat_bath", site_order="random") == (
        "numba"
    )


@pytest.mark.skipif(gpu_unavailable_reason() is None, reason="a GPU is present")
def test_gpu_missing_is_one_clear_error():
    model = CASES["p2"]
    assert choose_backend(model, device="auto", dynamics="heat_bath", site_order="shared") == (
        "numba"
    )
    with pytest.raises(GPUUnavailableError, match="device 'gpu' is not available: CuPy"):
        simulate(model, temperature=1.0, n_sweeps=1, site_order="shared", device="gpu")
    with pytest.raises(GPUUnavailableError, match="not available"):
        MarkovChains(model, np.ones(37), backend="cupy")
    # the missing CuPy is named first, before what the run would need
    with pytest.raises(GPUUnavailableError, match="not available: CuPy"):
        choose_backend(model, device="gpu", dynamics="heat_bath", site_order="random")


def _batch_models():
    # one size, different loads (padded K), a diluted member; p = 3 members of another
    # size (a group of their own, with padded K too)
    return [
        hebbian_case(2, 90, 4, seed=1),
        hebbian_case(2, 90, 9, seed=2),
        hebbian_case(2, 90, 6, dilution=0.3, seed=3),
        hebbian_case(3, 30, 40, seed=4),
        hebbian_case(2, 90, 7, seed=5),
        hebbian_case(3, 30, 25, dilution=0.2, seed=6),
    ]


BATCH_RUNS = {
    # dynamics, temperatures, run settings; zero-T members form a group of their own
    "heat-bath": ("auto", [0.4, 0.0, 0.8, 0.5, 0.0, 0.3], dict(n_burn=2)),
    "metropolis": ("metropolis", [0.4, 0.6, 0.8, 0.5, 0.7, 0.3], dict(measure_every=2)),
    "synchronous": ("synchronous", [0.4, 0.0, 0.8, 0.5, 0.0, 0.3], dict(n_burn=1)),
}


@pytest.mark.parametrize("backend", ["numba", *BACKENDS])
@pytest.mark.parametrize("site_order", ["shared", "fixed"])
@pytest.mark.parametrize("run", list(BATCH_RUNS))
def test_batch_gives_each_model_its_own_chains(backend, site_order, run):
    from hebbian.montecarlo.engine import simulate_batch

    dynamics, temps, settings = BATCH_RUNS[run]
    models = _batch_models()
    seeds = [11, 12, 13, 14, 15, 16]
    kw = dict(n_sweeps=6, n_chains=3, site_order=site_order, dynamics=dynamics, **settings)
    # p = 3 runs on the GPU only when asked for: force the backend under test
    batch = simulate_batch(models, temperature=temps, seed=seeds, backend=backend, **kw)
    for model, T, seed, got in zip(models, temps, seeds, batch):
        alone = simulate(model, temperature=T, seed=seed, backend="numba", **kw)
        assert got.attrs["backend"] == backend and got.attrs["temperature"] == T
        for name in alone.data_vars:
            np.testing.assert_array_equal(alone[name].values, got[name].values, err_msg=name)
        assert int(alone.flips.sum()) > 0
    sizes = [ds.attrs["batch_members"] for ds in batch]
    assert sizes == ([2, 2, 2, 2, 2, 2] if run != "metropolis" else [4, 4, 4, 2, 4, 2])


def test_batch_arguments_are_checked():
    from hebbian.montecarlo.chains import ChainBatch
    from hebbian.montecarlo.engine import simulate_batch

    models = _batch_models()[:2]
    with pytest.raises(ValueError, match=r"seed needs one entry per model \(2\), got 1"):
        simulate_batch(models, temperature=1.0, seed=[1], n_sweeps=1)
    with pytest.raises(ValueError, match="temperature must be >= 0"):
        simulate_batch(models, temperature=[1.0, -1.0], n_sweeps=1)
    with pytest.raises(
        TypeError, match=r"seed must be a list with one entry per model \(2\), got int"
    ):
        simulate_batch(models, temperature=1.0, seed=5, n_sweeps=1)
    with pytest.raises(TypeError, match="initial must be a list .* got ndarray"):
        simulate_batch(models, temperature=1.0, initial=np.ones((2, 90)), n_sweeps=1)
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="the same Generator was given twice"):
        simulate_batch(models, temperature=1.0, seed=[rng, rng], n_sweeps=1)
    with pytest.raises(ValueError, match=r"must have shape \(1, 90\) or \(90,\), got \(2, 90\)"):
        simulate_batch(models, temperature=1.0, initial=[None, np.ones((2, 90))], n_sweeps=1)
    with pytest.raises(ValueError, match="at least one model"):
        simulate_batch([], temperature=1.0, n_sweeps=1)
    with pytest.raises(
        ValueError, match=r"need spins of one shape \(chains, neurons\), got \(2, 90\), \(3, 90\)"
    ):
        ChainBatch(models, [np.ones((2, 90)), np.ones((3, 90))], backend="blocked")
    batch = ChainBatch(models, [np.ones((2, 90))] * 2, backend="blocked")
    with pytest.raises(ValueError, match="advanced by ChainBatch.sweep"):
        batch.members[0].sweep(beta=1.0, dynamics=HEAT_BATH, uniforms=None, order=None)


@pytest.mark.parametrize("backend", BACKENDS)
def test_device_draws_feed_the_same_kernels(backend):
    # draws="device": the uniforms come from the array module's generator, seeded once
    # from the run's generator; fed the same numbers, the Numba engine gives the same
    # chains, so only the source of the uniforms differs
    model = CASES["p2-three-blocks"]
    ds = simulate(
        model,
        temperature=0.7,
        n_sweeps=4,
        n_chains=3,
        site_order="shared",
        seed=21,
        backend=backend,
        draws="device",
    )
    assert ds.attrs["draws"] == "device"
    rng = np.random.default_rng(21)
    start = random_spins(rng, 3, model.n_neurons)
    device_rng = np.random.default_rng(int(rng.integers(2**63)))  # the array module's
    chains = MarkovChains(model, start, backend="numba")
    for _ in range(4):
        d = draw_sweep(
            rng, n_chains=3, n_neurons=model.n_neurons, site_order="shared", needs_uniforms=False
        )
        u = device_rng.random((3, model.n_neurons))
        chains.sweep(beta=1 / 0.7, dynamics=HEAT_BATH, uniforms=u, order=d.order)
    if backend == "blocked":  # on CuPy the generator differs from NumPy's: no replay
        np.testing.assert_array_equal(ds.spins.values, chains.spins)
    again = simulate(
        model,
        temperature=0.7,
        n_sweeps=4,
        n_chains=3,
        site_order="shared",
        seed=21,
        backend=backend,
        draws="device",
    )
    np.testing.assert_array_equal(ds.spins.values, again.spins.values)


def test_device_draws_need_a_blocked_backend():
    with pytest.raises(ValueError, match="draws='device' needs a blocked backend"):
        simulate(CASES["p2"], temperature=1.0, n_sweeps=1, device="cpu", draws="device")
    with pytest.raises(ValueError, match="draws must be one of 'host', 'device'"):
        simulate(CASES["p2"], temperature=1.0, n_sweeps=1, draws="gpu")
