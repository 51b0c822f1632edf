//===- Adam.cpp - Adam over the engine's flat parameter buffer ------------===//
#include "frontend/train/Adam.h"

#include <algorithm>
#include <cmath>

namespace axon::train {

void Adam::step(const eventprop::NetworkDesc &net,
                const eventprop::ParameterLayout &layout,
                llvm::MutableArrayRef<float> params,
                llvm::ArrayRef<float> grads, const AdamSettings &s) {
  ++steps;
  double c1 = 1.0 / (1.0 - std::pow(s.beta1, double(steps)));
  double c2 = 1.0 / (1.0 - std::pow(s.beta2, double(steps)));
  auto update = [&](uint64_t begin, uint64_t count, double rate, float lo,
                    float hi) {
    for (uint64_t i = begin; i < begin + count; ++i) {
      double g = grads[i];
      m[i] = float(s.beta1 * m[i] + (1 - s.beta1) * g);
      v[i] = float(s.beta2 * v[i] + (1 - s.beta2) * g * g);
      double mh = m[i] * c1, vh = v[i] * c2;
      double p = params[i] - rate * mh / (std::sqrt(vh) + s.epsilon);
      params[i] = float(std::clamp<double>(p, lo, hi));
    }
  };
  for (size_t p = 0; p < net.projections.size(); ++p) {
    const eventprop::ProjectionDesc &proj = net.projections[p];
    const eventprop::ParameterLayout::Range &r = layout.projections[p];
    if (proj.learnWeights)
      update(r.weightOffset, r.count, s.weightRate, -HUGE_VALF, HUGE_VALF);
    if (proj.learnDelays && s.delayRate > 0)
      update(r.delayOffset, r.count, s.delayRate, float(proj.minDelaySteps),
             float(proj.maxDelaySteps));
  }
}

} // namespace axon::train
