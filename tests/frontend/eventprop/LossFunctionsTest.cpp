//===- LossFunctionsTest.cpp - Readout losses and derivatives -------------===//
//
// Values against the formulas of eventprop.md C.1/C.2 and derivatives
// against central differences of the loss functions themselves (float64,
// 1e-6 relative).
//===----------------------------------------------------------------------===//
#include "frontend/eventprop/LossFunctions.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using namespace axon::eventprop;

TEST_CASE("cross-entropy is -log softmax and its derivative softmax - "
          "onehot",
          "[eventprop]") {
  std::vector<double> z = {0.3, -1.2, 2.0, 900.0 - 898.5};
  std::vector<double> grad(4);
  double loss = crossEntropy(z, 2, grad);
  double sum = 0.0;
  for (double x : z)
    sum += std::exp(x);
  CHECK(loss == Approx(std::log(sum) - 2.0));
  for (size_t k = 0; k < 4; ++k)
    CHECK(grad[k] == Approx(std::exp(z[k]) / sum - (k == 2)));
  // Stable for large values.
  std::vector<double> big = {1000.0, 0.0};
  std::vector<double> g2(2);
  CHECK(crossEntropy(big, 1, g2) == Approx(1000.0));
}

TEST_CASE("first-spike loss derivatives match finite differences and "
          "silent neurons get none",
          "[eventprop]") {
  LossDesc desc;
  desc.kind = LossKind::FirstSpike;
  std::vector<double> t = {3.0, 2.5, 4.2};
  std::vector<bool> firedVector = {true, true, true};
  bool fired[3] = {true, true, true};
  std::vector<double> grad(3), scratch(3);
  double loss = firstSpikeLoss(desc, t, fired, 0, grad);
  double denominator = 0.0;
  for (double x : t)
    denominator += std::exp(-x / desc.tau0);
  CHECK(loss == Approx(-std::log(std::exp(-3.0 / desc.tau0) / denominator) +
                       desc.alpha * (std::exp(3.0 / desc.tau1) - 1.0)));
  for (size_t k = 0; k < 3; ++k) {
    std::vector<double> up = t, down = t;
    up[k] += 1e-6;
    down[k] -= 1e-6;
    double fd = (firstSpikeLoss(desc, up, fired, 0, scratch) -
                 firstSpikeLoss(desc, down, fired, 0, scratch)) /
                2e-6;
    CHECK(grad[k] == Approx(fd).epsilon(1e-6));
  }
  CHECK(firstSpikeLabelGradient(desc, t, 0) == Approx(grad[0]));
  fired[1] = false;
  firstSpikeLoss(desc, t, fired, 0, grad);
  CHECK(grad[1] == 0.0);
}

TEST_CASE("loss weightings are exp(-t/T), 1 - t/T and 1", "[eventprop]") {
  CHECK(lossWeight(LossKind::SumExpWeighted, 250.0, 1000.0) ==
        Approx(std::exp(-0.25)));
  CHECK(lossWeight(LossKind::SumLinearWeighted, 250.0, 1000.0) == Approx(0.75));
  CHECK(lossWeight(LossKind::Sum, 250.0, 1000.0) == 1.0);
  CHECK(argMax(std::vector<double>{1.0, 3.0, 3.0}) == 1);
  CHECK(argMin(std::vector<double>{2.0, 1.0, 1.0}) == 1);
}
