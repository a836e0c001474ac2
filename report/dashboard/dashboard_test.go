package dashboard_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"
	"golang.org/x/crypto/bcrypt"

	"mailaudit/report"
	"mailaudit/report/dashboard"
	fixture "mailaudit/report/reporttest"
)

const (
	testUser = "kiemtoan"
	testPass = "Mật-khẩu#2024"
)

// testKey is the session key of the tests' dashboards; the forged-cookie
// test signs with it as an attacker who read the configuration would.
const testKey = "tS9vQk3xW1zR7bN2mJ8cL5yH0pF4gD6a"

func startDashboard(t *testing.T, edit ...func(*report.DashboardConfig)) (*httptest.Server, *report.Source) {
	t.Helper()
	ts, src, _ := startDashboardEnv(t, edit...)
	return ts, src
}

// startDashboardEnv also returns the fixture, for tests that add rows.
func startDashboardEnv(t *testing.T, edit ...func(*report.DashboardConfig)) (*httptest.Server, *report.Source, *fixture.Env) {
	t.Helper()
	env := fixture.Start(t)
	hash, err := bcrypt.GenerateFromPassword([]byte(testPass), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	cfg := report.DashboardConfig{Addr: "127.0.0.1:0", Users: []report.DashboardUser{{Name: testUser, Hash: string(hash)}},
		Thresholds: report.Thresholds{MinMessages: 3, MinActiveDays: 2}, SessionKey: testKey}
	for _, e := range edit {
		e(&cfg)
	}
	src := report.NewSource(env.Conn, env.Schema, env.Roster)
	srv, err := dashboard.New(cfg, func() *report.Source { return src }, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts, src, env
}

// chromium finds Debian's browser; the test fails (it is not skipped)
// without it.
func chromium(t *testing.T) string {
	t.Helper()
	p := os.Getenv("MAILAUDIT_CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("no browser at %s: install Debian's chromium package (apt-get install -y chromium) or set MAILAUDIT_CHROMIUM", p)
	}
	return p
}

// TestDashboardInBrowser logs in with headless Chromium, opens the
// quarterly usage page and checks every figure on it against the report
// package's own Usage for the same quarter; the screenshot is written to
// the test's artifact directory (kept with go test -artifacts -outputdir DIR).
func TestDashboardInBrowser(t *testing.T) {
	bin := chromium(t)
	ts, src, env := startDashboardEnv(t)
	q, _ := report.ParseQuarter("2024Q2")
	want, err := src.Usage(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true), chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1600, 1200),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	// A hung browser must not hang the test run: this bounds the whole
	// conversation, it is not a timing assertion.
	ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()

	step := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("browser: %v", err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("browser: text of %s: %v", sel, err)
		}
		return s
	}
	step(chromedp.Navigate(ts.URL+"/usage?quarter=2024Q2"), chromedp.WaitVisible("#login-submit"))
	loginTitle := text("h1")
	// A wrong password first: it must not get in.
	step(chromedp.SendKeys("#user", testUser), chromedp.SendKeys("#password", "sai-mat-khau"),
		chromedp.Click("#login-submit"), chromedp.WaitVisible("#login-error"))
	errText := text("#login-error")
	step(chromedp.SendKeys("#user", testUser), chromedp.SendKeys("#password", testPass),
		chromedp.Click("#login-submit"), chromedp.WaitVisible("#persons"))
	if loginTitle != "Đăng nhập" || !strings.Contains(errText, "Sai") {
		t.Errorf("login page %q, error %q", loginTitle, errText)
	}

	// Read every figure off the page.
	type row map[string]string
	var page struct {
		Period    string
		Persons   map[string]row
		Divisions map[string]row
		Total     row
		Low       []string
		Names     map[string]string
	}
	const js = `(() => {
	  const cells = tr => Object.fromEntries([...tr.querySelectorAll('td[data-col]')].map(td => [td.dataset.col, td.textContent.trim()]));
	  const out = {Period: document.querySelector('#period').textContent, Persons: {}, Divisions: {}, Names: {}, Low: []};
	  document.querySelectorAll('#persons tr[data-staff]').forEach(tr => { out.Persons[tr.dataset.staff] = cells(tr); out.Names[tr.dataset.staff] = tr.children[1].textContent; });
	  document.querySelectorAll('#divisions tr[data-division]').forEach(tr => { out.Divisions[tr.dataset.division] = cells(tr); });
	  out.Total = cells(document.querySelector('#total'));
	  document.querySelectorAll('#lowusers tr[data-staff]').forEach(tr => out.Low.push(tr.dataset.staff));
	  return JSON.stringify(out);
	})()`
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("browser: screenshot: %v", err)
	}
	if err := json.Unmarshal([]byte(raw), &page); err != nil {
		t.Fatalf("page data %s: %v", raw, err)
	}
	art := filepath.Join(t.ArtifactDir(), "dashboard-usage-2024Q2.png")
	if err := os.WriteFile(art, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", art)

	fmtc := func(c report.Counts) row {
		return row{"messages": itoa(c.Messages), "mandated": itoa(c.Mandated), "active_days": itoa(c.ActiveDays),
			"send_days": itoa(c.SendDays), "mailbox_days": itoa(c.MailboxDays), "flagged": itoa(c.Flagged), "attempts": itoa(c.Attempts)}
	}
	if page.Period != "2024Q2" {
		t.Errorf("period %q", page.Period)
	}
	if len(page.Persons) != len(want.Persons) {
		t.Errorf("page shows %d persons, report has %d", len(page.Persons), len(want.Persons))
	}
	for _, p := range want.Persons {
		if got := page.Persons[p.StaffID]; !reflect.DeepEqual(got, fmtc(p.Counts)) {
			t.Errorf("person %q: page %v, report %v", p.StaffID, got, fmtc(p.Counts))
		}
		if p.StaffID != "" && page.Names[p.StaffID] != p.FullName {
			t.Errorf("name %q on the page, %q in the roster", page.Names[p.StaffID], p.FullName)
		}
	}
	for _, d := range want.Divisions {
		if got := page.Divisions[d.Division]; !reflect.DeepEqual(got, fmtc(d.Counts)) {
			t.Errorf("division %q: page %v, report %v", d.Division, got, fmtc(d.Counts))
		}
	}
	if !reflect.DeepEqual(page.Total, fmtc(want.Total)) {
		t.Errorf("total: page %v, report %v", page.Total, fmtc(want.Total))
	}
	// The fixture's hand-counted figures, so that a report bug shared by
	// both sides cannot pass unnoticed.
	if page.Total["messages"] != "14" || page.Total["active_days"] != "10" || page.Persons["T02"]["attempts"] != "4" {
		t.Errorf("fixture figures: %v %v", page.Total, page.Persons["T02"])
	}
	sort.Strings(page.Low)
	if strings.Join(page.Low, ",") != "T02,T04,T06,T07" {
		t.Errorf("low users on the page: %v", page.Low)
	}

	// Every download link of the page, clicked in the browser: each file
	// must hold the page's figures (the links once lost their period and
	// the files silently showed the current quarter).
	dir := t.TempDir()
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	nextEvent, stopEvents := iter.Pull2(progress)
	defer stopEvents()
	step(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: new(true)})
		return err
	}))
	download := func(prefix string) [][]string {
		t.Helper()
		step(chromedp.Click(`a[href^="` + prefix + `"]`))
		for {
			ev, err, ok := nextEvent()
			if !ok || err != nil {
				t.Fatalf("browser: download %s: %v", prefix, err)
			}
			switch ev.State {
			case browser.DownloadProgressStateCompleted:
				return readTable(t, filepath.Join(dir, ev.GUID), prefix)
			case browser.DownloadProgressStateCanceled:
				t.Fatalf("browser: download %s canceled", prefix)
			}
		}
	}
	// The files' count columns, in report.countColumns' order.
	counts := func(r []string, from int) row {
		return row{"messages": r[from], "mandated": r[from+1], "active_days": r[from+2], "send_days": r[from+3],
			"mailbox_days": r[from+4], "flagged": r[from+5], "attempts": r[from+6]}
	}
	for _, f := range []string{"/download/usage.csv?", "/download/usage.xlsx?"} {
		got := map[string]row{}
		for _, r := range download(f)[1:] {
			if r[1] == "Tổng cộng" {
				if !reflect.DeepEqual(counts(r, 3), page.Total) {
					t.Errorf("%s total %v, page %v", f, counts(r, 3), page.Total)
				}
				continue
			}
			got[r[0]] = counts(r, 3)
		}
		if !reflect.DeepEqual(got, page.Persons) {
			t.Errorf("%s persons %v, page %v", f, got, page.Persons)
		}
	}
	got := map[string]row{}
	for _, r := range download("/download/usage-divisions.csv?")[1:] {
		if r[0] == "(ngoài danh sách)" {
			r[0] = ""
		}
		got[r[0]] = counts(r, 2)
	}
	if !reflect.DeepEqual(got, page.Divisions) {
		t.Errorf("usage-divisions.csv %v, page %v", got, page.Divisions)
	}
	for _, f := range []string{"/download/low-usage.csv?", "/download/low-usage.xlsx?"} {
		var ids []string
		for _, r := range download(f)[1:] {
			if r[0] == "" && strings.HasSuffix(r[1], " người") { // the XLSX's count row
				if r[1] != fmt.Sprintf("%d người", len(page.Low)) {
					t.Errorf("%s count row %q", f, r[1])
				}
				continue
			}
			ids = append(ids, r[0])
		}
		sort.Strings(ids)
		if !reflect.DeepEqual(ids, page.Low) {
			t.Errorf("%s staff %v, page %v", f, ids, page.Low)
		}
	}
	var typed uint64
	for _, r := range download("/download/types.xlsx?")[1:] {
		if len(r[0]) == len("2024-04-01") && strings.HasPrefix(r[0], "2024-") {
			n, _ := strconv.ParseUint(r[len(r)-2], 10, 64)
			typed += n
		}
	}
	if itoa(typed) != page.Total["messages"] {
		t.Errorf("types.xlsx: %d messages over the months, page total %s", typed, page.Total["messages"])
	}

	// Wide tables scroll inside their box: in a narrow window the page
	// itself is no wider than the window, while the per-person table is
	// wider than its box (so the check is not vacuous).
	step(chromedp.EmulateViewport(900, 1000))
	fits, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[document.documentElement.scrollWidth <= window.innerWidth,
	  document.querySelector('#persons').parentElement.scrollWidth > document.querySelector('#persons').parentElement.clientWidth].join(',')`))
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if fits != "true,true" {
		t.Errorf("narrow window: page fits, table box scrolls = %s, want true,true", fits)
	}
	step(chromedp.EmulateViewport(1600, 1200))

	// The person page, reached from a name on the usage page, after the
	// mailbox part of the fixture is loaded (reporttest/mailbox.go).
	fixture.LoadMailbox(t, env)
	step(chromedp.Navigate(ts.URL+"/usage?quarter=2024Q2"), chromedp.WaitVisible("#persons"),
		chromedp.Click(`#persons tr[data-staff="T03"] a.person`), chromedp.WaitVisible("#calendar"))
	var person struct {
		Name, Title0412, Legend string
		States                  map[string]string
		Cards                   map[string]string
		Sessions                [][]string
		Logins                  []string
		NoFindings              bool
	}
	raw, err = chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
	  const out = {Name: document.querySelector('#person-name').textContent, States: {}, Cards: {}, Sessions: [], Logins: [],
	    Legend: document.querySelector('#legend').textContent.replace(/\s+/g, ' '), NoFindings: !!document.querySelector('#nofindings')};
	  document.querySelectorAll('#calendar td[data-date]').forEach(td => { out.States[td.dataset.date] = td.dataset.state + td.querySelector('.sym').textContent; });
	  out.Title0412 = document.querySelector('#calendar td[data-date="2024-04-12"]').title;
	  document.querySelectorAll('#cards b[data-col]').forEach(b => { out.Cards[b.dataset.col] = b.textContent; });
	  document.querySelectorAll('#sessions tr[data-event]').forEach(tr => out.Sessions.push([...tr.children].map(td => td.textContent.trim())));
	  document.querySelectorAll('#logins tr[data-service]').forEach(tr => out.Logins.push(tr.dataset.service + ' ' + tr.dataset.result + ' ' + tr.querySelector('[data-col=attempts]').textContent));
	  return JSON.stringify(out);
	})()`))
	if err != nil {
		t.Fatalf("browser: person page: %v", err)
	}
	shot, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("browser: screenshot: %v", err)
	}
	art = filepath.Join(t.ArtifactDir(), "dashboard-person-T03-2024Q2.png")
	if err := os.WriteFile(art, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", art)
	if err := json.Unmarshal([]byte(raw), &person); err != nil {
		t.Fatalf("person page data %s: %v", raw, err)
	}
	// Hand counts of reporttest/mailbox.go.
	marked := map[string]string{}
	none := 0
	for d, st := range person.States {
		if st == "none·" {
			none++
			continue
		}
		marked[d] = st
	}
	wantMarked := map[string]string{"2024-04-10": "sent↑", "2024-04-11": "sent↑", "2024-04-15": "sent↑", "2024-04-12": "both↕",
		"2024-04-16": "mailbox↓", "2024-04-17": "mailbox↓"}
	if !reflect.DeepEqual(marked, wantMarked) || none != 91-6 {
		t.Errorf("calendar: marked %v (want %v), %d days with neither (want 85)", marked, wantMarked, none)
	}
	if person.Title0412 != "Thứ Sáu 12/04/2024: 1 thư đã gửi; 1 lần đăng nhập hộp thư" {
		t.Errorf("title of 2024-04-12: %q", person.Title0412)
	}
	for _, s := range []string{"↑ gửi thư", "↓ đăng nhập hộp thư", "↕ cả hai", "· không gửi, không đăng nhập"} {
		if !strings.Contains(person.Legend, s) {
			t.Errorf("legend %q lacks %q", person.Legend, s)
		}
	}
	wantCards := map[string]string{"messages": "4", "send_days": "4", "mailbox_days": "3", "active_days": "6", "flagged": "0", "attempts": "4"}
	if !strings.HasPrefix(person.Name, "Lê Hoàng Phúc") || !reflect.DeepEqual(person.Cards, wantCards) || !person.NoFindings {
		t.Errorf("person page %q, cards %v (want %v), no findings %v", person.Name, person.Cards, wantCards, person.NoFindings)
	}
	wantSessions := [][]string{
		{"2024-04-12 08:55:00", "Hộp thư (IMAP)", "0:45:00", "1.234", "2.345.678", "Người dùng đóng", "10.0.0.7 TLS 1.3"},
		{"2024-04-16 09:00:00", "Hộp thư (IMAP)", "2:30:15", "56.789", "1.048.576", "Hết thời gian chờ", "10.0.0.7 TLS 1.3"},
		{"2024-04-17 07:30:00", "Hộp thư (POP3)", "0:01:05", "120", "491.769", "Máy chủ đóng", "10.0.0.7 TLS 1.3"},
	}
	if !reflect.DeepEqual(person.Sessions, wantSessions) {
		t.Errorf("sessions %q, want %q", person.Sessions, wantSessions)
	}
	if got := strings.Join(person.Logins, ", "); got != "imap failed 1, imap locked 7, imap ok 2, pop3 ok 1, smtp failed 2, smtp ok 1" {
		t.Errorf("logins %s", got)
	}

	// English switch, then the findings page, its downloads and the
	// drill-down.
	step(chromedp.Navigate(ts.URL+"/usage?quarter=2024Q2"), chromedp.WaitVisible("#persons"))
	step(chromedp.Click("#lang-en"), chromedp.WaitVisible("#persons"))
	h1 := text("h1")
	step(chromedp.Navigate(ts.URL+"/findings?quarter=2024Q2&kind=secret_document"), chromedp.WaitVisible(`#findings a[href^="/message/"]`))
	ids, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`[...document.querySelectorAll('#findings a[href^="/message/"]')].map(a => a.getAttribute('href').split('/')[2].split('?')[0]).sort().join(',')`))
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	if ids != fixture.SecretEventID {
		t.Errorf("findings page rows %q, want the fixture's one secret document", ids)
	}
	for _, f := range []string{"/download/findings.csv?", "/download/findings.xlsx?"} {
		var got []string
		for _, r := range download(f)[1:] {
			if len(r) > 0 && len(r[0]) == 36 {
				got = append(got, r[0])
			}
		}
		sort.Strings(got)
		if strings.Join(got, ",") != ids {
			t.Errorf("%s event ids %v, page %s", f, got, ids)
		}
	}
	step(chromedp.Click(`#findings a[href^="/message/"]`), chromedp.WaitVisible("#message"))
	dl := text("#message")
	if !strings.HasPrefix(h1, "Quarterly usage") {
		t.Errorf("English page title %q", h1)
	}
	for _, s := range []string{fixture.SecretEventID, "12/BC-TTTL", "Secret document", "Trần Thị Bích Ngọc", "subject: bao_cao (2.0)"} {
		if !strings.Contains(dl, s) {
			t.Errorf("message page lacks %q:\n%s", s, dl)
		}
	}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// readTable reads a downloaded CSV (after its byte order mark) or the
