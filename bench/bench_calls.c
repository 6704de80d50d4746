/*
 * bench_calls.c - typed Mail.Ru calls against the bench-peers kit's nginx
 * (../shared/bench-peers), printing the kit's one JSON line; never a test.
 *   --body tiny   friends.getInvitationsCount, answered {"count":3}
 *   --body n1000  friends.get ext=1, answered with 1000 users (597,522 bytes)
 *   --mode seq    -k calls one after another on one session (socapi_call)
 *   --mode batch  rounds of --conc sessions x --depth calls through one
 *                 socapi_batch kept for the whole run
 *   --mode decode -k typed decodes of the body in --file (the kit's
 *                 www/mailru_n1000.json), no network: "calls_per_s" is
 *                 decodes a second
 * The JSON line also gives "connections": the TCP connections nginx accepted
 * during the timed part (its stub_status), to show keep-alive at work.
 * bench/run-peers.sh runs it beside the peers; see bench/README.md.
 */
#define _POSIX_C_SOURCE 200809L
#include <curl/curl.h>
#include <mailru/mailru.h>
#include <socapi/mailru.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SESSIONS 256
#define N1000_USERS 1000

struct args {
	const char *base;
	const char *body;
	const char *mode;
	const char *file;
	long k;
	int conc;
	int depth;
	int warmup;
	double max_seconds;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [--base http://127.0.0.1:8080] [--body tiny|n1000] [--mode seq|batch|decode] "
	        "[--file BODY.json] [-k N] [--conc N] [--depth N] [--warmup N] [--max-seconds S]\n", prog);
	exit(2);
}

static struct args parse_args(int argc, char **argv)
{
	struct args a = {"http://127.0.0.1:8080", "tiny", "seq", NULL, 10000, 64, 1, 64, 60};
	for (int i = 1; i < argc; i += 2) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			usage(argv[0]);
		if (!strcmp(o, "--base"))
			a.base = v;
		else if (!strcmp(o, "--body"))
			a.body = v;
		else if (!strcmp(o, "--mode"))
			a.mode = v;
		else if (!strcmp(o, "--file"))
			a.file = v;
		else if (!strcmp(o, "-k"))
			a.k = atol(v);
		else if (!strcmp(o, "--conc"))
			a.conc = atoi(v);
		else if (!strcmp(o, "--depth"))
			a.depth = atoi(v);
		else if (!strcmp(o, "--warmup"))
			a.warmup = atoi(v);
		else if (!strcmp(o, "--max-seconds"))
			a.max_seconds = atof(v);
		else
			usage(argv[0]);
	}
	bool tiny = !strcmp(a.body, "tiny"), batch = !strcmp(a.mode, "batch"), decode = !strcmp(a.mode, "decode");
	if ((!tiny && strcmp(a.body, "n1000")) || (!batch && !decode && strcmp(a.mode, "seq")) ||
	    (decode && (tiny || !a.file)) || a.k < 1 ||
	    a.conc < 1 || a.conc > MAX_SESSIONS || a.depth < 1 || a.warmup < 0)
		usage(argv[0]);
	if (strncmp(a.base, "http://127.", 11) && strncmp(a.base, "http://localhost", 16)) {
		fprintf(stderr, "only loopback targets are allowed\n");
		exit(2);
	}
	return a;
}

struct page {
	char text[512];
	size_t len;
};

static size_t keep_text(char *data, size_t size, size_t n, void *ctx)
{
	struct page *out = ctx;
	size_t len = size * n, room = sizeof out->text - 1 - out->len;
	memcpy(out->text + out->len, data, len < room ? len : room);
	out->len += len < room ? len : room;
	out->text[out->len] = '\0';
	return len;
}

/* nginx's accepted-connections counter (stub_status), or -1. */
static long nginx_accepts(const char *base)
{
	char url[256];
	snprintf(url, sizeof url, "%s/nginx_status", base);
	struct page page = {{0}, 0};
	CURL *c = curl_easy_init();
	long accepts = -1;
	if (c && curl_easy_setopt(c, CURLOPT_URL, url) == CURLE_OK &&
	    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_text) == CURLE_OK &&
	    curl_easy_setopt(c, CURLOPT_WRITEDATA, &page) == CURLE_OK && curl_easy_perform(c) == CURLE_OK) {
		/* "Active connections: 1 \nserver accepts handled requests\n 12 12 40 \n..." */
		const char *numbers = strstr(page.text, "requests\n");
		if (numbers)
			accepts = strtol(numbers + 9, NULL, 10);
	}
	curl_easy_cleanup(c);
	return accepts;
}

