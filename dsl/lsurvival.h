/* lsurvival.h - the `survival` Lua binding: Kaplan-Meier, log-rank, Cox.
 *
 * Part of tnmlab (dsl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * survival.km(c, time, event [, {by =, conf_type = "log"|"log-log"|"plain",
 *             conf_level = 0.95, horizon =, unit = "months"|"days", subset =}])
 *   -> f;  f.strata[i] = {name, n, events, median, median_lower, median_upper,
 *          rmean, rmean_se, rmean_tau};  f.n_missing, f.conf_type, f.conf_level,
 *          f.horizon, f.by;  f:at(times [, {extend = false}]) -> at[i][j] =
 *          {time, surv, lower, upper, n_risk, std_err};  f:curve(i) -> the
 *          whole table of stratum i (arrays time, n_risk, n_event, n_censor,
 *          surv, std_err, lower, upper).
 * survival.logrank(c, time, event, by [, {subset =}])
 *   -> {chisq, df, p, p_text, names = {}, n = {}, observed = {}, expected = {}}
 * survival.cox(c, time, event, {terms} [, {ties = "efron"|"breslow",
 *              conf_level = 0.95, subset =}])
 *   -> {coef, se, hr, lower, upper, p, z (each keyed by R's coefficient name,
 *       by position, and by term name when the term has one coefficient),
 *       names, n, nevent, n_missing, loglik, iter, converged, ties}
 * survival.followup(c, time, event [, {by =, subset =}])
 *   -> {[i] = {name, median, lower, upper}}   (reverse Kaplan-Meier)
 * survival.format_p(p [, digits = 3]) -> text as R's format.pval
 *
 * R's NA is nil.  Strata are the values of `by` present in the used rows,
 * as text, in R's factor order in the C locale (numbers ascending, text by
 * bytes).  Events are read as R's Surv() reads them: 0/1, FALSE/TRUE, or
 * 1/2 with 2 = event (a number column whose largest value is 2).  The time
 * order of a column is sorted once and cached with the cohort (rebuilt when
 * the column's generation changes).
 */
#ifndef TNMLAB_LSURVIVAL_H
#define TNMLAB_LSURVIVAL_H

#include <lua.h>

/* Sets the global table `survival`.  Usable as a lua_CFunction.
 * Stack: [] -> [survival table]. */
int dsl_open_survival(lua_State *L);

#endif
