#include "service/before_start.h"

#include <unistd.h>

#include <cstdlib>

#include "common/escape.h"
#include "common/log.h"
#include "config/duration.h"
#include "service/terminate.h"
#include "posix/folder_tree.h"
#include "posix/probe.h"
#include "posix/process.h"

namespace daemonctl::service {
namespace {

std::string pre_key(std::size_t i) { return "start.pre[" + std::to_string(i) + "]"; }

// "pre command 'mkdir' (start.pre[0])"
std::string pre_name(const config::ServiceSpec& spec, std::size_t i) {
  return "pre command '" + text::escape(spec.start.pre[i].front()) + "' (" + pre_key(i) + ")";
}

// The end of what a pre command wrote, for its failure: one line, escaped.
std::string output_of(const posix::ProbeResult& run) {
  std::string_view out = run.output;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ')) out.remove_suffix(1);
  if (out.empty()) return " (no output)";
  return std::string(run.cut ? "; its output ended: ..." : "; its output: ") + text::escape(out);
}

}  // namespace

Result<std::string> runtime_dir_path(const config::ServiceSpec& spec) {
  if (spec.runtime_directory.empty()) return std::string();
  if (posix::effective_uid() == 0) return "/run/" + spec.runtime_directory;
  const char* base = std::getenv("XDG_RUNTIME_DIR");
  if (!base || *base != '/') {
    return Error{ExitStatus::config, "runtime_directory '" + spec.runtime_directory +
                                         "': XDG_RUNTIME_DIR must name an absolute folder when daemonctl is not root"};
  }
  std::string folder = base;
  while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
  return (folder == "/" ? "" : folder) + "/" + spec.runtime_directory;
}

Status make_runtime_dir(const config::ServiceSpec& spec, const std::string& path, const Credentials& creds) {
  uid_t uid = creds.change ? creds.uid : posix::effective_uid();
  gid_t gid = creds.change ? creds.gid : posix::effective_gid();
  Status made = posix::make_owned_folder(path, spec.runtime_directory_mode, uid, gid);
  if (made) return made;
  Error e = std::move(made).error();
  e.message = "runtime directory: " + e.message;
  return e;
}

void remove_runtime_dir(const std::string& service, const std::string& path) {
  if (path.empty()) return;
  if (Status st = posix::remove_tree(path); !st) {
    log::warn(service + ": cannot remove runtime directory '" + path + "': " + st.error().message);
  }
}

Result<std::vector<std::string>> resolve_pre(const config::ServiceSpec& spec, const std::string& path) {
  std::vector<std::string> programs;
  for (std::size_t i = 0; i < spec.start.pre.size(); ++i) {
    auto program = resolve_executable(spec.start.pre[i].front(), path);
    if (!program) {
      Error e = std::move(program).error();
      e.message = pre_key(i) + ": " + e.message;
      return e;
    }
    programs.push_back(std::move(*program));
  }
  return programs;
}

Status run_pre(const config::ServiceSpec& spec, const posix::SpawnRequest& daemon) {
  if (spec.start.pre.empty()) return {};
  // Resolved all first: a missing program fails the start before any runs.
  auto programs = resolve_pre(spec, path_of(daemon.env));
  if (!programs) return std::move(programs).error();
  for (std::size_t i = 0; i < programs->size(); ++i) {
    posix::SpawnRequest rq = daemon;
    rq.executable = (*programs)[i];
    rq.argv = spec.start.pre[i];
    rq.pass_fds.clear();
    log::debug(spec.name + ": running " + pre_name(spec, i));
    auto run = posix::run_captured(std::move(rq), spec.start.pre_timeout, kPreOutputShown);
    if (!run) {
      Error e = std::move(run).error();
      e.message = pre_name(spec, i) + ": " + e.message;
      return e;
    }
    if (run->timed_out) {
      return Error{ExitStatus::failure, pre_name(spec, i) + " did not exit within " +
                                            config::format_duration(spec.start.pre_timeout) + ", and was killed" +
                                            output_of(*run)};
    }
    if (run->exit.killed || run->exit.code != 0) {
      return Error{ExitStatus::failure, pre_name(spec, i) + " " + describe_exit(run->exit) + output_of(*run)};
    }
  }
  return {};
}

}  // namespace daemonctl::service
