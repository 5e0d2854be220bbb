#!/usr/bin/env bash
# `cmake --install BUILD --prefix TMP` puts every file in place: the binaries,
# the three man pages, compressed (they render without warnings and document
# every command, option and service-file key, and the monitor's protocol),
# both completions, the examples with their scripts executable and starting
# with #!, the copyright file (DEP-5, LICENSE's text), the Debian changelog
# from CHANGELOG.md, the lintian overrides, and the boot files (a systemd
# unit that systemd-analyze verify accepts, an LSB init script), both naming
# the installed daemonctl.
#   install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source_dir=$2
prefix=$(mktemp -d /tmp/daemonctl-install-test.XXXXXX)
trap 'rm -rf "$prefix"' EXIT
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

cmake --install "$build" --prefix "$prefix" >/dev/null

# The files, and their modes.
for f in bin/daemonctl bin/daemonctl-monitor; do
  [[ -f $prefix/$f && -x $prefix/$f ]] || fail "$f: missing or not executable"
done
man1=$prefix/share/man/man1/daemonctl.1.gz
man5=$prefix/share/man/man5/daemonctl.toml.5.gz
man8=$prefix/share/man/man8/daemonctl-monitor.8.gz
doc=$prefix/share/doc/daemonctl
for f in "$man1" "$man5" "$man8" "$prefix/share/bash-completion/completions/daemonctl" \
  "$prefix/share/zsh/vendor-completions/_daemonctl" "$doc/README.md" "$doc/copyright" "$doc/changelog.gz" \
  "$prefix/share/lintian/overrides/daemonctl"; do
  [[ -f $f && -s $f ]] || fail "${f#"$prefix"/}: missing or empty"
done
# The boot files, configured for this prefix.
unit=$prefix/lib/systemd/system/daemonctl.service
initd=$prefix/etc/init.d/daemonctl
[[ -f $unit && ! -x $unit ]] || fail "lib/systemd/system/daemonctl.service: missing, or executable"
[[ -f $initd && -x $initd ]] || fail "etc/init.d/daemonctl: missing or not executable"
grep -qx "ExecStart=$prefix/bin/daemonctl start --all" "$unit" || fail "daemonctl.service: ExecStart is not $prefix/bin/daemonctl"
grep -qx "ExecStop=$prefix/bin/daemonctl stop --all" "$unit" || fail "daemonctl.service: ExecStop is not $prefix/bin/daemonctl"
grep -qx "DEFAULT=$prefix/bin/daemonctl" "$initd" || fail "init.d/daemonctl: DEFAULT is not $prefix/bin/daemonctl"
if command -v systemd-analyze >/dev/null; then
  verified=$(systemd-analyze verify --man=no "$unit" 2>&1) || fail "systemd-analyze verify daemonctl.service: $verified"
fi
dash -n "$initd" || fail "init.d/daemonctl: dash -n finds a syntax error"
if grep -q '@' "$unit" "$initd"; then fail "a boot file holds an unconfigured @VARIABLE@: $(grep -n '@' "$unit" "$initd")"; fi

# Compressed as Debian wants: gzip -9 -n (no name, no timestamp), which gives
# the same bytes again; no page left uncompressed.
for f in "$man1" "$man5" "$man8" "$doc/changelog.gz"; do
  if ! { [[ -f $f ]] && gzip -dc "$f" | gzip -9 -n | cmp -s - "$f"; }; then
    fail "${f#"$prefix"/}: not compressed by gzip -9 -n"
  fi
