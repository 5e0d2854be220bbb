#include "monitor/output.h"

#include <chrono>
#include <ctime>

#include "monitor/own_lines.h"
#include "posix/files.h"
#include "posix/process.h"
#include "state/pidfile.h"

namespace daemonctl::monitor {

Output::Output(const state::MonitorPlan& plan)
    : plan_(plan),
      out_(rotated(plan.out, 1)),
      err_(plan.err_is_out ? std::nullopt : rotated(plan.err, 2)) {
  if (plan.err_is_out && out_) out_->also_on(2);
  for (const std::string& problem : problems_) log(problem);
  problems_.clear();
}

// A rotated stream (`log` names a file), which the monitor writes on its own
// `fd`; none if not rotated, or if its FIFO cannot be opened.
std::optional<RotatingLog> Output::rotated(const state::LogPlan& log, int fd) {
  if (log.path.empty()) return std::nullopt;
  std::optional<RotatingLog> made(std::in_place, log, fd, plan_.log_mode, plan_.log_chown, plan_.log_uid,
                                  plan_.log_gid);
  if (Status st = made->open_pipe(state::output_fifo(plan_.record, fd)); !st) {
    problems_.push_back(st.error().message + "; writing the file unrotated");
    return std::nullopt;
  }
  return made;
}

int Output::daemon_stderr() const {
  if (err_) return err_->write_end();
  return plan_.err_is_out && out_ ? out_->write_end() : 2;
}

void Output::log(const std::string& what) {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::string line = cat({when, " daemonctl-monitor[", num(posix::this_pid()), "]: ", plan_.name, ": ", what, "\n"});
  bool to_out = plan_.log_to_out || plan_.err_is_out;
  std::optional<RotatingLog>& stream = to_out ? out_ : err_;
  if (stream) return stream->note(line);
  note_plain(to_out ? 1 : 2, line);
}

void Output::drain() {
  for (auto* l : {&out_, &err_}) {
    if (!*l) continue;
    (*l)->drain();
    if (std::string why = (*l)->take_problem(); !why.empty()) log(why);
  }
}

void Output::remove_fifos() {
  if (out_) (void)posix::remove_file(state::output_fifo(plan_.record, 1));
  if (err_) (void)posix::remove_file(state::output_fifo(plan_.record, 2));
}

void Output::flush() {
  if (out_) out_->flush();
  if (err_) err_->flush();
}

}  // namespace daemonctl::monitor
