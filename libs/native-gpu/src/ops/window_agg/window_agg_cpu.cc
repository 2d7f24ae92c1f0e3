// window_agg_cpu.cc: the CPU twin of the window-aggregate op, and its reference implementation
// (see window_agg.h for the semantics).
//
// Algorithm: a two-pointer sliding window per key and window length. Adding event i and dropping
// events that fall out of the window are O(1) amortised each, so the op is O(n * W):
//   sum, and the shifted sums S1 = sum(v - K), S2 = sum((v - K)^2) used for the variance, are kept
//   with Neumaier compensated summation, so adds and removes do not drift; K is the key's first
//   value, which removes most of the cancellation in n*S2 - S1^2 (with integer values whose sums
//   stay below 2^53, every sum and n*S2 - S1^2 are exact);
//   min and max use monotonic deques of indices;
//   distinct uses a count per category (FlatIntMap) and a running number of non-zero counts.
//
// Threads: work units are runs of whole keys of roughly equal event counts, taken by worker threads
// from an atomic counter. A key longer than a unit is instead split by window (one unit per window
// length), so one very active account still spreads over several threads without any unit redoing
// another's work. Exceptions never escape a thread: they become the call's Status.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "ops/window_agg/flat_int_map.h"
#include "ops/window_agg/window_agg.h"
#include "ops/window_agg/window_agg_device.h"
#include "parallel_tasks.h"

namespace vigil::window_agg {

namespace {

using device::NeumaierAdd;

class CompensatedSum {
 public:
  void Reset() { sum_ = comp_ = 0.0; }
  void Add(double x) { NeumaierAdd(sum_, comp_, x); }
  double value() const { return sum_ + comp_; }

 private:
  double sum_ = 0.0;
  double comp_ = 0.0;
};

// Indices whose values are monotonic from front to back; the front is the window's extreme.
class MonotonicDeque {
 public:
  void Reset() {
    items_.clear();
    head_ = 0;
  }
  bool empty() const { return head_ == items_.size(); }
  int64_t front() const { return items_[head_]; }
  // Pushes index i, first popping every back index whose value `dominated(back, v)`.
  template <typename Dominated>
  void Push(const double* values, int64_t i, Dominated dominated) {
    while (!empty() && dominated(values[items_.back()], values[i])) items_.pop_back();
    items_.push_back(i);
  }
  void PopFrontIf(int64_t index) {
    if (!empty() && items_[head_] == index) ++head_;
  }

 private:
  std::vector<int64_t> items_;  // live entries are [head_, size)
  size_t head_ = 0;
};

// One thread's reusable state for one (key range, window) pass.
struct WindowState {
  CompensatedSum sum;
  CompensatedSum s1;  // sum(v - shift)
  CompensatedSum s2;  // sum((v - shift)^2)
  double shift = 0.0;
  MonotonicDeque min_deque;
  MonotonicDeque max_deque;
  FlatIntMap category_counts;
  int64_t distinct = 0;

