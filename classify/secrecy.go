package classify

import (
	"bytes"
	"strings"
	"unicode"
)

// Secrecy and urgency. The taxonomy names every place a secrecy marking
// can stand, and each is honoured in every container (body, docx, odt,
// PDF page, spreadsheet, slides, zip, attached .eml) and Unicode form
// (the text reaching the line scan is NFC):
//
//   - a stamp on a formal document, wherever the scan meets it;
//   - a stamp in the head area of any text: the first headLines lines of
//     a body laid out as a document, a spreadsheet's title cell;
//   - the level as a labelled field ("Độ mật: Tối mật");
//   - the sender marking the mail ("tài liệu mật, đề nghị không chuyển
//     tiếp", in any order and wording the rules list), see mailMark;
//   - a capital mark heading the subject ("[MẬT] …") of mail that carries
//     a document (a joke or a phishing subject alone does not count).
//
// Stamps are matched whole and with their diacritics: "MẶT", "MẤT",
// "bảo mật", "mật khẩu", "bí mật nhà nước" are not markings.

// headLines is how many non-empty lines (or cells) of a text form its
// head area, where a stamp stands on a document.
const headLines = 10

// markLines is how far into a text the sender's own marking is looked for.
const markLines = 15

// startsUpper: the first letter is a capital ("Mật", "Tối mật").
func startsUpper(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return unicode.IsUpper(r)
		}
	}
	return false
}

// stamp checks a short cell for a secrecy or urgency stamp: the whole
// cell, or the parts of a combined stamp ("MẬT - KHẨN").
func (s *scanner) stamp(d *docInfo, where, cell string, upper bool, lineNo int) {
	r := s.r
	stamp := strings.Trim(cell, "[]()*\"'“”-–:. ")
	if stamp == "" {
		return
	}
	key := toneKey(stamp)
	setSec := func(lvl string) {
		if rank(lvl, secrecyRank) > rank(d.secrecy, secrecyRank) {
			d.secrecy, d.secWhere = lvl, where
			d.secHead = lineNo <= headLines
		}
	}
	if lvl, ok := r.secrecy[key]; ok {
		setSec(lvl)
	}
	// Urgency marks count in capitals only: "Khẩn" in prose is an adjective.
	if lvl, ok := r.urgency[key]; ok && upper && rank(lvl, urgencyRank) > rank(d.urgency, urgencyRank) {
		d.urgency, d.urgWhere = lvl, where
	}
	if !strings.ContainsAny(stamp, "-,/") {
		return
	}
	for _, part := range strings.FieldsFunc(stamp, func(r rune) bool { return r == '-' || r == ',' || r == '/' }) {
		k := toneKey(strings.TrimSpace(part))
		if lvl, ok := r.secrecy[k]; ok {
			setSec(lvl)
		}
		if lvl, ok := r.urgency[k]; ok && upper && rank(lvl, urgencyRank) > rank(d.urgency, urgencyRank) {
			d.urgency, d.urgWhere = lvl, where
		}
	}
}

// labelledStamp reads "Độ mật: Tối mật" / "Mức độ mật: MẬT".
func (s *scanner) labelledStamp(d *docInfo, where, cell string, lineNo int) {
	label, val, ok := strings.Cut(cell, ":")
	if !ok {
		return
	}
	lk := toneKey(label)
	for _, l := range s.r.secLabels {
		if lk != l {
			continue
		}
		if lvl, ok := s.r.secrecy[toneKey(strings.Trim(val, " .;()[]"))]; ok && rank(lvl, secrecyRank) > rank(d.secrecy, secrecyRank) {
			d.secrecy, d.secWhere, d.secHead = lvl, where, lineNo <= headLines
		}
		return
	}
}

// mailMark looks in one line of a text's head for the sender marking it
// secret: a level word after a document noun ("tài liệu mật", "văn bản
// này thuộc loại tối mật") and a request not to pass it on, in this line
// or the one before or after. f is the line folded; the diacritics are
// only looked at when the fold shows a level word. Restrictions are
// matched folded: "khong chuyen tiep" means one thing with or without
// its diacritics.
func (s *scanner) mailMark(d *docInfo, f []byte, cell string) {
	r := s.r
	prevLvl := d.markLvl
	d.markLvl = ""
	lvl := ""
	if hasToken(f, tokMat) {
		lvl = mailLevel(r, strings.Fields(toneKey(cell)))
		if lvl == "" && isPlainASCII(cell) {
			lvl = plainMailLevel(r, cell)
		}
	}
	// Restrictions are looked for only where they can matter: next to a
	// level word, or when the subject names one (see decideMarks).
	switch {
	case lvl != "" && (hasRestriction(r, f) || hasRestriction(r, s.prevFold)):
		d.mailSecret = lvl
	case lvl == "" && prevLvl != "" && hasRestriction(r, f):
		d.mailSecret = prevLvl
	}
	if s.subjLevel && !d.restrLine && hasRestriction(r, f) {
		d.restrLine = true
	}
	d.markLvl = lvl
	// f lies in fbuf (cell's fold, trimmed): it stays there as prevFold
	// and the next folds go to the other buffer.
	s.prevFold = f
	s.fbuf, s.spare = s.spare[:0], s.fbuf
}

