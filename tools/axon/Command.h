//===- Command.h - How `axon` subcommands plug into the driver --*- C++ -*-===//
//
// Each subcommand lives in its own file and exposes one add...Command
// function that declares its options on the root CLI11 app and returns the
// action to run when the user chose it. main.cpp lists them; nothing else
// is shared, so adding a subcommand touches only main.cpp's table.
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/Support/Error.h"

#include <CLI/CLI.hpp>
#include <functional>

namespace axon::tool {

struct Command {
  CLI::App *app = nullptr;
  std::function<int()> run;
};

/// Prints `err` as "axon: error: <location>: <message>" to stderr and
/// returns the exit status to use (1).
int reportError(llvm::Error err);

Command addInfoCommand(CLI::App &root);
Command addConvertCommand(CLI::App &root);
Command addVerifyIRCommand(CLI::App &root);
Command addTrainCommand(CLI::App &root);
Command addEvalCommand(CLI::App &root);
Command addLowerCommand(CLI::App &root);
Command addOptCommand(CLI::App &root);
Command addEmitCommand(CLI::App &root);
Command addDeployCommand(CLI::App &root);
Command addEmulateCommand(CLI::App &root);
Command addVerifyCommand(CLI::App &root);
Command addDeviceServerCommand(CLI::App &root);

} // namespace axon::tool
