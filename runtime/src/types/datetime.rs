//! [`DateTime`]: a UTC instant with nanosecond precision, for the years 1 to 9999.
//!
//! Hand-written so that generated crates need no date-time dependency: AWS only ever sends and
//! expects UTC instants in four textual forms (RFC 3339, HTTP-date / RFC 2822, epoch seconds and
//! SigV4's compact `YYYYMMDD'T'HHMMSS'Z'`), which need the proleptic Gregorian calendar and no
//! timezone database. Calendar fields come from the days-from-civil / civil-from-days algorithms.
//!
//! To use a value with `time` or `chrono`, convert through [`SystemTime`]:
//! `SystemTime::from(dt)` and `DateTime::from(system_time)`.

use std::fmt;
use std::ops::{Add, AddAssign, Sub, SubAssign};
use std::str::FromStr;
use std::time::{Duration, SystemTime};

const NANOS_PER_SECOND: u32 = 1_000_000_000;
const SECONDS_PER_DAY: i64 = 86_400;
/// `0001-01-01T00:00:00Z` in seconds since the epoch.
const MIN_SECONDS: i64 = -62_135_596_800;
/// `9999-12-31T23:59:59Z` in seconds since the epoch.
const MAX_SECONDS: i64 = 253_402_300_799;

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// An instant in UTC: whole seconds since 1970-01-01T00:00:00Z plus a nanosecond fraction,
/// between [`DateTime::MIN`] (`0001-01-01T00:00:00Z`) and [`DateTime::MAX`]
/// (`9999-12-31T23:59:59.999999999Z`).
///
/// Leap seconds are not counted (as in Unix time); a parsed `:60` second is read as the last
/// nanosecond of the preceding second. Constructors and parsers return a [`DateTimeError`] for
/// values outside the range; arithmetic with [`Duration`] is checked (`checked_add`) or
/// saturating (`+`, `-`, `saturating_add`), and never panics.
///
/// `Display` (and `Debug`) write RFC 3339 in UTC, as AWS sends it: `2015-01-25T08:00:00Z`, with
/// a fraction of at least three digits when it is not zero (`2015-01-25T08:00:00.250Z`).
///
/// ```
/// use stsgen_runtime::DateTime;
///
/// let t = DateTime::parse_rfc3339("2019-12-17T00:48:18.5+01:00")?;
/// assert_eq!(t.unix_timestamp(), 1_576_540_098);
/// assert_eq!(t.to_string(), "2019-12-16T23:48:18.500Z");
/// assert_eq!(t.format_http_date(), "Mon, 16 Dec 2019 23:48:18 GMT");
/// # Ok::<(), stsgen_runtime::DateTimeError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    /// Seconds since the epoch, floored: `MIN_SECONDS..=MAX_SECONDS`.
    seconds: i64,
    /// Nanoseconds after `seconds`: `0..NANOS_PER_SECOND`.
    nanos: u32,
}

/// Why a [`DateTime`] could not be built or parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DateTimeError {
    /// The instant is before `0001-01-01T00:00:00Z` or after `9999-12-31T23:59:59.999999999Z`.
    OutOfRange,
    /// A calendar or offset field has an impossible value (month 13, February 30, hour 24,
    /// offset hour 24, a leap second anywhere but the end of a month in UTC, ...).
    InvalidComponent {
        /// The field.
        component: Component,
        /// Its value.
        value: i64,
    },
    /// The text does not have the expected shape.
    Syntax {
        /// What was expected (`"two-digit month"`, `` "`:`" ``, `"end of input"`, ...).
        expected: &'static str,
        /// The byte offset in the text where it was expected.
        at: usize,
    },
}

/// A field of a date-time, named by [`DateTimeError::InvalidComponent`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Component {
    /// The year.
    Year,
    /// The month (1 to 12).
    Month,
    /// The day of the month.
    Day,
    /// The hour (0 to 23).
    Hour,
    /// The minute (0 to 59).
    Minute,
    /// The second (0 to 59, or 60 for a leap second).
    Second,
    /// The nanosecond (0 to 999,999,999).
    Nanosecond,
    /// The hours of a UTC offset (0 to 23).
    OffsetHour,
    /// The minutes of a UTC offset (0 to 59).
    OffsetMinute,
}

impl fmt::Display for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Component::Year => "year",
            Component::Month => "month",
            Component::Day => "day",
            Component::Hour => "hour",
            Component::Minute => "minute",
            Component::Second => "second",
            Component::Nanosecond => "nanosecond",
            Component::OffsetHour => "offset hour",
            Component::OffsetMinute => "offset minute",
        })
    }
}

impl fmt::Display for DateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateTimeError::OutOfRange => f.write_str(
                "date-time outside 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z",
            ),
            DateTimeError::InvalidComponent { component, value } => {
                write!(f, "{component} {value} is out of range")
            }
            DateTimeError::Syntax { expected, at } => write!(f, "expected {expected} at byte {at}"),
        }
    }
}

impl std::error::Error for DateTimeError {}

fn invalid(component: Component, value: impl Into<i64>) -> DateTimeError {
    DateTimeError::InvalidComponent {
        component,
        value: value.into(),
    }
}

// -------------------------------------------------------------------------------------------------
// Calendar arithmetic (proleptic Gregorian)
// -------------------------------------------------------------------------------------------------

fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the given date. The year is shifted to start in March so the leap
/// day is last; then whole 400-year eras (146,097 days) plus the day within the era.
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = (i64::from(month) + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    // 719,468 days from 0000-03-01 to 1970-01-01.
    era * 146_097 + day_of_era - 719_468
}

/// The date `days` after 1970-01-01, as (year, month, day): the inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    // In range by construction: day 1..=31, month 1..=12.
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u8;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u8;
    let year = era * 400 + year_of_era + i64::from(month <= 2);
    (year, month, day)
}

/// Calendar fields of an instant, for formatting.
struct Fields {
    year: i64,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    /// 0 is Monday.
    weekday: u8,
}

/// Validated fields of a date-time read in some UTC offset.
struct Civil {
    year: i64,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    nanos: u32,
    /// Seconds east of UTC.
    offset: i64,
}

impl Civil {
    /// The instant, checking every field; `second` 60 is accepted only where a leap second can
    /// be (23:59:60 UTC on the last day of a month) and read as 23:59:59.999999999.
    fn to_date_time(&self) -> Result<DateTime, DateTimeError> {
        if !(1..=12).contains(&self.month) {
            return Err(invalid(Component::Month, self.month));
        }
        if self.day == 0 || self.day > days_in_month(self.year, self.month) {
            return Err(invalid(Component::Day, self.day));
        }
        if self.hour > 23 {
            return Err(invalid(Component::Hour, self.hour));
        }
        if self.minute > 59 {
            return Err(invalid(Component::Minute, self.minute));
        }
        if self.second > 60 {
            return Err(invalid(Component::Second, self.second));
        }
        if self.nanos >= NANOS_PER_SECOND {
            return Err(invalid(Component::Nanosecond, self.nanos));
        }
        let leap = self.second == 60;
        let (second, nanos) = if leap {
            (59, NANOS_PER_SECOND - 1)
        } else {
            (self.second, self.nanos)
        };
        let seconds = days_from_civil(self.year, self.month, self.day) * SECONDS_PER_DAY
            + i64::from(self.hour) * 3_600
            + i64::from(self.minute) * 60
            + i64::from(second)
            - self.offset;
        let t = DateTime::from_parts(seconds, nanos)?;
        if leap {
            let f = t.fields();
            if (f.hour, f.minute, f.second) != (23, 59, 59)
                || f.day != days_in_month(f.year, f.month)
            {
                return Err(invalid(Component::Second, 60));
            }
        }
        Ok(t)
    }
}

