/*
 * error.c - status names and filling struct socapi_error.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

const char *socapi_strstatus(enum socapi_status status)
{
	switch (status) {
	case SOCAPI_OK: return "ok";
	case SOCAPI_E_ARG: return "invalid argument";
	case SOCAPI_E_NOMEM: return "out of memory";
	case SOCAPI_E_TRANSPORT: return "transport error";
	case SOCAPI_E_HTTP: return "http error";
	case SOCAPI_E_PARSE: return "parse error";
	case SOCAPI_E_DECODE: return "decode error";
	case SOCAPI_E_API: return "api error";
	case SOCAPI_E_AUTH: return "authorization error";
	case SOCAPI_E_OUTCOME_UNKNOWN: return "outcome unknown";
	}
	return "unknown status";
}

void copy_text(char *dst, size_t size, const char *src)
{
	if (!size)
		return;
	size_t n = src ? strlen(src) : 0;
	if (n >= size)
		n = size - 1;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

void error_add_url(struct socapi_error *err, const char *url)
{
	if (!err || !url)
		return;
	const char *host = strstr(url, "://");
	host = host ? host + 3 : url;
	size_t scheme = (size_t)(host - url), authority = strcspn(host, "/?#");
	const char *at = memchr(host, '@', authority);
	const char *rest = at ? at + 1 : host;
	size_t len = strlen(err->message);
	snprintf(err->message + len, sizeof err->message - len, " from %.*s%.*s", (int)scheme, url,
	         (int)strcspn(rest, "?#"), rest);
}

void error_reset(struct socapi_error *err)
{
	if (err)
		memset(err, 0, sizeof *err);
}

enum socapi_status set_error(struct socapi_error *err, enum socapi_status status,
                             const char *fmt, ...)
{
	if (!err)
		return status;
	err->status = status;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return status;
}
