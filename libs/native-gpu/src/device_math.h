// device_math.h: double products and sums rounded alike on the host and on the GPU, where nvcc
// would fuse a * b + c into one FMA (one rounding instead of two); ops whose kernels must match
// their CPU twins bit for bit use these for every such step.
#ifndef VIGIL_NATIVE_GPU_DEVICE_MATH_H_
#define VIGIL_NATIVE_GPU_DEVICE_MATH_H_

#ifdef __CUDACC__
#define VG_MATH_HD __host__ __device__ __forceinline__
#else
#define VG_MATH_HD inline
#endif

namespace vigil {

// a * b, rounded on its own (never contracted with a following add).
VG_MATH_HD double MulRn(double a, double b) {
#ifdef __CUDA_ARCH__
  return __dmul_rn(a, b);
#else
  return a * b;
#endif
}

// a + b, rounded on its own.
VG_MATH_HD double AddRn(double a, double b) {
#ifdef __CUDA_ARCH__
  return __dadd_rn(a, b);
#else
  return a + b;
#endif
}

}  // namespace vigil

#endif  // VIGIL_NATIVE_GPU_DEVICE_MATH_H_
