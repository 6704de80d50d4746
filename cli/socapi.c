/*
 * socapi - call the Mail.Ru, OK.ru and VK APIs from the command line
 * through the typed bindings.
 *
 *   socapi [options] <platform> <method> [name=value ...]
 *   socapi [options] <platform> login <grant> [name=value ...]
 *   socapi [options] <platform> methods
 *   socapi --help | -h | --version
 *
 * Exit status: 0 success (--help and --version too), 1 other failure, 2
 * usage, configuration or a schema check failed (nothing was sent), 3 the
 * platform answered an error (or a login was refused), 4 transport error,
 * 5 the answer could not be read, 6 a write's outcome is unknown (the
 * connection failed after it went out; it was not sent again).
 */
#define _POSIX_C_SOURCE 200809L /* isatty, termios */
#include <mailru/mailru.h>
#include <ok/ok.h>
#include <socapi/mailru.h>
#include <socapi/ok.h>
#include <socapi/scraper.h>
#include <socapi/vk.h>
#include <vk/vk.h>

#include <ctype.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

enum { EXIT_USAGE = 2, EXIT_API = 3, EXIT_TRANSPORT = 4, EXIT_ANSWER = 5, EXIT_OUTCOME_UNKNOWN = 6 };

struct cli {
	const char *api_url;
	const char *oauth_url;
	bool raw;
	bool compact;
	bool scrape;              /* --scrape: the method's scraper (Mail.Ru) */
	const char *cookies_file; /* its login cookies, Netscape format */
	const char *web_url;      /* my.mail.ru */
	struct socapi_options opts;
};

/* A login's username and password: from name=value, else asked for. */
struct login_input {
	char username[256];
	char password[256];
};

/* A grant `socapi <platform> login` runs, and what it needs first. */
struct grant_needs {
	const char *grant;
	bool asks_login;       /* a username and a password (asked for when not given) */
	const char *env[2];    /* SOCAPI_<platform>_<name> settings it cannot run without */
};

struct platform {
	const char *name;
	const char *env_prefix;
	const struct grant_needs *grants;  /* ends with {NULL} */
	const char *token_path;      /* --oauth-url + this: the token endpoint */
	const char *authorize_path;  /* --oauth-url + this: the authorize page */
	const struct socapi_method *const *methods;
	const size_t *n_methods;
	enum socapi_status (*open)(const struct cli *cli, struct socapi_session **out,
	                           struct socapi_error *err);
	/* Runs a grant; an unknown grant fails with SOCAPI_E_ARG. */
	enum socapi_status (*login)(const struct cli *cli, const char *grant,
	                            const struct login_input *in, const struct socapi_param *args,
	                            size_t n_args, struct socapi_token **out, struct socapi_error *err);
};

static const char *env(const struct platform *p, const char *name)
{
	char key[96];
	snprintf(key, sizeof key, "SOCAPI_%s_%s", p->env_prefix, name);
	const char *v = getenv(key);
	return v && *v ? v : NULL;
}

static int exit_code(enum socapi_status st)
{
	switch (st) {
	case SOCAPI_OK: return 0;
	case SOCAPI_E_ARG: return EXIT_USAGE;
	case SOCAPI_E_API:
	case SOCAPI_E_AUTH: return EXIT_API;
	case SOCAPI_E_TRANSPORT:
	case SOCAPI_E_HTTP: return EXIT_TRANSPORT;
	case SOCAPI_E_PARSE:
	case SOCAPI_E_DECODE: return EXIT_ANSWER;
	case SOCAPI_E_OUTCOME_UNKNOWN: return EXIT_OUTCOME_UNKNOWN;
	case SOCAPI_E_NOMEM: break;
	}
	return 1;
}

/* One line on stderr that says each thing once: platform errors carry their
 * code ("VK error 5: ...") and OAuth refusals usually their kind already. */
static int fail(const char *what, const struct socapi_error *err)
{
	if (err->status == SOCAPI_E_API || (err->status == SOCAPI_E_AUTH && strstr(err->message, err->oauth_error)))
		fprintf(stderr, "socapi: %s: %s\n", what, err->message);
	else if (err->status == SOCAPI_E_AUTH)
		fprintf(stderr, "socapi: %s: %s: %s\n", what, err->oauth_error, err->message);
	else
		fprintf(stderr, "socapi: %s: %s: %s\n", what, socapi_strstatus(err->status), err->message);
	return exit_code(err->status);
}

