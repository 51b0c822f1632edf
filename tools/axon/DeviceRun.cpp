//===- DeviceRun.cpp - What verify, emulate and eval share ----------------===//
#include "tools/axon/DeviceRun.h"

#include "frontend/lower/LowerToIR.h"
#include "frontend/model/ModelDescription.h"
#include "frontend/train/Checkpoint.h"
#include "frontend/train/TrainingData.h"
#include "ir/AtomicFile.h"
#include "ir/Diagnostics.h"
#include "ir/Format.h"
#include "ir/Serialize.h"
#include "simulator/device/DeviceUrl.h"
#include "simulator/device/RemoteDevice.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cstdlib>

namespace axon::tool {

void DeviceRunOptions::addTo(CLI::App &app, const std::string &datasetHelp) {
  app.add_option("--dataset", dataset, datasetHelp);
  app.add_option("--split", split, "test, valid or train")
      ->check(CLI::IsMember({"test", "valid", "train"}))
      ->capture_default_str();
  app.add_option("--samples", samples,
                 "Use the first N samples of the split (default: all)");
  app.add_option("--device", device,
                 "Run on a remote device at tcp://host:port instead of the "
                 "in-process emulator");
  app.add_option("--device-timeout", deviceTimeoutSeconds,
                 "Seconds to wait for each reply of a remote device")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--json", json, "Also write the results as JSON here");
}

llvm::Expected<TrainedNetwork> loadTrainedNetwork(llvm::StringRef path) {
  TrainedNetwork net;
  if (path.endswith(".axonckpt")) {
    llvm::Expected<train::Checkpoint> c = train::readCheckpoint(path);
    if (!c)
      return c.takeError();
    llvm::Expected<ir::Graph> g = lower::lowerCheckpoint(*c, path);
    if (!g)
      return g.takeError();
    net.graph = std::move(*g);
    net.model = c->model();
    net.trialMs = c->duration_ms();
    return net;
  }
  llvm::Expected<ir::Graph> g = ir::readGraph(path);
  if (!g)
    return g.takeError();
  net.graph = std::move(*g);
  if (net.graph.level != ir::IRLevel::Float)
    return makeError(path.str(),
                     "the float model must be a FLOAT graph (axon lower's "
                     "output), not level {}",
                     net.graph.level);
  if (net.graph.provenance.trainingConfig.empty())
    return makeError(path.str(), "provenance.training_config is empty: the "
                                 "data set and trial length are unknown "
                                 "(verify the checkpoint instead)");
  llvm::Expected<model::Model> m = model::parseModel(
      net.graph.provenance.trainingConfig, (path + ": training_config").str());
  if (!m)
    return m.takeError();
  net.model = std::move(*m);
  auto trial = net.graph.provenance.extra.find("trial_ms");
  if (trial == net.graph.provenance.extra.end() ||
      !(std::strtod(trial->second.c_str(), nullptr) > 0))
    return makeError(path.str(), "provenance.extra has no positive "
                                 "'trial_ms': the trial length is unknown");
  net.trialMs = std::strtod(trial->second.c_str(), nullptr);
  return net;
}

llvm::Expected<Samples> loadSamples(const model::proto::Model &model,
                                    llvm::StringRef datasetFile,
                                    llvm::StringRef split, uint32_t limit) {
  model::proto::Model source = model;
  if (!datasetFile.empty()) {
    llvm::Expected<model::Model> m = model::readModel(datasetFile);
    if (!m)
      return m.takeError();
    source = std::move(*m);
  }
  llvm::Expected<data::DatasetSplit> s =
      train::loadEvaluationSplit(source, split);
  if (!s)
    return s.takeError();
  Samples out{std::move(s->samples), s->durationMs};
  if (limit > 0 && out.samples.size() > limit)
    out.samples.resize(limit);
  return out;
}

namespace {

llvm::Expected<ConfigFile> readConfigFile(llvm::StringRef dirOrFile) {
  ConfigFile file;
  if (llvm::sys::fs::is_directory(dirOrFile)) {
    std::error_code ec;
    std::vector<std::string> found;
    for (llvm::sys::fs::directory_iterator it(dirOrFile, ec), end;
         it != end && !ec; it.increment(ec))
      if (llvm::sys::path::extension(it->path()) == ".axoncfg")
        found.push_back(it->path());
    if (ec)
      return makeError(dirOrFile.str(), "cannot list the directory: {}",
                       ec.message());
    if (found.size() != 1)
      return makeError(dirOrFile.str(),
                       "expected one emitted configuration (*.axoncfg, "
                       "written by `axon deploy`), found {}",
                       found.size());
    file.path = found.front();
  } else {
    file.path = dirOrFile.str();
  }
  llvm::Expected<std::string> bytes = readWholeFile(file.path);
  if (!bytes)
    return bytes.takeError();
  file.bytes = std::move(*bytes);
  return file;
}

llvm::Expected<std::unique_ptr<sim::Device>>
openDevice(llvm::StringRef deviceSpec, const ConfigFile &config,
           std::chrono::milliseconds timeout) {
  std::unique_ptr<sim::Device> device;
  if (deviceSpec.empty()) {
    llvm::Expected<std::string> family =
        sim::configFamily(config.bytes, config.path);
    if (!family)
      return family.takeError();
    llvm::Expected<std::unique_ptr<sim::Device>> emulator =
        sim::createEmulator(*family);
    if (!emulator)
      return emulator.takeError();
    device = std::move(*emulator);
  } else {
    if (!sim::device::isDeviceUrl(deviceSpec))
      return makeError("--device", "'{}' is not a device address: expected "
                                   "tcp://host:port",
                       deviceSpec);
    sim::device::RemoteDeviceOptions options;
    options.connectTimeout = std::min(timeout, std::chrono::milliseconds(5000));
    options.replyTimeout = timeout;
    llvm::Expected<std::unique_ptr<sim::device::RemoteDevice>> remote =
        sim::device::RemoteDevice::connect(deviceSpec, options);
    if (!remote)
      return remote.takeError();
    device = std::move(*remote);
  }
  if (llvm::Error err = device->load(config.bytes, config.path))
    return err;
  return device;
}

} // namespace

llvm::Expected<Deployment> openDeployment(llvm::StringRef dirOrFile,
                                          const DeviceRunOptions &options) {
  llvm::Expected<ConfigFile> config = readConfigFile(dirOrFile);
  if (!config)
    return config.takeError();
  llvm::Expected<std::unique_ptr<sim::Device>> device =
      openDevice(options.device, *config, options.deviceTimeout());
  if (!device)
    return device.takeError();
  return Deployment{std::move(*config), std::move(*device)};
}

} // namespace axon::tool
