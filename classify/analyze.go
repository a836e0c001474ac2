package classify

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// typedSignal is a signal that speaks for one type.
type typedSignal struct {
	typ string
	sig Signal
}

// docInfo is what the line scan learns about one unit.
type docInfo struct {
	u          *unit
	motto      bool
	number     SoKyHieu
	hasNumber  bool // a labelled "Số: …" number
	loose      SoKyHieu
	hasLoose   bool
	numWhere   string
	heading    string // type of the first heading
	headUpper  bool
	vv         bool
	kinhGui    bool
	kinhText   string   // folded addressee text (Kính gửi and its dash lines)
	kinhList   []string // folded addressees: the Kính gửi line and its dash entries
	moiText    string   // folded invitee of a giấy mời ("… trân trọng kính mời: X")
	addrRaw    string   // the addressee as written, for signals and accent-sensitive words
	noiNhan    bool
	noiText    string   // folded Nơi nhận lines
	noiList    []string // folded Nơi nhận entries, in order
	luu        bool
	signer     bool
	endMark    bool
	draft      bool
	secrecy    string
	secWhere   string
	secHead    bool // the stamp stands in the head area (see headLines)
	urgency    string
	urgWhere   string
	mailSecret string // the sender marks the text secret (see mailMark)
	markLvl    string // the previous line named a secrecy level (mailMark)
	markRestr  bool   // the previous line asked not to pass it on
	restrLine  bool   // some line of the head area asks not to pass it on
	opening    string // type named by the first line of an informal text
	sigs       []typedSignal
	score      map[string]float64
}

func (d *docInfo) add(typ string, w float64, where, what string) {
	if d.score == nil {
		d.score = map[string]float64{}
	}
	d.score[typ] += w
	d.sigs = append(d.sigs, typedSignal{typ, Signal{Where: where, What: what, Weight: w}})
}

// formal reports whether the unit is laid out as an ND 30 document rather
// than carrying a document name in passing.
func (d *docInfo) formal() bool {
	return d.hasNumber || d.motto || (d.vv && d.kinhGui) ||
		(d.heading != "" && d.headUpper && (d.noiNhan || d.signer || d.luu))
}

// addressee returns the folded name the document is addressed to: the
// first Kính gửi entry, or the invitee of a giấy mời. "" when the
// document names none (quyết định, kế hoạch, thông báo usually do not).
func (d *docInfo) addressee() (folded, raw string) {
	if len(d.kinhList) > 0 {
		return d.kinhList[0], d.addrRaw
	}
	if d.moiText != "" {
		return d.moiText, d.addrRaw
	}
	return "", ""
}

// firstRecipient returns the first Nơi nhận entry that is a recipient:
// not a pointer back ("Như trên", "Như Điều 3", "Như thành phần mời"),
// not a copy for information ("Sở VHTT (để báo cáo)"), not a web page to
// publish on, not the file copy ("Lưu: VT"). Nơi nhận is a distribution
// list, so this is only a fallback when the mail's own recipients say
// nothing.
func (d *docInfo) firstRecipient(r *rules) string {
	for _, e := range d.noiList {
		if e == "" || strings.HasPrefix(e, "nhu ") || strings.HasPrefix(e, "luu ") || e == "luu" {
			continue
		}
		skip := false
		for _, m := range r.copyMarks {
			if strings.Contains(" "+e+" ", " "+m+" ") {
				skip = true
				break
			}
		}
		if !skip {
			return e
		}
	}
	return ""
}

func (d *docInfo) best() (string, float64) {
	bt, bs := "", 0.0
	for t, s := range d.score {
		if s > bs || (s == bs && t < bt) {
			bt, bs = t, s
		}
	}
	return bt, bs
}