struct bench {
	struct args a;
	bool tiny;
	struct socapi_session *sessions[MAX_SESSIONS];
	struct socapi_batch *batch;
	/* one round of the batch: results and errors, conc * depth of each */
	void **results;
	struct socapi_error *errors;
};

static const struct socapi_method *method_of(const struct bench *b)
{
	return b->tiny ? &mailru_friends_get_invitations_count_method : &mailru_friends_get_with_extended_method;
}

static const struct mailru_friends_get_invitations_count_params tiny_params = {.has_uid = true,
                                                                               .uid = 15410773191172635989u};
static const struct mailru_friends_get_params n1000_params = MAILRU_FRIENDS_GET_PARAMS_INIT;

static const void *params_of(const struct bench *b)
{
	return b->tiny ? (const void *)&tiny_params : (const void *)&n1000_params;
}

/* The answer is the one nginx serves; releases it. */
static bool check_result(const struct bench *b, void *result)
{
	bool ok = b->tiny ? ((struct mailru_count *)result)->count == 3
	                  : ((struct mailru_user_list *)result)->n_items == N1000_USERS;
	socapi_free(result);
	return ok;
}

/* n calls one after another on the first session; the failures. */
static long run_seq(struct bench *b, long n)
{
	long failures = 0;
	for (long i = 0; i < n; i++) {
		void *result = NULL;
		struct socapi_error err;
		if (socapi_call(b->sessions[0], method_of(b), params_of(b), &result, &err) != SOCAPI_OK) {
			if (!failures)
				fprintf(stderr, "call failed: %s\n", err.message);
			failures++;
		} else {
			failures += !check_result(b, result);
		}
	}
	return failures;
}

/* One batch run of conc sessions x depth calls; the failures. */
static long run_round(struct bench *b)
{
	long n = (long)b->a.conc * b->a.depth, failures = 0;
	struct socapi_error err;
	for (long i = 0; i < n; i++)
		if (socapi_batch_add(b->batch, b->sessions[i % b->a.conc], method_of(b), params_of(b),
		                     &b->results[i], &b->errors[i], &err) != SOCAPI_OK) {
			fprintf(stderr, "batch_add: %s\n", err.message);
			return n;
		}
	if (socapi_batch_run(b->batch, &err) != SOCAPI_OK) {
		fprintf(stderr, "batch_run: %s\n", err.message);
		failures = n;
	}
	for (long i = 0; i < n; i++) {
		if (b->errors[i].status != SOCAPI_OK) {
			if (!failures)
				fprintf(stderr, "call failed: %s\n", b->errors[i].message);
			failures++;
			continue;
		}
		failures += !check_result(b, b->results[i]);
	}
	return failures;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	long size = f && fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
	if (size > 0 && fseek(f, 0, SEEK_SET) == 0 && (data = malloc((size_t)size)) &&
	    fread(data, 1, (size_t)size, f) != (size_t)size) {
		free(data);
		data = NULL;
	}
	if (f)
		fclose(f);
	*len = data ? (size_t)size : 0;
	return data;
}

