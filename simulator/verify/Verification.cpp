//===- Verification.cpp - Does the chip do what the model does? -----------===//
#include "simulator/verify/Verification.h"

#include "backends/Target.h"
#include "ir/Diagnostics.h"
#include "ir/Format.h"
#include "passes/PassContext.h"
#include "passes/PassManager.h"
#include "passes/PassRegistry.h"
#include "simulator/CountersJson.h"
#include "simulator/Decode.h"
#include "simulator/Stimulus.h"
#include "simulator/metrics/MetricsReport.h"
#include "simulator/reference/ReferenceSimulator.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/JSON.h"

#include <fmt/format.h>

#include <cmath>

namespace axon::sim::verify {

namespace {

/// Integers from the first stage whose every weight and neuron has them.
bool hasIntegerModel(const ir::Graph &g) {
  if (g.level < ir::IRLevel::Quantised)
    return false;
  for (const ir::Projection &p : g.projections)
    if (p.weightsInt.size() != p.weights.size())
      return false;
  for (const ir::Population &p : g.populations)
    if (!(p.fixed.stateScale > 0))
      return false;
  return true;
}

reference::ReferenceOptions
referenceOptions(const ir::Graph &g, const target::TargetDescription *t) {
  reference::ReferenceOptions o;
  o.mode = hasIntegerModel(g) ? reference::ReferenceMode::Integer
                              : reference::ReferenceMode::Float;
  if (t) {
    const auto &nf = t->data().neurons();
    o.integer.decayRounding =
        nf.decay_rounding() == target::proto::TOWARD_ZERO
            ? reference::IntegerArithmetic::Rounding::TowardZero
            : reference::IntegerArithmetic::Rounding::Floor;
    o.integer.compare = nf.threshold_compare() == target::proto::GREATER
                            ? reference::IntegerArithmetic::Compare::Greater
                            : reference::IntegerArithmetic::Compare::GreaterEqual;
  }
  return o;
}

/// The graph without what placing and routing add: two stages with equal
/// numbers decide alike, so the later one need not be simulated.
ir::Graph numbersOnly(const ir::Graph &g) {
  ir::Graph copy = g;
  copy.level = hasIntegerModel(g) ? ir::IRLevel::Quantised : ir::IRLevel::Float;
  copy.routes.clear();
  for (ir::Population &p : copy.populations)
    p.placement = {};
  for (ir::InputPopulation &i : copy.inputs)
    i.placement = {};
  return copy;
}

/// First grid point where two spike trains differ and the lowest neuron
/// that differs there.
std::optional<std::pair<uint32_t, uint32_t>>
firstDifference(const std::vector<SpikeEvent> &a,
                const std::vector<SpikeEvent> &b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i])
    ++i;
  if (i == a.size() && i == b.size())
    return std::nullopt;
  std::pair<uint32_t, uint32_t> best{~0u, ~0u};
  if (i < a.size())
    best = std::min(best, std::make_pair(a[i].step, a[i].neuron));
  if (i < b.size())
    best = std::min(best, std::make_pair(b[i].step, b[i].neuron));
  return best;
}

const PopulationSpikes *findPopulation(const TrialResult &r,
                                       llvm::StringRef name) {
  for (const PopulationSpikes &p : r.populations)
    if (p.population == name)
      return &p;
  return nullptr;
}

/// Streaming Pearson correlation of per-(sample, neuron) spike counts.
struct CountCorrelation {
  PopulationAgreement out;
  double n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  std::vector<uint32_t> x, y;

  void add(const PopulationSpikes &a, const PopulationSpikes &b) {
    x.assign(a.size, 0);
    y.assign(a.size, 0);
    for (const SpikeEvent &s : a.spikes)
      if (s.neuron < x.size())
        ++x[s.neuron];
    for (const SpikeEvent &s : b.spikes)
      if (s.neuron < y.size())
        ++y[s.neuron];
    out.floatSpikes += a.spikes.size();
    out.chipSpikes += b.spikes.size();
    out.identical = out.identical && a.spikes == b.spikes;
    for (size_t k = 0; k < x.size(); ++k) {
      double u = x[k], v = y[k];
      n += 1;
      sx += u;
      sy += v;
      sxx += u * u;
      syy += v * v;
      sxy += u * v;
    }
  }