// -------------------------------------------------------------------------------------------------
// Construction, access, conversion
// -------------------------------------------------------------------------------------------------

impl DateTime {
    /// `1970-01-01T00:00:00Z`.
    pub const UNIX_EPOCH: DateTime = DateTime {
        seconds: 0,
        nanos: 0,
    };

    /// The earliest instant: `0001-01-01T00:00:00Z`.
    pub const MIN: DateTime = DateTime {
        seconds: MIN_SECONDS,
        nanos: 0,
    };

    /// The latest instant: `9999-12-31T23:59:59.999999999Z`.
    pub const MAX: DateTime = DateTime {
        seconds: MAX_SECONDS,
        nanos: NANOS_PER_SECOND - 1,
    };

    /// The current time from the system clock (clamped to [`DateTime::MIN`]..=[`DateTime::MAX`]).
    pub fn now_utc() -> DateTime {
        DateTime::from(SystemTime::now())
    }

    /// Whole seconds since the epoch (negative before 1970).
    ///
    /// # Errors
    /// [`DateTimeError::OutOfRange`] outside the years 1 to 9999.
    pub fn from_unix_timestamp(seconds: i64) -> Result<DateTime, DateTimeError> {
        DateTime::from_parts(seconds, 0)
    }

    /// Nanoseconds since the epoch (negative before 1970).
    ///
    /// # Errors
    /// [`DateTimeError::OutOfRange`] outside the years 1 to 9999.
    pub fn from_unix_timestamp_nanos(nanos: i128) -> Result<DateTime, DateTimeError> {
        let per_second = i128::from(NANOS_PER_SECOND);
        let seconds =
            i64::try_from(nanos.div_euclid(per_second)).map_err(|_| DateTimeError::OutOfRange)?;
        // `rem_euclid` is in 0..1e9.
        DateTime::from_parts(seconds, nanos.rem_euclid(per_second) as u32)
    }

    /// Seconds since the epoch (floored, so negative before 1970) and the nanoseconds after them:
    /// `from_parts(-1, 500_000_000)` is half a second before the epoch.
    ///
    /// # Errors
    /// [`DateTimeError::InvalidComponent`] for `nanos` of a second or more;
    /// [`DateTimeError::OutOfRange`] outside the years 1 to 9999.
    pub fn from_parts(seconds: i64, nanos: u32) -> Result<DateTime, DateTimeError> {
        if nanos >= NANOS_PER_SECOND {
            return Err(invalid(Component::Nanosecond, nanos));
        }
        if !(MIN_SECONDS..=MAX_SECONDS).contains(&seconds) {
            return Err(DateTimeError::OutOfRange);
        }
        Ok(DateTime { seconds, nanos })
    }

    /// A UTC calendar date and time of day.
    ///
    /// # Errors
    /// [`DateTimeError::InvalidComponent`] naming the first impossible field (a year outside 1
    /// to 9999, month 13, February 29 of a common year, hour 24, second 60, ...).
    pub fn from_calendar(
        year: i32,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
        nanosecond: u32,
    ) -> Result<DateTime, DateTimeError> {
        if !(1..=9999).contains(&year) {
            return Err(invalid(Component::Year, year));
        }
        if second > 59 {
            return Err(invalid(Component::Second, second));
        }
        let civil = Civil {
            year: year.into(),
            month,
            day,
            hour,
            minute,
            second,
            nanos: nanosecond,
            offset: 0,
        };
        civil.to_date_time()
    }

