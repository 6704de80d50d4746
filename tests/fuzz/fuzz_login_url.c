/*
 * fuzz_login_url.c - the login walker's URL handling: a Location or form
 * action resolved against the page it came from, the confinement check
 * that decides whether the login may go there, the query and path helpers
 * the platforms read redirects with, and what a log line shows of it.
 * Input: [flags][page URL]\n[href]\n[authorize URL].
 */
#include "login.h"

#include <socapi/vk.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char *text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	char *page = text, *href = strchr(page, '\n'), *authorize = NULL;
	if (href) {
		*href++ = '\0';
		authorize = strchr(href, '\n');
		if (authorize)
			*authorize++ = '\0';
	}
	bool bad;
	char *next = url_resolve(page, href, &bad);
	if (next) {
		struct socapi_error err;
		bool https = data[0] & 1, was_https = https;
		enum socapi_status st = login_url_check(SOCAPI_VK_LOGIN_HOSTS,
		                                        authorize ? authorize : "http://127.0.0.1:8080/vk/oauth/authorize",
		                                        &https, next, &err);
		if (st == SOCAPI_OK && was_https && strncasecmp(next, "https://", 8) != 0)
			abort(); /* never down to http once on https */
		if (st != SOCAPI_OK && (https != was_https || strcmp(err.oauth_error, "untrusted_host") != 0))
			abort();
		if ((size_t)url_shown(next) > strlen(next))
			abort();
		sc_free(url_query_value(next, data[0] & 2 ? "fail" : "code"));
		(void)url_path_ends_with(next, "/blocked");
		sc_free(next);
	}
	free(text);
	return 0;
}
