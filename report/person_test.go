package report_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"mailaudit/report"
	fixture "mailaudit/report/reporttest"
)

// TestPerson checks the person report against the fixture's hand counts
// (reporttest and its mailbox part) and against the usage report.
func TestPerson(t *testing.T) {
	env := fixture.Start(t)
	fixture.LoadMailbox(t, env)
	src := report.NewSource(env.Conn, env.Schema, env.Roster)
	ctx := context.Background()
	q2, _ := report.ParseQuarter("2024Q2")
	usage, err := src.Usage(ctx, q2)
	if err != nil {
		t.Fatal(err)
	}
	usageOf := func(id string) report.Counts {
		for _, p := range usage.Persons {
			if p.StaffID == id {
				return p.Counts
			}
		}
		t.Fatalf("no usage row for %q", id)
		return report.Counts{}
	}
	states := func(r *report.PersonReport) map[string][]string {
		m := map[string][]string{}
		for _, d := range r.Days {
			s := d.State()
			if !d.OnRoster {
				s = "off"
			}
			m[s] = append(m[s], d.Date.Format("01-02"))
		}
		return m
	}

	t03, err := src.Person(ctx, report.PersonRef{StaffID: "T03"}, q2)
	if err != nil {
		t.Fatal(err)
	}
	if len(t03.Days) != 91 {
		t.Errorf("T03: %d days in 2024Q2, want 91", len(t03.Days))
	}
	st := states(t03)
	for s, want := range map[string]string{
		report.DaySent: "04-10,04-11,04-15", report.DayBoth: "04-12", report.DayMailbox: "04-16,04-17",
	} {
		if got := strings.Join(st[s], ","); got != want {
			t.Errorf("T03 %s days %s, want %s", s, got, want)
		}
	}
	if len(st[report.DayNone]) != 91-6 || len(st["off"]) != 0 {
		t.Errorf("T03: %d days with neither, %d off the roster", len(st[report.DayNone]), len(st["off"]))
	}
	if got := fmt.Sprintf("%d/%d/%d/%d", t03.Messages, t03.SendDays, t03.MailboxDays, t03.ActiveDays); got != "4/4/3/6" {
		t.Errorf("T03 messages/send/mailbox/active %s, want 4/4/3/6", got)
	}
	u := usageOf("T03")
	if t03.Messages != u.Messages || t03.SendDays != u.SendDays || t03.MailboxDays != u.MailboxDays ||
		t03.ActiveDays != u.ActiveDays || t03.Attempts != u.Attempts || t03.Flagged != u.Flagged {
		t.Errorf("T03 person %+v, usage %+v", t03.Counts, u)
	}
	var sess []string
	for _, s := range t03.Sessions {
		sess = append(sess, fmt.Sprintf("%s %s %s %d %d %d %s", s.EventID[len(s.EventID)-4:], s.Service,
			report.LocalTime(s.Started), s.DurationMS, s.BytesIn, s.BytesOut, s.Reason))
	}
	wantSess := []string{
		"b001 imap 2024-04-12 08:55:00 2700000 1234 2345678 client_closed",
		"b002 imap 2024-04-16 09:00:00 9015000 56789 1048576 idle",
		"b003 pop3 2024-04-17 07:30:00 65000 120 491769 server_closed",
	}
	if !slices.Equal(sess, wantSess) {
		t.Errorf("T03 sessions\n%s\nwant\n%s", strings.Join(sess, "\n"), strings.Join(wantSess, "\n"))
	}
	if got := fmt.Sprintf("%d %d %d %d", t03.SessionCount, t03.SessionMS, t03.BytesIn, t03.BytesOut); got != "3 11780000 58143 3886023" {
		t.Errorf("T03 session totals %s", got)
	}
	var logins []string
	for _, l := range t03.Logins {
		logins = append(logins, fmt.Sprintf("%s %s %d/%d", l.Service, l.Result, l.Attempts, l.Rows))
	}
	if got := strings.Join(logins, ", "); got != "imap failed 1/1, imap locked 7/1, imap ok 2/2, pop3 ok 1/1, smtp failed 2/2, smtp ok 1/1" {
		t.Errorf("T03 logins: %s", got)
	}

	t02, err := src.Person(ctx, report.PersonRef{StaffID: "T02"}, q2)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(states(t02)[report.DaySent]); got != "[05-15]" {
		t.Errorf("T02 sent days %s, want only 05-15 (the 05-21 message was rejected)", got)
	}
	groups := map[string][]string{}
	for _, g := range t02.Findings {
		for _, m := range g.Messages {
			groups[g.Kind] = append(groups[g.Kind], m.Date+" "+m.Action)
		}
	}
	if got := fmt.Sprint(groups); got != "map[bypass_personal_recipient:[2024-05-15 relayed 2024-05-21 rejected] secret_document:[2024-05-21 rejected]]" {
		t.Errorf("T02 findings %s", got)
	}
	if g := t02.Findings; len(g) != 2 || g[1].Messages[0].EventID != fixture.SecretEventID {
		t.Errorf("T02 secret document group %+v", g)
	}
	if t02.Attempts != 4 || t02.Flagged != 2 || t02.ActiveDays != 1 || len(t02.Sessions) != 0 || t02.SessionCount != 0 {
		t.Errorf("T02 %+v", t02.Counts)
	}

	// T06 joined on 06-01: the 61 days before are off the roster.
	t06, err := src.Person(ctx, report.PersonRef{StaffID: "T06"}, q2)
	if err != nil {
		t.Fatal(err)
	}
	st = states(t06)
	if len(st["off"]) != 61 || st["off"][60] != "05-31" || fmt.Sprint(st[report.DaySent]) != "[06-10]" || t06.RosterDays != 30 {
		t.Errorf("T06 off %d (last %v), sent %v, roster days %d", len(st["off"]), st["off"], st[report.DaySent], t06.RosterDays)
	}

	// Someone not on the roster, by address in any case.
	for _, a := range []string{"someone@gmail.com", "SomeOne@Gmail.COM"} {
		un, err := src.Person(ctx, report.PersonRef{Address: a}, q2)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, g := range un.Findings {
			kinds = append(kinds, fmt.Sprintf("%s:%d", g.Kind, len(g.Messages)))
		}
		if un.OnRoster || un.Messages != 1 || fmt.Sprint(states(un)[report.DaySent]) != "[05-05]" ||
			strings.Join(kinds, ",") != "bypass_personal_sender:1,unknown_sender:1" {
			t.Errorf("%s: %+v, kinds %v", a, un.Counts, kinds)
		}
	}

	// Bad and hostile references: a clear error, or nobody, never SQL.
	for _, ref := range []report.PersonRef{{}, {StaffID: "T01", Address: "a@b.c"}, {StaffID: "T01\n"}, {Address: "no-at-sign"},
		{Address: "a b@c.d"}, {StaffID: strings.Repeat("x", 65)}} {
		if _, err := src.Person(ctx, ref, q2); err == nil {
			t.Errorf("%+v: accepted", ref)
		}
	}
	for _, id := range []string{"T99", "T01' OR 1=1 --", `T01\' OR staff_id != '`} {
		if _, err := src.Person(ctx, report.PersonRef{StaffID: id}, q2); !errors.Is(err, report.ErrUnknownPerson) {
			t.Errorf("staff %q: %v, want ErrUnknownPerson", id, err)
		}
	}
	inj, err := src.Person(ctx, report.PersonRef{Address: "x'OR'1'='1@gmail.com"}, q2)
	if err != nil || inj.Messages != 0 || len(inj.Findings) != 0 {
		t.Errorf("quoted address: %v %+v", err, inj)
	}
}

