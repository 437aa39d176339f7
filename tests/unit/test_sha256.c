/*
 * Unit tests of engine/sha256.c against the FIPS 180-4 examples and the
 * RFC 4231 HMAC-SHA-256 test cases.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "../../engine/sha256.h"

static void digest_hex(const void *p, size_t n, char hex[65])
{
	impact_sha256 c;
	unsigned char d[32];

	impact__sha256_init(&c);
	impact__sha256_update(&c, p, n);
	impact__sha256_final(&c, d);
	impact__hex(hex, d, 32);
}

Test(sha256, fips_examples)
{
	char hex[65];

	digest_hex("", 0, hex);
	cr_expect_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b9"
	                      "34ca495991b7852b855");
	digest_hex("abc", 3, hex);
	cr_expect_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177"
	                      "a9cb410ff61f20015ad");
	digest_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	           56, hex);
	cr_expect_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2"
	                      "167f6ecedd419db06c1");
}

Test(sha256, one_million_a_in_uneven_pieces)
{
	static char a[1000];
	impact_sha256 c;
	unsigned char d[32];
	char hex[65];
	size_t done = 0, step = 1;

	memset(a, 'a', sizeof(a));
	impact__sha256_init(&c);
	while (done < 1000000) {
		size_t n = step % 1000;

		if (n > 1000000 - done)
			n = 1000000 - done;
		impact__sha256_update(&c, a, n);
		done += n;
		step = step * 7 + 3;
	}
	impact__sha256_final(&c, d);
	impact__hex(hex, d, 32);
	cr_expect_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a4972"
	                      "00e046d39ccc7112cd0");
}

Test(sha256, hmac_rfc4231)
{
	unsigned char key[131], mac[32];
	char hex[65];

	memset(key, 0x0b, 20);
	impact__hmac_sha256(key, 20, "Hi There", 8, mac);
	impact__hex(hex, mac, 32);
	cr_expect_str_eq(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833"
	                      "da726e9376c2e32cff7");
	impact__hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, mac);
	impact__hex(hex, mac, 32);
	cr_expect_str_eq(hex, "5bdcc146bf60754e6a042426089575c75a003f089d273"
	                      "9839dec58b964ec3843");
	memset(key, 0xaa, 131);
	impact__hmac_sha256(key, 131, "Test Using Larger Than Block-Size Key - "
	                    "Hash Key First", 54, mac);
	impact__hex(hex, mac, 32);
	cr_expect_str_eq(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c"
	                      "5140546040f0ee37f54");
}
