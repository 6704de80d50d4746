/*
 * cdp.c - the DevTools protocol over either transport: commands and their
 * replies matched by id, the events pages wait for, browser contexts, and
 * the public socapi_browser_* functions (launch or connect, free).
 */
#include "browser_internal.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_TIMEOUT_MS 30000
#define CLOSE_GRACE_MS 3000
#define SEND_GRACE_MS 1000

/* ---- the inbox both transports fill ---- */

bool inbox_take(struct inbox *in, struct buf *msg)
{
	msg->len = 0;
	char *begin = in->data.data + in->start;
	size_t left = in->data.len - in->start;
	char *nul = left ? memchr(begin, '\0', left) : NULL;
	if (!nul) {
		/* keep the partial message at the front for the next read */
		if (in->start) {
			memmove(in->data.data, begin, left);
			in->data.len = left;
			in->start = 0;
		}
		return false;
	}
	buf_append(msg, begin, (size_t)(nul - begin));
	if (!buf_terminate(msg))
		return false;
	in->start += (size_t)(nul - begin) + 1;
	if (in->start == in->data.len)
		in->start = in->data.len = 0;
	return true;
}

void inbox_release(struct inbox *in)
{
	buf_release(&in->data);
	in->start = 0;
}

/* ---- commands and events ---- */

int64_t browser_deadline(const struct socapi_browser *b)
{
	return now_ns() + (int64_t)b->timeout_ms * 1000000;
}

const char *member_string(struct json_object *o, const char *name)
{
	struct json_object *v;
	return json_object_object_get_ex(o, name, &v) && json_object_is_type(v, json_type_string)
	           ? json_object_get_string(v)
	           : NULL;
}

static bool same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* Records what the watched page's events say. */
static void on_event(struct socapi_browser *b, struct json_object *msg)
{
	struct cdp_page *page = b->watched;
	const char *method = member_string(msg, "method");
	struct json_object *params;
	if (!page || !method || !json_object_object_get_ex(msg, "params", &params))
		return;
	if (strcmp(method, "Target.detachedFromTarget") == 0) {
		if (same(member_string(params, "sessionId"), page->session_id))
			page->crashed = true;
		return;
	}
	if (!same(member_string(msg, "sessionId"), page->session_id))
		return;
	if (strcmp(method, "Page.lifecycleEvent") == 0 &&
	    same(member_string(params, "name"), "load") &&
	    same(member_string(params, "loaderId"), page->loader_id))
		page->loaded = true;
	else if (strcmp(method, "Inspector.targetCrashed") == 0)
		page->crashed = true;
}

/* Reads one message; *reply is a command's reply (with an id), else NULL
 * and the event has been recorded. */
static enum socapi_status next_message(struct socapi_browser *b, struct buf *in, int64_t deadline,
                                       bool *timed_out, struct json_object **reply,
                                       struct socapi_error *err)
{
	*reply = NULL;
	enum socapi_status st = b->transport->ops->recv(b->transport, in, deadline, timed_out, err);
	if (st != SOCAPI_OK) {
		b->broken = b->broken || !*timed_out;
		return st;
	}
	struct json_object *msg;
	st = parse_json(in->data, in->len, &msg, err);
	if (st != SOCAPI_OK) {
		b->broken = true;
		return set_error(err, SOCAPI_E_TRANSPORT,
		                 "the browser sent a message that is not JSON");
	}
	if (json_object_object_get_ex(msg, "id", NULL)) {
		*reply = msg;
	} else {
		on_event(b, msg);
		json_object_put(msg);
	}
	return SOCAPI_OK;
}

static enum socapi_status lost(struct socapi_error *err)
{
	return set_error(err, SOCAPI_E_TRANSPORT, "the connection to the browser is lost");
}

