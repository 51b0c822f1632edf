//===- LowerToIRTest.cpp - Checkpoints become FLOAT graphs ----------------===//
#include "frontend/lower/LowerToIR.h"
#include "frontend/model/ModelDescription.h"
#include "support/Errors.h"

#include <catch2/catch.hpp>

using namespace axon;
using axon::test::errorText;

namespace {

// 2 inputs -> 2 LIF (learned delays, max 3 ms) -> 2 LI readout, dt 0.5 ms.
train::Checkpoint handMadeCheckpoint() {
  const char *text = R"(
name: "tiny" dt_ms: 0.5 seed: 9
dataset { kind: SEQUENCE }
layers { name: "h" size: 2 kind: LIF tau_mem_ms: 20 tau_syn_ms: 5 threshold: 1 reset: -0.25 }
layers { name: "out" size: 2 kind: LEAKY_INTEGRATOR tau_mem_ms: 10 tau_syn_ms: 5 }
projections { name: "in-h" source: "input" target: "h" delays { learn: true max_ms: 3 } }
projections { name: "h-out" source: "h" target: "out" }
loss { kind: SUM_EXP_WEIGHTED }
optimiser { learning_rate: 0.01 }
)";
  llvm::Expected<model::Model> m = model::parseModel(text, "tiny");
  REQUIRE(errorText(m) == "");
  model::applyDefaults(*m);
  train::Checkpoint c;
  *c.mutable_model() = *m;
  c.set_num_inputs(2);
  c.set_num_classes(2);
  c.set_duration_ms(20);
  c.set_test_accuracy(0.75);
  c.set_dataset_name("sequence/train");
  c.set_epochs_done(3);
  // Layout: [w in-h (4)][d in-h (4)][w h-out (4)][d h-out (4)].
  float p[] = {0.5f, -0.5f, 1.0f, 2.0f,   // weights in-h
               0.4f, 1.5f, 2.6f, 9.0f,    // delays in steps: round -> 0, 2, 3, clamp 6
               0.25f, 0.75f, -1.0f, 0.0f, // weights h-out
               0, 0, 0, 0};
  c.mutable_best_params()->Add(std::begin(p), std::end(p));
  c.mutable_params()->Resize(16, 0.f);
  return c;
}

} // namespace

TEST_CASE("a checkpoint lowers to a FLOAT graph of what hardware needs",
          "[lower]") {
  llvm::Expected<ir::Graph> g = lower::lowerCheckpoint(handMadeCheckpoint(), "c");
  REQUIRE(errorText(g) == "");
  CHECK(g->level == ir::IRLevel::Float);
  CHECK(g->dtMs == 0.5);
  REQUIRE(g->inputs.size() == 1);
  CHECK(g->inputs[0].size == 2);
  REQUIRE(g->populations.size() == 2);
  CHECK(g->populations[0].kind == ir::NeuronKind::CubaLIF);
  CHECK(g->populations[0].params.reset == -0.25);
  CHECK(g->populations[1].kind == ir::NeuronKind::LeakyIntegrator);
  CHECK(g->populations[1].params.tauMemMs == 10);
  REQUIRE(g->projections.size() == 2);
  const ir::Projection &in = g->projections[0];
  CHECK(in.source == "input");
  CHECK(in.target == "h");
  CHECK(in.weights == std::vector<float>{0.5f, -0.5f, 1.0f, 2.0f});
  // round(0.4) = 0, round(1.5) = 2, round(2.6) = 3, 9 clamps to max 3 ms =
  // 6 steps; times dt = 0.5 ms.
  CHECK(in.delaysMs == std::vector<float>{0.f, 1.f, 1.5f, 3.f});
  // No delays learned or set on h-out: none written.
  CHECK(g->projections[1].delaysMs.empty());
  REQUIRE(g->outputs.size() == 1);
  CHECK(g->outputs[0].decoding == ir::Decoding::ExpWeightedVoltage);
  CHECK(g->provenance.accuracy == 0.75);
  CHECK(g->provenance.dataset == "sequence/train");
  CHECK_THAT(g->provenance.trainingConfig, Catch::Contains("name: \"tiny\""));
}

TEST_CASE("a checkpoint whose parameters do not fit the model is rejected",
          "[lower]") {
  train::Checkpoint c = handMadeCheckpoint();
  c.mutable_best_params()->RemoveLast();
  llvm::Expected<ir::Graph> g = lower::lowerCheckpoint(c, "c.axonckpt");
  CHECK_THAT(errorText(g), Catch::Contains("c.axonckpt: checkpoint: 15 "
                                           "parameters, the model needs 16"));
}
