package dashboard

import (
	"fmt"
	"html"
	"html/template"
	"net/url"
	"strings"

	"mailaudit/report"
)

// bar is one labelled value of a chart.
type bar struct {
	Label string
	Value uint64
}

// columnChart draws vertical bars (one per week) as inline SVG: no script,
// no external file, readable in any browser and in a saved page.
func columnChart(bars []bar, lang string) template.HTML {
	const w, h, pad = 720, 200, 24
	var top uint64 = 1
	for _, b := range bars {
		top = max(top, b.Value)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" viewBox="0 0 %d %d" role="img" xmlns="http://www.w3.org/2000/svg">`, w, h+pad)
	if len(bars) > 0 {
		bw := float64(w) / float64(len(bars))
		for i, b := range bars {
			bh := float64(h-pad) * float64(b.Value) / float64(top)
			x := float64(i) * bw
			fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %s</title></rect>`,
				x+1, float64(h)-bh, bw-2, bh, html.EscapeString(b.Label), num(lang, b.Value))
			if len(bars) <= 16 || i%2 == 0 {
				fmt.Fprintf(&sb, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`, x+bw/2, h+16, html.EscapeString(b.Label))
			}
		}
	}
	fmt.Fprintf(&sb, `<text x="0" y="12" class="max">%s</text></svg>`, num(lang, top))
	return template.HTML(sb.String()) // every interpolated text is escaped above
}

