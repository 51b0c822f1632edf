//===- ValidateTest.cpp - Network checks name what is wrong ---------------===//
#include "EngineTestNetworks.h"

#include "frontend/eventprop/Validate.h"
#include "support/Errors.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace axon::eventprop;
using namespace axon::eventprop::test;
using axon::test::errorText;

namespace {

NetworkDesc valid() {
  NetworkDesc net;
  net.inputSize = 3;
  net.layers.push_back(makeLayer("hid", 4, NeuronKind::LIF));
  net.layers.push_back(makeLayer("out", 2, NeuronKind::LeakyIntegrator));
  net.projections.push_back(makeProjection("in->hid", 0, 0));
  net.projections.push_back(makeProjection("hid->hid", 1, 0));
  net.projections.push_back(makeProjection("hid->out", 1, 1));
  net.numSteps = 10;
  return net;
}

} // namespace

TEST_CASE("validate accepts a well-formed recurrent network", "[eventprop]") {
  CHECK(errorText(validate(valid())) == "");
}

TEST_CASE("validate names the layer, projection, field and value of each "
          "problem",
          "[eventprop]") {
  NetworkDesc net = valid();
  auto check = [&](std::string expected) {
    CHECK(errorText(validate(net)) == "eventprop: " + expected);
    net = valid();
  };
  net.inputSize = 0;
  check("network: inputSize is 0");
  net.layers.clear();
  check("network: no layers; the last layer is the readout");
  net.dt = -1.0;
  check("network: dt = -1 ms must be finite and > 0");
  net.numSteps = 0;
  check("network: numSteps is 0; the trial is empty");
  net.layers[0].size = 0;
  check("layer 0 'hid': size is 0; a layer needs at least one neuron");
  net.layers[1].tauMem = NAN;
  check("layer 1 'out': tauMem = nan ms must be finite and > 0");
  net.layers[0].reset = 1.0;
  check("layer 0 'hid': reset = 1 must be below threshold = 1");
  net.projections[1].pre = 3;
  check("projection 1 'hid->hid': pre = 3 is out of range (0 = input, 1..2 "
        "= layers)");
  net.projections[2].post = 2;
  check("projection 2 'hid->out': post = 2 is out of range (0..1)");
  net.projections.push_back(makeProjection("out->hid", 2, 0));
  check("projection 3 'out->hid': pre = 2 is layer 1 'out', a "
        "LeakyIntegrator layer, which never spikes");
  net.projections[0].maxDelaySteps = 70000;
  check("projection 0 'in->hid': maxDelaySteps = 70000 exceeds the limit of "
        "65535");
  net.layers[1].kind = NeuronKind::LIF;
  check("readout layer 1 'out': kind is LIF but the voltage loss needs a "
        "LeakyIntegrator readout (the last layer is the readout)");
  net.loss.kind = LossKind::FirstSpike;
  check("readout layer 1 'out': kind is LeakyIntegrator but the FirstSpike "
        "loss needs a LIF readout (the last layer is the readout)");
  net.layers[1].kind = NeuronKind::LIF;
  net.loss.kind = LossKind::FirstSpike;
  net.loss.tau0 = 0.0;
  check("loss: tau0 = 0 ms must be finite and > 0");
  net.regulariser.lambdaUpper = -1.0;
  check("regulariser: lambdaUpper = -1 must be finite and >= 0");
}
