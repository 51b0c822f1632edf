//===- main.cpp - The axon command line -----------------------------------===//
//
// One binary, one subcommand per pipeline step. This is the only place that
// prints or exits; library code returns llvm::Error.
//===----------------------------------------------------------------------===//
#include "tools/axon/Command.h"

#include "ir/Diagnostics.h"

#include <fmt/core.h>
#include <vector>

namespace axon::tool {

int reportError(llvm::Error err) {
  llvm::handleAllErrors(std::move(err), [](const llvm::ErrorInfoBase &e) {
    std::string text = e.message();
    fmt::print(stderr, "axon: error: {}\n", text);
  });
  return 1;
}

} // namespace axon::tool

int main(int argc, char **argv) {
  using namespace axon::tool;
  CLI::App app{"Axon: train spiking networks with EventProp and deploy them "
               "to neuromorphic chips",
               "axon"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "axon 0.1");

  std::vector<Command> commands = {
      addInfoCommand(app),
      addConvertCommand(app),
      addVerifyIRCommand(app),
      addTrainCommand(app),
      addEvalCommand(app),
      addLowerCommand(app),
      addOptCommand(app),
      addEmitCommand(app),
      addDeployCommand(app),
      addEmulateCommand(app),
      addVerifyCommand(app),
      addDeviceServerCommand(app),
  };

  // CLI11 would only say that a subcommand is required; name the culprit.
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    for (const Command &c : commands)
      known |= c.app->get_name() == argv[1];
    if (!known) {
      fmt::print(stderr,
                 "axon: error: unknown subcommand '{}'; run 'axon --help' "
                 "for the list\n",
                 argv[1]);
      return 1;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return app.exit(e);
  }
  try {
    for (Command &c : commands)
      if (c.app->parsed())
        return c.run();
  } catch (const std::exception &e) {
    // fmt I/O failures and allocation failure still throw; never crash.
    fmt::print(stderr, "axon: error: {}\n", e.what());
    return 1;
  }
  return 1;
}
