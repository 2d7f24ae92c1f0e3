// status.h: Status, the one error channel out of worker threads and CUDA code.
//
// Worker threads (Napi::AsyncWorker::Execute) and CUDA launchers never throw across the N-API
// boundary and never exit(): they return a Status, and the worker turns a failed one into a
// rejected Promise whose Error carries `message` and `code` (STYLE R12). Plain C++ with no N-API
// or CUDA includes, so nvcc-compiled sources can use it too.
#ifndef VIGIL_NATIVE_GPU_STATUS_H_
#define VIGIL_NATIVE_GPU_STATUS_H_

#include <string>
#include <utility>

namespace vigil {

class Status {
 public:
  Status() = default;

  static Status Ok() { return Status(); }
  static Status Error(std::string message, std::string code = "ERR_NATIVE_GPU") {
    Status s;
    s.failed_ = true;
    s.message_ = std::move(message);
    s.code_ = std::move(code);
    return s;
  }

  bool ok() const { return !failed_; }
  const std::string& message() const { return message_; }
  // A stable identifier for callers: "ERR_NATIVE_GPU", "ERR_OUT_OF_HOST_MEMORY", or the CUDA error
  // name ("cudaErrorMemoryAllocation", ...).
  const std::string& code() const { return code_; }

  // "op: message", for errors that surface to JS.
  Status WithPrefix(const std::string& prefix) const {
    if (ok()) return *this;
    return Error(prefix + ": " + message_, code_);
  }

 private:
  bool failed_ = false;
  std::string message_;
  std::string code_;
};

}  // namespace vigil

#define VG_RETURN_IF_ERROR(expr)               \
  do {                                         \
    ::vigil::Status vg_status_ = (expr);       \
    if (!vg_status_.ok()) return vg_status_;   \
  } while (0)

#endif  // VIGIL_NATIVE_GPU_STATUS_H_
