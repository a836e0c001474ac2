package classify

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"html"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// Synthetic tests, one group per general cause of issue 10. The messages
// are written here from the taxonomy's words, not copied from any corpus.

// part is one MIME part of a test message.
type part struct {
	ct, name, disp string
	data           []byte
}

func textPart(s string) part { return part{ct: "text/plain; charset=utf-8", data: []byte(s)} }

func filePart(name, ct string, data []byte) part {
	return part{ct: ct, name: name, disp: "attachment", data: data}
}

// testMail builds a message: a single text part is sent as is, anything
// else as multipart/mixed with base64 attachments.
func testMail(subject, to string, parts ...part) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Nguyen Van A <nva.tttl@tphcm.gov.vn>\r\nTo: %s\r\nSubject: %s\r\nMIME-Version: 1.0\r\n", to, subject)
	if len(parts) == 1 && parts[0].name == "" {
		fmt.Fprintf(&b, "Content-Type: %s\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s\r\n", parts[0].ct, parts[0].data)
		return b.Bytes()
	}
	b.WriteString("Content-Type: multipart/mixed; boundary=\"BB\"\r\n\r\n")
	for _, p := range parts {
		fmt.Fprintf(&b, "--BB\r\nContent-Type: %s", p.ct)
		if p.name != "" {
			fmt.Fprintf(&b, "; name=\"%s\"", p.name)
		}
		b.WriteString("\r\n")
		if p.disp != "" {
			fmt.Fprintf(&b, "Content-Disposition: %s; filename=\"%s\"\r\n", p.disp, p.name)
		}
		fmt.Fprintf(&b, "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n", b64enc(p.data))
	}
	b.WriteString("--BB--\r\n")
	return b.Bytes()
}

// xlsxOf writes a one-sheet workbook whose shared strings are cells, in
// order (the title cell first).
func xlsxOf(cells ...string) []byte {
	var z bytes.Buffer
	w := zip.NewWriter(&z)
	f, _ := w.Create("xl/workbook.xml")
	f.Write([]byte(`<?xml version="1.0"?><workbook><sheets><sheet name="S1" sheetId="1"/></sheets></workbook>`))
	f, _ = w.Create("xl/sharedStrings.xml")
	f.Write([]byte(`<?xml version="1.0"?><sst>`))
	for _, c := range cells {
		fmt.Fprintf(f, "<si><t>%s</t></si>", html.EscapeString(c))
	}
	f.Write([]byte(`</sst>`))
	w.Close()
	return z.Bytes()
}

// odsOf writes an OpenDocument spreadsheet with one cell per row.
func odsOf(cells ...string) []byte {
	var z bytes.Buffer
	w := zip.NewWriter(&z)
	f, _ := w.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	f.Write([]byte("application/vnd.oasis.opendocument.spreadsheet"))
	f, _ = w.Create("content.xml")
	f.Write([]byte(`<office:document-content><office:body><office:spreadsheet><table:table>`))
	for _, c := range cells {
		fmt.Fprintf(f, "<table:table-row><table:table-cell><text:p>%s</text:p></table:table-cell></table:table-row>", html.EscapeString(c))
	}
	f.Write([]byte(`</table:table></office:spreadsheet></office:body></office:document-content>`))
	w.Close()
	return z.Bytes()
}

// docxOf writes a docx with one paragraph per line.
func docxOf(lines ...string) []byte {
	var z bytes.Buffer
	w := zip.NewWriter(&z)
	f, _ := w.Create("word/document.xml")
	f.Write([]byte(`<?xml version="1.0"?><w:document><w:body>`))
	for _, l := range lines {
		fmt.Fprintf(f, "<w:p><w:r><w:t>%s</w:t></w:r></w:p>", html.EscapeString(l))
	}
	f.Write([]byte(`</w:body></w:document>`))
	w.Close()
	return z.Bytes()
}

