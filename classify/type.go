package classify

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The primary type. Evidence is weighed on both sides: a formal document
// (ND 30 layout, số ký hiệu) decides; otherwise the mail's purpose
// (meeting material, an invitation, a type it presents itself as); and
// between work and personal mail, the vocabulary and the mailboxes of
// each side. Absence of personal evidence is not work evidence and the
// reverse: mail with neither is khong_xac_dinh, not a default.

// subjectSignals scores the subject: a type name at its start or in a
// "[Thư mời]" tag, a số ký hiệu, "V/v".
func (c *Classifier) subjectSignals(e *evidence) {
	r := c.rules
	add := func(t string, wt float64, what string) {
		e.subjSigs = append(e.subjSigs, typedSignal{t, Signal{Where: "subject", What: what, Weight: wt}})
	}
	if t := nameAtStart(r, e.fsubj); t != "" {
		add(t, r.w.SubjectName, "subject names "+t)
	} else if t := nameInTag(r, e.subj); t != "" {
		add(t, r.w.SubjectName, "subject tag "+t)
	}
	if k, ok := findLooseNumber(e.subj); ok {
		t, _ := numberType(r, k)
		add(t, r.w.SubjectNumber, "số ký hiệu "+k.Text+" in subject")
	}
	if strings.HasPrefix(e.fsubj, "v v ") {
		add(typeCongVan, r.w.SubjectName/2, "subject V/v")
	}
}

// subjScore is the subject's total weight for type t.
func (e *evidence) subjScore(t string) float64 {
	s := 0.0
	for _, x := range e.subjSigs {
		if x.typ == t {
			s += x.sig.Weight
		}
	}
	return s
}

// mainDocument chooses the main document among the formal units: the
// best score, helped by the subject naming its type, a draft without a
// number held back.
func (c *Classifier) mainDocument(e *evidence) (*docInfo, string, float64) {
	r := c.rules
	var main *docInfo
	mainType, mainScore := "", 0.0
	for _, d := range e.infos {
		if !d.formal() {
			continue
		}
		t, s := d.best()
		if t == "" {
			continue
		}
		s += e.subjScore(t) / 2
		if d.draft && !d.hasNumber {
			s -= r.w.DraftPenalty
		}
		if s > mainScore {
			main, mainType, mainScore = d, t, s
		}
	}
	return main, mainType, mainScore
}

// personalCues counts the weak cues of personal mail: each personal phrase
// (subject, body, file names, attachments), mail only to consumer
// mailboxes (and one more when it also comes from one), an emoticon or
// emoji.
func (e *evidence) personalCues() int {
	n := e.lex[lexPersonal] + e.attLex[lexPersonal]
	if e.personalBox {
		n++
		if e.personalFrom {
			n++ // no city mailbox anywhere on the mail
		}
	}
	// An emoticon is looked for only when another cue is there: alone it
	// cannot make mail personal, and most mail has none of either.
	if n > 0 && (hasEmoji(e.subj) || hasEmoticon(e.w.body)) {
		e.emoticon = true
		n++
	}
	return n
}

// workCues counts the office-work phrases, meeting-material phrases among
// them (meetings are work), and an urgency mark heading the subject
// ("[KHẨN]": urgency belongs to official business).
func (e *evidence) workCues() int {
	n := e.lex[lexWork] + e.attLex[lexWork] + e.lex[lexMeeting]
	if e.urgentSubject {
		n++
	}
	return n
}

// lure: the mail is a phishing lure itself (two or more lure phrases, not
// a staff member forwarding one for checking).
func (e *evidence) lure() bool {
	return e.lex[lexLure] >= 2 && !forwardedSubject(e.subj)
}

// meetingCues: meeting phrases in the subject, body opening and file
// names; strong counts only those that do not come from a formal body
// document's own text, plus agendas and slide decks among the units.
func (e *evidence) meetingCues() (any, strong int) {
	any = e.lex[lexMeeting]
	for _, d := range e.infos[1:] {
		if d.heading == typeTaiLieuHop || d.u.slides {
			any++
			strong++
		}
		if d.score[typeTaiLieuHop] > 0 && d.heading != typeTaiLieuHop {
			strong++ // a meeting-material file name
		}
	}
	if e.body.heading == typeTaiLieuHop && !e.body.formal() {
		any++
	}
	if e.subjScore(typeTaiLieuHop) > 0 || hasMeetingWord(e) {
		strong++
	}
	return any, strong
}

