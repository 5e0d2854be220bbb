// Test support shared by the unit tests of every folder: a temporary
// directory removed with everything in it, and scoped changes to process-wide
// settings (umask, environment, effective uid) restored however a test ends.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

namespace daemonctl::testing {

/// A fresh directory under $TMPDIR (or /tmp), removed recursively on destruction.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/daemonctl-unit-XXXXXX";
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  /// path() + "/" + leaf
  std::string operator/(const std::string& leaf) const { return path_ + "/" + leaf; }

 private:
  std::string path_;
};

/// Creates (or truncates) `path` holding `content`, then chmods it to `mode`.
inline void write_text(const std::string& path, const std::string& content, mode_t mode = 0644) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot create " + path);
    out << content;
  }
  if (::chmod(path.c_str(), mode) < 0) throw std::runtime_error("cannot chmod " + path);
}

/// The whole content of `path` ("" if it cannot be read).
inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Does anything (even a dangling symlink) exist at `path`?
inline bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

/// The permission bits of `path` (-1 if it cannot be stat'ed).
inline int mode_of(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) < 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

/// The unprivileged user the tests act as.
inline constexpr uid_t kNobody = 65534;

/// Runs as effective uid `uid` until destroyed, then as before; ok() says
/// whether the switch happened (it needs root).
class ScopedEuid {
 public:
  explicit ScopedEuid(uid_t uid) : saved_(::geteuid()), ok_(uid == saved_ || ::seteuid(uid) == 0), changed_(uid != saved_) {}
  ~ScopedEuid() {
    if (ok_ && changed_) (void)!::seteuid(saved_);
  }
  ScopedEuid(const ScopedEuid&) = delete;
  ScopedEuid& operator=(const ScopedEuid&) = delete;
  bool ok() const { return ok_; }

 private:
  uid_t saved_;
  bool ok_, changed_;
};

/// Sets the process umask for its lifetime.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : saved_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(saved_); }
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  mode_t saved_;
};

/// The current umask, without changing it.
inline mode_t current_umask() {
  mode_t m = ::umask(0);
  ::umask(m);
  return m;
}

/// Sets (a value) or unsets (nullopt) an environment variable for its lifetime.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, const std::optional<std::string>& value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str())) saved_ = old;
    if (value) ::setenv(name_.c_str(), value->c_str(), 1);
    else ::unsetenv(name_.c_str());
  }
  ~ScopedEnv() {
    if (saved_) ::setenv(name_.c_str(), saved_->c_str(), 1);
    else ::unsetenv(name_.c_str());
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> saved_;
};

}  // namespace daemonctl::testing
