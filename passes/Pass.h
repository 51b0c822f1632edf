//===- Pass.h - One transformation of a graph -------------------*- C++ -*-===//
//
// A pass is a small class with a pipeline name, a one-line summary, the IR
// levels it accepts and produces, its options and a run() that transforms
// the graph or fails with a diagnostic. The PassManager (PassManager.h)
// owns everything around it: level checks, verification, timing, printing
// and reproducers, so a pass's run() is only its transformation.
//
// A pass declares, at the top of its header: name, summary, levels, options
// (PassOption) and the statistics it reports; PassRegistry.def lists it.
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Graph.h"
#include "ir/Level.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace axon::passes {

class PassContext;

/// An option a pass accepts in a pipeline: "name{key=value,...}".
struct PassOption {
  llvm::StringLiteral name; ///< e.g. "rounding"
  llvm::StringLiteral help; ///< e.g. "nearest|floor|ceil (default nearest)"
};

class Pass {
public:
  virtual ~Pass();

  /// Pipeline name, e.g. "delay-lines".
  virtual llvm::StringRef name() const = 0;
  /// One line, shown by `axon opt --list-passes`.
  virtual llvm::StringRef summary() const = 0;

  /// Lowest IR level the pass accepts.
  virtual ir::IRLevel inputLevel() const = 0;
  /// Highest IR level the pass accepts; by default only inputLevel().
  virtual ir::IRLevel maxInputLevel() const { return inputLevel(); }
  /// Level of the graph after the pass, given its level before; by default
  /// the level is unchanged. run() sets Graph::level itself and the
  /// PassManager checks it against this.
  virtual ir::IRLevel outputLevel(ir::IRLevel input) const { return input; }
  bool acceptsLevel(ir::IRLevel level) const {
    return ir::atLeast(level, inputLevel()) &&
           ir::atLeast(maxInputLevel(), level);
  }

  /// The options parseOptions() accepts; empty when the pass has none.
  virtual llvm::ArrayRef<PassOption> options() const { return {}; }

  /// Parses "key=value,key=value" (the text between a pipeline element's
  /// braces). Every key must be one of options(); an unknown key is an
  /// error naming the pass and listing the known ones. A key given twice
  /// takes its last value. An empty string leaves the defaults.
  llvm::Error parseOptions(llvm::StringRef text);
  /// The option text last given to parseOptions(), as written (trimmed);
  /// used to print the pipeline back, e.g. in reproducers.
  llvm::StringRef optionsText() const { return optionText; }

  /// Transforms `g`, which is at a level acceptsLevel() allows. On failure
  /// returns a diagnostic; a pass should check before it changes anything,
  /// but the PassManager restores the graph either way.
  virtual llvm::Error run(ir::Graph &g, PassContext &ctx) = 0;

protected:
  /// Sets one option; `key` is one of options(). The default asserts,
  /// since a pass that declares options must override it.
  virtual llvm::Error setOption(llvm::StringRef key, llvm::StringRef value);

  /// Helpers for setOption: parse `value` or return an error naming the
  /// pass, the option and the value.
  llvm::Expected<double> parseRealOption(llvm::StringRef key,
                                         llvm::StringRef value) const;
  llvm::Expected<uint64_t> parseUnsignedOption(llvm::StringRef key,
                                               llvm::StringRef value) const;
  /// Index of `value` in `choices`.
  llvm::Expected<size_t>
  parseChoiceOption(llvm::StringRef key, llvm::StringRef value,
                    llvm::ArrayRef<llvm::StringRef> choices) const;

private:
  std::string optionText;
};

/// "name" or "name{options}", the form a pipeline string lists the pass in.
std::string pipelineElement(const Pass &pass);

/// "FLOAT", "DISCRETE -> DISCRETE", "FLOAT..PLACED -> same": the levels a
/// pass accepts and produces, for listings and diagnostics.
std::string levelSignature(const Pass &pass);

} // namespace axon::passes
