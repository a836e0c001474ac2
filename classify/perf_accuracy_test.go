package classify

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"math/rand"
	"path"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message/mail"
	"github.com/ledongthuc/pdf"
)

// tinyPDF writes a one-page PDF whose font maps code 0x0A to "T" in its
// ToUnicode CMap, as LibreOffice subsets often do, and shows the content
// stream given.
func tinyPDF(content string) []byte {
	widths := strings.TrimSpace(strings.Repeat("500 ", 256))
	cmap := "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"1 begincodespacerange\n<00> <FF>\nendcodespacerange\n" +
		"1 beginbfchar\n<0A> <0054>\nendbfchar\n" +
		"1 beginbfrange\n<20> <7E> <0020>\nendbfrange\n" +
		"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 6 0 R >>",
		"<< /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+Test /FirstChar 0 /LastChar 255 /Widths [" + widths + "] /ToUnicode 5 0 R >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", len(cmap), cmap),
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content)+1, content),
	}
	return writePDF(objs)
}

// writePDF lays out objs (object 1 is the catalog) as a PDF file with
// its cross-reference table, as the PDF tests build their documents.
func writePDF(objs []string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// A TJ array ends without a glyph: the text must not gain the letter the
// font happens to map at code 0x0A (the "07/TTTL-HCTHT" numbers).
func TestPDFNoPhantomGlyphAfterTJ(t *testing.T) {
	data := tinyPDF("BT /F1 12 Tf 72 700 Td [(So: 07/TTTL-) -0.5 (HCTH)] TJ 0 -20 Td (MAT) Tj ET")
	u := extractOnce(t, fuzzClassifierT(t), "a.pdf", data)
	if len(u.segs) != 1 {
		t.Fatalf("want one page of text, got %+v", u.segs)
	}
	if got, want := u.segs[0].text, "So: 07/TTTL-HCTH\nMAT"; got != want {
		t.Fatalf("page text %q, want %q", got, want)
	}
	if u.segs[0].where != "attachment a.pdf, page 1" {
		t.Errorf("where = %q", u.segs[0].where)
	}
}

// The streaming office-XML path gives the text of one whole pass for any
// piece size, including constructs cut across reads.
func TestXMLStreamingMatchesWhole(t *testing.T) {
	docs := []struct {
		prof *xmlProfile
		xml  string
	}{
		{docxProfile, `<?xml version="1.0"?><w:document><w:body><w:p><w:r><w:rPr><w:rFonts w:ascii=".VnTimeH"/></w:rPr><w:t>TH¤NG B¸O</w:t></w:r></w:p>` +
			`<!-- comment with <w:t>no</w:t> --><w:p><w:r><w:t xml:space="preserve">Số: 15/TB-TTTL &amp; &#7848;&#x1EA8; </w:t><w:tab/><w:t>Kính gửi</w:t></w:r></w:p></w:body></w:document>`},
		{odfProfile, `<office:document-content><office:body><text:p>THÔNG<text:s text:c="3"/>BÁO<![CDATA[ x<y ]]></text:p><office:annotation><text:p>skip</text:p></office:annotation><table:table-row><table:table-cell>a</table:table-cell></table:table-row></office:body></office:document-content>`},
		{xlsxProfile, `<sst><si><t>LỊCH CÔNG TÁC</t></si><si><t>Tuần 22</t></si></sst>`},
		{docxProfile, `<w:p><w:t>unterminated <w:t attr="a>b`},
	}
	for i, d := range docs {
		whole := xmlText([]byte(d.xml), d.prof, 1<<20)
		if whole == "" {
			t.Fatalf("doc %d: no text", i)
		}
		for step := 1; step <= 40; step++ {
			if got := streamedXMLText([]byte(d.xml), d.prof, 1<<20, step); got != whole {
				t.Fatalf("doc %d, %d bytes per read:\n got  %q\n want %q", i, step, got, whole)
			}
		}
		// A budget cut lands on the same place either way.
		cut := xmlText([]byte(d.xml), d.prof, 7)
		if got := streamedXMLText([]byte(d.xml), d.prof, 7, 3); got != cut {
			t.Fatalf("doc %d, budget 7: got %q want %q", i, got, cut)
		}
	}
}

// A docx much larger than the text budget is read only as far as needed:
// the bytes taken from the message budget stay far below the member size.
func TestDocxStopsAtTextBudget(t *testing.T) {
	doc := bigDocx(2 << 20)
	c, err := New(Config{Limits: Limits{MaxChars: 10000}})
	if err != nil {
		t.Fatal(err)
	}
	w := newTestWalker(c)
	u := &unit{where: "attachment big.docx", name: "big.docx"}
	w.extract(u, "big.docx", "", doc, 1, u.where)
	if u.chars == 0 || u.chars > 10000 {
		t.Fatalf("chars %d, want 1..10000", u.chars)
	}
	if w.bytes > 1<<20 {
		t.Fatalf("decompressed %d bytes for 10000 characters of text", w.bytes)
	}
	if !strings.HasPrefix(u.segs[0].text, "THÔNG BÁO\nĐoạn 0:") {
		t.Fatalf("text starts %q", clip(u.segs[0].text, 40))
	}
}

func TestDecodeBase64Lenient(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for n := 0; n < 300; n++ {
		raw := make([]byte, n)
		rng.Read(raw)
		enc := base64.StdEncoding.EncodeToString(raw)
		var mime strings.Builder
		for i := 0; i < len(enc); i += 76 {
			mime.WriteString(enc[i:min(i+76, len(enc))])
			mime.WriteString("\r\n")
		}
		got, bad := decodeBase64([]byte(mime.String()))
		if bad || !bytes.Equal(got, raw) {
			t.Fatalf("n=%d: bad=%v, got %x want %x", n, bad, got, raw)
		}
	}
	cases := []struct {
		in, want string
		bad      bool
	}{
		{"QUJD", "ABC", false},
		{"QQ==QkM=", "ABC", false},      // concatenated runs
		{"Q U\tJ\nD", "ABC", false},     // whitespace anywhere
		{"QU!JD", "ABC", true},          // junk skipped, reported
		{"QUJDR", "ABC", true},          // a lone trailing sextet
		{"-_-_", "\xfb\xff\xbf", false}, // URL-safe alphabet
	}
	for _, c := range cases {
		got, bad := decodeBase64([]byte(c.in))
		if string(got) != c.want || bad != c.bad {
			t.Errorf("decodeBase64(%q) = %q, %v; want %q, %v", c.in, got, bad, c.want, c.bad)
		}
	}
}

// The compiled recipient patterns agree with path.Match.
func TestAddrGlobMatchesPathMatch(t *testing.T) {
	pats := []string{"*.svhtt@tphcm.gov.vn", "svhtt@tphcm.gov.vn", "*@svhtt.tphcm.gov.vn", "a*b*c", "*", "x?y@z", "[ab]*@q", "**@e"}
	addrs := []string{"vanthu.svhtt@tphcm.gov.vn", "svhtt@tphcm.gov.vn", "a.svhtt@tphcm.gov.vn.evil", "x@svhtt.tphcm.gov.vn",
		"abc", "ac", "abbc", "axbyc", "x1y@z", "a@q", "b1@q", "c@q", "", "@e", "a/b.svhtt@tphcm.gov.vn", "abcabc"}
	for _, p := range pats {
		g := compileGlob(p)
		for _, a := range addrs {
			want, _ := path.Match(p, a)
			if got := g.match(a); got != want {
				t.Errorf("pattern %q, address %q: got %v, path.Match %v", p, a, got, want)
			}
		}
	}
}

func TestCountWordsMatchesFields(t *testing.T) {
	for _, s := range []string{"", "  a b\u00a0c\td\n", "xin chào các bạn https://x.y/z", "\u2003a\u2003", "a://b c"} {
		if got, want := countWords(s, 1000, false), len(strings.Fields(s)); got != want {
			t.Errorf("countWords(%q) = %d, want %d", s, got, want)
		}
		if got := countWords(s, 1, false); got > 1 {
			t.Errorf("countWords(%q, limit 1) = %d", s, got)
		}
	}
	if got := countWords("see https://a.b/c now", 10, true); got != 2 {
		t.Errorf("links counted: %d", got)
	}
}

func TestSoKyHieuSpacing(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Số: 20/2024 /HĐ-TTTL", "20/2024/HĐ-TTTL"},
		{"Số: 15/ TB - TTTL", "15/TB-TTTL"},
		{"Số: 30/2020/NĐ-CP", "30/2020/NĐ-CP"},
	}
	for _, c := range cases {
		if k, ok := findSoKyHieu(c.in); !ok || k.Text != c.want {
			t.Errorf("findSoKyHieu(%q) = %q, %v; want %q", c.in, k.Text, ok, c.want)
		}
	}
	if k, ok := findLooseNumber("KHẨN - Công văn 55/TTTL-TTCĐ - Về việc đề nghị"); !ok || k.Text != "55/TTTL-TTCĐ" {
		t.Errorf("trích yếu after a spaced dash joined the number: %q", k.Text)
	}
}

