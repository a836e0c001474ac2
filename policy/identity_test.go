package policy

import (
	"slices"
	"strings"
	"testing"

	"mailaudit/classify"
)

// The tables below are issue 15's cases: address forms, whose message it is,
// whose personal address a recipient is, the audience recipients are judged
// by, and the canonical (mailbox) forms.

func TestNormalizeAndCheckAddress(t *testing.T) {
	tests := []struct {
		in, norm string
		valid    bool
	}{
		{"a@tphcm.gov.vn", "a@tphcm.gov.vn", true},
		{"  Nguyễn <NVThanh.TTTL@TPHCM.gov.vn>  ", "nvthanh.tttl@tphcm.gov.vn", true},
		{"nvthanh.tttl@tphcm.gov.vn.", "nvthanh.tttl@tphcm.gov.vn", true},  // root dot
		{"<someone@gmail.com.>", "someone@gmail.com", true},                // root dot in brackets
		{"thành@tphcm.gov.vn", "thành@tphcm.gov.vn", true},                 // RFC 6531 local part
		{"THA\u0300NH@gmail.com", "thành@gmail.com", true},                 // NFD, upper case
		{"\"lhphuc.tttl\"@tphcm.gov.vn", "lhphuc.tttl@tphcm.gov.vn", true}, // needless quotes
		{"\"a\\\"b\"@gmail.com", "a\"b@gmail.com", false},                  // quotes that are needed
		{"\"a b\"@gmail.com", "a b@gmail.com", false},                      // go-smtp's unquoted form too
		{"an@bücher.de", "an@xn--bcher-kva.de", true},                      // IDNA
		{"an@ｔｐｈｃｍ.gov.vn", "an@tphcm.gov.vn", true},                       // full-width: UTS #46 maps it
		{"an@tрhcm.gov.vn", "an@xn--thcm-g6d.gov.vn", true},                // Cyrillic р: another domain
		{"<>", "", false},                                 // null reverse-path
		{"", "", false},                                   // nothing
		{"nva", "nva", false},                             // bare login
		{"a..b@gmail.com", "a..b@gmail.com", false},       // not a dot-atom
		{".a@gmail.com", ".a@gmail.com", false},           // not a dot-atom
		{"a@localhost", "a@localhost", false},             // one label
		{"a@[127.0.0.1]", "a@[127.0.0.1]", false},         // address literal
		{"a\u200b@gmail.com", "a\u200b@gmail.com", false}, // invisible character
		{strings.Repeat("x", 65) + "@gmail.com", strings.Repeat("x", 65) + "@gmail.com", false},
	}
	for _, tt := range tests {
		got := normalizeAddress(tt.in)
		if got != tt.norm {
			t.Errorf("normalizeAddress(%q) = %q, want %q", tt.in, got, tt.norm)
		}
		if err := checkAddress(got); (err == nil) != tt.valid {
			t.Errorf("checkAddress(%q) = %v, want valid=%v", got, err, tt.valid)
		}
		if again := normalizeAddress(got); again != got {
			t.Errorf("normalizeAddress is not idempotent on %q: %q", got, again)
		}
	}
}

func TestCanonicalKey(t *testing.T) {
	city := domainSet{"tphcm.gov.vn"}
	tests := []struct {
		in       string
		cityPlus bool
		want     string
	}{
		// Gmail: dots and +tags do not matter, googlemail.com is gmail.com.
		{"hoangphuc.le.vn@gmail.com", false, "hoangphuclevn@gmail.com"},
		{"hoangphucle.vn@gmail.com", false, "hoangphuclevn@gmail.com"},
		{"Hoang.Phuc.Le.VN+congviec@GoogleMail.com.", false, "hoangphuclevn@gmail.com"},
		{"+only@gmail.com", false, "+only@gmail.com"},
		// Outlook.com: +tags, dots count, domains stay apart.
		{"tung.vo+x@outlook.com", false, "tung.vo@outlook.com"},
		{"tung.vo@hotmail.com", false, "tung.vo@hotmail.com"},
		// iCloud and Proton: +tags, one namespace over their domains.
		{"an+shop@me.com", false, "an@icloud.com"},
		{"an@mac.com", false, "an@icloud.com"},
		{"an+x@pm.me", false, "an@proton.me"},
		{"an@protonmail.com", false, "an@proton.me"},
		// Exact elsewhere: Yahoo's "-" disposable addresses and dots count.
		{"bich.ngoc-x@yahoo.com.vn", false, "bich.ngoc-x@yahoo.com.vn"},
		{"a.b+c@company.vn", false, "a.b+c@company.vn"},
		// City plus-addressing only when the server does it.
		{"nvthanh.tttl+x@tphcm.gov.vn", false, "nvthanh.tttl+x@tphcm.gov.vn"},
		{"nvthanh.tttl+x@tphcm.gov.vn", true, "nvthanh.tttl@tphcm.gov.vn"},
		{"vanthu+x@svhtt.tphcm.gov.vn", true, "vanthu@svhtt.tphcm.gov.vn"},
		{"nv.thanh@tphcm.gov.vn", true, "nv.thanh@tphcm.gov.vn"}, // dots count on the city server
		{"nva", false, "nva"},
	}
	for _, tt := range tests {
		c := canonicalizer{city: city, cityPlus: tt.cityPlus}
		if got := c.key(normalizeAddress(tt.in)); got != tt.want {
			t.Errorf("key(%q, cityPlus=%v) = %q, want %q", tt.in, tt.cityPlus, got, tt.want)
		}
	}
}

