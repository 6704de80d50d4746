/*
 * decode_input.h - what the decoder fuzz targets share: an input names the
 * typed call whose result it is decoded as, on its first line, then holds
 * the body:
 *
 *     vk_users_get\n[{"id":1,"first_name":"Иван"}]
 *
 * A first line that names no typed call picks one by its bytes, so every
 * response type of the three platforms is reached and a seed keeps its
 * method when methods are added.
 */
#ifndef SOCAPI_FUZZ_DECODE_INPUT_H
#define SOCAPI_FUZZ_DECODE_INPUT_H

#include "internal.h"

#include <mailru/mailru.h>
#include <ok/ok.h>
#include <vk/vk.h>

struct decode_input {
	const struct socapi_method *method;
	enum envelope envelope;  /* the method's platform's */
	const char *body;
	size_t len;
};

static void decode_input_split(const uint8_t *data, size_t size, struct decode_input *in)
{
	static const struct {
		const struct socapi_method *const *methods;
		const size_t *n;
		enum envelope envelope;
	} platforms[] = {
		{mailru_methods, &mailru_n_methods, ENVELOPE_MAILRU},
		{ok_methods, &ok_n_methods, ENVELOPE_OK},
		{vk_methods, &vk_n_methods, ENVELOPE_VK},
	};
	const char *text = (const char *)data, *nl = memchr(text, '\n', size < 128 ? size : 128);
	size_t name_len = nl ? (size_t)(nl - text) : 0;
	in->body = nl ? nl + 1 : text;
	in->len = size - (nl ? name_len + 1 : 0);
	size_t total = 0;
	for (size_t p = 0; p < 3; p++)
		for (size_t i = 0; i < *platforms[p].n; i++, total++) {
			const struct socapi_method *m = platforms[p].methods[i];
			if (strlen(m->c_name) == name_len && memcmp(m->c_name, text, name_len) == 0) {
				in->method = m;
				in->envelope = platforms[p].envelope;
				return;
			}
		}
	size_t pick = name_len;
	for (size_t i = 0; i < name_len; i++)
		pick = pick * 31 + (unsigned char)text[i];
	pick %= total;
	for (size_t p = 0; p < 3; pick -= *platforms[p].n, p++)
		if (pick < *platforms[p].n) {
			in->method = platforms[p].methods[pick];
			in->envelope = platforms[p].envelope;
			return;
		}
}

/* Every text the error hands out is a terminated string, and says the status. */
static void check_error(enum socapi_status st, const struct socapi_error *err)
{
	if (st == SOCAPI_OK)
		return;
	if (err->status != st || strlen(err->message) >= sizeof err->message ||
	    strlen(err->path) >= sizeof err->path || !err->message[0])
		abort();
}

#endif
