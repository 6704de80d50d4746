/*
 * socapi/mailru.h - Platform@Mail.Ru (my.mail.ru): sessions, signing and
 * OAuth grants. The typed methods are in the generated <mailru/mailru.h>.
 *
 * Signing circuits (https://api.mail.ru/docs/guides/restapi/#sig):
 *  - client-server: sig = md5(uid + sorted params + private_key)
 *  - server-server: secure=1 is added, sig = md5(sorted params + secret_key)
 * SOCAPI_MAILRU_CIRCUIT_AUTO picks client-server when uid and private_key
 * are set, else server-server when secret_key is set, else the call fails
 * with SOCAPI_E_ARG (aiomailru's TokenSession rule). The _CLIENT and
 * _SERVER circuits are aiomailru's ClientSession and ServerSession.
 */
#ifndef SOCAPI_MAILRU_H
#define SOCAPI_MAILRU_H

#include <socapi/socapi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SOCAPI_MAILRU_API_URL "https://appsmail.ru/platform/api"
#define SOCAPI_MAILRU_TOKEN_URL "https://appsmail.ru/oauth/token"
#define SOCAPI_MAILRU_CODE_TOKEN_URL "https://connect.mail.ru/oauth/token"
#define SOCAPI_MAILRU_AUTHORIZE_URL "https://connect.mail.ru/oauth/authorize"
/*
 * The hosts Mail.Ru's login pages send a browser to, space-separated
 * (KonstantinTogoi/aiomailru tests/data/dialogs: the dialog is on connect.mail.ru, its
 * login form posts to auth.mail.ru). The implicit grant follows a redirect
 * or posts a form only over https to one of these (default port), or to the
 * scheme, host and port of app->authorize_url itself, and never drops from
 * https to http; anything else fails with SOCAPI_E_AUTH ("untrusted_host")
 * before a byte is sent there.
 */
#define SOCAPI_MAILRU_LOGIN_HOSTS "connect.mail.ru auth.mail.ru"
/* aiomailru's full scope. */
#define SOCAPI_MAILRU_FULL_SCOPE "photos guestbook stream messages events"

enum socapi_mailru_circuit {
	SOCAPI_MAILRU_CIRCUIT_AUTO = 0,
	SOCAPI_MAILRU_CIRCUIT_CLIENT,  /* client-server: uid + private_key */
	SOCAPI_MAILRU_CIRCUIT_SERVER   /* server-server: secret_key */
};

/*
 * Credentials. Strings are copied by socapi_mailru_session_new; NULL or ""
 * means unset.
 */
struct socapi_mailru_credentials {
	const char *app_id;
	const char *private_key;
	const char *secret_key;
	const char *session_key;   /* the OAuth access_token */
	const char *uid;           /* the user's uid (decimal uint64) */
	enum socapi_mailru_circuit circuit;
	const char *api_url;       /* default SOCAPI_MAILRU_API_URL */
	/*
	 * Renewal: with a refresh_token and secret_key, a call that fails with
	 * error 102 (the session key expired) runs the refresh grant once
	 * (against token_url, default SOCAPI_MAILRU_TOKEN_URL), calls on_refresh
	 * (NULL allowed) with the new token and is sent again. A failed refresh
	 * leaves the call's 102, its message extended with the refresh error.
	 */
	const char *refresh_token;
	const char *token_url;
	socapi_refresh_fn on_refresh;
	void *on_refresh_ctx;
};

/*
 * Opens a session. Fails with SOCAPI_E_ARG when app_id is missing or the
 * requested circuit lacks its keys (AUTO only fails at call time, so a
 * session for session-less calls needs no keys). opts may be NULL.
 * Release with socapi_session_free.
 */
SOCAPI_NODISCARD enum socapi_status
socapi_mailru_session_new(const struct socapi_mailru_credentials *cred,
                          const struct socapi_options *opts,
                          struct socapi_session **out, struct socapi_error *err);

/* Replaces the session key (after a refresh). Copies it. */
SOCAPI_NODISCARD enum socapi_status
socapi_mailru_session_set_key(struct socapi_session *session, const char *session_key,
                              struct socapi_error *err);

/*
 * The signature of params (name=value pairs, any order, without sig) for a
 * circuit: 32 lower-case hex digits into sig_hex. For server-server the
 * caller must include secure=1 itself. Exposed for tests and for callers
 * that build their own requests.
 */
SOCAPI_NODISCARD enum socapi_status
socapi_mailru_sign(enum socapi_mailru_circuit circuit, const char *uid, const char *key,
                   const struct socapi_param *params, size_t n_params,
                   char sig_hex[33], struct socapi_error *err);

/* OAuth endpoints and the application's secrets for the grants. */
struct socapi_mailru_app {
	const char *app_id;          /* client_id */
	const char *secret_key;      /* client_secret */
	const char *token_url;       /* password/refresh; default SOCAPI_MAILRU_TOKEN_URL */
	const char *code_token_url;  /* authorization code; default SOCAPI_MAILRU_CODE_TOKEN_URL */
	const char *authorize_url;   /* default SOCAPI_MAILRU_AUTHORIZE_URL */
};

/*
 * Password grant (grant_type=password) against app->token_url. scope is
 * space-separated (NULL = SOCAPI_MAILRU_FULL_SCOPE). Needs app->app_id and
 * app->secret_key (sent as client_secret), like the refresh and code
 * grants. Errors: SOCAPI_E_ARG naming the first of those or of the
 * arguments that is NULL or empty (nothing is sent); SOCAPI_E_AUTH with
 * err->oauth_error ("invalid_grant" for a wrong password), plus the
 * transport and parse errors. Requires access_token and refresh_token in
 * the reply; expires_in and x_mailru_vid are optional.
 */
SOCAPI_NODISCARD enum socapi_status
socapi_mailru_grant_password(const struct socapi_mailru_app *app, const struct socapi_options *opts,
                             const char *username, const char *password, const char *scope,
                             struct socapi_token **out, struct socapi_error *err);

/* Refresh grant (grant_type=refresh_token) against app->token_url. */
SOCAPI_NODISCARD enum socapi_status
socapi_mailru_grant_refresh(const struct socapi_mailru_app *app, const struct socapi_options *opts,
                            const char *refresh_token, struct socapi_token **out,
                            struct socapi_error *err);

/* Authorization code grant against app->code_token_url. */
SOCAPI_NODISCARD enum socapi_status
socapi_mailru_grant_code(const struct socapi_mailru_app *app, const struct socapi_options *opts,
                         const char *code, const char *redirect_uri, struct socapi_token **out,
                         struct socapi_error *err);

/*
 * Implicit grant through the login form, as a browser would: opens the
 * authorize page, fills the login form (the e-mail split into Login and
 * Domain), accepts the access dialog and reads the token from the final
 * redirect's fragment. The cookies collected end up in (*out)->cookies.
 * Errors (SOCAPI_E_AUTH, err->oauth_error): "invalid_client" (unknown
 * application), "invalid_grant" (wrong login or password), "invalid_user"
 * (blocked), "client_not_available" (application in development),
 * "oauth_error" (anything else the pages did not allow).
 */
SOCAPI_NODISCARD enum socapi_status
socapi_mailru_grant_implicit(const struct socapi_mailru_app *app, const struct socapi_options *opts,
                             const char *email, const char *password, const char *scope,
                             struct socapi_token **out, struct socapi_error *err);

#ifdef __cplusplus
}
#endif

#endif
