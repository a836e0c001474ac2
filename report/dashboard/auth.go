package dashboard

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/crypto/bcrypt"
)

const (
	sessionCookie = "mailaudit_session"
	sessionTTL    = 12 * time.Hour
)

// sessions signs and checks login cookies. A cookie is
// user|expiry|epoch|version, HMAC-SHA256 signed. The signature alone is
// not trusted: the user must still be configured, the expiry must lie
// within one TTL from now (a forged ten-year cookie is refused even under a
// leaked key), and epoch and version must match this process's:
//
//   - epoch is random per start, so a restart ends every session (a user
//     removed from the configuration is gone for good after the restart
//     that reads it);
//   - version counts the user's logouts, so logging out ends every session
//     of that user, in every browser, not just the cookie in hand.
//
// The versions live in memory only, which is why the epoch exists: a
// logout forgotten by a restart cannot bring an old cookie back.
type sessions struct {
	key   []byte
	epoch uint64
	users map[string]string // name → bcrypt hash (a password change ends sessions)
	now   func() time.Time

	mu      sync.Mutex
	version map[string]uint64
}

func newSessions(key []byte, users map[string]string, now func() time.Time) (*sessions, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	return &sessions{key: key, epoch: binary.LittleEndian.Uint64(b[:]), users: users, now: now, version: map[string]uint64{}}, nil
}

func (s *sessions) mac(payload []byte, user string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write(payload)
	m.Write([]byte{0})
	m.Write([]byte(s.users[user]))
	return m.Sum(nil)
}

func (s *sessions) versionOf(user string) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.version[user]
}

// issue makes a cookie value for user, valid for sessionTTL.
func (s *sessions) issue(user string) string {
	payload := strings.Join([]string{user, strconv.FormatInt(s.now().Add(sessionTTL).Unix(), 10),
		strconv.FormatUint(s.epoch, 36), strconv.FormatUint(s.versionOf(user), 10)}, "|")
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + base64.RawURLEncoding.EncodeToString(s.mac([]byte(payload), user))
}

// verify returns the user of a valid cookie value.
func (s *sessions) verify(v string) (string, bool) {
	p, sig, ok := strings.Cut(v, ".")
	if !ok || len(v) > 1024 {
		return "", false
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	sum, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil {
		return "", false
	}
	f := strings.Split(string(payload), "|")
	if len(f) != 4 {
		return "", false
	}
	user := f[0]
	if _, known := s.users[user]; !known {
		return "", false
	}
	if !hmac.Equal(sum, s.mac(payload, user)) {
		return "", false
	}
	exp, err := strconv.ParseInt(f[1], 10, 64)
	now := s.now().Unix()
	if err != nil || exp < now || exp > now+int64(sessionTTL/time.Second) {
		return "", false
	}
	if f[2] != strconv.FormatUint(s.epoch, 36) || f[3] != strconv.FormatUint(s.versionOf(user), 10) {
		return "", false
	}
	return user, true
}

// end ends every session of user.
func (s *sessions) end(user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version[user]++
}

// user returns who is logged in. In proxy mode a request from the proxy is
// the proxy's word (its header, never a cookie: the proxy decides who is
// logged in); anyone else needs a valid session cookie.
func (s *Server) user(r *http.Request) (string, bool) {
	if s.cfg.ProxyHeader != "" && s.fromProxy(r) {
		h := strings.TrimSpace(r.Header.Get(s.cfg.ProxyHeader))
		return h, h != "" && len(h) <= 256 && !strings.ContainsFunc(h, unicode.IsControl)
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return s.sess.verify(c.Value)
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

// checkPassword runs one bcrypt comparison whether or not the name
// exists (against a dummy hash of the same cost for an unknown name), so
// that the response time does not tell which names exist and one attempt
// costs one bcrypt, not one per configured user.
func (s *Server) checkPassword(name, password string) bool {
	hash, known := s.sess.users[name]
	if !known {
		hash = s.dummyHash
	}
	err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(password))
	return known && err == nil
}
