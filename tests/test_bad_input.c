/*
 * test_bad_input.c - what the decoders do with answers that are not what
 * they should be: truncated, invalid UTF-8, nested too deep, numbers out of
 * range, huge strings, NUL bytes, the platforms' error envelopes, and every
 * allocation of the one-pass decoder failing in turn. Always an error with
 * a status (and the path where there is one), never a crash or a leak, in
 * bounded time.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "../runtime/src/internal.h"
#include "check.h"
#include "failing_alloc.h"

#include <mailru/mailru.h>
#include <vk/vk.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char users_json[] =
	"[{\"uid\":\"15410773191172635989\",\"first_name\":\"Иван\",\"last_name\":\"Петров\",\"sex\":0,"
	"\"location\":{\"country\":{\"id\":\"24\",\"name\":\"Россия\"},\"city\":{\"id\":\"25\",\"name\":\"Москва\"}}},"
	"{\"uid\":\"1\",\"nick\":\"\\u0418\\\"x\\\"\",\"is_online\":1,\"zodiac\":[1,{\"a\":null}]}]";

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Decodes json with the one-pass decoder and the reference; both must end
 * with want (reference_want for the reference: json-c is laxer than the
 * one-pass decoder in places) and hand nothing back on failure. */
static void expect_both(const struct socapi_type *type, const char *json, size_t len, enum socapi_status want,
                        enum socapi_status reference_want, const char *what)
{
	struct socapi_error err;
	void *out = (void *)&err;
	enum socapi_status st = socapi_decode(type, json, len, &out, &err);
	if (st != want || (st != SOCAPI_OK && out))
		fprintf(stderr, "%s: one-pass gave %s (%s)\n", what, socapi_strstatus(st), err.message);
	CHECK(st == want && (st == SOCAPI_OK || !out));
	socapi_free(st == SOCAPI_OK ? out : NULL);
	out = (void *)&err;
	st = decode_reference(type, json, len, &out, &err);
	if (st != reference_want || (st != SOCAPI_OK && out))
		fprintf(stderr, "%s: the reference gave %s (%s)\n", what, socapi_strstatus(st), err.message);
	CHECK(st == reference_want && (st == SOCAPI_OK || !out));
	socapi_free(st == SOCAPI_OK ? out : NULL);
}

static void expect_parse_error(const char *json, size_t len, const char *what)
{
	expect_both(&mailru_user_list_type, json, len, SOCAPI_E_PARSE, SOCAPI_E_PARSE, what);
}

/* Every prefix of an answer is a parse error, and the one-pass decoder says
 * where it stopped. */
static void test_truncated(void)
{
	size_t len = sizeof users_json - 1;
	expect_both(&mailru_user_list_type, users_json, len, SOCAPI_OK, SOCAPI_OK, "the whole answer");
	for (size_t cut = 0; cut < len; cut++) {
		/* a buffer of exactly the prefix, so a read past its end shows under ASan */
		char *prefix = malloc(cut ? cut : 1);
		if (!prefix)
			return;
		memcpy(prefix, users_json, cut);
		expect_parse_error(prefix, cut, "a truncated answer");
		free(prefix);
	}
	struct socapi_error err;
	void *out;
	const char *cut = strstr(users_json, "Москва");
	CHECK(socapi_decode(&mailru_user_list_type, users_json, (size_t)(cut - users_json), &out, &err) ==
	      SOCAPI_E_PARSE);
	CHECK_STR(err.path, "[0].location.city.name");
	CHECK(strstr(err.message, "unexpected end of data") != NULL);
}

