// align_lab.cu: llm.c-style lab for the alignFrames kernels (STYLE R15), for GPU machines without
// Node: builds the CPU twin and the CUDA path straight from src/, validates the CUDA result against
// the twin at every launch configuration and size, then times the kernels (CUDA events) and reports
// frames/s and achieved DRAM bandwidth against the device's peak.
//
//   cd libs/native-gpu && bash dev/align_lab.sh        (nvcc only; exit status 1 on a mismatch)
#include <cuda_runtime.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <random>
#include <vector>

#include "ops/align/align.h"

using vigil::align::Backend;
using vigil::align::Outputs;
using vigil::align::Params;
using vigil::align::PixelType;

namespace {

// Dense Gaussian-blob texture sampled at (x - dx, y - dy), as test/helpers/images.ts builds it.
std::vector<float> Texture(int w, int h, double dx, double dy, unsigned seed, double noise) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> img(static_cast<size_t>(w) * h, 0.0);
  const int margin = 40;
  const int blobs = (w + 2 * margin) * (h + 2 * margin) / 40;
  for (int b = 0; b < blobs; ++b) {
    const double bx = u(gen) * (w + 2 * margin) - margin + dx;
    const double by = u(gen) * (h + 2 * margin) - margin + dy;
    const double s = 1.5 + u(gen) * 4;
    const double a = u(gen) * 2 - 1;
    const int reach = static_cast<int>(std::ceil(4 * s));
    for (int y = std::max(0, static_cast<int>(by) - reach); y < std::min(h, static_cast<int>(by) + reach); ++y) {
      for (int x = std::max(0, static_cast<int>(bx) - reach); x < std::min(w, static_cast<int>(bx) + reach); ++x) {
        img[static_cast<size_t>(y) * w + x] += a * std::exp(-((x - bx) * (x - bx) + (y - by) * (y - by)) / (2 * s * s));
      }
    }
  }
  std::normal_distribution<double> n(0.0, 1.0);
  std::vector<float> out(img.size());
  for (size_t i = 0; i < img.size(); ++i) out[i] = static_cast<float>(128 + 45 * img[i] + noise * n(gen));
  return out;
}

struct Result {
  std::vector<double> dx, dy, confidence;
  std::vector<float> warped;
  double ms = 0, bytes = 0;
};

bool Run(const Params& base, Backend backend, const vigil::align::LaunchConfig& launch, Result* r) {
  Params p = base;
  p.backend = backend;
  p.launch = launch;
  r->dx.assign(p.pairs, 0);
  r->dy.assign(p.pairs, 0);
  r->confidence.assign(p.pairs, 0);
  r->warped.assign(p.warp ? p.pairs * p.image_size() : 0, 0);
  Outputs out{r->dx.data(), r->dy.data(), r->confidence.data(), p.warp ? r->warped.data() : nullptr};
  if (backend == Backend::kCuda) {
    out.device_ms = &r->ms;
    out.device_bytes = &r->bytes;
  }
  const vigil::Status s = backend == Backend::kCpu ? vigil::align::AlignCpu(p, out) : vigil::align::AlignCuda(p, out);
  if (!s.ok()) std::printf("  error: %s\n", s.message().c_str());
  return s.ok();
}

}  // namespace

