// clip-train: trains the defect-inspector's clip model, or its single-frame baseline, with libtorch (CPU)
// and writes its weights.
//
// Called by libs/core-ml/src/video/train-clip-model.ts, which validates everything first; this program
// re-checks only what it reads from disk (file sizes, label range) and exits 2 with a one-line reason on
// stderr otherwise.
//
// Input (raw little-endian): --data [N, L, H, W] uint8 grey clips (the model sees value / 255),
// --labels [N] uint8 class indices (0 = OK), --heatmaps [N, h, w] float32 localisation targets in [0, 1],
// optional --eval [M, L, H, W] uint8 clips whose outputs are written for verification.
//
// Model (--model clip; --model frame is the same network on the clip's last frame alone):
//   x      = clip / 255                                                   [N, 1, L, H, W]
//   conv1  = Conv3d 1→c1 kernel (3,4,4) stride (1,2,2) pad (0,1,1), no bias → BatchNorm → ReLU
//            [N, c1, L−2, H/2, W/2]: stride 1 and no zero padding in time, so every output sees
//            three real frames and can respond to their differences (flicker, motion)
//   f      = concat(mean over time, max over time) of conv1               [N, 2·c1, H/2, W/2]
//            (the mean keeps static marks with the noise averaged out, the max keeps what happens
//            on only some frames, which a mean would erase)
//            (frame: conv1 is Conv2d (4,4) stride 2 pad 1 on the last frame, f = conv1, c1 channels)
//   stem   = 2 × (Conv2d without bias → BatchNorm → ReLU) on f:
//            conv2 →c2 kernel (3,3) stride 2 pad 1                        [N, c2, H/4, W/4]
//            conv3 c2→d kernel (3,3) stride 2 pad 1                       [N, d, H/8, W/8]
//   tokens = one per cell of the H/8 × W/8 grid, + pos                    [N, S, d]
//   B × pre-norm Transformer encoder layers (matrices stored [in, out]):
//            t = t + MHA(LN(t)) · out;   t = t + relu(LN(t) · ffn1 + b) · ffn2 + b
//   t      = LN(t; final)
//   logits = concat(mean_S(t), max_S(t)) · cls_weight + cls_bias          [N, C]
//            (the max lets one token holding a small defect decide; a mean dilutes it 64-fold)
//   heatmap= a small decoder at the H/2 × W/2 grid of f (so u must be 4):
//            g = t · heat_weight + heat_bias, each token's u·u·k values placed as the u×u cells under
//                it, k = 8 channels per cell (pixel shuffle)               [N, k, H/2, W/2]
//            sigmoid(Conv(Relu(Conv(concat(g, f), head1 3×3 pad 1 → 16)), head2 1×1 → 1))
//            (the tokens say where a defect is, f's full-resolution features where its edges are)
// Loss: cross-entropy on the logits + --heat-weight × BCE-with-logits of the heatmap (--heat-pos-weight
// on its positive part) + --heat-dice-weight × (1 − soft Dice) of the heatmap on the clips with a defect. Adam with a cosine learning-rate decay; no dropout, so a fixed seed and thread
// count give the same weights every run.
//
// Output in --out: weights.bin (tensors concatenated in manifest order: parameters, then BatchNorm running
// statistics), manifest.json (names, shapes, float offsets, model and training settings), and with --eval
// eval-logits.bin [M, C] and eval-heatmaps.bin [M, h, w] (after the sigmoid), in inference mode.
// Progress lines on stdout: "epoch E/E step S/S loss L steps/s R", then "done ...".
//
// Threads: --threads sets libtorch's intra-op pool; the TypeScript wrapper runs it with
// OMP_WAIT_POLICY=PASSIVE (spinning OpenMP threads slow a shared machine down badly).
//
// Build: make -C libs/core-ml/native (from the repository root).
#include <torch/torch.h>

#include "../common/trainer_cli.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using trainer::Flags;
using trainer::read_tensor;
using trainer::UsageError;
using trainer::write_floats;

constexpr double kBnEpsilon = 1e-5;
constexpr double kBnMomentum = 0.1;
constexpr double kLnEpsilon = 1e-5;
constexpr int64_t kHeatChannels = 8, kHeadChannels = 16;

struct Options {
  std::string model = "clip", data, labels, heatmaps, eval, out;
  int64_t n = 0, frames = 0, height = 0, width = 0, classes = 0, eval_n = 0;
  int64_t c1 = 16, c2 = 32, d_model = 64, heads = 4, ffn = 128, layers = 2, upscale = 4;
  int64_t epochs = 10, batch = 16, threads = 1;
  double lr = 2e-3, heat_weight = 4.0, heat_pos_weight = 4.0, heat_dice_weight = 0.0;
  uint64_t seed = 1;
};

