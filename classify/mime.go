package classify

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message/textproto"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"
)

// segment is a piece of text with where it was read.
type segment struct {
	where string
	text  string
	tail  bool // the last segTail bytes of a long text: no head area
}

// unit is one document candidate: the mail body (with forwarded and
// quoted mail) or one top-level attachment with everything inside it.
type unit struct {
	where      string // "body" or "attachment NAME"
	name       string // attachment file name, NFC
	att        int    // index in Verdict.Attachments, -1 for the body
	segs       []segment
	chars      int
	images     int  // image parts (no text)
	scanned    bool // a PDF without a text layer
	slides     bool // a slide deck: pptx, odp, a PDF of landscape pages
	unreadable bool // encrypted, unknown archive, unsupported binary
	subjects   []string
}

// A document's evidence sits at its two ends: the agency block, số ký
// hiệu, secrecy and urgency stamps, heading, V/v and Kính gửi at the top;
// the closing mark, signer and Nơi nhận at the bottom. Long segments are
// therefore read as their first segHead and last segTail bytes (cut at
// line breaks), which keeps the cost of a 50 KB mail or a 300-page annex
// bounded without losing any of that evidence.
const (
	segHead = 24 << 10
	segTail = 8 << 10
)

func (u *unit) add(where, text string) {
	if text == "" {
		return
	}
	u.addCounted(where, text, runeCount(text))
}

// addCounted is add for a text whose rune count the caller knows.
func (u *unit) addCounted(where, text string, runes int) {
	if text == "" {
		return
	}
	u.chars += runes
	if len(text) <= segHead+segTail {
		u.segs = append(u.segs, segment{where: where, text: text})
		return
	}
	head := text[:segHead]
	if i := strings.LastIndexByte(head, '\n'); i > 0 {
		head = head[:i+1]
	}
	tail := text[len(text)-segTail:]
	if i := strings.IndexByte(tail, '\n'); i >= 0 {
		tail = tail[i+1:]
	}
	u.segs = append(u.segs, segment{where: where, text: head}, segment{where: where, text: tail, tail: true})
}

// walker holds the state of reading one message. It is created per call
// and never shared, so the Classifier needs no locking.
type walker struct {
	c        *Classifier
	lim      Limits
	ctx      context.Context
	deadline time.Time
	bytes    int64
	parts    int
	chars    int
	stopped  error // a message-wide limit was hit: stop reading
	errs     []string
	body     *unit
	units    []*unit
	atts     []Attachment
	header   textproto.Header
	auto     bool // auto-generated mail (Auto-Submitted, auto-reply headers)
	smime    bool
	calendar bool // an iCalendar meeting request (METHOD:REQUEST)
	ticks    int
	scratch  []byte // reused body buffer, see readBody

	// bodyUnit is body's storage: the walker is allocated once per
	// message anyway, a separate unit was one more allocation.
	bodyUnit unit
}

func (w *walker) addErr(e string) {
	for _, x := range w.errs {
		if x == e {
			return
		}
	}
	w.errs = append(w.errs, e)
}

// limit records a limit error; fatal ones stop the whole walk.
func (w *walker) limit(err error, fatal bool) {
	w.addErr(err.Error())
	if fatal && w.stopped == nil {
		w.stopped = err
	}
}

// alive reports whether the walk may go on; it checks the time budget and
// the context at most every few calls, since time.Now is not free.
func (w *walker) alive() bool {
	if w.stopped != nil {
		return false
	}
	w.ticks++
	if w.ticks&7 != 0 {
		return true
	}
	return w.checkTime()
}

func (w *walker) checkTime() bool {
	if w.stopped != nil {
		return false
	}
	if err := w.ctx.Err(); err != nil {
		w.limit(ErrLimitTime, true)
		return false
	}
	if time.Now().After(w.deadline) {
		w.limit(ErrLimitTime, true)
		return false
	}
	return true
}

// takeBytes accounts n decoded bytes; false when over budget.
func (w *walker) takeBytes(n int64) bool {
	w.bytes += n
	if w.bytes > w.lim.MaxBytes {
		w.limit(ErrLimitBytes, true)
		return false
	}
	return true
}

// takePart accounts one more part or archive member.
func (w *walker) takePart() bool {
	w.parts++
	if w.parts > w.lim.MaxParts {
		w.limit(ErrLimitParts, true)
		return false
	}
	return true
}

// keepText trims text to the remaining character budget.
func (w *walker) keepText(s string) string {
	left := w.lim.MaxChars - w.chars
	if left <= 0 {
		if s != "" {
			w.limit(ErrLimitChars, false)
		}
		return ""
	}
	if len(s) > left { // bytes ≥ runes: only count when it may matter
		n := 0
		for i := range s {
			if n == left {
				w.limit(ErrLimitChars, false)
				s = s[:i]
				break
			}
			n++
		}
	}
	w.chars += len(s)
	return s
}

