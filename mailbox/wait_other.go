//go:build !linux

package mailbox

import "syscall"

// waitReadable is a no-op here: the copy loop then blocks in Read with its
// buffer, which costs memory per idle session but is correct.
func waitReadable(syscall.RawConn) error { return nil }
