package config

// Extra holds the sections owned by the other packages (classify, policy,
// audit). They are added here as those packages land.
type Extra struct{}

func defaultExtra() Extra { return Extra{} }

func (e *Extra) validate() error { return nil }
