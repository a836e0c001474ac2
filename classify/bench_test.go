package classify

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"mailaudit/loadgen"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

func loadDev(b *testing.B) [][]byte {
	dir := needShared(b, "corpus/dev/messages")
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	var out [][]byte
	for _, f := range files {
		d, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

// BenchmarkDevCorpus: throughput over the whole dev corpus on one core
// (run with -cpu 1) and the p99 time per message.
func BenchmarkDevCorpus(b *testing.B) {
	msgs := loadDev(b)
	c := newTestClassifier(b)
	total := 0
	for _, m := range msgs {
		total += len(m)
	}
	b.SetBytes(int64(total))
	var per []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, m := range msgs {
			t0 := time.Now()
			c.Classify(context.Background(), bytes.NewReader(m), Envelope{})
			per = append(per, time.Since(t0))
		}
	}
	b.StopTimer()
	sort.Slice(per, func(i, j int) bool { return per[i] < per[j] })
	b.ReportMetric(float64(per[len(per)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(per[len(per)-1].Microseconds())/1000, "max-ms")
}

// typical5KB is a plain + HTML office mail of about 5 KB.
func typical5KB() []byte {
	var body strings.Builder
	for body.Len() < 1800 {
		body.WriteString("Kính gửi anh chị, Phòng Hành chính - Tổng hợp gửi số liệu khách tham quan tháng 2 để tổng hợp báo cáo.\r\n")
	}
	html := "<html><body><p>" + strings.ReplaceAll(body.String(), "\r\n", "</p><p>") + "</p></body></html>"
	return []byte("From: =?utf-8?B?xJDhurduZyBUaHUgVHJhbmc=?= <dttrang.tttl@tphcm.gov.vn>\r\nTo: a.tttl@tphcm.gov.vn, b.tttl@tphcm.gov.vn\r\n" +
		"Subject: =?utf-8?Q?G=E1=BB=ADi_s=E1=BB=91_li=E1=BB=87u?=\r\nMessage-ID: <x@y>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
		body.String() + "\r\n--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html + "\r\n--b1--\r\n")
}

func BenchmarkTypical5KB(b *testing.B) {
	m := typical5KB()
	c := newTestClassifier(b)
	b.SetBytes(int64(len(m)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Classify(context.Background(), bytes.NewReader(m), Envelope{})
	}
}

// bigDocx builds a docx of about size bytes (compressed) of varied text.
func bigDocx(size int) []byte {
	var z bytes.Buffer
	w := zip.NewWriter(&z)
	f, _ := w.Create("word/document.xml")
	f.Write([]byte(`<?xml version="1.0"?><w:document><w:body><w:p><w:r><w:t>THÔNG BÁO</w:t></w:r></w:p>`))
	i := 0
	for z.Len() < size {
		fmt.Fprintf(f, `<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Đoạn %d: Trung tâm Thông tin Triển lãm báo cáo số liệu %x, kế hoạch %d.</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve"> tháng %d</w:t></w:r></w:p>`, i, i*7919, i*31, i%12)
		i++
		if i%2000 == 0 {
			w.Flush()
		}
	}
	f.Write([]byte(`</w:body></w:document>`))
	w.Close()
	return z.Bytes()
}

func BenchmarkDocx10MB(b *testing.B) {
	doc := bigDocx(10 << 20)
	msg := []byte("Subject: big\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document; name=big.docx\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64enc(doc) + "\r\n--B--\r\n")
	c, _ := New(Config{Limits: Limits{MaxBytes: 1 << 30, Timeout: time.Minute}})
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v := c.Classify(context.Background(), bytes.NewReader(msg), Envelope{})
		if i == 0 {
			b.Logf("docx %d bytes, errors %v, chars %d", len(doc), v.Errors, v.Attachments[0].Chars)
		}
	}
}

// BenchmarkLoadgen5KB is the message `mailaudit bench` relays: 5 KB of
// plain Vietnamese text, the classifier's share of the relay benchmark.
func BenchmarkLoadgen5KB(b *testing.B) {
	m := loadgen.Body(5000, "bench@tphcm.gov.vn", "sink@tphcm.gov.vn")
	c := newTestClassifier(b)
	b.SetBytes(int64(len(m)))
	b.ReportAllocs()
	for b.Loop() {
		c.Classify(context.Background(), bytes.NewReader(m), Envelope{})
	}
}
