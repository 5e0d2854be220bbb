# bash completion for daemonctl(1)
#
# Completes commands (help's COMMAND too), options (the global ones before
# or after the command), signal names, the export formats, and SERVICE
# arguments: the names of the *.toml files in the config folder (for enable,
# the disabled ones only; for disable, the enabled ones), chosen as
# daemonctl chooses it (--config-dir, else $DAEMONCTL_CONFIG_DIR, else
# /etc/daemonctl for root, else ${XDG_CONFIG_HOME:-~/.config}/daemonctl),
# and paths of .toml files. Needs only bash: bash-completion's helpers are
# not used, so it works without that package too.

# The config folder named by the words of the command line ($@), or the
# default one, on stdout.
_daemonctl_config_dir() {
  local i word dir=
  for ((i = 1; i <= $#; i++)); do
    word=${!i}
    case $word in
      --config-dir=*) dir=${word#--config-dir=} ;;
      --config-dir)
        ((i++))
        word=${!i-}
        # COMP_WORDBREAKS splits "--config-dir=DIR" into three words.
        if [[ $word == = ]]; then
          ((i++))
          word=${!i-}
        fi
        dir=$word
        ;;
    esac
  done
  # The line holds the word as typed: expand a leading ~ as the shell would.
  [[ $dir == '~' || $dir == '~/'* ]] && dir=$HOME${dir#\~}
  if [[ -n $dir ]]; then
    printf '%s\n' "$dir"
  elif [[ -n ${DAEMONCTL_CONFIG_DIR-} ]]; then
    printf '%s\n' "$DAEMONCTL_CONFIG_DIR"
  elif ((EUID == 0)); then
    printf '%s\n' /etc/daemonctl
  elif [[ ${XDG_CONFIG_HOME-} == /* ]]; then
    printf '%s\n' "$XDG_CONFIG_HOME/daemonctl"
  else
    printf '%s\n' "${HOME-}/.config/daemonctl"
  fi
}

# The service names of folder $1, one a line: its *.toml files without the
# suffix, those starting with a dot skipped, as daemonctl does.
_daemonctl_service_names() {
  local file name
  for file in "$1"/*.toml; do
    [[ -f $file ]] || continue
    name=${file##*/}
    name=${name%.toml}
    [[ -n $name && $name != .* ]] && printf '%s\n' "$name"
  done
}

# The service names of folder $1 that are disabled ($2 = disabled: a marker
# in $1/disabled/) or not ($2 = enabled), one a line.
_daemonctl_service_names_by_state() {
  local name marked
  while IFS= read -r name; do
    marked=enabled
    [[ -e $1/disabled/$name || -L $1/disabled/$name ]] && marked=disabled
    [[ $marked == "$2" ]] && printf '%s\n' "$name"
  done < <(_daemonctl_service_names "$1")
}

# Adds to COMPREPLY the services that match $1: names from the config folder
# of the line, then .toml files and folders (to reach .toml files).
_daemonctl_add_services() {
  local cur=$1 dir
  dir=$(_daemonctl_config_dir "${COMP_WORDS[@]}")
  local found
  # One match a line, read whole: no word splitting, no globbing of names
  # that hold * ? [.
  if [[ $cur != */* ]]; then
    mapfile -t found < <(compgen -W "$(_daemonctl_service_names "$dir")" -- "$cur")
    COMPREPLY+=("${found[@]}")
  fi
  mapfile -t found < <(compgen -f -X '!*.toml' -- "$cur"; compgen -d -- "$cur")
  COMPREPLY+=("${found[@]}")
  # Folders get a "/" and no space, so that the path can go on.
  compopt -o filenames 2>/dev/null
}

_daemonctl() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  local global_opts='-v --verbose -q --quiet --json --dry-run --state-dir --log-dir --config-dir -h --help --version'
  local commands='start stop restart reload signal status list check logs export enable disable help'
  COMPREPLY=()

  # "--config-dir=DIR" may come as one word or as three ("--config-dir" "=" "DIR").
  local before=
  ((COMP_CWORD > 1)) && before=${COMP_WORDS[COMP_CWORD - 2]}
  if [[ $cur == = && ($prev == --config-dir || $prev == --state-dir || $prev == --log-dir) ]]; then
    cur=
  elif [[ $prev == = && ($before == --config-dir || $before == --state-dir || $before == --log-dir) ]]; then
    prev=$before
  elif [[ $cur == --config-dir=* || $cur == --state-dir=* || $cur == --log-dir=* ]]; then
    prev=${cur%%=*}
    cur=${cur#*=}
  fi
  case $prev in
    --config-dir | --state-dir | --log-dir)
      local IFS=$'\n'
      COMPREPLY=($(compgen -d -- "$cur"))
      compopt -o filenames 2>/dev/null
      return 0
      ;;
    -j | --jobs | -n | --lines) return 0 ;;
  esac

  # The command, and how many positional words follow it before the cursor.
  local i word command= args=0
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    case $word in
      --config-dir | --state-dir | --log-dir | -j | --jobs | -n | --lines)
        [[ ${COMP_WORDS[i + 1]-} == = ]] && ((i++))
        ((i++))
        ;;
      = | -*) ;;
      *)
        if [[ -z $command ]]; then command=$word; else ((args++)); fi
        ;;
    esac
  done

  if [[ $cur == -* ]]; then
    local opts=
    case $command in
      start | restart) opts='-a --all --include-disabled --with-deps -j --jobs' ;;
      stop) opts='-a --all --include-disabled -j --jobs' ;;
      reload) opts='-a --all --include-disabled --group' ;;
      signal) opts='--group' ;;
      status) opts='-a --all --include-disabled' ;;
      check) opts='-a --all --include-disabled --strict' ;;
      logs) opts='-n --lines -f --follow' ;;
    esac
    COMPREPLY=($(compgen -W "$global_opts $opts" -- "$cur"))
    return 0
  fi

  case $command in
    '') COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
    list) ;;
    help) ((args == 0)) && COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
    signal)
      if ((args == 0)); then
        _daemonctl_add_services "$cur"
      elif ((args == 1)); then
        local signals='HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM
          STKFLT CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO POLL PWR SYS
          RTMIN RTMAX'
        # daemonctl takes SIGTERM as well as TERM, in any case.
        if [[ ${cur^^} == S* ]]; then signals+=" $(printf 'SIG%s ' $signals)"; fi
        COMPREPLY=($(compgen -W "$signals" -- "${cur^^}"))
      fi
      ;;
    logs) ((args == 0)) && _daemonctl_add_services "$cur" ;;
    enable | disable)
      # Names only: they take no file.
      local state=enabled found
      [[ $command == enable ]] && state=disabled
      mapfile -t found < <(compgen -W "$(_daemonctl_service_names_by_state \
        "$(_daemonctl_config_dir "${COMP_WORDS[@]}")" $state)" -- "$cur")
      COMPREPLY=("${found[@]}")
      ;;
    export)
      if ((args == 0)); then
        COMPREPLY=($(compgen -W 'systemd' -- "$cur"))
      elif ((args == 1)); then
        _daemonctl_add_services "$cur"
      fi
      ;;
    *) _daemonctl_add_services "$cur" ;;
  esac
  return 0
}

complete -F _daemonctl daemonctl
