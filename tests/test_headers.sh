#!/usr/bin/env bash
# Every public and generated header compiles on its own, as C11 with
# -Wall -Wextra -pedantic and as C++ (g++ -fsyntax-only), warnings as errors;
# and a parameter list of string literals compiles under -Wwrite-strings.
# Usage: test_headers.sh <c compiler> <c++ compiler> <public include dir> <generated dir>...
# (each generated dir holds <binding>/<binding>.h)
set -euo pipefail
cc=$1 cxx=$2 include=$3
shift 3
flags=(-fsyntax-only -Wall -Wextra -pedantic -Werror -Wwrite-strings -I"$include")
for dir in "$@"; do flags+=(-I"$dir"); done

passed=0 failed=0
check() { # check <what> <c or c++> <source text>
	local what=$1 lang=$2 out
	local compile=("$cc" -x c -std=c11)
	[ "$lang" = c++ ] && compile=("$cxx" -x c++)
	if out=$(printf '%s\n' "$3" | "${compile[@]}" "${flags[@]}" - 2>&1); then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: $what as $lang:" >&2
		printf '%s\n' "$out" | head -5 >&2
	fi
}

headers=()
for h in "$include"/socapi/*.h; do headers+=("socapi/$(basename "$h")"); done
for dir in "$@"; do
	for h in "$dir"/*/*.h; do headers+=("$(basename "$(dirname "$h")")/$(basename "$h")"); done
done
[ ${#headers[@]} -gt 5 ] || { echo "FAIL: only ${#headers[@]} headers found" >&2; exit 1; }
for h in "${headers[@]}"; do
	check "$h" c "#include <$h>"
	check "$h" c++ "#include <$h>"
done

# string lists in parameters take string literals (results keep owning char *)
literals='#include <ok/ok.h>
int main(void);
int main(void)
{
	static const char *fields[] = {"uid", "first_name"};
	struct ok_users_get_info_params p = OK_USERS_GET_INFO_PARAMS_INIT;
	p.fields.items = fields;
	p.fields.n_items = 2;
	return p.fields.n_items == 2 ? 0 : 1;
}'
check "string literals in a parameter list" c "$literals"
check "string literals in a parameter list" c++ "$literals"

echo "$passed passed, $failed failed (${#headers[@]} headers)"
[ "$failed" -eq 0 ]
