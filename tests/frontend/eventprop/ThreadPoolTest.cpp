//===- ThreadPoolTest.cpp - Every worker runs each task once --------------===//
#include "frontend/eventprop/ThreadPool.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <vector>

using namespace axon::eventprop;

TEST_CASE("thread pool runs the task once on every worker, call after call",
          "[eventprop]") {
  for (unsigned size : {1u, 2u, 5u}) {
    ThreadPool pool(size);
    REQUIRE(pool.size() == size);
    for (int call = 0; call < 50; ++call) {
      std::vector<std::atomic<int>> hits(size);
      pool.runOnAll([&](unsigned worker) { ++hits[worker]; });
      for (auto &h : hits)
        CHECK(h.load() == 1);
    }
  }
  ThreadPool automatic;
  CHECK(automatic.size() >= 1);
}
