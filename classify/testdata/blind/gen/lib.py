# Builder library for the blind test set (python3 stdlib only, plus soffice/zip CLIs)
import base64, quopri, zipfile, io, os, subprocess, hashlib, random, unicodedata, zlib, struct, shutil, tempfile
from email.utils import format_datetime
import datetime

R = random.Random(20240521)
HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join(HERE, 'cache')
os.makedirs(CACHE, exist_ok=True)

def nfd(s): return unicodedata.normalize('NFD', s)
def nfc(s): return unicodedata.normalize('NFC', s)

def esc(s):
    return s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;').replace('"', '&quot;')

# ---------------- windows-1258 ----------------
def to_cp1258(s):
    """Encode Vietnamese text to windows-1258 the way Windows does: base letters
    precomposed where the code page has them, tone marks as combining chars."""
    SHAPE = '\u0302\u0306\u031b'
    out = []
    d = unicodedata.normalize('NFD', s)
    i = 0
    while i < len(d):
        base = d[i]; i += 1
        marks = ''
        while i < len(d) and unicodedata.combining(d[i]):
            marks += d[i]; i += 1
        full = unicodedata.normalize('NFC', base + marks)
        try:
            out.append(full.encode('cp1258')); continue
        except UnicodeEncodeError:
            pass
        shape = ''.join(m for m in marks if m in SHAPE); tone = ''.join(m for m in marks if m not in SHAPE)
        b = unicodedata.normalize('NFC', base + shape)
        out.append(b.encode('cp1258', errors='replace') + tone.encode('cp1258', errors='replace'))
    return b''.join(out)

# ---------------- header encoding ----------------
def ew(s, charset='utf-8', enc='B', maxlen=75):
    """RFC 2047 encoded-words, split on character boundaries."""
    cs_label = charset
    def encb(chars):
        b = to_cp1258(chars) if charset.lower() == 'windows-1258' else chars.encode(charset)
        if enc == 'B':
            return '=?%s?B?%s?=' % (cs_label, base64.b64encode(b).decode())
        q = ''
        for byte in b:
            c = chr(byte)
            if c == ' ': q += '_'
            elif c.isalnum() and byte < 128: q += c
            else: q += '=%02X' % byte
        return '=?%s?Q?%s?=' % (cs_label, q)
    words = []; cur = ''
    for ch in s:
        if len(encb(cur + ch)) > maxlen and cur:
            words.append(encb(cur)); cur = ch
        else:
            cur += ch
    if cur: words.append(encb(cur))
    return '\n '.join(words)

def needs_enc(s):
    return any(ord(c) > 127 for c in s)

def addr(name, email, style='B', charset='utf-8'):
    if not name: return email
    if needs_enc(name):
        if style == 'raw':
            return '"%s" <%s>' % (name, email)
        return '%s <%s>' % (ew(name, charset, style), email)
    if any(c in name for c in ',.;:'):
        return '"%s" <%s>' % (name, email)
    return '%s <%s>' % (name, email)

def rfc2231(fn, param='filename', cont=False):
    b = fn.encode('utf-8')
    pct = ''.join(chr(x) if (chr(x).isalnum() and x < 128) or chr(x) in '.-_' else '%%%02X' % x for x in b)
    if not cont or len(pct) < 60:
        return "%s*=UTF-8''%s" % (param, pct)
    # continuation, split on %-escapes boundaries
    segs = []; cur = ''; i = 0
    while i < len(pct):
        tok = pct[i:i+3] if pct[i] == '%' else pct[i]
        if len(cur) + len(tok) > 50:
            segs.append(cur); cur = ''
        cur += tok; i += len(tok)
    segs.append(cur)
    out = []
    for k, sgt in enumerate(segs):
        if k == 0: out.append("%s*0*=UTF-8''%s" % (param, sgt))
        else: out.append("%s*%d*=%s" % (param, k, sgt))
    return ';\n '.join(out)

