package relay

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// spill keeps a copy of the message as it streams upstream, so the
// classifier can read it once the last byte is in. Up to max bytes stay in
// memory; past that the copy moves to a temporary file, so a 30 MB
// attachment costs disk, not heap. One spill serves one message; reset
// reuses its memory for the next message of the session.
type spill struct {
	max  int
	dir  string
	mem  bytes.Buffer
	file *os.File
	size int64
}

func (s *spill) Write(p []byte) (int, error) {
	s.size += int64(len(p))
	if s.file != nil {
		return s.file.Write(p)
	}
	if s.mem.Len()+len(p) <= s.max {
		return s.mem.Write(p)
	}
	f, err := os.CreateTemp(s.dir, "mailaudit-msg-*")
	if err != nil {
		return 0, fmt.Errorf("spill to temp file: %w", err)
	}
	// Unlink at once: the data lives as long as the descriptor, and a crash
	// leaves nothing behind to clean.
	os.Remove(f.Name())
	s.file = f
	if _, err := f.Write(s.mem.Bytes()); err != nil {
		return 0, fmt.Errorf("spill to temp file: %w", err)
	}
	s.mem.Reset()
	return f.Write(p)
}

// reader returns the whole message from its first byte.
func (s *spill) reader() (io.Reader, error) {
	if s.file == nil {
		return bytes.NewReader(s.mem.Bytes()), nil
	}
	return io.NewSectionReader(s.file, 0, s.size), nil
}

// keepBuffer is the most memory an idle session holds on to between
// messages: a thousand idle sessions must not pin a megabyte each.
const keepBuffer = 64 << 10

// reset drops the message; a small memory buffer is kept for the next one.
func (s *spill) reset() {
	if s.file != nil {
		s.file.Close()
		s.file = nil
	}
	if s.mem.Cap() > keepBuffer {
		s.mem = bytes.Buffer{}
	}
	s.mem.Reset()
	s.size = 0
}
