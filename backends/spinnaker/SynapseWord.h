//===- SynapseWord.h - The 32-bit fixed synapse word ------------*- C++ -*-===//
//
// One static synapse in a SpiNNaker-like synaptic row (targets.md B.5,
// G.2), MSB to LSB:
//   weight (weightBits) | unused | delay (delayBits) | type (typeBits)
//   | index (indexBits)
// The weight magnitude occupies the top weightBits bits; delay, type and
// index are packed upward from bit 0. For the shipped description (16, 4,
// 1, 8): weight 31..16, unused 15..13, delay 12..9, type 8, index 7..0.
//
// Part of axon_spinnaker_format: the emitter packs words with it and the
// emulator unpacks them, so both read one definition of the layout.
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

namespace axon::spinnaker {

namespace proto {
class WordLayout;
} // namespace proto

/// Field widths of a synapse word; they must sum to at most 32.
struct SynapseWordLayout {
  uint32_t weightBits = 16;
  uint32_t delayBits = 4;
  uint32_t typeBits = 1;
  uint32_t indexBits = 8;

  uint32_t indexShift() const { return 0; }
  uint32_t typeShift() const { return indexBits; }
  uint32_t delayShift() const { return indexBits + typeBits; }
  uint32_t weightShift() const { return 32 - weightBits; }
  /// True when the fields fit one 32-bit word without overlapping.
  bool fits() const {
    return weightBits >= 1 &&
           uint64_t(weightBits) + delayBits + typeBits + indexBits <= 32;
  }

  bool operator==(const SynapseWordLayout &) const = default;
};

/// The layout a configuration records.
SynapseWordLayout layoutFromProto(const proto::WordLayout &p);
void layoutToProto(const SynapseWordLayout &layout, proto::WordLayout &p);

/// ceil(log2 types): bits of the synapse-type field (0 for one type).
uint32_t synapseTypeBits(uint32_t types);

/// The fields of one word, each below 2^(its width).
struct SynapseWord {
  uint32_t weight = 0; ///< unsigned magnitude (the sign is the type)
  uint32_t delay = 0;  ///< on-core delay L mod 2^delayBits, ticks
  uint32_t type = 0;   ///< 0 excitatory, 1 inhibitory
  uint32_t index = 0;  ///< postsynaptic slot on the target core

  bool operator==(const SynapseWord &) const = default;
};

/// Packs `w` under `layout` (which must fit()); every field must be below
/// 2^(its width): callers check user data first, so this only asserts.
uint32_t packSynapseWord(const SynapseWordLayout &layout, const SynapseWord &w);
/// The inverse of packSynapseWord; unused bits are ignored.
SynapseWord unpackSynapseWord(const SynapseWordLayout &layout, uint32_t word);

/// Words before a row's fixed synapse words: plastic region size (0),
/// fixed synapse count, plastic control half-word count (0).
inline constexpr uint32_t kRowHeaderWords = 3;
/// Position of the fixed synapse count inside the row header.
inline constexpr uint32_t kRowFixedCountWord = 1;

} // namespace axon::spinnaker
