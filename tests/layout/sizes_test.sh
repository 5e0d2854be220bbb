#!/usr/bin/env bash
# sizes_test.sh SRC_DIR: no function of src/ over 60 lines, no C++ file
# (.cpp, .h) over 400. A function is measured by ctags (universal-ctags),
# from its first line to its closing brace, comments and blank lines
# included; so is one defined in a class.
set -uo pipefail
src=$1
max_function=60
max_file=400

# Files allowed over the limits for now, each with why.
exceptions=()

if ! command -v ctags >/dev/null; then
  echo "FAIL: ctags not found (scripts/deps --test installs universal-ctags)"
  exit 1
fi
excepted() {
  local e
  for e in "${exceptions[@]}"; do [[ $1 == "$e" ]] && return 0; done
  return 1
}

failed=0
functions=0
while IFS='|' read -r first last name file; do
  file=${file#./}
  ((functions++))
  if [[ -z $last ]]; then
    echo "FAIL: src/$file:$first: ctags found no end for $name"
    failed=1
  elif ((last - first + 1 > max_function)) && ! excepted "$file"; then
    echo "FAIL: src/$file:$first: $name is $((last - first + 1)) lines (at most $max_function)"
    failed=1
  fi
done < <(cd "$src" && ctags -R --languages=C++ --fields=+ne --c++-kinds=f -x --_xformat='%{line}|%{end}|%N|%F' .)
if ((functions == 0)); then
  echo "FAIL: ctags found no function in $src"
  exit 1
fi

files=0
while IFS= read -r path; do
  file=${path#"$src"/}
  ((files++))
  lines=$(wc -l <"$path")
  if ((lines > max_file)) && ! excepted "$file"; then
    echo "FAIL: src/$file is $lines lines (at most $max_file)"
    failed=1
  fi
done < <(find "$src" -type f \( -name '*.cpp' -o -name '*.h' \) | sort)

((failed)) || echo "ok: $functions functions of at most $max_function lines, $files files of at most $max_file (exceptions: ${exceptions[*]})"
exit $failed
