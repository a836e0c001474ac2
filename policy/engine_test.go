package policy

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"mailaudit/classify"
)

const testRoster = `staff_id,full_name,division,city_address,personal_addresses,active_from,active_to
S1,Nguyễn Văn An,Triển lãm,a@tphcm.gov.vn,a.personal@gmail.com,2024-05-21,
S2,Trần Thị Bình,Kế toán,b@tphcm.gov.vn,b@yahoo.com.vn,2024-05-21,
S3,Lê Văn Cường,Kế toán,c@tphcm.gov.vn,c@company.vn,2024-05-21,2024-09-30
S4,Phạm Thị Dung,Triển lãm,d@tphcm.gov.vn,,2024-10-01,
`

// june is a working day when S1, S2 and S3 are on the roster and S4 is not yet.
var june = time.Date(2024, 6, 3, 10, 0, 0, 0, time.FixedZone("ICT", 7*3600))

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func testConfig(t *testing.T) Config {
	t.Helper()
	return Config{
		DepartmentAddresses: []string{"svhtt@tphcm.gov.vn", "@vp.svhtt.tphcm.gov.vn"},
		Roster:              writeFile(t, "roster.csv", testRoster),
	}
}

func newEngine(t *testing.T, cfg Config) *Engine {
	t.Helper()
	e, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

func verdict(typ, audience, secrecy string) *classify.Verdict {
	return &classify.Verdict{Type: typ, Audience: audience, Secrecy: secrecy, Urgency: "none"}
}

func TestEvaluateFindings(t *testing.T) {
	e := newEngine(t, testConfig(t))
	tests := []struct {
		name    string
		in      Input
		want    []string
		staffID string
	}{
		{"city sender, invitation to a colleague",
			Input{AuthUser: "a@tphcm.gov.vn", MailFrom: "a@tphcm.gov.vn", RcptTo: []string{"b@tphcm.gov.vn"}, Verdict: verdict("giay_moi", "noi_bo", "none")},
			nil, "S1"},
		{"staff member's gmail sends an invitation",
			Input{AuthUser: "a.personal@gmail.com", MailFrom: "a.personal@gmail.com", RcptTo: []string{"b@tphcm.gov.vn"}, Verdict: verdict("giay_moi", "noi_bo", "none")},
			[]string{FindingBypassPersonalSender}, "S1"},
		{"stranger's gmail sends a notice",
			Input{AuthUser: "x@gmail.com", RcptTo: []string{"b@tphcm.gov.vn"}, Verdict: verdict("thong_bao", "noi_bo", "none")},
			[]string{FindingBypassPersonalSender, FindingUnknownSender}, ""},
		{"non-consumer, non-city sender is still a bypass",
			Input{AuthUser: "c@company.vn", RcptTo: []string{"b@tphcm.gov.vn"}, Verdict: verdict("bao_cao", "so", "none")},
			[]string{FindingBypassPersonalSender}, "S3"},
		{"report to a colleague's personal address, external audience",
			Input{AuthUser: "a@tphcm.gov.vn", RcptTo: []string{"b@yahoo.com.vn"}, Verdict: verdict("bao_cao", "ngoai", "none")},
			[]string{FindingBypassPersonalRecipient}, "S1"},
		{"roster personal address outside consumer domains",
			Input{AuthUser: "a@tphcm.gov.vn", RcptTo: []string{"c@company.vn"}, Verdict: verdict("ke_hoach", "ngoai", "none")},
			[]string{FindingBypassPersonalRecipient}, "S1"},
		{"recipient in brackets and upper case",
			Input{AuthUser: "a@tphcm.gov.vn", RcptTo: []string{"<B@Yahoo.COM.vn>"}, Verdict: verdict("bao_cao", "ngoai", "none")},
			[]string{FindingBypassPersonalRecipient}, "S1"},
		// Consumer-domain recipients nobody is known to own are signals, not
		// findings (TestRecipientJudgement).
		{"Department audience to an unlisted consumer address",
			Input{AuthUser: "a@tphcm.gov.vn", RcptTo: []string{"stranger@gmail.com"}, Verdict: verdict("bao_cao", "so", "none")},
			nil, "S1"},
		{"internal audience to an unlisted VNPT regional address",
			Input{AuthUser: "a@tphcm.gov.vn", RcptTo: []string{"x@hcm.vnn.vn"}, Verdict: verdict("lich_cong_tac", "noi_bo", "none")},
			nil, "S1"},
		{"external audience may use consumer domains",
			Input{AuthUser: "a@tphcm.gov.vn", RcptTo: []string{"stranger@gmail.com"}, Verdict: verdict("giay_moi", "ngoai", "none")},
			nil, "S1"},
		{"unknown audience with the Department and a listed address in copy",
			Input{AuthUser: "a@tphcm.gov.vn", RcptTo: []string{"svhtt@tphcm.gov.vn", "b@yahoo.com.vn"}, Verdict: verdict("cong_van", "unknown", "none")},
			[]string{FindingBypassPersonalRecipient}, "S1"},
		{"unknown audience with a Department subdomain and an unlisted address in copy",
			Input{AuthUser: "a@tphcm.gov.vn", RcptTo: []string{"vanthu@vp.svhtt.tphcm.gov.vn", "stranger@gmail.com"}, Verdict: verdict("cong_van", "", "none")},
			nil, "S1"},
		{"unknown audience without the Department",
			Input{AuthUser: "a@tphcm.gov.vn", RcptTo: []string{"stranger@gmail.com"}, Verdict: verdict("cong_van", "unknown", "none")},
			nil, "S1"},
		{"personal mail from the city account",
			Input{AuthUser: "a@tphcm.gov.vn", RcptTo: []string{"b@yahoo.com.vn"}, Verdict: verdict(typePersonal, "ngoai", "none")},
			[]string{FindingPersonalUse}, "S1"},
		{"personal mail from a personal account",
			Input{AuthUser: "a.personal@gmail.com", RcptTo: []string{"b@yahoo.com.vn"}, Verdict: verdict(typePersonal, "ngoai", "none")},
			nil, "S1"},
		{"secret document between city accounts",
			Input{AuthUser: "a@tphcm.gov.vn", RcptTo: []string{"b@tphcm.gov.vn"}, Verdict: verdict("cong_van", "noi_bo", "mat")},
			[]string{FindingSecretDocument}, "S1"},
		{"toi mat",
			Input{AuthUser: "a@tphcm.gov.vn", RcptTo: []string{"b@tphcm.gov.vn"}, Verdict: verdict("bao_cao", "so", "toi_mat")},
			[]string{FindingSecretDocument}, "S1"},
		{"tuyet mat on undetermined mail",
			Input{AuthUser: "a@tphcm.gov.vn", RcptTo: []string{"b@tphcm.gov.vn"}, Verdict: verdict(typeUnknown, "unknown", "tuyet_mat")},
			[]string{FindingSecretDocument}, "S1"},
		{"everything at once",
			Input{AuthUser: "a.personal@gmail.com", RcptTo: []string{"b@yahoo.com.vn"}, Verdict: verdict("bao_cao", "noi_bo", "mat")},
			[]string{FindingBypassPersonalRecipient, FindingBypassPersonalSender, FindingSecretDocument}, "S1"},
		{"city account not on the roster",
			Input{AuthUser: "z@tphcm.gov.vn", RcptTo: []string{"b@tphcm.gov.vn"}, Verdict: verdict("thong_bao", "noi_bo", "none")},
			[]string{FindingUnknownSender}, ""},
		{"city subdomain sender is a city account",
			Input{AuthUser: "vanthu@svhtt.tphcm.gov.vn", RcptTo: []string{"a@tphcm.gov.vn"}, Verdict: verdict("cong_van", "noi_bo", "none")},
			[]string{FindingUnknownSender}, ""},
		{"former staff member after active_to",
			Input{AuthUser: "c@tphcm.gov.vn", RcptTo: []string{"b@tphcm.gov.vn"}, Verdict: verdict("bao_cao", "noi_bo", "none"), Time: time.Date(2024, 10, 1, 8, 0, 0, 0, time.UTC)},
			[]string{FindingUnknownSender}, "S3"},
		{"former staff member on the last day (Vietnamese calendar)",
			Input{AuthUser: "c@tphcm.gov.vn", RcptTo: []string{"b@tphcm.gov.vn"}, Verdict: verdict("bao_cao", "noi_bo", "none"), Time: time.Date(2024, 9, 30, 16, 59, 0, 0, time.UTC)},
			nil, "S3"},
		{"new staff member before active_from",
			Input{AuthUser: "d@tphcm.gov.vn", RcptTo: []string{"b@tphcm.gov.vn"}, Verdict: verdict("bao_cao", "noi_bo", "none")},
			[]string{FindingUnknownSender}, "S4"},
		{"trusted network without AUTH: envelope sender on the roster",
			Input{MailFrom: "a@tphcm.gov.vn", HeaderFrom: "z@tphcm.gov.vn", RcptTo: []string{"b@tphcm.gov.vn"}, Verdict: verdict("thong_bao", "noi_bo", "none")},
			nil, "S1"},
		{"trusted network without AUTH: scanner",
			Input{MailFrom: "scanner@tphcm.gov.vn", RcptTo: []string{"b@tphcm.gov.vn"}, Verdict: verdict("tai_lieu_cong_viec", "noi_bo", "none")},
			[]string{FindingUnknownSender}, ""},
		{"null reverse-path falls back to the header From",
			Input{MailFrom: "<>", HeaderFrom: "Mailer <MAILER-DAEMON@tphcm.gov.vn>", RcptTo: []string{"b@tphcm.gov.vn"}, Verdict: verdict(typeUnknown, "unknown", "none")},
			[]string{FindingUnknownSender}, ""},
		{"no sender at all raises no sender finding",
			Input{MailFrom: "<>", RcptTo: []string{"b@tphcm.gov.vn"}, Verdict: verdict("thong_bao", "noi_bo", "none")},
			nil, ""},
		{"bare login falls through to the envelope sender",
			Input{AuthUser: "a", MailFrom: "a@tphcm.gov.vn", RcptTo: []string{"b@tphcm.gov.vn"}, Verdict: verdict("giay_moi", "noi_bo", "none")},
			nil, "S1"},
		{"login in upper case",
			Input{AuthUser: "A@TPHCM.GOV.VN", RcptTo: []string{"b@tphcm.gov.vn"}, Verdict: verdict("giay_moi", "noi_bo", "none")},
			nil, "S1"},
		{"no verdict: only the sender is judged",
			Input{AuthUser: "x@gmail.com", RcptTo: []string{"b@yahoo.com.vn"}},
			[]string{FindingUnknownSender}, ""},
		{"undetermined mail from a personal account is no bypass",
			Input{AuthUser: "a.personal@gmail.com", RcptTo: []string{"b@yahoo.com.vn"}, Verdict: verdict(typeUnknown, "noi_bo", "none")},
			nil, "S1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.in.Time.IsZero() {
				tt.in.Time = june
			}
			d := e.Evaluate(tt.in)
			if !slices.Equal(d.Flags, tt.want) {
				t.Errorf("Flags = %v, want %v", d.Flags, tt.want)
			}
			if d.StaffID != tt.staffID {
				t.Errorf("StaffID = %q, want %q", d.StaffID, tt.staffID)
			}
			if d.Reject || d.Tag != "" {
				t.Errorf("default monitor config gave Reject=%v Tag=%q", d.Reject, d.Tag)
			}
		})
	}
}