    /// Converts a [`SystemTime`].
    ///
    /// # Errors
    /// [`DateTimeError::OutOfRange`] outside the years 1 to 9999 (`DateTime::from` clamps instead).
    pub fn try_from_system_time(time: SystemTime) -> Result<DateTime, DateTimeError> {
        let (seconds, nanos) = match time.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(after) => (
                i64::try_from(after.as_secs()).map_err(|_| DateTimeError::OutOfRange)?,
                after.subsec_nanos(),
            ),
            Err(before) => {
                let before = before.duration();
                let whole =
                    i64::try_from(before.as_secs()).map_err(|_| DateTimeError::OutOfRange)?;
                match before.subsec_nanos() {
                    0 => (-whole, 0),
                    n => (-whole - 1, NANOS_PER_SECOND - n),
                }
            }
        };
        DateTime::from_parts(seconds, nanos)
    }

    /// The same instant as a [`SystemTime`], or `None` where the platform's `SystemTime` cannot
    /// hold it (on Windows, before 1601). `SystemTime::from` clamps instead.
    pub fn to_system_time(self) -> Option<SystemTime> {
        let (after, magnitude) = self.magnitude_since_epoch();
        if after {
            SystemTime::UNIX_EPOCH.checked_add(magnitude)
        } else {
            SystemTime::UNIX_EPOCH.checked_sub(magnitude)
        }
    }

    /// Whether `self` is at or after the epoch, and its distance from it.
    fn magnitude_since_epoch(self) -> (bool, Duration) {
        if self.seconds >= 0 {
            (true, Duration::new(self.seconds.unsigned_abs(), self.nanos))
        } else if self.nanos == 0 {
            (false, Duration::from_secs(self.seconds.unsigned_abs()))
        } else {
            (
                false,
                Duration::new(
                    (self.seconds + 1).unsigned_abs(),
                    NANOS_PER_SECOND - self.nanos,
                ),
            )
        }
    }

    /// Whole seconds since the epoch, floored: half a second before the epoch is `-1`.
    pub fn unix_timestamp(self) -> i64 {
        self.seconds
    }

    /// Nanoseconds since the epoch (negative before 1970).
    pub fn unix_timestamp_nanos(self) -> i128 {
        i128::from(self.seconds) * i128::from(NANOS_PER_SECOND) + i128::from(self.nanos)
    }

    /// The nanoseconds within the second (`0..1_000_000_000`).
    pub fn nanosecond(self) -> u32 {
        self.nanos
    }

    /// The calendar year (1 to 9999).
    pub fn year(self) -> i32 {
        // 1..=9999 by construction.
        self.fields().year as i32
    }

    /// The month (1 to 12).
    pub fn month(self) -> u8 {
        self.fields().month
    }

    /// The day of the month (1 to 31).
    pub fn day(self) -> u8 {
        self.fields().day
    }

    /// The hour (0 to 23).
    pub fn hour(self) -> u8 {
        self.fields().hour
    }

    /// The minute (0 to 59).
    pub fn minute(self) -> u8 {
        self.fields().minute
    }

    /// The second (0 to 59).
    pub fn second(self) -> u8 {
        self.fields().second
    }

    fn fields(self) -> Fields {
        let days = self.seconds.div_euclid(SECONDS_PER_DAY);
        let in_day = self.seconds.rem_euclid(SECONDS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        // Each is in range by construction; 1970-01-01 was a Thursday (3, counting Monday as 0).
        Fields {
            year,
            month,
            day,
            hour: (in_day / 3_600) as u8,
            minute: (in_day / 60 % 60) as u8,
            second: (in_day % 60) as u8,
            weekday: (days + 3).rem_euclid(7) as u8,
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Arithmetic
    // ---------------------------------------------------------------------------------------------

    /// `self + duration`, or `None` after [`DateTime::MAX`].
    pub fn checked_add(self, duration: Duration) -> Option<DateTime> {
        let mut seconds = self
            .seconds
            .checked_add(i64::try_from(duration.as_secs()).ok()?)?;
        let mut nanos = self.nanos + duration.subsec_nanos();
        if nanos >= NANOS_PER_SECOND {
            nanos -= NANOS_PER_SECOND;
            seconds = seconds.checked_add(1)?;
        }
        DateTime::from_parts(seconds, nanos).ok()
    }

    /// `self - duration`, or `None` before [`DateTime::MIN`].
    pub fn checked_sub(self, duration: Duration) -> Option<DateTime> {
        let mut seconds = self
            .seconds
            .checked_sub(i64::try_from(duration.as_secs()).ok()?)?;
        let mut nanos = self.nanos;
        if nanos < duration.subsec_nanos() {
            nanos += NANOS_PER_SECOND;
            seconds = seconds.checked_sub(1)?;
        }
        DateTime::from_parts(seconds, nanos - duration.subsec_nanos()).ok()
    }

    /// `self + duration`, at most [`DateTime::MAX`].
    pub fn saturating_add(self, duration: Duration) -> DateTime {
        self.checked_add(duration).unwrap_or(DateTime::MAX)
    }

    /// `self - duration`, at least [`DateTime::MIN`].
    pub fn saturating_sub(self, duration: Duration) -> DateTime {
        self.checked_sub(duration).unwrap_or(DateTime::MIN)
    }

    /// How long after `earlier` this is, or `None` when `earlier` is later
    /// (then `earlier.checked_duration_since(self)` is the distance).
    pub fn checked_duration_since(self, earlier: DateTime) -> Option<Duration> {
        let nanos = self.unix_timestamp_nanos() - earlier.unix_timestamp_nanos();
        let nanos = u128::try_from(nanos).ok()?;
        let per_second = u128::from(NANOS_PER_SECOND);
        // At most 10,000 years of seconds, so the seconds fit a u64.
        Some(Duration::new(
            (nanos / per_second) as u64,
            (nanos % per_second) as u32,
        ))
    }

    // ---------------------------------------------------------------------------------------------
    // Formatting
    // ---------------------------------------------------------------------------------------------

    /// RFC 3339 in UTC, as [`Display`](fmt::Display) writes it: `2015-01-25T08:00:00Z`,
    /// `2015-01-25T08:00:00.123Z`, `2015-01-25T08:00:00.000000001Z`.
    pub fn format_rfc3339(self) -> String {
        self.to_string()
    }

    /// An HTTP-date (RFC 9110's IMF-fixdate, also valid RFC 2822): `Sun, 25 Jan 2015 08:00:00 GMT`.
    /// The fraction of a second is dropped.
    pub fn format_http_date(self) -> String {
        let f = self.fields();
        format!(
            "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
            WEEKDAYS[usize::from(f.weekday)],
            f.day,
            MONTHS[usize::from(f.month - 1)],
            f.year,
            f.hour,
            f.minute,
            f.second
        )
    }

    /// Seconds since the epoch, with the fraction as for RFC 3339 when it is not zero:
    /// `1422172800`, `1422172800.123`, `-1.500` (half a second before 1969-12-31T23:59:59Z).
    pub fn format_epoch_seconds(self) -> String {
        let (after, magnitude) = self.magnitude_since_epoch();
        let mut s = String::with_capacity(24);
        if !after {
            s.push('-');
        }
        s.push_str(&magnitude.as_secs().to_string());
        push_fraction(&mut s, magnitude.subsec_nanos());
        s
    }

    /// The ISO 8601 basic form SigV4 uses for `x-amz-date`: `20150830T123600Z` (the fraction of
    /// a second is dropped).
    pub fn format_iso8601_basic(self) -> String {
        let f = self.fields();
        format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            f.year, f.month, f.day, f.hour, f.minute, f.second
        )
    }

    // ---------------------------------------------------------------------------------------------
    // Parsing
    // ---------------------------------------------------------------------------------------------

    /// Parses an RFC 3339 date-time: `2019-12-16T23:48:18Z`, `2019-12-17T00:48:18.5+01:00`.
    ///
    /// The separator may be `T`, `t` or a space and the zone `Z` or `z`; a fraction may have any
    /// number of digits (those past nanoseconds are dropped); a leap second (`23:59:60` UTC on
    /// the last day of a month) reads as `23:59:59.999999999`. No surrounding whitespace.
    ///
    /// # Errors
    /// [`DateTimeError::Syntax`] naming what was expected where, [`DateTimeError::InvalidComponent`]
    /// for an impossible field, [`DateTimeError::OutOfRange`] for an instant outside the years 1
    /// to 9999 in UTC.
    pub fn parse_rfc3339(text: &str) -> Result<DateTime, DateTimeError> {
        parse_rfc3339(text, false)
    }

    /// As [`DateTime::parse_rfc3339`], but a date-time without `Z` or an offset
    /// (`2019-12-16T23:48:18`) is read as UTC.
    ///
    /// # Errors
    /// As [`DateTime::parse_rfc3339`].
    pub fn parse_rfc3339_lenient(text: &str) -> Result<DateTime, DateTimeError> {
        parse_rfc3339(text, true)
    }

    /// Parses an HTTP-date or any RFC 2822 date-time: `Sun, 25 Jan 2015 08:00:00 GMT`,
    /// `25 jan 2015 09:00 +0100`, `Sunday` omitted, two-digit years (`15` is 2015, `70` is 1970),
    /// comments and folding whitespace, and the zones `GMT`, `UT`, `UTC`, `Z`, the North American
    /// names (`EST`, `PDT`, ...) and military letters (read as UTC, as RFC 2822 says).
    /// The day of the week, when present, is not checked against the date.
    ///
    /// # Errors
    /// As [`DateTime::parse_rfc3339`].
    pub fn parse_http_date(text: &str) -> Result<DateTime, DateTimeError> {
        parse_rfc2822(text)
    }

    /// Parses seconds since the epoch with an optional sign and up to nine fraction digits:
    /// `1576540098`, `1576540098.25`, `-1.5`.
    ///
    /// # Errors
    /// [`DateTimeError::Syntax`] for anything else, [`DateTimeError::OutOfRange`] outside the
    /// years 1 to 9999.
    pub fn parse_epoch_seconds(text: &str) -> Result<DateTime, DateTimeError> {
        parse_epoch_seconds(text)
    }
}

/// Appends `.fff` (milliseconds, or as many digits as needed up to nanoseconds) for a non-zero
/// fraction.
fn push_fraction(s: &mut String, nanos: u32) {
    if nanos == 0 {
        return;
    }
    let mut digits = 9;
    let mut value = nanos;
    while digits > 3 && value.is_multiple_of(10) {
        value /= 10;
        digits -= 1;
    }
    s.push('.');
    s.push_str(&format!("{value:0digits$}"));
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields = self.fields();
        let mut fraction = String::new();
        push_fraction(&mut fraction, self.nanos);
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{fraction}Z",
            fields.year, fields.month, fields.day, fields.hour, fields.minute, fields.second
        )
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Parses RFC 3339 ([`DateTime::parse_rfc3339`]).
impl FromStr for DateTime {
    type Err = DateTimeError;

    fn from_str(text: &str) -> Result<DateTime, DateTimeError> {
        DateTime::parse_rfc3339(text)
    }
}

/// Clamps to [`DateTime::MIN`]..=[`DateTime::MAX`]; [`DateTime::try_from_system_time`] fails instead.
impl From<SystemTime> for DateTime {
    fn from(time: SystemTime) -> DateTime {
        DateTime::try_from_system_time(time).unwrap_or_else(|_| {
            if time >= SystemTime::UNIX_EPOCH {
                DateTime::MAX
            } else {
                DateTime::MIN
            }
        })
    }
}

/// Clamps to the earliest `SystemTime` the platform can hold (only reachable on Windows, where
/// `SystemTime` starts in 1601); [`DateTime::to_system_time`] returns `None` instead.
impl From<DateTime> for SystemTime {
    fn from(time: DateTime) -> SystemTime {
        if let Some(t) = time.to_system_time() {
            return t;
        }
        // Only a time before the epoch can fail: find the furthest representable one.
        let (_, target) = time.magnitude_since_epoch();
        let (mut fits, mut too_far) = (0u128, target.as_nanos());
        while too_far - fits > 1 {
            let middle = fits + (too_far - fits) / 2;
            if SystemTime::UNIX_EPOCH
                .checked_sub(duration_from_nanos(middle))
                .is_some()
            {
                fits = middle;
            } else {
                too_far = middle;
            }
        }
        SystemTime::UNIX_EPOCH - duration_from_nanos(fits)
    }
}

/// A duration of at most 10,000 years given in nanoseconds.
fn duration_from_nanos(nanos: u128) -> Duration {
    let per_second = u128::from(NANOS_PER_SECOND);
    Duration::new((nanos / per_second) as u64, (nanos % per_second) as u32)
}

/// Saturates at [`DateTime::MAX`] (see [`DateTime::checked_add`]).
impl Add<Duration> for DateTime {
    type Output = DateTime;

    fn add(self, duration: Duration) -> DateTime {
        self.saturating_add(duration)
    }
}

/// Saturates at [`DateTime::MAX`].
impl AddAssign<Duration> for DateTime {
    fn add_assign(&mut self, duration: Duration) {
        *self = self.saturating_add(duration);
    }
}

/// Saturates at [`DateTime::MIN`] (see [`DateTime::checked_sub`]).
impl Sub<Duration> for DateTime {
    type Output = DateTime;

    fn sub(self, duration: Duration) -> DateTime {
        self.saturating_sub(duration)
    }
}

/// Saturates at [`DateTime::MIN`].
impl SubAssign<Duration> for DateTime {
    fn sub_assign(&mut self, duration: Duration) {
        *self = self.saturating_sub(duration);
    }
}

// -------------------------------------------------------------------------------------------------
// Parsers
// -------------------------------------------------------------------------------------------------

/// A position in ASCII text being parsed.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor {
            bytes: text.as_bytes(),
            at: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn error(&self, expected: &'static str) -> DateTimeError {
        DateTimeError::Syntax {
            expected,
            at: self.at,
        }
    }

    /// Consumes `byte` (ASCII case-insensitively) if it is next.
    fn eat(&mut self, byte: u8) -> bool {
        if self.peek().is_some_and(|b| b.eq_ignore_ascii_case(&byte)) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, byte: u8, expected: &'static str) -> Result<(), DateTimeError> {
        if self.eat(byte) {
            Ok(())
        } else {
            Err(self.error(expected))
        }
    }

    /// Exactly `count` ASCII digits (`count` at most 4); on failure the cursor stays put.
    fn digits(&mut self, count: usize, expected: &'static str) -> Result<u16, DateTimeError> {
        let field = self
            .bytes
            .get(self.at..self.at + count)
            .filter(|f| f.iter().all(u8::is_ascii_digit));
        let Some(field) = field else {
            return Err(self.error(expected));
        };
        self.at += count;
        Ok(field
            .iter()
            .fold(0, |value, b| value * 10 + u16::from(b - b'0')))
    }

    /// Exactly two digits, as a `u8`.
    fn two_digits(&mut self, expected: &'static str) -> Result<u8, DateTimeError> {
        // Two digits are at most 99.
        self.digits(2, expected).map(|v| v as u8)
    }

    /// The run of ASCII letters at the cursor.
    fn letters(&mut self) -> &'a [u8] {
        let start = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
            self.at += 1;
        }
        &self.bytes[start..self.at]
    }

    fn end(&self) -> Result<(), DateTimeError> {
        if self.at == self.bytes.len() {
            Ok(())
        } else {
            Err(self.error("end of input"))
        }
    }

    /// A fraction of a second after `.`: one or more digits, those past nine dropped.
    fn fraction(&mut self) -> Result<u32, DateTimeError> {
        if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
            return Err(self.error("a digit after `.`"));
        }
        let mut nanos = 0u32;
        let mut scale = NANOS_PER_SECOND;
        while let Some(b @ b'0'..=b'9') = self.peek() {
            scale /= 10;
            nanos += u32::from(b - b'0') * scale;
            self.at += 1;
        }
        Ok(nanos)
    }

    /// RFC 2822 folding whitespace and comments; whether any were consumed.
    fn cfws(&mut self) -> Result<bool, DateTimeError> {
        let start = self.at;
        loop {
            match self.peek() {
                Some(b' ' | b'\t') => self.at += 1,
                Some(b'\r')
                    if self
                        .bytes
                        .get(self.at + 1..self.at + 3)
                        .is_some_and(is_line_fold) =>
                {
                    self.at += 3
                }
                Some(b'(') => self.comment()?,
                _ => return Ok(self.at > start),
            }
        }
    }

    /// Required folding whitespace or comments.
    fn expect_cfws(&mut self) -> Result<(), DateTimeError> {
        if self.cfws()? {
            Ok(())
        } else {
            Err(self.error("whitespace"))
        }
    }

    /// A parenthesised comment, which may nest and hold `\`-escaped characters.
    fn comment(&mut self) -> Result<(), DateTimeError> {
        // Deeper nesting is surely not a date; the limit keeps the work bounded.
        const MAX_DEPTH: usize = 32;
        let start = self.at;
        let mut depth = 0usize;
        loop {
            match self.peek() {
                Some(b'(') => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(self.error("a comment nested at most 32 deep"));
                    }
                }
                Some(b')') => depth -= 1,
                Some(b'\\') => self.at += 1,
                Some(_) => {}
                None => {
                    self.at = start;
                    return Err(self.error("a closed comment"));
                }
            }
            self.at += 1;
            if depth == 0 {
                return Ok(());
            }
        }
    }
}

