/*
 * fuzz_html_form.c - the login walker's HTML form reader: any page, read
 * for its first POST form (action resolved against the page's URL, the
 * fields a browser would send, a captcha image), then the fields shown in
 * a log line with secrets redacted.
 * Input: the page.
 */
#include "html.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct html_form form;
	struct socapi_error err;
	enum socapi_status st = html_read_form((const char *)data, size,
	                                       "https://oauth.vk.ru/authorize?client_id=1&display=mobile",
	                                       &form, &err);
	if (st != SOCAPI_OK && (form.action || form.fields.n || form.image))
		abort(); /* a failure leaves nothing behind */
	if (st == SOCAPI_OK) {
		if (!form.action)
			abort();
		struct buf shown = {0};
		pairs_form_encode_redacted(&form.fields, &shown);
		if (shown.data && strlen(shown.data) != shown.len)
			abort();
		buf_release(&shown);
	}
	html_form_release(&form);
	return 0;
}
