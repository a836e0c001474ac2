# Content cross-check: every secret/urgent label has a marking in the extracted text; doc_numbers occur in the text; no unlabelled stamp lines
import email, email.policy, zipfile, io, subprocess, unicodedata, re, csv, sys
def texts_of_bytes(name, data):
    out = []
    n = name.lower()
    try:
        if n.endswith(('.docx', '.xlsx', '.pptx', '.odt', '.ods', '.odp', '.zip')):
            z = zipfile.ZipFile(io.BytesIO(data))
            for i in z.infolist():
                if i.flag_bits & 1: out.append('<ENCRYPTED>'); continue
                b = z.read(i.filename)
                if i.filename.endswith('.xml'): out.append(re.sub(r'<[^>]+>', ' ', b.decode('utf-8', 'replace')))
                elif '.' in i.filename: out += texts_of_bytes(i.filename, b)
        elif n.endswith('.pdf'):
            out.append(subprocess.run(['pdftotext', '-', '-'], input=data, capture_output=True).stdout.decode('utf-8', 'replace'))
        elif n.endswith('.eml'):
            out += texts_of_msg(email.message_from_bytes(data, policy=email.policy.default))
    except Exception as e: out.append('<ERR %r>' % e)
    return out
def texts_of_msg(m):
    out = [str(m['Subject'])]
    for p in m.walk():
        if p.is_multipart(): continue
        fn = p.get_filename()
        if p.get_content_type() == 'message/rfc822':
            out += texts_of_msg(p.get_payload()[0]) if isinstance(p.get_payload(), list) else []
            continue
        if fn: out += texts_of_bytes(fn, p.get_payload(decode=True) or b'')
        elif p.get_content_type().startswith('text/'):
            try: out.append(p.get_content())
            except Exception: out.append((p.get_payload(decode=True) or b'').decode('utf-8', 'replace'))
    return out
rows = list(csv.DictReader(open('/work/blindset/out/labels.csv', encoding='utf-8')))
bad = 0
for r in rows:
    m = email.message_from_bytes(open('/work/blindset/out/' + r['file'], 'rb').read(), policy=email.policy.default)
    t = unicodedata.normalize('NFC', '\n'.join(texts_of_msg(m)))
    sec = bool(re.search(r'\bMẬT\b|\bTỐI MẬT\b|TUYỆT MẬT|\bMAT\b|[Mm]ật\b', t))
    if r['secrecy'] != 'none' and not re.search(r'(?<![a-zà-ỹ])(MẬT|Mật|MAT|mật, đề|mật -|Tài liệu mật|độ mật)', t): print('SECRET?', r['file'], r['notes']); bad += 1
    if r['urgency'] != 'none' and not re.search(r'KHẨN|HỎA TỐC|HOẢ TỐC|KHAN', t): print('URG?', r['file']); bad += 1
    if r['doc_number'] and r['doc_number'] not in re.sub(r'\s+/', '/', t): print('DOC?', r['file'], r['doc_number']); bad += 1
    if r['secrecy'] == 'none' and re.search(r'^\s*(Độ mật: )?(MẬT|TỐI MẬT|TUYỆT MẬT)\s*$', t, re.M): print('UNLABELLED STAMP LINE?', r['file'], r['notes'])
    if r['urgency'] == 'none' and re.search(r'^\s*(KHẨN|THƯỢNG KHẨN|HỎA TỐC|HOẢ TỐC)\s*$', t, re.M): print('UNLABELLED URG LINE?', r['file'], r['notes'])
print('checked', len(rows), 'bad', bad)
