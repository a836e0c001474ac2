# Shared helpers: people, mail assembly, registry of labelled messages
from lib import *
from docmodel import Doc, TTTL, TTTL2, SVHTT

REG = []

def P(name, local, dom='tphcm.gov.vn'): return (name, local + '@' + dom)

# --- TTTL staff (invented) ---
THANH = P('Nguyễn Văn Thành', 'nvthanh.tttl')
LINH = P('Trần Thị Mỹ Linh', 'ttmlinh.tttl')
HUY = P('Phạm Quốc Huy', 'pqhuy.tttl')
NHUNG = P('Lê Thị Hồng Nhung', 'lthnhung.tttl')
TAM = P('Võ Minh Tâm', 'vmtam.tttl')
HA = P('Đặng Thu Hà', 'dthha.tttl')
NGOC = P('Huỳnh Bảo Ngọc', 'hbngoc.tttl')
DINH = P('Trương Công Định', 'tcdinh.tttl')
OANH = P('Lý Thị Kim Oanh', 'ltkoanh.tttl')
PHUC = P('Ngô Hoàng Phúc', 'nhphuc.tttl')
THUY = P('Đoàn Thị Thủy', 'dtthuy.tttl')
VINH = P('Trịnh Quang Vinh', 'tqvinh.tttl')
KHOA = P('Mai Đăng Khoa', 'mdkhoa.tttl')
TRANG = P('Châu Ngọc Trang', 'cntrang.tttl')
VANTHU = P('Văn thư TTTL', 'vanthu.tttl')
HCTH = P('Phòng Hành chính - Tổng hợp TTTL', 'hcth.tttl')
PTL = P('Phòng Triển lãm', 'phongtrienlam.tttl')
PTT = P('Phòng Thông tin - Tuyên truyền', 'phongthongtin.tttl')
BPKT = P('Bộ phận Kế toán', 'ketoan.tttl')
# --- Sở ---
VP_SO = P('Văn phòng Sở Văn hóa và Thể thao', 'vanphong.svhtt')
TCCB_SO = P('Phòng Tổ chức cán bộ - Sở VHTT', 'tccb.svhtt')
KHTC_SO = P('Phòng Kế hoạch - Tài chính', 'khtc.svhtt')
QLVH_SO = P('Phòng Quản lý Văn hóa', 'qlvh.svhtt')
DUC_SO = P('Hoàng Minh Đức', 'hmduc.svhtt')
NGA_SO = P('Phan Thị Thúy Nga', 'pttnga.svhtt')
# --- others ---
STTTT = P('Sở Thông tin và Truyền thông', 'stttt')
BTMT = P('Bảo tàng Mỹ thuật', 'btmythuat')
NVHTN = P('Nhà Văn hóa Thanh niên', 'nvhthanhnien')
UBQ3 = P('UBND Quận 3', 'ubndq3')
ANHDUONG = ('Công ty TNHH Sự kiện Ánh Dương', 'kinhdoanh@anhduongevent.vn')
SAOVIET = ('Sao Việt Media', 'contact@saovietmedia.com.vn')
INTECH = ('Hỗ trợ kỹ thuật InTech', 'support@intech-solutions.vn')

def G(name, local): return (name, local + '@gmail.com')
def Y(name, local): return (name, local + '@yahoo.com')
def O(name, local): return (name, local + '@outlook.com')

FNSTYLE = {'gmail': '2047', 'outlook': '2047', 'outlook_web': '2047', 'thunderbird': '2231', 'apple': 'apple', 'mac': 'apple', 'zimbra': '2047', 'yahoo': '2047q', 'plain': '2047'}
TEXTCTE = {'gmail': 'base64', 'outlook': 'quoted-printable', 'outlook_web': 'base64', 'thunderbird': '8bit', 'apple': 'quoted-printable', 'mac': 'quoted-printable', 'zimbra': 'quoted-printable', 'yahoo': 'quoted-printable', 'plain': '8bit'}

CT = {'docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      'odt': 'application/vnd.oasis.opendocument.text', 'ods': 'application/vnd.oasis.opendocument.spreadsheet',
      'odp': 'application/vnd.oasis.opendocument.presentation',
      'pdf': 'application/pdf', 'zip': 'application/zip', 'ics': 'application/ics', 'eml': 'message/rfc822',
      'png': 'image/png', 'jpg': 'image/jpeg', 'jpeg': 'image/jpeg', 'txt': 'text/plain', 'patch': 'text/x-patch',
      'rar': 'application/x-rar-compressed', '7z': 'application/x-7z-compressed', 'csv': 'text/csv', 'log': 'text/plain',
      'doc': 'application/msword'}

