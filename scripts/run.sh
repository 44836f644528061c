#!/usr/bin/env bash
# README command 1: install what is needed, build, and run DocRoute's main job on Samples/.
# For now (issue 2) the main job is `docroute inspect`: one JSON object per document.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh >&2
swift build -c release --product docroute >&2
exec .build/release/docroute inspect --jobs 2 Samples/documents "$@"
