// export systemd: every key of a service file, one by one, as the unit
// setting (or the comment) it becomes, in the section it belongs to.
#include "tools/systemd_unit.h"

#include <csignal>
#include <map>
#include <sstream>
#include <sys/resource.h>

#include <catch2/catch.hpp>

#include "config/limits.h"
#include "service/log_dir.h"


using namespace daemonctl::tools;
namespace config = daemonctl::config;

using namespace daemonctl::state;
using namespace std::chrono_literals;

namespace {

config::ServiceSpec base() {
  config::ServiceSpec spec;
  spec.file = "/etc/daemonctl/web.toml";
  spec.name = "web";
  spec.command = {"/usr/bin/web"};
  daemonctl::service::use_log_dir(spec, "/var/log/daemonctl");  // as a command loads it
  return spec;
}

/// The unit's lines by section ("" for those before the first header).
std::map<std::string, std::vector<std::string>> sections(const config::ServiceSpec& spec,
                                                         const std::string& executable = "/usr/bin/web") {
  std::map<std::string, std::vector<std::string>> out;
  std::istringstream in(systemd_unit(spec, executable));
  std::string section, line;
  while (std::getline(in, line)) {
    if (line.starts_with("[")) section = line.substr(1, line.size() - 2);
    else if (!line.empty()) out[section].push_back(line);
  }
  return out;
}

bool has(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

/// Lines of `lines` that start with `prefix`.
std::vector<std::string> starting(const std::vector<std::string>& lines, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& l : lines) {
    if (l.starts_with(prefix)) out.push_back(l);
  }
  return out;
}

std::vector<std::string> service_section(const config::ServiceSpec& spec, const std::string& executable = "/usr/bin/web") {
  return sections(spec, executable)["Service"];
}

}  // namespace

TEST_CASE("systemd_unit: sections in order, a header comment naming the file, WantedBy", "[tools][systemd]") {
  std::string unit = systemd_unit(base(), "/usr/bin/web");
  CHECK(unit.starts_with("# web.service, from /etc/daemonctl/web.toml by daemonctl export systemd\n[Unit]\n"));
  auto unit_at = unit.find("\n[Unit]\n");
  auto service_at = unit.find("\n[Service]\n");
  auto install_at = unit.find("\n[Install]\n");
  CHECK(unit_at < service_at);
  CHECK(service_at < install_at);
  CHECK(sections(base())["Install"] == std::vector<std::string>{"WantedBy=multi-user.target"});
}

TEST_CASE("systemd_unit: name is the Description", "[tools][systemd]") {
  CHECK(has(sections(base())["Unit"], "Description=daemonctl service web"));
}

TEST_CASE("systemd_unit: the defaults are written out, as systemd's differ", "[tools][systemd]") {
  auto s = service_section(base());
  for (const char* line : {"Type=exec", "ExecStart=/usr/bin/web", "ExecReload=/bin/kill -s HUP $MAINPID",
                           "WorkingDirectory=/", "UMask=0022", "StandardInput=null",
                           "StandardOutput=append:/var/log/daemonctl/web.log",
                           "StandardError=append:/var/log/daemonctl/web.log", "TimeoutStartSec=30s",
                           "KillMode=control-group", "KillSignal=SIGTERM",
                           "TimeoutStopSec=10s", "Restart=no"}) {
    INFO(line);
    CHECK(has(s, line));
  }
  CHECK(starting(s, "User=").empty());
  CHECK(starting(s, "Group=").empty());
  CHECK(starting(s, "Nice=").empty());
  CHECK(starting(s, "OOMScoreAdjust=").empty());
  CHECK(starting(s, "Limit").empty());
  CHECK(starting(s, "RestartSec=").empty());
  CHECK(starting(sections(base())["Unit"], "After=").empty());
  CHECK(starting(sections(base())["Unit"], "StartLimit").empty());
}

// ---- command --------------------------------------------------------------

