//===- ModelDescription.cpp - Read and check a model to train -------------===//
#include "frontend/model/ModelDescription.h"

#include "ir/AtomicFile.h"
#include "ir/Diagnostics.h"
#include "ir/TextProto.h"

#include "llvm/ADT/StringMap.h"

#include <cmath>

namespace axon::model {
namespace {



bool positive(double v) { return v > 0 && std::isfinite(v); }
bool nonNegative(double v) { return v >= 0 && std::isfinite(v); }

eventprop::LossKind lossKind(proto::Loss::Kind k) {
  switch (k) {
  case proto::Loss::SUM_LINEAR_WEIGHTED:
    return eventprop::LossKind::SumLinearWeighted;
  case proto::Loss::SUM:
    return eventprop::LossKind::Sum;
  case proto::Loss::MAX_VOLTAGE:
    return eventprop::LossKind::MaxVoltage;
  case proto::Loss::FIRST_SPIKE:
    return eventprop::LossKind::FirstSpike;
  default:
    return eventprop::LossKind::SumExpWeighted;
  }
}

} // namespace

llvm::Expected<Model> parseModel(llvm::StringRef text,
                                 llvm::StringRef location) {
  Model m;
  if (llvm::Error err =
          parseTextProto(text, m, "model description", location))
    return err;
  return m;
}

llvm::Expected<Model> readModel(llvm::StringRef path) {
  llvm::Expected<std::string> text = readWholeFile(path);
  if (!text)
    return text.takeError();
  llvm::Expected<Model> m = parseModel(*text, path);
  if (!m)
    return m.takeError();
  applyDefaults(*m);
  if (llvm::Error err = validateModel(*m, path))
    return err;
  return m;
}

void applyDefaults(Model &m) {
  for (proto::Layer &l : *m.mutable_layers()) {
    if (l.kind() == proto::Layer::KIND_UNSPECIFIED)
      l.set_kind(proto::Layer::LIF);
    if (l.threshold() == 0 && l.kind() == proto::Layer::LIF)
      l.set_threshold(1.0);
  }
  proto::Optimiser &o = *m.mutable_optimiser();
  if (o.beta1() == 0)
    o.set_beta1(0.9);
  if (o.beta2() == 0)
    o.set_beta2(0.999);
  if (o.epsilon() == 0)
    o.set_epsilon(1e-8);
  if (o.lr_decay() == 0)
    o.set_lr_decay(1.0);
  if (o.ease_in_start() == 0)
    o.set_ease_in_start(1.0);
  if (o.ease_in_factor() == 0)
    o.set_ease_in_factor(1.0);
  if (m.loss().kind() == proto::Loss::KIND_UNSPECIFIED)
    m.mutable_loss()->set_kind(proto::Loss::SUM_EXP_WEIGHTED);
  proto::Loss &loss = *m.mutable_loss();
  if (loss.tau0_ms() == 0)
    loss.set_tau0_ms(0.5);
  if (loss.tau1_ms() == 0)
    loss.set_tau1_ms(6.4);
  if (m.batch_size() == 0)
    m.set_batch_size(32);
  if (m.epochs() == 0)
    m.set_epochs(1);
}

llvm::Error validateModel(const Model &m, llvm::StringRef location) {
  DiagnosticList diag;
  if (!positive(m.dt_ms()))
    diag.report("model", "dt_ms = {}: must be finite and > 0", m.dt_ms());
  if (!nonNegative(m.duration_ms()))
    diag.report("model", "duration_ms = {}: must be finite and >= 0",
                m.duration_ms());
  if (m.dataset().kind() == proto::Dataset::KIND_UNSPECIFIED)
    diag.report("dataset", "kind is not set: choose YIN_YANG, SEQUENCE, SHD "
                           "or SSC");
  const proto::Augmentation &aug = m.dataset().augmentation();
  if (!(aug.dropout() >= 0 && aug.dropout() < 1))
    diag.report("dataset.augmentation", "dropout = {}: must be in [0, 1)",
                aug.dropout());
  if (m.layers().empty())
    diag.report("model", "no layers: at least a readout layer is needed");

  llvm::StringMap<int> layerIndex;
  for (int i = 0; i < m.layers_size(); ++i) {
    const proto::Layer &l = m.layers(i);
    std::string loc = fmt::format("layer '{}'", l.name());
    if (l.name().empty() || l.name() == "input")
      diag.report(fmt::format("layer #{}", i),
                  "name = '{}': must be non-empty and not 'input'", l.name());
    else if (!layerIndex.try_emplace(l.name(), i).second)
      diag.report(loc, "name = '{}': layer names must be unique", l.name());
    if (l.size() == 0)
      diag.report(loc, "size = 0: must be > 0");
    if (!positive(l.tau_mem_ms()))
      diag.report(loc, "tau_mem_ms = {}: must be finite and > 0",
                  l.tau_mem_ms());
    if (!positive(l.tau_syn_ms()))
      diag.report(loc, "tau_syn_ms = {}: must be finite and > 0",
                  l.tau_syn_ms());
    if (l.kind() == proto::Layer::LIF && !(l.reset() < l.threshold()))
      diag.report(loc, "reset = {}: must be below threshold = {}", l.reset(),
                  l.threshold());
    bool last = i + 1 == m.layers_size();
    if (!last && l.kind() != proto::Layer::LIF)
      diag.report(loc, "kind = LEAKY_INTEGRATOR: only the readout (last "
                       "layer) may be non-spiking");
  }
  if (!m.layers().empty()) {
    const proto::Layer &readout = *m.layers().rbegin();
    bool spikingLoss = m.loss().kind() == proto::Loss::FIRST_SPIKE;
    bool spikingReadout = readout.kind() == proto::Layer::LIF;
    if (spikingLoss != spikingReadout)
      diag.report(fmt::format("layer '{}'", readout.name()),
                  "kind = {}: loss {} needs a {} readout",
                  spikingReadout ? "LIF" : "LEAKY_INTEGRATOR",
                  proto::Loss::Kind_Name(m.loss().kind()),
                  spikingLoss ? "spiking (LIF)" : "LEAKY_INTEGRATOR");
  }

  for (int i = 0; i < m.projections_size(); ++i) {
    const proto::Projection &p = m.projections(i);
    std::string loc = fmt::format("projection '{}'", p.name());
    if (p.source() != "input" && !layerIndex.count(p.source()))
      diag.report(loc, "source = '{}': not 'input' nor a layer name",
                  p.source());
    if (!layerIndex.count(p.target()))
      diag.report(loc, "target = '{}': not a layer name", p.target());
    if (!nonNegative(p.init().std()) || !std::isfinite(p.init().mean()))
      diag.report(loc, "init = (mean {}, std {}): must be finite, std >= 0",
                  p.init().mean(), p.init().std());
    const proto::Delays &d = p.delays();
    if (!nonNegative(d.max_ms()))
      diag.report(loc, "delays.max_ms = {}: must be finite and >= 0",
                  d.max_ms());
    if (!nonNegative(d.init_min_ms()) || !(d.init_max_ms() >= d.init_min_ms()))
      diag.report(loc,
                  "delays.init = [{}, {}] ms: must satisfy 0 <= min <= max",
                  d.init_min_ms(), d.init_max_ms());
    else if (d.init_max_ms() > d.max_ms())
      diag.report(loc, "delays.init_max_ms = {}: exceeds delays.max_ms = {}",
                  d.init_max_ms(), d.max_ms());
    if (!nonNegative(d.min_ms()) || d.min_ms() > d.max_ms())
      diag.report(loc, "delays.min_ms = {}: must be in [0, max_ms = {}]",
                  d.min_ms(), d.max_ms());
    else if (d.init_min_ms() < d.min_ms())
      diag.report(loc, "delays.init_min_ms = {}: below delays.min_ms = {}",
                  d.init_min_ms(), d.min_ms());
    if (d.learn() && d.max_ms() <= 0)
      diag.report(loc, "delays.learn is set but delays.max_ms = {}: learnable "
                       "delays need a maximum",
                  d.max_ms());
  }

  if (m.weight_bits() == 1 || m.weight_bits() > 24)
    diag.report("model", "weight_bits = {}: must be 0 (off) or in [2, 24]",
                m.weight_bits());

  const proto::Optimiser &o = m.optimiser();
  if (!positive(o.learning_rate()))
    diag.report("optimiser", "learning_rate = {}: must be finite and > 0",
                o.learning_rate());
  if (!nonNegative(o.delay_learning_rate()))
    diag.report("optimiser", "delay_learning_rate = {}: must be >= 0",
                o.delay_learning_rate());
  if (!(o.beta1() >= 0 && o.beta1() < 1) || !(o.beta2() >= 0 && o.beta2() < 1))
    diag.report("optimiser", "beta1 = {}, beta2 = {}: must be in [0, 1)",
                o.beta1(), o.beta2());
  if (!positive(o.lr_decay()) || !positive(o.ease_in_start()) ||
      !positive(o.ease_in_factor()))
    diag.report("optimiser", "lr_decay, ease_in_start and ease_in_factor "
                             "must be > 0");
  const proto::Regulariser &r = m.regulariser();
  if (!nonNegative(r.nu_upper()) || !nonNegative(r.lambda_upper()) ||
      !nonNegative(r.lambda_lower()))
    diag.report("regulariser", "nu_upper = {}, lambda_upper = {}, "
                               "lambda_lower = {}: must be finite and >= 0",
                r.nu_upper(), r.lambda_upper(), r.lambda_lower());
  if (!positive(m.loss().tau0_ms()) || !positive(m.loss().tau1_ms()))
    diag.report("loss", "tau0_ms = {}, tau1_ms = {}: must be > 0",
                m.loss().tau0_ms(), m.loss().tau1_ms());
  if (m.batch_size() == 0)
    diag.report("model", "batch_size = 0: must be > 0");
  return diag.takeError(location.str());
}

llvm::Expected<eventprop::NetworkDesc>
buildNetwork(const Model &m, uint32_t numInputs, uint32_t numClasses,
             double durationMs, llvm::StringRef location) {
  eventprop::NetworkDesc net;
  net.inputSize = numInputs;
  net.dt = m.dt_ms();
  double duration = m.duration_ms() > 0 ? m.duration_ms() : durationMs;
  net.numSteps = static_cast<uint32_t>(std::ceil(duration / net.dt - 1e-9));
  if (net.numSteps == 0)
    return makeError(location.str(), "model: duration {} ms at dt {} ms "
                                     "gives no time step",
                     duration, net.dt);
  llvm::StringMap<uint32_t> index;
  for (const proto::Layer &l : m.layers()) {
    eventprop::LayerDesc d;
    d.name = l.name();
    d.size = l.size();
    d.kind = l.kind() == proto::Layer::LEAKY_INTEGRATOR
                 ? eventprop::NeuronKind::LeakyIntegrator
                 : eventprop::NeuronKind::LIF;
    d.tauMem = l.tau_mem_ms();
    d.tauSyn = l.tau_syn_ms();
    d.threshold = l.threshold();
    d.reset = l.reset();
    index[l.name()] = static_cast<uint32_t>(net.layers.size());
    net.layers.push_back(d);
  }
  const eventprop::LayerDesc &readout = net.layers.back();
  if (readout.size != numClasses)
    return makeError(location.str(),
                     "layer '{}': size = {}: the readout needs one neuron "
                     "per class of the data set ({})",
                     readout.name, readout.size, numClasses);
  for (const proto::Projection &p : m.projections()) {
    eventprop::ProjectionDesc d;
    d.name = p.name();
    d.pre = p.source() == "input" ? 0 : index[p.source()] + 1;
    d.post = index[p.target()];
    d.learnWeights = !p.freeze_weights();
    d.learnDelays = p.delays().learn();
    d.maxDelaySteps =
        static_cast<uint32_t>(std::floor(p.delays().max_ms() / net.dt + 1e-9));
    d.minDelaySteps = std::min(
        d.maxDelaySteps,
        static_cast<uint32_t>(std::ceil(p.delays().min_ms() / net.dt - 1e-9)));
    net.projections.push_back(d);
  }
  const proto::Loss &l = m.loss();
  net.loss.kind = lossKind(l.kind());
  net.loss.tau0 = l.tau0_ms();
  net.loss.tau1 = l.tau1_ms();
  net.loss.alpha = l.alpha();
  net.regulariser.nuUpper = m.regulariser().nu_upper();
  net.regulariser.lambdaUpper = m.regulariser().lambda_upper();
  net.regulariser.lambdaLower = m.regulariser().lambda_lower();
  return net;
}

} // namespace axon::model
