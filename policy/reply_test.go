package policy

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func enforcing(t *testing.T, actions map[string]string) *Engine {
	t.Helper()
	cfg := testConfig(t)
	cfg.Mode = ModeEnforce
	cfg.Actions = actions
	return newEngine(t, cfg)
}

func checkReplyShape(t *testing.T, r Reply) {
	t.Helper()
	if !utf8.ValidString(r.Text) {
		t.Errorf("Text is not UTF-8")
	}
	for _, s := range []string{r.Text, r.TextASCII} {
		if strings.ContainsAny(s, "\r\x00") {
			t.Errorf("reply contains CR or NUL: %q", s)
		}
		for _, l := range strings.Split(s, "\n") {
			if l == "" || len(l) > maxReplyLine {
				t.Errorf("reply line of %d octets: %q", len(l), l)
			}
		}
	}
	for i := 0; i < len(r.TextASCII); i++ {
		if r.TextASCII[i] >= 0x80 {
			t.Fatalf("TextASCII has a non-ASCII byte at %d: %q", i, r.TextASCII)
		}
	}
	if strings.Count(r.Text, "\n") != strings.Count(r.TextASCII, "\n") {
		t.Errorf("Text and TextASCII have different line counts")
	}
	vi := strings.Index(r.Text, "Thư không được gửi")
	en := strings.Index(r.Text, "Message not sent")
	if vi < 0 || en < 0 || vi > en {
		t.Errorf("want Vietnamese first then English, got %q", r.Text)
	}
	if !strings.Contains(r.TextASCII, "Thu khong duoc gui") {
		t.Errorf("ASCII variant lacks the folded Vietnamese: %q", r.TextASCII)
	}
}

func TestReplySecretDocument(t *testing.T) {
	e := enforcing(t, nil)
	d := e.Evaluate(Input{AuthUser: "a@tphcm.gov.vn", RcptTo: []string{"b@tphcm.gov.vn"}, Verdict: verdict("cong_van", "noi_bo", "toi_mat"), Time: june})
	if !d.Reject {
		t.Fatalf("not rejected: %+v", d)
	}
	checkReplyShape(t, d.Reply)
	for _, want := range []string{"TỐI MẬT", "Không gửi tài liệu mật qua thư điện tử", "Do not send secret documents by e-mail"} {
		if !strings.Contains(d.Reply.Text, want) {
			t.Errorf("Text lacks %q: %q", want, d.Reply.Text)
		}
	}
	if !strings.Contains(d.Reply.TextASCII, "TOI MAT") {
		t.Errorf("TextASCII lacks TOI MAT: %q", d.Reply.TextASCII)
	}
}

func TestReplyBypassSenderNamesTheCityMailbox(t *testing.T) {
	e := enforcing(t, map[string]string{FindingBypassPersonalSender: ActionReject})
	d := e.Evaluate(Input{AuthUser: "a.personal@gmail.com", RcptTo: []string{"b@tphcm.gov.vn"}, Verdict: verdict("giay_moi", "noi_bo", "none"), Time: june})
	checkReplyShape(t, d.Reply)
	if !strings.Contains(d.Reply.Text, "giấy mời") || !strings.Contains(d.Reply.Text, "an invitation") {
		t.Errorf("Text does not name the document type: %q", d.Reply.Text)
	}
	if strings.Count(d.Reply.Text, "a@tphcm.gov.vn") != 2 {
		t.Errorf("Text should advise the sender's own city mailbox in both languages: %q", d.Reply.Text)
	}

	// A stranger gets the city domain instead.
	d = e.Evaluate(Input{AuthUser: "x@gmail.com", RcptTo: []string{"b@tphcm.gov.vn"}, Verdict: verdict("giay_moi", "noi_bo", "none"), Time: june})
	if !strings.Contains(d.Reply.Text, "@tphcm.gov.vn") {
		t.Errorf("Text should name the city domain: %q", d.Reply.Text)
	}
}

func TestReplyBypassRecipientNamesCityAddresses(t *testing.T) {
	e := enforcing(t, map[string]string{FindingBypassPersonalRecipient: ActionReject})
	d := e.Evaluate(Input{AuthUser: "a@tphcm.gov.vn", RcptTo: []string{"b@yahoo.com.vn", "c@company.vn"}, Verdict: verdict("bao_cao", "so", "none"), Time: june})
	checkReplyShape(t, d.Reply)
	for _, want := range []string{"b@yahoo.com.vn", "b@tphcm.gov.vn, c@tphcm.gov.vn"} {
		if !strings.Contains(d.Reply.Text, want) {
			t.Errorf("Text lacks %q: %q", want, d.Reply.Text)
		}
	}
}

