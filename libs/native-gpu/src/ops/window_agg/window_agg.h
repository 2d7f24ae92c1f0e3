// window_agg.h: exact sliding-window aggregates over key-segmented event streams.
//
// What: for each event i and window w, aggregate the events j of the same key with
//   times[i] - w < times[j] <= times[i]  and  j <= i
// (strictly after the window start, up to and including the current event; among equal timestamps
// only earlier-or-same positions count, so results match streaming order). Statistics: count, sum,
// mean, population std, min, max, and the number of distinct categories when categories are given.
// Outputs are row-major [event][window]. Events are sorted by (key, time); windows are > 0 ms (an
// infinite window means "all history of the key"), so every window holds at least its own event.
//
// Backends, all behind the same Params/Outputs:
//   WindowAggCpu       the CPU twin and reference: a two-pointer sliding window (window_agg_cpu.cc)
//   WindowAggCuda      CUDA kernels (window_agg_cuda.cu), compiled only with NATIVE_GPU_WITH_CUDA
//   WindowAggEmulated  the CUDA kernel's algorithm (window_agg_device.h) run on the CPU, lane by
//                      lane; lets CPU-only CI validate the kernel math (window_agg_emulate.cc)
//
// Plain C++ (no N-API, no CUDA runtime), so nvcc and the host compiler both include this header.
#ifndef VIGIL_NATIVE_GPU_OPS_WINDOW_AGG_WINDOW_AGG_H_
#define VIGIL_NATIVE_GPU_OPS_WINDOW_AGG_WINDOW_AGG_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "device_timing.h"
#include "status.h"

namespace vigil::window_agg {

enum class Backend { kCpu, kCuda, kEmulate };

// CUDA launch configuration; also drives the emulated backend's lane count.
struct LaunchConfig {
  int block_size = 256;       // threads per block, a multiple of 32 in [32, 1024]
  int lanes_per_query = 32;   // threads cooperating on one (event, window): 1, 2, 4, 8, 16 or 32
  int grid_size = 0;          // blocks; 0 = enough to cover the work (capped by occupancy)
};

// Inputs are borrowed: the worker pins the JS buffers that own them for the whole run.
struct Params {
  const int32_t* keys = nullptr;        // [n], ascending
  const double* times = nullptr;        // [n], non-decreasing within a key, finite
  const double* values = nullptr;       // [n], finite
  const int32_t* categories = nullptr;  // [n] when has_categories (nullptr too when n == 0)
  bool has_categories = false;          // produce the distinct-count output
  int64_t n = 0;                        // events, < 2^31
  std::vector<double> windows;          // [W] window lengths in ms, each > 0 (may be +inf)
  Backend backend = Backend::kCpu;
  int threads = 0;                      // CPU worker threads; 0 = std::thread::hardware_concurrency
  LaunchConfig launch;

  size_t num_windows() const { return windows.size(); }
  size_t num_outputs() const { return static_cast<size_t>(n) * windows.size(); }
};

// The statistics, in the order of Outputs' members and of the JS result's keys.
enum Stat : int { kCount, kSum, kMean, kStd, kMin, kMax, kDistinct, kNumStats };
inline constexpr const char* kStatNames[] = {"count", "sum", "mean",    "std",
                                             "min",   "max", "distinct"};
static_assert(sizeof(kStatNames) / sizeof(kStatNames[0]) == kNumStats,
              "kStatNames must name every Stat");

// Each output is [n * W] doubles, element (i, w) at i * W + w. stat[kDistinct] is nullptr without
// categories. Callers allocate; backends only write.
struct Outputs {
  double* stat[kNumStats] = {};
  // CUDA only, when not nullptr. Bytes: the inputs read once and the statistics written once (the
  // kernel's look-backs over a key's earlier events are not counted: a lower bound).
  DeviceTiming* timing = nullptr;
};

Status WindowAggCpu(const Params& params, const Outputs& out);
Status WindowAggEmulated(const Params& params, const Outputs& out);
#ifdef NATIVE_GPU_WITH_CUDA
Status WindowAggCuda(const Params& params, const Outputs& out);
#endif

// For each event j: the index of the previous event of the same key with the same category, or -1.
// A window [left, i] holds exactly one "first occurrence" per distinct category: the events j with
// prev_same[j] < left. Used by the CUDA kernel (and its emulation) to count distinct values without
// a per-thread hash map. O(n) expected time with a hash map reset per key.
void PrevSameCategory(const int32_t* keys, const int32_t* categories, int64_t n,
                      int32_t* prev_same);

}  // namespace vigil::window_agg

#endif  // VIGIL_NATIVE_GPU_OPS_WINDOW_AGG_WINDOW_AGG_H_
