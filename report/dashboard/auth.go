package dashboard

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
)

const (
	sessionCookie = "mailaudit_session"
	sessionTTL    = 12 * time.Hour
)

// sign makes a session cookie value: user|expiry|mac. The dashboard keeps
// no session table, so a restart with the same key keeps people logged in
// and several instances behind one proxy agree.
func (s *Server) sign(user string, exp time.Time) string {
	payload := user + "|" + strconv.FormatInt(exp.Unix(), 10)
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// verify returns the user of a valid, unexpired cookie value.
func (s *Server) verify(v string) (string, bool) {
	p, mac, ok := strings.Cut(v, ".")
	if !ok {
		return "", false
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	sum, err2 := base64.RawURLEncoding.DecodeString(mac)
	if err1 != nil || err2 != nil {
		return "", false
	}
	m := hmac.New(sha256.New, s.key)
	m.Write(payload)
	if !hmac.Equal(sum, m.Sum(nil)) {
		return "", false
	}
	user, exp, ok := strings.Cut(string(payload), "|")
	if !ok {
		return "", false
	}
	e, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || s.now().Unix() > e {
		return "", false
	}
	return user, true
}

// user returns who is logged in: a valid session cookie, or the proxy
// header from a trusted proxy address.
func (s *Server) user(r *http.Request) (string, bool) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if u, ok := s.verify(c.Value); ok {
			return u, true
		}
	}
	if s.cfg.ProxyHeader != "" {
		if h := strings.TrimSpace(r.Header.Get(s.cfg.ProxyHeader)); h != "" && s.fromProxy(r) {
			return h, true
		}
	}
	return "", false
}

func (s *Server) fromProxy(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	for _, n := range s.nets {
		if ip != nil && n.Contains(ip) {
			return true
		}
	}
	return false
}

// checkPassword compares against every user's hash the same way, so that
// the response time does not tell which names exist.
func (s *Server) checkPassword(name, password string) bool {
	ok := false
	for _, u := range s.cfg.Users {
		err := bcrypt.CompareHashAndPassword([]byte(u.Hash), []byte(password))
		if u.Name == name && err == nil {
			ok = true
		}
	}
	return ok
}
