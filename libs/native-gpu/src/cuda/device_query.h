// device_query.h: CUDA device enumeration for backends()/deviceInfo()/cudaStatus().
// Plain C++ over the CUDA runtime API; compiled only with NATIVE_GPU_WITH_CUDA.
#ifndef VIGIL_NATIVE_GPU_CUDA_DEVICE_QUERY_H_
#define VIGIL_NATIVE_GPU_CUDA_DEVICE_QUERY_H_

#include <cstddef>
#include <string>

#include "status.h"

namespace vigil::cuda {

struct DeviceProperties {
  int id = 0;
  std::string name;
  size_t total_memory_bytes = 0;
  int multiprocessor_count = 0;
  int compute_major = 0;
  int compute_minor = 0;
  int memory_clock_khz = 0;       // peak memory clock
  int memory_bus_width_bits = 0;
};

// Number of visible CUDA devices. Without a driver or device this is a failed Status
// (cudaErrorNoDevice, cudaErrorInsufficientDriver, ...), not a crash.
Status DeviceCount(int* count);
Status GetDeviceProperties(int device, DeviceProperties* out);
// CUDA runtime version this addon was linked with, and the installed driver's (0 when none).
Status Versions(int* runtime_version, int* driver_version);

}  // namespace vigil::cuda

#endif  // VIGIL_NATIVE_GPU_CUDA_DEVICE_QUERY_H_
