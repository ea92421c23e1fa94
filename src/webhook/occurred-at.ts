/*
 * `occurredAt` orders a helpdesk's events: an event that occurred before the state it would change is old news.
 * Instants are compared as times, not as strings (`…00.5Z` is after `…00Z`), and recorded in one canonical form.
 */

/** The canonical form kept in tags: ISO 8601 in UTC with milliseconds. */
export const canonicalInstant = (instant: string): string => new Date(instant).toISOString()

/** Whether `instant` occurred strictly before `recorded`; false when either is absent. */
export const occurredBefore = (instant: string | undefined, recorded: string | undefined): boolean =>
  instant !== undefined && !!recorded && Date.parse(instant) < Date.parse(recorded)
