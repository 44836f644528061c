#!/usr/bin/env bash
# Throughput of the PostgreSQL job queue (issue 25): COUNT generated identity-card scans (OCR,
# the expensive kind) read by 1, 2 and 4 `docroute worker` processes (one job each) on a
# throwaway PostgreSQL on loopback, against `docroute batch --jobs 1` and `--jobs 2` on the same
# files. Queue time is from the first claim to the last job written (workers already started);
# batch time is the command's. The per-job overhead is each job's time from claim to records
# written minus its record's own `timings_ms.total`: writing the input out, the worker process
# exchange, and the transaction that writes the records.
#
#   scripts/bench-queue.sh [COUNT] [SEED]     (default: 60 cards, seed 2501)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-60}"; seed="${2:-2501}"
swift build -c release --product docroute >/dev/null 2>&1 || swift build -c release --product docroute
bin="$PWD/.build/release/docroute"
work="$(mktemp -d)"
url="$(scripts/postgres start auto)"
pg_port="${url##*:}"; pg_port="${pg_port%%/*}"
trap 'pkill -f "docroute worker --postgres ${url%/*}/" || true; scripts/postgres stop "$pg_port"; rm -rf "$work"' EXIT
python3 Samples/make-identity-stream.py "$seed" "$work/docs" "$count" mixed >/dev/null
docs="$work/docs/png"
n=$(ls "$docs" | wc -l)
now() { date +%s.%N; }
for jobs in 1 2; do
  t0=$(now); "$bin" batch "$docs" --pipeline identity --jobs "$jobs" --quiet --out "$work/batch$jobs.jsonl" 2>/dev/null || true; t1=$(now)
  b=$(echo "$t1 - $t0" | bc)
  eval "batch$jobs=$b"
  echo "batch --jobs $jobs: $n documents in ${b}s: $(echo "scale=2; $n / $b" | bc) documents/s"
done
for workers in 1 2 4; do
  db="bench_$workers"
  psql -q "$url" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
  u="${url%/*}/$db"
  "$bin" db migrate --postgres "$u" >/dev/null
  pids=()
  for w in $(seq "$workers"); do
    "$bin" worker --postgres "$u" --pipeline identity --jobs 1 2>"$work/worker-$workers-$w.log" &
    pids+=($!)
  done
  sleep 2  # started and idle: the time measured is the queue's, not the start-up
  "$bin" enqueue "$docs" --pipeline identity --postgres "$u" >/dev/null 2>&1
  while [ "$(psql -tA "$u" -c "SELECT count(*) FROM docroute_jobs WHERE state IN ('queued', 'running')")" != 0 ]; do
    sleep 0.2
  done
  kill -TERM "${pids[@]}"; wait "${pids[@]}" || true
  psql -tA -F ' ' "$u" -c "
    SELECT count(*), extract(epoch FROM max(finished_at) - min(started_at)),
           avg(extract(epoch FROM j.finished_at - j.started_at) * 1000 - (r.record->'timings_ms'->>'total')::float)
    FROM docroute_jobs j JOIN docroute_results r ON r.job_id = j.id" | {
    read -r done secs overhead
    echo "queue, $workers worker(s): $done documents in ${secs}s: $(echo "scale=2; $done / $secs" | bc) documents/s; overhead per job $(printf %.1f "$overhead") ms"
    echo "$secs" > "$work/queue$workers"
  }
done
q1=$(cat "$work/queue1"); q2=$(cat "$work/queue2")
echo "2 workers against 1: $(echo "scale=2; $q1 / $q2" | bc)x; 1 worker against batch --jobs 1: $(echo "scale=3; $batch1 / $q1" | bc) of its throughput; 2 against batch --jobs 2: $(echo "scale=3; $batch2 / $q2" | bc)"