Options parse(int argc, char** argv) {
  Flags flags(argc, argv);
  Options o;
  flags.text("model", o.model, false);
  flags.text("data", o.data, true);
  flags.text("labels", o.labels, true);
  flags.text("heatmaps", o.heatmaps, true);
  flags.text("out", o.out, true);
  flags.text("eval", o.eval, false);
  flags.integer("n", o.n, true, 1);
  flags.integer("frames", o.frames, true, 1);
  flags.integer("height", o.height, true, 8);
  flags.integer("width", o.width, true, 8);
  flags.integer("classes", o.classes, true, 2);
  flags.integer("eval-n", o.eval_n, !o.eval.empty(), 1);
  flags.integer("c1", o.c1, false, 1);
  flags.integer("c2", o.c2, false, 1);
  flags.integer("d-model", o.d_model, false, 1);
  flags.integer("heads", o.heads, false, 1);
  flags.integer("ffn", o.ffn, false, 1);
  flags.integer("layers", o.layers, false, 1);
  flags.integer("upscale", o.upscale, false, 1);
  flags.integer("epochs", o.epochs, false, 1);
  flags.integer("batch", o.batch, false, 1);
  flags.integer("threads", o.threads, false, 1);
  flags.number("lr", o.lr);
  flags.number("heat-weight", o.heat_weight);
  flags.number("heat-pos-weight", o.heat_pos_weight);
  flags.number("heat-dice-weight", o.heat_dice_weight);
  int64_t seed = 1;
  flags.integer("seed", seed, false, 0);
  o.seed = static_cast<uint64_t>(seed);
  flags.finish();
  if (o.model != "clip" && o.model != "frame") throw UsageError("--model must be clip or frame, got '" + o.model + "'");
  if (o.height % 8 != 0 || o.width % 8 != 0) throw UsageError("--height and --width must be multiples of 8 (three stride-2 convolutions)");
  if (o.d_model % o.heads != 0) throw UsageError("--d-model must be a multiple of --heads");
  if (o.upscale != 4) throw UsageError("--upscale must be 4: the heatmap's skip path reads conv1's H/2 x W/2 grid");
  if (o.model == "clip" && o.frames < 3) throw UsageError("--frames must be >= 3 for the clip model (conv1 spans 3 frames)");
  return o;
}

class ClipModel : public torch::nn::Module {
 public:
  explicit ClipModel(const Options& o)
      : temporal_(o.model == "clip"), d_(o.d_model), heads_(o.heads), layers_(o.layers), upscale_(o.upscale),
        grid_h_(o.height / 8), grid_w_(o.width / 8) {
    const int64_t pooled = temporal_ ? 2 * o.c1 : o.c1;
    conv("conv1", 1, o.c1, 4, temporal_);
    conv("conv2", pooled, o.c2, 3, false);
    conv("conv3", o.c2, o.d_model, 3, false);
    const int64_t d = o.d_model, tokens = grid_h_ * grid_w_;
    register_parameter("pos", torch::randn({tokens, d}) * 0.02);
    for (int64_t l = 0; l < o.layers; ++l) {
      const std::string p = "layer" + std::to_string(l) + "_";
      ones(p + "ln1_weight", d), zeros(p + "ln1_bias", d);
      for (const char* m : {"q", "k", "v", "out"}) matrix(p + "attn_" + m + "_weight", d, d), zeros(p + "attn_" + m + "_bias", d);
      ones(p + "ln2_weight", d), zeros(p + "ln2_bias", d);
      matrix(p + "ffn_1_weight", d, o.ffn), zeros(p + "ffn_1_bias", o.ffn);
      matrix(p + "ffn_2_weight", o.ffn, d), zeros(p + "ffn_2_bias", d);
    }
    ones("final_ln_weight", d), zeros("final_ln_bias", d);
    matrix("cls_weight", 2 * d, o.classes), zeros("cls_bias", o.classes);
    matrix("heat_weight", d, o.upscale * o.upscale * kHeatChannels), zeros("heat_bias", o.upscale * o.upscale * kHeatChannels);
    head("head1", kHeatChannels + pooled, kHeadChannels, 3);
    head("head2", kHeadChannels, 1, 1);
    // Defects are rare per cell: start the heatmap near its base rate instead of at 0.5.
    named_parameters(false)["head2_bias"].data().fill_(-4.0);
  }

