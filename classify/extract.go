package classify

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// kind of file by extension, then by magic bytes.
func fileKind(name, mt string, data []byte) string {
	ext := strings.ToLower(path.Ext(name))
	switch ext {
	case ".docx", ".docm", ".dotx", ".xlsx", ".xlsm", ".pptx", ".odt", ".ods", ".odp",
		".pdf", ".rtf", ".doc", ".zip", ".eml", ".txt", ".csv", ".htm", ".html", ".ics":
		return ext[1:]
	case ".log", ".patch", ".diff", ".md", ".json", ".xml", ".ini", ".cfg", ".conf":
		return "txt"
	case ".xls", ".ppt", ".rar", ".7z", ".p7m", ".gz":
		return "opaque"
	case ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".webp":
		return "image"
	}
	switch {
	case bytes.HasPrefix(data, []byte("%PDF")):
		return "pdf"
	case bytes.HasPrefix(data, []byte("{\\rtf")):
		return "rtf"
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return "doc"
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return "zip"
	}
	switch {
	case strings.HasPrefix(mt, "image/"):
		return "image"
	case mt == "text/calendar":
		return "ics"
	case mt == "text/html":
		return "html"
	case strings.HasPrefix(mt, "text/"):
		return "txt" // text/plain, text/csv, text/x-patch, text/x-log …
	case mt == "application/pdf":
		return "pdf"
	case mt == "message/rfc822":
		return "eml"
	}
	return "opaque"
}

// extract reads the text of a file into u. where names the location in
// signals ("attachment X.zip > a.docx").
func (w *walker) extract(u *unit, name, mt string, data []byte, depth int, where string) {
	if !w.alive() {
		return
	}
	if depth > w.lim.MaxDepth {
		w.limit(ErrLimitDepth, false)
		return
	}
	kind := fileKind(name, mt, data)
	var err error
	switch kind {
	case "image":
		u.images++
	case "opaque":
		u.unreadable = true
	case "txt", "csv":
		s, _ := decodeCharset("", data)
		u.add(where, w.keepText(nfc(s)))
	case "html", "htm":
		s, _ := decodeCharset("", data)
		u.add(where, w.keepText(nfc(htmlText(s))))
	case "eml":
		w.walkMessage(bytes.NewReader(data), depth, u, false)
	case "ics":
		w.calendarText(u, data, where)
	case "pdf":
		err = w.extractPDF(u, data, where)
	case "rtf":
		var s string
		s, err = extractRTF(data)
		u.add(where, w.keepText(nfc(validUTF8(s))))
	case "doc":
		var s string
		s, err = extractDoc(data)
		u.add(where, w.keepText(nfc(s)))
	default: // zip containers: office packages and archives
		err = w.extractZip(u, kind, data, depth, where)
	}
	if err != nil {
		w.addErr(fmt.Sprintf("extract:%s:%s", name, shortErr(err)))
	}
}

// validUTF8 replaces invalid UTF-8 with U+FFFD. Office XML and RTF text
// pass through bytes the file holds, and a damaged member can hold any
// bytes; verdicts and signals must stay valid text. (Text parts, PDF and
// .doc text are decoded to valid UTF-8 already.)
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// memberLimit returns how many decompressed bytes member f may yield: the
// compression-ratio cap (with a floor for tiny members) and the bytes left
// in the message budget. The sizes in the zip directory can lie, so the
// readers enforce the limit on what they actually read.
func (w *walker) memberLimit(f *zip.File) (limit, maxByRatio int64, err error) {
	csize := int64(f.CompressedSize64)
	if csize < 1 {
		csize = 1
	}
	maxByRatio = int64(float64(csize) * w.lim.MaxRatio)
	if maxByRatio < 64<<10 {
		// Tiny members (empty XML parts) compress extremely well; a
		// small floor avoids false ratio alarms without enabling bombs.
		maxByRatio = 64 << 10
	}
	left := w.lim.MaxBytes - w.bytes
	limit = min(maxByRatio, left)
	if int64(f.UncompressedSize64) > maxByRatio {
		w.limit(ErrLimitRatio, false)
		return 0, 0, ErrLimitRatio
	}
	return limit, maxByRatio, nil
}

