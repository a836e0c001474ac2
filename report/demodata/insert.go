// Package demodata writes audit rows straight into ClickHouse: the
// synthetic agency of `mailaudit demo-data` and the report tests' fixed
// fixtures. Rows go in with the same column names the audit writer uses,
// through the native protocol's column-wise batches (fast: no per-row
// encoding), so the materialized view fills messages_daily exactly as in
// production.
package demodata

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/google/uuid"

	"mailaudit/audit"
)

// Message is the subset of an audit row the reports read, plus a few
// fields the dashboard's drill-down shows. Columns not listed take their
// defaults.
type Message struct {
	EventID    uuid.UUID // zero: a new random id
	Time       time.Time
	Date       time.Time // zero: the calendar day of Time in Asia/Ho_Chi_Minh
	AuthUser   string
	MailFrom   string
	RcptTo     []string
	Subject    string
	Size       uint64
	Attach     []string // file names
	Type       string
	Confidence float64
	Secrecy    string
	Audience   string
	DocNumber  string
	Mandated   bool
	Signals    []string
	Flags      []string
	Action     string
	StaffID    string
	Division   string
}

// Auth is one AUTH attempt.
type Auth struct {
	EventID uuid.UUID
	Time    time.Time
	Date    time.Time
	User    string
	Result  string // ok | failed | tempfail
	Service string // smtp (default) | imap | pop3
}

var messageCols = []string{
	"event_id", "ts", "date", "instance", "client_ip", "tls_version", "auth_user", "route", "upstream",
	"mail_from", "rcpt_to", "rcpt_domain", "header_from", "header_to", "subject", "message_id", "size",
	"attach_names", "attach_kinds", "type", "confidence", "secrecy", "urgency", "audience", "doc_number",
	"mandated", "signals", "flags", "action", "upstream_code", "upstream_text", "staff_id", "division",
}

// localDay is the `date` the audit writer would store for t.
func localDay(t time.Time) time.Time {
	y, m, d := t.In(time.FixedZone("ICT", 7*3600)).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// InsertMessages inserts rows in one batch.
func InsertMessages(ctx context.Context, conn driver.Conn, schema audit.Schema, rows []Message) error {
	if len(rows) == 0 {
		return nil
	}
	q := "INSERT INTO " + schema.Table("messages") + " (" + strings.Join(messageCols, ", ") + ")"
	b, err := conn.PrepareBatch(ctx, q)
	if err != nil {
		return fmt.Errorf("demodata: prepare messages: %w", err)
	}
	defer b.Abort()
	n := len(rows)
	var (
		ids                                       = make([]uuid.UUID, n)
		ts, dates                                 = make([]time.Time, n), make([]time.Time, n)
		instance, ip, tlsv, auth, route, upstream = mk(n), mk(n), mk(n), mk(n), mk(n), mk(n)
		from, hfrom, subject, msgid               = mk(n), mk(n), mk(n), mk(n)
		rcpt, rdom, hto, names, kinds             = mkl(n), mkl(n), mkl(n), mkl(n), mkl(n)
		size                                      = make([]uint64, n)
		typ, secrecy, urgency, audience, docnum   = mk(n), mk(n), mk(n), mk(n), mk(n)
		conf                                      = make([]float64, n)
		mand                                      = make([]uint8, n)
		signals, flags                            = mkl(n), mkl(n)
		action, uptext, staff, div                = mk(n), mk(n), mk(n), mk(n)
		code                                      = make([]uint16, n)
	)
	for i, r := range rows {
		ids[i] = r.EventID
		if ids[i] == uuid.Nil {
			ids[i] = uuid.New()
		}
		ts[i], dates[i] = r.Time.UTC(), r.Date
		if dates[i].IsZero() {
			dates[i] = localDay(r.Time)
		}
		instance[i], ip[i], tlsv[i], auth[i], route[i], upstream[i] = "demo", "10.0.0.10", "TLS1.3", r.AuthUser, "city", "smtp.tphcm.gov.vn:587"
		from[i], hfrom[i], subject[i], msgid[i] = r.MailFrom, r.MailFrom, r.Subject, "<"+ids[i].String()+"@demo>"
		rcpt[i], hto[i] = nn(r.RcptTo), nn(r.RcptTo)
		rdom[i] = audit.Domains(r.RcptTo)
		size[i] = r.Size
		names[i] = nn(r.Attach)
		kinds[i] = make([]string, len(r.Attach))
		for j := range r.Attach {
			kinds[i][j] = r.Type
		}
		typ[i], secrecy[i], urgency[i], audience[i], docnum[i] = r.Type, orNone(r.Secrecy), "none", orUnknown(r.Audience), r.DocNumber
		conf[i] = r.Confidence
		if r.Mandated {
			mand[i] = 1
		}
		signals[i], flags[i] = nn(r.Signals), nn(r.Flags)
		action[i], staff[i], div[i] = r.Action, r.StaffID, r.Division
		switch r.Action {
		case audit.ActionRelayed:
			code[i], uptext[i] = 250, "2.0.0 Ok: queued"
		case audit.ActionBounced:
			code[i], uptext[i] = 550, "5.1.1 Recipient address rejected"
		case audit.ActionTempfailed:
			code[i], uptext[i] = 451, "4.4.1 upstream timeout"
		}
	}
	cols := []any{ids, ts, dates, instance, ip, tlsv, auth, route, upstream,
		from, rcpt, rdom, hfrom, hto, subject, msgid, size,
		names, kinds, typ, conf, secrecy, urgency, audience, docnum,
		mand, signals, flags, action, code, uptext, staff, div}
	for i, c := range cols {
		if err := b.Column(i).Append(c); err != nil {
			return fmt.Errorf("demodata: column %s: %w", messageCols[i], err)
		}
	}
	if err := b.Send(); err != nil {
		return fmt.Errorf("demodata: insert %d messages: %w", n, err)
	}
	return nil
}

// InsertAuth inserts AUTH attempts in one batch.
func InsertAuth(ctx context.Context, conn driver.Conn, schema audit.Schema, rows []Auth) error {
	if len(rows) == 0 {
		return nil
	}
	b, err := conn.PrepareBatch(ctx, "INSERT INTO "+schema.Table("auth_events")+
		" (event_id, ts, date, instance, user, client_ip, mechanism, result, upstream_code, weak_password, service)")
	if err != nil {
		return fmt.Errorf("demodata: prepare auth_events: %w", err)
	}
	defer b.Abort()
	for _, r := range rows {
		id := r.EventID
		if id == uuid.Nil {
			id = uuid.New()
		}
		d := r.Date
		if d.IsZero() {
			d = localDay(r.Time)
		}
		code := uint16(235)
		if r.Result != "ok" {
			code = 535
		}
		service, mech := r.Service, "PLAIN"
		switch service {
		case "":
			service = audit.ServiceSMTP
		case audit.ServiceIMAP, audit.ServicePOP3:
			code = 0 // no numeric reply in those protocols
		}
		if err := b.Append(id, r.Time.UTC(), d, "demo", r.User, "10.0.0.10", mech, r.Result, code, uint8(0), service); err != nil {
			return fmt.Errorf("demodata: auth row: %w", err)
		}
	}
	if err := b.Send(); err != nil {
		return fmt.Errorf("demodata: insert %d auth events: %w", len(rows), err)
	}
	return nil
}

func mk(n int) []string    { return make([]string, n) }
func mkl(n int) [][]string { return make([][]string, n) }

// nn turns nil into an empty list: the driver wants a value per row.
func nn(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
