# bench_r.R - the same work in R, timed in the same run (bench/run):
#   Rscript bench/bench_r.R CSV RUNS
# read.csv of the simulated cohort; then, as one param change does: a data
# frame subset (the selection), survfit + survdiff + coxph by group for OS
# and for PFS.  Prints "key<TAB>milliseconds" (medians of RUNS).
suppressMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
csv <- args[1]
runs <- as.integer(if (length(args) > 1) args[2] else 5)
ms <- function(expr) 1000 * system.time(expr)[["elapsed"]]
report <- function(key, t) cat(sprintf("%s\t%.2f\n", key, t))

t <- numeric(runs)
for (i in seq_len(runs)) { t[i] <- ms(d <- read.csv(csv)); gc(FALSE) }
report("r_csv_load", median(t))

# The selection: at most 3 lesions and ECOG <= 2, as a param change in the
# lab re-selects; then both endpoints by group.
refresh <- function(d, max_lesions) {
  d$selected <- !is.na(d$m_lesions) & d$m_lesions <= max_lesions & !is.na(d$ecog) & d$ecog <= 2
  s <- d[, c("os_time", "os_event", "pfs_time", "pfs_event", "selected")]
  for (ep in c("os", "pfs")) {
    f <- as.formula(sprintf("Surv(%s_time, %s_event) ~ selected", ep, ep))
    fit <- survfit(f, data = s)
    summary(fit, times = c(12, 24, 36))
    survdiff(f, data = s)
    coxph(f, data = s)
  }
}
t <- numeric(runs)
for (i in seq_len(runs)) t[i] <- ms(refresh(d, if (i %% 2) 3 else 4))
report("r_param_change", median(t))

t <- numeric(runs)
for (i in seq_len(runs)) t[i] <- ms({
  survfit(Surv(os_time, os_event) ~ sex, data = d)
  survdiff(Surv(os_time, os_event) ~ sex, data = d)
})
report("r_km_logrank", median(t))
