//===- PipelineBench.cpp - Lower + default pipeline + emit at 1 M synapses -===//
//
// The deployment path of `axon deploy` on a network of about a million
// synapses: 1000 inputs -> 1000 CUBA LIF (dense, delays up to 100 steps, so
// relay stages are needed on both targets) -> 10 leaky integrators. For
// each built-in target: seconds for lowering (building the FLOAT graph from
// a checkpoint), for each pass of the default pipeline and for emission,
// and the process's peak RSS. Target: <= 1 s per target.
//===----------------------------------------------------------------------===//
#include "backends/Target.h"
#include "frontend/lower/LowerToIR.h"
#include "frontend/model/ModelDescription.h"
#include "passes/PassContext.h"
#include "passes/PassManager.h"
#include "passes/PassRegistry.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <random>

using namespace axon;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

train::Checkpoint makeCheckpoint() {
  const char *text = R"(
name: "million" dt_ms: 1 seed: 1
dataset { kind: SHD }
layers { name: "hidden" size: 1000 kind: LIF tau_mem_ms: 20 tau_syn_ms: 5 }
layers { name: "out" size: 10 kind: LEAKY_INTEGRATOR tau_mem_ms: 20 tau_syn_ms: 5 }
projections { name: "in->hidden" source: "input" target: "hidden"
              delays { learn: true max_ms: 100 } }
projections { name: "hidden->out" source: "hidden" target: "out" }
loss { kind: SUM_EXP_WEIGHTED }
optimiser { learning_rate: 0.001 }
)";
  model::Model m = cantFail(model::parseModel(text, "bench"));
  model::applyDefaults(m);
  train::Checkpoint c;
  *c.mutable_model() = m;
  c.set_num_inputs(1000);
  c.set_num_classes(10);
  c.set_duration_ms(1000);
  eventprop::NetworkDesc net =
      cantFail(model::buildNetwork(m, 1000, 10, 1000, "bench"));
  eventprop::ParameterLayout layout = eventprop::ParameterLayout::of(net);
  std::mt19937_64 rng(7);
  std::normal_distribution<float> w(0.03f, 0.02f);
  std::uniform_real_distribution<float> d(0.f, 100.f);
  std::vector<float> p(layout.total);
  for (size_t k = 0; k < layout.projections.size(); ++k) {
    const auto &r = layout.projections[k];
    for (uint64_t i = 0; i < r.count; ++i) {
      p[r.weightOffset + i] = w(rng);
      p[r.delayOffset + i] = k == 0 ? d(rng) : 0.f;
    }
  }
  c.mutable_params()->Add(p.begin(), p.end());
  c.mutable_best_params()->Add(p.begin(), p.end());
  return c;
}

} // namespace

int main(int argc, char **argv) {
  train::Checkpoint c = makeCheckpoint();
  const char *only = argc > 1 ? argv[1] : nullptr;
  for (const char *name : {"loihi", "spinnaker"}) {
    if (only && llvm::StringRef(name) != only)
      continue;
    target::TargetDescription desc =
        cantFail(target::TargetDescription::find(name));
    auto t0 = Clock::now();
    ir::Graph g = cantFail(lower::lowerCheckpoint(c, "bench"));
    double lowerSeconds = since(t0);

    passes::PassManagerOptions o;
    o.verifyEach = false; // the last pass is still verified
    o.timePasses = true;
    passes::PassManager pm(o, [](llvm::StringRef) {});
    cantFail(pm.addPipeline(passes::defaultPipelineText(desc)));
    passes::PassContext ctx(&desc, "bench", passes::kDefaultSeed);
    auto t1 = Clock::now();
    if (llvm::Error err = pm.run(g, ctx)) {
      fmt::print("{}: pipeline failed: {}\n", name,
                 llvm::toString(std::move(err)));
      return 1;
    }
    double passSeconds = since(t1);

    auto t2 = Clock::now();
    auto target = cantFail(backends::createTarget(desc));
    backends::EmittedConfig cfg = cantFail(target->emit(g, desc));
    double emitSeconds = since(t2);
    size_t bytes = 0;
    for (const auto &f : cfg.files)
      bytes += f.bytes.size();

    fmt::print("{}: {} synapses after passes, {} neurons\n", name,
               g.numSynapses(), g.numNeurons());
    fmt::print("  lower {:.3f} s, passes {:.3f} s, emit {:.3f} s, total "
               "{:.3f} s ({} bytes emitted)\n",
               lowerSeconds, passSeconds, emitSeconds,
               lowerSeconds + passSeconds + emitSeconds, bytes);
    fmt::print("{}", pm.timingReport());
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  fmt::print("peak RSS {:.1f} MiB\n", ru.ru_maxrss / 1024.0);
  return 0;
}