/// `\n` then a space or tab: the rest of a line fold after `\r`.
fn is_line_fold(rest: &[u8]) -> bool {
    matches!(rest, [b'\n', b' ' | b'\t'])
}

fn parse_rfc3339(text: &str, lenient: bool) -> Result<DateTime, DateTimeError> {
    let mut c = Cursor::new(text);
    let year = c.digits(4, "four-digit year")?;
    c.expect(b'-', "`-` after the year")?;
    let month = c.two_digits("two-digit month")?;
    c.expect(b'-', "`-` after the month")?;
    let day = c.two_digits("two-digit day")?;
    if !(c.eat(b'T') || c.eat(b' ')) {
        return Err(c.error("`T` between date and time"));
    }
    let hour = c.two_digits("two-digit hour")?;
    c.expect(b':', "`:` after the hour")?;
    let minute = c.two_digits("two-digit minute")?;
    c.expect(b':', "`:` after the minute")?;
    let second = c.two_digits("two-digit second")?;
    let nanos = if c.eat(b'.') { c.fraction()? } else { 0 };
    let offset = if c.eat(b'Z') {
        0
    } else if let Some(sign @ (b'+' | b'-')) = c.peek() {
        c.at += 1;
        let hours = c.two_digits("two-digit offset hour")?;
        c.expect(b':', "`:` in the offset")?;
        let minutes = c.two_digits("two-digit offset minute")?;
        offset_seconds(sign, hours, minutes)?
    } else if lenient && c.at == c.bytes.len() {
        0
    } else {
        return Err(c.error("`Z` or an offset like `+01:00`"));
    };
    c.end()?;
    Civil {
        year: year.into(),
        month,
        day,
        hour,
        minute,
        second,
        nanos,
        offset,
    }
    .to_date_time()
}

