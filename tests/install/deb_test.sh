#!/usr/bin/env bash
# `cpack -G DEB` makes a .deb that installs (binaries, compressed man pages,
# completions, examples, copyright, changelog, lintian overrides, the boot
# files registered disabled) and removes cleanly, its conffile (the init
# script) and links gone once purged. The package is purged even when a
# check fails. Exits 77 (skipped) if not root or without dpkg.
#   deb_test.sh BUILD_DIR VERSION MAINTAINER
set -euo pipefail
build=$1
version=$2
maintainer=$3
if [[ $(id -u) -ne 0 ]]; then
  echo "skipped: dpkg -i needs root"
  exit 77
fi
for tool in dpkg dpkg-deb cpack; do
  if ! command -v "$tool" >/dev/null; then
    echo "skipped: no $tool"
    exit 77
  fi
done
if dpkg-query -W -f='${Status}' daemonctl 2>/dev/null | grep -q 'ok installed'; then
  echo "FAIL: a daemonctl package is installed already; this test would replace it (dpkg -r daemonctl)" >&2
  exit 1
fi

out=$(mktemp -d /tmp/daemonctl-deb-test.XXXXXX)
installed=false
cleanup() {
  # A daemon the installed binary started and could not stop.
  local pid
  pid=$(cat "$out/state/sleeper.pid" 2>/dev/null || true)
  if [[ -n $pid && $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) == "sleep 300 " ]]; then kill -KILL "$pid"; fi
  if $installed; then dpkg -P daemonctl >/dev/null 2>&1 || echo "could not purge the package" >&2; fi
  rm -rf "$out"
}
trap cleanup EXIT
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# The package, built outside the build dir.
cpack -G DEB -B "$out" --config "$build/CPackConfig.cmake" >"$out/cpack.log" 2>&1 || {
  cat "$out/cpack.log" >&2
  exit 1
}
deb=$(find "$out" -maxdepth 1 -name 'daemonctl_*.deb')
[[ -f $deb ]] || {
  echo "FAIL: no daemonctl_*.deb in $out" >&2
  exit 1
}
field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == daemonctl ]] || fail "Package: $(field Package)"
[[ $(field Version) == "$version" ]] || fail "Version: $(field Version), expected $version"
[[ $(field Section) == admin ]] || fail "Section: $(field Section)"
[[ $(field Depends) == *libc6* ]] || fail "Depends: '$(field Depends)', expected libc6 from dpkg-shlibdeps"
[[ $(field Maintainer) == "$maintainer" ]] || fail "Maintainer: '$(field Maintainer)', expected '$maintainer'"
[[ $(field Maintainer) != *@localhost* ]] || fail "Maintainer: an address on localhost: $(field Maintainer)"
[[ -n $(field Description) ]] || fail "no Description"

installed=true
dpkg -i "$deb" >"$out/dpkg.log" 2>&1 || {
  cat "$out/dpkg.log" >&2
  exit 1
}
[[ $(dpkg-query -W -f='${Status}' daemonctl) == "install ok installed" ]] || fail "dpkg does not list daemonctl as installed"
[[ $(/usr/bin/daemonctl --version) == "daemonctl $version" ]] || fail "/usr/bin/daemonctl --version: $(/usr/bin/daemonctl --version)"
[[ -x /usr/bin/daemonctl-monitor ]] || fail "no /usr/bin/daemonctl-monitor"
[[ $(man -w daemonctl) == /usr/share/man/man1/daemonctl.1.gz ]] || fail "man -w daemonctl: $(man -w daemonctl 2>&1)"
[[ $(man -w 5 daemonctl.toml) == /usr/share/man/man5/daemonctl.toml.5.gz ]] ||
  fail "man -w 5 daemonctl.toml: $(man -w 5 daemonctl.toml 2>&1)"
[[ $(man -w daemonctl-monitor) == /usr/share/man/man8/daemonctl-monitor.8.gz ]] ||
  fail "man -w daemonctl-monitor: $(man -w daemonctl-monitor 2>&1)"
page=$(MANWIDTH=80 man daemonctl-monitor 2>&1 | col -bx) || fail "man daemonctl-monitor: $page"
grep -q '^ *daemonctl-monitor - ' <<<"$page" || fail "man daemonctl-monitor shows no NAME line: $(head -5 <<<"$page")"
for f in /usr/share/bash-completion/completions/daemonctl /usr/share/zsh/vendor-completions/_daemonctl \
  /usr/share/doc/daemonctl/examples/ticker.toml /usr/share/doc/daemonctl/copyright \
  /usr/share/doc/daemonctl/changelog.gz /usr/share/lintian/overrides/daemonctl; do
  [[ -f $f ]] || fail "no $f"
