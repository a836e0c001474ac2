package classify

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The reference implementations below are the fold, case and text helpers
// as they were before the table-driven and fused versions replaced them.
// The tests and FuzzFold hold the new code to their exact output.

var refFoldTable = func() *[foldTableSize]byte {
	var t [foldTableSize]byte
	for r := rune(0); r < foldTableSize; r++ {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			t[r] = byte(r)
		case r >= 'A' && r <= 'Z':
			t[r] = byte(r) + 'a' - 'A'
		case r == 'đ' || r == 'Đ' || r == 'ð' || r == 'Ð':
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
}()

func refAppendFold(dst []byte, s string) []byte {
	space := len(dst) == 0 || dst[len(dst)-1] == ' '
	for _, r := range s {
		var f byte
		if r < foldTableSize {
			f = refFoldTable[r]
		} else if unicode.Is(unicode.Mn, r) {
			f = 0
		} else if unicode.IsLetter(r) {
			f = 1
		} else {
			f = ' '
		}
		switch f {
		case 0:
		case 1:
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
			space = false
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

func refLetterCase(s string) (letters int, upper bool) {
	upper = true
	for _, r := range s {
		if unicode.IsLower(r) {
			upper = false
			letters++
		} else if unicode.IsUpper(r) {
			letters++
		}
	}
	return letters, upper
}

func refHasCombining(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == 0xCC || s[i] == 0xCD {
			return true
		}
	}
	return false
}

// checkFold compares every rewritten helper with its reference on s.
func checkFold(t *testing.T, s string) {
	t.Helper()
	for _, prefix := range []string{"", "x", "x "} {
		want := string(refAppendFold([]byte(prefix), s))
		if got := string(appendFold([]byte(prefix), s)); got != want {
			t.Fatalf("appendFold(%q, %q) = %q, want %q", prefix, s, got, want)
		}
		got, letters, upper := appendFoldCase([]byte(prefix), s)
		wl, wu := refLetterCase(s)
		if string(got) != want || letters != wl || upper != wu {
			t.Fatalf("appendFoldCase(%q, %q) = %q %d %v, want %q %d %v", prefix, s, got, letters, upper, want, wl, wu)
		}
	}
	wl, wu := refLetterCase(s)
	if l, u := letterCase(s); l != wl || u != wu {
		t.Fatalf("letterCase(%q) = %d %v, want %d %v", s, l, u, wl, wu)
	}
	if got, want := hasCombining(s), refHasCombining(s); got != want {
		t.Fatalf("hasCombining(%q) = %v, want %v", s, got, want)
	}
	st := scanUTF8([]byte(s))
	_, got := utf8Runes([]byte(s))
	if _, gots := utf8Runes(s); got != utf8.ValidString(s) || gots != got {
		t.Fatalf("utf8Runes(%q) ok = %v, %v", s, got, gots)
	}
	if st.valid != utf8.ValidString(s) {
		t.Fatalf("scanUTF8(%q).valid = %v", s, st.valid)
	}
	if st.valid && (st.runes != utf8.RuneCountInString(s) || st.combining != refHasCombining(s)) {
		t.Fatalf("scanUTF8(%q) = %+v, want %d runes, combining %v", s, st, utf8.RuneCountInString(s), refHasCombining(s))
	}
	if got, want := runeCount(s), utf8.RuneCountInString(s); got != want {
		t.Fatalf("runeCount(%q) = %d, want %d", s, got, want)
	}
}

// TestFoldMatchesReference checks every rune alone, after a letter and
// before a space, then malformed and mixed text.
func TestFoldMatchesReference(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		e := runeInfo{}
		if r < foldTableSize {
			e = runeTable[r]
		} else {
			e = slowRuneInfo(r)
		}
		wl, wu := refLetterCase(string(r))
		if int(e.cls&caseLetter) != wl || (e.cls&caseLower == 0) != wu {
			t.Fatalf("%U: case class %d, want letters %d upper %v", r, e.cls, wl, wu)
		}
		if r < foldTableSize && e.fold != refFoldTable[r] {
			t.Fatalf("%U: fold %q, want %q", r, e.fold, refFoldTable[r])
		}
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		s := string(r)
		checkFold(t, s)
		checkFold(t, "A"+s+" b")
		checkFold(t, s[:len(s)-1]+"z")
	}
	for a := 0x80; a <= 0xFF; a++ {
		for b := 0; b <= 0xFF; b += 0x11 {
			checkFold(t, string([]byte{byte(a), byte(b), 0x80, 'x'}))
			checkFold(t, string([]byte{'Q', byte(a), 0x80, byte(b)}))
		}
	}
	for _, s := range []string{
		"", " ", "Hòa THUỶ Đà", "Hoa\u0300 thu\u0309y", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"Độc lập - Tự do - Hạnh phúc", "Số: 15/TB-TTTL", "ǅemal ǈ Ǌ", "ПРИВЕТ мир", "ΑΒΓ αβγ",
		"日本語 テスト", "  \t\u00a0>> Kính gửi:\u2003Sở VHTT  ", "𝐀𝐁𝐂 𝐚𝐛𝐜", "ﬁ ﬂ", "K\u0301 \u212a",
		strings.Repeat("Trung tâm thông báo lịch họp giao ban tuần. ", 20),
		strings.Repeat("abcdefgh", 3) + "\xff", "abcdefg\xe1\xbb\xa1abcdefgh\xcc\x80", "abcdefgh\xe1\xbbabcdefgh",
	} {
		checkFold(t, s)
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"Hòa THUỶ Đà", "Hoa\u0300", "\xe1\xba", "ǅ Ω ω", "MẬT - KHẨN", "\xcc\x80\xcd"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkFold(t, s)
	})
}

// refLexText is how decide built the lexicon text before the line scan
// took over the body part: the subject, then each segment's share of the
// first lexBytes bytes folded as it stands, each followed by a space.
func refLexText(subj string, segs []segment, lexBytes int) []byte {
	buf := refAppendFold(nil, subj)
	buf = append(buf, ' ')
	n := 0
	for _, s := range segs {
		t := s.text
		if len(t) > lexBytes-n {
			t = t[:max(0, lexBytes-n)]
		}
		n += len(t)
		buf = refAppendFold(buf, t)
		buf = append(buf, ' ')
	}
	return buf
}

func checkLexText(t *testing.T, r *rules, subj string, u *unit, lexBytes int) {
	t.Helper()
	want := refLexText(subj, u.segs, lexBytes)
	sc := &scanner{r: r}
	sc.lex = append(appendFold(nil, subj), ' ')
	d1 := sc.analyzeLex(u, lexBytes)
	if string(sc.lex) != string(want) {
		t.Fatalf("lexicon text of %+v (%d bytes):\n got %q\nwant %q", u.segs, lexBytes, sc.lex, want)
	}
	var got, ref []*lexEntry
	r.lex.scan(sc.lex, func(e *lexEntry) { got = append(got, e) })
	refLexScan(r.lex, want, func(e *lexEntry) { ref = append(ref, e) })
	if fmt.Sprint(got) != fmt.Sprint(ref) {
		t.Fatalf("lexicon hits in %q:\n got %v\nwant %v", want, got, ref)
	}
	// Building it leaves the line scan as it was.
	d2 := (&scanner{r: r}).analyze(u)
	if fmt.Sprintf("%+v", *d1) != fmt.Sprintf("%+v", *d2) {
		t.Fatalf("analyzeLex changed the scan of %+v:\n%+v\n%+v", u.segs, *d1, *d2)
	}
}

// TestLexTextMatchesFold builds the lexicon text from every unit of the
// shared corpus and from crafted layouts, at several prefix lengths.
func TestLexTextMatchesFold(t *testing.T) {
	c := newTestClassifier(t)
	cases := []string{
		"", "\n", "a", "Kính gửi:\n- Sở VHTT;\n- Phòng A.\n", "  > Trả lời:\tCỘNG HÒA\t\tĐộc lập  \r\n\r\n",
		"x\u00a0\n\u00a0y \n", "tiệc cưới\ncủa con\n" + strings.Repeat("dài ", 100) + "\nđi chơi",
		"Nơi nhận:\n- Như trên;\nLưu: VT.\n\tKT. GIÁM ĐỐC\n", "Hoa\u0300\n\u0301x\t\u0300\n", "ạ\xe1\xbb\n\xa1b\n",
	}
	for _, text := range cases {
		for _, lexBytes := range []int{0, 1, 2, 3, 5, 8, 13, 40, 3000} {
			checkLexText(t, c.rules, "Thư mời", &unit{where: "body", segs: []segment{{where: "body", text: text}, {where: "body", text: text}}}, lexBytes)
		}
	}
	units := 0
	for _, dir := range []string{"corpus/dev/messages", "corpus/mime"} {
		root := needShared(t, dir)
		filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			w := newTestWalker(c)
			w.walkMessage(bytes.NewReader(data), 0, w.body, true)
			subj := decodeHeaderText(strings.TrimSpace(w.header.Get("Subject")))
			for _, u := range append([]*unit{w.body}, w.units...) {
				units++
				for _, lexBytes := range []int{lexBodyBytes, 700, 97} {
					checkLexText(t, c.rules, subj, u, lexBytes)
				}
			}
			return nil
		})
	}
	t.Logf("%d units", units)
}