// hasRestriction: the folded line asks not to pass the text on.
func hasRestriction(r *rules, f []byte) bool {
	for _, p := range r.restrFold {
		if bytes.Contains(f, p) {
			return true
		}
	}
	return false
}

// tokMat is the folded level word mailMark looks for on every head line
// (a []byte, not converted from a string at each call).
var tokMat = []byte("mat")

// Tone keys of the level words ("mật" keeps its dot below as a tone mark
// appended after the letters, see toneKey).
var (
	tkMat   = toneKey("mật")
	tkToi   = toneKey("tối")
	tkTuyet = toneKey("tuyệt")
	tkBi    = toneKey("bí")
	tkBao   = toneKey("bảo")
	tkKhau  = toneKey("khẩu")
	tkMa    = toneKey("mã")
	tkThiet = toneKey("thiết")
	tkCo    = toneKey("cơ")
)

// mailLevel finds a secrecy level word that follows a document noun in
// toks (tone keys): "tài liệu mật", "văn bản này là tối mật". "bí mật",
// "bảo mật", "mật khẩu", "mật mã", "cơ mật" are other words.
func mailLevel(r *rules, toks []string) string {
	best := ""
	for i, t := range toks {
		if t != tkMat {
			continue
		}
		if i+1 < len(toks) && (toks[i+1] == tkKhau || toks[i+1] == tkMa || toks[i+1] == tkThiet) {
			continue
		}
		lvl, j := "mat", i-1
		if j >= 0 {
			switch toks[j] {
			case tkBi, tkBao, tkCo:
				continue
			case tkToi:
				lvl, j = "toi_mat", j-1
			case tkTuyet:
				lvl, j = "tuyet_mat", j-1
			}
		}
		// Up to three linking words ("này", "là", "thuộc loại", "ở mức").
		for k := 0; k < 3 && j >= 0 && r.mailBetw[toks[j]]; k++ {
			j--
		}
		if j >= 0 && endsWithNoun(r, toks[:j+1]) && rank(lvl, secrecyRank) > rank(best, secrecyRank) {
			best = lvl
		}
	}
	return best
}

// isPlainASCII: the text has no letter beyond ASCII (written without
// diacritics).
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// plainMailLevel reads the marking in unaccented text, where "mat" could be
// mặt or mất: only the level in capitals counts ("day la tai lieu MAT",
// "van ban TOI MAT"), after a document noun as in mailLevel.
func plainMailLevel(r *rules, cell string) string {
	words := strings.FieldsFunc(cell, func(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsDigit(c) })
	best := ""
	for i, wd := range words {
		if wd != "MAT" {
			continue
		}
		lvl, j := "mat", i-1
		if j >= 0 {
			switch words[j] {
			case "TOI":
				lvl, j = "toi_mat", j-1
			case "TUYET":
				lvl, j = "tuyet_mat", j-1
			}
		}
		folded := make([]string, 0, j+1)
		for _, x := range words[:j+1] {
			folded = append(folded, strings.ToLower(x))
		}
		k := len(folded) - 1
		for n := 0; n < 3 && k >= 0 && r.mailBetwF[folded[k]]; n++ {
			k--
		}
		if k >= 0 && endsWithSeq(folded[:k+1], r.mailNounsF) && rank(lvl, secrecyRank) > rank(best, secrecyRank) {
			best = lvl
		}
	}
	return best
}

func endsWithSeq(toks []string, seqs [][]string) bool {
	for _, n := range seqs {
		if len(n) <= len(toks) && equalSeq(toks[len(toks)-len(n):], n) {
			return true
		}
	}
	return false
}

func endsWithNoun(r *rules, toks []string) bool {
	for _, n := range r.mailNouns {
		if len(n) <= len(toks) && equalSeq(toks[len(toks)-len(n):], n) {
			return true
		}
	}
	return false
}