done
[[ $(gzip -dc /usr/share/doc/daemonctl/changelog.gz | head -1) == "daemonctl ($version) "* ]] ||
  fail "changelog.gz does not start with version $version"
[[ -x /usr/share/doc/daemonctl/examples/stack/db.sh ]] || fail "examples/stack/db.sh is not executable"
[[ $(head -1 /usr/share/doc/daemonctl/examples/stack/db.sh) == '#!/bin/sh' ]] || fail "examples/stack/db.sh: no #!/bin/sh"
# The boot files: the init script a conffile, registered disabled (only K
# links); the unit not enabled, and sound for systemd with the installed
# binary in place.
initd=/etc/init.d/daemonctl
unit=/usr/lib/systemd/system/daemonctl.service
[[ -x $initd ]] || fail "no executable $initd"
[[ $(head -1 "$initd" 2>/dev/null) == '#!/bin/sh' ]] || fail "$initd: no #!/bin/sh"
dpkg-query -W -f='${Conffiles}\n' daemonctl | grep -q "^ $initd " || fail "$initd is not a conffile"
[[ -f $unit ]] || fail "no $unit"
grep -qx 'ExecStart=/usr/bin/daemonctl start --all' "$unit" || fail "$unit: no ExecStart of /usr/bin/daemonctl start --all"
grep -qx 'ExecStop=/usr/bin/daemonctl stop --all' "$unit" || fail "$unit: no ExecStop of /usr/bin/daemonctl stop --all"
if command -v systemd-analyze >/dev/null; then
  verified=$(systemd-analyze verify --man=no "$unit" 2>&1) || fail "systemd-analyze verify $unit: $verified"
fi
ls /etc/rc0.d/K??daemonctl /etc/rc2.d/K??daemonctl >/dev/null 2>&1 || fail "no K links: update-rc.d defaults-disabled did not run"
if ls /etc/rc?.d/S??daemonctl >/dev/null 2>&1; then fail "enabled at boot: $(ls /etc/rc?.d/S??daemonctl)"; fi
if [[ -e /etc/systemd/system/multi-user.target.wants/daemonctl.service ]]; then fail "daemonctl.service enabled"; fi
code=0
sh "$initd" bogus >/dev/null 2>&1 || code=$?
[[ $code -eq 2 ]] || fail "$initd bogus: exit $code, not 2 (usage)"

# It works from its installed paths: a daemon started and stopped.
cat >"$out/sleeper.toml" <<'TOML'
command = ["sleep", "300"]
TOML
result=$(DAEMONCTL_STATE_DIR=$out/state /usr/bin/daemonctl start "$out/sleeper.toml" 2>&1) ||
  fail "start from the package: $result"
result=$(DAEMONCTL_STATE_DIR=$out/state /usr/bin/daemonctl stop "$out/sleeper.toml" 2>&1) ||
  fail "stop from the package: $result"
files=$(dpkg -L daemonctl)

dpkg -r daemonctl >"$out/dpkg.log" 2>&1 || {
  cat "$out/dpkg.log" >&2
  fail "dpkg -r daemonctl"
}
status=$(dpkg-query -W -f='${Status}' daemonctl 2>/dev/null || true)
[[ -z $status || $status == *not-installed* || $status == *config-files* ]] || fail "still installed after dpkg -r: $status"
while read -r f; do
  if [[ -e $f && ! -d $f && $f != "$initd" ]]; then fail "left behind by dpkg -r: $f"; fi
done <<<"$files"
[[ -e $initd ]] || fail "dpkg -r removed the conffile $initd"
# ... which systemd is kept from running, the package gone.
[[ $(readlink /etc/systemd/system/daemonctl.service) == /dev/null ]] || fail "daemonctl.service not masked after dpkg -r"
[[ ! -e /usr/share/doc/daemonctl ]] || fail "left behind by dpkg -r: /usr/share/doc/daemonctl"
for page in daemonctl daemonctl.toml daemonctl-monitor; do
  if man -w "$page" >/dev/null 2>&1; then fail "man -w $page still finds $(man -w "$page")"; fi
done
dpkg -P daemonctl >"$out/dpkg.log" 2>&1 || {
  cat "$out/dpkg.log" >&2
  fail "dpkg -P daemonctl"
}
installed=false
status=$(dpkg-query -W -f='${Status}' daemonctl 2>/dev/null || true)
[[ -z $status || $status == *not-installed ]] || fail "still known after dpkg -P: $status"
left=$(ls -d "$initd" /etc/rc?.d/[SK]??daemonctl /etc/systemd/system/daemonctl.service \
  /etc/systemd/system/*.wants/daemonctl.service 2>/dev/null || true)
[[ -z $left ]] || fail "left behind by dpkg -P: $left"

if ((failures > 0)); then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "deb: $(basename "$deb") installed, checked, removed and purged"