done
uncompressed=$(find "$prefix/share/man" -type f ! -name '*.gz')
[[ -z $uncompressed ]] || fail "man pages not compressed: $uncompressed"
examples=$prefix/share/doc/daemonctl/examples
for source in "$source_dir"/config/examples/*.toml "$source_dir"/config/examples/stack/*; do
  f=$examples/${source#"$source_dir"/config/examples/}
  [[ -f $f ]] || fail "${f#"$prefix"/}: missing"
  if [[ $f == *.sh && ! -x $f ]]; then fail "${f#"$prefix"/}: not executable"; fi
done
ls "$examples"/stack/*.sh >/dev/null 2>&1 || fail "no stack/*.sh in $examples"
leftovers=$(find "$examples" -type f ! -name '*.toml' ! -name '*.sh')
[[ -z $leftovers ]] || fail "not service files or scripts: $leftovers"
# Every executable is a program or a script that names its interpreter.
while read -r f; do
  magic=$(head -c 4 "$f" | tr -d '\0')
  [[ $magic == $'\x7fELF' || $magic == '#!'* ]] || fail "${f#"$prefix"/}: executable, but neither ELF nor #! script"
done < <(find "$prefix" -type f -perm -u+x)

# The copyright file: machine-readable (DEP-5), with LICENSE's notice and
# text (each line indented, blank ones as " .").
head -1 "$doc/copyright" | grep -qx 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' ||
  fail "copyright: not in the DEP-5 format"
grep -qx "Copyright: $(sed -n 's/^Copyright (c) //p' "$source_dir/LICENSE")" "$doc/copyright" ||
  fail "copyright: not LICENSE's copyright line"
license=$(sed -n '/^Permission/,$p' "$source_dir/LICENSE")
[[ -n $license ]] || fail "LICENSE: no license text"
grep -qx 'License: Expat' "$doc/copyright" || fail "copyright: no License: Expat"
# The text: the lines after the stand-alone paragraph's "License: Expat".
text=$(awk 'on; prev == "" && $0 == "License: Expat" { on = 1 } { prev = $0 }' "$doc/copyright")
[[ $(sed 's/^ //; s/^\.$//' <<<"$text") == "$license" ]] || fail "copyright: the license text is not LICENSE's"
# The Debian changelog, made from CHANGELOG.md: this version first.
version=$("$prefix/bin/daemonctl" --version | sed 's/^daemonctl //')
changelog=$(gzip -dc "$doc/changelog.gz")
[[ $(head -1 <<<"$changelog") == "daemonctl ($version) unstable; urgency=medium" ]] ||
  fail "changelog.gz: first line '$(head -1 <<<"$changelog")', not version $version"
if command -v dpkg-parsechangelog >/dev/null; then
  printf '%s\n' "$changelog" >"$prefix/changelog"
  parsed=$(dpkg-parsechangelog -l "$prefix/changelog" -S Version 2>&1) || true
  rm -f "$prefix/changelog"
  [[ $parsed == "$version" ]] || fail "changelog.gz: dpkg-parsechangelog says '$parsed', expected $version"
fi
grep -q '^## Unreleased$' "$source_dir/CHANGELOG.md" ||
  [[ $(grep -m1 '^## ' "$source_dir/CHANGELOG.md") == "## $version ("* ]] ||
  fail "CHANGELOG.md: the newest section is not $version"
grep -q 'MIT' <<<"$(sed -n '/^## License$/,$p' "$doc/README.md")" ||
  fail "README.md: no '## License' section naming the MIT license"

daemonctl=$prefix/bin/daemonctl
[[ $("$daemonctl" --version) == "daemonctl "* ]] || fail "the installed daemonctl does not run"

# The man pages render without a warning, by man as by groff.
for page in "$man1" "$man5" "$man8"; do
  warnings=$( { man --warnings -l "$page" >/dev/null; } 2>&1)
  [[ -z $warnings ]] || fail "man --warnings ${page##*/}: $warnings"
  warnings=$(gzip -dc "$page" | groff -ww -man -z 2>&1)
  [[ -z $warnings ]] || fail "groff -ww ${page##*/}: $warnings"
done
render() { MANWIDTH=200 man -l "$1" 2>/dev/null | col -bx; }
page1=$(render "$man1")
page5=$(render "$man5")
page8=$(render "$man8")

# The lines of section $2 (a heading of page $1).
section() { awk -v s="$2" '/^[^ ]/ { on = ($0 == s) } on' <<<"$1"; }
# Those that start an entry, such as "start [-a|--all] ...": indented by
# exactly 7 spaces.
entries() { section "$1" "$2" | sed -nE 's/^ {7}([^ ])/\1/p'; }

# daemonctl(1): each command of --help has its entry under COMMANDS, with
# each of its options, and each global option has its entry.
# The help (src/cli/help.cpp): "Options:" then "Commands:"; a command's help,
# its "Options:" then "Global options:".
help_part() { awk -v s="$1" '/^[^ ]/ { on = (tolower($0) ~ "^" s ":") } on'; }
commands=$("$daemonctl" --help | help_part commands | awk '/^  [a-z]/ { print $1 }')
[[ -n $commands ]] || fail "no command found in daemonctl --help"
command_entries=$(entries "$page1" COMMANDS)
for command in $commands; do
  entry=$(grep -E "^$command( |$)" <<<"$command_entries" || true)
  if [[ -z $entry ]]; then
    fail "daemonctl.1: no entry for the command '$command'"
    continue
  fi
  # Its options: each in the entry's synopsis line.
  for option in $("$daemonctl" "$command" --help | help_part options | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
    case $option in --help | --verbose | --quiet | --json | --state-dir | --log-dir | --config-dir) continue ;; esac
    grep -qe "$option" <<<"$entry" || fail "daemonctl.1: '$command' does not document $option"
  done
