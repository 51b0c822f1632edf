//===- Eval.cpp - `axon eval`: accuracy of a checkpoint -------------------===//
#include "tools/axon/Command.h"

#include "frontend/model/ModelDescription.h"
#include "frontend/train/EngineRunners.h"
#include "frontend/train/TrainingData.h"
#include "frontend/lower/LowerToIR.h"
#include "ir/AtomicFile.h"
#include "ir/Diagnostics.h"
#include "simulator/Decode.h"
#include "simulator/Stimulus.h"
#include "simulator/metrics/MetricsReport.h"
#include "simulator/reference/ReferenceSimulator.h"

#include <cmath>

#include <fmt/core.h>

namespace axon::tool {

namespace {

/// NeuroBench's figures of the lowered float model on `samples`: the
/// reference simulator runs the graph spike for spike as the engine does.
llvm::Expected<sim::metrics::Metrics>
floatModelMetrics(const train::Checkpoint &c,
                  llvm::ArrayRef<eventprop::Sample> samples,
                  llvm::StringRef location) {
  llvm::Expected<ir::Graph> g = lower::lowerCheckpoint(c, location);
  if (!g)
    return g.takeError();
  llvm::Expected<std::unique_ptr<sim::reference::ReferenceSimulator>> sim =
      sim::reference::ReferenceSimulator::create(*g, {}, location);
  if (!sim)
    return sim.takeError();
  llvm::Expected<sim::metrics::MetricsAccumulator> acc =
      sim::metrics::MetricsAccumulator::create(*g);
  if (!acc)
    return acc.takeError();
  const uint32_t steps = sim::trialSteps(c.duration_ms(), g->dtMs);
  for (const eventprop::Sample &sample : samples) {
    sim::TrialInput input = sim::binSample(sample, g->dtMs, steps);
    llvm::Expected<sim::TrialResult> r = (*sim)->run(input);
    if (!r)
      return r.takeError();
    int32_t decision = sim::decide(*r, steps, g->dtMs).winner;
    if (llvm::Error err = acc->add(input, *r, sample.label, decision))
      return err;
  }
  return acc->metrics();
}

} // namespace

Command addEvalCommand(CLI::App &root) {
  struct Options {
    std::string checkpoint, split = "test", engine = "cpu", device = "cpu",
        json;
    bool metrics = true;
    unsigned threads = 0;
  };
  auto o = std::make_shared<Options>();
  CLI::App *app = root.add_subcommand(
      "eval", "Accuracy of a trained checkpoint on a data set split");
  app->add_option("checkpoint", o->checkpoint, "checkpoint.axonckpt")
      ->required();
  app->add_option("--split", o->split, "test, valid or train")
      ->check(CLI::IsMember({"test", "valid", "train"}))
      ->capture_default_str();
  app->add_option("--engine", o->engine, "cpu or exact")->capture_default_str();
  app->add_option("--device", o->device, "cpu, or cuda (GPU)")
      ->capture_default_str();
  app->add_option("--threads", o->threads, "Worker threads (default: all)");
  app->add_flag("--metrics,!--no-metrics", o->metrics,
                "Also report NeuroBench's metrics of the lowered float model "
                "(default on)");
  app->add_option("--json", o->json, "Write the metrics as JSON here");
  return {app, [o] {
            llvm::Expected<train::Checkpoint> c =
                train::readCheckpoint(o->checkpoint);
            if (!c)
              return reportError(c.takeError());
            const model::Model &m = c->model();
            llvm::Expected<data::DatasetSplit> split =
                train::loadEvaluationSplit(m, o->split);
            if (!split)
              return reportError(split.takeError());
            llvm::Expected<eventprop::NetworkDesc> net = model::buildNetwork(
                m, c->num_inputs(), c->num_classes(), c->duration_ms(),
                o->checkpoint);
            if (!net)
              return reportError(net.takeError());
            llvm::Expected<train::EngineFactory> factory =
                train::makeEngineFactory(o->engine, o->threads, o->device);
            if (!factory)
              return reportError(factory.takeError());
            llvm::Expected<train::BatchRunner> run = (*factory)(*net);
            if (!run)
              return reportError(run.takeError());
            std::vector<float> params(c->best_params().begin(),
                                      c->best_params().end());
            if (params.empty())
              params.assign(c->params().begin(), c->params().end());
            llvm::Expected<train::Evaluation> ev = train::evaluate(
                *run, params, split->samples, m.batch_size());
            if (!ev)
              return reportError(ev.takeError());
            fmt::print("{}: {} split: accuracy {:.4f} ({} samples), loss "
                       "{:.4f}\n",
                       o->checkpoint, o->split, ev->accuracy, ev->samples,
                       ev->loss);
            if (!o->metrics)
              return 0;
            llvm::Expected<sim::metrics::Metrics> figures =
                floatModelMetrics(*c, split->samples, o->checkpoint);
            if (!figures)
              return reportError(figures.takeError());
            fmt::print("{}", sim::metrics::formatMetricsTable(
                                 {{"float", *figures}}));
            if (!o->json.empty())
              if (llvm::Error err = writeFileAtomically(
                      o->json, sim::metrics::metricsJson(
                                   {{"float", *figures}}) + "\n"))
                return reportError(std::move(err));
            return 0;
          }};
}

} // namespace axon::tool