class A:
    """attachment: filename (as sent, may be NFD), data, label type"""
    def __init__(self, fn, data, typ, ctype=None, fnstyle=None, cte=None, label_fn=None):
        self.fn = fn; self.data = data; self.typ = typ
        ext = fn.rsplit('.', 1)[-1].lower()
        self.ctype = ctype or CT.get(ext, 'application/octet-stream')
        if self.ctype == 'application/zip' and False: pass
        self.fnstyle = fnstyle; self.cte = cte
        self.label_fn = label_fn or nfc(fn)

def mail(client, frm, to, subject, date, body=None, html=None, atts=(), cc=None, subj_style=None,
         extra=None, charset='utf-8', cte=None, form=None, alt=None, inline=(), addr_style=None, mime_ver=None, root=None):
    """alt: True -> add generated HTML alternative (client style); html str -> given html."""
    fst = FNSTYLE.get(client, '2047')
    tcte = cte or TEXTCTE.get(client, 'quoted-printable')
    if charset.lower() == 'windows-1258' and tcte == '8bit': tcte = 'quoted-printable'
    if root is None:
        if alt is None: alt = client in ('outlook', 'gmail', 'zimbra', 'outlook_web') and html is None and body is not None
        parts_text = []
        if body is not None:
            parts_text.append(text_part(body, 'plain', charset, tcte, form))
        if html is not None or alt:
            h = html if html is not None else html_of(nfd(body) if form == 'nfd' else body, client)
            hcs = charset
            parts_text.append(text_part(h, 'html', hcs, 'quoted-printable' if tcte == '8bit' else tcte))
        if len(parts_text) == 1: tp = parts_text[0]
        else: tp = Part('multipart/alternative', parts=parts_text)
        if inline:
            rel = [tp]
            for fn, data, cid in inline:
                rel.append(Part(CT[fn.rsplit('.', 1)[-1].lower()], data, cte='base64', filename=fn, fnstyle=fst, disp='inline', cid=cid))
            tp = Part('multipart/related', parts=rel, params=[('type', '"multipart/alternative"')] if len(parts_text) > 1 else [])
        if atts:
            parts = [tp]
            for a in atts:
                if a.ctype == 'message/rfc822':
                    parts.append(Part('message/rfc822', a.data, cte=a.cte or '7bit', filename=a.fn, fnstyle=a.fnstyle or fst))
                elif a.ctype.startswith('text/') and a.cte != 'base64':
                    parts.append(Part(a.ctype, a.data, charset='utf-8' if not a.ctype.endswith('calendar') else None, cte=a.cte or ('quoted-printable' if any(x > 127 for x in a.data) else '7bit'), filename=a.fn, fnstyle=a.fnstyle or fst))
                else:
                    parts.append(Part(a.ctype, a.data, cte='base64', filename=a.fn, fnstyle=a.fnstyle or fst))
            root = Part('multipart/mixed', parts=parts)
        else:
            root = tp
    return build_message(client, frm, to, subject, date, root, cc=cc, subj_style=subj_style, extra=extra, att=bool(atts), addr_style=addr_style, mime_ver=mime_ver)

def add(raw, typ, secrecy='none', urgency='none', audience='unknown', doc='', atts=(), notes='easy', fmt=''):
    REG.append(dict(raw=raw, type=typ, secrecy=secrecy, urgency=urgency, audience=audience, doc=doc,
                    atts=';'.join('%s=%s' % (a.label_fn, a.typ) for a in atts), notes=notes, fmt=fmt))

def fwd_header(client, frm, date, to, subject):
    if client == 'gmail':
        return '---------- Forwarded message ---------\nFrom: %s <%s>\nDate: %s\nSubject: %s\nTo: %s\n\n' % (frm[0], frm[1], date, subject, ', '.join('<%s>' % t[1] for t in to))
    if client in ('outlook', 'outlook_web'):
        return '________________________________\nFrom: %s <%s>\nSent: %s\nTo: %s\nSubject: %s\n\n' % (frm[0], frm[1], date, '; '.join(t[0] for t in to), subject)
    if client == 'zimbra':
        return '----- Tin nhắn đã chuyển tiếp -----\nTừ: "%s" <%s>\nTới: %s\nĐã gửi: %s\nChủ đề: %s\n\n' % (frm[0], frm[1], ', '.join('"%s" <%s>' % t for t in to), date, subject)
    return '-------- Forwarded Message --------\nSubject: \t%s\nDate: \t%s\nFrom: \t%s <%s>\nTo: \t%s\n\n' % (subject, date, frm[0], frm[1], ', '.join(t[1] for t in to))

