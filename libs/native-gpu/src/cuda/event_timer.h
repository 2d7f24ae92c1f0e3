// event_timer.h: EventTimer, the GPU time of spans of work on a stream, from a pair of CUDA events
// (RAII), for the ops' `timing` option: kernel time without uploads, downloads or allocation.
// Compiled only with NATIVE_GPU_WITH_CUDA.
#ifndef VIGIL_NATIVE_GPU_CUDA_EVENT_TIMER_H_
#define VIGIL_NATIVE_GPU_CUDA_EVENT_TIMER_H_

#include <cuda_runtime_api.h>

#include "cuda/check.h"
#include "status.h"

namespace vigil::cuda {

// A disabled timer does nothing, so call sites need no `if (timing)`. Usage per span:
// Start(stream), the kernels, Stop(stream); once the stream has passed Stop, Accumulate().
class EventTimer {
 public:
  explicit EventTimer(bool enabled) : enabled_(enabled) {}
  ~EventTimer() {
    if (start_ != nullptr) cudaEventDestroy(start_);
    if (stop_ != nullptr) cudaEventDestroy(stop_);
  }
  EventTimer(const EventTimer&) = delete;
  EventTimer& operator=(const EventTimer&) = delete;

  Status Start(cudaStream_t stream) {
    if (!enabled_) return Status::Ok();
    if (start_ == nullptr) VG_CUDA_RETURN_IF_ERROR(cudaEventCreate(&start_));
    if (stop_ == nullptr) VG_CUDA_RETURN_IF_ERROR(cudaEventCreate(&stop_));
    VG_CUDA_RETURN_IF_ERROR(cudaEventRecord(start_, stream));
    return Status::Ok();
  }

  Status Stop(cudaStream_t stream) {
    if (!enabled_) return Status::Ok();
    VG_CUDA_RETURN_IF_ERROR(cudaEventRecord(stop_, stream));
    return Status::Ok();
  }

  // Adds the last span to total_ms(); the stream must have completed it (synchronised).
  Status Accumulate() {
    if (!enabled_) return Status::Ok();
    float ms = 0.0f;
    VG_CUDA_RETURN_IF_ERROR(cudaEventElapsedTime(&ms, start_, stop_));
    total_ms_ += ms;
    return Status::Ok();
  }

  bool enabled() const { return enabled_; }
  double total_ms() const { return total_ms_; }

 private:
  bool enabled_;
  cudaEvent_t start_ = nullptr;
  cudaEvent_t stop_ = nullptr;
  double total_ms_ = 0.0;
};

}  // namespace vigil::cuda

#endif  // VIGIL_NATIVE_GPU_CUDA_EVENT_TIMER_H_
