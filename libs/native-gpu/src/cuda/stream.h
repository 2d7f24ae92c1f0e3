// stream.h: CudaStream, an owning, move-only cudaStream_t (RAII). Each op call gets its own
// non-blocking stream, so concurrent calls from different libuv threads do not serialise on the
// legacy default stream. Compiled only with NATIVE_GPU_WITH_CUDA.
#ifndef VIGIL_NATIVE_GPU_CUDA_STREAM_H_
#define VIGIL_NATIVE_GPU_CUDA_STREAM_H_

#include <cuda_runtime_api.h>

#include <utility>

#include "cuda/check.h"
#include "status.h"

namespace vigil::cuda {

class CudaStream {
 public:
  CudaStream() = default;
  ~CudaStream() { Reset(); }

  CudaStream(const CudaStream&) = delete;
  CudaStream& operator=(const CudaStream&) = delete;
  CudaStream(CudaStream&& other) noexcept : stream_(std::exchange(other.stream_, nullptr)) {}
  CudaStream& operator=(CudaStream&& other) noexcept {
    if (this != &other) {
      Reset();
      stream_ = std::exchange(other.stream_, nullptr);
    }
    return *this;
  }

  Status Create() {
    Reset();
    VG_CUDA_RETURN_IF_ERROR(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    return Status::Ok();
  }

  Status Synchronize() const {
    VG_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream_));
    return Status::Ok();
  }

  cudaStream_t get() const { return stream_; }

  void Reset() {
    if (stream_ != nullptr) {
      cudaStreamSynchronize(stream_);  // never destroy a stream under in-flight work of ours
      cudaStreamDestroy(stream_);
    }
    stream_ = nullptr;
  }

 private:
  cudaStream_t stream_ = nullptr;
};

}  // namespace vigil::cuda

#endif  // VIGIL_NATIVE_GPU_CUDA_STREAM_H_