// encryptedZip writes a zip whose member is flagged encrypted.
func encryptedZip(name string) []byte {
	var z bytes.Buffer
	w := zip.NewWriter(&z)
	f, _ := w.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Flags: 0x1})
	f.Write([]byte("\x8a\x13\xf0 ciphertext, not text"))
	w.Close()
	return z.Bytes()
}

const (
	xlsxCT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	docxCT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	odsCT  = "application/vnd.oasis.opendocument.spreadsheet"
)

func classifyBytes(t *testing.T, c *Classifier, m []byte) Verdict {
	t.Helper()
	v := c.Classify(context.Background(), bytes.NewReader(m), Envelope{})
	failOnPanic(t, v)
	return v
}

type causeCase struct {
	name    string
	msg     []byte
	typ     string // "" = not checked
	notTyp  string // the verdict must not be this type
	secrecy string // "" = not checked
	number  *string
}

func runCauses(t *testing.T, cases []causeCase) {
	t.Helper()
	c := newTestClassifier(t)
	for _, tc := range cases {
		v := classifyBytes(t, c, tc.msg)
		if tc.typ != "" && v.Type != tc.typ {
			t.Errorf("%s: type %s, want %s; signals %v", tc.name, v.Type, tc.typ, v.Signals)
		}
		if tc.notTyp != "" && v.Type == tc.notTyp {
			t.Errorf("%s: type %s; signals %v", tc.name, v.Type, v.Signals)
		}
		if tc.secrecy != "" && v.Secrecy != tc.secrecy {
			t.Errorf("%s: secrecy %s, want %s; signals %v", tc.name, v.Secrecy, tc.secrecy, v.Signals)
		}
		if tc.number != nil && v.DocNumber != *tc.number {
			t.Errorf("%s: doc_number %q, want %q", tc.name, v.DocNumber, *tc.number)
		}
	}
}

func str(s string) *string { return &s }

const colleague = "Tran Thi B <ttb.tttl@tphcm.gov.vn>"