// scanner holds reusable buffers for the line scan of one message.
type scanner struct {
	r    *rules
	fbuf []byte
	// fbufArr and spareArr are the storage of fbuf and spare, which
	// mailMark swaps: a line the scan folds is at most maxStructLine
	// bytes, and its fold no longer (only a rare letter outside Latin can
	// grow, and append then moves the buffer to the heap).
	fbufArr  [maxStructLine + 16]byte
	spareArr [maxStructLine + 16]byte
	spare    []byte
	// lex is the text the lexicon reads (see decide): the folded subject,
	// then appendFold of the first lexBodyBytes of the body's segments,
	// each followed by a space, then the file names. The line scan of the
	// body folds those lines anyway, so analyze appends its folds here
	// instead of decide folding the same bytes a second time.
	lex []byte
	// lexLine: the line being scanned lies wholly inside that prefix;
	// every fold of it (its cells, or the whole line) goes to lex.
	lexLine bool
	// prevFold is the previous head line, folded, for a marking split over
	// two lines: it stays in the buffer it was folded into, which mailMark
	// swaps out of fbuf's place (no copy per line). subjLevel says the
	// subject names a secrecy level, so a restriction in the body
	// completes it (see mailMark).
	prevFold  []byte
	subjLevel bool
}

// lexBodyBytes is how much of the body the lexicon reads.
const lexBodyBytes = 3000

// lexAdd appends the fold of one piece of a line (a cell, or the whole
// line) to lex, then the space the following tab or line break folds to.
//
// This gives exactly appendFold(lex, raw line + "\n"): each line starts
// with lex ending in a space; trimLine and the cell split only take away
// white space, '>' and tabs, which fold to spaces that collapse with that
// one; a cell folded on its own starts in the same "after a space" state
// as inside the line. FuzzLexText checks it against the plain fold.
func (s *scanner) lexAdd(fold []byte) {
	s.lex = append(s.lex, fold...)
	if n := len(s.lex); n > 0 && s.lex[n-1] != ' ' {
		s.lex = append(s.lex, ' ')
	}
}

const maxStructLine = 320 // longer lines are prose: no heading, stamp or label

// analyze scans the lines of every segment of u.
func (s *scanner) analyze(u *unit) *docInfo { return s.analyzeLex(u, -1) }

// analyzeLex is analyze that, with lexBytes ≥ 0 (the body), also appends
// to s.lex the fold of each segment's share of the first lexBytes bytes
// and a space after each segment.
func (s *scanner) analyzeLex(u *unit, lexBytes int) *docInfo {
	d := &docInfo{u: u}
	lineNo := 0
	var capture *string // Kính gửi / Nơi nhận continuation
	var captureList *[]string
	captureLeft := 0
	lexUsed := 0
	for _, seg := range u.segs {
		text := seg.text
		// headNo counts the lines of this segment (a part, a page, a
		// slide, a sheet, an archive member): its first headLines are
		// the head area where a stamp stands.
		headNo, fwdHeader := 0, false
		s.prevFold = nil
		if seg.tail {
			headNo = headLines + markLines
		}
		// seg.text[:lexLim] is the segment's share of the lexicon text.
		lexLim := min(len(text), max(0, lexBytes-lexUsed))
		lexUsed += lexLim
		for len(text) > 0 {
			off := len(seg.text) - len(text)
			var line string
			if k := strings.IndexByte(text, '\n'); k >= 0 {
				line, text = text[:k], text[k+1:]
			} else {
				line, text = text, ""
			}
			// A line inside the prefix with its line break is added as it
			// is folded below; the line the prefix ends in is folded here
			// up to the cut, as the bytes stand.
			end := len(seg.text) - len(text) // after the line break, if any
			s.lexLine = end <= lexLim && seg.text[end-1] == '\n'
			if !s.lexLine && off < lexLim {
				s.lex = appendFold(s.lex, seg.text[off:lexLim])
			}
			line = trimLine(line)
			if line == "" {
				if capture != nil && captureLeft < 6 {
					capture = nil
				}
				continue
			}
			lineNo++
			// A forwarded or quoted message starts a head area of its own
			// after its header lines (From, Date, Subject, To …).
			switch {
			case isForwardSeparator(line):
				fwdHeader, headNo = true, 0
			case fwdHeader && isForwardHeaderLine(line):
				headNo = 0
			default:
				fwdHeader = false
				headNo++
			}
			if len(line) > maxStructLine {
				if s.lexLine {
					// Folded straight onto lex (the same bytes as lexAdd of
					// its fold: both folds start after a space): a prose
					// line is longer than fbuf's storage.
					s.lex = appendFold(s.lex, line)
					s.lexAdd(nil)
				}
				capture = nil
				if strings.HasSuffix(line, "./.") {
					d.endMark = true
				}
				continue
			}
			if capture != nil {
				listed := line[0] == '-' || line[0] == '+' || strings.HasPrefix(line, "•")
				if captureLeft > 0 && (listed || captureLeft > 6) {
					s.fbuf = appendFold(s.fbuf[:0], line)
					if s.lexLine {
						s.lexAdd(s.fbuf)
					}
					entry := string(trimFoldSpace(s.fbuf))
					*capture += " " + entry
					// Entries of the list are the dash lines; a line without
					// a dash counts only as the addressee of a bare "Kính
					// gửi:" (the name on the next line). Other such lines
					// are wrapped text or the signer block of a two-column
					// layout, not recipients.
					firstKinh := captureList == &d.kinhList && len(d.kinhList) == 0
					if listed || firstKinh {
						if firstKinh {
							d.addrRaw = line
						}
						*captureList = append(*captureList, entry)
					}
					captureLeft--
					continue
				}
				capture = nil
			}
			// Tab layouts put the agency block and the motto on one line.
			for cellText := line; cellText != ""; {
				var cell string
				if k := strings.IndexByte(cellText, '\t'); k >= 0 {
					cell, cellText = strings.TrimSpace(cellText[:k]), cellText[k+1:]
				} else {
					cell, cellText = strings.TrimSpace(cellText), ""
				}
				if cell == "" {
					continue
				}
				if c := s.cell(d, seg.where, cell, lineNo, headNo); c != nil {
					capture, captureLeft = c, 8
					captureList = &d.noiList
					if c == &d.kinhText {
						captureList = &d.kinhList
					}
				}
			}
			if strings.HasSuffix(line, "./.") {
				d.endMark = true
			}
		}
		if lexBytes >= 0 {
			s.lex = append(s.lex, ' ')
		}
	}
	s.lexLine = false
	return d
}

