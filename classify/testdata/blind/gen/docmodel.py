# Administrative document model following ND 30/2020/ND-CP layout (Phu luc I)
from lib import docx, odt, nfd

SVHTT = ('ỦY BAN NHÂN DÂN', 'THÀNH PHỐ HỒ CHÍ MINH', 'SỞ VĂN HÓA VÀ THỂ THAO')
TTTL = ('SỞ VĂN HÓA VÀ THỂ THAO', 'TRUNG TÂM THÔNG TIN TRIỂN LÃM')
TTTL2 = ('SỞ VĂN HOÁ VÀ THỂ THAO TP.HCM', 'TRUNG TÂM THÔNG TIN TRIỂN LÃM')


class Doc:
    def __init__(self, issuer=TTTL, so='', date='Thành phố Hồ Chí Minh, ngày 10 tháng 6 năm 2024',
                 heading='', trich='', vv='', kinh_gui=None, paras=None, noi_nhan=None,
                 sign=('GIÁM ĐỐC',), name='', mat=None, khan=None, hoa='HÒA', party=False,
                 closing='./.', extra_tail=None):
        self.issuer = issuer; self.so = so; self.date = date; self.heading = heading
        self.trich = trich; self.vv = vv; self.kinh_gui = kinh_gui or []; self.paras = paras or []
        self.noi_nhan = noi_nhan or []; self.sign = sign; self.name = name; self.mat = mat
        self.khan = khan; self.hoa = hoa; self.party = party; self.closing = closing
        self.extra_tail = extra_tail or []

    def motto(self):
        if self.party:
            return ['ĐẢNG CỘNG SẢN VIỆT NAM']
        return ['CỘNG %s XÃ HỘI CHỦ NGHĨA VIỆT NAM' % self.hoa, 'Độc lập - Tự do - Hạnh phúc']

    def left(self):
        l = list(self.issuer)
        l[-1] = l[-1]
        out = [(x, 'cb' if i == len(l) - 1 else 'c') for i, x in enumerate(l)]
        out.append(('*' if self.party else '________', 'c'))
        if self.so: out.append(('Số: %s' % self.so, 'c'))
        if self.vv: out.append((self.vv, 'cs'))
        return out

    def stamps(self):
        out = []
        if self.mat: out.append((self.mat, 'bx'))
        if self.khan: out.append((self.khan, 'bx'))
        return out

    def main_paras(self):
        out = []
        if self.heading: out.append((self.heading, 'cbH'))
        if self.trich: out.append((self.trich, 'cb'))
        if self.heading or self.trich: out.append(('', ''))
        if self.kinh_gui:
            if len(self.kinh_gui) == 1:
                out.append(('Kính gửi: ' + self.kinh_gui[0], 'c'))
            else:
                out.append(('Kính gửi:', 'c'))
                for k in self.kinh_gui: out.append(('- ' + k, 'c'))
            out.append(('', ''))
        for i, p in enumerate(self.paras):
            if i == len(self.paras) - 1 and self.closing and not p.endswith(self.closing):
                p = p + (self.closing[1:] if p.endswith('.') and self.closing.startswith('.') else self.closing)
            out.append((p, 'j'))
        return out

    def sign_block(self):
        s = [(x, 'cb') for x in self.sign]
        s += [('', ''), ('(đã ký)', 'ci'), ('', ''), (self.name, 'cb')]
        return s

    def nn_block(self):
        if not self.noi_nhan: return []
        return [('Nơi nhận:', 'bi')] + [('- ' + n if not n.startswith('-') else n, 's') for n in self.noi_nhan]

    # ---- renderers ----
    def text(self, layout='seq', width=72):
        L = []
        left = [t for t, _ in self.left()]
        right = self.motto() + ['', self.date]
        if layout == 'cols':
            n = max(len(left), len(right))
            for i in range(n):
                a = left[i] if i < len(left) else ''
                b = right[i] if i < len(right) else ''
                L.append(a.ljust(38) + b)
        else:
            L += left + [''] + self.motto() + ['', self.date]
        for t, _ in self.stamps(): L.append(t)
        L.append('')
        for t, _ in self.main_paras(): L.append(t)
        L.append('')
        sb = [t for t, _ in self.sign_block()]
        nn = [t for t, _ in self.nn_block()]
        if layout == 'cols':
            n = max(len(sb), len(nn))
            for i in range(n):
                a = nn[i] if i < len(nn) else ''
                b = sb[i] if i < len(sb) else ''
                L.append(a.ljust(38) + b)
        else:
            L += sb + [''] + nn
        L += self.extra_tail
        return '\n'.join(L).rstrip() + '\n'

    def blocks(self):
        left = self.left() + self.stamps()
        right = [(x, 'cb' if i == 0 else 'cbu') for i, x in enumerate(self.motto())] + [('', ''), (self.date, 'ci')]
        bl = [('t', [[left, right]], False)]
        for t, s in self.main_paras(): bl.append(('p', t, s))
        bl.append(('p', '', ''))
        bl.append(('t', [[self.nn_block() or [('', '')], self.sign_block()]], False))
        for t in self.extra_tail: bl.append(('p', t, ''))
        return bl

    def docx(self): return docx(self.blocks())
    def odt(self): return odt(self.blocks())
