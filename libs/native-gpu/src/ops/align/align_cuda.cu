// align_cuda.cu: CUDA kernels for alignFrames (phase correlation; semantics in align.h).
//
// What: per batch, six kernels on one stream: image moments (a block per image, two-pass, double),
// pack (normalise, window, zero-pad, z = ref + i frame), the forward 2-D FFT as a row pass and a
// column pass, the weighted normalised cross-power spectrum, the inverse 2-D FFT, the peak (a block
// per pair: arg-max reduction, then align_device.h's Gaussian fit), and optionally the bilinear
// warp. The FFT is our own: each block loads T whole 1-D transforms (rows, or T adjacent columns so
// loads coalesce in T-wide segments) into shared memory in bit-reversed order, runs the log2(n)
// radix-2 DIT stages with align_device.h's butterfly (the CPU twin's), and stores them back.
//
// Why this way: every side is a power of two <= 1024, so one transform always fits in shared
// memory and a 2-D FFT is two passes over global memory; no cuFFT (it is not part of the toolkit
// we build against, and a static cuFFT would add ~100 MB to the addon). The per-element math is
// shared with the CPU twin (align_cpu.cc), which is the reference the GPU spec compares against.
//
// Build: compiled by the binding.gyp nvcc rule only when a CUDA toolkit is found
// (NATIVE_GPU_WITH_CUDA); cudart is linked statically.
//
// Variants: blockSize (element-wise and reduction kernels: a multiple of 32 in [32, 1024]) x
// fftTransforms (transforms per FFT block: a power of two, clamped to 4096 / n elements of shared
// memory and, for columns, to the FFT width). test/align-frames.gpu-spec.ts validates each.

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "cuda/check.h"
#include "cuda/device_buffer.h"
#include "cuda/event_timer.h"
#include "cuda/stream.h"
#include "ops/align/align.h"
#include "ops/align/align_device.h"
#include "status.h"

