/*
 * Unit tests of surveys/dates.c: every form surveys/dates.h lists, as the
 * tools of shared/reference/survey-exports.md write it, with the fields
 * expected by reading the string; the calendar and clock limits; the
 * day/month order rules.
 */
#include <criterion/criterion.h>

#include "../../surveys/dates.h"

/* Parse s with `order`, expecting success; returns the result. */
static impact__datetime ok(const char *s, int order)
{
	impact__datetime d;
	int amb = -1;

	cr_assert_eq(impact__date_parse(&d, s, order, &amb), 0,
	             "refused \"%s\"", s);
	cr_assert_eq(amb, 0, "\"%s\" said ambiguous", s);
	return d;
}

/* Expect the date fields of d. */
#define DATE(d, y, m, dd)                                                    \
	do {                                                                 \
		cr_expect_eq((d).year, y);                                   \
		cr_expect_eq((d).month, m);                                  \
		cr_expect_eq((d).day, dd);                                   \
	} while (0)

/* Expect the time fields of d. */
#define TIME(d, hh, mm, ss)                                                  \
	do {                                                                 \
		cr_expect_eq((d).has_time, 1);                               \
		cr_expect_eq((d).hour, hh);                                  \
		cr_expect_eq((d).minute, mm);                                \
		cr_expect_eq((d).second, ss);                                \
	} while (0)

/* Expect no time and no offset. */
#define DATE_ONLY(d)                                                         \
	do {                                                                 \
		cr_expect_eq((d).has_time, 0);                               \
		cr_expect_eq((d).hour + (d).minute + (d).second, 0);         \
		cr_expect_eq((d).has_offset, 0);                             \
	} while (0)

/* Expect an offset of `min` minutes. */
#define OFFSET(d, min)                                                       \
	do {                                                                 \
		cr_expect_eq((d).has_offset, 1);                             \
		cr_expect_eq((d).offset_minutes, min);                       \
	} while (0)

Test(dates, iso_kobo)
{
	impact__datetime d = ok("2022-10-19 09:12:29.278000+02:00", 0);

	DATE(d, 2022, 10, 19);
	TIME(d, 9, 12, 29);
	OFFSET(d, 120);
}

Test(dates, iso_variants)
{
	impact__datetime d;

	d = ok("2024-03-14T08:05:00Z", 0);
	DATE(d, 2024, 3, 14);
	TIME(d, 8, 5, 0);
	OFFSET(d, 0);
	d = ok("2024-03-14", 0);
	DATE(d, 2024, 3, 14);
	DATE_ONLY(d);
	d = ok("2024-03-14T08:05", 0);
	TIME(d, 8, 5, 0);
	cr_expect_eq(d.has_offset, 0);
	d = ok("2024-03-14T23:59:59.123-05", 0);
	TIME(d, 23, 59, 59);
	OFFSET(d, -300);
	d = ok("2024-03-14T08:05:00,5+0530", 0);
	OFFSET(d, 330);
	d = ok("2024-03-14T08:05:00.123456789-09:30", 0);
	OFFSET(d, -570);
	/* Kobo _submission_time: UTC without offset */
	d = ok("2022-10-19T07:12:29", 0);
	TIME(d, 7, 12, 29);
	cr_expect_eq(d.has_offset, 0);
	d = ok("  2024-03-14 00:00:00 \r\n", 0);
	DATE(d, 2024, 3, 14);
	TIME(d, 0, 0, 0);
}

Test(dates, limesurvey)
{
	impact__datetime d = ok("2024-03-14 08:05:00", 0);

	DATE(d, 2024, 3, 14);
	TIME(d, 8, 5, 0);
	cr_expect_eq(d.has_offset, 0);
}

Test(dates, google_sheets_us)
{
	/* 14 cannot be a month: month first, whatever the column's order */
	impact__datetime d = ok("3/14/2024 8:05:00", IMPACT__DATE_ORDER_DMY);

	DATE(d, 2024, 3, 14);
	TIME(d, 8, 5, 0);
	d = ok("12/31/2023 23:59:58", IMPACT__DATE_ORDER_UNKNOWN);
	DATE(d, 2023, 12, 31);
	TIME(d, 23, 59, 58);
}

Test(dates, surveymonkey)
{
	impact__datetime d = ok("03/14/2024 08:05:00", 0);

	DATE(d, 2024, 3, 14);
	TIME(d, 8, 5, 0);
	d = ok("03/14/2024 08:05:00 PM", 0);
	TIME(d, 20, 5, 0);
}

