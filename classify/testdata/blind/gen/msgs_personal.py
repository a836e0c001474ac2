# Personal (ca_nhan) mail: family, favours, shopping, trips, clubs; some through the city mailbox
from common import *

def build():
    add(mail('gmail', G('Nguyễn Văn Thành', 'thanh.nv84'), [G('Mẹ', 'bangoc.hoa1958')], 'Con gửi mẹ hình bé Na', '2024-06-02 20:11',
             body='Mẹ ơi,\nCon gửi mẹ mấy tấm hình bé Na đi học bơi hôm chủ nhật. Tuần sau tụi con về Bến Tre, mẹ đừng nấu nhiều nha.\nCon Thành',
             inline=[('IMG_2031.jpg', jpeg_stub(2031), 'ii_lx1'), ('IMG_2032.jpg', jpeg_stub(2032), 'ii_lx2')]),
        'ca_nhan', audience='ngoai', notes='easy;family;inline-images;personal-mailbox')

    add(mail('outlook', THANH, [G('Vợ', 'thuylinh.pham86')], 'chiều nay', '2024-06-05 15:47',
             body='Em ơi chiều nay anh họp trễ, em đón con giúp anh nha. Nhớ mua sữa cho bé.\nA.'),
        'ca_nhan', audience='ngoai', notes='medium;personal-use-of-city-mailbox;very-short')

    add(mail('gmail', G('Huy Phạm', 'huypham.photo'), [G('Tuấn', 'tuan.le.9x')], 'ban xe wave 2019', '2024-07-14 10:22',
             body='Tuan oi\nTao ban con Wave RSX 2019 mau do, di 23 ngan km, giay to chinh chu, gia 14tr5 co thuong luong. Xe de o nha, chieu thu 7 qua xem duoc.\nSdt 0932 118 406'),
        'ca_nhan', audience='ngoai', notes='easy;no-diacritics;selling')

    add(mail('zimbra', HA, [NGOC], 'Thông báo: quán cơm mới dưới đường Lê Thánh Tôn', '2024-04-09 11:28',
             body='Thông báo khẩn cấp 😂: quán cơm gà Hải Nam mới mở ngay đầu hẻm, giảm 20% tuần đầu. Trưa nay đi không Ngọc?'),
        'ca_nhan', audience='noi_bo', notes='hard;thong-bao-word-joke;personal-use-of-city-mailbox')

    # forwarded school giấy mời
    gm = ('TRƯỜNG TIỂU HỌC LÊ NGỌC HÂN\n\nGIẤY MỜI HỌP PHỤ HUYNH HỌC SINH\n\nKính mời: Phụ huynh em Nguyễn Ngọc Bảo Na, lớp 2/4\n'
          'Thời gian: 7 giờ 30 ngày Chủ nhật 22/9/2024\nĐịa điểm: Phòng học lớp 2/4\nNội dung: Triển khai kế hoạch năm học 2024-2025, bầu Ban đại diện cha mẹ học sinh.\n\nGVCN: Trần Thị Yến\n')
    add(mail('gmail', G('Phạm Thùy Linh', 'thuylinh.pham86'), [G('Nguyễn Văn Thành', 'thanh.nv84')], 'Fwd: Giấy mời họp phụ huynh lớp 2/4', '2024-09-17 19:05',
             body='Anh đi họp giùm em nha, hôm đó em trực.\n\n' + fwd_header('gmail', ('GVCN 2/4', 'yentran.lnh@gmail.com'), 'Tue, Sep 17, 2024 at 5:30 PM', [('', 'thuylinh.pham86@gmail.com')], 'Giấy mời họp phụ huynh lớp 2/4') + gm),
        'ca_nhan', audience='ngoai', notes='hard;forwarded-school-giay-moi;giay-moi-heading')

    rows = [['CHI TIÊU GIA ĐÌNH THÁNG 8/2024'], ['Ngày', 'Khoản', 'Số tiền', 'Ghi chú'], ['01/8', 'Tiền nhà', 7500000, ''], ['03/8', 'Điện nước', 1284000, ''],
            ['05/8', 'Học phí bé Na', 3200000, 'HK1'], ['12/8', 'Đi chợ', 2150000, 'Co.op'], ['20/8', 'Xăng', 640000, ''], ['', 'Tổng', 14774000, '']]
    a = A('chi tieu T8.xlsx', xlsx([('T8', rows)]), 'ca_nhan')
    add(mail('outlook', THANH, [G('Phạm Thùy Linh', 'thuylinh.pham86')], 'file chi tiêu tháng 8', '2024-09-01 12:10', body='Em xem file chi tiêu tháng 8, tháng này lố hơn 2 triệu.', atts=[a]),
        'ca_nhan', audience='ngoai', atts=[a], notes='hard;xlsx;personal-expense-sheet;personal-use-of-city-mailbox')

    add(mail('yahoo', Y('Đặng Thu Hà', 'thuha_dang'), [Y('Hội bạn Cấp 3', 'lopa1_nk2005'), G('Minh', 'minhtran.a1')], 'Mời cả lớp dự đám cưới Hà - Phong', '2024-10-20 21:00',
             body='Các bạn thân mến,\nHà trân trọng mời cả lớp đến dự tiệc cưới của Hà và Phong vào 18h00 thứ Bảy 09/11/2024 tại Trung tâm tiệc cưới White Palace, Phạm Văn Đồng.\nNhớ xác nhận để Hà đặt bàn nha!\nHà', alt=True),
        'ca_nhan', audience='ngoai', notes='medium;wedding;moi-word;multipart-alternative')

    add(mail('gmail', G('CLB Cầu lông Quận 3', 'clbcaulongq3'), [G('Võ Minh Tâm', 'tamvo.minh'), G('Khoa Mai', 'khoamai88'), G('Hùng', 'hungng.badminton')], 'THÔNG BÁO thu quỹ quý 4 và lịch thi đấu giao hữu', '2024-10-02 07:30',
             body='THÔNG BÁO\nCLB thu quỹ quý 4: 450.000đ/người, hạn chót 10/10.\nLịch giao hữu với CLB Phú Nhuận: 19h thứ Năm 17/10 tại nhà thi đấu Kỳ Hòa.\nBan chủ nhiệm'),
        'ca_nhan', audience='ngoai', notes='hard;sport-club;thong-bao-heading-personal')

    add(mail('apple', G('Trang Châu', 'trangchau.95'), [G('Mẹ', 'me.chau1968')], nfd('Con về tới Đà Lạt rồi'), '2024-12-24 18:44',
             body='Mẹ ơi con tới Đà Lạt rồi, trời lạnh 14 độ. Homestay đẹp lắm, mai con đi hồ Tuyền Lâm. Mẹ giữ sức khoẻ nha.' + IPHONE, form='nfd', subj_style='Q'),
        'ca_nhan', audience='ngoai', notes='medium;trip;nfd;iphone')

    add(mail('outlook', KHOA, [DINH], 'nhờ anh chút', '2024-03-27 16:02',
             body='Anh Định ơi, tối nay anh chở em ghé tiệm sửa xe trên Nguyễn Thị Minh Khai được không, xe em thủng bánh để ở cơ quan. Em bao cà phê.\nKhoa'),
        'ca_nhan', audience='noi_bo', notes='medium;favour;personal-use-of-city-mailbox')

    add(mail('gmail', G('Shopee', 'info.shopee.vn'), [G('Ngọc Huỳnh', 'ngochuynh.bao')], 'Đơn hàng #240915KJ2X đã được giao thành công', '2024-09-15 14:05',
             html='<html><body><table width="600"><tr><td><h3>Đơn hàng đã giao thành công</h3><p>Mã đơn: 240915KJ2X</p><p>Nồi chiên không dầu Lock&amp;Lock 5.2L - 1.390.000đ</p><p>Vui lòng xác nhận đã nhận hàng trước 22/09/2024.</p></td></tr></table></body></html>'),
        'ca_nhan', audience='ngoai', notes='medium;shopping;html-only')

    add(mail('outlook', TRANG, [HA, NGOC, OANH], 'Báo cáo tình hình ăn uống team mình 😁', '2024-05-31 17:20',
             body='Báo cáo: tháng 5 team mình đã tiêu 1.840.000đ trà sữa. Kế hoạch tháng 6: giảm 50%. Ai phản đối bấm nút like.'),
        'ca_nhan', audience='noi_bo', notes='hard;bao-cao-word-joke;ke-hoach-word;personal-use-of-city-mailbox')

    add(mail('thunderbird', G('Định Trương', 'dinhtruong.cong'), [G('Anh Hai', 'truongconghau70')], 'Ke hoach ve que giap Tet', '2025-01-08 22:15',
             body='Anh Hai,\nKe hoach nha em: 25 Tet di xe dem ve Quy Nhon, mung 4 ra lai. Anh nho dat ve tau cho ba me luon, con 2 ghe thi nhan em.\nEm Dinh'),
        'ca_nhan', audience='ngoai', notes='hard;ke-hoach-word;no-diacritics;family')

    art = ('Giá vàng hôm nay 12/6: vàng miếng SJC giảm 500.000 đồng/lượng\n\nSáng 12/6, giá vàng miếng SJC được niêm yết ở mức 76,98 triệu đồng/lượng (mua vào) và 78,98 triệu đồng/lượng (bán ra)...\n'
           'Nguồn: https://vnexpress.net/gia-vang-hom-nay-12-6-4757581.html')
    add(mail('gmail', G('Oanh Lý', 'oanhly.kt'), [G('Chồng', 'dungtran.ly79')], 'Fwd: Giá vàng hôm nay', '2024-06-12 09:40', body='anh coi nè, có nên mua không\n\n' + art),
        'ca_nhan', audience='ngoai', notes='easy;forwarded-article')

    add(mail('zimbra', OANH, [THUY], 'chị ơi', '2024-08-14 14:40', body='Chị ơi cuối tuần chị có đi chùa Bà Thiên Hậu không, cho em đi với. Em mua nhang rồi.'),
        'ca_nhan', audience='noi_bo', notes='medium;personal-use-of-city-mailbox;very-short')

    add(mail('gmail', G('Trường Mầm non Hoa Sen', 'mnhoasen.q3'), [G('Phụ huynh', 'phuhuynh.la2')], 'Thông báo nghỉ học và kế hoạch dã ngoại tháng 11', '2024-10-28 16:00',
             body='Kính gửi Quý phụ huynh,\nNhà trường thông báo: các bé nghỉ học ngày 20/11. Kế hoạch dã ngoại Thảo Cầm Viên dự kiến 29/11, phí 180.000đ/bé, phụ huynh đóng tại lớp trước 25/11.\nTrân trọng.'),
        'ca_nhan', audience='ngoai', notes='hard;child-school;thong-bao-word;ke-hoach-word')

    add(mail('outlook', HUY, [G('Huy Phạm', 'huypham.photo')], 'hinh cuoi', '2024-11-10 21:02',
             body='gui file hinh cuoi ve mail rieng', atts=[A('album cuoi Tuan - Vy.zip', zip_files([('DSC_%04d.jpg' % k, jpeg_stub(k)) for k in range(3)]), 'ca_nhan')]),
        'ca_nhan', audience='ngoai', atts=[A('album cuoi Tuan - Vy.zip', b'', 'ca_nhan')], notes='hard;zip-of-photos;personal-use-of-city-mailbox;no-diacritics')

    add(mail('gmail', G('Vietnam Airlines', 'noreply.booking.vna'), [G('Nguyễn Văn Thành', 'thanh.nv84')], 'Xác nhận đặt chỗ - Mã đặt chỗ K7QX2M', '2024-12-02 08:15',
             html='<html><body><p>Kính gửi Quý khách NGUYEN VAN THANH,</p><p>Chuyến bay VN1183 SGN-HPH, 28/12/2024 06:10. Hạng phổ thông. 2 người lớn, 1 trẻ em.</p><p>Tổng tiền: 7.842.000 VND</p></body></html>'),
        'ca_nhan', audience='ngoai', notes='medium;trip;booking;html-only')

    add(mail('gmail', G('Linh Trần', 'mylinh.tran92'), [LINH], 'fw: cong thuc banh flan', '2024-04-22 20:30',
             body='Gui vo mail co quan cho de mo may tinh in ra nha:\n- 6 trung ga, 400ml sua tuoi, 100g duong\n- Hap 25 phut lua nho\nLinh'),
        'ca_nhan', audience='noi_bo', notes='medium;no-diacritics;to-city-mailbox-from-personal')

    add(mail('thunderbird', VINH, [KHOA, HUY, PHUC, DINH], 'Mời anh em nhậu mừng con đầy tháng', '2024-07-25 10:18',
             body='Anh em ơi, thứ 7 này 27/7 nhà mình làm đầy tháng cho thằng cu, mời anh em 5h chiều qua nhà (hẻm 182 Lê Văn Sỹ). Không cần quà cáp nha.\nVinh'),
        'ca_nhan', audience='noi_bo', notes='hard;moi-word;personal-use-of-city-mailbox')

    add(mail('yahoo', Y('Bác Sáu', 'sau_nguyen1950'), [G('Thành', 'thanh.nv84')], 'Thong bao gia dinh', '2024-03-15 06:45',
             body='Thong bao: dam gio ong noi vao ngay 12 thang 3 am lich (chu nhat 21/4), ca nha tap trung o Ben Tre luc 9 gio sang. Chau bao cho cac em biet.\nBac Sau'),
        'ca_nhan', audience='ngoai', notes='hard;thong-bao-word;no-diacritics;family')

    add(mail('gmail', G('Nhóm chạy bộ Sài Gòn Runners', 'sgrunners.club'), [G('Phúc Ngô', 'phucngo.it')], 'Newsletter tháng 9: giải Marathon Quốc tế TP.HCM', '2024-09-03 05:00',
             html='<html><body><h1>SG Runners - Bản tin tháng 9</h1><p>Giải HCMC Marathon 2025 mở đăng ký ngày 15/9, giảm 15% cho hội viên.</p><ul><li>Chạy nhóm sáng thứ 7 tại Thảo Cầm Viên</li><li>Kế hoạch tập luyện 16 tuần cho cự ly 21km</li></ul></body></html>', alt=False),
        'ca_nhan', audience='ngoai', notes='medium;newsletter;html-only;ke-hoach-word')

    add(mail('outlook_web', G('Mai Khoa', 'khoamai88'), [O('Phòng khám Nha khoa Sài Gòn Smile', 'lichhen.saigonsmile')], 'Đặt lịch nhổ răng khôn', '2024-05-06 13:00',
             body='Chào phòng khám, tôi muốn đặt lịch nhổ răng khôn vào chiều thứ 7 11/5. Tên: Mai Đăng Khoa, SĐT 0977 215 830.\nCảm ơn.'),
        'ca_nhan', audience='ngoai', notes='easy;appointment')

    add(mail('apple', NGOC, [HA], nfd('Re: váy'), '2024-11-01 22:13',
             body='Váy đẹp á chị, size M vừa em luôn. Mai em mang tiền lên trả chị 650k nha 😘' + IPHONE, form='nfd', subj_style='Q',),
        'ca_nhan', audience='noi_bo', notes='medium;nfd;personal-use-of-city-mailbox;iphone')

    add(mail('gmail', G('Quang Vinh Trịnh', 'vinhtq.1985'), [G('Bảo hiểm Manulife', 'cskh.manulife.vn')], 'Yêu cầu bồi thường hợp đồng 2791834', '2024-08-30 10:00',
             body='Kính gửi Manulife,\nTôi gửi hồ sơ yêu cầu bồi thường nằm viện cho con tôi (Trịnh Gia Bảo) từ 20/8 đến 24/8/2024 tại BV Nhi Đồng 2. Hồ sơ gồm giấy ra viện và hóa đơn.\nTrân trọng,\nTrịnh Quang Vinh',
             atts=[A('giay ra vien.pdf', pdf_blocks([('p', 'BỆNH VIỆN NHI ĐỒNG 2', 'cb'), ('p', 'GIẤY RA VIỆN', 'cbH'), ('p', 'Họ tên người bệnh: Trịnh Gia Bảo - 6 tuổi', ''), ('p', 'Vào viện: 20/8/2024 - Ra viện: 24/8/2024', ''), ('p', 'Chẩn đoán: Viêm phổi', '')]), 'ca_nhan')]),
        'ca_nhan', audience='ngoai', atts=[A('giay ra vien.pdf', b'', 'ca_nhan')], notes='medium;pdf;insurance')

    add(mail('outlook', THUY, [P('Toàn thể viên chức TTTL', 'all.tttl')], 'Chia buồn', '2024-10-09 08:05',
             body='Kính gửi các anh chị,\nThân phụ của anh Trương Công Định (Phòng HC-TH) vừa từ trần, lễ an táng ngày 11/10/2024 tại Quy Nhơn. Công đoàn sẽ đại diện viếng, anh chị nào muốn gửi phúng điếu vui lòng gửi chị Thủy trước 15h hôm nay.\nĐoàn Thị Thủy'),
        'ca_nhan', audience='noi_bo', notes='hard;union-condolence;borderline-work;personal-use-of-city-mailbox')

    add(mail('gmail', G('Hòa Phát Land', 'sales.hpl.vn'), [G('Võ Minh Tâm', 'tamvo.minh')], 'Mời anh tham quan nhà mẫu The Sol City', '2024-04-03 09:00',
             html='<html><body><p>Kính mời anh Tâm đến tham quan nhà mẫu vào cuối tuần này, tặng voucher 2 triệu đồng.</p><p>Hotline: 0909 000 182</p></body></html>'),
        'ca_nhan', audience='ngoai', notes='hard;commercial-invitation;moi-word;html-only')

    add(mail('outlook', LINH, [G('Hương', 'huongnguyen.bds')], 'Re: hỏi thuê căn hộ', '2024-02-26 12:35',
             body='Chị Hương ơi, căn 2PN ở Quận 7 giá 11 triệu còn không chị, em muốn xem vào chiều thứ Bảy.\nLinh\n\n> Căn hộ 2PN Sunrise City còn trống, giá 11tr/tháng, cọc 2 tháng.'),
        'ca_nhan', audience='ngoai', notes='medium;housing;quoted-reply;personal-use-of-city-mailbox')

    add(mail('gmail', G('Hội đồng hương Quảng Ngãi', 'dhquangngai.hcm'), [G('Phúc Ngô', 'phucngo.it'), G('Trang', 'trangchau.95')], 'Giấy mời họp mặt đồng hương Xuân Ất Tỵ 2025', '2025-01-12 15:20',
             body='BAN LIÊN LẠC ĐỒNG HƯƠNG QUẢNG NGÃI TẠI TP.HCM\n\nGIẤY MỜI\n\nTrân trọng kính mời anh/chị đến dự họp mặt đồng hương mừng Xuân Ất Tỵ 2025.\nThời gian: 8h00 Chủ nhật 02/02/2025\nĐịa điểm: Nhà hàng Đông Phương, Quận 11\nBan liên lạc'),
        'ca_nhan', audience='ngoai', notes='hard;private-association-giay-moi;giay-moi-heading')

    add(mail('gmail', G('Thành', 'thanh.nv84'), [G('Hội bạn cấp 3', 'lopa1_nk2005')], 'bao cao quy lop 2024', '2025-01-03 21:40',
             body='Bao cao quy lop nam 2024:\n- Ton dau nam: 8.200.000\n- Thu: 24 ban x 500k = 12.000.000\n- Chi: tham co Tam om 2.000.000, hop lop 14.350.000\n- Con: 3.850.000\nAi can sao ke thi nhan minh.'),
        'ca_nhan', audience='ngoai', notes='hard;bao-cao-word;no-diacritics;class-fund')

    add(mail('gmail', G('Duolingo', 'hello.duolingo'), [G('Ngọc Huỳnh', 'ngochuynh.bao')], 'Bạn đã bỏ lỡ bài học hôm nay 🦉', '2024-05-14 19:00',
             html='<html><body><p>Chuỗi 143 ngày của bạn đang gặp nguy hiểm!</p><p>Chỉ cần 5 phút để giữ chuỗi.</p></body></html>', extra=['List-Unsubscribe: <mailto:unsubscribe@duolingo.com>']),
        'ca_nhan', audience='ngoai', notes='medium;app-newsletter;html-only')

    add(mail('outlook', PHUC, [G('Phúc Ngô', 'phucngo.it')], 'CV xin viec', '2024-09-25 17:55',
             body='tu gui',
             atts=[A('CV Ngo Hoang Phuc 2024.pdf', pdf_blocks([('p', 'NGÔ HOÀNG PHÚC', 'cbH'), ('p', 'Chuyên viên Công nghệ thông tin', 'c'), ('p', 'Kinh nghiệm: 2019-nay: Trung tâm Thông tin Triển lãm - quản trị hệ thống', ''), ('p', 'Kỹ năng: Linux, Windows Server, mạng LAN', '')]), 'ca_nhan')]),
        'ca_nhan', audience='ngoai', atts=[A('CV Ngo Hoang Phuc 2024.pdf', b'', 'ca_nhan')], notes='hard;pdf;own-cv;personal-use-of-city-mailbox;very-short')
