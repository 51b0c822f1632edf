//===- NeuronParamsTest.cpp - Neuron slices in the chip's formats ---------===//
//
// Golden values derived by hand from the IR's FixedPointNeuron and the
// conversion rules of NeuronParams.cpp: s16.15 state = IR state <<
// (15 - state_frac_bits), u0.32 decay = IR multiplier << (32 - decay_bits).
//===----------------------------------------------------------------------===//
#include "backends/spinnaker/SpiNNakerEmitter.h"

#include "SpiNNakerTestSupport.h"

#include <catch2/catch.hpp>

using namespace axon;
namespace cfg = axon::spinnaker::proto;
using backends::spinnaker::chipNeuronParams;

namespace {

ir::Population population(ir::NeuronKind kind, ir::FixedPointNeuron fixed) {
  ir::Population p;
  p.name = std::string("p");
  p.size = 1;
  p.kind = kind;
  p.fixed = fixed;
  return p;
}

std::string paramsError(const ir::Population &p) {
  llvm::Expected<cfg::NeuronSlice> s =
      chipNeuronParams(p, test::spinnakerTarget());
  return test::errorText(s);
}

} // namespace

TEST_CASE("neuron constants of an s16.15 population pass through; decays "
          "widen to u0.32",
          "[spinnaker][golden]") {
  // threshold 0x8000 is 1.0 in s16.15; decay_mem 4000 of 12 bits is
  // 4000 << 20 = 0xFA0 << 20 = 0xFA000000; decay_syn 2048 << 20 =
  // 0x80000000 (one half).
  ir::Population p =
      population(ir::NeuronKind::CubaLIF,
                 {/*threshold=*/0x8000, /*reset=*/-0x4000, /*bias=*/-100,
                  /*decayMem=*/4000, /*decaySyn=*/2048, /*decayBits=*/12,
                  /*stateBits=*/32, /*stateFracBits=*/15, /*refractorySteps=*/2,
                  /*stateScale=*/1.0 / 32768});
  llvm::Expected<cfg::NeuronSlice> s =
      chipNeuronParams(p, test::spinnakerTarget());
  REQUIRE(test::errorText(s) == "");
  CHECK(s->model() == cfg::CUBA_LIF);
  CHECK_FALSE(s->relay());
  CHECK(s->threshold() == 0x8000);
  CHECK(s->reset() == -0x4000);
  CHECK(s->bias() == -100);
  CHECK(s->decay_mem() == 0xFA000000u);
  CHECK(s->decay_syn() == 0x80000000u);
  CHECK(s->refractory_ticks() == 2u);
}

TEST_CASE("state with fewer fractional bits is shifted up to s16.15",
          "[spinnaker][golden]") {
  // 12 fractional bits: everything moves left by 15 - 12 = 3, so
  // threshold 0x1000 (1.0 in s19.12) becomes 0x8000, bias 3 becomes 24,
  // reset -5 becomes -40. 32-bit decays are copied unchanged.
  ir::Population p =
      population(ir::NeuronKind::LIF, {0x1000, -5, 3, 0xF0000000u, 0x12345678u,
                                       32, 32, 12, 0, 1.0 / 4096});
  llvm::Expected<cfg::NeuronSlice> s =
      chipNeuronParams(p, test::spinnakerTarget());
  REQUIRE(test::errorText(s) == "");
  CHECK(s->model() == cfg::LIF);
  CHECK(s->threshold() == 0x8000);
  CHECK(s->reset() == -40);
  CHECK(s->bias() == 24);
  CHECK(s->decay_mem() == 0xF0000000u);
  CHECK(s->decay_syn() == 0x12345678u);
}

TEST_CASE("relay populations become stateless delay-extension slices",
          "[spinnaker]") {
  ir::Population p = population(ir::NeuronKind::Relay, {});
  llvm::Expected<cfg::NeuronSlice> s =
      chipNeuronParams(p, test::spinnakerTarget());
  REQUIRE(test::errorText(s) == "");
  CHECK(s->model() == cfg::RELAY);
  CHECK(s->relay());
  CHECK(s->threshold() == 0);
  CHECK(s->decay_mem() == 0u);
}

TEST_CASE("neuron constants the chip cannot hold are errors naming the "
          "population, the value and the limit",
          "[spinnaker][errors]") {
  ir::FixedPointNeuron base{0x8000, 0, 0, 100, 100, 12, 32, 15, 0, 1.0};

  ir::FixedPointNeuron f = base;
  f.stateFracBits = 16;
  CHECK(paramsError(population(ir::NeuronKind::LIF, f)) ==
        "population 'p': fixed.state_frac_bits = 16 exceeds the chip's 15 "
        "fractional state bits: the state would lose precision");

  f = base;
  f.decayMem = 4096; // 4096 / 2^12 = 1.0
  CHECK(paramsError(population(ir::NeuronKind::LIF, f)) ==
        "population 'p': fixed.decay_mem = 4096 of 2^12 is a factor of 1 (no "
        "decay): the chip's u0.32 factors hold at most 1 - 2^-32");

  // With 12 fractional bits the state is shifted by 3: 2^28 becomes 2^31,
  // one past the largest 32-bit value; -2^28 becomes -2^31, which fits.
  f = base;
  f.stateFracBits = 12;
  f.threshold = int64_t(1) << 28;
  CHECK(paramsError(population(ir::NeuronKind::LIF, f)) ==
        "population 'p': fixed.threshold = 268435456 is 268435456 x 2^3 in "
        "the chip's s16.15 raw units, outside its 32-bit signed range");
  f.threshold = -(int64_t(1) << 28);
  CHECK(paramsError(population(ir::NeuronKind::LIF, f)) == "");

  f = base;
  f.refractorySteps = 70000;
  CHECK(paramsError(population(ir::NeuronKind::LIF, f)) ==
        "population 'p': fixed.refractory_steps = 70000 exceeds the chip's "
        "max_refractory_steps 65535");
}
