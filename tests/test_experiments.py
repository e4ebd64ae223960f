"""Experiment configurations, the framework, and small end-to-end runs of every kind."""

import io
import json

import numpy as np
import pytest

from hebbian.experiments.config import (
    ConfigError,
    available_configs,
    load_config,
    parse_override,
)
from hebbian.experiments.registry import get_kind
from hebbian.experiments.runner import (
    check_result,
    plot_result,
    resolve_parameters,
    run_experiment,
)
from hebbian.sweep import point_generator

CONFIGS = sorted(available_configs())


def test_there_are_configs_for_every_kind():
    kinds = {load_config(name).kind for name in CONFIGS}
    assert kinds == {
        "hopfield_capacity",
        "hopfield_phase_diagram",
        "hopfield_mixtures",
        "multitasking_cascade",
        "multitasking_threshold",
        "multitasking_phase_diagram",
        "multitasking_learning",
        "dense_learning",
        "digits_learning",
        "supervised_phase_diagram",
        "rules_fixed_points",
        "perceptron_stability",
        "self_coupling",
        "basins",
        "margin_capacity",
        "vsa_bundle_capacity",
        "resonator_capacity",
        "vsa_sequence_memory",
        "attention_capacity",
        "sdm_attention",
        "hopfield_regimes",
        "fast_weight_task",
        "scaling_laws",
        "optimizer_tail_classes",
        "vsa_membership",
    }


@pytest.mark.parametrize("name", CONFIGS)
def test_every_config_validates_without_running(name):
    cfg = load_config(name)
    assert cfg.name == name and cfg.expected and cfg.reference
    kind = get_kind(cfg.kind)
    for quick in (True, False):
        params = resolve_parameters(cfg, quick=quick)
        assert len(kind.points(params)) > 0
    assert set(cfg.expected) <= set(kind.obtained_quantities)


def write(tmp_path, text, name="bad_config"):
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    return path


GOOD = load_config("amit1987_hopfield_capacity").source


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda s: s.replace("n_samples = 8", "n_sampels = 8"), "did you mean 'n_samples'"),
        (lambda s: s.replace("n_samples = 8", "n_samples = 0"), "n_samples must be in [1, inf]"),
        (lambda s: s.replace("[quick]", "[quik]"), "unknown key 'quik'"),
        (lambda s: s.replace("seed = 1987", "seed = -1"), "seed must be a non-negative"),
        (lambda s: s + "\n[[", "malformed TOML"),
        (
            lambda s: s.replace('kind = "hopfield_capacity"', 'kind = "hopfield"'),
            "unknown experiment kind 'hopfield'",
        ),
        (lambda s: s.replace("n_sweeps = 40", "n_sweeps = 'many'"), "must be an integer"),
        (lambda s: s.replace("alpha_c = {", "alpha_cc = {"), "unknown quantity 'alpha_cc'"),
        (lambda s: s.replace("num = 13", "num = 0"), "num must be an integer >= 1"),
    ],
)
def test_bad_configs_are_refused_with_one_line(tmp_path, edit, message):
    text = edit(GOOD).replace('name = "amit1987_hopfield_capacity"', 'name = "bad_config"')
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert message in str(info.value) and "\n" not in str(info.value)


def test_config_name_must_match_file(tmp_path):
    with pytest.raises(ConfigError, match="must equal the file name"):
        load_config(write(tmp_path, GOOD, name="other"))


def test_parse_override():
    assert parse_override("n_samples=4") == ("n_samples", 4)
    assert parse_override("alpha=[0.1, 0.2]") == ("alpha", [0.1, 0.2])
    assert parse_override("name=word") == ("name", "word")
    with pytest.raises(ConfigError):
        parse_override("novalue")


def test_point_seeds_depend_on_index_only():
    a = point_generator(7, 3).random(3)
    assert np.array_equal(a, point_generator(7, 3).random(3))
    assert not np.array_equal(a, point_generator(7, 4).random(3))


