/*
 * engine/sha256.h: SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104), for
 * the fingerprint of imported files and the keyed hash that replaces a
 * respondent's identifier.  Internal to the library.
 */
#ifndef IMPACT_ENGINE_SHA256_H
#define IMPACT_ENGINE_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint32_t state[8];       /* running hash */
	uint64_t length;         /* bytes hashed so far */
	unsigned char block[64]; /* pending partial block */
	size_t used;             /* bytes in block */
} impact_sha256;

void impact__sha256_init(impact_sha256 *c);
void impact__sha256_update(impact_sha256 *c, const void *data, size_t n);
/* Finish and write the 32-byte digest into out. */
void impact__sha256_final(impact_sha256 *c, unsigned char out[32]);

/* HMAC-SHA-256 of msg under key, 32 bytes into out. */
void impact__hmac_sha256(const void *key, size_t keylen, const void *msg,
                         size_t msglen, unsigned char out[32]);

/* Lower-case hex of n bytes into out (2n + 1 bytes, NUL-terminated). */
void impact__hex(char *out, const unsigned char *in, size_t n);

#endif
