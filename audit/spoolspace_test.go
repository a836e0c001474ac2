package audit

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// smallFS mounts a tmpfs of the given size, or skips (with the reason)
// where the machine does not allow it.
func smallFS(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a %s tmpfs here (needs root): %v %s", size, err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

// A segment whose header cannot be written is not used (its records would
// sit 8 bytes off) and not left behind.
func TestNewSegmentHeaderWriteFails(t *testing.T) {
	dir := smallFS(t, "64k")
	s := testSpool(t, dir, MinSpoolMaxBytes)
	// Fill the file system to the last byte.
	f, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	for {
		if _, err := f.Write(buf); err != nil {
			break
		}
	}
	f.Close()
	s.mu.Lock()
	before := len(s.segs)
	err = s.newSegment(s.segs[len(s.segs)-1].seq + 1)
	after := len(s.segs)
	s.mu.Unlock()
	if err == nil {
		t.Fatal("newSegment succeeded on a full file system")
	}
	if after != before {
		t.Fatalf("segments %d -> %d after a failed header write", before, after)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "seg-*.wal")); len(m) != 1 {
		t.Fatalf("segment files after the failure: %v", m)
	}
	t.Logf("header write refused: %v", err)
}
