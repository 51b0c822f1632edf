//===- PassContext.h - What a pass may read besides the graph ---*- C++ -*-===//
//
// Everything a pass needs from outside the graph, passed in explicitly so
// that passes keep no global state: the target description (data only,
// never a back end), the statistics sink, a seeded random generator (for
// stochastic rounding: the same seed gives the same graph) and the graph's
// file name for diagnostics.
//===----------------------------------------------------------------------===//
#pragma once

#include "passes/Statistics.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <random>
#include <string>

namespace axon::target {
class TargetDescription;
} // namespace axon::target

namespace axon::passes {

/// Seed tools use when the user gives none; fixed so runs are repeatable.
inline constexpr uint64_t kDefaultSeed = 0x5eed;

class PassContext {
public:
  /// `target` may be null for target-independent pipelines; it must outlive
  /// the context. `fileName` prefixes every diagnostic ("net.axon: ...").
  PassContext(const target::TargetDescription *target, std::string fileName,
              uint64_t seed)
      : targetDesc(target), file(std::move(fileName)), generator(seed) {}

  /// The chip the graph is lowered for, or null.
  const target::TargetDescription *target() const { return targetDesc; }
  llvm::StringRef fileName() const { return file; }

  /// Diagnostic location "<file>: <element>", or just `element` when the
  /// context has no file name.
  std::string location(llvm::StringRef element) const {
    if (file.empty())
      return element.str();
    if (element.empty())
      return file;
    return file + ": " + element.str();
  }

  Statistics &statistics() { return stats; }
  const Statistics &statistics() const { return stats; }

  /// The one random generator passes draw from, seeded at construction.
  std::mt19937_64 &rng() { return generator; }

private:
  const target::TargetDescription *targetDesc;
  std::string file;
  Statistics stats;
  std::mt19937_64 generator;
};

} // namespace axon::passes
