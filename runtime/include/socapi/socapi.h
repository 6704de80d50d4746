/*
 * socapi/socapi.h - the runtime: status codes, errors, sessions, calls.
 *
 * Conventions for every function in socapi:
 *  - fallible functions return enum socapi_status and take
 *    struct socapi_error *err last; err may be NULL. On failure err holds
 *    the details; on success err->status is SOCAPI_OK.
 *  - the caller owns everything it passes in; socapi never keeps or
 *    changes caller memory beyond the call.
 *  - a decoded result owns everything reachable from it and is released
 *    with one call to socapi_free() (NULL allowed). On failure *out is
 *    left NULL: nothing half-built is ever handed back.
 *  - threads: one session per thread. Distinct sessions may be used from
 *    different threads at the same time. socapi has no global state but
 *    the allocator and libcurl's, both set by socapi_global_init().
 *  - socapi never prints. Logging goes to a callback, with tokens,
 *    signatures, keys and passwords replaced by "<redacted>".
 */
#ifndef SOCAPI_SOCAPI_H
#define SOCAPI_SOCAPI_H

#include <socapi/schema.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define SOCAPI_NODISCARD __attribute__((warn_unused_result))
#else
#define SOCAPI_NODISCARD
#endif

#define SOCAPI_VERSION_MAJOR 0
#define SOCAPI_VERSION_MINOR 1
#define SOCAPI_VERSION_PATCH 0
#define SOCAPI_VERSION_STRING "0.1.0"

/* "0.1.0": the version of the library actually linked. */
const char *socapi_version(void);

enum socapi_status {
	SOCAPI_OK = 0,
	SOCAPI_E_ARG,        /* bad argument or missing credential: nothing was sent */
	SOCAPI_E_NOMEM,      /* an allocation failed */
	SOCAPI_E_TRANSPORT,  /* connection, TLS, timeout (err->curl_code) */
	SOCAPI_E_HTTP,       /* HTTP error status without a usable body */
	SOCAPI_E_PARSE,      /* the body is not JSON */
	SOCAPI_E_DECODE,     /* JSON that does not match the schema (err->path) */
	SOCAPI_E_API,        /* the platform answered an error (err->api_code) */
	SOCAPI_E_AUTH,       /* an OAuth grant or login failed (err->oauth_error) */
	/* A write (SOCAPI_METHOD_WRITE, or socapi_call_raw with post) whose
	 * connection failed after the request went out: it may or may not have
	 * taken effect on the platform. socapi never sends it again by itself
	 * (err->curl_code says what failed); check before resending, or resend
	 * with the same dedup key (err->message names the one that was sent). */
	SOCAPI_E_OUTCOME_UNKNOWN
};

/* A static English name for a status ("api error"). Never NULL. */
const char *socapi_strstatus(enum socapi_status status);

/*
 * Error details, filled by every fallible call. Plain fixed-size buffers:
 * nothing to free, safe to copy. Strings are always NUL-terminated and
 * truncated to fit. Secrets never appear in any of them.
 */
struct socapi_error {
	enum socapi_status status;
	int api_code;              /* platform error code (SOCAPI_E_API) */
	int api_subcode;
	long http_status;          /* 0 when no HTTP answer arrived */
	int curl_code;             /* CURLcode for SOCAPI_E_TRANSPORT */
	char message[512];         /* human-readable, one line */
	char path[256];            /* JSON path of a decode error: "[3].location.city.id" */
	char oauth_error[64];      /* OAuth "error" value or client-side kind */
	char captcha_sid[64];      /* VK captcha (error 14) */
	char captcha_img[512];
	char redirect_uri[512];    /* VK validation (error 17) */
	char confirmation_text[256];
	char request_params[512];  /* VK's echo of the request, as name=value&...; secrets redacted */
};

/*
 * Allocator hook. All memory socapi allocates goes through these (results,
 * arenas, buffers), so tests can inject failures. libcurl and json-c keep
 * their own allocators.
 */
struct socapi_allocator {
	void *(*malloc_fn)(size_t size, void *ctx);
	void *(*realloc_fn)(void *ptr, size_t size, void *ctx);
	void (*free_fn)(void *ptr, void *ctx);
	void *ctx;
};