TINY = {
    "amit1987_hopfield_capacity": [
        ("n_neurons", [100, 200]),
        ("alpha", [0.05, 0.1, 0.3]),
        ("n_samples", 2),
        ("n_chains", 2),
        ("n_sweeps", 8),
        ("n_bootstrap", 20),
    ],
    "gardner1987_dense_capacity": [
        ("n_neurons", [30, 40]),
        ("alpha", [0.06, 0.12, 0.3]),
        ("n_samples", 2),
        ("n_chains", 2),
        ("n_sweeps", 4),
        ("n_bootstrap", 20),
    ],
    "gardner1987_dense_annealed_capacity": [
        ("n_neurons", [12, 16]),
        ("alpha", [0.02, 0.05, 0.3]),
        ("reference_alpha", 0.02),
        ("n_samples", 2),
        ("n_chains", 2),
        ("anneal_stages", 2),
        ("anneal_sweeps", 2),
        ("n_sweeps", 4),
        ("n_bootstrap", 20),
    ],
    "amit1987_hopfield_phase_diagram": [
        ("n_neurons", 200),
        ("alpha", [0.02, 0.1]),
        ("temperature", [0.1, 1.3]),
        ("n_samples", 2),
        ("n_burn", 5),
        ("n_sweeps", 10),
        ("line_alpha", [0.01, 0.05, 0.1]),
    ],
    "amit1985_hopfield_mixtures": [
        ("n_neurons", 2000),
        ("n_samples", 2),
        ("temperature", [0.3, 0.32, 0.34, 0.36]),
        ("stability_sweeps", 60),
        ("n_bootstrap", 20),
    ],
    "agliari2012_multitasking_cascade": [
        ("n_neurons", 3000),
        ("dilution", [0.1, 0.2, 0.7]),
        ("n_samples", 2),
        ("n_sweeps", 10),
    ],
    "agliari2012_multitasking_threshold": [
        ("n_neurons", [1000, 4000]),
        ("dilution", [0.5, 0.6, 0.65, 0.7]),
        ("n_samples", 2),
        ("n_sweeps", 10),
    ],
    "agliari2013_multitasking_phase_diagram": [
        ("n_neurons", 300),
        ("dilution", [0.3, 0.8]),
        ("temperature", [0.1, 0.5]),
        ("n_sweeps", 8),
    ],
    "agliari2023_dense_supervised_phase_diagram": [
        ("n_neurons", 40),
        ("n_examples", 5),
        ("alpha", [0.02, 0.1]),
        ("rho", [0.0, 0.2]),
        ("n_chains", 2),
        ("n_sweeps", 3),
    ],
    "alemanno2023_supervised_phase_diagram": [
        ("n_neurons", 300),
        ("n_examples", 5),
        ("alpha", [0.02, 0.1]),
        ("rho", [0.0, 0.2]),
        ("n_chains", 2),
        ("n_sweeps", 3),
    ],
    "folli2017_hebb_self_coupling": [
        ("n_neurons", 30),
        ("alpha", [0.1, 1.0, 6.0]),
        ("n_samples", 2),
        ("n_cued", 2),
        ("n_sweeps", 3),
    ],
    "krauth1987_perceptron_stability": [
        ("n_neurons", [20, 30]),
        ("alpha", [0.5, 1.0]),
        ("n_samples", 2),
        ("max_sweeps", 50),
    ],
    "gardner1988_perceptron_margin_capacity": [
        ("n_neurons", [12, 16]),
        ("kappa", [0.5, 1.0]),
        ("alpha", [0.3, 0.6, 1.0]),
        ("n_samples", 2),
        ("optimal_sweeps", 50),
        ("max_sweeps", 5),
        ("n_bootstrap", 5),
    ],
    "frady2018_vsa_bundle_capacity": [
        ("models", ["map-i", "bsc", "fhrr"]),
        ("dimension", 64),
        ("codebook_size", 5),
        ("n_items", [2, 8, 30]),
        ("n_trials", 3),
    ],
    "frady2018_vsa_sequence_memory": [
        ("models", ["map-i", "fhrr"]),
        ("dimension", 64),
        ("codebook_size", 5),
        ("length", 6),
        ("decays", [1.0, 0.9]),
        ("n_trials", 3),
        ("span_decay", 0.9),
    ],
    "kent2020_resonator_baselines": [
        ("dimension", 64),
        ("codebook_sizes", [4, 8]),
        ("n_trials", 5),
        ("batch_size", 5),
        ("max_iterations", 20),
    ],
    "kent2020_resonator_three_factor_capacity": [
        ("dimension", 64),
        ("codebook_sizes", [4, 8]),
        ("n_trials", 5),
        ("batch_size", 5),
        ("published_op", 4),
        ("published_ols", 8),
    ],
    "kent2020_resonator_two_factor_capacity": [
        ("dimension", 64),
        ("codebook_sizes", [4, 16]),
        ("n_trials", 5),
        ("batch_size", 5),
        ("published_op", 16),
    ],
    "kent2020_resonator_update_order": [
        ("dimension", 64),
        ("codebook_sizes", [4, 8]),
        ("n_trials", 5),
        ("batch_size", 5),
        ("min_iterations", 5),
        ("published_op", 8),
    ],
    "tolmachev2020_rules_basins": [
        ("n_neurons", 12),
        ("rules", ["hebb", "pseudo-inverse", "gardner"]),
        ("memories", [1, 3, 6, 12]),
        ("flips", [1, 3]),
        ("n_samples", 2),
        ("n_steps", 5),
        ("max_sweeps", 5),
    ],
    "tolmachev2020_rules_fixed_points": [
        ("n_neurons", 30),
        ("rules", ["hebb", "pseudo-inverse", "krauth-mezard"]),
        ("alpha", [0.1, 0.5, 1.2]),
        ("n_samples", 2),
        ("max_sweeps", 5),
    ],
    "agliari2023_dense_digits": [
        ("orders", [2, 4]),
        ("n_examples", [1, 5]),
        ("n_test", 2),
        ("n_samples", 2),
        ("n_sweeps", 3),
    ],
    "agliari2023_dense_learning": [
        ("n_neurons", 400),
        ("orders", [2, 3]),
        ("n_examples", 5),
        ("rho", [0.2, 0.5]),
        ("temperature", [0.0, 0.05]),
        ("n_sweeps", 3),
    ],
    "agliari2023_multitasking_learning": [
        ("n_neurons", 400),
        ("n_examples", 5),
        ("dilution", [0.0, 0.3]),
        ("rho", [0.1, 0.5]),
        ("n_sweeps", 5),
    ],
    "schlag2021_attention_capacity": [
        ("rules", ["hebbian", "delta", "lsq", "softmax", "softmax1", "dense"]),
        ("dims", [8, 16]),
        ("n_pairs", [4, 16, 64]),
        ("n_trials", 3),
    ],
    "bricken2021_sdm_attention": [
        ("n_bits", 32),
        ("n_locations", 4096),
        ("radii", [9, 11]),
        ("n_centers", 2),
        ("n_patterns", 8),
        ("value_dimension", 16),
        ("n_queries", 8),
    ],
    "ramsauer2020_softmax_regimes": [
        ("n_pairs", 32),
        ("dim", 8),
        ("betas", [0.5, 4.0, 64.0]),
        ("n_trials", 2),
        ("max_steps", 100),
        ("capacity_dims", [6, 8]),
        ("reads", 200),
    ],
    "schlag2021_fast_weight_capacity": [
        ("feature_maps", ["identity", "dpfp1"]),
        ("loads", [0.5, 1.0, 1.2]),
        ("dim_key", 8),
        ("n_trials", 2),
        ("overwrite_keys", [4, 8]),
    ],
    "cabannes2024_associative_memory_scaling": [
        ("zipf_exponents", [2.0]),
        ("dims", [40, 80, 160]),
        ("n_samples", [10, 100]),
        ("samples_dim", 120),
        ("trials", 4),
    ],
    "wang2025_muon_tail_classes": [
        ("n_classes", 8),
        ("dim", 8),
        ("embedding_correlations", [0.0, 0.5]),
        ("n_steps", 40),
        ("snapshot_steps", [10, 40]),
        ("loss_target", 1.5),
        ("trials", 2),
    ],
    "clarkson2023_vsa_membership_scaling": [
        ("models", ["map-i", "map-b"]),
        ("n_items", [2, 4]),
        ("universes", [20]),
        ("delta", 0.2),
        ("n_trials", 10),
        ("rtol", 0.25),
    ],
}


