#!/bin/sh
# Wall time and peak resident memory of one `assure validate` process over every R4 instance
# example (extracted by the extract_r4_examples example), three runs.
# Run from the workspace root: harness/devtools/scripts/r4-examples-wall.sh [folder]
set -eu
folder=${1:-/tmp/r4-examples}
target=${CARGO_TARGET_DIR:-target}
cargo build -q --release -p assure -p assure-devtools --example extract_r4_examples
[ -d "$folder" ] || "$target/release/examples/extract_r4_examples" "$folder"
for run in 1 2 3; do
    /usr/bin/time -f "run $run: %e s wall, %U s user, %S s system, peak RSS %M KiB" \
        "$target/release/assure" validate "$folder"/*.json >/dev/null 2>/tmp/r4-examples-wall.err || true
    tail -n 1 /tmp/r4-examples-wall.err
done