TEST_CASE("systemd_unit: command is ExecStart, each argument quoted for systemd", "[tools][systemd]") {
  auto spec = base();
  spec.command = {"/usr/bin/web", "--name", "my web", "say \"hi\"", "$HOME", "100%", "back\\slash", ""};
  CHECK(has(service_section(spec), R"(ExecStart=/usr/bin/web --name "my web" "say \"hi\"" "$$HOME" "100%%" "back\\slash" "")"));
}

TEST_CASE("systemd_unit: a bare program name runs as the resolved path, keeping its first argument",
          "[tools][systemd]") {
  auto spec = base();
  spec.command = {"python3", "-m", "http.server"};
  CHECK(has(service_section(spec, "/usr/bin/python3"), "ExecStart=@/usr/bin/python3 python3 -m http.server"));
}

TEST_CASE("systemd_unit: a program path with a dollar keeps it, and the first argument apart", "[tools][systemd]") {
  auto spec = base();
  spec.command = {"/opt/a$b/run"};
  CHECK(has(service_section(spec, "/opt/a$b/run"), R"(ExecStart=@"/opt/a$b/run" "/opt/a$$b/run")"));
}

// ---- type, pidfile, ready -------------------------------------------------

TEST_CASE("systemd_unit: type forking is Type=forking with its pidfile as PIDFile", "[tools][systemd]") {
  auto spec = base();
  spec.type = config::ServiceType::forking;
  spec.pidfile = "/run/web/web.pid";
  auto s = service_section(spec);
  CHECK(has(s, "Type=forking"));
  CHECK(has(s, "PIDFile=/run/web/web.pid"));
}

TEST_CASE("systemd_unit: a pidfile of a simple service is a comment", "[tools][systemd]") {
  auto spec = base();
  spec.pidfile = "/run/web.pid";
  auto s = service_section(spec);
  CHECK(starting(s, "PIDFile=").empty());
  CHECK(has(s, "# pidfile = '/run/web.pid': systemd follows the main process itself and writes no pidfile"));
}

TEST_CASE("systemd_unit: ready.notify is Type=notify, from any process of the service", "[tools][systemd]") {
  auto spec = base();
  spec.ready.notify = true;
  auto s = service_section(spec);
  CHECK(has(s, "Type=notify"));
  CHECK(has(s, "NotifyAccess=all"));
}

TEST_CASE("systemd_unit: ready.notify with type forking is a comment", "[tools][systemd]") {
  auto spec = base();
  spec.type = config::ServiceType::forking;
  spec.pidfile = "/run/web.pid";
  spec.ready.notify = true;
  auto s = service_section(spec);
  CHECK(has(s, "Type=forking"));
  CHECK(has(s, "# [ready] notify = true: systemd cannot wait for READY=1 with Type=forking"));
}

TEST_CASE("systemd_unit: ready.timeout is TimeoutStartSec", "[tools][systemd]") {
  auto spec = base();
  spec.ready.timeout = 90s;
  CHECK(has(service_section(spec), "TimeoutStartSec=1min 30s"));
}

TEST_CASE("systemd_unit: ready.tcp, ready.file and ready.command are comments", "[tools][systemd]") {
  auto spec = base();
  spec.ready.tcp = config::Endpoint{"127.0.0.1", 6379, false};
  spec.ready.file = "/run/web.ready";
  spec.ready.command = {"redis-cli", "ping", "a b"};
  auto s = service_section(spec);
  const std::string none = ": daemonctl's start waits for it, systemd has no such check";
  CHECK(has(s, "# [ready] tcp = \"127.0.0.1:6379\"" + none));
  CHECK(has(s, "# [ready] file = \"/run/web.ready\"" + none));
  CHECK(has(s, "# [ready] command = redis-cli ping \"a b\"" + none));
}

TEST_CASE("systemd_unit: start.grace is a comment, and none without one", "[tools][systemd]") {
  auto spec = base();
  CHECK(starting(service_section(spec), "# [start] grace").empty());
  spec.start.grace = 300ms;
  CHECK(has(service_section(spec), "# [start] grace = 300ms: daemonctl's start fails if the daemon exits within it; "
                           "systemd has no such check"));
}

// ---- process settings -----------------------------------------------------

TEST_CASE("systemd_unit: directory is WorkingDirectory", "[tools][systemd]") {
  auto spec = base();
  spec.directory = "/srv/web 100%";
  CHECK(has(service_section(spec), "WorkingDirectory=/srv/web 100%%"));
}

TEST_CASE("systemd_unit: umask is UMask, four octal digits", "[tools][systemd]") {
  auto spec = base();
  spec.umask = 027;
  CHECK(has(service_section(spec), "UMask=0027"));
}

TEST_CASE("systemd_unit: user and group are User and Group", "[tools][systemd]") {
  auto spec = base();
  spec.user = "www-data";
  spec.group = "1234";
  auto s = service_section(spec);
  CHECK(has(s, "User=www-data"));
  CHECK(has(s, "Group=1234"));
}

TEST_CASE("systemd_unit: nice and oom_score_adj are Nice and OOMScoreAdjust", "[tools][systemd]") {
  auto spec = base();
  spec.nice = -5;
  spec.oom_score_adj = 500;
  auto s = service_section(spec);
  CHECK(has(s, "Nice=-5"));
  CHECK(has(s, "OOMScoreAdjust=500"));
}

TEST_CASE("systemd_unit: every limit is its Limit setting, soft:hard or one value", "[tools][systemd]") {
  const std::map<std::string, std::string> expected = {
      {"as", "LimitAS"},           {"core", "LimitCORE"},       {"cpu", "LimitCPU"},
      {"data", "LimitDATA"},       {"fsize", "LimitFSIZE"},     {"locks", "LimitLOCKS"},
      {"memlock", "LimitMEMLOCK"}, {"msgqueue", "LimitMSGQUEUE"}, {"nice", "LimitNICE"},
      {"nofile", "LimitNOFILE"},   {"nproc", "LimitNPROC"},     {"rss", "LimitRSS"},
      {"rtprio", "LimitRTPRIO"},   {"rttime", "LimitRTTIME"},   {"sigpending", "LimitSIGPENDING"},
      {"stack", "LimitSTACK"}};
  REQUIRE(config::limit_names().size() == expected.size());
  for (const std::string& name : config::limit_names()) {
    INFO(name);
    REQUIRE(expected.count(name));
    auto spec = base();
    spec.limits = {config::Limit{*config::limit_resource(name), 7, 9}};
    auto s = service_section(spec);
    CHECK(starting(s, "Limit") == std::vector<std::string>{expected.at(name) + "=7:9"});
    spec.limits = {config::Limit{*config::limit_resource(name), 8, 8}};
    CHECK(has(service_section(spec), expected.at(name) + "=8"));
  }
}

TEST_CASE("systemd_unit: an infinite limit is infinity", "[tools][systemd]") {
  auto spec = base();
  spec.limits = {config::Limit{RLIMIT_CORE, RLIM_INFINITY, RLIM_INFINITY},
                 config::Limit{RLIMIT_NOFILE, 1024, RLIM_INFINITY}};
  auto s = service_section(spec);
  CHECK(has(s, "LimitCORE=infinity"));
  CHECK(has(s, "LimitNOFILE=1024:infinity"));
}

TEST_CASE("systemd_unit: a nice limit above 40 is 40, which acts the same, and says so", "[tools][systemd]") {
  auto spec = base();
  spec.limits = {config::Limit{RLIMIT_NICE, 30, 50}};
  auto s = service_section(spec);
  CHECK(has(s, "LimitNICE=30:40"));
  CHECK(has(s, "# [limits] nice = \"30:50\": systemd takes at most 40, which acts the same"));
}

// ---- environment ------------------------------------------------------------

TEST_CASE("systemd_unit: each variable of environment is an Environment line, quoted, after the PATH",
          "[tools][systemd]") {
  auto spec = base();
  spec.environment = {{"GREETING", "hello \"world\""}, {"HOME_DIR", "$HOME"}, {"RATE", "5%"}};
  auto s = service_section(spec);
  CHECK(starting(s, "Environment=") ==
        std::vector<std::string>{R"(Environment="PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")",
                                 R"(Environment="GREETING=hello \"world\"")", R"(Environment="HOME_DIR=$HOME")",
                                 R"(Environment="RATE=5%%")"});
}

