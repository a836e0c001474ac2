// Package chtest runs private clickhouse-server processes for tests.
//
// Every Server gets its own temporary data folder, its own free loopback
// ports (native TCP, HTTP, interserver) and a minimal generated config, so
// tests never touch a system-wide ClickHouse and can kill and restart
// "their" server at will. The server is stopped and its folder removed by
// t.Cleanup.
//
// Usage:
//
//	srv := chtest.Start(t)          // running, answering on srv.Addr()
//	srv.Kill()                      // SIGKILL, like a crash
//	srv.Start()                     // same data folder, same ports
//	n := srv.QueryUint64(t, "SELECT count() FROM db.t")
//
// A test that needs ClickHouse down at first uses New (configured, not
// started) and calls Start later. StartCluster starts n servers that share a
// remote_servers entry with one shard per server, for Distributed tables.
//
// The server binary is $CLICKHOUSE_SERVER, else clickhouse-server on PATH or
// in /usr/sbin, else the single modern "clickhouse" binary (run as
// "clickhouse server"). When none is found the test fails (it is not
// skipped): the project's test command installs clickhouse-server.
//
// Methods that fail call t.Fatal and so must be called from the test's own
// goroutine.
package chtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"mailaudit/internal/freeport"
)

// StartTimeout bounds how long Start waits for a server to answer. 18.16 on
// a loaded 2-core machine can take several seconds to load its tables.
const StartTimeout = 90 * time.Second

// Server is one private clickhouse-server process.
type Server struct {
	t       testing.TB
	dir     string
	tcpPort int
	tlsPort int      // 0: no secure native port
	bin     []string // argv prefix: server binary (+ "server" for the modern one)

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
	conn driver.Conn   // lazily opened for Exec/Query; reset on Start
}

// Start configures a server and starts it; it fails the test if the server
// does not answer within StartTimeout.
func Start(t testing.TB) *Server {
	t.Helper()
	s := New(t)
	s.Start()
	return s
}

// New configures a server (data folder, ports, config files) without starting
// it. Call Start to run it.
func New(t testing.TB) *Server {
	t.Helper()
	ports := freePorts(t, 3)
	return newServer(t, ports[0], ports[1], ports[2], "")
}

// TLSFiles are the PEM files of a secure native port. With ClientCA set
// the server requires a client certificate signed by it.
type TLSFiles struct {
	Cert, Key, ClientCA string
}

// StartTLS is Start with a secure native port (tcp_port_secure, TLS with
// f's certificate) next to the plain one; SecureAddr names it.
func StartTLS(t testing.TB, f TLSFiles) *Server {
	t.Helper()
	ports := freePorts(t, 4)
	verify := "<verificationMode>none</verificationMode>"
	if f.ClientCA != "" {
		verify = "<verificationMode>strict</verificationMode><caConfig>" + f.ClientCA + "</caConfig>"
	}
	s := newServer(t, ports[0], ports[1], ports[2], fmt.Sprintf(`<tcp_port_secure>%d</tcp_port_secure>
  <openSSL><server><certificateFile>%s</certificateFile><privateKeyFile>%s</privateKeyFile>%s
    <loadDefaultCAFile>false</loadDefaultCAFile><disableProtocols>sslv2,sslv3,tlsv1,tlsv1_1</disableProtocols>
  </server></openSSL>`, ports[3], f.Cert, f.Key, verify))
	s.tlsPort = ports[3]
	s.Start()
	return s
}

// SecureAddr is the secure native-protocol address (StartTLS only).
func (s *Server) SecureAddr() string { return "127.0.0.1:" + strconv.Itoa(s.tlsPort) }

// StartCluster starts n servers, each configured with a remote_servers entry
// named cluster that has one shard per server (in order), so that a
// Distributed table on any of them spans all of them.
func StartCluster(t testing.TB, cluster string, n int) []*Server {
	t.Helper()
	ports := freePorts(t, 3*n)
	var shards strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&shards, "<shard><replica><host>127.0.0.1</host><port>%d</port></replica></shard>", ports[3*i])
	}
	remote := fmt.Sprintf("<remote_servers><%s>%s</%s></remote_servers>", cluster, shards.String(), cluster)
	srvs := make([]*Server, n)
	for i := range srvs {
		srvs[i] = newServer(t, ports[3*i], ports[3*i+1], ports[3*i+2], remote)
	}
	for _, s := range srvs {
		s.Start()
	}
	return srvs
}

