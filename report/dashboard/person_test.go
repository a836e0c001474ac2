package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"mailaudit/audit"
	"mailaudit/report"
	"mailaudit/report/demodata"
	fixture "mailaudit/report/reporttest"
)

// bulkFindings is how many flagged messages TestDashboardPages adds to
// the fixture's four in 2024Q2: enough for thirteen pages and for counts
// that need a thousands separator.
const bulkFindings = 1250

// addBulkFindings inserts bulkFindings flagged messages from a sender not
// on the roster, seven to a timestamp so that ties straddle page ends.
func addBulkFindings(t *testing.T, env *fixture.Env) {
	t.Helper()
	start := time.Date(2024, 4, 1, 1, 0, 0, 0, time.UTC)
	var rows []demodata.Message
	for i := range bulkFindings {
		rows = append(rows, demodata.Message{Time: start.Add(time.Duration(i/7) * time.Hour), MailFrom: "bulk@gmail.com",
			RcptTo: []string{"vanphong@svhtt.tphcm.gov.vn"}, Type: "thong_bao", Action: audit.ActionRelayed,
			Flags: []string{"unknown_sender"}, Size: 1000})
	}
	if err := demodata.InsertMessages(context.Background(), env.Conn, env.Schema, rows); err != nil {
		t.Fatal(err)
	}
}

var eventRE = regexp.MustCompile(`<tr data-event="([0-9a-f-]{36})">`)

