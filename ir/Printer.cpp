//===- Printer.cpp - Human-readable summary of a graph --------------------===//
#include "ir/Printer.h"

#include "ir/Format.h"

#include <cmath>
#include <fmt/format.h>

namespace axon::ir {
namespace {

template <typename T> SeriesStats statsOf(llvm::ArrayRef<T> values) {
  SeriesStats s;
  s.count = values.size();
  if (values.empty())
    return s;
  // Two passes in double: the mean first, then squared deviations, which
  // stays accurate for large arrays of similar values.
  double sum = 0;
  s.min = s.max = values[0];
  for (T v : values) {
    sum += v;
    s.min = std::min<double>(s.min, v);
    s.max = std::max<double>(s.max, v);
  }
  s.mean = sum / values.size();
  double sq = 0;
  for (T v : values)
    sq += (v - s.mean) * (v - s.mean);
  s.stddev = std::sqrt(sq / values.size());
  return s;
}

std::string describeStats(const SeriesStats &s) {
  return fmt::format("min {:.4g}  max {:.4g}  mean {:.4g}  std {:.4g}", s.min,
                     s.max, s.mean, s.stddev);
}

/// Appends one formatted line to a buffer.
struct LineWriter {
  fmt::memory_buffer &out;
  template <typename... Args>
  void operator()(fmt::format_string<Args...> f, Args &&...args) {
    fmt::format_to(std::back_inserter(out), f, std::forward<Args>(args)...);
    out.push_back('\n');
  }
};

} // namespace

SeriesStats seriesStats(llvm::ArrayRef<float> values) {
  return statsOf(values);
}
SeriesStats seriesStats(llvm::ArrayRef<uint32_t> values) {
  return statsOf(values);
}

std::string summariseGraph(const Graph &g) {
  fmt::memory_buffer out;
  LineWriter line{out};
  line("graph '{}'  level {}  dt {} ms  (IR version {})", g.name, g.level,
       g.dtMs, g.version);
  line("inputs: {}", g.inputs.size());
  for (const InputPopulation &i : g.inputs)
    line("  {:<20} {:>8} channels", i.name, i.size);
  line("populations: {}  ({} neurons)", g.populations.size(),
       g.numNeurons());
  for (const Population &p : g.populations) {
    const NeuronParams &n = p.params;
    std::string spiking =
        p.isSpiking() ? fmt::format("  threshold {}  reset {}  refractory {} "
                                    "ms",
                                    n.threshold, n.reset, n.refractoryMs)
                      : "";
    line("  {:<20} {:>8} {:<16} tau_mem {} ms  tau_syn {} ms{}  bias {}{}",
         p.name, p.size, neuronKindName(p.kind), n.tauMemMs, n.tauSynMs,
         spiking, n.bias, p.bias.empty() ? "" : " (per neuron)");
  }
  line("projections: {}  ({} synapses)", g.projections.size(),
       g.numSynapses());
  for (const Projection &p : g.projections) {
    line("  {:<20} {} -> {}{}  {}  {} synapses", p.name, p.source, p.target,
         p.isRecurrent() ? " (recurrent)" : "",
         connectivityName(p.connectivity), p.numSynapses());
    line("    weights     {}", describeStats(seriesStats(p.weights)));
    if (!p.delaysMs.empty())
      line("    delays (ms) {}", describeStats(seriesStats(p.delaysMs)));
    if (!p.delaySteps.empty())
      line("    delays (steps) {}", describeStats(seriesStats(p.delaySteps)));
    if (!p.weightsInt.empty())
      line("    integer weights: {} bits, scale {:.6g}, exponent {}",
           p.quantisation.bits, p.quantisation.scale,
           p.quantisation.exponent);
  }
  for (const OutputDecoding &o : g.outputs)
    line("output: {} decoded by {}", o.population, decodingName(o.decoding));
  const Provenance &pv = g.provenance;
  if (!pv.producer.empty() || !pv.dataset.empty() || pv.accuracy > 0)
    line("provenance: producer '{}'  dataset '{}'  accuracy {:.4f}",
         pv.producer, pv.dataset, pv.accuracy);
  if (!g.target.name.empty())
    line("target: {} (description {})", g.target.name,
         g.target.descriptionHash);
  if (!g.routes.empty())
    line("routes: {}", g.routes.size());
  return fmt::to_string(out);
}

} // namespace axon::ir
