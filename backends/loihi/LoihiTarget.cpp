//===- LoihiTarget.cpp - The Loihi-like emitter: checks and files ---------===//
//
// Checks what the whole emission relies on (level, description hash, a
// valid graph, axon-map routing), resolves the placement once and lets
// each table builder fill its part (Emission.h), then writes the files.
//===----------------------------------------------------------------------===//
#include "backends/loihi/LoihiTarget.h"

#include "backends/loihi/Emission.h"

#include "ir/Diagnostics.h"
#include "ir/Format.h"
#include "ir/Verifier.h"

#include <google/protobuf/text_format.h>

namespace axon::backends {

std::unique_ptr<Target> createLoihiTarget() {
  return std::make_unique<loihi::LoihiTarget>();
}

namespace loihi {
namespace {

/// The description's costs, with the real-time budget of the chip's tick
/// (`tickMs`, the graph's dt: it may be shorter than the description's).
target::proto::Costs costTable(const target::TargetDescription &desc,
                               double tickMs) {
  target::proto::Costs t = desc.data().costs();
  t.set_cycles_per_step_budget(desc.cyclesPerTickBudget(tickMs));
  return t;
}

} // namespace

llvm::Expected<proto::LoihiConfig>
buildLoihiConfig(const ir::Graph &g, const target::TargetDescription &desc) {
  std::string where = fmt::format("graph '{}'", g.name);
  if (g.level != ir::IRLevel::Placed)
    return makeError(where,
                     "level {}: the Loihi-like emitter needs a PLACED graph "
                     "(run partition and route)",
                     g.level);
  if (g.target.descriptionHash != desc.hash())
    return makeError(
        where,
        "lowered for target '{}' with description hash '{}', but the "
        "description '{}' given to the emitter has hash '{}'",
        g.target.name, g.target.descriptionHash, desc.name(), desc.hash());
  const auto &res = desc.data().resources();
  if (res.routing_entries_per_chip() != 0)
    return makeError(where,
                     "target '{}' has routing_entries_per_chip = {}: the "
                     "Loihi-like emitter realises routing with axon maps and "
                     "needs 0",
                     desc.name(), res.routing_entries_per_chip());
  if (desc.data().weights().scheme() !=
      target::proto::WeightFormat::MANTISSA_EXPONENT)
    return makeError(where,
                     "target '{}': the Loihi-like emitter stores weights as "
                     "MANTISSA_EXPONENT",
                     desc.name());
  if (llvm::Error err = ir::verifyGraph(g))
    return err;

  llvm::Expected<EmissionContext> ctx = resolvePlacement(g, desc);
  if (!ctx)
    return ctx.takeError();
  proto::LoihiConfig config;
  config.set_version(kLoihiConfigVersion);
  config.set_name(g.name);
  config.set_dt_ms(g.dtMs);
  config.set_target_name(desc.name().str());
  config.set_target_hash(desc.hash());
  *config.mutable_format() = chipFormat(desc);
  *config.mutable_costs() = costTable(desc, g.dtMs);
  if (llvm::Error err = buildCoreTables(*ctx, config))
    return err;
  if (llvm::Error err = buildSynapseTables(*ctx, config))
    return err;
  if (llvm::Error err = buildAxonMaps(*ctx, config))
    return err;
  return config;
}

llvm::Expected<EmittedConfig>
LoihiTarget::emit(const ir::Graph &g,
                  const target::TargetDescription &desc) const {
  llvm::Expected<proto::LoihiConfig> config = buildLoihiConfig(g, desc);
  if (!config)
    return config.takeError();
  EmittedConfig out;
  out.report = formatResourceReport(g, *config, desc);
  out.files.push_back({"loihi.axoncfg", frameLoihiConfig(*config)});
  if (g.numSynapses() <= kMaxTextConfigSynapses) {
    std::string text;
    if (!google::protobuf::TextFormat::PrintToString(*config, &text))
      return makeError(fmt::format("graph '{}'", g.name),
                       "cannot print the configuration as protobuf text");
    out.files.push_back({"loihi.pbtxt", std::move(text)});
  }
  out.files.push_back({"report.txt", out.report});
  return out;
}

} // namespace loihi
} // namespace axon::backends
