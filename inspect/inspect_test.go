package inspect_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/prometheus/client_golang/prometheus"

	"mailaudit/audit"
	"mailaudit/classify"
	"mailaudit/config"
	"mailaudit/inspect"
	"mailaudit/internal/authguard"
	"mailaudit/policy"
	"mailaudit/relay"
	"mailaudit/sink"
)

// recorder keeps audit events; the ClickHouse path is tested in cmd/mailaudit.
type recorder struct {
	mu     sync.Mutex
	events []*audit.Event
}

func (r *recorder) Begin(context.Context, *audit.Event) error { return nil }
func (r *recorder) Record(_ context.Context, ev *audit.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
	return nil
}
func (r *recorder) RecordAuth(context.Context, *audit.AuthEvent) error { return nil }
func (r *recorder) last() *audit.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.events[len(r.events)-1]
}

// gateway is the relay with the real classifier and policy in front of a sink.
func gateway(t *testing.T, mode string) (addr string, up *sink.Sink, rec *recorder) {
	t.Helper()
	up, err := sink.Start(sink.Options{Addr: "127.0.0.1:0", Keep: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { up.Close() })
	roster, _ := filepath.Abs("../configs/roster.example.csv")
	rules, _ := filepath.Abs("../configs/classify-rules.yaml")
	cfg, err := config.Parse([]byte(fmt.Sprintf(`
listeners: {plain: 127.0.0.1:0}
trusted_networks: [127.0.0.0/8]
routes: [{name: city, domains: [tphcm.gov.vn], upstream: %s, tls: none}]
default_route: city
classify: {rules: %s}
policy: {mode: %s, roster: %s, department: ["@svhtt.tphcm.gov.vn", "vanphong.svhtt@tphcm.gov.vn"]}
`, up.Addr(), rules, mode, roster)))
	if err != nil {
		t.Fatal(err)
	}
	cl, err := classify.New(cfg.Classify)
	if err != nil {
		t.Fatal(err)
	}
	pe, err := policy.New(cfg.Policy)
	if err != nil {
		t.Fatal(err)
	}
	rec = &recorder{}
	r, err := relay.New(&relay.Runtime{Config: cfg, Inspect: inspect.New(cl, pe)}, rec, authguard.New(relay.GuardLimits(cfg.Limits)), slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	addrs, err := r.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Shutdown(context.Background()) })
	return addrs.Plain.String(), up, rec
}

