// window_agg_worker.cc: the windowAggregates binding: unpacks arguments on the JS thread, runs the
// chosen backend on a libuv thread (Napi::AsyncWorker), and settles a Promise.
//
//   windowAggregates(keys: Int32Array, times: Float64Array, values: Float64Array,
//                    categories: Int32Array | null, windows: Float64Array,
//                    options: { backend: 'cpu'|'cuda'|'emulate', threads, blockSize,
//                               lanesPerQuery, gridSize, timing })
//     -> Promise<{ count, sum, mean, std, min, max, distinct? }>
//        (a Float64Array each, [event][window]; plus deviceMs, deviceBytes on cuda with timing)
//
// lib/window-agg.ts validates shapes, dtypes, ordering and options first (STYLE R12: validate in
// TypeScript, trust in C++); the checks here only keep a bad direct call from touching memory it
// should not. Execute() never touches N-API: it reads the pinned buffers through raw pointers,
// allocates outputs, and records any failure as a Status (PinningWorker::Guard). Outputs go back to
// JS without a copy.
#include <memory>
#include <new>
#include <string>
#include <utility>

#include "common.h"
#include "ops/window_agg/window_agg.h"
#include "pinning_worker.h"
#include "runtime.h"

namespace vigil::window_agg {

namespace {

class WindowAggWorker : public PinningWorker {
 public:
  WindowAggWorker(Napi::Env env, Params params, TimingOption timing)
      : PinningWorker(env, "vigil:windowAggregates"), params_(std::move(params)), timing_(timing) {}

 protected:
  void Execute() override {
    Guard(std::string("windowAggregates (") + BackendName() + ")", [this]() { return Run(); });
  }

  void OnOK() override {
    Napi::Env env = Env();
    try {
      Napi::Object result = Napi::Object::New(env);
      for (int stat = 0; stat < kNumStats; ++stat) {
        if (!HasStat(stat)) continue;
        result.Set(kStatNames[stat], ToFloat64Array(env, std::move(results_[stat])));
      }
      timing_.Report(result, params_.backend == Backend::kCuda);
      deferred_.Resolve(result);
    } catch (const Napi::Error& error) {
      deferred_.Reject(error.Value());
    }
  }

 private:
  bool HasStat(int stat) const { return stat != kDistinct || params_.has_categories; }

  const char* BackendName() const {
    switch (params_.backend) {
      case Backend::kCpu: return "cpu";
      case Backend::kCuda: return "cuda";
      case Backend::kEmulate: return "emulate";
    }
    return "?";
  }

  Status Run() {
    const Params& params = params_;
    Outputs out;
    try {
      for (int stat = 0; stat < kNumStats; ++stat) {
        if (!HasStat(stat)) continue;
        results_[stat].Allocate(params.num_outputs());
        out.stat[stat] = results_[stat].get();
      }
    } catch (const std::bad_alloc&) {
      return Status::Error("out of host memory allocating the outputs", "ERR_OUT_OF_HOST_MEMORY");
    }  // (any other exception, e.g. bad_alloc inside a backend, is caught by Guard())
    out.timing = timing_.target();
    switch (params.backend) {
      case Backend::kCpu:
        return WindowAggCpu(params, out);
      case Backend::kEmulate:
        return WindowAggEmulated(params, out);
      case Backend::kCuda:
#ifdef NATIVE_GPU_WITH_CUDA
        if (!CudaAvailable()) return ProbeCuda().status;
        return WindowAggCuda(params, out);
#else
        return ProbeCuda().status;
#endif
    }
    return Status::Error("unknown backend");
  }

  // The input pointers stay valid because the JS arrays that own them are pinned until the worker
  // is destroyed.
  Params params_;
  TimingOption timing_;
  HostArray results_[kNumStats];
};

bool ParseBackend(const std::string& name, Backend* backend) {
  if (name == "cpu") *backend = Backend::kCpu;
  else if (name == "cuda") *backend = Backend::kCuda;
  else if (name == "emulate") *backend = Backend::kEmulate;
  else return false;
  return true;
}

}  // namespace

Napi::Value WindowAggregates(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  VG_THROW_TYPE_ERROR_IF(info.Length() != 6, env, "windowAggregates: expected 6 arguments");
  VG_THROW_TYPE_ERROR_IF(!info[0].IsTypedArray(), env,
                         "windowAggregates: keys must be an Int32Array");
  const size_t n = info[0].As<Napi::TypedArray>().ElementLength();
  VG_THROW_TYPE_ERROR_IF(!IsTypedArrayOf(info[0], napi_int32_array, n) || n > 0x7fffffffu, env,
                         "windowAggregates: keys must be an Int32Array of < 2^31 elements");
  VG_THROW_TYPE_ERROR_IF(!IsTypedArrayOf(info[1], napi_float64_array, n), env,
                         "windowAggregates: times must be a Float64Array of keys.length");
  VG_THROW_TYPE_ERROR_IF(!IsTypedArrayOf(info[2], napi_float64_array, n), env,
                         "windowAggregates: values must be a Float64Array of keys.length");
  const bool has_categories = !info[3].IsNull() && !info[3].IsUndefined();
  VG_THROW_TYPE_ERROR_IF(has_categories && !IsTypedArrayOf(info[3], napi_int32_array, n), env,
                         "windowAggregates: categories must be null or Int32Array(keys.length)");
  VG_THROW_TYPE_ERROR_IF(!info[4].IsTypedArray() ||
                             info[4].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array,
                         env, "windowAggregates: windows must be a Float64Array");
  VG_THROW_TYPE_ERROR_IF(!info[5].IsObject(), env, "windowAggregates: options must be an object");

  Params params;
  params.n = static_cast<int64_t>(n);
  params.keys = info[0].As<Napi::Int32Array>().Data();
  params.times = info[1].As<Napi::Float64Array>().Data();
  params.values = info[2].As<Napi::Float64Array>().Data();
  params.has_categories = has_categories;
  params.categories = has_categories ? info[3].As<Napi::Int32Array>().Data() : nullptr;
  Napi::Float64Array windows = info[4].As<Napi::Float64Array>();
  params.windows.assign(windows.Data(), windows.Data() + windows.ElementLength());
  for (double w : params.windows) {
    VG_THROW_TYPE_ERROR_IF(!(w > 0.0), env, "windowAggregates: windows must be > 0");
  }

  Napi::Object options = info[5].As<Napi::Object>();
  Napi::Value backend = options.Get("backend");
  VG_THROW_TYPE_ERROR_IF(!backend.IsString() ||
                             !ParseBackend(backend.As<Napi::String>().Utf8Value(), &params.backend),
                         env, "windowAggregates: options.backend: 'cpu', 'cuda' or 'emulate'");
  LaunchConfig& launch = params.launch;
  params.threads = static_cast<int>(GetNumberOr(options, "threads", 0));
  launch.block_size = static_cast<int>(GetNumberOr(options, "blockSize", launch.block_size));
  launch.lanes_per_query =
      static_cast<int>(GetNumberOr(options, "lanesPerQuery", launch.lanes_per_query));
  launch.grid_size = static_cast<int>(GetNumberOr(options, "gridSize", launch.grid_size));

  auto worker = std::make_unique<WindowAggWorker>(env, std::move(params), TimingOption(options));
  worker->Pin(info[0]);  // keys
  worker->Pin(info[1]);  // times
  worker->Pin(info[2]);  // values
  if (has_categories) worker->Pin(info[3]);
  return PinningWorker::Queue(std::move(worker));
}

}  // namespace vigil::window_agg
