package policy

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxReplyLine bounds each reply line in octets. SMTP allows 512 octets per
// reply line including "550-5.7.1 " and CRLF (RFC 5321 4.5.3.1.5); 400 leaves
// room for a relay that repeats the enhanced code on every line.
const maxReplyLine = 400

// replyContext is what a policy tip may mention. Every address in it is
// normalized; the sender and recipients come from the client's own commands.
type replyContext struct {
	sender     string
	senderCity string // the sender's city address from the roster
	cityDomain string
	docType    string
	secrecy    string
	badRcpt    []string
	rcptCity   []string // city addresses of roster members among badRcpt
}

// buildReply writes one Vietnamese paragraph per finding, then the same in
// English, like a DLP policy tip: what happened and what to do instead.
func buildReply(code int, enhanced string, findings []string, c replyContext) Reply {
	var vi, en []string
	for _, f := range findings {
		v, e := tip(f, c)
		vi = append(vi, v)
		en = append(en, e)
	}
	var lines []string
	for _, p := range append(vi, en...) {
		lines = append(lines, wrap(p, maxReplyLine)...)
	}
	ascii := make([]string, len(lines))
	for i, l := range lines {
		ascii[i] = foldASCII(l)
	}
	return Reply{
		Code:      code,
		Enhanced:  enhanced,
		Text:      strings.Join(lines, "\n"),
		TextASCII: strings.Join(ascii, "\n"),
	}
}

// tip returns the Vietnamese and English advice for one finding.
func tip(f string, c replyContext) (vi, en string) {
	typeVI, typeEN := typeNames(c.docType)
	switch f {
	case FindingSecretDocument:
		markVI, markEN := secrecyNames(c.secrecy)
		return fmt.Sprintf("Thư không được gửi: thư có tài liệu mang dấu %s. Không gửi tài liệu mật qua thư điện tử; hãy chuyển giao theo quy định bảo vệ bí mật nhà nước. Nếu dấu mật bị nhận nhầm, hãy liên hệ bộ phận quản trị thư.", markVI),
			fmt.Sprintf("Message not sent: it carries a document marked %s. Do not send secret documents by e-mail; hand them over under the state-secret rules. If the marking was detected by mistake, contact the mail administrator.", markEN)
	case FindingBypassPersonalSender:
		fromVI := "hộp thư @" + c.cityDomain + " của anh/chị"
		fromEN := "your @" + c.cityDomain + " mailbox"
		if c.senderCity != "" {
			fromVI, fromEN = c.senderCity, c.senderCity
		}
		return fmt.Sprintf("Thư không được gửi: %s phải được gửi từ hộp thư công vụ (Hệ thống thư điện tử Thành phố), không gửi từ %s. Hãy gửi lại từ %s.", typeVI, shown(c.sender), fromVI),
			fmt.Sprintf("Message not sent: %s must be sent from your official city mailbox, not from %s. Please send it again from %s.", typeEN, shown(c.sender), fromEN)
	case FindingBypassPersonalRecipient:
		toVI, toEN := ".", "."
		if len(c.rcptCity) > 0 {
			toVI = ": " + shownList(c.rcptCity) + "."
			toEN = ": " + shownList(c.rcptCity) + "."
		}
		return fmt.Sprintf("Thư không được gửi: %s không được gửi đến hộp thư cá nhân (%s). Hãy gửi đến hộp thư công vụ của người nhận%s", typeVI, shownList(c.badRcpt), toVI),
			fmt.Sprintf("Message not sent: %s must not be sent to personal mailboxes (%s). Send it to the recipients' official city mailboxes%s", typeEN, shownList(c.badRcpt), toEN)
	case FindingPersonalUse:
		return "Thư không được gửi: hộp thư công vụ chỉ dùng cho công việc, không dùng cho mục đích cá nhân. Hãy gửi thư cá nhân từ hộp thư cá nhân của anh/chị.",
			"Message not sent: the official city mailbox is for work only, not for personal mail. Please send personal mail from your own mailbox."
	case FindingUnknownSender:
		return fmt.Sprintf("Thư không được gửi: địa chỉ gửi %s không có trong danh sách viên chức của đơn vị. Hãy gửi từ hộp thư công vụ của anh/chị, hoặc liên hệ bộ phận quản trị để được bổ sung vào danh sách.", shown(c.sender)),
			fmt.Sprintf("Message not sent: the sender %s is not on the staff list. Send from your official mailbox, or ask the administrator to add you to the list.", shown(c.sender))
	case FindingWeakPassword:
		return "Mật khẩu chưa đạt yêu cầu: tối thiểu 8 ký tự, có chữ in hoa, chữ thường và ký tự đặc biệt (!, @, #, %, &, *...). Hãy đổi mật khẩu trên trang thư điện tử Thành phố rồi đăng nhập lại bằng mật khẩu mới.",
			"Password does not meet the rule: at least 8 characters with upper case, lower case and a special character (!, @, #, %, &, *...). Change it in the city webmail, then sign in again with the new password."
	}
	return "Thư không được gửi do vi phạm quy định sử dụng thư điện tử (" + f + ").",
		"Message not sent: it breaks the mail policy (" + f + ")."
}

