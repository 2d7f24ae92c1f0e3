// align.h: frame alignment by phase correlation (alignFrames), for camera-shake compensation.
//
// What: for each pair p of (reference, frame) images H x W (GRAY8 or float32), estimate the
// translation (dx, dy) with frame(x, y) ~ reference(x - dx, y - dy) (content moved right/down by a
// positive shift), a confidence, and optionally the frame warped back onto the reference grid
// (warped(x, y) = frame(x + dx, y + dy), bilinear, edge pixels replicated outside the frame).
//
// Pipeline, identical on every backend:
//   1. normalise each image to zero mean and unit std (two-pass, double), multiply by a separable
//      Hann window (limits edge effects), zero-pad to the FFT size Ph x Pw = next powers of two;
//   2. one complex 2-D FFT per pair: z = ref + i*frame, split by Hermitian symmetry into A and B;
//   3. normalised cross-power spectrum R = B conj(A) / |B conj(A)|, times a Gaussian G(k) whose
//      inverse transform is a Gaussian of std kPeakSigma px (it also suppresses the whitened
//      high-frequency noise);
//   4. inverse 2-D FFT, divided by sum(G): a correlation surface whose peak is 1 for a perfect
//      circular shift and a Gaussian of std kPeakSigma around the true (sub-pixel) shift;
//   5. integer peak (first maximum in row-major order), then a 3-point Gaussian fit (parabola on
//      the logarithm) along x and y, exact for a Gaussian peak;
//   6. a second pass of 1-5 with the frame's window moved by the rounded first estimate (the
//      windowed images are then shifts of each other: no bias towards 0); skipped when it rounds
//      to (0, 0) on the CPU, repeated identically on the GPU;
//   7. confidence = the fitted peak height: ~1 for identical content, lower with partial overlap or
//      noise, ~0.05-0.15 for unrelated frames (documented in lib/align-frames.ts).
//
// Backends: AlignCpu (align_cpu.cc, the CPU twin and reference) and AlignCuda (align_cuda.cu, only
// with NATIVE_GPU_WITH_CUDA). Both use the tables from MakeTables (align_tables.cc) and the
// per-element math of align_device.h, so they differ only in FFT scheduling and rounding.
//
// Plain C++ (no N-API, no CUDA runtime), so nvcc and the host compiler both include this header.
#ifndef VIGIL_NATIVE_GPU_OPS_ALIGN_ALIGN_H_
#define VIGIL_NATIVE_GPU_OPS_ALIGN_ALIGN_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "device_timing.h"
#include "status.h"

namespace vigil::align {

enum class Backend { kCpu, kCuda };
enum class PixelType { kGray8, kFloat32 };

// Smallest and largest image side; the FFT side (next power of two) is at most kMaxFftSide.
inline constexpr int kMinSide = 16;
inline constexpr int kMaxSide = 1024;
inline constexpr int kMaxFftSide = 1024;
// Std (px) of the Gaussian correlation peak: G(Nyquist) ~ 3e-9, so the peak does not alias, and
// the whitened high frequencies (mostly noise) get little weight.
inline constexpr double kPeakSigma = 2.0;

// CUDA launch configuration.
struct LaunchConfig {
  int block_size = 256;        // threads per block of the element-wise and reduction kernels
  int fft_transforms = 0;      // 1-D transforms per FFT block (power of two); 0 = 4096 / length
};

// Inputs are borrowed: the worker pins the JS buffers that own them for the whole run.
struct Params {
  PixelType pixel = PixelType::kGray8;
  const void* references = nullptr;  // [num_references][height][width]
  const void* frames = nullptr;      // [pairs][height][width]
  int64_t num_references = 1;        // 1 (shared by every pair) or pairs
  int64_t pairs = 0;
  int height = 0;
  int width = 0;
  bool warp = false;
  Backend backend = Backend::kCpu;
  int threads = 0;  // CPU threads; 0 = std::thread::hardware_concurrency
  LaunchConfig launch;

  size_t image_size() const { return static_cast<size_t>(height) * static_cast<size_t>(width); }
  int64_t reference_of(int64_t pair) const { return num_references == 1 ? 0 : pair; }
};

// Callers allocate; backends only write. warped is nullptr unless params.warp.
struct Outputs {
  double* dx = nullptr;          // [pairs]
  double* dy = nullptr;          // [pairs]
  double* confidence = nullptr;  // [pairs]
  float* warped = nullptr;       // [pairs][height][width]
  // CUDA only, when not nullptr (bytes by DeviceBytes' model).
  DeviceTiming* timing = nullptr;
};

// Host-computed tables shared by every backend (float, rounded from double once).
struct Tables {
  int fft_height = 0;                       // Ph
  int fft_width = 0;                        // Pw
  std::vector<float> window_x, window_y;    // Hann, [W], [H]
  std::vector<float> gauss_x, gauss_y;      // spectral Gaussian per frequency index, [Pw], [Ph]
  std::vector<float> twiddle_x_re, twiddle_x_im;  // exp(-2 pi i k / Pw), k < Pw / 2
  std::vector<float> twiddle_y_re, twiddle_y_im;  // exp(-2 pi i k / Ph), k < Ph / 2
  double surface_scale = 0.0;               // 1 / sum(G): the perfect peak becomes 1
};

int FftSide(int side);  // next power of two >= side
Tables MakeTables(int height, int width);
// The global-memory bytes the CUDA kernels read and write for `params` (a model: every pass
// streams its buffers once; neighbour reads hit the cache), for achieved-bandwidth figures.
double DeviceBytes(const Params& params, const Tables& tables);

Status AlignCpu(const Params& params, const Outputs& out);
#ifdef NATIVE_GPU_WITH_CUDA
Status AlignCuda(const Params& params, const Outputs& out);
#endif

}  // namespace vigil::align

#endif  // VIGIL_NATIVE_GPU_OPS_ALIGN_ALIGN_H_
