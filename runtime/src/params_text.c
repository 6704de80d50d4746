/*
 * params_text.c - params structs from name=value texts (the CLI's input),
 * checked against the method's descriptor.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct filler {
	struct arena *arena;
	const char *name;  /* parameter being filled, for messages */
	struct socapi_error *err;
};

static enum socapi_status bad_value(struct filler *f, const char *expected, const char *text)
{
	return set_error(f->err, SOCAPI_E_ARG, "parameter %s: expected %s, got '%s'", f->name, expected,
	                 text);
}

/* Decimal text into an int64_t or uint64_t slot. */
static bool decimal(const char *s, bool is_unsigned, void *slot)
{
	int64_t i;
	uint64_t u;
	if (!parse_decimal(s, is_unsigned, &i, &u))
		return false;
	if (is_unsigned)
		memcpy(slot, &u, sizeof u);
	else
		memcpy(slot, &i, sizeof i);
	return true;
}

/* An integer enum also accepts the schema's name for a value. */
static bool enum_by_name(const struct socapi_enum *e, const char *text, int64_t *out)
{
	for (uint32_t i = 0; i < e->n_values; i++)
		if (!e->values[i].str_value && strcmp(e->values[i].name, text) == 0) {
			*out = e->values[i].int_value;
			return true;
		}
	return false;
}

static enum socapi_status fill_value(struct filler *f, const struct socapi_type *t, const char *text,
                                     size_t len, void *slot);

static enum socapi_status fill_list(struct filler *f, const struct socapi_type *t, const char *text,
                                    struct socapi_list *list)
{
	const struct socapi_type *elem = t->detail;
	if (elem->kind == SOCAPI_KIND_OBJECT || elem->kind == SOCAPI_KIND_UNION ||
	    elem->kind == SOCAPI_KIND_ARRAY || elem->kind == SOCAPI_KIND_FILE)
		return bad_value(f, "a list of simple values (lists of objects are not supported as text)",
		                 text);
	size_t n = *text ? 1 : 0;
	for (const char *c = text; *c; c++)
		n += *c == ',';
	unsigned char *items = arena_alloc(f->arena, n * elem->size);
	if (!items)
		return set_error(f->err, SOCAPI_E_NOMEM, "out of memory");
	const char *p = text;
	for (size_t i = 0; i < n; i++) {
		size_t len = strcspn(p, ",");
		enum socapi_status st = fill_value(f, elem, p, len, items + i * elem->size);
		if (st != SOCAPI_OK)
			return st;
		p += len + (p[len] == ',');
	}
	list->items = items;
	list->n_items = n;
	return SOCAPI_OK;
}

static enum socapi_status fill_value(struct filler *f, const struct socapi_type *t, const char *text,
                                     size_t len, void *slot)
{
	char *copy = arena_strndup(f->arena, text, len);
	if (!copy)
		return set_error(f->err, SOCAPI_E_NOMEM, "out of memory");
	switch ((enum socapi_kind)t->kind) {
	case SOCAPI_KIND_BOOL: {
		bool v = strcmp(copy, "1") == 0 || strcmp(copy, "true") == 0;
		if (!v && strcmp(copy, "0") != 0 && strcmp(copy, "false") != 0)
			return bad_value(f, "0, 1, true or false", copy);
		memcpy(slot, &v, sizeof v);
		return SOCAPI_OK;
	}
	case SOCAPI_KIND_ENUM_INT: {
		int64_t v;
		if (enum_by_name(t->detail, copy, &v)) {
			memcpy(slot, &v, sizeof v);
			return SOCAPI_OK;
		}
		return decimal(copy, false, slot) ? SOCAPI_OK : bad_value(f, "an integer or a value name", copy);
	}
	case SOCAPI_KIND_INT:
		return decimal(copy, false, slot) ? SOCAPI_OK : bad_value(f, "an integer", copy);
	case SOCAPI_KIND_UINT:
		return decimal(copy, true, slot) ? SOCAPI_OK : bad_value(f, "an unsigned integer", copy);
	case SOCAPI_KIND_NUMBER: {
		char *end;
		errno = 0;
		double v = strtod(copy, &end);
		if (!*copy || *end || errno)
			return bad_value(f, "a number", copy);
		memcpy(slot, &v, sizeof v);
		return SOCAPI_OK;
	}
	case SOCAPI_KIND_ENUM_STRING:
	case SOCAPI_KIND_STRING:
	case SOCAPI_KIND_SCALAR:
	case SOCAPI_KIND_JSON:
		memcpy(slot, &copy, sizeof copy);
		return SOCAPI_OK;
	case SOCAPI_KIND_FILE: {
		if (copy[0] != '@' || !copy[1])
			return bad_value(f, "@path of a file", copy);
		struct socapi_file *file = arena_alloc(f->arena, sizeof *file);
		if (!file)
			return set_error(f->err, SOCAPI_E_NOMEM, "out of memory");
		file->path = copy + 1;
		memcpy(slot, &file, sizeof file);
		return SOCAPI_OK;
	}
	case SOCAPI_KIND_ARRAY:
		return fill_list(f, t, copy, slot);
	case SOCAPI_KIND_OBJECT:
	case SOCAPI_KIND_UNION:
		break;
	}
	return bad_value(f, "a value of a simple type", copy);
}

