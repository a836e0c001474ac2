package audit

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// metrics are the Writer's Prometheus series, all prefixed mailaudit_audit_.
type metrics struct {
	queued       prometheus.Gauge
	spooled      *prometheus.CounterVec
	shipped      *prometheus.CounterVec
	duplicates   *prometheus.CounterVec
	checked      *prometheus.CounterVec
	failed       prometheus.Counter
	spoolBytes   prometheus.Gauge
	spoolMax     prometheus.Gauge
	spoolAlarm   prometheus.Gauge
	spoolFull    prometheus.Counter
	corrupt      prometheus.Counter
	fsyncSeconds prometheus.Histogram
	insertSecs   prometheus.Histogram
	up           prometheus.Gauge
	schema       prometheus.Gauge

	admissionRefused *prometheus.CounterVec
	authDropped      prometheus.Counter
	unreadable       prometheus.Counter
	damagedFiles     prometheus.Gauge
	quarantined      *prometheus.CounterVec
	interrupted      prometheus.Counter
}

// newMetrics registers the series on reg; a nil reg registers nothing (the
// series still work), which suits tools such as `mailaudit migrate`.
func newMetrics(reg prometheus.Registerer) *metrics {
	f := promauto.With(reg)
	return &metrics{
		queued: f.NewGauge(prometheus.GaugeOpts{Name: "mailaudit_audit_queued_records",
			Help: "Records in the spool not yet confirmed by ClickHouse (records spooled before this start are counted as the shipper reaches them)."}),
		spooled: f.NewCounterVec(prometheus.CounterOpts{Name: "mailaudit_audit_spooled_records_total",
			Help: "Records made durable in the spool, by kind (message, auth)."}, []string{"kind"}),
		shipped: f.NewCounterVec(prometheus.CounterOpts{Name: "mailaudit_audit_shipped_rows_total",
			Help: "Rows inserted into ClickHouse, by table."}, []string{"table"}),
		duplicates: f.NewCounterVec(prometheus.CounterOpts{Name: "mailaudit_audit_replayed_duplicates_total",
			Help: "Replayed records not inserted because ClickHouse already had their event_id, by table."}, []string{"table"}),
		checked: f.NewCounterVec(prometheus.CounterOpts{Name: "mailaudit_audit_replay_checked_rows_total",
			Help: "Records looked up in ClickHouse before inserting (once per attempt) because an earlier attempt may have sent them, by table."}, []string{"table"}),
		failed: f.NewCounter(prometheus.CounterOpts{Name: "mailaudit_audit_insert_failures_total",
			Help: "Failed attempts to ship a batch (the batch stays in the spool and is retried)."}),
		spoolBytes: f.NewGauge(prometheus.GaugeOpts{Name: "mailaudit_audit_spool_bytes",
			Help: "Spool space in use: segments on disk (shipped or not, until deleted), records waiting for fsync, and room reserved for outcomes of admitted messages."}),
		spoolMax: f.NewGauge(prometheus.GaugeOpts{Name: "mailaudit_audit_spool_max_bytes",
			Help: "The spool's size cap; at the cap Record fails with ErrSpoolFull."}),
		spoolAlarm: f.NewGauge(prometheus.GaugeOpts{Name: "mailaudit_audit_spool_alarm",
			Help: "1 while the spool is above 80% of its cap (cleared below 70%)."}),
		spoolFull: f.NewCounter(prometheus.CounterOpts{Name: "mailaudit_audit_spool_full_total",
			Help: "Records refused because the spool (or its file system) was full; messages deferred at admission are counted in mailaudit_audit_admission_refused_total."}),
		corrupt: f.NewCounter(prometheus.CounterOpts{Name: "mailaudit_audit_spool_corrupt_records_total",
			Help: "Damaged or torn spool records skipped during reading."}),
		fsyncSeconds: f.NewHistogram(prometheus.HistogramOpts{Name: "mailaudit_audit_spool_fsync_seconds",
			Help: "Duration of one group commit (write + fdatasync).", Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16)}),
		insertSecs: f.NewHistogram(prometheus.HistogramOpts{Name: "mailaudit_audit_clickhouse_insert_seconds",
			Help: "Duration of one successful batch shipment to ClickHouse.", Buckets: prometheus.ExponentialBuckets(0.001, 2, 16)}),
		up: f.NewGauge(prometheus.GaugeOpts{Name: "mailaudit_audit_clickhouse_up",
			Help: "1 when the last ClickHouse operation succeeded."}),
		schema: f.NewGauge(prometheus.GaugeOpts{Name: "mailaudit_audit_schema_version",
			Help: "Schema version found in ClickHouse after migrating."}),
		admissionRefused: f.NewCounterVec(prometheus.CounterOpts{Name: "mailaudit_audit_admission_refused_total",
			Help: "Messages deferred before their final dot because their records could not be kept, by reason (spool_full, disk_full, broken)."}, []string{"reason"}),
		authDropped: f.NewCounter(prometheus.CounterOpts{Name: "mailaudit_audit_auth_dropped_total",
			Help: "Auth events not recorded because auth events held their share of the spool (or the spool or disk was full)."}),
		unreadable: f.NewCounter(prometheus.CounterOpts{Name: "mailaudit_audit_spool_unreadable_segments_total",
			Help: "Spool segments that could not be opened or read; each is renamed unreadable-<name> and skipped."}),
		damagedFiles: f.NewGauge(prometheus.GaugeOpts{Name: "mailaudit_audit_spool_damaged_files",
			Help: "Files in the spool folder waiting for an operator: unreadable-* segments and quarantine-* rows (alarm when > 0)."}),
		quarantined: f.NewCounterVec(prometheus.CounterOpts{Name: "mailaudit_audit_quarantined_rows_total",
			Help: "Rows ClickHouse refused for their content after bounded retries, written to a quarantine-* file in the spool folder, by table."}, []string{"table"}),
		interrupted: f.NewCounter(prometheus.CounterOpts{Name: "mailaudit_audit_interrupted_total",
			Help: "Messages whose intent record had no outcome (the relay stopped after admitting them): shipped with action interrupted."}),
	}
}
