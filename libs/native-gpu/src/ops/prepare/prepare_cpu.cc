// prepare_cpu.cc: the CPU twin of prepareFrames (see prepare.h). Frames are independent: threads
// take frames. Each frame's axis samples, and each call's shrink weights, are computed once with
// prepare_device.h's functions and looked up per pixel.
#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "ops/prepare/prepare.h"
#include "ops/prepare/prepare_device.h"

namespace vigil::prepare {

namespace {

// A thread is only worth starting for this many frames (~2 ms of work at 128 x 128).
constexpr int64_t kFramesPerThread = 64;
// Whole-ratio shrinks sum whole pixels, so each possible sum's float is looked up (one division per
// sum value instead of two per output pixel) while the table stays small.
constexpr int kMaxTabledArea = 1024;

// What every frame of a call shares: its shrink's cell weights or block sums' values.
struct Plan {
  bool whole = false;
  int fx = 0, fy = 0;
  std::vector<float> by_sum;  // whole, area <= kMaxTabledArea: the output value of each block sum
  std::vector<device::Span> xs, ys;  // not whole: each output column's and row's source cells
  double area = 0.0;

  explicit Plan(const Params& p) {
    whole = p.width % p.out_width == 0 && p.height % p.out_height == 0;
    area = device::CellArea(p.width, p.height, p.out_width, p.out_height);
    if (whole) {
      fx = p.width / p.out_width;
      fy = p.height / p.out_height;
      if (fx * fy <= kMaxTabledArea) {
        by_sum.resize(static_cast<size_t>(255 * fx * fy + 1));
        for (size_t sum = 0; sum < by_sum.size(); ++sum)
          by_sum[sum] = device::Scaled(device::AreaByte(static_cast<double>(sum), fx * fy));
      }
      return;
    }
    for (int o = 0; o < p.out_width; ++o) xs.push_back(device::SpanOf(o, p.width, p.out_width));
    for (int o = 0; o < p.out_height; ++o) ys.push_back(device::SpanOf(o, p.height, p.out_height));
  }
};

// Per-thread scratch: the frame's axis samples, block sums, or its shifted bytes.
struct Scratch {
  std::vector<device::AxisSample> x, y;
  std::vector<int> sums;
  std::vector<uint8_t> shifted;

  explicit Scratch(const Params& p)
      : x(p.width), y(p.height), sums(p.out_width), shifted(p.frame_size()) {}
};

// Whole ratio: each output row sums its fy source rows of shifted pixels, fx at a time.
void ShrinkBlocks(const Params& p, const Plan& plan, const uint8_t* frame, Scratch& w, float* out) {
  const int fx = plan.fx;
  for (int oy = 0; oy < p.out_height; ++oy) {
    std::fill(w.sums.begin(), w.sums.end(), 0);
    for (int y = oy * plan.fy; y < (oy + 1) * plan.fy; ++y) {
      const device::AxisSample sy = w.y[y];
      for (int ox = 0, x = 0; ox < p.out_width; ++ox) {
        int sum = 0;
        for (int k = 0; k < fx; ++k, ++x) sum += device::Sample(frame, p.width, w.x[x], sy);
        w.sums[ox] += sum;
      }
    }
    float* row = out + static_cast<size_t>(oy) * p.out_width;
    for (int ox = 0; ox < p.out_width; ++ox) {
      row[ox] = plan.by_sum.empty() ? device::Scaled(device::AreaByte(w.sums[ox], fx * plan.fy))
                                    : plan.by_sum[w.sums[ox]];
    }
  }
}

void PrepareFrame(const Params& p, const Plan& plan, int64_t index, Scratch& w, float* out) {
  const uint8_t* frame = p.frames + static_cast<size_t>(index) * p.frame_size();
  const double dx = p.offsets[2 * index];
  const double dy = p.offsets[2 * index + 1];
  for (int x = 0; x < p.width; ++x) w.x[x] = device::AxisAt(x, dx, p.width);
  for (int y = 0; y < p.height; ++y) w.y[y] = device::AxisAt(y, dy, p.height);
  float* o = out + static_cast<size_t>(index) * p.out_size();
  if (plan.whole) return ShrinkBlocks(p, plan, frame, w, o);
  // Any ratio: the shifted frame once, then each output cell's weighted sum.
  uint8_t* shifted = w.shifted.data();
  for (int y = 0; y < p.height; ++y) {
    for (int x = 0; x < p.width; ++x)
      shifted[static_cast<size_t>(y) * p.width + x] =
          static_cast<uint8_t>(device::Sample(frame, p.width, w.x[x], w.y[y]));
  }
  for (int oy = 0; oy < p.out_height; ++oy) {
    for (int ox = 0; ox < p.out_width; ++ox) {
      const int byte = device::SpanByte(plan.xs[ox], plan.ys[oy], plan.area, [&](int x, int y) {
        return shifted[static_cast<size_t>(y) * p.width + x];
      });
      o[static_cast<size_t>(oy) * p.out_width + ox] = device::Scaled(byte);
    }
  }
}

}  // namespace

Status PrepareCpu(const Params& p, float* out) {
  static const int hardware = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int64_t wanted =
      p.threads > 0
          ? p.threads
          : std::min<int64_t>(hardware, (p.count + kFramesPerThread - 1) / kFramesPerThread);
  const int threads = static_cast<int>(std::max<int64_t>(1, std::min(wanted, p.count)));
  const Plan plan(p);
  std::atomic<int64_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto body = [&]() {
    try {
      Scratch scratch(p);
      for (int64_t i = next++; i < p.count; i = next++) PrepareFrame(p, plan, i, scratch, out);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      next = p.count;
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(threads - 1));
  for (int t = 1; t < threads; ++t) {
    try {
      pool.emplace_back(body);
    } catch (const std::system_error&) {
      break;  // no more threads: those running (and this one) take the remaining frames
    }
  }
  body();
  for (std::thread& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  return Status::Ok();
}

}  // namespace vigil::prepare
