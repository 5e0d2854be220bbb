// service_file_keys against what parse_service accepts.
#include "config/keys.h"

#include <algorithm>
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