Test(dates, google_forms_download)
{
	impact__datetime d = ok("2024/03/14 8:05:00 PM GMT+1", 0);

	DATE(d, 2024, 3, 14);
	TIME(d, 20, 5, 0);
	OFFSET(d, 60);
	d = ok("2024/03/14 12:00:00 AM GMT+01:00", 0);
	TIME(d, 0, 0, 0);
	OFFSET(d, 60);
	d = ok("2024/03/14 12:30:00 pm UTC", 0);
	TIME(d, 12, 30, 0);
	OFFSET(d, 0);
	d = ok("2024/3/4 11:59:59 am GMT-5", 0);
	DATE(d, 2024, 3, 4);
	TIME(d, 11, 59, 59);
	OFFSET(d, -300);
	d = ok("2024/03/14", 0);
	DATE_ONLY(d);
}

Test(dates, french)
{
	impact__datetime d = ok("14/03/2024", 0);

	DATE(d, 2024, 3, 14);
	DATE_ONLY(d);
	d = ok("14.03.2024", 0);
	DATE(d, 2024, 3, 14);
	d = ok("14-03-2024", 0);
	DATE(d, 2024, 3, 14);
	d = ok("31/12/2023 18:30", 0);
	DATE(d, 2023, 12, 31);
	TIME(d, 18, 30, 0);
}

Test(dates, framaforms)
{
	impact__datetime d = ok("14/03/2024 - 08:05", 0);

	DATE(d, 2024, 3, 14);
	TIME(d, 8, 5, 0);
	cr_expect_eq(d.has_offset, 0);
}

Test(dates, odk_briefcase)
{
	impact__datetime d = ok("Apr 26, 2018 8:56:00 AM", 0);

	DATE(d, 2018, 4, 26);
	TIME(d, 8, 56, 0);
	d = ok("Dec 1, 2019 12:05:09 PM", 0);
	DATE(d, 2019, 12, 1);
	TIME(d, 12, 5, 9);
	d = ok("September 5, 2023", 0);
	DATE(d, 2023, 9, 5);
	DATE_ONLY(d);
}

Test(dates, french_month_names)
{
	impact__datetime d = ok("26 avr. 2018", 0);

	DATE(d, 2018, 4, 26);
	DATE_ONLY(d);
	d = ok("1 février 2024", 0);
	DATE(d, 2024, 2, 1);
	d = ok("1 fevrier 2024", 0);
	DATE(d, 2024, 2, 1);
	d = ok("1er février 2024", 0);
	DATE(d, 2024, 2, 1);
	d = ok("3 févr. 2024", 0);
	DATE(d, 2024, 2, 3);
	d = ok("15 août 2023", 0);
	DATE(d, 2023, 8, 15);
	d = ok("2 DÉC. 2023", 0);
	DATE(d, 2023, 12, 2);
	d = ok("9 janv. 2024", 0);
	DATE(d, 2024, 1, 9);
	d = ok("14 juil. 2024", 0);
	DATE(d, 2024, 7, 14);
	d = ok("30 sept. 2024", 0);
	DATE(d, 2024, 9, 30);
	d = ok("11 nov. 2024", 0);
	DATE(d, 2024, 11, 11);
	d = ok("8 mai 2024 10:00", 0);
	DATE(d, 2024, 5, 8);
	TIME(d, 10, 0, 0);
}

Test(dates, ambiguous_order)
{
	impact__datetime d;
	int amb = -1;

	cr_expect_eq(impact__date_parse(&d, "03/04/2024",
	                                IMPACT__DATE_ORDER_DMY, &amb), 0);
	DATE(d, 2024, 4, 3);
	cr_expect_eq(amb, 1);
	amb = -1;
	cr_expect_eq(impact__date_parse(&d, "03/04/2024",
	                                IMPACT__DATE_ORDER_MDY, &amb), 0);
	DATE(d, 2024, 3, 4);
	cr_expect_eq(amb, 1);
	amb = -1;
	cr_expect_eq(impact__date_parse(&d, "03/04/2024",
	                                IMPACT__DATE_ORDER_UNKNOWN, &amb), -1);
	cr_expect_eq(amb, 1);
	/* ambiguous may be NULL */
	cr_expect_eq(impact__date_parse(&d, "3/4/2024 10:00",
	                                IMPACT__DATE_ORDER_MDY, NULL), 0);
	DATE(d, 2024, 3, 4);
	/* both readings give the same date: nothing to decide */
	d = ok("03/03/2024", IMPACT__DATE_ORDER_UNKNOWN);
	DATE(d, 2024, 3, 3);
	/* unambiguous forms report 0 */
	amb = -1;
	cr_expect_eq(impact__date_parse(&d, "2024-03-04", 0, &amb), 0);
	cr_expect_eq(amb, 0);
	amb = -1;
	cr_expect_eq(impact__date_parse(&d, "hello", 0, &amb), -1);
	cr_expect_eq(amb, 0);
}