  /** Class logits [N, C] and heatmap logits [N, h, w] of clips x [N, 1, L, H, W] (frame: [N, 1, H, W]). */
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x) {
    auto f = block("conv1", x, temporal_);
    if (temporal_) f = torch::cat({f.mean(2), std::get<0>(f.max(2))}, 1);  // [N, 2·c1, H/2, W/2]
    auto h = block("conv2", f, false);
    h = block("conv3", h, false);  // [N, d, gh, gw]
    const int64_t n = h.size(0), s = grid_h_ * grid_w_, dh = d_ / heads_;
    auto t = h.flatten(2).transpose(1, 2) + p("pos");  // [N, S, d]
    for (int64_t l = 0; l < layers_; ++l) {
      const std::string q = "layer" + std::to_string(l) + "_";
      auto a = ln(t, q + "ln1");
      auto split = [&](const std::string& m) { return linear(a, q + "attn_" + m).view({n, s, heads_, dh}).transpose(1, 2); };
      auto scores = torch::matmul(split("q"), split("k").transpose(-2, -1)) * (1.0 / std::sqrt(static_cast<double>(dh)));
      auto context = torch::matmul(torch::softmax(scores, -1), split("v")).transpose(1, 2).reshape({n, s, d_});
      t = t + linear(context, q + "attn_out");
      t = t + linear(torch::relu(linear(ln(t, q + "ln2"), q + "ffn_1")), q + "ffn_2");
    }
    t = ln(t, "final_ln");
    auto logits = linear(torch::cat({t.mean(1), std::get<0>(t.max(1))}, 1), "cls");
    auto g = linear(t, "heat")  // [N, S, u·u·k] → [N, gh, gw, u, u, k] → [N, k, gh, u, gw, u] → [N, k, gh·u, gw·u]
                 .view({n, grid_h_, grid_w_, upscale_, upscale_, kHeatChannels})
                 .permute({0, 5, 1, 3, 2, 4})
                 .reshape({n, kHeatChannels, grid_h_ * upscale_, grid_w_ * upscale_});
    auto heat = torch::relu(torch::conv2d(torch::cat({g, f}, 1), p("head1_weight"), p("head1_bias"), 1, 1));
    heat = torch::conv2d(heat, p("head2_weight"), p("head2_bias")).squeeze(1);
    return {logits, heat};
  }

 private:
  torch::Tensor p(const std::string& name) { return named_parameters(false)[name]; }

  /** A bias-free conv (conv1 of the clip model in 3-D, time kernel 3) and its BatchNorm. */
  void conv(const std::string& name, int64_t in, int64_t out, int64_t k, bool three_d) {
    std::vector<int64_t> shape = {out, in};
    if (three_d) shape.push_back(3);
    shape.push_back(k), shape.push_back(k);
    auto w = torch::empty(shape);
    torch::nn::init::kaiming_normal_(w, 0.0, torch::kFanOut, torch::kReLU);
    register_parameter(name + "_weight", w);
    ones(name + "_bn_weight", out), zeros(name + "_bn_bias", out);
    register_buffer(name + "_bn_mean", torch::zeros({out}));
    register_buffer(name + "_bn_var", torch::ones({out}));
  }

  /** Conv (spatial stride 2, pad 1; in 3-D time stride 1, no time pad) → BatchNorm → ReLU. */
  torch::Tensor block(const std::string& name, const torch::Tensor& x, bool three_d) {
    auto w = p(name + "_weight");
    auto y = three_d ? torch::conv3d(x, w, {}, {1, 2, 2}, {0, 1, 1}) : torch::conv2d(x, w, {}, {2, 2}, {1, 1});
    auto buffers = named_buffers(false);
    y = torch::batch_norm(y, p(name + "_bn_weight"), p(name + "_bn_bias"), buffers[name + "_bn_mean"], buffers[name + "_bn_var"],
                          is_training(), kBnMomentum, kBnEpsilon, false);
    return torch::relu(y);
  }

  /** A conv with bias (the heatmap decoder), He-initialised. */
  void head(const std::string& name, int64_t in, int64_t out, int64_t k) {
    auto w = torch::empty({out, in, k, k});
    torch::nn::init::kaiming_normal_(w, 0.0, torch::kFanIn, torch::kReLU);
    register_parameter(name + "_weight", w);
    zeros(name + "_bias", out);
  }

  torch::Tensor linear(const torch::Tensor& x, const std::string& name) { return torch::matmul(x, p(name + "_weight")) + p(name + "_bias"); }
  torch::Tensor ln(const torch::Tensor& x, const std::string& name) {
    return torch::layer_norm(x, {d_}, p(name + "_weight"), p(name + "_bias"), kLnEpsilon);
  }
  void matrix(const std::string& name, int64_t in, int64_t out) {
    const double bound = std::sqrt(6.0 / static_cast<double>(in + out));  // Xavier uniform
    register_parameter(name, torch::empty({in, out}).uniform_(-bound, bound));
  }
  void zeros(const std::string& name, int64_t size) { register_parameter(name, torch::zeros({size})); }
  void ones(const std::string& name, int64_t size) { register_parameter(name, torch::ones({size})); }

  bool temporal_;
  int64_t d_, heads_, layers_, upscale_, grid_h_, grid_w_;
};

