// How much one test can put in front of a person or into the report (issue 11.5). A test that
// swallows its refusals in a loop must not print a megabyte or grow the report without end; what
// is left out is counted, and the counts are always shown.

/** Distinct events (groups) one test keeps in the report; the rest are counted in `dropped`. */
export const MAX_EVENTS_PER_TEST = 100

/** Violations one failure message lists one by one; the rest are counted and the report named. */
export const MAX_LISTED_VIOLATIONS = 10
