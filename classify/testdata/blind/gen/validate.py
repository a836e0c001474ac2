# Independent validation of out/: parse every .eml, one label row per file, valid ids, README counts match labels.csv
import os, sys, csv, re, email, email.policy, collections, unicodedata
OUT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'out'))
if not os.path.exists(os.path.join(OUT, 'labels.csv')):
    OUT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))  # when run from out/gen
TYPES = 'thong_bao cong_van giay_moi bao_cao lich_cong_tac tai_lieu_hop ke_hoach quyet_dinh to_trinh bien_ban huong_dan van_ban_khac tai_lieu_cong_viec ca_nhan khong_xac_dinh'.split()
VALID = {'secrecy': 'none mat toi_mat tuyet_mat'.split(), 'urgency': 'none khan thuong_khan hoa_toc'.split(), 'audience': 'so noi_bo ngoai unknown'.split(), 'type': TYPES}
err = []
text = open(os.path.join(OUT, 'labels.csv'), encoding='utf-8').read()
lines = text.splitlines()
if lines[0] != 'file,type,secrecy,urgency,audience,doc_number,attachments,notes': err.append('bad header')
rows = []
for ln in lines[1:]:
    parts = ln.split(',')
    if len(parts) != 8: err.append('field count: ' + ln[:60]); continue
    rows.append(dict(zip(lines[0].split(','), parts)))
files = sorted('messages/' + f for f in os.listdir(os.path.join(OUT, 'messages')))
if sorted(r['file'] for r in rows) != files: err.append('files and label rows differ')
if len(set(r['file'] for r in rows)) != len(rows): err.append('duplicate rows')
for r in rows:
    for k, v in VALID.items():
        if r[k] not in v: err.append('%s invalid %s=%s' % (r['file'], k, r[k]))
    if r['attachments']:
        for a in r['attachments'].split(';'):
            fn, _, t = a.rpartition('=')
            if t not in TYPES or not fn: err.append('%s bad attachment item %s' % (r['file'], a))
            if fn != unicodedata.normalize('NFC', fn): err.append('%s attachment name not NFC' % r['file'])
    d = r['notes'].split(';')[0]
    if d not in ('easy', 'medium', 'hard', 'hard-negative'): err.append('%s difficulty %s' % (r['file'], d))
    if ' ' in r['doc_number']: err.append('%s space in doc_number' % r['file'])
    raw = open(os.path.join(OUT, r['file']), 'rb').read()
    if b'\n' in raw.replace(b'\r\n', b''): err.append('%s bare LF' % r['file'])
    malformed = 'malformed-mime' in r['notes']
    try:
        m = email.message_from_bytes(raw, policy=email.policy.default)
        for p in m.walk():
            if not p.is_multipart() and p.get_content_maintype() == 'text': p.get_content()
        str(m['Subject']); str(m['From'])
        if m.defects and not malformed: err.append('%s defects %r' % (r['file'], m.defects))
    except Exception as e:
        if not malformed: err.append('%s parse error %r' % (r['file'], e))
# README counts
readme = open(os.path.join(OUT, 'README.md'), encoding='utf-8').read()
def section(title):
    s = readme.split('### ' + title, 1)[1].split('###', 1)[0]
    return {m.group(1): int(m.group(2)) for m in re.finditer(r'^\| ([a-z_\-]+) \| (\d+) \|$', s, re.M)}
for title, key in (('Per type', 'type'), ('Per secrecy', 'secrecy'), ('Per urgency', 'urgency'), ('Per audience', 'audience')):
    want = collections.Counter(r[key] for r in rows)
    got = section(title)
    if {k: v for k, v in got.items() if v} != dict(want): err.append('README %s mismatch %r vs %r' % (title, got, dict(want)))
got = section('Per difficulty'); want = collections.Counter(r['notes'].split(';')[0] for r in rows)
if {k: v for k, v in got.items() if v} != dict(want): err.append('README difficulty mismatch')
m = re.search(r'^(\d+) RFC 5322 messages', readme, re.M)
if not m or int(m.group(1)) != len(rows): err.append('README total mismatch')
print('rows', len(rows), 'files', len(files), 'errors', len(err))
for e in err[:30]: print(e)
sys.exit(1 if err else 0)
