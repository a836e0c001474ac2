package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"mailaudit/config"
	"mailaudit/loadgen"
)

// cmdBench measures the relay against a baseline in the same run: the
// load generator sends to the sink directly, then through the relay (a
// child process, so its CPU time is its own), and prints the ratio.
func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "configs/bench.yaml", "relay configuration: its plain listener and default route are used")
	sessions := fs.Int("sessions", 20, "concurrent sessions")
	messages := fs.Int("messages", 4000, "messages per run")
	sizes := fs.String("sizes", "5000,50000", "message sizes in bytes, comma-separated")
	perConn := fs.Int("per-conn", 1, "messages per connection (smtp-source's default is 1)")
	idle := fs.Int("idle", 1000, "idle sessions to open for the memory figure (0 skips)")
	sinkKind := fs.String("sink", "mailaudit", "upstream for both paths: mailaudit (go-smtp sink) or postfix (smtp-sink)")
	client := fs.String("client", "loadgen", "load generator: loadgen (built in, with latency percentiles) or smtp-source (Postfix's, throughput only)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	run := loadgen.Run
	switch *client {
	case "loadgen":
	case "smtp-source":
		run = runSMTPSource
	default:
		fmt.Fprintf(stderr, "mailaudit bench: --client must be loadgen or smtp-source, not %q\n", *client)
		return 2
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		fmt.Fprintln(stderr, "mailaudit bench: "+oneLine(err))
		return 1
	}
	route, ok := cfg.Route(cfg.DefaultRoute)
	if cfg.Listeners.Plain == "" || !ok {
		fmt.Fprintln(stderr, "mailaudit bench: the config needs a plain listener and a default_route")
		return 1
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(stderr, "mailaudit bench:", err)
		return 1
	}
	sinkArgs := []string{self, "sink", "--addr", route.Addr}
	if *sinkKind == "postfix" {
		// Postfix's smtp-sink, the standard SMTP sink: the baseline the
		// relay's 0.6x goal was set against.
		bin, err := exec.LookPath("smtp-sink")
		if err != nil {
			bin = "/usr/sbin/smtp-sink"
		}
		sinkArgs = []string{bin, "-c", route.Addr, "1024"}
		if os.Geteuid() == 0 {
			// smtp-sink refuses to run as root without a user to become.
			sinkArgs = []string{bin, "-u", "nobody", "-c", route.Addr, "1024"}
		}
	}
	sinkCmd, err := startChild(ctx, sinkArgs[0], route.Addr, stderr, sinkArgs[1:]...)
	if err != nil {
		fmt.Fprintln(stderr, "mailaudit bench: sink:", err)
		return 1
	}
	defer stopChild(sinkCmd)
	relayCmd, err := startChild(ctx, self, cfg.Listeners.Plain, stderr, "serve", "--config", *cfgPath)
	if err != nil {
		fmt.Fprintln(stderr, "mailaudit bench: relay:", err)
		return 1
	}
	defer stopChild(relayCmd)

	fmt.Fprintf(stdout, "bench: %s, %d sessions, %d messages per run, %d per connection, GOMAXPROCS host cores %d\n",
		*client, *sessions, *messages, *perConn, numCPU())
	fmt.Fprintf(stdout, "%-8s %-6s %10s %9s %9s %12s\n", "size", "path", "msgs/s", "p50 ms", "p99 ms", "relay CPU ms/msg")
	ok = true
	for _, sz := range strings.Split(*sizes, ",") {
		size, err := strconv.Atoi(strings.TrimSpace(sz))
		if err != nil || size <= 0 {
			fmt.Fprintf(stderr, "mailaudit bench: --sizes: %q is not a size\n", sz)
			return 2
		}
		o := loadgen.Options{Sessions: *sessions, Messages: *messages, Size: size, PerConn: *perConn,
			From: "bench@tphcm.gov.vn", To: "sink@tphcm.gov.vn"}
		// A short warm-up of both paths: connections, pools, page cache.
		for _, addr := range []string{route.Addr, cfg.Listeners.Plain} {
			w := o
			w.Addr, w.Messages = addr, max(*sessions*5, 100)
			run(ctx, w)
		}
		o.Addr = route.Addr
		direct, err := run(ctx, o)
		if err != nil || direct.Failed > 0 {
			fmt.Fprintf(stderr, "direct run failed: %v %s\n", err, direct.FirstErr)
			ok = false
		}
		cpu0 := cpuTime(relayCmd.Process.Pid)
		o.Addr = cfg.Listeners.Plain
		via, err := run(ctx, o)
		cpu := cpuTime(relayCmd.Process.Pid) - cpu0
		if err != nil || via.Failed > 0 {
			fmt.Fprintf(stderr, "relay run failed: %v %d failed, first: %s\n", err, via.Failed, via.FirstErr)
			ok = false
		}
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		perMsg := 0.0
		if via.Sent > 0 {
			perMsg = ms(cpu) / float64(via.Sent)
		}
		lat := func(d time.Duration) string {
			if *client == "smtp-source" {
				return "-" // smtp-source reports no per-message latency
			}
			return strconv.FormatFloat(ms(d), 'f', 2, 64)
		}
		fmt.Fprintf(stdout, "%-8d %-6s %10.0f %9s %9s %12s\n", size, "direct", direct.Rate(), lat(direct.P50), lat(direct.P99), "")
		fmt.Fprintf(stdout, "%-8d %-6s %10.0f %9s %9s %12.3f\n", size, "relay", via.Rate(), lat(via.P50), lat(via.P99), perMsg)
		ratio := 0.0
		if direct.Rate() > 0 {
			ratio = via.Rate() / direct.Rate()
		}
		if *client == "smtp-source" {
			fmt.Fprintf(stdout, "%-8d ratio relay/direct = %.2f\n", size, ratio)
		} else {
			fmt.Fprintf(stdout, "%-8d ratio relay/direct = %.2f   added p99 = %.2f ms\n", size, ratio, ms(via.P99-direct.P99))
		}
	}
	if *idle > 0 {
		before := rssKB(relayCmd.Process.Pid)
		conns, err := openIdle(cfg.Listeners.Plain, *idle)
		after := rssKB(relayCmd.Process.Pid)
		for _, c := range conns {
			c.Close()
		}
		if err != nil {
			fmt.Fprintf(stderr, "idle sessions: %v (opened %d)\n", err, len(conns))
			ok = false
		}
		fmt.Fprintf(stdout, "idle sessions: %d open, relay RSS %.1f MB (was %.1f MB before them)\n", len(conns), float64(after)/1024, float64(before)/1024)
	}
	if !ok {
		return 1
	}
	return 0
}

