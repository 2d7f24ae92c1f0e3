// check.h: CUDA error checks that return a Status instead of exiting.
//
// Contrast llm.c's cudaCheck, which calls exit(): inside Node that would kill the whole service.
// Here every cudaError_t becomes a Status carrying the CUDA error string and name; the worker turns
// it into a rejected Promise (STYLE R12). Compiled only with NATIVE_GPU_WITH_CUDA.
#ifndef VIGIL_NATIVE_GPU_CUDA_CHECK_H_
#define VIGIL_NATIVE_GPU_CUDA_CHECK_H_

#include <cuda_runtime_api.h>

#include <string>

#include "status.h"

namespace vigil::cuda {

// "<what> failed: <cudaGetErrorString> (<cudaGetErrorName>)", with code = the error's name.
inline Status CudaStatus(cudaError_t error, const char* what) {
  if (error == cudaSuccess) return Status::Ok();
  return Status::Error(std::string(what) + " failed: " + cudaGetErrorString(error) + " (" +
                           cudaGetErrorName(error) + ")",
                       cudaGetErrorName(error));
}

}  // namespace vigil::cuda

// Evaluates a CUDA runtime call; on failure returns its Status from the enclosing function.
#define VG_CUDA_RETURN_IF_ERROR(expr)                                     \
  do {                                                                    \
    const cudaError_t vg_cuda_error_ = (expr);                            \
    if (vg_cuda_error_ != cudaSuccess) {                                  \
      return ::vigil::cuda::CudaStatus(vg_cuda_error_, #expr);            \
    }                                                                     \
  } while (0)

#endif  // VIGIL_NATIVE_GPU_CUDA_CHECK_H_
