#!/bin/sh
# Wall time and peak resident memory of `assure validate` and of a script using
# @medplum/core's validateResource (bench/medplum), each validating every R4 instance example
# in one process, side by side. Installs @medplum/core (the exact version bench/medplum/package.json
# pins) on first use, so CI does not run it.
#
# Usage: bench/compare-medplum.sh [runs]   (default 3 runs each; RUNS may also be set)
# Environment: R4_EXAMPLES (corpus folder, default /tmp/r4-examples), CARGO_TARGET_DIR.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-${RUNS:-3}}
folder=${R4_EXAMPLES:-/tmp/r4-examples}
target=${CARGO_TARGET_DIR:-$root/target}
medplum="$root/bench/medplum"
cd "$root"

for tool in node npm; do
    command -v "$tool" >/dev/null || { echo "$tool is needed for the medplum side" >&2; exit 2; }
done

echo "building the release assure and the corpus extractor..."
cargo build -q --release -p assure -p assure-devtools --example extract_r4_examples
if [ ! -d "$folder" ] || [ -z "$(ls "$folder" 2>/dev/null)" ]; then
    "$target/release/examples/extract_r4_examples" "$folder"
fi
if [ ! -d "$medplum/node_modules/@medplum/core" ]; then
    echo "installing @medplum/core into bench/medplum/node_modules..."
    (cd "$medplum" && npm install --loglevel=error)
fi

count=$(ls "$folder"/*.json | wc -l)
echo "corpus: $count files in $folder; node $(node --version); $runs runs each"
assure_cmd="$target/release/assure validate $folder/*.json"
medplum_cmd="node $medplum/validate.mjs $folder/*.json"

# What each side concludes, once (assure exits 1 when a file has errors).
$assure_cmd --format json 2>/dev/null | node -e '
    let s = "";
    process.stdin.on("data", d => (s += d)).on("end", () => {
        const files = JSON.parse(s);
        const invalid = files.filter(f => !f.valid).length;
        console.log(`assure: ${files.length} files: ${files.length - invalid} valid, ${invalid} invalid`);
    });' || true
$medplum_cmd 2>/dev/null | tail -n 1

if command -v hyperfine >/dev/null; then
    hyperfine --warmup 1 --runs "$runs" --ignore-failure \
        --command-name assure "$assure_cmd" \
        --command-name medplum "$medplum_cmd"
fi

# Wall time, CPU time (user + system) and peak RSS from /usr/bin/time, runs alternating.
times=$(mktemp)
trap 'rm -f "$times"' EXIT
i=0
while [ "$i" -lt "$runs" ]; do
    for side in assure medplum; do
        if [ "$side" = assure ]; then cmd=$assure_cmd; else cmd=$medplum_cmd; fi
        /usr/bin/time -f "$side %e %M %U %S" -a -o "$times" sh -c "$cmd" >/dev/null 2>&1 || true
    done
    i=$((i + 1))
done
awk '
    { wall[$1] += $2; rss[$1] += $3; cpu[$1] += $4 + $5; n[$1]++ }
    END {
        printf "%-8s %9s %9s %15s   (/usr/bin/time, mean of %d runs)\n", "", "wall (s)", "CPU (s)", "peak RSS (MiB)", n["assure"]
        split("assure medplum", order, " ")
        for (k = 1; k <= 2; k++) {
            s = order[k]
            printf "%-8s %9.2f %9.2f %15.1f\n", s, wall[s] / n[s], cpu[s] / n[s], rss[s] / n[s] / 1024
        }
        printf "medplum / assure: %.1fx the wall time, %.1fx the CPU time, %.1fx the peak RSS\n",
            wall["medplum"] / wall["assure"], cpu["medplum"] / cpu["assure"], rss["medplum"] / rss["assure"]
    }' "$times"
