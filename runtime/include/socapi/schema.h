/*
 * socapi/schema.h - descriptor tables that generated code fills in.
 *
 * The generator turns every schema object into a plain C struct plus one
 * const descriptor (struct socapi_struct); every method into a params
 * struct, a params descriptor and a struct socapi_method. One generic
 * decoder, encoder and free in the runtime walk these tables; generated
 * functions are thin typed wrappers around them.
 *
 * Users rarely need this header directly: it is included by the generated
 * headers. Everything here is immutable data and safe to share between
 * threads.
 */
#ifndef SOCAPI_SCHEMA_H
#define SOCAPI_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Version of the table layout. Generated files refuse to compile against a
 * runtime whose layout differs (they check this with #error): regenerate.
 */
#define SOCAPI_TABLE_VERSION 5

/* How a value is stored in C and read from / written to JSON. */
enum socapi_kind {
	SOCAPI_KIND_BOOL = 1,     /* bool; JSON true/false, or 0/1 */
	SOCAPI_KIND_INT,          /* int64_t */
	SOCAPI_KIND_UINT,         /* uint64_t (Mail.Ru uids exceed INT64_MAX) */
	SOCAPI_KIND_NUMBER,       /* double */
	SOCAPI_KIND_STRING,       /* char * (UTF-8, NUL-terminated) */
	SOCAPI_KIND_ENUM_INT,     /* int64_t raw value; detail: struct socapi_enum */
	SOCAPI_KIND_ENUM_STRING,  /* char * raw value; detail: struct socapi_enum */
	SOCAPI_KIND_SCALAR,       /* char *: any JSON scalar kept as its text */
	SOCAPI_KIND_JSON,         /* char *: free-form JSON, kept as JSON text */
	SOCAPI_KIND_OBJECT,       /* struct; detail: struct socapi_struct */
	SOCAPI_KIND_UNION,        /* tagged struct; detail: struct socapi_union */
	SOCAPI_KIND_ARRAY,        /* struct socapi_list layout; detail: element type */
	SOCAPI_KIND_FILE          /* parameters only: const struct socapi_file * */
};

/* Type flags. */
enum {
	/* An integer the platform sends as a JSON string ("123"), as OK ids and
	 * Mail.Ru uids are: it is encoded back as a string. (Decoding takes a
	 * decimal string for any integer: see schema/README.md.) */
	SOCAPI_TYPE_FROM_STRING = 1u << 0
};

/*
 * A type: its kind, how many bytes one value takes when stored inline
 * (array elements, roots), and the kind-specific detail.
 */
struct socapi_type {
	uint8_t kind;        /* enum socapi_kind */
	uint8_t flags;       /* SOCAPI_TYPE_* */
	uint32_t size;       /* sizeof the inline storage */
	const void *detail;  /* struct socapi_struct / _union / _enum / element type */
	const char *name;    /* schema name, for messages and documentation */
};

/* Field flags. */
enum {
	SOCAPI_FIELD_REQUIRED = 1u << 0  /* schema says required: a typed call without
	                                    it is refused; decoding tolerates absence */
};

#define SOCAPI_NO_PRESENCE UINT32_MAX

/*
 * One member of a struct. Scalars (bool, integers, numbers) have a
 * `bool has_x` presence flag at has_offset; strings and nested objects are
 * pointers (NULL = absent); arrays are absent when items is NULL, and an
 * empty but present array has a non-NULL items pointer and n_items 0.
 */
struct socapi_field {
	const char *json_name;
	uint32_t offset;      /* offsetof the value */
	uint32_t has_offset;  /* offsetof the bool has_x, or SOCAPI_NO_PRESENCE */
	const struct socapi_type *type;
	uint32_t flags;       /* SOCAPI_FIELD_* */
};

/*
 * A struct. Generated result structs end with `char *unknown`: the members
 * of the JSON object that the schema does not know, as the text of a JSON
 * object ({"name":value,...}), or NULL when there were none. Decoding fills
 * it and socapi_encode_json writes those members back.
 *
 * Members are found by name through a hash table of their JSON names
 * (open addressing, at most half full): from the slot a name hashes to
 * (key_slot_of in the runtime), the slots hold field index + 1 until an
 * empty one (0) ends the search; a candidate is confirmed by its key.
 */

/* A member name as the decoders compare it: its first 8 bytes and (when it
 * has 8 or more) its last 8, as little-endian numbers, zero-padded. */
struct socapi_key {
	uint64_t head;
	uint64_t tail;
	uint32_t len;
};
struct socapi_struct {
	const char *name;
	uint32_t size;             /* sizeof the C struct */
	uint32_t n_fields;
	const struct socapi_field *fields;
	uint32_t unknown_offset;   /* offsetof the unknown member, or SOCAPI_NO_PRESENCE (params) */
	uint32_t key_seed;         /* the hash's seed (odd) */
	uint8_t key_bits;          /* the table has 1 << key_bits slots */
	const uint16_t *key_slots; /* slot -> field index + 1; 0: empty */
	const struct socapi_key *keys; /* per field, in field order (NULL: no fields) */
};

/*
 * A oneOf: the C struct holds an int tag at tag_offset (0 = unknown, then
 * the raw JSON text is kept at raw_offset) and, at value_offset, an
 * anonymous union of pointers, one per alternative.
 */
struct socapi_union_alt {
	const char *tag_value;  /* discriminator value, or NULL: chosen by JSON kind */
	int tag;                /* value stored in the tag member (1-based) */
	const struct socapi_type *type;
};

struct socapi_union {
	const char *name;
	const char *discriminator;  /* property name, or NULL */
	uint32_t tag_offset;
	uint32_t value_offset;
	uint32_t raw_offset;
	uint32_t n_alts;
	const struct socapi_union_alt *alts;
};

struct socapi_enum_value {
	const char *name;     /* schema's name for the value (enumNames) */
	int64_t int_value;    /* integer enums */
	const char *str_value;/* string enums */
};

struct socapi_enum {
	const char *name;
	uint32_t n_values;
	const struct socapi_enum_value *values;
};

/*
 * Arrays: every generated list type has exactly this layout
 * (struct mailru_user_list { struct mailru_user *items; size_t n_items; }).
 */
struct socapi_list {
	void *items;
	size_t n_items;
};

/* Lists of scalars, shared by all platforms. */
struct socapi_bool_list   { bool *items; size_t n_items; };
struct socapi_int_list    { int64_t *items; size_t n_items; };
struct socapi_uint_list   { uint64_t *items; size_t n_items; };
struct socapi_number_list { double *items; size_t n_items; };
struct socapi_string_list { char **items; size_t n_items; };
/*
 * String lists in parameters: the library only reads them, so an array of
 * string literals fits (const char *fields[] = {"uid", "first_name"}).
 * Same layout as struct socapi_string_list; results keep that one, as they
 * own their strings.
 */
struct socapi_const_string_list { const char *const *items; size_t n_items; };

/*
 * What every generated <METHOD>_PARAMS_INIT expands to: all members zero.
 * C++ spells it {} ({0} there warns under -Wextra about the other members).
 */
#ifdef __cplusplus
#define SOCAPI_PARAMS_INIT {}
#else
#define SOCAPI_PARAMS_INIT {0}
#endif

/*
 * A file parameter (multipart upload): either a path, or data + size.
 * filename and content_type are optional. The caller owns everything and
 * must keep it alive for the duration of the call.
 */
struct socapi_file {
	const char *path;
	const void *data;
	size_t size;
	const char *filename;
	const char *content_type;
};

/* Platforms. */
enum socapi_platform {
	SOCAPI_PLATFORM_MAILRU = 1,
	SOCAPI_PLATFORM_OK,
	SOCAPI_PLATFORM_VK
};

/* Method flags. */
enum {
	SOCAPI_METHOD_POST = 1u << 0,          /* the schema's verb is POST; typed calls are POSTed
	                                          either way, keeping secrets out of URLs */
	SOCAPI_METHOD_NO_SESSION = 1u << 1,    /* called without a session key */
	SOCAPI_METHOD_SESSION_OPTIONAL = 1u << 2,
	SOCAPI_METHOD_CLIENT_ONLY = 1u << 3,   /* client-server signature only */
	SOCAPI_METHOD_SERVER_ONLY = 1u << 4,   /* server-server signature only */
	SOCAPI_METHOD_UNSIGNED = 1u << 5,      /* sent without a signature (OK auth.login) */
	/* creates, changes or sends something: never sent twice without the
	 * caller knowing (a connection lost after sending gives
	 * SOCAPI_E_OUTCOME_UNKNOWN, and nothing in socapi retries it) */
	SOCAPI_METHOD_WRITE = 1u << 6
};

/*
 * A parameter that picks a response variant: the variant sends it itself
 * ("ext" = "1"), or, when value is NULL, the caller selects the variant by
 * setting the parameter to anything ("fields").
 */
struct socapi_forced_param {
	const char *name;
	const char *value;
};

/*
 * How a paged method is iterated (socapi_pager_new). Request parameter
 * names first, then reply member names; NULL where the method has none.
 * Exactly one of anchor and offset is set.
 */
struct socapi_paging {
	const char *anchor;       /* parameter carrying the cursor */
	const char *direction;
	const char *count;
	const char *offset;       /* offset paging: parameter counting items already seen */
	const char *next_anchor;  /* reply member holding the next cursor */
	const char *has_more;     /* reply member, true while pages remain */
	const char *items;        /* reply member holding the page's items */
	const char *total;        /* reply member with the total count */
};

/*
 * One typed call: a method and one of its response variants.
 */
struct socapi_method {
	const char *name;      /* API method name, "friends.get" */
	const char *variant;   /* schema response variant, "extendedResponse" */
	const char *c_name;    /* generated function, "mailru_friends_get_with_extended" */
	uint8_t platform;      /* enum socapi_platform */
	uint32_t flags;        /* SOCAPI_METHOD_* */
	const struct socapi_struct *params;
	const struct socapi_type *result;
	uint32_t n_forced;
	const struct socapi_forced_param *forced;
	const char *description;
	const struct socapi_paging *paging;  /* NULL: not paged */
	/* Every typed call of this API method, this one included, when it has
	 * more than one response variant (0 and NULL otherwise): a call whose
	 * parameters select another variant is refused, naming it. */
	uint32_t n_variants;
	const struct socapi_method *const *variants;
	/* A parameter the platform takes as a deduplication key (VK random_id,
	 * guid): when the caller leaves it unset, socapi fills it with a fresh
	 * random value, the same through socapi's own retries. NULL: none. */
	const char *dedup;
};

/* Built-in scalar types that generated tables point at. */
extern const struct socapi_type socapi_type_bool;
extern const struct socapi_type socapi_type_int;
extern const struct socapi_type socapi_type_int_from_string;
extern const struct socapi_type socapi_type_uint;
extern const struct socapi_type socapi_type_uint_from_string;
extern const struct socapi_type socapi_type_number;
extern const struct socapi_type socapi_type_string;
extern const struct socapi_type socapi_type_scalar;
extern const struct socapi_type socapi_type_json;
extern const struct socapi_type socapi_type_file;

#ifdef __cplusplus
}
#endif

#endif
