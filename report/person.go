package report

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"mailaudit/audit"
)

// PersonRef names whose page is asked for: a roster staff id, or the
// sender address of someone not on the roster. Exactly one is set.
type PersonRef struct {
	StaffID string
	Address string
}

// Check refuses a reference that is empty, has both forms, or holds what
// no staff id or mail address holds (control characters, over-long
// values). Values reach SQL only as quoted literals either way; this is
// for a clear 400 instead of an empty page.
func (r PersonRef) Check() error {
	switch {
	case r.StaffID != "" && r.Address != "":
		return errors.New("give a staff id or an address, not both")
	case r.StaffID == "" && r.Address == "":
		return errors.New("a person is needed: staff=<staff id> or address=<mail address>")
	case r.StaffID != "":
		if len(r.StaffID) > 64 || strings.ContainsFunc(r.StaffID, unicode.IsControl) || strings.TrimSpace(r.StaffID) != r.StaffID {
			return fmt.Errorf("staff id %q: not a staff id", r.StaffID)
		}
	default:
		at := strings.LastIndexByte(r.Address, '@')
		if len(r.Address) > 320 || at < 1 || at == len(r.Address)-1 ||
			strings.ContainsFunc(r.Address, func(c rune) bool { return unicode.IsControl(c) || unicode.IsSpace(c) }) {
			return fmt.Errorf("address %q: not a mail address", r.Address)
		}
	}
	return nil
}

// PersonDay is one day of a person's activity calendar.
type PersonDay struct {
	Date time.Time `json:"date"` // civil day, 00:00 UTC
	// Sent counts messages relayed through the city system that day.
	Sent uint64 `json:"sent"`
	// Logins counts successful IMAP/POP3 logins through the gateway.
	Logins uint64 `json:"logins"`
	// OnRoster is false on days before the person joined or after they
	// left (always true for someone not on the roster: nothing to compare).
	OnRoster bool `json:"on_roster"`
}

// Day states of the calendar.
const (
	DaySent    = "sent"
	DayMailbox = "mailbox"
	DayBoth    = "both"
	DayNone    = "none"
)

// State says what the person did that day: DaySent, DayMailbox, DayBoth
// or DayNone.
func (d PersonDay) State() string {
	switch {
	case d.Sent > 0 && d.Logins > 0:
		return DayBoth
	case d.Sent > 0:
		return DaySent
	case d.Logins > 0:
		return DayMailbox
	}
	return DayNone
}

// FindingGroup is one kind of finding with the messages behind it.
type FindingGroup struct {
	Kind     string       `json:"kind"`
	Messages []FindingRow `json:"messages"`
}

// MailboxSession is one logged-in IMAP/POP3 session, as recorded when it
// closed.
type MailboxSession struct {
	EventID    string    `json:"event_id"`
	Service    string    `json:"service"`
	Started    time.Time `json:"started"` // UTC
	Ended      time.Time `json:"ended"`   // UTC
	DurationMS uint64    `json:"duration_ms"`
	BytesIn    uint64    `json:"bytes_in"`  // client to server
	BytesOut   uint64    `json:"bytes_out"` // server to client
	Reason     string    `json:"reason"`    // how it ended (audit.MailboxSession.Reason)
	ClientIP   string    `json:"client_ip"`
	TLSVersion string    `json:"tls_version"`
}

// LoginSummary counts a person's login attempts of one service and result.
type LoginSummary struct {
	Service string `json:"service"` // smtp | imap | pop3
	Result  string `json:"result"`  // ok | failed | tempfail | locked | ...
	// Rows are distinct audit rows; Attempts what they stand for (a
	// "locked" row may stand for many refusals).
	Rows     uint64    `json:"rows"`
	Attempts uint64    `json:"attempts"`
	First    time.Time `json:"first"` // UTC
	Last     time.Time `json:"last"`  // UTC
}

// MaxPersonSessions bounds the sessions listed on a person's page; the
// totals count every session.
const MaxPersonSessions = 500

