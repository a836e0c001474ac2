package relay

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync"
)

// spill keeps a copy of the message as it streams upstream, so the
// classifier can read it once the last byte is in. Up to max bytes stay in
// memory; past that the copy moves to a temporary file, so a 30 MB
// attachment costs disk, not heap. One spill serves one message; reset
// gives its memory back to the relay's pool, so idle sessions hold none.
type spill struct {
	max  int
	dir  string
	pool *sync.Pool // of *bytes.Buffer
	mem  *bytes.Buffer
	file *os.File
	size int64
}

func (s *spill) Write(p []byte) (int, error) {
	s.size += int64(len(p))
	if s.file != nil {
		return s.file.Write(p)
	}
	if s.mem == nil {
		s.mem = s.pool.Get().(*bytes.Buffer)
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
		if s.mem == nil {
			return bytes.NewReader(nil), nil
		}
		return bytes.NewReader(s.mem.Bytes()), nil
	}
	return io.NewSectionReader(s.file, 0, s.size), nil
}

// keepBuffer is the largest buffer that goes back to the pool: a big
// message's buffer is left to the garbage collector.
const keepBuffer = 64 << 10

// reset drops the message and returns the memory buffer to the pool.
func (s *spill) reset() {
	if s.file != nil {
		s.file.Close()
		s.file = nil
	}
	if s.mem != nil {
		if s.mem.Cap() <= keepBuffer {
			s.mem.Reset()
			s.pool.Put(s.mem)
		}
		s.mem = nil
	}
	s.size = 0
}
