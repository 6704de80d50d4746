/*
 * test_decode.c - the platforms' quirks (schema/README.md, "Real answers")
 * and bad input, through every decoder the runtime has: each case runs
 * through each of them and must give the same value or the same error.
 */
#include "../runtime/src/internal.h"
#include "check.h"

#include <mailru/mailru.h>
#include <ok/ok.h>
#include <vk/vk.h>

#include <stdlib.h>
#include <string.h>

typedef enum socapi_status (*decode_fn)(const struct socapi_type *type, const char *json, size_t len,
                                        void **out, struct socapi_error *err);

static const struct {
	const char *name;
	decode_fn decode;
} decoders[] = {
	{"tree", decode_reference},
	{"one-pass", socapi_decode},
};

#define N_DECODERS (sizeof decoders / sizeof decoders[0])

static const struct socapi_type int_list_type = {SOCAPI_KIND_ARRAY, 0, sizeof(struct socapi_int_list),
                                                 &socapi_type_int, "int_list"};

/* Decodes json as type with decoder k; the result or NULL (status in *st). */
static void *decode_with(size_t k, const struct socapi_type *type, const char *json, size_t len,
                         enum socapi_status *st, struct socapi_error *err)
{
	void *out = (void *)err; /* must come back NULL on failure */
	*st = decoders[k].decode(type, json, len, &out, err);
	if (*st != SOCAPI_OK && out != NULL) {
		fprintf(stderr, "%s: a failed decode handed back a result\n", decoders[k].name);
		CHECK(out == NULL);
		out = NULL;
	}
	return out;
}

/* The user list of a Mail.Ru friends.get answer holding one user. */
static struct mailru_user_list *one_user(size_t k, const char *user_json)
{
	char json[1024];
	snprintf(json, sizeof json, "[%s]", user_json);
	struct socapi_error err;
	enum socapi_status st;
	struct mailru_user_list *users = decode_with(k, &mailru_user_list_type, json, strlen(json), &st, &err);
	if (st != SOCAPI_OK || !users || users->n_items != 1) {
		fprintf(stderr, "%s: %s: %s\n", decoders[k].name, json, err.message);
		CHECK(st == SOCAPI_OK && users && users->n_items == 1);
		socapi_free(users);
		return NULL;
	}
	return users;
}

/* json fails to decode as type with status want, at path, with needle in the message. */
static void expect_failure(const struct socapi_type *type, const char *json, size_t len,
                           enum socapi_status want, const char *path, const char *needle)
{
	for (size_t k = 0; k < N_DECODERS; k++) {
		struct socapi_error err;
		enum socapi_status st;
		void *out = decode_with(k, type, json, len, &st, &err);
		socapi_free(out);
		if (st != want || (path && strcmp(err.path, path) != 0) || !strstr(err.message, needle)) {
			fprintf(stderr, "%s: %.*s: got %s \"%s\" at \"%s\"\n", decoders[k].name, (int)len, json,
			        socapi_strstatus(st), err.message, err.path);
			CHECK(st == want);
			if (path)
				CHECK_STR(err.path, path);
			CHECK(strstr(err.message, needle) != NULL);
		}
	}
}

static void expect_user_error(const char *user_json, const char *path, const char *needle)
{
	char json[1024];
	snprintf(json, sizeof json, "[%s]", user_json);
	expect_failure(&mailru_user_list_type, json, strlen(json), SOCAPI_E_DECODE, path, needle);
}

/* Integers that arrive as decimal strings, and decimal strings that arrive as numbers. */
static void test_numbers_and_strings(void)
{
	for (size_t k = 0; k < N_DECODERS; k++) {
		struct mailru_user_list *u = one_user(k, "{\"uid\":\"15410773191172635989\",\"sex\":\"1\","
		                                         "\"friends_count\":\"-12\",\"first_name\":123,"
		                                         "\"birthday\":1.50,\"nick\":-7}");
		if (!u)
			continue;
		const struct mailru_user *x = &u->items[0];
		CHECK(x->has_uid && x->uid == 15410773191172635989ULL);
		CHECK(x->has_sex && x->sex == MAILRU_USER_SEX_FEMALE);
		CHECK(x->has_friends_count && x->friends_count == -12);
		CHECK_STR(x->first_name, "123");
		CHECK_STR(x->birthday, "1.50"); /* a number's text as sent */
		CHECK_STR(x->nick, "-7");
		socapi_free(u);
	}
	expect_user_error("{\"sex\":\"one\"}", "[0].sex", "string is not a decimal number");
	expect_user_error("{\"sex\":\" 1\"}", "[0].sex", "string is not a decimal number");
	expect_user_error("{\"uid\":\"-5\"}", "[0].uid", "out of range for uint64");
	expect_user_error("{\"friends_count\":\"9223372036854775808\"}", "[0].friends_count",
	                  "out of range for int64");
	expect_user_error("{\"first_name\":true}", "[0].first_name", "expected string, got boolean");
	expect_user_error("{\"first_name\":[\"a\"]}", "[0].first_name", "expected string, got array");
}

