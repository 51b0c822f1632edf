//===- KeepSynapses.h - Remove synapses from a projection -------*- C++ -*-===//
//
// The one edit that several passes make to a projection (prune drops
// zero weights, delay-lines moves long delays to relay projections): keep
// a subset of its synapses, with every per-synapse array filtered alike.
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Graph.h"

#include "llvm/ADT/BitVector.h"

#include <cstddef>
#include <cstdint>

namespace axon::passes {

/// Keeps the synapses k of `p` with keep[k] set, in their order, and
/// returns how many were removed. When any is removed, a DENSE or
/// ONE_TO_ONE projection becomes SPARSE (its connectivity can no longer
/// express the subset) and gets explicit pre/post indices. `postSize` is
/// the size of the projection's target (DENSE index arithmetic).
/// keep.size() must equal p.numSynapses().
size_t keepSynapses(ir::Projection &p, uint32_t postSize,
                    const llvm::BitVector &keep);

} // namespace axon::passes
