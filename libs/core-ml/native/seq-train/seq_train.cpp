// seq-train: trains the account-sequence risk model with libtorch (CPU) and writes its weights.
//
// Called by libs/core-ml/src/sequence/train-sequence-model.ts, which validates everything first; this
// program re-checks only what it reads from disk (file sizes, the validity channel) and exits 2 with a
// one-line reason on stderr otherwise.
//
// Input (raw little-endian float32): --data [N, K, D] sequences, --labels [N] in {0, 1}, optional
// --weights [N] sample weights, optional --eval [M, K, D] whose logits are written for verification.
// Channel --mask-channel of each step is its validity (1 real step, 0 front padding).
//
// Model (every tensor stored [in, out] so that exporters use it as the right operand of MatMul):
//   h   = x · input_weight + input_bias + pos                       [N, K, d]
//   q,k,v = h · attn_{q,k,v}_weight + bias, split into H heads      [N, H, K, d/H]
//   a   = softmax(q·kᵀ / √(d/H) + (valid − 1)·1e9) · v, heads joined, · attn_out_weight + bias
//   h1  = LayerNorm(h + a; ln1)          (post-norm, eps 1e-5)
//   h2  = LayerNorm(h1 + relu(h1 · ffn_1_weight + b) · ffn_2_weight + b; ln2)
//   p   = Σ_k valid·h2 / Σ_k valid                                  [N, d]  (masked mean)
//   logit = p · head_weight + head_bias                             [N]
// Loss: BCE with logits, pos_weight, optional per-sample weights; Adam; no dropout, so a fixed seed
// and thread count give the same weights every run.
//
// Output in --out: weights.bin (the tensors concatenated in manifest order), manifest.json (names,
// shapes, float offsets, model and training settings), eval-logits.bin when --eval is given.
// Progress lines on stdout: "epoch E/E step S/S loss L steps/s R", then "done ...".
//
// Threads: --threads sets libtorch's intra-op pool. On a shared machine run with OMP_WAIT_POLICY=PASSIVE
// (the TypeScript wrapper does): libgomp's spinning threads otherwise slow a busy box down about 20x.
// Speed: bench.sh beside this file.
//
// Build: make -C libs/core-ml/native (from the repository root).
#include <torch/torch.h>

#include "../common/trainer_cli.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

namespace {

using trainer::Flags;
using trainer::read_tensor;
using trainer::UsageError;
using trainer::write_floats;

struct Options {
  std::string data, labels, weights, eval, out;
  int64_t n = 0, steps = 0, channels = 0, mask_channel = 0, eval_n = 0;
  int64_t d_model = 32, heads = 2, ffn = 64, epochs = 5, batch = 256, threads = 1;
  double lr = 1e-3, pos_weight = 1.0;
  uint64_t seed = 1;
};

Options parse(int argc, char** argv) {
  Flags flags(argc, argv);
  Options o;
  flags.text("data", o.data, true);
  flags.text("labels", o.labels, true);
  flags.text("out", o.out, true);
  flags.text("weights", o.weights, false);
  flags.text("eval", o.eval, false);
  flags.integer("n", o.n, true, 1);
  flags.integer("steps", o.steps, true, 1);
  flags.integer("channels", o.channels, true, 1);
  flags.integer("mask-channel", o.mask_channel, false, 0);
  flags.integer("eval-n", o.eval_n, !o.eval.empty(), 1);
  flags.integer("d-model", o.d_model, false, 1);
  flags.integer("heads", o.heads, false, 1);
  flags.integer("ffn", o.ffn, false, 1);
  flags.integer("epochs", o.epochs, false, 1);
  flags.integer("batch", o.batch, false, 1);
  flags.integer("threads", o.threads, false, 1);
  flags.number("lr", o.lr);
  flags.number("pos-weight", o.pos_weight);
  int64_t seed = 1;
  flags.integer("seed", seed, false, 0);
  o.seed = static_cast<uint64_t>(seed);
  flags.finish();
  if (o.mask_channel >= o.channels) throw UsageError("--mask-channel must be < --channels");
  if (o.d_model % o.heads != 0) throw UsageError("--d-model must be a multiple of --heads");
  return o;
}

class SequenceModel : public torch::nn::Module {
 public:
  SequenceModel(int64_t channels, int64_t steps, int64_t d, int64_t heads, int64_t ffn) : steps_(steps), d_(d), heads_(heads) {
    input_w_ = matrix("input_weight", channels, d);
    input_b_ = zeros("input_bias", d);
    pos_ = register_parameter("pos", torch::randn({steps, d}) * 0.02);
    q_w_ = matrix("attn_q_weight", d, d);
    q_b_ = zeros("attn_q_bias", d);
    k_w_ = matrix("attn_k_weight", d, d);
    k_b_ = zeros("attn_k_bias", d);
    v_w_ = matrix("attn_v_weight", d, d);
    v_b_ = zeros("attn_v_bias", d);
    o_w_ = matrix("attn_out_weight", d, d);
    o_b_ = zeros("attn_out_bias", d);
    ln1_w_ = register_parameter("ln1_weight", torch::ones({d}));
    ln1_b_ = zeros("ln1_bias", d);
    f1_w_ = matrix("ffn_1_weight", d, ffn);
    f1_b_ = zeros("ffn_1_bias", ffn);
    f2_w_ = matrix("ffn_2_weight", ffn, d);
    f2_b_ = zeros("ffn_2_bias", d);
    ln2_w_ = register_parameter("ln2_weight", torch::ones({d}));
    ln2_b_ = zeros("ln2_bias", d);
    head_w_ = matrix("head_weight", d, 1);
    head_b_ = zeros("head_bias", 1);
  }

