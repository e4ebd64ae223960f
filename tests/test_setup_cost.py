"""Set-up cost of a run: the random streams, exact sums and temporaries of the set-up.

Nothing here depends on time. The pins below were computed with the implementation
before the set-up was sped up (``rng.random(shape)`` turned into patterns with
``numpy.where``), so any change of the arrays drawn, or of the state a generator is
left in, fails them.
"""

from __future__ import annotations

import hashlib
import tracemalloc

import numpy as np
import pytest

import hebbian.models as models_module
import hebbian.montecarlo.arrays as arrays_module
import hebbian.patterns as patterns
from hebbian.models import CouplingModel, HebbianModel, padded_memory_count
from hebbian.montecarlo import memory
from hebbian.montecarlo.arrays import initial_sums, prepare, sums_dtype
from hebbian.montecarlo.memory import available_memory_bytes, check_memory, estimate_run_bytes
from hebbian.patterns import cue, diluted_patterns, noisy_examples, random_patterns

# (function, keyword arguments, generator kind, seed, shape, SHA-256 of the bytes,
#  (next uint32, next double as float.hex) drawn from the generator afterwards)
PINS = [
    (
        "random_patterns",
        {"n_patterns": 3, "n_neurons": 7},
        "int",
        0,
        (3, 7),
        "dc9ae68353365a04ffb14663f00f7985950035c4e309a6bf8a6c0f2f2d3fc1d8",
        None,
    ),
    (
        "random_patterns",
        {"n_patterns": 40, "n_neurons": 1001, "bias": 0.3},
        "pcg",
        1,
        (40, 1001),
        "94e08e668669bfae765b9882d1023862de273c082535567ebdd1ddb9bf2b4301",
        (2502676785, "0x1.506f6fde2df6fp-1"),
    ),
    (
        "random_patterns",
        {"n_patterns": 64, "n_neurons": 3000},
        "pcg_odd",
        2,
        (64, 3000),
        "949c9d8d59f54fe4fbd21754ee7bb6a0aa6cc124497081aed7e5babac05e2324",
        (1123615560, "0x1.65c70e4514c5ep-2"),
    ),
    (
        "random_patterns",
        {"n_patterns": 37, "n_neurons": 2049, "bias": -0.45},
        "dxsm",
        3,
        (37, 2049),
        "c85d13edde804c6247246ac4b1c1cc3d572029987ec79311a1819141aa1bdf62",
        (3470806052, "0x1.b09a81a26a000p-4"),
    ),
    (
        "random_patterns",
        {"n_patterns": 33, "n_neurons": 999},
        "mt",
        4,
        (33, 999),
        "638d3d8835668c7915252f1bee3cedac4627bf6380af8d59ef80e0ea44fdde2a",
        (415842935, "0x1.633e331376c80p-8"),
    ),
    (
        "random_patterns",
        {"n_patterns": 20, "n_neurons": 500},
        "philox",
        5,
        (20, 500),
        "44b1da4809467f1a3ffcadca85e8dfb00a63e87cd53a31ac659db8b636e71221",
        (2887313457, "0x1.6c97a56b1d908p-4"),
    ),
    (
        "diluted_patterns",
        {"n_patterns": 5, "n_neurons": 11, "dilution": 0.0},
        "int",
        6,
        (5, 11),
        "1de6a6738183a253cf3afc3397408b9b13eea610beccef7b89ba166568b854f2",
        None,
    ),
    (
        "diluted_patterns",
        {"n_patterns": 40, "n_neurons": 1501, "dilution": 0.3},
        "pcg_odd",
        7,
        (40, 1501),
        "cb546dd1043bebb775755981c93d93486c5a4c1d8871d3162ae295b0cbeb6cbc",
        (2684764585, "0x1.fe8be645a4082p-2"),
    ),
    (
        "diluted_patterns",
        {"n_patterns": 50, "n_neurons": 2000, "dilution": 0.9},
        "pcg",
        8,
        (50, 2000),
        "61931d6f6555def27c1c666b121796460e88f95ccff8befa6aa6447e4a9ad92c",
        (72278857, "0x1.6bb722fcf5400p-9"),
    ),
    (
        "diluted_patterns",
        {"n_patterns": 21, "n_neurons": 777, "dilution": 0.5},
        "mt",
        9,
        (21, 777),
        "3a3af70dfa5986a14ff4da41203313cf1d44aa26d6671f0b3b226ab186dfc4d6",
        (2380589487, "0x1.5ddc9a787386ep-2"),
    ),
    (
        "noisy_examples",
        {"quality": 0.6, "n_examples": 3},
        "pcg",
        10,
        (6, 3, 1000),
        "0a9e00adacc42bb12c197c10a5a70dd9e678a8cd5c8285ec99eec714a90004e4",
        (3179269620, "0x1.6b8494ad64f1fp-1"),
    ),
    (
        "noisy_examples",
        {"quality": 1.0, "n_examples": 5},
        "pcg_odd",
        11,
        (4, 5, 333),
        "34eeaa708650cd7a436ed769310bfb5c7abf287284fd37b6f37075e8cb854565",
        (552204816, "0x1.f8ec1562a5207p-1"),
    ),
    (
        "noisy_examples",
        {"quality": 0.0, "n_examples": 2},
        "int",
        12,
        (3, 2, 50),
        "b3d3874ed93537dc8bf8ec274470d18fc587ebca4d061f35770aea5e68570ea2",
        None,
    ),
    (
        "cue",
        {"noise": 0.1, "n_cues": 3},
        "pcg",
        13,
        (3, 1000),
        "cb3d9c8b56f995d3756d028dba7938d2df1fac290bb7635843a89750926468f9",
        (1999429298, "0x1.8cd8b58ba1285p-1"),
    ),
    (
        "cue",
        {"noise": 0.25, "n_cues": 4},
        "pcg_odd",
        14,
        (4, 2001),
        "776bbd6e2ad13c6171f59460bd1ae825e59dbd5217af762c1d9d8213bcf489ff",
        (257564461, "0x1.6949c668ad55ep-2"),
    ),
    (
        "cue",
        {"noise": 0.05, "n_cues": 2},
        "pcg",
        15,
        (2, 30000),
        "92ccf30a29c248362da00c50343973a158b20773992b512407542458c9df1fe1",
        (2514759574, "0x1.724105f5f12f1p-1"),
    ),
    (
        "random_patterns",
        {"n_patterns": 300, "n_neurons": 15001},
        "pcg_odd",
        16,
        (300, 15001),
        "05faa6a5a7de6d63f2b033196a4f69f5e7ed18ce88b80a896c7d0284c6f08c1c",
        (2434889282, "0x1.6cd49b313c880p-6"),
    ),
    (
        "diluted_patterns",
        {"n_patterns": 256, "n_neurons": 17000, "dilution": 0.25},
        "dxsm",
        17,
        (256, 17000),
        "d727250ec8deeed83c5880bcfd4dd583acd0650c2038fac41aba0df04e447824",
        (1635542452, "0x1.7bdb67f0cfedbp-1"),
    ),
]


