//===- KeepSynapses.cpp - Remove synapses from a projection ---------------===//
#include "passes/KeepSynapses.h"

#include <cassert>
#include <tuple>
#include <vector>

namespace axon::passes {
namespace {

/// Keeps the entries of `values` whose index is set in `keep`. An empty
/// array (an optional field that is absent) stays empty.
template <typename T>
void filter(std::vector<T> &values, const llvm::BitVector &keep) {
  if (values.empty())
    return;
  assert(values.size() == keep.size() && "one flag per synapse");
  size_t out = 0;
  for (size_t k = 0; k < values.size(); ++k)
    if (keep[k])
      values[out++] = values[k];
  values.resize(out);
}

} // namespace

size_t keepSynapses(ir::Projection &p, uint32_t postSize,
                    const llvm::BitVector &keep) {
  size_t n = p.numSynapses();
  assert(keep.size() == n && "one flag per synapse");
  size_t removed = n - keep.count();
  if (removed == 0)
    return 0;
  if (p.connectivity != ir::Connectivity::Sparse) {
    p.pre.resize(n);
    p.post.resize(n);
    for (size_t k = 0; k < n; ++k)
      std::tie(p.pre[k], p.post[k]) = ir::synapseEnds(p, postSize, k);
    p.connectivity = ir::Connectivity::Sparse;
  }
  filter(p.pre, keep);
  filter(p.post, keep);
  filter(p.weights, keep);
  filter(p.delaysMs, keep);
  filter(p.delaySteps, keep);
  filter(p.weightsInt, keep);
  return removed;
}

} // namespace axon::passes