/// Seconds east of UTC for `+hh:mm` / `-hh:mm`.
fn offset_seconds(sign: u8, hours: u8, minutes: u8) -> Result<i64, DateTimeError> {
    if hours > 23 {
        return Err(invalid(Component::OffsetHour, hours));
    }
    if minutes > 59 {
        return Err(invalid(Component::OffsetMinute, minutes));
    }
    let seconds = i64::from(hours) * 3_600 + i64::from(minutes) * 60;
    Ok(if sign == b'-' { -seconds } else { seconds })
}

fn parse_rfc2822(text: &str) -> Result<DateTime, DateTimeError> {
    let mut c = Cursor::new(text);
    c.cfws()?;
    if c.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
        let name = c.letters();
        if !WEEKDAYS
            .iter()
            .any(|w| w.as_bytes().eq_ignore_ascii_case(name))
        {
            c.at -= name.len();
            return Err(c.error("a day name like `Mon`"));
        }
        c.cfws()?;
        c.expect(b',', "`,` after the day name")?;
        c.cfws()?;
    }
    // One or two digits, so at most 99.
    let day = match c.digits(2, "") {
        Ok(day) => day as u8,
        Err(_) => c.digits(1, "day of the month")? as u8,
    };
    c.expect_cfws()?;
    let name = c.letters();
    let Some(month) = MONTHS
        .iter()
        .position(|m| m.as_bytes().eq_ignore_ascii_case(name))
    else {
        c.at -= name.len();
        return Err(c.error("a month name like `Jan`"));
    };
    c.expect_cfws()?;
    let year = match c.digits(4, "") {
        Ok(year) => i64::from(year),
        Err(_) => {
            let short = c.digits(2, "four- or two-digit year")?;
            i64::from(short) + if short < 50 { 2000 } else { 1900 }
        }
    };
    c.expect_cfws()?;
    let hour = c.two_digits("two-digit hour")?;
    c.cfws()?;
    c.expect(b':', "`:` after the hour")?;
    c.cfws()?;
    let minute = c.two_digits("two-digit minute")?;
    let before_seconds = c.at;
    c.cfws()?;
    let second = if c.eat(b':') {
        c.cfws()?;
        c.two_digits("two-digit second")?
    } else {
        c.at = before_seconds;
        0
    };
    c.expect_cfws()?;
    let offset = match c.peek() {
        Some(sign @ (b'+' | b'-')) => {
            c.at += 1;
            let hours = c.two_digits("four-digit zone like `+0100`")?;
            let minutes = c.two_digits("four-digit zone like `+0100`")?;
            offset_seconds(sign, hours, minutes)?
        }
        _ => {
            let zone = c.letters();
            match zone_hours(zone) {
                Some(hours) => i64::from(hours) * 3_600,
                None => {
                    c.at -= zone.len();
                    return Err(c.error("a zone like `GMT` or `+0000`"));
                }
            }
        }
    };
    c.cfws()?;
    c.end()?;
    // Month names are at positions 0..12.
    Civil {
        year,
        month: month as u8 + 1,
        day,
        hour,
        minute,
        second,
        nanos: 0,
        offset,
    }
    .to_date_time()
}

/// The UTC offset in hours of an RFC 2822 zone name (and `UTC`).
fn zone_hours(zone: &[u8]) -> Option<i8> {
    let lower = zone.to_ascii_lowercase();
    Some(match lower.as_slice() {
        b"ut" | b"utc" | b"gmt" => 0,
        b"edt" => -4,
        b"est" | b"cdt" => -5,
        b"cst" | b"mdt" => -6,
        b"mst" | b"pdt" => -7,
        b"pst" => -8,
        // Military zones: RFC 2822 says to read them as -0000 (their sign was often wrong).
        [letter] if *letter != b'j' => 0,
        _ => return None,
    })
}

