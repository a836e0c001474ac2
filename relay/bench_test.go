package relay

import (
	"context"
	"testing"

	"mailaudit/loadgen"
)

// BenchmarkThroughput compares direct-to-sink with via-relay in one run
// (20 sessions, one message per connection, as smtp-source does). The
// relay here has no inspector and an in-memory audit sink: it measures the
// SMTP proxy alone. `mailaudit bench` measures the full daemon.
func BenchmarkThroughput(b *testing.B) {
	for _, size := range []int{5000, 50000} {
		s, err := startOpenSinkOpts(b, false)
		if err != nil {
			b.Fatal(err)
		}
		e := newEnvWithUpstream(b, envOpts{yaml: "limits:\n  max_connections_per_ip: 1000\n"}, s)
		for _, path := range []struct{ name, addr string }{{"direct", s.Addr()}, {"relay", e.addrs.Plain.String()}} {
			b.Run(path.name+"/"+itoa(size), func(b *testing.B) {
				o := loadgen.Options{Addr: path.addr, Sessions: 20, Messages: b.N, Size: size, From: "a@tphcm.gov.vn", To: "b@tphcm.gov.vn"}
				b.ResetTimer()
				res, err := loadgen.Run(context.Background(), o)
				if err != nil || res.Failed > 0 {
					b.Fatalf("%v %s", err, res.FirstErr)
				}
				b.ReportMetric(res.Rate(), "msgs/s")
				b.ReportMetric(float64(res.P99.Microseconds())/1000, "p99-ms")
			})
		}
		e.relay.Shutdown(context.Background())
		s.Close()
	}
}

func itoa(n int) string {
	if n >= 1000 {
		return itoa(n/1000) + "k"
	}
	b := []byte{}
	for n > 0 || len(b) == 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