int main() {
  cudaDeviceProp prop{};
  cudaGetDeviceProperties(&prop, 0);
  int clock_khz = 0, bus_bits = 0;
  cudaDeviceGetAttribute(&clock_khz, cudaDevAttrMemoryClockRate, 0);
  cudaDeviceGetAttribute(&bus_bits, cudaDevAttrGlobalMemoryBusWidth, 0);
  const double peak = 2.0 * clock_khz * 1e3 * bus_bits / 8.0;
  std::printf("device: %s, peak DRAM %.0f GB/s\n", prop.name, peak / 1e9);

  const double shifts[8][2] = {{0, 0}, {3, -2}, {-6.2, 4.3}, {1.25, -0.7}, {0.2, 0.1}, {-2.75, -3.3}, {7.1, 5.8}, {-0.3, 2.2}};
  const int sizes[][2] = {{16, 16}, {64, 64}, {100, 75}, {128, 128}, {320, 240}, {333, 201}, {640, 480}, {480, 640}, {16, 1024}, {1024, 1024}};
  const int blocks[] = {32, 96, 256, 1024};
  const int ffts[] = {0, 1, 2, 8, 64, 256};
  int failures = 0, checks = 0;
  double worst_shift = 0, worst_conf = 0, worst_warp = 0;
  for (const auto& size : sizes) {
    for (int batch : {1, 8, 32}) {
      const int w = size[0], h = size[1];
      if (static_cast<double>(w) * h * batch > 1024.0 * 1024 * 8) continue;
      for (int gray = 0; gray < 2; ++gray) {
        std::vector<float> refs, frames;
        for (int k = 0; k < batch; ++k) {
          auto r = Texture(w, h, 0, 0, 100 + k, 0);
          auto f = Texture(w, h, shifts[k % 8][0], shifts[k % 8][1], 100 + k, 2.0);
          refs.insert(refs.end(), r.begin(), r.end());
          frames.insert(frames.end(), f.begin(), f.end());
        }
        std::vector<uint8_t> refs8(refs.size()), frames8(frames.size());
        for (size_t i = 0; i < refs.size(); ++i) refs8[i] = static_cast<uint8_t>(std::clamp(std::lround(refs[i]), 0L, 255L));
        for (size_t i = 0; i < frames.size(); ++i) frames8[i] = static_cast<uint8_t>(std::clamp(std::lround(frames[i]), 0L, 255L));
        Params p;
        p.pixel = gray ? PixelType::kGray8 : PixelType::kFloat32;
        p.references = gray ? static_cast<const void*>(refs8.data()) : refs.data();
        p.frames = gray ? static_cast<const void*>(frames8.data()) : frames.data();
        p.num_references = batch;
        p.pairs = batch;
        p.height = h;
        p.width = w;
        p.warp = true;
        Result cpu;
        if (!Run(p, Backend::kCpu, {}, &cpu)) return 1;
        for (int block : blocks) {
          for (int fft : ffts) {
            Result gpu;
            ++checks;
            if (!Run(p, Backend::kCuda, {block, fft}, &gpu)) { ++failures; continue; }
            double ds = 0, dc = 0, dw = 0;
            for (int k = 0; k < batch; ++k) {
              ds = std::max({ds, std::fabs(gpu.dx[k] - cpu.dx[k]), std::fabs(gpu.dy[k] - cpu.dy[k])});
              dc = std::max(dc, std::fabs(gpu.confidence[k] - cpu.confidence[k]));
            }
            // The warp is compared where both backends found the same shift to 1e-6 px.
            for (int k = 0; k < batch; ++k) {
              if (std::fabs(gpu.dx[k] - cpu.dx[k]) > 1e-6 || std::fabs(gpu.dy[k] - cpu.dy[k]) > 1e-6) continue;
              for (size_t i = 0; i < p.image_size(); ++i) dw = std::max(dw, static_cast<double>(std::fabs(gpu.warped[k * p.image_size() + i] - cpu.warped[k * p.image_size() + i])));
            }
            worst_shift = std::max(worst_shift, ds);
            worst_conf = std::max(worst_conf, dc);
            worst_warp = std::max(worst_warp, dw);
            if (ds > 2e-3 || dc > 2e-3 || dw > 1e-2) {
              ++failures;
              std::printf("MISMATCH %dx%d batch %d %s block %d fft %d: shift %.2e conf %.2e warp %.2e\n", w, h, batch, gray ? "gray8" : "f32", block, fft, ds, dc, dw);
            }
          }
        }
      }
    }
  }
  std::printf("validation: %d of %d configurations failed; worst |shift| %.2e px, |confidence| %.2e, |warp| %.2e\n", failures, checks, worst_shift, worst_conf, worst_warp);
  if (failures > 0) return 1;

  std::printf("\ntiming (default launch, GRAY8, warp on; kernels only, CUDA events, median of 20):\n");
  std::printf("%-10s %5s %10s %12s %10s %8s\n", "size", "batch", "kernel ms", "frames/s", "GB/s", "% peak");
  for (const auto& size : {std::array<int, 2>{128, 128}, std::array<int, 2>{320, 240}, std::array<int, 2>{640, 480}}) {
    for (int batch : {1, 8, 32}) {
      const int w = size[0], h = size[1];
      std::vector<uint8_t> refs8, frames8;
      for (int k = 0; k < batch; ++k) {
        for (float v : Texture(w, h, 0, 0, 7 + k, 0)) refs8.push_back(static_cast<uint8_t>(std::clamp(std::lround(v), 0L, 255L)));
        for (float v : Texture(w, h, shifts[k % 8][0], shifts[k % 8][1], 7 + k, 2)) frames8.push_back(static_cast<uint8_t>(std::clamp(std::lround(v), 0L, 255L)));
      }
      Params p;
      p.pixel = PixelType::kGray8;
      p.references = refs8.data();
      p.frames = frames8.data();
      p.num_references = batch;
      p.pairs = batch;
      p.height = h;
      p.width = w;
      p.warp = true;
      std::vector<double> ms;
      double bytes = 0;
      for (int rep = 0; rep < 21; ++rep) {
        Result gpu;
        if (!Run(p, Backend::kCuda, {}, &gpu)) return 1;
        if (rep > 0) ms.push_back(gpu.ms);  // the first run warms up
        bytes = gpu.bytes;
      }
      std::sort(ms.begin(), ms.end());
      const double med = ms[ms.size() / 2];
      std::printf("%4dx%-5d %5d %10.3f %12.0f %10.1f %7.1f%%\n", w, h, batch, med, batch / (med / 1e3), bytes / (med / 1e3) / 1e9, 100.0 * bytes / (med / 1e3) / peak);
    }
  }
  return 0;
}
