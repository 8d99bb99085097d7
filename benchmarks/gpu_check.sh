#!/usr/bin/env bash
# The GPU check: on a machine with an NVIDIA GPU, install ember with its CUDA extra (CuPy) into a
# fresh virtual environment, then
#   1. run the device tests (tests/cuda: the op table's forwards and gradients, nn modules,
#      optimizers, a training loop, amp and the ember.cuda API) on the real GPU,
#   2. run the whole test suite with CuPy and the GPU present,
#   3. run the examples with --device cuda,
#   4. run the GPU benchmarks side by side with PyTorch CUDA (benchmarks/bench_gpu.py),
#   5. with 2+ GPUs, ember.distributed's NCCL path: a 2-process all_reduce of CUDA tensors (correctness, bus
#      bandwidth, and the host-staged path beside it), side by side with PyTorch's NCCL (benchmarks/bench_nccl.py).
# Everything it prints belongs in the note of the change that ran it.
#
#   bash benchmarks/gpu_check.sh
#
# Environment: GPU_CHECK_VENV (default .venv-gpu), CUPY_PACKAGE (default: cupy-cuda12x or
# cupy-cuda11x, from the driver's CUDA version), TORCH_PYTHON (a Python whose torch has CUDA; default:
# torch 2.13 is installed into the venv, unless GPU_CHECK_NO_TORCH=1), GPU_CHECK_SKIP_FULL=1 to skip
# step 2 (it takes a few minutes).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nvidia-smi >/dev/null || ! nvidia-smi >/dev/null 2>&1; then
  echo "gpu_check: no NVIDIA GPU here (nvidia-smi is missing or fails); nothing to check" >&2
  exit 2
fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
cuda_major=$(nvidia-smi | sed -n 's/.*CUDA Version: \([0-9]*\)\..*/\1/p' | head -1)
CUPY_PACKAGE=${CUPY_PACKAGE:-$([ "${cuda_major:-12}" -ge 12 ] && echo cupy-cuda12x || echo cupy-cuda11x)}

VENV=${GPU_CHECK_VENV:-.venv-gpu}
python3 -m venv "$VENV"
. "$VENV/bin/activate"
python -m pip install -q --upgrade pip
if [ "$CUPY_PACKAGE" = cupy-cuda12x ]; then
  python -m pip install -q -e ".[cuda,test]"
else  # the cuda extra names the CUDA 12 wheel; older drivers need CuPy's CUDA 11 build instead
  python -m pip install -q -e ".[test]" "$CUPY_PACKAGE"
fi
python - <<'EOF'
import ember
ember.cuda.init()  # raises the reason (no CuPy, no driver...) when CUDA cannot be used
p = ember.cuda.get_device_properties(0)
print(f"ember {ember.__version__}: {ember.cuda.device_count()} GPU(s), {p}")
EOF

# a failing step is reported and the later steps still run: the whole output is the record
failed=()
step() { local name=$1; shift; "$@" || failed+=("$name"); }

echo "== 1. device tests on the GPU"
step device-tests env EMBER_TEST_REAL_CUDA=1 python -m pytest -q -p no:cacheprovider tests/cuda

if [ "${GPU_CHECK_SKIP_FULL:-0}" != 1 ]; then
  echo "== 2. the whole suite with CuPy and a GPU present"
  step full-suite python -m pytest -q -p no:cacheprovider
fi

echo "== 3. examples on the GPU"
work=$(mktemp -d)
step mnist-example python examples/mnist.py --device cuda --dataset digits --epochs 3 --out "$work/mnist"
step cifar-example python examples/cifar_cnn.py --device cuda --epochs 1 --fake-size 2000 --batch-size 32 \
  --root "$work/cifar"

echo "== 4. GPU benchmarks, side by side with PyTorch CUDA"
if [ -z "${TORCH_PYTHON:-}" ] && [ "${GPU_CHECK_NO_TORCH:-0}" != 1 ]; then
  python -m pip install -q "torch==2.13.0" "torchvision" || echo "PyTorch not installable: ember's numbers only"
fi
export TORCH_PYTHON=${TORCH_PYTHON:-$(command -v python)}
"$TORCH_PYTHON" -c "import torch; print('torch', torch.__version__, 'CUDA' if torch.cuda.is_available() else 'no CUDA')" \
  || echo "no torch in $TORCH_PYTHON: ember's numbers only"
export BENCH_ROUNDS=${BENCH_ROUNDS:-3}
step benchmarks python benchmarks/bench_gpu.py

echo "== 5. NCCL between 2 processes (ember.distributed's device path)"
if [ "$(nvidia-smi --list-gpus | wc -l)" -ge 2 ]; then
  step nccl-all-reduce python benchmarks/bench_nccl.py
else
  echo "one GPU: the 2-process NCCL check needs 2 (skipped)"
fi
rm -rf "$work"
if [ ${#failed[@]} -gt 0 ]; then
  echo "gpu_check: FAILED: ${failed[*]}"
  exit 1
fi
echo "gpu_check: all steps passed"
