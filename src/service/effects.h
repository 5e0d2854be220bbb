// The effects seam: what the steps of the lifecycle (service/lifecycle.h) do.
// The real run acts on processes and files; the dry run (--dry-run) says
// what it would do, and checks that it could. Both run the same steps, in
// the same order, from the same table: they cannot drift apart.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "config/service_spec.h"
#include "service/commands.h"
#include "service/inspect.h"
#include "service/launch.h"
#include "service/lifecycle.h"

namespace daemonctl::service {

/// What the steps act on: one service, as inspected.
struct Subject {
  const Context& ctx;
  std::string name;
  const config::ServiceSpec* spec = nullptr;  ///< its file now; null: known by its record alone
  Inspection& now;
  state::StatePaths paths;  ///< with the recorded pidfile
  Action action = Action::start;
  int sig = 0;       ///< signal: the signal; reload: 0, the recorded one
  int lock_fd = -1;  ///< the lock held, for a monitor (launch)
  std::optional<Launch>* prepared = nullptr;  ///< restart: checked before anything is stopped
  bool group = false;  ///< reload, signal: to the recorded process group (terminate.h: signal_once)
};

class Effects {
 public:
  virtual ~Effects() = default;
  virtual Status tell_monitor(Subject& s) = 0;
  virtual void await_monitor(Subject& s) = 0;
  virtual Status clear_leftovers(Subject& s) = 0;
  virtual Status remove_stale(Subject& s) = 0;
  virtual Status remove_record(Subject& s) = 0;
  virtual void rewrite_pidfile(Subject& s) = 0;
  /// An Outcome when it took the daemon in hand again (or would).
  virtual Result<std::optional<Outcome>> reattach(Subject& s) = 0;
  virtual Result<Outcome> terminate(Subject& s) = 0;
  virtual Result<Outcome> launch(Subject& s) = 0;
  virtual Result<Outcome> send(Subject& s) = 0;
  /// What it said it would do, in order (the dry run); the real run says nothing.
  virtual std::vector<std::string> said() const { return {}; }
};

/// A running service whose recorded monitor is gone, and whose file still
/// wants one: the reattach step takes it in hand again.
bool unsupervised(const Subject& s);

/// Starts a monitor that takes the running daemon of `now` in hand again
/// (service::Attach, supervised.h), holding `lock_fd`; says so.
Result<Outcome> reattach_monitor(const Context& ctx, const config::ServiceSpec& spec, const Inspection& now,
                                 int lock_fd);

/// Runs steps(s.now.state, s.action) with `fx`, and tells how it ended.
Result<Outcome> run_steps(Subject& s, Effects& fx);

/// The effects of a real run.
class RealEffects : public Effects {
 public:
  Status tell_monitor(Subject& s) override;
  void await_monitor(Subject& s) override;
  Status clear_leftovers(Subject& s) override;
  Status remove_stale(Subject& s) override;
  Status remove_record(Subject& s) override;
  void rewrite_pidfile(Subject& s) override;
  Result<std::optional<Outcome>> reattach(Subject& s) override;
  Result<Outcome> terminate(Subject& s) override;
  Result<Outcome> launch(Subject& s) override;
  Result<Outcome> send(Subject& s) override;

 private:
  std::optional<posix::Pidfd> standing_down_;
};

}  // namespace daemonctl::service