static void test_bad_bytes(void)
{
#define CASE(json, reference, what) {json, sizeof json - 1, reference, what}
	static const struct {
		const char *json;
		size_t len;
		enum socapi_status reference; /* json-c accepts some of what RFC 8259 and UTF-8 do not */
		const char *what;
	} cases[] = {
		CASE("[{\"nick\":\"\xff\"}]", SOCAPI_E_PARSE, "a byte that is never UTF-8"),
		CASE("[{\"nick\":\"\xd0\"}]", SOCAPI_E_PARSE, "a sequence cut short"),
		CASE("[{\"nick\":\"\xc0\x80\"}]", SOCAPI_OK, "an overlong NUL"),
		CASE("[{\"nick\":\"\xed\xa0\x80\"}]", SOCAPI_OK, "a UTF-8 surrogate"),
		CASE("[{\"nick\":\"\xf4\x90\x80\x80\"}]", SOCAPI_OK, "past U+10FFFF"),
		CASE("[{\"nick\":\"a\0z\"}]", SOCAPI_E_PARSE, "a NUL byte in a string"),
		CASE("[{\"nick\":\"a\tz\"}]", SOCAPI_OK, "a raw tab in a string"),
		CASE("[{\"nick\":\"\\x\"}]", SOCAPI_E_PARSE, "an unknown escape"),
		CASE("[{\"nick\":\"\\u12\"}]", SOCAPI_E_PARSE, "a short \\u escape"),
		CASE("\xef\xbb\xbf[]", SOCAPI_E_PARSE, "a byte order mark"),
		CASE("", SOCAPI_E_PARSE, "nothing"),
		CASE("[] []", SOCAPI_E_PARSE, "trailing data"),
		CASE("[{\"uid\":01}]", SOCAPI_E_PARSE, "a leading zero"),
		CASE("[{\"uid\":NaN}]", SOCAPI_E_DECODE, "NaN"),
		CASE("[{'uid':1}]", SOCAPI_OK, "single quotes"),
		CASE("[{\"uid\":1,}]", SOCAPI_E_PARSE, "a trailing comma"),
		CASE("[{\"uid\" 1}]", SOCAPI_E_PARSE, "no colon"),
		CASE("[{\"sex\":-}]", SOCAPI_E_PARSE, "a lone minus"),
		CASE("[{\"sex\":1.}]", SOCAPI_E_DECODE, "no digit after the point"),
	};
#undef CASE
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		expect_both(&mailru_user_list_type, cases[i].json, cases[i].len, SOCAPI_E_PARSE, cases[i].reference,
		            cases[i].what);
}

/* A user whose unknown member "zodiac" holds lists nested `lists` deep. */
static size_t nested_user(char *json, size_t lists)
{
	size_t len = (size_t)sprintf(json, "[{\"zodiac\":");
	memset(json + len, '[', lists);
	memset(json + len + lists, ']', lists);
	len += 2 * lists;
	return len + (size_t)sprintf(json + len, "}]");
}

/* Nesting stops at 64 levels, as json-c's does, in bounded time and stack. */
static void test_nesting(void)
{
	size_t depth = 200000;
	char *json = malloc(2 * depth + 16);
	if (!json)
		return;
	size_t len = nested_user(json, depth) - depth - 2; /* opened, never closed */
	double start = now();
	expect_parse_error(json, len, "200000 brackets");
	CHECK(now() - start < 10.0);
	/* the list, its user, and 62 lists: levels 1 to 64 */
	expect_both(&mailru_user_list_type, json, nested_user(json, 62), SOCAPI_OK, SOCAPI_OK, "64 levels");
	expect_parse_error(json, nested_user(json, 63), "65 levels");
	free(json);
}

/* A string of 16 MB decodes whole, in bounded time. */
static void test_huge_string(void)
{
	size_t n = 16u << 20;
	char *json = malloc(n + 64);
	if (!json)
		return;
	size_t len = (size_t)sprintf(json, "[{\"nick\":\"");
	memset(json + len, 'x', n);
	len += n;
	len += (size_t)sprintf(json + len, "\\u0416\"}]");
	struct socapi_error err;
	struct mailru_user_list *users = NULL;
	double start = now();
	CHECK_OK(mailru_user_list_decode(json, len, &users, &err), err);
	CHECK(now() - start < 10.0);
	CHECK(users && users->n_items == 1 && users->items[0].nick && strlen(users->items[0].nick) == n + 2);
	mailru_user_list_free(users);
	free(json);
}

/* ---- the platforms' envelopes, read by the one-pass decoder ---- */

static enum socapi_status envelope(const struct socapi_type *type, const char *json, enum envelope env)
{
	struct socapi_error err;
	void *out = NULL;
	enum socapi_status st = decode_body(type, json, strlen(json), env, true, &out, &err);
	CHECK(st == SOCAPI_OK || st == err.status);
	CHECK((st == SOCAPI_OK) == (out != NULL));
	socapi_free(out);
	return st;
}

