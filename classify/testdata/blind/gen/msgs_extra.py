# Extra cases: more types to reach minimum counts, urgency marks/negatives, malformed MIME, client variety
from common import *

PGD = ('KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC')

def build():
    d = Doc(so='46/TB-TTTL', heading='THÔNG BÁO', trich='Kết luận của Giám đốc tại cuộc họp ngày 26/11/2024', date='Thành phố Hồ Chí Minh, ngày 27 tháng 11 năm 2024',
            paras=['Ngày 26/11/2024, Giám đốc Trung tâm chủ trì họp triển khai Triển lãm Xuân 2025. Giám đốc kết luận:', '1. Đồng ý kinh phí phát sinh 35.000.000 đồng.', '2. Phòng HC-TH bổ sung 02 tình nguyện viên tiếng Anh.', '3. Tổng duyệt ngày 18/01/2025'],
            noi_nhan=['Các phòng, BP;', 'Lưu: VT.'], sign=('TL. GIÁM ĐỐC', 'TRƯỞNG PHÒNG HC-TH'), name='Nguyễn Văn Thành')
    a = A('TB ket luan hop 26-11.docx', d.docx(), 'thong_bao')
    add(mail('yahoo', VANTHU, [PTL, PTT, HCTH], 'Thông báo kết luận cuộc họp 26/11', '2024-11-27 09:20', body='Văn thư gửi thông báo kết luận.', atts=[a]),
        'thong_bao', audience='noi_bo', doc='46/TB-TTTL', atts=[a], notes='medium;docx;yahoo-style-q-filename')

    add(mail('outlook', P('Công đoàn cơ sở TTTL', 'congdoan.tttl'), [P('Toàn thể viên chức TTTL', 'all.tttl')], 'Thông báo: khám sức khỏe định kỳ năm 2024', '2024-10-07 08:00',
             body='THÔNG BÁO\nTrung tâm tổ chức khám sức khỏe định kỳ cho viên chức vào sáng thứ Bảy 19/10/2024 tại Bệnh viện Đa khoa Sài Gòn (125 Lê Lợi). Viên chức nhịn ăn sáng, có mặt lúc 7h00.\nDanh sách và khung giờ theo phòng đính kèm.',
             atts=[A('DS kham suc khoe.xlsx', xlsx([('DS', [['Phòng', 'Giờ'], ['HC-TH', '7h00'], ['Triển lãm', '7h45']])]), 'tai_lieu_cong_viec')]),
        'thong_bao', audience='noi_bo', atts=[A('DS kham suc khoe.xlsx', b'', 'tai_lieu_cong_viec')], notes='medium;informal-thong-bao;spreadsheet-alongside')

    d = Doc(so='48/TB-TTTL', heading='THÔNG BÁO', trich='Thay đổi giờ mở cửa phục vụ khách tham quan dịp Tết', date='Thành phố Hồ Chí Minh, ngày 10 tháng 01 năm 2025',
            paras=['Từ ngày 20/01 đến 12/02/2025, nhà triển lãm mở cửa từ 7h00 đến 22h00 hằng ngày, kể cả mùng 1 Tết.'], noi_nhan=['Sở VH và TT;', 'Các công ty lữ hành;', 'Lưu: VT.'], sign=PGD, name='Lê Văn Khải')
    add(mail('thunderbird', PTT, [('Saigontourist', 'dieuhanh@saigontourist.net'), ('Vietravel', 'inbound@vietravel.com'), ('BenThanh Tourist', 'sales@benthanhtourist.com')], 'Thông báo giờ mở cửa dịp Tết Ất Tỵ', '2025-01-10 14:40', body=d.text(), form='nfd'),
        'thong_bao', audience='ngoai', doc='48/TB-TTTL', notes='hard;nfd;formal-layout-in-body;8bit')

    d = Doc(so='58/KH-TTTL', heading='KẾ HOẠCH', trich='Kiểm kê tài sản, công cụ dụng cụ cuối năm 2024', date='Thành phố Hồ Chí Minh, ngày 09 tháng 12 năm 2024',
            paras=['1. Thời gian kiểm kê: từ 23/12 đến 27/12/2024.', '2. Thành phần Tổ kiểm kê: Bộ phận Kế toán, Phòng HC-TH, Phòng Triển lãm.', '3. Báo cáo kết quả trước 31/12/2024'], noi_nhan=['Các phòng, BP;', 'Lưu: VT, KT.'], sign=PGD, name='Lê Văn Khải')
    a = A('KH kiem ke 2024.pdf', pdf_odt(d), 'ke_hoach')
    add(mail('outlook', BPKT, [PTL, PTT, HCTH], 'Kế hoạch kiểm kê cuối năm', '2024-12-09 10:00', body='Bộ phận Kế toán gửi kế hoạch kiểm kê.', atts=[a]),
        'ke_hoach', audience='noi_bo', doc='58/KH-TTTL', atts=[a], notes='easy;pdf')

    d = Doc(so='44/KH-TTTL', heading='KẾ HOẠCH', trich='Tổ chức Hội chợ sách mùa thu năm 2024', date='Thành phố Hồ Chí Minh, ngày 05 tháng 8 năm 2024', kinh_gui=[],
            paras=['Thời gian: 27/9 - 06/10/2024. Quy mô 80 gian hàng. Hình thức: xã hội hóa.', 'Giao Phòng Triển lãm phối hợp Công ty Sao Việt Media tổ chức thực hiện'], noi_nhan=['Sở VH và TT (b/c);', 'Công ty Sao Việt Media;', 'Lưu: VT.'], name='Trần Hữu Lộc')
    a = A('KH hoi cho sach mua thu.docx', d.docx(), 'ke_hoach')
    add(mail('gmail', TAM, [('Sao Việt Media', 'contact@saovietmedia.com.vn')], 'KH Hội chợ sách mùa thu', '2024-08-05 16:00', body='Gửi Sao Việt kế hoạch đã ký để hai bên triển khai.\nTâm', atts=[a]),
        'ke_hoach', audience='ngoai', doc='44/KH-TTTL', atts=[a], notes='medium;docx;mixed-noi-nhan')

    d = Doc(so='15/TTr-TTTL', heading='TỜ TRÌNH', trich='Về việc đề nghị cử viên chức đi học thạc sĩ', date='Thành phố Hồ Chí Minh, ngày 18 tháng 3 năm 2025', kinh_gui=['Giám đốc Sở Văn hóa và Thể thao'],
            paras=['Trung tâm kính trình Giám đốc Sở xem xét cử bà Châu Ngọc Trang đi học thạc sĩ Quản lý văn hóa tại Trường ĐH Văn hóa TP.HCM.', 'Kính trình Giám đốc Sở xem xét'], noi_nhan=['Như trên;', 'Lưu: VT.'], name='Trần Hữu Lộc')
    inner = mail('outlook', VANTHU, [TCCB_SO], 'Tờ trình cử viên chức đi học', '2025-03-18 09:00', body='Trung tâm gửi tờ trình.', atts=[A('TTr 15.docx', d.docx(), 'to_trinh')])
    a = E('Tờ trình cử đi học.eml', inner, 'to_trinh')
    add(mail('outlook', THANH, [TRANG], 'FW: Tờ trình cử viên chức đi học', '2025-03-18 09:30', body='Trang ơi tờ trình của em đã gửi Sở rồi nhé (thư đính kèm).\nThành', atts=[a]),
        'to_trinh', audience='noi_bo', doc='15/TTr-TTTL', atts=[a], notes='hard;attached-eml;docx-inside-eml')

    d = Doc(so='15/BB-TTTL', heading='BIÊN BẢN', trich='Làm việc với Đoàn kiểm tra của Sở Văn hóa và Thể thao', date='Thành phố Hồ Chí Minh, ngày 15 tháng 7 năm 2024',
            paras=['Đoàn kiểm tra do ông Phạm Đình Nguyên, Phó Giám đốc Sở làm trưởng đoàn.', 'Đoàn ghi nhận Trung tâm thực hiện tốt việc sử dụng hộp thư công vụ; đề nghị hoàn thiện sổ đăng ký văn bản mật.'], noi_nhan=['Sở VH và TT;', 'Lưu: VT.'], sign=('THƯ KÝ',), name='Đặng Thu Hà')
    a = A('BB lam viec doan kiem tra.docx', d.docx(), 'bien_ban')
    add(mail('outlook', HA, [VP_SO], 'Biên bản làm việc với Đoàn kiểm tra ngày 15/7', '2024-07-15 17:20', body='Kính gửi Văn phòng Sở,\nTrung tâm gửi biên bản làm việc.\nHà - HC-TH', atts=[a]),
        'bien_ban', audience='so', doc='15/BB-TTTL', atts=[a], notes='medium;docx;van-ban-mat-topic-word')

    d = Doc(so='12/HD-TTTL', heading='HƯỚNG DẪN', trich='Lưu trữ hồ sơ điện tử trên ổ mạng dùng chung', date='Thành phố Hồ Chí Minh, ngày 06 tháng 3 năm 2025',
            paras=['1. Đặt tên thư mục theo mẫu: Năm_Phòng_Tên hồ sơ.', '2. Không lưu tài liệu có độ mật trên ổ mạng.', '3. Sao lưu hằng tuần vào thứ Sáu'], noi_nhan=['Các phòng, BP;', 'Lưu: VT.'], sign=PGD, name='Lê Văn Khải')
    add(mail('zimbra', PHUC, [PTL, PTT, HCTH, BPKT], 'HD lưu trữ hồ sơ điện tử', '2025-03-06 09:00', body=d.text(), charset='windows-1258'),
        'huong_dan', audience='noi_bo', doc='12/HD-TTTL', notes='hard;windows-1258;formal-layout-in-body;do-mat-topic')

    rows = [['LỊCH CÔNG TÁC TUẦN 03/2025'], ['Ngày', 'Nội dung', 'Thành phần', 'Địa điểm'], ['13/01', 'Giao ban', 'BGĐ, TP', 'P.họp T2'], ['15/01', 'Kiểm tra lắp dựng Triển lãm Xuân', 'BGĐ, PTL', 'Sảnh chính'], ['17/01', 'Tổng duyệt', 'Toàn thể', 'Hội trường']]
    a = A('LCT tuan 03-2025.ods', ods([('Tuần 3', rows)]), 'lich_cong_tac')
    add(mail('thunderbird', VANTHU, [P('Toàn thể viên chức TTTL', 'all.tttl')], 'Lịch công tác tuần 03/2025', '2025-01-10 16:30', body='Văn thư gửi lịch công tác tuần 03.', atts=[a]),
        'lich_cong_tac', audience='noi_bo', atts=[a], notes='medium;ods;weekly-schedule;week-number-slash')

    ics_body = ics('Trực triển lãm Xuân - ca tối', '20250125T170000', '20250125T220000', 'Nhà triển lãm 92 Lê Thánh Tôn', ('Phòng HC-TH', 'hcth.tttl@tphcm.gov.vn'), [HUY], 'Ca trực theo lịch trực Tết', uid='truc-0125')
    rows = [['LỊCH TRỰC TRIỂN LÃM XUÂN - CA TỐI'], ['Ngày', 'Người trực'], ['25/01', 'Phạm Quốc Huy'], ['26/01', 'Mai Đăng Khoa']]
    a = A('Lich truc ca toi.xlsx', xlsx([('Ca tối', rows)]), 'lich_cong_tac')
    add(mail('outlook', HCTH, [HUY, KHOA], 'Lịch trực ca tối Triển lãm Xuân', '2025-01-22 10:00', body='Gửi anh Huy, anh Khoa lịch trực ca tối.', atts=[a]),
        'lich_cong_tac', audience='noi_bo', atts=[a], notes='easy;xlsx;duty-roster')

    # urgency marks in informal mail and negatives
    add(mail('outlook', OANH, [PTL, PTT, HCTH], '[KHẨN] Nộp chứng từ trước 10h sáng mai', '2024-12-26 16:40',
             body='KHẨN\nCác phòng nộp toàn bộ chứng từ thanh toán năm 2024 về Bộ phận Kế toán trước 10h sáng 27/12 để kịp khóa sổ với Kho bạc.\nOanh'),
        'tai_lieu_cong_viec', 'none', 'khan', audience='noi_bo', notes='medium;khan-in-subject-and-body;informal')

    add(mail('gmail', DINH, [OANH], '[KHAN] gui bang luong T12', '2024-12-20 07:50', body='Oanh oi gui anh bang luong T12 truoc 9h nhe, Giam doc can ky.\nDinh'),
        'tai_lieu_cong_viec', 'none', 'khan', audience='noi_bo', notes='hard;khan-without-diacritics;very-short')

    add(mail('outlook', TAM, [HUY, KHOA], 'Rất gấp: kiểm tra máy phát điện', '2024-11-11 13:05', body='Huy, Khoa kiểm tra gấp máy phát điện dự phòng, chiều nay điện lực cắt điện. Khẩn trương nha.' + SIG_TAM, extra=['Importance: High', 'X-Priority: 1 (Highest)']),
        'tai_lieu_cong_viec', audience='noi_bo', notes='hard-negative;gap;khan-truong;importance-high')

    add(mail('zimbra', THANH, [VP_SO], 'V/v đề nghị cung cấp mẫu báo cáo', '2024-06-17 09:50',
             body='Kính gửi Văn phòng Sở,\nTrung tâm đề nghị Văn phòng Sở cung cấp mẫu báo cáo 6 tháng (bản word) để Trung tâm thực hiện khẩn trương, đúng hạn.\nTrân trọng,\n' + SIG_THANH),
        'tai_lieu_cong_viec', audience='so', notes='hard;vv-subject-without-number;khan-truong-not-urgency')

    # malformed MIME
    raw = mail('outlook', LINH, [DINH], 'Số liệu tháng 11', '2024-12-02 10:00', body='Anh Định, em gửi số liệu tháng 11.', atts=[A('so lieu T11.xlsx', xlsx([('T11', [['Chỉ tiêu', 'Số'], ['Khách', 17420]])]), 'tai_lieu_cong_viec')])
    raw = raw.rstrip(b'\r\n'); raw = raw[:raw.rfind(b'\r\n--')] + b'\r\n'  # drop closing boundary
    add(raw, 'tai_lieu_cong_viec', audience='noi_bo', atts=[A('so lieu T11.xlsx', b'', 'tai_lieu_cong_viec')], notes='hard;malformed-mime;missing-closing-boundary;xlsx')

    raw = mail('plain', P('Nguyễn Văn Thành', 'nvthanh.tttl'), [TAM], 'Gửi anh file góp ý', '2024-03-06 15:00', body='Anh Tâm, file góp ý kế hoạch truyền thông em để trong thư.\nNội dung: tăng ngân sách quảng cáo Facebook lên 20 triệu, giảm in tờ gấp.\nThành', cte='base64')
    raw = raw.replace(b'Content-Type: text/plain; charset=utf-8', b'Content-Type: text/plain; charset="utf8x"')
    i = raw.find(b'\r\n\r\n', raw.find(b'Content-Transfer-Encoding')) + 4
    raw = raw[:i] + raw[i:].replace(b'=', b'', 1) + b'@@@\r\n'
    add(raw, 'tai_lieu_cong_viec', audience='noi_bo', notes='hard;malformed-mime;unknown-charset-label;broken-base64')

    add(mail('apple', G('Ngọc Huỳnh', 'ngochuynh.bao'), [NGOC], nfd('ảnh chụp màn hình'), '2024-06-21 12:00', body=None,
             atts=[A('Screenshot 2024-06-21 at 11.58.03.png', png(200, 120, seed=9, text_like=True), 'khong_xac_dinh')]),
        'khong_xac_dinh', audience='noi_bo', atts=[A('Screenshot 2024-06-21 at 11.58.03.png', b'', 'khong_xac_dinh')], notes='hard;image-only;no-body;self-to-work')

    add(mail('outlook', ('Microsoft Outlook', 'MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@tphcm.gov.vn'), [HUY], 'Hộp thư của bạn sắp đầy', '2024-10-30 03:00',
             body='Hộp thư của bạn đã sử dụng 1.9 GB / 2 GB. Bạn có thể không gửi hoặc nhận được thư mới. Vui lòng xóa bớt thư.', extra=['Auto-Submitted: auto-generated']),
        'khong_xac_dinh', audience='noi_bo', notes='medium;system-mail;quota-warning')

    # more personal variety
    add(mail('outlook_web', O('David Nguyen', 'davidng.sg'), [G('Huy Phạm', 'huypham.photo')], 'Photos from Phu Quoc trip', '2024-08-12 22:10',
             body="Hey Huy,\nHere are the photos from last weekend. Let's plan the next trip to Con Dao in October!\nDavid",
             atts=[A('PQ_001.jpg', jpeg_stub(101), 'ca_nhan'), A('PQ_002.jpg', jpeg_stub(102), 'ca_nhan')]),
        'ca_nhan', audience='ngoai', atts=[A('PQ_001.jpg', b'', 'ca_nhan'), A('PQ_002.jpg', b'', 'ca_nhan')], notes='medium;english;trip;photos;plan-word')

    add(mail('outlook', NHUNG, [G('Anh Tuấn', 'tuanle.bike')], 'hỏi mua xe SH cũ', '2024-05-15 12:20',
             body='Anh ơi xe SH 2020 anh đăng bán trên Chợ Tốt còn không anh, em muốn xem xe chiều thứ 7. Giá 68 triệu có bớt không anh?\nNhung'),
        'ca_nhan', audience='ngoai', notes='medium;shopping;personal-use-of-city-mailbox')

    fwd = mail('gmail', G('Nhà văn hóa Phụ nữ', 'nvhphunu.lophoc'), [G('Oanh Lý', 'oanhly.kt')], 'Thông báo lịch học lớp Yoga khóa 3', '2024-09-01 08:00',
               body='THÔNG BÁO\nLớp Yoga buổi tối khóa 3 khai giảng ngày 09/9/2024, học thứ 2-4-6 từ 18h30-19h45. Học phí 900.000đ/tháng.\nNhà Văn hóa Phụ nữ TP.HCM')
    a = E('Thong bao lop Yoga.eml', fwd, 'ca_nhan')
    add(mail('gmail', G('Oanh Lý', 'oanhly.kt'), [G('Thủy', 'thuydoan.1980')], 'Fwd: lớp yoga nè chị', '2024-09-01 09:15', body='Chị Thủy đi học chung với em không?', atts=[a]),
        'ca_nhan', audience='ngoai', atts=[a], notes='hard;attached-eml;thong-bao-heading-personal')

    add(mail('yahoo', Y('Trịnh Quang Vinh', 'vinh_tq85'), [VINH], 'Ket qua xet nghiem', '2024-04-02 18:00', body='Gui vao mail co quan de in.',
             atts=[A('KQ xet nghiem mau.pdf', pdf_blocks([('p', 'PHÒNG KHÁM ĐA KHOA MEDIC HÒA HẢO', 'cb'), ('p', 'KẾT QUẢ XÉT NGHIỆM', 'cbH'), ('p', 'Họ tên: Trịnh Quang Vinh', ''), ('p', 'Glucose: 5.4 mmol/L - Cholesterol: 5.9 mmol/L (cao)', '')]), 'ca_nhan')]),
        'ca_nhan', audience='noi_bo', atts=[A('KQ xet nghiem mau.pdf', b'', 'ca_nhan')], notes='hard;pdf;ket-qua-word;personal-to-city-mailbox')

    add(mail('gmail', G('Phụ huynh lớp 2/4', 'bandaidien.24lnh'), [G('Nguyễn Văn Thành', 'thanh.nv84'), G('Phạm Thùy Linh', 'thuylinh.pham86')], 'Bao cao thu chi quy lop HK1', '2025-01-15 20:00',
             body='Kinh gui quy phu huynh,\nBan dai dien bao cao thu chi quy lop HK1: thu 35 x 500.000 = 17.500.000d; chi qua 20/11, Noel, trang tri lop: 12.860.000d; con lai 4.640.000d.\nChi tiet file dinh kem.',
             atts=[A('thu chi quy lop HK1.xlsx', xlsx([('HK1', [['Khoản', 'Thu', 'Chi'], ['Đóng quỹ', 17500000, ''], ['Quà 20/11', '', 5200000]])]), 'ca_nhan')]),
        'ca_nhan', audience='ngoai', atts=[A('thu chi quy lop HK1.xlsx', b'', 'ca_nhan')], notes='hard;child-school;bao-cao-word;xlsx;no-diacritics')

    add(mail('outlook', KHOA, [THANH], 'Nho anh ky giay xac nhan', '2024-07-30 09:00', body='Anh Thanh oi em nho anh ky giay xac nhan cong tac de em bo sung ho so vay mua nha ngan hang. Em de tren ban anh.\nKhoa'),
        'ca_nhan', audience='noi_bo', notes='hard;personal-favour-at-work;no-diacritics;borderline')

    add(mail('gmail', THUY, [P('Công đoàn cơ sở TTTL', 'congdoan.tttl')], 'Danh sach dang ky du lich he Phan Thiet', '2024-05-28 11:00',
             body='Chi Thuy gui Cong doan danh sach dang ky du lich he: 23 nguoi + 9 nguoi nha. Cong doan ho tro 1.500.000d/doan vien.',
             atts=[A('DS du lich he 2024.xlsx', xlsx([('DS', [['Họ tên', 'Người nhà'], ['Đoàn Thị Thủy', 2], ['Võ Minh Tâm', 1]])]), 'ca_nhan')]),
        'ca_nhan', audience='noi_bo', atts=[A('DS du lich he 2024.xlsx', b'', 'ca_nhan')], notes='hard;union-trip;xlsx;borderline-work')
