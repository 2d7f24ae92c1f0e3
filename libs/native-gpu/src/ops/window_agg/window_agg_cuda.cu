// window_agg_cuda.cu: CUDA kernels for exact sliding-window aggregates (semantics in window_agg.h).
//
// What: a group of L cooperating lanes (L = lanesPerQuery: 1, 2, 4, 8, 16 or 32 threads of a
// warp) answers one query = (event i, window w): it binary-searches the window's first event over
// the (key, time)-sorted stream, strides over the window's events for the compensated sum, min, max
// and the distinct count, combines lane partials with a shuffle butterfly, then makes a second pass
// for the variance around the mean. The per-query math lives in window_agg_device.h, shared with
// the CPU emulation (window_agg_emulate.cc) that CPU-only CI runs.
//
// Why this way: queries are independent, so the kernel needs no per-key offsets, no atomics and no
// shared memory, and every output is written exactly once, at [event][window]. Distinct counting
// needs no per-thread hash map: the host precomputes, per event, the previous event of the same key
// and category (PrevSameCategory); an event is the first of its category in [left, i] iff that
// previous event lies before `left`. Work is O(window length) per query: right for transaction
// streams (tens to thousands of events per key and window); a prefix-sum/sparse-table variant for
// very dense keys is future work. Groups grid-stride over queries.
//
// Build: compiled by the binding.gyp nvcc rule only when a CUDA toolkit is found
// (NATIVE_GPU_WITH_CUDA); cudart is linked statically. NATIVE_GPU_CUDA_ARCHS narrows the targets.
//
// Variants: WindowAggKernel<1|2|4|8|16|32> (lanes per query) x any block size that is a multiple of
// 32 up to 1024 x any grid size. test/window-agg.gpu-spec.ts validates each against the CPU twin.

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "cuda/check.h"
#include "cuda/device_buffer.h"
#include "cuda/event_timer.h"
#include "cuda/stream.h"
#include "ops/window_agg/window_agg.h"
#include "ops/window_agg/window_agg_device.h"
#include "status.h"

