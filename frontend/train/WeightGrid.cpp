//===- WeightGrid.cpp - Weights on the chip's grid while training ---------===//
#include "frontend/train/WeightGrid.h"

#include "frontend/eventprop/NeuronUpdate.h"

#include <algorithm>
#include <cmath>

namespace axon::train {

void snapWeights(const eventprop::NetworkDesc &net,
                 const eventprop::ParameterLayout &layout, uint32_t bits,
                 llvm::ArrayRef<float> params, std::vector<float> &out) {
  out.assign(params.begin(), params.end());
  const double hi = std::ldexp(1.0, int(bits) - 1) - 1;
  const double lo = -hi - 1;
  for (size_t p = 0; p < net.projections.size(); ++p) {
    const eventprop::LayerDesc &post = net.layers[net.projections[p].post];
    if (post.kind != eventprop::NeuronKind::LIF || !(post.threshold > 0))
      continue;
    const eventprop::ParameterLayout::Range &r = layout.projections[p];
    const double c =
        eventprop::stepCoefficients<double>(post.tauMem, post.tauSyn, net.dt).c;
    const double unit = post.threshold / c;
    double largest = 0.0;
    for (uint64_t k = 0; k < r.count; ++k)
      largest = std::max(largest, std::fabs(double(params[r.weightOffset + k])));
    if (largest == 0.0)
      continue;
    // The smallest m with largest / (unit 2^m) within [lo, hi].
    int m = int(std::ceil(std::log2(largest / (unit * hi))));
    while (largest / (unit * std::ldexp(1.0, m)) > hi)
      ++m;
    while (largest / (unit * std::ldexp(1.0, m - 1)) <= hi)
      --m;
    const double step = unit * std::ldexp(1.0, m);
    for (uint64_t k = 0; k < r.count; ++k) {
      double q = std::nearbyint(double(params[r.weightOffset + k]) / step);
      out[r.weightOffset + k] = float(std::clamp(q, lo, hi) * step);
    }
  }
}

} // namespace axon::train
