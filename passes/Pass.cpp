//===- Pass.cpp - One transformation of a graph ---------------------------===//
#include "passes/Pass.h"

#include "ir/Diagnostics.h"
#include "ir/Format.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <cmath>
#include <fmt/format.h>

namespace axon::passes {

Pass::~Pass() = default;

namespace {

std::string knownOptionList(llvm::ArrayRef<PassOption> options) {
  std::string text;
  for (const PassOption &o : options)
    text += fmt::format("{}{}", text.empty() ? "" : ", ", o.name);
  return text;
}

} // namespace

llvm::Error Pass::parseOptions(llvm::StringRef text) {
  text = text.trim();
  optionText = text.str();
  llvm::SmallVector<llvm::StringRef, 4> items;
  text.split(items, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (llvm::StringRef item : items) {
    item = item.trim();
    if (item.empty())
      continue;
    auto [key, value] = item.split('=');
    key = key.trim();
    value = value.trim();
    if (!item.contains('=') || key.empty())
      return makeError("", "pass '{}': option '{}': expected key=value", name(),
                       item);
    bool known = llvm::any_of(
        options(), [&](const PassOption &o) { return o.name == key; });
    if (!known) {
      if (options().empty())
        return makeError("",
                         "pass '{}': unknown option '{}': the pass takes "
                         "no options",
                         name(), key);
      return makeError("",
                       "pass '{}': unknown option '{}': known options "
                       "are {}",
                       name(), key, knownOptionList(options()));
    }
    if (llvm::Error err = setOption(key, value))
      return err;
  }
  return llvm::Error::success();
}

llvm::Error Pass::setOption(llvm::StringRef key, llvm::StringRef value) {
  assert(false && "a pass that declares options must override setOption");
  return makeError("", "pass '{}': option '{}' is declared but not handled",
                   name(), key);
}

llvm::Expected<double> Pass::parseRealOption(llvm::StringRef key,
                                             llvm::StringRef value) const {
  double result = 0;
  // getAsDouble returns true on failure, LLVM's convention for parsers.
  if (value.getAsDouble(result) || !std::isfinite(result))
    return makeError("",
                     "pass '{}': option {} = '{}': expected a finite "
                     "number",
                     name(), key, value);
  return result;
}

llvm::Expected<uint64_t>
Pass::parseUnsignedOption(llvm::StringRef key, llvm::StringRef value) const {
  uint64_t result = 0;
  if (value.getAsInteger(10, result))
    return makeError("",
                     "pass '{}': option {} = '{}': expected an unsigned "
                     "integer",
                     name(), key, value);
  return result;
}

llvm::Expected<size_t>
Pass::parseChoiceOption(llvm::StringRef key, llvm::StringRef value,
                        llvm::ArrayRef<llvm::StringRef> choices) const {
  for (size_t i = 0; i < choices.size(); ++i)
    if (choices[i] == value)
      return i;
  return makeError("", "pass '{}': option {} = '{}': must be one of {}", name(),
                   key, value, fmt::join(choices, ", "));
}

std::string pipelineElement(const Pass &pass) {
  if (pass.optionsText().empty())
    return pass.name().str();
  return fmt::format("{}{{{}}}", pass.name(), pass.optionsText());
}

std::string levelSignature(const Pass &pass) {
  ir::IRLevel lo = pass.inputLevel(), hi = pass.maxInputLevel();
  if (lo == hi)
    return fmt::format("{} -> {}", lo, pass.outputLevel(lo));
  return fmt::format("{}..{} -> same", lo, hi);
}

} // namespace axon::passes
