// prepare_worker.cc: the prepareFrames binding: unpacks arguments on the JS thread, runs the chosen
// backend on a libuv thread (Napi::AsyncWorker), and settles a Promise.
//
//   prepareFrames(frames: Uint8Array [count*h*w], offsets: Float64Array [count*2], height, width,
//                 outHeight, outWidth,
//                 options: { backend: 'cpu'|'cuda'|'emulate', threads, timing })
//     -> Promise<{ data: Float32Array [count*outHeight*outWidth], deviceMs?, deviceBytes? (cuda
//                  with timing) }>
//
// lib/prepare-frames.ts validates first (STYLE R12); the checks here only keep a bad direct call
// from touching memory it should not. Execute() never touches N-API; the output goes back without a
// copy.
#include <memory>
#include <string>
#include <utility>

#include "common.h"
#include "ops/prepare/prepare.h"
#include "pinning_worker.h"
#include "runtime.h"

namespace vigil::prepare {

namespace {

class PrepareWorker : public PinningWorker {
 public:
  PrepareWorker(Napi::Env env, Params params, TimingOption timing)
      : PinningWorker(env, "vigil:prepareFrames"), params_(params), timing_(timing) {}

 protected:
  void Execute() override {
    const bool cuda = params_.backend == Backend::kCuda;
    const bool emulate = params_.backend == Backend::kEmulate;
    Guard(cuda      ? "prepareFrames (cuda)"
          : emulate ? "prepareFrames (emulate)"
                    : "prepareFrames (cpu)",
          [this, cuda, emulate]() -> Status {
            out_.Allocate(static_cast<size_t>(params_.count) * params_.out_size());
            if (emulate) return PrepareEmulate(params_, out_.get());
            if (!cuda) return PrepareCpu(params_, out_.get());
#ifdef NATIVE_GPU_WITH_CUDA
            if (!CudaAvailable()) return ProbeCuda().status;
            return PrepareCuda(params_, out_.get(), timing_.target());
#else
      return ProbeCuda().status;
#endif
          });
  }

  void OnOK() override {
    try {
      Napi::Object result = Napi::Object::New(Env());
      result.Set("data", ToFloat32Array(Env(), std::move(out_)));
      timing_.Report(result, params_.backend == Backend::kCuda);
      deferred_.Resolve(result);
    } catch (const Napi::Error& error) {
      deferred_.Reject(error.Value());
    }
  }

 private:
  Params params_;
  TimingOption timing_;
  HostFloatArray out_;
};

}  // namespace

Napi::Value PrepareFrames(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  VG_THROW_TYPE_ERROR_IF(info.Length() != 7, env, "prepareFrames: expected 7 arguments");
  VG_THROW_TYPE_ERROR_IF(!info[0].IsTypedArray() ||
                             info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array,
                         env, "prepareFrames: frames must be a Uint8Array");
  for (int i = 2; i < 6; ++i) {
    VG_THROW_TYPE_ERROR_IF(
        !info[i].IsNumber(), env,
        "prepareFrames: expected (frames, offsets, height, width, outHeight, outWidth, options)");
  }
  VG_THROW_TYPE_ERROR_IF(!info[6].IsObject(), env, "prepareFrames: options must be an object");
  Params params;
  params.height = info[2].As<Napi::Number>().Int32Value();
  params.width = info[3].As<Napi::Number>().Int32Value();
  params.out_height = info[4].As<Napi::Number>().Int32Value();
  params.out_width = info[5].As<Napi::Number>().Int32Value();
  VG_THROW_TYPE_ERROR_IF(params.height < 1 || params.width < 1 || params.height > kMaxSide ||
                             params.width > kMaxSide || params.out_height < 1 ||
                             params.out_width < 1 || params.out_height > params.height ||
                             params.out_width > params.width,
                         env, "prepareFrames: sizes out of range");
  Napi::TypedArray frames = info[0].As<Napi::TypedArray>();
  const size_t image = params.frame_size();
  VG_THROW_TYPE_ERROR_IF(frames.ElementLength() % image != 0, env,
                         "prepareFrames: frames must hold whole images");
  params.count = static_cast<int64_t>(frames.ElementLength() / image);
  VG_THROW_TYPE_ERROR_IF(
      !IsTypedArrayOf(info[1], napi_float64_array, static_cast<size_t>(params.count) * 2), env,
      "prepareFrames: offsets must be a Float64Array of 2 per frame");
  Napi::TypedArray offsets = info[1].As<Napi::TypedArray>();
  params.frames = static_cast<const uint8_t*>(frames.ArrayBuffer().Data()) + frames.ByteOffset();
  params.offsets = reinterpret_cast<const double*>(
      static_cast<const uint8_t*>(offsets.ArrayBuffer().Data()) + offsets.ByteOffset());

  Napi::Object options = info[6].As<Napi::Object>();
  Napi::Value backend = options.Get("backend");
  const std::string name = backend.IsString() ? backend.As<Napi::String>().Utf8Value() : "";
  VG_THROW_TYPE_ERROR_IF(name != "cpu" && name != "cuda" && name != "emulate", env,
                         "prepareFrames: options.backend: 'cpu', 'cuda' or 'emulate'");
  params.backend = name == "cuda"      ? Backend::kCuda
                   : name == "emulate" ? Backend::kEmulate
                                       : Backend::kCpu;
  params.threads = static_cast<int>(GetNumberOr(options, "threads", 0));

  auto worker = std::make_unique<PrepareWorker>(env, params, TimingOption(options));
  worker->Pin(info[0]);
  worker->Pin(info[1]);
  return PinningWorker::Queue(std::move(worker));
}

}  // namespace vigil::prepare
