package policy

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

const rosterHeader = "staff_id,full_name,division,city_address,personal_addresses,active_from,active_to\n"

func parseTest(content string, divisions ...string) (*Roster, error) {
	return parseRoster(strings.NewReader(content), "roster.csv", rosterRules{city: domainSet{"tphcm.gov.vn"}, divisions: divisions})
}

func TestRosterErrors(t *testing.T) {
	ok := "S1,Nguyễn Văn An,Triển lãm,a@tphcm.gov.vn,a@gmail.com,2024-05-21,\n"
	tests := []struct {
		name      string
		content   string
		divisions []string
		want      []string // every line of the error, in order
	}{
		{"bad personal address", rosterHeader + ok + "S2,Trần Bình,Kế toán,b@tphcm.gov.vn,x,2024-05-21,\n", nil,
			[]string{`roster.csv:3: personal address "x": not an e-mail address`}},
		{"duplicate staff id", rosterHeader + ok + "S1,Trần Bình,Kế toán,b@tphcm.gov.vn,,2024-05-21,\n", nil,
			[]string{`roster.csv:3: staff_id "S1": duplicate of line 2`}},
		{"duplicate city address in another case", rosterHeader + ok + "S2,Trần Bình,Kế toán,A@TPHCM.gov.vn,,2024-05-21,\n", nil,
			[]string{`roster.csv:3: city address "a@tphcm.gov.vn": already listed on line 2`}},
		{"someone else's personal address", rosterHeader + ok + "S2,Trần Bình,Kế toán,b@tphcm.gov.vn,a@gmail.com,2024-05-21,\n", nil,
			[]string{`roster.csv:3: personal address "a@gmail.com": already listed on line 2`}},
		{"city address outside the city domains", rosterHeader + "S1,An,Triển lãm,an@gmail.com,,2024-05-21,\n", nil,
			[]string{`roster.csv:2: city address "an@gmail.com": not in a city domain (tphcm.gov.vn)`}},
		{"bad city address", rosterHeader + "S1,An,Triển lãm,an tphcm.gov.vn,,2024-05-21,\n", nil,
			[]string{`roster.csv:2: city address "an tphcm.gov.vn": not an e-mail address`}},
		{"personal address in a city domain", rosterHeader + "S1,An,Triển lãm,an@tphcm.gov.vn,an2@svhtt.tphcm.gov.vn,2024-05-21,\n", nil,
			[]string{`roster.csv:2: personal address "an2@svhtt.tphcm.gov.vn": in a city domain; a person has one city_address`}},
		{"bad dates", rosterHeader + "S1,An,Triển lãm,an@tphcm.gov.vn,,21/05/2024,2024-02-30\n", nil,
			[]string{`roster.csv:2: active_from "21/05/2024": not a date (want YYYY-MM-DD)`, `roster.csv:2: active_to "2024-02-30": not a date (want YYYY-MM-DD)`}},
		{"missing active_from", rosterHeader + "S1,An,Triển lãm,an@tphcm.gov.vn,,,\n", nil,
			[]string{`roster.csv:2: active_from: empty (want YYYY-MM-DD)`}},
		{"active_to before active_from", rosterHeader + "S1,An,Triển lãm,an@tphcm.gov.vn,,2024-05-21,2024-05-20\n", nil,
			[]string{`roster.csv:2: active_to 2024-05-20: before active_from 2024-05-21`}},
		{"unknown division", rosterHeader + "S1,An,Trien lam,an@tphcm.gov.vn,,2024-05-21,\n", []string{"Triển lãm", "Kế toán"},
			[]string{`roster.csv:2: division "Trien lam": not one of policy.divisions (Triển lãm; Kế toán)`}},
		{"empty fields", rosterHeader + " ,,,a@tphcm.gov.vn,,2024-05-21,\n", nil,
			[]string{`roster.csv:2: staff_id: empty`, `roster.csv:2: full_name: empty`, `roster.csv:2: division: empty`}},
		{"wrong number of fields", rosterHeader + ok + "S2,Bình,Kế toán,b@tphcm.gov.vn\n", nil,
			[]string{`roster.csv:3: 4 fields, the header has 7`}},
		{"line numbers count comments and quoted line breaks", rosterHeader + "# comment\n\"S1\",\"Nguyễn\nVăn An\",Triển lãm,a@tphcm.gov.vn,,2024-05-21,\nS2,Bình,Kế toán,b@tphcm.gov.vn,bad@,2024-05-21,\n", nil,
			[]string{`roster.csv:3: control character in "Nguyễn\nVăn An"`, `roster.csv:5: personal address "bad@": not an e-mail address`}},
		{"several bad lines at once", rosterHeader + "S1,An,Triển lãm,a@tphcm.gov.vn,x;y@gmail.com,2024-05-21,\n" + ok + "S3,Cường,Kế toán,c@tphcm.gov.vn,,2024-13-01,\n", nil,
			[]string{`roster.csv:2: personal address "x": not an e-mail address`, `roster.csv:3: staff_id "S1": duplicate of line 2`, `roster.csv:3: city address "a@tphcm.gov.vn": already listed on line 2`, `roster.csv:4: active_from "2024-13-01": not a date (want YYYY-MM-DD)`}},
		{"invalid UTF-8 (a windows-1258 export)", rosterHeader + "S1,Nguy\xeai,Triển lãm,a@tphcm.gov.vn,,2024-05-21,\n", nil,
			[]string{`roster.csv:2: not valid UTF-8 (save the file as "CSV UTF-8")`}},
		{"bare quote", rosterHeader + ok + "S2,Bình \"Bé\",Kế toán,b@tphcm.gov.vn,,2024-05-21,\n", nil,
			[]string{`roster.csv:3: bare " in non-quoted-field`}},
		{"unknown and missing columns", "staff_id,full_name,division,email,personal_addresses,active_from\n", nil,
			[]string{`roster.csv:1: unknown column "email" (want staff_id,full_name,division,city_address,personal_addresses,active_from,active_to)`, `roster.csv:1: missing column "city_address"`}},
		{"duplicate column", "staff_id,full_name,division,city_address,personal_addresses,active_from,active_from\n", nil,
			[]string{`roster.csv:1: column "active_from" appears twice`}},
		{"header only", rosterHeader, nil,
			[]string{`roster.csv:1: no staff entries`}},
		{"empty file", "", nil,
			[]string{`roster.csv:1: empty file: want the header staff_id,full_name,division,city_address,personal_addresses,active_from,active_to`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := parseTest(tt.content, tt.divisions...)
			if err == nil {
				t.Fatalf("accepted: %d entries", r.Len())
			}
			if got := strings.Split(err.Error(), "\n"); !slices.Equal(got, tt.want) {
				t.Errorf("error:\n%s\nwant:\n%s", err, strings.Join(tt.want, "\n"))
			}
			var le *LineError
			if !errors.As(err, &le) || le.File != "roster.csv" {
				t.Errorf("error does not unwrap to a *LineError: %#v", err)
			}
		})
	}
}

func TestRosterErrorIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString(rosterHeader)
	for i := 0; i < 30; i++ {
		b.WriteString("S,An,Triển lãm,bad,,2024-05-21,\n")
	}
	_, err := parseTest(b.String())
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != maxRosterErrors+1 || !strings.HasPrefix(lines[maxRosterErrors], "... and ") {
		t.Errorf("want %d lines then a count, got %d:\n%s", maxRosterErrors, len(lines), err)
	}
}

func TestRosterParse(t *testing.T) {
	nfdName := "Nguye\u0302\u0303n Va\u0306n An"                                 // NFD, as some input methods type it
	nfdDivision := "Tri\u00ea\u0309n la\u0303m"                                  // partly decomposed
	content := "\uFEFF" + strings.ToUpper(rosterHeader[:8]) + rosterHeader[8:] + // BOM, and a header in another case
		"S1, " + nfdName + " ," + nfdDivision + ",A@TPHCM.GOV.VN,a@gmail.com; A.Second@Yahoo.com.vn ,2024-05-21,\n" +
		"S2,Trần Thị Bình,Kế toán,b@svhtt.tphcm.gov.vn,,2024-05-21,2024-12-31\n"
	r, err := parseTest(content, "Triển lãm", "Kế toán")
	if err != nil {
		t.Fatal(err)
	}
	s, ok := r.ByAddress("<a.second@yahoo.com.vn>")
	if !ok {
		t.Fatal("personal address not found")
	}
	if s.ID != "S1" || s.FullName != "Nguyễn Văn An" || s.Division != "Triển lãm" || s.CityAddress != "a@tphcm.gov.vn" {
		t.Errorf("entry = %+v", s)
	}
	if !slices.Equal(s.PersonalAddresses, []string{"a@gmail.com", "a.second@yahoo.com.vn"}) {
		t.Errorf("personal addresses = %q", s.PersonalAddresses)
	}
	if s.Line != 2 {
		t.Errorf("Line = %d", s.Line)
	}
	if s2, ok := r.ByAddress("b@svhtt.tphcm.gov.vn"); !ok || s2.ID != "S2" || s2.ActiveTo.IsZero() {
		t.Errorf("subdomain city address: %+v %v", s2, ok)
	}
	if _, ok := r.ByAddress("nobody@tphcm.gov.vn"); ok {
		t.Error("found an address that is not on the roster")
	}
	if s, ok := r.ByID("S2"); !ok || s.FullName != "Trần Thị Bình" {
		t.Errorf("ByID = %+v %v", s, ok)
	}

	// Lookups hand out copies: a caller cannot change the shared roster.
	all := r.All()
	all[0].PersonalAddresses[0] = "changed@gmail.com"
	all[0].FullName = "changed"
	if s, _ := r.ByID("S1"); s.PersonalAddresses[0] != "a@gmail.com" || s.FullName != "Nguyễn Văn An" {
		t.Errorf("roster changed through All(): %+v", s)
	}
	if _, ok := r.ByAddress("changed@gmail.com"); ok {
		t.Error("roster index changed through All()")
	}
}