TEST_CASE("systemd_unit: a variable systemd would refuse is a comment", "[tools][systemd]") {
  auto spec = base();
  spec.environment = {{"MY-VAR", "1"}, {"ESC", "\x1b[0m"}};
  spec.pass_environment = {"TERM", "MY-TERM"};
  auto s = service_section(spec);
  CHECK(starting(s, "Environment=").size() == 1);  // the PATH
  CHECK(has(s, "# environment 'MY-VAR': systemd takes only letters, digits and _ in a name; not carried over"));
  CHECK(has(s, "# environment 'ESC': systemd refuses control characters in a value; not carried over"));
  CHECK(has(s, "# pass_environment 'MY-TERM': systemd takes only letters, digits and _ in a name; not carried over"));
  CHECK(has(s, "PassEnvironment=TERM"));
}

TEST_CASE("systemd_unit: the fixed environment is the PATH daemonctl gives, and a word on the user's variables",
          "[tools][systemd]") {
  auto spec = base();
  auto s = service_section(spec);
  CHECK(starting(s, "Environment=") ==
        std::vector<std::string>{R"(Environment="PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")"});
  CHECK(has(s, "# no user: daemonctl sets HOME, USER, LOGNAME and SHELL of its own user, systemd only with User="));
  CHECK(starting(s, "PassEnvironment=").empty());
  spec.environment = {{"PATH", "/opt/bin"}};
  spec.user = "www-data";
  s = service_section(spec);
  CHECK(starting(s, "Environment=") == std::vector<std::string>{R"(Environment="PATH=/opt/bin")"});
  CHECK(starting(s, "# no user").empty());
}

