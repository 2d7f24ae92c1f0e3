// runtime.cc: see runtime.h.
#include "runtime.h"

#include <cstdint>
#include <vector>

#include "common.h"
#ifdef NATIVE_GPU_WITH_CUDA
#include "cuda/device_query.h"
#endif

namespace vigil {

namespace {

CudaProbe RunProbe() {
  CudaProbe probe;
#ifdef NATIVE_GPU_WITH_CUDA
  probe.compiled = true;
  cuda::Versions(&probe.runtime_version, &probe.driver_version);  // best effort, for diagnostics
  probe.status = cuda::DeviceCount(&probe.device_count);
  if (probe.status.ok() && probe.device_count == 0) {
    probe.status = Status::Error("no CUDA device is visible", "cudaErrorNoDevice");
  }
#else
  probe.status =
      Status::Error("the addon was built without CUDA (nvcc was not found at build time)",
                    "ERR_NATIVE_GPU_NO_CUDA_BUILD");
#endif
  return probe;
}

}  // namespace

const CudaProbe& ProbeCuda() {
  static const CudaProbe probe = RunProbe();  // C++11 magic static: initialised once, thread-safe
  return probe;
}

Napi::Value Backends(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array result = Napi::Array::New(env);
  result.Set(uint32_t{0}, Napi::String::New(env, "cpu"));
  if (CudaAvailable()) result.Set(uint32_t{1}, Napi::String::New(env, "cuda"));
  return result;
}

Napi::Value DeviceInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array result = Napi::Array::New(env);
#ifdef NATIVE_GPU_WITH_CUDA
  if (!CudaAvailable()) return result;
  for (int device = 0; device < ProbeCuda().device_count; ++device) {
    cuda::DeviceProperties props;
    const Status status = cuda::GetDeviceProperties(device, &props);
    if (!status.ok()) {
      NAPI_THROW(StatusToError(env, status.WithPrefix("deviceInfo")), Napi::Value());
    }
    Napi::Object item = Napi::Object::New(env);
    item.Set("id", props.id);
    item.Set("name", props.name);
    item.Set("totalMemoryBytes", static_cast<double>(props.total_memory_bytes));
    item.Set("multiProcessorCount", props.multiprocessor_count);
    Napi::Object cc = Napi::Object::New(env);
    cc.Set("major", props.compute_major);
    cc.Set("minor", props.compute_minor);
    item.Set("computeCapability", cc);
    // Double data rate: two transfers per memory clock over the whole bus.
    item.Set("peakMemoryBandwidthBytesPerSecond",
             2.0 * props.memory_clock_khz * 1000.0 * props.memory_bus_width_bits / 8.0);
    result.Set(static_cast<uint32_t>(device), item);
  }
#endif
  return result;
}

Napi::Value CudaStatusInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const CudaProbe& probe = ProbeCuda();
  Napi::Object result = Napi::Object::New(env);
  result.Set("compiled", probe.compiled);
  result.Set("available", CudaAvailable());
  result.Set("deviceCount", probe.device_count);
  result.Set("runtimeVersion", probe.runtime_version);
  result.Set("driverVersion", probe.driver_version);
  if (!probe.status.ok()) {
    result.Set("error", probe.status.message());
    result.Set("code", probe.status.code());
  }
  return result;
}

}  // namespace vigil
