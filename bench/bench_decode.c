/*
 * bench_decode.c - typed decode speed of a friends.get (ext=1) answer, by
 * every decoder the runtime has, in one run. Prints MB/s (1 MB = 1e6 bytes
 * of the body) over CPU time, the median of several runs; never a test.
 *
 *   python3 ../shared/bench-peers/gen_bodies.py /tmp/www 1000
 *   cmake --build build --target bench_decode
 *   build/bench/bench_decode /tmp/www/mailru_n1000.json [rounds per run] [runs] [case]
 * (a case name runs that case alone, for a profiler)
 *
 * Cases:
 *   one-pass          socapi_decode (what typed calls use)
 *   one-pass+unknown  the same users with three members the schema lacks
 *                     each, kept as unknown members
 *   tree              the json-c tree decoder (the reference): parse + walk
 *   json-c parse      json_tokener_parse of the body alone, then freed
 */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <mailru/mailru.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_RUNS 31

static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *data = size > 0 ? malloc((size_t)size) : NULL;
	if (data && fread(data, 1, (size_t)size, f) != (size_t)size) {
		free(data);
		data = NULL;
	}
	fclose(f);
	*len = data ? (size_t)size : 0;
	return data;
}

/* The body with "zodiac", "status" and "counters" added to every user. */
static char *with_unknown_members(const char *json, size_t len, size_t *out_len)
{
	static const char extra[] = "{\"zodiac\":\"Лев\",\"status\":{\"text\":\"в отпуске\",\"time\":1700000000},"
	                            "\"counters\":[1,2,3],";
	size_t users = 0;
	for (size_t i = 0; i + 7 < len; i++)
		users += memcmp(json + i, "{\"uid\":", 7) == 0;
	char *out = malloc(len + users * sizeof extra + 1);
	size_t n = 0;
	for (size_t i = 0; out && i < len; i++) {
		if (i + 7 < len && memcmp(json + i, "{\"uid\":", 7) == 0) {
			memcpy(out + n, extra, sizeof extra - 1);
			n += sizeof extra - 1;
			continue;
		}
		out[n++] = json[i];
	}
	*out_len = n;
	return out;
}

enum decoder { ONE_PASS, TREE, JSONC_PARSE };

static int decode_once(enum decoder which, const char *json, size_t len)
{
	struct socapi_error err;
	void *out = NULL;
	enum socapi_status st;
	if (which == JSONC_PARSE) {
		struct json_object *root = NULL;
		st = parse_json(json, len, &root, &err);
		json_object_put(root);
	} else {
		st = (which == ONE_PASS ? socapi_decode : decode_reference)(&mailru_user_list_type, json, len, &out,
		                                                            &err);
		socapi_free(out);
	}
	if (st != SOCAPI_OK)
		fprintf(stderr, "decode failed: %s\n", err.message);
	return st == SOCAPI_OK ? 0 : 1;
}

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

struct bench_case {
	const char *name;
	enum decoder which;
	const char *json;
	size_t len;
	double mbps[MAX_RUNS];
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_decode BODY.json [rounds per run, 200] [runs, 7] [case]\n");
		return 2;
	}
	int rounds = argc > 2 ? atoi(argv[2]) : 200, runs = argc > 3 ? atoi(argv[3]) : 7;
	if (rounds < 1 || runs < 1 || runs > MAX_RUNS)
		return 2;
	size_t len, unknown_len;
	char *json = read_file(argv[1], &len);
	char *unknown = json ? with_unknown_members(json, len, &unknown_len) : NULL;
	struct socapi_error err;
	if (!unknown || socapi_global_init(NULL, &err) != SOCAPI_OK) {
		fprintf(stderr, "cannot read %s\n", argv[1]);
		return 1;
	}
	struct bench_case cases[] = {
		{"one-pass", ONE_PASS, json, len, {0}},
		{"one-pass+unknown", ONE_PASS, unknown, unknown_len, {0}},
		{"tree", TREE, json, len, {0}},
		{"json-c parse", JSONC_PARSE, json, len, {0}},
	};
	size_t n_cases = sizeof cases / sizeof *cases;
	for (size_t c = 0; argc > 4 && c < n_cases; c++)
		if (strcmp(cases[c].name, argv[4]) == 0) {
			cases[0] = cases[c];
			n_cases = 1;
		}
	/* interleaved: every case once per run, so drift on a shared machine hits all alike */
	for (int run = 0; run < runs; run++)
		for (size_t c = 0; c < n_cases; c++) {
			if (decode_once(cases[c].which, cases[c].json, cases[c].len))
				return 1;
			double start = cpu_seconds();
			for (int r = 0; r < rounds; r++)
				decode_once(cases[c].which, cases[c].json, cases[c].len);
			double secs = cpu_seconds() - start;
			cases[c].mbps[run] = (double)cases[c].len * rounds / secs / 1e6;
		}
	printf("{\"body_bytes\": %zu, \"rounds\": %d, \"runs\": %d", len, rounds, runs);
	for (size_t c = 0; c < n_cases; c++) {
		qsort(cases[c].mbps, (size_t)runs, sizeof(double), compare);
		double median = cases[c].mbps[runs / 2];
		printf(", \"%s\": {\"MB_per_s\": %.1f, \"us_per_doc\": %.0f}", cases[c].name, median,
		       (double)cases[c].len / median);
	}
	printf("}\n");
	free(json);
	free(unknown);
	socapi_global_cleanup();
	return 0;
}
