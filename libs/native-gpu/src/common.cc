// common.cc: see common.h.
#include "common.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace vigil {

double* AllocateHostDoubles(size_t n) {
  if (n == 0 || n > SIZE_MAX / sizeof(double)) return nullptr;
  return static_cast<double*>(std::malloc(n * sizeof(double)));
}

Napi::Float64Array ToFloat64Array(Napi::Env env, HostArray&& array) {
  const size_t length = array.size;
  if (length == 0) return Napi::Float64Array::New(env, 0);
  const size_t bytes = length * sizeof(double);
#ifndef NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED
  // V8 does not count external backing stores towards GC pressure by itself: report them (and
  // un-report them in the finalizer), or large results pile up between collections.
  napi_value external = nullptr;
  const napi_status status = napi_create_external_arraybuffer(
      env, array.get(), bytes,
      [](napi_env finalize_env, void* data, void* hint) {
        std::free(data);
        const auto freed = static_cast<int64_t>(reinterpret_cast<uintptr_t>(hint));
        int64_t total = 0;
        napi_adjust_external_memory(finalize_env, -freed, &total);
      },
      reinterpret_cast<void*>(static_cast<uintptr_t>(bytes)), &external);
  if (status == napi_ok) {
    array.data.release();  // now owned by the ArrayBuffer's finalizer
    array.size = 0;
    int64_t total = 0;
    napi_adjust_external_memory(env, static_cast<int64_t>(bytes), &total);
    return Napi::Float64Array::New(env, length, Napi::ArrayBuffer(env, external), 0);
  }
  if (status != napi_no_external_buffers_allowed) {
    NAPI_THROW_IF_FAILED(env, status, Napi::Float64Array());
  }
#endif
  // Copy path: runtimes that forbid external buffers.
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, bytes);
  std::memcpy(buffer.Data(), array.get(), bytes);
  array.data.reset();
  array.size = 0;
  return Napi::Float64Array::New(env, length, buffer, 0);
}

}  // namespace vigil