/* Joins a base URL and a path without doubling the slash. */
static void join_url(char *out, size_t size, const char *base, const char *path)
{
	size_t len = strlen(base);
	snprintf(out, size, "%.*s%s", (int)(len && base[len - 1] == '/' ? len - 1 : len), base, path);
}

/* Reads one line from stdin after showing label on stderr; no echo for
 * secrets on a terminal. False at end of input. */
static bool prompt(const char *label, bool secret, char *out, size_t size)
{
	fprintf(stderr, "%s: ", label);
	fflush(stderr);
	struct termios saved, quiet;
	bool hide = secret && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
	if (hide) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	bool ok = fgets(out, (int)size, stdin) != NULL;
	if (hide) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		fputc('\n', stderr);
	}
	if (ok)
		out[strcspn(out, "\r\n")] = '\0';
	return ok && *out;
}

static bool prompt_captcha(void *ctx, const char *sid, const char *img, char *key, size_t size)
{
	(void)ctx;
	(void)sid;
	fprintf(stderr, "captcha: %s\n", img);
	return prompt("captcha answer", false, key, size);
}

static bool prompt_captcha_page(void *ctx, const char *redirect_uri, char *token, size_t size)
{
	(void)ctx;
	fprintf(stderr, "captcha page: %s\n", redirect_uri);
	return prompt("success token", false, token, size);
}

static bool prompt_code(void *ctx, char *code, size_t size)
{
	(void)ctx;
	return prompt("two-factor code", false, code, size);
}

static const char *arg(const struct socapi_param *args, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(args[i].name, name) == 0)
			return args[i].value;
	return NULL;
}


static bool read_login(const struct socapi_param *args, size_t n, struct login_input *in)
{
	const char *user = arg(args, n, "username"), *pass = arg(args, n, "password");
	if (user)
		snprintf(in->username, sizeof in->username, "%s", user);
	if (pass)
		snprintf(in->password, sizeof in->password, "%s", pass);
	return (user || prompt("username", false, in->username, sizeof in->username)) &&
	       (pass || prompt("password", true, in->password, sizeof in->password));
}

/* The OAuth URLs of --oauth-url for a platform (empty: the defaults). */
struct oauth_urls {
	char token[1024];
	char authorize[1024];
};

static void oauth_urls(const struct cli *cli, const struct platform *p, struct oauth_urls *u)
{
	u->token[0] = u->authorize[0] = '\0';
	if (cli->oauth_url) {
		join_url(u->token, sizeof u->token, cli->oauth_url, p->token_path);
		join_url(u->authorize, sizeof u->authorize, cli->oauth_url, p->authorize_path);
	}
}

/* A grant a platform's login function does not run (its table lists it, though). */
static enum socapi_status unknown_grant(const char *grant, struct socapi_error *err)
{
	*err = (struct socapi_error){.status = SOCAPI_E_ARG};
	snprintf(err->message, sizeof err->message, "no grant '%s'", grant);
	return SOCAPI_E_ARG;
}

/* ---- Mail.Ru ---- */

static const struct platform mailru;

static enum socapi_status mailru_open(const struct cli *cli, struct socapi_session **out,
                                      struct socapi_error *err)
{
	struct socapi_mailru_credentials cred = {
		.app_id = env(&mailru, "APP_ID"),
		.private_key = env(&mailru, "PRIVATE_KEY"),
		.secret_key = env(&mailru, "SECRET_KEY"),
		.session_key = env(&mailru, "ACCESS_TOKEN"),
		.uid = env(&mailru, "UID"),
		.api_url = cli->api_url,
	};
	return socapi_mailru_session_new(&cred, &cli->opts, out, err);
}


static void print_json_field(const char *name, const char *value, bool *first)
{
	if (!value)
		return;
	printf("%s\n  \"%s\": \"", *first ? "{" : ",", name);
	for (const char *c = value; *c; c++) {
		if (*c == '"' || *c == '\\')
			printf("\\%c", *c);
		else if (*c == '\n')
			printf("\\n");
		else if (*c == '\t')
			printf("\\t");
		else
			putchar(*c);
	}
	putchar('"');
	*first = false;
}

