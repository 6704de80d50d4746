/*
 * batch.c - several typed calls at once over curl's multi interface. Each
 * call goes through the same steps as socapi_call (sign, transfer,
 * unwrap, decode, error handlers); only the transfers overlap. A session
 * has one easy handle, so its calls run one after another: each session is
 * a lane, a FIFO of its calls. The multi handle, and with it the pool of
 * open connections, lives as long as the batch, so runs after the first
 * reuse their connections. Every step costs the same whatever the number
 * of calls: a finished transfer finds its call through CURLOPT_PRIVATE,
 * lanes that may start wait in a ready queue and lanes that must wait
 * (a handler's delay, the rate limit) in a heap ordered by time.
 */
#include "internal.h"

#include <string.h>

#define NONE SIZE_MAX

struct batch_call {
	struct call c;
	void *out;
	struct socapi_error *err;
	size_t next;         /* the session's next call, NONE at the tail */
	unsigned attempt;
	int64_t not_before;  /* monotonic ns: a handler's wait */
	bool running;
	bool done;
};

/* The calls of one session, in the order added. */
struct lane {
	struct socapi_session *session;
	size_t head;         /* the call to run next, NONE when all are done */
	size_t tail;
	int64_t start_at;    /* while in the heap: when head may start */
};

struct socapi_batch {
	CURLM *multi;        /* from new to free: keeps the connections open */
	long max_connects;   /* the connection pool's size set on multi */
	bool in_run;
	struct batch_call *calls;
	size_t n, cap;
	struct lane *lanes;
	size_t n_lanes, cap_lanes;
	size_t *slots;       /* open addressing: session -> lane index + 1 (0: free) */
	size_t n_slots;      /* a power of two, at least twice n_lanes */
	size_t *ready;       /* lanes whose head may start now (a ring of cap_lanes) */
	size_t ready_first, n_ready;
	size_t *heap;        /* waiting lanes, earliest start_at first */
	size_t n_heap;
	size_t pending;      /* calls not done in this run */
};

enum socapi_status socapi_batch_new(struct socapi_batch **out, struct socapi_error *err)
{
	error_reset(err);
	if (!out)
		return set_error(err, SOCAPI_E_ARG, "out is NULL");
	struct socapi_batch *b = sc_calloc(1, sizeof *b);
	if (b)
		b->multi = curl_multi_init();
	if (!b || !b->multi) {
		sc_free(b);
		*out = NULL;
		return set_error(err, SOCAPI_E_NOMEM, "out of memory");
	}
	*out = b;
	return SOCAPI_OK;
}

/* Forgets the queued calls and lanes; the buffers stay for the next run. */
static void clear_calls(struct socapi_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		call_release(&b->calls[i].c);
	b->n = 0;
	b->n_lanes = 0;
	if (b->slots)
		memset(b->slots, 0, b->n_slots * sizeof *b->slots);
}

void socapi_batch_free(struct socapi_batch *b)
{
	if (!b)
		return;
	clear_calls(b);
	curl_multi_cleanup(b->multi);
	sc_free(b->calls);
	sc_free(b->lanes);
	sc_free(b->slots);
	sc_free(b->ready);
	sc_free(b->heap);
	sc_free(b);
}

/* ---- lanes: one per session, found through a hash of the pointer ---- */

static size_t slot_of(const struct socapi_batch *b, const struct socapi_session *s)
{
	uint64_t h = (uint64_t)(uintptr_t)s * 0x9e3779b97f4a7c15u;
	size_t i = (size_t)(h >> 32) & (b->n_slots - 1);
	while (b->slots[i] && b->lanes[b->slots[i] - 1].session != s)
		i = (i + 1) & (b->n_slots - 1);
	return i;
}

/* Room for one more lane: the lane arrays and a table at most half full. */
static bool lanes_reserve(struct socapi_batch *b)
{
	if (b->n_lanes == b->cap_lanes) {
		size_t cap = b->cap_lanes ? b->cap_lanes * 2 : 8;
		struct lane *lanes = sc_realloc(b->lanes, cap * sizeof *lanes);
		if (lanes)
			b->lanes = lanes;
		size_t *ready = lanes ? sc_realloc(b->ready, cap * sizeof *ready) : NULL;
		if (ready)
			b->ready = ready;
		size_t *heap = ready ? sc_realloc(b->heap, cap * sizeof *heap) : NULL;
		if (!heap)
			return false;
		b->heap = heap;
		b->cap_lanes = cap;
	}
	if (2 * (b->n_lanes + 1) <= b->n_slots)
		return true;
	size_t n_slots = b->n_slots ? b->n_slots * 2 : 16;
	size_t *slots = sc_calloc(n_slots, sizeof *slots);
	if (!slots)
		return false;
	sc_free(b->slots);
	b->slots = slots;
	b->n_slots = n_slots;
	for (size_t i = 0; i < b->n_lanes; i++)
		b->slots[slot_of(b, b->lanes[i].session)] = i + 1;
	return true;
}

