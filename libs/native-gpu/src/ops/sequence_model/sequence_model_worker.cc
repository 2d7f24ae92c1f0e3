// sequence_model_worker.cc: the sequence-model bindings. A model is loaded once into native memory
// (and device memory when CUDA is available) and held in a registry under an integer id; runs share it.
//
//   createSequenceModel(dims: Int32Array [steps, channels, maskChannel, dModel, heads, ffn],
//                       constants: Float32Array [attentionScale, epsilon],
//                       tensors: Float32Array[21] (core-ml's SEQUENCE_TENSOR_NAMES order))
//     -> Promise<number>         an id; packs the weights, uploads them when backends() has cuda
//   runSequenceModel(model: number, sequences: Float32Array [rows * steps * channels],
//                    options: { backend: 'cpu'|'cuda'|'emulate', threads, blockSize, rowsPerBlock,
//                               timing })
//     -> Promise<{ logit, score: Float32Array [rows], deviceMs?, deviceBytes? (cuda with timing) }>
//   releaseSequenceModel(model: number) -> undefined   later runs are refused; runs in flight keep
//                                                      the weights until they settle
//
// lib/sequence-model.ts validates first (STYLE R12); the checks here keep a bad direct call from
// touching memory it should not. The registry, ids and worker plumbing: model_registry.h.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common.h"
#include "model_registry.h"
#include "ops/sequence_model/sequence_model.h"
#include "runtime.h"

namespace vigil::sequence_model {

namespace {

const char* BackendName(Backend backend) {
  switch (backend) {
    case Backend::kCpu: return "cpu";
    case Backend::kCuda: return "cuda";
    case Backend::kEmulate: return "emulate";
  }
  return "?";
}

class CreateWorker : public CreateModelWorker<Model> {
 public:
  CreateWorker(Napi::Env env, Dims dims, Constants constants, std::vector<const float*> tensors)
      : CreateModelWorker(env, "createSequenceModel"),
        dims_(dims),
        constants_(constants),
        tensors_(std::move(tensors)) {}

 protected:
  Status Build(Model* model) override {
    VG_RETURN_IF_ERROR(BuildModel(dims_, constants_, tensors_.data(), model));
#ifdef NATIVE_GPU_WITH_CUDA
    if (CudaAvailable()) VG_RETURN_IF_ERROR(UploadWeights(model));
#endif
    return Status::Ok();
  }

 private:
  Dims dims_;
  Constants constants_;
  std::vector<const float*> tensors_;
};

class RunWorker : public PinningWorker {
 public:
  RunWorker(Napi::Env env, std::shared_ptr<const Model> model, Params params, TimingOption timing)
      : PinningWorker(env, "vigil:runSequenceModel"),
        model_(std::move(model)),
        params_(params),
        timing_(timing) {}

 protected:
  void Execute() override {
    Guard(std::string("sequenceModel (") + BackendName(params_.backend) + ")", [this]() -> Status {
      const size_t rows = static_cast<size_t>(params_.rows);
      logit_.Allocate(rows);
      score_.Allocate(rows);
      const Outputs out{logit_.get(), score_.get(), timing_.target()};
      switch (params_.backend) {
        case Backend::kCpu: return SequenceModelCpu(*model_, params_, out);
        case Backend::kEmulate: return SequenceModelEmulated(*model_, params_, out);
        case Backend::kCuda:
#ifdef NATIVE_GPU_WITH_CUDA
          if (!CudaAvailable()) return ProbeCuda().status;
          return SequenceModelCuda(*model_, params_, out);
#else
          return ProbeCuda().status;
#endif
      }
      return Status::Error("unknown backend");
    });
  }

