//===- SynapticRowsTest.cpp - Synaptic matrices and master tables ---------===//
//
// The golden graph of SpiNNakerTestSupport.h, its rows and words derived by
// hand (word = weight << 16 | (L mod 16) << 9 | type << 8 | slot, row =
// [0][F][0][F words][padding], keys = source << 16 | rank << 8 | slot with
// source = chip * 16 + core, host slices 64 + h), and the errors the rows
// can raise.
//===----------------------------------------------------------------------===//
#include "SpiNNakerTestSupport.h"

#include "ir/Verifier.h"

#include <catch2/catch.hpp>

using namespace axon;
namespace cfg = axon::spinnaker::proto;
using U = std::vector<uint32_t>;

namespace {

U matrixOf(const cfg::Core &c) {
  return U(c.synaptic_matrix().begin(), c.synaptic_matrix().end());
}

} // namespace

TEST_CASE("the golden graph is a valid PLACED graph", "[spinnaker]") {
  target::TargetDescription t = test::spinnakerTarget();
  CHECK(test::errorText(ir::verifyGraph(test::goldenPlacedGraph(t))) == "");
}

TEST_CASE("rows of the hidden core hold the words derived by hand",
          "[spinnaker][golden]") {
  target::TargetDescription t = test::spinnakerTarget();
  cfg::SpiNNakerConfig c = test::emitAndRead(test::goldenPlacedGraph(t), t);
  const cfg::Core &core = test::coreAt(c, 0, 0);

  // Shifts of hid: excitatory synapses into it are in->hid's (exponent 3,
  // hid has 15 fractional bits: 3 + 15 - 15 = 3); inhibitory ones are
  // in->hid's (3) and hid->hid's (4): the smaller, 3, is the shift.
  REQUIRE(core.slices_size() == 1);
  CHECK(U(core.slices(0).ring_shift().begin(),
          core.slices(0).ring_shift().end()) == U{3, 3});

  // Master table by key: hid on this core (source 0, rank 0: key 0), then
  // the host slice of `in` (source 64: 64 << 16 = 0x00400000).
  REQUIRE(core.master_population_table_size() == 2);
  const cfg::MasterPopulationEntry &hid = core.master_population_table(0);
  CHECK(hid.key() == 0x00000000u);
  CHECK(hid.mask() == 0xFFFFFF00u);
  CHECK(hid.address() == 0u);
  CHECK(hid.row_length() == 1u);
  CHECK(hid.first_index() == 0u);
  CHECK(hid.row_count() == 3u);
  CHECK(hid.source() == "hid");
  const cfg::MasterPopulationEntry &in = core.master_population_table(1);
  CHECK(in.key() == 0x00400000u);
  CHECK(in.mask() == 0xFFFFFF00u);
  CHECK(in.address() == 12u); // 3 rows x (3 header + 1 word)
  CHECK(in.row_length() == 2u);
  CHECK(in.first_index() == 0u);
  CHECK(in.row_count() == 2u);
  CHECK(in.source() == "in");

  // hid->hid (2 -> 0, w -0x123, exponent 4, D 2): shifted left by
  // 4 - 3 = 1 to the core's inhibitory shift: magnitude 0x246, so
  //   0x02460000 | 2 << 9 = 0x400 | 1 << 8 = 0x100 | slot 0 = 0x02460500.
  // in->hid row of in 0: (0 -> 0, +100, D 1) = 0x00640000 | 0x200 =
  //   0x00640200; (0 -> 2, -7, D 16) = 0x00070000 | (16 mod 16) << 9 |
  //   0x100 | 2 = 0x00070102. Row of in 1: (1 -> 1, +0x1234, D 5) =
  //   0x12340000 | 0xA00 | 1 = 0x12340A01, padded to 2 words.
  CHECK(matrixOf(core) == U{0, 0, 0, 0,          // hid 0: no synapse here
                            0, 0, 0, 0,          // hid 1
                            0, 1, 0, 0x02460500, // hid 2
                            0, 2, 0, 0x00640200, 0x00070102, // in 0
                            0, 1, 0, 0x12340A01, 0});        // in 1
}

