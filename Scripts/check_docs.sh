#!/usr/bin/env bash
# Builds the DocC documentation of Apus and ApusVision and fails on any DocC warning (a broken or
# ambiguous link, an undocumented parameter next to documented ones, a snippet slice that does not
# exist) and on any public symbol without a doc comment, listing each one.
#
#   Scripts/check_docs.sh [output-directory]     (default: .build-docs/archives)
#
# The archives it leaves there open with any static web server (see the README's Documentation).
# Symbol graphs are extracted with every package trait enabled, so the MPI trait's CMPI module needs
# Open MPI's headers (libopenmpi-dev); the script installs them with apt-get when they are missing.
# It builds in its own scratch path, so the ordinary .build directory is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."

output="${1:-.build-docs/archives}"
mkdir -p "$output"

if ! pkg-config --exists ompi-c; then
    echo "== installing Open MPI's headers (the MPI trait's module is part of the symbol graphs)"
    apt-get update -qq && apt-get install -y -qq libopenmpi-dev > /dev/null
fi

status=0
for target in Apus ApusVision; do
    echo "== DocC: $target"
    archive="$output/$target.doccarchive"
    # --experimental-skip-synthesized-symbols leaves out what the compiler and the standard library
    # add (Equatable's !=, Sequence's map and filter on DataLoader, ...): not Apus's to document.
    if ! swift package --scratch-path .build-docs --allow-writing-to-directory "$output" \
            generate-documentation --target "$target" --output-path "$archive" --warnings-as-errors \
            --experimental-skip-synthesized-symbols \
            --experimental-documentation-coverage --coverage-summary-level brief > "$output/$target.log" 2>&1; then
        # The build's own output, without the compiler's progress lines.
        grep -v '^\[[0-9]*/[0-9]*\]' "$output/$target.log" | tail -n 60
        echo "error: DocC failed for $target (warnings are errors; full log in $output/$target.log)"
        status=1
        continue
    fi
    sed -n '/Abstract/,/^Globals/p' "$output/$target.log"
    python3 - "$archive/documentation-coverage.json" "$target" <<'PY' || status=1
import json, sys

path, target = sys.argv[1], sys.argv[2]
entries = json.load(open(path))
symbols = [e for e in entries if e["kind"]["isSymbol"]]
missing = sorted(e["referencePath"].split("/documentation/", 1)[1] for e in symbols if not e["hasAbstract"])
if missing:
    print(f"error: {len(missing)} of {len(symbols)} public symbols of {target} have no documentation:")
    for name in missing:
        print("  " + name)
    sys.exit(1)
print(f"{target}: all {len(symbols)} public symbols documented")
PY
done
exit $status
