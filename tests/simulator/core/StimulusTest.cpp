#include "simulator/Device.h"
#include "simulator/Stimulus.h"

#include "support/Errors.h"

#include <catch2/catch.hpp>

using namespace axon;
using namespace axon::sim;
using axon::test::errorText;

TEST_CASE("binSample puts spikes on the training engines' grid",
          "[stimulus]") {
  eventprop::Sample sample;
  // floor(t / 0.5): 0.49 -> 0, 0.5 -> 1, 1.2 and 1.3 -> 2, 9.99 clamps to
  // step 3; within step 2 the time order (channel 2 before 0) stays.
  sample.spikes = {{0.49f, 3}, {0.5f, 1}, {1.2f, 2}, {1.3f, 0},
                   {1.3f, 0},  {9.99f, 2}};
  TrialInput trial = binSample(sample, 0.5, 4);
  REQUIRE(trial.numSteps == 4);
  std::vector<InputEvent> expected = {{0, 0, 3}, {1, 0, 1}, {2, 0, 2},
                                      {2, 0, 0}, {2, 0, 0}, {3, 0, 2}};
  CHECK(trial.events == expected);
}

TEST_CASE("checkTrialInput names the offending event", "[stimulus]") {
  DeviceLayout layout;
  layout.inputs = {{"in", 4}};
  TrialInput trial;
  trial.numSteps = 5;
  trial.events = {{0, 0, 1}, {2, 0, 3}};
  CHECK(errorText(checkTrialInput(trial, layout)) == "");
  trial.events.push_back({1, 0, 0});
  CHECK_THAT(errorText(checkTrialInput(trial, layout)),
             Catch::Contains("input event 2") && Catch::Contains("sorted"));
  trial.events = {{0, 0, 3}, {0, 0, 1}}; // one step, any channel order
  CHECK(errorText(checkTrialInput(trial, layout)) == "");
  trial.events = {{5, 0, 0}};
  CHECK_THAT(errorText(checkTrialInput(trial, layout)),
             Catch::Contains("step 5") && Catch::Contains("5 steps"));
  trial.events = {{0, 0, 4}};
  CHECK_THAT(errorText(checkTrialInput(trial, layout)),
             Catch::Contains("channel 4") && Catch::Contains("'in'"));
  trial.events = {{0, 1, 0}};
  CHECK_THAT(errorText(checkTrialInput(trial, layout)),
             Catch::Contains("input 1"));
}
