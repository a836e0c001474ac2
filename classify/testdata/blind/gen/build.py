# Assemble the blind set: run all message modules, shuffle (fixed seed), write .eml files, labels.csv and README.md
import os, sys, random, shutil, collections, email, email.policy, unicodedata, io, zipfile, re
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
import msgs_secret, msgs_personal, msgs_work, msgs_formal1, msgs_formal2, msgs_meet, msgs_extra, msgs_extra2

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'out')
OUT = os.path.abspath(OUT)

TYPES = ['thong_bao', 'cong_van', 'giay_moi', 'bao_cao', 'lich_cong_tac', 'tai_lieu_hop', 'ke_hoach', 'quyet_dinh', 'to_trinh', 'bien_ban', 'huong_dan', 'van_ban_khac', 'tai_lieu_cong_viec', 'ca_nhan', 'khong_xac_dinh']
SECRECY = ['none', 'mat', 'toi_mat', 'tuyet_mat']
URGENCY = ['none', 'khan', 'thuong_khan', 'hoa_toc']
AUD = ['so', 'noi_bo', 'ngoai', 'unknown']

def top_attachments(msg):
    out = []
    if not msg.is_multipart(): return out
    if msg.get_content_type() != 'multipart/mixed': return out
    for p in msg.iter_parts() if hasattr(msg, 'iter_parts') else msg.get_payload():
        fn = p.get_filename()
        if fn and p.get('Content-ID') is None:
            out.append(unicodedata.normalize('NFC', fn))
    return out

def formats(raw, msg):
    f = set()
    hdr = raw.split(b'\r\n\r\n', 1)[0]
    if any(b > 127 for b in hdr): f.add('raw-8bit-headers')
    if b'windows-1258' in raw.lower(): f.add('windows-1258')
    if b"filename*" in raw: f.add('rfc2231-filename')
    types = []; texts = []
    for p in msg.walk():
        ct = p.get_content_type(); types.append(ct)
        cte = (p.get('Content-Transfer-Encoding') or '').lower()
        fn = p.get_filename()
        if fn:
            ext = fn.rsplit('.', 1)[-1].lower()
            if ext in ('docx', 'odt', 'xlsx', 'ods', 'pptx', 'odp', 'pdf', 'ics', 'zip', 'eml', 'rar', 'png', 'jpg', 'txt', 'log', 'patch'):
                f.add({'jpg': 'image', 'png': 'image', 'txt': 'text-attachment', 'log': 'text-attachment', 'patch': 'text-attachment'}.get(ext, ext))
            if fn != unicodedata.normalize('NFC', fn): f.add('nfd-filename')
            if ext == 'zip':
                try:
                    z = zipfile.ZipFile(io.BytesIO(p.get_payload(decode=True)))
                    if any(i.flag_bits & 1 for i in z.infolist()): f.add('encrypted-zip')
                except Exception: pass
        elif ct.startswith('text/') and not p.is_multipart():
            if cte in ('base64', 'quoted-printable'): f.add(cte)
            try:
                t = p.get_payload(decode=True).decode(p.get_content_charset() or 'utf-8', errors='replace')
                texts.append(t)
            except LookupError: pass
        if ct == 'message/rfc822': f.add('eml')
        if ct == 'text/calendar': f.add('text-calendar')
    bodytypes = [t for t in types if t in ('text/plain', 'text/html')]
    if 'multipart/alternative' in types: f.add('multipart-alternative')
    elif 'text/html' in bodytypes and 'text/plain' not in bodytypes: f.add('html-only')
    elif 'text/plain' in bodytypes: f.add('plain-text')
    if 'multipart/report' in types: f.add('multipart-report')
    if any(any(0x300 <= ord(c) <= 0x323 for c in t) for t in texts) and 'windows-1258' not in f: f.add('nfd-text')
    s = str(msg.get('Subject', ''))
    if s and unicodedata.normalize('NFC', s) != s: f.add('nfd-subject')
    if any(ord(c) > 127 for t in texts for c in t) is False and texts: f.add('ascii-only-text')
    ua = (msg.get('X-Mailer') or msg.get('User-Agent') or '')
    mid = msg.get('Message-ID') or ''
    client = 'outlook' if 'Outlook' in ua else 'thunderbird' if 'Thunderbird' in ua else 'zimbra' if 'Zimbra' in ua else 'iphone' if 'iPhone' in ua else 'apple-mail' if 'Apple Mail' in ua else 'yahoo' if 'YMail' in ua else 'gmail' if 'mail.gmail.com' in mid else 'outlook-web' if msg.get('X-MS-Exchange-Organization-SCL') else 'other'
    f.add('client:' + client)
    return f

