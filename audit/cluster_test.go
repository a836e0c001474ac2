package audit

import (
	"errors"
	"sync/atomic"
	"testing"

	"mailaudit/internal/chtest"
)

// Two local servers as two shards: the per-node cluster DDL, inserts
// through the Distributed table (with a replayed, ambiguous batch), and
// queries back through it.
func TestClusterTwoShards(t *testing.T) {
	srvs := chtest.StartCluster(t, "audit2", 2)
	cfg := testConfig(t, srvs[0].Addr(), srvs[1].Addr())
	cfg.ClickHouse.Cluster = "audit2"
	w, _ := openWriter(t, cfg)
	var lost atomic.Int32
	w.afterSend = func(table string) error {
		if lost.Add(1) == 2 {
			return errors.New("injected: acknowledgement lost after commit")
		}
		return nil
	}
	n := sizeN()
	recordN(t, w, 0, n)
	flush(t, w)

	for i, s := range srvs {
		if got := tables(t, s, "mailaudit"); got != "auth_events\tDistributed\nauth_events_local\tReplacingMergeTree\n"+
			"mailbox_sessions\tDistributed\nmailbox_sessions_local\tReplacingMergeTree\n"+
			"messages\tDistributed\nmessages_daily\tDistributed\nmessages_daily_local\tSummingMergeTree\n"+
			"messages_daily_mv\tMaterializedView\nmessages_local\tReplacingMergeTree\nschema_migrations\tReplacingMergeTree" {
			t.Fatalf("node %d tables:\n%s", i, got)
		}
	}
	var perShard [2]uint64
	for i, s := range srvs {
		perShard[i] = s.QueryUint64(t, "SELECT count() FROM mailaudit.messages_local")
		if perShard[i] == 0 {
			t.Errorf("shard %d got no rows: the sharding key does not spread them", i)
		}
	}
	if perShard[0]+perShard[1] != uint64(n) {
		t.Errorf("shards hold %d + %d rows, want %d in all", perShard[0], perShard[1], n)
	}
	// Through the Distributed tables, from either node.
	for i, s := range srvs {
		if got := s.QueryUint64(t, "SELECT uniqExact(event_id) FROM mailaudit.messages"); got != uint64(n) {
			t.Errorf("node %d: distinct event_id via Distributed = %d, want %d", i, got, n)
		}
		if got := s.QueryUint64(t, "SELECT count() FROM mailaudit.messages"); got != uint64(n) {
			t.Errorf("node %d: count via Distributed = %d, want %d", i, got, n)
		}
		if got := s.QueryUint64(t, "SELECT sum(messages) FROM mailaudit.messages_daily"); got != uint64(n) {
			t.Errorf("node %d: daily sum via Distributed = %d, want %d", i, got, n)
		}
	}
	if lost.Load() < 2 || counter(w.m.duplicates) == 0 {
		t.Errorf("the ambiguous batch was not re-checked (hook runs %d, duplicates %v)", lost.Load(), counter(w.m.duplicates))
	}
}
