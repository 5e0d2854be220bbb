// `daemonctl export systemd SERVICE`: the unit on stdout, exit 0, and
// systemd's own checker (systemd-analyze verify) finds nothing wrong with
// it; bad inputs exit as every other command does, creating nothing.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <dirent.h>

#include "harness.h"

using namespace harness;

namespace {

const std::string kAnalyze = "/usr/bin/systemd-analyze";

// The combined output of `command`, run by the shell, then "rc=N".
std::string output_of(const std::string& command) {
  std::string out;
  FILE* p = ::popen((command + " 2>&1; echo rc=$?").c_str(), "r");
  if (!p) return "popen failed";
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  ::pclose(p);
  return out;
}

// What `systemd-analyze verify` says of `unit` saved as units/<name>.service:
// "rc=0\n" alone when it finds nothing wrong. --man=no: it would look for
// the man pages of Documentation= and of the programs otherwise.
std::string verify(const Sandbox& box, const std::string& name, const std::string& unit) {
  std::string file = box.write("units/" + name + ".service", unit);
  return output_of(kAnalyze + " verify --man=no '" + file + "'");
}

// Every key of a service file, with values that need systemd's quoting.
const char* const kAllKeys = R"(name = "api"
command = ["sleep", "1000", "two words", "say \"hi\"", "$HOME", "100%", "back\\slash", ""]
directory = "."
umask = "0027"
user = "daemon"
group = "daemon"
stdin = "in.txt"
stdout = "out.log"
stderr = { file = "err.log", max_size = "1MiB", keep = 3 }
environment = { GREETING = "hello world", PRICE = "5$ 10%" }
pass_environment = ["TERM", "LC_ALL"]
after = ["db", "cache"]
reload_signal = "USR1"
nice = 5
oom_score_adj = 100

[limits]
nofile = "1024:4096"
core = "infinity"

[ready]
notify = true
tcp = "127.0.0.1:6379"
file = "ready.flag"
command = ["true"]
timeout = "1m30s"

[start]
grace = "250ms"

[stop]
signal = "INT"
interval = "0.5s"
timeout = "1500ms"
group = true

[restart]
policy = "on-failure"
delay = "2s"
max_delay = "16s"
limit = 4
window = "5m"
)";

// The unit kAllKeys gives in folder `dir`.
std::string all_keys_unit(const std::string& dir) {
  return "# api.service, from " + dir + "/api.toml by daemonctl export systemd\n"
         "[Unit]\n"
         "Description=daemonctl service api\n"
         "After=db.service cache.service\n"
         "# after: the order only, as in daemonctl; Wants= would also start them (start --with-deps)\n"
         "StartLimitIntervalSec=5min\n"
         "StartLimitBurst=5\n"
         "# [restart] limit = 4 restarts within window = 5m: systemd counts the first start too\n"
         "\n"
         "[Service]\n"
         "Type=notify\n"
         "NotifyAccess=all\n"
         "ExecStart=@/usr/bin/sleep sleep 1000 \"two words\" \"say \\\"hi\\\"\" \"$$HOME\" \"100%%\" "
         "\"back\\\\slash\" \"\"\n"
         "ExecReload=/bin/kill -s USR1 $MAINPID\n"
         "WorkingDirectory=" + dir + "\n"
         "UMask=0027\n"
         "User=daemon\n"
         "Group=daemon\n"
         "Nice=5\n"
         "OOMScoreAdjust=100\n"
         "LimitCORE=infinity\n"
         "LimitNOFILE=1024:4096\n"
         "Environment=\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"\n"
         "PassEnvironment=TERM LC_ALL\n"
         "Environment=\"GREETING=hello world\"\n"
         "Environment=\"PRICE=5$ 10%%\"\n"
         "StandardInput=file:" + dir + "/in.txt\n"
         "StandardOutput=append:" + dir + "/out.log\n"
         "StandardError=append:" + dir + "/err.log\n"
         "# stderr max_size = 1048576 bytes, keep = 3: systemd does not rotate; use logrotate (copytruncate) "
         "or the journal\n"
         "TimeoutStartSec=1min 30s\n"
         "# [ready] tcp = \"127.0.0.1:6379\": daemonctl's start waits for it, systemd has no such check\n"
         "# [ready] file = \"" + dir + "/ready.flag\": daemonctl's start waits for it, systemd has no such check\n"
         "# [ready] command = true: daemonctl's start waits for it, systemd has no such check\n"
         "# [start] grace = 250ms: daemonctl's start fails if the daemon exits within it; systemd has no such "
         "check\n"
         "KillMode=control-group\n"
         "# [stop] group = true: systemd signals every process of the service, even those that left its group\n"
         "KillSignal=SIGINT\n"
         "TimeoutStopSec=1s 500ms\n"
         "# [stop] interval = 500ms: daemonctl sends the stop signal again at this period, systemd once\n"
         "Restart=on-failure\n"
         "RestartForceExitStatus=SIGHUP SIGTERM SIGPIPE\n"
         "RestartSec=2s\n"
         "# [restart] the delay doubles after each run shorter than window = 5m, up to max_delay = 16s: "
         "systemd 252 waits RestartSec= each time;\n"
         "# systemd 254 and newer come close with:\n"
         "# RestartSteps=3\n"
         "# RestartMaxDelaySec=16s\n"
         "\n"
         "[Install]\n"
         "WantedBy=multi-user.target\n";
}

}  // namespace