// runSMTPSource sends o's load with Postfix's smtp-source, the tool the
// relay's goals were measured with. It reports throughput only (no
// per-message latencies) and counts a non-zero exit as all failed.
func runSMTPSource(ctx context.Context, o loadgen.Options) (loadgen.Result, error) {
	bin, err := exec.LookPath("smtp-source")
	if err != nil {
		bin = "/usr/sbin/smtp-source"
	}
	args := []string{"-s", strconv.Itoa(o.Sessions), "-l", strconv.Itoa(o.Size), "-m", strconv.Itoa(o.Messages),
		"-f", o.From, "-t", o.To}
	if o.PerConn > 1 {
		// smtp-source either disconnects after every message or never.
		args = append(args, "-d")
	}
	cmd := exec.CommandContext(ctx, bin, append(args, o.Addr)...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	res := loadgen.Result{Elapsed: time.Since(start)}
	if err != nil {
		res.Failed, res.FirstErr = o.Messages, strings.TrimSpace(string(out))
		return res, fmt.Errorf("smtp-source: %w", err)
	}
	res.Sent = o.Messages
	return res, nil
}

// startChild runs this binary with args and waits until addr accepts.
func startChild(ctx context.Context, self, addr string, stderr io.Writer, args ...string) (*exec.Cmd, error) {
	cmd := exec.Command(self, args...)
	cmd.Stdout = io.Discard
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	for i := 0; i < 300; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return cmd, nil
		}
		if ctx.Err() != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	stopChild(cmd)
	return nil, fmt.Errorf("%s did not start listening on %s", self, addr)
}

func stopChild(cmd *exec.Cmd) {
	cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}

// cpuTime is user+system CPU of a process, from /proc (Linux).
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which may hold spaces: state is 3rd.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	const hz = 100 // USER_HZ on Linux
	return time.Duration(ut+st) * time.Second / hz
}

func rssKB(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			v, _ := strconv.ParseInt(strings.Fields(l)[1], 10, 64)
			return v
		}
	}
	return 0
}

// openIdle opens n sessions that greet and then sit idle.
func openIdle(addr string, n int) ([]net.Conn, error) {
	var conns []net.Conn
	buf := make([]byte, 512)
	for i := 0; i < n; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return conns, err
		}
		conns = append(conns, c)
		c.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Read(buf); err != nil {
			return conns, err
		}
		io.WriteString(c, "EHLO idle.test\r\n")
		if _, err := c.Read(buf); err != nil {
			return conns, err
		}
	}
	time.Sleep(500 * time.Millisecond)
	return conns, nil
}

func numCPU() int { return runtime.NumCPU() }