// Secrecy stamps in every place the taxonomy names, in every container
// and Unicode form; and no new false marks.
func TestCauseSecrecyEverywhere(t *testing.T) {
	nfd := func(s string) string { return norm.NFD.String(s) }
	docBody := "MẬT\nSỞ VĂN HÓA VÀ THỂ THAO\nTRUNG TÂM THÔNG TIN TRIỂN LÃM\nBÁO CÁO\nTình hình thực hiện nhiệm vụ quý III\nI. Kết quả\nTrong quý, Trung tâm đã tổ chức 4 cuộc triển lãm.\n"
	runCauses(t, []causeCase{
		{name: "xlsx title cell", msg: testMail("Gửi bảng số liệu", colleague, textPart("Anh xem giúp em bảng tổng hợp."),
			filePart("Tong hop.xlsx", xlsxCT, xlsxOf("MẬT", "BẢNG TỔNG HỢP KINH PHÍ NĂM 2025", "STT", "Nội dung", "Số tiền"))), secrecy: "mat"},
		{name: "xlsx title cell NFD, title case", msg: testMail("Số liệu", colleague, textPart("Gửi anh."),
			filePart("a.xlsx", xlsxCT, xlsxOf(nfd("Tối mật"), nfd("Danh sách nhân sự dự kiến"), "Họ tên"))), secrecy: "toi_mat"},
		{name: "ods title cell", msg: testMail("Số liệu", colleague, textPart("Gửi anh."),
			filePart("a.ods", odsCT, odsOf("TUYỆT MẬT", "Bảng kê", "1"))), secrecy: "tuyet_mat"},
		{name: "labelled field", msg: testMail("Số liệu", colleague, textPart("Gửi anh."),
			filePart("a.xlsx", xlsxCT, xlsxOf("Độ mật: Tối mật", "Bảng kê", "1"))), secrecy: "toi_mat"},
		{name: "plain-text document body NFD", msg: testMail("Báo cáo quý III", colleague, textPart(nfd(docBody))), secrecy: "mat"},
		{name: "docx head stamp without motto", msg: testMail("Gửi anh", colleague, textPart("Gửi anh bản báo cáo."),
			filePart("bc.docx", docxCT, docxOf("MẬT", "BÁO CÁO", "Kết quả công tác tháng 10"))), secrecy: "mat"},
		// The sender's own marking, as people word it.
		{name: "marking, taxonomy order", msg: testMail("Gửi tài liệu", colleague, textPart("Tài liệu mật, đề nghị không chuyển tiếp.\nAnh xem trước cuộc họp.")), secrecy: "mat"},
		{name: "marking, request first", msg: testMail("Gửi anh", colleague, textPart("Đề nghị anh không chia sẻ ra ngoài vì văn bản này thuộc loại tối mật.")), secrecy: "toi_mat"},
		{name: "marking over two lines", msg: testMail("Gửi anh", colleague, textPart("Anh Hùng,\nĐây là hồ sơ mật.\nXin không chuyển tiếp cho người khác.")), secrecy: "mat"},
		{name: "marking in the subject", msg: testMail("Tài liệu mật - vui lòng không chuyển tiếp", colleague, textPart("Gửi anh số liệu.")), secrecy: "mat"},
		{name: "marking NFD", msg: testMail("Gửi anh", colleague, textPart(nfd("Tài liệu này là mật, không được sao chép."))), secrecy: "mat"},
		{name: "subject mark on a bare work mail", msg: testMail("[MẬT] Danh sách nhân sự dự kiến", colleague, textPart("Gửi anh danh sách nhân sự dự kiến của phòng.")), secrecy: "mat"},
		// Not markings.
		{name: "a forwarded lure's subject", msg: testMail("Fwd: [TỐI MẬT] Tài liệu cần xác nhận", colleague, textPart("Anh xem giúp em thư này có phải lừa đảo không.\n\n---------- Forwarded message ---------\nBạn có tài liệu cần xác nhận, bấm vào đường dẫn: http://x.example/a")), secrecy: "none"},
		{name: "password words", msg: testMail("Đổi mật khẩu", colleague, textPart("Đề nghị các anh chị đổi mật khẩu hộp thư, không chia sẻ mật khẩu cho người khác.")), secrecy: "none"},
		{name: "state secret as a topic", msg: testMail("Tập huấn", colleague, textPart("Tài liệu tập huấn Luật Bảo vệ bí mật nhà nước, đề nghị không chuyển tiếp ra ngoài.")), secrecy: "none"},
		{name: "bảo mật with a request", msg: testMail("Lưu ý", colleague, textPart("Thông tin bảo mật của khách hàng, không chuyển tiếp.")), secrecy: "none"},
		{name: "other words with the same fold", msg: testMail("Báo mất", colleague, textPart("MẤT\nTài liệu mất, không chuyển tiếp được.\nMặt trước hồ sơ bị rách.")), secrecy: "none"},
		{name: "joke marking on a bare mail", msg: testMail("TUYỆT MẬT: tiệc sinh nhật chị Lan", colleague, textPart("Cả nhà giữ bí mật nhé, MẬT đó :))")), secrecy: "none"},
		{name: "stamp word deep in prose", msg: testMail("Gửi anh", colleague, textPart(strings.Repeat("Dòng nội dung công việc.\n", 20)+"Mật\n")), secrecy: "none"},
	})
}