// docx makes a minimal Word document whose paragraphs are lines.
func docx(t *testing.T, lines ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, _ := z.Create("[Content_Types].xml")
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`)
	w, _ = z.Create("word/document.xml")
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	for _, l := range lines {
		fmt.Fprintf(w, "<w:p><w:r><w:t>%s</w:t></w:r></w:p>", l)
	}
	io.WriteString(w, `</w:body></w:document>`)
	z.Close()
	return b.Bytes()
}

func mailWithDocx(from, to, subject, name string, doc []byte) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\nMessage-ID: <%s@test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n", from, to, subject, name)
	b.WriteString("--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nKính gửi anh chị, gửi văn bản đính kèm.\r\n")
	fmt.Fprintf(&b, "--B\r\nContent-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", name, name)
	enc := base64.StdEncoding.EncodeToString(doc)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--B--\r\n")
	return []byte(b.String())
}

func send(addr, from, to string, msg []byte) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Mail(from, &smtp.MailOptions{UTF8: true}); err != nil {
		return err
	}
	if err := c.Rcpt(to, nil); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	w.Write(msg)
	_, err = w.CloseWithResponse()
	return err
}

var secretDoc = []string{
	"TRUNG TÂM THÔNG TIN TRIỂN LÃM", "MẬT", "Số: 23/BC-TTTL",
	"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
	"BÁO CÁO", "Kết quả xác minh đơn thư", "Kính gửi: Sở Văn hóa và Thể thao",
	"Nội dung báo cáo ... ./.", "Nơi nhận:", "- Như trên;", "- Lưu: VT, HCTH.",
}

func TestSecretDocxEnforceRejectsBeforeDot(t *testing.T) {
	addr, up, rec := gateway(t, "enforce")
	msg := mailWithDocx("nguyen.van.an@tphcm.gov.vn", "vanphong@svhtt.tphcm.gov.vn", "Báo cáo kết quả xác minh", "BC ket qua xac minh.docx", docx(t, secretDoc...))
	err := send(addr, "nguyen.van.an@tphcm.gov.vn", "vanphong@svhtt.tphcm.gov.vn", msg)
	var se *smtp.SMTPError
	if !errors.As(err, &se) || se.Code != 550 || se.EnhancedCode != (smtp.EnhancedCode{5, 7, 1}) {
		t.Fatalf("secret docx in enforce mode: %v, want 550 5.7.1", err)
	}
	vi := strings.Index(se.Message, "mật")
	en := strings.Index(strings.ToLower(se.Message), "secret")
	if vi < 0 || en < 0 || vi > en {
		t.Errorf("reply is not bilingual with Vietnamese first: %q", se.Message)
	}
	if up.Dots() != 0 {
		t.Fatal("the upstream saw the final dot of a refused secret document")
	}
	ev := rec.last()
	if ev.Action != audit.ActionRejected || ev.Secrecy != "mat" || !contains(ev.Flags, policy.FindingSecretDocument) {
		t.Fatalf("audit row: action=%s secrecy=%s flags=%v", ev.Action, ev.Secrecy, ev.Flags)
	}
}

func TestSecretDocxMonitorRelaysAndFlags(t *testing.T) {
	addr, up, rec := gateway(t, "monitor")
	msg := mailWithDocx("nguyen.van.an@tphcm.gov.vn", "vanphong@svhtt.tphcm.gov.vn", "Báo cáo", "BC.docx", docx(t, secretDoc...))
	if err := send(addr, "nguyen.van.an@tphcm.gov.vn", "vanphong@svhtt.tphcm.gov.vn", msg); err != nil {
		t.Fatalf("monitor mode refused: %v", err)
	}
	if up.Accepted() != 1 {
		t.Fatal("not relayed")
	}
	ev := rec.last()
	if ev.Action != audit.ActionRelayed || !contains(ev.Flags, policy.FindingSecretDocument) || ev.Type != "bao_cao" || ev.DocNumber != "23/BC-TTTL" {
		t.Fatalf("audit row: action=%s type=%s doc=%s flags=%v", ev.Action, ev.Type, ev.DocNumber, ev.Flags)
	}
}

func TestInvitationFromPersonalAccountFlagged(t *testing.T) {
	addr, up, rec := gateway(t, "enforce")
	doc := docx(t, "TRUNG TÂM THÔNG TIN TRIỂN LÃM", "Số: 12/GM-TTTL", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"Độc lập - Tự do - Hạnh phúc", "GIẤY MỜI", "Họp giao ban tuần 22", "Trân trọng kính mời các phòng tham dự./.")
	msg := mailWithDocx("an.nguyenvan@gmail.com", "phong.hcth@tphcm.gov.vn", "[Giấy mời] Họp giao ban", "GM_hop_giao_ban.docx", doc)
	if err := send(addr, "an.nguyenvan@gmail.com", "phong.hcth@tphcm.gov.vn", msg); err != nil {
		t.Fatalf("invitation: %v", err)
	}
	if up.Accepted() != 1 {
		t.Fatal("not relayed: bypass is logged, not rejected, by default")
	}
	ev := rec.last()
	if ev.Type != "giay_moi" || !ev.Mandated || !contains(ev.Flags, policy.FindingBypassPersonalSender) {
		t.Fatalf("audit row: type=%s mandated=%v flags=%v", ev.Type, ev.Mandated, ev.Flags)
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// Every real-world and malformed message of the shared MIME corpus goes
// through the whole gateway (relay, classifier, policy) over TCP: each is
// either relayed byte for byte or refused with a clear SMTP reply, and the
// gateway keeps serving.
func TestMIMECorpusRelayedUnchanged(t *testing.T) {
	root := filepath.Join("..", "..", "shared", "corpus", "mime")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("../shared/corpus/mime not present (%v): the project's own tests do not need it", err)
	}
	var files []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".eml") || strings.HasSuffix(p, ".msg") || strings.HasSuffix(p, ".txt") || filepath.Ext(p) == "") {
			if !strings.Contains(strings.ToUpper(filepath.Base(p)), "LICENSE") && !strings.HasSuffix(p, ".md") {
				files = append(files, p)
			}
		}
		return nil
	})
	if len(files) < 500 {
		t.Fatalf("found only %d corpus files", len(files))
	}
	addr, up, _ := gateway(t, "monitor")
	relayed, refused := 0, map[int]int{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil || len(raw) == 0 {
			continue
		}
		before := up.Accepted()
		err = send(addr, "a@tphcm.gov.vn", "b@tphcm.gov.vn", raw)
		var se *smtp.SMTPError
		switch {
		case err == nil:
			got := up.Messages()
			if up.Accepted() != before+1 || !bytes.Equal(got[len(got)-1].Data, wire(raw)) {
				t.Fatalf("%s: relayed bytes differ from what the client sent", f)
			}
			relayed++
		case errors.As(err, &se) && (se.Code == 500 || se.Code == 552 || se.Code == 554):
			// Lines over the limit or oversize: a clear refusal, nothing relayed.
			refused[se.Code]++
			if up.Accepted() != before {
				t.Fatalf("%s: refused but relayed", f)
			}
		case longestLine(raw) > 2000 && up.Accepted() == before:
			// The relay answered 500 and closed while the client was still
			// writing the rest of the message: the client sees the reset
			// before it reads the reply.
			refused[500]++
		default:
			t.Fatalf("%s: %v", f, err)
		}
	}
	t.Logf("%d corpus messages: %d relayed byte for byte, refused by code: %v", len(files), relayed, refused)
	if relayed < len(files)*9/10 {
		t.Fatalf("only %d of %d relayed", relayed, len(files))
	}
}

// wire is what an SMTP client puts on the wire for raw: lines end in CRLF
// (textproto's DotWriter turns a bare LF into CRLF) and the data ends with
// a line break.
func wire(raw []byte) []byte {
	var b bytes.Buffer
	for i, c := range raw {
		if c == '\n' && (i == 0 || raw[i-1] != '\r') {
			b.WriteByte('\r')
		}
		b.WriteByte(c)
	}
	switch {
	case bytes.HasSuffix(b.Bytes(), []byte("\r\n")):
	case bytes.HasSuffix(b.Bytes(), []byte("\r")):
		b.WriteByte('\n')
	default:
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

func longestLine(b []byte) int {
	max := 0
	for _, l := range bytes.Split(b, []byte("\n")) {
		if len(l) > max {
			max = len(l)
		}
	}
	return max
}

// weak_password: reject refuses, in enforce mode, a login the upstream
// accepted when its password breaks the notice's rule; monitor mode only
// records it.
func TestWeakPasswordRejectAction(t *testing.T) {
	const user, weak, strong = "lhphuc.tttl@tphcm.gov.vn", "abc12345", "Manh#Khau2024"
	for _, mode := range []string{"enforce", "monitor"} {
		t.Run(mode, func(t *testing.T) {
			up, err := sink.Start(sink.Options{Addr: "127.0.0.1:0", Users: map[string]string{user: weak, "ttbngoc.tttl@tphcm.gov.vn": strong}})
			if err != nil {
				t.Fatal(err)
			}
			defer up.Close()
			cfg, err := config.Parse([]byte(fmt.Sprintf(`
listeners: {plain: 127.0.0.1:0}
trusted_networks: [127.0.0.0/8]
allow_insecure_auth: true
routes: [{name: city, domains: [tphcm.gov.vn], upstream: %s, tls: none}]
default_route: city
policy: {mode: %s, actions: {weak_password: reject}}
`, up.Addr(), mode)))
			if err != nil {
				t.Fatal(err)
			}
			pe, err := policy.New(cfg.Policy)
			if err != nil {
				t.Fatal(err)
			}
			r, err := relay.New(&relay.Runtime{Config: cfg, WeakPassword: policy.WeakPassword, AuthPolicy: inspect.AuthPolicy(pe)},
				&recorder{}, authguard.New(relay.GuardLimits(cfg.Limits)), slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
			if err != nil {
				t.Fatal(err)
			}
			addrs, err := r.Start(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer r.Shutdown(context.Background())
			login := func(u, p string) error {
				c, err := smtp.Dial(addrs.Plain.String())
				if err != nil {
					return err
				}
				defer c.Close()
				return c.Auth(sasl.NewPlainClient("", u, p))
			}
			err = login(user, weak)
			var se *smtp.SMTPError
			if mode == "enforce" {
				if !errors.As(err, &se) || se.Code != 535 || !strings.Contains(strings.ToLower(se.Message), "password") {
					t.Fatalf("weak password in enforce mode: %v, want 535 telling to change the password", err)
				}
				if strings.Contains(se.Message, weak) {
					t.Fatal("the reply repeats the password")
				}
			} else if err != nil {
				t.Fatalf("weak password in monitor mode: %v", err)
			}
			if err := login("ttbngoc.tttl@tphcm.gov.vn", strong); err != nil {
				t.Fatalf("strong password: %v", err)
			}
		})
	}
}