# ---------------- MIME parts ----------------
_bcount = [0]
def boundary(style):
    _bcount[0] += 1
    h = hashlib.md5(str(_bcount[0]).encode() + style.encode()).hexdigest()
    if style == 'outlook': return '----=_NextPart_000_%s_01DA%s' % (h[:4].upper(), h[4:12].upper())
    if style == 'gmail': return '000000000000' + h[:12]
    if style == 'thunderbird': return '------------' + h[:24]
    if style == 'apple': return 'Apple-Mail-%s-%s-%s' % (h[:8].upper(), h[8:12].upper(), h[12:16].upper())
    if style == 'zimbra': return '=_' + h[:8] + '-' + h[8:12] + '-' + h[12:16]
    return '=_Part_%d_%s' % (_bcount[0], h[:10])

def b64(b):
    s = base64.b64encode(b).decode()
    return '\n'.join(s[i:i+76] for i in range(0, len(s), 76))

def qp(b):
    return quopri.encodestring(b).decode('ascii')

class Part:
    def __init__(self, ctype, body=b'', params=None, cte=None, filename=None, fnstyle='2047',
                 disp=None, cid=None, parts=None, headers=None, charset=None):
        self.ctype = ctype; self.body = body; self.params = params or []
        self.cte = cte; self.filename = filename; self.fnstyle = fnstyle
        self.disp = disp; self.cid = cid; self.parts = parts; self.headers = headers or []
        self.charset = charset

    def render(self, bstyle='plain'):
        lines = []
        p = ''
        if self.charset: p += '; charset="%s"' % self.charset if bstyle in ('outlook', 'zimbra') else '; charset=%s' % self.charset
        for k, v in self.params: p += '; %s=%s' % (k, v)
        fn = self.filename
        fnd = fn
        fnname = ''; fndisp = ''
        if fn is not None:
            st = self.fnstyle
            if st == '2047':
                enc = ew(fn) if needs_enc(fn) else fn
                fnname = ';\n\tname="%s"' % enc; fndisp = ';\n\tfilename="%s"' % enc
            elif st == '2047q':
                enc = ew(fn, enc='Q') if needs_enc(fn) else fn
                fnname = ';\n name="%s"' % enc; fndisp = ';\n filename="%s"' % enc
            elif st == '2231':
                if needs_enc(fn):
                    fnname = ';\n ' + rfc2231(fn, 'name', cont=True); fndisp = ';\n ' + rfc2231(fn, 'filename', cont=True)
                else:
                    fnname = ';\n name="%s"' % fn; fndisp = ';\n filename="%s"' % fn
            elif st == 'apple':
                # Apple Mail: name= with 2047 Q, filename*= 2231, NFD already in fn
                fnname = ';\n\tname="%s"' % (ew(fn, enc='Q') if needs_enc(fn) else fn)
                fndisp = ';\n\t' + (rfc2231(fn, 'filename', cont=True) if needs_enc(fn) else 'filename="%s"' % fn)
            elif st == 'raw':
                fnname = ';\n name="%s"' % fn; fndisp = ';\n filename="%s"' % fn
        if self.parts is not None:
            bnd = boundary(bstyle)
            lines.append('Content-Type: %s;\n\tboundary="%s"%s' % (self.ctype, bnd, p))
        else:
            lines.append('Content-Type: %s%s%s' % (self.ctype, p, fnname))
        for h in self.headers: lines.append(h)
        cte = self.cte
        if self.parts is None:
            if cte is None:
                cte = 'base64' if not self.ctype.startswith('text/') and self.ctype != 'message/rfc822' else '7bit'
            if self.ctype == 'message/rfc822':
                cte = cte or '7bit'
            lines.append('Content-Transfer-Encoding: %s' % cte)
        if self.disp or fn is not None:
            d = self.disp or 'attachment'
            lines.append('Content-Disposition: %s%s' % (d, fndisp))
        if self.cid: lines.append('Content-ID: <%s>' % self.cid)
        head = '\n'.join(lines).encode('utf-8')
        if self.parts is not None:
            out = head + b'\n\n'
            if bstyle == 'outlook': out += b'This is a multi-part message in MIME format.\n\n'
            for sp in self.parts:
                out += ('--%s\n' % bnd).encode() + sp.render(bstyle) + b'\n'
            out += ('--%s--\n' % bnd).encode()
            return out
        body = self.body
        if isinstance(body, str): raise ValueError('body must be bytes')
        if cte == 'base64': enc = b64(body).encode() + b'\n'
        elif cte == 'quoted-printable': enc = qp(body.replace(b'\r\n', b'\n')).encode()
        else: enc = body.replace(b'\r\n', b'\n')
        if not enc.endswith(b'\n'): enc += b'\n'
        return head + b'\n\n' + enc