done
global_entries=$(entries "$page1" "GLOBAL OPTIONS")
for option in $("$daemonctl" --help | help_part options | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
  grep -qe "$option" <<<"$global_entries" || fail "daemonctl.1: no entry for the global option $option"
done
# Every exit code, each environment variable daemonctl reads, and the files.
exit_entries=$(entries "$page1" "EXIT STATUS")
for code in 0 1 2 3 4 5 6 7; do
  grep -qx "$code" <<<"$exit_entries" || fail "daemonctl.1: no entry for exit code $code"
done
environment_entries=$(entries "$page1" ENVIRONMENT)
for variable in DAEMONCTL_CONFIG_DIR DAEMONCTL_STATE_DIR NO_COLOR XDG_CONFIG_HOME XDG_RUNTIME_DIR; do
  grep -qw "$variable" <<<"$environment_entries" || fail "daemonctl.1: no entry for \$$variable"
done
for heading in "NAMING SERVICES" "HOW STOP WORKS" FILES; do
  grep -qx "$heading" <<<"$page1" || fail "daemonctl.1: no section '$heading'"
done
grep -q '/etc/daemonctl/' <<<"$(entries "$page1" FILES)" || fail "daemonctl.1: FILES does not name the config dir"
grep -q '/run/daemonctl/' <<<"$(entries "$page1" FILES)" || fail "daemonctl.1: FILES does not name the state dir"
for f in /etc/daemonctl/disabled/ /etc/init.d/daemonctl daemonctl.service /etc/default/daemonctl; do
  grep -qF "$f" <<<"$(entries "$page1" FILES)" || fail "daemonctl.1: FILES does not name $f"
done
grep -qx BOOT <<<"$page1" || fail "daemonctl.1: no section 'BOOT'"

# daemonctl.toml(5): each key of the loader has its entry in the page's
# source (unit/config/keys_test.cpp); here, the rendered page has its
# sections, and every limit is named under [limits].
for limit in as core cpu data fsize locks memlock msgqueue nice nofile nproc rss rtprio rttime sigpending stack; do
  grep -qw "$limit" <<<"$(section "$page5" "[limits]")" || fail "daemonctl.toml.5: [limits] does not name '$limit'"
done
for heading in "TOP-LEVEL KEYS" "[start]" "[stop]" "[ready]" "[restart]" "ROTATED LOGS"; do
  grep -qxF "$heading" <<<"$page5" || fail "daemonctl.toml.5: no section '$heading'"
done
for heading in VALUES EXAMPLES; do
  grep -qx "$heading" <<<"$page5" || fail "daemonctl.toml.5: no section '$heading'"
done

# daemonctl-monitor(8): the protocol as the monitor reads it. Each option
# src/state/monitor_plan.cpp decodes (a row {"KEY", setter} of its kOptions)
# has its entry under OPTIONS, and no other; the fds of monitor_plan.h and
# the signals the monitor takes (supervise.cpp) have theirs; and its exit codes.
decoded=$(grep -oE '^ *\{"[a-z-]+", \[' "$source_dir/src/state/monitor_plan.cpp" | cut -d'"' -f2 | sort -u)
[[ $(wc -l <<<"$decoded") -ge 20 ]] || fail "fewer options than expected in monitor_plan.cpp's kOptions: $decoded"
documented=$(entries "$page8" OPTIONS | grep -E '^--[a-z-]+=[^ ]*(, --[a-z-]+=[^ ]*)*$' |
  grep -oE -- '--[a-z-]+=' | sed 's/^--//; s/=$//' | sort -u)
missing=$(comm -23 <(echo "$decoded") <(echo "$documented"))
[[ -z $missing ]] || fail "daemonctl-monitor.8: no entry for the option(s) ${missing//$'\n'/ }"
stale=$(comm -13 <(echo "$decoded") <(echo "$documented"))
[[ -z $stale ]] || fail "daemonctl-monitor.8: entries for options the monitor does not take: ${stale//$'\n'/ }"
for fd in $(grep -oE 'k(Report|Lock|Env)Fd = [0-9]+' "$source_dir/src/state/monitor_plan.h" | grep -oE '[0-9]+$'); do
  grep -qx "$fd" <<<"$(entries "$page8" "FILE DESCRIPTORS")" || fail "daemonctl-monitor.8: no entry for fd $fd"
done
signals=$(grep -oE 'SignalFd::open\(\{[^}]*\}' "$source_dir/src/monitor/supervise.cpp" | grep -oE 'SIG[A-Z]+')
[[ -n $signals ]] || fail "no SignalFd::open({...}) in supervise.cpp"
for signal in $signals SIGPIPE SIGKILL; do
  grep -qw "$signal" <<<"$(entries "$page8" SIGNALS)" || fail "daemonctl-monitor.8: no entry for $signal"
done
for code in 0 1 2; do
  grep -qx "$code" <<<"$(entries "$page8" "EXIT STATUS")" || fail "daemonctl-monitor.8: no entry for exit code $code"
done
grep -q "incomplete plan: run by 'daemonctl start', not by hand" <<<"$page8" ||
  fail "daemonctl-monitor.8: does not quote the monitor's message when run by hand"
[[ $("$prefix/bin/daemonctl-monitor" 2>&1) == "daemonctl-monitor: incomplete plan: run by 'daemonctl start', not by hand" ]] ||
  fail "daemonctl-monitor run by hand: $("$prefix/bin/daemonctl-monitor" 2>&1)"

if ((failures > 0)); then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "installed and checked: $(find "$prefix" -type f | wc -l) files"
