// The record is the truth: what daemonctl started is recorded once, in the
// state dir, and every command works from it, whatever happens afterwards to
// the service file or the pidfile. Nothing running is ever lost or doubled.
#include <catch2/catch.hpp>

#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>

#include "harness.h"
#include "posix/pidfd.h"

using namespace harness;

namespace {

std::string sleeper(const Sandbox& box, const std::string& seconds = "1000") {
  return "command = [\"/bin/sleep\", \"" + seconds + "\"]\n" + box.mark_line();
}

std::size_t running(const Sandbox& box) { return pids_with_env(box.mark()).size(); }

/// The pidfs inode of `pid` as the record writes it; "0" if it has none.
std::string inode_text(pid_t pid) {
  auto proc = daemonctl::posix::Pidfd::open(pid);
  return proc ? std::to_string(proc->inode()) : "none";
}

}  // namespace

TEST_CASE("record: a pidfile key edited under a running service changes nothing, and restart leaves no twin") {
  Sandbox box;
  std::string file = box.service("svc", sleeper(box));
  Run start = box.run({"start", file});
  REQUIRE(start.code == 0);
  pid_t old = pid_in(start.out);
  box.write("svc.toml", sleeper(box) + "pidfile = \"" + box.path("moved/svc.pid") + "\"\n");
  Run status = box.run({"status", file});
  CHECK(status.code == 0);
  CHECK(status.out.find("svc: running (pid " + std::to_string(old)) == 0);
  CHECK(status.out.find("changed since start; restart to apply") != std::string::npos);
  Run restart = box.run({"restart", file});
  CHECK(restart.code == 0);
  CHECK(restart.out.find("svc: stopped (pid " + std::to_string(old) + ")") == 0);
  CHECK_FALSE(alive(old));
  CHECK(wait_until([&] { return running(box) == 1; }));
  CHECK(slurp(box.path("moved/svc.pid")) == std::to_string(pid_in(restart.out.substr(restart.out.find('\n')))) + "\n");
  CHECK(box.run({"stop", file}).code == 0);
  CHECK(running(box) == 0);
}

TEST_CASE("record: a supervised service whose pidfile key is edited is still stopped, monitor and all") {
  Sandbox box;
  std::string file = box.service("svc", sleeper(box) + "[restart]\npolicy = \"always\"\n");
  REQUIRE(box.run({"start", file}).code == 0);
  box.write("svc.toml", sleeper(box) + "pidfile = \"" + box.path("other.pid") + "\"\n[restart]\npolicy = \"always\"\n");
  Run stop = box.run({"stop", file});
  CHECK(stop.code == 0);
  CHECK(stop.out.find("svc: stopped (pid ") == 0);
  CHECK(wait_until([&] { return running(box) == 0; }));
}

TEST_CASE("record: a running service whose file became invalid is listed, stopped by name, and by stop --all") {
  Sandbox box;
  box.service("svc", sleeper(box));
  box.service("other", sleeper(box));
  REQUIRE(box.run_in_folder({"start", "--all"}).code == 0);
  REQUIRE(running(box) == 2);
  box.write("svc.toml", sleeper(box) + "comand = \"typo\"\n");
  Run list = box.run_in_folder({"list"});
  CHECK(list.out.find("svc\trunning\t") != std::string::npos);
  CHECK(list.out.find("file invalid: " + box.path("svc.toml") + ":3:10: unknown key 'comand'") != std::string::npos);
  Run status = box.run_in_folder({"status", "svc"});
  CHECK(status.code == 0);
  Run stop = box.run_in_folder({"stop", "--all"});
  CHECK(stop.code == 0);
  CHECK(stop.out.find("svc: stopped (pid ") != std::string::npos);
  CHECK(stop.out.find("other: stopped (pid ") != std::string::npos);
  CHECK(wait_until([&] { return running(box) == 0; }));
}

TEST_CASE("record: a removed file, and a service started by path, are listed and stopped by name") {
  Sandbox box;
  std::string gone = box.service("gone", sleeper(box));
  std::string elsewhere = box.write("elsewhere/away.toml", sleeper(box));
  REQUIRE(box.run({"start", gone}).code == 0);
  REQUIRE(box.run({"start", elsewhere}).code == 0);
  REQUIRE(::unlink(gone.c_str()) == 0);
  Run list = box.run_in_folder({"list"});
  CHECK(list.out.find("gone\trunning\t") != std::string::npos);
  CHECK(list.out.find("(file removed)") != std::string::npos);
  CHECK(list.out.find("away\trunning\t") != std::string::npos);
  CHECK(list.out.find("(started from '" + elsewhere + "')") != std::string::npos);
  Run status = box.run_in_folder({"status", "away"});
  CHECK(status.code == 0);
  CHECK(box.run_in_folder({"stop", "gone"}).code == 0);
  CHECK(box.run_in_folder({"stop", "away"}).code == 0);
  CHECK(wait_until([&] { return running(box) == 0; }));
}

