/*
 * socapi - call the Mail.Ru, OK.ru and VK APIs from the command line
 * through the typed bindings.
 *
 *   socapi [options] <platform> <method> [name=value ...]
 *   socapi [options] <platform> login <grant> [name=value ...]
 *   socapi [options] <platform> methods
 *
 * Exit status: 0 success, 1 other failure, 2 usage or a schema check failed
 * (nothing was sent), 3 the platform answered an error (or a login was
 * refused), 4 transport error, 5 the answer could not be read.
 */
#include <mailru/mailru.h>
#include <socapi/mailru.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EXIT_USAGE = 2, EXIT_API = 3, EXIT_TRANSPORT = 4, EXIT_ANSWER = 5 };

struct cli {
	const char *api_url;
	const char *oauth_url;
	bool raw;
	bool compact;
	struct socapi_options opts;
};

struct platform {
	const char *name;
	const char *env_prefix;
	const struct socapi_method *const *methods;
	const size_t *n_methods;
	enum socapi_status (*open)(const struct cli *cli, struct socapi_session **out,
	                           struct socapi_error *err);
	int (*login)(const struct cli *cli, const char *grant, const struct socapi_param *args,
	             size_t n_args);
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
	case SOCAPI_E_NOMEM: break;
	}
	return 1;
}

static int fail(const char *what, const struct socapi_error *err)
{
	if (err->status == SOCAPI_E_API)
		fprintf(stderr, "socapi: %s: error %d: %s\n", what, err->api_code, err->message);
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

static const char *arg(const struct socapi_param *args, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(args[i].name, name) == 0)
			return args[i].value;
	return NULL;
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
	print_json_field("cookies", t->cookies, &first);
	printf("\n}\n");
}

static int mailru_login(const struct cli *cli, const char *grant, const struct socapi_param *args,
                        size_t n_args)
{
	char token_url[1024] = "", authorize_url[1024] = "";
	if (cli->oauth_url) {
		join_url(token_url, sizeof token_url, cli->oauth_url, "/token");
		join_url(authorize_url, sizeof authorize_url, cli->oauth_url, "/authorize");
	}
	struct socapi_mailru_app app = {
		.app_id = env(&mailru, "APP_ID"),
		.secret_key = env(&mailru, "SECRET_KEY"),
		.token_url = token_url,
		.code_token_url = token_url,
		.authorize_url = authorize_url,
	};
	struct socapi_token *tok = NULL;
	struct socapi_error err;
	enum socapi_status st;
	const char *scope = arg(args, n_args, "scope");
	if (strcmp(grant, "password") == 0)
		st = socapi_mailru_grant_password(&app, &cli->opts, arg(args, n_args, "username"),
		                                  arg(args, n_args, "password"), scope, &tok, &err);
	else if (strcmp(grant, "implicit") == 0)
		st = socapi_mailru_grant_implicit(&app, &cli->opts, arg(args, n_args, "username"),
		                                  arg(args, n_args, "password"), scope, &tok, &err);
	else if (strcmp(grant, "refresh") == 0)
		st = socapi_mailru_grant_refresh(&app, &cli->opts, arg(args, n_args, "refresh_token"), &tok,
		                                 &err);
	else if (strcmp(grant, "code") == 0)
		st = socapi_mailru_grant_code(&app, &cli->opts, arg(args, n_args, "code"),
		                              arg(args, n_args, "redirect_uri"), &tok, &err);
	else {
		fprintf(stderr, "socapi: unknown grant '%s' (password, implicit, refresh, code)\n", grant);
		return EXIT_USAGE;
	}
	if (st != SOCAPI_OK)
		return fail("login", &err);
	print_token(tok);
	socapi_token_free(tok);
	return 0;
}

static const struct platform mailru = {
	"mailru", "MAILRU", mailru_methods, &mailru_n_methods, mailru_open, mailru_login,
};

static const struct platform *const platforms[] = {&mailru};

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