// identityRoster has a Gmail, a googlemail, a Yahoo, an Outlook and a
// UTF-8 personal address.
const identityRoster = `staff_id,full_name,division,city_address,personal_addresses,active_from,active_to
TTTL001,Nguyễn Văn Thành,Ban Giám đốc,nvthanh.tttl@tphcm.gov.vn,,2024-05-21,
TTTL002,Trần Thị Bích Ngọc,Ban Giám đốc,ttbngoc.tttl@tphcm.gov.vn,bichngoc.tran1976@yahoo.com.vn,2024-05-21,
TTTL003,Lê Hoàng Phúc,Hành chính - Tổng hợp,lhphuc.tttl@tphcm.gov.vn,hoangphuc.le.vn@gmail.com,2024-05-21,
TTTL005,Võ Thanh Tùng,Hành chính - Tổng hợp,vttung.tttl@tphcm.gov.vn,Tung.Vo.TTTL@GoogleMail.com;vothanhtung82@outlook.com,2024-05-21,
TTTL013,Đinh Thành,Triển lãm,dthanh.tttl@tphcm.gov.vn,thành.đinh@gmail.com,2024-05-21,
`

func identityEngine(t *testing.T, cityPlus bool) *Engine {
	t.Helper()
	return newEngine(t, Config{
		DepartmentAddresses: []string{"@svhtt.tphcm.gov.vn", "vanphong.svhtt@tphcm.gov.vn"},
		Roster:              writeFile(t, "roster.csv", identityRoster),
		CityPlusAddressing:  cityPlus,
	})
}

