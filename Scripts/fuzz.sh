#!/usr/bin/env bash
# Fuzzes Apus's readers of untrusted files with libFuzzer: Swift's -sanitize=fuzzer with
# AddressSanitizer, on Linux. The targets are the executables of the Fuzz/ package (one per reader);
# each runs for SECONDS from its seed corpus (Fuzz/corpus/<target>/ and the test fixtures of its
# format), then prints executions, corpus size and peak memory. Any crash, sanitizer report,
# leak, 10-second input or allocation over 2 GB stops that target, keeps the input under
# .build-fuzz/artifacts/<target>/ and makes the script exit 1.
#
# Usage: Scripts/fuzz.sh [SECONDS] [TARGET...]
#   Scripts/fuzz.sh                 # every target for 60 s (the full run)
#   Scripts/fuzz.sh 20              # every target for 20 s (what .ci/run does)
#   Scripts/fuzz.sh 300 FuzzCSV     # one target for longer
#   .build-fuzz/release/FuzzCSV .build-fuzz/artifacts/FuzzCSV/crash-…   # replay a finding
#
# A finding becomes a regression test: copy the input to Tests/ApusTests/Fixtures/fuzz/<target>/
# (FuzzRegressionTests feeds every file there to the same reader), then fix the reader.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
# The targets of Fuzz/Package.swift.
all=(FuzzIDX FuzzGzip FuzzSafetensors FuzzCSV FuzzPNG FuzzJPEG FuzzPth)
if [ "$#" -gt 0 ]; then targets=("$@"); else targets=("${all[@]}"); fi

scratch=.build-fuzz
flags=(-c release --package-path Fuzz --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing)
echo "== building the fuzz targets (release, -sanitize=fuzzer,address)"
swift build "${flags[@]}" 2>&1 | grep -v "warning:" | tail -n 3
bin="$(swift build "${flags[@]}" --show-bin-path)"

fixtures=Tests/ApusTests/Fixtures
seeds() {
    case "$1" in
        FuzzGzip) echo "$fixtures/gzip" ;;
        FuzzSafetensors) echo "$fixtures" ;;  # torch_*.safetensors (libFuzzer reads the other files too: harmless seeds)
        FuzzPNG) echo "$fixtures/images/png $fixtures/segmentation" ;;  # images, and masks (palette, grey)
        FuzzJPEG) echo "$fixtures/images/jpeg" ;;
        FuzzPth) echo "$fixtures/pth" ;;  # valid checkpoints and hostile ones (os.system, huge shapes, zip64)
        *) ;;
    esac
}

status=0
for target in "${targets[@]}"; do
    work="$scratch/corpus/$target"
    artifacts="$scratch/artifacts/$target/"
    log="$scratch/$target.log"
    mkdir -p "$work" "$artifacts"
    extra=()
    [ -d "Fuzz/corpus/$target" ] && extra+=("Fuzz/corpus/$target")
    for dir in $(seeds "$target"); do extra+=("$dir"); done
    echo "== $target for ${seconds} s"
    if "$bin/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
            -artifact_prefix="$artifacts" "$work" "${extra[@]}" > "$log" 2>&1; then
        runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
        rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
        rss=$(grep -o 'stat::peak_rss_mb: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
        units=$(find "$work" -type f | wc -l | tr -d ' ')
        echo "$target: no findings in ${seconds} s: $runs executions ($rate/s), corpus $units inputs, peak RSS $rss MB"
    else
        echo "$target: FINDING (input kept in $artifacts; full log $log):"
        grep -E "ERROR|Fatal error|SUMMARY|deadly signal|Test unit written|out-of-memory|timeout" "$log" | head -n 20
        status=1
    fi
done
exit "$status"
