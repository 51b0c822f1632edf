//===- Emission.cpp - Placement and keys resolved for the table builders --===//
#include "backends/loihi/Emission.h"

#include "ir/Diagnostics.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cassert>

namespace axon::backends::loihi {

std::optional<uint32_t> EmissionContext::coreIndex(uint32_t chip,
                                                   uint32_t core) const {
  uint64_t id =
      uint64_t(chip) * desc.data().resources().cores_per_chip() + core;
  auto it = llvm::lower_bound(coreIds, id);
  if (it == coreIds.end() || *it != id)
    return std::nullopt;
  return static_cast<uint32_t>(it - coreIds.begin());
}

const std::vector<uint32_t> &
EmissionContext::sourceKeys(llvm::StringRef name) const {
  std::optional<ir::NodeRef> node = graph.findNode(name);
  assert(node && "the verifier checked every projection's source");
  return node->kind == ir::NodeRef::Kind::Input ? inputKeys[node->index]
                                                : populationKeys[node->index];
}

uint32_t maxDelayField(const target::TargetDescription &desc) {
  const auto &d = desc.data().delays();
  uint64_t fieldMax =
      (uint64_t(1) << std::min<uint32_t>(d.delay_bits(), 32)) - 1;
  return static_cast<uint32_t>(
      std::min<uint64_t>(d.max_on_core_steps(), fieldMax));
}

llvm::Expected<EmissionContext>
resolvePlacement(const ir::Graph &g, const target::TargetDescription &desc) {
  llvm::Expected<passes::KeyAssignment> keys =
      passes::assignKeys(g, desc, /*file=*/"");
  if (!keys)
    return keys.takeError();
  EmissionContext ctx{g, desc, std::move(*keys), {}, {}, {}, {}};
  uint32_t coresPerChip = desc.data().resources().cores_per_chip();

  for (const ir::Population &p : g.populations)
    for (uint32_t i = 0; i < p.size; ++i)
      ctx.coreIds.push_back(uint64_t(p.placement.chip[i]) * coresPerChip +
                            p.placement.core[i]);
  llvm::sort(ctx.coreIds);
  ctx.coreIds.erase(std::unique(ctx.coreIds.begin(), ctx.coreIds.end()),
                    ctx.coreIds.end());
  for (const ir::Population &p : g.populations) {
    std::vector<uint32_t> &cores = ctx.coreOf.emplace_back(p.size);
    for (uint32_t i = 0; i < p.size; ++i)
      cores[i] = *ctx.coreIndex(p.placement.chip[i], p.placement.core[i]);
  }

  // Keys by node and neuron; assignKeys lists every neuron of every node.
  for (const ir::InputPopulation &in : g.inputs)
    ctx.inputKeys.emplace_back(in.size);
  for (const ir::Population &p : g.populations)
    ctx.populationKeys.emplace_back(p.size);
  for (const passes::SourceSlice &s : ctx.keys.slices) {
    std::optional<ir::NodeRef> node = g.findNode(s.node);
    assert(node && "assignKeys names graph nodes");
    std::vector<uint32_t> &keys = node->kind == ir::NodeRef::Kind::Input
                                      ? ctx.inputKeys[node->index]
                                      : ctx.populationKeys[node->index];
    for (auto [neuron, key] : llvm::zip(s.neurons, s.keys))
      keys[neuron] = key;
  }
  return ctx;
}

} // namespace axon::backends::loihi
