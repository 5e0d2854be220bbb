// daemonctl-monitor: started by `daemonctl start` for a service with a
// [restart] policy, never by hand. Small on purpose: one stays resident per
// supervised service.
#include <cstdio>

#include "state/monitor_plan.h"
#include "monitor/supervise.h"

int main(int argc, char** argv) {
  using namespace daemonctl;
  auto plan = state::decode(argc, argv);
  if (!plan) {
    std::fprintf(stderr, "%s\n", plan.error().message.c_str());
    return 2;
  }
  return monitor::supervise(*plan, state::kReportFd, state::kLockFd);
}
