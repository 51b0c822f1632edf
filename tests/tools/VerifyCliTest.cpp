//===- VerifyCliTest.cpp - axon verify / emulate / device-server ----------===//
//
// End to end from the command line: trained networks deployed, emulated and
// verified against their float models, in process and over TCP.
//===----------------------------------------------------------------------===//
#include "support/CliFiles.h"
#include "support/RunTool.h"

#include <catch2/catch.hpp>

#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace axon::test;
namespace fs = std::filesystem;

namespace {

std::string source(const std::string &rel) { return sourceFile(rel); }

fs::path scratch(const char *what) {
  return scratchDir(std::string("verify-") + what);
}

/// Trains `model` (examples/<model>.train.pbtxt with `flags`) into `dir`
/// and deploys it to `target`; returns the checkpoint.
std::string trainAndDeploy(const fs::path &dir, const std::string &model,
                           const std::string &flags, const char *target) {
  fs::path ckpt = dir / "checkpoint.axonckpt";
  if (!fs::exists(ckpt))
    REQUIRE(runAxon("train " + source("examples/" + model + ".train.pbtxt") +
                    flags + " --out " + dir.string())
                .status == 0);
  REQUIRE(runAxon("deploy " + ckpt.string() + " --target " + target + " -o " +
                  (dir / target).string())
              .status == 0);
  return ckpt.string();
}

/// The lines of a verify report that describe the comparison itself (not
/// which device ran it).
std::string comparisonLines(const std::string &report) {
  std::istringstream in(report);
  std::string line, out;
  while (std::getline(in, line))
    if (line.rfind("verify:", 0) != 0)
      out += line + "\n";
  return out;
}

/// `axon device-server --target T --port 0` in a child process; the port
/// it printed.
struct Server {
  pid_t pid = -1;
  std::string url;

  explicit Server(const char *target) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      dup2(fds[1], STDOUT_FILENO);
      // Its per-client log lines would clutter the test's output.
      int quiet = open("/dev/null", O_WRONLY);
      if (quiet >= 0)
        dup2(quiet, STDERR_FILENO);
      close(fds[0]);
      close(fds[1]);
      std::string tool = axonTool();
      execl(tool.c_str(), tool.c_str(), "device-server", "--target", target,
            "--port", "0", static_cast<char *>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    std::string line;
    char c;
    while (read(fds[0], &c, 1) == 1 && c != '\n')
      line += c;
    close(fds[0]);
    const std::string prefix = "listening on ";
    REQUIRE(line.rfind(prefix, 0) == 0);
    url = line.substr(prefix.size());
  }

  void kill() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
      pid = -1;
    }
  }
  ~Server() { kill(); }
};

} // namespace

TEST_CASE("axon verify: trained sequence detection agrees fully on both "
          "targets and writes JSON",
          "[cli][verify]") {
  fs::path dir = scratch("sequence");
  for (const char *target : {"loihi", "spinnaker"}) {
    CAPTURE(target);
    std::string ckpt = trainAndDeploy(dir, "sequence", "", target);
    fs::path json = dir / (std::string(target) + ".json");
    ToolResult v = runAxon("verify " + ckpt + " " + (dir / target).string() +
                           " --json " + json.string() +
                           " --min-agreement 0.99");
    INFO(v.output);
    CHECK(v.status == 0);
    CHECK_THAT(v.output, Catch::Contains("agreement       100.00 %  (0 of 64 "
                                         "decisions differ)"));
    CHECK_THAT(v.output, Catch::Contains("no stage changed a decision"));
    CHECK_THAT(v.output, Catch::Contains("effective ACs / sample"));
    std::string text = readText(json);
    CHECK_THAT(text, Catch::Contains("\"agreement\": 1"));
    CHECK_THAT(text, Catch::Contains("\"float_accuracy\": 1"));
    CHECK_THAT(text, Catch::Contains("\"config_reproduced\": true"));
    CHECK_THAT(text, Catch::Contains("\"Effective_ACs\""));
  }
  fs::remove_all(dir);
}

TEST_CASE("axon verify names the pass that cost agreement and fails below "
          "the threshold",
          "[cli][verify]") {
  // Yin-Yang trained at 0.05 ms: the SpiNNaker-like chip cannot tick that
  // fast, so discretise-delays resamples it at 1 ms, which changes
  // decisions; verify says so and exits with status 2.
  fs::path dir = scratch("yinyang");
  std::string ckpt =
      trainAndDeploy(dir, "yinyang", " --epochs 1 --engine exact", "spinnaker");
  ToolResult v = runAxon("verify " + ckpt + " " + (dir / "spinnaker").string() +
                         " --samples 100 --min-agreement 0.99");
  INFO(v.output);
  CHECK(v.status == 2);
  CHECK_THAT(v.output, Catch::Contains("largest drop: discretise-delays"));
  CHECK_THAT(v.output, Catch::Contains("grids differ"));
  CHECK_THAT(v.output, Catch::Contains("is below --min-agreement 0.99"));
  fs::remove_all(dir);
}

TEST_CASE("axon emulate runs a deployment over a data set", "[cli][verify]") {
  fs::path dir = scratch("emulate");
  std::string ckpt = trainAndDeploy(dir, "sequence", "", "loihi");
  fs::path json = dir / "emulate.json";
  ToolResult e = runAxon("emulate " + (dir / "loihi").string() + " --model " +
                         ckpt + " --json " + json.string());
  INFO(e.output);
  CHECK(e.status == 0);
  CHECK_THAT(e.output, Catch::Contains("accuracy 1.0000"));
  CHECK_THAT(e.output, Catch::Contains("cycles/trial"));
  CHECK_THAT(readText(json), Catch::Contains("\"samples\": 64"));

  ToolResult noData = runAxon("emulate " + (dir / "loihi").string());
  CHECK(noData.status != 0);
  CHECK_THAT(noData.output, Catch::Contains("give --model or --dataset"));
  ToolResult noConfig = runAxon("emulate " + dir.string() + " --model " + ckpt);
  CHECK(noConfig.status != 0);
  CHECK_THAT(noConfig.output,
             Catch::Contains("expected one emitted configuration"));
  fs::remove_all(dir);
}

TEST_CASE("verify over TCP equals the in-process run and survives a killed "
          "server",
          "[cli][verify][device]") {
  fs::path dir = scratch("tcp");
  std::string ckpt = trainAndDeploy(dir, "sequence", "", "spinnaker");
  std::string deploy = (dir / "spinnaker").string();
  ToolResult local = runAxon("verify " + ckpt + " " + deploy);
  REQUIRE(local.status == 0);

  Server server("spinnaker");
  ToolResult remote =
      runAxon("verify " + ckpt + " " + deploy + " --device " + server.url);
  INFO(remote.output);
  REQUIRE(remote.status == 0);
  CHECK_THAT(remote.output, Catch::Contains(server.url));
  CHECK(comparisonLines(remote.output) == comparisonLines(local.output));

  server.kill();
  ToolResult gone = runAxon("verify " + ckpt + " " + deploy + " --device " +
                            server.url + " --device-timeout 2");
  INFO(gone.output);
  CHECK(gone.status == 1);
  CHECK_THAT(gone.output, Catch::Contains(server.url));
  CHECK_THAT(gone.output, Catch::Contains("connection refused"));
  ToolResult bad = runAxon("verify " + ckpt + " " + deploy +
                           " --device http://localhost:1");
  CHECK(bad.status == 1);
  CHECK_THAT(bad.output, Catch::Contains("tcp://host:port"));
  fs::remove_all(dir);
}
