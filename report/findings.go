package report

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/google/uuid"
)

// FindingsFilter selects flagged messages.
type FindingsFilter struct {
	Period   Period
	Kinds    []string // any of these finding ids; empty: every kind
	StaffID  string   // "" = anyone
	Division string   // "" = every division
	// Sender selects the rows no roster member is blamed for (staff id
	// empty) whose envelope sender is this address, any case: the
	// dashboard's page of a person not on the roster. "" = any.
	Sender string
	Limit  int // 0 = no limit
	Offset int // rows skipped before the first one returned (paging)
}

// FindingRow is one flagged message: metadata only, never a body.
type FindingRow struct {
	EventID    string    `json:"event_id"`
	Time       time.Time `json:"time"` // UTC; tables show Asia/Ho_Chi_Minh
	Date       string    `json:"date"` // the local day (the row's partition)
	Sender     string    `json:"sender"`
	AuthUser   string    `json:"auth_user"`
	StaffID    string    `json:"staff_id"`
	FullName   string    `json:"full_name"`
	Division   string    `json:"division"`
	Recipients []string  `json:"recipients"`
	Type       string    `json:"type"`
	DocNumber  string    `json:"doc_number"`
	Secrecy    string    `json:"secrecy"`
	Action     string    `json:"action"`
	Kinds      []string  `json:"kinds"`
}

// FindingsReport is the `findings` report.
type FindingsReport struct {
	Filter    FindingsFilter `json:"filter"`
	Rows      []FindingRow   `json:"rows"`
	Truncated bool           `json:"truncated"` // Limit rows shown, more exist
	// Total is the number of matching messages, counted when Limit is set
	// (a page needs it for its page links); otherwise len(Rows).
	Total uint64 `json:"total"`
}

