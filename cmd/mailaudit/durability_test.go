package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"mailaudit/internal/chtest"
	"mailaudit/sink"
)

// Audit durability end to end: the real binary, a real upstream (sink,
// keeping what it accepted) and a private ClickHouse. Every test ends with
// checkDelivered: what the upstream stored, matched by Message-ID, against
// the rows, and the daily summary against the rows.

func keepSink(t *testing.T) *sink.Sink {
	t.Helper()
	s, err := sink.Start(sink.Options{Addr: "127.0.0.1:0", Keep: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var msgIDRE = regexp.MustCompile(`(?mi)^Message-ID:\s*<([^>]+)>`)

// storedIDs are the Message-IDs of the messages the upstream accepted
// (with a prefix), with how often each arrived.
func storedIDs(up *sink.Sink, prefix string) map[string]int {
	out := map[string]int{}
	for _, m := range up.Messages() {
		if id := msgIDRE.FindSubmatch(m.Data); id != nil && strings.HasPrefix(string(id[1]), prefix) {
			out[string(id[1])]++
		}
	}
	return out
}

// sendFrom sends one message with the given header From.
func sendFrom(addr, msgID, from string) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Mail("nguyen.van.an@tphcm.gov.vn", nil); err != nil {
		return err
	}
	if err := c.Rcpt("phong.hcth@tphcm.gov.vn", nil); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "From: %s\r\nTo: <phong.hcth@tphcm.gov.vn>\r\nSubject: Báo cáo tuần\r\nMessage-ID: <%s>\r\n\r\n", from, msgID)
	w.Write(bytes.Repeat([]byte("Kính gửi các phòng: báo cáo kết quả công tác tuần.\r\n"), 20))
	if _, err := w.CloseWithResponse(); err != nil {
		return err
	}
	return c.Quit()
}

// rowsByMessageID counts rows (raw, duplicates included) per Message-ID and
// action.
func rowsByMessageID(t *testing.T, ch *chtest.Server, prefix string) map[string]map[string]int {
	t.Helper()
	out := map[string]map[string]int{}
	q := fmt.Sprintf("SELECT message_id, action, count() FROM mailaudit.messages WHERE startsWith(message_id, '%s') GROUP BY message_id, action FORMAT TabSeparated", prefix)
	sc := bufio.NewScanner(strings.NewReader(ch.Query(t, q)))
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 3 {
			continue
		}
		n, _ := strconv.Atoi(f[2])
		if out[f[0]] == nil {
			out[f[0]] = map[string]int{}
		}
		out[f[0]][f[1]] += n
	}
	return out
}

