package dashboard

import (
	"fmt"
	"strconv"

	"mailaudit/report"
)

// num writes an integer with the UI language's thousands separator:
// Vietnamese 491.769, English 491,769. Anything else is printed as is.
func num(lang string, v any) string {
	var s string
	neg := false
	switch x := v.(type) {
	case uint64:
		s = strconv.FormatUint(x, 10)
	case uint32:
		s = strconv.FormatUint(uint64(x), 10)
	case uint16:
		s = strconv.FormatUint(uint64(x), 10)
	case int:
		s, neg = strconv.FormatUint(uint64(absInt(int64(x))), 10), x < 0
	case int64:
		s, neg = strconv.FormatUint(uint64(absInt(x)), 10), x < 0
	default:
		return fmt.Sprint(v)
	}
	sep := byte('.')
	if lang == report.LangEN {
		sep = ','
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		out = append(out, '-')
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, sep)
		}
		out = append(out, s[i])
	}
	return string(out)
}

func absInt(x int64) uint64 {
	if x < 0 {
		return uint64(-(x + 1)) + 1 // also right for the smallest int64
	}
	return uint64(x)
}

// duration writes milliseconds as h:mm:ss (a session may last days:
// hours simply grow).
func duration(ms uint64) string {
	sec := ms / 1000
	return fmt.Sprintf("%d:%02d:%02d", sec/3600, sec/60%60, sec%60)
}
