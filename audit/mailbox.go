package audit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/google/uuid"
)

// Services of an AuthEvent and a MailboxSession.
const (
	ServiceSMTP = "smtp"
	ServiceIMAP = "imap"
	ServicePOP3 = "pop3"
)

// MailboxSession is one logged-in IMAP or POP3 session through the
// mailbox proxy, recorded when it closes. Nothing of what was read or
// written is kept: only how long and how many bytes.
type MailboxSession struct {
	EventID    uuid.UUID
	Time       time.Time // when the session closed (UTC)
	Instance   string
	Service    string // imap | pop3
	User       string // the login, lower-case
	ClientIP   string
	TLSVersion string // client side: "", "TLS 1.2", "TLS 1.3"
	Route      string
	Upstream   string // host:port
	Started    time.Time
	DurationMS int64
	BytesIn    int64  // client to server
	BytesOut   int64  // server to client
	Reason     string // client_closed | server_closed | idle | shutdown | error
}

// mailboxMigration adds the mailbox proxy's data: the service of each
// login (rows from before it read as smtp, the column's default) and the
// table of logged-in mailbox sessions.
func mailboxMigration(version int) Migration {
	return Migration{version, "mailbox logins and sessions", []Step{
		{AddColumn: &AddColumn{"auth_events", "service", "String DEFAULT 'smtp'", "weak_password"}},
		{SQL: `CREATE TABLE IF NOT EXISTS ${mailbox_sessions}${oc} (
    event_id UUID,
    ts DateTime('UTC'),
    date Date,
    instance String,
    service String,
    user String,
    client_ip String,
    tls_version String,
    route String,
    upstream String,
    started DateTime('UTC'),
    duration_ms UInt64,
    bytes_in UInt64,
    bytes_out UInt64,
    reason String
) ENGINE = ${engine:ReplacingMergeTree:mailbox_sessions}
PARTITION BY toYYYYMM(date)
ORDER BY (date, user, event_id)`},
		{SQL: "${distributed:mailbox_sessions}"},
	}}
}

var mailboxColumns = []string{
	"event_id", "ts", "date", "instance", "service", "user", "client_ip", "tls_version", "route", "upstream",
	"started", "duration_ms", "bytes_in", "bytes_out", "reason",
}

// RecordMailboxSession is Record for a closed mailbox session. The date
// column is the day the session ended.
func (w *Writer) RecordMailboxSession(ctx context.Context, ev *MailboxSession) error {
	if ev == nil {
		return errors.New("audit: RecordMailboxSession(nil)")
	}
	w.stamp(&ev.EventID, &ev.Time, &ev.Instance)
	return w.append(ctx, "mailbox", ev.EventID, func(b []byte) []byte {
		return appendMailbox(b, ev, dayOf(ev.Time, w.loc))
	})
}

func appendMailbox(b []byte, ev *MailboxSession, day uint32) []byte {
	e := enc{b}
	e.byte1(kindMailbox)
	e.byte1(mailboxVersion)
	e.uvarint(uint64(day))
	e.b = append(e.b, ev.EventID[:]...)
	e.time(ev.Time)
	e.str(ev.Instance)
	e.str(ev.Service)
	e.str(ev.User)
	e.str(ev.ClientIP)
	e.str(ev.TLSVersion)
	e.str(ev.Route)
	e.str(ev.Upstream)
	e.time(ev.Started)
	e.varint(ev.DurationMS)
	e.varint(ev.BytesIn)
	e.varint(ev.BytesOut)
	e.str(ev.Reason)
	return e.b
}

func decodeMailbox(d *dec) *MailboxSession {
	ev := &MailboxSession{}
	ev.EventID = d.uuid()
	ev.Time = d.time()
	ev.Instance = d.str()
	ev.Service = d.str()
	ev.User = d.str()
	ev.ClientIP = d.str()
	ev.TLSVersion = d.str()
	ev.Route = d.str()
	ev.Upstream = d.str()
	ev.Started = d.time()
	ev.DurationMS = d.varint()
	ev.BytesIn = d.varint()
	ev.BytesOut = d.varint()
	ev.Reason = d.str()
	return ev
}

// replayFilterMailbox drops, from a replay batch, the sessions ClickHouse
// already has (as insert does for messages and logins).
func (w *Writer) replayFilterMailbox(ctx context.Context, conn driver.Conn, b *batch) ([]*MailboxSession, []uint32, error) {
	if !b.replay || len(b.boxes) == 0 {
		return b.boxes, b.boxDays, nil
	}
	ids := make([]uuid.UUID, len(b.boxes))
	for i, e := range b.boxes {
		ids[i] = e.EventID
	}
	w.m.checked.WithLabelValues("mailbox_sessions").Add(float64(len(ids)))
	have, err := existing(ctx, conn, w.schema.Table("mailbox_sessions"), ids, b.boxDays)
	if err != nil {
		return nil, nil, fmt.Errorf("replay check mailbox_sessions: %w", err)
	}
	var out []*MailboxSession
	var days []uint32
	for i, e := range b.boxes {
		if !have[e.EventID] {
			out, days = append(out, e), append(days, b.boxDays[i])
		}
	}
	w.m.duplicates.WithLabelValues("mailbox_sessions").Add(float64(len(b.boxes) - len(out)))
	return out, days, nil
}

func (w *Writer) insertMailbox(ctx context.Context, conn driver.Conn, b *batch, evs []*MailboxSession, days []uint32) error {
	if w.beforeInsert != nil {
		if err := w.beforeInsert("mailbox_sessions"); err != nil {
			return err
		}
	}
	ctx = w.insertCtx(ctx, b)
	q := "INSERT INTO " + w.schema.Table("mailbox_sessions") + " (" + strings.Join(mailboxColumns, ", ") + ")"
	bt, err := conn.PrepareBatch(ctx, q)
	if err != nil {
		return fmt.Errorf("insert mailbox_sessions: prepare: %w", err)
	}
	defer bt.Abort()
	for i, e := range evs {
		if err := bt.Append(e.EventID, clampTime(e.Time), dayTime(days[i]), e.Instance, e.Service, e.User, e.ClientIP,
			e.TLSVersion, e.Route, e.Upstream, clampTime(e.Started), uint64(max(e.DurationMS, 0)),
			uint64(max(e.BytesIn, 0)), uint64(max(e.BytesOut, 0)), e.Reason); err != nil {
			return fmt.Errorf("insert mailbox_sessions: row: %w", err)
		}
	}
	if err := bt.Send(); err != nil {
		return fmt.Errorf("insert %d mailbox_sessions: %w", len(evs), err)
	}
	w.m.shipped.WithLabelValues("mailbox_sessions").Add(float64(len(evs)))
	if w.afterSend != nil {
		return w.afterSend("mailbox_sessions")
	}
	return nil
}