TEST_CASE("systemd_unit: pass_environment is PassEnvironment, in the file's order", "[tools][systemd]") {
  auto spec = base();
  spec.pass_environment = {"TERM", "LC_ALL", "http_proxy"};
  CHECK(has(service_section(spec), "PassEnvironment=TERM LC_ALL http_proxy"));
}

TEST_CASE("systemd_unit: inherit_environment says the caller's environment is not carried over", "[tools][systemd]") {
  auto spec = base();
  spec.inherit_environment = true;
  auto s = service_section(spec);
  CHECK(starting(s, "Environment=").empty());
  CHECK(has(s, "# inherit_environment = true: daemonctl passes on the environment it runs in, systemd only a few "
               "variables of its own: add those the daemon needs"));
}

// ---- stdio ----------------------------------------------------------------

TEST_CASE("systemd_unit: stdin is StandardInput=file:, /dev/null is null", "[tools][systemd]") {
  auto spec = base();
  spec.stdin_path = "/srv/in.fifo";
  CHECK(has(service_section(spec), "StandardInput=file:/srv/in.fifo"));
}

TEST_CASE("systemd_unit: stdout and stderr are appended to", "[tools][systemd]") {
  auto spec = base();
  spec.stdout_path = "/var/log/web.log";
  spec.stderr_path = "/var/log/web.err";
  auto s = service_section(spec);
  CHECK(has(s, "StandardOutput=append:/var/log/web.log"));
  CHECK(has(s, "StandardError=append:/var/log/web.err"));
}

TEST_CASE("systemd_unit: a rotated log is appended to, and the rotation is a comment", "[tools][systemd]") {
  auto spec = base();
  spec.stdout_path = spec.stderr_path = "/var/log/web.log";
  spec.stdout_rotation = spec.stderr_rotation = config::Rotation{10485760, 3};
  auto s = service_section(spec);
  CHECK(has(s, "StandardOutput=append:/var/log/web.log"));
  CHECK(has(s, "# stdout max_size = 10485760 bytes, keep = 3: systemd does not rotate; use logrotate "
               "(copytruncate) or the journal"));
  CHECK(has(s, "# stderr max_size = 10485760 bytes, keep = 3: systemd does not rotate; use logrotate "
               "(copytruncate) or the journal"));
}