def text_part(s, sub='plain', charset='utf-8', cte='quoted-printable', form=None, bstyle=None, fmt_flowed=False):
    if form == 'nfd': s = nfd(s)
    b = to_cp1258(s) if charset.lower() == 'windows-1258' else s.encode(charset)
    params = []
    if fmt_flowed: params.append(('format', 'flowed'))
    return Part('text/' + sub, b, charset=charset, cte=cte, params=params)

def html_of(text, style='outlook'):
    paras = text.split('\n')
    if style == 'gmail':
        inner = ''.join('<div>%s</div>' % (esc(p) if p.strip() else '<br>') for p in paras)
        return '<div dir="ltr">%s</div>\n' % inner
    if style == 'zimbra':
        inner = ''.join('<div>%s</div>' % (esc(p) if p.strip() else '<br data-mce-bogus="1">') for p in paras)
        return '<html><body><div style="font-family: times new roman, new york, times, serif; font-size: 12pt; color: #000000">%s</div></body></html>\n' % inner
    if style == 'thunderbird':
        inner = '<br>\n'.join(esc(p) for p in paras)
        return '<!DOCTYPE html>\n<html>\n  <head>\n    <meta http-equiv="content-type" content="text/html; charset=UTF-8">\n  </head>\n  <body>\n    <p>%s</p>\n  </body>\n</html>\n' % inner
    inner = ''.join('<p class=MsoNormal>%s<o:p></o:p></p>\n' % (esc(p) if p.strip() else '&nbsp;') for p in paras)
    return ('<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">'
            '<head><meta http-equiv=Content-Type content="text/html; charset=utf-8">'
            '<meta name=Generator content="Microsoft Word 15 (filtered medium)"></head>'
            '<body lang=EN-US link="#0563C1" vlink="#954F72"><div class=WordSection1>\n%s</div></body></html>\n' % inner)

CLIENTS = {
    'outlook': ['X-Mailer: Microsoft Outlook 16.0', 'Thread-Index: AdqA{h}', 'Content-Language: vi', 'X-MS-Has-Attach: {att}', 'X-MS-TNEF-Correlator: '],
    'outlook_web': ['X-MS-Exchange-Organization-SCL: -1', 'Content-Language: en-US', 'X-MS-Has-Attach: {att}', 'msip_labels: '],
    'thunderbird': ['User-Agent: Mozilla Thunderbird', 'Content-Language: vi'],
    'gmail': [],
    'apple': ['X-Mailer: iPhone Mail (21F90)'],
    'zimbra': ['X-Mailer: Zimbra 8.8.15_GA_4562 (ZimbraWebClient - GC131 (Win)/8.8.15_GA_4562)', 'Thread-Topic: {topic}', 'Thread-Index: {zi}'],
    'mac': ['X-Mailer: Apple Mail (2.3774.500.171.1.1)'],
    'yahoo': ['X-Mailer: WebService/1.1.22645 YMailNorrin'],
    'plain': [],
}

def msgid(client, seed, frm):
    h = hashlib.sha1(seed.encode()).hexdigest()
    dom = frm.split('@')[1]
    if client == 'gmail': return '<CA+%s%s@mail.gmail.com>' % (h[:20], h[20:34].upper())
    if client == 'outlook': return '<00%s$%s$%s@%s>' % (h[:10], h[10:20], h[20:30], dom)
    if client == 'apple' or client == 'mac': return '<%s-%s-%s@%s>' % (h[:8].upper(), h[8:12].upper(), h[12:20].upper(), dom)
    if client == 'zimbra': return '<%d.%d.%s.JavaMail.zimbra@%s>' % (int(h[:6], 16), int(h[6:12], 16), h[12:16], dom)
    if client == 'thunderbird': return '<%s-%s-%s@%s>' % (h[:8], h[8:12], h[12:16], dom)
    if client == 'yahoo': return '<%s.%s@mail.yahoo.com>' % (int(h[:8], 16), int(h[8:14], 16))
    return '<%s@%s>' % (h[:24], dom)