/* "" or null for an absent optional scalar or id. */
static void test_absent_values(void)
{
	for (size_t k = 0; k < N_DECODERS; k++) {
		struct mailru_user_list *u = one_user(k, "{\"uid\":\"\",\"sex\":null,\"friends_count\":\"\","
		                                         "\"first_name\":null,\"nick\":\"\",\"location\":null}");
		if (!u)
			continue;
		const struct mailru_user *x = &u->items[0];
		CHECK(!x->has_uid && !x->has_sex && !x->has_friends_count);
		CHECK(x->first_name == NULL && x->location == NULL);
		CHECK(x->nick && x->nick[0] == '\0'); /* "" is a string's value, not absence */
		socapi_free(u);
	}
	/* in a list, "" stands for null too: the element stays zero */
	const char ids[] = "[1,\"\",null,\"4\"]";
	for (size_t k = 0; k < N_DECODERS; k++) {
		struct socapi_error err;
		enum socapi_status st;
		struct socapi_int_list *list = decode_with(k, &int_list_type, ids,
		                                           sizeof ids - 1, &st, &err);
		CHECK_OK(st, err);
		CHECK(list && list->n_items == 4 && list->items[0] == 1 && list->items[1] == 0 &&
		      list->items[2] == 0 && list->items[3] == 4);
		socapi_free(list);
	}
	/* "" is no object */
	expect_user_error("{\"location\":\"\"}", "[0].location", "expected object, got string");
	/* null as the whole body is no absent value: there is no answer at all, whatever the
	 * type (a flag or union result too, where null inside a body would mean "unset") */
	const struct socapi_type *whole[] = {&mailru_user_list_type, ok_market_set_status_method.result,
	                                     &socapi_type_bool, &socapi_type_int};
	for (size_t i = 0; i < sizeof whole / sizeof *whole; i++)
		expect_failure(whole[i], " null ", 6, SOCAPI_E_DECODE, NULL, "the body is JSON null");
}

/* [] where an object is expected, the root too (VK's backend does that). */
static void test_empty_array_for_object(void)
{
	for (size_t k = 0; k < N_DECODERS; k++) {
		struct mailru_user_list *u = one_user(k, "{\"uid\":\"1\",\"location\":[]}");
		if (u) {
			CHECK(u->items[0].location && !u->items[0].location->city);
			socapi_free(u);
		}
		struct socapi_error err;
		enum socapi_status st;
		struct mailru_user *root = decode_with(k, &mailru_user_type, " [ ] ", 5, &st, &err);
		CHECK_OK(st, err);
		CHECK(root && !root->has_uid && !root->first_name);
		socapi_free(root);
	}
	expect_user_error("{\"location\":[1]}", "[0].location", "expected object, got array");
	expect_failure(&mailru_user_type, "[{}]", 4, SOCAPI_E_DECODE, "", "expected object, got array");
}

/* 0/1 and true/false for flags. */
static void test_flags(void)
{
	const char json[] = "[{\"id\":1,\"online\":true,\"is_closed\":1,\"can_access_closed\":\"0\"},"
	                    "{\"id\":2,\"online\":0,\"is_closed\":false,\"can_access_closed\":1.0}]";
	for (size_t k = 0; k < N_DECODERS; k++) {
		struct socapi_error err;
		enum socapi_status st;
		struct vk_users_user_full_list *users =
			decode_with(k, &vk_users_user_full_list_type, json, sizeof json - 1, &st, &err);
		CHECK_OK(st, err);
		if (!users || users->n_items != 2)
			continue;
		const struct vk_users_user_full *a = &users->items[0], *b = &users->items[1];
		CHECK(a->has_online && a->online == VK_BASE_BOOL_INT_YES && a->has_is_closed && a->is_closed);
		CHECK(a->has_can_access_closed && !a->can_access_closed);
		CHECK(b->has_online && b->online == VK_BASE_BOOL_INT_NO && b->has_is_closed && !b->is_closed);
		CHECK(b->has_can_access_closed && b->can_access_closed);
		socapi_free(users);
	}
	char bad[] = "[{\"is_closed\":2}]";
	expect_failure(&vk_users_user_full_list_type, bad, strlen(bad), SOCAPI_E_DECODE, "[0].is_closed",
	               "other than 0/1");
	/* true/false fill flags only, not other integers */
	expect_user_error("{\"friends_count\":false}", "[0].friends_count", "expected integer, got boolean");
}