enum socapi_status cdp_call(struct socapi_browser *b, const char *session_id, const char *method,
                            struct json_object *params, int64_t deadline,
                            struct json_object **result, struct socapi_error *err)
{
	if (result)
		*result = NULL;
	if (b->broken) {
		json_object_put(params);
		return lost(err);
	}
	int64_t id = ++b->next_id;
	struct json_object *msg = json_object_new_object();
	if (!params)
		params = json_object_new_object();
	if (!msg || !params || json_object_object_add(msg, "params", params) != 0) {
		json_object_put(params);
		json_object_put(msg);
		return set_error(err, SOCAPI_E_NOMEM, "out of memory building a DevTools command");
	}
	if (json_object_object_add(msg, "id", json_object_new_int64(id)) != 0 ||
	    json_object_object_add(msg, "method", json_object_new_string(method)) != 0 ||
	    (session_id &&
	     json_object_object_add(msg, "sessionId", json_object_new_string(session_id)) != 0)) {
		json_object_put(msg);
		return set_error(err, SOCAPI_E_NOMEM, "out of memory building a DevTools command");
	}
	size_t len;
	const char *text = json_object_to_json_string_length(msg, JSON_C_TO_STRING_PLAIN, &len);
	/* a command always gets a moment to go out, even at its deadline: a
	 * message cut short would leave the connection unusable */
	int64_t send_deadline = now_ns() + (int64_t)SEND_GRACE_MS * 1000000;
	if (send_deadline < deadline)
		send_deadline = deadline;
	enum socapi_status st =
	    text ? b->transport->ops->send(b->transport, text, len, send_deadline, err)
	         : set_error(err, SOCAPI_E_NOMEM, "out of memory");
	if (text) /* a command may carry the login cookies (Storage.setCookies) */
		memset((char *)text, 0, len);
	json_object_put(msg);
	if (st != SOCAPI_OK) {
		b->broken = st != SOCAPI_E_NOMEM; /* half a message may have gone out */
		return st;
	}
	struct buf in = {0};
	for (;;) {
		bool timed_out = false;
		struct json_object *reply;
		st = next_message(b, &in, deadline, &timed_out, &reply, err);
		if (st != SOCAPI_OK) {
			if (timed_out)
				set_error(err, SOCAPI_E_TRANSPORT,
				          "the browser did not answer %s in time", method);
			break;
		}
		struct json_object *v, *error;
		if (!reply)
			continue;
		bool mine =
		    json_object_object_get_ex(reply, "id", &v) && json_object_get_int64(v) == id;
		if (mine && json_object_object_get_ex(reply, "error", &error)) {
			const char *text_error = member_string(error, "message");
			st = set_error(err, SOCAPI_E_TRANSPORT, "the browser refused %s: %s",
			               method, text_error ? text_error : "no details");
		} else if (mine && result) {
			*result = json_object_object_get_ex(reply, "result", &v)
			              ? json_object_get(v)
			              : json_object_new_object();
			if (!*result)
				st = set_error(err, SOCAPI_E_NOMEM, "out of memory");
		}
		json_object_put(
		    reply); /* a late reply to a command that timed out is dropped too */
		if (mine)
			break;
	}
	buf_release(&in);
	return st;
}

enum socapi_status cdp_wait_page(struct socapi_browser *b, int64_t deadline,
                                 struct socapi_error *err)
{
	if (b->broken)
		return lost(err);
	struct buf in = {0};
	enum socapi_status st = SOCAPI_OK;
	while (st == SOCAPI_OK && !b->watched->loaded && !b->watched->crashed) {
		bool timed_out;
		struct json_object *reply;
		st = next_message(b, &in, deadline, &timed_out, &reply, err);
		json_object_put(reply);
	}
	buf_release(&in);
	return st;
}

/* ---- browser contexts ---- */

enum socapi_status browser_context_new(struct socapi_browser *b, const char **id,
                                       struct socapi_error *err)
{
	*id = NULL;
	char **grown = sc_realloc(b->contexts, (b->n_contexts + 1) * sizeof *grown);
	if (!grown)
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	b->contexts = grown;
	struct json_object *params = json_object_new_object(), *result;
	/* a connected browser drops the context itself if this program dies */
	if (params)
		json_object_object_add(params, "disposeOnDetach", json_object_new_boolean(1));
	enum socapi_status st = cdp_call(b, NULL, "Target.createBrowserContext", params,
	                                 browser_deadline(b), &result, err);
	if (st != SOCAPI_OK)
		return st;
	const char *value = member_string(result, "browserContextId");
	char *copy = value ? sc_strdup(value) : NULL;
	json_object_put(result);
	if (!copy)
		return set_error(err, value ? SOCAPI_E_NOMEM : SOCAPI_E_TRANSPORT,
		                 value ? "out of memory" : "the browser made no browser context");
	b->contexts[b->n_contexts++] = copy;
	*id = copy;
	return SOCAPI_OK;
}

