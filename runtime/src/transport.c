/*
 * transport.c - HTTP over one reused libcurl easy handle per session:
 * keep-alive, timeouts, proxy, TLS verification on by default, a cap on
 * the body size. Secrets travel in POST bodies and never reach the log.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_TIMEOUT_MS 35000L
#define DEFAULT_CONNECT_TIMEOUT_MS 10000L
#define DEFAULT_MAX_BODY ((size_t)64 << 20)

static char *dup_or_null(const char *s)
{
	return s ? sc_strdup(s) : NULL;
}

int url_shown(const char *url)
{
	size_t len = strcspn(url, "?#");
	return len > 4096 ? 4096 : (int)len;
}

void transport_log(struct transport *t, enum socapi_log_level level, const char *fmt, ...)
{
	if (!t->opts.log || level < t->opts.log_level)
		return;
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	t->opts.log(t->opts.log_ctx, level, line);
}

/* Options that do not change between requests: set once per handle. */
static CURLcode set_common(struct transport *t)
{
	CURL *c = t->curl;
	CURLcode rc = CURLE_OK;
#define SET(opt, val) if (rc == CURLE_OK) rc = curl_easy_setopt(c, opt, val)
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_TIMEOUT_MS, t->opts.timeout_ms);
	SET(CURLOPT_CONNECTTIMEOUT_MS, t->opts.connect_timeout_ms);
	SET(CURLOPT_USERAGENT, t->opts.user_agent);
	/* gzip is what the platforms send; curl formats this header anew for
	 * every request, at a hundred or more instructions a character, and ""
	 * would list all four encodings it knows */
	SET(CURLOPT_ACCEPT_ENCODING, "gzip");
	SET(CURLOPT_SSL_VERIFYPEER, t->opts.insecure_skip_verify ? 0L : 1L);
	SET(CURLOPT_SSL_VERIFYHOST, t->opts.insecure_skip_verify ? 0L : 2L);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_ERRORBUFFER, t->errbuf);
	if (t->opts.proxy)
		SET(CURLOPT_PROXY, t->opts.proxy);
	if (t->opts.ca_file)
		SET(CURLOPT_CAINFO, t->opts.ca_file);
#undef SET
	return rc;
}

enum socapi_status transport_init(struct transport *t, const struct socapi_options *opts,
                                  struct socapi_error *err)
{
	memset(t, 0, sizeof *t);
	/* a GET's query and a POST's body hold the token, the signature, maybe a password */
	t->url.secret = t->form.secret = true;
	if (opts)
		t->opts = *opts;
	t->opts.proxy = dup_or_null(t->opts.proxy);
	t->opts.ca_file = dup_or_null(t->opts.ca_file);
	t->opts.user_agent = dup_or_null(t->opts.user_agent ? t->opts.user_agent : "socapi/" SOCAPI_VERSION_STRING);
	if (!t->opts.timeout_ms)
		t->opts.timeout_ms = DEFAULT_TIMEOUT_MS;
	if (!t->opts.connect_timeout_ms)
		t->opts.connect_timeout_ms = DEFAULT_CONNECT_TIMEOUT_MS;
	if (!t->opts.max_body)
		t->opts.max_body = DEFAULT_MAX_BODY;
	t->curl = curl_easy_init();
	if (!t->curl || !t->opts.user_agent || (opts && opts->proxy && !t->opts.proxy) ||
	    (opts && opts->ca_file && !t->opts.ca_file)) {
		transport_release(t);
		return set_error(err, SOCAPI_E_NOMEM, "out of memory creating the HTTP handle");
	}
	CURLcode rc = set_common(t);
	if (rc != CURLE_OK) {
		transport_release(t);
		return set_error(err, SOCAPI_E_TRANSPORT, "cannot set up the HTTP handle: %s",
		                 curl_easy_strerror(rc));
	}
	return SOCAPI_OK;
}

enum socapi_status transport_enable_cookies(struct transport *t, struct socapi_error *err)
{
	/* an empty file name turns the in-memory cookie engine on */
	if (curl_easy_setopt(t->curl, CURLOPT_COOKIEFILE, "") != CURLE_OK)
		return set_error(err, SOCAPI_E_TRANSPORT, "cannot enable cookies");
	return SOCAPI_OK;
}

char *transport_cookies(struct transport *t)
{
	struct curl_slist *list = NULL;
	if (curl_easy_getinfo(t->curl, CURLINFO_COOKIELIST, &list) != CURLE_OK)
		return NULL;
	struct buf out = {0};
	for (struct curl_slist *c = list; c; c = c->next) {
		buf_puts(&out, c->data);
		buf_append(&out, "\n", 1);
	}
	curl_slist_free_all(list);
	if (!buf_terminate(&out)) {
		buf_release(&out);
		return NULL;
	}
	return out.data;
}

