//===- ProtocolMappingTest.cpp - Trial structs survive the wire -----------===//
#include "simulator/device/ProtocolMapping.h"

#include "support/Errors.h"

#include <catch2/catch.hpp>

#include <limits>

using namespace axon;
using namespace axon::sim;
using namespace axon::sim::device;
using axon::test::errorText;

namespace {

/// Encodes, serialises to bytes, parses and decodes: what the wire does.
template <typename Message, typename T> Message throughBytes(const T &value) {
  Message message;
  toMessage(value, message);
  std::string bytes;
  REQUIRE(message.SerializeToString(&bytes));
  Message back;
  REQUIRE(back.ParseFromString(bytes));
  return back;
}

TrialResult richResult() {
  TrialResult r;
  r.populations = {
      {"hidden", 4, {{1, 0}, {1, 3}, {7, 2}}},
      {"hidden.relay1", 2, {}},
      {"out", 3, {{2, 2}, {9, 0}}},
  };
  r.readout.population = "out";
  r.readout.decoding = Decoding::ExpWeightedVoltage;
  r.readout.size = 3;
  r.readout.stateScale = 1.0 / 64;
  r.readout.voltage = {0, 0, 0, -1.5, 2.25, 1e-300, -32768, 32767, 0.1};
  CoreCounters c0{0, 0, 1234, 99, 2, 40, 17, 5, 3, 11, 1, 12.5};
  CoreCounters c1{1,
                  7,
                  std::numeric_limits<uint64_t>::max(),
                  std::numeric_limits<uint64_t>::max(),
                  std::numeric_limits<uint32_t>::max(),
                  1,
                  2,
                  3,
                  4,
                  5,
                  6,
                  -0.0625};
  r.counters.cores = {c0, c1};
  r.counters.steps = 10;
  r.counters.neuronUpdates = 41;
  r.counters.synapticEvents = 19;
  r.counters.spikes = 8;
  r.counters.overflows = 7;
  r.counters.overruns = 3;
  r.counters.maxStepCycles = 99;
  r.counters.energyPicojoule = 12.4375;
  return r;
}

} // namespace

TEST_CASE("a trial input survives encoding and decoding", "[device]") {
  TrialInput input;
  input.numSteps = 1000;
  input.events = {{0, 0, 0}, {0, 1, 4}, {3, 0, 2}, {999, 2, 4294967295u}};
  proto::TrialInput message = throughBytes<proto::TrialInput>(input);
  CHECK(message.step_size() == 4);
  llvm::Expected<TrialInput> back = fromMessage(message, "test");
  REQUIRE(errorText(back) == "");
  CHECK(*back == input);

  TrialInput empty;
  llvm::Expected<TrialInput> emptyBack =
      fromMessage(throughBytes<proto::TrialInput>(empty), "test");
  REQUIRE(errorText(emptyBack) == "");
  CHECK(*emptyBack == empty);
}

TEST_CASE("run options survive encoding and decoding", "[device]") {
  for (bool record : {false, true}) {
    RunOptions options;
    options.recordReadoutVoltage = record;
    CHECK(fromMessage(throughBytes<proto::RunOptions>(options))
              .recordReadoutVoltage == record);
  }
}

TEST_CASE("a trial result survives encoding and decoding", "[device]") {
  TrialResult result = richResult();
  llvm::Expected<TrialResult> back =
      fromMessage(throughBytes<proto::TrialResult>(result), "test");
  REQUIRE(errorText(back) == "");
  CHECK(*back == result);
  // Spot checks in case operator== ever stops covering a field.
  CHECK(back->populations[2].spikes[1] == SpikeEvent{9, 0});
  CHECK(back->readout.voltage[2] == 0);
  CHECK(back->readout.voltage[5] == 1e-300);
  CHECK(back->counters.cores[1].cycles == std::numeric_limits<uint64_t>::max());
  CHECK(back->counters.cores[1].energyPicojoule == -0.0625);

  TrialResult empty;
  llvm::Expected<TrialResult> emptyBack =
      fromMessage(throughBytes<proto::TrialResult>(empty), "test");
  REQUIRE(errorText(emptyBack) == "");
  CHECK(*emptyBack == empty);
}

TEST_CASE("every decoding survives encoding and decoding", "[device]") {
  for (Decoding d :
       {Decoding::SpikeCount, Decoding::MaxVoltage, Decoding::FirstSpike,
        Decoding::MeanVoltage, Decoding::ExpWeightedVoltage,
        Decoding::LinearWeightedVoltage}) {
    TrialResult result;
    result.readout.decoding = d;
    llvm::Expected<TrialResult> back =
        fromMessage(throughBytes<proto::TrialResult>(result), "test");
    REQUIRE(errorText(back) == "");
    CHECK(back->readout.decoding == d);
  }
}

TEST_CASE("a layout survives encoding and decoding", "[device]") {
  DeviceLayout layout;
  layout.target = "loihi";
  layout.family = "loihi";
  layout.graph = "yinyang";
  layout.dtMs = 0.125;
  layout.inputs = {{"in", 5}, {"bias", 1}};
  layout.readout = "out";
  layout.decoding = Decoding::FirstSpike;
  layout.classNames = {"yin", "yang", "dot"};
  layout.numClasses = 3;
  layout.cores = 4;
  llvm::Expected<DeviceLayout> back =
      fromMessage(throughBytes<proto::Layout>(layout), "test");
  REQUIRE(errorText(back) == "");
  CHECK(*back == layout);

  // Nothing loaded yet: the empty layout comes back empty.
  DeviceLayout empty;
  llvm::Expected<DeviceLayout> emptyBack =
      fromMessage(throughBytes<proto::Layout>(empty), "test");
  REQUIRE(errorText(emptyBack) == "");
  CHECK(*emptyBack == empty);
}

TEST_CASE("decoding refuses what a peer got wrong", "[device]") {
  proto::TrialInput input;
  input.set_num_steps(5);
  input.add_step(1);
  input.add_step(2);
  input.add_input(0);
  input.add_channel(0);
  input.add_channel(1);
  llvm::Expected<TrialInput> badInput = fromMessage(input, "run request");
  CHECK(errorText(badInput) == "run request: trial input columns differ in "
                               "length: 2 steps, 1 inputs, 2 channels");

  proto::TrialResult result;
  proto::PopulationSpikes *pop = result.add_populations();
  pop->set_population("hidden");
  pop->add_step(1);
  result.mutable_readout()->set_decoding(1);
  llvm::Expected<TrialResult> badSpikes = fromMessage(result, "reply");
  CHECK(errorText(badSpikes) == "reply: population 'hidden': spike columns "
                                "differ in length: 1 steps, 0 neurons");

  proto::TrialResult badDecodingMessage;
  badDecodingMessage.mutable_readout()->set_decoding(9);
  llvm::Expected<TrialResult> badDecoding =
      fromMessage(badDecodingMessage, "reply");
  CHECK(errorText(badDecoding) ==
        "reply: decoding 9 is not one of the known decodings (1..6)");

  proto::Layout layout;
  layout.set_readout("out");
  layout.set_decoding(0);
  llvm::Expected<DeviceLayout> badLayout = fromMessage(layout, "layout");
  CHECK(errorText(badLayout) ==
        "layout: decoding 0 is not one of the known decodings (1..6)");
}
