/*
 * impact.h: the whole public API of libimpact.
 *
 * libimpact measures the social impact of tiers-lieux: it imports survey
 * answers and activity logs into one SQLite file, computes results per
 * place and per territory, and draws PDF dashboards.  Read the module
 * headers in this order: common, store, surveys, indicators, reports,
 * sample, index, privacy, access.
 */
#ifndef IMPACT_H
#define IMPACT_H

#include "impact/common.h"
#include "impact/store.h"
#include "impact/surveys.h"
#include "impact/indicators.h"
#include "impact/reports.h"
#include "impact/sample.h"
#include "impact/index.h"
#include "impact/privacy.h"
#include "impact/access.h"

#endif
