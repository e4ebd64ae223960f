"""The CUDA source of the fused pass, compiled for the host, gives the CPU chains.

CI has no GPU, but the kernel is plain C with CUDA qualifiers: compiled with the host's
C++ compiler (the qualifiers defined away, one chain per call of the kernel body) and
dropped into :func:`hebbian.montecarlo.blocked.fused_block_step` in place of the CUDA launch,
it must give the Numba engine's spins, sums and flips exactly. This checks the
kernel's indexing, flip list, self-interaction and update rule, and the glue around it;
what it cannot check (CUDA's ``exp``, the launch, cuBLAS) is left to the ``gpu`` tests.
"""

import ctypes
import functools
import shutil
import subprocess

import numpy as np
import pytest
from _cases import hebbian_case

from hebbian.gpu.cuda_source import BLOCK_PASS_P2
from hebbian.montecarlo import blocked, numba_kernels
from hebbian.montecarlo.arrays import initial_sums, prepare
from hebbian.montecarlo.draws import draw_sweep, random_spins
from hebbian.montecarlo.dynamics import HEAT_BATH, METROPOLIS, ZERO_TEMPERATURE

COMPILER = shutil.which("c++") or shutil.which("g++")
pytestmark = pytest.mark.skipif(COMPILER is None, reason="no C++ compiler on this machine")

HARNESS = (
    r"""
#include <math.h>
#define __global__
#define __device__
#define __forceinline__ inline
struct Index { int x; };
static Index blockIdx, threadIdx, blockDim;
"""
    + BLOCK_PASS_P2
    + r"""
extern "C" void run_on_host(
    int n_threads, const double* num, const double* G, const double* diag, const int* sites,
    signed char* spins_t, const double* uniforms, double* d_out, long long* flips,
    const double* beta, const double* w, int t0, int N, int b, int C, int D, double norm,
    int dynamics, int has_u)
{
    blockDim.x = 1;
    threadIdx.x = 0;
    for (int t = 0; t < n_threads; ++t) {
        blockIdx.x = t;
        hebbian_block_pass_p2(num, G, diag, sites, spins_t, uniforms, d_out, flips, beta, w,
                              t0, N, b, C, D, norm, dynamics, has_u);
    }
}
"""
)

ARRAY_TYPES = (np.float64, np.float64, np.float64, np.int32, np.int8) + (np.float64,) * 2
ARRAY_TYPES += (np.int64, np.float64, np.float64)


