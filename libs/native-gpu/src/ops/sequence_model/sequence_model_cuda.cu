// sequence_model_cuda.cu: the sequence model's forward pass as one CUDA kernel (semantics in
// sequence_model.h).
//
// What: one block per `rows_per_block` sequences. The block gathers each row's real steps, then runs
// device::ForwardBlock's twelve phases (embedding, q|k|v, softmax per head and query, attention
// context, output projection + residual, LayerNorm, FFN 1 + ReLU, FFN 2 + residual, LayerNorm,
// masked mean, head) with every activation in shared memory; the threads stride over each phase's
// elements and meet at a __syncthreads() between phases. Weights (about 200 KB for the shipped
// model) stay in global memory, uploaded once at load (UploadWeights); every block reads the same
// ones, so after the first blocks they come from L2 / L1.
//
// Why this way: the model is tiny (d = 32, K = 16): a row is ~150 k multiply-adds, far too little
// for a GEMM library call per op, and a fused block per row keeps every intermediate on chip (one
// read of the input, two floats written per row). The per-element math and the workspace layout
// are shared with the CPU emulation (sequence_model_emulate.cc), which the CPU specs check against
// the twin; test/sequence-model.gpu-spec.ts checks this kernel against the twin on a GPU.
//
// Build: compiled by the binding.gyp nvcc rule only when a CUDA toolkit is found
// (NATIVE_GPU_WITH_CUDA); cudart is linked statically.
//
// Variants: blockSize (a multiple of 32 in [32, 1024]) x rowsPerBlock ([1, 16]; the workspace,
// ~20 KB per row for the shipped model, must fit the device's opt-in shared memory per block).

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

#include "cuda/check.h"
#include "cuda/device_buffer.h"
#include "cuda/event_timer.h"
#include "cuda/stream.h"
#include "ops/sequence_model/sequence_model.h"
#include "ops/sequence_model/sequence_model_device.h"
#include "status.h"