func newServer(t testing.TB, tcp, http, inter int, extra string) *Server {
	t.Helper()
	bin, err := findBinary()
	if err != nil {
		t.Fatalf("chtest: %v", err)
	}
	dir := t.TempDir()
	s := &Server{t: t, dir: dir, tcpPort: tcp, bin: bin}
	// Paths end with "/": 18.16 concatenates them without a separator.
	config := fmt.Sprintf(`<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>%[1]s/server.log</log>
    <errorlog>%[1]s/server.err.log</errorlog>
    <size>10M</size>
    <count>1</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <tcp_port>%[2]d</tcp_port>
  <http_port>%[3]d</http_port>
  <interserver_http_port>%[4]d</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <path>%[1]s/data/</path>
  <tmp_path>%[1]s/data/tmp/</tmp_path>
  <user_files_path>%[1]s/data/user_files/</user_files_path>
  <format_schema_path>%[1]s/data/format_schemas/</format_schema_path>
  <users_config>%[1]s/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  %[5]s
</yandex>
`, dir, tcp, http, inter, extra)
	users := `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`
	if err := os.WriteFile(filepath.Join(dir, "config.xml"), []byte(config), 0o600); err != nil {
		t.Fatalf("chtest: write config: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "users.xml"), []byte(users), 0o600); err != nil {
		t.Fatalf("chtest: write users: %v", err)
	}
	t.Cleanup(s.cleanup)
	return s
}

func findBinary() ([]string, error) {
	if p := os.Getenv("CLICKHOUSE_SERVER"); p != "" {
		if filepath.Base(p) == "clickhouse" {
			return []string{p, "server"}, nil
		}
		return []string{p}, nil
	}
	if p, err := exec.LookPath("clickhouse-server"); err == nil {
		return []string{p}, nil
	}
	if _, err := os.Stat("/usr/sbin/clickhouse-server"); err == nil {
		return []string{"/usr/sbin/clickhouse-server"}, nil
	}
	if p, err := exec.LookPath("clickhouse"); err == nil {
		return []string{p, "server"}, nil
	}
	return nil, errors.New("no clickhouse-server binary found (PATH, /usr/sbin, $CLICKHOUSE_SERVER): " +
		"install it with 'apt-get install -y clickhouse-server' (the project's test command does)")
}

// freePorts returns n free loopback ports for a server (see
// internal/freeport for why they are not the kernel's ":0" choice).
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	ports, err := freeport.Loopback(n)
	if err != nil {
		t.Fatalf("chtest: %v", err)
	}
	return ports
}

// Addr is the native-protocol address, "127.0.0.1:PORT".
func (s *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.tcpPort) }

// Dir is the server's private folder (config, logs, data/).
func (s *Server) Dir() string { return s.dir }

// Running reports whether the process is up (it may not answer yet).
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cmd != nil
}

// Start runs the server (again) on the same folder and ports and waits until
// it answers a query. Starting a running server is a no-op.
func (s *Server) Start() {
	s.t.Helper()
	s.mu.Lock()
	if s.cmd != nil {
		s.mu.Unlock()
		return
	}
	args := append(append([]string{}, s.bin[1:]...), "--config-file="+filepath.Join(s.dir, "config.xml"))
	cmd := exec.Command(s.bin[0], args...)
	cmd.Dir = s.dir
	out, err := os.OpenFile(filepath.Join(s.dir, "stdout.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		s.mu.Unlock()
		s.t.Fatalf("chtest: %v", err)
	}
	cmd.Stdout, cmd.Stderr = out, out
	// Pdeathsig: if the test binary dies (panic, timeout) the server must not
	// outlive it and hold ports and memory.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		out.Close()
		s.mu.Unlock()
		s.t.Fatalf("chtest: start %s: %v", s.bin[0], err)
	}
	done := make(chan struct{})
	go func() {
		cmd.Wait()
		out.Close()
		close(done)
	}()
	s.cmd, s.done = cmd, done
	s.mu.Unlock()

	if err := s.waitReady(done); err != nil {
		s.Kill()
		s.t.Fatalf("chtest: server %s did not come up: %v\n%s", s.Addr(), err, s.logTail())
	}
}

func (s *Server) waitReady(done <-chan struct{}) error {
	deadline := time.Now().Add(StartTimeout)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-done:
			return fmt.Errorf("process exited: %v", last)
		default:
		}
		c, err := s.dial()
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			err = c.Exec(ctx, "SELECT 1")
			cancel()
			if err == nil {
				s.mu.Lock()
				s.conn = c
				s.mu.Unlock()
				return nil
			}
			c.Close()
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("timeout after %v: %v", StartTimeout, last)
}

