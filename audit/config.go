package audit

import (
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the zone must load on hosts without /usr/share/zoneinfo

	"gopkg.in/yaml.v3"
)

// Subject privacy settings (Config.Subject.Privacy).
const (
	SubjectPlain = "plain" // the subject as sent
	SubjectHash  = "hash"  // hex HMAC-SHA256 of the normalised subject under Subject.HashKey
	SubjectOmit  = "omit"  // empty
)

// Config is the `audit:` section of the daemon's YAML configuration.
type Config struct {
	ClickHouse ClickHouseConfig `yaml:"clickhouse"`
	Spool      SpoolConfig      `yaml:"spool"`
	Batch      BatchConfig      `yaml:"batch"`
	Subject    SubjectConfig    `yaml:"subject"`

	// Instance names this relay in every row (Event.Instance when the relay
	// left it empty). Default: the host name.
	Instance string `yaml:"instance"`

	// Timezone is the IANA zone whose calendar day fills the `date` column
	// (partitions, per-day reports). Default Asia/Ho_Chi_Minh: "per day" in
	// the agency's reports means the local day, not the UTC day.
	Timezone string `yaml:"timezone"`
}

// ClickHouseConfig says where the rows go.
type ClickHouseConfig struct {
	// Addr lists native-protocol host:port addresses. Without Cluster one
	// address is expected (more are tried in turn); with Cluster every node
	// of the cluster is listed, so that migrations reach each of them.
	Addr     AddrList      `yaml:"addr"`
	Database string        `yaml:"database"` // default "mailaudit"
	User     string        `yaml:"user"`     // default "default"
	Password string        `yaml:"password"`
	Cluster  string        `yaml:"cluster"` // remote_servers name; empty for one node
	Timeout  time.Duration `yaml:"timeout"` // dial and per-query timeout; default 10s
	// OnCluster makes migrations use ON CLUSTER (needs ZooKeeper/Keeper)
	// instead of applying the DDL to each address in turn.
	OnCluster bool `yaml:"on_cluster"`
	// Compression on the wire: "lz4" (default), "zstd" or "none".
	Compression string `yaml:"compression"`
	// TLS encrypts the connection (see ClickHouseTLS).
	TLS ClickHouseTLS `yaml:"tls"`
}

// SpoolConfig places and bounds the local write-ahead spool.
type SpoolConfig struct {
	Dir string `yaml:"dir"` // required; default /var/spool/mailaudit
	// MaxBytes caps the spool; default 1 GiB. Messages are deferred when
	// their records would pass the cap minus a sixteenth (at most 64 MiB),
	// kept for records of refused attempts; auth events may use an eighth.
	MaxBytes int64 `yaml:"max_bytes"`
}

// BatchConfig bounds one INSERT: whichever limit is reached first ships it.
type BatchConfig struct {
	Rows     int           `yaml:"rows"`     // default 5000
	Bytes    int64         `yaml:"bytes"`    // spool-encoded bytes, default 32 MiB
	Interval time.Duration `yaml:"interval"` // default 1s
}

// SubjectConfig is the subject privacy setting.
type SubjectConfig struct {
	Privacy string `yaml:"privacy"`  // plain | hash | omit; default omit (safe until someone decides)
	HashKey string `yaml:"hash_key"` // HMAC key for "hash"; at least 16 bytes
}

// AddrList is one or more "host:port", comma-separated. In YAML it may be
// a scalar or a list. It is a string, not a slice, so that Config stays
// comparable with == (the daemon compares configs on reload).
type AddrList string

// UnmarshalYAML implements yaml.Unmarshaler.
func (a *AddrList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*a = AddrList(n.Value)
		return nil
	}
	var l []string
	if err := n.Decode(&l); err != nil {
		return err
	}
	*a = AddrList(strings.Join(l, ","))
	return nil
}

