// clip_model_cuda.cu: the clip model's forward pass on the GPU (semantics in clip_model.h).
//
// What: one plain kernel per op, each thread computing one output element of the whole chunk of
// clips (up to kChunk at a time), activations in global memory between kernels, all on one stream:
// conv1 with the time pooling fused (it writes f straight into the heatmap head's concat buffer),
// conv2, conv3, tokens + pos, and per layer LayerNorm, q/k/v, attention (a thread per query and
// head: max pass, then exp-weighted sum of v), output projection + residual, LayerNorm, FFN + ReLU,
// FFN + residual; then the final LayerNorm, token pooling, class head, heat projection, cell
// placement, head1 (3×3 + ReLU) and head2 (1×1 + sigmoid).
//
// Why this way: correctness and reviewability first. The model is small (~20 M multiply-adds per
// 8×64×64 clip), so each kernel is a direct loop over its inputs in the same order as the CPU twin
// (clip_model_cpu.cc), which test/clip-model.gpu-spec.ts compares it against. Faster variants
// (shared-memory tiles, fused layers) should be measured against this one.
//
// Build: compiled by the binding.gyp nvcc rule only when a CUDA toolkit is found.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <memory>

#include "cuda/check.h"
#include "cuda/device_buffer.h"
#include "cuda/event_timer.h"
#include "cuda/stream.h"
#include "ops/clip_model/clip_model.h"
#include "status.h"

