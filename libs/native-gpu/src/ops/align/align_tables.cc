// align_tables.cc: the tables every alignFrames backend shares (see align.h), computed in double
// and rounded to float once, so the CPU twin and the CUDA kernels start from identical constants.
#include <cmath>
#include <numeric>

#include "ops/align/align.h"
#include "ops/align/align_device.h"

namespace vigil::align {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Periodic-shifted Hann: 0.5 - 0.5 cos(2 pi (i + 0.5) / n); symmetric, never exactly 0, so the
// border pixels keep a little weight.
std::vector<float> Hann(int n) {
  std::vector<float> w(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) w[i] = static_cast<float>(0.5 - 0.5 * std::cos(2.0 * kPi * (i + 0.5) / n));
  return w;
}

// Spectral Gaussian exp(-2 pi^2 sigma^2 f^2) per frequency index, f in cycles per pixel: its
// inverse transform is a Gaussian of std kPeakSigma pixels.
std::vector<float> Gaussian(int n) {
  std::vector<float> g(static_cast<size_t>(n));
  for (int k = 0; k < n; ++k) {
    const double f = static_cast<double>(device::SignedShift(k, n)) / n;
    g[k] = static_cast<float>(std::exp(-2.0 * kPi * kPi * kPeakSigma * kPeakSigma * f * f));
  }
  return g;
}

void Twiddles(int n, std::vector<float>* re, std::vector<float>* im) {
  re->resize(static_cast<size_t>(n / 2));
  im->resize(static_cast<size_t>(n / 2));
  for (int k = 0; k < n / 2; ++k) {
    (*re)[k] = static_cast<float>(std::cos(2.0 * kPi * k / n));
    (*im)[k] = static_cast<float>(-std::sin(2.0 * kPi * k / n));
  }
}

double Sum(const std::vector<float>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

}  // namespace

int FftSide(int side) {
  int n = 1;
  while (n < side) n <<= 1;
  return n;
}

Tables MakeTables(int height, int width) {
  Tables t;
  t.fft_height = FftSide(height);
  t.fft_width = FftSide(width);
  t.window_x = Hann(width);
  t.window_y = Hann(height);
  t.gauss_x = Gaussian(t.fft_width);
  t.gauss_y = Gaussian(t.fft_height);
  Twiddles(t.fft_width, &t.twiddle_x_re, &t.twiddle_x_im);
  Twiddles(t.fft_height, &t.twiddle_y_re, &t.twiddle_y_im);
  t.surface_scale = 1.0 / (Sum(t.gauss_x) * Sum(t.gauss_y));
  return t;
}

double DeviceBytes(const Params& p, const Tables& t) {
  const double pixel = p.pixel == PixelType::kGray8 ? 1.0 : 4.0;
  const double images = static_cast<double>(p.image_size()) * pixel;
  const double pairs = static_cast<double>(p.pairs);
  const double plane = static_cast<double>(t.fft_height) * t.fft_width * 8.0;  // float2
  double bytes = 2.0 * images * static_cast<double>(p.num_references + p.pairs);  // moments
  // Two correlation passes, each: pack, four 1-D FFT passes (read + write), cross power (read +
  // write), peak search.
  bytes += 2.0 * pairs * ((2.0 * images + plane) + 8.0 * plane + 2.0 * plane + plane);
  if (p.warp) bytes += pairs * (images + static_cast<double>(p.image_size()) * 4.0);
  return bytes;
}

}  // namespace vigil::align