/*
 * Once per program, before any other socapi call and while no other thread
 * runs: initialises libcurl (curl_global_init) and installs the allocator
 * (NULL = malloc/realloc/free). Calling it again is allowed (for example to
 * change the allocator in tests) when no socapi object is alive.
 */
SOCAPI_NODISCARD enum socapi_status
socapi_global_init(const struct socapi_allocator *allocator, struct socapi_error *err);

/* Undoes socapi_global_init (curl_global_cleanup). Same thread rules. */
void socapi_global_cleanup(void);

/*
 * Releases a decoded result (anything a typed call or socapi_decode handed
 * back through a pointer). NULL is allowed. Passing anything else is
 * undefined behaviour.
 */
void socapi_free(void *result);

/* Log levels for the log callback. */
enum socapi_log_level {
	SOCAPI_LOG_DEBUG = 0,
	SOCAPI_LOG_INFO,
	SOCAPI_LOG_WARN
};

/* Receives log lines (no trailing newline); secrets are already redacted. */
typedef void (*socapi_log_fn)(void *ctx, enum socapi_log_level level, const char *line);

/*
 * Transport options shared by every platform. Zero-initialise (or use
 * SOCAPI_OPTIONS_INIT) and set what you need; zero means the default.
 */
struct socapi_options {
	long timeout_ms;           /* whole transfer; default 35000 */
	long connect_timeout_ms;   /* default 10000 */
	const char *proxy;         /* libcurl proxy URL ("socks5h://…"); NULL = none */
	const char *ca_file;       /* CA bundle; NULL = system default */
	bool insecure_skip_verify; /* turn TLS verification off (never the default) */
	size_t max_body;           /* largest accepted answer; default 64 MiB */
	const char *user_agent;    /* default "socapi/<version>" */
	socapi_log_fn log;         /* NULL = no logging */
	void *log_ctx;
	enum socapi_log_level log_level;
	/* Typed calls pass over the members the schema does not know instead of
	 * keeping them in the structs' unknown members (left NULL): about 5%
	 * faster on answers where every object has some (bench_decode's users
	 * with three each), the same otherwise. */
	bool drop_unknown;
};

#define SOCAPI_OPTIONS_INIT {0}

/* An authenticated connection to one platform: socapi/mailru.h, socapi/ok.h, socapi/vk.h. */
struct socapi_session;

/* Closes the connection and wipes the credentials. NULL allowed. */
void socapi_session_free(struct socapi_session *session);

/* The platform a session talks to. */
enum socapi_platform socapi_session_platform(const struct socapi_session *session);

/*
 * Calls one typed method (what every generated function does). params
 * points to the method's params struct (NULL: no parameters). out points to
 * where the result goes: for object, list and string results a pointer
 * (struct x **, char **) that receives a result to release with
 * socapi_free; for scalar results (int64_t *, uint64_t *, bool *, double *)
 * the value itself.
 *
 * Before anything is sent, the parameters are checked against the schema:
 * a required one that is unset, or a value that selects another response
 * variant of the method than this one (mailru_friends_get with ext=1,
 * vk_friends_get with fields), fails with SOCAPI_E_ARG naming the parameter
 * and the variant to call. A decode error that another variant would not
 * have had names that variant in err->message too.
 *
 * A write method (SOCAPI_METHOD_WRITE) is never sent twice: where libcurl
 * would resend it on a fresh connection because a kept-alive one died
 * after the request went out, the call fails with SOCAPI_E_OUTCOME_UNKNOWN
 * instead, and no handler or retry sends it again. A method with a dedup
 * key (method->dedup) gets a fresh random one unless params set it.
 *
 * Errors: SOCAPI_E_ARG (wrong platform, no usable signing circuit, bad or
 * missing parameter), SOCAPI_E_TRANSPORT, SOCAPI_E_HTTP, SOCAPI_E_PARSE,
 * SOCAPI_E_DECODE, SOCAPI_E_API, SOCAPI_E_NOMEM, SOCAPI_E_OUTCOME_UNKNOWN.
 */
SOCAPI_NODISCARD enum socapi_status
socapi_call(struct socapi_session *session, const struct socapi_method *method,
            const void *params, void *out, struct socapi_error *err);

