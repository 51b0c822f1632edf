//===- PassRegistry.cpp - Passes by name, pipelines as strings ------------===//
#include "passes/PassRegistry.h"

#include "passes/DelayLines.h"
#include "passes/DiscretiseDelays.h"
#include "passes/Partition.h"
#include "passes/Prune.h"
#include "passes/QuantiseNeurons.h"
#include "passes/QuantiseWeights.h"
#include "passes/Route.h"

#include "backends/target/TargetDescription.h"
#include "ir/Diagnostics.h"
#include "ir/Format.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <fmt/format.h>

namespace axon::passes {
namespace {

constexpr PassInfo kPasses[] = {
#define AXON_PASS(NAME, CLASS, SUMMARY) {NAME, SUMMARY},
#include "passes/PassRegistry.def"
};

std::string knownPassList() {
  std::string text;
  for (const PassInfo &p : kPasses)
    text += fmt::format("{}{}", text.empty() ? "" : ", ", p.name);
  return text;
}

bool isNameChar(char c) {
  return llvm::isAlnum(c) || c == '-' || c == '_' || c == '.';
}

} // namespace

llvm::ArrayRef<PassInfo> listPasses() { return kPasses; }

llvm::Expected<std::unique_ptr<Pass>> createPass(llvm::StringRef name) {
#define AXON_PASS(NAME, CLASS, SUMMARY)                                        \
  if (name == NAME)                                                            \
    return std::make_unique<CLASS>();
#include "passes/PassRegistry.def"
  return makeError("", "unknown pass '{}': known passes are {}", name,
                   knownPassList());
}

llvm::Expected<Pipeline> parsePipeline(llvm::StringRef text) {
  Pipeline pipeline;
  size_t pos = 0;
  // Positions in messages are 1-based columns of `text`.
  auto syntaxError = [&](size_t at, llvm::StringRef what) {
    return makeError("", "pipeline '{}': {} at position {}", text, what,
                     at + 1);
  };
  if (text.trim().empty())
    return pipeline;
  while (true) {
    while (pos < text.size() && text[pos] == ' ')
      ++pos;
    size_t nameStart = pos;
    while (pos < text.size() && isNameChar(text[pos]))
      ++pos;
    llvm::StringRef name = text.slice(nameStart, pos);
    while (pos < text.size() && text[pos] == ' ')
      ++pos;
    if (name.empty()) {
      if (pos < text.size() && text[pos] != ',' && text[pos] != '{')
        return syntaxError(pos,
                           fmt::format("unexpected character '{}'", text[pos]));
      return syntaxError(nameStart, "empty pass name");
    }
    llvm::Expected<std::unique_ptr<Pass>> pass = createPass(name);
    if (!pass)
      return pass.takeError();

    llvm::StringRef options;
    if (pos < text.size() && text[pos] == '{') {
      size_t open = pos;
      size_t close = text.find_first_of("{}", open + 1);
      if (close == llvm::StringRef::npos || text[close] == '{')
        return syntaxError(open, "'{' is not closed by '}'");
      options = text.slice(open + 1, close);
      pos = close + 1;
      while (pos < text.size() && text[pos] == ' ')
        ++pos;
    }
    if (llvm::Error err = (*pass)->parseOptions(options))
      return err;
    pipeline.push_back(std::move(*pass));

    if (pos == text.size())
      return pipeline;
    if (text[pos] != ',')
      return syntaxError(pos,
                         fmt::format("expected ',' before '{}'", text[pos]));
    ++pos;
  }
}

std::string pipelineString(const Pipeline &pipeline) {
  std::string text;
  for (const std::unique_ptr<Pass> &p : pipeline)
    text += fmt::format("{}{}", text.empty() ? "" : ",", pipelineElement(*p));
  return text;
}

std::string defaultPipelineText(const target::TargetDescription &target) {
  return fmt::format("{}", fmt::join(target.data().default_pipeline(), ","));
}

std::string formatPassList(bool markdown) {
  fmt::memory_buffer out;
  auto it = std::back_inserter(out);
  if (markdown)
    fmt::format_to(it, "| pass | levels | summary | options |\n"
                       "|---|---|---|---|\n");
  for (const PassInfo &info : kPasses) {
    std::unique_ptr<Pass> pass = llvm::cantFail(createPass(info.name));
    std::string options;
    for (const PassOption &o : pass->options())
      options +=
          fmt::format("{}{}: {}", options.empty() ? "" : "; ", o.name, o.help);
    if (markdown) {
      fmt::format_to(it, "| `{}` | {} | {} | {} |\n", info.name,
                     levelSignature(*pass), info.summary, options);
      continue;
    }
    fmt::format_to(it, "  {:<20} {:<24} {}\n", info.name, levelSignature(*pass),
                   info.summary);
    for (const PassOption &o : pass->options())
      fmt::format_to(it, "  {:<20}   {}={}\n", "", o.name, o.help);
  }
  return fmt::to_string(out);
}

} // namespace axon::passes