namespace vigil::align {

// -------------------------------------------------------------------------------------------------
// CPU reference
// -------------------------------------------------------------------------------------------------
// The reference is the CPU twin, AlignCpu (align_cpu.cc): the same tables and per-element math,
// with the FFT run as vectorised lanes instead of shared-memory blocks.

namespace {

constexpr int kFftElementsPerBlock = 4096;  // 32 KiB of float2 shared memory
constexpr int kFftMaxThreads = 512;

struct TableArgs {
  const float* window_x;
  const float* window_y;
  const float* gauss_x;
  const float* gauss_y;
  const float* twiddle_x_re;
  const float* twiddle_x_im;
  const float* twiddle_y_re;
  const float* twiddle_y_im;
};

// -------------------------------------------------------------------------------------------------
// kernels
// -------------------------------------------------------------------------------------------------

// Block-wide sum of a double (any multiple of 32 threads); the result is valid in thread 0.
__device__ double BlockSum(double x, double* scratch) {
  for (int offset = 16; offset > 0; offset /= 2) x += __shfl_down_sync(0xffffffffu, x, offset);
  const int warp = threadIdx.x / 32;
  if ((threadIdx.x & 31) == 0) scratch[warp] = x;
  __syncthreads();
  x = 0.0;
  if (warp == 0) {
    const int warps = blockDim.x / 32;
    x = static_cast<int>(threadIdx.x) < warps ? scratch[threadIdx.x] : 0.0;
    for (int offset = 16; offset > 0; offset /= 2) x += __shfl_down_sync(0xffffffffu, x, offset);
  }
  __syncthreads();  // scratch is reused by the next call
  return x;
}

// moments[image] = (mean, 1 / std or 0): two passes, double, one block per image.
template <typename T>
__global__ void MomentsKernel(const T* images, size_t pixels, double2* moments) {
  __shared__ double scratch[32];
  __shared__ double mean;
  const T* image = images + blockIdx.x * pixels;
  double sum = 0.0;
  for (size_t i = threadIdx.x; i < pixels; i += blockDim.x) sum += device::PixelValue(image, i);
  sum = BlockSum(sum, scratch);
  if (threadIdx.x == 0) mean = sum / static_cast<double>(pixels);
  __syncthreads();
  double m2 = 0.0;
  for (size_t i = threadIdx.x; i < pixels; i += blockDim.x) {
    const double d = device::PixelValue(image, i) - mean;
    m2 += d * d;
  }
  m2 = BlockSum(m2, scratch);
  if (threadIdx.x == 0) {
    const double std = sqrt(m2 / static_cast<double>(pixels));
    moments[blockIdx.x] = make_double2(mean, std > 0.0 ? 1.0 / std : 0.0);
  }
}

struct Shape {
  int64_t pairs;
  int64_t num_references;
  int height, width, fft_height, fft_width;
  __host__ __device__ size_t image() const { return static_cast<size_t>(height) * width; }
  __host__ __device__ size_t plane() const { return static_cast<size_t>(fft_height) * fft_width; }
};

// z[pair] = window * (ref - mean) / std + i window' * (frame - mean) / std, zero-padded, where
// window' is the window moved by offsets[pair] (align_device.h WindowAt).
// moments: [num_references] references, then [pairs] frames.
template <typename T>
__global__ void PackKernel(const T* refs, const T* frames, const double2* moments,
                           const int2* offsets, Shape s, TableArgs t, float2* z) {
  const size_t plane = s.plane();
  const size_t total = static_cast<size_t>(s.pairs) * plane;
  for (size_t e = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; e < total;
       e += static_cast<size_t>(gridDim.x) * blockDim.x) {
    const int64_t pair = static_cast<int64_t>(e / plane);
    const size_t k = e - pair * plane;
    const int y = static_cast<int>(k / s.fft_width);
    const int x = static_cast<int>(k - static_cast<size_t>(y) * s.fft_width);
    float2 v = make_float2(0.0f, 0.0f);
    if (y < s.height && x < s.width) {
      const int64_t r = s.num_references == 1 ? 0 : pair;
      const size_t pixel = static_cast<size_t>(y) * s.width + x;
      const float wr = t.window_y[y] * t.window_x[x];
      const int2 o = offsets[pair];
      const float wf = device::WindowAt(t.window_x, t.window_y, s.width, s.height, x, y, o.x, o.y);
      const double2 mr = moments[r];
      const double2 mf = moments[s.num_references + pair];
      v.x = device::Pack(device::PixelValue(refs + r * s.image(), pixel), mr.x, mr.y, wr);
      v.y = device::Pack(device::PixelValue(frames + pair * s.image(), pixel), mf.x, mf.y, wf);
    }
    z[e] = v;
  }
}

// In-place 1-D FFTs of length n = 2^bits: `total` transforms, transform g starting at
// data[base(g)] with element stride `stride`. Rows: base = g * n, stride 1. Columns (kColumns):
// g = image * width + column, base = image * plane + column, stride = width. A block takes
// `per_block` consecutive transforms (for columns, all of one image).
template <bool kColumns>
__global__ void FftKernel(float2* data, int n, int bits, int64_t total, int per_block, int width,
                          size_t plane, const float* twiddle_re, const float* twiddle_im,
                          bool inverse) {
  extern __shared__ float2 buffer[];
  const int64_t g0 = static_cast<int64_t>(blockIdx.x) * per_block;
  const int elements = n * per_block;
  auto address = [&](int t, int i) -> size_t {
    const int64_t g = g0 + t;
    if constexpr (kColumns) {
      const int64_t image = g / width;
      return static_cast<size_t>(image) * plane + static_cast<size_t>(g - image * width) +
             static_cast<size_t>(i) * width;
    } else {
      return static_cast<size_t>(g) * n + i;
    }
  };
  for (int e = threadIdx.x; e < elements; e += blockDim.x) {
    const int t = kColumns ? e % per_block : e / n;
    const int i = kColumns ? e / per_block : e % n;
    buffer[t * n + device::BitReverse(i, bits)] =
        g0 + t < total ? data[address(t, i)] : make_float2(0.0f, 0.0f);
  }
  __syncthreads();
  const float sign = inverse ? -1.0f : 1.0f;
  const int half = n / 2;
  for (int h = 1; h < n; h <<= 1) {
    for (int j = threadIdx.x; j < elements / 2; j += blockDim.x) {
      const int t = j / half;
      int tw = 0;
      const int i1 = t * n + device::ButterflyIndex(j - t * half, h, n, &tw);
      float2 a = buffer[i1];
      float2 b = buffer[i1 + h];
      device::Butterfly(a.x, a.y, b.x, b.y, twiddle_re[tw], sign * twiddle_im[tw]);
      buffer[i1] = a;
      buffer[i1 + h] = b;
    }
    __syncthreads();
  }
  for (int e = threadIdx.x; e < elements; e += blockDim.x) {
    const int t = kColumns ? e % per_block : e / n;
    const int i = kColumns ? e / per_block : e % n;
    if (g0 + t < total) data[address(t, i)] = buffer[t * n + i];
  }
}

// s = G * X / |X| with X = B conj(A), from the packed spectrum z (align_device.h CrossPower).
__global__ void CrossPowerKernel(const float2* z, Shape s, TableArgs t, float2* out) {
  const size_t plane = s.plane();
  const size_t total = static_cast<size_t>(s.pairs) * plane;
  const int ph = s.fft_height;
  const int pw = s.fft_width;
  for (size_t e = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; e < total;
       e += static_cast<size_t>(gridDim.x) * blockDim.x) {
    const size_t base = (e / plane) * plane;
    const size_t k = e - base;
    const int ky = static_cast<int>(k / pw);
    const int kx = static_cast<int>(k - static_cast<size_t>(ky) * pw);
    const size_t neg = base + static_cast<size_t>((ph - ky) & (ph - 1)) * pw + ((pw - kx) & (pw - 1));
    const float2 zk = z[e];
    const float2 zn = z[neg];
    float2 r;
    device::CrossPower(zk.x, zk.y, zn.x, zn.y, t.gauss_y[ky] * t.gauss_x[kx], &r.x, &r.y);
    out[e] = r;
  }
}

// One block per pair: the first maximum of the surface's real part, then the Gaussian fit.
// next_offsets (pass 1 only) gets the rounded shift that pass 2 moves the frame's window by.
__global__ void PeakKernel(const float2* surface, Shape s, double scale, double* dx, double* dy,
                           double* confidence, int2* next_offsets) {
  __shared__ float best_value[32];
  __shared__ int best_index[32];
  const size_t plane = s.plane();
  const float2* own = surface + blockIdx.x * plane;
  float value = -__int_as_float(0x7f800000);  // -inf
  int index = 0x7fffffff;
  for (int i = threadIdx.x; i < static_cast<int>(plane); i += blockDim.x) {
    const float v = own[i].x;
    if (v > value) {  // i only grows per thread, so ties keep the first
      value = v;
      index = i;
    }
  }
  auto better = [](float v, int i, float bv, int bi) { return v > bv || (v == bv && i < bi); };
  for (int offset = 16; offset > 0; offset /= 2) {
    const float v = __shfl_down_sync(0xffffffffu, value, offset);
    const int i = __shfl_down_sync(0xffffffffu, index, offset);
    if (better(v, i, value, index)) {
      value = v;
      index = i;
    }
  }
  const int warp = threadIdx.x / 32;
  if ((threadIdx.x & 31) == 0) {
    best_value[warp] = value;
    best_index[warp] = index;
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    for (int w = 1; w < static_cast<int>(blockDim.x / 32); ++w) {
      if (better(best_value[w], best_index[w], value, index)) {
        value = best_value[w];
        index = best_index[w];
      }
    }
    // A NaN-free surface always has a maximum; index 0 guards the impossible empty case.
    if (index == 0x7fffffff) index = 0;
    device::FitPeak(reinterpret_cast<const float*>(own), 2, s.fft_height, s.fft_width, index,
                    scale, &dx[blockIdx.x], &dy[blockIdx.x], &confidence[blockIdx.x]);
    if (next_offsets != nullptr) {
      next_offsets[blockIdx.x] =
          make_int2(device::RoundShift(dx[blockIdx.x]), device::RoundShift(dy[blockIdx.x]));
    }
  }
}

// warped(x, y) = frame(x + dx, y + dy), bilinear with edge replication.
template <typename T>
__global__ void WarpKernel(const T* frames, const double* dx, const double* dy, Shape s,
                           float* warped) {
  const size_t image = s.image();
  const size_t total = static_cast<size_t>(s.pairs) * image;
  for (size_t e = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; e < total;
       e += static_cast<size_t>(gridDim.x) * blockDim.x) {
    const int64_t pair = static_cast<int64_t>(e / image);
    const size_t pixel = e - pair * image;
    const int y = static_cast<int>(pixel / s.width);
    const int x = static_cast<int>(pixel - static_cast<size_t>(y) * s.width);
    warped[e] = device::Bilinear(frames + pair * image, s.width, s.height, x + dx[pair],
                                 y + dy[pair]);
  }
}

// -------------------------------------------------------------------------------------------------
// launchers
// -------------------------------------------------------------------------------------------------

unsigned GridFor(size_t total, int block, int sm_count) {
  const size_t cover = (total + block - 1) / block;
  return static_cast<unsigned>(std::max<size_t>(1, std::min<size_t>(cover, size_t{32} * sm_count)));
}

// One 1-D FFT pass over every row (kColumns false) or every column of every pair's plane.
template <bool kColumns>
Status LaunchFft(float2* data, const Shape& s, const float* twiddle_re, const float* twiddle_im,
                 bool inverse, int requested, cudaStream_t stream) {
  const int n = kColumns ? s.fft_height : s.fft_width;
  int bits = 0;
  while ((1 << bits) < n) ++bits;
  int per_block = requested > 0 ? requested : kFftElementsPerBlock / n;
  per_block = std::max(1, std::min(per_block, kFftElementsPerBlock / n));
  if (kColumns) per_block = std::min(per_block, s.fft_width);  // a block stays in one image
  const int64_t total = s.pairs * (kColumns ? s.fft_width : s.fft_height);
  const int64_t blocks = (total + per_block - 1) / per_block;
  const int threads = std::min(n * per_block / 2, kFftMaxThreads);
  const size_t shared = static_cast<size_t>(n) * per_block * sizeof(float2);
  FftKernel<kColumns><<<static_cast<unsigned>(blocks), threads, shared, stream>>>(
      data, n, bits, total, per_block, s.fft_width, s.plane(), twiddle_re, twiddle_im, inverse);
  VG_CUDA_RETURN_IF_ERROR(cudaGetLastError());
  return Status::Ok();
}

Status Fft2D(float2* data, const Shape& s, const TableArgs& t, bool inverse, int requested,
             cudaStream_t stream) {
  VG_RETURN_IF_ERROR(
      LaunchFft<false>(data, s, t.twiddle_x_re, t.twiddle_x_im, inverse, requested, stream));
  return LaunchFft<true>(data, s, t.twiddle_y_re, t.twiddle_y_im, inverse, requested, stream);
}

template <typename T>
Status Run(const Params& p, const Outputs& out) {
  cudaGetLastError();  // drop a stale non-sticky error left on this thread by an earlier call
  int device = 0;
  int sm_count = 0;
  VG_CUDA_RETURN_IF_ERROR(cudaGetDevice(&device));
  VG_CUDA_RETURN_IF_ERROR(
      cudaDeviceGetAttribute(&sm_count, cudaDevAttrMultiProcessorCount, device));
  const int block = p.launch.block_size;
  if (block < 32 || block > 1024 || block % 32 != 0) {
    return Status::Error("blockSize must be a multiple of 32 in [32, 1024]");
  }

  // Declared before the buffers, so destroyed after them: every buffer frees before the stream.
  cuda::CudaStream stream;
  VG_RETURN_IF_ERROR(stream.Create());
  cudaStream_t st = stream.get();

  const Tables tables = MakeTables(p.height, p.width);
  Shape s{p.pairs, p.num_references, p.height, p.width, tables.fft_height, tables.fft_width};
  const size_t pairs = static_cast<size_t>(p.pairs);
  const size_t refs = static_cast<size_t>(p.num_references);

  cuda::DeviceBuffer<T> d_refs, d_frames;
  cuda::DeviceBuffer<float> wx, wy, gx, gy, txr, txi, tyr, tyi;
  cuda::DeviceBuffer<double2> moments;
  cuda::DeviceBuffer<int2> offsets;
  cuda::DeviceBuffer<float2> z, surface;
  cuda::DeviceBuffer<double> dx, dy, confidence;
  cuda::DeviceBuffer<float> warped;
  VG_RETURN_IF_ERROR(d_refs.AllocateAndUpload(static_cast<const T*>(p.references), refs * s.image(), st));
  VG_RETURN_IF_ERROR(d_frames.AllocateAndUpload(static_cast<const T*>(p.frames), pairs * s.image(), st));
  VG_RETURN_IF_ERROR(wx.AllocateAndUpload(tables.window_x.data(), tables.window_x.size(), st));
  VG_RETURN_IF_ERROR(wy.AllocateAndUpload(tables.window_y.data(), tables.window_y.size(), st));
  VG_RETURN_IF_ERROR(gx.AllocateAndUpload(tables.gauss_x.data(), tables.gauss_x.size(), st));
  VG_RETURN_IF_ERROR(gy.AllocateAndUpload(tables.gauss_y.data(), tables.gauss_y.size(), st));
  VG_RETURN_IF_ERROR(txr.AllocateAndUpload(tables.twiddle_x_re.data(), tables.twiddle_x_re.size(), st));
  VG_RETURN_IF_ERROR(txi.AllocateAndUpload(tables.twiddle_x_im.data(), tables.twiddle_x_im.size(), st));
  VG_RETURN_IF_ERROR(tyr.AllocateAndUpload(tables.twiddle_y_re.data(), tables.twiddle_y_re.size(), st));
  VG_RETURN_IF_ERROR(tyi.AllocateAndUpload(tables.twiddle_y_im.data(), tables.twiddle_y_im.size(), st));
  VG_RETURN_IF_ERROR(moments.Allocate(refs + pairs));
  VG_RETURN_IF_ERROR(offsets.Allocate(pairs));
  VG_RETURN_IF_ERROR(z.Allocate(pairs * s.plane()));
  VG_RETURN_IF_ERROR(surface.Allocate(pairs * s.plane()));
  VG_RETURN_IF_ERROR(dx.Allocate(pairs));
  VG_RETURN_IF_ERROR(dy.Allocate(pairs));
  VG_RETURN_IF_ERROR(confidence.Allocate(pairs));
  if (out.warped != nullptr) VG_RETURN_IF_ERROR(warped.Allocate(pairs * s.image()));
  const TableArgs t{wx.get(), wy.get(), gx.get(), gy.get(), txr.get(), txi.get(), tyr.get(), tyi.get()};

  cuda::EventTimer timer(out.timing != nullptr);
  VG_RETURN_IF_ERROR(timer.Start(st));

  MomentsKernel<T><<<static_cast<unsigned>(refs), block, 0, st>>>(d_refs.get(), s.image(), moments.get());
  VG_CUDA_RETURN_IF_ERROR(cudaGetLastError());
  MomentsKernel<T><<<static_cast<unsigned>(pairs), block, 0, st>>>(d_frames.get(), s.image(),
                                                                  moments.get() + refs);
  VG_CUDA_RETURN_IF_ERROR(cudaGetLastError());
  VG_CUDA_RETURN_IF_ERROR(cudaMemsetAsync(offsets.get(), 0, pairs * sizeof(int2), st));
  const unsigned grid = GridFor(pairs * s.plane(), block, sm_count);
  // Pass 1 with both windows in place; pass 2 with the frame's window following the content
  // (a pair whose pass-1 shift rounds to 0 repeats pass 1 exactly, as the CPU twin skips it).
  for (int pass = 0; pass < 2; ++pass) {
    PackKernel<T><<<grid, block, 0, st>>>(d_refs.get(), d_frames.get(), moments.get(),
                                          offsets.get(), s, t, z.get());
    VG_CUDA_RETURN_IF_ERROR(cudaGetLastError());
    VG_RETURN_IF_ERROR(Fft2D(z.get(), s, t, false, p.launch.fft_transforms, st));
    CrossPowerKernel<<<grid, block, 0, st>>>(z.get(), s, t, surface.get());
    VG_CUDA_RETURN_IF_ERROR(cudaGetLastError());
    VG_RETURN_IF_ERROR(Fft2D(surface.get(), s, t, true, p.launch.fft_transforms, st));
    PeakKernel<<<static_cast<unsigned>(pairs), block, 0, st>>>(
        surface.get(), s, tables.surface_scale, dx.get(), dy.get(), confidence.get(),
        pass == 0 ? offsets.get() : nullptr);
    VG_CUDA_RETURN_IF_ERROR(cudaGetLastError());
  }
  if (out.warped != nullptr) {
    WarpKernel<T><<<GridFor(pairs * s.image(), block, sm_count), block, 0, st>>>(
        d_frames.get(), dx.get(), dy.get(), s, warped.get());
    VG_CUDA_RETURN_IF_ERROR(cudaGetLastError());
  }
  VG_RETURN_IF_ERROR(timer.Stop(st));

  VG_RETURN_IF_ERROR(dx.Download(out.dx, pairs, st));
  VG_RETURN_IF_ERROR(dy.Download(out.dy, pairs, st));
  VG_RETURN_IF_ERROR(confidence.Download(out.confidence, pairs, st));
  if (out.warped != nullptr) VG_RETURN_IF_ERROR(warped.Download(out.warped, pairs * s.image(), st));
  VG_RETURN_IF_ERROR(stream.Synchronize());  // also surfaces asynchronous kernel faults
  if (timer.enabled()) {
    VG_RETURN_IF_ERROR(timer.Accumulate());
    *out.timing = {timer.total_ms(), DeviceBytes(p, tables)};
  }
  return Status::Ok();
}

}  // namespace

Status AlignCuda(const Params& p, const Outputs& out) {
  if (p.pairs == 0) return Status::Ok();
  return p.pixel == PixelType::kGray8 ? Run<uint8_t>(p, out) : Run<float>(p, out);
}

}  // namespace vigil::align
