#!/usr/bin/env bash
# Installs the build dependencies, builds tenantdb and runs every test.
#   scripts/test.sh              tests, RelWithDebInfo build in build/
#   scripts/test.sh --sanitize   tests under AddressSanitizer + UndefinedBehaviorSanitizer
#                                (build in build-asan/)
#   scripts/test.sh --coverage   tests with gcov instrumentation (build-coverage/), then a
#                                line-coverage report of src/kv and src/tuple via gcovr
# Environment: TENANTDB_TEST_SCALE=N multiplies the randomized suites (default 1);
# TENANTDB_SEED=S replays a randomized run.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-default}"
"$(dirname "$0")/install-deps.sh"

jobs=$(nproc)
case "$mode" in
  default)
    dir=build
    flags=()
    ;;
  --sanitize)
    dir=build-asan
    flags=(-DTENANTDB_SANITIZE=address,undefined -DCMAKE_BUILD_TYPE=Debug)
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    ;;
  --coverage)
    dir=build-coverage
    flags=(-DTENANTDB_COVERAGE=ON -DCMAKE_BUILD_TYPE=Debug)
    ;;
  *)
    echo "usage: scripts/test.sh [--sanitize|--coverage]" >&2
    exit 2
    ;;
esac

# Tests on explicitly: scripts/run.sh configures build/ without them.
cmake -S . -B "$dir" -DTENANTDB_TESTS=ON "${flags[@]}"
cmake --build "$dir" -j "$jobs"
if [ "$mode" = --coverage ]; then
  find "$dir" -name '*.gcda' -delete
fi
(cd "$dir" && ctest -j "$jobs" --output-on-failure --no-tests=error)

if [ "$mode" = --coverage ]; then
  mkdir -p coverage
  gcovr -r . --object-directory "$dir" "$dir" --gcov-ignore-parse-errors \
    --filter 'src/kv/' --filter 'src/tuple/' --filter 'src/tenant/' \
    --exclude '.*_test\.cc' --exclude 'src/testing/' \
    --print-summary --txt coverage/summary.txt --html-details coverage/index.html
  cat coverage/summary.txt
fi
