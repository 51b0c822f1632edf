//===- Info.cpp - `axon info`: summarise graph files ----------------------===//
#include "tools/axon/Command.h"

#include "ir/Printer.h"
#include "ir/Serialize.h"

#include <fmt/core.h>

namespace axon::tool {

Command addInfoCommand(CLI::App &root) {
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App *app = root.add_subcommand(
      "info", "Summarise graph files: populations, sizes, synapse counts, "
              "weight and delay statistics, level");
  app->add_option("files", *files, "Graph files (.axon, .pbtxt, .json)")
      ->required();
  return {app, [files] {
            int status = 0;
            for (const std::string &path : *files) {
              llvm::Expected<ir::Graph> g = ir::readGraph(path);
              if (!g) {
                status = reportError(g.takeError());
                continue;
              }
              fmt::print("{}:\n{}", path, ir::summariseGraph(*g));
            }
            return status;
          }};
}

} // namespace axon::tool