Test(dates, leap_years)
{
	impact__datetime d = ok("29/02/2024", 0);

	DATE(d, 2024, 2, 29);
	d = ok("2000-02-29", 0);
	DATE(d, 2000, 2, 29);
	cr_expect_eq(impact__date_parse(&d, "1900-02-29", 0, NULL), -1);
	cr_expect_eq(impact__date_parse(&d, "2023-02-29", 0, NULL), -1);
}

Test(dates, refused)
{
	static const char *const bad[] = {
		"2024-02-30", "2023-02-29", "31/04/2024", "2024-13-01",
		"2024-00-10", "2024-01-00", "25:00", "14/03/24", "", "   ",
		"hello", "2024-03-14 25:00", "2024-03-14T24:00:00",
		"2024-03-14T08:60", "2024-03-14T08:05:60",
		"2024-03-14T08:05:00.", "2024-03-14T08:05:00.1234567890",
		"2024-03-14T08:05:00+15:00", "2024-03-14T08:05:00+02:60",
		"2024-3-14", "2024-03-14T8:05", "2024-03-14x",
		"14/03/2024 garbage", "14/03-2024", "13/13/2024", "0/5/2024",
		"14/03/02024", "14/03/2024 8h05", "14/03/2024 -",
		"2024/03/14 13:00:00 PM", "2024/03/14 0:30:00 AM",
		"2024/03/14 8:05:00 PM GMT+15", "30 février 2024",
		"32 janvier 2024", "Foo 26, 2018", "26 avr 18", "Apr 26 2018x",
		"024-03-14", "20240314"
	};
	impact__datetime d;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(impact__date_parse(&d, bad[i],
		                                IMPACT__DATE_ORDER_DMY, NULL),
		             -1, "accepted \"%s\"", bad[i]);
}

Test(dates, order_hint)
{
	cr_expect_eq(impact__date_order_hint("14/03/2024"),
	             IMPACT__DATE_ORDER_DMY);
	cr_expect_eq(impact__date_order_hint("14/03/2024 - 08:05"),
	             IMPACT__DATE_ORDER_DMY);
	cr_expect_eq(impact__date_order_hint("3/14/2024 8:05:00"),
	             IMPACT__DATE_ORDER_MDY);
	cr_expect_eq(impact__date_order_hint("03/04/2024"),
	             IMPACT__DATE_ORDER_UNKNOWN);
	cr_expect_eq(impact__date_order_hint("03/03/2024"),
	             IMPACT__DATE_ORDER_UNKNOWN);
	cr_expect_eq(impact__date_order_hint("2024-03-14"),
	             IMPACT__DATE_ORDER_UNKNOWN);
	cr_expect_eq(impact__date_order_hint("2024/03/14"),
	             IMPACT__DATE_ORDER_UNKNOWN);
	cr_expect_eq(impact__date_order_hint("26 avr. 2018"),
	             IMPACT__DATE_ORDER_UNKNOWN);
	cr_expect_eq(impact__date_order_hint("hello"),
	             IMPACT__DATE_ORDER_UNKNOWN);
	/* not a date at all: February has no 31st, no month 31 */
	cr_expect_eq(impact__date_order_hint("31/02/2024"),
	             IMPACT__DATE_ORDER_UNKNOWN);
	cr_expect_eq(impact__date_order_hint("14/03/2024 25:00"),
	             IMPACT__DATE_ORDER_UNKNOWN);
}

Test(dates, date_iso)
{
	impact__datetime d = ok("1 février 2024", 0);
	char out[11];

	impact__date_iso(out, &d);
	cr_expect_str_eq(out, "2024-02-01");
	d = ok("3/14/2024 8:05:00", 0);
	impact__date_iso(out, &d);
	cr_expect_str_eq(out, "2024-03-14");
	d.year = 5;
	d.month = 7;
	d.day = 9;
	impact__date_iso(out, &d);
	cr_expect_str_eq(out, "0005-07-09");
}
