// sequence_model_cpu.cc: the CPU twin of the sequence model and its reference (see
// sequence_model.h).
//
// Rows are independent, so threads take chunks of rows and each row runs the layer alone over its
// L real steps; a row's result never depends on its batch or the thread count (bit for bit).
// Every weight product is Linear(): [L × k]·[k × n] in tiles of 32 output columns held in registers
// for two steps at a time (each weight row loaded once per two FMAs); the tile loops have constant
// trip counts, so the compiler vectorises them, and ForwardRow is cloned for AVX-512, AVX2 + FMA
// and baseline x86-64 (target_clones: the loader picks one by CPUID, so one binary runs
// everywhere). The sums run in the same order as the kernel's (sequence_model_device.h): over the
// inner index ascending, then + bias, then the residual.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "ops/sequence_model/sequence_model.h"
#include "ops/sequence_model/sequence_model_device.h"
#include "parallel_tasks.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VG_SEQ_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define VG_SEQ_CLONES
#endif
#define VG_SEQ_INLINE inline __attribute__((always_inline))

namespace vigil::sequence_model {

namespace {

constexpr int kTile = 32;         // output columns per register tile
constexpr int kChunk = 16;        // attention: keys or head columns per register chunk
constexpr int kRowsPerTask = 16;  // rows a thread takes at a time
// A thread is only worth starting for this many rows (~2 ms of work): below it, starting one costs
// more than it saves, most of all on a loaded machine.
constexpr int64_t kRowsPerThread = 128;

// y[s][j] = (Σ_i x[s][i]·W[i][j] + bias[j]) for s < rows, then ReLU when kRelu. x rows at stride
// x_stride, W [k][n], y rows at stride n.
template <bool kRelu>
VG_SEQ_INLINE void Linear(const float* __restrict x, int x_stride, int rows, int k,
                          const float* __restrict weight, const float* __restrict bias, int n,
                          float* __restrict y) {
  auto finish = [](float v) { return kRelu ? (v > 0.0f ? v : 0.0f) : v; };
  int j0 = 0;
  for (; j0 + kTile <= n; j0 += kTile) {
    int s = 0;
    for (; s + 2 <= rows; s += 2) {
      float a0[kTile] = {};
      float a1[kTile] = {};
      const float* x0 = x + s * x_stride;
      const float* x1 = x0 + x_stride;
      for (int i = 0; i < k; ++i) {
        const float* wr = weight + i * n + j0;
        const float u = x0[i];
        const float v = x1[i];
        for (int j = 0; j < kTile; ++j) {
          a0[j] += u * wr[j];
          a1[j] += v * wr[j];
        }
      }
      for (int j = 0; j < kTile; ++j) {
        y[s * n + j0 + j] = finish(a0[j] + bias[j0 + j]);
        y[(s + 1) * n + j0 + j] = finish(a1[j] + bias[j0 + j]);
      }
    }
    if (s < rows) {
      float a0[kTile] = {};
      const float* x0 = x + s * x_stride;
      for (int i = 0; i < k; ++i) {
        const float* wr = weight + i * n + j0;
        const float u = x0[i];
        for (int j = 0; j < kTile; ++j) a0[j] += u * wr[j];
      }
      for (int j = 0; j < kTile; ++j) y[s * n + j0 + j] = finish(a0[j] + bias[j0 + j]);
    }
  }
  if (j0 == n) return;
  // Columns past the last whole tile (widths that are not multiples of 32).
  for (int s = 0; s < rows; ++s) {
    for (int j = j0; j < n; ++j) {
      float acc = 0.0f;
      for (int i = 0; i < k; ++i) acc += x[s * x_stride + i] * weight[i * n + j];
      y[s * n + j] = finish(acc + bias[j]);
    }
  }
}

// Per-thread scratch for one row, sized for the model.
struct Scratch {
  std::vector<float> x, h, qkv, kt, p, ctx, tmp, r1, hid, r2;
  std::vector<int> steps;