// Personal against work: evidence on both sides, no default to either,
// more than one weak cue for a personal verdict, collisions matched with
// diacritics.
func TestCausePersonalEvidence(t *testing.T) {
	friend := "Lan <lan.nguyen88@gmail.com>"
	runCauses(t, []causeCase{
		{name: "family news", msg: testMail("Cuối tuần", friend, textPart("Chị ơi, cả nhà em về quê ăn giỗ ông nội, bố mẹ khỏe. Chủ nhật em gửi ảnh nhé.")), typ: typeCaNhan},
		{name: "unaccented chat", msg: testMail("toi nay", friend, textPart("Toi nay di an lau khong ban, roi di xem phim luon, hihi")), typ: typeCaNhan},
		{name: "personal money spreadsheet", msg: testMail("bang chi", friend, textPart("Gửi em file."),
			filePart("chi tieu.xlsx", xlsxCT, xlsxOf("Tháng 10", "Tiền nhà", "Tiền điện", "Tiền chợ", "Học phí", "Tổng"))), typ: typeCaNhan},
		{name: "a favour between friends", msg: testMail("Nhờ chút", friend, textPart("Mai chị đón con giúp em với, em bận đi khám bệnh. Cảm ơn chị :)")), typ: typeCaNhan},
		{name: "work mail with one personal word", msg: testMail("Danh sách sinh nhật", colleague, textPart("Đề nghị các phòng gửi danh sách viên chức có sinh nhật trong quý IV để Công đoàn tổng hợp.")), notTyp: typeCaNhan},
		{name: "government words are not personal", msg: testMail("Kế hoạch mua sắm", friend, textPart("Gửi anh danh mục mua sắm thiết bị cho học sinh và kế hoạch đầu tư năm 2025.")), notTyp: typeCaNhan},
		{name: "nhau is not nhậu", msg: testMail("Phối hợp", friend, textPart("Các bộ phận phối hợp với nhau, hỗ trợ nhau.")), notTyp: typeCaNhan},
		{name: "nhậu is personal", msg: testMail("tối thứ 6", friend, textPart("Tối thứ Sáu đi nhậu không anh?")), typ: typeCaNhan},
		{name: "one weak cue is not enough", msg: testMail("Hỏi", friend, textPart("Anh ơi cho em hỏi cái này.")), notTyp: typeCaNhan},
		{name: "no evidence is not work", msg: testMail("Hỏi", colleague, textPart("Anh ơi cho em hỏi cái này.")), notTyp: typeCongViec},
		{name: "a Sở notice forwarded to a personal box with a smiley stays a notice", msg: testMail("Fwd: thông báo", friend, textPart("Gửi em :)"),
			filePart("TB.docx", docxCT, docxOf("SỞ VĂN HÓA VÀ THỂ THAO", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 88/TB-SVHTT", "THÔNG BÁO", "Về lịch nghỉ lễ", "Nơi nhận:", "- Lưu: VT."))), typ: typeThongBao},
		{name: "a school's giấy mời forwarded in family mail is personal", msg: testMail("Fwd: giấy mời họp phụ huynh", friend, textPart("Anh ơi, trường của con mời họp phụ huynh, bố mẹ mình ai đi được thì đi nhé."),
			filePart("GM.docx", docxCT, docxOf("TRƯỜNG TIỂU HỌC HÒA BÌNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 15/GM-THHB", "GIẤY MỜI", "Họp phụ huynh học sinh cuối học kỳ I"))), typ: typeCaNhan},
		{name: "work evidence is work", msg: testMail("Gửi số liệu", colleague, textPart("Gửi anh số liệu khách tham quan để tổng hợp báo cáo tháng.")), typ: typeCongViec},
	})
}

// landscapePDF is tinyPDF with a slide-shaped page (4:3).
func landscapePDF(content string) []byte {
	return bytes.Replace(tinyPDF(content), []byte("/MediaBox [0 0 595 842]"), []byte("/MediaBox [0 0 720 540]"), 1)
}

// Meeting material: slides as PDF, an agenda among several attachments,
// papers sent together with a numbered report.
func TestCauseMeetingMaterial(t *testing.T) {
	report := docxOf("SỞ VĂN HÓA VÀ THỂ THAO", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 45/BC-TTTL", "BÁO CÁO", "Kết quả quý III", "Nơi nhận:", "- Lưu: VT.")
	runCauses(t, []causeCase{
		{name: "slides as PDF", msg: testMail("Gửi slide", colleague, textPart("Anh em xem trước slide cho buổi họp chiều mai."),
			filePart("trinh bay.pdf", "application/pdf", landscapePDF("BT /F1 24 Tf 72 400 Td (Ket qua 9 thang) Tj ET"))), typ: typeTaiLieuHop},
		{name: "agenda among attachments", msg: testMail("Gửi các anh chị", colleague, textPart("Gửi các anh chị các file."),
			filePart("CT.docx", docxCT, docxOf("CHƯƠNG TRÌNH HỘI NGHỊ", "Sơ kết công tác 6 tháng", "8h00: Khai mạc")),
			filePart("So lieu.xlsx", xlsxCT, xlsxOf("Số liệu", "1", "2")),
			filePart("Tham khao.docx", docxCT, docxOf("Một số ý kiến"))), typ: typeTaiLieuHop},
		{name: "papers with a numbered report", msg: testMail("Tài liệu phục vụ cuộc họp giao ban tháng 10", colleague, textPart("Gửi các phòng."),
			filePart("BC quy III.docx", docxCT, report), filePart("Tham luan phong Trien lam.docx", docxCT, docxOf("Một số đề xuất"))), typ: typeTaiLieuHop},
		{name: "a numbered report alone stays a report", msg: testMail("Gửi báo cáo quý III", colleague, textPart("Gửi Sở."),
			filePart("BC quy III.docx", docxCT, report)), typ: "bao_cao"},
	})
}

// Invitations not shaped as a formal giấy mời.
func TestCauseInvitations(t *testing.T) {
	ics := "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nSUMMARY:Họp rà soát\r\n  kế hoạch quý IV\r\nLOCATION:Phòng họp tầng 2\r\nDTSTART:20251020T020000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	alt := "From: a.tttl@tphcm.gov.vn\r\nTo: b.tttl@tphcm.gov.vn\r\nSubject: Rà soát kế hoạch\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=A\r\n\r\n" +
		"--A\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nRà soát kế hoạch quý IV.\r\n--A\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Rà soát kế hoạch quý IV.</p>\r\n" +
		"--A\r\nContent-Type: text/calendar; charset=utf-8; method=REQUEST\r\n\r\n" + ics + "--A--\r\n"
	// windows-1258 writes base letters precomposed (ư, ơ) and tones as
	// combining marks: "Thư mời họp" is Th FD, m F5 CC i, ho F2 p.
	cp1258 := map[string]string{"Thư mời họp giao ban tháng 10": "Th\xfd m\xf5\xcci ho\xf2p giao ban tha\xecng 10", "Thư mời họp": "Th\xfd m\xf5\xcci ho\xf2p"}
	raw8 := func(subject, cs string) []byte {
		s := []byte(subject)
		if cs == "windows-1258" {
			s = []byte(cp1258[subject])
		}
		return append(append([]byte("From: a.tttl@tphcm.gov.vn\r\nTo: b.tttl@tphcm.gov.vn\r\nSubject: "), s...),
			[]byte("\r\n\r\nKính mời các anh chị dự họp vào lúc 14h00 tại phòng họp số 2.\r\n")...)
	}
	runCauses(t, []causeCase{
		{name: "calendar request inline", msg: []byte(alt), typ: typeGiayMoi},
		{name: "calendar request attached", msg: testMail("Họp", colleague, textPart("Mời anh."), filePart("invite.ics", "text/calendar; method=REQUEST", []byte(ics))), typ: typeGiayMoi},
		{name: "body-only invitation without diacritics", msg: testMail("hop chieu thu 5", colleague,
			textPart("Kinh moi cac anh chi tham du hop ve ke hoach trien lam vao luc 14h00 thu Nam, dia diem phong hop tang 2.")), typ: typeGiayMoi},
		{name: "raw UTF-8 subject", msg: raw8("Thư mời họp giao ban tháng 10", "utf-8"), typ: typeGiayMoi},
		{name: "raw windows-1258 subject", msg: raw8("Thư mời họp giao ban tháng 10", "windows-1258"), typ: typeGiayMoi},
		{name: "asking for comments is not an invitation", msg: testMail("Góp ý dự thảo", colleague,
			textPart("Kính mời các anh chị góp ý dự thảo quy chế, thời gian gửi ý kiến trước ngày 20/10.")), notTyp: typeGiayMoi},
	})
	c := newTestClassifier(t)
	if v := classifyBytes(t, c, raw8("Thư mời họp", "windows-1258")); v.Headers.Subject != "Thư mời họp" {
		t.Errorf("windows-1258 subject decoded as %q", v.Headers.Subject)
	}
}

// Số ký hiệu only in the shape Decree 30 gives it.
func TestCauseNumberShape(t *testing.T) {
	patch := "From: dev@lists.example.org\r\nTo: linux-usb@vger.example.org\r\nSubject: [PATCH v2 1/3] usb: hub: add early rejection\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=P\r\n\r\n--P\r\nContent-Type: text/plain\r\n\r\nThis series adds early rejection of bad descriptors. Log attached.\r\n" +
		"--P\r\nContent-Type: text/x-patch; name=0001-usb-hub-add-early-rejection.patch\r\nContent-Disposition: attachment; filename=0001-usb-hub-add-early-rejection.patch\r\n\r\n" +
		"diff --git a/drivers/usb/core/hub.c b/drivers/usb/core/hub.c\r\n" +
		"--P\r\nContent-Type: text/plain; name=trace-20190514-fail.txt\r\nContent-Disposition: attachment; filename=trace-20190514-fail.txt\r\n\r\n[ 12.3] usb 1-1: device descriptor read/64, error -71\r\n--P--\r\n"
	runCauses(t, []causeCase{
		{name: "patch and log file names", msg: []byte(patch), notTyp: typeCongVan, number: str("")},
	})
	c := newTestClassifier(t)
	for _, name := range []string{"0001-usb-hub-add-early-rejection", "trace-20190514-fail", "2024-report-final", "12-fix-typo", "v2-0003-Fix-the-Build"} {
		if k, ok := c.fileNameNumber(name); ok {
			t.Errorf("file name %q read as số ký hiệu %s", name, k.Text)
		}
	}
	for name, want := range map[string]string{"185-KH-TTTL Kiem tra": "185/KH-TTTL", "220-bc-tttl.signed": "220/BC-TTTL", "07_TTTL-HCTH_25022025": "07/TTTL-HCTH"} {
		if k, ok := c.fileNameNumber(name); !ok || k.Text != want {
			t.Errorf("file name %q: %q, %v; want %s", name, k.Text, ok, want)
		}
	}
	for s, want := range map[string]string{"Giấy mời 12/GM-TTTL họp": "12/GM-TTTL", "Luật 100/2015/QH13": "100/2015/QH13", "Công văn 1434/SVHTT-VP": "1434/SVHTT-VP"} {
		if k, ok := findLooseNumber(s); !ok || k.Text != want {
			t.Errorf("%q: %q, %v; want %s", s, k.Text, ok, want)
		}
	}
	for _, s := range []string{"see 0001/usb-hub-add-early-rejection", "ratio 3/Fix-it", "page 2/Usb-Hub", "20/10/2024"} {
		if k, ok := findLooseNumber(s); ok {
			t.Errorf("%q read as số ký hiệu %s", s, k.Text)
		}
	}
}

// Duty rosters are work schedules; unreadable content cannot be typed.
func TestCauseRosterAndUnreadable(t *testing.T) {
	runCauses(t, []causeCase{
		{name: "lịch trực spreadsheet", msg: testMail("Gửi các phòng", colleague, textPart("Gửi các phòng để thực hiện."),
			filePart("Lich truc.xlsx", xlsxCT, xlsxOf("LỊCH TRỰC TẾT NGUYÊN ĐÁN ẤT TỴ 2025", "Ngày", "Họ tên", "Điện thoại"))), typ: "lich_cong_tac"},
		{name: "encrypted archive with a covering note", msg: testMail("Hồ sơ", colleague, textPart("Gửi anh hồ sơ, mật khẩu em nhắn sau."),
			filePart("Ho so.zip", "application/zip", encryptedZip("ho so.docx"))), typ: typeUnknown},
	})
}

// The rules refuse a personal verdict on one cue.
func TestRulesRequireTwoPersonalCues(t *testing.T) {
	y := strings.Replace(string(defaultRules), "personal_min_cues: 2", "personal_min_cues: 1", 1)
	if y == string(defaultRules) {
		t.Fatal("personal_min_cues not found in the rules")
	}
	if _, err := parseRules([]byte(y), "test"); err == nil || !strings.Contains(err.Error(), "personal_min_cues") {
		t.Fatalf("compileRules accepted one personal cue: %v", err)
	}
}

// Each part, page, slide and archive member has its own head area: a
// stamped document inside a forwarded message or behind another member
// is found; the tail of a long text has no head area.
func TestCauseHeadAreaPerPart(t *testing.T) {
	inner := "From: x@y.vn\r\nSubject: tài liệu\r\nContent-Type: multipart/mixed; boundary=I\r\n\r\n--I\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		strings.Repeat("Dòng giới thiệu.\r\n", 15) + "--I\r\nContent-Type: text/plain; charset=utf-8; name=\"a.txt\"\r\nContent-Disposition: attachment; filename=\"a.txt\"\r\n\r\nMẬT\r\nBảng kê hồ sơ\r\n--I--\r\n"
	runCauses(t, []causeCase{
		{name: "stamped text inside an attached message", msg: testMail("Gửi anh", colleague, textPart("Gửi anh."), filePart("fwd.eml", "message/rfc822", []byte(inner))), secrecy: "mat"},
		// The tail segment (the last segTail bytes, from a line break)
		// starts exactly at "Mật": 100-byte lines before it, 8100 bytes
		// after it.
		{name: "stamp heading the tail of a long text", msg: testMail("Gửi anh", colleague, textPart(strings.Repeat(strings.Repeat("a", 99)+"\n", 400)+"Mật\n"+strings.Repeat(strings.Repeat("b", 80)+"\n", 100))), secrecy: "none"},
	})
}

// General causes found while reading the blind set's failures (the tests
// are synthetic, not copies of its messages).
func TestCauseSecondRound(t *testing.T) {
	fwdDoc := "Anh xem giúp.\n\n---------- Forwarded message ---------\nFrom: A <a@x.vn>\nDate: Mon, 1 Jan 2024\nSubject: BC\nTo: <b@x.vn>\n\n" +
		"ỦY BAN NHÂN DÂN\nSỞ VĂN HÓA VÀ THỂ THAO\nSố: 12/BC-SVHTT\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n" +
		strings.Repeat("Dòng thêm của phần đầu văn bản.\n", 8) + "Độ mật: Tối mật\nBÁO CÁO\nKết quả kiểm tra\n"
	patch := "From: a.tttl@tphcm.gov.vn\r\nTo: b@lists.example.org\r\nSubject: [PATCH] fix\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=P\r\n\r\n" +
		"--P\r\nContent-Type: text/plain\r\n\r\nSee the patch.\r\n--P\r\nContent-Type: text/x-patch; name=\"0001-fix.patch\"\r\nContent-Disposition: attachment; filename=\"0001-fix.patch\"\r\n\r\ndiff --git a/x b/x\r\n--P--\r\n"
	runCauses(t, []causeCase{
		{name: "stamp leading a long title cell", msg: testMail("Số liệu", colleague, textPart("Gửi anh."),
			filePart("a.xlsx", xlsxCT, xlsxOf("MẬT - BẢNG TỔNG HỢP DANH SÁCH NHÂN SỰ DỰ KIẾN NĂM 2026", "Họ tên"))), secrecy: "mat"},
		{name: "capital heading that starts with the word but is no stamp", msg: testMail("Số liệu", colleague, textPart("Gửi anh."),
			filePart("a.xlsx", xlsxCT, xlsxOf("MẬT ĐỘ KHÁCH THAM QUAN THEO KHU VỰC TRƯNG BÀY NĂM 2025", "Khu A"))), secrecy: "none"},
		{name: "labelled level below the head of a forwarded document", msg: testMail("Fwd: BC", colleague, textPart(fwdDoc)), secrecy: "toi_mat"},
		{name: "unaccented marking with the level in capitals", msg: testMail("thong tin", colleague, textPart("Anh Nam,\nday la van ban TOI MAT, anh khong chuyen tiep.\nThanh")), secrecy: "toi_mat"},
		{name: "unaccented lower-case mat is another word", msg: testMail("mat ong", colleague, textPart("tai lieu mat roi, khong chuyen tiep duoc")), secrecy: "none"},
		{name: "phishing lure itself", msg: testMail("[TỐI MẬT] Hồ sơ nhân sự - xem ngay", colleague, textPart("TỐI MẬT\nBạn có 1 tài liệu được chia sẻ.\nĐăng nhập để xem: http://x.example/login")), typ: typeUnknown, secrecy: "none"},
		{name: "automatic system notice", msg: testMail("Hộp thư sắp đầy", colleague, textPart("Hộp thư của bạn đã dùng 95% dung lượng. Đây là thư tự động, vui lòng không trả lời.")), typ: typeUnknown},
		{name: "test mail with a test phrase", msg: testMail("thử gửi thư sau khi đổi mật khẩu", colleague, textPart("thử lần 2")), typ: typeUnknown},
		{name: "encrypted archive whatever the subject claims", msg: testMail("Tài liệu họp giao ban", colleague, textPart("Gửi anh, mật khẩu em nhắn riêng."),
			filePart("TL hop.zip", "application/zip", encryptedZip("tl.docx"))), typ: typeUnknown},
		{name: "emoji and food talk", msg: testMail("trưa nay", colleague, textPart("Trưa nay đi quán cơm mới mở không chị 😋")), typ: typeCaNhan},
		{name: "bereavement", msg: testMail("Chia buồn", colleague, textPart("Mẹ của chị Lan vừa qua đời, tang lễ tổ chức ngày mai, anh chị muốn gửi phúng điếu thì gửi em.")), typ: typeCaNhan},
		{name: "all consumer mailboxes and one phrase", msg: []byte("From: a.b@gmail.com\r\nTo: c.d@yahoo.com\r\nSubject: xe\r\n\r\nXe minh can ban, chinh chu, ai mua thi bao.\r\n"), typ: typeCaNhan},
		{name: "urgency mark makes short mail work", msg: testMail("[KHAN] gui file", colleague, textPart("Em oi gui anh file do truoc 9 gio sang nhe, anh can gap.")), typ: typeCongViec},
		{name: "office logistics is work", msg: testMail("may chieu", colleague, textPart("May chieu phong hop tang 2 hong roi, em bao ky thuat giup.")), typ: typeCongViec},
	})
	c := newTestClassifier(t)
	v := classifyBytes(t, c, []byte(patch))
	if len(v.Attachments) != 1 || v.Attachments[0].Chars == 0 {
		t.Errorf("text/x-patch attachment not read: %+v", v.Attachments)
	}
}

// A phrase may belong to several groups ("phòng họp": work and
// appointment) and counts in each.
func TestLexiconPhraseInSeveralGroups(t *testing.T) {
	l := newLexicon()
	if err := l.add("phòng họp", lexWork); err != nil {
		t.Fatal(err)
	}
	if err := l.add("phòng họp", lexAppointment); err != nil {
		t.Fatal(err)
	}
	if err := l.add("phòng họp", lexWork); err == nil {
		t.Fatal("the same phrase twice in one group was accepted")
	}
	if err := l.add("=phòng họp", lexMeeting); err == nil {
		t.Fatal("a phrase matched both folded and as written was accepted")
	}
	var got uint8
	l.scan([]byte("tai phong hop tang 2"), func(e *lexEntry) { got |= e.groups })
	if got != 1<<lexWork|1<<lexAppointment {
		t.Fatalf("groups %b", got)
	}
}
