# Informal work material (tai_lieu_cong_viec), undeterminable mail (khong_xac_dinh), technical doc-number look-alikes
from common import *

def build():
    rows = [['Hạng mục', 'ĐVT', 'SL', 'Đơn giá', 'Thành tiền'], ['Vách ngăn gian hàng', 'm2', 240, 185000, 44400000], ['Thảm sự kiện', 'm2', 600, 42000, 25200000],
            ['Đèn LED rọi', 'bộ', 80, 95000, 7600000], ['Backdrop sân khấu', 'bộ', 1, 12500000, 12500000]]
    a = A('Du toan HC sach 2024 v2.xlsx', xlsx([('Dự toán', rows)]), 'tai_lieu_cong_viec')
    add(mail('outlook', TAM, [THANH, OANH], 'Góp ý dự toán hội chợ sách', '2024-04-16 10:05',
             body='Anh Thành, Oanh,\nPhòng Triển lãm gửi dự toán sơ bộ Hội chợ sách 2024 (bản v2), nhờ anh chị góp ý trước thứ Sáu để em hoàn thiện trình Ban Giám đốc.\n' + SIG_TAM, atts=[a]),
        'tai_lieu_cong_viec', audience='noi_bo', atts=[a], notes='easy;xlsx;data-for-comment')

    add(mail('gmail', HUY, [TAM], 'anh oi', '2024-05-08 07:12', body='anh oi em toi tre 30p, ket xe Dien Bien Phu. Chia khoa kho em gui bac bao ve roi.'),
        'tai_lieu_cong_viec', audience='noi_bo', notes='medium;no-diacritics;very-short;logistics')

    d = [('p', 'DỰ THẢO', 'b'), ('p', 'QUY TRÌNH TIẾP NHẬN HIỆN VẬT TRIỂN LÃM', 'cbH'), ('p', '1. Tiếp nhận hồ sơ hiện vật từ đơn vị cho mượn.', ''), ('p', '2. Kiểm tra tình trạng, chụp ảnh, lập phiếu.', ''), ('p', '3. Nhập kho, dán mã QR.', ''), ('p', '[Ghi chú: anh Tâm xem lại bước 3]', 'i')]
    a = A('Du thao quy trinh tiep nhan hien vat.docx', docx(d), 'tai_lieu_cong_viec')
    add(mail('zimbra', NGOC, [TAM], 'Dự thảo quy trình tiếp nhận hiện vật - xin ý kiến', '2024-06-18 15:33',
             body='Dạ anh Tâm,\nEm gửi dự thảo quy trình, anh cho ý kiến giúp em nha. Bản này chưa chỉnh format.\nNgọc', atts=[a]),
        'tai_lieu_cong_viec', audience='noi_bo', atts=[a], notes='medium;docx;draft-for-comment;du-thao')

    add(mail('outlook', ('Sao Việt Media', 'contact@saovietmedia.com.vn'), [PTT], 'Báo giá in ấn tờ gấp triển lãm', '2024-03-12 11:47',
             body='Kính gửi Phòng Thông tin - Tuyên truyền,\nSao Việt gửi báo giá:\n- Tờ gấp A4 gấp 3, couche 150, in 4 màu 2 mặt: 5.000 tờ x 2.150đ = 10.750.000đ\n- Standee 60x160: 10 cái x 320.000đ = 3.200.000đ\nBáo giá có hiệu lực 30 ngày.\nTrân trọng,\nPhan Minh Quân - 0908 227 651',
             atts=[A('Bao gia SV-0312.pdf', pdf_blocks([('p', 'CÔNG TY TNHH SAO VIỆT MEDIA', 'cb'), ('p', 'BÁO GIÁ', 'cbH'), ('p', 'Số: SV-0312/2024', 'c'), ('t', [['Hạng mục', 'SL', 'Đơn giá', 'Thành tiền'], ['Tờ gấp A4', '5.000', '2.150', '10.750.000'], ['Standee', '10', '320.000', '3.200.000']], True)]), 'tai_lieu_cong_viec')]),
        'tai_lieu_cong_viec', audience='noi_bo', doc='SV-0312/2024', atts=[A('Bao gia SV-0312.pdf', b'', 'tai_lieu_cong_viec')], notes='medium;pdf;quote;inbound-external;non-nd30-number')

    add(mail('apple', HUY, [TAM, THANH], nfd('Hình lắp dựng gian hàng'), '2024-04-20 18:25', body='Hình lắp dựng tới 18h, còn khu C chưa xong thảm.' + IPHONE, form='nfd', subj_style='Q',
             atts=[A(nfd('Ảnh gian hàng khu A.jpg'), jpeg_stub(77), 'tai_lieu_cong_viec'), A('IMG_4471.JPG', jpeg_stub(4471), 'tai_lieu_cong_viec')]),
        'tai_lieu_cong_viec', audience='noi_bo', atts=[A(nfd('Ảnh gian hàng khu A.jpg'), b'', 'tai_lieu_cong_viec'), A('IMG_4471.JPG', b'', 'tai_lieu_cong_viec')], notes='medium;work-photos;nfd-filename;iphone')

    add(mail('outlook', PHUC, [P('Toàn thể viên chức TTTL', 'all.tttl')], 'Bảo trì máy chủ chiều thứ 6', '2024-07-10 09:00',
             body='Chào các anh chị,\nChiều thứ Sáu 12/7 từ 16h-18h bộ phận IT bảo trì máy chủ file, ổ mạng \\\\tttl-fs01 sẽ không truy cập được. Các anh chị lưu file trước 15h45.\nPhúc'),
        'tai_lieu_cong_viec', audience='noi_bo', notes='easy;it-reminder;date-slash-lookalike')

    rows = [['Tháng', 'Lượt khách', 'Khách quốc tế', 'Doanh thu vé'], ['T1', 14200, 1820, 0], ['T2', 19850, 2460, 0], ['T3', 16340, 2010, 0], ['T4', 17120, 2290, 0]]
    a = A('so lieu khach 4 thang.ods', ods([('2024', rows)]), 'tai_lieu_cong_viec')
    add(mail('thunderbird', TRANG, [DINH], 'số liệu khách 4 tháng', '2024-05-03 10:40', body='Anh Định, em gửi số liệu để anh làm báo cáo sơ kết.\nTrang', atts=[a]),
        'tai_lieu_cong_viec', audience='noi_bo', atts=[a], notes='medium;ods;data-for-report;bao-cao-mentioned')

    add(mail('gmail', THANH, [KHOA], 'xe đón khách 8h', '2024-08-22 06:40', body='Khoa ơi, xe 16 chỗ đón đoàn Bảo tàng Cần Thơ lúc 8h tại khách sạn Đệ Nhất, tài xế anh Sang 0913 442 078. Em ra cổng đón giúp anh.'),
        'tai_lieu_cong_viec', audience='noi_bo', notes='easy;logistics;very-short')

    rows = [['Danh mục hiện vật mượn - Bảo tàng Mỹ thuật'], ['Mã', 'Tên hiện vật', 'Chất liệu', 'Kích thước (cm)', 'Tình trạng'], ['BTMT-0412', 'Tranh sơn mài "Xuân quê"', 'Sơn mài', '80x120', 'Tốt'], ['BTMT-0587', 'Tượng "Mẹ"', 'Đồng', '45x30x90', 'Trầy nhẹ đế']]
    a = A('Danh muc hien vat muon.xlsx', xlsx([('DM', rows)]), 'tai_lieu_cong_viec')
    add(mail('outlook', TAM, [P('Phòng Sưu tầm - Bảo tàng Mỹ thuật', 'suutam.btmythuat')], 'Đối chiếu danh mục hiện vật mượn', '2024-09-04 14:12',
             body='Kính gửi Phòng Sưu tầm,\nPhòng Triển lãm gửi danh mục hiện vật để hai bên đối chiếu trước khi lập biên bản giao nhận.' + SIG_TAM, atts=[a]),
        'tai_lieu_cong_viec', audience='ngoai', atts=[a], notes='medium;xlsx;external-city-agency')

    add(mail('outlook_web', OANH, [THANH], 'RE: chứng từ tạm ứng', '2024-10-15 16:22',
             body='Anh Thành ơi em cần thêm hóa đơn GTGT số 0004127 bản gốc của đợt tạm ứng tháng 9 mới quyết toán được ạ.\n\nFrom: Nguyễn Văn Thành\nSent: Tuesday, October 15, 2024 3:10 PM\nSubject: chứng từ tạm ứng\n\nOanh ơi anh gửi bộ chứng từ rồi nhé.'),
        'tai_lieu_cong_viec', audience='noi_bo', notes='medium;reply-thread;invoice-number')

    add(mail('zimbra', DINH, [TRANG], 'gui em file', '2024-02-29 17:50', body='', atts=[A('bai viet tin trien lam.docx', docx([('p', 'Khai mạc triển lãm "Sắc màu phương Nam"', 'b'), ('p', 'Sáng 29/2, tại 92 Lê Thánh Tôn, Trung tâm Thông tin Triển lãm khai mạc triển lãm với 120 tác phẩm...', '')]), 'tai_lieu_cong_viec')]),
        'tai_lieu_cong_viec', audience='noi_bo', atts=[A('bai viet tin trien lam.docx', b'', 'tai_lieu_cong_viec')], notes='medium;empty-body;docx;news-draft')

    add(mail('gmail', NGOC, [TAM], 'Danh sach tinh nguyen vien', '2024-11-18 20:05',
             body='Anh Tam\nDS tinh nguyen vien DH Van hoa: 15 ban, co 3 ban biet tieng Han. Em chia ca sang 7h-11h30, chieu 13h30-17h. Anh duyet giup em.\nNgoc'),
        'tai_lieu_cong_viec', audience='noi_bo', notes='medium;no-diacritics;ds-word')

    # English vendor mail with doc-number look-alikes
    add(mail('outlook', ('Kevin Tan', 'kevin.tan@absenled.com.sg'), [PHUC], 'RE: LED wall firmware issue - ticket 2024/0517-33', '2024-05-17 13:40',
             body='Hi Phuc,\nThanks for the log. The controller is on firmware v3.2.1/b7, which has a known issue with 16/9 input at 59.94 Hz. Please update to v3.2.4 (released 12/05/2024) and set scaling ratio 1/1.\nRef: RMA 12/2024/SG-VN (not needed yet).\nBest regards,\nKevin Tan\nAbsen Asia Pacific'),
        'tai_lieu_cong_viec', audience='noi_bo', notes='hard-negative;english;doc-number-lookalikes;version-strings;dates;ratios')

    add(mail('thunderbird', PHUC, [('Absen Support', 'support@absenled.com.sg')], 'LED wall blackout logs', '2024-05-14 16:20',
             body='Hi,\nThe LED wall at our hall went black twice on 14/05/2024 at 10:02 and 15/05. Attached are the controller logs. Model: A27 Plus, receiving card 5A-75E, port 2/4 shows CRC errors.\nRegards,\nNgo Hoang Phuc\nIT - HCMC Information and Exhibition Centre',
             atts=[A('trace-20190514-fail.txt', b'2024-05-14 10:02:11 [ERR] port 2/4 CRC mismatch 0x1F/0x3A\n2024-05-14 10:02:12 [WARN] link down rc=-110\nfw=3.2.1/b7 cfg=16/9 59.94Hz\n', 'tai_lieu_cong_viec', ctype='text/plain'),
                   A('controller_cfg_v3.2.1.log', b'[cfg]\nversion=3.2.1/b7\nratio=16/9\nscan=1/16\n', 'tai_lieu_cong_viec', ctype='text/plain')]),
        'tai_lieu_cong_viec', audience='ngoai', atts=[A('trace-20190514-fail.txt', b'', 'tai_lieu_cong_viec'), A('controller_cfg_v3.2.1.log', b'', 'tai_lieu_cong_viec')], notes='hard-negative;english;log-files;doc-number-lookalikes')

    patch = (b'From 3f2a1c9 Mon Sep 17 00:00:00 2001\nFrom: Hoang Phuc Ngo <phucngo.it@gmail.com>\nDate: Sun, 12 May 2024 21:03:44 +0700\nSubject: [PATCH 1/2] usb: hub: fix port reset timeout on slow devices\n\n'
             b'Some USB 2/3 hubs need more than 10/50 ms to settle.\n\nSigned-off-by: Hoang Phuc Ngo <phucngo.it@gmail.com>\n---\n drivers/usb/core/hub.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\n'
             b'--- a/drivers/usb/core/hub.c\n+++ b/drivers/usb/core/hub.c\n@@ -2912,7 +2912,7 @@\n-#define HUB_RESET_TIMEOUT 800\n+#define HUB_RESET_TIMEOUT 1600\n--\n2.43.0\n')
    add(mail('gmail', G('Hoang Phuc Ngo', 'phucngo.it'), [('linux-usb', 'linux-usb@vger.kernel.org')], '[PATCH 1/2] usb: hub: fix port reset timeout on slow devices', '2024-05-12 21:05',
             body='Hi Greg,\n\nThis series fixes a timeout seen with cheap 4/7-port hubs (see trace in 2/2).\nTested on v6.9-rc7 and 6.8.9.\n\nThanks,\nPhuc', cte='7bit', alt=False,
             atts=[A('0001-fix-usb-hub-timeout.patch', patch, 'ca_nhan', ctype='text/x-patch')], cc=[('Greg KH', 'gregkh@linuxfoundation.org')]),
        'ca_nhan', audience='ngoai', atts=[A('0001-fix-usb-hub-timeout.patch', b'', 'ca_nhan')], notes='hard-negative;english;mailing-list-patch;doc-number-lookalikes;non-work')

    add(mail('outlook', TRANG, [DINH], 'Số liệu khảo sát', '2024-06-27 11:02',
             body='Anh Định, số liệu khảo sát khách tham quan tuần 24/6-30/6:\n- Tỷ lệ hài lòng 87/100 phiếu\n- Khách đến lần 2: 3/10\n- Tuổi 18-30 chiếm 2/3\nEm gửi sơ bộ, thứ 2 có bảng đầy đủ.'),
        'tai_lieu_cong_viec', audience='noi_bo', notes='hard-negative;ratios-look-like-numbers')

    add(mail('gmail', KHOA, [HUY], 'may chieu phong hop 2', '2024-09-09 08:55', body='Huy oi may chieu phong hop 2 hu bong den roi, em dat mua bong Epson ELPLP97 chua? Chieu nay 2h co hop.'),
        'tai_lieu_cong_viec', audience='noi_bo', notes='medium;no-diacritics;very-short')

    a = A(nfd('Bảng theo dõi vật tư quý 3.xlsx'), xlsx([('Q3', [['Vật tư', 'Tồn đầu', 'Nhập', 'Xuất', 'Tồn cuối'], ['Giấy A4', 40, 60, 72, 28], ['Mực in HP 107A', 6, 10, 9, 7]])]), 'tai_lieu_cong_viec')
    add(mail('mac', DINH, [OANH], nfd('Vật tư quý 3'), '2024-10-01 09:30', body='Oanh kiểm tra số tồn cuối giúp anh nhé.\nĐịnh', form='nfd', atts=[a]),
        'tai_lieu_cong_viec', audience='noi_bo', atts=[a], notes='medium;xlsx;nfd-filename;nfd')

    add(mail('outlook', THANH, [TAM], 'Ý kiến về bố trí mặt bằng', '2024-03-05 13:15',
             body='Anh Tâm,\nEm đã xem bản vẽ. Đề nghị lùi sân khấu vào 2m để chừa lối thoát hiểm, khu ẩm thực chuyển ra sân sau.\nThành', html=None, charset='windows-1258'),
        'tai_lieu_cong_viec', audience='noi_bo', notes='medium;windows-1258;comment')

    # ---------------- khong_xac_dinh ----------------
    add(mail('outlook', TAM, [G('Nguyễn Hải', 'hainguyen.design')], 'Trả lời tự động: Re: file thiết kế poster', '2024-07-22 10:05',
             body='Tôi đang nghỉ phép từ 22/7 đến 26/7/2024. Việc gấp xin liên hệ anh Phạm Quốc Huy (pqhuy.tttl@tphcm.gov.vn).\nI am out of office until 26/07/2024.', extra=['Auto-Submitted: auto-replied', 'X-Auto-Response-Suppress: All']),
        'khong_xac_dinh', audience='ngoai', notes='medium;auto-reply;gap-word')

    # delivery status notification
    orig_hdr = b'From: vmtam.tttl@tphcm.gov.vn\nTo: ctythienphuc@gmial.com\nSubject: =?UTF-8?B?QsOhbyBnacOh?=\nDate: Mon, 19 Aug 2024 09:12:00 +0700\n'
    root = Part('multipart/report', params=[('report-type', 'delivery-status')], parts=[
        text_part('Thư của bạn không thể gửi tới ctythienphuc@gmial.com.\nLý do: Tên miền không tồn tại.\n\nYour message could not be delivered.', cte='base64'),
        Part('message/delivery-status', b'Reporting-MTA: dns; mx1.tphcm.gov.vn\n\nFinal-Recipient: rfc822; ctythienphuc@gmial.com\nAction: failed\nStatus: 5.1.2\nDiagnostic-Code: smtp; 550 5.1.2 Host unknown\n', cte='7bit'),
        Part('text/rfc822-headers', orig_hdr, cte='7bit')])
    add(build_message('plain', ('Mail Delivery System', 'MAILER-DAEMON@mx1.tphcm.gov.vn'), [TAM], 'Undelivered Mail Returned to Sender', '2024-08-19 09:12', root, extra=['Auto-Submitted: auto-replied']),
        'khong_xac_dinh', audience='noi_bo', notes='medium;delivery-report;multipart-report')

    add(mail('outlook', HA, [HA], 'test', '2024-05-21 08:31', body='test'),
        'khong_xac_dinh', audience='noi_bo', notes='easy;test-mail')

    add(mail('zimbra', TRANG, [PHUC], 'thử gửi thư', '2024-05-21 09:47', body='Thử gửi thư lần đầu sau khi đổi mật khẩu. 123'),
        'khong_xac_dinh', audience='noi_bo', notes='medium;test-mail;mat-khau')

    ez = enc_zip([('BC thang 10.docx', docx([('p', 'BÁO CÁO THÁNG 10', 'cbH'), ('p', 'Nội dung báo cáo tháng 10/2024', '')]))], 'Tttl@2024')
    add(mail('outlook', LINH, [DINH], 'file', '2024-11-04 10:10', body='Em gửi file, pass em nhắn Zalo.', atts=[A('file_1104.zip', ez, 'khong_xac_dinh')]),
        'khong_xac_dinh', audience='noi_bo', atts=[A('file_1104.zip', b'', 'khong_xac_dinh')], notes='hard;encrypted-zip;unreadable')

    ez2 = enc_zip([('DS.xlsx', xlsx([('S', [['a']])])), ('ghi chu.txt', b'xem file DS')], 'hop2024')
    add(mail('gmail', G('Minh Khang', 'khang.minh.ad'), [TAM], '(không có tiêu đề)', '2024-12-09 15:00', body=None, html='<div dir="ltr"><br></div>', atts=[A('tai lieu.zip', ez2, 'khong_xac_dinh')]),
        'khong_xac_dinh', audience='noi_bo', atts=[A('tai lieu.zip', b'', 'khong_xac_dinh')], notes='hard;encrypted-zip;no-subject;empty-body')

    import random as _r
    rr = _r.Random(7)
    rar = b'Rar!\x1a\x07\x01\x00' + bytes(rr.randrange(256) for _ in range(1800))
    add(mail('outlook_web', VINH, [THANH], 'FW: hồ sơ', '2024-06-10 14:00', body='', atts=[A('ho so.rar', rar, 'khong_xac_dinh')]),
        'khong_xac_dinh', audience='noi_bo', atts=[A('ho so.rar', b'', 'khong_xac_dinh')], notes='hard;unknown-archive;rar;empty-body')

    add(mail('apple', KHOA, [TAM], 'IMG_8842', '2024-03-18 07:50', body=None,
             atts=[A('IMG_8842.jpg', jpeg_stub(8842), 'khong_xac_dinh')]),
        'khong_xac_dinh', audience='noi_bo', atts=[A('IMG_8842.jpg', b'', 'khong_xac_dinh')], notes='hard;image-only;no-body')

    root = Part('multipart/report', params=[('report-type', 'disposition-notification')], parts=[
        text_part('Thư của bạn\n  Tới: Nguyễn Văn Thành\n  Chủ đề: Góp ý dự toán\nđã được đọc vào 16/04/2024 10:31.', cte='quoted-printable'),
        Part('message/disposition-notification', b'Reporting-UA: mail.tphcm.gov.vn; Zimbra\nFinal-Recipient: rfc822; nvthanh.tttl@tphcm.gov.vn\nDisposition: manual-action/MDN-sent-manually; displayed\n', cte='7bit')])
    add(build_message('zimbra', THANH, [TAM], 'Đã đọc: Góp ý dự toán hội chợ sách', '2024-04-16 10:31', root),
        'khong_xac_dinh', audience='noi_bo', notes='medium;read-receipt;multipart-report')

    add(mail('outlook', NGOC, [HUY], 'Accepted: Họp nhóm tình nguyện viên', '2024-11-19 08:10', body='', extra=['X-MS-Exchange-Calendar-Series-Instance-Id: ZQ==']),
        'khong_xac_dinh', audience='noi_bo', notes='hard;calendar-response;empty-body')
