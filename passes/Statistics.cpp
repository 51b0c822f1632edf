//===- Statistics.cpp - What each pass did, in numbers --------------------===//
#include "passes/Statistics.h"

#include "ir/Format.h"

#include <algorithm>
#include <cassert>
#include <fmt/format.h>

namespace axon::passes {

Statistic &PassStatistics::entry(llvm::StringRef name,
                                 llvm::StringRef description,
                                 Statistic::Kind kind) {
  StatisticGroup &g = owner->groupList[group];
  for (Statistic &s : g.entries)
    if (s.name == name) {
      assert(s.kind == kind && "a statistic is either a counter or a figure");
      return s;
    }
  Statistic s;
  s.name = name.str();
  s.description = description.str();
  s.kind = kind;
  g.entries.push_back(std::move(s));
  return g.entries.back();
}

void PassStatistics::add(llvm::StringRef name, llvm::StringRef description,
                         uint64_t n) {
  entry(name, description, Statistic::Kind::Counter).count += n;
}

void PassStatistics::set(llvm::StringRef name, llvm::StringRef description,
                         double value) {
  entry(name, description, Statistic::Kind::Figure).value = value;
}

PassStatistics Statistics::forPass(llvm::StringRef pass) {
  for (size_t i = 0; i < groupList.size(); ++i)
    if (groupList[i].pass == pass)
      return PassStatistics(*this, i);
  groupList.push_back({pass.str(), {}});
  return PassStatistics(*this, groupList.size() - 1);
}

const Statistic *Statistics::find(llvm::StringRef pass,
                                  llvm::StringRef name) const {
  for (const StatisticGroup &g : groupList) {
    if (g.pass != pass)
      continue;
    for (const Statistic &s : g.entries)
      if (s.name == name)
        return &s;
  }
  return nullptr;
}

std::optional<uint64_t> Statistics::counter(llvm::StringRef pass,
                                            llvm::StringRef name) const {
  const Statistic *s = find(pass, name);
  if (!s || s->kind != Statistic::Kind::Counter)
    return std::nullopt;
  return s->count;
}

std::optional<double> Statistics::figure(llvm::StringRef pass,
                                         llvm::StringRef name) const {
  const Statistic *s = find(pass, name);
  if (!s || s->kind != Statistic::Kind::Figure)
    return std::nullopt;
  return s->value;
}

std::string Statistics::format() const {
  fmt::memory_buffer out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, "===-----------------------------------------------"
                     "--------------------------===\n"
                     "                      ... Pass statistics report "
                     "...\n"
                     "===-----------------------------------------------"
                     "--------------------------===\n");
  for (const StatisticGroup &g : groupList) {
    fmt::format_to(it, "{}\n", g.pass);
    // Right-align the values and left-align the names within a group, as
    // MLIR does, so the columns read as a table.
    std::vector<std::string> values;
    size_t valueWidth = 0, nameWidth = 0;
    for (const Statistic &s : g.entries) {
      values.push_back(s.kind == Statistic::Kind::Counter
                           ? fmt::format("{}", s.count)
                           : fmt::format("{:.6g}", s.value));
      valueWidth = std::max(valueWidth, values.back().size());
      nameWidth = std::max(nameWidth, s.name.size());
    }
    for (size_t i = 0; i < g.entries.size(); ++i)
      fmt::format_to(it, "  (S) {:>{}} {:<{}} - {}\n", values[i], valueWidth,
                     g.entries[i].name, nameWidth, g.entries[i].description);
  }
  return fmt::to_string(out);
}

} // namespace axon::passes
