/*
 * html.c - reads the login and consent forms of OAuth pages with libxml2's
 * forgiving HTML parser: the first POST form, its action and the fields a
 * browser would send.
 */
#include "html.h"

#include <libxml/HTMLparser.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

static const char *attr(xmlNode *node, const char *name)
{
	for (xmlAttr *a = node->properties; a; a = a->next)
		if (a->name && strcasecmp((const char *)a->name, name) == 0 && a->children &&
		    a->children->content)
			return (const char *)a->children->content;
	return NULL;
}

static bool is_element(xmlNode *node, const char *name)
{
	return node->type == XML_ELEMENT_NODE && strcasecmp((const char *)node->name, name) == 0;
}

static xmlNode *find_post_form(xmlNode *node)
{
	for (; node; node = node->next) {
		if (is_element(node, "form")) {
			const char *method = attr(node, "method");
			if (method && strcasecmp(method, "post") == 0)
				return node;
		}
		xmlNode *found = find_post_form(node->children);
		if (found)
			return found;
	}
	return NULL;
}

/* The value a <select> sends: its selected option, else its first. */
static const char *select_value(xmlNode *select)
{
	const char *first = NULL;
	for (xmlNode *o = select->children; o; o = o->next) {
		if (!is_element(o, "option"))
			continue;
		const char *v = attr(o, "value");
		if (!v && o->children && o->children->content)
			v = (const char *)o->children->content;
		if (!first)
			first = v;
		if (attr(o, "selected"))
			return v;
	}
	return first;
}

static bool collect_fields(xmlNode *node, struct pairs *fields)
{
	for (; node; node = node->next) {
		const char *name = node->type == XML_ELEMENT_NODE ? attr(node, "name") : NULL;
		const char *value = NULL;
		bool send = false;
		if (name && is_element(node, "input")) {
			const char *type = attr(node, "type");
			/* like a browser that submits with the form's button, not an input */
			send = !type || (strcasecmp(type, "submit") != 0 && strcasecmp(type, "image") != 0 &&
			                 strcasecmp(type, "reset") != 0 && strcasecmp(type, "button") != 0 &&
			                 strcasecmp(type, "file") != 0 &&
			                 ((strcasecmp(type, "checkbox") != 0 && strcasecmp(type, "radio") != 0) ||
			                  attr(node, "checked")));
			value = attr(node, "value");
		} else if (name && is_element(node, "select")) {
			send = true;
			value = select_value(node);
		} else if (name && is_element(node, "button")) {
			/* the consent button ("agree") is what a user clicks */
			const char *type = attr(node, "type");
			send = !type || strcasecmp(type, "submit") == 0;
			value = attr(node, "value");
		}
		if (send && !pairs_set(fields, name, value ? value : ""))
			return false;
		if (send && is_element(node, "input") && attr(node, "type") &&
		    strcasecmp(attr(node, "type"), "password") == 0)
			pairs_mark_secret(fields, name);
		if (!collect_fields(node->children, fields))
			return false;
	}
	return true;
}

static xmlNode *find_element(xmlNode *node, const char *name)
{
	for (; node; node = node->next) {
		if (is_element(node, name))
			return node;
		xmlNode *found = find_element(node->children, name);
		if (found)
			return found;
	}
	return NULL;
}

enum socapi_status html_read_form(const char *html, size_t len, const char *page_url,
                                  struct html_form *form, struct socapi_error *err)
{
	memset(form, 0, sizeof *form);
	if (len > INT_MAX)
		return set_error(err, SOCAPI_E_PARSE, "page too large");
	htmlDocPtr doc = htmlReadMemory(html, (int)len, page_url, "UTF-8",
	                                HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	                                        HTML_PARSE_NONET);
	if (!doc) /* libxml2 recovers from anything but an empty page */
		return set_error(err, SOCAPI_E_AUTH, "the page has no form (it is empty)");
	enum socapi_status st = SOCAPI_OK;
	xmlNode *f = find_post_form(xmlDocGetRootElement(doc));
	if (!f) {
		st = set_error(err, SOCAPI_E_AUTH, "the page has no form");
	} else {
		/* a missing action posts back to the page itself */
		bool bad;
		form->action = url_resolve(page_url, attr(f, "action"), &bad);
		xmlNode *img = find_element(f->children, "img");
		const char *src = img ? attr(img, "src") : NULL;
		if (bad)
			st = set_error(err, SOCAPI_E_AUTH, "the form's action is not a URL");
		else if (!form->action || !collect_fields(f->children, &form->fields))
			st = set_error(err, SOCAPI_E_NOMEM, "out of memory");
		else if (src && !(form->image = url_resolve(page_url, src, &bad)) && !bad)
			st = set_error(err, SOCAPI_E_NOMEM, "out of memory");
	}
	xmlFreeDoc(doc);
	if (st != SOCAPI_OK)
		html_form_release(form);
	return st;
}

void html_form_release(struct html_form *form)
{
	sc_free(form->action);
	sc_free(form->image);
	pairs_release(&form->fields);
	form->action = NULL;
	form->image = NULL;
}
