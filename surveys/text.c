/*
 * surveys/text.c: folding text for comparison and checking UTF-8.
 *
 * People type the same label many ways ("Tout à fait d'accord", "TOUT A
 * FAIT D’ACCORD", "tout_a_fait_daccord"), so importers compare folded
 * forms.  impact__fold() walks the UTF-8 input one code point at a time
 * and emits, for each, a short ASCII piece (a lower-case base letter, "oe"
 * for œ, nothing for an apostrophe), a separator, or the character's own
 * bytes; the two tables below give the pieces of the Latin-1 letters
 * (U+00C0-U+00FF) and of Latin Extended-A (U+0100-U+017F).  The strict
 * UTF-8 decoder is shared with impact__utf8_valid().  Read surveys/text.h
 * for the contract, then surveys/dates.c, which folds month names.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "text.h"

/* What one code point becomes in folded text. */
enum {
	FOLD_PIECE,     /* an ASCII piece (possibly empty: an apostrophe) */
	FOLD_SEPARATOR, /* part of a run that becomes one space */
	FOLD_KEEP       /* its own bytes, unchanged */
};

/* U+00C0-U+00FF: base letters; NULL for × and ÷, which separate. */
static const char *const latin1_letters[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c",   /* À Á Â Ã Ä Å Æ Ç */
	"e", "e", "e", "e", "i", "i", "i", "i",    /* È É Ê Ë Ì Í Î Ï */
	"d", "n", "o", "o", "o", "o", "o", NULL,   /* Ð Ñ Ò Ó Ô Õ Ö × */
	"o", "u", "u", "u", "u", "y", "th", "ss",  /* Ø Ù Ú Û Ü Ý Þ ß */
	"a", "a", "a", "a", "a", "a", "ae", "c",   /* à á â ã ä å æ ç */
	"e", "e", "e", "e", "i", "i", "i", "i",    /* è é ê ë ì í î ï */
	"d", "n", "o", "o", "o", "o", "o", NULL,   /* ð ñ ò ó ô õ ö ÷ */
	"o", "u", "u", "u", "u", "y", "th", "y"    /* ø ù ú û ü ý þ ÿ */
};

/* U+0100-U+017F (Latin Extended-A): base letters, upper and lower case
 * alike. */
static const char *const latin_ext_a[128] = {
	/* Ā ā Ă ă Ą ą Ć ć Ĉ ĉ Ċ ċ Č č Ď ď */
	"a", "a", "a", "a", "a", "a", "c", "c",
	"c", "c", "c", "c", "c", "c", "d", "d",
	/* Đ đ Ē ē Ĕ ĕ Ė ė Ę ę Ě ě Ĝ ĝ Ğ ğ */
	"d", "d", "e", "e", "e", "e", "e", "e",
	"e", "e", "e", "e", "g", "g", "g", "g",
	/* Ġ ġ Ģ ģ Ĥ ĥ Ħ ħ Ĩ ĩ Ī ī Ĭ ĭ Į į */
	"g", "g", "g", "g", "h", "h", "h", "h",
	"i", "i", "i", "i", "i", "i", "i", "i",
	/* İ ı Ĳ ĳ Ĵ ĵ Ķ ķ ĸ Ĺ ĺ Ļ ļ Ľ ľ Ŀ */
	"i", "i", "ij", "ij", "j", "j", "k", "k",
	"k", "l", "l", "l", "l", "l", "l", "l",
	/* ŀ Ł ł Ń ń Ņ ņ Ň ň ŉ Ŋ ŋ Ō ō Ŏ ŏ */
	"l", "l", "l", "n", "n", "n", "n", "n",
	"n", "n", "n", "n", "o", "o", "o", "o",
	/* Ő ő Œ œ Ŕ ŕ Ŗ ŗ Ř ř Ś ś Ŝ ŝ Ş ş */
	"o", "o", "oe", "oe", "r", "r", "r", "r",
	"r", "r", "s", "s", "s", "s", "s", "s",
	/* Š š Ţ ţ Ť ť Ŧ ŧ Ũ ũ Ū ū Ŭ ŭ Ů ů */
	"s", "s", "t", "t", "t", "t", "t", "t",
	"u", "u", "u", "u", "u", "u", "u", "u",
	/* Ű ű Ų ų Ŵ ŵ Ŷ ŷ Ÿ Ź ź Ż ż Ž ž ſ */
	"u", "u", "u", "u", "w", "w", "y", "y",
	"y", "z", "z", "z", "z", "z", "z", "s"
};

/* Single-character pieces for ASCII letters and digits, indexed by byte. */
static const char ascii_pieces[] =
	"0\0" "1\0" "2\0" "3\0" "4\0" "5\0" "6\0" "7\0" "8\0" "9\0"
	"a\0" "b\0" "c\0" "d\0" "e\0" "f\0" "g\0" "h\0" "i\0" "j\0"
	"k\0" "l\0" "m\0" "n\0" "o\0" "p\0" "q\0" "r\0" "s\0" "t\0"
	"u\0" "v\0" "w\0" "x\0" "y\0" "z\0";