// hasMeetingWord: a meeting phrase in the subject, body opening or file
// names of mail whose body is not itself a formal document (whose own
// text may mention "tài liệu họp" in passing).
func hasMeetingWord(e *evidence) bool {
	return e.lex[lexMeeting] > 0 && !e.body.formal()
}

func (c *Classifier) decideType(e *evidence, v *Verdict) {
	r := c.rules
	w := e.w
	set := func(t string, conf float64, sigs ...Signal) {
		v.Type, v.Confidence = t, conf
		v.Signals = append(v.Signals, sigs...)
	}
	pers, work := e.personalCues(), e.workCues()
	personalScore := float64(pers)*r.w.Personal - float64(work)*r.w.Personal/2
	personal := pers >= r.w.PersonalMinCues && personalScore >= r.w.PersonalThreshold
	persSig := func() Signal {
		what := e.joinHits(r.lex, "personal: ", lexPersonal)
		if e.personalBox {
			what += "; only consumer mailboxes"
		}
		if e.emoticon {
			what += "; emoticon"
		}
		return Signal{Where: "subject/body/attachments", What: what, Weight: personalScore}
	}
	meetAny, meetStrong := e.meetingCues()
	main, mainType := e.main, e.mainType
	mainSigs := func() []Signal {
		var out []Signal
		for _, s := range main.sigs {
			if s.typ == mainType {
				out = append(out, s.sig)
			}
		}
		for _, s := range e.subjSigs {
			if s.typ == mainType {
				out = append(out, s.sig)
			}
		}
		return out
	}
	meetingSig := func() Signal {
		return Signal{Where: "subject/body/file names", What: e.joinHits(r.lex, "meeting material: ", lexMeeting), Weight: float64(meetAny) * r.w.Meeting}
	}
	ownDoc := main != nil && c.ownNumber(main)
	switch {
	case e.auto:
		set(typeUnknown, 0.9, Signal{Where: "subject", What: "automatic reply", Weight: 1})
	case e.lure():
		set(typeUnknown, 0.8, Signal{Where: "body", What: e.joinHits(r.lex, "phishing lure: ", lexLure), Weight: 1})
	case (w.smime || encryptedOnly(w)) && main == nil:
		// The content cannot be read: whatever the subject says, the
		// document's type cannot be told.
		set(typeUnknown, 0.8, Signal{Where: "attachments", What: "content cannot be read (encrypted or unknown archive)", Weight: 1})
	case personal && (main == nil || (!ownDoc && pers >= 3 && e.lex[lexPersonal]+e.attLex[lexPersonal] >= 2)):
		// Personal mail stays personal when it uses the words thông báo,
		// báo cáo, quyết định, or forwards a school's giấy mời; with a
		// formal document in it that takes more than the weakest cues (a
		// Sở notice forwarded to a Gmail box with a smiley is a notice).
		set(typeCaNhan, confidence(personalScore), persSig())
	case w.calendar:
		set(typeGiayMoi, 0.9, Signal{Where: "calendar", What: "meeting request (METHOD:REQUEST)", Weight: r.w.Invitation})
	case main != nil && mainType != typeGiayMoi && mainType != typeTaiLieuHop &&
		((main.hasNumber && meetStrong > 0) || (!main.hasNumber && meetAny > 0)):
		// Material sent for a meeting: papers and a report, an agenda
		// among other files, slides.
		set(typeTaiLieuHop, confidence(float64(meetAny)*r.w.Meeting+2), meetingSig())
	case main != nil:
		set(mainType, confidence(e.mainScore), mainSigs()...)
	case meetAny > 0:
		set(typeTaiLieuHop, confidence(float64(meetAny)*r.w.Meeting+2), meetingSig())
	default:
		c.decideInformal(e, v, work)
	}
	v.Mandated = c.Mandated(v.Type)
}