func TestSenderIdentity(t *testing.T) {
	const phuc = "lhphuc.tttl@tphcm.gov.vn"
	personal := verdict(typePersonal, "unknown", "none")
	report := verdict("bao_cao", "so", "none")
	tests := []struct {
		name     string
		cityPlus bool
		in       Input
		want     []string
		staffID  string
	}{
		// Case 1: the header From is believed only for the null sender.
		{"forged header From behind a trailing-dot envelope sender", false,
			Input{MailFrom: "someone@gmail.com.", HeaderFrom: phuc, RcptTo: []string{"a@tphcm.gov.vn"}, Verdict: personal},
			[]string{FindingUnknownSender}, ""},
		{"forged header From behind a UTF-8 envelope sender", false,
			Input{MailFrom: "thành@gmail.com", HeaderFrom: phuc, RcptTo: []string{"a@tphcm.gov.vn"}, Verdict: personal},
			[]string{FindingUnknownSender}, ""},
		{"forged header From behind a malformed envelope sender: judged as given", false,
			Input{MailFrom: "a b@gmail.com", HeaderFrom: phuc, RcptTo: []string{"a@tphcm.gov.vn"}, Verdict: report},
			[]string{FindingBypassPersonalSender, FindingUnknownSender}, ""},
		{"forged header From behind a bare envelope sender", false,
			Input{MailFrom: "postmaster", HeaderFrom: phuc, RcptTo: []string{"a@tphcm.gov.vn"}, Verdict: personal},
			[]string{FindingUnknownSender}, ""},
		{"null sender: the header From is all there is", false,
			Input{MailFrom: "<>", HeaderFrom: "Phúc <" + phuc + ">", RcptTo: []string{"a@tphcm.gov.vn"}, Verdict: personal},
			[]string{FindingPersonalUse}, "TTTL003"},
		{"null sender given as empty", false,
			Input{MailFrom: "", HeaderFrom: phuc, RcptTo: []string{"a@tphcm.gov.vn"}, Verdict: personal},
			[]string{FindingPersonalUse}, "TTTL003"},
		{"the login decides over envelope and header", false,
			Input{AuthUser: "NVThanh.TTTL@tphcm.gov.vn.", MailFrom: phuc, HeaderFrom: phuc, RcptTo: []string{"a@tphcm.gov.vn"}, Verdict: report},
			nil, "TTTL001"},
		// Case 5: senders that matched nothing.
		{"trailing-dot city sender is on the roster", false,
			Input{MailFrom: "nvthanh.tttl@tphcm.gov.vn.", RcptTo: []string{"a@tphcm.gov.vn"}, Verdict: report},
			nil, "TTTL001"},
		{"UTF-8 city sender not on the roster", false,
			Input{MailFrom: "thành@tphcm.gov.vn", RcptTo: []string{"a@tphcm.gov.vn"}, Verdict: personal},
			[]string{FindingPersonalUse, FindingUnknownSender}, ""},
		{"UTF-8 gmail sender of a report", false,
			Input{MailFrom: "thành@gmail.com", RcptTo: []string{"a@tphcm.gov.vn"}, Verdict: report},
			[]string{FindingBypassPersonalSender, FindingUnknownSender}, ""},
		{"UTF-8 personal address on the roster, in NFD and upper case", false,
			Input{MailFrom: "THA\u0300NH.\u0110INH@gmail.com", RcptTo: []string{"a@tphcm.gov.vn"}, Verdict: report},
			[]string{FindingBypassPersonalSender}, "TTTL013"},
		{"city address not on the roster", false,
			Input{AuthUser: "nobody@tphcm.gov.vn", RcptTo: []string{"a@tphcm.gov.vn"}, Verdict: report},
			[]string{FindingUnknownSender}, ""},
		{"city plus-address, server without subaddressing", false,
			Input{MailFrom: "nvthanh.tttl+x@tphcm.gov.vn", RcptTo: []string{"a@tphcm.gov.vn"}, Verdict: report},
			[]string{FindingUnknownSender}, ""},
		{"city plus-address, server with subaddressing", true,
			Input{MailFrom: "nvthanh.tttl+x@tphcm.gov.vn", RcptTo: []string{"a@tphcm.gov.vn"}, Verdict: report},
			nil, "TTTL001"},
		{"Gmail variant of a roster address as sender", false,
			Input{AuthUser: "hoangphucle.vn+abc@googlemail.com", RcptTo: []string{"a@tphcm.gov.vn"}, Verdict: report},
			[]string{FindingBypassPersonalSender}, "TTTL003"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.Time = june
			d := identityEngine(t, tt.cityPlus).Evaluate(tt.in)
			if !slices.Equal(d.Flags, tt.want) || d.StaffID != tt.staffID {
				t.Errorf("Flags = %v StaffID = %q, want %v %q", d.Flags, d.StaffID, tt.want, tt.staffID)
			}
		})
	}
}

