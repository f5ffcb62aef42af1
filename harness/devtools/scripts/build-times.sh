#!/usr/bin/env bash
# Times an incremental build of the `assure` binary after a one-line change in one file of each
# crate, in the debug and release profiles. Run from a checkout's root after a full build of
# both profiles; each change is a comment line appended to the file and undone afterwards.
#
#   harness/devtools/scripts/build-times.sh CRATE_FILE...   (default: one file per crate)
#
# PROFILES="debug" (or "release") limits the profiles timed (default: both).
#
# Prints one line per file and profile: seconds, the file.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"

files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  files=(
    harness/model/src/issue.rs
    harness/fhirpath/src/temporal.rs
    harness/validate/src/validator/binding.rs
    harness/reference/src/nhs_number.rs
    harness/cli/src/display/line.rs
  )
fi

for profile in ${PROFILES:-debug release}; do
  flag=""
  [ "$profile" = release ] && flag="--release"
  cargo build -q -p assure $flag
  for file in "${files[@]}"; do
    [ -f "$file" ] || { echo "no such file: $file" >&2; exit 2; }
    cp "$file" "$file.orig"
    echo "// one-line change" >> "$file"
    start=$(date +%s.%N)
    cargo build -q -p assure $flag
    end=$(date +%s.%N)
    mv "$file.orig" "$file"
    printf '%s\t%.1f s\t%s\n' "$profile" "$(echo "$end - $start" | bc)" "$file"
    cargo build -q -p assure $flag
  done
done