namespace vigil::clip_model {

struct DeviceWeights {
  cuda::DeviceBuffer<float> blob;
};

namespace {

constexpr int kThreads = 256;
constexpr int64_t kChunk = 1024;  // clips per pass: bounds the activations (~0.5 MB per clip)

unsigned Blocks(int64_t n) { return static_cast<unsigned>((n + kThreads - 1) / kThreads); }

// conv1 (kernel 3×4×4, stride 1,2,2, pads 0,1,1) + ReLU, pooled over its output time steps: the
// mean goes to channel `o`, the max to channel c1 + o of f, whose clip stride is f_stride.
__global__ void Conv1PoolKernel(const float* __restrict__ clips, int64_t n, int frames, int h,
                                int w, const float* __restrict__ weight,
                                const float* __restrict__ bias, int c1, float* f, int64_t f_stride) {
  const int h2 = h / 2, w2 = w / 2;
  const int64_t total = n * c1 * h2 * w2;
  const int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (idx >= total) return;
  const int x = static_cast<int>(idx % w2);
  const int y = static_cast<int>((idx / w2) % h2);
  const int o = static_cast<int>((idx / (static_cast<int64_t>(w2) * h2)) % c1);
  const int64_t clip = idx / (static_cast<int64_t>(w2) * h2 * c1);
  const float* in = clips + clip * frames * h * w;
  const int steps = frames - kTimeKernel + 1;
  float sum = 0.0f, top = 0.0f;
  for (int t = 0; t < steps; ++t) {
    float acc = bias[o];
    for (int kt = 0; kt < kTimeKernel; ++kt) {
      for (int ky = 0; ky < 4; ++ky) {
        const int iy = 2 * y - 1 + ky;
        if (iy < 0 || iy >= h) continue;
        for (int kx = 0; kx < 4; ++kx) {
          const int ix = 2 * x - 1 + kx;
          if (ix < 0 || ix >= w) continue;
          acc += weight[((o * kTimeKernel + kt) * 4 + ky) * 4 + kx] *
                 in[(static_cast<int64_t>(t + kt) * h + iy) * w + ix];
        }
      }
    }
    acc = fmaxf(acc, 0.0f);
    sum += acc;
    top = t == 0 ? acc : fmaxf(top, acc);
  }
  float* dst = f + clip * f_stride;
  dst[(static_cast<int64_t>(o) * h2 + y) * w2 + x] = sum * (1.0f / static_cast<float>(steps));
  dst[(static_cast<int64_t>(c1 + o) * h2 + y) * w2 + x] = top;
}

// out = act(Conv2d(in, weight, bias)) with zero padding; clip strides in_stride / out_stride.
__global__ void Conv2dKernel(const float* __restrict__ in, int64_t in_stride, int64_t n, int cin,
                             int h, int w, const float* __restrict__ weight,
                             const float* __restrict__ bias, int cout, int kh, int kw, int stride,
                             int pad, bool relu, float* __restrict__ out, int64_t out_stride) {
  const int ho = (h + 2 * pad - kh) / stride + 1;
  const int wo = (w + 2 * pad - kw) / stride + 1;
  const int64_t total = n * cout * ho * wo;
  const int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (idx >= total) return;
  const int x = static_cast<int>(idx % wo);
  const int y = static_cast<int>((idx / wo) % ho);
  const int o = static_cast<int>((idx / (static_cast<int64_t>(wo) * ho)) % cout);
  const int64_t clip = idx / (static_cast<int64_t>(wo) * ho * cout);
  const float* src = in + clip * in_stride;
  float acc = bias[o];
  for (int i = 0; i < cin; ++i) {
    for (int ky = 0; ky < kh; ++ky) {
      const int iy = y * stride - pad + ky;
      if (iy < 0 || iy >= h) continue;
      for (int kx = 0; kx < kw; ++kx) {
        const int ix = x * stride - pad + kx;
        if (ix < 0 || ix >= w) continue;
        acc += weight[((static_cast<int64_t>(o) * cin + i) * kh + ky) * kw + kx] *
               src[(static_cast<int64_t>(i) * h + iy) * w + ix];
      }
    }
  }
  out[clip * out_stride + (static_cast<int64_t>(o) * ho + y) * wo + x] = relu ? fmaxf(acc, 0.0f) : acc;
}

// t[clip][s][c] = conv3[clip][c][s] + pos[s][c].
__global__ void TokensKernel(const float* __restrict__ conv3, const float* __restrict__ pos,
                             int64_t n, int tokens, int d, float* __restrict__ t) {
  const int64_t total = n * tokens * d;
  const int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (idx >= total) return;
  const int c = static_cast<int>(idx % d);
  const int s = static_cast<int>((idx / d) % tokens);
  const int64_t clip = idx / (static_cast<int64_t>(d) * tokens);
  t[idx] = conv3[(clip * d + c) * tokens + s] + pos[s * d + c];
}

// One thread per row of d values.
__global__ void LayerNormKernel(const float* __restrict__ x, int64_t rows, int d,
                                const float* __restrict__ g, const float* __restrict__ b, float eps,
                                float* __restrict__ y) {
  const int64_t row = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (row >= rows) return;
  const float* in = x + row * d;
  float* out = y + row * d;
  float mean = 0.0f;
  for (int j = 0; j < d; ++j) mean += in[j];
  mean /= static_cast<float>(d);
  float var = 0.0f;
  for (int j = 0; j < d; ++j) var += (in[j] - mean) * (in[j] - mean);
  var /= static_cast<float>(d);
  const float inv = 1.0f / sqrtf(var + eps);
  for (int j = 0; j < d; ++j) out[j] = (in[j] - mean) * inv * g[j] + b[j];
}

// y[r][j] = act(b[j] + Σ_i x[r][i]·W[i][j]) (+ y[r][j] when `residual`).
__global__ void LinearKernel(const float* __restrict__ x, int64_t rows, int k,
                             const float* __restrict__ weight, const float* __restrict__ bias,
                             int n, bool relu, bool residual, float* y) {
  const int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (idx >= rows * n) return;
  const int j = static_cast<int>(idx % n);
  const float* row = x + (idx / n) * k;
  float acc = bias[j];
  for (int i = 0; i < k; ++i) acc += row[i] * weight[static_cast<int64_t>(i) * n + j];
  if (relu) acc = fmaxf(acc, 0.0f);
  y[idx] = residual ? y[idx] + acc : acc;
}

// ctx[clip][s][head] = softmax_r(q_s·k_r·scale) · v_r, one thread per (clip, head, query s).
__global__ void AttentionKernel(const float* __restrict__ q, const float* __restrict__ k,
                                const float* __restrict__ v, int64_t n, int tokens, int d,
                                int heads, float scale, float* __restrict__ ctx) {
  const int64_t total = n * heads * tokens;
  const int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (idx >= total) return;
  const int s = static_cast<int>(idx % tokens);
  const int hd = static_cast<int>((idx / tokens) % heads);
  const int64_t clip = idx / (static_cast<int64_t>(tokens) * heads);
  const int dh = d / heads, off = hd * dh;
  const int64_t base = clip * tokens * d;
  const float* qs = q + base + static_cast<int64_t>(s) * d + off;
  auto score = [&](int r) {
    const float* kr = k + base + static_cast<int64_t>(r) * d + off;
    float dot = 0.0f;
    for (int c = 0; c < dh; ++c) dot += qs[c] * kr[c];
    return dot * scale;
  };
  float top = -INFINITY;
  for (int r = 0; r < tokens; ++r) top = fmaxf(top, score(r));
  float* out = ctx + base + static_cast<int64_t>(s) * d + off;
  for (int c = 0; c < dh; ++c) out[c] = 0.0f;
  float sum = 0.0f;
  for (int r = 0; r < tokens; ++r) {
    const float p = expf(score(r) - top);
    sum += p;
    const float* vr = v + base + static_cast<int64_t>(r) * d + off;
    for (int c = 0; c < dh; ++c) out[c] += p * vr[c];
  }
  const float inv = 1.0f / sum;
  for (int c = 0; c < dh; ++c) out[c] *= inv;
}

// pooled[clip] = concat(mean over tokens, max over tokens), one thread per (clip, channel).
__global__ void PoolTokensKernel(const float* __restrict__ t, int64_t n, int tokens, int d,
                                 float* __restrict__ pooled) {
  const int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (idx >= n * d) return;
  const int c = static_cast<int>(idx % d);
  const int64_t clip = idx / d;
  const float* src = t + clip * tokens * d + c;
  float sum = 0.0f, top = -INFINITY;
  for (int s = 0; s < tokens; ++s) {
    sum += src[static_cast<int64_t>(s) * d];
    top = fmaxf(top, src[static_cast<int64_t>(s) * d]);
  }
  pooled[clip * 2 * d + c] = sum / static_cast<float>(tokens);
  pooled[clip * 2 * d + d + c] = top;
}

// cat[clip][kc][y][x] = heat_tokens[clip][s(y, x)][((y % u)·u + x % u)·k + kc].
__global__ void PlaceCellsKernel(const float* __restrict__ cells, int64_t n, int grid_w, int tokens,
                                 int u, int k, int heat_h, int heat_w, float* __restrict__ cat,
                                 int64_t cat_stride) {
  const int64_t total = n * k * heat_h * heat_w;
  const int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (idx >= total) return;
  const int x = static_cast<int>(idx % heat_w);
  const int y = static_cast<int>((idx / heat_w) % heat_h);
  const int kc = static_cast<int>((idx / (static_cast<int64_t>(heat_w) * heat_h)) % k);
  const int64_t clip = idx / (static_cast<int64_t>(heat_w) * heat_h * k);
  const int s = (y / u) * grid_w + x / u;
  const float value = cells[(clip * tokens + s) * (u * u * k) + ((y % u) * u + x % u) * k + kc];
  cat[clip * cat_stride + (static_cast<int64_t>(kc) * heat_h + y) * heat_w + x] = value;
}

// heatmap[clip][p] = sigmoid(b + Σ_c w[c]·hidden[clip][c][p]).
__global__ void Head2Kernel(const float* __restrict__ hidden, int64_t n, int channels, int plane,
                            const float* __restrict__ weight, const float* __restrict__ bias,
                            float* __restrict__ heatmap) {
  const int64_t idx = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (idx >= n * plane) return;
  const int p = static_cast<int>(idx % plane);
  const int64_t clip = idx / plane;
  float acc = bias[0];
  for (int c = 0; c < channels; ++c) acc += weight[c] * hidden[(clip * channels + c) * plane + p];
  heatmap[idx] = 1.0f / (1.0f + expf(-acc));
}

}  // namespace

Status UploadWeights(Model* model) {
  cuda::CudaStream stream;
  VG_RETURN_IF_ERROR(stream.Create());
  auto device = std::make_shared<DeviceWeights>();
  VG_RETURN_IF_ERROR(device->blob.AllocateAndUpload(model->weights.data(), model->weights.size(), stream.get()));
  VG_RETURN_IF_ERROR(stream.Synchronize());
  model->device = std::move(device);
  return Status::Ok();
}

Status ClipModelCuda(const Model& model, const Params& p, const Outputs& out) {
  if (!model.device) return Status::Error("the model's weights are not in device memory");
  const Dims& m = model.dims;
  const Layout& l = model.layout;
  const float* wt = model.device->blob.get();
  const int h2 = m.height / 2, w2 = m.width / 2, plane2 = h2 * w2;
  const int S = m.tokens(), d = m.model, F = m.features(), k = m.heat;
  const int cell_values = m.upscale * m.upscale * k;
  const int64_t clip_size = m.clip_size();
  const int64_t cat_stride = static_cast<int64_t>(k + F) * plane2;
  const int64_t conv2_stride = static_cast<int64_t>(m.c2) * plane2 / 4;
  const int64_t chunk = std::min(kChunk, p.count);
  const int64_t wide = std::max(m.ffn, cell_values);

  cuda::CudaStream stream;
  VG_RETURN_IF_ERROR(stream.Create());
  cudaStream_t st = stream.get();
  cuda::EventTimer timer(out.timing != nullptr);
  cuda::DeviceBuffer<float> clips, cat, conv2, conv3, t, a, q, kb, v, ctx, hid, pooled, logits,
      head1, heatmap;
  VG_RETURN_IF_ERROR(clips.Allocate(chunk * clip_size));
  VG_RETURN_IF_ERROR(cat.Allocate(chunk * cat_stride));
  VG_RETURN_IF_ERROR(conv2.Allocate(chunk * conv2_stride));
  for (cuda::DeviceBuffer<float>* b : {&conv3, &t, &a, &q, &kb, &v, &ctx}) {
    VG_RETURN_IF_ERROR(b->Allocate(chunk * S * d));
  }
  VG_RETURN_IF_ERROR(hid.Allocate(chunk * S * wide));
  VG_RETURN_IF_ERROR(pooled.Allocate(chunk * 2 * d));
  VG_RETURN_IF_ERROR(logits.Allocate(chunk * m.classes));
  VG_RETURN_IF_ERROR(head1.Allocate(chunk * m.hidden * plane2));
  VG_RETURN_IF_ERROR(heatmap.Allocate(chunk * plane2));

  for (int64_t first = 0; first < p.count; first += chunk) {
    const int64_t n = std::min(chunk, p.count - first);
    VG_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(clips.get(), p.clips + first * clip_size,
                                            n * clip_size * sizeof(float), cudaMemcpyHostToDevice, st));
    VG_RETURN_IF_ERROR(timer.Start(st));
    float* f = cat.get() + static_cast<int64_t>(k) * plane2;
    Conv1PoolKernel<<<Blocks(n * m.c1 * plane2), kThreads, 0, st>>>(
        clips.get(), n, m.frames, m.height, m.width, wt + l.conv1_w, wt + l.conv1_b, m.c1, f, cat_stride);
    Conv2dKernel<<<Blocks(n * conv2_stride), kThreads, 0, st>>>(
        f, cat_stride, n, F, h2, w2, wt + l.conv2_w, wt + l.conv2_b, m.c2, 3, 3, 2, 1, true, conv2.get(),
        conv2_stride);
    Conv2dKernel<<<Blocks(n * S * d), kThreads, 0, st>>>(
        conv2.get(), conv2_stride, n, m.c2, h2 / 2, w2 / 2, wt + l.conv3_w, wt + l.conv3_b, d, 3, 3, 2, 1,
        true, conv3.get(), static_cast<int64_t>(S) * d);
    TokensKernel<<<Blocks(n * S * d), kThreads, 0, st>>>(conv3.get(), wt + l.pos, n, S, d, t.get());
    const int64_t rows = n * S;
    const float eps = model.constants.epsilon;
    for (const LayerLayout& y : l.layers) {
      LayerNormKernel<<<Blocks(rows), kThreads, 0, st>>>(t.get(), rows, d, wt + y.ln1_g, wt + y.ln1_b, eps, a.get());
      LinearKernel<<<Blocks(rows * d), kThreads, 0, st>>>(a.get(), rows, d, wt + y.w_q, wt + y.b_q, d, false, false, q.get());
      LinearKernel<<<Blocks(rows * d), kThreads, 0, st>>>(a.get(), rows, d, wt + y.w_k, wt + y.b_k, d, false, false, kb.get());
      LinearKernel<<<Blocks(rows * d), kThreads, 0, st>>>(a.get(), rows, d, wt + y.w_v, wt + y.b_v, d, false, false, v.get());
      AttentionKernel<<<Blocks(n * m.heads * S), kThreads, 0, st>>>(
          q.get(), kb.get(), v.get(), n, S, d, m.heads, model.constants.attention_scale, ctx.get());
      LinearKernel<<<Blocks(rows * d), kThreads, 0, st>>>(ctx.get(), rows, d, wt + y.w_o, wt + y.b_o, d, false, true, t.get());
      LayerNormKernel<<<Blocks(rows), kThreads, 0, st>>>(t.get(), rows, d, wt + y.ln2_g, wt + y.ln2_b, eps, a.get());
      LinearKernel<<<Blocks(rows * m.ffn), kThreads, 0, st>>>(a.get(), rows, d, wt + y.w_1, wt + y.b_1, m.ffn, true, false, hid.get());
      LinearKernel<<<Blocks(rows * d), kThreads, 0, st>>>(hid.get(), rows, m.ffn, wt + y.w_2, wt + y.b_2, d, false, true, t.get());
    }
    LayerNormKernel<<<Blocks(rows), kThreads, 0, st>>>(t.get(), rows, d, wt + l.final_g, wt + l.final_b, eps, a.get());
    PoolTokensKernel<<<Blocks(n * d), kThreads, 0, st>>>(a.get(), n, S, d, pooled.get());
    LinearKernel<<<Blocks(n * m.classes), kThreads, 0, st>>>(pooled.get(), n, 2 * d, wt + l.cls_w, wt + l.cls_b, m.classes, false, false, logits.get());
    LinearKernel<<<Blocks(rows * cell_values), kThreads, 0, st>>>(a.get(), rows, d, wt + l.heat_w, wt + l.heat_b, cell_values, false, false, hid.get());
    PlaceCellsKernel<<<Blocks(n * k * plane2), kThreads, 0, st>>>(hid.get(), n, m.grid_w(), S, m.upscale, k, h2, w2, cat.get(), cat_stride);
    Conv2dKernel<<<Blocks(n * m.hidden * plane2), kThreads, 0, st>>>(
        cat.get(), cat_stride, n, k + F, h2, w2, wt + l.head1_w, wt + l.head1_b, m.hidden, 3, 3, 1, 1, true,
        head1.get(), static_cast<int64_t>(m.hidden) * plane2);
    Head2Kernel<<<Blocks(n * plane2), kThreads, 0, st>>>(head1.get(), n, m.hidden, plane2, wt + l.head2_w, wt + l.head2_b, heatmap.get());
    VG_CUDA_RETURN_IF_ERROR(cudaGetLastError());
    VG_RETURN_IF_ERROR(timer.Stop(st));
    VG_RETURN_IF_ERROR(logits.Download(out.logits + first * m.classes, n * m.classes, st));
    VG_RETURN_IF_ERROR(heatmap.Download(out.heatmap + first * plane2, n * plane2, st));
    VG_RETURN_IF_ERROR(stream.Synchronize());  // the next chunk reuses the buffers and p.clips' pages
    VG_RETURN_IF_ERROR(timer.Accumulate());
  }
  if (out.timing != nullptr) {
    const double values =
        static_cast<double>(p.count) * (clip_size + m.classes + plane2) + model.weights.size();
    *out.timing = {timer.total_ms(), values * sizeof(float)};
  }
  return Status::Ok();
}

}  // namespace vigil::clip_model