static void test_envelopes(void)
{
	const struct socapi_type *users = &mailru_user_list_type, *user = &mailru_user_type;
	/* VK: {"response": ...}; anything else is for the slow path (SOCAPI_E_API) */
	CHECK(envelope(users, "{\"response\":[{\"uid\":\"1\"}],\"execute_errors\":[]}", ENVELOPE_VK) == SOCAPI_OK);
	CHECK(envelope(user, " {\"response\" : [ ] } ", ENVELOPE_VK) == SOCAPI_OK);
	CHECK(envelope(&socapi_type_json, "{\"response\":null}", ENVELOPE_VK) == SOCAPI_OK);
	CHECK(envelope(users, "{\"error\":{\"error_code\":5}}", ENVELOPE_VK) == SOCAPI_E_API);
	CHECK(envelope(users, "{\"error\":{},\"response\":[]}", ENVELOPE_VK) == SOCAPI_E_API);
	CHECK(envelope(users, "{\"response\":[],\"response\":[]}", ENVELOPE_VK) == SOCAPI_E_API);
	CHECK(envelope(users, "{}", ENVELOPE_VK) == SOCAPI_E_API);
	CHECK(envelope(users, "[]", ENVELOPE_VK) == SOCAPI_E_API);
	CHECK(envelope(users, "{\"response\":[1]}", ENVELOPE_VK) == SOCAPI_E_DECODE);
	CHECK(envelope(users, "{\"response\":[]", ENVELOPE_VK) == SOCAPI_E_PARSE);
	/* Mail.Ru: the bare result, unless the root object holds "error" */
	CHECK(envelope(users, "[{\"uid\":\"1\"}]", ENVELOPE_MAILRU) == SOCAPI_OK);
	CHECK(envelope(users, "{\"error\":{\"error_code\":202}}", ENVELOPE_MAILRU) == SOCAPI_E_API);
	CHECK(envelope(user, "{\"uid\":\"1\",\"error\":{\"error_code\":202}}", ENVELOPE_MAILRU) == SOCAPI_E_API);
	CHECK(envelope(user, "{\"uid\":\"1\",\"location\":{\"error\":1}}", ENVELOPE_MAILRU) == SOCAPI_OK);
	CHECK(envelope(&socapi_type_json, "{\"error\":{}}", ENVELOPE_MAILRU) == SOCAPI_E_API);
	CHECK(envelope(&socapi_type_json, "[{\"error\":{}}]", ENVELOPE_MAILRU) == SOCAPI_OK);
	/* OK: the bare result, unless the root object holds "error_code" */
	CHECK(envelope(user, "{\"error_code\":100,\"error_msg\":\"PARAM\"}", ENVELOPE_OK) == SOCAPI_E_API);
	CHECK(envelope(user, "{\"uid\":\"1\",\"error\":2}", ENVELOPE_OK) == SOCAPI_OK);
}

/* ---- every allocation of the one-pass decoder, failing in turn ---- */

struct decode_job {
	const struct socapi_type *type;
	const char *json;
	size_t len;
};

static enum socapi_status decode_job(void *ctx)
{
	struct decode_job *job = ctx;
	struct socapi_error err;
	void *out = (void *)&err;
	enum socapi_status st = socapi_decode(job->type, job->json, job->len, &out, &err);
	CHECK(st == SOCAPI_OK || out == NULL); /* nothing half-built comes back */
	socapi_free(st == SOCAPI_OK ? out : NULL);
	return st;
}

static void test_allocation_failures(void)
{
	/* small objects in big structs (the arena outgrows its first block), a
	 * long list (the scratch grows), unknown members, escapes */
	size_t cap = 1 << 20, len = 0;
	char *json = malloc(cap);
	if (!json)
		return;
	len += (size_t)sprintf(json, "[");
	for (int i = 0; i < 300; i++)
		len += (size_t)snprintf(json + len, cap - len, "%s{\"id\":%d,\"first_name\":\"\\u0418\",\"x\":[%d]}",
		                        i ? "," : "", i, i);
	len += (size_t)sprintf(json + len, "]");
	struct decode_job job = {&vk_users_user_full_list_type, json, len};
	long failures = fail_each_allocation(decode_job, &job, 400);
	CHECK(failures > 5);
	/* text roots and union raw text */
	struct decode_job text = {&socapi_type_string, "\"a\\nb\"", 6};
	CHECK(fail_each_allocation(decode_job, &text, 10) >= 1);
	static const char items[] = "[{\"subtype\":\"event\",\"id\":\"1\"},{\"subtype\":\"poke\",\"u\":[1]}]";
	struct decode_job stream = {&mailru_stream_item_list_type, items, sizeof items - 1};
	CHECK(fail_each_allocation(decode_job, &stream, 20) >= 2);
	free(json);
}

int main(void)
{
	struct socapi_error err;
	if (socapi_global_init(NULL, &err) != SOCAPI_OK)
		return 1;
	test_truncated();
	test_bad_bytes();
	test_nesting();
	test_huge_string();
	test_envelopes();
	test_allocation_failures();
	socapi_global_cleanup();
	return check_summary();
}
