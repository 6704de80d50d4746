/*
 * sign.c - the md5 digest every platform's signature is built from.
 */
#include "internal.h"

#include <openssl/evp.h>

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