def main():
    for m in (msgs_secret, msgs_personal, msgs_work, msgs_formal1, msgs_formal2, msgs_meet, msgs_extra, msgs_extra2):
        m.build()
    reg = list(common.REG)
    random.Random(1434).shuffle(reg)
    if os.path.exists(os.path.join(OUT, 'messages')): shutil.rmtree(os.path.join(OUT, 'messages'))
    os.makedirs(os.path.join(OUT, 'messages'))
    rows = []; errors = []; fmt_count = collections.Counter()
    for i, r in enumerate(reg, 1):
        name = 'messages/%04d.eml' % i
        raw = r['raw']
        assert b'\n' not in raw.replace(b'\r\n', b''), name
        open(os.path.join(OUT, name), 'wb').write(raw)
        # validation
        for k, allowed in (('type', TYPES), ('secrecy', SECRECY), ('urgency', URGENCY), ('audience', AUD)):
            if r[k] not in allowed: errors.append('%s bad %s %s' % (name, k, r[k]))
        for fld in ('doc', 'atts', 'notes'):
            if ',' in r[fld] or '"' in r[fld] or '\n' in r[fld]: errors.append('%s comma/quote in %s' % (name, fld))
        notes = r['notes'].split(';')
        if notes[0] not in ('easy', 'medium', 'hard', 'hard-negative'): errors.append('%s difficulty %s' % (name, notes[0]))
        try:
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            _ = [p.get_content() for p in msg.walk() if not p.is_multipart() and p.get_content_type().startswith('text/')]
        except Exception as e:
            if 'malformed-mime' not in notes: errors.append('%s parse error %r' % (name, e))
            msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        if msg.defects and 'malformed-mime' not in notes: errors.append('%s defects %r' % (name, msg.defects))
        got = top_attachments(msg)
        want = [a.split('=')[0] for a in r['atts'].split(';')] if r['atts'] else []
        if sorted(got) != sorted(want): errors.append('%s attachments got %r want %r' % (name, got, want))
        for a in r['atts'].split(';') if r['atts'] else []:
            if a.rsplit('=', 1)[1] not in TYPES: errors.append('%s att type %s' % (name, a))
        if r['doc'] and ' ' in r['doc']: errors.append('%s doc has space' % name)
        f = formats(raw, msg)
        for x in f: fmt_count[x] += 1
        rows.append([name, r['type'], r['secrecy'], r['urgency'], r['audience'], r['doc'], r['atts'], r['notes']])
        r['file'] = name; r['formats'] = f
    with open(os.path.join(OUT, 'labels.csv'), 'w', encoding='utf-8', newline='') as fh:
        fh.write('file,type,secrecy,urgency,audience,doc_number,attachments,notes\n')
        for row in rows: fh.write(','.join(row) + '\n')
    # round-trip check of the csv
    lines = open(os.path.join(OUT, 'labels.csv'), encoding='utf-8').read().splitlines()
    assert len(lines) == len(rows) + 1 and all(len(l.split(',')) == 8 for l in lines)
    assert len(os.listdir(os.path.join(OUT, 'messages'))) == len(rows)
    write_readme(reg, fmt_count)
    size = sum(os.path.getsize(os.path.join(OUT, 'messages', x)) for x in os.listdir(os.path.join(OUT, 'messages')))
    print('messages', len(rows), 'bytes', size, 'errors', len(errors))
    for e in errors[:40]: print(e)
    return errors

def table(counter, order=None):
    keys = order or sorted(counter, key=lambda k: (-counter[k], k))
    return '| value | count |\n|---|---|\n' + ''.join('| %s | %d |\n' % (k, counter[k]) for k in keys) + '| **total** | %d |\n' % sum(counter[k] for k in keys)

def write_readme(reg, fmt_count):
    c = lambda k: collections.Counter(r[k] for r in reg)
    diff = collections.Counter(r['notes'].split(';')[0] for r in reg)
    withdoc = sum(1 for r in reg if r['doc'])
    txt = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'README.template.md'), encoding='utf-8').read()
    txt = txt.replace('{N}', str(len(reg))).replace('{WITHDOC}', str(withdoc))
    txt = txt.replace('{TYPES}', table(c('type'), TYPES)).replace('{SECRECY}', table(c('secrecy'), SECRECY))
    txt = txt.replace('{URGENCY}', table(c('urgency'), URGENCY)).replace('{AUDIENCE}', table(c('audience'), AUD))
    txt = txt.replace('{DIFF}', table(diff, ['easy', 'medium', 'hard', 'hard-negative']))
    txt = txt.replace('{FORMATS}', '| format tag (messages having it) | count |\n|---|---|\n' + ''.join('| %s | %d |\n' % (k, v) for k, v in sorted(fmt_count.items(), key=lambda kv: (kv[0].startswith('client:'), -kv[1], kv[0]))))
    open(os.path.join(OUT, 'README.md'), 'w', encoding='utf-8').write(txt)

if __name__ == '__main__':
    errs = main()
    sys.exit(1 if errs else 0)