TEST_CASE("rows of the readout core hold the words derived by hand",
          "[spinnaker][golden]") {
  target::TargetDescription t = test::spinnakerTarget();
  cfg::SpiNNakerConfig c = test::emitAndRead(test::goldenPlacedGraph(t), t);
  const cfg::Core &core = test::coreAt(c, 1, 2);
  // hid->out has exponent 2 and out has 12 fractional bits: 2 + 15 - 12 =
  // 5 for both types.
  REQUIRE(core.slices_size() == 1);
  CHECK(U(core.slices(0).ring_shift().begin(),
          core.slices(0).ring_shift().end()) == U{5, 5});
  REQUIRE(core.master_population_table_size() == 1);
  const cfg::MasterPopulationEntry &hid = core.master_population_table(0);
  CHECK(hid.key() == 0x00000000u);
  CHECK(hid.address() == 0u);
  CHECK(hid.row_length() == 2u);
  CHECK(hid.row_count() == 3u);
  // DENSE synapse k = pre * 2 + post, weight and delay k + 1, sign -
  // for k = 3, 5:
  //   (0,0) 1 D1: 0x00010200   (0,1) 2 D2: 0x00020401
  //   (1,0) 3 D3: 0x00030600   (1,1) -4 D4: 0x00040000|0x800|0x100|1
  //   (2,0) 5 D5: 0x00050A00   (2,1) -6 D6: 0x00060000|0xC00|0x100|1
  CHECK(matrixOf(core) == U{0, 2, 0, 0x00010200, 0x00020401, 0, 2, 0,
                            0x00030600, 0x00040901, 0, 2, 0, 0x00050A00,
                            0x00060D01});
}

TEST_CASE("a row longer than max_row_length is an error naming the source "
          "neuron and the core",
          "[spinnaker][errors]") {
  target::TargetDescription t =
      test::editedSpiNNakerTarget([](target::proto::Target &d) {
        d.mutable_resources()->set_max_row_length(1);
      });
  CHECK(test::emitError(test::goldenPlacedGraph(t), t) ==
        "input 'in' neuron 0: its row into chip 0 core 0 has 2 synapses, "
        "more than max_row_length 1");
}

TEST_CASE("a delay outside [1, 16] is an error naming the synapse",
          "[spinnaker][errors]") {
  target::TargetDescription t = test::spinnakerTarget();
  ir::Graph g = test::goldenPlacedGraph(t);
  g.projections[0].delaySteps[1] = 17;
  CHECK(test::emitError(g, t) ==
        "projection 'in->hid' synapse (0, 2): delay 17 steps is outside the "
        "on-core range [1, 16] of the 4-bit delay field: longer delays need "
        "delay-extension stages (run delay-lines)");
  g.projections[0].delaySteps[1] = 0;
  CHECK(test::emitError(g, t) ==
        "projection 'in->hid' synapse (0, 2): delay 0 steps is outside the "
        "on-core range [1, 16] of the 4-bit delay field: a packet reaches "
        "its target core the tick after it is sent, so the ring buffer adds "
        "at least one tick");
  // No delays at all means delay 0 for every synapse.
  g.projections[0].delaySteps.clear();
  CHECK(test::emitError(g, t) ==
        "projection 'in->hid' synapse (0, 0): delay 0 steps is outside the "
        "on-core range [1, 16] of the 4-bit delay field: a packet reaches "
        "its target core the tick after it is sent, so the ring buffer adds "
        "at least one tick");
}

TEST_CASE("weights that do not fit the 16-bit field are errors",
          "[spinnaker][errors]") {
  target::TargetDescription t = test::spinnakerTarget();
  ir::Graph g = test::goldenPlacedGraph(t);
  g.projections[0].quantisation.bits = 18;
  g.projections[0].weightsInt[2] = 0x10000;
  CHECK(test::emitError(g, t) ==
        "projection 'in->hid' synapse (1, 1): weight magnitude 65536 does "
        "not fit the 16-bit weight field");

  // hid->hid's -0x8000 at exponent 4 must move up by one to hid's
  // inhibitory shift 3 (from in->hid): 0x10000 overflows.
  g = test::goldenPlacedGraph(t);
  g.projections[1].weightsInt[0] = -0x8000;
  CHECK(test::emitError(g, t) ==
        "projection 'hid->hid' synapse (2, 0): weight magnitude 32768 "
        "(exponent 4) shifted left by 1 to the ring-buffer shift 3 of "
        "population 'hid' synapse type 1 is 65536, which overflows the "
        "16-bit weight field");
}

TEST_CASE("a ring-buffer shift outside [0, max_shift] is an error naming "
          "the population and the projection",
          "[spinnaker][errors]") {
  target::TargetDescription t = test::spinnakerTarget();
  ir::Graph g = test::goldenPlacedGraph(t);
  g.projections[2].quantisation.exponent = 12; // 12 + 15 - 12 = 15: fits
  CHECK(test::emitError(g, t) == "");
  g.projections[2].quantisation.exponent = 14; // 17 > 16
  CHECK(test::emitError(g, t) ==
        "population 'out': synapse type 0 needs a ring-buffer left shift of "
        "17 for projection 'hid->out' (exponent 14 + 15 - 12 state "
        "fractional bits) but the chip shifts by 0 to 16");
  g.projections[2].quantisation.exponent = -4; // -4 + 3 = -1
  CHECK(test::emitError(g, t) ==
        "population 'out': synapse type 0 needs a ring-buffer left shift of "
        "-1 for projection 'hid->out' (exponent -4 + 15 - 12 state "
        "fractional bits) but the chip shifts by 0 to 16");
}
