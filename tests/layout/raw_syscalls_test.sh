#!/usr/bin/env bash
# raw_syscalls_test.sh SRC_DIR CXX: no file of src/ outside posix/ makes a
# system call of its own. posix/ wraps each one (a UniqueFd, a Result whose
# message names the path and the reason); the other layers call the wrappers.
#
# A raw system call, here: a call of a function in the kernel's system call
# table (the SYS_* names of <sys/syscall.h>, as CXX sees them: open, read,
# kill, geteuid...) or of one of libc's thin wrappers with another name
# (isatty, signal, pread, fstatat, opendir...), written ::open(, std::signal(
# or open(; and any use of std::filesystem, which is made of them.
# Not covered: the C and C++ libraries' own facilities that make system
# calls inside them (stdio, streams, threads, clocks), the users and groups
# database (getpwnam...), and pure functions (strftime, strerror).
#
# An unqualified call of a name that src/ itself defines (a member write(),
# fleet::select()) may be ours, so for those names only ::name( counts: the
# way this code base writes a system call anyway. Comments and string
# literals are left out. Needs perl and ctags (universal-ctags).
set -uo pipefail
src=$1
cxx=$2

# Files outside posix/ allowed their system calls for now, each with why.
exceptions=()

syscalls=$(echo '#include <sys/syscall.h>' | "$cxx" -dM -E -x c++ - | sed -n 's/^#define SYS_\([a-z0-9_]*\) .*/\1/p')
if [[ -z $syscalls ]]; then
  echo "FAIL: no SYS_* names from $cxx's <sys/syscall.h>"
  exit 1
fi
wrappers="isatty ttyname tcgetattr tcsetattr tcgetpgrp tcsetpgrp signal sigaction sigprocmask raise
  stat fstat lstat fstatat stat64 fstat64 lstat64 pread pwrite pread64 pwrite64 pipe dup2 opendir fdopendir readdir
  closedir getrlimit setrlimit getpriority setpriority getpgrp wait waitpid wait3 wait4 execv execve execvp
  execvpe execl execlp execle fexecve posix_spawn posix_spawnp system popen usleep sleep nanosleep getcwd realpath
  mkstemp mkdtemp creat truncate ftruncate posix_fallocate fdatasync faccessat fchmodat fchownat utimensat futimens"
if ! command -v ctags >/dev/null; then
  echo "FAIL: ctags not found (scripts/deps --test installs universal-ctags)"
  exit 1
fi
ours=$(cd "$src" && ctags -R --c++-kinds=fp -x --_xformat='%N' . | sort -u)

export SYSCALL_NAMES="$syscalls $wrappers" OUR_NAMES="$ours"
files=()
while IFS= read -r f; do
  rel=${f#"$src"/}
  skip=false
  for e in "${exceptions[@]}"; do [[ $rel == "$e" ]] && skip=true; done
  $skip || files+=("$f")
done < <(find "$src" -path "$src/posix" -prune -o -type f \( -name '*.cpp' -o -name '*.h' \) -print | sort)

found=$(perl -e '
  my %sys = map { $_ => 1 } split " ", $ENV{SYSCALL_NAMES};
  my %ours = map { $_ => 1 } split " ", $ENV{OUR_NAMES};
  my $any = join "|", sort keys %sys;
  my $foreign = join "|", grep { !$ours{$_} } sort keys %sys;
  for my $file (@ARGV) {
    open my $in, "<", $file or die "$file: $!";
    local $/;
    my $text = <$in>;
    # Blank out comments and literals, keeping the newlines (line numbers).
    my $blank = sub { (my $s = shift) =~ s/[^\n]/ /g; $s };
    $text =~ s{(//[^\n]*|/\*.*?\*/|R"([^(\s]*)\(.*?\)\2"|"(?:\\.|[^"\\\n])*"|'"'"'(?:\\.|[^'"'"'\\\n])*'"'"')}{$blank->($1)}gse;
    my @lines = split /\n/, $text, -1;
    for my $i (0 .. $#lines) {
      my $l = $lines[$i];
      my @hits;
      push @hits, "::$1(" while $l =~ /(?<![\w:])::\s*($any)\s*\(/g;
      push @hits, "std::$1(" while $l =~ /\bstd::($any)\s*\(/g;
      push @hits, "std::filesystem" while $l =~ /\bstd::filesystem\b/g;
      push @hits, "$1(" while $foreign ne "" && $l =~ /(?<![\w.>:~])($foreign)\s*\(/g;
      print "$file:", $i + 1, ": $_\n" for @hits;
    }
  }
' "${files[@]}")

for e in "${exceptions[@]}"; do
  [[ -f $src/$e ]] || echo "note: $e, listed as an exception, is gone: remove it from the list"
done
if [[ -n $found ]]; then
  echo "FAIL: system calls outside src/posix/ (wrap them in posix/ and call the wrapper):"
  echo "${found//"$src/"/src/}"
  exit 1
fi
echo "ok: no system call in ${#files[@]} files of src/ outside posix/ (exceptions: ${exceptions[*]})"
