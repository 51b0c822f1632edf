//===- Device.h - A chip (or its model) that runs trials --------*- C++ -*-===//
//
// The one interface behind which `axon verify` and `axon emulate` run a
// deployed network: the in-process emulators of each target, and a remote
// device reached over TCP (simulator/device) that a lab can back with a
// real board. A device is loaded with the bytes of an emitted
// configuration file (loihi.axoncfg, spinnaker.axoncfg), never with the IR,
// and then runs trials from reset: input spikes in, spikes, readout state
// and counters out.
//===----------------------------------------------------------------------===//
#pragma once

#include "simulator/Trial.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace axon::sim {

/// An input population of the loaded configuration.
struct InputPort {
  std::string name;
  uint32_t size = 0;
  bool operator==(const InputPort &) const = default;
};

/// What a loaded configuration exposes to the host.
struct DeviceLayout {
  std::string target;  ///< the target description's name ("loihi", ...)
  std::string family;  ///< the emitter family ("loihi" or "spinnaker")
  std::string graph;   ///< the deployed graph's name
  double dtMs = 0.0;   ///< one tick
  std::vector<InputPort> inputs;     ///< in graph order
  std::string readout;               ///< the decision's population
  Decoding decoding = Decoding::SpikeCount;
  std::vector<std::string> classNames;
  uint32_t numClasses = 0;
  uint32_t cores = 0;                ///< cores holding neurons
  bool operator==(const DeviceLayout &) const = default;
};

struct RunOptions {
  /// Record the readout's voltage at every grid point even when the
  /// decoding does not need it (spike-decoded readouts).
  bool recordReadoutVoltage = false;
};

class Device {
public:
  virtual ~Device();

  /// Loads a configuration from the contents of an emitted file;
  /// `location` names it in diagnostics. Replaces any earlier one.
  virtual llvm::Error load(llvm::StringRef configBytes,
                           llvm::StringRef location) = 0;

  /// The loaded configuration's layout (empty before load).
  virtual const DeviceLayout &layout() const = 0;

  /// Runs one trial from reset. Errors: nothing loaded, an input event out
  /// of range, a lost connection.
  virtual llvm::Expected<TrialResult> run(const TrialInput &input,
                                          const RunOptions &options = {}) = 0;

  /// "loihi emulator", "tcp://host:port (spinnaker emulator)", ...
  virtual std::string describe() const = 0;
};

/// The in-process emulator of an emitter family ("loihi", "spinnaker"):
/// the emulators register here so that callers need not name them.
llvm::Expected<std::unique_ptr<Device>> createEmulator(llvm::StringRef family);

/// Which family a configuration file belongs to, from its container magic;
/// an error names the file when it is none of them.
llvm::Expected<std::string> configFamily(llvm::StringRef configBytes,
                                         llvm::StringRef location);

/// Checks an input against a layout: events sorted by step, steps below
/// numSteps,
/// inputs and channels in range. The error names the event.
llvm::Error checkTrialInput(const TrialInput &input,
                            const DeviceLayout &layout);

} // namespace axon::sim