fn parse_epoch_seconds(text: &str) -> Result<DateTime, DateTimeError> {
    let mut c = Cursor::new(text);
    let negative = match c.peek() {
        Some(b'-') => {
            c.at += 1;
            true
        }
        Some(b'+') => {
            c.at += 1;
            false
        }
        _ => false,
    };
    if !c.peek().is_some_and(|b| b.is_ascii_digit()) {
        return Err(c.error("digits"));
    }
    let mut seconds = 0i128;
    while let Some(b @ b'0'..=b'9') = c.peek() {
        seconds = seconds
            .checked_mul(10)
            .and_then(|s| s.checked_add(i128::from(b - b'0')))
            .ok_or(DateTimeError::OutOfRange)?;
        c.at += 1;
    }
    let mut nanos = 0u32;
    if c.eat(b'.') {
        let start = c.at;
        let mut scale = NANOS_PER_SECOND;
        while let Some(b @ b'0'..=b'9') = c.peek() {
            if c.at - start == 9 {
                return Err(c.error("at most nine fraction digits"));
            }
            scale /= 10;
            nanos += u32::from(b - b'0') * scale;
            c.at += 1;
        }
    }
    c.end()?;
    let total = seconds
        .checked_mul(i128::from(NANOS_PER_SECOND))
        .and_then(|t| t.checked_add(i128::from(nanos)))
        .ok_or(DateTimeError::OutOfRange)?;
    DateTime::from_unix_timestamp_nanos(if negative { -total } else { total })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64, nanos: u32) -> DateTime {
        DateTime::from_parts(seconds, nanos).unwrap()
    }

    fn syntax(expected: &'static str, at: usize) -> DateTimeError {
        DateTimeError::Syntax { expected, at }
    }

    #[test]
    fn calendar_round_trips_every_day_near_the_edges_and_leap_days() {
        for days in (-719_162..-718_000)
            .chain(-2_000..2_000)
            .chain(2_931_000..=2_932_896)
        {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(1, 1, 1), MIN_SECONDS / SECONDS_PER_DAY);
        assert_eq!(days_from_civil(9999, 12, 31), MAX_SECONDS / SECONDS_PER_DAY);
        assert_eq!(civil_from_days(days_from_civil(2000, 2, 29)), (2000, 2, 29));
        assert_eq!(
            days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28),
            2
        );
        assert_eq!(
            days_from_civil(1900, 3, 1) - days_from_civil(1900, 2, 28),
            1
        );
        assert_eq!(
            days_from_civil(2100, 3, 1) - days_from_civil(2100, 2, 28),
            1
        );
        assert_eq!(
            days_from_civil(2024, 3, 1) - days_from_civil(2024, 2, 28),
            2
        );
    }

    #[test]
    fn known_instants() {
        let cases: [(i64, u32, &str); 10] = [
            (0, 0, "1970-01-01T00:00:00Z"),
            (-1, 0, "1969-12-31T23:59:59Z"),
            (-1, 500_000_000, "1969-12-31T23:59:59.500Z"),
            (951_782_400, 0, "2000-02-29T00:00:00Z"),
            (1_422_172_800, 123_000_000, "2015-01-25T08:00:00.123Z"),
            (1_422_172_800, 120_000_000, "2015-01-25T08:00:00.120Z"),
            (1_422_172_800, 123_400_000, "2015-01-25T08:00:00.1234Z"),
            (1_422_172_800, 1, "2015-01-25T08:00:00.000000001Z"),
            (MIN_SECONDS, 0, "0001-01-01T00:00:00Z"),
            (MAX_SECONDS, 999_999_999, "9999-12-31T23:59:59.999999999Z"),
        ];
        for (seconds, nanos, text) in cases {
            let t = at(seconds, nanos);
            assert_eq!(t.to_string(), text);
            assert_eq!(format!("{t:?}"), text);
            assert_eq!(DateTime::parse_rfc3339(text), Ok(t), "{text}");
            assert_eq!(text.parse::<DateTime>(), Ok(t));
        }
        assert_eq!(DateTime::MIN, at(MIN_SECONDS, 0));
        assert_eq!(DateTime::MAX.to_string(), "9999-12-31T23:59:59.999999999Z");
        let t = at(1_576_540_098, 7);
        assert_eq!(
            (
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second(),
                t.nanosecond()
            ),
            (2019, 12, 16, 23, 48, 18, 7)
        );
        assert_eq!(DateTime::from_calendar(2019, 12, 16, 23, 48, 18, 7), Ok(t));
        assert_eq!(
            DateTime::from_calendar(1969, 12, 31, 23, 59, 59, 0),
            Ok(at(-1, 0))
        );
    }

    #[test]
    fn other_formats() {
        let t = at(1_422_172_800, 0);
        assert_eq!(t.format_http_date(), "Sun, 25 Jan 2015 08:00:00 GMT");
        assert_eq!(t.format_epoch_seconds(), "1422172800");
        assert_eq!(t.format_iso8601_basic(), "20150125T080000Z");
        assert_eq!(
            at(1_422_172_800, 250_000_000).format_epoch_seconds(),
            "1422172800.250"
        );
        assert_eq!(at(-1, 500_000_000).format_epoch_seconds(), "-0.500");
        assert_eq!(at(-2, 750_000_000).format_epoch_seconds(), "-1.250");
        assert_eq!(at(-2, 0).format_epoch_seconds(), "-2");
        assert_eq!(
            DateTime::UNIX_EPOCH.format_http_date(),
            "Thu, 01 Jan 1970 00:00:00 GMT"
        );
        assert_eq!(
            DateTime::MIN.format_http_date(),
            "Mon, 01 Jan 0001 00:00:00 GMT"
        );
        assert_eq!(
            DateTime::MAX.format_http_date(),
            "Fri, 31 Dec 9999 23:59:59 GMT"
        );
        assert_eq!(
            at(-1, 999_999_999).format_iso8601_basic(),
            "19691231T235959Z"
        );
    }

    #[test]
    fn offsets_move_the_instant_across_days_and_years() {
        let cases = [
            ("2019-12-17T00:48:18+01:00", "2019-12-16T23:48:18Z"),
            ("2019-12-16T22:48:18-01:00", "2019-12-16T23:48:18Z"),
            ("2019-12-31T23:30:00-00:30", "2020-01-01T00:00:00Z"),
            ("2020-01-01T05:29:59.25+05:30", "2019-12-31T23:59:59.250Z"),
            ("2016-02-28T20:00:00-23:59", "2016-02-29T19:59:00Z"),
            ("0001-01-01T00:00:00-00:00", "0001-01-01T00:00:00Z"),
            ("0000-12-31T23:00:00-01:00", "0001-01-01T00:00:00Z"),
            ("2019-12-16t23:48:18z", "2019-12-16T23:48:18Z"),
            ("2019-12-16 23:48:18Z", "2019-12-16T23:48:18Z"),
            (
                "2019-12-16T23:48:18.1234567891234Z",
                "2019-12-16T23:48:18.123456789Z",
            ),
            ("2016-12-31T23:59:60Z", "2016-12-31T23:59:59.999999999Z"),
            (
                "2017-01-01T00:59:60+01:00",
                "2016-12-31T23:59:59.999999999Z",
            ),
        ];
        for (text, utc) in cases {
            assert_eq!(
                DateTime::parse_rfc3339(text)
                    .map(|t| t.to_string())
                    .as_deref(),
                Ok(utc),
                "{text}"
            );
        }
    }

    #[test]
    fn rejects_impossible_and_malformed_date_times() {
        let cases = [
            ("2019-02-29T00:00:00Z", invalid(Component::Day, 29)),
            ("2020-02-30T00:00:00Z", invalid(Component::Day, 30)),
            ("1900-02-29T00:00:00Z", invalid(Component::Day, 29)),
            ("2019-04-31T00:00:00Z", invalid(Component::Day, 31)),
            ("2019-01-00T00:00:00Z", invalid(Component::Day, 0)),
            ("2019-13-01T00:00:00Z", invalid(Component::Month, 13)),
            ("2019-00-01T00:00:00Z", invalid(Component::Month, 0)),
            ("2019-01-01T24:00:00Z", invalid(Component::Hour, 24)),
            ("2019-01-01T00:60:00Z", invalid(Component::Minute, 60)),
            ("2019-01-01T00:00:61Z", invalid(Component::Second, 61)),
            ("2019-06-15T23:59:60Z", invalid(Component::Second, 60)),
            ("2016-12-31T23:59:60+01:00", invalid(Component::Second, 60)),
            (
                "2019-01-01T00:00:00+24:00",
                invalid(Component::OffsetHour, 24),
            ),
            (
                "2019-01-01T00:00:00+01:60",
                invalid(Component::OffsetMinute, 60),
            ),
            ("0000-01-01T00:00:00Z", DateTimeError::OutOfRange),
            ("9999-12-31T23:59:59-00:01", DateTimeError::OutOfRange),
            (
                "2019-01-01T00:00:00",
                syntax("`Z` or an offset like `+01:00`", 19),
            ),
            ("2019-01-01T00:00:00+0100", syntax("`:` in the offset", 22)),
            ("2019-01-01T00:00:00.Z", syntax("a digit after `.`", 20)),
            ("2019-01-01T00:00:00Z ", syntax("end of input", 20)),
            ("2019-1-01T00:00:00Z", syntax("two-digit month", 5)),
            (
                "2019-01-01X00:00:00Z",
                syntax("`T` between date and time", 10),
            ),
            ("19-01-01T00:00:00Z", syntax("four-digit year", 0)),
            ("", syntax("four-digit year", 0)),
            ("yesterday", syntax("four-digit year", 0)),
            ("2019-01-01T00:00:0\u{420}", syntax("two-digit second", 17)),
        ];
        for (text, err) in cases {
            assert_eq!(DateTime::parse_rfc3339(text), Err(err), "{text}");
        }
        let lenient = DateTime::parse_rfc3339_lenient("2019-12-16T23:48:18.5");
        assert_eq!(
            lenient.map(|t| t.to_string()).as_deref(),
            Ok("2019-12-16T23:48:18.500Z")
        );
        assert_eq!(
            DateTime::parse_rfc3339_lenient("2019-12-16T23:48:18+"),
            Err(syntax("two-digit offset hour", 20))
        );
        assert_eq!(
            DateTime::parse_rfc3339("2019-02-29T00:00:00Z")
                .unwrap_err()
                .to_string(),
            "day 29 is out of range"
        );
        assert_eq!(
            DateTime::parse_rfc3339("x").unwrap_err().to_string(),
            "expected four-digit year at byte 0"
        );
    }

    #[test]
    fn http_dates() {
        let t = at(1_576_540_098, 0);
        for text in [
            "Mon, 16 Dec 2019 23:48:18 GMT",
            "mon, 16 dec 2019 23:48:18 gmt",
            "16 Dec 2019 23:48:18 GMT",
            "Mon, 16 Dec 2019 23:48:18 UTC",
            "Mon, 16 Dec 2019 23:48:18 UT",
            "Mon, 16 Dec 2019 23:48:18 Z",
            "Mon, 16 Dec 2019 23:48:18 +0000",
            "Mon, 16 Dec 2019 23:48:18 -0000",
            "Tue, 17 Dec 2019 00:48:18 +0100",
            "Mon, 16 Dec 2019 18:48:18 EST",
            "Mon, 16 Dec 2019 15:48:18 PST",
            "Mon, 16 Dec 2019 23:18:18 -0030",
            "Mon, 16 Dec 19 23:48:18 GMT",
            "Mon , 16 Dec 2019 23 : 48 : 18 GMT",
            "(sent) Mon, 16 (the (16th)) Dec 2019\r\n 23:48:18 GMT (UTC)",
            "Fri, 16 Dec 2019 23:48:18 GMT",
        ] {
            assert_eq!(DateTime::parse_http_date(text), Ok(t), "{text}");
        }
        assert_eq!(
            DateTime::parse_http_date("1 Jan 70 00:00 GMT"),
            Ok(DateTime::UNIX_EPOCH)
        );
        assert_eq!(
            DateTime::parse_http_date("1 Jan 1970 00:00 +0000"),
            Ok(DateTime::UNIX_EPOCH)
        );
        assert_eq!(
            DateTime::parse_http_date("Mon, 01 Jan 0001 00:00:00 GMT"),
            Ok(DateTime::MIN)
        );
        assert_eq!(
            DateTime::parse_http_date("Sat, 31 Dec 2016 23:59:60 GMT"),
            Ok(at(1_483_228_799, 999_999_999))
        );
        let cases = [
            ("Mon, 30 Feb 2019 23:48:18 GMT", invalid(Component::Day, 30)),
            (
                "Mon, 16 Dec 2019 24:00:00 GMT",
                invalid(Component::Hour, 24),
            ),
            (
                "Mon, 16 Dec 2019 23:48:18 +2400",
                invalid(Component::OffsetHour, 24),
            ),
            (
                "Mon, 16 Dec 2019 23:48:18 +0060",
                invalid(Component::OffsetMinute, 60),
            ),
            (
                "Mon, 16 Dec 2019 23:48:18 J",
                syntax("a zone like `GMT` or `+0000`", 26),
            ),
            (
                "Mon, 16 Dec 2019 23:48:18 CET",
                syntax("a zone like `GMT` or `+0000`", 26),
            ),
            ("Mon, 16 Dec 2019 23:48:18", syntax("whitespace", 25)),
            (
                "Mon, 16 Dec 2019 23:48:18 GMT x",
                syntax("end of input", 30),
            ),
            (
                "Mon, 16 Dez 2019 23:48:18 GMT",
                syntax("a month name like `Jan`", 8),
            ),
            (
                "Mo, 16 Dec 2019 23:48:18 GMT",
                syntax("a day name like `Mon`", 0),
            ),
            (
                "Mon 16 Dec 2019 23:48:18 GMT",
                syntax("`,` after the day name", 4),
            ),
            ("Mon, 16 Dec 201 23:48:18 GMT", syntax("whitespace", 14)),
            (
                "Mon, 16 Dec 2019 23:48:18 (GMT",
                syntax("a closed comment", 26),
            ),
            ("2019-12-16T23:48:18Z", syntax("whitespace", 2)),
            ("", syntax("day of the month", 0)),
        ];
        for (text, err) in cases {
            assert_eq!(DateTime::parse_http_date(text), Err(err), "{text}");
        }
        let deep = format!("1 Jan 1970 00:00 GMT {}{}", "(".repeat(40), ")".repeat(40));
        assert!(DateTime::parse_http_date(&deep).is_err());
    }

    #[test]
    fn epoch_seconds() {
        let cases = [
            ("1576540098", at(1_576_540_098, 0)),
            ("+1576540098", at(1_576_540_098, 0)),
            ("1576540098.25", at(1_576_540_098, 250_000_000)),
            ("1576540098.", at(1_576_540_098, 0)),
            ("1576540098.000000001", at(1_576_540_098, 1)),
            ("-1.5", at(-2, 500_000_000)),
            ("-0.5", at(-1, 500_000_000)),
            ("-0", DateTime::UNIX_EPOCH),
            ("-62135596800", DateTime::MIN),
            ("253402300799.999999999", DateTime::MAX),
        ];
        for (text, t) in cases {
            assert_eq!(DateTime::parse_epoch_seconds(text), Ok(t), "{text}");
        }
        let cases = [
            ("", syntax("digits", 0)),
            ("-", syntax("digits", 1)),
            (".5", syntax("digits", 0)),
            ("1.2345678901", syntax("at most nine fraction digits", 11)),
            ("1e5", syntax("end of input", 1)),
            (" 1", syntax("digits", 0)),
            ("253402300800", DateTimeError::OutOfRange),
            ("-62135596800.5", DateTimeError::OutOfRange),
            (
                "99999999999999999999999999999999999999999",
                DateTimeError::OutOfRange,
            ),
        ];
        for (text, err) in cases {
            assert_eq!(DateTime::parse_epoch_seconds(text), Err(err), "{text}");
        }
    }

    #[test]
    fn constructors_check_ranges() {
        assert_eq!(
            DateTime::from_unix_timestamp(MAX_SECONDS + 1),
            Err(DateTimeError::OutOfRange)
        );
        assert_eq!(
            DateTime::from_unix_timestamp(MIN_SECONDS - 1),
            Err(DateTimeError::OutOfRange)
        );
        assert_eq!(
            DateTime::from_unix_timestamp(i64::MIN),
            Err(DateTimeError::OutOfRange)
        );
        assert_eq!(
            DateTime::from_unix_timestamp_nanos(-1),
            Ok(at(-1, 999_999_999))
        );
        assert_eq!(
            DateTime::from_unix_timestamp_nanos(i128::MAX),
            Err(DateTimeError::OutOfRange)
        );
        let t = DateTime::from_unix_timestamp_nanos(-1_500_000_000);
        assert_eq!(t.map(DateTime::unix_timestamp_nanos), Ok(-1_500_000_000));
        assert_eq!(
            DateTime::from_parts(0, 1_000_000_000),
            Err(invalid(Component::Nanosecond, 1_000_000_000))
        );
        assert_eq!(
            DateTime::from_calendar(0, 1, 1, 0, 0, 0, 0),
            Err(invalid(Component::Year, 0))
        );
        assert_eq!(
            DateTime::from_calendar(10_000, 1, 1, 0, 0, 0, 0),
            Err(invalid(Component::Year, 10_000))
        );
        assert_eq!(
            DateTime::from_calendar(2019, 2, 29, 0, 0, 0, 0),
            Err(invalid(Component::Day, 29))
        );
        assert_eq!(
            DateTime::from_calendar(2019, 1, 1, 0, 0, 60, 0),
            Err(invalid(Component::Second, 60))
        );
        assert_eq!(
            DateTime::from_calendar(2019, 1, 1, 24, 0, 0, 0),
            Err(invalid(Component::Hour, 24))
        );
    }

    #[test]
    fn arithmetic_is_checked_or_saturating() {
        let t = at(-1, 750_000_000);
        assert_eq!(t + Duration::from_millis(250), DateTime::UNIX_EPOCH);
        assert_eq!(t - Duration::from_millis(800), at(-2, 950_000_000));
        assert_eq!(
            t.checked_add(Duration::from_secs(1)),
            Some(at(0, 750_000_000))
        );
        assert_eq!(DateTime::MAX.checked_add(Duration::from_nanos(1)), None);
        assert_eq!(DateTime::MIN.checked_sub(Duration::from_nanos(1)), None);
        assert_eq!(DateTime::UNIX_EPOCH.checked_add(Duration::MAX), None);
        assert_eq!(DateTime::UNIX_EPOCH + Duration::MAX, DateTime::MAX);
        assert_eq!(DateTime::UNIX_EPOCH - Duration::MAX, DateTime::MIN);
        let mut u = DateTime::UNIX_EPOCH;
        u += Duration::from_secs(90);
        u -= Duration::from_secs(30);
        assert_eq!(u, at(60, 0));
        assert_eq!(
            u.checked_duration_since(t),
            Some(Duration::new(60, 250_000_000))
        );
        assert_eq!(t.checked_duration_since(u), None);
        let span = DateTime::MAX.checked_duration_since(DateTime::MIN);
        assert_eq!(
            span,
            Some(Duration::new(
                (MAX_SECONDS - MIN_SECONDS) as u64,
                999_999_999
            ))
        );
    }

    #[test]
    fn system_time_conversions() {
        let epoch = SystemTime::UNIX_EPOCH;
        assert_eq!(DateTime::from(epoch), DateTime::UNIX_EPOCH);
        assert_eq!(
            DateTime::from(epoch - Duration::from_millis(500)),
            at(-1, 500_000_000)
        );
        assert_eq!(DateTime::from(epoch + Duration::new(5, 7)), at(5, 7));
        assert_eq!(
            SystemTime::from(at(-1, 500_000_000)),
            epoch - Duration::from_millis(500)
        );
        assert_eq!(SystemTime::from(at(5, 7)), epoch + Duration::new(5, 7));
        let far = epoch + Duration::from_secs(400_000_000_000);
        assert_eq!(
            DateTime::try_from_system_time(far),
            Err(DateTimeError::OutOfRange)
        );
        assert_eq!(DateTime::from(far), DateTime::MAX);
        if let Some(early) = epoch.checked_sub(Duration::from_secs(400_000_000_000)) {
            assert_eq!(DateTime::from(early), DateTime::MIN);
        }
        // A round trip wherever the platform can hold the instant.
        for t in [DateTime::MIN, at(-1, 1), DateTime::MAX] {
            if let Some(s) = t.to_system_time() {
                assert_eq!(DateTime::from(s), t);
            }
        }
        let now = DateTime::now_utc();
        assert!(now > at(1_700_000_000, 0), "{now}");
    }
}