/*
 * Error handlers (the vk library's on_api_error_<code>): when a call fails
 * with SOCAPI_E_API and a handler is registered for err->api_code, socapi
 * calls it. A handler that returns true has the call sent again, with the
 * parameters it set through retry, after the wait it asked for; false lets
 * the call fail with err. At most max_retries retries happen per call
 * (default 3), then the last error stands. Handlers run on the calling
 * thread, inside socapi_call, socapi_call_raw and socapi_pager_next.
 */
struct socapi_retry;
typedef bool (*socapi_error_handler)(void *ctx, const struct socapi_error *err,
                                     struct socapi_retry *retry);

/*
 * Registers fn for one platform error code, replacing an earlier handler
 * of that code; fn NULL removes it. Errors: SOCAPI_E_ARG, SOCAPI_E_NOMEM.
 */
SOCAPI_NODISCARD enum socapi_status
socapi_session_on_error(struct socapi_session *session, int api_code, socapi_error_handler fn,
                        void *ctx, struct socapi_error *err);

/* The most retries per call that handlers can cause (default 3; 0 = none). */
void socapi_session_set_max_retries(struct socapi_session *session, unsigned max_retries);

/*
 * Client-side rate limit: at most per_second requests in any one-second
 * window (1..100; 0 turns it off). A call that would exceed it sleeps
 * first. VK allows 3 a second with a user token and 20 with a community
 * token.
 */
void socapi_session_set_rate_limit(struct socapi_session *session, unsigned per_second);

/* 1 for the first retry of a call, 2 for the second... */
unsigned socapi_retry_attempt(const struct socapi_retry *retry);
/* Sets (or replaces) a parameter of the next attempt; value is copied. */
void socapi_retry_set_param(struct socapi_retry *retry, const char *name, const char *value);
/* Waits ms milliseconds before the next attempt. */
void socapi_retry_wait(struct socapi_retry *retry, long ms);

/*
 * How socapi_call hands back a result of this type: true when out receives
 * a pointer to release with socapi_free (objects, lists, strings), false
 * when it receives the value itself (booleans, integers, numbers).
 */
bool socapi_result_by_pointer(const struct socapi_type *type);

/* A name=value parameter for untyped calls. */
struct socapi_param {
	const char *name;
	const char *value;
};

/*
 * Untyped call with pass_error semantics: sends method with the given
 * parameters (signed like any call) and hands back the body as received in
 * *body (NUL-terminated, *body_len bytes, release with socapi_free),
 * whether it is a result or the platform's error envelope. The status is
 * SOCAPI_OK for any JSON body; err->api_code is also set when the body is
 * an error envelope, so callers can tell. Transport and parse errors fail
 * as usual. post: true sends a form body, as typed calls always do; false
 * puts every parameter, the token and the signature included, in the URL.
 * socapi cannot tell what an untyped call does, so a POSTed one is handled
 * as a write: never sent twice, SOCAPI_E_OUTCOME_UNKNOWN when the
 * connection fails after it went out.
 */
SOCAPI_NODISCARD enum socapi_status
socapi_call_raw(struct socapi_session *session, const char *method,
                const struct socapi_param *params, size_t n_params, bool post,
                char **body, size_t *body_len, struct socapi_error *err);

/*
 * Builds a method's params struct from name=value texts, as a command line
 * gives them: integers in decimal, booleans as 0/1/true/false, lists
 * comma-separated, objects as JSON, files as "@path". Checks every name and
 * value against the schema: an unknown parameter or a value of the wrong
 * type fails with SOCAPI_E_ARG and a message naming it. *params is NULL for
 * a method without parameters; otherwise release it with socapi_free (the
 * file paths it refers to stay the caller's).
 */
SOCAPI_NODISCARD enum socapi_status
socapi_params_from_text(const struct socapi_method *method, const struct socapi_param *args,
                        size_t n_args, void **params, struct socapi_error *err);

