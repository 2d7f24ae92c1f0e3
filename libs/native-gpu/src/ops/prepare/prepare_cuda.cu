// prepare_cuda.cu: prepareFrames on the GPU (see prepare.h): one thread per output value, which
// computes it from scratch (device::OutputValue, the CPU twin's math; the emulation runs the same
// function on the CPU).
#include <cuda_runtime.h>

#include "cuda/check.h"
#include "cuda/device_buffer.h"
#include "cuda/event_timer.h"
#include "cuda/stream.h"
#include "ops/prepare/prepare.h"
#include "ops/prepare/prepare_device.h"

namespace vigil::prepare {

namespace {

constexpr int kBlock = 256;

__global__ void PrepareKernel(const uint8_t* __restrict__ frames,
                              const double* __restrict__ offsets, int64_t count, int height,
                              int width, int out_height, int out_width, float* __restrict__ out) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= count * out_height * out_width) return;
  out[i] = device::OutputValue(frames, offsets, height, width, out_height, out_width, i);
}

}  // namespace

Status PrepareCuda(const Params& p, float* out, DeviceTiming* timing) {
  cuda::CudaStream stream;
  VG_RETURN_IF_ERROR(stream.Create());
  cuda::DeviceBuffer<uint8_t> frames;
  cuda::DeviceBuffer<double> offsets;
  cuda::DeviceBuffer<float> prepared;
  const size_t total = static_cast<size_t>(p.count) * p.out_size();
  VG_RETURN_IF_ERROR(frames.AllocateAndUpload(
      p.frames, static_cast<size_t>(p.count) * p.frame_size(), stream.get()));
  VG_RETURN_IF_ERROR(
      offsets.AllocateAndUpload(p.offsets, static_cast<size_t>(p.count) * 2, stream.get()));
  VG_RETURN_IF_ERROR(prepared.Allocate(total));
  const unsigned blocks = static_cast<unsigned>((total + kBlock - 1) / kBlock);
  cuda::EventTimer timer(timing != nullptr);
  VG_RETURN_IF_ERROR(timer.Start(stream.get()));
  PrepareKernel<<<blocks, kBlock, 0, stream.get()>>>(frames.get(), offsets.get(), p.count, p.height,
                                                     p.width, p.out_height, p.out_width,
                                                     prepared.get());
  VG_CUDA_RETURN_IF_ERROR(cudaGetLastError());
  VG_RETURN_IF_ERROR(timer.Stop(stream.get()));
  VG_RETURN_IF_ERROR(prepared.Download(out, total, stream.get()));
  VG_RETURN_IF_ERROR(stream.Synchronize());
  if (timing != nullptr) {
    VG_RETURN_IF_ERROR(timer.Accumulate());
    const double count = static_cast<double>(p.count);
    *timing = {timer.total_ms(),
               count * (static_cast<double>(p.frame_size()) + 2 * sizeof(double)) +
                   static_cast<double>(total) * sizeof(float)};
  }
  return Status::Ok();
}

}  // namespace vigil::prepare
