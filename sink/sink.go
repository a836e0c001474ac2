// Package sink is a stand-in upstream SMTP server: it accepts mail the way
// the city submission server would (optionally requiring AUTH), keeps or
// discards it, and never delivers anything. `mailaudit sink` runs it for
// the newcomer's demo and the load tool; the relay tests use it as their
// real upstream over TCP.
package sink

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"crypto/tls"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"mailaudit/internal/maildir"
	"mailaudit/internal/saslogin"
)

// Options configure a sink.
type Options struct {
	Addr     string
	Hostname string
	// Users, when set, makes AUTH mandatory: login -> password.
	Users map[string]string
	// TLS enables STARTTLS with this config.
	TLS *tls.Config
	// Dir, when set, receives every accepted message as a .eml file.
	Dir string
	// Maildirs, when set, is a folder of <recipient>/Maildir mailboxes
	// (the demo's Dovecot serves them): every accepted message is
	// delivered to each recipient that has one.
	Maildirs string
	// Keep holds accepted messages in memory (tests read them with Messages).
	Keep bool
	// MaxMessageBytes is advertised in SIZE; 0 means no limit.
	MaxMessageBytes int64
	Log             *slog.Logger
}

// Message is one accepted message.
type Message struct {
	User string
	From string
	To   []string
	Data []byte
	Size int64
	Hash string // sha256 of the data, hex
	TLS  bool   // the session was encrypted (STARTTLS)
}

// Sink is a running stand-in server.
type Sink struct {
	opts     Options
	srv      *smtp.Server
	ln       net.Listener
	mu       sync.Mutex
	msgs     []Message
	accepted atomic.Int64
	// dots counts final dots received; a message aborted before its dot
	// never counts.
	dots  atomic.Int64
	seq   atomic.Int64
	holdC chan struct{}
	last  atomic.Value // string: hash of the last accepted message
}

// Start listens and serves in the background.
func Start(opts Options) (*Sink, error) {
	if opts.Hostname == "" {
		opts.Hostname = "sink.localhost"
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.Dir != "" {
		if err := os.MkdirAll(opts.Dir, 0o750); err != nil {
			return nil, fmt.Errorf("sink: %w", err)
		}
	}
	s := &Sink{opts: opts}
	srv := smtp.NewServer(s)
	srv.Domain = opts.Hostname
	srv.MaxMessageBytes = opts.MaxMessageBytes
	srv.MaxRecipients = 1000
	srv.EnableSMTPUTF8 = true
	srv.AllowInsecureAuth = true
	srv.TLSConfig = opts.TLS
	srv.ReadTimeout = 5 * time.Minute
	srv.WriteTimeout = 5 * time.Minute
	srv.ErrorLog = nopLogger{}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("sink: listen %s: %w", opts.Addr, err)
	}
	s.srv, s.ln = srv, ln
	go srv.Serve(ln)
	return s, nil
}

// Addr is the bound address.
func (s *Sink) Addr() string { return s.ln.Addr().String() }

// Close stops the server and drops its connections.
func (s *Sink) Close() error { return s.srv.Close() }

// Messages returns the messages kept so far.
func (s *Sink) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Accepted is the number of messages accepted.
func (s *Sink) Accepted() int64 { return s.accepted.Load() }

// Hold makes the next messages wait at the final dot until the returned
// function is called: tests use it to have a transaction in flight.
func (s *Sink) Hold() (release func()) {
	c := make(chan struct{})
	s.mu.Lock()
	s.holdC = c
	s.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			s.holdC = nil
			s.mu.Unlock()
			close(c)
		})
	}
}

// NewSession implements smtp.Backend.
func (s *Sink) NewSession(c *smtp.Conn) (smtp.Session, error) {
	_, tls := c.TLSConnectionState()
	return &session{s: s, tls: tls}, nil
}

type session struct {
	s      *Sink
	tls    bool
	user   string
	authed bool
	from   string
	to     []string
}