/*
 * Finds a typed call in a platform's method table (the generated
 * <platform>_methods array) by API method name and the values the caller
 * sets. A variant fits unless one of its selecting parameters contradicts
 * args: set to another value, or a selector without a value ("*", any value
 * selects) that args lack; a selector with a value that args lack does not
 * contradict, the typed call sends it itself. Of the variants that fit, the
 * one whose selectors args set most often wins (VK groups.isMember with
 * user_ids and extended=1 is userIdsExtendedResponse, not extendedResponse);
 * a tie goes to the plain "response" variant, else to the first in the table.
 * When none fits, the plain variant. NULL when the table has no such method.
 * Reads only its arguments: safe from any thread.
 */
const struct socapi_method *
socapi_method_find(const struct socapi_method *const *methods, size_t n_methods, const char *name,
                   const struct socapi_param *args, size_t n_args);

/*
 * Page by page through a paged method (one whose socapi_method has
 * paging): the first page is the call with params as given; each next one
 * sends the reply's cursor as the anchor parameter (or advances offset by
 * the items received) until the reply says there is no more, the cursor
 * comes back empty or unchanged, or a page is empty. params are encoded at
 * once and may be released after socapi_pager_new. The pager borrows the
 * session: free the pager first. Errors: SOCAPI_E_ARG (not paged, wrong
 * platform), SOCAPI_E_NOMEM.
 */
struct socapi_pager;

SOCAPI_NODISCARD enum socapi_status
socapi_pager_new(struct socapi_session *session, const struct socapi_method *method,
                 const void *params, struct socapi_pager **out, struct socapi_error *err);

/*
 * Fetches the next page into out, as socapi_call does (release each page
 * with socapi_free). When no page remains, returns SOCAPI_OK with *done set
 * and out untouched. A failed page can be retried by calling again.
 */
SOCAPI_NODISCARD enum socapi_status
socapi_pager_next(struct socapi_pager *pager, void *out, bool *done, struct socapi_error *err);

/* Items received so far (the sum of the pages' item counts). */
size_t socapi_pager_items(const struct socapi_pager *pager);

void socapi_pager_free(struct socapi_pager *pager);

/*
 * Several typed calls at once, over curl's multi interface: calls on
 * different sessions run in parallel, calls on one session one after
 * another, in the order added (a session has one transfer at a time). Each
 * call behaves as socapi_call would, error handlers, retries and the rate
 * limit included; a handler's wait or the rate limit delays only its own
 * call. A write whose outcome is unknown (SOCAPI_E_OUTCOME_UNKNOWN in its
 * call_err) is not retried, as with socapi_call. Handlers run on the
 * thread that runs the batch. The sessions must not be used elsewhere
 * until socapi_batch_run returns.
 * The batch keeps its connections open from socapi_batch_new to
 * socapi_batch_free (up to one per session of its largest run), so later
 * runs reuse them. A call's answer is released as soon as the call is
 * decoded; the cost of a run grows linearly with its number of calls.
 */
struct socapi_batch;

SOCAPI_NODISCARD enum socapi_status socapi_batch_new(struct socapi_batch **out,
                                                     struct socapi_error *err);

/*
 * Queues a call. params are encoded at once (file parameters stay
 * borrowed until the batch has run). out receives the result as with
 * socapi_call, and call_err (required) the call's own status and details,
 * when the batch runs; both must stay valid until then. Errors
 * (nothing queued): SOCAPI_E_ARG (arguments, platform, a parameter, or the
 * batch is running: a handler cannot add to it), SOCAPI_E_NOMEM.
 */
SOCAPI_NODISCARD enum socapi_status
socapi_batch_add(struct socapi_batch *batch, struct socapi_session *session,
                 const struct socapi_method *method, const void *params, void *out,
                 struct socapi_error *call_err, struct socapi_error *err);

/*
 * Runs every queued call to its end and empties the batch, which can then
 * be filled again. SOCAPI_OK when the batch itself ran: each call's
 * outcome is in its call_err->status. It fails only for the batch
 * (SOCAPI_E_NOMEM, SOCAPI_E_TRANSPORT from curl's multi interface,
 * SOCAPI_E_ARG from a handler while the batch runs); calls it could not
 * finish then say so in their call_err.
 */
SOCAPI_NODISCARD enum socapi_status socapi_batch_run(struct socapi_batch *batch,
                                                     struct socapi_error *err);

/* Releases a batch, whatever is still queued and its open connections.
 * NULL allowed. */