@pytest.mark.parametrize("name", CONFIGS)
def test_tiny_run_check_and_plot(name):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    cfg = load_config(name)
    ds = run_experiment(cfg, quick=True, overrides=TINY[name])
    assert ds.attrs["experiment"] == name and ds.attrs["size"] == "quick"
    assert json.loads(ds.attrs["parameters"])
    for var in ds.data_vars.values():
        assert "long_name" in var.attrs
    rows = check_result(ds)
    assert [r.quantity for r in rows] == list(cfg.expected)
    ax = Figure().add_subplot()
    assert plot_result(ds, ax=ax) is ax and ax.has_data()
    ax.figure.savefig(io.BytesIO(), format="png")  # renders every label (mathtext included)
    again = run_experiment(cfg, quick=True, overrides=TINY[name])
    for key in ds.data_vars:
        np.testing.assert_array_equal(ds[key].values, again[key].values)


def test_capacity_crossing_and_extrapolation():
    from hebbian.experiments.kinds.capacity import crossing_load, extrapolate_capacity

    a = np.array([0.1, 0.12, 0.14, 0.16])
    assert crossing_load(a, np.array([1.0, 0.9, 0.3, 0.0])) == pytest.approx(
        0.12 + 0.02 * 0.4 / 0.6
    )
    assert np.isnan(crossing_load(a, np.ones(4)))
    N = np.array([250, 1000, 4000, 16000])
    a_inf, err, slope = extrapolate_capacity(N, 0.14 + 0.5 / np.sqrt(N), np.full(4, 1e-3))
    assert a_inf == pytest.approx(0.14, abs=1e-10) and slope == pytest.approx(0.5)


def test_mixture_state_and_stiffness_zero():
    from hebbian.experiments.kinds.mixtures import mixture_state, stiffness_zero

    xi = np.array([[1, 1, -1, -1], [1, -1, 1, -1], [1, -1, -1, 1]], dtype=np.int8)
    assert mixture_state(xi, 3).tolist() == [1, -1, -1, -1]
    with pytest.raises(ValueError, match="odd"):
        mixture_state(xi, 2)
    T = np.array([0.3, 0.35, 0.4, 0.45])
    assert stiffness_zero(T, 2.0 * (0.5 - T)) == pytest.approx(0.5)


def test_monte_carlo_matches_rs_in_the_retrieval_phase():
    # Issue 3: MC at N = 2000 within finite-size tolerance of the RS overlap at two
    # (alpha, T) points of the retrieval phase. Tolerance 0.02: the finite-N spread of m
    # over disorder samples at these points is about 0.005.
    from hebbian import HebbianModel, random_patterns, simulate
    from hebbian.theory.hopfield import solve_hopfield

    for alpha, T in [(0.05, 0.3), (0.02, 0.5)]:
        ms = []
        for seed in range(3):
            model = HebbianModel(random_patterns(int(alpha * 2000), 2000, seed=seed))
            ds = simulate(
                model,
                temperature=T,
                n_sweeps=150,
                n_burn=50,
                n_chains=2,
                initial=model.memories[0],
                seed=100 + seed,
            )
            ms.append(float(ds.m_mean[0]))
        m_rs = float(solve_hopfield(alpha, T, branch="retrieval").m)
        assert abs(np.mean(ms) - m_rs) < 0.02, (alpha, T, ms, m_rs)


def test_mixture_window_is_empty_when_the_chain_escapes_at_once():
    from hebbian.experiments.kinds.mixtures import HopfieldMixtures

    kind = HopfieldMixtures()
    params = kind.validate(
        {
            "n_neurons": 1000,
            "n_patterns": 5,
            "mixtures": [1, 3],
            "n_samples": 1,
            "temperature": [0.7],
        },
        where="test",
    )
    res = kind.run_point(
        params, {"part": "stability", "temperature": 0.7, "sample": 0}, np.random.default_rng(0)
    )
    assert res["escaped"] == 1.0 and np.isnan(res["transverse_variance"])


def test_capacity_alpha_must_increase():
    cfg = load_config("amit1987_hopfield_capacity")
    with pytest.raises(ConfigError, match="strictly increasing"):
        resolve_parameters(cfg, quick=True, overrides=[("alpha", [0.2, 0.1])])


