//===- TextProto.h - Protobuf text files with located errors ----*- C++ -*-===//
//
// Every hand-written file Axon reads (graphs, model descriptions, target
// descriptions) is protobuf text. This parses one into a message; an
// unknown field or a syntax error becomes a diagnostic
// "<location>: line:column: ...", and an empty file is an error too.
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace google::protobuf {
class Message;
} // namespace google::protobuf

namespace axon {

/// Parses `text` into `message`; `what` names the kind of file for the
/// empty-file diagnostic ("model description").
llvm::Error parseTextProto(llvm::StringRef text,
                           google::protobuf::Message &message,
                           llvm::StringRef what, llvm::StringRef location);

} // namespace axon
