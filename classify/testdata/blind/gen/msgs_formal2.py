# Formal documents II: quyết định, tờ trình, biên bản, hướng dẫn, other ND 30 types
from common import *

PGD = ('KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC')
CAN_CU = 'Căn cứ Quyết định số 2215/QĐ-SVHTT ngày 12 tháng 7 năm 2019 của Sở Văn hóa và Thể thao quy định chức năng, nhiệm vụ của Trung tâm Thông tin Triển lãm;'

def qd(so, trich, dieu, date, noi=None, name='Trần Hữu Lộc', sign=('GIÁM ĐỐC',), issuer=TTTL, head='GIÁM ĐỐC TRUNG TÂM THÔNG TIN TRIỂN LÃM', cancu=CAN_CU, **kw):
    return Doc(issuer=issuer, so=so, heading='QUYẾT ĐỊNH', trich=trich, date=date, paras=[head, cancu, 'QUYẾT ĐỊNH:'] + dieu,
               noi_nhan=noi or ['Như Điều 3;', 'Lưu: VT, HCTH.'], sign=sign, name=name, **kw)

def build():
    # ---- quyết định ----
    d = qd('62/QĐ-TTTL', 'Về việc thành lập Ban Tổ chức Triển lãm Xuân Ất Tỵ 2025', ['Điều 1. Thành lập Ban Tổ chức gồm 07 thành viên (danh sách kèm theo).', 'Điều 2. Ban Tổ chức tự giải thể sau khi hoàn thành nhiệm vụ.', 'Điều 3. Trưởng các phòng và các ông (bà) có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này'], 'Thành phố Hồ Chí Minh, ngày 25 tháng 11 năm 2024')
    a = A('QD 62 BTC trien lam Xuan.pdf', pdfdoc(d), 'quyet_dinh')
    add(mail('outlook', VANTHU, [TAM, THANH, HUY, TRANG], 'QĐ thành lập BTC Triển lãm Xuân 2025', '2024-11-25 15:20', body='Văn thư gửi Quyết định số 62/QĐ-TTTL.', atts=[a]),
        'quyet_dinh', audience='noi_bo', doc='62/QĐ-TTTL', atts=[a], notes='easy;pdf')

    d = qd('2856/QĐ-SVHTT', 'Về việc giao dự toán ngân sách năm 2025', ['Điều 1. Giao dự toán thu, chi ngân sách nhà nước năm 2025 cho Trung tâm Thông tin Triển lãm (phụ lục kèm theo).', 'Điều 2. Quyết định có hiệu lực kể từ ngày ký.', 'Điều 3. Chánh Văn phòng, Trưởng phòng KHTC và Giám đốc Trung tâm chịu trách nhiệm thi hành'],
           'Thành phố Hồ Chí Minh, ngày 30 tháng 12 năm 2024', issuer=SVHTT, head='GIÁM ĐỐC SỞ VĂN HÓA VÀ THỂ THAO', cancu='Căn cứ Luật Ngân sách nhà nước số 83/2015/QH13; Nghị quyết số 19/2024/NQ-HĐND của Hội đồng nhân dân Thành phố;', name='Nguyễn Thị Thanh Hương')
    a = A('QD giao du toan 2025.docx', d.docx(), 'quyet_dinh')
    add(mail('zimbra', KHTC_SO, [VANTHU], 'Quyết định giao dự toán 2025', '2024-12-30 16:40', body='Phòng KHTC gửi Trung tâm quyết định giao dự toán năm 2025.', atts=[a]),
        'quyet_dinh', audience='noi_bo', doc='2856/QĐ-SVHTT', atts=[a], notes='medium;docx;inbound-from-so;normative-refs-with-year')

    d = qd('25/2024/QĐ-UBND', 'Ban hành Quy chế quản lý, sử dụng hệ thống thư điện tử Thành phố Hồ Chí Minh', ['Điều 1. Ban hành kèm theo Quyết định này Quy chế quản lý, sử dụng hệ thống thư điện tử Thành phố.', 'Điều 2. Quyết định có hiệu lực từ ngày 01 tháng 8 năm 2024 và thay thế Quyết định số 41/2011/QĐ-UBND.', 'Điều 3. Chánh Văn phòng UBND Thành phố, Thủ trưởng các sở, ban, ngành chịu trách nhiệm thi hành'],
           'Thành phố Hồ Chí Minh, ngày 15 tháng 7 năm 2024', issuer=('ỦY BAN NHÂN DÂN', 'THÀNH PHỐ HỒ CHÍ MINH'), head='ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH', cancu='Căn cứ Luật Giao dịch điện tử số 20/2023/QH15; Luật An ninh mạng số 24/2018/QH14;', sign=('TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'), name='Võ Văn Hoan')
    a = A('25_2024_QD-UBND.pdf', pdfdoc(d), 'quyet_dinh')
    add(mail('outlook', PHUC, [P('Toàn thể viên chức TTTL', 'all.tttl')], 'Quy chế mới về hệ thống thư điện tử TP', '2024-07-25 10:30', body='Các anh chị đọc QĐ 25/2024/QĐ-UBND thay thế QĐ 41/2011, có hiệu lực từ 01/8.\nPhúc', atts=[a]),
        'quyet_dinh', audience='noi_bo', doc='25/2024/QĐ-UBND', atts=[a], notes='medium;pdf;normative-number-with-year;forwarded-city-document')

    d = qd('66/QĐ-TTTL', 'Về việc cử viên chức đi công tác tại Hà Nội', ['Điều 1. Cử ông Võ Minh Tâm, Trưởng phòng Triển lãm và bà Huỳnh Bảo Ngọc đi công tác tại Hà Nội từ 09/12 đến 12/12/2024.', 'Điều 2. Kinh phí công tác do Trung tâm chi trả theo quy định.', 'Điều 3. Phòng HC-TH, Bộ phận Kế toán và các cá nhân có tên tại Điều 1 thi hành Quyết định này'], 'Thành phố Hồ Chí Minh, ngày 04 tháng 12 năm 2024', sign=PGD, name='Lê Văn Khải')
    add(mail('gmail', VANTHU, [TAM, NGOC, BPKT], 'Quyết định cử đi công tác', '2024-12-04 14:15', body=d.text()),
        'quyet_dinh', audience='noi_bo', doc='66/QĐ-TTTL', notes='medium;formal-layout-in-body;base64-body')

    d = qd('68/QĐ-TTTL', 'Về việc khen thưởng tập thể, cá nhân có thành tích trong tổ chức Triển lãm 2/9', ['Điều 1. Tặng Giấy khen cho 02 tập thể và 06 cá nhân (danh sách kèm theo).', 'Điều 2. Mức thưởng theo Nghị định số 98/2023/NĐ-CP.', 'Điều 3. Quyết định có hiệu lực kể từ ngày ký'], 'Thành phố Hồ Chí Minh, ngày 10 tháng 9 năm 2024')
    a = A(nfd('QĐ khen thưởng 2-9.docx'), d.docx(), 'quyet_dinh')
    add(mail('mac', THANH, [PTL, PTT], nfd('QĐ khen thưởng'), '2024-09-10 17:02', body='Chúc mừng các anh chị!', form='nfd', atts=[a]),
        'quyet_dinh', audience='noi_bo', doc='68/QĐ-TTTL', atts=[a], notes='medium;docx;nfd-filename')

    d = qd('03/QĐ-TTTL', 'Ban hành Quy chế bảo vệ bí mật nhà nước', ['Điều 1. Ban hành kèm theo Quyết định này Quy chế bảo vệ bí mật nhà nước tại Trung tâm.', 'Điều 2. Quyết định có hiệu lực kể từ ngày ký.', 'Điều 3. Trưởng các phòng, bộ phận chịu trách nhiệm thi hành'], 'Thành phố Hồ Chí Minh, ngày 10 tháng 01 năm 2025')
    a = A('QD 03 ban hanh quy che.odt', d.odt(), 'quyet_dinh')
    add(mail('thunderbird', VANTHU, [PTL, PTT, HCTH, BPKT], 'QĐ ban hành Quy chế BVBMNN', '2025-01-10 11:05', body='Văn thư gửi Quyết định số 03/QĐ-TTTL.', atts=[a]),
        'quyet_dinh', audience='noi_bo', doc='03/QĐ-TTTL', atts=[a], notes='hard-negative;odt;topic-bi-mat-nha-nuoc')

    d = qd('70/QĐ-TTTL', 'Về việc phê duyệt kết quả lựa chọn nhà thầu gói thầu thi công gian hàng', ['Điều 1. Phê duyệt Công ty TNHH Sự kiện Ánh Dương là đơn vị trúng thầu, giá 468.500.000 đồng.', 'Điều 2. Giao Phòng Triển lãm ký hợp đồng.', 'Điều 3. Quyết định có hiệu lực kể từ ngày ký'], 'Thành phố Hồ Chí Minh, ngày 18 tháng 11 năm 2024', khan='KHẨN')
    z = zip_files([('QD70.pdf', pdfdoc(d)), ('BB mo thau.pdf', pdf_blocks([('p', 'BIÊN BẢN MỞ THẦU', 'cbH'), ('p', 'Gói thầu thi công gian hàng', 'c')]))])
    a = A('QD70 phe duyet KQLCNT.zip', z, 'quyet_dinh')
    add(mail('outlook', TAM, [('Ánh Dương Event', 'kinhdoanh@anhduongevent.vn')], 'Thông báo kết quả lựa chọn nhà thầu', '2024-11-18 16:10', body='Kính gửi Quý Công ty,\nTrung tâm gửi Quyết định phê duyệt kết quả lựa chọn nhà thầu (file nén).' + SIG_TAM, atts=[a]),
        'quyet_dinh', 'none', 'khan', audience='ngoai', doc='70/QĐ-TTTL', atts=[a], notes='hard;zip;pdf-inside;khan-stamp;thong-bao-word-in-subject')

    # ---- tờ trình ----
    def ttr(so, trich, paras, date, kg='Giám đốc Sở Văn hóa và Thể thao', **kw):
        return Doc(so=so, heading='TỜ TRÌNH', trich=trich, date=date, kinh_gui=[kg], paras=paras + ['Kính trình Giám đốc xem xét, phê duyệt'], noi_nhan=['Như trên;', 'Lưu: VT, HCTH.'], name=kw.pop('name', 'Trần Hữu Lộc'), **kw)
    d = ttr('12/TTr-TTTL', 'Về việc phê duyệt Kế hoạch tổ chức Triển lãm Xuân Ất Tỵ 2025', ['Căn cứ Kế hoạch số 52/KH-TTTL ngày 20/11/2024 của Trung tâm, Trung tâm kính trình Giám đốc Sở phê duyệt kế hoạch và dự toán 1.240.000.000 đồng.'], 'Thành phố Hồ Chí Minh, ngày 22 tháng 11 năm 2024')
    a = A('TTr 12 trinh KH trien lam Xuan.docx', d.docx(), 'to_trinh')
    add(mail('outlook', VANTHU, [VP_SO], 'Tờ trình phê duyệt KH Triển lãm Xuân 2025', '2024-11-22 10:00', body='Trung tâm gửi Tờ trình số 12/TTr-TTTL và kế hoạch kèm theo.', atts=[a, A('KH trien lam Xuan 2025.docx', b'', 'ke_hoach')]),
        'to_trinh', audience='so', doc='12/TTr-TTTL', atts=[a, A('KH trien lam Xuan 2025.docx', b'', 'ke_hoach')], notes='medium;docx;plan-attached-alongside')
    # (the second attachment above must exist in the mail: rebuild properly)
    REG.pop()
    kh = A('KH trien lam Xuan 2025.docx', Doc(so='52/KH-TTTL', heading='KẾ HOẠCH', trich='Tổ chức Triển lãm Xuân Ất Tỵ 2025', date='Thành phố Hồ Chí Minh, ngày 20 tháng 11 năm 2024', paras=['Chi tiết tại phụ lục'], noi_nhan=['Lưu: VT.'], name='Trần Hữu Lộc').docx(), 'ke_hoach')
    add(mail('outlook', VANTHU, [VP_SO], 'Tờ trình phê duyệt KH Triển lãm Xuân 2025', '2024-11-22 10:00', body='Trung tâm gửi Tờ trình số 12/TTr-TTTL và kế hoạch kèm theo.', atts=[a, kh]),
        'to_trinh', audience='so', doc='12/TTr-TTTL', atts=[a, kh], notes='medium;docx;plan-attached-alongside;two-formal-docs')

    d = ttr('10/TTr-TTTL', 'Về việc mua sắm thiết bị trình chiếu', ['Hệ thống máy chiếu hội trường đã sử dụng 9 năm, hư hỏng thường xuyên. Trung tâm kính trình mua sắm 02 máy chiếu laser 7.000 lumens, tổng dự toán 386.000.000 đồng.'], 'Thành phố Hồ Chí Minh, ngày 03 tháng 9 năm 2024')
    a = A('TTr mua may chieu.pdf', pdfdoc(d), 'to_trinh')
    add(mail('gmail', PHUC, [KHTC_SO], 'TTr mua sắm thiết bị trình chiếu', '2024-09-03 15:45', body='Dạ Phòng KHTC, Trung tâm gửi tờ trình ạ. Báo giá 3 đơn vị em gửi bổ sung sau.\nPhúc - TTTL', atts=[a]),
        'to_trinh', audience='so', doc='10/TTr-TTTL', atts=[a], notes='easy;pdf')

    d = Doc(so='04/TTr-PTL', heading='TỜ TRÌNH', trich='Về việc đề xuất thuê kho lưu trữ hiện vật', date='Thành phố Hồ Chí Minh, ngày 12 tháng 4 năm 2024', kinh_gui=['Ban Giám đốc Trung tâm'],
            paras=['Kho hiện tại quá tải (95% diện tích). Phòng Triển lãm kính trình Ban Giám đốc xem xét thuê thêm kho 150 m2 tại Quận 7, giá 28.000.000 đồng/tháng.', 'Kính trình Ban Giám đốc xem xét'], noi_nhan=['Như trên;', 'Lưu: PTL.'], sign=('TRƯỞNG PHÒNG',), name='Võ Minh Tâm')
    add(mail('zimbra', TAM, [P('Ban Giám đốc TTTL', 'bgd.tttl')], 'Tờ trình thuê kho', '2024-04-12 09:10', body=d.text()),
        'to_trinh', audience='noi_bo', doc='04/TTr-PTL', notes='medium;formal-layout-in-body;division-issuer')

    d = ttr('13/TTr-TTTL', 'Về việc đề nghị nâng bậc lương trước thời hạn năm 2024', ['Căn cứ Thông tư số 08/2013/TT-BNV; Trung tâm đề nghị nâng bậc lương trước thời hạn cho 02 viên chức có thành tích xuất sắc.'], 'Thành phố Hồ Chí Minh, ngày 05 tháng 12 năm 2024', kg='Sở Văn hóa và Thể thao (Phòng Tổ chức cán bộ)')
    add(mail('outlook', THANH, [TCCB_SO], 'TTr nang luong truoc thoi han', '2024-12-05 10:22', body=d.text(), charset='windows-1258', subj_style=None),
        'to_trinh', audience='so', doc='13/TTr-TTTL', notes='hard;windows-1258;formal-layout-in-body')

    d = ttr('11/TTr-TTTL', 'Về việc xin chủ trương xã hội hóa Hội chợ sách mùa thu', ['Trung tâm kính trình Giám đốc Sở cho chủ trương phối hợp Công ty Sao Việt Media tổ chức Hội chợ sách theo hình thức xã hội hóa, không sử dụng ngân sách.'], 'Thành phố Hồ Chí Minh, ngày 16 tháng 9 năm 2024', khan='KHẨN')
    a = A(nfd('Tờ trình 11 - xã hội hóa hội chợ sách.odt'), d.odt(), 'to_trinh')
    add(mail('apple', THANH, [DUC_SO], nfd('Tờ trình xã hội hóa hội chợ sách - khẩn'), '2024-09-16 19:20', body='Anh Đức ơi em gửi tờ trình, nhờ anh trình Giám đốc Sở giúp em.' + IPHONE, form='nfd', atts=[a]),
        'to_trinh', 'none', 'khan', audience='so', doc='11/TTr-TTTL', atts=[a], notes='hard;odt;nfd;nfd-filename;khan-stamp')

    add(mail('outlook', DINH, [THANH], 'Nhờ anh xem tờ trình', '2024-08-07 11:00', body='Anh Thành,\nEm soạn dự thảo tờ trình mua văn phòng phẩm quý 4, anh xem giúp trước khi trình ký. Chưa có số.\nĐịnh',
             atts=[A('du thao TTr VPP Q4.docx', docx([('p', 'DỰ THẢO', 'b'), ('p', 'TỜ TRÌNH', 'cbH'), ('p', 'Về việc mua sắm văn phòng phẩm quý IV/2024', 'cb'), ('p', 'Số: …/TTr-TTTL', 'c'), ('p', 'Kính gửi: Ban Giám đốc Trung tâm', 'c'), ('p', 'Tổng kinh phí dự kiến 18.400.000 đồng.', '')]), 'to_trinh')]),
        'to_trinh', audience='noi_bo', atts=[A('du thao TTr VPP Q4.docx', b'', 'to_trinh')], notes='hard;docx;draft-without-number;draft-vs-tai-lieu-cong-viec')

    d = ttr('14/TTr-TTTL', 'Về việc phê duyệt danh mục hiện vật trưng bày', ['Trung tâm kính trình phê duyệt danh mục 86 hiện vật trưng bày tại Triển lãm "Sài Gòn xưa và nay".'], 'Thành phố Hồ Chí Minh, ngày 14 tháng 8 năm 2024', kg='Phòng Quản lý Văn hóa - Sở Văn hóa và Thể thao')
    a = A('TTr 14.pdf', pdf_odt(d), 'to_trinh')
    add(mail('outlook_web', TAM, [QLVH_SO], 'Trình danh mục hiện vật', '2024-08-14 14:30', body='Kính gửi Phòng QLVH,\nTrung tâm gửi tờ trình.' + SIG_TAM, atts=[a, A('Danh muc 86 hien vat.xlsx', xlsx([('DM', [['STT', 'Hiện vật'], [1, 'Bản đồ Sài Gòn 1898']])]), 'tai_lieu_cong_viec')]),
        'to_trinh', audience='so', doc='14/TTr-TTTL', atts=[a, A('Danh muc 86 hien vat.xlsx', b'', 'tai_lieu_cong_viec')], notes='medium;pdf-from-odt;spreadsheet-alongside')

    # ---- biên bản ----
    def bb(so, trich, paras, date, **kw):
        return Doc(so=so, heading='BIÊN BẢN', trich=trich, date=date, paras=paras, noi_nhan=kw.pop('noi', ['Các thành viên;', 'Lưu: VT.']), sign=kw.pop('sign', ('THƯ KÝ', )), name=kw.pop('name', 'Đặng Thu Hà'), **kw)
    d = bb('08/BB-TTTL', 'Họp giao ban tháng 10/2024', ['Thời gian: 8h00 ngày 04/11/2024. Địa điểm: phòng họp tầng 2.', 'Chủ trì: ông Trần Hữu Lộc - Giám đốc. Thư ký: bà Đặng Thu Hà.', 'Nội dung: các phòng báo cáo kết quả tháng 10; Giám đốc kết luận giao Phòng Triển lãm hoàn thành hồ sơ Triển lãm Xuân trước 20/11.', 'Cuộc họp kết thúc lúc 10h30 cùng ngày'], 'Thành phố Hồ Chí Minh, ngày 04 tháng 11 năm 2024')
    a = A('BB giao ban T10.docx', d.docx(), 'bien_ban')
    add(mail('outlook', HA, [PTL, PTT, BPKT, HCTH], 'Biên bản họp giao ban tháng 10', '2024-11-04 14:00', body='Gửi các phòng biên bản họp giao ban.\nHà', atts=[a]),
        'bien_ban', audience='noi_bo', doc='08/BB-TTTL', atts=[a], notes='easy;docx')

    d = bb('09/BB-TTTL', 'Giao nhận hiện vật triển lãm', ['Hôm nay, ngày 20/8/2024, tại kho Bảo tàng Mỹ thuật, chúng tôi gồm: Bên giao: Bảo tàng Mỹ thuật TP.HCM; Bên nhận: Trung tâm Thông tin Triển lãm.', 'Hai bên giao nhận 12 hiện vật theo danh mục đính kèm, tình trạng như mô tả.', 'Biên bản lập thành 04 bản, mỗi bên giữ 02 bản'], 'Thành phố Hồ Chí Minh, ngày 20 tháng 8 năm 2024', sign=('ĐẠI DIỆN BÊN NHẬN',), name='Võ Minh Tâm')
    a = A('BB giao nhan hien vat.pdf', pdfdoc(d), 'bien_ban')
    add(mail('outlook', TAM, [P('Phòng Sưu tầm - Bảo tàng Mỹ thuật', 'suutam.btmythuat')], 'Biên bản giao nhận hiện vật (bản scan)', '2024-08-20 17:30', body='Kính gửi Phòng Sưu tầm, Trung tâm gửi bản scan biên bản đã ký.' + SIG_TAM, atts=[a]),
        'bien_ban', audience='ngoai', doc='09/BB-TTTL', atts=[a], notes='easy;pdf')

    add(mail('gmail', HA, [THANH], 'bien ban hop to chuc su kien', '2024-06-14 16:45',
             body='BIEN BAN HOP\nV/v chuan bi Hoi cho sach mua he\nThoi gian: 14h ngay 14/6/2024\nThanh phan: a Tam, a Thanh, c Oanh, Ha\nNoi dung:\n1. Thong nhat 60 gian hang\n2. Giao a Tam lien he nha thau\nHop ket thuc 15h30.\nThu ky: Ha'),
        'bien_ban', audience='noi_bo', notes='hard;no-diacritics;informal-bien-ban;vv-without-number;bien-ban-vs-tai-lieu-hop')

    d = bb('10/BB-TTTL', 'Kiểm kê tài sản cố định năm 2024', ['Tổ kiểm kê tiến hành kiểm kê từ 23/12 đến 27/12/2024.', 'Kết quả: 412 tài sản, thiếu 01 máy ảnh Canon EOS 80D (mã TS-0318) chưa rõ nguyên nhân.', 'Tổ kiến nghị xác minh, xử lý theo quy định'], 'Thành phố Hồ Chí Minh, ngày 27 tháng 12 năm 2024', sign=('TỔ TRƯỞNG',), name='Lý Thị Kim Oanh')
    rows = [['BIÊN BẢN KIỂM KÊ TÀI SẢN CỐ ĐỊNH - Số: 10/BB-TTTL'], ['Mã TS', 'Tên', 'Sổ sách', 'Thực tế', 'Chênh lệch'], ['TS-0318', 'Máy ảnh Canon EOS 80D', 1, 0, -1], ['TS-0402', 'Máy chiếu Epson', 2, 2, 0]]
    a = A('BB kiem ke TSCD 2024.xlsx', xlsx([('Kiểm kê', rows)]), 'bien_ban')
    add(mail('outlook', OANH, [THANH, VANTHU], 'BB kiểm kê TSCĐ 2024', '2024-12-27 16:50', body='Em gửi biên bản kiểm kê (file excel có chữ ký scan gửi sau).\nOanh', atts=[a]),
        'bien_ban', audience='noi_bo', doc='10/BB-TTTL', atts=[a], notes='hard;xlsx;doc-number-in-title-cell')

    d = bb('11/BB-TTTL', 'Nghiệm thu thi công gian hàng Triển lãm Xuân', ['Đại diện Trung tâm và Công ty Ánh Dương nghiệm thu khối lượng thi công 60 gian hàng theo Hợp đồng số 12/2024/HĐ-TTTL.', 'Kết luận: đạt yêu cầu, đồng ý đưa vào sử dụng'], 'Thành phố Hồ Chí Minh, ngày 18 tháng 01 năm 2025', sign=('ĐẠI DIỆN TRUNG TÂM',), name='Võ Minh Tâm')
    a = A('BB nghiem thu.odt', d.odt(), 'bien_ban')
    add(mail('thunderbird', KHOA, [('Ánh Dương Event', 'kinhdoanh@anhduongevent.vn')], 'Biên bản nghiệm thu gian hàng', '2025-01-18 18:00', body='Gửi Quý Công ty biên bản nghiệm thu để ký xác nhận.\nMai Đăng Khoa', atts=[a]),
        'bien_ban', audience='ngoai', doc='11/BB-TTTL', atts=[a], notes='medium;odt;contract-number-in-text')

    d = bb('12/BB-TTTL', 'Về việc vi phạm nội quy nhà triển lãm', ['Vào lúc 15h20 ngày 07/9/2024, khách tham quan Nguyễn V. T. dùng đèn flash chụp hiện vật khu C dù đã được nhắc nhở.', 'Lực lượng bảo vệ lập biên bản nhắc nhở, khách đã xóa ảnh'], 'Thành phố Hồ Chí Minh, ngày 07 tháng 9 năm 2024', sign=('NGƯỜI LẬP BIÊN BẢN',), name='Mai Đăng Khoa')
    add(mail('apple', KHOA, [THANH], nfd('Biên bản vi phạm nội quy'), '2024-09-07 16:10', body=d.text(), form='nfd'),
        'bien_ban', audience='noi_bo', doc='12/BB-TTTL', notes='hard;nfd;formal-layout-in-body;iphone')

    d = bb('13/BB-TTTL', 'Họp Hội đồng thi đua - khen thưởng năm 2024', ['Hội đồng gồm 07/07 thành viên có mặt.', 'Kết quả bỏ phiếu: đề nghị tặng danh hiệu Lao động tiên tiến cho 22 viên chức, Chiến sĩ thi đua cơ sở cho 03 viên chức.'], 'Thành phố Hồ Chí Minh, ngày 16 tháng 12 năm 2024', sign=('CHỦ TỊCH HỘI ĐỒNG',), name='Trần Hữu Lộc')
    fw = fwd_header('outlook', HA, 'Monday, December 16, 2024 4:00 PM', [THANH], 'BB hop HD thi dua 2024')
    add(mail('outlook', THANH, [TCCB_SO], 'FW: BB hop HD thi dua 2024', '2024-12-16 16:30', body='Kính gửi Phòng TCCB, Trung tâm chuyển biên bản họp Hội đồng TĐKT.\n\n' + fw + d.text()),
        'bien_ban', audience='so', doc='13/BB-TTTL', notes='medium;forwarded-inline;formal-layout-in-body')

    d = bb('14/BB-TTTL', 'Bàn giao công việc', ['Bên giao: bà Trần Thị Mỹ Linh; Bên nhận: bà Huỳnh Bảo Ngọc.', 'Nội dung bàn giao: hồ sơ khách mời, sổ theo dõi tình nguyện viên, mật khẩu tài khoản fanpage (đã đổi sau bàn giao)'], 'Thành phố Hồ Chí Minh, ngày 28 tháng 02 năm 2025', sign=('BÊN NHẬN',), name='Huỳnh Bảo Ngọc')
    a = A('BB ban giao cong viec.docx', d.docx(), 'bien_ban')
    add(mail('zimbra', NGOC, [LINH, THANH], 'BB bàn giao', '2025-02-28 11:11', body='Chị Linh ký giúp em rồi gửi anh Thành nha.', atts=[a]),
        'bien_ban', audience='noi_bo', doc='14/BB-TTTL', atts=[a], notes='hard-negative;docx;mat-khau-in-text')

    # ---- hướng dẫn ----
    def hd(so, trich, paras, date, **kw):
        return Doc(so=so, heading='HƯỚNG DẪN', trich=trich, date=date, paras=paras, noi_nhan=kw.pop('noi', ['Các phòng, BP;', 'Lưu: VT.']), sign=kw.pop('sign', PGD), name=kw.pop('name', 'Lê Văn Khải'), **kw)
    d = hd('08/HD-TTTL', 'Quy trình thanh toán tạm ứng công tác phí', ['1. Hồ sơ: giấy đề nghị tạm ứng, quyết định cử đi công tác, dự toán.', '2. Thời hạn thanh toán: trong 10 ngày làm việc sau khi kết thúc chuyến công tác.', '3. Mức chi theo Thông tư số 40/2017/TT-BTC và Nghị quyết số 04/2018/NQ-HĐND'], 'Thành phố Hồ Chí Minh, ngày 15 tháng 6 năm 2024')
    a = A('HD thanh toan tam ung.docx', d.docx(), 'huong_dan')
    add(mail('outlook', BPKT, [PTL, PTT, HCTH], 'Hướng dẫn thanh toán tạm ứng', '2024-06-15 09:00', body='Bộ phận Kế toán gửi các phòng hướng dẫn số 08/HD-TTTL.', atts=[a]),
        'huong_dan', audience='noi_bo', doc='08/HD-TTTL', atts=[a], notes='easy;docx;normative-refs')

    d = Doc(issuer=('ỦY BAN NHÂN DÂN', 'THÀNH PHỐ HỒ CHÍ MINH', 'SỞ THÔNG TIN VÀ TRUYỀN THÔNG'), so='1265/HD-STTTT', heading='HƯỚNG DẪN', trich='Cập nhật thông tin người dùng trên Hệ thống thư điện tử Thành phố', date='Thành phố Hồ Chí Minh, ngày 06 tháng 5 năm 2024',
            paras=['Bước 1: Đăng nhập https://mail.tphcm.gov.vn.', 'Bước 2: Chọn Tùy chọn > Tài khoản, cập nhật họ tên, chức vụ, đơn vị, số điện thoại.', 'Bước 3: Lưu thay đổi'], noi_nhan=['Các sở, ban, ngành;', 'Lưu: VT.'], sign=('KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC'), name='Lâm Đình Thắng')
    a = A('HD cap nhat thong tin nguoi dung.pdf', pdfdoc(d), 'huong_dan')
    add(mail('outlook', PHUC, [P('Toàn thể viên chức TTTL', 'all.tttl')], 'Hướng dẫn cập nhật thông tin người dùng (của Sở TTTT)', '2024-05-21 10:15', body='Các anh chị làm theo hướng dẫn đính kèm, hạn 23/5.\nPhúc', atts=[a]),
        'huong_dan', audience='noi_bo', doc='1265/HD-STTTT', atts=[a], notes='medium;pdf;forwarded-city-document')

    add(mail('gmail', PHUC, [P('Toàn thể viên chức TTTL', 'all.tttl')], 'Hướng dẫn cài ký số trên máy tính', '2024-06-03 08:30',
             html='<div dir="ltr"><b>HƯỚNG DẪN CÀI ĐẶT CHỮ KÝ SỐ</b><ol><li>Cắm USB token, cài driver VGCA từ thư mục \\\\tttl-fs01\\soft\\vgca.</li><li>Mở phần mềm vSignPDF, chọn chứng thư số.</li><li>Ký thử file PDF mẫu, gửi lại cho Phúc kiểm tra.</li></ol><div>Phúc - IT</div></div>'),
        'huong_dan', audience='noi_bo', notes='hard;informal-huong-dan;html-only')

    d = hd('09/HD-TTTL', 'Phân loại, đánh giá viên chức hằng quý', ['1. Tiêu chí: khối lượng, chất lượng, tiến độ công việc.', '2. Hạ một bậc đối với viên chức ít sử dụng hộp thư công vụ, bị nhắc nhở hoặc bị khóa tài khoản (theo Công văn 1434/SVHTT-VP).', '3. Kết quả là căn cứ chi thu nhập tăng thêm theo Nghị quyết 08/2023/NQ-HĐND'], 'Thành phố Hồ Chí Minh, ngày 01 tháng 7 năm 2024', name='Trần Hữu Lộc', sign=('GIÁM ĐỐC',))
    add(mail('zimbra', HCTH, [PTL, PTT, BPKT], 'HD phân loại đánh giá viên chức hằng quý', '2024-07-01 10:00', body=d.text('cols')),
        'huong_dan', audience='noi_bo', doc='09/HD-TTTL', notes='medium;formal-layout-in-body;other-doc-numbers-in-text')

    d = hd('10/HD-TTTL', 'Đón tiếp, hướng dẫn khách tham quan là người khuyết tật', ['1. Ưu tiên lối đi cửa số 2 có đường dốc.', '2. Bố trí xe lăn tại quầy lễ tân.', '3. Thuyết minh viên sử dụng tài liệu chữ nổi'], 'Thành phố Hồ Chí Minh, ngày 03 tháng 12 năm 2024')
    a = A('HD don tiep khach khuyet tat.odt', d.odt(), 'huong_dan')
    add(mail('thunderbird', TRANG, [PTL, HCTH], 'Hướng dẫn đón tiếp khách khuyết tật', '2024-12-03 14:20', body='Gửi các phòng.\nTrang', atts=[a]),
        'huong_dan', audience='noi_bo', doc='10/HD-TTTL', atts=[a], notes='easy;odt')

    d = Doc(issuer=SVHTT, so='3388/HD-SVHTT', heading='HƯỚNG DẪN', trich='Công tác thi đua, khen thưởng năm 2024', date='Thành phố Hồ Chí Minh, ngày 25 tháng 10 năm 2024',
            paras=['Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định số 98/2023/NĐ-CP;', 'Các đơn vị gửi hồ sơ đề nghị khen thưởng về Sở trước ngày 20/12/2024'], noi_nhan=['Các đơn vị trực thuộc;', 'Lưu: VT, TCCB.'], sign=('KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC'), name='Phạm Đình Nguyên')
    inner = mail('zimbra', TCCB_SO, [VANTHU], 'Hướng dẫn thi đua khen thưởng 2024', '2024-10-25 08:00', body=d.text())
    a = E('Huong dan thi dua 2024.eml', inner, 'huong_dan')
    add(mail('outlook', VANTHU, [HA], 'FW: Hướng dẫn thi đua khen thưởng 2024', '2024-10-25 08:40', body='Chị Hà xử lý giúp em.' + SIG_NHUNG, atts=[a]),
        'huong_dan', audience='noi_bo', doc='3388/HD-SVHTT', atts=[a], notes='hard;attached-eml;inbound-from-so')

    d = hd('11/HD-TTTL', 'Sử dụng mẫu văn bản theo Nghị định 30/2020/NĐ-CP', ['1. Thể thức: Quốc hiệu, tiêu ngữ; tên cơ quan; số, ký hiệu (ví dụ: Số: 15/TB-TTTL; công văn: Số: 123/TTTL-HCTH).', '2. Độ mật, độ khẩn đóng dưới số, ký hiệu (ví dụ dấu MẬT, KHẨN) - chỉ áp dụng khi văn bản thực sự có độ mật, độ khẩn.', '3. Nơi nhận ghi "Lưu: VT, ..."'], 'Thành phố Hồ Chí Minh, ngày 20 tháng 5 năm 2024')
    a = A('HD the thuc van ban.pdf', pdfdoc(d), 'huong_dan')
    add(mail('outlook', NHUNG, [PTL, PTT, BPKT, HCTH], 'Hướng dẫn thể thức văn bản', '2024-05-20 13:30', body='Văn thư gửi hướng dẫn thể thức văn bản áp dụng từ 01/6.' + SIG_NHUNG, atts=[a]),
        'huong_dan', audience='noi_bo', doc='11/HD-TTTL', atts=[a], notes='hard-negative;pdf;example-numbers-and-stamps-in-text')

    add(mail('outlook', OANH, [NGOC], 'cách làm giấy đề nghị thanh toán', '2024-08-29 10:05',
             body='Ngọc ơi, chị hướng dẫn nè: em tải mẫu C37-HD trên ổ chung, điền số tiền bằng chữ, kẹp hóa đơn đỏ + bảng kê, trình anh Tâm ký rồi đưa chị. Không cần đóng dấu.\nChị Oanh'),
        'tai_lieu_cong_viec', audience='noi_bo', notes='hard;informal-how-to-not-huong-dan;form-code-lookalike')

    # ---- other ND 30 types (van_ban_khac) ----
    d = Doc(so='12/2024/HĐ-TTTL', heading='HỢP ĐỒNG THI CÔNG', trich='Gói thầu: Thi công gian hàng Triển lãm Xuân Ất Tỵ 2025', date='Thành phố Hồ Chí Minh, ngày 20 tháng 11 năm 2024',
            paras=['Căn cứ Bộ luật Dân sự số 91/2015/QH13; Luật Đấu thầu số 22/2023/QH15; Quyết định số 70/QĐ-TTTL ngày 18/11/2024;', 'BÊN A: TRUNG TÂM THÔNG TIN TRIỂN LÃM. BÊN B: CÔNG TY TNHH SỰ KIỆN ÁNH DƯƠNG.', 'Điều 1. Bên B thi công 60 gian hàng theo hồ sơ thiết kế.', 'Điều 2. Giá trị hợp đồng: 468.500.000 đồng (đã gồm VAT).'],
            noi_nhan=[], sign=('ĐẠI DIỆN BÊN A', 'GIÁM ĐỐC'), name='Trần Hữu Lộc', closing='')
    a = A('HD 12-2024 thi cong gian hang.docx', d.docx(), 'van_ban_khac')
    add(mail('outlook', TAM, [('Ánh Dương Event', 'kinhdoanh@anhduongevent.vn')], 'Hợp đồng thi công gian hàng - bản ký', '2024-11-20 15:00', body='Kính gửi Quý Công ty,\nTrung tâm gửi hợp đồng, đề nghị ký và gửi lại 04 bản gốc.' + SIG_TAM, atts=[a]),
        'van_ban_khac', audience='ngoai', doc='12/2024/HĐ-TTTL', atts=[a], notes='medium;docx;contract-number-with-year')

    d = Doc(so='05/GGT-TTTL', heading='GIẤY GIỚI THIỆU', date='Thành phố Hồ Chí Minh, ngày 12 tháng 8 năm 2024', kinh_gui=['Bảo tàng Mỹ thuật Thành phố Hồ Chí Minh'],
            paras=['Trung tâm Thông tin Triển lãm trân trọng giới thiệu: Ông Võ Minh Tâm, Trưởng phòng Triển lãm.', 'Được cử đến: liên hệ giao nhận hiện vật triển lãm.', 'Đề nghị Quý cơ quan tạo điều kiện để ông Tâm hoàn thành nhiệm vụ.', 'Giấy này có giá trị đến hết ngày 31/8/2024'], noi_nhan=[], sign=PGD, name='Lê Văn Khải', closing='')
    a = A('GGT Vo Minh Tam.pdf', pdfdoc(d), 'van_ban_khac')
    add(mail('outlook', VANTHU, [TAM], 'Giấy giới thiệu', '2024-08-12 09:00', body='Anh Tâm, giấy giới thiệu của anh.' + SIG_NHUNG, atts=[a]),
        'van_ban_khac', audience='ngoai', doc='05/GGT-TTTL', atts=[a], notes='medium;pdf;giay-gioi-thieu;addressee-external')

    d = Doc(so='31/GNP-TTTL', heading='GIẤY NGHỈ PHÉP', date='Thành phố Hồ Chí Minh, ngày 15 tháng 7 năm 2024',
            paras=['Xét đơn đề nghị nghỉ phép ngày 12/7/2024 của bà Đặng Thu Hà, Phòng Hành chính - Tổng hợp,', 'Giám đốc Trung tâm cấp giấy nghỉ phép cho bà Đặng Thu Hà được nghỉ phép năm 2024 từ 22/7 đến 26/7/2024 tại Đà Nẵng.'], noi_nhan=['Bà Đặng Thu Hà;', 'Lưu: VT.'], sign=PGD, name='Lê Văn Khải')
    add(mail('zimbra', VANTHU, [HA, BPKT], 'Giấy nghỉ phép - Đặng Thu Hà', '2024-07-15 10:30', body=d.text()),
        'van_ban_khac', audience='noi_bo', doc='31/GNP-TTTL', notes='medium;formal-layout-in-body;giay-nghi-phep')

    d = Doc(so='02/CT-TTTL', heading='CHỈ THỊ', trich='Về tăng cường kỷ luật, kỷ cương hành chính', date='Thành phố Hồ Chí Minh, ngày 08 tháng 01 năm 2025',
            paras=['Thời gian qua, một số viên chức chưa thường xuyên kiểm tra hộp thư công vụ, xử lý văn bản chậm.', 'Giám đốc Trung tâm chỉ thị: 1. Kiểm tra hộp thư ít nhất 02 lần/ngày. 2. Không sử dụng hộp thư công vụ vào mục đích cá nhân. 3. Trưởng các phòng chịu trách nhiệm trước Giám đốc'], noi_nhan=['Các phòng, BP;', 'Lưu: VT.'], name='Trần Hữu Lộc')
    a = A('Chi thi 02.docx', d.docx(), 'van_ban_khac')
    add(mail('outlook', VANTHU, [P('Toàn thể viên chức TTTL', 'all.tttl')], 'Chỉ thị số 02/CT-TTTL', '2025-01-08 08:15', body='Văn thư gửi Chỉ thị.', atts=[a]),
        'van_ban_khac', audience='noi_bo', doc='02/CT-TTTL', atts=[a], notes='easy;docx;chi-thi')

    d = Doc(so='04/QyĐ-TTTL', heading='QUY ĐỊNH', trich='Sử dụng hội trường và phòng họp', date='Thành phố Hồ Chí Minh, ngày 02 tháng 4 năm 2024',
            paras=['Điều 1. Đăng ký sử dụng hội trường trước 03 ngày làm việc qua Phòng HC-TH.', 'Điều 2. Không ăn uống trong hội trường.', 'Điều 3. Quy định có hiệu lực từ ngày ký'], noi_nhan=['Các phòng, BP;', 'Lưu: VT.'], sign=PGD, name='Lê Văn Khải')
    a = A('Quy dinh su dung hoi truong.odt', d.odt(), 'van_ban_khac')
    add(mail('thunderbird', HCTH, [PTL, PTT, BPKT], 'Quy định sử dụng hội trường', '2024-04-02 15:00', body='Phòng HC-TH gửi Quy định số 04/QyĐ-TTTL.', atts=[a]),
        'van_ban_khac', audience='noi_bo', doc='04/QyĐ-TTTL', atts=[a], notes='hard;odt;QyD-abbreviation')

    d = Doc(so='06/CTr-TTTL', heading='CHƯƠNG TRÌNH', trich='Công tác năm 2025', date='Thành phố Hồ Chí Minh, ngày 27 tháng 12 năm 2024',
            paras=['1. Tổ chức 12 triển lãm, trong đó 03 triển lãm lớn dịp 30/4, 2/9 và Tết.', '2. Hoàn thành số hóa 100% hồ sơ hiện vật.', '3. Duy trì 100% viên chức sử dụng hộp thư công vụ'], noi_nhan=['Sở VH và TT;', 'Các phòng, BP;', 'Lưu: VT.'], name='Trần Hữu Lộc')
    a = A('Chuong trinh cong tac 2025.pdf', pdfdoc(d), 'van_ban_khac')
    add(mail('outlook', VANTHU, [VP_SO], 'Chương trình công tác năm 2025', '2024-12-27 16:00', body='Trung tâm gửi Chương trình công tác năm 2025.', atts=[a]),
        'van_ban_khac', audience='so', doc='06/CTr-TTTL', atts=[a], notes='hard;pdf;chuong-trinh-vs-lich-cong-tac')

    d = Doc(so='01/ĐA-TTTL', heading='ĐỀ ÁN', trich='Số hóa hồ sơ hiện vật giai đoạn 2025-2027', date='Thành phố Hồ Chí Minh, ngày 14 tháng 01 năm 2025',
            paras=['Phần I. Sự cần thiết.', 'Phần II. Mục tiêu: số hóa 5.000 hồ sơ hiện vật, xây dựng bảo tàng ảo.', 'Phần III. Kinh phí: 3,2 tỷ đồng'], noi_nhan=['Sở VH và TT;', 'Lưu: VT.'], name='Trần Hữu Lộc')
    z = zip_files([(nfd('Đề án số hóa.docx'), d.docx()), ('Phu luc kinh phi.xlsx', xlsx([('KP', [['Hạng mục', 'Kinh phí'], ['Máy quét 3D', 850000000]])]))])
    a = A(nfd('Đề án số hóa 2025-2027.zip'), z, 'van_ban_khac')
    add(mail('mac', PHUC, [KHTC_SO, VP_SO], nfd('Đề án số hóa hồ sơ hiện vật'), '2025-01-14 17:00', body='Trung tâm gửi hồ sơ đề án (nén).\nPhúc', form='nfd', atts=[a]),
        'van_ban_khac', audience='so', doc='01/ĐA-TTTL', atts=[a], notes='hard;zip;nfd-filename;nfd-names-inside-zip')

    d = Doc(so='01/PA-TTTL', heading='PHƯƠNG ÁN', trich='Phân luồng khách tham quan dịp Tết Ất Tỵ', date='Thành phố Hồ Chí Minh, ngày 06 tháng 01 năm 2025',
            paras=['1. Lối vào: cổng Lê Thánh Tôn; lối ra: cổng Pasteur.', '2. Giới hạn 400 khách cùng lúc trong nhà triển lãm.', '3. Bố trí 6 bảo vệ và 10 tình nguyện viên'], noi_nhan=['Các phòng, BP;', 'Lưu: VT.'], sign=PGD, name='Lê Văn Khải', khan='HỎA TỐC')
    add(mail('outlook', HCTH, [PTL, PTT, HCTH], 'HOẢ TỐC: Phương án phân luồng khách Tết', '2025-01-06 18:20', body=d.text(), subj_style='cp1258', charset='windows-1258'),
        'van_ban_khac', 'none', 'hoa_toc', audience='noi_bo', doc='01/PA-TTTL', notes='hard;windows-1258;hoa-toc-both-spellings;formal-layout-in-body')

    d = Doc(so='03/QC-TTTL', heading='QUY CHẾ', trich='Chi tiêu nội bộ năm 2025', date='Thành phố Hồ Chí Minh, ngày 10 tháng 01 năm 2025',
            paras=['Căn cứ Nghị định số 60/2021/NĐ-CP ngày 21 tháng 6 năm 2021 của Chính phủ;', 'Chương I. Quy định chung.', 'Chương II. Mức chi cụ thể: công tác phí, hội nghị, thu nhập tăng thêm'], noi_nhan=['KBNN Quận 1;', 'Các phòng, BP;', 'Lưu: VT, KT.'], name='Trần Hữu Lộc')
    a = A('Quy che chi tieu noi bo 2025.docx', d.docx(), 'van_ban_khac')
    add(mail('outlook', BPKT, [P('Kho bạc Nhà nước Quận 1', 'kbnnq1')], 'Gửi Quy chế chi tiêu nội bộ 2025', '2025-01-10 14:00', body='Kính gửi KBNN Quận 1,\nTrung tâm gửi Quy chế chi tiêu nội bộ năm 2025 để kiểm soát chi.\nBộ phận Kế toán', atts=[a]),
        'van_ban_khac', audience='ngoai', doc='03/QC-TTTL', atts=[a], notes='medium;docx;quy-che')

    d = Doc(so='02/GUQ-TTTL', heading='GIẤY ỦY QUYỀN', date='Thành phố Hồ Chí Minh, ngày 03 tháng 6 năm 2024',
            paras=['Người ủy quyền: ông Trần Hữu Lộc, Giám đốc. Người được ủy quyền: ông Lê Văn Khải, Phó Giám đốc.', 'Nội dung: ký các văn bản thanh toán từ 03/6 đến 14/6/2024'], noi_nhan=['KBNN Quận 1;', 'Lưu: VT.'], name='Trần Hữu Lộc', closing='')
    a = A('Giay uy quyen 02.pdf', pdfdoc(d), 'van_ban_khac')
    add(mail('gmail', OANH, [P('Kho bạc Nhà nước Quận 1', 'kbnnq1')], 'Giay uy quyen ky chung tu', '2024-06-03 08:10', body='Kính gửi KBNN Quận 1, đơn vị gửi giấy ủy quyền.\nOanh - TTTL', atts=[a]),
        'van_ban_khac', audience='ngoai', doc='02/GUQ-TTTL', atts=[a], notes='medium;pdf;giay-uy-quyen')
