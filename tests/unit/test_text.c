/*
 * Unit tests of surveys/text.c: folding labels for comparison and the
 * strict UTF-8 check.  Expected values are worked out by hand from the
 * rules in surveys/text.h and RFC 3629.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "../../surveys/text.h"

/* Fold s into a roomy buffer. */
static const char *fold(const char *s)
{
	static char out[256];

	return impact__fold(out, sizeof(out), s);
}

/* impact__utf8_valid on a string literal. */
static int valid(const char *s, size_t n)
{
	return impact__utf8_valid((const unsigned char *)s, n);
}

Test(text, likert_labels)
{
	cr_expect_str_eq(fold("Tout à fait d'accord"), "tout a fait daccord");
	cr_expect_str_eq(fold("TOUT A FAIT D\xE2\x80\x99" "ACCORD"),
	                 "tout a fait daccord");
	cr_expect_str_eq(fold("tout_a_fait_daccord"), "tout a fait daccord");
	cr_expect_str_eq(fold("Pas du tout d'accord"), "pas du tout daccord");
	cr_expect_str_eq(fold("Plutôt pas d’accord"), "plutot pas daccord");
}

Test(text, spacing_and_punctuation)
{
	cr_expect_str_eq(fold("  Lien_Social "), "lien social");
	cr_expect_str_eq(fold("Âge ?"), "age");
	cr_expect_str_eq(fold("Ça va ? Très bien !"), "ca va tres bien");
	cr_expect_str_eq(fold("group_x/Q1.a-(b)"), "group x q1 a b");
	cr_expect_str_eq(fold("\t\"Oui\"\r\n"), "oui");
	cr_expect_str_eq(fold("« Non »"), "non");
	cr_expect_str_eq(fold("Nombre — total…"), "nombre total");
	cr_expect_str_eq(fold("l'âge"), "lage");
	cr_expect_str_eq(fold(""), "");
	cr_expect_str_eq(fold(" ?! "), "");
	cr_expect_str_eq(fold("'"), "");
}

Test(text, no_break_spaces_separate)
{
	/* U+00A0 before a French colon, U+202F as a thousands separator */
	cr_expect_str_eq(fold("Prix\xC2\xA0: 12\xE2\x80\xAF" "500"),
	                 "prix 12 500");
	cr_expect_str_eq(fold("\xC2\xA0Oui\xC2\xA0"), "oui");
}

Test(text, letters_of_latin1_and_extended_a)
{
	cr_expect_str_eq(fold("Œuvre"), "oeuvre");
	cr_expect_str_eq(fold("œuf"), "oeuf");
	cr_expect_str_eq(fold("ÆSIR æ"), "aesir ae");
	cr_expect_str_eq(fold("Straße"), "strasse");
	cr_expect_str_eq(fold("ÀÉÈÊËÎÏÔÖÙÛÜŸÇÑ"), "aeeeeiioouuuycn");
	cr_expect_str_eq(fold("àéèêëîïôöùûüÿçñ"), "aeeeeiioouuuycn");
	cr_expect_str_eq(fold("Łódź Škoda Ğ"), "lodz skoda g");
	cr_expect_str_eq(fold("5 × 3"), "5 3");
	cr_expect_str_eq(fold("m²"), "m2");
}

Test(text, other_characters_kept)
{
	/* Greek is outside the folded ranges: kept, case included. */
	cr_expect_str_eq(fold("Ελλάδα"), "Ελλάδα");
	cr_expect_str_eq(fold("10 €"), "10 €");
	/* a stray Windows-1252 byte stays, so "Caf\xE9" != "caf" */
	cr_expect_str_eq(fold("Caf\xE9"), "caf\xE9");
}

Test(text, truncation_keeps_whole_characters)
{
	char out[8];

	/* "ab ΩΩ" folds to 7 bytes: a b ' ' CE A9 CE A9 */
	cr_expect_str_eq(impact__fold(out, 6, "ab ΩΩ"), "ab \xCE\xA9");
	/* 4 bytes of room: the space and Ω go in together or not at all */
	cr_expect_str_eq(impact__fold(out, 5, "ab ΩΩ"), "ab");
	cr_expect_str_eq(impact__fold(out, 4, "ab ΩΩ"), "ab");
	/* "oe" from œ is one piece */
	cr_expect_str_eq(impact__fold(out, 2, "œuf"), "");
	cr_expect_str_eq(impact__fold(out, 3, "œuf"), "oe");
	cr_expect_str_eq(impact__fold(out, 1, "abc"), "");
	cr_expect_str_eq(impact__fold(out, sizeof(out), "Tout à fait"),
	                 "tout a");
}

Test(text, utf8_valid_accepts)
{
	cr_expect(valid("", 0));
	cr_expect(valid("abc", 3));
	cr_expect(valid("a\0b", 3));
	cr_expect(valid("\xC3\xA9", 2));                 /* é */
	cr_expect(valid("\xE2\x82\xAC", 3));             /* € */
	cr_expect(valid("\xED\x9F\xBF", 3));             /* U+D7FF */
	cr_expect(valid("\xEE\x80\x80", 3));             /* U+E000 */
	cr_expect(valid("\xF0\x9F\x98\x80", 4));         /* U+1F600 */
	cr_expect(valid("\xF4\x8F\xBF\xBF", 4));         /* U+10FFFF */
	cr_expect(valid("\xC2\x80", 2));                 /* U+0080 */
	cr_expect(valid("\xE0\xA0\x80", 3));             /* U+0800 */
	cr_expect(valid("\xF0\x90\x80\x80", 4));         /* U+10000 */
}

Test(text, utf8_valid_refuses)
{
	cr_expect_not(valid("\xC0\xAF", 2));             /* overlong '/' */
	cr_expect_not(valid("\xC1\xBF", 2));             /* overlong */
	cr_expect_not(valid("\xE0\x80\xAF", 3));         /* overlong */
	cr_expect_not(valid("\xF0\x80\x80\xAF", 4));     /* overlong */
	cr_expect_not(valid("\xED\xA0\x80", 3));         /* U+D800 */
	cr_expect_not(valid("\xED\xBF\xBF", 3));         /* U+DFFF */
	cr_expect_not(valid("\xF4\x90\x80\x80", 4));     /* U+110000 */
	cr_expect_not(valid("\xF5\x80\x80\x80", 4));
	cr_expect_not(valid("\xFF", 1));
	cr_expect_not(valid("\x80", 1));                 /* lone continuation */
	cr_expect_not(valid("\xC3", 1));                 /* truncated */
	cr_expect_not(valid("\xE2\x82", 2));             /* truncated */
	cr_expect_not(valid("\xF0\x9F\x98", 3));         /* truncated */
	cr_expect_not(valid("ab\xE2\x82" "c", 5));       /* cut in the middle */
	cr_expect_not(valid("Caf\xE9", 4));              /* Windows-1252 */
	/* n bounds the check: the valid prefix alone passes */
	cr_expect(valid("ab\xFF", 2));
}