// readBody reads a part body within the byte budget. With scratch set the
// body is read into the walker's scratch buffer, reused from part to part:
// only for bodies the caller is done with before the next part is read
// (text parts, which become strings, and parts read only to skip them).
func (w *walker) readBody(r io.Reader, scratch bool) []byte {
	left := w.lim.MaxBytes - w.bytes
	if left < 0 {
		left = 0
	}
	buf := new(bytes.Buffer)
	if scratch {
		buf = bytes.NewBuffer(w.scratch[:0])
	}
	n, err := buf.ReadFrom(io.LimitReader(r, left+1))
	if scratch {
		w.scratch = buf.Bytes()[:0] // keep the grown buffer for the next part
	}
	if err != nil && !errors.Is(err, io.EOF) {
		w.addErr("mime:" + shortErr(err))
	}
	if !w.takeBytes(n) {
		b := buf.Bytes()
		if int64(len(b)) > left {
			b = b[:left]
		}
		return b
	}
	return buf.Bytes()
}

func shortErr(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "multipart: ")
	s = strings.TrimPrefix(s, "message: ")
	if len(s) > 80 {
		s = s[:80]
	}
	return s
}

// walkMessage reads a message (top level or nested) into u.
func (w *walker) walkMessage(r io.Reader, depth int, u *unit, top bool) {
	if depth > w.lim.MaxDepth {
		w.limit(ErrLimitDepth, false)
		return
	}
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = w.c.getReader(r)
		// The entity is read to its end inside this call (the verdict
		// keeps copies only), so the reader can serve the next message.
		defer w.c.putReader(br)
	}
	h, err := textproto.ReadHeader(br)
	if err != nil {
		// A broken header line ends the header: read the rest as body,
		// as lenient MTAs do.
		w.addErr("mime:header: " + shortErr(err))
	}
	if top {
		w.header = h
		if v := h.Get("Auto-Submitted"); v != "" && !strings.EqualFold(v, "no") {
			w.auto = true
		}
		if h.Has("X-Autoreply") || h.Has("X-Autorespond") || strings.EqualFold(h.Get("Precedence"), "auto_reply") {
			w.auto = true
		}
	} else if s := h.Get("Subject"); s != "" {
		u.subjects = append(u.subjects, decodeHeaderText(s))
	}
	w.walkPart(h, br, depth, u, u != w.body, false)
}

// walkPart reads one entity. inAtt is true inside a top-level attachment
// (its contents belong to that attachment's unit); related is true inside
// multipart/related, where cid: images are not listed as attachments.
func (w *walker) walkPart(h textproto.Header, r io.Reader, depth int, u *unit, inAtt, related bool) {
	if !w.alive() {
		return
	}
	if depth > w.lim.MaxDepth {
		w.limit(ErrLimitDepth, false)
		return
	}
	mt, params := parseMediaType(h.Get("Content-Type"))
	if strings.HasPrefix(mt, "multipart/") {
		b := params["boundary"]
		if b == "" {
			w.addErr("mime:multipart without boundary")
			mt = "text/plain"
		} else {
			w.walkMultipart(mt, b, r, depth, u, inAtt, related)
			return
		}
	}
	disp, dparams := parseMediaType(h.Get("Content-Disposition"))
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	name = cleanFileName(name)
	isText := mt == "text/plain" || mt == "text/html" || mt == ""
	attach := disp == "attachment" || (name != "" && !isText) || (!isText && mt != "message/rfc822")
	if disp == "attachment" && isText && name == "" {
		attach = false // text parts some clients mark as attachment without a name
	}

	if mt == "message/rfc822" || mt == "message/global" {
		if !attach && name == "" {
			// A forward inline: its text is part of this unit.
			w.walkMessage(w.decodedReader(h, r), depth+1, u, false)
			return
		}
		if name == "" {
			name = "message.eml"
		}
		target := u
		if !inAtt {
			target = w.newAttachment(name, mt)
		}
		data := w.decode(h, r)
		w.attBytes(target, int64(len(data)))
		w.walkMessage(bytes.NewReader(data), depth+1, target, false)
		return
	}

	if mt == "text/calendar" && name == "" && disp != "attachment" {
		// A meeting request sent inline (Outlook, Google Calendar): the
		// event is the mail's content.
		w.calendarText(u, w.decode(h, r), u.where)
		return
	}

	if isText && !attach {
		data := w.decodeScratch(h, r)
		text, runes := w.textOf(mt, params["charset"], data) // copies: data is scratch
		if text != "" {
			kept := w.keepText(text)
			if len(kept) != len(text) || runes < 0 {
				runes = runeCount(kept)
			}
			u.addCounted(u.where, kept, runes)
		}
		return
	}

	// A cid: image in multipart/related is part of the HTML, not a file.
	if related && strings.HasPrefix(mt, "image/") && h.Get("Content-Id") != "" && disp != "attachment" {
		w.decodeScratch(h, r)
		return
	}
	if name == "" {
		name = "noname" + extForType(mt)
	}
	target := u
	if !inAtt {
		target = w.newAttachment(name, mt)
	}
	data := w.decode(h, r)
	w.attBytes(target, int64(len(data)))
	if mt == "application/pkcs7-mime" || mt == "application/x-pkcs7-mime" || mt == "application/pgp-encrypted" {
		w.smime = true
		target.unreadable = true
		return
	}
	w.extract(target, name, mt, data, depth+1, target.where)
}

