package classify

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Legacy Vietnamese font encodings. Word stores the text of a run in an
// 8-bit font (".VnTime", "VNI-Times") as one Latin-1 character per byte, so
// the decoders take the run's text as runes U+0000–U+00FF and give Unicode.

// tcvn3Lower maps TCVN3 (ABC) bytes 0xA1–0xFE to Unicode. The H fonts
// (".VnTimeH") draw capitals at the lower-case code points, so decoding a
// run in such a font upper-cases the result.
var tcvn3Table = func() [256]rune {
	var t [256]rune
	for i := range t {
		t[i] = rune(i)
	}
	pairs := []struct {
		b byte
		r rune
	}{
		{0xA1, 'Ă'}, {0xA2, 'Â'}, {0xA3, 'Ê'}, {0xA4, 'Ô'}, {0xA5, 'Ơ'}, {0xA6, 'Ư'}, {0xA7, 'Đ'},
		{0xA8, 'ă'}, {0xA9, 'â'}, {0xAA, 'ê'}, {0xAB, 'ô'}, {0xAC, 'ơ'}, {0xAD, 'ư'}, {0xAE, 'đ'},
		{0xB5, 'à'}, {0xB6, 'ả'}, {0xB7, 'ã'}, {0xB8, 'á'}, {0xB9, 'ạ'},
		{0xBB, 'ằ'}, {0xBC, 'ẳ'}, {0xBD, 'ẵ'}, {0xBE, 'ắ'}, {0xC6, 'ặ'},
		{0xC7, 'ầ'}, {0xC8, 'ẩ'}, {0xC9, 'ẫ'}, {0xCA, 'ấ'}, {0xCB, 'ậ'},
		{0xCC, 'è'}, {0xCE, 'ẻ'}, {0xCF, 'ẽ'}, {0xD0, 'é'}, {0xD1, 'ẹ'},
		{0xD2, 'ề'}, {0xD3, 'ể'}, {0xD4, 'ễ'}, {0xD5, 'ế'}, {0xD6, 'ệ'},
		{0xD7, 'ì'}, {0xD8, 'ỉ'}, {0xDC, 'ĩ'}, {0xDD, 'í'}, {0xDE, 'ị'},
		{0xDF, 'ò'}, {0xE1, 'ỏ'}, {0xE2, 'õ'}, {0xE3, 'ó'}, {0xE4, 'ọ'},
		{0xE5, 'ồ'}, {0xE6, 'ổ'}, {0xE7, 'ỗ'}, {0xE8, 'ố'}, {0xE9, 'ộ'},
		{0xEA, 'ờ'}, {0xEB, 'ở'}, {0xEC, 'ỡ'}, {0xED, 'ớ'}, {0xEE, 'ợ'},
		{0xEF, 'ù'}, {0xF1, 'ủ'}, {0xF2, 'ũ'}, {0xF3, 'ú'}, {0xF4, 'ụ'},
		{0xF5, 'ừ'}, {0xF6, 'ử'}, {0xF7, 'ữ'}, {0xF8, 'ứ'}, {0xF9, 'ự'},
		{0xFA, 'ỳ'}, {0xFB, 'ỷ'}, {0xFC, 'ỹ'}, {0xFD, 'ý'}, {0xFE, 'ỵ'},
	}
	for _, p := range pairs {
		t[p.b] = p.r
	}
	return t
}()

