//===- Statistics.h - What each pass did, in numbers ------------*- C++ -*-===//
//
// Passes count what they changed (synapses rerouted, delays raised) and
// measure what they cost (largest rounding error in ms) here instead of
// logging it. The PassManager prints the report after a pipeline in MLIR's
// shape: one block per pass, one line per statistic with its value, name
// and description:
//
//   prune
//     (S)      3 synapses-removed - zero-weight synapses removed
//
// Groups and entries keep the order in which they were first reported, so
// the report is deterministic.
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace axon::passes {

/// One named statistic: an integer counter or a real-valued figure.
struct Statistic {
  enum class Kind : uint8_t { Counter, Figure };
  std::string name;        ///< e.g. "synapses-rerouted"
  std::string description; ///< one line, lower case
  Kind kind = Kind::Counter;
  uint64_t count = 0; ///< Counter: adds up over every report
  double value = 0;   ///< Figure: the last value reported
};

/// The statistics one pass reported.
struct StatisticGroup {
  std::string pass;
  llvm::SmallVector<Statistic, 8> entries;
};

class Statistics;

/// A view that reports into the group of one pass; cheap to copy.
class PassStatistics {
public:
  /// Adds `n` to counter `name`. A pass that runs twice in one pipeline
  /// adds up into the same counter.
  void add(llvm::StringRef name, llvm::StringRef description, uint64_t n = 1);
  /// Sets figure `name` to `value`; a later report replaces it.
  void set(llvm::StringRef name, llvm::StringRef description, double value);

private:
  friend class Statistics;
  PassStatistics(Statistics &owner, size_t group)
      : owner(&owner), group(group) {}
  Statistic &entry(llvm::StringRef name, llvm::StringRef description,
                   Statistic::Kind kind);

  Statistics *owner;
  size_t group;
};

/// Named counters and figures, grouped by pass.
class Statistics {
public:
  /// The group of `pass`, created empty on first use.
  PassStatistics forPass(llvm::StringRef pass);

  llvm::ArrayRef<StatisticGroup> groups() const { return groupList; }
  bool empty() const { return groupList.empty(); }

  /// Value of counter `name` of `pass`, if reported (tests, tools).
  std::optional<uint64_t> counter(llvm::StringRef pass,
                                  llvm::StringRef name) const;
  /// Value of figure `name` of `pass`, if reported.
  std::optional<double> figure(llvm::StringRef pass,
                               llvm::StringRef name) const;

  /// The report in MLIR's shape (see the file comment).
  std::string format() const;

private:
  friend class PassStatistics;
  const Statistic *find(llvm::StringRef pass, llvm::StringRef name) const;

  std::vector<StatisticGroup> groupList;
};

} // namespace axon::passes
