// align_worker.cc: the alignFrames binding: unpacks arguments on the JS thread, runs the chosen
// backend on a libuv thread (Napi::AsyncWorker), and settles a Promise.
//
//   alignFrames(references: Uint8Array | Float32Array, frames: (same type), height, width,
//               options: { backend: 'cpu'|'cuda', threads, warp, timing, blockSize,
//                         fftTransforms })
//     -> Promise<{ dx, dy, confidence: Float64Array [pairs], warped?: Float32Array [pairs*h*w],
//                  deviceMs?, deviceBytes? (cuda with timing) }>
//
// lib/align-frames.ts validates first (STYLE R12); the checks here only keep a bad direct call from
// touching memory it should not. Execute() never touches N-API; outputs go back without a copy.
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "common.h"
#include "ops/align/align.h"
#include "pinning_worker.h"
#include "runtime.h"

namespace vigil::align {

namespace {

class AlignWorker : public PinningWorker {
 public:
  AlignWorker(Napi::Env env, Params params, TimingOption timing)
      : PinningWorker(env, "vigil:alignFrames"), params_(std::move(params)), timing_(timing) {}

 protected:
  void Execute() override {
    Guard(params_.backend == Backend::kCuda ? "alignFrames (cuda)" : "alignFrames (cpu)",
          [this]() { return Run(); });
  }

  void OnOK() override {
    Napi::Env env = Env();
    try {
      Napi::Object result = Napi::Object::New(env);
      result.Set("dx", ToFloat64Array(env, std::move(dx_)));
      result.Set("dy", ToFloat64Array(env, std::move(dy_)));
      result.Set("confidence", ToFloat64Array(env, std::move(confidence_)));
      if (params_.warp) result.Set("warped", ToFloat32Array(env, std::move(warped_)));
      timing_.Report(result, params_.backend == Backend::kCuda);
      deferred_.Resolve(result);
    } catch (const Napi::Error& error) {
      deferred_.Reject(error.Value());
    }
  }

 private:
  Status Run() {
    const size_t pairs = static_cast<size_t>(params_.pairs);
    dx_.Allocate(pairs);
    dy_.Allocate(pairs);
    confidence_.Allocate(pairs);
    if (params_.warp) warped_.Allocate(pairs * params_.image_size());
    Outputs out;
    out.dx = dx_.get();
    out.dy = dy_.get();
    out.confidence = confidence_.get();
    out.warped = params_.warp ? warped_.get() : nullptr;
    out.timing = timing_.target();
    if (params_.backend == Backend::kCpu) return AlignCpu(params_, out);
#ifdef NATIVE_GPU_WITH_CUDA
    if (!CudaAvailable()) return ProbeCuda().status;
    return AlignCuda(params_, out);
#else
    return ProbeCuda().status;
#endif
  }

  Params params_;
  HostArray dx_, dy_, confidence_;
  HostFloatArray warped_;
  TimingOption timing_;
};

}  // namespace

Napi::Value AlignFrames(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  VG_THROW_TYPE_ERROR_IF(info.Length() != 5, env, "alignFrames: expected 5 arguments");
  VG_THROW_TYPE_ERROR_IF(!info[0].IsTypedArray() || !info[1].IsTypedArray(), env,
                         "alignFrames: references and frames must be typed arrays");
  Napi::TypedArray references = info[0].As<Napi::TypedArray>();
  Napi::TypedArray frames = info[1].As<Napi::TypedArray>();
  const napi_typedarray_type type = frames.TypedArrayType();
  VG_THROW_TYPE_ERROR_IF(
      (type != napi_uint8_array && type != napi_float32_array) ||
          references.TypedArrayType() != type,
      env, "alignFrames: references and frames must both be Uint8Array or both Float32Array");
  VG_THROW_TYPE_ERROR_IF(!info[2].IsNumber() || !info[3].IsNumber() || !info[4].IsObject(), env,
                         "alignFrames: expected (references, frames, height, width, options)");
  const int height = info[2].As<Napi::Number>().Int32Value();
  const int width = info[3].As<Napi::Number>().Int32Value();
  VG_THROW_TYPE_ERROR_IF(
      height < kMinSide || height > kMaxSide || width < kMinSide || width > kMaxSide, env,
      "alignFrames: height and width must be in [16, 1024]");
  const size_t image = static_cast<size_t>(height) * static_cast<size_t>(width);
  const size_t num_refs = references.ElementLength() / image;
  const size_t pairs = frames.ElementLength() / image;
  VG_THROW_TYPE_ERROR_IF(
      references.ElementLength() % image != 0 || frames.ElementLength() % image != 0 ||
          (num_refs != 1 && num_refs != pairs),
      env, "alignFrames: frames must hold whole images, references 1 or one per frame");

  Params params;
  params.pixel = type == napi_uint8_array ? PixelType::kGray8 : PixelType::kFloat32;
  params.references =
      static_cast<const uint8_t*>(references.ArrayBuffer().Data()) + references.ByteOffset();
  params.frames = static_cast<const uint8_t*>(frames.ArrayBuffer().Data()) + frames.ByteOffset();
  params.num_references = static_cast<int64_t>(num_refs);
  params.pairs = static_cast<int64_t>(pairs);
  params.height = height;
  params.width = width;

  Napi::Object options = info[4].As<Napi::Object>();
  Napi::Value backend = options.Get("backend");
  const std::string name = backend.IsString() ? backend.As<Napi::String>().Utf8Value() : "";
  VG_THROW_TYPE_ERROR_IF(name != "cpu" && name != "cuda", env,
                         "alignFrames: options.backend: 'cpu' or 'cuda'");
  params.backend = name == "cuda" ? Backend::kCuda : Backend::kCpu;
  params.threads = static_cast<int>(GetNumberOr(options, "threads", 0));
  params.warp = options.Get("warp").ToBoolean().Value();
  params.launch.block_size =
      static_cast<int>(GetNumberOr(options, "blockSize", params.launch.block_size));
  params.launch.fft_transforms =
      static_cast<int>(GetNumberOr(options, "fftTransforms", params.launch.fft_transforms));

  auto worker = std::make_unique<AlignWorker>(env, std::move(params), TimingOption(options));
  worker->Pin(info[0]);
  worker->Pin(info[1]);
  return PinningWorker::Queue(std::move(worker));
}

}  // namespace vigil::align
