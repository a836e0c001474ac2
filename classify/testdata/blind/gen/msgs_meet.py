# Invitations (giay_moi), meeting material (tai_lieu_hop), work schedules and duty rosters (lich_cong_tac)
from common import *

PGD = ('KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC')

def gm(so, trich, paras, date, kg, issuer=TTTL, **kw):
    return Doc(issuer=issuer, so=so, heading='GIẤY MỜI', trich=trich, date=date, kinh_gui=kg, paras=paras, noi_nhan=kw.pop('noi', ['Như trên;', 'Lưu: VT.']), sign=kw.pop('sign', PGD), name=kw.pop('name', 'Lê Văn Khải'), **kw)

def build():
    # ---------------- giấy mời ----------------
    d = gm('28/GM-TTTL', 'Họp giao ban tháng 6/2024', ['Trung tâm Thông tin Triển lãm trân trọng kính mời Trưởng các phòng, bộ phận dự họp giao ban.', 'Thời gian: 08 giờ 00, thứ Hai ngày 03/6/2024.', 'Địa điểm: Phòng họp tầng 2, 92 Lê Thánh Tôn, Quận 1.', 'Đề nghị các phòng chuẩn bị báo cáo kết quả tháng 5'], 'Thành phố Hồ Chí Minh, ngày 30 tháng 5 năm 2024', ['Trưởng các phòng, bộ phận'])
    a = A('GM hop giao ban T6.pdf', pdfdoc(d), 'giay_moi')
    add(mail('outlook', VANTHU, [TAM, THANH, OANH, DINH], '[Thư mời] Họp giao ban tháng 6', '2024-05-30 15:00', body='Văn thư gửi giấy mời họp giao ban.', atts=[a]),
        'giay_moi', audience='noi_bo', doc='28/GM-TTTL', atts=[a], notes='easy;pdf')

    d = gm('31/GM-TTTL', 'Dự Lễ khai mạc Triển lãm "Sài Gòn xưa và nay"', ['Trung tâm trân trọng kính mời đồng chí Giám đốc Sở đến dự Lễ khai mạc.', 'Thời gian: 08 giờ 30, Chủ nhật ngày 25/8/2024.', 'Địa điểm: 92 Lê Thánh Tôn, phường Bến Nghé, Quận 1'], 'Thành phố Hồ Chí Minh, ngày 15 tháng 8 năm 2024', ['Đồng chí Giám đốc Sở Văn hóa và Thể thao'], sign=('GIÁM ĐỐC',), name='Trần Hữu Lộc')
    a = A('Giay moi khai mac.docx', d.docx(), 'giay_moi')
    slides = A('Kich ban khai mac.docx', docx([('p', 'KỊCH BẢN LỄ KHAI MẠC', 'cbH'), ('p', '8h30: Văn nghệ chào mừng', ''), ('p', '8h45: Tuyên bố lý do, giới thiệu đại biểu', ''), ('p', '9h00: Cắt băng khai mạc', '')]), 'tai_lieu_hop')
    add(mail('outlook', VANTHU, [VP_SO], 'Giấy mời dự Lễ khai mạc triển lãm', '2024-08-15 10:00', body='Kính gửi Văn phòng Sở,\nTrung tâm gửi giấy mời và kịch bản chương trình.', atts=[a, slides]),
        'giay_moi', audience='so', doc='31/GM-TTTL', atts=[a, slides], notes='medium;docx;invitation-with-meeting-material')

    ic = ics('Họp triển khai Triển lãm Xuân 2025', '20241126T140000', '20241126T160000', 'Phòng họp tầng 2', ('Võ Minh Tâm', 'vmtam.tttl@tphcm.gov.vn'), [HUY, NGOC, KHOA, TRANG], 'Nội dung: phân công nhiệm vụ theo KH 52/KH-TTTL', uid='040000008200E00074C5B7101A82E008000000001A2B3C4D')
    add(cal_mail('outlook', TAM, [HUY, NGOC, KHOA, TRANG], 'Họp triển khai Triển lãm Xuân 2025', '2024-11-21 16:00', 'Mời anh chị họp triển khai, 14h thứ Ba 26/11, phòng họp tầng 2.\n' + SIG_TAM, ic),
        'giay_moi', audience='noi_bo', atts=[A('invite.ics', b'', 'giay_moi')], notes='medium;calendar-request;ics')

    ic = ics('Hop Ban to chuc Hoi cho sach', '20240910T090000', '20240910T103000', 'Phong hop 1 - Sao Viet Media, 12 Nguyen Thi Minh Khai', ('Phan Minh Quan', 'quan.pm@saovietmedia.com.vn'), [TAM, THANH], 'Agenda: so do gian hang, truyen thong', uid='sv-20240910-0900')
    add(cal_mail('outlook', ('Phan Minh Quân', 'quan.pm@saovietmedia.com.vn'), [TAM, THANH], 'Invitation: Hop Ban to chuc Hoi cho sach @ Tue Sep 10 9am', '2024-09-05 11:00', 'Kinh moi anh Tam, anh Thanh hop thong nhat so do gian hang.', ic, attach_ics=False),
        'giay_moi', audience='noi_bo', notes='hard;calendar-request;no-attachment-ics-inline;no-diacritics;external-organizer')

    add(mail('gmail', HA, [P('Toàn thể viên chức TTTL', 'all.tttl')], 'Moi hop toan the vien chuc', '2024-12-11 14:00',
             body='Kinh moi toan the vien chuc du hop tong ket nam 2024\nThoi gian: 14h00 thu Sau 20/12/2024\nDia diem: Hoi truong tang 3\nDe nghi cac anh chi co mat dung gio.\nPhong HC-TH'),
        'giay_moi', audience='noi_bo', notes='medium;body-only-invitation;no-diacritics')

    add(mail('thunderbird', THANH, [TAM, DINH, HA], 'Mời họp rà soát hồ sơ thi đua', '2024-12-09 09:30',
             body='Kính mời anh Tâm, anh Định, chị Hà họp rà soát hồ sơ thi đua lúc 15h00 chiều nay tại phòng HC-TH.\nThành', subj_style='raw', addr_style='raw', cte='8bit'),
        'giay_moi', audience='noi_bo', notes='hard;raw-8bit-headers;body-only-invitation')

    d = Doc(issuer=('CÔNG TY TNHH SAO VIỆT MEDIA',), so='SV-2024/071', heading='THƯ MỜI', date='TP.HCM, ngày 02 tháng 10 năm 2024', kinh_gui=['Trung tâm Thông tin Triển lãm'],
            paras=['Sao Việt Media trân trọng kính mời đại diện Quý Trung tâm tham dự Đêm Gala Kết nối Doanh nghiệp Sự kiện 2024.', 'Thời gian: 18h30 ngày 18/10/2024. Địa điểm: GEM Center, 8 Nguyễn Bỉnh Khiêm, Quận 1.', 'Vui lòng xác nhận trước 12/10/2024'], noi_nhan=[], sign=('GIÁM ĐỐC',), name='Lâm Quốc Bảo', closing='')
    a = A('Thu moi Gala 2024.pdf', pdfdoc(d), 'giay_moi')
    add(mail('gmail', ('Sao Việt Media', 'contact@saovietmedia.com.vn'), [THANH], 'Thư mời Gala Kết nối Doanh nghiệp 2024', '2024-10-02 10:30', body='Kính gửi anh Thành,\nSao Việt trân trọng gửi thư mời (đính kèm).', atts=[a]),
        'giay_moi', audience='noi_bo', doc='SV-2024/071', atts=[a], notes='hard;partner-thu-moi;non-nd30-number;pdf')

    d = gm('4120/GM-SVHTT', 'Hội nghị tổng kết công tác năm 2024', ['Sở Văn hóa và Thể thao trân trọng kính mời Giám đốc Trung tâm Thông tin Triển lãm dự Hội nghị.', 'Thời gian: 08 giờ 00 ngày 08/01/2025.', 'Địa điểm: Hội trường Sở, 164 Đồng Khởi, Quận 1'], 'Thành phố Hồ Chí Minh, ngày 27 tháng 12 năm 2024', ['Giám đốc Trung tâm Thông tin Triển lãm'], issuer=SVHTT, khan='KHẨN', sign=('TL. GIÁM ĐỐC', 'CHÁNH VĂN PHÒNG'), name='Đỗ Thị Minh Châu')
    a = A('GM 4120 hoi nghi tong ket.pdf', pdfdoc(d), 'giay_moi')
    add(mail('outlook', VP_SO, [VANTHU], 'Giấy mời Hội nghị tổng kết 2024', '2024-12-27 17:00', body='Văn phòng Sở gửi giấy mời.', atts=[a]),
        'giay_moi', 'none', 'khan', audience='noi_bo', doc='4120/GM-SVHTT', atts=[a], notes='medium;pdf;inbound-from-so;khan-stamp')

    d = gm('33/GM-TTTL', 'Dự tập huấn nghiệp vụ thuyết minh', ['Trân trọng kính mời các thuyết minh viên và tình nguyện viên dự buổi tập huấn.', 'Thời gian: 13 giờ 30 ngày 21/9/2024.', 'Địa điểm: Hội trường tầng 3'], 'Thành phố Hồ Chí Minh, ngày 16 tháng 9 năm 2024', ['Thuyết minh viên, tình nguyện viên Trung tâm'])
    add(mail('outlook', HCTH, [PTL, PTT], 'Giấy mời tập huấn thuyết minh', '2024-09-16 11:00', body=d.text(), subj_style='cp1258', charset='windows-1258'),
        'giay_moi', audience='noi_bo', doc='33/GM-TTTL', notes='hard;windows-1258;cp1258-subject;formal-layout-in-body')

    d = gm('35/GM-TTTL', 'Họp góp ý phương án trưng bày', ['Kính mời Quý chuyên gia dự họp góp ý phương án trưng bày Triển lãm Xuân 2025.', 'Thời gian: 09 giờ 00 ngày 29/11/2024.', 'Địa điểm: Phòng họp tầng 2'], 'Thành phố Hồ Chí Minh, ngày 25 tháng 11 năm 2024', ['PGS.TS Nguyễn Văn Lực - Trường ĐH Kiến trúc', 'Họa sĩ Trần Khánh Vân'])
    a = A(nfd('Giấy mời góp ý phương án.odt'), d.odt(), 'giay_moi')
    add(mail('mac', TAM, [G('Nguyễn Văn Lực', 'lucnv.kts'), Y('Khánh Vân', 'khanhvan_art')], nfd('Thư mời họp góp ý phương án trưng bày'), '2024-11-25 15:30', body='Kính gửi thầy Lực, chị Vân,\nTrung tâm trân trọng gửi giấy mời (đính kèm).' + SIG_TAM, form='nfd', atts=[a]),
        'giay_moi', audience='ngoai', doc='35/GM-TTTL', atts=[a], notes='medium;odt;nfd;nfd-filename')

    add(mail('gmail', KHOA, [HUY, VINH], 'Moi hop nhanh 15p', '2024-10-03 09:58', body='3h chieu nay hop nhanh o kho ve vu mat den khu C nha may anh. Gap.', cte='quoted-printable'),
        'giay_moi', audience='noi_bo', notes='hard;very-short;no-diacritics;gap-not-urgency;mat-den-not-secret')

    ic = ics('Họp trực tuyến: Chuyển đổi số ngành Văn hóa', '20240719T140000', '20240719T163000', 'Microsoft Teams', ('Sở Thông tin và Truyền thông', 'stttt@tphcm.gov.vn'), [VP_SO, VANTHU], 'Link Teams: https://teams.microsoft.com/l/meetup-join/19%3ameeting', uid='stttt-0719')
    add(cal_mail('outlook', STTTT, [VP_SO, VANTHU], 'Họp trực tuyến: Chuyển đổi số ngành Văn hóa', '2024-07-16 10:00', 'Sở Thông tin và Truyền thông kính mời tham dự cuộc họp trực tuyến.', ic),
        'giay_moi', audience='so', atts=[A('invite.ics', b'', 'giay_moi')], notes='medium;calendar-request;teams;mixed-recipients')

    # ---------------- tài liệu họp ----------------
    sl = [('BÁO CÁO TIẾN ĐỘ TRIỂN LÃM XUÂN 2025', ['Phòng Triển lãm - 26/11/2024']), ('Tiến độ', ['Thiết kế: 80%', 'Hợp đồng thi công: đã ký 12/2024/HĐ-TTTL', 'Hiện vật: 64/86']), ('Kiến nghị', ['Bổ sung 2 tình nguyện viên tiếng Anh', 'Duyệt kinh phí phát sinh 35 triệu'])]
    a = A('Slide tien do trien lam Xuan.pptx', pptx_slides(sl), 'tai_lieu_hop')
    add(mail('outlook', TAM, [P('Ban Giám đốc TTTL', 'bgd.tttl'), THANH], 'Slide báo cáo cho cuộc họp chiều nay', '2024-11-26 11:20', body='Kính gửi Ban Giám đốc, em gửi slide để trình chiếu tại cuộc họp 14h.' + SIG_TAM, atts=[a]),
        'tai_lieu_hop', audience='noi_bo', atts=[a], notes='medium;pptx;bao-cao-word-in-slides')

    sl = [('HỘI NGHỊ TỔNG KẾT NĂM 2024', ['Trung tâm Thông tin Triển lãm']), ('Kết quả nổi bật', ['12 triển lãm', '215.000 lượt khách', '100% viên chức dùng email công vụ']), ('Phương hướng 2025', ['Số hóa hồ sơ hiện vật', 'Bảo tàng ảo'])]
    a = A('Slide tong ket 2024.pdf', pdf_slides(sl), 'tai_lieu_hop')
    ag = A('Chuong trinh hoi nghi.docx', docx([('p', 'CHƯƠNG TRÌNH HỘI NGHỊ TỔNG KẾT NĂM 2024', 'cbH'), ('p', '14h00: Khai mạc', ''), ('p', '14h15: Báo cáo tổng kết', ''), ('p', '15h00: Tham luận các phòng', ''), ('p', '16h00: Khen thưởng, bế mạc', '')]), 'tai_lieu_hop')
    add(mail('zimbra', HCTH, [P('Toàn thể viên chức TTTL', 'all.tttl')], 'Tài liệu Hội nghị tổng kết năm 2024', '2024-12-19 16:00', body='Phòng HC-TH gửi chương trình và slide hội nghị chiều mai.', atts=[ag, a]),
        'tai_lieu_hop', audience='noi_bo', atts=[ag, a], notes='medium;pdf-slides;agenda-among-attachments')

    t1 = A('Tham luan Phong Trien lam.docx', docx([('p', 'THAM LUẬN', 'cbH'), ('p', 'Nâng cao chất lượng trưng bày theo hướng tương tác', 'cb'), ('p', 'Năm 2024, Phòng Triển lãm đã thử nghiệm mã QR thuyết minh tại 3 triển lãm...', '')]), 'tai_lieu_hop')
    t2 = A('Tham luan Phong Thong tin.docx', docx([('p', 'THAM LUẬN', 'cbH'), ('p', 'Truyền thông số cho hoạt động triển lãm', 'cb'), ('p', 'Fanpage đạt 48.000 lượt theo dõi...', '')]), 'tai_lieu_hop')
    add(mail('outlook', THANH, [VP_SO], 'Tham luận của Trung tâm tại Hội nghị tổng kết ngành', '2025-01-03 10:40', body='Kính gửi Văn phòng Sở,\nTrung tâm gửi 02 bài tham luận phục vụ Hội nghị tổng kết ngày 08/01/2025.' + SIG_THANH, atts=[t1, t2]),
        'tai_lieu_hop', audience='so', atts=[t1, t2], notes='medium;docx;tham-luan')

    d = Doc(so='', heading='CHƯƠNG TRÌNH HỌP', trich='Giao ban tháng 6/2024', date='Thành phố Hồ Chí Minh, ngày 03 tháng 6 năm 2024', paras=['1. Các phòng báo cáo kết quả tháng 5 (30 phút).', '2. Thảo luận kế hoạch Hội chợ sách (45 phút).', '3. Giám đốc kết luận'], noi_nhan=[], sign=('',), name='', closing='')
    add(mail('gmail', HA, [TAM, THANH, OANH, DINH], 'Chương trình họp giao ban sáng mai', '2024-06-02 19:30', body=d.text()),
        'tai_lieu_hop', audience='noi_bo', notes='medium;agenda-in-body;chuong-trinh-heading')

    pack = zip_files([('01 Chuong trinh.docx', docx([('p', 'CHƯƠNG TRÌNH', 'cbH'), ('p', 'Họp Hội đồng thi đua 16/12/2024', 'c')])),
                      ('02 Du thao BC thi dua.docx', docx([('p', 'DỰ THẢO BÁO CÁO THÀNH TÍCH', 'cbH')])),
                      ('03 Danh sach de nghi.xlsx', xlsx([('DS', [['STT', 'Họ tên', 'Danh hiệu'], [1, 'Võ Minh Tâm', 'CSTĐCS']])]))])
    a = A('Tai lieu hop HD thi dua.zip', pack, 'tai_lieu_hop')
    add(mail('outlook', HA, [P('Hội đồng TĐKT TTTL', 'hdtdkt.tttl')], 'Tài liệu họp Hội đồng TĐKT 16/12', '2024-12-13 15:00', body='Kính gửi các thành viên Hội đồng,\nThư ký gửi bộ tài liệu họp (file nén gồm chương trình, dự thảo báo cáo, danh sách).\nHà', atts=[a]),
        'tai_lieu_hop', audience='noi_bo', atts=[a], notes='hard;zip;meeting-pack;draft-bao-cao-inside')

    sl = [('Giới thiệu giải pháp vé điện tử', ['InTech Solutions']), ('Tính năng', ['Bán vé online', 'Quét QR tại cổng', 'Báo cáo realtime']), ('Chi phí', ['Triển khai: 145 triệu', 'Duy trì: 3 triệu/tháng'])]
    a = A('InTech_e-ticket_proposal.pptx', pptx_slides(sl), 'tai_lieu_hop')
    add(mail('outlook', INTECH, [PHUC, THANH], 'Slides for tomorrow meeting - e-ticket', '2024-06-19 17:10', body='Dear anh Phuc, anh Thanh,\nPlease find the slides for our meeting tomorrow 9:00 at your office.\nBest regards,\nInTech team', atts=[a]),
        'tai_lieu_hop', audience='noi_bo', atts=[a], notes='medium;pptx;english-body;inbound-external')

    add(mail('thunderbird', DINH, [P('Ban Giám đốc TTTL', 'bgd.tttl')], 'Dự thảo biên bản và nội dung họp chiều nay', '2024-11-04 07:45',
             body='Kính gửi Ban Giám đốc,\nNội dung họp giao ban tháng 10 (dự kiến):\n1. Báo cáo tháng 10 các phòng\n2. Tiến độ Triển lãm Xuân\n3. Kế hoạch kiểm kê cuối năm\nĐính kèm số liệu để BGĐ tham khảo trước cuộc họp.\nĐịnh',
             atts=[A('So lieu thang 10.xlsx', xlsx([('T10', [['Phòng', 'Chỉ tiêu', 'Đạt'], ['PTL', 3, 3], ['PTT', 40, 37]])]), 'tai_lieu_hop')]),
        'tai_lieu_hop', audience='noi_bo', atts=[A('So lieu thang 10.xlsx', b'', 'tai_lieu_hop')], notes='hard;agenda-in-body;xlsx-for-meeting')

    sl = [('BẢO ĐẢM AN TOÀN THÔNG TIN KHI SỬ DỤNG EMAIL CÔNG VỤ', ['Tập huấn 23/5/2024']), ('Mật khẩu mạnh', ['≥ 8 ký tự', 'Chữ hoa, chữ thường, ký tự đặc biệt']), ('Nhận diện thư giả mạo', ['Tiêu đề giật gân: "KHẨN", "TỐI MẬT"', 'Đường link lạ'])]
    a = A(nfd('Tập huấn ATTT email.odp'), odp(sl), 'tai_lieu_hop')
    add(mail('mac', PHUC, [P('Toàn thể viên chức TTTL', 'all.tttl')], nfd('Tài liệu tập huấn ATTT sáng 23/5'), '2024-05-22 17:30', body='Gửi các anh chị slide tập huấn sáng mai.\nPhúc', form='nfd', atts=[a]),
        'tai_lieu_hop', audience='noi_bo', atts=[a], notes='hard-negative;odp;nfd-filename;stamp-words-quoted-in-slides')

    d = Doc(issuer=SVHTT, so='', heading='ĐỀ CƯƠNG BÁO CÁO', trich='Phục vụ buổi làm việc của Đoàn kiểm tra UBND Thành phố', date='Thành phố Hồ Chí Minh, tháng 7 năm 2024', paras=['I. Tình hình thực hiện nhiệm vụ 6 tháng.', 'II. Khó khăn, vướng mắc.', 'III. Kiến nghị'], noi_nhan=[], sign=('',), name='', closing='')
    a = A('De cuong lam viec doan kiem tra.pdf', pdfdoc(d), 'tai_lieu_hop')
    add(mail('outlook', VP_SO, [VANTHU, P('Văn thư Bảo tàng Mỹ thuật', 'vanthu.btmythuat')], 'Đề cương phục vụ buổi làm việc với Đoàn kiểm tra', '2024-07-08 09:15', body='Văn phòng Sở gửi đề cương để các đơn vị chuẩn bị nội dung cho buổi làm việc ngày 15/7.', atts=[a]),
        'tai_lieu_hop', audience='ngoai', atts=[a], notes='hard;pdf;de-cuong-bao-cao-heading;inbound-from-so')

    sl = [('Phương án trưng bày Triển lãm Xuân 2025', ['Bản trình bày góp ý chuyên gia']), ('Khu A - Xuân quê hương', ['Tranh dân gian Đông Hồ', 'Hoa mai, hoa đào']), ('Khu B - Sài Gòn đón Tết', ['Ảnh tư liệu 1960-2000'])]
    a = A('Phuong an trung bay.pdf', pdf_slides(sl), 'tai_lieu_hop')
    b = A('Mat bang trung bay.png', png(120, 90, seed=5), 'tai_lieu_hop')
    add(mail('gmail', NGOC, [G('Nguyễn Văn Lực', 'lucnv.kts'), Y('Khánh Vân', 'khanhvan_art')], 'Tài liệu cuộc họp góp ý ngày 29/11', '2024-11-27 20:00', body='Kính gửi thầy, chị,\nEm gửi trước tài liệu để thầy chị nghiên cứu trước buổi họp góp ý thứ Sáu.\nNgọc - TTTL', atts=[a, b]),
        'tai_lieu_hop', audience='ngoai', atts=[a, b], notes='medium;pdf-slides;png')

    add(mail('outlook', THANH, [P('Ban Giám đốc TTTL', 'bgd.tttl')], 'Kết luận cuộc họp ngày 26/11 (để BGĐ xem trước)', '2024-11-26 17:30',
             body='Kính gửi BGĐ,\nEm tóm tắt kết luận cuộc họp chiều nay để BGĐ duyệt trước khi ra thông báo kết luận:\n- Duyệt kinh phí phát sinh 35 triệu\n- Bổ sung 2 TNV tiếng Anh\n- Tổng duyệt 18/01/2025\nThành'),
        'tai_lieu_hop', audience='noi_bo', notes='hard;meeting-minutes-draft;thong-bao-word')

    # ---------------- lịch công tác / lịch trực ----------------
    rows = [['LỊCH CÔNG TÁC TUẦN 22 (27/5 - 02/6/2024)'], ['Thứ', 'Sáng', 'Chiều', 'Chủ trì', 'Địa điểm'], ['Hai 27/5', 'Giao ban BGĐ', 'Làm việc với Bảo tàng Mỹ thuật', 'GĐ', 'P. họp T2'],
            ['Ba 28/5', 'Kiểm tra lắp dựng Hội chợ sách', '', 'PGĐ', 'Sân trước'], ['Tư 29/5', 'Họp Sở', 'Tiếp khách Hàn Quốc', 'GĐ', 'Sở VHTT'], ['Năm 30/5', '', 'Tập huấn ATTT', 'PGĐ', 'Hội trường'], ['Sáu 31/5', 'Khai mạc Hội chợ sách', '', 'GĐ', '92 LTT']]
    a = A('Lich cong tac tuan 22.xlsx', xlsx([('Tuần 22', rows)]), 'lich_cong_tac')
    add(mail('outlook', VANTHU, [P('Toàn thể viên chức TTTL', 'all.tttl')], 'Lịch công tác tuần 22', '2024-05-25 16:00', body='Văn thư gửi lịch công tác tuần 22 của Ban Giám đốc.', atts=[a]),
        'lich_cong_tac', audience='noi_bo', atts=[a], notes='easy;xlsx;weekly-schedule')

    rows = [['LỊCH TRỰC TẾT ẤT TỴ 2025'], ['Ngày', 'Lãnh đạo trực', 'Cán bộ trực', 'Bảo vệ', 'SĐT'], ['28/01 (29 Tết)', 'Trần Hữu Lộc', 'Nguyễn Văn Thành', 'Mai Đăng Khoa', '0903 518 274'],
            ['29/01 (Mùng 1)', 'Lê Văn Khải', 'Phạm Quốc Huy', 'Trịnh Quang Vinh', '0938 220 471'], ['30/01 (Mùng 2)', 'Lê Văn Khải', 'Châu Ngọc Trang', 'Mai Đăng Khoa', '0975 306 112']]
    a = A('Lich truc Tet 2025.xlsx', xlsx([('Lịch trực', rows)]), 'lich_cong_tac')
    add(mail('zimbra', HCTH, [P('Toàn thể viên chức TTTL', 'all.tttl'), VP_SO], 'Lịch trực Tết Ất Tỵ 2025', '2025-01-20 10:00', body='Phòng HC-TH gửi lịch trực Tết, đồng gửi Văn phòng Sở để tổng hợp.', atts=[a]),
        'lich_cong_tac', audience='so', atts=[a], notes='medium;xlsx;duty-roster;mixed-recipients')

    rows = [['LỊCH TRỰC BẢO VỆ THÁNG 9/2024'], ['Ngày', 'Ca 1 (6h-14h)', 'Ca 2 (14h-22h)', 'Ca 3 (22h-6h)'], ['01/9', 'Khoa', 'Vinh', 'Hùng'], ['02/9', 'Vinh', 'Hùng', 'Khoa'], ['03/9', 'Hùng', 'Khoa', 'Vinh']]
    a = A('lich truc bao ve T9.ods', ods([('T9', rows)]), 'lich_cong_tac')
    add(mail('thunderbird', VINH, [KHOA, THANH], 'lịch trực bảo vệ tháng 9', '2024-08-28 16:30', body='Anh Thành duyệt giúp em lịch trực tháng 9.\nVinh', atts=[a]),
        'lich_cong_tac', audience='noi_bo', atts=[a], notes='medium;ods;duty-roster')

    add(mail('gmail', HA, [P('Toàn thể viên chức TTTL', 'all.tttl')], 'Lich cong tac tuan 36', '2024-08-31 17:00',
             body='LICH CONG TAC TUAN 36 (02/9 - 08/9/2024)\nThu Hai 02/9: Nghi le - truc theo lich\nThu Ba 03/9: Nghi le\nThu Tu 04/9: 8h giao ban BGD; 14h hop Ban to chuc Hoi cho sach\nThu Nam 05/9: 9h GD lam viec voi Bao tang TP\nThu Sau 06/9: 15h Tong ket trien lam 2/9\nPhong HC-TH'),
        'lich_cong_tac', audience='noi_bo', notes='medium;body-only;no-diacritics;weekly-schedule')

    d = Doc(so='', heading='LỊCH CÔNG TÁC', trich='Tuần 46 (từ 11/11 đến 17/11/2024)', date='Thành phố Hồ Chí Minh, ngày 08 tháng 11 năm 2024',
            paras=['Thứ Hai 11/11: 08h00 Giám đốc họp giao ban; 14h00 PGĐ kiểm tra kho.', 'Thứ Tư 13/11: 09h00 Giám đốc dự họp tại Sở.', 'Thứ Sáu 15/11: 16h00 Gặp mặt thân mật kỷ niệm ngày thành lập'], noi_nhan=['BGĐ;', 'Các phòng, BP;', 'Lưu: VT.'], sign=('TL. GIÁM ĐỐC', 'TRƯỞNG PHÒNG HC-TH'), name='Nguyễn Văn Thành', closing='')
    a = A('Lich cong tac tuan 46.docx', d.docx(), 'lich_cong_tac')
    add(mail('outlook', VANTHU, [P('Toàn thể viên chức TTTL', 'all.tttl')], 'Lịch công tác tuần 46', '2024-11-08 16:30', body='Văn thư gửi lịch công tác tuần 46.', atts=[a]),
        'lich_cong_tac', audience='noi_bo', atts=[a], notes='medium;docx;than-mat-in-text')

    rows = [['LỊCH CÔNG TÁC THÁNG 12/2024 - PHÒNG TRIỂN LÃM'], ['Ngày', 'Nội dung', 'Người thực hiện'], ['02/12', 'Nhận hồ sơ thiết kế', 'Tâm'], ['09-12/12', 'Công tác Hà Nội', 'Tâm, Ngọc'], ['16/12', 'Họp HĐ TĐKT', 'Tâm'], ['23-27/12', 'Kiểm kê kho', 'Huy, Khoa']]
    a = A(nfd('Lịch công tác T12 - Phòng Triển lãm.xlsx'), xlsx([('T12', rows)]), 'lich_cong_tac')
    add(mail('mac', TAM, [P('Ban Giám đốc TTTL', 'bgd.tttl'), HCTH], nfd('Lịch công tác tháng 12 Phòng Triển lãm'), '2024-11-29 17:15', body='Phòng Triển lãm gửi lịch công tác tháng 12.', form='nfd', atts=[a]),
        'lich_cong_tac', audience='noi_bo', atts=[a], notes='medium;xlsx;nfd-filename;monthly-schedule')

    d = Doc(issuer=SVHTT, so='', heading='LỊCH LÀM VIỆC', trich='Của Ban Giám đốc Sở Văn hóa và Thể thao tuần 28 (08/7 - 12/7/2024)', date='Thành phố Hồ Chí Minh, ngày 05 tháng 7 năm 2024',
            paras=['Thứ Hai 08/7: 08g00 Giám đốc Sở chủ trì họp giao ban (Phòng họp A).', 'Thứ Ba 09/7: 14g00 PGĐ Phạm Đình Nguyên làm việc với Trung tâm Thông tin Triển lãm.', 'Thứ Năm 11/7: 08g30 Giám đốc Sở dự họp UBND Thành phố'], noi_nhan=['Các đơn vị;', 'Lưu: VT.'], sign=('TL. GIÁM ĐỐC', 'CHÁNH VĂN PHÒNG'), name='Đỗ Thị Minh Châu', closing='')
    a = A('Lich lam viec BGD So tuan 28.pdf', pdfdoc(d), 'lich_cong_tac')
    add(mail('outlook', VP_SO, [VANTHU, P('Văn thư Bảo tàng Mỹ thuật', 'vanthu.btmythuat'), P('Văn thư Nhà Văn hóa Thanh niên', 'vanthu.nvhthanhnien')], 'Lịch làm việc BGĐ Sở tuần 28', '2024-07-05 16:45', body='Văn phòng Sở gửi lịch làm việc tuần 28.', atts=[a]),
        'lich_cong_tac', audience='ngoai', atts=[a], notes='medium;pdf;lich-lam-viec-heading;inbound-from-so')

    rows = [['LỊCH TRỰC LỄ 30/4 - 01/5/2024 (HỎA TỐC - gửi trước 16h)'], ['Ngày', 'Trực lãnh đạo', 'Trực phòng'], ['27/4', 'GĐ', 'Thành'], ['28/4', 'PGĐ', 'Huy']]
    a = A('Lich truc le 30-4.xlsx', xlsx([('Lich', rows)]), 'lich_cong_tac')
    add(mail('outlook', THANH, [VP_SO], 'Lịch trực lễ 30/4 của TTTL', '2024-04-24 15:40', body='Kính gửi Văn phòng Sở,\nTrung tâm gửi lịch trực lễ theo yêu cầu.' + SIG_THANH, atts=[a], extra=['Importance: High']),
        'lich_cong_tac', 'none', 'hoa_toc', audience='so', atts=[a], notes='hard;xlsx;urgency-in-title-cell;importance-high')

    add(mail('outlook_web', THANH, [TAM], 'RE: lịch tuần sau', '2024-10-18 11:12',
             body='Anh Tâm, tuần sau em đi học bồi dưỡng thứ 3-4, anh sắp xếp người trực hội chợ giúp em nha. Gấp nha anh.\nThành'),
        'tai_lieu_cong_viec', audience='noi_bo', notes='hard-negative;lich-word-not-schedule;gap-not-urgency')
