package config

import (
	"fmt"

	"mailaudit/audit"
	"mailaudit/classify"
	"mailaudit/policy"
	"mailaudit/report"
)

// Extra holds the sections owned by the other packages; each validates
// its own keys.
type Extra struct {
	Classify classify.Config `yaml:"classify"`
	Policy   policy.Config   `yaml:"policy"`
	Audit    audit.Config    `yaml:"audit"`
	// Dashboard is the auditors' web UI; absent means off.
	Dashboard *report.DashboardConfig `yaml:"dashboard"`
	// Reports holds the low-usage thresholds the report command uses.
	Reports report.Thresholds `yaml:"reports"`
}

func defaultExtra() Extra { return Extra{Reports: report.DefaultThresholds()} }

func (e *Extra) validate() error {
	if err := e.Classify.Validate(); err != nil {
		return fmt.Errorf("classify: %w", err)
	}
	if err := e.Policy.Validate(); err != nil {
		return err
	}
	if e.Reports.MinActiveDays == 0 {
		return fmt.Errorf("reports.min_active_days: must be > 0")
	}
	e.Audit = e.Audit.WithDefaults()
	if err := e.Audit.Validate(); err != nil {
		return err
	}
	if e.Dashboard != nil {
		d := *e.Dashboard
		d.Thresholds = e.Reports
		d = d.WithDefaults()
		e.Dashboard = &d
		if err := e.Dashboard.Validate(); err != nil {
			return err
		}
	}
	return nil
}
