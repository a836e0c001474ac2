# Secret-marked messages and secrecy hard-negatives
from common import *

def build():
    # S1 plain-text body laid out as a formal công văn, MẬT stamp under the number
    d = Doc(so='87/TTTL-HCTH', vv='V/v cung cấp danh sách nhân sự phục vụ đoàn khách quốc tế', mat='MẬT',
            date='Thành phố Hồ Chí Minh, ngày 14 tháng 3 năm 2024', kinh_gui=['Văn phòng Sở Văn hóa và Thể thao'],
            paras=['Thực hiện Công văn số 612/SVHTT-VP ngày 08 tháng 3 năm 2024 của Sở Văn hóa và Thể thao về việc chuẩn bị đón tiếp đoàn khách cấp cao tham quan triển lãm chuyên đề, Trung tâm Thông tin Triển lãm gửi danh sách 06 viên chức trực tiếp phục vụ đoàn (họ tên, số CCCD, nhiệm vụ được phân công) như phụ lục kèm theo.',
                   'Đề nghị Văn phòng Sở tổng hợp, phối hợp cơ quan chức năng thẩm tra theo quy định'],
            noi_nhan=['Như trên;', 'BGĐ Trung tâm;', 'Lưu: VT, HCTH.'], sign=('KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC'), name='Lê Văn Khải')
    add(mail('outlook', VANTHU, [VP_SO], 'V/v cung cấp danh sách nhân sự phục vụ đoàn khách', '2024-03-14 10:12', body=d.text('cols')),
        'cong_van', 'mat', audience='so', doc='87/TTTL-HCTH', notes='hard;secret-stamp-in-body-header;formal-layout-in-body')

    # S2 NFD body, TỐI MẬT báo cáo
    d = Doc(so='05/BC-TTTL', heading='BÁO CÁO', trich='Tình hình an ninh, trật tự tại khu vực triển lãm dịp 30/4 - 01/5', mat='TỐI MẬT',
            date='Thành phố Hồ Chí Minh, ngày 03 tháng 5 năm 2024', kinh_gui=['Ban Giám đốc Sở Văn hóa và Thể thao'],
            paras=['Trong thời gian từ ngày 27/4 đến ngày 01/5/2024, tại khu vực nhà triển lãm số 92 Lê Thánh Tôn đã phát hiện 02 trường hợp phát tán tài liệu có nội dung xấu, đã phối hợp Công an phường Bến Nghé lập biên bản và xử lý.',
                   'Trung tâm kiến nghị tăng cường lực lượng bảo vệ trong các đợt cao điểm tiếp theo'],
            noi_nhan=['Như trên;', 'Lưu: VT.'], sign=('GIÁM ĐỐC',), name='Trần Hữu Lộc')
    add(mail('mac', VANTHU, [DUC_SO], nfd('Báo cáo tình hình ANTT dịp 30/4'), '2024-05-03 16:40', body=d.text(), form='nfd'),
        'bao_cao', 'toi_mat', audience='so', doc='05/BC-TTTL', notes='hard;secret-stamp-in-body-header;nfd')

    # S3 windows-1258 body, MẬT thông báo nội bộ
    d = Doc(so='21/TB-TTTL', heading='THÔNG BÁO', trich='Phân công nhiệm vụ bảo vệ hồ sơ đề án mở rộng nhà triển lãm', mat='MẬT',
            date='Thành phố Hồ Chí Minh, ngày 17 tháng 7 năm 2024',
            paras=['Ban Giám đốc Trung tâm phân công Phòng Hành chính - Tổng hợp quản lý hồ sơ, tài liệu của Đề án mở rộng nhà triển lãm; chỉ những người có tên trong danh sách kèm theo được tiếp cận hồ sơ.',
                   'Các phòng, bộ phận không sao chụp, không gửi hồ sơ qua thư điện tử'],
            noi_nhan=['Các phòng, BP thuộc TTTL;', 'Lưu: VT.'], sign=('GIÁM ĐỐC',), name='Trần Hữu Lộc')
    add(mail('outlook', VANTHU, [PTL, PTT, BPKT], 'Thông báo phân công nhiệm vụ', '2024-07-17 09:05', body=d.text(), charset='windows-1258', subj_style='cp1258'),
        'thong_bao', 'mat', audience='noi_bo', doc='21/TB-TTTL', notes='hard;secret-stamp-in-body-header;windows-1258')

    # S4 docx KH with MẬT
    d = Doc(so='34/KH-TTTL', heading='KẾ HOẠCH', trich='Bảo đảm an ninh phục vụ Triển lãm kỷ niệm 50 năm Ngày Giải phóng miền Nam', mat='MẬT',
            date='Thành phố Hồ Chí Minh, ngày 02 tháng 4 năm 2025',
            paras=['I. MỤC ĐÍCH, YÊU CẦU', 'Bảo đảm tuyệt đối an toàn cho khách tham quan, hiện vật và các đoàn đại biểu trong suốt thời gian triển lãm.',
                   'II. NỘI DUNG', '1. Bố trí 03 ca trực 24/24 tại cổng chính và cổng phụ.', '2. Phối hợp Công an Quận 1 kiểm tra an ninh trước giờ khai mạc.',
                   'III. TỔ CHỨC THỰC HIỆN', 'Phòng Hành chính - Tổng hợp chủ trì, các phòng phối hợp thực hiện'],
            noi_nhan=['Sở VH và TT (để báo cáo);', 'Các phòng, BP;', 'Lưu: VT.'], sign=('GIÁM ĐỐC',), name='Trần Hữu Lộc')
    a = A('KH bao ve trien lam 30-4.docx', d.docx(), 'ke_hoach')
    add(mail('zimbra', HUY, [TAM], 'KH bảo vệ triển lãm', '2025-04-02 14:22', body='Anh Tâm,\nEm gửi anh bản KH bảo vệ triển lãm 30/4 đã ký, anh xem phần phân ca cho phòng Triển lãm.\n\nHuy', atts=[a]),
        'ke_hoach', 'mat', audience='noi_bo', doc='34/KH-TTTL', atts=[a], notes='hard;docx;secret-stamp-in-docx')

    # S5 odt TỐI MẬT báo cáo
    d = Doc(so='11/BC-TTTL', heading='BÁO CÁO', trich='Kết quả xác minh đơn phản ánh của công dân', mat='TỐI MẬT',
            date='Thành phố Hồ Chí Minh, ngày 19 tháng 8 năm 2024', kinh_gui=['Thanh tra Sở Văn hóa và Thể thao'],
            paras=['Ngày 05/8/2024, Trung tâm nhận đơn phản ánh (không ký tên) về việc thu phí gian hàng không đúng quy định tại Hội chợ sách mùa hè.',
                   'Qua xác minh, Tổ công tác xác định nội dung phản ánh có cơ sở một phần; đã yêu cầu cá nhân liên quan giải trình bằng văn bản.',
                   'Trung tâm báo cáo Thanh tra Sở xem xét, chỉ đạo'],
            noi_nhan=['Như trên;', 'Lưu: VT.'], sign=('GIÁM ĐỐC',), name='Trần Hữu Lộc')
    a = A('BC xac minh don.odt', d.odt(), 'bao_cao')
    add(mail('thunderbird', DINH, [P('Thanh tra Sở VHTT', 'thanhtra.svhtt')], 'Báo cáo kết quả xác minh đơn', '2024-08-19 17:03',
             body='Kính gửi Thanh tra Sở,\n\nTrung tâm gửi báo cáo kết quả xác minh (file đính kèm).\n\nTrương Công Định\nTTTL', atts=[a]),
        'bao_cao', 'toi_mat', audience='so', doc='11/BC-TTTL', atts=[a], notes='hard;odt;secret-stamp-in-odt')

    # S6 pdf QĐ MẬT
    d = Doc(so='58/QĐ-TTTL', heading='QUYẾT ĐỊNH', trich='Về việc thành lập Tổ kiểm tra, xác minh nội bộ', mat='MẬT',
            date='Thành phố Hồ Chí Minh, ngày 09 tháng 9 năm 2024',
            paras=['GIÁM ĐỐC TRUNG TÂM THÔNG TIN TRIỂN LÃM', 'Căn cứ Quyết định số 2215/QĐ-SVHTT ngày 12 tháng 7 năm 2019 của Sở Văn hóa và Thể thao quy định chức năng, nhiệm vụ của Trung tâm;',
                   'QUYẾT ĐỊNH:', 'Điều 1. Thành lập Tổ kiểm tra, xác minh nội bộ gồm 03 thành viên (danh sách kèm theo).', 'Điều 2. Tổ có nhiệm vụ xác minh việc quản lý tài sản tại kho Phòng Triển lãm.',
                   'Điều 3. Quyết định có hiệu lực kể từ ngày ký'],
            noi_nhan=['Như Điều 3;', 'Lưu: VT, HCTH.'], sign=('GIÁM ĐỐC',), name='Trần Hữu Lộc')
    a = A('QD 58 thanh lap to kiem tra.pdf', pdfdoc(d), 'quyet_dinh')
    add(mail('outlook', NHUNG, [THANH, KHOA, OANH], 'QĐ thành lập tổ kiểm tra', '2024-09-09 15:30', body='Chào các anh chị,\n\nVăn thư gửi QĐ số 58 (bản scan có lớp chữ) để các anh chị thực hiện.' + SIG_NHUNG, atts=[a]),
        'quyet_dinh', 'mat', audience='noi_bo', doc='58/QĐ-TTTL', atts=[a], notes='hard;pdf;secret-stamp-in-pdf')

    # S7 xlsx title cell MẬT
    rows = [['MẬT'], ['DANH SÁCH VIÊN CHỨC THAM GIA PHỤC VỤ HỘI NGHỊ ĐẶC BIỆT'], [], ['STT', 'Họ và tên', 'Năm sinh', 'Số CCCD', 'Nhiệm vụ'],
            [1, 'Nguyễn Văn Thành', 1984, '079084003318', 'Điều phối chung'], [2, 'Phạm Quốc Huy', 1990, '079090011542', 'Kỹ thuật âm thanh'],
            [3, 'Châu Ngọc Trang', 1995, '079195006207', 'Lễ tân'], [4, 'Mai Đăng Khoa', 1988, '080088000915', 'An ninh cổng']]
    a = A('DS vien chuc phuc vu HN.xlsx', xlsx([('DS', rows)]), 'tai_lieu_cong_viec')
    add(mail('gmail', THANH, [TCCB_SO], 'DS viên chức phục vụ hội nghị', '2024-10-02 08:47', body='Dạ em gửi phòng TCCB danh sách theo yêu cầu ạ.\nEm Thành - TTTL', atts=[a]),
        'tai_lieu_cong_viec', 'mat', audience='so', atts=[a], notes='hard;xlsx;secret-in-title-cell')

    # S8 ods title cell TỐI MẬT
    rows = [['TỐI MẬT - BẢNG TỔNG HỢP KINH PHÍ ĐỀ ÁN AN NINH SỰ KIỆN 2025'], ['Hạng mục', 'Đơn vị', 'Số lượng', 'Đơn giá', 'Thành tiền'],
            ['Camera giám sát', 'bộ', 24, 6850000, 164400000], ['Cổng từ', 'cái', 4, 38500000, 154000000], ['Thuê bảo vệ', 'người/tháng', 12, 7200000, 86400000]]
    a = A('Tong hop kinh phi.ods', ods([('Sheet1', rows)]), 'tai_lieu_cong_viec')
    add(mail('thunderbird', OANH, [THANH], 'Re: số liệu kinh phí đề án', '2024-11-12 11:18', body='Anh Thành,\nSố liệu em tổng hợp trong file, anh kiểm tra giúp em cột thành tiền.\nOanh - Kế toán', atts=[a]),
        'tai_lieu_cong_viec', 'toi_mat', audience='noi_bo', atts=[a], notes='hard;ods;secret-in-title-cell')

    # S9 zip containing docx Tờ trình with MẬT
    d = Doc(so='09/TTr-TTTL', heading='TỜ TRÌNH', trich='Về việc phê duyệt phương án nhân sự Phòng Triển lãm', mat='MẬT',
            date='Thành phố Hồ Chí Minh, ngày 22 tháng 10 năm 2024', kinh_gui=['Giám đốc Sở Văn hóa và Thể thao'],
            paras=['Căn cứ Đề án vị trí việc làm của Trung tâm đã được phê duyệt, Trung tâm kính trình Giám đốc Sở xem xét, phê duyệt phương án điều động 02 viên chức từ Phòng Thông tin - Tuyên truyền sang Phòng Triển lãm.',
                   'Kính trình Giám đốc Sở xem xét, phê duyệt'],
            noi_nhan=['Như trên;', 'Lưu: VT, HCTH.'], sign=('GIÁM ĐỐC',), name='Trần Hữu Lộc')
    z = zip_files([('TTr 09 phuong an nhan su.docx', d.docx()), ('Phu luc DS.xlsx', xlsx([('PL', [['STT', 'Họ tên', 'Vị trí hiện tại', 'Vị trí đề xuất'], [1, 'Lý Thị Kim Oanh', 'Thông tin', 'Triển lãm']])]))])
    a = A('HS trinh So 22-10.zip', z, 'to_trinh')
    add(mail('outlook', THANH, [TCCB_SO], 'Hồ sơ trình Sở', '2024-10-22 16:55', body='Kính gửi Phòng TCCB,\nTrung tâm gửi hồ sơ tờ trình (file nén).\n' + SIG_THANH, atts=[a]),
        'to_trinh', 'mat', audience='so', doc='09/TTr-TTTL', atts=[a], notes='hard;zip;secret-stamp-in-zipped-docx')

    # S10 attached .eml carrying a MẬT công văn in its body
    d = Doc(issuer=SVHTT, so='2488/SVHTT-TCCB', vv='V/v rà soát lý lịch viên chức đề nghị bổ nhiệm', mat='MẬT',
            date='Thành phố Hồ Chí Minh, ngày 05 tháng 6 năm 2024', kinh_gui=['Trung tâm Thông tin Triển lãm'],
            paras=['Sở Văn hóa và Thể thao đề nghị Trung tâm rà soát lý lịch, quá trình công tác của viên chức dự kiến đề nghị bổ nhiệm Phó Trưởng phòng Triển lãm, báo cáo về Sở (qua Phòng Tổ chức cán bộ) trước ngày 14/6/2024'],
            noi_nhan=['Như trên;', 'Lưu: VT, TCCB.'], sign=('KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC'), name='Phạm Đình Nguyên')
    inner = mail('outlook', TCCB_SO, [VANTHU], 'V/v rà soát lý lịch viên chức', '2024-06-05 09:00', body=d.text())
    a = E('V-v ra soat ly lich vien chuc.eml', inner, 'cong_van')
    add(mail('outlook', NHUNG, [THANH], 'TL: V/v rà soát lý lịch viên chức', '2024-06-05 09:31', body='Anh Thành xử lý giúp em văn bản của Sở (đính kèm).' + SIG_NHUNG, atts=[a]),
        'cong_van', 'mat', audience='noi_bo', doc='2488/SVHTT-TCCB', atts=[a], notes='hard;attached-eml;secret-stamp-inside-eml')

    # S11 [MẬT] in subject
    add(mail('gmail', HUY, [THANH], '[MẬT] DS khách mời đặc biệt lễ khai mạc', '2024-08-27 21:14',
             body='Anh Thành,\nEm gửi danh sách khách mời phía Thành ủy mà chị Hà chuyển qua:\n1. Đ/c Trần V. B. - Ban Tuyên giáo\n2. Đ/c Lê T. M. - Văn phòng Thành ủy\n3. Đ/c Nguyễn H. P.\nLịch di chuyển em sẽ gửi sau.\nHuy'),
        'tai_lieu_cong_viec', 'mat', audience='noi_bo', notes='medium;secret-in-subject')

    # S12 "Tài liệu mật - đề nghị không chuyển tiếp" with unmarked docx
    d = Doc(so='14/BC-TTTL', heading='BÁO CÁO', trich='Tình hình tư tưởng viên chức quý III năm 2024',
            date='Thành phố Hồ Chí Minh, ngày 30 tháng 9 năm 2024', kinh_gui=['Đảng ủy Sở Văn hóa và Thể thao'],
            paras=['Nhìn chung viên chức Trung tâm an tâm công tác; một số ý kiến băn khoăn về chế độ thu nhập tăng thêm theo Nghị quyết 08/2023/NQ-HĐND.', 'Trung tâm báo cáo để Đảng ủy Sở nắm'],
            noi_nhan=['Như trên;', 'Lưu: VT.'], name='Trần Hữu Lộc')
    a = A('BC tu tuong quy 3.docx', d.docx(), 'bao_cao')
    add(mail('outlook', DINH, [NGA_SO], 'BC tình hình tư tưởng quý 3', '2024-09-30 17:45',
             body='Chị Nga,\nTài liệu mật - đề nghị không chuyển tiếp.\nEm gửi chị báo cáo quý 3 để tổng hợp.\n\nĐịnh', atts=[a]),
        'bao_cao', 'mat', audience='so', doc='14/BC-TTTL', atts=[a], notes='hard;docx;secret-declared-in-body')

    # S13 "đây là tài liệu MẬT, anh chị không chuyển tiếp" (unaccented variant)
    rows = [['Ho ten', 'Chuc vu', 'Dien thoai rieng', 'Bien so xe'], ['Tran Huu Loc', 'Giam doc', '0908 771 320', '51H-284.17'], ['Le Van Khai', 'Pho Giam doc', '0913 640 558', '51K-039.92']]
    a = A('thong tin lanh dao.xlsx', xlsx([('Sheet1', rows)]), 'tai_lieu_cong_viec')
    add(mail('outlook_web', THANH, [KHOA, VINH], 'thong tin xe lanh dao', '2024-12-04 07:52',
             body='Anh Khoa, anh Vinh\nday la tai lieu MAT, anh chi khong chuyen tiep. Danh sach xe lanh dao de bao ve cho vao cong sau trong thoi gian trien lam.\nThanh', atts=[a]),
        'tai_lieu_cong_viec', 'mat', audience='noi_bo', atts=[a], notes='hard;secret-declared-in-body;no-diacritics;xlsx')

    # S14 "văn bản có độ mật ... đề nghị không forward"
    d = Doc(so='03/PA-TTTL', heading='PHƯƠNG ÁN', trich='Ứng phó tình huống phức tạp về an ninh tại Hội chợ Du lịch 2024',
            date='Thành phố Hồ Chí Minh, ngày 11 tháng 4 năm 2024',
            paras=['1. Tình huống tụ tập đông người trái phép: lực lượng bảo vệ phong tỏa khu vực, báo Công an phường.', '2. Tình huống phát hiện vật nghi là chất nổ: sơ tán khách theo sơ đồ, không tự ý xử lý.'],
            noi_nhan=['Các phòng, BP;', 'Lưu: VT.'], sign=('GIÁM ĐỐC',), name='Trần Hữu Lộc')
    a = A('Phuong an ung pho.docx', d.docx(), 'van_ban_khac')
    add(mail('zimbra', VINH, [TAM, HUY, KHOA], 'Phương án ứng phó hội chợ', '2024-04-11 13:10',
             body='Các anh,\nVăn bản có độ mật theo chỉ đạo của Giám đốc, đề nghị các anh không forward ra ngoài và không in sao.\nVinh', atts=[a]),
        'van_ban_khac', 'mat', audience='noi_bo', doc='03/PA-TTTL', atts=[a], notes='hard;docx;secret-declared-in-body')

    # S15 TUYỆT MẬT + HỎA TỐC công điện in docx
    d = Doc(so='01/CĐ-TTTL', heading='CÔNG ĐIỆN', trich='Về việc triển khai ngay biện pháp bảo vệ đoàn khách đặc biệt', mat='TUYỆT MẬT', khan='HỎA TỐC',
            date='Thành phố Hồ Chí Minh, ngày 28 tháng 6 năm 2024',
            paras=['GIÁM ĐỐC TRUNG TÂM THÔNG TIN TRIỂN LÃM điện:', '- Trưởng các phòng, bộ phận thuộc Trung tâm.', 'Yêu cầu triển khai ngay phương án bảo vệ đã được phê duyệt, kiểm tra toàn bộ khu vực trước 06 giờ 00 ngày 29/6/2024; tuyệt đối không để lộ lịch trình của đoàn'],
            noi_nhan=['Như trên;', 'Lưu: VT.'], sign=('GIÁM ĐỐC',), name='Trần Hữu Lộc')
    a = A('Cong dien 01.docx', d.docx(), 'van_ban_khac')
    add(mail('outlook', VANTHU, [TAM, VINH, HUY, THANH], 'HỎA TỐC - Công điện 01', '2024-06-28 22:05', body='Văn thư chuyển Công điện số 01/CĐ-TTTL.', atts=[a], extra=['Importance: High', 'X-Priority: 1']),
        'van_ban_khac', 'tuyet_mat', 'hoa_toc', audience='noi_bo', doc='01/CĐ-TTTL', atts=[a], notes='hard;docx;secret-stamp-in-docx;urgency-in-subject')

    # S16 MẬT + KHẨN công văn in PDF
    d = Doc(issuer=SVHTT, so='3120/SVHTT-VP', vv='V/v tăng cường bảo vệ an ninh các cơ sở văn hóa', mat='MẬT', khan='KHẨN',
            date='Thành phố Hồ Chí Minh, ngày 15 tháng 8 năm 2024', kinh_gui=['Thủ trưởng các đơn vị sự nghiệp trực thuộc Sở'],
            paras=['Thực hiện chỉ đạo của Ủy ban nhân dân Thành phố, Sở đề nghị Thủ trưởng các đơn vị rà soát phương án bảo vệ, bố trí lực lượng trực 24/24 từ ngày 16/8 đến hết ngày 03/9/2024.', 'Đề nghị các đơn vị nghiêm túc thực hiện'],
            noi_nhan=['Như trên;', 'Giám đốc Sở (để b/c);', 'Lưu: VT, VP.'], sign=('KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC'), name='Phạm Đình Nguyên')
    a = A('3120-SVHTT-VP.pdf', pdfdoc(d), 'cong_van')
    add(mail('outlook', VP_SO, [VANTHU, P('Văn thư Bảo tàng Mỹ thuật', 'vanthu.btmythuat'), P('Văn thư Nhà Văn hóa Thanh niên', 'vanthu.nvhthanhnien')], 'V/v tăng cường bảo vệ an ninh các cơ sở văn hóa', '2024-08-15 15:12',
             body='Văn phòng Sở gửi các đơn vị văn bản đính kèm.\nTrân trọng.', atts=[a]),
        'cong_van', 'mat', 'khan', audience='ngoai', doc='3120/SVHTT-VP', atts=[a], notes='hard;pdf;secret-stamp-in-pdf;inbound-from-so')

    # S17 NFD body + subject (Apple) with Mật declared in first line
    add(mail('apple', TAM, [THANH], nfd('Mật - sơ đồ bố trí lực lượng'), '2024-06-28 23:40',
             body='Mật - không chuyển tiếp\n\nAnh Thành ơi sơ đồ bố trí: cổng A 4 người, cổng B 2 người, sảnh chính 3 người, bãi xe 2 người. Xe đoàn vào lúc 7h15 theo cổng B.\n' + IPHONE, form='nfd', subj_style='Q'),
        'tai_lieu_cong_viec', 'mat', audience='noi_bo', notes='hard;secret-declared-in-body;nfd;iphone')

    # S18 windows-1258 subject & body, [Mật]
    add(mail('outlook', DINH, [TRANG], '[Mật] Nội dung trả lời phỏng vấn báo chí', '2024-05-20 10:01',
             body='Trang,\nAnh gửi nội dung trả lời phỏng vấn đã được Giám đốc duyệt. Tài liệu mật, em không chuyển cho phóng viên bản này, chỉ đọc theo phần in đậm.\n1. Về tiến độ dự án mở rộng: đang chờ phê duyệt chủ trương.\n2. Về kinh phí: không bình luận.\nĐịnh',
             charset='windows-1258', subj_style='cp1258'),
        'tai_lieu_cong_viec', 'mat', audience='noi_bo', notes='hard;secret-in-subject;windows-1258')

    # S19 zip containing xlsx with MẬT title
    rows = [['MẬT'], ['SỔ THEO DÕI TÀI LIỆU ĐỀ ÁN MỞ RỘNG'], ['Ngày', 'Tài liệu', 'Người nhận', 'Ký nhận'], ['03/7/2024', 'Bản vẽ mặt bằng tầng 2', 'Võ Minh Tâm', 'x']]
    z = zip_files([('So theo doi tai lieu.xlsx', xlsx([('So', rows)]))])
    a = A('so theo doi.zip', z, 'tai_lieu_cong_viec')
    add(mail('gmail', NGOC, [THANH], 'sổ theo dõi', '2024-07-05 16:20', body='Em gửi anh file sổ theo dõi (nén).\nNgọc', atts=[a]),
        'tai_lieu_cong_viec', 'mat', audience='noi_bo', atts=[a], notes='hard;zip;xlsx;secret-in-title-cell')

    # S20 inline forwarded Sở document with Độ mật header (Gmail forward)
    d = Doc(issuer=SVHTT, so='455/BC-SVHTT', heading='BÁO CÁO', trich='Kết quả kiểm tra công tác bảo vệ bí mật nhà nước năm 2024', mat='Độ mật: MẬT',
            date='Thành phố Hồ Chí Minh, ngày 20 tháng 12 năm 2024', kinh_gui=['Ủy ban nhân dân Thành phố'],
            paras=['Qua kiểm tra 12 đơn vị trực thuộc, phát hiện 02 đơn vị gửi tài liệu có độ mật qua thư điện tử công vụ; Sở đã chấn chỉnh và yêu cầu kiểm điểm.'],
            noi_nhan=['Như trên;', 'Lưu: VT.'], sign=('GIÁM ĐỐC',), name='Nguyễn Thị Thanh Hương')
    fw = fwd_header('gmail', NGA_SO, 'Fri, Dec 20, 2024 at 4:11 PM', [DINH], 'BC kiem tra BVBMNN')
    add(mail('gmail', DINH, [THANH], 'Fwd: BC kiem tra BVBMNN', '2024-12-20 16:30', body='anh Thành xem để rút kinh nghiệm\n\n' + fw + d.text()),
        'bao_cao', 'mat', audience='noi_bo', doc='455/BC-SVHTT', notes='hard;forwarded-inline;secret-stamp-in-body-header;topic-and-stamp')

    # S21 odt QĐ stamped MẬT with NFD filename, Apple Mail
    d = Doc(so='71/QĐ-TTTL', heading='QUYẾT ĐỊNH', trich='Về việc kỷ luật viên chức', mat='MẬT',
            date='Thành phố Hồ Chí Minh, ngày 25 tháng 11 năm 2024',
            paras=['GIÁM ĐỐC TRUNG TÂM THÔNG TIN TRIỂN LÃM', 'Căn cứ Luật Viên chức số 58/2010/QH12; Nghị định số 112/2020/NĐ-CP ngày 18 tháng 9 năm 2020 của Chính phủ về xử lý kỷ luật cán bộ, công chức, viên chức;',
                   'QUYẾT ĐỊNH:', 'Điều 1. Thi hành kỷ luật bằng hình thức khiển trách đối với viên chức Đ.V.K, Phòng Triển lãm.', 'Điều 2. Quyết định có hiệu lực kể từ ngày ký'],
            noi_nhan=['Như Điều 1;', 'Lưu: VT, HS.'], sign=('GIÁM ĐỐC',), name='Trần Hữu Lộc')
    a = A(nfd('Quyết định kỷ luật.odt'), d.odt(), 'quyet_dinh')
    add(mail('mac', THANH, [TCCB_SO], nfd('Gửi QĐ kỷ luật'), '2024-11-25 18:02', body='Gửi phòng TCCB quyết định kỷ luật để lưu hồ sơ.\nThành', form='nfd', atts=[a]),
        'quyet_dinh', 'mat', audience='so', doc='71/QĐ-TTTL', atts=[a], notes='hard;odt;secret-stamp-in-odt;nfd-filename')

    # ---------------- hard negatives (no marking) ----------------
    add(mail('outlook', PHUC, [P('Toàn thể viên chức TTTL', 'all.tttl')], 'Nhắc đổi mật khẩu hộp thư', '2024-05-22 08:15',
             body='Các anh chị lưu ý: hạn chót đổi mật khẩu lần đầu là 23/5. Mật khẩu tối thiểu 8 ký tự, có chữ hoa, chữ thường và ký tự đặc biệt (!, @, #, %). Không dùng mật khẩu kiểu 12345678 hay ngày sinh.\nAi không đăng nhập được thì gọi em số nội bộ 112.\n\nPhúc - IT'),
        'tai_lieu_cong_viec', audience='noi_bo', notes='hard-negative;mat-khau;it-reminder')

    d = Doc(so='41/KH-TTTL', heading='KẾ HOẠCH', trich='Tập huấn công tác bảo vệ bí mật nhà nước năm 2024',
            date='Thành phố Hồ Chí Minh, ngày 12 tháng 6 năm 2024',
            paras=['Căn cứ Luật Bảo vệ bí mật nhà nước số 29/2018/QH14 ngày 15 tháng 11 năm 2018; Nghị định số 26/2020/NĐ-CP ngày 28 tháng 02 năm 2020 của Chính phủ;',
                   'I. MỤC ĐÍCH: Nâng cao nhận thức của viên chức về xác định độ mật (Mật, Tối mật, Tuyệt mật), sao chụp, vận chuyển và lưu giữ tài liệu mật; nghiêm cấm soạn thảo, gửi tài liệu mật qua thư điện tử.',
                   'II. THỜI GIAN, ĐỊA ĐIỂM: 08 giờ 00 ngày 26/6/2024, Hội trường tầng 3.', 'III. THÀNH PHẦN: Toàn thể viên chức Trung tâm'],
            noi_nhan=['Các phòng, BP;', 'Lưu: VT.'], sign=('KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC'), name='Lê Văn Khải')
    a = A('KH tap huan BVBMNN 2024.docx', d.docx(), 'ke_hoach')
    add(mail('outlook', VANTHU, [PTL, PTT, BPKT, HCTH], 'Kế hoạch tập huấn bảo vệ bí mật nhà nước', '2024-06-12 10:40', body='Văn thư gửi các phòng Kế hoạch số 41/KH-TTTL.', atts=[a]),
        'ke_hoach', audience='noi_bo', doc='41/KH-TTTL', atts=[a], notes='hard-negative;topic-bi-mat-nha-nuoc;docx;levels-named-in-text')

    add(mail('gmail', HA, [NGOC, TRANG, OANH, LINH], 'TUYỆT MẬT: kế hoạch sinh nhật chị Thủy', '2024-07-08 12:05',
             body='Tuyệt mật nha mọi người!!! 🤫\nThứ 6 này sinh nhật chị Thủy, mình góp mỗi người 100k mua bánh + hoa. 4h30 chiều tập trung phòng pantry, Trang canh chị Thủy đi họp về thì nháy mọi người.\nAi chuyển khoản thì chuyển cho Hà: 0071 0003 88412 VCB.\nĐỪNG ĐỂ LỘ 😆'),
        'ca_nhan', audience='noi_bo', notes='hard-negative;joke-secret;emoji;ke-hoach-word')

    add(mail('plain', ('IT Helpdesk', 'it-helpdesk@tphcm-gov-mail.com'), [THANH], '[TỐI MẬT] Bảng lương thưởng quý 2 - xem ngay', '2024-07-15 02:13',
             html='<html><body><p><b>TỐI MẬT</b></p><p>Bạn có 1 tài liệu được chia sẻ: <b>Bang_luong_Q2_2024.xlsx</b></p><p><a href="http://tphcm-gov-mail.com.login-verify.xyz/owa">Đăng nhập để xem</a></p><p>Liên kết hết hạn sau 24 giờ.</p></body></html>'),
        'khong_xac_dinh', audience='noi_bo', notes='hard-negative;phishing-lure;html-only;fake-secret')

    add(mail('yahoo', Y('Bùi Văn Tư', 'tu_bui1962'), [G('Nguyễn Văn Thành', 'thanh.nv84')], 'mat ong rung U Minh', '2024-03-02 19:20',
             body='Chao chau Thanh\nNam nay ong nuoi duoc 40 lit mat ong rung, chau lay cho co quan thi bao ong, 1 lit 350 ngan, ong gui xe do Ca Mau len.\nOng Tu'),
        'ca_nhan', audience='ngoai', notes='hard-negative;mat-ong;no-diacritics;personal-mailbox')

    d = Doc(so='25/GM-TTTL', heading='GIẤY MỜI', trich='Gặp mặt thân mật kỷ niệm 48 năm ngày thành lập Trung tâm',
            date='Thành phố Hồ Chí Minh, ngày 05 tháng 11 năm 2024', kinh_gui=['Quý đồng chí nguyên lãnh đạo, viên chức Trung tâm qua các thời kỳ'],
            paras=['Trung tâm Thông tin Triển lãm trân trọng kính mời Quý đồng chí đến dự buổi gặp mặt thân mật.', 'Thời gian: 16 giờ 00, thứ Sáu ngày 15/11/2024.', 'Địa điểm: Nhà hàng Hương Sen, 70 Đồng Khởi, Quận 1.', 'Rất hân hạnh được đón tiếp'],
            noi_nhan=['Như trên;', 'Lưu: VT.'], sign=('GIÁM ĐỐC',), name='Trần Hữu Lộc')
    a = A('GM gap mat than mat.pdf', pdfdoc(d), 'giay_moi')
    add(mail('outlook', HCTH, [G('Chú Lâm', 'lamnguyen1955'), Y('Cô Hạnh', 'hanhtran_hcm')], 'Thư mời gặp mặt thân mật', '2024-11-05 14:00', body='Kính gửi các cô chú,\nTrung tâm trân trọng gửi giấy mời (đính kèm).', atts=[a]),
        'giay_moi', audience='ngoai', doc='25/GM-TTTL', atts=[a], notes='hard-negative;than-mat;pdf')

    d = Doc(so='19/BC-TTTL', heading='BÁO CÁO', trich='Mật độ khách tham quan và công suất phục vụ tháng 9/2024',
            date='Thành phố Hồ Chí Minh, ngày 04 tháng 10 năm 2024', kinh_gui=['Sở Văn hóa và Thể thao'],
            paras=['Tổng lượt khách tháng 9/2024 đạt 18.420 lượt, tăng 12% so với cùng kỳ. Mật độ khách giờ cao điểm (9h-11h cuối tuần) đạt 2,6 người/m2, vượt ngưỡng khuyến nghị 2,0 người/m2.',
                   'Trung tâm đề xuất phân luồng theo khung giờ và bán vé trực tuyến'],
            noi_nhan=['Như trên;', 'Lưu: VT, PTL.'], sign=('GIÁM ĐỐC',), name='Trần Hữu Lộc')
    a = A('BC mat do khach T9.docx', d.docx(), 'bao_cao')
    add(mail('outlook', THANH, [VP_SO], 'Báo cáo mật độ khách tham quan tháng 9', '2024-10-04 09:20', body='Kính gửi Văn phòng Sở,\nTrung tâm gửi báo cáo tháng 9/2024.\n' + SIG_THANH, atts=[a]),
        'bao_cao', audience='so', doc='19/BC-TTTL', atts=[a], notes='hard-negative;mat-do;docx')

    d = Doc(so='07/HD-TTTL', heading='HƯỚNG DẪN', trich='Bảo mật tài khoản thư điện tử công vụ',
            date='Thành phố Hồ Chí Minh, ngày 24 tháng 5 năm 2024',
            paras=['1. Không chia sẻ mật khẩu cho người khác, kể cả đồng nghiệp.', '2. Bật xác thực hai lớp trên ứng dụng di động.', '3. Không mở tệp đính kèm từ người gửi lạ; cảnh giác với thư giả mạo có tiêu đề "MẬT", "KHẨN".',
                   '4. Báo ngay cho bộ phận CNTT khi nghi ngờ bị lộ mật khẩu'],
            noi_nhan=['Các phòng, BP;', 'Lưu: VT.'], sign=('KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC'), name='Lê Văn Khải')
    a = A('HD bao mat tai khoan email.odt', d.odt(), 'huong_dan')
    add(mail('thunderbird', PHUC, [PTL, PTT, HCTH, BPKT], 'Hướng dẫn bảo mật tài khoản thư điện tử', '2024-05-24 15:31', body='Gửi các phòng hướng dẫn số 07/HD-TTTL.\nPhúc', atts=[a]),
        'huong_dan', audience='noi_bo', doc='07/HD-TTTL', atts=[a], notes='hard-negative;bao-mat;quoted-stamp-words;odt')

    d = Doc(so='02/QC-TTTL', heading='QUY CHẾ', trich='Bảo vệ bí mật nhà nước tại Trung tâm Thông tin Triển lãm',
            date='Thành phố Hồ Chí Minh, ngày 10 tháng 1 năm 2025',
            paras=['(Ban hành kèm theo Quyết định số 03/QĐ-TTTL ngày 10 tháng 01 năm 2025)', 'Điều 1. Phạm vi điều chỉnh: Quy chế này quy định việc xác định, đóng dấu độ mật "MẬT", "TỐI MẬT", "TUYỆT MẬT", sao, chụp, lưu giữ, vận chuyển tài liệu bí mật nhà nước.',
                   'Điều 5. Nghiêm cấm truyền đưa tài liệu mật qua thư điện tử, mạng xã hội, ứng dụng nhắn tin.', 'Điều 12. Quy chế có hiệu lực từ ngày ký'],
            noi_nhan=[], sign=('GIÁM ĐỐC',), name='Trần Hữu Lộc')
    a = A('Quy che BVBMNN.pdf', pdfdoc(d), 'van_ban_khac')
    add(mail('outlook', VANTHU, [PTL, PTT, HCTH, BPKT], 'Ban hành Quy chế bảo vệ bí mật nhà nước', '2025-01-10 11:00', body='Văn thư gửi Quy chế (kèm QĐ 03/QĐ-TTTL) đến các phòng.', atts=[a]),
        'van_ban_khac', audience='noi_bo', doc='02/QC-TTTL', atts=[a], notes='hard-negative;topic-bi-mat-nha-nuoc;stamp-words-quoted;pdf')

    add(mail('plain', ('Hệ thống thư điện tử Thành phố', 'no-reply@tphcm.gov.vn'), [TRANG], 'Mật khẩu của bạn sẽ hết hạn sau 5 ngày', '2024-08-20 06:00',
             body='Kính gửi người dùng cntrang.tttl@tphcm.gov.vn,\n\nMật khẩu hộp thư của bạn sẽ hết hạn vào ngày 25/08/2024. Vui lòng đăng nhập https://mail.tphcm.gov.vn và đổi mật khẩu.\n\nĐây là thư tự động, vui lòng không trả lời.', cte='base64'),
        'khong_xac_dinh', audience='noi_bo', notes='hard-negative;mat-khau;system-mail')

    add(mail('outlook', ('Phòng Kinh doanh Ánh Dương', 'kinhdoanh@anhduongevent.vn'), [TAM], 'Báo giá thi công gian hàng Hội chợ sách', '2024-05-30 16:48',
             body='Kính gửi anh Tâm,\nBên em gửi báo giá thi công 20 gian hàng tiêu chuẩn 3x3m: 4.850.000đ/gian, chưa VAT. Thời gian thi công 2 ngày.\nTrân trọng,\nNguyễn Thảo My\n\nTHÔNG BÁO BẢO MẬT: Thư này và các tệp đính kèm có thể chứa thông tin bảo mật, chỉ dành cho người nhận. CONFIDENTIALITY NOTICE: This e-mail may contain confidential information.'),
        'tai_lieu_cong_viec', audience='noi_bo', notes='hard-negative;confidentiality-footer;quote;inbound-external')

    add(mail('gmail', G('Linh Trần', 'mylinh.tran92'), [G('Thảo', 'thaonguyen.1993')], 'bi mat nhe', '2024-09-11 22:31',
             body='Thao oi, chu nhat nay tui to chuc cau hon cho Khoa o Da Lat, bi mat nhe dung noi cho ai het. Ba mai di duoc khong, tui dat phong roi.'),
        'ca_nhan', audience='ngoai', notes='hard-negative;bi-mat;no-diacritics;personal-mailbox')

    sl = [('BẢO VỆ BÍ MẬT NHÀ NƯỚC TRONG CƠ QUAN, ĐƠN VỊ', ['Báo cáo viên: Ths. Hồ Quang Trung', 'Hội trường TTTL - 26/6/2024']),
          ('1. Khái niệm bí mật nhà nước', ['Luật số 29/2018/QH14', 'Ba độ mật: Tuyệt mật, Tối mật, Mật', 'Dấu chỉ độ mật đóng ở đầu văn bản']),
          ('2. Các hành vi bị nghiêm cấm', ['Gửi tài liệu mật qua email công vụ, Zalo', 'Sao chụp trái phép', 'Mang tài liệu mật ra khỏi cơ quan']),
          ('3. Tình huống thực tế', ['Gửi nhầm tài liệu mật vào hộp thư cá nhân', 'Cách xử lý khi phát hiện lộ lọt'])]
    a = A('Slide tap huan BVBMNN.pptx', pptx_slides(sl), 'tai_lieu_hop')
    add(mail('outlook', HCTH, [P('Toàn thể viên chức TTTL', 'all.tttl')], 'Tài liệu buổi tập huấn ngày 26/6', '2024-06-25 16:10', body='Phòng HC-TH gửi slide bài giảng để các anh chị nghiên cứu trước buổi tập huấn sáng mai.', atts=[a]),
        'tai_lieu_hop', audience='noi_bo', atts=[a], notes='hard-negative;topic-bi-mat-nha-nuoc;pptx;levels-named-in-text')

    d = Doc(so='23/BC-TTTL', heading='BÁO CÁO', trich='Kết quả tự kiểm tra công tác bảo vệ bí mật nhà nước năm 2024',
            date='Thành phố Hồ Chí Minh, ngày 16 tháng 12 năm 2024', kinh_gui=['Sở Văn hóa và Thể thao'],
            paras=['Trung tâm đã kiểm tra 100% máy tính của viên chức; không phát hiện tài liệu mật lưu trên máy tính kết nối Internet, không có trường hợp gửi tài liệu mật qua thư điện tử.',
                   'Sổ đăng ký văn bản mật được ghi chép đầy đủ'],
            noi_nhan=['Như trên;', 'Lưu: VT.'], sign=('GIÁM ĐỐC',), name='Trần Hữu Lộc')
    add(mail('zimbra', VANTHU, [VP_SO], 'BC tự kiểm tra công tác BVBMNN năm 2024', '2024-12-16 10:25', body=d.text()),
        'bao_cao', audience='so', doc='23/BC-TTTL', notes='hard-negative;topic-bi-mat-nha-nuoc;formal-layout-in-body')

    add(mail('gmail', PHUC, [P('Toàn thể viên chức TTTL', 'all.tttl')], 'Mật khẩu wifi mới phòng họp', '2024-10-01 08:02',
             body='Từ hôm nay wifi TTTL-HOP đổi mật khẩu: Tttl@2024#hop\nWifi khách: TTTL-Guest / khach2024\nPhúc'),
        'tai_lieu_cong_viec', audience='noi_bo', notes='hard-negative;mat-khau;very-short')

    add(mail('gmail', NGOC, [HA, TRANG, PHUC], 'Trò chơi mật thư team building Vũng Tàu', '2024-08-06 15:40',
             body='Mọi người ơi, Đoàn thanh niên phân công: Hà soạn 5 mật thư (dùng mật mã Morse và mật mã Caesar), Trang lo bản đồ trạm, Phúc lo loa. Chiều thứ 5 họp nhóm 15 phút ở phòng Triển lãm nha.'),
        'tai_lieu_cong_viec', audience='noi_bo', notes='hard-negative;mat-thu;logistics')

    rows = [['SỔ ĐĂNG KÝ VĂN BẢN ĐI - THÁNG 6/2024'], ['Số, ký hiệu', 'Ngày', 'Trích yếu', 'Độ mật', 'Độ khẩn', 'Nơi nhận'],
            ['40/TB-TTTL', '03/6/2024', 'Lịch nghỉ lễ', 'Thường', 'Thường', 'Các phòng'], ['212/TTTL-HCTH', '05/6/2024', 'V/v đăng ký gian hàng', 'Thường', 'Thường', 'Sở VHTT'],
            ['41/KH-TTTL', '12/6/2024', 'Tập huấn BVBMNN', 'Thường', 'Thường', 'Các phòng']]
    a = A('So dang ky VB di T6.xlsx', xlsx([('T6', rows)]), 'tai_lieu_cong_viec')
    add(mail('outlook', NHUNG, [THANH], 'Sổ văn bản đi tháng 6', '2024-07-01 08:30', body='Anh Thành, em gửi sổ đăng ký văn bản đi tháng 6 để anh đối chiếu.' + SIG_NHUNG, atts=[a]),
        'tai_lieu_cong_viec', audience='noi_bo', atts=[a], notes='hard-negative;xlsx;do-mat-column-header;doc-numbers-in-cells')

    d = Doc(so='97/TTTL-HCTH', vv='V/v bảo vệ hồ sơ đề án', mat='MẬT', date='Thành phố Hồ Chí Minh, ngày 11 tháng 4 năm 2024', kinh_gui=['Các phòng, bộ phận'],
            paras=['Đề nghị các phòng không sao chụp hồ sơ đề án mở rộng nhà triển lãm.'], noi_nhan=['Lưu: VT.'], sign=('GIÁM ĐỐC',), name='Trần Hữu Lộc')
    a = A('scan_0412.png', soffice_convert(d.docx(), 'docx', 'png'), 'khong_xac_dinh')  # page rendered to an image: the stamp exists only as pixels
    add(mail('apple', KHOA, [THANH], 'scan', '2024-04-12 17:22', body='Gửi anh bản scan\n' + IPHONE, atts=[a]),
        'khong_xac_dinh', audience='noi_bo', atts=[a], notes='hard-negative;image-only;stamp-only-as-image')

    d = Doc(so='289/TTTL-HCTH', vv='V/v triển khai Luật Bảo vệ bí mật nhà nước',
            date='Thành phố Hồ Chí Minh, ngày 19 tháng 3 năm 2024', kinh_gui=['Trưởng các phòng, bộ phận'],
            paras=['Thực hiện Luật Bảo vệ bí mật nhà nước số 29/2018/QH14 và Thông tư số 24/2020/TT-BCA ngày 10 tháng 3 năm 2020 của Bộ Công an, Ban Giám đốc đề nghị các phòng rà soát tài liệu, lập danh mục tài liệu cần đóng dấu độ mật, gửi về Phòng HC-TH trước ngày 29/3/2024'],
            noi_nhan=['Như trên;', 'Lưu: VT, HCTH.'], sign=('KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC'), name='Lê Văn Khải')
    a = A('CV 289 trien khai luat BVBMNN.docx', d.docx(), 'cong_van')
    add(mail('outlook', VANTHU, [PTL, PTT, BPKT], 'V/v triển khai Luật Bảo vệ bí mật nhà nước', '2024-03-19 14:45', body='Văn thư gửi công văn số 289/TTTL-HCTH.', atts=[a]),
        'cong_van', audience='noi_bo', doc='289/TTTL-HCTH', atts=[a], notes='hard-negative;topic-bi-mat-nha-nuoc;normative-refs;docx')

    add(mail('gmail', G('Báo Tuổi Trẻ', 'newsletter.tuoitre'), [G('Võ Minh Tâm', 'tamvo.minh')], 'Bí mật của giấc ngủ ngon: 7 thói quen', '2024-02-18 06:30',
             html='<html><body><h2>Bí mật của giấc ngủ ngon</h2><p>Ngủ đủ 7-8 tiếng, tránh màn hình điện thoại 1 giờ trước khi ngủ...</p><p><a href="https://tuoitre.vn">Đọc tiếp</a></p><p style="font-size:10px">Bạn nhận thư này vì đã đăng ký bản tin. Hủy đăng ký.</p></body></html>'),
        'ca_nhan', audience='ngoai', notes='hard-negative;newsletter;bi-mat;html-only;personal-mailbox')
