// common.cc: see common.h.
#include "common.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace vigil {

namespace {

// An ArrayBuffer over `data` (`bytes` long, from std::malloc). On success without a copy the buffer
// owns `data` and *adopted is true; on the copy path the caller keeps (and frees) `data`.
Napi::ArrayBuffer AdoptOrCopy(Napi::Env env, void* data, size_t bytes, bool* adopted) {
  *adopted = false;
#ifndef NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED
  // V8 does not count external backing stores towards GC pressure by itself: report them (and
  // un-report them in the finalizer), or large results pile up between collections.
  napi_value external = nullptr;
  const napi_status status = napi_create_external_arraybuffer(
      env, data, bytes,
      [](napi_env finalize_env, void* finalize_data, void* hint) {
        std::free(finalize_data);
        const auto freed = static_cast<int64_t>(reinterpret_cast<uintptr_t>(hint));
        int64_t total = 0;
        napi_adjust_external_memory(finalize_env, -freed, &total);
      },
      reinterpret_cast<void*>(static_cast<uintptr_t>(bytes)), &external);
  if (status == napi_ok) {
    *adopted = true;
    int64_t total = 0;
    napi_adjust_external_memory(env, static_cast<int64_t>(bytes), &total);
    return Napi::ArrayBuffer(env, external);
  }
  if (status != napi_no_external_buffers_allowed) {
    NAPI_THROW_IF_FAILED(env, status, Napi::ArrayBuffer());
  }
#endif
  // Copy path: runtimes that forbid external buffers.
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, bytes);
  std::memcpy(buffer.Data(), data, bytes);
  return buffer;
}

}  // namespace

double* AllocateHostDoubles(size_t n) {
  if (n == 0 || n > SIZE_MAX / sizeof(double)) return nullptr;
  return static_cast<double*>(std::malloc(n * sizeof(double)));
}

float* AllocateHostFloats(size_t n) {
  if (n == 0 || n > SIZE_MAX / sizeof(float)) return nullptr;
  return static_cast<float*>(std::malloc(n * sizeof(float)));
}

Napi::Float64Array ToFloat64Array(Napi::Env env, HostArray&& array) {
  const size_t length = array.size;
  if (length == 0) return Napi::Float64Array::New(env, 0);
  bool adopted = false;
  Napi::ArrayBuffer buffer = AdoptOrCopy(env, array.get(), length * sizeof(double), &adopted);
  if (adopted) array.data.release();  // now owned by the ArrayBuffer's finalizer
  array.data.reset();
  array.size = 0;
  return Napi::Float64Array::New(env, length, buffer, 0);
}

Napi::Float32Array ToFloat32Array(Napi::Env env, HostFloatArray&& array) {
  const size_t length = array.size;
  if (length == 0) return Napi::Float32Array::New(env, 0);
  bool adopted = false;
  Napi::ArrayBuffer buffer = AdoptOrCopy(env, array.get(), length * sizeof(float), &adopted);
  if (adopted) array.data.release();
  array.data.reset();
  array.size = 0;
  return Napi::Float32Array::New(env, length, buffer, 0);
}

}  // namespace vigil
