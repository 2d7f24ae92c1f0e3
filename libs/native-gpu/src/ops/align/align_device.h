// align_device.h: the per-element math of alignFrames, as __host__ __device__ functions shared by
// the CPU twin (align_cpu.cc) and the CUDA kernels (align_cuda.cu), so the two differ only in how
// the work is scheduled (and in float rounding order): packing, the radix-2 butterfly and its
// indexing, the cross-power spectrum, the peak fit and the bilinear warp. Semantics in align.h.
#ifndef VIGIL_NATIVE_GPU_OPS_ALIGN_ALIGN_DEVICE_H_
#define VIGIL_NATIVE_GPU_OPS_ALIGN_ALIGN_DEVICE_H_

#include <cmath>
#include <cstdint>

#ifdef __CUDACC__
#define VG_ALIGN_HD __host__ __device__ __forceinline__
#else
#define VG_ALIGN_HD inline
#endif

namespace vigil::align::device {

VG_ALIGN_HD float PixelValue(const uint8_t* image, size_t i) { return static_cast<float>(image[i]); }
VG_ALIGN_HD float PixelValue(const float* image, size_t i) { return image[i]; }

// (pixel - mean) / std * window; inv_std is 0 for a constant image, which then contributes nothing.
VG_ALIGN_HD float Pack(float pixel, double mean, double inv_std, float window) {
  return static_cast<float>((static_cast<double>(pixel) - mean) * inv_std) * window;
}

// The frame's window in the second pass follows the content: the separable Hann window moved by
// the first pass's integer shift (ox, oy), 0 where the moved window leaves the image. Then the
// windowed reference and frame are shifts of each other and the window adds no bias towards 0.
VG_ALIGN_HD float WindowAt(const float* window_x, const float* window_y, int width, int height,
                           int x, int y, int ox, int oy) {
  const int wx = x - ox;
  const int wy = y - oy;
  if (wx < 0 || wx >= width || wy < 0 || wy >= height) return 0.0f;
  return window_y[wy] * window_x[wx];
}

// The integer shift (round half up) that the second pass moves the frame's window by.
VG_ALIGN_HD int RoundShift(double d) { return static_cast<int>(floor(d + 0.5)); }

// i with its low `bits` bits reversed (the DIT input permutation).
VG_ALIGN_HD int BitReverse(int i, int bits) {
  int r = 0;
  for (int b = 0; b < bits; ++b) {
    r = (r << 1) | (i & 1);
    i >>= 1;
  }
  return r;
}

// Butterfly j (in [0, n/2)) of the in-place radix-2 DIT stage whose half-span is h (1, 2, ... n/2):
// it combines elements i1 and i1 + h with twiddle w_n^(pos * n / 2h). Returns i1; *twiddle gets
// the index into the length-n/2 twiddle table.
VG_ALIGN_HD int ButterflyIndex(int j, int h, int n, int* twiddle) {
  const int pos = j & (h - 1);
  *twiddle = pos * (n / (2 * h));
  return ((j - pos) << 1) + pos;
}

// (a, b) <- (a + w b, a - w b).
VG_ALIGN_HD void Butterfly(float& ar, float& ai, float& br, float& bi, float wr, float wi) {
  const float tr = br * wr - bi * wi;
  const float ti = br * wi + bi * wr;
  br = ar - tr;
  bi = ai - ti;
  ar = ar + tr;
  ai = ai + ti;
}

// Z = FFT(ref + i frame) at k (zr, zi) and at -k (nr, ni). A = (Z(k) + conj Z(-k)) / 2 and
// B = (Z(k) - conj Z(-k)) / 2i are the spectra of ref and frame; X = B conj(A) (the common 1/4
// cancels), and the result is g * X / |X| (0 where |X| underflows: no phase to speak of).
VG_ALIGN_HD void CrossPower(float zr, float zi, float nr, float ni, float g, float* out_re,
                            float* out_im) {
  const float ar = zr + nr;
  const float ai = zi - ni;
  const float br = zi + ni;
  const float bi = nr - zr;
  const float xr = br * ar + bi * ai;
  const float xi = bi * ar - br * ai;
  const float mag = sqrtf(xr * xr + xi * xi);
  if (!(mag > 1e-30f)) {
    *out_re = 0.0f;
    *out_im = 0.0f;
    return;
  }
  const float s = g / mag;
  *out_re = xr * s;
  *out_im = xi * s;
}

// Sub-pixel offset in [-0.5, 0.5] of a peak sampled at -1, 0, +1 (c the maximum), and the fitted
// peak height. A parabola through the logarithms is exact for a Gaussian peak; where a neighbour
// is not positive it falls back to a parabola through the values themselves.
VG_ALIGN_HD void RefineAxis(double l, double c, double r, double* offset, double* height) {
  const bool logs = l > 0.0 && c > 0.0 && r > 0.0;
  const double yl = logs ? log(l) : l;
  const double yc = logs ? log(c) : c;
  const double yr = logs ? log(r) : r;
  const double a = 0.5 * (yl + yr) - yc;  // curvature / 2
  const double b = 0.5 * (yr - yl);
  double t = 0.0;
  double top = yc;
  if (a < 0.0) {
    t = -b / (2.0 * a);
    t = t < -0.5 ? -0.5 : (t > 0.5 ? 0.5 : t);
    top = yc + b * t + a * t * t;
  }
  *offset = t;
  *height = logs ? exp(top) : top;
}

// A circular peak position p in [0, fft) as a signed shift in [-fft/2, fft/2).
VG_ALIGN_HD int SignedShift(int p, int fft) { return p < fft / 2 ? p : p - fft; }

// The image sampled at (x, y) with bilinear weights; coordinates outside are clamped to the edge
// (edge pixels replicated).
template <typename T>
VG_ALIGN_HD float Bilinear(const T* image, int width, int height, double x, double y) {
  x = x < 0.0 ? 0.0 : (x > width - 1 ? width - 1 : x);
  y = y < 0.0 ? 0.0 : (y > height - 1 ? height - 1 : y);
  const int x0 = static_cast<int>(x);
  const int y0 = static_cast<int>(y);
  const int x1 = x0 + 1 < width ? x0 + 1 : x0;
  const int y1 = y0 + 1 < height ? y0 + 1 : y0;
  const float fx = static_cast<float>(x - x0);
  const float fy = static_cast<float>(y - y0);
  const size_t w = static_cast<size_t>(width);
  const float top = PixelValue(image, y0 * w + x0) * (1.0f - fx) + PixelValue(image, y0 * w + x1) * fx;
  const float bottom =
      PixelValue(image, y1 * w + x0) * (1.0f - fx) + PixelValue(image, y1 * w + x1) * fx;
  return top * (1.0f - fy) + bottom * fy;
}

// The shift and confidence from a correlation surface (value at index i: surface[i * stride] *
// scale) whose first maximum is at `peak` (row-major in fft_height x fft_width). Neighbours wrap
// around: the surface is circular.
VG_ALIGN_HD void FitPeak(const float* surface, int stride, int fft_height, int fft_width, int peak,
                         double scale, double* dx, double* dy, double* confidence) {
  const int py = peak / fft_width;
  const int px = peak - py * fft_width;
  const int left = py * fft_width + ((px + fft_width - 1) & (fft_width - 1));
  const int right = py * fft_width + ((px + 1) & (fft_width - 1));
  const int up = ((py + fft_height - 1) & (fft_height - 1)) * fft_width + px;
  const int down = ((py + 1) & (fft_height - 1)) * fft_width + px;
  const double c = surface[static_cast<size_t>(peak) * stride] * scale;
  double ox = 0.0, hx = c, oy = 0.0, hy = c;
  RefineAxis(surface[static_cast<size_t>(left) * stride] * scale, c,
             surface[static_cast<size_t>(right) * stride] * scale, &ox, &hx);
  RefineAxis(surface[static_cast<size_t>(up) * stride] * scale, c,
             surface[static_cast<size_t>(down) * stride] * scale, &oy, &hy);
  *dx = SignedShift(px, fft_width) + ox;
  *dy = SignedShift(py, fft_height) + oy;
  // Separable peak: height = hx * hy / c. A non-positive maximum only happens for a flat surface.
  *confidence = c > 0.0 ? hx * hy / c : 0.0;
}

}  // namespace vigil::align::device

#endif  // VIGIL_NATIVE_GPU_OPS_ALIGN_ALIGN_DEVICE_H_
