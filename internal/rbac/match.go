package rbac

import "strings"

// Action patterns follow Azure: comparison ignores case, '*' stands for any
// run of characters ('/' included), and a pattern must match the whole
// action. "Microsoft.ServiceBus/*/send/action" therefore matches
// "microsoft.servicebus/namespaces/queues/send/action".
//
// A '*' that is a whole path segment ("/*/") may also stand for no segment
// at all: Azure documents Managed Identity Operator, whose pattern is
// "Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action", as the
// role that grants "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action".
// So "/*/" means "/" followed by nothing or by any run ending in "/".

// pattern is an action pattern folded to lower case at compile time, so the
// hot path folds only the action being checked.
type pattern struct {
	lower string // the pattern as written, folded
	wild  bool   // contains '*'
	// glob is lower with each "/*/" (left to right, not overlapping)
	// rewritten to "/*"; seg[i] != 0 marks such a star at glob[i]: it must
	// stop right after a '/' of the action (the rewritten "/" or a later one).
	glob string
	seg  string // "" if no segment stars
}

func compilePattern(p string) pattern {
	l := asciiLower(p)
	pt := pattern{lower: l, wild: strings.IndexByte(l, '*') >= 0, glob: l}
	if !strings.Contains(l, "/*/") {
		return pt
	}
	var g, seg []byte
	for i := 0; i < len(l); i++ {
		if strings.HasPrefix(l[i:], "/*/") {
			g, seg = append(g, '/', '*'), append(seg, 0, 1)
			i += 2
			continue
		}
		g, seg = append(g, l[i]), append(seg, 0)
	}
	pt.glob, pt.seg = string(g), string(seg)
	return pt
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
	return globFold(p.glob, p.seg, action)
}

// globFold is the classic backtracking wildcard match: on a mismatch it
// retries from the most recent '*', letting it consume one more character.
// Backtracking to the last star only is enough: placing the text between
// two stars at its leftmost possible position leaves the later star the
// most room. That still holds for segment stars (seg[star] != 0), which may
// only stop right after a '/': the positions they may stop at only shrink
// as their start moves right.
func globFold(pat, seg, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for {
		switch {
		case p < len(pat) && pat[p] == '*':
			star, mark = p, i
			if !segStop(seg, star, s, i) && !retry(seg, star, s, &mark) {
				return false
			}
			p, i = star+1, mark
			continue
		case i == len(s):
			if p == len(pat) {
				return true
			}
		case p < len(pat) && pat[p] == lowerByte(s[i]):
			p++
			i++
			continue
		}
		if star < 0 || !retry(seg, star, s, &mark) {
			return false
		}
		p, i = star+1, mark
	}
}

// segStop reports whether the star at pat[star] may stop before s[i].
func segStop(seg string, star int, s string, i int) bool {
	return seg == "" || seg[star] == 0 || (i > 0 && s[i-1] == '/')
}

// retry lets the star at pat[star] consume more of s, to the next place it
// may stop; false if there is none.
func retry(seg string, star int, s string, mark *int) bool {
	for *mark < len(s) {
		*mark++
		if segStop(seg, star, s, *mark) {
			return true
		}
	}
	return false
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
