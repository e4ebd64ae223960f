import numpy as np
import pytest

from hebbian import HebbianModel, cue, random_patterns, simulate
from hebbian.models import CouplingModel
from hebbian.montecarlo.results import sweeps_to_fixed_point


@pytest.fixture(scope="module")
def model():
    return HebbianModel(random_patterns(20, 400, seed=1))


def test_dataset_structure_and_provenance(model):
    ds = simulate(
        model, temperature=0.4, n_sweeps=12, n_burn=3, n_chains=3, measure_every=2, seed=5
    )
    assert ds.m.dims == ("time", "chain", "memory") and ds.m.shape == (6, 3, 20)
    assert ds.time.values.tolist() == [5, 7, 9, 11, 13, 15]
    assert ds.flips.shape == (15, 3) and ds.q.shape == (6, 3)
    assert ds.spins.dtype == np.int8
    for name, var in ds.data_vars.items():
        assert "long_name" in var.attrs and "units" in var.attrs, name
    for key in (
        "temperature",
        "dynamics",
        "seed",
        "backend",
        "wall_time_s",
        "hebbian_version",
        "n_neurons",
        "n_memories",
        "alpha",
        "p",
        "n_sweeps",
        "n_burn",
        "config",
    ):
        assert key in ds.attrs, key
    assert ds.attrs["dynamics"] == "heat_bath" and ds.attrs["seed"] == 5
    assert np.all(np.abs(ds.m.values) <= 1)


def test_same_seed_same_chains_any_backend(model):
    a = simulate(model, temperature=0.5, n_sweeps=4, n_chains=2, seed=3)
    b = simulate(model, temperature=0.5, n_sweeps=4, n_chains=2, seed=3)
    c = simulate(model, temperature=0.5, n_sweeps=4, n_chains=2, seed=3, backend="reference")
    assert np.array_equal(a.spins, b.spins) and np.array_equal(a.spins, c.spins)
    assert np.array_equal(a.m, c.m)
    d = simulate(model, temperature=0.5, n_sweeps=4, n_chains=2, seed=4)
    assert not np.array_equal(a.spins, d.spins)


def test_retrieval_at_low_load_and_convergence(model):
    cues = cue(model.memories[0], noise=0.15, n_cues=4, seed=2)
    ds = simulate(model, temperature=0, n_sweeps=10, n_chains=4, initial=cues, seed=1)
    assert np.all(ds.m.isel(time=-1, memory=0) == 1.0)
    steps = ds.sweeps_to_fixed_point.values
    assert np.all((steps >= 1) & (steps <= 3))


def test_sweeps_to_fixed_point():
    flips = np.array([[5, 3, 1], [2, 1, 4], [0, 0, 1], [0, 1, 1]])
    out = sweeps_to_fixed_point(flips)
    assert out[0] == 2 and out[1] == 2 and np.isnan(out[2])


def test_synchronous_schedule_runs_and_is_labelled(model):
    ds = simulate(
        model, temperature=0, dynamics="synchronous", n_sweeps=6, initial=model.memories[1], seed=0
    )
    assert ds.attrs["dynamics"] == "synchronous"
    assert float(ds.m.isel(time=-1, chain=0, memory=1)) == 1.0


def test_coupling_model_without_memories():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(30, 30))
    ds = simulate(CouplingModel(A + A.T), temperature=1.0, n_sweeps=5, n_chains=2, seed=1)
    assert ds.m.shape == (5, 2, 0) and np.isfinite(float(ds.energy_mean))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"temperature": -1.0}, "temperature must be >= 0, got -1"),
        ({"temperature": 0.0, "dynamics": "heat_bath"}, "needs temperature > 0"),
        ({"temperature": 1.0, "dynamics": "glauber"}, "dynamics must be one of"),
        ({"temperature": 1.0, "n_sweeps": 0}, "n_sweeps must be >= 1, got 0"),
        ({"temperature": 1.0, "site_order": "spiral"}, "site_order must be one of"),
        ({"temperature": 1.0, "backend": "fortran"}, "backend must be one of"),
        ({"temperature": 1.0, "initial": np.zeros(400)}, "initial spins must be in {-1, +1}"),
    ],
)
def test_bad_arguments(model, kwargs, message):
    kwargs.setdefault("n_sweeps", 2)
    with pytest.raises(ValueError) as info:
        simulate(model, **kwargs)
    assert message in str(info.value)


def test_asymmetric_couplings_run_only_energy_free_dynamics():
    from hebbian.montecarlo.exact import exact_averages

    rng = np.random.default_rng(4)
    N = 12
    model = CouplingModel(rng.normal(size=(N, N)), symmetric=False)
    # zero temperature (sequential) and synchronous dynamics need no energy; the
    # measured energies are NaN, since there is none
    for settings in ({"temperature": 0.0}, {"temperature": 0.5, "dynamics": "synchronous"}):
        ds = simulate(model, n_sweeps=3, n_chains=2, seed=1, **settings)
        assert np.all(np.isnan(ds.energy.values))
    # mostly symmetric couplings settle at T = 0 (here within 40 sweeps, for this seed)
    # in a state where every spin agrees with its field h_i = sum_j J_ij s_j (row i)
    A = rng.normal(size=(N, N))
    settled = CouplingModel(A + A.T + 0.3 * rng.normal(size=(N, N)), symmetric=False)
    ds = simulate(settled, temperature=0.0, n_sweeps=40, n_chains=3, seed=2)
    assert not ds.flips.values[-1].any()
    spins = ds.spins.values.astype(float)
    fields = spins @ settled.couplings.T
    assert np.all(spins * fields > 0)
    for dynamics in ("heat_bath", "metropolis"):
        with pytest.raises(ValueError, match="needs symmetric couplings"):
            simulate(model, temperature=0.5, dynamics=dynamics, n_sweeps=2, seed=1)
    with pytest.raises(ValueError, match="need an energy"):
        exact_averages(model, temperature=1.0)
