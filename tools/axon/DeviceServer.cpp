//===- DeviceServer.cpp - `axon device-server`: an emulator over TCP ------===//
//
// Serves the in-process emulator of a target's emitter family with the
// remote-device protocol, so that `--device tcp://host:port` runs against
// it exactly as against a lab's board behind the same protocol. It runs in
// the foreground until killed and prints one line per client event.
//===----------------------------------------------------------------------===//
#include "tools/axon/Command.h"

#include "backends/target/TargetDescription.h"
#include "simulator/Device.h"
#include "simulator/device/DeviceServer.h"

#include <fmt/core.h>

namespace axon::tool {

Command addDeviceServerCommand(CLI::App &root) {
  struct Options {
    std::string target;
    std::string host = "127.0.0.1";
    uint16_t port = 7400;
    double ioTimeoutSeconds = 30;
    double idleTimeoutSeconds = 0;
  };
  auto o = std::make_shared<Options>();
  CLI::App *app = root.add_subcommand(
      "device-server", "Serve a target's emulator as a remote device over "
                       "TCP (for --device tcp://host:port)");
  app->add_option("--target", o->target,
                  "Target name (loihi, spinnaker) or description file")
      ->required();
  app->add_option("--port", o->port,
                  "Port to listen on; 0 picks a free one (default 7400)");
  app->add_option("--host", o->host,
                  "Address to listen on (default 127.0.0.1; 0.0.0.0 for "
                  "every interface)");
  app->add_option("--io-timeout", o->ioTimeoutSeconds,
                  "Seconds a client has to finish sending a request and to "
                  "take a reply (default 30)")
      ->check(CLI::PositiveNumber);
  app->add_option("--idle-timeout", o->idleTimeoutSeconds,
                  "Seconds a silent client keeps the device before the next "
                  "is served; 0 waits forever (default 0)")
      ->check(CLI::NonNegativeNumber);
  return {app, [o] {
            llvm::Expected<target::TargetDescription> desc =
                target::TargetDescription::find(o->target);
            if (!desc)
              return reportError(desc.takeError());
            // The description names the family: a custom target file that
            // reuses an emitter gets that emitter's emulator.
            const std::string &family = desc->data().emitter();
            llvm::Expected<std::unique_ptr<sim::Device>> device =
                sim::createEmulator(family);
            if (!device)
              return reportError(device.takeError());

            sim::device::DeviceServerOptions options;
            options.host = o->host;
            options.port = o->port;
            options.ioTimeout = std::chrono::milliseconds(
                static_cast<int64_t>(o->ioTimeoutSeconds * 1000));
            options.idleTimeout = std::chrono::milliseconds(
                static_cast<int64_t>(o->idleTimeoutSeconds * 1000));
            options.log = [](const std::string &line) {
              fmt::print(stderr, "axon device-server: {}\n", line);
            };
            llvm::Expected<std::unique_ptr<sim::device::DeviceServer>> server =
                sim::device::DeviceServer::create(**device, options);
            if (!server)
              return reportError(server.takeError());
            // Scripts wait for this exact line on stdout (and read the port
            // from it when --port 0 let the system choose).
            fmt::print(stderr,
                       "axon device-server: serving the {} of target "
                       "'{}'\n",
                       (*device)->describe(), desc->name());
            fmt::print("listening on {}\n", (*server)->url());
            std::fflush(stdout);
            if (llvm::Error err = (*server)->serve())
              return reportError(std::move(err));
            return 0;
          }};
}

} // namespace axon::tool
