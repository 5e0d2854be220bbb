#!/bin/sh
# Prints CHANGELOG.md as a Debian changelog, the format dpkg, apt and lintian
# read in a native package's usr/share/doc/daemonctl/changelog.gz:
#   daemonctl (0.1.0) unstable; urgency=medium
#
#     * each "- " item of the version's section, its lines indented as in
#       the Markdown (plain paragraphs indented by two spaces)
#
#    -- MAINTAINER  Fri, 04 Dec 2026 00:00:00 +0000
# A section is "## VERSION (YYYY-MM-DD)"; an "## Unreleased" one is left
# out. Fails when the newest version is not VERSION (CMake's project
# version), or a line would pass 80 columns.
#   changelog.sh CHANGELOG.md VERSION MAINTAINER
set -eu
if [ $# -ne 3 ]; then
  echo "usage: changelog.sh CHANGELOG.md VERSION MAINTAINER" >&2
  exit 2
fi
awk -v version="$2" -v maintainer="$3" '
function die(why) {
  printf "%s:%d: %s\n", FILENAME, FNR, why > "/dev/stderr"
  failed = 1
  exit 1
}
function out(line) {
  if (length(line) > 80) die("longer than 78 columns (80 in the Debian changelog)")
  print line
}
# Ends the section being read: its lines, then its trailer.
function close_section(   i) {
  if (!open) return
  while (n > 0 && lines[n] == "") n--
  if (n == 0) die("no change listed for " current)
  for (i = 1; i <= n; i++) out(lines[i])
  cmd = "date -u -R -d " date
  if ((cmd | getline when) <= 0) die("not a date: " date)
  close(cmd)
  print ""
  print " -- " maintainer "  " when
  open = 0
}
/^## / {
  close_section()
  if ($0 == "## Unreleased") { skip = 1; next }
  skip = 0
  if ($0 !~ /^## [0-9][0-9A-Za-z.+~]* \([0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]\)$/)
    die("expected \"## VERSION (YYYY-MM-DD)\" or \"## Unreleased\"")
  current = $2
  date = substr($3, 2, 10)
  if (++sections == 1 && current != version)
    die("the newest version is " current ", but CMakeLists.txt says " version ": add its entry")
  if (sections > 1) print ""
  print "daemonctl (" current ") unstable; urgency=medium"
  print ""
  open = 1
  n = 0
  next
}
!open || skip { next }
/^$/ { if (n > 0) lines[++n] = ""; next }
/^- / { lines[++n] = "  * " substr($0, 3); next }
/^  / { lines[++n] = "  " $0; next }
{ lines[++n] = "  " $0 }
END {
  if (failed) exit 1
  close_section()
  if (sections == 0) die("no \"## VERSION (YYYY-MM-DD)\" section")
}
' "$1"