  PopulationAgreement finish() {
    double vx = n * sxx - sx * sx, vy = n * syy - sy * sy;
    if (vx > 0 && vy > 0)
      out.countCorrelation = (n * sxy - sx * sy) / std::sqrt(vx * vy);
    return out;
  }
};

struct Stage {
  std::string element;
  ir::Graph graph;
};

/// The deployment pipeline re-run on the float graph, keeping the graph
/// after every pass.
llvm::Expected<std::vector<Stage>> runStages(const ir::Graph &floatGraph,
                                             const VerifyOptions &options) {
  std::vector<Stage> stages;
  passes::PassManagerOptions pmOptions;
  pmOptions.afterPass = [&](llvm::StringRef element, const ir::Graph &g) {
    stages.push_back({element.str(), g});
  };
  passes::PassManager pm(pmOptions);
  std::string text = options.pipeline.empty()
                         ? passes::defaultPipelineText(*options.target)
                         : options.pipeline;
  if (llvm::Error err = pm.addPipeline(text))
    return err;
  passes::PassContext ctx(options.target, "verify", options.seed);
  ir::Graph g = floatGraph;
  if (llvm::Error err = pm.run(g, ctx))
    return err;
  return stages;
}

/// Decisions of one graph on every sample.
llvm::Expected<std::vector<int32_t>>
graphDecisions(const ir::Graph &g, llvm::ArrayRef<eventprop::Sample> samples,
               const VerifyOptions &options, llvm::StringRef name) {
  llvm::Expected<std::unique_ptr<reference::ReferenceSimulator>> sim =
      reference::ReferenceSimulator::create(
          g, referenceOptions(g, options.target), name);
  if (!sim)
    return sim.takeError();
  const uint32_t steps = trialSteps(options.trialMs, g.dtMs);
  std::vector<int32_t> decisions;
  decisions.reserve(samples.size());
  for (const eventprop::Sample &sample : samples) {
    llvm::Expected<TrialResult> r =
        (*sim)->run(binSample(sample, g.dtMs, steps));
    if (!r)
      return r.takeError();
    decisions.push_back(decide(*r, steps, g.dtMs).winner);
  }
  return decisions;
}

double fraction(uint64_t part, uint64_t whole) {
  return whole ? double(part) / double(whole) : 0.0;
}

} // namespace

