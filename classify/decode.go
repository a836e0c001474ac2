package classify

import (
	"html"
	"strings"
)

// b64 maps base64 alphabet bytes (standard and URL-safe) to their values;
// 0xFF marks bytes to skip.
var b64 = func() [256]byte {
	var t [256]byte
	for i := range t {
		t[i] = 0xFF
	}
	const std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(std); i++ {
		t[std[i]] = byte(i)
	}
	t['-'] = 62
	t['_'] = 63
	return t
}()

// decodeBase64 decodes leniently: it skips line breaks and junk, stops at
// padding, and reports whether anything was wrong. Mail in the wild has
// broken base64 and the text that can be read still counts.
//
// It decodes in place: src is overwritten and the result shares its
// memory. Every 4 input bytes give at most 3 output bytes, so the write
// position never passes the read position; a 10 MB attachment then needs
// no second buffer.
func decodeBase64(src []byte) (out []byte, bad bool) {
	out = src[:0]
	var acc uint32
	n := 0
	for i := 0; i < len(src); i++ {
		// Fast path: a whole quantum of alphabet bytes, the bulk of any
		// base64 body between its line breaks.
		if n == 0 && i+4 <= len(src) {
			a, b, c, d := b64[src[i]], b64[src[i+1]], b64[src[i+2]], b64[src[i+3]]
			if a|b|c|d < 64 {
				q := uint32(a)<<18 | uint32(b)<<12 | uint32(c)<<6 | uint32(d)
				out = append(out, byte(q>>16), byte(q>>8), byte(q))
				i += 3
				continue
			}
		}
		c := src[i]
		v := b64[c]
		if v == 0xFF {
			switch c {
			case '\r', '\n', ' ', '\t':
			case '=':
				// Padding ends a quantum; anything after is a new run
				// (concatenated base64 happens) so just flush.
				n, acc = flush64(&out, acc, n)
			default:
				bad = true
			}
			continue
		}
		acc = acc<<6 | uint32(v)
		n++
		if n == 4 {
			out = append(out, byte(acc>>16), byte(acc>>8), byte(acc))
			acc, n = 0, 0
		}
	}
	if n == 1 {
		bad = true
	}
	flush64(&out, acc, n)
	return out, bad
}

func flush64(out *[]byte, acc uint32, n int) (int, uint32) {
	switch n {
	case 2:
		*out = append(*out, byte(acc>>4))
	case 3:
		*out = append(*out, byte(acc>>10), byte(acc>>2))
	}
	return 0, 0
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

// decodeQP decodes quoted-printable in place (the output is never longer),
// keeping malformed escapes literally as RFC 2045 6.7 suggests.
func decodeQP(b []byte) []byte {
	out := b[:0]
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '=' {
			out = append(out, c)
			continue
		}
		// Soft line break: "=" then optional spaces then CRLF or LF.
		j := i + 1
		for j < len(b) && (b[j] == ' ' || b[j] == '\t') {
			j++
		}
		if j < len(b) && (b[j] == '\r' || b[j] == '\n') {
			if b[j] == '\r' && j+1 < len(b) && b[j+1] == '\n' {
				j++
			}
			i = j
			continue
		}
		if j >= len(b) {
			i = j
			continue
		}
		if i+2 < len(b) {
			h, ok1 := unhex(b[i+1])
			l, ok2 := unhex(b[i+2])
			if ok1 && ok2 {
				out = append(out, h<<4|l)
				i += 2
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// htmlText returns the visible text of an HTML document: no tags, no
// script/style/head/comments, block elements as line breaks, table cells
// as tabs, entities decoded. A hand scan: HTML mail is the common case and
// a full parser costs far more than the classifier's budget.
func htmlText(s string) string {
	var b strings.Builder
	b.Grow(len(s) / 2)
	i := 0
	for i < len(s) {
		lt := strings.IndexByte(s[i:], '<')
		if lt < 0 {
			writeHTMLText(&b, s[i:])
			break
		}
		writeHTMLText(&b, s[i:i+lt])
		i += lt
		if strings.HasPrefix(s[i:], "<!--") {
			end := strings.Index(s[i+4:], "-->")
			if end < 0 {
				break
			}
			i += 4 + end + 3
			continue
		}
		gt := strings.IndexByte(s[i:], '>')
		if gt < 0 {
			break
		}
		tag := s[i+1 : i+gt]
		i += gt + 1
		closing := strings.HasPrefix(tag, "/")
		if closing {
			tag = tag[1:]
		}
		name := tagName(tag)
		switch name {
		case "script", "style", "head", "title", "xml":
			if !closing && !strings.HasSuffix(tag, "/") {
				end := indexFold(s[i:], "</"+name)
				if end < 0 {
					i = len(s)
				} else {
					i += end
				}
			}
		case "br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "hr", "ul", "ol", "center", "pre":
			b.WriteByte('\n')
		case "td", "th":
			if closing {
				b.WriteByte('\t')
			}
		}
	}
	return b.String()
}

func writeHTMLText(b *strings.Builder, t string) {
	if t == "" {
		return
	}
	// Source line breaks in HTML are spaces.
	if strings.ContainsAny(t, "\r\n") {
		t = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(t)
	}
	if strings.IndexByte(t, '&') >= 0 {
		t = html.UnescapeString(t)
		t = strings.ReplaceAll(t, "\u00a0", " ")
	}
	b.WriteString(t)
}

func tagName(tag string) string {
	end := 0
	for end < len(tag) {
		c := tag[end]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/' || c == '>' {
			break
		}
		end++
	}
	n := tag[:end]
	for k := 0; k < len(n); k++ {
		if n[k] >= 'A' && n[k] <= 'Z' {
			return strings.ToLower(n)
		}
	}
	return n
}

// indexFold is a case-insensitive strings.Index for an ASCII needle.
func indexFold(s, sub string) int {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		if strings.EqualFold(s[i:i+n], sub) {
			return i
		}
	}
	return -1
}
