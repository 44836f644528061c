#!/usr/bin/env bash
# Makes the detector's negative fixtures with real producers: LibreOffice headless writes the
# legacy OLE2 .doc and .xls; Python's zipfile writes a ZIP that is not OOXML. Needs
# libreoffice-writer-nogui and libreoffice-calc-nogui (Debian) and Samples/documents.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
samples="$here/../../Samples/documents"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
HOME="$tmp" soffice --headless --convert-to doc:"MS Word 97" --outdir "$tmp" "$samples/employee-form.docx" >/dev/null
HOME="$tmp" soffice --headless --convert-to xls:"MS Excel 97" --outdir "$tmp" "$samples/orders.xlsx" >/dev/null
cp "$tmp/employee-form.doc" "$here/legacy-word.doc"
cp "$tmp/orders.xls" "$here/legacy-excel.xls"
python3 - "$here/plain.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("readme.txt", "Just a ZIP archive, not an Office document.\n")
    z.writestr("data/values.csv", "a,b\n1,2\n")
PY
printf 'This plain text file is not a supported document format.\n' > "$here/notes.txt"