// The audience of an agency document comes from its addressee, not from
// the copies its Nơi nhận lists.
func TestAddresseeAndFirstRecipient(t *testing.T) {
	c := newTestClassifier(t)
	sc := &scanner{r: c.rules}
	doc := func(text string) *docInfo {
		return sc.analyze(&unit{where: "body", segs: []segment{{where: "body", text: text}}})
	}
	cases := []struct {
		text, addressee, first, audience string
	}{
		{"Số: 56/TTTL-HCTH\nKính gửi: Hội Nhiếp ảnh Thành phố Hồ Chí Minh\nThực hiện Kế hoạch của Sở Văn hóa và Thể thao,\n",
			"hoi nhiep anh thanh pho ho chi minh", "", "ngoai"},
		{"Số: 5/GM-TTTL\nTrung tâm trân trọng kính mời: Lãnh đạo Sở Văn hóa và Thể thao\nNơi nhận:\n- Như trên;\n- BGĐ Trung tâm;\n",
			"lanh dao so van hoa va the thao", "bgd trung tam", "so"},
		{"Số: 8/KH-TTTL\nNơi nhận:\tKT. GIÁM ĐỐC\n- Sở VHTT (để báo cáo);\n(Đã ký)\n- Các phòng, bộ phận thuộc Trung tâm;\n- Lưu: VT.\n",
			"", "cac phong bo phan thuoc trung tam", "noi_bo"},
		{"Số: 9/QĐ-TTTL\nNơi nhận:\n- Như Điều 3;\n- Sở VHTT;\n", "", "so vhtt", "so"},
		{"Số: 9/TB-TTTL\nNơi nhận:                 KT.GIÁM ĐỐC\n- Các phòng;\n", "", "cac phong", "noi_bo"},
		{"Kính gửi: Công đoàn cơ sở Trung tâm\n", "cong doan co so trung tam", "", "noi_bo"},
		{"Kính gửi: Phòng Văn hóa và Thông tin Quận 3\n", "phong van hoa va thong tin quan 3", "", "ngoai"},
		{"Kính gửi: Phòng Quản lý Văn hóa\n", "phong quan ly van hoa", "", "noi_bo"},
		{"Kính gửi:\n- Các phòng, bộ phận thuộc Trung tâm;\n", "cac phong bo phan thuoc trung tam", "", "noi_bo"},
	}
	for i, tc := range cases {
		d := doc(tc.text)
		got, raw := d.addressee()
		if got != tc.addressee {
			t.Errorf("case %d: addressee %q, want %q", i, got, tc.addressee)
		}
		if got := d.firstRecipient(c.rules); got != tc.first {
			t.Errorf("case %d: first recipient %q, want %q", i, got, tc.first)
		}
		who := tc.addressee
		if who == "" {
			who, raw = tc.first, ""
		}
		if got := c.audienceOfText(who, raw); got != tc.audience {
			t.Errorf("case %d: audience of %q = %q, want %q", i, who, got, tc.audience)
		}
	}
}