void transport_release(struct transport *t)
{
	if (t->curl)
		curl_easy_cleanup(t->curl);
	buf_release(&t->url);
	buf_release(&t->form);
	sc_free((char *)t->opts.proxy);
	sc_free((char *)t->opts.ca_file);
	sc_free((char *)t->opts.user_agent);
	memset(t, 0, sizeof *t);
}

void http_response_release(struct http_response *resp)
{
	buf_release(&resp->body);
	sc_free_secret(resp->location); /* the final redirect's #access_token=... */
	memset(resp, 0, sizeof *resp);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct sink *s = ctx;
	size_t len = size * nmemb;
	if (len > s->max_body - s->resp->body.len) {
		s->too_big = true;
		return 0; /* makes curl stop with CURLE_WRITE_ERROR */
	}
	buf_append(&s->resp->body, data, len);
	return s->resp->body.failed ? 0 : len;
}

/* Content-Length announces the body: one allocation of the right size, or
 * an early stop when it exceeds the limit. (A compressed body grows past
 * it as usual.) */
static size_t on_content_length(struct sink *s, const char *value, const char *end)
{
	while (value < end && (*value == ' ' || *value == '\t'))
		value++;
	size_t announced = 0;
	for (; value < end && *value >= '0' && *value <= '9'; value++) {
		size_t digit = (size_t)(*value - '0');
		if (announced > (SIZE_MAX - digit) / 10) {
			announced = SIZE_MAX;
			break;
		}
		announced = announced * 10 + digit;
	}
	if (announced > s->max_body) {
		s->too_big = true;
		return 0; /* makes curl stop with CURLE_WRITE_ERROR */
	}
	if (!s->resp->body.len && !buf_presize(&s->resp->body, announced))
		return 0; /* reported as out of memory */
	return 1;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct sink *s = ctx;
	size_t len = size * nmemb;
	static const char name[] = "location:";
	static const char length[] = "content-length:";
	char first = len ? (char)(data[0] | 0x20) : '\0'; /* most lines are neither: one test each */
	if (first == 'c' && len > sizeof length - 1 && strncasecmp(data, length, sizeof length - 1) == 0) {
		if (!on_content_length(s, data + sizeof length - 1, data + len))
			return 0;
	} else if (first == 'l' && len > sizeof name - 1 && strncasecmp(data, name, sizeof name - 1) == 0) {
		const char *v = data + sizeof name - 1;
		const char *end = data + len;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
			end--;
		sc_free_secret(s->resp->location);
		s->resp->location = sc_malloc((size_t)(end - v) + 1);
		if (!s->resp->location) {
			s->resp->body.failed = true; /* reported as out of memory */
			return 0;
		}
		memcpy(s->resp->location, v, (size_t)(end - v));
		s->resp->location[end - v] = '\0';
	} else if (first == 'h' && len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		/* a new response (after 100-continue): forget the last one's Location */
		sc_free_secret(s->resp->location);
		s->resp->location = NULL;
	}
	return len;
}

char *url_resolve(const char *base, const char *href, bool *bad)
{
	CURLU *u = curl_url();
	char *full = NULL, *copy = NULL;
	*bad = u && (curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK ||
	             (href && curl_url_set(u, CURLUPART_URL, href, 0) != CURLUE_OK) ||
	             curl_url_get(u, CURLUPART_URL, &full, 0) != CURLUE_OK);
	if (u && !*bad)
		copy = sc_strdup(full);
	curl_free(full);
	curl_url_cleanup(u);
	return copy;
}

static size_t read_body(char *out, size_t size, size_t nmemb, void *ctx)
{
	struct body_reader *r = ctx;
	size_t n = size * nmemb < r->len - r->pos ? size * nmemb : r->len - r->pos;
	memcpy(out, r->data + r->pos, n);
	r->pos += n;
	return n;
}

/*
 * curl rewinds a body to send the request again, above all on a kept-alive
 * connection that turns out dead once the request went out: it then
 * resends on a fresh one without telling anyone. A write refuses that
 * rewind (curl fails with CURLE_SEND_FAIL_REWIND), so it is never sent
 * twice unknowingly; a read, or a body nothing was read from yet, may be.
 */
static int rewind_body(void *ctx, curl_off_t offset, int origin)
{
	struct body_reader *r = ctx;
	if (offset != 0 || origin != SEEK_SET)
		return CURL_SEEKFUNC_CANTSEEK;
	if (r->refused && r->pos > 0) {
		*r->refused = true;
		return CURL_SEEKFUNC_CANTSEEK;
	}
	r->pos = 0;
	return CURL_SEEKFUNC_OK;
}

