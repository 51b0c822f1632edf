//===- DeviceRun.h - What verify, emulate and eval share --------*- C++ -*-===//
//
// The pieces the commands that run a deployed network put together: the
// trained network as a FLOAT graph with its training description (from a
// checkpoint or a lowered IR file), the data set samples to run, the
// emitted configuration in a deploy directory, and the device that runs
// it: the in-process emulator of the configuration's family, or a remote
// one (`--device tcp://host:port`).
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/Network.h"
#include "frontend/model/model.pb.h"
#include "ir/Graph.h"
#include "simulator/Device.h"

#include "llvm/Support/Error.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace axon::tool {

/// The options `axon verify` and `axon emulate` share: which samples to
/// run, on which device, and where to write the JSON figures.
struct DeviceRunOptions {
  std::string dataset, split = "test", device, json;
  uint32_t samples = 0;
  double deviceTimeoutSeconds = 30.0;

  /// Declares the options on `app`; `datasetHelp` says which data set
  /// runs without --dataset.
  void addTo(CLI::App &app, const std::string &datasetHelp);
  std::chrono::milliseconds deviceTimeout() const {
    return std::chrono::milliseconds(int64_t(deviceTimeoutSeconds * 1000));
  }
};

/// A trained network as the float model.
struct TrainedNetwork {
  ir::Graph graph;          ///< FLOAT level
  model::proto::Model model; ///< what it was trained from (its data set)
  double trialMs = 0.0;
};

/// From a checkpoint (.axonckpt: lowered on the fly) or a lowered IR file
/// (its provenance holds the model description and the trial length).
llvm::Expected<TrainedNetwork> loadTrainedNetwork(llvm::StringRef path);

struct Samples {
  std::vector<eventprop::Sample> samples;
  double durationMs = 0.0; ///< the split's trial length
};

/// The first `limit` samples (0: all) of split `split` of the data set of
/// `model`, or of the model description file `datasetFile` when given.
llvm::Expected<Samples> loadSamples(const model::proto::Model &model,
                                    llvm::StringRef datasetFile,
                                    llvm::StringRef split, uint32_t limit);

/// An emitted configuration file.
struct ConfigFile {
  std::string path;
  std::string bytes;
};

/// A deployed network ready to run: the configuration and a device loaded
/// with it.
struct Deployment {
  ConfigFile config;
  std::unique_ptr<sim::Device> device;
};

/// Reads the configuration in `dirOrFile` (a deploy directory holding one
/// *.axoncfg, or the file) and loads it into the in-process emulator of its
/// family, or into the remote device `options.device` (tcp://host:port).
llvm::Expected<Deployment> openDeployment(llvm::StringRef dirOrFile,
                                          const DeviceRunOptions &options);

} // namespace axon::tool