// decideInformal: mail without a formal document, not meeting material.
func (c *Classifier) decideInformal(e *evidence, v *Verdict, work int) {
	r := c.rules
	w := e.w
	set := func(t string, conf float64, sigs ...Signal) {
		v.Type, v.Confidence = t, conf
		v.Signals = append(v.Signals, sigs...)
	}
	// System mail that says it is automatic (a password-expiry notice).
	if e.lex[lexAutomatic] > 0 {
		set(typeUnknown, 0.8, Signal{Where: "body", What: e.joinHits(r.lex, "automatic mail: ", lexAutomatic), Weight: 1})
		return
	}
	// Mail that presents itself as a document type, or a document whose
	// only trace is a file name or a heading.
	cands := map[string]float64{}
	for _, x := range e.subjSigs {
		cands[x.typ] += x.sig.Weight
	}
	for _, d := range e.infos {
		for t, s := range d.score {
			if d.draft && !d.hasNumber {
				s -= r.w.DraftPenalty
			}
			cands[t] += s
		}
		if d.opening != "" {
			cands[d.opening] += r.w.OpeningName
		}
	}
	// An invitation in words: an inviting phrase and a time or place.
	invitation := e.lex[lexInvitation] > 0 && e.lex[lexAppointment] >= 2
	if invitation {
		cands[typeGiayMoi] += r.w.Invitation
	}
	if t, s := bestOf(cands); s >= r.w.SubjectName-0.5 && t != "" {
		// The signals of the chosen type, in the order they were weighed
		// above. They are collected only now, for t alone: gathering all
		// of them first and filtering cost two allocations a message.
		v.Type, v.Confidence = t, confidence(s)*0.8
		for _, x := range e.subjSigs {
			if x.typ == t {
				v.Signals = append(v.Signals, x.sig)
			}
		}
		for _, d := range e.infos {
			for _, x := range d.sigs {
				if x.typ == t {
					v.Signals = append(v.Signals, x.sig)
				}
			}
			if d.opening == t {
				v.Signals = append(v.Signals, Signal{Where: d.u.where, What: "opening names " + d.opening, Weight: r.w.OpeningName})
			}
		}
		if invitation && t == typeGiayMoi {
			v.Signals = append(v.Signals, Signal{Where: "subject/body", What: e.joinHits(r.lex, "invitation: ",
				lexInvitation, lexAppointment), Weight: r.w.Invitation})
		}
		return
	}
	switch {
	case unreadableOnly(w) || isTestMail(r, e.fsubj, w):
		set(typeUnknown, 0.6, Signal{Where: "message", What: "no readable document content", Weight: 1})
	case work > 0:
		set(typeCongViec, min(0.5+0.1*float64(work), 0.9), Signal{Where: "subject/body/attachments",
			What: e.joinHits(r.lex, "work: ", lexWork), Weight: float64(work)})
	default:
		set(typeUnknown, 0.3, Signal{Where: "message", What: "no evidence of work or of personal use", Weight: 0})
	}
}

