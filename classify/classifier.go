package classify

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/mail"
)

// Classifier labels messages with the document types of the taxonomy. It
// is immutable after New and safe for concurrent use.
type Classifier struct {
	cfg   Config
	lim   Limits
	rules *rules
	// scratch recycles part-body buffers across messages (*[]byte): a
	// relay classifies thousands of small messages a second.
	scratch sync.Pool
	// readers recycles the 4 KB *bufio.Reader each message is read
	// through: allocating and zeroing it was a tenth of the allocated
	// bytes of a small message.
	readers sync.Pool
}

// getReader returns a pooled 4 KB bufio.Reader reading r.
func (c *Classifier) getReader(r io.Reader) *bufio.Reader {
	if c != nil {
		if br, ok := c.readers.Get().(*bufio.Reader); ok {
			br.Reset(r)
			return br
		}
	}
	return bufio.NewReaderSize(r, 4096)
}

// putReader returns br to the pool, without its source.
func (c *Classifier) putReader(br *bufio.Reader) {
	if c != nil {
		br.Reset(nil)
		c.readers.Put(br)
	}
}

// maxPooledScratch keeps a giant attachment's buffer out of the pool.
const maxPooledScratch = 256 << 10

// New loads and validates the rules and limits.
func New(cfg Config) (*Classifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r, err := loadRules(cfg.Rules)
	if err != nil {
		return nil, err
	}
	return &Classifier{cfg: cfg, lim: cfg.Limits.withDefaults(), rules: r}, nil
}

// Mandated reports whether the rules require documents of type typ to
// travel through the city mail system.
func (c *Classifier) Mandated(typ string) bool { return c.rules.mandated[typ] }

// Classify reads one message and returns its verdict. It never panics:
// a panic in a parser becomes an error in the verdict, and limits stop
// reading without failing the message.
func (c *Classifier) Classify(ctx context.Context, r io.Reader, env Envelope) (v Verdict) {
	if ctx == nil {
		ctx = context.Background()
	}
	w := &walker{c: c, lim: c.lim, ctx: ctx, deadline: time.Now().Add(c.lim.Timeout)}
	w.body = &unit{where: "body", att: -1}
	sp, _ := c.scratch.Get().(*[]byte)
	if sp != nil {
		w.scratch = (*sp)[:0]
	}
	defer func() {
		if p := recover(); p != nil {
			w.addErr(fmt.Sprintf("panic: %v", p))
			v = c.fallback(w, env)
		}
		// The verdict holds copies only (textOf copies out of scratch), so
		// the buffer can serve the next message. The pooled pointer is
		// reused: a new one per message was an allocation.
		if cap(w.scratch) > 0 && cap(w.scratch) <= maxPooledScratch {
			if sp == nil {
				sp = new([]byte)
			}
			*sp = w.scratch[:0]
			c.scratch.Put(sp)
		}
	}()
	w.walkMessage(r, 0, w.body, true)
	return c.decide(w, env)
}

// fallback is the verdict after an internal failure.
func (c *Classifier) fallback(w *walker, env Envelope) Verdict {
	return Verdict{
		Type: typeUnknown, Confidence: 0, Secrecy: "none", Urgency: "none", Audience: "unknown",
		Mandated: c.Mandated(typeUnknown), Attachments: w.atts, Signals: []Signal{}, Errors: w.errs,
		Headers: headersOf(w),
	}
}

// headersOf decodes the top-level header fields the audit row needs.
func headersOf(w *walker) Headers {
	h := mail.Header{Header: message.Header{Header: w.header}}
	var out Headers
	out.From = firstAddr(h, "From")
	out.To = addrs(h, "To")
	out.Cc = addrs(h, "Cc")
	out.Subject = decodeHeaderText(strings.TrimSpace(w.header.Get("Subject")))
	out.MessageID = strings.Trim(strings.TrimSpace(w.header.Get("Message-Id")), "<>")
	return out
}

func firstAddr(h mail.Header, key string) string {
	a := addrs(h, key)
	if len(a) == 0 {
		return ""
	}
	return a[0]
}

