package scope

// IsGUID reports whether s is a GUID in its plain 8-4-4-4-12 hex form, in
// either case. Subscription IDs, object IDs, client IDs, role definition
// and assignment names all take this form; ARM rejects braces and URNs.
func IsGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f') {
				return false
			}
		}
	}
	return true
}
