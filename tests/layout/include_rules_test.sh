#!/usr/bin/env bash
# include_rules_test.sh BUILD_DIR PROBE...: builds each probe target of
# tests/layout/CMakeLists.txt; ok_* must compile, bad_* must fail because the
# header is not found (not for any other reason).
set -uo pipefail
build=$1
shift
failed=0
for probe in "$@"; do
  out=$(cmake --build "$build" --target "layout_probe_$probe" 2>&1)
  status=$?
  case $probe in
    ok_*)
      if ((status != 0)); then
        echo "FAIL: $probe should compile:"; echo "$out" | tail -5; failed=1
      fi ;;
    bad_*)
      if ((status == 0)); then
        echo "FAIL: $probe compiled: a wrong-way include is allowed"; failed=1
      elif ! grep -q 'No such file or directory' <<<"$out"; then
        echo "FAIL: $probe failed for another reason:"; echo "$out" | tail -5; failed=1
      fi ;;
  esac
  ((failed)) || echo "ok: $probe"
done
exit $failed
