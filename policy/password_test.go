package policy

import "testing"

func TestWeakPassword(t *testing.T) {
	tests := []struct {
		pw   string
		weak bool
		why  string
	}{
		{"", true, "empty"},
		{"Abc!efg", true, "7 characters"},
		{"Abcdefg!", false, "8 characters, upper, lower, special"},
		{"abcdefg!", true, "no upper case"},
		{"ABCDEFG!", true, "no lower case"},
		{"Abcdefgh", true, "no special character"},
		{"Abcdefg1", true, "a digit is not special"},
		{"Abc defgh", true, "a space is not special"},
		{"Abcdefg$", false, "$ is a symbol"},
		{"Abcdefg~", false, "~ is a symbol"},
		{"Tttl@2024", false, "the notice's example class @"},
		{"Đườngphố!", false, "Đ counts as upper case"},
		{"ưabcdeF#", false, "ư counts as lower case"},
		{"ĐƯỜNGPHỐ!", true, "Vietnamese capitals only"},
		{"đườngphố!", true, "Vietnamese lower case only"},
		{"Đườngp!", true, "7 characters in 12 bytes: characters count, not bytes"},
		{"Ab!\xff\xff\xff\xff\xff", false, "invalid UTF-8 bytes still count as characters"},
		{"Ab\xff\xff\xff\xff\xff\xff", true, "invalid UTF-8 is not special"},
	}
	for _, tt := range tests {
		if got := WeakPassword([]byte(tt.pw)); got != tt.weak {
			t.Errorf("WeakPassword(%q) = %v, want %v (%s)", tt.pw, got, tt.weak, tt.why)
		}
	}
}