// isForwardSeparator: the line that starts a forwarded or quoted message
// in a mail client's text: "---------- Forwarded message ---------",
// "-----Original Message-----", "From: …" at the head of a quoted block.
func isForwardSeparator(line string) bool {
	if line[0] != '-' && line[0] != '_' {
		return false // most lines: one byte looked at
	}
	if len(line) >= 10 && strings.Trim(line, "_") == "" {
		return true // Outlook's rule above a quoted message's header
	}
	if strings.HasPrefix(line, "---") || strings.HasPrefix(line, "___") {
		f := foldString(line)
		return strings.Contains(f, "forwarded message") || strings.Contains(f, "original message") ||
			strings.Contains(f, "chuyen tiep") || strings.Contains(f, "thu goc")
	}
	return false
}

// forwardHeaders are the header names mail clients print above a forwarded
// or quoted message (folded).
var forwardHeaders = []string{"from", "date", "sent", "subject", "to", "cc", "tu", "ngay", "gui", "da gui", "tieu de", "chu de", "den"}

func isForwardHeaderLine(line string) bool {
	name, _, ok := strings.Cut(line, ":")
	if !ok || len(name) > 16 {
		return false
	}
	f := foldString(name)
	for _, h := range forwardHeaders {
		if f == h {
			return true
		}
	}
	return false
}

