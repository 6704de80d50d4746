#!/usr/bin/env bash
# Installs the build into a scratch prefix and builds a consumer against it,
# once with the CMake package and once with pkg-config.
# Usage: test_install.sh <build dir> <source dir>
set -euo pipefail
build=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
cmake -S "$src/tests/install" -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/consumer" >/dev/null
LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/consumer/consumer"
libdir=$(ls -d "$tmp"/prefix/lib*/pkgconfig | head -1)
cc -std=c11 -o "$tmp/consumer-pc" "$src/tests/install/consumer.c" \
  $(PKG_CONFIG_PATH="$libdir" pkg-config --cflags --libs socapi)
LD_LIBRARY_PATH="$(dirname "$libdir")" "$tmp/consumer-pc"
echo "1 passed, 0 failed"
