//===- TrainerTest.cpp - Training learns, resumes and rejects bad input ---===//
#include "frontend/model/ModelDescription.h"
#include "frontend/train/EngineRunners.h"
#include "frontend/train/Trainer.h"
#include "ir/AtomicFile.h"
#include "ir/Container.h"
#include "support/Errors.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fmt/format.h>

using namespace axon;
using axon::test::errorText;
namespace fs = std::filesystem;

namespace {

model::Model exampleModel(const char *name) {
  llvm::Expected<model::Model> m = model::readModel(
      std::string(AXON_SOURCE_DIR) + "/examples/" + name);
  REQUIRE(errorText(m) == "");
  return *m;
}

fs::path scratch(const char *what) {
  fs::path dir = fs::temp_directory_path() /
                 fmt::format("axon-train-{}-{}", what, ::getpid());
  fs::remove_all(dir);
  return dir;
}

train::TrainResult trainOrFail(const model::Model &m, llvm::StringRef engine,
                               const train::TrainOptions &o) {
  llvm::Expected<train::EngineFactory> f = train::makeEngineFactory(engine, 2);
  REQUIRE(errorText(f) == "");
  llvm::Expected<train::TrainResult> r = train::trainModel(m, *f, o);
  REQUIRE(errorText(r) == "");
  return std::move(*r);
}

} // namespace

// Check that the delay paper's sequence task is solved by learning delays
// and not without them: weights are frozen at 1, both orders carry the
// same spikes, so with delays stuck at 0 both classes give identical
// readouts (chance, 50 %), while learned delays make each readout a
// coincidence detector for its order.
TEST_CASE("sequence detection is solved with learned delays and not without",
          "[train]") {
  for (const char *engine : {"exact", "cpu"}) {
    CAPTURE(engine);
    model::Model m = exampleModel("sequence.train.pbtxt");
    train::TrainOptions o;
    train::TrainResult learned = trainOrFail(m, engine, o);
    CHECK(learned.testAccuracy >= 0.99);

    m.mutable_projections(0)->mutable_delays()->set_learn(false);
    train::TrainResult frozen = trainOrFail(m, engine, o);
    CHECK(frozen.testAccuracy <= 0.6);
  }
}

// A chip that cannot deliver in the spike's own step needs delays of at
// least one step: delays.min_ms keeps every learned delay there.
TEST_CASE("learned delays stay within [min_ms, max_ms]", "[train]") {
  model::Model m = exampleModel("sequence.train.pbtxt");
  model::proto::Delays *d = m.mutable_projections(0)->mutable_delays();
  d->set_min_ms(3);
  d->set_init_min_ms(3);
  d->set_init_max_ms(3);
  train::TrainOptions o;
  train::TrainResult r = trainOrFail(m, "cpu", o);
  const auto &params = r.checkpoint.params();
  // 2 inputs x 2 readouts: weights, then delays (steps of 1 ms).
  REQUIRE(params.size() == 8);
  bool moved = false;
  for (int k = 4; k < 8; ++k) {
    CHECK(params[k] >= 3.0f);
    CHECK(params[k] <= 15.0f);
    moved |= params[k] > 3.0f;
  }
  CHECK(moved);
  CHECK(r.testAccuracy >= 0.99);
}

// Check that a short Yin-Yang run learns well above chance (1/3): two
// epochs on 1000 training samples.
TEST_CASE("a short Yin-Yang run learns", "[train]") {
  auto engine = GENERATE("exact", "cpu");
  CAPTURE(engine);
  model::Model m = exampleModel("yinyang.train.pbtxt");
  m.mutable_dataset()->set_train_samples(1000);
  m.mutable_dataset()->set_valid_samples(200);
  m.mutable_dataset()->set_test_samples(300);
  train::TrainOptions o;
  o.epochs = 2;
  train::TrainResult r = trainOrFail(m, engine, o);
  CHECK(r.testAccuracy > 0.6);
}

// Check that stopping after one epoch and resuming gives bit for bit the
// parameters of an uninterrupted two-epoch run.
TEST_CASE("training resumed from a checkpoint matches an uninterrupted run",
          "[train]") {
  auto engine = GENERATE("exact", "cpu");
  CAPTURE(engine);
  model::Model m = exampleModel("yinyang.train.pbtxt");
  m.mutable_dataset()->set_train_samples(200);
  m.mutable_dataset()->set_valid_samples(50);
  m.mutable_dataset()->set_test_samples(50);
  m.set_early_stop_patience(0);
  fs::path whole = scratch("whole"), parts = scratch("parts");
  train::TrainOptions o;
  o.outDir = whole.string();
  o.epochs = 2;
  train::TrainResult full = trainOrFail(m, engine, o);

  o.outDir = parts.string();
  o.epochs = 1;
  trainOrFail(m, engine, o);
  o.epochs = 2;
  o.resume = true;
  train::TrainResult resumed = trainOrFail(m, engine, o);
  CHECK(resumed.epochs == 2);
  CHECK(resumed.checkpoint.params().size() == full.checkpoint.params().size());
  CHECK(std::equal(resumed.checkpoint.params().begin(),
                   resumed.checkpoint.params().end(),
                   full.checkpoint.params().begin()));
  CHECK(resumed.testAccuracy == full.testAccuracy);
  for (const char *f : {"metrics.csv", "checkpoint.axonckpt", "result.json"})
    CHECK(fs::exists(parts / f));
  std::string csv = cantFail(readWholeFile((parts / "metrics.csv").string()));
  CHECK_THAT(csv, Catch::StartsWith("epoch,loss,train_accuracy,valid_accuracy,"
                                    "spikes_per_neuron,seconds\n1,"));
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 3);
  fs::remove_all(whole);
  fs::remove_all(parts);
}

// Check that a checkpoint with a NaN weight is rejected naming the field.
TEST_CASE("a checkpoint with NaN parameters is rejected", "[train]") {
  model::Model m = exampleModel("sequence.train.pbtxt");
  fs::path dir = scratch("nan");
  train::TrainOptions o;
  o.outDir = dir.string();
  o.epochs = 1;
  train::TrainResult r = trainOrFail(m, "exact", o);
  train::Checkpoint c = r.checkpoint;
  c.set_params(1, std::nanf(""));
  std::string path = (dir / "bad.axonckpt").string();
  REQUIRE(errorText(train::writeCheckpoint(c, path)) == "");
  llvm::Expected<train::Checkpoint> back = train::readCheckpoint(path);
  CHECK_THAT(errorText(back),
             Catch::Contains("bad.axonckpt: checkpoint: params[1] = nan: must "
                             "be finite"));
  std::string truncated = (dir / "short.axonckpt").string();
  std::string bytes = cantFail(readWholeFile((dir / "checkpoint.axonckpt").string()));
  REQUIRE(errorText(writeFileAtomically(truncated, bytes.substr(0, bytes.size() / 2))) == "");
  llvm::Expected<train::Checkpoint> cut = train::readCheckpoint(truncated);
  CHECK_THAT(errorText(cut), Catch::Contains("truncated or padded"));
  fs::remove_all(dir);
}

TEST_CASE("an unknown engine name is an error", "[train]") {
  llvm::Expected<train::EngineFactory> f = train::makeEngineFactory("tpu", 1);
  CHECK_THAT(errorText(f), Catch::Contains("'tpu' is not an engine"));
}
