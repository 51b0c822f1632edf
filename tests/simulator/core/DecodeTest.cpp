#include "simulator/Decode.h"

#include <catch2/catch.hpp>

using namespace axon::sim;

namespace {

TrialResult readoutOf(Decoding decoding, uint32_t size,
                      std::vector<double> voltage = {},
                      std::vector<SpikeEvent> spikes = {}) {
  TrialResult r;
  r.readout.population = "out";
  r.readout.decoding = decoding;
  r.readout.size = size;
  r.readout.voltage = std::move(voltage);
  r.populations.push_back({"hidden", 4, {{1, 0}, {1, 1}, {2, 3}}});
  r.populations.push_back({"out", size, std::move(spikes)});
  return r;
}

} // namespace

TEST_CASE("first-spike decoding: earliest wins, silent neurons count as "
          "firing at T, ties go to the lowest index",
          "[decode]") {
  // Neuron 2 fires at step 3, neuron 1 at step 5 then 2 (unsorted on
  // purpose: the earliest counts), neuron 0 never.
  Decision d = decide(readoutOf(Decoding::FirstSpike, 3, {},
                                {{3, 2}, {5, 1}, {2, 1}}),
                      10, 1.0);
  CHECK(d.winner == 1);
  CHECK(d.score == std::vector<double>{-10.0, -2.0, -3.0});
  Decision tie =
      decide(readoutOf(Decoding::FirstSpike, 3, {}, {{4, 2}, {4, 1}}), 10, 1.0);
  CHECK(tie.winner == 1);
  Decision none = decide(readoutOf(Decoding::FirstSpike, 2), 10, 1.0);
  CHECK(none.winner == 0);
  // A spike at T ties with silence: the lower index wins either way.
  CHECK(decide(readoutOf(Decoding::FirstSpike, 2, {}, {{10, 1}}), 10, 1.0)
            .winner == 0);
}

TEST_CASE("spike-count decoding counts only the readout's spikes", "[decode]") {
  Decision d = decide(
      readoutOf(Decoding::SpikeCount, 2, {}, {{1, 1}, {2, 0}, {3, 1}}), 5, 1.0);
  CHECK(d.score == std::vector<double>{1.0, 2.0});
  CHECK(d.winner == 1);
}

TEST_CASE("voltage decodings weight the grid as the training loss does",
          "[decode]") {
  // Two neurons over 2 steps of 0.5 ms (T = 1 ms): grid points 0, 1, 2.
  std::vector<double> v = {0.0, 0.0, 2.0, 1.0, 0.0, 4.0};
  Decision mean = decide(readoutOf(Decoding::MeanVoltage, 2, v), 2, 0.5);
  // Trapezoid: (1/T) (0.25 V0 + 0.5 V1 + 0.25 V2).
  CHECK(mean.score[0] == Approx(1.0));
  CHECK(mean.score[1] == Approx(1.5));
  CHECK(mean.winner == 1);
  Decision expw = decide(readoutOf(Decoding::ExpWeightedVoltage, 2, v), 2, 0.5);
  CHECK(expw.score[0] == Approx(0.5 * std::exp(-0.5) * 2.0));
  CHECK(expw.score[1] ==
        Approx(0.5 * std::exp(-0.5) * 1.0 + 0.25 * std::exp(-1.0) * 4.0));
  Decision lin =
      decide(readoutOf(Decoding::LinearWeightedVoltage, 2, v), 2, 0.5);
  CHECK(lin.score[0] == Approx(0.5 * 0.5 * 2.0));
  CHECK(lin.score[1] == Approx(0.5 * 0.5 * 1.0)); // V2 has weight 1 - 1 = 0
  CHECK(lin.winner == 0);
  Decision peak = decide(readoutOf(Decoding::MaxVoltage, 2, v), 2, 0.5);
  CHECK(peak.score == std::vector<double>{2.0, 4.0});
}

TEST_CASE("state scale converts chip voltages to volts", "[decode]") {
  TrialResult r = readoutOf(Decoding::MaxVoltage, 2, {0, 0, 64, 128});
  r.readout.stateScale = 1.0 / 64;
  Decision d = decide(r, 1, 1.0);
  CHECK(d.score == std::vector<double>{1.0, 2.0});
}
