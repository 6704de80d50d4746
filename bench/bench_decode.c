/*
 * bench_decode.c - decode speed of a friends.get (ext=1) answer with 1000
 * users, through the json-c tree decoder. Prints MB/s; never a test.
 *   cmake --build build --target bench_decode && build/bench/bench_decode
 */
#define _POSIX_C_SOURCE 200809L
#include <mailru/mailru.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int users = argc > 1 ? atoi(argv[1]) : 1000, rounds = argc > 2 ? atoi(argv[2]) : 200;
	size_t cap = (size_t)users * 1024 + 16, len = 0;
	char *json = malloc(cap);
	if (!json)
		return 1;
	len += (size_t)snprintf(json + len, cap - len, "[");
	for (int i = 0; i < users; i++)
		len += (size_t)snprintf(json + len, cap - len,
		        "%s{\"uid\":\"%llu\",\"first_name\":\"Иван\",\"last_name\":\"Петров\",\"nick\":\"user%d\","
		        "\"sex\":%d,\"birthday\":\"25.08.1995\",\"has_pic\":1,\"is_online\":%d,\"friends_count\":%d,"
		        "\"pic\":\"http://avt.appsmail.ru/mail/user%d/_avatar\",\"link\":\"http://my.mail.ru/mail/user%d/\","
		        "\"location\":{\"country\":{\"id\":\"24\",\"name\":\"Россия\"},\"city\":{\"id\":\"25\",\"name\":\"Москва\"},"
		        "\"region\":{\"id\":\"999999\",\"name\":\"Москва\"}},\"vip\":0,\"app_installed\":1,\"last_visit\":1700000000}",
		        i ? "," : "", 15410773191172635989ULL - (unsigned long long)i, i, i % 2, i % 2, i, i, i);
	len += (size_t)snprintf(json + len, cap - len, "]");
	struct socapi_error err;
	if (socapi_global_init(NULL, &err) != SOCAPI_OK)
		return 1;
	double start = now();
	for (int r = 0; r < rounds; r++) {
		struct mailru_user_list *list = NULL;
		if (mailru_user_list_decode(json, len, &list, &err) != SOCAPI_OK || list->n_items != (size_t)users) {
			fprintf(stderr, "decode failed: %s\n", err.message);
			return 1;
		}
		mailru_user_list_free(list);
	}
	double secs = now() - start;
	printf("friends.get ext=1: %d users, %zu bytes, %d rounds: %.1f MB/s, %.0f us per answer\n", users, len,
	       rounds, (double)len * rounds / secs / 1e6, secs / rounds * 1e6);
	free(json);
	socapi_global_cleanup();
	return 0;
}
