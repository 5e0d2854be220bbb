#!/usr/bin/env bash
# lintian accepts the .deb of `cpack -G DEB`: no error and no warning but
# those the package overrides (usr/share/lintian/overrides/daemonctl), each
# override under a comment that gives its reason, and no override unused.
# Info and pedantic tags are printed, not failed on. Exits 77 (skipped)
# without lintian, which `scripts/deps --test` installs.
#   lintian_test.sh BUILD_DIR
set -euo pipefail
build=$1
for tool in lintian cpack dpkg-deb; do
  if ! command -v "$tool" >/dev/null; then
    echo "skipped: no $tool (scripts/deps --test installs it)"
    exit 77
  fi
done
out=$(mktemp -d /tmp/daemonctl-lintian-test.XXXXXX)
trap 'rm -rf "$out"' EXIT
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

cpack -G DEB -B "$out" --config "$build/CPackConfig.cmake" >"$out/cpack.log" 2>&1 || {
  cat "$out/cpack.log" >&2
  exit 1
}
deb=$(find "$out" -maxdepth 1 -name 'daemonctl_*.deb')
[[ -f $deb ]] || {
  echo "FAIL: no daemonctl_*.deb in $out" >&2
  exit 1
}

# Every override has its reason: a comment opens each block of overrides
# (lines without a blank line between them).
overrides=usr/share/lintian/overrides/daemonctl
dpkg-deb -x "$deb" "$out/root"
if [[ -f $out/root/$overrides ]]; then
  unexplained=$(awk '/^[ \t]*$/ { reason = 0; next }
                     /^#/ { reason = 1; next }
                     !reason { print FNR ": " $0 }' "$out/root/$overrides")
  [[ -z $unexplained ]] || fail "$overrides: overrides without a comment giving the reason: $unexplained"
fi

# --fail-on: exit 2 for an error or a warning that is not overridden; no
# user or environment configuration. (lintian warns when run as root.)
status=0
lintian --no-cfg --ignore-lintian-env --color never --display-info --pedantic --fail-on error,warning \
  "$deb" >"$out/lintian.log" 2>&1 || status=$?
cat "$out/lintian.log"
case $status in
  0) ;;
  2) fail "lintian reports errors or warnings" ;;
  *) fail "lintian failed (exit $status)" ;;
esac
errors=$(grep -E '^[EW]: ' "$out/lintian.log" || true)
[[ -z $errors ]] || fail "errors or warnings: $errors"
unused=$(grep -E '(unused|mismatched)-override' "$out/lintian.log" || true)
[[ -z $unused ]] || fail "an override lintian did not need: $unused"

if ((failures > 0)); then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "lintian: $(basename "$deb") accepted ($(grep -cE '^[IP]: ' "$out/lintian.log" || true) info or pedantic tags)"
