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
	char base[64]; /* http://127.0.0.1:PORT */
};

/* Starts python3 emulator/socapi-emulator; false (with a message) on failure. */
bool emulator_start(struct emulator *e);
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

#endif
