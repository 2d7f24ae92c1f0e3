// clip_model_cpu.cc: the CPU twin of the clip model and its reference (see clip_model.h).
//
// Clips are independent: threads take one clip at a time and run the whole graph on it, so a clip's
// result never depends on its batch or the thread count (bit for bit). Every conv is an im2col plus
// one GEMM and every matrix product (linear layers, attention) the same GEMM, whose register tiles
// (8 or 4 rows × 32 columns) sum each output over K in order. Forward is cloned for AVX-512, AVX2 + FMA
// and baseline x86-64 (target_clones: the loader picks one by CPUID), with every helper inlined.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "ops/clip_model/clip_model.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VG_CLIP_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define VG_CLIP_CLONES
#endif
#define VG_CLIP_INLINE inline __attribute__((always_inline))

namespace vigil::clip_model {

namespace {

// Threads that share one clip (a batch of one): each runs Forward on the same Scratch, GEMMs split by
// column panels and attention by heads, the rest done by part 0; Sync() between dependent stages.
// Every output is still computed by one thread with the tile's fixed order, so the split changes
// no result.
class SpinBarrier {
 public:
  explicit SpinBarrier(int n) : n_(n) {}
  void Wait() {
    const int generation = generation_.load(std::memory_order_acquire);
    if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == n_) {
      arrived_.store(0, std::memory_order_relaxed);
      generation_.store(generation + 1, std::memory_order_release);
      return;
    }
    // Stages last microseconds, so spin first; yield after that (the machine may be oversubscribed).
    for (int spins = 0; generation_.load(std::memory_order_acquire) == generation; ++spins) {
      if (spins > 2000) std::this_thread::yield();
    }
  }

