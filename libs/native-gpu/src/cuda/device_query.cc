// device_query.cc: see device_query.h. Compiled with the host compiler against the CUDA runtime
// headers; cudart is linked statically, so nothing here needs libcudart.so at load time.
#include "cuda/device_query.h"

#include <cuda_runtime_api.h>

#include "cuda/check.h"

namespace vigil::cuda {

Status DeviceCount(int* count) {
  *count = 0;
  const cudaError_t error = cudaGetDeviceCount(count);
  if (error != cudaSuccess) {
    *count = 0;
    cudaGetLastError();  // clear the (non-sticky) error so later calls start clean
    return CudaStatus(error, "cudaGetDeviceCount");
  }
  return Status::Ok();
}

Status GetDeviceProperties(int device, DeviceProperties* out) {
  cudaDeviceProp props{};
  VG_CUDA_RETURN_IF_ERROR(cudaGetDeviceProperties(&props, device));
  out->id = device;
  out->name = props.name;
  out->total_memory_bytes = props.totalGlobalMem;
  out->multiprocessor_count = props.multiProcessorCount;
  out->compute_major = props.major;
  out->compute_minor = props.minor;
  // CUDA 13 dropped these from cudaDeviceProp; the attributes remain.
  VG_CUDA_RETURN_IF_ERROR(
      cudaDeviceGetAttribute(&out->memory_clock_khz, cudaDevAttrMemoryClockRate, device));
  VG_CUDA_RETURN_IF_ERROR(cudaDeviceGetAttribute(&out->memory_bus_width_bits,
                                                 cudaDevAttrGlobalMemoryBusWidth, device));
  return Status::Ok();
}

Status Versions(int* runtime_version, int* driver_version) {
  *runtime_version = 0;
  *driver_version = 0;
  VG_CUDA_RETURN_IF_ERROR(cudaRuntimeGetVersion(runtime_version));
  VG_CUDA_RETURN_IF_ERROR(cudaDriverGetVersion(driver_version));  // 0 when no driver is installed
  return Status::Ok();
}

}  // namespace vigil::cuda