// FuzzLexText: segments are split at NUL bytes; the first byte picks the
// prefix length.
func FuzzLexText(f *testing.F) {
	f.Add([]byte("\x20Kính gửi:\n- Sở VHTT;\x00\tCỘNG HÒA\tĐộc lập\r\n> x"))
	f.Add([]byte("\x05tiệc\u00a0cưới \n\n của con\x00\x00đi chơi"))
	c, err := New(Config{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 {
			return
		}
		lexBytes := int(b[0]) * 3
		u := &unit{where: "body"}
		for _, s := range strings.Split(string(b[1:]), "\x00") {
			u.segs = append(u.segs, segment{where: "body", text: s})
		}
		checkLexText(t, c.rules, "RE: Thông báo", u, lexBytes)
	})
}

// refLexScan is lexicon.scan before the one-word filter, the fused
// token hash and the stop past the longest suffix (lexLonger).
func refLexScan(l *lexicon, folded []byte, hit func(e *lexEntry)) {
	if len(l.ents) == 0 {
		return
	}
	var ring [lexMaxWords]uint64
	n := 0
	for i := 0; i < len(folded); {
		for i < len(folded) && folded[i] == ' ' {
			i++
		}
		j := i
		for j < len(folded) && folded[j] != ' ' {
			j++
		}
		if j == i {
			break
		}
		copy(ring[:], ring[1:])
		ring[lexMaxWords-1] = tokenHash(folded[i:j])
		n++
		h := seqSeed
		for k := 1; k <= l.words && k <= n; k++ {
			h = seqMix(h, ring[lexMaxWords-k])
			// Probes until a key is missing, whatever lexLonger says:
			// the scan's shortcut is checked against this.
			v, ok := l.keys.get(h | 1)
			if !ok {
				break
			}
			if p := lexPhrase(v); p >= 0 {
				hit(&l.ents[p])
			}
		}
		i = j
	}
}