namespace vigil::sequence_model {

// The packed weights in device memory; freed with the last run or model reference that holds them.
struct DeviceWeights {
  cuda::DeviceBuffer<float> blob;
};

// -------------------------------------------------------------------------------------------------
// CPU reference
// -------------------------------------------------------------------------------------------------
// The reference is the CPU twin, SequenceModelCpu (sequence_model_cpu.cc); SequenceModelEmulated
// runs this kernel's ForwardBlock on the CPU.

namespace {

// -------------------------------------------------------------------------------------------------
// kernels
// -------------------------------------------------------------------------------------------------

__global__ void SequenceModelKernel(const float* __restrict__ weights, PackedLayout layout,
                                    Dims dims, Constants constants, const float* sequences,
                                    int64_t rows, int rows_per_block, float* logit, float* score) {
  extern __shared__ float4 workspace[];  // float4: 16-byte alignment for the floats after the ints
  const int64_t first = static_cast<int64_t>(blockIdx.x) * rows_per_block;
  const int here = static_cast<int>(rows - first < rows_per_block ? rows - first : rows_per_block);
  int* ints = reinterpret_cast<int*>(workspace);
  float* floats = reinterpret_cast<float*>(reinterpret_cast<unsigned char*>(workspace) +
                                           device::IntsBytes(dims, rows_per_block));
  const device::BlockArgs args{dims,
                               layout,
                               constants,
                               weights,
                               sequences + first * dims.row_size(),
                               ints,
                               floats,
                               logit + first,
                               score + first};
  device::ForwardBlock(args, [here](int per_row, auto fn) {
    const int total = here * per_row;
    for (int i = threadIdx.x; i < total; i += blockDim.x) {
      const int r = i / per_row;
      fn(r, i - r * per_row);
    }
    __syncthreads();
  });
}

// -------------------------------------------------------------------------------------------------
// launchers
// -------------------------------------------------------------------------------------------------

Status Launch(const Model& model, const Params& p, const float* d_sequences, float* d_logit,
              float* d_score, cudaStream_t stream) {
  const LaunchConfig& launch = p.launch;
  if (launch.block_size < 32 || launch.block_size > 1024 || launch.block_size % 32 != 0) {
    return Status::Error("blockSize must be a multiple of 32 in [32, 1024]");
  }
  if (launch.rows_per_block < 1 || launch.rows_per_block > 16) {
    return Status::Error("rowsPerBlock must be in [1, 16]");
  }
  int device = 0;
  int shared_optin = 0;
  VG_CUDA_RETURN_IF_ERROR(cudaGetDevice(&device));
  VG_CUDA_RETURN_IF_ERROR(
      cudaDeviceGetAttribute(&shared_optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, device));
  const size_t shared = device::WorkspaceBytes(model.dims, launch.rows_per_block);
  if (shared > static_cast<size_t>(shared_optin)) {
    return Status::Error("rowsPerBlock " + std::to_string(launch.rows_per_block) + " needs " +
                             std::to_string(shared) + " bytes of shared memory per block; this "
                             "device allows " + std::to_string(shared_optin),
                         "ERR_NATIVE_GPU_LAUNCH");
  }
  // Above the default 48 KB a kernel must opt in (per device, so set it on every launch).
  VG_CUDA_RETURN_IF_ERROR(cudaFuncSetAttribute(
      SequenceModelKernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(shared)));
  const int64_t blocks = (p.rows + launch.rows_per_block - 1) / launch.rows_per_block;
  if (blocks > 0x7fffffff) return Status::Error("too many rows for one launch");
  SequenceModelKernel<<<static_cast<unsigned>(blocks), launch.block_size, shared, stream>>>(
      model.device->blob.get(), model.layout, model.dims, model.constants, d_sequences, p.rows,
      launch.rows_per_block, d_logit, d_score);
  VG_CUDA_RETURN_IF_ERROR(cudaGetLastError());
  return Status::Ok();
}

}  // namespace

Status UploadWeights(Model* model) {
  cudaGetLastError();  // drop a stale non-sticky error left on this thread by an earlier call
  cuda::CudaStream stream;
  VG_RETURN_IF_ERROR(stream.Create());
  auto weights = std::make_shared<DeviceWeights>();
  VG_RETURN_IF_ERROR(
      weights->blob.AllocateAndUpload(model->weights.data(), model->weights.size(), stream.get()));
  VG_RETURN_IF_ERROR(stream.Synchronize());
  model->device = std::move(weights);
  return Status::Ok();
}

Status SequenceModelCuda(const Model& model, const Params& p, const Outputs& out) {
  if (p.rows == 0) return Status::Ok();
  if (model.device == nullptr) {
    return Status::Error("the model's weights are not in device memory (CUDA was unavailable at load)",
                         "ERR_NATIVE_GPU_CUDA_UNAVAILABLE");
  }
  cudaGetLastError();
  // Declared before the buffers, so destroyed after them: every buffer frees before the stream.
  cuda::CudaStream stream;
  VG_RETURN_IF_ERROR(stream.Create());
  const size_t rows = static_cast<size_t>(p.rows);
  cuda::DeviceBuffer<float> sequences, logit, score;
  VG_RETURN_IF_ERROR(sequences.AllocateAndUpload(
      p.sequences, rows * static_cast<size_t>(model.dims.row_size()), stream.get()));
  VG_RETURN_IF_ERROR(logit.Allocate(rows));
  VG_RETURN_IF_ERROR(score.Allocate(rows));
  cuda::EventTimer timer(out.timing != nullptr);
  VG_RETURN_IF_ERROR(timer.Start(stream.get()));
  VG_RETURN_IF_ERROR(Launch(model, p, sequences.get(), logit.get(), score.get(), stream.get()));
  VG_RETURN_IF_ERROR(timer.Stop(stream.get()));
  VG_RETURN_IF_ERROR(logit.Download(out.logit, rows, stream.get()));
  VG_RETURN_IF_ERROR(score.Download(out.score, rows, stream.get()));
  VG_RETURN_IF_ERROR(stream.Synchronize());  // also surfaces asynchronous kernel faults
  if (out.timing != nullptr) {
    VG_RETURN_IF_ERROR(timer.Accumulate());
    const double values =
        static_cast<double>(rows) * (model.dims.row_size() + 2) + model.weights.size();
    *out.timing = {timer.total_ms(), values * sizeof(float)};
  }
  return Status::Ok();
}

}  // namespace vigil::sequence_model
