// service_file_keys against what parse_service accepts.
#include "config/keys.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include <catch2/catch.hpp>

#include "config/limits.h"
#include "config/load.h"

using namespace daemonctl::config;

namespace {

/// `path` ("stop.signal") set to 1 in a file that has a command.
std::string file_setting(const std::string& path) {
  std::string text = "command = [\"/bin/true\"]\n";
  std::size_t dot = path.find('.');
  if (dot == std::string::npos) return text + path + " = 1\n";
  return text + "[" + path.substr(0, dot) + "]\n" + path.substr(dot + 1) + " = 1\n";
}

/// The messages of the problems parse_service finds in `text`.
std::vector<std::string> messages(const std::string& text) {
  auto r = parse_service(text, "svc/web.toml", "/srv/svc");
  std::vector<std::string> out;
  if (auto* diagnostics = std::get_if<std::vector<daemonctl::Diagnostic>>(&r)) {
    for (const auto& d : *diagnostics) out.push_back(d.message);
  }
  return out;
}

bool says_unknown(const std::vector<std::string>& all) {
  return std::any_of(all.begin(), all.end(), [](const std::string& m) { return m.starts_with("unknown "); });
}

}  // namespace

TEST_CASE("service_file_keys: every key is known to parse_service", "[config][keys]") {
  for (const std::string& key : service_file_keys()) {
    INFO(key);
    CHECK_FALSE(says_unknown(messages(file_setting(key))));
  }
}

TEST_CASE("service_file_keys: in each of its tables, any other key is unknown", "[config][keys]") {
  std::set<std::string> tables{""};
  for (const std::string& key : service_file_keys()) {
    if (std::size_t dot = key.find('.'); dot != std::string::npos) tables.insert(key.substr(0, dot));
  }
  CHECK(tables == std::set<std::string>{"", "limits", "ready", "restart", "start", "stderr", "stdout", "stop"});
  for (const std::string& table : tables) {
    INFO(table);
    std::string key = table.empty() ? "no_such_key" : table + ".no_such_key";
    auto all = messages(file_setting(key));
    CHECK(says_unknown(all));
  }
}

TEST_CASE("service_file_keys: each once, the tables and every limit among them", "[config][keys]") {
  const auto keys = service_file_keys();
  CHECK(std::set<std::string>(keys.begin(), keys.end()).size() == keys.size());
  for (const char* key : {"command", "stdout", "stop", "stop.signal", "ready.timeout", "restart.window",
                          "stderr.max_size"}) {
    CHECK(std::count(keys.begin(), keys.end(), key) == 1);
  }
  for (const std::string& name : limit_names()) CHECK(std::count(keys.begin(), keys.end(), "limits." + name) == 1);
}

namespace {

/// The sections of a scdoc page ("# [stop]" -> "[stop]"), each its lines.
std::map<std::string, std::vector<std::string>> sections(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  std::map<std::string, std::vector<std::string>> out;
  std::string section;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# ", 0) == 0) section = line.substr(2);
    else out[section].push_back(line);
  }
  return out;
}

/// The keys a section's entries document: lines such as "*max\_delay* (duration; ...)".
std::set<std::string> entries(const std::vector<std::string>& lines) {
  static const std::regex kEntry(R"(^\*([a-z_\\]+)\* \()");
  std::set<std::string> out;
  for (const std::string& line : lines) {
    std::smatch m;
    if (!std::regex_search(line, m, kEntry)) continue;
    std::string key = m[1];
    std::erase(key, '\\');  // scdoc's \_
    out.insert(key);
  }
  return out;
}

}  // namespace

// The man page is the reference: a key the loader takes has its entry there,
// in the section of its table, and the page documents no key the loader
// does not take. stdout.* and stderr.* are the entries of ROTATED LOGS; a
// limit is named in [limits].
TEST_CASE("service_file_keys: daemonctl.toml(5) has an entry for each, and for no other key", "[config][keys]") {
  auto page = sections(std::string(MAN_DIR) + "/daemonctl.toml.5.scd");
  std::set<std::string> documented;
  for (const std::string& key : entries(page["TOP-LEVEL KEYS"])) documented.insert(key);
  for (const char* table : {"start", "stop", "ready", "restart"}) {
    std::string heading = std::string("[") + table + "]";
    REQUIRE(page.count(heading) == 1);
    documented.insert(table);
    for (const std::string& key : entries(page[heading])) documented.insert(std::string(table) + "." + key);
  }
  REQUIRE(page.count("ROTATED LOGS") == 1);
  for (const std::string& key : entries(page["ROTATED LOGS"])) {
    documented.insert("stdout." + key);
    documented.insert("stderr." + key);
  }
  REQUIRE(page.count("[limits]") == 1);
  documented.insert("limits");
  std::string limits;
  for (const std::string& line : page["[limits]"]) limits += line + "\n";
  for (const std::string& name : limit_names()) {
    if (limits.find("*" + name + "*") != std::string::npos) documented.insert("limits." + name);
  }

  const auto keys = service_file_keys();
  for (const std::string& key : keys) {
    INFO("a key of the loader: " << key);
    CHECK(documented.count(key) == 1);
  }
  for (const std::string& key : documented) {
    INFO("an entry of daemonctl.toml(5): " << key);
    CHECK(std::count(keys.begin(), keys.end(), key) == 1);
  }
}
