//===- YinYang.cpp - The Yin-Yang data set, time-to-first-spike coded -----===//
#include "frontend/data/YinYang.h"

#include <cmath>
#include <random>

namespace axon::data {
namespace {

/// numpy's legacy RandomState draws, from the same MT19937 stream.
class NumpyLegacyStream {
public:
  explicit NumpyLegacyStream(uint32_t seed) : engine(seed) {}

  /// np.random.rand() / random_sample(): 53 random bits from two words.
  double randomSample() {
    uint32_t a = static_cast<uint32_t>(engine()) >> 5;
    uint32_t b = static_cast<uint32_t>(engine()) >> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  /// np.random.randint(n) for small n: one word masked to the next power of
  /// two minus one, rejected while above n - 1 (numpy's legacy "masked"
  /// bounded draw).
  uint32_t randint(uint32_t n) {
    uint32_t max = n - 1;
    uint32_t mask = max;
    for (uint32_t shift = 1; shift < 32; shift <<= 1)
      mask |= mask >> shift;
    for (;;) {
      uint32_t v = static_cast<uint32_t>(engine()) & mask;
      if (v <= max)
        return v;
    }
  }

private:
  std::mt19937 engine;
};

double distance(double x, double y, double cx, double cy) {
  return std::sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy));
}

} // namespace

bool insideYinYang(double x, double y, const YinYangGeometry &g) {
  return distance(x, y, g.rBig, g.rBig) <= g.rBig;
}

int32_t yinYangClass(double x, double y, const YinYangGeometry &g) {
  double dRight = distance(x, y, 1.5 * g.rBig, g.rBig);
  double dLeft = distance(x, y, 0.5 * g.rBig, g.rBig);
  if (dRight < g.rSmall || dLeft < g.rSmall)
    return 2;
  bool nearRightDot = dRight <= g.rSmall;
  bool leftLobe = dLeft > g.rSmall && dLeft <= 0.5 * g.rBig;
  bool upperOutsideRightLobe = y > g.rBig && dRight > 0.5 * g.rBig;
  return (nearRightDot || leftLobe || upperOutsideRightLobe) ? 1 : 0;
}

std::vector<YinYangPoint> sampleYinYangPoints(uint32_t count, uint32_t seed,
                                              const YinYangGeometry &g) {
  NumpyLegacyStream stream(seed);
  std::vector<YinYangPoint> points;
  points.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    auto goal = static_cast<int32_t>(stream.randint(3));
    for (;;) {
      // Same order of operations as the reference: (u * 2) * r_big.
      double x = stream.randomSample() * 2.0 * g.rBig;
      double y = stream.randomSample() * 2.0 * g.rBig;
      if (!insideYinYang(x, y, g))
        continue;
      if (yinYangClass(x, y, g) == goal) {
        points.push_back({x, y, goal});
        break;
      }
    }
  }
  return points;
}

llvm::Expected<DatasetSplit> encodeYinYang(llvm::ArrayRef<YinYangPoint> points,
                                           const YinYangEncoding &e,
                                           llvm::StringRef name,
                                           const YinYangGeometry &g) {
  auto finite = [](double v) { return std::isfinite(v); };
  if (!finite(e.durationMs) || e.durationMs <= 0)
    return dataError("{}: durationMs = {}: the trial length must be positive",
                     name.str(), e.durationMs);
  if (!finite(e.earlyMs) || e.earlyMs < 0 || e.earlyMs >= e.durationMs)
    return dataError("{}: earlyMs = {}: must be in [0, durationMs = {})",
                     name.str(), e.earlyMs, e.durationMs);
  if (!finite(e.lateMs) || e.lateMs < 0 || e.lateMs >= e.durationMs)
    return dataError("{}: lateMs = {}: must be in [0, durationMs = {})",
                     name.str(), e.lateMs, e.durationMs);
  if (e.bias && (!finite(e.biasTimeMs) || e.biasTimeMs < 0 ||
                 e.biasTimeMs >= e.durationMs))
    return dataError("{}: biasTimeMs = {}: must be in [0, durationMs = {})",
                     name.str(), e.biasTimeMs, e.durationMs);

  DatasetSplit split;
  split.name = name.str();
  split.numInputs = e.bias ? 5 : 4;
  split.numClasses = 3;
  split.durationMs = e.durationMs;
  split.samples.reserve(points.size());
  for (size_t i = 0; i < points.size(); ++i) {
    const YinYangPoint &p = points[i];
    // The reference mirrors with 1 - v (not 2 rBig - v).
    const double values[4] = {p.x, p.y, 1.0 - p.x, 1.0 - p.y};
    Sample sample;
    sample.label = p.label;
    for (uint32_t c = 0; c < 4; ++c) {
      if (!(values[c] >= 0.0 && values[c] <= 1.0))
        return dataError("{}: sample {} feature {}: value {} is outside [0, 1] "
                         "(rBig = {}: the square must be [0, 1]^2)",
                         name.str(), i, c, values[c], g.rBig);
      double t = e.earlyMs + values[c] * (e.lateMs - e.earlyMs);
      sample.spikes.push_back({static_cast<float>(t), c});
    }
    if (e.bias)
      sample.spikes.push_back({static_cast<float>(e.biasTimeMs), 4});
    sortSpikes(sample);
    split.samples.push_back(std::move(sample));
  }
  return split;
}

uint32_t yinYangSeed(YinYangSplit split) {
  switch (split) {
  case YinYangSplit::Train:
    return 42;
  case YinYangSplit::Validation:
    return 41;
  case YinYangSplit::Test:
    return 40;
  }
  return 42;
}

uint32_t yinYangSize(YinYangSplit split) {
  return split == YinYangSplit::Train ? 5000 : 1000;
}

llvm::Expected<DatasetSplit> loadYinYang(YinYangSplit split,
                                         const YinYangEncoding &encoding,
                                         uint32_t count) {
  const char *names[] = {"yin-yang/train", "yin-yang/validation",
                         "yin-yang/test"};
  uint32_t n = count ? count : yinYangSize(split);
  std::vector<YinYangPoint> points = sampleYinYangPoints(n, yinYangSeed(split));
  return encodeYinYang(points, encoding, names[static_cast<int>(split)]);
}

} // namespace axon::data
