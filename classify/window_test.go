package classify

import (
	"context"
	"strings"
	"testing"
)

// A long body is read at its two ends only; the evidence there must still
// decide, and a secrecy stamp at the top must still be found.
func TestLongBodyReadAtBothEnds(t *testing.T) {
	c, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("From: a@tphcm.gov.vn\r\nTo: b@tphcm.gov.vn\r\nSubject: van ban\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	b.WriteString("TRUNG TÂM THÔNG TIN TRIỂN LÃM\r\nMẬT\r\nSố: 41/BC-TTTL\r\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\r\nĐộc lập - Tự do - Hạnh phúc\r\n\r\nBÁO CÁO\r\nKết quả công tác quý II\r\n\r\n")
	for b.Len() < 200<<10 {
		b.WriteString("Trong quý, đơn vị đã tổ chức các hoạt động triển lãm và tuyên truyền theo kế hoạch được giao.\r\n")
	}
	b.WriteString("./.\r\nNơi nhận:\r\n- Sở Văn hóa và Thể thao;\r\n- Lưu: VT, HCTH.\r\n")
	v := c.Classify(context.Background(), strings.NewReader(b.String()), Envelope{})
	if v.Type != "bao_cao" || v.Secrecy != "mat" || v.DocNumber != "41/BC-TTTL" {
		t.Fatalf("long body: type=%s secrecy=%s doc=%s", v.Type, v.Secrecy, v.DocNumber)
	}
}
