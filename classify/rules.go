package classify

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// defaultRules is a copy of configs/classify-rules.yaml (a test keeps the
// two equal): the built-in rules when Config.Rules is empty.
//
//go:embed rules_default.yaml
var defaultRules []byte

// RulesFile is the YAML schema of configs/classify-rules.yaml.
type RulesFile struct {
	Version int        `yaml:"version"`
	Types   []TypeRule `yaml:"types"`
	Weights Weights    `yaml:"weights"`
	Motto   []string   `yaml:"motto"`
	Signers []string   `yaml:"signer_prefixes"`
	Secrecy struct {
		TuyetMat    []string    `yaml:"tuyet_mat"`
		ToiMat      []string    `yaml:"toi_mat"`
		Mat         []string    `yaml:"mat"`
		Labels      []string    `yaml:"labels"`
		MailMarking MailMarking `yaml:"mail_marking"`
	} `yaml:"secrecy"`
	Urgency struct {
		HoaToc     []string `yaml:"hoa_toc"`
		ThuongKhan []string `yaml:"thuong_khan"`
		Khan       []string `yaml:"khan"`
	} `yaml:"urgency"`
	Audience struct {
		DepartmentWords     []string `yaml:"department_words"`
		InternalWords       []string `yaml:"internal_words"`
		DepartmentAddresses []string `yaml:"department_addresses"`
		InternalAddresses   []string `yaml:"internal_addresses"`
		OwnCodes            []string `yaml:"own_codes"`
		CopyMarks           []string `yaml:"copy_marks"`
		NotDepartment       []string `yaml:"not_department"`
		ExternalWords       []string `yaml:"external_words"`
	} `yaml:"audience"`
	AutoReplySubjects []string `yaml:"auto_reply_subjects"`
	TestWords         []string `yaml:"test_words"`
	// PersonalDomains are the domains of consumer mailboxes (Gmail,
	// Yahoo …): mail that goes only to such boxes is one personal cue.
	PersonalDomains []string `yaml:"personal_domains"`
	Lexicon         struct {
		Personal    []string `yaml:"personal"`
		Work        []string `yaml:"work"`
		Meeting     []string `yaml:"meeting"`
		Invitation  []string `yaml:"invitation"`
		Appointment []string `yaml:"appointment"`
		Automatic   []string `yaml:"automatic"`
		Lure        []string `yaml:"lure"`
	} `yaml:"lexicon"`
}

// MailMarking is how a sender marks the mail itself secret: a secrecy
// level word right after one of Nouns ("tài liệu mật", "văn bản này là
// tối mật") and one of Restrictions ("không chuyển tiếp") in the same or
// the next line, in either order. Matched with diacritics.
type MailMarking struct {
	Nouns        []string `yaml:"nouns"`
	Restrictions []string `yaml:"restrictions"`
	// Between are words that may stand between the noun and the level
	// ("này", "là", "thuộc loại", "ở mức").
	Between []string `yaml:"between"`
}

// TypeRule describes one primary type.
type TypeRule struct {
	ID            string   `yaml:"id"`
	Mandated      bool     `yaml:"mandated"`
	Abbreviations []string `yaml:"abbreviations"`
	Headings      []string `yaml:"headings"`
	Names         []string `yaml:"names"`
	FileTokens    []string `yaml:"file_tokens"`
}

// Weights of the signals; see configs/classify-rules.yaml.
type Weights struct {
	NumberType        float64 `yaml:"number_type"`
	NumberIssuer      float64 `yaml:"number_issuer"`
	Heading           float64 `yaml:"heading"`
	HeadingPlain      float64 `yaml:"heading_plain"`
	MottoBonus        float64 `yaml:"motto_bonus"`
	VV                float64 `yaml:"vv"`
	KinhGui           float64 `yaml:"kinh_gui"`
	Formal            float64 `yaml:"formal"`
	SubjectName       float64 `yaml:"subject_name"`
	SubjectNumber     float64 `yaml:"subject_number"`
	FileName          float64 `yaml:"file_name"`
	FileToken         float64 `yaml:"file_token"`
	FileNumber        float64 `yaml:"file_number"`
	OpeningName       float64 `yaml:"opening_name"`
	Meeting           float64 `yaml:"meeting"`
	Personal          float64 `yaml:"personal"`
	PersonalThreshold float64 `yaml:"personal_threshold"`
	PersonalMinCues   int     `yaml:"personal_min_cues"`
	DraftPenalty      float64 `yaml:"draft_penalty"`
	Invitation        float64 `yaml:"invitation"`
}

