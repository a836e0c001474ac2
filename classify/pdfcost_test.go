package classify

import (
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// textPDF writes a PDF of about size bytes: pages of Flate-compressed
// text (varied words, so the streams compress about as real text does)
// in a font with a ToUnicode CMap, as office exports do. The first page
// carries a document head, the last a Nơi nhận block.
func textPDF(size int) []byte {
	rng := rand.New(rand.NewSource(7))
	words := strings.Fields("Trung tam Thong tin Trien lam bao cao ket qua thuc hien nhiem vu cong tac tuyen truyen nam ke hoach to chuc su kien so lieu khach tham quan phong hanh chinh tong hop de nghi")
	widths := strings.TrimSpace(strings.Repeat("500 ", 256))
	cmap := "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n1 begincodespacerange\n<00> <FF>\nendcodespacerange\n" +
		"1 beginbfrange\n<20> <7E> <0020>\nendbfrange\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
	var objs []string
	add := func(s string) int { objs = append(objs, s); return len(objs) }
	add("<< /Type /Catalog /Pages 2 0 R >>")
	add("") // pages, written last
	font := add("<< /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+Test /FirstChar 0 /LastChar 255 /Widths [" + widths + "] /ToUnicode 4 0 R >>")
	add(fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", len(cmap), cmap))
	var kids []string
	total := 0
	for page := 1; total < size; page++ {
		var c strings.Builder
		c.WriteString("BT /F1 11 Tf 72 800 Td 14 TL\n")
		if page == 1 {
			c.WriteString("(CONG HOA XA HOI CHU NGHIA VIET NAM) Tj T* (So: 45/BC-TTTL) Tj T* (BAO CAO) Tj T*\n")
		}
		for line := 0; line < 52; line++ {
			c.WriteString("(")
			for k := 0; k < 11; k++ {
				c.WriteString(words[rng.Intn(len(words))])
				c.WriteByte(' ')
			}
			fmt.Fprintf(&c, "%d) Tj T*\n", rng.Intn(100000))
		}
		c.WriteString("ET\n")
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write([]byte(c.String()))
		zw.Close()
		content := add(fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", z.Len(), z.Bytes()))
		pg := add(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>", font, content))
		kids = append(kids, fmt.Sprintf("%d 0 R", pg))
		total += z.Len() + 200
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids))
	return writePDF(objs)
}

func pdfMail(name string, pdf []byte) []byte {
	return []byte("From: a.tttl@tphcm.gov.vn\r\nTo: b.tttl@tphcm.gov.vn\r\nSubject: Gui bao cao\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nGửi anh báo cáo.\r\n" +
		"--B\r\nContent-Type: application/pdf; name=\"" + name + "\"\r\nContent-Disposition: attachment; filename=\"" + name + "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		b64enc(pdf) + "\r\n--B--\r\n")
}

// benchPDF classifies a mail carrying data as a PDF and reports the cost
// per MB of PDF (the goal of issue 10: ≤ 40 ms per MB, or a budget the
// verdict reports).
func benchPDF(b *testing.B, name string, data []byte) {
	m := pdfMail(name, data)
	c := newTestClassifier(b)
	v := c.Classify(context.Background(), bytes.NewReader(m), Envelope{})
	b.Logf("%s: %d bytes, type %s, chars %d, errors %v", name, len(data), v.Type, v.Attachments[0].Chars, v.Errors)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		c.Classify(context.Background(), bytes.NewReader(m), Envelope{})
	}
	per := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(float64(per.Microseconds())/1000/(float64(len(data))/(1<<20)), "ms/MB")
}

// BenchmarkPDF1_8MB: a 1.8 MB text PDF built here, attached to a mail.
func BenchmarkPDF1_8MB(b *testing.B) {
	benchPDF(b, "bao cao.pdf", textPDF(1800<<10))
}

// BenchmarkPDFVnDocs: the largest real text PDF of ../shared/corpus/vn-docs.
func BenchmarkPDFVnDocs(b *testing.B) {
	dir := needShared(b, "corpus/vn-docs")
	files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	var best string
	var bestSize int64
	for _, f := range files {
		if st, err := os.Stat(f); err == nil && st.Size() > bestSize {
			best, bestSize = f, st.Size()
		}
	}
	if best == "" {
		b.Skipf("skipping: no PDF in %s", dir)
	}
	data, err := os.ReadFile(best)
	if err != nil {
		b.Fatal(err)
	}
	benchPDF(b, filepath.Base(best), data)
}

// A long PDF is read at its two ends, and the verdict says the middle was
// not read; a short one is read whole.
func TestPDFPageBudget(t *testing.T) {
	c := newTestClassifier(t)
	v := classifyBytes(t, c, pdfMail("bc.pdf", textPDF(400<<10)))
	if !contains(v.Errors, ErrLimitPages.Error()) {
		t.Fatalf("long PDF: errors %v, want %s", v.Errors, ErrLimitPages)
	}
	if v.DocNumber != "45/BC-TTTL" || v.Type != "bao_cao" {
		t.Fatalf("long PDF: %s %q, want bao_cao 45/BC-TTTL (the head is read)", v.Type, v.DocNumber)
	}
	v = classifyBytes(t, c, pdfMail("bc.pdf", textPDF(1<<10)))
	if contains(v.Errors, ErrLimitPages.Error()) || v.DocNumber != "45/BC-TTTL" {
		t.Fatalf("one-page PDF: errors %v, number %q", v.Errors, v.DocNumber)
	}
}
