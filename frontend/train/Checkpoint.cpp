//===- Checkpoint.cpp - Save and resume training --------------------------===//
#include "frontend/train/Checkpoint.h"

#include "frontend/model/ModelDescription.h"
#include "ir/AtomicFile.h"
#include "ir/Container.h"
#include "ir/Diagnostics.h"

#include <cmath>

namespace axon::train {
namespace {

const llvm::StringRef kMagic("AXONCKPT", 8);

template <typename R>
llvm::Error checkFinite(const R &values, llvm::StringRef field,
                        llvm::StringRef path) {
  for (int i = 0; i < values.size(); ++i)
    if (!std::isfinite(values.Get(i)))
      return makeError(path.str(), "checkpoint: {}[{}] = {}: must be finite",
                       field, i, values.Get(i));
  return llvm::Error::success();
}

} // namespace

llvm::Error writeCheckpoint(const Checkpoint &c, llvm::StringRef path) {
  return writeFileAtomically(path,
                             frameContainer(kMagic, c.SerializeAsString()));
}

llvm::Expected<Checkpoint> readCheckpoint(llvm::StringRef path) {
  llvm::Expected<std::string> data = readWholeFile(path);
  if (!data)
    return data.takeError();
  llvm::Expected<llvm::StringRef> payload =
      unframeContainer(*data, kMagic, "Axon checkpoint", path);
  if (!payload)
    return payload.takeError();
  Checkpoint c;
  if (!c.ParseFromArray(payload->data(), static_cast<int>(payload->size())))
    return makeError(path.str(), "corrupt: the payload is not a checkpoint");
  if (llvm::Error err = model::validateModel(c.model(), path))
    return err;
  if (llvm::Error err = checkFinite(c.params(), "params", path))
    return err;
  if (llvm::Error err = checkFinite(c.best_params(), "best_params", path))
    return err;
  if (c.adam_m_size() != c.params_size() || c.adam_v_size() != c.params_size())
    return makeError(path.str(),
                     "checkpoint: adam_m/adam_v have {}/{} entries: need one "
                     "per parameter ({})",
                     c.adam_m_size(), c.adam_v_size(), c.params_size());
  llvm::Expected<eventprop::NetworkDesc> net = model::buildNetwork(
      c.model(), c.num_inputs(), c.num_classes(), c.duration_ms(), path);
  if (!net)
    return net.takeError();
  uint64_t want = eventprop::ParameterLayout::of(*net).total;
  if (uint64_t(c.params_size()) != want ||
      (c.best_params_size() != 0 && uint64_t(c.best_params_size()) != want))
    return makeError(path.str(),
                     "checkpoint: params has {} entries (best_params {}): "
                     "the model needs {}",
                     c.params_size(), c.best_params_size(), want);
  return c;
}

} // namespace axon::train