// List splits the addresses; empty entries are dropped.
func (a AddrList) List() []string {
	var out []string
	for _, s := range strings.Split(string(a), ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Defaults used by WithDefaults.
const (
	DefaultDatabase      = "mailaudit"
	DefaultAddr          = "127.0.0.1:9000"
	DefaultSpoolDir      = "/var/spool/mailaudit"
	DefaultSpoolMaxBytes = 1 << 30
	DefaultBatchRows     = 5000
	DefaultBatchBytes    = 32 << 20
	DefaultBatchInterval = time.Second
	DefaultTimezone      = "Asia/Ho_Chi_Minh"
	DefaultTimeout       = 10 * time.Second

	// MinSpoolMaxBytes keeps the cap above a few segments' worth: at 1 MiB
	// segments are 64 KiB, the headroom kept for unadmitted records 64 KiB
	// (a sixteenth of the cap) and the auth events' share 128 KiB (an
	// eighth), so admission still has 13/16 of the cap.
	MinSpoolMaxBytes = 1 << 20
)

// WithDefaults returns c with every unset field set to its default. The
// hash key has no default: privacy "hash" without a key fails Validate.
func (c Config) WithDefaults() Config {
	if len(c.ClickHouse.Addr.List()) == 0 {
		c.ClickHouse.Addr = DefaultAddr
	}
	if c.ClickHouse.Database == "" {
		c.ClickHouse.Database = DefaultDatabase
	}
	if c.ClickHouse.User == "" {
		c.ClickHouse.User = "default"
	}
	if c.ClickHouse.Timeout == 0 {
		c.ClickHouse.Timeout = DefaultTimeout
	}
	if c.ClickHouse.Compression == "" {
		c.ClickHouse.Compression = "lz4"
	}
	if c.Spool.Dir == "" {
		c.Spool.Dir = DefaultSpoolDir
	}
	if c.Spool.MaxBytes == 0 {
		c.Spool.MaxBytes = DefaultSpoolMaxBytes
	}
	if c.Batch.Rows == 0 {
		c.Batch.Rows = DefaultBatchRows
	}
	if c.Batch.Bytes == 0 {
		c.Batch.Bytes = DefaultBatchBytes
	}
	if c.Batch.Interval == 0 {
		c.Batch.Interval = DefaultBatchInterval
	}
	if c.Subject.Privacy == "" {
		c.Subject.Privacy = SubjectOmit
	}
	if c.Timezone == "" {
		c.Timezone = DefaultTimezone
	}
	return c
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Validate checks c (after WithDefaults) and names the offending key in
// each error, e.g. "audit.clickhouse.addr: must be host:port".
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("audit.%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if len(c.ClickHouse.Addr.List()) == 0 {
		bad("clickhouse.addr", "must list at least one host:port")
	}
	for _, a := range c.ClickHouse.Addr.List() {
		host, port, err := net.SplitHostPort(a)
		if err != nil || host == "" {
			bad("clickhouse.addr", "must be host:port, got %q", a)
			continue
		}
		if p, err := strconv.Atoi(port); err != nil || p <= 0 || p > 65535 {
			bad("clickhouse.addr", "port must be 1-65535, got %q", a)
		}
	}
	if !identRE.MatchString(c.ClickHouse.Database) {
		bad("clickhouse.database", "must be an identifier ([A-Za-z_][A-Za-z0-9_]*), got %q", c.ClickHouse.Database)
	}
	if c.ClickHouse.Cluster != "" && !identRE.MatchString(c.ClickHouse.Cluster) {
		bad("clickhouse.cluster", "must be an identifier, got %q", c.ClickHouse.Cluster)
	}
	if c.ClickHouse.OnCluster && c.ClickHouse.Cluster == "" {
		bad("clickhouse.on_cluster", "needs audit.clickhouse.cluster")
	}
	if c.ClickHouse.Timeout < 0 {
		bad("clickhouse.timeout", "must be positive")
	}
	switch c.ClickHouse.Compression {
	case "lz4", "zstd", "none":
	default:
		bad("clickhouse.compression", "must be lz4, zstd or none, got %q", c.ClickHouse.Compression)
	}
	if err := c.ClickHouse.TLS.validate(); err != nil {
		errs = append(errs, err)
	}
	if strings.TrimSpace(c.Spool.Dir) == "" {
		bad("spool.dir", "must be set")
	}
	if c.Spool.MaxBytes < MinSpoolMaxBytes {
		bad("spool.max_bytes", "must be at least %d, got %d", MinSpoolMaxBytes, c.Spool.MaxBytes)
	}
	if c.Batch.Rows < 1 || c.Batch.Rows > 1_000_000 {
		bad("batch.rows", "must be 1-1000000, got %d", c.Batch.Rows)
	}
	if c.Batch.Bytes < 64<<10 {
		bad("batch.bytes", "must be at least 65536, got %d", c.Batch.Bytes)
	}
	if c.Batch.Interval < time.Millisecond || c.Batch.Interval > time.Minute {
		bad("batch.interval", "must be between 1ms and 1m, got %v", c.Batch.Interval)
	}
	switch c.Subject.Privacy {
	case SubjectPlain, SubjectOmit:
	case SubjectHash:
		if len(c.Subject.HashKey) < 16 {
			bad("subject.hash_key", "must be at least 16 bytes when audit.subject.privacy is hash")
		}
	default:
		bad("subject.privacy", "must be plain, hash or omit, got %q", c.Subject.Privacy)
	}
	if _, err := time.LoadLocation(c.Timezone); err != nil || c.Timezone == "" {
		bad("timezone", "unknown time zone %q", c.Timezone)
	}
	return errors.Join(errs...)
}
