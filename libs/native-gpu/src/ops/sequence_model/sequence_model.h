// sequence_model.h: the forward pass of core-ml's account-sequence model (a one-layer post-norm
// transformer encoder), the graph libs/core-ml/src/sequence/sequence-onnx.ts exports, op for op.
//
// Per row x [K][D] (K steps of D channels; channel `mask_channel` is 1 for a real step, 0 for
// padding; lib/sequence-model.ts guarantees 0/1 values and at least one real step per row):
//   h      = x·W_in + b_in + pos                                  [K][d]
//   q,k,v  = h·W_{q,k,v} + b_{q,k,v}, split into H heads of d/H
//   attn   = softmax(q·kᵀ · scale + bias) per head, bias = (valid_key − 1)·1e9
//   h1     = LayerNorm(h + concat_heads(attn·v)·W_o + b_o)          (ε from the file)
//   h2     = LayerNorm(h1 + ReLU(h1·W_1 + b_1)·W_2 + b_2)
//   pooled = Σ valid·h2 / Σ valid;  logit = pooled·w_head + b_head;  score = sigmoid(logit)
//
// Only real steps are computed. That is exact, not an approximation: a padding key's score is
// −1e9 + O(10) = −1e9 in float32, so exp() gives it weight 0 (given one real key per row), and a
// padding query only feeds its own pooled term, which is multiplied by 0. So each backend gathers a
// row's L real steps and runs every op over L ≤ K steps, with pos taken at their original index.
//
// Backends, all over the same packed weights (PackedLayout) and Params/Outputs:
//   SequenceModelCpu       the CPU twin and reference (sequence_model_cpu.cc): rows over threads,
//                          per row vectorised [L × n] matrix loops
//   SequenceModelEmulated  the CUDA kernel's phases (sequence_model_device.h) run on the CPU, block
//                          by block: lets CPU-only CI check the kernel's math and workspace layout
//   SequenceModelCuda      the kernel (sequence_model_cuda.cu), only with NATIVE_GPU_WITH_CUDA
//
// Plain C++ (no N-API, no CUDA runtime), so nvcc and the host compiler both include this header.
#ifndef VIGIL_NATIVE_GPU_OPS_SEQUENCE_MODEL_SEQUENCE_MODEL_H_
#define VIGIL_NATIVE_GPU_OPS_SEQUENCE_MODEL_SEQUENCE_MODEL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "device_timing.h"
#include "status.h"

#ifdef __CUDACC__
#define VG_SEQ_HD __host__ __device__ __forceinline__
#else
#define VG_SEQ_HD inline
#endif

namespace vigil::sequence_model {

enum class Backend { kCpu, kCuda, kEmulate };

// Architecture bounds: they size the kernel's shared-memory workspace and the twin's stack tiles.
// lib/sequence-model.ts rejects models outside them with the same numbers.
inline constexpr int kMaxSteps = 64;
inline constexpr int kMaxChannels = 256;
inline constexpr int kMaxModel = 256;
inline constexpr int kMaxFfn = 1024;

struct Dims {
  int steps = 0;         // K
  int channels = 0;      // D
  int mask_channel = 0;  // the validity channel
  int model = 0;         // d
  int heads = 0;         // H (divides d)
  int ffn = 0;           // F