TEST_CASE("record: a deleted pidfile: still running, start rewrites it and starts no twin, stop stops it") {
  Sandbox box;
  std::string file = box.service("svc", sleeper(box));
  Run start = box.run({"start", file});
  REQUIRE(start.code == 0);
  pid_t pid = pid_in(start.out);
  std::string pidfile = box.state_dir() + "/svc.pid";
  REQUIRE(::unlink(pidfile.c_str()) == 0);
  Run status = box.run({"status", file});
  CHECK(status.code == 0);
  CHECK(status.out.find("pidfile '" + pidfile + "' is missing (start rewrites it)") != std::string::npos);
  Run again = box.run({"start", file});
  CHECK(again.code == 0);
  CHECK(again.out == "svc: already running (pid " + std::to_string(pid) + ")\n");
  CHECK(again.err.find("svc: pidfile '" + pidfile + "' is missing; rewritten") != std::string::npos);
  CHECK(slurp(pidfile) == std::to_string(pid) + "\n");
  CHECK(running(box) == 1);
  CHECK(box.run({"stop", file}).code == 0);
  CHECK_FALSE(alive(pid));
}

TEST_CASE("record: a name recorded for another file is refused, and that file's daemon is left alone") {
  Sandbox box;
  std::string a = box.write("a/db.toml", sleeper(box));
  std::string b = box.write("b/db.toml", sleeper(box));
  Run first = box.run({"start", a});
  REQUIRE(first.code == 0);
  pid_t pid = pid_in(first.out);
  Run second = box.run({"start", b});
  CHECK(second.code == 1);
  CHECK(second.err == "daemonctl: error: db: the name 'db' is taken: it runs from '" + a + "', and '" + b +
                          "' declares it too; stop it first, or rename one\n");
  Run stop = box.run({"stop", b});
  CHECK(stop.code == 0);
  CHECK(stop.out == "db: not running from this file: the name 'db' runs from '" + a + "'\n");
  CHECK(box.run({"status", b}).code == 3);
  CHECK(box.run({"signal", b, "KILL"}).code == 7);
  CHECK(alive(pid));
  CHECK(box.run({"stop", a}).code == 0);
  CHECK_FALSE(alive(pid));
}

TEST_CASE("record: two services with one pidfile: the second start is refused") {
  Sandbox box;
  std::string shared = "pidfile = \"" + box.path("run/shared.pid") + "\"\n";
  std::string one = box.service("one", sleeper(box) + shared);
  std::string two = box.service("two", sleeper(box) + shared);
  REQUIRE(box.run({"start", one}).code == 0);
  Run r = box.run({"start", two});
  CHECK(r.code == 1);
  CHECK(r.err == "daemonctl: error: two: pidfile '" + box.path("run/shared.pid") +
                     "' is the pidfile of service 'one' (from '" + one + "'): give each service its own\n");
  CHECK(running(box) == 1);
  CHECK(box.run({"stop", one}).code == 0);
}

TEST_CASE("record: list and status return at once while another service waits for readiness") {
  Sandbox box;
  box.service("slow", sleeper(box) + "[ready]\nfile = \"" + box.path("never") + "\"\ntimeout = \"30s\"\n");
  Background start = daemonctl_background(box.args({"--config-dir", box.dir(), "start", "slow"}));
  REQUIRE(wait_until([&] { return slurp(box.state_dir() + "/slow.record").find("\nphase starting\n") != std::string::npos; }));
  RunOptions quick;
  quick.timeout = 3000ms;  // a list that waited for the start's lock would be killed
  Run list = box.run_in_folder({"list"}, quick);
  CHECK(list.code == 3);
  CHECK(list.out.find("slow\tstarting\t") != std::string::npos);
  Run status = box.run_in_folder({"status", "slow"}, quick);
  CHECK(status.code == 3);
  CHECK(status.out.find("slow: starting (pid ") == 0);
  start.kill_now();
  CHECK(box.run_in_folder({"stop", "slow"}).code == 0);
  CHECK(wait_until([&] { return running(box) == 0; }));
}

