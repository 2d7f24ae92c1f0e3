// prepare_cuda.cu: prepareFrames on the GPU (see prepare.h): one thread per output pixel, which
// computes its own axis samples (prepare_device.h, the CPU twin's math) and writes its float.
#include <cuda_runtime.h>

#include "cuda/check.h"
#include "cuda/device_buffer.h"
#include "cuda/stream.h"
#include "ops/prepare/prepare.h"
#include "ops/prepare/prepare_device.h"

namespace vigil::prepare {

namespace {

constexpr int kBlock = 256;

__global__ void PrepareKernel(const uint8_t* __restrict__ frames,
                              const double* __restrict__ offsets, int64_t count, int height,
                              int width, int out_height, int out_width, float* __restrict__ out) {
  const int64_t out_size = static_cast<int64_t>(out_height) * out_width;
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= count * out_size) return;
  const int64_t index = i / out_size;
  const int ox = static_cast<int>(i % out_size % out_width);
  const int oy = static_cast<int>(i % out_size / out_width);
  const uint8_t* frame = frames + index * static_cast<int64_t>(height) * width;
  const double dx = offsets[2 * index];
  const double dy = offsets[2 * index + 1];
  auto xs = [=](int x) { return device::AxisAt(x, dx, width); };
  auto ys = [=](int y) { return device::AxisAt(y, dy, height); };
  auto shifted = [=](int x, int y) { return device::Sample(frame, width, xs(x), ys(y)); };
  int byte;
  if (width % out_width == 0 && height % out_height == 0) {
    byte = device::BlockByte(frame, width, width / out_width, height / out_height, ox, oy, xs, ys);
  } else {
    const device::Span sx = device::SpanOf(ox, width, out_width);
    const device::Span sy = device::SpanOf(oy, height, out_height);
    byte = device::SpanByte(
        sx, sy, device::CellArea(width, height, out_width, out_height), shifted,
        [=](int x) { return device::Overlap(sx, x); },
        [=](int y) { return device::Overlap(sy, y); });
  }
  out[i] = device::Scaled(byte);
}

}  // namespace

Status PrepareCuda(const Params& p, float* out) {
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
  PrepareKernel<<<blocks, kBlock, 0, stream.get()>>>(frames.get(), offsets.get(), p.count, p.height,
                                                     p.width, p.out_height, p.out_width,
                                                     prepared.get());
  VG_CUDA_RETURN_IF_ERROR(cudaGetLastError());
  VG_RETURN_IF_ERROR(prepared.Download(out, total, stream.get()));
  return stream.Synchronize();
}

}  // namespace vigil::prepare
