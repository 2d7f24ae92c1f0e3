// sequence_model_device.h: the CUDA kernel's forward pass as __host__ __device__ code, shared by
// the kernel (sequence_model_cuda.cu) and its CPU emulation (sequence_model_emulate.cc), so CPU-only
// CI runs the very phases, indexing and workspace layout the GPU runs (semantics in
// sequence_model.h).
//
// A block takes `rows` sequences. Its workspace (shared memory on the GPU) holds, per row, the
// gathered real-step indices and every activation of the layer; ForwardBlock runs twelve phases,
// each an independent computation per element (one output value, one softmax row, one LayerNorm
// row), separated by a barrier. `for_each(per_row, fn)` is the executor: the kernel strides the
// block's threads over rows × per_row elements and then calls __syncthreads(); the emulation loops.
// Element order keeps the output column fastest, so a warp reads consecutive weights (coalesced)
// and broadcasts one activation from shared memory.
#ifndef VIGIL_NATIVE_GPU_OPS_SEQUENCE_MODEL_SEQUENCE_MODEL_DEVICE_H_
#define VIGIL_NATIVE_GPU_OPS_SEQUENCE_MODEL_SEQUENCE_MODEL_DEVICE_H_

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "ops/sequence_model/sequence_model.h"

namespace vigil::sequence_model::device {

// Workspace per row: RowInts() ints (count, then up to K step indices) and RowFloats() floats.
VG_SEQ_HD int RowInts(const Dims& m) { return 1 + m.steps; }
VG_SEQ_HD int RowFloats(const Dims& m) {
  const int K = m.steps;
  const int d = m.model;
  // h, qkv (3d), ctx, r1/h1, hidden (F), r2/h2, per step; attention H×K×K; pooled d.
  return K * (d + 3 * d + d + d + m.ffn + d) + m.heads * K * K + d;
}
// Bytes of a block's workspace for `rows` rows: the ints first, floats 16-byte aligned after them.
VG_SEQ_HD size_t IntsBytes(const Dims& m, int rows) {
  return (static_cast<size_t>(RowInts(m)) * rows * sizeof(int) + 15) / 16 * 16;
}
VG_SEQ_HD size_t WorkspaceBytes(const Dims& m, int rows) {
  return IntsBytes(m, rows) + static_cast<size_t>(RowFloats(m)) * rows * sizeof(float);
}

// One row's view of the workspace.
struct Row {
  int* count;   // [1] real steps L
  int* steps;   // [K] their indices, ascending
  float* h;     // [K][d]   embedding
  float* qkv;   // [K][3d]  q | k | v
  float* attn;  // [H][K][K] attention probabilities
  float* ctx;   // [K][d]   heads joined
  float* r1;    // [K][d]   h + attention, then h1 (normalised in place)
  float* hid;   // [K][F]   ReLU(h1·W_1 + b_1)
  float* r2;    // [K][d]   h1 + FFN, then h2 (normalised in place)
  float* pooled;  // [d]
};

VG_SEQ_HD Row RowAt(const Dims& m, int* ints, float* floats, int r) {
  const int K = m.steps;
  const int d = m.model;
  Row w;
  w.count = ints + static_cast<size_t>(r) * RowInts(m);
  w.steps = w.count + 1;
  float* at = floats + static_cast<size_t>(r) * RowFloats(m);
  w.h = at;
  at += K * d;
  w.qkv = at;
  at += K * 3 * d;
  w.attn = at;
  at += m.heads * K * K;
  w.ctx = at;
  at += K * d;
  w.r1 = at;
  at += K * d;
  w.hid = at;
  at += K * m.ffn;
  w.r2 = at;
  at += K * d;
  w.pooled = at;
  return w;
}

// In-place LayerNorm of x[0..n): two passes in float, as the twin does it.
VG_SEQ_HD void LayerNorm(float* x, int n, const float* gamma, const float* beta, float epsilon) {
  float mean = 0.0f;
  for (int i = 0; i < n; ++i) mean += x[i];
  mean /= static_cast<float>(n);
  float var = 0.0f;
  for (int i = 0; i < n; ++i) {
    const float c = x[i] - mean;
    var += c * c;
  }
  var /= static_cast<float>(n);
  const float inv = 1.0f / sqrtf(var + epsilon);
  for (int i = 0; i < n; ++i) x[i] = (x[i] - mean) * inv * gamma[i] + beta[i];
}

// Softmax of scores[0..n) in place (n >= 1).
VG_SEQ_HD void Softmax(float* scores, int n) {
  float max = scores[0];
  for (int t = 1; t < n; ++t) max = scores[t] > max ? scores[t] : max;
  float sum = 0.0f;
  for (int t = 0; t < n; ++t) {
    scores[t] = expf(scores[t] - max);
    sum += scores[t];
  }
  const float inv = 1.0f / sum;
  for (int t = 0; t < n; ++t) scores[t] *= inv;
}

VG_SEQ_HD float Sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

// Everything a block reads and writes.
struct BlockArgs {
  Dims m;
  PackedLayout l;
  Constants c;
  const float* w;  // packed weights
  const float* x;  // the block's first row, [rows][K][D]
  int* ints;       // workspace
  float* floats;
  float* logit;  // the block's first output
  float* score;
};

// The forward pass of `rows` rows through for_each (see the file comment).
#ifdef __CUDACC__
#pragma nv_exec_check_disable
#endif
template <typename ForEach>
VG_SEQ_HD void ForwardBlock(const BlockArgs& a, ForEach for_each) {
  const Dims& m = a.m;
  const int K = m.steps;
  const int D = m.channels;
  const int d = m.model;
  const int d3 = 3 * d;
  const int F = m.ffn;
  const int dh = m.head_dim();
  const float* w = a.w;
  const PackedLayout& l = a.l;
  auto row = [&](int r) { return RowAt(m, a.ints, a.floats, r); };

  // 0. the real steps of each row.
  for_each(1, [&](int r, int) {
    const float* x = a.x + static_cast<size_t>(r) * K * D;
    Row v = row(r);
    int n = 0;
    for (int t = 0; t < K; ++t) {
      if (x[t * D + m.mask_channel] != 0.0f) v.steps[n++] = t;
    }
    *v.count = n;
  });
  // 1. h = x·W_in + b_in + pos.
  for_each(K * d, [&](int r, int e) {
    Row v = row(r);
    const int s = e / d;
    const int j = e - s * d;
    if (s >= *v.count) return;
    const int t = v.steps[s];
    const float* x = a.x + (static_cast<size_t>(r) * K + t) * D;
    float acc = 0.0f;
    for (int i = 0; i < D; ++i) acc += x[i] * w[l.w_in + i * d + j];
    v.h[s * d + j] = acc + w[l.b_in + j] + w[l.pos + t * d + j];
  });
  // 2. q | k | v = h·W_qkv + b_qkv.
  for_each(K * d3, [&](int r, int e) {
    Row v = row(r);
    const int s = e / d3;
    const int c = e - s * d3;
    if (s >= *v.count) return;
    float acc = 0.0f;
    for (int i = 0; i < d; ++i) acc += v.h[s * d + i] * w[l.w_qkv + i * d3 + c];
    v.qkv[s * d3 + c] = acc + w[l.b_qkv + c];
  });
  // 3. attention probabilities per (head, query) over the real keys.
  for_each(m.heads * K, [&](int r, int e) {
    Row v = row(r);
    const int head = e / K;
    const int s = e - head * K;
    const int n = *v.count;
    if (s >= n) return;
    const float* q = v.qkv + s * d3 + head * dh;
    float* p = v.attn + (head * K + s) * K;
    for (int t = 0; t < n; ++t) {
      const float* k = v.qkv + t * d3 + d + head * dh;
      float dot = 0.0f;
      for (int i = 0; i < dh; ++i) dot += q[i] * k[i];
      p[t] = dot * a.c.attention_scale;
    }
    Softmax(p, n);
  });
  // 4. ctx = attn·v, heads side by side.
  for_each(K * d, [&](int r, int e) {
    Row v = row(r);
    const int s = e / d;
    const int j = e - s * d;
    const int n = *v.count;
    if (s >= n) return;
    const float* p = v.attn + ((j / dh) * K + s) * K;
    float acc = 0.0f;
    for (int t = 0; t < n; ++t) acc += p[t] * v.qkv[t * d3 + 2 * d + j];
    v.ctx[s * d + j] = acc;
  });
  // 5. r1 = h + ctx·W_o + b_o.
  for_each(K * d, [&](int r, int e) {
    Row v = row(r);
    const int s = e / d;
    const int j = e - s * d;
    if (s >= *v.count) return;
    float acc = 0.0f;
    for (int i = 0; i < d; ++i) acc += v.ctx[s * d + i] * w[l.w_o + i * d + j];
    v.r1[s * d + j] = v.h[s * d + j] + (acc + w[l.b_o + j]);
  });
  // 6. h1 = LayerNorm(r1).
  for_each(K, [&](int r, int s) {
    Row v = row(r);
    if (s < *v.count) LayerNorm(v.r1 + s * d, d, w + l.ln1_g, w + l.ln1_b, a.c.epsilon);
  });
  // 7. hidden = ReLU(h1·W_1 + b_1).
  for_each(K * F, [&](int r, int e) {
    Row v = row(r);
    const int s = e / F;
    const int f = e - s * F;
    if (s >= *v.count) return;
    float acc = 0.0f;
    for (int i = 0; i < d; ++i) acc += v.r1[s * d + i] * w[l.w_1 + i * F + f];
    acc += w[l.b_1 + f];
    v.hid[s * F + f] = acc > 0.0f ? acc : 0.0f;
  });
  // 8. r2 = h1 + hidden·W_2 + b_2.
  for_each(K * d, [&](int r, int e) {
    Row v = row(r);
    const int s = e / d;
    const int j = e - s * d;
    if (s >= *v.count) return;
    float acc = 0.0f;
    for (int f = 0; f < F; ++f) acc += v.hid[s * F + f] * w[l.w_2 + f * d + j];
    v.r2[s * d + j] = v.r1[s * d + j] + (acc + w[l.b_2 + j]);
  });
  // 9. h2 = LayerNorm(r2).
  for_each(K, [&](int r, int s) {
    Row v = row(r);
    if (s < *v.count) LayerNorm(v.r2 + s * d, d, w + l.ln2_g, w + l.ln2_b, a.c.epsilon);
  });
  // 10. pooled = mean of h2 over the real steps.
  for_each(d, [&](int r, int j) {
    Row v = row(r);
    const int n = *v.count;
    float sum = 0.0f;
    for (int s = 0; s < n; ++s) sum += v.r2[s * d + j];
    v.pooled[j] = sum / static_cast<float>(n);
  });
  // 11. the head.
  for_each(1, [&](int r, int) {
    Row v = row(r);
    float acc = 0.0f;
    for (int j = 0; j < d; ++j) acc += v.pooled[j] * w[l.w_head + j];
    const float logit = acc + w[l.b_head];
    a.logit[r] = logit;
    a.score[r] = Sigmoid(logit);
  });
}

}  // namespace vigil::sequence_model::device

#endif  // VIGIL_NATIVE_GPU_OPS_SEQUENCE_MODEL_SEQUENCE_MODEL_DEVICE_H_