func (s *Server) dial() (driver.Conn, error) {
	return clickhouse.Open(&clickhouse.Options{
		Addr:        []string{s.Addr()},
		DialTimeout: 2 * time.Second,
		ReadTimeout: 2 * time.Minute,
	})
}

// Stop ends the server gracefully (SIGTERM) and waits for it to exit.
func (s *Server) Stop() { s.signal(syscall.SIGTERM) }

// Kill ends the server with SIGKILL, like a crash or an OOM kill.
func (s *Server) Kill() { s.signal(syscall.SIGKILL) }

// Restart stops the server gracefully and starts it again.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	s.Start()
}

func (s *Server) signal(sig syscall.Signal) {
	s.mu.Lock()
	cmd, done, conn := s.cmd, s.done, s.conn
	s.cmd, s.done, s.conn = nil, nil, nil
	s.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
	if cmd == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, sig)
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		// A server that ignores SIGTERM for a minute is hung: kill it.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
}

func (s *Server) cleanup() {
	s.signal(syscall.SIGKILL)
}

func (s *Server) logTail() string {
	var b bytes.Buffer
	for _, name := range []string{"stdout.log", "server.err.log"} {
		data, _ := os.ReadFile(filepath.Join(s.dir, name))
		if len(data) > 4000 {
			data = data[len(data)-4000:]
		}
		fmt.Fprintf(&b, "--- %s ---\n%s\n", name, data)
	}
	return b.String()
}

func (s *Server) client() driver.Conn {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		s.t.Fatalf("chtest: server %s is not running", s.Addr())
	}
	if s.conn == nil {
		c, err := s.dial()
		if err != nil {
			s.t.Fatalf("chtest: connect %s: %v", s.Addr(), err)
		}
		s.conn = c
	}
	return s.conn
}

// Exec runs one statement and fails the test on error. An INSERT with
// inline data (VALUES, FORMAT) goes through clickhouse-client: over the
// native protocol 18.16 waits for the data as separate blocks, which the Go
// driver's Exec does not send.
func (s *Server) Exec(t testing.TB, sql string) {
	t.Helper()
	up := strings.ToUpper(strings.TrimSpace(sql))
	if strings.HasPrefix(up, "INSERT") && (strings.Contains(up, " VALUES") || strings.Contains(up, " FORMAT ")) {
		s.client() // fails the test when the server is down
		argv, err := clientBinary()
		if err != nil {
			t.Fatalf("chtest: %v", err)
		}
		argv = append(argv, "--host=127.0.0.1", "--port="+strconv.Itoa(s.tcpPort), "--query="+sql)
		out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
		if err != nil {
			t.Fatalf("chtest: %s: %v\n%s", sql, err, out)
		}
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := s.client().Exec(ctx, sql); err != nil {
		t.Fatalf("chtest: %s: %v", sql, err)
	}
}

func clientBinary() ([]string, error) {
	if p, err := exec.LookPath("clickhouse-client"); err == nil {
		return []string{p}, nil
	}
	if p, err := exec.LookPath("clickhouse"); err == nil {
		return []string{p, "client"}, nil
	}
	return nil, errors.New("no clickhouse-client binary found (needed for INSERT ... VALUES in Exec)")
}

// Query runs sql and returns its rows, one per line, columns separated by
// tabs (values printed with fmt's %v). It fails the test on error.
func (s *Server) Query(t testing.TB, sql string) string {
	t.Helper()
	rows, err := s.client().Query(context.Background(), sql)
	if err != nil {
		t.Fatalf("chtest: %s: %v", sql, err)
	}
	defer rows.Close()
	types := rows.ColumnTypes()
	var lines []string
	for rows.Next() {
		ptrs := make([]any, len(types))
		for i, ct := range types {
			ptrs[i] = reflect.New(ct.ScanType()).Interface()
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("chtest: scan %s: %v", sql, err)
		}
		cols := make([]string, len(ptrs))
		for i, p := range ptrs {
			cols[i] = fmt.Sprint(reflect.ValueOf(p).Elem().Interface())
		}
		lines = append(lines, strings.Join(cols, "\t"))
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("chtest: %s: %v", sql, err)
	}
	return strings.Join(lines, "\n")
}

// QueryUint64 runs a query that returns one unsigned number (count(),
// sum() of a UInt column, ...) and returns it.
func (s *Server) QueryUint64(t testing.TB, sql string) uint64 {
	t.Helper()
	out := s.Query(t, sql)
	n, err := strconv.ParseUint(strings.TrimSpace(out), 10, 64)
	if err != nil {
		t.Fatalf("chtest: %s: want one number, got %q", sql, out)
	}
	return n
}
