// Package dovetest runs private Dovecot IMAP/POP3 servers for tests.
//
// Every Server gets its own temporary folder (config, passwd-file, Maildirs,
// logs), its own free loopback ports and runs in the foreground as the
// current user (no chroot, no privileged ports), so tests never touch a
// system Dovecot. It is stopped by t.Cleanup.
//
//	srv := dovetest.Start(t, dovetest.Options{Users: map[string]string{"a@x.vn": "pw"}})
//	srv.Deliver(t, "a@x.vn", msg) // a new message in the user's Maildir
//
// The binary is $DOVECOT, else dovecot on PATH or in /usr/sbin (Debian's
// dovecot-core, with dovecot-imapd and dovecot-pop3d). When it is missing
// the test fails, it is not skipped: scripts/deps.sh installs it.
package dovetest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"mailaudit/internal/freeport"
	"mailaudit/internal/maildir"
)

// Options configure a server.
type Options struct {
	// Users are login -> password (stored in clear in the passwd-file: a
	// test's throw-away accounts).
	Users map[string]string
	// MaxSessions raises Dovecot's process and connection limits for
	// benchmarks that hold this many sessions (default: a small test).
	MaxSessions int
	// IMAPPort and POP3Port fix the ports (0: free ones).
	IMAPPort, POP3Port int
	// Dir is the folder to use (default t.TempDir()); a demo keeps it.
	Dir string
	// TLS turns on STARTTLS/STLS and the imaps/pop3s listeners, with a
	// self-signed certificate for localhost.
	TLS bool
}

// Server is one private Dovecot.
type Server struct {
	Dir       string
	IMAPAddr  string
	POP3Addr  string
	IMAPSAddr string // with Options.TLS
	POP3SAddr string // with Options.TLS
	cmd       *exec.Cmd
}

// Binary finds the dovecot binary, or returns an error saying how to get it.
func Binary() (string, error) {
	if b := os.Getenv("DOVECOT"); b != "" {
		return b, nil
	}
	if b, err := exec.LookPath("dovecot"); err == nil {
		return b, nil
	}
	if _, err := os.Stat("/usr/sbin/dovecot"); err == nil {
		return "/usr/sbin/dovecot", nil
	}
	return "", fmt.Errorf("dovecot not found (set $DOVECOT or run scripts/deps.sh: dovecot-imapd dovecot-pop3d)")
}

// Start writes a config and starts Dovecot; it fails the test if the
// server does not answer within 20 s.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	bin, err := Binary()
	if err != nil {
		t.Fatalf("dovetest: %v", err)
	}
	dir := o.Dir
	if dir == "" {
		dir = t.TempDir()
	}
	s, err := Configure(dir, o)
	if err != nil {
		t.Fatalf("dovetest: %v", err)
	}
	if err := s.Run(bin); err != nil {
		t.Fatalf("dovetest: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
			t.Logf("dovecot.log:\n%s", log)
		}
		s.Stop()
	})
	return s
}