llvm::Expected<VerifyReport> verify(const ir::Graph &floatGraph,
                                    llvm::ArrayRef<eventprop::Sample> samples,
                                    Device &chip, llvm::StringRef configBytes,
                                    const VerifyOptions &options) {
  VerifyReport report;
  report.samples = samples.size();
  report.device = chip.describe();
  report.floatDtMs = floatGraph.dtMs;
  report.chipDtMs = chip.layout().dtMs;
  if (!(options.trialMs > 0))
    return makeError("verify", "the trial length is unknown (got {} ms)",
                     options.trialMs);

  llvm::Expected<std::unique_ptr<reference::ReferenceSimulator>> floatSim =
      reference::ReferenceSimulator::create(
          floatGraph, referenceOptions(floatGraph, nullptr), "float model");
  if (!floatSim)
    return floatSim.takeError();

  std::vector<Stage> stages;
  if (options.target) {
    llvm::Expected<std::vector<Stage>> s = runStages(floatGraph, options);
    if (!s)
      return s.takeError();
    stages = std::move(*s);
  }
  const ir::Graph *placed = stages.empty() ? nullptr : &stages.back().graph;
  if (placed && options.target) {
    llvm::Expected<std::unique_ptr<backends::Target>> emitter =
        backends::createTarget(*options.target);
    if (!emitter)
      return emitter.takeError();
    llvm::Expected<backends::EmittedConfig> emitted =
        (*emitter)->emit(*placed, *options.target);
    if (emitted) {
      bool same = false;
      for (const backends::EmittedConfig::File &f : emitted->files)
        if (llvm::StringRef(f.name).endswith(".axoncfg"))
          same = f.bytes == configBytes;
      report.configReproduced = same;
    } else {
      llvm::consumeError(emitted.takeError());
      report.configReproduced = false;
    }
  }

  llvm::Expected<metrics::MetricsAccumulator> floatMetrics =
      metrics::MetricsAccumulator::create(floatGraph);
  if (!floatMetrics)
    return floatMetrics.takeError();
  std::optional<metrics::MetricsAccumulator> chipMetrics;
  if (placed) {
    metrics::MetricsOptions mo;
    mo.weights = metrics::WeightKind::Integer;
    mo.footprintBytes = options.chipFootprintBytes;
    llvm::Expected<metrics::MetricsAccumulator> m =
        metrics::MetricsAccumulator::create(*placed, mo);
    if (!m)
      return m.takeError();
    chipMetrics = std::move(*m);
  }

  const uint32_t floatSteps = trialSteps(options.trialMs, floatGraph.dtMs);
  const uint32_t chipSteps = trialSteps(options.trialMs, report.chipDtMs);
  const bool sameGrid = floatSteps == chipSteps;
  std::vector<int32_t> floatDecisions, chipDecisions;
  llvm::StringMap<CountCorrelation> correlations;
  std::vector<std::string> populationOrder;
  uint64_t floatCorrect = 0, chipCorrect = 0, agree = 0;
  for (size_t s = 0; s < samples.size(); ++s) {
    const eventprop::Sample &sample = samples[s];
    TrialInput floatInput = binSample(sample, floatGraph.dtMs, floatSteps);
    llvm::Expected<TrialResult> f = (*floatSim)->run(floatInput);
    if (!f)
      return f.takeError();
    TrialInput chipInput = binSample(sample, report.chipDtMs, chipSteps);
    llvm::Expected<TrialResult> c = chip.run(chipInput);
    if (!c)
      return appendNote(c.takeError(),
                        fmt::format("note: while running sample {}", s),
                        report.device);
    Decision fd = decide(*f, floatSteps, floatGraph.dtMs);
    Decision cd = decide(*c, chipSteps, report.chipDtMs);
    floatDecisions.push_back(fd.winner);
    chipDecisions.push_back(cd.winner);
    floatCorrect += fd.winner == sample.label;
    chipCorrect += cd.winner == sample.label;
    agree += fd.winner == cd.winner;
    if (llvm::Error err = floatMetrics->add(floatInput, *f, sample.label,
                                            fd.winner))
      return err;
    if (chipMetrics)
      if (llvm::Error err =
              chipMetrics->add(chipInput, *c, sample.label, cd.winner))
        return err;
    addTrial(report.chipCounters, c->counters);

    for (const PopulationSpikes &p : f->populations) {
      const PopulationSpikes *q = findPopulation(*c, p.population);
      if (!q)
        continue;
      auto [it, inserted] = correlations.try_emplace(p.population);
      if (inserted) {
        it->second.out.population = p.population;
        it->second.out.identical = sameGrid;
        populationOrder.push_back(p.population);
      }
      it->second.add(p, *q);
      if (!sameGrid)
        it->second.out.identical = false;
    }

    if (fd.winner == cd.winner)
      continue;
    ++report.disagreements;
    if (report.divergences.size() >= options.maxExplained)
      continue;
    Divergence d;
    d.sample = uint32_t(s);
    d.label = sample.label;
    d.floatDecision = fd.winner;
    d.chipDecision = cd.winner;
    if (sameGrid)
      for (const PopulationSpikes &p : f->populations) {
        const PopulationSpikes *q = findPopulation(*c, p.population);
        if (!q)
          continue;
        auto diff = firstDifference(p.spikes, q->spikes);
        if (diff && (!d.step || diff->first < *d.step)) {
          d.step = diff->first;
          d.neuron = diff->second;
          d.population = p.population;
        }
      }
    report.divergences.push_back(std::move(d));
  }
  report.floatAccuracy = fraction(floatCorrect, samples.size());
  report.chipAccuracy = fraction(chipCorrect, samples.size());
  report.agreement = fraction(agree, samples.size());
  for (const std::string &name : populationOrder)
    report.populations.push_back(correlations[name].finish());
  report.floatMetrics = floatMetrics->metrics();
  if (chipMetrics)
    report.chipMetrics = chipMetrics->metrics();

  if (!stages.empty()) {
    auto agreementOf = [&](const std::vector<int32_t> &d) {
      uint64_t same = 0, correct = 0;
      for (size_t s = 0; s < d.size(); ++s) {
        same += d[s] == floatDecisions[s];
        correct += d[s] == samples[s].label;
      }
      return std::make_pair(fraction(same, d.size()),
                            fraction(correct, d.size()));
    };
    report.stages.push_back({"float", "FLOAT", 1.0, report.floatAccuracy});
    std::vector<std::vector<int32_t>> stageDecisions;
    std::optional<ir::Graph> previousNumbers;
    for (const Stage &stage : stages) {
      ir::Graph numbers = numbersOnly(stage.graph);
      if (previousNumbers && numbers == *previousNumbers) {
        stageDecisions.push_back(stageDecisions.back());
      } else {
        llvm::Expected<std::vector<int32_t>> d =
            graphDecisions(stage.graph, samples, options, stage.element);
        if (!d)
          return appendNote(d.takeError(),
                            fmt::format("note: while simulating the graph "
                                        "after pass '{}'",
                                        stage.element),
                            "verify");
        stageDecisions.push_back(std::move(*d));
      }
      previousNumbers = std::move(numbers);
      auto [a, acc] = agreementOf(stageDecisions.back());
      report.stages.push_back(
          {stage.element, fmt::format("{}", stage.graph.level), a, acc});
    }
    report.stages.push_back(
        {"emit", "chip", report.agreement, report.chipAccuracy});
    stageDecisions.push_back(chipDecisions);
    for (size_t k = 1; k < report.stages.size(); ++k) {
      double drop = report.stages[k - 1].agreement - report.stages[k].agreement;
      if (drop > report.worstDrop) {
        report.worstDrop = drop;
        report.worstStage = report.stages[k].stage;
      }
    }
    for (Divergence &d : report.divergences)
      for (size_t k = 0; k < stageDecisions.size(); ++k)
        if (stageDecisions[k][d.sample] != floatDecisions[d.sample]) {
          d.firstStage = report.stages[k + 1].stage;
          break;
        }
  }
  return report;
}

