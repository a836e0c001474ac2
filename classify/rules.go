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
		CopyMarks           []string `yaml:"copy_marks"`
		NotDepartment       []string `yaml:"not_department"`
		ExternalWords       []string `yaml:"external_words"`
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
	names      []nameRule        // folded names, longest first
	fileTok    map[string]string // folded file token → type
	motto      [][]byte          // folded
	signers    []string
	secrecy    map[string]string // toneKey(stamp) → level
	urgency    map[string]string
	mailSecret []mailPhrase
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
	lex        *lexicon
}

// mailPhrase is a folded phrase by which a sender marks the mail secret.
type mailPhrase struct {
	level   string
	phraseB []byte
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
		r.motto = append(r.motto, []byte(foldString(m)))
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
			r.mailSecret = append(r.mailSecret, mailPhrase{level: lvl, phraseB: []byte(foldString(p))})
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

func lowerGlobs(in []string) []addrGlob {
	out := make([]addrGlob, len(in))
	for i, s := range in {
		out[i] = compileGlob(strings.ToLower(s))
	}
	return out
}

// lexicon matches folded phrases of up to lexMaxWords words in one pass
// over the tokens of a text. A phrase is keyed by its token hashes folded
// from the last token back to the first, so at each token the scan extends
// the key leftwards one word at a time and stops as soon as the words seen
// are no phrase's ending (the suffix set): most tokens cost one hash and
// two table probes whatever the lexicon size.
type lexicon struct {
	phrases hashTable // key → index into ents
	endings hashTable // keys of every phrase suffix (all lengths)
	ents    []lexEntry
	words   int
	// lastWord is a bit set of the one-word ending keys (bit key>>52): a
	// token whose bit is clear ends no phrase, which is most tokens, and
	// the scan moves on after one look into 512 bytes that stay in cache
	// instead of probing the endings table.
	lastWord [1 << 12 / 64]uint64
}

type lexEntry struct {
	phrase string
	group  int
	id     int // index in lexicon.ents
}

const lexMaxWords = 6

func newLexicon() *lexicon { return &lexicon{} }

// FNV-1a, 64 bits.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func tokenHash(tok []byte) uint64 {
	h := uint64(fnvOffset)
	for _, c := range tok {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}

const seqSeed = uint64(0x9E3779B97F4A7C15)

// seqMix adds one token hash to a sequence key.
func seqMix(h, x uint64) uint64 {
	h = (h ^ x) * 0xBF58476D1CE4E5B9
	h ^= h >> 31
	return h
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
	l.ents = append(l.ents, lexEntry{phrase: f, group: group, id: len(l.ents)})
	h := seqSeed
	for i := len(toks) - 1; i >= 0; i-- {
		h = seqMix(h, tokenHash([]byte(toks[i])))
		l.endings.put(h|1, 0)
		if i == len(toks)-1 {
			l.lastWord[(h|1)>>58] |= 1 << ((h | 1) >> 52 & 63)
		}
	}
	l.phrases.put(h|1, int32(len(l.ents)-1))
	return nil
}

// hashTable is an open-addressing map from non-zero uint64 keys to int32,
// kept at most half full. It is built when the rules load and only read
// afterwards.
type hashTable struct {
	keys []uint64
	vals []int32
	mask uint64
	n    int
}

func (t *hashTable) put(key uint64, val int32) {
	if len(t.keys) == 0 || (t.n+1)*2 > len(t.keys) {
		size := 64
		for size < (t.n+1)*4 {
			size *= 2
		}
		oldK, oldV := t.keys, t.vals
		t.keys = make([]uint64, size)
		t.vals = make([]int32, size)
		t.mask = uint64(size - 1)
		t.n = 0
		for i, k := range oldK {
			if k != 0 {
				t.insert(k, oldV[i])
			}
		}
	}
	t.insert(key, val)
}

func (t *hashTable) insert(key uint64, val int32) {
	for i := key & t.mask; ; i = (i + 1) & t.mask {
		if t.keys[i] == key {
			t.vals[i] = val
			return
		}
		if t.keys[i] == 0 {
			t.keys[i] = key
			t.vals[i] = val
			t.n++
			return
		}
	}
}

func (t *hashTable) get(key uint64) (int32, bool) {
	if len(t.keys) == 0 {
		return 0, false
	}
	for i := key & t.mask; ; i = (i + 1) & t.mask {
		switch t.keys[i] {
		case 0:
			return 0, false
		case key:
			return t.vals[i], true
		}
	}
}

// scan calls hit for every lexicon phrase found in folded text (the output
// of appendFold: lower-case words separated by single spaces), ordered by
// the phrase's last word, shorter phrases first.
func (l *lexicon) scan(folded []byte, hit func(e *lexEntry)) {
	if len(l.ents) == 0 {
		return
	}
	// ring holds the hashes of the latest tokens, the newest at ring[at];
	// its size is a power of two at least lexMaxWords.
	var ring [8]uint64
	at, n := 0, 0
	for i := 0; i < len(folded); {
		if folded[i] == ' ' {
			i++
			continue
		}
		// tokenHash, computed while looking for the token's end.
		th := uint64(fnvOffset)
		for ; i < len(folded) && folded[i] != ' '; i++ {
			th ^= uint64(folded[i])
			th *= fnvPrime
		}
		at = (at + 1) & 7
		ring[at] = th
		n++
		key := seqMix(seqSeed, th) | 1
		if l.lastWord[key>>58]&(1<<(key>>52&63)) == 0 {
			continue // no phrase ends with this word
		}
		h := seqSeed
		for k := 0; k < l.words && k < n; k++ {
			h = seqMix(h, ring[(at-k)&7])
			key := h | 1
			if _, ok := l.endings.get(key); !ok {
				break
			}
			if v, ok := l.phrases.get(key); ok {
				hit(&l.ents[v])
			}
		}
	}
}