namespace vigil::window_agg {

// -------------------------------------------------------------------------------------------------
// CPU reference
// -------------------------------------------------------------------------------------------------
// The reference is the CPU twin, WindowAggCpu (window_agg_cpu.cc): a two-pointer sliding window,
// an independent formulation. WindowAggEmulated (window_agg_emulate.cc) runs this file's per-query
// math on the CPU, lane by lane.

namespace {

struct KernelArgs {
  const int32_t* keys;
  const double* times;
  const double* values;
  const int32_t* prev_same;  // nullptr: no categories
  const double* windows;
  int64_t n;
  int64_t num_windows;
  double* out[kNumStats];  // out[kDistinct] is nullptr without categories
};

// -------------------------------------------------------------------------------------------------
// kernels
// -------------------------------------------------------------------------------------------------

// The lanes of this thread's group within its warp (groups never straddle warps: kLanes divides 32
// and the block size is a multiple of 32).
template <int kLanes>
__device__ __forceinline__ unsigned GroupMask() {
  if constexpr (kLanes == 32) {
    return 0xffffffffu;
  } else {
    const unsigned first_lane = (threadIdx.x & 31u) & ~static_cast<unsigned>(kLanes - 1);
    return ((1u << kLanes) - 1u) << first_lane;
  }
}

// Butterfly all-reduce of the group's partials; the lower lane's partial always goes first, so
// every lane ends with the same bits (and the same bits as the CPU emulation).
template <int kLanes>
__device__ __forceinline__ device::Partial GroupAllReduce(device::Partial p, unsigned mask,
                                                          int lane) {
#pragma unroll
  for (int offset = kLanes / 2; offset > 0; offset /= 2) {
    device::Partial other;
    other.sum = __shfl_xor_sync(mask, p.sum, offset, kLanes);
    other.comp = __shfl_xor_sync(mask, p.comp, offset, kLanes);
    other.min = __shfl_xor_sync(mask, p.min, offset, kLanes);
    other.max = __shfl_xor_sync(mask, p.max, offset, kLanes);
    other.distinct = __shfl_xor_sync(mask, p.distinct, offset, kLanes);
    p = (lane & offset) ? device::Combine(other, p) : device::Combine(p, other);
  }
  return p;
}

template <int kLanes>
__device__ __forceinline__ double GroupAllReduceSum(double x, unsigned mask) {
#pragma unroll
  for (int offset = kLanes / 2; offset > 0; offset /= 2) {
    x += __shfl_xor_sync(mask, x, offset, kLanes);
  }
  return x;
}

template <int kLanes>
__global__ void __launch_bounds__(1024) WindowAggKernel(KernelArgs args) {
  const int lane = static_cast<int>(threadIdx.x) & (kLanes - 1);
  const unsigned mask = GroupMask<kLanes>();
  const int64_t group = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / kLanes;
  const int64_t groups = static_cast<int64_t>(gridDim.x) * blockDim.x / kLanes;
  const int64_t queries = args.n * args.num_windows;
  // q is uniform across a group, so all of its lanes take part in every shuffle below.
  for (int64_t q = group; q < queries; q += groups) {
    const int64_t i = q / args.num_windows;
    const int64_t wi = q - i * args.num_windows;
    const int64_t left = device::LeftBound(args.keys, args.times, i, args.windows[wi]);
    device::Partial p = device::LanePass1(args.values, args.prev_same, left, i, lane, kLanes);
    p = GroupAllReduce<kLanes>(p, mask, lane);
    const double count = static_cast<double>(i - left + 1);
    const double sum = device::Total(p);
    const double mean = sum / count;
    double m2 = device::LanePass2(args.values, left, i, lane, kLanes, mean);
    m2 = GroupAllReduceSum<kLanes>(m2, mask);
    if (lane == 0) {
      args.out[kCount][q] = count;
      args.out[kSum][q] = sum;
      args.out[kMean][q] = mean;
      args.out[kStd][q] = sqrt(m2 / count);
      args.out[kMin][q] = p.min;
      args.out[kMax][q] = p.max;
      if (args.out[kDistinct] != nullptr) args.out[kDistinct][q] = p.distinct;
    }
  }
}

// -------------------------------------------------------------------------------------------------
// launchers
// -------------------------------------------------------------------------------------------------

template <int kLanes>
Status LaunchKernel(const KernelArgs& args, const LaunchConfig& config, int sm_count,
                    cudaStream_t stream) {
  const int64_t queries = args.n * args.num_windows;
  int64_t blocks = config.grid_size;
  if (blocks <= 0) {
    // Enough blocks to cover every query, capped at a few waves; the grid-stride loop does the
    // rest.
    int per_sm = 0;
    VG_CUDA_RETURN_IF_ERROR(cudaOccupancyMaxActiveBlocksPerMultiprocessor(
        &per_sm, WindowAggKernel<kLanes>, config.block_size, 0));
    const int64_t cover = (queries * kLanes + config.block_size - 1) / config.block_size;
    blocks = std::min<int64_t>(cover, int64_t{std::max(per_sm, 1)} * std::max(sm_count, 1) * 8);
  }
  blocks = std::clamp<int64_t>(blocks, 1, 0x7fffffff);
  WindowAggKernel<kLanes><<<static_cast<unsigned>(blocks), config.block_size, 0, stream>>>(args);
  VG_CUDA_RETURN_IF_ERROR(cudaGetLastError());
  return Status::Ok();
}

Status LaunchWindowAgg(const KernelArgs& args, const LaunchConfig& config, int sm_count,
                       cudaStream_t stream) {
  switch (config.lanes_per_query) {
    case 1: return LaunchKernel<1>(args, config, sm_count, stream);
    case 2: return LaunchKernel<2>(args, config, sm_count, stream);
    case 4: return LaunchKernel<4>(args, config, sm_count, stream);
    case 8: return LaunchKernel<8>(args, config, sm_count, stream);
    case 16: return LaunchKernel<16>(args, config, sm_count, stream);
    case 32: return LaunchKernel<32>(args, config, sm_count, stream);
    default:
      return Status::Error("lanesPerQuery must be 1, 2, 4, 8, 16 or 32, got " +
                           std::to_string(config.lanes_per_query));
  }
}

}  // namespace

Status WindowAggCuda(const Params& p, const Outputs& out) {
  if (p.n == 0 || p.windows.empty()) return Status::Ok();
  cudaGetLastError();  // drop a stale non-sticky error left on this thread by an earlier call

  int device = 0;
  int sm_count = 0;
  VG_CUDA_RETURN_IF_ERROR(cudaGetDevice(&device));
  VG_CUDA_RETURN_IF_ERROR(
      cudaDeviceGetAttribute(&sm_count, cudaDevAttrMultiProcessorCount, device));

  // Declared before the buffers, so destroyed after them: every buffer frees before the stream.
  cuda::CudaStream stream;
  VG_RETURN_IF_ERROR(stream.Create());
  cudaStream_t s = stream.get();

  const size_t n = static_cast<size_t>(p.n);
  const size_t outputs = p.num_outputs();
  std::vector<int32_t> prev_same;
  if (p.categories != nullptr) {
    prev_same.resize(n);
    PrevSameCategory(p.keys, p.categories, p.n, prev_same.data());
  }

  cuda::DeviceBuffer<int32_t> keys;
  cuda::DeviceBuffer<double> times;
  cuda::DeviceBuffer<double> values;
  cuda::DeviceBuffer<int32_t> prev;
  cuda::DeviceBuffer<double> windows;
  cuda::DeviceBuffer<double> results[kNumStats];
  VG_RETURN_IF_ERROR(keys.AllocateAndUpload(p.keys, n, s));
  VG_RETURN_IF_ERROR(times.AllocateAndUpload(p.times, n, s));
  VG_RETURN_IF_ERROR(values.AllocateAndUpload(p.values, n, s));
  VG_RETURN_IF_ERROR(prev.AllocateAndUpload(prev_same.data(), prev_same.size(), s));
  VG_RETURN_IF_ERROR(windows.AllocateAndUpload(p.windows.data(), p.windows.size(), s));
  for (int stat = 0; stat < kNumStats; ++stat) {
    if (out.stat[stat] != nullptr) VG_RETURN_IF_ERROR(results[stat].Allocate(outputs));
  }

  KernelArgs args{};
  args.keys = keys.get();
  args.times = times.get();
  args.values = values.get();
  args.prev_same = p.categories != nullptr ? prev.get() : nullptr;
  args.windows = windows.get();
  args.n = p.n;
  args.num_windows = static_cast<int64_t>(p.num_windows());
  for (int stat = 0; stat < kNumStats; ++stat) args.out[stat] = results[stat].get();
  cuda::EventTimer timer(out.timing != nullptr);
  VG_RETURN_IF_ERROR(timer.Start(s));
  VG_RETURN_IF_ERROR(LaunchWindowAgg(args, p.launch, sm_count, s));
  VG_RETURN_IF_ERROR(timer.Stop(s));

  int stats = 0;
  for (int stat = 0; stat < kNumStats; ++stat) {
    if (out.stat[stat] != nullptr) {
      VG_RETURN_IF_ERROR(results[stat].Download(out.stat[stat], outputs, s));
      ++stats;
    }
  }
  VG_RETURN_IF_ERROR(stream.Synchronize());  // also surfaces asynchronous kernel faults
  if (out.timing != nullptr) {
    VG_RETURN_IF_ERROR(timer.Accumulate());
    const double per_event =
        sizeof(int32_t) + 2 * sizeof(double) + (p.categories != nullptr ? sizeof(int32_t) : 0);
    *out.timing = {timer.total_ms(), static_cast<double>(n) * per_event +
                                         static_cast<double>(p.num_windows()) * sizeof(double) +
                                         static_cast<double>(outputs) * stats * sizeof(double)};
  }
  return Status::Ok();
}

}  // namespace vigil::window_agg
