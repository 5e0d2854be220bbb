// Service-file problems are common Diagnostics (common/diagnostic.h).
#pragma once

#include "common/diagnostic.h"

namespace daemonctl::config {

using daemonctl::Diagnostic;

}  // namespace daemonctl::config
