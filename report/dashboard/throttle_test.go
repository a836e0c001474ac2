package dashboard

import (
	"testing"
	"time"
)

// TestThrottleBackoff walks the lockout on a clock the test moves: free
// attempts, then a lock that doubles per further failure, refusals that
// do not extend it, a success that clears it, and a quiet hour that
// forgets it.
func TestThrottleBackoff(t *testing.T) {
	now := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)
	th := newThrottle(func() time.Time { return now })
	ip, user := "ip:192.0.2.7", "user:kiemtoan"
	for i := 1; i <= freeAttemptsUser; i++ {
		if w := th.admit(ip, user); w != 0 {
			t.Fatalf("attempt %d refused (%v)", i, w)
		}
	}
	if w := th.admit(ip, user); w != firstLock {
		t.Fatalf("after %d failures: wait %v, want %v", freeAttemptsUser, w, firstLock)
	}
	if w := th.admit("ip:198.51.100.1", user); w == 0 {
		t.Error("another address got past the user's lock")
	}
	if w := th.admit("ip:198.51.100.1", ""); w != 0 {
		t.Error("another address was locked for an unknown name")
	}
	now = now.Add(firstLock)
	if w := th.admit(ip, user); w != 0 {
		t.Fatalf("after the lock: %v", w)
	}
	if w := th.admit(ip, user); w != 2*firstLock {
		t.Errorf("second lock %v, want %v", w, 2*firstLock)
	}
	for i := 0; i < 40; i++ {
		now = now.Add(maxLock)
		th.admit(ip, user)
	}
	if w := th.admit(ip, user); w > maxLock || w < maxLock-time.Second {
		t.Errorf("after 40 more failures: wait %v, want the cap %v", w, maxLock)
	}
	th.success(ip, user)
	if w := th.admit(ip, user); w != 0 {
		t.Errorf("after a success: %v", w)
	}
	for i := 0; i < freeAttemptsUser; i++ {
		th.admit("ip:203.0.113.9", "user:x")
	}
	now = now.Add(maxLock + forgetAfter + time.Second)
	if w := th.admit("ip:203.0.113.9", "user:x"); w != 0 {
		t.Errorf("after a quiet hour: %v", w)
	}
	if a := th.keys["user:x"]; a == nil || a.n != 1 {
		t.Errorf("count after a quiet hour: %+v, want 1", a)
	}
	if clientKey("[2001:db8::1]:5000") != clientKey("[2001:db8::ffff]:6000") || clientKey("[::ffff:192.0.2.1]:1") != "ip:192.0.2.1" {
		t.Error("IPv6 addresses of one /64 or a mapped IPv4 address are keyed apart")
	}
}

// TestSafeBack is the redirect rule on its own.
func TestSafeBack(t *testing.T) {
	for in, want := range map[string]string{
		"/usage?quarter=2024Q2#low": "/usage?quarter=2024Q2#low",
		"/":                         "/",
		"/\t/evil.example":          "/",
		"/%09/evil.example":         "/",
		"/\\evil.example":           "/",
		"/%5cevil.example":          "/",
		"//evil.example":            "/",
		"https://evil.example":      "/",
		"":                          "/",
		"usage":                     "/",
		"/a\x7f":                    "/",
		"/%zz":                      "/",
	} {
		if got := safeBack(in); got != want {
			t.Errorf("safeBack(%q) = %q, want %q", in, got, want)
		}
	}
}
