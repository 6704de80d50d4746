/*
 * oauth.c - what every platform's OAuth grants share: posting to a token
 * endpoint, reading the token reply (JSON or a redirect's fragment), and
 * freeing tokens.
 */
#include "internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void socapi_token_free(struct socapi_token *token)
{
	if (!token)
		return;
	sc_free_secret(token->access_token);
	sc_free_secret(token->refresh_token);
	sc_free(token->uid);
	sc_free(token->token_type);
	sc_free_secret(token->session_secret_key);
	sc_free_secret(token->cookies);
	for (size_t i = 0; i < token->n_fields; i++) {
		sc_free(token->fields[i].name);
		sc_free_secret(token->fields[i].value);
	}
	sc_free(token->fields);
	sc_free(token);
}

const char *socapi_token_field(const struct socapi_token *token, const char *name)
{
	for (size_t i = 0; token && name && i < token->n_fields; i++)
		if (strcmp(token->fields[i].name, name) == 0)
			return token->fields[i].value;
	return NULL;
}

/* Field names that carry the user's id in the platforms' replies. */
static const char *const uid_fields[] = {"x_mailru_vid", "user_id", "uid"};

static bool set_field(char **slot, const char *value)
{
	sc_free_secret(*slot);
	*slot = sc_strdup(value);
	return *slot != NULL;
}

/* Keeps a reply field as received, in t->fields. */
static bool token_keep(struct socapi_token *t, const char *name, const char *value)
{
	struct socapi_token_field *grown = sc_realloc(t->fields, (t->n_fields + 1) * sizeof *grown);
	if (!grown)
		return false;
	t->fields = grown;
	char *n = sc_strdup(name), *v = sc_strdup(value);
	if (!n || !v) {
		sc_free(n);
		sc_free(v);
		return false;
	}
	t->fields[t->n_fields++] = (struct socapi_token_field){n, v};
	return true;
}

/* Stores one reply field; false only when out of memory. */
static bool token_set(struct socapi_token *t, const char *name, const char *value)
{
	if (!token_keep(t, name, value))
		return false;
	/* OK's auth.login names the access token session_key */
	if (strcmp(name, "access_token") == 0 || (strcmp(name, "session_key") == 0 && !t->access_token))
		return set_field(&t->access_token, value);
	if (strcmp(name, "refresh_token") == 0)
		return set_field(&t->refresh_token, value);
	if (strcmp(name, "token_type") == 0)
		return set_field(&t->token_type, value);
	if (strcmp(name, "session_secret_key") == 0)
		return set_field(&t->session_secret_key, value);
	if (strcmp(name, "expires_in") == 0) {
		char *end;
		long long v = strtoll(value, &end, 10);
		if (*value && !*end) {
			t->expires_in = v;
			t->has_expires_in = true;
		}
		return true;
	}
	for (size_t i = 0; i < sizeof uid_fields / sizeof *uid_fields; i++)
		if (strcmp(name, uid_fields[i]) == 0 && !t->uid)
			return set_field(&t->uid, value);
	return true;
}

static enum socapi_status token_finish(struct socapi_token *t, struct socapi_token **out,
                                       struct socapi_error *err)
{
	/* VK community tokens only: access_token_<group id>; the first one leads */
	for (size_t i = 0; !t->access_token && i < t->n_fields; i++)
		if (strncmp(t->fields[i].name, "access_token_", 13) == 0 &&
		    !set_field(&t->access_token, t->fields[i].value)) {
			socapi_token_free(t);
			return set_error(err, SOCAPI_E_NOMEM, "out of memory");
		}
	if (!t->access_token || !t->access_token[0]) {
		socapi_token_free(t);
		if (err)
			copy_text(err->oauth_error, sizeof err->oauth_error, "oauth_error");
		return set_error(err, SOCAPI_E_AUTH, "the token reply has no access_token");
	}
	*out = t;
	return SOCAPI_OK;
}

enum socapi_status oauth_failure(struct socapi_error *err, struct json_object *error,
                                 struct json_object *root)
{
	const char *kind = "oauth_error", *desc = "";
	struct json_object *v;
	if (json_object_is_type(error, json_type_string)) {
		kind = json_object_get_string(error);
		if (json_object_object_get_ex(root, "error_description", &v))
			desc = json_object_get_string(v);
	} else if (json_object_is_type(error, json_type_object)) {
		/* an API-style envelope: {"error": {"error_code": N, "error_msg": "…"}} */
		if (json_object_object_get_ex(error, "error_msg", &v))
			desc = json_object_get_string(v);
		if (err && json_object_object_get_ex(error, "error_code", &v))
			err->api_code = json_object_get_int(v);
	}
	if (err) {
		copy_text(err->oauth_error, sizeof err->oauth_error, kind);
		/* what the caller needs to answer VK's need_captcha and need_validation */
		if (json_object_object_get_ex(root, "captcha_sid", &v))
			copy_text(err->captcha_sid, sizeof err->captcha_sid, json_object_get_string(v));
		if (json_object_object_get_ex(root, "captcha_img", &v))
			copy_text(err->captcha_img, sizeof err->captcha_img, json_object_get_string(v));
		if (json_object_object_get_ex(root, "redirect_uri", &v))
			copy_text(err->redirect_uri, sizeof err->redirect_uri, json_object_get_string(v));
	}
	return set_error(err, SOCAPI_E_AUTH, "authorization failed: %s%s%s", kind, *desc ? ": " : "",
	                 desc);
}