func TestRosterWithoutActiveToColumn(t *testing.T) {
	r, err := parseTest("staff_id,full_name,division,city_address,personal_addresses,active_from\nS1,An,Triển lãm,a@tphcm.gov.vn,,2024-05-21\n")
	if err != nil || r.Len() != 1 {
		t.Fatalf("got %v, %v", r, err)
	}
}

func TestExampleRoster(t *testing.T) {
	e, err := New(Config{
		Roster:    "../configs/roster.example.csv",
		Divisions: []string{"Ban Giám đốc", "Hành chính - Tổng hợp", "Triển lãm", "Thông tin - Tuyên truyền", "Kế toán"},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := e.Roster()
	if r.Len() < 10 {
		t.Errorf("example roster has %d entries", r.Len())
	}
	withPersonal := 0
	for _, s := range r.All() {
		if len(s.PersonalAddresses) > 0 {
			withPersonal++
		}
	}
	if withPersonal == 0 || withPersonal == r.Len() {
		t.Errorf("the example should mix staff with and without personal addresses, got %d of %d", withPersonal, r.Len())
	}
}

func TestNewRosterErrors(t *testing.T) {
	cfg := testConfig(t)
	cfg.Roster = writeFile(t, "roster.csv", rosterHeader+"S1,An,Triển lãm,a@tphcm.gov.vn,x,2024-05-21,\n")
	_, err := New(cfg)
	want := "policy.roster: " + cfg.Roster + `:2: personal address "x": not an e-mail address`
	if err == nil || err.Error() != want {
		t.Errorf("New error = %v, want %s", err, want)
	}

	cfg.Roster = cfg.Roster + ".missing"
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "policy.roster: open ") {
		t.Errorf("missing file: %v", err)
	}

	// The division list of the configuration applies to the roster.
	cfg = testConfig(t)
	cfg.Divisions = []string{"Triển lãm"}
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), `:3: division "Kế toán": not one of policy.divisions`) {
		t.Errorf("division check: %v", err)
	}
}
