package classify

import (
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
		TuyetMat    []string            `yaml:"tuyet_mat"`
		ToiMat      []string            `yaml:"toi_mat"`
		Mat         []string            `yaml:"mat"`
		MailPhrases map[string][]string `yaml:"mail_phrases"`
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
	} `yaml:"audience"`
	AutoReplySubjects []string `yaml:"auto_reply_subjects"`
	TestWords         []string `yaml:"test_words"`
	Lexicon           struct {
		Personal []string `yaml:"personal"`
		Work     []string `yaml:"work"`
		Meeting  []string `yaml:"meeting"`
	} `yaml:"lexicon"`
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
	DraftPenalty      float64 `yaml:"draft_penalty"`
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
	names      []nameRule        // folded names, longest first
	fileTok    map[string]string // folded file token → type
	motto      []string          // folded
	signers    []string
	secrecy    map[string]string // toneKey(stamp) → level
	urgency    map[string]string
	mailSecret []struct{ level, phrase string }
	deptWords  []string
	intWords   []string
	deptAddr   []string
	intAddr    []string
	ownCodes   map[string]bool
	autoSubj   []string
	testWords  map[string]bool
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
	lexGroups
)

func loadRules(path string) (*rules, error) {
	data := defaultRules
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("classify: read rules: %w", err)
		}
		data = b
	}
	var f RulesFile
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		src := path
		if src == "" {
			src = "built-in rules"
		}
		return nil, fmt.Errorf("classify: parse %s: %w", src, err)
	}
	r, err := compileRules(f)
	if err != nil {
		src := path
		if src == "" {
			src = "built-in rules"
		}
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
		r.motto = append(r.motto, foldString(m))
	}
	r.signers = f.Signers
	for lvl, list := range map[string][]string{"tuyet_mat": f.Secrecy.TuyetMat, "toi_mat": f.Secrecy.ToiMat, "mat": f.Secrecy.Mat} {
		for _, s := range list {
			r.secrecy[toneKey(s)] = lvl
		}
	}
	for lvl, list := range f.Secrecy.MailPhrases {
		switch lvl {
		case "mat", "toi_mat", "tuyet_mat":
		default:
			errs = append(errs, fmt.Errorf("secrecy.mail_phrases: unknown level %q", lvl))
		}
		for _, p := range list {
			r.mailSecret = append(r.mailSecret, struct{ level, phrase string }{lvl, foldString(p)})
		}
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
	r.deptAddr = lowerAll(f.Audience.DepartmentAddresses)
	r.intAddr = lowerAll(f.Audience.InternalAddresses)
	for _, c := range f.Audience.OwnCodes {
		r.ownCodes[c] = true
	}
	for _, s := range f.AutoReplySubjects {
		r.autoSubj = append(r.autoSubj, foldString(s))
	}
	for _, s := range f.TestWords {
		r.testWords[foldString(s)] = true
	}
	lex := newLexicon()
	for g, list := range [lexGroups][]string{f.Lexicon.Personal, f.Lexicon.Work, f.Lexicon.Meeting} {
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
	return r, errors.Join(errs...)
}

func lowerAll(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToLower(s)
	}
	return out
}

// lexicon matches folded phrases of up to lexMaxWords words in one pass
// over the tokens of a text: each token's hash is combined with the hashes
// of the tokens before it and looked up in an open-addressing table, so
// the cost is a few array probes per word whatever the lexicon size.
type lexicon struct {
	keys  []uint64
	vals  []int32 // index into entries, -1 empty
	ents  []lexEntry
	mask  uint64
	words int
}

type lexEntry struct {
	phrase string
	group  int
}

const lexMaxWords = 6

func newLexicon() *lexicon { return &lexicon{} }

func tokenHash(tok []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range tok {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

func seqHash(hs []uint64) uint64 {
	h := uint64(0x9E3779B97F4A7C15)
	for _, x := range hs {
		h = (h ^ x) * 0xBF58476D1CE4E5B9
		h ^= h >> 31
	}
	return h | 1 // 0 marks an empty slot
}

func (l *lexicon) add(phrase string, group int) error {
	f := foldString(phrase)
	toks := strings.Fields(f)
	if len(toks) == 0 {
		return fmt.Errorf("phrase %q has no words", phrase)
	}
	if len(toks) > lexMaxWords {
		return fmt.Errorf("phrase %q has more than %d words", phrase, lexMaxWords)
	}
	l.words = max(l.words, len(toks))
	hs := make([]uint64, len(toks))
	for i, t := range toks {
		hs[i] = tokenHash([]byte(t))
	}
	l.ents = append(l.ents, lexEntry{phrase: f, group: group})
	l.rebuild(seqHash(hs), int32(len(l.ents)-1))
	return nil
}

// rebuild inserts one key, growing the table to keep it at most half full.
func (l *lexicon) rebuild(key uint64, val int32) {
	if len(l.keys) == 0 || len(l.ents)*2 > len(l.keys) {
		size := 64
		for size < len(l.ents)*4 {
			size *= 2
		}
		oldK, oldV := l.keys, l.vals
		l.keys = make([]uint64, size)
		l.vals = make([]int32, size)
		l.mask = uint64(size - 1)
		for i, k := range oldK {
			if k != 0 {
				l.insert(k, oldV[i])
			}
		}
	}
	l.insert(key, val)
}

func (l *lexicon) insert(key uint64, val int32) {
	for i := key & l.mask; ; i = (i + 1) & l.mask {
		if l.keys[i] == 0 || l.keys[i] == key {
			l.keys[i] = key
			l.vals[i] = val
			return
		}
	}
}

func (l *lexicon) lookup(key uint64) int32 {
	for i := key & l.mask; ; i = (i + 1) & l.mask {
		switch l.keys[i] {
		case 0:
			return -1
		case key:
			return l.vals[i]
		}
	}
}

// scan calls hit for every lexicon phrase found in folded text (the output
// of appendFold: lower-case words separated by single spaces).
func (l *lexicon) scan(folded []byte, hit func(e *lexEntry)) {
	if len(l.keys) == 0 {
		return
	}
	var ring [lexMaxWords]uint64
	n := 0
	for i := 0; i < len(folded); {
		for i < len(folded) && folded[i] == ' ' {
			i++
		}
		j := i
		for j < len(folded) && folded[j] != ' ' {
			j++
		}
		if j == i {
			break
		}
		copy(ring[:], ring[1:])
		ring[lexMaxWords-1] = tokenHash(folded[i:j])
		n++
		for k := 1; k <= l.words && k <= n; k++ {
			if v := l.lookup(seqHash(ring[lexMaxWords-k:])); v >= 0 {
				hit(&l.ents[v])
			}
		}
		i = j
	}
}