func newTestWalker(c *Classifier) *walker {
	w := &walker{c: c, lim: c.lim, ctx: context.Background(), deadline: time.Now().Add(time.Minute)}
	w.body = &unit{where: "body", att: -1}
	return w
}

func fuzzClassifierT(t *testing.T) *Classifier {
	c, err := New(Config{Limits: Limits{Timeout: time.Second, MaxBytes: 8 << 20}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A page stops being read once it holds as much text as the message may
// keep: a hostile page cannot grow the glyph list without bound.
func TestPDFPageStopsAtGlyphBudget(t *testing.T) {
	data := tinyPDF("BT /F1 12 Tf 72 700 Td (ABCDEFGH) Tj ET")
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	pg := pdfPage{maxGlyphs: 3}
	if got := pg.text(r.Page(1)); got != "ABC" {
		t.Fatalf("text %q, want ABC", got)
	}
	pg = pdfPage{maxGlyphs: 100, alive: func() bool { return true }}
	if got := pg.text(r.Page(1)); got != "ABCDEFGH" {
		t.Fatalf("text %q, want ABCDEFGH", got)
	}
}

// One Classifier serves many relay workers at once: concurrent verdicts
// equal serial ones (run with -race to check the shared rules are only
// read).
func TestClassifyConcurrent(t *testing.T) {
	c := newTestClassifier(t)
	wrap := func(name, ct string, data []byte) []byte {
		return []byte("From: a@b.c\r\nTo: hcth.tttl@tphcm.gov.vn\r\nSubject: Thông báo\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nGửi anh chị.\r\n" +
			"--B\r\nContent-Type: " + ct + "; name=" + name + "\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64enc(data) + "\r\n--B--\r\n")
	}
	msgs := [][]byte{
		typical5KB(),
		wrap("tb.pdf", "application/pdf", tinyPDF("BT /F1 12 Tf 72 700 Td (So: 15/TB-TTTL) Tj 0 -20 Td (THONG BAO) Tj ET")),
		wrap("a.docx", "application/octet-stream", bigDocx(64<<10)),
	}
	want := make([]string, len(msgs))
	for i, m := range msgs {
		want[i] = fmt.Sprintf("%+v", c.Classify(context.Background(), bytes.NewReader(m), Envelope{}))
	}
	errs := make(chan string, 64)
	done := make(chan struct{})
	for g := 0; g < 8; g++ {
		go func(g int) {
			defer func() { done <- struct{}{} }()
			for k := 0; k < 6; k++ {
				i := (g + k) % len(msgs)
				if got := fmt.Sprintf("%+v", c.Classify(context.Background(), bytes.NewReader(msgs[i]), Envelope{})); got != want[i] {
					errs <- fmt.Sprintf("message %d differs under concurrency:\n%s\n%s", i, got, want[i])
				}
			}
		}(g)
	}
	for g := 0; g < 8; g++ {
		<-done
	}
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// The fast path for address fields gives what the RFC 5322 parser gives,
// and leaves everything else to it.
func TestSimpleAddrsAgreeWithParser(t *testing.T) {
	fields := []string{
		"a.tttl@tphcm.gov.vn, b.tttl@tphcm.gov.vn",
		"=?utf-8?B?xJDhurduZyBUaHUgVHJhbmc=?= <DTTrang.TTTL@tphcm.gov.vn>",
		"Nguyen Van A <nva@gmail.com>,  <x_y+z@svhtt.tphcm.gov.vn>",
		"John Q. Public <jqp@example.com>",
		"plain@example.com",
	}
	for _, f := range fields {
		got, ok := simpleAddrs(f)
		if !ok {
			t.Errorf("%q: fast path refused", f)
			continue
		}
		list, err := mail.ParseAddressList(f)
		if err != nil {
			t.Fatalf("%q: parser: %v", f, err)
		}
		var want []string
		for _, a := range list {
			want = append(want, strings.ToLower(a.Address))
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%q: fast %v, parser %v", f, got, want)
		}
	}
	for _, f := range []string{`"Doe, Jane" <j@d.e>`, "a@b.c <x@y.z>", "(comment) a@b", "undisclosed-recipients:;", "a@@b", "a..b@c", "<a@b>>", "a@b,,c@d", "x <a@b> y"} {
		if got, ok := simpleAddrs(f); ok {
			t.Errorf("%q: fast path took it: %v", f, got)
		}
	}
}

// decodeRune's inline forms agree with the library for every rune and for
// malformed and truncated sequences.
func TestDecodeRuneMatchesUTF8(t *testing.T) {
	check := func(s string) {
		r1, n1 := decodeRune(s, 0)
		r2, n2 := utf8.DecodeRuneInString(s)
		if r1 != r2 || n1 != n2 {
			t.Fatalf("%q: decodeRune %U/%d, utf8 %U/%d", s, r1, n1, r2, n2)
		}
	}
	for r := rune(0x80); r <= 0x10FFFF; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		s := string(r)
		check(s)
		check(s[:len(s)-1])
		check(s + "x")
	}
	for a := 0x80; a <= 0xFF; a++ {
		for b := 0; b <= 0xFF; b += 0x11 {
			check(string([]byte{byte(a), byte(b), 0x80}))
			check(string([]byte{byte(a), 0x80, byte(b)}))
		}
	}
}