/* An integral float for an integer, exactly (never through double). */
static void test_integral_floats(void)
{
	for (size_t k = 0; k < N_DECODERS; k++) {
		struct mailru_user_list *u = one_user(k, "{\"uid\":15410773191172635989.000,\"sex\":1.0,"
		                                         "\"friends_count\":1e3,\"last_visit\":17000000.00e2,"
		                                         "\"vip\":-0.0,\"app_installed\":\"100e-2\"}");
		if (!u)
			continue;
		const struct mailru_user *x = &u->items[0];
		CHECK(x->has_uid && x->uid == 15410773191172635989ULL);
		CHECK(x->has_sex && x->sex == 1);
		CHECK(x->has_friends_count && x->friends_count == 1000);
		CHECK(x->has_last_visit && x->last_visit == 1700000000);
		CHECK(x->has_vip && x->vip == 0);
		CHECK(x->has_app_installed && x->app_installed == 1);
		socapi_free(u);
	}
	expect_user_error("{\"sex\":1.5}", "[0].sex", "not an integer");
	expect_user_error("{\"sex\":1e-1}", "[0].sex", "not an integer");
	expect_user_error("{\"friends_count\":1e19}", "[0].friends_count", "out of range for int64");
	expect_user_error("{\"uid\":18446744073709551616.0}", "[0].uid", "out of range for uint64");
	expect_user_error("{\"uid\":1e400}", "[0].uid", "out of range");
}

/* Integers beyond int64 and uint64 fail, wherever they are: json-c would clamp them. */
static void test_integer_limits(void)
{
	for (size_t k = 0; k < N_DECODERS; k++) {
		struct mailru_user_list *u = one_user(k, "{\"uid\":18446744073709551615,"
		                                         "\"friends_count\":-9223372036854775808}");
		if (!u)
			continue;
		CHECK(u->items[0].uid == UINT64_MAX);
		CHECK(u->items[0].friends_count == INT64_MIN);
		socapi_free(u);
	}
	const char *beyond[] = {
		"[{\"uid\":18446744073709551616}]",
		"[{\"uid\":99999999999999999999999}]",
		"[{\"friends_count\":-9223372036854775809}]",
		"[{\"not_in_schema\":[1,2,100000000000000000000]}]",
	};
	for (size_t i = 0; i < sizeof beyond / sizeof *beyond; i++)
		expect_failure(&mailru_user_list_type, beyond[i], strlen(beyond[i]), SOCAPI_E_PARSE, NULL,
		               "integer out of range");
	/* one that fits uint64 is still too big for an int64 member */
	expect_user_error("{\"friends_count\":9223372036854775808}", "[0].friends_count",
	                  "out of range for int64");
	/* a fraction or an exponent makes it a double, which a number member takes */
	expect_user_error("{\"friends_count\":100000000000000000000.5}", "[0].friends_count", "not an integer");
}

/* An escaped NUL cannot live in a C string: a decode error, not a shorter string. */
static void test_nul_in_strings(void)
{
	expect_user_error("{\"first_name\":\"Ив\\u0000ан\"}", "[0].first_name", "NUL");
	expect_user_error("{\"location\":{\"city\":{\"name\":\"\\u0000\"}}}", "[0].location.city.name", "NUL");
	/* where the value is kept as JSON text, the escape stays and nothing is lost */
	const char raw[] = "{\"a\":\"x\\u0000y\"}";
	for (size_t k = 0; k < N_DECODERS; k++) {
		struct socapi_error err;
		enum socapi_status st;
		char *text = decode_with(k, &socapi_type_json, raw, sizeof raw - 1, &st, &err);
		CHECK_OK(st, err);
		CHECK(text && strstr(text, "x\\u0000y"));
		socapi_free(text);
	}
}

