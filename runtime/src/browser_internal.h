/*
 * browser_internal.h - what the browser control files share: the two
 * DevTools transports (browser_pipe.c, browser_ws.c), the protocol layer
 * (cdp.c), pages (page.c) and the scrapers. Not installed.
 *
 * Deadlines are monotonic nanoseconds (now_ns()).
 */
#ifndef SOCAPI_BROWSER_INTERNAL_H
#define SOCAPI_BROWSER_INTERNAL_H

#include "internal.h"

#include <socapi/browser.h>
#include <socapi/scraper.h>
#include <sys/types.h>

/* ---- transports: whole JSON messages each way ---- */

struct cdp_transport;

struct cdp_transport_ops {
	/* Sends one message of len bytes before deadline. */
	enum socapi_status (*send)(struct cdp_transport *t, const char *msg, size_t len,
	                           int64_t deadline, struct socapi_error *err);
	/* Replaces *msg with the next whole message (NUL-terminated); a timeout
	 * is SOCAPI_E_TRANSPORT with *timed_out set, any other failure leaves
	 * the transport unusable. */
	enum socapi_status (*recv)(struct cdp_transport *t, struct buf *msg, int64_t deadline,
	                           bool *timed_out, struct socapi_error *err);
	/* Closes the connection and frees the transport. */
	void (*destroy)(struct cdp_transport *t);
};

struct cdp_transport {
	const struct cdp_transport_ops *ops;
};

/* Messages received but not yet read, each followed by a NUL (JSON text
 * never holds a raw NUL): both transports queue them this way. */
struct inbox {
	struct buf data;
	size_t start; /* the first unread byte */
};

/* Moves the first whole message into *msg; false when none is complete or
 * out of memory (then msg->failed). */
bool inbox_take(struct inbox *in, struct buf *msg);
void inbox_release(struct inbox *in);

/* A launched browser (browser_pipe.c). */
struct browser_process {
	pid_t pid;         /* 0: none; also the process group */
	char *profile_dir; /* temporary --user-data-dir, removed by browser_process_stop */
};

/*
 * Starts executable headless in a new process group and temporary profile,
 * with --remote-debugging-pipe on a socket whose other end becomes
 * *transport. On failure nothing is left behind. Errors: SOCAPI_E_ARG (it
 * cannot be executed), SOCAPI_E_TRANSPORT (fork, socket, profile
 * directory), SOCAPI_E_NOMEM.
 */
enum socapi_status browser_process_start(const char *executable, struct browser_process *p,
                                         struct cdp_transport **transport,
                                         struct socapi_error *err);
/* Waits up to grace_ms for the browser to exit, kills what is left of its
 * process group, reaps it and removes the profile. */
void browser_process_stop(struct browser_process *p, long grace_ms);
/* The last line of the browser's stderr worth quoting, or NULL (sc_free it). */
char *browser_process_stderr_tail(const struct browser_process *p);
/* The first of the usual Chromium names on PATH (sc_free it), or NULL. */
char *browser_find_executable(void);

/*
 * Opens a DevTools WebSocket (ws://host:port/path) before deadline.
 * Errors: SOCAPI_E_ARG (not a ws:// URL), SOCAPI_E_TRANSPORT (refused,
 * handshake failed, timed out), SOCAPI_E_NOMEM.
 */
enum socapi_status ws_transport_open(const char *url, int64_t deadline, struct cdp_transport **out,
                                     struct socapi_error *err);

/* ---- the DevTools protocol (cdp.c) ---- */

/* A page target attached in flat mode, and what its events said. */
struct cdp_page {
	char *target_id;
	char *session_id;
	char *loader_id; /* the navigation being waited for */
	char *frame_id;
	char *url;   /* what page_load was asked for, for messages */
	bool loaded; /* its "load" lifecycle event arrived */
	bool crashed;
};

struct socapi_browser {
	struct cdp_transport *transport;
	struct browser_process process; /* pid 0 when connected */
	int64_t next_id;
	long timeout_ms;
	bool broken; /* the transport failed: every command fails */
	char *product;
	struct cdp_page *watched; /* the page whose events are recorded */
	char **contexts;          /* browser contexts created here, disposed on free */
	size_t n_contexts;
};

/* A string member of a JSON object, or NULL (absent, or not a string). */
const char *member_string(struct json_object *o, const char *name);

/* now + the browser's timeout, as a deadline. */
int64_t browser_deadline(const struct socapi_browser *b);

/*
 * Sends a command (params taken over, NULL = {}) to the browser, or to a
 * page's session, and reads messages until its reply or deadline. On
 * success *result (when result is not NULL) is the reply's "result"; put
 * it. Errors: SOCAPI_E_TRANSPORT (timed out, connection lost, or the
 * browser answered an error: the message says which), SOCAPI_E_NOMEM.
 */
