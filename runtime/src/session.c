/*
 * session.c - library set-up, sessions and the typed call path
 * (prepare, transfer, complete), shared by every platform.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, nanosleep */
#include "internal.h"

#include <inttypes.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void alloc_install(const struct socapi_allocator *a);

const char *socapi_version(void)
{
	return SOCAPI_VERSION_STRING;
}

enum socapi_status socapi_global_init(const struct socapi_allocator *allocator,
                                      struct socapi_error *err)
{
	error_reset(err);
	alloc_install(allocator);
	CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
	if (rc != CURLE_OK)
		return set_error(err, SOCAPI_E_TRANSPORT, "curl_global_init: %s", curl_easy_strerror(rc));
	return SOCAPI_OK;
}

void socapi_global_cleanup(void)
{
	curl_global_cleanup();
}

enum socapi_status session_new(const struct adapter *adapter, void *data, const char *api_url,
                               const struct socapi_options *opts, struct socapi_session **out,
                               struct socapi_error *err)
{
	struct socapi_session *s = sc_calloc(1, sizeof *s);
	char *url = sc_strdup(api_url);
	if (!s || !url) {
		sc_free(s);
		sc_free(url);
		adapter->destroy(data);
		return set_error(err, SOCAPI_E_NOMEM, "out of memory creating a session");
	}
	enum socapi_status st = transport_init(&s->transport, opts, err);
	if (st != SOCAPI_OK) {
		sc_free(s);
		sc_free(url);
		adapter->destroy(data);
		return st;
	}
	s->adapter = adapter;
	s->data = data;
	s->api_url = url;
	s->max_retries = 3;
	*out = s;
	return SOCAPI_OK;
}

void socapi_session_free(struct socapi_session *session)
{
	if (!session)
		return;
	session->adapter->destroy(session->data);
	transport_release(&session->transport);
	md5_release(&session->md5);
	pairs_release(&session->params);
	buf_release(&session->method_url);
	if (session->tokener)
		json_tokener_free(session->tokener);
	sc_free(session->handlers);
	sc_free(session->api_url);
	sc_free(session);
}

enum socapi_platform socapi_session_platform(const struct socapi_session *session)
{
	return session->adapter->platform;
}

/* ---- error handlers, retries and the rate limit ---- */

enum socapi_status socapi_session_on_error(struct socapi_session *s, int api_code,
                                           socapi_error_handler fn, void *ctx,
                                           struct socapi_error *err)
{
	error_reset(err);
	if (!s)
		return set_error(err, SOCAPI_E_ARG, "session is NULL");
	for (size_t i = 0; i < s->n_handlers; i++) {
		if (s->handlers[i].api_code != api_code)
			continue;
		if (fn)
			s->handlers[i] = (struct error_handler){api_code, fn, ctx};
		else
			s->handlers[i] = s->handlers[--s->n_handlers];
		return SOCAPI_OK;
	}
	if (!fn)
		return SOCAPI_OK;
	struct error_handler *grown = sc_realloc(s->handlers, (s->n_handlers + 1) * sizeof *grown);
	if (!grown)
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	grown[s->n_handlers++] = (struct error_handler){api_code, fn, ctx};
	s->handlers = grown;
	return SOCAPI_OK;
}

void socapi_session_set_max_retries(struct socapi_session *s, unsigned max_retries)
{
	s->max_retries = max_retries;
}

void socapi_session_set_rate_limit(struct socapi_session *s, unsigned per_second)
{
	s->rate_per_second = per_second > RATE_LIMIT_MAX ? RATE_LIMIT_MAX : per_second;
	s->rate_next = 0;
	memset(s->rate_sent, 0, sizeof s->rate_sent);
}

unsigned socapi_retry_attempt(const struct socapi_retry *r)
{
	return r->attempt;
}

void socapi_retry_set_param(struct socapi_retry *r, const char *name, const char *value)
{
	if (!name || !value || !pairs_set(r->params, name, value))
		r->nomem = true;
}

void socapi_retry_wait(struct socapi_retry *r, long ms)
{
	r->wait_ms = ms > 0 ? ms : 0;
}

int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void sleep_ms(long ms)
{
	struct timespec left = {ms / 1000, (ms % 1000) * 1000000};
	while (ms > 0 && nanosleep(&left, &left) != 0)
		;
}

