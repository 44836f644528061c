#!/usr/bin/env bash
# Throughput of `docroute watch --once` against `docroute batch` on the same files with the
# same --jobs (issue 5: the daemon must reach 90% of batch). Each run gets a fresh copy of the
# files (dated a minute back, so the daemon's settle time does not apply) and includes process
# start-up; the daemon's run also hashes, keeps its SQLite state (WAL, fsync per transition),
# writes one fsynced record file per document and moves each input to done/.
#
#   scripts/bench-watch.sh [JOBS] [FOLDER…]    (default: 2, every file of Samples/identity)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${1:-2}"; shift || true
folders=("$@")
[ ${#folders[@]} -gt 0 ] || folders=(Samples/identity/png Samples/identity/jpeg Samples/identity/scanned-pdf
                                     Samples/identity/pdf Samples/identity/docx Samples/identity/xlsx)
swift build -c release >/dev/null 2>&1 || swift build -c release
bin=.build/release/docroute
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
copy() {  # copy the files, flat, into $1
  mkdir -p "$1"
  for f in $(find "${folders[@]}" -type f | sort); do cp "$f" "$1/$(echo "$f" | tr / _)"; done
  touch -d '1 minute ago' "$1"/*
}
now() { date +%s.%N; }
best_batch=""; best_watch=""
for round in 1 2 3; do
  rm -rf "$work"/*
  copy "$work/batch"
  t0=$(now); "$bin" batch "$work/batch" --pipeline identity --jobs "$jobs" --quiet --out "$work/batch.jsonl" 2>/dev/null || true; t1=$(now)
  copy "$work/inbox"
  t2=$(now); "$bin" watch "$work/inbox" --pipeline identity --jobs "$jobs" --once --out "$work/records" 2>/dev/null; t3=$(now)
  b=$(echo "$t1 - $t0" | bc); w=$(echo "$t3 - $t2" | bc)
  n=$(ls "$work/batch" | wc -l); r=$(ls "$work/records" | wc -l); d=$(ls "$work/inbox/done" | wc -l)
  echo "round $round: $n files; batch ${b}s; watch ${w}s ($r record files, $d inputs in done/)"
  best_batch=$(echo "$b $best_batch" | tr ' ' '\n' | grep . | sort -g | head -1)
  best_watch=$(echo "$w $best_watch" | tr ' ' '\n' | grep . | sort -g | head -1)
done
echo "best of 3 (--jobs $jobs): batch ${best_batch}s, watch ${best_watch}s, watch/batch throughput = $(echo "scale=3; $best_batch / $best_watch" | bc)"