SIG_THANH = '\n--\nNguyễn Văn Thành\nPhòng Hành chính - Tổng hợp\nTrung tâm Thông tin Triển lãm\nĐT: 028 3829 4417 - DĐ: 0903 518 274\n'
SIG_NHUNG = '\n\nTrân trọng,\nLê Thị Hồng Nhung\nVăn thư - Phòng HC-TH, Trung tâm Thông tin Triển lãm\n'
SIG_TAM = '\n\nVõ Minh Tâm\nTrưởng phòng Triển lãm - TTTL\n0918 406 553\n'
IPHONE = '\n\nGửi từ iPhone của tôi\n'
IPHONE_EN = '\n\nSent from my iPhone\n'

# ---- additions (second helper) ----
def ics(summary, start, end, loc, org, attendees, desc='', uid='x', method='REQUEST'):
    """start/end 'YYYYMMDDTHHMMSS' local Asia/Ho_Chi_Minh"""
    def fold(line):
        b = line.encode('utf-8'); out = []
        while len(b) > 74:
            cut = 74
            while (b[cut] & 0xC0) == 0x80: cut -= 1
            out.append(b[:cut]); b = b[cut:]
        out.append(b)
        return b'\r\n '.join(out)
    L = ['BEGIN:VCALENDAR', 'PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN', 'VERSION:2.0', 'METHOD:' + method,
         'BEGIN:VTIMEZONE', 'TZID:SE Asia Standard Time', 'BEGIN:STANDARD', 'DTSTART:16010101T000000', 'TZOFFSETFROM:+0700', 'TZOFFSETTO:+0700', 'END:STANDARD', 'END:VTIMEZONE',
         'BEGIN:VEVENT', 'ORGANIZER;CN="%s":mailto:%s' % org]
    for n, e in attendees: L.append('ATTENDEE;CN="%s";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:%s' % (n, e))
    L += ['DESCRIPTION:' + desc.replace('\n', '\\n').replace(',', '\\,').replace(';', '\\;'), 'UID:' + uid,
          'SUMMARY:' + summary.replace(',', '\\,'), 'DTSTART;TZID=SE Asia Standard Time:' + start, 'DTEND;TZID=SE Asia Standard Time:' + end,
          'DTSTAMP:20240601T010000Z', 'LOCATION:' + loc.replace(',', '\\,'), 'SEQUENCE:0', 'STATUS:CONFIRMED', 'TRANSP:OPAQUE',
          'BEGIN:VALARM', 'TRIGGER:-PT15M', 'ACTION:DISPLAY', 'DESCRIPTION:Reminder', 'END:VALARM', 'END:VEVENT', 'END:VCALENDAR']
    return b'\r\n'.join(fold(l) for l in L) + b'\r\n'

def cal_mail(client, frm, to, subject, date, body, icsdata, attach_ics=True, cc=None):
    """Outlook-style meeting request: multipart/mixed[ alternative[text, text/calendar method=REQUEST], ics attachment ]"""
    alt = Part('multipart/alternative', parts=[text_part(body, 'plain', 'utf-8', 'quoted-printable'),
               Part('text/calendar', icsdata, params=[('method', 'REQUEST')], charset='utf-8', cte='base64')])
    if attach_ics:
        root = Part('multipart/mixed', parts=[alt, Part('application/ics', icsdata, cte='base64', filename='invite.ics')])
    else:
        root = alt
    return build_message(client, frm, to, subject, date, root, cc=cc, att=attach_ics)

def E(fn, raw, typ, **kw):
    """attached message (.eml)"""
    return A(fn, raw, typ, ctype='message/rfc822', **kw)

def pdfdoc(doc): return pdf_from_docx(doc.docx())
def pdf_odt(doc): return pdf_from_odt(doc.odt())
def pdf_blocks(blocks): return pdf_from_docx(docx(blocks))
def pptx_slides(slides): return pptx_from_odp(odp(slides))
def pdf_slides(slides): return pdf_from_odp(odp(slides))
