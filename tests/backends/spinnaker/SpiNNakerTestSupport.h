//===- SpiNNakerTestSupport.h - Graphs for the SpiNNaker emitter -*- C++
//-*-===//
//
// The golden PLACED graph of SpiNNakerTargetTest, built by hand on the
// shipped SpiNNaker-like description, with every number the expected
// configuration is derived from in the comments there.
//===----------------------------------------------------------------------===//
#pragma once

#include "backends/Target.h"
#include "backends/spinnaker/SpiNNakerConfigIO.h"
#include "backends/target/TargetDescription.h"
#include "ir/Graph.h"
#include "support/Errors.h"

#include <catch2/catch.hpp>

#include "llvm/Support/Error.h"

#include <google/protobuf/text_format.h>
#include <string>

namespace axon::test {

inline target::TargetDescription spinnakerTarget() {
  return llvm::cantFail(target::TargetDescription::find("spinnaker"));
}

/// The shipped description with some fields changed by `edit`.
template <typename Edit>
target::TargetDescription editedSpiNNakerTarget(Edit edit) {
  target::proto::Target t = spinnakerTarget().data();
  edit(t);
  std::string text;
  google::protobuf::TextFormat::PrintToString(t, &text);
  llvm::Expected<target::TargetDescription> parsed =
      target::TargetDescription::parse(text, "edited");
  REQUIRE(errorText(parsed) == "");
  return std::move(*parsed);
}

/// in(2, host) -> hid(3, CUBA_LIF, chip 0 core 0 slots 0..2)
///   "in->hid" SPARSE, exponent 3:
///       (0 -> 0, w +100, D 1), (0 -> 2, w -7, D 16), (1 -> 1, w +0x1234, D 5)
///   "hid->hid" SPARSE, exponent 4: (2 -> 0, w -0x123, D 2)
/// hid -> out(2, LEAKY_INTEGRATOR, chip 1 core 2 slots 0, 1)
///   "hid->out" DENSE 3 x 2, exponent 2: weights 1, 2, 3, -4, 5, -6,
///       delays 1, 2, 3, 4, 5, 6 (synapse k = pre * 2 + post)
/// hid: s16.15 state (frac 15), threshold 0x8000, reset 0, bias -100,
///      decays of 12 bits: mem 4000, syn 2048, refractory 2
/// out: state with 12 fractional bits: threshold 0, reset 0, bias 3,
///      decays of 32 bits: mem 0xF0000000, syn 0x12345678
/// Routes: chip 0: hid's key 0 -> core 0 and chip 1; in's host key
/// 0x00400000 -> core 0; chip 1: hid's key 0 -> core 2.
inline ir::Graph goldenPlacedGraph(const target::TargetDescription &t) {
  using namespace ir;
  Graph g;
  g.name = "golden";
  g.level = IRLevel::Placed;
  g.dtMs = 1.0;
  g.target = {t.name().str(), t.hash()};
  g.inputs.push_back({"in", 2, {}});

  Population hid;
  hid.name = "hid";
  hid.size = 3;
  hid.kind = NeuronKind::CubaLIF;
  hid.fixed = {/*threshold=*/0x8000,  /*reset=*/0,
               /*bias=*/-100,
               /*decayMem=*/4000,     /*decaySyn=*/2048,
               /*decayBits=*/12,
               /*stateBits=*/32,      /*stateFracBits=*/15,
               /*refractorySteps=*/2, /*stateScale=*/1.0 / 32768};
  hid.placement = {{0, 0, 0}, {0, 0, 0}, {0, 1, 2}};
  g.populations.push_back(hid);

  Population out;
  out.name = "out";
  out.size = 2;
  out.kind = NeuronKind::LeakyIntegrator;
  out.fixed = {/*threshold=*/0,
               /*reset=*/0,
               /*bias=*/3,
               /*decayMem=*/0xF0000000u,
               /*decaySyn=*/0x12345678u,
               /*decayBits=*/32,
               /*stateBits=*/32,
               /*stateFracBits=*/12,
               /*refractorySteps=*/0,
               /*stateScale=*/1.0 / 4096};
  out.placement = {{1, 1}, {2, 2}, {0, 1}};
  g.populations.push_back(out);

  Projection inHid;
  inHid.name = "in->hid";
  inHid.source = "in";
  inHid.target = "hid";
  inHid.connectivity = Connectivity::Sparse;
  inHid.pre = {0, 0, 1};
  inHid.post = {0, 2, 1};
  inHid.weights = {0.1f, -0.01f, 4.0f};
  inHid.delaySteps = {1, 16, 5};
  inHid.weightsInt = {100, -7, 0x1234};
  inHid.quantisation = {/*bits=*/17, /*scale=*/1.0 / 4096, /*exponent=*/3};
  g.projections.push_back(inHid);

  Projection rec;
  rec.name = "hid->hid";
  rec.source = "hid";
  rec.target = "hid";
  rec.connectivity = Connectivity::Sparse;
  rec.pre = {2};
  rec.post = {0};
  rec.weights = {-0.5f};
  rec.delaySteps = {2};
  rec.weightsInt = {-0x123};
  rec.quantisation = {17, 1.0 / 2048, 4};
  g.projections.push_back(rec);

  Projection hidOut;
  hidOut.name = "hid->out";
  hidOut.source = "hid";
  hidOut.target = "out";
  hidOut.connectivity = Connectivity::Dense;
  hidOut.weights = {1, 2, 3, -4, 5, -6};
  hidOut.delaySteps = {1, 2, 3, 4, 5, 6};
  hidOut.weightsInt = {1, 2, 3, -4, 5, -6};
  hidOut.quantisation = {17, 1.0, 2};
  g.projections.push_back(hidOut);

  g.outputs.push_back({"out", Decoding::MaxVoltage, {"a", "b"}});

  g.routes.push_back({0, 0, 0x00000000, 0xFFFFFF00, {0}, {1}});
  g.routes.push_back({0, 0, 0x00400000, 0xFFFFFF00, {0}, {}});
  g.routes.push_back({1, 0, 0x00000000, 0xFFFFFF00, {2}, {}});
  return g;
}

/// Emits `g` for `t` through the target registry.
inline llvm::Expected<backends::EmittedConfig>
emitSpiNNaker(const ir::Graph &g, const target::TargetDescription &t) {
  llvm::Expected<std::unique_ptr<backends::Target>> target =
      backends::createTarget(t);
  if (!target)
    return target.takeError();
  return (*target)->emit(g, t);
}

/// The bytes of the emitted file called `name` ("" if there is none).
inline std::string fileOf(const backends::EmittedConfig &c,
                          llvm::StringRef name) {
  for (const backends::EmittedConfig::File &f : c.files)
    if (f.name == name)
      return f.bytes;
  return "";
}

/// Emits `g` and parses spinnaker.axoncfg back; fails the test on error.
inline spinnaker::proto::SpiNNakerConfig
emitAndRead(const ir::Graph &g, const target::TargetDescription &t) {
  llvm::Expected<backends::EmittedConfig> out = emitSpiNNaker(g, t);
  REQUIRE(errorText(out) == "");
  llvm::Expected<spinnaker::proto::SpiNNakerConfig> config =
      spinnaker::parseSpiNNakerConfig(fileOf(*out, "spinnaker.axoncfg"),
                                      "spinnaker.axoncfg");
  REQUIRE(errorText(config) == "");
  return *config;
}

/// The core (chip, core) of a configuration; fails the test if absent.
inline const spinnaker::proto::Core &
coreAt(const spinnaker::proto::SpiNNakerConfig &c, uint32_t chip,
       uint32_t core) {
  for (const spinnaker::proto::Chip &h : c.chips())
    if (h.chip() == chip)
      for (const spinnaker::proto::Core &k : h.cores())
        if (k.core() == core)
          return k;
  FAIL("no chip " << chip << " core " << core << " in the configuration");
  static const spinnaker::proto::Core none;
  return none;
}

/// The error text of emitting `g` for `t` ("" when it succeeds).
inline std::string emitError(const ir::Graph &g,
                             const target::TargetDescription &t) {
  llvm::Expected<backends::EmittedConfig> out = emitSpiNNaker(g, t);
  return errorText(out);
}

} // namespace axon::test