TEST_CASE("record: stop --all stops every recorded service through a dependency cycle") {
  Sandbox box;
  box.service("a", sleeper(box));
  box.service("b", sleeper(box));
  REQUIRE(box.run_in_folder({"start", "--all"}).code == 0);
  box.service("a", sleeper(box) + "after = [\"b\"]\n");
  box.service("b", sleeper(box) + "after = [\"a\"]\n");
  Run stop = box.run_in_folder({"stop", "--all"});
  CHECK(stop.code == 0);
  CHECK(stop.err.find("dependency cycle: ") != std::string::npos);
  CHECK(stop.out.find("a: stopped (pid ") != std::string::npos);
  CHECK(stop.out.find("b: stopped (pid ") != std::string::npos);
  CHECK(wait_until([&] { return running(box) == 0; }));
}

TEST_CASE("record: list shows what runs, not the file's command, and says the file changed") {
  Sandbox box;
  std::string file = box.service("svc", sleeper(box, "1000"));
  REQUIRE(box.run({"start", file}).code == 0);
  box.service("svc", sleeper(box, "2000"));
  Run list = box.run_in_folder({"list"});
  CHECK(list.out.find("svc\trunning\t") != std::string::npos);
  CHECK(list.out.find("/bin/sleep 1000  (changed since start; restart to apply)") != std::string::npos);
  Run json = box.run_in_folder({"list", "--json"});
  CHECK(json.out.find("\"argv\": [\"/bin/sleep\", \"1000\"]") != std::string::npos);
  CHECK(json.out.find("\"note\": \"changed since start; restart to apply\"") != std::string::npos);
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("record: logs of a service whose file was removed come from where its record says") {
  Sandbox box;
  std::string file = box.service("svc", "command = [\"/bin/sh\", \"-c\", \"echo hello; exec sleep 1000\"]\n" +
                                            box.mark_line() + "stdout = \"" + box.path("out.log") + "\"\n");
  REQUIRE(box.run({"start", file}).code == 0);
  REQUIRE(wait_until([&] { return slurp(box.path("out.log")) == "hello\n"; }));
  REQUIRE(::unlink(file.c_str()) == 0);
  Run logs = box.run_in_folder({"logs", "svc"});
  CHECK(logs.code == 0);
  CHECK(logs.out == "hello\n");
  CHECK(box.run_in_folder({"stop", "svc"}).code == 0);
}

TEST_CASE("check: two services of one folder with one pidfile is an error") {
  Sandbox box;
  std::string shared = "pidfile = \"" + box.path("run/shared.pid") + "\"\n";
  std::string one = box.service("one", sleeper(box) + shared);
  std::string two = box.service("two", sleeper(box) + shared);
  Run r = box.run({"check", "--config-dir", box.dir(), "--all"});
  CHECK(r.code == 6);
  CHECK((r.out + r.err).find(two + ":3:11: error: pidfile '" + box.path("run/shared.pid") + "' is also the pidfile of '" + one + "'") !=
        std::string::npos);
}

TEST_CASE("stop of a service that a running one comes after warns, as start warns the other way") {
  Sandbox box;
  box.service("db", sleeper(box));
  box.service("web", sleeper(box) + "after = [\"db\"]\n");
  REQUIRE(box.run_in_folder({"start", "--all"}).code == 0);
  Run stop = box.run_in_folder({"stop", "db"});
  CHECK(stop.code == 0);
  CHECK(stop.err == "daemonctl: warning: db: 'web' comes after it and still runs (stop it too, or use --all)\n");
  CHECK(box.run_in_folder({"stop", "--all"}).err.empty());
}

TEST_CASE("record: status looks at a service's own pidfile, where start writes it") {
  Sandbox box;
  std::string own = box.path("run/own.pid");
  std::string file = box.service("svc", sleeper(box) + "pidfile = \"" + own + "\"\n");
  REQUIRE(box.run({"start", file}).code == 0);
  REQUIRE(::unlink(own.c_str()) == 0);
  Run status = box.run({"status", "--json", file});
  CHECK(status.out.find("\"pidfile\": \"" + own + "\"") != std::string::npos);
  CHECK(status.out.find("pidfile '" + own + "' is missing (start rewrites it)") != std::string::npos);
  CHECK(box.run({"start", file}).code == 0);
  CHECK(exists(own));
  CHECK(box.run({"stop", file}).code == 0);
}

// status --all and list take a file as its record says when the record was
// made from it unchanged (fleet/select.cpp: trust_records), without parsing
// it: what parsing would have found wrong between files must still be said.
TEST_CASE("record: status --all still warns of a pidfile two files name, one of them running as recorded") {
  Sandbox box;
  std::string shared = "pidfile = \"" + box.path("run/shared.pid") + "\"\n";
  std::string first = box.service("a", sleeper(box) + shared);
  std::string second = box.service("b", sleeper(box) + shared);
  std::string warning = ":3:11: pidfile '" + box.path("run/shared.pid") + "' is also the pidfile of '";
  SECTION("the running one first") {
    REQUIRE(box.run({"start", first}).code == 0);
    Run r = box.run_in_folder({"status", "--all"});
    CHECK(r.err.find("daemonctl: warning: " + second + warning + first + "'") != std::string::npos);
    CHECK(r.out.find("a: running (pid ") == 0);
    CHECK(box.run({"stop", first}).code == 0);
  }
  SECTION("the running one second") {
    REQUIRE(box.run({"start", second}).code == 0);
    Run r = box.run_in_folder({"list", "--json"});
    CHECK(r.err.find("daemonctl: warning: " + second + warning + first + "'") != std::string::npos);
    CHECK(r.out.find("\"name\": \"b\", \"state\": \"running\"") != std::string::npos);
    CHECK(box.run({"stop", second}).code == 0);
  }
}

TEST_CASE("record: status --all still warns of a file that declares the name of one running as recorded") {
  Sandbox box;
  std::string other = box.service("a", sleeper(box) + "name = \"svc\"\n");
  std::string file = box.service("svc", sleeper(box));
  REQUIRE(box.run({"start", file}).code == 0);
  Run r = box.run_in_folder({"status", "--all"});
  CHECK(r.err.find("service name 'svc' is also declared by '" + other + "'") != std::string::npos);
  CHECK(r.out.find("svc: not running from this file: the name 'svc' runs from '" + file + "'") != std::string::npos);
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("record: status --all sees a pidfile rewritten with another pid of the same length") {
  Sandbox box;
  std::string file = box.service("svc", sleeper(box));
  REQUIRE(box.run({"start", file}).code == 0);
  std::string pidfile = box.state_dir() + "/svc.pid";
  std::string pid = slurp(pidfile);
  REQUIRE(pid.size() > 2);
  std::string other = pid;
  other[other.size() - 2] = other[other.size() - 2] == '9' ? '8' : static_cast<char>(other[other.size() - 2] + 1);
  // Written well after the record: not the pidfile start wrote with it.
  box.write("state/svc.pid", other);
  const struct timespec later[2] = {{0, UTIME_OMIT}, {::time(nullptr) + 2, 0}};
  REQUIRE(::utimensat(AT_FDCWD, pidfile.c_str(), later, 0) == 0);
  Run r = box.run_in_folder({"status", "--all"});
  CHECK(r.out.find("; pidfile '" + pidfile + "' names pid " + other.substr(0, other.size() - 1) +
                   " (start rewrites it)") != std::string::npos);
  CHECK(box.run({"stop", file}).code == 0);
}

TEST_CASE("record: start, and a monitor for each child it starts, record the daemon's pidfs inode") {
  if (inode_text(::getpid()) == "0") {
    WARN("no pidfs inodes on this kernel (before Linux 6.9): the start time is the proof, nothing to check");
    return;
  }
  Sandbox box;
  std::string plain = box.service("plain", sleeper(box));
  Run s = box.run({"start", plain});
  REQUIRE(s.code == 0);
  pid_t pid = pid_in(s.out);
  CHECK(record_field(box, "plain", "pid_inode") == inode_text(pid));

  std::string kept = box.service("kept", sleeper(box) + "[restart]\npolicy = \"always\"\ndelay = \"0s\"\n");
  Run k = box.run({"start", kept});
  REQUIRE(k.code == 0);
  pid_t first = pid_in(k.out);
  CHECK(record_field(box, "kept", "pid_inode") == inode_text(first));
  REQUIRE(::kill(first, SIGKILL) == 0);
  pid_t second = 0;
  REQUIRE(wait_until([&] {
    second = static_cast<pid_t>(std::atol(record_field(box, "kept", "pid").c_str()));
    return second != 0 && second != first && record_field(box, "kept", "phase") == "running";
  }));
  CHECK(record_field(box, "kept", "pid_inode") == inode_text(second));
  CHECK(box.run({"stop", plain}).code == 0);
  CHECK(box.run({"stop", kept}).code == 0);
}