func TestRecipientJudgement(t *testing.T) {
	const thanh = "nvthanh.tttl@tphcm.gov.vn"
	report := verdict("bao_cao", "so", "none")
	tests := []struct {
		name    string
		rcpts   []string
		v       *classify.Verdict
		want    []string
		signals []string // recipients that get a consumer-domain signal
	}{
		// Case 2: only addresses known to be staff's count.
		{"partner's gmail in copy of a report to the Sở", []string{"vanphong.svhtt@tphcm.gov.vn", "partner@gmail.com"}, report,
			nil, []string{"partner@gmail.com"}},
		{"colleague's listed gmail", []string{"vanphong.svhtt@tphcm.gov.vn", "hoangphuc.le.vn@gmail.com"}, report,
			[]string{FindingBypassPersonalRecipient}, nil},
		// Case 4: every spelling of a listed mailbox.
		{"Gmail without the dots", []string{"hoangphucle.vn@gmail.com"}, report, []string{FindingBypassPersonalRecipient}, nil},
		{"Gmail with a +tag", []string{"hoangphuc.le.vn+work@gmail.com"}, report, []string{FindingBypassPersonalRecipient}, nil},
		{"googlemail.com for gmail.com", []string{"hoangphuc.le.vn@googlemail.com"}, report, []string{FindingBypassPersonalRecipient}, nil},
		{"gmail.com for a googlemail.com roster entry", []string{"tungvotttl@gmail.com"}, report, []string{FindingBypassPersonalRecipient}, nil},
		{"trailing dot and upper case", []string{"<HoangPhuc.Le.VN@Gmail.COM.>"}, report, []string{FindingBypassPersonalRecipient}, nil},
		{"Outlook +tag", []string{"vothanhtung82+tl@outlook.com"}, report, []string{FindingBypassPersonalRecipient}, nil},
		{"Outlook with dots is another mailbox", []string{"vo.thanhtung82@outlook.com"}, report, nil, []string{"vo.thanhtung82@outlook.com"}},
		{"Yahoo exact, any case", []string{"BichNgoc.Tran1976@yahoo.com.vn"}, report, []string{FindingBypassPersonalRecipient}, nil},
		{"Yahoo without the dot is another mailbox", []string{"bichngoctran1976@yahoo.com.vn"}, report, nil, []string{"bichngoctran1976@yahoo.com.vn"}},
		{"UTF-8 roster address", []string{"thành.đinh@gmail.com"}, report, []string{FindingBypassPersonalRecipient}, nil},
		{"one mailbox written twice is judged once", []string{"hoangphuc.le.vn@gmail.com", "hoangphucle.vn@googlemail.com"}, report,
			[]string{FindingBypassPersonalRecipient}, nil},
		// Not mandated: no recipient finding, no signal (personal_use is
		// the city account's).
		{"personal mail to a colleague's gmail", []string{"hoangphuc.le.vn@gmail.com", "x@gmail.com"}, verdict(typePersonal, "unknown", "none"),
			[]string{FindingPersonalUse}, nil},
		// An external document may go to consumer domains without a signal.
		{"document addressed outside", []string{"partner@gmail.com"},
			&classify.Verdict{Type: "cong_van", Audience: "ngoai", AudienceSource: classify.AudienceFromDocument, Secrecy: "none"}, nil, nil},
		{"partner organisation in copy makes it external", []string{"a@company.vn", "partner@gmail.com"}, verdict("cong_van", "ngoai", "none"), nil, nil},
	}
	e := identityEngine(t, false)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.v.AudienceSource == "" {
				tt.v.AudienceSource = classify.AudienceFromRecipients
			}
			d := e.Evaluate(Input{AuthUser: thanh, RcptTo: tt.rcpts, Verdict: tt.v, Time: june})
			if !slices.Equal(d.Flags, tt.want) || d.StaffID != "TTTL001" {
				t.Errorf("Flags = %v StaffID = %q, want %v TTTL001", d.Flags, d.StaffID, tt.want)
			}
			var got []string
			for _, s := range d.Signals {
				if s.Where != "policy" || s.Weight != 0 || !strings.HasSuffix(s.What, "not a finding") {
					t.Errorf("signal %+v: want Where policy, weight 0, marked as not a finding", s)
				}
				got = append(got, strings.Fields(s.What)[2])
			}
			if !slices.Equal(got, tt.signals) {
				t.Errorf("signals for %q, want %q (%v)", got, tt.signals, d.Signals)
			}
		})
	}
}

// TestPolicyAudience: case 3. The classifier's audience of a typed
// invitation follows its To/Cc, so a colleague's gmail written in To makes
// it external while the same gmail in Bcc does not. The policy's audience
// comes from the document, else from the recipients it does not judge.
func TestPolicyAudience(t *testing.T) {
	fromRcpts := func(aud string) *classify.Verdict {
		return &classify.Verdict{Type: "giay_moi", Audience: aud, AudienceSource: classify.AudienceFromRecipients, Secrecy: "none"}
	}
	fromDoc := func(aud string) *classify.Verdict {
		return &classify.Verdict{Type: "giay_moi", Audience: aud, AudienceSource: classify.AudienceFromDocument, Secrecy: "none"}
	}
	const city, gmail = "dvtruong.tttl@tphcm.gov.vn", "dotruong.trienlam@gmail.com"
	tests := []struct {
		name  string
		v     *classify.Verdict
		rcpts []string
		want  string
	}{
		{"gmail in To (classifier: ngoai)", fromRcpts("ngoai"), []string{city, gmail}, "noi_bo"},
		{"gmail in Bcc (classifier: noi_bo)", fromRcpts("noi_bo"), []string{city, gmail}, "noi_bo"},
		{"recipients in another order", fromRcpts("ngoai"), []string{gmail, city}, "noi_bo"},
		{"the Sở among the recipients", fromRcpts("so"), []string{gmail, city, "vanthu@svhtt.tphcm.gov.vn"}, "so"},
		{"the Sở by address", fromRcpts("so"), []string{"VanPhong.SVHTT@tphcm.gov.vn.", gmail}, "so"},
		{"another organisation", fromRcpts("ngoai"), []string{city, "info@company.vn", gmail}, "ngoai"},
		{"consumer recipients only", fromRcpts("ngoai"), []string{gmail, "x@yahoo.com"}, "unknown"},
		{"the document's addressee decides", fromDoc("ngoai"), []string{city, gmail}, "ngoai"},
		{"the document's addressee decides, internal", fromDoc("noi_bo"), []string{"info@company.vn", gmail}, "noi_bo"},
		{"no recipients", fromRcpts("unknown"), nil, "unknown"},
	}
	e := identityEngine(t, false)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := e.Evaluate(Input{AuthUser: "nvthanh.tttl@tphcm.gov.vn", RcptTo: tt.rcpts, Verdict: tt.v, Time: june})
			if d.Audience != tt.want {
				t.Errorf("Audience = %q, want %q", d.Audience, tt.want)
			}
		})
	}

	// Whatever the classifier said from the recipients, the judgement of
	// one envelope is the same.
	var first *Decision
	for _, aud := range []string{"ngoai", "noi_bo", "unknown"} {
		d := e.Evaluate(Input{AuthUser: "nvthanh.tttl@tphcm.gov.vn", RcptTo: []string{city, gmail, "hoangphucle.vn@gmail.com"}, Verdict: fromRcpts(aud), Time: june})
		if first == nil {
			first = &d
			if !slices.Equal(d.Flags, []string{FindingBypassPersonalRecipient}) || len(d.Signals) != 1 {
				t.Fatalf("Flags = %v Signals = %v, want bypass_personal_recipient and one signal", d.Flags, d.Signals)
			}
			continue
		}
		if !slices.Equal(d.Flags, first.Flags) || !slices.Equal(d.Signals, first.Signals) || d.Audience != first.Audience {
			t.Errorf("classifier audience %s changed the judgement: %+v vs %+v", aud, d, *first)
		}
	}
}

