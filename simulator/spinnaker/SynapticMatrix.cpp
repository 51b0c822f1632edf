//===- SynapticMatrix.cpp - Decode master population tables and rows ------===//
//
// Every row a master population entry points at (SpiNNakerConfig.proto
// Core: 3 header words, F fixed synapse words, padding to row_length) is
// checked and decoded once into the machine's compact synapses: the offset
// of the ring entry it adds into, relative to the delay slot of the tick
// that handles the packet (delay * stride + type * slots + slot), and the
// weight magnitude, in one 32-bit word. The tick loop then streams 4 bytes
// per synapse, as the chip's DMA does, and needs no field widths; the ring
// slot is (handling tick + delay) mod ring_slots,
// which for the stored delay L mod 2^delay_bits is the slot the
// configuration documents (L = 16 stored as 0 lands in the slot read 16
// ticks later, since the current one was already drained).
//===----------------------------------------------------------------------===//
#include "simulator/spinnaker/Machine.h"

#include "backends/spinnaker/SynapseWord.h"
#include "ir/Diagnostics.h"
#include "ir/Format.h"

#include <fmt/format.h>

namespace axon::sim::spinnaker {

namespace {

using axon::spinnaker::kRowFixedCountWord;
using axon::spinnaker::kRowHeaderWords;
using axon::spinnaker::SynapseWord;
using axon::spinnaker::SynapseWordLayout;

/// Decodes the rows of one master population entry into `m`.
llvm::Error decodeEntry(const cfg::Core &core, const CoreImage &img,
                        const cfg::MasterPopulationEntry &e,
                        const std::string &where, const SynapseWordLayout &wl,
                        Machine &m, std::vector<RowRange> &rows) {
  const ChipArithmetic &a = m.arithmetic;
  uint64_t rowWords = uint64_t(kRowHeaderWords) + e.row_length();
  uint64_t end = uint64_t(e.address()) + uint64_t(e.row_count()) * rowWords;
  if (end > uint64_t(core.synaptic_matrix_size()))
    return makeError(where,
                     "{} rows of {} words from address {} end at word {}, "
                     "beyond the synaptic matrix's {} words",
                     e.row_count(), rowWords, e.address(), end,
                     core.synaptic_matrix_size());
  if (uint64_t(e.first_index()) + e.row_count() > (uint64_t(1) << 32))
    return makeError(where, "rows {} + {} exceed the 32-bit key",
                     e.first_index(), e.row_count());
  rows.reserve(e.row_count());
  for (uint32_t r = 0; r < e.row_count(); ++r) {
    uint64_t base = e.address() + r * rowWords;
    std::string rowWhere = fmt::format("{} row {} (word {})", where, r, base);
    if (core.synaptic_matrix(base) != 0 || core.synaptic_matrix(base + 2) != 0)
      return makeError(rowWhere,
                       "plastic region {} words and {} plastic control "
                       "half-words: the chip holds static synapses only",
                       core.synaptic_matrix(base),
                       core.synaptic_matrix(base + 2));
    uint32_t fixed = core.synaptic_matrix(base + kRowFixedCountWord);
    if (fixed > e.row_length())
      return makeError(rowWhere, "{} fixed synapses exceed row_length {}",
                       fixed, e.row_length());
    RowRange range;
    range.begin = static_cast<uint32_t>(m.synapses.size());
    for (uint32_t k = 0; k < fixed; ++k) {
      uint32_t word = core.synaptic_matrix(base + kRowHeaderWords + k);
      SynapseWord w = axon::spinnaker::unpackSynapseWord(wl, word);
      if (w.index >= img.slots ||
          m.statePopulation[img.stateBase + w.index] == kNoNeuron)
        return makeError(rowWhere,
                         "synapse {} (word {:#010x}) targets slot {}, which "
                         "holds no neuron on this core of {} slots",
                         k, word, w.index, img.slots);
      if (w.type >= a.synapseTypes)
        return makeError(rowWhere,
                         "synapse {} (word {:#010x}) has type {} of {} "
                         "synapse types",
                         k, word, w.type, a.synapseTypes);
      // delay < ring_slots and weight <= the ring entry maximum hold by the
      // field widths buildMachine checked.
      uint32_t offset = w.delay * img.stride + w.type * img.slots + w.index;
      m.synapses.push_back(w.weight << kCompactOffsetBits | offset);
    }
    range.end = static_cast<uint32_t>(m.synapses.size());
    rows.push_back(range);
  }
  return llvm::Error::success();
}

} // namespace

llvm::Error decodeSynapticMatrices(
    const cfg::SpiNNakerConfig &config, llvm::StringRef location, Machine &m,
    std::vector<std::vector<std::vector<RowRange>>> &rowsOf) {
  SynapseWordLayout wl = axon::spinnaker::layoutFromProto(config.word_layout());
  rowsOf.assign(m.cores.size(), {});
  size_t words = 0;
  for (const cfg::Chip &chip : config.chips())
    for (const cfg::Core &core : chip.cores())
      words += core.synaptic_matrix_size();
  // At most one compact synapse per stored word.
  m.synapses.reserve(words);
  size_t c = 0;
  for (const cfg::Chip &chip : config.chips())
    for (const cfg::Core &core : chip.cores()) {
      const CoreImage &img = m.cores[c];
      rowsOf[c].resize(core.master_population_table_size());
      for (int e = 0; e < core.master_population_table_size(); ++e) {
        const cfg::MasterPopulationEntry &entry =
            core.master_population_table(e);
        std::string where = fmt::format(
            "{}: chip {} core {} master population entry {} (key {:#010x}, "
            "source '{}')",
            location, chip.chip(), core.core(), e, entry.key(), entry.source());
        if (llvm::Error err =
                decodeEntry(core, img, entry, where, wl, m, rowsOf[c][e]))
          return err;
      }
      ++c;
    }
  if (m.synapses.size() >= (uint64_t(1) << 32))
    return makeError(location.str(), "more than 2^32 synapses");
  return llvm::Error::success();
}

} // namespace axon::sim::spinnaker
