#!/usr/bin/env bash
# The zsh completion: compinit in `zsh -f` finds it and loads it without a
# word on stderr; its helper names the services of the config folder; and a
# real completion, typed with TAB on a pseudo-terminal (zsh/zpty), offers the
# commands, the options, the services and the signals.
#   zsh_completion_test.sh COMPLETION_FILE
set -euo pipefail
completion=$(realpath "$1")
sandbox=$(mktemp -d /tmp/daemonctl-zsh-completion-test.XXXXXX)
trap 'rm -rf "$sandbox"' EXIT
mkdir "$sandbox/fpath" "$sandbox/conf" "$sandbox/env" "$sandbox/cwd"
cp "$completion" "$sandbox/fpath/_daemonctl"
touch "$sandbox/conf/a.toml" "$sandbox/conf/b.toml" "$sandbox/conf/.hidden.toml" "$sandbox/conf/notes.txt"
touch "$sandbox/env/e.toml"
mkdir "$sandbox/conf/disabled"
touch "$sandbox/conf/disabled/b" "$sandbox/conf/disabled/gone"
cd "$sandbox/cwd"
unset DAEMONCTL_CONFIG_DIR
failures=0
check() {  # check WHAT GOT EXPECTED
  if [[ $2 != "$3" ]]; then
    echo "FAIL: $1: got '$2', expected '$3'" >&2
    failures=$((failures + 1))
  fi
}

# compinit registers it, and autoloading it says nothing.
# (Its dump file makes the next compinit quick.)
out=$(zsh -f -c 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -d "$2"
  print -r -- $_comps[daemonctl]; autoload +X _daemonctl' zsh "$sandbox/fpath" "$sandbox/zcompdump" 2>&1)
check "compinit" "$out" "_daemonctl"

# The helpers, sourced: the config folder of a line, and its service names.
helper() {
  zsh -f -c 'source "$1" || exit 1; shift
    _daemonctl_config_dir "$@"; _daemonctl_service_names $REPLY; print -r -- ${(o)reply}' zsh "$completion" "$@" 2>&1
}
check "helper, --config-dir DIR" "$(helper daemonctl --config-dir "$sandbox/conf" start)" "a b"
check "helper, --config-dir=DIR" "$(helper daemonctl "--config-dir=$sandbox/conf" start)" "a b"
check "helper, \$DAEMONCTL_CONFIG_DIR" "$(DAEMONCTL_CONFIG_DIR=$sandbox/env helper daemonctl start)" "e"

# Real completions: one zsh on a pseudo-terminal (zsh/zpty; compinit is
# slow), where compadd is wrapped to print each match as "MATCH:word", and
# each completion ends with a mark.
cat >"$sandbox/setup.zsh" <<SETUP
PROMPT=
fpath=("$sandbox/fpath" \$fpath)
autoload -Uz compinit && compinit -u -d "$sandbox/zcompdump"
zstyle ':completion:*' list-grouped false
compadd() {
  # Calls that only ask (-O, -A, -D) are not offers.
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd "\$@"; return; fi
  local -a matches
  builtin compadd -A matches "\$@"
  local ret=\$?
  print -rl -- MATCH:\${^matches}
  return ret
}
_mark() { print -r -- END-OF-MATCHES; }
SETUP
# type.zsh SETUP LINE...: for each LINE, "N MATCH" lines for TAB at its end;
# a LINE "!COMMAND" runs COMMAND instead.
cat >"$sandbox/type.zsh" <<'TYPE'
zmodload zsh/zpty || exit 1
zpty z zsh -f -i
zpty -w z "source ${(q)1}"
shift
local out line
integer n=0
for line; do
  (( n++ ))
  zpty -w -n z $'\C-u'  # an empty line
  if [[ $line == '!'* ]]; then
    zpty -w z ${line#!}
    continue
  fi
  zpty -w z 'comppostfuncs=(_mark)'
  zpty -w -n z "$line"$'\t'
  zpty -r z out '*END-OF-MATCHES*' || exit 1
  print -rl -- ${(f)"$(print -r -- $out | tr -d '\r' | grep -ao 'MATCH:[^[:cntrl:]]*' | sort -u)"} |
    sed "s/^MATCH:/$n /"
done
TYPE
lines=(
  'daemonctl '
  'daemonctl stop --'
  'daemonctl --'
  'daemonctl help '
  'daemonctl start a --dr'
  "daemonctl --config-dir $sandbox/conf start "
  "daemonctl --config-dir=$sandbox/conf stop a "
  "daemonctl --config-dir $sandbox/conf signal a US"
  'daemonctl export '
  "daemonctl --config-dir $sandbox/conf export systemd "
  "daemonctl --config-dir $sandbox/conf disable "
  "daemonctl --config-dir $sandbox/conf enable "
  'daemonctl start --inc'
  "!export DAEMONCTL_CONFIG_DIR=$sandbox/env"
  'daemonctl start '
)
expected=(
  'check disable enable export help list logs reload restart signal start status stop'
  '--all --config-dir --dry-run --help --include-disabled --jobs --json --log-dir --quiet --state-dir --verbose'
  '--config-dir --dry-run --help --json --log-dir --quiet --state-dir --verbose --version'
  'check disable enable export help list logs reload restart signal start status stop'
  '--dry-run'
  'a b'
  'a b'
  'USR1 USR2'
  'systemd'
  'a b'
  'a'
  'b'
  '--include-disabled'
  ''
  'e'
)
matches=$(timeout 120 zsh -f "$sandbox/type.zsh" "$sandbox/setup.zsh" "${lines[@]}" || true)
for i in "${!lines[@]}"; do
  got=$(awk -v n=$((i + 1)) '$1 == n { print $2 }' <<<"$matches" | sort | paste -sd ' ')
  check "'${lines[i]}<TAB>'" "$got" "${expected[i]}"
done

if ((failures > 0)); then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "zsh completion: all cases passed"
