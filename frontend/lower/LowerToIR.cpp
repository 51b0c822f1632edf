//===- LowerToIR.cpp - A trained network as a FLOAT-level graph -----------===//
#include "frontend/lower/LowerToIR.h"

#include "frontend/eventprop/NeuronUpdate.h"
#include "frontend/model/ModelDescription.h"
#include "ir/Diagnostics.h"
#include "ir/Verifier.h"

#include <cmath>
#include <google/protobuf/text_format.h>

namespace axon::lower {
namespace {

ir::Decoding decodingFor(eventprop::LossKind loss) {
  switch (loss) {
  case eventprop::LossKind::SumExpWeighted:
    return ir::Decoding::ExpWeightedVoltage;
  case eventprop::LossKind::SumLinearWeighted:
    return ir::Decoding::LinearWeightedVoltage;
  case eventprop::LossKind::Sum:
    return ir::Decoding::MeanVoltage;
  case eventprop::LossKind::MaxVoltage:
    return ir::Decoding::MaxVoltage;
  case eventprop::LossKind::FirstSpike:
    return ir::Decoding::FirstSpike;
  }
  return ir::Decoding::MaxVoltage;
}

std::string sourceName(const eventprop::NetworkDesc &net, uint32_t pre) {
  return pre == 0 ? kInputName : net.layers[pre - 1].name;
}

} // namespace

llvm::Expected<ir::Graph> lowerCheckpoint(const train::Checkpoint &c,
                                          llvm::StringRef location) {
  const model::Model &m = c.model();
  llvm::Expected<eventprop::NetworkDesc> netOr = model::buildNetwork(
      m, c.num_inputs(), c.num_classes(), c.duration_ms(), location);
  if (!netOr)
    return netOr.takeError();
  const eventprop::NetworkDesc &net = *netOr;
  eventprop::ParameterLayout layout = eventprop::ParameterLayout::of(net);
  const auto &params = c.best_params_size() ? c.best_params() : c.params();
  if (uint64_t(params.size()) != layout.total)
    return makeError(location.str(),
                     "checkpoint: {} parameters, the model needs {}",
                     params.size(), layout.total);

  ir::Graph g;
  g.name = m.name();
  g.level = ir::IRLevel::Float;
  g.dtMs = net.dt;
  g.inputs.push_back({kInputName, net.inputSize, {}});
  for (const eventprop::LayerDesc &l : net.layers) {
    ir::Population p;
    p.name = l.name;
    p.size = l.size;
    p.kind = l.kind == eventprop::NeuronKind::LIF
                 ? ir::NeuronKind::CubaLIF
                 : ir::NeuronKind::LeakyIntegrator;
    p.params.tauMemMs = l.tauMem;
    p.params.tauSynMs = l.tauSyn;
    p.params.threshold = l.threshold;
    p.params.reset = l.reset;
    g.populations.push_back(std::move(p));
  }
  for (size_t k = 0; k < net.projections.size(); ++k) {
    const eventprop::ProjectionDesc &d = net.projections[k];
    const eventprop::ParameterLayout::Range &r = layout.projections[k];
    ir::Projection p;
    p.name = d.name;
    p.source = sourceName(net, d.pre);
    p.target = net.layers[d.post].name;
    p.connectivity = ir::Connectivity::Dense;
    p.weights.assign(params.begin() + r.weightOffset,
                     params.begin() + r.weightOffset + r.count);
    // The delays the time-stepped engine realised, so that hardware and the
    // trained model deliver spikes at the same steps.
    bool anyDelay = false;
    p.delaysMs.resize(r.count);
    for (uint64_t i = 0; i < r.count; ++i) {
      uint32_t steps = eventprop::roundedDelay(params[r.delayOffset + i],
                                               d.maxDelaySteps);
      p.delaysMs[i] = float(steps * net.dt);
      anyDelay |= steps != 0;
    }
    if (!anyDelay)
      p.delaysMs.clear();
    g.projections.push_back(std::move(p));
  }
  g.outputs.push_back(
      {net.layers.back().name, decodingFor(net.loss.kind), {}});
  g.provenance.producer = "axon 0.1 (EventProp)";
  google::protobuf::TextFormat::PrintToString(m, &g.provenance.trainingConfig);
  g.provenance.dataset = c.dataset_name();
  g.provenance.accuracy = std::max(0.0, c.test_accuracy());
  g.provenance.extra["epochs"] = std::to_string(c.epochs_done());
  g.provenance.extra["seed"] = std::to_string(m.seed());
  g.provenance.extra["trial_ms"] = fmt::format("{}", net.numSteps * net.dt);
  if (llvm::Error err = ir::verifyGraph(g, location))
    return err;
  return g;
}

} // namespace axon::lower
