// sequence_model_emulate.cc: the CUDA kernel's forward pass run on the CPU, block by block.
//
// Why: this machine class (CI) has nvcc but no GPU. The kernel body is device::ForwardBlock
// (sequence_model_device.h); here its executor is a plain loop over each phase's elements instead
// of the block's threads plus __syncthreads(), over a workspace laid out exactly as the kernel's
// shared memory (rows_per_block rows per block, the last block partial). CPU specs compare it with
// the twin at several rows-per-block settings; only thread striding, the barriers and the launch
// itself are left to the GPU spec. Test-only and single-threaded.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "ops/sequence_model/sequence_model.h"
#include "ops/sequence_model/sequence_model_device.h"

namespace vigil::sequence_model {

Status SequenceModelEmulated(const Model& model, const Params& p, const Outputs& out) {
  const int per_block = p.launch.rows_per_block;
  if (per_block < 1 || per_block > 16) return Status::Error("rowsPerBlock must be in [1, 16]");
  const Dims& m = model.dims;
  const size_t row_size = static_cast<size_t>(m.row_size());
  std::vector<int> ints(static_cast<size_t>(device::RowInts(m)) * per_block);
  std::vector<float> floats(static_cast<size_t>(device::RowFloats(m)) * per_block);
  for (int64_t first = 0; first < p.rows; first += per_block) {
    const int rows = static_cast<int>(std::min<int64_t>(per_block, p.rows - first));
    device::BlockArgs args{m,
                           model.layout,
                           model.constants,
                           model.weights.data(),
                           p.sequences + first * row_size,
                           ints.data(),
                           floats.data(),
                           out.logit + first,
                           out.score + first};
    // Poison the workspace between blocks, so a phase reading what it did not write shows.
    std::fill(ints.begin(), ints.end(), -1);
    std::fill(floats.begin(), floats.end(), 1e30f);
    device::ForwardBlock(args, [rows](int per_row, auto fn) {
      for (int r = 0; r < rows; ++r) {
        for (int e = 0; e < per_row; ++e) fn(r, e);
      }
    });
  }
  return Status::Ok();
}

}  // namespace vigil::sequence_model
