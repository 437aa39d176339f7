/*
 * engine/access.h: the key derivation and random bytes behind access
 * codes and sessions (engine/access.c).  Internal to the library.
 */
#ifndef IMPACT_ENGINE_ACCESS_H
#define IMPACT_ENGINE_ACCESS_H

#include <stddef.h>

/* Longest salt impact__pbkdf2_sha256() takes, in bytes. */
#define IMPACT__PBKDF2_SALT_MAX 64

/*
 * PBKDF2 with HMAC-SHA-256 as its pseudo-random function (RFC 8018,
 * section 5.2): `iterations` >= 1 rounds over password `pw` and `salt`
 * (at most IMPACT__PBKDF2_SALT_MAX bytes; both asserted), `dklen` bytes
 * into `out` (any length: as many 32-byte blocks as needed).
 */
void impact__pbkdf2_sha256(const void *pw, size_t pwlen, const void *salt,
                           size_t saltlen, unsigned long iterations,
                           unsigned char *out, size_t dklen);

/* Fill buf with n bytes from /dev/urandom.  0, or -1 (errno set). */
int impact__random_bytes(void *buf, size_t n);

#endif
