//===- EmitDirectory.cpp - Write an emitted configuration -----------------===//
#include "tools/axon/Pipeline.h"

#include "ir/AtomicFile.h"
#include "ir/Diagnostics.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace axon::tool {

llvm::Expected<std::string>
emitToDirectory(const ir::Graph &g, const target::TargetDescription &target,
                llvm::StringRef dir) {
  llvm::Expected<std::unique_ptr<backends::Target>> t =
      backends::createTarget(target);
  if (!t)
    return t.takeError();
  llvm::Expected<backends::EmittedConfig> cfg = (*t)->emit(g, target);
  if (!cfg)
    return cfg.takeError();
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return makeError(dir.str(), "cannot create output directory: {}",
                     ec.message());
  for (const backends::EmittedConfig::File &f : cfg->files) {
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, f.name);
    if (llvm::Error err = writeFileAtomically(path, f.bytes))
      return err;
  }
  return cfg->report;
}

} // namespace axon::tool
