// prepare_device.h: the per-pixel math of prepareFrames (see prepare.h) as __host__ __device__
// functions, shared by the CPU twin and the CUDA kernel so that both produce clipInput's bytes.
//
// Doubles are multiplied and added with MulRn / AddRn (device_math.h), which nvcc cannot fuse into
// FMAs; the host side is built without contraction (VG_PREP_NO_FMA on the functions that sum
// doubles).
#ifndef VIGIL_NATIVE_GPU_OPS_PREPARE_PREPARE_DEVICE_H_
#define VIGIL_NATIVE_GPU_OPS_PREPARE_PREPARE_DEVICE_H_

#include <cmath>
#include <cstdint>

#include "device_math.h"

#ifdef __CUDACC__
#define VG_PREP_HD __host__ __device__ __forceinline__
#define VG_PREP_NO_FMA
#else
#define VG_PREP_HD inline
#if defined(__GNUC__) && !defined(__clang__)
#define VG_PREP_NO_FMA __attribute__((optimize("fp-contract=off")))
#else
#define VG_PREP_NO_FMA
#endif
#endif

namespace vigil::prepare::device {

// JS Math.round for finite x: the nearest integer, halves towards +infinity (floor(x + 0.5) is
// wrong for 0.49999999999999994).
VG_PREP_HD double RoundJs(double x) {
  const double r = floor(x);
  return x - r >= 0.5 ? r + 1.0 : r;
}

// Where output column (or row) i of a read at offset d takes its samples: the near source cell,
// the far one (clamped) and the far cell's weight in 1/256ths.
struct AxisSample {
  int near;
  int far;
  int weight;
};

VG_PREP_HD AxisSample AxisAt(int i, double d, int size) {
  const double at =
      fmin(static_cast<double>(size - 1), fmax(0.0, AddRn(static_cast<double>(i), d)));
  AxisSample s;
  s.near = static_cast<int>(floor(at));
  s.far = s.near + 1 < size ? s.near + 1 : size - 1;
  s.weight = static_cast<int>(RoundJs(MulRn(at - s.near, 256.0)));
  return s;
}

// One pixel of the shifted frame, rounded to a byte.
VG_PREP_HD int Sample(const uint8_t* frame, int width, AxisSample x, AxisSample y) {
  const uint8_t* top = frame + static_cast<int64_t>(y.near) * width;
  const uint8_t* bottom = frame + static_cast<int64_t>(y.far) * width;
  const int w1 = x.weight;
  const int w0 = 256 - w1;
  const int b = y.weight;
  return ((top[x.near] * w0 + top[x.far] * w1) * (256 - b) +
          (bottom[x.near] * w0 + bottom[x.far] * w1) * b + 32768) >>
         16;
}

// The source cells under output cell o of an area shrink from `size` to `out_size`: [first, last)
// and each one's overlap with the cell (clipInput's spans).
struct Span {
  double start;
  double end;
  int first;
  int last;
};

VG_PREP_HD Span SpanOf(int o, int size, int out_size) {
  const double scale = static_cast<double>(size) / out_size;
  Span s;
  s.start = MulRn(static_cast<double>(o), scale);
  s.end = AddRn(s.start, scale);
  s.first = static_cast<int>(floor(s.start));
  const int ceiled = static_cast<int>(ceil(s.end));
  s.last = ceiled < size ? ceiled : size;
  return s;
}

VG_PREP_HD double Overlap(const Span& s, int cell) {
  return fmin(s.end, cell + 1.0) - fmax(s.start, static_cast<double>(cell));
}

// The byte value of an area shrink's output from its sum: min(255, round(sum / area)).
VG_PREP_HD int AreaByte(double sum, double area) {
  const double v = RoundJs(sum / area);
  return v < 255.0 ? static_cast<int>(v) : 255;
}

// The area of one output cell, as clipInput computes it.
VG_PREP_HD double CellArea(int width, int height, int out_width, int out_height) {
  return MulRn(static_cast<double>(width) / out_width, static_cast<double>(height) / out_height);
}

// A byte as the model reads it: byte / 255 in double, rounded to float32 (as JS stores it).
VG_PREP_HD float Scaled(int byte) { return static_cast<float>(byte / 255.0); }

// Output (ox, oy) of a frame when the shrink ratio is whole on both axes: the mean of an fx x fy
// block of shifted pixels (their sum is exact in integers). xs/ys give the axis samples.
template <typename AxisX, typename AxisY>
VG_PREP_HD int BlockByte(const uint8_t* frame, int width, int fx, int fy, int ox, int oy, AxisX xs,
                         AxisY ys) {
  int sum = 0;
  for (int y = oy * fy; y < (oy + 1) * fy; ++y) {
    const AxisSample sy = ys(y);
    for (int x = ox * fx; x < (ox + 1) * fx; ++x) sum += Sample(frame, width, xs(x), sy);
  }
  return AreaByte(static_cast<double>(sum), static_cast<double>(fx * fy));
}

// An output cell for any ratio: Σ pixel(x, y) · overlap_x · overlap_y over the source cells under
// it, rows outer, in clipInput's order; `pixel` gives the shifted frame's bytes, `wx` / `wy` each
// cell's Overlap (computed here, or looked up where they were computed once).
template <typename Pixel, typename WeightX, typename WeightY>
VG_PREP_HD VG_PREP_NO_FMA int SpanByte(const Span& sx, const Span& sy, double area, Pixel pixel,
                                       WeightX wx, WeightY wy) {
  double sum = 0.0;
  for (int y = sy.first; y < sy.last; ++y) {
    const double row_weight = wy(y);
    for (int x = sx.first; x < sx.last; ++x)
      sum = AddRn(sum, MulRn(MulRn(static_cast<double>(pixel(x, y)), wx(x)), row_weight));
  }
  return AreaByte(sum, area);
}

// Output value i of a call ([count][out_height][out_width] flattened): what one CUDA thread
// computes, each sample from scratch (prepare_cuda.cu), and what the emulation runs on the CPU to
// check the kernel's math against the twin where there is no GPU (prepare_emulate.cc).
VG_PREP_HD float OutputValue(const uint8_t* frames, const double* offsets, int height, int width,
                             int out_height, int out_width, int64_t i) {
  const int64_t out_size = static_cast<int64_t>(out_height) * out_width;
  const int64_t index = i / out_size;
  const int ox = static_cast<int>(i % out_size % out_width);
  const int oy = static_cast<int>(i % out_size / out_width);
  const uint8_t* frame = frames + index * static_cast<int64_t>(height) * width;
  const double dx = offsets[2 * index];
  const double dy = offsets[2 * index + 1];
  auto xs = [=](int x) { return AxisAt(x, dx, width); };
  auto ys = [=](int y) { return AxisAt(y, dy, height); };
  if (width % out_width == 0 && height % out_height == 0) {
    return Scaled(BlockByte(frame, width, width / out_width, height / out_height, ox, oy, xs, ys));
  }
  const Span sx = SpanOf(ox, width, out_width);
  const Span sy = SpanOf(oy, height, out_height);
  auto shifted = [=](int x, int y) { return Sample(frame, width, xs(x), ys(y)); };
  return Scaled(SpanByte(
      sx, sy, CellArea(width, height, out_width, out_height), shifted,
      [=](int x) { return Overlap(sx, x); }, [=](int y) { return Overlap(sy, y); }));
}

}  // namespace vigil::prepare::device

#endif  // VIGIL_NATIVE_GPU_OPS_PREPARE_PREPARE_DEVICE_H_