// Configure writes the config, passwd-file and Maildirs into dir without
// starting anything (cmd/dovedev, the demo's Dovecot, uses it).
func Configure(dir string, o Options) (*Server, error) {
	if o.IMAPPort == 0 || o.POP3Port == 0 {
		ports, err := freePorts(2)
		if err != nil {
			return nil, err
		}
		if o.IMAPPort == 0 {
			o.IMAPPort = ports[0]
		}
		if o.POP3Port == 0 {
			o.POP3Port = ports[1]
		}
	}
	for _, d := range []string{"run", "state", "mail"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			return nil, err
		}
	}
	u, err := user.Current()
	if err != nil {
		return nil, err
	}
	// Dovecot's login processes refuse to run as root: as root they run as
	// Debian's unprivileged dovenull, which must reach base_dir (run/)
	// through the test's private folders.
	loginUser, mailUID, mailGID := u.Username, u.Uid, u.Gid
	if u.Uid == "0" {
		// Mail processes refuse uid 0 as well: mail belongs to Debian's
		// dovecot user then.
		loginUser = "dovenull"
		mu, err := user.Lookup("dovecot")
		if err != nil {
			return nil, fmt.Errorf("running as root needs the dovecot user: %w", err)
		}
		mailUID, mailGID = mu.Uid, mu.Gid
		// Only the search (x) bit is added, and only where missing.
		abs, err := filepath.Abs(dir)
		if err != nil {
			return nil, err
		}
		for d := abs; d != "/"; d = filepath.Dir(d) {
			st, err := os.Stat(d)
			if err != nil {
				return nil, err
			}
			if st.Mode().Perm()&0o001 == 0 {
				if err := os.Chmod(d, st.Mode().Perm()|0o011); err != nil {
					return nil, err
				}
			}
		}
	}
	var pw strings.Builder
	names := make([]string, 0, len(o.Users))
	for n := range o.Users {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&pw, "%s:{PLAIN}%s\n", n, o.Users[n])
		for _, sub := range []string{"cur", "new", "tmp"} {
			if err := os.MkdirAll(filepath.Join(dir, "mail", n, "Maildir", sub), 0o700); err != nil {
				return nil, err
			}
		}
		if err := chownTree(filepath.Join(dir, "mail", n), mailUID, mailGID); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "passwd"), []byte(pw.String()), 0o600); err != nil {
		return nil, err
	}
	if err := chownTree(filepath.Join(dir, "mail"), mailUID, mailGID); err != nil {
		return nil, err
	}
	ssl, imaps, pop3s := "ssl = no", 0, 0
	if o.TLS {
		ports, err := freePorts(2)
		if err != nil {
			return nil, err
		}
		imaps, pop3s = ports[0], ports[1]
		if err := writeCert(dir); err != nil {
			return nil, err
		}
		ssl = fmt.Sprintf("ssl = yes\nssl_cert = <%[1]s/cert.pem\nssl_key = <%[1]s/key.pem", dir)
	}
	limits := ""
	if o.MaxSessions > 0 {
		n := o.MaxSessions + 100
		limits = fmt.Sprintf(`default_client_limit = %[1]d
default_process_limit = %[1]d
default_vsz_limit = 0
mail_max_userip_connections = %[1]d
service imap {
  service_count = 0
  process_limit = 64
  client_limit = %[2]d
}
service imap-login {
  service_count = 0
  process_min_avail = 2
  client_limit = %[1]d
}
service anvil {
  client_limit = %[3]d
}
`, n, n/64+100, 2*n+200)
	}
	conf := fmt.Sprintf(`# Generated by internal/dovetest: a private test server.
base_dir = %[1]s/run
state_dir = %[1]s/state
instance_name = dovetest-%[6]d
log_path = %[1]s/dovecot.log
protocols = imap pop3
listen = 127.0.0.1
%[11]s
disable_plaintext_auth = no
auth_mechanisms = plain login
# Loopback is trusted: no growing auth-failure penalty between tests that
# log in wrongly on purpose (the penalty is per client address).
login_trusted_networks = 127.0.0.0/8
auth_failure_delay = 0
first_valid_uid = 0
default_login_user = %[10]s
default_internal_user = %[2]s
default_internal_group = %[7]s
mail_location = maildir:~/Maildir
mailbox_idle_check_interval = 1s
imap_idle_notify_interval = 2 mins
pop3_uidl_format = %%08Xu%%08Xv
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/passwd
}
userdb {
  driver = static
  args = uid=%[3]s gid=%[8]s home=%[1]s/mail/%%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = %[4]d
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = %[12]d
  }
}
service pop3-login {
  chroot =
  inet_listener pop3 {
    address = 127.0.0.1
    port = %[5]d
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = %[13]d
  }
}
service auth {
  unix_listener auth-userdb {
    mode = 0600
  }
}
%[9]s`, dir, u.Username, mailUID, o.IMAPPort, o.POP3Port, os.Getpid(), groupName(u), mailGID, limits, loginUser, ssl, imaps, pop3s)
	if err := os.WriteFile(filepath.Join(dir, "dovecot.conf"), []byte(conf), 0o600); err != nil {
		return nil, err
	}
	s := &Server{
		Dir:      dir,
		IMAPAddr: "127.0.0.1:" + strconv.Itoa(o.IMAPPort),
		POP3Addr: "127.0.0.1:" + strconv.Itoa(o.POP3Port),
	}
	if o.TLS {
		s.IMAPSAddr = "127.0.0.1:" + strconv.Itoa(imaps)
		s.POP3SAddr = "127.0.0.1:" + strconv.Itoa(pop3s)
	}
	return s, nil
}

func groupName(u *user.User) string {
	if g, err := user.LookupGroupId(u.Gid); err == nil {
		return g.Name
	}
	return u.Gid
}

// Run starts the configured server in the foreground (-F) and waits until
// both ports answer.
func (s *Server) Run(bin string) error {
	cmd := exec.Command(bin, "-F", "-c", filepath.Join(s.Dir, "dovecot.conf"))
	out, err := os.Create(filepath.Join(s.Dir, "stdout.log"))
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", bin, err)
	}
	s.cmd = cmd
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(20 * time.Second)
	for _, addr := range []string{s.IMAPAddr, s.POP3Addr} {
		for {
			c, err := net.DialTimeout("tcp", addr, time.Second)
			if err == nil {
				c.Close()
				break
			}
			select {
			case err := <-exited:
				log, _ := os.ReadFile(filepath.Join(s.Dir, "stdout.log"))
				dlog, _ := os.ReadFile(filepath.Join(s.Dir, "dovecot.log"))
				return fmt.Errorf("dovecot exited (%v): %s %s", err, log, dlog)
			case <-time.After(50 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				s.Stop()
				dlog, _ := os.ReadFile(filepath.Join(s.Dir, "dovecot.log"))
				return fmt.Errorf("dovecot did not answer on %s: %s", addr, dlog)
			}
		}
	}
	return nil
}

// Stop ends the server and its children.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		for i := 0; i < 100; i++ {
			if syscall.Kill(s.cmd.Process.Pid, 0) != nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(6 * time.Second):
	}
	syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
}

// MailRoot is the folder with one <login>/Maildir per user.
func (s *Server) MailRoot() string { return filepath.Join(s.Dir, "mail") }

// Maildir is the user's Maildir (cur, new, tmp).
func (s *Server) Maildir(user string) string {
	return filepath.Join(s.Dir, "mail", user, "Maildir")
}

// Deliver puts msg into the user's Maildir as a new message.
func (s *Server) Deliver(t testing.TB, user string, msg []byte) {
	t.Helper()
	if err := maildir.Deliver(s.Maildir(user), msg); err != nil {
		t.Fatalf("dovetest: deliver: %v", err)
	}
}

// chownTree gives dir and everything under it to uid:gid (numeric
// strings), when that is not the current user.
func chownTree(dir, uid, gid string) error {
	if uid == strconv.Itoa(os.Getuid()) {
		return nil
	}
	u, _ := strconv.Atoi(uid)
	g, _ := strconv.Atoi(gid)
	return filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Chown(p, u, g)
	})
}

// freePorts: see internal/freeport for why not the kernel's ":0" choice.
func freePorts(n int) ([]int, error) { return freeport.Loopback(n) }

// writeCert writes a throw-away self-signed certificate for localhost
// (cert.pem, key.pem) into dir.
func writeCert(dir string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "localhost", Organization: []string{"dovetest"}},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "cert.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "key.pem"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
}
