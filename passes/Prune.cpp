//===- Prune.cpp - Remove synapses that carry no weight -------------------===//
//
// Any level, unchanged. Invariant kept: the network computes the same thing
// (only synapses that add zero are removed), and every per-synapse array of
// a projection stays the same length.
//===----------------------------------------------------------------------===//
#include "passes/Prune.h"

#include "passes/KeepSynapses.h"
#include "passes/PassContext.h"

#include "llvm/ADT/BitVector.h"

namespace axon::passes {

llvm::Error PrunePass::run(ir::Graph &g, PassContext &ctx) {
  bool integerWeights = ir::atLeast(g.level, ir::IRLevel::Quantised);
  uint64_t removed = 0, quantisedToZero = 0, sparsified = 0, emptied = 0;
  std::vector<ir::Projection> kept;
  kept.reserve(g.projections.size());
  for (ir::Projection &p : g.projections) {
    size_t n = p.numSynapses();
    llvm::BitVector keep(n, true);
    for (size_t k = 0; k < n; ++k) {
      if (p.weights[k] == 0.0f) {
        keep.reset(k);
      } else if (integerWeights && p.weightsInt[k] == 0) {
        keep.reset(k);
        ++quantisedToZero;
      }
    }
    bool wasSparse = p.connectivity == ir::Connectivity::Sparse;
    size_t gone = keepSynapses(p, *g.sizeOf(p.target), keep);
    removed += gone;
    if (gone > 0 && !wasSparse)
      ++sparsified;
    // Remove only projections this pass emptied; one that had no synapses
    // to begin with is the user's to keep.
    if (gone > 0 && p.numSynapses() == 0) {
      ++emptied;
      continue;
    }
    kept.push_back(std::move(p));
  }
  g.projections = std::move(kept);

  PassStatistics stats = ctx.statistics().forPass(name());
  stats.add("synapses-removed", "zero-weight synapses removed", removed);
  stats.add("synapses-quantised-to-zero",
            "of those, removed because the integer weight is zero",
            quantisedToZero);
  stats.add("projections-sparsified",
            "DENSE/ONE_TO_ONE projections made "
            "SPARSE",
            sparsified);
  stats.add("projections-removed", "projections left without synapses",
            emptied);
  return llvm::Error::success();
}

} // namespace axon::passes
