// prepare.h: prepareFrames, the clip model's input built from camera frames.
//
// What: for each GRAY8 frame f (height x width) and its offset (dx, dy), the frame read at that
// offset, out(x, y) = f(x + dx, y + dy) by bilinear interpolation with coordinates clamped to the
// frame (weights in 1/256 px, integer arithmetic, rounded to a byte), then shrunk to
// out_height x out_width by area averaging (rounded to a byte), then scaled by 1/255 to float32.
//
// These are the bytes of the defect inspector's clipInput (apps/defect-inspector/src/training/
// preprocess.ts), which trains the model, bit for bit: its rounding (JS Math.round), its double
// arithmetic in its order (no contraction into FMAs) and its clamping. Whole offsets read whole
// pixels (weight 0), as training's whole shifts do.
//
// Backends: PrepareCpu (prepare_cpu.cc, the CPU twin and reference), PrepareCuda (prepare_cuda.cu,
// only with NATIVE_GPU_WITH_CUDA) and PrepareEmulate (prepare_emulate.cc, the kernel's math on the
// CPU, for tests), all built on prepare_device.h.
//
// Plain C++ (no N-API, no CUDA runtime), so nvcc and the host compiler both include this header.
#ifndef VIGIL_NATIVE_GPU_OPS_PREPARE_PREPARE_H_
#define VIGIL_NATIVE_GPU_OPS_PREPARE_PREPARE_H_

#include <cstddef>
#include <cstdint>

#include "device_timing.h"
#include "status.h"

namespace vigil::prepare {

enum class Backend { kCpu, kCuda, kEmulate };

// Largest frame side (the camera contract's 640 x 480 with room to spare).
inline constexpr int kMaxSide = 4096;

// Inputs are borrowed: the worker pins the JS buffers that own them for the whole run.
struct Params {
  const uint8_t* frames = nullptr;  // [count][height][width]
  const double* offsets = nullptr;  // [count][2]: dx, dy
  int64_t count = 0;
  int height = 0;
  int width = 0;
  int out_height = 0;  // <= height
  int out_width = 0;   // <= width
  Backend backend = Backend::kCpu;
  int threads = 0;  // CPU threads; 0 = one per 64 frames, at most the hardware's

  size_t frame_size() const { return static_cast<size_t>(height) * static_cast<size_t>(width); }
  size_t out_size() const {
    return static_cast<size_t>(out_height) * static_cast<size_t>(out_width);
  }
};

// out: [count][out_height][out_width], allocated by the caller.
Status PrepareCpu(const Params& params, float* out);
// The CUDA kernel's per-thread math run on the CPU, one output after another (tests only).
Status PrepareEmulate(const Params& params, float* out);
#ifdef NATIVE_GPU_WITH_CUDA
// timing (nullable): kernel time, and bytes modelled as the frames and offsets read once and the
// output written once.
Status PrepareCuda(const Params& params, float* out, DeviceTiming* timing);
#endif

}  // namespace vigil::prepare

#endif  // VIGIL_NATIVE_GPU_OPS_PREPARE_PREPARE_H_