 private:
  const int n_;
  std::atomic<int> arrived_{0};
  std::atomic<int> generation_{0};
};

struct Team {
  int part = 0;
  int parts = 1;
  SpinBarrier* barrier = nullptr;
  bool lead() const { return part == 0; }
  void Sync() const {
    if (parts > 1) barrier->Wait();
  }
};

// Activations, sized once for the model (scores once per team member).
struct Scratch {
  Scratch(const Dims& m, int parts) {
    const size_t h2 = static_cast<size_t>(m.height / 2) * (m.width / 2);
    const size_t s = static_cast<size_t>(m.tokens());
    const size_t d = static_cast<size_t>(m.model);
    // im2col of the widest conv: conv1 (3·16 taps over H/2·W/2), conv2, conv3, head1.
    const size_t conv1_cols = static_cast<size_t>(kTimeKernel) * 16 * h2;
    const size_t conv2_cols = static_cast<size_t>(m.features()) * 9 * h2 / 4;
    const size_t conv3_cols = static_cast<size_t>(m.c2) * 9 * s;
    const size_t head1_cols = static_cast<size_t>(m.heat + m.features()) * 9 * h2;
    cols.resize(std::max({conv1_cols, conv2_cols, conv3_cols, head1_cols}));
    conv1.resize(static_cast<size_t>(m.c1) * h2);
    cat.resize(static_cast<size_t>(m.heat + m.features()) * h2);
    conv2.resize(static_cast<size_t>(m.c2) * h2 / 4);
    conv3.resize(d * s);
    t.resize(s * d);
    a.resize(s * d);
    q.resize(s * d);
    k.resize(s * d);
    kt.resize(s * d);
    v.resize(s * d);
    ctx.resize(std::max(s, size_t{2}) * d);  // also the pooled [2d]
    hid.resize(s * std::max<size_t>(m.ffn, static_cast<size_t>(m.upscale) * m.upscale * m.heat));
    scores.resize(static_cast<size_t>(parts) * s * s);
    head1.resize(static_cast<size_t>(m.hidden) * h2);
  }
  std::vector<float> cols, conv1, cat, conv2, conv3, t, a, q, k, kt, v, ctx, hid, scores, head1;
};

// One register tile of C = init + A·B: R rows × (kFull ? kTileN : nw) columns, the sum over K in
// order, so every output has one fixed summation order whatever the tiling around it.
constexpr int kTileN = 32;
template <int R, bool kFull>
VG_CLIP_INLINE void GemmTile(const float* __restrict a, int lda, const float* __restrict b, int ldb,
                             int kdim, int nw, const float* row_bias, const float* col_bias, bool relu,
                             float* __restrict c, int ldc) {
  const int n = kFull ? kTileN : nw;
  float acc[R][kTileN];
  for (int r = 0; r < R; ++r) {
    for (int j = 0; j < n; ++j) {
      acc[r][j] = row_bias != nullptr ? row_bias[r] : col_bias != nullptr ? col_bias[j] : 0.0f;
    }
  }
  for (int kk = 0; kk < kdim; ++kk) {
    const float* __restrict br = b + static_cast<size_t>(kk) * ldb;
    for (int r = 0; r < R; ++r) {
      const float av = a[static_cast<size_t>(r) * lda + kk];
      for (int j = 0; j < n; ++j) acc[r][j] += av * br[j];
    }
  }
  for (int r = 0; r < R; ++r) {
    float* __restrict out = c + static_cast<size_t>(r) * ldc;
    for (int j = 0; j < n; ++j) out[j] = relu && acc[r][j] < 0.0f ? 0.0f : acc[r][j];
  }
}

template <int R>
VG_CLIP_INLINE void GemmRows(const float* a, int lda, const float* b, int ldb, int n_cols, int kdim,
                             const float* row_bias, const float* col_bias, bool relu, float* c, int ldc,
                             int n0) {
  const int nw = std::min(kTileN, n_cols - n0);
  const float* cb = col_bias != nullptr ? col_bias + n0 : nullptr;
  if (nw == kTileN) {
    GemmTile<R, true>(a, lda, b + n0, ldb, kdim, nw, row_bias, cb, relu, c + n0, ldc);
  } else {
    GemmTile<R, false>(a, lda, b + n0, ldb, kdim, nw, row_bias, cb, relu, c + n0, ldc);
  }
}

// C[M][N] = act(bias + A[M][K] · B[K][N]) with a bias per row (row_bias[M]) or per column
// (col_bias[N]) or none. Column panels outermost so each B panel stays in cache across all rows;
// the team splits the panels.
VG_CLIP_INLINE void Gemm(const float* a, int lda, const float* b, int ldb, int rows, int n_cols,
                         int kdim, const float* row_bias, const float* col_bias, bool relu, float* c,
                         int ldc, const Team& team) {
  for (int n0 = team.part * kTileN; n0 < n_cols; n0 += team.parts * kTileN) {
    int m = 0;
    for (; m + 8 <= rows; m += 8) {
      GemmRows<8>(a + static_cast<size_t>(m) * lda, lda, b, ldb, n_cols, kdim,
                  row_bias != nullptr ? row_bias + m : nullptr, col_bias, relu,
                  c + static_cast<size_t>(m) * ldc, ldc, n0);
    }
    for (; m + 4 <= rows; m += 4) {
      GemmRows<4>(a + static_cast<size_t>(m) * lda, lda, b, ldb, n_cols, kdim,
                  row_bias != nullptr ? row_bias + m : nullptr, col_bias, relu,
                  c + static_cast<size_t>(m) * ldc, ldc, n0);
    }
    for (; m < rows; ++m) {
      GemmRows<1>(a + static_cast<size_t>(m) * lda, lda, b, ldb, n_cols, kdim,
                  row_bias != nullptr ? row_bias + m : nullptr, col_bias, relu,
                  c + static_cast<size_t>(m) * ldc, ldc, n0);
    }
  }
}

// out[o][y][x] = act(b[o] + Σ_{i,ky,kx} W[o][i][ky][kx] · in[i][y·S + ky − pad][x·S + kx − pad]) (zero
// outside the h × w planes), as one GEMM over an im2col matrix cols[i·kh·kw][ho·wo].
VG_CLIP_INLINE void Conv2d(const float* __restrict in, int cin, int h, int w, int stride,
                           const float* __restrict weight, const float* __restrict bias, int cout,
                           int kh, int kw, int pad, bool relu, float* __restrict cols,
                           float* __restrict out, const Team& team) {
  const int ho = (h + 2 * pad - kh) / stride + 1;
  const int wo = (w + 2 * pad - kw) / stride + 1;
  const int n = ho * wo;
  for (int i = 0; i < cin; ++i) {
    const float* plane = in + static_cast<size_t>(i) * h * w;
    for (int ky = 0; ky < kh; ++ky) {
      for (int kx = 0; kx < kw; ++kx) {
        const int tap = (i * kh + ky) * kw + kx;
        if (tap % team.parts != team.part) continue;
        float* row = cols + static_cast<size_t>(tap) * n;
        for (int y = 0; y < ho; ++y) {
          const int iy = y * stride + ky - pad;
          float* dst = row + y * wo;
          if (iy < 0 || iy >= h) {
            std::fill(dst, dst + wo, 0.0f);
            continue;
          }
          const float* src = plane + static_cast<size_t>(iy) * w;
          for (int x = 0; x < wo; ++x) {
            const int ix = x * stride + kx - pad;
            dst[x] = ix >= 0 && ix < w ? src[ix] : 0.0f;
          }
        }
      }
    }
  }
  const int kdim = cin * kh * kw;
  team.Sync();
  Gemm(weight, kdim, cols, n, cout, n, kdim, bias, nullptr, relu, out, n, team);
  team.Sync();
}

// y[s][j] = act(b[j] + Σ_i x[s][i] · W[i][j]), W [k][n].
VG_CLIP_INLINE void Linear(const float* __restrict x, int rows, int k, const float* __restrict weight,
                           const float* __restrict bias, int n, bool relu, float* __restrict y,
                           const Team& team) {
  Gemm(x, k, weight, n, rows, n, k, nullptr, bias, relu, y, n, team);
}

VG_CLIP_INLINE void LayerNorm(const float* __restrict x, int rows, int d, const float* __restrict g,
                              const float* __restrict b, float eps, float* __restrict y) {
  for (int s = 0; s < rows; ++s) {
    const float* in = x + static_cast<size_t>(s) * d;
    float* out = y + static_cast<size_t>(s) * d;
    float mean = 0.0f;
    for (int j = 0; j < d; ++j) mean += in[j];
    mean /= static_cast<float>(d);
    float var = 0.0f;
    for (int j = 0; j < d; ++j) var += (in[j] - mean) * (in[j] - mean);
    var /= static_cast<float>(d);
    const float inv = 1.0f / std::sqrt(var + eps);
    for (int j = 0; j < d; ++j) out[j] = (in[j] - mean) * inv * g[j] + b[j];
  }
}

VG_CLIP_CLONES void Forward(const Model& model, const float* clip, Scratch& w, float* logits,
                            float* heatmap, const Team& team) {
  const Dims& m = model.dims;
  const Layout& l = model.layout;
  const float* wt = model.weights.data();
  const int h2 = m.height / 2, w2 = m.width / 2, plane2 = h2 * w2;
  const int steps = m.frames - kTimeKernel + 1;
  const int S = m.tokens(), d = m.model, F = m.features();
  const bool lead = team.lead();

  // conv1 per output time step (three frames as three input planes), pooled into f, which sits
  // after the decoder's k channels in `cat` (the heatmap head's concat(g, f)).
  float* f = w.cat.data() + static_cast<size_t>(m.heat) * plane2;
  float* f_mean = f;
  float* f_max = f + static_cast<size_t>(m.c1) * plane2;
  for (int t = 0; t < steps; ++t) {
    Conv2d(clip + static_cast<size_t>(t) * m.height * m.width, kTimeKernel, m.height, m.width, 2,
           wt + l.conv1_w, wt + l.conv1_b, m.c1, 4, 4, 1, true, w.cols.data(), w.conv1.data(), team);
    if (!lead) continue;
    const float* c = w.conv1.data();
    if (t == 0) {
      std::copy(c, c + static_cast<size_t>(m.c1) * plane2, f_mean);
      std::copy(c, c + static_cast<size_t>(m.c1) * plane2, f_max);
    } else {
      for (int e = 0; e < m.c1 * plane2; ++e) {
        f_mean[e] += c[e];
        f_max[e] = std::max(f_max[e], c[e]);
      }
    }
  }
  if (lead) {
    const float inv_steps = 1.0f / static_cast<float>(steps);
    for (int e = 0; e < m.c1 * plane2; ++e) f_mean[e] *= inv_steps;
  }
  team.Sync();

  Conv2d(f, F, h2, w2, 2, wt + l.conv2_w, wt + l.conv2_b, m.c2, 3, 3, 1, true, w.cols.data(),
         w.conv2.data(), team);
  Conv2d(w.conv2.data(), m.c2, h2 / 2, w2 / 2, 2, wt + l.conv3_w, wt + l.conv3_b, d, 3, 3, 1, true,
         w.cols.data(), w.conv3.data(), team);

  // Tokens: t[s][c] = conv3[c][s] + pos[s][c].
  float* t = w.t.data();
  if (lead) {
    for (int s = 0; s < S; ++s) {
      for (int c = 0; c < d; ++c) t[s * d + c] = w.conv3[static_cast<size_t>(c) * S + s] + wt[l.pos + s * d + c];
    }
  }

  const int heads = m.heads, dh = d / heads;
  const float eps = model.constants.epsilon, scale = model.constants.attention_scale;
  for (const LayerLayout& y : l.layers) {
    if (lead) LayerNorm(t, S, d, wt + y.ln1_g, wt + y.ln1_b, eps, w.a.data());
    team.Sync();
    Linear(w.a.data(), S, d, wt + y.w_q, wt + y.b_q, d, false, w.q.data(), team);
    Linear(w.a.data(), S, d, wt + y.w_k, wt + y.b_k, d, false, w.k.data(), team);
    Linear(w.a.data(), S, d, wt + y.w_v, wt + y.b_v, d, false, w.v.data(), team);
    team.Sync();
    // Per head: scores = q_h · k_hᵀ (k transposed once so both GEMM operands run contiguously),
    // softmax per row, context = P · v_h. Heads go to team members whole.
    float* kt = w.kt.data();
    if (lead) {
      for (int r = 0; r < S; ++r) {
        for (int c = 0; c < d; ++c) kt[static_cast<size_t>(c) * S + r] = w.k[static_cast<size_t>(r) * d + c];
      }
    }
    team.Sync();
    const Team alone;
    float* p = w.scores.data() + static_cast<size_t>(team.part) * S * S;
    for (int hd = team.part; hd < heads; hd += team.parts) {
      const int off = hd * dh;
      Gemm(w.q.data() + off, d, kt + static_cast<size_t>(off) * S, S, S, S, dh, nullptr, nullptr, false, p, S,
           alone);
      for (int s = 0; s < S; ++s) {
        float* row = p + static_cast<size_t>(s) * S;
        float top = -INFINITY;
        for (int r = 0; r < S; ++r) {
          row[r] *= scale;
          top = std::max(top, row[r]);
        }
        float sum = 0.0f;
        for (int r = 0; r < S; ++r) {
          row[r] = std::exp(row[r] - top);
          sum += row[r];
        }
        const float inv = 1.0f / sum;
        for (int r = 0; r < S; ++r) row[r] *= inv;
      }
      Gemm(p, S, w.v.data() + off, d, S, dh, S, nullptr, nullptr, false, w.ctx.data() + off, d, alone);
    }
    team.Sync();
    Linear(w.ctx.data(), S, d, wt + y.w_o, wt + y.b_o, d, false, w.a.data(), team);
    team.Sync();
    if (lead) {
      for (int e = 0; e < S * d; ++e) t[e] += w.a[e];
      LayerNorm(t, S, d, wt + y.ln2_g, wt + y.ln2_b, eps, w.a.data());
    }
    team.Sync();
    Linear(w.a.data(), S, d, wt + y.w_1, wt + y.b_1, m.ffn, true, w.hid.data(), team);
    team.Sync();
    Linear(w.hid.data(), S, m.ffn, wt + y.w_2, wt + y.b_2, d, false, w.q.data(), team);
    team.Sync();
    if (lead) {
      for (int e = 0; e < S * d; ++e) t[e] += w.q[e];
    }
  }
  if (lead) LayerNorm(t, S, d, wt + l.final_g, wt + l.final_b, eps, w.a.data());
  team.Sync();
  const float* enc = w.a.data();

  // Heatmap: each token's u×u·k values placed on its cells, then the two convs over concat(g, f).
  const int u = m.upscale, k = m.heat, gw = m.grid_w();
  const int cell_values = u * u * k;
  Linear(enc, S, d, wt + l.heat_w, wt + l.heat_b, cell_values, false, w.hid.data(), team);
  if (lead) {
    // Class head over concat(mean token, max token), while the others finish their panels.
    float* pooled = w.ctx.data();  // 2d floats
    for (int c = 0; c < d; ++c) {
      float sum = 0.0f, top = -INFINITY;
      for (int s = 0; s < S; ++s) {
        sum += enc[s * d + c];
        top = std::max(top, enc[s * d + c]);
      }
      pooled[c] = sum / static_cast<float>(S);
      pooled[d + c] = top;
    }
    Linear(pooled, 1, 2 * d, wt + l.cls_w, wt + l.cls_b, m.classes, false, logits, Team());
  }
  team.Sync();
  if (lead) {
    for (int s = 0; s < S; ++s) {
      const int gy = s / gw, gx = s % gw;
      const float* values = w.hid.data() + static_cast<size_t>(s) * cell_values;
      for (int uy = 0; uy < u; ++uy) {
        for (int ux = 0; ux < u; ++ux) {
          for (int kc = 0; kc < k; ++kc) {
            w.cat[static_cast<size_t>(kc) * plane2 + (gy * u + uy) * w2 + gx * u + ux] = values[(uy * u + ux) * k + kc];
          }
        }
      }
    }
  }
  team.Sync();
  Conv2d(w.cat.data(), k + F, h2, w2, 1, wt + l.head1_w, wt + l.head1_b, m.hidden, 3, 3, 1, true,
         w.cols.data(), w.head1.data(), team);
  if (!lead) return;
  const float* w2h = wt + l.head2_w;
  const float b2 = wt[l.head2_b];
  for (int e = 0; e < plane2; ++e) heatmap[e] = b2;
  for (int c = 0; c < m.hidden; ++c) {
    const float wc = w2h[c];
    const float* src = w.head1.data() + static_cast<size_t>(c) * plane2;
    for (int e = 0; e < plane2; ++e) heatmap[e] += wc * src[e];
  }
  for (int e = 0; e < plane2; ++e) heatmap[e] = 1.0f / (1.0f + std::exp(-heatmap[e]));
}

}  // namespace

