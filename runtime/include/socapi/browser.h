/*
 * socapi/browser.h - a headless Chromium driven over the DevTools protocol,
 * for the Mail.Ru scrapers (socapi/scraper.h).
 *
 * Two ways to get one:
 *  - launched: socapi starts Debian's `chromium` (apt-get install chromium)
 *    headless, with a new temporary profile, and talks to it over
 *    --remote-debugging-pipe. The process is socapi's: socapi_browser_free
 *    closes it (Browser.close, then SIGKILL to its process group after a
 *    grace period) and removes the profile; so does every failed start. It
 *    runs in a process group of its own and gets SIGKILL when the thread
 *    that launched it exits (PR_SET_PDEATHSIG), so a crashed or killed
 *    program leaves no browser behind (only its profile directory,
 *    $TMPDIR/socapi-chromium-XXXXXX, which nobody is left to remove; the
 *    browser's own temporary files are inside it, its TMPDIR). As
 *    root it runs with --no-sandbox (Chromium refuses root otherwise).
 *  - connected: socapi opens the DevTools WebSocket of a browser that is
 *    already running (`chromium --remote-debugging-port=9222`, a browserless
 *    container), given as ws://host:port/devtools/browser/<id>, or as
 *    http://host:port, whose /json/version names that WebSocket. The
 *    browser is not socapi's: socapi_browser_free only closes the
 *    connection and the browser contexts socapi made. The WebSocket is
 *    libwebsockets' (its own allocator; socapi silences its logging, a
 *    process-wide setting, when it connects).
 *
 * Which one socapi_browser_new picks: options->endpoint when set, else the
 * environment variable SOCAPI_BROWSER_ENDPOINT when set and non-empty
 * (aiomailru's PYPPETEER_BROWSER_ENDPOINT), else a launch.
 *
 * Every wait is bounded by options->timeout_ms: the start, the connection
 * and each DevTools command.
 *
 * Threads: a browser is used by one thread at a time (scrapers borrow it);
 * distinct browsers may be used from distinct threads. socapi_browser_new
 * forks and execs: call it from a thread that outlives the browser (see
 * PR_SET_PDEATHSIG above).
 */
#ifndef SOCAPI_BROWSER_H
#define SOCAPI_BROWSER_H

#include <socapi/socapi.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The environment variable naming a DevTools endpoint to connect to. */
#define SOCAPI_BROWSER_ENDPOINT_ENV "SOCAPI_BROWSER_ENDPOINT"

/* Zero-initialise (or SOCAPI_BROWSER_OPTIONS_INIT); zero means the default. */
struct socapi_browser_options {
	/* Connect to this DevTools endpoint (ws://… or http://…) instead of
	 * launching; NULL: $SOCAPI_BROWSER_ENDPOINT, else launch. */
	const char *endpoint;
	/* Launch even when $SOCAPI_BROWSER_ENDPOINT is set. */
	bool ignore_environment;
	/* The browser to launch; NULL: the first of chromium, chromium-browser,
	 * google-chrome-stable, google-chrome found on PATH. */
	const char *executable;
	/* Bounds the start or the connection and each DevTools command;
	 * default 30000. */
	long timeout_ms;
};

#define SOCAPI_BROWSER_OPTIONS_INIT {0}

struct socapi_browser;

/*
 * Launches or connects (rules above) and checks the browser answers
 * (Browser.getVersion). options may be NULL. On failure nothing is left
 * running and *out is NULL. Errors:
 *  - SOCAPI_E_ARG: no browser on PATH (the message names the Debian package
 *    `chromium`), an executable that cannot run, an endpoint that is not a
 *    ws:// or http:// URL;
 *  - SOCAPI_E_TRANSPORT: the browser exited or did not answer in time (the
 *    message quotes the end of its stderr), the endpoint refused the
 *    connection or the WebSocket handshake;
 *  - SOCAPI_E_NOMEM.
 * Release with socapi_browser_free.
 */
SOCAPI_NODISCARD enum socapi_status
socapi_browser_new(const struct socapi_browser_options *options, struct socapi_browser **out,
                   struct socapi_error *err);

/*
 * Launched: closes the browser (waits at most 3 s for it to exit, then kills
 * its process group), reaps it and removes its profile directory.
 * Connected: disposes the browser contexts socapi created and closes the
 * connection. NULL allowed. Scrapers using it must be freed first.
 */
void socapi_browser_free(struct socapi_browser *browser);

/* The browser's product string ("Chrome/156.0.8078.114"); owned by the browser. */
const char *socapi_browser_product(const struct socapi_browser *browser);

/* The launched browser's process id (also its process group), 0 when connected. */
long socapi_browser_pid(const struct socapi_browser *browser);

#ifdef __cplusplus
}
#endif

#endif
