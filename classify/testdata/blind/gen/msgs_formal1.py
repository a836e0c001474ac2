# Formal documents I: thông báo, công văn, báo cáo, kế hoạch (with urgency marks and negatives)
from common import *

PARTY = ('ĐẢNG BỘ SỞ VĂN HÓA VÀ THỂ THAO', 'CHI BỘ TRUNG TÂM THÔNG TIN TRIỂN LÃM')
NN_PHONG = ['Các phòng, BP thuộc TTTL;', 'Lưu: VT, HCTH.']
PGD = ('KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC')

def build():
    # ---- seed notice, verbatim-ish in body (the project's own example) ----
    seed = Doc(so='15 /TB-TTTL', heading='THÔNG BÁO', trich='V/v sử dụng tài khoản thuộc Hệ thống thư điện tử Thành phố trong hoạt động nghiệp vụ tại Trung tâm Thông tin Triển lãm',
               date='Thành phố Hồ Chí Minh, ngày 21 tháng 5 năm 2024',
               paras=['Thực hiện Kế hoạch số 1174/KH-SVHTT ngày 19 tháng 3 năm 2024 của Sở Văn hóa và Thể thao về triển khai Chương trình “Chuyển đổi số của Thành phố Hồ Chí Minh”; Sở Văn hóa và Thể thao Thành phố đã triển khai cấp tài khoản Hệ thống thư điện tử Thành phố cho tất cả viên chức các đơn vị thuộc Sở,',
                      'Ban Giám đốc Trung tâm thông báo đến toàn thể viên chức sử dụng tài khoản Hệ thống thư điện tử Thành phố trong hoạt động nghiệp vụ như sau:',
                      '1. Cấp tài khoản Hệ thống thư điện tử Thành phố cho viên chức thuộc Trung tâm Thông tin Triển lãm để sử dụng trong hoạt động nghiệp vụ (đính kèm danh sách).',
                      '3. Các loại văn bản bắt buộc gửi qua hệ thống thư điện tử: Thông báo, công văn, thư mời, văn bản gửi đến Sở, văn bản gửi đến các phòng/bộ phận, lịch công tác, tài liệu trao đổi phục vụ công việc, tài liệu phục vụ các cuộc họp, báo cáo các cấp (trừ các văn bản bảo mật).',
                      '6. Từ ngày 21/5 đến ngày 23/5/2024: thực hiện đăng nhập vào hộp thư và đổi mật khẩu ngay lần đầu tiên đăng nhập.',
                      '7. Thực hiện theo Công văn 1434/SVHTT-VP ngày 03 tháng 4 năm 2024 của Sở Văn hóa và Thể thao, hạ một bậc đánh giá đối với cá nhân ít sử dụng hộp thư điện tử (theo Nghị quyết 08/2023/NQ-HĐND).'],
               noi_nhan=['BGĐ Sở VH và TT;', 'Văn phòng Sở VH và TT;', 'Các phòng, BP thuộc TTTL;', 'Lưu VT, N.'], sign=('KT, GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC'), name='Lê Đức Pháp', closing='')
    a = A('TB 15 su dung email cong vu.pdf', pdfdoc(seed), 'thong_bao')
    add(mail('outlook', VANTHU, [P('Toàn thể viên chức TTTL', 'all.tttl')], 'Thông báo sử dụng tài khoản thư điện tử Thành phố', '2024-05-21 08:05',
             body='Văn thư gửi toàn thể viên chức Thông báo số 15/TB-TTTL (đính kèm) kèm danh sách tài khoản.', atts=[a, A('DS tai khoan email.xlsx', xlsx([('DS', [['STT', 'Họ tên', 'Tài khoản'], [1, 'Nguyễn Văn Thành', 'nvthanh.tttl'], [2, 'Trần Thị Mỹ Linh', 'ttmlinh.tttl']])]), 'tai_lieu_cong_viec')]),
        'thong_bao', audience='noi_bo', doc='15/TB-TTTL', atts=[a, A('DS tai khoan email.xlsx', b'', 'tai_lieu_cong_viec')], notes='medium;pdf;seed-notice;spaced-doc-number;mixed-noi-nhan')

    # body-only seed notice NFD
    add(mail('mac', LINH, [HA, NGOC], nfd('Fwd: Thông báo số 15/TB-TTTL'), '2024-05-21 09:12', body='Mọi người đọc thông báo nha, hạn đổi mật khẩu 23/5.\n\n' + fwd_header('thunderbird', VANTHU, '21/05/2024 08:05', [P('', 'all.tttl@tphcm.gov.vn')], 'Thông báo sử dụng tài khoản thư điện tử Thành phố') + seed.text(), form='nfd'),
        'thong_bao', audience='noi_bo', doc='15/TB-TTTL', notes='hard;forwarded-inline;nfd;spaced-doc-number')

    d = Doc(so='32/TB-TTTL', heading='THÔNG BÁO', trich='Lịch nghỉ Lễ Quốc khánh 02/9/2024', date='Thành phố Hồ Chí Minh, ngày 26 tháng 8 năm 2024',
            paras=['Căn cứ Bộ luật Lao động số 45/2019/QH14; Thông báo số 5837/TB-LĐTBXH của Bộ Lao động - Thương binh và Xã hội,', 'Trung tâm thông báo lịch nghỉ Lễ Quốc khánh từ thứ Bảy ngày 31/8/2024 đến hết thứ A2 ngày 03/9/2024 (04 ngày).'.replace('thứ A2', 'thứ Ba'),
                   'Các phòng bố trí trực theo lịch trực đính kèm; nhà triển lãm mở cửa phục vụ khách bình thường'],
            noi_nhan=NN_PHONG, sign=PGD, name='Lê Văn Khải')
    add(mail('zimbra', VANTHU, [PTL, PTT, HCTH, BPKT], 'Thông báo lịch nghỉ Lễ Quốc khánh 2/9', '2024-08-26 14:30', body=d.text('cols')),
        'thong_bao', audience='noi_bo', doc='32/TB-TTTL', notes='easy;formal-layout-in-body;normative-refs')

    d = Doc(issuer=SVHTT, so='512/TB-SVHTT', heading='THÔNG BÁO', trich='Kết luận của Giám đốc Sở tại cuộc họp giao ban tháng 7/2024', hoa='HOÀ',
            date='Thành phố Hồ Chí Minh, ngày 05 tháng 8 năm 2024', paras=['Ngày 31/7/2024, Giám đốc Sở chủ trì họp giao ban. Giám đốc Sở kết luận: các đơn vị đẩy mạnh sử dụng hộp thư công vụ; Trung tâm Thông tin Triển lãm hoàn thành hồ sơ Triển lãm 2/9 trước ngày 15/8/2024.'],
            noi_nhan=['Các đơn vị trực thuộc;', 'Lưu: VT, VP.'], sign=('TL. GIÁM ĐỐC', 'CHÁNH VĂN PHÒNG'), name='Đỗ Thị Minh Châu')
    a = A('512-TB-SVHTT.pdf', pdfdoc(d), 'thong_bao')
    add(mail('outlook', THANH, [TAM, HUY], 'TL: Thông báo kết luận giao ban tháng 7 của Sở', '2024-08-05 16:44', body='Anh Tâm, Huy lưu ý mục giao cho Trung tâm.\n' + SIG_THANH, atts=[a]),
        'thong_bao', audience='noi_bo', doc='512/TB-SVHTT', atts=[a], notes='medium;forwarded-so-document;pdf;hoa-spelling')

    d = Doc(issuer=PARTY, party=True, so='05-TB/CB', heading='THÔNG BÁO', trich='Kết quả đánh giá, xếp loại đảng viên năm 2024', date='TP. Hồ Chí Minh, ngày 18 tháng 12 năm 2024',
            paras=['Căn cứ Hướng dẫn số 25-HD/BTCTW của Ban Tổ chức Trung ương, Chi bộ thông báo kết quả: 09/11 đảng viên hoàn thành tốt nhiệm vụ, 02/11 hoàn thành nhiệm vụ.'],
            noi_nhan=['Đảng ủy Sở (b/c);', 'Đảng viên trong chi bộ;', 'Lưu Chi bộ.'], sign=('T/M CHI BỘ', 'BÍ THƯ'), name='Trần Hữu Lộc', closing='')
    a = A('TB 05 chi bo.docx', d.docx(), 'thong_bao')
    add(mail('outlook', DINH, [P('Đảng viên Chi bộ TTTL', 'chibo.tttl')], 'Thông báo kết quả xếp loại đảng viên 2024', '2024-12-18 15:10', body='Chi bộ gửi các đồng chí thông báo kết quả xếp loại.', atts=[a]),
        'thong_bao', audience='noi_bo', doc='05-TB/CB', atts=[a], notes='hard;party-numbering;docx')

    add(mail('gmail', HA, [P('Toàn thể viên chức TTTL', 'all.tttl')], 'Thong bao doi lich tiep khach', '2024-09-20 16:05',
             body='Thong bao: tu thu Hai 23/9 quay tiep tan doi gio lam viec tu 7h30 den 17h00 (nghi trua 11h30-13h). Cac phong luu y khi hen khach.\nPhong HC-TH'),
        'thong_bao', audience='noi_bo', notes='medium;informal-thong-bao;no-diacritics')

    d = Doc(so='38/TB-TTTL', heading='THÔNG BÁO', trich='Tuyển dụng viên chức năm 2024', khan='KHẨN', date='Thành phố Hồ Chí Minh, ngày 01 tháng 10 năm 2024',
            paras=['Trung tâm Thông tin Triển lãm thông báo tuyển dụng 03 chỉ tiêu viên chức: 02 chuyên viên thiết kế đồ họa, 01 kế toán viên.', 'Hồ sơ nộp tại Phòng HC-TH từ 01/10 đến 30/10/2024'],
            noi_nhan=['Sở VH và TT;', 'Cổng TTĐT Sở;', 'Lưu: VT.'], name='Trần Hữu Lộc')
    a = A(nfd('Thông báo tuyển dụng 2024.odt'), d.odt(), 'thong_bao')
    add(mail('thunderbird', HCTH, [P('Ban biên tập Cổng TTĐT Sở', 'cong.svhtt')], 'Đăng thông báo tuyển dụng', '2024-10-01 09:00', body='Nhờ Ban biên tập đăng giúp Trung tâm thông báo tuyển dụng.\nPhòng HC-TH', atts=[a]),
        'thong_bao', 'none', 'khan', audience='so', doc='38/TB-TTTL', atts=[a], notes='hard;odt;nfd-filename;khan-stamp')

    d = Doc(so='44/TB-TTTL', heading='THÔNG BÁO', trich='Tạm ngừng phục vụ khách tham quan để sửa chữa hệ thống điện', khan='THƯỢNG KHẨN', date='Thành phố Hồ Chí Minh, ngày 11 tháng 11 năm 2024',
            paras=['Do sự cố hệ thống điện tầng 2, Trung tâm tạm ngừng phục vụ khách tham quan từ ngày 12/11 đến hết ngày 14/11/2024.', 'Trung tâm xin lỗi Quý khách vì sự bất tiện này'],
            noi_nhan=['Sở VH và TT (b/c);', 'Các đơn vị lữ hành;', 'Lưu: VT.'], name='Trần Hữu Lộc')
    add(mail('outlook', HCTH, [('Saigontourist', 'dieuhanh@saigontourist.net'), ('Vietravel', 'inbound@vietravel.com')], 'THƯỢNG KHẨN - Thông báo tạm ngừng phục vụ khách', '2024-11-11 17:40',
             body=d.text(), extra=['Importance: High']),
        'thong_bao', 'none', 'thuong_khan', audience='ngoai', doc='44/TB-TTTL', notes='medium;thuong-khan;formal-layout-in-body')

    # ---- công văn ----
    d = Doc(so='123/TTTL-HCTH', vv='V/v đề nghị hỗ trợ kinh phí tổ chức Triển lãm Xuân 2025', date='Thành phố Hồ Chí Minh, ngày 14 tháng 10 năm 2024', kinh_gui=['Sở Văn hóa và Thể thao'],
            paras=['Căn cứ Kế hoạch số 1174/KH-SVHTT ngày 19 tháng 3 năm 2024 của Sở Văn hóa và Thể thao;', 'Trung tâm Thông tin Triển lãm kính đề nghị Sở xem xét, hỗ trợ kinh phí 850.000.000 đồng để tổ chức Triển lãm Xuân Ất Tỵ 2025 (dự toán chi tiết đính kèm).', 'Trân trọng'],
            noi_nhan=['Như trên;', 'BGĐ TTTL;', 'Lưu: VT, HCTH.'], sign=PGD, name='Lê Văn Khải')
    a = A('CV 123 de nghi ho tro kinh phi.docx', d.docx(), 'cong_van')
    a2 = A('Du toan trien lam Xuan 2025.xlsx', xlsx([('DT', [['Nội dung', 'Số tiền'], ['Thiết kế, thi công', 520000000], ['Truyền thông', 180000000], ['Khác', 150000000]])]), 'tai_lieu_cong_viec')
    add(mail('outlook', VANTHU, [KHTC_SO], 'V/v đề nghị hỗ trợ kinh phí tổ chức Triển lãm Xuân 2025', '2024-10-14 10:20', body='Kính gửi Phòng Kế hoạch - Tài chính,\nTrung tâm gửi Công văn số 123/TTTL-HCTH và dự toán kèm theo.\nTrân trọng.', atts=[a, a2]),
        'cong_van', audience='so', doc='123/TTTL-HCTH', atts=[a, a2], notes='easy;docx;spreadsheet-alongside')

    d = Doc(so='214/TTTL-PTL', vv='V/v mượn hiện vật phục vụ triển lãm chuyên đề', date='Thành phố Hồ Chí Minh, ngày 02 tháng 7 năm 2024', kinh_gui=['Bảo tàng Mỹ thuật Thành phố Hồ Chí Minh'],
            paras=['Trung tâm Thông tin Triển lãm tổ chức Triển lãm chuyên đề "Sài Gòn xưa và nay" từ ngày 25/8 đến 25/9/2024. Trung tâm đề nghị Quý Bảo tàng hỗ trợ cho mượn 12 hiện vật (danh mục đính kèm).', 'Rất mong nhận được sự hỗ trợ của Quý Bảo tàng'],
            noi_nhan=['Như trên;', 'Lưu: VT, PTL.'], sign=PGD, name='Lê Văn Khải')
    a = A('CV 214 muon hien vat.pdf', pdfdoc(d), 'cong_van')
    add(mail('outlook', TAM, [P('Bảo tàng Mỹ thuật', 'btmythuat')], 'Công văn mượn hiện vật', '2024-07-02 15:00', body='Kính gửi Quý Bảo tàng,\nTrung tâm gửi công văn (file PDF).' + SIG_TAM, atts=[a]),
        'cong_van', audience='ngoai', doc='214/TTTL-PTL', atts=[a], notes='easy;pdf')

    d = Doc(so='256/TTTL-HCTH', vv='V/v đăng ký tham gia Hội chợ Du lịch Quốc tế 2024', date='Thành phố Hồ Chí Minh, ngày 20 tháng 8 năm 2024', kinh_gui=['Ban Tổ chức Hội chợ Du lịch Quốc tế TP.HCM (ITE HCMC)'],
            paras=['Trung tâm đăng ký 02 gian hàng tiêu chuẩn tại khu vực văn hóa.', 'Đầu mối liên hệ: ông Võ Minh Tâm, ĐT 0918 406 553'], noi_nhan=['Như trên;', 'Lưu: VT.'], sign=PGD, name='Lê Văn Khải')
    add(mail('outlook', HCTH, [('ITE HCMC', 'exhibitor@itehcmc.travel')], 'Dang ky tham gia ITE HCMC 2024', '2024-08-20 11:30', body=d.text(), charset='windows-1258', subj_style=None),
        'cong_van', audience='ngoai', doc='256/TTTL-HCTH', notes='medium;windows-1258;formal-layout-in-body')

    d = Doc(issuer=SVHTT, so='2971/SVHTT-KHTC', vv='V/v báo cáo tình hình thực hiện dự toán ngân sách 9 tháng năm 2024', khan='KHẨN', date='Thành phố Hồ Chí Minh, ngày 24 tháng 9 năm 2024',
            kinh_gui=['Thủ trưởng các đơn vị trực thuộc Sở'], paras=['Sở đề nghị các đơn vị báo cáo tình hình thực hiện dự toán 9 tháng năm 2024 theo mẫu đính kèm, gửi về Phòng Kế hoạch - Tài chính trước 16 giờ ngày 27/9/2024'],
            noi_nhan=['Như trên;', 'Lưu: VT, KHTC.'], sign=('KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC'), name='Phạm Đình Nguyên')
    a = A('2971_SVHTT_KHTC.pdf', pdfdoc(d), 'cong_van')
    add(mail('zimbra', KHTC_SO, [VANTHU, P('Văn thư Bảo tàng Mỹ thuật', 'vanthu.btmythuat')], 'KHẨN: báo cáo thực hiện dự toán 9 tháng', '2024-09-24 14:02', body='Phòng KHTC gửi công văn, đề nghị các đơn vị thực hiện đúng hạn.', atts=[a]),
        'cong_van', 'none', 'khan', audience='ngoai', doc='2971/SVHTT-KHTC', atts=[a], notes='medium;pdf;inbound-from-so;khan-stamp')

    d = Doc(so='301/TTTL-HCTH', vv='V/v cử viên chức tham dự lớp bồi dưỡng', date='Thành phố Hồ Chí Minh, ngày 09 tháng 9 năm 2024', kinh_gui=['Phòng Tổ chức cán bộ - Sở Văn hóa và Thể thao'],
            paras=['Thực hiện Công văn số 2744/SVHTT-TCCB ngày 30/8/2024 của Sở, Trung tâm cử 02 viên chức tham dự lớp bồi dưỡng kiến thức quản lý nhà nước: bà Châu Ngọc Trang, ông Phạm Quốc Huy.'],
            noi_nhan=['Như trên;', 'Lưu: VT.'], sign=PGD, name='Lê Văn Khải')
    add(mail('apple', THANH, [TCCB_SO], nfd('Cử viên chức dự lớp bồi dưỡng'), '2024-09-09 11:50', body=d.text(), form='nfd'),
        'cong_van', audience='so', doc='301/TTTL-HCTH', notes='hard;nfd;formal-layout-in-body;iphone')

    add(mail('gmail', THANH, [NGA_SO], 'gửi chị Nga công văn', '2024-06-06 20:30', body='Chị Nga ơi em gửi chị bản word công văn 198 để chị chỉnh câu chữ trước khi ký số nha. Gấp giúp em, mai Sở họp rồi.\nThành',
             atts=[A('CV 198 - ban word.docx', Doc(so='198/TTTL-HCTH', vv='V/v góp ý dự thảo Quy chế phối hợp tổ chức sự kiện', date='Thành phố Hồ Chí Minh, ngày 07 tháng 6 năm 2024', kinh_gui=['Văn phòng Sở Văn hóa và Thể thao'],
                                                         paras=['Trung tâm thống nhất với dự thảo Quy chế; đề nghị bổ sung Điều 7 về trách nhiệm đơn vị chủ trì.'], noi_nhan=['Như trên;', 'Lưu: VT.'], sign=PGD, name='Lê Văn Khải').docx(), 'cong_van')]),
        'cong_van', audience='so', doc='198/TTTL-HCTH', atts=[A('CV 198 - ban word.docx', b'', 'cong_van')], notes='hard;docx;gap-not-urgency;draft-of-cong-van')

    d = Doc(so='330/TTTL-PTT', vv='V/v phối hợp tuyên truyền Tháng hành động vì bình đẳng giới', date='Thành phố Hồ Chí Minh, ngày 01 tháng 11 năm 2024', kinh_gui=['Ủy ban nhân dân Quận 1', 'Ủy ban nhân dân Quận 3'],
            paras=['Trung tâm đề nghị Quý Ủy ban phối hợp treo 40 băng rôn tuyên truyền tại các tuyến đường trung tâm từ 15/11 đến 15/12/2024.'], noi_nhan=['Như trên;', 'Lưu: VT, PTT.'], sign=PGD, name='Lê Văn Khải')
    a = A('CV330.odt', d.odt(), 'cong_van')
    add(mail('thunderbird', PTT, [P('UBND Quận 1', 'ubnd.q1'), P('UBND Quận 3', 'ubnd.q3')], 'V/v phối hợp tuyên truyền', '2024-11-01 08:45', body='Kính gửi Quý Ủy ban,\nPhòng Thông tin - Tuyên truyền gửi công văn số 330/TTTL-PTT.', atts=[a]),
        'cong_van', audience='ngoai', doc='330/TTTL-PTT', atts=[a], notes='medium;odt;rfc2231-filename')

    d = Doc(so='87/TTTL', vv='V/v xác nhận lịch sử dụng hội trường', date='TP.HCM, ngày 15 tháng 3 năm 2024', kinh_gui=['Công ty TNHH Sự kiện Ánh Dương'],
            paras=['Trung tâm xác nhận Quý Công ty sử dụng hội trường tầng 3 ngày 23/3/2024 từ 7h00 đến 21h00 theo Hợp đồng số 05/2024/HĐ-TTTL.'], noi_nhan=['Như trên;', 'Lưu: VT.'], sign=PGD, name='Lê Văn Khải')
    add(mail('outlook_web', HCTH, [('Ánh Dương Event', 'kinhdoanh@anhduongevent.vn')], 'Xác nhận lịch sử dụng hội trường', '2024-03-15 10:00', body=d.text('cols'), html=None),
        'cong_van', audience='ngoai', doc='87/TTTL', notes='hard;short-issuer-number;contract-number-in-text')

    # ---- báo cáo ----
    d = Doc(so='24/BC-TTTL', heading='BÁO CÁO', trich='Kết quả hoạt động quý II năm 2024 và phương hướng quý III', date='Thành phố Hồ Chí Minh, ngày 28 tháng 6 năm 2024', kinh_gui=['Sở Văn hóa và Thể thao'],
            paras=['I. KẾT QUẢ: Tổ chức 04 triển lãm, đón 52.300 lượt khách; phát hành 12.000 tờ gấp; 100% viên chức sử dụng hộp thư công vụ.', 'II. PHƯƠNG HƯỚNG QUÝ III: Triển lãm kỷ niệm Quốc khánh 2/9; Hội chợ sách mùa thu'],
            noi_nhan=['Như trên;', 'Lưu: VT, HCTH.'], name='Trần Hữu Lộc')
    a = A('BC quy 2 2024.docx', d.docx(), 'bao_cao')
    add(mail('outlook', VANTHU, [VP_SO], 'BC quý 2/2024', '2024-06-28 16:30', body='Trung tâm gửi Báo cáo quý II/2024.', atts=[a]),
        'bao_cao', audience='so', doc='24/BC-TTTL', atts=[a], notes='easy;docx')

    add(mail('zimbra', TAM, [THANH], 'Báo cáo nhanh kết quả ngày khai mạc', '2024-08-25 21:10',
             body='Báo cáo anh Thành kết quả ngày khai mạc triển lãm "Sài Gòn xưa và nay":\n- Khách tham quan: 3.420 lượt\n- Đoàn đại biểu: 6 đoàn\n- Sự cố: 01 lần mất điện 5 phút khu B, đã khắc phục\n- Truyền thông: 14 cơ quan báo chí đưa tin\nTâm'),
        'bao_cao', audience='noi_bo', notes='medium;informal-bao-cao')

    d = Doc(so='27/BC-TTTL', heading='BÁO CÁO', trich='Tình hình sử dụng hệ thống thư điện tử công vụ quý III/2024', khan='HOẢ TỐC', date='Thành phố Hồ Chí Minh, ngày 02 tháng 10 năm 2024', kinh_gui=['Văn phòng Sở Văn hóa và Thể thao'],
            paras=['Quý III/2024: 27/27 viên chức có tài khoản; tổng số thư gửi 4.812; 02 tài khoản bị nhắc nhở do ít sử dụng.'], noi_nhan=['Như trên;', 'Lưu: VT.'], sign=PGD, name='Lê Văn Khải')
    a = A('BC email quy 3.pdf', pdfdoc(d), 'bao_cao')
    add(mail('outlook', PHUC, [VP_SO], 'Báo cáo sử dụng thư điện tử quý III', '2024-10-02 11:05', body='Kính gửi Văn phòng Sở,\nTrung tâm gửi báo cáo (hỏa tốc theo yêu cầu).\nNgô Hoàng Phúc', atts=[a]),
        'bao_cao', 'none', 'hoa_toc', audience='so', doc='27/BC-TTTL', atts=[a], notes='hard;pdf;hoa-toc-old-spelling')

    d = Doc(so='30/BC-TTTL', heading='BÁO CÁO', trich='Sơ kết 6 tháng thực hiện chuyển đổi số', date='Thành phố Hồ Chí Minh, ngày 08 tháng 7 năm 2024', kinh_gui=['Sở Văn hóa và Thể thao'],
            paras=['Trung tâm đã số hóa 2.140 hồ sơ hiện vật; triển khai vé điện tử; website có 186.000 lượt truy cập.'], noi_nhan=['Như trên;', 'Lưu: VT.'], name='Trần Hữu Lộc')
    z = zip_files([('BC 30 so ket CDS.docx', d.docx()), ('Phu luc so lieu.xlsx', xlsx([('PL', [['Chỉ tiêu', 'Kết quả'], ['Hồ sơ số hóa', 2140]])]))])
    a = A('BC so ket CDS 6 thang.zip', z, 'bao_cao')
    add(mail('gmail', PHUC, [KHTC_SO, VP_SO], 'BC sơ kết CĐS 6 tháng', '2024-07-08 08:20', body='Dạ em gửi báo cáo và phụ lục (file nén).', atts=[a]),
        'bao_cao', audience='so', doc='30/BC-TTTL', atts=[a], notes='medium;zip;docx-inside')

    # ---- kế hoạch ----
    d = Doc(so='52/KH-TTTL', heading='KẾ HOẠCH', trich='Tổ chức Triển lãm Xuân Ất Tỵ 2025', date='Thành phố Hồ Chí Minh, ngày 20 tháng 11 năm 2024',
            paras=['I. MỤC ĐÍCH, YÊU CẦU: Phục vụ nhân dân vui Xuân, đón Tết.', 'II. THỜI GIAN, ĐỊA ĐIỂM: từ 20/01 đến 12/02/2025 tại 92 Lê Thánh Tôn.', 'III. NỘI DUNG: 5 khu trưng bày, 01 sân khấu, khu ông đồ cho chữ.', 'IV. KINH PHÍ: từ nguồn ngân sách và xã hội hóa.', 'V. TỔ CHỨC THỰC HIỆN: Phòng Triển lãm chủ trì'],
            noi_nhan=['Sở VH và TT (b/c);', 'Các phòng, BP;', 'Lưu: VT.'], name='Trần Hữu Lộc')
    a = A('KH trien lam Xuan 2025.docx', d.docx(), 'ke_hoach')
    add(mail('outlook', VANTHU, [PTL, PTT, HCTH, BPKT], 'Kế hoạch tổ chức Triển lãm Xuân 2025', '2024-11-20 09:40', body='Văn thư gửi các phòng Kế hoạch số 52/KH-TTTL.', atts=[a]),
        'ke_hoach', audience='noi_bo', doc='52/KH-TTTL', atts=[a], notes='easy;docx')

    d = Doc(issuer=SVHTT, so='1174/KH-SVHTT', heading='KẾ HOẠCH', trich='Triển khai Chương trình Chuyển đổi số năm 2024', date='Thành phố Hồ Chí Minh, ngày 19 tháng 3 năm 2024',
            paras=['Căn cứ Quyết định số 41/2011/QĐ-UBND ngày 25 tháng 6 năm 2011 của Ủy ban nhân dân Thành phố;', 'Mục tiêu: 100% viên chức sử dụng hộp thư công vụ; 100% văn bản đi được ký số.'],
            noi_nhan=['Các đơn vị trực thuộc;', 'Lưu: VT, VP.'], sign=('GIÁM ĐỐC',), name='Nguyễn Thị Thanh Hương')
    a = A('1174-KH-SVHTT.pdf', pdfdoc(d), 'ke_hoach')
    add(mail('gmail', PHUC, [THANH], 'Fwd: KH chuyển đổi số của Sở', '2024-03-21 13:00', body='Anh Thành, kế hoạch của Sở, mình cần làm KH triển khai của TTTL.\n', atts=[a]),
        'ke_hoach', audience='noi_bo', doc='1174/KH-SVHTT', atts=[a], notes='medium;pdf;forwarded-so-document;normative-ref-in-text')

    add(mail('outlook', TAM, [HUY, NGOC, KHOA], 'Kế hoạch lắp dựng triển lãm 2/9 - phân công', '2024-08-19 17:30',
             body='Kế hoạch lắp dựng triển lãm 2/9:\n- 20/8: nhận vật tư (Huy)\n- 21-22/8: dựng khung, vách (nhà thầu Ánh Dương, Khoa giám sát)\n- 23/8: treo tranh, đèn (Ngọc + Huy)\n- 24/8: tổng duyệt 15h\nAnh em theo đúng tiến độ giúp anh.' + SIG_TAM),
        'tai_lieu_cong_viec', audience='noi_bo', notes='hard;informal-ke-hoach-word;task-assignment-logistics')

    d = Doc(so='47/KH-TTTL', heading='KẾ HOẠCH', trich='Phòng cháy chữa cháy và cứu nạn cứu hộ năm 2024', khan='KHẨN', date='Thành phố Hồ Chí Minh, ngày 22 tháng 7 năm 2024',
            paras=['Căn cứ Luật Phòng cháy và chữa cháy số 27/2001/QH10, sửa đổi bổ sung năm 2013;', 'Tổ chức diễn tập PCCC ngày 15/8/2024; kiểm tra 100% bình chữa cháy trước 10/8/2024'],
            noi_nhan=['Công an phường Bến Nghé;', 'Các phòng, BP;', 'Lưu: VT.'], sign=PGD, name='Lê Văn Khải')
    add(mail('outlook', HCTH, [PTL, PTT, BPKT], 'KH PCCC 2024', '2024-07-22 08:30', body=d.text(), charset='windows-1258', subj_style='cp1258q'),
        'ke_hoach', 'none', 'khan', audience='noi_bo', doc='47/KH-TTTL', notes='hard;windows-1258;khan-stamp;formal-layout-in-body')

    d = Doc(so='55/KH-TTTL', heading='KẾ HOẠCH', trich='Khảo sát mức độ hài lòng của khách tham quan năm 2024', date='Thành phố Hồ Chí Minh, ngày 02 tháng 12 năm 2024',
            paras=['Khảo sát 600 phiếu trong tháng 12/2024, mẫu phiếu đính kèm; Phòng Thông tin - Tuyên truyền tổng hợp trước 10/01/2025'], noi_nhan=['Các phòng, BP;', 'Lưu: VT.'], sign=PGD, name='Lê Văn Khải')
    a = A('KH khao sat.odt', d.odt(), 'ke_hoach')
    add(mail('thunderbird', TRANG, [DINH, LINH], 'KH khảo sát hài lòng - gửi khẩn trương', '2024-12-02 10:00', body='Anh chị triển khai khẩn trương giúp em, tuần này phải phát phiếu.\nTrang', atts=[a]),
        'ke_hoach', audience='noi_bo', doc='55/KH-TTTL', atts=[a], notes='hard-negative;khan-truong-not-urgency;odt')