// A batch of one is split across threads inside the clip (see Team); larger batches give each
// thread whole clips.
Status ClipModelCpu(const Model& model, const Params& p, const Outputs& out) {
  static const int hardware = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int64_t wanted = p.threads > 0 ? p.threads : hardware;
  const Dims& m = model.dims;
  const size_t clip_size = static_cast<size_t>(m.clip_size());
  const size_t heat_size = static_cast<size_t>(m.heat_h()) * m.heat_w();
  if (p.count == 1 && wanted > 1) {
    const int parts = static_cast<int>(std::min<int64_t>(wanted, 2));  // 2 already takes most of it
    Scratch scratch(m, parts);
    SpinBarrier barrier(parts);
    std::thread helper;
    try {
      helper = std::thread([&]() { Forward(model, p.clips, scratch, out.logits, out.heatmap, Team{1, parts, &barrier}); });
    } catch (const std::system_error&) {
      Forward(model, p.clips, scratch, out.logits, out.heatmap, Team());  // no thread: run alone
      return Status::Ok();
    }
    Forward(model, p.clips, scratch, out.logits, out.heatmap, Team{0, parts, &barrier});
    helper.join();
    return Status::Ok();
  }
  const int threads = static_cast<int>(std::max<int64_t>(1, std::min(wanted, p.count)));
  std::atomic<int64_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto body = [&]() {
    try {
      Scratch scratch(m, 1);
      for (int64_t n = next++; n < p.count; n = next++) {
        Forward(model, p.clips + n * clip_size, scratch, out.logits + n * m.classes,
                out.heatmap + n * heat_size, Team());
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      next = p.count;
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(threads - 1));
  for (int t = 1; t < threads; ++t) {
    try {
      pool.emplace_back(body);
    } catch (const std::system_error&) {
      break;  // no more threads: those running (and this one) drain the remaining clips
    }
  }
  body();
  for (std::thread& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  return Status::Ok();
}

}  // namespace vigil::clip_model