SMALL = {
    "amit1987_hopfield_capacity": [("n_neurons", [200, 300]), ("n_sweeps", 6)],
    "gardner1987_dense_capacity": [
        ("n_neurons", [40, 60]),
        ("alpha", [0.06, 0.12]),
        ("n_samples", 2),
        ("n_sweeps", 4),
    ],
    "gardner1987_dense_annealed_capacity": [
        ("n_neurons", [16, 20]),
        ("alpha", [0.02, 0.04]),
        ("reference_alpha", 0.02),
        ("n_samples", 2),
        ("anneal_stages", 2),
        ("anneal_sweeps", 2),
        ("n_sweeps", 4),
    ],
    "amit1987_hopfield_phase_diagram": [("n_neurons", 300), ("n_burn", 2), ("n_sweeps", 4)],
    "amit1985_hopfield_mixtures": [("n_neurons", 400), ("stability_sweeps", 40)],
    "agliari2012_multitasking_cascade": [("n_neurons", 300), ("n_sweeps", 5)],
    "agliari2012_multitasking_threshold": [
        ("n_neurons", [200, 300]),
        ("dilution", [0.5, 0.7]),
        ("n_sweeps", 5),
    ],
    "agliari2013_multitasking_phase_diagram": [
        ("n_neurons", 300),
        ("dilution", [0.3, 0.8]),
        ("temperature", [0.1, 0.5]),
        ("n_sweeps", 6),
    ],
    "agliari2023_dense_supervised_phase_diagram": [
        ("n_neurons", 40),
        ("n_examples", 3),
        ("alpha", [0.02, 0.1]),
        ("rho", [0.0, 0.2]),
        ("n_chains", 2),
        ("n_sweeps", 3),
    ],
    "alemanno2023_supervised_phase_diagram": [
        ("n_neurons", 200),
        ("n_examples", 3),
        ("alpha", [0.02, 0.1]),
        ("rho", [0.0, 0.2]),
        ("n_chains", 2),
        ("n_sweeps", 3),
    ],
    "folli2017_hebb_self_coupling": [
        ("n_neurons", 40),
        ("alpha", [0.1, 0.5, 4.0]),
        ("n_samples", 2),
        ("n_cued", 3),
        ("n_sweeps", 4),
    ],
    "krauth1987_perceptron_stability": [
        ("n_neurons", [20, 40]),
        ("alpha", [0.5, 1.0]),
        ("n_samples", 2),
    ],
    "gardner1988_perceptron_margin_capacity": [
        ("n_neurons", [16, 20]),
        ("kappa", [0.5]),
        ("alpha", [0.4, 0.8, 1.2]),
        ("n_samples", 2),
        ("optimal_sweeps", 50),
        ("max_sweeps", 5),
        ("n_bootstrap", 5),
    ],
    "frady2018_vsa_bundle_capacity": [
        ("models", ["map-b", "hrr"]),
        ("dimension", 100),
        ("codebook_size", 8),
        ("n_items", [3, 10]),
        ("n_trials", 4),
    ],
    "frady2018_vsa_sequence_memory": [
        ("models", ["hrr"]),
        ("dimension", 80),
        ("codebook_size", 6),
        ("length", 5),
        ("decays", [0.8]),
        ("n_trials", 4),
        ("span_decay", 0.8),
    ],
    "kent2020_resonator_baselines": [
        ("dimension", 80),
        ("codebook_sizes", [5, 9]),
        ("methods", ["resonator", "als", "pgd", "stochastic"]),
        ("n_trials", 6),
        ("max_iterations", 20),
    ],
    "kent2020_resonator_three_factor_capacity": [
        ("dimension", 80),
        ("codebook_sizes", [5, 9]),
        ("n_trials", 6),
        ("batch_size", 4),
        ("published_op", 5),
        ("published_ols", 9),
    ],
    "kent2020_resonator_two_factor_capacity": [
        ("dimension", 80),
        ("codebook_sizes", [6, 20]),
        ("n_trials", 6),
        ("published_op", 20),
    ],
    "kent2020_resonator_update_order": [
        ("dimension", 80),
        ("codebook_sizes", [5, 9]),
        ("n_trials", 6),
        ("min_iterations", 4),
        ("published_op", 9),
    ],
    "tolmachev2020_rules_basins": [
        ("n_neurons", 16),
        ("rules", ["hebb", "storkey", "pseudo-inverse", "diederich-opper-1"]),
        ("memories", [1, 4, 8, 12]),
        ("flips", [1, 2, 5]),
        ("n_samples", 2),
        ("n_steps", 5),
    ],
    "tolmachev2020_rules_fixed_points": [
        ("n_neurons", 40),
        ("alpha", [0.1, 0.2, 0.9]),
        ("n_samples", 2),
        ("max_sweeps", 10),
    ],
    "agliari2023_dense_digits": [
        ("orders", [3]),
        ("n_examples", [2, 3]),
        ("n_test", 3),
        ("n_samples", 2),
        ("n_sweeps", 3),
    ],
    "agliari2023_dense_learning": [
        ("n_neurons", 300),
        ("orders", [2, 3]),
        ("n_examples", 3),
        ("rho", [0.2, 0.5]),
        ("temperature", [0.0]),
        ("n_sweeps", 3),
    ],
    "agliari2023_multitasking_learning": [
        ("n_neurons", 300),
        ("n_examples", 3),
        ("dilution", [0.0, 0.3]),
        ("rho", [0.2, 0.5]),
        ("n_sweeps", 4),
    ],
    "schlag2021_attention_capacity": [
        ("rules", ["hebbian", "delta", "lsq", "softmax", "softmax1", "dense"]),
        ("dims", [8, 16]),
        ("n_pairs", [4, 16, 64]),
        ("n_trials", 3),
    ],
}


#: Experiments whose runs are CouplingModels (explicit couplings with a kept diagonal),
#: which the blocked scheme does not run: it holds Hebbian memories only.
COUPLING_RUNS = {"folli2017_hebb_self_coupling", "tolmachev2020_rules_basins"}


