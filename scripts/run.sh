#!/usr/bin/env bash
# README command 1: install what is needed, build, and run DocRoute's main job on Samples/:
# the identity pipeline over every labelled identity document, and the purchase-order
# pipeline over the purchase orders; one JSON record per line on stdout, a summary on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh >&2
swift build -c release --product docroute >&2
bin=.build/release/docroute
id=Samples/identity
"$bin" batch --pipeline identity --recursive "$id/png" "$id/jpeg" "$id/scanned-pdf" "$id/pdf" "$id/docx" "$id/xlsx" "$@"
"$bin" batch --pipeline purchase_order Samples/documents/purchase-order.pdf Samples/documents/purchase-order-scanned.pdf \
    Samples/documents/purchase-order-scan.tiff "$@"