TEST_CASE("export systemd: a service with every key prints its unit and exits 0") {
  Sandbox box;
  std::string file = box.write("api.toml", kAllKeys);
  Run r = box.run({"export", "systemd", file});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == all_keys_unit(box.dir()));
}

TEST_CASE("export systemd: systemd-analyze verify finds nothing wrong with the unit") {
  REQUIRE(::access(kAnalyze.c_str(), X_OK) == 0);  // scripts/deps installs systemd
  Sandbox box;
  Run r = box.run({"export", "systemd", box.write("api.toml", kAllKeys)});
  REQUIRE(r.code == 0);
  CHECK(verify(box, "api", r.out) == "rc=0\n");
}

TEST_CASE("export systemd: systemd-analyze verify catches a broken unit, so its silence means something") {
  REQUIRE(::access(kAnalyze.c_str(), X_OK) == 0);
  Sandbox box;
  Run r = box.run({"export", "systemd", box.write("api.toml", kAllKeys)});
  REQUIRE(r.code == 0);
  auto broken = [&](const std::string& from, const std::string& to) {
    std::string unit = r.out;
    auto at = unit.find(from);
    REQUIRE(at != std::string::npos);
    return verify(box, "api", unit.replace(at, from.size(), to));
  };
  CHECK(broken("KillMode=control-group", "KillMode=bogus").find("Failed to parse kill mode") != std::string::npos);
  CHECK(broken("\"back\\\\slash\"", "\"back\\qslash\"").find("Ignoring unknown escape sequences") != std::string::npos);
  CHECK(broken("StartLimitBurst=5", "StartLimitBurst=five") != "rc=0\n");
  CHECK(broken("@/usr/bin/sleep", "@/nonexistent/sleep").find("rc=1") != std::string::npos);
}

TEST_CASE("export systemd: the unit of every example passes systemd-analyze verify") {
  REQUIRE(::access(kAnalyze.c_str(), X_OK) == 0);
  Sandbox box;
  for (const std::string& folder : {std::string(EXAMPLES_DIR), std::string(EXAMPLES_DIR) + "/stack"}) {
    DIR* d = ::opendir(folder.c_str());
    REQUIRE(d);
    int exported = 0;
    while (dirent* e = ::readdir(d)) {
      std::string leaf = e->d_name;
      if (!leaf.ends_with(".toml")) continue;
      INFO(folder + "/" + leaf);
      Run r = box.run({"export", "systemd", folder + "/" + leaf});
      CHECK(r.code == 0);
      CHECK(verify(box, leaf.substr(0, leaf.size() - 5), r.out) == "rc=0\n");
      ++exported;
    }
    ::closedir(d);
    CHECK(exported >= 3);
  }
}

TEST_CASE("export systemd: a name is looked up in the config folder") {
  Sandbox box;
  box.service("db", "command = [\"/bin/sleep\", \"1000\"]\n");
  Run r = box.run({"--config-dir", box.dir(), "export", "systemd", "db"});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out.starts_with("# db.service, from " + box.path("db.toml") + " by daemonctl export systemd\n"));
  CHECK(r.out.find("\nExecStart=/bin/sleep 1000\n") != std::string::npos);
}

TEST_CASE("export systemd: a relative program path is absolute in ExecStart, from the file's folder") {
  Sandbox box;
  std::string script = box.write("bin/run.sh", "#!/bin/sh\nexec sleep 1000\n");
  REQUIRE(::chmod(script.c_str(), 0755) == 0);
  box.write("sub/.keep", "");
  std::string file = box.write("api.toml", "command = [\"./bin/run.sh\", \"-x\"]\ndirectory = \"sub\"\n");
  Run r = box.run({"export", "systemd", file});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find("\nExecStart=" + script + " -x\nExecReload=") != std::string::npos);
  CHECK(r.out.find("\nWorkingDirectory=" + box.path("sub") + "\n") != std::string::npos);
}

TEST_CASE("export systemd: with --json, one object holding the unit's text") {
  Sandbox box;
  std::string file = box.write("api.toml", kAllKeys);
  Run plain = box.run({"export", "systemd", file});
  Run json = box.run({"--json", "export", "systemd", file});
  INFO(json.err);
  CHECK(json.code == 0);
  std::string saved = box.write("out.json", json.out);
  std::string script = box.write("unit.py",
                                 "import json, sys\n"
                                 "items = json.load(open(sys.argv[1]))\n"
                                 "assert len(items) == 1, items\n"
                                 "o = items[0]\n"
                                 "print(sorted(o), o['name'], o['file'], o['format'], o['unit'])\n"
                                 "sys.stdout.write(o['text'])\n");
  CHECK(output_of("python3 '" + script + "' '" + saved + "'") ==
        "['file', 'format', 'name', 'text', 'unit'] api " + file + " systemd api.service\n" + plain.out + "rc=0\n");
}