/* Decode the code point at s[0..n) (n >= 1) strictly (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF).  Returns its
 * length, 1 to 4, with *cp set; 0 when s does not start a valid
 * sequence. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char lo = 0x80, hi = 0xBF;
	size_t len, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		len = 2;
		c = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		len = 3;
		c = s[0] & 0x0F;
		if (s[0] == 0xE0)
			lo = 0xA0;      /* below is overlong */
		else if (s[0] == 0xED)
			hi = 0x9F;      /* above are the surrogates */
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		len = 4;
		c = s[0] & 0x07;
		if (s[0] == 0xF0)
			lo = 0x90;      /* below is overlong */
		else if (s[0] == 0xF4)
			hi = 0x8F;      /* above is beyond U+10FFFF */
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = c;
	return len;
}

/* Walk s[0..n) with the strict decoder; 1 if it reaches the end. */
int impact__utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0, len;
	uint32_t cp;

	while (i < n) {
		len = utf8_decode(s + i, n - i, &cp);
		if (len == 0)
			return 0;
		i += len;
	}
	return 1;
}

/* Classify code point `cp` for folding: returns FOLD_PIECE with *piece
 * set (a static string), FOLD_SEPARATOR or FOLD_KEEP.  Beyond the ranges
 * the header names, the other non-letters of Latin-1 (« » ° ¿ ...) and
 * the General Punctuation block (U+2000-U+206F: spaces, dashes, quotes,
 * ellipsis) separate, since they are punctuation, not letters; ª º ¹ ² ³
 * become a o 1 2 3 as Unicode's compatibility forms (NFKC) do, and the
 * apostrophe look-alikes U+2018 and U+02BC are removed like U+2019. */
static int fold_class(uint32_t cp, const char **piece)
{
	if (cp < 0x80) {
		if (cp >= '0' && cp <= '9') {
			*piece = ascii_pieces + 2 * (cp - '0');
			return FOLD_PIECE;
		}
		if (cp >= 'a' && cp <= 'z') {
			*piece = ascii_pieces + 2 * (cp - 'a' + 10);
			return FOLD_PIECE;
		}
		if (cp >= 'A' && cp <= 'Z') {
			*piece = ascii_pieces + 2 * (cp - 'A' + 10);
			return FOLD_PIECE;
		}
		if (cp == '\'') {
			*piece = "";
			return FOLD_PIECE;
		}
		return FOLD_SEPARATOR;
	}
	if (cp >= 0xC0 && cp <= 0xFF) {
		*piece = latin1_letters[cp - 0xC0];
		return *piece ? FOLD_PIECE : FOLD_SEPARATOR;
	}
	if (cp >= 0x100 && cp <= 0x17F) {
		*piece = latin_ext_a[cp - 0x100];
		return FOLD_PIECE;
	}
	switch (cp) {
	case 0xAA:
		*piece = "a";
		return FOLD_PIECE;
	case 0xBA:
		*piece = "o";
		return FOLD_PIECE;
	case 0xB9:
		*piece = "1";
		return FOLD_PIECE;
	case 0xB2:
		*piece = "2";
		return FOLD_PIECE;
	case 0xB3:
		*piece = "3";
		return FOLD_PIECE;
	case 0xB5:              /* micro sign: a letter, kept */
		return FOLD_KEEP;
	case 0x2BC:
	case 0x2018:
	case 0x2019:
		*piece = "";
		return FOLD_PIECE;
	default:
		break;
	}
	if (cp < 0xC0)          /* C1 controls and Latin-1 punctuation */
		return FOLD_SEPARATOR;
	if (cp >= 0x2000 && cp <= 0x206F)
		return FOLD_SEPARATOR;
	return FOLD_KEEP;
}

/* Fold s into out (see text.h): one piece per code point, separator
 * runs collapsed into one space, none leading or trailing. */
char *impact__fold(char *out, size_t size, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, used = 0, len, plen;
	int pending = 0;        /* a separator run awaits the next piece */
	const char *piece = NULL;
	uint32_t cp;

	assert(out && s && size > 0);
	n = strlen(s);
	while (n > 0) {
		len = utf8_decode(p, n, &cp);
		if (len == 0) {
			/* Not UTF-8: keep the stray byte, so that different
			 * inputs still fold to different strings. */
			len = 1;
			piece = (const char *)p;
			plen = 1;
		} else {
			switch (fold_class(cp, &piece)) {
			case FOLD_SEPARATOR:
				pending = used > 0;
				p += len;
				n -= len;
				continue;
			case FOLD_KEEP:
				piece = (const char *)p;
				plen = len;
				break;
			default:
				plen = strlen(piece);
				break;
			}
		}
		p += len;
		n -= len;
		if (plen == 0)
			continue;
		/* The separator and the piece go in together or not at
		 * all, so the result never ends in a space or half a
		 * character. */
		if (used + (size_t)pending + plen > size - 1)
			break;
		if (pending)
			out[used++] = ' ';
		memcpy(out + used, piece, plen);
		used += plen;
		pending = 0;
	}
	out[used] = '\0';
	return out;
}
