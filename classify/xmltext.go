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
	var out []byte
	if maxChars <= 0 {
		return ""
	}
	out = make([]byte, 0, min(len(b)/4+64, maxChars+64))
	inText := 0 // depth of text elements
	inBody := false
	skip := 0 // depth inside skipped subtrees
	font := fontUnicode
	runStart := -1 // start of the current legacy-font text in out
	endRun := func() {
		if runStart >= 0 && font != fontUnicode {
			seg := string(out[runStart:])
			if isLatin1(seg) {
				out = append(out[:runStart], decodeLegacy(seg, font)...)
			}
		}
		runStart = -1
	}
	i := 0
	for i < len(b) && len(out) < maxChars {
		if b[i] != '<' {
			j := bytes.IndexByte(b[i:], '<')
			if j < 0 {
				j = len(b) - i
			}
			if skip == 0 && (inText > 0 || (prof.captureAll && inBody)) {
				if runStart < 0 && font != fontUnicode {
					runStart = len(out)
				}
				out = appendXMLText(out, b[i:i+j])
			}
			i += j
			continue
		}
		// Comments, processing instructions, CDATA, doctype.
		if i+1 < len(b) && (b[i+1] == '!' || b[i+1] == '?') {
			if bytes.HasPrefix(b[i:], []byte("<![CDATA[")) {
				end := bytes.Index(b[i+9:], []byte("]]>"))
				if end < 0 {
					break
				}
				if skip == 0 && (inText > 0 || (prof.captureAll && inBody)) {
					out = append(out, b[i+9:i+9+end]...)
				}
				i += 9 + end + 3
				continue
			}
			if bytes.HasPrefix(b[i:], []byte("<!--")) {
				end := bytes.Index(b[i+4:], []byte("-->"))
				if end < 0 {
					break
				}
				i += 4 + end + 3
				continue
			}
			end := bytes.IndexByte(b[i:], '>')
			if end < 0 {
				break
			}
			i += end + 1
			continue
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
			break
		}
		selfClose := te > ne && b[te-1] == '/'
		name := b[ns:ne]
		if k := bytes.IndexByte(name, ':'); k >= 0 {
			name = name[k+1:]
		}
		attrs := b[ne:te]
		i = te + 1
		kind := prof.tags[string(name)]
		if skip > 0 {
			if kind == tagSkip {
				if closing {
					skip--
				} else if !selfClose {
					skip++
				}
			}
			continue
		}
		switch kind {
		case tagText:
			if closing {
				if inText > 0 {
					inText--
				}
			} else if !selfClose {
				inText++
			}
		case tagPara:
			if closing || selfClose {
				endRun()
				out = append(out, '\n')
			}
		case tagCell:
			if closing || selfClose {
				endRun()
				out = append(out, '\t')
			}
		case tagTab:
			if !closing {
				endRun()
				out = append(out, '\t')
			}
		case tagBreak:
			if !closing {
				endRun()
				out = append(out, '\n')
			}
		case tagRun:
			endRun()
			font = fontUnicode
		case tagFonts:
			if !closing {
				f := attrValue(attrs, "ascii")
				if f == "" {
					f = attrValue(attrs, "hAnsi")
				}
				font = classifyFont(f)
			}
		case tagSpace:
			if !closing {
				n, _ := strconv.Atoi(attrValue(attrs, "c"))
				n = max(1, min(n, 16))
				for ; n > 0; n-- {
					out = append(out, ' ')
				}
			}
		case tagBody:
			inBody = !closing && !selfClose
		case tagSkip:
			if !closing && !selfClose {
				skip++
			}
		}
	}
	endRun()
	if len(out) > maxChars {
		// Cut on a rune boundary.
		k := maxChars
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