// barChart draws horizontal labelled bars (the type mix).
func barChart(bars []bar, lang string) template.HTML {
	const w, row, labelW = 720, 22, 200
	var top uint64 = 1
	for _, b := range bars {
		top = max(top, b.Value)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" viewBox="0 0 %d %d" role="img" xmlns="http://www.w3.org/2000/svg">`, w, row*max(len(bars), 1))
	for i, b := range bars {
		bw := float64(w-labelW-60) * float64(b.Value) / float64(top)
		y := i * row
		fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="end">%s</text><rect x="%d" y="%d" width="%.1f" height="%d"></rect><text x="%.1f" y="%d">%s</text>`,
			labelW-6, y+15, html.EscapeString(b.Label), labelW, y+3, bw, row-6, float64(labelW)+bw+4, y+15, num(lang, b.Value))
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

// texts are the dashboard's own strings; report headers come from package
// report.
func texts() map[string][2]string {
	return map[string][2]string{
		"title":         {"Giám sát sử dụng thư điện tử Thành phố", "City mail system audit"},
		"overview":      {"Tổng quan", "Overview"},
		"usage":         {"Sử dụng theo quý", "Quarterly usage"},
		"findings":      {"Vi phạm", "Findings"},
		"login":         {"Đăng nhập", "Log in"},
		"logout":        {"Đăng xuất", "Log out"},
		"user":          {"Tên đăng nhập", "User name"},
		"password":      {"Mật khẩu", "Password"},
		"loginfailed":   {"Sai tên đăng nhập hoặc mật khẩu.", "Wrong user name or password."},
		"toomany":       {"Quá nhiều lần đăng nhập sai; vui lòng thử lại sau.", "Too many failed logins; try again later."},
		"quarter":       {"Quý", "Quarter"},
		"show":          {"Xem", "Show"},
		"weekly":        {"Thư qua hệ thống Thành phố theo tuần", "Messages through the city system per week"},
		"mix":           {"Loại văn bản", "Document types"},
		"trend":         {"Thư có vi phạm theo tuần", "Flagged messages per week"},
		"messages":      {"Thư qua HT Thành phố", "Messages via city system"},
		"mandated":      {"Văn bản bắt buộc", "Mandated documents"},
		"activedays":    {"Ngày sử dụng", "Active days"},
		"flagged":       {"Thư có vi phạm", "Flagged messages"},
		"attempts":      {"Tổng số thư", "All messages"},
		"staff":         {"Số viên chức", "Staff"},
		"lowusers":      {"Viên chức ít sử dụng", "Low users"},
		"division":      {"Phòng/Bộ phận", "Division"},
		"person":        {"Cá nhân", "Person"},
		"name":          {"Họ và tên", "Full name"},
		"id":            {"Mã", "Staff id"},
		"reasons":       {"Lý do", "Reasons"},
		"total":         {"Tổng cộng", "Total"},
		"download":      {"Tải về", "Download"},
		"thresholds":    {"Ngưỡng", "Thresholds"},
		"notonroster":   {"(ngoài danh sách)", "(not on roster)"},
		"time":          {"Thời gian (GMT+7)", "Time (GMT+7)"},
		"sender":        {"Người gửi", "Sender"},
		"recipients":    {"Người nhận", "Recipients"},
		"type":          {"Loại văn bản", "Document type"},
		"docnumber":     {"Số ký hiệu", "Doc. number"},
		"action":        {"Xử lý", "Action"},
		"kinds":         {"Vi phạm", "Findings"},
		"allkinds":      {"Mọi loại vi phạm", "All findings"},
		"rowsof":        {"Thư %s–%s trên tổng số %s", "Messages %s–%s of %s"},
		"page":          {"Trang", "Page"},
		"activation":    {"Kích hoạt tài khoản", "Account activation"},
		"deadline":      {"Hạn", "Deadline"},
		"activated":     {"Đã đăng nhập qua cổng đến hết ngày %s: %s/%s người.", "Logged in through the gateway by %s: %s of %s people."},
		"failedlogins":  {"Lần đăng nhập lỗi đến hạn", "Failed logins by the deadline"},
		"firstlogin":    {"Đăng nhập đầu tiên (GMT+7)", "First login (GMT+7)"},
		"never":         {"chưa bao giờ", "never"},
		"allactivated":  {"Mọi người đã đăng nhập.", "Everyone has logged in."},
		"prev":          {"‹ Trang trước", "‹ Previous"},
		"next":          {"Trang sau ›", "Next ›"},
		"senddays":      {"Ngày gửi thư", "Send days"},
		"mailboxdays":   {"Ngày đăng nhập hộp thư", "Mailbox login days"},
		"activity":      {"Lịch hoạt động", "Activity calendar"},
		"legend":        {"Chú giải", "Legend"},
		"day_sent":      {"gửi thư", "sent mail"},
		"day_mailbox":   {"đăng nhập hộp thư (đọc thư)", "mailbox login (reading mail)"},
		"day_both":      {"cả hai", "both"},
		"day_none":      {"không gửi, không đăng nhập", "neither"},
		"day_off":       {"ngoài thời gian có tên trong danh sách", "not on the roster that day"},
		"weekdays":      {"T2 T3 T4 T5 T6 T7 CN", "Mon Tue Wed Thu Fri Sat Sun"},
		"findingsof":    {"Vi phạm và các thư liên quan", "Findings and the messages behind them"},
		"nofindings":    {"Không có vi phạm nào trong kỳ.", "No findings in the period."},
		"sessions":      {"Phiên hộp thư (IMAP/POP3)", "Mailbox sessions (IMAP/POP3)"},
		"nosessions":    {"Không có phiên hộp thư nào qua cổng trong kỳ.", "No mailbox session through the gateway in the period."},
		"started":       {"Bắt đầu (GMT+7)", "Started (GMT+7)"},
		"service":       {"Dịch vụ", "Service"},
		"durationcol":   {"Thời lượng (giờ:phút:giây)", "Duration (h:mm:ss)"},
		"bytesin":       {"Byte gửi lên", "Bytes client → server"},
		"bytesout":      {"Byte tải về", "Bytes server → client"},
		"ended":         {"Kết thúc", "How it ended"},
		"client":        {"Địa chỉ máy", "Client address"},
		"sessiontotal":  {"%s phiên, tổng thời lượng %s, %s byte gửi lên, %s byte tải về.", "%s sessions, %s in all, %s bytes client → server, %s bytes server → client."},
		"sessionsfirst": {"Chỉ liệt kê %s phiên đầu tiên.", "Only the first %s sessions are listed."},
		"logins":        {"Các lần đăng nhập qua cổng", "Logins through the gateway"},
		"nologins":      {"Không có lần đăng nhập nào qua cổng trong kỳ.", "No login through the gateway in the period."},
		"result":        {"Kết quả", "Result"},
		"loginattempts": {"Số lần", "Attempts"},
		"first":         {"Lần đầu (GMT+7)", "First (GMT+7)"},
		"last":          {"Lần cuối (GMT+7)", "Last (GMT+7)"},
		"address":       {"Địa chỉ thư", "Mail address"},
		"cityaddress":   {"Địa chỉ thư Thành phố", "City mail address"},
		"rosterdays":    {"Số ngày có tên trong danh sách", "Days on the roster"},
		"lowstatus":     {"Dưới ngưỡng sử dụng", "Under the usage thresholds"},
		"notlow":        {"Không dưới ngưỡng sử dụng.", "Not under the usage thresholds."},
		"notrated":      {"Không có tên trong danh sách trong kỳ này nên không bị xếp loại.", "Not on the roster in this period, so not rated."},
		"webmailnote":   {"Đăng nhập webmail không đi qua cổng nên không hiện ở đây.", "Webmail logins do not pass the gateway and are not shown here."},
		"message":       {"Chi tiết thư", "Message details"},
		"signals":       {"Dấu hiệu phân loại", "Classifier signals"},
		"nobody":        {"Không có ai dưới ngưỡng.", "Nobody is under the thresholds."},
		"nomessages":    {"Không có thư nào.", "No messages."},
		"nobody_body":   {"Nhật ký không lưu nội dung thư.", "The audit log keeps no message body."},
		"perdivision":   {"Theo phòng/bộ phận", "Per division"},
		"perperson":     {"Theo cá nhân", "Per person"},
		"messages_msg":  {"thư", "messages"},
	}
}

func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"t": func(lang, key string) string {
			v, ok := texts()[key]
			if !ok {
				return key
			}
			if lang == report.LangEN {
				return v[1]
			}
			return v[0]
		},
		"tf": func(lang, key string, args ...any) string {
			v, ok := texts()[key]
			if !ok {
				return key
			}
			f := v[0]
			if lang == report.LangEN {
				f = v[1]
			}
			return fmt.Sprintf(f, args...)
		},
		"num": num,
		// cells is the argument of the countcells template: a row's
		// counts, with the flagged count linked to link when given.
		"cells": func(lang string, c report.Counts, link ...template.URL) map[string]any {
			m := map[string]any{"Lang": lang, "C": c, "Link": template.URL("")}
			if len(link) > 0 {
				m["Link"] = link[0]
			}
			return m
		},
		"staffFindings": func(period template.URL, staff string) template.URL {
			return template.URL("/findings?" + string(period) + "&staff=" + url.QueryEscape(staff))
		},
		"duration":     duration,
		"actionLabel":  report.ActionLabel,
		"resultLabel":  report.LoginResultLabel,
		"serviceLabel": report.ServiceLabel,
		"endLabel":     report.SessionEndLabel,
		"prev":         func(n int) int { return n - 1 },
		"next":         func(n int) int { return n + 1 },
		"typeLabel":    report.TypeLabel,
		"findingLabel": report.FindingLabel,
		"local":        report.LocalTime,
		"join":         strings.Join,
		"split":        strings.Fields,
		"date":         func(t interface{ Format(string) string }) string { return t.Format("02/01/2006") },
	}
}