TEST_CASE("systemd_unit: a path a unit file cannot hold is a comment, on one line", "[tools][systemd]") {
  auto spec = base();
  spec.stdout_path = "/tmp/a\nb.log";
  auto s = service_section(spec);
  CHECK(starting(s, "StandardOutput=").empty());
  CHECK(has(s, "# stdout = '/tmp/a\\nb.log': a unit file cannot hold this path; not carried over"));
}

// ---- after, reload --------------------------------------------------------

TEST_CASE("systemd_unit: after is After, as units, for the order only", "[tools][systemd]") {
  auto spec = base();
  spec.after = {"db", "cache"};
  auto u = sections(spec)["Unit"];
  CHECK(has(u, "After=db.service cache.service"));
  CHECK(has(u, "# after: the order only, as in daemonctl; Wants= would also start them (start --with-deps)"));
  CHECK(starting(u, "Wants=").empty());
  CHECK(starting(u, "Requires=").empty());
}

TEST_CASE("systemd_unit: reload_signal is ExecReload, a kill of the main process", "[tools][systemd]") {
  auto spec = base();
  spec.reload_signal = SIGUSR1;
  CHECK(has(service_section(spec), "ExecReload=/bin/kill -s USR1 $MAINPID"));
  spec.reload_signal = SIGRTMIN + 2;
  CHECK(has(service_section(spec), "ExecReload=/bin/kill -s RTMIN+2 $MAINPID"));
}

// ---- stop -----------------------------------------------------------------

TEST_CASE("systemd_unit: stop.signal is KillSignal", "[tools][systemd]") {
  auto spec = base();
  spec.stop.signal = SIGINT;
  CHECK(has(service_section(spec), "KillSignal=SIGINT"));
  spec.stop.signal = SIGRTMIN + 2;
  CHECK(has(service_section(spec), "KillSignal=SIGRTMIN+2"));
}

TEST_CASE("systemd_unit: stop.timeout is TimeoutStopSec", "[tools][systemd]") {
  auto spec = base();
  spec.stop.timeout = 1500ms;
  CHECK(has(service_section(spec), "TimeoutStopSec=1s 500ms"));
}

TEST_CASE("systemd_unit: stop.group false is KillMode=process, true control-group", "[tools][systemd]") {
  auto spec = base();
  spec.stop.group = false;
  CHECK(has(service_section(spec), "KillMode=process"));
  spec.stop.group = true;
  auto s = service_section(spec);
  CHECK(has(s, "KillMode=control-group"));
  CHECK(has(s, "# [stop] group = true: systemd signals every process of the service, even those that left its group"));
}

TEST_CASE("systemd_unit: stop.interval is a comment, and none when it is 0s", "[tools][systemd]") {
  auto spec = base();
  spec.stop.interval = 250ms;
  CHECK(has(service_section(spec),
            "# [stop] interval = 250ms: daemonctl sends the stop signal again at this period, systemd once"));
  spec.stop.interval = 0s;
  CHECK(starting(service_section(spec), "# [stop] interval").empty());
}

// ---- restart ----------------------------------------------------------------

TEST_CASE("systemd_unit: restart.policy always is Restart=always, delay RestartSec", "[tools][systemd]") {
  auto spec = base();
  spec.restart.policy = config::RestartPolicy::always;
  spec.restart.delay = 2s;
  spec.restart.max_delay = 2s;
  auto s = service_section(spec);
  CHECK(has(s, "Restart=always"));
  CHECK(has(s, "RestartSec=2s"));
  CHECK(starting(s, "RestartForceExitStatus=").empty());
  CHECK(starting(s, "# [restart] the delay doubles").empty());
}