/**
 * 1 − soft Dice between heatmap and target, averaged over the clips with a defect (OK clips have no
 * box to overlap). BCE alone learns the expected coverage, which blurs a box's edges by the model's
 * doubt about them; the overlap term rewards committing to one box, which is what IoU scores.
 */
torch::Tensor soft_dice(const torch::Tensor& prob, const torch::Tensor& target) {
  const auto mass = target.sum({1, 2});
  const auto dice = 2 * (prob * target).sum({1, 2}) / (prob.sum({1, 2}) + mass + 1e-6);
  const auto has_box = (mass > 0).to(torch::kFloat32);
  return ((1 - dice) * has_box).sum() / has_box.sum().clamp_min(1);
}

/** Model input of clips u8 [B, L, H, W]: the clip, or its last frame for the baseline. */
torch::Tensor input_of(const torch::Tensor& clips, bool temporal) {
  auto x = clips.to(torch::kFloat32).div_(255.0f);
  return temporal ? x.unsqueeze(1) : x.select(1, x.size(1) - 1).unsqueeze(1);
}

void predict(ClipModel& model, const torch::Tensor& clips, bool temporal, const std::string& out) {
  torch::NoGradGuard no_grad;
  model.eval();
  std::vector<torch::Tensor> logits, heat;
  for (int64_t start = 0; start < clips.size(0); start += 64) {
    auto [l, h] = model.forward(input_of(clips.slice(0, start, std::min(start + 64, clips.size(0))), temporal));
    logits.push_back(l);
    heat.push_back(torch::sigmoid(h));
  }
  write_floats(out + "/eval-logits.bin", torch::cat(logits));
  write_floats(out + "/eval-heatmaps.bin", torch::cat(heat));
}

void write_manifest(const Options& o, ClipModel& model, int64_t total_steps, double seconds, double final_loss) {
  std::ostringstream json;
  json << "{\n  \"format\": \"clip-train/2\",\n";
  json << "  \"model\": {\"kind\": \"" << o.model << "\", \"frames\": " << o.frames << ", \"height\": " << o.height << ", \"width\": " << o.width
       << ", \"classes\": " << o.classes << ", \"c1\": " << o.c1 << ", \"c2\": " << o.c2 << ", \"dModel\": " << o.d_model << ", \"heads\": " << o.heads
       << ", \"ffn\": " << o.ffn << ", \"layers\": " << o.layers << ", \"upscale\": " << o.upscale << ", \"batchNormEpsilon\": " << kBnEpsilon
       << ", \"layerNormEpsilon\": " << kLnEpsilon << "},\n";
  json << "  \"training\": {\"clips\": " << o.n << ", \"epochs\": " << o.epochs << ", \"batch\": " << o.batch << ", \"lr\": " << o.lr
       << ", \"heatWeight\": " << o.heat_weight << ", \"heatPosWeight\": " << o.heat_pos_weight
       << ", \"heatDiceWeight\": " << o.heat_dice_weight << ", \"seed\": " << o.seed
       << ", \"threads\": " << o.threads << ", \"steps\": " << total_steps << ", \"seconds\": " << seconds << ", \"finalLoss\": " << final_loss
       << "},\n";
  json << "  \"tensors\": [\n";
  int64_t offset = 0;
  bool first = true;
  auto list = [&](const torch::OrderedDict<std::string, torch::Tensor>& tensors) {
    for (const auto& item : tensors) {
      json << (first ? "" : ",\n") << "    {\"name\": \"" << item.key() << "\", \"shape\": [";
      for (int64_t i = 0; i < item.value().dim(); ++i) json << (i ? ", " : "") << item.value().size(i);
      json << "], \"offset\": " << offset << "}";
      offset += item.value().numel();
      first = false;
    }
  };
  list(model.named_parameters());
  list(model.named_buffers());
  json << "\n  ]\n}\n";
  std::ofstream out(o.out + "/manifest.json");
  out << json.str();
  if (!out) throw std::runtime_error("cannot write " + o.out + "/manifest.json");
}

