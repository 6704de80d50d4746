/*
 * socapi/vk.h - VK (vk.com / vk.ru): sessions, error handling, execute and
 * the OAuth grants. The typed methods are in the generated <vk/vk.h>.
 *
 * A call is a POST of a form to <api_url>/<method> with access_token, v
 * and lang in the body: the token never goes into a URL. A call's own v,
 * lang or access_token (socapi_call_raw parameters) win over the session's. VK signs nothing;
 * the token is the credential. Answers are {"response": ...} or
 * {"error": {...}}; error fields land in struct socapi_error (api_code,
 * api_subcode, captcha_sid, captcha_img, redirect_uri, confirmation_text,
 * and request_params as name=value&... with secrets redacted).
 *
 * A VK session comes with two error handlers (see socapi_session_on_error;
 * replace or remove them like any other):
 *  - 6 "too many requests": wait a second and retry;
 *  - 14 "captcha needed": the classic captcha (captcha_sid, captcha_img)
 *    goes to the captcha callback, and the call is retried with captcha_sid
 *    and captcha_key; VK ID's captcha (only redirect_uri) goes to the
 *    captcha page callback, and the call is retried with success_token.
 * Both are bounded by the session's max_retries (default 3). Error 17
 * "validation required" is not retried: the application opens
 * err->redirect_uri.
 */
#ifndef SOCAPI_VK_H
#define SOCAPI_VK_H

#include <socapi/socapi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SOCAPI_VK_API_URL "https://api.vk.ru/method"
#define SOCAPI_VK_AUTHORIZE_URL "https://oauth.vk.ru/authorize"
#define SOCAPI_VK_TOKEN_URL "https://oauth.vk.ru/token"
#define SOCAPI_VK_CODE_TOKEN_URL "https://oauth.vk.ru/access_token"
/* Where the implicit grant's final redirect points; never fetched. */
#define SOCAPI_VK_REDIRECT_URI "https://oauth.vk.ru/blank.html"
/*
 * The hosts VK's login pages send a browser to (vk.ru and, until 2025-10,
 * vk.com: voronind/vk pull request #145), space-separated. The implicit grant
 * follows a redirect or posts a form only over https to one of these (default
 * port), or to the scheme, host and port of app->authorize_url itself, and
 * never drops from https to http; anything else fails with SOCAPI_E_AUTH
 * ("untrusted_host") before a byte is sent there.
 */
#define SOCAPI_VK_LOGIN_HOSTS \
	"oauth.vk.ru login.vk.ru id.vk.ru m.vk.ru oauth.vk.com login.vk.com id.vk.com m.vk.com"
#define SOCAPI_VK_VERSION "5.199"

/*
 * Asks a person to solve a captcha (the image at captcha_img): writes the
 * answer into key (NUL-terminated, at most key_size bytes) and returns
 * true, or returns false to give up. Called on the calling thread.
 */
typedef bool (*socapi_vk_captcha_fn)(void *ctx, const char *captcha_sid, const char *captcha_img,
                                     char *key, size_t key_size);

/*
 * VK ID's captcha: a person solves it on the page at redirect_uri, which
 * gives a success_token. Writes the token into token (NUL-terminated, at
 * most token_size bytes) and returns true, or false to give up.
 */
typedef bool (*socapi_vk_captcha_page_fn)(void *ctx, const char *redirect_uri, char *token,
                                          size_t token_size);

/* Asks for a two-factor code, like the captcha callback. */
typedef bool (*socapi_vk_code_fn)(void *ctx, char *code, size_t code_size);

/* A community token and the community it acts for. */
struct socapi_vk_group_token {
	const char *group_id;      /* decimal, without a minus sign */
	const char *access_token;
};

/* Credentials; copied by socapi_vk_session_new. NULL or "" means unset. */
struct socapi_vk_credentials {
	const char *access_token;  /* user or service token */
	/* Community tokens: a call whose group_id parameter names one of these
	 * communities is sent with its token; any other call with access_token,
	 * or without it with the first community's token. */
	const struct socapi_vk_group_token *group_tokens;
	size_t n_group_tokens;
	const char *version;       /* the v parameter; default SOCAPI_VK_VERSION */
	const char *lang;          /* the lang parameter ("en", "ru"); NULL = not sent */
	const char *api_url;       /* default SOCAPI_VK_API_URL */
	bool rate_limit;           /* 3 requests/s with a user token, 20 with community tokens only */
	socapi_vk_captcha_fn captcha;  /* answers error 14; NULL = error 14 fails the call */
	void *captcha_ctx;
	socapi_vk_captcha_page_fn captcha_page;  /* answers VK ID's error 14; NULL = it fails */
	void *captcha_page_ctx;
};