namespace {

/// One line of the report.
template <typename... Args>
void addLine(std::string &out, fmt::format_string<Args...> f, Args &&...args) {
  out += fmt::format(f, std::forward<Args>(args)...);
  out += '\n';
}

} // namespace

std::string formatReport(const VerifyReport &r) {
  std::string out;
  addLine(out, "verify: {} samples, float model (dt {} ms) vs {} (dt {} ms)",
       r.samples, r.floatDtMs, r.device, r.chipDtMs);
  addLine(out, "  agreement       {:6.2f} %  ({} of {} decisions differ)",
       100 * r.agreement, r.disagreements, r.samples);
  addLine(out, "  float accuracy  {:6.2f} %", 100 * r.floatAccuracy);
  addLine(out, "  chip accuracy   {:6.2f} %", 100 * r.chipAccuracy);
  if (!r.populations.empty()) {
    addLine(out, "populations: spikes (float / chip), correlation of spike counts "
         "per neuron and sample");
    for (const PopulationAgreement &p : r.populations)
      addLine(out, "  {:<16} {:>10} / {:<10} r = {}{}", p.population, p.floatSpikes,
           p.chipSpikes,
           p.countCorrelation ? fmt::format("{:.4f}", *p.countCorrelation)
                              : std::string("n/a"),
           p.identical ? "  (identical spike trains)" : "");
  }
  if (!r.stages.empty()) {
    addLine(out, "stages: agreement with the float model after each pass");
    for (const StageAgreement &s : r.stages)
      addLine(out, "  {:<36} {:<10} {:6.2f} %  (accuracy {:.2f} %)", s.stage, s.level,
           100 * s.agreement, 100 * s.accuracy);
    if (r.worstDrop > 0)
      addLine(out, "  largest drop: {} ({:.2f} points)", r.worstStage,
           100 * r.worstDrop);
    else
      addLine(out, "  no stage changed a decision");
    if (r.configReproduced && !*r.configReproduced)
      addLine(out, "  note: re-emitting the last stage does not reproduce the "
           "configuration the device runs (deployed with other options?); "
           "the stages are a fresh deployment");
  }
  if (!r.divergences.empty()) {
    addLine(out, "disagreements ({} shown of {}):", r.divergences.size(),
         r.disagreements);
    for (const Divergence &d : r.divergences) {
      std::string where =
          d.step ? fmt::format("spike trains part at grid point {} in '{}' "
                               "neuron {}",
                               *d.step, d.population, d.neuron)
                 : std::string(r.floatDtMs == r.chipDtMs
                                   ? "same spikes: the readout voltage decided"
                                   : "grids differ: no spike-by-spike "
                                     "comparison");
      addLine(out, "  sample {}: label {}, float {}, chip {}; {}{}", d.sample, d.label,
           d.floatDecision, d.chipDecision, where,
           d.firstStage.empty()
               ? std::string()
               : fmt::format("; first differs after '{}'", d.firstStage));
    }
  }
  const DeviceCounters &c = r.chipCounters;
  if (!c.cores.empty() && r.samples > 0) {
    addLine(out, "chip: {} cores; per trial {:.0f} synaptic events, {:.0f} spikes, "
         "{:.3f} uJ; busiest tick {} cycles; {} overruns, {} overflows",
         c.cores.size(), double(c.synapticEvents) / r.samples,
         double(c.spikes) / r.samples, c.energyPicojoule / r.samples * 1e-6,
         c.maxStepCycles, c.overruns, c.overflows);
  }
  std::vector<metrics::MetricsColumn> columns = {{"float", r.floatMetrics}};
  if (!r.stages.empty())
    columns.push_back({"chip", r.chipMetrics});
  out += metrics::formatMetricsTable(columns);
  return out;
}

