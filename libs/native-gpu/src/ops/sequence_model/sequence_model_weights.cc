// sequence_model_weights.cc: packs the model's tensors into the blob every backend reads (see
// PackedLayout in sequence_model.h).
#include <algorithm>
#include <cstring>
#include <string>

#include "ops/sequence_model/sequence_model.h"

namespace vigil::sequence_model {

size_t TensorSize(const Dims& m, Tensor t) {
  const size_t d = static_cast<size_t>(m.model);
  switch (t) {
    case kInputWeight: return static_cast<size_t>(m.channels) * d;
    case kPos: return static_cast<size_t>(m.steps) * d;
    case kQWeight:
    case kKWeight:
    case kVWeight:
    case kOutWeight: return d * d;
    case kFfn1Weight:
    case kFfn2Weight: return d * static_cast<size_t>(m.ffn);
    case kFfn1Bias: return static_cast<size_t>(m.ffn);
    case kHeadBias: return 1;
    case kInputBias:
    case kQBias:
    case kKBias:
    case kVBias:
    case kOutBias:
    case kLn1Weight:
    case kLn1Bias:
    case kFfn2Bias:
    case kLn2Weight:
    case kLn2Bias:
    case kHeadWeight: return d;
    case kNumTensors: break;
  }
  return 0;
}

Status BuildModel(const Dims& dims, const Constants& constants, const float* const* tensors,
                  Model* model) {
  const Dims& m = dims;
  if (m.steps < 1 || m.steps > kMaxSteps || m.channels < 1 || m.channels > kMaxChannels ||
      m.model < 1 || m.model > kMaxModel || m.ffn < 1 || m.ffn > kMaxFfn || m.heads < 1 ||
      m.model % m.heads != 0 || m.mask_channel < 0 || m.mask_channel >= m.channels) {
    return Status::Error("architecture out of bounds (steps <= " + std::to_string(kMaxSteps) +
                         ", channels <= " + std::to_string(kMaxChannels) + ", dModel <= " +
                         std::to_string(kMaxModel) + ", ffn <= " + std::to_string(kMaxFfn) +
                         ", heads dividing dModel)");
  }
  model->dims = m;
  model->constants = constants;
  model->layout = MakeLayout(m);
  const PackedLayout& l = model->layout;
  model->weights.assign(static_cast<size_t>(l.total), 0.0f);
  float* blob = model->weights.data();
  auto copy = [&](Tensor t, int offset) {
    std::memcpy(blob + offset, tensors[t], TensorSize(m, t) * sizeof(float));
  };
  copy(kInputWeight, l.w_in);
  copy(kInputBias, l.b_in);
  copy(kPos, l.pos);
  // W_qkv [d][3d]: row i is q's row i, then k's, then v's.
  const int d = m.model;
  const Tensor qkv_weights[] = {kQWeight, kKWeight, kVWeight};
  const Tensor qkv_biases[] = {kQBias, kKBias, kVBias};
  for (int part = 0; part < 3; ++part) {
    const float* src = tensors[qkv_weights[part]];
    for (int i = 0; i < d; ++i) {
      std::copy(src + i * d, src + (i + 1) * d, blob + l.w_qkv + i * 3 * d + part * d);
    }
    std::copy(tensors[qkv_biases[part]], tensors[qkv_biases[part]] + d, blob + l.b_qkv + part * d);
  }
  copy(kOutWeight, l.w_o);
  copy(kOutBias, l.b_o);
  copy(kLn1Weight, l.ln1_g);
  copy(kLn1Bias, l.ln1_b);
  copy(kFfn1Weight, l.w_1);
  copy(kFfn1Bias, l.b_1);
  copy(kFfn2Weight, l.w_2);
  copy(kFfn2Bias, l.b_2);
  copy(kLn2Weight, l.ln2_g);
  copy(kLn2Bias, l.ln2_b);
  copy(kHeadWeight, l.w_head);
  copy(kHeadBias, l.b_head);
  return Status::Ok();
}

}  // namespace vigil::sequence_model
