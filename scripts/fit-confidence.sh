#!/usr/bin/env bash
# Fits the shipped confidence model (issue 21): scores the labelled sets below with
# `eval --outcomes` into Calibration/outcomes/ (each value's evidence and whether it was right),
# then fits one logistic model across them with `fit-confidence`, which reports every set as
# held out of the fit and writes Sources/DocRouteExtraction/Confidence/ConfidenceModel+Shipped.swift.
# The fit from Calibration/outcomes/ is exact and tested; re-run this script when extraction
# changes what it finds. Needs the corpora in ../shared and `pip install reportlab==4.2.5 pillow`.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/docroute}
fd=../shared/corpora/fields-dev
out=Calibration/outcomes
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -f "$out"/*.jsonl
mkdir -p "$out"
eval_set() { # NAME DIR PIPELINE [eval options...]
    local name=$1 dir=$2 pipeline=$3
    shift 3
    "$bin" eval "$dir" --pipeline "$pipeline" --jobs 2 --outcomes "$out/$name.jsonl" --set "${SET:-$name}" "$@" > "$work/$name.txt"
    echo "$name: $(grep -c . "$out/$name.jsonl") records"
}
# Fresh generated sets (seeds no tuning used), read through the shipped pipelines and, for the
# cards, through the identity pipeline without its templates (labels only).
python3 Samples/make-identity-fresh.py 31337 "$work/cards" 40 > /dev/null
python3 Samples/make-invoices-fresh.py 31338 "$work/invoices" 30 > /dev/null
sed '/^templates:/,$d' Pipelines/identity.yaml > "$work/identity-labels.yaml"
eval_set cards-31337 "$work/cards" identity
eval_set cards-31337-labels "$work/cards" "$work/identity-labels.yaml"
eval_set invoices-31338 "$work/invoices" invoice
eval_set samples-identity Samples/identity identity
# Real documents nobody here made. Their truth lists only some fields: the others are not scored.
eval_set invoice2data "$fd/invoice2data" invoice --partial-truth
eval_set kleister-nda "$fd/kleister-nda" Calibration/pipelines/nda.yaml
eval_set docile "$fd/docile" invoice --partial-truth --truth Calibration/truth/docile.jsonl
for kind in invoice receipt identity; do
    SET=mindee eval_set "mindee-$kind" "$fd/mindee" "$kind" --partial-truth --truth "Calibration/truth/mindee-$kind.jsonl"
done
"$bin" fit-confidence "$out"/*.jsonl --write Sources/DocRouteExtraction/Confidence/ConfidenceModel+Shipped.swift
