package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/lanyardhq/lanyard/internal/atomicfile"
)

// Profile is what `lanyard login` remembers. It holds a bearer token, so it
// lives in a 0700 directory in a 0600 file and is never printed whole.
type Profile struct {
	Server         string    `json:"server"`
	CACertPEM      string    `json:"caCertPem,omitempty"`
	CAFile         string    `json:"caFile,omitempty"`
	TenantID       string    `json:"tenantId"`
	SubscriptionID string    `json:"subscriptionId"`
	User           string    `json:"user"`
	AccessToken    string    `json:"accessToken"`
	ExpiresOn      time.Time `json:"expiresOn"`
	// DataTokens holds the data-plane tokens (Blob, Key Vault) by audience.
	// Profiles from before the data planes lack it; dataToken then asks for
	// a new login rather than failing obscurely.
	DataTokens map[string]storedToken `json:"dataTokens,omitempty"`
}

// errNotSignedIn is what every client command says before the first login.
var errNotSignedIn = errors.New("please run 'lanyard login' to set up an account")

// errExpired is returned when the stored token has run out.
var errExpired = errors.New("your sign-in has expired; run 'lanyard login'")

// profilePath finds profile.json: $LANYARD_CONFIG_DIR wins so tests and
// several accounts can coexist; otherwise the OS config directory.
func profilePath() (string, error) {
	if d := os.Getenv("LANYARD_CONFIG_DIR"); d != "" {
		return filepath.Join(d, "profile.json"), nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding the config directory (set LANYARD_CONFIG_DIR): %w", err)
	}
	return filepath.Join(d, "lanyard", "profile.json"), nil
}

func loadProfile() (*Profile, error) {
	p, err := profilePath()
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNotSignedIn
	}
	if err != nil {
		return nil, fmt.Errorf("reading the profile: %w", err)
	}
	var prof Profile
	if err := json.Unmarshal(b, &prof); err != nil {
		return nil, fmt.Errorf("the profile %s is damaged (%v); run 'lanyard login'", p, err)
	}
	if prof.Server == "" || prof.AccessToken == "" {
		return nil, errNotSignedIn
	}
	return &prof, nil
}

// saveProfile writes atomically: a crash leaves the old profile or the new
// one, never half a token. The temp file is created 0600 from the start so
// the token is never readable by others, even briefly.
func saveProfile(prof *Profile) error {
	p, err := profilePath()
	if err != nil {
		return err
	}
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	// MkdirAll leaves an existing directory alone; tighten it anyway.
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("securing %s: %w", dir, err)
	}
	b, err := json.MarshalIndent(prof, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(p, b, 0o600); err != nil {
		return fmt.Errorf("writing the profile: %w", err)
	}
	return nil
}

// deleteProfile removes the profile; a missing one is not an error.
func deleteProfile() error {
	p, err := profilePath()
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing the profile: %w", err)
	}
	return nil
}
