/* Decodes one Mail.Ru user with the installed headers and library. */
#include <mailru/mailru.h>
#include <socapi/mailru.h>

#include <stdio.h>
#include <string.h>

int main(void)
{
	const char json[] = "{\"uid\":\"15410773191172635989\",\"first_name\":\"Иван\"}";
	struct mailru_user *user = NULL;
	struct socapi_error err;
	if (socapi_global_init(NULL, &err) != SOCAPI_OK ||
	    mailru_user_decode(json, strlen(json), &user, &err) != SOCAPI_OK) {
		fprintf(stderr, "%s\n", err.message);
		return 1;
	}
	int ok = user->uid == 15410773191172635989ULL && strcmp(user->first_name, "Иван") == 0;
	printf("socapi %s: uid %llu %s\n", socapi_version(), (unsigned long long)user->uid, user->first_name);
	mailru_user_free(user);
	socapi_global_cleanup();
	return ok ? 0 : 1;
}