func (w *walker) attBytes(u *unit, n int64) {
	if u.att >= 0 && u.att < len(w.atts) && w.atts[u.att].Bytes == 0 {
		w.atts[u.att].Bytes = n
	}
}

func (w *walker) newAttachment(name, mt string) *unit {
	u := &unit{where: "attachment " + name, name: name, att: len(w.atts)}
	w.atts = append(w.atts, Attachment{Name: name, ContentType: mt})
	w.units = append(w.units, u)
	return u
}

func (w *walker) walkMultipart(mt, boundary string, r io.Reader, depth int, u *unit, inAtt, related bool) {
	mr := textproto.NewMultipartReader(r, boundary)
	alt := mt == "multipart/alternative"
	rel := related || mt == "multipart/related"
	gotText := false
	for w.alive() {
		p, err := mr.NextPart()
		if err == io.EOF {
			return
		}
		if err != nil {
			// Missing closing boundary and the like: keep what we have.
			w.addErr("mime:" + shortErr(err))
			return
		}
		if !w.takePart() {
			return
		}
		ct := p.Header.Get("Content-Type")
		if alt && gotText && !isCalendarType(ct) {
			// The HTML twin of a text part says the same thing; a
			// meeting request beside them says more.
			continue
		}
		cmt, _ := parseMediaType(ct)
		w.walkPart(p.Header, p, depth+1, u, inAtt, rel)
		if alt && cmt == "text/plain" && len(u.segs) > 0 {
			gotText = true
		}
	}
}

// isCalendarType: a Content-Type value of text/calendar, told without
// parsing the parameters.
func isCalendarType(ct string) bool {
	ct = strings.TrimSpace(ct)
	return len(ct) >= len("text/calendar") && strings.EqualFold(ct[:len("text/calendar")], "text/calendar")
}

// decodedReader returns the part body with its transfer encoding undone.
func (w *walker) decodedReader(h textproto.Header, r io.Reader) io.Reader {
	enc := strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding")))
	if enc == "base64" || enc == "quoted-printable" {
		return bytes.NewReader(w.decode(h, r))
	}
	return r
}

// decode reads the whole body and undoes the transfer encoding, leniently.
func (w *walker) decode(h textproto.Header, r io.Reader) []byte {
	return w.decodeBody(h, r, false)
}

// decodeScratch is decode into the scratch buffer: the result is valid
// only until the next part is read.
func (w *walker) decodeScratch(h textproto.Header, r io.Reader) []byte {
	return w.decodeBody(h, r, true)
}

func (w *walker) decodeBody(h textproto.Header, r io.Reader, scratch bool) []byte {
	raw := w.readBody(r, scratch)
	enc := strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding")))
	switch enc {
	case "base64":
		out, bad := decodeBase64(raw)
		if bad {
			w.addErr("mime:bad base64")
		}
		return out
	case "quoted-printable":
		return decodeQP(raw)
	}
	return raw
}

// textOf decodes a text part to UTF-8 (visible text for HTML), NFC. It
// also returns the text's rune count when the charset check counted it on
// the way (plain UTF-8 text already in NFC), else -1.
func (w *walker) textOf(mt, cs string, data []byte) (string, int) {
	s, st, err := decodeCharsetStats(cs, data)
	if err != nil {
		w.addErr("mime:" + err.Error())
	}
	if mt == "text/html" || (mt == "" && looksHTML(s)) {
		return nfc(htmlText(s)), -1
	}
	if !st.valid {
		return nfc(s), -1
	}
	if st.combining {
		return norm.NFC.String(s), -1
	}
	return s, st.runes
}