func TestRosterCanonicalDuplicates(t *testing.T) {
	content := rosterHeader +
		"S1,An,Triển lãm,a@tphcm.gov.vn,an.nguyen@gmail.com,2024-05-21,\n" +
		"S2,Bình,Kế toán,b@tphcm.gov.vn,AnNguyen+x@googlemail.com,2024-05-21,\n" +
		"S3,Cường,Kế toán,c@tphcm.gov.vn.,,2024-05-21,\n" +
		"S4,Dũng,Kế toán,C@TPHCM.gov.vn,,2024-05-21,\n"
	_, err := parseTest(content)
	want := []string{
		`roster.csv:3: personal address "annguyen+x@googlemail.com": the same mailbox as "an.nguyen@gmail.com" on line 2`,
		`roster.csv:5: city address "c@tphcm.gov.vn": already listed on line 4`,
	}
	if err == nil || !slices.Equal(strings.Split(err.Error(), "\n"), want) {
		t.Errorf("error:\n%v\nwant:\n%s", err, strings.Join(want, "\n"))
	}

	// City plus-addressing: the switch decides whether a+x and a are one.
	content = rosterHeader +
		"S1,An,Triển lãm,a@tphcm.gov.vn,,2024-05-21,\n" +
		"S2,Bình,Kế toán,a+x@tphcm.gov.vn,,2024-05-21,\n"
	if _, err := parseTest(content); err != nil {
		t.Errorf("without city plus-addressing a+x is another address: %v", err)
	}
	rules := rosterRules{city: domainSet{"tphcm.gov.vn"}, canon: canonicalizer{city: domainSet{"tphcm.gov.vn"}, cityPlus: true}}
	if _, err := parseRoster(strings.NewReader(content), "roster.csv", rules); err == nil || !strings.Contains(err.Error(), `the same mailbox as "a@tphcm.gov.vn" on line 2`) {
		t.Errorf("with city plus-addressing: %v", err)
	}
}

func TestExampleRosterVariants(t *testing.T) {
	e, err := New(Config{Roster: "../configs/roster.example.csv"})
	if err != nil {
		t.Fatal(err)
	}
	// The spellings of TTTL003's hoangphuc.le.vn@gmail.com.
	for _, a := range []string{"hoangphucle.vn@gmail.com", "hoang.phuc.le.vn@gmail.com", "hoangphuc.le.vn+x@gmail.com",
		"hoangphuc.le.vn@googlemail.com", "hoangphuc.le.vn@gmail.com.", "HOANGPHUC.LE.VN@GMAIL.COM"} {
		if s, ok := e.Roster().ByAddress(a); !ok || s.ID != "TTTL003" {
			t.Errorf("ByAddress(%q) = %q %v, want TTTL003", a, s.ID, ok)
		}
	}
	if s, ok := e.Roster().ByAddress("nvthanh.tttl@tphcm.gov.vn."); !ok || s.ID != "TTTL001" {
		t.Errorf("trailing-dot city address: %q %v", s.ID, ok)
	}
}
