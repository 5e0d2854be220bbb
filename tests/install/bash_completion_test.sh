#!/usr/bin/env bash
# The bash completion, in `bash --norc` without the bash-completion package:
# commands, options, service names from the config folder (--config-dir on
# the line, or $DAEMONCTL_CONFIG_DIR), signal names, export formats.
#   bash_completion_test.sh COMPLETION_FILE
set -euo pipefail
sandbox=$(mktemp -d /tmp/daemonctl-bash-completion-test.XXXXXX)
# A copy in the sandbox: the part run as nobody must be able to read it,
# wherever the checkout is (a 0700 /root, say).
cp "$1" "$sandbox/daemonctl.bash"
completion=$sandbox/daemonctl.bash
trap 'rm -rf "$sandbox"' EXIT
mkdir "$sandbox/conf" "$sandbox/env" "$sandbox/cwd"
touch "$sandbox/conf/a.toml" "$sandbox/conf/b.toml" "$sandbox/conf/.hidden.toml" "$sandbox/conf/notes.txt"
touch "$sandbox/env/e.toml"
cd "$sandbox/cwd"  # empty: no file of the working directory is offered

# Runs in a fresh bash: prints "COMPREPLY" (sorted, one line) for the words
# given, the cursor on the last one.
complete_line() {
  "${as_user[@]}" env -u DAEMONCTL_CONFIG_DIR "${extra_env[@]}" bash --norc --noprofile -c '
    source "$1" || exit 1
    shift
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _daemonctl daemonctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf "%s\n" "${COMPREPLY[@]}" | sort | paste -sd " "
  ' bash "$completion" "$@"
}

failures=0
# expect "WORDS..." "EXPECTED": the cursor at the end of the last word.
expect() {
  local expected=${!#} got
  got=$(complete_line "${@:1:$#-1}")
  if [[ $got != "$expected" ]]; then
    echo "FAIL: [${*:1:$#-1}] completes to '$got', expected '$expected'" >&2
    failures=$((failures + 1))
  fi
}

extra_env=()
as_user=()
# It loads silently, and registers itself.
loaded=$(bash --norc --noprofile -c 'source "$1" 2>&1; complete -p daemonctl' bash "$completion")
[[ $loaded == "complete -F _daemonctl daemonctl" ]] || {
  echo "FAIL: sourcing gives '$loaded'" >&2
  failures=$((failures + 1))
}

expect daemonctl '' 'check disable enable export help list logs reload restart signal start status stop'
expect daemonctl st 'start status stop'
expect daemonctl stop -- '--all --config-dir --dry-run --help --include-disabled --jobs --json --log-dir --quiet --state-dir --verbose --version'
expect daemonctl start --i '--include-disabled'
expect daemonctl enable -- '--config-dir --dry-run --help --json --log-dir --quiet --state-dir --verbose --version'
expect daemonctl logs -- '--config-dir --dry-run --follow --help --json --lines --log-dir --quiet --state-dir --verbose --version'
expect daemonctl -- '--config-dir --dry-run --help --json --log-dir --quiet --state-dir --verbose --version'
expect daemonctl status a --d '--dry-run'
expect daemonctl help '' 'check disable enable export help list logs reload restart signal start status stop'
expect daemonctl help st 'start status stop'
expect daemonctl help start '' ''
expect daemonctl --config-dir "$sandbox/conf" start '' 'a b'
expect daemonctl --config-dir "$sandbox/conf" start -j 2 '' 'a b'
expect daemonctl start --config-dir "$sandbox/conf" stop a '' 'a b'
expect daemonctl "--config-dir=$sandbox/conf" status '' 'a b'
# COMP_WORDBREAKS splits --config-dir=DIR into three words.
expect daemonctl --config-dir = "$sandbox/conf" restart b 'b'
expect daemonctl --config-dir "$sandbox/conf" signal '' 'a b'
expect daemonctl --config-dir "$sandbox/conf" signal a US 'USR1 USR2'
expect daemonctl --config-dir "$sandbox/conf" signal a sigu 'SIGURG SIGUSR1 SIGUSR2'
expect daemonctl --config-dir "$sandbox/conf" signal a T 'TERM TRAP TSTP TTIN TTOU'
expect daemonctl export '' 'systemd'
expect daemonctl --config-dir "$sandbox/conf" export systemd '' 'a b'
expect daemonctl --config-dir "$sandbox/conf" list '' ''
expect daemonctl --config-dir "$sandbox/" "$sandbox/conf $sandbox/cwd $sandbox/env"
# Paths of service files.
expect daemonctl start "$sandbox/conf/" "$sandbox/conf/.hidden.toml $sandbox/conf/a.toml $sandbox/conf/b.toml"
extra_env=("DAEMONCTL_CONFIG_DIR=$sandbox/env")
expect daemonctl start '' 'e'
expect daemonctl --config-dir "$sandbox/conf" check '' 'a b'
# enable offers the disabled services, disable the enabled ones; no files.
expect daemonctl --config-dir "$sandbox/conf" disable '' 'a b'
expect daemonctl --config-dir "$sandbox/conf" enable '' ''
mkdir "$sandbox/conf/disabled"
touch "$sandbox/conf/disabled/b" "$sandbox/conf/disabled/gone"
expect daemonctl --config-dir "$sandbox/conf" disable '' 'a'
expect daemonctl --config-dir "$sandbox/conf" enable '' 'b'
expect daemonctl --config-dir "$sandbox/conf" enable a '' 'b'
expect daemonctl --config-dir "$sandbox/conf" enable "$sandbox/conf/" ''
rm -r "$sandbox/conf/disabled"
# Without either, a user's folder: ${XDG_CONFIG_HOME:-~/.config}/daemonctl.
mkdir -p "$sandbox/xdg/daemonctl" "$sandbox/home/.config/daemonctl"
touch "$sandbox/xdg/daemonctl/x.toml" "$sandbox/home/.config/daemonctl/h.toml"
if [[ $(id -u) -eq 0 ]]; then
  # root's folder is /etc/daemonctl: neither of these.
  extra_env=("HOME=$sandbox/home" "XDG_CONFIG_HOME=$sandbox/xdg")
  got=$(complete_line daemonctl stop '')
  if [[ " $got " == *" x "* || " $got " == *" h "* ]]; then
    echo "FAIL: root completes '$got' from a user's folder" >&2
    failures=$((failures + 1))
  fi
  # The user's rule, as nobody.
  chmod -R a+rX "$sandbox"
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
extra_env=("HOME=$sandbox/home" "XDG_CONFIG_HOME=$sandbox/xdg")
expect daemonctl stop '' 'x'
extra_env=("HOME=$sandbox/home" "XDG_CONFIG_HOME=")
expect daemonctl stop '' 'h'
extra_env=("HOME=$sandbox/home" "XDG_CONFIG_HOME=relative")
expect daemonctl stop '' 'h'

if ((failures > 0)); then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "bash completion: all cases passed"
