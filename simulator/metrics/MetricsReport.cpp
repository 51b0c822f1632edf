//===- MetricsReport.cpp - NeuroBench figures as a table and as JSON ------===//
#include "simulator/metrics/MetricsReport.h"

#include <cmath>
#include <fmt/format.h>

namespace axon::sim::metrics {
namespace {

/// A JSON number: shortest round-trip decimal, null when not finite (JSON
/// has no NaN or infinity).
std::string jsonNumber(double x) {
  if (!std::isfinite(x))
    return "null";
  return fmt::format("{}", x);
}

/// A JSON string literal with the characters JSON requires escaped.
std::string jsonString(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (c < 0x20)
        out += fmt::format("\\u{:04x}", c);
      else
        out += char(c);
    }
  }
  return out + "\"";
}

struct Row {
  const char *label;
  std::string (*value)(const Metrics &);
};

const Row kRows[] = {
    {"samples", [](const Metrics &m) { return fmt::format("{}", m.samples); }},
    {"accuracy",
     [](const Metrics &m) { return fmt::format("{:.4f}", m.accuracy); }},
    {"footprint (bytes)",
     [](const Metrics &m) { return fmt::format("{}", m.footprintBytes); }},
    {"connection sparsity",
     [](const Metrics &m) {
       return fmt::format("{:.4f}", m.connectionSparsity);
     }},
    {"activation sparsity",
     [](const Metrics &m) {
       return fmt::format("{:.4f}", m.activationSparsity);
     }},
    {"effective ACs / sample",
     [](const Metrics &m) {
       return fmt::format("{:.1f}", m.synapticOperations.effectiveACs);
     }},
    {"effective MACs / sample",
     [](const Metrics &m) {
       return fmt::format("{:.1f}", m.synapticOperations.effectiveMACs);
     }},
    {"dense ops / sample",
     [](const Metrics &m) {
       return fmt::format("{:.1f}", m.synapticOperations.dense);
     }},
};

} // namespace

std::string formatMetricsTable(llvm::ArrayRef<MetricsColumn> columns) {
  size_t labelWidth = std::string_view("metric").size();
  for (const Row &row : kRows)
    labelWidth = std::max(labelWidth, std::string_view(row.label).size());
  // Each column as wide as its name or its widest figure.
  std::vector<std::vector<std::string>> cells;
  std::vector<size_t> widths;
  for (const MetricsColumn &c : columns) {
    std::vector<std::string> values;
    size_t width = c.name.size();
    for (const Row &row : kRows) {
      values.push_back(row.value(c.metrics));
      width = std::max(width, values.back().size());
    }
    cells.push_back(std::move(values));
    widths.push_back(width);
  }
  fmt::memory_buffer out;
  fmt::format_to(std::back_inserter(out), "{:<{}}", "metric", labelWidth);
  for (size_t c = 0; c < columns.size(); ++c)
    fmt::format_to(std::back_inserter(out), "  {:>{}}", columns[c].name,
                   widths[c]);
  out.push_back('\n');
  for (size_t r = 0; r < std::size(kRows); ++r) {
    fmt::format_to(std::back_inserter(out), "{:<{}}", kRows[r].label,
                   labelWidth);
    for (size_t c = 0; c < columns.size(); ++c)
      fmt::format_to(std::back_inserter(out), "  {:>{}}", cells[c][r],
                     widths[c]);
    out.push_back('\n');
  }
  return fmt::to_string(out);
}

std::string metricsJson(const Metrics &m) {
  return fmt::format(
      "{{\"samples\": {}, \"ClassificationAccuracy\": {}, \"Footprint\": {}, "
      "\"ConnectionSparsity\": {}, \"ActivationSparsity\": {}, "
      "\"SynapticOperations\": {{\"Effective_MACs\": {}, \"Effective_ACs\": "
      "{}, \"Dense\": {}}}}}",
      m.samples, jsonNumber(m.accuracy), m.footprintBytes,
      jsonNumber(m.connectionSparsity), jsonNumber(m.activationSparsity),
      jsonNumber(m.synapticOperations.effectiveMACs),
      jsonNumber(m.synapticOperations.effectiveACs),
      jsonNumber(m.synapticOperations.dense));
}

std::string metricsJson(llvm::ArrayRef<MetricsColumn> columns) {
  std::string out = "{";
  for (size_t c = 0; c < columns.size(); ++c) {
    if (c)
      out += ", ";
    out += jsonString(columns[c].name) + ": " + metricsJson(columns[c].metrics);
  }
  return out + "}";
}

} // namespace axon::sim::metrics