// typeNames names a document type for a sentence; "văn bản này" / "this
// document" when the type is not a taxonomy document type.
func typeNames(t string) (vi, en string) {
	switch t {
	case "thong_bao":
		return "thông báo", "a notice"
	case "cong_van":
		return "công văn", "an official letter"
	case "giay_moi":
		return "giấy mời", "an invitation"
	case "bao_cao":
		return "báo cáo", "a report"
	case "lich_cong_tac":
		return "lịch công tác", "a work schedule"
	case "tai_lieu_hop":
		return "tài liệu họp", "meeting material"
	case "ke_hoach":
		return "kế hoạch", "a plan"
	case "quyet_dinh":
		return "quyết định", "a decision"
	case "to_trinh":
		return "tờ trình", "a submission"
	case "bien_ban":
		return "biên bản", "minutes"
	case "huong_dan":
		return "hướng dẫn", "guidance"
	case "tai_lieu_cong_viec":
		return "tài liệu công việc", "work material"
	}
	return "văn bản công vụ", "an official document"
}

func secrecyNames(s string) (vi, en string) {
	switch s {
	case "toi_mat":
		return "TỐI MẬT", "TOI MAT (secret)"
	case "tuyet_mat":
		return "TUYỆT MẬT", "TUYET MAT (top secret)"
	}
	return "MẬT", "MAT (confidential)"
}

// shown makes a client-supplied address safe to echo in a reply: no control
// characters (a CR or LF would end the reply line) and bounded length.
func shown(a string) string {
	a = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, a)
	if len(a) > 80 {
		// Cut at a character boundary: local parts may be UTF-8 (RFC 6531).
		cut := 77
		for cut > 0 && !utf8.RuneStart(a[cut]) {
			cut--
		}
		a = a[:cut] + "..."
	}
	if a == "" {
		return "(?)"
	}
	return a
}

// shownList shows at most three addresses: the tip must fit a reply, and the
// user recognises the mistake from the first few.
func shownList(as []string) string {
	const max = 3
	var out []string
	for i, a := range as {
		if i == max {
			out = append(out, fmt.Sprintf("+%d", len(as)-max))
			break
		}
		out = append(out, shown(a))
	}
	return strings.Join(out, ", ")
}

// wrap splits a paragraph at spaces into lines of at most max octets.
func wrap(p string, max int) []string {
	var lines []string
	var cur strings.Builder
	for _, w := range strings.Fields(p) {
		if cur.Len() > 0 && cur.Len()+1+len(w) > max {
			lines = append(lines, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(w)
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

// foldASCII writes Vietnamese without diacritics, for clients that did not
// announce SMTPUTF8. đ/Đ are letters of their own, not d plus a mark, so
// they are mapped explicitly; anything else outside ASCII becomes '?'.
func foldASCII(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case r == 'đ':
			b.WriteByte('d')
		case r == 'Đ':
			b.WriteByte('D')
		case unicode.Is(unicode.Mn, r):
		case r < 0x80:
			b.WriteRune(r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}
