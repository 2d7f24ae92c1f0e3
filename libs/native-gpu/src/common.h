// common.h: N-API helpers shared by the addon's bindings (never included by .cu files).
//
// Validation of shapes and dtypes happens in TypeScript (lib/); the checks here only guard memory
// safety for callers that reach the raw binding, so a wrong argument is a TypeError, never a crash.
#ifndef VIGIL_NATIVE_GPU_COMMON_H_
#define VIGIL_NATIVE_GPU_COMMON_H_

#include <napi.h>

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>

#include "device_timing.h"
#include "status.h"

namespace vigil {

#define VG_THROW_TYPE_ERROR_IF(cond, env, message)                         \
  do {                                                                     \
    if (cond) NAPI_THROW(Napi::TypeError::New((env), (message)), Napi::Value()); \
  } while (0)

// An op's `timing` option: whether JS asked for it, where a CUDA backend writes the figures
// (target(): nullptr when not asked), and result.deviceMs / deviceBytes once the run was on CUDA
// (no other backend measures).
class TimingOption {
 public:
  explicit TimingOption(const Napi::Object& options)
      : requested_(options.Get("timing").ToBoolean().Value()) {}

  DeviceTiming* target() { return requested_ ? &timing_ : nullptr; }

  void Report(Napi::Object result, bool ran_on_cuda) const {
    if (!requested_ || !ran_on_cuda) return;
    result.Set("deviceMs", timing_.ms);
    result.Set("deviceBytes", timing_.bytes);
  }

 private:
  bool requested_;
  DeviceTiming timing_;
};

// An Error carrying status.message() and a `code` property (e.g. "cudaErrorMemoryAllocation").
inline Napi::Error StatusToError(Napi::Env env, const Status& status) {
  Napi::Error error = Napi::Error::New(env, status.message());
  error.Set("code", Napi::String::New(env, status.code()));
  return error;
}

// True when `value` is a TypedArray of element type `type` with `length` elements.
inline bool IsTypedArrayOf(const Napi::Value& value, napi_typedarray_type type, size_t length) {
  if (!value.IsTypedArray()) return false;
  Napi::TypedArray array = value.As<Napi::TypedArray>();
  return array.TypedArrayType() == type && array.ElementLength() == length;
}

// Property `key` of `options` as a number, or `fallback` when it is absent/undefined.
inline double GetNumberOr(const Napi::Object& options, const char* key, double fallback) {
  Napi::Value value = options.Get(key);
  return value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : fallback;
}

// Frees memory from AllocateHostDoubles / AllocateHostFloats.
struct FreeDeleter {
  void operator()(void* data) const { std::free(data); }
};

// Uninitialised host memory for `n` doubles (outputs are fully overwritten, so no zero-fill pass);
// nullptr when out of memory or for n == 0. Freed with std::free (FreeDeleter, the ArrayBuffer
// finalizer).
double* AllocateHostDoubles(size_t n);
float* AllocateHostFloats(size_t n);

// An owning host array of doubles; moves into a JS Float64Array without a copy (ToFloat64Array).
struct HostArray {
  std::unique_ptr<double, FreeDeleter> data;
  size_t size = 0;

  // Throws std::bad_alloc; callers in Execute() turn it into a Status.
  void Allocate(size_t n) {
    data.reset(AllocateHostDoubles(n));
    if (n > 0 && data == nullptr) throw std::bad_alloc();
    size = n;
  }
  double* get() const { return data.get(); }
};

// Wraps `array` in a Float64Array without copying: an external ArrayBuffer whose finalizer frees
// the memory (STYLE R13). Falls back to a copy where external buffers are not allowed (built with
// NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED, or a runtime such as Electron's sandbox refusing them).
Napi::Float64Array ToFloat64Array(Napi::Env env, HostArray&& array);

// The float32 counterparts (e.g. images).
struct HostFloatArray {
  std::unique_ptr<float, FreeDeleter> data;
  size_t size = 0;

  void Allocate(size_t n) {
    data.reset(AllocateHostFloats(n));
    if (n > 0 && data == nullptr) throw std::bad_alloc();
    size = n;
  }
  float* get() const { return data.get(); }
};

Napi::Float32Array ToFloat32Array(Napi::Env env, HostFloatArray&& array);

}  // namespace vigil

#endif  // VIGIL_NATIVE_GPU_COMMON_H_