// cell examines one line or table cell. It returns a capture target when
// the following dash lines continue it (Kính gửi, Nơi nhận).
// lineNo counts the unit's lines, headNo the segment's (see analyzeLex).
func (s *scanner) cell(d *docInfo, where, cell string, lineNo, headNo int) *string {
	r := s.r
	var letters int
	var upper bool
	s.fbuf, letters, upper = appendFoldCase(s.fbuf[:0], cell)
	if s.lexLine {
		s.lexAdd(s.fbuf)
	}
	// f is the folded cell. It stays a byte slice into the scanner's
	// buffer: a string per short line was the largest allocation of the
	// line scan. Comparisons and map look-ups with string(f) do not copy.
	f := trimFoldSpace(s.fbuf)
	if len(f) == 0 {
		return nil
	}
	if !d.motto {
		for _, m := range r.motto {
			if bytes.Contains(f, m) {
				d.motto = true
			}
		}
	}
	// Số ký hiệu.
	if !d.hasNumber && (f[0] == 's' || bytes.Contains(f, []byte("so "))) {
		if k, ok := findSoKyHieu(cell); ok {
			d.number, d.hasNumber, d.numWhere = k, true, where
			d.addNumber(r, k, where)
		}
	}
	if !d.hasNumber && !d.hasLoose && strings.IndexByte(cell, '/') >= 0 {
		if k, ok := findLooseNumber(cell); ok {
			d.loose, d.hasLoose = k, true
		}
	}
	// Stamps: short cells that are only the mark. In capitals anywhere (a
	// formal document's stamp may follow a long agency block); in the head
	// area of a text (a spreadsheet's title cell, the first lines of a
	// body laid out as a document) also as "Mật" / "Tối mật".
	if letters >= 3 && len(cell) <= 40 && (upper || (headNo <= headLines && startsUpper(cell))) {
		s.stamp(d, where, cell, upper, headNo)
		if upper && string(f) == "du thao" {
			d.draft = true
		}
	}
	// A title cell led by the stamp: "TỐI MẬT - BẢNG TỔNG HỢP …".
	if upper && len(cell) > 40 && headNo <= headLines {
		if k := strings.IndexAny(cell, "-–:|("); k > 0 && k <= 24 {
			s.stamp(d, where, cell[:k], true, headNo)
		}
	}
	// "Độ mật: Tối mật": the level written as a labelled field.
	if len(cell) <= 60 && (bytes.HasPrefix(f, []byte("do mat")) || bytes.HasPrefix(f, []byte("muc do mat"))) {
		s.labelledStamp(d, where, cell, headNo)
	}
	// Heading.
	if d.heading == "" && letters >= 4 {
		// A line longer than every heading is none: most lines are prose,
		// and hashing them whole for the lookup was a fifteenth of cell.
		typ, ok := "", false
		if len(f) <= r.headMaxLen {
			typ, ok = r.headings[string(f)]
		}
		if ok {
			d.setHeading(r, typ, upper, where, cell)
		} else if upper && bytes.Count(f, []byte{' '}) < 14 {
			// "LỊCH CÔNG TÁC TUẦN 22", "BÁO CÁO TÌNH HÌNH …": the heading
			// starts the capital line.
			// The longest heading wins: "CHƯƠNG TRÌNH HỘI NGHỊ" (an
			// agenda) over "CHƯƠNG TRÌNH" (a programme).
			sp, found := 0, ""
			for i := 0; i < len(f) && sp < r.headMaxW; i++ {
				if f[i] == ' ' {
					sp++
					if typ, ok := r.headings[string(f[:i])]; ok {
						found = typ
					}
				}
			}
			if found != "" {
				d.setHeading(r, found, upper, where, cell)
			}
		}
	}
	// V/v trích yếu.
	if !d.vv && (strings.HasPrefix(cell, "V/v") || strings.HasPrefix(cell, "V/V") || strings.HasPrefix(cell, "v/v") || bytes.HasPrefix(f, []byte("ve viec "))) {
		d.vv = true
	}
	// A giấy mời names its invitee after "(trân trọng) kính mời:"; its
	// Nơi nhận then starts "Như trên", which points back here.
	if d.moiText == "" && bytes.Contains(f, []byte("kinh moi")) {
		if i := strings.IndexByte(cell, ':'); i > 0 && strings.HasSuffix(foldString(cell[:i]), "kinh moi") {
			d.moiText = foldString(cell[i+1:])
			if len(d.kinhList) == 0 {
				d.addrRaw = strings.TrimSpace(cell[i+1:])
			}
		}
	}
	switch {
	case bytes.HasPrefix(f, []byte("kinh gui")):
		if i := strings.IndexByte(cell, ':'); i >= 0 && i < 16 {
			if !d.kinhGui {
				d.kinhGui = true
				d.kinhText = strings.TrimSpace(string(f[len("kinh gui"):]))
				if d.kinhText != "" {
					d.kinhList = append(d.kinhList, d.kinhText)
					d.addrRaw = strings.TrimSpace(cell[i+1:])
				}
				return &d.kinhText
			}
		}
	case bytes.HasPrefix(f, []byte("noi nhan")):
		if !d.noiNhan {
			d.noiNhan = true
			d.noiText = strings.TrimSpace(string(f[len("noi nhan"):]))
			// Text after "Nơi nhận:" on its own line is a recipient only
			// when listed ("Nơi nhận: - Như trên;"); otherwise it is the
			// signer column of a two-column layout ("KT. GIÁM ĐỐC").
			if _, rest, ok := strings.Cut(cell, ":"); ok && d.noiText != "" {
				if rest = strings.TrimSpace(rest); strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, "+") {
					d.noiList = append(d.noiList, d.noiText)
				}
			}
			return &d.noiText
		}
	case bytes.HasPrefix(f, []byte("luu vt")), bytes.HasPrefix(f, []byte("luu van thu")):
		d.luu = true
	}
	if upper && !d.signer {
		for _, p := range r.signers {
			if strings.HasPrefix(cell, p) {
				d.signer = true
				break
			}
		}
	}
	if lineNo <= 3 && d.opening == "" && !upper {
		for _, n := range r.names {
			if len(f) >= len(n.folded) && string(f[:len(n.folded)]) == n.folded && (len(f) == len(n.folded) || f[len(n.folded)] == ' ') {
				d.opening = n.typ
				break
			}
		}
	}
	if d.mailSecret == "" && headNo <= markLines {
		s.mailMark(d, f, cell)
	}
	return nil
}

