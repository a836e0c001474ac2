package audit

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"mailaudit/internal/chtest"
)

// Mailbox records reach ClickHouse: a login's service (an SMTP record
// spooled before the column existed reads as smtp, in the spool and in a
// table migrated from version 4), and a session with its duration and
// bytes.
func TestMailboxRecords(t *testing.T) {
	srv := chtest.Start(t)
	ctx := context.Background()
	conn := chConn(t, srv.Addr())
	cfg := testConfig(t, srv.Addr())
	// A version-4 database with one login row from before the migration.
	s := SchemaFor(cfg)
	if _, _, err := MigrateTo(ctx, conn, s, 4, testLogger(t)); err != nil {
		t.Fatal(err)
	}
	srv.Exec(t, "INSERT INTO "+s.Table("auth_events")+" (event_id, ts, date, instance, user, client_ip, mechanism, result, upstream_code, weak_password) VALUES ('"+uuid.NewString()+"', now(), today(), 'old', 'old@x.vn', '10.0.0.1', 'PLAIN', 'ok', 235, 0)")

	w, _ := openWriter(t, cfg)
	now := time.Now().UTC()
	// A version-1 auth record (no service), as an older build spooled it.
	v1 := appendAuth(nil, &AuthEvent{EventID: uuid.Must(uuid.NewV7()), Time: now, Instance: "t", User: "v1@x.vn", Result: "ok"}, dayOf(now, time.UTC))
	v1 = v1[:len(v1)-1] // drop the empty service string's length byte
	v1[1] = 1           // version 1
	rec, err := decodeRecord(v1)
	if err != nil || rec.auth.User != "v1@x.vn" || rec.auth.Service != "" {
		t.Fatalf("version-1 auth record: %+v %v", rec.auth, err)
	}
	if err := w.RecordAuth(ctx, rec.auth); err != nil {
		t.Fatal(err)
	}
	if err := w.RecordAuth(ctx, &AuthEvent{User: "a@x.vn", ClientIP: "127.0.0.1", Mechanism: "IMAP-LOGIN", Result: "failed", Service: ServiceIMAP, WeakPassword: true}); err != nil {
		t.Fatal(err)
	}
	box := &MailboxSession{Service: ServicePOP3, User: "a@x.vn", ClientIP: "127.0.0.1", TLSVersion: "TLS 1.3", Route: "city",
		Upstream: "127.0.0.1:110", Started: now.Add(-90 * time.Second), DurationMS: 90000, BytesIn: 120, BytesOut: 123456, Reason: "client_closed"}
	if err := w.RecordMailboxSession(ctx, box); err != nil {
		t.Fatal(err)
	}
	fctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := w.Flush(fctx); err != nil {
		t.Fatal(err)
	}
	got := srv.Query(t, "SELECT user, service, mechanism, result, weak_password FROM "+s.Table("auth_events")+" ORDER BY user")
	want := "a@x.vn\timap\tIMAP-LOGIN\tfailed\t1\nold@x.vn\tsmtp\tPLAIN\tok\t0\nv1@x.vn\tsmtp\t\tok\t0"
	if got != want {
		t.Errorf("auth_events:\n%s\nwant:\n%s", got, want)
	}
	got = srv.Query(t, "SELECT service, user, tls_version, route, upstream, duration_ms, bytes_in, bytes_out, reason, ts - started FROM "+s.Table("mailbox_sessions"))
	if want := "pop3\ta@x.vn\tTLS 1.3\tcity\t127.0.0.1:110\t90000\t120\t123456\tclient_closed\t90"; got != want {
		t.Errorf("mailbox_sessions:\n%q\nwant %q", got, want)
	}
	if !strings.Contains(srv.Query(t, "SELECT name FROM system.columns WHERE database = '"+s.Database+"' AND table = 'auth_events'"), "service") {
		t.Error("no service column")
	}
}
