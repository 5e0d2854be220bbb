#include "monitor/output.h"

#include <unistd.h>

#include <ctime>

#include "monitor/own_lines.h"

namespace daemonctl::monitor {
namespace {

// A rotated stream (`log` names a file), which the monitor writes on its own
// `fd`; none if not rotated, or if its pipe cannot be made.
std::optional<RotatingLog> rotated(const Plan& plan, const LogPlan& log, int fd) {
  if (log.path.empty()) return std::nullopt;
  std::optional<RotatingLog> made(std::in_place, log, fd, plan.log_mode, plan.log_chown, plan.log_uid, plan.log_gid);
  if (!made->open_pipe()) return std::nullopt;
  return made;
}

}  // namespace

Output::Output(const Plan& plan)
    : plan_(plan),
      out_(rotated(plan, plan.out, 1)),
      err_(plan.err_is_out ? std::nullopt : rotated(plan, plan.err, 2)) {}

int Output::daemon_stderr() const {
  if (err_) return err_->write_end();
  return plan_.err_is_out && out_ ? out_->write_end() : 2;
}

void Output::log(const std::string& what) {
  char when[32];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::string line = cat({when, " daemonctl-monitor[", num(::getpid()), "]: ", plan_.name, ": ", what, "\n"});
  bool to_out = plan_.log_to_out || plan_.err_is_out;
  std::optional<RotatingLog>& rotated = to_out ? out_ : err_;
  if (rotated) return rotated->note(line);
  note_plain(to_out ? 1 : 2, line);
}

void Output::drain() {
  for (auto* l : {&out_, &err_}) {
    if (!*l) continue;
    (*l)->drain();
    if (std::string why = (*l)->take_problem(); !why.empty()) log(why);
  }
}

void Output::flush() {
  if (out_) out_->flush();
  if (err_) err_->flush();
}

}  // namespace daemonctl::monitor
