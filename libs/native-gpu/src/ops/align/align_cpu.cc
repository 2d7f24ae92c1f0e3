// align_cpu.cc: the CPU twin of alignFrames and its reference implementation (see align.h).
//
// FFT: in-place radix-2 decimation in time over split real/imaginary planes. Every 1-D pass runs
// `lanes` transforms side by side (element i of lane l at plane[i * stride + l]), so the butterfly's
// inner loop runs over contiguous lanes and vectorises: columns are transformed directly in the
// image plane (lanes = a chunk of columns), rows through a small transposed tile of kRowTile rows.
// The butterfly indexing and arithmetic are align_device.h's, shared with the CUDA kernels.
//
// Threads: whole pairs per thread when the batch has at least as many pairs as threads; otherwise
// pairs one after another, with the row tiles and column chunks of each FFT spread over threads.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "ops/align/align.h"
#include "ops/align/align_device.h"

namespace vigil::align {

namespace {

constexpr int kRowTile = 16;     // rows per transposed tile (kMinSide <= every FFT height)
constexpr int kColumnChunk = 64; // columns per column-pass work item

// Runs fn(item, worker) for item in [0, count) on `threads` threads (worker in [0, threads)).
// The first exception thrown by any item is rethrown here once all threads have stopped.
template <typename Fn>
void ParallelFor(int count, int threads, Fn fn) {
  threads = std::max(1, std::min(threads, count));
  if (threads == 1) {
    for (int i = 0; i < count; ++i) fn(i, 0);
    return;
  }
  std::atomic<int> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto body = [&](int worker) {
    try {
      for (int i = next++; i < count; i = next++) fn(i, worker);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      next = count;
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(threads - 1));
  for (int w = 1; w < threads; ++w) pool.emplace_back(body, w);
  body(0);
  for (std::thread& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

// `lanes` in-place 1-D transforms of length n (a power of two); element i of lane l is at
// re/im[i * stride + l]. inverse: conjugate twiddles, no 1/n scaling.
// Also compiled for AVX2, picked at load time where the CPU has it (~1.4x at 128 x 128): the lanes
// are independent and AVX2 brings no FMA, so every lane computes the same bytes as the default build.
__attribute__((target_clones("avx2", "default")))
void FftLanes(float* re, float* im, int n, size_t stride, int lanes, const float* twiddle_re,
              const float* twiddle_im, bool inverse) {
  int bits = 0;
  while ((1 << bits) < n) ++bits;
  for (int i = 0; i < n; ++i) {
    const int j = device::BitReverse(i, bits);
    if (j <= i) continue;
    std::swap_ranges(re + i * stride, re + i * stride + lanes, re + j * stride);
    std::swap_ranges(im + i * stride, im + i * stride + lanes, im + j * stride);
  }
  const float sign = inverse ? -1.0f : 1.0f;
  for (int h = 1; h < n; h <<= 1) {
    for (int j = 0; j < n / 2; ++j) {
      int t = 0;
      const int i1 = device::ButterflyIndex(j, h, n, &t);
      const float wr = twiddle_re[t];
      const float wi = sign * twiddle_im[t];
      float* __restrict ar = re + i1 * stride;
      float* __restrict ai = im + i1 * stride;
      float* __restrict br = re + (i1 + h) * stride;
      float* __restrict bi = im + (i1 + h) * stride;
      for (int l = 0; l < lanes; ++l) device::Butterfly(ar[l], ai[l], br[l], bi[l], wr, wi);
    }
  }
}

// Per-thread buffers for one pair.
struct Workspace {
  std::vector<float> z_re, z_im;  // packed images, then their spectrum
  std::vector<float> s_re, s_im;  // cross-power spectrum, then the correlation surface
  std::vector<std::vector<float>> tile_re, tile_im;  // [inner thread][Pw * kRowTile]
};

// In-place 2-D transform of a fft_height x fft_width plane pair: rows, then columns.
void Fft2D(float* re, float* im, const Tables& t, bool inverse, int threads, Workspace& ws) {
  const int ph = t.fft_height;
  const int pw = t.fft_width;
  ParallelFor(ph / kRowTile, threads, [&](int item, int worker) {
    float* tr = ws.tile_re[worker].data();
    float* ti = ws.tile_im[worker].data();
    const size_t row0 = static_cast<size_t>(item) * kRowTile;
    for (int l = 0; l < kRowTile; ++l) {
      const float* src_re = re + (row0 + l) * pw;
      const float* src_im = im + (row0 + l) * pw;
      for (int i = 0; i < pw; ++i) {
        tr[i * kRowTile + l] = src_re[i];
        ti[i * kRowTile + l] = src_im[i];
      }
    }
    FftLanes(tr, ti, pw, kRowTile, kRowTile, t.twiddle_x_re.data(), t.twiddle_x_im.data(), inverse);
    for (int l = 0; l < kRowTile; ++l) {
      float* dst_re = re + (row0 + l) * pw;
      float* dst_im = im + (row0 + l) * pw;
      for (int i = 0; i < pw; ++i) {
        dst_re[i] = tr[i * kRowTile + l];
        dst_im[i] = ti[i * kRowTile + l];
      }
    }
  });
  const int chunk = std::min(kColumnChunk, pw);
  ParallelFor(pw / chunk, threads, [&](int item, int) {
    const size_t c0 = static_cast<size_t>(item) * chunk;
    FftLanes(re + c0, im + c0, ph, static_cast<size_t>(pw), chunk, t.twiddle_y_re.data(),
             t.twiddle_y_im.data(), inverse);
  });
}

struct Moments {
  double mean = 0.0;
  double inv_std = 0.0;  // 0 for a constant image
};

// Two-pass mean and population std in double.
template <typename T>
Moments ImageMoments(const T* image, size_t n) {
  double sum = 0.0;
  for (size_t i = 0; i < n; ++i) sum += device::PixelValue(image, i);
  Moments m;
  m.mean = sum / static_cast<double>(n);
  double m2 = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double d = device::PixelValue(image, i) - m.mean;
    m2 += d * d;
  }
  const double std = std::sqrt(m2 / static_cast<double>(n));
  m.inv_std = std > 0.0 ? 1.0 / std : 0.0;
  return m;
}

struct Estimate {
  double dx = 0.0, dy = 0.0, confidence = 0.0;
};

// One phase correlation of ref and frame, the frame's window moved by (ox, oy).
template <typename T>
Estimate Correlate(const Params& p, const Tables& t, const T* ref, const T* frame,
                   const Moments& mr, const Moments& mf, int ox, int oy, int threads,
                   Workspace& ws) {
  const int h = p.height;
  const int w = p.width;
  const int ph = t.fft_height;
  const int pw = t.fft_width;
  const size_t plane = static_cast<size_t>(ph) * pw;
  // 1. Normalise, window, zero-pad: z = ref + i frame.
  std::fill(ws.z_re.begin(), ws.z_re.end(), 0.0f);
  std::fill(ws.z_im.begin(), ws.z_im.end(), 0.0f);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const size_t src = static_cast<size_t>(y) * w + x;
      const size_t dst = static_cast<size_t>(y) * pw + x;
      const float wr = t.window_y[y] * t.window_x[x];
      const float wf = device::WindowAt(t.window_x.data(), t.window_y.data(), w, h, x, y, ox, oy);
      ws.z_re[dst] = device::Pack(device::PixelValue(ref, src), mr.mean, mr.inv_std, wr);
      ws.z_im[dst] = device::Pack(device::PixelValue(frame, src), mf.mean, mf.inv_std, wf);
    }
  }
  // 2. Spectrum.
  Fft2D(ws.z_re.data(), ws.z_im.data(), t, false, threads, ws);
  // 3. Weighted, normalised cross-power spectrum.
  for (int ky = 0; ky < ph; ++ky) {
    const int ny = (ph - ky) & (ph - 1);
    for (int kx = 0; kx < pw; ++kx) {
      const int nx = (pw - kx) & (pw - 1);
      const size_t k = static_cast<size_t>(ky) * pw + kx;
      const size_t n = static_cast<size_t>(ny) * pw + nx;
      device::CrossPower(ws.z_re[k], ws.z_im[k], ws.z_re[n], ws.z_im[n],
                         t.gauss_y[ky] * t.gauss_x[kx], &ws.s_re[k], &ws.s_im[k]);
    }
  }
  // 4. Correlation surface (its real part).
  Fft2D(ws.s_re.data(), ws.s_im.data(), t, true, threads, ws);
  // 5. First maximum, sub-pixel fit.
  const int peak = static_cast<int>(std::max_element(ws.s_re.begin(), ws.s_re.begin() + plane) -
                                    ws.s_re.begin());
  Estimate e;
  device::FitPeak(ws.s_re.data(), 1, ph, pw, peak, t.surface_scale, &e.dx, &e.dy, &e.confidence);
  return e;
}

template <typename T>
void AlignPair(const Params& p, const Tables& t, int64_t pair, int threads, Workspace& ws,
               const Outputs& out) {
  const T* ref = static_cast<const T*>(p.references) + p.reference_of(pair) * p.image_size();
  const T* frame = static_cast<const T*>(p.frames) + pair * p.image_size();
  const Moments mr = ImageMoments(ref, p.image_size());
  const Moments mf = ImageMoments(frame, p.image_size());
  // Pass 1 with both windows in place; pass 2 with the frame's window following the content.
  Estimate e = Correlate(p, t, ref, frame, mr, mf, 0, 0, threads, ws);
  const int ox = device::RoundShift(e.dx);
  const int oy = device::RoundShift(e.dy);
  if (ox != 0 || oy != 0) e = Correlate(p, t, ref, frame, mr, mf, ox, oy, threads, ws);
  out.dx[pair] = e.dx;
  out.dy[pair] = e.dy;
  out.confidence[pair] = e.confidence;
  // 6. Warp the frame back onto the reference grid.
  if (out.warped != nullptr) {
    const int h = p.height;
    const int w = p.width;
    float* dst = out.warped + pair * p.image_size();
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        dst[static_cast<size_t>(y) * w + x] = device::Bilinear(frame, w, h, x + e.dx, y + e.dy);
      }
    }
  }
}

