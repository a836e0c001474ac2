// Package reporttest is the report tests' fixed data set: a seven-person
// roster and a few dozen audit rows whose every figure is counted by hand
// in the comments below, loaded into a private ClickHouse.
//
// Quarter 2024Q2 (2024-04-01 .. 2024-06-30), thresholds 3 messages / 2 days:
//
//	T01 Nguyễn Văn Thành     Ban Giám đốc           5 relayed on 4 days (04-02 x2, 05-15, 06-28, 06-30 23:30 local);
//	                                               mandated 4: thong_bao, cong_van, bao_cao, giay_moi; 1 ca_nhan with
//	                                               personal_use. A 6th message at 2024-07-01 00:30 local is in Q3.
//	T02 Trần Thị Bích Ngọc   Ban Giám đốc           3 relayed on 05-15 (cong_van, tai_lieu_cong_viec with
//	                                               bypass_personal_recipient, khong_xac_dinh) + 1 rejected secret
//	                                               bao_cao on 05-21 (secret_document, bypass_personal_recipient),
//	                                               stored twice in messages (a replay duplicate) → LOW: 1 day
//	T03 Lê Hoàng Phúc        Hành chính - Tổng hợp  4 relayed on 4 days (thong_bao x2, lich_cong_tac, ke_hoach);
//	                                               1 more on 2024-03-31 (Q1)
//	T04 Phạm Thị Ngọc Ánh    Hành chính - Tổng hợp  nothing → LOW: no activity
//	T05 Đặng Quốc Bảo        Kế toán                left 2024-03-31; 1 message in Q1 → not in Q2
//	T06 Trương Thị Thanh Hương Kế toán              joined 2024-06-01; 1 relayed bao_cao → LOW: few messages, few days
//	T07 Huỳnh Thị Mỹ Linh    Kế toán                1 tempfailed thong_bao → LOW: none relayed
//	(unknown) someone@gmail.com                    1 relayed tai_lieu_cong_viec on 05-05 (mandated;
//	                                               unknown_sender, bypass_personal_sender)
//
// Activation by 2024-05-23: T01 ok 05-21; T02 failed 05-21, ok 05-22; T03
// failed twice 05-22 (one row duplicated), first ok 06-03 (login written in
// upper case); T04 never; T05 ok but gone; T06 joins later; T07 ok
// 2024-05-23 23:00 local (16:00 UTC). Missing: T03 (2 failed, first login
// 2024-06-03), T04 (never); members 5, activated 3.
package reporttest

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/google/uuid"

	"mailaudit/audit"
	"mailaudit/internal/chtest"
	"mailaudit/policy"
	"mailaudit/report/demodata"
)

// RosterCSV is the fixture roster.
const RosterCSV = `staff_id,full_name,division,city_address,personal_addresses,active_from,active_to
T01,Nguyễn Văn Thành,Ban Giám đốc,nvthanh@tphcm.gov.vn,,2024-01-01,
T02,Trần Thị Bích Ngọc,Ban Giám đốc,ttbngoc@tphcm.gov.vn,bichngoc.tran1976@yahoo.com.vn,2024-01-01,
T03,Lê Hoàng Phúc,Hành chính - Tổng hợp,lhphuc@tphcm.gov.vn,,2024-01-01,
T04,Phạm Thị Ngọc Ánh,Hành chính - Tổng hợp,ptnanh@tphcm.gov.vn,,2024-01-01,
T05,Đặng Quốc Bảo,Kế toán,dqbao@tphcm.gov.vn,,2024-01-01,2024-03-31
T06,Trương Thị Thanh Hương,Kế toán,ttthuong@tphcm.gov.vn,,2024-06-01,
T07,Huỳnh Thị Mỹ Linh,Kế toán,htmlinh@tphcm.gov.vn,,2024-01-01,
`

// Event ids of the rows stored twice: the rejected secret document and a
// failed login.
const (
	SecretEventID = "00000000-0000-4000-8000-00000000c0de"
	DupAuthID     = "00000000-0000-4000-8000-0000000a0702"
)

// local builds a time on the agency's clock.
func local(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, time.FixedZone("ICT", 7*3600))
	if err != nil {
		panic(err)
	}
	return t
}

