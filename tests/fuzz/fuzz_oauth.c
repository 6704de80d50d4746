/*
 * fuzz_oauth.c - OAuth replies: a token endpoint's answer (any HTTP status,
 * any body) and the name=value text of a redirect's fragment or query.
 * Input: [0][status][body...] or [1][fragment...].
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A token handed out must be whole: every string terminated, access_token set. */
static void check_token(const struct socapi_token *t)
{
	size_t n = strlen(t->access_token);
	if (!n)
		abort();
	for (size_t i = 0; i < t->n_fields; i++)
		n += strlen(t->fields[i].name) + strlen(t->fields[i].value);
	if (t->refresh_token)
		n += strlen(t->refresh_token);
	if (t->uid)
		n += strlen(t->uid);
	(void)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = {200, 200, 200, 302, 400, 401, 500, 503};
	if (size < 2)
		return 0;
	struct socapi_token *tok = NULL;
	struct socapi_error err;
	error_reset(&err);
	enum socapi_status st;
	if (data[0] % 2 == 0) {
		long status = statuses[data[1] % (sizeof statuses / sizeof *statuses)];
		st = oauth_token_reply(status, (const char *)data + 2, size - 2, &tok, &err);
	} else {
		char *text = malloc(size);
		if (!text)
			return 0;
		memcpy(text, data + 1, size - 1);
		text[size - 1] = '\0';
		st = token_from_query(text, &tok, &err);
		free(text);
	}
	if ((st == SOCAPI_OK) != (tok != NULL) || err.status != st)
		abort();
	if (tok)
		check_token(tok);
	else if (strlen(err.message) >= sizeof err.message || strlen(err.oauth_error) >= sizeof err.oauth_error)
		abort();
	socapi_token_free(tok);
	return 0;
}
