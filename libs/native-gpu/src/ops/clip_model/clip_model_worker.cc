// clip_model_worker.cc: the clip-model bindings. A model is loaded once into native memory (and
// device memory when CUDA is available) and held in a registry under an integer id; runs share it.
//
//   createClipModel(dims: Int32Array [frames, height, width, classes, c1, c2, dModel, heads, ffn,
//                                     layers, upscale, heatChannels, headChannels],
//                   constants: Float32Array [attentionScale, epsilon],
//                   weights: Float32Array (every tensor, concatenated in clip_model.h's Layout order))
//     -> Promise<number>         an id
//   runClipModel(model: number, clips: Float32Array [n * frames * height * width],
//                options: { backend: 'cpu'|'cuda', threads, timing })
//     -> Promise<{ logits: Float32Array [n * classes], heatmap: Float32Array [n * H/2 * W/2],
//                  deviceMs?, deviceBytes? (cuda with timing) }>
//   releaseClipModel(model: number) -> undefined   runs in flight keep the weights until they settle
//
// lib/clip-model.ts validates first (STYLE R12); the checks here keep a bad direct call from
// touching memory it should not. The registry, ids and worker plumbing: model_registry.h.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "common.h"
#include "model_registry.h"
#include "ops/clip_model/clip_model.h"
#include "runtime.h"

namespace vigil::clip_model {

namespace {

constexpr int kDimCount = 13;

class CreateWorker : public CreateModelWorker<Model> {
 public:
  CreateWorker(Napi::Env env, Dims dims, Constants constants, const float* weights)
      : CreateModelWorker(env, "createClipModel"), dims_(dims), constants_(constants), weights_(weights) {}

 protected:
  Status Build(Model* model) override {
    model->dims = dims_;
    model->constants = constants_;
    model->layout = MakeLayout(dims_);
    model->weights.assign(weights_, weights_ + model->layout.total);
#ifdef NATIVE_GPU_WITH_CUDA
    if (CudaAvailable()) VG_RETURN_IF_ERROR(UploadWeights(model));
#endif
    return Status::Ok();
  }

 private:
  Dims dims_;
  Constants constants_;
  const float* weights_;
};

class RunWorker : public PinningWorker {
 public:
  RunWorker(Napi::Env env, std::shared_ptr<const Model> model, Params params, TimingOption timing)
      : PinningWorker(env, "vigil:runClipModel"),
        model_(std::move(model)),
        params_(params),
        timing_(timing) {}

 protected:
  void Execute() override {
    const bool cuda = params_.backend == Backend::kCuda;
    Guard(cuda ? "clipModel (cuda)" : "clipModel (cpu)", [this, cuda]() -> Status {
      const Dims& m = model_->dims;
      const size_t n = static_cast<size_t>(params_.count);
      logits_.Allocate(n * m.classes);
      heatmap_.Allocate(n * m.heat_h() * m.heat_w());
      const Outputs out{logits_.get(), heatmap_.get(), timing_.target()};
      if (!cuda) return ClipModelCpu(*model_, params_, out);
#ifdef NATIVE_GPU_WITH_CUDA
      if (!CudaAvailable()) return ProbeCuda().status;
      return ClipModelCuda(*model_, params_, out);
#else
      return ProbeCuda().status;
#endif
    });
  }

  void OnOK() override {
    Napi::Env env = Env();
    try {
      Napi::Object result = Napi::Object::New(env);
      result.Set("logits", ToFloat32Array(env, std::move(logits_)));
      result.Set("heatmap", ToFloat32Array(env, std::move(heatmap_)));
      timing_.Report(result, params_.backend == Backend::kCuda);
      deferred_.Resolve(result);
    } catch (const Napi::Error& error) {
      deferred_.Reject(error.Value());
    }
  }

 private:
  std::shared_ptr<const Model> model_;
  Params params_;
  TimingOption timing_;
  HostFloatArray logits_, heatmap_;
};

}  // namespace

Napi::Value CreateClipModel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  VG_THROW_TYPE_ERROR_IF(info.Length() != 3 || !IsTypedArrayOf(info[0], napi_int32_array, kDimCount) ||
                             !IsTypedArrayOf(info[1], napi_float32_array, 2),
                         env,
                         "createClipModel: expected (dims: Int32Array(13), constants: Float32Array(2), "
                         "weights: Float32Array)");
  Napi::Int32Array v = info[0].As<Napi::Int32Array>();
  Dims dims;
  int* fields[kDimCount] = {&dims.frames, &dims.height, &dims.width,  &dims.classes, &dims.c1,
                            &dims.c2,     &dims.model,  &dims.heads,  &dims.ffn,     &dims.layers,
                            &dims.upscale, &dims.heat,  &dims.hidden};
  for (int i = 0; i < kDimCount; ++i) *fields[i] = v[i];
  const std::string problem = CheckDims(dims);
  VG_THROW_TYPE_ERROR_IF(!problem.empty(), env, "createClipModel: dims: " + problem);
  Napi::Float32Array c = info[1].As<Napi::Float32Array>();
  const Constants constants{c[0], c[1]};
  VG_THROW_TYPE_ERROR_IF(!IsTypedArrayOf(info[2], napi_float32_array, MakeLayout(dims).total), env,
                         "createClipModel: weights must be a Float32Array of the layout's size");
  auto worker = std::make_unique<CreateWorker>(env, dims, constants,
                                               info[2].As<Napi::Float32Array>().Data());
  worker->Pin(info[2]);
  return PinningWorker::Queue(std::move(worker));
}

Napi::Value RunClipModel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const uint32_t id = ModelIdOf(info, "runClipModel", "clip-model");
  if (id == 0) return Napi::Value();
  std::shared_ptr<const Model> shared = ModelRegistry<Model>::Get().Find(id);
  VG_THROW_TYPE_ERROR_IF(shared == nullptr, env, "runClipModel: no such model (released?)");
  VG_THROW_TYPE_ERROR_IF(info.Length() != 3 || !info[1].IsTypedArray() || !info[2].IsObject(), env,
                         "runClipModel: expected (model, clips: Float32Array, options)");
  Napi::TypedArray clips = info[1].As<Napi::TypedArray>();
  const size_t clip_size = static_cast<size_t>(shared->dims.clip_size());
  VG_THROW_TYPE_ERROR_IF(clips.TypedArrayType() != napi_float32_array || clips.ElementLength() == 0 ||
                             clips.ElementLength() % clip_size != 0,
                         env, "runClipModel: clips must be a Float32Array of whole clips");
  Params params;
  params.clips = clips.As<Napi::Float32Array>().Data();
  params.count = static_cast<int64_t>(clips.ElementLength() / clip_size);
  Napi::Object options = info[2].As<Napi::Object>();
  Napi::Value backend = options.Get("backend");
  const std::string name = backend.IsString() ? backend.As<Napi::String>().Utf8Value() : "";
  VG_THROW_TYPE_ERROR_IF(name != "cpu" && name != "cuda", env,
                         "runClipModel: options.backend: 'cpu' or 'cuda'");
  params.backend = name == "cuda" ? Backend::kCuda : Backend::kCpu;
  params.threads = static_cast<int>(GetNumberOr(options, "threads", 0));
  auto worker = std::make_unique<RunWorker>(env, std::move(shared), params, TimingOption(options));
  worker->Pin(info[1]);
  return PinningWorker::Queue(std::move(worker));
}

Napi::Value ReleaseClipModel(const Napi::CallbackInfo& info) {
  return ReleaseModel<Model>(info, "releaseClipModel", "clip-model");
}

}  // namespace vigil::clip_model
