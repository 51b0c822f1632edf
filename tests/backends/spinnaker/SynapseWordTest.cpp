//===- SynapseWordTest.cpp - The 32-bit fixed synapse word ----------------===//
//
// Golden words written by hand from the layout of targets.md B.5 / G.2
// (weight 31..16 | unused 15..13 | delay 12..9 | type 8 | index 7..0 for
// the shipped description), other layouts derived from the same rule, and
// a round trip over every value of every field.
//===----------------------------------------------------------------------===//
#include "backends/spinnaker/SynapseWord.h"

#include "backends/spinnaker/SpiNNakerConfig.pb.h"

#include <catch2/catch.hpp>
#include <random>

using namespace axon::spinnaker;

namespace {

const SynapseWordLayout kClassic{/*weightBits=*/16, /*delayBits=*/4,
                                 /*typeBits=*/1, /*indexBits=*/8};

uint32_t mask(uint32_t bits) { return bits >= 32 ? ~0u : (1u << bits) - 1; }

/// Bits a layout uses: the weight at the top, the rest from bit 0.
uint32_t usedBits(const SynapseWordLayout &l) {
  uint32_t low = l.delayBits + l.typeBits + l.indexBits;
  return (mask(l.weightBits) << (32 - l.weightBits)) | mask(low);
}

} // namespace

TEST_CASE("synapse words place each field where targets.md B.5 says",
          "[spinnaker][golden]") {
  // Check that weight 0x1234, delay 5, inhibitory, index 17 is
  //   0x1234 << 16 = 0x12340000
  //   5 << 9       = 0x00000A00
  //   1 << 8       = 0x00000100
  //   17           = 0x00000011
  //   OR           = 0x12340B11
  CHECK(packSynapseWord(kClassic, {0x1234, 5, 1, 17}) == 0x12340B11u);
  // Check that L = 16 is stored as 16 mod 16 = 0: weight 0xFFFF,
  // excitatory, index 255 -> 0xFFFF0000 | 0xFF = 0xFFFF00FF.
  CHECK(packSynapseWord(kClassic, {0xFFFF, 16 % 16, 0, 255}) == 0xFFFF00FFu);
  // Check that delay 15, excitatory, index 0, weight 1:
  //   0x00010000 | 15 << 9 = 0x1E00 -> 0x00011E00.
  CHECK(packSynapseWord(kClassic, {1, 15, 0, 0}) == 0x00011E00u);
  CHECK(kClassic.weightShift() == 16);
  CHECK(kClassic.delayShift() == 9);
  CHECK(kClassic.typeShift() == 8);
  CHECK(kClassic.indexShift() == 0);
}

TEST_CASE("synapse word positions follow the description's widths",
          "[spinnaker][golden]") {
  // Check that a tiny layout (2 weight, 3 delay, 1 type, 2 index bits)
  // puts the weight at 31..30, delay at 5..3, type at 2, index at 1..0:
  // weight 3, delay 7, inhibitory, index 2 ->
  //   0xC0000000 | 7 << 3 = 0x38 | 1 << 2 = 0x4 | 2 = 0xC000003E.
  SynapseWordLayout tiny{2, 3, 1, 2};
  CHECK(packSynapseWord(tiny, {3, 7, 1, 2}) == 0xC000003Eu);
  // Check that 5 delay bits, 2 type bits and 9 index bits (all 32 bits
  // used) put delay at 15..11, type at 10..9, index at 8..0:
  //   weight 0xABCD << 16 = 0xABCD0000
  //   delay 17 << 11      = 0x00008800
  //   type 2 << 9         = 0x00000400
  //   index 0x1FF         = 0x000001FF  -> 0xABCD8DFF
  SynapseWordLayout wide{16, 5, 2, 9};
  CHECK(packSynapseWord(wide, {0xABCD, 17, 2, 0x1FF}) == 0xABCD8DFFu);
  // Check that a layout with a single synapse type has no type field:
  // delay 3 sits right above the index, 3 << 8 = 0x300 -> 0x80000309.
  SynapseWordLayout oneType{16, 4, 0, 8};
  CHECK(packSynapseWord(oneType, {0x8000, 3, 0, 9}) == 0x80000309u);
}

TEST_CASE("the type field is ceil(log2 synapse_types) bits wide",
          "[spinnaker]") {
  CHECK(synapseTypeBits(1) == 0);
  CHECK(synapseTypeBits(2) == 1);
  CHECK(synapseTypeBits(3) == 2);
  CHECK(synapseTypeBits(4) == 2);
  CHECK(synapseTypeBits(5) == 3);
}

TEST_CASE("unpacking a packed word gives every field back over its range",
          "[spinnaker]") {
  std::mt19937_64 rng(7);
  for (SynapseWordLayout l :
       {kClassic, SynapseWordLayout{16, 6, 2, 8},
        SynapseWordLayout{12, 4, 1, 10}, SynapseWordLayout{2, 3, 1, 2},
        SynapseWordLayout{16, 4, 0, 8}, SynapseWordLayout{1, 0, 0, 0},
        SynapseWordLayout{16, 7, 1, 8}}) {
    INFO("layout " << l.weightBits << "/" << l.delayBits << "/" << l.typeBits
                   << "/" << l.indexBits);
    REQUIRE(l.fits());
    auto random = [&](uint32_t bits) {
      return static_cast<uint32_t>(rng()) & mask(bits);
    };
    auto roundTrip = [&](const SynapseWord &w) {
      uint32_t word = packSynapseWord(l, w);
      REQUIRE(unpackSynapseWord(l, word) == w);
      REQUIRE((word & ~usedBits(l)) == 0u);
    };
    // Every value of each field, the others random.
    for (uint32_t v = 0; v <= mask(l.weightBits); ++v)
      roundTrip(
          {v, random(l.delayBits), random(l.typeBits), random(l.indexBits)});
    for (uint32_t v = 0; v <= mask(l.delayBits); ++v)
      roundTrip(
          {random(l.weightBits), v, random(l.typeBits), random(l.indexBits)});
    for (uint32_t v = 0; v <= mask(l.typeBits); ++v)
      roundTrip(
          {random(l.weightBits), random(l.delayBits), v, random(l.indexBits)});
    for (uint32_t v = 0; v <= mask(l.indexBits); ++v)
      roundTrip(
          {random(l.weightBits), random(l.delayBits), random(l.typeBits), v});
    // Any word: packing its fields gives back its used bits.
    for (int i = 0; i < 20000; ++i) {
      uint32_t word = static_cast<uint32_t>(rng());
      REQUIRE(packSynapseWord(l, unpackSynapseWord(l, word)) ==
              (word & usedBits(l)));
    }
  }
}

TEST_CASE("a layout converts to and from the configuration's WordLayout",
          "[spinnaker]") {
  proto::WordLayout p;
  layoutToProto(kClassic, p);
  CHECK(p.weight_bits() == 16);
  CHECK(p.delay_bits() == 4);
  CHECK(p.type_bits() == 1);
  CHECK(p.index_bits() == 8);
  CHECK(layoutFromProto(p) == kClassic);
  CHECK_FALSE(SynapseWordLayout{16, 8, 1, 8}.fits());
}
