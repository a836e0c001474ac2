// Package maildir delivers a message into a Maildir the way Dovecot
// expects (written under tmp/, renamed into new/), for the demo's sink and
// the Dovecot test harness.
package maildir

import (
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"time"
)

var seq atomic.Int64

// Deliver writes msg into the Maildir dir (which has cur/, new/, tmp/).
// The file gets the Maildir's owner, so a mail server running as another
// user (Dovecot's mail user when we run as root) can read it.
func Deliver(dir string, msg []byte) error {
	host, _ := os.Hostname()
	now := time.Now()
	name := fmt.Sprintf("%d.M%dP%dQ%d.%s", now.Unix(), now.Nanosecond()/1000, os.Getpid(), seq.Add(1), host)
	tmp := filepath.Join(dir, "tmp", name)
	if err := os.WriteFile(tmp, msg, 0o600); err != nil {
		return fmt.Errorf("maildir: %w", err)
	}
	if st, err := os.Stat(dir); err == nil {
		if sys, ok := st.Sys().(*syscall.Stat_t); ok && int(sys.Uid) != os.Getuid() {
			if err := os.Chown(tmp, int(sys.Uid), int(sys.Gid)); err != nil {
				os.Remove(tmp)
				return fmt.Errorf("maildir: %w", err)
			}
		}
	}
	if err := os.Rename(tmp, filepath.Join(dir, "new", name)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("maildir: %w", err)
	}
	return nil
}