def mkdate(s):
    # 'YYYY-MM-DD HH:MM'
    d = datetime.datetime.strptime(s, '%Y-%m-%d %H:%M').replace(tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
    return format_datetime(d)

def build_message(client, frm, to, subject, date, root, cc=None, subj_style=None, extra=None, att=False, mime_ver=None, addr_style=None):
    """frm/to/cc: (name, email). subj_style: None(auto B utf8)|'Q'|'raw'|'cp1258'|'ascii'."""
    hs = []
    st = addr_style or {'gmail': 'B', 'thunderbird': 'Q', 'apple': 'Q', 'outlook': 'B', 'zimbra': 'B'}.get(client, 'B')
    hs.append('From: ' + addr(frm[0], frm[1], st))
    if to is None:
        hs.append('To: undisclosed-recipients:;')
    else:
        hs.append('To: ' + ',\n '.join(addr(n, e, st) for n, e in to))
    if cc: hs.append('Cc: ' + ',\n '.join(addr(n, e, st) for n, e in cc))
    if subj_style == 'raw' or not needs_enc(subject):
        hs.append('Subject: ' + subject)
    elif subj_style == 'cp1258':
        hs.append('Subject: ' + ew(subject, 'windows-1258', 'B'))
    elif subj_style == 'cp1258q':
        hs.append('Subject: ' + ew(subject, 'windows-1258', 'Q'))
    elif subj_style == 'Q' or (subj_style is None and client in ('thunderbird', 'apple')):
        hs.append('Subject: ' + ew(subject, 'UTF-8' if client != 'apple' else 'utf-8', 'Q'))
    else:
        hs.append('Subject: ' + ew(subject, 'UTF-8' if client == 'gmail' else 'utf-8', 'B'))
    hs.append('Date: ' + mkdate(date))
    hs.append('Message-ID: ' + msgid(client, subject + date + frm[1], frm[1]))
    hs.append('MIME-Version: ' + (mime_ver or ('1.0 (1.0)' if client == 'apple' else '1.0')))
    h = hashlib.md5((subject + date).encode()).hexdigest()
    for t in CLIENTS.get(client, []):
        v = t.replace('{h}', base64.b64encode(bytes.fromhex(h[:20])).decode()).replace('{att}', 'yes' if att else 'no')
        v = v.replace('{zi}', base64.b64encode(bytes.fromhex(h[:24])).decode())
        if '{topic}' in v:
            v = 'Thread-Topic: ' + (ew(subject) if needs_enc(subject) else subject)
        if v.endswith(': '): continue
        hs.append(v)
    for e in (extra or []): hs.append(e)
    bstyle = {'outlook': 'outlook', 'outlook_web': 'outlook', 'gmail': 'gmail', 'thunderbird': 'thunderbird', 'apple': 'apple', 'mac': 'apple', 'zimbra': 'zimbra'}.get(client, 'plain')
    head = '\n'.join(hs).encode('utf-8')
    body = root.render(bstyle)
    raw = head + b'\n' + body
    raw = raw.replace(b'\r\n', b'\n').replace(b'\n', b'\r\n')
    return raw

# ---------------- office files ----------------
def _zip(files, mimetype=None):
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, 'w', zipfile.ZIP_DEFLATED) as z:
        if mimetype:
            z.writestr(zipfile.ZipInfo('mimetype', (2024, 5, 21, 8, 0, 0)), mimetype, compress_type=zipfile.ZIP_STORED)
        for name, data in files:
            zi = zipfile.ZipInfo(name, (2024, 5, 21, 8, 0, 0)); zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)
    return bio.getvalue()

def zip_files(files, date=(2024, 6, 1, 9, 0, 0)):
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            zi = zipfile.ZipInfo(name, date); zi.compress_type = zipfile.ZIP_DEFLATED
            if any(ord(c) > 127 for c in name): zi.flag_bits |= 0x800
            z.writestr(zi, data)
    return bio.getvalue()

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