  /** Logits [N] of x [N, K, D], with valid [N, K] (1 real step, 0 padding). */
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& valid) {
    const int64_t n = x.size(0), dh = d_ / heads_;
    auto h = torch::matmul(x, input_w_) + input_b_ + pos_;
    auto split = [&](const torch::Tensor& w, const torch::Tensor& b) {
      return (torch::matmul(h, w) + b).view({n, steps_, heads_, dh}).transpose(1, 2);
    };
    auto q = split(q_w_, q_b_), k = split(k_w_, k_b_), v = split(v_w_, v_b_);
    auto mask = ((valid - 1.0) * 1e9).view({n, 1, 1, steps_});
    auto scores = torch::matmul(q, k.transpose(-2, -1)) * (1.0 / std::sqrt(static_cast<double>(dh))) + mask;
    auto context = torch::matmul(torch::softmax(scores, -1), v).transpose(1, 2).reshape({n, steps_, d_});
    auto attended = torch::matmul(context, o_w_) + o_b_;
    auto h1 = torch::layer_norm(h + attended, {d_}, ln1_w_, ln1_b_, 1e-5);
    auto ffn = torch::matmul(torch::relu(torch::matmul(h1, f1_w_) + f1_b_), f2_w_) + f2_b_;
    auto h2 = torch::layer_norm(h1 + ffn, {d_}, ln2_w_, ln2_b_, 1e-5);
    auto pooled = (h2 * valid.unsqueeze(-1)).sum(1) / valid.sum(1, true);
    return (torch::matmul(pooled, head_w_) + head_b_).squeeze(-1);
  }

 private:
  torch::Tensor matrix(const std::string& name, int64_t in, int64_t out) {
    const double bound = std::sqrt(6.0 / static_cast<double>(in + out));  // Xavier uniform
    return register_parameter(name, torch::empty({in, out}).uniform_(-bound, bound));
  }
  torch::Tensor zeros(const std::string& name, int64_t size) { return register_parameter(name, torch::zeros({size})); }

  int64_t steps_, d_, heads_;
  torch::Tensor input_w_, input_b_, pos_, q_w_, q_b_, k_w_, k_b_, v_w_, v_b_, o_w_, o_b_;
  torch::Tensor ln1_w_, ln1_b_, f1_w_, f1_b_, f2_w_, f2_b_, ln2_w_, ln2_b_, head_w_, head_b_;
};

torch::Tensor validity(const torch::Tensor& x, int64_t channel, const std::string& what) {
  auto valid = (x.select(2, channel) > 0.5).to(torch::kFloat32);
  auto empty = (valid.sum(1) == 0).nonzero();
  if (empty.size(0) > 0) {
    throw UsageError(what + " sequence " + std::to_string(empty[0].item<int64_t>()) + " has no valid step (channel " +
                     std::to_string(channel) + ")");
  }
  return valid;
}

torch::Tensor predict(SequenceModel& model, const torch::Tensor& x, const torch::Tensor& valid) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < x.size(0); start += 4096) {
    const int64_t end = std::min(start + 4096, x.size(0));
    parts.push_back(model.forward(x.slice(0, start, end), valid.slice(0, start, end)));
  }
  return torch::cat(parts);
}