/* Appends call i to its session's lane (a new lane for a new session). */
static bool lane_append(struct socapi_batch *b, size_t i)
{
	struct socapi_session *s = b->calls[i].c.session;
	if (!lanes_reserve(b))
		return false;
	size_t slot = slot_of(b, s);
	if (!b->slots[slot]) {
		b->lanes[b->n_lanes] = (struct lane){s, i, i, 0};
		b->slots[slot] = ++b->n_lanes;
		return true;
	}
	struct lane *l = &b->lanes[b->slots[slot] - 1];
	b->calls[l->tail].next = i;
	l->tail = i;
	return true;
}

/* ---- queueing ---- */

enum socapi_status socapi_batch_add(struct socapi_batch *b, struct socapi_session *session,
                                    const struct socapi_method *method, const void *params,
                                    void *out, struct socapi_error *call_err,
                                    struct socapi_error *err)
{
	error_reset(err);
	if (!b || !session || !method || !out || !call_err)
		return set_error(err, SOCAPI_E_ARG,
		                 "socapi_batch_add: batch, session, method, out and call_err are required");
	if (b->in_run)
		return set_error(err, SOCAPI_E_ARG, "socapi_batch_add: the batch is running");
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
	                          .out = out, .err = call_err, .next = NONE};
	enum socapi_status st = call_encode(session, method, params, &bc->c.params, err);
	if (st == SOCAPI_OK)
		st = call_force(&bc->c, err);
	if (st == SOCAPI_OK && !lane_append(b, b->n))
		st = set_error(err, SOCAPI_E_NOMEM, "out of memory");
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

/* ---- scheduling ---- */

static bool heap_before(const struct socapi_batch *b, size_t i, size_t j)
{
	return b->lanes[b->heap[i]].start_at < b->lanes[b->heap[j]].start_at;
}

static void heap_swap(struct socapi_batch *b, size_t i, size_t j)
{
	size_t t = b->heap[i];
	b->heap[i] = b->heap[j];
	b->heap[j] = t;
}

static void heap_push(struct socapi_batch *b, size_t lane)
{
	size_t i = b->n_heap++;
	b->heap[i] = lane;
	for (; i > 0 && heap_before(b, i, (i - 1) / 2); i = (i - 1) / 2)
		heap_swap(b, i, (i - 1) / 2);
}

static size_t heap_pop(struct socapi_batch *b)
{
	size_t top = b->heap[0];
	b->heap[0] = b->heap[--b->n_heap];
	for (size_t i = 0;;) {
		size_t least = i, l = 2 * i + 1, r = l + 1;
		if (l < b->n_heap && heap_before(b, l, least))
			least = l;
		if (r < b->n_heap && heap_before(b, r, least))
			least = r;
		if (least == i)
			return top;
		heap_swap(b, i, least);
		i = least;
	}
}

static void ready_push(struct socapi_batch *b, size_t lane)
{
	b->ready[(b->ready_first + b->n_ready++) % b->cap_lanes] = lane;
}

static size_t ready_pop(struct socapi_batch *b)
{
	size_t lane = b->ready[b->ready_first];
	b->ready_first = (b->ready_first + 1) % b->cap_lanes;
	b->n_ready--;
	return lane;
}

/* The lane's session is free: its head call waits for its time or is ready. */
static void schedule(struct socapi_batch *b, size_t lane, int64_t now)
{
	struct lane *l = &b->lanes[lane];
	if (l->head == NONE)
		return;
	int64_t rate_at = now + rate_delay(l->session), at = b->calls[l->head].not_before;
	l->start_at = at > rate_at ? at : rate_at;
	if (l->start_at > now)
		heap_push(b, lane);
	else
		ready_push(b, lane);
}

/* The lane's head call ended for good: release what it held, move on. */
static void call_done(struct socapi_batch *b, size_t lane, int64_t now)
{
	struct lane *l = &b->lanes[lane];
	struct batch_call *bc = &b->calls[l->head];
	bc->done = true;
	call_release(&bc->c); /* the body goes now, not at the end of the run */
	b->pending--;
	l->head = bc->next;
	schedule(b, lane, now);
}

/* Signs the lane's head call and hands its transfer to the multi handle. */
static void start(struct socapi_batch *b, size_t lane)
{
	struct batch_call *bc = &b->calls[b->lanes[lane].head];
	CURL *easy = bc->c.session->transport.curl;
	enum socapi_status st = call_prepare(&bc->c, bc->err);
	if (st == SOCAPI_OK)
		st = call_transfer_begin(&bc->c, bc->err);
	if (st == SOCAPI_OK && (curl_easy_setopt(easy, CURLOPT_PRIVATE, (void *)&b->lanes[lane]) != CURLE_OK ||
	                        curl_multi_add_handle(b->multi, easy) != CURLM_OK))
		st = call_transfer_end(&bc->c, CURLE_OUT_OF_MEMORY, bc->err);
	bc->running = st == SOCAPI_OK;
	if (!bc->running)
		call_done(b, lane, now_ns());
}

