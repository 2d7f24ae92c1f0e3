// prepare_emulate.cc: the CUDA kernel's math on the CPU (tests only): device::OutputValue for every
// output index, one after another, as the kernel's threads compute them. CPU-only CI compares it
// with the twin bit for bit, so the kernel's indexing and per-sample math are checked without a
// GPU.
#include "ops/prepare/prepare.h"
#include "ops/prepare/prepare_device.h"

namespace vigil::prepare {

Status PrepareEmulate(const Params& p, float* out) {
  const int64_t total = p.count * static_cast<int64_t>(p.out_size());
  for (int64_t i = 0; i < total; ++i) {
    out[i] =
        device::OutputValue(p.frames, p.offsets, p.height, p.width, p.out_height, p.out_width, i);
  }
  return Status::Ok();
}

}  // namespace vigil::prepare
