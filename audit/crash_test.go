package audit

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"mailaudit/internal/chtest"
)

// TestCrashHelper is not a test: it is the body of the subprocess that
// TestWriterProcessKilled starts. It records events as fast as it can and
// prints each event id after Record returned, exactly the moment the relay
// would send its final 2xx.
func TestCrashHelper(t *testing.T) {
	if os.Getenv("MAILAUDIT_CRASH_HELPER") != "1" {
		return // run directly: nothing to do
	}
	cfg := Config{Instance: "crash-helper"}
	cfg.ClickHouse.Addr = AddrList(os.Getenv("MAILAUDIT_CH"))
	cfg.Spool.Dir = os.Getenv("MAILAUDIT_SPOOL")
	cfg.Batch.Rows = 300
	cfg.Batch.Interval = 20 * time.Millisecond
	w, err := Open(context.Background(), cfg, nil, nil)
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(2)
	}
	out := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		ev := sampleEvent(i)
		if err := w.Record(context.Background(), ev); err != nil {
			fmt.Fprintln(out, "ERR", err)
			out.Flush()
			os.Exit(3)
		}
		fmt.Fprintln(out, "OK", ev.EventID)
		if i%50 == 0 {
			out.Flush()
		}
	}
}

// mailaudit SIGKILLed in the middle of the stream and started again: every
// event whose Record returned has its row, once; nothing else appears.
func TestWriterProcessKilled(t *testing.T) {
	srv := chtest.Start(t)
	cfg := testConfig(t, srv.Addr())
	n := sizeN()

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), "MAILAUDIT_CRASH_HELPER=1", "MAILAUDIT_CH="+srv.Addr(), "MAILAUDIT_SPOOL="+cfg.Spool.Dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := map[uuid.UUID]bool{}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && len(acked) < n {
		line := sc.Text()
		id, ok := strings.CutPrefix(line, "OK ")
		if !ok {
			t.Fatalf("helper said %q", line)
		}
		acked[uuid.MustParse(id)] = true
	}
	// Kill while it is writing and shipping; then drain what it printed
	// before dying: those were confirmed too.
	cmd.Process.Signal(syscall.SIGKILL)
	for sc.Scan() {
		if id, ok := strings.CutPrefix(sc.Text(), "OK "); ok {
			acked[uuid.MustParse(id)] = true
		}
	}
	cmd.Wait()
	if len(acked) < n {
		t.Fatalf("helper confirmed only %d events", len(acked))
	}

	w, _ := openWriter(t, cfg) // the restarted mailaudit
	flush(t, w)

	rows := srv.Query(t, "SELECT toString(event_id), count() FROM mailaudit.messages GROUP BY event_id")
	got := map[uuid.UUID]int{}
	for _, l := range strings.Split(rows, "\n") {
		f := strings.Split(l, "\t")
		c, _ := strconv.Atoi(f[1])
		got[uuid.MustParse(f[0])] = c
	}
	missing, dup := 0, 0
	for id := range acked {
		if got[id] == 0 {
			missing++
		}
	}
	for _, c := range got {
		if c > 1 {
			dup++
		}
	}
	if missing > 0 || dup > 0 {
		t.Fatalf("after the crash: %d confirmed events missing, %d event_ids with more than one row (confirmed %d, rows %d)",
			missing, dup, len(acked), len(got))
	}
	// Unconfirmed events may or may not be there (durable but not yet
	// printed); nothing else may be.
	total := srv.QueryUint64(t, "SELECT count() FROM mailaudit.messages")
	if sum := srv.QueryUint64(t, "SELECT sum(messages) FROM mailaudit.messages_daily"); sum != total {
		t.Errorf("messages_daily sum = %d, rows = %d", sum, total)
	}
	t.Logf("confirmed %d, rows %d", len(acked), total)
}
