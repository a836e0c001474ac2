package classify

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Fuzz targets. Seeds live in testdata/fuzz/<Target>/ and in f.Add below;
// CI runs each briefly with -fuzztime.

const seedMail = "From: =?utf-8?B?xJDhurduZw==?= <a@tphcm.gov.vn>\r\nTo: b@tphcm.gov.vn\r\nSubject: =?utf-8?Q?Th=C3=B4ng_b=C3=A1o?=\r\nContent-Type: multipart/mixed; boundary=\"X\"\r\n\r\n--X\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nS=E1=BB=91: 15/TB-TTTL\r\nTH=C3=94NG B=C3=81O\r\n--X\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nM\xe1\xba\xacT\r\n--X--\r\n"

func fuzzClassifier(f *testing.F) *Classifier {
	c, err := New(Config{Limits: Limits{Timeout: time.Second, MaxBytes: 8 << 20}})
	if err != nil {
		f.Fatal(err)
	}
	return c
}

func FuzzClassify(f *testing.F) {
	f.Add([]byte(seedMail))
	f.Add([]byte("Content-Type: multipart/alternative; boundary=a\r\n\r\n--a\r\nContent-Type: text/html\r\n\r\n<p>KH&#7848;N</p>\r\n"))
	f.Add([]byte("Subject: x\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!!===="))
	c := fuzzClassifier(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		v := c.Classify(context.Background(), bytes.NewReader(b), Envelope{})
		if v.Type == "" || v.Secrecy == "" || v.Audience == "" {
			t.Fatalf("incomplete verdict %+v", v)
		}
		failOnPanic(t, v)
	})
}

// failOnPanic fails the test when Classify recovered a panic: the relay
// survives one, a test must not.
func failOnPanic(t testing.TB, v Verdict) {
	t.Helper()
	for _, e := range v.Errors {
		if strings.HasPrefix(e, "panic:") {
			t.Fatalf("classifier panicked: %s", e)
		}
	}
}

// officeZip builds a one-member zip for extractor seeds.
func officeZip(name, body string) []byte {
	var z bytes.Buffer
	w := zip.NewWriter(&z)
	f, _ := w.Create(name)
	f.Write([]byte(body))
	w.Close()
	return z.Bytes()
}

// extractOnce runs one extractor through the walker and checks its text
// is valid UTF-8 whatever the input.
func extractOnce(t *testing.T, c *Classifier, name string, data []byte) *unit {
	w := &walker{c: c, lim: c.lim, ctx: context.Background(), deadline: time.Now().Add(time.Second)}
	w.body = &unit{where: "body", att: -1}
	u := &unit{where: "attachment " + name, name: name}
	w.extract(u, name, "", data, 1, u.where)
	for _, s := range u.segs {
		if !utf8.ValidString(s.text) {
			t.Fatalf("invalid UTF-8 from %s", name)
		}
	}
	return u
}

func FuzzDocx(f *testing.F) {
	f.Add(officeZip("word/document.xml", `<w:document><w:body><w:p><w:r><w:rPr><w:rFonts w:ascii=".VnTimeH"/></w:rPr><w:t>TH¤NG B¸O</w:t></w:r></w:p></w:body></w:document>`))
	c := fuzzClassifier(f)
	f.Fuzz(func(t *testing.T, b []byte) { extractOnce(t, c, "a.docx", b) })
}

func FuzzXLSX(f *testing.F) {
	f.Add(officeZip("xl/sharedStrings.xml", `<sst><si><t>LỊCH CÔNG TÁC</t></si></sst>`))
	c := fuzzClassifier(f)
	f.Fuzz(func(t *testing.T, b []byte) { extractOnce(t, c, "a.xlsx", b) })
}

func FuzzODT(f *testing.F) {
	f.Add(officeZip("content.xml", `<office:document-content><office:body><text:p>THÔNG<text:s text:c="2"/>BÁO</text:p></office:body></office:document-content>`))
	c := fuzzClassifier(f)
	f.Fuzz(func(t *testing.T, b []byte) { extractOnce(t, c, "a.odt", b) })
}

