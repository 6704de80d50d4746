/*
 * scraper_harness.c - see scraper_harness.h.
 */
#define _GNU_SOURCE
#include "scraper_harness.h"

#include "../runtime/src/browser_internal.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define APP_ID "423004"
#define PRIVATE_KEY "7815696ecbf1c96e6894b779456d330e"
#define SECRET_KEY "3dad9cbf9baaa0360c0f2ba372d25716"

bool mailru_log_in(const struct emulator *e, const char *email, const char *password,
                   struct socapi_session **session, char **cookies)
{
	char token_url[128], authorize_url[128], api_url[128];
	snprintf(token_url, sizeof token_url, "%s/mailru/oauth/token", e->base);
	snprintf(authorize_url, sizeof authorize_url, "%s/mailru/oauth/authorize", e->base);
	snprintf(api_url, sizeof api_url, "%s/mailru/platform/api", e->base);
	struct socapi_mailru_app app = {.app_id = APP_ID,
	                                .secret_key = SECRET_KEY,
	                                .token_url = token_url,
	                                .authorize_url = authorize_url};
	struct socapi_token *tok = NULL;
	struct socapi_error err;
	*session = NULL;
	*cookies = NULL;
	if (socapi_mailru_grant_implicit(&app, NULL, email, password, NULL, &tok, &err) !=
	    SOCAPI_OK) {
		fprintf(stderr, "implicit login: %s\n", err.message);
		return false;
	}
	struct socapi_mailru_credentials cred = {.app_id = APP_ID,
	                                         .private_key = PRIVATE_KEY,
	                                         .uid = tok->uid,
	                                         .session_key = tok->access_token,
	                                         .api_url = api_url};
	if (socapi_mailru_session_new(&cred, NULL, session, &err) != SOCAPI_OK)
		fprintf(stderr, "session: %s\n", err.message);
	*cookies = tok->cookies ? strdup(tok->cookies) : NULL;
	socapi_token_free(tok);
	return *session && *cookies;
}

uint64_t community_uid(const struct emulator *e, const char *nick)
{
	char url[256];
	snprintf(url, sizeof url, "%s/mailru/platform/community/%s", e->base, nick);
	struct body b;
	uint64_t uid = 0;
	const char *p = http_get(url, &b) == 200 && b.data ? strstr(b.data, "\"uid\":\"") : NULL;
	if (p)
		uid = strtoull(p + 7, NULL, 10);
	free(b.data);
	return uid;
}

bool chromium_start(struct own_chromium *c)
{
	char *exe = browser_find_executable();
	snprintf(c->dir, sizeof c->dir, "/tmp/socapi-test-devtools-XXXXXX");
	c->pid = 0;
	if (!exe || !mkdtemp(c->dir)) {
		sc_free(exe);
		return false;
	}
	char profile[128];
	snprintf(profile, sizeof profile, "--user-data-dir=%s", c->dir);
	c->pid = fork();
	if (c->pid == 0) {
		setpgid(0, 0);
		setenv("TMPDIR", c->dir, 1); /* its temporary files go where chromium_stop removes them */
		int null = open("/dev/null", O_RDWR);
		dup2(null, 1);
		dup2(null, 2);
		execl(exe, exe, "--headless", "--no-sandbox", "--disable-gpu",
		      "--disable-background-networking", "--disable-component-update",
		      "--disable-sync", "--no-first-run", "--remote-debugging-address=127.0.0.1",
		      "--remote-debugging-port=0", profile, "about:blank", (char *)NULL);
		_exit(127);
	}
	sc_free(exe);
	/* it writes its port and browser path into DevToolsActivePort */
	char file[128];
	snprintf(file, sizeof file, "%s/DevToolsActivePort", c->dir);
	for (int i = 0; i < 300 && c->pid > 0; i++) {
		int port = 0;
		char path[160] = "";
		FILE *f = fopen(file, "r");
		bool ok = f && fscanf(f, "%d %159s", &port, path) == 2;
		if (f)
			fclose(f);
		if (ok) {
			snprintf(c->http, sizeof c->http, "http://127.0.0.1:%d", port);
			snprintf(c->ws, sizeof c->ws, "ws://127.0.0.1:%d%s", port, path);
			return true;
		}
		sleep_ms(50);
	}
	return false;
}

void chromium_stop(struct own_chromium *c)
{
	if (c->pid > 0) {
		kill(-c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
		c->pid = 0;
	}
	char command[128];
	snprintf(command, sizeof command, "rm -rf '%s'", c->dir);
	if (system(command) != 0)
		fprintf(stderr, "could not remove %s\n", c->dir);
}