enum socapi_status oauth_token_reply(long status, const char *body, size_t len,
                                     struct socapi_token **out, struct socapi_error *err)
{
	*out = NULL;
	/* a token endpoint never redirects on purpose: say so rather than "not JSON" */
	if (status >= 300 && status < 400)
		return set_error(err, SOCAPI_E_HTTP, "token endpoint: HTTP %ld (a redirect, not followed)",
		                 status);
	struct json_object *root = NULL;
	enum socapi_status st = parse_json(body, len, &root, err);
	if (st != SOCAPI_OK)
		return status >= 400 ? set_error(err, SOCAPI_E_HTTP, "token endpoint: HTTP %ld", status) : st;
	struct json_object *error;
	if (!json_object_is_type(root, json_type_object)) {
		st = set_error(err, SOCAPI_E_AUTH, "token endpoint: the reply is not a JSON object");
	} else if (json_object_object_get_ex(root, "error", &error)) {
		st = oauth_failure(err, error, root);
	} else {
		st = token_from_json(root, out, err);
	}
	json_object_put(root);
	return st;
}

enum socapi_status oauth_token_request(const struct socapi_options *opts, const char *url,
                                       const struct pairs *form, struct socapi_token **out,
                                       struct socapi_error *err)
{
	*out = NULL;
	struct transport t;
	enum socapi_status st = transport_init(&t, opts, err);
	if (st != SOCAPI_OK)
		return st;
	struct http_request req = {.url = url, .post = true, .form = form, .secret_answer = true};
	struct http_response resp;
	st = transport_perform(&t, &req, &resp, err);
	transport_release(&t);
	if (st != SOCAPI_OK)
		return st;
	st = oauth_token_reply(resp.status, resp.body.data, resp.body.len, out, err);
	http_response_release(&resp);
	if (st == SOCAPI_E_HTTP)
		error_add_url(err, url); /* a wrong token URL is the usual cause */
	return st;
}

enum socapi_status token_from_json(struct json_object *reply, struct socapi_token **out,
                                   struct socapi_error *err)
{
	*out = NULL;
	struct socapi_token *tok = sc_calloc(1, sizeof *tok);
	if (!tok)
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	json_object_object_foreach(reply, key, val)
	{
		/* scalars as their text, anything else as JSON */
		if (!token_set(tok, key, json_object_get_string(val) ? json_object_get_string(val) : "")) {
			socapi_token_free(tok);
			return set_error(err, SOCAPI_E_NOMEM, "out of memory");
		}
	}
	return token_finish(tok, out, err);
}

enum socapi_status token_from_query(const char *query, struct socapi_token **out,
                                    struct socapi_error *err)
{
	*out = NULL;
	struct socapi_token *tok = sc_calloc(1, sizeof *tok);
	if (!tok)
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	enum socapi_status st = SOCAPI_OK;
	const char *p = query;
	while (st == SOCAPI_OK && *p) {
		size_t len = strcspn(p, "&");
		const char *eq = memchr(p, '=', len);
		if (eq) {
			int nlen = 0, vlen = 0;
			char *name = curl_easy_unescape(NULL, p, (int)(eq - p), &nlen);
			char *value = curl_easy_unescape(NULL, eq + 1, (int)(len - (size_t)(eq - p) - 1), &vlen);
			if (!name || !value || !token_set(tok, name, value))
				st = set_error(err, SOCAPI_E_NOMEM, "out of memory");
			curl_free(name);
			if (value) {
				memset(value, 0, (size_t)vlen);
				curl_free(value);
			}
		}
		p += len;
		if (*p == '&')
			p++;
	}
	if (st != SOCAPI_OK) {
		socapi_token_free(tok);
		return st;
	}
	return token_finish(tok, out, err);
}

/* SOCAPI_E_ARG naming the first of values that is NULL or empty. */
static enum socapi_status require_set(const char *grant, const struct socapi_param *values, size_t n,
                                      struct socapi_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (!str_set(values[i].value))
			return set_error(err, SOCAPI_E_ARG, "%s grant: %s is required", grant, values[i].name);
	return SOCAPI_OK;
}

enum socapi_status grant_begin(struct socapi_token **out, const char *grant,
                               const struct socapi_param *needs, size_t n_needs,
                               struct socapi_error *err)
{
	error_reset(err);
	if (!out)
		return set_error(err, SOCAPI_E_ARG, "out is NULL");
	*out = NULL;
	return require_set(grant, needs, n_needs, err);
}

enum socapi_status oauth_grant(const struct socapi_options *opts, const struct grant *g,
                               const struct socapi_param *fields, size_t n_fields,
                               struct socapi_token **out, struct socapi_error *err)
{
	*out = NULL;
	enum socapi_status st =
		require_set(g->grant_type ? g->grant_type : "code exchange", fields, n_fields, err);
	if (st != SOCAPI_OK)
		return st;
	struct pairs form = {0};
	bool ok = (!g->grant_type || pairs_add(&form, "grant_type", g->grant_type)) &&
	          pairs_add(&form, "client_id", g->client_id) &&
	          (!str_set(g->client_secret) || pairs_add(&form, "client_secret", g->client_secret));
	for (size_t i = 0; ok && i < n_fields; i++)
		ok = pairs_add(&form, fields[i].name, fields[i].value);
	st = ok ? oauth_token_request(opts, g->url, &form, out, err)
	        : set_error(err, SOCAPI_E_NOMEM, "out of memory");
	pairs_release(&form);
	if (st == SOCAPI_OK && g->need_refresh && !(*out)->refresh_token) {
		socapi_token_free(*out);
		*out = NULL;
		if (err)
			copy_text(err->oauth_error, sizeof err->oauth_error, "oauth_error");
		st = set_error(err, SOCAPI_E_AUTH, "'refresh_token' is missing in the response");
	}
	return st;
}
