/*
 * batch.c - several typed calls at once over curl's multi interface. Each
 * call goes through the same steps as socapi_call (sign, transfer,
 * unwrap, decode, error handlers); only the transfers overlap. A session
 * has one connection, so its calls run one after another.
 */
#include "internal.h"

#include <string.h>

struct batch_call {
	struct call c;
	void *out;
	struct socapi_error *err;
	unsigned attempt;
	int64_t not_before;  /* monotonic ns: a handler's wait or the rate limit */
	bool running;
	bool done;
};

struct socapi_batch {
	struct batch_call *calls;
	size_t n;
	size_t cap;
};

enum socapi_status socapi_batch_new(struct socapi_batch **out, struct socapi_error *err)
{
	error_reset(err);
	if (!out)
		return set_error(err, SOCAPI_E_ARG, "out is NULL");
	*out = sc_calloc(1, sizeof **out);
	return *out ? SOCAPI_OK : set_error(err, SOCAPI_E_NOMEM, "out of memory");
}

static void release_calls(struct socapi_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		call_release(&b->calls[i].c);
	b->n = 0;
}

void socapi_batch_free(struct socapi_batch *b)
{
	if (!b)
		return;
	release_calls(b);
	sc_free(b->calls);
	sc_free(b);
}

enum socapi_status socapi_batch_add(struct socapi_batch *b, struct socapi_session *session,
                                    const struct socapi_method *method, const void *params,
                                    void *out, struct socapi_error *call_err,
                                    struct socapi_error *err)
{
	error_reset(err);
	if (!b || !session || !method || !out || !call_err)
		return set_error(err, SOCAPI_E_ARG,
		                 "socapi_batch_add: batch, session, method, out and call_err are required");
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 8;
		struct batch_call *grown = sc_realloc(b->calls, cap * sizeof *grown);
		if (!grown)
			return set_error(err, SOCAPI_E_NOMEM, "out of memory");
		b->calls = grown;
		b->cap = cap;
	}
	struct batch_call *bc = &b->calls[b->n];
	*bc = (struct batch_call){.c = {.session = session, .method = method, .method_name = method->name,
	                                .post = true},
	                          .out = out, .err = call_err};
	enum socapi_status st = call_encode(session, method, params, &bc->c.params, err);
	if (st == SOCAPI_OK)
		st = call_force(&bc->c, err);
	if (st != SOCAPI_OK) {
		call_release(&bc->c);
		return st;
	}
	if (socapi_result_by_pointer(method->result))
		memset(out, 0, sizeof(void *));
	error_reset(call_err);
	b->n++;
	return SOCAPI_OK;
}

static bool session_busy(const struct socapi_batch *b, const struct socapi_session *s)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->calls[i].running && b->calls[i].c.session == s)
			return true;
	return false;
}

/* Signs a call and hands its transfer to the multi handle; false: it ended. */
static bool start(CURLM *multi, struct batch_call *bc)
{
	struct socapi_error *err = bc->err;
	enum socapi_status st = call_prepare(&bc->c, err);
	if (st == SOCAPI_OK)
		st = call_transfer_begin(&bc->c, err);
	if (st == SOCAPI_OK && curl_multi_add_handle(multi, bc->c.session->transport.curl) != CURLM_OK)
		st = call_transfer_end(&bc->c, CURLE_OUT_OF_MEMORY, err);
	bc->running = st == SOCAPI_OK;
	bc->done = !bc->running;
	return bc->running;
}