TEST_CASE("export systemd: -q prints nothing and exits 0") {
  Sandbox box;
  Run r = box.run({"-q", "export", "systemd", box.service("db", "command = [\"/bin/sleep\", \"1000\"]\n")});
  CHECK(r.code == 0);
  CHECK(r.out.empty());
  CHECK(r.err.empty());
}

TEST_CASE("export: an unknown format is a usage error naming the formats, exit 2") {
  Sandbox box;
  Run r = box.run({"export", "upstart", box.service("db", "command = [\"/bin/sleep\", \"1000\"]\n")});
  CHECK(r.code == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "daemonctl: error: unknown export format 'upstart': the formats are: systemd\n");
}

TEST_CASE("export: without a format or a service, a usage error, exit 2") {
  Sandbox box;
  Run none = box.run({"export"});
  CHECK(none.code == 2);
  CHECK(none.out.empty());
  CHECK(none.err.find("FORMAT") != std::string::npos);
  Run no_service = box.run({"export", "systemd"});
  CHECK(no_service.code == 2);
  CHECK(no_service.err.find("SERVICE") != std::string::npos);
}

TEST_CASE("export systemd: an unknown name exits 5, naming the folder searched") {
  Sandbox box;
  Run r = box.run({"--config-dir", box.dir(), "export", "systemd", "nosuch"});
  CHECK(r.code == 5);
  CHECK(r.out.empty());
  CHECK(r.err == "daemonctl: error: nosuch: no service named 'nosuch' in '" + box.dir() + "'\n");
}

TEST_CASE("export systemd: a broken service file exits 6 with file:line:col") {
  Sandbox box;
  std::string file = box.service("api", "command = [\"/bin/sleep\", \"1000\"]\n[stop]\ntimout = \"5s\"\n");
  Run r = box.run({"export", "systemd", file});
  CHECK(r.code == 6);
  CHECK(r.out.empty());
  CHECK(r.err == "daemonctl: error: " + file + ":3:10: unknown key 'stop.timout', did you mean 'stop.timeout'?\n");
}

TEST_CASE("export systemd: a program that is not installed exits 5, as start would") {
  Sandbox box;
  std::string file = box.service("api", "command = [\"no-such-program-here\"]\n");
  Run r = box.run({"export", "systemd", file});
  CHECK(r.code == 5);
  CHECK(r.out.empty());
  CHECK(r.err == "daemonctl: error: api: cannot find 'no-such-program-here' in PATH "
                 "(/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)\n");
}

TEST_CASE("export systemd: creates nothing, not even the state dir") {
  Sandbox box;
  Run r = box.run({"export", "systemd", box.write("api.toml", kAllKeys)});
  CHECK(r.code == 0);
  CHECK_FALSE(exists(box.state_dir()));
  CHECK_FALSE(exists(box.path("out.log")));
  CHECK_FALSE(exists(box.path("err.log")));
}

TEST_CASE("export systemd: runtime_directory, pre commands and a forking pidfile map to their settings") {
  REQUIRE(::access(kAnalyze.c_str(), X_OK) == 0);
  Sandbox box;
  std::string file = box.write("pg.toml", R"toml(command = ["/bin/sh", "-c", "sleep 1000 & echo $! > /run/pg/pg.pid"]
type = "forking"
pidfile = "/run/pg/pg.pid"
runtime_directory = "pg"
runtime_directory_mode = "0750"
user = "daemon"
clear_environment = true
[start]
pre = [["mkdir", "-p", "/tmp/x y"], "/bin/sh -c 'echo 100%'"]
pre_timeout = "1m"
)toml");
  Run r = box.run({"export", "systemd", file});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("\nType=forking\nPIDFile=/run/pg/pg.pid\n") != std::string::npos);
  CHECK(r.out.find("\nExecStartPre=@/usr/bin/mkdir mkdir -p \"/tmp/x y\"\n"
                   "ExecStartPre=/bin/sh -c \"echo 100%%\"\n"
                   "# [start] pre_timeout = 1m bounds each pre command in daemonctl; systemd's TimeoutStartSec= "
                   "bounds them all with the start\n"
                   "ExecStart=/bin/sh -c ") != std::string::npos);
  CHECK(r.out.find("\nUser=daemon\nRuntimeDirectory=pg\nRuntimeDirectoryMode=0750\n") != std::string::npos);
  CHECK(verify(box, "pg", r.out) == "rc=0\n");
}

TEST_CASE("export systemd: a pre command that is not installed exits 5, as start would") {
  Sandbox box;
  std::string file = box.service("api", "command = [\"/bin/sleep\", \"1000\"]\nclear_environment = true\n"
                                        "[start]\npre = [[\"no-such-program-here\"]]\n");
  Run r = box.run({"export", "systemd", file});
  CHECK(r.code == 5);
  CHECK(r.out.empty());
  CHECK(r.err == "daemonctl: error: api: start.pre[0]: cannot find 'no-such-program-here' in PATH "
                 "(/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)\n");
}