func TestReplyManyFindingsStayWithinLineLimits(t *testing.T) {
	all := map[string]string{}
	for _, f := range Findings() {
		all[f] = ActionReject
	}
	// Fifty colleagues' personal addresses, all on the roster.
	var rcpts []string
	roster := rosterHeader + "S0,An,Triển lãm,a@tphcm.gov.vn,,2024-05-21,\n"
	for i := 0; i < 50; i++ {
		p := fmt.Sprintf("%s%02d@gmail.com", strings.Repeat("x", 60), i)
		rcpts = append(rcpts, p)
		roster += fmt.Sprintf("S%d,Người %d,Triển lãm,c%d@tphcm.gov.vn,%s,2024-05-21,\n", i+1, i+1, i+1, p)
	}
	cfg := testConfig(t)
	cfg.Mode, cfg.Actions, cfg.Roster = ModeEnforce, all, writeFile(t, "roster.csv", roster)
	e := newEngine(t, cfg)
	d := e.Evaluate(Input{AuthUser: "someone.with.a.rather.long.address.nobody.knows@gmail.com", RcptTo: rcpts, Verdict: verdict("bao_cao", "noi_bo", "tuyet_mat"), Time: june})
	if len(d.Flags) != 4 {
		t.Fatalf("Flags = %v", d.Flags)
	}
	checkReplyShape(t, d.Reply)
	if !strings.Contains(d.Reply.Text, "+47") {
		t.Errorf("recipient list should be cut to three and a count: %q", d.Reply.Text)
	}
	// Vietnamese paragraphs first, one per rejecting finding, then English.
	if strings.Count(d.Reply.Text, "Thư không được gửi") != 4 || strings.Count(d.Reply.Text, "Message not sent") != 4 {
		t.Errorf("want 4 tips per language: %q", d.Reply.Text)
	}
	if strings.LastIndex(d.Reply.Text, "Thư không được gửi") > strings.Index(d.Reply.Text, "Message not sent") {
		t.Errorf("English interleaved with Vietnamese: %q", d.Reply.Text)
	}
}

func TestFoldASCII(t *testing.T) {
	tests := map[string]string{
		"Thư không được gửi":              "Thu khong duoc gui",
		"ĐỖ VĂN TRƯỜNG":                   "DO VAN TRUONG",
		"Hoà/hòa, thuỷ":                   "Hoa/hoa, thuy",
		"e\u0301":                         "e", // NFD input
		"dấu “MẬT”":                       "dau ?MAT?",
		"plain ASCII stays: !@#%&* 0-9 ~": "plain ASCII stays: !@#%&* 0-9 ~",
	}
	for in, want := range tests {
		if got := foldASCII(in); got != want {
			t.Errorf("foldASCII(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestShownDropsControlCharacters(t *testing.T) {
	if got := shown("x@gmail.com\r\n250 OK"); got != "x@gmail.com250 OK" {
		t.Errorf("shown = %q", got)
	}
}

func TestReplyHidesRosterFromUnknownSenders(t *testing.T) {
	e := enforcing(t, map[string]string{FindingBypassPersonalRecipient: ActionReject})
	d := e.Evaluate(Input{AuthUser: "x@gmail.com", RcptTo: []string{"b@yahoo.com.vn"}, Verdict: verdict("bao_cao", "so", "none"), Time: june})
	if !d.Reject {
		t.Fatalf("not rejected: %+v", d)
	}
	if strings.Contains(d.Reply.Text, "b@tphcm.gov.vn") {
		t.Errorf("reply reveals a roster city address to an unknown sender: %q", d.Reply.Text)
	}
}

// A long UTF-8 sender (RFC 6531) is shortened at a character boundary, and
// the ASCII text folds it.
func TestReplyLongUTF8Sender(t *testing.T) {
	e := enforcing(t, map[string]string{FindingBypassPersonalSender: ActionReject})
	sender := strings.Repeat("ạ", 40) + "@gmail.com" // 80 octets of local part
	d := e.Evaluate(Input{MailFrom: sender, RcptTo: []string{"b@tphcm.gov.vn"}, Verdict: verdict("bao_cao", "noi_bo", "none"), Time: june})
	if !d.Reject {
		t.Fatalf("not rejected: %+v", d)
	}
	checkReplyShape(t, d.Reply)
	if !strings.Contains(d.Reply.Text, strings.Repeat("ạ", 25)+"...") || !strings.Contains(d.Reply.TextASCII, strings.Repeat("a", 25)+"...") {
		t.Errorf("sender not shortened at a character boundary: %q / %q", d.Reply.Text, d.Reply.TextASCII)
	}
}