func toneKeyCached(k *string, s string) string {
	if *k == "" {
		*k = toneKey(s)
	}
	return *k
}

func (d *docInfo) setHeading(r *rules, typ string, upper bool, where, cell string) {
	d.heading, d.headUpper = typ, upper
	w := r.w.HeadingPlain
	if upper {
		w = r.w.Heading
		if d.motto {
			w += r.w.MottoBonus
		}
	}
	d.add(typ, w, where, "heading "+clip(cell, 60))
}

// addNumber scores a số ký hiệu: a type abbreviation, or an issuer first
// (an official letter).
func (d *docInfo) addNumber(r *rules, k SoKyHieu, where string) {
	typ, isType := numberType(r, k)
	w := r.w.NumberType
	if !isType {
		w = r.w.NumberIssuer
	}
	d.add(typ, w, where, "số ký hiệu "+k.Text)
}

// numberType maps a số ký hiệu to a type: the first code segment is a type
// abbreviation (exact case first, then folded), else it is an issuer and
// the document is a công văn — unless the number carries a year
// ("100/2015/QH13", "30/2020/NĐ-CP"): that is the form of normative legal
// documents (laws, decrees), which are other documents, not letters.
func numberType(r *rules, k SoKyHieu) (string, bool) {
	code := k.Code()
	if t, ok := r.abbrev[code]; ok {
		return t, true
	}
	if t, ok := r.abbrevCI[strings.ToUpper(foldString(code))]; ok {
		return t, true
	}
	if k.Year != "" {
		return typeOther, false
	}
	return typeCongVan, false
}

// trimLine drops surrounding spaces and the quote marks of replies.
func trimLine(s string) string {
	// Most lines start with a printable ASCII character other than '>'
	// and end with one, maybe followed by the CR of a CRLF line end: only
	// the CR goes. The general path below decodes the ends of every
	// Vietnamese line (TrimSpace, TrimRight with a non-ASCII cut set).
	t := s
	if n := len(t); n > 0 && t[n-1] == '\r' {
		t = t[:n-1]
	}
	if n := len(t); n > 0 && t[n-1] > ' ' && t[n-1] < 0x7F && startsPlain(t) {
		return t
	}
	s = strings.TrimSpace(s)
	for len(s) > 0 && s[0] == '>' {
		s = strings.TrimSpace(s[1:])
	}
	s = strings.TrimPrefix(s, "\u00a0")
	return strings.TrimRight(s, " \t\r\u00a0")
}

// startsPlain: t (not empty) starts with a character trimLine keeps: a
// printable ASCII character other than '>', or a letter of the Latin and
// Vietnamese ranges (lead byte C3–DF: U+00C0–U+07FF, no white space there;
// lead byte E1: U+1000–U+1FFF but for E1 9A, where U+1680 is a space),
// which is how Vietnamese lines usually start (Đ, Ô, Ấ …).
func startsPlain(t string) bool {
	switch c := t[0]; {
	case c > ' ' && c < 0x7F:
		return c != '>'
	case c >= 0xC3 && c <= 0xDF:
		return true
	case c == 0xE1:
		return len(t) > 1 && t[1] != 0x9A
	}
	return false
}

func trimFoldSpace(b []byte) []byte {
	for len(b) > 0 && b[0] == ' ' {
		b = b[1:]
	}
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return b
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for k := range s {
		if i == n {
			return s[:k] + "…"
		}
		i++
	}
	return s
}