enum socapi_status cdp_call(struct socapi_browser *b, const char *session_id, const char *method,
                            struct json_object *params, int64_t deadline,
                            struct json_object **result, struct socapi_error *err);
/* Reads events until the watched page loaded or crashed, or deadline
 * (then SOCAPI_E_TRANSPORT). */
enum socapi_status cdp_wait_page(struct socapi_browser *b, int64_t deadline,
                                 struct socapi_error *err);

/* A new browser context (an incognito profile), disposed with the browser
 * or by browser_context_dispose. *id is owned by the browser. */
enum socapi_status browser_context_new(struct socapi_browser *b, const char **id,
                                       struct socapi_error *err);
void browser_context_dispose(struct socapi_browser *b, const char *id);

/* ---- pages (page.c) ---- */

/* Opens a blank page in the context and attaches to it. */
enum socapi_status page_open(struct socapi_browser *b, const char *context_id,
                             struct cdp_page **out, struct socapi_error *err);
/* Closes the page's target and frees it. NULL allowed. */
void page_close(struct socapi_browser *b, struct cdp_page *page);
/*
 * Loads url and waits for its load event. Errors: SOCAPI_E_TRANSPORT (the
 * browser could not load it, or not before deadline), SOCAPI_E_AUTH (the
 * site redirected elsewhere: the login form).
 */
enum socapi_status page_load(struct socapi_browser *b, struct cdp_page *page, const char *url,
                             int64_t deadline, struct socapi_error *err);
/*
 * Runs a script (an expression) in the page and hands back its value as
 * JSON in *value (NULL not wanted; put it). A script that throws fails
 * with SOCAPI_E_DECODE: the page is not what the script expects.
 */
enum socapi_status page_eval(struct socapi_browser *b, struct cdp_page *page, const char *script,
                             int64_t deadline, struct json_object **value,
                             struct socapi_error *err);
/* page_eval with printf-style script text. */
enum socapi_status page_evalf(struct socapi_browser *b, struct cdp_page *page, int64_t deadline,
                              struct json_object **value, struct socapi_error *err, const char *fmt,
                              ...) PRINTF_LIKE(6, 7);
/*
 * Evaluates condition every few milliseconds until it is true. At deadline
 * it fails with SOCAPI_E_DECODE, err->path = selector and a message saying
 * the page lacks it (the site changed).
 */
enum socapi_status page_wait(struct socapi_browser *b, struct cdp_page *page, const char *condition,
                             const char *selector, int64_t deadline, struct socapi_error *err);

/* ---- scrapers (scraper.c: the object and what the four share;
 * scrapers_mailru.c: the four) ---- */

struct socapi_scraper {
	struct socapi_session *session; /* borrowed */
	struct socapi_browser *browser; /* borrowed unless owns_browser */
	bool owns_browser;
	const char *context_id; /* owned by the browser */
	char *web_url;          /* without a trailing slash */
	char *public_url;
	long timeout_ms;
	unsigned join_attempts;
	long join_interval_ms;
};

/* One scraper: reads its parameters (checked against its list) and
 * builds its result as the REST twin's JSON; *result is put by the caller. */
typedef enum socapi_status (*scrape_fn)(struct socapi_scraper *s, const struct pairs *params,
                                        struct json_object **result, struct socapi_error *err);

/* The scraper of a method, or NULL (scrapers_mailru.c). */
scrape_fn mailru_scraper_for(const char *method);

/* now + the scraper's timeout, as a deadline. */
int64_t scraper_deadline(const struct socapi_scraper *s);
/* A decimal parameter, or fallback when absent. */
enum socapi_status scraper_int_param(const struct pairs *params, const char *name, int64_t fallback,
                                     int64_t *out, struct socapi_error *err);
/* users.getInfo of uids (comma-separated) through the REST session: the
 * array of users (put it), in the order asked. */
enum socapi_status scraper_users(struct socapi_scraper *s, const char *uids,
                                 struct json_object **users, struct socapi_error *err);
/* The uid of a profile link as the page shows it (<web_url>/community/x/…),
 * through the public profile endpoint; sc_free *uid. */
enum socapi_status scraper_uid_of(struct socapi_scraper *s, const char *href, char **uid,
                                  struct socapi_error *err);
/* Opens a new page in the scraper's context and loads the my.mail.ru page
 * of a profile link (https://my.mail.ru/<path>) or of a path ("/my/…"). */
enum socapi_status scraper_open(struct socapi_scraper *s, const char *link_or_path,
                                struct cdp_page **page, struct socapi_error *err);

#endif