def _generator(kind: str, seed: int):
    if kind == "int":
        return seed
    if kind == "pcg":
        return np.random.default_rng(seed)
    if kind == "pcg_odd":  # holds the buffered half of a 64-bit draw
        g = np.random.default_rng(seed)
        g.integers(0, 2**32, dtype=np.uint32)
        return g
    if kind == "dxsm":
        return np.random.Generator(np.random.PCG64DXSM(seed))
    if kind == "mt":
        return np.random.Generator(np.random.MT19937(seed))
    return np.random.Generator(np.random.Philox(seed))


def _draw(fn: str, kw: dict, seed_or_rng, seed: int) -> np.ndarray:
    kw = dict(kw)
    r = np.random.default_rng(100 + seed)  # the inputs of noisy_examples and cue
    if fn == "noisy_examples":
        shape = {10: (6, 1000), 11: (4, 333), 12: (3, 50)}[seed]
        archetypes = np.where(r.random(shape) < 0.5, 1, -1).astype(np.int8)
        return noisy_examples(archetypes, seed=seed_or_rng, **kw)
    if fn == "cue":
        N, d = {13: (1000, 0.0), 14: (2001, 0.4), 15: (30000, 0.0)}[seed]
        memory = np.where(r.random(N) < 0.5, 1, -1).astype(np.int8)
        memory[r.random(N) < d] = 0
        return cue(memory, seed=seed_or_rng, **kw)
    return getattr(patterns, fn)(seed=seed_or_rng, **kw)


