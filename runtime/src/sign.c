/*
 * sign.c - the md5 digest and the sorted-parameters signature that Mail.Ru
 * and OK.ru share.
 */
#include "internal.h"

#include <openssl/evp.h>
#include <string.h>

bool md5_hex(const void *data, size_t len, char out[33])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;
	if (!EVP_Digest(data, len, digest, &digest_len, EVP_md5(), NULL) || digest_len != 16)
		return false;
	for (unsigned int i = 0; i < 16; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[32] = '\0';
	return true;
}

/* sig = md5(prefix + name=value of the sorted pairs + key); files are not signed. */
enum socapi_status sign_sorted(const struct pairs *p, const char *prefix, const char *key,
                               char sig[33], struct socapi_error *err)
{
	struct buf text = {0};
	if (prefix)
		buf_puts(&text, prefix);
	for (size_t i = 0; i < p->n; i++) {
		if (p->items[i].file)
			continue;
		buf_puts(&text, p->items[i].name);
		buf_append(&text, "=", 1);
		buf_puts(&text, p->items[i].value);
	}
	buf_puts(&text, key);
	enum socapi_status st = SOCAPI_OK;
	if (!buf_terminate(&text))
		st = set_error(err, SOCAPI_E_NOMEM, "out of memory signing the request");
	else if (!md5_hex(text.data, text.len, sig))
		st = set_error(err, SOCAPI_E_ARG, "md5 is not available in this OpenSSL");
	if (text.data)
		memset(text.data, 0, text.len); /* it holds the key */
	buf_release(&text);
	return st;
}