def _wrun(t, b=False, i=False, sz=None, u=False):
    rpr = '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>'
    if b: rpr += '<w:b/>'
    if i: rpr += '<w:i/>'
    if u: rpr += '<w:u w:val="single"/>'
    rpr += '<w:sz w:val="%d"/>' % (sz or 26)
    return '<w:r><w:rPr>%s</w:rPr><w:t xml:space="preserve">%s</w:t></w:r>' % (rpr, esc(t))

def _wpara(t, style=''):
    jc = 'center' if 'c' in style else ('right' if 'r' in style else ('both' if 'j' in style else 'left'))
    ppr = '<w:pPr><w:spacing w:after="60"/><w:jc w:val="%s"/>%s</w:pPr>' % (jc, '<w:pBdr><w:top w:val="single" w:sz="8" w:space="1" w:color="FF0000"/><w:left w:val="single" w:sz="8" w:space="4" w:color="FF0000"/><w:bottom w:val="single" w:sz="8" w:space="1" w:color="FF0000"/><w:right w:val="single" w:sz="8" w:space="4" w:color="FF0000"/></w:pBdr>' if 'x' in style else '')
    sz = 28 if 'H' in style else (24 if 's' in style else 26)
    return '<w:p>%s%s</w:p>' % (ppr, _wrun(t, 'b' in style, 'i' in style, sz, 'u' in style))

def docx(blocks):
    """blocks: list of ('p', text, style) or ('t', [[cell paragraphs (text,style)...], ...] rows)"""
    body = []
    for bl in blocks:
        if bl[0] == 'p':
            body.append(_wpara(bl[1], bl[2]))
        elif bl[0] == 't':
            rows = bl[1]
            ncol = max(len(r) for r in rows)
            tbl = '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/>%s</w:tblPr><w:tblGrid>%s</w:tblGrid>' % (
                '<w:tblBorders><w:top w:val="single" w:sz="4"/><w:left w:val="single" w:sz="4"/><w:bottom w:val="single" w:sz="4"/><w:right w:val="single" w:sz="4"/><w:insideH w:val="single" w:sz="4"/><w:insideV w:val="single" w:sz="4"/></w:tblBorders>' if bl[2] else '',
                ''.join('<w:gridCol w:w="%d"/>' % (9000 // ncol) for _ in range(ncol)))
            for r in rows:
                tbl += '<w:tr>'
                for c in r:
                    if isinstance(c, str): c = [(c, '')]
                    tbl += '<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>%s</w:tc>' % (9000 // ncol, ''.join(_wpara(t, s) for t, s in c) or '<w:p/>')
                tbl += '</w:tr>'
            tbl += '</w:tbl>'
            body.append(tbl)
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document %s><w:body>%s'
           '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1701" w:header="720" w:footer="720" w:gutter="0"/></w:sectPr></w:body></w:document>') % (W, ''.join(body))
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
          '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>')
    core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            '<dc:creator>User</dc:creator><cp:lastModifiedBy>Admin</cp:lastModifiedBy></cp:coreProperties>')
    return _zip([('[Content_Types].xml', ct), ('_rels/.rels', rels), ('word/document.xml', doc), ('docProps/core.xml', core)])

ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
          'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
          'office:version="1.2"')

def _odf(mime, content):
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="%s"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>') % mime
    return _zip([('content.xml', content), ('META-INF/manifest.xml', manifest)], mimetype=mime)

ODT_STYLES = ('<office:automatic-styles>'
              '<style:style style:name="C" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/></style:style>'
              '<style:style style:name="CB" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-weight="bold"/></style:style>'
              '<style:style style:name="B" style:family="paragraph"><style:text-properties fo:font-weight="bold"/></style:style>'
              '<style:style style:name="J" style:family="paragraph"><style:paragraph-properties fo:text-align="justify"/></style:style>'
              '<style:style style:name="I" style:family="paragraph"><style:paragraph-properties fo:text-align="right"/><style:text-properties fo:font-style="italic"/></style:style>'
              '<style:style style:name="X" style:family="paragraph"><style:paragraph-properties fo:border="0.06pt solid #ff0000" fo:text-align="left"/><style:text-properties fo:font-weight="bold" fo:color="#ff0000"/></style:style>'
              '</office:automatic-styles>')

