/*
 * sign.c - the md5 digest and the sorted-parameters signature that Mail.Ru
 * and OK.ru share.
 */
#include "internal.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>

static void to_hex(const unsigned char digest[16], char out[33])
{
	static const char hex[] = "0123456789abcdef";
	for (unsigned int i = 0; i < 16; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[32] = '\0';
}

bool md5_hex(const void *data, size_t len, char out[33])
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;
	if (!EVP_Digest(data, len, digest, &digest_len, EVP_md5(), NULL) || digest_len != 16)
		return false;
	to_hex(digest, out);
	return true;
}

void md5_release(struct md5 *m)
{
	EVP_MD_CTX_free(m->ctx);
	EVP_MD_free(m->md);
	m->ctx = NULL;
	m->md = NULL;
}

/* OpenSSL 3 looks an algorithm up by name on every EVP_md5() digest; a
 * session fetches it once, with a context it reuses. */
static enum socapi_status md5_ready(struct md5 *m, struct socapi_error *err)
{
	if (m->ctx)
		return SOCAPI_OK;
	m->md = EVP_MD_fetch(NULL, "MD5", NULL);
	if (!m->md)
		return set_error(err, SOCAPI_E_ARG, "md5 is not available in this OpenSSL");
	m->ctx = EVP_MD_CTX_new();
	if (m->ctx)
		return SOCAPI_OK;
	md5_release(m);
	return set_error(err, SOCAPI_E_NOMEM, "out of memory signing the request");
}

/* The signed text goes to the digest through a buffer on the stack, in
 * few updates and without a copy of the key on the heap. */
struct feed {
	EVP_MD_CTX *ctx;
	bool ok;
	size_t len;
	unsigned char buf[512];
};

static void flush(struct feed *f)
{
	f->ok = f->ok && (!f->len || EVP_DigestUpdate(f->ctx, f->buf, f->len));
	f->len = 0;
}

static void feed(struct feed *f, const char *s)
{
	if (!s)
		return;
	size_t len = strlen(s);
	if (f->len + len > sizeof f->buf)
		flush(f);
	if (len > sizeof f->buf) {
		f->ok = f->ok && EVP_DigestUpdate(f->ctx, s, len);
		return;
	}
	memcpy(f->buf + f->len, s, len);
	f->len += len;
}

/* sig = md5(prefix + name=value of the sorted pairs + key); files are not signed. */
enum socapi_status sign_sorted(const struct pairs *p, const char *prefix, const char *key,
                               struct md5 *m, char sig[33], struct socapi_error *err)
{
	struct md5 once = {0};
	struct md5 *use = m ? m : &once;
	enum socapi_status st = md5_ready(use, err);
	if (st != SOCAPI_OK)
		return st;
	struct feed f = {use->ctx, EVP_DigestInit_ex2(use->ctx, use->md, NULL) == 1, 0, {0}};
	feed(&f, prefix);
	for (size_t i = 0; i < p->n; i++) {
		if (p->items[i].file)
			continue;
		feed(&f, p->items[i].name);
		feed(&f, "=");
		feed(&f, p->items[i].value);
	}
	feed(&f, key);
	flush(&f);
	OPENSSL_cleanse(f.buf, sizeof f.buf); /* it held the key */
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;
	bool ok = f.ok && EVP_DigestFinal_ex(use->ctx, digest, &digest_len) && digest_len == 16;
	if (ok)
		to_hex(digest, sig);
	md5_release(&once);
	return ok ? SOCAPI_OK : set_error(err, SOCAPI_E_NOMEM, "out of memory signing the request");
}
