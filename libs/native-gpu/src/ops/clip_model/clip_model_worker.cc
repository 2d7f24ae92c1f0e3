// clip_model_worker.cc: the clip-model bindings. A model is loaded once into native memory (and
// device memory when CUDA is available) and held in a registry under an integer id; runs share it.
//
//   createClipModel(dims: Int32Array [frames, height, width, classes, c1, c2, dModel, heads, ffn,
//                                     layers, upscale, heatChannels, headChannels],
//                   constants: Float32Array [attentionScale, epsilon],
//                   weights: Float32Array (every tensor, concatenated in clip_model.h's Layout order))
//     -> Promise<number>         an id
//   runClipModel(model: number, clips: Float32Array [n * frames * height * width],
//                options: { backend: 'cpu'|'cuda', threads })
//     -> Promise<{ logits: Float32Array [n * classes], heatmap: Float32Array [n * H/2 * W/2] }>
//   releaseClipModel(model: number) -> undefined   runs in flight keep the weights until they settle
//
// lib/clip-model.ts validates first (STYLE R12); the checks here keep a bad direct call from
// touching memory it should not. Ids rather than Externals for the reason sequence_model_worker.cc
// gives (valgrind and finalizers at exit).
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common.h"
#include "ops/clip_model/clip_model.h"
#include "runtime.h"

namespace vigil::clip_model {

namespace {

constexpr int kDimCount = 13;

// The loaded models by id; never destroyed (no device memory is freed after CUDA's own teardown).
class Registry {
 public:
  static Registry& Get() {
    static Registry* registry = new Registry();
    return *registry;
  }
  uint32_t Add(std::shared_ptr<const Model> model) {
    std::lock_guard<std::mutex> lock(mutex_);
    const uint32_t id = next_++;
    models_.emplace(id, std::move(model));
    return id;
  }
  std::shared_ptr<const Model> Find(uint32_t id) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = models_.find(id);
    return it == models_.end() ? nullptr : it->second;
  }
  void Remove(uint32_t id) {
    std::lock_guard<std::mutex> lock(mutex_);
    models_.erase(id);
  }

 private:
  std::mutex mutex_;
  uint32_t next_ = 1;
  std::unordered_map<uint32_t, std::shared_ptr<const Model>> models_;
};

// Keeps the JS input buffer alive until the worker is destroyed (the worker thread reads it).
class PinningWorker : public Napi::AsyncWorker {
 public:
  PinningWorker(Napi::Env env, const char* name)
      : Napi::AsyncWorker(env, name), deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise Promise() const { return deferred_.Promise(); }
  void Pin(const Napi::Value& value) { pinned_ = Napi::Persistent(value.As<Napi::Object>()); }

 protected:
  template <typename Body>
  void Guard(const std::string& prefix, Body body) {
    Status status;
    try {
      status = body();
    } catch (const std::bad_alloc&) {
      status = Status::Error("out of host memory", "ERR_OUT_OF_HOST_MEMORY");
    } catch (const std::exception& e) {
      status = Status::Error(e.what());
    }
    status_ = status.WithPrefix(prefix);
    if (!status_.ok()) SetError(status_.message());
  }

  void OnError(const Napi::Error& error) override {
    if (status_.ok()) {
      deferred_.Reject(error.Value());
    } else {
      deferred_.Reject(StatusToError(Env(), status_).Value());
    }
  }

  Napi::Promise::Deferred deferred_;

 private:
  Status status_;
  Napi::ObjectReference pinned_;
};

class CreateWorker : public PinningWorker {
 public:
  CreateWorker(Napi::Env env, Dims dims, Constants constants, const float* weights)
      : PinningWorker(env, "vigil:createClipModel"), dims_(dims), constants_(constants), weights_(weights) {}

 protected:
  void Execute() override {
    Guard("createClipModel", [this]() -> Status {
      auto model = std::make_shared<Model>();
      model->dims = dims_;
      model->constants = constants_;
      model->layout = MakeLayout(dims_);
      model->weights.assign(weights_, weights_ + model->layout.total);
#ifdef NATIVE_GPU_WITH_CUDA
      if (CudaAvailable()) VG_RETURN_IF_ERROR(UploadWeights(model.get()));
#endif
      model_ = std::move(model);
      return Status::Ok();
    });
  }

  void OnOK() override {
    deferred_.Resolve(Napi::Number::New(Env(), Registry::Get().Add(std::move(model_))));
  }

 private:
  Dims dims_;
  Constants constants_;
  const float* weights_;
  std::shared_ptr<const Model> model_;
};

class RunWorker : public PinningWorker {
 public:
  RunWorker(Napi::Env env, std::shared_ptr<const Model> model, Params params)
      : PinningWorker(env, "vigil:runClipModel"), model_(std::move(model)), params_(params) {}

 protected:
  void Execute() override {
    const bool cuda = params_.backend == Backend::kCuda;
    Guard(cuda ? "clipModel (cuda)" : "clipModel (cpu)", [this, cuda]() -> Status {
      const Dims& m = model_->dims;
      const size_t n = static_cast<size_t>(params_.count);
      logits_.Allocate(n * m.classes);
      heatmap_.Allocate(n * m.heat_h() * m.heat_w());
      const Outputs out{logits_.get(), heatmap_.get()};
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
      deferred_.Resolve(result);
    } catch (const Napi::Error& error) {
      deferred_.Reject(error.Value());
    }
  }

 private:
  std::shared_ptr<const Model> model_;
  Params params_;
  HostFloatArray logits_, heatmap_;
};

uint32_t IdOf(const Napi::CallbackInfo& info, const char* op) {
  if (info.Length() < 1 || !info[0].IsNumber()) {
    Napi::TypeError::New(info.Env(), std::string(op) + ": model must be a clip-model id")
        .ThrowAsJavaScriptException();
    return 0;
  }
  return info[0].As<Napi::Number>().Uint32Value();
}

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
  Napi::Promise promise = worker->Promise();
  worker.release()->Queue();  // deletes itself after OnOK/OnError
  return promise;
}

Napi::Value RunClipModel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const uint32_t id = IdOf(info, "runClipModel");
  if (id == 0) return Napi::Value();
  std::shared_ptr<const Model> shared = Registry::Get().Find(id);
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
  auto worker = std::make_unique<RunWorker>(env, std::move(shared), params);
  worker->Pin(info[1]);
  Napi::Promise promise = worker->Promise();
  worker.release()->Queue();
  return promise;
}

Napi::Value ReleaseClipModel(const Napi::CallbackInfo& info) {
  const uint32_t id = IdOf(info, "releaseClipModel");
  if (id != 0) Registry::Get().Remove(id);
  return info.Env().Undefined();
}

}  // namespace vigil::clip_model