def _ostyle(s):
    if 'x' in s: return 'X'
    if 'c' in s and 'b' in s: return 'CB'
    if 'c' in s: return 'C'
    if 'b' in s: return 'B'
    if 'i' in s or 'r' in s: return 'I'
    return 'J'

def odt(blocks):
    body = []
    for bl in blocks:
        if bl[0] == 'p':
            body.append('<text:p text:style-name="%s">%s</text:p>' % (_ostyle(bl[2]), esc(bl[1])))
        else:
            rows = bl[1]; ncol = max(len(r) for r in rows)
            t = '<table:table table:name="T%d"><table:table-column table:number-columns-repeated="%d"/>' % (len(body), ncol)
            for r in rows:
                t += '<table:table-row>'
                for c in r:
                    if isinstance(c, str): c = [(c, '')]
                    t += '<table:table-cell office:value-type="string">%s</table:table-cell>' % ''.join('<text:p text:style-name="%s">%s</text:p>' % (_ostyle(s), esc(x)) for x, s in c)
                t += '</table:table-row>'
            body.append(t + '</table:table>')
    content = '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content %s>%s<office:body><office:text>%s</office:text></office:body></office:document-content>' % (ODF_NS, ODT_STYLES, ''.join(body))
    return _odf('application/vnd.oasis.opendocument.text', content)

def _col(n):
    s = ''
    n += 1
    while n: n, r = divmod(n - 1, 26); s = chr(65 + r) + s
    return s

