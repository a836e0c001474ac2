package classify

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldTableSize covers Latin, Latin Extended and the Vietnamese block
// (U+1EA0–U+1EFF); runes above it fold through unicode.ToLower.
const foldTableSize = 0x1F00

// foldTable maps a rune to the lower-case ASCII letter it is built on
// (á, Ắ, ơ → a, a, o; đ/Đ → d), 0 for a combining mark (dropped: NFD input
// folds like NFC input without normalising first) and ' ' for punctuation.
// Letters outside ASCII without a Latin base map to 1 ("keep lower-cased").
// The table is computed once and only read afterwards.
var foldTable = buildFoldTable()

func buildFoldTable() *[foldTableSize]byte {
	var t [foldTableSize]byte
	for r := rune(0); r < foldTableSize; r++ {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			t[r] = byte(r)
		case r >= 'A' && r <= 'Z':
			t[r] = byte(r) + 'a' - 'A'
		case r == 'đ' || r == 'Đ' || r == 'ð' || r == 'Ð':
			// đ is not a combining mark: NFD leaves it alone.
			t[r] = 'd'
		case unicode.Is(unicode.Mn, r):
			t[r] = 0
		case unicode.IsLetter(r):
			d := norm.NFD.String(string(r))
			if b := d[0]; b < utf8.RuneSelf && unicode.IsLetter(rune(b)) {
				t[r] = byte(unicode.ToLower(rune(b)))
			} else {
				t[r] = 1
			}
		default:
			t[r] = ' '
		}
	}
	return &t
}

// appendFold appends the unaccented lower-case fold of s to dst: every
// letter becomes its ASCII base letter, combining marks vanish, anything
// that is neither letter nor digit becomes one space (runs collapse), so
// "Hòa", "Hoà", "HOA" and NFD "Hoa\u0300" all fold to "hoa". Old and new
// tone placement therefore fold alike without a separate rule.
func appendFold(dst []byte, s string) []byte {
	space := len(dst) == 0 || dst[len(dst)-1] == ' '
	for i := 0; i < len(s); {
		c := s[i]
		var f byte
		if c < utf8.RuneSelf {
			f = foldTable[c]
			i++
		} else {
			r, n := decodeRune(s, i)
			i += n
			if r < foldTableSize {
				f = foldTable[r]
			} else if unicode.Is(unicode.Mn, r) {
				f = 0
			} else if unicode.IsLetter(r) {
				f = 1
			} else {
				f = ' '
			}
			if f == 1 {
				dst = utf8.AppendRune(dst, unicode.ToLower(r))
				space = false
				continue
			}
		}
		switch f {
		case 0:
		case ' ':
			if !space {
				dst = append(dst, ' ')
				space = true
			}
		default:
			dst = append(dst, f)
			space = false
		}
	}
	return dst
}

// decodeRune is utf8.DecodeRuneInString(s[i:]) with the two- and
// three-byte forms of Latin and Vietnamese letters (U+0080–U+07FF,
// U+1000–U+CFFF) decoded inline: the fold spends most of its time here.
// Lead bytes E0 and ED, which have restricted second bytes, and all other
// forms go to the library.
func decodeRune(s string, i int) (rune, int) {
	c := s[i]
	switch {
	case c >= 0xC2 && c < 0xE0 && i+1 < len(s) && s[i+1]&0xC0 == 0x80:
		return rune(c&0x1F)<<6 | rune(s[i+1]&0x3F), 2
	case c >= 0xE1 && c <= 0xEC && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80:
		return rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F), 3
	}
	return utf8.DecodeRuneInString(s[i:])
}

// foldString is appendFold for callers off the hot path.
func foldString(s string) string {
	b := appendFold(nil, s)
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return string(b)
}

// letterCase reports whether s has at least minLetters letters and whether
// all of them are upper case. Headings and stamps of ND 30 documents are
// set in capitals; this tells them apart from the same words in prose.
func letterCase(s string) (letters int, upper bool) {
	upper = true
	for _, r := range s {
		if r < utf8.RuneSelf {
			switch {
			case r >= 'a' && r <= 'z':
				upper = false
				letters++
			case r >= 'A' && r <= 'Z':
				letters++
			}
			continue
		}
		if unicode.IsLower(r) {
			upper = false
			letters++
		} else if unicode.IsUpper(r) {
			letters++
		}
	}
	return letters, upper
}

// hasCombining reports whether s holds a combining mark (NFD input or
// windows-1258 decomposed tones), the only case NFC work is needed for.
func hasCombining(s string) bool {
	for i := 0; i < len(s); i++ {
		// U+0300–U+036F encode as CC 80–CD AF.
		if s[i] == 0xCC || s[i] == 0xCD {
			return true
		}
	}
	return false
}

// nfc normalises s to NFC only when it needs it (most text is NFC already).
func nfc(s string) string {
	if !hasCombining(s) {
		return s
	}
	return norm.NFC.String(s)
}

// toneKey maps the accented upper/lower-case text of a mark to a key that
// keeps the diacritics (MẬT ≠ MẶT ≠ MẤT) but ignores case and old/new tone
// placement: "HOẢ TỐC" and "hỏa tốc" give the same key. It strips the tone
// from the whole word and appends it once, so the position does not matter.
func toneKey(s string) string {
	d := norm.NFD.String(s)
	out := make([]byte, 0, len(d))
	var tone rune
	flush := func() {
		if tone != 0 {
			out = utf8.AppendRune(out, tone)
			tone = 0
		}
	}
	for _, r := range d {
		switch r {
		case 0x0300, 0x0301, 0x0303, 0x0309, 0x0323: // the five tones
			tone = r
			continue
		}
		if unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) {
			out = utf8.AppendRune(out, unicode.ToLower(r))
			continue
		}
		flush()
		if unicode.IsDigit(r) {
			out = utf8.AppendRune(out, r)
		} else if len(out) > 0 && out[len(out)-1] != ' ' {
			out = append(out, ' ')
		}
	}
	flush()
	for len(out) > 0 && out[len(out)-1] == ' ' {
		out = out[:len(out)-1]
	}
	return string(out)
}
