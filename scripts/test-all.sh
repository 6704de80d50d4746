#!/usr/bin/env bash
# Builds socapi and passes every test, on a fresh Debian 12 machine too:
#  1. installs the build and test dependencies (apt-get, when run as root),
#  2. builds and runs the whole ctest suite (generator, runtime, emulator,
#     integration against the emulator, CLI, install, generated/ drift),
#  3. rebuilds with AddressSanitizer + UBSan and runs the suite again,
#  4. builds test_threads with ThreadSanitizer and runs it,
#  5. runs the C test programs under valgrind (leaks are failures),
#  6. builds the libFuzzer targets with clang and runs each briefly (tests/fuzz/).
# Usage: scripts/test-all.sh   (from anywhere; build trees go in build*/)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
jobs=$(nproc 2>/dev/null || echo 2)

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends build-essential cmake pkg-config python3 \
    libcurl4-openssl-dev libjson-c-dev libssl-dev libxml2-dev libwebsockets-dev chromium valgrind \
    ca-certificates clang libclang-rt-14-dev llvm >/dev/null
fi

echo "== build and test"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== AddressSanitizer + UBSan"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSOCAPI_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs" -E 'test_install|test_headers|generator_unit|emulator_unit'

echo "== ThreadSanitizer (sessions on threads at once)"
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DSOCAPI_TSAN=ON >/dev/null
cmake --build build-tsan -j"$jobs" --target test_threads
TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/test_threads

echo "== valgrind"
# decode_samples_vkapi (the upstream VK binding) exists only when SOCAPI_VK_SCHEMA_DIR found a schema
for t in build/tests/test_* build/tests/decode_samples_* build/tests/vk_upstream/decode_samples_*; do
  [ -f "$t" ] && [ -x "$t" ] || continue
  valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --error-exitcode=9 "$t" >/dev/null
  echo "valgrind clean: $t"
done
echo "== fuzz (libFuzzer + ASan + UBSan, a short run of every target)"
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DSOCAPI_FUZZ=ON \
  -DBUILD_TESTING=OFF >/dev/null
cmake --build build-fuzz -j"$jobs" --target fuzz
tests/fuzz/run.sh build-fuzz "${SOCAPI_FUZZ_SECONDS:-150}"
echo "all tests passed"
