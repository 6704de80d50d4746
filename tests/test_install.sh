#!/usr/bin/env bash
# Installs the build into a scratch prefix, then uses it as a newcomer would:
# runs the installed CLI (no LD_LIBRARY_PATH, no ldconfig) against the bundled
# emulator, and builds a consumer with the CMake package (shared and static
# targets, which must carry c_std_11) and with pkg-config (socapi, its
# --static flags, and socapi-static, which links libsocapi.a).
# Usage: test_install.sh <build dir> <source dir> <python3>
set -euo pipefail
build=$1 src=$2 python=$3
tmp=$(mktemp -d)
emulator_pid=
trap '[ -z "$emulator_pid" ] || kill "$emulator_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
unset LD_LIBRARY_PATH
passed=0
pass() { passed=$((passed + 1)); }

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
prefix=$tmp/prefix
pcdir=$(ls -d "$prefix"/lib*/pkgconfig | head -1)
libdir=$(dirname "$pcdir")

# the installed CLI finds its library by its RPATH
"$prefix/bin/socapi" --version | grep -qx "socapi [0-9.]*" && pass
eval "$("$python" "$src/emulator/socapi-emulator" --background)"
emulator_pid=$SOCAPI_EMULATOR_PID
"$prefix/bin/socapi" --compact mailru users.getInfo | grep -q '"first_name":"Иван"' && pass

# CMake package: both targets, C11 carried to the consumer (checked in its CMakeLists.txt)
cmake -S "$src/tests/install" -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$tmp/consumer" >/dev/null
"$tmp/consumer/consumer" >/dev/null && pass
"$tmp/consumer/consumer_static" >/dev/null && pass

needs_libsocapi() { readelf -d "$1" | grep -q 'NEEDED.*libsocapi'; }
! needs_libsocapi "$tmp/consumer/consumer_static" && pass

# pkg-config: shared, the --static flags, and socapi-static (runs without the shared library)
export PKG_CONFIG_PATH=$pcdir
flags=(-std=c11 -Wall -Wextra -pedantic -Werror -o)
cc "${flags[@]}" "$tmp/pc" "$src/tests/install/consumer.c" $(pkg-config --cflags --libs socapi)
LD_LIBRARY_PATH=$libdir "$tmp/pc" >/dev/null && pass
cc "${flags[@]}" "$tmp/pc-static-flags" "$src/tests/install/consumer.c" $(pkg-config --static --cflags --libs socapi)
LD_LIBRARY_PATH=$libdir "$tmp/pc-static-flags" >/dev/null && pass
cc "${flags[@]}" "$tmp/pc-static" "$src/tests/install/consumer.c" $(pkg-config --cflags --libs socapi-static)
"$tmp/pc-static" >/dev/null && ! needs_libsocapi "$tmp/pc-static" && pass

echo "$passed passed, $((8 - passed)) failed"
[ "$passed" -eq 8 ]