func TestEvaluateDivision(t *testing.T) {
	e := newEngine(t, testConfig(t))
	d := e.Evaluate(Input{AuthUser: "b@yahoo.com.vn", Time: june})
	if d.StaffID != "S2" || d.Division != "Kế toán" {
		t.Errorf("got %q/%q, want S2/Kế toán", d.StaffID, d.Division)
	}
}

func TestEvaluateWithoutRoster(t *testing.T) {
	cfg := testConfig(t)
	cfg.Roster = ""
	e := newEngine(t, cfg)
	d := e.Evaluate(Input{AuthUser: "x@gmail.com", RcptTo: []string{"y@gmail.com"}, Verdict: verdict("giay_moi", "noi_bo", "none")})
	// Without a roster nobody's personal address is known: a consumer
	// recipient is only a signal, and unknown_sender is never raised.
	want := []string{FindingBypassPersonalSender}
	if !slices.Equal(d.Flags, want) || len(d.Signals) != 1 || !strings.Contains(d.Signals[0].What, "y@gmail.com") {
		t.Errorf("Flags = %v, Signals = %v, want %v and a signal for y@gmail.com", d.Flags, d.Signals, want)
	}
	if e.Roster() == nil || e.Roster().Len() != 0 {
		t.Errorf("Roster() without a roster should be empty, not nil")
	}
}