// TestLexiconScanMatchesReference runs every phrase of the lexicon, alone,
// in runs and overlapping, through both scans.
func TestLexiconScanMatchesReference(t *testing.T) {
	c := newTestClassifier(t)
	l := c.rules.lex
	var all []string
	for _, e := range l.ents {
		all = append(all, e.phrase)
	}
	texts := append([]string{strings.Join(all, " "), strings.Join(all, "  x "), "a b c d e f g h i j"}, all...)
	for i := range all {
		texts = append(texts, all[i]+" "+all[(i*7+3)%len(all)])
	}
	hits := 0
	for _, text := range texts {
		var got, ref []*lexEntry
		l.scan([]byte(text), func(e *lexEntry) { got = append(got, e) })
		refLexScan(l, []byte(text), func(e *lexEntry) { ref = append(ref, e) })
		if fmt.Sprint(got) != fmt.Sprint(ref) {
			t.Fatalf("hits in %q:\n got %v\nwant %v", text, got, ref)
		}
		hits += len(got)
	}
	if hits < len(all) {
		t.Fatalf("only %d hits for %d phrases", hits, len(all))
	}
}

// TestUTF8RunesMatchesValid: every sequence of up to three bytes, and every
// four-byte lead with its second byte and sample tails, at each offset in
// a word (the DFA reads whole words and the tail byte by byte).
func TestUTF8RunesMatchesValid(t *testing.T) {
	check := func(b []byte) {
		want := utf8.Valid(b)
		n, got := utf8Runes(b)
		if got != want {
			t.Fatalf("utf8Runes(% x) ok = %v, want %v", b, got, want)
		}
		if want && n != utf8.RuneCount(b) {
			t.Fatalf("utf8Runes(% x) = %d runes, want %d", b, n, utf8.RuneCount(b))
		}
		if ns, gots := utf8Runes(string(b)); gots != got || ns != n {
			t.Fatalf("utf8Runes(%q) = %d, %v; bytes: %d, %v", b, ns, gots, n, got)
		}
	}
	buf := make([]byte, 0, 32)
	pads := []string{"", "a", "abc", "abcdefg", "abcdefgh", "ạ", "xạ", "abcdeạ"}
	for x := 0; x < 1<<24; x++ {
		seq := []byte{byte(x), byte(x >> 8), byte(x >> 16)}
		pad := pads[x%len(pads)]
		for _, n := range []int{1, 2, 3} {
			if n < 3 && x>>(8*n) != 0 {
				continue
			}
			check(append(append(buf[:0], pad...), seq[:n]...))
			check(append(append(append(buf[:0], pad...), seq[:n]...), "12345678"...))
		}
	}
	tails := []byte{0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xE1, 0xFF}
	for lead := 0xF0; lead <= 0xFF; lead++ {
		for b1 := 0; b1 < 256; b1++ {
			for _, b2 := range tails {
				for _, b3 := range tails {
					for _, pad := range pads {
						check(append(append(buf[:0], pad...), byte(lead), byte(b1), b2, b3, 'z', 'z', 'z', 'z', 'z', 'z', 'z', 'z'))
					}
				}
			}
		}
	}
}

