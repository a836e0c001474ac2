package inspect_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"

	"mailaudit/audit"
	"mailaudit/policy"
)

// textMail is a typed (attachment-free) message with the given header
// fields; an empty field is left out.
func textMail(from string, to, cc []string, subject, body string) []byte {
	var b strings.Builder
	if from != "" {
		fmt.Fprintf(&b, "From: %s\r\n", from)
	}
	if len(to) > 0 {
		fmt.Fprintf(&b, "To: %s\r\n", strings.Join(to, ", "))
	}
	if len(cc) > 0 {
		fmt.Fprintf(&b, "Cc: %s\r\n", strings.Join(cc, ", "))
	}
	fmt.Fprintf(&b, "Subject: %s\r\nMessage-ID: <%d@test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
		subject, len(body))
	b.WriteString(strings.ReplaceAll(body, "\n", "\r\n"))
	b.WriteString("\r\n")
	return []byte(b.String())
}

// sendEnvelope sends msg with the given envelope; every recipient must be
// accepted.
func sendEnvelope(addr, from string, rcpts []string, msg []byte) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Mail(from, &smtp.MailOptions{UTF8: true}); err != nil {
		return fmt.Errorf("MAIL FROM:<%s>: %w", from, err)
	}
	for _, r := range rcpts {
		if err := c.Rcpt(r, nil); err != nil {
			return fmt.Errorf("RCPT TO:<%s>: %w", r, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	_, err = w.CloseWithResponse()
	return err
}

const (
	personalText = "Chào em,\nCuối tuần này cả nhà mình đi dự đám cưới của bạn Lan, sau đó đi ăn sinh nhật bé Na nhé. " +
		"Nhớ mang thiệp cưới và quà sinh nhật.\nThân."
	reportText = "Kính gửi: Văn phòng Sở Văn hóa và Thể thao\n" +
		"Trung tâm Thông tin Triển lãm báo cáo kết quả tổ chức triển lãm tháng 5/2024 như sau:\n" +
		"1. Kết quả thực hiện: tổ chức 03 cuộc triển lãm, thu hút 12.000 lượt khách tham quan.\n" +
		"2. Khó khăn, vướng mắc: kinh phí in ấn còn hạn chế.\n" +
		"3. Kiến nghị, đề xuất: đề nghị Sở xem xét bổ sung kinh phí.\nTrân trọng báo cáo."
	inviteText = "Kính mời các anh chị viên chức Phòng Triển lãm tham dự cuộc họp giao ban tuần.\n" +
		"Thời gian: 8 giờ 00, thứ Hai ngày 10/6/2024.\nĐịa điểm: phòng họp Trung tâm.\n" +
		"Nội dung: đánh giá kết quả công tác tuần và triển khai kế hoạch tuần tới.\n" +
		"Đề nghị các anh chị tham dự đúng giờ. Trân trọng kính mời."
)

// TestIdentityAndRecipientsEndToEnd sends each case of issue 15 (1: whose
// message it is, 2: whose personal address a recipient is, 3: an audience
// that must not depend on where the judged recipient is written) through
// the relay with the real classifier and policy over TCP and reads the
// audit row.
func TestIdentityAndRecipientsEndToEnd(t *testing.T) {
	addr, _, rec := gateway(t, "monitor")
	const (
		phuc        = "lhphuc.tttl@tphcm.gov.vn"  // TTTL003
		thanh       = "nvthanh.tttl@tphcm.gov.vn" // TTTL001
		truong      = "dvtruong.tttl@tphcm.gov.vn"
		so          = "vanphong.svhtt@tphcm.gov.vn"
		partner     = "minhkhoa.designstudio@gmail.com" // an outside partner: on no roster
		colleague   = "dotruong.trienlam@gmail.com"     // a colleague's gmail the roster does not list
		phucGmail   = "hoangphucle.vn@googlemail.com"   // TTTL003's hoangphuc.le.vn@gmail.com, written another way
		consumerSig = "policy: consumer-domain recipient "
	)
	tests := []struct {
		name      string
		mailFrom  string
		rcpts     []string
		msg       []byte
		wantType  string
		wantFlags []string
		wantStaff string
		wantSig   []string // prefixes of policy signals the row must carry
	}{
		// Case 1: the header From is a claim nobody verified.
		{"1a forged header From, trailing-dot envelope sender",
			"someone@gmail.com.", []string{truong},
			textMail("<"+phuc+">", []string{truong}, nil, "Cuối tuần đi đám cưới", personalText),
			"ca_nhan", []string{policy.FindingUnknownSender}, "", nil},
		{"1b forged header From, UTF-8 envelope sender",
			"thành@gmail.com", []string{truong},
			textMail("<"+phuc+">", []string{truong}, nil, "Cuối tuần đi đám cưới", personalText),
			"ca_nhan", []string{policy.FindingUnknownSender}, "", nil},
		{"1c null sender: the header From is all there is",
			"", []string{truong},
			textMail("<"+phuc+">", []string{truong}, nil, "Cuối tuần đi đám cưới", personalText),
			"ca_nhan", []string{policy.FindingPersonalUse}, "TTTL003", nil},
		// Case 2: a partner's gmail in copy is nobody's bypass.
		{"2a report to the Sở with a partner's gmail in Cc",
			thanh, []string{so, partner},
			textMail("<"+thanh+">", []string{so}, []string{partner}, "Báo cáo kết quả tổ chức triển lãm tháng 5", reportText),
			"bao_cao", nil, "TTTL001", []string{consumerSig + partner}},
		{"2b the same report with a colleague's listed gmail in Cc",
			thanh, []string{so, "hoangphuc.le.vn@gmail.com"},
			textMail("<"+thanh+">", []string{so}, []string{"hoangphuc.le.vn@gmail.com"}, "Báo cáo kết quả tổ chức triển lãm tháng 5", reportText),
			"bao_cao", []string{policy.FindingBypassPersonalRecipient}, "TTTL001", nil},
		// Case 3: To or Bcc, the same judgement.
		{"3a invitation, unlisted colleague's gmail in To",
			thanh, []string{truong, colleague},
			textMail("<"+thanh+">", []string{truong, colleague}, nil, "Giấy mời họp giao ban tuần", inviteText),
			"giay_moi", nil, "TTTL001", []string{consumerSig + colleague}},
		{"3b invitation, unlisted colleague's gmail in Bcc",
			thanh, []string{truong, colleague},
			textMail("<"+thanh+">", []string{truong}, nil, "Giấy mời họp giao ban tuần", inviteText),
			"giay_moi", nil, "TTTL001", []string{consumerSig + colleague}},
		{"3c invitation, listed colleague's gmail (another spelling) in To",
			thanh, []string{truong, phucGmail},
			textMail("<"+thanh+">", []string{truong, phucGmail}, nil, "Giấy mời họp giao ban tuần", inviteText),
			"giay_moi", []string{policy.FindingBypassPersonalRecipient}, "TTTL001", nil},
		{"3d invitation, listed colleague's gmail (another spelling) in Bcc",
			thanh, []string{truong, phucGmail},
			textMail("<"+thanh+">", []string{truong}, nil, "Giấy mời họp giao ban tuần", inviteText),
			"giay_moi", []string{policy.FindingBypassPersonalRecipient}, "TTTL001", nil},
		// The agency's own document names its addressee: that decides, not
		// the recipients (classify.Verdict.AudienceSource).
		{"3e own report addressed to the Sở, unlisted gmail in To",
			thanh, []string{truong, colleague},
			mailWithDocx(thanh, truong+">, <"+colleague, "Báo cáo kết quả triển lãm", "BC_trien_lam.docx", ownReport(t, "Sở Văn hóa và Thể thao")),
			"bao_cao", nil, "TTTL001", []string{consumerSig + colleague + " not on the roster; mandated document, audience so;"}},
		{"3f own report addressed to a district, unlisted gmail in To",
			thanh, []string{truong, colleague},
			mailWithDocx(thanh, truong+">, <"+colleague, "Báo cáo kết quả triển lãm", "BC_trien_lam.docx", ownReport(t, "Ủy ban nhân dân Quận 3")),
			"bao_cao", nil, "TTTL001", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := sendEnvelope(addr, tt.mailFrom, tt.rcpts, tt.msg); err != nil {
				t.Fatalf("send: %v", err)
			}
			ev := rec.last()
			t.Logf("row: mail_from=%q type=%s audience=%s flags=%v staff_id=%q signals=%q", ev.MailFrom, ev.Type, ev.Audience, ev.Flags, ev.StaffID, policySignals(ev))
			if ev.Action != audit.ActionRelayed {
				t.Fatalf("action %s, want relayed (monitor mode)", ev.Action)
			}
			if ev.Type != tt.wantType {
				t.Fatalf("type %s, want %s: the case does not test what it says", ev.Type, tt.wantType)
			}
			if !slices.Equal(ev.Flags, tt.wantFlags) || ev.StaffID != tt.wantStaff {
				t.Errorf("flags=%v staff_id=%q, want flags=%v staff_id=%q", ev.Flags, ev.StaffID, tt.wantFlags, tt.wantStaff)
			}
			got := policySignals(ev)
			if len(got) != len(tt.wantSig) {
				t.Errorf("policy signals %q, want %q", got, tt.wantSig)
			}
			for i := range min(len(got), len(tt.wantSig)) {
				if !strings.HasPrefix(got[i], tt.wantSig[i]) {
					t.Errorf("policy signal %q, want %q...", got[i], tt.wantSig[i])
				}
			}
		})
	}
}

// ownReport is a report the agency issues (its số ký hiệu carries TTTL)
// addressed to addressee.
func ownReport(t *testing.T, addressee string) []byte {
	return docx(t, "TRUNG TÂM THÔNG TIN TRIỂN LÃM", "Số: 31/BC-TTTL", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"Độc lập - Tự do - Hạnh phúc", "BÁO CÁO", "Kết quả tổ chức triển lãm tháng 5 năm 2024",
		"Kính gửi: "+addressee, "Trung tâm Thông tin Triển lãm báo cáo kết quả tổ chức triển lãm tháng 5 như sau: tổ chức 03 cuộc triển lãm./.",
		"Nơi nhận:", "- Như trên;", "- Lưu: VT, HCTH.")
}

// policySignals returns the audit row's signals that come from the policy.
func policySignals(ev *audit.Event) []string {
	var out []string
	for _, s := range ev.Signals {
		if strings.HasPrefix(s, "policy: ") {
			out = append(out, s)
		}
	}
	return out
}