static void print_token(const struct socapi_token *t)
{
	bool first = true;
	char expires[32];
	snprintf(expires, sizeof expires, "%lld", (long long)t->expires_in);
	print_json_field("access_token", t->access_token, &first);
	print_json_field("refresh_token", t->refresh_token, &first);
	print_json_field("expires_in", t->has_expires_in ? expires : NULL, &first);
	print_json_field("uid", t->uid, &first);
	print_json_field("token_type", t->token_type, &first);
	print_json_field("session_secret_key", t->session_secret_key, &first);
	for (size_t i = 0; i < t->n_fields; i++) /* VK community tokens */
		if (strncmp(t->fields[i].name, "access_token_", 13) == 0)
			print_json_field(t->fields[i].name, t->fields[i].value, &first);
	print_json_field("cookies", t->cookies, &first);
	printf("\n}\n");
}

static enum socapi_status mailru_login(const struct cli *cli, const char *grant,
                                       const struct login_input *in, const struct socapi_param *args,
                                       size_t n_args, struct socapi_token **tok, struct socapi_error *err)
{
	struct oauth_urls u;
	oauth_urls(cli, &mailru, &u);
	struct socapi_mailru_app app = {
		.app_id = env(&mailru, "APP_ID"),
		.secret_key = env(&mailru, "SECRET_KEY"),
		.token_url = u.token,
		.code_token_url = u.token,
		.authorize_url = u.authorize,
	};
	const char *scope = arg(args, n_args, "scope");
	if (strcmp(grant, "password") == 0)
		return socapi_mailru_grant_password(&app, &cli->opts, in->username, in->password, scope, tok, err);
	if (strcmp(grant, "implicit") == 0)
		return socapi_mailru_grant_implicit(&app, &cli->opts, in->username, in->password, scope, tok, err);
	if (strcmp(grant, "refresh") == 0)
		return socapi_mailru_grant_refresh(&app, &cli->opts, arg(args, n_args, "refresh_token"), tok,
		                                   err);
	if (strcmp(grant, "code") == 0)
		return socapi_mailru_grant_code(&app, &cli->opts, arg(args, n_args, "code"),
		                                arg(args, n_args, "redirect_uri"), tok, err);
	return unknown_grant(grant, err);
}

static const struct grant_needs mailru_grants[] = {
	{"password", true, {"APP_ID", "SECRET_KEY"}},
	{"implicit", true, {"APP_ID", NULL}},
	{"refresh", false, {"APP_ID", "SECRET_KEY"}},
	{"code", false, {"APP_ID", "SECRET_KEY"}},
	{NULL, false, {NULL, NULL}},
};

static const struct platform mailru = {
	"mailru", "MAILRU", mailru_grants, "/token", "/authorize", mailru_methods, &mailru_n_methods, mailru_open,
	mailru_login,
};

/* ---- OK.ru ---- */

static const struct platform ok;

static enum socapi_status ok_open(const struct cli *cli, struct socapi_session **out,
                                  struct socapi_error *err)
{
	struct socapi_ok_credentials cred = {
		.application_key = env(&ok, "APPLICATION_KEY"),
		.application_secret_key = env(&ok, "APPLICATION_SECRET_KEY"),
		.access_token = env(&ok, "ACCESS_TOKEN"),
		.session_secret_key = env(&ok, "SESSION_SECRET_KEY"),
		.api_url = cli->api_url,
	};
	return socapi_ok_session_new(&cred, &cli->opts, out, err);
}

static enum socapi_status ok_login(const struct cli *cli, const char *grant,
                                   const struct login_input *in, const struct socapi_param *args,
                                   size_t n_args, struct socapi_token **tok, struct socapi_error *err)
{
	struct oauth_urls u;
	oauth_urls(cli, &ok, &u);
	struct socapi_ok_app app = {
		.application_id = env(&ok, "APPLICATION_ID"),
		.application_key = env(&ok, "APPLICATION_KEY"),
		.application_secret_key = env(&ok, "APPLICATION_SECRET_KEY"),
		.token_url = u.token,
		.authorize_url = u.authorize,
		.api_url = cli->api_url,
		.redirect_uri = arg(args, n_args, "redirect_uri"),
	};
	if (strcmp(grant, "password") == 0)
		return socapi_ok_grant_password(&app, &cli->opts, in->username, in->password, tok, err);
	if (strcmp(grant, "implicit") == 0)
		return socapi_ok_grant_implicit(&app, &cli->opts, in->username, in->password,
		                                arg(args, n_args, "scope"), tok, err);
	if (strcmp(grant, "refresh") == 0)
		return socapi_ok_grant_refresh(&app, &cli->opts, arg(args, n_args, "refresh_token"), tok, err);
	if (strcmp(grant, "code") == 0)
		return socapi_ok_grant_code(&app, &cli->opts, arg(args, n_args, "code"),
		                            arg(args, n_args, "redirect_uri"), tok, err);
	return unknown_grant(grant, err);
}

