/*
 * html.h - the one HTML task socapi has: reading an OAuth page's form.
 */
#ifndef SOCAPI_HTML_H
#define SOCAPI_HTML_H

#include "internal.h"

struct html_form {
	char *action;         /* absolute URL the form posts to */
	struct pairs fields;  /* what a browser would send, in page order */
	char *image;          /* absolute src of the form's first <img> (a captcha), or NULL */
};

/* Reads the first method="post" form of a page. SOCAPI_E_AUTH if none. */
enum socapi_status html_read_form(const char *html, size_t len, const char *page_url,
                                  struct html_form *form, struct socapi_error *err);
void html_form_release(struct html_form *form);

#endif