// overLimit records which limit n decompressed bytes broke.
func (w *walker) overLimit(n, limit, maxByRatio int64) error {
	if limit == maxByRatio {
		w.limit(ErrLimitRatio, false)
		return ErrLimitRatio
	}
	w.takeBytes(n)
	return ErrLimitBytes
}

// readZipMember reads one zip member within the byte and ratio limits.
func (w *walker) readZipMember(f *zip.File) ([]byte, error) {
	if !w.takePart() {
		return nil, ErrLimitParts
	}
	limit, maxByRatio, err := w.memberLimit(f)
	if err != nil {
		return nil, err
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var buf bytes.Buffer
	if f.UncompressedSize64 > 0 && int64(f.UncompressedSize64) <= limit {
		buf.Grow(int(f.UncompressedSize64))
	}
	n, err := buf.ReadFrom(io.LimitReader(rc, limit+1))
	if n > limit {
		return nil, w.overLimit(n, limit, maxByRatio)
	}
	if !w.takeBytes(n) {
		return nil, ErrLimitBytes
	}
	if err != nil && err != io.EOF {
		return buf.Bytes(), err
	}
	return buf.Bytes(), nil
}

// xmlChunk is how much of an office XML member is decompressed at a time.
const xmlChunk = 64 << 10

// feedXML feeds x from r through a buffer of bufSize bytes (grown when
// one construct is larger) until the end of r, until x wants no more
// text, or until alive reports the time budget spent. It returns the
// bytes read, whether they passed limit, and the first read error other
// than io.EOF.
func feedXML(r io.Reader, x *xmlScanner, limit int64, bufSize int, alive func() bool) (n int64, over bool, rerr error) {
	buf := make([]byte, 0, max(bufSize, 16))
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		m, e := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		n += int64(m)
		if n > limit {
			return n, true, nil
		}
		final := e != nil
		if e != nil && e != io.EOF {
			rerr = e
		}
		c := x.feed(buf, final)
		buf = buf[:copy(buf, buf[c:])]
		if final || x.full() || !alive() {
			return n, false, rerr
		}
	}
}

// zipMemberText extracts the text of an office XML member as it
// decompresses, within the same limits as readZipMember, and stops
// reading once maxChars of text are in hand. ok is false when nothing
// could be read (the member is skipped); err is the first read error.
func (w *walker) zipMemberText(f *zip.File, prof *xmlProfile, maxChars int) (text string, ok bool, err error) {
	if !w.takePart() {
		return "", false, ErrLimitParts
	}
	limit, maxByRatio, err := w.memberLimit(f)
	if err != nil {
		return "", false, err
	}
	rc, err := f.Open()
	if err != nil {
		return "", false, err
	}
	defer rc.Close()
	x := newXMLScanner(prof, maxChars, int(min(f.UncompressedSize64, uint64(limit)))/4+64)
	bufSize := int(min(xmlChunk, max(int64(f.UncompressedSize64), 512)+1))
	n, over, rerr := feedXML(rc, x, limit, bufSize, w.checkTime)
	if over {
		return "", false, w.overLimit(n, limit, maxByRatio)
	}
	if !w.takeBytes(n) {
		return "", false, ErrLimitBytes
	}
	return x.result(), true, rerr
}