// refTrimLine is trimLine before its ASCII fast path.
func refTrimLine(s string) string {
	s = strings.TrimSpace(s)
	for len(s) > 0 && s[0] == '>' {
		s = strings.TrimSpace(s[1:])
	}
	s = strings.TrimPrefix(s, "\u00a0")
	return strings.TrimRight(s, " \t\r\u00a0")
}

func checkTrimLine(t *testing.T, s string) {
	t.Helper()
	if got, want := trimLine(s), refTrimLine(s); got != want {
		t.Fatalf("trimLine(%q) = %q, want %q", s, got, want)
	}
}

func TestTrimLineMatchesReference(t *testing.T) {
	ends := []string{"", " ", "\t", "\r", "\r\r", " \r", "\u00a0", "\u00a0\r", "\u2003", ">", "> >", "a", "ạ", "\x7f", "\x01", "\xc2", "\xa0", "~", "!"}
	for _, a := range ends {
		for _, b := range ends {
			for _, mid := range []string{"", "x", "Kính gửi", " > ", "\u00a0"} {
				checkTrimLine(t, a+mid+b)
			}
		}
	}
}

func FuzzTrimLine(f *testing.F) {
	f.Add("> Kính gửi:\r")
	f.Add("\u00a0abc\u00a0\r")
	f.Fuzz(func(t *testing.T, s string) { checkTrimLine(t, s) })
}
