//===- Initialise.h - Initial weights and delays ----------------*- C++ -*-===//
//
// Weights are drawn from N(mean, std) per projection and delays uniformly
// from [init_min_ms, init_max_ms] (converted to steps), from a generator
// seeded by the model's seed alone, so a model file fixes its start point
// on every platform (the draws use the raw 64-bit engine output, not the
// standard library's distributions, whose algorithms differ between
// implementations).
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/Network.h"
#include "frontend/model/model.pb.h"

#include <vector>

namespace axon::train {

std::vector<float> initialParameters(const model::proto::Model &m,
                                     const eventprop::NetworkDesc &net);

} // namespace axon::train
