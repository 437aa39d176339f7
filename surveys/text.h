/*
 * surveys/text.h: matching text the way people write it.  Column headers,
 * choice labels and yes/no words arrive with any case, accents, spacing
 * and punctuation ("Tout à fait d'accord", "TOUT A FAIT D ACCORD",
 * "tout_a_fait_daccord"...): impact__fold() reduces them to one form so
 * they compare equal.  Internal to the library.
 */
#ifndef IMPACT_SURVEYS_TEXT_H
#define IMPACT_SURVEYS_TEXT_H

#include <stddef.h>

/*
 * Fold UTF-8 text `s` into `out` (`size` bytes, NUL-terminated, truncated
 * on a character boundary if too long) for comparison:
 *  - letters to lower case, ASCII and Latin-1/Latin Extended-A (À-ÿ, Œ);
 *  - accents removed: é è ê ë -> e, à â ä -> a, ç -> c, î ï -> i,
 *    ô ö -> o, ù û ü -> u, ÿ -> y, ñ -> n; œ -> oe, æ -> ae, ß -> ss;
 *  - apostrophes (' and U+2019) removed, so "d'accord" == "daccord";
 *  - every run of other characters that are not letters or digits
 *    (spaces, NBSP U+00A0, U+202F, tabs, '_', '-', '.', ',', '/', '(',
 *    ')', '?', '!', ':', ';', quotes, ...) becomes one space;
 *  - leading and trailing spaces removed.
 * Other non-ASCII characters are kept as they are.  Returns `out`.
 * Examples: "Tout à fait d'accord" -> "tout a fait daccord";
 *           "  Lien_Social " -> "lien social"; "Âge ?" -> "age".
 */
char *impact__fold(char *out, size_t size, const char *s);

/* Is s[0..n) valid UTF-8 (no overlong forms, no surrogates, at most
 * U+10FFFF)? */
int impact__utf8_valid(const unsigned char *s, size_t n);

#endif
