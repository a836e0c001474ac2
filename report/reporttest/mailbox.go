package reporttest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// The mailbox part of the fixture, for the person page. It is loaded on
// request (LoadMailbox) so that the figures above stay as counted. All of
// it is T03's (lhphuc@tphcm.gov.vn, who sends on 04-10, 04-11, 04-12 and
// 04-15), counted by hand:
//
//	logins  IMAP ok 04-12 08:55, IMAP ok 04-16 09:00, POP3 ok 04-17 07:30,
//	        IMAP failed 04-18 10:00, IMAP locked 04-18 10:05 (standing for 7
//	        refusals), IMAP ok 2024-07-02 (Q3)
//	        → Q2 calendar: sent only 04-10, 04-11, 04-15; both 04-12;
//	          mailbox only 04-16, 04-17; send days 4, mailbox days 3,
//	          active days 6; every other day of the 91 neither
//	        → Q2 login summary, with the base fixture's SMTP rows:
//	          imap ok 2, imap failed 1, imap locked 7 (1 row), pop3 ok 1,
//	          smtp failed 2 (one row stored twice), smtp ok 1
//	sessions (start, local time; the duration is the recorded one)
//	        S1 IMAP 04-12 08:55, 2,700,000 ms (0:45:00), 1,234 in, 2,345,678
//	           out, client_closed (stored twice)
//	        S2 IMAP 04-16 09:00, 9,015,000 ms (2:30:15), 56,789 in, 1,048,576
//	           out, idle
//	        S3 POP3 04-17 07:30, 65,000 ms (0:01:05), 120 in, 491,769 out,
//	           server_closed
//	        S4 IMAP 2024-07-02 (Q3)
//	        → Q2: 3 sessions, 11,780,000 ms (3:16:20), 58,143 bytes in,
//	          3,886,023 bytes out
const (
	MailboxUser = "lhphuc@tphcm.gov.vn"
	Session1    = "00000000-0000-4000-8000-00000000b001"
	Session2    = "00000000-0000-4000-8000-00000000b002"
	Session3    = "00000000-0000-4000-8000-00000000b003"
	Session4    = "00000000-0000-4000-8000-00000000b004"
)

// LoadMailbox adds the mailbox logins and sessions above to a loaded
// fixture.
func LoadMailbox(t testing.TB, env *Env) {
	t.Helper()
	utc := func(s string) string { return local(s).UTC().Format(time.DateTime) }
	day := func(s string) string { return s[:10] }
	var auths []string
	login := func(at, service, result string, attempts int) {
		auths = append(auths, fmt.Sprintf("('%s', '%s', '%s', 't', '%s', '10.0.0.7', 'PLAIN', '%s', 0, 0, %d, '%s')",
			uuid.NewString(), utc(at), day(at), MailboxUser, result, attempts, service))
	}
	login("2024-04-12 08:55", "imap", "ok", 1)
	login("2024-04-16 09:00", "imap", "ok", 1)
	login("2024-04-17 07:30", "pop3", "ok", 1)
	login("2024-04-18 10:00", "imap", "failed", 1)
	login("2024-04-18 10:05", "imap", "locked", 7)
	login("2024-07-02 08:00", "imap", "ok", 1)
	env.Server.Exec(t, "INSERT INTO "+env.Schema.Table("auth_events")+
		" (event_id, ts, date, instance, user, client_ip, mechanism, result, upstream_code, weak_password, attempts, service) VALUES "+
		strings.Join(auths, ", "))

	var sessions []string
	session := func(id, service, from, to string, ms, in, out uint64, reason string) {
		sessions = append(sessions, fmt.Sprintf("('%s', '%s', '%s', 't', '%s', '%s', '10.0.0.7', 'TLS 1.3', 'city', '127.0.0.1:993', '%s', %d, %d, %d, '%s')",
			id, utc(to), day(to), service, MailboxUser, utc(from), ms, in, out, reason))
	}
	session(Session1, "imap", "2024-04-12 08:55", "2024-04-12 09:40", 2_700_000, 1_234, 2_345_678, "client_closed")
	session(Session1, "imap", "2024-04-12 08:55", "2024-04-12 09:40", 2_700_000, 1_234, 2_345_678, "client_closed")
	session(Session2, "imap", "2024-04-16 09:00", "2024-04-16 11:30", 9_015_000, 56_789, 1_048_576, "idle")
	session(Session3, "pop3", "2024-04-17 07:30", "2024-04-17 07:31", 65_000, 120, 491_769, "server_closed")
	session(Session4, "imap", "2024-07-02 08:00", "2024-07-02 08:10", 600_000, 10, 20, "client_closed")
	env.Server.Exec(t, "INSERT INTO "+env.Schema.Table("mailbox_sessions")+
		" (event_id, ts, date, instance, service, user, client_ip, tls_version, route, upstream, started, duration_ms, bytes_in, bytes_out, reason) VALUES "+
		strings.Join(sessions, ", "))
}
