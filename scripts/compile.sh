#!/usr/bin/env bash
# npm test's compile step: the build (dist/) and the type-check of everything (tests included) run at
# once, as two tsc processes; it fails when either fails. Neither reads the other's output.
set -u
cd "$(dirname "$0")/.."
npm run --silent build &
build=$!
npm run --silent typecheck
typecheck=$?
wait "$build"
built=$?
[ "$built" -eq 0 ] && [ "$typecheck" -eq 0 ]