std::string reportJson(const VerifyReport &r) {
  namespace json = llvm::json;
  json::Array populations, divergences, stages, cores;
  for (const PopulationAgreement &p : r.populations)
    populations.push_back(json::Object{
        {"population", p.population},
        {"float_spikes", int64_t(p.floatSpikes)},
        {"chip_spikes", int64_t(p.chipSpikes)},
        {"count_correlation", p.countCorrelation
                                  ? json::Value(*p.countCorrelation)
                                  : json::Value(nullptr)},
        {"identical", p.identical}});
  for (const Divergence &d : r.divergences) {
    json::Object o{{"sample", int64_t(d.sample)},
                   {"label", d.label},
                   {"float_decision", d.floatDecision},
                   {"chip_decision", d.chipDecision},
                   {"first_stage", d.firstStage}};
    if (d.step) {
      o["step"] = int64_t(*d.step);
      o["population"] = d.population;
      o["neuron"] = int64_t(d.neuron);
    }
    divergences.push_back(std::move(o));
  }
  for (const StageAgreement &s : r.stages)
    stages.push_back(json::Object{{"stage", s.stage},
                                  {"level", s.level},
                                  {"agreement", s.agreement},
                                  {"accuracy", s.accuracy}});
  for (const CoreCounters &c : r.chipCounters.cores)
    cores.push_back(coreCountersJson(c));
  json::Object o{{"samples", int64_t(r.samples)},
                 {"agreement", r.agreement},
                 {"float_accuracy", r.floatAccuracy},
                 {"chip_accuracy", r.chipAccuracy},
                 {"disagreements", int64_t(r.disagreements)},
                 {"float_dt_ms", r.floatDtMs},
                 {"chip_dt_ms", r.chipDtMs},
                 {"device", r.device},
                 {"populations", std::move(populations)},
                 {"divergences", std::move(divergences)},
                 {"stages", std::move(stages)},
                 {"worst_stage", r.worstStage},
                 {"worst_drop", r.worstDrop},
                 {"chip_cores", std::move(cores)}};
  if (r.configReproduced)
    o["config_reproduced"] = *r.configReproduced;
  // The metrics module writes NeuroBench's keys; splice its objects in.
  std::vector<metrics::MetricsColumn> columns = {{"float", r.floatMetrics}};
  if (!r.stages.empty())
    columns.push_back({"chip", r.chipMetrics});
  llvm::Expected<json::Value> m = json::parse(metrics::metricsJson(columns));
  if (m)
    o["metrics"] = std::move(*m);
  else
    llvm::consumeError(m.takeError());
  return formatJson(json::Value(std::move(o)));
}

} // namespace axon::sim::verify
