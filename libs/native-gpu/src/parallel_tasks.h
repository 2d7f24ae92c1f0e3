// parallel_tasks.h: how the CPU twins share work among threads.
//
// ParallelTasks(tasks, threads, make_worker) runs tasks 0 .. tasks-1 on `threads` threads, the
// calling (libuv) thread included: each thread first builds its own state with make_worker() (its
// scratch), which returns the callable it runs per task, then takes task indices from a shared
// counter. The first exception stops every thread from taking more and is rethrown to the caller
// (the worker turns it into a rejected Promise); a thread that cannot be started leaves its share
// to those already running.
#ifndef VIGIL_NATIVE_GPU_PARALLEL_TASKS_H_
#define VIGIL_NATIVE_GPU_PARALLEL_TASKS_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace vigil {

// std::thread::hardware_concurrency(), read once per process (it reads /sys on every call).
inline int HardwareThreads() {
  static const int hardware = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return hardware;
}

template <typename MakeWorker>
void ParallelTasks(int64_t tasks, int threads, MakeWorker make_worker) {
  threads = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(threads, tasks)));
  std::atomic<int64_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto body = [&]() {
    try {
      auto work = make_worker();
      for (int64_t task = next++; task < tasks; task = next++) work(task);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      next = tasks;
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(threads - 1));
  for (int t = 1; t < threads; ++t) {
    try {
      pool.emplace_back(body);
    } catch (const std::system_error&) {
      break;  // no more threads: those running (and this one) take the remaining tasks
    }
  }
  body();
  for (std::thread& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace vigil

#endif  // VIGIL_NATIVE_GPU_PARALLEL_TASKS_H_