static void context_dispose_at(struct socapi_browser *b, size_t i, int64_t deadline)
{
	struct json_object *params = json_object_new_object();
	if (params)
		json_object_object_add(params, "browserContextId",
		                       json_object_new_string(b->contexts[i]));
	/* a failure leaves nothing to do: the context goes away with the browser */
	cdp_call(b, NULL, "Target.disposeBrowserContext", params, deadline, NULL, NULL);
	sc_free(b->contexts[i]);
	b->contexts[i] = b->contexts[--b->n_contexts];
}

void browser_context_dispose(struct socapi_browser *b, const char *id)
{
	for (size_t i = 0; i < b->n_contexts; i++)
		if (b->contexts[i] == id) {
			context_dispose_at(b, i, browser_deadline(b));
			return;
		}
}

/* ---- the public side ---- */

/* http://host:port: its /json/version names the browser's WebSocket. */
static enum socapi_status discover_websocket(const char *http_url, int64_t deadline, char **ws_url,
                                             struct socapi_error *err)
{
	*ws_url = NULL;
	struct socapi_options opts = SOCAPI_OPTIONS_INIT;
	opts.timeout_ms = (long)((deadline - now_ns()) / 1000000) + 1;
	opts.connect_timeout_ms = opts.timeout_ms;
	struct transport t;
	enum socapi_status st = transport_init(&t, &opts, err);
	if (st != SOCAPI_OK)
		return st;
	struct buf url = {0};
	size_t len = strlen(http_url);
	buf_printf(&url, "%.*s/json/version",
	           (int)(len && http_url[len - 1] == '/' ? len - 1 : len), http_url);
	struct http_request req = {.url = url.data};
	struct http_response resp = {0};
	struct json_object *version = NULL;
	if (url.failed)
		st = set_error(err, SOCAPI_E_NOMEM, "out of memory");
	else
		st = transport_perform(&t, &req, &resp, err);
	if (st == SOCAPI_OK && resp.status != 200)
		st = set_error(err, SOCAPI_E_TRANSPORT,
		               "%s answered HTTP %ld: not a DevTools endpoint", url.data,
		               resp.status);
	if (st == SOCAPI_OK &&
	    parse_json(resp.body.data, resp.body.len, &version, err) != SOCAPI_OK)
		st = set_error(err, SOCAPI_E_TRANSPORT, "%s is not a DevTools endpoint", url.data);
	const char *ws = st == SOCAPI_OK ? member_string(version, "webSocketDebuggerUrl") : NULL;
	if (st == SOCAPI_OK && !ws)
		st = set_error(err, SOCAPI_E_TRANSPORT, "%s names no webSocketDebuggerUrl",
		               url.data);
	if (st == SOCAPI_OK && !(*ws_url = sc_strdup(ws)))
		st = set_error(err, SOCAPI_E_NOMEM, "out of memory");
	json_object_put(version);
	http_response_release(&resp);
	buf_release(&url);
	transport_release(&t);
	return st;
}

static enum socapi_status connect_endpoint(struct socapi_browser *b, const char *endpoint,
                                           int64_t deadline, struct socapi_error *err)
{
	if (strncmp(endpoint, "ws://", 5) == 0)
		return ws_transport_open(endpoint, deadline, &b->transport, err);
	if (strncmp(endpoint, "http://", 7) != 0)
		return set_error(
		    err, SOCAPI_E_ARG,
		    "browser endpoint %s: expected ws://host:port/devtools/browser/<id> or "
		    "http://host:port (TLS endpoints are not supported)",
		    endpoint);
	char *ws;
	enum socapi_status st = discover_websocket(endpoint, deadline, &ws, err);
	if (st == SOCAPI_OK)
		st = ws_transport_open(ws, deadline, &b->transport, err);
	sc_free(ws);
	return st;
}

