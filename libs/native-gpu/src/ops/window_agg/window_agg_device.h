// window_agg_device.h: the per-query math of the CUDA window-aggregate kernel, as
// __host__ __device__ functions.
//
// One "query" is an (event i, window w) pair. A group of L lanes (L = 1..32 threads) answers it:
//   1. LeftBound: binary search for the first event of the window over the whole (key, time)-sorted
//      stream, so no per-key offsets are needed. count = i - left + 1.
//   2. Pass 1: lane l visits j = left + l, left + l + L, ... <= i and keeps a Partial (compensated
//      sum, min, max, and the number of j whose previous same-category event lies before `left`,
//      which counts each distinct category once). The lanes' partials are combined by a butterfly.
//   3. Pass 2: lanes sum (v - mean)^2 over the same j (two-pass variance: no cancellation).
// The kernel does the butterfly with warp shuffles; window_agg_emulate.cc runs these same functions
// lane by lane on the CPU in the same combine order, so CPU-only CI checks the kernel's math.
//
// Cost is O(window length) per query, which suits transaction streams (tens to thousands of events
// per key and window). A prefix-sum/sparse-table variant for very dense keys is future work.
#ifndef VIGIL_NATIVE_GPU_OPS_WINDOW_AGG_WINDOW_AGG_DEVICE_H_
#define VIGIL_NATIVE_GPU_OPS_WINDOW_AGG_WINDOW_AGG_DEVICE_H_

#include <cstdint>

#include "device_math.h"

#ifdef __CUDACC__
#define VG_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define VG_HOST_DEVICE inline
#endif

namespace vigil::window_agg::device {

// First index j <= i with keys[j] == keys[i] and times[j] > times[i] - window. The stream is sorted
// by (key, time), so "j is before the window" is a prefix predicate over [0, i]; window > 0 makes
// j = i always inside, so the answer is in [0, i].
VG_HOST_DEVICE int64_t LeftBound(const int32_t* keys, const double* times, int64_t i,
                                 double window) {
  const int32_t key = keys[i];
  const double start = times[i] - window;  // -inf for an infinite window
  int64_t lo = 0;
  int64_t hi = i;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    const bool before = keys[mid] < key || (keys[mid] == key && times[mid] <= start);
    if (before) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

// Neumaier's compensated summation: sum + comp carries ~2x the precision of a plain double sum.
VG_HOST_DEVICE void NeumaierAdd(double& sum, double& comp, double x) {
  const double t = sum + x;
  const double abs_sum = sum < 0 ? -sum : sum;
  const double abs_x = x < 0 ? -x : x;
  if (abs_sum >= abs_x) {
    comp += (sum - t) + x;
  } else {
    comp += (x - t) + sum;
  }
  sum = t;
}

struct Partial {
  double sum;
  double comp;  // Neumaier compensation of sum
  double min;
  double max;
  int32_t distinct;
};

VG_HOST_DEVICE Partial EmptyPartial() {
  Partial p;
  p.sum = 0.0;
  p.comp = 0.0;
  p.min = __builtin_huge_val();
  p.max = -__builtin_huge_val();
  p.distinct = 0;
  return p;
}

// Combine(lower lane, upper lane): callers always pass the lower lane's partial first, so both
// lanes of a butterfly pair compute the same bits.
VG_HOST_DEVICE Partial Combine(const Partial& a, const Partial& b) {
  Partial r;
  r.sum = a.sum;
  r.comp = a.comp + b.comp;
  NeumaierAdd(r.sum, r.comp, b.sum);
  r.min = b.min < a.min ? b.min : a.min;
  r.max = b.max > a.max ? b.max : a.max;
  r.distinct = a.distinct + b.distinct;
  return r;
}

VG_HOST_DEVICE double Total(const Partial& p) { return p.sum + p.comp; }

// Pass 1 for one lane. prev_same may be nullptr (no categories).
VG_HOST_DEVICE Partial LanePass1(const double* values, const int32_t* prev_same, int64_t left,
                                 int64_t i, int lane, int lanes) {
  Partial p = EmptyPartial();
  for (int64_t j = left + lane; j <= i; j += lanes) {
    const double v = values[j];
    NeumaierAdd(p.sum, p.comp, v);
    if (v < p.min) p.min = v;
    if (v > p.max) p.max = v;
    if (prev_same != nullptr && prev_same[j] < left) ++p.distinct;
  }
  return p;
}

// Pass 2 for one lane: sum of squared deviations from `mean`.
VG_HOST_DEVICE double LanePass2(const double* values, int64_t left, int64_t i, int lane, int lanes,
                                double mean) {
  double m2 = 0.0;
  double comp = 0.0;
  for (int64_t j = left + lane; j <= i; j += lanes) {
    const double d = values[j] - mean;
    NeumaierAdd(m2, comp, MulRn(d, d));
  }
  return m2 + comp;
}

}  // namespace vigil::window_agg::device

#endif  // VIGIL_NATIVE_GPU_OPS_WINDOW_AGG_WINDOW_AGG_DEVICE_H_
