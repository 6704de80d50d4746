/*
 * emulator_harness.h - starts the bundled emulator on a free loopback port
 * for one test program and stops it again.
 */
#ifndef SOCAPI_TEST_EMULATOR_HARNESS_H
#define SOCAPI_TEST_EMULATOR_HARNESS_H

#include <stdbool.h>
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

#endif