  void OnOK() override {
    Napi::Env env = Env();
    try {
      Napi::Object result = Napi::Object::New(env);
      result.Set("logit", ToFloat32Array(env, std::move(logit_)));
      result.Set("score", ToFloat32Array(env, std::move(score_)));
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
  HostFloatArray logit_, score_;
};

}  // namespace

Napi::Value CreateSequenceModel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  VG_THROW_TYPE_ERROR_IF(info.Length() != 3 || !IsTypedArrayOf(info[0], napi_int32_array, 6) ||
                             !IsTypedArrayOf(info[1], napi_float32_array, 2) || !info[2].IsArray(),
                         env,
                         "createSequenceModel: expected (dims: Int32Array(6), constants: "
                         "Float32Array(2), tensors: Float32Array[])");
  Napi::Int32Array dim_values = info[0].As<Napi::Int32Array>();
  Dims dims;
  dims.steps = dim_values[0];
  dims.channels = dim_values[1];
  dims.mask_channel = dim_values[2];
  dims.model = dim_values[3];
  dims.heads = dim_values[4];
  dims.ffn = dim_values[5];
  Napi::Float32Array constant_values = info[1].As<Napi::Float32Array>();
  const Constants constants{constant_values[0], constant_values[1]};
  // Bounds first: TensorSize below must not overflow, and the arrays must match it.
  VG_THROW_TYPE_ERROR_IF(dims.steps < 1 || dims.steps > kMaxSteps || dims.channels < 1 ||
                             dims.channels > kMaxChannels || dims.model < 1 ||
                             dims.model > kMaxModel || dims.ffn < 1 || dims.ffn > kMaxFfn ||
                             dims.heads < 1 || dims.model % dims.heads != 0 ||
                             dims.mask_channel < 0 || dims.mask_channel >= dims.channels,
                         env, "createSequenceModel: dims out of bounds");
  Napi::Array list = info[2].As<Napi::Array>();
  VG_THROW_TYPE_ERROR_IF(list.Length() != kNumTensors, env,
                         "createSequenceModel: expected 21 tensors");
  std::vector<const float*> tensors(kNumTensors);
  std::vector<Napi::Value> arrays;
  for (uint32_t t = 0; t < kNumTensors; ++t) {
    Napi::Value value = list.Get(t);
    VG_THROW_TYPE_ERROR_IF(
        !IsTypedArrayOf(value, napi_float32_array, TensorSize(dims, static_cast<Tensor>(t))), env,
        "createSequenceModel: tensors[" + std::to_string(t) + "] has the wrong type or size");
    Napi::Float32Array array = value.As<Napi::Float32Array>();
    tensors[t] = array.Data();
    arrays.push_back(value);
  }
  auto worker = std::make_unique<CreateWorker>(env, dims, constants, std::move(tensors));
  for (const Napi::Value& array : arrays) worker->Pin(array);
  return PinningWorker::Queue(std::move(worker));
}

Napi::Value RunSequenceModel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const uint32_t id = ModelIdOf(info, "runSequenceModel", "sequence-model");
  if (id == 0) return Napi::Value();
  std::shared_ptr<const Model> shared = ModelRegistry<Model>::Get().Find(id);
  VG_THROW_TYPE_ERROR_IF(shared == nullptr, env, "runSequenceModel: no such model (released?)");
  const Model& model = *shared;
  VG_THROW_TYPE_ERROR_IF(info.Length() != 3 || !info[1].IsTypedArray() || !info[2].IsObject(), env,
                         "runSequenceModel: expected (model, sequences: Float32Array, options)");
  Napi::TypedArray sequences = info[1].As<Napi::TypedArray>();
  const size_t row_size = static_cast<size_t>(model.dims.row_size());
  VG_THROW_TYPE_ERROR_IF(sequences.TypedArrayType() != napi_float32_array ||
                             sequences.ElementLength() == 0 ||
                             sequences.ElementLength() % row_size != 0,
                         env, "runSequenceModel: sequences must be a Float32Array of whole rows");
  Params params;
  params.sequences = sequences.As<Napi::Float32Array>().Data();
  params.rows = static_cast<int64_t>(sequences.ElementLength() / row_size);

  Napi::Object options = info[2].As<Napi::Object>();
  Napi::Value backend = options.Get("backend");
  const std::string name = backend.IsString() ? backend.As<Napi::String>().Utf8Value() : "";
  VG_THROW_TYPE_ERROR_IF(name != "cpu" && name != "cuda" && name != "emulate", env,
                         "runSequenceModel: options.backend: 'cpu', 'cuda' or 'emulate'");
  params.backend =
      name == "cuda" ? Backend::kCuda : (name == "emulate" ? Backend::kEmulate : Backend::kCpu);
  params.threads = static_cast<int>(GetNumberOr(options, "threads", 0));
  params.launch.block_size =
      static_cast<int>(GetNumberOr(options, "blockSize", params.launch.block_size));
  params.launch.rows_per_block =
      static_cast<int>(GetNumberOr(options, "rowsPerBlock", params.launch.rows_per_block));

  auto worker = std::make_unique<RunWorker>(env, std::move(shared), params, TimingOption(options));
  worker->Pin(info[1]);
  return PinningWorker::Queue(std::move(worker));
}

Napi::Value ReleaseSequenceModel(const Napi::CallbackInfo& info) {
  return ReleaseModel<Model>(info, "releaseSequenceModel", "sequence-model");
}

}  // namespace vigil::sequence_model
