//===- WeightGridTest.cpp - Quantisation-aware training's weight grid -----===//
#include "frontend/train/WeightGrid.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace axon;
using namespace axon::eventprop;

namespace {

NetworkDesc gridNetwork() {
  NetworkDesc net;
  net.inputSize = 3;
  net.dt = 1.0;
  net.numSteps = 10;
  LayerDesc hidden{"hidden", 1, NeuronKind::LIF, 20.0, 5.0, 1.0, 0.0};
  LayerDesc out{"out", 1, NeuronKind::LeakyIntegrator, 20.0, 5.0, 1.0, 0.0};
  net.layers = {hidden, out};
  net.projections = {{"in->hidden", 0, 0, true, true, 4, 0},
                     {"hidden->out", 1, 1, true, false, 0, 0}};
  return net;
}

} // namespace

TEST_CASE("snapWeights rounds a LIF layer's weights to the chip's grid",
          "[train]") {
  // tau_m 20, tau_s 5, dt 1: c = (5/15)(e^-0.05 - e^-0.2) = 0.0441661, so
  // the unit threshold / c = 22.6418. With 4 bits the mantissa is in
  // [-8, 7]: the largest weight 1.0 needs step unit * 2^-7 = 0.176889
  // (1.0 / step = 5.65 <= 7; at 2^-8 it would be 11.3). Then 1.0 -> 6,
  // -0.5 -> -2.83 -> -3, 0.26 -> 1.47 -> 1.
  NetworkDesc net = gridNetwork();
  ParameterLayout layout = ParameterLayout::of(net);
  std::vector<float> params(layout.total, 0.0f);
  const ParameterLayout::Range &in = layout.projections[0];
  params[in.weightOffset + 0] = 1.0f;
  params[in.weightOffset + 1] = -0.5f;
  params[in.weightOffset + 2] = 0.26f;
  params[in.delayOffset + 1] = 2.7f;
  params[layout.projections[1].weightOffset] = 0.123f;
  std::vector<float> out;
  train::snapWeights(net, layout, 4, params, out);
  const double c = (5.0 / 15.0) * (std::exp(-0.05) - std::exp(-0.2));
  const double step = std::ldexp(1.0 / c, -7);
  CHECK(out[in.weightOffset + 0] == Approx(6 * step).epsilon(1e-6));
  CHECK(out[in.weightOffset + 1] == Approx(-3 * step).epsilon(1e-6));
  CHECK(out[in.weightOffset + 2] == Approx(step).epsilon(1e-6));
  CHECK(step == Approx(0.176889).epsilon(1e-5));
  // Delays and the leaky-integrator readout's weights are left alone.
  CHECK(out[in.delayOffset + 1] == 2.7f);
  CHECK(out[layout.projections[1].weightOffset] == 0.123f);
  // Snapping is idempotent: grid values stay where they are.
  std::vector<float> again;
  train::snapWeights(net, layout, 4, out, again);
  CHECK(again == out);
}

TEST_CASE("snapWeights clamps to the mantissa range and keeps zeros",
          "[train]") {
  // -1.0 sets the scale: with 3 bits [-4, 3] the step is unit * 2^-6
  // (1.0 / step = 2.83 in range); 0.9 -> 2.54 -> 3 (the top), 0 stays 0.
  NetworkDesc net = gridNetwork();
  ParameterLayout layout = ParameterLayout::of(net);
  std::vector<float> params(layout.total, 0.0f);
  const ParameterLayout::Range &in = layout.projections[0];
  params[in.weightOffset + 0] = -1.0f;
  params[in.weightOffset + 1] = 0.9f;
  std::vector<float> out;
  train::snapWeights(net, layout, 3, params, out);
  const double c = (5.0 / 15.0) * (std::exp(-0.05) - std::exp(-0.2));
  const double step = std::ldexp(1.0 / c, -6);
  CHECK(out[in.weightOffset + 0] == Approx(-3 * step).epsilon(1e-6));
  CHECK(out[in.weightOffset + 1] == Approx(3 * step).epsilon(1e-6));
  CHECK(out[in.weightOffset + 2] == 0.0f);
}