static const struct grant_needs ok_grants[] = {
	{"password", true, {"APPLICATION_KEY", NULL}}, /* auth.login */
	{"implicit", true, {"APPLICATION_ID", NULL}},
	{"refresh", false, {"APPLICATION_ID", "APPLICATION_SECRET_KEY"}},
	{"code", false, {"APPLICATION_ID", "APPLICATION_SECRET_KEY"}},
	{NULL, false, {NULL, NULL}},
};

static const struct platform ok = {
	"ok", "OK", ok_grants, "/token.do", "/authorize", ok_methods, &ok_n_methods, ok_open, ok_login,
};

/* ---- VK ---- */

static const struct platform vk;

static enum socapi_status vk_open(const struct cli *cli, struct socapi_session **out,
                                  struct socapi_error *err)
{
	/* SOCAPI_VK_GROUP_TOKENS="<group id>:<token>,..." */
	struct socapi_vk_group_token groups[16];
	size_t n_groups = 0;
	char list[4096] = "";
	if (env(&vk, "GROUP_TOKENS"))
		snprintf(list, sizeof list, "%s", env(&vk, "GROUP_TOKENS"));
	for (char *save = NULL, *item = strtok_r(list, ",", &save); item && n_groups < 16;
	     item = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(item, ':');
		if (!colon) {
			*err = (struct socapi_error){.status = SOCAPI_E_ARG,
			                             .message = "SOCAPI_VK_GROUP_TOKENS: expected <group id>:<token>,..."};
			return SOCAPI_E_ARG;
		}
		*colon = '\0';
		groups[n_groups++] = (struct socapi_vk_group_token){item, colon + 1};
	}
	struct socapi_vk_credentials cred = {
		.access_token = env(&vk, "ACCESS_TOKEN"),
		.group_tokens = groups,
		.n_group_tokens = n_groups,
		.version = env(&vk, "VERSION"),
		.lang = env(&vk, "LANG"),
		.api_url = cli->api_url,
		.captcha = prompt_captcha,
		.captcha_page = prompt_captcha_page,
	};
	return socapi_vk_session_new(&cred, &cli->opts, out, err);
}

static enum socapi_status vk_login(const struct cli *cli, const char *grant,
                                   const struct login_input *in, const struct socapi_param *args,
                                   size_t n_args, struct socapi_token **tok, struct socapi_error *err)
{
	struct oauth_urls u;
	oauth_urls(cli, &vk, &u);
	char code_url[1024] = "";
	if (cli->oauth_url)
		join_url(code_url, sizeof code_url, cli->oauth_url, "/access_token");
	struct socapi_vk_app app = {
		.client_id = env(&vk, "CLIENT_ID"),
		.client_secret = env(&vk, "CLIENT_SECRET"),
		.authorize_url = u.authorize,
		.token_url = u.token,
		.code_token_url = code_url,
		.redirect_uri = arg(args, n_args, "redirect_uri"),
		.version = env(&vk, "VERSION"),
		.captcha = prompt_captcha,
		.code = prompt_code,
	};
	const char *scope = arg(args, n_args, "scope");
	if (strcmp(grant, "password") == 0)
		return socapi_vk_grant_password(&app, &cli->opts, in->username, in->password, scope, tok, err);
	if (strcmp(grant, "implicit") == 0)
		return socapi_vk_grant_implicit(&app, &cli->opts, in->username, in->password, scope,
		                                arg(args, n_args, "group_ids"), tok, err);
	if (strcmp(grant, "code") == 0)
		return socapi_vk_grant_code(&app, &cli->opts, arg(args, n_args, "code"),
		                            arg(args, n_args, "redirect_uri"), tok, err);
	return unknown_grant(grant, err);
}

