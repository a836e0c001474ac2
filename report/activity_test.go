package report_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"mailaudit/audit"
	"mailaudit/internal/chtest"
	"mailaudit/policy"
	"mailaudit/report"
)

// The mailbox fixture, 2024-04-01 .. 2024-04-10, thresholds 3 messages and
// 5 active days, counted by hand:
//
//	R1 reads every day (an IMAP login each of the 10 days), sends nothing
//	   → mailbox 10, active 10: not a low user
//	R2 neither sends nor logs in (a failed IMAP login each day does not
//	   count) → low: no activity
//	R3 sends 2 messages (04-01, 04-02), POP3 logins 04-02 and 04-03
//	   → send 2, mailbox 2, active 3: low for active days only (it reads,
//	   so the message count is not held against it)
//	R4 only SMTP logins, every day, and sends nothing → low: no activity
//	   (a submission login is not reading mail)
//
// Activation by 04-10: R1 (IMAP only) and R3, R4 activated; R2 missing.
const mailboxRoster = `staff_id,full_name,division,city_address,personal_addresses,active_from,active_to
R1,Nguyễn Thị Đọc,Văn phòng,r1@tphcm.gov.vn,,2024-01-01,
R2,Trần Văn Vắng,Văn phòng,r2@tphcm.gov.vn,,2024-01-01,
R3,Lê Thị Vừa,Kế toán,r3@tphcm.gov.vn,,2024-01-01,
R4,Phạm Văn Gửi,Kế toán,r4@tphcm.gov.vn,,2024-01-01,
`

func TestUsageCountsMailboxDays(t *testing.T) {
	srv := chtest.Start(t)
	cfg := audit.Config{ClickHouse: audit.ClickHouseConfig{Addr: audit.AddrList(srv.Addr())}}.WithDefaults()
	conn, err := audit.OpenClickHouse(cfg, srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	schema := audit.SchemaFor(cfg)
	ctx := context.Background()
	if _, _, err := audit.Migrate(ctx, conn, schema, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	day := func(d int) string { return fmt.Sprintf("2024-04-%02d", d) }
	var auths []string
	login := func(user, service, result string, d int) {
		auths = append(auths, fmt.Sprintf("('%s', '%s 09:00:00', '%s', 't', '%s', '10.0.0.1', 'PLAIN', '%s', 0, 0, '%s')",
			uuid.NewString(), day(d), day(d), user, result, service))
	}
	for d := 1; d <= 10; d++ {
		login("r1@tphcm.gov.vn", "imap", "ok", d)
		login("r2@tphcm.gov.vn", "imap", "failed", d)
		login("R4@tphcm.gov.vn", "smtp", "ok", d)
	}
	login("r3@tphcm.gov.vn", "pop3", "ok", 2)
	login("r3@tphcm.gov.vn", "pop3", "ok", 3)
	login("r1@tphcm.gov.vn", "imap", "ok", 11) // outside the period
	srv.Exec(t, "INSERT INTO "+schema.Table("auth_events")+
		" (event_id, ts, date, instance, user, client_ip, mechanism, result, upstream_code, weak_password, service) VALUES "+strings.Join(auths, ", "))
	for _, d := range []int{1, 2} {
		srv.Exec(t, fmt.Sprintf("INSERT INTO %s (event_id, ts, date, mail_from, action, staff_id, division, size) VALUES ('%s', '%s 10:00:00', '%s', 'r3@tphcm.gov.vn', 'relayed', 'R3', 'Kế toán', 100)",
			schema.Table("messages"), uuid.NewString(), day(d), day(d)))
	}
	path := filepath.Join(t.TempDir(), "roster.csv")
	if err := os.WriteFile(path, []byte(mailboxRoster), 0o600); err != nil {
		t.Fatal(err)
	}
	eng, err := policy.New(policy.Config{Roster: path})
	if err != nil {
		t.Fatal(err)
	}
	src := report.NewSource(conn, schema, eng.Roster())
	from, _ := time.Parse(time.DateOnly, "2024-04-01")
	to, _ := time.Parse(time.DateOnly, "2024-04-10")
	p, err := report.ParsePeriod("", from.Format(time.DateOnly), to.Format(time.DateOnly))
	if err != nil {
		t.Fatal(err)
	}
	u, err := src.Usage(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, pu := range u.Persons {
		got[pu.StaffID] = fmt.Sprintf("msgs=%d send=%d mailbox=%d active=%d", pu.Messages, pu.SendDays, pu.MailboxDays, pu.ActiveDays)
	}
	want := map[string]string{
		"R1": "msgs=0 send=0 mailbox=10 active=10",
		"R2": "msgs=0 send=0 mailbox=0 active=0",
		"R3": "msgs=2 send=2 mailbox=2 active=3",
		"R4": "msgs=0 send=0 mailbox=0 active=0",
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: %s, want %s", id, got[id], w)
		}
	}
	if tot := u.Total; tot.MailboxDays != 10 || tot.ActiveDays != 10 || tot.SendDays != 2 {
		t.Errorf("total %+v", tot)
	}
	for _, d := range u.Divisions {
		if d.Division == "Kế toán" && (d.ActiveDays != 3 || d.MailboxDays != 2) {
			t.Errorf("division %+v", d)
		}
	}
	low := report.LowUsageFrom(u, report.Thresholds{MinMessages: 3, MinActiveDays: 5})
	gotLow := map[string]string{}
	for _, l := range low.Users {
		gotLow[l.StaffID] = strings.Join(l.Reasons, ",")
	}
	wantLow := map[string]string{"R2": report.ReasonNoActivity, "R3": report.ReasonFewActiveDays, "R4": report.ReasonNoActivity}
	if fmt.Sprint(gotLow) != fmt.Sprint(wantLow) {
		t.Errorf("low users %v, want %v", gotLow, wantLow)
	}
	act, err := src.Activation(ctx, to)
	if err != nil {
		t.Fatal(err)
	}
	if act.Activated != 3 || len(act.Missing) != 1 || act.Missing[0].StaffID != "R2" {
		t.Errorf("activation %+v", act)
	}
	var buf strings.Builder
	if err := report.Write(&buf, report.FormatCSV, u, report.LangEN, 0); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "Mailbox login days") {
		t.Errorf("usage CSV has no mailbox column:\n%s", buf.String())
	}
}
