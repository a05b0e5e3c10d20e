package credential

import "strings"

// ChainError is DefaultCredential's failure: every source tried and why.
// When Stopped is false every source was unavailable; when true the last
// one failed for real and the chain did not go further.
type ChainError struct {
	Attempts []error
	Stopped  bool
}

func (e *ChainError) Error() string {
	var b strings.Builder
	if e.Stopped {
		b.WriteString("DefaultCredential: a configured source failed, so no further sources were tried:")
	} else {
		b.WriteString("DefaultCredential: no credential source is available in this environment. Tried, in order:")
	}
	for _, err := range e.Attempts {
		b.WriteString("\n\t")
		b.WriteString(strings.ReplaceAll(err.Error(), "\n", "\n\t\t"))
	}
	if !e.Stopped {
		b.WriteString("\nSet one source up (see each \"to fix\" above), or narrow the chain with AZURE_TOKEN_CREDENTIALS.")
	}
	return b.String()
}

// Unwrap lets errors.As find each source's error.
func (e *ChainError) Unwrap() []error { return e.Attempts }