static const struct grant_needs vk_grants[] = {
	{"password", true, {"CLIENT_ID", "CLIENT_SECRET"}},
	{"implicit", true, {"CLIENT_ID", NULL}},
	{"code", false, {"CLIENT_ID", "CLIENT_SECRET"}},
	{NULL, false, {NULL, NULL}},
};

static const struct platform vk = {
	"vk", "VK", vk_grants, "/token", "/authorize", vk_methods, &vk_n_methods, vk_open, vk_login,
};

static const struct platform *const platforms[] = {&mailru, &ok, &vk};

/* ---- calls ---- */

static int print_result(const struct cli *cli, const struct socapi_method *m, const void *value)
{
	char *json = NULL;
	struct socapi_error err;
	if (socapi_encode_json(m->result, value, !cli->compact, &json, &err) != SOCAPI_OK)
		return fail("printing the result", &err);
	puts(json);
	socapi_free(json);
	return 0;
}

/* Edits that turn a into b, letters compared without case (a case
 * mistake costs nothing); past 63 characters, a large number. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[64];
	if (la >= 64 || lb >= 64)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diagonal = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t above = row[j];
			size_t swap = diagonal + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
			row[j] = swap < above + 1 ? swap : above + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diagonal = above;
		}
	}
	return row[lb];
}

/* An unknown method: the closest names (a case mistake is distance 0), or
 * where the list is. */
static int unknown_method(const struct platform *p, const char *name)
{
	size_t best = SIZE_MAX;
	for (size_t i = 0; i < *p->n_methods; i++) {
		size_t d = edit_distance(name, p->methods[i]->name);
		best = d < best ? d : best;
	}
	fprintf(stderr, "socapi: %s has no method '%s'", p->name, name);
	if (best > 2 && best > strlen(name) / 4) {
		fprintf(stderr, " (socapi %s methods lists them all)\n", p->name);
		return EXIT_USAGE;
	}
	size_t shown = 0;
	for (size_t i = 0; i < *p->n_methods && shown < 3; i++) {
		const char *candidate = p->methods[i]->name;
		bool seen = false; /* variants share their method's name */
		for (size_t k = 0; k < i && !seen; k++)
			seen = strcmp(p->methods[k]->name, candidate) == 0;
		if (!seen && edit_distance(name, candidate) == best)
			fprintf(stderr, "%s%s", shown++ ? " or " : ": did you mean ", candidate);
	}
	fprintf(stderr, "?%s\n", best == 0 ? " (method names are case-sensitive)" : "");
	return EXIT_USAGE;
}

/* A whole file (the cookie jar) as a string, or NULL; free it. */
static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, cap = 0;
	for (int c; f && (c = fgetc(f)) != EOF;) {
		if (len + 1 >= cap) {
			char *grown = realloc(text, cap = cap ? cap * 2 : 4096);
			if (!grown)
				break;
			text = grown;
		}
		text[len++] = (char)c;
	}
	if (text)
		text[len] = '\0';
	if (f)
		fclose(f);
	return f ? (text ? text : calloc(1, 1)) : NULL;
}

/* socapi mailru <method> --scrape: the method's scraper, with a browser
 * (launched, or $SOCAPI_BROWSER_ENDPOINT) and the login cookies. */