/* Text parts read through body readers: curl keeps no copy of their
 * values (tokens, signatures), and a write's cannot be sent twice. */
static curl_mime *build_mime(struct transfer *x, const struct pairs *form, struct socapi_error *err)
{
	curl_mime *mime = curl_mime_init(x->t->curl);
	x->parts = sc_calloc(form->n, sizeof *x->parts);
	if (!mime || !x->parts) {
		curl_mime_free(mime);
		set_error(err, SOCAPI_E_NOMEM, "out of memory building a multipart body");
		return NULL;
	}
	for (size_t i = 0; i < form->n; i++) {
		const struct pair *p = &form->items[i];
		curl_mimepart *part = curl_mime_addpart(mime);
		CURLcode rc = part ? curl_mime_name(part, p->name) : CURLE_OUT_OF_MEMORY;
		if (rc == CURLE_OK && !p->file) {
			x->parts[i] = (struct body_reader){p->value, strlen(p->value), 0,
			                                   x->req->write ? &x->rewind_refused : NULL};
			rc = curl_mime_data_cb(part, (curl_off_t)x->parts[i].len, read_body, rewind_body, NULL,
			                       &x->parts[i]);
		} else if (rc == CURLE_OK && p->file->path) {
			rc = curl_mime_filedata(part, p->file->path);
		} else if (rc == CURLE_OK) {
			rc = curl_mime_data(part, p->file->data, p->file->size);
			if (rc == CURLE_OK)
				rc = curl_mime_filename(part, p->file->filename ? p->file->filename : p->name);
		}
		if (rc == CURLE_OK && p->file && p->file->filename)
			rc = curl_mime_filename(part, p->file->filename);
		if (rc == CURLE_OK && p->file)
			rc = curl_mime_type(part, p->file->content_type ? p->file->content_type
			                                                 : "application/octet-stream");
		if (rc != CURLE_OK) {
			curl_mime_free(mime);
			set_error(err, rc == CURLE_READ_ERROR ? SOCAPI_E_ARG : SOCAPI_E_NOMEM,
			          "cannot add multipart field %s: %s", p->name, curl_easy_strerror(rc));
			return NULL;
		}
	}
	return mime;
}

/* A form body: a write's through a reader that refuses to rewind, any other
 * as plain POSTFIELDS (which curl may send again on a fresh connection). */
static CURLcode set_form_body(struct transfer *x)
{
	CURL *c = x->t->curl;
	const struct buf *form = &x->t->form;
	CURLcode rc = CURLE_OK;
	if (!x->req->write) {
		rc = curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)form->len);
		return rc == CURLE_OK ? curl_easy_setopt(c, CURLOPT_POSTFIELDS, form->data) : rc;
	}
	x->body = (struct body_reader){form->data, form->len, 0, &x->rewind_refused};
#define SET(opt, val) if (rc == CURLE_OK) rc = curl_easy_setopt(c, opt, val)
	SET(CURLOPT_POST, 1L);
	SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)form->len);
	SET(CURLOPT_READFUNCTION, read_body);
	SET(CURLOPT_READDATA, &x->body);
	SET(CURLOPT_SEEKFUNCTION, rewind_body);
	SET(CURLOPT_SEEKDATA, &x->body);
#undef SET
	return rc;
}

/* The URL to request: req->url, or with a GET's query in t->url; NULL if out of memory. */
static const char *request_url(struct transport *t, const struct http_request *req)
{
	if (!req->form || req->post || !req->form->n)
		return req->url;
	struct buf *url = &t->url;
	buf_clear(url);
	buf_puts(url, req->url);
	buf_append(url, strchr(req->url, '?') ? "&" : "?", 1);
	pairs_form_encode(req->form, url);
	return buf_terminate(url) ? url->data : NULL;
}

enum socapi_status transfer_begin(struct transfer *x, struct transport *t,
                                  const struct http_request *req, struct http_response *resp,
                                  struct socapi_error *err)
{
	memset(resp, 0, sizeof *resp);
	*x = (struct transfer){.t = t, .req = req, .url = request_url(t, req),
	                       .sink = {resp, t->opts.max_body, false}};
	resp->body.secret = req->secret_answer; /* a token endpoint's answer */
	CURL *c = t->curl;
	t->errbuf[0] = '\0';

