package classify

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"unicode/utf16"

	"github.com/richardlehane/mscfb"
	"golang.org/x/text/encoding/charmap"
)

// extractDoc reads the text of a legacy Word 97–2003 .doc on a
// best-effort basis: the compound file is opened with richardlehane/mscfb
// (Apache-2.0, used by the siegfried format identifier), then the piece
// table (Clx) named by the FIB is followed to pull each text piece, 8-bit
// (cp1252) or UTF-16. Fonts are not decoded, so TCVN3 text inside a .doc
// comes out as Latin-1 letters.
func extractDoc(data []byte) (text string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("doc: malformed compound file")
		}
	}()
	rd, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return "", err
	}
	var wordDoc, table0, table1 []byte
	for e, ferr := rd.Next(); ferr == nil; e, ferr = rd.Next() {
		switch e.Name {
		case "WordDocument", "0Table", "1Table":
			if e.Size > int64(len(data))*4 || e.Size > 256<<20 {
				return "", errors.New("doc: stream larger than the file allows")
			}
			b, rerr := io.ReadAll(io.LimitReader(e, e.Size))
			if rerr != nil {
				return "", rerr
			}
			switch e.Name {
			case "WordDocument":
				wordDoc = b
			case "0Table":
				table0 = b
			default:
				table1 = b
			}
		}
	}
	if len(wordDoc) < 0x1AA {
		return "", errors.New("doc: no WordDocument stream")
	}
	if binary.LittleEndian.Uint16(wordDoc) != 0xA5EC {
		return "", errors.New("doc: bad FIB magic")
	}
	flags := binary.LittleEndian.Uint16(wordDoc[0x0A:])
	table := table0
	if flags&0x0200 != 0 {
		table = table1
	}
	fcClx := binary.LittleEndian.Uint32(wordDoc[0x01A2:])
	lcbClx := binary.LittleEndian.Uint32(wordDoc[0x01A6:])
	if table == nil || uint64(fcClx)+uint64(lcbClx) > uint64(len(table)) || lcbClx == 0 {
		return scanDocText(wordDoc), nil
	}
	clx := table[fcClx : fcClx+lcbClx]
	// Skip Prc entries (grpprl), then read the Pcdt.
	for len(clx) > 0 && clx[0] == 0x01 {
		if len(clx) < 3 {
			return scanDocText(wordDoc), nil
		}
		cb := int(binary.LittleEndian.Uint16(clx[1:]))
		if 3+cb > len(clx) {
			return scanDocText(wordDoc), nil
		}
		clx = clx[3+cb:]
	}
	if len(clx) < 5 || clx[0] != 0x02 {
		return scanDocText(wordDoc), nil
	}
	lcb := int(binary.LittleEndian.Uint32(clx[1:]))
	plc := clx[5:]
	if lcb > len(plc) || lcb < 4 {
		return scanDocText(wordDoc), nil
	}
	plc = plc[:lcb]
	n := (lcb - 4) / 12 // (n+1) CPs of 4 bytes + n PCDs of 8 bytes
	var out strings.Builder
	dec := charmap.Windows1252.NewDecoder()
	for i := 0; i < n; i++ {
		cpStart := binary.LittleEndian.Uint32(plc[i*4:])
		cpEnd := binary.LittleEndian.Uint32(plc[(i+1)*4:])
		if cpEnd <= cpStart {
			continue
		}
		pcd := plc[(n+1)*4+i*8:]
		fc := binary.LittleEndian.Uint32(pcd[2:])
		count := int(cpEnd - cpStart)
		if fc&0x40000000 != 0 {
			off := int((fc &^ 0x40000000) / 2)
			if off+count > len(wordDoc) || off < 0 {
				continue
			}
			s, _ := dec.Bytes(wordDoc[off : off+count])
			writeDocChars(&out, []rune(string(s)))
		} else {
			off := int(fc)
			if off+2*count > len(wordDoc) || off < 0 {
				continue
			}
			u := make([]uint16, count)
			for k := range u {
				u[k] = binary.LittleEndian.Uint16(wordDoc[off+2*k:])
			}
			writeDocChars(&out, utf16.Decode(u))
		}
	}
	return out.String(), nil
}

// writeDocChars maps Word's special characters: 0x0D paragraph, 0x07 cell
// or row end, 0x0B line break, 0x0C page break; field instructions between
// 0x13 and 0x14 are dropped, the field result kept.
func writeDocChars(out *strings.Builder, rs []rune) {
	inField := 0
	for _, r := range rs {
		switch r {
		case 0x13:
			inField++
			continue
		case 0x14:
			if inField > 0 {
				inField--
			}
			continue
		case 0x15:
			continue
		}
		if inField > 0 {
			continue
		}
		switch r {
		case 0x0D, 0x0B, 0x0C:
			out.WriteByte('\n')
		case 0x07:
			out.WriteByte('\t')
		case 0x01, 0x08, 0x02, 0x05:
		default:
			if r >= 0x20 || r == '\t' {
				out.WriteRune(r)
			}
		}
	}
}

// scanDocText is the fallback when the piece table cannot be followed:
// the text of most Word files starts at 0x800 in the WordDocument stream.
func scanDocText(b []byte) string {
	if len(b) <= 0x800 {
		return ""
	}
	b = b[0x800:]
	var out strings.Builder
	var rs []rune
	for _, c := range b {
		if c == 0 {
			break
		}
		rs = append(rs, rune(c))
	}
	writeDocChars(&out, rs)
	return out.String()
}