/* Members the schema does not know are kept per object, and written back. */
static void test_unknown_members(void)
{
	const char json[] = "[{\"uid\":\"1\",\"zodiac\":\"Лев\",\"location\":{\"city\":{\"id\":\"25\","
	                    "\"name\":\"Москва\",\"metro\":[1,{\"a\":null}]},\"planet\":3}},{\"uid\":\"2\"}]";
	for (size_t k = 0; k < N_DECODERS; k++) {
		struct socapi_error err;
		enum socapi_status st;
		struct mailru_user_list *users = decode_with(k, &mailru_user_list_type, json, sizeof json - 1, &st, &err);
		CHECK_OK(st, err);
		if (!users || users->n_items != 2 || !users->items[0].location || !users->items[0].location->city)
			continue;
		const struct mailru_user *u = &users->items[0];
		CHECK_STR(u->unknown, "{\"zodiac\":\"Лев\"}");
		CHECK_STR(u->location->unknown, "{\"planet\":3}");
		CHECK_STR(u->location->city->unknown, "{\"metro\":[1,{\"a\":null}]}");
		CHECK(users->items[1].unknown == NULL); /* none: NULL */
		CHECK_STR(u->location->city->name, "Москва");
		char *all = NULL, *typed = NULL;
		CHECK_OK(socapi_encode_json(&mailru_user_list_type, users, false, &all, &err), err);
		CHECK_STR(all, "[{\"uid\":\"1\",\"location\":{\"city\":{\"id\":\"25\",\"name\":\"Москва\","
		               "\"metro\":[1,{\"a\":null}]},\"planet\":3},\"zodiac\":\"Лев\"},{\"uid\":\"2\"}]");
		CHECK_OK(socapi_encode_json_ex(&mailru_user_list_type, users, SOCAPI_ENCODE_TYPED_ONLY, &typed, &err),
		         err);
		CHECK_STR(typed, "[{\"uid\":\"1\",\"location\":{\"city\":{\"id\":\"25\",\"name\":\"Москва\"}}},"
		                 "{\"uid\":\"2\"}]");
		socapi_free(all);
		socapi_free(typed);
		/* an unknown member set by hand must be a JSON object's text */
		char not_an_object[] = "[1]";
		users->items[1].unknown = not_an_object;
		CHECK(socapi_encode_json(&mailru_user_list_type, users, false, &all, &err) == SOCAPI_E_ARG);
		CHECK(all == NULL && strstr(err.message, "unknown members of user"));
		socapi_free(users);
	}
	/* the VK envelope's [] for an empty object has no members at all */
	for (size_t k = 0; k < N_DECODERS; k++) {
		struct socapi_error err;
		enum socapi_status st;
		struct mailru_user *u = decode_with(k, &mailru_user_type, "[]", 2, &st, &err);
		CHECK(st == SOCAPI_OK && u && u->unknown == NULL);
		socapi_free(u);
	}
}

/* ---- the generated key tables find every member, and nothing else ---- */

#define MAX_STRUCTS 4096

struct visit {
	const struct socapi_struct *seen[MAX_STRUCTS];
	size_t n;
	size_t members;
};

static void check_keys_of(struct visit *v, const struct socapi_type *t)
{
	if (t->kind == SOCAPI_KIND_ARRAY) {
		check_keys_of(v, t->detail);
		return;
	}
	if (t->kind == SOCAPI_KIND_UNION) {
		const struct socapi_union *u = t->detail;
		for (uint32_t i = 0; i < u->n_alts; i++)
			check_keys_of(v, u->alts[i].type);
		return;
	}
	if (t->kind != SOCAPI_KIND_OBJECT)
		return;
	const struct socapi_struct *s = t->detail;
	for (size_t i = 0; i < v->n; i++)
		if (v->seen[i] == s)
			return;
	if (v->n == MAX_STRUCTS)
		return;
	v->seen[v->n++] = s;
	CHECK(s->unknown_offset != SOCAPI_NO_PRESENCE && s->unknown_offset + sizeof(char *) <= s->size);
	for (uint32_t i = 0; i < s->n_fields; i++) {
		const char *name = s->fields[i].json_name;
		size_t len = strlen(name);
		CHECK(struct_member(s, name, len) == &s->fields[i]);
		if (len) /* a prefix is another name */
			CHECK(struct_member(s, name, len - 1) != &s->fields[i]);
		v->members++;
		check_keys_of(v, s->fields[i].type);
	}
	CHECK(struct_member(s, "no such member", 14) == NULL);
}

static void test_key_tables(void)
{
	static struct visit v;
	const struct socapi_method *const *methods[] = {mailru_methods, ok_methods, vk_methods};
	const size_t counts[] = {mailru_n_methods, ok_n_methods, vk_n_methods};
	for (size_t p = 0; p < 3; p++)
		for (size_t i = 0; i < counts[p]; i++) {
			const struct socapi_method *m = methods[p][i];
			check_keys_of(&v, m->result);
			if (m->params) /* parameters have tables too (and no unknown member) */
				for (uint32_t k = 0; k < m->params->n_fields; k++)
					CHECK(struct_member(m->params, m->params->fields[k].json_name,
					                    strlen(m->params->fields[k].json_name)) ==
					      &m->params->fields[k]);
		}
	CHECK(v.n > 100 && v.members > 1000);
}

int main(void)
{
	struct socapi_error err;
	if (socapi_global_init(NULL, &err) != SOCAPI_OK)
		return 1;
	test_numbers_and_strings();
	test_absent_values();
	test_empty_array_for_object();
	test_flags();
	test_integral_floats();
	test_integer_limits();
	test_nul_in_strings();
	test_unknown_members();
	test_key_tables();
	socapi_global_cleanup();
	return check_summary();
}
