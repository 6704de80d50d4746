/*
 * fuzz_decode.c - the one-pass decoder on any body, as the result of any
 * typed call of the three platforms (decode_input.h): once inside the
 * platform's envelope, as a call's answer is read (here without keeping
 * unknown members, as the session option drop_unknown has it), once bare,
 * as socapi_decode reads it. A decoded result must encode back to JSON.
 */
#include "decode_input.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void decode(const struct socapi_type *type, const char *body, size_t len, enum envelope env,
                   bool keep_unknown)
{
	struct socapi_error err;
	error_reset(&err);
	void *out = (void *)&err;
	enum socapi_status st = decode_body(type, body, len, env, keep_unknown, &out, &err);
	if ((st == SOCAPI_OK) != (out != NULL))
		abort(); /* a result exactly when it succeeded */
	if (st == SOCAPI_E_API && env == ENVELOPE_NONE)
		abort(); /* only envelopes send the body the slow way */
	if (st != SOCAPI_E_API)
		check_error(st, &err);
	if (st != SOCAPI_OK)
		return;
	char *json = NULL;
	st = socapi_encode_json(type, out, false, &json, &err);
	if (st != SOCAPI_OK || !json)
		abort();
	socapi_free(json);
	socapi_free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct socapi_error err;
	if (!ready && socapi_global_init(NULL, &err) != SOCAPI_OK)
		abort();
	ready = true;
	struct decode_input in;
	decode_input_split(data, size, &in);
	decode(in.method->result, in.body, in.len, in.envelope, false);
	decode(in.method->result, in.body, in.len, ENVELOPE_NONE, true);
	return 0;
}
