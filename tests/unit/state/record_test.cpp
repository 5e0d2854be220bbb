// The record: everything a start writes round-trips, an older record (the
// instance only) is still read, and the state words are one table.
#include "state/record.h"

#include <catch2/catch.hpp>

#include <set>
#include <string>

using namespace daemonctl::state;

TEST_CASE("record: what a start records of the service round-trips, odd bytes and all", "[state][record]") {
  Record r;
  r.name = "web";
  r.file = "/etc/daemonctl/web.toml";
  r.file_id = FileIdentity{2049, 1234, 456, 1733300000123456789};
  r.argv = {"/usr/bin/python3", "-c", "print('a b')\nprint(\"\\\\\")", ""};
  r.env_digest = environment_digest({"PATH=/bin", "A=1"});
  r.pidfile = "/run/web.pid";
  r.forking = true;
  r.stop = RecordedStop{2, 5'000'000'000, 0, true, 10};
  r.user = "nobody";
  r.stdout_path = "/var/log/web.log";
  r.stderr_path = "/var/log/web err.log";
  r.runtime_dir = "/run/web\nd";
  r.phase = State::starting;
  r.pid = 4242;
  r.starttime = 99;
  r.boot_id = "b00t";
  r.pgid = 4240;
  r.pid_inode = 1ull << 40;
  auto back = parse_record(format_record(r));
  REQUIRE(back);
  CHECK(back->name == r.name);
  CHECK(back->file == r.file);
  CHECK(back->file_id == r.file_id);
  CHECK(back->argv == r.argv);
  CHECK(back->env_digest == r.env_digest);
  CHECK(back->pidfile == r.pidfile);
  CHECK(back->forking);
  REQUIRE(back->stop);
  CHECK(back->stop->signal == 2);
  CHECK(back->stop->timeout_ns == 5'000'000'000);
  CHECK(back->stop->interval_ns == 0);
  CHECK(back->stop->group);
  CHECK(back->stop->reload_signal == 10);
  CHECK(back->user == "nobody");
  CHECK(back->stdout_path == r.stdout_path);
  CHECK(back->stderr_path == r.stderr_path);
  CHECK(back->runtime_dir == r.runtime_dir);
  CHECK(back->phase == State::starting);
  CHECK(back->pid == 4242);
  CHECK(back->pgid == 4240);
  CHECK(back->pid_inode == 1ull << 40);
}

TEST_CASE("record: an older record, the instance alone, is read as a running one", "[state][record]") {
  auto old = parse_record("pid 4242\nstarttime 99\nboot_id b\npgid 4242\n");
  REQUIRE(old);
  CHECK(old->phase == State::running);
  CHECK(old->name.empty());
  CHECK_FALSE(old->stop.has_value());
  CHECK(old->runtime_dir.empty());
  CHECK(old->pid_inode == 0);  // then the start time is the proof
}

TEST_CASE("record: a pidfs inode that is no number makes the record invalid", "[state][record]") {
  std::string base = "pid 4242\nstarttime 99\nboot_id b\npgid 4242\n";
  CHECK(parse_record(base + "pid_inode 77\n"));
  CHECK_FALSE(parse_record(base + "pid_inode x77\n"));
  CHECK_FALSE(parse_record(base + "pid_inode -1\n"));
}

TEST_CASE("record: only a start that has not found its daemon records pid 0", "[state][record]") {
  std::string base = "starttime 0\nboot_id b\npgid 0\npid 0\n";
  CHECK(parse_record("phase starting\n" + base));
  CHECK_FALSE(parse_record("phase running\n" + base));
  CHECK_FALSE(parse_record("phase sleeping\npid 42\nstarttime 1\nboot_id b\npgid 42\n"));
}

TEST_CASE("state: every state has a word of its own, and the word gives it back", "[state][record]") {
  std::set<std::string> words;
  for (State s : {State::stopped, State::starting, State::running, State::dead, State::invalid, State::unknown,
                  State::restarting, State::failed}) {
    CHECK(words.insert(state_name(s)).second);
    CHECK(parse_state(state_name(s)) == s);
  }
  CHECK_FALSE(parse_state("sleeping"));
}

TEST_CASE("environment_digest: order and content count", "[state][record]") {
  CHECK(environment_digest({"A=1", "B=2"}) != environment_digest({"B=2", "A=1"}));
  CHECK(environment_digest({"A=1"}) != environment_digest({"A=2"}));
  CHECK(environment_digest({"A=1"}).size() == 16);
}