func TestEvaluateCustomMandated(t *testing.T) {
	cfg := testConfig(t)
	cfg.Mandated = []string{"giay_moi"}
	e := newEngine(t, cfg)
	in := Input{AuthUser: "a.personal@gmail.com", Time: june}
	in.Verdict = verdict("bao_cao", "noi_bo", "none")
	if d := e.Evaluate(in); len(d.Flags) != 0 {
		t.Errorf("bao_cao not mandated: Flags = %v", d.Flags)
	}
	in.Verdict = verdict("giay_moi", "noi_bo", "none")
	if d := e.Evaluate(in); !slices.Equal(d.Flags, []string{FindingBypassPersonalSender}) {
		t.Errorf("giay_moi mandated: Flags = %v", d.Flags)
	}
	// The policy list decides, not the classifier's flag.
	in.Verdict = verdict("bao_cao", "noi_bo", "none")
	in.Verdict.Mandated = true
	if d := e.Evaluate(in); len(d.Flags) != 0 {
		t.Errorf("Verdict.Mandated overrode the policy list: Flags = %v", d.Flags)
	}
}

// findingInputs triggers exactly one finding each.
func findingInputs() map[string]Input {
	return map[string]Input{
		FindingBypassPersonalSender:    {AuthUser: "a.personal@gmail.com", RcptTo: []string{"b@tphcm.gov.vn"}, Verdict: verdict("giay_moi", "noi_bo", "none")},
		FindingBypassPersonalRecipient: {AuthUser: "a@tphcm.gov.vn", RcptTo: []string{"b@yahoo.com.vn"}, Verdict: verdict("bao_cao", "so", "none")},
		FindingSecretDocument:          {AuthUser: "a@tphcm.gov.vn", RcptTo: []string{"b@tphcm.gov.vn"}, Verdict: verdict("cong_van", "noi_bo", "mat")},
		FindingPersonalUse:             {AuthUser: "a@tphcm.gov.vn", RcptTo: []string{"friend@gmail.com"}, Verdict: verdict(typePersonal, "ngoai", "none")},
		FindingUnknownSender:           {AuthUser: "z@tphcm.gov.vn", RcptTo: []string{"b@tphcm.gov.vn"}, Verdict: verdict("thong_bao", "noi_bo", "none")},
	}
}