@pytest.mark.parametrize("name", sorted(set(SMALL) - COUPLING_RUNS))
def test_points_give_the_same_result_batched_on_the_gpu_scheme(monkeypatch, name):
    # every kind visits sites in the shared order, so the blocked (GPU) scheme, here on
    # NumPy, running a chunk of points as one batch, reproduces the CPU engine's
    # point-by-point results exactly
    import hebbian.montecarlo.engine as engine

    cfg = load_config(name)
    kind = get_kind(cfg.kind)
    params = resolve_parameters(cfg, quick=True, overrides=SMALL[name])
    points = kind.points(params)
    chosen = points[:3] + points[-3:]
    cpu = [kind.run_point(params, p, point_generator(1, i)) for i, p in enumerate(chosen)]
    monkeypatch.setattr(engine, "choose_backend", lambda *a, **k: "blocked")
    rngs = [point_generator(1, i) for i in range(len(chosen))]
    gpu = kind.run_batch(params, chosen, rngs, device="auto")
    for a, b in zip(cpu, gpu):
        assert a.keys() == b.keys()
        for key in a:
            np.testing.assert_array_equal(a[key], b[key])


def test_a_kind_with_only_run_point_still_runs_in_batches():
    from hebbian.experiments.base import ExperimentKind

    class Custom(ExperimentKind):
        def run_point(self, params, point, rng, *, device="cpu"):
            return {"x": point["i"] + rng.random()}

    rngs = [point_generator(3, i) for i in range(4)]
    out = Custom().run_batch({}, [{"i": i} for i in range(4)], rngs, device="auto")
    want = [i + point_generator(3, i).random() for i in range(4)]
    assert [r["x"] for r in out] == want
    with pytest.raises(NotImplementedError, match="must define run_point or point_simulation"):
        ExperimentKind().run_point({}, {}, rngs[0])


def test_device_draws_do_not_depend_on_the_batching(monkeypatch):
    # draws="device" (here the blocked scheme on NumPy): each point's uniforms come from
    # its own generator, so a batched chunk gives the points' one-by-one results
    import hebbian.montecarlo.engine as engine

    monkeypatch.setattr(engine, "choose_backend", lambda *a, **k: "blocked")
    cfg = load_config("amit1987_hopfield_phase_diagram")
    kind = get_kind(cfg.kind)
    params = resolve_parameters(cfg, quick=True, overrides=SMALL[cfg.name])
    points = [p for p in kind.points(params) if p["temperature"] > 0.8][:4]  # noisy m
    rngs = lambda: [point_generator(2, i) for i in range(4)]  # noqa: E731
    batched = kind.run_batch(params, points, rngs(), device="auto", draws="device")
    alone = [
        kind.run_point(params, p, r, device="auto", draws="device") for p, r in zip(points, rngs())
    ]
    host = kind.run_batch(params, points, rngs(), device="auto")
    assert batched == alone and batched != host


def test_cascade_ranks_the_later_overlaps_and_follows_the_theory():
    from hebbian.experiments.kinds.multitasking_cascade import ranked_overlaps

    m = np.array([[0.8, -0.03, 0.16], [0.7, 0.2, -0.06]])
    np.testing.assert_allclose(ranked_overlaps(m), [[0.8, 0.16, 0.03], [0.7, 0.2, 0.06]])
    ds = run_experiment(
        "agliari2012_multitasking_cascade",
        quick=True,
        overrides=[("n_neurons", 4000), ("dilution", [0.2, 0.3]), ("n_samples", 2)],
    )
    # below d_c(3) = 0.618 the T = 0 dynamics end in the cascade (1 - d) d^(k-1),
    # within a few N^(-1/2) = 0.016 at N = 4000
    np.testing.assert_allclose(ds.m.values, ds.m_theory.values, atol=0.05)
    assert bool(ds.cascade_is_fixed_point.all())


def test_threshold_experiment_sees_the_cascade_break_at_d_c():
    from hebbian.experiments.kinds.multitasking_threshold import crossing_dilution
    from hebbian.theory import cascade_misaligned_fraction

    assert crossing_dilution(np.array([0.5, 0.6, 0.7]), np.array([0.0, 0.0, 0.04]), 0.02) == (
        pytest.approx(0.65)
    )
    assert np.isnan(crossing_dilution(np.array([0.5, 0.6]), np.zeros(2), 0.01))
    # K = 3: the sites whose two later patterns oppose pattern 1, ((1 - d)/2)^2, above d_c
    assert float(cascade_misaligned_fraction(3, 0.61)) == 0.0
    assert float(cascade_misaligned_fraction(3, 0.7)) == pytest.approx(0.0225)
    ds = run_experiment(
        "agliari2012_multitasking_threshold",
        quick=True,
        overrides=[("n_neurons", [2000, 8000]), ("dilution", [0.5, 0.55, 0.7, 0.75])],
    )
    big = ds.misaligned.sel(n_neurons=8000).values
    assert np.all(big[:2] == 0)  # below d_c the cascade is a fixed point: no site flips
    # above it the theory's fraction, within a few N^(-1/2) of the overlaps' noise
    np.testing.assert_allclose(big[2:], ds.misaligned_theory.values[2:], atol=0.006)


