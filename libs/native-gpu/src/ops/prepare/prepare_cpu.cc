// prepare_cpu.cc: the CPU twin of prepareFrames (see prepare.h). Frames are independent: threads
// take frames. A frame is read at its offset in two separable integer passes (each source row
// along x once, then each output row from two of those), which give device::Sample's bytes exactly;
// the axis tables and each call's shrink weights come from prepare_device.h's functions.
#include <algorithm>
#include <vector>

#include "ops/prepare/prepare.h"
#include "ops/prepare/prepare_device.h"
#include "parallel_tasks.h"

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
  // Not whole: each output column's and row's source cells, and each of those cells' Overlap.
  std::vector<device::Span> xs, ys;
  std::vector<std::vector<double>> wx, wy;
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
    auto overlaps = [](const device::Span& s) {
      std::vector<double> w;
      for (int cell = s.first; cell < s.last; ++cell) w.push_back(device::Overlap(s, cell));
      return w;
    };
    for (const device::Span& s : xs) wx.push_back(overlaps(s));
    for (const device::Span& s : ys) wy.push_back(overlaps(s));
  }
};

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VG_PREP_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define VG_PREP_CLONES
#endif

// One axis of a frame's read at its offset (device::AxisAt per index), and the run of indices where
// it reads src[i + shift] and src[i + shift + 1] with one weight (all but the clamped edges).
struct Axis {
  std::vector<int32_t> near, far, weight;
  int run_begin = 0, run_end = 0, shift = 0, run_weight = 0;

  explicit Axis(int size) : near(size), far(size), weight(size) {}

  void Set(double d) {
    const int size = static_cast<int>(near.size());
    for (int i = 0; i < size; ++i) {
      const device::AxisSample s = device::AxisAt(i, d, size);
      near[i] = s.near;
      far[i] = s.far;
      weight[i] = s.weight;
    }
    const int mid = size / 2;
    shift = near[mid] - mid;
    run_weight = weight[mid];
    auto in_run = [&](int i) {
      return near[i] == i + shift && far[i] == i + shift + 1 && weight[i] == run_weight;
    };
    run_begin = run_end = mid;
    if (!in_run(mid)) return;
    while (run_begin > 0 && in_run(run_begin - 1)) --run_begin;
    while (run_end < size && in_run(run_end)) ++run_end;
  }
};

// Per-thread scratch: the frame's axes, its rows interpolated along x, its shifted bytes.
struct Scratch {
  Axis x, y;
  std::vector<int32_t> rows;   // [height][width]: row r read along x (computed on first use)
  std::vector<uint8_t> ready;  // per source row: rows[r] computed for this frame
  std::vector<uint8_t> shifted;
  std::vector<int32_t> columns;  // a block's column sums

  explicit Scratch(const Params& p)
      : x(p.width),
        y(p.height),
        rows(p.frame_size()),
        ready(p.height),
        shifted(p.frame_size()),
        columns(p.width) {}
};

// h[x] = row[near[x]]·(256 − w[x]) + row[far[x]]·w[x]: device::Sample's inner sums, exact in
// integers; the run is one contiguous loop the compiler vectorises.
VG_PREP_CLONES void ReadAlongX(const uint8_t* __restrict row, const Axis& a,
                               int32_t* __restrict h) {
  const int width = static_cast<int>(a.near.size());
  const int32_t* near = a.near.data();
  const int32_t* far = a.far.data();
  const int32_t* weight = a.weight.data();
  const int begin = a.run_begin;
  const int end = a.run_end;
  for (int x = 0; x < begin; ++x) h[x] = row[near[x]] * (256 - weight[x]) + row[far[x]] * weight[x];
  const uint8_t* __restrict r0 = row + a.shift;
  const uint8_t* __restrict r1 = r0 + 1;
  const int w1 = a.run_weight;
  const int w0 = 256 - w1;
  for (int x = begin; x < end; ++x) h[x] = r0[x] * w0 + r1[x] * w1;
  for (int x = end; x < width; ++x)
    h[x] = row[near[x]] * (256 - weight[x]) + row[far[x]] * weight[x];
}

