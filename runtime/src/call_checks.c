/*
 * call_checks.c - what a typed call checks before anything is sent (the
 * schema's required parameters, the caller's values against the response
 * variant called) and the hint a decode error gets when another variant
 * of the method reads the answer.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

/* Parameter texts as the platforms' styles write booleans: 1/true, 0/false. */
static bool same_value(const char *a, const char *b)
{
	static const char *const pairs[][2] = {{"1", "true"}, {"0", "false"}};
	if (strcmp(a, b) == 0)
		return true;
	for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++)
		if ((strcmp(a, pairs[i][0]) == 0 && strcmp(b, pairs[i][1]) == 0) ||
		    (strcmp(a, pairs[i][1]) == 0 && strcmp(b, pairs[i][0]) == 0))
			return true;
	return false;
}

static const struct socapi_forced_param *forced_of(const struct socapi_method *v, const char *name)
{
	for (uint32_t k = 0; k < v->n_forced; k++)
		if (strcmp(v->forced[k].name, name) == 0)
			return &v->forced[k];
	return NULL;
}

int variant_fit(const struct socapi_method *v, param_lookup lookup, const void *ctx)
{
	int fit = 0;
	for (uint32_t k = 0; k < v->n_forced; k++) {
		const struct socapi_forced_param *f = &v->forced[k];
		const char *value = lookup(ctx, f->name);
		if (!value) {
			if (!f->value)
				return -1;
			continue;
		}
		if (f->value && !same_value(value, f->value))
			return -1;
		fit++;
	}
	return fit;
}

/* A request as the caller's encoded parameters and, when not NULL, the
 * values the variant called sends itself where the caller set none. */
struct request_view {
	const struct pairs *given;
	const struct socapi_method *called;
};

static const char *request_value(const void *ctx, const char *name)
{
	const struct request_view *r = ctx;
	const char *value = pairs_get(r->given, name);
	const struct socapi_forced_param *forced = r->called && !value ? forced_of(r->called, name) : NULL;
	return forced ? forced->value : value;
}

static int request_fit(const struct socapi_method *v, const struct pairs *given,
                       const struct socapi_method *called)
{
	const struct request_view r = {given, called};
	return variant_fit(v, request_value, &r);
}

/* The caller's parameter that makes m the wrong variant, as "name" or "name=value". */
static void describe_selector(const struct socapi_method *m, const struct socapi_method *better,
                              const struct pairs *given, char *out, size_t size)
{
	*out = '\0';
	for (uint32_t k = 0; k < m->n_forced && !*out; k++) {
		const struct socapi_forced_param *f = &m->forced[k];
		const char *value = pairs_get(given, f->name);
		if (f->value && value && !same_value(value, f->value))
			snprintf(out, size, "%s=%s", f->name, value);
	}
	for (uint32_t k = 0; better && k < better->n_forced && !*out; k++) {
		const char *name = better->forced[k].name;
		const char *value = pairs_get(given, name);
		if (value && !forced_of(m, name))
			snprintf(out, size, "%s", name);
	}
}

enum socapi_status check_variant(const struct socapi_method *m, const struct pairs *given,
                                 struct socapi_error *err)
{
	/* what m would send, when the caller's values agree with it; else the caller's alone */
	int mine = request_fit(m, given, NULL), best_fit = -1;
	const struct socapi_method *sends = mine >= 0 ? m : NULL;
	if (sends)
		mine = request_fit(m, given, sends);
	const struct socapi_method *best = NULL;
	for (uint32_t i = 0; i < m->n_variants; i++) {
		int fit = m->variants[i] == m ? -1 : request_fit(m->variants[i], given, sends);
		if (fit > best_fit) {
			best = m->variants[i];
			best_fit = fit;
		}
	}
	if (mine >= 0 && best_fit <= mine)
		return SOCAPI_OK;
	char selector[128];
	describe_selector(m, best, given, selector, sizeof selector);
	if (*selector)
		return set_error(err, SOCAPI_E_ARG, "%s: %s selects another variant of %s%s%s", m->c_name,
		                 selector, m->name, best ? ": call " : " (no variant takes it)",
		                 best ? best->c_name : "");
	/* mine < 0 with nothing contradicting: a "*" selector of m is unset */
	for (uint32_t k = 0; k < m->n_forced; k++)
		if (!m->forced[k].value && !pairs_get(given, m->forced[k].name))
			return set_error(err, SOCAPI_E_ARG, "%s: set %s, which selects this variant%s%s",
			                 m->c_name, m->forced[k].name, best ? ", or call " : "",
			                 best ? best->c_name : "");
	return SOCAPI_OK;
}

enum socapi_status check_required(const struct socapi_method *m, const struct pairs *given,
                                  struct socapi_error *err)
{
	for (uint32_t i = 0; m->params && i < m->params->n_fields; i++) {
		const struct socapi_field *f = &m->params->fields[i];
		if (!(f->flags & SOCAPI_FIELD_REQUIRED) || pairs_has(given, f->json_name))
			continue;
		const struct socapi_forced_param *forced = forced_of(m, f->json_name);
		if (forced && forced->value)
			continue; /* the variant sends it */
		return set_error(err, SOCAPI_E_ARG, "%s: parameter %s is required",
		                 m->c_name, f->json_name);
	}
	return SOCAPI_OK;
}

enum socapi_status decode_result(const struct socapi_method *m, struct json_object *result,
                                 void **decoded, struct socapi_error *err)
{
	enum socapi_status st = decode_tree(m->result, result, decoded, err);
	if (st != SOCAPI_E_DECODE || !err)
		return st;
	for (uint32_t i = 0; i < m->n_variants; i++) {
		const struct socapi_method *v = m->variants[i];
		void *other = NULL;
		if (v == m || v->result == m->result || decode_tree(v->result, result, &other, NULL) != SOCAPI_OK)
			continue;
		socapi_free(other);
		/* what selects v, as "ext=1" or "fields set" */
		char selects[128] = "";
		for (uint32_t k = 0; k < v->n_forced; k++) {
			size_t used = strlen(selects);
			snprintf(selects + used, sizeof selects - used, "%s%s%s%s", k ? ", " : "",
			         v->forced[k].name, v->forced[k].value ? "=" : " set",
			         v->forced[k].value ? v->forced[k].value : "");
		}
		size_t len = strlen(err->message);
		snprintf(err->message + len, sizeof err->message - len, "; the answer fits %s (%s)",
		         v->c_name, selects);
		break;
	}
	return st;
}
