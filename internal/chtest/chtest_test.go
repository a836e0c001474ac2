package chtest

import (
	"strings"
	"testing"
)

func TestServerLifecycle(t *testing.T) {
	s := Start(t)
	s.Exec(t, "CREATE TABLE default.t (a UInt32) ENGINE = MergeTree ORDER BY a")
	s.Exec(t, "INSERT INTO default.t VALUES (1), (2), (3)")
	if got := s.QueryUint64(t, "SELECT count() FROM default.t"); got != 3 {
		t.Fatalf("count = %d, want 3", got)
	}
	s.Kill()
	if s.Running() {
		t.Fatal("Running after Kill")
	}
	s.Start()
	if got := s.QueryUint64(t, "SELECT sum(a) FROM default.t"); got != 6 {
		t.Fatalf("after kill+start: sum = %d, want 6 (data dir must be kept)", got)
	}
	s.Restart()
	if got := s.Query(t, "SELECT a, toString(a) FROM default.t ORDER BY a"); got != "1\t1\n2\t2\n3\t3" {
		t.Fatalf("Query = %q", got)
	}
}

func TestCluster(t *testing.T) {
	srvs := StartCluster(t, "two", 2)
	if len(srvs) != 2 || srvs[0].Addr() == srvs[1].Addr() {
		t.Fatalf("want 2 servers on distinct ports, got %v", srvs)
	}
	got := srvs[0].Query(t, "SELECT shard_num, port FROM system.clusters WHERE cluster = 'two' ORDER BY shard_num")
	lines := strings.Split(got, "\n")
	if len(lines) != 2 || !strings.HasSuffix(srvs[1].Addr(), strings.Split(lines[1], "\t")[1]) {
		t.Fatalf("system.clusters = %q", got)
	}
}