def test_phase_diagram_prediction_and_nearest_state():
    from hebbian.experiments.kinds.multitasking_phase_diagram import (
        STATE_LABELS,
        nearest_states,
        predicted_states,
    )
    from hebbian.theory import multitasking_phase_diagram

    # K = 2: pure (d = 0.2, T = 0.5), hierarchical (d = 0.2, T = 0.05), parallel
    # (d = 0.8, T = 0.1: inside T_p(0.8) = 0.040 < T < 0.2), paramagnet (T > 1 - d)
    diagram = multitasking_phase_diagram(2, [0.2, 0.8], [0.05, 0.1, 0.5, 0.9])
    predicted = predicted_states(diagram)
    names = [[STATE_LABELS[i] for i in row] for row in predicted]
    assert names[0][0] == "hierarchical" and names[0][2] == "pure"
    assert names[1][1] == "parallel" and names[1][3] == "paramagnet"
    # measured overlaps next to the parallel state are called parallel, ranked ones too
    measured = np.full((2, 4, 2), 0.3)
    measured[1, 1] = [0.17, 0.16]
    measured[0, 2] = [0.55, 0.01]
    reached = nearest_states(diagram, measured)
    assert STATE_LABELS[reached[1, 1]] == "parallel" and STATE_LABELS[reached[0, 2]] == "pure"
    measured[0, 0] = np.nan
    assert nearest_states(diagram, measured)[0, 0] == -1


def test_phase_diagram_experiment_finds_the_parallel_window_and_the_cascade():
    ds = run_experiment(
        "agliari2013_multitasking_phase_diagram",
        quick=True,
        overrides=[
            ("n_neurons", 4000),
            ("n_patterns", [2]),
            ("dilution", [0.2, 0.8]),
            ("temperature", [0.03, 0.12, 0.5]),
            ("n_sweeps", 100),
        ],
    )
    from hebbian.experiments.kinds.multitasking_phase_diagram import STATE_LABELS

    reached = ds.state_reached.sel(n_patterns=2).values
    # d = 0.2: hierarchical at T = 0.03 and 0.12, pure at T = 0.5; d = 0.8: parallel
    # inside the window T_p(0.8) = 0.040 < T < T_c = 0.2, paramagnet above T_c (at
    # T = 0.03 the hierarchical (0.196, 0.164) and parallel (0.18, 0.18) states lie
    # closer than the noise of N = 4000)
    assert [STATE_LABELS[i] for i in reached[0]] == ["hierarchical", "hierarchical", "pure"]
    assert [STATE_LABELS[i] for i in reached[1, 1:]] == ["parallel", "paramagnet"]


def test_learning_theory_curves_start_at_the_cascade_and_the_pure_erf():
    from scipy.special import erf

    from hebbian.experiments.kinds.multitasking_learning import learned_overlaps

    # rho -> 0 gives the archetype equations: the cascade (1 - d) d^(k-1) at low T
    m, stiffness = learned_overlaps(3, [1e-6, 0.05], 0.5, 0.01)
    np.testing.assert_allclose(m[0], [0.5, 0.25, 0.125], atol=1e-3)
    assert np.all(stiffness > 0)
    # d = 0: the pure state, m = erf(1 / sqrt(2 rho)) as T -> 0 (0.8427 at rho = 0.5)
    m, _ = learned_overlaps(3, [0.5, 1.0], 0.0, 0.005)
    np.testing.assert_allclose(m[:, 0], erf(1 / np.sqrt(2 * np.array([0.5, 1.0]))), atol=1e-3)
    np.testing.assert_allclose(m[:, 1:], 0.0, atol=1e-9)


def test_learning_experiment_follows_the_solved_overlaps():
    ds = run_experiment(
        "agliari2023_multitasking_learning",
        quick=True,
        overrides=[
            ("n_neurons", 50000),
            ("dilution", [0.0, 0.3]),
            ("rho", [0.1, 0.5, 1.0]),
            ("n_sweeps", 40),
        ],
    )
    # the unsupervised network learns the archetypes it never saw: d = 0 follows
    # erf(1 / sqrt(2 rho)), d = 0.3 the cascade at rho = 0.1 and the parallel state at
    # rho = 1; finite N = 50000 with K M = 153 examples: within 0.04
    stiff = ds.stiffness >= 0.1
    assert int(stiff.sum()) == 5  # d = 0.3, rho = 0.5 lies at the transition
    np.testing.assert_allclose(
        ds.m.where(stiff).values, ds.m_theory.where(stiff).values, atol=0.04
    )
    assert ds.attrs["rule"] == "unsupervised"


def test_dense_learning_follows_erf_and_reports_example_states():
    ds = run_experiment(
        "agliari2023_dense_learning",
        quick=True,
        overrides=[
            ("n_neurons", 8000),
            ("orders", [2, 3]),
            ("rho", [0.2, 0.5, 1.5]),
            ("temperature", [0.0]),
            ("n_sweeps", 30),
        ],
    )
    # T = 0: the archetype state has m = P(etabar xi > 0) - P(etabar xi < 0) for every p
    # (M = 51), within a few N^(-1/2) = 0.011 up to rho = 0.5 (beyond, at p = 2, the
    # crosstalk of the K M = 153 stored examples, of variance ~ K M w^2 / N with
    # w = 1/(M R), grows with rho at this small N)
    in_state = ds.example_fraction == 0
    gap = np.abs(ds.m - ds.m_theory).where(in_state).sel(rho=[0.2, 0.5])
    assert float(gap.max()) < 0.035
    assert bool(in_state.sel(p=2).all())
    # p = 3 at rho = 1.5: each example weighs rho^(p/2) M^(p/2-1) and the run ends on one
    # example (overlap 1), which the symmetric RS state does not describe
    assert float(ds.example_fraction.sel(p=3, rho=1.5, temperature=0.0)) == 1.0
    assert np.isnan(float(ds.m.sel(p=3, rho=1.5, temperature=0.0)))


