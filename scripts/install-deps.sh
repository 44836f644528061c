#!/usr/bin/env bash
# Installs the system libraries DocRoute builds against and the OCR data it reads, from
# Debian's packages. Retries while another process holds apt's lock. Needs root (or sudo).
# tesseract-ocr-script-latn is the `Latin` model Pipelines/identity.yaml re-reads values with
# (`ocr.values`); a pipeline naming another model needs its package added here.
set -euo pipefail
packages=(libtesseract-dev libleptonica-dev libpoppler-glib-dev libcairo2-dev libxml2-dev
          tesseract-ocr tesseract-ocr-eng tesseract-ocr-script-latn libsqlite3-dev pkg-config
          poppler-utils)
# With arguments: those packages instead (scripts/llm-server asks for cmake).
[ $# -gt 0 ] && packages=("$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  if $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q \
     && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; then
    exit 0
  fi
  echo "apt-get failed (attempt $attempt; apt may be locked by another process); retrying in 10 s" >&2
  sleep 10
done
echo "could not install: ${missing[*]}" >&2
exit 1