void socapi_batch_free(struct socapi_batch *batch);

/*
 * Decodes JSON text into a value of type (a generated type descriptor, or a
 * built-in one). On success *out is the root (release with socapi_free).
 * Members the schema does not know are kept, per object, as the JSON text
 * of an object in the struct's `unknown` member (NULL when there were
 * none). The platforms' quirks are read as schema/README.md documents;
 * anything else of the wrong type fails with SOCAPI_E_DECODE and the JSON
 * path in err->path; text that is not JSON with SOCAPI_E_PARSE.
 */
SOCAPI_NODISCARD enum socapi_status
socapi_decode(const struct socapi_type *type, const char *json, size_t len,
              void **out, struct socapi_error *err);

/*
 * Re-encodes a decoded value as JSON text (what the typed result holds,
 * absent members left out), each object's unknown members after its typed
 * ones, so nothing the platform sent is lost. Integers the platform sends
 * as decimal strings (Mail.Ru uids, OK ids) are written as strings again,
 * so tools that read JSON numbers as doubles keep ids above 2^53 exact.
 * *json is released with socapi_free. SOCAPI_E_ARG when an unknown member
 * holds something other than a JSON object's text.
 */
SOCAPI_NODISCARD enum socapi_status
socapi_encode_json(const struct socapi_type *type, const void *value, bool pretty,
                   char **json, struct socapi_error *err);

/* Flags of socapi_encode_json_ex. */
enum {
	SOCAPI_ENCODE_PRETTY = 1u << 0,     /* indented, one member a line */
	SOCAPI_ENCODE_TYPED_ONLY = 1u << 1  /* leave the unknown members out: the typed ones only */
};

/* socapi_encode_json with SOCAPI_ENCODE_* flags. */
SOCAPI_NODISCARD enum socapi_status
socapi_encode_json_ex(const struct socapi_type *type, const void *value, unsigned flags,
                      char **json, struct socapi_error *err);

/*
 * What an OAuth grant hands back, on every platform. access_token becomes
 * the session key; uid is the user's id (Mail.Ru x_mailru_vid, VK user_id,
 * OK uid). session_secret_key is OK's per-session signing key (implicit
 * grant, auth.login). cookies (implicit grant only) holds the cookie jar
 * in Netscape format, one cookie a line, for the scrapers. fields holds
 * every name=value of the reply as received (VK community tokens arrive as
 * access_token_<group id>); read it with socapi_token_field. Release with
 * socapi_token_free, which wipes the secrets.
 */
struct socapi_token {
	char *access_token;
	char *refresh_token;   /* NULL when the reply had none */
	bool has_expires_in;
	int64_t expires_in;
	char *uid;             /* NULL when the reply had none */
	char *token_type;
	char *session_secret_key;  /* NULL when the reply had none */
	char *cookies;         /* NULL except after the implicit grant */
	size_t n_fields;
	struct socapi_token_field {
		char *name;
		char *value;       /* JSON replies: text of scalars, JSON of the rest */
	} *fields;
};

/*
 * Every platform's grants check what they need before anything is sent: an
 * application setting (named as the platform's app struct names it:
 * app_id, secret_key, application_secret_key, client_secret, ...) or an
 * argument that is NULL or empty fails with SOCAPI_E_ARG naming it.
 */

/* The value of a reply field by name, or NULL. */
const char *socapi_token_field(const struct socapi_token *token, const char *name);

void socapi_token_free(struct socapi_token *token);

/*
 * Told when socapi renewed a session's expired token by itself (Mail.Ru and
 * OK.ru sessions given a refresh token: see their credentials), on the
 * thread that made the call, before the call is sent again: store
 * token->access_token (and token->refresh_token when the platform sent a new
 * one) for the application's next run. token is socapi's: read it during
 * the call only.
 */
typedef void (*socapi_refresh_fn)(void *ctx, const struct socapi_token *token);

/* True when value is one of the enum's values (integer enums). */
bool socapi_enum_int_known(const struct socapi_enum *e, int64_t value);
/* True when value is one of the enum's values (string enums). */
bool socapi_enum_string_known(const struct socapi_enum *e, const char *value);

#ifdef __cplusplus
}
#endif

#endif