// DecodeTCVN3 decodes text of a run set in a TCVN3 font. upper is true for
// the capital fonts (".VnTimeH", ".VnArialH", …).
func DecodeTCVN3(s string, upper bool) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	for _, r := range s {
		if r < 256 {
			r = tcvn3Table[r]
		}
		if upper {
			r = unicode.ToUpper(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// VNI-Windows writes a letter as its ASCII base followed by a mark byte.
// vniVowel gives the mark bytes that modify a preceding vowel: each entry
// is the lower-case result for base a/e/i/o/u/y (0 = no such letter).
type vniMark struct {
	a, e, i, o, u, y rune
}

var vniMarks = map[rune]vniMark{
	// tones on plain vowels
	0xF9: {'á', 'é', 0, 'ó', 'ú', 'ý'},
	0xF8: {'à', 'è', 0, 'ò', 'ù', 'ỳ'},
	0xFB: {'ả', 'ẻ', 0, 'ỏ', 'ủ', 'ỷ'},
	0xF5: {'ã', 'ẽ', 0, 'õ', 'ũ', 'ỹ'},
	0xEF: {'ạ', 'ẹ', 0, 'ọ', 'ụ', 0},
	// circumflex (â ê ô) with and without tone
	0xE2: {'â', 'ê', 0, 'ô', 0, 0},
	0xE1: {'ấ', 'ế', 0, 'ố', 0, 0},
	0xE0: {'ầ', 'ề', 0, 'ồ', 0, 0},
	0xE5: {'ẩ', 'ể', 0, 'ổ', 0, 0},
	0xE3: {'ẫ', 'ễ', 0, 'ỗ', 0, 0},
	0xE4: {'ậ', 'ệ', 0, 'ộ', 0, 0},
	// breve (ă) with and without tone
	0xEA: {'ă', 0, 0, 0, 0, 0},
	0xE9: {'ắ', 0, 0, 0, 0, 0},
	0xE8: {'ằ', 0, 0, 0, 0, 0},
	0xFA: {'ẳ', 0, 0, 0, 0, 0},
	0xFC: {'ẵ', 0, 0, 0, 0, 0},
	0xEB: {'ặ', 0, 0, 0, 0, 0},
	// ỵ has its own mark byte
	0xEE: {0, 0, 0, 0, 0, 'ỵ'},
}

// vniSingle are VNI bytes that stand for a whole letter.
var vniSingle = map[rune]rune{
	0xF4: 'ơ', 0xD4: 'Ơ', 0xF6: 'ư', 0xD6: 'Ư', 0xF1: 'đ', 0xD1: 'Đ',
	0xED: 'í', 0xCD: 'Í', 0xEC: 'ì', 0xCC: 'Ì', 0xE6: 'ỉ', 0xC6: 'Ỉ',
	0xF3: 'ĩ', 0xD3: 'Ĩ', 0xF2: 'ị', 0xD2: 'Ị',
}

// vniHornTones gives ơ and ư with each tone, since VNI writes them as the
// horn letter followed by a tone byte.
var vniHornTones = map[rune][5]rune{ // sắc, huyền, hỏi, ngã, nặng
	'ơ': {'ớ', 'ờ', 'ở', 'ỡ', 'ợ'},
	'ư': {'ứ', 'ừ', 'ử', 'ữ', 'ự'},
}

func vniToneIndex(m rune) int {
	switch unicode.ToLower(m) {
	case 0xF9:
		return 0
	case 0xF8:
		return 1
	case 0xFB:
		return 2
	case 0xF5:
		return 3
	case 0xEF:
		return 4
	}
	return -1
}

// DecodeVNI decodes text of a run set in a VNI font.
func DecodeVNI(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		var next rune = -1
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		lowerBase := unicode.ToLower(r)
		isUpper := r != lowerBase
		if next >= 0 && strings.ContainsRune("aeiouy", lowerBase) {
			if m, ok := vniMarks[unicode.ToLower(next)]; ok && next >= 0xC0 {
				var out rune
				switch lowerBase {
				case 'a':
					out = m.a
				case 'e':
					out = m.e
				case 'i':
					out = m.i
				case 'o':
					out = m.o
				case 'u':
					out = m.u
				case 'y':
					out = m.y
				}
				if out != 0 {
					if isUpper {
						out = unicode.ToUpper(out)
					}
					b.WriteRune(out)
					i++
					continue
				}
			}
		}
		if d, ok := vniSingle[r]; ok {
			// ơ / ư take a following tone byte.
			if tones, ok := vniHornTones[unicode.ToLower(d)]; ok && next >= 0 {
				if k := vniToneIndex(next); k >= 0 {
					out := tones[k]
					if unicode.IsUpper(d) {
						out = unicode.ToUpper(out)
					}
					b.WriteRune(out)
					i++
					continue
				}
			}
			b.WriteRune(d)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// legacyFont tells which decoder a run's font name asks for.
type legacyFont uint8

const (
	fontUnicode legacyFont = iota
	fontTCVN3
	fontTCVN3Upper
	fontVNI
)

// classifyFont maps a font name to its encoding: ".VnXxx" fonts are TCVN3
// (those ending in "H" are the capital sets), "VNI-Xxx" fonts are VNI.
func classifyFont(name string) legacyFont {
	if len(name) > 3 && name[0] == '.' && (name[1] == 'V' || name[1] == 'v') && (name[2] == 'N' || name[2] == 'n') {
		if name[len(name)-1] == 'H' {
			return fontTCVN3Upper
		}
		return fontTCVN3
	}
	if len(name) > 4 && strings.EqualFold(name[:4], "VNI-") {
		return fontVNI
	}
	return fontUnicode
}

// decodeLegacy decodes run text by font kind.
func decodeLegacy(s string, f legacyFont) string {
	switch f {
	case fontTCVN3:
		return DecodeTCVN3(s, false)
	case fontTCVN3Upper:
		return DecodeTCVN3(s, true)
	case fontVNI:
		return DecodeVNI(s)
	}
	return s
}

// isLatin1 reports whether every rune of s fits one byte, as 8-bit font text
// stored by Word does; other text in a legacy-font run is left as it is.
func isLatin1(s string) bool {
	for _, r := range s {
		if r > 0xFF || r == utf8.RuneError {
			return false
		}
	}
	return true
}