/*
 * Opens a session. No credential is required (open methods such as
 * users.get work without a token). Fails with SOCAPI_E_ARG for a group
 * token without group_id or access_token. opts may be NULL. Release with
 * socapi_session_free.
 */
SOCAPI_NODISCARD enum socapi_status
socapi_vk_session_new(const struct socapi_vk_credentials *cred, const struct socapi_options *opts,
                      struct socapi_session **out, struct socapi_error *err);

/* Replaces the user token (NULL clears it). Copies it. */
SOCAPI_NODISCARD enum socapi_status
socapi_vk_session_set_token(struct socapi_session *session, const char *access_token,
                            struct socapi_error *err);

/* One failed call inside execute. */
struct socapi_vk_execute_error {
	char *method;
	int error_code;
	char *error_msg;
};

/* What execute hands back: the response and the calls that failed in it. */
struct socapi_vk_execute_result {
	char *response;            /* the "response" value as JSON text */
	size_t n_errors;
	struct socapi_vk_execute_error *errors;  /* "execute_errors", in order */
};

/*
 * Runs VKScript code with execute. A partial failure is not an error: the
 * failed inner calls are listed in (*out)->errors beside the response.
 * params are more execute parameters (may be NULL with n_params 0).
 * Release *out with socapi_free. Errors: those of socapi_call.
 */
SOCAPI_NODISCARD enum socapi_status
socapi_vk_execute(struct socapi_session *session, const char *code,
                  const struct socapi_param *params, size_t n_params,
                  struct socapi_vk_execute_result **out, struct socapi_error *err);

/* The application and the callbacks a login may need. */
struct socapi_vk_app {
	const char *client_id;
	const char *client_secret;     /* password and code grants; never shipped by socapi */
	const char *authorize_url;     /* default SOCAPI_VK_AUTHORIZE_URL */
	const char *token_url;         /* password grant; default SOCAPI_VK_TOKEN_URL */
	const char *code_token_url;    /* default SOCAPI_VK_CODE_TOKEN_URL */
	const char *redirect_uri;      /* implicit grant; default SOCAPI_VK_REDIRECT_URI */
	const char *version;           /* default SOCAPI_VK_VERSION */
	socapi_vk_captcha_fn captcha;  /* NULL: a captcha fails the login ("need_captcha") */
	void *captcha_ctx;
	socapi_vk_code_fn code;        /* NULL: two-factor logins fail ("need_validation") */
	void *code_ctx;
};

/*
 * User implicit flow through the oauth.vk.ru login form, as a browser:
 * fills login and password, answers a captcha and a two-factor code
 * through the callbacks, grants access and reads the token from the final
 * redirect's fragment (uid = user_id). scope: names or a bit mask
 * (NULL = "offline"). group_ids: comma-separated communities to get
 * community tokens for instead (NULL = a user token); they arrive as
 * access_token_<id> in token->fields, and access_token is the first one's.
 * Errors (SOCAPI_E_AUTH, err->oauth_error): "invalid_grant" (wrong login,
 * password or code), "need_captcha" / "need_validation" (no callback or
 * it gave up), "invalid_client", "access_denied", "oauth_error".
 */
SOCAPI_NODISCARD enum socapi_status
socapi_vk_grant_implicit(const struct socapi_vk_app *app, const struct socapi_options *opts,
                         const char *login, const char *password, const char *scope,
                         const char *group_ids, struct socapi_token **out,
                         struct socapi_error *err);

/*
 * Direct authorization (grant_type=password) with the caller's client_id
 * and client_secret. need_captcha is answered through the captcha
 * callback (sent as captcha_sid and captcha_key), need_validation through
 * the code callback (sent as code), each at most 3 times. Errors
 * (SOCAPI_E_AUTH): the endpoint's error ("invalid_client" for a wrong
 * password), or "need_captcha" / "need_validation" when unanswered.
 */
SOCAPI_NODISCARD enum socapi_status
socapi_vk_grant_password(const struct socapi_vk_app *app, const struct socapi_options *opts,
                         const char *login, const char *password, const char *scope,
                         struct socapi_token **out, struct socapi_error *err);

/* Authorization code exchange at code_token_url (client_secret required). */
SOCAPI_NODISCARD enum socapi_status
socapi_vk_grant_code(const struct socapi_vk_app *app, const struct socapi_options *opts,
                     const char *code, const char *redirect_uri, struct socapi_token **out,
                     struct socapi_error *err);

#ifdef __cplusplus
}
#endif

#endif