// TestDashboardPages checks, over HTTP, the person page's parameters and
// figures in both languages, the findings list's paging, translated
// actions and thousands separators.
func TestDashboardPages(t *testing.T) {
	ts, src, env := startDashboardEnv(t)
	fixture.LoadMailbox(t, env)
	addBulkFindings(t, env)
	c := newClient(t, ts.URL)
	if resp, _ := c.get("/person?staff=T03&quarter=2024Q2"); resp.StatusCode != http.StatusSeeOther ||
		!strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Fatalf("person page without login: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp := c.login(testUser, testPass, "/"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	page := func(path, lang string, want int) string {
		t.Helper()
		u, _ := url.Parse(ts.URL)
		c.c.Jar.SetCookies(u, []*http.Cookie{{Name: "lang", Value: lang, Path: "/"}})
		resp, body := c.get(path)
		if resp.StatusCode != want {
			t.Errorf("%s (%s): %d, want %d: %.300s", path, lang, resp.StatusCode, want, body)
		}
		if want == http.StatusOK && (resp.Header.Get("Cache-Control") != "no-store" ||
			!strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'self'")) {
			t.Errorf("%s: headers %v", path, resp.Header)
		}
		return body
	}

	// The person page in both languages: separators, labels, the calendar.
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{report.LangVI, []string{"2.345.678", "1.048.576", "491.769", "3 phiên, tổng thời lượng 3:16:20, 58.143 byte gửi lên, 3.886.023 byte tải về.",
			"Người dùng đóng", "Hết thời gian chờ", "Máy chủ đóng", "Hộp thư (POP3)", "Bị khóa tạm (quá nhiều lần sai)",
			`data-date="2024-04-12" data-state="both" title="Thứ Sáu 12/04/2024: 1 thư đã gửi; 1 lần đăng nhập hộp thư"`,
			`data-date="2024-04-16" data-state="mailbox"`, `data-date="2024-04-10" data-state="sent"`, `data-date="2024-04-18" data-state="none"`}},
		{report.LangEN, []string{"2,345,678", "1,048,576", "491,769", "3 sessions, 3:16:20 in all, 58,143 bytes client → server, 3,886,023 bytes server → client.",
			"Closed by the client", "Idle timeout", "Closed by the server", "Mailbox (POP3)", "Locked out (too many failures)",
			`data-date="2024-04-12" data-state="both" title="Friday 12/04/2024: 1 sent; 1 mailbox logins"`}},
	} {
		body := page("/person?staff=T03&quarter=2024Q2", tc.lang, 200)
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("person page (%s) lacks %q", tc.lang, w)
			}
		}
		if n := strings.Count(body, `data-state="none"`); n != 85 {
			t.Errorf("person page (%s): %d days with neither, want 85", tc.lang, n)
		}
	}
	// T02: findings by kind with their messages; a low user with reasons.
	body := page("/person?staff=T02&quarter=2024Q2", report.LangVI, 200)
	for _, w := range []string{`<h3 class="kind" data-kind="bypass_personal_recipient">Gửi đến địa chỉ cá nhân (2 thư)</h3>`,
		`<h3 class="kind" data-kind="secret_document">Tài liệu mật (1 thư)</h3>`,
		`<a href="/message/` + fixture.SecretEventID + `?date=2024-05-21">`, `data-action="rejected">Bị chặn<`,
		`data-action="relayed">Đã chuyển<`, `id="lowstatus"><b>Dưới ngưỡng sử dụng</b>`, "1 ngày sử dụng &lt; ngưỡng 2"} {
		if !strings.Contains(body, w) {
			t.Errorf("T02 page lacks %q", w)
		}
	}
	if n := strings.Count(body, `<a href="/message/`+fixture.SecretEventID); n != 2 {
		t.Errorf("T02 page links the secret document %d times, want 2 (once per kind, the stored duplicate collapsed)", n)
	}
	// Not on the roster, by address; a member's address goes to their page.
	body = page("/person?address=someone%40gmail.com&quarter=2024Q2", report.LangEN, 200)
	for _, w := range []string{"Not on the roster in this period, so not rated.", `data-date="2024-05-05" data-state="sent"`,
		`data-kind="unknown_sender">Sender not on roster (1 messages)`} {
		if !strings.Contains(body, w) {
			t.Errorf("address page lacks %q", w)
		}
	}
	// T05 left on 2024-03-31: in Q2 every day is off the roster and nobody
	// rates them (the low-usage list leaves them out too).
	body = page("/person?staff=T05&quarter=2024Q2", report.LangEN, 200)
	if n := strings.Count(body, `data-state="off"`); n != 91 || !strings.Contains(body, "Not on the roster in this period, so not rated.") {
		t.Errorf("T05 page: %d days off the roster, want 91, or rated", n)
	}
	resp, _ := c.get("/person?address=NVThanh%40tphcm.gov.vn&quarter=2024Q2")
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/person?quarter=2024Q2&staff=T01" {
		t.Errorf("member's address: %d %q", resp.StatusCode, loc)
	}
	for p, want := range map[string]int{
		"/person":                                            400,
		"/person?quarter=2024Q2":                             400,
		"/person?staff=T01&address=a%40b.c":                  400,
		"/person?staff=T01&staff=T02":                        400,
		"/person?staff=T01&sort=name":                        400,
		"/person?staff=T01&quarter=2024Q9":                   400,
		"/person?staff=T01&from=2024-01-01&to=2024-06-30":    400, // by day: a quarter at most
		"/person?staff=T01&from=2024-04-01":                  400,
		"/person?address=nobody":                             400,
		"/person?staff=T01%0A":                               400,
		"/person?staff=T99&quarter=2024Q2":                   404,
		"/person?staff=T01%27%20OR%201%3D1--&quarter=2024Q2": 404,
		"/person?staff=T01&from=2024-04-01&to=2024-04-10":    200,
	} {
		page(p, report.LangVI, want)
	}

	// Names link to the person pages.
	body = page("/usage?quarter=2024Q2", report.LangVI, 200)
	if !strings.Contains(body, `<a class="person" href="/person?staff=T03&amp;quarter=2024Q2">Lê Hoàng Phúc</a>`) ||
		!strings.Contains(body, `data-col="mailbox_days">3<`) {
		t.Errorf("usage page: no link to T03's page or no mailbox days")
	}

	// The activation page links its names too. With the mailbox part, T03
	// has logged in (IMAP, 04-12) by 05-23: only T04 is missing.
	body = page("/activation?deadline=2024-05-23", report.LangVI, 200)
	if !strings.Contains(body, `<tr data-staff="T04"><td>T04</td><td><a class="person" href="/person?staff=T04&amp;quarter=2024Q2">Phạm Thị Ngọc Ánh</a>`) ||
		strings.Count(body, "<tr data-staff=") != 1 || !strings.Contains(body, "đến hết ngày 2024-05-23: 4/5 người.") || !strings.Contains(body, ">chưa bao giờ<") {
		t.Errorf("activation page: T04 alone, linked, never logged in, 4 of 5 activated:\n%s", body)
	}
	for _, p := range []string{"/activation?deadline=2024-13-01", "/activation?deadline=2024-05-23&quarter=2024Q2", "/activation?deadline=1900-01-01"} {
		page(p, report.LangVI, 400)
	}

	// Paging: every page in turn gives the whole list once, in order.
	q2, _ := report.ParseQuarter("2024Q2")
	all, err := src.Findings(context.Background(), report.FindingsFilter{Period: q2})
	if err != nil {
		t.Fatal(err)
	}
	const total = bulkFindings + 4
	if len(all.Rows) != total {
		t.Fatalf("the fixture has %d flagged messages, want %d", len(all.Rows), total)
	}
	var want []string
	for _, r := range all.Rows {
		want = append(want, r.EventID)
	}
	pages := (total + 99) / 100
	var got []string
	for n := 1; n <= pages; n++ {
		lang := report.LangVI
		if n%2 == 0 {
			lang = report.LangEN
		}
		body := page("/findings?quarter=2024Q2&page="+itoa(uint64(n)), lang, 200)
		var ids []string
		for _, m := range eventRE.FindAllStringSubmatch(body, -1) {
			ids = append(ids, m[1])
		}
		if n < pages && len(ids) != 100 || n == pages && len(ids) != total%100 {
			t.Errorf("page %d: %d rows", n, len(ids))
		}
		got = append(got, ids...)
		wantCount := map[string]string{report.LangVI: "trên tổng số 1.254", report.LangEN: "of 1,254"}[lang]
		if !strings.Contains(body, wantCount) {
			t.Errorf("page %d (%s) lacks %q", n, lang, wantCount)
		}
		if n == 2 && (!strings.Contains(body, "Messages 101–200 of 1,254") || !strings.Contains(body, `href="/findings?quarter=2024Q2&amp;page=3" rel="next"`) ||
			!strings.Contains(body, `href="/findings?quarter=2024Q2&amp;page=1" rel="prev"`) || !strings.Contains(body, `<b aria-current="page">2</b>`) ||
			!strings.Contains(body, `>Relayed<`) || strings.Contains(body, `>relayed<`)) {
			t.Errorf("page 2: range, page links or action labels wrong")
		}
		if n == 1 && (!strings.Contains(body, "Thư 1–100 trên tổng số 1.254") || !strings.Contains(body, ">Đã chuyển<") || strings.Contains(body, ">relayed<")) {
			t.Errorf("page 1: range or action labels wrong")
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("the pages hold %d rows (%d distinct), the list %d, or in another order", len(got), len(slices.Compact(slices.Sorted(slices.Values(got)))), len(want))
	}
	for _, p := range []string{"/findings?quarter=2024Q2&page=0", "/findings?quarter=2024Q2&page=x", "/findings?quarter=2024Q2&page=14",
		"/findings?quarter=2024Q2&page=-1"} {
		page(p, report.LangVI, 400)
	}
	// The kind filter pages too, and downloads stay complete.
	body = page("/findings?quarter=2024Q2&kind=unknown_sender&page=13", report.LangEN, 200)
	if !strings.Contains(body, "Messages 1,201–1,251 of 1,251") {
		t.Errorf("unknown_sender page 13: wrong range")
	}
	_, csvBody := c.get("/download/findings.csv?quarter=2024Q2")
	if n := strings.Count(csvBody, "\n"); n != total+1 {
		t.Errorf("findings.csv: %d lines, want %d", n, total+1)
	}

	// Separators on the overview in both languages.
	for lang, w := range map[string]string{report.LangVI: `id="card-flagged">1.254<`, report.LangEN: `id="card-flagged">1,254<`} {
		if body := page("/?quarter=2024Q2", lang, 200); !strings.Contains(body, w) {
			t.Errorf("overview (%s) lacks %q", lang, w)
		}
	}
}
