//===- Verify.cpp - `axon verify`: the chip against the float model -------===//
//
//   axon verify MODEL DEPLOY_DIR [--dataset FILE] [--samples N] [--json F]
//               [--min-agreement X] [--device tcp://host:port]
//
// Runs the float model (MODEL: a checkpoint or a lowered IR file) and the
// deployed chip (the emitted configuration in DEPLOY_DIR, on its emulator
// or a remote device) on the same samples and prints simulator/verify's
// report; exits with status 2 when the agreement is below --min-agreement.
//===----------------------------------------------------------------------===//
#include "tools/axon/Command.h"
#include "tools/axon/DeviceRun.h"

#include "backends/target/TargetDescription.h"
#include "ir/AtomicFile.h"
#include "ir/Diagnostics.h"
#include "simulator/verify/Verification.h"

#include <fmt/core.h>

namespace axon::tool {

Command addVerifyCommand(CLI::App &root) {
  struct Options {
    std::string model, deploy, target, passes;
    DeviceRunOptions run;
    double minAgreement = 0.0;
    uint64_t seed = 0x5eed;
    bool stages = true;
  };
  auto o = std::make_shared<Options>();
  CLI::App *app = root.add_subcommand(
      "verify", "Run the float model and the deployed chip on the same "
                "samples and report where they differ");
  app->add_option("model", o->model, "checkpoint.axonckpt or lowered IR file")
      ->required();
  app->add_option("deploy", o->deploy,
                  "Deploy directory (or its .axoncfg file)")
      ->required();
  o->run.addTo(*app, "Model description whose data set to use (default: "
                     "the one the network was trained on)");
  app->add_option("--min-agreement", o->minAgreement,
                  "Exit with status 2 when the decision agreement (a "
                  "fraction) is below this")
      ->check(CLI::Range(0.0, 1.0));
  app->add_option("--target", o->target,
                  "Target description the deployment used (default: the "
                  "built-in one the configuration names)");
  app->add_option("-p,--passes", o->passes,
                  "Pipeline the deployment used (default: the target's)");
  app->add_option("--seed", o->seed, "Seed the deployment used");
  app->add_flag("--stages,!--no-stages", o->stages,
                "Re-run the pipeline and simulate every stage (default on)");
  return {app, [o] {
            llvm::Expected<TrainedNetwork> net = loadTrainedNetwork(o->model);
            if (!net)
              return reportError(net.takeError());
            llvm::Expected<Samples> samples =
                loadSamples(net->model, o->run.dataset, o->run.split,
                            o->run.samples);
            if (!samples)
              return reportError(samples.takeError());
            llvm::Expected<Deployment> deployed =
                openDeployment(o->deploy, o->run);
            if (!deployed)
              return reportError(deployed.takeError());
            const ConfigFile &config = deployed->config;
            sim::Device &device = *deployed->device;

            std::optional<target::TargetDescription> target;
            if (o->stages) {
              std::string name =
                  o->target.empty() ? device.layout().target : o->target;
              llvm::Expected<target::TargetDescription> t =
                  target::TargetDescription::find(name);
              if (!t)
                return reportError(t.takeError());
              target = std::move(*t);
            }
            sim::verify::VerifyOptions options;
            options.target = target ? &*target : nullptr;
            options.pipeline = o->passes;
            options.seed = o->seed;
            options.trialMs = net->trialMs;
            options.chipFootprintBytes = config.bytes.size();
            llvm::Expected<sim::verify::VerifyReport> report =
                sim::verify::verify(net->graph, samples->samples, device,
                                    config.bytes, options);
            if (!report)
              return reportError(report.takeError());
            fmt::print("{}", sim::verify::formatReport(*report));
            if (!o->run.json.empty())
              if (llvm::Error err = writeFileAtomically(
                      o->run.json, sim::verify::reportJson(*report)))
                return reportError(std::move(err));
            if (report->agreement < o->minAgreement) {
              fmt::print(stderr,
                         "axon: agreement {:.4f} is below --min-agreement "
                         "{:.4f}\n",
                         report->agreement, o->minAgreement);
              return 2;
            }
            return 0;
          }};
}

} // namespace axon::tool