def xlsx(sheets):
    """sheets: list of (name, rows); rows: list of lists (str/int/float/None)"""
    files = []
    wb_sheets = ''; wb_rels = ''; ct_over = ''
    for i, (name, rows) in enumerate(sheets, 1):
        sd = ''
        for ri, row in enumerate(rows, 1):
            sd += '<row r="%d">' % ri
            for ci, v in enumerate(row):
                ref = '%s%d' % (_col(ci), ri)
                if v is None or v == '': continue
                if isinstance(v, (int, float)):
                    sd += '<c r="%s"><v>%s</v></c>' % (ref, v)
                else:
                    sd += '<c r="%s" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>' % (ref, esc(str(v)))
            sd += '</row>'
        ncol = max((len(r) for r in rows), default=1)
        merge = ''
        files.append(('xl/worksheets/sheet%d.xml' % i,
                      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetData>%s</sheetData>%s</worksheet>' % (sd, merge)))
        wb_sheets += '<sheet name="%s" sheetId="%d" r:id="rId%d"/>' % (esc(name), i, i)
        wb_rels += '<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>' % (i, i)
        ct_over += '<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' % i
    files.insert(0, ('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                     '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                     '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>%s</Types>' % ct_over))
    files.insert(1, ('_rels/.rels', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                     '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
    files.insert(2, ('xl/workbook.xml', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                     'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>%s</sheets></workbook>' % wb_sheets))
    files.insert(3, ('xl/_rels/workbook.xml.rels', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">%s</Relationships>' % wb_rels))
    return _zip(files)

def ods(sheets):
    body = ''
    for name, rows in sheets:
        ncol = max((len(r) for r in rows), default=1)
        t = '<table:table table:name="%s"><table:table-column table:number-columns-repeated="%d"/>' % (esc(name), ncol)
        for row in rows:
            t += '<table:table-row>'
            for v in row:
                if v is None or v == '':
                    t += '<table:table-cell/>'
                elif isinstance(v, (int, float)):
                    t += '<table:table-cell office:value-type="float" office:value="%s"><text:p>%s</text:p></table:table-cell>' % (v, v)
                else:
                    t += '<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>' % esc(str(v))
            t += '</table:table-row>'
        body += t + '</table:table>'
    content = '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content %s><office:body><office:spreadsheet>%s</office:spreadsheet></office:body></office:document-content>' % (ODF_NS, body)
    return _odf('application/vnd.oasis.opendocument.spreadsheet', content)

def odp(slides):
    """slides: list of (title, [bullets])"""
    pages = ''
    for i, (title, bullets) in enumerate(slides, 1):
        pages += ('<draw:page draw:name="page%d" draw:master-page-name="Default">'
                  '<draw:frame svg:x="1cm" svg:y="0.8cm" svg:width="26cm" svg:height="3cm" presentation:class="title"><draw:text-box><text:p>%s</text:p></draw:text-box></draw:frame>'
                  '<draw:frame svg:x="1.5cm" svg:y="4.5cm" svg:width="25cm" svg:height="12cm" presentation:class="outline"><draw:text-box>%s</draw:text-box></draw:frame>'
                  '</draw:page>') % (i, esc(title), ''.join('<text:p>%s</text:p>' % esc(b) for b in bullets))
    styles_master = ''
    content = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content %s><office:body><office:presentation>%s</office:presentation></office:body></office:document-content>' % (ODF_NS, pages))
    styles = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles %s><office:master-styles><style:master-page style:name="Default"/></office:master-styles></office:document-styles>' % ODF_NS)
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.presentation"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    return _zip([('content.xml', content), ('styles.xml', styles), ('META-INF/manifest.xml', manifest)], mimetype='application/vnd.oasis.opendocument.presentation')

def soffice_convert(data, src_ext, dst_ext):
    key = hashlib.sha1(data + dst_ext.encode()).hexdigest()[:16]
    outp = os.path.join(CACHE, key + '.' + dst_ext)
    if os.path.exists(outp):
        return open(outp, 'rb').read()
    d = tempfile.mkdtemp(dir=CACHE)
    src = os.path.join(d, key + '.' + src_ext)
    open(src, 'wb').write(data)
    filt = dst_ext
    if dst_ext == 'pptx': filt = 'pptx:Impress MS PowerPoint 2007 XML'
    subprocess.run(['soffice', '-env:UserInstallation=file://' + CACHE + '/lo_profile', '--headless', '--convert-to', filt, '--outdir', d, src],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=180)
    res = os.path.join(d, key + '.' + dst_ext)
    out = open(res, 'rb').read()
    open(outp, 'wb').write(out)
    shutil.rmtree(d)
    return out

def pdf_from_docx(b): return soffice_convert(b, 'docx', 'pdf')
def pdf_from_odt(b): return soffice_convert(b, 'odt', 'pdf')
def pdf_from_odp(b): return soffice_convert(b, 'odp', 'pdf')
def pptx_from_odp(b): return soffice_convert(b, 'odp', 'pptx')

def enc_zip(files, password):
    key = hashlib.sha1(repr([(n, hashlib.sha1(d).hexdigest()) for n, d in files]).encode() + password.encode()).hexdigest()[:16]
    outp = os.path.join(CACHE, 'enc_' + key + '.zip')
    if os.path.exists(outp): return open(outp, 'rb').read()
    d = tempfile.mkdtemp(dir=CACHE)
    for n, data in files:
        open(os.path.join(d, n), 'wb').write(data)
    subprocess.run(['zip', '-q', '-e', '-P', password, 'out.zip'] + [n for n, _ in files], cwd=d, check=True)
    out = open(os.path.join(d, 'out.zip'), 'rb').read()
    open(outp, 'wb').write(out); shutil.rmtree(d)
    return out

def png(w, h, seed=1, text_like=False):
    rr = random.Random(seed)
    base = (rr.randrange(60, 250), rr.randrange(60, 250), rr.randrange(60, 250))
    raw = b''
    for y in range(h):
        row = bytearray([0])
        for x in range(w):
            if text_like and (y // 6) % 3 == 1 and rr.random() < 0.6:
                row += bytes((20, 20, 20))
            else:
                row += bytes(((base[0] + x) % 256, (base[1] + y) % 256, base[2]))
        raw += bytes(row)
    def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b'')

def jpeg_stub(seed):
    """Tiny baseline JPEG (valid 8x8 grey) with a varying COM segment."""
    hexs = ('ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432'
            'ffc0000b080008000801011100ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa'
            'ffda0008010100003f00d2cf20ffd9')
    b = bytes.fromhex(hexs)
    com = ('IMG seed %d ' % seed).encode() * 40
    return b[:2] + b'\xff\xfe' + struct.pack('>H', len(com) + 2) + com + b[2:]