void write_manifest(const Options& o, SequenceModel& model, int64_t total_steps, double seconds, double final_loss) {
  std::ostringstream json;
  json << "{\n  \"format\": \"seq-train/1\",\n";
  json << "  \"model\": {\"steps\": " << o.steps << ", \"channels\": " << o.channels << ", \"maskChannel\": " << o.mask_channel
       << ", \"dModel\": " << o.d_model << ", \"heads\": " << o.heads << ", \"ffn\": " << o.ffn << ", \"layerNormEpsilon\": 1e-05"
       << ", \"maskBias\": -1e+09},\n";
  json << "  \"training\": {\"sequences\": " << o.n << ", \"epochs\": " << o.epochs << ", \"batch\": " << o.batch << ", \"lr\": " << o.lr
       << ", \"posWeight\": " << o.pos_weight << ", \"seed\": " << o.seed << ", \"threads\": " << o.threads << ", \"steps\": " << total_steps
       << ", \"seconds\": " << seconds << ", \"finalLoss\": " << final_loss << "},\n";
  json << "  \"tensors\": [\n";
  int64_t offset = 0;
  bool first = true;
  for (const auto& item : model.named_parameters()) {
    json << (first ? "" : ",\n") << "    {\"name\": \"" << item.key() << "\", \"shape\": [";
    for (int64_t i = 0; i < item.value().dim(); ++i) json << (i ? ", " : "") << item.value().size(i);
    json << "], \"offset\": " << offset << "}";
    offset += item.value().numel();
    first = false;
  }
  json << "\n  ]\n}\n";
  std::ofstream out(o.out + "/manifest.json");
  out << json.str();
  if (!out) throw std::runtime_error("cannot write " + o.out + "/manifest.json");
}

void run(const Options& o) {
  torch::set_num_threads(static_cast<int>(o.threads));
  torch::manual_seed(o.seed);
  const auto x = read_tensor(o.data, o.n * o.steps * o.channels, {o.n, o.steps, o.channels}, torch::kFloat32);
  const auto y = read_tensor(o.labels, o.n, {o.n}, torch::kFloat32);
  if (((y != 0) & (y != 1)).any().item<bool>()) throw UsageError(o.labels + " holds a label other than 0 or 1");
  const auto w = o.weights.empty() ? torch::Tensor() : read_tensor(o.weights, o.n, {o.n}, torch::kFloat32);
  const auto valid = validity(x, o.mask_channel, "training");

  SequenceModel model(o.channels, o.steps, o.d_model, o.heads, o.ffn);
  torch::optim::Adam optimizer(model.parameters(), torch::optim::AdamOptions(o.lr));
  const auto pos_weight = torch::full({1}, o.pos_weight);
  const int64_t per_epoch = (o.n + o.batch - 1) / o.batch;
  const int64_t total = per_epoch * o.epochs;
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
  double last_report = 0, epoch_loss = 0;
  int64_t done = 0;

  for (int64_t epoch = 1; epoch <= o.epochs; ++epoch) {
    const auto order = torch::randperm(o.n, torch::kLong);
    double loss_sum = 0;
    for (int64_t b = 0; b < per_epoch; ++b) {
      const auto idx = order.slice(0, b * o.batch, std::min((b + 1) * o.batch, o.n));
      const auto logits = model.forward(x.index_select(0, idx), valid.index_select(0, idx));
      const auto loss = torch::binary_cross_entropy_with_logits(logits, y.index_select(0, idx),
                                                                w.defined() ? w.index_select(0, idx) : torch::Tensor(), pos_weight);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      loss_sum += loss.item<double>();
      ++done;
      const double now = elapsed();
      if (now - last_report >= 2.0 || b + 1 == per_epoch) {
        std::printf("epoch %lld/%lld step %lld/%lld loss %.5f steps/s %.1f\n", static_cast<long long>(epoch), static_cast<long long>(o.epochs),
                    static_cast<long long>(b + 1), static_cast<long long>(per_epoch), loss_sum / static_cast<double>(b + 1),
                    static_cast<double>(done) / now);
        std::fflush(stdout);
        last_report = now;
      }
    }
    epoch_loss = loss_sum / static_cast<double>(per_epoch);
  }
  const double seconds = elapsed();

  std::ofstream weights(o.out + "/weights.bin", std::ios::binary);
  for (const auto& p : model.parameters()) {
    auto flat = p.detach().contiguous();
    weights.write(reinterpret_cast<const char*>(flat.data_ptr<float>()), flat.numel() * 4);
  }
  weights.close();
  if (!weights) throw std::runtime_error("cannot write " + o.out + "/weights.bin");
  write_manifest(o, model, total, seconds, epoch_loss);

  if (!o.eval.empty()) {
    const auto ex = read_tensor(o.eval, o.eval_n * o.steps * o.channels, {o.eval_n, o.steps, o.channels}, torch::kFloat32);
    write_floats(o.out + "/eval-logits.bin", predict(model, ex, validity(ex, o.mask_channel, "eval")));
  }
  std::printf("done steps %lld seconds %.3f steps/s %.1f loss %.5f\n", static_cast<long long>(total), seconds,
              static_cast<double>(total) / seconds, epoch_loss);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    run(parse(argc, argv));
    return 0;
  } catch (const UsageError& error) {
    std::fprintf(stderr, "seq-train: %s\n", error.what());
    return 2;
  } catch (const c10::Error& error) {
    std::fprintf(stderr, "seq-train: %s\n", error.what_without_backtrace());
    return 1;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "seq-train: %s\n", error.what());
    return 1;
  }
}
