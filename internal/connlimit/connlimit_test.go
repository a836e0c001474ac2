package connlimit

import (
	"net/netip"
	"testing"
)

func TestLimiter(t *testing.T) {
	var l Limiter
	a, b := netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("127.0.0.2")
	if ok, _ := l.Acquire(a, 3, 2); !ok {
		t.Fatal("first connection refused")
	}
	if ok, _ := l.Acquire(a, 3, 2); !ok {
		t.Fatal("second connection from a refused")
	}
	if ok, why := l.Acquire(a, 3, 2); ok || why == "" {
		t.Fatalf("third from a: ok=%v %q, want the per-address refusal", ok, why)
	}
	if ok, _ := l.Acquire(b, 3, 2); !ok {
		t.Fatal("b refused under the total")
	}
	if ok, why := l.Acquire(b, 3, 2); ok || why == "" {
		t.Fatalf("fourth in all: ok=%v %q, want the total refusal", ok, why)
	}
	l.Release(a)
	if ok, _ := l.Acquire(b, 3, 2); !ok {
		t.Fatal("a released one: b should get it")
	}
	l.Release(a)
	l.Release(b)
	l.Release(b)
	if l.total != 0 || len(l.perIP) != 0 {
		t.Fatalf("after releasing all: total %d, per address %v", l.total, l.perIP)
	}
}