// addrs returns the addr-specs of an address field. When the field does
// not parse (mail in the wild), addr-specs are picked out by hand.
func addrs(h mail.Header, key string) []string {
	raw := h.Get(key)
	if raw == "" {
		return nil
	}
	if out, ok := simpleAddrs(raw); ok {
		return out
	}
	list, err := h.AddressList(key)
	var out []string
	if err == nil {
		for _, a := range list {
			if a.Address != "" {
				out = append(out, strings.ToLower(a.Address))
			}
		}
		return out
	}
	for _, f := range strings.FieldsFunc(raw, func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '<' || r == '>' || r == '"' || r == '\t'
	}) {
		if strings.Count(f, "@") == 1 && !strings.HasPrefix(f, "@") && !strings.HasSuffix(f, "@") {
			out = append(out, strings.ToLower(f))
		}
	}
	return out
}

// simpleAddrs reads the common address fields without the RFC 5322
// parser, which costs dozens of allocations per field: a comma-separated
// list of "Display Name <local@domain>" or bare "local@domain" with no
// quotes, comments or groups. Anything else reports false and goes to
// the full parser; the display names are not needed here.
func simpleAddrs(raw string) ([]string, bool) {
	if strings.ContainsAny(raw, "\"():;\\[]") {
		return nil, false
	}
	out := make([]string, 0, strings.Count(raw, ",")+1)
	for len(raw) > 0 {
		var el string
		el, raw, _ = strings.Cut(raw, ",")
		el = strings.TrimSpace(el)
		if el == "" {
			return nil, false
		}
		addr := el
		if lt := strings.IndexByte(el, '<'); lt >= 0 {
			gt := strings.IndexByte(el, '>')
			if gt != len(el)-1 || gt < lt || strings.Count(el, "<") != 1 {
				return nil, false
			}
			addr = el[lt+1 : gt]
			// A display name is atoms and encoded words only.
			for _, c := range []byte(el[:lt]) {
				if c < 0x20 || c >= 0x7F || c == '@' || c == '<' || c == '>' {
					return nil, false
				}
			}
		}
		if !simpleAddrSpec(addr) {
			return nil, false
		}
		out = append(out, strings.ToLower(addr))
	}
	return out, true
}

