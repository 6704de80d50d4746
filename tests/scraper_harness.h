/*
 * scraper_harness.h - what the scraper test and benchmark share: Мария's
 * login through the emulator's implicit grant (a REST session and her
 * cookies), and a Chromium started by hand with --remote-debugging-port on
 * loopback, for the connected mode.
 */
#ifndef SOCAPI_TEST_SCRAPER_HARNESS_H
#define SOCAPI_TEST_SCRAPER_HARNESS_H

#include "emulator_harness.h"

#include <socapi/mailru.h>

/* Logs in through the implicit grant: a client-server session and the
 * cookie jar (free it). False, with a message on stderr, on failure. */
bool mailru_log_in(const struct emulator *e, const char *email, const char *password,
                   struct socapi_session **session, char **cookies);

/* A community's uid from the emulator's public profile endpoint, or 0. */
uint64_t community_uid(const struct emulator *e, const char *nick);

/* A Chromium of the caller's, headless, DevTools on a free loopback port. */
struct own_chromium {
	pid_t pid;
	char dir[64];  /* its profile */
	char http[64]; /* http://127.0.0.1:<port> */
	char ws[256];  /* its browser WebSocket */
};

/* Starts it (up to 15 s for DevToolsActivePort); false on failure. */
bool chromium_start(struct own_chromium *c);
/* Kills its process group and removes the profile. */
void chromium_stop(struct own_chromium *c);

#endif
