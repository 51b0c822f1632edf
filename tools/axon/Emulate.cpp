//===- Emulate.cpp - `axon emulate`: a deployed network on its chip -------===//
//
//   axon emulate DEPLOY_DIR (--model MODEL | --dataset FILE) [--samples N]
//                [--device tcp://host:port] [--json FILE]
//
// Runs the emitted configuration alone, on the in-process emulator of its
// family or on a remote device, over a data set split: the chip's accuracy
// and, per core, the cycles, the busiest tick against the real-time
// budget, synaptic events, spikes and the energy estimate.
//===----------------------------------------------------------------------===//
#include "tools/axon/Command.h"
#include "tools/axon/DeviceRun.h"

#include "frontend/model/ModelDescription.h"
#include "ir/AtomicFile.h"
#include "ir/Diagnostics.h"
#include "simulator/CountersJson.h"
#include "simulator/Decode.h"
#include "simulator/Stimulus.h"

#include "llvm/Support/JSON.h"

#include <fmt/core.h>

#include <chrono>
#include <cmath>

namespace axon::tool {

Command addEmulateCommand(CLI::App &root) {
  struct Options {
    std::string deploy, model;
    DeviceRunOptions run;
  };
  auto o = std::make_shared<Options>();
  CLI::App *app = root.add_subcommand(
      "emulate", "Run a deployed configuration on its emulator (or a remote "
                 "device) over a data set: accuracy, cycles, energy");
  app->add_option("deploy", o->deploy,
                  "Deploy directory (or its .axoncfg file)")
      ->required();
  app->add_option("--model", o->model,
                  "Checkpoint or lowered IR whose data set to use");
  o->run.addTo(*app, "Model description whose data set to use");
  return {app, [o] {
            if (o->model.empty() && o->run.dataset.empty())
              return reportError(makeError(
                  "emulate", "give --model or --dataset to say which data "
                             "set to run"));
            model::proto::Model model;
            double trialMs = 0.0;
            if (!o->model.empty()) {
              llvm::Expected<TrainedNetwork> net = loadTrainedNetwork(o->model);
              if (!net)
                return reportError(net.takeError());
              model = net->model;
              trialMs = net->trialMs;
            }
            llvm::Expected<Samples> samples =
                loadSamples(model, o->run.dataset, o->run.split, o->run.samples);
            if (!samples)
              return reportError(samples.takeError());
            if (!(trialMs > 0))
              trialMs = samples->durationMs;
            llvm::Expected<Deployment> deployed =
                openDeployment(o->deploy, o->run);
            if (!deployed)
              return reportError(deployed.takeError());
            const ConfigFile &config = deployed->config;
            sim::Device &device = *deployed->device;
            const sim::DeviceLayout &layout = device.layout();
            const uint32_t steps = sim::trialSteps(trialMs, layout.dtMs);

            uint64_t correct = 0;
            sim::DeviceCounters totals;
            auto start = std::chrono::steady_clock::now();
            for (size_t s = 0; s < samples->samples.size(); ++s) {
              const eventprop::Sample &sample = samples->samples[s];
              llvm::Expected<sim::TrialResult> r = device.run(
                  sim::binSample(sample, layout.dtMs, steps));
              if (!r)
                return reportError(appendNote(
                    r.takeError(), fmt::format("note: sample {}", s),
                    device.describe()));
              correct += sim::decide(*r, steps, layout.dtMs).winner ==
                         sample.label;
              sim::addTrial(totals, r->counters);
            }
            const std::vector<sim::CoreCounters> &cores = totals.cores;
            const uint64_t events = totals.synapticEvents,
                           spikes = totals.spikes;
            double seconds = std::chrono::duration<double>(
                                 std::chrono::steady_clock::now() - start)
                                 .count();
            const size_t n = samples->samples.size();
            const double accuracy = n ? double(correct) / n : 0.0;
            fmt::print("{} on {}: {} samples of {} steps ({} ms ticks)\n",
                       config.path, device.describe(), n, steps,
                       layout.dtMs);
            fmt::print("  accuracy {:.4f}; {:.2f} s, {:.1f} M synaptic "
                       "events/s\n",
                       accuracy, seconds, seconds > 0 ? events / seconds / 1e6 : 0.0);
            fmt::print("  {:>4} {:>4} {:>14} {:>12} {:>9} {:>14} {:>10} "
                       "{:>12}\n",
                       "chip", "core", "cycles/trial", "busiest tick",
                       "overruns", "syn.events/tr", "spikes/tr", "energy uJ/tr");
            for (const sim::CoreCounters &c : cores) {
              fmt::print("  {:>4} {:>4} {:>14.0f} {:>12} {:>9} {:>14.0f} "
                         "{:>10.1f} {:>12.4f}\n",
                         c.chip, c.core, double(c.cycles) / std::max<size_t>(n, 1),
                         c.maxStepCycles, c.overruns,
                         double(c.synapticEvents) / std::max<size_t>(n, 1),
                         double(c.spikesSent) / std::max<size_t>(n, 1),
                         c.energyPicojoule / std::max<size_t>(n, 1) * 1e-6);
            }
            if (!o->run.json.empty()) {
              namespace json = llvm::json;
              json::Array coreArray;
              for (const sim::CoreCounters &c : cores)
                coreArray.push_back(sim::coreCountersJson(c));
              json::Object doc{{"samples", int64_t(n)},
                               {"accuracy", accuracy},
                               {"steps", int64_t(steps)},
                               {"dt_ms", layout.dtMs},
                               {"synaptic_events", int64_t(events)},
                               {"spikes", int64_t(spikes)},
                               {"energy_pj", totals.energyPicojoule},
                               {"seconds", seconds},
                               {"cores", std::move(coreArray)}};
              if (llvm::Error err = writeFileAtomically(
                      o->run.json, sim::formatJson(json::Value(std::move(doc)))))
                return reportError(std::move(err));
            }
            return 0;
          }};
}

} // namespace axon::tool
