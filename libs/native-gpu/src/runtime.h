// runtime.h: capability queries exported to JS: backends(), deviceInfo(), cudaStatus().
//
// 'cuda' is a backend only when the addon was compiled with NATIVE_GPU_WITH_CUDA *and* the CUDA
// runtime reports at least one device (onnxruntime's ListSupportedBackends, STYLE R14). The probe
// runs once per process and is cached: device enumeration does not change under a running process.
#ifndef VIGIL_NATIVE_GPU_RUNTIME_H_
#define VIGIL_NATIVE_GPU_RUNTIME_H_

#include <napi.h>

#include "status.h"

namespace vigil {

struct CudaProbe {
  bool compiled = false;   // built with NATIVE_GPU_WITH_CUDA
  int device_count = 0;    // visible devices (0 when the probe failed)
  int runtime_version = 0; // e.g. 13000 for CUDA 13.0; 0 when not compiled
  int driver_version = 0;  // 0 when no driver is installed
  Status status;           // why there is no device, when there is none
};

// Cached, thread-safe.
const CudaProbe& ProbeCuda();
inline bool CudaAvailable() { return ProbeCuda().compiled && ProbeCuda().device_count > 0; }

Napi::Value Backends(const Napi::CallbackInfo& info);
Napi::Value DeviceInfo(const Napi::CallbackInfo& info);
Napi::Value CudaStatusInfo(const Napi::CallbackInfo& info);

}  // namespace vigil

#endif  // VIGIL_NATIVE_GPU_RUNTIME_H_
