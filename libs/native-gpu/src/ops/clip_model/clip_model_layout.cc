// clip_model_layout.cc: where each tensor sits in the weight blob (see Layout in clip_model.h).
#include "ops/clip_model/clip_model.h"

namespace vigil::clip_model {

const char* CheckDims(const Dims& m) {
  if (m.frames < kTimeKernel || m.frames > 64) return "frames must be in [3, 64]";
  if (m.height < 8 || m.width < 8 || m.height % 8 != 0 || m.width % 8 != 0 || m.height > 1024 ||
      m.width > 1024) {
    return "height and width must be multiples of 8 in [8, 1024]";
  }
  if (m.classes < 1 || m.classes > 1024 || m.c1 < 1 || m.c1 > 1024 || m.c2 < 1 || m.c2 > 1024 ||
      m.ffn < 1 || m.ffn > 4096 || m.layers < 0 || m.layers > 64 || m.hidden < 1 ||
      m.hidden > 1024 || m.heat < 1 || m.heat > 1024) {
    return "channel counts out of bounds";
  }
  if (m.model < 1 || m.model > kMaxModel || m.heads < 1 || m.model % m.heads != 0) {
    return "dModel must be in [1, 256] and divisible by heads";
  }
  if (m.tokens() > kMaxTokens) return "at most 256 tokens (H/8 · W/8)";
  if (m.upscale != 4) return "upscale must be 4 (the heatmap is conv1's H/2 × W/2 grid)";
  return "";
}

Layout MakeLayout(const Dims& m) {
  Layout l{};
  size_t at = 0;
  auto take = [&at](size_t n) {
    const size_t start = at;
    at += n;
    return start;
  };
  const size_t d = static_cast<size_t>(m.model);
  const size_t f = static_cast<size_t>(m.features());
  l.conv1_w = take(static_cast<size_t>(m.c1) * kTimeKernel * 16);
  l.conv1_b = take(m.c1);
  l.conv2_w = take(static_cast<size_t>(m.c2) * f * 9);
  l.conv2_b = take(m.c2);
  l.conv3_w = take(d * m.c2 * 9);
  l.conv3_b = take(d);
  l.pos = take(static_cast<size_t>(m.tokens()) * d);
  for (int i = 0; i < m.layers; ++i) {
    LayerLayout y{};
    y.ln1_g = take(d);
    y.ln1_b = take(d);
    y.w_q = take(d * d);
    y.b_q = take(d);
    y.w_k = take(d * d);
    y.b_k = take(d);
    y.w_v = take(d * d);
    y.b_v = take(d);
    y.w_o = take(d * d);
    y.b_o = take(d);
    y.ln2_g = take(d);
    y.ln2_b = take(d);
    y.w_1 = take(d * m.ffn);
    y.b_1 = take(m.ffn);
    y.w_2 = take(static_cast<size_t>(m.ffn) * d);
    y.b_2 = take(d);
    l.layers.push_back(y);
  }
  l.final_g = take(d);
  l.final_b = take(d);
  l.cls_w = take(2 * d * m.classes);
  l.cls_b = take(m.classes);
  const size_t cell_values = static_cast<size_t>(m.upscale) * m.upscale * m.heat;
  l.heat_w = take(d * cell_values);
  l.heat_b = take(cell_values);
  l.head1_w = take(static_cast<size_t>(m.hidden) * (m.heat + f) * 9);
  l.head1_b = take(m.hidden);
  l.head2_w = take(m.hidden);
  l.head2_b = take(1);
  l.total = at;
  return l;
}

}  // namespace vigil::clip_model
