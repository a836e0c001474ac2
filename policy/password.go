package policy

import (
	"unicode"
	"unicode/utf8"
)

// WeakPassword reports whether pw breaks notice item 6: a password is weak
// unless it has at least 8 characters AND an upper-case letter AND a
// lower-case letter AND a special character.
//
// Characters are counted as Unicode code points, not bytes, so "Đ" is one
// character. Upper and lower case follow unicode.IsUpper/IsLower: the notice
// asks for "chữ in hoa, chữ thường" without restricting them to ASCII, and
// Vietnamese letters such as "Đ", "Ư", "Ơ" are upper-case letters ("đ", "ư"
// lower-case). A special character is any Unicode punctuation or symbol (the
// notice's "!, @, #, %, &, *..." and the rest of ASCII's $+<=>^`|~ etc.);
// digits, spaces and control characters are not special. Invalid UTF-8
// counts as characters of no class.
//
// The password is read in place: no string or copy is made, so the caller's
// zeroing of pw after the check leaves nothing behind, and nothing is logged.
func WeakPassword(pw []byte) bool {
	var n int
	var upper, lower, special bool
	for i := 0; i < len(pw); {
		r, size := utf8.DecodeRune(pw[i:])
		i += size
		n++
		switch {
		case r == utf8.RuneError && size <= 1:
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsPunct(r) || unicode.IsSymbol(r):
			special = true
		}
	}
	return !(n >= 8 && upper && lower && special)
}
