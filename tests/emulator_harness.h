/*
 * emulator_harness.h - starts the bundled emulator on a free loopback port
 * for one test program and stops it again.
 */
#ifndef SOCAPI_TEST_EMULATOR_HARNESS_H
#define SOCAPI_TEST_EMULATOR_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct emulator {
	pid_t pid;
	int port;
	char base[64];     /* http://127.0.0.1:PORT */
	int tls_port;      /* 0 unless started by emulator_start_tls */
	char tls_base[64]; /* https://127.0.0.1:TLS_PORT */
};

/* Starts python3 emulator/socapi-emulator; false (with a message) on failure. */
bool emulator_start(struct emulator *e);
/*
 * The same, also serving HTTPS (same world) with a self-signed certificate
 * for 127.0.0.1 made now with the openssl command; its PEM path goes into
 * cert_file (a file under /tmp the caller removes with remove_tls_files).
 */
bool emulator_start_tls(struct emulator *e, char cert_file[64]);
void remove_tls_files(const char *cert_file);
/* How many requests reached paths starting with path (GET /_emulator/arrivals); -1 on failure. */
long emulator_arrivals(const struct emulator *e, const char *path);
void emulator_stop(struct emulator *e);
/* Sends a JSON control request (POST /_emulator/<what>); false on failure. */
bool emulator_control(const struct emulator *e, const char *what, const char *json);

/* A body read by http_get: NUL-terminated data (free it), len bytes. */
struct body {
	char *data;
	size_t len;
};

/* GET url with plain libcurl; the HTTP status, or -1. */
long http_get(const char *url, struct body *b);

/* GET /_emulator/<query> answering {"code": "..."}: the code into code[64]. */
bool emulator_code(const struct emulator *e, const char *query, char code[64]);

struct socapi_options;
struct socapi_session;
/*
 * A VK session of the emulator's Иван (his fixed user token) against
 * <base>/vk/method (base: e->base or e->tls_base) with opts (NULL: defaults).
 * NULL, with a message on stderr, on failure; free it with socapi_session_free.
 */
struct socapi_session *emulator_vk_session(const char *base, const struct socapi_options *opts);

#endif