// The type ids the code itself refers to. They must exist in the rules.
const (
	typeThongBao   = "thong_bao"
	typeCongVan    = "cong_van"
	typeGiayMoi    = "giay_moi"
	typeTaiLieuHop = "tai_lieu_hop"
	typeCongViec   = "tai_lieu_cong_viec"
	typeCaNhan     = "ca_nhan"
	typeUnknown    = "khong_xac_dinh"
	typeOther      = "van_ban_khac"
)

// rules is the compiled, read-only form used while classifying.
type rules struct {
	file       RulesFile
	w          Weights
	typeIdx    map[string]int // id → index in file.Types
	mandated   map[string]bool
	abbrev     map[string]string // exact abbreviation → type
	abbrevCI   map[string]string // upper-cased, unaccented → type (file names, typed mail)
	headings   map[string]string // folded heading → type
	headMaxW   int               // most words in a heading
	headMaxLen int               // longest folded heading, bytes: a longer line is none
	names      []nameRule        // folded names, longest first
	fileTok    map[string]string // folded file token → type
	motto      [][]byte          // folded
	signers    []string
	secrecy    map[string]string // toneKey(stamp) → level
	urgency    map[string]string
	secLabels  []string // toneKey of "độ mật"-style labels
	mailNouns  [][]string
	mailBetw   map[string]bool
	mailNounsF [][]string // folded, for unaccented text
	mailBetwF  map[string]bool
	restrFold  [][]byte // folded restrictions: the cheap test before toneKey
	deptWords  []string
	intWords   []string
	deptAddr   []addrGlob
	intAddr    []addrGlob
	ownCodes   map[string]bool
	copyMarks  []string // folded
	notDept    []string // folded
	extWords   []string // lower case NFC, diacritics kept
	autoSubj   []string
	testWords  map[string]bool
	testLead   []string        // the testWords of several words: a subject may start with one
	persDom    map[string]bool // lower case
	lex        *lexicon
}

type nameRule struct {
	folded string
	typ    string
}

// Lexicon groups.
const (
	lexPersonal = iota
	lexWork
	lexMeeting
	lexInvitation
	lexAppointment
	lexAutomatic
	lexLure
	lexGroups
)

func loadRules(path string) (*rules, error) {
	if path == "" {
		return parseRules(defaultRules, "built-in rules")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("classify: read rules: %w", err)
	}
	return parseRules(b, path)
}

// parseRules decodes (unknown keys refused) and compiles rules read from
// src.
func parseRules(data []byte, src string) (*rules, error) {
	var f RulesFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("classify: parse %s: %w", src, err)
	}
	r, err := compileRules(f)
	if err != nil {
		return nil, fmt.Errorf("classify: %s: %w", src, err)
	}
	return r, nil
}

