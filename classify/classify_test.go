package classify

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The built-in rules must equal the shipped configs/classify-rules.yaml.
func TestEmbeddedRulesMatchShipped(t *testing.T) {
	b, err := os.ReadFile("../configs/classify-rules.yaml")
	if err != nil {
		t.Fatalf("read shipped rules: %v", err)
	}
	if !bytes.Equal(b, defaultRules) {
		t.Fatal("classify/rules_default.yaml differs from configs/classify-rules.yaml: copy it over")
	}
	if _, err := New(Config{Rules: "../configs/classify-rules.yaml"}); err != nil {
		t.Fatalf("shipped rules do not load: %v", err)
	}
}

func TestValidateNamesKey(t *testing.T) {
	err := Config{Limits: Limits{MaxParts: -1}}.Validate()
	if err == nil || !strings.Contains(err.Error(), "classify.limits.max_parts") {
		t.Fatalf("want error naming classify.limits.max_parts, got %v", err)
	}
}

func TestParseSoKyHieu(t *testing.T) {
	cases := []struct{ in, text, code string }{
		{"15 /TB-TTTL", "15/TB-TTTL", "TB"},
		{"1434/SVHTT-VP", "1434/SVHTT-VP", "SVHTT"},
		{"30/2020/NĐ-CP", "30/2020/NĐ-CP", "NĐ"},
		{"05-TB/CB", "05-TB/CB", "TB"},
		{"36/QyĐ-TTTL ngày", "36/QyĐ-TTTL", "QyĐ"},
	}
	for _, c := range cases {
		k, _, ok := ParseSoKyHieu(c.in)
		if !ok || k.Text != c.text || k.Code() != c.code {
			t.Errorf("ParseSoKyHieu(%q) = %+v, %v; want %s / %s", c.in, k, ok, c.text, c.code)
		}
	}
	if _, _, ok := ParseSoKyHieu("20/10/2024"); ok {
		t.Error("a date parsed as a số ký hiệu")
	}
}

func TestFoldAndLegacy(t *testing.T) {
	if a, b := foldString("Hòa THUỶ Đà"), foldString("Hoà thủy đà"); a != b || a != "hoa thuy da" {
		t.Errorf("fold: %q vs %q", a, b)
	}
	if got := DecodeTCVN3("Sè: 02", false); got != "Số: 02" {
		t.Errorf("TCVN3: %q", got)
	}
	if got := DecodeTCVN3("THµNH PHè", true); got != "THÀNH PHỐ" {
		t.Errorf("TCVN3 H: %q", got)
	}
	if got := DecodeVNI("Thoâng baùo"); got != "Thông báo" {
		t.Errorf("VNI: %q", got)
	}
	if toneKey("HOẢ TỐC") != toneKey("HỎA TỐC") || toneKey("MẬT") == toneKey("MẶT") {
		t.Error("toneKey")
	}
}

// A small message with every limit exercised must still give a verdict.
func TestLimits(t *testing.T) {
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	f, _ := zw.Create("bomb.txt")
	f.Write(bytes.Repeat([]byte("A"), 20<<20))
	zw.Close()
	msg := "From: a@b.c\r\nTo: d@e.f\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nhello\r\n--B\r\nContent-Type: application/zip; name=a.zip\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		b64enc(z.Bytes()) + "\r\n--B--\r\n"
	c := newTestClassifier(t)
	v := c.Classify(context.Background(), strings.NewReader(msg), Envelope{})
	if !contains(v.Errors, "limit:ratio") {
		t.Errorf("zip bomb: want limit:ratio, got %v", v.Errors)
	}
	// Deep nesting.
	var b strings.Builder
	b.WriteString("Subject: deep\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n")
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, "--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n", i, i+1)
	}
	v = c.Classify(context.Background(), strings.NewReader(b.String()), Envelope{})
	if !contains(v.Errors, "limit:depth") {
		t.Errorf("deep nesting: want limit:depth, got %v", v.Errors)
	}
	// Time budget: an expired context.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	v = c.Classify(ctx, strings.NewReader(b.String()), Envelope{})
	if !contains(v.Errors, "limit:time") {
		t.Errorf("cancelled: want limit:time, got %v", v.Errors)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestMimeCorpus reads every real-world and malformed message without a
// panic and within the limits, and reports how many hit a limit.
func TestMimeCorpus(t *testing.T) {
	dir := needShared(t, "corpus/mime")
	c, err := New(Config{Limits: Limits{Timeout: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	n, limited := 0, 0
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		base := strings.ToLower(d.Name())
		if strings.HasSuffix(base, ".tsv") || strings.HasSuffix(base, ".md") || strings.Contains(base, "licen") || strings.Contains(base, "copying") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		v := c.Classify(context.Background(), bytes.NewReader(data), Envelope{})
		if v.Type == "" {
			t.Errorf("%s: empty verdict", p)
		}
		for _, e := range v.Errors {
			if strings.HasPrefix(e, "panic:") {
				t.Errorf("%s: classifier panicked: %s", p, e)
			}
		}
		for _, e := range v.Errors {
			if strings.HasPrefix(e, "limit:") {
				limited++
				t.Logf("%s: %v", p, v.Errors)
				break
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Errorf("only %d messages found under %s", n, dir)
	}
	t.Logf("mime corpus: %d messages read, %d hit a limit", n, limited)
}

// panicReader panics on its first read: a stand-in for a bug anywhere
// below Classify.
type panicReader struct{}

func (panicReader) Read([]byte) (int, error) { panic("boom") }

// A panic below Classify is visible: an error in the verdict and a count
// in the metric on the registry the caller passed, not a silent
// khong_xac_dinh.
func TestPanicIsVisible(t *testing.T) {
	reg := prometheus.NewRegistry()
	c, err := New(Config{}, WithMetrics(NewMetrics(reg)))
	if err != nil {
		t.Fatal(err)
	}
	v := c.Classify(context.Background(), panicReader{}, Envelope{})
	if v.Type != typeUnknown || !contains(v.Errors, "panic: boom") {
		t.Fatalf("verdict %+v, want khong_xac_dinh with error \"panic: boom\"", v)
	}
	c.Classify(context.Background(), panicReader{}, Envelope{})
	mfs, err := reg.Gather()
	if err != nil || len(mfs) != 1 || mfs[0].GetName() != "mailaudit_classify_panics_total" {
		t.Fatalf("registry holds %v (%v)", mfs, err)
	}
	if got := mfs[0].GetMetric()[0].GetCounter().GetValue(); got != 2 {
		t.Fatalf("mailaudit_classify_panics_total = %v, want 2", got)
	}
	// Without metrics the verdict still says so.
	v = newTestClassifier(t).Classify(context.Background(), panicReader{}, Envelope{})
	if !contains(v.Errors, "panic: boom") {
		t.Fatalf("errors %v", v.Errors)
	}
}