func equalSeq(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// hasToken reports whether the folded text f has the word tok.
func hasToken(f, tok []byte) bool {
	for i := 0; ; {
		k := bytes.Index(f[i:], tok)
		if k < 0 {
			return false
		}
		k += i
		end := k + len(tok)
		if (k == 0 || f[k-1] == ' ') && (end == len(f) || f[end] == ' ') {
			return true
		}
		i = k + 1
	}
}

// hasTokenString is hasToken for a folded string.
func hasTokenString(f, tok string) bool {
	for i := 0; ; {
		k := strings.Index(f[i:], tok)
		if k < 0 {
			return false
		}
		k += i
		end := k + len(tok)
		if (k == 0 || f[k-1] == ' ') && (end == len(f) || f[end] == ' ') {
			return true
		}
		i = k + 1
	}
}

// decideMarks sets the verdict's secrecy and urgency from the evidence.
func (c *Classifier) decideMarks(e *evidence, v *Verdict) {
	r := c.rules
	if e.lure() {
		// A phishing lure's "TỐI MẬT" is bait, not a marking.
		return
	}
	hasDoc := false
	for _, d := range e.infos {
		formal := d.formal()
		hasDoc = hasDoc || formal || (d != e.body && (d.u.chars > 0 || d.u.unreadable))
		if (formal || d.secHead) && rank(d.secrecy, secrecyRank) > rank(v.Secrecy, secrecyRank) {
			v.Secrecy = d.secrecy
			v.Signals = append(v.Signals, Signal{Where: d.secWhere, What: "secrecy stamp " + d.secrecy, Weight: 1})
		}
		if formal && rank(d.urgency, urgencyRank) > rank(v.Urgency, urgencyRank) {
			v.Urgency = d.urgency
			v.Signals = append(v.Signals, Signal{Where: d.urgWhere, What: "urgency mark " + d.urgency, Weight: 1})
		}
		if d.mailSecret != "" && rank(d.mailSecret, secrecyRank) > rank(v.Secrecy, secrecyRank) {
			v.Secrecy = d.mailSecret
			v.Signals = append(v.Signals, Signal{Where: d.u.where, What: "sender marks the mail secret", Weight: 1})
		}
	}
	// The subject: a marking sentence ("Tài liệu mật - không chuyển tiếp"),
	// or a level word after a document noun with the request in the body.
	if hasTokenString(e.fsubj, "mat") {
		toks := strings.Fields(toneKey(e.subj))
		if lvl := mailLevel(r, toks); lvl != "" && (hasRestriction(r, []byte(e.fsubj)) || e.body.restrLine) && rank(lvl, secrecyRank) > rank(v.Secrecy, secrecyRank) {
			v.Secrecy = lvl
			v.Signals = append(v.Signals, Signal{Where: "subject", What: "sender marks the mail secret", Weight: 1})
		}
	}
	markKey, marked := e.markKey, e.marked // one key for both look-ups
	typ := v.Type
	if lvl := r.urgency[markKey]; marked && lvl != "" && rank(lvl, urgencyRank) > rank(v.Urgency, urgencyRank) && typ != typeCaNhan && typ != typeUnknown {
		v.Urgency = lvl
		v.Signals = append(v.Signals, Signal{Where: "subject", What: "urgency mark " + lvl, Weight: 1})
	}
	// A capital level heading the subject ("[MẬT] …") is the sender
	// marking the mail, on a document or on the mail itself. It does not
	// count on personal mail (a joke: "TUYỆT MẬT: kế hoạch sinh nhật"), nor
	// when the subject is someone else's, forwarded or replied to, with no
	// document (a phishing lure sent on for checking).
	if lvl := r.secrecy[markKey]; marked && lvl != "" && typ != typeCaNhan &&
		(hasDoc || (!forwardedSubject(e.subj) && typ != typeUnknown)) && rank(lvl, secrecyRank) > rank(v.Secrecy, secrecyRank) {
		v.Secrecy = lvl
		v.Signals = append(v.Signals, Signal{Where: "subject", What: "secrecy mark " + lvl, Weight: 1})
	}
}

// forwardedSubject: the subject carries a reply or forward prefix.
func forwardedSubject(subj string) bool {
	f := foldString(subj)
	return stripSubjectPrefixes(f) != f
}

// subjectMark finds a capital mark at the start of the subject (after
// reply prefixes): "KHẨN: …", "[KHẨN] …", "HỎA TỐC - …". It returns its
// toneKey, the key of the urgency and secrecy maps, and false when the
// subject starts with no capital head.
func subjectMark(subj string) (string, bool) {
	s := strings.TrimSpace(subj)
	for {
		// l is s as the iteration starts. The prefixes are ASCII and
		// without k or i, so "ToLower(l) starts with p" is EqualFold of
		// l's first len(p) bytes (no other rune lowers to their letters),
		// and a subject is not lower-cased whole for it.
		l := s
		cut := false
		for _, p := range []string{"re:", "fw:", "fwd:", "tl:", "tr:"} {
			if len(l) >= len(p) && strings.EqualFold(l[:len(p)], p) {
				s = strings.TrimSpace(s[len(p):])
				cut = true
			}
		}
		if !cut {
			break
		}
	}
	s = strings.TrimLeft(s, "[(*")
	end := strings.IndexAny(s, ":]-–)*")
	if end <= 0 || end > 24 {
		return "", false
	}
	head := strings.TrimSpace(s[:end])
	if _, upper := letterCase(head); !upper {
		return "", false
	}
	return toneKey(head), true
}

var (
	secrecyRank = []string{"none", "mat", "toi_mat", "tuyet_mat"}
	urgencyRank = []string{"none", "khan", "thuong_khan", "hoa_toc"}
)

func rank(v string, order []string) int {
	for i, x := range order {
		if x == v {
			return i
		}
	}
	return 0
}