def _next_draws(g):
    if not isinstance(g, np.random.Generator):
        return None
    return (int(g.integers(0, 2**32, dtype=np.uint32)), float(g.random()).hex())


@pytest.mark.parametrize("split", ["as-is", "small-slices"])
@pytest.mark.parametrize("pin", PINS, ids=[f"{p[0]}-{p[3]}" for p in PINS])
def test_random_streams_are_pinned(pin, split, monkeypatch):
    fn, kw, kind, seed, shape, digest, after = pin
    if split == "small-slices":  # every size goes through the threads' split draws
        monkeypatch.setattr(patterns, "DRAW_SLICE", 100)
        monkeypatch.setattr(patterns, "workers", lambda: 3)
    g = _generator(kind, seed)
    arr = _draw(fn, kw, g, seed)
    assert arr.shape == shape
    assert arr.dtype == np.int8
    assert hashlib.sha256(np.ascontiguousarray(arr).tobytes()).hexdigest() == digest
    assert _next_draws(g) == after


@pytest.mark.parametrize("bitgen", [np.random.PCG64, np.random.PCG64DXSM])
@pytest.mark.parametrize("threads", [2, 3, 5])
def test_split_draws_equal_one_draw(bitgen, threads, monkeypatch):
    # the threads' share of the draws, against NumPy's own single call
    calls = []
    run_in_threads = patterns.in_threads
    monkeypatch.setattr(patterns, "DRAW_SLICE", 64)
    monkeypatch.setattr(patterns, "workers", lambda: threads)
    monkeypatch.setattr(
        patterns,
        "in_threads",
        lambda task, ranges: calls.append(len(ranges)) or run_in_threads(task, ranges),
    )
    for seed, (K, N), bias in [(0, (7, 1000), 0.0), (1, (31, 333), 0.2), (2, (64, 64), -0.7)]:
        g, ref = np.random.Generator(bitgen(seed)), np.random.Generator(bitgen(seed))
        g.random(seed)  # any state
        ref.random(seed)
        got = random_patterns(K, N, bias=bias, seed=g)
        want = np.where(ref.random((K, N)) < 0.5 * (1.0 + bias), 1, -1).astype(np.int8)
        np.testing.assert_array_equal(got, want)
        assert g.bit_generator.state == ref.bit_generator.state
    assert calls and min(calls) >= 2  # the draws were split


def _reference_sums(memories: np.ndarray, spins: np.ndarray) -> np.ndarray:
    K, N = memories.shape
    plain = spins.astype(np.int64) @ memories.T.astype(np.int64)
    return np.pad(plain, ((0, 0), (0, padded_memory_count(K) - K)))


CASES = [  # K, N, C, dilution
    (1, 2, 1, 0.0),
    (3, 50, 2, 0.3),
    (16, 100, 1, 0.0),
    (17, 333, 3, 0.5),
    (65, 1000, 2, 0.0),
    (130, 2000, 4, 0.2),
    (5, 40000, 2, 0.1),  # N > 32767: int32 sums
    (600, 3001, 1, 0.9),
]


@pytest.mark.parametrize("threads", [1, 3])
@pytest.mark.parametrize(("K", "N", "C", "d"), CASES)
def test_initial_sums_are_exact(K, N, C, d, threads, monkeypatch):
    if threads > 1:
        for module in (arrays_module, models_module):
            monkeypatch.setattr(module, "PARALLEL_ENTRIES", 0)
            monkeypatch.setattr(module, "workers", lambda: threads)
    rng = np.random.default_rng(K * N + C)
    xi = diluted_patterns(K, N, dilution=d, seed=rng) if d else random_patterns(K, N, seed=rng)
    model = HebbianModel(xi)
    spins = np.where(rng.random((C, N)) < 0.5, 1, -1).astype(np.int8)
    arrays = prepare(model)
    sums = initial_sums(arrays, spins)
    assert sums.dtype == sums_dtype(N)
    np.testing.assert_array_equal(sums, _reference_sums(xi, spins))
    np.testing.assert_array_equal(initial_sums(arrays, spins.astype(np.int64)), sums)
    # the model's block and counts, against their definitions
    k_pad = padded_memory_count(K)
    assert model.site_major.shape == (N, k_pad) and model.site_major.flags.c_contiguous
    np.testing.assert_array_equal(model.site_major[:, :K], xi.T)
    assert not model.site_major[:, K:].any()
    np.testing.assert_array_equal(model.nonzero_counts, np.count_nonzero(xi, axis=1))
    np.testing.assert_array_equal(arrays.diag, np.count_nonzero(xi, axis=0))
    assert arrays.diag.dtype == np.int64 and model.nonzero_counts.dtype == np.int64
    assert model.describe()["diluted"] == int(bool((xi == 0).any()))