void run(const Options& o) {
  torch::set_num_threads(static_cast<int>(o.threads));
  torch::manual_seed(o.seed);
  const bool temporal = o.model == "clip";
  const auto clips = read_tensor(o.data, o.n * o.frames * o.height * o.width, {o.n, o.frames, o.height, o.width}, torch::kUInt8);
  const auto labels = read_tensor(o.labels, o.n, {o.n}, torch::kUInt8).to(torch::kLong);
  if ((labels >= o.classes).any().item<bool>()) throw UsageError(o.labels + " holds a class index >= --classes");
  const int64_t hh = o.height / 8 * o.upscale, hw = o.width / 8 * o.upscale;
  const auto targets = read_tensor(o.heatmaps, o.n * hh * hw, {o.n, hh, hw}, torch::kFloat32);
  if (((targets < 0) | (targets > 1)).any().item<bool>()) throw UsageError(o.heatmaps + " holds a value outside [0, 1]");

  ClipModel model(o);
  torch::optim::Adam optimizer(model.parameters(), torch::optim::AdamOptions(o.lr));
  const auto pos_weight = torch::full({1}, o.heat_pos_weight);
  const int64_t per_epoch = (o.n + o.batch - 1) / o.batch;
  const int64_t total = per_epoch * o.epochs;
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
  double last_report = 0, epoch_loss = 0;
  int64_t done = 0;

  model.train();
  for (int64_t epoch = 1; epoch <= o.epochs; ++epoch) {
    const auto order = torch::randperm(o.n, torch::kLong);
    double loss_sum = 0;
    for (int64_t b = 0; b < per_epoch; ++b) {
      const double lr = o.lr * 0.5 * (1.0 + std::cos(M_PI * static_cast<double>(done) / static_cast<double>(total)));
      for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
      const auto idx = order.slice(0, b * o.batch, std::min((b + 1) * o.batch, o.n));
      auto [logits, heat] = model.forward(input_of(clips.index_select(0, idx), temporal));
      const auto target = targets.index_select(0, idx);
      auto loss = torch::cross_entropy_loss(logits, labels.index_select(0, idx)) +
                  o.heat_weight * torch::binary_cross_entropy_with_logits(heat, target, {}, pos_weight);
      if (o.heat_dice_weight > 0) loss = loss + o.heat_dice_weight * soft_dice(torch::sigmoid(heat), target);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      loss_sum += loss.item<double>();
      ++done;
      const double now = elapsed();
      if (now - last_report >= 2.0 || b + 1 == per_epoch) {
        std::printf("epoch %lld/%lld step %lld/%lld loss %.5f steps/s %.2f\n", static_cast<long long>(epoch), static_cast<long long>(o.epochs),
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
  auto dump = [&](const torch::Tensor& t) {
    auto flat = t.detach().contiguous();
    weights.write(reinterpret_cast<const char*>(flat.data_ptr<float>()), flat.numel() * 4);
  };
  for (const auto& item : model.named_parameters()) dump(item.value());
  for (const auto& item : model.named_buffers()) dump(item.value());
  weights.close();
  if (!weights) throw std::runtime_error("cannot write " + o.out + "/weights.bin");
  write_manifest(o, model, total, seconds, epoch_loss);

  if (!o.eval.empty()) {
    predict(model, read_tensor(o.eval, o.eval_n * o.frames * o.height * o.width, {o.eval_n, o.frames, o.height, o.width}, torch::kUInt8),
            temporal, o.out);
  }
  std::printf("done steps %lld seconds %.3f steps/s %.2f loss %.5f\n", static_cast<long long>(total), seconds,
              static_cast<double>(total) / seconds, epoch_loss);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    run(parse(argc, argv));
    return 0;
  } catch (const UsageError& error) {
    std::fprintf(stderr, "clip-train: %s\n", error.what());
    return 2;
  } catch (const c10::Error& error) {
    std::fprintf(stderr, "clip-train: %s\n", error.what_without_backtrace());
    return 1;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "clip-train: %s\n", error.what());
    return 1;
  }
}
