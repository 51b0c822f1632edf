//===- Eval.cpp - `axon eval`: accuracy of a checkpoint -------------------===//
#include "tools/axon/Command.h"

#include "frontend/model/ModelDescription.h"
#include "frontend/train/EngineRunners.h"
#include "frontend/train/TrainingData.h"
#include "ir/Diagnostics.h"

#include <fmt/core.h>

namespace axon::tool {

Command addEvalCommand(CLI::App &root) {
  struct Options {
    std::string checkpoint, split = "test", engine = "cpu", device = "cpu";
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
            return 0;
          }};
}

} // namespace axon::tool
