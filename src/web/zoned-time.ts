/** Wall-clock fields of an instant in one time zone. Months are 1-based; weekday 1 is Monday. */
export interface ZonedParts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  weekday: number
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 }
const partsFormatters = new Map<string, Intl.DateTimeFormat>()
const displayFormatters = new Map<string, Intl.DateTimeFormat>()

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = partsFormatters.get(timeZone)
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' })
    partsFormatters.set(timeZone, formatter)
  }

  return formatter
}

export function zonedParts(instantMs: number, timeZone: string): ZonedParts {
  const parts = partsFormatter(timeZone).formatToParts(new Date(instantMs))
  const value = (type: string) => parts.find((part) => part.type === type)?.value ?? ''

  return {
    year: Number(value('year')),
    month: Number(value('month')),
    day: Number(value('day')),
    hour: Number(value('hour')),
    minute: Number(value('minute')),
    weekday: WEEKDAYS[value('weekday')] ?? 1,
  }
}

/** Formats an instant for people, such as "Tue, 9 Jun 2026, 09:00", in the zone's wall-clock time. */
export function formatInZone(instantMs: number, timeZone: string): string {
  let formatter = displayFormatters.get(timeZone)
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    displayFormatters.set(timeZone, formatter)
  }

  return formatter.format(new Date(instantMs))
}

function pad(value: number, length = 2): string {
  return String(value).padStart(length, '0')
}

/** Returns the local date of an instant in the zone as YYYY-MM-DD. */
export function localDate(instantMs: number, timeZone: string): string {
  const parts = zonedParts(instantMs, timeZone)
  return `${pad(parts.year, 4)}-${pad(parts.month)}-${pad(parts.day)}`
}

/** Returns the local date and HH:MM time of an instant in the zone, as date and time inputs expect them. */
export function toDateTimeInputs(instantMs: number, timeZone: string): { date: string; time: string } {
  const parts = zonedParts(instantMs, timeZone)
  return { date: localDate(instantMs, timeZone), time: `${pad(parts.hour)}:${pad(parts.minute)}` }
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/
const TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/

/** Parses YYYY-MM-DD into a UTC-midnight timestamp of that calendar date, or null when invalid. */
export function parseCalendarDate(date: string): number | null {
  const match = DATE_PATTERN.exec(date)
  if (match === null) return null
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const utc = Date.UTC(year, month - 1, day)
  const check = new Date(utc)

  return check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day ? utc : null
}

/**
 * Converts a local date (YYYY-MM-DD) and time (HH:MM) in `timeZone` to an instant. A time that
 * occurs twice (when clocks go back) gives the earlier instant; a time skipped when clocks go
 * forward gives an error message.
 */
export function localToInstant(date: string, time: string, timeZone: string): { ok: true; value: Date } | { ok: false; message: string } {
  const day = parseCalendarDate(date)
  const clock = TIME_PATTERN.exec(time)
  if (day === null) return { ok: false, message: `"${date.slice(0, 40)}" is not a date; use the form YYYY-MM-DD.` }
  if (clock === null) return { ok: false, message: `"${time.slice(0, 40)}" is not a time; use HH:MM in 24-hour time.` }

  const wallMs = day + Number(clock[1]) * 3_600_000 + Number(clock[2]) * 60_000
  // The zone's offset a day before and a day after covers both sides of any nearby clock change.
  const offsets = new Set([offsetAt(wallMs - 86_400_000, timeZone), offsetAt(wallMs, timeZone), offsetAt(wallMs + 86_400_000, timeZone)])
  const matches = [...offsets]
    .map((offset) => wallMs - offset)
    .filter((instant) => wallClockMs(instant, timeZone) === wallMs)
    .sort((left, right) => left - right)
  if (matches.length === 0) {
    return { ok: false, message: `${date} ${time} does not exist in ${timeZone} because the clocks go forward then; pick another time.` }
  }

  return { ok: true, value: new Date(matches[0]!) }
}

/** The wall-clock time of an instant in the zone, expressed as if it were a UTC timestamp. */
function wallClockMs(instantMs: number, timeZone: string): number {
  const parts = zonedParts(instantMs, timeZone)
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute)
}

/** Offset of the zone from UTC at an instant, in ms (wall clock minus UTC), to the minute. */
function offsetAt(instantMs: number, timeZone: string): number {
  const wholeMinute = Math.floor(instantMs / 60_000) * 60_000
  return wallClockMs(wholeMinute, timeZone) - wholeMinute
}

/** Adds whole days to a UTC-midnight calendar timestamp. */
export function addDays(calendarMs: number, days: number): number {
  return calendarMs + days * 86_400_000
}

/** Formats a UTC-midnight calendar timestamp as YYYY-MM-DD. */
export function formatCalendarDate(calendarMs: number): string {
  const date = new Date(calendarMs)
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`
}

// CLDR, which Intl.supportedValuesOf follows on Node 20 (ICU 78.2), still lists these zones under
// names that IANA has since replaced. The picker suggests the current name, and both names stay
// valid input because Intl accepts either.
const CURRENT_ZONE_NAMES: Record<string, string> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
}

let timeZoneList: readonly string[] | undefined

/**
 * Lists the IANA zones this Node.js build supports, for a time zone picker: UTC first, then the others
 * sorted, under their current IANA names (Asia/Kolkata, not Asia/Calcutta). A current name that
 * this build's Intl rejects is left out in favour of the old one.
 */
export function listTimeZones(): readonly string[] {
  if (timeZoneList !== undefined) return timeZoneList

  // NOTE: Node 20's list leaves out UTC, though every zone check accepts it.
  const zones = Intl.supportedValuesOf('timeZone').map((zone) => {
    const current = CURRENT_ZONE_NAMES[zone]
    return current !== undefined && isKnownZone(current) ? current : zone
  })
  timeZoneList = ['UTC', ...[...new Set(zones)].filter((zone) => zone !== 'UTC').sort()]

  return timeZoneList
}

function isKnownZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
    return true
  } catch {
    return false
  }
}