// simpleAddrSpec accepts local@domain made of letters, digits and
// ".-_+%" with non-empty dot-separated parts, which net/mail parses to
// the same string.
func simpleAddrSpec(a string) bool {
	local, domain, ok := strings.Cut(a, "@")
	if !ok || local == "" || domain == "" || strings.IndexByte(domain, '@') >= 0 {
		return false
	}
	for _, part := range [2]string{local, domain} {
		prev := byte('.')
		for i := 0; i < len(part); i++ {
			c := part[i]
			switch {
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '+', c == '%':
			case c == '.':
				if prev == '.' {
					return false
				}
			default:
				return false
			}
			prev = c
		}
		if prev == '.' {
			return false
		}
	}
	return true
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

func (c *Classifier) decide(w *walker, env Envelope) Verdict {
	r := c.rules
	v := Verdict{Secrecy: "none", Urgency: "none", Audience: "unknown", Signals: []Signal{}}
	v.Headers = headersOf(w)
	sc := &scanner{r: r, fbuf: make([]byte, 0, maxStructLine+16)}

	subj := v.Headers.Subject
	foldedSubj := foldString(subj)
	fsubj := stripSubjectPrefixes(foldedSubj)

	// The lexicon text (subject, body opening, file names) is built in
	// sc.lex: the subject here, the body by its line scan, the names
	// below. It is sized for the subject, the lexBodyBytes of body taken
	// and the file names, so the fold does not grow the buffer step by
	// step. The part scratch buffer is free by now (the units hold
	// copies) and serves as its storage.
	size := len(subj) + lexBodyBytes + 200
	for _, u := range w.units {
		size += len(u.name) + 1
	}
	sc.lex = slices.Grow(w.scratch[:0], size)
	sc.lex = appendFold(sc.lex, subj)
	sc.lex = append(sc.lex, ' ')

	// Per-unit analysis: body first, then attachments in order.
	body := sc.analyzeLex(w.body, lexBodyBytes)
	infos := []*docInfo{body}
	for _, u := range w.units {
		d := sc.analyze(u)
		c.fileSignals(d, u.name)
		infos = append(infos, d)
	}

	// Lexicon over subject, body opening and file names.
	var lex [lexGroups]float64
	var lexHits [lexGroups][]string // the first 6 phrases of each group
	var lexHitsArr [lexGroups][6]string
	for g := range lexHits {
		lexHits[g] = lexHitsArr[g][:0] // no allocation while they fit
	}
	// A phrase counts once. Entries the scan can return have distinct
	// phrases (equal phrases share one key), so seen is indexed by entry;
	// the array keeps it off the heap for lexicons of usual size.
	var seenArr [256]bool
	seen := seenArr[:]
	if n := len(r.lex.ents); n > len(seenArr) {
		seen = make([]bool, n)
	}
	hit := func(e *lexEntry) {
		if seen[e.id] {
			return
		}
		seen[e.id] = true
		lex[e.group]++
		if len(lexHits[e.group]) < 6 {
			lexHits[e.group] = append(lexHits[e.group], e.phrase)
		}
	}
	buf := sc.lex
	for _, u := range w.units {
		buf = appendFold(buf, strings.TrimSuffix(u.name, path.Ext(u.name)))
		buf = append(buf, ' ')
	}
	r.lex.scan(buf, hit)
	words := bytes.Count(buf, []byte{' '})
	w.scratch = buf[:0] // back to the pool with the message

	// Subject signals.
	subjScore := map[string]float64{}
	var subjSigs []typedSignal
	addSubj := func(t string, wt float64, what string) {
		subjScore[t] += wt
		subjSigs = append(subjSigs, typedSignal{t, Signal{Where: "subject", What: what, Weight: wt}})
	}
	if t := nameAtStart(r, fsubj); t != "" {
		addSubj(t, r.w.SubjectName, "subject names "+t)
	} else if t := nameInTag(r, subj); t != "" {
		addSubj(t, r.w.SubjectName, "subject tag "+t)
	}
	if k, ok := findLooseNumber(subj); ok {
		t, _ := numberType(r, k)
		addSubj(t, r.w.SubjectNumber, "số ký hiệu "+k.Text+" in subject")
	}
	if strings.HasPrefix(fsubj, "v v ") {
		addSubj(typeCongVan, r.w.SubjectName/2, "subject V/v")
	}

	// Auto replies and test mail are not documents.
	auto := w.auto
	for _, p := range r.autoSubj {
		if strings.HasPrefix(foldedSubj, p) {
			auto = true
		}
	}

	// Choose the main document among formal units.
	var main *docInfo
	mainType, mainScore := "", 0.0
	for _, d := range infos {
		if !d.formal() {
			continue
		}
		t, s := d.best()
		if t == "" {
			continue
		}
		s += subjScore[t] / 2
		if d.draft && !d.hasNumber {
			s -= r.w.DraftPenalty
		}
		if s > mainScore {
			main, mainType, mainScore = d, t, s
		}
	}
	meeting := lex[lexMeeting] * r.w.Meeting
	personal := lex[lexPersonal]*r.w.Personal - lex[lexWork]*r.w.Personal/2
	subjBest, subjBestScore := bestOf(subjScore)

	typ, why := "", []Signal{}
	conf := 0.0
	switch {
	case auto:
		typ, conf = typeUnknown, 0.9
		why = append(why, Signal{Where: "subject", What: "automatic reply", Weight: 1})
	case w.smime && main == nil:
		typ, conf = typeUnknown, 0.8
		why = append(why, Signal{Where: "body", What: "encrypted content", Weight: 1})
	case main != nil && (main.hasNumber || meeting == 0 || mainType == typeGiayMoi):
		typ = mainType
		conf = confidence(mainScore, 0)
		for _, s := range main.sigs {
			if s.typ == typ {
				why = append(why, s.sig)
			}
		}
		for _, s := range subjSigs {
			if s.typ == typ {
				why = append(why, s.sig)
			}
		}
	case personal >= r.w.PersonalThreshold:
		typ, conf = typeCaNhan, confidence(personal, 0)
		why = append(why, Signal{Where: "body", What: "personal: " + strings.Join(lexHits[lexPersonal], ", "), Weight: personal})
	case meeting > 0:
		typ, conf = typeTaiLieuHop, confidence(meeting+2, 0)
		why = append(why, Signal{Where: "subject/body/file names", What: "meeting material: " + strings.Join(lexHits[lexMeeting], ", "), Weight: meeting})
	default:
		// Informal mail that presents itself as a document type, or a
		// document whose only trace is a file name or a heading.
		cands := map[string]float64{}
		var sigs []typedSignal
		for t, s := range subjScore {
			cands[t] += s
		}
		sigs = append(sigs, subjSigs...)
		for _, d := range infos {
			for t, s := range d.score {
				if d.draft && !d.hasNumber {
					s -= r.w.DraftPenalty
				}
				cands[t] += s
			}
			sigs = append(sigs, d.sigs...)
			if d.opening != "" {
				cands[d.opening] += r.w.OpeningName
				sigs = append(sigs, typedSignal{d.opening, Signal{Where: d.u.where, What: "opening names " + d.opening, Weight: r.w.OpeningName}})
			}
		}
		t, s := bestOf(cands)
		_ = subjBest
		_ = subjBestScore
		if s >= r.w.SubjectName-0.5 && t != "" {
			typ, conf = t, confidence(s, 0)*0.8
			for _, x := range sigs {
				if x.typ == t {
					why = append(why, x.sig)
				}
			}
		} else if personal >= r.w.PersonalThreshold/2 && personal > 0 {
			typ, conf = typeCaNhan, 0.5
			why = append(why, Signal{Where: "body", What: "personal: " + strings.Join(lexHits[lexPersonal], ", "), Weight: personal})
		} else if unreadableOnly(w, words) || isTestMail(r, fsubj, w) {
			typ, conf = typeUnknown, 0.6
			why = append(why, Signal{Where: "message", What: "no readable document content", Weight: 1})
		} else {
			typ, conf = typeCongViec, 0.55
			why = append(why, Signal{Where: "message", What: "work mail without a formal document", Weight: 1})
		}
	}
	v.Type, v.Confidence = typ, conf
	v.Mandated = c.Mandated(typ)
	v.Signals = append(v.Signals, why...)

	// Document number.
	if main != nil && typ == mainType {
		if main.hasNumber {
			v.DocNumber = main.number.Text
		} else if main.hasLoose {
			v.DocNumber = main.loose.Text
		}
	}
	if v.DocNumber == "" && typ != typeCaNhan && typ != typeUnknown && typ != typeCongViec && typ != typeTaiLieuHop {
		for _, d := range infos {
			if d.hasNumber {
				if t, _ := numberType(r, d.number); t == typ {
					v.DocNumber = d.number.Text
					break
				}
			}
		}
		if v.DocNumber == "" {
			if k, ok := findLooseNumber(subj); ok {
				v.DocNumber = k.Text
			}
		}
		if v.DocNumber == "" {
			for _, u := range w.units {
				if k, ok := fileNameNumber(u.name); ok {
					v.DocNumber = k.Text
					break
				}
			}
		}
	}

	// Secrecy and urgency: stamps on a formal document; the subject mark
	// counts only when the mail carries such a document (a phishing
	// "[TỐI MẬT]" or a joke in a subject does not).
	hasDoc := false
	for _, d := range infos {
		if d.formal() {
			hasDoc = true
			if rank(d.secrecy, secrecyRank) > rank(v.Secrecy, secrecyRank) {
				v.Secrecy = d.secrecy
				v.Signals = append(v.Signals, Signal{Where: d.secWhere, What: "secrecy stamp " + d.secrecy, Weight: 1})
			}
			if rank(d.urgency, urgencyRank) > rank(v.Urgency, urgencyRank) {
				v.Urgency = d.urgency
				v.Signals = append(v.Signals, Signal{Where: d.urgWhere, What: "urgency mark " + d.urgency, Weight: 1})
			}
		}
		if d.mailSecret != "" && rank(d.mailSecret, secrecyRank) > rank(v.Secrecy, secrecyRank) {
			v.Secrecy = d.mailSecret
			v.Signals = append(v.Signals, Signal{Where: d.u.where, What: "sender marks the mail secret", Weight: 1})
		}
	}
	markKey, marked := subjectMark(subj) // one key for both look-ups
	if lvl := r.urgency[markKey]; marked && lvl != "" && rank(lvl, urgencyRank) > rank(v.Urgency, urgencyRank) && typ != typeCaNhan && typ != typeUnknown {
		v.Urgency = lvl
		v.Signals = append(v.Signals, Signal{Where: "subject", What: "urgency mark " + lvl, Weight: 1})
	}
	if lvl := r.secrecy[markKey]; marked && lvl != "" && hasDoc && rank(lvl, secrecyRank) > rank(v.Secrecy, secrecyRank) {
		v.Secrecy = lvl
		v.Signals = append(v.Signals, Signal{Where: "subject", What: "secrecy mark " + lvl, Weight: 1})
	}

	// Audience.
	v.Audience = c.audience(main, typ == mainType, v.Headers, env, &v)

	// Attachments.
	v.Attachments = w.atts
	for i, u := range w.units {
		d := infos[i+1]
		v.Attachments[i].Chars = u.chars
		v.Attachments[i].Type = c.attachmentType(d, main, typ)
	}
	if v.Attachments == nil {
		v.Attachments = []Attachment{}
	}
	v.Errors = w.errs
	if v.Errors == nil {
		v.Errors = []string{}
	}
	return v
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
func confidence(score, second float64) float64 {
	m := score - second
	c := 1 - 1/(1+m/4)
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

// subjectMark finds a capital mark at the start of the subject (after
// reply prefixes): "KHẨN: …", "[KHẨN] …", "HỎA TỐC - …". It returns its
// toneKey, the key of the urgency and secrecy maps, and false when the
// subject starts with no capital head.
func subjectMark(subj string) (string, bool) {
	s := strings.TrimSpace(subj)
	for {
		l := strings.ToLower(s)
		cut := false
		for _, p := range []string{"re:", "fw:", "fwd:", "tl:", "tr:"} {
			if strings.HasPrefix(l, p) {
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

// fileSignals scores an attachment's file name.
func (c *Classifier) fileSignals(d *docInfo, name string) {
	r := c.rules
	base := strings.TrimSuffix(name, path.Ext(name))
	where := "attachment " + name
	if k, ok := fileNameNumber(base); ok {
		t, _ := numberType(r, k)
		d.add(t, r.w.FileNumber, where, "file name number "+k.Text)
		if !d.hasLoose {
			d.loose, d.hasLoose = k, true
		}
		return
	}
	f := foldString(base)
	if strings.HasPrefix(f, "du thao ") {
		d.draft = true
		f = f[len("du thao "):]
	}
	for _, n := range r.names {
		if strings.HasPrefix(f, n.folded) && (len(f) == len(n.folded) || f[len(n.folded)] == ' ') {
			d.add(n.typ, r.w.FileName, where, "file name "+name)
			return
		}
	}
	tok, _, _ := strings.Cut(f, " ")
	if t, ok := r.fileTok[tok]; ok {
		d.add(t, r.w.FileToken, where, "file name "+name)
	}
}

func (c *Classifier) attachmentType(d *docInfo, main *docInfo, msgType string) string {
	if d == main {
		return msgType
	}
	if d.formal() {
		if t, _ := d.best(); t != "" {
			return t
		}
	}
	switch msgType {
	case typeCaNhan, typeUnknown, typeTaiLieuHop:
		return msgType
	}
	if t, s := d.best(); t != "" && s >= c.rules.w.FileToken && !d.draft {
		return t
	}
	if msgType == typeGiayMoi {
		return typeTaiLieuHop
	}
	if d.u.unreadable && d.u.chars == 0 {
		return typeUnknown
	}
	if main == nil && msgType != typeCongViec {
		return msgType
	}
	return typeCongViec
}

func unreadableOnly(w *walker, words int) bool {
	// Fewer than a handful of words besides signatures, and no attachment
	// with text.
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

func isTestMail(r *rules, fsubj string, w *walker) bool {
	if !r.testWords[strings.TrimSpace(fsubj)] && fsubj != "" {
		return false
	}
	if len(w.units) != 0 {
		return false
	}
	return !w.bodyHasWords(8, false)
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

// audience decides so / noi_bo / ngoai / unknown. For a document the
// agency issues, its addressee (Kính gửi, or the invitee of a giấy mời)
// decides; otherwise the mail's recipients, and for the agency's own
// documents without a usable recipient, the first Nơi nhận entry.
func (c *Classifier) audience(main *docInfo, isMain bool, h Headers, env Envelope, v *Verdict) string {
	r := c.rules
	own := false
	if main != nil && isMain {
		k := main.number
		if !main.hasNumber && main.hasLoose {
			k = main.loose
		}
		for _, s := range k.Segments {
			if r.ownCodes[s] {
				own = true
			}
		}
		if own {
			if text, raw := main.addressee(); text != "" {
				if a := c.audienceOfText(text, raw); a != "" {
					shown := strings.Trim(raw, " -+;,.")
					if shown == "" {
						shown = text
					}
					v.Signals = append(v.Signals, Signal{Where: main.u.where, What: "addressee: " + clip(shown, 60), Weight: 1})
					v.AudienceSource = AudienceFromDocument
					return a
				}
			}
		}
	}
	if a := c.audienceOfRecipients(h, env); a != "unknown" || !own {
		if a != "unknown" {
			v.AudienceSource = AudienceFromRecipients
		}
		return a
	}
	if text := main.firstRecipient(r); text != "" {
		if a := c.audienceOfText(text, ""); a != "" {
			v.Signals = append(v.Signals, Signal{Where: main.u.where, What: "first recipient: " + clip(text, 60), Weight: 1})
			v.AudienceSource = AudienceFromDocument
			return a
		}
	}
	return "unknown"
}

// audienceOfRecipients classifies the mail's recipients (To and Cc, else
// the envelope): the Sở if any recipient is at the Sở, then outside
// bodies, then the agency's own staff.
func (c *Classifier) audienceOfRecipients(h Headers, env Envelope) string {
	r := c.rules
	rcpts := append(append([]string{}, h.To...), h.Cc...)
	if len(rcpts) == 0 {
		rcpts = env.RcptTo
	}
	var so, ngoai, noiBo bool
	for _, a := range rcpts {
		a = strings.ToLower(strings.Trim(a, "<> "))
		if a == "" || a == h.From {
			continue
		}
		switch {
		case matchAny(r.deptAddr, a):
			so = true
		case matchAny(r.intAddr, a):
			noiBo = true
		default:
			ngoai = true
		}
	}
	switch {
	case so:
		return "so"
	case ngoai:
		return "ngoai"
	case noiBo:
		return "noi_bo"
	}
	return "unknown"
}

// audienceOfText classifies a folded addressee: the Sở, else the agency's
// own units, else outside. raw, when known, is the addressee as written:
// an outside-body word in it ("Phòng Văn hóa và Thông tin
// Quận 3") means a unit of another body, though "phòng" would otherwise
// read as one of the agency's own divisions. Those words are matched
// with their diacritics, since folding makes "quận" and "quản" alike.
func (c *Classifier) audienceOfText(f, raw string) string {
	f = " " + f + " "
	// Folding merges "cơ sở" (grassroots: "Công đoàn cơ sở") with "Sở":
	// the listed phrases are taken out before looking for the Sở.
	d := f
	for _, w := range c.rules.notDept {
		d = strings.ReplaceAll(d, " "+w+" ", " ")
	}
	for _, w := range c.rules.deptWords {
		if strings.Contains(d, " "+w+" ") {
			return "so"
		}
	}
	if raw != "" {
		raw = " " + strings.Map(func(r rune) rune {
			r = unicode.ToLower(r)
			if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
				return r
			}
			return ' '
		}, nfc(raw)) + " "
		for _, w := range c.rules.extWords {
			if strings.Contains(raw, " "+w+" ") {
				return "ngoai"
			}
		}
	}
	for _, w := range c.rules.intWords {
		if strings.Contains(f, " "+strings.TrimSpace(w)+" ") {
			return "noi_bo"
		}
	}
	if strings.TrimSpace(f) != "" {
		return "ngoai"
	}
	return ""
}

// matchAny matches an address against glob patterns ('*' any run).
func matchAny(pats []addrGlob, a string) bool {
	for _, p := range pats {
		if p.match(a) {
			return true
		}
	}
	return false
}

// addrGlob is a recipient pattern compiled once when the rules load:
// path.Match re-parses the pattern at every call, which showed in the
// profile of ordinary mail. Patterns with '?', '[' or '\\' keep
// path.Match semantics.
type addrGlob struct {
	pat   string
	parts []string // the literal runs between '*'
	slow  bool
}

func compileGlob(p string) addrGlob {
	g := addrGlob{pat: p}
	if strings.ContainsAny(p, "?[\\/") {
		g.slow = true
		return g
	}
	g.parts = strings.Split(p, "*")
	return g
}

func (g addrGlob) match(a string) bool {
	if g.slow {
		ok, _ := path.Match(g.pat, a)
		return ok
	}
	if len(g.parts) == 1 {
		return a == g.pat
	}
	// '*' in path.Match does not cross '/'.
	if strings.IndexByte(a, '/') >= 0 {
		ok, _ := path.Match(g.pat, a)
		return ok
	}
	first, last := g.parts[0], g.parts[len(g.parts)-1]
	if len(a) < len(first)+len(last) || !strings.HasPrefix(a, first) || !strings.HasSuffix(a, last) {
		return false
	}
	mid := a[len(first) : len(a)-len(last)]
	for _, p := range g.parts[1 : len(g.parts)-1] {
		k := strings.Index(mid, p)
		if k < 0 {
			return false
		}
		mid = mid[k+len(p):]
	}
	return true
}