// PersonReport is everything the reports know about one person in a
// period: what an auditor reads before marking someone down.
type PersonReport struct {
	Period Period `json:"period"`
	// PersonUsage carries the person's figures exactly as the usage
	// report computes them (same sources, same rules).
	PersonUsage
	// Address is the sender address of a person not on the roster.
	Address  string         `json:"address,omitempty"`
	Days     []PersonDay    `json:"days"`
	Findings []FindingGroup `json:"findings"` // policy.Findings order
	// Sessions lists at most MaxPersonSessions mailbox sessions, oldest
	// first; SessionCount, SessionMS and SessionBytes cover all of them.
	Sessions     []MailboxSession `json:"sessions"`
	SessionCount uint64           `json:"session_count"`
	SessionMS    uint64           `json:"session_ms"`
	BytesIn      uint64           `json:"bytes_in"`
	BytesOut     uint64           `json:"bytes_out"`
	Logins       []LoginSummary   `json:"logins"`
}

// ErrUnknownPerson is returned (wrapped) for a staff id that is neither on
// the roster nor in any audit row of the period.
var ErrUnknownPerson = errors.New("no such person")

// Person builds one person's report for p. Staff ids follow the usage
// report: messages by the staff id the policy stored in each row, mailbox
// logins by the roster's city address. An address reference covers the
// rows no roster member is blamed for, sent from that address, and the
// mailbox logins made with it.
func (s *Source) Person(ctx context.Context, ref PersonRef, p Period) (*PersonReport, error) {
	if err := ref.Check(); err != nil {
		return nil, err
	}
	rep := &PersonReport{Period: p}
	rep.Counts = newCounts()
	var msgWhere, login string // conditions on messages(_daily); the login address
	var st struct{ from, to time.Time }
	if ref.StaffID != "" {
		rep.StaffID = ref.StaffID
		msgWhere = "staff_id = " + quote(ref.StaffID)
		if m, ok := s.roster.ByID(ref.StaffID); ok {
			rep.FullName, rep.Division, rep.CityAddress, rep.OnRoster = m.FullName, m.Division, m.CityAddress, true
			rep.RosterDays = rosterDays(p, m.ActiveFrom, m.ActiveTo)
			st.from, st.to = m.ActiveFrom, m.ActiveTo
			login = strings.ToLower(m.CityAddress)
		}
	} else {
		rep.Address = strings.ToLower(ref.Address)
		msgWhere = "staff_id = '' AND sender = " + quote(rep.Address)
		login = rep.Address
	}
	byDay := map[time.Time]*PersonDay{}
	for d := p.From; !d.After(p.To); d = d.AddDate(0, 0, 1) {
		on := true
		if rep.OnRoster {
			on = rosterDays(Period{From: d, To: d}, st.from, st.to) == 1
		}
		rep.Days = append(rep.Days, PersonDay{Date: d, OnRoster: on})
	}
	for i := range rep.Days {
		byDay[rep.Days[i].Date] = &rep.Days[i]
	}
	day := func(t time.Time) (*PersonDay, error) {
		d, ok := byDay[t.UTC()]
		if !ok {
			return nil, fmt.Errorf("day %s outside the period", t.Format(time.DateOnly))
		}
		return d, nil
	}

	relayed := quote(audit.ActionRelayed)
	var seenInData bool
	// The usage report's sources: messages_daily for the counts (never a
	// duplicate there), the stored staff id as the person.
	err := s.query(ctx, "person days", `SELECT date, sumIf(messages, action = `+relayed+`) AS sent,
    sum(messages) AS attempts, sumIf(mandated, action = `+relayed+`) AS mand, sum(flagged) AS flg, anyLast(division)
FROM `+s.table("messages_daily")+`
WHERE `+dateRange(p)+` AND `+msgWhere+`
GROUP BY date`, func(r driver.Rows) error {
		var t time.Time
		var sent, att, mand, flg uint64
		var div string
		if err := r.Scan(&t, &sent, &att, &mand, &flg, &div); err != nil {
			return err
		}
		d, err := day(t)
		if err != nil {
			return err
		}
		seenInData = true
		d.Sent = sent
		rep.Messages += sent
		rep.Attempts += att
		rep.Mandated += mand
		rep.Flagged += flg
		if sent > 0 {
			rep.SendDays++
		}
		if rep.Division == "" {
			rep.Division = div
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if ref.StaffID != "" && !rep.OnRoster && !seenInData {
		return nil, fmt.Errorf("report person %q: %w", ref.StaffID, ErrUnknownPerson)
	}
	if login != "" {
		if err := s.personLogins(ctx, rep, login, day); err != nil {
			return nil, err
		}
	}
	for _, d := range rep.Days {
		if d.Logins > 0 {
			rep.MailboxDays++
		}
		if d.Sent > 0 || d.Logins > 0 {
			rep.ActiveDays++
		}
	}

	f := FindingsFilter{Period: p, StaffID: ref.StaffID, Sender: rep.Address}
	fr, err := s.Findings(ctx, f)
	if err != nil {
		return nil, err
	}
	groups := map[string]*FindingGroup{}
	for _, row := range fr.Rows {
		for _, k := range row.Kinds {
			g, ok := groups[k]
			if !ok {
				g = &FindingGroup{Kind: k}
				groups[k] = g
			}
			g.Messages = append(g.Messages, row)
			rep.FindingsByKind[k]++
		}
	}
	kinds := make([]string, 0, len(groups))
	for k := range groups {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds) // the usage report's order of finding columns
	for _, k := range kinds {
		rep.Findings = append(rep.Findings, *groups[k])
	}
	return rep, nil
}

// personLogins fills the calendar's mailbox logins, the login summary and
// the mailbox sessions of one login address. Every query collapses rows by
// event id first: a replayed row may still be stored twice.
func (s *Source) personLogins(ctx context.Context, rep *PersonReport, login string, day func(time.Time) (*PersonDay, error)) error {
	who := dateRange(rep.Period) + " AND lower(user) = " + quote(login)
	err := s.query(ctx, "person mailbox days", `SELECT date, uniqExact(event_id)
FROM `+s.table("auth_events")+`
WHERE `+who+` AND service IN ('imap', 'pop3') AND result = 'ok'
GROUP BY date`, func(r driver.Rows) error {
		var t time.Time
		var n uint64
		if err := r.Scan(&t, &n); err != nil {
			return err
		}
		d, err := day(t)
		if err != nil {
			return err
		}
		d.Logins = n
		return nil
	})
	if err != nil {
		return err
	}
	// A row written before the attempts column stands for one attempt.
	err = s.query(ctx, "person logins", `SELECT svc, res, count(), sum(a), min(t), max(t)
FROM (
    SELECT event_id, any(service) AS svc, any(result) AS res, any(if(attempts = 0, 1, attempts)) AS a, any(ts) AS t
    FROM `+s.table("auth_events")+`
    WHERE `+who+`
    GROUP BY event_id
)
GROUP BY svc, res
ORDER BY svc, res`, func(r driver.Rows) error {
		var l LoginSummary
		var att uint64
		if err := r.Scan(&l.Service, &l.Result, &l.Rows, &att, &l.First, &l.Last); err != nil {
			return err
		}
		l.Attempts, l.First, l.Last = att, l.First.UTC(), l.Last.UTC()
		rep.Logins = append(rep.Logins, l)
		return nil
	})
	if err != nil {
		return err
	}
	sessions := `SELECT event_id, any(service) AS svc, any(started) AS st, any(ts) AS t, any(duration_ms) AS ms,
        any(bytes_in) AS bin, any(bytes_out) AS bout, any(reason) AS why, any(client_ip) AS ip, any(tls_version) AS tlsv
    FROM ` + s.table("mailbox_sessions") + `
    WHERE ` + who + `
    GROUP BY event_id`
	err = s.query(ctx, "person session totals", `SELECT count(), sum(ms), sum(bin), sum(bout) FROM (`+sessions+`)`,
		func(r driver.Rows) error {
			return r.Scan(&rep.SessionCount, &rep.SessionMS, &rep.BytesIn, &rep.BytesOut)
		})
	if err != nil {
		return err
	}
	return s.query(ctx, "person sessions", `SELECT toString(event_id), svc, st, t, ms, bin, bout, why, ip, tlsv FROM (`+sessions+`)
ORDER BY st, t, event_id
LIMIT `+fmt.Sprint(MaxPersonSessions), func(r driver.Rows) error {
		var m MailboxSession
		if err := r.Scan(&m.EventID, &m.Service, &m.Started, &m.Ended, &m.DurationMS, &m.BytesIn, &m.BytesOut,
			&m.Reason, &m.ClientIP, &m.TLSVersion); err != nil {
			return err
		}
		m.Started, m.Ended = m.Started.UTC(), m.Ended.UTC()
		rep.Sessions = append(rep.Sessions, m)
		return nil
	})
}
