// nginx from Debian (nginx-light) under daemonctl, both ways it can run: in
// the foreground (`daemon off;`, type simple) and daemonizing itself with
// its own pidfile (type forking). Each serves a page on a loopback port,
// reloads a changed config with the same master, and stops master and
// workers, which run as nobody and drop the environment (and its mark).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <set>

#include "clients.h"
#include "harness.h"
#include "servers.h"

using namespace harness;
using namespace real;

namespace {

const char* kNginx = "/usr/sbin/nginx";

/// nginx's config: a master and two workers on loopback `port`, every file it
/// writes under <sandbox>/nginx. `/` serves html/index.html; `/version` says
/// `version`, which only a reload of the config can change.
std::string nginx_conf(const Sandbox& box, int port, const std::string& version, bool foreground) {
  std::string at = box.path("nginx");
  return std::string(foreground ? "daemon off;\n" : "") + "worker_processes 2;\npid " + at + "/nginx.pid;\nerror_log " +
         at + "/error.log;\nevents { worker_connections 64; }\nhttp {\n  access_log off;\n" +
         "  client_body_temp_path " + at + "/tmp/body;\n  proxy_temp_path " + at + "/tmp/proxy;\n" +
         "  fastcgi_temp_path " + at + "/tmp/fastcgi;\n  uwsgi_temp_path " + at + "/tmp/uwsgi;\n" +
         "  scgi_temp_path " + at + "/tmp/scgi;\n  server {\n    listen 127.0.0.1:" + std::to_string(port) +
         ";\n    root " + at + "/html;\n    location = /version { return 200 \"" + version + "\\n\"; }\n  }\n}\n";
}

/// Writes the page and the config (version v1), and the service file `nginx`
/// with `extra` lines; returns the service file.
std::string nginx_service(Sandbox& box, int port, bool foreground, const std::string& extra) {
  box.write("nginx/html/index.html", "hello from nginx\n");
  box.write("nginx/tmp/.keep", "");
  std::string conf = box.write("nginx/nginx.conf", nginx_conf(box, port, "v1", foreground));
  // The workers run as nobody: the page must be readable, down from the sandbox.
  std::filesystem::permissions(box.dir(), std::filesystem::perms(0755));
  return box.service("nginx", "command = [\"" + std::string(kNginx) + "\", \"-p\", \"" + box.path("nginx") +
                                  "\", \"-c\", \"" + conf + "\", \"-e\", \"" + box.path("nginx/error.log") +
                                  "\"]\nstderr = \"" + box.path("nginx/stderr.log") + "\"\n" + box.mark_line() +
                                  extra + "[ready]\ntcp = \"127.0.0.1:" + std::to_string(port) +
                                  "\"\ntimeout = \"10s\"\n");
}

std::string logs_of(const Sandbox& box) {
  return "error.log: " + slurp(box.path("nginx/error.log")) + "\nstderr.log: " + slurp(box.path("nginx/stderr.log"));
}

/// `/version` answers `version` within 5 s.
bool serves_version(int port, const std::string& version) {
  return wait_until([&] { return http_get(port, "/version").body == version + "\n"; });
}

/// The whole life of an nginx service: start, serve, reload, stop. `pidfile`
/// is where the master's pid is (daemonctl's, or nginx's own).
void serve_reload_stop(Sandbox& box, StopAtEnd& guard, const std::string& file, int port,
                       const std::string& pidfile, bool foreground) {
  Run r = box.run({"start", file});
  INFO("stderr: " << r.err << "\n" << logs_of(box));
  pid_t master = pid_in(r.out);
  pid_t pgid = master > 0 ? stat_of(master).pgrp : 0;
  // Watched before anything can fail: the guard sweeps its workers then.
  if (pgid > 0) guard.watch_group(pgid, kNginx);
  REQUIRE(r.code == 0);
  REQUIRE(r.out == "nginx: started (pid " + std::to_string(master) + ")\n");
  CHECK(slurp(pidfile) == std::to_string(master) + "\n");

  HttpReply page = http_get(port, "/");
  CHECK(page.status == 200);
  CHECK(page.body == "hello from nginx\n");
  CHECK(http_get(port, "/version").body == "v1\n");
  std::set<pid_t> workers;
  REQUIRE(wait_until([&] { return children_of(master).size() == 2; }));
  for (pid_t w : children_of(master)) workers.insert(w);

  // A changed config, then reload: the same master serves it with new workers.
  box.write("nginx/nginx.conf", nginx_conf(box, port, "v2", foreground));
  Run reload = box.run({"reload", file});
  CHECK(reload.code == 0);
  CHECK(reload.out == "nginx: sent SIGHUP to pid " + std::to_string(master) + "\n");
  CHECK(serves_version(port, "v2"));
  CHECK(alive(master));
  CHECK(slurp(pidfile) == std::to_string(master) + "\n");
  Run status = box.run({"status", file});
  CHECK(status.code == 0);
  CHECK(status.out.starts_with("nginx: running (pid " + std::to_string(master) + ", up "));
  CHECK(http_get(port, "/").body == "hello from nginx\n");
  // Two new workers, each remembered for the check after the stop.
  const std::set<pid_t> before = workers;
  CHECK(wait_until([&] {
    size_t fresh = 0;
    for (pid_t w : children_of(master)) {
      workers.insert(w);
      if (!before.contains(w)) ++fresh;
    }
    return fresh >= 2;
  }));

  Run stopped = box.run({"stop", file});
  CHECK(stopped.code == 0);
  CHECK(stopped.out == "nginx: stopped (pid " + std::to_string(master) + ")\n");
  CHECK_FALSE(alive(master));
  for (pid_t w : workers) CHECK_FALSE(alive(w));
  CHECK(group_members(pgid, kNginx).empty());
  CHECK(http_get(port, "/").status == 0);
  CHECK_FALSE(exists(pidfile));
  CHECK(box.run({"status", file}).code == 3);
}

}  // namespace

TEST_CASE("nginx in the foreground (daemon off): serves, reloads a changed config with the same master, stop ends master and workers") {
  require_program(kNginx, "nginx-light");
  Sandbox box;
  int port = free_port();
  std::string file = nginx_service(box, port, true, "");
  StopAtEnd guard(box, file);
  serve_reload_stop(box, guard, file, port, box.state_dir() + "/nginx.pid", true);
}

TEST_CASE("nginx type forking: start records the master from nginx's own pidfile, serves, reloads, stop ends master and workers") {
  require_program(kNginx, "nginx-light");
  Sandbox box;
  int port = free_port();
  std::string pidfile = box.path("nginx/nginx.pid");
  std::string file = nginx_service(box, port, false, "type = \"forking\"\npidfile = \"" + pidfile + "\"\n");
  StopAtEnd guard(box, file);
  serve_reload_stop(box, guard, file, port, pidfile, false);
}