/* A transfer ended: decode the answer, or schedule the handler's retry. */
static void finish(struct batch_call *bc, CURLcode rc)
{
	struct socapi_error *err = bc->err;
	bc->running = false;
	struct json_object *root = NULL, *result = NULL;
	enum socapi_status st = call_transfer_end(&bc->c, rc, err);
	if (st == SOCAPI_OK)
		st = call_complete(&bc->c, &root, &result, err);
	void *decoded = NULL;
	if (st == SOCAPI_OK)
		st = decode_result(bc->c.method, result, &decoded, err);
	if (st == SOCAPI_OK)
		call_store(bc->c.method, decoded, bc->out);
	json_object_put(root);
	long wait_ms = 0;
	if (st != SOCAPI_OK && call_retry(&bc->c, bc->attempt++, &st, &wait_ms, err)) {
		bc->not_before = now_ns() + (int64_t)wait_ms * 1000000;
		return;
	}
	bc->done = true;
}

static struct batch_call *running_call(struct socapi_batch *b, CURL *easy)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->calls[i].running && b->calls[i].c.session->transport.curl == easy)
			return &b->calls[i];
	return NULL;
}

/* Starts what may start now; the time until something else may, in ms (-1: nothing waits). */
static long start_ready(struct socapi_batch *b, CURLM *multi)
{
	int64_t now = now_ns(), next = -1;
	for (size_t i = 0; i < b->n; i++) {
		struct batch_call *bc = &b->calls[i];
		if (bc->done || bc->running || session_busy(b, bc->c.session))
			continue;
		int64_t at = bc->not_before > now ? bc->not_before : now + rate_delay(bc->c.session);
		if (at > now) {
			next = next < 0 || at < next ? at : next;
			continue;
		}
		start(multi, bc);
	}
	return next < 0 ? -1 : (long)((next - now + 999999) / 1000000);
}

enum socapi_status socapi_batch_run(struct socapi_batch *b, struct socapi_error *err)
{
	error_reset(err);
	if (!b)
		return set_error(err, SOCAPI_E_ARG, "batch is NULL");
	CURLM *multi = curl_multi_init();
	if (!multi)
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	for (size_t i = 0; i < b->n; i++)
		b->calls[i].attempt = 1;
	enum socapi_status st = SOCAPI_OK;
	for (;;) {
		long wait_ms = start_ready(b, multi);
		int running = 0;
		CURLMcode mc = curl_multi_perform(multi, &running);
		CURLMsg *msg;
		int left;
		while (mc == CURLM_OK && (msg = curl_multi_info_read(multi, &left))) {
			struct batch_call *bc = msg->msg == CURLMSG_DONE ? running_call(b, msg->easy_handle) : NULL;
			if (!bc)
				continue;
			CURLcode rc = msg->data.result; /* msg is gone once the handle is removed */
			curl_multi_remove_handle(multi, msg->easy_handle);
			finish(bc, rc);
			wait_ms = 0; /* the session is free: its next call may start */
		}
		bool pending = false;
		for (size_t i = 0; i < b->n && !pending; i++)
			pending = !b->calls[i].done;
		if (mc != CURLM_OK) {
			st = set_error(err, SOCAPI_E_TRANSPORT, "curl multi: %s", curl_multi_strerror(mc));
			break;
		}
		if (!pending)
			break;
		if ((running || wait_ms > 0) &&
		    (mc = curl_multi_poll(multi, NULL, 0, wait_ms < 0 || wait_ms > 1000 ? 1000 : (int)wait_ms,
		                          NULL)) != CURLM_OK) {
			st = set_error(err, SOCAPI_E_TRANSPORT, "curl multi: %s", curl_multi_strerror(mc));
			break;
		}
	}
	/* a failed batch: what never finished says so */
	for (size_t i = 0; i < b->n; i++) {
		struct batch_call *bc = &b->calls[i];
		if (bc->running) {
			curl_multi_remove_handle(multi, bc->c.session->transport.curl);
			call_transfer_end(&bc->c, CURLE_ABORTED_BY_CALLBACK, bc->err);
		}
		if (!bc->done)
			set_error(bc->err, SOCAPI_E_TRANSPORT, "the batch stopped before this call ended");
	}
	curl_multi_cleanup(multi);
	release_calls(b);
	return st;
}
