package classify

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Office XML is walked by a hand scanner rather than encoding/xml: a
// 10 MB docx must extract in well under 100 ms and encoding/xml allocates
// per token. Only what text extraction needs is understood: element names
// (local part), a few attributes, character data, CDATA and entities.
// Custom entities (the XML-bomb vector) are never expanded.

type tagKind uint8

const (
	tagNone  tagKind = iota
	tagText          // character data inside is document text
	tagPara          // end → line break
	tagCell          // end → tab
	tagTab           // empty element → tab
	tagBreak         // empty element → line break
	tagRun           // start of a run: font resets (docx)
	tagFonts         // run fonts (docx w:rFonts)
	tagSpace         // ODF text:s, c="N" spaces
	tagBody          // ODF office:body: text anywhere inside is kept
	tagSkip          // subtree ignored (ODF annotations, docx field codes)
)

type xmlProfile struct {
	tags       map[string]tagKind
	captureAll bool // ODF: all character data inside the body is text
}

var (
	docxProfile = &xmlProfile{tags: map[string]tagKind{
		"t": tagText, "p": tagPara, "tr": tagPara, "tc": tagCell, "tab": tagTab,
		"br": tagBreak, "cr": tagBreak, "r": tagRun, "rFonts": tagFonts,
	}}
	xlsxProfile = &xmlProfile{tags: map[string]tagKind{
		"t": tagText, "si": tagPara, "row": tagPara, "c": tagCell,
	}}
	pptxProfile = &xmlProfile{tags: map[string]tagKind{
		"t": tagText, "p": tagPara, "br": tagBreak,
	}}
	odfProfile = &xmlProfile{captureAll: true, tags: map[string]tagKind{
		"body": tagBody, "p": tagPara, "h": tagPara, "table-row": tagPara, "table-cell": tagCell,
		"tab": tagTab, "line-break": tagBreak, "s": tagSpace, "annotation": tagSkip,
		"note-citation": tagSkip, "tracked-changes": tagSkip,
	}}
)

// xmlText extracts the text of an office XML part. maxChars bounds the
// output (in bytes, a safe over-estimate of characters) so a huge sheet
// does not build a huge string only to be cut.
func xmlText(b []byte, prof *xmlProfile, maxChars int) string {
	x := newXMLScanner(prof, maxChars, len(b)/4+64)
	x.feed(b, true)
	return x.result()
}

// xmlScanner extracts text from office XML fed in pieces, so a member is
// decompressed only as far as the text budget needs (a 10 MB docx holds
// far more text than one message may keep) and never whole in memory.
type xmlScanner struct {
	prof     *xmlProfile
	maxChars int
	out      []byte
	inText   int  // depth of text elements
	inBody   bool // ODF: inside office:body
	skip     int  // depth inside skipped subtrees
	font     legacyFont
	runStart int // start of the current legacy-font text in out, or -1
	stopped  bool
}

func newXMLScanner(prof *xmlProfile, maxChars, sizeHint int) *xmlScanner {
	x := &xmlScanner{prof: prof, maxChars: maxChars, font: fontUnicode, runStart: -1}
	if maxChars > 0 {
		x.out = make([]byte, 0, max(64, min(sizeHint, maxChars+64)))
	}
	return x
}

// full reports whether no more text is wanted: the budget is spent or the
// XML ended in a way that stops the scan (an unterminated construct).
func (x *xmlScanner) full() bool { return x.stopped || len(x.out) >= x.maxChars }

func (x *xmlScanner) endRun() {
	if x.runStart >= 0 && x.font != fontUnicode {
		seg := string(x.out[x.runStart:])
		if isLatin1(seg) {
			x.out = append(x.out[:x.runStart], decodeLegacy(seg, x.font)...)
		}
	}
	x.runStart = -1
}