  void Reset(double new_shift) {
    sum.Reset();
    s1.Reset();
    s2.Reset();
    shift = new_shift;
    min_deque.Reset();
    max_deque.Reset();
    category_counts.Clear();
    distinct = 0;
  }
};

void Add(const Params& p, WindowState& st, int64_t j) {
  const double v = p.values[j];
  const double d = v - st.shift;
  st.sum.Add(v);
  st.s1.Add(d);
  st.s2.Add(d * d);
  st.min_deque.Push(p.values, j, [](double back, double v) { return back >= v; });
  st.max_deque.Push(p.values, j, [](double back, double v) { return back <= v; });
  if (p.categories != nullptr) {
    int32_t& count = st.category_counts.FindOrInsert(p.categories[j], 0);
    if (count++ == 0) ++st.distinct;
  }
}

void Remove(const Params& p, WindowState& st, int64_t j) {
  const double v = p.values[j];
  const double d = v - st.shift;
  st.sum.Add(-v);
  st.s1.Add(-d);
  st.s2.Add(-(d * d));
  st.min_deque.PopFrontIf(j);
  st.max_deque.PopFrontIf(j);
  if (p.categories != nullptr) {
    int32_t& count = st.category_counts.FindOrInsert(p.categories[j], 0);
    if (--count == 0) --st.distinct;
  }
}

// Writes the outputs of the key occupying events [begin, end) for window `wi`.
void ProcessKey(const Params& p, const Outputs& out, int64_t begin, int64_t end, size_t wi,
                WindowState& st) {
  const double window = p.windows[wi];
  const size_t num_windows = p.num_windows();
  const double* times = p.times;
  int64_t left = begin;
  st.Reset(p.values[begin]);
  for (int64_t i = begin; i < end; ++i) {
    Add(p, st, i);
    const double start = times[i] - window;              // -inf for an infinite window
    while (times[left] <= start) Remove(p, st, left++);  // stops at i: times[i] > start
    const size_t o = static_cast<size_t>(i) * num_windows + wi;
    const double n = static_cast<double>(i - left + 1);
    const double sum = st.sum.value();
    const double s1 = st.s1.value();
    const double m2n = n * st.s2.value() - s1 * s1;  // n^2 * variance
    out.stat[kCount][o] = n;
    out.stat[kSum][o] = sum;
    out.stat[kMean][o] = sum / n;
    out.stat[kStd][o] = m2n > 0.0 ? std::sqrt(m2n) / n : 0.0;
    out.stat[kMin][o] = p.values[st.min_deque.front()];
    out.stat[kMax][o] = p.values[st.max_deque.front()];
    if (out.stat[kDistinct] != nullptr) out.stat[kDistinct][o] = static_cast<double>(st.distinct);
  }
}

// Events [begin, end) are whole keys; `window` is one window index, or kAllWindows.
struct Unit {
  int64_t begin;
  int64_t end;
  int64_t window;
};
constexpr int64_t kAllWindows = -1;

int64_t KeyEnd(const Params& p, int64_t begin) {
  int64_t end = begin + 1;
  while (end < p.n && p.keys[end] == p.keys[begin]) ++end;
  return end;
}

void ProcessUnit(const Params& p, const Outputs& out, const Unit& unit, WindowState& st) {
  for (int64_t begin = unit.begin; begin < unit.end;) {
    const int64_t end = KeyEnd(p, begin);
    if (unit.window == kAllWindows) {
      for (size_t wi = 0; wi < p.num_windows(); ++wi) ProcessKey(p, out, begin, end, wi, st);
    } else {
      ProcessKey(p, out, begin, end, static_cast<size_t>(unit.window), st);
    }
    begin = end;
  }
}

// Long keys first (one unit per window each), then runs of whole keys of ~target_events events.
std::vector<Unit> PlanUnits(const Params& p, int64_t target_events) {
  std::vector<Unit> long_keys;
  std::vector<Unit> runs;
  int64_t run_begin = 0;
  for (int64_t begin = 0; begin < p.n;) {
    const int64_t end = KeyEnd(p, begin);
    if (end - begin > target_events && p.num_windows() > 1) {
      if (run_begin < begin) runs.push_back({run_begin, begin, kAllWindows});
      for (size_t wi = 0; wi < p.num_windows(); ++wi) {
        long_keys.push_back({begin, end, static_cast<int64_t>(wi)});
      }
      run_begin = end;
    } else if (end - run_begin >= target_events) {
      runs.push_back({run_begin, end, kAllWindows});
      run_begin = end;
    }
    begin = end;
  }
  if (run_begin < p.n) runs.push_back({run_begin, p.n, kAllWindows});
  long_keys.insert(long_keys.end(), runs.begin(), runs.end());
  return long_keys;
}

}  // namespace

void PrevSameCategory(const int32_t* keys, const int32_t* categories, int64_t n,
                      int32_t* prev_same) {
  FlatIntMap last_index;  // category -> last event index within the current key
  for (int64_t j = 0; j < n; ++j) {
    if (j > 0 && keys[j] != keys[j - 1]) last_index.Clear();
    int32_t& last = last_index.FindOrInsert(categories[j], -1);
    prev_same[j] = last;
    last = static_cast<int32_t>(j);
  }
}

Status WindowAggCpu(const Params& p, const Outputs& out) {
  if (p.n == 0 || p.windows.empty()) return Status::Ok();

  int threads = p.threads > 0 ? p.threads : HardwareThreads();
  // ~8 units per thread balances uneven keys; the floor keeps per-unit overhead negligible.
  const int64_t target = std::clamp<int64_t>(p.n / (int64_t{threads} * 8), 1024, int64_t{1} << 16);
  const std::vector<Unit> units = PlanUnits(p, target);
  const int64_t num_units = static_cast<int64_t>(units.size());

  // An exception (bad_alloc) reaches the worker's Execute(), which turns it into a Status.
  ParallelTasks(num_units, threads, [&]() {
    return [&, state = WindowState()](int64_t u) mutable {
      ProcessUnit(p, out, units[static_cast<size_t>(u)], state);
    };
  });
  return Status::Ok();
}

}  // namespace vigil::window_agg