/*
 * The window holds when each of the last rate_per_second requests ended:
 * a request starts a second after the oldest of them ended, so the server,
 * which sees it arrive later still, never counts one too many.
 */
int64_t rate_delay(const struct socapi_session *s)
{
	int64_t oldest = s->rate_per_second ? s->rate_sent[s->rate_next] : 0;
	int64_t wait = oldest ? oldest + 1000000000 - now_ns() : 0;
	return wait > 0 ? wait : 0;
}

void rate_done(struct socapi_session *s)
{
	if (!s->rate_per_second)
		return;
	s->rate_sent[s->rate_next] = now_ns();
	s->rate_next = (s->rate_next + 1) % s->rate_per_second;
}

static const struct error_handler *handler_for(const struct socapi_session *s, int api_code)
{
	for (size_t i = 0; i < s->n_handlers; i++)
		if (s->handlers[i].api_code == api_code)
			return &s->handlers[i];
	return NULL;
}

/* ---- the call path ---- */

enum socapi_status call_prepare(struct call *c, struct socapi_error *err)
{
	return c->session->adapter->sign(c->session, c->method_name,
	                                 c->method ? c->method->flags : 0, &c->params, err);
}

enum socapi_status call_transfer_begin(struct call *c, struct socapi_error *err)
{
	struct socapi_session *s = c->session;
	const char *url = s->api_url;
	if (s->adapter->method_in_path) {
		/* the session's transfers run one at a time: one buffer serves them all */
		struct buf *full = &s->method_url;
		buf_clear(full);
		buf_puts(full, s->api_url);
		if (full->len && full->data[full->len - 1] != '/')
			buf_append(full, "/", 1);
		buf_puts(full, c->method_name);
		if (!buf_terminate(full))
			return set_error(err, SOCAPI_E_NOMEM, "out of memory");
		url = full->data;
	}
	/* an untyped call could be anything: it goes as a write */
	bool write = c->post && (!c->method || (c->method->flags & SOCAPI_METHOD_WRITE));
	c->request = (struct http_request){.url = url, .post = c->post, .form = &c->params, .write = write};
	return transfer_begin(&c->transfer, &s->transport, &c->request, &c->response, err);
}

enum socapi_status call_transfer_end(struct call *c, CURLcode rc, struct socapi_error *err)
{
	rate_done(c->session);
	enum socapi_status st = transfer_end(&c->transfer, rc, err);
	const char *key = st == SOCAPI_E_OUTCOME_UNKNOWN && c->method && c->method->dedup
	                          ? pairs_get(&c->params, c->method->dedup)
	                          : NULL;
	if (key) { /* what the caller needs to resend it harmlessly */
		size_t len = strlen(err->message);
		snprintf(err->message + len, sizeof err->message - len,
		         "; it carried %s=%s: resend with the same value to make a repeat a no-op",
		         c->method->dedup, key);
	}
	return st;
}

enum socapi_status call_transfer(struct call *c, struct socapi_error *err)
{
	int64_t wait = rate_delay(c->session);
	if (wait)
		sleep_ms((long)((wait + 999999) / 1000000));
	enum socapi_status st = call_transfer_begin(c, err);
	return st == SOCAPI_OK ? call_transfer_end(c, curl_easy_perform(c->session->transport.curl), err)
	                       : st;
}

enum socapi_status call_complete(struct call *c, struct json_object **root,
                                 struct json_object **result, struct socapi_error *err)
{
	*root = NULL;
	*result = NULL;
	if (c->response.status >= 300 && c->response.status < 400) /* API calls follow no redirect */
		return set_error(err, SOCAPI_E_HTTP, "HTTP %ld (a redirect, not followed)", c->response.status);
	/* with the session's tokener; a typed call's body must hold no integer
	 * json-c would clamp */
	const struct buf *body = &c->response.body;
	struct json_tokener **tokener = &c->session->tokener;
	enum socapi_status st = c->method ? parse_typed_json(tokener, body->data, body->len, root, err)
	                                  : parse_json_reusing(tokener, body->data, body->len, root, err);
	if (st != SOCAPI_OK) {
		/* an HTTP error page is more useful to report as such */
		if (c->response.status >= 400)
			return set_error(err, SOCAPI_E_HTTP, "HTTP %ld with a body that is not JSON",
			                 c->response.status);
		return st;
	}
	st = c->session->adapter->unwrap(*root, result, err);
	if (st != SOCAPI_OK && st != SOCAPI_E_API) {
		json_object_put(*root);
		*root = NULL;
	}
	return st;
}

