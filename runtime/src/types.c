/*
 * types.c - the built-in scalar types generated tables point at.
 */
#include "internal.h"

#define SCALAR(ident, kind, flags, ctype, name) \
	const struct socapi_type ident = {kind, flags, sizeof(ctype), NULL, name}

SCALAR(socapi_type_bool, SOCAPI_KIND_BOOL, 0, bool, "boolean");
SCALAR(socapi_type_int, SOCAPI_KIND_INT, 0, int64_t, "integer");
SCALAR(socapi_type_int_from_string, SOCAPI_KIND_INT, SOCAPI_TYPE_FROM_STRING, int64_t, "integer");
SCALAR(socapi_type_uint, SOCAPI_KIND_UINT, 0, uint64_t, "uint64");
SCALAR(socapi_type_uint_from_string, SOCAPI_KIND_UINT, SOCAPI_TYPE_FROM_STRING, uint64_t, "uint64");
SCALAR(socapi_type_number, SOCAPI_KIND_NUMBER, 0, double, "number");
SCALAR(socapi_type_string, SOCAPI_KIND_STRING, 0, char *, "string");
SCALAR(socapi_type_scalar, SOCAPI_KIND_SCALAR, 0, char *, "scalar");
SCALAR(socapi_type_json, SOCAPI_KIND_JSON, 0, char *, "json");
SCALAR(socapi_type_file, SOCAPI_KIND_FILE, 0, const struct socapi_file *, "file");

bool kind_is_text(uint8_t kind)
{
	return kind == SOCAPI_KIND_STRING || kind == SOCAPI_KIND_ENUM_STRING ||
	       kind == SOCAPI_KIND_SCALAR || kind == SOCAPI_KIND_JSON;
}
