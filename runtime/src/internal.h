/*
 * internal.h - what the runtime's source files share. Not installed.
 */
#ifndef SOCAPI_INTERNAL_H
#define SOCAPI_INTERNAL_H

#include <socapi/socapi.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#define CHECK_RESULT __attribute__((warn_unused_result))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define CHECK_RESULT
#define PRINTF_LIKE(f, a)
#endif

/* ---- allocation (alloc.c): everything goes through the user's hook ---- */

void *sc_malloc(size_t size);
void *sc_calloc(size_t n, size_t size);
void *sc_realloc(void *ptr, size_t size);
void sc_free(void *ptr);
char *sc_strdup(const char *s);
/* True for a non-NULL, non-empty string: an optional credential that is set. */
bool str_set(const char *s);
/* *dst = a copy of src, or NULL when src is unset; false only when out of memory. */
CHECK_RESULT bool copy_opt(char **dst, const char *src);
/* Frees a string holding a secret after overwriting it. NULL allowed. */
void sc_free_secret(char *s);

/*
 * Arena: a chain of blocks released at once. A result is an arena whose
 * first allocation is the root; socapi_free(root) finds the arena from it.
 */
#define ARENA_ALIGN 16u

struct block {
	struct block *next;
	size_t used;
	size_t cap;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena {
	struct block *head;  /* where allocations are made */
};

/* A new result arena with a zeroed root of root_size bytes, or NULL. */
void *result_new(size_t root_size, struct arena **arena);
/* result_new with a first block of at least first_block bytes: one block
 * that holds the whole result saves the page faults of growing in steps. */
void *result_new_sized(size_t root_size, size_t first_block, struct arena **arena);
/* Zeroed, 16-byte aligned memory from the arena, or NULL. */
void *arena_alloc(struct arena *arena, size_t size);
/* arena_alloc_raw when the head block is full (or size is huge). */
void *arena_grow(struct arena *arena, size_t size);

/* The same as arena_alloc, not zeroed (for what is written over at once);
 * inline, as the one-pass decoder makes one for every string. */
static inline void *arena_alloc_raw(struct arena *arena, size_t size)
{
	struct block *b = arena->head;
	size_t aligned = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (size - 1 >= b->cap - b->used || aligned > b->cap - b->used) /* size 0, wrapped or full */
		return arena_grow(arena, size);
	void *p = b->data + b->used;
	b->used += aligned;
	return p;
}
char *arena_strndup(struct arena *arena, const char *s, size_t len);

/* ---- growable byte buffer (alloc.c) ---- */

struct buf {
	char *data;  /* NUL-terminated after any append, printf or buf_terminate */
	size_t len;
	size_t cap;
	bool failed; /* an append ran out of memory; later appends do nothing */
	bool secret; /* wiped when it grows or is released (bodies with tokens, passwords) */
};

/* Room for extra more bytes and the NUL (the capacity grows by doubling);
 * false, and b failed, if out of memory. */
bool buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Makes data a valid (possibly empty) C string; false if out of memory. */
bool buf_terminate(struct buf *b);
/* Room for len bytes and the NUL in one allocation of that size (a body
 * whose length is announced); false if out of memory. */
bool buf_presize(struct buf *b, size_t len);
/* Empties b, keeping its memory for reuse (and forgetting a failure). */
void buf_clear(struct buf *b);
/* buf_clear after overwriting the content (it held a secret). */
void buf_wipe(struct buf *b);
void buf_release(struct buf *b);

/* ---- errors (error.c) ---- */

/* Sets err (if non-NULL) and returns status. */
enum socapi_status set_error(struct socapi_error *err, enum socapi_status status,
                             const char *fmt, ...) PRINTF_LIKE(3, 4);
void error_reset(struct socapi_error *err);
/* Appends " from <url>" to err's message: the URL without user:password@,
 * query or fragment, so a wrong base URL shows where the answer came from. */
void error_add_url(struct socapi_error *err, const char *url);
void copy_text(char *dst, size_t size, const char *src);

/* ---- name=value lists (pairs.c) ---- */

struct pair {
	char *name;
	char *value;                     /* NULL for a file part */
	const struct socapi_file *file;  /* borrowed from the caller's params */
	bool secret;                     /* never logged, whatever the name (a password field) */
};

struct strings_block;

/* The names and values live in blocks the list owns, wiped when it is
 * cleared or released (values hold tokens and signatures). */
struct pairs {
	struct pair *items;
	size_t n;
	size_t cap;
	struct strings_block *strings;
};

CHECK_RESULT bool pairs_add(struct pairs *p, const char *name, const char *value);
CHECK_RESULT bool pairs_add_len(struct pairs *p, const char *name, const char *value, size_t len);
CHECK_RESULT bool pairs_add_file(struct pairs *p, const char *name, const struct socapi_file *file);
/* Sets name to value, replacing an existing entry. */
CHECK_RESULT bool pairs_set(struct pairs *p, const char *name, const char *value);
/* The caller's name=value list as pairs (a repeated name keeps the last). */
enum socapi_status pairs_from_params(const struct socapi_param *params, size_t n,
                                     struct pairs *out, struct socapi_error *err);
/* dst becomes a copy of src (files stay borrowed); false if out of memory. */
CHECK_RESULT bool pairs_copy(const struct pairs *src, struct pairs *dst);
const char *pairs_get(const struct pairs *p, const char *name);
/* True when name is there, as a value or a file. */
bool pairs_has(const struct pairs *p, const char *name);
void pairs_remove(struct pairs *p, const char *name);
void pairs_sort(struct pairs *p);
bool pairs_have_file(const struct pairs *p);
/* Empties the list, keeping its memory for the next one (wiped). */
void pairs_clear(struct pairs *p);
void pairs_release(struct pairs *p);
/* application/x-www-form-urlencoded text of the non-file pairs. */
void pairs_form_encode(const struct pairs *p, struct buf *out);
/* The same with secret values replaced, for logs. */
void pairs_form_encode_redacted(const struct pairs *p, struct buf *out);
/* True for parameter names whose values are never logged. */
bool is_secret_name(const char *name);
/* Marks the value of name as secret (see struct pair); no-op when absent. */
void pairs_mark_secret(struct pairs *p, const char *name);

/* md5 of data as 32 lower-case hex digits (sign.c). */
CHECK_RESULT bool md5_hex(const void *data, size_t len, char out[33]);
/* A session's MD5, fetched at its first signature and reused (sign.c). */
struct md5 {
	struct evp_md_st *md;
	struct evp_md_ctx_st *ctx;
};
void md5_release(struct md5 *m);
/* sig = md5(prefix + name=value of the sorted pairs + key); files are not
 * signed. p must be sorted; prefix may be NULL; m is the session's MD5, or
 * NULL for a one-off signature (sign.c). */
enum socapi_status sign_sorted(const struct pairs *p, const char *prefix, const char *key,
                               struct md5 *m, char sig[33], struct socapi_error *err);

/* ---- encoding and decoding by descriptor (encode.c, decode.c) ---- */

struct param_style {
	const char *bool_true;   /* "1" (Mail.Ru, VK) or "true" (OK) */
	const char *bool_false;
};

/* Appends the present members of a params struct to out. */
enum socapi_status encode_params(const struct socapi_struct *desc, const void *params,
                                 const struct param_style *style, struct pairs *out,
                                 struct socapi_error *err);

/* Decodes a json-c tree into a new result of type; *out NULL on failure. */
enum socapi_status decode_tree(const struct socapi_type *type, struct json_object *json,
                               void **out, struct socapi_error *err);

/* ---- member lookup: the generated key tables (schema.h) ---- */

/* Up to 8 bytes as a little-endian number, zero-padded. */
static inline uint64_t key_word(const unsigned char *p, size_t n)
{
	uint64_t w = 0;
	for (size_t i = 0; i < n; i++)
		w |= (uint64_t)p[i] << (8 * i);
	return w;
}

/* A name's first 8 bytes and (8 bytes or longer) its last 8, as struct
 * socapi_key holds them. */
struct name_words {
	uint64_t head, tail;
};

static inline struct name_words name_words_of(const char *key, size_t len)
{
	const unsigned char *k = (const unsigned char *)key;
	struct name_words w = {key_word(k, len < 8 ? len : 8), len >= 8 ? key_word(k + len - 8, 8) : 0};
	return w;
}

/* The hash of a name: its words and, for a long one, a middle word;
 * generator/socapi_gen/keys.py computes the same. */
static inline uint64_t name_hash(struct name_words w, uint64_t middle, size_t len)
{
	return w.head ^ (w.tail * 0x9E3779B97F4A7C15u) ^ (middle * 0xC2B2AE3D27D4EB4Fu) ^ len;
}

static inline uint32_t key_slot_of(uint64_t hash, const struct socapi_struct *s)
{
	uint64_t x = hash * s->key_seed;
	x ^= x >> 29;
	x *= 0x9E3779B97F4A7C15u;
	return (uint32_t)(x >> (64 - s->key_bits));
}

/* Whether field i of s is named key[0..len), whose words are w. */
static inline bool is_member(const struct socapi_struct *s, uint32_t i, struct name_words w, const char *key,
                             size_t len)
{
	const struct socapi_key *k = &s->keys[i];
	return k->len == len && k->head == w.head && k->tail == w.tail &&
	       (len <= 16 || memcmp(s->fields[i].json_name + 8, key + 8, len - 16) == 0);
}

/* The member of s named key[0..len), whose words and hash are given; or NULL. */
static inline const struct socapi_field *member_by_hash(const struct socapi_struct *s, struct name_words w,
                                                        uint64_t hash, const char *key, size_t len)
{
	uint32_t mask = (1u << s->key_bits) - 1;
	for (uint32_t i = key_slot_of(hash, s);; i = (i + 1) & mask) {
		uint16_t slot = s->key_slots[i];
		if (!slot)
			return NULL;
		if (is_member(s, slot - 1u, w, key, len))
			return &s->fields[slot - 1];
	}
}

/* The member of s named key[0..len), or NULL. */
static inline const struct socapi_field *struct_member(const struct socapi_struct *s, const char *key,
                                                       size_t len)
{
	struct name_words w = name_words_of(key, len);
	uint64_t middle = len > 16 ? key_word((const unsigned char *)key + (len - 8) / 2, 8) : 0;
	return member_by_hash(s, w, name_hash(w, middle, len), key, len);
}

/* One step of the JSON path to a value: a member (key) or an index. */
struct path_step {
	const char *key;  /* NULL: an array index */
	size_t index;
};

/* The deepest path an error names (a decoder nests no deeper). */
#define MAX_PATH 64

/* Sets err to status with the message "<path>: <fmt...>" ("(root)" for the
 * top) and err->path to the path of the first depth steps; returns status. */
enum socapi_status path_error(struct socapi_error *err, enum socapi_status status,
                              const struct path_step *steps, size_t depth, const char *fmt, ...)
	PRINTF_LIKE(5, 6);

/* socapi_decode through json-c and decode_tree: the reference decoder
 * (all arguments required). */
enum socapi_status decode_reference(const struct socapi_type *type, const char *json, size_t len,
                                    void **out, struct socapi_error *err);

/* How a platform wraps a result (the one-pass decoder reads it on its own). */
enum envelope {
	ENVELOPE_NONE,    /* the body is the value (socapi_decode) */
	ENVELOPE_VK,      /* {"response": result}, or {"error": ...} */
	ENVELOPE_MAILRU,  /* the bare result, or an object with "error" */
	ENVELOPE_OK       /* the bare result, or an object with "error_code" */
};

/*
 * The one-pass decoder (onepass.c): the body as a new result of type, in
 * one pass over its bytes; the members the schema lacks are kept in the
 * structs' unknown members when keep_unknown is set. SOCAPI_E_API (with no
 * details) when the body is not a success envelope: the caller reads it
 * the slow way (json-c and the adapter's unwrap). Parse and decode errors
 * name the JSON path.
 */
enum socapi_status decode_body(const struct socapi_type *type, const char *json, size_t len,
                               enum envelope env, bool keep_unknown, void **out, struct socapi_error *err);

/* Which JSON kinds a union alternative without a discriminator accepts. */
bool alt_accepts(const struct socapi_type *t, enum json_type jt);

/* Parses a whole body as JSON; trailing garbage is an error (SOCAPI_E_PARSE),
 * and so is a bare null (SOCAPI_E_DECODE: json-c has no object for it). */
enum socapi_status parse_json(const char *text, size_t len, struct json_object **out,
                              struct socapi_error *err);
/* The same with a tokener kept in *reuse (made at the first parse, freed
 * by the owner with json_tokener_free) instead of a new one each time. */
enum socapi_status parse_json_reusing(struct json_tokener **reuse, const char *text, size_t len,
                                      struct json_object **out, struct socapi_error *err);
/* parse_json_reusing for a body decoded by type: an integer json-c would
 * clamp (find_clamped_integer) is a parse error too. */
enum socapi_status parse_typed_json(struct json_tokener **reuse, const char *text, size_t len,
                                    struct json_object **out, struct socapi_error *err);

/* ---- transport (transport.c) ---- */

struct transport {
	CURL *curl;
	struct socapi_options opts;  /* strings owned by the transport */
	char errbuf[CURL_ERROR_SIZE];
	/* a GET's URL with its query and a POST's form body: kept between
	 * requests, which reuse their memory (the form is wiped after each) */
	struct buf url;
	struct buf form;
};

struct http_request {
	const char *url;
	bool post;
	const struct pairs *form;  /* query (GET) or body (POST, multipart if files) */
	bool write;                /* a POST never sent twice (rewind_body); a connection lost after
	                              it went out is SOCAPI_E_OUTCOME_UNKNOWN */
	bool secret_answer;        /* the answer carries tokens (a token endpoint's): wiped too */
};

struct http_response {
	long status;
	struct buf body;
	char *location;  /* Location header of a redirect, absolute, or NULL */
};

/* Where an answer's body goes while curl receives it. */
struct sink {
	struct http_response *resp;
	size_t max_body;
	bool too_big;
};

/* Hands curl a request body (or a multipart part) from memory. */
struct body_reader {
	const char *data;
	size_t len;
	size_t pos;
	bool *refused;  /* a write: set, and the rewind refused, when curl wants to resend */
};

/* One request in flight on a transport's handle (must not move meanwhile). */
struct transfer {
	struct transport *t;
	const struct http_request *req;
	const char *url;  /* what is requested: req->url, or t->url with a GET's query */
	struct sink sink;
	curl_mime *mime;
	struct body_reader body;     /* the form body */
	struct body_reader *parts;   /* the multipart body's text parts */
	bool rewind_refused;
};

enum socapi_status transport_init(struct transport *t, const struct socapi_options *opts,
                                  struct socapi_error *err);
/* Keeps cookies across requests on this transport (login flows). */
enum socapi_status transport_enable_cookies(struct transport *t, struct socapi_error *err);
/* The cookie jar in Netscape format, or NULL (caller frees with sc_free). */
char *transport_cookies(struct transport *t);
void transport_release(struct transport *t);
enum socapi_status transport_perform(struct transport *t, const struct http_request *req,
                                     struct http_response *resp, struct socapi_error *err);
/* transport_perform in two halves, for curl's multi interface: begin sets
 * the handle up (on failure everything is released); run the handle; end
 * maps curl's result (rc) and the answer to a status and cleans up. */
enum socapi_status transfer_begin(struct transfer *x, struct transport *t,
                                  const struct http_request *req, struct http_response *resp,
                                  struct socapi_error *err);
enum socapi_status transfer_end(struct transfer *x, CURLcode rc, struct socapi_error *err);
void http_response_release(struct http_response *resp);
/* href (NULL: base itself) resolved against base as a new string; NULL
 * when out of memory, or with *bad set when either is not a URL. */
char *url_resolve(const char *base, const char *href, bool *bad);
void transport_log(struct transport *t, enum socapi_log_level level, const char *fmt, ...)
	PRINTF_LIKE(3, 4);
/* How much of url a log line shows ("%.*s"): not its query or fragment,
 * which may carry a token (a redirect's #access_token=...). */
int url_shown(const char *url);

/* ---- sessions and platform adapters (session.c, call.c) ---- */

struct socapi_session;

struct adapter {
	enum socapi_platform platform;
	struct param_style style;
	bool method_in_path;  /* the URL is api_url/<method> (VK), else api_url (method is a parameter) */
	/* Adds credentials and the signature to a call's parameters. */
	enum socapi_status (*sign)(struct socapi_session *s, const char *method, uint32_t method_flags,
	                           struct pairs *params, struct socapi_error *err);
	/* Finds the result in a parsed body, or turns an error envelope into
	 * SOCAPI_E_API. *result is borrowed from root. */
	enum socapi_status (*unwrap)(struct json_object *root, struct json_object **result,
	                             struct socapi_error *err);
	/* Wipes and frees the platform's credentials. */
	void (*destroy)(void *data);
	/* Token renewal (NULL: the platform has none): true when err says the
	 * session expired and the session holds what a refresh needs; then
	 * refresh renews the token in the credentials (session_refreshed). */
	bool (*can_refresh)(const struct socapi_session *s, const struct socapi_error *err);
	enum socapi_status (*refresh)(struct socapi_session *s, struct socapi_error *err);
	/* How a result comes wrapped, for the one-pass decoder (unwrap reads
	 * everything else). */
	enum envelope envelope;
};

/* What renewing a session's token needs besides the application's keys. */
struct refresh {
	char *refresh_token;
	char *token_url;
	socapi_refresh_fn fn;
	void *ctx;
};

/* Copies a session's refresh settings; false only when out of memory. */
CHECK_RESULT bool refresh_copy(struct refresh *r, const char *refresh_token, const char *token_url,
                               socapi_refresh_fn fn, void *ctx);
void refresh_release(struct refresh *r);
/*
 * After a refresh grant: *access_token (and r->refresh_token, when tok has
 * a new one) become tok's, the old ones wiped, and the application is told.
 */
enum socapi_status session_refreshed(struct refresh *r, char **access_token,
                                     const struct socapi_token *tok, struct socapi_error *err);

struct error_handler {
	int api_code;
	socapi_error_handler fn;
	void *ctx;
};

/* Sliding one-second window of send times, for socapi_session_set_rate_limit. */
#define RATE_LIMIT_MAX 100

struct socapi_session {
	const struct adapter *adapter;
	void *data;     /* platform credentials */
	char *api_url;
	struct transport transport;
	struct md5 md5;
	struct json_tokener *tokener;  /* parses the session's answers where json-c still does */
	struct pairs params;           /* socapi_call's parameters, reused call after call */
	bool params_busy;              /* params belong to a call in progress */
	struct buf method_url;         /* api_url/method, where the method goes in the path (VK) */
	struct error_handler *handlers;
	size_t n_handlers;
	unsigned max_retries;
	unsigned rate_per_second;  /* 0: no limit */
	unsigned rate_next;        /* oldest slot of rate_sent */
	int64_t rate_sent[RATE_LIMIT_MAX];  /* monotonic ns of the last sends */
};

/* What an error handler may change before a call is sent again. */
struct socapi_retry {
	struct pairs *params;
	unsigned attempt;
	long wait_ms;
	bool nomem;
};

/* Sleeps ms milliseconds (interrupted sleeps resume). */
void sleep_ms(long ms);

enum socapi_status session_new(const struct adapter *adapter, void *data, const char *api_url,
                               const struct socapi_options *opts, struct socapi_session **out,
                               struct socapi_error *err);

/* A call in three steps, so a concurrent path can run the middle one. */
struct call {
	struct socapi_session *session;
	bool refreshed;                 /* the session's token was renewed for this call */
	const struct socapi_method *method;
	const char *method_name;
	struct pairs params;
	bool post;
	struct http_request request;
	struct transfer transfer;
	struct http_response response;
};

/* Strings, string enums, scalars-as-text and raw JSON: all stored as char *. */
bool kind_is_text(uint8_t kind);

/* Strict decimal text ("-12", "15410773191172635989"): no sign for unsigned,
 * no spaces, in range. Stores into *i or *u. */
bool parse_decimal(const char *s, bool is_unsigned, int64_t *i, uint64_t *u);

/* ---- reading scalars: the rules both decoders share (scalars.c) ---- */

enum num_read {
	NUM_OK,
	NUM_SYNTAX,        /* not -?digits[.digits][e[+-]digits] */
	NUM_NOT_INTEGRAL,  /* 1.5 for an integer */
	NUM_RANGE          /* beyond the type (or a non-finite double) */
};

/* s[0..len) as an integer: a JSON number or a numeric string's content
 * (leading zeros allowed); an integral fraction or exponent (3.0, 1e3) is
 * fine. Exact: never through double. */
enum num_read read_integer(const char *s, size_t len, bool is_unsigned, int64_t *i, uint64_t *u);
/* The same text as the nearest double (as strtod rounds, locale-free). */
enum num_read read_double(const char *s, size_t len, double *out);
/* read_integer stored as kind t (INT, UINT or ENUM_INT) at out. */
enum num_read integer_from_text(const struct socapi_type *t, const char *text, size_t len, void *out);
/* A flag from a number or numeric string: 0 or 1, anything else NUM_RANGE. */
enum num_read bool_from_text(const char *text, size_t len, bool *out);
/* The decode error message for r when reading kind from a number or (quoted) a string. */
const char *num_problem(enum num_read r, uint8_t kind, bool quoted);
/* Bool, integer, number and integer enum kinds: "" or null stands for absent. */
bool kind_is_number_like(uint8_t kind);
/* An integer enum of exactly the values 0 and 1: a flag, which true/false may fill. */
bool is_flag_enum(const struct socapi_type *t);
/*
 * An integer literal (no fraction, no exponent) beyond int64 and uint64 in
 * a JSON text, outside strings: json-c clamps those to the limit silently,
 * so the tree decoder refuses the body. *where is its byte offset.
 */
bool find_clamped_integer(const char *text, size_t len, size_t *where);

/*
 * Runs a typed call whose parameters are already encoded. The call adds
 * to params (forced values, credentials, the signature) and leaves them to
 * the caller to clear or release. On success *decoded is the result (a new
 * arena). With root NULL the answer is read in one pass (decode_body), with
 * no tree; otherwise *root is the parsed body too, owning *result (for
 * callers that read more than the result: execute, auth.login); the caller
 * puts *root.
 */
enum socapi_status call_method(struct socapi_session *s, const struct socapi_method *m,
                               struct pairs *params, void **decoded, struct json_object **root,
                               struct json_object **result, struct socapi_error *err);

/* Encodes a typed call's params struct; SOCAPI_E_ARG when the method is
 * another platform's than the session. */
enum socapi_status call_encode(const struct socapi_session *s, const struct socapi_method *m,
                               const void *params, struct pairs *out, struct socapi_error *err);
/* ---- checks before a typed call is sent, and after (call_checks.c) ---- */

/* A parameter's text by name in some list of them; NULL when absent. */
typedef const char *(*param_lookup)(const void *ctx, const char *name);
/*
 * How a variant's selecting parameters fit a request (looked up through
 * lookup): -1 when one contradicts it (another value, a "*" selector left
 * unset), else how many of them it sets. A selector with a value that the
 * request leaves out does not contradict: the variant sends it itself.
 * Booleans match as 1/true and 0/false.
 */
int variant_fit(const struct socapi_method *v, param_lookup lookup, const void *ctx);

/* SOCAPI_E_ARG, naming the variant to call, when the caller's encoded
 * parameters select another response variant of m than m itself. */
enum socapi_status check_variant(const struct socapi_method *m, const struct pairs *given,
                                 struct socapi_error *err);
/* SOCAPI_E_ARG naming the first required parameter of m that neither the
 * caller nor the variant sets. */
enum socapi_status check_required(const struct socapi_method *m, const struct pairs *given,
                                  struct socapi_error *err);
/* decode_tree into m's result type; a decode error that another variant of
 * m would not have had says which one in err->message. */
enum socapi_status decode_result(const struct socapi_method *m, struct json_object *result,
                                 void **decoded, struct socapi_error *err);

/* Adds the parameters c->method sends itself. */
enum socapi_status call_force(struct call *c, struct socapi_error *err);
enum socapi_status call_prepare(struct call *c, struct socapi_error *err);
/* call_transfer without the rate limit's wait, in two halves for curl's
 * multi interface (see transfer_begin); end also counts the request for
 * the rate limit. */
enum socapi_status call_transfer_begin(struct call *c, struct socapi_error *err);
enum socapi_status call_transfer_end(struct call *c, CURLcode rc, struct socapi_error *err);
enum socapi_status call_transfer(struct call *c, struct socapi_error *err);
/* Decodes a typed call's answer as its method's result: in one pass for a
 * result, the reference way (call_complete, decode_result) for anything
 * else, which then says what went wrong. */
enum socapi_status call_decode(struct call *c, void **decoded, struct socapi_error *err);
/* Parses the body and unwraps the envelope; *root owns *result. */
enum socapi_status call_complete(struct call *c, struct json_object **root,
                                 struct json_object **result, struct socapi_error *err);
/*
 * After an attempt failed with *st: true when the session's handler for
 * the error asks for another attempt, to start after *wait_ms (the old
 * answer is released). *st may become SOCAPI_E_NOMEM.
 */
bool call_retry(struct call *c, unsigned attempt, enum socapi_status *st, long *wait_ms,
                struct socapi_error *err);
/* Hands a decoded result to socapi_call's out: the pointer, or the value. */
void call_store(const struct socapi_method *m, void *decoded, void *out);
void call_release(struct call *c);

/* Monotonic nanoseconds. */
int64_t now_ns(void);
/* How long the session's rate limit wants the next request to wait, in ns. */
int64_t rate_delay(const struct socapi_session *s);
/* Counts a finished request in the rate limit's window. */
void rate_done(struct socapi_session *s);

/* ---- OAuth helpers shared by the platforms (oauth.c) ---- */

/* Reads a token endpoint's answer (HTTP status and body): the token, the
 * OAuth error it carries (SOCAPI_E_AUTH), or SOCAPI_E_HTTP for a redirect
 * or an error status without JSON. */
enum socapi_status oauth_token_reply(long status, const char *body, size_t len,
                                     struct socapi_token **out, struct socapi_error *err);
/* Posts a form to a token endpoint and reads the reply (oauth_token_reply). */
enum socapi_status oauth_token_request(const struct socapi_options *opts, const char *url,
                                       const struct pairs *form, struct socapi_token **out,
                                       struct socapi_error *err);
/* Starts a grant: resets err and *out; SOCAPI_E_ARG unless out is set, and
 * naming the first of needs (the application's settings a grant uses,
 * named as the platform's app struct names them) that is NULL or empty. */
enum socapi_status grant_begin(struct socapi_token **out, const char *grant,
                               const struct socapi_param *needs, size_t n_needs,
                               struct socapi_error *err);

/* A token-endpoint grant: what goes beside the grant's own fields. */
struct grant {
	const char *url;
	const char *grant_type;     /* NULL: not sent (VK's code exchange) */
	const char *client_id;
	const char *client_secret;  /* unset: not sent */
	bool need_refresh;          /* the reply must carry a refresh_token */
};

/*
 * POSTs grant_type, client_id, client_secret and fields (each required:
 * an unset one fails with SOCAPI_E_ARG naming it) to g->url and reads the
 * token reply.
 */
enum socapi_status oauth_grant(const struct socapi_options *opts, const struct grant *g,
                               const struct socapi_param *fields, size_t n_fields,
                               struct socapi_token **out, struct socapi_error *err);

/* An OAuth error reply ({"error": kind, "error_description": ...}, or an
 * API-style error object) as SOCAPI_E_AUTH, with err->oauth_error and the
 * captcha and redirect fields the reply carries. */
enum socapi_status oauth_failure(struct socapi_error *err, struct json_object *error,
                                 struct json_object *root);

/* Reads a JSON object's members into a token (access_token required). */
enum socapi_status token_from_json(struct json_object *reply, struct socapi_token **out,
                                   struct socapi_error *err);
/* Parses "a=1&b=2" (a query or a fragment) into a token. */
enum socapi_status token_from_query(const char *query, struct socapi_token **out,
                                    struct socapi_error *err);

#endif