// TestFindingsPaging: pages of the findings list follow each other with
// no gap and no overlap, and the total counts every message once.
func TestFindingsPaging(t *testing.T) {
	env := fixture.Start(t)
	src := report.NewSource(env.Conn, env.Schema, env.Roster)
	ctx := context.Background()
	q2, _ := report.ParseQuarter("2024Q2")
	all, err := src.Findings(ctx, report.FindingsFilter{Period: q2})
	if err != nil {
		t.Fatal(err)
	}
	// Q2's flagged messages: unknown sender 05-05, T02 05-15 and 05-21
	// (stored twice), T01 06-28.
	if len(all.Rows) != 4 || all.Total != 4 {
		t.Fatalf("all findings: %d rows, total %d", len(all.Rows), all.Total)
	}
	var paged []string
	for off := 0; off < 6; off += 3 {
		p, err := src.Findings(ctx, report.FindingsFilter{Period: q2, Limit: 3, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 4 || p.Truncated != (off == 0) {
			t.Errorf("offset %d: total %d, truncated %v", off, p.Total, p.Truncated)
		}
		for _, r := range p.Rows {
			paged = append(paged, r.EventID)
		}
	}
	var want []string
	for _, r := range all.Rows {
		want = append(want, r.EventID)
	}
	if !slices.Equal(paged, want) {
		t.Errorf("pages %v, whole list %v", paged, want)
	}
	if all.Rows[2].EventID != fixture.SecretEventID || all.Rows[0].Time.After(all.Rows[1].Time) {
		t.Errorf("order: %v", want)
	}
	if _, err := src.Findings(ctx, report.FindingsFilter{Period: q2, Offset: 3}); err == nil {
		t.Error("an offset without a limit was accepted")
	}
}