static int scrape(const struct cli *cli, struct socapi_session *session, const struct socapi_method *m,
                  const void *params)
{
	const struct socapi_scrape_method *sm = NULL;
	for (size_t i = 0; i < mailru_n_scrapers; i++)
		if (mailru_scrapers[i]->method == m)
			sm = mailru_scrapers[i];
	if (!sm) {
		fprintf(stderr, "socapi: %s has no scraper; these have:", m->c_name);
		for (size_t i = 0; i < mailru_n_scrapers; i++) {
			const char *name = mailru_scrapers[i]->method->name;
			bool seen = false; /* variants share their method's name */
			for (size_t k = 0; k < i && !seen; k++)
				seen = strcmp(mailru_scrapers[k]->method->name, name) == 0;
			if (!seen)
				fprintf(stderr, " %s", name);
		}
		fprintf(stderr, "\n");
		return EXIT_USAGE;
	}
	char *cookies = cli->cookies_file ? read_file(cli->cookies_file) : NULL;
	if (!cookies) {
		fprintf(stderr, "socapi: --scrape needs the login cookies: --cookies FILE or "
		                "SOCAPI_MAILRU_COOKIES%s%s (socapi mailru login implicit cookie_file=FILE "
		                "saves them)\n",
		        cli->cookies_file ? " cannot be read: " : "", cli->cookies_file ? cli->cookies_file : "");
		return EXIT_USAGE;
	}
	struct socapi_scraper_options o = SOCAPI_SCRAPER_OPTIONS_INIT;
	o.cookies = cookies;
	o.web_url = cli->web_url;
	o.timeout_ms = cli->opts.timeout_ms;
	struct socapi_scraper *scraper = NULL;
	struct socapi_error err;
	union {
		void *ptr;
		int64_t i;
	} out = {0};
	int rc;
	if (socapi_scraper_new(session, &o, &scraper, &err) != SOCAPI_OK)
		rc = fail("scraper", &err);
	else if (socapi_scrape(scraper, sm, params, &out, &err) != SOCAPI_OK)
		rc = fail(m->name, &err);
	else
		rc = print_result(cli, m, socapi_result_by_pointer(m->result) ? out.ptr : (void *)&out);
	if (rc == 0 && socapi_result_by_pointer(m->result))
		socapi_free(out.ptr);
	socapi_scraper_free(scraper);
	memset(cookies, 0, strlen(cookies)); /* login secrets */
	free(cookies);
	return rc;
}

static int call(const struct cli *cli, const struct platform *p, const char *name,
                const struct socapi_param *args, size_t n_args)
{
	const struct socapi_method *m = socapi_method_find(p->methods, *p->n_methods, name, args, n_args);
	if (!m)
		return unknown_method(p, name);
	struct socapi_error err;
	void *params = NULL;
	if (socapi_params_from_text(m, args, n_args, &params, &err) != SOCAPI_OK)
		return fail(name, &err);
	struct socapi_session *session = NULL;
	int rc = 0;
	if (p->open(cli, &session, &err) != SOCAPI_OK) {
		rc = fail("session", &err);
	} else if (cli->scrape) {
		rc = scrape(cli, session, m, params);
	} else if (cli->raw) {
		char *body = NULL;
		if (socapi_call_raw(session, name, args, n_args, true, &body, NULL, &err) != SOCAPI_OK) {
			rc = fail(name, &err);
		} else {
			puts(body);
			socapi_free(body);
			rc = err.api_code ? EXIT_API : 0;
		}
	} else {
		union {
			void *ptr;
			int64_t i;
			uint64_t u;
			double d;
			bool b;
		} out = {0};
		if (socapi_call(session, m, params, &out, &err) != SOCAPI_OK) {
			rc = fail(name, &err);
		} else if (socapi_result_by_pointer(m->result)) {
			rc = print_result(cli, m, out.ptr);
			socapi_free(out.ptr);
		} else {
			rc = print_result(cli, m, &out);
		}
	}
	socapi_session_free(session);
	socapi_free(params);
	return rc;
}

/* socapi <platform> login <grant>: checks the configuration, asks for what
 * password logins lack, runs the grant and prints the token. */
static int login(const struct cli *cli, const struct platform *p, const char *grant,
                 const struct socapi_param *args, size_t n_args)
{
	const struct grant_needs *g = p->grants;
	while (g->grant && strcmp(g->grant, grant) != 0)
		g++;
	if (!g->grant) {
		fprintf(stderr, "socapi: %s has no grant '%s' (", p->name, grant);
		for (g = p->grants; g->grant; g++)
			fprintf(stderr, "%s%s", g == p->grants ? "" : ", ", g->grant);
		fprintf(stderr, ")\n");
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof g->env / sizeof *g->env; i++)
		if (g->env[i] && !env(p, g->env[i])) {
			fprintf(stderr, "socapi: login %s: SOCAPI_%s_%s is not set\n", grant, p->env_prefix, g->env[i]);
			return EXIT_USAGE;
		}
	struct login_input in = {"", ""};
	if (g->asks_login && !read_login(args, n_args, &in)) {
		fprintf(stderr, "socapi: login: username and password are required\n");
		return EXIT_USAGE;
	}
	struct socapi_token *tok = NULL;
	struct socapi_error err;
	enum socapi_status st = p->login(cli, grant, &in, args, n_args, &tok, &err);
	memset(&in, 0, sizeof in); /* the password */
	if (st != SOCAPI_OK)
		return fail("login", &err);
	print_token(tok);
	/* cookie_file=PATH: the implicit grant's cookies, for --scrape */
	const char *jar = arg(args, n_args, "cookie_file");
	int fd = jar && tok->cookies ? open(jar, O_WRONLY | O_CREAT | O_TRUNC, 0600) : -1;
	bool saved = fd >= 0 && write(fd, tok->cookies, strlen(tok->cookies)) == (ssize_t)strlen(tok->cookies);
	if (fd >= 0)
		close(fd);
	socapi_token_free(tok);
	if (jar && !saved) {
		fprintf(stderr, "socapi: login: cannot save the cookies to %s\n", jar);
		return 1;
	}
	return 0;
}