void Prepare(const Tables& t, int inner_threads, Workspace* ws) {
  const size_t plane = static_cast<size_t>(t.fft_height) * t.fft_width;
  ws->z_re.resize(plane);
  ws->z_im.resize(plane);
  ws->s_re.resize(plane);
  ws->s_im.resize(plane);
  ws->tile_re.assign(static_cast<size_t>(inner_threads),
                     std::vector<float>(static_cast<size_t>(t.fft_width) * kRowTile));
  ws->tile_im = ws->tile_re;
}

template <typename T>
Status Run(const Params& p, const Outputs& out) {
  const Tables t = MakeTables(p.height, p.width);
  int threads = p.threads > 0 ? p.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::max(threads, 1);
  if (p.pairs >= threads || threads == 1) {
    const int outer = static_cast<int>(std::min<int64_t>(threads, p.pairs));
    std::vector<Workspace> spaces(static_cast<size_t>(outer));
    for (Workspace& ws : spaces) Prepare(t, 1, &ws);
    ParallelFor(static_cast<int>(p.pairs), outer, [&](int pair, int worker) {
      AlignPair<T>(p, t, pair, 1, spaces[worker], out);
    });
  } else {
    Workspace ws;
    Prepare(t, threads, &ws);
    for (int64_t pair = 0; pair < p.pairs; ++pair) AlignPair<T>(p, t, pair, threads, ws, out);
  }
  return Status::Ok();
}

}  // namespace

Status AlignCpu(const Params& params, const Outputs& out) {
  if (params.pairs == 0) return Status::Ok();
  return params.pixel == PixelType::kGray8 ? Run<uint8_t>(params, out) : Run<float>(params, out);
}

}  // namespace vigil::align
