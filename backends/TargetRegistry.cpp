//===- TargetRegistry.cpp - Emitter families by name ----------------------===//
//
// The one place that lists the emitter families; adding a chip family is a
// new folder, a description file and one line here.
//===----------------------------------------------------------------------===//
#include "backends/Target.h"

#include "ir/Diagnostics.h"

namespace axon::backends {

Target::~Target() = default;

// Each family's folder defines its factory.
std::unique_ptr<Target> createLoihiTarget();
std::unique_ptr<Target> createSpiNNakerTarget();

llvm::Expected<std::unique_ptr<Target>>
createTarget(const target::TargetDescription &desc) {
  llvm::StringRef family = desc.data().emitter();
  if (family == "loihi")
    return createLoihiTarget();
  if (family == "spinnaker")
    return createSpiNNakerTarget();
  return makeError(desc.name().str(),
                   "emitter = '{}': no emitter of that family (loihi, "
                   "spinnaker)",
                   family);
}

} // namespace axon::backends