func (w *walker) extractZip(u *unit, kind string, data []byte, depth int, where string) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		u.unreadable = true
		return err
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	// Office packages are zips: tell them by their members, whatever the
	// file name says.
	switch {
	case files["word/document.xml"] != nil:
		kind = "docx"
	case files["xl/workbook.xml"] != nil:
		kind = "xlsx"
	case files["ppt/presentation.xml"] != nil:
		kind = "pptx"
	case files["content.xml"] != nil && files["mimetype"] != nil:
		kind = "odf"
	default:
		kind = "zip"
	}
	switch kind {
	case "docx":
		return w.officeParts(u, files, where, []string{"word/document.xml"}, "word/header", "word/footer", docxProfile)
	case "xlsx":
		return w.officeParts(u, files, where, []string{"xl/sharedStrings.xml"}, "xl/worksheets/sheet", "", xlsxProfile)
	case "pptx":
		u.slides = true
		return w.officeParts(u, files, where, nil, "ppt/slides/slide", "", pptxProfile)
	case "odf":
		if m, err := readSmall(files["mimetype"]); err == nil && strings.Contains(m, "presentation") {
			u.slides = true
		}
		return w.officeParts(u, files, where, []string{"content.xml"}, "", "", odfProfile)
	}
	// A plain archive: every member is read into this unit.
	for _, f := range zr.File {
		if !w.alive() {
			return nil
		}
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		if f.Flags&0x1 != 0 {
			u.unreadable = true
			w.addErr("extract:" + f.Name + ":encrypted zip member")
			continue
		}
		b, err := w.readZipMember(f)
		if err != nil {
			if err == ErrLimitParts || err == ErrLimitBytes {
				return nil
			}
			continue
		}
		name := cleanZipName(f)
		w.extract(u, name, "", b, depth+1, where+" > "+name)
	}
	return nil
}

// cleanZipName decodes a member name: UTF-8 when flagged or valid, else
// the legacy code page (Vietnamese Windows zips use cp1258).
func cleanZipName(f *zip.File) string {
	n := f.Name
	if f.NonUTF8 {
		n, _ = decodeCharset("", []byte(n))
	}
	return nfc(path.Base(n))
}

// officeParts reads the named members, then every member starting with
// each prefix in numeric order (sheet1, sheet2, …, header1 …).
func (w *walker) officeParts(u *unit, files map[string]*zip.File, where string, first []string, prefix, prefix2 string, prof *xmlProfile) error {
	names := append([]string(nil), first...)
	for _, p := range []string{prefix, prefix2} {
		if p == "" {
			continue
		}
		var more []string
		for n := range files {
			if strings.HasPrefix(n, p) && strings.HasSuffix(n, ".xml") && !strings.Contains(n[len(p):], "/") {
				more = append(more, n)
			}
		}
		sort.Slice(more, func(i, j int) bool { return memberNum(more[i]) < memberNum(more[j]) })
		names = append(names, more...)
	}
	var firstErr error
	for i, n := range names {
		f := files[n]
		if f == nil || !w.alive() {
			continue
		}
		text, ok, err := w.zipMemberText(f, prof, w.lim.MaxChars-w.chars)
		if err != nil {
			if firstErr == nil && err != ErrLimitRatio && err != ErrLimitBytes && err != ErrLimitParts {
				firstErr = err
			}
			if !ok {
				continue
			}
		}
		loc := where
		if prof == pptxProfile {
			loc = fmt.Sprintf("%s, slide %d", where, i+1)
		}
		u.add(loc, w.keepText(nfc(validUTF8(text))))
	}
	return firstErr
}

func memberNum(n string) int {
	n = strings.TrimSuffix(n, ".xml")
	i := len(n)
	for i > 0 && n[i-1] >= '0' && n[i-1] <= '9' {
		i--
	}
	v, _ := strconv.Atoi(n[i:])
	return v
}

// readSmall reads a small zip member (an ODF mimetype).
func readSmall(f *zip.File) (string, error) {
	if f == nil || f.UncompressedSize64 > 256 {
		return "", fmt.Errorf("no small member")
	}
	rc, err := f.Open()
	if err != nil {
		return "", err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 256))
	return string(b), err
}