	CURLcode rc = x->url ? CURLE_OK : CURLE_OUT_OF_MEMORY;
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_URL, x->url);
	if (rc == CURLE_OK && req->post && req->form && pairs_have_file(req->form)) {
		x->mime = build_mime(x, req->form, err);
		if (!x->mime) {
			sc_free(x->parts);
			x->parts = NULL;
			return err ? err->status : SOCAPI_E_NOMEM;
		}
		rc = curl_easy_setopt(c, CURLOPT_MIMEPOST, x->mime);
	} else if (rc == CURLE_OK && req->post) {
		buf_clear(&t->form);
		if (req->form)
			pairs_form_encode(req->form, &t->form);
		rc = buf_terminate(&t->form) ? set_form_body(x) : CURLE_OUT_OF_MEMORY;
	} else if (rc == CURLE_OK) {
		rc = curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	}
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_WRITEDATA, &x->sink);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_HEADERDATA, &x->sink);

	if (t->opts.log && t->opts.log_level <= SOCAPI_LOG_DEBUG && req->form) {
		struct buf shown = {0};
		pairs_form_encode_redacted(req->form, &shown);
		transport_log(t, SOCAPI_LOG_DEBUG, "%s %.*s params: %s", req->post ? "POST" : "GET",
		              url_shown(req->url), req->url, shown.data ? shown.data : "");
		buf_release(&shown);
	}
	return rc == CURLE_OK ? SOCAPI_OK : transfer_end(x, rc, err);
}

enum socapi_status transfer_end(struct transfer *x, CURLcode rc, struct socapi_error *err)
{
	struct transport *t = x->t;
	const struct http_request *req = x->req;
	struct http_response *resp = x->sink.resp;
	CURL *c = t->curl;
	/* the body and the mime must not outlive the transfer in the handle */
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, NULL);
	curl_easy_setopt(c, CURLOPT_READDATA, NULL);
	curl_easy_setopt(c, CURLOPT_SEEKDATA, NULL);
	curl_mime_free(x->mime);
	x->mime = NULL;
	sc_free(x->parts);
	x->parts = NULL;
	buf_wipe(&t->form); /* it holds tokens and signatures */
	long request_bytes = 0; /* what went out on the wire, a resend's first try included */
	curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &request_bytes);

	enum socapi_status st = SOCAPI_OK;
	if (x->sink.too_big) {
		st = set_error(err, SOCAPI_E_TRANSPORT, "answer larger than the %zu-byte limit",
		               t->opts.max_body);
	} else if (resp->body.failed) {
		st = set_error(err, SOCAPI_E_NOMEM, "out of memory receiving the answer");
	} else if (rc == CURLE_OUT_OF_MEMORY) {
		st = set_error(err, SOCAPI_E_NOMEM, "out of memory sending the request");
	} else if (rc != CURLE_OK && req->write && (x->rewind_refused || request_bytes > 0)) {
		st = set_error(err, SOCAPI_E_OUTCOME_UNKNOWN,
		               "the connection failed after the request went out (%s): it may or may not "
		               "have taken effect, and it was not sent again", curl_easy_strerror(rc));
		if (err)
			err->curl_code = (int)rc;
	} else if (rc != CURLE_OK) {
		st = set_error(err, SOCAPI_E_TRANSPORT, "%s: %s", curl_easy_strerror(rc),
		               t->errbuf[0] ? t->errbuf : "no details");
		if (err)
			err->curl_code = (int)rc;
	} else if (!buf_terminate(&resp->body)) {
		st = set_error(err, SOCAPI_E_NOMEM, "out of memory receiving the answer");
	}
	if (st == SOCAPI_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
		if (err)
			err->http_status = resp->status;
		if (resp->location) {
			bool bad;
			char *abs = url_resolve(x->url, resp->location, &bad);
			sc_free_secret(resp->location);
			resp->location = abs;
			if (!abs)
				st = bad ? set_error(err, SOCAPI_E_HTTP, "the redirect's Location is not a URL")
				         : set_error(err, SOCAPI_E_NOMEM, "out of memory reading the redirect");
		}
	}
	if (st == SOCAPI_OK) {
		transport_log(t, SOCAPI_LOG_INFO, "%s %.*s -> HTTP %ld, %zu bytes", req->post ? "POST" : "GET",
		              url_shown(req->url), req->url, resp->status, resp->body.len);
	} else {
		transport_log(t, SOCAPI_LOG_WARN, "%s %.*s failed: %s", req->post ? "POST" : "GET",
		              url_shown(req->url), req->url,
		              err ? err->message : socapi_strstatus(st));
		http_response_release(resp);
	}
	return st;
}

enum socapi_status transport_perform(struct transport *t, const struct http_request *req,
                                     struct http_response *resp, struct socapi_error *err)
{
	struct transfer x;
	enum socapi_status st = transfer_begin(&x, t, req, resp, err);
	return st == SOCAPI_OK ? transfer_end(&x, curl_easy_perform(t->curl), err) : st;
}