// out[x] = (top[x]·(256 − b) + bottom[x]·b + 32768) >> 16: device::Sample, given its row sums.
VG_PREP_CLONES void ReadAlongY(const int32_t* __restrict top, const int32_t* __restrict bottom,
                               int b, int width, uint8_t* __restrict out) {
  for (int x = 0; x < width; ++x) {
    out[x] = static_cast<uint8_t>((top[x] * (256 - b) + bottom[x] * b + 32768) >> 16);
  }
}

// The frame read at its offset, as device::Sample gives each pixel, in two separable passes.
void Shift(const Params& p, const uint8_t* frame, Scratch& w) {
  std::fill(w.ready.begin(), w.ready.end(), 0);
  auto row = [&](int r) {
    int32_t* h = w.rows.data() + static_cast<size_t>(r) * p.width;
    if (!w.ready[r]) ReadAlongX(frame + static_cast<size_t>(r) * p.width, w.x, h);
    w.ready[r] = 1;
    return h;
  };
  for (int y = 0; y < p.height; ++y) {
    const int32_t* top = row(w.y.near[y]);
    const int32_t* bottom = row(w.y.far[y]);
    ReadAlongY(top, bottom, w.y.weight[y], p.width,
               w.shifted.data() + static_cast<size_t>(y) * p.width);
  }
}

// acc[x] += row[x]: a block's column sums, one source row at a time (vectorised).
VG_PREP_CLONES void AddRow(const uint8_t* __restrict row, int width, int32_t* __restrict acc) {
  for (int x = 0; x < width; ++x) acc[x] += row[x];
}

// Whole ratio: each output is the mean of an fx × fy block of shifted pixels.
void ShrinkBlocks(const Params& p, const Plan& plan, Scratch& w, float* out) {
  const int width = p.width;
  const int out_width = p.out_width;
  const int fx = plan.fx;
  int32_t* acc = w.columns.data();
  for (int oy = 0; oy < p.out_height; ++oy) {
    std::fill(acc, acc + width, 0);
    for (int y = oy * plan.fy; y < (oy + 1) * plan.fy; ++y) {
      AddRow(w.shifted.data() + static_cast<size_t>(y) * width, width, acc);
    }
    float* o = out + static_cast<size_t>(oy) * out_width;
    for (int ox = 0; ox < out_width; ++ox) {
      int sum = 0;
      for (int k = 0; k < fx; ++k) sum += acc[ox * fx + k];
      o[ox] = plan.by_sum.empty() ? device::Scaled(device::AreaByte(sum, fx * plan.fy))
                                  : plan.by_sum[sum];
    }
  }
}

void PrepareFrame(const Params& p, const Plan& plan, int64_t index, Scratch& w, float* out) {
  w.x.Set(p.offsets[2 * index]);
  w.y.Set(p.offsets[2 * index + 1]);
  Shift(p, p.frames + static_cast<size_t>(index) * p.frame_size(), w);
  float* o = out + static_cast<size_t>(index) * p.out_size();
  if (plan.whole) return ShrinkBlocks(p, plan, w, o);
  // Any ratio: each output cell's weighted sum of the shifted bytes.
  const uint8_t* shifted = w.shifted.data();
  const int width = p.width;
  for (int oy = 0; oy < p.out_height; ++oy) {
    const device::Span& sy = plan.ys[oy];
    const double* wy = plan.wy[oy].data();
    for (int ox = 0; ox < p.out_width; ++ox) {
      const device::Span& sx = plan.xs[ox];
      const double* wx = plan.wx[ox].data();
      const int byte = device::SpanByte(
          sx, sy, plan.area,
          [&](int x, int y) { return shifted[static_cast<size_t>(y) * width + x]; },
          [&](int x) { return wx[x - sx.first]; }, [&](int y) { return wy[y - sy.first]; });
      o[static_cast<size_t>(oy) * p.out_width + ox] = device::Scaled(byte);
    }
  }
}

}  // namespace

Status PrepareCpu(const Params& p, float* out) {
  const int64_t wanted =
      p.threads > 0 ? p.threads
                    : std::min<int64_t>(HardwareThreads(),
                                        (p.count + kFramesPerThread - 1) / kFramesPerThread);
  const Plan plan(p);
  ParallelTasks(p.count, static_cast<int>(wanted), [&]() {
    return [&, scratch = Scratch(p)](int64_t frame) mutable {
      PrepareFrame(p, plan, frame, scratch, out);
    };
  });
  return Status::Ok();
}

}  // namespace vigil::prepare