// decodeCharset turns body bytes into UTF-8. Mislabelled UTF-8 (a label of
// iso-8859-1 or us-ascii on UTF-8 bytes) is common and read as UTF-8;
// unlabelled 8-bit text that is not UTF-8 is taken as windows-1258, the
// Vietnamese Windows code page.
func decodeCharset(cs string, b []byte) (string, error) {
	s, _, err := decodeCharsetStats(cs, b)
	return s, err
}

// decodeCharsetStats is decodeCharset that also returns the textStats of
// b when it took b as UTF-8 as is (the text is then string(b)); otherwise
// the stats are zero (not valid: nothing known). Checking the bytes with
// scanUTF8 instead of utf8.Valid gives the rune count and the NFC check
// for free.
func decodeCharsetStats(cs string, b []byte) (string, textStats, error) {
	var none textStats
	cs = strings.ToLower(strings.Trim(cs, `" `))
	switch cs {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		if st := scanUTF8(b); st.valid {
			return string(b), st, nil
		}
		if cs == "utf-8" || cs == "utf8" {
			return string(bytes.ToValidUTF8(b, []byte("\uFFFD"))), none, nil
		}
		cs = "windows-1258"
	case "iso-8859-1", "latin1", "windows-1252", "iso-8859-15":
		if hasHighBytes(b) {
			if st := scanUTF8(b); st.valid {
				return string(b), st, nil
			}
		}
	}
	enc := lookupCharset(cs)
	if enc == nil {
		if st := scanUTF8(b); st.valid {
			return string(b), st, nil
		}
		return string(bytes.ToValidUTF8(b, []byte("\uFFFD"))), none, fmt.Errorf("unknown charset %q", cs)
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return string(bytes.ToValidUTF8(b, []byte("\uFFFD"))), none, fmt.Errorf("charset %q: %w", cs, err)
	}
	return string(out), none, nil
}

func lookupCharset(cs string) encoding.Encoding {
	if e, err := ianaindex.MIME.Encoding(cs); err == nil && e != nil {
		return e
	}
	if e, err := htmlindex.Get(cs); err == nil && e != nil {
		return e
	}
	if strings.HasPrefix(cs, "utf-16") {
		return unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	}
	return nil
}

func hasHighBytes(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

func looksHTML(s string) bool {
	t := strings.TrimSpace(s)
	if len(t) > 200 {
		t = t[:200]
	}
	t = strings.ToLower(t)
	return strings.HasPrefix(t, "<!doctype html") || strings.HasPrefix(t, "<html")
}

// parseMediaType is mime.ParseMediaType that never fails: on a syntax
// error it keeps the media type before ';' and whatever parameters parse.
func parseMediaType(v string) (string, map[string]string) {
	if v == "" {
		return "", nil
	}
	mt, params, err := mime.ParseMediaType(v)
	if err == nil {
		return mt, params
	}
	if i := strings.IndexByte(v, ';'); i >= 0 {
		mt = v[:i]
	} else {
		mt = v
	}
	mt = strings.ToLower(strings.TrimSpace(mt))
	params = map[string]string{}
	for _, kv := range strings.Split(v, ";")[1:] {
		k, val, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		params[strings.ToLower(strings.TrimSpace(k))] = strings.Trim(strings.TrimSpace(val), `"`)
	}
	return mt, params
}

// wordDecoder decodes RFC 2047 words in any charset x/text knows.
var wordDecoder = &mime.WordDecoder{CharsetReader: func(cs string, r io.Reader) (io.Reader, error) {
	e := lookupCharset(strings.ToLower(cs))
	if e == nil {
		return nil, fmt.Errorf("unknown charset %q", cs)
	}
	return e.NewDecoder().Reader(r), nil
}}

// decodeHeaderText decodes RFC 2047 words; undecodable words stay as they
// are. Raw 8-bit header bytes are taken as UTF-8 or windows-1258.
func decodeHeaderText(s string) string {
	if strings.Contains(s, "=?") {
		if d, err := wordDecoder.DecodeHeader(s); err == nil {
			s = d
		}
	}
	if !utf8.ValidString(s) {
		s, _ = decodeCharset("", []byte(s))
	}
	return nfc(s)
}

// cleanFileName decodes RFC 2047 inside a quoted filename (Outlook does
// that), keeps the base name and normalises to NFC (Apple mail sends NFD).
func cleanFileName(s string) string {
	if s == "" {
		return ""
	}
	s = decodeHeaderText(s)
	s = strings.ReplaceAll(s, "\\", "/")
	s = path.Base(s)
	if s == "." || s == "/" {
		return ""
	}
	return strings.TrimSpace(s)
}

func extForType(mt string) string {
	switch mt {
	case "application/pdf":
		return ".pdf"
	case "image/png":
		return ".png"
	case "image/jpeg":
		return ".jpg"
	}
	return ""
}
