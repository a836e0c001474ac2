package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"mailaudit/report"
	fixture "mailaudit/report/reporttest"
)

// The expected figures below are counted by hand from the fixture's
// comment (report/internal/fixture), not computed by the code under test.

func q2(t *testing.T) report.Period {
	t.Helper()
	p, err := report.ParseQuarter("2024Q2")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

type personWant struct {
	id                                          string
	messages, attempts, mandated, days, flagged uint64
	byType                                      map[string]uint64
	byKind                                      map[string]uint64
}

func TestReportsOnFixture(t *testing.T) {
	env := fixture.Start(t)
	src := report.NewSource(env.Conn, env.Schema, env.Roster)
	ctx := context.Background()

	u, err := src.Usage(ctx, q2(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("usage persons", func(t *testing.T) {
		want := []personWant{
			{"T01", 5, 5, 4, 4, 1, map[string]uint64{"thong_bao": 1, "cong_van": 1, "bao_cao": 1, "giay_moi": 1}, map[string]uint64{"personal_use": 1}},
			{"T02", 3, 4, 2, 1, 2, map[string]uint64{"cong_van": 1, "tai_lieu_cong_viec": 1}, map[string]uint64{"bypass_personal_recipient": 2, "secret_document": 1}},
			{"T03", 4, 4, 4, 4, 0, map[string]uint64{"thong_bao": 2, "lich_cong_tac": 1, "ke_hoach": 1}, map[string]uint64{}},
			{"T04", 0, 0, 0, 0, 0, map[string]uint64{}, map[string]uint64{}},
			{"T06", 1, 1, 1, 1, 0, map[string]uint64{"bao_cao": 1}, map[string]uint64{}},
			{"T07", 0, 1, 0, 0, 0, map[string]uint64{}, map[string]uint64{}},
			{"", 1, 1, 1, 1, 1, map[string]uint64{"tai_lieu_cong_viec": 1}, map[string]uint64{"bypass_personal_sender": 1, "unknown_sender": 1}},
		}
		if len(u.Persons) != len(want) {
			t.Fatalf("persons: got %d rows %+v, want %d", len(u.Persons), u.Persons, len(want))
		}
		for i, w := range want {
			g := u.Persons[i]
			if g.StaffID != w.id {
				t.Fatalf("row %d: staff %q, want %q", i, g.StaffID, w.id)
			}
			got := personWant{g.StaffID, g.Messages, g.Attempts, g.Mandated, g.ActiveDays, g.Flagged, g.MandatedByType, g.FindingsByKind}
			if !reflect.DeepEqual(got, w) {
				t.Errorf("%s:\n got %+v\nwant %+v", w.id, got, w)
			}
		}
		if n := u.Persons[0].FullName; n != "Nguyễn Văn Thành" {
			t.Errorf("name %q", n)
		}
		if d := u.Persons[4].RosterDays; d != 30 {
			t.Errorf("T06 roster days %d, want 30 (joined 06-01)", d)
		}
	})
	t.Run("usage divisions and total", func(t *testing.T) {
		type dw struct {
			name                                        string
			staff                                       int
			messages, attempts, mandated, days, flagged uint64
		}
		want := []dw{
			{"Ban Giám đốc", 2, 8, 9, 6, 4, 3},
			{"Hành chính - Tổng hợp", 2, 4, 4, 4, 4, 0},
			{"Kế toán", 2, 1, 2, 1, 1, 0},
			{"", 0, 1, 1, 1, 1, 1},
		}
		var got []dw
		for _, d := range u.Divisions {
			got = append(got, dw{d.Division, d.Staff, d.Messages, d.Attempts, d.Mandated, d.ActiveDays, d.Flagged})
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("divisions:\n got %+v\nwant %+v", got, want)
		}
		tot := u.Total
		if tot.Messages != 14 || tot.Attempts != 16 || tot.Mandated != 12 || tot.ActiveDays != 10 || tot.Flagged != 4 {
			t.Errorf("total %+v", tot)
		}
		wantTypes := map[string]uint64{"thong_bao": 3, "cong_van": 2, "bao_cao": 2, "giay_moi": 1, "lich_cong_tac": 1, "ke_hoach": 1, "tai_lieu_cong_viec": 2}
		if !reflect.DeepEqual(tot.MandatedByType, wantTypes) {
			t.Errorf("total by type %v", tot.MandatedByType)
		}
		wantKinds := map[string]uint64{"personal_use": 1, "bypass_personal_recipient": 2, "secret_document": 1, "unknown_sender": 1, "bypass_personal_sender": 1}
		if !reflect.DeepEqual(tot.FindingsByKind, wantKinds) {
			t.Errorf("total by kind %v", tot.FindingsByKind)
		}
		if want := []string{"thong_bao", "cong_van", "giay_moi", "bao_cao", "lich_cong_tac", "ke_hoach", "tai_lieu_cong_viec"}; !reflect.DeepEqual(u.Types, want) {
			t.Errorf("type columns %v", u.Types)
		}
	})

	th := report.Thresholds{MinMessages: 3, MinActiveDays: 2}
	low, err := src.LowUsage(ctx, q2(t), th)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("low usage", func(t *testing.T) {
		got := map[string][]string{}
		for _, l := range low.Users {
			got[l.StaffID] = l.Reasons
		}
		want := map[string][]string{
			"T02": {report.ReasonFewActiveDays},
			"T04": {report.ReasonNoActivity},
			"T06": {report.ReasonFewMessages, report.ReasonFewActiveDays},
			"T07": {report.ReasonNoneRelayed},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("low users:\n got %v\nwant %v", got, want)
		}
	})

	t.Run("findings", func(t *testing.T) {
		f, err := src.Findings(ctx, report.FindingsFilter{Period: q2(t)})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range f.Rows {
			ids = append(ids, r.StaffID+"/"+r.Type+"/"+r.Action)
		}
		want := []string{"/tai_lieu_cong_viec/relayed", "T02/tai_lieu_cong_viec/relayed", "T02/bao_cao/rejected", "T01/ca_nhan/relayed"}
		if !reflect.DeepEqual(ids, want) {
			t.Errorf("findings %v, want %v", ids, want)
		}
		s := f.Rows[2]
		if s.EventID != fixture.SecretEventID || s.DocNumber != "12/BC-TTTL" || s.FullName != "Trần Thị Bích Ngọc" ||
			!reflect.DeepEqual(s.Recipients, []string{"bichngoc.tran1976@yahoo.com.vn"}) ||
			report.LocalTime(s.Time) != "2024-05-21 10:00:00" {
			t.Errorf("secret row %+v", s)
		}
		for kind, n := range map[string]int{"secret_document": 1, "bypass_personal_recipient": 2, "personal_use": 1, "weak_password": 0} {
			f, err := src.Findings(ctx, report.FindingsFilter{Period: q2(t), Kinds: []string{kind}})
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Rows) != n {
				t.Errorf("kind %s: %d rows, want %d", kind, len(f.Rows), n)
			}
		}
		f, err = src.Findings(ctx, report.FindingsFilter{Period: q2(t), StaffID: "T02", Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Rows) != 1 || !f.Truncated {
			t.Errorf("limit: %d rows, truncated %v", len(f.Rows), f.Truncated)
		}
		m, err := src.Message(ctx, fixture.SecretEventID, "2024-05-21")
		if err != nil {
			t.Fatal(err)
		}
		if m.Secrecy != "mat" || !m.Mandated || m.Action != "rejected" || len(m.Signals) != 1 {
			t.Errorf("message %+v", m)
		}
		if _, err := src.Message(ctx, "00000000-0000-4000-8000-000000000001", ""); err == nil {
			t.Error("unknown message found")
		}
	})

	t.Run("types", func(t *testing.T) {
		ty, err := src.Types(ctx, q2(t), report.ByMonth)
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			start             string
			by                map[string]uint64
			messages, flagged uint64
		}
		want := []row{
			{"2024-04-01", map[string]uint64{"thong_bao": 3, "cong_van": 1, "lich_cong_tac": 1, "ke_hoach": 1}, 6, 0},
			{"2024-05-01", map[string]uint64{"bao_cao": 1, "cong_van": 1, "tai_lieu_cong_viec": 2, "khong_xac_dinh": 1}, 5, 3},
			{"2024-06-01", map[string]uint64{"ca_nhan": 1, "giay_moi": 1, "bao_cao": 1}, 3, 1},
		}
		var got []row
		for _, r := range ty.Rows {
			got = append(got, row{r.Start, r.ByType, r.Messages, r.Flagged})
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("types:\n got %+v\nwant %+v", got, want)
		}
		if ty.Total.Messages != 14 || ty.Total.Flagged != 4 || ty.Total.ByType["thong_bao"] != 3 {
			t.Errorf("types total %+v", ty.Total)
		}
		wk, err := src.Types(ctx, q2(t), report.ByWeek)
		if err != nil {
			t.Fatal(err)
		}
		// 2024-04-01 is a Monday; 2024-06-24's week holds 06-28 and 06-30.
		if len(wk.Rows) != 13 || wk.Rows[0].Start != "2024-04-01" || wk.Rows[12].Start != "2024-06-24" || wk.Rows[12].Messages != 2 {
			t.Errorf("weeks: %d rows, first %+v last %+v", len(wk.Rows), wk.Rows[0], wk.Rows[len(wk.Rows)-1])
		}
	})

	t.Run("activation", func(t *testing.T) {
		d, _ := report.ParseDay("2024-05-23")
		a, err := src.Activation(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if a.Members != 5 || a.Activated != 3 || len(a.Missing) != 2 {
			t.Fatalf("activation %+v", a)
		}
		t03, t04 := a.Missing[0], a.Missing[1]
		if t03.StaffID != "T03" || t03.FailedByDeadline != 2 || t03.FirstLogin == nil || report.LocalTime(*t03.FirstLogin) != "2024-06-03 08:00:00" {
			t.Errorf("T03 %+v", t03)
		}
		if t04.StaffID != "T04" || t04.FailedByDeadline != 0 || t04.FirstLogin != nil {
			t.Errorf("T04 %+v", t04)
		}
		// One day earlier T07 (23:00 on the 23rd) has not logged in yet.
		d, _ = report.ParseDay("2024-05-22")
		a, err = src.Activation(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if a.Activated != 2 || len(a.Missing) != 3 || a.Missing[2].StaffID != "T07" {
			t.Errorf("activation 05-22 %+v", a)
		}
	})

	t.Run("formats", func(t *testing.T) {
		testFormats(t, u, low)
	})
}

// testFormats renders the fixture's reports in every format and reads the
// figures back.
func testFormats(t *testing.T, u *report.UsageReport, low *report.LowUsageReport) {
	render := func(format string, rep report.Tabler, lang string, table int) []byte {
		var b bytes.Buffer
		if err := report.Write(&b, format, rep, lang, table); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		return b.Bytes()
	}

	// Terminal table: columns line up by display width, names intact.
	txt := string(render(report.FormatTable, u, report.LangVI, 0))
	lines := strings.Split(txt, "\n")
	var header, thanh, total string
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "Mã "):
			if header == "" {
				header = l
			}
		case strings.HasPrefix(l, "T01 "):
			thanh = l
		case strings.Contains(l, "Tổng cộng") && total == "":
			total = l
		}
	}
	if header == "" || thanh == "" || total == "" {
		t.Fatalf("table text:\n%s", txt)
	}
	col := strings.Index(header, "Thư qua HT Thành phố")
	if report.DisplayWidth(header[:col]) != report.DisplayWidth("T01  Nguyễn Văn Thành        Ban Giám đốc           ") {
		t.Errorf("header not aligned with the data:\n%s\n%s", header, thanh)
	}
	if !strings.HasPrefix(thanh, "T01  Nguyễn Văn Thành        Ban Giám đốc") {
		t.Errorf("row: %q", thanh)
	}
	// Every data line has the same display width up to the last column's
	// right edge: numbers are right-aligned.
	if report.DisplayWidth(strings.TrimRight(thanh, " ")) != report.DisplayWidth(strings.TrimRight(total, " ")) {
		t.Errorf("rows of different widths:\n%s\n%s", thanh, total)
	}
	if f := strings.Fields(total); len(f) < 9 || f[2] != "14" || f[3] != "12" || f[4] != "10" || f[5] != "10" || f[6] != "0" || f[7] != "4" || f[8] != "16" {
		t.Errorf("totals line %q", total)
	}

	// CSV: BOM, header, one row per person, no totals.
	data := render(report.FormatCSV, u, report.LangEN, 0)
	if !bytes.HasPrefix(data, []byte("\uFEFF")) {
		t.Error("csv: no byte order mark")
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+7 || recs[0][0] != "Staff id" || recs[0][3] != "Messages via city system" {
		t.Fatalf("csv: %v", recs)
	}
	if r := recs[2]; r[0] != "T02" || r[1] != "Trần Thị Bích Ngọc" || r[3] != "3" || r[4] != "2" || r[5] != "1" || r[6] != "1" || r[7] != "0" || r[8] != "2" || r[9] != "4" {
		t.Errorf("csv T02: %v", r)
	}
	divs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(render(report.FormatCSV, u, report.LangVI, 1), []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(divs) != 5 || divs[1][0] != "Ban Giám đốc" || divs[1][1] != "2" || divs[1][2] != "8" || divs[1][4] != "4" {
		t.Errorf("csv divisions: %v", divs)
	}
	lowCSV, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(render(report.FormatCSV, low, report.LangEN, 0), []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(lowCSV) != 5 || lowCSV[2][0] != "T04" || lowCSV[2][8] != "No message at all in the period" ||
		lowCSV[3][8] != "1 messages < threshold 3; 1 active days < threshold 2; on the roster 30 of the period's 91 days only" {
		t.Errorf("low csv: %v", lowCSV)
	}

	// JSON is the report itself.
	var back report.UsageReport
	if err := json.Unmarshal(render(report.FormatJSON, u, report.LangVI, 0), &back); err != nil {
		t.Fatal(err)
	}
	if back.Total.Messages != 14 || back.Persons[1].FindingsByKind["secret_document"] != 1 || back.Period.From.Format(time.DateOnly) != "2024-04-01" {
		t.Errorf("json: %+v", back.Total)
	}

	// XLSX: two sheets, header row, totals row, widths.
	f, err := excelize.OpenReader(bytes.NewReader(render(report.FormatXLSX, u, report.LangVI, 0)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if s := f.GetSheetList(); !reflect.DeepEqual(s, []string{"usage-persons", "usage-divisions"}) {
		t.Fatalf("sheets %v", s)
	}
	rows, err := f.GetRows("usage-persons")
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][1] != "Họ và tên" || rows[1][1] != "Nguyễn Văn Thành" || rows[8][1] != "Tổng cộng" || rows[8][3] != "14" || rows[8][5] != "10" {
		t.Errorf("xlsx rows: %v", rows[:9])
	}
	if v, err := f.GetCellValue("usage-persons", "D2"); err != nil || v != "5" {
		t.Errorf("D2 = %q, %v", v, err)
	}
	if typ, err := f.GetCellType("usage-persons", "D2"); err != nil || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("D2 is not a number: %v %v", typ, err)
	}
	if w, err := f.GetColWidth("usage-persons", "B"); err != nil || w < float64(report.DisplayWidth("Trương Thị Thanh Hương")) {
		t.Errorf("column B width %v %v", w, err)
	}
	drows, err := f.GetRows("usage-divisions")
	if err != nil {
		t.Fatal(err)
	}
	if drows[5][0] != "Tổng cộng" || drows[5][1] != "6" || drows[5][2] != "14" {
		t.Errorf("xlsx divisions: %v", drows)
	}
}

func TestParseQuarter(t *testing.T) {
	for in, want := range map[string]string{
		"2024Q2": "2024-04-01..2024-06-30", "2024q1": "2024-01-01..2024-03-31", "2024-Q3": "2024-07-01..2024-09-30",
		"Q4/2024": "2024-10-01..2024-12-31",
	} {
		p, err := report.ParseQuarter(in)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if got := p.From.Format(time.DateOnly) + ".." + p.To.Format(time.DateOnly); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
	for _, bad := range []string{"2024Q5", "2024", "Q2", "24Q2", ""} {
		if _, err := report.ParseQuarter(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := report.ParsePeriod("2024Q2", "2024-01-01", ""); err == nil {
		t.Error("quarter and from accepted together")
	}
	if _, err := report.ParsePeriod("", "2024-02-01", "2024-01-01"); err == nil {
		t.Error("to before from accepted")
	}
	p, err := report.ParsePeriod("", "2024-01-01", "2024-12-31")
	if err != nil || p.Days() != 366 {
		t.Errorf("leap year: %v %v", p.Days(), err)
	}
}

func TestDisplayWidth(t *testing.T) {
	for s, w := range map[string]int{
		"Nguyễn Văn Thành":   16,
		"Nguye\u0302\u0303n": 6, // NFD: combining marks take no column
		"Đặng":               4,
		"北京":                 4,
	} {
		if got := report.DisplayWidth(s); got != w {
			t.Errorf("%q: %d, want %d", s, got, w)
		}
	}
}

// TestPeriodBounds: ClickHouse 18.16 turns dates outside its years into
// 0000-00-00 without an error, so such periods must be refused, and the
// dashboard's limits cap the span and the by-day breakdown.
func TestPeriodBounds(t *testing.T) {
	for _, c := range [][3]string{
		{"", "0000-01-01", "9999-12-31"}, {"", "1969-12-31", "2024-01-01"}, {"", "2024-01-01", "2106-01-01"},
		{"0001Q1", "", ""}, {"9999Q4", "", ""},
	} {
		if p, err := report.ParsePeriod(c[0], c[1], c[2]); err == nil {
			t.Errorf("%v accepted as %s", c, p.Label)
		}
	}
	if _, err := report.ParseDay("0000-01-01"); err == nil {
		t.Error("day 0000-01-01 accepted")
	}
	for _, c := range [][2]string{{"1970-01-01", "1970-01-01"}, {"2105-12-31", "2105-12-31"}} {
		if _, err := report.ParsePeriod("", c[0], c[1]); err != nil {
			t.Errorf("%v refused: %v", c, err)
		}
	}
	l := report.DashboardLimits()
	period := func(from, to string) report.Period {
		p, err := report.ParsePeriod("", from, to)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		from, to, by string
		ok           bool
	}{
		{"2023-01-01", "2024-12-31", report.ByMonth, true}, // two years
		{"2023-01-01", "2024-12-31", report.ByWeek, true},
		{"2022-01-01", "2024-12-31", report.ByMonth, false}, // three
		{"2022-01-01", "2024-12-31", "", false},
		{"2024-04-01", "2024-06-30", report.ByDay, true}, // a quarter by day
		{"2024-07-01", "2024-09-30", report.ByDay, true}, // 92 days
		{"2024-01-01", "2024-06-30", report.ByDay, false},
	} {
		err := l.Check(period(c.from, c.to), c.by)
		if (err == nil) != c.ok {
			t.Errorf("%s..%s by %q: err %v, want ok=%v", c.from, c.to, c.by, err, c.ok)
		}
	}
}

// TestCSVFormulaPrefix: text cells that a spreadsheet would run as a
// formula get OWASP's leading quote; numbers and harmless text do not.
func TestCSVFormulaPrefix(t *testing.T) {
	tab := &report.Table{Columns: []report.Column{{Key: "a", Header: "a"}, {Key: "b", Header: "b"}},
		Rows: [][]any{
			{"=1+2@gmail.com", uint64(3)}, {"+84 912", "-5"}, {"@SUM(A1)", "\t=cmd"}, {"\r=x", "a=b"}, {"", "Nguyễn"},
		}}
	var b bytes.Buffer
	if err := report.WriteCSV(&b, tab); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b.Bytes(), []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"a", "b"}, {"'=1+2@gmail.com", "3"}, {"'+84 912", "'-5"}, {"'@SUM(A1)", "'\t=cmd"}, {"'\r=x", "a=b"}, {"", "Nguyễn"}}
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("csv cells %q, want %q", recs, want)
	}
}
