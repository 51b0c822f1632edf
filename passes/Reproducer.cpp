//===- Reproducer.cpp - Replay a failing pass from a file -----------------===//
#include "passes/Reproducer.h"

#include "ir/AtomicFile.h"
#include "ir/Diagnostics.h"
#include "ir/Serialize.h"

namespace axon::passes {

llvm::Error writeReproducer(llvm::StringRef path, llvm::StringRef pipeline,
                            const ir::Graph &g) {
  llvm::Expected<std::string> text = ir::printGraph(g, ir::GraphFormat::Text);
  if (!text)
    return text.takeError();
  std::string data =
      fmt::format("{}{}\n{}", kReproducerMarker, pipeline, *text);
  return writeFileAtomically(path, data);
}

llvm::Expected<Reproducer> readReproducer(llvm::StringRef path) {
  llvm::Expected<std::string> data = readWholeFile(path);
  if (!data)
    return data.takeError();
  llvm::StringRef text(*data);
  auto [first, rest] = text.split('\n');
  if (!first.startswith(kReproducerMarker))
    return makeError(path.str(),
                     "not a reproducer: the first line must "
                     "start with '{}'",
                     kReproducerMarker.rtrim());
  Reproducer r;
  r.pipeline = first.drop_front(kReproducerMarker.size()).trim().str();
  llvm::Expected<ir::Graph> g =
      ir::parseGraph(rest, ir::GraphFormat::Text, path);
  if (!g)
    return g.takeError();
  r.graph = std::move(*g);
  return r;
}

} // namespace axon::passes
