#!/usr/bin/env bash
# The layers of ARCHITECTURE.md, checked: (1) every target imports only modules it names as
# dependencies in Package.swift (SwiftPM would let it import any module built before it, such
# as a dependency's dependency); (2) a reach-back does not compile: a copy of the package whose
# model imports the extraction layer is built, and must fail with "no such module".
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .build
swift package dump-package > .build/package.json
python3 - <<'PY'
import json, re, glob, sys
pkg = json.load(open('.build/package.json'))
# Modules every target may import: the toolchain's.
system = {'Foundation', 'FoundationNetworking', 'Glibc', 'Synchronization', 'Testing', 'Dispatch', 'XCTest'}
bad = 0
for t in pkg['targets']:
    if t['type'] not in ('regular', 'executable', 'test'):
        continue
    allowed = {t['name']} | system
    for d in t['dependencies']:
        kind = next(iter(d))
        allowed.add(d[kind][0])
    folder = ('Tests/' if t['type'] == 'test' else 'Sources/') + t['name']
    for path in sorted(glob.glob(folder + '/**/*.swift', recursive=True)):
        for n, line in enumerate(open(path), 1):
            m = re.match(r'^(?:@testable )?import (?:struct |class |enum |func |protocol )?(\w+)', line)
            if m and m.group(1) not in allowed:
                print(f'{path}:{n}: {t["name"]} imports {m.group(1)}, which it does not name as a dependency')
                bad += 1
if bad:
    sys.exit(1)
print('check-layers: every target imports only what Package.swift lets it')
PY
# (2) A deliberate reach-back, built in a copy (the working tree is not touched) with its own
# scratch folder, kept between runs: only the model's dependency (Yams) is built there.
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
git ls-files -z Package.swift Sources "Tests/*.swift" | xargs -0 cp --parents -t "$copy"
printf 'import DocRouteExtraction\n\nlet reachBack = Router.self\n' > "$copy/Sources/DocRouteModel/ReachBack.swift"
if out=$(swift build --package-path "$copy" --scratch-path "$PWD/.build-layers" --target DocRouteModel 2>&1); then
    echo "check-layers: the model importing the extraction layer compiled" >&2
    exit 1
fi
if ! grep -q "no such module 'DocRouteExtraction'" <<< "$out"; then
    echo "check-layers: the reach-back failed for another reason:" >&2
    echo "$out" | tail -20 >&2
    exit 1
fi
echo "check-layers: the model importing the extraction layer does not compile (no such module)"
