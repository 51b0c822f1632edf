//===- KeepSynapsesTest.cpp - Remove synapses from a projection -----------===//
#include "passes/KeepSynapses.h"

#include <catch2/catch.hpp>

using namespace axon;
using namespace axon::passes;

TEST_CASE("keeping every synapse leaves the projection as it was", "[passes]") {
  ir::Projection p;
  p.connectivity = ir::Connectivity::Dense;
  p.weights = {1, 2, 3, 4};
  ir::Projection before = p;
  CHECK(keepSynapses(p, 2, llvm::BitVector(4, true)) == 0);
  CHECK(p == before);
}

TEST_CASE("removing from a ONE_TO_ONE projection makes it SPARSE with "
          "every array filtered",
          "[passes]") {
  ir::Projection p;
  p.connectivity = ir::Connectivity::OneToOne;
  p.weights = {1, 2, 3};
  p.delaysMs = {0.5f, 1.5f, 2.5f};
  p.delaySteps = {1, 2, 3};
  p.weightsInt = {10, 20, 30};
  llvm::BitVector keep(3, true);
  keep.reset(1);
  CHECK(keepSynapses(p, 3, keep) == 1);
  CHECK(p.connectivity == ir::Connectivity::Sparse);
  CHECK(p.pre == std::vector<uint32_t>{0, 2});
  CHECK(p.post == std::vector<uint32_t>{0, 2});
  CHECK(p.weights == std::vector<float>{1, 3});
  CHECK(p.delaysMs == std::vector<float>{0.5f, 2.5f});
  CHECK(p.delaySteps == std::vector<uint32_t>{1, 3});
  CHECK(p.weightsInt == std::vector<int32_t>{10, 30});
}

TEST_CASE("removing from a DENSE projection keeps (pre, post) of the rest",
          "[passes]") {
  ir::Projection p;
  p.connectivity = ir::Connectivity::Dense; // 2 x 3: (i, j) at 3i + j
  p.weights = {0, 1, 2, 3, 4, 5};
  llvm::BitVector keep(6, false);
  keep.set(2);
  keep.set(4);
  CHECK(keepSynapses(p, 3, keep) == 4);
  CHECK(p.pre == std::vector<uint32_t>{0, 1});
  CHECK(p.post == std::vector<uint32_t>{2, 1});
  CHECK(p.weights == std::vector<float>{2, 4});
  CHECK(p.delaysMs.empty()); // absent arrays stay absent
}
