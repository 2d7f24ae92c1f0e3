#!/usr/bin/env bash
# align_lab.sh: builds and runs dev/align_lab.cu (validation at every launch configuration, then
# kernel timing) with nvcc alone; no Node needed. NATIVE_GPU_CUDA_ARCHS picks the SASS (default 90).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build/lab
arch="${NATIVE_GPU_CUDA_ARCHS:-90}"
nvcc -std=c++17 -O3 -DNATIVE_GPU_WITH_CUDA -Isrc -gencode "arch=compute_${arch},code=sm_${arch}" \
  -o build/lab/align_lab \
  dev/align_lab.cu src/ops/align/align_cuda.cu src/ops/align/align_cpu.cc src/ops/align/align_tables.cc -lpthread
./build/lab/align_lab