// Messages are the fixture's audit rows (each once).
func Messages() []demodata.Message {
	const bgd, hc, kt = "Ban Giám đốc", "Hành chính - Tổng hợp", "Kế toán"
	m := func(at, staff, div, from, typ string, mandated bool, action string, flags ...string) demodata.Message {
		return demodata.Message{Time: local(at), AuthUser: from, MailFrom: from, RcptTo: []string{"vanphong@svhtt.tphcm.gov.vn"},
			Type: typ, Mandated: mandated, Action: action, Flags: flags, StaffID: staff, Division: div,
			Subject: "Văn bản " + typ, Size: 20000, Confidence: 0.9, Signals: []string{"subject: " + typ + " (2.0)"}}
	}
	const ok, rej, temp = audit.ActionRelayed, audit.ActionRejected, audit.ActionTempfailed
	t01, t02, t03 := "nvthanh@tphcm.gov.vn", "ttbngoc@tphcm.gov.vn", "lhphuc@tphcm.gov.vn"
	secret := m("2024-05-21 10:00", "T02", bgd, t02, "bao_cao", true, rej, "secret_document", "bypass_personal_recipient")
	secret.EventID, secret.Secrecy, secret.DocNumber = uuid.MustParse(SecretEventID), "mat", "12/BC-TTTL"
	secret.RcptTo = []string{"bichngoc.tran1976@yahoo.com.vn"}
	tlcv := m("2024-05-15 14:00", "T02", bgd, t02, "tai_lieu_cong_viec", true, ok, "bypass_personal_recipient")
	tlcv.RcptTo = []string{"bichngoc.tran1976@yahoo.com.vn"}
	unknown := m("2024-05-05 09:00", "", "", "someone@gmail.com", "tai_lieu_cong_viec", true, ok, "bypass_personal_sender", "unknown_sender")
	return []demodata.Message{
		m("2024-04-02 08:00", "T01", bgd, t01, "thong_bao", true, ok),
		m("2024-04-02 09:00", "T01", bgd, t01, "cong_van", true, ok),
		m("2024-05-15 10:00", "T01", bgd, t01, "bao_cao", true, ok),
		m("2024-06-28 12:00", "T01", bgd, t01, "ca_nhan", false, ok, "personal_use"),
		m("2024-06-30 23:30", "T01", bgd, t01, "giay_moi", true, ok),
		m("2024-07-01 00:30", "T01", bgd, t01, "giay_moi", true, ok),
		m("2024-05-15 08:30", "T02", bgd, t02, "cong_van", true, ok),
		tlcv,
		m("2024-05-15 16:00", "T02", bgd, t02, "khong_xac_dinh", false, ok),
		secret,
		m("2024-04-10 08:00", "T03", hc, t03, "thong_bao", true, ok),
		m("2024-04-11 08:00", "T03", hc, t03, "thong_bao", true, ok),
		m("2024-04-12 08:00", "T03", hc, t03, "lich_cong_tac", true, ok),
		m("2024-04-15 08:00", "T03", hc, t03, "ke_hoach", true, ok),
		m("2024-03-31 08:00", "T03", hc, t03, "thong_bao", true, ok),
		m("2024-03-15 08:00", "T05", kt, "dqbao@tphcm.gov.vn", "thong_bao", true, ok),
		m("2024-06-10 08:00", "T06", kt, "ttthuong@tphcm.gov.vn", "bao_cao", true, ok),
		m("2024-04-20 08:00", "T07", kt, "htmlinh@tphcm.gov.vn", "thong_bao", true, temp),
		unknown,
	}
}

// Auths are the fixture's AUTH attempts (each once).
func Auths() []demodata.Auth {
	a := func(at, user, result string) demodata.Auth {
		return demodata.Auth{Time: local(at), User: user, Result: result}
	}
	dup := a("2024-05-22 09:00", "lhphuc@tphcm.gov.vn", "failed")
	dup.EventID = uuid.MustParse(DupAuthID)
	return []demodata.Auth{
		a("2024-05-21 08:00", "nvthanh@tphcm.gov.vn", "ok"),
		a("2024-05-21 08:00", "ttbngoc@tphcm.gov.vn", "failed"),
		a("2024-05-22 08:00", "ttbngoc@tphcm.gov.vn", "ok"),
		dup,
		a("2024-05-22 09:05", "lhphuc@tphcm.gov.vn", "failed"),
		a("2024-06-03 08:00", "LHPhuc@TPHCM.gov.vn", "ok"),
		a("2024-05-21 08:00", "dqbao@tphcm.gov.vn", "ok"),
		a("2024-05-23 23:00", "htmlinh@tphcm.gov.vn", "ok"),
	}
}

// Env is a loaded fixture.
type Env struct {
	Server *chtest.Server
	Conn   driver.Conn
	Schema audit.Schema
	Roster *policy.Roster
	// RosterPath is the roster file, for commands that load it themselves.
	RosterPath string
}

// Start starts a private ClickHouse, creates the schema and loads the
// fixture, duplicates included.
func Start(t testing.TB) *Env {
	t.Helper()
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
	if err := demodata.InsertMessages(ctx, conn, schema, Messages()); err != nil {
		t.Fatal(err)
	}
	if err := demodata.InsertAuth(ctx, conn, schema, Auths()); err != nil {
		t.Fatal(err)
	}
	// A replay duplicate reaches messages only: the writer's replay check
	// keeps it out of the materialized view's path, which detaching the
	// view reproduces here.
	srv.Exec(t, "DETACH TABLE "+schema.Table("messages_daily_mv"))
	var dup []demodata.Message
	for _, m := range Messages() {
		if m.EventID.String() == SecretEventID {
			dup = append(dup, m)
		}
	}
	if err := demodata.InsertMessages(ctx, conn, schema, dup); err != nil {
		t.Fatal(err)
	}
	srv.Exec(t, "ATTACH TABLE "+schema.Table("messages_daily_mv"))
	for _, a := range Auths() {
		if a.EventID.String() == DupAuthID {
			if err := demodata.InsertAuth(ctx, conn, schema, []demodata.Auth{a}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := srv.QueryUint64(t, "SELECT count() FROM "+schema.Table("messages")+" WHERE event_id = toUUID('"+SecretEventID+"')"); n != 2 {
		t.Fatalf("fixture: the duplicate is not in place: %d copies", n)
	}

	path := filepath.Join(t.TempDir(), "roster.csv")
	if err := os.WriteFile(path, []byte(RosterCSV), 0o600); err != nil {
		t.Fatal(err)
	}
	eng, err := policy.New(policy.Config{Roster: path})
	if err != nil {
		t.Fatal(err)
	}
	return &Env{Server: srv, Conn: conn, Schema: schema, Roster: eng.Roster(), RosterPath: path}
}