// Findings lists the flagged messages that match f, oldest first.
func (s *Source) Findings(ctx context.Context, f FindingsFilter) (*FindingsReport, error) {
	where := []string{dateRange(f.Period), "notEmpty(flags)"}
	if len(f.Kinds) > 0 {
		where = append(where, "hasAny(flags, "+quoteList(f.Kinds)+")")
	}
	if f.StaffID != "" {
		where = append(where, "staff_id = "+quote(f.StaffID))
	}
	if f.Division != "" {
		where = append(where, "division = "+quote(f.Division))
	}
	if f.Sender != "" {
		where = append(where, "staff_id = '' AND lower(mail_from) = "+quote(strings.ToLower(f.Sender)))
	}
	if f.Limit < 0 || f.Offset < 0 {
		return nil, fmt.Errorf("report findings: limit %d, offset %d: must not be negative", f.Limit, f.Offset)
	}
	rep := &FindingsReport{Filter: f}
	limit := ""
	if f.Limit > 0 {
		// "LIMIT offset, n" is the form 18.16 and today's servers share;
		// one more row than asked tells "truncated".
		limit = fmt.Sprintf(" LIMIT %d, %d", f.Offset, f.Limit+1)
		err := s.query(ctx, "findings count", `SELECT uniqExact(event_id) FROM `+s.table("messages")+`
WHERE `+strings.Join(where, " AND "), func(r driver.Rows) error { return r.Scan(&rep.Total) })
		if err != nil {
			return nil, err
		}
	} else if f.Offset > 0 {
		return nil, fmt.Errorf("report findings: offset %d without a limit", f.Offset)
	}
	// GROUP BY event_id collapses a replay duplicate that no merge has
	// removed yet; duplicates are identical, so any() picks either.
	err := s.query(ctx, "findings", `SELECT toString(event_id) AS id, any(ts) AS t, toString(any(date)),
    any(mail_from), any(auth_user), any(staff_id), any(division), any(rcpt_to),
    any(type), any(doc_number), any(secrecy), any(action), any(flags)
FROM `+s.table("messages")+`
WHERE `+strings.Join(where, " AND ")+`
GROUP BY event_id
ORDER BY t, id`+limit, func(r driver.Rows) error {
		var row FindingRow
		if err := r.Scan(&row.EventID, &row.Time, &row.Date, &row.Sender, &row.AuthUser, &row.StaffID, &row.Division,
			&row.Recipients, &row.Type, &row.DocNumber, &row.Secrecy, &row.Action, &row.Kinds); err != nil {
			return err
		}
		row.Time = row.Time.UTC()
		if st, ok := s.roster.ByID(row.StaffID); ok && row.StaffID != "" {
			row.FullName = st.FullName
		}
		rep.Rows = append(rep.Rows, row)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if f.Limit > 0 && len(rep.Rows) > f.Limit {
		rep.Rows, rep.Truncated = rep.Rows[:f.Limit], true
	}
	if f.Limit == 0 {
		rep.Total = uint64(len(rep.Rows))
	}
	return rep, nil
}

// Message is one audit row's metadata and classifier signals, for the
// dashboard's drill-down. The audit row has no body to show.
type Message struct {
	EventID      string    `json:"event_id"`
	Time         time.Time `json:"time"`
	Date         string    `json:"date"`
	Instance     string    `json:"instance"`
	ClientIP     string    `json:"client_ip"`
	TLSVersion   string    `json:"tls_version"`
	AuthUser     string    `json:"auth_user"`
	Route        string    `json:"route"`
	MailFrom     string    `json:"mail_from"`
	RcptTo       []string  `json:"rcpt_to"`
	HeaderFrom   string    `json:"header_from"`
	HeaderTo     []string  `json:"header_to"`
	HeaderCc     []string  `json:"header_cc"`
	Subject      string    `json:"subject"` // as the privacy setting stored it
	MessageID    string    `json:"message_id"`
	Size         uint64    `json:"size"`
	AttachNames  []string  `json:"attach_names"`
	AttachKinds  []string  `json:"attach_kinds"`
	Type         string    `json:"type"`
	Confidence   float64   `json:"confidence"`
	Secrecy      string    `json:"secrecy"`
	Urgency      string    `json:"urgency"`
	Audience     string    `json:"audience"`
	DocNumber    string    `json:"doc_number"`
	Mandated     bool      `json:"mandated"`
	Signals      []string  `json:"signals"`
	Flags        []string  `json:"flags"`
	Action       string    `json:"action"`
	UpstreamCode uint16    `json:"upstream_code"`
	UpstreamText string    `json:"upstream_text"`
	StaffID      string    `json:"staff_id"`
	FullName     string    `json:"full_name"`
	Division     string    `json:"division"`
}

// ErrNotFound is returned (wrapped) by Message for an unknown event id.
var ErrNotFound = errors.New("no such message")

// Message returns one row's metadata. day (YYYY-MM-DD, may be "") narrows
// the search to one partition; without it every partition's event ids
// are scanned.
func (s *Source) Message(ctx context.Context, eventID, day string) (*Message, error) {
	id, err := uuid.Parse(eventID)
	if err != nil {
		return nil, fmt.Errorf("event id %q: %w", eventID, err)
	}
	where := "event_id = toUUID('" + id.String() + "')"
	if day != "" {
		d, err := ParseDay(day)
		if err != nil {
			return nil, err
		}
		where += " AND date = toDate('" + d.Format(time.DateOnly) + "')"
	}
	var m *Message
	err = s.query(ctx, "message", `SELECT toString(event_id), ts, toString(date), instance, client_ip, tls_version, auth_user, route,
    mail_from, rcpt_to, header_from, header_to, header_cc, subject, message_id, size, attach_names, attach_kinds,
    type, confidence, secrecy, urgency, audience, doc_number, mandated, signals, flags, action,
    upstream_code, upstream_text, staff_id, division
FROM `+s.table("messages")+` WHERE `+where+` LIMIT 1`, func(r driver.Rows) error {
		var x Message
		var mand uint8
		if err := r.Scan(&x.EventID, &x.Time, &x.Date, &x.Instance, &x.ClientIP, &x.TLSVersion, &x.AuthUser, &x.Route,
			&x.MailFrom, &x.RcptTo, &x.HeaderFrom, &x.HeaderTo, &x.HeaderCc, &x.Subject, &x.MessageID, &x.Size,
			&x.AttachNames, &x.AttachKinds, &x.Type, &x.Confidence, &x.Secrecy, &x.Urgency, &x.Audience,
			&x.DocNumber, &mand, &x.Signals, &x.Flags, &x.Action, &x.UpstreamCode, &x.UpstreamText,
			&x.StaffID, &x.Division); err != nil {
			return err
		}
		x.Time, x.Mandated = x.Time.UTC(), mand != 0
		if st, ok := s.roster.ByID(x.StaffID); ok && x.StaffID != "" {
			x.FullName = st.FullName
		}
		m = &x
		return nil
	})
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("report message %s: %w", id, ErrNotFound)
	}
	return m, nil
}
