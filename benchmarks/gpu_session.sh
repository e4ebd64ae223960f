#!/usr/bin/env bash
# The one prepared command for a lent GPU machine (issue #5): it checks the GPU engine
# against the CPU engine and times it, writing everything under $OUT.
#
#   run: bash benchmarks/gpu_session.sh
#
# The machine's image has CuPy, Numba, NumPy, xarray, SciPy, click and pytest and no
# network: the project runs from the working tree (PYTHONPATH), nothing is installed.
set -uo pipefail
OUT=${OUT:-/tmp/hebbian-gpu-out}
mkdir -p "$OUT"
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1 NUMBA_CACHE_DIR=/tmp/numba-cache
PY=${PY:-python3}
{
  date -u
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
  $PY -c "import cupy, numba, numpy; print('cupy', cupy.__version__, 'numba', numba.__version__, 'numpy', numpy.__version__)"
} 2>&1 | tee "$OUT/machine.txt"
# 1. parity: every gpu-marked test, then the CUDA source compiled for the host
$PY -m pytest -p no:cacheprovider -q -rs -m gpu tests/test_gpu_engine.py tests/test_cli.py 2>&1 | tee "$OUT/gpu_tests.log"
$PY -m pytest -p no:cacheprovider -q tests/test_cuda_source.py 2>&1 | tail -3 | tee -a "$OUT/gpu_tests.log"
# 2. the benchmark of the issue: N = 16384, alpha = 0.1, heat bath, 1024 and 4096 chains
timeout 360 $PY benchmarks/gpu.py --json "$OUT/gpu_bench.json" 2>&1 | tee "$OUT/gpu_bench.log"
