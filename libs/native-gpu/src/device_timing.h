// device_timing.h: what an op reports on CUDA when asked for `timing`: kernel time by CUDA events
// (uploads, downloads and allocation excluded) and the DRAM bytes its kernels move by the op's own
// traffic model, so a bench can set achieved bandwidth against the device's peak.
//
// Plain C++ (no N-API, no CUDA runtime), so nvcc and the host compiler both include this header.
#ifndef VIGIL_NATIVE_GPU_DEVICE_TIMING_H_
#define VIGIL_NATIVE_GPU_DEVICE_TIMING_H_

namespace vigil {

struct DeviceTiming {
  double ms = 0.0;
  double bytes = 0.0;
};

}  // namespace vigil

#endif  // VIGIL_NATIVE_GPU_DEVICE_TIMING_H_
