/*
 * socapi/ok.h - OK.ru (Odnoklassniki): sessions, signing and OAuth grants.
 * The typed methods are in the generated <ok/ok.h>.
 *
 * Every call goes to fb.do with application_key, method and format=json,
 * signed with sig = md5(sorted name=value pairs + secret), where the pairs
 * leave out sig and the token (https://apiok.ru/dev/methods/). The secret
 * depends on the circuit:
 *  - client-server: the session_secret_key that came with the token
 *    (implicit grant, auth.login);
 *  - server-server: md5(access_token + application_secret_key);
 *  - application: application_secret_key itself, no token sent (calls
 *    that need no session).
 * SOCAPI_OK_CIRCUIT_AUTO picks, per call: the application circuit for
 * methods that take no session; with a token, server-server when
 * application_secret_key is set, else client-server when
 * session_secret_key is set (aiookru's precedence); without a token, the
 * application circuit for methods whose session is optional. Otherwise
 * the call fails with SOCAPI_E_ARG before anything is sent.
 */
#ifndef SOCAPI_OK_H
#define SOCAPI_OK_H

#include <socapi/socapi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SOCAPI_OK_API_URL "https://api.ok.ru/fb.do"
#define SOCAPI_OK_TOKEN_URL "https://api.ok.ru/oauth/token.do"
#define SOCAPI_OK_AUTHORIZE_URL "https://connect.ok.ru/oauth/authorize"
/* Where the implicit grant's final redirect points; never fetched. */
#define SOCAPI_OK_REDIRECT_URI "https://oauth.mycdn.me/blank.html"
/*
 * The hosts OK's login pages send a browser to, space-separated
 * (KonstantinTogoi/aiookru aiookru/sessions.py: the login and permission forms post to
 * connect.ok.ru). The implicit grant follows a redirect or posts a form only
 * over https to one of these (default port), or to the scheme, host and port
 * of app->authorize_url itself, and never drops from https to http; anything
 * else fails with SOCAPI_E_AUTH ("untrusted_host") before a byte is sent.
 */
#define SOCAPI_OK_LOGIN_HOSTS "connect.ok.ru ok.ru www.ok.ru"

enum socapi_ok_circuit {
	SOCAPI_OK_CIRCUIT_AUTO = 0,
	SOCAPI_OK_CIRCUIT_CLIENT,      /* session_secret_key */
	SOCAPI_OK_CIRCUIT_SERVER,      /* md5(access_token + application_secret_key) */
	SOCAPI_OK_CIRCUIT_APPLICATION  /* application_secret_key, no token */
};

/* Credentials; copied by socapi_ok_session_new. NULL or "" means unset. */
struct socapi_ok_credentials {
	const char *application_key;         /* the public key; required */
	const char *application_secret_key;
	const char *access_token;            /* also called session_key */
	const char *session_secret_key;
	enum socapi_ok_circuit circuit;
	const char *api_url;                 /* default SOCAPI_OK_API_URL */
	/*
	 * Renewal: with a refresh_token, application_id and
	 * application_secret_key, a call that fails with error 102
	 * (PARAM_SESSION_EXPIRED) runs the refresh grant once (against
	 * token_url, default SOCAPI_OK_TOKEN_URL), calls on_refresh (NULL
	 * allowed) with the new token and is sent again, signed server-server
	 * (the new token has no session secret). A failed refresh leaves the
	 * call's 102, its message extended with the refresh error.
	 */
	const char *application_id;
	const char *refresh_token;
	const char *token_url;
	socapi_refresh_fn on_refresh;
	void *on_refresh_ctx;
};

/*
 * Opens a session (aiookru's TokenSession; CLIENT is its ClientSession,
 * SERVER its ServerSession). Fails with SOCAPI_E_ARG when application_key
 * is missing or a forced circuit lacks its keys. opts may be NULL. Release
 * with socapi_session_free.
 */
SOCAPI_NODISCARD enum socapi_status
socapi_ok_session_new(const struct socapi_ok_credentials *cred, const struct socapi_options *opts,
                      struct socapi_session **out, struct socapi_error *err);