  VG_SEQ_HD int head_dim() const { return model / heads; }
  VG_SEQ_HD int row_size() const { return steps * channels; }
};

// Offsets (in floats) of every tensor in the packed weight blob, identical on host and device.
// Matrices are [in][out] as in the file; q, k and v are packed side by side as W_qkv [d][3d] (and
// b_qkv [3d]) so one pass over h produces all three.
struct PackedLayout {
  int w_in, b_in, pos, w_qkv, b_qkv, w_o, b_o, ln1_g, ln1_b, w_1, b_1, w_2, b_2, ln2_g, ln2_b,
      w_head, b_head, total;
};

VG_SEQ_HD PackedLayout MakeLayout(const Dims& m) {
  const int d = m.model;
  PackedLayout l{};
  int at = 0;
  auto take = [&at](int n) {
    const int start = at;
    at += n;
    return start;
  };
  l.w_in = take(m.channels * d);
  l.b_in = take(d);
  l.pos = take(m.steps * d);
  l.w_qkv = take(d * 3 * d);
  l.b_qkv = take(3 * d);
  l.w_o = take(d * d);
  l.b_o = take(d);
  l.ln1_g = take(d);
  l.ln1_b = take(d);
  l.w_1 = take(d * m.ffn);
  l.b_1 = take(m.ffn);
  l.w_2 = take(m.ffn * d);
  l.b_2 = take(d);
  l.ln2_g = take(d);
  l.ln2_b = take(d);
  l.w_head = take(d);
  l.b_head = take(1);
  l.total = at;
  return l;
}

// The tensors in the order lib/sequence-model.ts hands them over (core-ml's SEQUENCE_TENSOR_NAMES).
enum Tensor : int {
  kInputWeight, kInputBias, kPos,
  kQWeight, kQBias, kKWeight, kKBias, kVWeight, kVBias,
  kOutWeight, kOutBias,
  kLn1Weight, kLn1Bias,
  kFfn1Weight, kFfn1Bias, kFfn2Weight, kFfn2Bias,
  kLn2Weight, kLn2Bias,
  kHeadWeight, kHeadBias,
  kNumTensors
};

// Element count of each Tensor under `m`.
size_t TensorSize(const Dims& m, Tensor t);

// The scalar constants the graph carries as initializers or attributes.
struct Constants {
  float attention_scale = 0.0f;  // 1/sqrt(d/H) as stored in the file (attn_scale)
  float epsilon = 0.0f;          // LayerNormalization epsilon
};

struct DeviceWeights;  // sequence_model_cuda.cu: the packed blob in device memory

// A loaded model: immutable once built, shared by every run in flight (std::shared_ptr), so
// release() from JS while a run is on a worker thread frees nothing that run still reads.
struct Model {
  Dims dims;
  Constants constants;
  PackedLayout layout{};
  std::vector<float> weights;             // the packed blob, layout.total floats
  std::shared_ptr<DeviceWeights> device;  // set at load when CUDA is available
};

// Builds the packed blob from the tensors (kNumTensors pointers, each TensorSize floats).
Status BuildModel(const Dims& dims, const Constants& constants, const float* const* tensors,
                  Model* model);

// CUDA launch configuration (also the emulated backend's block shape).
struct LaunchConfig {
  int block_size = 128;      // threads per block, a multiple of 32 in [32, 1024]
  int rows_per_block = 2;    // sequences per block, in [1, 16]
};

// Inputs are borrowed: the worker pins the JS buffer for the whole run.
struct Params {
  const float* sequences = nullptr;  // [rows][K][D]
  int64_t rows = 0;
  Backend backend = Backend::kCpu;
  int threads = 0;  // CPU threads; 0 = std::thread::hardware_concurrency
  LaunchConfig launch;
};

struct Outputs {
  float* logit = nullptr;  // [rows]
  float* score = nullptr;  // [rows]
  // CUDA only, when not nullptr. Bytes: the sequences, the weights, logit and score, each once.
  DeviceTiming* timing = nullptr;
};

Status SequenceModelCpu(const Model& model, const Params& params, const Outputs& out);
Status SequenceModelEmulated(const Model& model, const Params& params, const Outputs& out);
#ifdef NATIVE_GPU_WITH_CUDA
// Uploads model->weights into device memory (model->device), once, at load.
Status UploadWeights(Model* model);
Status SequenceModelCuda(const Model& model, const Params& params, const Outputs& out);
#endif

}  // namespace vigil::sequence_model

#endif  // VIGIL_NATIVE_GPU_OPS_SEQUENCE_MODEL_SEQUENCE_MODEL_H_
