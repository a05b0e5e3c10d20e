package federation

import (
	"strings"
	"time"

	"github.com/lanyardhq/lanyard/internal/store"
)

// Stored is a federated credential with the record that holds it.
type Stored struct {
	ID        string // the store.Credential ID (Graph's id)
	CreatedAt time.Time
	Credential
}

// List returns the federated credentials among creds, skipping records
// that do not parse (they can only come from a bug, and must not block
// the others).
func List(creds []store.Credential) []Stored {
	var out []Stored
	for _, c := range creds {
		if c.Kind != store.CredentialFederated {
			continue
		}
		if fc, err := Parse(c.Data); err == nil {
			out = append(out, Stored{ID: c.ID, CreatedAt: c.CreatedAt, Credential: fc})
		}
	}
	return out
}

// Find returns the federated credential whose ID or name (case-insensitive,
// as Entra and ARM treat names) is idOrName.
func Find(creds []store.Credential, idOrName string) (Stored, bool) {
	for _, s := range List(creds) {
		if s.ID == idOrName || strings.EqualFold(s.Name, idOrName) {
			return s, true
		}
	}
	return Stored{}, false
}

// CheckAdd applies Entra's rules for adding c beside creds (excluding the
// one being replaced, replacingID, if any): at most MaxPerPrincipal, names
// unique, and no two credentials for the same issuer and subject.
func CheckAdd(creds []store.Credential, c Credential, replacingID string) error {
	n := 0
	for _, s := range List(creds) {
		if s.ID == replacingID {
			continue
		}
		n++
		switch {
		case strings.EqualFold(s.Name, c.Name):
			return &ConflictError{Msg: "A federated identity credential named '" + c.Name + "' already exists."}
		case s.Issuer == c.Issuer && s.Subject == c.Subject:
			return &ConflictError{Msg: "The federated identity credential '" + s.Name + "' already has this issuer and subject; the combination must be unique."}
		}
	}
	if n >= MaxPerPrincipal {
		return invalid("At most %d federated identity credentials are allowed per application or identity.", MaxPerPrincipal)
	}
	return nil
}

// ConflictError is a client-visible conflict with an existing credential.
type ConflictError struct{ Msg string }

func (e *ConflictError) Error() string { return e.Msg }

// Record returns the store record for c on principalID.
func Record(id, principalID string, c Credential, now time.Time) store.Credential {
	return store.Credential{ID: id, PrincipalID: principalID, Kind: store.CredentialFederated, DisplayName: c.Name,
		Data: c.Marshal(), StartsAt: now, CreatedAt: now}
}
