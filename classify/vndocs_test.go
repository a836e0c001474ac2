package classify

import (
	"context"
	"encoding/base64"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Real Vietnamese legal documents (legacy .doc and .pdf from the national
// portal): each is mailed as an attachment and must give text, within the
// limits, without a panic.
func TestVietnameseLegalDocuments(t *testing.T) {
	dir := needShared(t, "corpus/vn-docs")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	var files, withText int
	for _, e := range entries {
		name := e.Name()
		ext := strings.ToLower(filepath.Ext(name))
		if ext != ".doc" && ext != ".pdf" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		files++
		ctype := "application/pdf"
		if ext == ".doc" {
			ctype = "application/msword"
		}
		var b strings.Builder
		fmt.Fprintf(&b, "From: a@tphcm.gov.vn\r\nTo: b@tphcm.gov.vn\r\nSubject: van ban\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"X\"\r\n\r\n--X\r\nContent-Type: text/plain\r\n\r\nGui van ban.\r\n--X\r\nContent-Type: %s\r\nContent-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n",
			ctype, mime.QEncoding.Encode("utf-8", name))
		enc := base64.StdEncoding.EncodeToString(data)
		for len(enc) > 76 {
			b.WriteString(enc[:76] + "\r\n")
			enc = enc[76:]
		}
		b.WriteString(enc + "\r\n--X--\r\n")
		v := c.Classify(context.Background(), strings.NewReader(b.String()), Envelope{})
		if len(v.Attachments) != 1 {
			t.Errorf("%s: %d attachments", name, len(v.Attachments))
			continue
		}
		chars := v.Attachments[0].Chars
		if chars >= 500 {
			withText++
		}
		t.Logf("%-60s %-16s %7d chars  %v", name, v.Attachments[0].Type, chars, v.Errors)
	}
	if files < 20 {
		t.Fatalf("only %d documents found", files)
	}
	t.Logf("%d of %d real documents gave at least 500 characters of text", withText, files)
	if withText < files*9/10 {
		t.Fatalf("only %d of %d documents gave text", withText, files)
	}
}
