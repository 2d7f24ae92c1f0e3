// The command line and raw-file I/O the libtorch trainers share (seq-train, clip-train): `--name value`
// flags with typed, range-checked readers, and exact-size little-endian tensor files.
#pragma once

#include <torch/torch.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

namespace trainer {

/** A bad command line or input file: the trainer prints it and exits 2. */
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/** `--name value` pairs; each reader consumes its flag, and `finish` refuses any left over. */
class Flags {
 public:
  Flags(int argc, char** argv) {
    for (int i = 1; i < argc; i += 2) {
      std::string key = argv[i];
      if (key.rfind("--", 0) != 0 || i + 1 >= argc) throw UsageError("expected --name value pairs, got '" + key + "'");
      given_[key.substr(2)] = argv[i + 1];
    }
  }

  void text(const char* name, std::string& field, bool required) {
    auto it = given_.find(name);
    if (it != given_.end()) field = it->second, given_.erase(it);
    else if (required) throw UsageError(std::string("--") + name + " is required");
  }

  void integer(const char* name, int64_t& field, bool required, int64_t min) {
    std::string value;
    text(name, value, required);
    if (value.empty()) return;
    try {
      size_t used = 0;
      const long long parsed = std::stoll(value, &used);
      if (used != value.size()) throw std::invalid_argument(value);
      field = parsed;
    } catch (const std::exception&) {
      throw UsageError(std::string("--") + name + " must be an integer, got '" + value + "'");
    }
    if (field < min) throw UsageError(std::string("--") + name + " must be >= " + std::to_string(min));
  }

  /** A finite number > 0. */
  void number(const char* name, double& field) {
    std::string value;
    text(name, value, false);
    if (value.empty()) return;
    try {
      size_t used = 0;
      const double parsed = std::stod(value, &used);
      if (used != value.size() || !std::isfinite(parsed)) throw std::invalid_argument(value);
      field = parsed;
    } catch (const std::exception&) {
      throw UsageError(std::string("--") + name + " must be a number, got '" + value + "'");
    }
    if (field <= 0) throw UsageError(std::string("--") + name + " must be > 0");
  }

  void finish() const {
    if (!given_.empty()) throw UsageError("unknown option --" + given_.begin()->first);
  }

 private:
  std::map<std::string, std::string> given_;
};

/** Reads exactly `count` elements of `dtype` from `path` into a new tensor of `shape`. */
inline torch::Tensor read_tensor(const std::string& path, int64_t count, torch::IntArrayRef shape, torch::Dtype dtype) {
  const int64_t size = static_cast<int64_t>(torch::elementSize(dtype));
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw UsageError("cannot open " + path);
  const auto bytes = static_cast<int64_t>(in.tellg());
  if (bytes != count * size) {
    throw UsageError(path + " holds " + std::to_string(bytes) + " bytes, expected " + std::to_string(count * size));
  }
  auto tensor = torch::empty(shape, dtype);
  in.seekg(0);
  in.read(static_cast<char*>(tensor.data_ptr()), bytes);
  if (!in) throw UsageError("cannot read " + path);
  return tensor;
}

inline void write_floats(const std::string& path, const torch::Tensor& tensor) {
  auto flat = tensor.contiguous();
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(flat.data_ptr<float>()), flat.numel() * 4);
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace trainer
