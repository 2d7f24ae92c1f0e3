// clip_model_cpu.cc: the CPU twin of the clip model and its reference (see clip_model.h).
//
// Clips are independent: threads take one clip at a time and run the whole graph on it, so a clip's
// result never depends on its batch or the thread count (bit for bit). Every matrix product (convs,
// linear layers, attention) is the same GEMM, whose register tiles (8 or 4 rows × 32 columns) sum
// each output over K in order. A conv reads its input through zero-padded phase planes (one per
// stride phase, see ConvGeometry) instead of an im2col matrix: each tap is then a contiguous window,
// so the GEMM takes one row pointer per tap and the copy is the size of the input, not taps times
// larger. Forward is cloned for AVX-512, AVX2 + FMA and baseline x86-64 (target_clones: the loader
// picks one by CPUID), with every helper inlined.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <system_error>
#include <thread>
#include <type_traits>
#include <vector>

#include "ops/clip_model/clip_model.h"
#include "parallel_tasks.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VG_CLIP_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define VG_CLIP_CLONES
#endif
#define VG_CLIP_INLINE inline __attribute__((always_inline))

namespace vigil::clip_model {

namespace {

// Threads that share one clip (a batch of one): each runs Forward on the same Scratch and takes its
// share of every stage (GEMM tiles, heads, channels, rows); Sync() between dependent stages. Every
// output is still computed by one thread in a fixed order, so the split changes no result.
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
  // This member's share [begin, end) of `n` items, in order.
  int Begin(int n) const { return static_cast<int>(static_cast<int64_t>(n) * part / parts); }
  int End(int n) const { return static_cast<int>(static_cast<int64_t>(n) * (part + 1) / parts); }
};

constexpr int kTileN = 32;  // GEMM tile width (columns)

// A conv with pad 1 and a 3×3 or 4×4 kernel over h × w planes. Its input is copied into stride²
// phase planes per channel, phase (py, px) holding in[s·(Y−1) + py][s·(X−1) + px] at [Y][X] for
// Y < hp, X < wp (zero outside the input), so tap (ky, kx) of every output (y, x) reads phase
// ((ky−1) mod s, (kx−1) mod s) at [y + 1 + ⌊(ky−1)/s⌋][x + 1 + ⌊(kx−1)/s⌋]: one contiguous window of
// the phase per tap. Outputs are computed on rows of wp columns (the last two of each row are junk
// nobody reads), and on whole 32-column tiles: an output channel is ho · wp floats rounded up to a tile
// (row stride wp), and the phase buffer ends with a tile of slack for the last windows to run into.
struct ConvGeometry {
  ConvGeometry(int h, int w, int kernel, int stride)
      : h(h), w(w), kernel(kernel), stride(stride), ho((h + 2 - kernel) / stride + 1),
        wo((w + 2 - kernel) / stride + 1), hp(ho + 2), wp(wo + 2) {}
  int h, w, kernel, stride, ho, wo, hp, wp;
  size_t phase() const { return static_cast<size_t>(hp) * wp; }
  size_t channel_phases() const { return static_cast<size_t>(stride) * stride * phase(); }
  size_t out_plane() const { return (static_cast<size_t>(ho) * wp + kTileN - 1) / kTileN * kTileN; }
  size_t phases_size(int channels) const { return channels * channel_phases() + kTileN; }
  int taps() const { return kernel * kernel; }
};

// Planes of a tensor [c][y][x] at data[c · plane + y · ld + x].
struct Planes {
  const float* data;
  size_t plane;
  int ld;
};

// The shapes of one clip's stages, fixed by the model.
struct Shapes {
  explicit Shapes(const Dims& m)
      : conv1(m.height, m.width, 4, 2), conv2(conv1.ho, conv1.wo, 3, 2), conv3(conv2.ho, conv2.wo, 3, 2),
        head1(conv1.ho, conv1.wo, 3, 1) {}
  ConvGeometry conv1, conv2, conv3, head1;
};

// Activations, sized once for the model (scores and tap tables once per team member).
struct Scratch {
  Scratch(const Dims& m, int parts) : dims(m), parts(parts), shapes(m) {
    const Shapes& g = shapes;
    const size_t s = static_cast<size_t>(m.tokens());
    const size_t d = static_cast<size_t>(m.model);
    const int head_in = m.heat + m.features();
    frames.resize(g.conv1.phases_size(m.frames));
    conv1.resize(2 * static_cast<size_t>(m.c1) * g.conv1.out_plane());  // two steps in flight
    f.resize(static_cast<size_t>(m.features()) * g.conv1.out_plane());
    conv2_in.resize(g.conv2.phases_size(m.features()));
    conv2.resize(static_cast<size_t>(m.c2) * g.conv2.out_plane());
    conv3_in.resize(g.conv3.phases_size(m.c2));
    conv3.resize(d * g.conv3.out_plane());
    head1_in.resize(g.head1.phases_size(head_in));
    head1.resize(static_cast<size_t>(m.hidden) * g.head1.out_plane());
    heat.resize(static_cast<size_t>(m.heat) * g.conv1.ho * g.conv1.wo);
    t.resize(s * d);
    a.resize(s * d);
    q.resize(s * d);
    k.resize(s * d);
    kt.resize(s * d);
    v.resize(s * d);
    ctx.resize(std::max(s, size_t{2}) * d);  // also the pooled [2d]
    hid.resize(s * std::max<size_t>(m.ffn, static_cast<size_t>(m.upscale) * m.upscale * m.heat));
    scores.resize(static_cast<size_t>(parts) * s * s);
    taps = static_cast<size_t>(std::max({kTimeKernel * g.conv1.taps(), m.features() * g.conv2.taps(),
                                         m.c2 * g.conv3.taps(), head_in * g.head1.taps()}));
    rows.resize(static_cast<size_t>(parts) * taps);
  }
  Dims dims;
  int parts;
  Shapes shapes;
  std::vector<float> frames, conv1, f, conv2_in, conv2, conv3_in, conv3, head1_in, head1, heat;
  std::vector<float> t, a, q, k, kt, v, ctx, hid, scores;
  size_t taps;
  std::vector<const float*> rows;
};

// Rows of a GEMM's B operand: a dense matrix, or one pointer per row (a conv's taps).
struct DenseRows {
  const float* b;
  int ldb;
  const float* operator()(int kk) const { return b + static_cast<size_t>(kk) * ldb; }
};
struct TableRows {
  const float* const* rows;
  const float* operator()(int kk) const { return rows[kk]; }
};

// One register tile of C = init + A·B: R rows × W columns (nw when W is 0) from column n0, the sum over
// K in order, so every output has one fixed summation order whatever the tiling around it. Fixed
// widths keep the accumulators in registers.
template <int R, int W, typename B>
VG_CLIP_INLINE void GemmTile(const float* __restrict a, int lda, const B& b, int n0, int kdim, int nw,
                             const float* row_bias, const float* col_bias, bool relu,
                             float* __restrict c, int ldc) {
  const int n = W != 0 ? W : nw;
  float acc[R][W != 0 ? W : kTileN];
  for (int r = 0; r < R; ++r) {
    for (int j = 0; j < n; ++j) {
      acc[r][j] = row_bias != nullptr ? row_bias[r] : col_bias != nullptr ? col_bias[j] : 0.0f;
    }
  }
  for (int kk = 0; kk < kdim; ++kk) {
    const float* __restrict br = b(kk) + n0;
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

template <int R, typename B>
VG_CLIP_INLINE void GemmRows(const float* a, int lda, const B& b, int n_cols, int kdim,
                             const float* row_bias, const float* col_bias, bool relu, float* c, int ldc,
                             int n0) {
  const int nw = std::min(kTileN, n_cols - n0);
  const float* cb = col_bias != nullptr ? col_bias + n0 : nullptr;
  if (nw == kTileN) {
    GemmTile<R, kTileN>(a, lda, b, n0, kdim, nw, row_bias, cb, relu, c + n0, ldc);
  } else if (nw == kTileN / 2) {  // e.g. a 16-wide attention head
    GemmTile<R, kTileN / 2>(a, lda, b, n0, kdim, nw, row_bias, cb, relu, c + n0, ldc);
  } else {
    GemmTile<R, 0>(a, lda, b, n0, kdim, nw, row_bias, cb, relu, c + n0, ldc);
  }
}

// C[M][N] = act(bias + A[M][K] · B[K][N]) with a bias per row (row_bias[M]) or per column
// (col_bias[N]) or none. The work is column panels × blocks of 8 rows, panel-major so each B panel
// stays in cache across its rows; the team splits that sequence into contiguous shares (whole
// panels when there are many, rows of a panel when there are few).
template <typename B>
VG_CLIP_INLINE void Gemm(const float* a, int lda, const B& b, int rows, int n_cols, int kdim,
                         const float* row_bias, const float* col_bias, bool relu, float* c, int ldc,
                         const Team& team) {
  const int blocks = (rows + 7) / 8;
  const int units = (n_cols + kTileN - 1) / kTileN * blocks;
  for (int unit = team.Begin(units); unit < team.End(units); ++unit) {
    const int n0 = unit / blocks * kTileN;
    const int end = std::min(rows, unit % blocks * 8 + 8);
    for (int m = unit % blocks * 8; m < end;) {
      const float* am = a + static_cast<size_t>(m) * lda;
      const float* rb = row_bias != nullptr ? row_bias + m : nullptr;
      float* cm = c + static_cast<size_t>(m) * ldc;
      if (m + 8 <= end) {
        GemmRows<8>(am, lda, b, n_cols, kdim, rb, col_bias, relu, cm, ldc, n0);
        m += 8;
      } else if (m + 4 <= end) {
        GemmRows<4>(am, lda, b, n_cols, kdim, rb, col_bias, relu, cm, ldc, n0);
        m += 4;
      } else {
        GemmRows<1>(am, lda, b, n_cols, kdim, rb, col_bias, relu, cm, ldc, n0);
        m += 1;
      }
    }
  }
}

// One phase row: dst[xp] = row[S·(xp − 1) + px] where that is inside the row's w values, else zero.
// S is a constant so the copy vectorises.
template <int S>
VG_CLIP_INLINE void PhaseRow(const float* __restrict row, int w, int px, int wp, float* __restrict dst) {
  const int inside = std::min(wp, (w - 1 - px) / S + 2);
  dst[0] = 0.0f;
  for (int xp = 1; xp < inside; ++xp) dst[xp] = row[S * (xp - 1) + px];
  std::fill(dst + inside, dst + wp, 0.0f);
}

// The phase planes of `channels` input planes (see ConvGeometry); the team splits the channels.
VG_CLIP_INLINE void BuildPhases(const Planes& in, int channels, const ConvGeometry& g,
                                float* __restrict phases, const Team& team) {
  const int s = g.stride;
  for (int c = team.Begin(channels); c < team.End(channels); ++c) {
    const float* src = in.data + c * in.plane;
    for (int py = 0; py < s; ++py) {
      for (int px = 0; px < s; ++px) {
        float* ph = phases + c * g.channel_phases() + (py * s + px) * g.phase();
        for (int yp = 0; yp < g.hp; ++yp) {
          const int y = s * (yp - 1) + py;
          float* dst = ph + static_cast<size_t>(yp) * g.wp;
          const float* row = src + static_cast<size_t>(y) * in.ld;
          if (y < 0 || y >= g.h) {
            std::fill(dst, dst + g.wp, 0.0f);
          } else if (s == 1) {
            PhaseRow<1>(row, g.w, px, g.wp, dst);
          } else {
            PhaseRow<2>(row, g.w, px, g.wp, dst);
          }
        }
      }
    }
  }
}

// out[o][y][x] = act(b[o] + Σ_{i,ky,kx} W[o][i][ky][kx] · in[i][y·s + ky − 1][x·s + kx − 1]) from the
// input's phase planes (BuildPhases), as one GEMM whose K rows are the taps' windows; `out` has
// g.out_plane() floats per channel (row stride g.wp). `rows` holds cin · taps pointers.
VG_CLIP_INLINE void Conv(const float* phases, int cin, const ConvGeometry& g, const float* weight,
                         const float* bias, int cout, bool relu, const float** rows, float* out,
                         const Team& team) {
  const int s = g.stride;
  int tap = 0;
  for (int i = 0; i < cin; ++i) {
    for (int ky = 0; ky < g.kernel; ++ky) {
      for (int kx = 0; kx < g.kernel; ++kx) {
        const int py = (ky + s - 1) % s, px = (kx + s - 1) % s;  // phase of offset ky − 1 (≥ −1)
        const int wy = 1 + (ky - 1 - py) / s, wx = 1 + (kx - 1 - px) / s;
        rows[tap++] = phases + i * g.channel_phases() + (py * s + px) * g.phase() + wy * g.wp + wx;
      }
    }
  }
  const int kdim = cin * g.taps();
  const int plane = static_cast<int>(g.out_plane());
  Gemm(weight, kdim, TableRows{rows}, cout, plane, kdim, bias, nullptr, relu, out, plane, team);
}

// y[s][j] = act(b[j] + Σ_i x[s][i] · W[i][j]), W [k][n].
VG_CLIP_INLINE void Linear(const float* __restrict x, int rows, int k, const float* __restrict weight,
                           const float* __restrict bias, int n, bool relu, float* __restrict y,
                           const Team& team) {
  Gemm(x, k, DenseRows{weight, n}, rows, n, k, nullptr, bias, relu, y, n, team);
}

// e^x in [2^−126, 2^127]: Cephes expf (Cody–Waite reduction by ln 2, a degree-6 polynomial, ~1 ulp)
// written so the compiler vectorises loops over it; x is clamped to [−87, 88].
VG_CLIP_INLINE float Exp(float x) {
  x = std::min(std::max(x, -87.0f), 88.0f);
  const float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;  // round(x / ln 2)
  const float r = (x - n * 0.693359375f) + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

// row = softmax(scale · row). Maximum and sum go through kLanes partial results (a fixed order that
// vectorises) before they are combined.
VG_CLIP_INLINE void Softmax(float* __restrict row, int n, float scale) {
  constexpr int kLanes = 16;
  const int whole = n / kLanes * kLanes;
  float lanes[kLanes];
  std::fill(lanes, lanes + kLanes, -INFINITY);
  for (int r0 = 0; r0 < whole; r0 += kLanes) {
    for (int j = 0; j < kLanes; ++j) {
      row[r0 + j] *= scale;
      lanes[j] = std::max(lanes[j], row[r0 + j]);
    }
  }
  for (int r = whole; r < n; ++r) {
    row[r] *= scale;
    lanes[0] = std::max(lanes[0], row[r]);
  }
  float top = lanes[0];
  for (int j = 1; j < kLanes; ++j) top = std::max(top, lanes[j]);
  std::fill(lanes, lanes + kLanes, 0.0f);
  for (int r0 = 0; r0 < whole; r0 += kLanes) {
    for (int j = 0; j < kLanes; ++j) {
      row[r0 + j] = Exp(row[r0 + j] - top);
      lanes[j] += row[r0 + j];
    }
  }
  for (int r = whole; r < n; ++r) {
    row[r] = Exp(row[r] - top);
    lanes[0] += row[r];
  }
  float sum = 0.0f;
  for (int j = 0; j < kLanes; ++j) sum += lanes[j];
  const float inv = 1.0f / sum;
  for (int r = 0; r < n; ++r) row[r] *= inv;
}

// LayerNorm over the team's share of the rows.
VG_CLIP_INLINE void LayerNorm(const float* __restrict x, int rows, int d, const float* __restrict g,
                              const float* __restrict b, float eps, float* __restrict y, const Team& team) {
  for (int s = team.Begin(rows); s < team.End(rows); ++s) {
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

// t += delta over the team's share of the rows.
VG_CLIP_INLINE void AddRows(float* __restrict t, const float* __restrict delta, int rows, int d,
                            const Team& team) {
  for (size_t e = static_cast<size_t>(team.Begin(rows)) * d; e < static_cast<size_t>(team.End(rows)) * d; ++e) {
    t[e] += delta[e];
  }
}

// Time step t of `steps` of conv1 (n values) into the running mean and max.
VG_CLIP_INLINE void PoolStep(const float* __restrict c, size_t n, int t, int steps, float* __restrict mean,
                             float* __restrict top) {
  if (t == 0) {
    std::copy(c, c + n, mean);
    std::copy(c, c + n, top);
    return;
  }
  for (size_t e = 0; e < n; ++e) {
    mean[e] += c[e];
    top[e] = top[e] < c[e] ? c[e] : top[e];
  }
  if (t == steps - 1) {
    const float inv_steps = 1.0f / static_cast<float>(steps);
    for (size_t e = 0; e < n; ++e) mean[e] *= inv_steps;
  }
}

VG_CLIP_CLONES void Forward(const Model& model, const float* clip, Scratch& w, float* logits,
                            float* heatmap, const Team& team) {
  const Dims& m = model.dims;
  const Layout& l = model.layout;
  const Shapes& g = w.shapes;
  const float* wt = model.weights.data();
  const int steps = m.frames - kTimeKernel + 1;
  const int S = m.tokens(), d = m.model, F = m.features();
  const float** rows = w.rows.data() + team.part * w.taps;

  // conv1 per output time step (three frames as three input channels), pooled over time into
  // f = concat(mean, max). Step t's conv1 lands in one of two buffers, so one Sync per step
  // separates it from the pooling of step t − 1 (and each member pools whole channels).
  BuildPhases(Planes{clip, static_cast<size_t>(m.height) * m.width, m.width}, m.frames, g.conv1,
              w.frames.data(), team);
  team.Sync();
  const size_t pooled = static_cast<size_t>(m.c1) * g.conv1.out_plane();
  float* f_mean = w.f.data();
  float* f_max = w.f.data() + pooled;
  for (int t = 0; t < steps; ++t) {
    float* c = w.conv1.data() + (t % 2) * pooled;
    Conv(w.frames.data() + t * g.conv1.channel_phases(), kTimeKernel, g.conv1, wt + l.conv1_w,
         wt + l.conv1_b, m.c1, true, rows, c, team);
    team.Sync();
    const size_t begin = team.Begin(m.c1) * g.conv1.out_plane(), end = team.End(m.c1) * g.conv1.out_plane();
    PoolStep(c + begin, end - begin, t, steps, f_mean + begin, f_max + begin);
  }
  team.Sync();

  // f feeds conv2 and, after the decoder's k channels, the heatmap head (concat(g, f)).
  const Planes f_planes{w.f.data(), g.conv1.out_plane(), g.conv1.wp};
  BuildPhases(f_planes, F, g.conv2, w.conv2_in.data(), team);
  BuildPhases(f_planes, F, g.head1, w.head1_in.data() + m.heat * g.head1.channel_phases(), team);
  team.Sync();
  Conv(w.conv2_in.data(), F, g.conv2, wt + l.conv2_w, wt + l.conv2_b, m.c2, true, rows, w.conv2.data(),
       team);
  team.Sync();
  BuildPhases(Planes{w.conv2.data(), g.conv2.out_plane(), g.conv2.wp}, m.c2, g.conv3, w.conv3_in.data(),
              team);
  team.Sync();
  Conv(w.conv3_in.data(), m.c2, g.conv3, wt + l.conv3_w, wt + l.conv3_b, d, true, rows, w.conv3.data(),
       team);
  team.Sync();

  // Tokens: t[s][c] = conv3[c][s] + pos[s][c].
  float* t = w.t.data();
  const int gw = m.grid_w();
  for (int s = team.Begin(S); s < team.End(S); ++s) {
    const float* cell = w.conv3.data() + (s / gw) * g.conv3.wp + s % gw;
    for (int c = 0; c < d; ++c) t[s * d + c] = cell[c * g.conv3.out_plane()] + wt[l.pos + s * d + c];
  }

  const int heads = m.heads, dh = d / heads;
  const float eps = model.constants.epsilon, scale = model.constants.attention_scale;
  for (const LayerLayout& y : l.layers) {
    team.Sync();
    LayerNorm(t, S, d, wt + y.ln1_g, wt + y.ln1_b, eps, w.a.data(), team);
    team.Sync();
    Linear(w.a.data(), S, d, wt + y.w_q, wt + y.b_q, d, false, w.q.data(), team);
    Linear(w.a.data(), S, d, wt + y.w_k, wt + y.b_k, d, false, w.k.data(), team);
    Linear(w.a.data(), S, d, wt + y.w_v, wt + y.b_v, d, false, w.v.data(), team);
    team.Sync();
    // Per head: scores = q_h · k_hᵀ (k transposed once so both GEMM operands run contiguously),
    // softmax per row, context = P · v_h. Heads go to team members whole.
    float* kt = w.kt.data();
    for (int c = team.Begin(d); c < team.End(d); ++c) {
      for (int r = 0; r < S; ++r) kt[static_cast<size_t>(c) * S + r] = w.k[static_cast<size_t>(r) * d + c];
    }
    team.Sync();
    const Team alone;
    float* p = w.scores.data() + static_cast<size_t>(team.part) * S * S;
    for (int hd = team.part; hd < heads; hd += team.parts) {
      const int off = hd * dh;
      Gemm(w.q.data() + off, d, DenseRows{kt + static_cast<size_t>(off) * S, S}, S, S, dh, nullptr, nullptr,
           false, p, S, alone);
      for (int s = 0; s < S; ++s) Softmax(p + static_cast<size_t>(s) * S, S, scale);
      Gemm(p, S, DenseRows{w.v.data() + off, d}, S, dh, S, nullptr, nullptr, false, w.ctx.data() + off, d,
           alone);
    }
    team.Sync();
    Linear(w.ctx.data(), S, d, wt + y.w_o, wt + y.b_o, d, false, w.a.data(), team);
    team.Sync();
    AddRows(t, w.a.data(), S, d, team);
    LayerNorm(t, S, d, wt + y.ln2_g, wt + y.ln2_b, eps, w.a.data(), team);
    team.Sync();
    Linear(w.a.data(), S, d, wt + y.w_1, wt + y.b_1, m.ffn, true, w.hid.data(), team);
    team.Sync();
    Linear(w.hid.data(), S, m.ffn, wt + y.w_2, wt + y.b_2, d, false, w.q.data(), team);
    team.Sync();
    AddRows(t, w.q.data(), S, d, team);
  }
  team.Sync();
  LayerNorm(t, S, d, wt + l.final_g, wt + l.final_b, eps, w.a.data(), team);
  team.Sync();
  const float* enc = w.a.data();

  // Heatmap: each token's u×u·k values placed on its cells, then the two convs over concat(g, f).
  const int u = m.upscale, k = m.heat, w2 = g.conv1.wo;
  const int cell_values = u * u * k;
  const size_t plane2 = static_cast<size_t>(g.conv1.ho) * w2;
  Linear(enc, S, d, wt + l.heat_w, wt + l.heat_b, cell_values, false, w.hid.data(), team);
  if (team.lead()) {
    // Class head over concat(mean token, max token), while the others finish their tiles.
    float* pooled_tokens = w.ctx.data();  // 2d floats
    for (int c = 0; c < d; ++c) {
      float sum = 0.0f, top = -INFINITY;
      for (int s = 0; s < S; ++s) {
        sum += enc[s * d + c];
        top = std::max(top, enc[s * d + c]);
      }
      pooled_tokens[c] = sum / static_cast<float>(S);
      pooled_tokens[d + c] = top;
    }
    Linear(pooled_tokens, 1, 2 * d, wt + l.cls_w, wt + l.cls_b, m.classes, false, logits, Team());
  }
  team.Sync();
  for (int s = team.Begin(S); s < team.End(S); ++s) {
    const int gy = s / gw, gx = s % gw;
    const float* values = w.hid.data() + static_cast<size_t>(s) * cell_values;
    for (int uy = 0; uy < u; ++uy) {
      for (int ux = 0; ux < u; ++ux) {
        for (int kc = 0; kc < k; ++kc) {
          w.heat[kc * plane2 + (gy * u + uy) * w2 + gx * u + ux] = values[(uy * u + ux) * k + kc];
        }
      }
    }
  }
  team.Sync();
  BuildPhases(Planes{w.heat.data(), plane2, w2}, k, g.head1, w.head1_in.data(), team);
  team.Sync();
  Conv(w.head1_in.data(), k + F, g.head1, wt + l.head1_w, wt + l.head1_b, m.hidden, true, rows,
       w.head1.data(), team);
  team.Sync();
  const float* w2h = wt + l.head2_w;
  const float b2 = wt[l.head2_b];
  for (int yy = team.Begin(g.head1.ho); yy < team.End(g.head1.ho); ++yy) {
    float* out = heatmap + static_cast<size_t>(yy) * w2;
    std::fill(out, out + w2, b2);
    for (int c = 0; c < m.hidden; ++c) {
      const float wc = w2h[c];
      const float* src = w.head1.data() + c * g.head1.out_plane() + static_cast<size_t>(yy) * g.head1.wp;
      for (int x = 0; x < w2; ++x) out[x] += wc * src[x];
    }
    for (int x = 0; x < w2; ++x) out[x] = 1.0f / (1.0f + Exp(-out[x]));
  }
}

// This thread's Scratch for the model, kept between calls: allocating it anew takes fresh pages from
// the kernel every time, which cost a batch of one about half as much again as the clip itself.
// Worker threads keep theirs until they exit (about a megabyte for the shipped model).
Scratch& ThreadScratch(const Dims& m, int parts) {
  static_assert(std::has_unique_object_representations_v<Dims>, "Dims compares bytewise");
  thread_local std::unique_ptr<Scratch> cached;
  if (cached == nullptr || cached->parts < parts || std::memcmp(&cached->dims, &m, sizeof m) != 0) {
    cached.reset();  // the old one first: never hold both
    cached = std::make_unique<Scratch>(m, parts);
  }
  return *cached;
}

}  // namespace

// A batch of one is split across threads inside the clip (see Team); larger batches give each
// thread whole clips.
Status ClipModelCpu(const Model& model, const Params& p, const Outputs& out) {
  const int64_t wanted = p.threads > 0 ? p.threads : HardwareThreads();
  const Dims& m = model.dims;
  const size_t clip_size = static_cast<size_t>(m.clip_size());
  const size_t heat_size = static_cast<size_t>(m.heat_h()) * m.heat_w();
  if (p.count == 1 && wanted > 1) {
    const int parts = static_cast<int>(std::min<int64_t>(wanted, 2));  // 2 already takes most of it
    Scratch& scratch = ThreadScratch(m, parts);
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
  ParallelTasks(p.count, static_cast<int>(wanted), [&]() {
    Scratch& scratch = ThreadScratch(m, 1);
    return [&](int64_t n) {
      Forward(model, p.clips + n * clip_size, scratch, out.logits + n * m.classes,
              out.heatmap + n * heat_size, Team());
    };
  });
  return Status::Ok();
}

}  // namespace vigil::clip_model
