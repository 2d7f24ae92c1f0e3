// window_agg_emulate.cc: the CUDA kernel's algorithm run on the CPU, lane by lane.
//
// Why: CI machines have nvcc but no GPU. This backend executes the kernel's per-query functions
// (window_agg_device.h) for every lane of a group and combines the lane partials in the kernel's
// butterfly order, so CPU tests compare the kernel's math (left bound, lane striding, partial
// combine, distinct via PrevSameCategory, two-pass std) against the CPU twin at every
// lanes-per-query setting. Only the warp-shuffle plumbing remains for the GPU spec. Test-only:
// single-threaded and O(window length) per query; not exposed as a public backend.
#include <cmath>
#include <cstdint>
#include <vector>

#include "ops/window_agg/window_agg.h"
#include "ops/window_agg/window_agg_device.h"

namespace vigil::window_agg {

namespace {

constexpr int kMaxLanes = 32;

// In-place butterfly all-reduce over `lanes` values, as __shfl_xor_sync does it: at each step
// lane l combines with lane l ^ offset, always passing the lower lane's value first.
template <typename T, typename CombineFn>
void Butterfly(T* items, int lanes, CombineFn combine) {
  T next[kMaxLanes];
  for (int offset = lanes / 2; offset > 0; offset /= 2) {
    for (int l = 0; l < lanes; ++l) {
      const int partner = l ^ offset;
      next[l] = l < partner ? combine(items[l], items[partner]) : combine(items[partner], items[l]);
    }
    for (int l = 0; l < lanes; ++l) items[l] = next[l];
  }
}

}  // namespace

Status WindowAggEmulated(const Params& p, const Outputs& out) {
  const int lanes = p.launch.lanes_per_query;
  if (lanes < 1 || lanes > kMaxLanes || (lanes & (lanes - 1)) != 0) {
    return Status::Error("lanesPerQuery must be a power of two in [1, 32]");
  }
  std::vector<int32_t> prev_same;
  if (p.categories != nullptr) {
    prev_same.resize(static_cast<size_t>(p.n));
    PrevSameCategory(p.keys, p.categories, p.n, prev_same.data());
  }
  const int32_t* prev = p.categories != nullptr ? prev_same.data() : nullptr;
  const int64_t num_windows = static_cast<int64_t>(p.num_windows());
  const int64_t queries = p.n * num_windows;

  device::Partial partials[kMaxLanes];
  double m2[kMaxLanes];
  for (int64_t q = 0; q < queries; ++q) {
    const int64_t i = q / num_windows;
    const int64_t wi = q - i * num_windows;
    const int64_t left = device::LeftBound(p.keys, p.times, i, p.windows[static_cast<size_t>(wi)]);
    for (int l = 0; l < lanes; ++l) {
      partials[l] = device::LanePass1(p.values, prev, left, i, l, lanes);
    }
    Butterfly(partials, lanes, device::Combine);
    const double count = static_cast<double>(i - left + 1);
    const double sum = device::Total(partials[0]);
    const double mean = sum / count;
    for (int l = 0; l < lanes; ++l) m2[l] = device::LanePass2(p.values, left, i, l, lanes, mean);
    Butterfly(m2, lanes, [](double a, double b) { return a + b; });
    out.stat[kCount][q] = count;
    out.stat[kSum][q] = sum;
    out.stat[kMean][q] = mean;
    out.stat[kStd][q] = std::sqrt(m2[0] / count);
    out.stat[kMin][q] = partials[0].min;
    out.stat[kMax][q] = partials[0].max;
    if (out.stat[kDistinct] != nullptr) out.stat[kDistinct][q] = partials[0].distinct;
  }
  return Status::Ok();
}

}  // namespace vigil::window_agg
