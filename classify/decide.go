package classify

import (
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// decide turns what the walk read into a verdict. Each concern has its
// file: the evidence is gathered here, then type.go chooses the primary
// type and the số ký hiệu, secrecy.go the secrecy and urgency marks,
// audience.go the audience and attachments.go each attachment's type.
func (c *Classifier) decide(w *walker, env Envelope) Verdict {
	v := Verdict{Secrecy: "none", Urgency: "none", Audience: "unknown", Signals: []Signal{}}
	v.Headers = headersOf(w)
	var e0 evidence
	e := &e0
	c.gather(e, w, &v.Headers, env)
	c.decideType(e, &v)
	c.decideNumber(e, &v)
	c.decideMarks(e, &v)
	v.Audience = c.audience(e.main, v.Type == e.mainType, v.Headers, env, &v)
	c.decideAttachments(e, &v)
	v.Errors = w.errs
	if v.Errors == nil {
		v.Errors = []string{}
	}
	return v
}

// evidence is everything the decisions read, gathered once per message.
type evidence struct {
	w     *walker
	subj  string // decoded subject
	fsubj string // folded, reply and forward prefixes taken off
	auto  bool   // automatic reply or system mail
	body  *docInfo
	infos []*docInfo // body first, then one per attachment in order

	// Lexicon hits over the subject, the body's opening and the file
	// names (lex, hits), and over the openings of the attachments' text
	// (attLex: personal and work vocabulary only, since a formal
	// document's own words say nothing about the mail's meeting or
	// invitation purpose).
	lex [lexGroups]int
	// hitIdx holds the first hitN[g] ≤ 6 phrases of group g (indexes in
	// the lexicon's entries: no pointers for the collector to scan); see
	// joinHits.
	hitIdx [lexGroups][6]int32
	hitN   [lexGroups]uint8
	attLex [lexGroups]int

	subjSigs []typedSignal // the subject's signals; subjScore sums them by type

	main      *docInfo // the main formal document, if any
	mainType  string
	mainScore float64

	personalBox   bool   // every recipient is a consumer mailbox
	personalFrom  bool   // the sender is one too
	emoticon      bool   // an emoticon or emoji in the subject or the body's opening (see personalCues)
	urgentSubject bool   // an urgency mark heads the subject
	markKey       string // subjectMark of the subject
	marked        bool
}

// attLexBytes is how much of each attachment's text the lexicon reads.
const attLexBytes = 2000

// gather fills e from what the walk read.
func (c *Classifier) gather(e *evidence, w *walker, h *Headers, env Envelope) {
	r := c.rules
	*e = evidence{w: w, subj: h.Subject, auto: w.auto}
	foldedSubj := foldString(e.subj)
	e.fsubj = stripSubjectPrefixes(foldedSubj)
	for _, p := range r.autoSubj {
		if strings.HasPrefix(foldedSubj, p) {
			e.auto = true
		}
	}
	sc := c.getScanner()
	sc.subjLevel = hasTokenString(e.fsubj, "mat")

	// The lexicon text (subject, body opening, file names) is built in
	// sc.lex: the subject here, the body by its line scan, the names
	// below. It is sized for the subject, the lexBodyBytes of body taken
	// and the file names, so the fold does not grow the buffer step by
	// step. The part scratch buffer is free by now (the units hold
	// copies) and serves as its storage.
	size := len(e.subj) + lexBodyBytes + 200
	for _, u := range w.units {
		size += len(u.name) + 1
	}
	sc.lex = slices.Grow(w.scratch[:0], size)
	sc.lex = appendFold(sc.lex, e.subj)
	sc.lex = append(sc.lex, ' ')

	// Per-unit analysis: body first, then attachments in order.
	e.body = sc.analyzeLex(w.body, lexBodyBytes)
	e.infos = []*docInfo{e.body}
	for _, u := range w.units {
		d := sc.analyze(u)
		c.fileSignals(d, u.name)
		e.infos = append(e.infos, d)
	}
	buf := sc.lex
	for _, u := range w.units {
		buf = appendFold(buf, strings.TrimSuffix(u.name, path.Ext(u.name)))
		buf = append(buf, ' ')
	}
	// The subjects of attached and forwarded messages speak for their
	// unit as the mail's own subject does (an attached .eml takes the type
	// of what is inside), and are read by the lexicon.
	for i, d := range e.infos {
		u := w.body
		if i > 0 {
			u = w.units[i-1]
		}
		for _, s := range u.subjects {
			f := stripSubjectPrefixes(foldString(s))
			if t := nameAtStart(r, f); t != "" {
				d.add(t, r.w.SubjectName, u.where, "attached mail's subject names "+t)
			} else if t := nameInTag(r, s); t != "" {
				d.add(t, r.w.SubjectName, u.where, "attached mail's subject tag "+t)
			}
			buf = append(append(buf, f...), ' ')
		}
	}
	mainLen := len(buf)
	// The openings of informal attachments: a personal money spreadsheet,
	// a forwarded article, a work list are told by their words.
	for i, u := range w.units {
		if e.infos[i+1].formal() {
			continue
		}
		n := 0
		for _, s := range u.segs {
			if n >= attLexBytes {
				break
			}
			t := s.text[:min(len(s.text), attLexBytes-n)]
			n += len(t)
			buf = appendFold(buf, t)
			buf = append(buf, ' ')
		}
	}
	c.scanLexicon(e, buf[:mainLen], buf[mainLen:])
	w.scratch = buf[:0] // back to the pool with the message
	c.putScanner(sc)

	c.subjectSignals(e)
	e.main, e.mainType, e.mainScore = c.mainDocument(e)
	e.personalBox = c.personalMailboxes(h, env)
	e.personalFrom = h.From != "" && c.personalBox(h.From)
	e.markKey, e.marked = subjectMark(e.subj)
	if e.marked && r.urgency[e.markKey] != "" {
		e.urgentSubject = true
	} else if strings.HasPrefix(e.fsubj, "khan ") || strings.HasPrefix(e.fsubj, "hoa toc ") || strings.HasPrefix(e.fsubj, "thuong khan ") {
		e.urgentSubject = true // "[KHAN] …" typed without diacritics
	}
}

// scanLexicon counts the distinct phrases of each group in the main text
// (subject, body opening, file names) and in the attachments' openings.
// Phrases marked to be matched with their diacritics count only when the
// text has them so written.
func (c *Classifier) scanLexicon(e *evidence, mainText, attText []byte) {
	r := c.rules
	// A phrase counts once. The array keeps the seen set off the heap for
	// lexicons of usual size.
	var seenArr, checkedArr [512]bool
	seen, checked := seenArr[:], checkedArr[:]
	if n := len(r.lex.ents); n > len(seenArr) {
		seen, checked = make([]bool, n), make([]bool, n)
	}
	inAtt := false
	hit := func(x *lexEntry) {
		if seen[x.id] {
			return
		}
		if x.exact != nil {
			// Checked once per part of the text: the folded form ("cho"
			// for "=chở") can occur on every line.
			if checked[x.id] {
				return
			}
			if !writtenAs(e, x.exact, inAtt) {
				checked[x.id] = true
				return
			}
		}
		seen[x.id] = true
		for g := range lexGroups {
			if x.groups&(1<<g) == 0 {
				continue
			}
			if inAtt {
				e.attLex[g]++
			} else {
				e.lex[g]++
			}
			if e.hitN[g] < 6 {
				e.hitIdx[g][e.hitN[g]] = int32(x.id)
				e.hitN[g]++
			}
		}
	}
	r.lex.scan(mainText, hit)
	inAtt = true
	clear(checked) // the attachments are other text
	r.lex.scan(attText, hit)
}

// writtenAs reports whether one of the forms of a phrase stands as a whole
// word in the text the lexicon read: subject, body opening, file names
// (main text), or the attachments' openings. Text is NFC by then.
func writtenAs(e *evidence, forms []string, inAtt bool) bool {
	in := func(s string) bool {
		for _, f := range forms {
			if containsWord(s, f) {
				return true
			}
		}
		return false
	}
	inUnit := func(u *unit, limit int) bool {
		n := 0
		for _, s := range u.segs {
			if n >= limit {
				break
			}
			t := s.text[:min(len(s.text), limit-n)]
			n += len(t)
			if in(t) {
				return true
			}
		}
		return false
	}
	if inAtt {
		for _, u := range e.w.units {
			if inUnit(u, attLexBytes) {
				return true
			}
		}
		return false
	}
	if in(e.subj) || inUnit(e.w.body, lexBodyBytes) {
		return true
	}
	for _, u := range e.w.units {
		if in(u.name) {
			return true
		}
	}
	return false
}

// containsWord: w occurs in s with no letter or digit joined to it.
func containsWord(s, w string) bool {
	for i := 0; ; {
		k := strings.Index(s[i:], w)
		if k < 0 {
			return false
		}
		k += i
		end := k + len(w)
		before, _ := utf8.DecodeLastRuneInString(s[:k])
		after, _ := utf8.DecodeRuneInString(s[end:])
		if (k == 0 || !isWordRune(before)) && (end == len(s) || !isWordRune(after)) {
			return true
		}
		i = k + 1
	}
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// personalMailboxes: the mail goes only to consumer mailboxes (To and Cc,
// else the envelope), which is one personal cue. Mail to colleagues says
// nothing either way: staff write personal mail to each other too.
func (c *Classifier) personalMailboxes(h *Headers, env Envelope) bool {
	n := 0
	for _, list := range [][]string{h.To, h.Cc} {
		for _, a := range list {
			if !c.personalBox(a) {
				return false
			}
			n++
		}
	}
	if n == 0 {
		for _, a := range env.RcptTo {
			if !c.personalBox(a) {
				return false
			}
			n++
		}
	}
	return n > 0
}

func (c *Classifier) personalBox(a string) bool {
	_, dom, _ := strings.Cut(strings.Trim(a, "<> "), "@")
	if c.rules.persDom[dom] {
		return true
	}
	return c.rules.persDom[strings.ToLower(dom)]
}

// emoticons people put in personal chat; each must not run into a word
// (":D" in "Địa điểm:Dương" is not one).
var emoticons = []string{":))", "=))", ":-)", ":)", "<3", "^^", ":D", ":P"}

// hasEmoji: s holds a pictograph (U+1F300–U+1FAFF, U+2600–U+27BF). Only
// the lead bytes of those ranges (F0, E2) are looked at, so Vietnamese
// text is not decoded rune by rune.
func hasEmoji(s string) bool {
	for _, lead := range [2]byte{0xF0, 0xE2} {
		for i := 0; ; {
			k := strings.IndexByte(s[i:], lead)
			if k < 0 {
				break
			}
			i += k
			r, n := utf8.DecodeRuneInString(s[i:])
			if (r >= 0x1F300 && r <= 0x1FAFF) || (r >= 0x2600 && r <= 0x27BF) {
				return true
			}
			i += max(n, 1)
		}
	}
	return false
}

// emoticonBytes is how much of the body is looked at for an emoticon or
// emoji: personal mail is short, and the cue is a weak one.
const emoticonBytes = 500

// hasEmoticon looks at the body's opening for an emoticon or emoji.
func hasEmoticon(body *unit) bool {
	n := 0
	for _, s := range body.segs {
		t := s.text[:min(len(s.text), emoticonBytes-n)]
		n += len(t)
		if hasEmoji(t) {
			return true
		}
		for _, e := range emoticons {
			for i := 0; ; {
				k := strings.Index(t[i:], e)
				if k < 0 {
					break
				}
				end := i + k + len(e)
				if end == len(t) || t[end] == ' ' || t[end] == '\r' || t[end] == '\n' || t[end] == ')' || t[end] == '.' || t[end] == '!' {
					return true
				}
				i = end
			}
		}
		if n >= emoticonBytes {
			break
		}
	}
	return false
}

// stripSubjectPrefixes removes reply/forward prefixes ("RE:", "Fwd:",
// "TL:", "Chuyển tiếp:") and returns the rest.
func stripSubjectPrefixes(f string) string {
	for {
		changed := false
		for _, p := range []string{"re ", "fw ", "fwd ", "tl ", "tr ", "chuyen tiep ", "tra loi ", "aw ", "sv "} {
			if strings.HasPrefix(f, p) {
				f = f[len(p):]
				changed = true
			}
		}
		if !changed {
			return f
		}
	}
}
