#!/usr/bin/env bash
# The scaling figures of BENCHMARKS.md ("Distributed training"): `apus bench --distributed` with
# 1 rank x 2 threads and 2 ranks x 1 thread, each run `runs` times (default 3); prints the best
# figure of each row (the highest samples/s or GB/s), which is the least disturbed by other load.
# Needs the MPI build: swift build -c release --traits MPI --scratch-path .build-mpi
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
apus="$(swift build -c release --traits MPI --scratch-path .build-mpi --show-bin-path)/apus"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
for layout in "1 2" "2 1"; do
    read -r ranks threads <<< "$layout"
    echo "# $ranks rank(s) x $threads thread(s), best of $runs runs"
    for _ in $(seq "$runs"); do
        APUS_NUM_THREADS=$threads mpirun -np "$ranks" --oversubscribe --bind-to none "$apus" bench --distributed | grep -v '^#'
    done | awk '{ v = $2 + 0; if (!($1 in best) || v > best[$1]) best[$1] = v; unit[$1] = $3; order[$1] = order[$1] ? order[$1] : ++n }
               END { for (k in order) rows[order[k]] = k; for (i = 1; i <= n; i++) printf "%-30s %12.2f  %s\n", rows[i], best[rows[i]], unit[rows[i]] }'
done