static int list_methods(const struct platform *p)
{
	for (size_t i = 0; i < *p->n_methods; i++) {
		const struct socapi_method *m = p->methods[i];
		printf("%-36s %-22s %s\n", m->name, m->variant, m->c_name);
	}
	return 0;
}

/* The help text: on stdout with status 0 when asked for, else on stderr with 2. */
static int usage(FILE *out, int status)
{
	fprintf(out,
	        "usage: socapi [options] <platform> <method> [name=value ...]\n"
	        "       socapi [options] <platform> login <password|implicit|refresh|code> [name=value ...]\n"
	        "       socapi <platform> methods\n"
	        "       socapi --help | -h | --version\n"
	        "platforms: mailru, ok, vk\n"
	        "options:\n"
	        "  --api-url URL     the API endpoint (default: $SOCAPI_<PLATFORM>_API_URL, else\n"
	        "                    the platform's own)\n"
	        "  --oauth-url URL   the OAuth base: <URL>/authorize and <URL>/token (Mail.Ru, VK),\n"
	        "                    <URL>/token.do (OK), <URL>/access_token (VK codes)\n"
	        "                    (default: $SOCAPI_<PLATFORM>_OAUTH_URL, else the platform's)\n"
	        "  --raw             print the body as received (errors included)\n"
	        "  --compact         one-line JSON\n"
	        "  --timeout MS      transfer timeout\n"
	        "  --proxy URL       proxy for every request\n"
	        "  --scrape          run the method's scraper (mailru groups.get, groups.getInfo,\n"
	        "                    groups.join, stream.getByAuthor) in a headless Chromium;\n"
	        "                    also allowed after the method name\n"
	        "  --cookies FILE    the scrapers' login cookies (default: $SOCAPI_MAILRU_COOKIES);\n"
	        "                    socapi mailru login implicit cookie_file=FILE saves them\n"
	        "  --web-url URL     my.mail.ru for the scrapers (default: $SOCAPI_MAILRU_WEB_URL)\n"
	        "                    (a running browser instead of a launched one:\n"
	        "                    SOCAPI_BROWSER_ENDPOINT=ws://... or http://host:port)\n"
	        "credentials and settings come from the environment (emulator/socapi-emulator\n"
	        "--background prints them for the bundled emulator):\n"
	        "  every platform: SOCAPI_<PLATFORM>_API_URL, SOCAPI_<PLATFORM>_OAUTH_URL\n"
	        "  mailru: SOCAPI_MAILRU_APP_ID, SOCAPI_MAILRU_PRIVATE_KEY, SOCAPI_MAILRU_SECRET_KEY,\n"
	        "          SOCAPI_MAILRU_ACCESS_TOKEN, SOCAPI_MAILRU_UID, SOCAPI_MAILRU_COOKIES,\n"
	        "          SOCAPI_MAILRU_WEB_URL\n"
	        "  ok:     SOCAPI_OK_APPLICATION_ID, SOCAPI_OK_APPLICATION_KEY,\n"
	        "          SOCAPI_OK_APPLICATION_SECRET_KEY, SOCAPI_OK_ACCESS_TOKEN,\n"
	        "          SOCAPI_OK_SESSION_SECRET_KEY\n"
	        "  vk:     SOCAPI_VK_ACCESS_TOKEN, SOCAPI_VK_GROUP_TOKENS (id:token,...),\n"
	        "          SOCAPI_VK_CLIENT_ID, SOCAPI_VK_CLIENT_SECRET, SOCAPI_VK_VERSION, SOCAPI_VK_LANG\n"
	        "logins ask for a missing username or password, a captcha or a code on stdin;\n"
	        "name=@path sends a file parameter.\n"
	        "exit status: 2 usage (nothing sent), 3 platform error, 4 transport, 5 unreadable\n"
	        "answer, 6 a write's outcome is unknown (it went out, the connection failed; not resent)\n");
	return status;
}

