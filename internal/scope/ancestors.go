package scope

// Ends records, for a scope key, the end offset of every proper scope on the
// path from the root to the key (subscription, group, each resource level),
// the key itself included and the root "/" excluded. key[:ends[i]] is the i-th
// ancestor. It never allocates.
//
// key must be a canonical key (output of ID.Key); for anything else the
// result is the boundaries of whatever well-formed prefix key has.
func Ends(key string, ends *[MaxDepth]int) int {
	n := 0
	if len(key) < 2 || key[0] != '/' {
		return 0
	}
	// Walk '/'-separated tokens, counting position within the grammar.
	pos := 1
	tok := func() (string, bool) {
		if pos > len(key) {
			return "", false
		}
		i := pos
		for i < len(key) && key[i] != '/' {
			i++
		}
		t := key[pos:i]
		pos = i + 1
		return t, true
	}
	add := func() bool {
		if n == MaxDepth {
			return false
		}
		end := pos - 1
		if end > len(key) {
			end = len(key)
		}
		ends[n] = end
		n++
		return true
	}
	t, ok := tok()
	if !ok {
		return 0
	}
	if t == "subscriptions" {
		if _, ok := tok(); !ok || !add() {
			return n
		}
		if t, ok = tok(); !ok {
			return n
		}
		if t == "resourcegroups" {
			if _, ok := tok(); !ok || !add() {
				return n
			}
			if t, ok = tok(); !ok {
				return n
			}
		}
	}
	for {
		if t == "providers" {
			if _, ok := tok(); !ok { // namespace
				return n
			}
			if _, ok = tok(); !ok { // the type; its name follows
				return n
			}
		}
		// t is a type; the name follows.
		if _, ok := tok(); !ok || !add() {
			return n
		}
		if t, ok = tok(); !ok {
			return n
		}
	}
}
