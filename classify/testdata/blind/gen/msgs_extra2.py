# Extra cases II: raw 8-bit headers, pptx, ics, undisclosed recipients, more urgency and archive cases
from common import *

PGD = ('KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC')

def build():
    # raw 8-bit UTF-8 headers (unencoded Subject / display names), as some webmail/MTA paths leave them
    add(mail('plain', P('Phạm Quốc Huy', 'pqhuy.tttl'), [P('Võ Minh Tâm', 'vmtam.tttl')], 'Gửi anh bảng kê vật tư lắp dựng khu C', '2024-08-23 18:30',
             body='Anh Tâm, bảng kê vật tư khu C còn thiếu 12 tấm vách và 30m thảm, em đã báo Ánh Dương bổ sung sáng mai.\nHuy', subj_style='raw', addr_style='raw', cte='8bit'),
        'tai_lieu_cong_viec', audience='noi_bo', notes='hard;raw-8bit-headers;8bit-body')

    d = Doc(so='29/GM-TTTL', heading='GIẤY MỜI', trich='Họp Ban Tổ chức Hội chợ sách mùa thu', date='Thành phố Hồ Chí Minh, ngày 10 tháng 9 năm 2024', kinh_gui=['Các thành viên Ban Tổ chức'],
            paras=['Kính mời các thành viên Ban Tổ chức dự họp lúc 14 giờ 00 ngày 12/9/2024 tại Phòng họp tầng 2.', 'Nội dung: thống nhất sơ đồ gian hàng và kế hoạch truyền thông'], noi_nhan=['Như trên;', 'Lưu: VT.'], sign=PGD, name='Lê Văn Khải')
    add(mail('plain', P('Văn thư TTTL', 'vanthu.tttl'), [P('Ban Tổ chức Hội chợ sách', 'btc.hoichosach.tttl')], 'Giấy mời họp Ban Tổ chức Hội chợ sách mùa thu', '2024-09-10 08:20', body=d.text(), subj_style='raw', addr_style='raw', cte='8bit'),
        'giay_moi', audience='noi_bo', doc='29/GM-TTTL', notes='hard;raw-8bit-headers;formal-layout-in-body')

    add(mail('plain', G('Lê Hồng Nhung', 'nhungle.hong'), [G('Chị Hai', 'lethimai.1980')], 'Chị ơi mai đi chợ Bến Thành không', '2024-04-13 21:05',
             body='Chị ơi mai chủ nhật đi chợ Bến Thành mua vải may áo dài cho đám cưới bé Thảo không chị. Em qua đón lúc 8h.', subj_style='raw', addr_style='raw', cte='8bit'),
        'ca_nhan', audience='ngoai', notes='medium;raw-8bit-headers;family;wedding')

    # undisclosed recipients (Bcc only) -> audience unknown
    add(mail('outlook', HCTH, None, 'Thư mời tham dự Ngày hội Gia đình TTTL 2024', '2024-06-20 10:00',
             body='Phòng HC-TH trân trọng kính mời Quý anh chị và gia đình tham dự Ngày hội Gia đình TTTL lúc 8h00 Chủ nhật 30/6/2024 tại Công viên Tao Đàn.\nVui lòng đăng ký số người trước 26/6.'),
        'giay_moi', audience='unknown', notes='hard;undisclosed-recipients;body-only-invitation')

    add(mail('gmail', ('Bản tin Sở Văn hóa và Thể thao', 'bantin.svhtt@gmail.com'), None, 'Bản tin Văn hóa - Thể thao tuần 41', '2024-10-12 07:00',
             html='<div dir="ltr"><h2>Bản tin tuần 41</h2><ul><li>Khai mạc Liên hoan phim ngắn TP.HCM</li><li>Giải chạy Vì an toàn giao thông</li></ul><p>Bạn nhận bản tin vì đã đăng ký.</p></div>'),
        'ca_nhan', audience='unknown', notes='hard;undisclosed-recipients;newsletter;html-only')

    d = Doc(so='50/TB-TTTL', heading='THÔNG BÁO', trich='Thay đổi số điện thoại đường dây nóng', date='Thành phố Hồ Chí Minh, ngày 02 tháng 12 năm 2024',
            paras=['Từ ngày 05/12/2024, đường dây nóng của Trung tâm đổi thành 028 3829 7790.'], noi_nhan=['Các cơ quan, đơn vị;', 'Lưu: VT.'], sign=PGD, name='Lê Văn Khải')
    add(mail('zimbra', HCTH, None, 'Thông báo thay đổi số điện thoại đường dây nóng', '2024-12-02 10:30', body=d.text()),
        'thong_bao', audience='ngoai', doc='50/TB-TTTL', notes='hard;undisclosed-recipients;addressee-from-noi-nhan')

    # pptx
    sl = [('KẾT QUẢ KHẢO SÁT HÀI LÒNG 2024', ['600 phiếu hợp lệ']), ('Chỉ số', ['Hài lòng chung: 87%', 'Vệ sinh: 91%', 'Thuyết minh: 78%']), ('Đề xuất', ['Tăng thuyết minh tiếng Anh', 'Bổ sung ghế nghỉ'])]
    a = A('KQ khao sat hai long 2024.pptx', pptx_slides(sl), 'tai_lieu_hop')
    add(mail('thunderbird', TRANG, [P('Ban Giám đốc TTTL', 'bgd.tttl'), DINH], 'Slide kết quả khảo sát để trình bày tại giao ban', '2025-01-12 20:10', body='Em gửi slide, sáng thứ Hai em trình bày 10 phút ở giao ban.\nTrang', atts=[a]),
        'tai_lieu_hop', audience='noi_bo', atts=[a], notes='medium;pptx;rfc2231-filename')

    sl = [('THIẾT KẾ NHẬN DIỆN TRIỂN LÃM XUÂN', ['Phương án 1 và 2']), ('Phương án 1', ['Tông đỏ - vàng', 'Hoa mai cách điệu']), ('Phương án 2', ['Tông xanh ngọc', 'Họa tiết gốm Biên Hòa'])]
    a = A('Nhan dien Xuan 2025 - 2 phuong an.pptx', pptx_slides(sl), 'tai_lieu_cong_viec')
    add(mail('gmail', G('Nguyễn Hải Design', 'hainguyen.design'), [TAM, NGOC], 'Gửi 2 phương án nhận diện', '2024-12-05 22:40', body='Chào anh Tâm, chị Ngọc,\nMình gửi 2 phương án nhận diện, anh chị chọn giúp để mình triển khai file in.\nHải', atts=[a]),
        'tai_lieu_cong_viec', audience='noi_bo', atts=[a], notes='medium;pptx;design-for-comment;inbound-external')

    # ics with windows-style organizer from the Sở
    ic = ics('Giao ban trực tuyến các đơn vị sự nghiệp', '20240806T080000', '20240806T093000', 'Phòng họp trực tuyến Sở', ('Văn phòng Sở', 'vanphong.svhtt@tphcm.gov.vn'), [VANTHU, P('', 'vanthu.btmythuat@tphcm.gov.vn')], 'Kính mời Thủ trưởng đơn vị tham dự', uid='svhtt-0806')
    add(cal_mail('outlook', VP_SO, [VANTHU, P('Văn thư Bảo tàng Mỹ thuật', 'vanthu.btmythuat')], 'Giao ban trực tuyến các đơn vị sự nghiệp', '2024-08-02 15:00', 'Văn phòng Sở kính mời Thủ trưởng các đơn vị dự giao ban trực tuyến.', ic),
        'giay_moi', audience='ngoai', atts=[A('invite.ics', b'', 'giay_moi')], notes='medium;calendar-request;inbound-from-so')

    # encrypted zip of meeting pack, password in body: still unreadable
    ez = enc_zip([('Tai lieu hop.docx', docx([('p', 'TÀI LIỆU HỌP', 'cbH')]))], 'tttl2024')
    add(mail('zimbra', HA, [TAM, THANH], 'Tài liệu họp (có mật khẩu)', '2024-12-12 08:00', body='Mật khẩu giải nén: tttl2024', atts=[A('Tai lieu hop 13-12.zip', ez, 'khong_xac_dinh')]),
        'khong_xac_dinh', audience='noi_bo', atts=[A('Tai lieu hop 13-12.zip', b'', 'khong_xac_dinh')], notes='hard;encrypted-zip;password-in-body;mat-khau')

    import random as _r
    rr = _r.Random(77)
    sz = b"7z\xbc\xaf'\x1c\x00\x04" + bytes(rr.randrange(256) for _ in range(1500))
    add(mail('gmail', G('Minh Khang', 'khang.minh.ad'), [PHUC], 'data', '2024-09-27 23:10', body='', atts=[A('data_0927.7z', sz, 'khong_xac_dinh')]),
        'khong_xac_dinh', audience='noi_bo', atts=[A('data_0927.7z', b'', 'khong_xac_dinh')], notes='hard;unknown-archive;7z;empty-body')

    # THƯỢNG KHẨN công văn in docx from the Sở, forwarded by staff
    d = Doc(issuer=SVHTT, so='3562/SVHTT-VP', vv='V/v khắc phục sự cố sau bão số 9', khan='THƯỢNG KHẨN', date='Thành phố Hồ Chí Minh, ngày 26 tháng 11 năm 2024', kinh_gui=['Thủ trưởng các đơn vị trực thuộc Sở'],
            paras=['Sở đề nghị các đơn vị khẩn trương kiểm tra cây xanh, bảng quảng cáo, mái che; báo cáo thiệt hại về Văn phòng Sở trước 10 giờ ngày 27/11/2024'], noi_nhan=['Như trên;', 'Lưu: VT, VP.'], sign=('KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC'), name='Phạm Đình Nguyên')
    a = A('3562-SVHTT-VP thuong khan.docx', d.docx(), 'cong_van')
    add(mail('outlook', THANH, [KHOA, VINH], 'TL: V/v khắc phục sự cố sau bão', '2024-11-26 17:05', body='Khoa, Vinh kiểm tra ngay mái che sân trước và bảng quảng cáo, báo anh trước 8h sáng mai.\n' + SIG_THANH, atts=[a]),
        'cong_van', 'none', 'thuong_khan', audience='noi_bo', doc='3562/SVHTT-VP', atts=[a], notes='hard;docx;thuong-khan-stamp;forwarded-so-document;khan-truong-in-text')

    # secret stamp in odt attached inside an .eml (nested twice)
    d = Doc(so='16/BC-TTTL', heading='BÁO CÁO', trich='Vụ việc mất tài sản tại kho Phòng Triển lãm', mat='MẬT', date='Thành phố Hồ Chí Minh, ngày 30 tháng 12 năm 2024', kinh_gui=['Thanh tra Sở Văn hóa và Thể thao'],
            paras=['Ngày 27/12/2024, Tổ kiểm kê phát hiện thiếu 01 máy ảnh Canon EOS 80D (mã TS-0318). Trung tâm đã báo Công an phường Bến Nghé.'], noi_nhan=['Như trên;', 'Lưu: VT.'], name='Trần Hữu Lộc')
    inner = mail('thunderbird', VANTHU, [P('Thanh tra Sở VHTT', 'thanhtra.svhtt')], 'BC vụ việc mất tài sản', '2024-12-30 10:00', body='Trung tâm gửi báo cáo.', atts=[A('BC 16.odt', d.odt(), 'bao_cao')])
    a = E('BC vu viec mat tai san.eml', inner, 'bao_cao')
    add(mail('zimbra', THANH, [OANH], 'Fwd: BC vụ việc mất tài sản', '2024-12-30 10:20', body='Oanh lưu hồ sơ kiểm kê.', atts=[a]),
        'bao_cao', 'mat', audience='noi_bo', doc='16/BC-TTTL', atts=[a], notes='hard;attached-eml;odt-inside-eml;secret-stamp-in-odt')

    # ods title cell MẬT (lich truc) -- duty roster for a protected event
    rows = [['MẬT'], ['LỊCH TRỰC BẢO VỆ ĐOÀN KHÁCH ĐẶC BIỆT 29/6/2024'], ['Giờ', 'Vị trí', 'Người trực'], ['06:00-09:00', 'Cổng B', 'Khoa, Vinh'], ['09:00-12:00', 'Sảnh chính', 'Huy, Tâm']]
    a = A('lich truc 29-6.ods', ods([('Lịch', rows)]), 'lich_cong_tac')
    add(mail('thunderbird', VINH, [KHOA, HUY, TAM], 'lịch trực 29/6', '2024-06-28 21:00', body='Gửi anh em lịch trực ngày mai.\nVinh', atts=[a]),
        'lich_cong_tac', 'mat', audience='noi_bo', atts=[a], notes='hard;ods;secret-in-title-cell;duty-roster')
