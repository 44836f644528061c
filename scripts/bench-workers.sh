#!/usr/bin/env bash
# Cost of running documents in worker processes (issue 19).
#  1. Wall time of `batch` over Samples/ (every document, recursively) with worker processes
#     against --in-process, same --jobs, five alternating rounds; the medians and the overhead.
#  2. The supervisor's resident memory over a long stream: COUNT documents (hard links to a
#     text PDF, a DOCX and an XLSX of Samples/identity, so no OCR time dominates), sampled
#     five times a second against the number of records written so far.
#
#   scripts/bench-workers.sh [JOBS] [COUNT]     (default: 2, 5000)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${1:-2}"; count="${2:-5000}"
swift build -c release >/dev/null 2>&1 || swift build -c release
bin=.build/release/docroute
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
: > "$work/workers"; : > "$work/inproc"
for round in 1 2 3 4 5; do
  t0=$(now); "$bin" batch Samples --recursive --pipeline identity --jobs "$jobs" --quiet > /dev/null 2>&1 || true; t1=$(now)
  "$bin" batch Samples --recursive --pipeline identity --jobs "$jobs" --quiet --in-process > /dev/null 2>&1 || true; t2=$(now)
  echo "$t1 - $t0" | bc -l >> "$work/workers"
  echo "$t2 - $t1" | bc -l >> "$work/inproc"
done
w=$(median < "$work/workers"); i=$(median < "$work/inproc")
docs=$(find Samples -type f | wc -l)
printf 'batch Samples (%d files, --jobs %d), median of 5: workers %.2f s, in-process %.2f s, overhead %+.1f %%\n' \
  "$docs" "$jobs" "$w" "$i" "$(echo "($w - $i) * 100 / $i" | bc -l)"
"$bin" batch Samples/identity/docx --pipeline identity --jobs "$jobs" 2>&1 >/dev/null | grep '^workers:' || true

mkdir "$work/many"
src=(Samples/identity/pdf/record-01-person03.pdf Samples/identity/docx/hr-check-01-person06.docx Samples/identity/xlsx/visitor-1-person08.xlsx)
for n in $(seq 1 "$count"); do
  f="${src[$((n % 3))]}"; ln "$f" "$work/many/$(printf '%05d' "$n").${f##*.}"
done
"$bin" batch "$work/many" --pipeline identity --jobs "$jobs" --out "$work/many.jsonl" > /dev/null 2> "$work/many.err" &
pid=$!
: > "$work/rss"
while kill -0 "$pid" 2> /dev/null; do
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2> /dev/null || true)
  done_docs=0; [ -f "$work/many.jsonl" ] && done_docs=$(wc -l < "$work/many.jsonl")
  [ -n "$rss" ] && echo "$done_docs $rss" >> "$work/rss"
  sleep 0.2
done
wait "$pid" || true
records=$(wc -l < "$work/many.jsonl")
grep '^workers:' "$work/many.err" || true
echo "supervisor RSS over $records documents (records written → RSS):"
awk -v c="$count" 'BEGIN {step = c / 5; next_at = step}
  { last = $0; if ($1 >= next_at) { printf "  %6d docs: %6.1f MiB\n", $1, $2 / 1024; next_at += step } if ($2 > max) max = $2 }
  END { split(last, l, " "); printf "  end %6d docs: %6.1f MiB; peak %.1f MiB\n", l[1], l[2] / 1024, max / 1024 }' "$work/rss"
