// clip_model.h: the forward pass of the defect inspector's clip model, the graph
// libs/core-ml/src/video/clip-onnx.ts exports (kind `clip`), op for op.
//
// Per clip x [L][H][W] (grey / 255, oldest frame first):
//   conv1   ReLU(Conv3d(x, W1, b1)), kernel 3×4×4, stride 1,2,2, pads 0,1,1     [c1][L−2][H/2][W/2]
//   f       concat(mean over time, max over time)                                 [F = 2·c1][H/2][W/2]
//   conv2   ReLU(Conv(f, 3×3, stride 2, pad 1)), conv3 the same                   [d][H/8][W/8]
//   t       tokens [S = H/8·W/8][d] (row-major cells) + pos
//   layers  pre-norm: t += MHA(LN1(t))·W_o + b_o;  t += ReLU(LN2(t)·W_1 + b_1)·W_2 + b_2
//   t       LN_final(t)
//   logits  concat(mean over tokens, max over tokens)·W_cls + b_cls               [C]
//   heatmap g[k][gy·u+uy][gx·u+ux] = (t·W_heat + b_heat)[gy·gw+gx][(uy·u+ux)·k+kc]
//           sigmoid(Conv1×1(ReLU(Conv3×3 pad 1(concat(g, f)))))                   [H/2][W/2]
// BatchNorm is already folded into the conv weights in the file (conv{1,2,3}_folded_*).
//
// Backends over the same Model (tensors concatenated in TensorOrder, see MakeLayout):
//   ClipModelCpu   the CPU twin and reference (clip_model_cpu.cc): clips over threads
//   ClipModelCuda  one simple kernel per op over the whole batch (clip_model_cuda.cu), only with
//                  NATIVE_GPU_WITH_CUDA
//
// Plain C++ (no N-API, no CUDA runtime), so nvcc and the host compiler both include this header.
#ifndef VIGIL_NATIVE_GPU_OPS_CLIP_MODEL_CLIP_MODEL_H_
#define VIGIL_NATIVE_GPU_OPS_CLIP_MODEL_CLIP_MODEL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "device_timing.h"
#include "status.h"

namespace vigil::clip_model {

enum class Backend { kCpu, kCuda };

// Architecture bounds (they size the kernels' per-thread arrays); lib/clip-model-onnx.ts refuses
// models outside them with the same numbers.
inline constexpr int kMaxTokens = 256;
inline constexpr int kMaxModel = 256;
inline constexpr int kTimeKernel = 3;

struct Dims {
  int frames = 0;    // L
  int height = 0;    // H (a multiple of 8)
  int width = 0;     // W (a multiple of 8)
  int classes = 0;   // C
  int c1 = 0;        // conv1 channels
  int c2 = 0;        // conv2 channels
  int model = 0;     // d (conv3 channels, token width)
  int heads = 0;     // divides d
  int ffn = 0;       // FFN width
  int layers = 0;    // encoder layers
  int upscale = 0;   // u: heatmap cells per token along each axis
  int heat = 0;      // k: decoder channels per cell
  int hidden = 0;    // head1 output channels

  int features() const { return 2 * c1; }  // F
  int grid_h() const { return height / 8; }
  int grid_w() const { return width / 8; }
  int tokens() const { return grid_h() * grid_w(); }
  int heat_h() const { return grid_h() * upscale; }  // == height / 2 (checked at load)
  int heat_w() const { return grid_w() * upscale; }
  int clip_size() const { return frames * height * width; }
};

// Offsets (in floats) of every tensor in the weight blob, in the order lib/clip-model.ts
// concatenates them. Matrices are [in][out] as in the file, convs [out][in][kernel...].
struct LayerLayout {
  size_t ln1_g, ln1_b, w_q, b_q, w_k, b_k, w_v, b_v, w_o, b_o, ln2_g, ln2_b, w_1, b_1, w_2, b_2;
};
struct Layout {
  size_t conv1_w, conv1_b, conv2_w, conv2_b, conv3_w, conv3_b, pos;
  std::vector<LayerLayout> layers;
  size_t final_g, final_b, cls_w, cls_b, heat_w, heat_b, head1_w, head1_b, head2_w, head2_b, total;
};

Layout MakeLayout(const Dims& m);
// An empty string when `m` is within bounds and consistent, else what is not.
const char* CheckDims(const Dims& m);

struct Constants {
  float attention_scale = 0.0f;  // attn_scale as stored (1/√(d/heads))
  float epsilon = 0.0f;          // LayerNormalization epsilon (every LN node has the same)
};

struct DeviceWeights;  // clip_model_cuda.cu: the blob in device memory

// Immutable once built and shared by every run in flight.
struct Model {
  Dims dims;
  Constants constants;
  Layout layout;
  std::vector<float> weights;             // layout.total floats
  std::shared_ptr<DeviceWeights> device;  // set at load when CUDA is available
};

// Inputs are borrowed: the worker pins the JS buffer for the whole run.
struct Params {
  const float* clips = nullptr;  // [n][L][H][W]
  int64_t count = 0;
  Backend backend = Backend::kCpu;
  int threads = 0;  // CPU threads; 0 = automatic
};

struct Outputs {
  float* logits = nullptr;   // [n][C]
  float* heatmap = nullptr;  // [n][H/2][W/2]
  // CUDA only, when not nullptr. Bytes: the clips, the weights, logits and heatmap, each once (the
  // activations between layers are not counted: a lower bound on the traffic).
  DeviceTiming* timing = nullptr;
};

Status ClipModelCpu(const Model& model, const Params& params, const Outputs& out);
#ifdef NATIVE_GPU_WITH_CUDA
Status UploadWeights(Model* model);
Status ClipModelCuda(const Model& model, const Params& params, const Outputs& out);
#endif

}  // namespace vigil::clip_model

#endif  // VIGIL_NATIVE_GPU_OPS_CLIP_MODEL_CLIP_MODEL_H_