// waitRows waits until every Message-ID the upstream stored has a row.
func waitRows(t *testing.T, ch *chtest.Server, up *sink.Sink, prefix string, bound time.Duration) {
	t.Helper()
	deadline := time.Now().Add(bound)
	for {
		if ch.QueryUint64(t, "SELECT count() FROM system.tables WHERE database = 'mailaudit' AND name = 'messages'") == 1 {
			rows := rowsByMessageID(t, ch, prefix)
			missing := 0
			for id := range storedIDs(up, prefix) {
				if rows[id] == nil {
					missing++
				}
			}
			if missing == 0 || time.Now().After(deadline) {
				return
			}
		} else if time.Now().After(deadline) {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// split is what checkDelivered found.
type split struct {
	stored, relayed, interrupted, otherRows int
}

// checkDelivered compares the upstream with the rows: every message the
// upstream stored has exactly one row, relayed or interrupted; no
// Message-ID has two rows; no row says relayed for a message the upstream
// does not have; every event_id is in messages once; and messages_daily
// equals the rows, per day and action.
func checkDelivered(t *testing.T, ch *chtest.Server, up *sink.Sink, prefix string) split {
	t.Helper()
	stored := storedIDs(up, prefix)
	rows := rowsByMessageID(t, ch, prefix)
	var sp split
	sp.stored = len(stored)
	var missing, doubled, wrong []string
	for id, n := range stored {
		if n != 1 {
			t.Errorf("upstream stored %s %d times", id, n)
		}
		acts := rows[id]
		total := 0
		for _, c := range acts {
			total += c
		}
		switch {
		case total == 0:
			missing = append(missing, id)
		case total > 1:
			doubled = append(doubled, fmt.Sprintf("%s %v", id, acts))
		case acts["relayed"] == 1:
			sp.relayed++
		case acts["interrupted"] == 1:
			sp.interrupted++
		default:
			wrong = append(wrong, fmt.Sprintf("%s %v", id, acts))
		}
	}
	for id, acts := range rows {
		if stored[id] > 0 {
			continue
		}
		sp.otherRows++
		total := 0
		for _, c := range acts {
			total += c
		}
		if total > 1 {
			doubled = append(doubled, fmt.Sprintf("%s %v (not at the upstream)", id, acts))
		}
		if acts["relayed"] > 0 {
			wrong = append(wrong, fmt.Sprintf("%s %v: relayed, but the upstream does not have it", id, acts))
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d of %d messages the upstream stored have no row, e.g. %v", len(missing), len(stored), missing[:min(5, len(missing))])
	}
	if len(doubled) > 0 {
		t.Errorf("%d Message-IDs with more than one row, e.g. %v", len(doubled), doubled[:min(5, len(doubled))])
	}
	if len(wrong) > 0 {
		t.Errorf("%d rows with the wrong action, e.g. %v", len(wrong), wrong[:min(5, len(wrong))])
	}
	raw := ch.QueryUint64(t, "SELECT count() FROM mailaudit.messages")
	uniq := ch.QueryUint64(t, "SELECT uniqExact(event_id) FROM mailaudit.messages")
	if raw != uniq {
		t.Errorf("messages: %d rows, %d distinct event ids", raw, uniq)
	}
	checkDaily(t, ch)
	return sp
}

// checkDaily compares messages_daily with the rows per day and action.
func checkDaily(t *testing.T, ch *chtest.Server) {
	t.Helper()
	rows := ch.Query(t, "SELECT date, action, count(), sum(size) FROM mailaudit.messages FINAL GROUP BY date, action ORDER BY date, action FORMAT TabSeparated")
	daily := ch.Query(t, "SELECT date, action, sum(messages), sum(bytes) FROM mailaudit.messages_daily GROUP BY date, action HAVING sum(messages) != 0 ORDER BY date, action FORMAT TabSeparated")
	if rows != daily {
		t.Errorf("daily summary differs from the rows:\nrows:\n%s\nmessages_daily:\n%s", rows, daily)
	}
}

// metric reads one sample from the admin listener ("" when absent).
func metric(t *testing.T, admin, name string) string {
	t.Helper()
	resp, err := http.Get("http://" + admin + "/metrics")
	if err != nil {
		t.Fatalf("metrics: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, l := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(l, name+" ") {
			return strings.TrimSpace(strings.TrimPrefix(l, name))
		}
	}
	return ""
}

// load sends messages over `sessions` connections until stop is closed,
// each with a new Message-ID; it counts the final replies.
type load struct {
	ok, failed atomic.Int64
	stop       chan struct{}
	wg         sync.WaitGroup
}

func startLoad(addr, prefix string, sessions int) *load {
	l := &load{stop: make(chan struct{})}
	var seq atomic.Int64
	for g := 0; g < sessions; g++ {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for {
				select {
				case <-l.stop:
					return
				default:
				}
				id := fmt.Sprintf("%s-%07d@e2e", prefix, seq.Add(1))
				if err := sendFrom(addr, id, "<nguyen.van.an@tphcm.gov.vn>"); err != nil {
					l.failed.Add(1)
					time.Sleep(5 * time.Millisecond) // the relay may be restarting
					continue
				}
				l.ok.Add(1)
			}
		}()
	}
	return l
}

func (l *load) end() { close(l.stop); l.wg.Wait() }

// The relay SIGKILLed at least 5 times while mail flows, restarted each
// time: every message the upstream stored has exactly one row (relayed,
// or interrupted when the relay died between the final dot and the
// outcome record), none doubled, daily sums exact.
func TestRelayKilledRepeatedly(t *testing.T) {
	ch := chtest.Start(t)
	up := keepSink(t)
	spool := t.TempDir()
	cfg, plain, sub := writeConfig(t, daemonOpts{upstream: up.Addr(), chAddr: ch.Addr(), spool: spool})
	d := startDaemon(t, cfg, plain, sub)
	kills := 5
	if os.Getenv("MAILAUDIT_BIG") == "1" {
		kills = 25
	}
	l := startLoad(plain, "kill", 20)
	for k := 0; k < kills; k++ {
		base := up.Accepted()
		for up.Accepted() < base+300 {
			time.Sleep(5 * time.Millisecond)
		}
		d.cmd.Process.Kill()
		d.cmd.Wait()
		d = startDaemon(t, cfg, plain, sub)
	}
	base := up.Accepted()
	for up.Accepted() < base+200 {
		time.Sleep(5 * time.Millisecond)
	}
	l.end()
	// SIGTERM drains and flushes; a new start ships what is left.
	if err := d.stop(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v\n%s", err, d.stderr.String())
	}
	d = startDaemon(t, cfg, plain, sub)
	waitRows(t, ch, up, "kill-", 90*time.Second)
	d.stop(syscall.SIGTERM)
	sp := checkDelivered(t, ch, up, "kill-")
	t.Logf("relay SIGKILLed %d times: clients told 2xx %d, not %d; upstream stored %d: relayed %d, interrupted %d; rows for messages the upstream never got: %d",
		kills, l.ok.Load(), l.failed.Load(), sp.stored, sp.relayed, sp.interrupted, sp.otherRows)
	if sp.stored == 0 {
		t.Fatal("no mail flowed")
	}
}

// A spool at its cap while ClickHouse is down defers mail (452) before
// the final dot; nothing is delivered without its row. The outage begins
// with shipped records in the active segment, as in the issue.
func TestSpoolCapDefersMail(t *testing.T) {
	ch := chtest.Start(t)
	up := keepSink(t)
	admin := freeAddr(t)
	cfg, plain, sub := writeConfig(t, daemonOpts{upstream: up.Addr(), chAddr: ch.Addr(), spool: t.TempDir(), admin: admin, spoolMax: 1 << 20})
	d := startDaemon(t, cfg, plain, sub)
	first := sendMany(plain, "cap-a", 300, 10, nil)
	waitRows(t, ch, up, "cap-a", 60*time.Second)
	ch.Kill()
	var deferred, ok int
	for i := 0; i < 20000 && deferred < 100; i++ {
		err := sendFrom(plain, fmt.Sprintf("cap-b-%06d@e2e", i), "<nguyen.van.an@tphcm.gov.vn>")
		var se *smtp.SMTPError
		switch {
		case err == nil:
			ok++
		case errors.As(err, &se) && se.Code == 452:
			deferred++
		default:
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if deferred == 0 {
		t.Fatalf("no deferral after %d messages into a 1 MiB spool with ClickHouse down", ok)
	}
	refused := metric(t, admin, `mailaudit_audit_admission_refused_total{reason="spool_full"}`)
	full := metric(t, admin, "mailaudit_audit_spool_full_total")
	ch.Start()
	waitRows(t, ch, up, "cap-", 90*time.Second)
	// Space comes back once the shipped records are acknowledged (a
	// replay batch also repairs the daily summary before that).
	for i := 0; i < 300; i++ {
		if v, err := strconv.ParseFloat(metric(t, admin, "mailaudit_audit_spool_bytes"), 64); err == nil && v < 512<<10 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	again := sendMany(plain, "cap-c", 200, 10, nil)
	waitRows(t, ch, up, "cap-", 60*time.Second)
	d.stop(syscall.SIGTERM)
	if strings.Contains(d.stderr.String(), "audit record lost") {
		t.Errorf("a record was lost:\n%s", d.stderr.String())
	}
	sp := checkDelivered(t, ch, up, "cap-")
	if len(again) != 200 {
		t.Errorf("after ClickHouse came back %d of 200 relayed", len(again))
	}
	t.Logf("1 MiB spool, ClickHouse down: %d shipped before, %d delivered, %d deferred with 452; admission_refused{spool_full}=%s spool_full_total=%s; after recovery %d of 200; upstream stored %d, rows relayed %d, interrupted %d",
		len(first), ok, deferred, refused, full, len(again), sp.stored, sp.relayed, sp.interrupted)
	if refused != strconv.Itoa(deferred) {
		t.Errorf("admission refusals metric %s, deferred %d", refused, deferred)
	}
}

// The spool on a 4 MiB tmpfs with ClickHouse down: mail is deferred when
// the disk is nearly full, never delivered without its record; once
// ClickHouse is back the shipped segments free the disk and mail flows,
// also after a restart.
func TestFullDiskDefersMail(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a 4 MiB tmpfs here (needs root): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	ch := chtest.New(t)
	up := keepSink(t)
	admin := freeAddr(t)
	cfg, plain, sub := writeConfig(t, daemonOpts{upstream: up.Addr(), chAddr: ch.Addr(), spool: dir, admin: admin})
	d := startDaemon(t, cfg, plain, sub)
	var deferred, ok int
	for i := 0; i < 20000 && deferred < 100; i++ {
		err := sendFrom(plain, fmt.Sprintf("disk-a-%06d@e2e", i), "<nguyen.van.an@tphcm.gov.vn>")
		var se *smtp.SMTPError
		switch {
		case err == nil:
			ok++
		case errors.As(err, &se) && se.Code == 452:
			deferred++
		default:
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if deferred == 0 {
		t.Fatalf("no deferral after %d messages into a 4 MiB file system", ok)
	}
	refused := metric(t, admin, `mailaudit_audit_admission_refused_total{reason="disk_full"}`)
	usedFull := diskUsed(t, dir)
	ch.Start()
	waitRows(t, ch, up, "disk-", 90*time.Second)
	var usedAfter int64
	for i := 0; i < 100; i++ { // the shipped segment rotates away after its ack
		if usedAfter = diskUsed(t, dir); usedAfter < 1<<20 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if usedAfter >= 1<<20 {
		out, _ := exec.Command("ls", "-la", dir).CombinedOutput()
		t.Errorf("after shipping the file system still holds %d bytes:\n%s", usedAfter, out)
	}
	d.stop(syscall.SIGTERM)
	d = startDaemon(t, cfg, plain, sub)
	again := sendMany(plain, "disk-b", 200, 10, nil)
	waitRows(t, ch, up, "disk-", 60*time.Second)
	d.stop(syscall.SIGTERM)
	for _, bad := range []string{"audit record lost", "no space left"} {
		if strings.Contains(d.stderr.String(), bad) {
			t.Errorf("log says %q", bad)
		}
	}
	sp := checkDelivered(t, ch, up, "disk-")
	if len(again) != 200 {
		t.Errorf("after recovery and restart %d of 200 relayed", len(again))
	}
	t.Logf("4 MiB tmpfs, ClickHouse down: %d delivered, %d deferred with 452 (admission_refused{disk_full}=%s), disk used %d bytes at the deferrals, %d after shipping; after a restart %d of 200; upstream stored %d, rows relayed %d, interrupted %d",
		ok, deferred, refused, usedFull, usedAfter, len(again), sp.stored, sp.relayed, sp.interrupted)
}

func diskUsed(t *testing.T, dir string) int64 {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	return int64(st.Blocks-st.Bfree) * int64(st.Bsize)
}

// A segment that cannot be read (here replaced by a directory) is set
// aside, counted and kept; the segments after it ship.
func TestUnreadableSegmentSkipped(t *testing.T) {
	ch := chtest.New(t)
	up := keepSink(t)
	spool := t.TempDir()
	admin := freeAddr(t)
	cfg, plain, sub := writeConfig(t, daemonOpts{upstream: up.Addr(), chAddr: ch.Addr(), spool: spool, admin: admin})
	d := startDaemon(t, cfg, plain, sub)
	a := sendMany(plain, "seg-a", 200, 10, nil)
	d.stop(syscall.SIGTERM)
	segs, _ := filepath.Glob(filepath.Join(spool, "seg-*.wal"))
	if len(segs) != 1 {
		t.Fatalf("spool segments after the first run: %v", segs)
	}
	d = startDaemon(t, cfg, plain, sub)
	b := sendMany(plain, "seg-b", 200, 10, nil)
	d.stop(syscall.SIGTERM)
	// The first run's segment becomes a directory.
	if err := os.Rename(segs[0], segs[0]+".orig"); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(segs[0], 0o700); err != nil {
		t.Fatal(err)
	}
	ch.Start()
	d = startDaemon(t, cfg, plain, sub)
	waitRows(t, ch, up, "seg-b", 60*time.Second)
	unreadable := metric(t, admin, "mailaudit_audit_spool_unreadable_segments_total")
	damaged := metric(t, admin, "mailaudit_audit_spool_damaged_files")
	d.stop(syscall.SIGTERM)
	if len(a) != 200 || len(b) != 200 {
		t.Fatalf("relayed %d and %d of 200", len(a), len(b))
	}
	sp := checkDelivered(t, ch, up, "seg-b")
	if sp.relayed != 200 {
		t.Errorf("rows for the intact segment: %d of 200", sp.relayed)
	}
	if n := ch.QueryUint64(t, "SELECT count() FROM mailaudit.messages WHERE startsWith(message_id, 'seg-a')"); n != 0 {
		t.Errorf("%d rows from the unreadable segment", n)
	}
	kept := filepath.Join(spool, "unreadable-"+filepath.Base(segs[0]))
	if fi, err := os.Stat(kept); err != nil || !fi.IsDir() {
		t.Errorf("unreadable segment not kept as %s: %v", kept, err)
	}
	if unreadable != "1" || damaged != "1" {
		t.Errorf("unreadable metric %q, damaged-files alarm %q, want 1 and 1", unreadable, damaged)
	}
	if !strings.Contains(d.stderr.String(), "segment cannot be read") {
		t.Errorf("no log line for the unreadable segment")
	}
	t.Logf("unreadable segment: %d messages in it set aside (file kept), %d of %d after it shipped", len(a), sp.relayed, len(b))
}

// A row ClickHouse refuses (header_from outside an Enum the table was
// altered to) is retried a few times, then quarantined to a file in the
// spool folder; every other row ships.
func TestPoisonRowQuarantined(t *testing.T) {
	ch := chtest.Start(t)
	up := keepSink(t)
	spool := t.TempDir()
	admin := freeAddr(t)
	cfg, plain, sub := writeConfig(t, daemonOpts{upstream: up.Addr(), chAddr: ch.Addr(), spool: spool, admin: admin})
	d := startDaemon(t, cfg, plain, sub)
	if err := sendFrom(plain, "poison-000@e2e", "<nguyen.van.an@tphcm.gov.vn>"); err != nil {
		t.Fatal(err)
	}
	waitRows(t, ch, up, "poison-", 60*time.Second)
	good := strings.TrimSpace(ch.Query(t, "SELECT any(header_from) FROM mailaudit.messages"))
	ch.Exec(t, fmt.Sprintf("ALTER TABLE mailaudit.messages MODIFY COLUMN header_from Enum8('' = 0, '%s' = 1)", good))
	for i := 1; i <= 100; i++ {
		from := "<nguyen.van.an@tphcm.gov.vn>"
		if i == 50 {
			from = "<ke.la@example.com>"
		}
		if err := sendFrom(plain, fmt.Sprintf("poison-%03d@e2e", i), from); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) && ch.QueryUint64(t, "SELECT count() FROM mailaudit.messages WHERE startsWith(message_id, 'poison-')") < 100 {
		time.Sleep(200 * time.Millisecond)
	}
	quarantined := metric(t, admin, `mailaudit_audit_quarantined_rows_total{table="messages"}`)
	d.stop(syscall.SIGTERM)
	files, _ := filepath.Glob(filepath.Join(spool, "quarantine-messages-*.json"))
	if len(files) != 1 {
		t.Fatalf("quarantine files: %v\n%s", files, d.stderr.String())
	}
	body, _ := os.ReadFile(files[0])
	if !strings.Contains(string(body), "poison-050@e2e") {
		t.Errorf("quarantine file does not hold the refused row:\n%s", body)
	}
	if !strings.Contains(d.stderr.String(), filepath.Base(files[0])) {
		t.Errorf("no log line names %s", files[0])
	}
	if quarantined != "1" {
		t.Errorf("quarantined metric %q", quarantined)
	}
	rows := rowsByMessageID(t, ch, "poison-")
	for id := range storedIDs(up, "poison-") {
		n := 0
		for _, c := range rows[id] {
			n += c
		}
		want := 1
		if id == "poison-050@e2e" {
			want = 0 // in the quarantine file instead
		}
		if n != want {
			t.Errorf("%s: %d rows, want %d", id, n, want)
		}
	}
	checkDaily(t, ch)
	t.Logf("poison row quarantined in %s; %d other rows shipped", filepath.Base(files[0]), len(rows))
}

// The spool lock is on the folder: with the first relay running, deleting
// any file in the folder does not let a second relay in.
func TestSpoolLockSurvivesDeletedFiles(t *testing.T) {
	ch := chtest.Start(t)
	up := keepSink(t)
	spool := t.TempDir()
	cfg, plain, sub := writeConfig(t, daemonOpts{upstream: up.Addr(), chAddr: ch.Addr(), spool: spool})
	d := startDaemon(t, cfg, plain, sub)
	ok := sendMany(plain, "lock", 100, 5, nil)
	ents, _ := os.ReadDir(spool)
	for _, e := range ents { // whatever a lock file could be
		if !strings.HasPrefix(e.Name(), "seg-") {
			os.Remove(filepath.Join(spool, e.Name()))
		}
	}
	cfg2, _, _ := writeConfig(t, daemonOpts{upstream: up.Addr(), chAddr: ch.Addr(), spool: spool})
	// A second relay that got in would serve until killed: bound the wait.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, binPath, "serve", "--config", cfg2).CombinedOutput()
	if ctx.Err() != nil || err == nil || !strings.Contains(string(out), "in use by another process") {
		t.Fatalf("second relay on the same spool: err=%v (still running after 20 s: %v)\n%s", err, ctx.Err() != nil, out)
	}
	waitRows(t, ch, up, "lock-", 60*time.Second)
	d.stop(syscall.SIGTERM)
	sp := checkDelivered(t, ch, up, "lock-")
	if len(ok) != 100 || sp.relayed != 100 {
		t.Errorf("relayed %d, rows %d, want 100", len(ok), sp.relayed)
	}
}

// A duplicate inserted by hand inflates the daily summary; the operator's
// `mailaudit rebuild-daily` brings it back to the rows, and a second run
// changes nothing.
func TestRebuildDailyCommand(t *testing.T) {
	ch := chtest.Start(t)
	up := keepSink(t)
	cfg, plain, sub := writeConfig(t, daemonOpts{upstream: up.Addr(), chAddr: ch.Addr(), spool: t.TempDir()})
	d := startDaemon(t, cfg, plain, sub)
	ok := sendMany(plain, "rb", 100, 5, nil)
	waitRows(t, ch, up, "rb-", 60*time.Second)
	d.stop(syscall.SIGTERM)
	ch.Exec(t, "INSERT INTO mailaudit.messages SELECT * FROM mailaudit.messages WHERE startsWith(message_id, 'rb-')")
	inflated := ch.QueryUint64(t, "SELECT sum(messages) FROM mailaudit.messages_daily")
	if inflated != 200 {
		t.Fatalf("after the hand re-insert the summary counts %d, want 200 (the test shows nothing otherwise)", inflated)
	}
	day := strings.TrimSpace(ch.Query(t, "SELECT toString(min(date)) FROM mailaudit.messages"))
	for run, want := range []string{"summary keys corrected", " 0 summary keys corrected"} {
		out, err := exec.Command(binPath, "rebuild-daily", "--config", cfg, "--from", day, "--to", day).CombinedOutput()
		if err != nil || !strings.Contains(string(out), want) {
			t.Fatalf("run %d: %v\n%s", run, err, out)
		}
		t.Logf("rebuild-daily run %d: %s", run+1, strings.TrimSpace(string(out)))
	}
	ch.Exec(t, "OPTIMIZE TABLE mailaudit.messages FINAL")
	sp := checkDelivered(t, ch, up, "rb-")
	if len(ok) != 100 || sp.relayed != 100 {
		t.Errorf("relayed %d, rows %d", len(ok), sp.relayed)
	}
	out, err := exec.Command(binPath, "rebuild-daily", "--to", day).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "--to needs --from") {
		t.Errorf("--to without --from: %v %s", err, out)
	}
}