// feed scans b and returns how many bytes it consumed. Unless final, a
// construct cut by the end of b (character data not yet followed by '<',
// an unterminated tag, comment or CDATA section) is left unconsumed for
// the caller to present again with more data; with final set the rest is
// treated as the end of the document.
func (x *xmlScanner) feed(b []byte, final bool) int {
	prof := x.prof
	i := 0
	for i < len(b) && !x.full() {
		if b[i] != '<' {
			j := bytes.IndexByte(b[i:], '<')
			if j < 0 {
				if !final {
					return i
				}
				j = len(b) - i
			}
			if x.skip == 0 && (x.inText > 0 || (prof.captureAll && x.inBody)) {
				if x.runStart < 0 && x.font != fontUnicode {
					x.runStart = len(x.out)
				}
				x.out = appendXMLText(x.out, b[i:i+j])
			}
			i += j
			continue
		}
		// Comments, processing instructions, CDATA, doctype.
		if i+1 < len(b) && (b[i+1] == '!' || b[i+1] == '?') {
			if !final && len(b)-i < len("<![CDATA[") {
				return i
			}
			if bytes.HasPrefix(b[i:], []byte("<![CDATA[")) {
				end := bytes.Index(b[i+9:], []byte("]]>"))
				if end < 0 {
					return x.cut(i, final)
				}
				if x.skip == 0 && (x.inText > 0 || (prof.captureAll && x.inBody)) {
					x.out = append(x.out, b[i+9:i+9+end]...)
				}
				i += 9 + end + 3
				continue
			}
			if bytes.HasPrefix(b[i:], []byte("<!--")) {
				end := bytes.Index(b[i+4:], []byte("-->"))
				if end < 0 {
					return x.cut(i, final)
				}
				i += 4 + end + 3
				continue
			}
			end := bytes.IndexByte(b[i:], '>')
			if end < 0 {
				return x.cut(i, final)
			}
			i += end + 1
			continue
		}
		if i+1 >= len(b) && !final {
			return i
		}
		closing := i+1 < len(b) && b[i+1] == '/'
		ns := i + 1
		if closing {
			ns++
		}
		ne := ns
		for ne < len(b) && !isXMLSpace(b[ne]) && b[ne] != '>' && b[ne] != '/' {
			ne++
		}
		// Find the tag end, honouring quoted attribute values.
		te := ne
		var q byte
		for te < len(b) {
			c := b[te]
			if q != 0 {
				if c == q {
					q = 0
				}
			} else if c == '"' || c == '\'' {
				q = c
			} else if c == '>' {
				break
			}
			te++
		}
		if te >= len(b) {
			return x.cut(i, final)
		}
		selfClose := te > ne && b[te-1] == '/'
		name := b[ns:ne]
		if k := bytes.IndexByte(name, ':'); k >= 0 {
			name = name[k+1:]
		}
		attrs := b[ne:te]
		i = te + 1
		kind := prof.tags[string(name)]
		if x.skip > 0 {
			if kind == tagSkip {
				if closing {
					x.skip--
				} else if !selfClose {
					x.skip++
				}
			}
			continue
		}
		switch kind {
		case tagText:
			if closing {
				if x.inText > 0 {
					x.inText--
				}
			} else if !selfClose {
				x.inText++
			}
		case tagPara:
			if closing || selfClose {
				x.endRun()
				x.out = append(x.out, '\n')
			}
		case tagCell:
			if closing || selfClose {
				x.endRun()
				x.out = append(x.out, '\t')
			}
		case tagTab:
			if !closing {
				x.endRun()
				x.out = append(x.out, '\t')
			}
		case tagBreak:
			if !closing {
				x.endRun()
				x.out = append(x.out, '\n')
			}
		case tagRun:
			x.endRun()
			x.font = fontUnicode
		case tagFonts:
			if !closing {
				f := attrValue(attrs, "ascii")
				if f == "" {
					f = attrValue(attrs, "hAnsi")
				}
				x.font = classifyFont(f)
			}
		case tagSpace:
			if !closing {
				n, _ := strconv.Atoi(attrValue(attrs, "c"))
				n = max(1, min(n, 16))
				for ; n > 0; n-- {
					x.out = append(x.out, ' ')
				}
			}
		case tagBody:
			x.inBody = !closing && !selfClose
		case tagSkip:
			if !closing && !selfClose {
				x.skip++
			}
		}
	}
	if final {
		return len(b)
	}
	return i
}

// cut handles a construct that does not end within b: wait for more data,
// or at the end of the document stop scanning, as a truncated file ends.
func (x *xmlScanner) cut(i int, final bool) int {
	if !final {
		return i
	}
	x.stopped = true
	return i
}

// result closes the last run and returns the text, cut to the budget on a
// rune boundary.
func (x *xmlScanner) result() string {
	if x.maxChars <= 0 {
		return ""
	}
	x.endRun()
	out := x.out
	if len(out) > x.maxChars {
		k := x.maxChars
		for k > 0 && !utf8.RuneStart(out[k]) {
			k--
		}
		out = out[:k]
	}
	return string(out)
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// attrValue finds attribute local name n (any prefix) in raw attribute
// bytes. Only used for short run-property tags.
func attrValue(attrs []byte, n string) string {
	s := string(attrs)
	for {
		k := strings.Index(s, n+"=")
		if k < 0 {
			return ""
		}
		if k == 0 || s[k-1] == ':' || isXMLSpace(s[k-1]) {
			v := s[k+len(n)+1:]
			if len(v) > 0 && (v[0] == '"' || v[0] == '\'') {
				if e := strings.IndexByte(v[1:], v[0]); e >= 0 {
					return v[1 : 1+e]
				}
			}
			return ""
		}
		s = s[k+len(n)+1:]
	}
}

// appendXMLText appends character data with the predefined and numeric
// entities decoded.
func appendXMLText(out, t []byte) []byte {
	for len(t) > 0 {
		k := bytes.IndexByte(t, '&')
		if k < 0 {
			return append(out, t...)
		}
		out = append(out, t[:k]...)
		t = t[k:]
		semi := bytes.IndexByte(t, ';')
		if semi < 0 || semi > 12 {
			out = append(out, '&')
			t = t[1:]
			continue
		}
		ent := t[1:semi]
		t = t[semi+1:]
		switch string(ent) {
		case "lt":
			out = append(out, '<')
		case "gt":
			out = append(out, '>')
		case "amp":
			out = append(out, '&')
		case "quot":
			out = append(out, '"')
		case "apos":
			out = append(out, '\'')
		default:
			if len(ent) > 1 && ent[0] == '#' {
				var v uint64
				var err error
				if ent[1] == 'x' || ent[1] == 'X' {
					v, err = strconv.ParseUint(string(ent[2:]), 16, 32)
				} else {
					v, err = strconv.ParseUint(string(ent[1:]), 10, 32)
				}
				if err == nil && v <= utf8.MaxRune {
					out = utf8.AppendRune(out, rune(v))
				}
			}
		}
	}
	return out
}