enum socapi_status socapi_params_from_text(const struct socapi_method *method,
                                           const struct socapi_param *args, size_t n_args,
                                           void **params, struct socapi_error *err)
{
	error_reset(err);
	if (!params || !method || (n_args && !args))
		return set_error(err, SOCAPI_E_ARG, "socapi_params_from_text: missing argument");
	*params = NULL;
	const struct socapi_struct *desc = method->params;
	if (!desc) {
		if (n_args)
			return set_error(err, SOCAPI_E_ARG, "%s takes no parameters (got %s)", method->name,
			                 args[0].name);
		return SOCAPI_OK;
	}
	struct arena *arena;
	unsigned char *base = result_new(desc->size, &arena);
	if (!base)
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	struct filler f = {arena, NULL, err};
	enum socapi_status st = SOCAPI_OK;
	for (size_t i = 0; st == SOCAPI_OK && i < n_args; i++) {
		const struct socapi_field *field = NULL;
		for (uint32_t k = 0; k < desc->n_fields; k++)
			if (args[i].name && strcmp(desc->fields[k].json_name, args[i].name) == 0)
				field = &desc->fields[k];
		if (!field || !args[i].value) {
			st = set_error(err, SOCAPI_E_ARG, "%s has no parameter '%s'", method->name,
			               args[i].name ? args[i].name : "(null)");
			break;
		}
		f.name = field->json_name;
		if (field->type->kind == SOCAPI_KIND_OBJECT || field->type->kind == SOCAPI_KIND_UNION) {
			st = set_error(err, SOCAPI_E_ARG, "parameter %s: object parameters are not supported as text",
			               field->json_name);
			break;
		}
		st = fill_value(&f, field->type, args[i].value, strlen(args[i].value), base + field->offset);
		if (st == SOCAPI_OK && field->has_offset != SOCAPI_NO_PRESENCE)
			base[field->has_offset] = 1;
	}
	if (st != SOCAPI_OK) {
		socapi_free(base);
		return st;
	}
	*params = base;
	return SOCAPI_OK;
}

/* The caller's name=value texts, for variant_fit. */
struct text_args {
	const struct socapi_param *args;
	size_t n;
};

static const char *text_arg(const void *ctx, const char *name)
{
	const struct text_args *t = ctx;
	for (size_t a = 0; a < t->n; a++)
		if (t->args[a].name && strcmp(t->args[a].name, name) == 0)
			return t->args[a].value;
	return NULL;
}

const struct socapi_method *socapi_method_find(const struct socapi_method *const *methods,
                                               size_t n_methods, const char *name,
                                               const struct socapi_param *args, size_t n_args)
{
	const struct socapi_method *best = NULL, *plain = NULL, *any = NULL;
	int best_fit = -1;
	for (size_t i = 0; i < n_methods; i++) {
		const struct socapi_method *m = methods[i];
		if (strcmp(m->name, name) != 0)
			continue;
		if (!any)
			any = m;
		bool is_plain = strcmp(m->variant, "response") == 0;
		if (is_plain)
			plain = m;
		const struct text_args given = {args, n_args};
		int fit = variant_fit(m, text_arg, &given);
		/* the most selectors matched wins; on a tie the plain variant, else the first */
		if (fit > best_fit || (fit == best_fit && fit >= 0 && is_plain)) {
			best = m;
			best_fit = fit;
		}
	}
	if (best)
		return best;
	return plain ? plain : any;
}