def test_supervised_phase_diagram_retrieves_inside_the_rs_line():
    ds = run_experiment(
        "alemanno2023_supervised_phase_diagram",
        quick=True,
        overrides=[
            ("n_neurons", 1000),
            ("alpha", [0.02, 0.3]),
            ("rho", [0.0, 0.1]),
            ("line_orders", [2]),
        ],
    )
    # the integer memories (example sums, entries in [-51, 51]) run on the engine; deep
    # inside the RS line the cued archetypes are kept with the RS overlap (within 0.02 at
    # N = 1000), far above it (alpha = 0.3, twice the finite-size capacity) none is
    assert float(ds.alpha_c.sel(rho=0.0)) == pytest.approx(0.1379, abs=1e-4)
    inside = ds.sel(alpha=0.02)
    np.testing.assert_allclose(inside.m.values, inside.m_theory.values, atol=0.02)
    assert np.all(inside.retrieved.values == 1.0)
    assert np.all(ds.retrieved.sel(alpha=0.3).values == 0.0)


def test_dense_capacity_uses_p_body_patterns_and_noisy_cues():
    from hebbian.experiments.registry import get_kind

    cfg = load_config("gardner1987_dense_capacity")
    kind = get_kind(cfg.kind)
    params = resolve_parameters(
        cfg, quick=True, overrides=[("n_neurons", [40, 60]), ("alpha", [0.06, 0.12])]
    )
    run = kind.point_simulation(
        params, {"n_neurons": 60, "alpha": 0.12, "sample": 0}, np.random.default_rng(0)
    )
    model = run["model"]
    # K = alpha N^(p-1) = 432 patterns, weights 1/(p-1)!, cues with 20% of bits flipped
    assert (model.p, model.n_memories) == (3, 432)
    np.testing.assert_allclose(model.weights, 0.5)
    flipped = (run["initial"] != model.memories[:4]).mean(axis=1)
    np.testing.assert_allclose(flipped, 0.2)


def test_annealed_capacity_runs_the_schedule_before_the_quench():
    from hebbian.experiments.registry import get_kind

    cfg = load_config("gardner1987_dense_annealed_capacity")
    kind = get_kind(cfg.kind)
    params = resolve_parameters(cfg, quick=True, overrides=SMALL[cfg.name])
    run = kind.point_simulation(
        params, {"n_neurons": 20, "alpha": 0.04, "sample": 0}, np.random.default_rng(0)
    )
    # K = alpha N^3 = 320 patterns of order 4 with weights 1/3!, started at the
    # patterns, annealed from T0 = 0.045 in 2 stages of 2 sweeps, then quenched at T = 0
    assert (run["model"].p, run["model"].n_memories) == (4, 320)
    np.testing.assert_allclose(run["model"].weights, 1 / 6)
    np.testing.assert_array_equal(run["initial"], run["model"].memories[:4])
    assert run["anneal"] == ((0.045, 2), (0.0225, 2))
    assert run["temperature"] == 0.0


def test_annealing_in_a_point_is_the_schedule_then_the_measured_run():
    # a point run with an anneal schedule equals, draw for draw, the stages run by hand
    # with simulate and the quench started from their final spins
    from hebbian.experiments.registry import get_kind
    from hebbian.montecarlo.engine import simulate

    cfg = load_config("gardner1987_dense_annealed_capacity")
    kind = get_kind(cfg.kind)
    params = resolve_parameters(cfg, quick=True, overrides=SMALL[cfg.name])
    point = {"n_neurons": 16, "alpha": 0.04, "sample": 1}
    result = kind.run_point(params, point, np.random.default_rng(5))
    rng = np.random.default_rng(5)
    run = kind.point_simulation(params, point, rng)
    spins = run["initial"]
    for T, sweeps in run["anneal"]:
        stage = simulate(
            run["model"],
            temperature=T,
            initial=spins,
            seed=rng,
            n_sweeps=sweeps,
            n_chains=4,
            site_order="shared",
            device="cpu",
        )
        spins = stage.spins.values
    final = simulate(
        run["model"],
        temperature=0.0,
        initial=spins,
        seed=rng,
        n_sweeps=params["n_sweeps"],
        n_chains=4,
        measure_every=params["n_sweeps"],
        site_order="shared",
        device="cpu",
    )
    m = final.m.isel(time=-1).values
    np.testing.assert_array_equal(result["m"], m[np.arange(4), np.arange(4)])


def test_digits_split_the_images_of_each_digit_without_overlap():
    from hebbian.data import binary_digits

    spins, labels, _ = binary_digits()
    cfg = load_config("agliari2023_dense_digits")
    kind = get_kind(cfg.kind)
    params = resolve_parameters(cfg, quick=True, overrides=SMALL[cfg.name])
    run = kind.point_simulation(
        params, {"p": 3, "n_examples": 3, "sample": 0}, np.random.default_rng(1)
    )
    archetypes, agreement, votes, cues = run["context"]
    model = run["model"]
    # 10 digits x M = 3 examples of 61 pixels, weights 1/((p-1)! M); chains: 10 votes,
    # then 10 x 3 test images
    assert (model.n_memories, model.n_neurons, model.p) == (30, 61, 3)
    np.testing.assert_allclose(model.weights, 1 / 6)
    assert run["initial"].shape == (10 + 30, 61) and run["n_chains"] == 40
    for digit in range(10):
        own = {row.tobytes() for row in spins[labels == digit]}
        examples = model.memories[3 * digit : 3 * digit + 3]
        tests = cues[3 * digit : 3 * digit + 3]
        assert all(x.tobytes() in own for x in (*examples, *tests))
        np.testing.assert_array_equal(votes[digit], np.sign(examples.astype(int).sum(0)))
    # the votes of 3 examples never tie; the chains start at them
    np.testing.assert_array_equal(run["initial"][:10], votes)
    assert agreement.shape == (10, 61) and np.all((agreement >= 0) & (agreement <= 1))
    # a digit's archetype agrees with most of its images on most pixels
    assert np.all(agreement.mean(axis=1) > 0.7)