/* -k typed decodes of the body in --file, as the kit's JSON line. */
static int run_decode(const struct args *a)
{
	size_t len;
	char *json = read_file(a->file, &len);
	if (!json) {
		fprintf(stderr, "cannot read %s\n", a->file);
		return 1;
	}
	long failures = 0, done = 0;
	double t0 = 0, deadline = 0;
	for (long i = -a->warmup; i < a->k; i++) {
		if (i == 0) { /* the warm-up is over */
			t0 = now_s();
			deadline = t0 + a->max_seconds;
		}
		if (i >= 0 && now_s() > deadline)
			break;
		struct mailru_user_list *list = NULL;
		struct socapi_error err;
		if (mailru_user_list_decode(json, len, &list, &err) != SOCAPI_OK) {
			if (!failures)
				fprintf(stderr, "decode failed: %s\n", err.message);
			failures++;
		} else {
			failures += list->n_items != N1000_USERS;
		}
		mailru_user_list_free(list);
		done += i >= 0;
	}
	double secs = now_s() - t0;
	printf("{\"lib\": \"socapi\", \"version\": \"%s\", \"body\": \"n1000\", \"mode\": \"decode\", "
	       "\"conc\": 1, \"k\": %ld, \"done\": %ld, \"seconds\": %.4f, \"calls_per_s\": %.1f, "
	       "\"MB_per_s\": %.1f, \"items\": %d, \"failures\": %ld, \"truncated\": %s}\n",
	       socapi_version(), a->k, done, secs, secs > 0 ? (double)done / secs : 0.0,
	       secs > 0 ? (double)done * (double)len / secs / 1e6 : 0.0, N1000_USERS, failures,
	       done < a->k ? "true" : "false");
	free(json);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct bench b = {.a = parse_args(argc, argv)};
	b.tiny = !strcmp(b.a.body, "tiny");
	bool batch = !strcmp(b.a.mode, "batch");
	struct socapi_error err;
	if (socapi_global_init(NULL, &err) != SOCAPI_OK)
		return 1;
	if (!strcmp(b.a.mode, "decode")) {
		int rc = run_decode(&b.a);
		socapi_global_cleanup();
		return rc;
	}
	char api_url[256];
	snprintf(api_url, sizeof api_url, "%s/%s/platform/api/", b.a.base, b.a.body);
	/* aiomailru's bench session: server-server circuit (nginx checks no signature) */
	struct socapi_mailru_credentials cred = {.app_id = "123456",
	                                         .secret_key = "ssssssssssssssssssssssssssssssss",
	                                         .session_key = "tttttttttttttttttttttttttttttttt",
	                                         .circuit = SOCAPI_MAILRU_CIRCUIT_SERVER,
	                                         .api_url = api_url};
	int n_sessions = batch ? b.a.conc : 1;
	for (int i = 0; i < n_sessions; i++)
		if (socapi_mailru_session_new(&cred, NULL, &b.sessions[i], &err) != SOCAPI_OK) {
			fprintf(stderr, "session: %s\n", err.message);
			return 1;
		}
	long per_round = (long)b.a.conc * b.a.depth;
	if (batch) {
		b.results = calloc((size_t)per_round, sizeof *b.results);
		b.errors = calloc((size_t)per_round, sizeof *b.errors);
		if (!b.results || !b.errors || socapi_batch_new(&b.batch, &err) != SOCAPI_OK)
			return 1;
	}

	/* a first call checks the answer; the warm-up opens the connections */
	long failures = batch ? run_round(&b) : run_seq(&b, 1 + b.a.warmup);
	if (failures) {
		fprintf(stderr, "the first calls failed\n");
		return 1;
	}
	long accepts_before = nginx_accepts(b.a.base), done = 0;
	double t0 = now_s(), deadline = t0 + b.a.max_seconds;
	while (done < b.a.k && now_s() < deadline) {
		long n = batch ? per_round : b.a.k - done < 1000 ? b.a.k - done : 1000;
		failures += batch ? run_round(&b) : run_seq(&b, n);
		done += n;
	}
	double secs = now_s() - t0;
	long accepts_after = nginx_accepts(b.a.base);
	/* the stub_status request itself is one more connection */
	long connections = accepts_before < 0 || accepts_after < 0 ? -1 : accepts_after - accepts_before - 1;

	printf("{\"lib\": \"socapi\", \"version\": \"%s\", \"body\": \"%s\", \"mode\": \"%s\", \"conc\": %d, "
	       "\"depth\": %d, \"k\": %ld, \"done\": %ld, \"seconds\": %.4f, \"calls_per_s\": %.1f, "
	       "\"items\": %d, \"failures\": %ld, \"truncated\": %s, \"connections\": %ld}\n",
	       socapi_version(), b.a.body, b.a.mode, batch ? b.a.conc : 1, batch ? b.a.depth : 1, b.a.k, done,
	       secs, secs > 0 ? (double)done / secs : 0.0, b.tiny ? 1 : N1000_USERS, failures,
	       done < b.a.k ? "true" : "false", connections);
	socapi_batch_free(b.batch);
	free(b.results);
	free(b.errors);
	for (int i = 0; i < n_sessions; i++)
		socapi_session_free(b.sessions[i]);
	socapi_global_cleanup();
	return failures ? 1 : 0;
}
