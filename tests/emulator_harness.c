/*
 * emulator_harness.c - see emulator_harness.h.
 */
#define _POSIX_C_SOURCE 200809L
#include "emulator_harness.h"

#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

bool emulator_start(struct emulator *e)
{
	char port_file[] = "/tmp/socapi-emulator-port-XXXXXX";
	int fd = mkstemp(port_file);
	if (fd < 0)
		return false;
	close(fd);
	unlink(port_file);
	e->pid = fork();
	if (e->pid < 0)
		return false;
	if (e->pid == 0) {
		execl(PYTHON_EXECUTABLE, PYTHON_EXECUTABLE, SOCAPI_SOURCE_DIR "/emulator/socapi-emulator",
		      "--port", "0", "--port-file", port_file, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) { /* up to 10 s */
		FILE *f = fopen(port_file, "r");
		if (f) {
			int ok = fscanf(f, "%d", &e->port);
			fclose(f);
			if (ok == 1 && e->port > 0) {
				unlink(port_file);
				snprintf(e->base, sizeof e->base, "http://127.0.0.1:%d", e->port);
				return true;
			}
		}
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "emulator did not start\n");
	emulator_stop(e);
	return false;
}

void emulator_stop(struct emulator *e)
{
	if (e->pid > 0) {
		kill(e->pid, SIGTERM);
		waitpid(e->pid, NULL, 0);
		e->pid = 0;
	}
}

static size_t discard(char *data, size_t size, size_t nmemb, void *ctx)
{
	(void)data;
	(void)ctx;
	return size * nmemb;
}

bool emulator_control(const struct emulator *e, const char *what, const char *json)
{
	char url[256];
	snprintf(url, sizeof url, "%s/_emulator/%s", e->base, what);
	CURL *c = curl_easy_init();
	if (!c)
		return false;
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, json ? json : "{}");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	long status = 0;
	bool ok = curl_easy_perform(c) == CURLE_OK &&
	          curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK && status == 200;
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return ok;
}

static size_t body_write(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct body *b = ctx;
	size_t len = size * nmemb;
	char *grown = realloc(b->data, b->len + len + 1);
	if (!grown)
		return 0;
	memcpy(grown + b->len, data, len);
	b->data = grown;
	b->len += len;
	b->data[b->len] = '\0';
	return len;
}

long http_get(const char *url, struct body *b)
{
	b->data = NULL;
	b->len = 0;
	CURL *c = curl_easy_init();
	if (!c)
		return -1;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	long status = -1;
	if (curl_easy_perform(c) != CURLE_OK ||
	    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
		status = -1;
	curl_easy_cleanup(c);
	return status;
}

bool emulator_code(const struct emulator *e, const char *query, char code[64])
{
	char url[768];
	snprintf(url, sizeof url, "%s/_emulator/%s", e->base, query);
	struct body b;
	long status = http_get(url, &b);
	bool ok = false;
	const char *p = status == 200 && b.data ? strstr(b.data, "\"code\"") : NULL;
	if (p)
		p = strchr(p + 6, '"');
	if (p) {
		p++;
		size_t len = strcspn(p, "\"");
		if (len > 0 && len < 64) {
			memcpy(code, p, len);
			code[len] = '\0';
			ok = true;
		}
	}
	free(b.data);
	return ok;
}