def test_rule_names_are_checked_in_the_configuration():
    cfg = load_config("tolmachev2020_rules_fixed_points")
    with pytest.raises(ConfigError, match="has 'oja'; the names are hebb, storkey"):
        resolve_parameters(cfg, quick=True, overrides=[("rules", ["hebb", "oja"])])
    with pytest.raises(ConfigError, match="must not repeat a name"):
        resolve_parameters(cfg, quick=True, overrides=[("rules", ["hebb", "hebb"])])
    with pytest.raises(ConfigError, match="non-empty list of names"):
        resolve_parameters(cfg, quick=True, overrides=[("rules", "hebb")])


def test_rules_fixed_points_follow_the_rules_capacities():
    # N = 60: the projection rule stores every pattern below alpha = 1 and none at
    # alpha = 1 without its diagonal (J = identity minus the diagonal = 0); Hebb keeps
    # every pattern at K = 2 (signal N - 1 against crosstalk N - 1 over sqrt(N - 1)
    # standard deviations: P(fixed) = Phi(sqrt(59))^60 = 1 - 1e-13) and none at K = 60
    ds = run_experiment(
        "tolmachev2020_rules_fixed_points",
        quick=True,
        overrides=[
            ("n_neurons", 60),
            ("rules", ["hebb", "pseudo-inverse", "krauth-mezard"]),
            ("alpha", [2 / 60, 0.5, 1.0]),
            ("n_samples", 2),
            ("max_sweeps", 200),
        ],
    )
    fixed = ds.fixed
    np.testing.assert_array_equal(fixed.sel(rule="pseudo-inverse").values, [1.0, 1.0, 0.0])
    assert float(fixed.sel(rule="hebb", alpha=2 / 60)) == 1.0
    assert float(fixed.sel(rule="hebb", alpha=1.0)) == 0.0
    # MinOver stores alpha <= 1 (below Gardner's 2) within 200 sweeps
    assert np.all(fixed.sel(rule="krauth-mezard").values == 1.0)


def test_rise_load_finds_where_the_fixed_points_come_back():
    from hebbian.experiments.kinds.self_coupling import _rise_load

    alphas = np.array([0.1, 0.5, 1.0, 2.0, 4.0, 8.0])
    # falls to 0.1 at alpha = 1, back through 1/2 between 2 (0.3) and 4 (0.7): at 3
    assert _rise_load(alphas, np.array([1.0, 0.4, 0.1, 0.3, 0.7, 0.9])) == pytest.approx(3.0)
    assert np.isnan(_rise_load(alphas, np.array([1.0, 0.4, 0.1, 0.1, 0.2, 0.3])))
    assert np.isnan(_rise_load(alphas, np.linspace(0.1, 0.9, 6)))  # no minimum inside


def test_supervised_dense_p3_runs_integer_memories_and_follows_rs_deep_inside():
    ds = run_experiment(
        "agliari2023_dense_supervised_phase_diagram",
        quick=True,
        overrides=[
            ("n_neurons", 150),
            ("alpha", [0.02, 0.3]),
            ("rho", [0.0, 0.1]),
            ("n_samples", 1),
            ("line_orders", [3]),
        ],
    )
    # p = 3, K = alpha N^2 = 450 archetypes, memories are example sums in [-51, 51]; deep
    # inside the RS line (alpha_c(0.1) = 0.100) the 4 cues end on the RS overlap within
    # a few N^(-1/2) = 0.08 / sqrt(4); far above it (alpha = 0.3) none is retrieved
    assert float(ds.alpha_c.sel(rho=0.0)) == pytest.approx(0.1261, abs=1e-4)
    inside = ds.sel(alpha=0.02)
    np.testing.assert_allclose(inside.m.values, inside.m_theory.values, atol=0.06)
    assert np.all(inside.retrieved.values == 1.0)
    assert np.all(ds.retrieved.sel(alpha=0.3).values == 0.0)


def test_integer_grids_come_from_whole_valued_tables():
    from hebbian.experiments.base import Param

    ints = Param("ints", "counts", minimum=1)
    assert ints.parse("k", {"start": 1, "stop": 9, "num": 5}, "[quick]") == [1, 3, 5, 7, 9]
    assert all(isinstance(v, int) for v in ints.parse("k", {"start": 1, "stop": 9, "num": 5}, "q"))
    with pytest.raises(ConfigError, match=r"\[quick\] k\[1\] must be an integer, got 1.5"):
        ints.parse("k", {"start": 1, "stop": 2, "num": 3}, "[quick]")


def test_margin_capacity_half_loads_follow_gardner_and_the_budget_falls_short():
    # The optimal couplings' half load at kappa = 0.5 lies within 0.04 of Gardner's
    # alpha_c(0.5) = 0.961 already at N = 60 (the quick run's N = 50 value is 0.953); the
    # Gardner perceptron with a budget of 20 sweeps cannot reach more neurons than the
    # optimum (its convergence needs a margin the optimum has).
    from hebbian.theory import gardner_capacity

    ds = run_experiment(
        "gardner1988_perceptron_margin_capacity",
        quick=True,
        overrides=[
            ("n_neurons", [60, 61]),
            ("kappa", [0.5]),
            ("alpha", [0.7, 0.8, 0.9, 0.95, 1.0, 1.05, 1.1, 1.2]),
            ("n_samples", 2),
            ("max_sweeps", 20),
            ("n_bootstrap", 5),
        ],
    )
    optimal = ds.half_load.sel(rule="adatron", kappa=0.5)
    assert np.all(np.abs(optimal - float(gardner_capacity(0.5))) < 0.04)
    assert np.all(ds.fraction.sel(rule="gardner") <= ds.fraction.sel(rule="adatron") + 1e-12)