int main(int argc, char **argv)
{
	struct cli cli = {.opts = SOCAPI_OPTIONS_INIT};
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *opt = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0)
			return usage(stdout, 0);
		if (strcmp(opt, "--version") == 0) {
			printf("socapi %s\n", socapi_version());
			return 0;
		}
		if (strcmp(opt, "--raw") == 0)
			cli.raw = true;
		else if (strcmp(opt, "--compact") == 0)
			cli.compact = true;
		else if (strcmp(opt, "--api-url") == 0 && val)
			cli.api_url = argv[++i];
		else if (strcmp(opt, "--oauth-url") == 0 && val)
			cli.oauth_url = argv[++i];
		else if (strcmp(opt, "--proxy") == 0 && val)
			cli.opts.proxy = argv[++i];
		else if (strcmp(opt, "--timeout") == 0 && val)
			cli.opts.timeout_ms = atol(argv[++i]);
		else if (strcmp(opt, "--scrape") == 0)
			cli.scrape = true;
		else if (strcmp(opt, "--cookies") == 0 && val)
			cli.cookies_file = argv[++i];
		else if (strcmp(opt, "--web-url") == 0 && val)
			cli.web_url = argv[++i];
		else
			return usage(stderr, EXIT_USAGE);
	}
	if (argc - i < 2)
		return usage(stderr, EXIT_USAGE);
	const struct platform *p = NULL;
	for (size_t k = 0; k < sizeof platforms / sizeof *platforms; k++)
		if (strcmp(platforms[k]->name, argv[i]) == 0)
			p = platforms[k];
	if (!p) {
		fprintf(stderr, "socapi: unknown platform '%s'\n", argv[i]);
		return EXIT_USAGE;
	}
	if (!cli.api_url)
		cli.api_url = env(p, "API_URL");
	if (!cli.oauth_url)
		cli.oauth_url = env(p, "OAUTH_URL");
	if (!cli.cookies_file)
		cli.cookies_file = env(&mailru, "COOKIES");
	if (!cli.web_url)
		cli.web_url = env(&mailru, "WEB_URL");
	const char *command = argv[i + 1];
	if (strcmp(command, "methods") == 0)
		return list_methods(p);
	bool is_login = strcmp(command, "login") == 0;
	int first = i + (is_login ? 3 : 2);
	if (is_login && argc < first)
		return usage(stderr, EXIT_USAGE);
	size_t n_args = 0;
	struct socapi_param *args = calloc(argc > first ? (size_t)(argc - first) : 1, sizeof *args);
	if (!args)
		return 1;
	for (int k = first; k < argc; k++) {
		char *a = argv[k];
		if (!is_login && strcmp(a, "--scrape") == 0) { /* socapi mailru groups.get --scrape limit=20 */
			cli.scrape = true;
			continue;
		}
		char *eq = strchr(a, '=');
		if (!eq || eq == a) {
			fprintf(stderr, "socapi: '%s' is not name=value\n", a);
			free(args);
			return EXIT_USAGE;
		}
		*eq = '\0';
		args[n_args++] = (struct socapi_param){a, eq + 1};
	}
	struct socapi_error err;
	if (socapi_global_init(NULL, &err) != SOCAPI_OK) {
		free(args);
		return fail("init", &err);
	}
	if (cli.scrape && p != &mailru) {
		fprintf(stderr, "socapi: --scrape: only mailru has scrapers\n");
		free(args);
		return EXIT_USAGE;
	}
	int rc = is_login ? login(&cli, p, argv[i + 2], args, n_args) : call(&cli, p, command, args, n_args);
	socapi_global_cleanup();
	free(args);
	return rc;
}