func (ss *session) AuthMechanisms() []string {
	if ss.s.opts.Users == nil {
		return nil
	}
	return []string{sasl.Plain, sasl.Login}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	check := func(user, pass string) error {
		want, ok := ss.s.opts.Users[user]
		if !ok || want != pass {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Username and Password not accepted (sink)"}
		}
		ss.user, ss.authed = user, true
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, u, p string) error { return check(u, p) }), nil
	case sasl.Login:
		return saslogin.NewServer(check), nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.opts.Users != nil && !ss.authed {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

// Rcpt refuses addresses whose local part starts with "reject" (550) or
// "defer" (451), so tests can check that upstream replies pass through.
func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	local, _, _ := strings.Cut(strings.ToLower(to), "@")
	switch {
	case strings.HasPrefix(local, "reject"):
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Recipient address rejected: user unknown (sink)"}
	case strings.HasPrefix(local, "defer"):
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 2, 0}, Message: "Recipient temporarily unavailable (sink)"}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	s := ss.s
	var buf bytes.Buffer
	var w io.Writer = io.Discard
	if s.opts.Keep || s.opts.Dir != "" || s.opts.Maildirs != "" {
		w = &buf
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), r)
	if err != nil {
		return err
	}
	s.dots.Add(1)
	s.mu.Lock()
	hold := s.holdC
	s.mu.Unlock()
	if hold != nil {
		<-hold
	}
	id := s.seq.Add(1)
	sum := hex.EncodeToString(h.Sum(nil))
	if s.opts.Dir != "" {
		name := filepath.Join(s.opts.Dir, fmt.Sprintf("%d-%06d.eml", time.Now().Unix(), id))
		if err := os.WriteFile(name, buf.Bytes(), 0o640); err != nil {
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "cannot store message"}
		}
		s.opts.Log.Info("message stored", "file", name, "from", ss.from, "rcpts", ss.to, "bytes", n)
	}
	if s.opts.Maildirs != "" {
		if err := s.deliverMaildirs(ss.to, buf.Bytes()); err != nil {
			s.opts.Log.Error("maildir delivery failed", "err", err)
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "cannot store message"}
		}
	}
	if s.opts.Keep {
		s.mu.Lock()
		s.msgs = append(s.msgs, Message{User: ss.user, From: ss.from, To: append([]string(nil), ss.to...), Data: append([]byte(nil), buf.Bytes()...), Size: n, Hash: sum, TLS: ss.tls})
		s.mu.Unlock()
	}
	s.last.Store(sum)
	s.accepted.Add(1)
	return &smtp.SMTPError{Code: 250, EnhancedCode: smtp.EnhancedCode{2, 0, 0}, Message: fmt.Sprintf("Ok: queued as SINK%06d", id)}
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}
func (nopLogger) Println(...any)        {}

// LastHash is the sha256 (hex) of the last accepted message.
func (s *Sink) LastHash() string {
	v, _ := s.last.Load().(string)
	return v
}

// Dots is the number of final dots received (accepted or not).
func (s *Sink) Dots() int64 { return s.dots.Load() }

// deliverMaildirs puts msg into the Maildir of every recipient that has
// one under opts.Maildirs; other recipients are accepted and dropped, as
// an outside domain would be by the real city server's next hop.
func (s *Sink) deliverMaildirs(rcpts []string, msg []byte) error {
	for _, r := range rcpts {
		r = strings.ToLower(r)
		if strings.ContainsAny(r, "/\\") || strings.HasPrefix(r, ".") {
			continue
		}
		dir := filepath.Join(s.opts.Maildirs, r, "Maildir")
		if _, err := os.Stat(filepath.Join(dir, "new")); err != nil {
			continue
		}
		if err := maildir.Deliver(dir, msg); err != nil {
			return err
		}
		s.opts.Log.Info("message delivered", "maildir", dir, "bytes", len(msg))
	}
	return nil
}