func compileRules(f RulesFile) (*rules, error) {
	r := &rules{
		file:      f,
		w:         f.Weights,
		typeIdx:   map[string]int{},
		mandated:  map[string]bool{},
		abbrev:    map[string]string{},
		abbrevCI:  map[string]string{},
		headings:  map[string]string{},
		fileTok:   map[string]string{},
		secrecy:   map[string]string{},
		urgency:   map[string]string{},
		ownCodes:  map[string]bool{},
		testWords: map[string]bool{},
	}
	var errs []error
	for i, t := range f.Types {
		if t.ID == "" {
			errs = append(errs, fmt.Errorf("types[%d].id: empty", i))
			continue
		}
		if _, dup := r.typeIdx[t.ID]; dup {
			errs = append(errs, fmt.Errorf("types[%d].id: duplicate %q", i, t.ID))
		}
		r.typeIdx[t.ID] = i
		r.mandated[t.ID] = t.Mandated
		for _, a := range t.Abbreviations {
			if prev, ok := r.abbrev[a]; ok && prev != t.ID {
				errs = append(errs, fmt.Errorf("types[%d].abbreviations: %q already belongs to %s", i, a, prev))
			}
			r.abbrev[a] = t.ID
			ci := strings.ToUpper(foldString(a))
			if _, ok := r.abbrevCI[ci]; !ok {
				r.abbrevCI[ci] = t.ID
			}
		}
		for _, h := range t.Headings {
			fh := foldString(h)
			r.headings[fh] = t.ID
			r.headMaxW = max(r.headMaxW, strings.Count(fh, " ")+1)
			r.headMaxLen = max(r.headMaxLen, len(fh))
		}
		for _, n := range t.Names {
			r.names = append(r.names, nameRule{foldString(n), t.ID})
		}
		for _, tok := range t.FileTokens {
			r.fileTok[foldString(tok)] = t.ID
		}
	}
	for _, id := range []string{typeThongBao, typeCongVan, typeGiayMoi, typeTaiLieuHop, typeCongViec, typeCaNhan, typeUnknown} {
		if _, ok := r.typeIdx[id]; !ok {
			errs = append(errs, fmt.Errorf("types: required type %q missing", id))
		}
	}
	// Longest names first, so "tài liệu phục vụ cuộc họp" wins over "họp".
	for i := 1; i < len(r.names); i++ {
		for j := i; j > 0 && len(r.names[j].folded) > len(r.names[j-1].folded); j-- {
			r.names[j], r.names[j-1] = r.names[j-1], r.names[j]
		}
	}
	for _, m := range f.Motto {
		r.motto = append(r.motto, []byte(foldString(m)))
	}
	r.signers = f.Signers
	for lvl, list := range map[string][]string{"tuyet_mat": f.Secrecy.TuyetMat, "toi_mat": f.Secrecy.ToiMat, "mat": f.Secrecy.Mat} {
		for _, s := range list {
			r.secrecy[toneKey(s)] = lvl
		}
	}
	for _, s := range f.Secrecy.Labels {
		r.secLabels = append(r.secLabels, toneKey(s))
	}
	mm := f.Secrecy.MailMarking
	for _, s := range mm.Nouns {
		r.mailNouns = append(r.mailNouns, strings.Fields(toneKey(s)))
	}
	for _, s := range mm.Nouns {
		r.mailNounsF = append(r.mailNounsF, strings.Fields(foldString(s)))
	}
	r.mailBetw, r.mailBetwF = map[string]bool{}, map[string]bool{}
	for _, s := range mm.Between {
		for _, t := range strings.Fields(toneKey(s)) {
			r.mailBetw[t] = true
		}
		for _, t := range strings.Fields(foldString(s)) {
			r.mailBetwF[t] = true
		}
	}
	for _, s := range mm.Restrictions {
		r.restrFold = append(r.restrFold, []byte(foldString(s)))
	}
	for lvl, list := range map[string][]string{"hoa_toc": f.Urgency.HoaToc, "thuong_khan": f.Urgency.ThuongKhan, "khan": f.Urgency.Khan} {
		for _, s := range list {
			r.urgency[toneKey(s)] = lvl
		}
	}
	if len(r.secrecy) == 0 {
		errs = append(errs, errors.New("secrecy: no stamps"))
	}
	for _, s := range f.Audience.DepartmentWords {
		r.deptWords = append(r.deptWords, foldString(s))
	}
	for _, s := range f.Audience.InternalWords {
		r.intWords = append(r.intWords, foldString(s))
	}
	r.deptAddr = lowerGlobs(f.Audience.DepartmentAddresses)
	r.intAddr = lowerGlobs(f.Audience.InternalAddresses)
	for _, s := range f.Audience.CopyMarks {
		r.copyMarks = append(r.copyMarks, foldString(s))
	}
	for _, s := range f.Audience.ExternalWords {
		r.extWords = append(r.extWords, strings.ToLower(nfc(s)))
	}
	for _, s := range f.Audience.NotDepartment {
		r.notDept = append(r.notDept, foldString(s))
	}
	for _, c := range f.Audience.OwnCodes {
		r.ownCodes[c] = true
	}
	for _, s := range f.AutoReplySubjects {
		r.autoSubj = append(r.autoSubj, foldString(s))
	}
	for _, s := range f.TestWords {
		fs := foldString(s)
		if !r.testWords[fs] && strings.Contains(fs, " ") {
			r.testLead = append(r.testLead, fs)
		}
		r.testWords[fs] = true
	}
	r.persDom = map[string]bool{}
	for _, s := range f.PersonalDomains {
		r.persDom[strings.ToLower(s)] = true
	}
	lex := newLexicon()
	lx := f.Lexicon
	for g, list := range [lexGroups][]string{lx.Personal, lx.Work, lx.Meeting, lx.Invitation, lx.Appointment, lx.Automatic, lx.Lure} {
		for _, p := range list {
			if err := lex.add(p, g); err != nil {
				errs = append(errs, fmt.Errorf("lexicon: %w", err))
			}
		}
	}
	r.lex = lex
	if f.Weights.PersonalThreshold <= 0 {
		errs = append(errs, errors.New("weights.personal_threshold: must be > 0"))
	}
	if f.Weights.PersonalMinCues < 2 {
		// One weak cue is never enough to call mail personal (issue 10).
		errs = append(errs, errors.New("weights.personal_min_cues: must be >= 2"))
	}
	return r, errors.Join(errs...)
}

func lowerGlobs(in []string) []addrGlob {
	out := make([]addrGlob, len(in))
	for i, s := range in {
		out[i] = compileGlob(strings.ToLower(s))
	}
	return out
}
