// addon.cc: the module's exports, nothing else. One addon for every machine: built with CUDA when
// nvcc was found (NATIVE_GPU_WITH_CUDA), and even then it loads and runs its CPU twins on machines
// without a GPU or CUDA runtime (cudart is linked statically).
//
//   backends()          ['cpu'] or ['cpu', 'cuda']                    (runtime.h)
//   deviceInfo()        [{ id, name, totalMemoryBytes, multiProcessorCount, computeCapability,
//                          peakMemoryBandwidthBytesPerSecond }]
//   cudaStatus()        { compiled, available, deviceCount, runtimeVersion, driverVersion,
//                         error?, code? }
//   windowAggregates()  Promise of sliding-window aggregates          (ops/window_agg/)
//   alignFrames()       Promise of per-pair shifts (phase correlation) (ops/align/)
//   prepareFrames()     Promise of the clip model's input: frames shifted, shrunk, scaled (ops/prepare/)
//   createSequenceModel(), runSequenceModel(), releaseSequenceModel()
//                       the risk sequence model, loaded once (ops/sequence_model/)
//   createClipModel(), runClipModel(), releaseClipModel()
//                       the defect inspector's clip model, loaded once (ops/clip_model/)
//   setWorkerScheduling('normal' | 'batch'), setThreadScheduling(threadId, 'normal' | 'batch')
//                       the op threads' / one thread's scheduling policy (worker_scheduling.h)
//   cudaCompiled        boolean
#include <napi.h>

#include "runtime.h"
#include "worker_scheduling.h"

namespace vigil::window_agg {
Napi::Value WindowAggregates(const Napi::CallbackInfo& info);
}  // namespace vigil::window_agg
namespace vigil::align {
Napi::Value AlignFrames(const Napi::CallbackInfo& info);
}  // namespace vigil::align
namespace vigil::prepare {
Napi::Value PrepareFrames(const Napi::CallbackInfo& info);
}  // namespace vigil::prepare
namespace vigil::sequence_model {
Napi::Value CreateSequenceModel(const Napi::CallbackInfo& info);
Napi::Value RunSequenceModel(const Napi::CallbackInfo& info);
Napi::Value ReleaseSequenceModel(const Napi::CallbackInfo& info);
}  // namespace vigil::sequence_model
namespace vigil::clip_model {
Napi::Value CreateClipModel(const Napi::CallbackInfo& info);
Napi::Value RunClipModel(const Napi::CallbackInfo& info);
Napi::Value ReleaseClipModel(const Napi::CallbackInfo& info);
}  // namespace vigil::clip_model

namespace vigil {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("backends", Napi::Function::New(env, Backends, "backends"));
  exports.Set("deviceInfo", Napi::Function::New(env, DeviceInfo, "deviceInfo"));
  exports.Set("cudaStatus", Napi::Function::New(env, CudaStatusInfo, "cudaStatus"));
  exports.Set("setWorkerScheduling",
              Napi::Function::New(env, SetWorkerScheduling, "setWorkerScheduling"));
  exports.Set("setThreadScheduling",
              Napi::Function::New(env, SetThreadScheduling, "setThreadScheduling"));
  exports.Set("windowAggregates",
              Napi::Function::New(env, window_agg::WindowAggregates, "windowAggregates"));
  exports.Set("alignFrames", Napi::Function::New(env, align::AlignFrames, "alignFrames"));
  exports.Set("prepareFrames", Napi::Function::New(env, prepare::PrepareFrames, "prepareFrames"));
  exports.Set("createSequenceModel", Napi::Function::New(env, sequence_model::CreateSequenceModel,
                                                        "createSequenceModel"));
  exports.Set("runSequenceModel",
              Napi::Function::New(env, sequence_model::RunSequenceModel, "runSequenceModel"));
  exports.Set("releaseSequenceModel", Napi::Function::New(env, sequence_model::ReleaseSequenceModel,
                                                         "releaseSequenceModel"));
  exports.Set("createClipModel",
              Napi::Function::New(env, clip_model::CreateClipModel, "createClipModel"));
  exports.Set("runClipModel", Napi::Function::New(env, clip_model::RunClipModel, "runClipModel"));
  exports.Set("releaseClipModel",
              Napi::Function::New(env, clip_model::ReleaseClipModel, "releaseClipModel"));
#ifdef NATIVE_GPU_WITH_CUDA
  exports.Set("cudaCompiled", Napi::Boolean::New(env, true));
#else
  exports.Set("cudaCompiled", Napi::Boolean::New(env, false));
#endif
  return exports;
}

}  // namespace vigil

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  return vigil::Init(env, exports);
}

NODE_API_MODULE(vigil_native_gpu, InitModule)
