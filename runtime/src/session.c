/*
 * session.c - library set-up, sessions and the typed call path
 * (prepare, transfer, complete), shared by every platform.
 */
#include "internal.h"

#include <string.h>

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
	*out = s;
	return SOCAPI_OK;
}

void socapi_session_free(struct socapi_session *session)
{
	if (!session)
		return;
	session->adapter->destroy(session->data);
	transport_release(&session->transport);
	sc_free(session->api_url);
	sc_free(session);
}

enum socapi_platform socapi_session_platform(const struct socapi_session *session)
{
	return session->adapter->platform;
}

/* ---- the call path ---- */

enum socapi_status call_prepare(struct call *c, struct socapi_error *err)
{
	return c->session->adapter->sign(c->session, c->method_name,
	                                 c->method ? c->method->flags : 0, &c->params, err);
}

enum socapi_status call_transfer(struct call *c, struct socapi_error *err)
{
	struct http_request req = {c->session->api_url, c->post, &c->params};
	return transport_perform(&c->session->transport, &req, &c->response, err);
}

enum socapi_status call_complete(struct call *c, struct json_object **root,
                                 struct json_object **result, struct socapi_error *err)
{
	*root = NULL;
	*result = NULL;
	enum socapi_status st = parse_json(c->response.body.data, c->response.body.len, root, err);
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

/* The three steps, once the parameters are in. */
static enum socapi_status call_run(struct call *c, struct json_object **root,
                                   struct json_object **result, struct socapi_error *err)
{
	*root = NULL;
	*result = NULL;
	enum socapi_status st = call_prepare(c, err);
	if (st == SOCAPI_OK)
		st = call_transfer(c, err);
	if (st == SOCAPI_OK)
		st = call_complete(c, root, result, err);
	return st;
}

void call_release(struct call *c)
{
	pairs_release(&c->params);
	http_response_release(&c->response);
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
	error_reset(err);
	if (!session || !method || !out)
		return set_error(err, SOCAPI_E_ARG, "socapi_call: session, method and out are required");
	bool by_pointer = socapi_result_by_pointer(method->result);
	if (by_pointer)
		memset(out, 0, sizeof(void *));
	if (method->platform != session->adapter->platform)
		return set_error(err, SOCAPI_E_ARG, "%s: the session is for another platform",
		                 method->c_name);

	struct call c = {.session = session, .method = method, .method_name = method->name,
	                 .post = (method->flags & SOCAPI_METHOD_POST) != 0};
	enum socapi_status st = encode_params(method->params, params, &session->adapter->style,
	                                      &c.params, err);
	for (uint32_t i = 0; st == SOCAPI_OK && i < method->n_forced; i++)
		if (!pairs_set(&c.params, method->forced[i].name, method->forced[i].value))
			st = set_error(err, SOCAPI_E_NOMEM, "out of memory");
	struct json_object *root = NULL, *result = NULL;
	if (st == SOCAPI_OK)
		st = call_run(&c, &root, &result, err);
	void *decoded = NULL;
	if (st == SOCAPI_OK)
		st = decode_tree(method->result, result, &decoded, err);
	if (st == SOCAPI_OK) {
		if (by_pointer) {
			memcpy(out, &decoded, sizeof decoded);
		} else {
			memcpy(out, decoded, method->result->size);
			socapi_free(decoded);
		}
	}
	json_object_put(root);
	call_release(&c);
	return st;
}

enum socapi_status socapi_call_raw(struct socapi_session *session, const char *method,
                                   const struct socapi_param *params, size_t n_params, bool post,
                                   char **body, size_t *body_len, struct socapi_error *err)
{
	error_reset(err);
	if (!session || !method || !body || (n_params && !params))
		return set_error(err, SOCAPI_E_ARG, "socapi_call_raw: session, method and body are required");
	*body = NULL;
	if (body_len)
		*body_len = 0;
	struct call c = {.session = session, .method_name = method, .post = post};
	enum socapi_status st = SOCAPI_OK;
	for (size_t i = 0; st == SOCAPI_OK && i < n_params; i++) {
		if (!params[i].name || !params[i].value)
			st = set_error(err, SOCAPI_E_ARG, "parameter %zu has no name or value", i);
		else if (!pairs_set(&c.params, params[i].name, params[i].value))
			st = set_error(err, SOCAPI_E_NOMEM, "out of memory");
	}
	struct json_object *root = NULL, *result = NULL;
	if (st == SOCAPI_OK)
		st = call_run(&c, &root, &result, err);
	if (st == SOCAPI_OK || st == SOCAPI_E_API) {
		/* pass_error: the error envelope is handed back like any body */
		struct arena *arena;
		char *copy = result_new(c.response.body.len + 1, &arena);
		if (copy) {
			memcpy(copy, c.response.body.data, c.response.body.len + 1);
			*body = copy;
			if (body_len)
				*body_len = c.response.body.len;
			if (err)
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