bool refresh_copy(struct refresh *r, const char *refresh_token, const char *token_url,
                  socapi_refresh_fn fn, void *ctx)
{
	r->fn = fn;
	r->ctx = ctx;
	return copy_opt(&r->refresh_token, refresh_token) && copy_opt(&r->token_url, token_url);
}

void refresh_release(struct refresh *r)
{
	sc_free_secret(r->refresh_token);
	sc_free(r->token_url);
	*r = (struct refresh){0};
}

enum socapi_status session_refreshed(struct refresh *r, char **access_token,
                                     const struct socapi_token *tok, struct socapi_error *err)
{
	char *access = sc_strdup(tok->access_token);
	char *renewal = tok->refresh_token ? sc_strdup(tok->refresh_token) : NULL;
	if (!access || (tok->refresh_token && !renewal)) {
		sc_free_secret(access);
		sc_free_secret(renewal);
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	}
	sc_free_secret(*access_token);
	*access_token = access;
	if (renewal) {
		sc_free_secret(r->refresh_token);
		r->refresh_token = renewal;
	}
	if (r->fn)
		r->fn(r->ctx, tok);
	return SOCAPI_OK;
}

/* An expired session, once per call: renew the token and go again, or keep
 * the call's error and add why the renewal failed. */
static bool refresh_for(struct call *c, long *wait_ms, struct socapi_error *err)
{
	struct socapi_session *s = c->session;
	c->refreshed = true;
	struct socapi_error why;
	error_reset(&why);
	if (s->adapter->refresh(s, &why) != SOCAPI_OK) {
		size_t len = strlen(err->message);
		snprintf(err->message + len, sizeof err->message - len, "; renewing the session failed: %s",
		         why.message);
		copy_text(err->oauth_error, sizeof err->oauth_error, why.oauth_error);
		return false;
	}
	http_response_release(&c->response);
	transport_log(&s->transport, SOCAPI_LOG_INFO, "session expired (error %d): renewed, %s again",
	              err->api_code, c->method_name);
	*wait_ms = 0;
	error_reset(err);
	return true;
}

bool call_retry(struct call *c, unsigned attempt, enum socapi_status *st, long *wait_ms,
                struct socapi_error *err)
{
	const struct adapter *a = c->session->adapter;
	if (*st == SOCAPI_E_API && !c->refreshed && a->can_refresh && a->can_refresh(c->session, err))
		return refresh_for(c, wait_ms, err);
	/* only an error the platform answered: it did not run the call, so a
	 * retry never repeats a write (never SOCAPI_E_OUTCOME_UNKNOWN) */
	const struct error_handler *h = *st == SOCAPI_E_API ? handler_for(c->session, err->api_code) : NULL;
	if (!h || attempt > c->session->max_retries)
		return false;
	struct socapi_retry retry = {&c->params, attempt, 0, false};
	if (!h->fn(h->ctx, err, &retry))
		return false;
	if (retry.nomem) {
		*st = set_error(err, SOCAPI_E_NOMEM, "out of memory retrying the call");
		return false;
	}
	http_response_release(&c->response);
	transport_log(&c->session->transport, SOCAPI_LOG_INFO, "retry %u of %s after error %d", attempt,
	              c->method_name, err->api_code);
	*wait_ms = retry.wait_ms;
	error_reset(err); /* a retry that succeeds leaves no error behind */
	return true;
}

enum socapi_status call_decode(struct call *c, void **decoded, struct socapi_error *err)
{
	const struct buf *body = &c->response.body;
	enum socapi_status st = decode_body(c->method->result, body->data ? body->data : "", body->len,
	                                    c->session->adapter->envelope,
	                                    !c->session->transport.opts.drop_unknown, decoded, err);
	if (st == SOCAPI_OK || st == SOCAPI_E_NOMEM)
		return st;
	/* no result, or none that decodes: the reference path tells why (the
	 * platform's error, an HTTP error page, the variant the answer fits) */
	err->path[0] = '\0';
	struct json_object *root = NULL, *result = NULL;
	st = call_complete(c, &root, &result, err);
	if (st == SOCAPI_OK)
		st = decode_result(c->method, result, decoded, err);
	json_object_put(root);
	return st;
}

