//===- Engine.cpp - Batch results shared by every engine ------------------===//
#include "frontend/eventprop/Engine.h"

namespace axon::eventprop {

Engine::~Engine() = default;

EngineCounters &EngineCounters::operator+=(const EngineCounters &other) {
  inputSpikes += other.inputSpikes;
  spikes += other.spikes;
  forwardSynapticEvents += other.forwardSynapticEvents;
  backwardSynapticEvents += other.backwardSynapticEvents;
  clampedSlopes += other.clampedSlopes;
  phantomKicks += other.phantomKicks;
  return *this;
}

uint32_t BatchResult::correct(llvm::ArrayRef<Sample> batch) const {
  uint32_t count = 0;
  for (size_t b = 0; b < samples.size() && b < batch.size(); ++b)
    count += samples[b].predicted == batch[b].label;
  return count;
}

} // namespace axon::eventprop
