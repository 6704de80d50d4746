/*
 * fuzz_params.c - the CLI's parameter parser: name=value texts checked and
 * converted by socapi_params_from_text for any method of the three
 * platforms, then encoded the way a call would send them.
 * Input: [method index, 2 bytes][name=value lines...].
 */
#include "internal.h"

#include <mailru/mailru.h>
#include <ok/ok.h>
#include <stdlib.h>
#include <string.h>
#include <vk/vk.h>

#define MAX_ARGS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct socapi_method *method_at(size_t i)
{
	if (i < mailru_n_methods)
		return mailru_methods[i];
	i -= mailru_n_methods;
	if (i < ok_n_methods)
		return ok_methods[i];
	i -= ok_n_methods;
	return vk_methods[i % vk_n_methods];
}

static const struct param_style *style_of(const struct socapi_method *m)
{
	static const struct param_style numeric = {"1", "0"}, words = {"true", "false"};
	return m->platform == SOCAPI_PLATFORM_OK ? &words : &numeric;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	const struct socapi_method *m = method_at((size_t)data[0] << 8 | data[1]);
	char *text = malloc(size - 1);
	if (!text)
		return 0;
	memcpy(text, data + 2, size - 2);
	text[size - 2] = '\0';
	struct socapi_param args[MAX_ARGS];
	size_t n = 0;
	for (char *line = text, *next; line && n < MAX_ARGS; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *eq = strchr(line, '=');
		if (eq)
			*eq = '\0';
		args[n++] = (struct socapi_param){line, eq ? eq + 1 : NULL};
	}
	void *params = NULL;
	struct socapi_error err;
	enum socapi_status st = socapi_params_from_text(m, args, n, &params, &err);
	if (st != SOCAPI_OK && params)
		abort(); /* nothing half-built is handed back */
	if (st == SOCAPI_OK) {
		struct pairs encoded = {0};
		if (encode_params(m->params, params, style_of(m), &encoded, &err) == SOCAPI_OK) {
			struct buf body = {0};
			pairs_form_encode(&encoded, &body);
			buf_release(&body);
		}
		pairs_release(&encoded);
	}
	socapi_method_find(m->platform == SOCAPI_PLATFORM_MAILRU ? mailru_methods
	                   : m->platform == SOCAPI_PLATFORM_OK   ? ok_methods
	                                                         : vk_methods,
	                   m->platform == SOCAPI_PLATFORM_MAILRU ? mailru_n_methods
	                   : m->platform == SOCAPI_PLATFORM_OK   ? ok_n_methods
	                                                         : vk_n_methods,
	                   m->name, args, n);
	socapi_free(params);
	free(text);
	return 0;
}