// first sheet of an XLSX, up to the first empty row (the XLSX's title and
// notes follow one).
func readTable(t *testing.T, path, link string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	if strings.Contains(link, ".csv") {
		if !bytes.HasPrefix(data, []byte("\uFEFF")) {
			t.Errorf("%s: no byte order mark", link)
		}
		if rows, err = csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF")))).ReadAll(); err != nil {
			t.Fatalf("%s: %v", link, err)
		}
	} else {
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", link, err)
		}
		defer f.Close()
		if rows, err = f.GetRows(f.GetSheetList()[0]); err != nil {
			t.Fatalf("%s: %v", link, err)
		}
		for i, r := range rows {
			if len(r) == 0 {
				rows = rows[:i]
				break
			}
		}
	}
	if len(rows) < 2 {
		t.Fatalf("%s: %d rows: %v", link, len(rows), rows)
	}
	return rows
}

// TestDashboardHTTP covers what needs no browser: the login gate on every
// page and download, the downloads themselves, and bad input.
func TestDashboardHTTP(t *testing.T) {
	ts, _ := startDashboard(t)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, p := range []string{"/", "/usage", "/findings", "/download/usage.xlsx?quarter=2024Q2", "/message/" + fixture.SecretEventID,
		"/person?staff=T01", "/person?address=someone%40gmail.com&quarter=2024Q2", "/activation"} {
		resp, err := c.Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("%s without login: %d %s", p, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	resp, err := c.PostForm(ts.URL+"/login", url.Values{"user": {testUser}, "password": {testPass}, "back": {"//evil.example/"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("login: %d, to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	get := func(p string) (int, []byte) {
		resp, err := c.Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	code, body := get("/download/usage.xlsx?quarter=2024Q2")
	if code != 200 {
		t.Fatalf("xlsx: %d %s", code, body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("usage-persons")
	f.Close()
	if len(rows) < 9 || rows[8][1] != "Tổng cộng" || rows[8][3] != "14" {
		t.Errorf("xlsx rows %v", rows)
	}
	code, body = get("/download/low-usage.csv?quarter=2024Q2")
	if code != 200 || strings.Count(string(body), "\n") != 5 || !strings.Contains(string(body), "T04,Phạm Thị Ngọc Ánh") {
		t.Errorf("low-usage csv: %d\n%s", code, body)
	}
	code, body = get("/download/activation.csv?deadline=2024-05-23")
	if code != 200 || strings.Count(string(body), "\n") != 3 {
		t.Errorf("activation csv: %d\n%s", code, body)
	}
	code, body = get("/")
	if code != 200 || !bytes.Contains(body, []byte("<svg")) || bytes.Contains(body, []byte("http://cdn")) || bytes.Contains(body, []byte("<script")) {
		t.Errorf("overview: %d", code)
	}
	for p, want := range map[string]int{
		"/usage?quarter=2024Q9":                         400,
		"/message/not-a-uuid":                           400,
		"/message/00000000-0000-4000-8000-000000000009": 404,
		"/download/secret.csv":                          404,
		"/download/usage.pdf":                           404,
		"/static/style.css":                             200,
	} {
		if code, _ := get(p); code != want {
			t.Errorf("%s: %d, want %d", p, code, want)
		}
	}
}

func TestDashboardConfigValidate(t *testing.T) {
	good, _ := bcrypt.GenerateFromPassword([]byte("x"), bcrypt.MinCost)
	for name, c := range map[string]report.DashboardConfig{
		"no addr":     {Users: []report.DashboardUser{{Name: "a", Hash: string(good)}}},
		"no login":    {Addr: ":8088"},
		"bad hash":    {Addr: ":8088", Users: []report.DashboardUser{{Name: "a", Hash: "plain"}}},
		"dup user":    {Addr: ":8088", Users: []report.DashboardUser{{Name: "a", Hash: string(good)}, {Name: "a", Hash: string(good)}}},
		"short key":   {Addr: ":8088", Users: []report.DashboardUser{{Name: "a", Hash: string(good)}}, SessionKey: "short"},
		"bad network": {Addr: ":8088", ProxyHeader: "X-Remote-User", ProxyNetworks: []string{"nonsense"}},
		// Proxy mode needs the proxy's addresses spelled out.
		"proxy, no networks": {Addr: ":8088", ProxyHeader: "X-Remote-User"},
		// The example's placeholder and keys a person typed.
		"placeholder key": {Addr: ":8088", Users: []report.DashboardUser{{Name: "a", Hash: string(good)}},
			SessionKey: "change-me-to-at-least-32-random-bytes-please"},
		"repeated key": {Addr: ":8088", Users: []report.DashboardUser{{Name: "a", Hash: string(good)}},
			SessionKey: strings.Repeat("ab", 20)},
		"sentence key": {Addr: ":8088", Users: []report.DashboardUser{{Name: "a", Hash: string(good)}},
			SessionKey: "mật khẩu của phòng kiểm toán năm 2024"},
		"too many queries": {Addr: ":8088", Users: []report.DashboardUser{{Name: "a", Hash: string(good)}}, MaxQueries: 1000},
	} {
		if err := c.WithDefaults().Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	ok := report.DashboardConfig{Addr: ":8088", ProxyHeader: "X-Remote-User", ProxyNetworks: []string{"10.0.0.5/32"}}.WithDefaults()
	if err := ok.Validate(); err != nil {
		t.Errorf("proxy config: %v", err)
	}
	// Generated keys pass: base64 and hex of 32 random bytes.
	for _, k := range []string{testKey, "q7Z0yVn3xS0e5f0l9m1hZb6cU2rT8wK4pJ3aN7dG1sE=",
		"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"} {
		c := report.DashboardConfig{Addr: ":8088", Users: []report.DashboardUser{{Name: "a", Hash: string(good)}}, SessionKey: k}
		if err := c.WithDefaults().Validate(); err != nil {
			t.Errorf("key %q: %v", k, err)
		}
	}
}
