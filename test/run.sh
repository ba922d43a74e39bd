#!/usr/bin/env bash
# Runs the test suites with node's own test runner (TypeScript through tsx).
#   test/run.sh            unit + sim + integration + e2e
#   test/run.sh unit       only test/unit
#   test/run.sh unit integration
set -euo pipefail
cd "$(dirname "$0")/.."
suites=("$@")
[ ${#suites[@]} -eq 0 ] && suites=(unit sim integration e2e)
files=()
for s in "${suites[@]}"; do
  while IFS= read -r f; do files+=("$f"); done < <(find "test/$s" -name '*.test.ts' 2>/dev/null | sort)
done
if [ ${#files[@]} -eq 0 ]; then echo "no test files in: ${suites[*]}" >&2; exit 1; fi
exec node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" "${files[@]}"
