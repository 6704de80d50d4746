/*
 * emulator_harness.c - see emulator_harness.h.
 */
#define _POSIX_C_SOURCE 200809L
#include "emulator_harness.h"

#include <curl/curl.h>
#include <signal.h>
#include <socapi/vk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The number in a port file once it is there (up to 10 s), or 0. */
static int read_port_file(const char *path)
{
	for (int i = 0; i < 200; i++) {
		FILE *f = fopen(path, "r");
		int port = 0;
		if (f) {
			int ok = fscanf(f, "%d", &port);
			fclose(f);
			if (ok == 1 && port > 0) {
				unlink(path);
				return port;
			}
		}
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return 0;
}

static bool temp_name(char name[64], const char *pattern)
{
	snprintf(name, 64, "%s", pattern);
	int fd = mkstemp(name);
	if (fd < 0)
		return false;
	close(fd);
	unlink(name);
	return true;
}

/* Starts the emulator, with HTTPS too when cert and key are given. */
static bool start(struct emulator *e, const char *cert, const char *key)
{
	char port_file[64], tls_port_file[64];
	memset(e, 0, sizeof *e);
	if (!temp_name(port_file, "/tmp/socapi-emulator-port-XXXXXX") ||
	    !temp_name(tls_port_file, "/tmp/socapi-emulator-tls-port-XXXXXX"))
		return false;
	e->pid = fork();
	if (e->pid < 0)
		return false;
	if (e->pid == 0) {
		/* a test that aborts (a sanitizer's report) takes its emulator along;
		 * else the emulator holds ctest's output pipe and ctest waits forever */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (cert)
			execl(PYTHON_EXECUTABLE, PYTHON_EXECUTABLE, SOCAPI_SOURCE_DIR "/emulator/socapi-emulator",
			      "--port", "0", "--port-file", port_file, "--tls-cert", cert, "--tls-key", key,
			      "--tls-port-file", tls_port_file, (char *)NULL);
		else
			execl(PYTHON_EXECUTABLE, PYTHON_EXECUTABLE, SOCAPI_SOURCE_DIR "/emulator/socapi-emulator",
			      "--port", "0", "--port-file", port_file, (char *)NULL);
		_exit(127);
	}
	/* the TLS port file is written first */
	e->port = read_port_file(port_file);
	e->tls_port = e->port && cert ? read_port_file(tls_port_file) : 0;
	if (!e->port || (cert && !e->tls_port)) {
		fprintf(stderr, "emulator did not start\n");
		emulator_stop(e);
		return false;
	}
	snprintf(e->base, sizeof e->base, "http://127.0.0.1:%d", e->port);
	if (cert)
		snprintf(e->tls_base, sizeof e->tls_base, "https://127.0.0.1:%d", e->tls_port);
	return true;
}

bool emulator_start(struct emulator *e)
{
	return start(e, NULL, NULL);
}

static void key_file_of(const char *cert_file, char key_file[80])
{
	snprintf(key_file, 80, "%s.key", cert_file);
}

bool emulator_start_tls(struct emulator *e, char cert_file[64])
{
	char key_file[80], command[512];
	if (!temp_name(cert_file, "/tmp/socapi-test-cert-XXXXXX"))
		return false;
	key_file_of(cert_file, key_file);
	snprintf(command, sizeof command,
	         "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
	         "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout %s -out %s 2>/dev/null",
	         key_file, cert_file);
	if (system(command) != 0) {
		fprintf(stderr, "openssl could not make a certificate\n");
		return false;
	}
	return start(e, cert_file, key_file);
}

void remove_tls_files(const char *cert_file)
{
	char key_file[80];
	key_file_of(cert_file, key_file);
	unlink(cert_file);
	unlink(key_file);
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

long emulator_arrivals(const struct emulator *e, const char *path)
{
	char url[512];
	snprintf(url, sizeof url, "%s/_emulator/arrivals?path=%s", e->base, path);
	struct body b;
	long count = -1;
	const char *p = http_get(url, &b) == 200 && b.data ? strstr(b.data, "\"count\":") : NULL;
	if (p)
		count = strtol(p + 8, NULL, 10);
	free(b.data);
	return count;
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

struct socapi_session *emulator_vk_session(const char *base, const struct socapi_options *opts)
{
	char api[128];
	snprintf(api, sizeof api, "%s/vk/method", base);
	struct socapi_vk_credentials cred = {.access_token = "vk1.a.emuIvanFixedUserToken0001",
	                                     .api_url = api};
	struct socapi_session *s = NULL;
	struct socapi_error err;
	enum socapi_status st = socapi_vk_session_new(&cred, opts, &s, &err);
	if (st != SOCAPI_OK)
		fprintf(stderr, "socapi_vk_session_new: %s: %s\n", socapi_strstatus(st), err.message);
	return s;
}
