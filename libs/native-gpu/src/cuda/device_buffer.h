// device_buffer.h: DeviceBuffer<T>, an owning, move-only CUDA device allocation (RAII).
//
// Every early return on an error path frees what was allocated (contrast CUTLASS examples that
// cudaFree by hand on each path). Allocation and copies return a Status; nothing throws or exits.
// Compiled only with NATIVE_GPU_WITH_CUDA.
#ifndef VIGIL_NATIVE_GPU_CUDA_DEVICE_BUFFER_H_
#define VIGIL_NATIVE_GPU_CUDA_DEVICE_BUFFER_H_

#include <cuda_runtime_api.h>

#include <cstddef>
#include <utility>

#include "cuda/check.h"
#include "status.h"

namespace vigil::cuda {

template <typename T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  ~DeviceBuffer() { Reset(); }

  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& other) noexcept
      : ptr_(std::exchange(other.ptr_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept {
    if (this != &other) {
      Reset();
      ptr_ = std::exchange(other.ptr_, nullptr);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }

  // Allocates `count` elements (uninitialised); a zero count allocates nothing.
  Status Allocate(size_t count) {
    Reset();
    if (count == 0) return Status::Ok();
    void* ptr = nullptr;
    VG_CUDA_RETURN_IF_ERROR(cudaMalloc(&ptr, count * sizeof(T)));
    ptr_ = static_cast<T*>(ptr);
    size_ = count;
    return Status::Ok();
  }

  // Allocates size() == count and copies `count` elements from host memory, ordered on `stream`.
  Status AllocateAndUpload(const T* host, size_t count, cudaStream_t stream) {
    VG_RETURN_IF_ERROR(Allocate(count));
    if (count == 0) return Status::Ok();
    VG_CUDA_RETURN_IF_ERROR(
        cudaMemcpyAsync(ptr_, host, count * sizeof(T), cudaMemcpyHostToDevice, stream));
    return Status::Ok();
  }

  // Copies the first `count` elements back to host memory, ordered on `stream`.
  Status Download(T* host, size_t count, cudaStream_t stream) const {
    if (count == 0) return Status::Ok();
    if (count > size_) return Status::Error("DeviceBuffer::Download: count exceeds the allocation");
    VG_CUDA_RETURN_IF_ERROR(
        cudaMemcpyAsync(host, ptr_, count * sizeof(T), cudaMemcpyDeviceToHost, stream));
    return Status::Ok();
  }

  T* get() const { return ptr_; }
  size_t size() const { return size_; }

  // Frees the allocation. cudaFree synchronises with pending work; its error (if the context is
  // already broken) has nowhere to go and is dropped.
  void Reset() {
    if (ptr_ != nullptr) cudaFree(ptr_);
    ptr_ = nullptr;
    size_ = 0;
  }

 private:
  T* ptr_ = nullptr;
  size_t size_ = 0;
};

}  // namespace vigil::cuda

#endif  // VIGIL_NATIVE_GPU_CUDA_DEVICE_BUFFER_H_