static enum socapi_status launch(struct socapi_browser *b, const char *executable,
                                 struct socapi_error *err)
{
	char *found = str_set(executable) ? NULL : browser_find_executable();
	if (!str_set(executable) && !found)
		return set_error(
		    err, SOCAPI_E_ARG,
		    "no browser found: none of chromium, chromium-browser, "
		    "google-chrome-stable, google-chrome is on PATH; install the Debian package "
		    "chromium (apt-get install chromium), or set executable or %s",
		    SOCAPI_BROWSER_ENDPOINT_ENV);
	enum socapi_status st =
	    browser_process_start(found ? found : executable, &b->process, &b->transport, err);
	sc_free(found);
	return st;
}

/* Adds what the browser said on stderr to a failed start's message. */
static void explain_start_failure(const struct socapi_browser *b, struct socapi_error *err)
{
	char *said = b->process.profile_dir ? browser_process_stderr_tail(&b->process) : NULL;
	if (said && err) {
		char message[sizeof err->message];
		copy_text(message, sizeof message, err->message);
		set_error(err, err->status, "the browser did not start: %s; it said: %s", message,
		          said);
	}
	sc_free(said);
}

enum socapi_status socapi_browser_new(const struct socapi_browser_options *options,
                                      struct socapi_browser **out, struct socapi_error *err)
{
	error_reset(err);
	if (!out)
		return set_error(err, SOCAPI_E_ARG, "out is NULL");
	*out = NULL;
	struct socapi_browser_options o = SOCAPI_BROWSER_OPTIONS_INIT;
	if (options)
		o = *options;
	const char *endpoint = o.endpoint;
	if (!str_set(endpoint) && !o.ignore_environment)
		endpoint = getenv(SOCAPI_BROWSER_ENDPOINT_ENV);
	struct socapi_browser *b = sc_calloc(1, sizeof *b);
	if (!b)
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	b->timeout_ms = o.timeout_ms > 0 ? o.timeout_ms : DEFAULT_TIMEOUT_MS;
	int64_t deadline = browser_deadline(b);
	enum socapi_status st = str_set(endpoint) ? connect_endpoint(b, endpoint, deadline, err)
	                                          : launch(b, o.executable, err);
	struct json_object *version = NULL;
	if (st == SOCAPI_OK)
		st = cdp_call(b, NULL, "Browser.getVersion", NULL, deadline, &version, err);
	const char *product = version ? member_string(version, "product") : NULL;
	if (st == SOCAPI_OK && !(b->product = sc_strdup(product ? product : "unknown")))
		st = set_error(err, SOCAPI_E_NOMEM, "out of memory");
	json_object_put(version);
	if (st != SOCAPI_OK) {
		if (b->process.pid)
			explain_start_failure(b, err);
		b->broken = true; /* no Browser.close to a browser that never answered */
		socapi_browser_free(b);
		return st;
	}
	*out = b;
	return SOCAPI_OK;
}

void socapi_browser_free(struct socapi_browser *b)
{
	if (!b)
		return;
	int64_t deadline = now_ns() + (int64_t)CLOSE_GRACE_MS * 1000000;
	bool closing = false; /* a browser asked to close gets a moment to do so */
	if (b->process.pid) {
		closing = !b->broken && cdp_call(b, NULL, "Browser.close", NULL, deadline, NULL,
		                                 NULL) == SOCAPI_OK;
	} else {
		while (b->n_contexts && !b->broken)
			context_dispose_at(b, b->n_contexts - 1, deadline);
	}
	if (b->transport)
		b->transport->ops->destroy(b->transport);
	browser_process_stop(&b->process, closing ? CLOSE_GRACE_MS : 0);
	while (b->n_contexts)
		sc_free(b->contexts[--b->n_contexts]);
	sc_free(b->contexts);
	sc_free(b->product);
	sc_free(b);
}

const char *socapi_browser_product(const struct socapi_browser *b)
{
	return b ? b->product : NULL;
}

long socapi_browser_pid(const struct socapi_browser *b)
{
	return b ? (long)b->process.pid : 0;
}
