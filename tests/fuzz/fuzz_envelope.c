/*
 * fuzz_envelope.c - the platforms' error envelopes: any body, with any of a
 * few HTTP statuses, through the step every call's answer takes (parse,
 * then the platform's unwrap into a result or SOCAPI_E_API with its code,
 * message, captcha and request_params echo).
 * Input: [platform][status][body...].
 */
#include "internal.h"

#include <socapi/mailru.h>
#include <socapi/ok.h>
#include <socapi/vk.h>
#include <stdlib.h>
#include <string.h>

static struct socapi_session *sessions[3];

static void open_sessions(void)
{
	struct socapi_error err;
	struct socapi_mailru_credentials mailru = {.app_id = "1", .secret_key = "s", .session_key = "k"};
	struct socapi_ok_credentials ok = {.application_key = "A", .application_secret_key = "s",
	                                   .access_token = "t"};
	struct socapi_vk_credentials vk = {.access_token = "t"};
	if (socapi_global_init(NULL, &err) != SOCAPI_OK ||
	    socapi_mailru_session_new(&mailru, NULL, &sessions[0], &err) != SOCAPI_OK ||
	    socapi_ok_session_new(&ok, NULL, &sessions[1], &err) != SOCAPI_OK ||
	    socapi_vk_session_new(&vk, NULL, &sessions[2], &err) != SOCAPI_OK)
		abort();
}

/* Every text the error hands out must be a terminated string. */
static void touch_error(const struct socapi_error *err)
{
	size_t n = strlen(err->message) + strlen(err->path) + strlen(err->oauth_error) +
	           strlen(err->captcha_sid) + strlen(err->captcha_img) + strlen(err->redirect_uri) +
	           strlen(err->confirmation_text) + strlen(err->request_params);
	if (n > sizeof *err)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = {200, 200, 302, 400, 401, 404, 500, 503};
	if (!sessions[0])
		open_sessions();
	if (size < 2)
		return 0;
	struct call c = {.session = sessions[data[0] % 3], .method_name = "users.get", .post = true};
	c.response.status = statuses[data[1] % (sizeof statuses / sizeof *statuses)];
	buf_append(&c.response.body, data + 2, size - 2);
	if (!buf_terminate(&c.response.body))
		abort();
	struct socapi_error err;
	error_reset(&err);
	struct json_object *root = NULL, *result = NULL;
	enum socapi_status st = call_complete(&c, &root, &result, &err);
	if (err.status != st)
		abort(); /* the status returned is the one err reports */
	if (st != SOCAPI_OK)
		touch_error(&err);
	json_object_put(root);
	call_release(&c);
	return 0;
}
