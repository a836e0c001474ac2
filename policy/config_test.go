package policy

import (
	"slices"
	"strings"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string // "" means valid
	}{
		{"zero config is valid", Config{}, ""},
		{"full config", Config{Mode: "enforce", CityDomains: []string{"TPHCM.gov.vn."}, DepartmentAddresses: []string{"svhtt@tphcm.gov.vn", "@svhtt.tphcm.gov.vn"},
			PersonalDomains: []string{"gmail.com"}, Divisions: []string{"Triển lãm"}, Mandated: []string{"giay_moi", "khong_xac_dinh"},
			Actions: map[string]string{"weak_password": "tag", "secret_document": "reject"}}, ""},
		{"mode", Config{Mode: "block"}, `policy.mode: "block": must be "monitor" or "enforce"`},
		{"city domain", Config{CityDomains: []string{"tphcm.gov.vn", "tphcm"}}, `policy.city_domains[1]: "tphcm": not a domain name`},
		{"department domain", Config{DepartmentAddresses: []string{"@svhtt..vn"}}, `policy.department[0]: "@svhtt..vn": not a domain name`},
		{"department address", Config{DepartmentAddresses: []string{"Sở VHTT"}}, `policy.department[0]: "Sở VHTT": must be an e-mail address or "@domain"`},
		{"personal domain", Config{PersonalDomains: []string{"gmail"}}, `policy.personal_domains[0]: "gmail": not a domain name`},
		{"personal domain inside the city", Config{PersonalDomains: []string{"mail.tphcm.gov.vn"}}, `policy.personal_domains[0]: "mail.tphcm.gov.vn": is a city domain`},
		{"empty division", Config{Divisions: []string{" "}}, `policy.divisions[0]: empty`},
		{"duplicate division in another normal form", Config{Divisions: []string{"Kế toán", "Ke\u0302\u0301  toán"}}, "policy.divisions[1]: \"Ke\u0302\u0301  toán\": duplicate of policy.divisions[0]"},
		{"unknown type", Config{Mandated: []string{"thongbao"}}, `policy.mandated[0]: "thongbao": unknown type id (known: thong_bao, cong_van, giay_moi, bao_cao, lich_cong_tac, tai_lieu_hop, ke_hoach, quyet_dinh, to_trinh, bien_ban, huong_dan, van_ban_khac, tai_lieu_cong_viec, ca_nhan, khong_xac_dinh)`},
		{"personal mail mandated", Config{Mandated: []string{"ca_nhan"}}, `policy.mandated[0]: "ca_nhan": personal mail cannot be mandated`},
		{"unknown finding", Config{Actions: map[string]string{"secret": "reject"}}, `policy.actions.secret: unknown finding (known: bypass_personal_recipient, bypass_personal_sender, personal_use, secret_document, unknown_sender, weak_password)`},
		{"unknown action", Config{Actions: map[string]string{"secret_document": "drop"}}, `policy.actions.secret_document: "drop": must be "log", "tag" or "reject"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Validate() = %q, want %q", got, tt.want)
			}
			if _, nerr := New(tt.cfg); (nerr == nil) != (tt.want == "") {
				t.Errorf("New() = %v, disagrees with Validate", nerr)
			}
		})
	}
}

func TestCustomCityDomains(t *testing.T) {
	e := newEngine(t, Config{CityDomains: []string{"Hochiminhcity.gov.vn"}, PersonalDomains: []string{"example.net"}})
	d := e.Evaluate(Input{AuthUser: "a@tphcm.gov.vn", RcptTo: []string{"x@example.net"}, Verdict: verdict("bao_cao", "noi_bo", "none")})
	want := []string{FindingBypassPersonalSender}
	if !slices.Equal(d.Flags, want) || len(d.Signals) != 1 || !strings.Contains(d.Signals[0].What, "x@example.net") {
		t.Errorf("Flags = %v, Signals = %v, want %v and a consumer-domain signal (tphcm.gov.vn is not a city domain here; only example.net is personal)", d.Flags, d.Signals, want)
	}
	d = e.Evaluate(Input{AuthUser: "a@hochiminhcity.gov.vn", RcptTo: []string{"x@gmail.com"}, Verdict: verdict("bao_cao", "noi_bo", "none")})
	if len(d.Flags) != 0 || len(d.Signals) != 0 {
		t.Errorf("Flags = %v, Signals = %v: gmail.com is not personal when the list is replaced", d.Flags, d.Signals)
	}
}