func TestEvaluateActions(t *testing.T) {
	for finding, in := range findingInputs() {
		for _, action := range []string{ActionLog, ActionTag, ActionReject} {
			for _, mode := range []string{ModeMonitor, ModeEnforce} {
				t.Run(finding+"/"+action+"/"+mode, func(t *testing.T) {
					cfg := testConfig(t)
					cfg.Mode = mode
					cfg.Actions = map[string]string{}
					for _, f := range Findings() {
						cfg.Actions[f] = ActionLog
					}
					cfg.Actions[finding] = action
					e := newEngine(t, cfg)
					in.Time = june
					d := e.Evaluate(in)
					if !slices.Equal(d.Flags, []string{finding}) {
						t.Fatalf("Flags = %v, want [%s]", d.Flags, finding)
					}
					wantTag := ""
					if action == ActionTag {
						wantTag = finding
					}
					if d.Tag != wantTag {
						t.Errorf("Tag = %q, want %q", d.Tag, wantTag)
					}
					wantReject := action == ActionReject && mode == ModeEnforce
					if d.Reject != wantReject {
						t.Errorf("Reject = %v, want %v", d.Reject, wantReject)
					}
					if wantReject {
						if d.Reply.Code != 550 || d.Reply.Enhanced != "5.7.1" || d.Reply.Text == "" || d.Reply.TextASCII == "" {
							t.Errorf("Reply = %+v, want 550 5.7.1 with text", d.Reply)
						}
					} else if d.Reply != (Reply{}) {
						t.Errorf("Reply = %+v without a rejection", d.Reply)
					}
				})
			}
		}
	}
}