@pytest.fixture(scope="module")
def host_kernel(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cuda_source")
    (folder / "harness.cpp").write_text(HARNESS)
    library = folder / "harness.so"
    subprocess.run(
        [COMPILER, "-O2", "-shared", "-fPIC", "-ffp-contract=off", "-o", str(library)]
        + [str(folder / "harness.cpp")],
        check=True,
        capture_output=True,
    )
    lib = ctypes.CDLL(str(library))
    lib.run_on_host.restype = None
    lib.run_on_host.argtypes = [ctypes.c_int] + [ctypes.c_void_p] * 10 + [ctypes.c_int] * 5
    lib.run_on_host.argtypes += [ctypes.c_double] + [ctypes.c_int] * 2

    def block_pass(n_threads, args):
        arrays, scalars = args[:10], args[10:]
        for a, dtype in zip(arrays, ARRAY_TYPES):
            # the CUDA launch passes raw pointers: the glue must hand over C-contiguous
            # arrays of exactly the kernel's types
            assert a.dtype == dtype and a.flags.c_contiguous
        lib.run_on_host(n_threads, *(a.ctypes.data for a in arrays), *(s.item() for s in scalars))

    return block_pass


def accumulate(M, rows, d):
    M += rows.transpose(0, 2, 1) @ d


CASES = {
    "p2": (hebbian_case(2, 37, 5), 5),
    "p2-diluted": (hebbian_case(2, 41, 7, dilution=0.4), 5),
    "p2-three-blocks": (hebbian_case(2, 150, 12), 5),
    "p2-many-chains": (hebbian_case(2, 1000, 50, seed=4), 70),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize(
    ("dynamics", "beta"), [(HEAT_BATH, 1.7), (METROPOLIS, 0.9), (ZERO_TEMPERATURE, np.inf)]
)
@pytest.mark.parametrize("block_size", [7, 64, 256])
def test_fused_pass_gives_the_cpu_chains(host_kernel, case, dynamics, beta, block_size):
    model, C = CASES[case]
    arrays, barrays = prepare(model), blocked.prepare_hebbian(model, block_size=block_size)
    step = functools.partial(
        blocked.fused_block_step, block_pass=host_kernel, accumulate=accumulate
    )
    rng = np.random.default_rng(block_size + dynamics)
    N = model.n_neurons
    s1 = random_spins(rng, C, N)
    s2 = s1.copy()
    m1 = initial_sums(arrays, s1)
    m2 = m1.copy()
    flips = 0
    for _ in range(4):
        d = draw_sweep(
            rng,
            n_chains=C,
            n_neurons=N,
            site_order="shared",
            needs_uniforms=dynamics != ZERO_TEMPERATURE,
        )
        f1 = numba_kernels.hebbian_sweep(s1, m1, arrays, beta, dynamics, d.order, d.uniforms)
        f2 = blocked.hebbian_sweep(
            s2, m2, barrays, beta, dynamics, d.order, d.uniforms, block_step=step
        )
        assert np.array_equal(s1, s2) and np.array_equal(m1, m2) and np.array_equal(f1, f2)
        flips += int(f1.sum())
    assert flips > 0


@pytest.mark.parametrize(
    ("dynamics", "betas"), [(HEAT_BATH, [0.6, 1.7, 3.0]), (ZERO_TEMPERATURE, [np.inf] * 3)]
)
def test_fused_pass_runs_a_batch_of_members(host_kernel, dynamics, betas):
    # three members with their own memories (K = 5, 12, 9: padded), orders, uniforms
    # and temperatures: each gives the chains it gives alone
    models = [hebbian_case(2, 150, k, seed=k) for k in (5, 12, 9)]
    barrays = blocked.prepare_hebbian(models, block_size=32)
    step = functools.partial(
        blocked.fused_block_step, block_pass=host_kernel, accumulate=accumulate
    )
    rng = np.random.default_rng(8)
    C, N, width = 6, 150, max(prepare(m).xi_t.shape[1] for m in models)
    alone = [random_spins(rng, C, N) for _ in models]
    sums_alone = [initial_sums(prepare(m), s) for m, s in zip(models, alone)]
    spins = np.stack(alone)
    sums = np.zeros((3, C, width), dtype=sums_alone[0].dtype)
    for i, s in enumerate(sums_alone):
        sums[i, :, : s.shape[1]] = s
    for _ in range(3):
        draws = [
            draw_sweep(
                rng,
                n_chains=C,
                n_neurons=N,
                site_order="shared",
                needs_uniforms=dynamics != ZERO_TEMPERATURE,
            )
            for _ in models
        ]
        order = np.broadcast_to(np.stack([d.order[0] for d in draws])[:, None], (3, C, N))
        uniforms = np.stack([d.uniforms for d in draws])
        flips = blocked.hebbian_sweep(
            spins, sums, barrays, np.array(betas), dynamics, order, uniforms, block_step=step
        )
        for i, (m, d) in enumerate(zip(models, draws)):
            f = numba_kernels.hebbian_sweep(
                alone[i], sums_alone[i], prepare(m), betas[i], dynamics, d.order, d.uniforms
            )
            assert np.array_equal(spins[i], alone[i]) and np.array_equal(flips[i], f)
            assert np.array_equal(sums[i, :, : sums_alone[i].shape[1]], sums_alone[i])