// joinHits is prefix followed by the phrases found of the groups,
// comma-separated, built in one allocation.
func (e *evidence) joinHits(l *lexicon, prefix string, groups ...int) string {
	n := len(prefix)
	for _, g := range groups {
		for _, i := range e.hitIdx[g][:e.hitN[g]] {
			n += len(l.ents[i].phrase) + 2
		}
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(prefix)
	first := true
	for _, g := range groups {
		for _, i := range e.hitIdx[g][:e.hitN[g]] {
			if !first {
				b.WriteString(", ")
			}
			first = false
			b.WriteString(l.ents[i].phrase)
		}
	}
	return b.String()
}

// ownNumber: the main document's số ký hiệu names the agency (or its
// Party cell or union) as issuer.
func (c *Classifier) ownNumber(d *docInfo) bool {
	k := d.number
	if !d.hasNumber {
		if !d.hasLoose {
			return false
		}
		k = d.loose
	}
	for _, s := range k.Segments {
		if c.rules.ownCodes[s] {
			return true
		}
	}
	return false
}

// encryptedOnly: the mail's attachments (at least one) are all unreadable
// containers with no text: an encrypted zip, an unknown archive, S/MIME.
func encryptedOnly(w *walker) bool {
	n := 0
	for _, u := range w.units {
		if u.chars > 0 {
			return false
		}
		if u.unreadable {
			n++
		} else if u.images == 0 && !u.scanned {
			return false
		}
	}
	return n > 0
}

// decideNumber sets the số ký hiệu of the chosen type's document.
func (c *Classifier) decideNumber(e *evidence, v *Verdict) {
	r := c.rules
	typ := v.Type
	if main := e.main; main != nil && typ == e.mainType {
		if main.hasNumber {
			v.DocNumber = main.number.Text
		} else if main.hasLoose {
			v.DocNumber = main.loose.Text
		}
	}
	if v.DocNumber != "" || typ == typeCaNhan || typ == typeUnknown || typ == typeCongViec || typ == typeTaiLieuHop {
		return
	}
	for _, d := range e.infos {
		if d.hasNumber {
			if t, _ := numberType(r, d.number); t == typ {
				v.DocNumber = d.number.Text
				return
			}
		}
	}
	if k, ok := findLooseNumber(e.subj); ok {
		v.DocNumber = k.Text
		return
	}
	for _, u := range e.w.units {
		if k, ok := c.fileNameNumber(u.name); ok {
			v.DocNumber = k.Text
			return
		}
	}
}

func bestOf(m map[string]float64) (string, float64) {
	bt, bs := "", 0.0
	for t, s := range m {
		if s > bs || (s == bs && t < bt) {
			bt, bs = t, s
		}
	}
	return bt, bs
}

// confidence maps a winning score to 0..1: a numbered, headed document
// (≈ 15) is near certain; a single weak signal is a guess.
func confidence(score float64) float64 {
	c := 1 - 1/(1+score/4)
	if c < 0.3 {
		c = 0.3
	}
	if c > 0.99 {
		c = 0.99
	}
	return float64(int(c*100+0.5)) / 100
}

// nameAtStart: the folded subject starts with a type name or abbreviation.
func nameAtStart(r *rules, f string) string {
	f = strings.TrimLeft(f, " ")
	for _, n := range r.names {
		if strings.HasPrefix(f, n.folded) && (len(f) == len(n.folded) || f[len(n.folded)] == ' ') {
			return n.typ
		}
	}
	tok, _, _ := strings.Cut(f, " ")
	if t, ok := r.fileTok[tok]; ok && len(f) > len(tok) {
		return t
	}
	return ""
}

// nameInTag finds "[Thư mời]"-style tags anywhere in the subject.
func nameInTag(r *rules, subj string) string {
	for {
		i := strings.IndexByte(subj, '[')
		if i < 0 {
			return ""
		}
		j := strings.IndexByte(subj[i:], ']')
		if j < 0 {
			return ""
		}
		tag := foldString(subj[i+1 : i+j])
		for _, n := range r.names {
			if tag == n.folded || strings.HasPrefix(tag, n.folded+" ") {
				return n.typ
			}
		}
		subj = subj[i+j:]
	}
}

// unreadableOnly: fewer than a handful of words in the body besides
// links, and no attachment with text.
func unreadableOnly(w *walker) bool {
	for _, u := range w.units {
		if u.chars > 50 {
			return false
		}
	}
	return !w.bodyHasWords(6, true)
}

// bodyHasWords reports whether the body has at least n words (counting
// stops there); noURL says whether links are left out of the count.
func (w *walker) bodyHasWords(n int, noURL bool) bool {
	got := 0
	for _, s := range w.body.segs {
		got += countWords(s.text, n-got, noURL)
		if got >= n {
			return true
		}
	}
	return false
}

// isTestMail: the subject is a test word or starts with a test phrase of
// two or more words ("thử gửi thư"), there is no attachment and the body is
// a line at most.
func isTestMail(r *rules, fsubj string, w *walker) bool {
	subj := strings.TrimSpace(fsubj)
	test := subj == "" || r.testWords[subj]
	// A slice, not a range over the map: iterating a map was a fortieth
	// of a small message's classification.
	for _, p := range r.testLead {
		if strings.HasPrefix(subj, p) {
			test = true
		}
	}
	if !test || len(w.units) != 0 {
		return false
	}
	return !w.bodyHasWords(12, false)
}

// countWords counts the fields of s as strings.Fields splits them, up to
// limit (the callers only ask "fewer than N words?", so the count stops
// there and nothing is allocated). With noURL, fields holding "://" do not
// count: a link alone is not content.
func countWords(s string, limit int, noURL bool) int {
	n := 0
	for i := 0; i < len(s) && n < limit; {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if unicode.IsSpace(r) {
			i += size
			continue
		}
		start := i
		for i < len(s) {
			r, size = rune(s[i]), 1
			if r >= utf8.RuneSelf {
				r, size = utf8.DecodeRuneInString(s[i:])
			}
			if unicode.IsSpace(r) {
				break
			}
			i += size
		}
		if !noURL || !strings.Contains(s[start:i], "://") {
			n++
		}
	}
	return n
}