def test_memories_of_any_kind_are_stored_alike():
    xi = diluted_patterns(70, 600, dilution=0.3, seed=4)
    want = HebbianModel(xi)
    for other in (
        xi.astype(np.int64),
        xi.astype(np.float32),
        np.asfortranarray(xi),
        want.memories,
    ):
        model = HebbianModel(other)
        np.testing.assert_array_equal(model.site_major, want.site_major)
        np.testing.assert_array_equal(model.site_counts, want.site_counts)
        np.testing.assert_array_equal(model.nonzero_counts, want.nonzero_counts)
    binary = HebbianModel(np.array([[True, True, True]]))
    np.testing.assert_array_equal(binary.memories, [[1, 1, 1]])


@pytest.mark.parametrize("bad", [2, -2, 0.5, np.nan, np.inf, 127])
def test_memories_outside_ternary_are_rejected(bad):
    dtype = np.int8 if isinstance(bad, int) else np.float64
    xi = np.ones((3, 40), dtype=dtype)
    xi[2, 17] = bad
    with pytest.raises(ValueError, match=r"entries must be in \{-1, 0, \+1\}"):
        HebbianModel(xi, p=7)  # integers beyond +-1 are memories at p = 2 to 6 only
    with pytest.raises(ValueError, match="must be in"):
        noisy_examples(xi, quality=0.5, n_examples=1, seed=0)
    with pytest.raises(ValueError, match="must be in"):
        cue(xi[2], noise=0.1, seed=0)
    with pytest.raises(ValueError, match="memories must be"):
        CouplingModel(np.zeros((40, 40)), memories=xi)


@pytest.mark.parametrize("dilution", [0.0, 0.3])
def test_setup_makes_no_wide_temporaries(dilution, monkeypatch):
    """Peak traced allocation of patterns + model + cues + exact sums.

    Bound 3 K N bytes: the patterns (K N int8) and the model's site-major block
    (N K_pad int8, K_pad = 512 here: 1.02 K N) must coexist; everything else -- the draws'
    float64 slices (at most 0.6 byte per entry while only the patterns exist), the
    transposition tiles, the counts (8 N), the cues and the per-thread partial sums --
    is well below the remaining K N. One int64 (or float64) (K, N) temporary alone would
    be 8 K N, which is what the former ``rng.random((K, N))`` + ``numpy.where`` and the
    int64 products of ``initial_sums`` made.
    """
    for module in (patterns, models_module, arrays_module):
        monkeypatch.setattr(module, "workers", lambda: 2)  # threads' buffers as here
    K, N = 500, 20000
    warm = HebbianModel(random_patterns(2, 8, seed=0))  # compile the sums kernel first
    initial_sums(prepare(warm), np.ones((1, 8), dtype=np.int8))
    tracemalloc.start()
    try:
        rng = np.random.default_rng(3)
        if dilution:
            xi = diluted_patterns(K, N, dilution=dilution, seed=rng)
        else:
            xi = random_patterns(K, N, seed=rng)
        model = HebbianModel(xi)
        spins = cue(model.memories[0], noise=0.1, n_cues=2, seed=rng)
        sums = initial_sums(prepare(model), spins)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sums.shape == (2, padded_memory_count(K))
    assert 2 * K * N < peak < 3 * K * N, peak / (K * N)


def test_check_memory_names_estimate_and_machine():
    check_memory(10**9, available=2 * 10**9)
    check_memory(10**9, available=10**9)
    with pytest.raises(ValueError) as err:
        check_memory(185_000_000_000, available=23_100_000_000)
    assert str(err.value) == (
        "this run needs about 185.0 GB of memory, the machine has 23.1 GB available; "
        "lower --neurons, --alpha or --chains"
    )
    assert "\n" not in str(err.value)
    with pytest.raises(ValueError, match="available; use fewer models$"):
        check_memory(3 * 10**9, available=10**9, hint="use fewer models")