// FuzzXMLText also checks that extraction fed in small pieces, as office
// members are decompressed, gives exactly the text of one whole pass.
func FuzzXMLText(f *testing.F) {
	f.Add([]byte(`<w:p><w:r><w:rFonts w:ascii="VNI-Times"/><w:t>Thoâng baùo &amp; &#7848;</w:t></w:r></w:p>`), uint8(0), uint8(3))
	f.Add([]byte(`<office:body><text:p>a<![CDATA[b]]><text:s text:c="99999999999"/></text:p>`), uint8(3), uint8(1))
	profiles := []*xmlProfile{docxProfile, xlsxProfile, pptxProfile, odfProfile}
	f.Fuzz(func(t *testing.T, b []byte, p, chunk uint8) {
		prof := profiles[int(p)%len(profiles)]
		s := xmlText(b, prof, 1<<16)
		if !utf8.ValidString(s) && utf8.Valid(b) {
			t.Fatalf("invalid UTF-8 out of valid input")
		}
		if got := streamedXMLText(b, prof, 1<<16, 1+int(chunk)%32); got != s {
			t.Fatalf("streamed text differs:\n whole  %q\n pieces %q", s, got)
		}
	})
}

// streamedXMLText runs the member extraction path over b delivered a few
// bytes per Read.
func streamedXMLText(b []byte, prof *xmlProfile, maxChars, step int) string {
	x := newXMLScanner(prof, maxChars, 64)
	feedXML(&stepReader{b: b, step: step}, x, 1<<62, step, func() bool { return true })
	return x.result()
}

// stepReader returns at most step bytes per Read.
type stepReader struct {
	b    []byte
	step int
}

func (r *stepReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), r.step)], r.b)
	r.b = r.b[n:]
	return n, nil
}

func FuzzPDF(f *testing.F) {
	f.Add([]byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF"))
	c := fuzzClassifier(f)
	f.Fuzz(func(t *testing.T, b []byte) { extractOnce(t, c, "a.pdf", b) })
}

func FuzzRTF(f *testing.F) {
	f.Add([]byte(`{\rtf1\ansi\ansicpg1258{\fonttbl{\f0 Times;}}\f0 Th\'f4ng b\'e1o\par \u7898?\cell}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, _ := extractRTF(b)
		_ = s
	})
}

func FuzzDoc(f *testing.F) {
	f.Add([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	c := fuzzClassifier(f)
	f.Fuzz(func(t *testing.T, b []byte) { extractOnce(t, c, "a.doc", b) })
}

func FuzzZip(f *testing.F) {
	f.Add(officeZip("inner/GM hop.txt", "GIẤY MỜI"))
	c := fuzzClassifier(f)
	f.Fuzz(func(t *testing.T, b []byte) { extractOnce(t, c, "a.zip", b) })
}

func FuzzHTML(f *testing.F) {
	f.Add("<html><head><style>x</style></head><body><p>TH&Ocirc;NG B&Aacute;O</p><td>a</td><!-- c --></body>")
	f.Fuzz(func(t *testing.T, s string) {
		out := htmlText(s)
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatal("invalid UTF-8 out of valid input")
		}
	})
}

func FuzzSoKyHieu(f *testing.F) {
	for _, s := range []string{"Số: 15 /TB-TTTL", "Số: 1434/SVHTT-VP", "30/2020/NĐ-CP", "Số 05-TB/CB", "20/10/2024", "185-KH-TTTL x"} {
		f.Add(s)
	}
	c := fuzzClassifier(f)
	f.Fuzz(func(t *testing.T, s string) {
		if k, n, ok := ParseSoKyHieu(s); ok {
			if n > len(s) || k.Text == "" || strings.ContainsAny(k.Text, " \t") {
				t.Fatalf("ParseSoKyHieu(%q) = %+v, %d", s, k, n)
			}
		}
		findSoKyHieu(s)
		findLooseNumber(s)
		c.fileNameNumber(s)
	})
}

func FuzzTCVN3(f *testing.F) {
	f.Add("Sè: 02/SVHTT-VP", false)
	f.Add("THµNH PHè Hå CHÝ", true)
	f.Fuzz(func(t *testing.T, s string, upper bool) {
		out := DecodeTCVN3(s, upper)
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatal("invalid UTF-8")
		}
	})
}

func FuzzVNI(f *testing.F) {
	f.Add("Thoâng baùo Ñoäc laäp - Töï do - Haïnh phuùc")
	f.Fuzz(func(t *testing.T, s string) {
		out := DecodeVNI(s)
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatal("invalid UTF-8")
		}
	})
}