/*
 * The three steps, once the parameters are in, and again while a handler
 * asks for a retry: the answer decoded as the method's result (decoded set),
 * or parsed and unwrapped (*root owning *result). err is never NULL here:
 * handlers need the details.
 */
static enum socapi_status call_run(struct call *c, void **decoded, struct json_object **root,
                                   struct json_object **result, struct socapi_error *err)
{
	for (unsigned attempt = 1;; attempt++) {
		enum socapi_status st = call_prepare(c, err);
		if (st == SOCAPI_OK)
			st = call_transfer(c, err);
		if (st == SOCAPI_OK)
			st = decoded ? call_decode(c, decoded, err) : call_complete(c, root, result, err);
		long wait_ms = 0;
		if (!call_retry(c, attempt, &st, &wait_ms, err))
			return st;
		if (root) {
			json_object_put(*root);
			*root = *result = NULL;
		}
		sleep_ms(wait_ms);
	}
}

void call_release(struct call *c)
{
	pairs_release(&c->params);
	http_response_release(&c->response);
}

/*
 * The method's dedup key, when the caller left it unset: a fresh random
 * value, chosen once here so every attempt of the call sends the same one
 * (VK takes random_id as a 32-bit integer; 0 would mean "no check").
 */
static enum socapi_status fill_dedup_key(const struct socapi_method *m, struct pairs *params,
                                         struct socapi_error *err)
{
	if (!m->dedup || pairs_get(params, m->dedup))
		return SOCAPI_OK;
	unsigned char random[16];
	if (RAND_bytes(random, sizeof random) != 1)
		return set_error(err, SOCAPI_E_TRANSPORT, "no random bytes for %s", m->dedup);
	char key[2 * sizeof random + 1];
	const struct socapi_field *f = NULL;
	for (uint32_t i = 0; m->params && i < m->params->n_fields && !f; i++)
		if (strcmp(m->params->fields[i].json_name, m->dedup) == 0)
			f = &m->params->fields[i];
	if (f && f->type->kind == SOCAPI_KIND_INT) {
		uint32_t n = ((uint32_t)random[0] << 24 | (uint32_t)random[1] << 16 | (uint32_t)random[2] << 8 |
		              random[3]) & 0x7fffffffu;
		snprintf(key, sizeof key, "%" PRIu32, n ? n : 1);
	} else {
		for (size_t i = 0; i < sizeof random; i++)
			snprintf(key + 2 * i, 3, "%02x", random[i]);
	}
	OPENSSL_cleanse(random, sizeof random);
	return pairs_add(params, m->dedup, key) ? SOCAPI_OK : set_error(err, SOCAPI_E_NOMEM, "out of memory");
}

enum socapi_status call_encode(const struct socapi_session *s, const struct socapi_method *m,
                               const void *params, struct pairs *out, struct socapi_error *err)
{
	if (m->platform != s->adapter->platform)
		return set_error(err, SOCAPI_E_ARG, "%s: the session is for another platform", m->c_name);
	enum socapi_status st = encode_params(m->params, params, &s->adapter->style, out, err);
	if (st == SOCAPI_OK)
		st = fill_dedup_key(m, out, err);
	if (st == SOCAPI_OK)
		st = check_variant(m, out, err);
	if (st == SOCAPI_OK)
		st = check_required(m, out, err);
	return st;
}

enum socapi_status call_force(struct call *c, struct socapi_error *err)
{
	const struct socapi_method *m = c->method;
	for (uint32_t i = 0; i < m->n_forced; i++)
		if (m->forced[i].value && !pairs_set(&c->params, m->forced[i].name, m->forced[i].value))
			return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	return SOCAPI_OK;
}

void call_store(const struct socapi_method *m, void *decoded, void *out)
{
	if (socapi_result_by_pointer(m->result)) {
		memcpy(out, &decoded, sizeof decoded);
	} else {
		memcpy(out, decoded, m->result->size);
		socapi_free(decoded);
	}
}