/* Replaces the token and its session secret (after a refresh); NULL clears. */
SOCAPI_NODISCARD enum socapi_status
socapi_ok_session_set_token(struct socapi_session *session, const char *access_token,
                            const char *session_secret_key, struct socapi_error *err);

/*
 * The signature of params (name=value pairs in any order; sig,
 * access_token and session_key among them are left out, as OK does) with
 * secret: 32 lower-case hex digits into sig_hex. For the server-server
 * circuit pass the secret from socapi_ok_server_secret.
 */
SOCAPI_NODISCARD enum socapi_status
socapi_ok_sign(const char *secret, const struct socapi_param *params, size_t n_params,
               char sig_hex[33], struct socapi_error *err);

/* md5(access_token + application_secret_key) as lower-case hex. */
SOCAPI_NODISCARD enum socapi_status
socapi_ok_server_secret(const char *access_token, const char *application_secret_key,
                        char secret_hex[33], struct socapi_error *err);

/* The application, for the grants. */
struct socapi_ok_app {
	const char *application_id;          /* client_id */
	const char *application_key;         /* auth.login */
	const char *application_secret_key;  /* client_secret */
	const char *token_url;               /* default SOCAPI_OK_TOKEN_URL */
	const char *authorize_url;           /* default SOCAPI_OK_AUTHORIZE_URL */
	const char *api_url;                 /* auth.login; default SOCAPI_OK_API_URL */
	const char *redirect_uri;            /* implicit grant; default SOCAPI_OK_REDIRECT_URI */
};

/*
 * Authorization code grant (POST token_url, grant_type=authorization_code,
 * client_secret = application_secret_key). Needs application_id and
 * application_secret_key. The reply must carry access_token and
 * refresh_token. Errors: SOCAPI_E_AUTH with err->oauth_error
 * ("invalid_grant" for a used or unknown code), transport and parse errors.
 */
SOCAPI_NODISCARD enum socapi_status
socapi_ok_grant_code(const struct socapi_ok_app *app, const struct socapi_options *opts,
                     const char *code, const char *redirect_uri, struct socapi_token **out,
                     struct socapi_error *err);

/* Refresh grant (grant_type=refresh_token); the same needs and errors. */
SOCAPI_NODISCARD enum socapi_status
socapi_ok_grant_refresh(const struct socapi_ok_app *app, const struct socapi_options *opts,
                        const char *refresh_token, struct socapi_token **out,
                        struct socapi_error *err);

/*
 * Implicit grant through the connect.ok.ru pages, as a browser: opens the
 * authorize page, fills the login form, accepts the permissions form and
 * reads access_token, session_secret_key and expires_in from the final
 * redirect's fragment (other fragment fields, such as
 * permissions_granted, are in token->fields). scope is ';'-separated
 * (NULL = "VALUABLE_ACCESS"). Errors (SOCAPI_E_AUTH, err->oauth_error):
 * "invalid_grant" (wrong login or password), "invalid_user" (blocked),
 * "invalid_client" (unknown application), "access_denied",
 * "oauth_error" (anything else the pages did not allow).
 */
SOCAPI_NODISCARD enum socapi_status
socapi_ok_grant_implicit(const struct socapi_ok_app *app, const struct socapi_options *opts,
                         const char *login, const char *password, const char *scope,
                         struct socapi_token **out, struct socapi_error *err);

/*
 * Password login through the REST method auth.login (unsigned, POSTed so
 * the password stays out of URLs). Needs application_key. The token has
 * access_token (the reply's session_key), session_secret_key and uid.
 * Errors: SOCAPI_E_API with the platform's code (401 for a wrong
 * password), SOCAPI_E_AUTH when the reply lacks a key, transport errors.
 */
SOCAPI_NODISCARD enum socapi_status
socapi_ok_grant_password(const struct socapi_ok_app *app, const struct socapi_options *opts,
                         const char *login, const char *password, struct socapi_token **out,
                         struct socapi_error *err);

#ifdef __cplusplus
}
#endif

#endif