static int call(const struct cli *cli, const struct platform *p, const char *name,
                const struct socapi_param *args, size_t n_args)
{
	const struct socapi_method *m = socapi_method_find(p->methods, *p->n_methods, name, args, n_args);
	if (!m) {
		fprintf(stderr, "socapi: %s has no method '%s' (try: socapi %s methods)\n", p->name, name,
		        p->name);
		return EXIT_USAGE;
	}
	struct socapi_error err;
	void *params = NULL;
	if (socapi_params_from_text(m, args, n_args, &params, &err) != SOCAPI_OK)
		return fail(name, &err);
	struct socapi_session *session = NULL;
	int rc = 0;
	if (p->open(cli, &session, &err) != SOCAPI_OK) {
		rc = fail("session", &err);
	} else if (cli->raw) {
		char *body = NULL;
		if (socapi_call_raw(session, name, args, n_args, (m->flags & SOCAPI_METHOD_POST) != 0, &body,
		                    NULL, &err) != SOCAPI_OK) {
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

static int list_methods(const struct platform *p)
{
	for (size_t i = 0; i < *p->n_methods; i++) {
		const struct socapi_method *m = p->methods[i];
		printf("%-36s %-22s %s\n", m->name, m->variant, m->c_name);
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
	        "usage: socapi [options] <platform> <method> [name=value ...]\n"
	        "       socapi [options] <platform> login <password|implicit|refresh|code> [name=value ...]\n"
	        "       socapi <platform> methods\n"
	        "platforms: mailru\n"
	        "options:\n"
	        "  --api-url URL     the API endpoint (default: the platform's)\n"
	        "  --oauth-url URL   the OAuth base (<URL>/token, <URL>/authorize)\n"
	        "  --raw             print the body as received (errors included)\n"
	        "  --compact         one-line JSON\n"
	        "  --timeout MS      transfer timeout\n"
	        "  --proxy URL       proxy for every request\n"
	        "credentials come from SOCAPI_MAILRU_APP_ID, _PRIVATE_KEY, _SECRET_KEY, _ACCESS_TOKEN, _UID;\n"
	        "name=@path sends a file parameter.\n");
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	struct cli cli = {.opts = SOCAPI_OPTIONS_INIT};
	int i = 1;
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		const char *opt = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
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
		else
			return usage();
	}
	if (argc - i < 2)
		return usage();
	const struct platform *p = NULL;
	for (size_t k = 0; k < sizeof platforms / sizeof *platforms; k++)
		if (strcmp(platforms[k]->name, argv[i]) == 0)
			p = platforms[k];
	if (!p) {
		fprintf(stderr, "socapi: unknown platform '%s'\n", argv[i]);
		return EXIT_USAGE;
	}
	const char *command = argv[i + 1];
	if (strcmp(command, "methods") == 0)
		return list_methods(p);
	bool login = strcmp(command, "login") == 0;
	int first = i + (login ? 3 : 2);
	if (login && argc < first)
		return usage();
	size_t n_args = (size_t)(argc > first ? argc - first : 0);
	struct socapi_param *args = calloc(n_args ? n_args : 1, sizeof *args);
	if (!args)
		return 1;
	for (size_t k = 0; k < n_args; k++) {
		char *a = argv[first + (int)k];
		char *eq = strchr(a, '=');
		if (!eq || eq == a) {
			fprintf(stderr, "socapi: '%s' is not name=value\n", a);
			free(args);
			return EXIT_USAGE;
		}
		*eq = '\0';
		args[k] = (struct socapi_param){a, eq + 1};
	}
	struct socapi_error err;
	if (socapi_global_init(NULL, &err) != SOCAPI_OK) {
		free(args);
		return fail("init", &err);
	}
	int rc = login ? p->login(&cli, argv[i + 2], args, n_args) : call(&cli, p, command, args, n_args);
	socapi_global_cleanup();
	free(args);
	return rc;
}
