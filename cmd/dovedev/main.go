// Command dovedev runs the demo's mailbox server: a private Dovecot
// (Debian's dovecot-imapd and dovecot-pop3d) configured by
// internal/dovetest in a folder of its own, with passwd-file users and one
// Maildir per user, in the foreground until SIGINT or SIGTERM.
// scripts/dev.sh starts it; mailaudit's sink delivers into its Maildirs.
//
//	dovedev -dir .run/dovecot -imap 127.0.0.1:2144 -pop3 127.0.0.1:2110 -users 'a@x.vn:pw,b@x.vn:pw'
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"mailaudit/internal/dovetest"
)

func main() {
	dir := flag.String("dir", ".run/dovecot", "folder for the config, users, Maildirs and logs")
	imap := flag.String("imap", "127.0.0.1:2144", "IMAP address (loopback)")
	pop3 := flag.String("pop3", "127.0.0.1:2110", "POP3 address (loopback)")
	users := flag.String("users", "", "comma-separated login:password pairs")
	flag.Parse()
	if err := run(*dir, *imap, *pop3, *users); err != nil {
		fmt.Fprintln(os.Stderr, "dovedev:", err)
		os.Exit(1)
	}
}

func run(dir, imap, pop3, users string) error {
	o := dovetest.Options{Users: map[string]string{}}
	var err error
	if o.IMAPPort, err = port(imap); err != nil {
		return fmt.Errorf("-imap: %w", err)
	}
	if o.POP3Port, err = port(pop3); err != nil {
		return fmt.Errorf("-pop3: %w", err)
	}
	for _, pair := range strings.Split(users, ",") {
		u, p, ok := strings.Cut(pair, ":")
		if !ok || u == "" {
			return fmt.Errorf("-users: %q is not login:password", pair)
		}
		o.Users[u] = p
	}
	if o.Dir, err = filepath.Abs(dir); err != nil {
		return err
	}
	bin, err := dovetest.Binary()
	if err != nil {
		return err
	}
	s, err := dovetest.Configure(o.Dir, o)
	if err != nil {
		return err
	}
	if err := s.Run(bin); err != nil {
		return err
	}
	defer s.Stop()
	fmt.Printf("dovecot: IMAP %s, POP3 %s, Maildirs in %s\n", s.IMAPAddr, s.POP3Addr, s.MailRoot())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	return nil
}

func port(addr string) (int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return 0, err
	}
	if host != "127.0.0.1" {
		return 0, fmt.Errorf("%s: the demo's Dovecot listens on 127.0.0.1 only", addr)
	}
	return strconv.Atoi(p)
}
