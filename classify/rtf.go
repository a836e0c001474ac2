package classify

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
)

// extractRTF returns the visible text of an RTF document: control words
// for paragraphs, tabs and cells become layout characters; \'hh bytes are
// decoded with the document code page (\ansicpgN: 1258 for Vietnamese);
// \uN escapes are taken with their \ucN fallback skipped; destinations that
// are not text (font and colour tables, pictures, \* groups) are skipped.
func extractRTF(data []byte) (string, error) {
	if len(data) < 5 || string(data[:5]) != "{\\rtf" {
		return "", errors.New("rtf: no {\\rtf header")
	}
	var out strings.Builder
	out.Grow(len(data) / 4)
	var enc encoding.Encoding = lookupCharset("windows-1252")
	var pending []byte // \'hh bytes waiting for decoding as one run
	flush := func() {
		if len(pending) == 0 {
			return
		}
		if enc != nil {
			if s, err := enc.NewDecoder().Bytes(pending); err == nil {
				out.Write(s)
			}
		}
		pending = pending[:0]
	}
	type state struct {
		skip bool
		uc   int
	}
	stack := []state{{uc: 1}}
	cur := &stack[0]
	skipChars := 0
	depthLimit := 1000
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch c {
		case '{':
			flush()
			if len(stack) >= depthLimit {
				return out.String(), errors.New("rtf: groups nested too deep")
			}
			stack = append(stack, *cur)
			cur = &stack[len(stack)-1]
			// "{\*\dest" groups are optional destinations: skip.
			if i+2 < len(data) && data[i+1] == '\\' && data[i+2] == '*' {
				cur.skip = true
			}
		case '}':
			flush()
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
				cur = &stack[len(stack)-1]
			}
		case '\\':
			if i+1 >= len(data) {
				break
			}
			n := data[i+1]
			switch {
			case n == '\'':
				if i+3 < len(data) {
					h, ok1 := unhex(data[i+2])
					l, ok2 := unhex(data[i+3])
					i += 3
					if skipChars > 0 {
						skipChars--
						continue
					}
					if ok1 && ok2 && !cur.skip {
						pending = append(pending, h<<4|l)
					}
				}
				continue
			case n == '\\' || n == '{' || n == '}':
				flush()
				if !cur.skip {
					out.WriteByte(n)
				}
				i++
				continue
			case n == '~':
				flush()
				if !cur.skip {
					out.WriteByte(' ')
				}
				i++
				continue
			case n == '\n' || n == '\r':
				flush()
				if !cur.skip {
					out.WriteByte('\n')
				}
				i++
				continue
			case !(n >= 'a' && n <= 'z' || n >= 'A' && n <= 'Z'):
				i++
				continue
			}
			// Control word and optional numeric parameter.
			j := i + 1
			for j < len(data) && (data[j] >= 'a' && data[j] <= 'z' || data[j] >= 'A' && data[j] <= 'Z') {
				j++
			}
			word := string(data[i+1 : j])
			k := j
			if k < len(data) && data[k] == '-' {
				k++
			}
			for k < len(data) && data[k] >= '0' && data[k] <= '9' && k-j < 10 {
				k++
			}
			param, hasParam := 0, k > j
			if hasParam {
				param, _ = strconv.Atoi(string(data[j:k]))
			}
			if k < len(data) && data[k] == ' ' {
				k++ // the delimiter space belongs to the control word
			}
			i = k - 1
			flush()
			switch word {
			case "fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "header", "footer",
				"headerl", "headerr", "footerl", "footerr", "listtable", "listoverridetable",
				"rsidtbl", "generator", "xmlnstbl", "themedata", "colorschememapping", "datastore", "latentstyles", "fldinst":
				cur.skip = true
			case "ansicpg":
				if e := lookupCharset("windows-" + strconv.Itoa(param)); e != nil {
					enc = e
				}
			case "uc":
				cur.uc = param
			case "u":
				if !cur.skip {
					r := rune(param)
					if r < 0 {
						r += 65536
					}
					if utf8.ValidRune(r) {
						out.WriteRune(r)
					}
				}
				skipChars = cur.uc
			case "par", "line", "row", "sect", "page":
				if !cur.skip {
					out.WriteByte('\n')
				}
			case "tab", "cell":
				if !cur.skip {
					out.WriteByte('\t')
				}
			}
		case '\r', '\n':
		default:
			if skipChars > 0 {
				skipChars--
				continue
			}
			flush()
			if !cur.skip {
				out.WriteByte(c)
			}
		}
	}
	flush()
	return out.String(), nil
}
