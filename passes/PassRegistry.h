//===- PassRegistry.h - Passes by name, pipelines as strings ----*- C++ -*-===//
//
// The one list of passes (PassRegistry.def) and the parser of pipeline
// strings over it: `axon opt -p "discretise-delays,delay-lines,prune"` and a
// target's default pipeline are both such strings. Registration is the
// .def file, not static constructors.
//
// Pipeline grammar:
//   pipeline := element (',' element)*
//   element  := pass-name ('{' option (',' option)* '}')?
//   option   := key '=' value
//===----------------------------------------------------------------------===//
#pragma once

#include "passes/Pass.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace axon::target {
class TargetDescription;
} // namespace axon::target

namespace axon::passes {

/// A registered pass, as PassRegistry.def lists it.
struct PassInfo {
  llvm::StringLiteral name;
  llvm::StringLiteral summary;
};

/// Every registered pass, sorted by name.
llvm::ArrayRef<PassInfo> listPasses();

/// A new instance of the pass called `name` with default options, or an
/// error naming it and listing the known passes.
llvm::Expected<std::unique_ptr<Pass>> createPass(llvm::StringRef name);

using Pipeline = std::vector<std::unique_ptr<Pass>>;

/// Parses "a,b{opt=1,x=y},c" into configured passes. Errors name the
/// unknown pass or option and list the known ones, or give the position
/// of a syntax error. An empty string is an empty pipeline.
llvm::Expected<Pipeline> parsePipeline(llvm::StringRef text);

/// The pipeline as a string parsePipeline() accepts.
std::string pipelineString(const Pipeline &pipeline);

/// The target's default pipeline (its description's default_pipeline) as a
/// pipeline string, e.g. for PassManager::addPipeline.
std::string defaultPipelineText(const target::TargetDescription &target);

/// A table of every pass: name, levels, summary and options. Markdown for
/// the README when `markdown`, aligned plain text otherwise.
std::string formatPassList(bool markdown);

} // namespace axon::passes
