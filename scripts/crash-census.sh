#!/usr/bin/env bash
# Crash census (issue 19): every file under the shared corpora through every shipped pipeline,
# in-process (so that a crash shows as a signal instead of a worker's `crashed` record),
# each in its own `docroute extract` process, so that a trap or a hang in one cannot hide
# the others. Prints one line per crash (signal) or hang (over the time bound), then a count;
# exits 1 when there was any. Each run gets `--timeout` at 60 % of the bound, so a slow file
# ends in its own typed `timeout` record and only a real hang (a loop the reader's deadline
# does not reach) meets the bound.
#
#   scripts/crash-census.sh [BINARY] [SECONDS] [FOLDER…]
#       (default: .build/release/docroute, 10 s, ../shared/corpora and Tests/Fixtures)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-.build/release/docroute}"; shift || true
bound="${1:-10}"; shift || true
folders=("$@")
[ ${#folders[@]} -gt 0 ] || folders=(../shared/corpora Tests/Fixtures)
[ -x "$bin" ] || { echo "crash-census: build first (swift build -c release)" >&2; exit 2; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
find "${folders[@]}" -type f -print0 | sort -z > "$out/files"
run() {  # $1 pipeline, $2 file: one line "code pipeline file" when it crashed or hung
  local code=0
  OMP_THREAD_LIMIT=1 timeout -s KILL "$bound" "$bin" extract --in-process --timeout "$inner" --pipeline "$1" "$2" \
    > /dev/null 2> "$out/err.$$.$BASHPID" || code=$?
  if [ "$code" -eq 137 ]; then
    echo "hang (over ${bound} s) $1 $2"
  elif [ "$code" -ge 128 ]; then
    echo "crash (signal $((code - 128))) $1 $2: $(grep -m1 -E 'Fatal error|runtime failure|error:' "$out/err.$$.$BASHPID" || true)"
  fi
  rm -f "$out/err.$$.$BASHPID"
}
export -f run
inner=$(python3 -c "print(max(1, round($bound * 0.6, 1)))")
export bin bound inner out
files=$(tr -cd '\0' < "$out/files" | wc -c)
for p in Pipelines/*.yaml; do
  # (the shell's own "Killed" notices go to /dev/null; run reports what it saw)
  xargs -0 -P 2 -I{} bash -c 'run "$0" "$1"' "$p" {} < "$out/files" 2> /dev/null
done | tee "$out/found"
n=$(wc -l < "$out/found")
echo "crash-census: $files files × $(ls Pipelines/*.yaml | wc -l) pipelines: $n crashes or hangs"
[ "$n" -eq 0 ]
