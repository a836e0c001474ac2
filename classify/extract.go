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
)

// kind of file by extension, then by magic bytes.
func fileKind(name, mt string, data []byte) string {
	ext := strings.ToLower(path.Ext(name))
	switch ext {
	case ".docx", ".docm", ".dotx", ".xlsx", ".xlsm", ".pptx", ".odt", ".ods", ".odp",
		".pdf", ".rtf", ".doc", ".zip", ".eml", ".txt", ".csv", ".htm", ".html":
		return ext[1:]
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
	case mt == "text/plain" || mt == "text/csv":
		return "txt"
	case mt == "text/html":
		return "html"
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
	case "pdf":
		err = w.extractPDF(u, data, where)
	case "rtf":
		var s string
		s, err = extractRTF(data)
		u.add(where, w.keepText(nfc(s)))
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

// readZipMember reads one zip member within the byte and ratio limits.
// The sizes in the zip directory can lie, so the reader itself is bounded.
func (w *walker) readZipMember(f *zip.File) ([]byte, error) {
	if !w.takePart() {
		return nil, ErrLimitParts
	}
	csize := int64(f.CompressedSize64)
	if csize < 1 {
		csize = 1
	}
	maxByRatio := int64(float64(csize) * w.lim.MaxRatio)
	if maxByRatio < 64<<10 {
		// Tiny members (empty XML parts) compress extremely well; a
		// small floor avoids false ratio alarms without enabling bombs.
		maxByRatio = 64 << 10
	}
	left := w.lim.MaxBytes - w.bytes
	limit := min(maxByRatio, left)
	if int64(f.UncompressedSize64) > maxByRatio {
		w.limit(ErrLimitRatio, false)
		return nil, ErrLimitRatio
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
		if limit == maxByRatio {
			w.limit(ErrLimitRatio, false)
			return nil, ErrLimitRatio
		}
		w.takeBytes(n)
		return nil, ErrLimitBytes
	}
	if !w.takeBytes(n) {
		return nil, ErrLimitBytes
	}
	if err != nil && err != io.EOF {
		return buf.Bytes(), err
	}
	return buf.Bytes(), nil
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
		return w.officeParts(u, files, where, nil, "ppt/slides/slide", "", pptxProfile)
	case "odf":
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
		b, err := w.readZipMember(f)
		if err != nil {
			if firstErr == nil && err != ErrLimitRatio && err != ErrLimitBytes && err != ErrLimitParts {
				firstErr = err
			}
			if b == nil {
				continue
			}
		}
		loc := where
		if prof == pptxProfile {
			loc = fmt.Sprintf("%s, slide %d", where, i+1)
		}
		text := xmlText(b, prof, w.lim.MaxChars-w.chars)
		u.add(loc, w.keepText(nfc(text)))
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
