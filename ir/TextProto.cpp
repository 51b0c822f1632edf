//===- TextProto.cpp - Protobuf text files with located errors ------------===//
#include "ir/TextProto.h"

#include "ir/Diagnostics.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

namespace axon {
namespace {

/// Keeps the parser's first complaint with its line and column.
class TextErrors : public google::protobuf::io::ErrorCollector {
public:
  void AddError(int line, int column, const std::string &message) override {
    if (text.empty())
      text = fmt::format("{}:{}: {}", line + 1, column + 1, message);
  }
  void AddWarning(int, int, const std::string &) override {}
  std::string text;
};

} // namespace

llvm::Error parseTextProto(llvm::StringRef text,
                           google::protobuf::Message &message,
                           llvm::StringRef what, llvm::StringRef location) {
  if (text.trim().empty())
    return makeError(location.str(), "empty {} file", what);
  google::protobuf::TextFormat::Parser parser;
  TextErrors errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text.str(), &message))
    return makeError(location.str(), "{}", errors.text);
  return llvm::Error::success();
}

} // namespace axon
