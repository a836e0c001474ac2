package report

import "slices"

// Languages of report headers and dashboard pages.
const (
	LangVI = "vi"
	LangEN = "en"
)

// label is one text in both languages.
type label struct{ vi, en string }

func (l label) in(lang string) string {
	if lang == LangEN {
		return l.en
	}
	return l.vi
}

// typeLabels names the taxonomy's primary types (shared/taxonomy.md), in
// the taxonomy's order. A function rather than a package variable keeps
// the package free of mutable globals.
func typeLabels() []struct {
	id string
	label
} {
	return []struct {
		id string
		label
	}{
		{"thong_bao", label{"Thông báo", "Notice"}},
		{"cong_van", label{"Công văn", "Official letter"}},
		{"giay_moi", label{"Giấy mời", "Invitation"}},
		{"bao_cao", label{"Báo cáo", "Report"}},
		{"lich_cong_tac", label{"Lịch công tác", "Work schedule"}},
		{"tai_lieu_hop", label{"Tài liệu họp", "Meeting material"}},
		{"ke_hoach", label{"Kế hoạch", "Plan"}},
		{"quyet_dinh", label{"Quyết định", "Decision"}},
		{"to_trinh", label{"Tờ trình", "Submission"}},
		{"bien_ban", label{"Biên bản", "Minutes"}},
		{"huong_dan", label{"Hướng dẫn", "Guidance"}},
		{"van_ban_khac", label{"Văn bản khác", "Other document"}},
		{"tai_lieu_cong_viec", label{"Tài liệu công việc", "Work material"}},
		{"ca_nhan", label{"Thư cá nhân", "Personal"}},
		{"khong_xac_dinh", label{"Không xác định", "Undetermined"}},
	}
}

// TypeLabel names a document type id; unknown ids are shown as they are.
func TypeLabel(id, lang string) string {
	for _, t := range typeLabels() {
		if t.id == id {
			return t.in(lang)
		}
	}
	if id == "" {
		return label{"(trống)", "(empty)"}.in(lang)
	}
	return id
}

// typeOrder sorts type ids in taxonomy order, unknown ids last by name.
func typeOrder(ids []string) {
	rank := func(id string) int {
		for i, t := range typeLabels() {
			if t.id == id {
				return i
			}
		}
		return len(typeLabels())
	}
	slices.SortFunc(ids, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		switch {
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	})
}

// findingLabels names the policy's finding ids (policy.Findings).
func findingLabels() map[string]label {
	return map[string]label{
		"bypass_personal_sender":    {"Gửi từ địa chỉ cá nhân", "Sent from a personal address"},
		"bypass_personal_recipient": {"Gửi đến địa chỉ cá nhân", "Sent to a personal address"},
		"secret_document":           {"Tài liệu mật", "Secret document"},
		"personal_use":              {"Dùng cho việc cá nhân", "Personal use"},
		"unknown_sender":            {"Người gửi ngoài danh sách", "Sender not on roster"},
		"weak_password":             {"Mật khẩu yếu", "Weak password"},
	}
}

// FindingLabel names a finding id; unknown ids are shown as they are.
func FindingLabel(id, lang string) string {
	if l, ok := findingLabels()[id]; ok {
		return l.in(lang)
	}
	return id
}

// ActionLabel names an audit action (audit.Action*); unknown values are
// shown as they are.
func ActionLabel(a, lang string) string {
	return pick(map[string]label{
		"relayed":    {"Đã chuyển", "Relayed"},
		"rejected":   {"Bị chặn", "Rejected"},
		"tempfailed": {"Lỗi tạm thời", "Temp. failed"},
		"bounced":    {"Bị trả lại", "Bounced"},
		// The relay stopped between the final dot and the upstream's
		// answer: the message may have been delivered.
		"interrupted": {"Gián đoạn (có thể đã gửi)", "Interrupted (may have been delivered)"},
	}, a, lang)
}

// LoginResultLabel names the result of a login attempt (auth_events.result).
func LoginResultLabel(r, lang string) string {
	return pick(map[string]label{
		"ok":       {"Thành công", "Succeeded"},
		"failed":   {"Sai mật khẩu", "Wrong password"},
		"tempfail": {"Lỗi tạm thời", "Temporary failure"},
		"locked":   {"Bị khóa tạm (quá nhiều lần sai)", "Locked out (too many failures)"},
		"no_route": {"Tên miền không được phục vụ", "Domain not served"},
		"refused":  {"Bị từ chối", "Refused"},
		"no_tls":   {"Từ chối: chưa mã hóa TLS", "Refused: no TLS"},
	}, r, lang)
}

// ServiceLabel names the service of a login or mailbox session.
func ServiceLabel(s, lang string) string {
	return pick(map[string]label{
		"smtp": {"Gửi thư (SMTP)", "Sending (SMTP)"},
		"imap": {"Hộp thư (IMAP)", "Mailbox (IMAP)"},
		"pop3": {"Hộp thư (POP3)", "Mailbox (POP3)"},
	}, s, lang)
}

// SessionEndLabel names how a mailbox session ended
// (mailbox_sessions.reason).
func SessionEndLabel(r, lang string) string {
	return pick(map[string]label{
		"client_closed": {"Người dùng đóng", "Closed by the client"},
		"server_closed": {"Máy chủ đóng", "Closed by the server"},
		"idle":          {"Hết thời gian chờ", "Idle timeout"},
		"shutdown":      {"Cổng dừng", "Gateway shut down"},
		"client_error":  {"Lỗi phía người dùng", "Client connection error"},
		"server_error":  {"Lỗi phía máy chủ", "Server connection error"},
		"error":         {"Lỗi", "Error"},
	}, r, lang)
}

// pick is the label of id in lang, or id itself when unknown.
func pick(m map[string]label, id, lang string) string {
	if l, ok := m[id]; ok {
		return l.in(lang)
	}
	return id
}