TEST_CASE("systemd_unit: restart.policy on-failure restarts after the signals systemd counts as clean",
          "[tools][systemd]") {
  auto spec = base();
  spec.restart.policy = config::RestartPolicy::on_failure;
  auto s = service_section(spec);
  CHECK(has(s, "Restart=on-failure"));
  CHECK(has(s, "RestartForceExitStatus=SIGHUP SIGINT SIGPIPE"));
  CHECK(starting(s, "SuccessExitStatus=").empty());
  spec.stop.signal = SIGUSR1;
  s = service_section(spec);
  CHECK(has(s, "RestartForceExitStatus=SIGHUP SIGINT SIGTERM SIGPIPE"));
  CHECK(has(s, "SuccessExitStatus=SIGUSR1"));
}

TEST_CASE("systemd_unit: a stop signal systemd does not count as clean is a SuccessExitStatus, whatever the policy",
          "[tools][systemd]") {
  auto spec = base();
  spec.stop.signal = SIGQUIT;
  for (auto policy : {config::RestartPolicy::no, config::RestartPolicy::always}) {
    spec.restart.policy = policy;
    CHECK(has(service_section(spec), "SuccessExitStatus=SIGQUIT"));
  }
  spec.stop.signal = SIGINT;
  CHECK(starting(service_section(spec), "SuccessExitStatus=").empty());
}

TEST_CASE("systemd_unit: restart.limit and window are StartLimitBurst (the first start too) and interval",
          "[tools][systemd]") {
  auto spec = base();
  spec.restart.policy = config::RestartPolicy::always;
  spec.restart.limit = 5;
  spec.restart.window = 2min;
  auto all = sections(spec);
  CHECK(has(all["Unit"], "StartLimitIntervalSec=2min"));
  CHECK(has(all["Unit"], "StartLimitBurst=6"));
  CHECK(has(all["Unit"], "# [restart] limit = 5 restarts within window = 2m: systemd counts the first start too"));
  CHECK(starting(all["Service"], "StartLimit").empty());
}

TEST_CASE("systemd_unit: restart.max_delay is a comment, with the settings of systemd 254", "[tools][systemd]") {
  auto spec = base();
  spec.restart.policy = config::RestartPolicy::always;
  spec.restart.delay = 1s;
  spec.restart.max_delay = 60s;
  auto s = service_section(spec);
  CHECK(has(s, "RestartSec=1s"));
  CHECK(has(s, "# [restart] the delay doubles after each run shorter than window = 1m, up to max_delay = 1m: "
               "systemd 252 waits RestartSec= each time;"));
  CHECK(has(s, "# RestartSteps=6"));
  CHECK(has(s, "# RestartMaxDelaySec=1min"));
  CHECK(starting(s, "RestartMaxDelaySec=").empty());
}

TEST_CASE("systemd_unit: restart policy no is Restart=no, without the other settings", "[tools][systemd]") {
  auto spec = base();
  spec.restart.delay = 5s;
  spec.locations["restart"] = config::Location{3, 1};
  auto all = sections(spec);
  CHECK(has(all["Service"], "Restart=no"));
  CHECK(starting(all["Service"], "RestartSec=").empty());
  CHECK(starting(all["Unit"], "StartLimit").empty());
  CHECK(has(all["Service"], "# [restart] delay, max_delay, limit, window: unused without a policy"));
}

TEST_CASE("systemd_unit: a name systemd reads as a template, or refuses, says so", "[tools][systemd]") {
  auto spec = base();
  auto second_line = [&] {
    std::string unit = systemd_unit(spec, "/usr/bin/web");
    auto from = unit.find('\n') + 1;
    return unit.substr(from, unit.find('\n', from) - from);
  };
  spec.name = "getty@";
  CHECK(second_line() == "# the name ends with @: systemd reads getty@.service as a template");
  spec.name = "@web";
  CHECK(second_line() == "# the name starts with @, which systemd refuses in a unit's name: rename it");
  spec.name = "getty@tty1";
  CHECK(second_line() == "[Unit]");
}