func TestDefaultActions(t *testing.T) {
	secret := findingInputs()[FindingSecretDocument]
	secret.Time = june
	bypass := findingInputs()[FindingBypassPersonalSender]
	bypass.Time = june
	for _, mode := range []string{"", ModeMonitor, ModeEnforce} {
		cfg := testConfig(t)
		cfg.Mode = mode
		e := newEngine(t, cfg)
		if d := e.Evaluate(secret); d.Reject != (mode == ModeEnforce) {
			t.Errorf("mode %q: secret_document Reject = %v", mode, d.Reject)
		}
		if d := e.Evaluate(bypass); d.Reject || d.Tag != "" || len(d.Flags) != 1 {
			t.Errorf("mode %q: bypass default should be log only, got %+v", mode, d)
		}
	}
	e := newEngine(t, testConfig(t))
	if e.Mode() != ModeMonitor {
		t.Errorf("default mode %q", e.Mode())
	}
	for _, f := range Findings() {
		want := ActionLog
		if f == FindingSecretDocument {
			want = ActionReject
		}
		if got := e.Action(f); got != want {
			t.Errorf("Action(%s) = %q, want %q", f, got, want)
		}
	}
}

func TestTagOrder(t *testing.T) {
	cfg := testConfig(t)
	cfg.Mode = ModeEnforce
	cfg.Actions = map[string]string{FindingSecretDocument: ActionTag, FindingBypassPersonalSender: ActionTag}
	e := newEngine(t, cfg)
	d := e.Evaluate(Input{AuthUser: "a.personal@gmail.com", RcptTo: []string{"b@tphcm.gov.vn"}, Verdict: verdict("giay_moi", "noi_bo", "tuyet_mat"), Time: june})
	if d.Tag != "bypass_personal_sender; secret_document" || d.Reject {
		t.Errorf("Tag = %q Reject = %v", d.Tag, d.Reject)
	}
}

func TestEvaluateAuth(t *testing.T) {
	tests := []struct {
		mode, action string
		weak         bool
		wantFlags    []string
		wantTag      string
		wantReject   bool
	}{
		{ModeEnforce, "", false, nil, "", false},
		{ModeEnforce, "", true, []string{FindingWeakPassword}, "", false},
		{ModeEnforce, ActionTag, true, []string{FindingWeakPassword}, FindingWeakPassword, false},
		{ModeMonitor, ActionReject, true, []string{FindingWeakPassword}, "", false},
		{ModeEnforce, ActionReject, true, []string{FindingWeakPassword}, "", true},
		{ModeEnforce, ActionReject, false, nil, "", false},
	}
	for _, tt := range tests {
		cfg := testConfig(t)
		cfg.Mode = tt.mode
		if tt.action != "" {
			cfg.Actions = map[string]string{FindingWeakPassword: tt.action}
		}
		e := newEngine(t, cfg)
		d := e.EvaluateAuth("a@tphcm.gov.vn", tt.weak)
		if !slices.Equal(d.Flags, tt.wantFlags) || d.Tag != tt.wantTag || d.Reject != tt.wantReject || d.StaffID != "S1" {
			t.Errorf("%+v: got %+v", tt, d)
		}
		if tt.wantReject && (d.Reply.Code != 535 || d.Reply.Enhanced != "5.7.8" || !strings.Contains(d.Reply.TextASCII, "Mat khau")) {
			t.Errorf("%+v: reply %+v", tt, d.Reply)
		}
	}
}

func TestEngineConcurrentUse(t *testing.T) {
	cfg := testConfig(t)
	cfg.Mode = ModeEnforce
	e := newEngine(t, cfg)
	inputs := findingInputs()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, in := range inputs {
				in.Time = june
				d := e.Evaluate(in)
				if len(d.Flags) != 1 {
					t.Errorf("Flags = %v", d.Flags)
				}
				e.Roster().ByAddress("a@tphcm.gov.vn")
			}
		}()
	}
	wg.Wait()
}