/* The lane's transfer ended: decode the answer, or schedule the handler's retry. */
static void finish(struct socapi_batch *b, size_t lane, CURLcode rc)
{
	struct batch_call *bc = &b->calls[b->lanes[lane].head];
	struct socapi_error *err = bc->err;
	bc->running = false;
	enum socapi_status st = call_transfer_end(&bc->c, rc, err);
	void *decoded = NULL;
	if (st == SOCAPI_OK)
		st = call_decode(&bc->c, &decoded, err);
	if (st == SOCAPI_OK)
		call_store(bc->c.method, decoded, bc->out);
	long wait_ms = 0;
	int64_t now = now_ns();
	if (st != SOCAPI_OK && call_retry(&bc->c, bc->attempt++, &st, &wait_ms, err)) {
		bc->not_before = now + (int64_t)wait_ms * 1000000;
		schedule(b, lane, now);
		return;
	}
	call_done(b, lane, now);
}

/* Starts every lane that may start now. */
static void start_ready(struct socapi_batch *b)
{
	int64_t now = now_ns();
	while (b->n_heap && b->lanes[b->heap[0]].start_at <= now)
		ready_push(b, heap_pop(b));
	while (b->n_ready)
		start(b, ready_pop(b)); /* a call that fails at once may make its lane ready again */
}

/* How long to wait for the network: until the first waiting lane may start, at most 1 s. */
static int poll_ms(const struct socapi_batch *b)
{
	if (!b->n_heap)
		return 1000;
	int64_t wait = (b->lanes[b->heap[0]].start_at - now_ns() + 999999) / 1000000;
	return wait < 0 ? 0 : wait > 1000 ? 1000 : (int)wait;
}

/* Takes the finished transfers off the multi handle. */
static void collect(struct socapi_batch *b)
{
	CURLMsg *msg;
	int left;
	while ((msg = curl_multi_info_read(b->multi, &left))) {
		char *lane = NULL;
		if (msg->msg != CURLMSG_DONE ||
		    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &lane) != CURLE_OK || !lane)
			continue;
		CURLcode rc = msg->data.result; /* msg is gone once the handle is removed */
		curl_multi_remove_handle(b->multi, msg->easy_handle);
		curl_easy_setopt(msg->easy_handle, CURLOPT_PRIVATE, NULL);
		finish(b, (size_t)((struct lane *)(void *)lane - b->lanes), rc);
	}
}

/* Every lane of the run has a connection to keep between runs. */
static CURLMcode size_pool(struct socapi_batch *b)
{
	if ((long)b->n_lanes <= b->max_connects)
		return CURLM_OK;
	b->max_connects = (long)b->n_lanes;
	return curl_multi_setopt(b->multi, CURLMOPT_MAXCONNECTS, b->max_connects);
}

/* A failed run: what is still in flight is taken off, what never ended says so. */
static void abandon(struct socapi_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		struct batch_call *bc = &b->calls[i];
		if (bc->running) {
			CURL *easy = bc->c.session->transport.curl;
			curl_multi_remove_handle(b->multi, easy);
			curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
			call_transfer_end(&bc->c, CURLE_ABORTED_BY_CALLBACK, bc->err);
		}
		if (!bc->done)
			set_error(bc->err, SOCAPI_E_TRANSPORT, "the batch stopped before this call ended");
	}
}

enum socapi_status socapi_batch_run(struct socapi_batch *b, struct socapi_error *err)
{
	error_reset(err);
	if (!b)
		return set_error(err, SOCAPI_E_ARG, "batch is NULL");
	if (b->in_run)
		return set_error(err, SOCAPI_E_ARG, "socapi_batch_run: the batch is running");
	b->in_run = true;
	b->pending = b->n;
	b->n_ready = b->ready_first = b->n_heap = 0;
	for (size_t i = 0; i < b->n; i++)
		b->calls[i].attempt = 1;
	int64_t now = now_ns();
	for (size_t i = 0; i < b->n_lanes; i++)
		schedule(b, i, now);
	CURLMcode mc = size_pool(b);
	while (mc == CURLM_OK && b->pending) {
		start_ready(b);
		int running = 0;
		mc = curl_multi_perform(b->multi, &running);
		if (mc != CURLM_OK)
			break;
		collect(b);
		if (b->n_ready || !b->pending)
			continue; /* a session is free: its next call may start */
		mc = curl_multi_poll(b->multi, NULL, 0, poll_ms(b), NULL);
	}
	enum socapi_status st = SOCAPI_OK;
	if (mc != CURLM_OK) {
		st = set_error(err, SOCAPI_E_TRANSPORT, "curl multi: %s", curl_multi_strerror(mc));
		abandon(b);
	}
	clear_calls(b);
	b->in_run = false;
	return st;
}
