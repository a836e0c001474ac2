package report

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Dates in reports are civil days of the agency's calendar
// (Asia/Ho_Chi_Minh). The audit rows' `date` column already holds the local
// day, so a period is compared with it directly and no time-zone arithmetic
// happens in SQL. A civil day is kept as a time.Time at 00:00 UTC: that
// makes day arithmetic exact (no DST, no offsets) and formatting trivial.

// Period is a range of civil days, both ends included.
type Period struct {
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
	Label string    `json:"label"` // "2024Q2" or "2024-04-01..2024-06-30"
}

// agencyZone is the agency's calendar: Ho Chi Minh City has been UTC+7
// without daylight saving since 1975, so a fixed zone needs no tzdata.
func agencyZone() *time.Location { return time.FixedZone("ICT", 7*60*60) }

// civil returns the calendar day of t in t's own location, as 00:00 UTC.
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Today is the agency's current calendar day.
func Today(now time.Time) time.Time { return civil(now.In(agencyZone())) }

// The years a ClickHouse Date can hold. 18.16 stores a Date as days since
// 1970-01-01 in a UInt16 and turns anything outside its range into
// 0000-00-00 without an error, so a period reaching past these years would
// silently match nothing (or the wrong days): such dates are refused here.
const (
	MinYear = 1970
	MaxYear = 2105
)

// ParseDay parses YYYY-MM-DD as a civil day within MinYear..MaxYear.
func ParseDay(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: not a date (want YYYY-MM-DD)", s)
	}
	if err := checkYear(t.Year()); err != nil {
		return time.Time{}, fmt.Errorf("%q: %w", s, err)
	}
	return t, nil
}

func checkYear(y int) error {
	if y < MinYear || y > MaxYear {
		return fmt.Errorf("year %d is outside what the audit tables can hold (%d-%d)", y, MinYear, MaxYear)
	}
	return nil
}

var quarterRE = regexp.MustCompile(`^(?i)(?:(\d{4})[-/ ]?Q([1-4])|Q([1-4])[-/ ]?(\d{4}))$`)

// ParseQuarter parses "2024Q2" (also "2024-Q2", "Q2/2024", any case) into
// the quarter's days: Q2 2024 is 2024-04-01 to 2024-06-30.
func ParseQuarter(s string) (Period, error) {
	m := quarterRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return Period{}, fmt.Errorf("quarter %q: want YYYYQn, e.g. 2024Q2", s)
	}
	ys, qs := m[1], m[2]
	if ys == "" {
		ys, qs = m[4], m[3]
	}
	y, _ := strconv.Atoi(ys)
	q, _ := strconv.Atoi(qs)
	if err := checkYear(y); err != nil {
		return Period{}, fmt.Errorf("quarter %q: %w", s, err)
	}
	from := time.Date(y, time.Month(3*(q-1)+1), 1, 0, 0, 0, 0, time.UTC)
	return Period{From: from, To: from.AddDate(0, 3, -1), Label: fmt.Sprintf("%dQ%d", y, q)}, nil
}

// QuarterOf returns the quarter that contains the civil day d.
func QuarterOf(d time.Time) Period {
	p, _ := ParseQuarter(fmt.Sprintf("%dQ%d", d.Year(), (int(d.Month())-1)/3+1))
	return p
}

// ParsePeriod builds a period from command-line style values: a quarter, or
// from and to days (both included). Exactly one form must be given.
func ParsePeriod(quarter, from, to string) (Period, error) {
	switch {
	case quarter != "" && (from != "" || to != ""):
		return Period{}, errors.New("give either a quarter or from/to, not both")
	case quarter != "":
		return ParseQuarter(quarter)
	case from == "" || to == "":
		return Period{}, errors.New("a period is needed: a quarter (2024Q2) or both from and to (YYYY-MM-DD)")
	}
	f, err := ParseDay(from)
	if err != nil {
		return Period{}, fmt.Errorf("from: %w", err)
	}
	t, err := ParseDay(to)
	if err != nil {
		return Period{}, fmt.Errorf("to: %w", err)
	}
	if t.Before(f) {
		return Period{}, fmt.Errorf("to %s is before from %s", to, from)
	}
	return Period{From: f, To: t, Label: f.Format(time.DateOnly) + ".." + t.Format(time.DateOnly)}, nil
}

// Limits bound what one request may ask of ClickHouse and of the process
// that renders the answer: a web page must not be able to ask for ten
// thousand years by day (3.6 million buckets held in memory at once).
type Limits struct {
	MaxDays      int // longest period, in days
	MaxDaysByDay int // longest period a by-day breakdown may cover
}

// DashboardLimits are the dashboard's: two years, day granularity over at
// most a quarter (92 days).
func DashboardLimits() Limits { return Limits{MaxDays: 2*366 + 1, MaxDaysByDay: 92} }

// Check reports whether p, broken down by granularity g ("" = no
// breakdown), stays within l. A zero field is no limit.
func (l Limits) Check(p Period, g string) error {
	n := p.Days()
	if l.MaxDays > 0 && n > l.MaxDays {
		return fmt.Errorf("period %s is %d days; at most %d are allowed", p.Label, n, l.MaxDays)
	}
	if g == ByDay && l.MaxDaysByDay > 0 && n > l.MaxDaysByDay {
		return fmt.Errorf("period %s is %d days; by day at most %d are allowed (choose week or month)", p.Label, n, l.MaxDaysByDay)
	}
	return nil
}

// Days is the number of days in p.
func (p Period) Days() int { return int(p.To.Sub(p.From).Hours()/24) + 1 }

// Contains reports whether civil day d is in p.
func (p Period) Contains(d time.Time) bool { return !d.Before(p.From) && !d.After(p.To) }

func (p Period) sqlFrom() string { return p.From.Format(time.DateOnly) }
func (p Period) sqlTo() string   { return p.To.Format(time.DateOnly) }

// rosterDays returns the days of p during which a roster entry active from
// `from` to `to` (civil days; zero `to` = still active) was on the roster.
func rosterDays(p Period, from, to time.Time) int {
	lo, hi := p.From, p.To
	if f := civil(from); !from.IsZero() && f.After(lo) {
		lo = f
	}
	if !to.IsZero() {
		if t := civil(to); t.Before(hi) {
			hi = t
		}
	}
	if hi.Before(lo) {
		return 0
	}
	return int(hi.Sub(lo).Hours()/24) + 1
}