enum socapi_status call_method(struct socapi_session *s, const struct socapi_method *m,
                               struct pairs *params, void **decoded, struct json_object **root,
                               struct json_object **result, struct socapi_error *err)
{
	*decoded = NULL;
	/* POST whatever the schema's verb: every platform takes a form body, and
	 * tokens and signatures stay out of URLs (and so out of proxy logs) */
	struct call c = {.session = s, .method = m, .method_name = m->name, .params = *params,
	                 .post = true};
	enum socapi_status st = call_force(&c, err);
	if (st == SOCAPI_OK && !root) {
		st = call_run(&c, decoded, NULL, NULL, err); /* one pass, no tree */
	} else if (st == SOCAPI_OK) {
		*root = *result = NULL;
		st = call_run(&c, NULL, root, result, err);
		if (st == SOCAPI_OK)
			st = decode_result(m, *result, decoded, err);
		if (st != SOCAPI_OK) {
			json_object_put(*root);
			*root = NULL;
		}
	}
	*params = c.params; /* the caller's again, grown by what the call added */
	c.params = (struct pairs){0};
	call_release(&c);
	return st;
}

bool socapi_result_by_pointer(const struct socapi_type *t)
{
	switch (t->kind) {
	case SOCAPI_KIND_BOOL:
	case SOCAPI_KIND_INT:
	case SOCAPI_KIND_UINT:
	case SOCAPI_KIND_NUMBER:
	case SOCAPI_KIND_ENUM_INT:
		return false;
	default:
		return true;
	}
}

enum socapi_status socapi_call(struct socapi_session *session, const struct socapi_method *method,
                               const void *params, void *out, struct socapi_error *err)
{
	struct socapi_error local;
	if (!err)
		err = &local;
	error_reset(err);
	if (!session || !method || !out)
		return set_error(err, SOCAPI_E_ARG, "socapi_call: session, method and out are required");
	bool by_pointer = socapi_result_by_pointer(method->result);
	if (by_pointer)
		memset(out, 0, sizeof(void *));
	/* the session's list, unless a handler calls from inside a call */
	bool reuse = !session->params_busy;
	struct pairs own = {0}, *encoded = reuse ? &session->params : &own;
	session->params_busy = true;
	enum socapi_status st = call_encode(session, method, params, encoded, err);
	void *decoded = NULL;
	if (st == SOCAPI_OK)
		st = call_method(session, method, encoded, &decoded, NULL, NULL, err);
	if (st == SOCAPI_OK)
		call_store(method, decoded, out);
	pairs_clear(encoded);
	pairs_release(&own);
	if (reuse)
		session->params_busy = false;
	return st;
}

enum socapi_status socapi_call_raw(struct socapi_session *session, const char *method,
                                   const struct socapi_param *params, size_t n_params, bool post,
                                   char **body, size_t *body_len, struct socapi_error *err)
{
	struct socapi_error local;
	if (!err)
		err = &local;
	error_reset(err);
	if (!session || !method || !body || (n_params && !params))
		return set_error(err, SOCAPI_E_ARG, "socapi_call_raw: session, method and body are required");
	*body = NULL;
	if (body_len)
		*body_len = 0;
	struct call c = {.session = session, .method_name = method, .post = post};
	enum socapi_status st = pairs_from_params(params, n_params, &c.params, err);
	struct json_object *root = NULL, *result = NULL;
	if (st == SOCAPI_OK)
		st = call_run(&c, NULL, &root, &result, err);
	if (st == SOCAPI_OK || st == SOCAPI_E_API) {
		/* pass_error: the error envelope is handed back like any body */
		struct arena *arena;
		char *copy = result_new(c.response.body.len + 1, &arena);
		if (copy) {
			memcpy(copy, c.response.body.data, c.response.body.len + 1);
			*body = copy;
			if (body_len)
				*body_len = c.response.body.len;
			err->status = SOCAPI_OK;
			st = SOCAPI_OK;
		} else {
			st = set_error(err, SOCAPI_E_NOMEM, "out of memory");
		}
	}
	json_object_put(root);
	call_release(&c);
	return st;
}
