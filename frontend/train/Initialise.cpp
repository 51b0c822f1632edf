//===- Initialise.cpp - Initial weights and delays ------------------------===//
#include "frontend/train/Initialise.h"

#include "frontend/data/Random.h"

#include <cmath>

namespace axon::train {
namespace {

using data::uniform01;
using data::uniformReal;

/// Standard normal by Box-Muller (one value per call; simple beats fast
/// here, initialisation is not a hot path).
double standardNormal(data::Rng &rng) {
  double u1 = uniform01(rng), u2 = uniform01(rng);
  if (u1 < 1e-300)
    u1 = 1e-300;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

} // namespace

std::vector<float> initialParameters(const model::proto::Model &m,
                                     const eventprop::NetworkDesc &net) {
  eventprop::ParameterLayout layout = eventprop::ParameterLayout::of(net);
  std::vector<float> params(layout.total, 0.f);
  data::Rng rng(m.seed());
  for (size_t p = 0; p < net.projections.size(); ++p) {
    const model::proto::Projection &spec = m.projections(int(p));
    const eventprop::ParameterLayout::Range &r = layout.projections[p];
    for (uint64_t i = 0; i < r.count; ++i)
      params[r.weightOffset + i] =
          float(spec.init().mean() + spec.init().std() * standardNormal(rng));
    double lo = spec.delays().init_min_ms() / net.dt;
    double hi = spec.delays().init_max_ms() / net.dt;
    for (uint64_t i = 0; i < r.count; ++i)
      params[r.delayOffset + i] =
          hi > lo ? float(uniformReal(rng, lo, hi)) : float(lo);
  }
  return params;
}

} // namespace axon::train