  explicit Scratch(const Dims& m) {
    const size_t K = m.steps;
    const size_t d = m.model;
    x.resize(K * m.channels);
    h.resize(K * d);
    qkv.resize(K * 3 * d);
    const size_t padded = (K + kChunk - 1) / kChunk * kChunk;
    kt.resize(static_cast<size_t>(m.head_dim()) * padded);
    p.resize(padded);
    ctx.resize(K * d);
    tmp.resize(K * d);
    r1.resize(K * d);
    hid.resize(K * m.ffn);
    r2.resize(K * d);
    steps.resize(K);
  }
};

// One row: returns its logit.
VG_SEQ_CLONES float ForwardRow(const Model& model, const float* row, Scratch& w) {
  const Dims& m = model.dims;
  const PackedLayout& l = model.layout;
  const float* wt = model.weights.data();
  const int K = m.steps;
  const int D = m.channels;
  const int d = m.model;
  const int d3 = 3 * d;
  const int dh = m.head_dim();
  const float scale = model.constants.attention_scale;
  const float eps = model.constants.epsilon;

  // The real steps, gathered.
  int n = 0;
  for (int t = 0; t < K; ++t) {
    if (row[t * D + m.mask_channel] != 0.0f) {
      w.steps[n] = t;
      std::copy(row + t * D, row + (t + 1) * D, w.x.data() + n * D);
      ++n;
    }
  }
  // h = x·W_in + b_in + pos.
  Linear<false>(w.x.data(), D, n, D, wt + l.w_in, wt + l.b_in, d, w.h.data());
  for (int s = 0; s < n; ++s) {
    const float* pos = wt + l.pos + w.steps[s] * d;
    float* h = w.h.data() + s * d;
    for (int j = 0; j < d; ++j) h[j] += pos[j];
  }
  // q | k | v.
  Linear<false>(w.h.data(), d, n, d, wt + l.w_qkv, wt + l.b_qkv, d3, w.qkv.data());
  // Attention per head, in register chunks of kChunk: a score row is Σ_c q[c]·kᵀ[c][t0..t0+16)
  // (kᵀ [dh][padded n], zero columns past n), a context chunk Σ_t p[t]·v[t][c0..c0+16).
  const int padded = (n + kChunk - 1) / kChunk * kChunk;
  for (int head = 0; head < m.heads; ++head) {
    const int off = head * dh;
    for (int c = 0; c < dh; ++c) {
      float* kc = w.kt.data() + c * padded;
      for (int t = 0; t < n; ++t) kc[t] = w.qkv[t * d3 + d + off + c];
      std::fill(kc + n, kc + padded, 0.0f);
    }
    for (int s = 0; s < n; ++s) {
      float* p = w.p.data();
      const float* q = w.qkv.data() + s * d3 + off;
      for (int t0 = 0; t0 < padded; t0 += kChunk) {
        float acc[kChunk] = {};
        for (int c = 0; c < dh; ++c) {
          const float qc = q[c];
          const float* kc = w.kt.data() + c * padded + t0;
          for (int j = 0; j < kChunk; ++j) acc[j] += qc * kc[j];
        }
        for (int j = 0; j < kChunk; ++j) p[t0 + j] = acc[j] * scale;
      }
      device::Softmax(p, n);
      float* ctx = w.ctx.data() + s * d + off;
      int c0 = 0;
      for (; c0 + kChunk <= dh; c0 += kChunk) {
        float acc[kChunk] = {};
        for (int t = 0; t < n; ++t) {
          const float pt = p[t];
          const float* v = w.qkv.data() + t * d3 + 2 * d + off + c0;
          for (int j = 0; j < kChunk; ++j) acc[j] += pt * v[j];
        }
        std::copy(acc, acc + kChunk, ctx + c0);
      }
      for (int c = c0; c < dh; ++c) {  // head widths that are not multiples of kChunk
        float acc = 0.0f;
        for (int t = 0; t < n; ++t) acc += p[t] * w.qkv[t * d3 + 2 * d + off + c];
        ctx[c] = acc;
      }
    }
  }
  // h1 = LayerNorm(h + ctx·W_o + b_o).
  Linear<false>(w.ctx.data(), d, n, d, wt + l.w_o, wt + l.b_o, d, w.tmp.data());
  for (int e = 0; e < n * d; ++e) w.r1[e] = w.h[e] + w.tmp[e];
  for (int s = 0; s < n; ++s)
    device::LayerNorm(w.r1.data() + s * d, d, wt + l.ln1_g, wt + l.ln1_b, eps);
  // h2 = LayerNorm(h1 + ReLU(h1·W_1 + b_1)·W_2 + b_2).
  Linear<true>(w.r1.data(), d, n, d, wt + l.w_1, wt + l.b_1, m.ffn, w.hid.data());
  Linear<false>(w.hid.data(), m.ffn, n, m.ffn, wt + l.w_2, wt + l.b_2, d, w.tmp.data());
  for (int e = 0; e < n * d; ++e) w.r2[e] = w.r1[e] + w.tmp[e];
  for (int s = 0; s < n; ++s)
    device::LayerNorm(w.r2.data() + s * d, d, wt + l.ln2_g, wt + l.ln2_b, eps);
  // Masked mean, then the head.
  float* pooled = w.tmp.data();
  std::fill(pooled, pooled + d, 0.0f);
  for (int s = 0; s < n; ++s) {
    const float* h2 = w.r2.data() + s * d;
    for (int j = 0; j < d; ++j) pooled[j] += h2[j];
  }
  float logit = 0.0f;
  for (int j = 0; j < d; ++j) logit += pooled[j] / static_cast<float>(n) * wt[l.w_head + j];
  return logit + wt[l.b_head];
}

}  // namespace

Status SequenceModelCpu(const Model& model, const Params& p, const Outputs& out) {
  const int64_t tasks = (p.rows + kRowsPerTask - 1) / kRowsPerTask;
  const int64_t wanted =
      p.threads > 0
          ? p.threads
          : std::min<int64_t>(HardwareThreads(), (p.rows + kRowsPerThread - 1) / kRowsPerThread);
  const size_t row_size = static_cast<size_t>(model.dims.row_size());
  ParallelTasks(tasks, static_cast<int>(wanted), [&]() {
    return [&, scratch = Scratch(model.dims)](int64_t task) mutable {
      const int64_t end = std::min(p.rows, (task + 1) * kRowsPerTask);
      for (int64_t r = task * kRowsPerTask; r < end; ++r) {
        const float logit = ForwardRow(model, p.sequences + r * row_size, scratch);
        out.logit[r] = logit;
        out.score[r] = device::Sigmoid(logit);
      }
    };
  });
  return Status::Ok();
}

}  // namespace vigil::sequence_model
