/*
 * browser_ws.c - the DevTools WebSocket of a browser that is already
 * running, through libwebsockets (framing, masking, fragments, the
 * handshake are its business).
 *
 * libwebsockets is event driven: lws_service() sleeps until something
 * happens. A timer (a "sul") wakes it at least every TICK_MS, so every
 * wait here ends at its deadline whatever the peer does.
 */
#include "browser_internal.h"

#include <libwebsockets.h>
#include <string.h>

#define TICK_MS 50

struct ws_transport {
	struct cdp_transport base;
	struct lws_context *context;
	struct lws *wsi;
	lws_sorted_usec_list_t tick;
	bool connected;
	bool failed;         /* the connection failed or closed */
	char why[200];       /* what libwebsockets said about a failure */
	struct buf fragment; /* the message being received */
	struct inbox in;     /* whole messages */
	struct buf out;      /* LWS_PRE bytes, then the message being sent */
	bool sending;
	bool oom;
};

static int on_ws(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                 size_t len)
{
	(void)user;
	struct lws_context *context = lws_get_context(wsi);
	struct ws_transport *t = context ? lws_context_user(context) : NULL;
	if (!t)
		return 0;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		copy_text(t->why, sizeof t->why,
		          in && len ? (const char *)in : "connection failed");
		t->failed = true;
		t->wsi = NULL;
		break;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		t->connected = true;
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		buf_append(&t->fragment, in, len);
		if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)) {
			buf_append(&t->in.data, t->fragment.data ? t->fragment.data : "",
			           t->fragment.len);
			buf_append(&t->in.data, "", 1);
			t->fragment.len = 0;
		}
		t->oom = t->oom || t->fragment.failed || t->in.data.failed;
		break;
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		if (t->sending) {
			size_t n = t->out.len - LWS_PRE;
			if (lws_write(wsi, (unsigned char *)t->out.data + LWS_PRE, n,
			              LWS_WRITE_TEXT) < (int)n) {
				copy_text(t->why, sizeof t->why,
				          "the connection failed while sending");
				t->failed = true;
				return -1;
			}
			t->sending = false;
			memset(t->out.data, 0, t->out.len); /* it may hold the login cookies */
		}
		break;
	case LWS_CALLBACK_CLIENT_CLOSED:
	case LWS_CALLBACK_WSI_DESTROY:
		if (!t->failed && t->connected)
			copy_text(t->why, sizeof t->why, "the browser closed the connection");
		t->failed = true;
		t->wsi = NULL;
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols protocols[] = {
    {"devtools", on_ws, 0, 65536, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static void on_tick(lws_sorted_usec_list_t *sul)
{
	(void)sul; /* waking lws_service up is all it is for */
}

/* Services the connection until done() or deadline; false on timeout. */
static bool service_until(struct ws_transport *t, bool (*done)(const struct ws_transport *),
                          int64_t deadline)
{
	while (!done(t) && !t->failed && !t->oom) {
		int64_t left_ms = (deadline - now_ns()) / 1000000;
		if (left_ms <= 0)
			return false;
		lws_sul_schedule(t->context, 0, &t->tick, on_tick,
		                 (lws_usec_t)(left_ms < TICK_MS ? left_ms : TICK_MS) *
		                     LWS_US_PER_MS);
		lws_service(t->context, 0);
	}
	return true;
}

static bool is_connected(const struct ws_transport *t)
{
	return t->connected;
}

static bool is_sent(const struct ws_transport *t)
{
	return !t->sending;
}

static bool has_message(const struct ws_transport *t)
{
	return t->in.data.len > t->in.start &&
	       memchr(t->in.data.data + t->in.start, '\0', t->in.data.len - t->in.start);
}

static enum socapi_status broken(struct ws_transport *t, struct socapi_error *err)
{
	if (t->oom)
		return set_error(err, SOCAPI_E_NOMEM, "out of memory reading the browser");
	return set_error(err, SOCAPI_E_TRANSPORT, "DevTools WebSocket: %s", t->why);
}

static enum socapi_status ws_send(struct cdp_transport *base, const char *msg, size_t len,
                                  int64_t deadline, struct socapi_error *err)
{
	struct ws_transport *t = (struct ws_transport *)base;
	if (t->failed || !t->wsi)
		return broken(t, err);
	static const char room[LWS_PRE]; /* lws writes the frame header in front */
	t->out.len = 0;
	buf_append(&t->out, room, LWS_PRE);
	buf_append(&t->out, msg, len);
	if (t->out.failed)
		return set_error(err, SOCAPI_E_NOMEM, "out of memory sending to the browser");
	t->sending = true;
	lws_callback_on_writable(t->wsi);
	if (!service_until(t, is_sent, deadline))
		return set_error(err, SOCAPI_E_TRANSPORT, "timed out writing to the browser");
	return t->failed || t->oom ? broken(t, err) : SOCAPI_OK;
}

static enum socapi_status ws_recv(struct cdp_transport *base, struct buf *msg, int64_t deadline,
                                  bool *timed_out, struct socapi_error *err)
{
	struct ws_transport *t = (struct ws_transport *)base;
	*timed_out = false;
	if (!has_message(t) && !service_until(t, has_message, deadline)) {
		*timed_out = true;
		return set_error(err, SOCAPI_E_TRANSPORT, "timed out waiting for the browser");
	}
	if (!has_message(t))
		return broken(t, err);
	if (!inbox_take(&t->in, msg))
		return set_error(err, SOCAPI_E_NOMEM, "out of memory reading the browser");
	return SOCAPI_OK;
}

static void ws_destroy(struct cdp_transport *base)
{
	struct ws_transport *t = (struct ws_transport *)base;
	if (t->context) {
		lws_sul_cancel(&t->tick);
		lws_context_destroy(t->context);
	}
	buf_release(&t->fragment);
	buf_release(&t->out);
	inbox_release(&t->in);
	sc_free(t);
}

static const struct cdp_transport_ops ws_ops = {ws_send, ws_recv, ws_destroy};

enum socapi_status ws_transport_open(const char *url, int64_t deadline, struct cdp_transport **out,
                                     struct socapi_error *err)
{
	*out = NULL;
	/* lws_parse_uri cuts its argument into pieces: parse a copy */
	char *copy = sc_strdup(url);
	struct buf path = {0};
	const char *scheme, *host, *rest;
	int port = 0;
	if (!copy)
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	if (lws_parse_uri(copy, &scheme, &host, &port, &rest) || strcmp(scheme, "ws") != 0 ||
	    !*host) {
		sc_free(copy);
		return set_error(err, SOCAPI_E_ARG,
		                 "browser endpoint %s: not a ws://host:port/path URL", url);
	}
	buf_printf(&path, "/%s", rest);
	struct ws_transport *t = sc_calloc(1, sizeof *t);
	if (!t || path.failed) {
		sc_free(t);
		sc_free(copy);
		buf_release(&path);
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	}
	t->base.ops = &ws_ops;
	lws_set_log_level(0, NULL); /* the library never prints */
	struct lws_context_creation_info info;
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.gid = -1;
	info.uid = -1;
	info.user = t;
	t->context = lws_create_context(&info);
	struct lws_client_connect_info ci;
	memset(&ci, 0, sizeof ci);
	ci.context = t->context;
	ci.address = host;
	ci.port = port;
	ci.path = path.data;
	ci.host = host;
	ci.ietf_version_or_minus_one = -1;
	ci.pwsi = &t->wsi;
	/* no Origin header: Chromium refuses WebSockets from origins it was not told to allow */
	enum socapi_status st = SOCAPI_OK;
	if (!t->context)
		st = set_error(err, SOCAPI_E_NOMEM, "cannot set up a WebSocket client");
	else if (!lws_client_connect_via_info(&ci) && !t->failed) {
		copy_text(t->why, sizeof t->why, "the connection could not start");
		t->failed = true;
	}
	if (st == SOCAPI_OK && !service_until(t, is_connected, deadline))
		st = set_error(err, SOCAPI_E_TRANSPORT, "timed out connecting to the browser at %s",
		               url);
	else if (st == SOCAPI_OK && (t->failed || t->oom))
		st = set_error(err, t->oom ? SOCAPI_E_NOMEM : SOCAPI_E_TRANSPORT,
		               "cannot connect to the browser at %s: %s", url, t->why);
	sc_free(copy);
	buf_release(&path);
	if (st != SOCAPI_OK) {
		ws_destroy(&t->base);
		return st;
	}
	*out = &t->base;
	return SOCAPI_OK;
}
