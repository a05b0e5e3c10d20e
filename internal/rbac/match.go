package rbac

import "strings"

// Action patterns follow Azure: comparison ignores case, '*' stands for any
// run of characters ('/' included), and a pattern must match the whole
// action. "Microsoft.ServiceBus/*/send/action" therefore matches
// "microsoft.servicebus/namespaces/queues/send/action".

// pattern is an action pattern folded to lower case at compile time, so the
// hot path folds only the action being checked.
type pattern struct {
	lower string
	wild  bool // contains '*'
}

func compilePattern(p string) pattern {
	l := asciiLower(p)
	return pattern{lower: l, wild: strings.IndexByte(l, '*') >= 0}
}

// asciiLower lowers ASCII letters only: action names are ASCII, and folding
// the same way on both sides keeps matching symmetric for anything else.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func lowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// match reports whether action matches p. It never allocates.
func (p pattern) match(action string) bool {
	if !p.wild {
		if len(action) != len(p.lower) {
			return false
		}
		for i := 0; i < len(action); i++ {
			if lowerByte(action[i]) != p.lower[i] {
				return false
			}
		}
		return true
	}
	return globFold(p.lower, action)
}

// globFold is the classic linear-backtracking wildcard match: on a mismatch
// it retries from the most recent '*', consuming one more character. With
// only '*' as a metacharacter, backtracking to the last star is sufficient.
func globFold(pat, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pat) && pat[p] == '*':
			star, mark = p, i
			p++
		case p < len(pat) && pat[p] == lowerByte(s[i]):
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pat) && pat[p] == '*' {
		p++
	}
	return p == len(pat)
}

// MatchAction reports whether action matches the Azure action pattern.
func MatchAction(pat, action string) bool { return compilePattern(pat).match(action) }

type patterns []pattern

func compilePatterns(ps []string) patterns {
	out := make(patterns, len(ps))
	for i, p := range ps {
		out[i] = compilePattern(p)
	}
	return out
}

func (ps patterns) match(action string) bool {
	for _, p := range ps {
		if p.match(action) {
			return true
		}
	}
	return false
}
