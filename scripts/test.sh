#!/usr/bin/env bash
# README command 2: install what is needed and run the tests (real Tesseract, poppler, libxml2;
# the shared corpora at ../shared/corpora). Tests run one at a time so that the per-file time
# bounds they check are not inflated by other tests running beside them. Then the regression
# gate: `docroute eval` on Samples/identity must keep field F1 at or above the floors below.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests
swift test --skip-build --no-parallel
scripts/eval-gate.sh .build/debug/docroute
