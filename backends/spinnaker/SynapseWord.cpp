//===- SynapseWord.cpp - The 32-bit fixed synapse word --------------------===//
#include "backends/spinnaker/SynapseWord.h"

#include "backends/spinnaker/SpiNNakerConfig.pb.h"

#include <cassert>

namespace axon::spinnaker {

namespace {

uint32_t lowMask(uint32_t bits) {
  return bits >= 32 ? ~uint32_t(0) : (uint32_t(1) << bits) - 1;
}

} // namespace

SynapseWordLayout layoutFromProto(const proto::WordLayout &p) {
  return {p.weight_bits(), p.delay_bits(), p.type_bits(), p.index_bits()};
}

void layoutToProto(const SynapseWordLayout &layout, proto::WordLayout &p) {
  p.set_weight_bits(layout.weightBits);
  p.set_delay_bits(layout.delayBits);
  p.set_type_bits(layout.typeBits);
  p.set_index_bits(layout.indexBits);
}

uint32_t synapseTypeBits(uint32_t types) {
  uint32_t bits = 0;
  while (bits < 32 && (uint64_t(1) << bits) < types)
    ++bits;
  return bits;
}

uint32_t packSynapseWord(const SynapseWordLayout &layout,
                         const SynapseWord &w) {
  assert(layout.fits() && "synapse word fields exceed 32 bits");
  assert(w.weight <= lowMask(layout.weightBits) && "weight too wide");
  assert(w.delay <= lowMask(layout.delayBits) && "delay too wide");
  assert(w.type <= lowMask(layout.typeBits) && "type too wide");
  assert(w.index <= lowMask(layout.indexBits) && "index too wide");
  // A zero-width field contributes nothing (and must not be shifted by 32).
  auto place = [](uint32_t value, uint32_t bits, uint32_t shift) {
    return bits == 0 ? 0u : value << shift;
  };
  return place(w.weight, layout.weightBits, layout.weightShift()) |
         place(w.delay, layout.delayBits, layout.delayShift()) |
         place(w.type, layout.typeBits, layout.typeShift()) |
         place(w.index, layout.indexBits, layout.indexShift());
}

SynapseWord unpackSynapseWord(const SynapseWordLayout &layout, uint32_t word) {
  assert(layout.fits() && "synapse word fields exceed 32 bits");
  auto field = [word](uint32_t bits, uint32_t shift) {
    return bits == 0 ? 0u : (word >> shift) & lowMask(bits);
  };
  return {field(layout.weightBits, layout.weightShift()),
          field(layout.delayBits, layout.delayShift()),
          field(layout.typeBits, layout.typeShift()),
          field(layout.indexBits, layout.indexShift())};
}

} // namespace axon::spinnaker