def test_check_memory_without_a_known_machine_checks_nothing(monkeypatch):
    monkeypatch.setattr(memory, "available_memory_bytes", lambda: None)
    check_memory(10**15)
    monkeypatch.setattr(memory, "available_memory_bytes", lambda: 10**9)
    with pytest.raises(ValueError, match="the machine has 1.0 GB available"):
        check_memory(10**15)


def test_available_memory_reads_meminfo_and_cgroup(tmp_path):
    available = available_memory_bytes()
    assert available is None or available > 0
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       24684136 kB\nMemAvailable:   22557932 kB\n")
    assert memory._meminfo_available(meminfo) == 22557932 * 1024
    meminfo.write_text("MemTotal:       24684136 kB\n")
    assert memory._meminfo_available(meminfo) is None
    assert memory._meminfo_available(tmp_path / "missing") is None
    self_cgroup = tmp_path / "cgroup"
    self_cgroup.write_text("0::/job/step\n")
    group = tmp_path / "fs" / "job" / "step"
    group.mkdir(parents=True)
    (group / "memory.max").write_text("8000000000\n")
    (group / "memory.current").write_text("3000000000\n")
    assert memory._cgroup_room(self_cgroup, tmp_path / "fs") == 5_000_000_000
    (group / "memory.max").write_text("max\n")
    assert memory._cgroup_room(self_cgroup, tmp_path / "fs") is None
    assert memory._cgroup_room(tmp_path / "missing", tmp_path / "fs") is None


def test_estimate_grows_with_every_size():
    base = dict(n_neurons=100_000, n_memories=100, n_chains=2, n_sweeps=10)
    b0 = estimate_run_bytes(**base)
    for key, value in [
        ("n_neurons", 200_000),
        ("n_memories", 200),
        ("n_chains", 4),
        ("n_sweeps", 10_000),
    ]:
        assert estimate_run_bytes(**{**base, key: value}) > b0, key
    assert estimate_run_bytes(**base, temperature=1.0) > b0
    assert estimate_run_bytes(**base, backend="blocked") > b0
    # the run of the report: N = 1e9 at alpha = 1e-9 (K = 1) needs tens of GB
    huge = estimate_run_bytes(n_neurons=10**9, n_memories=1, n_chains=1)
    assert 30e9 < huge < 60e9
    with pytest.raises(ValueError, match=r"^this run needs about \d+\.\d GB of memory"):
        check_memory(huge, available=23_100_000_000)
    with pytest.raises(ValueError, match="n_chains must be >= 1"):
        estimate_run_bytes(n_neurons=10, n_memories=1, n_chains=0)


@pytest.mark.parametrize(("T", "C", "order"), [(0.0, 1, "random"), (0.5, 3, "shared")])
def test_estimate_bounds_the_traced_peak_of_a_run(T, C, order):
    """The estimate without the libraries' allowance against tracemalloc's peak.

    ``tracemalloc`` sees every NumPy array (not the libraries, hence the allowance is
    left out); the estimate must not be below the peak, nor more than 1.5 times it.
    """
    from hebbian.montecarlo.engine import simulate

    def run(N, K, n_sweeps, seed):
        rng = np.random.default_rng(seed)
        model = HebbianModel(random_patterns(K, N, seed=rng))
        initial = cue(model.memories[0], noise=0.1, n_cues=C, seed=rng)
        simulate(
            model,
            temperature=T,
            initial=initial,
            seed=rng,
            n_sweeps=n_sweeps,
            n_chains=C,
            site_order=order,
        )

    run(300, 20, 2, 0)  # compile or load the kernels, import xarray
    N, K, n_sweeps = 60_000, 300, 4
    tracemalloc.start()
    try:
        run(N, K, n_sweeps, 1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    estimate = estimate_run_bytes(
        n_neurons=N,
        n_memories=K,
        n_chains=C,
        n_sweeps=n_sweeps,
        temperature=T,
        site_order=order,
    )
    assert peak <= estimate - memory.LIBRARY_BYTES <= 1.5 * peak
